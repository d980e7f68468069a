#!/bin/sh
# Corners of batches, serials and input found in review: each once broke.
. "$(dirname "$0")/lib.sh"

fresh
initial

# An order for a batch that another order's delivery has taken in full is
# refused; a batch with stock free is not.
cs-order -f fillup -c 100001 F29:50 | cs-deliver >"$T/d.csv"
is "$(col batch qty <"$T/d.csv" | paste -sd' ' -)" "F29-B2,40 F29-B1,10" \
    "50 F29 without a batch: F29-B2 (first to expire) 40, then F29-B1 10"
printf 'material,batch,qty\nF29,F29-B2,40\n' | cs-order -f fillup -c 100001 >/dev/null 2>"$T/err"
is "$?" 1 "an order for F29-B2 40, all of it delivered to another: exit 1"
like "$(cat "$T/err")" "F29 batch F29-B2: 40 requested, 0 available" "... nothing of F29-B2 is free"
printf 'material,batch,qty\nF29,F29-B1,50\n' | cs-order -f fillup -c 100001 >/dev/null
is "$?" 0 "an order for F29-B1 50 (60 less 10 delivered): accepted"
cs-pick <"$T/d.csv" | cs-issue >/dev/null

# Picking another batch than planned: not when the order asks for a batch,
# and only what that batch has free.
fresh
initial
printf 'material,batch,qty\nF29,F29-B2,40\n' | cs-order -f fillup -c 100001 >"$T/o1.csv"
cs-order -f fillup -c 100002 F29:10 | cs-deliver >"$T/d2.csv"
is "$(col batch <"$T/d2.csv")" F29-B1 "F29-B2 is claimed in full: 10 F29 planned from F29-B1"
sed 's/F29-B1/F29-B2/' "$T/d2.csv" | cs-pick >/dev/null 2>"$T/err"
is "$?" 1 "picking them from F29-B2 instead: exit 1"
like "$(cat "$T/err")" "item 10: batch F29-B2 has 0 free" "... F29-B2 has nothing free"
cs-deliver <"$T/o1.csv" | sed 's/F29-B2/F29-B1/' | cs-pick >/dev/null 2>"$T/err"
is "$?" 1 "picking the F29-B2 order from F29-B1: exit 1"
like "$(cat "$T/err")" "item 10: order 1000000 asks for batch F29-B2" "... the order's batch holds"

# A short pick of an order that names its serials: the rest is delivered
# later with the serials still to come.
fresh
initial
printf 'material,serials,qty\nH20,H20-0005 H20-0006 H20-0007,3\n' |
    cs-order -f fillup -c 100001 | cs-deliver >"$T/d.csv"
awk -F, -v OFS=, 'NR == 1 { print $0 ",picked"; next } { print $0 ",1" }' "$T/d.csv" |
    sed 's/H20-0005 H20-0006 H20-0007/H20-0005/' | cs-pick | cs-issue >/dev/null
is "$(place H20 H20-0005)" "consignment,100001" "H20-0005, the one piece picked, is at the customer"
cs-deliver --due | cs-pick | cs-issue >"$T/i.csv" 2>"$T/err"
is "$?" 0 "the rest of the order is delivered later: exit 0"
is "$(col serials qty <"$T/i.csv")" "H20-0006 H20-0007,2" "... with H20-0006 and H20-0007"
is "$(stock consignment H20 100001)" 3 "all 3 H20 at the customer"

# An order may not name a serial picked for another delivery.
cs-order -f fillup -c 100002 H20:1 | cs-deliver | cs-pick >"$T/p1.csv"
s1=$(col serials <"$T/p1.csv")
printf 'material,serials,qty\nH20,%s,1\n' "$s1" | cs-order -f fillup -c 100003 >/dev/null 2>"$T/err"
is "$?" 1 "an order naming $s1, picked for another delivery: exit 1"
like "$(cat "$T/err")" "serial $s1 is picked for delivery 8000000[0-9]" "... and why"
cs-issue <"$T/p1.csv" >/dev/null

# Batch determination leaves serials named by other orders alone.
printf 'material,serials,qty\nF126,F126-0046 F126-0047 F126-0048 F126-0049 F126-0050,5\n' |
    cs-order -f fillup -c 100001 >/dev/null
