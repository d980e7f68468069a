#!/bin/sh
# Many pipelines at once on one data directory, racing for the same
# limited stock and the same serials: nothing is oversold, no serial is in
# two places, document numbers are unique and gapless, cs-stock --check
# passes.  And the bound on the lock wait: --wait SECONDS.
#
# CS_RACE_ROUNDS sets the rounds of the race (3; 1 under the sanitizers,
# CS_BIN under build/san, where each process starts several times slower).
. "$(dirname "$0")/lib.sh"

case ${CS_BIN:-} in
*/build/san/*|*/build/san) rounds=1 slack=3000 ;;
*) rounds=3 slack=1500 ;;
esac
rounds=${CS_RACE_ROUNDS:-$rounds}

# committed: the records of committed transactions, each prefixed with its
# transaction number and a TAB.
committed() {
	awk -F'\t' '$1 == "B" { n = 0; t = $2; next }
	    $1 == "C" { for (i = 1; i <= n; i++) print t "\t" r[i]; n = 0; next }
	    { r[++n] = $0 }' "$CS_DIR/journal"
}

# numbers: for each range, "KIND first..last count" of the documents in the
# journal, and a line "dup KIND NUMBER" for a number in two transactions.
numbers() {
	committed | awk -F'\t' '
	$2 == "O" || $2 == "D" || $2 == "M" || $2 == "F" || $2 == "A" {
		k = $2 "\t" $3
		if (k in txn) { if (txn[k] != $1) print "dup", $2, $3; next }
		txn[k] = $1
		n[$2]++
		if (!($2 in lo) || $3 + 0 < lo[$2]) lo[$2] = $3 + 0
		if ($3 + 0 > hi[$2]) hi[$2] = $3 + 0
	}
	END { for (t in n) printf "%s %.0f..%.0f %d\n", t, lo[t], hi[t], n[t] }' |
	    sort
}

# gapless: "ok" when every range of numbers starts at its first number
# and has no gap (last - first + 1 = count) and no number is used twice.
gapless() {
	awk '
	$1 == "dup" { bad = bad " " $0; next }
	{ split($2, r, /\.\./)
	  first = $1 == "O" ? 1000000 : $1 == "D" ? 80000000 : \
	      $1 == "F" ? 90000000 : $1 == "A" ? 100000000 : 4900000000
	  if (r[1] != first || r[2] - r[1] + 1 != $3) bad = bad " " $0 }
	END { print bad == "" ? "ok" : bad }'
}

# gate: print the file $1 once $T/go exists, so every pipeline gets its
# request at the same moment.
gate() {
	while [ ! -e "$T/go" ]; do sleep 0.01; done
	cat "$1"
}

# race_pipeline N FLOW FILE: pipeline N, its tools' outputs in $T/N.*.
race_pipeline() {
	case $2 in
	issue)
		gate "$3" | cs-order -f "$2" | tee "$T/$1.O" | cs-deliver |
		    cs-pick | cs-issue | tee "$T/$1.M" | cs-bill >"$T/$1.F" ;;
	*)
		gate "$3" | cs-order -f "$2" | tee "$T/$1.O" | cs-deliver |
		    cs-pick | cs-issue >"$T/$1.M" ;;
	esac
}

req() { printf 'customer,material,qty,serials\n%s\n' "$1" >"$T/req.$2"; }
req "100001,F126,30," 1
req "100002,F126,30," 2
req "100003,F126,30," 3
req "100001,F126,30," 4
ten="H20-0001 H20-0002 H20-0003 H20-0004 H20-0005 H20-0006 H20-0007 H20-0008 H20-0009 H20-0010"
req "100001,H20,10,$ten" 5
req "100002,H20,10,$ten" 6
req "100003,H20,10,$ten" 7
req "100002,H20,50," 8
req "100003,H20,50," 9
req "100001,H11,12," 10
req "100001,H11,12," 11
req "100001,H11,12," 12
flows="1:fillup 2:fillup 3:fillup 4:fillup 5:fillup 6:fillup 7:fillup
8:fillup 9:fillup 10:issue 11:issue 12:pickup"

