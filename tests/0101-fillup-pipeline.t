#!/bin/sh
# Fill-up (KB, 631) through real pipelines: batch and serial determination,
# batch splits, pass-through of foreign columns, and the cs-stock report in
# its three formats.
. "$(dirname "$0")/lib.sh"

fresh
initial

# --- F126: batch and serials, F126-B1 expires first -------------------
out=$(cs-order -f fillup -c 100001 F126:10 | cs-deliver | cs-pick | cs-issue)
is "$?" 0 "fill-up pipeline of 10 F126 exits 0"
is "$(stock own F126)" 90 "F126: 90 left in own stock"
is "$(stock consignment F126 100001)" 10 "F126: 10 in consignment at 100001"
is "$(stock consignment F126 100001 F126-B1)" 10 \
    "F126: all 10 from F126-B1, which expires first"
is "$(stock own F126 '' F126-B1)" 40 "F126-B1: 40 left in own stock"
is "$(stock own F126 '' F126-B2)" 50 "F126-B2: untouched, 50 in own stock"
is "$(place F126 F126-0001)" "consignment,100001" "F126-0001 at customer 100001"
is "$(place F126 F126-0010)" "consignment,100001" "F126-0010 at customer 100001"
is "$(place F126 F126-0011)" "own," "F126-0011 still in own stock"
is "$(cs-stock -s -m F126 | awk -F, '$4 == "consignment"' | wc -l | tr -d ' ')" \
    10 "exactly 10 F126 serials in consignment"
is "$(printf '%s\n' "$out" | col mvt batch qty picked)" "631,F126-B1,10,10" \
    "issued row: 631, batch F126-B1, qty 10 picked 10"
is "$(printf '%s\n' "$out" | col serials)" \
    "F126-0001 F126-0002 F126-0003 F126-0004 F126-0005 F126-0006 F126-0007 F126-0008 F126-0009 F126-0010" \
    "issued row lists the 10 serials shipped"
is "$(printf '%s\n' "$out" | col order delivery matdoc)" \
    "1000000,80000000,4900000008" \
    "first order, delivery and material document after the 8 initial entries"

# --- H20 (serials, no batch) and F29 (batch, F29-B2 expires first) -----
out=$(cs-order -f fillup -c 100001 H20:5 F29:50 | cs-deliver | cs-pick | cs-issue)
is "$?" 0 "fill-up pipeline of H20 and F29 exits 0"
is "$(stock consignment H20 100001)" 5 "H20: 5 in consignment at 100001"
is "$(stock own H20)" 95 "H20: 95 left in own stock"
is "$(place H20 H20-0001)" "consignment,100001" "H20-0001 at customer 100001"
is "$(place H20 H20-0005)" "consignment,100001" "H20-0005 at customer 100001"
is "$(place H20 H20-0006)" "own," "H20-0006 still in own stock"
is "$(printf '%s\n' "$out" | awk -F, 'NR > 1 && $1 == "H20"' | col batch)" "" \
    "H20 row carries no batch"
is "$(printf '%s\n' "$out" | col material batch qty | grep '^F29,' | sort)" \
    "F29,F29-B1,10
F29,F29-B2,40" \
    "F29 item of 50 split: all 40 of F29-B2 (expires first), 10 of F29-B1"
is "$(printf '%s\n' "$out" | col material delivery_item | grep '^F29,' |
    sort -u | wc -l | tr -d ' ')" 2 "the F29 split gives two delivery items"
is "$(printf '%s\n' "$out" | col material order_item | grep '^F29,' | sort -u)" \
    "F29,20" "both delivery items belong to order item 20"
is "$(stock consignment F29 100001 F29-B2)" 40 "F29-B2: 40 at the customer"
is "$(stock consignment F29 100001 F29-B1)" 10 "F29-B1: 10 at the customer"
is "$(stock own F29 '' F29-B1)" 50 "F29-B1: 50 left in own stock"
is "$(stock own F29 '' F29-B2)" 0 "F29-B2: none left in own stock"

# --- request rows with foreign columns pass through unchanged ------------
cat >"$T/req.csv" <<'EOF'
note,material,qty,customer,ref
"  a, b",H11,3,100001,仁济
"  leading",H21,2,100001,r2
  plain ,H22,1,100001,"x ""y"""
EOF
cs-order -f fillup "$T/req.csv" >"$T/o.csv"
is "$?" 0 "cs-order on a request file with foreign columns exits 0"
cs-deliver <"$T/o.csv" >"$T/d.csv"
cs-pick <"$T/d.csv" >"$T/p.csv"
cs-issue <"$T/p.csv" >"$T/i.csv"
is "$?" 0 "the rest of the pipeline exits 0"
is "$(head -1 "$T/i.csv" | cut -d, -f1-5)" "note,material,qty,customer,ref" \
    "input columns keep their place at the head of the header"
