#!/bin/sh
# Journal damage as the tools see it: a torn tail is ignored and reported,
# then cut by the next writer; a damaged committed transaction stops every
# tool with exit 3; a lock not obtained in time is exit 3 with nothing
# written.
. "$(dirname "$0")/lib.sh"

fresh
initial
cs-order -f fillup -c 100001 F126:10 | cs-deliver | cs-pick | cs-issue >/dev/null
J=$CS_DIR/journal
cp "$J" "$T/good"
size0=$(wc -c <"$J" | tr -d ' ')
ntx=$(grep -c '^C	' "$J")
next=$((ntx + 1))
cs-stock >"$T/s0"
cs-stock -s >"$T/ser0"

# torn_case DESC BYTES: append BYTES (printf format) to the good journal
# and check that readers ignore and report it, and the next writer cuts it.
torn_case() {
	cp "$T/good" "$J"
	printf "$2" >>"$J"
	cs-stock >"$T/s1" 2>"$T/err"
	is "$?" 0 "$1: cs-stock exits 0"
	is "$(cat "$T/s1")" "$(cat "$T/s0")" "$1: cs-stock reports the same stock"
	like "$(cat "$T/err")" '^cs-stock: .*journal.*torn tail' "$1: cs-stock says 'torn tail' on stderr"
	is "$(cs-stock -s 2>/dev/null | cksum)" "$(cksum <"$T/ser0")" "$1: serial places unchanged"
	cs-order -f fillup -c 100001 H11:1 >"$T/o" 2>"$T/err"
	is "$?" 0 "$1: the next writer (cs-order) exits 0"
	like "$(cat "$T/err")" 'torn tail of [0-9]+ bytes removed' "$1: the writer says it cut the tail"
	is "$(head -c "$size0" "$J" | cksum)" "$(cksum <"$T/good")" \
	    "$1: committed transactions untouched"
	is "$(tail -c +$((size0 + 1)) "$J" | head -1 | cut -f1,2)" "B	$next" \
	    "$1: right after them, the new transaction $next"
	is "$(tail -c +$((size0 + 1)) "$J" | grep -c '^C	')" 1 \
	    "$1: the tail is exactly one committed transaction"
	is "$(col order <"$T/o")" 1000001 "$1: the new order is 1000001"
	cs-stock --check >"$T/chk" 2>&1
	is "$?" 0 "$1: cs-stock --check passes afterwards"
	unlike "$(cat "$T/chk")" 'torn' "$1: no torn tail left"
}

torn_case "tail without commit" \
    "B\t$next\t2026-01-01T00:00:00Z\tcs-order\nO\t1000001\t10\tfillup\t2026-01-01\t100001\tH11\t1\tPC\t1000\t1040\t\t\t\t\t\t\n"
torn_case "half a line" "B\t$next\t2026-01-0"
torn_case "tail with a wrong sequence and no commit" \
    "B\t99\tx\tcs-order\nO\t1000001\t10\tfillup\t2026-01-01\t100001\tH11\t1\tPC\t1000\t1040\t\t\t\t\t\t\n"

# --- the last commit's CRC bad at the very end: torn ---------------------
cp "$T/good" "$J"
cs-issue --initial /dev/stdin >/dev/null <<'EOF'
material,plant,sloc,batch,serials,qty
H22,1000,1040,,,5
EOF
is "$(stock own H22)" 105 "an initial entry of 5 H22: 105 own"
size1=$(wc -c <"$J" | tr -d ' ')
# The CRC's last hex digit is the byte before the final LF.
c=$(tail -c 2 "$J" | head -c 1)
if [ "$c" = 0 ]; then c=1; else c=0; fi
printf '%s' "$c" | dd of="$J" bs=1 seek=$((size1 - 2)) conv=notrunc 2>/dev/null
is "$(wc -c <"$J" | tr -d ' ')" "$size1" "CRC digit changed in place"
cs-stock -m H22 >"$T/s1" 2>"$T/err"
is "$?" 0 "bad CRC on the last commit: cs-stock exits 0"
like "$(cat "$T/err")" 'torn tail' "bad CRC on the last commit: reported as a torn tail"
is "$(col qty <"$T/s1")" 100 "bad CRC on the last commit: its 5 H22 are not counted"
cs-order -f fillup -c 100001 H11:1 >/dev/null 2>"$T/err"
is "$?" 0 "bad CRC on the last commit: the next writer exits 0"
is "$(head -c "$size0" "$J" | cksum)" "$(cksum <"$T/good")" \
    "bad CRC on the last commit: earlier transactions untouched"
