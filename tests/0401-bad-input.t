#!/bin/sh
# Bad input, for every tool and every input it reads: request rows (file,
# standard input, MATERIAL:QTY operands), delivery rows, counts, payment
# rows, the six master data files, document number operands and options.
# Each case asserts the exit status of DESIGN 7 (1: some documents
# rejected; 2: usage or setup error, nothing done), a message naming the
# file (or "input", or the operand) and line, with the document and item
# where they are known, a data directory byte-identical to before, and
# cs-stock --check passing afterwards.  Odd but valid input (CRLF, a byte
# order mark, columns reordered or added, gzip) is accepted.
. "$(dirname "$0")/lib.sh"
# Messages are matched byte for byte, bytes that are not UTF-8 included.
LC_ALL=C
export LC_ALL

fresh
initial
# The documents the cases refer to.
cs-order -f fillup -c 100002 H20:3 | cs-deliver | cs-pick | cs-issue >/dev/null
cs-order -f issue -c 100002 H20:1 | cs-deliver | cs-pick | cs-issue |
    cs-bill >"$T/s1"
cs-order -f issue -c 100002 H20:1 | cs-deliver | cs-pick | cs-issue >"$T/s2"
cs-order -f issue -c 100002 H20:1 | cs-deliver >"$T/s3"
cs-order -f fillup -c 100001 H20:2 F126:2 H11:1 | cs-deliver >"$T/s4"
cs-order -f fillup -c 100001 H21:1 | cs-deliver | cs-pick >"$T/s5"
cs-order -f fillup -c 100001 H11:1 H21:1 >"$T/s6"
is "$(col delivery billing <"$T/s1")" "80000001,90000000" \
    "setup: issue delivery 80000001 billed in invoice 90000000"
is "$(cs-pay --open | col customer document open)" "100002,90000000,266.43" \
    "setup: invoice 90000000 of customer 100002 open"
is "$(col delivery mvt <"$T/s2")" "80000002,633" \
    "setup: issue delivery 80000002 posted, not billed"
is "$(col delivery material qty <"$T/s3")" "80000003,H20,1" \
    "setup: issue delivery 80000003 of 1 H20 not picked"
is "$(col delivery delivery_item material batch <"$T/s4" | paste -sd' ' -)" \
    "80000004,10,H20, 80000004,20,F126,F126-B1 80000004,30,H11," \
    "setup: fill-up delivery 80000004 not picked: items 10 H20, 20 F126, 30 H11"
is "$(col delivery picked <"$T/s5")" "80000005,1" \
    "setup: fill-up delivery 80000005 picked, not posted"
is "$(col order order_item <"$T/s6" | paste -sd' ' -)" "1000006,10 1000006,20" \
    "setup: order 1000006 open, items 10 and 20"
is "$(place H20 H20-0001),$(place H20 H20-0003)" \
    "sold,100002,consignment,100002" \
    "setup: H20-0001 sold to 100002, H20-0003 in consignment there"
is "$(wc -l <"$CS_DIR/materials.csv" | tr -d ' ') $(wc -l <"$CS_DIR/customers.csv" |
    tr -d ' ') $(wc -l <"$CS_DIR/prices.csv" | tr -d ' ') $(wc -l \
    <"$CS_DIR/plants.csv" | tr -d ' ') $(wc -l <"$CS_DIR/batches.csv" |
    tr -d ' ') $(wc -l <"$CS_DIR/targets.csv" | tr -d ' ')" "7 4 9 2 5 4" \
    "setup: master data lines (a row added is line 8, 5, 10, 3, 6, 5)"
cp -R "$CS_DIR" "$T/base"
cd "$T" || exit 2

# state: what lib.sh's digest covers (every file of the data directory
# but the derived journal.cache), with the files' names, in one process:
# this test takes it a few hundred times.
state() {
	set -- "$CS_DIR"/* "$CS_DIR"/.[!.]* "$CS_DIR"/*/*
	for f; do
		shift
		[ -f "$f" ] && [ "${f##*/}" != journal.cache ] && set -- "$@" "$f"
	done
	cksum "$@"
}
base=$(state)
broke=
is "$(digest)" "$(CS_DIR=$T/base digest)" "setup: the base is a copy of the data"

# try DESC STATUS ERE CMD...: run CMD with standard input from $T/in and
# standard output to $OUT (default $T/out); assert the exit status, a line
# of standard error matching ERE, and the data directory byte-identical to
# $BEFORE (master data files $broke broken on purpose) or else to the base.
# cs-stock --check replays the whole journal: where the data is
# byte-identical to the base it answers what it answered for the base (see
# checkpoint), so it runs where a case did change the data (a defect), on
# the journal as the case left it; then the base comes back, so the next
# case is judged on its own.  Under ASan a run costs a tenth of a second,
# and this test has some 270 cases.  $T/in is emptied.
try() {
	t_desc=$1 t_want=$2 t_ere=$3
	shift 3
	"$@" <"$T/in" >"${OUT:-$T/out}" 2>"$T/err"
	is "$?" "$t_want" "$t_desc: exit $t_want"
	# (read without cat: a process less in each case)
	t_err="" t_nl=""
	while IFS= read -r t_l || [ -n "$t_l" ]; do
		t_err="$t_err$t_nl$t_l" t_nl='
'
	done <"$T/err"
	like "$t_err" "$t_ere" "$t_desc: message"
	t_after=$(state)
	is "$t_after" "${BEFORE:-$base}" "$t_desc: data directory byte-identical"
	for t_f in $broke; do
		[ -d "$CS_DIR/$t_f" ] && rm -r "${CS_DIR:?}/$t_f"
		cp "$T/base/$t_f" "$CS_DIR/$t_f"
	done
	broke=
	if [ "$t_after" != "${BEFORE:-$base}" ]; then
		cs-stock --check >/dev/null 2>&1
		is "$?" 0 "$t_desc: cs-stock --check exits 0 on the data it changed"
		rm -rf "$CS_DIR"
		cp -R "$T/base" "$CS_DIR"
	fi
	: >"$T/in"
}

# checkpoint WHAT: the data directory is the base, and cs-stock --check
# passes on it, after the cases of WHAT.
checkpoint() {
	is "$(state)" "$base" "after $1: the data directory is the base"
	cs-stock --check >/dev/null 2>&1
	is "$?" 0 "after $1: cs-stock --check exits 0"
}

