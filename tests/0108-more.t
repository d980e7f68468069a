#!/bin/sh
# Re-runs and corners: one payment per reference, several input files,
# batch determination that leaves orders for a batch what they claim.
. "$(dirname "$0")/lib.sh"

fresh
initial
cs-order -f fillup -c 100001 H11:10 H20:2 | cs-deliver | cs-pick | cs-issue >/dev/null
printf 'customer,material,qty,po\n100001,H11,4,R1\n' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill --date 2026-11-01 >/dev/null
# 4 x 12.35 = 49.40, tax 9.386 -> 9.39, gross 58.79
is "$(cs-pay --open | col document open)" "90000000,58.79" "invoice 90000000 open 58.79"

printf 'customer,amount,currency,date,ref\n100001,20.00,EUR,2026-11-20,BANK-1\n' >"$T/pay.csv"
cs-pay "$T/pay.csv" >"$T/p1.csv"
is "$(col payment cleared on_account <"$T/p1.csv")" "100000002,90000000:20.00,0.00" \
    "payment BANK-1 clears 20.00 of the invoice"
j=$(cksum <"$CS_DIR/journal")
cs-pay "$T/pay.csv" >"$T/p2.csv" 2>"$T/err"
is "$?" 0 "the same bank statement again: exit 0"
like "$(cat "$T/err")" "payment BANK-1 of customer 100001 is posted already as 100000002" \
    "... noted as posted already"
is "$(cksum <"$CS_DIR/journal")" "$j" "... journal byte-identical"
is "$(col payment <"$T/p2.csv")" 100000002 "... the payment passes through"
is "$(cs-pay --open | col document open)" "90000000,38.79" "the invoice is 38.79 open, not 18.79"
printf 'customer,amount,currency,date,ref\n100001,99.00,EUR,2026-11-21,BANK-1\n' |
    cs-pay >/dev/null 2>"$T/err"
is "$?" 1 "the same ref with another amount: exit 1"
like "$(cat "$T/err")" "BANK-1 of customer 100001 is posted already as 100000002, for 20.00 EUR" \
    "... naming the payment posted and its amount"
is "$(cksum <"$CS_DIR/journal")" "$j" "... journal byte-identical"

# Two request files with one header are one stream.
printf 'customer,material,qty\n100002,H21,2\n' >"$T/r1.csv"
printf 'customer,material,qty\n100002,H22,3\n' >"$T/r2.csv"
cs-order -f fillup "$T/r1.csv" "$T/r2.csv" | cs-deliver | cs-pick | cs-issue >/dev/null
is "$?" 0 "two request files: exit 0"
is "$(stock consignment H21 100002),$(stock consignment H22 100002)" "2,3" \
    "both files ordered and shipped"
printf 'material,qty\nH21,1\n' >"$T/r3.csv"
cs-order -f fillup -c 100002 "$T/r1.csv" "$T/r3.csv" >/dev/null 2>"$T/err"
is "$?" 2 "a second file with other columns: exit 2"
like "$(cat "$T/err")" "r3.csv: columns differ from the first input's" "... and why"

# An order for batch F29-B2 (first to expire) is open; an order without a
# batch must not take what it claims.
printf 'customer,material,qty,batch\n100003,F29,30,F29-B2\n' | cs-order -f fillup >"$T/o1.csv"
cs-order -f fillup -c 100002 F29:20 | cs-deliver >"$T/d2.csv"
is "$(col batch qty <"$T/d2.csv")" "F29-B2,10
F29-B1,10" "an order without batch takes 10 of F29-B2 (40 less 30 claimed), then F29-B1"
cs-deliver <"$T/o1.csv" | cs-pick | cs-issue >/dev/null
is "$(stock consignment F29 100003 F29-B2)" 30 "the order for F29-B2 still gets its 30"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes"

# A po ordered already with other items is an error, not a re-run.
printf 'customer,material,qty,po\n100001,H11,1,PO-X\n' | cs-order -f fillup >/dev/null
j=$(cksum <"$CS_DIR/journal")
printf 'customer,material,qty,po\n100001,H11,2,PO-X\n' | cs-order -f fillup >/dev/null 2>"$T/err"
is "$?" 1 "po PO-X again with another quantity: exit 1"
like "$(cat "$T/err")" "po PO-X: ordered already as order [0-9]+, with other items" "... and why"
is "$(cksum <"$CS_DIR/journal")" "$j" "... journal byte-identical"

