#!/bin/sh
# Archive segments: cs-stock --archive YEAR moves the transactions of past
# years into DIR/journal-YEAR.gz, and every reader replays the segments
# first: the stock, the serials, the reports and --check are the same as
# with the whole journal, with the cache, without it and rebuilt; numbers
# go on; a writer that waits for the lock while an archive runs goes on
# in the new journal; a crash between the segment and the shortened
# journal is harmless and finished by the next run; a damaged or missing
# segment is exit 3 and changes nothing.
. "$(dirname "$0")/lib.sh"

J=$CS_DIR/journal

# restamp: transactions 1-$1 committed in 2024, up to $2 in 2025.
restamp() {
	awk -F'\t' -v OFS='\t' -v a="$1" -v b="$2" '
	$1 == "B" && $2 <= a { sub(/^[0-9][0-9][0-9][0-9]/, "2024", $3) }
	$1 == "B" && $2 > a && $2 <= b { sub(/^[0-9][0-9][0-9][0-9]/, "2025", $3) }
	{ print }' "$J" >"$T/restamped"
	cat "$T/restamped" >"$J"
	recrc "$J"
	chmod 600 "$J"
	rm -f "$CS_DIR/journal.cache"
}

# reports NAME: every view the tests compare, into $T/NAME.*.
reports() {
	cs-stock >"$T/$1.stock"
	cs-stock -s >"$T/$1.serials"
	cs-stock --movements >"$T/$1.mov"
	cs-stock --at 2025-06-30 >"$T/$1.at"
	cs-stock --statement -c 100001 --from 2025-01-01 --to 2026-12-31 \
	    >"$T/$1.stmt"
	cs-stock --flow 90000000 >"$T/$1.flow"
	cs-pay --open >"$T/$1.open"
}

# same A B WHAT: the views of A and B are the same files.
same() {
	for v in stock serials mov at stmt flow open; do
		is "$(cksum <"$T/$2.$v")" "$(cksum <"$T/$1.$v")" "$3: $v"
	done
}

fresh
cs-issue --initial --date 2024-01-15 "$CS_DIR/initial-stock.csv" >/dev/null
cs-order --date 2024-02-01 -f fillup -c 100001 F126:6 H20:4 H11:10 F29:8 |
    cs-deliver | cs-pick | cs-issue >/dev/null
cat >"$T/sold.csv" <<'EOF'
customer,material,qty,batch,serials,po
100001,H11,3,,,R-2025-1
100001,H20,1,,H20-0002,R-2025-1
EOF
cs-order --date 2025-03-01 -f issue "$T/sold.csv" | cs-deliver | cs-pick |
    cs-issue | cs-bill >/dev/null
cs-order --date 2025-09-01 -f fillup -c 100002 H21:7 F126:2 | cs-deliver |
    cs-pick | cs-issue >/dev/null
cs-order --date 2026-02-01 -f pickup -c 100001 H11:2 | cs-deliver |
    cs-pick | cs-issue >/dev/null
n=$(grep -c '^B' "$J")
is "$n" 18 "the history: 18 transactions"
# 2024: the initial stock and the first fill-up (1-5); 2025: the issue,
# its invoice and the second fill-up (6-14); 2026: the pickup (15-18).
restamp 5 14
cs-stock --check >"$T/out" 2>&1
is "$?$(cat "$T/out")" 0 "the restamped journal is clean"
cp "$J" "$T/full"
reports full
is "$(stock consignment H11 100001)" 5 "100001 holds 5 H11 (10 - 3 - 2)"

# --- arguments ---------------------------------------------------------
year=$(date -u +%Y)
run cs-stock --archive "$year"
is "$rc" 2 "--archive of this year: exit 2"
like "$err" "--archive $year: the year is not over" "... the year is not over"
run cs-stock --archive 25
is "$rc" 2 "--archive 25: exit 2"
like "$err" "not a year YYYY" "... not a year"
run cs-stock --archive 2024 -c 100001
is "$rc" 2 "--archive with -c: usage, exit 2"
is "$(cmp "$J" "$T/full" && echo same)" same "no archive: journal unchanged"

# --- 2024 ---------------------------------------------------------------
run cs-stock --archive 2024
is "$rc" 0 "--archive 2024: exit 0"
is "$(printf '%s\n' "$out" | col year segment first_txn last_txn)" \
    "2024,journal-2024.gz,1,5" "... one row: journal-2024.gz, transactions 1-5"
is "$(printf '%s\n' "$out" | col bytes)" \
    "$(awk '/^C\t5\t/ { print n + length($0) + 1; exit } { n += length($0) + 1 }' "$T/full")" \
    "... its bytes are the journal's up to the commit of 5"
is "$(zcat "$CS_DIR/journal-2024.gz" | cat - "$J" | cksum)" \
    "$(cksum <"$T/full")" "segment then journal: the journal as it was"
is "$(sed -n 1p "$J" | cut -f1,2 | tr -d '\t')" "B6" \
    "the journal now starts at transaction 6"
is "$(ls -l "$CS_DIR/journal-2024.gz" | cut -c1-10)" "-rw-------" \
    "the segment is 0600"
