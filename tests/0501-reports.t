#!/bin/sh
# The reports of cs-stock that read the history: stock and serials at a
# date (--at), the material document list (--movements), the consignment
# statement, aging, and refill requests from targets, against values
# computed by hand from a scenario over several dates, with a back-dated
# fill-up and a reversed one.
. "$(dirname "$0")/lib.sh"

# post DATE cs-order-arguments...: one document through all four stages.
post() {
	d=$1
	shift
	cs-order --date "$d" "$@" | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d"
}

# ok STATUS DESCRIPTION
ok() { is "$1" 0 "$2: exit 0"; }

fresh
cs-issue --initial --date 2026-01-01 "$CS_DIR/initial-stock.csv" >/dev/null
ok $? "initial entry on 2026-01-01"
post 2026-01-05 -f fillup -c 100001 H11:10 F29:10 H20:3 >/dev/null
ok $? "fill-up 100001 on 2026-01-05"
post 2026-02-10 -f fillup -c 100001 H11:6 F29:4 H20:2 >/dev/null
ok $? "fill-up 100001 on 2026-02-10"
post 2026-02-10 -f fillup -c 100002 H11:4 >/dev/null
ok $? "fill-up 100002 on 2026-02-10"
post 2026-03-01 -f issue -c 100001 H11:12 H20:1 F29:3 >/dev/null
ok $? "issue 100001 on 2026-03-01"
post 2026-03-20 -f pickup -c 100001 H11:1 F29:2 >/dev/null
ok $? "pickup 100001 on 2026-03-20"
printf 'customer,material,qty,serials\n100001,H11,2,\n100001,H20,1,H20-0001\n' |
    post 2026-04-15 -f return >/dev/null
ok $? "return 100001 on 2026-04-15"
# Posted last, dated before the issue: the journal is not in date order.
post 2026-02-15 -f fillup -c 100001 H21:5 >/dev/null
ok $? "fill-up 100001 back-dated to 2026-02-15"
before=$(digest)

# --- stock at a date ------------------------------------------------------
is "$(cs-stock --at 2026-01-04 | sed 1d | awk -F, '$5 != "own"' | wc -l |
    tr -d ' ')" 0 "--at 2026-01-04: no consignment stock before the first fill-up"
is "$(cs-stock --at 2026-01-04 -m H11 | col kind qty value)" "own,100,780.00" \
    "--at 2026-01-04: H11 own 100, value 100 x 7.80"
is "$(cs-stock --at 2026-01-05 -c 100001)" \
"plant,sloc,material,batch,kind,customer,qty,unit,value,currency
1000,,F29,F29-B2,consignment,100001,10,PC,112.50,EUR
1000,,H11,,consignment,100001,10,PC,78.00,EUR
1000,,H20,,consignment,100001,3,PC,457.20,EUR" \
    "--at 2026-01-05 -c 100001: the first fill-up, F29 from F29-B2 (first expiry)"
is "$(cs-stock --at 2026-03-01 -c 100001 | col material batch qty value)" \
"F29,F29-B2,11,123.75
H11,,4,31.20
H20,,4,609.60
H21,,5,15.75" \
    "--at 2026-03-01: 10 + 4 - 3 F29, 10 + 6 - 12 H11, 3 + 2 - 1 H20, back-dated H21 5"
is "$(cs-stock --at 2026-02-14 -c 100001 -m H21 | sed 1d)" "" \
    "--at 2026-02-14: the back-dated H21 fill-up not yet"
is "$(cs-stock --at 2026-02-15 -c 100001 -m H21 | col qty)" 5 \
    "--at 2026-02-15: the back-dated H21 fill-up counts on its date"
is "$(cs-stock --at 2026-03-20 -m H11 | col kind customer qty)" \
"own,,81
consignment,100001,3
consignment,100002,4" \
    "--at 2026-03-20: H11 own 100 - 10 - 6 - 4 + 1, at 100001 4 - 1 picked up"
is "$(cs-stock --at 2099-12-31)" "$(cs-stock)" \
    "--at a later date gives the plain overview"
is "$(cs-stock --at 2099-12-31 -c 100001 -o table)" "$(cs-stock -c 100001 -o table)" \
    "--at a later date -c 100001 -o table: the plain overview"
today=$(date +%Y-%m-%d)
if [ "$today" \> 2026-05-31 ]; then
	is "$(cs-stock --at "$today" -m H20)" "$(cs-stock -m H20)" \
	    "--at today gives the plain overview"
else
	pass "# skip --at today: the clock is before the scenario"
fi

