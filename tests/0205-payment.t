#!/bin/sh
# Incoming payments against consignment invoices: open items with due
# dates and days overdue, partial, full and over-payment, a payment that
# names its invoice, rejected payments, and the payment's accounting.
. "$(dirname "$0")/lib.sh"

# issue DATE CUSTOMER PO MATERIAL:QTY...: an issue from order to goods
# issue on DATE; prints nothing.
issue() {
	d=$1 c=$2 po=$3
	shift 3
	for mq in "$@"; do
		printf '%s,%s,%s,%s\n' "$c" "${mq%%:*}" "${mq#*:}" "$po"
	done | { echo customer,material,qty,po; cat; } |
	    cs-order --date "$d" -f issue | cs-deliver --date "$d" |
	    cs-pick --date "$d" | cs-issue --date "$d" >/dev/null
}
# pay ROWS: payment rows (without header) into cs-pay.
pay() {
	{ echo customer,amount,currency,date,ref,document; printf '%s\n' "$@"; } |
	    cs-pay >"$T/pay.csv" 2>"$T/err"
	echo $? >"$T/rc"
}
openitems() { cs-pay --open --date "$@" | sed 1d; }
acc() {
	awk -F'\t' -v t="$1" -v r="$2" '$1 == "A" && $10 == t && $11 == r {
		print $5, $6, $7, $9 }' "$CS_DIR/journal" | sort | tr '\n' ';'
}

fresh
cs-issue --initial --date 2024-01-02 "$CS_DIR/initial-stock.csv" >/dev/null
cs-order --date 2024-03-01 -f fillup -c 100001 H20:5 H11:10 F29:10 |
    cs-deliver --date 2024-03-01 | cs-pick --date 2024-03-01 |
    cs-issue --date 2024-03-01 >/dev/null
cs-order --date 2024-03-01 -f fillup -c 100002 H11:5 |
    cs-deliver --date 2024-03-01 | cs-pick --date 2024-03-01 |
    cs-issue --date 2024-03-01 >/dev/null

is "$(openitems 2024-03-01 | wc -l | tr -d ' ')" 0 \
    "fill-ups leave no open item"

# Three invoices: 100001 on 2024-03-06 and 2024-03-11, 100002 on 2024-03-11.
issue 2024-03-05 100001 REP-1 H11:2 H20:1
b1=$(cs-bill --date 2024-03-06 --due | col billing | sort -u)
issue 2024-03-10 100001 REP-2 F29:4
b2=$(cs-bill --date 2024-03-11 --due | col billing | sort -u)
issue 2024-03-10 100002 REP-3 H11:3
b3=$(cs-bill --date 2024-03-11 --due | col billing | sort -u)
is "$b1 $b2 $b3" "90000000 90000001 90000002" "three invoices"

is "$(cs-pay --open --date 2024-04-15 | head -1)" \
    "customer,document,date,due,amount,open,currency,days_overdue" \
    "cs-pay --open columns"
# 2 x 12.35 = 24.70 + 4.69; 229.50 + 43.61: 302.50.  4 x 18.75 = 75.00
# + 14.25: 89.25.  100002 (7%, 14 days): 3 x 12.35 = 37.05 + 2.59: 39.64.
is "$(openitems 2024-04-15)" \
    "100001,$b1,2024-03-06,2024-04-05,302.50,302.50,EUR,10
100001,$b2,2024-03-11,2024-04-10,89.25,89.25,EUR,5
100002,$b3,2024-03-11,2024-03-25,39.64,39.64,EUR,21" \
    "open items: due = billing date + terms (30 or 14 days), days overdue at 2024-04-15"
is "$(cs-pay --open --date 2024-04-05 | col document days_overdue | tr '\n' ' ')" \
    "$b1,0 $b2,0 $b3,11 " \
    "at 2024-04-05: not overdue on the due date, 100002 11 days"
is "$(cs-pay --open -c 100002 --date 2024-04-15 | col customer document open)" \
    "100002,$b3,39.64" "-c 100002 lists only 100002's invoice"
is "$(cs-pay --open -c 100003 --date 2024-04-15 | sed 1d | wc -l | tr -d ' ')" 0 \
    "-c 100003 (no invoices): no open item"

