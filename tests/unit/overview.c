/*
 * tests/unit/overview.c - the cold stock overview (cs-stock without a
 * state cache: one scan of the M records) against sums made here the
 * plain way, on journals written byte by byte: tens of thousands of stock
 * keys (the tables grow many times with additions in flight), strings
 * longer than the scan keeps inline, a field holding a NUL byte (the
 * string ends there, as everywhere), -c and -m, and a sum that leaves
 * int64_t, which must name the record that overflows even when many
 * additions are queued before it.  Works in a mkdtemp directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "num.h"
#include "report.h"
#include "stage.h"
#include "tap.h"

static char dir[64];

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
put(const char *name, const char *text, size_t n)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if ((f = fopen(p, "w")) == NULL || fwrite(text, 1, n, f) != n ||
	    fclose(f) != 0)
		bail(p);
}

/* The journal being written: transactions of M records. */
static struct buf jr, tx;
static int ntx, nrec;

static void
tx_begin(void)
{
	buf_reset(&tx);
	buf_printf(&tx, "B\t%d\t2026-01-01T00:00:00Z\ttest\n", ++ntx);
	nrec = 0;
}

static void
tx_end(void)
{
	buf_add(&jr, tx.s, tx.len);
	buf_printf(&jr, "C\t%d\t%d\t%08lx\n", ntx, nrec,
	    crc32(0L, (const Bytef *)tx.s, (uInt)tx.len));
}

/* An M record; fields are given with their length, so one may hold a
 * NUL byte.  Returns the record's offset in the journal. */
static long
mrec(int mvt, const char *mat, size_t nmat, const char *plant,
    const char *sloc, const char *batch, const char *cust, size_t ncust,
    const char *qty)
{
	long off = (long)(jr.len + tx.len);

	buf_printf(&tx, "M\t%lld\t1\t%d\t2026-01-01\t",
	    4900000000LL + nrec, mvt);
	buf_add(&tx, mat, nmat);
	buf_printf(&tx, "\t%s\t%s\t%s\t", plant, sloc, batch);
	buf_add(&tx, cust, ncust);
	buf_printf(&tx, "\t%s\t\t1.00\tEUR\t\t\n", qty);
	nrec++;
	return off;
}

/* The expected rows, made the plain way: one (key, qty) per place a
 * movement touches, sorted, runs summed. */
struct want {
	char key[160];
	int64_t q;
};
static struct want *wv;
static size_t nwant, capwant;

static void
want_add(int place, const char *mat, const char *plant, const char *sloc,
    const char *batch, const char *cust, int64_t q)
{
	grow(&wv, &capwant, nwant + 1, sizeof *wv);
	snprintf(wv[nwant].key, sizeof wv[nwant].key, "%s,%s,%s,%s,%s,%s",
	    plant, place == 1 ? sloc : "", mat, batch,
	    place == 1 ? "own" : "consignment", place == 1 ? "" : cust);
	wv[nwant++].q = q;
}

static int
want_cmp(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->key,
	    ((const struct want *)b)->key);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expected rows as sorted "plant,sloc,material,batch,kind,customer,
 * qty" lines, zero sums left out. */
static void
want_text(struct buf *out, const char *cust, const char *mat)
{
	size_t i, j;

	qsort(wv, nwant, sizeof *wv, want_cmp);
	buf_reset(out);
	buf_add(out, "", 0);
	for (i = 0; i < nwant; i = j) {
		int64_t q = 0;
		char qb[NUM_BUFSZ], m[64];
		const char *p = strchr(strchr(wv[i].key, ',') + 1, ',') + 1;
		const char *c = strrchr(wv[i].key, ',') + 1;

		for (j = i; j < nwant && strcmp(wv[i].key, wv[j].key) == 0; j++)
			q += wv[j].q;
		snprintf(m, sizeof m, "%.*s", (int)(strchr(p, ',') - p), p);
		if (q == 0 || (*cust && strcmp(c, cust) != 0) ||
		    (*mat && strcmp(m, mat) != 0))
			continue;
		buf_printf(out, "%s,%s\n", wv[i].key, qty_fmt(q, qb));
	}
}

/* Run the cold overview: its rows as sorted lines of the first seven
 * columns into got, its status and message into rc and err. */
