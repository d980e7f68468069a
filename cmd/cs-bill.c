/*
 * cs-bill - billing documents for posted issue and return deliveries.
 *
 * Reads delivery rows (delivery, optional delivery_item) from files or
 * standard input, or takes the billing due list with --due: posted issue
 * and return deliveries not billed yet, whose order has no billing block.
 * Issue deliveries get an invoice (F2) and its accounting document; return
 * deliveries a credit memo (RE), blocked for accounting until --release.
 * One billing document per customer and delivery date, or per delivery
 * with --per-delivery.  Fill-up and pickup deliveries are never billed.
 * --cancel reverses a billing document and reopens its deliveries.
 * Journal: F, FC, FR and A records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-bill [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file]\n               [--per-delivery] [--due | file ...]\n" \
	"       cs-bill --cancel [billing ...]\n" \
	"       cs-bill --release [billing ...]\n"

enum { OPT_DUE = OPT_TOOL, OPT_CANCEL, OPT_RELEASE, OPT_PERDLV };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "due", no_argument, NULL, OPT_DUE },
	{ "cancel", no_argument, NULL, OPT_CANCEL },
	{ "release", no_argument, NULL, OPT_RELEASE },
	{ "per-delivery", no_argument, NULL, OPT_PERDLV },
	{ NULL, 0, NULL, 0 }
};

static int per_delivery;

#define BILL_MAXDLV 500		/* deliveries in one billing document */

/* Write the billing items of bno for the rows of its deliveries. */
static void
emit_billing(struct stage *s, struct row *const *rows, int n, uint64_t bno)
{
	struct state *st = &s->st;
	struct billing *b = state_billing(st, bno);
	const char *cur = state_str(st, b->currency);
	int pl = cur_places(cur), k;
	size_t i;

	for (k = 0; k < n; k++) {
		uint64_t dno = docno(rowf(s, rows[k], C_DELIVERY));
		int want = atoi(rowf(s, rows[k], C_DELIVERY_ITEM));

		for (i = b->first; i < b->first + b->n; i++) {
			struct bitem *bi = &st->bitem[i];
			const char *v[NCOL] = { 0 };
			char bb[24], ib[24], db[24], dib[24], ob[24], oib[24],
			    qb[NUM_BUFSZ], pb[NUM_BUFSZ], nb[NUM_BUFSZ],
			    tb[NUM_BUFSZ], gb[NUM_BUFSZ], dt[11];

			if (bi->delivery != dno ||
			    (want && bi->delivery_item != want))
				continue;
			snprintf(bb, sizeof bb, "%llu", (unsigned long long)bno);
			snprintf(ib, sizeof ib, "%d", bi->item);
			snprintf(db, sizeof db, "%llu",
			    (unsigned long long)bi->delivery);
			snprintf(dib, sizeof dib, "%d", bi->delivery_item);
			snprintf(ob, sizeof ob, "%llu",
			    (unsigned long long)bi->order);
			snprintf(oib, sizeof oib, "%d", bi->order_item);
			date_fmt(b->date, dt);
			v[C_FLOW] = b->type == BT_F2 ? "issue" : "return";
			v[C_ORDER] = ob;
			v[C_ORDER_ITEM] = oib;
			v[C_CUSTOMER] = state_str(st, b->customer);
			v[C_MATERIAL] = state_str(st, bi->material);
			v[C_QTY] = qty_fmt(bi->qty, qb);
			v[C_UNIT] = state_str(st, bi->unit);
			v[C_BATCH] = state_str(st, bi->batch);
			v[C_SERIALS] = state_str(st, bi->serials);
			v[C_PRICE] = amt_fmt(bi->price, pl, pb);
			v[C_CURRENCY] = cur;
			v[C_DELIVERY] = db;
			v[C_DELIVERY_ITEM] = dib;
			v[C_DATE] = dt;
			v[C_BILLING] = bb;
			v[C_BILLING_ITEM] = ib;
			v[C_BILLING_TYPE] = b->type == BT_F2 ? "F2" : "RE";
			v[C_NET] = amt_fmt(bi->net, pl, nb);
			v[C_TAX] = amt_fmt(bi->tax, pl, tb);
			v[C_GROSS] = amt_fmt(bi->gross, pl, gb);
			stage_emit(s, rows[k], v);
		}
	}
}

