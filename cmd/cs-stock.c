/*
 * cs-stock - reports from the journal.
 *
 * Writes the stock overview (own stock per storage location, consignment
 * stock per customer), serial places with -s, consumption request rows
 * from a customer's count with --count, and checks the journal and every
 * invariant with --check.  The reports that read the history or the
 * targets (--at, --movements, --statement, --aging, --refill) are in
 * lib/report.  Writes nothing to the journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include <time.h>

#include "archive.h"
#include "cache.h"
#include "flow.h"
#include "num.h"
#include "report.h"
#include "stage.h"

#define USAGE "usage: cs-stock [-d dir] [-o csv|table|json] [-c customer] " \
	"[-m material] [-s]\n                [--at date]\n" \
	"       cs-stock --movements [-d dir] [-o csv|table|json] " \
	"[-c customer]\n                [-m material] [--from date] " \
	"[--to date]\n" \
	"       cs-stock --statement -c customer [-d dir] " \
	"[-o csv|table|json]\n                [-m material] [--from date] " \
	"[--to date]\n" \
	"       cs-stock --aging [-d dir] [-o csv|table|json] [-c customer] " \
	"[-m material]\n                [--at date]\n" \
	"       cs-stock --refill [-d dir] [-o csv|table|json] [-c customer]\n" \
	"                [-m material]\n" \
	"       cs-stock --count file [--po ref] " \
	"[-d dir] [-o csv|table|json]\n" \
	"       cs-stock --flow document [-d dir] [-o csv|table|json]\n" \
	"       cs-stock --check [-d dir]\n" \
	"       cs-stock --archive year [-d dir] [-o csv|table|json]\n"

enum { OPT_COUNT = OPT_TOOL, OPT_CHECK, OPT_PO, OPT_AT, OPT_FROM, OPT_TO,
	OPT_MOVEMENTS, OPT_STATEMENT, OPT_AGING, OPT_REFILL, OPT_FLOW,
	OPT_ARCHIVE };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "customer", required_argument, NULL, 'c' },
	{ "material", required_argument, NULL, 'm' },
	{ "serials", no_argument, NULL, 's' },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "po", required_argument, NULL, OPT_PO },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "at", required_argument, NULL, OPT_AT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "movements", no_argument, NULL, OPT_MOVEMENTS },
	{ "statement", no_argument, NULL, OPT_STATEMENT },
	{ "aging", no_argument, NULL, OPT_AGING },
	{ "refill", no_argument, NULL, OPT_REFILL },
	{ "flow", required_argument, NULL, OPT_FLOW },
	{ "archive", required_argument, NULL, OPT_ARCHIVE },
	{ NULL, 0, NULL, 0 }
};

static struct state *cmp_st;

static int
finish(struct stage *s, struct out *out, int status)
{
	if (out_close(out) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error on standard output\n",
		    s->o->prog);
		status = 2;
	}
	stage_free(s);
	return status;
}

static int
overview(struct stage *s, const char *cust, const char *mat)
{
	struct state *st = &s->st;
	int nc;
	const char *const *cols = report_cols(REP_STOCK_AT, &nc);
	struct out *out = out_open(stdout, (enum out_fmt)s->o->fmt, nc, cols);
	struct ientry **l = xcalloc(st->stock.n + 1, sizeof *l);
	size_t n = 0, i;

	for (i = 0; i < st->stock.n; i++) {
		const struct stock_key *k = (const void *)st->stock.e[i].k;

		if (st->stock.e[i].v == 0 || k->batch == SID_ALL ||
		    (k->place != PL_OWN && k->place != PL_CONSIG))
			continue;
		if (*cust && (k->place != PL_CONSIG ||
		    strcmp(state_str(st, k->customer), cust) != 0))
			continue;
		if (*mat && strcmp(state_str(st, k->material), mat) != 0)
			continue;
		l[n++] = &st->stock.e[i];
	}
	report_stock_rows(s, l, n, out);
	free(l);
	return finish(s, out, 0);
}

static int
ser_cmp(const void *a, const void *b)
{
	const struct serial *x = *(struct serial *const *)a;
	const struct serial *y = *(struct serial *const *)b;
	int c = natcmp(state_str(cmp_st, x->material), state_str(cmp_st,
	    y->material));

	return c ? c : natcmp(state_str(cmp_st, x->serial), state_str(cmp_st,
	    y->serial));
}

static int
serials(struct stage *s, const char *cust, const char *mat)
{
	struct state *st = &s->st;
	int nc;
	const char *const *cols = report_cols(REP_SERIALS_AT, &nc);
	struct out *out = out_open(stdout, (enum out_fmt)s->o->fmt, nc, cols);
	struct serial **l = xcalloc(st->nser + 1, sizeof *l);
	size_t n = 0, i;

	for (i = 0; i < st->nser; i++) {
		struct serial *x = &st->ser[i];

		if (*cust && strcmp(state_str(st, x->customer), cust) != 0)
			continue;
		if (*mat && strcmp(state_str(st, x->material), mat) != 0)
			continue;
		l[n++] = x;
	}
	cmp_st = st;
	if (n > 1)
		qsort(l, n, sizeof *l, ser_cmp);
	for (i = 0; i < n; i++) {
		const struct serial *x = l[i];

		report_serial_row(out, st, x->material, x->serial, x->batch,
		    x->place, x->plant, x->sloc, x->customer, x->matdoc,
		    x->date);
	}
	free(l);
	return finish(s, out, 0);
}

/* A report of lib/report, its rows to standard output. */
static int
report(struct stage *s, enum report r, const struct report_args *a)
{
	int n;
	const char *const *cols = report_cols(r, &n);
	struct out *out = out_open(stdout, (enum out_fmt)s->o->fmt, n, cols);
	char err[JERRSZ];

	if (report_run(s, r, a, out, err) < 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		return finish(s, out, 3);
	}
	return finish(s, out, 0);
}

