#!/bin/sh
# Return (KR) rejections: more than was sold to the customer (per
# material and batch), serials never sold to that customer, and a second
# return of what came back already.  Each leaves the data directory
# byte-identical.
. "$(dirname "$0")/lib.sh"

rows() { awk 'NR > 1' | grep -c .; }

# ret LINE...: cs-order -f return on request rows
# customer,material,qty,batch,serials.
ret() {
	printf 'customer,material,qty,batch,serials\n' >"$T/req"
	for l; do printf '%s\n' "$l" >>"$T/req"; done
	run cs-order -f return <"$T/req"
}

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
printf 'customer,material,qty,serials\n%s\n%s\n%s\n' \
    '100001,H20,2,H20-0001 H20-0002' '100001,F126,2,F126-0001 F126-0002' \
    '100001,H11,3,' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null
# H20-0006 is sold to another customer.
cs-order -f fillup -c 100002 H20:1 | cs-deliver | cs-pick | cs-issue >/dev/null
printf 'customer,material,qty,serials\n100002,H20,1,H20-0006\n' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >/dev/null
is "$(place H20 H20-0006)" "sold,100002" "H20-0006 is sold to 100002"
is "$(place H20 H20-0002)" "sold,100001" "H20-0002 is sold to 100001"

d0=$(digest)

# --- more than was sold ---
ret '100001,H20,3,,'
is "$rc" 1 "return of 3 H20, 2 sold: exit 1"
like "$err" "input line 2.*H20: 3 requested, 2 available" "message gives what was sold"
is "$(printf '%s\n' "$out" | rows)" 0 "no order row"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,H11,4,,'
is "$rc" 1 "return of 4 H11, 3 sold: exit 1"
like "$err" "H11: 4 requested, 3 available" "message for H11"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,F126,3,F126-B1,'
is "$rc" 1 "return of 3 F126-B1, 2 sold: exit 1"
like "$err" "F126 batch F126-B1: 3 requested, 2 available" "message for F126-B1"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,F126,1,F126-B2,'
is "$rc" 1 "return of batch F126-B2, none of it sold: exit 1"
like "$err" "F126 batch F126-B2: 1 requested, 0 available" "message for F126-B2"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100002,H20,2,,'
is "$rc" 1 "return of 2 H20 by 100002, 1 sold to it: exit 1"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,H20,1,,H20-0001' '100001,H20,2,,'
is "$rc" 1 "two items of 1 and 2 H20, 2 sold: exit 1"
like "$err" "input line 3" "the second item is the one rejected"
is "$(digest)" "$d0" "data directory byte-identical"

# --- serials never sold to that customer ---
ret '100001,H20,1,,H20-0003'
is "$rc" 1 "return of H20-0003, in consignment at 100001: exit 1"
like "$err" "H20-0003" "message names H20-0003"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,H20,1,,H20-0050'
is "$rc" 1 "return of H20-0050, in own stock, sold to nobody: exit 1"
like "$err" "H20-0050" "message names H20-0050"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,H20,1,,H20-0006'
is "$rc" 1 "return of H20-0006, sold to 100002: exit 1"
like "$err" "H20-0006" "message names H20-0006"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,F126,1,F126-B1,F126-0005'
is "$rc" 1 "return of F126-0005, in consignment: exit 1"
like "$err" "F126-0005" "message names F126-0005"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,F126,1,F126-B2,F126-0001'
is "$rc" 1 "return of sold F126-0001 under the wrong batch F126-B2: exit 1"
is "$(digest)" "$d0" "data directory byte-identical"

ret '100001,H20,1,,H20-0001' '100001,H20,1,,H20-0003'
is "$rc" 1 "order with one good and one bad serial: exit 1"
is "$(printf '%s\n' "$out" | rows)" 0 "no item of that order is written"
is "$(digest)" "$d0" "data directory byte-identical"

# --- no over-return ---
ret '100001,H20,1,,H20-0001'
is "$rc" 0 "return of sold H20-0001 accepted"
printf '%s\n' "$out" | cs-deliver | cs-pick | cs-issue >"$T/gr"
is "$(col mvt serials <"$T/gr")" "634,H20-0001" "return posted"
is "$(place H20 H20-0001)" "consignment,100001" "H20-0001 back at 100001"

d1=$(digest)
ret '100001,H20,1,,H20-0001'
is "$rc" 1 "second return of H20-0001: exit 1"
like "$err" "H20-0001" "message names H20-0001"
is "$(digest)" "$d1" "data directory byte-identical"

ret '100001,H20,2,,'
is "$rc" 1 "return of 2 H20, 1 left sold: exit 1"
like "$err" "H20: 2 requested, 1 available" "message gives what is left"
is "$(digest)" "$d1" "data directory byte-identical"

# An open return order claims what it returns.
ret '100001,H20,1,,H20-0002'
is "$rc" 0 "return order for H20-0002 accepted"
d2=$(digest)
ret '100001,H20,1,,'
is "$rc" 1 "another return of 1 H20 while H20-0002's is open: exit 1"
like "$err" "H20: 1 requested, 0 available" "nothing left to return"
is "$(digest)" "$d2" "data directory byte-identical"
ret '100001,H20,1,,H20-0002'
is "$rc" 1 "a second open return order for H20-0002: exit 1"
is "$(digest)" "$d2" "data directory byte-identical"

# Two F126 are sold: an open return order for F126-0001 leaves one piece
# to return, but not F126-0001 again.
ret '100001,F126,1,F126-B1,F126-0001'
is "$rc" 0 "return order for F126-0001 accepted"
d3=$(digest)
ret '100001,F126,1,F126-B1,F126-0001'
is "$rc" 1 "a second open return order for F126-0001: exit 1"
like "$err" "F126-0001" "message names F126-0001"
is "$(digest)" "$d3" "data directory byte-identical"
ret '100001,F126,1,F126-B1,F126-0002'
is "$rc" 0 "a return order for the other sold piece F126-0002 is accepted"

run cs-stock --check
is "$rc" 0 "cs-stock --check passes"
is "$(stock consignment H20 100001)" 4 "consignment H20 at 100001: 3 + 1 returned"
# A return of a serial material names the units that come back.
before=$(digest)
printf 'customer,material,qty\n100002,H20,1\n' | cs-order -f return >/dev/null 2>"$T/err"
is "$?" 1 "a return of H20 (1 sold to 100002) without serials: exit 1"
like "$(cat "$T/err")" "H20: a return of a serial material names its serials" "... and why"
is "$(digest)" "$before" "... data directory byte-identical"
done_testing
