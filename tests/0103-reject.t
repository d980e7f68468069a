#!/bin/sh
# Rejected fill-up documents: exit 1, an error naming the input line and
# the reason, nothing on stdout but the header, the data directory
# byte-identical; --reject FILE collects the rows with an error column;
# other documents go on.
. "$(dirname "$0")/lib.sh"

fresh
initial
OHDR="material,qty,flow,order,order_item,customer,unit,plant,sloc,batch,serials,po,price,currency,block"

# reject_case DESC EXPECTED-STDERR-ERE INPUT-CSV: feed INPUT-CSV on stdin
# to cs-order -f fillup -c 100001; assert exit 1, the message, header-only
# output and an unchanged data directory.
reject_case() {
	before=$(digest)
	printf "$3" | cs-order -f fillup -c 100001 >"$T/out" 2>"$T/err"
	is "$?" 1 "$1: exit 1"
	like "$(cat "$T/err")" "$2" "$1: message"
	is "$(sed 1d "$T/out")" "" "$1: no rows on stdout"
	is "$(digest)" "$before" "$1: data directory byte-identical"
}

# --- beyond own stock ---------------------------------------------------
before=$(digest)
printf 'material,qty\nF126,101\n' | cs-order -f fillup -c 100001 >"$T/out" 2>"$T/err"
is "$?" 1 "F126:101 after 561 of 100 (stdin): exit 1"
is "$(cat "$T/err")" \
    "cs-order: input line 2: customer 100001: F126: 101 requested, 100 available in own stock less open orders" \
    "F126:101 (stdin): message names the input line and the shortage"
is "$(cat "$T/out")" "$OHDR" "F126:101 (stdin): only the header on stdout"
is "$(digest)" "$before" "F126:101 (stdin): data directory byte-identical"

printf 'customer,material,qty\n100001,H11,1\n100001,F126,101\n' >"$T/req.csv"
cs-order -f fillup "$T/req.csv" >"$T/out" 2>"$T/err"
is "$?" 1 "F126:101 in a file: exit 1"
like "$(cat "$T/err")" \
    "^cs-order: $T/req.csv: line 3: customer 100001: F126: 101 requested, 100 available" \
    "F126:101 in a file: message says FILE: line 3"
is "$(sed 1d "$T/out")" "" "F126:101 in a file: the whole order (H11 too) is not output"
is "$(digest)" "$before" "F126:101 in a file: data directory byte-identical (all or nothing)"

cs-order -f fillup -c 100001 F126:101 >"$T/out" 2>"$T/err"
is "$?" 1 "F126:101 as operand: exit 1"
is "$(cat "$T/err")" \
    "cs-order: operand 1: customer 100001: F126: 101 requested, 100 available in own stock less open orders" \
    "F126:101 as operand: message names the operand and the shortage"
is "$(digest)" "$before" "F126:101 as operand: data directory byte-identical"

# --- --reject FILE -----------------------------------------------------
cs-order -f fillup --reject "$T/rej.csv" "$T/req.csv" >/dev/null 2>&1
is "$?" 1 "--reject: exit 1"
is "$(head -1 "$T/rej.csv")" "customer,material,qty,error" \
    "--reject file: input columns plus error"
is "$(sed 1d "$T/rej.csv")" \
    "100001,H11,1,\"F126: 101 requested, 100 available in own stock less open orders\"
100001,F126,101,\"F126: 101 requested, 100 available in own stock less open orders\"" \
    "--reject file: both rows of the rejected order, with the reason"
is "$(digest)" "$before" "--reject: data directory byte-identical"

# --- one bad and one good order in a file --------------------------------
printf 'customer,material,qty,po,note\n100001,F126,101,PO-BAD,x\n100001,H11,7,PO-GOOD,y\n' >"$T/mix.csv"
cs-order -f fillup --reject "$T/rej2.csv" "$T/mix.csv" >"$T/out" 2>"$T/err"
is "$?" 1 "one bad, one good order: exit 1"
like "$(cat "$T/err")" "mix.csv: line 2: customer 100001 po PO-BAD: F126: 101 requested" \
    "one bad, one good order: the bad one named with its line and po"
is "$(col po material qty order <"$T/out")" "PO-GOOD,H11,7,1000000" \
    "one bad, one good order: the good one is ordered as 1000000"
is "$(col po note <"$T/rej2.csv")" "PO-BAD,x" "one bad, one good order: only the bad row is in the reject file"
cs-deliver <"$T/out" | cs-pick | cs-issue >/dev/null
is "$(stock consignment H11 100001)" 7 "the good order goes through: 7 H11 at the customer"

# The reject file fixed and fed back.
sed 's/,101,/,5,/' "$T/rej2.csv" | cut -d, -f1-5 | cs-order -f fillup >"$T/out" 2>"$T/err"
is "$?" 0 "fixed reject file fed back: exit 0"
is "$(col po material qty <"$T/out")" "PO-BAD,F126,5" "fixed reject file fed back: ordered"

# --- bad data ------------------------------------------------------------
reject_case "unknown material" \
    "^cs-order: input line 2: customer 100001: unknown material 'XX9'" \
    'material,qty\nXX9,1\n'
before=$(digest)
cs-order -f fillup -c 999999 H11:1 >"$T/out" 2>"$T/err"
is "$?" 1 "unknown customer: exit 1"
like "$(cat "$T/err")" "unknown customer '999999'" "unknown customer: message"
is "$(digest)" "$before" "unknown customer: data directory byte-identical"
reject_case "unknown customer in a row" \
    "^cs-order: input line 2: customer 999998: unknown customer '999998'" \
    'customer,material,qty\n999998,H11,1\n'
