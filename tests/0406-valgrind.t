#!/bin/sh
# Every tool under valgrind's memcheck through one whole scenario: initial
# entry, fill-up, a count issued and invoiced, its payment, a pickup, a
# return released and credited, a rejected order, the reports.  Each run
# must exit with its normal status: valgrind's 99 means an invalid read or
# write, a use of uninitialised memory, or a definite or indirect leak.
#
# Skipped when valgrind is missing, when CS_VALGRIND is 0, and for tools
# built with AddressSanitizer (which cannot run under valgrind): CS_BIN
# under build/san, or tools linked with libasan.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $1"; exit 0; }
[ "${CS_VALGRIND:-1}" = 0 ] && skip_all "CS_VALGRIND=0"
command -v valgrind >/dev/null 2>&1 || skip_all "valgrind not installed"
case ${CS_BIN:-} in
*/build/san/*|*/build/san) skip_all "sanitizer build" ;;
esac
if ldd "$(command -v cs-order)" 2>/dev/null | grep -q 'lib[a-z]*san'; then
	skip_all "tools built with a sanitizer runtime"
fi

# vg WANT TOOL ARG...: run TOOL under memcheck and note "TOOL status want"
# in $T/status; its report goes to $T/vg.PID.
vg() {
	want=$1
	shift
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    --log-file="$T/vg.%p" "$@"
	rc=$?
	echo "$1 $rc $want" >>"$T/status"
	return $rc
}

# statuses STEP: one TAP line for every tool run since the last call: its
# status is the one wanted (never 99); a failure shows valgrind's report.
statuses() {
	while read -r tool got want; do
		if [ "$got" = "$want" ]; then
			pass "$1: $tool exits $want under valgrind"
		else
			fail "$1: $tool exits $want under valgrind"
			printf '#   got: %s\n#  want: %s\n' "$got" "$want"
			cat "$T"/vg.* 2>/dev/null | sed 's/^/# /'
		fi
	done <"$T/status"
	: >"$T/status"
	rm -f "$T"/vg.*
}

fresh
: >"$T/status"

vg 0 cs-issue --initial "$CS_DIR/initial-stock.csv" >/dev/null
statuses "initial entry"

vg 0 cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 |
    vg 0 cs-deliver | vg 0 cs-pick | vg 0 cs-issue >"$T/fill.csv"
statuses "fill-up"
is "$(col material qty mvt <"$T/fill.csv" | sort | tr '\n' ' ')" \
    "F126,10,631 H11,10,631 H20,5,631 " \
    "fill-up: 10 F126, 10 H11, 5 H20 into consignment (631)"

# The count: 3 F126, 2 H11 and 1 H20 were used.
cat >"$T/count.csv" <<'EOF'
customer,material,batch,qty
100001,F126,F126-B1,7
100001,H11,,8
100001,H20,,4
EOF
vg 0 cs-stock --count "$T/count.csv" --po COUNT-1 | vg 0 cs-order -f issue |
    vg 0 cs-deliver | vg 0 cs-pick | vg 0 cs-issue | vg 0 cs-bill >"$T/bill.csv"
statuses "count -> issue -> bill"
is "$(col material qty billing_type net <"$T/bill.csv" | sort | tr '\n' ' ')" \
    "F126,3,F2,418.50 H11,2,F2,24.70 H20,1,F2,229.50 " \
    "invoice: 3 F126 418.50, 2 H11 24.70, 1 H20 229.50"
inv=$(col billing <"$T/bill.csv" | sort -u)
sold=$(col material serials <"$T/bill.csv" | awk -F, '$1 == "H20" { print $2 }')
gross=$(col gross <"$T/bill.csv" | awk '{ s += sprintf("%.0f", $1 * 100) }
    END { printf "%d.%02d\n", int(s / 100), s % 100 }')

printf 'customer,amount,currency,date,ref\n100001,%s,EUR,2026-12-20,BANK-1\n' \
    "$gross" | vg 0 cs-pay >"$T/pay.csv"
vg 0 cs-pay --open -o table >"$T/open.txt"
statuses "payment"
is "$(col cleared on_account <"$T/pay.csv")" "$inv:$gross,0.00" \
    "the payment of $gross clears invoice $inv"

vg 0 cs-order -f pickup -c 100001 F126:2 | vg 0 cs-deliver | vg 0 cs-pick |
    vg 0 cs-issue >/dev/null
statuses "pickup"

printf 'customer,material,qty,serials\n100001,H20,1,%s\n' "$sold" |
    vg 0 cs-order -f return | vg 0 cs-deliver | vg 0 cs-pick |
    vg 0 cs-issue >"$T/ret.csv"
ord=$(col order <"$T/ret.csv" | sort -u)
vg 0 cs-order --release "$ord" >/dev/null
vg 0 cs-bill --due >"$T/credit.csv"
credit=$(col billing <"$T/credit.csv" | sort -u)
vg 0 cs-bill --release "$credit" >/dev/null
statuses "return -> credit memo"
is "$(col billing_type material serials net <"$T/credit.csv")" \
    "RE,H20,$sold,229.50" "credit memo RE for the returned $sold, 229.50"

# A rejected order: exit 1, still no error and no leak.
vg 1 cs-order -f fillup -c 100001 H11:1000 >/dev/null 2>"$T/err"
statuses "rejected order"
like "$(cat "$T/err")" "H11: 1000 requested" "the rejection names H11"

vg 0 cs-stock -o table >"$T/stock.txt"
vg 0 cs-stock -s -o json >/dev/null
vg 0 cs-stock --check >"$T/check.txt"
statuses "reports"
is "$(stock consignment F126 100001)" 5 "F126 at 100001: 10 - 3 sold - 2 picked up"
is "$(stock consignment H20 100001)" 5 "H20 at 100001: 5 - 1 sold + 1 returned"
is "$(cat "$T/check.txt")" "" "cs-stock --check finds no violation"
done_testing