for s in o d p i; do
	is "$(sed -n '2,4p' "$T/$s.csv" | awk '{ print substr($0, 1, index($0, ",100001,") + 7) }' |
	    sed 's/,100001,$//')" \
	    '"  a, b",H11,3
"  leading",H21,2
"  plain ",H22,1' "stage $s: note column (comma, leading blanks) unchanged"
	is "$(sed -n '2,4p' "$T/$s.csv" | sed 's/^.*,100001,//' | sed 's/,fillup,.*//')" \
	    '仁济
r2
"x ""y"""' "stage $s: trailing ref column unchanged and in place"
done
is "$(stock consignment H11 100001)" 3 "H11 from the request file at the customer"
is "$(stock consignment H22 100001)" 1 "H22 from the request file at the customer"

# Consecutive request rows of one customer, flow and po are one order,
# however the rows arrive on the pipe.
out=$( (printf 'material,qty\nH11,1\n'; sleep 1; printf 'H21,1\n') |
    cs-order -f fillup -c 100001)
is "$(printf '%s\n' "$out" | col order | sort -u | wc -l | tr -d ' ')" 1 \
    "two consecutive rows arriving a second apart form one order"
is "$(printf '%s\n' "$out" | col material order_item)" "H11,10
H21,20" "items 10 and 20 of that order"

# --- cs-stock report ----------------------------------------------------
csv=$(cs-stock)
is "$(printf '%s\n' "$csv" | head -1)" \
    "plant,sloc,material,batch,kind,customer,qty,unit,value,currency" \
    "cs-stock header is the fixed column list"
is "$(printf '%s\n' "$csv" | col material batch kind customer qty value | grep '^F126,')" \
    "F126,F126-B1,own,,40,3476.00
F126,F126-B2,own,,50,4345.00
F126,F126-B1,consignment,100001,10,869.00" \
    "F126 rows: own per batch, consignment at 100001"
is "$(printf '%s\n' "$csv" | col material kind sloc customer | grep '^H20,' | sort)" \
    "H20,consignment,,100001
H20,own,1040," "own stock per sloc, consignment per customer with sloc empty"
# value = qty x standard cost from materials.csv, in cents
bad=$(printf '%s\n' "$csv" | awk -F, '
	NR == FNR { if (FNR > 1) { c = $6; sub(/\./, "", c); cost[$1] = c + 0 }; next }
	FNR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	{ v = $ix["value"]; sub(/\./, "", v)
	  if (v + 0 != $ix["qty"] * cost[$ix["material"]]) print $0 }' \
	"$CS_DIR/materials.csv" -)
is "$bad" "" "every row's value is qty x cost from materials.csv"
is "$(printf '%s\n' "$csv" | col material value | grep -c ',.*\.[0-9][0-9]$')" \
    "$(printf '%s\n' "$csv" | sed 1d | wc -l | tr -d ' ')" "values carry 2 decimals (EUR)"

c=$(cs-stock -c 100001)
is "$(printf '%s\n' "$c" | col kind customer | sort -u)" "consignment,100001" \
    "cs-stock -c 100001 shows only consignment at 100001"
is "$(printf '%s\n' "$c" | col material batch qty | grep '^F' | sort)" \
    "F126,F126-B1,10
F29,F29-B1,10
F29,F29-B2,40" "cs-stock -c 100001: F126 and F29 per batch"
is "$(cs-stock -c 100002 | sed 1d)" "" "no consignment at 100002"

tab=$(cs-stock -o table)
like "$(printf '%s\n' "$tab" | head -1)" \
    '^ *plant +sloc +material +batch +kind +customer +qty +unit +value +currency *$' \
    "-o table: aligned header"
like "$tab" '1000 +F126 +F126-B1 +consignment +100001 +10 +PC +869\.00 +EUR' \
    "-o table: F126 consignment row with 10 and 869.00"
like "$tab" '1000 +1040 +F126 +F126-B2 +own +50 +PC +4345\.00 +EUR' \
    "-o table: F126-B2 own row with 50 and 4345.00"
is "$(printf '%s\n' "$tab" | awk '{ print index($0, "currency") }' | head -1)" \
    "$(printf '%s\n' "$tab" | awk 'NR > 1 { print index($0, "EUR") }' | sort -u)" \
    "-o table: currency column aligned in every row"

json=$(cs-stock -o json)
is "$(printf '%s\n' "$json" | wc -l | tr -d ' ')" \
    "$(printf '%s\n' "$csv" | sed 1d | wc -l | tr -d ' ')" \
    "-o json: one object a line, one per stock row"
is "$(printf '%s\n' "$json" | perl -MJSON::PP -ne '
	my $o = eval { decode_json($_) } or do { print "bad json\n"; next };
	print join(",", @$o{qw(material batch kind customer qty value)}), "\n"
	    if $o->{material} eq "F126"')" \
    "F126,F126-B1,own,,40,3476.00
F126,F126-B2,own,,50,4345.00
F126,F126-B1,consignment,100001,10,869.00" "-o json: F126 objects carry the right numbers"
done_testing