cs-order -f fillup -c 100002 F126:50 | cs-deliver >"$T/d.csv"
is "$(col batch qty <"$T/d.csv" | paste -sd' ' -)" "F126-B1,45 F126-B2,5" \
    "50 F126 besides an order naming 5 of F126-B1: 45 of F126-B1, 5 of F126-B2"
cs-pick <"$T/d.csv" | cs-issue >/dev/null
is "$?" 0 "... and it can be picked and posted"

# A return is credited at the price its serial was invoiced at.
fresh
initial
cs-order --date 2026-05-01 -f fillup -c 100001 H20:2 | cs-deliver --date 2026-05-01 |
    cs-pick | cs-issue --date 2026-05-01 >/dev/null
printf 'material,serials,qty\nH20,H20-0001,1\n' | cs-order --date 2026-06-01 -f issue -c 100001 >/dev/null
sed 's/^H20,100001,229.50,EUR,2020-01-01,2099-12-31$/H20,100001,229.50,EUR,2020-01-01,2026-06-30\
H20,100001,199.00,EUR,2026-07-01,2099-12-31/' "$CS_DIR/prices.csv" >"$T/p" &&
    cp "$T/p" "$CS_DIR/prices.csv"
printf 'material,serials,qty\nH20,H20-0002,1\n' | cs-order --date 2026-07-01 -f issue -c 100001 >/dev/null
cs-deliver --due --date 2026-07-02 | cs-pick | cs-issue | cs-bill --date 2026-07-02 >"$T/b.csv"
is "$(col serials price <"$T/b.csv" | paste -sd' ' -)" "H20-0001,229.50 H20-0002,199.00" \
    "one invoice: H20-0001 at 229.50, H20-0002 at 199.00"
printf 'material,serials,qty\nH20,H20-0002,1\n' |
    cs-order --date 2026-07-10 -f return -c 100001 >"$T/r.csv"
is "$(col price <"$T/r.csv")" 199.00 "the return of H20-0002 is credited at its invoice price 199.00"

# Input that would be read wrong is refused: a NUL byte, a column twice.
printf 'customer,material,qty,po\n100001,H11\000X,1,N1\n' | cs-order -f fillup >/dev/null 2>"$T/err"
is "$?" 2 "a NUL byte in a field: exit 2"
like "$(cat "$T/err")" "input line 2: NUL byte in field 2" "... naming line and field"
printf 'customer,material,qty,qty\n100001,H11,1,5\n' | cs-order -f fillup >/dev/null 2>"$T/err"
is "$?" 2 "a column named twice: exit 2"
like "$(cat "$T/err")" "column 'qty' appears twice" "... and which"

# JSON output stays valid whatever bytes pass through.
printf 'note,customer,material,qty\n\377\376 x,100001,H11,1\n' | cs-order -f fillup -o json >"$T/j"
like "$(cat "$T/j")" '^\{"note":"\\ufffd\\ufffd x",' "bytes that are not UTF-8 are written as U+FFFD"
printf 'note,customer,material,qty\n\355\240\200,100001,H11,1\n' | cs-order -f fillup -o json >"$T/j"
like "$(cat "$T/j")" '^\{"note":"\\ufffd\\ufffd\\ufffd",' "an encoded surrogate is not UTF-8 either"
printf 'customer,material,batch,qty,qty\n100001,H11,,1,2\n' | cs-stock --count - >"$T/out" 2>"$T/err"
is "$?:$(wc -c <"$T/out" | tr -d ' ')" "2:0" "a count with a column named twice: exit 2, nothing written"

# Many orders of one customer in a row make deliveries of at most 1000.
printf 'material,plant,sloc,batch,serials,qty\nH21,1000,1040,,,100000\n' | cs-issue --initial >/dev/null
awk 'BEGIN { print "customer,material,qty,po"
    for (i = 0; i < 2500; i++) printf "100001,H21,1,M%d\n", i }' >"$T/many.csv"
cs-order -f fillup "$T/many.csv" | cs-deliver >"$T/d.csv"
is "$?" 0 "2500 orders of one customer through cs-deliver: exit 0"
is "$(col delivery <"$T/d.csv" | sort | uniq -c |
    awk '$1 > m { m = $1 } END { print (m <= 1000 && m > 0) ? "yes" : m }')" \
    yes "... deliveries of at most 1000 orders (how many depends on how the rows arrive)"
is "$(sed 1d "$T/d.csv" | wc -l | tr -d ' ')" 2500 "... all 2500 delivered"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check passes"
done_testing