# --- serials at a date ----------------------------------------------------
is "$(cs-stock -s --at 2026-03-01 -c 100001 -m H20)" \
"material,serial,batch,place,plant,sloc,customer,matdoc,date
H20,H20-0001,,sold,1000,,100001,4900000011,2026-03-01
H20,H20-0002,,consignment,1000,,100001,4900000008,2026-01-05
H20,H20-0003,,consignment,1000,,100001,4900000008,2026-01-05
H20,H20-0004,,consignment,1000,,100001,4900000009,2026-02-10
H20,H20-0005,,consignment,1000,,100001,4900000009,2026-02-10" \
    "-s --at 2026-03-01: H20-0001 sold by the issue, four in consignment"
is "$(cs-stock -s --at 2026-04-15 -m H20 | awk -F, '$2 == "H20-0001"')" \
    "H20,H20-0001,,consignment,1000,,100001,4900000013,2026-04-15" \
    "-s --at 2026-04-15: H20-0001 returned into consignment"
is "$(cs-stock -s --at 2026-01-04 -m H20 | col place | sort | uniq -c |
    awk '{ print $2, $1 }')" "own 100" "-s --at 2026-01-04: all 100 H20 own"
is "$(cs-stock -s --at 2099-12-31)" "$(cs-stock -s)" \
    "-s --at a later date gives the plain serial list"

# --- material documents ---------------------------------------------------
cs-stock --movements >"$T/mov.csv"
ok $? "--movements"
is "$(head -1 "$T/mov.csv")" \
    "matdoc,item,date,mvt,material,batch,serials,qty,plant,sloc,customer,delivery,order,reversed_by,reverses" \
    "--movements: its columns"
is "$(sed 1d "$T/mov.csv" | wc -l | tr -d ' ')" \
    "$(awk -F'\t' '$1 == "M"' "$CS_DIR/journal" | wc -l | tr -d ' ')" \
    "--movements: one row per M record"
is "$(tail -1 "$T/mov.csv" | cut -d, -f3-5)" "2026-02-15,631,H21" \
    "--movements: journal order, the back-dated fill-up last"
is "$(cs-stock --movements -m H11 --from 2026-03-01 --to 2026-03-31)" \
"matdoc,item,date,mvt,material,batch,serials,qty,plant,sloc,customer,delivery,order,reversed_by,reverses
4900000011,1,2026-03-01,633,H11,,,12,1000,1040,100001,80000003,1000003,,
4900000012,1,2026-03-20,632,H11,,,1,1000,1040,100001,80000004,1000004,," \
    "--movements -m H11 in March: the issue and the pickup with delivery and order"
is "$(cs-stock --movements -c 100002 | col matdoc mvt qty order)" \
    "4900000010,631,4,1000002" "--movements -c 100002: its one fill-up"
is "$(cs-stock --movements --to 2026-01-01 | col mvt | sort | uniq -c |
    awk '{ print $2, $1 }')" "561 8" "--movements --to 2026-01-01: the 8 initial entries"

# --- statement ------------------------------------------------------------
is "$(cs-stock --statement -c 100001 --from 2026-02-01 --to 2026-03-31)" \
"customer,material,batch,opening,filled,issued,picked_up,returned,closing,unit,value,currency
100001,F29,F29-B2,10,4,3,2,0,9,PC,101.25,EUR
100001,H11,,10,6,12,1,0,3,PC,23.40,EUR
100001,H20,,3,2,1,0,0,4,PC,609.60,EUR
100001,H21,,0,5,0,0,0,5,PC,15.75,EUR" \
    "statement February-March: opening, movements, closing and value per material and batch"
is "$(cs-stock --statement -c 100001 --from 2026-04-01 --to 2026-04-30 -m H20)" \
"customer,material,batch,opening,filled,issued,picked_up,returned,closing,unit,value,currency
100001,H20,,4,0,0,0,1,5,PC,762.00,EUR" \
    "statement April -m H20: the return of H20-0001"
is "$(cs-stock --statement -c 100001 --to 2026-01-04 | sed 1d)" "" \
    "statement before the first fill-up: no rows"

# identity: opening + filled - issued - picked_up + returned = closing, and
# closing = --at the closing day summed over plants.
identity() {
	cs-stock --statement -c 100001 --from "$1" --to "$2" | awk -F, '
	NR > 1 && $4 + $5 - $6 - $7 + $8 != $9 { print "broken: " $0 }'
}
at_sum() {
	cs-stock --at "$1" -c 100001 | awk -F, 'NR > 1 { q[$3 "," $4] += $7 }
	    END { for (k in q) if (q[k]) print k "," q[k] }' | sort
}
closing() {
	cs-stock --statement -c 100001 --from "$1" --to "$2" |
	    awk -F, 'NR > 1 && $9 != 0 { print $2 "," $3 "," $9 }' | sort
}
for p in "2026-01-01 2026-01-31" "2026-02-11 2026-03-01" \
    "2026-03-02 2026-04-30" "2026-01-05 2026-12-31"; do
	set -- $p
	is "$(identity "$1" "$2")" "" \
	    "statement $1..$2: opening + filled - issued - picked_up + returned = closing"
	is "$(closing "$1" "$2")" "$(at_sum "$2")" \
	    "statement $1..$2: closing = --at $2 summed over plants"
