#!/bin/sh
# Reversal of goods movements (VL09): cs-issue --reverse DELIVERY|MATDOC
# posts the opposite movement of the same items, takes the cost posting
# back, closes the delivery and opens its order items again; it refuses a
# billed delivery, a document reversed already, a reversal, and goods
# that are no longer where the original put them.
. "$(dirname "$0")/lib.sh"

# acc_of MATDOC: "account side amount" of the cost posting of a matdoc.
acc_of() {
	awk -F'\t' -v m="$1" '$1 == "A" && $10 == "matdoc" && $11 == m {
	    printf "%s %s %s;", $5, $6, $7 }' "$CS_DIR/journal"
}

# refused WHAT CMD...: exit 1, a message matching $want, nothing changed.
refused() {
	what=$1
	shift
	before=$(digest)
	run "$@"
	is "$rc" 1 "$what: exit 1"
	like "$err" "$want" "$what: says why"
	is "$(digest)" "$before" "$what: data directory byte-identical"
	is "$out" "flow,customer,delivery,matdoc,mvt,date,reversed" \
	    "$what: no row written"
}

fresh
initial
fill=$(cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver |
    cs-pick | cs-issue)
d1=$(printf '%s\n' "$fill" | col delivery | sort -u)
m1=$(printf '%s\n' "$fill" | col matdoc | sort -u)
is "$(stock consignment H11 100001)" 10 "fill-up: 10 H11 at 100001"

# --- an issue with its cost posting, not billed yet ---
iss=$(printf 'customer,material,qty,serials\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002' '100001,H11,3,' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue)
d2=$(printf '%s\n' "$iss" | col delivery | sort -u)
m2=$(printf '%s\n' "$iss" | col matdoc | sort -u)
o2=$(printf '%s\n' "$iss" | col order | sort -u)
is "$(place H20 H20-0001)" "sold,100001" "issue: H20-0001 sold"
is "$(acc_of "$m2")" "cogs D 328.20;inventory C 328.20;" \
    "issue: cost 2 x 152.40 + 3 x 7.80 to cost of goods sold"
is "$(stock consignment H11 100001)" 7 "issue: 7 H11 left at 100001"

run cs-issue --reverse "$d2"
is "$rc" 0 "reversing the issue by its delivery exits 0"
r2=$(printf '%s\n' "$out" | col matdoc)
is "$(printf '%s\n' "$out" | col delivery mvt reversed)" "$d2,634,$m2" \
    "one row: the delivery, movement 634, the reversed document"
is "$(stock consignment H11 100001)" 10 "issue reversed: 10 H11 again"
is "$(stock consignment H20 100001)" 5 "issue reversed: 5 H20 again"
is "$(place H20 H20-0001)" "consignment,100001" \
    "issue reversed: H20-0001 back in consignment at 100001"
is "$(place H20 H20-0002)" "consignment,100001" \
    "issue reversed: H20-0002 back in consignment at 100001"
is "$(acc_of "$r2")" "inventory D 328.20;cogs C 328.20;" \
    "issue reversed: the cost posting goes back, same amount"
is "$(awk -F'\t' -v m="$r2" '$1 == "M" && $2 == m { print $4, $6, $11 }' \
    "$CS_DIR/journal" | tr '\n' ';')" "634 H20 2;634 H11 3;" \
    "the reversal has the same items and quantities"
run cs-bill --due
is "$(printf '%s\n' "$out" | awk 'NR > 1' | wc -l)" 0 \
    "a reversed issue is not due for billing"
printf 'delivery\n%s\n' "$d2" >"$T/d2.csv"
want="goods movement is reversed"
run cs-bill "$T/d2.csv"
is "$rc" 1 "billing a reversed delivery is refused"
like "$err" "$want" "billing a reversed delivery: says why"
run cs-deliver --due
is "$(printf '%s\n' "$out" | col order material qty | sort | tr '\n' ' ')" \
    "$o2,H11,3 $o2,H20,2 " "the issue order's items are open again"
d2b=$(printf '%s\n' "$out" | col delivery | sort -u)
cs-deliver --delete "$d2b" >/dev/null

# --- refusals, each leaving the data directory as it was ---
want="material document $m2 is reversed already by $r2"
refused "reversed twice" cs-issue --reverse "$d2"
want="material document $r2 reverses $m2 itself"
refused "a reversal reversed" cs-issue --reverse "$r2"

bill=$(cs-order -f issue -c 100001 H11:1 | cs-deliver | cs-pick | cs-issue |
    cs-bill)
