#!/bin/sh
# Input and output at the edges: gzip, truncated gzip, CRLF, BOM, missing
# files, malformed CSV, a full disk, a closed pipe, usage errors, --version,
# a missing data directory, bad dates.
. "$(dirname "$0")/lib.sh"

fresh
initial
cd "$T" || exit 2

# --- gzip input --------------------------------------------------------
printf 'material,qty,note\nH11,2,first\nH21,3,second\n' >requests.csv
gzip -c requests.csv >r.csv.gz
cs-order -f fillup -c 100001 r.csv.gz >o.csv 2>err
is "$?" 0 "gzip request file: exit 0"
is "$(col material qty note order <o.csv)" "H11,2,first,1000000
H21,3,second,1000000" "gzip request file: both rows ordered, note passed through"
cs-deliver <o.csv | cs-pick | cs-issue >/dev/null
is "$(stock consignment H21 100001)" 3 "gzip request file: 3 H21 shipped to 100001"

# --- truncated gzip: an error, nothing posted --------------------------
head -c 30 r.csv.gz >short.csv.gz
before=$(digest)
cs-order -f fillup -c 100001 short.csv.gz >out 2>err
is "$?" 2 "truncated .gz (30 bytes): exit 2"
like "$(cat err)" "^cs-order: short.csv.gz: .*truncated" "truncated .gz: message names the file and 'truncated'"
is "$(digest)" "$before" "truncated .gz (30 bytes): data directory byte-identical"

# A longer file whose first complete rows decode before the cut.
awk 'BEGIN { print "material,qty,po"; for (i = 0; i < 3000; i++) printf "H22,0.001,P%d\n", i }' >big.csv
gzip -c big.csv >big.csv.gz
head -c $(($(wc -c <big.csv.gz) / 2)) big.csv.gz >cut.csv.gz
cs-order -f fillup -c 100001 cut.csv.gz >out 2>err
is "$?" 2 "truncated .gz after many complete rows: exit 2"
like "$(cat err)" "cut.csv.gz: .*truncated" "truncated .gz after many rows: says 'truncated'"
is "$(digest)" "$before" "truncated .gz after many rows: nothing posted (data directory byte-identical)"
printf 'material,qty,po\nH22,0.001,P0\n' | cs-order -f fillup -c 100001 >out 2>err
is "$(cat err)" "" "truncated .gz: po P0 (its first row) was not ordered, so it can be now"

# --- CRLF and BOM --------------------------------------------------------
printf 'material,qty,note\r\nH11,1,crlf\r\nH22,2,"x\r\ny"\r\n' >crlf.csv
cs-order -f fillup -c 100001 crlf.csv >out 2>err
is "$?" 0 "CRLF request file: exit 0"
is "$(col material qty note <out | head -1)" "H11,1,crlf" "CRLF: qty and note read without CR"
is "$(tr -dc '\r' <out | wc -c | tr -d ' ')" 1 "CRLF: output lines end in LF (only the quoted CR of the note kept)"
is "$(head -1 out | cut -d, -f1-3)" "material,qty,note" "CRLF: last header column found without CR"

printf '\357\273\277material,qty\nH21,1\n' >bom.csv
cs-order -f fillup -c 100001 bom.csv >out 2>err
is "$?" 0 "UTF-8 BOM request file: exit 0"
is "$(head -1 out | cut -d, -f1)" "material" "BOM: skipped, first column is 'material'"
is "$(col material qty <out)" "H21,1" "BOM: the row is ordered"
printf '\357\273\277material,qty\r\nH21,1\r\n' | gzip -c >bomcrlf.csv.gz
cs-order -f fillup -c 100001 bomcrlf.csv.gz >out 2>err
is "$?" 0 "BOM, CRLF and gzip together: exit 0"
is "$(col material qty <out)" "H21,1" "BOM, CRLF and gzip together: the row is ordered"

# --- missing file, malformed CSV -----------------------------------------
before=$(digest)
cs-order -f fillup -c 100001 x >out 2>err
is "$?" 2 "missing input file: exit 2"
is "$(cat err)" "cs-order: cannot open 'x': No such file or directory" \
    "missing input file: message"
is "$(digest)" "$before" "missing input file: nothing posted"

