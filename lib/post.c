/*
 * post.c - the posting rules and postings; see post.h.
 *
 * Each posting checks the business rules that need the master data
 * (availability less open orders, prices, batch determination, serial
 * choice), then emits its records; state_apply() checks the rules that
 * hold for every record, replayed or new.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "post.h"

static const struct mvt_rule rules[] = {
	{ 561, PL_NONE, PL_OWN, FL_NONE, "initial entry", 562 },
	{ 562, PL_OWN, PL_GONE, FL_NONE, "initial entry reversed", 0 },
	{ 631, PL_OWN, PL_CONSIG, FL_FILLUP, "consignment fill-up", 632 },
	{ 632, PL_CONSIG, PL_OWN, FL_PICKUP, "consignment pickup", 631 },
	{ 633, PL_CONSIG, PL_SOLD, FL_ISSUE, "consignment issue", 634 },
	{ 634, PL_SOLD, PL_CONSIG, FL_RETURN, "consignment return", 633 },
};

const struct mvt_rule *
mvt_rule(int mvt)
{
	size_t i;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].mvt == mvt)
			return &rules[i];
	return NULL;
}

int
flow_mvt(int flow)
{
	size_t i;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].flow == flow && flow != FL_NONE)
			return rules[i].mvt;
	return 0;
}

int
flow_source(int flow)
{
	const struct mvt_rule *r = mvt_rule(flow_mvt(flow));

	return r ? r->from : PL_NONE;
}

static int
fail(struct post *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct post *p, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_reset(&p->why);
	buf_adds(&p->why, tmp);
	return -1;
}

int
emit(struct post *p, int n, const char *const *f)
{
	size_t start = p->tx->len;
	struct jrec r;

	jtx_rec(p->tx, n, f);
	/* Apply exactly the bytes written: what is checked is what commits.
	 * (The copy is split in place; its buffer is kept for the next.) */
	buf_reset(&p->line);
	buf_add(&p->line, p->tx->s + start, p->tx->len - start - 1);
	buf_reset(&p->why);
	if (jrec_split(p->line.s, p->line.len, &r) < 0)
		return fail(p, "record does not split");
	return state_apply(p->st, &r, &p->why);
}

#define EMIT(p, ...) do { \
	const char *f_[] = { __VA_ARGS__ }; \
	if (emit((p), (int)(sizeof f_ / sizeof f_[0]), f_) < 0) \
		return -1; \
} while (0)

static char *
u64(uint64_t v, char *b)
{
	return fmt_u64(v, b);
}

static char *
itoa10(int v, char *b)
{
	return fmt_int(v, b);
}

/* Split a space-separated list into words (owned by *store). */
static int
split_words(const char *list, char ***w, struct buf *store)
{
	const char *s, *e;
	int n = 0;
	size_t cap = 0, *offs = NULL, i;

	buf_reset(store);
	for (s = list; *s; s = e) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e && *e != ' '; e++)
			;
		grow(&offs, &cap, (size_t)n + 1, sizeof *offs);
		offs[n++] = store->len;
		buf_add(store, s, (size_t)(e - s));
		buf_add(store, "", 1);
	}
	*w = xcalloc((size_t)n + 1, sizeof **w);
	for (i = 0; i < (size_t)n; i++)
		(*w)[i] = store->s + offs[i];
	free(offs);
	return n;
}

static int
is_whole(int64_t q)
{
	return q % QTY_SCALE == 0;
}

/* Check the serials of list are distinct, count qty, and each is at the
 * source place with the batch (batch 0: any, reported in *batch_of). */
