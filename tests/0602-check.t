#!/bin/sh
# cs-stock --check (DESIGN section 6): nothing printed and exit 0 on a
# clean journal; each violated invariant listed with the record and
# document that breaks it, exit 1; damage (a bad CRC inside the journal, a
# record that cannot be read) exit 3.  Each case edits a copy of a good
# journal and then recomputes the commit records, so that only the
# invariant is broken, not the CRCs.
. "$(dirname "$0")/lib.sh"

# check: run cs-stock --check on $CS_DIR; $rc, $out, $err.
check() {
	rm -f "$CS_DIR/journal.cache"
	cs-stock --check >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# case NAME AWK-PROGRAM: a copy of the good journal edited by awk (fields
# by TAB), with the commits recomputed.
edit() {
	cp "$T/good" "$CS_DIR/journal"
	awk -F'\t' -v OFS='\t' "$1" "$T/good" >"$CS_DIR/journal"
	recrc "$CS_DIR/journal"
}

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials,po\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002,count-1' '100001,H11,3,,count-1' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null
printf 'customer,amount,currency,date,ref\n100001,100.00,EUR,2026-11-29,bank-1\n' |
    cs-pay >/dev/null
cs-order -f fillup -c 100002 H21:4 H22:2 | cs-deliver | cs-pick |
    cs-issue >/dev/null
cp "$CS_DIR/journal" "$T/good"
fill2=$(awk -F'\t' '$1 == "G" { d = $2 } END { print d }' "$T/good")

check
is "$rc" 0 "a clean journal: exit 0"
is "$out$err" "" "a clean journal: nothing printed"
recrc "$CS_DIR/journal"
is "$(cksum <"$CS_DIR/journal")" "$(cksum <"$T/good")" \
    "the test's CRC recomputation reproduces the journal"

# --- each invariant broken once ---
edit '$1 == "M" && $4 == 633 && $6 == "H11" { $11 = 30 } 1'
check
is "$rc" 1 "stock below zero: exit 1"
like "$out" '^transaction [0-9]+ at offset [0-9]+: M 49000000[0-9]+ item 2: not enough consignment stock of H11: 10 there$' \
    "stock below zero: the movement, its item and the stock there"

edit '$1 == "M" && $4 == 633 && $6 == "H20" { $12 = "H20-0001 H20-0050" } 1'
check
is "$rc" 1 "serial in another place: exit 1"
like "$out" 'M 49000000[0-9]+ item 1: serial H20-0050 is not in consignment stock of customer 100001' \
    "serial in another place: named with its movement"

edit '$1 == "M" && $4 == 631 && $6 == "H20" { $12 = "H20-0001 H20-0001 H20-0002 H20-0003 H20-0004" } 1'
check
is "$rc" 1 "one serial moved twice in one movement: exit 1"
like "$out" 'serial H20-0001 is not in own stock' \
    "one serial moved twice: the second move is refused"

edit '$1 == "A" && $3 == 2 && !done { $7 = "999.99"; done = 1 } 1'
check
is "$rc" 1 "an unbalanced accounting document: exit 1"
like "$out" 'accounting document 100000000 does not balance' \
    "an unbalanced accounting document is named"
is "$(printf '%s\n' "$out" | grep -c .)" 1 \
    "an unbalanced accounting document is reported once"

edit '{ l = $0 } $1 == "A" { last = NR } { r[NR] = $0 }
    END { for (i = 1; i <= NR; i++) { if (i == last) { split(r[i], f, "\t");
    f[7] = "1.00"; s = f[1]; for (k = 2; k <= 11; k++) s = s "\t" f[k];
    print s } else print r[i] } }'
check
is "$rc" 1 "the last accounting document unbalanced: exit 1"
like "$out" '^end of journal: accounting document [0-9]+ does not balance' \
    "the last accounting document is checked at the end"

edit '$1 == "O" && $6 == "100002" { $2 = 1000005 } 1'
check
is "$rc" 1 "a gap in the order numbers: exit 1"
like "$out" 'O 1000005 item 10: order number 1000005 out of sequence' \
    "a gap in the order numbers is named"

edit '$1 == "D" && $2 == "'"$fill2"'" { $2 = 80000000 } 1'
check
is "$rc" 1 "a delivery number used twice: exit 1"
like "$out" 'D 80000000 item 10: ' "a delivery number used twice is named"

awk -F'\t' '{ print } $1 == "M" { m = $2 } $1 == "C" { t = $2 }
    END { print "B\t" t + 1 "\t2026-11-29T00:00:00Z\tcs-issue"
	print "G\t80000000\t" m + 1 "\t2026-11-29"
	print "C\t" t + 1 "\t1\t0" }' "$T/good" >"$CS_DIR/journal"
recrc "$CS_DIR/journal"
check
is "$rc" 1 "a delivery posted twice: exit 1"
like "$out" 'G 80000000: delivery 80000000 is posted already' \
    "a delivery posted twice is named"

edit '$1 == "O" && $4 == "fillup" && $6 == "100002" { $14 = "count-1"; $4 = "issue"; $15 = "12.35"; $16 = "EUR" } 1'
cp "$CS_DIR/journal" "$T/po"
awk -F'\t' -v OFS='\t' '$1 == "O" && $14 == "count-1" && $6 == "100002" { $6 = "100001" } 1' \
    "$T/po" >"$CS_DIR/journal"
recrc "$CS_DIR/journal"
check
is "$rc" 1 "a customer's po ordered twice: exit 1"
like "$out" "po 'count-1' of that customer and flow is ordered already" \
    "a po ordered twice is named"

awk -F'\t' -v OFS='\t' '
    $1 == "Y" { yl = $0 } $1 == "A" { a = $2 } { r[NR] = $0 }
    END { for (i = 1; i <= NR; i++) print r[i]
	split(r[NR], c, "\t"); t = c[2] + 1
	split(yl, f, "\t"); f[2] = a + 1
	print "B\t" t "\t2026-11-29T00:00:00Z\tcs-pay"
	s = f[1]; for (k = 2; k <= 7; k++) s = s "\t" f[k]; print s
	print "C\t" t "\t1\t0" }' "$T/good" >"$CS_DIR/journal"
recrc "$CS_DIR/journal"
check
is "$rc" 1 "a payment ref posted twice: exit 1"
like "$out" "Y [0-9]+: payment ref 'bank-1' is posted already" \
    "a payment ref posted twice is refused"

# A reversal that takes back only part of its original.
cp "$T/good" "$CS_DIR/journal"
cs-issue --reverse "$fill2" >/dev/null
cp "$CS_DIR/journal" "$T/rev"
awk -F'\t' -v OFS='\t' '!($1 == "M" && $4 == 632 && $6 == "H22")' "$T/rev" \
    >"$CS_DIR/journal"
recrc "$CS_DIR/journal"
check
is "$rc" 1 "a reversal short of an item: exit 1"
like "$out" 'reverses 1 of the 2 items of 49000000[0-9]+' \
    "a reversal short of an item is named"
awk -F'\t' -v OFS='\t' '$1 == "M" && $4 == 632 && $6 == "H22" { $11 = 1 } 1' \
    "$T/rev" >"$CS_DIR/journal"
recrc "$CS_DIR/journal"
check
is "$rc" 1 "a reversal of another quantity: exit 1"
like "$out" 'item 2: material document [0-9]+: item differs from the item it reverses' \
    "a reversal of another quantity is named"

# Several violations are all listed.
edit '$1 == "M" && $4 == 633 && $6 == "H11" { $11 = 30 }
    $1 == "A" && $3 == 2 && !done { $7 = "999.99"; done = 1 } 1'
check
is "$rc" 1 "two violations: exit 1"
is "$(printf '%s\n' "$out" | grep -c -e 'not enough' -e 'does not balance')" 2 \
    "two violations: both listed"

# --- damage: exit 3 ---
cp "$T/good" "$CS_DIR/journal"
off=$(awk '/^M\t/ { print n + 10; exit } { n += length($0) + 1 }' "$T/good")
printf 'X' | dd of="$CS_DIR/journal" bs=1 seek="$off" conv=notrunc 2>/dev/null
check
is "$rc" 3 "a flipped byte inside the journal: exit 3"
like "$err" 'transaction 1 at offset 0: commit missing or checksum mismatch, and more data follows' \
    "a flipped byte: the transaction and offset named"

edit '$1 == "O" && !done { $14 = "bad\\q"; done = 1 } 1'
check
is "$rc" 3 "a record that does not split: exit 3"
like "$err" 'record does not split' "a record that does not split is named"

cp "$T/good" "$CS_DIR/journal"
printf 'B\t99\t2026-11-29T00:00:00Z\tcs-order\nO\t1000009' >>"$CS_DIR/journal"
check
is "$rc" 0 "a torn tail is no violation: exit 0"
like "$err" 'torn tail of [0-9]+ bytes ignored' "a torn tail is reported"
is "$out" "" "a torn tail: nothing on standard output"

done_testing