printf 'material,qty\nH11,"1\nH21,2\n' >bad.csv
cs-order -f fillup -c 100001 bad.csv >out 2>err
is "$?" 2 "unterminated quote: exit 2"
like "$(cat err)" "^cs-order: bad.csv: line 2: .*quote" "unterminated quote: message names file and line 2"
is "$(digest)" "$before" "unterminated quote: nothing posted"
printf 'material,qty\nH11,"1\nH21,2\n' | cs-order -f fillup -c 100001 >out 2>err
is "$?" 2 "unterminated quote on stdin: exit 2"
like "$(cat err)" "line 2: .*quote" "unterminated quote on stdin: message names line 2"
printf 'material,qty\nH11,1,5\n' | cs-order -f fillup -c 100001 >out 2>err
is "$?" 2 "row with more fields than the header: exit 2"
like "$(cat err)" "line 2: 3 fields, header has 2" "more fields than the header: message"
is "$(digest)" "$before" "malformed CSV: nothing posted"

# --- output errors -------------------------------------------------------
cs-stock >/dev/full 2>err
rc=$?
like "$rc" '^[1-9]' "cs-stock > /dev/full: exit non-zero"
is "$(cat err)" "cs-stock: write error on standard output" "cs-stock > /dev/full: 'write error'"
cs-stock -o json >/dev/full 2>err
like "$?" '^[1-9]' "cs-stock -o json > /dev/full: exit non-zero"

# Enough serials that cs-stock -s overflows a pipe buffer.
awk 'BEGIN { printf "material,plant,sloc,batch,serials,qty\nH20,1000,1040,,"
	for (i = 1001; i <= 4000; i++) printf "%sH20-%d", (i > 1001 ? " " : ""), i
	print ",3000" }' >many.csv
cs-issue --initial many.csv >/dev/null
is "$(stock own H20)" 3100 "3000 more H20 serials received"
cs-stock -s 2>err | head -1 >out
is "$(cat out)" "material,serial,batch,place,plant,sloc,customer,matdoc,date" \
    "cs-stock -s | head -1: the header"
is "$(cat err)" "" "cs-stock -s | head -1: ends quietly, nothing on stderr"

# --- usage, --version ----------------------------------------------------
for t in cs-order cs-deliver cs-pick cs-issue cs-bill cs-pay cs-stock; do
	$t --no-such-option >out 2>err
	is "$?" 2 "$t --no-such-option: exit 2"
	like "$(cat err)" "^usage: $t " "$t --no-such-option: usage on stderr"
	is "$(cat out)" "" "$t --no-such-option: nothing on stdout"
	is "$($t --version)" "$t 0.1" "$t --version"
done
cs-order -o xml -f fillup -c 100001 H11:1 >out 2>err
is "$?" 2 "-o xml: exit 2"
like "$(cat err)" "output format 'xml'" "-o xml: message"

# --- data directory, dates -----------------------------------------------
cs-order -d "$T/nodir" -f fillup -c 100001 H11:1 >out 2>err
is "$?" 2 "-d with a missing directory: exit 2"
is "$(cat err)" "cs-order: cannot open '$T/nodir/materials.csv': No such file or directory" \
    "-d with a missing directory: names materials.csv"
is "$(ls "$T/nodir" 2>/dev/null)" "" "-d with a missing directory: nothing created"
CS_DIR=$T/nodir cs-stock >out 2>err
is "$?" 2 "CS_DIR missing: cs-stock exit 2"
like "$(cat err)" "cannot open '$T/nodir/materials.csv'" "CS_DIR missing: names materials.csv"

before=$(digest)
for d in 2026-13-01 2026-02-30 yesterday 26-01-01; do
	cs-order --date "$d" -f fillup -c 100001 H11:1 >out 2>err
	is "$?" 2 "--date $d: exit 2"
	is "$(cat err)" "cs-order: date '$d': not a date YYYY-MM-DD" "--date $d: message"
done
is "$(digest)" "$before" "bad dates: nothing posted"
out=$(cs-order --date 2024-02-29 -f fillup -c 100001 H11:1 | cs-deliver --date 2024-02-29 |
    cs-pick | cs-issue --date 2024-02-29)
is "$(printf '%s\n' "$out" | col mvt date)" "631,2024-02-29" "--date 2024-02-29 (leap day) is the posting date"
done_testing
