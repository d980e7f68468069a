#!/bin/sh
# A customer report is ordered once: the same report (customer, flow, po)
# fed through the whole pipeline twice posts nothing the second time and
# says so; a report with a new po is a new order.
. "$(dirname "$0")/lib.sh"

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 F29:10 | cs-deliver |
    cs-pick | cs-issue >/dev/null

cat >"$T/report.csv" <<'EOF'
customer,material,qty,batch,serials,po
100001,F29,2,,,SALES-2024-05
100001,H20,1,,H20-0002,SALES-2024-05
100001,H11,4,,,SALES-2024-05
EOF

run() {
	{ cs-order -f issue "$T/report.csv" 2>"$T/order.err"
	  echo $? >"$T/order.rc"; } | cs-deliver 2>"$T/deliver.err" | cs-pick |
	    cs-issue | cs-bill >"$T/bill.csv"
}

run
is "$(cat "$T/order.rc")" 0 "first run: cs-order exit 0"
is "$(col order <"$T/bill.csv" | sort -u)" 1000001 \
    "first run: one order 1000001"
is "$(col material gross <"$T/bill.csv" | sort | tr '\n' ' ')" \
    "F29,44.63 H11,58.79 H20,273.11 " \
    "first run: invoiced F29 2 x 18.75 + 19%, H11 4 x 12.35 + 19%, H20 229.50 + 19%"
is "$(stock consignment F29 100001)" 8 "first run: F29 at 100001 10 -> 8"
is "$(stock consignment H11 100001)" 6 "first run: H11 at 100001 10 -> 6"
is "$(stock consignment H20 100001)" 4 "first run: H20 at 100001 5 -> 4"
is "$(place H20 H20-0002)" "sold,100001" "first run: H20-0002 sold"
n_o=$(grep -c '^O	' "$CS_DIR/journal")
n_f=$(grep -c '^F	' "$CS_DIR/journal")

before=$(digest)
run
like "$(cat "$T/deliver.err")" "order 1000001: nothing open to deliver" \
    "second run: the order passed through is delivered already, and cs-deliver says so"
is "$(cat "$T/order.rc")" 0 "second run: cs-order exit 0 (a note, not an error)"
like "$(cat "$T/order.err")" \
    "cs-order: .*report\.csv: line 2: .*ordered already" \
    "second run: cs-order notes 'ordered already' on stderr"
like "$(cat "$T/order.err")" "ordered already as order 1000001" \
    "the note names the existing order 1000001"
is "$(sed 1d "$T/bill.csv" | wc -l | tr -d ' ')" 0 \
    "second run: the pipeline writes no item"
is "$(digest)" "$before" "second run: data directory byte-identical"
is "$(grep -c '^O	' "$CS_DIR/journal")" "$n_o" "second run: no new order record"
is "$(grep -c '^F	' "$CS_DIR/journal")" "$n_f" \
    "second run: no new billing record"
is "$(stock consignment F29 100001)" 8 "second run: F29 at 100001 still 8"
is "$(stock consignment H11 100001)" 6 "second run: H11 at 100001 still 6"
is "$(stock consignment H20 100001)" 4 "second run: H20 at 100001 still 4"
is "$(cs-bill --due | sed 1d | wc -l | tr -d ' ')" 0 \
    "nothing left due for billing"

# The same file with one more report (new po) appended: only that is new.
cat >>"$T/report.csv" <<'EOF'
100001,H11,1,,,SALES-2024-06
EOF
run
is "$(cat "$T/order.rc")" 0 "third run: cs-order exit 0"
like "$(cat "$T/order.err")" "po SALES-2024-05 is ordered already" \
    "third run: the old report is skipped with a note"
is "$(col order material qty net tax gross <"$T/bill.csv")" \
    "1000002,H11,1,12.35,2.35,14.70" \
    "third run: only the new report is ordered and invoiced"
is "$(stock consignment H11 100001)" 5 "third run: H11 at 100001 6 -> 5"
is "$(stock consignment F29 100001)" 8 "third run: F29 at 100001 still 8"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