/* The date of option name, or exit 2. */
static const char *
date_arg(const struct opts *o, const char *name, const char *arg)
{
	if (date_days(arg) < 0) {
		fprintf(stderr, "%s: %s '%s': not a date YYYY-MM-DD\n",
		    o->prog, name, arg);
		exit(2);
	}
	return arg;
}

/*
 * Consignment stock by customer, material and batch (SID_ALL: every
 * batch), summed over plants, since a count knows no plant: one pass over
 * the stock, so that each counted row is one lookup however many stock
 * entries there are.
 */
static void
book_index(const struct state *st, struct imap *ix)
{
	size_t i;

	for (i = 0; i < st->stock.n; i++) {
		const struct stock_key *k = (const void *)st->stock.e[i].k;
		uint32_t key[3];

		if (k->place != PL_CONSIG || st->stock.e[i].v == 0)
			continue;
		key[0] = k->customer;
		key[1] = k->material;
		key[2] = k->batch;
		imap_put(ix, key, 3, NULL)->v += st->stock.e[i].v;
	}
}

/* Book consignment stock of customer and material (batch "" = all). */
static int64_t
book_qty(struct state *st, const struct imap *ix, const char *cust,
    const char *mat, const char *batch)
{
	uint32_t key[3];
	const struct ientry *e;

	key[0] = state_find(st, cust);
	key[1] = state_find(st, mat);
	key[2] = *batch ? state_find(st, batch) : SID_ALL;
	if (key[0] == 0 || key[1] == 0 || key[2] == 0)
		return 0;
	e = imap_get(ix, key, 3);
	return e ? e->v : 0;
}

/* "input line N" for standard input, "FILE: line N" for a file. */
static const char *
where(struct rec_in *in, char *b, size_t n)
{
	if (strcmp(rec_name(in), "stdin") == 0)
		snprintf(b, n, "input line %ld", rec_lineno(in));
	else
		snprintf(b, n, "%s: line %ld", rec_name(in), rec_lineno(in));
	return b;
}

