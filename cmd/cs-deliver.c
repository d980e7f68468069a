/*
 * cs-deliver - create deliveries for order items.
 *
 * Reads order rows (order, optional order_item) from files or standard
 * input, or takes every open order item with --due.  Consecutive rows of
 * one flow, customer and shipping point become one delivery (outbound for
 * fill-up and issue, returns delivery for pickup and return).  Batches are
 * determined from the stock the goods come from, first expiry first, else
 * first received first, splitting an item over batches; what is short
 * stays open on the order.  --delete deletes deliveries not yet posted.
 * Writes one row per delivery item.  Journal: D and DD records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-deliver [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file]\n                  [--due] [file ...]\n" \
	"       cs-deliver --delete [delivery ...]\n"

enum { OPT_DUE = OPT_TOOL, OPT_DELETE };

#define DLV_MAXROWS 1000	/* order rows in one delivery */

static const struct option longopts[] = {
	COMMON_LONG,
	{ "due", no_argument, NULL, OPT_DUE },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ NULL, 0, NULL, 0 }
};

/* What an input row asks for: the items of one order. */
struct want {
	struct row *row;
	uint64_t order;
	int item;		/* 0: every item */
	int known;		/* the order exists */
	char why[96];		/* why not */
	size_t key;		/* flow, customer, shipping point: offset in
				 * the batch's key buffer */
};

/* The rows of one order belong together (orders of one customer share a
 * delivery, but each order is complete on its own). */
static int
same_order(const struct stage *s, const struct row *a, const struct row *b)
{
	return strcmp(rowf(s, a, C_ORDER), rowf(s, b, C_ORDER)) == 0;
}

static void
emit_delivery(struct stage *s, struct want *w, int n, uint64_t dno)
{
	struct state *st = &s->st;
	struct delivery *d = state_delivery(st, dno);
	struct item_text t;
	int k;
	size_t i;

	for (k = 0; k < n; k++) {
		for (i = d->first; i < d->first + d->n; i++) {
			struct ditem *di = &st->ditem[i];
			const char *v[NCOL] = { 0 };

			if (di->order != w[k].order ||
			    (w[k].item && di->order_item != w[k].item))
				continue;
			stage_ditem_vals(s, dno, di, v, &t);
			v[C_PICKED] = NULL;
			stage_emit(s, w[k].row, v);
		}
	}
}

/* Resolve a row to its order and the key of the delivery it goes into. */
static void
resolve(struct stage *s, struct row *r, struct want *w, struct buf *keys)
{
	struct state *st = &s->st;
	struct order *o;
	const struct plant *pl;

	w->row = r;
	w->order = docno(rowf(s, r, C_ORDER));
	w->item = stage_item(rowf(s, r, C_ORDER_ITEM));
	w->known = 0;
	if ((o = state_order(st, w->order)) == NULL || o->n == 0) {
		snprintf(w->why, sizeof w->why, "order %.40s: no such order",
		    rowf(s, r, C_ORDER));
		return;
	}
	if (w->item < 0) {
		snprintf(w->why, sizeof w->why, "order %llu item %.20s: not an "
		    "item number", (unsigned long long)w->order,
		    rowf(s, r, C_ORDER_ITEM));
		return;
	}
	if (w->item && state_oitem(st, w->order, w->item) == NULL) {
		snprintf(w->why, sizeof w->why, "order %llu item %d: no such "
		    "item in the order", (unsigned long long)w->order, w->item);
		return;
	}
	pl = master_plant(&s->m, state_str(st, st->oitem[o->first].plant),
	    state_str(st, st->oitem[o->first].sloc));
	w->known = 1;
	w->key = keys->len;
	buf_printf(keys, "%d/%s/%s", o->flow, state_str(st, o->customer),
	    pl ? pl->ship_point : "");
	buf_addc(keys, '\0');
}

