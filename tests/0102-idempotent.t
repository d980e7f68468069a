#!/bin/sh
# A document is posted at most once: re-running stages of a fill-up
# pipeline on the same input changes nothing and says so; a customer's
# po is ordered once.
. "$(dirname "$0")/lib.sh"

fresh
initial
J=$CS_DIR/journal

cs-order -f fillup -c 100001 F126:10 H11:4 | cs-deliver >"$T/d.csv"

# --- cs-pick twice on the same deliveries -----------------------------
cs-pick <"$T/d.csv" >"$T/p1.csv"
is "$?" 0 "first cs-pick exits 0"
sum=$(cksum <"$J")
cs-pick <"$T/d.csv" >"$T/p2.csv" 2>"$T/err"
is "$?" 0 "cs-pick again on picked deliveries exits 0"
is "$(cksum <"$J")" "$sum" "cs-pick again: journal byte-identical"
like "$(cat "$T/err")" '^cs-pick: input line 2: delivery 80000000 is picked already' \
    "cs-pick again: says 'picked already' naming line and delivery"
is "$(cat "$T/p2.csv")" "$(cat "$T/p1.csv")" \
    "cs-pick again: same rows, same batch and serials as the first run"

# --- cs-issue twice on the same picked deliveries ---------------------
cs-issue <"$T/p1.csv" >"$T/i1.csv"
is "$?" 0 "first cs-issue exits 0"
is "$(stock consignment F126 100001)" 10 "first cs-issue: 10 F126 at the customer"
sum=$(cksum <"$J")
st=$(cs-stock)
cs-issue <"$T/p1.csv" >"$T/i2.csv" 2>"$T/err"
is "$?" 0 "cs-issue again on the same deliveries exits 0"
is "$(cksum <"$J")" "$sum" "cs-issue again: journal byte-identical"
like "$(cat "$T/err")" \
    'cs-issue: input line 2: delivery 80000000 is posted already as material document 4900000008' \
    "cs-issue again: says 'posted already' with the material document"
is "$(col matdoc <"$T/i2.csv" | sort -u)" 4900000008 \
    "cs-issue again: rows still carry the same matdoc"
is "$(cat "$T/i2.csv")" "$(cat "$T/i1.csv")" "cs-issue again: output identical to the first run"
is "$(cs-stock)" "$st" "cs-issue again: stock unchanged"
is "$(stock consignment F126 100001)" 10 "still 10 F126 at the customer, not 20"
is "$(stock own H11)" 96 "still 96 H11 in own stock, not 92"

# The issued rows themselves fed back (as a re-run of the whole tail would).
cs-issue <"$T/i1.csv" >"$T/i3.csv" 2>"$T/err"
is "$?" 0 "cs-issue on its own output exits 0"
is "$(cksum <"$J")" "$sum" "cs-issue on its own output: journal byte-identical"
is "$(col matdoc mvt <"$T/i3.csv" | sort -u)" "4900000008,631" \
    "cs-issue on its own output: same matdoc and movement"

# cs-pick after the goods issue: nothing to pick any more.
cs-pick <"$T/d.csv" >/dev/null 2>"$T/err"
is "$?" 0 "cs-pick on a posted delivery exits 0"
is "$(cksum <"$J")" "$sum" "cs-pick on a posted delivery: journal byte-identical"
like "$(cat "$T/err")" 'delivery 80000000 is (posted|picked) already' \
    "cs-pick on a posted delivery says so"

# cs-deliver again on the same order rows: delivered once.
cs-order -f fillup -c 100001 H21:2 >"$T/o.csv"
cs-deliver <"$T/o.csv" >"$T/dd1.csv"
sum=$(cksum <"$J")
cs-deliver <"$T/o.csv" >"$T/dd2.csv" 2>"$T/err"
is "$?" 0 "cs-deliver again on the same order exits 0"
is "$(cksum <"$J")" "$sum" "cs-deliver again: journal byte-identical"
like "$(cat "$T/err")" '^cs-deliver: .*order 1000001: (nothing open to deliver|.*already)' \
    "cs-deliver again: says order 1000001 has nothing left to deliver"
unlike "$(col delivery <"$T/dd2.csv")" '^80000002' "cs-deliver again: no second delivery"

# --- a customer report (po) is ordered once ---------------------------
printf 'customer,material,qty,po\n100001,H22,2,PO-7\n' >"$T/r.csv"
cs-order -f fillup "$T/r.csv" >"$T/o1.csv"
is "$?" 0 "order for po PO-7 exits 0"
no=$(col order <"$T/o1.csv")
is "$no" 1000002 "po PO-7 gets order 1000002"
sum=$(cksum <"$J")
cs-order -f fillup "$T/r.csv" >"$T/o2.csv" 2>"$T/err"
is "$?" 0 "the same po again exits 0"
is "$(cksum <"$J")" "$sum" "the same po again: journal byte-identical"
like "$(cat "$T/err")" \
    "r.csv: line 2: customer 100001 fillup po PO-7 is ordered already as order 1000002" \
    "the same po again: note names file, line, po and the existing order"
unlike "$(col order <"$T/o2.csv")" '^100000[3-9]' "the same po again: no new order number"

# Within one stream: PO-8, PO-9, then PO-8 again (not consecutive).
printf 'customer,material,qty,po\n100001,H22,1,PO-8\n100001,H22,1,PO-9\n100001,H22,1,PO-8\n' |
    cs-order -f fillup >"$T/o3.csv" 2>"$T/err"
is "$?" 0 "PO-8, PO-9, PO-8 in one stream exits 0"
is "$(col po order <"$T/o3.csv" | sort -u)" "PO-8,1000003
PO-9,1000004" "PO-8 and PO-9 ordered once each"
like "$(cat "$T/err")" 'input line 4: customer 100001 fillup po PO-8 is ordered already as order 1000003' \
    "the repeated PO-8 on line 4 is skipped with a note"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes"
done_testing