# input FORMAT [ARG...]: standard input of the next case, by printf.
input() {
	printf "$@" >"$T/in"
}

checkpoint "setup"
: >"$T/in"
head -c 2097152 /dev/zero | tr '\0' x >"$T/x2m"
big=99999999999999999999

# --- the reader's faults, in every input of every tool --------------------
# spec N: input N: the tool, a header, a valid row, a column it needs, the
# command, and whether it takes file operands ("-" is standard input).
# Inputs 1 and 8 meet every fault (8 reads through a loop of its own);
# the others, which share the stage's reader with 1, the faults where
# they differ.
spec() {
	s_files=y s_in=-
	case $1 in
	1) s_tool=cs-order s_hdr=material,qty s_row=H11,1 s_need=qty
	   s_cmd="cs-order -f fillup -c 100001" ;;
	2) s_tool=cs-deliver s_hdr=order,note s_row=1000006,n s_need=order
	   s_cmd=cs-deliver ;;
	3) s_tool=cs-pick s_hdr=delivery,delivery_item s_row=80000004,30
	   s_need=delivery s_cmd=cs-pick ;;
	4) s_tool=cs-issue s_hdr=delivery,note s_row=80000005,n s_need=delivery
	   s_cmd=cs-issue ;;
	5) s_tool=cs-issue s_hdr=material,plant,sloc,batch,serials,qty
	   s_row=H22,1000,1040,,,1 s_need=qty s_cmd="cs-issue --initial" ;;
	6) s_tool=cs-bill s_hdr=delivery,note s_row=80000002,n s_need=delivery
	   s_cmd=cs-bill ;;
	7) s_tool=cs-pay s_hdr=customer,amount,currency,ref
	   s_row=100002,1.00,EUR,R9 s_need=amount s_cmd=cs-pay ;;
	8) s_tool=cs-stock s_hdr=customer,material,batch,qty
	   s_row=100002,H20,,0 s_need=qty s_cmd="cs-stock --count" ;;
	9) s_tool=cs-deliver s_hdr=delivery,note s_row=80000003,n
	   s_need=delivery s_cmd="cs-deliver --delete" s_files="" s_in="" ;;
	10) s_tool=cs-bill s_hdr=billing,note s_row=90000000,n s_need=billing
	   s_cmd="cs-bill --cancel" s_files="" s_in="" ;;
	*) return 1 ;;
	esac
}

n=1
while spec $n; do
	h=$s_hdr r=$s_row c1=${s_hdr%%,*}
	# An unterminated quote after a good row: a file is read through
	# first, so the good row is not posted either.
	if [ -n "$s_files" ]; then
		printf '%s\n%s\n"%s\n' "$h" "$r" "$r" >q.csv
		try "$s_cmd: file: unterminated quote on line 3" 2 \
		    "^$s_tool: q.csv: line 3: unterminated quoted field" $s_cmd q.csv
	fi
	if [ -z "$s_files" ] || [ $n = 1 ] || [ $n = 8 ]; then
		input '%s\n"%s\n' "$h" "$r"
		try "$s_cmd: stdin: unterminated quote on line 2" 2 \
		    "^$s_tool: input line 2: unterminated quoted field" $s_cmd $s_in
	fi
	input '%s\n%s\000x,%s\n' "$h" "${r%%,*}" "${r#*,}"
	try "$s_cmd: stdin: a NUL byte" 2 \
	    "^$s_tool: input line 2: NUL byte in field 1" $s_cmd $s_in
	input '%s,%s\n%s,%s\n' "$h" "$c1" "$r" "${r%%,*}"
	try "$s_cmd: stdin: column '$c1' twice" 2 \
	    "^$s_tool: input: column '$c1' appears twice" $s_cmd $s_in
	# A column the tool needs is missing: found in the header before any
	# row, a setup error as for master data.
	printf '%s\n%s\n' "$h" "$r" | awk -F, -v OFS=, -v c="$s_need" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) $i = "x_" c } 1' >"$T/in"
	try "$s_cmd: stdin: no column '$s_need'" 2 \
	    "^$s_tool: input: .*column '$s_need'" $s_cmd $s_in
	if [ $n = 1 ] || [ $n = 8 ]; then
		{ printf '%s\n%s\n' "$h" "$r"; cat x2m; printf ',%s\n' "${r#*,}"; } >big.csv
		try "$s_cmd: file: a 2 MB field on line 3" 2 \
		    "^$s_tool: big.csv: line 3: field longer than 65536 bytes" $s_cmd big.csv
		awk -v h="$h" -v r="$r" 'BEGIN { print h; for (i = 0; i < 3000; i++) print r }' |
		    gzip -c >full.gz
		head -c $(($(wc -c <full.gz) / 2)) full.gz >cut.csv.gz
		try "$s_cmd: file: truncated .gz" 2 \
		    "^$s_tool: cut.csv.gz: truncated gzip input" $s_cmd cut.csv.gz
		head -c 20 full.gz >"$T/in"
		try "$s_cmd: stdin: truncated .gz" 2 \
		    "^$s_tool: input: truncated gzip input" $s_cmd $s_in
	fi
	if [ -n "$s_files" ]; then
		: >empty.csv
		try "$s_cmd: file: empty, nothing to do" 0 '^$' $s_cmd empty.csv
	fi
	input '%s\r\n' "$h"
	try "$s_cmd: stdin: header only, nothing to do" 0 '^$' $s_cmd $s_in
	n=$((n + 1))
done
checkpoint "the reader's faults"

# --- cs-order: request rows ---------------------------------------------
o="cs-order -f fillup -c 100001"
printf 'material,qty\nH11,abc\n' >r.csv
try "cs-order: file: qty 'abc'" 1 \
    "^cs-order: r.csv: line 2: customer 100001: H11: quantity 'abc'" $o r.csv
input 'material,qty\nH11,-1\n'
try "cs-order: stdin: qty -1" 1 \
    "^cs-order: input line 2: customer 100001: H11: quantity '-1'" $o
try "cs-order: operand qty 0" 1 \
    "^cs-order: operand 1: customer 100001: H11: quantity '0'" $o H11:0
