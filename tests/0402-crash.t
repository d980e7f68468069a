#!/bin/sh
# Crash safety of the journal.
#  (a) Posting pipelines killed with SIGKILL at random moments, round after
#      round: every document a tool printed is in the journal, the stock
#      is the committed movements summed by awk, the invariants hold, and
#      the next posting works.
#  (b) The journal cut at every byte inside its last transaction: a reader
#      sees exactly the state before that transaction and reports a torn
#      tail; the next writer cuts the tail and leaves the committed bytes
#      as they were.
#  (c) A byte flipped inside an earlier transaction: cs-stock --check and
#      every writer exit 3, and no writer changes a byte of the file.
#
# The rounds of (a) stop early when they have taken CS_CRASH_SECONDS (6;
# 4 under the sanitizers, CS_BIN under build/san, where a process starts
# several times slower and (b) and (c) take every 30th offset rather than
# every one).  CS_CRASH_ROUNDS (40) and CS_CRASH_STRIDE override; CS_SEED
# repeats a run's plan of kills (the seed is printed).
. "$(dirname "$0")/lib.sh"

case ${CS_BIN:-} in
*/build/san/*|*/build/san) stride=30 budget=4 ;;
*) stride=1 budget=6 ;;
esac
rounds=${CS_CRASH_ROUNDS:-40}
budget=${CS_CRASH_SECONDS:-$budget}
stride=${CS_CRASH_STRIDE:-$stride}
seed=${CS_SEED:-$$}
echo "# seed $seed, at most $rounds rounds or $budget s, offsets every $stride byte(s)"

# committed: the records of committed transactions on stdout, a torn tail
# left out (cs-journal(5), EXAMPLES).
committed() {
	awk -F'\t' '$1 == "B" { n = 0; next }
	    $1 == "C" { if (NF == 4 && length($4) == 8)
		for (i = 1; i <= n; i++) print r[i]
		n = 0; next }
	    { r[++n] = $0 }' "$CS_DIR/journal"
}

# ---------------------------------------------------------------------
# (a) SIGKILL at random moments
# ---------------------------------------------------------------------
t0=$(date +%s)
fresh
initial
mkdir "$T/out" "$T/pid" "$T/req"

# The plan of every round, made by one awk run: two pipelines (flow and
# request rows), when to strike and which tools to kill.  A "#" line in a
# request file is a pause, so that cs-order commits several times.
awk -v seed="$seed" -v rounds="$rounds" -v dir="$T/req" '
function pick(n) { return int(rand() * n) }
BEGIN {
	srand(seed)
	nk = split("fillup fillup fillup fillup issue issue pickup due initial", kind, " ")
	split("F126 H20 H11 F29 H21", mat, " ")
	split("100001 100002 100003", cust, " ")
	stages["fillup"] = stages["pickup"] = stages["due"] = 4
	stages["issue"] = 5
	stages["initial"] = 1
	for (r = 1; r <= rounds; r++) {
		line = r
		for (p = 1; p <= 2; p++) {
			k = kind[pick(nk) + 1]
			f = dir "/" r "." p ".csv"
			if (k == "initial") {
				print "material,plant,sloc,batch,serials,qty" >f
				for (i = pick(4); i >= 0; i--)
					print "H22,1000,1040,,," 1 + pick(5) >f
			} else if (k != "due") {
				print "customer,material,qty" >f
				for (i = 3 + pick(8); i > 0; i--) {
					print cust[pick(3) + 1] "," mat[pick(5) + 1] \
					    "," 1 + pick(3) >f
					if (pick(2) == 0)
						print "#" >f
				}
			}
			close(f)
			line = line " " k " " 1 + pick(stages[k])
		}
		# when (ms) and whom: 0 all of the first pipeline, 1 one tool of
		# it, 2 one tool of each, 3 every tool of both
		print line, pick(120), pick(4)
	}
}' >"$T/plan"

# x PIDFILE TOOL ARG...: run TOOL as the process whose pid is in PIDFILE.
x() {
	xp=$1
	shift
	sh -c 'echo $$ >"$0"; exec "$@"' "$xp" "$@"
}

# feed FILE: the rows of FILE, pausing at each "#" line.
feed() {
	while IFS= read -r l; do
		case $l in
		'#') sleep 0.01 ;;
		*) printf '%s\n' "$l" ;;
		esac
	done <"$1"
}

