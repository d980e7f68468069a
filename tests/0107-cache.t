#!/bin/sh
# The state cache: tools give the same answers with it, without it, with
# it deleted, damaged or stale, and it never changes the journal.
. "$(dirname "$0")/lib.sh"

fresh
initial
CS_CACHE_MIN=0
export CS_CACHE_MIN
cs-order -f fillup -c 100001 F126:10 H20:5 H11:10 | cs-deliver | cs-pick |
    cs-issue >/dev/null
is "$(test -f "$CS_DIR/journal.cache" && echo yes)" yes \
    "with CS_CACHE_MIN=0 a tool leaves journal.cache beside the journal"

printf 'customer,material,qty,serials,po\n100001,H20,2,H20-0002 H20-0004,R1\n100001,F126,3,,R1\n' |
    cs-order -f issue | cs-deliver | cs-pick | cs-issue | cs-bill >"$T/bill.csv"
is "$(col gross <"$T/bill.csv" | paste -sd' ' -)" "546.21 498.02" \
    "an issue billed through cached state: H20 2 x 229.50 and F126 3 x 139.50 gross"

cs-stock >"$T/with.csv"
cs-stock -s >"$T/with-s.csv"
CS_NOCACHE=1 cs-stock >"$T/without.csv"
CS_NOCACHE=1 cs-stock -s >"$T/without-s.csv"
is "$(cksum <"$T/with.csv")" "$(cksum <"$T/without.csv")" \
    "stock overview from the cache = from a full replay"
is "$(cksum <"$T/with-s.csv")" "$(cksum <"$T/without-s.csv")" \
    "serial places from the cache = from a full replay"
is "$(place H20 H20-0004)" "sold,100001" "H20-0004 sold, read through the cache"

j=$(cksum <"$CS_DIR/journal")
rm -f "$CS_DIR/journal.cache"
cs-stock >"$T/rebuilt.csv"
is "$(cksum <"$T/rebuilt.csv")" "$(cksum <"$T/without.csv")" \
    "deleted cache: rebuilt, same figures"
is "$(cksum <"$CS_DIR/journal")" "$j" "the cache never changes the journal"

# A damaged header is ignored (and renewed).
printf 'XXXXXXXX' | dd of="$CS_DIR/journal.cache" bs=1 seek=0 conv=notrunc 2>/dev/null
cs-stock >"$T/damaged.csv" 2>"$T/err"
is "$?" 0 "damaged cache: exit 0"
is "$(cksum <"$T/damaged.csv")" "$(cksum <"$T/without.csv")" \
    "damaged cache: ignored, same figures"

# A cache of another journal is ignored: same size, other history.
cp "$CS_DIR/journal.cache" "$T/old.cache"
cs-order -f fillup -c 100002 H22:4 | cs-deliver | cs-pick | cs-issue >/dev/null
cp "$T/old.cache" "$CS_DIR/journal.cache"
is "$(stock consignment H22 100002)" 4 \
    "a cache older than the journal: only the tail is replayed on top"
cp "$CS_DIR/journal" "$T/journal.keep"
head -c "$(($(wc -c <"$T/journal.keep") / 2))" "$T/journal.keep" >"$CS_DIR/journal"
cs-stock >/dev/null 2>&1
CS_NOCACHE=1 cs-stock >"$T/short.csv" 2>/dev/null
cs-stock >"$T/short-cache.csv" 2>/dev/null
is "$(cksum <"$T/short-cache.csv")" "$(cksum <"$T/short.csv")" \
    "a journal cut back before the cache's end: the cache is not used"
cp "$T/journal.keep" "$CS_DIR/journal"

# A truncated cache is ignored.
cs-stock -s >/dev/null
head -c "$(($(wc -c <"$CS_DIR/journal.cache") / 3))" "$CS_DIR/journal.cache" \
    >"$T/cut.cache"
cp "$T/cut.cache" "$CS_DIR/journal.cache"
CS_NOCACHE=1 cs-stock -s >"$T/nocache-s.csv"
run cs-stock -s
is "$rc" 0 "a truncated cache: exit 0"
is "$(printf '%s\n' "$out" | cksum)" "$(cksum <"$T/nocache-s.csv")" \
    "a truncated cache: ignored, same serial places as a full replay"

# A cache of another journal is ignored, even one of the same length
# whose history differs only in its last transaction: here the same
# order for another customer.
cp -R "$CS_DIR" "$T/other"
cs-order -f fillup -c 100001 H11:1 | cs-deliver | cs-pick | cs-issue >/dev/null
CS_DIR=$T/other sh -c 'cs-order -f fillup -c 100002 H11:1 | cs-deliver |
    cs-pick | cs-issue' >/dev/null
is "$(wc -c <"$T/other/journal")" "$(wc -c <"$CS_DIR/journal")" \
    "the other journal has the same length"
CS_DIR=$T/other cs-stock -s >/dev/null
cp "$T/other/journal.cache" "$CS_DIR/journal.cache"
is "$(cs-stock | cksum)" "$(CS_NOCACHE=1 cs-stock | cksum)" \
    "the other journal's cache: ignored, the stock of a full replay"
is "$(stock consignment H11 100002) $(stock consignment H11 100001)" "0 11" \
    "... 100001 has the 11th H11, 100002 none"
rm -rf "$T/other"

# Documents keep growing past the room the cache left for them (256 more
# than it holds, and an eighth).
printf 'material,plant,sloc,batch,serials,qty\nH21,1000,1040,,,10000\n' |
    cs-issue --initial >/dev/null
i=0
while [ $i -lt 400 ]; do echo "100003,H21,1,P$i"; i=$((i + 1)); done |
    sed '1i customer,material,qty,po' >"$T/many.csv"
cs-order -f fillup "$T/many.csv" | cs-deliver | cs-pick | cs-issue >/dev/null
is "$(stock consignment H21 100003)" 400 "400 more orders through cached state"
is "$(cs-stock --check >/dev/null 2>&1; echo $?)" 0 "cs-stock --check (full replay) passes"
is "$(CS_NOCACHE=1 cs-stock | cksum)" "$(cs-stock | cksum)" \
    "after growing: cache and full replay agree"

# A cache writer that died before its rename leaves a temporary file; the
# next writer of the cache removes it.
: >"$CS_DIR/.journal.cache.999999"
rm -f "$CS_DIR/journal.cache"
cs-stock -s >/dev/null
is "$(ls -a "$CS_DIR" | grep -c '^\.journal\.cache\.')" 0 \
    "a dead writer's temporary cache file is removed"

# Without a usable cache the overview is one scan of the movements: the
# same answer, and no cache written.
rm -f "$CS_DIR/journal.cache"
is "$(cs-stock | cksum)" "$(cs-stock -s >/dev/null; cs-stock | cksum)" \
    "the overview scanned cold and from the cache agree"
rm -f "$CS_DIR/journal.cache"
cs-stock >/dev/null
is "$(ls "$CS_DIR" | grep -c '^journal\.cache$')" 0 \
    "the cold overview writes no cache"
done_testing