# The good row of the same order is not posted either.
printf 'material,qty\nH11,1\nH21,1.2345\n' >r.csv
try "cs-order: file: qty with 4 decimals on line 3" 1 \
    "^cs-order: r.csv: line 3: customer 100001: H21: quantity '1.2345'" $o r.csv
try "cs-order: operand qty $big" 1 \
    "^cs-order: operand 1: customer 100001: H11: quantity '$big'" $o H11:$big
try "cs-order: second operand an unknown material" 1 \
    "^cs-order: operand 2: customer 100001: unknown material 'NOPE'" $o H11:1 NOPE:1
input 'customer,material,qty\n999999,H11,1\n'
try "cs-order: stdin: unknown customer" 1 \
    "^cs-order: input line 2: customer 999999: unknown customer '999999'" \
    cs-order -f fillup
input 'material,qty,batch\nF29,1,F29-B9\n'
try "cs-order: stdin: unknown batch" 1 \
    "^cs-order: input line 2: customer 100001: F29 batch F29-B9: 1 requested, 0 available" $o
input 'material,qty,batch\nH11,1,B1\n'
try "cs-order: stdin: a batch for a material without batches" 1 \
    "^cs-order: input line 2: customer 100001: material H11 is not managed in batches" $o
input 'material,qty,serials\nH20,1,H20-9999\n'
try "cs-order: stdin: unknown serial" 1 \
    "^cs-order: input line 2: customer 100001: serial H20-9999 is not in own stock" $o
input 'material,qty,serials\nH20,2,H20-0004 H20-0004\n'
try "cs-order: stdin: a serial twice" 1 \
    "^cs-order: input line 2: customer 100001: serial H20-0004 given twice" $o
input 'material,qty,serials\nH20,1,F126-0001\n'
try "cs-order: stdin: a serial of another material" 1 \
    "^cs-order: input line 2: customer 100001: serial F126-0001 is not in own stock" $o
input 'material,qty,serials\nH20,1,H20-0003\n'
try "cs-order: stdin: return of a serial not sold (in consignment)" 1 \
    "^cs-order: input line 2: customer 100002: serial H20-0003 is not in sold stock of customer 100002" \
    cs-order -f return -c 100002
input 'material,qty\n\377\376,1\n'
try "cs-order: stdin: a material not UTF-8" 1 \
    "^cs-order: input line 2: customer 100001: unknown material" $o
input 'material,qty,flow\nH11,1,bogus\n'
try "cs-order: stdin: flow 'bogus'" 1 \
    "^cs-order: input line 2: customer 100001: flow 'bogus'" cs-order -c 100001
try "cs-order: -f bogus" 2 "^cs-order: flow 'bogus': not fillup" \
    cs-order -f bogus -c 100001 H11:1
# Operand rows have no flow column: -f is as needed as -c.
try "cs-order: operands without -f" 2 "^cs-order: .*(-f|flow)" \
    cs-order -c 100001 H11:1
try "cs-order: operands without -c" 2 \
    "^cs-order: material:qty operands need -c customer" cs-order -f fillup H11:1
try "cs-order: operands and a file" 2 \
    "^cs-order: give either files or material:qty operands" $o H11:1 r.csv
try "cs-order: --reject into a missing directory" 2 \
    "^cs-order: cannot create '$T/nodir/rej.csv'" \
    $o --reject "$T/nodir/rej.csv" H11:1
try "cs-order --release: unknown order" 1 \
    "^cs-order: operand 1: order 9999999: no order 9999999" \
    cs-order --release 9999999
try "cs-order --release: 'abc'" 1 "^cs-order: operand 1: order.*abc" \
    cs-order --release abc
try "cs-order --reject: no item 70" 1 \
    "^cs-order: operand 1: order 1000006 item 70: order 1000006 has no item 70" \
    cs-order --reject 1000006/70
try "cs-order --reject: item $big" 1 \
    "^cs-order: operand 1: order 1000006 item $big: not an item number" \
    cs-order --reject 1000006/$big
input 'ord\n1000006\n'
try "cs-order --release: stdin without an order column" 2 \
    "^cs-order: input: .*column 'order'" cs-order --release

checkpoint "cs-order's cases"

# --- cs-deliver: order rows ----------------------------------------------
input 'order\n9999999\n'
try "cs-deliver: unknown order" 1 "^cs-deliver: input line 2: order 9999999" cs-deliver
input 'order\nabc\n'
try "cs-deliver: order 'abc'" 1 "^cs-deliver: input line 2: order.*abc" cs-deliver
input 'order\n%s\n' $big
try "cs-deliver: order $big" 1 "^cs-deliver: input line 2: order.*$big" cs-deliver
input 'order,order_item\n1000006,abc\n'
try "cs-deliver: item 'abc'" 1 \
    "^cs-deliver: input line 2: order 1000006 item .*abc" cs-deliver
input 'order,order_item\n1000006,70\n'
try "cs-deliver: no item 70" 1 \
    "^cs-deliver: input line 2: order 1000006 item 70" cs-deliver
input 'order,order_item\n1000006,%s\n' $big
try "cs-deliver: item $big" 1 \
    "^cs-deliver: input line 2: order 1000006 item $big" cs-deliver
input 'order\n1000004\n'
try "cs-deliver: an order delivered in full: nothing to do" 0 \
    "^cs-deliver: .*order 1000004: nothing open to deliver" cs-deliver
try "cs-deliver --delete: unknown delivery" 1 \
    "^cs-deliver: operand 1: delivery 9999999: no delivery 9999999" \
    cs-deliver --delete 9999999
try "cs-deliver --delete: 'abc'" 1 "^cs-deliver: operand 1: delivery.*abc" \
    cs-deliver --delete abc
try "cs-deliver --delete: a posted delivery" 1 \
    "^cs-deliver: operand 1: delivery 80000002: delivery 80000002 is posted" \
    cs-deliver --delete 80000002
try "cs-deliver --due with a file" 2 "^usage: cs-deliver " cs-deliver --due r.csv

checkpoint "cs-deliver's cases"

# --- cs-pick: delivery rows with picked, batch, serials --------------------
input 'delivery\n9999999\n'
try "cs-pick: unknown delivery" 1 \
    "^cs-pick: input line 2: delivery 9999999: no delivery 9999999" cs-pick