# Rejecting a whole order twice: the second time there is nothing to do.
o=$(cs-order -f fillup -c 100001 H22:1 H21:1 | col order | sort -u)
cs-order --reject "$o" >/dev/null
cs-order --reject "$o" >/dev/null 2>"$T/err"
is "$?" 0 "rejecting order $o again: exit 0"
like "$(cat "$T/err")" "order $o has no open item left" "... and it says so"
o=$(cs-order -f fillup -c 100001 H22:1 H21:1 | col order | sort -u)
printf 'order,order_item\n%s,20\n' "$o" | cs-deliver >/dev/null
cs-order --reject "$o" >/dev/null 2>"$T/err"
is "$?" 0 "rejecting order $o with item 20 delivered: exit 0"
like "$(cat "$T/err")" "order $o: item 20 waits for its delivery to post and stays open" \
    "... item 10 is rejected, item 20 stays, and it says so"

# Every named file is read through before anything is posted.
printf 'customer,material,qty\n100002,H22,1\n' >"$T/g1.csv"
printf 'customer,material,qty\n100002,H22,1\n100002,"H22,1\n' >"$T/g2.csv"
j=$(cksum <"$CS_DIR/journal")
cs-order -f fillup "$T/g1.csv" "$T/g2.csv" >"$T/out" 2>"$T/err"
is "$?" 2 "a malformed second file: exit 2"
like "$(cat "$T/err")" "g2.csv: line 3: .*quote" "... naming the file and line"
is "$(cksum <"$CS_DIR/journal")" "$j" "... and the first file's order is not posted either"

# A document of 10000 rows is refused whole; the next one goes on.
awk 'BEGIN { print "customer,material,qty,po"
    for (i = 0; i < 10000; i++) print "100003,H22,0.001,BIG"
    print "100003,H22,1,SMALL" }' >"$T/big.csv"
cs-order -f fillup "$T/big.csv" >"$T/out" 2>"$T/err"
is "$?" 1 "an order of 10000 rows: exit 1"
like "$(cat "$T/err")" "big.csv: line 2: a document of more than 9999 rows is not posted" \
    "... refused as a whole"
is "$(col po <"$T/out" | sort -u)" SMALL "... and the next order is posted"
cs-order -f fillup --reject "$T/rej.csv" "$T/big.csv" >/dev/null 2>&1
is "$(sed 1d "$T/rej.csv" | wc -l | tr -d ' ')" 10000 "... every one of its rows goes to --reject"

# Standard input that ends in an error: the document it cuts is not posted.
j=$(cksum <"$CS_DIR/journal")
printf 'customer,material,qty,po\n100003,H22,1,S1\n100003,H22,1,S1\n100003,"H22,1,S1\n' |
    cs-order -f fillup >"$T/out" 2>"$T/err"
is "$?" 2 "stdin ending in a CSV error: exit 2"
like "$(cat "$T/err")" "input line 4: unterminated quoted field" "... naming the line"
like "$(cat "$T/err")" "input line 2: the document from this line on is not posted" \
    "... and the document it cut is not posted"
is "$(cksum <"$CS_DIR/journal")" "$j" "... journal byte-identical"

# A count file that is malformed gives no rows at all.
printf 'customer,material,batch,qty\n100001,H11,,1\n100001,"H11,,1\n' >"$T/badcount.csv"
cs-stock --count "$T/badcount.csv" >"$T/out" 2>"$T/err"
is "$?:$(wc -c <"$T/out" | tr -d ' ')" "2:0" "a malformed count file: exit 2, nothing written"

# cs-pick -o table is a picking list: the columns a picker needs.
cs-order -f fillup -c 100001 F126:2 | cs-deliver | cs-pick -o table >"$T/list"
is "$(head -1 "$T/list" | tr -s ' ')" \
    "customer material qty unit plant sloc batch serials delivery delivery_item picked" \
    "picking list header"
like "$(sed -n 2p "$T/list")" "F126 +2 +PC +1000 +1040 +F126-B1 +F126-0001 F126-0002" \
    "picking list line: F126 2 PC from 1000/1040, batch F126-B1, the two lowest serials"
done_testing
