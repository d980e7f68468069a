/*
 * cs-order - create orders of a flow from request rows.
 *
 * Reads request rows (material, qty; customer and flow from the row or
 * from -c and -f; optional batch, serials, po, plant, sloc) from files,
 * standard input, or MATERIAL:QTY operands with -c.  Consecutive rows with
 * the same customer, flow and po form one order.  Checks availability
 * against the source stock less what open orders claim, prices issue and
 * return orders, puts a billing block on return orders.  --release lifts
 * billing blocks, --reject rejects open items.  Writes one row per order
 * item.  Journal: O, OR and OJ records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "stage.h"

#define USAGE "usage: cs-order [-d dir] [--date date] [-o csv|table|json] " \
	"[--reject file]\n                [-c customer] [-f flow] " \
	"[file | material:qty ...]\n       cs-order --release [order ...]\n" \
	"       cs-order --reject order[/item] [--reason text] [order[/item] ...]\n"

enum { OPT_RELEASE = OPT_TOOL, OPT_REJECT_ITEM, OPT_REASON };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "customer", required_argument, NULL, 'c' },
	{ "flow", required_argument, NULL, 'f' },
	{ "release", no_argument, NULL, OPT_RELEASE },
	{ "reject-item", no_argument, NULL, OPT_REJECT_ITEM },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ NULL, 0, NULL, 0 }
};

/* ORDER or ORDER/ITEM: digits, optionally a slash and digits. */
static int
is_orderref(const char *a)
{
	const char *p = a;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '/') {
		if (*++p == '\0')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static const char *opt_customer = "", *opt_flow = "", *opt_reason = "";

/* The customer, flow and po of a request row. */
static void
req_key(struct stage *s, const struct row *r, const char **cust,
    const char **flow, const char **po)
{
	*cust = rowf(s, r, C_CUSTOMER);
	if (**cust == '\0')
		*cust = opt_customer;
	*flow = rowf(s, r, C_FLOW);
	if (**flow == '\0')
		*flow = opt_flow;
	*po = rowf(s, r, C_PO);
}

/* Consecutive rows with the same customer, flow and po are one order. */
static int
same_order(const struct stage *s, const struct row *a, const struct row *b)
{
	const char *c1, *f1, *p1, *c2, *f2, *p2;

	req_key((struct stage *)s, a, &c1, &f1, &p1);
	req_key((struct stage *)s, b, &c2, &f2, &p2);
	return strcmp(c1, c2) == 0 && strcmp(f1, f2) == 0 &&
	    strcmp(p1, p2) == 0;
}

static void
emit_order(struct stage *s, struct row *const *g, int n, uint64_t no)
{
	struct state *st = &s->st;
	struct order *o = state_order(st, no);
	char ob[24], ib[24], qb[NUM_BUFSZ], pb[NUM_BUFSZ];
	int k;

	fmt_u64(no, ob);
	for (k = 0; k < n && (size_t)k < o->n; k++) {
		struct oitem *it = &st->oitem[o->first + (size_t)k];
		const char *v[NCOL] = { 0 };
		const char *cur = state_str(st, it->currency);

		fmt_int(it->item, ib);
		v[C_FLOW] = flow_name(o->flow);
		v[C_ORDER] = ob;
		v[C_ORDER_ITEM] = ib;
		v[C_CUSTOMER] = state_str(st, o->customer);
		v[C_MATERIAL] = state_str(st, it->material);
		v[C_QTY] = qty_fmt(it->qty, qb);
		v[C_UNIT] = state_str(st, it->unit);
		v[C_PLANT] = state_str(st, it->plant);
		v[C_SLOC] = state_str(st, it->sloc);
		v[C_BATCH] = state_str(st, it->batch);
		v[C_SERIALS] = state_str(st, it->serials);
		v[C_PO] = state_str(st, o->po);
		v[C_PRICE] = *cur ? amt_fmt(it->price, cur_places(cur), pb) : "";
		v[C_CURRENCY] = cur;
		v[C_BLOCK] = o->block ? "billing" : "";
		stage_emit(s, g[k], v);
	}
}

static void
order_batch(struct stage *s)
{
	size_t i = 0, j;
	struct req_item *it = NULL;
	size_t cap = 0;

	stage_lock(s);
	while (i < s->nrows) {
		const char *cust, *flow, *po, *c2, *f2, *p2;
		struct row **g;
		int n, k, rc, fl;
		uint64_t no = 0;
		char what[128];

		req_key(s, &s->rows[i], &cust, &flow, &po);
		for (j = i + 1; j < s->nrows; j++) {
			req_key(s, &s->rows[j], &c2, &f2, &p2);
			if (strcmp(cust, c2) || strcmp(flow, f2) ||
			    strcmp(po, p2))
				break;
		}
		n = (int)(j - i);
		g = xcalloc((size_t)n, sizeof *g);
		grow(&it, &cap, (size_t)n, sizeof *it);
		for (k = 0; k < n; k++) {
			struct row *r = &s->rows[i + (size_t)k];

			g[k] = r;
			it[k].material = rowf(s, r, C_MATERIAL);
			it[k].qty = rowf(s, r, C_QTY);
			it[k].batch = rowf(s, r, C_BATCH);
			it[k].serials = rowf(s, r, C_SERIALS);
			it[k].plant = rowf(s, r, C_PLANT);
			it[k].sloc = rowf(s, r, C_SLOC);
			it[k].line = r->line;
		}
		fl = flow_parse(flow);
		snprintf(what, sizeof what, "customer %s%s%s", cust,
		    *po ? " po " : "", po);
		stage_doc_begin(s);
		if (*cust == '\0') {
			buf_reset(&s->p.why);
			buf_adds(&s->p.why, "no customer (column customer or -c)");
			rc = -1;
		} else if (fl == FL_NONE) {
			buf_reset(&s->p.why);
			buf_printf(&s->p.why, "flow '%s': not fillup, issue, "
			    "pickup, return, KB, KE, KA or KR", flow);
			rc = -1;
		} else
			rc = post_order(&s->p, fl, cust, po, it, n, &no);
		/* An order already there for this po passes through. */
		if (stage_doc_end(s, rc, g, n, what) >= 0)
			emit_order(s, g, n, no);
		free(g);
		i = j;
	}
	free(it);
	stage_commit(s);
}

static int
release_order(struct stage *s, uint64_t no, int item)
{
	return post_release_order(&s->p, no);
}

static int
reject_item(struct stage *s, uint64_t no, int item)
{
	return post_reject(&s->p, no, item, opt_reason);
}

static void
emit_head(struct stage *s, uint64_t no, const char **v,
    char *scratch)
{
	struct order *o = state_order(&s->st, no);

	v[C_FLOW] = flow_name(o->flow);
	v[C_CUSTOMER] = state_str(&s->st, o->customer);
	v[C_BLOCK] = o->block ? "billing" : "";
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct stage s;
	int c, i, release = 0, reject = 0, ops = 0;
	uint64_t own;
	char *first_ref = NULL, **nv = NULL;

	opts_init(&o, "cs-order", USAGE);
	while ((c = getopt_long(argc, argv, "c:" COMMON_SHORT "f:", longopts,
	    NULL)) != -1) {
		if (c == OPT_REJECT && is_orderref(optarg)) {
			/* cs-order --reject ORDER[/ITEM]: the DESIGN's item
			 * rejection; any other argument is the reject file. */
			reject = 1;
			first_ref = optarg;
			continue;
		}
		if (opt_common(&o, c, optarg))
			continue;
		switch (c) {
		case 'c':
			opt_customer = optarg;
			break;
		case 'f':
			opt_flow = optarg;
			if (flow_parse(optarg) == FL_NONE) {
				fprintf(stderr, "cs-order: flow '%s': not "
				    "fillup, issue, pickup, return, KB, KE, KA "
				    "or KR\n", optarg);
				return 2;
			}
			break;
		case OPT_RELEASE:
			release = 1;
			break;
		case OPT_REJECT_ITEM:
			reject = 1;
			break;
		case OPT_REASON:
			opt_reason = optarg;
			break;
		default:
			usage_exit(&o);
		}
	}
	argc -= optind;
	argv += optind;
	if (release && reject)
		usage_exit(&o);
	if (first_ref) {
		/* Put the order named with --reject before the operands. */
		nv = xcalloc((size_t)argc + 2, sizeof *nv);
		nv[0] = first_ref;
		for (i = 0; i < argc; i++)
			nv[i + 1] = argv[i];
		argv = nv;
		argc++;
	}
	own = COL(C_FLOW) | COL(C_ORDER) | COL(C_ORDER_ITEM) |
	    COL(C_CUSTOMER) | COL(C_MATERIAL) | COL(C_QTY) | COL(C_UNIT) |
	    COL(C_PLANT) | COL(C_SLOC) | COL(C_BATCH) | COL(C_SERIALS) |
	    COL(C_PO) | COL(C_PRICE) | COL(C_CURRENCY) | COL(C_BLOCK);
	if (release || reject) {
		stage_open(&s, &o, "cs-order",
		    COL(C_FLOW) | COL(C_ORDER) | COL(C_CUSTOMER) | COL(C_BLOCK),
		    1);
		struct act rel = { C_ORDER, -1, "order", release_order,
		    emit_head, 0, NULL, 0 };
		struct act rej = { C_ORDER, C_ORDER_ITEM, "order", reject_item,
		    emit_head, 0, NULL, 0 };

		c = stage_act(&s, release ? &rel : &rej, argc, argv);
		free(nv);
		return c;
	}
	for (i = 0; i < argc; i++)
		if (strchr(argv[i], ':') != NULL)
			ops++;
	if (ops && ops != argc) {
		fprintf(stderr, "cs-order: give either files or "
		    "material:qty operands\n");
		return 2;
	}
	if (ops && (*opt_customer == '\0' || *opt_flow == '\0')) {
		fprintf(stderr, "cs-order: material:qty operands need -c "
		    "customer and -f flow\n");
		return 2;
	}
	stage_open(&s, &o, "cs-order", own, 1);
	s.same_doc = same_order;
	s.need = COL(C_MATERIAL) | COL(C_QTY);
	if (ops) {
		stage_input(&s, NULL, COL(C_MATERIAL) | COL(C_QTY));
		for (i = 0; i < argc; i++) {
			const char *v[NCOL] = { 0 };
			char *colon = strrchr(argv[i], ':');

			*colon = '\0';
			v[C_MATERIAL] = argv[i];
			v[C_QTY] = colon + 1;
			stage_add_row(&s, v, i + 1);
		}
		order_batch(&s);
		return stage_close(&s);
	}
	return stage_files(&s, argc, argv, order_batch);
}