input 'delivery\nabc\n'
try "cs-pick: delivery 'abc'" 1 \
    "^cs-pick: input line 2: delivery abc: not a document number" cs-pick
input 'delivery\n%s\n' $big
try "cs-pick: delivery $big" 1 \
    "^cs-pick: input line 2: delivery $big: not a document number" cs-pick
input 'delivery,delivery_item\n80000004,abc\n'
try "cs-pick: item 'abc'" 1 \
    "^cs-pick: input line 2: delivery 80000004 item .*abc" cs-pick
input 'delivery,delivery_item\n80000004,70\n'
try "cs-pick: no item 70" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 70" cs-pick
input 'delivery,delivery_item\n80000004,%s\n' $big
try "cs-pick: item $big" 1 \
    "^cs-pick: input line 2: delivery 80000004 item $big" cs-pick
for v in -1 $big; do
	input 'delivery,delivery_item,picked\n80000004,30,%s\n' "$v"
	try "cs-pick: picked '$v'" 1 \
	    "^cs-pick: input line 2: delivery 80000004 item 30: picked '$v'" cs-pick
done
# The line of the item at fault, not the delivery's first.
printf 'delivery,delivery_item,picked\n80000004,20,2\n80000004,30,5\n' >p.csv
try "cs-pick: file: picked 5 of 1 on line 3" 1 \
    "^cs-pick: p.csv: line 3: delivery 80000004 item 30: picked 5, delivery says 1" \
    cs-pick p.csv
input 'delivery,delivery_item,serials\n80000004,10,H20-9999 H20-0004\n'
try "cs-pick: unknown serial" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 10: serial H20-9999 is not in own stock" cs-pick
input 'delivery,delivery_item,serials\n80000004,10,H20-0004 H20-0004\n'
try "cs-pick: a serial twice" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 10: serial H20-0004 given twice" cs-pick
input 'delivery,delivery_item,serials\n80000004,10,F126-0001 H20-0004\n'
try "cs-pick: a serial of another material" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 10: serial F126-0001 is not in own stock" cs-pick
input 'delivery,delivery_item,serials\n80000004,10,H20-0001 H20-0004\n'
try "cs-pick: a serial sold, not in own stock" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 10: serial H20-0001 is not in own stock" cs-pick
input 'delivery,delivery_item,serials\n80000004,10,H20-0004\n'
try "cs-pick: 1 serial for 2 pieces" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 10: 1 serials for quantity 2" cs-pick
input 'delivery,delivery_item,batch\n80000004,20,F126-B9\n'
try "cs-pick: unknown batch" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 20: batch F126-B9" cs-pick
input 'delivery,delivery_item,batch\n80000004,30,B1\n'
try "cs-pick: a batch for a material without batches" 1 \
    "^cs-pick: input line 2: delivery 80000004 item 30: material H11 is not managed in batches" cs-pick

checkpoint "cs-pick's cases"

# --- cs-issue: delivery rows, initial entries -----------------------------
input 'delivery\n9999999\n'
try "cs-issue: unknown delivery" 1 \
    "^cs-issue: input line 2: delivery 9999999: no delivery 9999999" cs-issue
input 'delivery\nabc\n'
try "cs-issue: delivery 'abc'" 1 "^cs-issue: input line 2: delivery.*abc" cs-issue
input 'delivery\n%s\n' $big
try "cs-issue: delivery $big" 1 "^cs-issue: input line 2: delivery.*$big" cs-issue
input 'delivery\n80000004\n'
try "cs-issue: a delivery not picked" 1 \
    "^cs-issue: input line 2: delivery 80000004: delivery 80000004 item 10 is not picked" cs-issue
# Posting the delivery and writing no row of it would lose it downstream.
input 'delivery,delivery_item\n80000005,70\n'
try "cs-issue: no item 70" 1 \
    "^cs-issue: input line 2: delivery 80000005 item 70" cs-issue
input 'delivery\n80000002\n'
try "cs-issue: a delivery posted already: nothing to do" 0 \
    "^cs-issue: input line 2: delivery 80000002 is posted already" cs-issue
h=material,plant,sloc,batch,serials,qty
for v in 0 1.2345; do
	printf '%s\nH22,1000,1040,,,%s\n' $h "$v" >i.csv
	try "cs-issue --initial: qty '$v'" 1 \
	    "^cs-issue: i.csv: line 2: material H22: .*quantity '$v'" cs-issue --initial i.csv
done
initial_case() {	# DESC ROW ERE
	input '%s\n%s\n' $h "$2"
	try "cs-issue --initial: $1" 1 "^cs-issue: input line 2: $3" cs-issue --initial
}
initial_case "unknown material" NOPE,1000,1040,,,1 \
    "material NOPE: unknown material 'NOPE'"
initial_case "unknown plant" H22,9999,1040,,,1 \
    "material H22: unknown plant '9999'"
initial_case "no batch for a batch material" F29,1000,1040,,,1 \
    "material F29: material F29 needs a batch"
initial_case "a batch for a material without batches" H22,1000,1040,B1,,1 \
    "material H22: material H22 is not managed in batches"
initial_case "a serial in stock already" H20,1000,1040,,H20-0001,1 \
    "material H20: serial H20-0001 exists already"
initial_case "a serial twice" "H20,1000,1040,,H20-5000 H20-5000,2" \
    "material H20: serial H20-5000 given twice"
initial_case "2 serials for 3 pieces" "H20,1000,1040,,H20-5000 H20-5001,3" \
    "material H20: 2 serials for quantity 3"
initial_case "1.5 pieces of a serial material" H20,1000,1040,,H20-5000,1.5 \
    "material H20: material H20 is counted in whole pieces"
initial_case "serials for a material without serials" H22,1000,1040,,H22-1,1 \
    "material H22: material H22 has no serial numbers"
try "cs-issue --reverse: unknown document" 1 \
    "^cs-issue: operand 1: document 9999999: 9999999 is neither a delivery nor a material document" \
    cs-issue --reverse 9999999
try "cs-issue --reverse: 'abc'" 1 "^cs-issue: operand 1: document.*abc" \
    cs-issue --reverse abc
try "cs-issue --reverse: a delivery not posted" 1 \
    "^cs-issue: operand 1: document 80000004: delivery 80000004 is not posted" \
    cs-issue --reverse 80000004