done

# --- aging ----------------------------------------------------------------
is "$(cs-stock --aging --at 2026-04-30)" \
"customer,material,batch,serial,qty,unit,arrived,days,bucket
100001,F29,F29-B2,,5,PC,2026-01-05,115,91-180
100001,F29,F29-B2,,4,PC,2026-02-10,79,31-90
100001,H11,,,3,PC,2026-02-10,79,31-90
100001,H11,,,2,PC,2026-04-15,15,0-30
100001,H20,,H20-0001,1,PC,2026-04-15,15,0-30
100001,H20,,H20-0002,1,PC,2026-01-05,115,91-180
100001,H20,,H20-0003,1,PC,2026-01-05,115,91-180
100001,H20,,H20-0004,1,PC,2026-02-10,79,31-90
100001,H20,,H20-0005,1,PC,2026-02-10,79,31-90
100001,H21,,,5,PC,2026-02-15,74,31-90
100002,H11,,,4,PC,2026-02-10,79,31-90
100001,,,,3,PC,,,0-30
100001,,,,14,PC,,,31-90
100001,,,,7,PC,,,91-180
100002,,,,4,PC,,,31-90" \
    "aging at 2026-04-30: FIFO layers (the issue took the oldest H11 and F29), serials by their last arrival, totals per bucket"
is "$(cs-stock --aging --at 2026-08-01 -c 100001 | awk -F, '$2 == ""' |
    cut -d, -f5,9)" "17,91-180
7,over-180" "aging at 2026-08-01 -c 100001: 17 in 91-180 days, 7 over 180"
for d in 2026-03-17:30:0-30 2026-03-18:31:31-90 2026-05-16:90:31-90 \
    2026-05-17:91:91-180 2026-08-14:180:91-180 2026-08-15:181:over-180; do
	at=${d%%:*}
	want=${d#*:}
	is "$(cs-stock --aging --at "$at" -m H21 | awk -F, '$2 == "H21"' |
	    cut -d, -f8,9 | tr , :)" "$want" \
	    "aging of H21 (arrived 2026-02-15) at $at: ${want%%:*} days, bucket ${want#*:}"
done
is "$(cs-stock --aging --at 2026-01-04 | sed 1d)" "" \
    "aging before the first fill-up: no rows"

is "$(digest)" "$before" "the reports write nothing to the data directory"

# --- refill ---------------------------------------------------------------
cat >"$CS_DIR/targets.csv" <<'EOF'
customer,material,min,max
100001,H11,6,20
100001,H20,2,8
100001,F126,5,15
100002,H11,5,10
EOF
cs-order -f fillup -c 100001 F126:4 >/dev/null
ok $? "an open fill-up order of 4 F126"
is "$(cs-stock --refill)" "flow,customer,material,qty,unit,stock,open,min,max
fillup,100001,H11,15,PC,5,0,6,20
fillup,100001,F126,11,PC,0,4,5,15
fillup,100002,H11,6,PC,4,0,5,10" \
    "refill: H11 5 < 6 -> 20 - 5; F126 0 + 4 open < 5 -> 15 - 4; 100002 H11 4 < 5 -> 10 - 4; H20 5 >= 2 none"
is "$(cs-stock --refill -c 100002 -o json)" \
    '{"flow":"fillup","customer":"100002","material":"H11","qty":"6","unit":"PC","stock":"4","open":"0","min":"5","max":"10"}' \
    "refill -c 100002 -o json"
cs-stock --refill | cs-order >"$T/ord.csv" 2>"$T/err"
ok $? "cs-stock --refill | cs-order"
is "$(col order customer material qty <"$T/ord.csv")" \
"1000008,100001,H11,15
1000008,100001,F126,11
1000009,100002,H11,6" \
    "refill | cs-order: one fill-up order per customer with the refill quantities"
is "$(col flow min max <"$T/ord.csv" | sort -u)" "fillup,5,10
fillup,5,15
fillup,6,20" "refill | cs-order: the refill's own columns pass through"
is "$(cs-stock --refill | sed 1d)" "" \
    "refill after ordering: stock + open orders reach every min, no rows"

# --- a reversed fill-up ---------------------------------------------------
post 2026-05-04 -f fillup -c 100001 H11:3 H22:5 >"$T/f5.csv"
ok $? "fill-up H11 3, H22 5 on 2026-05-04"
dno=$(col delivery <"$T/f5.csv" | sort -u)
md=$(col matdoc <"$T/f5.csv" | sort -u)
cs-issue --reverse --date 2026-05-06 "$dno" >"$T/rev.csv" 2>"$T/err"
ok $? "cs-issue --reverse of the fill-up on 2026-05-06"
rmd=$(col matdoc <"$T/rev.csv" | sort -u)
is "$(cs-stock --movements --from 2026-05-01 | col matdoc mvt material reversed_by reverses)" \
"$md,631,H11,$rmd,
$md,631,H22,$rmd,
$rmd,632,H11,,$md
$rmd,632,H22,,$md" \
    "--movements: the fill-up reversed_by the reversal, the reversal reverses it"
is "$(cs-stock --statement -c 100001 --from 2026-05-01 --to 2026-05-05 |
    col material opening filled picked_up closing | grep -E '^(H11|H22),')" \
"H11,5,3,0,8
H22,0,5,0,5" "statement 05-01..05-05: the fill-up before its reversal"
is "$(cs-stock --statement -c 100001 --from 2026-05-06 --to 2026-05-31 |
    col material opening filled picked_up closing | grep -E '^(H11|H22),')" \
"H11,8,-3,0,5
H22,5,-5,0,0" \
    "statement 05-06..05-31: the reversal (632) reduces filled, not picked_up"