is "$(grep -c '	H22	1000	1040	' "$J")" 1 "bad CRC on the last commit: the torn 561 is cut (only the initial H22 left)"
is "$(stock own H22)" 100 "bad CRC on the last commit: 100 H22 own"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes after the cut"

# --- one byte flipped inside an early committed transaction --------------
# damaged_case DESC TXN ERE: every tool exits 3 naming the journal and
# transaction TXN; writers write nothing.
damaged_case() {
	sum=$(cksum <"$J")
	for cmd in "cs-stock" "cs-stock -s" "cs-stock --check" \
	    "cs-order -f fillup -c 100001 H11:1" "cs-deliver --due" \
	    "cs-pick --due" "cs-issue --due" "cs-bill --due" "cs-pay --open"; do
		$cmd >"$T/out" 2>"$T/err"
		rc=$?
		tool=${cmd%% *}
		is "$rc" 3 "$1: $cmd exits 3"
		like "$(cat "$T/err")" "^$tool: $J: transaction $2 .*$3" \
		    "$1: $cmd names the journal, transaction $2 and the fault"
	done
	is "$(cksum <"$J")" "$sum" "$1: nothing written to the journal"
}
cp "$T/good" "$J"
off=$(($(head -1 "$J" | wc -c) + 5))	# a digit of the first matdoc number
printf 7 | dd of="$J" bs=1 seek=$off conv=notrunc 2>/dev/null
damaged_case "byte flipped in transaction 1" 1 'checksum'

cp "$T/good" "$J"
off=$(grep -n '^B	2	' "$J" | cut -d: -f1)
off=$(($(head -n "$off" "$J" | wc -c) + 3))	# inside the first record of 2
printf 'Z' | dd of="$J" bs=1 seek=$off conv=notrunc 2>/dev/null
damaged_case "byte flipped in transaction 2" 2 'checksum'

# --- lock contention -----------------------------------------------------
cp "$T/good" "$J"
sum=$(cksum <"$J")
rm -f "$T/held"
flock -x "$CS_DIR" sh -c ": >'$T/held'; sleep 3" &
holder=$!
while [ ! -e "$T/held" ]; do sleep 0.05; done
CS_LOCK_TIMEOUT=1 cs-order -f fillup -c 100001 H11:1 >"$T/out" 2>"$T/err"
is "$?" 3 "journal locked by another process: cs-order exits 3"
like "$(cat "$T/err")" "^cs-order: .*journal.*lock not obtained" \
    "journal locked: 'lock not obtained' naming the journal"
is "$(sed 1d "$T/out")" "" "journal locked: no order rows on stdout"
is "$(cksum <"$J")" "$sum" "journal locked: nothing written"
CS_LOCK_TIMEOUT=1 cs-stock >/dev/null 2>"$T/err"
is "$?" 3 "journal locked exclusively: a reader exits 3 too"
like "$(cat "$T/err")" "lock not obtained" "journal locked: the reader says so"
wait $holder
CS_LOCK_TIMEOUT=1 cs-order -f fillup -c 100001 H11:1 >"$T/out" 2>"$T/err"
is "$?" 0 "lock released: cs-order exits 0"
is "$(col order <"$T/out")" 1000001 "lock released: order 1000001 (none lost to the timeout)"
done_testing
