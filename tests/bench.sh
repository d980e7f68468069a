#!/bin/sh
# make bench: throughput of the pipeline with group commit, start-up as the
# journal grows, and the stock overview from the journal against awk, mlr
# and sqlite3 on the same data in the same run.  Times are the best of
# three runs; the ratios are what to quote, machines are noisy.
set -eu
bin=$1
PATH=$bin:$PATH
N=${CS_BENCH_N:-20000}
W=$(mktemp -d "${TMPDIR:-/tmp}/cs-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
CS_DIR=$W/data
export PATH CS_DIR

# best CMD...: best wall time of three runs in seconds.
best() {
	b=
	for i in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		e=$(date +%s%N)
		t=$((e - s))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	awk -v t="$b" 'BEGIN { printf "%.3f", t / 1e9 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }'; }

mkdir -p "$CS_DIR"
cp -R sample-data/. "$CS_DIR/"
printf 'material,plant,sloc,batch,serials,qty\nH11,1000,1040,,,100000000\nH21,1000,1040,,,100000000\n' |
    cs-issue --initial >/dev/null

# requests: N fill-up orders (each its own po), three customers, two materials
requests() {
	awk -v n="$1" -v off="$2" 'BEGIN { print "customer,material,qty,po"
	    for (i = 0; i < n; i++) printf "1000%02d,%s,%d,P%d\n", 1 + i % 3,
	    i % 2 ? "H11" : "H21", 1 + i % 5, off + i }'
}
requests "$N" 0 >"$W/req1.csv"
requests "$N" "$N" >"$W/req2.csv"

echo "== pipeline: $N fill-up orders, cs-order | cs-deliver | cs-pick | cs-issue"
s=$(date +%s%N)
cs-order -f fillup "$W/req1.csv" | cs-deliver | cs-pick | cs-issue >"$W/out1.csv"
e=$(date +%s%N)
awk -v n="$N" -v t="$((e - s))" 'BEGIN { printf "%d orders in %.2f s: %.0f orders/s through four stages\n", n, t / 1e9, n / (t / 1e9) }'
size1=$(wc -c <"$CS_DIR/journal")
rm -f "$CS_DIR/journal.cache"
t1=$(best cs-stock)
t1n=$(CS_NOCACHE=1 best cs-stock)
printf 'customer,material,qty\n100001,H11,1\n' >"$W/one.csv"
stages() { cs-order -f fillup "$W/one.csv" | cs-deliver | cs-pick | cs-issue; }
dues() { cs-deliver --due; cs-pick --due; cs-issue --due; cs-bill --due; }
one1=$(best stages)
due1=$(best dues)

cs-order -f fillup "$W/req2.csv" | cs-deliver | cs-pick | cs-issue >/dev/null
size2=$(wc -c <"$CS_DIR/journal")
rm -f "$CS_DIR/journal.cache"
t2=$(best cs-stock)
t2n=$(CS_NOCACHE=1 best cs-stock)
echo
echo "== start-up as history grows (a whole cs-stock run)"
printf '%-12s %14s %18s %18s\n' history "journal bytes" "with cache" "full replay"
printf '%-12s %14d %16s s %16s s\n' "$N orders" "$size1" "$t1" "$t1n"
printf '%-12s %14d %16s s %16s s\n' "$((2 * N)) orders" "$size2" "$t2" "$t2n"
printf 'for %sx the history: %sx the time with the cache, %sx with a full replay\n' \
    "$(ratio "$size1" "$size2")" "$(ratio "$t1" "$t2")" "$(ratio "$t1n" "$t2n")"
one2=$(best stages)
due2=$(best dues)
printf 'one more fill-up through the four stages: %s s, then %s s on 2x the history\n' "$one1" "$one2"
printf 'the four due lists, nothing due:           %s s, then %s s on 2x the history\n' "$due1" "$due2"
echo
echo "== stock overview from the same journal ($size2 bytes)"
# The same figures the other tools compute from the journal's M records:
# own stock per plant, sloc, material, batch; consignment per customer.
cat >"$W/stock.awk" <<'AWK'
BEGIN { FS = "\t" }
$1 == "M" {
	m = $4; k = $7 SUBSEP $8 SUBSEP $6 SUBSEP $9; c = $7 SUBSEP $6 SUBSEP $9 SUBSEP $10
	if (m == 561 || m == 632) own[k] += $11
	if (m == 562 || m == 631) own[k] -= $11
	if (m == 631 || m == 634) con[c] += $11
	if (m == 632 || m == 633) con[c] -= $11
}
END { for (k in own) if (own[k]) print k, own[k]; for (c in con) if (con[c]) print c, con[c] }
AWK
ta=$(best awk -f "$W/stock.awk" "$CS_DIR/journal")
have_mlr=0; command -v mlr >/dev/null && have_mlr=1
if [ $have_mlr = 1 ]; then
	tm=$(best sh -c "grep '^M' '$CS_DIR/journal' | mlr --itsv --implicit-tsv-header --ocsv put -q '
	    own = \$7 . \",\" . \$8 . \",\" . \$6 . \",\" . \$9;
	    con = \$7 . \",\" . \$10 . \",\" . \$6 . \",\" . \$9;
	    if (\$4 == 561 || \$4 == 632) { @own[own] += \$11 }
	    if (\$4 == 562 || \$4 == 631) { @own[own] -= \$11 }
	    if (\$4 == 631 || \$4 == 634) { @con[con] += \$11 }
	    if (\$4 == 632 || \$4 == 633) { @con[con] -= \$11 }
	    end { emit @own, \"key\"; emit @con, \"key\" }'")
fi
have_sql=0; command -v sqlite3 >/dev/null && have_sql=1
if [ $have_sql = 1 ]; then
	cat >"$W/stock.sql" <<SQL
CREATE TABLE m(k,doc,item,mvt,date,material,plant,sloc,batch,customer,qty,serials,cost,cur,dlv,ditem);
.mode tabs
.import '|grep ^M "$CS_DIR/journal"' m
SELECT plant, sloc, material, batch, 'own', SUM(CASE WHEN mvt IN (561,632) THEN qty WHEN mvt IN (562,631) THEN -qty ELSE 0 END) q
  FROM m GROUP BY 1,2,3,4 HAVING q <> 0;
SELECT plant, customer, material, batch, 'consignment', SUM(CASE WHEN mvt IN (631,634) THEN qty WHEN mvt IN (632,633) THEN -qty ELSE 0 END) q
  FROM m GROUP BY 1,2,3,4 HAVING q <> 0;
SQL
	ts=$(best sh -c "sqlite3 :memory: <'$W/stock.sql'")
fi
rel() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
printf '%-26s %9s   %s\n' "" seconds "time relative to cs-stock (cache)"
printf '%-26s %9s   %s\n' "cs-stock (cache)" "$t2" 1.0x
printf '%-26s %9s   %s\n' "cs-stock (full replay)" "$t2n" "$(rel "$t2n" "$t2")"
printf '%-26s %9s   %s\n' "awk" "$ta" "$(rel "$ta" "$t2")"
[ $have_mlr = 1 ] && printf '%-26s %9s   %s\n' "mlr" "$tm" "$(rel "$tm" "$t2")"
[ $have_sql = 1 ] && printf '%-26s %9s   %s\n' "sqlite3 (import + query)" "$ts" "$(rel "$ts" "$t2")"
echo "(the full replay checks every record and CRC; awk, mlr and sqlite3 only add up movements)"
tc=$(best cs-stock --check)
printf '%-26s %9s   %s\n' "cs-stock --check" "$tc" "$(rel "$tc" "$ta") of awk's time"
