#!/bin/sh
# make demo: copy sample-data to a fresh data directory, post the initial
# stock entry, run a fill-up through a real pipeline and show the stock.
set -e
bin=$1
PATH=$bin:$PATH
CS_DIR=${CS_DIR:-demo-data}
export PATH CS_DIR

# columns NAME...: the named columns of CSV on stdin, by header name.
columns() {
	awk -F, -v want="$*" 'NR == 1 { n = split(want, w, " ")
		for (i = 1; i <= NF; i++) ix[$i] = i }
	{ s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") $(ix[w[i]])
	  print s }'
}

rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
cp -R sample-data/. "$CS_DIR/"
echo "== data directory $CS_DIR, master data copied from sample-data/"
echo
echo "\$ cs-issue --initial $CS_DIR/initial-stock.csv        # 561"
cs-issue --initial "$CS_DIR/initial-stock.csv" |
    columns material batch qty matdoc mvt
echo
echo "\$ cs-order -f fillup $CS_DIR/requests/fillup-100001.csv | cs-deliver | cs-pick | cs-issue        # 631"
cs-order -f fillup "$CS_DIR/requests/fillup-100001.csv" | cs-deliver |
    cs-pick | cs-issue | columns order customer material qty batch delivery matdoc mvt serials
echo
echo "\$ cs-stock -o table"
cs-stock -o table
echo
echo "\$ cs-stock --check"
cs-stock --check