d3=$(printf '%s\n' "$bill" | col delivery | sort -u)
b3=$(printf '%s\n' "$bill" | col billing | sort -u)
want="delivery $d3 is billed in billing document $b3: cancel it first"
refused "a billed delivery" cs-issue --reverse "$d3"
cs-bill --cancel "$b3" >/dev/null
run cs-issue --reverse "$d3"
is "$rc" 0 "after cs-bill --cancel the issue can be reversed"
is "$(stock consignment H11 100001)" 10 "cancelled and reversed: 10 H11"

# The fill-up's goods moved on: 4 H11 issued since.
cs-order -f issue -c 100001 H11:4 | cs-deliver | cs-pick | cs-issue >/dev/null
want="not enough consignment stock of H11"
refused "a fill-up whose goods were issued" cs-issue --reverse "$d1"
is "$(stock consignment H11 100001)" 6 "refused: 6 H11 still at 100001"

# Serials picked for a delivery stay where they are.
pk=$(cs-order -f issue -c 100001 F126:1 | cs-deliver | cs-pick)
pkd=$(printf '%s\n' "$pk" | col delivery | sort -u)
pks=$(printf '%s\n' "$pk" | col serials)
want="serial $pks is picked for delivery $pkd"
refused "serials picked for another delivery" cs-issue --reverse "$m1"
cs-deliver --delete "$pkd" >/dev/null

want="dated 20[0-9-]*, after 2020-01-01"
refused "a reversal dated before its original" \
    cs-issue --reverse --date 2020-01-01 "$m1"
want="80000999: no delivery 80000999"
refused "an unknown delivery" cs-issue --reverse 80000999
want="is neither a delivery nor a material document"
refused "a number of another range" cs-issue --reverse 1000000

# --- pickup reversed: the goods go back to the customer ---
own0=$(own_at H11)
pick=$(cs-order -f pickup -c 100001 H11:2 H20:1 | cs-deliver | cs-pick |
    cs-issue)
pd=$(printf '%s\n' "$pick" | col delivery | sort -u)
pm=$(printf '%s\n' "$pick" | col matdoc | sort -u)
ps=$(printf '%s\n' "$pick" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
    ix[$i] = i; next } $ix["material"] == "H20" { print $ix["serials"] }')
is "$(stock consignment H11 100001)" 4 "pickup: 4 H11 left at 100001"
is "$(place H20 "$ps")" "own," "pickup: $ps in own stock"
run cs-issue --reverse "$pm"
is "$rc" 0 "reversing the pickup by its material document exits 0"
is "$(printf '%s\n' "$out" | col delivery mvt reversed)" "$pd,631,$pm" \
    "pickup reversed with movement 631"
is "$(stock consignment H11 100001)" 6 "pickup reversed: 6 H11 again"
is "$(own_at H11)" "$own0" "pickup reversed: own H11 as before"
is "$(place H20 "$ps")" "consignment,100001" \
    "pickup reversed: $ps back at 100001"
is "$(acc_of "$(printf '%s\n' "$out" | col matdoc)")" "" \
    "a pickup has no cost posting, nor has its reversal"

# --- return reversed: the goods are sold again ---
sold=$(printf 'customer,material,qty,serials\n100001,H20,1,H20-0003\n' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill)
is "$(place H20 H20-0003)" "sold,100001" "H20-0003 sold and invoiced"
ret=$(printf 'customer,material,qty,serials\n100001,H20,1,H20-0003\n' |
    cs-order -f return | cs-deliver | cs-pick | cs-issue)
rd=$(printf '%s\n' "$ret" | col delivery | sort -u)
rm_=$(printf '%s\n' "$ret" | col matdoc | sort -u)
ro=$(printf '%s\n' "$ret" | col order | sort -u)
is "$(place H20 H20-0003)" "consignment,100001" "return: H20-0003 back"
is "$(acc_of "$rm_")" "inventory D 152.40;cogs C 152.40;" \
    "return: cost of goods sold credited"
run cs-issue --reverse "$rd"
is "$rc" 0 "reversing the return exits 0"
rr=$(printf '%s\n' "$out" | col matdoc)
is "$(printf '%s\n' "$out" | col mvt)" 633 "return reversed with 633"
is "$(place H20 H20-0003)" "sold,100001" "return reversed: H20-0003 sold"
is "$(acc_of "$rr")" "cogs D 152.40;inventory C 152.40;" \
    "return reversed: its cost posting taken back"
cs-order --release "$ro" >/dev/null
run cs-bill --due
unlike "$(printf '%s\n' "$out" | col delivery)" "^$rd\$" \
    "a reversed return gets no credit memo"

# --- initial entry reversed: 562 ---
printf 'material,plant,sloc,batch,serials,qty\n%s\n%s\n' \
    'H21,1000,1040,,,7' >"$T/init.csv"
