/*
 * flow.c - the document flow of cs-stock --flow: from any order, delivery,
 * material document, billing, accounting or payment document to the
 * orders it belongs to, then down the chain order -> delivery -> goods
 * movement (and its reversal) -> billing -> accounting -> payment.  Every
 * step is a lookup by number in the state (state_link and the documents'
 * own references), so it costs the same however long the journal is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "num.h"

enum { F_LEVEL, F_TYPE, F_DOC, F_DATE, F_STATUS, F_FLOW, F_CUSTOMER,
	F_MVT, F_AMOUNT, F_CURRENCY, F_REFERS, NF };

static const char *cols[NF] = { "level", "type", "document", "date",
	"status", "flow", "customer", "mvt", "amount", "currency",
	"refers_to" };

struct fl {
	struct state *st;
	struct out *out;
	int rows;
};

/* One row; amount in minor units of cur (amount 0 with cur NULL: none). */
static void
row(struct fl *f, int level, const char *type, uint64_t doc, long date,
    const char *status, const char *flow, sid customer, int mvt,
    int64_t amount, const char *cur, uint64_t refers)
{
	char lb[8], db[24], dt[11], mb[8], ab[NUM_BUFSZ], rb[24];
	const char *v[NF];

	snprintf(lb, sizeof lb, "%d", level);
	snprintf(db, sizeof db, "%llu", (unsigned long long)doc);
	snprintf(mb, sizeof mb, "%d", mvt);
	snprintf(rb, sizeof rb, "%llu", (unsigned long long)refers);
	if (date)
		date_fmt(date, dt);
	v[F_LEVEL] = lb;
	v[F_TYPE] = type;
	v[F_DOC] = db;
	v[F_DATE] = date ? dt : "";
	v[F_STATUS] = status;
	v[F_FLOW] = flow;
	v[F_CUSTOMER] = state_str(f->st, customer);
	v[F_MVT] = mvt ? mb : "";
	v[F_AMOUNT] = cur ? amt_fmt(amount, cur_places(cur), ab) : "";
	v[F_CURRENCY] = cur ? cur : "";
	v[F_REFERS] = refers ? rb : "";
	out_row(f->out, v);
	f->rows++;
}

/* The value of a material document's items at their cost. */
static int64_t
matdoc_value(struct state *st, const struct matdoc *m, const char **cur)
{
	int64_t sum = 0, v;
	size_t i;

	*cur = NULL;
	for (i = m->first; i < m->first + m->n; i++) {
		if (num_muldiv(st->mitem[i].qty, st->mitem[i].cost, QTY_SCALE,
		    &v) == NUM_OK)
			sum += v;
		*cur = state_str(st, st->mitem[i].currency);
	}
	return sum;
}

static void
goods(struct fl *f, int level, uint64_t md, const char *flow, sid cust,
    uint64_t pre)
{
	struct state *st = f->st;
	struct matdoc *m = state_matdoc(st, md);
	const char *cur;
	int64_t v;

	if (m == NULL)
		return;
	v = matdoc_value(st, m, &cur);
	row(f, level, m->reverses ? "reversal" : "goods movement", md, m->date,
	    m->reversed_by ? "reversed" : "posted", flow, cust, m->mvt, v, cur,
	    m->reverses ? m->reverses : pre);
	if (m->accdoc)
		row(f, level + 1, "accounting", m->accdoc, m->date, "cost",
		    flow, cust, 0, v, cur, md);
	if (m->reversed_by)
		goods(f, level, m->reversed_by, flow, cust, md);
}

static const char *
billing_status(const struct billing *b)
{
	if (b->cancelled)
		return "cancelled";
	if (b->accblock)
		return "blocked";
	return b->open == 0 ? "cleared" : "open";
}

static void
billing(struct fl *f, int level, uint64_t bno, uint64_t pre)
{
	struct state *st = f->st;
	struct billing *b = state_billing(st, bno);
	const char *cur, *fl;
	uint64_t x;
	uint32_t i;

	if (b == NULL)
		return;
	cur = state_str(st, b->currency);
	fl = flow_name(b->type == BT_F2 ? FL_ISSUE : FL_RETURN);
	row(f, level, b->type == BT_F2 ? "invoice" : "credit memo", bno,
	    b->date, billing_status(b), fl, b->customer, 0, b->gross, cur,
	    pre);
	for (i = 0; (x = state_link(st, LK_BILL_ACC, bno, i)) != 0; i++)
		/* An invoice's first posting is the invoice, a credit
		 * memo's its release; a later one cancels it. */
		row(f, level + 1, "accounting", x, 0, i ? "cancellation" :
		    b->type == BT_F2 ? "invoice" : "release", fl, b->customer,
		    0, b->gross, cur, bno);
	for (i = 0; (x = state_link(st, LK_BILL_PAY, bno, i)) != 0; i++) {
		struct payment *y = state_payment(st, x);

		row(f, level + 1, "payment", x, y ? y->date : 0, "cleared", fl,
		    b->customer, 0, state_link_amount(st, bno, x), cur, bno);
	}
}