static int
run(const char *cust, const char *mat, struct buf *got, char *err)
{
	struct opts o;
	struct stage s;
	struct report_args ra = { cust, mat, "", "", "" };
	const char *const *cols;
	char *text = NULL, *line, **lines = NULL;
	size_t len = 0, n = 0, cap = 0, i;
	FILE *f = open_memstream(&text, &len);
	struct out *out;
	int nc, rc;

	opts_init(&o, "cs-stock", "usage\n");
	o.dir = dir;
	o.scan_ok = 1;
	setenv("CS_NOCACHE", "1", 1);
	stage_open(&s, &o, "cs-stock", 0, 0);
	if (!s.cold)
		bail("not a cold stage");
	cols = report_cols(REP_STOCK_AT, &nc);
	out = out_open(f, OUT_CSV, nc, cols);
	*err = '\0';
	rc = report_run(&s, REP_STOCK_AT, &ra, out, err);
	out_close(out);
	fclose(f);
	stage_free(&s);
	/* the header, then rows: keep plant .. qty */
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = line;
		int k;

		for (k = 0; k < 7 && p; k++)
			p = strchr(p + (k > 0), ',');
		if (p)
			*p = '\0';
		grow(&lines, &cap, n + 1, sizeof *lines);
		lines[n++] = line;
	}
	if (n > 1)
		qsort(lines + 1, n - 1, sizeof *lines, str_cmp);
	buf_reset(got);
	buf_add(got, "", 0);
	for (i = 1; i < n; i++)
		buf_printf(got, "%s\n", lines[i]);
	free(lines);
	free(text);
	return rc;
}

static void
setup(void)
{
	static const char *const files[] = { "materials.csv",
	    "customers.csv", "plants.csv", "prices.csv" };
	char p[128];
	size_t i;

	snprintf(dir, sizeof dir, "/tmp/cs-overview-XXXXXX");
	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct buf b = { 0 };
		char chunk[4096];
		size_t n;
		FILE *f;

		snprintf(p, sizeof p, "sample-data/%s", files[i]);
		if ((f = fopen(p, "r")) == NULL)
			bail(p);
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
		put(files[i], b.s, b.len);
		buf_free(&b);
	}
}