static int
count(struct stage *s, const char *path, const char *po)
{
	static const char *cols[] = { "flow", "customer", "material", "batch",
	    "qty", "book", "counted", "po" };
	struct state *st = &s->st;
	struct out *out;
	char err[REC_ERRSZ], *paths[1] = { (char *)path };
	struct rec_in *in;
	struct imap ix = { 0 };
	int status = 0, rc;

	/* A count file is read through first: a bad one gives no rows at
	 * all, rather than the rows before the fault. */
	if (stage_check_files(s, 1, paths) < 0) {
		stage_free(s);
		return 2;
	}
	if ((in = rec_open(strcmp(path, "-") == 0 ? NULL : path, err)) ==
	    NULL) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		stage_free(s);
		return 2;
	}
	if (rec_duplicate(in) != NULL) {
		fprintf(stderr, "%s: %s: column '%s' appears twice\n",
		    s->o->prog, strcmp(path, "-") == 0 ? "input" : path,
		    rec_duplicate(in));
		rec_close(in, err);
		stage_free(s);
		return 2;
	}
	{
		static const char *const need[] = { "customer", "material",
		    "qty" };
		int k, i;

		for (k = 0; k < 3 && rec_ncols(in) > 0; k++) {
			for (i = 0; i < rec_ncols(in); i++)
				if (strcmp(rec_colname(in, i), need[k]) == 0)
					break;
			if (i == rec_ncols(in)) {
				fprintf(stderr, "%s: %s: no column '%s'\n",
				    s->o->prog, strcmp(path, "-") == 0 ?
				    "input" : path, need[k]);
				rec_close(in, err);
				stage_free(s);
				return 2;
			}
		}
	}
	out = out_open(stdout, (enum out_fmt)s->o->fmt, *po ? 8 : 7, cols);
	book_index(st, &ix);
	while ((rc = rec_next(in)) > 0) {
		const char *cust = rec_get(in, "customer");
		const char *mat = rec_get(in, "material");
		const char *batch = rec_get(in, "batch");
		const char *qs = rec_get(in, "qty");
		int64_t counted, book, diff;
		char qb[NUM_BUFSZ], bb[NUM_BUFSZ], cb[NUM_BUFSZ], wb[256];

		if (master_customer(&s->m, cust) == NULL ||
		    master_material(&s->m, mat) == NULL) {
			fprintf(stderr, "%s: %s: unknown %s '%s'\n",
			    s->o->prog, where(in, wb, sizeof wb),
			    master_customer(&s->m, cust) ? "material" :
			    "customer", master_customer(&s->m, cust) ? mat :
			    cust);
			status = 1;
			continue;
		}
		if (*batch && !master_material(&s->m, mat)->batch) {
			fprintf(stderr, "%s: %s: material %s is not managed in "
			    "batches\n", s->o->prog, where(in, wb, sizeof wb),
			    mat);
			status = 1;
			continue;
		}
		if (qty_parse(qs, &counted) != NUM_OK || counted < 0) {
			fprintf(stderr, "%s: %s: qty '%s': not a quantity\n",
			    s->o->prog, where(in, wb, sizeof wb), qs);
			status = 1;
			continue;
		}
		book = book_qty(st, &ix, cust, mat, batch);
		diff = book - counted;
		if (diff < 0) {
			fprintf(stderr, "%s: %s: customer %s %s%s%s: "
			    "counted %s, book %s: discrepancy of %s\n",
			    s->o->prog, where(in, wb, sizeof wb), cust, mat,
			    *batch ? " batch " : "", batch,
			    qty_fmt(counted, cb), qty_fmt(book, bb),
			    qty_fmt(-diff, qb));
			status = 1;
			continue;
		}
		if (diff == 0)
			continue;
		{
			const char *v[8] = { "issue", cust, mat, batch,
			    qty_fmt(diff, qb), qty_fmt(book, bb),
			    qty_fmt(counted, cb), po };

			out_row(out, v);
		}
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, rec_err(in));
		status = 2;
	}
	if (rec_close(in, err) < 0 && rc >= 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		status = 2;
	}
	imap_free(&ix);
	return finish(s, out, status);
}

static int
flow(struct stage *s, uint64_t doc)
{
	struct out *out = flow_open(stdout, s->o->fmt);
	char err[64];

	if (flow_report(&s->st, out, doc, err, sizeof err) < 0) {
		fprintf(stderr, "%s: --flow: %s\n", s->o->prog, err);
		return finish(s, out, 1);
	}
	return finish(s, out, 0);
}

