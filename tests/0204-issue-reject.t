#!/bin/sh
# Issue orders that must be rejected: beyond consignment stock, serials
# not in consignment at the customer, stock claimed by open orders, no
# valid price.  A rejected document leaves the data directory untouched,
# names its input line, and other documents go on.  The price is copied
# into the order: later edits of prices.csv do not change the invoice.
. "$(dirname "$0")/lib.sh"

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 F29:10 | cs-deliver |
    cs-pick | cs-issue >/dev/null
cs-order -f fillup -c 100002 H20:2 | cs-deliver | cs-pick | cs-issue >/dev/null
is "$(place H20 H20-0006)" "consignment,100002" "H20-0006 is at 100002"

# order FILE: cs-order -f issue on FILE; stdout, stderr and status kept.
order() {
	cs-order -f issue "$@" >"$T/out.csv" 2>"$T/err"
	echo $? >"$T/rc"
}
rows() { sed 1d "$T/out.csv" | wc -l | tr -d ' '; }

# Beyond consignment stock, from a file and from stdin.
printf 'customer,material,qty,po\n100001,H11,11,OVER-1\n' >"$T/over.csv"
before=$(digest)
order "$T/over.csv"
is "$(cat "$T/rc")" 1 "H11 11 of 10 in consignment: exit 1"
like "$(cat "$T/err")" "^cs-order: .*over\.csv: line 2: " \
    "the message names the file and line 2"
like "$(cat "$T/err")" "H11: 11 requested, 10 available in consignment stock" \
    "the message says 11 requested, 10 available"
is "$(rows)" 0 "no order row written"
is "$(digest)" "$before" "data directory byte-identical"

{ cs-order -f issue "$T/over.csv" | cs-deliver | cs-pick | cs-issue |
    cs-bill >/dev/null; } 2>/dev/null
is "$(digest)" "$before" "the whole pipeline on it: data directory byte-identical"
is "$(stock consignment H11 100001)" 10 "H11 at 100001 still 10"

printf 'customer,material,qty\n100001,F29,4\n100001,F29,7\n' |
    cs-order -f issue >"$T/out.csv" 2>"$T/err"
is "$?" 1 "F29 4 + 7 of 10 on stdin: exit 1"
like "$(cat "$T/err")" "^cs-order: input line " "stdin errors say 'input line N'"
like "$(cat "$T/err")" "F29: 7 requested, 6 available" \
    "the second item sees what the first one claims: 6 available"
is "$(rows)" 0 "the order is all or nothing: no row"
is "$(digest)" "$before" "data directory byte-identical"

# A report whose fourth line is the bad one: that line is named.
cat >"$T/multi.csv" <<'EOF'
customer,material,qty,po
100001,H11,1,MULTI-1
100001,F29,1,MULTI-1
100001,H20,6,MULTI-1
EOF
order "$T/multi.csv"
is "$(cat "$T/rc")" 1 "H20 6 of 5 in a three-item report: exit 1"
like "$(cat "$T/err")" "multi\.csv: line 4: .*H20: 6 requested, 5 available" \
    "the message names line 4, the H20 row at fault"
is "$(digest)" "$before" "data directory byte-identical"

# Serials that are not in consignment at this customer.
printf 'customer,material,qty,serials\n100001,H20,1,H20-0050\n' >"$T/s1.csv"
order "$T/s1.csv"
is "$(cat "$T/rc")" 1 "serial H20-0050 (own stock): exit 1"
like "$(cat "$T/err")" \
    "line 2: .*serial H20-0050 is not in consignment stock of customer 100001" \
    "the message names the serial and the customer"
is "$(digest)" "$before" "data directory byte-identical"
is "$(place H20 H20-0050)" "own," "H20-0050 stays in own stock"

printf 'customer,material,qty,serials\n100001,H20,1,H20-0006\n' >"$T/s2.csv"
order "$T/s2.csv"
is "$(cat "$T/rc")" 1 "serial H20-0006 (at customer 100002): exit 1"
like "$(cat "$T/err")" "serial H20-0006 is not in consignment stock of customer 100001" \
    "the message names H20-0006 and customer 100001"
is "$(digest)" "$before" "data directory byte-identical"
is "$(place H20 H20-0006)" "consignment,100002" "H20-0006 stays at 100002"

printf 'customer,material,qty,batch,serials\n100001,F126,1,F126-B1,F126-0050\n' \
    >"$T/s3.csv"
order "$T/s3.csv"
is "$(cat "$T/rc")" 1 "serial F126-0050 (own stock) of batch F126-B1: exit 1"
like "$(cat "$T/err")" "serial F126-0050 is not in consignment stock" \
    "the message names F126-0050"
is "$(digest)" "$before" "data directory byte-identical"