static void
teardown(void)
{
	static const char *const files[] = { "materials.csv",
	    "customers.csv", "plants.csv", "prices.csv", "journal" };
	char p[128];
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static size_t
rows(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Many keys: 40000 movements over 5 materials, 3000 customers (some
 * names longer than the scan keeps inline), 300 batches, two plants. */
static void
test_many(void)
{
	static const char *const mat[] = { "H11", "H20", "H21", "H22",
	    "F29" };
	static const int mvts[] = { 561, 631, 631, 632, 633, 634, 562 };
	struct buf want = { 0 }, got = { 0 };
	char err[JERRSZ];
	unsigned long seed = 11;
	int i;

	buf_reset(&jr);
	ntx = 0;
	nwant = 0;
	for (i = 0; i < 40000; i++) {
		char cust[64], batch[64], qty[32];
		const char *m, *plant = (i & 1) ? "1000" : "2000";
		const char *sloc = (i & 2) ? "1040" : "1050";
		int mvt, from, to;
		int64_t q;

		if (i % 1000 == 0) {
			if (i)
				tx_end();
			tx_begin();
		}
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		m = mat[(seed >> 33) % 5];
		mvt = mvts[(seed >> 40) % 7];
		if ((seed >> 20) % 7 == 0)
			snprintf(cust, sizeof cust, "customer-with-a-long-name-%lu",
			    (seed >> 24) % 3000);
		else
			snprintf(cust, sizeof cust, "%lu", 100000 + (seed >> 24) %
			    3000);
		if (strcmp(m, "F29") == 0)
			snprintf(batch, sizeof batch, "%sB%lu%s", m, (seed >> 45) %
			    300, (seed >> 50) % 5 ? "" :
			    "-a-batch-name-past-24-bytes");
		else
			*batch = '\0';
		q = (int64_t)((seed >> 12) % 100000);
		snprintf(qty, sizeof qty, "%" PRId64 ".%03d", q / 1000,
		    (int)(q % 1000));
		if (mvt == 561)
			from = 0, to = 1;
		else if (mvt == 562)
			from = 1, to = 0;
		else if (mvt == 631)
			from = 1, to = 2;
		else if (mvt == 632)
			from = 2, to = 1;
		else if (mvt == 633)
			from = 2, to = 0;
		else
			from = 0, to = 2;
		if (mvt == 561 || mvt == 562)
			*cust = '\0';
		mrec(mvt, m, strlen(m), plant, sloc, batch, cust, strlen(cust),
		    qty);
		if (from)
			want_add(from, m, plant, sloc, batch, cust, -q);
		if (to)
			want_add(to, m, plant, sloc, batch, cust, q);
	}
	tx_end();
	put("journal", jr.s, jr.len);
	want_text(&want, "", "");
	is_int(run("", "", &got, err), 0, "overview of 40000 movements");
	ok(strcmp(got.s, want.s) == 0, "every stock key summed, %zu rows",
	    rows(want.s));
	if (strcmp(got.s, want.s) != 0)
		printf("# got %zu rows, want %zu\n", rows(got.s), rows(want.s));
	want_text(&want, "100007", "");
	run("100007", "", &got, err);
	is_str(got.s, want.s, "-c: that customer's consignment only");
	want_text(&want, "", "H21");
	run("", "H21", &got, err);
	is_str(got.s, want.s, "-m: that material only");
	buf_free(&want);
	buf_free(&got);
}

/* A field holding a NUL byte ends there: "100001\0x" is customer
 * 100001, as every C string reader of the record sees it. */
static void
test_nul(void)
{
	struct buf got = { 0 };
	char err[JERRSZ];

	buf_reset(&jr);
	ntx = 0;
	tx_begin();
	mrec(561, "H11", 3, "1000", "1040", "", "", 0, "10");
	mrec(631, "H11", 3, "1000", "1040", "", "100001", 6, "3");
	mrec(631, "H11\0zz", 6, "1000", "1040", "", "100001\0x", 8, "4");
	tx_end();
	put("journal", jr.s, jr.len);
	is_int(run("", "", &got, err), 0, "a NUL byte in a field");
	is_str(got.s, "1000,,H11,,consignment,100001,7\n1000,1040,H11,,own,,3\n",
	    "... ends the field's string");
	buf_free(&got);
}

/* A sum that leaves int64_t is refused at the record that makes it, with
 * additions queued before it or not. */
static void
test_overflow(void)
{
	struct buf got = { 0 };
	char err[JERRSZ], want[128];
	long off;
	int i;

	buf_reset(&jr);
	ntx = 0;
	tx_begin();
	for (i = 0; i < 40; i++)
		mrec(561, "H11", 3, "1000", "1040", "", "", 0, "1");
	mrec(561, "H20", 3, "1000", "1040", "", "", 0,
	    "9223372036854775.000");
	for (i = 0; i < 5; i++)
		mrec(561, "H21", 3, "1000", "1040", "", "", 0, "2");
	off = mrec(561, "H20", 3, "1000", "1040", "", "", 0, "1");
	mrec(561, "H21", 3, "1000", "1040", "", "", 0, "2");
	tx_end();
	put("journal", jr.s, jr.len);
	is_int(run("", "", &got, err), -1, "a sum past the limit fails");
	snprintf(want, sizeof want, "at offset %ld: M record: quantity out of "
	    "range", off);
	ok(strstr(err, want) != NULL, "... at the record that makes it");
	if (strstr(err, want) == NULL)
		printf("# got: %s\n# want: ...%s\n", err, want);

	/* the same sum made smaller again stays in range */
	buf_reset(&jr);
	ntx = 0;
	tx_begin();
	mrec(561, "H20", 3, "1000", "1040", "", "", 0,
	    "9223372036854775.000");
	mrec(562, "H20", 3, "1000", "1040", "", "", 0,
	    "9223372036854775.000");
	for (i = 0; i < 40; i++)
		mrec(561, "H11", 3, "1000", "1040", "", "", 0, "1");
	mrec(561, "H20", 3, "1000", "1040", "", "", 0,
	    "9223372036854775.000");
	tx_end();
	put("journal", jr.s, jr.len);
	is_int(run("", "", &got, err), 0, "large sums within range");
	is_str(got.s, "1000,1040,H11,,own,,40\n"
	    "1000,1040,H20,,own,,9223372036854775\n", "... summed exactly");
	buf_free(&got);
}

int
main(void)
{
	setup();
	test_many();
	test_nul();
	test_overflow();
	teardown();
	buf_free(&jr);
	buf_free(&tx);
	free(wv);
	return tap_done();
}