is "$(cs-stock --statement -c 100001 --from 2026-05-01 --to 2026-05-31 |
    col material opening filled picked_up closing | grep -E '^(H11|H22),')" \
    "H11,5,0,0,5" \
    "statement 05-01..05-31: fill-up and reversal cancel out; H22, all zero, left out"
for p in "2026-05-01 2026-05-05" "2026-05-06 2026-05-31" "2026-04-01 2026-05-31"; do
	set -- $p
	is "$(identity "$1" "$2")" "" "statement $1..$2 with a reversal: the identity holds"
	is "$(closing "$1" "$2")" "$(at_sum "$2")" \
	    "statement $1..$2 with a reversal: closing = --at $2"
done
is "$(cs-stock --aging --at 2026-05-10 -c 100001 -m H11 | col arrived qty days bucket)" \
"2026-02-10,3,89,31-90
2026-04-15,2,25,0-30
,2,,0-30
,3,,31-90" \
    "aging: the reversal takes back the reversed fill-up's own layer, not the oldest"
is "$(cs-stock --at 2026-05-05 -c 100001 -m H22 | col qty)" 5 \
    "--at 2026-05-05: H22 5 at 100001 before the reversal"
is "$(cs-stock --at 2026-05-06 -c 100001 -m H22 | sed 1d)" "" \
    "--at 2026-05-06: H22 back in own stock after the reversal"
is "$(cs-stock --at 2099-12-31)" "$(cs-stock)" \
    "--at a later date after the reversal: the plain overview"

# --- usage ----------------------------------------------------------------
cs-stock --at 2026-02-30 >"$T/out" 2>"$T/err"
is "$?" 2 "--at 2026-02-30: exit 2"
is "$(cat "$T/err")" "cs-stock: --at '2026-02-30': not a date YYYY-MM-DD" \
    "--at 2026-02-30: the date is named"
is "$(cat "$T/out")" "" "--at 2026-02-30: no output"
cs-stock --statement >/dev/null 2>"$T/err"
is "$?" 2 "--statement without -c: exit 2"
like "$(cat "$T/err")" "needs -c customer" "--statement without -c: says so"
cs-stock --statement -c 100001 --from 2026-03-01 --to 2026-02-01 \
    >/dev/null 2>"$T/err"
is "$?" 2 "--from after --to: exit 2"
cs-stock --movements --at 2026-03-01 >/dev/null 2>&1
is "$?" 2 "--movements with --at: exit 2"
cs-stock --from 2026-03-01 >/dev/null 2>&1
is "$?" 2 "--from without --movements or --statement: exit 2"
cs-stock --aging -s >/dev/null 2>&1
is "$?" 2 "--aging with -s: exit 2"

# --- damage under the cache -----------------------------------------------
# The overview starts from journal.cache; a report that reads the journal
# checks every commit again and finds a change the cache hides.
env -u CS_NOCACHE CS_CACHE_MIN=0 cs-stock -s >/dev/null
awk '!d && /^O\t/ && sub(/\tfillup\t/, "\tfillUp\t") { d = 1 } { print }' \
    "$CS_DIR/journal" >"$T/j" && cat "$T/j" >"$CS_DIR/journal"
env -u CS_NOCACHE cs-stock -m H11 >/dev/null 2>&1
is "$?" 0 "a byte changed in an early transaction: the overview, from the cache, exit 0"
env -u CS_NOCACHE cs-stock --at 2099-12-31 >/dev/null 2>"$T/err"
is "$?" 3 "--at reads the journal and finds the damage: exit 3"
like "$(cat "$T/err")" "transaction 2 at offset [0-9]+: commit missing or checksum mismatch" \
    "--at: the damaged transaction is named"
done_testing
