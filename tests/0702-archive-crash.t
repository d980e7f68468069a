#!/bin/sh
# cs-stock --archive killed with SIGKILL at random moments, round after
# round: whatever moment it died at (before its segment, between the
# segment and the shortened journal, before the cache), every reader gives
# the stock of the whole journal, --check is clean, a writer posts, and
# the next --archive finishes the work: segment then journal are the
# journal as it was, byte for byte.
#
# CS_ARCHIVE_ROUNDS (12) rounds, stopping early after CS_CRASH_SECONDS
# (8); CS_SEED repeats a run's plan of kills (the seed is printed).
. "$(dirname "$0")/lib.sh"

rounds=${CS_ARCHIVE_ROUNDS:-12}
budget=${CS_CRASH_SECONDS:-8}
seed=${CS_SEED:-$$}
echo "# seed $seed, at most $rounds rounds or $budget s"
J=$CS_DIR/journal

# A history of a few megabytes: 3000 fill-up orders, a transaction of
# each stage every batch; all but the last two transactions from 2025.
fresh
initial
printf 'material,plant,sloc,batch,serials,qty\nH21,1000,1040,,,10000\n' |
    cs-issue --initial >/dev/null
awk 'BEGIN { print "customer,material,qty,po"
    for (i = 0; i < 3000; i++) printf "10000%d,H21,1,P%d\n", 1 + i % 3, i }' \
    >"$T/many.csv"
cs-order -f fillup "$T/many.csv" | cs-deliver | cs-pick | cs-issue >/dev/null
n=$(grep -c '^B' "$J")
awk -F'\t' -v OFS='\t' -v last="$((n - 2))" '
    $1 == "B" && $2 <= last { sub(/^[0-9][0-9][0-9][0-9]/, "2025", $3) }
    { print }' "$J" >"$T/restamped"
cat "$T/restamped" >"$J"
recrc "$J"
chmod 600 "$J"
cp "$J" "$T/full"
rm -f "$CS_DIR/journal.cache"
CS_NOCACHE=1 cs-stock >"$T/stock.ref"
CS_NOCACHE=1 cs-stock -s >"$T/serials.ref"
is "$(stock consignment H21 100001)" 1000 "the history: 1000 H21 at 100001"

# reset: the whole journal again, no segment, cache or leftover.
reset() {
	rm -f "$CS_DIR"/journal-*.gz "$CS_DIR"/.journal* "$CS_DIR/journal.cache"
	cp "$T/full" "$J"
	chmod 600 "$J"
	cs-stock -s >/dev/null		# a cache, as in daily use
}

# How long an archive takes here, to spread the kills over it.
reset
s=$(date +%s%N)
cs-stock --archive 2025 >"$T/arch.csv"
e=$(date +%s%N)
span=$(((e - s) / 1000))	# microseconds
is "$(col first_txn last_txn <"$T/arch.csv")" "1,$((n - 2))" \
    "one archive: transactions 1 to $((n - 2))"
echo "# an archive takes $span us"

t0=$(date +%s)
r=0 seen=
while [ $r -lt "$rounds" ] && [ $(($(date +%s) - t0)) -lt "$budget" ]; do
	r=$((r + 1))
	reset
	delay=$(awk -v s="$seed" -v r="$r" -v span="$span" \
	    'BEGIN { srand(s + r); printf "%.6f", rand() * span * 1.2 / 1e6 }')
	cs-stock --archive 2025 >/dev/null 2>&1 &
	pid=$!
	perl -e 'select(undef, undef, undef, $ARGV[0])' "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# Where it died: no segment, the segment beside the whole journal,
	# or the segment and the shortened journal.
	if [ ! -f "$CS_DIR/journal-2025.gz" ]; then state=none
	elif cmp -s "$J" "$T/full"; then state=segment
	else state=done; fi
	case " $seen " in *" $state "*) ;; *) seen="$seen $state" ;; esac
	what="round $r (killed after ${delay}s: $state)"
	is "$(CS_NOCACHE=1 cs-stock | cksum)" "$(cksum <"$T/stock.ref")" \
	    "$what: the stock of the whole journal, no cache"
	is "$(cs-stock -s | cksum)" "$(cksum <"$T/serials.ref")" \
	    "$what: serial places through whatever cache there is"
	run cs-stock --check
	is "$rc$out" 0 "$what: --check clean"
	run cs-stock --archive 2025
	is "$rc" 0 "$what: the next --archive exits 0"
	is "$(zcat "$CS_DIR/journal-2025.gz" | cat - "$J" | cksum)" \
	    "$(cksum <"$T/full")" "$what: segment then journal are the journal"
	is "$(sed -n 1p "$J" | cut -f2)" "$((n - 1))" \
	    "$what: the journal starts at transaction $((n - 1))"
	# (a cache being written may be left, .journal.cache.PID: the next
	# writer of the cache removes it)
	is "$(ls -a "$CS_DIR" | grep -Ec '^\.journal(-2025\.gz)?\.[0-9]')" 0 \
	    "$what: no temporary segment or journal left"
	run cs-order -f fillup -c 100002 H21:1
	is "$rc" 0 "$what: a writer posts afterwards"
done
echo "# $r rounds; states the kills left:$seen"

done_testing
