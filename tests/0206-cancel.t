#!/bin/sh
# Cancelling an invoice (VF11): its accounting is reversed, its delivery
# is due for billing again, it leaves the open items, the goods stay sold;
# billing again gives a new invoice with the same amounts; a second
# cancellation is an error.
. "$(dirname "$0")/lib.sh"

# net BILLING...: "account D-C" summed over the A records of the billing
# documents, one account a line.
net() {
	awk -F'\t' -v list=" $* " '$1 == "A" && $10 == "billing" &&
	    index(list, " " $11 " ") {
		split($7, a, "."); c = a[1] * 100 + (a[1] < 0 ? -1 : 1) * a[2]
		s[$5] += ($6 == "D" ? c : -c) }
	END { for (k in s) printf "%s %d\n", k, s[k] }' "$CS_DIR/journal" | sort
}

fresh
initial
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 F29:10 | cs-deliver |
    cs-pick | cs-issue >/dev/null
cat >"$T/report.csv" <<'EOF'
customer,material,qty,batch,serials,po
100001,F29,3,F29-B2,,CANCEL-1
100001,F126,2,F126-B1,F126-0003 F126-0007,CANCEL-1
100001,H20,1,,H20-0003,CANCEL-1
100001,H11,1,,,CANCEL-1
EOF
cs-order -f issue "$T/report.csv" | cs-deliver | cs-pick | cs-issue |
    cs-bill --date 2024-05-02 >"$T/bill1.csv"
b1=$(col billing <"$T/bill1.csv" | sort -u)
dl=$(col delivery <"$T/bill1.csv" | sort -u)
is "$b1" 90000000 "invoice 90000000"
is "$(col material net tax gross <"$T/bill1.csv" | tr '\n' ' ')" \
    "F29,56.25,10.69,66.94 F126,279.00,53.01,332.01 H20,229.50,43.61,273.11 H11,12.35,2.35,14.70 " \
    "invoice items before the cancellation"
is "$(cs-pay --open --date 2024-05-02 | col document open)" "$b1,686.76" \
    "invoice open with 686.76"
is "$(net "$b1")" "output-tax -10966
receivable 68676
revenue -57710" "invoice accounting: receivable 686.76 D, revenue 577.10 C, tax 109.66 C"
is "$(cs-bill --due | sed 1d | wc -l | tr -d ' ')" 0 "nothing due while billed"

# Cancel.
cs-bill --cancel --date 2024-05-03 "$b1" >"$T/cancel.csv" 2>"$T/err"
is "$?" 0 "cs-bill --cancel $b1: exit 0"
is "$(col billing billing_type customer gross currency <"$T/cancel.csv")" \
    "$b1,F2,100001,686.76,EUR" "the cancellation row names the invoice and its gross"
is "$(grep -c "^FC	$b1	" "$CS_DIR/journal")" 1 "one cancellation record"
is "$(cs-pay --open --date 2024-05-03 | sed 1d | wc -l | tr -d ' ')" 0 \
    "the cancelled invoice is gone from cs-pay --open"
is "$(net "$b1")" "output-tax 0
receivable 0
revenue 0" "invoice and cancellation net to zero per account"
is "$(awk -F'\t' -v b="$b1" '$1 == "A" && $10 == "billing" && $11 == b &&
    $4 == "2024-05-03" { print $5, $6, $7 }' "$CS_DIR/journal" | sort |
    tr '\n' ';')" \
    "output-tax D 109.66;receivable C 686.76;revenue D 577.10;" \
    "the cancellation posts on 2024-05-03: Cr receivable, Dr revenue and tax"
is "$(place H20 H20-0003)" "sold,100001" "the goods stay sold: H20-0003"
is "$(stock consignment H11 100001)" 9 "consignment stock unchanged: H11 9"
is "$(stock consignment F126 100001)" 8 "consignment stock unchanged: F126 8"

# Cancel again: nothing to do, and it says so (a re-run is no error).
before=$(digest)
cs-bill --cancel "$b1" >"$T/out.csv" 2>"$T/err"
is "$?" 0 "cancelling $b1 again: exit 0"
like "$(cat "$T/err")" "$b1.*cancelled already" "the message says cancelled already"
is "$(col billing <"$T/out.csv")" "$b1" "the billing document passes through"
is "$(digest)" "$before" "data directory byte-identical"

# The delivery is due again; billing it gives a new invoice, same amounts.
cs-bill --due --date 2024-05-04 >"$T/bill2.csv" 2>"$T/err"
is "$?" 0 "cs-bill --due after the cancellation: exit 0"
b2=$(col billing <"$T/bill2.csv" | sort -u)
is "$b2" 90000001 "a new invoice 90000001"
is "$(col delivery <"$T/bill2.csv" | sort -u)" "$dl" \
    "it bills the reopened delivery $dl"
is "$(col billing_item delivery price net tax gross billing_type <"$T/bill2.csv" | sort)" \
    "$(col billing_item delivery price net tax gross billing_type <"$T/bill1.csv" | sort)" \
    "the new invoice has the same items, prices and amounts"
is "$(net "$b2")" "output-tax -10966
receivable 68676
revenue -57710" "new invoice accounting: receivable 686.76, revenue 577.10, tax 109.66"
is "$(cs-pay --open --date 2024-05-04 | col document date due open)" \
    "$b2,2024-05-04,2024-06-03,686.76" "only the new invoice is open"
is "$(cs-bill --due | sed 1d | wc -l | tr -d ' ')" 0 "nothing due any more"

# The new invoice can be cancelled and billed once more.
cs-bill --cancel --date 2024-05-05 "$b2" >/dev/null 2>&1
is "$?" 0 "cancelling $b2: exit 0"
b3=$(cs-bill --due --date 2024-05-06 | col billing | sort -u)
is "$b3" 90000002 "billed a third time: 90000002"
is "$(net "$b1" "$b2")" "output-tax 0
receivable 0
revenue 0" "both cancelled invoices net to zero"
is "$(cs-pay --open | col document open)" "$b3,686.76" "only $b3 is open"

# Cancellation from a stream: the billing rows of cs-bill.
printf 'billing\n%s\n%s\n' "$b3" "$b3" | cs-bill --cancel >"$T/out.csv" 2>"$T/err"
is "$?" 0 "cs-bill --cancel from a stream naming $b3 twice: exit 0"
is "$(col billing <"$T/out.csv")" "$b3" "cancelled once"
is "$(grep -c "^FC	$b3	" "$CS_DIR/journal")" 1 "one cancellation record for $b3"

# A paid invoice is not cancelled.
b4=$(cs-bill --due --date 2024-05-07 | col billing | sort -u)
printf 'customer,amount,currency,date,ref\n100001,686.76,EUR,2024-05-08,PAY-1\n' |
    cs-pay >/dev/null
before=$(digest)
cs-bill --cancel "$b4" >/dev/null 2>"$T/err"
is "$?" 1 "cancelling the paid invoice $b4: exit 1"
like "$(cat "$T/err")" "$b4" "the message names $b4"
is "$(digest)" "$before" "data directory byte-identical"

# Unknown billing document.
cs-bill --cancel 90000999 >/dev/null 2>"$T/err"
is "$?" 1 "cancelling an unknown billing document: exit 1"
like "$(cat "$T/err")" "no billing document 90000999" "the message names it"

chk=$(cs-stock --check)
is "$?" 0 "cs-stock --check: exit 0"
is "$chk" "" "cs-stock --check prints nothing: every invariant holds"
done_testing
