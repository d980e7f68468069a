/*
 * cs-pick - record picking with batch and serial assignment.
 *
 * Reads delivery rows (delivery, optional delivery_item, and as input
 * picked, batch and serials) from files or standard input, or takes every
 * delivery with unpicked items with --due.  A batch or serials given are
 * checked against the stock the goods come from; serials not given are
 * chosen lowest first.  A picked quantity below the delivery's leaves the
 * rest open on the order when the delivery is posted.  Writes one row per
 * delivery item with picked, batch and serials; -o table is a picking
 * list.  Journal: P records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-pick [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file]\n               [--due] [file ...]\n"

enum { OPT_DUE = OPT_TOOL };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "due", no_argument, NULL, OPT_DUE },
	{ NULL, 0, NULL, 0 }
};

static void
emit_pick(struct stage *s, struct row *const *g, int n, uint64_t dno)
{
	struct state *st = &s->st;
	struct delivery *d = state_delivery(st, dno);
	struct item_text t;
	int k;
	size_t i;

	for (k = 0; k < n; k++) {
		int want = atoi(rowf(s, g[k], C_DELIVERY_ITEM));

		for (i = d->first; i < d->first + d->n; i++) {
			const char *v[NCOL] = { 0 };

			if (want && st->ditem[i].item != want)
				continue;
			stage_ditem_vals(s, dno, &st->ditem[i], v, &t);
			stage_emit(s, g[k], v);
		}
	}
}

static void
pick_batch(struct stage *s)
{
	size_t i = 0, j;
	struct pick_req *rq = NULL;
	size_t cap = 0;

	stage_lock(s);
	while (i < s->nrows) {
		const char *dn = rowf(s, &s->rows[i], C_DELIVERY);
		uint64_t dno = docno(dn);
		struct row **g;
		int n, k, rc = 0;
		char what[64], b[128];
		const char *bad;

		for (j = i + 1; j < s->nrows &&
		    strcmp(rowf(s, &s->rows[j], C_DELIVERY), dn) == 0; j++)
			;
		n = (int)(j - i);
		g = xcalloc((size_t)n, sizeof *g);
		grow(&rq, &cap, (size_t)n, sizeof *rq);
		stage_doc_begin(s);
		for (k = 0; k < n; k++) {
			struct row *r = &s->rows[i + (size_t)k];
			const char *pk = rowf(s, r, C_PICKED);

			g[k] = r;
			rq[k].item = stage_item(rowf(s, r, C_DELIVERY_ITEM));
			rq[k].picked = -1;
			rq[k].batch = rowf(s, r, C_BATCH);
			rq[k].serials = rowf(s, r, C_SERIALS);
			rq[k].line = r->line;
			if (rc == 0 && (bad = stage_bad_item(s, r, b,
			    sizeof b)) != NULL) {
				buf_reset(&s->p.why);
				buf_adds(&s->p.why, bad);
				s->p.errline = r->line;
				rc = -1;
			} else if (rc == 0 && *pk && (qty_parse(pk,
			    &rq[k].picked) != NUM_OK || rq[k].picked < 0)) {
				buf_reset(&s->p.why);
				buf_printf(&s->p.why, "item %s: picked '%s': not "
				    "a quantity", rowf(s, r, C_DELIVERY_ITEM),
				    pk);
				s->p.errline = r->line;
				rc = -1;
			}
		}
		snprintf(what, sizeof what, "delivery %s", dn);
		if (rc == 0)
			rc = post_pick(&s->p, dno, rq, n);
		if (stage_doc_end(s, rc, g, n, what) >= 0)
			emit_pick(s, g, n, dno);
		free(g);
		i = j;
	}
	free(rq);
	stage_commit(s);
}

/* Due for picking: an item not picked, the delivery open. */
static int
unpicked(struct state *st, const struct delivery *d)
{
	return !d->deleted && !d->matdoc && delivery_unpicked(st, d) > 0;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, due = 0;
	uint64_t own;

	opts_init(&o, "cs-pick", USAGE);
	while ((c = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_DUE:
			due = 1;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if (due && argc)
		usage_exit(&o);
	own = COL(C_BATCH) | COL(C_SERIALS) | COL(C_PICKED);
	stage_open(&s, &o, "cs-pick", own, 1);
	s.table_view = COL(C_DELIVERY) | COL(C_DELIVERY_ITEM) |
	    COL(C_CUSTOMER) | COL(C_MATERIAL) | COL(C_QTY) | COL(C_UNIT) |
	    COL(C_PLANT) | COL(C_SLOC) | COL(C_BATCH) | COL(C_SERIALS) |
	    COL(C_PICKED);
	s.same_doc = stage_same_delivery;
	s.need = COL(C_DELIVERY);
	if (due) {
		stage_input(&s, NULL, COLS_UPTO(C_SHIP_POINT));
		stage_due_deliveries(&s, unpicked);
		if (s.nrows)
			pick_batch(&s);
		return stage_close(&s);
	}
	return stage_files(&s, argc, argv, pick_batch);
}