is "$(ls -l "$J" | cut -c1-10)" "-rw-------" "the new journal is 0600"
is "$(ls -a "$CS_DIR" | grep -c '^\.journal')" 0 "no temporary file left"
# The archive wrote the cache for the shortened journal: with the segment
# out of the way, a tool still starts.
mv "$CS_DIR/journal-2024.gz" "$T/"
run cs-stock -s
is "$rc" 0 "the archive wrote the cache: no segment needed to start"
mv "$T/journal-2024.gz" "$CS_DIR/"
reports a2024
same full a2024 "after 2024, warm"
is "$(CS_NOCACHE=1 cs-stock | cksum)" "$(cksum <"$T/full.stock")" \
    "after 2024, no cache: same stock"
rm -f "$CS_DIR/journal.cache"
reports r2024
same full r2024 "after 2024, cache rebuilt from the segment"
run cs-stock --check
is "$rc$out" 0 "after 2024: --check replays the segment, clean"

# --- 2025, and 2024 again ---------------------------------------------------
run cs-stock --archive 2025
is "$(printf '%s\n' "$out" | col segment first_txn last_txn)" \
    "journal-2025.gz,6,14" "--archive 2025: transactions 6-14"
run cs-stock --archive 2025
is "$rc" 0 "--archive 2025 again: exit 0"
is "$(printf '%s\n' "$out" | sed 1d)" "" "... no row"
like "$err" "nothing archived" "... says nothing was archived"
run cs-stock --archive 2024
is "$rc" 0 "--archive 2024 after 2025: nothing to do, exit 0"
is "$(zcat "$CS_DIR/journal-2024.gz" "$CS_DIR/journal-2025.gz" |
    cat - "$J" | cksum)" "$(cksum <"$T/full")" \
    "two segments then the journal: the journal as it was"
rm -f "$CS_DIR/journal.cache"
reports r2025
same full r2025 "after 2025, rebuilt"
reports a2025
same full a2025 "after 2025, warm"
run cs-stock --check
is "$rc$out" 0 "after 2025: --check clean"

# --- posting goes on ----------------------------------------------------
cs-order -f fillup -c 100002 H11:4 | cs-deliver | cs-pick |
    cs-issue >"$T/more.csv"
is "$(col order delivery matdoc <"$T/more.csv")" \
    "1000004,80000004,4900000012" "numbers go on after the segments"
is "$(stock consignment H11 100002)" 4 "100002 holds the 4 H11"
is "$(sed -n 1p "$J" | cut -f2) $(grep -c '^B' "$J")" "15 8" \
    "the journal holds transactions 15 to 22"
cp "$J" "$T/live"
run cs-stock --check
is "$rc$out" 0 "--check clean after posting"

# --- the cache carries the state forward ------------------------------------
CS_CACHE_MIN=0 cs-stock -s >/dev/null
mv "$CS_DIR/journal-2024.gz" "$T/"
run cs-stock -m H11
is "$rc" 0 "a segment missing, the cache current: exit 0"
is "$(stock consignment H11 100002)" 4 "... the stock from the cache"
run cs-stock --check
is "$rc" 3 "a segment missing: --check exit 3"
like "$err" "transactions 1 to 5 are missing" "... naming what is missing"
rm -f "$CS_DIR/journal.cache"
before=$(digest)
run cs-order -f fillup -c 100002 H11:1
is "$rc" 3 "a segment missing, no cache: a writer exits 3"
is "$(digest)" "$before" "... and changes nothing"
mv "$T/journal-2024.gz" "$CS_DIR/"

# --- damage -------------------------------------------------------------------
cp "$CS_DIR/journal-2025.gz" "$T/seg"
size=$(wc -c <"$T/seg")
printf 'Z' | dd of="$CS_DIR/journal-2025.gz" bs=1 seek=$((size / 2)) \
    conv=notrunc 2>/dev/null
run cs-stock --check
is "$rc" 3 "a byte flipped in a segment: --check exit 3"
like "$err" "journal-2025.gz" "... naming the segment"
run env CS_NOCACHE=1 cs-stock
is "$rc" 3 "... the cold overview exit 3"
head -c $((size - 9)) "$T/seg" >"$CS_DIR/journal-2025.gz"
run cs-stock --check
is "$rc" 3 "a segment cut short: --check exit 3"
like "$err" "journal-2025.gz" "... naming the segment"
cp "$T/seg" "$CS_DIR/journal-2025.gz"
printf 'not a segment' | gzip >"$CS_DIR/journal-2023.gz"
run cs-stock --check
is "$rc" 3 "a gzip file without a segment header: exit 3"
like "$err" "journal-2023.gz: not a journal segment" "... says so"
rm "$CS_DIR/journal-2023.gz"
run cs-stock --check
is "$rc$out" 0 "segments restored: clean again"