static int
check_serials(struct post *p, const struct material *mat, const char *list,
    int64_t qty, int place, sid plant, sid sloc, sid cust, sid batch,
    const char *what)
{
	struct buf store = { 0 };
	char **w;
	int n = split_words(list, &w, &store), i, j, rc = -1;
	struct state *s = p->st;

	if (!mat->serial) {
		if (n == 0)
			rc = 0;
		else
			fail(p, "material %s has no serial numbers", mat->id);
		goto out;
	}
	if (!is_whole(qty)) {
		fail(p, "material %s is counted in whole pieces", mat->id);
		goto out;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if ((int64_t)n * QTY_SCALE != qty) {
		char q[NUM_BUFSZ];

		fail(p, "%d serials for quantity %s of %s", n, qty_fmt(qty, q),
		    mat->id);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct serial *x = state_serial(s, state_find(s, mat->id),
		    state_find(s, w[i]));

		for (j = 0; j < i; j++)
			if (strcmp(w[i], w[j]) == 0) {
				fail(p, "serial %s given twice", w[i]);
				goto out;
			}
		if (x != NULL && x->reserved) {
			fail(p, "serial %s is picked for delivery %llu", w[i],
			    (unsigned long long)x->reserved);
			goto out;
		}
		if (x == NULL || x->place != place || x->plant != plant ||
		    (place == PL_OWN && x->sloc != sloc) ||
		    (place != PL_OWN && x->customer != cust) ||
		    (batch && x->batch != batch)) {
			if (place == PL_OWN)
				fail(p, "serial %s is not in own stock of plant "
				    "%s%s", w[i], state_str(s, plant), what);
			else
				fail(p, "serial %s is not in %s stock of "
				    "customer %s%s", w[i], place == PL_SOLD ?
				    "sold" : "consignment", state_str(s, cust),
				    what);
			goto out;
		}
	}
	rc = 0;
out:
	free(w);
	buf_free(&store);
	return rc;
}

/* Is word w one of the words of list? */
static int
has_word(const char *list, const char *w)
{
	struct buf one = { 0 };
	int found = 0;

	while (!found && next_word(&list, &one))
		found = strcmp(one.s, w) == 0;
	buf_free(&one);
	return found;
}

/*
 * What a batch has free for an order or a pick: its stock, less every
 * delivery not yet posted, less what open orders for this very batch
 * still have to get (their claim less what they have delivered).
 */
static int64_t
batch_free(struct state *s, int place, sid plant, sid sloc, sid cust,
    sid material, sid batch)
{
	int64_t cl = claim_qty(s, place, plant, sloc, cust, material, batch) -
	    resv_batch_orders(s, place, plant, sloc, cust, material, batch);

	return stock_qty(s, place, plant, sloc, cust, material, batch) -
	    resv_qty(s, place, plant, sloc, cust, material, batch) -
	    (cl > 0 ? cl : 0);
}

/* Serials of material a delivery could take at a place and batch: not
 * picked for a delivery, not named by an order other than order; counted
 * up to cap. */
static int64_t
free_serials(struct state *s, sid material, int place, sid plant, sid sloc,
    sid cust, sid batch, uint64_t order, int64_t cap)
{
	size_t i;
	int64_t n = 0;

	for (i = state_serial_first(s, material); i && n < cap;
	    i = state_serial_next(s, i)) {
		struct serial *x = &s->ser[i - 1];

		if (x->material != material || x->place != place ||
		    x->plant != plant || x->batch != batch || x->reserved ||
		    (x->ordered && x->ordered != order))
			continue;
		if (place == PL_OWN ? x->sloc != sloc : x->customer != cust)
			continue;
		n += QTY_SCALE;
	}
	return n < cap ? n : cap;
}

/* The price a return is credited at: the invoice of the serial where one
 * is given, else the customer's last invoice of the material and batch,
 * else prices.csv.  0 when none. */
static const struct bitem *
invoice_of_serial(struct state *s, sid material, const char *serial)
{
	struct serial *x = state_serial(s, material, state_find(s, serial));
	struct matdoc *m;
	struct delivery *d;
	struct billing *b;
	size_t i;

	if (x == NULL || (m = state_matdoc(s, x->matdoc)) == NULL ||
	    m->mvt != 633 || (d = state_delivery(s, m->delivery)) == NULL ||
	    (b = state_billing(s, d->billing)) == NULL)
		return NULL;
	for (i = b->first; i < b->first + b->n; i++)
		if (s->bitem[i].material == material &&
		    has_word(state_str(s, s->bitem[i].serials), serial))
			return &s->bitem[i];
	return NULL;
}

/* Does order no have exactly these items: materials, quantities,
 * batches and serials, in order? */
static int
same_items(struct post *p, uint64_t no, const struct req_item *it, int n)
{
	struct state *s = p->st;
	struct order *o = state_order(s, no);
	int i;

	if (o == NULL || (int)o->n != n)
		return 0;
	for (i = 0; i < n; i++) {
		struct oitem *oi = &s->oitem[o->first + (size_t)i];
		int64_t q;

		if (strcmp(state_str(s, oi->material), it[i].material) != 0 ||
		    strcmp(state_str(s, oi->batch), it[i].batch) != 0 ||
		    strcmp(state_str(s, oi->serials), it[i].serials) != 0 ||
		    qty_parse(it[i].qty, &q) != NUM_OK || q != oi->qty)
			return 0;
	}
	return 1;
}

int
post_order(struct post *p, int flow, const char *customer, const char *po,
    const struct req_item *it, int n, uint64_t *order)
{
	struct state *s = p->st;
	const struct customer *cu = master_customer(p->m, customer);
	uint64_t no = next_order(s);
	char nob[24], itb[24], qb[NUM_BUFSZ], pb[NUM_BUFSZ];
	int i, place = flow_source(flow);
	sid cust;

	if (cu == NULL)
		return fail(p, "unknown customer '%s'", customer);
	if (flow == FL_NONE)
		return fail(p, "no flow given");
	if (n <= 0)
		return fail(p, "order without items");
	if (n > 9999)
		return fail(p, "more than 9999 items in one order");
	if (*po) {
		uint32_t k[3] = { state_find(s, customer), (uint32_t)flow,
		    state_find(s, po) };
		struct ientry *e = k[0] && k[2] ?
		    imap_get(&s->ordpo, k, 3) : NULL;

		if (e && e->v && !same_items(p, (uint64_t)e->v, it, n))
			return fail(p, "ordered already as order %llu, with "
			    "other items", (unsigned long long)e->v);
		if (e && e->v) {
			*order = (uint64_t)e->v;
			buf_reset(&p->note);
			buf_printf(&p->note, "customer %s %s po %s is ordered "
			    "already as order %llu", customer, flow_name(flow),
			    po, (unsigned long long)e->v);
			return 1;
		}
	}
	if (no > ORDER_LAST)
		return fail(p, "order number range exhausted");
	cust = state_intern(s, customer);
	for (i = 0; i < n; i++) {
		const struct req_item *r = &it[i];
		const struct material *mat = master_material(p->m, r->material);

		p->errline = r->line;
		const struct plant *pl;
		int64_t qty, avail, price = 0;
		const char *cur = "";
		sid plant, sloc, msid, batch;

		if (mat == NULL)
			return fail(p, "unknown material '%s'", r->material);
		if (qty_parse(r->qty, &qty) != NUM_OK || qty <= 0)
			return fail(p, "%s: quantity '%s' is not a positive "
			    "number with at most 3 decimals", mat->id, r->qty);
		if (*r->batch && !mat->batch)
			return fail(p, "material %s is not managed in batches",
			    mat->id);
		pl = master_plant(p->m, r->plant, r->sloc);
		if (pl == NULL)
			return fail(p, "unknown plant '%s' storage location "
			    "'%s'", r->plant, r->sloc);
		plant = state_intern(s, pl->plant);
		sloc = state_intern(s, pl->sloc);
		msid = state_intern(s, mat->id);
		batch = state_intern(s, r->batch);
		if (!is_whole(qty) && mat->serial)
			return fail(p, "material %s is counted in whole pieces",
			    mat->id);
		avail = stock_qty(s, place, plant, sloc, cust, msid, SID_ALL) -
		    claim_qty(s, place, plant, sloc, cust, msid, SID_ALL);
		if (batch) {
			/* The batch less its claims, less what deliveries of
			 * orders without a batch have taken of it. */
			int64_t b = stock_qty(s, place, plant, sloc, cust,
			    msid, batch) - claim_qty(s, place, plant, sloc,
			    cust, msid, batch) - (resv_qty(s, place, plant, sloc,
			    cust, msid, batch) - resv_batch_orders(s, place,
			    plant, sloc, cust, msid, batch));

			if (b < avail)
				avail = b;
		}
		if (avail < qty) {
			char ab[NUM_BUFSZ];

			return fail(p, "%s%s%s: %s requested, %s available in "
			    "%s stock%s%s less open orders", mat->id,
			    batch ? " batch " : "", r->batch, qty_fmt(qty, qb),
			    qty_fmt(avail < 0 ? 0 : avail, ab),
			    place_name(place), place == PL_OWN ? "" :
			    " of customer ", place == PL_OWN ? "" : customer);
		}
		if (flow == FL_RETURN && mat->serial && *r->serials == '\0')
			/* What comes back is one particular unit: which one
			 * decides the invoice it is credited at. */
			return fail(p, "%s: a return of a serial material names "
			    "its serials", mat->id);
		if (check_serials(p, mat, r->serials, qty, place, plant, sloc,
		    cust, batch, "") < 0)
			return -1;
		if (flow == FL_ISSUE || flow == FL_RETURN) {
			const struct price *pr = NULL;
			const struct bitem *bi = NULL;

			if (flow == FL_RETURN) {
				struct buf store = { 0 };
				char **w;
				struct ientry *e;
				uint32_t k[3] = { cust, msid, batch };

				if (split_words(r->serials, &w, &store) > 0)
					bi = invoice_of_serial(s, msid, w[0]);
				free(w);
				buf_free(&store);
				e = imap_get(&s->sold_price, k, 3);
				if (bi)
					price = bi->price;
				else if (e && e->v)
					price = e->v;
				if (bi || (e && e->v))
					cur = cu->currency;
			}
			if (*cur == '\0') {
				pr = master_price(p->m, mat->id, customer,
				    p->day);
				if (pr == NULL)
					return fail(p, "%s: no valid price on "
					    "%s", mat->id, p->date);
				if (strcmp(pr->currency, cu->currency) != 0)
					return fail(p, "%s: price in %s, "
					    "customer %s pays in %s", mat->id,
					    pr->currency, customer,
					    cu->currency);
				price = pr->price;
				cur = pr->currency;
			}
			amt_fmt(price, cur_places(cur), pb);
		} else
			pb[0] = '\0';
		EMIT(p, "O", u64(no, nob), itoa10((i + 1) * 10, itb),
		    flow_name(flow), p->date, customer, mat->id,
		    qty_fmt(qty, qb), mat->unit, pl->plant, pl->sloc, r->batch,
		    r->serials, po, pb, cur, flow == FL_RETURN ? "billing" : "");
	}
	p->errline = 0;
	*order = no;
	return 0;
}

/* Batches of a pool in the order they are drawn: first expiry first (known
 * expiries before unknown), then first received first, then by name. */
struct cand {
	sid batch;
	int64_t avail;
	long expiry;
	int64_t seq;
	const char *name;
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if ((x->expiry < 0) != (y->expiry < 0))
		return x->expiry < 0 ? 1 : -1;
	if (x->expiry != y->expiry)
		return x->expiry < y->expiry ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return natcmp(x->name, y->name);
}

static int
batch_candidates(struct post *p, int place, sid plant, sid sloc, sid cust,
    sid material, int serial_material, struct cand **out)
{
	struct state *s = p->st;
	struct cand *c = NULL;
	size_t cap = 0, i;
	int n = 0;
	struct buf k = { 0 };

	/* Only the pool's own batches, however many other pools there are. */
	for (i = stock_batches(s, place, plant, sloc, cust, material); i != 0;
	    i = (size_t)s->stock.e[i - 1].idx) {
		const struct stock_key *pk = (const void *)s->stock.e[i - 1].k;
		struct ientry *e;
		uint32_t bk[2];
		int64_t av;

		if (s->stock.e[i - 1].v <= 0)
			continue;
		av = batch_free(s, place, plant, sloc, cust, material,
		    pk->batch);
		if (av > 0 && serial_material)
			av = free_serials(s, material, place, plant, sloc, cust,
			    pk->batch, 0, av);
		if (av <= 0)
			continue;
		grow(&c, &cap, (size_t)n + 1, sizeof *c);
		c[n].batch = pk->batch;
		c[n].avail = av;
		c[n].name = state_str(s, pk->batch);
		c[n].expiry = master_expiry(p->m, state_str(s, material),
		    c[n].name);
		bk[0] = material;
		bk[1] = pk->batch;
		e = imap_get(&s->batchseq, bk, 2);
		c[n].seq = e ? e->v : INT64_MAX;
		n++;
	}
	buf_free(&k);
	if (n > 1)
		qsort(c, (size_t)n, sizeof *c, cand_cmp);
	*out = c;
	return n;
}

static int
emit_ditem(struct post *p, uint64_t dno, int *item, const struct order *o,
    const struct oitem *oi, const char *ship, sid batch, int64_t qty,
    const char *serials)
{
	struct state *s = p->st;
	char db[24], ib[24], ob[24], oib[24], qb[NUM_BUFSZ];

	if (*item >= 9999 * 10)
		return fail(p, "more than 9999 items in one delivery");
	*item += 10;
	EMIT(p, "D", u64(dno, db), itoa10(*item, ib), u64(oi->order, ob),
	    itoa10(oi->item, oib), flow_name(o->flow), p->date,
	    state_str(s, o->customer), ship, state_str(s, oi->plant),
	    state_str(s, oi->sloc), state_str(s, oi->material),
	    state_str(s, batch), qty_fmt(qty, qb), serials);
	return 0;
}

int
post_delivery(struct post *p, const struct dlv_req *rq, int n,
    uint64_t *delivery, int *short_items)
{
	struct state *s = p->st;
	uint64_t dno = next_delivery(s);
	int i, item = 0;

	*short_items = 0;
	if (dno > DELIV_LAST)
		return fail(p, "delivery number range exhausted");
	for (i = 0; i < n; i++) {
		struct order *o = state_order(s, rq[i].order);
		struct oitem *oi = NULL;
		const struct material *mat;
		const struct plant *pl;
		int64_t open;
		int place;
		size_t k;

		if (o == NULL)
			return fail(p, "no order %llu",
			    (unsigned long long)rq[i].order);
		for (k = o->first; k < o->first + o->n; k++)
			if (s->oitem[k].item == rq[i].item)
				oi = &s->oitem[k];
		if (oi == NULL)
			return fail(p, "order %llu has no item %d",
			    (unsigned long long)rq[i].order, rq[i].item);
		open = oi->rejected ? 0 : oi->qty - oi->delivered;
		if (open <= 0)
			continue;
		mat = master_material(p->m, state_str(s, oi->material));
		pl = master_plant(p->m, state_str(s, oi->plant),
		    state_str(s, oi->sloc));
		if (mat == NULL || pl == NULL)
			return fail(p, "order %llu: material or plant no "
			    "longer in the master data",
			    (unsigned long long)rq[i].order);
		place = flow_source(o->flow);
		if (oi->serials) {
			/* Requested serials fix the batches: one delivery
			 * item for each batch they are in, of those named
			 * serials still at the source and not picked (after
			 * a short pick, the rest). */
			struct buf store = { 0 }, list = { 0 };
			char **w;
			int nw = split_words(state_str(s, oi->serials), &w,
			    &store), j, m2, rc = 0;
			char *take = xcalloc((size_t)nw + 1, 1);
			int64_t want = open;

			for (j = 0; j < nw && want > 0; j++) {
				struct serial *x = state_serial(s, oi->material,
				    state_find(s, w[j]));

				if (x == NULL || x->reserved ||
				    x->place != place || x->plant != oi->plant ||
				    (place == PL_OWN ? x->sloc != oi->sloc :
				    x->customer != o->customer))
					continue;
				take[j] = 1;
				want -= QTY_SCALE;
			}
			for (j = 0; j < nw && rc == 0; j++) {
				struct serial *x;

				if (take[j] != 1)
					continue;
				x = state_serial(s, oi->material,
				    state_find(s, w[j]));
				buf_reset(&list);
				for (m2 = j; m2 < nw; m2++) {
					struct serial *y = state_serial(s,
					    oi->material, state_find(s, w[m2]));

					if (take[m2] == 1 && y->batch == x->batch) {
						if (list.len)
							buf_addc(&list, ' ');
						buf_adds(&list, w[m2]);
						take[m2] = 2;
					}
				}
				rc = emit_ditem(p, dno, &item, o, oi,
				    pl->ship_point, x->batch,
				    (int64_t)count_words(list.s) * QTY_SCALE,
				    list.s);
				open -= (int64_t)count_words(list.s) * QTY_SCALE;
			}
			free(take);
			free(w);
			buf_free(&store);
			buf_free(&list);
			if (rc < 0)
				return -1;
			if (open > 0)
				(*short_items)++;
			continue;
		}
		if (mat->batch && oi->batch == 0) {
			struct cand *c;
			int nc = batch_candidates(p, place, oi->plant, oi->sloc,
			    o->customer, oi->material, mat->serial, &c), j;

			for (j = 0; j < nc && open > 0; j++) {
				int64_t q = c[j].avail < open ? c[j].avail : open;

				if (emit_ditem(p, dno, &item, o, oi,
				    pl->ship_point, c[j].batch, q, "") < 0) {
					free(c);
					return -1;
				}
				open -= q;
			}
			free(c);
		} else {
			int64_t av = stock_qty(s, place, oi->plant, oi->sloc,
			    o->customer, oi->material, oi->batch) -
			    resv_qty(s, place, oi->plant, oi->sloc,
			    o->customer, oi->material, oi->batch);
			int64_t q = av < open ? av : open;

			if (q > 0) {
				if (emit_ditem(p, dno, &item, o, oi,
				    pl->ship_point, oi->batch, q, "") < 0)
					return -1;
				open -= q;
			}
		}
		if (open > 0)
			(*short_items)++;
	}
	if (item == 0)
		return fail(p, *short_items ? "no stock to deliver" :
		    "nothing open to deliver");
	*delivery = dno;
	return 0;
}

int
count_words(const char *list)
{
	int n = 0, in = 0;

	for (; *list; list++) {
		if (*list != ' ' && !in)
			n++;
		in = *list != ' ';
	}
	return n;
}

/* The lowest serials (natural order) of material at a place and batch,
 * not picked for another delivery: k of them into out, or -1. */
static int
choose_serials(struct post *p, sid material, int place, sid plant, sid sloc,
    sid cust, sid batch, uint64_t order, int k, struct buf *out)
{
	struct state *s = p->st;
	size_t i, n = 0, cap = 0;
	struct serial **c = NULL;
	int j;

	for (i = state_serial_first(s, material); i;
	    i = state_serial_next(s, i)) {
		struct serial *x = &s->ser[i - 1];

		if (x->material != material || x->place != place ||
		    x->plant != plant || x->batch != batch || x->reserved ||
		    (x->ordered && x->ordered != order))
			continue;
		if (place == PL_OWN ? x->sloc != sloc : x->customer != cust)
			continue;
		grow(&c, &cap, n + 1, sizeof *c);
		c[n++] = x;
	}
	if ((int)n < k) {
		free(c);
		return -1;
	}
	/* A partial selection: k smallest by natural order. */
	for (j = 0; j < k; j++) {
		size_t m = (size_t)j, q;

		for (q = (size_t)j + 1; q < n; q++)
			if (natcmp(state_str(s, c[q]->serial),
			    state_str(s, c[m]->serial)) < 0)
				m = q;
		if (m != (size_t)j) {
			struct serial *t = c[j];
			c[j] = c[m];
			c[m] = t;
		}
		if (j)
			buf_addc(out, ' ');
		buf_adds(out, state_str(s, c[j]->serial));
	}
	free(c);
	return 0;
}

#define PICK_FAIL(...) do { fail(p, __VA_ARGS__); goto fail; } while (0)

int
post_pick(struct post *p, uint64_t dno, const struct pick_req *rq, int n)
{
	struct state *s = p->st;
	struct delivery *d = state_delivery(s, dno);
	char db[24], ib[24], qb[NUM_BUFSZ];
	size_t i;
	int todo = 0, place;
	struct buf ser = { 0 };

	if (d == NULL)
		return fail(p, "no delivery %llu", (unsigned long long)dno);
	if (d->deleted)
		return fail(p, "delivery %llu is deleted",
		    (unsigned long long)dno);
	place = flow_source(d->flow);
	if (d->matdoc || delivery_unpicked(s, d) == 0) {
		buf_reset(&p->note);
		buf_printf(&p->note, "delivery %llu is %s already",
		    (unsigned long long)dno, d->matdoc ? "posted" : "picked");
		return 1;
	}
	for (i = d->first; i < d->first + d->n; i++) {
		struct ditem *di = &s->ditem[i];
		const struct material *mat = master_material(p->m,
		    state_str(s, di->material));
		const struct pick_req *r = NULL;
		const char *batch, *serials;
		int64_t picked;
		int k;

		if (di->picked >= 0)
			continue;
		for (k = 0; k < n; k++)
			if (rq[k].item == di->item || rq[k].item == 0)
				r = &rq[k];
		if (n && r == NULL)
			continue;
		p->errline = r ? r->line : 0;
		if (mat == NULL)
			PICK_FAIL("item %d: material %s no longer in the "
			    "master data", di->item, state_str(s, di->material));
		picked = r && r->picked >= 0 ? r->picked : di->qty;
		if (picked > di->qty)
			PICK_FAIL("item %d: picked %s, delivery says %s",
			    di->item, qty_fmt(picked, qb),
			    qty_fmt(di->qty, db));
		batch = r && r->batch && *r->batch ? r->batch :
		    state_str(s, di->batch);
		if (mat->batch && *batch == '\0' && picked > 0)
			PICK_FAIL("item %d: material %s needs a batch",
			    di->item, mat->id);
		if (!mat->batch && *batch)
			PICK_FAIL("item %d: material %s is not managed in "
			    "batches", di->item, mat->id);
		if (mat->batch && picked > 0 &&
		    strcmp(batch, state_str(s, di->batch)) != 0) {
			struct oitem *oi = state_oitem(s, di->order,
			    di->order_item);
			sid b = state_find(s, batch);
			char fb[NUM_BUFSZ];
			int64_t fr;

			/* Another batch than planned: the order may ask for
			 * its own, and the new one must have it free. */
			if (oi && oi->batch)
				PICK_FAIL("item %d: order %llu asks for "
				    "batch %s", di->item,
				    (unsigned long long)di->order,
				    state_str(s, oi->batch));
			fr = b ? batch_free(s, place, di->plant, di->sloc,
			    d->customer, di->material, b) : 0;
			if (fr < picked)
				PICK_FAIL("item %d: batch %s has %s free",
				    di->item, batch, qty_fmt(fr < 0 ? 0 : fr,
				    fb));
		}
		buf_reset(&ser);
		serials = r && r->serials && *r->serials ? r->serials : "";
		if (*serials == '\0' && di->serials &&
		    (int64_t)count_words(state_str(s, di->serials)) *
		    QTY_SCALE == picked)
			serials = state_str(s, di->serials);
		if (mat->serial && picked > 0) {
			if (!is_whole(picked)) {
				PICK_FAIL("item %d: material %s is counted "
				    "in whole pieces", di->item, mat->id);
			}
			if (*serials == '\0') {
				if (choose_serials(p, di->material, place,
				    di->plant, di->sloc, d->customer,
				    state_find(s, batch), di->order,
				    (int)(picked / QTY_SCALE), &ser) < 0) {
					PICK_FAIL("item %d: not enough "
					    "serials of %s%s%s in %s stock",
					    di->item, mat->id,
					    *batch ? " batch " : "", batch,
					    place_name(place));
				}
				serials = ser.s;
			} else if (check_serials(p, mat, serials, picked, place,
			    di->plant, di->sloc, d->customer,
			    state_intern(s, batch), "") < 0) {
				char *why = xstrdup(p->why.s);

				fail(p, "item %d: %s", di->item, why);
				free(why);
				goto fail;
			}
		} else if (*serials && !mat->serial) {
			PICK_FAIL("item %d: material %s has no serial "
			    "numbers", di->item, mat->id);
		}
		{
			const char *f[] = { "P", u64(dno, db),
			    itoa10(di->item, ib), qty_fmt(picked, qb), batch,
			    serials, p->date };

			if (emit(p, 7, f) < 0) {
				char *why = xstrdup(p->why.s);

				fail(p, "item %d: %s", di->item, why);
				free(why);
				goto fail;
			}
		}
		todo++;
	}
	buf_free(&ser);
	p->errline = 0;
	if (todo == 0)
		return fail(p, "delivery %llu: its items are picked already",
		    (unsigned long long)dno);
	return 0;
fail:
	buf_free(&ser);
	return -1;
}
#undef PICK_FAIL

/* Emit a balanced two-line accounting document. */
static int
emit_acc2(struct post *p, const char *dr, const char *cr, int64_t amt,
    const char *cur, const char *customer, const char *reftype,
    const char *ref)
{
	char ab[24], vb[NUM_BUFSZ];
	uint64_t no = p->st->next_acc;

	amt_fmt(amt, cur_places(cur), vb);
	EMIT(p, "A", u64(no, ab), "1", p->date, dr, "D", vb, cur,
	    strcmp(dr, "receivable") == 0 ? customer : "", reftype, ref);
	EMIT(p, "A", u64(no, ab), "2", p->date, cr, "C", vb, cur,
	    strcmp(cr, "receivable") == 0 ? customer : "", reftype, ref);
	return state_acc_close(p->st, &p->why);
}

int
post_goods(struct post *p, uint64_t dno, uint64_t *matdoc)
{
	struct state *s = p->st;
	struct delivery *d = state_delivery(s, dno);
	uint64_t md = next_matdoc(s);
	char db[24], mb[24], ib[24], dib[24], xb[24], qb[NUM_BUFSZ],
	    cb[NUM_BUFSZ];
	int mvt, item = 0;
	size_t i;
	int64_t value = 0;
	const char *cur = "";

	if (d == NULL)
		return fail(p, "no delivery %llu", (unsigned long long)dno);
	if (d->deleted)
		return fail(p, "delivery %llu is deleted",
		    (unsigned long long)dno);
	if (d->matdoc) {
		*matdoc = d->matdoc;
		buf_reset(&p->note);
		buf_printf(&p->note, "delivery %llu is posted already as "
		    "material document %llu", (unsigned long long)dno,
		    (unsigned long long)d->matdoc);
		return 1;
	}
	if (md > MATDOC_LAST)
		return fail(p, "material document number range exhausted");
	for (i = d->first; i < d->first + d->n; i++) {
		if (s->ditem[i].picked < 0)
			return fail(p, "delivery %llu item %d is not picked",
			    (unsigned long long)dno, s->ditem[i].item);
		if (s->ditem[i].picked > 0)
			item++;
	}
	if (item == 0)
		return fail(p, "delivery %llu: nothing picked; delete it "
		    "instead", (unsigned long long)dno);
	mvt = flow_mvt(d->flow);
	EMIT(p, "G", u64(dno, db), u64(md, mb), p->date);
	item = 0;
	for (i = d->first; i < d->first + d->n; i++) {
		struct ditem *di = &s->ditem[i];
		const struct material *mat = master_material(p->m,
		    state_str(s, di->material));
		int64_t cost, v;

		if (di->picked == 0)
			continue;
		if (mat == NULL)
			return fail(p, "material %s no longer in the master "
			    "data", state_str(s, di->material));
		cost = mat->cost;
		cur = mat->currency;
		if (mvt == 634) {
			/* Credit cost of goods sold at the cost the issue
			 * used. */
			uint32_t k[4] = { di->plant, d->customer,
			    di->material, di->batch };
			struct ientry *e = imap_get(&s->issue_cost, k, 4);

			if (e && e->v)
				cost = e->v;
		}
		if (num_muldiv(di->picked, cost, QTY_SCALE, &v) ||
		    num_add(value, v, &value))
			return fail(p, "value out of range");
		item++;
		EMIT(p, "M", u64(md, mb), itoa10(item, ib), itoa10(mvt, qb),
		    p->date, mat->id, state_str(s, di->plant),
		    state_str(s, di->sloc), state_str(s, di->batch),
		    state_str(s, d->customer), qty_fmt(di->picked, db),
		    state_str(s, di->serials), amt_fmt(cost, cur_places(cur), cb),
		    cur,
		    u64(dno, dib), itoa10(di->item, xb));
	}
	if (mvt == 633 && value)
		return emit_acc2(p, "cogs", "inventory", value, cur,
		    state_str(s, d->customer), "matdoc", u64(md, mb)) < 0 ? -1 :
		    (*matdoc = md, 0);
	if (mvt == 634 && value)
		return emit_acc2(p, "inventory", "cogs", value, cur,
		    state_str(s, d->customer), "matdoc", u64(md, mb)) < 0 ? -1 :
		    (*matdoc = md, 0);
	*matdoc = md;
	return 0;
}

int
post_reverse(struct post *p, uint64_t no, uint64_t *reversal)
{
	struct state *s = p->st;
	struct matdoc *m;
	struct delivery *d = NULL;
	const struct mvt_rule *ru;
	uint64_t md = no, rmd = next_matdoc(s), dno;
	char mb[24], ob[24], db[24], ib[24], vb[8], qb[NUM_BUFSZ],
	    cb[NUM_BUFSZ], xb[24];
	int64_t value = 0, v;
	const char *cur = "", *cust;
	size_t i;

	if (no >= DELIV_BASE && no <= DELIV_LAST) {
		if ((d = state_delivery(s, no)) == NULL)
			return fail(p, "no delivery %llu",
			    (unsigned long long)no);
		if (d->deleted)
			return fail(p, "delivery %llu is deleted",
			    (unsigned long long)no);
		if (!d->matdoc)
			return fail(p, "delivery %llu is not posted",
			    (unsigned long long)no);
		md = d->matdoc;
	} else if (no < MATDOC_BASE || no > MATDOC_LAST)
		return fail(p, "%llu is neither a delivery nor a material "
		    "document", (unsigned long long)no);
	if ((m = state_matdoc(s, md)) == NULL)
		return fail(p, "no material document %llu",
		    (unsigned long long)md);
	if (m->reverses)
		return fail(p, "material document %llu reverses %llu itself: "
		    "post the movement anew instead", (unsigned long long)md,
		    (unsigned long long)m->reverses);
	if (m->reversed_by)
		return fail(p, "material document %llu is reversed already by "
		    "%llu", (unsigned long long)md,
		    (unsigned long long)m->reversed_by);
	dno = m->delivery;
	if (dno && (d = state_delivery(s, dno)) != NULL && d->billing)
		return fail(p, "delivery %llu is billed in billing document "
		    "%llu: cancel it first (cs-bill --cancel)",
		    (unsigned long long)dno, (unsigned long long)d->billing);
	if (p->day < m->date) {
		date_fmt(m->date, db);
		return fail(p, "material document %llu is dated %s, after %s",
		    (unsigned long long)md, db, p->date);
	}
	if (rmd > MATDOC_LAST)
		return fail(p, "material document number range exhausted");
	ru = mvt_rule(m->mvt);
	if (ru == NULL || (ru = mvt_rule(ru->reverse)) == NULL)
		return fail(p, "material document %llu (movement %d) cannot be "
		    "reversed", (unsigned long long)md, m->mvt);
	cust = d ? state_str(s, d->customer) : "";
	EMIT(p, "V", u64(rmd, mb), u64(md, ob), p->date,
	    dno ? u64(dno, db) : "");
	/* The state may have moved its arrays: look the original up anew
	 * for each item. */
	for (i = 0; i < state_matdoc(s, md)->n; i++) {
		const struct mitem *mi = &s->mitem[state_matdoc(s, md)->first +
		    i];
		cur = state_str(s, mi->currency);
		if (num_muldiv(mi->qty, mi->cost, QTY_SCALE, &v) ||
		    num_add(value, v, &value))
			return fail(p, "value out of range");
		snprintf(vb, sizeof vb, "%d", ru->mvt);
		EMIT(p, "M", u64(rmd, mb), itoa10(mi->item, ib), vb, p->date,
		    state_str(s, mi->material), state_str(s, mi->plant),
		    state_str(s, mi->sloc), state_str(s, mi->batch),
		    state_str(s, mi->customer), qty_fmt(mi->qty, qb),
		    state_str(s, mi->serials), amt_fmt(mi->cost, cur_places(cur), cb), cur,
		    dno ? u64(dno, db) : "",
		    dno ? itoa10(mi->delivery_item, xb) : "");
	}
	/* The cost posting goes back the way it came. */
	if (state_matdoc(s, md)->accdoc && value) {
		if (ru->mvt == 634 && emit_acc2(p, "inventory", "cogs", value,
		    cur, cust, "matdoc", u64(rmd, mb)) < 0)
			return -1;
		if (ru->mvt == 633 && emit_acc2(p, "cogs", "inventory", value,
		    cur, cust, "matdoc", u64(rmd, mb)) < 0)
			return -1;
	}
	*reversal = rmd;
	return 0;
}

int
post_initial(struct post *p, const char *material, const char *plant,
    const char *sloc, const char *batch, const char *serials,
    const char *qtys, uint64_t *matdoc)
{
	struct state *s = p->st;
	const struct material *mat = master_material(p->m, material);
	const struct plant *pl;
	uint64_t md = next_matdoc(s);
	int64_t qty;
	char mb[24], qb[NUM_BUFSZ], cb[NUM_BUFSZ];
	struct buf store = { 0 };
	char **w;
	int nw, i, j;

	if (mat == NULL)
		return fail(p, "unknown material '%s'", material);
	if ((pl = master_plant(p->m, plant, sloc)) == NULL || *plant == '\0')
		return fail(p, "unknown plant '%s' storage location '%s'",
		    plant, sloc);
	if (qty_parse(qtys, &qty) != NUM_OK || qty <= 0)
		return fail(p, "%s: quantity '%s' is not a positive number "
		    "with at most 3 decimals", material, qtys);
	if (mat->batch && *batch == '\0')
		return fail(p, "material %s needs a batch", material);
	if (!mat->batch && *batch)
		return fail(p, "material %s is not managed in batches",
		    material);
	if (mat->serial) {
		if (!is_whole(qty))
			return fail(p, "material %s is counted in whole pieces",
			    material);
		nw = split_words(serials, &w, &store);
		for (i = 0; i < nw; i++)
			for (j = 0; j < i; j++)
				if (strcmp(w[i], w[j]) == 0) {
					fail(p, "serial %s given twice", w[j]);
					free(w);
					buf_free(&store);
					return -1;
				}
		free(w);
		buf_free(&store);
		if ((int64_t)nw * QTY_SCALE != qty)
			return fail(p, "%d serials for quantity %s of %s", nw,
			    qty_fmt(qty, qb), material);
	} else if (*serials)
		return fail(p, "material %s has no serial numbers", material);
	if (md > MATDOC_LAST)
		return fail(p, "material document number range exhausted");
	EMIT(p, "M", u64(md, mb), "1", "561", p->date, material, pl->plant,
	    pl->sloc, batch, "", qty_fmt(qty, qb), serials,
	    amt_fmt(mat->cost, cur_places(mat->currency), cb), mat->currency,
	    "", "");
	*matdoc = md;
	return 0;
}

int
post_billing(struct post *p, const uint64_t *dn, int n, uint64_t *billing)
{
	struct state *s = p->st;
	uint64_t bno = next_billing(s), acc = 0;
	const struct customer *cu;
	struct delivery *d0 = state_delivery(s, dn[0]);
	int type, k, item = 0;
	int64_t net_t = 0, tax_t = 0, gross_t = 0;
	long due;
	char due_s[11], bb[24], ib[24], db[24], dib[24], ob[24], oib[24],
	    qb[NUM_BUFSZ], pb[NUM_BUFSZ], nb[NUM_BUFSZ], tb[NUM_BUFSZ],
	    gb[NUM_BUFSZ], ab[24];
	const char *cur = "";

	if (d0 == NULL)
		return fail(p, "no delivery %llu", (unsigned long long)dn[0]);
	cu = master_customer(p->m, state_str(s, d0->customer));
	if (cu == NULL)
		return fail(p, "customer %s no longer in the master data",
		    state_str(s, d0->customer));
	if (bno > BILL_LAST)
		return fail(p, "billing number range exhausted");
	type = d0->flow == FL_RETURN ? BT_RE : BT_F2;
	due = p->day + cu->terms_days;
	date_fmt(due, due_s);
	if (type == BT_F2)
		acc = s->next_acc;
	for (k = 0; k < n; k++) {
		struct delivery *d = state_delivery(s, dn[k]);
		struct matdoc *m;
		size_t i;

		if (d == NULL)
			return fail(p, "no delivery %llu",
			    (unsigned long long)dn[k]);
		if (d->flow != FL_ISSUE && d->flow != FL_RETURN)
			return fail(p, "delivery %llu is a %s delivery: never "
			    "billed", (unsigned long long)dn[k],
			    flow_name(d->flow));
		if (d->deleted || !d->matdoc)
			return fail(p, "delivery %llu is not posted",
			    (unsigned long long)dn[k]);
		if (d->reversal)
			return fail(p, "delivery %llu: its goods movement is "
			    "reversed by material document %llu",
			    (unsigned long long)dn[k],
			    (unsigned long long)d->reversal);
		if (d->billing)
			return fail(p, "delivery %llu is billed already in "
			    "%llu", (unsigned long long)dn[k],
			    (unsigned long long)d->billing);
		m = state_matdoc(s, d->matdoc);
		for (i = m->first; i < m->first + m->n; i++) {
			struct mitem *mi = &s->mitem[i];
			struct ditem *di = NULL;
			struct oitem *oi = NULL;
			struct order *o;
			size_t j;
			int64_t net, tax, gross;

			for (j = d->first; j < d->first + d->n; j++)
				if (s->ditem[j].item == mi->delivery_item)
					di = &s->ditem[j];
			o = state_order(s, di->order);
			for (j = o->first; j < o->first + o->n; j++)
				if (s->oitem[j].item == di->order_item)
					oi = &s->oitem[j];
			if (o->block)
				return fail(p, "order %llu has a billing block",
				    (unsigned long long)di->order);
			cur = state_str(s, oi->currency);
			if (num_muldiv(mi->qty, oi->price, QTY_SCALE, &net) ||
			    num_muldiv(net, cu->tax_rate, 100 * QTY_SCALE,
			    &tax) || num_add(net, tax, &gross) ||
			    num_add(net_t, net, &net_t) ||
			    num_add(tax_t, tax, &tax_t) ||
			    num_add(gross_t, gross, &gross_t))
				return fail(p, "amount out of range");
			if (item >= 9999 * 10)
				return fail(p, "more than 9999 items in one "
				    "billing document");
			item += 10;
			{
				int pl = cur_places(cur);
				const char *f[] = { "F", u64(bno, bb),
				    itoa10(item, ib), type == BT_F2 ? "F2" :
				    "RE", p->date, cu->id, u64(dn[k], db),
				    itoa10(di->item, dib), u64(di->order, ob),
				    itoa10(di->order_item, oib),
				    state_str(s, mi->material),
				    state_str(s, mi->batch),
				    state_str(s, mi->serials),
				    qty_fmt(mi->qty, qb),
				    state_str(s, oi->unit),
				    amt_fmt(oi->price, pl, pb),
				    amt_fmt(net, pl, nb), amt_fmt(tax, pl, tb),
				    amt_fmt(gross, pl, gb), cur, due_s,
				    type == BT_RE ? "accounting" : "",
				    acc ? u64(acc, ab) : "" };

				if (emit(p, 23, f) < 0)
					return -1;
			}
		}
	}
	if (type == BT_F2) {
		int pl = cur_places(cur);
		char v1[NUM_BUFSZ], v2[NUM_BUFSZ], v3[NUM_BUFSZ];

		EMIT(p, "A", u64(acc, ab), "1", p->date, "receivable", "D",
		    amt_fmt(gross_t, pl, v1), cur, cu->id, "billing",
		    u64(bno, bb));
		EMIT(p, "A", u64(acc, ab), "2", p->date, "revenue", "C",
		    amt_fmt(net_t, pl, v2), cur, "", "billing", u64(bno, bb));
		if (tax_t)
			EMIT(p, "A", u64(acc, ab), "3", p->date, "output-tax",
			    "C", amt_fmt(tax_t, pl, v3), cur, "", "billing",
			    u64(bno, bb));
		if (state_acc_close(s, &p->why) < 0)
			return -1;
	}
	*billing = bno;
	return 0;
}

/* The accounting of a billing document, with sides swapped when reverse. */
static int
billing_acc(struct post *p, struct billing *b, uint64_t bno, int credit)
{
	struct state *s = p->st;
	const char *cur = state_str(s, b->currency), *cust;
	int pl = cur_places(cur);
	char ab[24], bb[24], v1[NUM_BUFSZ], v2[NUM_BUFSZ], v3[NUM_BUFSZ];
	uint64_t acc = s->next_acc;
	const char *dr = credit ? "C" : "D", *cr = credit ? "D" : "C";

	cust = state_str(s, b->customer);
	EMIT(p, "A", u64(acc, ab), "1", p->date, "receivable", dr,
	    amt_fmt(b->gross, pl, v1), cur, cust, "billing", u64(bno, bb));
	EMIT(p, "A", u64(acc, ab), "2", p->date, "revenue", cr,
	    amt_fmt(b->net, pl, v2), cur, "", "billing", u64(bno, bb));
	if (b->tax)
		EMIT(p, "A", u64(acc, ab), "3", p->date, "output-tax", cr,
		    amt_fmt(b->tax, pl, v3), cur, "", "billing", u64(bno, bb));
	return state_acc_close(s, &p->why);
}

int
post_cancel(struct post *p, uint64_t bno)
{
	struct state *s = p->st;
	struct billing *b = state_billing(s, bno);
	char bb[24], ab[24];
	int posted;

	if (b == NULL)
		return fail(p, "no billing document %llu",
		    (unsigned long long)bno);
	if (b->cancelled) {
		buf_reset(&p->note);
		buf_printf(&p->note, "billing document %llu is cancelled "
		    "already", (unsigned long long)bno);
		return 1;
	}
	posted = b->type == BT_F2 || !b->accblock;
	EMIT(p, "FC", u64(bno, bb), p->date,
	    posted ? u64(s->next_acc, ab) : "");
	if (posted) {
		b = state_billing(s, bno);
		/* An invoice debited the customer; its cancellation credits
		 * it, and the other way round for a credit memo. */
		return billing_acc(p, b, bno, b->type == BT_F2);
	}
	return 0;
}

int
post_release_billing(struct post *p, uint64_t bno)
{
	struct state *s = p->st;
	struct billing *b = state_billing(s, bno);
	char bb[24], ab[24];

	if (b == NULL)
		return fail(p, "no billing document %llu",
		    (unsigned long long)bno);
	if (b->type != BT_RE)
		return fail(p, "billing document %llu is an invoice: it is "
		    "never blocked", (unsigned long long)bno);
	if (b->cancelled)
		return fail(p, "billing document %llu is cancelled",
		    (unsigned long long)bno);
	if (!b->accblock) {
		buf_reset(&p->note);
		buf_printf(&p->note, "credit memo %llu is released already",
		    (unsigned long long)bno);
		return 1;
	}
	EMIT(p, "FR", u64(bno, bb), p->date, u64(s->next_acc, ab));
	return billing_acc(p, state_billing(s, bno), bno, 1);
}

int
post_release_order(struct post *p, uint64_t ono)
{
	struct order *o = state_order(p->st, ono);
	char ob[24];

	if (o == NULL)
		return fail(p, "no order %llu", (unsigned long long)ono);
	if (!o->block) {
		buf_reset(&p->note);
		buf_printf(&p->note, "order %llu has no billing block",
		    (unsigned long long)ono);
		return 1;
	}
	EMIT(p, "OR", u64(ono, ob));
	return 0;
}

int
post_reject(struct post *p, uint64_t ono, int item, const char *reason)
{
	struct state *s = p->st;
	struct order *o = state_order(s, ono);
	char ob[24], ib[24];
	size_t i;
	int done = 0;
	struct buf pending = { 0 };

	buf_reset(&p->note);
	if (o == NULL)
		return fail(p, "no order %llu", (unsigned long long)ono);
	for (i = o->first; i < o->first + o->n; i++) {
		struct oitem *oi = &s->oitem[i];

		if (item && oi->item != item)
			continue;
		if (item && oi->rejected) {
			buf_reset(&p->note);
			buf_printf(&p->note, "order %llu item %d is rejected "
			    "already", (unsigned long long)ono, item);
			return 1;
		}
		if (item == 0 && !oi->rejected && oi->posted < oi->qty &&
		    oi->delivered > oi->posted) {
			/* Waiting for its delivery to post: it stays. */
			buf_printf(&pending, "%s%d", pending.len ? ", " : "",
			    oi->item);
			continue;
		}
		if (item == 0 && (oi->rejected || oi->posted >= oi->qty))
			continue;
		{
			const char *f[] = { "OJ", u64(ono, ob),
			    itoa10(oi->item, ib), *reason ? reason : "rejected" };

			if (emit(p, 4, f) < 0) {
				buf_free(&pending);
				return -1;
			}
		}
		done++;
		o = state_order(s, ono);
	}
	if (pending.len && done) {
		buf_printf(&p->note, "order %llu: item %s waits for its "
		    "delivery to post and stays open", (unsigned long long)ono,
		    pending.s);
	}
	buf_free(&pending);
	if (done == 0 && item)
		return fail(p, "order %llu has no item %d",
		    (unsigned long long)ono, item);
	if (done == 0) {
		/* Items waiting for their delivery to post cannot go; all
		 * others are rejected or complete already: nothing to do. */
		for (i = o->first; i < o->first + o->n; i++)
			if (!s->oitem[i].rejected &&
			    s->oitem[i].delivered > s->oitem[i].posted)
				return fail(p, "order %llu item %d has a delivery "
				    "not yet posted", (unsigned long long)ono,
				    s->oitem[i].item);
		buf_reset(&p->note);
		buf_printf(&p->note, "order %llu has no open item left",
		    (unsigned long long)ono);
		return 1;
	}
	return 0;
}

int
post_delete_delivery(struct post *p, uint64_t dno)
{
	char db[24];

	struct delivery *d = state_delivery(p->st, dno);

	if (d == NULL)
		return fail(p, "no delivery %llu", (unsigned long long)dno);
	if (d->deleted) {
		buf_reset(&p->note);
		buf_printf(&p->note, "delivery %llu is deleted already",
		    (unsigned long long)dno);
		return 1;
	}
	EMIT(p, "DD", u64(dno, db), p->date);
	return 0;
}

/* Open items of a customer, oldest first. */
struct openitem {
	uint64_t doc;
	long date;
	int64_t open;
};

static int
oi_cmp(const void *a, const void *b)
{
	const struct openitem *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int
post_payment(struct post *p, const char *customer, const char *amount,
    const char *currency, const char *date, const char *ref,
    const char *document, uint64_t *doc)
{
	struct state *s = p->st;
	const struct customer *cu = master_customer(p->m, customer);
	uint64_t no = s->next_acc, named = docno(document);
	struct openitem *it = NULL;
	size_t n = 0, cap = 0, i;
	int64_t amt, funds, need = 0;
	sid cust;
	char nb[24], db[24], vb[NUM_BUFSZ], ab[NUM_BUFSZ];
	long day;
	int pl, rc = -1;

	if (cu == NULL)
		return fail(p, "unknown customer '%s'", customer);
	if (strcmp(currency, cu->currency) != 0)
		return fail(p, "payment in '%s', customer %s pays in %s",
		    currency, customer, cu->currency);
	pl = cur_places(currency);
	if (num_parse(amount, pl, &amt) != NUM_OK || amt <= 0)
		return fail(p, "amount '%s' is not a positive amount in %s",
		    amount, currency);
	if (*date == '\0')
		date = p->date;
	if ((day = date_days(date)) < 0)
		return fail(p, "date '%s' is not YYYY-MM-DD", date);
	if (*document && named == 0)
		return fail(p, "document '%s' is not a document number",
		    document);
	cust = state_find(s, customer);
	if (*ref && cust) {
		/* A bank statement fed twice posts each payment once. */
		uint32_t k[2] = { cust, state_find(s, ref) };
		struct ientry *e = k[1] ? imap_get(&s->payref, k, 2) : NULL;

		if (e && e->v) {
			struct payment *y = state_payment(s, (uint64_t)e->v);

			if (y && (y->amount != amt || strcmp(state_str(s,
			    y->currency), currency) != 0))
				return fail(p, "payment %s of customer %s is "
				    "posted already as %llu, for %s %s", ref,
				    customer, (unsigned long long)e->v,
				    amt_fmt(y->amount, pl, vb),
				    state_str(s, y->currency));
			*doc = (uint64_t)e->v;
			buf_reset(&p->note);
			buf_printf(&p->note, "payment %s of customer %s is posted "
			    "already as %llu", ref, customer,
			    (unsigned long long)e->v);
			return 1;
		}
	}
	for (i = state_open_billing(s); cust && i < s->nbill; i++) {
		struct billing *b = &s->bill[i];

		if (b->customer != cust || b->open == 0)
			continue;
		grow(&it, &cap, n + 1, sizeof *it);
		it[n].doc = BILL_BASE + i;
		it[n].date = b->date;
		it[n].open = b->open;
		if (it[n].doc == named)
			it[n].date = -1;	/* the named one goes first */
		n++;
	}
	for (i = state_open_payment(s); cust && i < s->npay; i++) {
		struct payment *y = &s->pay[i];

		if (y->customer != cust || y->open == 0)
			continue;
		grow(&it, &cap, n + 1, sizeof *it);
		it[n].doc = y->doc;
		it[n].date = y->date;
		it[n].open = y->open;
		n++;
	}
	if (named) {
		for (i = 0; i < n; i++)
			if (it[i].doc == named && it[i].open > 0)
				break;
		if (i == n) {
			free(it);
			return fail(p, "document %s is no open invoice of "
			    "customer %s", document, customer);
		}
	}
	if (n > 1)
		qsort(it, n, sizeof *it, oi_cmp);
	{
		const char *f[] = { "Y", u64(no, nb), date, customer,
		    amt_fmt(amt, pl, vb), currency, ref };

		if (emit(p, 7, f) < 0)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (it[i].open > 0)
			need += it[i].open;
	/* The customer's credits offset invoices first. */
	funds = amt;
	for (i = 0; i < n && need > 0; i++) {
		int64_t use;

		if (it[i].open >= 0)
			continue;
		use = -it[i].open < need ? -it[i].open : need;
		{
			const char *f[] = { "K", u64(no, nb),
			    u64(it[i].doc, db), amt_fmt(-use, pl, ab),
			    currency };

			if (emit(p, 5, f) < 0)
				goto out;
		}
		need -= use;
		funds += use;
	}
	for (i = 0; i < n && funds > 0; i++) {
		int64_t use;

		if (it[i].open <= 0)
			continue;
		use = it[i].open < funds ? it[i].open : funds;
		{
			const char *f[] = { "K", u64(no, nb),
			    u64(it[i].doc, db), amt_fmt(use, pl, ab),
			    currency };

			if (emit(p, 5, f) < 0)
				goto out;
		}
		funds -= use;
	}
	{
		const char *f1[] = { "A", u64(no, nb), "1", date, "bank", "D",
		    amt_fmt(amt, pl, vb), currency, "", "payment", ref };
		const char *f2[] = { "A", u64(no, nb), "2", date, "receivable",
		    "C", amt_fmt(amt, pl, vb), currency, customer, "payment",
		    ref };

		if (emit(p, 11, f1) < 0 || emit(p, 11, f2) < 0 ||
		    state_acc_close(s, &p->why) < 0)
			goto out;
	}
	*doc = no;
	rc = 0;
out:
	free(it);
	return rc;
}