# pipeline TAG FLOW: one pipeline; what tool N prints goes on to the next
# tool and into $T/out/TAG.N.KIND, KIND the journal record of the
# documents it prints; its pid is in $T/pid/TAG.N.
pipeline() {
	o=$T/out/$1 p=$T/pid/$1 q=$T/req/$1.csv
	case $2 in
	fillup|pickup)
		feed "$q" | x "$p.1" cs-order -f "$2" | tee "$o.1.O" |
		    x "$p.2" cs-deliver | tee "$o.2.D" |
		    x "$p.3" cs-pick | tee "$o.3.P" |
		    x "$p.4" cs-issue >"$o.4.M" ;;
	issue)
		feed "$q" | x "$p.1" cs-order -f issue | tee "$o.1.O" |
		    x "$p.2" cs-deliver | tee "$o.2.D" |
		    x "$p.3" cs-pick | tee "$o.3.P" |
		    x "$p.4" cs-issue | tee "$o.4.M" |
		    x "$p.5" cs-bill >"$o.5.F" ;;
	due)
		x "$p.1" cs-deliver --due | tee "$o.1.D" |
		    x "$p.2" cs-pick | tee "$o.2.P" |
		    x "$p.3" cs-issue | tee "$o.3.M" |
		    x "$p.4" cs-bill >"$o.4.F" ;;
	initial)
		x "$p.1" cs-issue --initial "$q" >"$o.1.M" ;;
	esac
}

# strike TAG N: SIGKILL tool N of pipeline TAG (all of them when N is 0),
# if it has started.
strike() {
	for sf in "$T/pid/$1".*; do
		[ -f "$sf" ] || continue
		case $2 in 0) ;; *) [ "$sf" = "$T/pid/$1.$2" ] || continue ;; esac
		sp=
		read -r sp <"$sf" 2>/dev/null
		[ -n "$sp" ] && kill -KILL "$sp" 2>/dev/null &&
		    killed=$((killed + 1))
	done
}

start=$(date +%s)
ran=0 killed=0
while read -r r k1 n1 k2 n2 ms mode; do
	[ $(($(date +%s) - start)) -ge "$budget" ] && break
	ran=$r
	pipeline "$r.1" "$k1" 2>>"$T/err" &
	pipeline "$r.2" "$k2" 2>>"$T/err" &
	sleep "$(printf '0.%03d' "$ms")"
	case $mode in
	0) strike "$r.1" 0 ;;
	1) strike "$r.1" "$n1" ;;
	2) strike "$r.1" "$n1"; strike "$r.2" "$n2" ;;
	3) strike "$r.1" 0; strike "$r.2" 0 ;;
	esac
	wait
done <"$T/plan"
rounds=$ran
echo "# $rounds rounds in $(($(date +%s) - start)) s: $killed tools killed;" \
    "the writers cut $(grep -c 'torn tail of [0-9]* bytes removed' "$T/err") torn tails"

# Nothing a crash leaves may look like damage to the next tool.
is "$(grep -E 'transaction [0-9]+ at offset|: damaged at|lock not obtained' "$T/err" | head -3)" "" \
    "$rounds rounds of SIGKILL: no tool found the journal damaged or locked"
is "$(grep -E 'Sanitizer|runtime error' "$T/err" | head -3)" "" \
    "$rounds rounds of SIGKILL: no sanitizer report"