reject_case "qty '1,5'" \
    "input line 2: customer 100001: H11: quantity '1,5' is not a positive number with at most 3 decimals" \
    'material,qty\nH11,"1,5"\n'
reject_case "qty '-3'" \
    "input line 2: customer 100001: H11: quantity '-3' is not a positive number" \
    'material,qty\nH11,-3\n'
reject_case "qty '1.2345'" \
    "input line 2: customer 100001: H11: quantity '1.2345' is not a positive number with at most 3 decimals" \
    'material,qty\nH11,1.2345\n'
reject_case "qty '0'" "input line 2: .*quantity '0' is not a positive number" \
    'material,qty\nH11,0\n'
reject_case "qty beyond int64" \
    "input line 2: .*quantity '99999999999999999999'" \
    'material,qty\nH11,99999999999999999999\n'
reject_case "bad qty on the second item rejects the whole order" \
    "input line 3: customer 100001 po A: H21: quantity '1.2345'" \
    'material,qty,po\nH11,2,A\nH21,1.2345,A\n'
reject_case "serial count mismatch" \
    "input line 2: customer 100001: 1 serials for quantity 2 of H20" \
    'material,qty,serials\nH20,2,H20-0001\n'
reject_case "serial not in own stock (unknown)" \
    "input line 2: customer 100001: serial H20-0999 is not in own stock of plant 1000" \
    'material,qty,serials\nH20,1,H20-0999\n'
reject_case "serial given twice" "input line 2: .*serial H20-0008 given twice" \
    'material,qty,serials\nH20,2,H20-0008 H20-0008\n'
reject_case "serials on a material without serials" \
    "input line 2: .*material H11 has no serial numbers" \
    'material,qty,serials\nH11,1,H20-0007\n'
reject_case "unknown batch" "input line 2: .*F29 batch F29-B9: 1 requested, 0 available" \
    'material,qty,batch\nF29,1,F29-B9\n'

# A serial already at the customer is not in own stock any more.
cs-order -f fillup -c 100001 F126:2 | cs-deliver | cs-pick | cs-issue >/dev/null
is "$(place F126 F126-0001)" "consignment,100001" "F126-0001 shipped to 100001"
reject_case "serial at the customer, not in own stock" \
    "input line 2: customer 100001: serial F126-0001 is not in own stock of plant 1000" \
    'material,qty,serials\nF126,1,F126-0001\n'

# --- cs-pick checks the serials given in the stream ---------------------
cs-order -f fillup -c 100001 H20:1 | cs-deliver >"$T/d.csv"
dl=$(col delivery <"$T/d.csv")
cs-order -f fillup -c 100001 H20:1 | cs-deliver | cs-pick | cs-issue >/dev/null
shipped=$(place H20 H20-0001)
is "$shipped" "consignment,100001" "H20-0001 shipped by a second pipeline"
before=$(digest)
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "serials") c = i }
    NR > 1 { $c = "H20-0001" } 1' "$T/d.csv" |
    cs-pick --reject "$T/rej3.csv" >"$T/out" 2>"$T/err"
is "$?" 1 "cs-pick of a serial at the customer: exit 1"
like "$(cat "$T/err")" \
    "^cs-pick: input line 2: delivery $dl item 10: serial H20-0001 is not in own stock" \
    "cs-pick: message names line, delivery, item and serial (DESIGN 7)"
is "$(sed 1d "$T/out")" "" "cs-pick of a serial at the customer: no rows"
is "$(digest)" "$before" "cs-pick of a serial at the customer: data directory byte-identical"
is "$(sed 1d "$T/rej3.csv" | awk -F, '{ print $NF }')" \
    "item 10: serial H20-0001 is not in own stock of plant 1000" "cs-pick --reject: the error column"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "serials") c = i }
    NR > 1 { $c = "H20-0002 H20-0003" } 1' "$T/d.csv" |
    cs-pick >"$T/out" 2>"$T/err"
is "$?" 1 "cs-pick with 2 serials for 1 piece: exit 1"
like "$(cat "$T/err")" "delivery $dl.*: 2 serials for quantity 1 of H20" \
    "cs-pick with 2 serials for 1 piece: message"
is "$(digest)" "$before" "cs-pick with 2 serials for 1 piece: data directory byte-identical"
cs-pick <"$T/d.csv" >"$T/out" 2>"$T/err"
is "$?" 0 "cs-pick choosing the serial itself: exit 0"
is "$(col serials <"$T/out")" "H20-0002" "cs-pick chooses the next serial in own stock"

# --- open fill-up orders claim stock -------------------------------------
fresh
initial
cs-order -f fillup -c 100001 F126:60 >"$T/out" 2>"$T/err"
is "$?" 0 "first open order of 60 F126: exit 0"
before=$(digest)
cs-order -f fillup -c 100002 F126:60 >"$T/out" 2>"$T/err"
is "$?" 1 "second order of 60 F126 while the first is open: exit 1"
like "$(cat "$T/err")" "F126: 60 requested, 40 available in own stock less open orders" \
    "second order: only 40 available less the open order"
is "$(digest)" "$before" "second order: data directory byte-identical"
cs-order -f fillup -c 100002 F126:40 >"$T/out" 2>"$T/err"
is "$?" 0 "an order of the remaining 40 F126: exit 0"
is "$(stock own F126)" 100 "open orders move no stock: 100 F126 still own"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes"
done_testing