static const char *
delivery_status(struct state *st, const struct delivery *d)
{
	if (d->deleted)
		return "deleted";
	if (d->reversal)
		return "reversed";
	if (d->matdoc)
		return "posted";
	return delivery_unpicked(st, d) ? "open" : "picked";
}

static const char *
order_status(struct state *st, const struct order *o)
{
	size_t i;
	int open = 0, rejected = 0;

	for (i = o->first; i < o->first + o->n; i++) {
		const struct oitem *it = &st->oitem[i];

		if (it->rejected)
			rejected++;
		else if (it->posted < it->qty)
			open = 1;
	}
	if ((size_t)rejected == o->n)
		return "rejected";
	if (open)
		return o->block ? "blocked" : "open";
	return "complete";
}

static void
order(struct fl *f, uint64_t ono)
{
	struct state *st = f->st;
	struct order *o = state_order(st, ono);
	const char *fl;
	uint64_t dno, bno;
	uint32_t i, k;

	if (o == NULL)
		return;
	fl = flow_name(o->flow);
	row(f, 0, "order", ono, o->date, order_status(st, o), fl, o->customer,
	    0, 0, NULL, 0);
	for (i = 0; (dno = state_link(st, LK_ORDER_DELIV, ono, i)) != 0;
	    i++) {
		struct delivery *d = state_delivery(st, dno);

		if (d == NULL)
			continue;
		row(f, 1, "delivery", dno, d->date, delivery_status(st, d), fl,
		    d->customer, 0, 0, NULL, ono);
		if (d->matdoc)
			goods(f, 2, d->matdoc, fl, d->customer, dno);
		for (k = 0; (bno = state_link(st, LK_DELIV_BILL, dno, k)) != 0;
		    k++)
			billing(f, 2, bno, dno);
	}
}

/* Add each order of delivery dno to the list (no repeats). */
static void
orders_of_delivery(struct state *st, uint64_t dno, uint64_t **l, size_t *n,
    size_t *cap)
{
	struct delivery *d = state_delivery(st, dno);
	size_t i, k;

	if (d == NULL)
		return;
	for (i = d->first; i < d->first + d->n; i++) {
		uint64_t o = st->ditem[i].order;

		for (k = 0; k < *n && (*l)[k] != o; k++)
			;
		if (k == *n) {
			grow(l, cap, *n + 1, sizeof **l);
			(*l)[(*n)++] = o;
		}
	}
}

static void
orders_of_billing(struct state *st, uint64_t bno, uint64_t **l, size_t *n,
    size_t *cap)
{
	struct billing *b = state_billing(st, bno);
	size_t i;

	if (b == NULL)
		return;
	for (i = b->first; i < b->first + b->n; i++)
		if (i == b->first || st->bitem[i].delivery !=
		    st->bitem[i - 1].delivery)
			orders_of_delivery(st, st->bitem[i].delivery, l, n, cap);
}

int
flow_report(struct state *st, struct out *out, uint64_t doc, char *err,
    size_t errsz)
{
	struct fl f = { st, out, 0 };
	uint64_t *l = NULL, x;
	size_t n = 0, cap = 0, i;
	struct matdoc *m;

	if (state_order(st, doc)) {
		grow(&l, &cap, 1, sizeof *l);
		l[n++] = doc;
	} else if (state_delivery(st, doc))
		orders_of_delivery(st, doc, &l, &n, &cap);
	else if ((m = state_matdoc(st, doc)) != NULL) {
		if (m->reverses)
			m = state_matdoc(st, doc = m->reverses);
		if (m->delivery)
			orders_of_delivery(st, m->delivery, &l, &n, &cap);
		else
			goods(&f, 0, doc, "", 0, 0);
	} else if (state_billing(st, doc))
		orders_of_billing(st, doc, &l, &n, &cap);
	else if (state_payment(st, doc)) {
		for (i = 0; (x = state_link(st, LK_PAY_BILL, doc, (uint32_t)i))
		    != 0; i++)
			orders_of_billing(st, x, &l, &n, &cap);
		if (n == 0) {
			struct payment *y = state_payment(st, doc);

			row(&f, 0, "payment", doc, y->date, y->open < 0 ?
			    "on account" : "used", "", y->customer, 0,
			    y->amount, state_str(st, y->currency), 0);
		}
	} else if ((x = state_link(st, LK_ACC_SRC, doc, 0)) != 0) {
		free(l);
		return flow_report(st, out, x, err, errsz);
	}
	for (i = 0; i < n; i++)
		order(&f, l[i]);
	free(l);
	if (f.rows == 0) {
		snprintf(err, errsz, "no document %llu",
		    (unsigned long long)doc);
		return -1;
	}
	return 0;
}

struct out *
flow_open(FILE *fp, int fmt)
{
	return out_open(fp, (enum out_fmt)fmt, NF, cols);
}