# Every row a tool printed (a last line cut short by the kill left out:
# it has fewer fields than the header) names a document in the journal.
committed >"$T/committed"
missing=$(awk -F'\t' '
FNR == NR { if ($1 ~ /^[ODPMF]$/) have[$1 "|" $2 "|" $3] = 1; next }
FNR == 1 {
	n = split(FILENAME, part, ".")
	kind = part[n]
	a = kind == "O" ? "order" : kind == "M" ? "matdoc" : \
	    kind == "F" ? "billing" : "delivery"
	b = a "_item"
	nf = split($0, h, ",")
	for (i = 1; i <= nf; i++) ix[h[i]] = i
	ia = ix[a]; ib = ix[b]; delete ix
	next
}
{
	if (split($0, v, ",") < nf)
		next
	rows++
	if (!((kind "|" v[ia] "|" v[ib]) in have))
		print FILENAME ": " kind " " v[ia] " " v[ib]
}
END { print rows >"/dev/stderr" }' "$T/committed" "$T"/out/* 2>"$T/nrows")
is "$missing" "" "every document a killed tool printed ($(cat "$T/nrows") rows) is committed in the journal"

# The stock is what the committed M records add up to, summed by awk:
# 561 own+, 562 own-, 631 own- consignment+, 632 consignment- own+,
# 633 consignment- (sold+), 634 (sold-) consignment+.
awk -F'\t' '
function add(k, q) { s[k] += q }
$1 == "M" {
	own = $7 "," $8 "," $6 "," $9 ",own,"
	con = $7 ",," $6 "," $9 ",consignment," $10
	q = $11
	if ($4 == 561) add(own, q)
	else if ($4 == 562) add(own, -q)
	else if ($4 == 631) { add(own, -q); add(con, q) }
	else if ($4 == 632) { add(con, -q); add(own, q) }
	else if ($4 == 633) add(con, -q)
	else if ($4 == 634) add(con, q)
}
END { for (k in s) if (s[k] != 0) print k "," s[k] }' "$T/committed" |
    sort >"$T/stock.awk"
cs-stock 2>/dev/null | col plant sloc material batch kind customer qty |
    awk -F, '$7 != 0' | sort >"$T/stock.cs"
is "$(cmp "$T/stock.awk" "$T/stock.cs" 2>&1)" "" \
    "cs-stock ($(wc -l <"$T/stock.cs" | tr -d ' ') rows) equals the committed movements summed by awk"
if ! cmp -s "$T/stock.awk" "$T/stock.cs"; then
	diff "$T/stock.awk" "$T/stock.cs" | sed 's/^/# /' | head -20
fi
CS_NOCACHE=1 cs-stock 2>/dev/null | col plant sloc material batch kind customer qty |
    awk -F, '$7 != 0' | sort >"$T/stock.nc"
is "$(cmp "$T/stock.awk" "$T/stock.nc" 2>&1)" "" \
    "the same without the state cache (CS_NOCACHE=1: a whole replay)"
is "$(awk -F, '$7 < 0' "$T/stock.cs")" "" "no stock below zero"
cs-stock -s | sed 1d | cut -d, -f1,2 | sort >"$T/serials"
is "$(uniq -d "$T/serials")" "" "every serial listed once"
is "$(wc -l <"$T/serials" | tr -d ' ')" 200 "200 serials (100 H20, 100 F126), none lost"

cs-stock --check >/dev/null 2>"$T/chk"
is "$?" 0 "cs-stock --check exits 0 after the crashes"

# The next posting works, and picks up what the crashes left open.
before=$(stock consignment H11 100002)
cs-order -f fillup -c 100002 H11:1 | cs-deliver | cs-pick | cs-issue >"$T/next" 2>"$T/nexterr"
is "$?" 0 "the next fill-up pipeline exits 0"
is "$(stock consignment H11 100002)" "$((before + 1))" "the next fill-up ships its one H11"
cs-deliver --due | cs-pick | cs-issue >/dev/null 2>"$T/dueerr"
is "$(grep -E ': damaged at|transaction [0-9]+ at offset' "$T/dueerr")" "" \
    "cs-deliver --due | cs-pick | cs-issue finishes what the crashes left, no damage"
cs-stock --check >/dev/null 2>&1
is "$?" 0 "cs-stock --check exits 0 after the next postings"

echo "# (a) took $(($(date +%s) - t0)) s"
t0=$(date +%s)

# ---------------------------------------------------------------------
# (b) the journal cut at every byte of its last transaction
# ---------------------------------------------------------------------
# CS_NOCACHE=1 throughout (b) and (c), so that each tool replays the
# journal it is shown.  In (b) a cache of the uncut journal would be
# ignored anyway (its commit record is gone); in (c) a cache covering the
# flipped byte would hide it from every tool but cs-stock --check.
CS_NOCACHE=1
export CS_NOCACHE
fresh
initial
# Transaction 2, an order, is the one (c) damages; the last, 3, an initial
# entry of two items (one with serials) the one (b) cuts.
cs-order -f fillup -c 100001 F126:1 >/dev/null
printf 'material,plant,sloc,batch,serials,qty\nH22,1000,1040,,,5\nH20,1000,1040,,H20-0101 H20-0102,2\n' >"$T/init2.csv"
cs-issue --initial "$T/init2.csv" >/dev/null
J=$CS_DIR/journal
cp "$J" "$T/full"
size=$(wc -c <"$J" | tr -d ' ')
ntx=$(grep -c '^C	' "$J")
last=$(grep -n "^B	$ntx	" "$J" | cut -d: -f1)
start=$(head -n $((last - 1)) "$J" | wc -c | tr -d ' ')
head -c "$start" "$T/full" >"$T/prev"
is "$(tail -c +$((start + 1)) "$T/full" | grep -c '^M	')" 2 \
    "the last transaction, $ntx (bytes $start..$size), holds two movements"
cp "$T/prev" "$J"
cs-stock >"$T/s.prev"
cs-stock -s >"$T/ser.prev"
cp "$T/full" "$J"
cs-stock >"$T/s.full"
if cmp -s "$T/s.prev" "$T/s.full"; then
	fail "the last transaction changes the stock"
else
	pass "the last transaction changes the stock"
fi

# Few processes per offset: the stock is compared in the shell, the
# message read with the shell's read, the committed bytes with cmp -n.
sprev=$(cat "$T/s.prev")
badrc=0 badout=0 notorn=0 badw=0 badhead=0 badcheck=0 n=0 nc=0 first=
off=$((start + 1))
while [ "$off" -lt "$size" ]; do
	n=$((n + 1))
	head -c "$off" "$T/full" >"$J"
	got=$(cs-stock 2>"$T/err")
	[ "$?" = 0 ] || badrc=$((badrc + 1))
	if [ "$got" != "$sprev" ]; then
		badout=$((badout + 1))
		first=${first:-$off}
	fi
	msg=
	read -r msg <"$T/err"
	case $msg in
	*"torn tail of $((off - start)) bytes ignored") ;;
	*) notorn=$((notorn + 1)) ;;
	esac
	# The next writer cuts the tail and appends right after the
	# committed bytes, which it leaves as they were.
	cs-order -f fillup -c 100001 H11:1 >/dev/null 2>"$T/err"
	rc=$?
	msg=
	read -r msg <"$T/err"
	case $rc:$msg in
	0:*"torn tail of $((off - start)) bytes removed") ;;
	*) badw=$((badw + 1)) ;;
	esac
	cmp -s -n "$start" "$J" "$T/prev" || badhead=$((badhead + 1))
	# The whole replay, at every 4th offset and the last one (each costs
	# a process; the writer has checked the same state already).
	if [ $((n % 4)) = 1 ] || [ $((off + stride)) -ge "$size" ]; then
		nc=$((nc + 1))
		cs-stock --check >/dev/null 2>&1 || badcheck=$((badcheck + 1))
	fi
	off=$((off + stride))
