/*
 * cs-issue - post goods movements.
 *
 * Reads delivery rows (delivery, optional delivery_item) from files or
 * standard input, or takes every picked, unposted delivery with --due, and
 * posts each delivery's goods movement: 631 fill-up, 633 issue (with cost
 * of goods sold), 632 pickup, 634 return (with cost reversed).  With
 * --initial it posts initial stock entries 561 from rows material, plant,
 * sloc, batch, serials, qty.  Writes the rows with matdoc, matdoc_item, mvt
 * and date.  Journal: G, M and A records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-issue [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file]\n                [--due | --initial] [file ...]\n" \
	"       cs-issue --reverse [-d dir] [--date date] [-o csv|table|json]\n" \
	"                [--reject file] [delivery | matdoc ...]\n"

enum { OPT_DUE = OPT_TOOL, OPT_INITIAL, OPT_REVERSE };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "due", no_argument, NULL, OPT_DUE },
	{ "initial", no_argument, NULL, OPT_INITIAL },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ NULL, 0, NULL, 0 }
};

static void
initial_batch(struct stage *s)
{
	size_t i;
	char what[64], mb[24], qb[NUM_BUFSZ];

	stage_lock(s);
	for (i = 0; i < s->nrows; i++) {
		struct row *r = &s->rows[i];
		uint64_t md = 0;
		int rc;

		stage_doc_begin(s);
		rc = post_initial(&s->p, rowf(s, r, C_MATERIAL),
		    rowf(s, r, C_PLANT), rowf(s, r, C_SLOC),
		    rowf(s, r, C_BATCH), rowf(s, r, C_SERIALS),
		    rowf(s, r, C_QTY), &md);
		snprintf(what, sizeof what, "material %s",
		    rowf(s, r, C_MATERIAL));
		if (stage_doc_end(s, rc, &r, 1, what) == 0) {
			const char *v[NCOL] = { 0 };
			struct matdoc *m = state_matdoc(&s->st, md);

			snprintf(mb, sizeof mb, "%llu", (unsigned long long)md);
			v[C_MATDOC] = mb;
			v[C_MATDOC_ITEM] = "1";
			v[C_MVT] = "561";
			v[C_DATE] = s->o->date;
			v[C_QTY] = qty_fmt(s->st.mitem[m->first].qty, qb);
			stage_emit(s, r, v);
		}
	}
	stage_commit(s);
}

/* Emit the rows of a posted delivery: each input row gets the movement
 * items of its delivery item (all items when the row names none). */
static void
emit_goods(struct stage *s, struct row *const *rows, int n, uint64_t md)
{
	struct state *st = &s->st;
	struct matdoc *m = state_matdoc(st, md);
	struct item_text t;
	char mb[24], ib[24], mv[12], qb[NUM_BUFSZ], dt[11];
	int k;
	size_t i;

	date_fmt(m->date, dt);
	fmt_u64(md, mb);
	fmt_int(m->mvt, mv);
	for (k = 0; k < n; k++) {
		int want = atoi(rowf(s, rows[k], C_DELIVERY_ITEM));

		for (i = m->first; i < m->first + m->n; i++) {
			struct mitem *mi = &st->mitem[i];
			struct ditem *di = state_ditem(st, m->delivery,
			    mi->delivery_item);
			const char *v[NCOL] = { 0 };

			if (di == NULL || (want && mi->delivery_item != want))
				continue;
			stage_ditem_vals(s, m->delivery, di, v, &t);
			fmt_int(mi->item, ib);
			v[C_MATDOC] = mb;
			v[C_MATDOC_ITEM] = ib;
			v[C_MVT] = mv;
			v[C_DATE] = dt;
			v[C_QTY] = qty_fmt(mi->qty, qb);
			v[C_PICKED] = v[C_QTY];
			stage_emit(s, rows[k], v);
		}
	}
}

/* Every row of a delivery must name it and an item it has. */
static int
check_rows(struct stage *s, struct row *const *g, int n)
{
	char b[128];
	const char *bad;
	int k;

	for (k = 0; k < n; k++)
		if ((bad = stage_bad_item(s, g[k], b, sizeof b)) != NULL) {
			buf_reset(&s->p.why);
			buf_adds(&s->p.why, bad);
			s->p.errline = g[k]->line;
			return -1;
		}
	return 0;
}

