# tests/lib.sh - shared by the end-to-end tests: a fresh data directory
# from sample-data, TAP output, and small readers of our CSV by column name.
# Sourced by tests/NNNN-topic.t; the built tools are first on PATH.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-test.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
CS_DIR=$T/data
CS_LOCK_TIMEOUT=${CS_LOCK_TIMEOUT:-30}
export CS_DIR CS_LOCK_TIMEOUT
tap_n=0
tap_failed=0

# fresh: a new data directory with the sample master data, no journal.
fresh() {
	rm -rf "$CS_DIR"
	mkdir -p "$CS_DIR"
	cp -R "$TOP/sample-data/." "$CS_DIR/"
}

# initial: post the sample initial stock (561, 100 of each).
initial() {
	cs-issue --initial "$CS_DIR/initial-stock.csv" >/dev/null
}

# recrc FILE: recompute every commit record's count and CRC-32 (after a
# test edited the records).
recrc() {
	perl -MCompress::Zlib -e '
	my ($buf, $n) = ("", 0);
	while (my $l = <STDIN>) {
		if ($l =~ /^C\t(\d+)\t/) {
			printf "%sC\t%s\t%d\t%08x\n", $buf, $1, $n, crc32($buf);
			($buf, $n) = ("", 0);
		} elsif ($l =~ /^B\t/) {
			$buf = $l;
		} else {
			$buf .= $l; $n++;
		}
	}' <"$1" >"$1.new" && mv "$1.new" "$1"
}

pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $1"; }

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		printf '#   got: %s\n#  want: %s\n' "$1" "$2"
	fi
}

# like GOT ERE DESCRIPTION
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		pass "$3"
	else
		fail "$3"
		printf '#   got: %s\n#  want match: %s\n' "$1" "$2"
	fi
}

# unlike GOT ERE DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3"
		printf '#   got: %s\n#  unwanted: %s\n' "$1" "$2"
	else
		pass "$3"
	fi
}

# col NAME...: print the named columns of CSV on stdin (no header),
# comma-separated.  Our tools quote only fields that need it; the tests
# use this on fields that never do.
col() {
	awk -F, -v want="$*" '
	NR == 1 { n = split(want, w, " ")
		for (i = 1; i <= NF; i++) ix[$i] = i; next }
	{ line = ""
	  for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") $(ix[w[i]])
	  print line }'
}

# stock KIND MATERIAL [CUSTOMER] [BATCH]: total quantity from cs-stock
# (kind own or consignment; batch "" sums every batch).
stock() {
	cs-stock -m "$2" | awk -F, -v k="$1" -v c="${3:-}" -v b="${4:-}" '
	NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["kind"] == k && (c == "" || $ix["customer"] == c) &&
	    (b == "" || $ix["batch"] == b) { q += $ix["qty"] }
	END { print q + 0 }'
}

# own_at MATERIAL [BATCH]: own stock of plant 1000 sloc 1040 (batch ""
# sums every batch).
own_at() {
	cs-stock -m "$1" | awk -F, -v b="${2:-}" '
	NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["kind"] == "own" && $ix["plant"] == "1000" &&
	    $ix["sloc"] == "1040" && (b == "" || $ix["batch"] == b) {
		q += $ix["qty"] }
	END { print q + 0 }'
}

# run CMD...: stdout in $out, stderr in $err, exit status in $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# place MATERIAL SERIAL: "place,customer" of a serial from cs-stock -s.
place() {
	cs-stock -s -m "$1" | awk -F, -v s="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["serial"] == s { print $ix["place"] "," $ix["customer"] }'
}

# digest: a checksum of the data directory, to show it is byte-identical.
# journal.cache is left out: it is derived, and any tool may renew it.
digest() {
	(cd "$CS_DIR" && find . -type f ! -name journal.cache | sort |
	    xargs cat | cksum)
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