struct chk {
	struct state *st;
	long bad;
};

/* A --check replay: a record the state does not allow is a violation,
 * reported and left out, and the replay goes on. */
static int
check_rec(void *ctx, const struct jrec *r, struct buf *why)
{
	struct chk *c = ctx;
	struct buf w = { 0 };
	const char *k = r->f[0];
	int rc, item = strcmp(k, "O") == 0 || strcmp(k, "D") == 0 ||
	    strcmp(k, "P") == 0 || strcmp(k, "M") == 0 ||
	    strcmp(k, "A") == 0 || strcmp(k, "F") == 0;

	if (*k == '\0') {
		buf_printf(&w, "empty record");
		rc = -1;
	} else
		rc = state_apply(c->st, r, &w);
	if (rc < 0) {
		printf("transaction %llu at offset %lld: %s %s%s%s: %s\n",
		    (unsigned long long)r->txn, (long long)r->off, k, r->f[1],
		    item ? (strcmp(k, "A") == 0 ? " line " : " item ") : "",
		    item ? r->f[2] : "", w.s ? w.s : "");
		c->bad++;
		/* An accounting document that does not balance shows when
		 * the next one starts: report it once and go on without it. */
		if (strcmp(k, "A") == 0 && c->st->acc_lines &&
		    strstr(w.s ? w.s : "", "does not balance")) {
			c->st->acc_lines = 0;
			c->st->acc_bal = 0;
			buf_reset(&w);
			if (state_apply(c->st, r, &w) < 0) {
				printf("transaction %llu at offset %lld: A %s "
				    "line %s: %s\n", (unsigned long long)r->txn,
				    (long long)r->off, r->f[1], r->f[2], w.s);
				c->bad++;
			}
		}
	}
	buf_free(&w);
	return 0;
}

/*
 * Replay the whole journal, checking every record against the state before
 * it (no stock below zero at any point, serials moving only from where
 * they are, documents changing only as their state allows, numbers unique
 * and gapless, accounting documents balanced, a po and a payment ref once),
 * then what only the end shows: received less reversed = own + consignment
 * + sold per material, serials agreeing with the stock, no claim or
 * reservation below zero, every reversal complete.  Prints each violation;
 * nothing when all holds.  Exit 0 clean, 1 violations, 3 damage.
 */