try "cs-issue --reverse: a delivery billed" 1 \
    "^cs-issue: operand 1: document 80000001: delivery 80000001 is billed in billing document 90000000" \
    cs-issue --reverse 80000001

checkpoint "cs-issue's cases"

# --- cs-bill: delivery rows, billing document operands ---------------------
input 'delivery\n9999999\n'
try "cs-bill: unknown delivery" 1 \
    "^cs-bill: input line 2: delivery 9999999: no delivery 9999999" cs-bill
input 'delivery\nabc\n'
try "cs-bill: delivery 'abc'" 1 "^cs-bill: input line 2: delivery.*abc" cs-bill
input 'delivery\n%s\n' $big
try "cs-bill: delivery $big" 1 "^cs-bill: input line 2: delivery.*$big" cs-bill
input 'delivery\n80000003\n'
try "cs-bill: a delivery not posted" 1 \
    "^cs-bill: input line 2: delivery 80000003 is not posted" cs-bill
# Billing the delivery and writing no row of it would lose the invoice.
input 'delivery,delivery_item\n80000002,70\n'
try "cs-bill: no item 70" 1 \
    "^cs-bill: input line 2: delivery 80000002 item 70" cs-bill
input 'delivery\n80000000\n'
try "cs-bill: a fill-up delivery: never billed, nothing to do" 0 \
    "^cs-bill: .*delivery 80000000 is a fillup delivery: never billed" cs-bill
input 'delivery\n80000001\n'
try "cs-bill: a delivery billed already: nothing to do" 0 \
    "^cs-bill: .*delivery 80000001 is billed already in 90000000" cs-bill
try "cs-bill --cancel: unknown billing document" 1 \
    "^cs-bill: operand 1: billing 9999999: no billing document 9999999" \
    cs-bill --cancel 9999999
try "cs-bill --cancel: 'abc'" 1 "^cs-bill: operand 1: billing.*abc" \
    cs-bill --cancel abc
try "cs-bill --release: $big" 1 "^cs-bill: operand 1: billing.*$big" \
    cs-bill --release $big
try "cs-bill --due --cancel" 2 "^usage: cs-bill " cs-bill --due --cancel

checkpoint "cs-bill's cases"

# --- cs-pay: payment rows --------------------------------------------------
h=customer,amount,currency,ref,document
pay_case() {	# DESC ROW ERE
	input '%s\n%s\n' $h "$2"
	try "cs-pay: $1" 1 "^cs-pay: input line 2: $3" cs-pay
}
for v in -5 0 1.234 $big; do
	pay_case "amount '$v'" "100002,$v,EUR,R9," \
	    "customer 100002 ref R9: amount '$v' is not a positive amount in EUR"
done
pay_case "unknown customer" 999999,1.00,EUR,R9, \
    "customer 999999 ref R9: unknown customer '999999'"
pay_case "a customer not UTF-8" "$(printf '\377'),1.00,EUR,R9," \
    "customer .* ref R9: unknown customer"
pay_case "another currency" 100002,1.00,USD,R9, \
    "customer 100002 ref R9: payment in 'USD'"
pay_case "document 'abc'" 100002,1.00,EUR,R9,abc \
    "customer 100002 ref R9: document 'abc' is not a document number"
pay_case "document $big" 100002,1.00,EUR,R9,$big \
    "customer 100002 ref R9: document '$big' is not a document number"
pay_case "a delivery as document" 100002,1.00,EUR,R9,80000001 \
    "customer 100002 ref R9: document 80000001 is no open invoice of customer 100002"
pay_case "another customer's invoice" 100001,1.00,EUR,R9,90000000 \
    "customer 100001 ref R9: document 90000000 is no open invoice of customer 100001"
printf 'customer,amount,currency,date,ref\n100002,1.00,EUR,2026-02-30,R9\n' >y.csv
try "cs-pay: file: date 2026-02-30" 1 \
    "^cs-pay: y.csv: line 2: customer 100002 ref R9: date '2026-02-30'" cs-pay y.csv

checkpoint "cs-pay's cases"

# --- cs-stock --count: counts ----------------------------------------------
h=customer,material,batch,qty
for v in -1 1.2345 $big; do
	printf '%s\n100002,H20,,%s\n' $h "$v" >c.csv
	try "cs-stock --count: qty '$v'" 1 \
	    "^cs-stock: c.csv: line 2: qty '$v': not a quantity" cs-stock --count c.csv
done
printf '%s\n100002,H11,,0\n999999,H11,,0\n' $h >c.csv
try "cs-stock --count: unknown customer on line 3" 1 \
    "^cs-stock: c.csv: line 3: unknown customer '999999'" cs-stock --count c.csv
input '%s\n100002,NOPE,,0\n' $h
try "cs-stock --count: stdin: unknown material" 1 \
    "^cs-stock: input line 2: unknown material 'NOPE'" cs-stock --count -
input '%s\n100002,H20,B1,0\n' $h
try "cs-stock --count: a batch for a material without batches" 1 \
    "^cs-stock: input line 2: .*H20.*batch" cs-stock --count -
try "cs-stock --count: a missing file" 2 \
    "^cs-stock: cannot open 'nope.csv': No such file or directory" \
    cs-stock --count nope.csv

checkpoint "the count cases"

# --- master data ---------------------------------------------------------
# mtry DESC ERE: the master data are broken; the next tool in turn, given
# what it would post with good master data, refuses with exit 2 and the
# message "TOOL: ERE" and changes nothing.
mt=0
mtry() {
	m_desc=$1 m_ere=$2
	mt=$((mt % 7 + 1))
	case $mt in
	1) set -- cs-order -f fillup -c 100001 H11:1 ;;
	2) input 'order\n1000006\n'; set -- cs-deliver ;;
	3) input 'delivery\n80000004\n'; set -- cs-pick ;;
	4) input 'delivery\n80000005\n'; set -- cs-issue ;;
	5) input 'delivery\n80000002\n'; set -- cs-bill ;;
	6) input 'customer,amount,currency,ref\n100002,1.00,EUR,R9\n'; set -- cs-pay ;;
	7) set -- cs-stock ;;
	esac
	BEFORE=$(state)
	try "$m_desc ($1)" 2 "^$1: $m_ere" "$@"
	BEFORE=
}
# madd FILE FORMAT [ARG...]: add a row to master data file FILE.
madd() {
	broke=$1
	shift
	printf "$@" >>"$CS_DIR/$broke"
}
# mcol FILE AWK: rewrite FILE with an awk program.
mcol() {
	broke=$1
	awk -F, -v OFS=, "$2" "$T/base/$1" >"$CS_DIR/$1"
}