printf 'material,plant,sloc,batch,serials,qty\n%s\n' \
    'H20,1000,1040,,H20-0101 H20-0102,2' >"$T/init2.csv"
h21=$(own_at H21)
im=$(cs-issue --initial "$T/init.csv" | col matdoc)
im2=$(cs-issue --initial "$T/init2.csv" | col matdoc)
is "$(own_at H21)" $((h21 + 7)) "initial entry: 7 more H21"
run cs-issue --reverse "$im" "$im2"
is "$rc" 0 "reversing two initial entries exits 0"
is "$(printf '%s\n' "$out" | col mvt reversed | tr '\n' ' ')" \
    "562,$im 562,$im2 " "both reversed with 562"
is "$(own_at H21)" "$h21" "initial entry reversed: H21 as before"
is "$(place H20 H20-0101)" "gone," "reversed serial H20-0101 is gone"
run cs-issue --initial "$T/init2.csv"
is "$rc" 0 "a reversed serial can be received again"
is "$(place H20 H20-0101)" "own," "H20-0101 in own stock again"

# --- a stream: what cs-issue wrote, reversed ---
h22=$(own_at H22)
run sh -c 'cs-order -f fillup -c 100002 H22:4 | cs-deliver | cs-pick |
    cs-issue | cs-issue --reverse'
is "$rc" 0 "cs-issue | cs-issue --reverse exits 0"
is "$(printf '%s\n' "$out" | col customer mvt)" "100002,632" \
    "the stream's delivery is reversed once"
is "$(own_at H22)" "$h22" "streamed reversal: own H22 as before"
is "$(stock consignment H22 100002)" 0 "streamed reversal: none at 100002"

# --- a fill-up with serials reversed: each serial back in own stock, and
# the order item open again for a new delivery ---
fs=$(cs-order -f fillup -c 100002 H20:2 | cs-deliver | cs-pick | cs-issue)
fsd=$(printf '%s\n' "$fs" | col delivery)
fso=$(printf '%s\n' "$fs" | col order)
fss=$(printf '%s\n' "$fs" | col serials)
s1=${fss%% *}
s2=${fss##* }
is "$(place H20 "$s1"),$(place H20 "$s2")" \
    "consignment,100002,consignment,100002" "fill-up: both serials at 100002"
run cs-issue --reverse "$fsd"
is "$rc" 0 "reversing a fill-up with serials exits 0"
is "$(place H20 "$s1"),$(place H20 "$s2")" "own,,own," \
    "fill-up reversed: both serials back in own stock"
is "$(stock consignment H20 100002)" 0 "fill-up reversed: no H20 at 100002"
run cs-deliver --due
is "$(printf '%s\n' "$out" | col order material qty | grep "^$fso,")" \
    "$fso,H20,2" \
    "fill-up reversed: its order item is open again and delivered anew"

# --- the document flow shows reversals and cancellations ---
flow() { cs-stock --flow "$1" | col level type document status refers_to; }
# accounting document numbers as N
acc_n() { sed 's/^3,accounting,[0-9]*,/3,accounting,N,/'; }
f2=$(flow "$d2")
is "$(printf '%s\n' "$f2" | grep -e "^0," -e ",$d2," -e ",$d2\$" -e ",$m2\$" \
    -e ",$r2\$" -e ",$r2," | acc_n)" "0,order,$o2,open,
1,delivery,$d2,reversed,$o2
2,goods movement,$m2,reversed,$d2
3,accounting,N,cost,$m2
2,reversal,$r2,posted,$m2
3,accounting,N,cost,$r2" \
    "flow: the order open again, the delivery, its movement and reversal, each with its cost posting"
racc=$(printf '%s\n' "$f2" | awk -F, -v r="$r2" '$5 == r { print $3 }')
is "$(flow "$racc")" "$f2" "flow from the reversal's accounting document"
is "$(flow "$r2")" "$f2" "flow from the reversal"
f3=$(flow "$b3")
is "$(printf '%s\n' "$f3" | grep -e ",$b3," -e ",$b3\$" | acc_n)" \
    "2,invoice,$b3,cancelled,$d3
3,accounting,N,invoice,$b3
3,accounting,N,cancellation,$b3" \
    "flow: the cancelled invoice with its posting and its cancellation"
run cs-stock --flow 80000999
is "$rc" 1 "flow of an unknown document: exit 1"
like "$err" "no document 80000999" "flow of an unknown document: says so"

run cs-stock --check
is "$rc" 0 "cs-stock --check: the journal is consistent"
CS_NOCACHE=1 cs-stock >"$T/full"
cs-stock >"$T/warm"
is "$(cksum <"$T/full")" "$(cksum <"$T/warm")" \
    "the cache and a full replay agree"

done_testing
