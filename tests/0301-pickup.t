#!/bin/sh
# Pickup (KA, 632): consignment at the customer back into own stock of
# plant 1000 sloc 1040, serials chosen lowest first or given on the
# request, no accounting, never billed.
. "$(dirname "$0")/lib.sh"

# rows: data rows of CSV on stdin.
rows() { awk 'NR > 1' | grep -c .; }

acc() { grep -c '^A' "$CS_DIR/journal"; }

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002' '100001,F126,2,F126-0001 F126-0002' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null

is "$(stock consignment F126 100001)" 8 "before: 8 F126 at 100001"
is "$(stock consignment H11 100001)" 10 "before: 10 H11 at 100001"
is "$(own_at F126 F126-B1)" 40 "before: 40 F126-B1 own in 1000/1040"
is "$(own_at H11)" 90 "before: 90 H11 own in 1000/1040"
a0=$(acc)

# --- pickup by quantity: the lowest serials at the customer ---
run sh -c 'cs-order -f pickup -c 100001 F126:2 H11:3 | cs-deliver |
    cs-pick | cs-issue'
is "$rc" 0 "pickup pipeline exits 0"
is "$(printf '%s\n' "$out" | col mvt | sort -u)" 632 "movement type 632"
is "$(printf '%s\n' "$out" | col flow | sort -u)" pickup "rows are flow pickup"
is "$(printf '%s\n' "$out" | col material qty picked | sort | tr '\n' ' ')" \
    "F126,2,2 H11,3,3 " "picked 2 F126 and 3 H11"
is "$(printf '%s\n' "$out" | col plant sloc | sort -u)" "1000,1040" \
    "received into plant 1000 sloc 1040"
is "$(printf '%s\n' "$out" | awk -F, 'NR==1{for(i=1;i<=NF;i++)ix[$i]=i;next}
    $ix["material"]=="F126"{print $ix["batch"] "," $ix["serials"]}')" \
    "F126-B1,F126-0003 F126-0004" \
    "F126 picks the lowest serials at the customer (0001, 0002 are sold)"
dlv=$(printf '%s\n' "$out" | col delivery | sort -u)
like "$dlv" '^800000[0-9][0-9]$' "a returns delivery number"

is "$(stock consignment F126 100001)" 6 "consignment F126 at 100001: 8 -> 6"
is "$(stock consignment H11 100001)" 7 "consignment H11 at 100001: 10 -> 7"
is "$(own_at F126 F126-B1)" 42 "own F126-B1 in 1000/1040: 40 -> 42"
is "$(own_at F126)" 92 "own F126 in 1000/1040: 90 -> 92"
is "$(own_at H11)" 93 "own H11 in 1000/1040: 90 -> 93"
is "$(stock own H11)" 93 "own H11 over all locations: 93"
is "$(place F126 F126-0003)" "own," "F126-0003 is back in own stock"
is "$(place F126 F126-0004)" "own," "F126-0004 is back in own stock"
is "$(place F126 F126-0005)" "consignment,100001" "F126-0005 stays at 100001"
is "$(place F126 F126-0001)" "sold,100001" "sold F126-0001 is untouched"
is "$(cs-stock -s -m F126 | awk -F, '$2=="F126-0003"{print $6}')" 1040 \
    "F126-0003 is in sloc 1040"
is "$(acc)" "$a0" "pickup posts no accounting document"

# --- pickup with serials given on the request ---
printf 'customer,material,qty,serials\n%s\n%s\n' \
    '100001,H20,2,H20-0005 H20-0003' '100001,F126,1,F126-0008' >"$T/req"
run sh -c 'cs-order -f pickup <"$1" | cs-deliver | cs-pick | cs-issue' \
    sh "$T/req"
is "$rc" 0 "pickup of given serials exits 0"
is "$(printf '%s\n' "$out" | col mvt | sort -u)" 632 "movement type 632"
is "$(printf '%s\n' "$out" | col material serials | sort | tr '\n' ' ')" \
    "F126,F126-0008 H20,H20-0005 H20-0003 " "the given serials are picked"
is "$(place H20 H20-0003)" "own," "H20-0003 is back in own stock"
is "$(place H20 H20-0005)" "own," "H20-0005 is back in own stock"
is "$(place H20 H20-0004)" "consignment,100001" "H20-0004 stays at 100001"
is "$(place F126 F126-0008)" "own," "F126-0008 is back in own stock"
is "$(place F126 F126-0006)" "consignment,100001" "F126-0006 stays at 100001"
is "$(stock consignment H20 100001)" 1 "consignment H20 at 100001: 3 -> 1"
is "$(own_at H20)" 97 "own H20 in 1000/1040: 95 -> 97"
is "$(stock consignment F126 100001)" 5 "consignment F126 at 100001: 6 -> 5"
is "$(own_at F126 F126-B1)" 43 "own F126-B1 in 1000/1040: 42 -> 43"
is "$(acc)" "$a0" "still no accounting document after two pickups"

# --- never billed ---
run cs-bill --due
is "$rc" 0 "cs-bill --due exits 0"
is "$(printf '%s\n' "$out" | rows)" 0 "no pickup delivery is due for billing"
d0=$(digest)
run cs-bill <<EOF
delivery
$dlv
EOF
like "$err" "delivery $dlv.*never billed" "cs-bill notes the pickup is never billed"
is "$(printf '%s\n' "$out" | rows)" 0 "cs-bill writes no billing rows for it"
is "$(digest)" "$d0" "cs-bill leaves the data directory as it was"
is "$(grep -c '^F	' "$CS_DIR/journal")" 2 "only the two invoice items are billed"

run cs-stock --check
is "$rc" 0 "cs-stock --check passes"
is "$out$err" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
