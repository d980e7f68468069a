#!/bin/sh
# Pickup (KA) rejections: serials not at the customer, quantities beyond
# the consignment stock, picking a serial not at the customer.  Each
# rejected document leaves the data directory byte-identical.
. "$(dirname "$0")/lib.sh"

rows() { awk 'NR > 1' | grep -c .; }

# req LINE...: a request file with header customer,material,qty,batch,serials.
req() {
	printf 'customer,material,qty,batch,serials\n' >"$T/req"
	for l; do printf '%s\n' "$l" >>"$T/req"; done
}

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002' '100001,F126,2,F126-0001 F126-0002' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null
# H20-0006 goes to another customer's consignment.
cs-order -f fillup -c 100002 H20:1 | cs-deliver | cs-pick | cs-issue >/dev/null
is "$(place H20 H20-0006)" "consignment,100002" "H20-0006 is at customer 100002"

# --- serials not in consignment stock of 100001 ---
d0=$(digest)
req '100001,F126,1,,F126-0050'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of own-stock serial F126-0050: exit 1"
like "$err" "F126-0050.*not in consignment stock of customer 100001" \
    "message names F126-0050 and the customer"
like "$err" "input line 2" "message names the input line"
is "$(printf '%s\n' "$out" | rows)" 0 "no order row is written"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,H20,1,,H20-0001'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of sold serial H20-0001: exit 1"
like "$err" "H20-0001.*not in consignment stock of customer 100001" \
    "message names H20-0001"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,F126,1,F126-B1,F126-0001'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of sold batch serial F126-0001: exit 1"
like "$err" "F126-0001.*not in consignment stock of customer 100001" \
    "message names F126-0001"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,H20,1,,H20-0006'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of H20-0006, at customer 100002: exit 1"
like "$err" "H20-0006.*not in consignment stock of customer 100001" \
    "message names H20-0006"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,H20,1,,H20-0099'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of serial H20-0099 in own stock: exit 1"
is "$(digest)" "$d0" "data directory byte-identical"

# One bad item takes its whole order down, and nothing else.
req '100001,H11,1,,' '100001,H20,1,,H20-0001'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "order with one bad serial item: exit 1"
is "$(printf '%s\n' "$out" | rows)" 0 "no item of that order is written"
is "$(digest)" "$d0" "data directory byte-identical"

# --- quantities beyond consignment stock ---
req '100001,H11,11,,'
run cs-order -f pickup --reject "$T/rej.csv" <"$T/req"
is "$rc" 1 "pickup of 11 H11 with 10 at the customer: exit 1"
like "$err" "input line 2" "message names the input line"
like "$err" "H11: 11 requested, 10 available in consignment stock of customer 100001" \
    "message gives requested and available quantity"
is "$(digest)" "$d0" "data directory byte-identical"
is "$(col customer material qty <"$T/rej.csv")" "100001,H11,11" \
    "--reject file holds the input row"
like "$(head -1 "$T/rej.csv")" "(^|,)error$" "--reject file has an error column"

req '100001,F126,9,,'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of 9 F126 with 8 at the customer: exit 1"
like "$err" "input line 2.*F126: 9 requested, 8 available" "message for F126"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,F126,1,F126-B2,'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "pickup of batch F126-B2, none at the customer: exit 1"
like "$err" "F126 batch F126-B2: 1 requested, 0 available" "message names the batch"
is "$(digest)" "$d0" "data directory byte-identical"

req '100001,H20,1,,' '100001,H20,3,,'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "two items of 1 and 3 H20 with 3 at the customer: exit 1"
like "$err" "input line 3.*H20: 3 requested, 2 available" \
    "the second item is short by what the first claims"
is "$(digest)" "$d0" "data directory byte-identical"

# The same serial on two items of one order is one piece, not two.
req '100001,F126,1,F126-B1,F126-0005' '100001,F126,1,F126-B1,F126-0005'
run cs-order -f pickup <"$T/req"
is "$rc" 1 "one serial F126-0005 on two pickup items: exit 1"
like "$err" "F126-0005" "message names F126-0005"
is "$(digest)" "$d0" "data directory byte-identical"

# --- picking a serial not at the customer ---
fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials\n100001,F126,2,F126-0001 F126-0002\n' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null
dlv=$(cs-order -f pickup -c 100001 F126:1 | cs-deliver | col delivery)
like "$dlv" '^800000[0-9][0-9]$' "pickup delivery created"
d0=$(digest)

printf 'delivery,delivery_item,serials\n%s,10,F126-0050\n' "$dlv" >"$T/pick"
run cs-pick <"$T/pick"
is "$rc" 1 "cs-pick of own-stock serial F126-0050: exit 1"
like "$err" "input line 2.*delivery $dlv.*F126-0050 is not in consignment stock of customer 100001" \
    "message names line, delivery, serial and customer"
is "$(printf '%s\n' "$out" | rows)" 0 "no picked row is written"
is "$(digest)" "$d0" "data directory byte-identical"

printf 'delivery,delivery_item,serials\n%s,10,F126-0001\n' "$dlv" >"$T/pick"
run cs-pick <"$T/pick"
is "$rc" 1 "cs-pick of sold serial F126-0001: exit 1"
like "$err" "F126-0001 is not in consignment stock of customer 100001" \
    "message names F126-0001"
is "$(digest)" "$d0" "data directory byte-identical"

is "$(awk -F'\t' -v d="$dlv" '$1 == "P" && $2 == d' "$CS_DIR/journal" |
    grep -c .)" 0 "the delivery stays unpicked"
run cs-issue <<EOF
delivery
$dlv
EOF
is "$rc" 1 "cs-issue refuses the unpicked delivery"
like "$err" "not picked" "cs-issue says it is not picked"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-pick <<EOF
delivery
$dlv
EOF
is "$rc" 0 "picking without serials afterwards works"
is "$(printf '%s\n' "$out" | col serials)" F126-0003 \
    "the lowest serial at the customer is picked"

# The same serial on two items of one delivery is one piece, not two.
dlv2=$(cs-order -f pickup -c 100001 H20:1 H20:1 | cs-deliver | col delivery |
    sort -u)
d0=$(digest)
printf 'delivery,delivery_item,serials\n%s,10,H20-0003\n%s,20,H20-0003\n' \
    "$dlv2" "$dlv2" >"$T/pick"
run cs-pick <"$T/pick"
is "$rc" 1 "cs-pick of H20-0003 for two items of one delivery: exit 1"
like "$err" "H20-0003" "message names H20-0003"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-stock --check
is "$rc" 0 "cs-stock --check passes"
done_testing
