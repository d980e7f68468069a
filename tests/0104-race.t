#!/bin/sh
# Concurrent writers: two fill-up pipelines racing for the last pieces
# never oversell, two picks racing for one serial never both win, and
# concurrent writers draw unique, gapless document numbers.
. "$(dirname "$0")/lib.sh"

# colf NAME FILE...: column NAME of several CSV files, each with a header.
colf() {
	n=$1
	shift
	for f; do col "$n" <"$f"; done
}

# gate: a request row for 6 F126, once $T/go exists.
gate() {
	while [ ! -e "$T/go" ]; do sleep 0.01; done
	printf 'material,qty\nF126,6\n'
}

rounds=4
oversold=0 neg=0 notone=0 badsum=0 badcheck=0 badser=0 badrc=0
r=0
while [ $r -lt $rounds ]; do
	r=$((r + 1))
	fresh
	initial
	cs-order -f fillup -c 100001 F126:90 | cs-deliver | cs-pick | cs-issue >/dev/null
	# 10 F126 left; two pipelines each want 6.  Both start, load the
	# journal, and get their request row at the same moment.
	rm -f "$T/go"
	( (gate | cs-order -f fillup -c 100001; echo $? >"$T/rcA") 2>/dev/null |
	    cs-deliver | cs-pick | cs-issue >"$T/A" 2>/dev/null ) &
	( (gate | cs-order -f fillup -c 100002; echo $? >"$T/rcB") 2>/dev/null |
	    cs-deliver | cs-pick | cs-issue >"$T/B" 2>/dev/null ) &
	sleep 0.1
	: >"$T/go"
	wait
	own=$(stock own F126)
	c1=$(stock consignment F126 100001)
	c2=$(stock consignment F126 100002)
	shipped=$((c1 - 90 + c2))
	[ "$own" -ge 0 ] || neg=$((neg + 1))
	[ "$shipped" -le 10 ] || oversold=$((oversold + 1))
	[ $((own + c1 + c2)) -eq 100 ] || badsum=$((badsum + 1))
	rcs=$(cat "$T/rcA" "$T/rcB" | sort | tr '\n' ' ')
	[ "$rcs" = "0 1 " ] || badrc=$((badrc + 1))
	[ "$shipped" -eq 6 ] && [ "$own" -eq 4 ] || notone=$((notone + 1))
	cs-stock --check >/dev/null 2>&1 || badcheck=$((badcheck + 1))
	# every serial in exactly one place, 100 in all
	n=$(cs-stock -s -m F126 | sed 1d | cut -d, -f2 | sort -u | wc -l | tr -d ' ')
	m=$(cs-stock -s -m F126 | sed 1d | wc -l | tr -d ' ')
	[ "$n" -eq 100 ] && [ "$m" -eq 100 ] || badser=$((badser + 1))
	if [ $r -eq 1 ]; then
		is "$(cat "$T/A" "$T/B" | grep -c ',631,')" 1 \
		    "round 1: one goods issue row between the two pipelines"
	fi
done
is "$neg" 0 "racing fill-ups ($rounds rounds): own stock never negative"
is "$oversold" 0 "racing fill-ups: never more than the 10 available shipped"
is "$badsum" 0 "racing fill-ups: own + consignment = 100 received"
is "$badrc" 0 "racing fill-ups: one cs-order exits 0, the other 1"
is "$notone" 0 "racing fill-ups: exactly one order of 6 shipped, 4 left own"
is "$badser" 0 "racing fill-ups: 100 F126 serials, each in one place"
is "$badcheck" 0 "racing fill-ups: cs-stock --check passes every round"

# --- two picks racing for one serial ----------------------------------
fresh
initial
cs-order -f fillup -c 100001 H20:1 | cs-deliver >"$T/d1.csv"
cs-order -f fillup -c 100002 H20:1 | cs-deliver >"$T/d2.csv"
setser() {
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "serials") c = i }
	    NR > 1 { $c = "H20-0050" } 1' "$1"
}
setser "$T/d1.csv" >"$T/s1.csv"
setser "$T/d2.csv" >"$T/s2.csv"
rm -f "$T/go"
( (while [ ! -e "$T/go" ]; do sleep 0.01; done; cat "$T/s1.csv") |
    cs-pick | cs-issue >"$T/i1" 2>/dev/null ) 2>"$T/e1" &
( (while [ ! -e "$T/go" ]; do sleep 0.01; done; cat "$T/s2.csv") |
    cs-pick | cs-issue >"$T/i2" 2>/dev/null ) 2>"$T/e2" &
sleep 0.1
: >"$T/go"
wait
is "$(cat "$T/i1" "$T/i2" | grep -c 'H20-0050')" 1 \
    "two picks of serial H20-0050 at once: exactly one is issued"
like "$(place H20 H20-0050)" '^consignment,10000[12]$' "H20-0050 is at one customer"
is "$(($(stock consignment H20 100001) + $(stock consignment H20 100002)))" 1 \
    "one H20 in consignment in all"
like "$(cat "$T/e1" "$T/e2")" 'serial H20-0050' "the losing pick names the serial"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes"

# --- concurrent writers draw unique, gapless numbers ------------------
fresh
initial
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	cs-order -f fillup -c 100001 H11:1 >"$T/o$i" 2>"$T/oe$i" &
done
wait
is "$(colf order "$T"/o[0-9]* | sort -n | tr '\n' ' ')" \
    "$(seq 1000000 1000019 | tr '\n' ' ')" \
    "20 concurrent cs-order: orders 1000000..1000019, unique and gapless"
is "$(cat "$T"/oe[0-9]*)" "" "20 concurrent cs-order: no errors"

printf 'material,plant,sloc,batch,serials,qty\nH22,1000,1040,,,5\n' >"$T/init.csv"
for i in 1 2 3 4; do
	cs-issue --initial "$T/init.csv" >"$T/m$i" 2>"$T/me$i" &
done
wait
is "$(colf matdoc "$T"/m[0-9] | sort -n | tr '\n' ' ')" \
    "4900000008 4900000009 4900000010 4900000011 " \
    "4 concurrent cs-issue --initial: material documents unique and gapless"
is "$(stock own H22)" 120 "4 concurrent initial entries of 5 H22: 120 own"

i=0
while [ $i -lt 6 ]; do
	i=$((i + 1))
	cs-order -f fillup -c 100001 H21:2 | cs-deliver | cs-pick | cs-issue >"$T/p$i" 2>"$T/pe$i" &
done
wait
is "$(colf delivery "$T"/p[0-9] | sort -n | tr '\n' ' ')" \
    "$(seq 80000000 80000005 | tr '\n' ' ')" \
    "6 concurrent pipelines: deliveries 80000000..80000005, unique and gapless"
is "$(colf matdoc "$T"/p[0-9] | sort -n | tr '\n' ' ')" \
    "$(seq 4900000012 4900000017 | tr '\n' ' ')" \
    "6 concurrent pipelines: material documents gapless after the initial ones"
is "$(stock consignment H21 100001)" 12 "6 concurrent pipelines of 2 H21: 12 at the customer"
cs-stock --check >"$T/chk" 2>&1
is "$?" 0 "cs-stock --check passes after the concurrent writers"
is "$(cat "$T/chk")" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