# Open issue orders claim consignment stock.
cs-order -f issue -c 100001 H11:6 >"$T/claim1.csv" 2>"$T/err"
is "$?" 0 "open issue order for H11 6 of 10: exit 0"
claim1=$(col order <"$T/claim1.csv")
before=$(digest)
cs-order -f issue -c 100001 H11:6 >"$T/out.csv" 2>"$T/err"
is "$?" 1 "a second open order for H11 6: exit 1"
like "$(cat "$T/err")" "H11: 6 requested, 4 available in consignment stock of customer 100001 less open orders" \
    "the second order sees 4 available (10 less the open 6)"
is "$(digest)" "$before" "data directory byte-identical"
cs-order -f issue -c 100001 H11:4 >"$T/out.csv" 2>"$T/err"
is "$?" 0 "an order for the remaining H11 4: exit 0"
claim2=$(col order <"$T/out.csv")
before=$(digest)
cs-order -f issue -c 100001 H11:1 >/dev/null 2>"$T/err"
is "$?" 1 "nothing of H11 left to order: exit 1"
like "$(cat "$T/err")" "H11: 1 requested, 0 available" "0 available"
is "$(digest)" "$before" "data directory byte-identical"
cs-order --reject "$claim2" >/dev/null 2>&1
is "$?" 0 "rejecting the open order of H11 4: exit 0"
cs-order -f issue -c 100001 H11:1 >/dev/null 2>"$T/err"
is "$?" 0 "its rejection frees the claim: H11 1 orders again"

# A serial named in an open order is not free for a second order.
printf 'customer,material,qty,serials,po\n100001,H20,1,H20-0001,SER-A\n' |
    cs-order -f issue >"$T/sera.csv" 2>"$T/err"
is "$?" 0 "open order for serial H20-0001: exit 0"
before=$(digest)
printf 'customer,material,qty,serials,po\n100001,H20,1,H20-0001,SER-B\n' |
    cs-order -f issue >"$T/out.csv" 2>"$T/err"
is "$?" 1 "a second open order for serial H20-0001: exit 1"
like "$(cat "$T/err")" "H20-0001" "the message names serial H20-0001"
is "$(digest)" "$before" "data directory byte-identical"

# No valid price: H11 only has expired prices, H20 none at all.  Those
# documents are rejected; the F29 report goes on.
cp "$CS_DIR/prices.csv" "$T/prices.orig"
awk -F, -v OFS=, '$1 == "H11" && $6 == "2099-12-31" { $6 = "2020-12-31" }
    $1 != "H20"' \
    "$T/prices.orig" >"$CS_DIR/prices.csv"
cat >"$T/price.csv" <<'EOF'
customer,material,qty,po
100001,H11,1,PRICE-1
100001,H20,1,PRICE-2
100001,F29,2,PRICE-3
EOF
order "$T/price.csv"
is "$(cat "$T/rc")" 1 "reports without a valid price: exit 1"
like "$(cat "$T/err")" "price\.csv: line 2: .*H11: no valid price" \
    "H11 (prices expired): no valid price, line 2"
like "$(cat "$T/err")" "price\.csv: line 3: .*H20: no valid price" \
    "H20 (no price row): no valid price, line 3"
is "$(col material qty price po <"$T/out.csv")" "F29,2,18.75,PRICE-3" \
    "the F29 report goes on: ordered at 18.75"
cp "$T/prices.orig" "$CS_DIR/prices.csv"

# The price is copied into the order.  H20 ordered at 229.50 and H11
# ordered earlier (the open claim) at 12.35; then the prices change.
printf 'customer,material,qty,serials,po\n100001,H20,1,H20-0002,COPY-1\n' |
    cs-order -f issue >"$T/copy.csv"
is "$(col material price <"$T/copy.csv")" "H20,229.50" \
    "H20 ordered at the customer price 229.50"
sed -e 's/^H20,100001,229\.50,/H20,100001,300.00,/' \
    -e 's/^H20,,249\.00,/H20,,310.00,/' \
    -e 's/^H11,,12\.35,/H11,,15.00,/' "$T/prices.orig" >"$CS_DIR/prices.csv"
is "$(grep -c '300\.00\|310\.00\|15\.00' "$CS_DIR/prices.csv")" 3 \
    "prices.csv edited: H20 300.00 and 310.00, H11 15.00"
cat "$T/copy.csv" | cs-deliver | cs-pick | cs-issue | cs-bill >"$T/bill.csv"
is "$(col material qty price net tax gross <"$T/bill.csv")" \
    "H20,1,229.50,229.50,43.61,273.11" \
    "H20 invoiced at the ordered 229.50, not the edited 300.00"
cs-deliver <"$T/claim1.csv" | cs-pick | cs-issue | cs-bill >"$T/bill.csv"
is "$(col material qty price net tax gross <"$T/bill.csv")" \
    "H11,6,12.35,74.10,14.08,88.18" \
    "H11 6 invoiced at the ordered 12.35, not the edited 15.00"
is "$(place H20 H20-0002)" "sold,100001" "H20-0002 is sold"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