static int
check(struct stage *s)
{
	struct state *st = &s->st;
	struct chk c = { st, 0 };
	char err[JERRSZ], a[NUM_BUFSZ], b[NUM_BUFSZ];
	int64_t *sum, *ser, *serstock;
	struct buf why = { 0 };
	size_t i;

	if (journal_lock(&s->j, LOCK_SH, s->o->wait_ms, err) < 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		stage_free(s);
		return 3;
	}
	if (journal_scan(&s->j, check_rec, &c, err) < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		stage_free(s);
		return 3;
	}
	journal_unlock(&s->j);
	if (s->j.torn)
		fprintf(stderr, "%s: journal: torn tail of %lld bytes ignored\n",
		    s->o->prog, (long long)s->j.torn);
	if (state_acc_close(st, &why) < 0) {
		printf("end of journal: %s\n", why.s);
		c.bad++;
	}
	buf_free(&why);
	sum = xcalloc(st->nstr + 1, sizeof *sum);
	ser = xcalloc(st->nstr + 1, sizeof *ser);
	serstock = xcalloc(st->nstr + 1, sizeof *serstock);
	for (i = 0; i < st->stock.n; i++) {
		const struct stock_key *k = (const void *)st->stock.e[i].k;
		const struct material *m;

		if (k->batch == SID_ALL)
			continue;
		sum[k->material] += st->stock.e[i].v;
		if (st->stock.e[i].v < 0) {
			printf("end of journal: %s stock of %s below zero\n",
			    place_name((int)k->place),
			    state_str(st, k->material));
			c.bad++;
		}
		m = master_material(&s->m, state_str(st, k->material));
		if (m && m->serial)
			serstock[k->material] += st->stock.e[i].v;
	}
	for (i = 1; i < st->nstr; i++) {
		int64_t rcv = i < st->nreceived ? st->received[i] : 0;

		if (rcv != sum[i]) {
			printf("end of journal: material %s: received less "
			    "reversed %s, but own + consignment + sold %s\n",
			    state_str(st, (sid)i), qty_fmt(rcv, a),
			    qty_fmt(sum[i], b));
			c.bad++;
		}
	}
	for (i = 0; i < st->nser; i++)
		if (st->ser[i].place != PL_GONE)
			ser[st->ser[i].material] += QTY_SCALE;
	for (i = 1; i < st->nstr; i++)
		if (ser[i] != serstock[i]) {
			printf("end of journal: material %s: %s serials in "
			    "stock, but a stock of %s\n", state_str(st, (sid)i),
			    qty_fmt(ser[i], a), qty_fmt(serstock[i], b));
			c.bad++;
		}
	for (i = 0; i < st->claim.n; i++)
		if (st->claim.e[i].v < 0) {
			printf("end of journal: an open order claims less "
			    "than nothing\n");
			c.bad++;
		}
	for (i = 0; i < st->resv.n; i++)
		if (st->resv.e[i].v < 0) {
			printf("end of journal: a delivery reserves less than "
			    "nothing\n");
			c.bad++;
		}
	for (i = 0; i < st->nmatdoc; i++) {
		const struct matdoc *m = &st->matdoc[i], *o;

		if (m->reverses && (o = state_matdoc(st, m->reverses)) &&
		    o->n != m->n) {
			printf("end of journal: material document %llu "
			    "reverses %zu of the %zu items of %llu\n",
			    (unsigned long long)(MATDOC_BASE + i), m->n, o->n,
			    (unsigned long long)m->reverses);
			c.bad++;
		}
	}
	free(sum);
	free(ser);
	free(serstock);
	stage_free(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "cs-stock: write error on standard output\n");
		return 2;
	}
	return c.bad ? 1 : 0;
}

/*
 * Move the transactions of year and before into DIR/journal-YEAR.gz under
 * the exclusive lock, then write the state cache for the shortened
 * journal.  One row for the segment written; none when there was nothing
 * to move.  Exit 0, 2 when it could not start, 3 when a check failed.
 */
static int
archive(struct stage *s, int year)
{
	static const char *cols[] = { "year", "segment", "first_txn",
	    "last_txn", "bytes", "gz_bytes" };
	struct out *out = out_open(stdout, (enum out_fmt)s->o->fmt, 6, cols);
	struct archive_res r;
	char err[JERRSZ], v[4][24], yb[16];
	const char *row[6], *base;
	int rc = 0;

	memset(&r, 0, sizeof r);
	if (s->j.fd >= 0) {
		stage_lock(s);
		rc = journal_archive(&s->j, year, &r, err);
		if (rc == 0 && r.done)
			cache_save(&s->st, &s->j, s->o->dir);
		journal_unlock(&s->j);
	}
	if (rc < 0) {
		fprintf(stderr, "%s: --archive %d: %s\n", s->o->prog, year,
		    err);
		return finish(s, out, rc == -2 ? 2 : 3);
	}
	if (!r.done) {
		fprintf(stderr, "%s: --archive %d: no transaction of %d or "
		    "before in the journal; nothing archived\n", s->o->prog,
		    year, year);
		return finish(s, out, 0);
	}
	base = strrchr(r.path, '/');
	row[0] = fmt_int(year, yb);
	row[1] = base ? base + 1 : r.path;
	row[2] = fmt_u64(r.first, v[0]);
	row[3] = fmt_u64(r.last, v[1]);
	row[4] = fmt_u64((uint64_t)r.bytes, v[2]);
	row[5] = fmt_u64((uint64_t)r.gzbytes, v[3]);
	out_row(out, row);
	return finish(s, out, 0);
}

/* The year of --archive: four digits, and over (UTC, as the journal's
 * stamps), or exit 2. */