# The faults of the reader and of columns, in every file; faults of bytes
# and files (one code path for all files) in some.
for f in materials customers prices plants batches targets; do
	case $f in
	materials) need=cost row='H99,x,PC,n,n,1.00,EUR' at=8 more="nul missing" ;;
	customers) need=tax_rate row='100009,x,EUR,19,30' at=5 more="gz missing" ;;
	prices) need=valid_to row='H11,100002,1.00,EUR,2020-01-01,' at=10
	    more="empty missing" ;;
	plants) need=ship_point row='1000,1041,1000' at=3 more="missing" ;;
	batches) need=expiry row='F29,F29-B9,2027-01-01' at=6 more="nul empty" ;;
	targets) need=max row='100002,H11,1,2' at=5 more="gz" ;;
	esac
	madd $f.csv '"%s\n' "$row"
	mtry "$f.csv: unterminated quote" "$f.csv: line $at: unterminated quoted field"
	mcol $f.csv "{ for (i = 1; i <= NF; i++) if (\$i == \"$need\") \$i = \"x_$need\" } 1"
	mtry "$f.csv: no column '$need'" "$f.csv: missing column '$need'"
	mcol $f.csv "NR == 1 { \$0 = \$0 \",$need\" } NR > 1 { \$0 = \$0 \",\" } 1"
	mtry "$f.csv: column '$need' twice" "$f.csv: column '$need' appears twice"
	for m in $more; do
		broke=$f.csv
		case $m in
		nul)
			madd $f.csv '%s\000,%s\n' "${row%%,*}" "${row#*,}"
			mtry "$f.csv: a NUL byte" "$f.csv: line $at: NUL byte in field 1" ;;
		gz)
			gzip -c "$T/base/$f.csv" | head -c 30 >"$CS_DIR/$f.csv"
			mtry "$f.csv: gzip data cut short" "$f.csv: truncated gzip input" ;;
		empty)
			: >"$CS_DIR/$f.csv"
			read -r first <"$T/base/$f.csv"
			mtry "$f.csv: empty" "$f.csv: missing column '${first%%,*}'" ;;
		missing)
			rm "$CS_DIR/$f.csv"
			mtry "$f.csv: missing" \
			    "cannot open '$CS_DIR/$f.csv': No such file or directory" ;;
		esac
	done
done
# Master data is UTF-8: a file saved in Latin-1 is refused, not spread.
madd customers.csv '100009,M\374ller,EUR,19,30\n'
mtry "customers.csv: a name in Latin-1" "customers.csv: line 5: name: not UTF-8"
madd materials.csv 'H\37799,x,PC,n,n,1.00,EUR\n'
mtry "materials.csv: a material not UTF-8" "materials.csv: line 8: material: not UTF-8"
{ printf 'H99,'; cat x2m; printf ',PC,n,n,1.00,EUR\n'; } >>"$CS_DIR/materials.csv"
broke=materials.csv
mtry "materials.csv: a 2 MB description" "materials.csv: line 8: field longer than 65536 bytes"
rm "$CS_DIR/materials.csv"
mkdir "$CS_DIR/materials.csv"
broke=materials.csv
mtry "materials.csv: a directory" "materials.csv: .*Is a directory"
# Wrong values, file by file.
madd materials.csv 'H99,x,PC,maybe,n,1.00,EUR\n'
mtry "materials.csv: batch 'maybe'" "materials.csv: line 8: batch 'maybe': not y or n"
for v in abc -7.80; do
	madd materials.csv 'H99,x,PC,n,n,%s,EUR\n' "$v"
	mtry "materials.csv: cost '$v'" "materials.csv: line 8: cost '$v': "
done
madd materials.csv 'H11,x,PC,n,n,1.00,EUR\n'
mtry "materials.csv: H11 twice" "materials.csv: line 8: duplicate material 'H11'"
madd materials.csv 'H99,x,PC,n,n,1.00,eur\n'
mtry "materials.csv: currency 'eur'" "materials.csv: line 8: currency 'eur'"
mcol materials.csv 'NR == 1'
mtry "materials.csv: header only" "prices.csv: line 2: unknown material 'H11'"
for v in 19.1234 $big; do
	madd customers.csv '100009,x,EUR,%s,30\n' "$v"
	mtry "customers.csv: tax_rate '$v'" "customers.csv: line 5: tax_rate '$v': "
done
for v in -30 $big; do
	madd customers.csv '100009,x,EUR,19,%s\n' "$v"
	mtry "customers.csv: terms_days '$v'" "customers.csv: line 5: terms_days '$v'"
done
madd customers.csv '100001,x,EUR,19,30\n'
mtry "customers.csv: 100001 twice" "customers.csv: line 5: duplicate customer '100001'"
mcol customers.csv 'NR == 1'
mtry "customers.csv: header only" "prices.csv: line 5: unknown customer '100001'"
madd prices.csv 'NOPE,,1.00,EUR,2020-01-01,\n'
mtry "prices.csv: unknown material" "prices.csv: line 10: unknown material 'NOPE'"
madd prices.csv 'H11,999999,1.00,EUR,2020-01-01,\n'
mtry "prices.csv: unknown customer" "prices.csv: line 10: unknown customer '999999'"
for v in -1 $big; do
	madd prices.csv 'H11,100002,%s,EUR,2020-01-01,\n' "$v"
	mtry "prices.csv: price '$v'" "prices.csv: line 10: price '$v': "
