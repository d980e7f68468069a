#!/bin/sh
# gen.sh - a data directory of realistic history for make bench, made by
# the tools themselves: day after day, initial entries (561) for the day's
# fill-ups, fill-ups (631) to many customers, sold-quantity reports turned
# into issues (633) with invoices, payments of most invoices, pickups
# (632), returns (634) released to credit memos.  Every movement is posted
# by the tools' own code, so the journal is valid (cs-stock --check).
#
#   sh gen.sh BINDIR DIR N
#
# Makes DIR/data (master data and journal) with at least N movements (M
# records) and DIR/rounds, a line per day: its number, journal bytes and
# movements so far, seconds spent since the start.  A DIR made before is
# continued, not made anew: a day cut short (the generator killed) is cut
# back off the journal first.  Environment:
#   CS_BENCH_ITEMS      fill-up items a day (default N/40, 500 to 50000)
#   CS_BENCH_MATERIALS  materials (default 5000), CS_BENCH_CUSTOMERS (3000)
#   CS_BENCH_BUDGET     seconds: no day begins once that many are spent in
#                       all, short of N (default: none); DIR/rounds says so
# The pipelines run with the state cache as in daily use, but renew it once
# a day (cs-stock) instead of in every stage: a stage's start-up then
# replays at most a day of journal and never writes the whole cache.
set -eu
bin=$1 dir=$2 n=$3
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
items=${CS_BENCH_ITEMS:-$((n / 40))}
[ "$items" -lt 500 ] && items=500
[ "$items" -gt 50000 ] && items=50000
nmat=${CS_BENCH_MATERIALS:-5000} ncust=${CS_BENCH_CUSTOMERS:-3000}
budget=${CS_BENCH_BUDGET:-0}
CS_DIR=$dir/data
CS_CACHE_MIN=1099511627776
export PATH CS_DIR CS_CACHE_MIN
t=$dir/tmp log=$dir/gen.log
r=0 moves=0 off=0 spent=0
if [ -f "$dir/rounds" ] && [ -f "$CS_DIR/journal" ] &&
    last=$(grep -v '^stopped' "$dir/rounds" | tail -n 1) &&
    [ "${last%% *}" != round ] &&
    [ "$(echo "$last" | cut -d' ' -f2)" -le "$(wc -c <"$CS_DIR/journal")" ]; then
	set -- $last
	r=$1 off=$2 moves=$3 spent=$4
	sed -i '/^stopped/d' "$dir/rounds"
	if [ "$off" -lt "$(wc -c <"$CS_DIR/journal")" ]; then
		# a day cut short: back to where the last whole day ended
		truncate -s "$off" "$CS_DIR/journal"
		rm -f "$CS_DIR/journal.cache"
	fi
else
	rm -rf "$dir"
	mkdir -p "$CS_DIR"
	awk -v dir="$CS_DIR" -v nmat="$nmat" -v ncust="$ncust" -f "$here/master.awk"
	: >"$CS_DIR/journal"
	echo "round bytes movements seconds" >"$dir/rounds"
fi
mkdir -p "$t"
# the day of round $1, from Monday 2021-01-04 on, five days a week
day() {
	awk -v r="$1" 'BEGIN { d = 18631 + int(r / 5) * 7 + r % 5
		z = d + 719468; era = int(z / 146097); doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
		y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1
		m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
		printf "%04d-%02d-%02d\n", y, m, dd }'
}
start=$(($(date +%s) - spent))
while [ "$moves" -lt "$n" ]; do
	if [ "$budget" -gt 0 ] && [ "$spent" -ge "$budget" ]; then
		echo "stopped by CS_BENCH_BUDGET=$budget short of $n" >>"$dir/rounds"
		break
	fi
	r=$((r + 1)); d=$(day $((r - 1)))
	echo "== day $r $d" >>"$log"
	{
	awk -v mode=fill -v r=$r -v items="$items" -v nmat="$nmat" \
	    -v ncust="$ncust" -v init="$t/init.csv" -f "$here/round.awk" >"$t/fill.csv"
	cs-issue --initial --date "$d" "$t/init.csv" >/dev/null
	cs-order -f fillup --date "$d" "$t/fill.csv" | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d" >"$t/filled.csv"
	awk -v mode=use -v r=$r -v pickup="$t/pickup.csv" -f "$here/round.awk" \
	    "$t/filled.csv" >"$t/issue.csv"
	cs-order -f issue --date "$d" "$t/issue.csv" | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d" |
	    cs-bill --date "$d" >"$t/invoiced.csv"
	awk -v mode=pay -v r=$r -v date="$d" -f "$here/round.awk" \
	    "$t/invoiced.csv" | cs-pay --date "$d" >/dev/null
	cs-order -f pickup --date "$d" "$t/pickup.csv" | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d" >/dev/null
	awk -v mode=return -v r=$r -f "$here/round.awk" "$t/invoiced.csv" >"$t/return.csv"
	cs-order -f return --date "$d" "$t/return.csv" | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d" | cs-order --release >/dev/null
	cs-bill --due --date "$d" | cs-bill --release --date "$d" >/dev/null
	# (the serial list renews the cache; the overview would scan cold)
	CS_CACHE_MIN=0 cs-stock -s -m '=' >/dev/null
	} 2>>"$log"
	size=$(wc -c <"$CS_DIR/journal")
	moves=$((moves + $(tail -c +$((off + 1)) "$CS_DIR/journal" | grep -c '^M	')))
	off=$size spent=$(($(date +%s) - start))
	echo "$r $size $moves $spent" >>"$dir/rounds"
	[ -t 2 ] && printf '\rgen.sh: day %d, %d movements, %d MB, %d s ' \
	    $r $moves $((size >> 20)) $spent >&2
done
[ -t 2 ] && echo >&2
rm -rf "$t"