/* The rows (from index from on) of the n deliveries dn, into out. */
static int
rows_of(struct stage *s, const uint64_t *dn, int n, size_t from,
    struct row **out)
{
	size_t j;
	int k, m = 0;

	for (j = from; j < s->nrows; j++) {
		uint64_t d = docno(rowf(s, &s->rows[j], C_DELIVERY));

		for (k = 0; k < n; k++)
			if (d == dn[k]) {
				out[m++] = &s->rows[j];
				break;
			}
	}
	return m;
}

/* May delivery d be billed now?  0 yes, else prints a note or error. */
static int
billable(struct stage *s, struct row *r, uint64_t dno)
{
	struct state *st = &s->st;
	struct delivery *d = state_delivery(st, dno);
	struct order *o;
	struct buf m = { 0 };
	int rc = 1;

	if (d == NULL) {
		buf_printf(&m, "delivery %s: no such delivery",
		    rowf(s, r, C_DELIVERY));
		stage_row_error(s, r, m.s);
		buf_free(&m);
		return -1;
	}
	o = state_order(st, st->ditem[d->first].order);
	if (d->flow == FL_FILLUP || d->flow == FL_PICKUP)
		fprintf(stderr, "%s: delivery %llu is a %s delivery: never "
		    "billed\n", s->o->prog, (unsigned long long)dno,
		    flow_name(d->flow));
	else if (d->deleted || !d->matdoc) {
		buf_printf(&m, "delivery %llu is not posted",
		    (unsigned long long)dno);
		stage_row_error(s, r, m.s);
		rc = -1;
	} else if (d->billing)
		rc = 2;
	else if (o && o->block)
		fprintf(stderr, "%s: delivery %llu: return order %llu has a "
		    "billing block; release it with cs-order --release\n",
		    s->o->prog, (unsigned long long)dno,
		    (unsigned long long)st->ditem[d->first].order);
	else
		rc = 0;
	buf_free(&m);
	return rc;
}

struct group {
	uint64_t *dn;
	int n, cap;
	sid customer;
	int flow;
	long date;
};

static void
bill_batch(struct stage *s)
{
	struct state *st = &s->st;
	struct group *gr = NULL;
	size_t ngr = 0, capgr = 0, i, j;
	uint64_t *seen = xcalloc(s->nrows + 1, sizeof *seen);
	size_t nseen = 0;
	struct row **rows = xcalloc(s->nrows + 1, sizeof *rows);

	stage_lock(s);
	/* A row that names what is not there takes its delivery out. */
	for (i = 0; i < s->nrows; i++) {
		char b[128];
		const char *bad = stage_bad_item(s, &s->rows[i], b, sizeof b);
		uint64_t dno = docno(rowf(s, &s->rows[i], C_DELIVERY));
		int dup = 0;

		for (j = 0; j < nseen; j++)
			dup |= seen[j] == dno;
		if (bad && !dup) {
			char m[192];

			snprintf(m, sizeof m, "delivery %s%s%s",
			    rowf(s, &s->rows[i], C_DELIVERY),
			    strncmp(bad, "item ", 5) == 0 ? " " : ": ", bad);
			stage_row_error(s, &s->rows[i], m);
			seen[nseen++] = dno;
		}
	}
	for (i = 0; i < s->nrows; i++) {
		struct row *r = &s->rows[i];
		uint64_t dno = docno(rowf(s, r, C_DELIVERY));
		struct delivery *d;
		int rc, dup = 0;
		size_t g;

		for (j = 0; j < nseen; j++)
			dup |= seen[j] == dno;
		if (dup)
			continue;
		seen[nseen++] = dno;
		rc = billable(s, r, dno);
		if (rc == 2) {
			d = state_delivery(st, dno);
			fprintf(stderr, "%s: delivery %llu is billed already in "
			    "%llu\n", s->o->prog, (unsigned long long)dno,
			    (unsigned long long)d->billing);
			emit_billing(s, rows, rows_of(s, &dno, 1, i, rows),
			    d->billing);
			continue;
		}
		if (rc != 0)
			continue;
		d = state_delivery(st, dno);
		for (g = 0; g < ngr; g++)
			if (!per_delivery && gr[g].customer == d->customer &&
			    gr[g].flow == d->flow && gr[g].date == d->date &&
			    gr[g].n < BILL_MAXDLV)
				break;
		if (g == ngr) {
			grow(&gr, &capgr, ngr + 1, sizeof *gr);
			memset(&gr[ngr], 0, sizeof *gr);
			gr[ngr].customer = d->customer;
			gr[ngr].flow = d->flow;
			gr[ngr].date = d->date;
			ngr++;
		}
		if (gr[g].n == gr[g].cap) {
			gr[g].cap = gr[g].cap ? gr[g].cap * 2 : 8;
			gr[g].dn = xrealloc(gr[g].dn, (size_t)gr[g].cap *
			    sizeof *gr[g].dn);
		}
		gr[g].dn[gr[g].n++] = dno;
	}
	for (i = 0; i < ngr; i++) {
		uint64_t bno = 0;
		int n = rows_of(s, gr[i].dn, gr[i].n, 0, rows), rc;
		char what[96];

		stage_doc_begin(s);
		rc = post_billing(&s->p, gr[i].dn, gr[i].n, &bno);
		snprintf(what, sizeof what, "customer %s delivery %llu",
		    state_str(st, gr[i].customer),
		    (unsigned long long)gr[i].dn[0]);
		if (stage_doc_end(s, rc, rows, n, what) == 0)
			emit_billing(s, rows, n, bno);
		free(gr[i].dn);
	}
	free(gr);
	free(seen);
	free(rows);
	stage_commit(s);
}