static void
goods_batch(struct stage *s)
{
	size_t i = 0, j;
	char what[64];

	stage_lock(s);
	while (i < s->nrows) {
		struct row **g;
		const char *dno = rowf(s, &s->rows[i], C_DELIVERY);
		uint64_t md = 0, d = docno(dno);
		int rc, n;

		for (j = i + 1; j < s->nrows &&
		    strcmp(rowf(s, &s->rows[j], C_DELIVERY), dno) == 0; j++)
			;
		n = (int)(j - i);
		g = xcalloc((size_t)n, sizeof *g);
		for (rc = 0; rc < n; rc++)
			g[rc] = &s->rows[i + (size_t)rc];
		stage_doc_begin(s);
		rc = check_rows(s, g, n);
		if (rc == 0)
			rc = post_goods(&s->p, d, &md);
		snprintf(what, sizeof what, "delivery %s", dno);
		if (stage_doc_end(s, rc, g, n, what) >= 0)
			emit_goods(s, g, n, md);
		free(g);
		i = j;
	}
	stage_commit(s);
}

static int
reverse_one(struct stage *s, uint64_t no, int item)
{
	uint64_t md;

	return post_reverse(&s->p, no, &md);
}

/* The reversal just posted for no: the last material document. */
static void
emit_reversal(struct stage *s, uint64_t no, const char **v, char *scratch)
{
	struct state *st = &s->st;
	struct matdoc *m = &st->matdoc[st->nmatdoc - 1];
	struct delivery *d = state_delivery(st, m->delivery);

	snprintf(scratch, 24, "%llu",
	    (unsigned long long)(MATDOC_BASE + st->nmatdoc - 1));
	snprintf(scratch + 24, 24, "%llu", (unsigned long long)m->delivery);
	snprintf(scratch + 48, 8, "%d", m->mvt);
	date_fmt(m->date, scratch + 56);
	v[C_MATDOC] = scratch;
	v[C_DELIVERY] = m->delivery ? scratch + 24 : "";
	v[C_MVT] = scratch + 48;
	v[C_DATE] = scratch + 56;
	v[C_FLOW] = d ? flow_name(d->flow) : "";
	v[C_CUSTOMER] = d ? state_str(st, d->customer) : "";
}

static void
emit_reversed(struct stage *s, uint64_t no, const char **x, char *scratch)
{
	struct state *st = &s->st;

	snprintf(scratch, 24, "%llu",
	    (unsigned long long)st->matdoc[st->nmatdoc - 1].reverses);
	x[0] = scratch;
}

/* Due for goods issue: every item picked, not posted. */
static int
picked_unposted(struct state *st, const struct delivery *d)
{
	return !d->deleted && !d->matdoc && delivery_unpicked(st, d) == 0;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, due = 0, initial = 0, reverse = 0;
	uint64_t own;

	opts_init(&o, "cs-issue", USAGE);
	while ((c = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_DUE:
			due = 1;
			break;
		case OPT_INITIAL:
			initial = 1;
			break;
		case OPT_REVERSE:
			reverse = 1;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if (due + initial + reverse > 1 || (due && argc > 0))
		usage_exit(&o);
	if (reverse) {
		static const char *rev_cols[] = { "reversed" };
		struct act a = { C_MATDOC, -1, "document", reverse_one,
		    emit_reversal, C_DELIVERY, emit_reversed, COL(C_FLOW) |
		    COL(C_CUSTOMER) | COL(C_DELIVERY) };

		stage_open(&s, &o, "cs-issue", COL(C_MATDOC) | COL(C_MVT) |
		    COL(C_DATE), 1);
		s.extra = rev_cols;
		s.nextra = 1;
		return stage_act(&s, &a, argc, argv);
	}
	own = COL(C_MATDOC) | COL(C_MATDOC_ITEM) | COL(C_MVT) | COL(C_DATE);
	stage_open(&s, &o, "cs-issue", own, 1);
	s.same_doc = initial ? NULL : stage_same_delivery;
	s.need = initial ? COL(C_MATERIAL) | COL(C_QTY) : COL(C_DELIVERY);
	if (due) {
		stage_input(&s, NULL, COLS_UPTO(C_PICKED));
		stage_due_deliveries(&s, picked_unposted);
		if (s.nrows)
			goods_batch(&s);
		return stage_close(&s);
	}
	return stage_files(&s, argc, argv, initial ? initial_batch :
	    goods_batch);
}
