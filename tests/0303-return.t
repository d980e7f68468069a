#!/bin/sh
# Return (KR, 634): a sold serial comes back into consignment stock at the
# cost the issue used; the order carries a billing block; once released a
# credit memo (RE) at the invoice price, blocked for accounting until
# cs-bill --release; then it is a credit that clears the invoice.
. "$(dirname "$0")/lib.sh"

rows() { awk 'NR > 1' | grep -c .; }
acc() { grep -c '^A' "$CS_DIR/journal"; }

# accdoc REFTYPE REF: "account,side,amount" of its accounting lines.
accdoc() {
	awk -F'\t' -v t="$1" -v r="$2" '$1 == "A" && $10 == t && $11 == r {
		print $5 "," $6 "," $7 }' "$CS_DIR/journal" | sort | tr '\n' ' '
}

# open_of DOC: "amount,open" of a document in cs-pay --open.
open_of() {
	cs-pay --open | awk -F, -v d="$1" '
	NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["document"] == d { print $ix["amount"] "," $ix["open"] }'
}

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002' '100001,F126,2,F126-0001 F126-0002' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >"$T/inv"
inv=$(col billing <"$T/inv" | sort -u)
like "$inv" '^900000[0-9][0-9]$' "issue is invoiced"
is "$(open_of "$inv")" "878.22,878.22" \
    "invoice open: 2 x 229.50 + 2 x 139.50 = 738.00 + 19% = 878.22"
is "$(place H20 H20-0001)" "sold,100001" "H20-0001 is sold to 100001"
is "$(stock consignment H20 100001)" 3 "3 H20 left at 100001"

# Master data changes after the issue must not change what the return uses.
sed 's/^H20,Knee joint implant,PC,n,y,152.40,/H20,Knee joint implant,PC,n,y,160.00,/' \
    "$CS_DIR/materials.csv" >"$T/m" && cp "$T/m" "$CS_DIR/materials.csv"
sed 's/^H20,100001,229.50,/H20,100001,239.50,/' \
    "$CS_DIR/prices.csv" >"$T/p" && cp "$T/p" "$CS_DIR/prices.csv"

# --- the return order ---
printf 'customer,material,qty,serials\n100001,H20,1,H20-0001\n' >"$T/req"
run cs-order -f return <"$T/req"
is "$rc" 0 "return order exits 0"
ord=$(printf '%s\n' "$out" | col order)
like "$ord" '^10000[0-9][0-9]$' "an order number"
is "$(printf '%s\n' "$out" | col flow block)" "return,billing" \
    "the return order carries a billing block"
is "$(printf '%s\n' "$out" | col price currency)" "229.50,EUR" \
    "priced at the invoice price 229.50, not today's list price"

a0=$(acc)
printf '%s\n' "$out" | cs-deliver | cs-pick | cs-issue >"$T/gr"
is "$?" 0 "deliver, pick, post the return"
is "$(col mvt <"$T/gr")" 634 "movement type 634"
is "$(col serials qty <"$T/gr")" "H20-0001,1" "H20-0001 received"
dlv=$(col delivery <"$T/gr")
md=$(col matdoc <"$T/gr")
is "$(place H20 H20-0001)" "consignment,100001" \
    "H20-0001 is back in consignment at 100001"
is "$(place H20 H20-0002)" "sold,100001" "H20-0002 stays sold"
is "$(stock consignment H20 100001)" 4 "consignment H20 at 100001: 3 -> 4"
is "$(stock own H20)" 95 "own H20 unchanged at 95"
is "$(($(acc) - a0))" 2 "one two-line accounting document"
is "$(accdoc matdoc "$md")" "cogs,C,152.40 inventory,D,152.40 " \
    "Dr inventory, Cr cogs at the issue's standard cost 152.40"

# --- billing block ---
d0=$(digest)
run cs-bill <"$T/gr"
like "$err" "billing block" "cs-bill notes the billing block"
is "$(printf '%s\n' "$out" | rows)" 0 "cs-bill writes no billing rows"
is "$(digest)" "$d0" "cs-bill leaves the data directory as it was"
run cs-bill --due
is "$(printf '%s\n' "$out" | rows)" 0 "blocked return is not on cs-bill --due"
is "$(digest)" "$d0" "cs-bill --due posts nothing"