done
is "$badrc" 0 "cut at $n offsets inside transaction $ntx: cs-stock exits 0 at each"
is "$badout" 0 "cut at each offset: cs-stock shows exactly the stock before transaction $ntx${first:+ (first bad: $first)}"
is "$notorn" 0 "cut at each offset: cs-stock reports a torn tail of the right size"
is "$badw" 0 "cut at each offset: the next writer exits 0 and says it removed the tail"
is "$badhead" 0 "cut at each offset: the committed bytes before it are unchanged (cmp)"
is "$badcheck" 0 "cut at $nc of the offsets: cs-stock --check exits 0 after the writer"

# One cut in detail: the serials too, and what the writer leaves.
off=$((start + (size - start) / 2))
head -c "$off" "$T/full" >"$J"
is "$(cs-stock -s 2>/dev/null | cksum)" "$(cksum <"$T/ser.prev")" \
    "cut in mid-transaction: serial places as before it"
cs-order -f fillup -c 100001 H11:1 >"$T/o" 2>/dev/null
is "$(tail -c +$((start + 1)) "$J" | head -1 | cut -f1,2,4)" "B	$ntx	cs-order" \
    "cut in mid-transaction: the writer's transaction takes number $ntx, at byte $start"
is "$(tail -c +$((start + 1)) "$J" | grep -c '^[BC]	')" 2 \
    "cut in mid-transaction: nothing of the torn transaction is left"

echo "# (b) took $(($(date +%s) - t0)) s"
t0=$(date +%s)