static void
deliver_batch(struct stage *s)
{
	struct want *w = xcalloc(s->nrows + 1, sizeof *w);
	struct dlv_req *rq = NULL;
	size_t caprq = 0, i, j;
	struct buf keys = { 0 };
	struct state *st = &s->st;

	stage_lock(s);
	for (i = 0; i < s->nrows; i++)
		resolve(s, &s->rows[i], &w[i], &keys);
	i = 0;
	while (i < s->nrows) {
		struct row **g;
		int n, k, nrq = 0, shortn = 0, rc;
		uint64_t dno = 0;
		char what[64];

		if (!w[i].known) {
			stage_row_error(s, w[i].row, w[i].why);
			i++;
			continue;
		}
		/* A delivery takes at most DLV_MAXROWS rows: the next stage
		 * reads it as one document. */
		for (j = i + 1; j < s->nrows && j - i < DLV_MAXROWS &&
		    w[j].known && strcmp(keys.s + w[j].key,
		    keys.s + w[i].key) == 0; j++)
			;
		n = (int)(j - i);
		for (k = 0; k < n; k++) {
			struct order *o = state_order(st, w[i + (size_t)k].order);
			size_t m;

			for (m = o->first; m < o->first + o->n; m++) {
				struct oitem *oi = &st->oitem[m];
				int dup = 0, q;

				if (w[i + (size_t)k].item &&
				    oi->item != w[i + (size_t)k].item)
					continue;
				for (q = 0; q < nrq; q++)
					dup |= rq[q].order == oi->order &&
					    rq[q].item == oi->item;
				if (dup)
					continue;
				if (oi->rejected || oi->delivered >= oi->qty)
					continue;
				grow(&rq, &caprq, (size_t)nrq + 1, sizeof *rq);
				rq[nrq].order = oi->order;
				rq[nrq].item = oi->item;
				nrq++;
			}
		}
		g = xcalloc((size_t)n, sizeof *g);
		for (k = 0; k < n; k++)
			g[k] = w[i + (size_t)k].row;
		if (nrq == 0) {
			fprintf(stderr, "%s: order %s: nothing open to "
			    "deliver\n", s->o->prog, rowf(s, g[0], C_ORDER));
			free(g);
			i = j;
			continue;
		}
		stage_doc_begin(s);
		rc = post_delivery(&s->p, rq, nrq, &dno, &shortn);
		snprintf(what, sizeof what, "order %s",
		    rowf(s, g[0], C_ORDER));
		if (stage_doc_end(s, rc, g, n, what) == 0) {
			emit_delivery(s, &w[i], n, dno);
			if (shortn)
				fprintf(stderr, "%s: delivery %llu: %d item%s "
				    "short of stock, the rest stays open\n",
				    s->o->prog, (unsigned long long)dno, shortn,
				    shortn > 1 ? "s" : "");
		}
		free(g);
		i = j;
	}
	free(rq);
	free(w);
	buf_free(&keys);
	stage_commit(s);
}

static int
delete_delivery(struct stage *s, uint64_t no, int item)
{
	return post_delete_delivery(&s->p, no);
}

static void
emit_head(struct stage *s, uint64_t no, const char **v,
    char *scratch)
{
	struct delivery *d = state_delivery(&s->st, no);

	v[C_FLOW] = flow_name(d->flow);
	v[C_CUSTOMER] = state_str(&s->st, d->customer);
}

static struct stage *sort_stage;

static int
due_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(rowf(sort_stage, x, C_FLOW), rowf(sort_stage, y,
	    C_FLOW));

	if (c == 0)
		c = strcmp(rowf(sort_stage, x, C_CUSTOMER),
		    rowf(sort_stage, y, C_CUSTOMER));
	if (c == 0)
		c = strcmp(rowf(sort_stage, x, C_ORDER),
		    rowf(sort_stage, y, C_ORDER));
	return c;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, due = 0, del = 0;
	uint64_t own;

	opts_init(&o, "cs-deliver", USAGE);
	while ((c = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_DUE:
			due = 1;
			break;
		case OPT_DELETE:
			del = 1;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if ((due && del) || (due && argc))
		usage_exit(&o);
	if (del) {
		stage_open(&s, &o, "cs-deliver", COL(C_DELIVERY) | COL(C_FLOW) |
		    COL(C_CUSTOMER), 1);
		struct act a = { C_DELIVERY, -1, "delivery",
		    delete_delivery, emit_head, 0, NULL, 0 };

		return stage_act(&s, &a, argc, argv);
	}
	own = COL(C_DELIVERY) | COL(C_DELIVERY_ITEM) | COL(C_SHIP_POINT) |
	    COL(C_BATCH) | COL(C_QTY) | COL(C_SERIALS);
	stage_open(&s, &o, "cs-deliver", own, 1);
	s.same_doc = same_order;
	s.need = COL(C_ORDER);
	if (due) {
		size_t k;

		stage_input(&s, NULL, COLS_UPTO(C_BLOCK));
		for (k = state_open_oitem(&s.st); k < s.st.noitem; k++) {
			struct oitem *oi = &s.st.oitem[k];
			struct order *od = state_order(&s.st, oi->order);
			const char *v[NCOL] = { 0 };
			char ob[24], ib[24];

			if (oi->rejected || oi->delivered >= oi->qty)
				continue;
			snprintf(ob, sizeof ob, "%llu",
			    (unsigned long long)oi->order);
			snprintf(ib, sizeof ib, "%d", oi->item);
			v[C_FLOW] = flow_name(od->flow);
			v[C_ORDER] = ob;
			v[C_ORDER_ITEM] = ib;
			v[C_CUSTOMER] = state_str(&s.st, od->customer);
			v[C_MATERIAL] = state_str(&s.st, oi->material);
			stage_add_row(&s, v, 0);
		}
		sort_stage = &s;
		if (s.nrows > 1)
			qsort(s.rows, s.nrows, sizeof *s.rows, due_cmp);
		if (s.nrows)
			deliver_batch(&s);
		return stage_close(&s);
	}
	return stage_files(&s, argc, argv, deliver_batch);
}
