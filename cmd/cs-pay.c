/*
 * cs-pay - incoming payments and open items.
 *
 * Reads payment rows (customer, amount, currency, date, ref, optional
 * document) from files or standard input.  A payment clears the named
 * billing document first, else the customer's oldest open items, using the
 * customer's credits (released credit memos, earlier overpayments) first;
 * what is left stays on account as a credit.  Writes each row with the
 * payment's accounting document, what it cleared and what stays on
 * account.  --open lists open items.  Journal: Y, K and A records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-pay [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file] [file ...]\n       cs-pay --open [-c customer] " \
	"[-d dir] [--date date] [-o csv|table|json]\n"

enum { OPT_OPEN = OPT_TOOL };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "customer", required_argument, NULL, 'c' },
	{ "open", no_argument, NULL, OPT_OPEN },
	{ NULL, 0, NULL, 0 }
};

static const char *const pay_cols[] = { "payment", "cleared", "on_account" };

static void
pay_batch(struct stage *s)
{
	size_t i;
	struct state *st = &s->st;

	stage_lock(s);
	for (i = 0; i < s->nrows; i++) {
		struct row *r = &s->rows[i];
		uint64_t doc = 0;
		int rc;
		char what[96];

		stage_doc_begin(s);
		rc = post_payment(&s->p, rowf_name(s, r, "customer"),
		    rowf_name(s, r, "amount"), rowf_name(s, r, "currency"),
		    rowf_name(s, r, "date"), rowf_name(s, r, "ref"),
		    rowf_name(s, r, "document"), &doc);
		snprintf(what, sizeof what, "customer %s ref %s",
		    rowf_name(s, r, "customer"), rowf_name(s, r, "ref"));
		if (stage_doc_end(s, rc, &r, 1, what) >= 0) {
			struct payment *y = state_payment(st, doc);
			const char *cur = state_str(st, y->currency);
			char db[24], ob[NUM_BUFSZ];
			struct buf cl = { 0 };
			const char *v[NCOL] = { 0 }, *x[3];
			const char *t;

			/* What it cleared, from the K records just made:
			 * "document:amount", credits used negative. */
			for (t = s->tx.s + s->tx_mark; rc == 0 &&
			    (t = strstr(t, "\nK\t")); t++) {
				const char *f2 = strchr(t + 3, '\t') + 1;
				const char *f3 = strchr(f2, '\t') + 1;
				const char *f4 = strchr(f3, '\t');

				if (cl.len)
					buf_addc(&cl, ' ');
				buf_add(&cl, f2, (size_t)(f3 - 1 - f2));
				buf_addc(&cl, ':');
				buf_add(&cl, f3, (size_t)(f4 - f3));
			}
			snprintf(db, sizeof db, "%llu", (unsigned long long)doc);
			x[0] = db;
			x[1] = cl.s ? cl.s : "";
			x[2] = amt_fmt(-y->open, cur_places(cur), ob);
			stage_emit_x(s, r, v, x);
			buf_free(&cl);
		}
	}
	stage_commit(s);
}

struct openrow {
	const char *customer;
	uint64_t doc;
	long date, due;
	int64_t amount, open;
	const char *currency;
};

static int
open_cmp(const void *a, const void *b)
{
	const struct openrow *x = a, *y = b;
	int c = natcmp(x->customer, y->customer);

	if (c)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static int
open_items(struct stage *s, const char *cust)
{
	static const char *cols[] = { "customer", "document", "date", "due",
	    "amount", "open", "currency", "days_overdue" };
	struct state *st = &s->st;
	struct out *out = out_open(stdout, (enum out_fmt)s->o->fmt, 8, cols);
	struct openrow *l = NULL;
	size_t n = 0, cap = 0, i;
	int status = 0;

	for (i = state_open_billing(st); i < st->nbill; i++) {
		struct billing *b = &st->bill[i];

		if (b->open == 0 || (*cust && strcmp(state_str(st, b->customer),
		    cust) != 0))
			continue;
		grow(&l, &cap, n + 1, sizeof *l);
		l[n].customer = state_str(st, b->customer);
		l[n].doc = BILL_BASE + i;
		l[n].date = b->date;
		l[n].due = b->due;
		l[n].amount = b->type == BT_F2 ? b->gross : -b->gross;
		l[n].open = b->open;
		l[n].currency = state_str(st, b->currency);
		n++;
	}
	for (i = state_open_payment(st); i < st->npay; i++) {
		struct payment *y = &st->pay[i];

		if (y->open == 0 || (*cust && strcmp(state_str(st, y->customer),
		    cust) != 0))
			continue;
		grow(&l, &cap, n + 1, sizeof *l);
		l[n].customer = state_str(st, y->customer);
		l[n].doc = y->doc;
		l[n].date = y->date;
		l[n].due = y->date;
		l[n].amount = -y->amount;
		l[n].open = y->open;
		l[n].currency = state_str(st, y->currency);
		n++;
	}
	if (n > 1)
		qsort(l, n, sizeof *l, open_cmp);
	for (i = 0; i < n; i++) {
		char db[24], d1[11], d2[11], ab[NUM_BUFSZ], ob[NUM_BUFSZ],
		    ov[24];
		int pl = cur_places(l[i].currency);
		long late = l[i].open > 0 ? s->o->day - l[i].due : 0;
		const char *v[8];

		snprintf(db, sizeof db, "%llu", (unsigned long long)l[i].doc);
		snprintf(ov, sizeof ov, "%ld", late > 0 ? late : 0);
		date_fmt(l[i].date, d1);
		date_fmt(l[i].due, d2);
		v[0] = l[i].customer;
		v[1] = db;
		v[2] = d1;
		v[3] = d2;
		v[4] = amt_fmt(l[i].amount, pl, ab);
		v[5] = amt_fmt(l[i].open, pl, ob);
		v[6] = l[i].currency;
		v[7] = ov;
		out_row(out, v);
	}
	free(l);
	if (out_close(out) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "cs-pay: write error on standard output\n");
		status = 2;
	}
	stage_free(s);
	return status;
}

/* The columns a payment row cannot do without. */
static const char *const pay_need[] = { "customer", "amount", NULL };

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, open = 0;
	const char *cust = "";

	opts_init(&o, "cs-pay", USAGE);
	while ((c = getopt_long(argc, argv, "c:" COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case 'c':
			cust = optarg;
			break;
		case OPT_OPEN:
			open = 1;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if (open && argc)
		usage_exit(&o);
	stage_open(&s, &o, "cs-pay", 0, !open);
	if (open)
		return open_items(&s, cust);
	s.extra = pay_cols;
	s.nextra = 3;
	s.need_names = pay_need;
	return stage_files(&s, argc, argv, pay_batch);
}