static int
cancel_billing(struct stage *s, uint64_t no, int item)
{
	return post_cancel(&s->p, no);
}

static int
release_billing(struct stage *s, uint64_t no, int item)
{
	return post_release_billing(&s->p, no);
}

static void
emit_head(struct stage *s, uint64_t no, const char **v,
    char *scratch)
{
	struct billing *b = state_billing(&s->st, no);
	const char *cur = state_str(&s->st, b->currency);

	v[C_BILLING_TYPE] = b->type == BT_F2 ? "F2" : "RE";
	v[C_CUSTOMER] = state_str(&s->st, b->customer);
	v[C_GROSS] = amt_fmt(b->gross, cur_places(cur), scratch);
	v[C_CURRENCY] = cur;
}

/* The billing due list: posted issue and return deliveries not billed,
 * whose order has no billing block. */
static int
billing_due(struct state *st, const struct delivery *d)
{
	struct order *o;

	if (d->deleted || !d->matdoc || d->reversal || d->billing ||
	    (d->flow != FL_ISSUE && d->flow != FL_RETURN) || d->n == 0)
		return 0;
	o = state_order(st, st->ditem[d->first].order);
	return o == NULL || !o->block;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, due = 0, cancel = 0, release = 0;
	uint64_t own;

	opts_init(&o, "cs-bill", USAGE);
	while ((c = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_DUE:
			due = 1;
			break;
		case OPT_CANCEL:
			cancel = 1;
			break;
		case OPT_RELEASE:
			release = 1;
			break;
		case OPT_PERDLV:
			per_delivery = 1;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if (due + cancel + release > 1 || (due && argc))
		usage_exit(&o);
	if (cancel || release) {
		stage_open(&s, &o, "cs-bill", COL(C_CUSTOMER) | COL(C_BILLING) |
		    COL(C_BILLING_TYPE) | COL(C_GROSS) | COL(C_CURRENCY), 1);
		struct act can = { C_BILLING, -1, "billing", cancel_billing,
		    emit_head, 0, NULL, 0 };
		struct act rel = { C_BILLING, -1, "billing", release_billing,
		    emit_head, 0, NULL, 0 };

		return stage_act(&s, cancel ? &can : &rel, argc, argv);
	}
	own = COL(C_BILLING) | COL(C_BILLING_ITEM) | COL(C_BILLING_TYPE) |
	    COL(C_NET) | COL(C_TAX) | COL(C_GROSS) | COL(C_CURRENCY) |
	    COL(C_PRICE);
	stage_open(&s, &o, "cs-bill", own, 1);
	s.same_doc = stage_same_delivery;
	s.need = COL(C_DELIVERY);
	if (due) {
		stage_input(&s, NULL, COLS_UPTO(C_DATE));
		stage_due_deliveries(&s, billing_due);
		if (s.nrows)
			bill_batch(&s);
		return stage_close(&s);
	}
	return stage_files(&s, argc, argv, bill_batch);
}