# --- a crash between the segment and the journal --------------------------------
# The segment of 2024 is in place, the journal not yet shortened.
fresh
cp "$T/full" "$J"
cs-stock --archive 2024 >/dev/null 2>&1
cp "$CS_DIR/journal-2024.gz" "$T/seg2024"
cp "$T/full" "$J"
rm -f "$CS_DIR/journal.cache"
reports crash
same full crash "segment written, journal not shortened: readers"
run cs-stock --check
is "$rc$out" 0 "... --check clean"
run cs-stock --archive 2024
is "$rc" 0 "the next --archive 2024 finishes: exit 0"
is "$(printf '%s\n' "$out" | col first_txn last_txn)" "1,5" "... transactions 1-5"
is "$(sed -n 1p "$J" | cut -f2)" 6 "... the journal starts at 6"
is "$(cmp "$CS_DIR/journal-2024.gz" "$T/seg2024" && echo same)" same \
    "... the segment is left as it was"
# A segment that does not match the journal is not completed over.
cp "$T/full" "$J"
awk -F'\t' -v OFS='\t' '$1 == "B" && $2 == 2 { sub(/T[0-9][0-9]/, "T23", $3) }
    { print }' "$T/full" >"$J"
recrc "$J"
before=$(digest)
run cs-stock --archive 2024
is "$rc" 2 "a segment of 2024 unlike the journal's 2024: exit 2"
like "$err" "journal-2024.gz holds transactions 1 to 5.*not the same" \
    "... says so"
is "$(digest)" "$before" "... nothing changed"

# --- every transaction archived -------------------------------------------------
fresh
cp "$T/full" "$J"
restamp 5 18
cs-stock --archive 2024 >/dev/null
run cs-stock --archive 2025
is "$(printf '%s\n' "$out" | col first_txn last_txn)" "6,18" \
    "all in segments: 6-18 in 2025"
is "$(wc -c <"$J" | tr -d ' ')" 0 "the journal is empty"
reports empty
same full empty "an empty journal after segments, warm"
rm -f "$CS_DIR/journal.cache"
reports empty2
same full empty2 "an empty journal after segments, rebuilt"
cs-order -f fillup -c 100002 H11:4 | cs-deliver | cs-pick |
    cs-issue >"$T/more.csv"
is "$(col order <"$T/more.csv")" 1000004 "posting on an empty journal goes on"
is "$(sed -n 1p "$J" | cut -f2)" 19 "... as transaction 19"
run cs-stock --check
is "$rc$out" 0 "... --check clean"

# --- a writer waiting while the archive runs ------------------------------------
# across PO ACTION: cs-order on the whole journal again, with ACTION run
# between its batches.  cs-order commits the documents that are complete
# when its input pauses: PO-1 (the row of PO-2 has begun another) is
# committed as transaction 19, then ACTION runs, then PO-3 arrives.  Rows
# to $T/PO.csv, messages to $T/PO.err, cs-order's exit status in $wrc.
across() {
	fresh
	cp "$T/full" "$J"
	{
		printf 'flow,customer,material,qty,po\n'
		printf 'fillup,100002,H11,1,%s-1\n' "$1"
		printf 'fillup,100002,H11,2,%s-2\n' "$1"
		# until PO-1 is committed, however slow the build
		i=0
		while [ "$(grep -c '^B' "$J")" -lt 19 ] && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		"$2"
		printf 'fillup,100002,H11,3,%s-3\n' "$1"
	} | cs-order >"$T/$1.csv" 2>"$T/$1.err"
	wrc=$?
}
archive_2025() { cs-stock --archive 2025 >"$T/arch.csv" 2>&1; }
put_back_old() {
	cp "$T/full" "$CS_DIR/journal.old"
	mv "$CS_DIR/journal.old" "$J"
}

across W archive_2025
is "$wrc" 0 "a writer across an archive: exit 0"
is "$(col order qty <"$T/W.csv" | paste -sd' ' -)" \
    "1000004,1 1000005,2 1000006,3" "... three orders, numbers in sequence"
is "$(col segment last_txn <"$T/arch.csv")" "journal-2025.gz,14" \
    "... the archive ran between its batches"
is "$(sed -n 1p "$J" | cut -f2) $(grep -c '^O	100000[56]	' "$J")" "15 2" \
    "... the new journal starts at 15 and holds the orders posted after it"
run cs-stock --check
is "$rc$out" 0 "... --check clean"
zcat "$CS_DIR/journal-2025.gz" | cat - "$J" | awk -F'\t' '$1 == "B" { n++; last = $2 }
    END { print n, last }' >"$T/count"
is "$(cut -d' ' -f1 "$T/count")" "$(cut -d' ' -f2 "$T/count")" \
    "... segment and journal: every transaction once, none missing"

# --- a journal replaced by an older copy under a running writer -------------
# Whoever puts back an old journal while a pipeline runs: the writer finds
# the journal behind the state it has and stops, appending nothing.
across Y put_back_old
is "$wrc" 3 "an older journal put back under a writer: exit 3"
like "$(cat "$T/Y.err")" "ends at transaction 18, before transaction 19 read before" \
    "... saying the journal is behind"
is "$(cmp "$J" "$T/full" && echo same)" same "... and appending nothing to it"

done_testing
