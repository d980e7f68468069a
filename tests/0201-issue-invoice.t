#!/bin/sh
# Consignment issue (KE, 633) from the customer's report to the invoice
# (F2): prices from prices.csv (customer-specific beats general), tax per
# item rounded half away from zero, one invoice per customer and delivery
# date, serials sold, cost of goods sold at standard cost, receivable,
# revenue and output tax in the journal.  Fill-up deliveries are never
# billed.
. "$(dirname "$0")/lib.sh"

# acc REFTYPE REF: "account side amount customer" of the journal's A
# records for one reference, one a line, sorted.
acc() {
	awk -F'\t' -v t="$1" -v r="$2" '$1 == "A" && $10 == t && $11 == r {
		print $5, $6, $7, $9 }' "$CS_DIR/journal" | sort
}

fresh
initial

# The fill-up runs through cs-bill: a fill-up delivery is never billed.
{ cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 F29:10 | cs-deliver |
    cs-pick | cs-issue | cs-bill >"$T/fill.csv"; echo $? >"$T/rc"; } \
    2>"$T/fill.err"
is "$(cat "$T/rc")" 0 "cs-bill on a fill-up delivery: exit 0"
is "$(sed 1d "$T/fill.csv" | wc -l | tr -d ' ')" 0 \
    "cs-bill on a fill-up delivery writes no billing row"
like "$(cat "$T/fill.err")" \
    "cs-bill: delivery 80000000 is a fillup delivery: never billed" \
    "cs-bill notes the fill-up delivery is never billed"
is "$(grep -c '^F	' "$CS_DIR/journal")" 0 \
    "no billing record in the journal after the fill-up"

cs-order -f fillup -c 100002 F126:2 H20:2 | cs-deliver | cs-pick |
    cs-issue >/dev/null
is "$(stock consignment F126 100001)" 10 "fill-up: 10 F126 at 100001"
is "$(stock consignment F29 100001 F29-B2)" 10 \
    "fill-up: 10 F29 of F29-B2 (first to expire) at 100001"
is "$(stock consignment H20 100002)" 2 "fill-up: 2 H20 at 100002"

before=$(digest)
due=$(cs-bill --due 2>&1)
is "$(printf '%s\n' "$due" | sed 1d | wc -l | tr -d ' ')" 0 \
    "cs-bill --due bills no fill-up delivery"
is "$(digest)" "$before" "cs-bill --due with only fill-ups changes nothing"

# The customers' report of what they sold.
cat >"$T/report.csv" <<'EOF'
customer,material,qty,batch,serials,po
100001,F29,3,F29-B2,,R-100001-1
100001,F126,2,F126-B1,F126-0003 F126-0007,R-100001-1
100001,H20,1,,H20-0003,R-100001-1
100001,H11,1,,,R-100001-1
100002,F126,1,,,R-100002-1
100002,H20,1,,,R-100002-1
EOF
cs-order -f issue "$T/report.csv" | cs-deliver | cs-pick | cs-issue |
    cs-bill >"$T/bill.csv" 2>"$T/bill.err"
is "$?" 0 "report -> order -> delivery -> pick -> issue -> bill: exit 0"
is "$(cat "$T/bill.err")" "" "no message on stderr"
bill=$(cat "$T/bill.csv")

is "$(printf '%s\n' "$bill" | sed 1d | wc -l | tr -d ' ')" 6 \
    "six invoice items"
is "$(printf '%s\n' "$bill" | col billing_type flow mvt | sort -u)" \
    "F2,issue,633" "every item: billing type F2, flow issue, movement 633"
b1=$(printf '%s\n' "$bill" | col customer billing | awk -F, '$1 == 100001 {
    print $2 }' | sort -u)
b2=$(printf '%s\n' "$bill" | col customer billing | awk -F, '$1 == 100002 {
    print $2 }' | sort -u)
is "$b1" 90000000 "all four items of 100001 share billing 90000000"
is "$b2" 90000001 "both items of 100002 share billing 90000001"
is "$(printf '%s\n' "$bill" | col customer billing_item | awk -F, '$1 == 100001 {
    printf "%s ", $2 }')" "10 20 30 40 " "invoice items 10 to 40"

items() {
	printf '%s\n' "$bill" | col customer material batch serials qty price net tax gross currency |
	    awk -F, -v c="$1" '$1 == c'
}
is "$(items 100001 | grep ',F29,')" \
    "100001,F29,F29-B2,,3,18.75,56.25,10.69,66.94,EUR" \
    "F29 3 x 18.75 = 56.25, 19% tax 10.6875 -> 10.69, gross 66.94"
is "$(items 100001 | grep ',F126,')" \
    "100001,F126,F126-B1,F126-0003 F126-0007,2,139.50,279.00,53.01,332.01,EUR" \
    "F126 2 x 139.50 = 279.00, tax 53.01, gross 332.01, with its serials"
is "$(items 100001 | grep ',H20,')" \
    "100001,H20,,H20-0003,1,229.50,229.50,43.61,273.11,EUR" \
    "H20 at the customer price 229.50 (not 249.00): tax 43.605 -> 43.61"