# A partial payment clears the oldest invoice in part.
pay "100001,100.00,EUR,2024-04-16,PAY-1,"
is "$(cat "$T/rc")" 0 "partial payment: exit 0"
is "$(head -1 "$T/pay.csv")" \
    "customer,amount,currency,date,ref,document,payment,cleared,on_account" \
    "cs-pay adds payment, cleared and on_account"
p1=$(col payment <"$T/pay.csv")
is "$(col cleared on_account <"$T/pay.csv")" "$b1:100.00,0.00" \
    "100.00 cleared from the oldest invoice $b1, nothing on account"
like "$p1" "^1000000[0-9][0-9]$" "payment is an accounting document number"
is "$(acc payment PAY-1)" "bank D 100.00 ;receivable C 100.00 100001;" \
    "payment accounting: Dr bank 100.00, Cr receivable 100.00 of 100001"
is "$(awk -F'\t' -v p="$p1" '$1 == "A" && $2 == p { n++ } END { print n }' \
    "$CS_DIR/journal")" 2 "the A records of PAY-1 carry number $p1"
is "$(cs-pay --open --date 2024-04-16 | col document open)" "$b1,202.50
$b2,89.25
$b3,39.64" "the rest of $b1 stays open: 302.50 - 100.00 = 202.50"

# A payment naming the younger invoice clears that one first.
pay "100001,89.25,EUR,2024-04-17,PAY-2,$b2"
is "$(cat "$T/rc")" 0 "payment naming $b2: exit 0"
is "$(col cleared on_account <"$T/pay.csv")" "$b2:89.25,0.00" \
    "it clears $b2 (not the older $b1)"
is "$(cs-pay --open -c 100001 --date 2024-04-17 | col document open)" \
    "$b1,202.50" "$b2 is no longer open, $b1 still 202.50"

# A full payment clears the rest.
pay "100001,202.50,EUR,2024-04-18,PAY-3,"
is "$(col cleared on_account <"$T/pay.csv")" "$b1:202.50,0.00" \
    "202.50 clears $b1 exactly"
is "$(cs-pay --open -c 100001 --date 2024-04-18 | sed 1d | wc -l | tr -d ' ')" 0 \
    "100001 has no open item left"

# An overpayment stays on account as a credit.
pay "100002,50.00,EUR,2024-04-18,PAY-4,"
is "$(cat "$T/rc")" 0 "overpayment: exit 0"
p4=$(col payment <"$T/pay.csv")
is "$(col cleared on_account <"$T/pay.csv")" "$b3:39.64,10.36" \
    "50.00 clears $b3 (39.64) and leaves 10.36 on account"
is "$(openitems 2024-04-20)" "100002,$p4,2024-04-18,2024-04-18,-50.00,-10.36,EUR,0" \
    "the credit is an open item of exactly -10.36"

# Rejected payments: wrong currency, unknown customer; the good row goes on.
before=$(digest)
pay "100001,10.00,USD,2024-04-19,PAY-5,"
is "$(cat "$T/rc")" 1 "payment in USD from a EUR customer: exit 1"
like "$(cat "$T/err")" "input line 2: .*'USD'.*EUR" \
    "the message names the line, USD and EUR"
is "$(sed 1d "$T/pay.csv" | wc -l | tr -d ' ')" 0 "no payment row written"
is "$(digest)" "$before" "data directory byte-identical"
pay "999999,10.00,EUR,2024-04-19,PAY-6,"
is "$(cat "$T/rc")" 1 "payment from an unknown customer: exit 1"
like "$(cat "$T/err")" "input line 2: .*unknown customer '999999'" \
    "the message names the line and customer 999999"
is "$(digest)" "$before" "data directory byte-identical"
pay "100001,10.00,GBP,2024-04-19,PAY-7," "100002,5.00,EUR,2024-04-19,PAY-8,"
is "$(cat "$T/rc")" 1 "a bad and a good payment: exit 1"
like "$(cat "$T/err")" "input line 2: .*'GBP'" "line 2 (GBP) is named"
is "$(col ref cleared on_account <"$T/pay.csv")" "PAY-8,,5.00" \
    "the good payment goes on: all 5.00 on account"
is "$(cs-pay --open -c 100002 --date 2024-04-20 | col open | tr '\n' ' ')" \
    "-10.36 -5.00 " "100002's credits: -10.36 and -5.00"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