done
madd prices.csv 'H11,100002,1.00,EUR,2026-02-30,\n'
mtry "prices.csv: valid_from 2026-02-30" "prices.csv: line 10: valid_from '2026-02-30': not a date"
madd prices.csv 'H11,100002,1.00,EUR,2020-01-01,2026-13-01\n'
mtry "prices.csv: valid_to 2026-13-01" "prices.csv: line 10: valid_to '2026-13-01': not a date"
madd prices.csv 'H11,100002,1.00,EUR,2027-01-01,2026-01-01\n'
mtry "prices.csv: valid_from after valid_to" "prices.csv: line 10: valid_from 2027-01-01 is after valid_to 2026-01-01"
madd prices.csv 'H11,100002,1.00,USD,2020-01-01,\n'
mtry "prices.csv: not the customer's currency" "prices.csv: line 10: currency 'USD' is not customer 100002's currency 'EUR'"
madd prices.csv 'H11,,1.00,EUR,2020-01-01,2099-12-31\n'
mtry "prices.csv: two prices from one day" "prices.csv: line 10: duplicate price of material 'H11'"
madd plants.csv '1000,1040,1000\n'
mtry "plants.csv: 1000/1040 twice" "plants.csv: line 3: duplicate plant '1000' sloc '1040'"
madd plants.csv '1000,,1000\n'
mtry "plants.csv: empty sloc" "plants.csv: line 3: empty sloc"
madd batches.csv 'NOPE,B1,2027-01-01\n'
mtry "batches.csv: unknown material" "batches.csv: line 6: unknown material 'NOPE'"
madd batches.csv 'H11,B1,2027-01-01\n'
mtry "batches.csv: a material without batches" "batches.csv: line 6: material 'H11' is not batch-managed"
madd batches.csv 'F29,F29-B9,2026-02-30\n'
mtry "batches.csv: expiry 2026-02-30" "batches.csv: line 6: expiry '2026-02-30': not a date"
madd batches.csv 'F29,F29-B1,2027-01-01\n'
mtry "batches.csv: F29-B1 twice" "batches.csv: line 6: duplicate batch 'F29-B1'"
madd targets.csv '999999,H11,1,2\n'
mtry "targets.csv: unknown customer" "targets.csv: line 5: unknown customer '999999'"
madd targets.csv '100002,NOPE,1,2\n'
mtry "targets.csv: unknown material" "targets.csv: line 5: unknown material 'NOPE'"
for v in 0.0001 $big; do
	madd targets.csv '100002,H11,1,%s\n' "$v"
	mtry "targets.csv: max '$v'" "targets.csv: line 5: max '$v': "
done
madd targets.csv '100002,H11,5,2\n'
mtry "targets.csv: min above max" "targets.csv: line 5: min 5 is above max 2"
madd targets.csv '100001,H11,1,2\n'
mtry "targets.csv: 100001 H11 twice" "targets.csv: line 5: duplicate target for customer '100001' material 'H11'"
# Optional files absent or without rows, prices or plants without rows:
# odd, but nothing is wrong.
for f in batches targets prices plants; do
	mcol $f.csv 'NR == 1'
	BEFORE=$(state)
	try "$f.csv: header only: cs-stock works" 0 '^$' cs-stock
done
BEFORE=
rm "$CS_DIR/batches.csv" "$CS_DIR/targets.csv"
broke="batches.csv targets.csv"
BEFORE=$(state)
try "no batches.csv and no targets.csv: cs-stock works" 0 '^$' cs-stock
BEFORE=

checkpoint "the master data cases"

# --- files that cannot be read ---------------------------------------------
# unreadable FILE CMD...: run CMD while FILE cannot be read.
unreadable() {
	u_f=$1
	shift
	chmod 000 "$u_f"
	"$@"
	u_rc=$?
	chmod 644 "$u_f"
	return $u_rc
}
if [ "$(id -u)" = 0 ]; then
	pass "unreadable files # SKIP root reads them anyway"
else
	set -- cs-order cs-deliver cs-pick cs-issue cs-bill cs-pay
	for f in materials customers prices plants batches targets; do
		try "$f.csv unreadable ($1)" 2 \
		    "^$1: cannot open '$CS_DIR/$f.csv': Permission denied" \
		    unreadable "$CS_DIR/$f.csv" "$1"
		shift
	done
	try "the journal unreadable (cs-stock)" 2 \
	    "^cs-stock: cannot open '$CS_DIR/journal': Permission denied" \
	    unreadable "$CS_DIR/journal" cs-stock
	printf 'material,qty\nH11,1\n' >r.csv
	try "cs-order: an unreadable request file" 2 \
	    "^cs-order: cannot open 'r.csv': Permission denied" \
	    unreadable r.csv cs-order -f fillup -c 100001 r.csv
	printf '%s\n100002,H20,,0\n' customer,material,batch,qty >c.csv
	try "cs-stock --count: an unreadable count" 2 \
	    "^cs-stock: cannot open 'c.csv': Permission denied" \
	    unreadable c.csv cs-stock --count c.csv
fi

checkpoint "the unreadable files"

# --- options: dates, data directory, formats --------------------------------
for t in cs-order cs-deliver cs-pick cs-issue cs-bill cs-pay cs-stock; do
	try "$t --date 2026-13-01" 2 \
	    "^$t: date '2026-13-01': not a date YYYY-MM-DD" $t --date 2026-13-01
	try "$t -d a missing directory" 2 \
	    "^$t: cannot open '$T/nodir/materials.csv': No such file or directory" \
	    $t -d "$T/nodir"
done
is "$(ls -d "$T/nodir" 2>/dev/null)" "" "-d a missing directory: it is not created"
try "cs-issue --initial --date 2026-02-30" 2 \
    "^cs-issue: date '2026-02-30': not a date YYYY-MM-DD" \
    cs-issue --initial --date 2026-02-30 "$CS_DIR/initial-stock.csv"
try "cs-pay --open --date 2026-02-30" 2 \
    "^cs-pay: date '2026-02-30': not a date YYYY-MM-DD" cs-pay --open --date 2026-02-30
try "CS_DIR a missing directory" 2 \
    "^cs-stock: cannot open '$T/nodir/materials.csv'" env CS_DIR="$T/nodir" cs-stock
try "cs-stock --at 2026-02-30" 2 "^cs-stock: --at '2026-02-30': not a date" \
    cs-stock --at 2026-02-30
try "cs-stock --movements --from 2026-13-01" 2 \
    "^cs-stock: --from '2026-13-01': not a date" cs-stock --movements --from 2026-13-01
try "cs-pay -o yaml" 2 "^cs-pay: output format 'yaml': not csv, table or json" \
    cs-pay -o yaml