is "$(items 100001 | grep ',H11,')" \
    "100001,H11,,,1,12.35,12.35,2.35,14.70,EUR" \
    "H11 12.35 (price valid today, not the 2018 one): tax 2.3465 -> 2.35"
is "$(items 100002 | grep ',F126,')" \
    "100002,F126,F126-B1,F126-0011,1,139.50,139.50,9.77,149.27,EUR" \
    "100002 at 7%: F126 tax 9.765 -> 9.77, next serial F126-0011"
is "$(items 100002 | grep ',H20,')" \
    "100002,H20,,H20-0006,1,249.00,249.00,17.43,266.43,EUR" \
    "100002 pays the general H20 price 249.00, tax 17.43"

# Consignment stock drops by what was sold, own stock does not move.
is "$(stock consignment F29 100001)" 7 "F29 at 100001: 10 - 3 = 7"
is "$(stock consignment F126 100001)" 8 "F126 at 100001: 10 - 2 = 8"
is "$(stock consignment H20 100001)" 4 "H20 at 100001: 5 - 1 = 4"
is "$(stock consignment H11 100001)" 9 "H11 at 100001: 10 - 1 = 9"
is "$(stock consignment F126 100002)" 1 "F126 at 100002: 2 - 1 = 1"
is "$(stock consignment H20 100002)" 1 "H20 at 100002: 2 - 1 = 1"
is "$(stock own H11)" 90 "own H11 stays 90"
is "$(stock own F126)" 88 "own F126 stays 88"

# The serials' places.
is "$(place H20 H20-0003)" "sold,100001" "H20-0003 is sold to 100001"
is "$(place F126 F126-0003)" "sold,100001" "F126-0003 is sold to 100001"
is "$(place F126 F126-0007)" "sold,100001" "F126-0007 is sold to 100001"
is "$(place H20 H20-0006)" "sold,100002" "H20-0006 is sold to 100002"
is "$(place F126 F126-0011)" "sold,100002" "F126-0011 is sold to 100002"
is "$(place H20 H20-0001)" "consignment,100001" \
    "H20-0001 (not reported) stays in consignment at 100001"
is "$(place F126 F126-0004)" "consignment,100001" \
    "F126-0004 (not reported) stays in consignment at 100001"

# Accounting: cost of goods sold at standard cost per material document.
md1=$(printf '%s\n' "$bill" | col customer matdoc | awk -F, '$1 == 100001 {
    print $2 }' | sort -u)
md2=$(printf '%s\n' "$bill" | col customer matdoc | awk -F, '$1 == 100002 {
    print $2 }' | sort -u)
# 3 x 11.25 + 2 x 86.90 + 1 x 152.40 + 1 x 7.80 = 367.75
is "$(acc matdoc "$md1")" "cogs D 367.75 
inventory C 367.75 " \
    "issue to 100001: Dr cogs, Cr inventory 367.75 at standard cost"
# 86.90 + 152.40 = 239.30
is "$(acc matdoc "$md2")" "cogs D 239.30 
inventory C 239.30 " \
    "issue to 100002: Dr cogs, Cr inventory 239.30 at standard cost"
is "$(acc billing "$b1")" "output-tax C 109.66 
receivable D 686.76 100001
revenue C 577.10 " \
    "invoice to 100001: Dr receivable 686.76, Cr revenue 577.10, Cr tax 109.66 (per item)"
is "$(acc billing "$b2")" "output-tax C 27.20 
receivable D 415.70 100002
revenue C 388.50 " \
    "invoice to 100002: Dr receivable 415.70, Cr revenue 388.50, Cr tax 27.20"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"

# Nothing is left to bill; the fill-ups never are.
before=$(digest)
is "$(cs-bill --due | sed 1d | wc -l | tr -d ' ')" 0 \
    "cs-bill --due after billing: nothing due"
is "$(digest)" "$before" "cs-bill --due with nothing due changes nothing"

# Two reports of one customer delivered on one day: one invoice.
cs-order -f issue -c 100001 H11:2 | cs-deliver --date 2024-06-03 >"$T/d1.csv"
cs-order -f issue -c 100001 F29:1 | cs-deliver --date 2024-06-03 >"$T/d2.csv"
cs-order -f issue -c 100001 H11:1 | cs-deliver --date 2024-06-04 >"$T/d3.csv"
for d in d1 d2 d3; do
	cs-pick <"$T/$d.csv" | cs-issue >/dev/null
done
bill=$(cs-bill --due)
is "$(printf '%s\n' "$bill" | col delivery billing | sort -u | awk -F, '
    { b[$2] = b[$2] " " $1 } END { for (k in b) print k ":" b[k] }' | sort)" \
    "90000002: 80000004 80000005
90000003: 80000006" \
    "deliveries of 2024-06-03 share one invoice, 2024-06-04 gets its own"
is "$(printf '%s\n' "$bill" | col billing net tax gross | sort)" \
    "90000002,18.75,3.56,22.31
90000002,24.70,4.69,29.39
90000003,12.35,2.35,14.70" \
    "their items: 2 H11 24.70/4.69, 1 F29 18.75/3.56, 1 H11 12.35/2.35"
done_testing
