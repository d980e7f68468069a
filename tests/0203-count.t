#!/bin/sh
# Consumption from the customer's on-hand count: cs-stock --count turns
# book - counted into issue request rows, reports counts above the book,
# and feeds the issue pipeline up to the invoice; --po makes the same
# count an order once.
. "$(dirname "$0")/lib.sh"

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 F29:10 | cs-deliver |
    cs-pick | cs-issue >/dev/null

# A count with a discrepancy: F29 counted 12 where the book says 10.
cat >"$T/counts.csv" <<'EOF'
customer,material,batch,qty
100001,F126,F126-B1,7
100001,H11,,8
100001,H20,,5
100001,F29,F29-B2,12
EOF
before=$(digest)
cs-stock --count "$T/counts.csv" >"$T/out.csv" 2>"$T/err"
is "$?" 1 "a count above the book: exit 1"
is "$(head -1 "$T/out.csv")" "flow,customer,material,batch,qty,book,counted" \
    "request columns flow, customer, material, batch, qty, book, counted"
is "$(sed 1d "$T/out.csv")" "issue,100001,F126,F126-B1,3,10,7
issue,100001,H11,,2,10,8" \
    "qty = book - counted for F126 (10 - 7) and H11 (10 - 8); none for H20 (5 = 5)"
like "$(cat "$T/err")" "line 5: .*F29.*discrepancy" \
    "the F29 discrepancy is reported on stderr with its line"
like "$(cat "$T/err")" "counted 12, book 10: discrepancy of 2" \
    "the discrepancy names counted 12, book 10, difference 2"
is "$(grep -c 'discrepancy' "$T/err")" 1 "only F29 is a discrepancy"
is "$(digest)" "$before" "cs-stock --count writes nothing to the data directory"

# The sample count (F126-B1 7, H11 8, H20 5) through the issue pipeline.
cs-stock --count "$CS_DIR/counts/100001.csv" | cs-order -f issue |
    cs-deliver | cs-pick | cs-issue | cs-bill >"$T/bill.csv" 2>"$T/err"
is "$?" 0 "count -> order -> deliver -> pick -> issue -> bill: exit 0"
is "$(col material batch qty book counted serials <"$T/bill.csv")" \
    "F126,F126-B1,3,10,7,F126-0001 F126-0002 F126-0003
H11,,2,10,8," \
    "consumption F126 3 (serials F126-0001..0003) and H11 2; book and counted passed through"
is "$(col material price net tax gross billing_type <"$T/bill.csv")" \
    "F126,139.50,418.50,79.52,498.02,F2
H11,12.35,24.70,4.69,29.39,F2" \
    "invoice: F126 3 x 139.50 = 418.50, tax 79.515 -> 79.52; H11 2 x 12.35 = 24.70, tax 4.69"
is "$(col billing <"$T/bill.csv" | sort -u)" 90000000 "one invoice 90000000"
is "$(awk -F'\t' '$1 == "A" && $10 == "billing" && $11 == "90000000" {
    print $5, $6, $7 }' "$CS_DIR/journal" | sort | tr '\n' ';')" \
    "output-tax C 84.21;receivable D 527.41;revenue C 443.20;" \
    "invoice accounting: receivable 527.41, revenue 443.20, tax 84.21"
md=$(col matdoc <"$T/bill.csv" | sort -u)
is "$(awk -F'\t' -v m="$md" '$1 == "A" && $10 == "matdoc" && $11 == m {
    print $5, $6, $7 }' "$CS_DIR/journal" | sort | tr '\n' ';')" \
    "cogs D 276.30;inventory C 276.30;" \
    "cost of goods sold 3 x 86.90 + 2 x 7.80 = 276.30"
is "$(stock consignment F126 100001)" 7 "F126 at 100001 now 7, as counted"
is "$(stock consignment H11 100001)" 8 "H11 at 100001 now 8, as counted"
is "$(stock consignment H20 100001)" 5 "H20 at 100001 stays 5"
is "$(place F126 F126-0002)" "sold,100001" "F126-0002 is sold to 100001"
is "$(place F126 F126-0004)" "consignment,100001" \
    "F126-0004 stays in consignment"

# Counted again after the consumption: book = counted, nothing to order.
cs-stock --count "$CS_DIR/counts/100001.csv" >"$T/out.csv" 2>"$T/err"
is "$?" 0 "the same count after its consumption: exit 0"
is "$(sed 1d "$T/out.csv" | wc -l | tr -d ' ')" 0 \
    "the same count after its consumption: no request row"

# --po: the count becomes one report; feeding it twice orders it once.
cat >"$T/c2.csv" <<'EOF'
customer,material,batch,qty
100001,H11,,5
100001,F29,,9
EOF
cs-stock --count "$T/c2.csv" --po COUNT-2024-07 >"$T/out.csv"
is "$?" 0 "--po: exit 0"
is "$(cat "$T/out.csv")" "flow,customer,material,batch,qty,book,counted,po
issue,100001,H11,,3,8,5,COUNT-2024-07
issue,100001,F29,,1,10,9,COUNT-2024-07" \
    "--po adds a po column; F29 counted without batch is compared over all batches"
cs-stock --count "$T/c2.csv" --po COUNT-2024-07 | cs-order -f issue \
    >"$T/o1.csv" 2>"$T/err"
is "$?" 0 "first order of the count: exit 0"
is "$(col order po <"$T/o1.csv" | sort -u)" "1000002,COUNT-2024-07" \
    "the count is order 1000002 with po COUNT-2024-07"
before=$(digest)
cs-stock --count "$T/c2.csv" --po COUNT-2024-07 | cs-order -f issue \
    >"$T/o2.csv" 2>"$T/err"
is "$?" 0 "the same count again: exit 0"
like "$(cat "$T/err")" "ordered already as order 1000002" \
    "the same count again: noted as ordered already"
is "$(col order <"$T/o2.csv" | sort -u)" 1000002 \
    "the same count again: the existing order passes through, no new one"
is "$(digest)" "$before" "the same count again: data directory unchanged"

cs-deliver --due | cs-pick | cs-issue | cs-bill >"$T/bill.csv"
is "$(col material batch qty net tax gross <"$T/bill.csv")" \
    "H11,,3,37.05,7.04,44.09
F29,F29-B2,1,18.75,3.56,22.31" \
    "invoiced once: H11 3 x 12.35 = 37.05 (tax 7.0395 -> 7.04), F29 1 from F29-B2"
is "$(stock consignment H11 100001)" 5 "H11 at 100001 consumed once: 5"
is "$(stock consignment F29 100001)" 9 "F29 at 100001 consumed once: 9"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
