#!/bin/sh
# Rejecting open order items (cs-order --reject / --reject-item) and
# deleting deliveries not yet posted (cs-deliver --delete): claims,
# open quantities and picked serials are released; what is delivered or
# posted is refused.
. "$(dirname "$0")/lib.sh"

rows() { awk 'NR > 1' | grep -c .; }
jsum() { cksum <"$CS_DIR/journal"; }

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
is "$(stock consignment H11 100001)" 10 "10 H11 at 100001"

# --- rejecting an open item ---
run cs-order -f issue -c 100001 H11:6 H20:2
is "$rc" 0 "issue order for 6 H11 and 2 H20"
o1=$(printf '%s\n' "$out" | col order | sort -u)
like "$o1" '^10000[0-9][0-9]$' "order number $o1"

d0=$(digest)
run cs-order -f issue -c 100001 H11:6
is "$rc" 1 "a second order for 6 H11: exit 1, the first claims 6 of 10"
like "$err" "H11: 6 requested, 4 available" "message gives what is free"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-order --reject "$o1/10" --reason "customer cancelled"
is "$rc" 0 "cs-order --reject $o1/10 exits 0"
is "$(printf '%s\n' "$out" | col order order_item)" "$o1,10" \
    "output names the rejected item"
is "$(awk -F'\t' -v o="$o1" '$1 == "OJ" && $2 == o { print $3 "," $4 }' \
    "$CS_DIR/journal")" "10,customer cancelled" "the reason is recorded"

run cs-deliver --due
is "$rc" 0 "cs-deliver --due exits 0"
is "$(printf '%s\n' "$out" | col order order_item material qty)" \
    "$o1,20,H20,2" "only item 20 is due; rejected item 10 is not"
dlv1=$(printf '%s\n' "$out" | col delivery)

run cs-order -f issue -c 100001 H11:6
is "$rc" 0 "the claim is released: 6 H11 can be ordered again"
o2=$(printf '%s\n' "$out" | col order)

run cs-order --reject-item "$o2/10" --reason duplicate
is "$rc" 0 "cs-order --reject-item $o2/10 exits 0"
is "$(printf '%s\n' "$out" | col order order_item)" "$o2,10" \
    "output names the rejected item"
run cs-deliver --due
is "$(printf '%s\n' "$out" | rows)" 0 "nothing is due for delivery"
d0=$(digest)
run cs-order -f issue -c 100001 H11:11
is "$rc" 1 "11 H11: exit 1"
like "$err" "H11: 11 requested, 10 available" \
    "both rejected items claim nothing: 10 free"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-order --reject "$o1/10"
is "$rc" 0 "rejecting a rejected item again: exit 0, nothing to do"
like "$err" "item 10 is rejected already" "... and it says so"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-order --reject "$o1/20"
is "$rc" 1 "rejecting an item with an unposted delivery: exit 1"
like "$err" "$o1.*20" "message names the order item"
is "$(digest)" "$d0" "data directory byte-identical"

# --- deleting a delivery: the order item is open again ---
run cs-pick <<EOF
delivery
$dlv1
EOF
is "$(printf '%s\n' "$out" | col serials)" "H20-0001 H20-0002" \
    "delivery $dlv1 picks H20-0001 H20-0002"

dlv2=$(cs-order -f issue -c 100001 H20:1 | cs-deliver | col delivery)
like "$dlv2" '^800000[0-9][0-9]$' "a second delivery $dlv2 for 1 H20"
d0=$(digest)
printf 'delivery,serials\n%s,H20-0001\n' "$dlv2" >"$T/pick"
run cs-pick <"$T/pick"
is "$rc" 1 "H20-0001, picked for $dlv1, cannot be picked for $dlv2"
like "$err" "H20-0001" "message names H20-0001"
is "$(digest)" "$d0" "data directory byte-identical"

run cs-deliver --delete "$dlv1"
is "$rc" 0 "cs-deliver --delete $dlv1 exits 0"
is "$(printf '%s\n' "$out" | col delivery)" "$dlv1" "output names the delivery"

run cs-pick <"$T/pick"
is "$rc" 0 "H20-0001 is free again: $dlv2 picks it"
is "$(printf '%s\n' "$out" | col serials)" H20-0001 "picked H20-0001"

run cs-deliver --due
is "$rc" 0 "cs-deliver --due exits 0"
is "$(printf '%s\n' "$out" | col order order_item material qty)" \
    "$o1,20,H20,2" "item $o1/20 is open again, for exactly 2"
dlv3=$(printf '%s\n' "$out" | col delivery)
like "$dlv3" '^800000[0-9][0-9]$' "new delivery $dlv3"
run cs-pick <<EOF
delivery
$dlv3
EOF
is "$(printf '%s\n' "$out" | col serials)" "H20-0002 H20-0003" \
    "H20-0002 is free again and picked for $dlv3"
run cs-issue <<EOF
delivery
$dlv2
$dlv3
EOF
is "$rc" 0 "both deliveries post"
is "$(place H20 H20-0001)" "sold,100001" "H20-0001 sold"
is "$(place H20 H20-0003)" "sold,100001" "H20-0003 sold"
is "$(stock consignment H20 100001)" 2 "consignment H20 at 100001: 5 - 3 = 2"

# --- deleting a posted delivery is refused ---
j0=$(jsum)
d0=$(digest)
run cs-deliver --delete "$dlv3"
is "$rc" 1 "deleting posted delivery $dlv3: exit 1"
like "$err" "$dlv3.*posted" "message says it is posted"
is "$(jsum)" "$j0" "journal unchanged"
is "$(digest)" "$d0" "data directory byte-identical"
run cs-deliver --delete 80000000
is "$rc" 1 "deleting the posted fill-up delivery 80000000: exit 1"
is "$(jsum)" "$j0" "journal unchanged"
run cs-deliver --delete "$dlv1"
is "$rc" 0 "deleting $dlv1 a second time: exit 0, nothing to do"
like "$err" "deleted already" "... and it says so"
is "$(jsum)" "$j0" "journal unchanged"
run cs-deliver --delete 80000099
is "$rc" 1 "deleting a delivery that does not exist: exit 1"
is "$(jsum)" "$j0" "journal unchanged"

# --- an item whose delivery was deleted can be rejected ---
dlv4=$(cs-order -f pickup -c 100001 H11:2 | cs-deliver | col delivery)
o4=$(awk -F'\t' -v d="$dlv4" '$1 == "D" && $2 == d { print $4 }' \
    "$CS_DIR/journal")
cs-deliver --delete "$dlv4" >/dev/null
run cs-order --reject "$o4/10"
is "$rc" 0 "item of a deleted delivery can be rejected"
run cs-deliver --due
is "$(printf '%s\n' "$out" | rows)" 0 "nothing is due for delivery"
is "$(stock consignment H11 100001)" 10 "consignment H11 unchanged at 10"

run cs-stock --check
is "$rc" 0 "cs-stock --check passes"
done_testing