try "cs-issue --due --initial" 2 "^usage: cs-issue " cs-issue --due --initial

checkpoint "the options"

# --- output to a full disk ---------------------------------------------------
# A stage that cannot write its rows has not done its work: it says so and
# exits 2, and (exit 2 is "nothing done") posts nothing.
OUT=/dev/full
try "cs-order > /dev/full" 2 "^cs-order: write error on standard output" \
    cs-order -f fillup -c 100001 H11:1
input 'order\n1000006\n'
try "cs-deliver > /dev/full" 2 "^cs-deliver: write error on standard output" cs-deliver
input 'delivery\n80000004\n'
try "cs-pick > /dev/full" 2 "^cs-pick: write error on standard output" cs-pick
input 'delivery\n80000005\n'
try "cs-issue > /dev/full" 2 "^cs-issue: write error on standard output" cs-issue
input 'delivery\n80000002\n'
try "cs-bill > /dev/full" 2 "^cs-bill: write error on standard output" cs-bill
input 'customer,amount,currency,ref\n100002,1.00,EUR,R9\n'
try "cs-pay > /dev/full" 2 "^cs-pay: write error on standard output" cs-pay
try "cs-pay --open > /dev/full" 2 "^cs-pay: write error on standard output" cs-pay --open
try "cs-stock -s > /dev/full" 2 "^cs-stock: write error on standard output" cs-stock -s
try "cs-stock -o table > /dev/full" 2 "^cs-stock: write error on standard output" \
    cs-stock -o table
printf 'customer,material,batch,qty\n100002,H20,,0\n' >c.csv
try "cs-stock --count > /dev/full" 2 "^cs-stock: write error on standard output" \
    cs-stock --count c.csv
OUT=

checkpoint "the full disk"

# --- odd but valid input ----------------------------------------------------
# CRLF, a byte order mark, columns in another order, columns of the
# user's passed through in place, gzip: each posts as plain input would.
printf '\357\273\277note,qty,material\r\n"a, b",2,H22\r\n' | gzip -c >r.csv.gz
cs-order -f fillup -c 100001 r.csv.gz >o.csv 2>err
is "$?:$(cat err)" 0: "cs-order: BOM, CRLF, reordered and extra columns, .gz: exit 0, quiet"
is "$(head -1 o.csv | cut -d, -f1-4)" "note,qty,material,flow" \
    "cs-order: the input's columns first, in their order"
is "$(sed -n 2p o.csv | cut -d, -f1-7)" '"a, b",2,H22,fillup,1000007,10' \
    "cs-order: order 1000007, the note passed through, quoted as needed"
o7=1000007
printf '\357\273\277x,order\r\nkeep,%s\r\n' "$o7" | gzip -c | cs-deliver >d.csv 2>err
is "$?:$(cat err)" 0: "cs-deliver: gzip on stdin with BOM and CRLF: exit 0, quiet"
is "$(col x order qty <d.csv)" "keep,$o7,2" "cs-deliver: x passed through"
d7=80000006
is "$(col delivery <d.csv)" $d7 "cs-deliver: delivery $d7"
printf 'picked,note,delivery\r\n2,"x\r\ny",%s\r\n' "$d7" | cs-pick >p.csv 2>err
is "$?:$(cat err)" 0: "cs-pick: CRLF, a quoted CRLF in a note: exit 0, quiet"
is "$(sed 1d p.csv | tr '\r\n' RN | cut -c1-9)" '2,"xRNy",' \
    "cs-pick: the note keeps its CRLF inside quotes"
cs-issue p.csv >i.csv 2>err
is "$?:$(cat err)" 0: "cs-issue: a file with a multi-line field: exit 0, quiet"
is "$(stock consignment H22 100001)" 2 "... 2 H22 at customer 100001"
printf '\357\273\277delivery\r\n80000002\r\n' >b.csv
cs-bill b.csv >b.out 2>err
is "$?:$(cat err)" 0: "cs-bill: BOM and CRLF: exit 0, quiet"
is "$(col delivery billing gross <b.out)" "80000002,90000001,266.43" \
    "cs-bill: delivery 80000002 billed at 266.43"
printf '\357\273\277ref,extra,currency,amount,customer,document\r\nR7,"keep, me",EUR,266.43,100002,90000001\r\n' |
    cs-pay >y.out 2>err
is "$?:$(cat err)" 0: "cs-pay: BOM, CRLF, reordered and extra columns: exit 0, quiet"
is "$(sed -n 2p y.out | cut -d, -f1-5)" 'R7,"keep, me",EUR,266.43' \
    "cs-pay: the extra column passed through in place"
is "$(cs-pay --open | col document open)" "90000000,266.43" \
    "cs-pay: invoice 90000001 cleared, 90000000 still open"
printf '\357\273\277qty,batch,material,customer\r\n1,,H22,100001\r\n' | gzip -c >c.csv.gz
cs-stock --count c.csv.gz >c.out 2>err
is "$?:$(cat err)" 0: "cs-stock --count: BOM, CRLF, reordered columns, .gz: exit 0, quiet"
is "$(col customer material qty book counted <c.out)" "100001,H22,1,2,1" \
    "cs-stock --count: 1 of 2 H22 consumed"
# Master data with a BOM and CRLF, columns reordered and added, gzip.
cp "$CS_DIR/customers.csv" cust.csv
{ printf '\357\273\277'; sed 's/$/\r/' cust.csv; } >"$CS_DIR/customers.csv"
awk -F, -v OFS=, '{ print $7, $1, "note " NR, $2, $3, $4, $5, $6 }' \
    "$CS_DIR/materials.csv" >mat.csv && cp mat.csv "$CS_DIR/materials.csv"
gzip -c "$CS_DIR/prices.csv" >pr.gz && cp pr.gz "$CS_DIR/prices.csv"
cs-order -f issue -c 100001 H22:1 >o.csv 2>err
is "$?:$(cat err)" 0: "master data with BOM, CRLF, columns reordered and added, gzip: exit 0"
is "$(col material price currency <o.csv)" "H22,39.90,EUR" \
    "... the price of H22 read from prices.csv in gzip"
is "$(stock own H11)" 100 "... the stock report works"
cs-stock --check >/dev/null 2>&1
is "$?" 0 "cs-stock --check passes at the end"
done_testing