static int
year_arg(const struct opts *o, const char *arg)
{
	time_t t = time(NULL);
	struct tm tm;
	int y;

	gmtime_r(&t, &tm);
	if (strlen(arg) != 4 || strspn(arg, "0123456789") != 4) {
		fprintf(stderr, "%s: --archive '%s': not a year YYYY\n",
		    o->prog, arg);
		exit(2);
	}
	if ((y = atoi(arg)) >= tm.tm_year + 1900) {
		fprintf(stderr, "%s: --archive %d: the year is not over\n",
		    o->prog, y);
		exit(2);
	}
	return y;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, ser = 0, chk = 0, rep = 0, year = 0;
	const char *cust = "", *mat = "", *cnt = NULL, *po = "";
	const char *at = NULL, *from = NULL, *to = NULL;
	uint64_t flowdoc = 0;

	opts_init(&o, "cs-stock", USAGE);
	while ((c = getopt_long(argc, argv, "c:" COMMON_SHORT "m:s", longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case 'c':
			cust = optarg;
			break;
		case 'm':
			mat = optarg;
			break;
		case 's':
			ser = 1;
			break;
		case OPT_COUNT:
			cnt = optarg;
			break;
		case OPT_PO:
			po = optarg;
			break;
		case OPT_CHECK:
			chk = 1;
			break;
		case OPT_AT:
			at = date_arg(&o, "--at", optarg);
			break;
		case OPT_FROM:
			from = date_arg(&o, "--from", optarg);
			break;
		case OPT_TO:
			to = date_arg(&o, "--to", optarg);
			break;
		case OPT_FLOW:
			if ((flowdoc = docno(optarg)) == 0) {
				fprintf(stderr, "%s: --flow %s: not a document "
				    "number\n", o.prog, optarg);
				usage_exit(&o);
			}
			break;
		case OPT_ARCHIVE:
			year = year_arg(&o, optarg);
			break;
		case OPT_MOVEMENTS:
		case OPT_STATEMENT:
		case OPT_AGING:
		case OPT_REFILL:
			if (rep && rep != c)
				usage_exit(&o);
			rep = c;
			break;
		default:
			usage_exit(&o);
		}
	}
	if (optind != argc || (ser + chk + (cnt != NULL) + (rep != 0) +
	    (flowdoc != 0) + (year != 0)) > 1 ||
	    (flowdoc && (at || from || to)) ||
	    (year && (at || from || to || *cust || *mat || *po)) ||
	    (at && (chk || cnt || (rep && rep != OPT_AGING))) ||
	    ((from || to) && rep != OPT_MOVEMENTS && rep != OPT_STATEMENT))
		usage_exit(&o);
	if (rep == OPT_STATEMENT && *cust == '\0') {
		fprintf(stderr, "%s: --statement needs -c customer\n", o.prog);
		usage_exit(&o);
	}
	if (from && to && strcmp(from, to) > 0) {
		fprintf(stderr, "%s: --from %s is after --to %s\n", o.prog,
		    from, to);
		exit(2);
	}
	o.full_replay = chk;
	o.no_replay = chk;
	/* Without a cache the overview is one scan of the movements, not a
	 * replay of every document. */
	o.scan_ok = !(ser || chk || cnt || rep || at || flowdoc || year);
	stage_open(&s, &o, "cs-stock", 0, 0);
	if (s.cold) {
		struct report_args ra = { cust, mat, "", "", "" };

		return report(&s, REP_STOCK_AT, &ra);
	}
	if (rep || at) {
		/* Without --at, --aging is as of today; a statement closes
		 * today. */
		struct report_args ra = { cust, mat, at ? at : o.date,
		    from ? from : "", to ? to : rep == OPT_STATEMENT ? o.date :
		    "" };

		return report(&s, rep == OPT_MOVEMENTS ? REP_MOVEMENTS :
		    rep == OPT_STATEMENT ? REP_STATEMENT : rep == OPT_AGING ?
		    REP_AGING : rep == OPT_REFILL ? REP_REFILL : ser ?
		    REP_SERIALS_AT : REP_STOCK_AT, &ra);
	}
	if (flowdoc)
		return flow(&s, flowdoc);
	if (year)
		return archive(&s, year);
	if (chk)
		return check(&s);
	if (cnt)
		return count(&s, cnt, po);
	if (ser)
		return serials(&s, cust, mat);
	return overview(&s, cust, mat);
}