neg=0 f126=0 f126o=0 h20=0 ten1=0 h11=0 nums=0 outdup=0 check=0
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	fresh
	initial
	# 20 H11 at customer 100001, for two issues and a pickup of 12 each.
	cs-order -f fillup -c 100001 H11:20 | cs-deliver | cs-pick | cs-issue >/dev/null
	rm -f "$T/go" "$T"/[0-9]*.[OMF]
	for p in $flows; do
		race_pipeline "${p%%:*}" "${p#*:}" "$T/req.${p%%:*}" 2>>"$T/err.$r" &
	done
	sleep 0.2
	: >"$T/go"
	wait

	cs-stock >"$T/stock"
	[ -z "$(col qty <"$T/stock" | grep '^-')" ] || neg=$((neg + 1))
	# F126: 100 received; own + consignment = 100, so nothing shipped
	# that was not there, and orders never promised more than 100.
	[ $(($(stock own F126) + $(stock consignment F126))) -eq 100 ] &&
	    [ "$(stock own F126)" -ge 0 ] || f126=$((f126 + 1))
	ordered=$(committed | awk -F'\t' '$2 == "O" && $5 == "fillup" && $8 == "F126" {
	    q += $9 } END { print q + 0 }')
	[ "$ordered" -le 100 ] || f126o=$((f126o + 1))
	# H20: 100 serials, each in exactly one place.
	cs-stock -s -m H20 | sed 1d | cut -d, -f2 | sort >"$T/ser"
	[ "$(wc -l <"$T/ser" | tr -d ' ')" = 100 ] && [ -z "$(uniq -d "$T/ser")" ] ||
	    h20=$((h20 + 1))
	[ $(($(stock own H20) + $(stock consignment H20))) -eq 100 ] || h20=$((h20 + 1))
	# The ten requested serials went out with one pipeline at most.
	won=$(grep -l 'H20-0001 H20-0002' "$T"/[567].M 2>/dev/null | wc -l | tr -d ' ')
	[ "$won" -le 1 ] || ten1=$((ten1 + 1))
	# H11 at 100001: issued and picked up together at most the 20 there.
	out=$(committed | awk -F'\t' '$2 == "M" && $7 == "H11" && $11 == "100001" &&
	    ($5 == 632 || $5 == 633) { q += $12 } END { print q + 0 }')
	[ "$out" -le 20 ] && [ "$(stock consignment H11 100001)" -eq $((20 - out)) ] ||
	    h11=$((h11 + 1))
	g=$(numbers | gapless)
	[ "$g" = ok ] || { nums=$((nums + 1)); echo "# round $r: $g"; }
	# No order number printed by two pipelines.
	d=$(for f in "$T"/[0-9]*.O; do col order <"$f" | sort -u; done | sort | uniq -d)
	[ -z "$d" ] || outdup=$((outdup + 1))
	cs-stock --check >/dev/null 2>&1 || check=$((check + 1))
	echo "# round $r: F126 own $(stock own F126), H20 own $(stock own H20)," \
	    "H11 at 100001 $(stock consignment H11 100001), ten serials won by $won," \
	    "$(numbers | tr '\n' ' ')"
done
is "$neg" 0 "12 racing pipelines ($rounds rounds): no stock below zero"
is "$f126" 0 "racing pipelines: F126 own + consignment = the 100 received, own >= 0"
is "$f126o" 0 "racing pipelines: at most the 100 F126 on hand ordered (4 x 30 requested)"
is "$h20" 0 "racing pipelines: 100 H20 serials, each in exactly one place"
is "$ten1" 0 "racing pipelines: the ten serials asked for three times shipped once at most"
is "$h11" 0 "racing pipelines: H11 issued + picked up <= the 20 at the customer (3 x 12 asked)"
is "$nums" 0 "racing pipelines: every document number unique, each range gapless from its first"
is "$outdup" 0 "racing pipelines: no order number printed by two pipelines"
is "$check" 0 "racing pipelines: cs-stock --check exits 0"
is "$(grep -E ': damaged at|transaction [0-9]+ at offset|lock not obtained|Sanitizer|runtime error' "$T"/err.* | head -3)" "" \
    "racing pipelines: no damage, lock timeout or sanitizer report on stderr"
like "$(cat "$T"/err.*)" 'available' "racing pipelines: the losers are told the stock is short"

# --- the lock wait: --wait SECONDS ---------------------------------------
J=$CS_DIR/journal
now() { date +%s%N | cut -c1-13; }	# milliseconds
sum=$(cksum <"$J")
rm -f "$T/held"
flock -x "$CS_DIR" sh -c ": >'$T/held'; sleep 3" &
holder=$!
while [ ! -e "$T/held" ]; do sleep 0.02; done
t0=$(now)
cs-order --wait 1 -f fillup -c 100001 H11:1 >"$T/out" 2>"$T/err"
rc=$?
ms=$(($(now) - t0))
is "$rc" 3 "journal locked (flock -x), cs-order --wait 1: exit 3"
if [ "$ms" -ge 1000 ] && [ "$ms" -lt $((1000 + slack)) ]; then
	pass "cs-order --wait 1 gives up after about 1 s ($ms ms)"
else
	fail "cs-order --wait 1 gives up after about 1 s"
	echo "#   took $ms ms, want 1000..$((1000 + slack))"
fi
like "$(cat "$T/err")" "^cs-order: '$J': lock not obtained in 1(\\.000)? s$" \
    "--wait 1: the message names the journal and its lock"
is "$(sed 1d "$T/out")" "" "--wait 1: no order printed"
is "$(cksum <"$J")" "$sum" "--wait 1: nothing written"
t0=$(now)
CS_LOCK_TIMEOUT=30 cs-stock --wait 0 >/dev/null 2>"$T/err"
rc=$?
ms=$(($(now) - t0))
is "$rc" 3 "cs-stock --wait 0 while the journal is locked: exit 3"
if [ "$ms" -lt "$slack" ]; then
	pass "--wait 0 tries once and does not wait for CS_LOCK_TIMEOUT=30 ($ms ms)"
else
	fail "--wait 0 tries once and does not wait for CS_LOCK_TIMEOUT=30"
	echo "#   took $ms ms"
fi
# --wait outlasts the holder: the writer gets the lock when it is free.
CS_LOCK_TIMEOUT=0 cs-order --wait 30 -f fillup -c 100001 H11:1 >"$T/out" 2>"$T/err"
rc=$?
is "$rc" 0 "cs-order --wait 30 (CS_LOCK_TIMEOUT=0) waits for the lock and posts: exit 0"
like "$(col order <"$T/out")" '^[0-9]+$' "--wait 30: the order is printed"
wait $holder

# Bad values are a usage error: exit 2, nothing done.
sum=$(cksum <"$J")
for v in -1 x 1.5 86401 '' 99999999999999999999; do
	cs-order --wait "$v" -f fillup -c 100001 H11:1 >/dev/null 2>"$T/err"
	rc=$?
	is "$rc:$(cat "$T/err")" \
	    "2:cs-order: wait '$v': not whole seconds from 0 to 86400" \
	    "cs-order --wait '$v': exit 2 and says why"
done
for t in cs-deliver cs-pick cs-issue cs-bill cs-pay cs-stock; do
	$t --wait=-5 </dev/null >/dev/null 2>&1
	is "$?" 2 "$t --wait=-5: exit 2"
done
is "$(cksum <"$J")" "$sum" "bad --wait values: nothing written"
cs-stock --wait 86400 -m H11 >/dev/null 2>&1
is "$?" 0 "--wait 86400, the largest, is taken"
done_testing