run cs-order --release "$ord"
is "$rc" 0 "cs-order --release exits 0"
is "$(printf '%s\n' "$out" | col order block)" "$ord," "block lifted"

# --- the credit memo ---
a1=$(acc)
run cs-bill --due
is "$rc" 0 "cs-bill --due exits 0"
is "$(printf '%s\n' "$out" | rows)" 1 "one billing row"
is "$(printf '%s\n' "$out" | col delivery)" "$dlv" "for the return delivery"
is "$(printf '%s\n' "$out" | col billing_type)" RE "billing type RE"
is "$(printf '%s\n' "$out" | col price net tax gross currency)" \
    "229.50,229.50,43.61,273.11,EUR" "net 229.50, tax 43.61, gross 273.11"
# DESIGN 3: cs-bill writes the item columns, with --due too.
is "$(printf '%s\n' "$out" | head -1 | tr , '\n' |
    grep -cx 'order\|order_item\|material\|qty\|batch\|serials')" 6 \
    "cs-bill --due rows carry order, order_item, material, qty, batch, serials"
cm=$(printf '%s\n' "$out" | col billing)
like "$cm" '^900000[0-9][0-9]$' "a billing number"
is "$(acc)" "$a1" "blocked for accounting: no accounting document yet"
is "$(open_of "$cm")" "" "credit memo is no open item before release"
is "$(open_of "$inv")" "878.22,878.22" "invoice still open in full"

run cs-bill --release "$cm"
is "$rc" 0 "cs-bill --release exits 0"
is "$(printf '%s\n' "$out" | col billing billing_type gross)" \
    "$cm,RE,273.11" "release output"
is "$(accdoc billing "$cm")" \
    "output-tax,D,43.61 receivable,C,273.11 revenue,D,229.50 " \
    "Cr receivable 273.11, Dr revenue 229.50, Dr output tax 43.61"
is "$(open_of "$cm")" "-273.11,-273.11" "credit memo open at -273.11"
is "$(open_of "$inv")" "878.22,878.22" "invoice open at 878.22"

# --- payment of the invoice net of the credit ---
printf 'customer,amount,currency,date,ref\n100001,605.11,EUR,,BANK-1\n' >"$T/pay"
run cs-pay <"$T/pay"
is "$rc" 0 "payment of 878.22 - 273.11 = 605.11 exits 0"
is "$(printf '%s\n' "$out" | col on_account)" 0.00 "nothing stays on account"
is "$(open_of "$inv")" "" "invoice cleared completely"
is "$(open_of "$cm")" "" "credit memo used up"
is "$(cs-pay --open -c 100001 | rows)" 0 "no open items left for 100001"

# --- return of a batch material with serial ---
printf 'customer,material,qty,batch,serials\n100001,F126,1,F126-B1,F126-0002\n' \
    >"$T/req"
run cs-order -f return <"$T/req"
is "$rc" 0 "F126 return order exits 0"
ord2=$(printf '%s\n' "$out" | col order)
is "$(printf '%s\n' "$out" | col block price)" "billing,139.50" \
    "billing block, invoice price 139.50"
printf '%s\n' "$out" | cs-deliver | cs-pick | cs-issue >"$T/gr"
is "$(col mvt batch serials <"$T/gr")" "634,F126-B1,F126-0002" \
    "634 of F126-0002 in batch F126-B1"
md=$(col matdoc <"$T/gr")
is "$(place F126 F126-0002)" "consignment,100001" "F126-0002 back at 100001"
is "$(place F126 F126-0001)" "sold,100001" "F126-0001 stays sold"
is "$(stock consignment F126 100001 F126-B1)" 9 \
    "consignment F126-B1 at 100001: 8 -> 9"
is "$(accdoc matdoc "$md")" "cogs,C,86.90 inventory,D,86.90 " \
    "Dr inventory, Cr cogs at 86.90"
run cs-bill --due
is "$(printf '%s\n' "$out" | rows)" 0 "blocked F126 return not due"
cs-order --release "$ord2" >/dev/null
run cs-bill --due
is "$(printf '%s\n' "$out" | col billing_type price net tax gross)" \
    "RE,139.50,139.50,26.51,166.01" "RE net 139.50, tax 26.51, gross 166.01"

run cs-stock --check
is "$rc" 0 "cs-stock --check passes"
is "$out$err" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