# ---------------------------------------------------------------------
# (c) a byte flipped inside an earlier transaction
# ---------------------------------------------------------------------
# flip OFFSET: the full journal, with the lowest bit of the byte at OFFSET
# flipped, into the journal; flipbyte OFFSET VALUE when the byte's value is
# known (the loop below reads all of them with one od).
flip() {
	fb=$(od -An -tu1 -j "$1" -N1 "$T/full" | tr -d ' ')
	flipbyte "$1" "$fb"
}
flipbyte() {
	fx=$(($2 ^ 1))
	{
		head -c "$1" "$T/full"
		printf "\\$(((fx >> 6) * 100 + (fx >> 3 & 7) * 10 + (fx & 7)))"
		tail -c +$(($1 + 2)) "$T/full"
	} >"$J"
}
t2=$(grep -n '^B	2	' "$T/full" | cut -d: -f1)
t3=$(grep -n '^B	3	' "$T/full" | cut -d: -f1)
from=$(head -n $((t2 - 1)) "$T/full" | wc -c | tr -d ' ')
to=$(head -n $((t3 - 1)) "$T/full" | wc -c | tr -d ' ')
notthree=0 n=0 first=
off=$from
for b in $(od -An -tu1 -v -j "$from" -N $((to - from)) "$T/full"); do
	if [ $(((off - from) % stride)) = 0 ]; then
		n=$((n + 1))
		flipbyte "$off" "$b"
		cs-stock --check >/dev/null 2>&1
		rc=$?
		if [ "$rc" != 3 ]; then
			notthree=$((notthree + 1))
			first=${first:-"$off (exit $rc)"}
		fi
	fi
	off=$((off + 1))
done
is "$notthree" 0 "a bit flipped at $n offsets of transaction 2 (bytes $from..$to): cs-stock --check exits 3 at each${first:+ (first not: $first)}"

# writers_refuse DESC WRITER...: with the journal as it is now, each
# WRITER (a command line) exits 3, and the file keeps every byte.
writers_refuse() {
	wd=$1
	shift
	cp "$J" "$T/before"
	for cmd; do
		$cmd >"$T/stdout" 2>"$T/err"
		is "$?" 3 "$wd: ${cmd%% $T*} exits 3"
	done
	like "$(cat "$T/err")" "^cs-pay: $J: transaction 2 " \
	    "$wd: the message names the journal and transaction 2"
	cmp "$T/before" "$J" >"$T/cmp" 2>&1
	is "$(cat "$T/cmp")" "" "$wd: the journal is byte for byte as before (cmp)"
}
printf 'material,plant,sloc,batch,serials,qty\nH22,1000,1040,,,5\n' >"$T/init.csv"
printf 'customer,amount,currency,date,ref\n100001,10.00,EUR,2026-12-20,X1\n' >"$T/pay.csv"

flip $((from + (to - from) / 2))
cs-stock >/dev/null 2>"$T/err"
is "$?" 3 "flipped byte in a record of transaction 2: cs-stock exits 3"
writers_refuse "flipped byte in a record" \
    "cs-order -f fillup -c 100001 H11:1" "cs-deliver --due" "cs-pick --due" \
    "cs-issue --due" "cs-bill --due" "cs-issue --initial $T/init.csv" \
    "cs-pay $T/pay.csv"

flip $((to - 2))
writers_refuse "flipped bit in transaction 2's CRC" \
    "cs-order -f fillup -c 100001 H11:1" "cs-issue --due" "cs-pay $T/pay.csv"

# Damage and a torn tail behind it: the writer cuts nothing either.
flip $((from + (to - from) / 2))
printf 'B\t%s\t2026-01-01T00:00:00Z\tcs-order\nO\t1000001\t10\tfi' $((ntx + 1)) >>"$J"
writers_refuse "flipped byte and a torn tail" \
    "cs-order -f fillup -c 100001 H11:1" "cs-issue --due" "cs-pay $T/pay.csv"

# With the state cache (it covers transaction 2) a writer does not see the
# damage -- only cs-stock --check replays all -- but it only appends.
unset CS_NOCACHE
cp "$T/full" "$J"
rm -f "$CS_DIR/journal.cache"
CS_CACHE_MIN=0 cs-deliver --due >/dev/null
is "$(ls "$CS_DIR/journal.cache" 2>&1)" "$CS_DIR/journal.cache" \
    "a writer with CS_CACHE_MIN=0 wrote the cache"
flip $((from + (to - from) / 2))
cp "$J" "$T/before"
cs-order -f fillup -c 100001 H11:1 >/dev/null 2>&1
rc=$?
is "$(head -c "$size" "$J" | cmp - "$T/before" 2>&1)" "" \
    "with the cache, a writer (exit $rc) leaves every byte before the end as it was"
cs-stock --check >/dev/null 2>&1
is "$?" 3 "with the cache, cs-stock --check still finds the flipped byte: exit 3"
echo "# (c) took $(($(date +%s) - t0)) s"
done_testing
