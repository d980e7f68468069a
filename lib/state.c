/*
 * state.c - replaying and checking journal records; see state.h.
 */
#include <sys/mman.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "post.h"
#include "state.h"

enum tab {
	T_ORDER, T_OITEM, T_DELIV, T_DITEM, T_MATDOC, T_MITEM, T_BILL,
	T_BITEM, T_PAY, T_SER, T_STOCK, T_CLAIM, T_RESV, T_BATCHSEQ,
	T_SOLDPRICE, T_ISSUECOST, T_ORDPO, T_RECEIVED, T_SERIX, T_PAYIX,
	T_PAYREF, T_MATSER, T_LINKS
};

struct undo {
	int tab;
	size_t idx, off, len;
	unsigned char old[16];
};

#define ARENA_CHUNK (64 * 1024)

void
state_init(struct state *s)
{
	memset(s, 0, sizeof *s);
	s->next_acc = ACC_BASE;
	/* sid 0 is "": it needs no slot, state_find answers it first. */
	grow(&s->hstr, &s->caphstr, 1, sizeof *s->hstr);
	s->hstr[s->nhstr++] = xstrdup("");
	s->nstr = 1;
}

/* Is p inside the cache mapping? */
static int
in_map(const struct state *s, const void *p)
{
	return s->map_base && (const char *)p >= (const char *)s->map_base &&
	    (const char *)p < (const char *)s->map_base + s->map_len;
}

/* grow() for the state's arrays: one in the cache mapping is copied to
 * the heap instead of reallocated. */
static void
sgrow(struct state *s, void *pp, size_t *cap, size_t need, size_t sz)
{
	void **p = pp;

	if (need <= *cap)
		return;
	if (*p && in_map(s, *p)) {
		size_t c = *cap * 2 > need ? *cap * 2 : need + 64;
		void *n = xmalloc(c * sz);

		memcpy(n, *p, *cap * sz);
		*p = n;
		*cap = c;
		return;
	}
	grow(p, cap, need, sz);
}

static void
sfree(struct state *s, void *p)
{
	if (!in_map(s, p))
		free(p);
}

void
state_free(struct state *s)
{
	size_t i;

	for (i = 0; i < s->nhstr; i++)
		free(s->hstr[i]);
	free(s->hstr);
	if (!s->islot_mapped)
		free(s->islot);
	sfree(s, s->order);
	sfree(s, s->oitem);
	sfree(s, s->deliv);
	sfree(s, s->ditem);
	sfree(s, s->matdoc);
	sfree(s, s->mitem);
	sfree(s, s->bill);
	sfree(s, s->bitem);
	sfree(s, s->pay);
	sfree(s, s->ser);
	sfree(s, s->received);
	free(s->undo);
	imap_free(&s->stock);
	imap_free(&s->claim);
	imap_free(&s->resv);
	imap_free(&s->serix);
	imap_free(&s->batchseq);
	imap_free(&s->payix);
	imap_free(&s->sold_price);
	imap_free(&s->issue_cost);
	imap_free(&s->ordpo);
	imap_free(&s->payref);
	imap_free(&s->matser);
	imap_free(&s->links);
	if (s->map_base)
		munmap(s->map_base, s->map_len);
	memset(s, 0, sizeof *s);
}

const char *
state_str(const struct state *s, sid id)
{
	if (id < s->nmstr)
		return s->mstroff[id] < s->nmblob ? s->mblob + s->mstroff[id] :
		    "";
	if (id < s->nstr)
		return s->hstr[id - s->nmstr];
	return "";
}

static uint64_t
str_hash(const char *str, size_t n)
{
	return hash_bytes(str, n);
}

/* The slot of str in the interning table: holding its sid + 1, or 0. */
static uint32_t *
str_slot(const struct state *s, const char *str, size_t n)
{
	size_t i, mask = s->nislot - 1;

	for (i = str_hash(str, n) & mask;; i = (i + 1) & mask) {
		uint32_t v = s->islot[i];

		if (v == 0 || v > s->nstr ||
		    strcmp(state_str(s, v - 1), str) == 0)
			return &s->islot[i];
	}
}

static void
str_rehash(struct state *s, size_t nslot)
{
	size_t i, j, mask = nslot - 1;

	if (!s->islot_mapped)
		free(s->islot);
	s->islot_mapped = 0;
	s->islot = xcalloc(nslot, sizeof *s->islot);
	s->nislot = nslot;
	for (i = 1; i < s->nstr; i++) {
		const char *str = state_str(s, (sid)i);

		for (j = str_hash(str, strlen(str)) & mask; s->islot[j];
		    j = (j + 1) & mask)
			;
		s->islot[j] = (uint32_t)(i + 1);
	}
}

sid
state_find(const struct state *s, const char *str)
{
	size_t n = strlen(str);
	uint32_t *slot;

	if (n == 0 || s->nislot == 0)
		return 0;
	slot = str_slot(s, str, n);
	return *slot ? (sid)(*slot - 1) : 0;
}

sid
state_intern(struct state *s, const char *str)
{
	size_t n = strlen(str);
	uint32_t *slot;
	unsigned h;
	sid c;

	if (n == 0)
		return 0;
	/* Records repeat the same plants, materials and customers: a small
	 * cache in front of the table saves most of the hashing. */
	h = (unsigned)(n * 31 + (unsigned char)str[0] * 7 +
	    (unsigned char)str[n - 1] * 131 + (unsigned char)str[n / 2]) & 511;
	c = s->icache[h];
	if (c && c < s->nstr && strcmp(state_str(s, c), str) == 0)
		return c;
	if (s->nislot == 0 || (s->nstr + 1) * 2 > s->nislot)
		str_rehash(s, s->nislot ? s->nislot * 2 : 1024);
	slot = str_slot(s, str, n);
	if (*slot == 0) {
		if (s->islot_mapped) {
			/* A new string: the mapped table is copied first. */
			size_t off = (size_t)(slot - s->islot);
			uint32_t *t = xmalloc(s->nislot * sizeof *t);

			memcpy(t, s->islot, s->nislot * sizeof *t);
			s->islot = t;
			s->islot_mapped = 0;
			slot = &s->islot[off];
		}
		grow(&s->hstr, &s->caphstr, s->nhstr + 1, sizeof *s->hstr);
		s->hstr[s->nhstr++] = xstrndup(str, n);
		*slot = (uint32_t)(s->nstr + 1);
		s->nstr++;
	}
	s->icache[h] = (sid)(*slot - 1);
	return (sid)(*slot - 1);
}

static const struct state *rank_st;

static int
rank_cmp(const void *a, const void *b)
{
	return natcmp(state_str(rank_st, *(const sid *)a),
	    state_str(rank_st, *(const sid *)b));
}

uint32_t *
state_ranks(const struct state *s, const sid *ids, size_t n)
{
	uint32_t *rank = xcalloc(s->nstr + 2, sizeof *rank);
	sid *u = xcalloc(n + 1, sizeof *u);
	size_t nu = 0, i;

	for (i = 0; i < n; i++)
		if (ids[i] <= s->nstr && !rank[ids[i]]) {
			rank[ids[i]] = 1;
			u[nu++] = ids[i];
		}
	rank_st = s;
	if (nu > 1)
		qsort(u, nu, sizeof *u, rank_cmp);
	for (i = 0; i < nu; i++)
		rank[u[i]] = (uint32_t)i;
	free(u);
	return rank;
}

/* --- undo log ------------------------------------------------------- */

static void *
tab_elem(struct state *s, int tab, size_t idx)
{
	switch (tab) {
	case T_ORDER: return &s->order[idx];
	case T_OITEM: return &s->oitem[idx];
	case T_DELIV: return &s->deliv[idx];
	case T_DITEM: return &s->ditem[idx];
	case T_MATDOC: return &s->matdoc[idx];
	case T_MITEM: return &s->mitem[idx];
	case T_BILL: return &s->bill[idx];
	case T_BITEM: return &s->bitem[idx];
	case T_PAY: return &s->pay[idx];
	case T_SER: return &s->ser[idx];
	case T_STOCK: return &s->stock.e[idx];
	case T_CLAIM: return &s->claim.e[idx];
	case T_RESV: return &s->resv.e[idx];
	case T_BATCHSEQ: return &s->batchseq.e[idx];
	case T_SOLDPRICE: return &s->sold_price.e[idx];
	case T_ISSUECOST: return &s->issue_cost.e[idx];
	case T_ORDPO: return &s->ordpo.e[idx];
	case T_RECEIVED: return &s->received[idx];
	case T_SERIX: return &s->serix.e[idx];
	case T_PAYIX: return &s->payix.e[idx];
	case T_PAYREF: return &s->payref.e[idx];
	case T_MATSER: return &s->matser.e[idx];
	case T_LINKS: return &s->links.e[idx];
	}
	abort();
}

/* Set len bytes at field (inside element idx of tab) to val, logging the
 * old bytes when a savepoint is active. */
static void
set_bytes(struct state *s, int tab, size_t idx, void *field,
    const void *val, size_t len)
{
	if (s->sp_active) {
		struct undo *u;

		grow(&s->undo, &s->capundo, s->nundo + 1, sizeof *s->undo);
		u = &s->undo[s->nundo++];
		u->tab = tab;
		u->idx = idx;
		u->off = (size_t)((char *)field - (char *)tab_elem(s, tab, idx));
		u->len = len;
		memcpy(u->old, field, len);
	}
	memcpy(field, val, len);
}

#define SET(s, tab, idx, field, val) do { \
	__typeof__(field) v_ = (val); \
	set_bytes((s), (tab), (idx), &(field), &v_, sizeof v_); \
} while (0)

/* A document before a watermark opens again: move the mark back. */
static void
reopen(size_t *wm, size_t idx)
{
	if (idx < *wm)
		*wm = idx;
}

static void
mark_take(struct state *s, struct state_mark *m)
{
	m->nundo = s->nundo;
	m->n[0] = s->norder;
	m->n[1] = s->noitem;
	m->n[2] = s->ndeliv;
	m->n[3] = s->nditem;
	m->n[4] = s->nmatdoc;
	m->n[5] = s->nmitem;
	m->n[6] = s->nbill;
	m->n[7] = s->nbitem;
	m->n[8] = s->npay;
	m->n[9] = s->nser;
	m->next_acc = s->next_acc;
	m->acc_cur = s->acc_cur;
	m->acc_bal = s->acc_bal;
	m->acc_lines = s->acc_lines;
	m->wm[0] = s->wm_oitem;
	m->wm[1] = s->wm_deliv;
	m->wm[2] = s->wm_bill;
	m->wm[3] = s->wm_pay;
}

/* Undo every change logged since m and drop what was added since. */
static void
mark_undo(struct state *s, const struct state_mark *m)
{
	while (s->nundo > m->nundo) {
		struct undo *u = &s->undo[--s->nundo];

		memcpy((char *)tab_elem(s, u->tab, u->idx) + u->off, u->old,
		    u->len);
	}
	s->norder = m->n[0];
	s->noitem = m->n[1];
	s->ndeliv = m->n[2];
	s->nditem = m->n[3];
	s->nmatdoc = m->n[4];
	s->nmitem = m->n[5];
	s->nbill = m->n[6];
	s->nbitem = m->n[7];
	s->npay = m->n[8];
	s->nser = m->n[9];
	s->next_acc = m->next_acc;
	s->acc_cur = m->acc_cur;
	s->acc_bal = m->acc_bal;
	s->acc_lines = m->acc_lines;
	/* What was undone may have been open at the mark: the marks go back
	 * no further than they were then. */
	reopen(&s->wm_oitem, m->wm[0]);
	reopen(&s->wm_deliv, m->wm[1]);
	reopen(&s->wm_bill, m->wm[2]);
	reopen(&s->wm_pay, m->wm[3]);
}

void
state_begin(struct state *s)
{
	s->sp_active = 1;
	s->nundo = 0;
	mark_take(s, &s->sp);
}

void
state_keep(struct state *s)
{
	s->sp_active = 0;
	s->nundo = 0;
}

void
state_rollback(struct state *s)
{
	if (!s->sp_active)
		return;
	mark_undo(s, &s->sp);
	s->sp_active = 0;
}

/* --- pools ---------------------------------------------------------- */

static struct ientry *
pool_entry(struct imap *m, int place, sid plant, sid sloc, sid customer,
    sid material, sid batch, size_t *idx, int create, int *added)
{
	uint32_t k[6];
	struct ientry *e;

	k[0] = (uint32_t)place;
	k[1] = plant;
	k[2] = (place & ~RESV_BATCH_ORDERS) == PL_OWN ? sloc : 0;
	k[3] = (place & ~RESV_BATCH_ORDERS) == PL_OWN ? 0 : customer;
	k[4] = material;
	k[5] = batch;
	e = create ? imap_put(m, k, 6, added) : imap_get(m, k, 6);
	if (e && idx)
		*idx = (size_t)(e - m->e);
	return e;
}

static int64_t
pool_get(struct imap *m, int place, sid plant, sid sloc, sid customer,
    sid material, sid batch)
{
	struct ientry *e = pool_entry(m, place, plant, sloc, customer,
	    material, batch, NULL, 0, NULL);

	return e ? e->v : 0;
}

size_t
stock_batches(struct state *s, int place, sid plant, sid sloc, sid customer,
    sid material)
{
	struct ientry *e = pool_entry(&s->stock, place, plant, sloc, customer,
	    material, SID_ALL, NULL, 0, NULL);

	return e ? (size_t)e->idx : 0;
}

int64_t
stock_qty(struct state *s, int place, sid plant, sid sloc, sid customer,
    sid material, sid batch)
{
	return pool_get(&s->stock, place, plant, sloc, customer, material,
	    batch);
}

int64_t
claim_qty(struct state *s, int place, sid plant, sid sloc, sid customer,
    sid material, sid batch)
{
	return pool_get(&s->claim, place, plant, sloc, customer, material,
	    batch);
}

int64_t
resv_batch_orders(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch)
{
	return pool_get(&s->resv, place | RESV_BATCH_ORDERS, plant, sloc,
	    customer, material, batch);
}

int64_t
resv_qty(struct state *s, int place, sid plant, sid sloc, sid customer,
    sid material, sid batch)
{
	return pool_get(&s->resv, place, plant, sloc, customer, material,
	    batch);
}

/* Add delta to a pool's batch and to its all-batches total.  A pool that
 * must not go negative (stock, reservations) is checked with nonneg. */
static int
pool_add(struct state *s, int tab, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch, int64_t delta, int nonneg,
    struct buf *why)
{
	struct imap *m = tab == T_STOCK ? &s->stock : tab == T_CLAIM ?
	    &s->claim : &s->resv;
	struct ientry *e;
	size_t i1 = 0, i2 = 0;
	int64_t v1, v2;

	if (delta == 0)
		return 0;
	pool_entry(m, place, plant, sloc, customer, material, batch, &i1, 1,
	    NULL);
	pool_entry(m, place, plant, sloc, customer, material, SID_ALL, &i2, 1,
	    NULL);
	if (batch != SID_ALL && !m->e[i1].pad) {
		/* The pool's batches form a chain from its all-batches entry
		 * (idx: 1 + the next entry; pad marks an entry in it), so
		 * that batch determination visits only them.  Logged like
		 * every change: a record that fails leaves the chain as it
		 * was, and the entry it added, at zero, joins it later. */
		SET(s, tab, i1, m->e[i1].idx, m->e[i2].idx);
		SET(s, tab, i1, m->e[i1].pad, (uint32_t)1);
		SET(s, tab, i2, m->e[i2].idx, (uint64_t)i1 + 1);
	}
	if (num_add(m->e[i1].v, delta, &v1) || num_add(m->e[i2].v, delta, &v2)) {
		buf_printf(why, "quantity out of range");
		return -1;
	}
	if (nonneg && (v1 < 0 || v2 < 0)) {
		char q[NUM_BUFSZ];

		buf_printf(why, "not enough %s%s stock of %s%s%s: %s there",
		    tab == T_RESV ? "reserved " : "", place_name(place),
		    state_str(s, material), batch ? " batch " : "",
		    batch ? state_str(s, batch) : "",
		    qty_fmt(v1 < 0 ? m->e[i1].v : m->e[i2].v, q));
		return -1;
	}
	e = &m->e[i1];
	SET(s, tab, i1, e->v, v1);
	e = &m->e[i2];
	SET(s, tab, i2, e->v, v2);
	return 0;
}

/* Set the v of the entry of key k (nk words) in m, logged for undo. */
static void
imap_setv(struct state *s, struct imap *m, int tab, const uint32_t *k,
    int nk, int64_t v)
{
	struct ientry *e = imap_put(m, k, nk, NULL);
	size_t i = (size_t)(e - m->e);

	SET(s, tab, i, m->e[i].v, v);
}

/* --- document flow -------------------------------------------------- */

static void
link_key(uint32_t *k, int kind, uint64_t from, uint32_t seq)
{
	k[0] = (uint32_t)kind;
	k[1] = (uint32_t)from;
	k[2] = (uint32_t)(from >> 32);
	k[3] = seq;
}

/* Add to as the next successor of kind of from, unless it is the last
 * one already. */
static void
link_add(struct state *s, int kind, uint64_t from, uint64_t to)
{
	uint32_t k[4];
	struct ientry *e;
	int64_t n;

	link_key(k, kind, from, LINK_COUNT);
	n = (e = imap_get(&s->links, k, 4)) ? e->v : 0;
	if (n > 0 && state_link(s, kind, from, (uint32_t)(n - 1)) == to)
		return;
	link_key(k, kind, from, (uint32_t)n);
	imap_setv(s, &s->links, T_LINKS, k, 4, (int64_t)to);
	link_key(k, kind, from, LINK_COUNT);
	imap_setv(s, &s->links, T_LINKS, k, 4, n + 1);
}

uint64_t
state_link(struct state *s, int kind, uint64_t from, uint32_t i)
{
	uint32_t k[4];
	struct ientry *e;

	link_key(k, kind, from, LINK_COUNT);
	if ((e = imap_get(&s->links, k, 4)) == NULL || (int64_t)i >= e->v)
		return 0;
	link_key(k, kind, from, i);
	return (e = imap_get(&s->links, k, 4)) ? (uint64_t)e->v : 0;
}

static void
pay_amt_key(uint32_t *k, uint64_t billing, uint64_t payment)
{
	k[0] = LK_PAY_AMT;
	k[1] = (uint32_t)billing;
	k[2] = (uint32_t)(billing >> 32);
	k[3] = (uint32_t)payment;
	k[4] = (uint32_t)(payment >> 32);
}

int64_t
state_link_amount(struct state *s, uint64_t billing, uint64_t payment)
{
	uint32_t k[5];
	struct ientry *e;

	pay_amt_key(k, billing, payment);
	return (e = imap_get(&s->links, k, 5)) ? e->v : 0;
}

/* --- documents ------------------------------------------------------ */

uint64_t
docno(const char *str)
{
	uint64_t v = 0;

	if (*str == '\0')
		return 0;
	for (; *str; str++) {
		if (*str < '0' || *str > '9' || v > UINT64_MAX / 10 - 1)
			return 0;
		v = v * 10 + (uint64_t)(*str - '0');
	}
	return v;
}

struct order *
state_order(struct state *s, uint64_t no)
{
	return no >= ORDER_BASE && no - ORDER_BASE < s->norder ?
	    &s->order[no - ORDER_BASE] : NULL;
}

struct delivery *
state_delivery(struct state *s, uint64_t no)
{
	return no >= DELIV_BASE && no - DELIV_BASE < s->ndeliv ?
	    &s->deliv[no - DELIV_BASE] : NULL;
}

struct matdoc *
state_matdoc(struct state *s, uint64_t no)
{
	return no >= MATDOC_BASE && no - MATDOC_BASE < s->nmatdoc ?
	    &s->matdoc[no - MATDOC_BASE] : NULL;
}

struct billing *
state_billing(struct state *s, uint64_t no)
{
	return no >= BILL_BASE && no - BILL_BASE < s->nbill ?
	    &s->bill[no - BILL_BASE] : NULL;
}

struct payment *
state_payment(struct state *s, uint64_t no)
{
	uint32_t k[2] = { (uint32_t)(no >> 32), (uint32_t)no };
	struct ientry *e = imap_get(&s->payix, k, 2);

	if (e == NULL || e->idx >= s->npay || s->pay[e->idx].doc != no)
		return NULL;
	return &s->pay[e->idx];
}

struct serial *
state_serial(struct state *s, sid material, sid serial)
{
	uint32_t k[2] = { material, serial };
	struct ientry *e = imap_get(&s->serix, k, 2);
	struct serial *x;

	if (e == NULL || e->idx >= s->nser)
		return NULL;
	x = &s->ser[e->idx];
	return x->material == material && x->serial == serial ? x : NULL;
}

size_t
state_open_oitem(struct state *s)
{
	while (s->wm_oitem < s->noitem && (s->oitem[s->wm_oitem].rejected ||
	    s->oitem[s->wm_oitem].delivered >= s->oitem[s->wm_oitem].qty))
		s->wm_oitem++;
	return s->wm_oitem;
}

size_t
state_open_delivery(struct state *s)
{
	for (; s->wm_deliv < s->ndeliv; s->wm_deliv++) {
		struct delivery *d = &s->deliv[s->wm_deliv];

		if (!d->deleted && !d->reversal && !(d->matdoc &&
		    (d->billing || d->flow == FL_FILLUP ||
		    d->flow == FL_PICKUP)))
			break;
	}
	return s->wm_deliv;
}

size_t
state_open_billing(struct state *s)
{
	for (; s->wm_bill < s->nbill; s->wm_bill++) {
		struct billing *b = &s->bill[s->wm_bill];

		if (!b->cancelled && (b->open != 0 || b->accblock))
			break;
	}
	return s->wm_bill;
}

size_t
state_open_payment(struct state *s)
{
	while (s->wm_pay < s->npay && s->pay[s->wm_pay].open == 0)
		s->wm_pay++;
	return s->wm_pay;
}

uint64_t next_order(const struct state *s) { return ORDER_BASE + s->norder; }
uint64_t next_delivery(const struct state *s) { return DELIV_BASE + s->ndeliv; }
uint64_t next_matdoc(const struct state *s) { return MATDOC_BASE + s->nmatdoc; }
uint64_t next_billing(const struct state *s) { return BILL_BASE + s->nbill; }

static const char *flows[] = { "", "fillup", "issue", "pickup", "return" };
static const char *sapflows[] = { "", "KB", "KE", "KA", "KR" };

int
flow_parse(const char *str)
{
	int i;

	for (i = 1; i <= FL_RETURN; i++)
		if (strcmp(str, flows[i]) == 0 || strcmp(str, sapflows[i]) == 0)
			return i;
	return FL_NONE;
}

const char *
flow_name(int flow)
{
	return flow >= 0 && flow <= FL_RETURN ? flows[flow] : "";
}

const char *
place_name(int place)
{
	static const char *n[] = { "", "own", "consignment", "sold", "gone" };

	return place >= 0 && place <= PL_GONE ? n[place] : "";
}

/* --- applying records ----------------------------------------------- */

static int
bad(struct buf *why, const char *fmt, const char *arg)
{
	buf_printf(why, fmt, arg);
	return -1;
}

static int
get_qty(const char *f, int64_t *q, struct buf *why)
{
	if (qty_parse(f, q) != NUM_OK)
		return bad(why, "bad quantity '%s'", f);
	return 0;
}

static int
get_amt(const char *f, const char *cur, int64_t *a, struct buf *why)
{
	if (*f == '\0') {
		*a = 0;
		return 0;
	}
	if (num_parse(f, cur_places(cur), a) != NUM_OK)
		return bad(why, "bad amount '%s'", f);
	return 0;
}

static int
get_date(struct state *s, const char *f, long *d, struct buf *why)
{
	/* Records of a transaction mostly share one date. */
	if (strcmp(f, s->last_date) == 0) {
		*d = s->last_day;
		return 0;
	}
	if ((*d = date_days(f)) < 0)
		return bad(why, "bad date '%s'", f);
	snprintf(s->last_date, sizeof s->last_date, "%s", f);
	s->last_day = *d;
	return 0;
}

/*
 * Claim (order != 0) or release (order == 0, only where held by held) the
 * serials an order item names, so that no two open orders name one serial.
 */
static int
serials_order(struct state *s, sid material, const char *list,
    uint64_t order, uint64_t held, struct buf *why)
{
	const char *p = list;
	struct buf one = { 0 };

	while (next_word(&p, &one)) {
		struct serial *x;

		x = state_serial(s, material, state_find(s, one.s));
		if (x == NULL) {
			if (order == 0)
				continue;
			bad(why, "serial %s does not exist", one.s);
			buf_free(&one);
			return -1;
		}
		if (order && x->ordered) {
			buf_printf(why, "serial %s is on open order %llu",
			    one.s, (unsigned long long)x->ordered);
			buf_free(&one);
			return -1;
		}
		if (order || x->ordered == held)
			SET(s, T_SER, (size_t)(x - s->ser), x->ordered, order);
	}
	buf_free(&one);
	return 0;
}

static int
apply_order(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	int item = atoi(r->f[2]), flow = flow_parse(r->f[3]);
	struct order *o;
	struct oitem *it;
	int64_t qty, price;
	long day;
	int place;

	if (r->nf != 17)
		return bad(why, "%s fields", "wrong number of");
	if (flow == FL_NONE)
		return bad(why, "unknown flow '%s'", r->f[3]);
	if (get_qty(r->f[7], &qty, why) || get_date(s, r->f[4], &day, why) ||
	    get_amt(r->f[14], r->f[15], &price, why))
		return -1;
	if (qty <= 0)
		return bad(why, "quantity '%s' not positive", r->f[7]);
	if (no == next_order(s)) {
		if (no > ORDER_LAST)
			return bad(why, "%s", "order number range exhausted");
		sgrow(s, &s->order, &s->caporder, s->norder + 1, sizeof *s->order);
		o = &s->order[s->norder++];
		memset(o, 0, sizeof *o);
		o->flow = flow;
		o->customer = state_intern(s, r->f[5]);
		o->po = state_intern(s, r->f[13]);
		o->date = day;
		o->block = r->f[16][0] != '\0';
		o->first = s->noitem;
		if (o->po) {
			uint32_t k[3] = { o->customer, (uint32_t)flow, o->po };
			struct ientry *e = imap_get(&s->ordpo, k, 3);

			if (e && e->v)
				return bad(why, "po '%s' of that customer and "
				    "flow is ordered already", r->f[13]);
			imap_setv(s, &s->ordpo, T_ORDPO, k, 3, (int64_t)no);
		}
	} else if (no + 1 == next_order(s) && no >= ORDER_BASE) {
		o = &s->order[s->norder - 1];
		if (o->flow != flow || o->customer != state_find(s, r->f[5]))
			return bad(why, "order %s changes flow or customer",
			    r->f[1]);
		if (item <= s->oitem[o->first + o->n - 1].item)
			return bad(why, "item %s out of sequence", r->f[2]);
	} else
		return bad(why, "order number %s out of sequence", r->f[1]);
	sgrow(s, &s->oitem, &s->capoitem, s->noitem + 1, sizeof *s->oitem);
	it = &s->oitem[s->noitem++];
	memset(it, 0, sizeof *it);
	it->order = no;
	it->item = item;
	it->material = state_intern(s, r->f[6]);
	it->unit = state_intern(s, r->f[8]);
	it->plant = state_intern(s, r->f[9]);
	it->sloc = state_intern(s, r->f[10]);
	it->batch = state_intern(s, r->f[11]);
	it->serials = state_intern(s, r->f[12]);
	it->currency = state_intern(s, r->f[15]);
	it->qty = qty;
	it->price = price;
	/* Through the undo log: a record that fails later leaves no item. */
	SET(s, T_ORDER, (size_t)(o - s->order), o->n, o->n + 1);
	/* What the order claims of its source pool until it is posted. */
	place = flow_source(flow);
	if (pool_add(s, T_CLAIM, place, it->plant, it->sloc, o->customer,
	    it->material, it->batch, it->batch ? qty : 0, 0, why) < 0)
		return -1;
	if (it->batch == 0 && pool_add(s, T_CLAIM, place, it->plant, it->sloc,
	    o->customer, it->material, 0, qty, 0, why) < 0)
		return -1;
	return serials_order(s, it->material, state_str(s, it->serials), no,
	    0, why);
}

/* Release what an order item still claims: delta < 0. */
static int
unclaim(struct state *s, const struct order *o, const struct oitem *it,
    int64_t q, struct buf *why)
{
	return pool_add(s, T_CLAIM, flow_source(o->flow), it->plant, it->sloc,
	    o->customer, it->material, it->batch, -q, 0, why);
}

static struct oitem *
find_oitem(struct state *s, uint64_t order, int item, size_t *idx)
{
	struct order *o = state_order(s, order);
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = o->first; i < o->first + o->n; i++)
		if (s->oitem[i].item == item) {
			*idx = i;
			return &s->oitem[i];
		}
	return NULL;
}

struct oitem *
state_oitem(struct state *s, uint64_t order, int item)
{
	size_t i;

	return find_oitem(s, order, item, &i);
}

size_t
delivery_unpicked(const struct state *s, const struct delivery *d)
{
	size_t i, n = 0;

	for (i = d->first; i < d->first + d->n; i++)
		n += s->ditem[i].picked < 0;
	return n;
}

struct ditem *
state_ditem(struct state *s, uint64_t delivery, int item)
{
	struct delivery *d = state_delivery(s, delivery);
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = d->first; i < d->first + d->n; i++)
		if (s->ditem[i].item == item)
			return &s->ditem[i];
	return NULL;
}

static int
apply_reject(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct order *o = state_order(s, no);
	struct oitem *it;
	size_t i;

	if (r->nf != 4 || o == NULL)
		return bad(why, "no order %s", r->f[1]);
	if ((it = find_oitem(s, no, atoi(r->f[2]), &i)) == NULL)
		return bad(why, "no item %s", r->f[2]);
	if (it->rejected)
		return bad(why, "item %s is rejected already", r->f[2]);
	if (it->delivered != it->posted)
		return bad(why, "item %s has a delivery not yet posted",
		    r->f[2]);
	if (it->posted >= it->qty)
		return bad(why, "item %s is complete", r->f[2]);
	if (unclaim(s, o, it, it->qty - it->posted, why) < 0 ||
	    serials_order(s, it->material,
	    state_str(s, it->serials), 0, no, why) < 0)
		return -1;
	SET(s, T_OITEM, i, it->rejected, 1);
	SET(s, T_OITEM, i, it->reason, state_intern(s, r->f[3]));
	return 0;
}

static int
apply_release_order(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct order *o = state_order(s, no);

	if (r->nf != 2 || o == NULL)
		return bad(why, "no order %s", r->f[1]);
	if (!o->block)
		return bad(why, "order %s has no billing block", r->f[1]);
	SET(s, T_ORDER, no - ORDER_BASE, o->block, 0);
	return 0;
}

/* Source place of a delivery item, as a pool. */
static int
resv_add(struct state *s, const struct delivery *d, const struct ditem *di,
    sid batch, int64_t q, struct buf *why)
{
	int place = flow_source(d->flow);
	struct oitem *oi = state_oitem(s, di->order, di->order_item);

	if (pool_add(s, T_RESV, place, di->plant, di->sloc, d->customer,
	    di->material, batch, q, 1, why) < 0)
		return -1;
	/* What orders for this very batch have delivered, apart: their
	 * claim less this is what they have still to come for. */
	if (oi && oi->batch && pool_add(s, T_RESV, place | RESV_BATCH_ORDERS,
	    di->plant, di->sloc, d->customer, di->material, batch, q, 1,
	    why) < 0)
		return -1;
	if (q > 0 && stock_qty(s, place, di->plant, di->sloc, d->customer,
	    di->material, batch) < resv_qty(s, place, di->plant, di->sloc,
	    d->customer, di->material, batch)) {
		char a[NUM_BUFSZ];

		buf_printf(why, "%s %s%s%s: only %s available",
		    place_name(place), state_str(s, di->material),
		    batch ? " batch " : "", state_str(s, batch),
		    qty_fmt(stock_qty(s, place, di->plant, di->sloc,
		    d->customer, di->material, batch) - resv_qty(s, place,
		    di->plant, di->sloc, d->customer, di->material, batch) + q,
		    a));
		return -1;
	}
	return 0;
}

static int
apply_delivery(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]), ono = docno(r->f[3]);
	int flow = flow_parse(r->f[5]);
	struct delivery *d;
	struct ditem *di;
	struct oitem *oi;
	struct order *o;
	size_t oix;
	int64_t qty;
	long day;

	if (r->nf != 15)
		return bad(why, "%s fields", "wrong number of");
	if (get_qty(r->f[13], &qty, why) || get_date(s, r->f[6], &day, why))
		return -1;
	if ((o = state_order(s, ono)) == NULL)
		return bad(why, "no order %s", r->f[3]);
	if ((oi = find_oitem(s, ono, atoi(r->f[4]), &oix)) == NULL)
		return bad(why, "no order item %s", r->f[4]);
	if (oi->rejected)
		return bad(why, "order item %s is rejected", r->f[4]);
	if (qty <= 0 || oi->qty - oi->delivered < qty)
		return bad(why, "order item %s: quantity beyond what is open",
		    r->f[4]);
	if (o->flow != flow || o->customer != state_find(s, r->f[7]))
		return bad(why, "order %s: other flow or customer", r->f[3]);
	if (no == next_delivery(s)) {
		if (no > DELIV_LAST)
			return bad(why, "%s", "delivery number range exhausted");
		sgrow(s, &s->deliv, &s->capdeliv, s->ndeliv + 1, sizeof *s->deliv);
		d = &s->deliv[s->ndeliv++];
		memset(d, 0, sizeof *d);
		d->flow = flow;
		d->customer = o->customer;
		d->ship_point = state_intern(s, r->f[8]);
		d->date = day;
		d->first = s->nditem;
	} else if (no + 1 == next_delivery(s) && no >= DELIV_BASE) {
		d = &s->deliv[s->ndeliv - 1];
		if (d->flow != flow || d->customer != o->customer)
			return bad(why, "delivery %s mixes flows or customers",
			    r->f[1]);
		if (d->matdoc || d->deleted)
			return bad(why, "delivery %s is closed", r->f[1]);
	} else
		return bad(why, "delivery number %s out of sequence", r->f[1]);
	sgrow(s, &s->ditem, &s->capditem, s->nditem + 1, sizeof *s->ditem);
	di = &s->ditem[s->nditem++];
	memset(di, 0, sizeof *di);
	di->order = ono;
	di->order_item = oi->item;
	di->item = atoi(r->f[2]);
	di->material = oi->material;
	di->plant = state_intern(s, r->f[9]);
	di->sloc = state_intern(s, r->f[10]);
	di->batch = state_intern(s, r->f[12]);
	di->qty = qty;
	di->picked = -1;
	di->serials = state_intern(s, r->f[14]);
	SET(s, T_DELIV, (size_t)(d - s->deliv), d->n, d->n + 1);
	if (di->material != state_find(s, r->f[11]))
		return bad(why, "material '%s' is not the order's", r->f[11]);
	SET(s, T_OITEM, oix, oi->delivered, oi->delivered + qty);
	link_add(s, LK_ORDER_DELIV, ono, no);
	return resv_add(s, d, di, di->batch, qty, why);
}

static struct ditem *
find_ditem(struct state *s, struct delivery *d, int item, size_t *idx)
{
	size_t i;

	for (i = d->first; i < d->first + d->n; i++)
		if (s->ditem[i].item == item) {
			*idx = i;
			return &s->ditem[i];
		}
	return NULL;
}

/* Reserve (delivery != 0) or free (delivery == 0) the serials of list. */
static int
serials_reserve(struct state *s, sid material, const char *list,
    uint64_t delivery, struct buf *why)
{
	const char *p = list;
	struct buf one = { 0 };

	while (next_word(&p, &one)) {
		struct serial *x;

		x = state_serial(s, material, state_find(s, one.s));
		if (x == NULL) {
			bad(why, "serial %s does not exist", one.s);
			buf_free(&one);
			return -1;
		}
		if (delivery && x->reserved) {
			buf_printf(why, "serial %s is picked for delivery %llu",
			    one.s, (unsigned long long)x->reserved);
			buf_free(&one);
			return -1;
		}
		SET(s, T_SER, (size_t)(x - s->ser), x->reserved, delivery);
	}
	buf_free(&one);
	return 0;
}

static int
apply_delete(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct delivery *d = state_delivery(s, no);
	size_t i, oix;

	if (r->nf != 3 || d == NULL)
		return bad(why, "no delivery %s", r->f[1]);
	if (d->deleted)
		return bad(why, "delivery %s is deleted already", r->f[1]);
	if (d->matdoc)
		return bad(why, "delivery %s is posted", r->f[1]);
	for (i = d->first; i < d->first + d->n; i++) {
		struct ditem *di = &s->ditem[i];
		struct oitem *oi = find_oitem(s, di->order, di->order_item,
		    &oix);

		if (oi == NULL)
			return bad(why, "delivery %s: order item lost", r->f[1]);
		SET(s, T_OITEM, oix, oi->delivered, oi->delivered - di->qty);
		reopen(&s->wm_oitem, oix);
		if (resv_add(s, d, di, di->batch, -di->qty, why) < 0)
			return -1;
		if (di->picked >= 0 &&
		    serials_reserve(s, di->material,
		    state_str(s, di->serials), 0, why) < 0)
			return -1;
	}
	SET(s, T_DELIV, no - DELIV_BASE, d->deleted, 1);
	return 0;
}

/*
 * Append serial i to the chain of material's serials.  Batch and serial
 * determination walk the chain, which holds that material's serials
 * alone; serials of one material received at different times lie far
 * apart in ser[], with every other material's in between.
 */
static void
serial_chain_add(struct state *s, sid material, size_t i)
{
	uint32_t k[1] = { material };
	int added;
	struct ientry *e = imap_put(&s->matser, k, 1, &added);
	size_t x = (size_t)(e - s->matser.e), last = (size_t)e->idx;

	if (added || last == 0 || last > s->nser)
		SET(s, T_MATSER, x, s->matser.e[x].v, (int64_t)(i + 1));
	else
		SET(s, T_SER, last - 1, s->ser[last - 1].next,
		    (uint32_t)(i + 1));
	SET(s, T_MATSER, x, s->matser.e[x].idx, (uint64_t)(i + 1));
}

size_t
state_serial_first(struct state *s, sid material)
{
	uint32_t k[1] = { material };
	struct ientry *e = imap_get(&s->matser, k, 1);

	/* (The cache's sections are trusted as written, yet bounded.) */
	return e && e->v > 0 && (size_t)e->v <= s->nser ? (size_t)e->v : 0;
}

size_t
state_serial_next(const struct state *s, size_t i)
{
	size_t n = s->ser[i - 1].next;

	return n > i && n <= s->nser ? n : 0;
}

/* Is serial x where a flow's goods come from, for delivery item di? */
static int
serial_at(struct state *s, const struct serial *x, int place, sid plant,
    sid sloc, sid customer)
{
	if (x->place != place || x->plant != plant)
		return 0;
	if (place == PL_OWN)
		return x->sloc == sloc;
	return x->customer == customer;
}

static int
apply_pick(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct delivery *d = state_delivery(s, no);
	struct ditem *di;
	size_t i;
	int64_t picked;
	sid batch;
	int place;
	const char *p;
	struct buf one = { 0 };

	if (r->nf != 7 || d == NULL)
		return bad(why, "no delivery %s", r->f[1]);
	if (d->deleted || d->matdoc)
		return bad(why, "delivery %s is closed", r->f[1]);
	if ((di = find_ditem(s, d, atoi(r->f[2]), &i)) == NULL)
		return bad(why, "no delivery item %s", r->f[2]);
	if (di->picked >= 0)
		return bad(why, "item %s is picked already", r->f[2]);
	if (get_qty(r->f[3], &picked, why))
		return -1;
	if (picked < 0 || picked > di->qty)
		return bad(why, "picked quantity %s beyond the delivery's",
		    r->f[3]);
	batch = state_intern(s, r->f[4]);
	if (batch != di->batch) {
		/* Picking another batch moves the reservation with it. */
		if (resv_add(s, d, di, di->batch, -di->qty, why) < 0 ||
		    resv_add(s, d, di, batch, di->qty, why) < 0)
			return -1;
		SET(s, T_DITEM, i, di->batch, batch);
	}
	place = flow_source(d->flow);
	if (serials_reserve(s, di->material, r->f[5], no, why) < 0)
		return -1;
	p = r->f[5];
	while (next_word(&p, &one)) {
		struct serial *x;

		x = state_serial(s, di->material, state_find(s, one.s));
		if (x->ordered && x->ordered != di->order) {
			buf_printf(why, "serial %s is on open order %llu",
			    one.s, (unsigned long long)x->ordered);
			buf_free(&one);
			return -1;
		}
		if (!serial_at(s, x, place, di->plant, di->sloc,
		    d->customer) || x->batch != batch) {
			if (place == PL_OWN)
				buf_printf(why, "serial %s is not in own stock "
				    "of plant %s sloc %s%s%s", one.s,
				    state_str(s, di->plant),
				    state_str(s, di->sloc),
				    batch ? " batch " : "",
				    state_str(s, batch));
			else
				buf_printf(why, "serial %s is not in %s stock "
				    "of customer %s%s%s", one.s,
				    place == PL_SOLD ? "sold" : "consignment",
				    state_str(s, d->customer),
				    batch ? " batch " : "",
				    state_str(s, batch));
			buf_free(&one);
			return -1;
		}
	}
	buf_free(&one);
	SET(s, T_DITEM, i, di->picked, picked);
	SET(s, T_DITEM, i, di->serials, state_intern(s, r->f[5]));
	return 0;
}

static int
apply_goods_header(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]), md = docno(r->f[2]);
	struct delivery *d = state_delivery(s, no);
	size_t i, oix;

	if (r->nf != 4 || d == NULL)
		return bad(why, "no delivery %s", r->f[1]);
	if (d->deleted)
		return bad(why, "delivery %s is deleted", r->f[1]);
	if (d->matdoc)
		return bad(why, "delivery %s is posted already", r->f[1]);
	if (md != next_matdoc(s))
		return bad(why, "material document %s out of sequence",
		    r->f[2]);
	for (i = d->first; i < d->first + d->n; i++) {
		struct ditem *di = &s->ditem[i];
		struct oitem *oi;

		if (di->picked < 0)
			return bad(why, "delivery %s is not picked", r->f[1]);
		if ((oi = find_oitem(s, di->order, di->order_item,
		    &oix)) == NULL)
			return bad(why, "delivery %s: its order item is gone",
			    r->f[1]);
		/* What was not picked goes back to the order as open. */
		SET(s, T_OITEM, oix, oi->delivered,
		    oi->delivered - (di->qty - di->picked));
		if (di->picked < di->qty)
			reopen(&s->wm_oitem, oix);
		if (resv_add(s, d, di, di->batch, -di->qty, why) < 0)
			return -1;
	}
	SET(s, T_DELIV, no - DELIV_BASE, d->matdoc, md);
	return 0;
}

/* Move each serial of list from (from) to (to); check where it is. */
static int
move_serials(struct state *s, const struct mvt_rule *ru, const char *list,
    sid material, sid batch, sid plant, sid sloc, sid customer, uint64_t md,
    uint64_t dno, long day, int64_t qty, struct buf *why)
{
	const char *p = list;
	struct buf one = { 0 };
	int n = 0;

	while (next_word(&p, &one)) {
		struct serial *x;
		sid ss;
		size_t xi;

		n++;
		ss = state_intern(s, one.s);
		x = state_serial(s, material, ss);
		if (ru->from == PL_NONE) {
			if (x != NULL && x->place != PL_GONE) {
				bad(why, "serial %s exists already", one.s);
				goto fail;
			}
			if (x == NULL) {
				uint32_t k[2] = { material, ss };
				struct ientry *me;

				sgrow(s, &s->ser, &s->capser, s->nser + 1,
				    sizeof *s->ser);
				x = &s->ser[s->nser];
				memset(x, 0, sizeof *x);
				x->material = material;
				x->serial = ss;
				me = imap_put(&s->serix, k, 2, NULL);
				SET(s, T_SERIX, (size_t)(me - s->serix.e),
				    me->idx, (uint64_t)s->nser);
				s->nser++;
				serial_chain_add(s, material, me->idx);
			}
		} else if (x == NULL || !serial_at(s, x, ru->from, plant, sloc,
		    customer) || x->batch != batch) {
			buf_printf(why, "serial %s is not in %s stock", one.s,
			    place_name(ru->from));
			if (ru->from != PL_OWN)
				buf_printf(why, " of customer %s",
				    state_str(s, customer));
			goto fail;
		} else if (x->reserved && x->reserved != dno) {
			buf_printf(why, "serial %s is picked for delivery %llu",
			    one.s, (unsigned long long)x->reserved);
			goto fail;
		}
		xi = (size_t)(x - s->ser);
		SET(s, T_SER, xi, x->place, ru->to);
		SET(s, T_SER, xi, x->batch, batch);
		SET(s, T_SER, xi, x->plant, plant);
		SET(s, T_SER, xi, x->sloc, ru->to == PL_OWN ? sloc : 0);
		SET(s, T_SER, xi, x->customer, ru->to == PL_CONSIG ||
		    ru->to == PL_SOLD ? customer : 0);
		SET(s, T_SER, xi, x->matdoc, md);
		SET(s, T_SER, xi, x->date, day);
		SET(s, T_SER, xi, x->reserved, (uint64_t)0);
	}
	buf_free(&one);
	if (n && (int64_t)n * QTY_SCALE != qty)
		return bad(why, "%s serials for the quantity", "wrong number of");
	return 0;
fail:
	buf_free(&one);
	return -1;
}

static int
apply_matdoc(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t md = docno(r->f[1]), dno = docno(r->f[14]);
	const struct mvt_rule *ru = mvt_rule(atoi(r->f[3]));
	struct matdoc *m;
	struct mitem *mi;
	sid mat, plant, sloc, batch, cust;
	int64_t qty, cost;
	long day;

	if (r->nf != 16)
		return bad(why, "%s fields", "wrong number of");
	if (ru == NULL)
		return bad(why, "unknown movement type %s", r->f[3]);
	if (get_qty(r->f[10], &qty, why) || get_date(s, r->f[4], &day, why) ||
	    get_amt(r->f[12], r->f[13], &cost, why))
		return -1;
	if (qty <= 0)
		return bad(why, "quantity '%s' not positive", r->f[10]);
	if (ru->flow != FL_NONE && (dno == 0 || r->f[9][0] == '\0'))
		return bad(why, "movement %s needs a delivery and a customer",
		    r->f[3]);
	if (md == next_matdoc(s)) {
		if (md > MATDOC_LAST)
			return bad(why, "%s",
			    "material document number range exhausted");
		sgrow(s, &s->matdoc, &s->capmatdoc, s->nmatdoc + 1,
		    sizeof *s->matdoc);
		m = &s->matdoc[s->nmatdoc++];
		memset(m, 0, sizeof *m);
		m->mvt = ru->mvt;
		m->date = day;
		m->delivery = dno;
		m->first = s->nmitem;
	} else if (md + 1 == next_matdoc(s) && md >= MATDOC_BASE) {
		m = &s->matdoc[s->nmatdoc - 1];
		if (m->mvt != ru->mvt || m->delivery != dno)
			return bad(why, "material document %s mixes movements",
			    r->f[1]);
	} else
		return bad(why, "material document %s out of sequence",
		    r->f[1]);
	mat = state_intern(s, r->f[5]);
	plant = state_intern(s, r->f[6]);
	sloc = state_intern(s, r->f[7]);
	batch = state_intern(s, r->f[8]);
	cust = state_intern(s, r->f[9]);
	sgrow(s, &s->mitem, &s->capmitem, s->nmitem + 1, sizeof *s->mitem);
	mi = &s->mitem[s->nmitem++];
	memset(mi, 0, sizeof *mi);
	mi->item = atoi(r->f[2]);
	mi->delivery_item = atoi(r->f[15]);
	mi->material = mat;
	mi->plant = plant;
	mi->sloc = sloc;
	mi->batch = batch;
	mi->customer = cust;
	mi->currency = state_intern(s, r->f[13]);
	mi->qty = qty;
	mi->cost = cost;
	mi->serials = state_intern(s, r->f[11]);
	if (m->reverses) {
		/* A reversal moves back exactly what its original moved. */
		const struct matdoc *o = state_matdoc(s, m->reverses);
		const struct mitem *x;

		if (o == NULL || m->n >= o->n)
			return bad(why, "material document %s reverses more "
			    "items than its original has", r->f[1]);
		x = &s->mitem[o->first + m->n];
		if (x->item != mi->item || x->material != mat ||
		    x->plant != plant || x->sloc != sloc ||
		    x->batch != batch || x->customer != cust ||
		    x->qty != qty || x->cost != cost ||
		    x->currency != mi->currency ||
		    x->serials != mi->serials ||
		    x->delivery_item != mi->delivery_item)
			return bad(why, "material document %s: item differs "
			    "from the item it reverses", r->f[1]);
	}
	SET(s, T_MATDOC, (size_t)(m - s->matdoc), m->n, m->n + 1);

	if (ru->from != PL_NONE && ru->from != PL_GONE &&
	    pool_add(s, T_STOCK, ru->from, plant, sloc, cust, mat, batch, -qty,
	    1, why) < 0)
		return -1;
	if (ru->to != PL_NONE && ru->to != PL_GONE &&
	    pool_add(s, T_STOCK, ru->to, plant, sloc, cust, mat, batch, qty, 1,
	    why) < 0)
		return -1;
	if (move_serials(s, ru, r->f[11], mat, batch, plant, sloc, cust, md,
	    m->reverses ? 0 : dno, day, qty, why) < 0)
		return -1;
	if (ru->from == PL_NONE || ru->to == PL_GONE) {
		/* Received less reversed, for received = own + consignment +
		 * sold. */
		if ((size_t)mat >= s->nreceived) {
			size_t n = (size_t)mat * 2 + 16, old = s->nreceived;

			sgrow(s, &s->received, &s->nreceived, n,
			    sizeof *s->received);
			memset(s->received + old, 0, (s->nreceived - old) *
			    sizeof *s->received);
		}
		SET(s, T_RECEIVED, mat, s->received[mat], s->received[mat] +
		    (ru->from == PL_NONE ? qty : -qty));
	}
	if (m->reverses) {
		/* Goods that open deliveries have taken stay where they are. */
		if (ru->from != PL_NONE && ru->from != PL_GONE &&
		    stock_qty(s, ru->from, plant, sloc, cust, mat, batch) <
		    resv_qty(s, ru->from, plant, sloc, cust, mat, batch)) {
			char q[NUM_BUFSZ];

			buf_printf(why, "%s stock of %s%s%s is on open "
			    "deliveries: %s left free",
			    place_name(ru->from), state_str(s, mat),
			    batch ? " batch " : "", state_str(s, batch),
			    qty_fmt(stock_qty(s, ru->from, plant, sloc, cust,
			    mat, batch) + qty - resv_qty(s, ru->from, plant,
			    sloc, cust, mat, batch), q));
			return -1;
		}
		return 0;
	}
	if (ru->from == PL_NONE && batch) {
		struct ientry *e;

		uint32_t k[2] = { mat, batch };

		e = imap_get(&s->batchseq, k, 2);
		if (e == NULL || e->v == 0)
			imap_setv(s, &s->batchseq, T_BATCHSEQ, k, 2, (int64_t)md);
	}
	if (ru->mvt == 633) {
		uint32_t k[4] = { plant, cust, mat, batch };

		imap_setv(s, &s->issue_cost, T_ISSUECOST, k, 4, cost);
	}
	if (dno) {
		struct delivery *d = state_delivery(s, dno);
		struct ditem *di;
		struct oitem *oi;
		struct order *o;
		size_t i, oix;

		if (d == NULL || d->matdoc != md)
			return bad(why, "delivery %s is not being posted",
			    r->f[14]);
		if ((di = find_ditem(s, d, mi->delivery_item, &i)) == NULL)
			return bad(why, "no delivery item %s", r->f[15]);
		if (di->picked != qty || di->batch != batch ||
		    di->material != mat)
			return bad(why, "delivery item %s: not as picked",
			    r->f[15]);
		oi = find_oitem(s, di->order, di->order_item, &oix);
		o = state_order(s, di->order);
		if (oi == NULL || o == NULL)
			return bad(why, "delivery %s: its order item is gone",
			    r->f[14]);
		SET(s, T_OITEM, oix, oi->posted, oi->posted + qty);
		if (unclaim(s, o, oi, qty, why) < 0)
			return -1;
		if (oi->posted >= oi->qty && serials_order(s, oi->material,
		    state_str(s, oi->serials), 0, oi->order, why) < 0)
			return -1;
	}
	return 0;
}

/*
 * V: the header of a reversal.  The material document it opens takes the
 * original's items back one by one (apply_matdoc); the delivery is closed
 * for good and its order items are open again.
 */
static int
apply_reversal(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t md = docno(r->f[1]), omd = docno(r->f[2]);
	uint64_t dno = docno(r->f[4]);
	struct matdoc *o = state_matdoc(s, omd), *m;
	const struct mvt_rule *ru;
	int mvt;
	long day;
	size_t i, oix;

	if (o == NULL)
		return bad(why, "no material document %s", r->f[2]);
	if (o->reverses)
		return bad(why, "material document %s is a reversal itself",
		    r->f[2]);
	if (o->reversed_by)
		return bad(why, "material document %s is reversed already",
		    r->f[2]);
	if (o->delivery != dno)
		return bad(why, "material document %s is not the goods "
		    "movement of that delivery", r->f[2]);
	if ((ru = mvt_rule(o->mvt)) == NULL || (mvt = ru->reverse) == 0)
		return bad(why, "material document %s cannot be reversed",
		    r->f[2]);
	if (md != next_matdoc(s))
		return bad(why, "material document %s out of sequence",
		    r->f[1]);
	if (md > MATDOC_LAST)
		return bad(why, "%s", "material document number range exhausted");
	if (get_date(s, r->f[3], &day, why))
		return -1;
	if (day < o->date)
		return bad(why, "reversal dated before material document %s",
		    r->f[2]);
	if (dno) {
		struct delivery *d = state_delivery(s, dno);

		if (d == NULL || d->matdoc != omd)
			return bad(why, "delivery %s is not posted as that "
			    "material document", r->f[4]);
		if (d->billing) {
			buf_printf(why, "delivery %s is billed in billing "
			    "document %llu", r->f[4],
			    (unsigned long long)d->billing);
			return -1;
		}
		for (i = d->first; i < d->first + d->n; i++) {
			struct ditem *di = &s->ditem[i];
			struct oitem *oi = find_oitem(s, di->order,
			    di->order_item, &oix);
			struct order *ord = state_order(s, di->order);

			if (oi == NULL || ord == NULL)
				return bad(why, "delivery %s: its order item "
				    "is gone", r->f[4]);
			if (di->picked <= 0)
				continue;
			/* The order item is open again for what the
			 * delivery took. */
			SET(s, T_OITEM, oix, oi->posted, oi->posted -
			    di->picked);
			SET(s, T_OITEM, oix, oi->delivered, oi->delivered -
			    di->picked);
			reopen(&s->wm_oitem, oix);
			if (oi->rejected)
				continue;
			if (unclaim(s, ord, oi, -di->picked, why) < 0)
				return -1;
			if (oi->serials && oi->posted + di->picked >= oi->qty &&
			    serials_order(s, oi->material, state_str(s,
			    oi->serials), oi->order, 0, why) < 0)
				return -1;
		}
		SET(s, T_DELIV, dno - DELIV_BASE, d->reversal, md);
	}
	SET(s, T_MATDOC, omd - MATDOC_BASE, o->reversed_by, md);
	sgrow(s, &s->matdoc, &s->capmatdoc, s->nmatdoc + 1, sizeof *s->matdoc);
	m = &s->matdoc[s->nmatdoc++];
	memset(m, 0, sizeof *m);
	m->mvt = mvt;
	m->date = day;
	m->delivery = dno;
	m->reverses = omd;
	m->first = s->nmitem;
	return 0;
}

static int
apply_acc(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	int64_t amt;

	if (r->nf != 11)
		return bad(why, "%s fields", "wrong number of");
	if (get_amt(r->f[6], r->f[7], &amt, why))
		return -1;
	if (no != s->acc_cur) {
		if (state_acc_close(s, why) < 0)
			return -1;
		if (no != s->next_acc)
			return bad(why, "accounting document %s out of sequence",
			    r->f[1]);
		if (no > ACC_LAST)
			return bad(why, "%s",
			    "accounting document number range exhausted");
		s->next_acc++;
		s->acc_cur = no;
		s->acc_bal = 0;
		s->acc_lines = 0;
		if (strcmp(r->f[9], "matdoc") == 0) {
			uint64_t md = docno(r->f[10]);
			struct matdoc *m = state_matdoc(s, md);

			if (m == NULL || m->accdoc)
				return bad(why, "accounting document %s: no "
				    "such material document, or it has one",
				    r->f[1]);
			SET(s, T_MATDOC, md - MATDOC_BASE, m->accdoc, no);
			link_add(s, LK_ACC_SRC, no, md);
		} else if (strcmp(r->f[9], "billing") == 0) {
			uint64_t bno = docno(r->f[10]);

			link_add(s, LK_BILL_ACC, bno, no);
			link_add(s, LK_ACC_SRC, no, bno);
		}
	}
	if (strcmp(r->f[5], "D") == 0)
		s->acc_bal += amt;
	else if (strcmp(r->f[5], "C") == 0)
		s->acc_bal -= amt;
	else
		return bad(why, "side '%s' is neither D nor C", r->f[5]);
	s->acc_lines++;
	return 0;
}

int
state_acc_close(struct state *s, struct buf *why)
{
	if (s->acc_lines && s->acc_bal != 0) {
		buf_printf(why, "accounting document %llu does not balance",
		    (unsigned long long)s->acc_cur);
		return -1;
	}
	s->acc_lines = 0;
	s->acc_bal = 0;
	s->acc_cur = 0;
	return 0;
}

static int
apply_billing(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]), dno = docno(r->f[6]);
	struct billing *b;
	struct bitem *bi;
	struct delivery *d = state_delivery(s, dno);
	struct order *o = state_order(s, docno(r->f[8]));
	int type = strcmp(r->f[3], "F2") == 0 ? BT_F2 :
	    strcmp(r->f[3], "RE") == 0 ? BT_RE : 0;
	int64_t qty, price, net, tax, gross;
	const char *cur = r->f[19];
	long day, due;

	if (r->nf != 23)
		return bad(why, "%s fields", "wrong number of");
	if (type == 0)
		return bad(why, "unknown billing type '%s'", r->f[3]);
	if (get_qty(r->f[13], &qty, why) || get_amt(r->f[15], cur, &price, why)
	    || get_amt(r->f[16], cur, &net, why) ||
	    get_amt(r->f[17], cur, &tax, why) ||
	    get_amt(r->f[18], cur, &gross, why) ||
	    get_date(s, r->f[4], &day, why) || get_date(s, r->f[20], &due, why))
		return -1;
	if (d == NULL || o == NULL)
		return bad(why, "no delivery %s", r->f[6]);
	if (!d->matdoc)
		return bad(why, "delivery %s is not posted", r->f[6]);
	if (d->reversal)
		return bad(why, "delivery %s: its goods movement is reversed",
		    r->f[6]);
	if (d->flow != (type == BT_F2 ? FL_ISSUE : FL_RETURN))
		return bad(why, "delivery %s is not billed with this type",
		    r->f[6]);
	if (o->block)
		return bad(why, "order %s has a billing block", r->f[8]);
	if (d->billing && d->billing != no)
		return bad(why, "delivery %s is billed already", r->f[6]);
	if (no == next_billing(s)) {
		if (no > BILL_LAST)
			return bad(why, "%s", "billing number range exhausted");
		sgrow(s, &s->bill, &s->capbill, s->nbill + 1, sizeof *s->bill);
		b = &s->bill[s->nbill++];
		memset(b, 0, sizeof *b);
		b->type = type;
		b->customer = state_intern(s, r->f[5]);
		b->currency = state_intern(s, cur);
		b->date = day;
		b->due = due;
		b->accblock = r->f[21][0] != '\0';
		b->accdoc = docno(r->f[22]);
		b->first = s->nbitem;
	} else if (no + 1 == next_billing(s) && no >= BILL_BASE) {
		b = &s->bill[s->nbill - 1];
		if (b->type != type || b->customer != state_find(s, r->f[5]))
			return bad(why, "billing %s mixes types or customers",
			    r->f[1]);
	} else
		return bad(why, "billing number %s out of sequence", r->f[1]);
	if (d->customer != b->customer)
		return bad(why, "delivery %s is another customer's", r->f[6]);
	sgrow(s, &s->bitem, &s->capbitem, s->nbitem + 1, sizeof *s->bitem);
	bi = &s->bitem[s->nbitem++];
	memset(bi, 0, sizeof *bi);
	bi->item = atoi(r->f[2]);
	bi->delivery = dno;
	bi->delivery_item = atoi(r->f[7]);
	bi->order = docno(r->f[8]);
	bi->order_item = atoi(r->f[9]);
	bi->material = state_intern(s, r->f[10]);
	bi->batch = state_intern(s, r->f[11]);
	bi->serials = state_intern(s, r->f[12]);
	bi->unit = state_intern(s, r->f[14]);
	bi->qty = qty;
	bi->price = price;
	bi->net = net;
	bi->tax = tax;
	bi->gross = gross;
	b->n++;
	b->net += net;
	b->tax += tax;
	b->gross += gross;
	if (type == BT_F2)
		b->open = b->gross;
	SET(s, T_DELIV, dno - DELIV_BASE, d->billing, no);
	link_add(s, LK_DELIV_BILL, dno, no);
	if (type == BT_F2) {
		uint32_t k[3] = { b->customer, bi->material, bi->batch };

		imap_setv(s, &s->sold_price, T_SOLDPRICE, k, 3, price);
	}
	return 0;
}

static int
apply_cancel(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct billing *b = state_billing(s, no);
	size_t i;

	if (r->nf != 4 || b == NULL)
		return bad(why, "no billing document %s", r->f[1]);
	if (b->cancelled)
		return bad(why, "billing document %s is cancelled already",
		    r->f[1]);
	if (b->open != (b->type == BT_F2 ? b->gross : b->accblock ? 0 :
	    -b->gross))
		return bad(why, "billing document %s is cleared in part",
		    r->f[1]);
	for (i = b->first; i < b->first + b->n; i++) {
		struct delivery *d = state_delivery(s, s->bitem[i].delivery);

		if (d && d->billing == no) {
			SET(s, T_DELIV, s->bitem[i].delivery - DELIV_BASE,
			    d->billing, (uint64_t)0);
			reopen(&s->wm_deliv, s->bitem[i].delivery - DELIV_BASE);
		}
	}
	SET(s, T_BILL, no - BILL_BASE, b->cancelled, 1);
	SET(s, T_BILL, no - BILL_BASE, b->open, (int64_t)0);
	return 0;
}

static int
apply_release_billing(struct state *s, const struct jrec *r,
    struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct billing *b = state_billing(s, no);

	if (r->nf != 4 || b == NULL)
		return bad(why, "no billing document %s", r->f[1]);
	if (b->cancelled || !b->accblock)
		return bad(why, "billing document %s is not blocked", r->f[1]);
	SET(s, T_BILL, no - BILL_BASE, b->accblock, 0);
	SET(s, T_BILL, no - BILL_BASE, b->accdoc, docno(r->f[3]));
	SET(s, T_BILL, no - BILL_BASE, b->open, -b->gross);
	return 0;
}

static int
apply_payment(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t no = docno(r->f[1]);
	struct payment *y;
	struct ientry *e;
	int64_t amt;
	long day;

	if (r->nf != 7)
		return bad(why, "%s fields", "wrong number of");
	if (get_amt(r->f[4], r->f[5], &amt, why) ||
	    get_date(s, r->f[2], &day, why))
		return -1;
	if (amt <= 0)
		return bad(why, "payment amount '%s' not positive", r->f[4]);
	if (state_payment(s, no))
		return bad(why, "payment %s exists already", r->f[1]);
	sgrow(s, &s->pay, &s->cappay, s->npay + 1, sizeof *s->pay);
	y = &s->pay[s->npay];
	memset(y, 0, sizeof *y);
	y->doc = no;
	y->date = day;
	y->customer = state_intern(s, r->f[3]);
	y->currency = state_intern(s, r->f[5]);
	y->ref = state_intern(s, r->f[6]);
	if (y->ref) {
		uint32_t k[2] = { y->customer, y->ref };
		struct ientry *pe = imap_get(&s->payref, k, 2);

		if (pe && pe->v)
			return bad(why, "payment ref '%s' is posted already",
			    r->f[6]);
		imap_setv(s, &s->payref, T_PAYREF, k, 2, (int64_t)no);
	}
	y->amount = amt;
	y->open = -amt;
	{
		uint32_t k[2] = { (uint32_t)(no >> 32), (uint32_t)no };

		e = imap_put(&s->payix, k, 2, NULL);
	}
	SET(s, T_PAYIX, (size_t)(e - s->payix.e), e->idx, s->npay);
	s->npay++;
	return 0;
}

static int
apply_clear(struct state *s, const struct jrec *r, struct buf *why)
{
	uint64_t pno = docno(r->f[1]), dno = docno(r->f[2]);
	struct payment *y = state_payment(s, pno), *c;
	struct billing *b;
	int64_t amt, open;

	if (r->nf != 5 || y == NULL)
		return bad(why, "no payment %s", r->f[1]);
	if (get_amt(r->f[3], r->f[4], &amt, why))
		return -1;
	if ((b = state_billing(s, dno)) != NULL) {
		if (b->customer != y->customer || b->cancelled)
			return bad(why, "billing document %s is not open for "
			    "this customer", r->f[2]);
		open = b->open - amt;
		if (b->open == 0 || (b->open > 0 ? open < 0 || amt < 0 :
		    open > 0 || amt > 0))
			return bad(why, "clearing beyond what is open of %s",
			    r->f[2]);
		SET(s, T_BILL, dno - BILL_BASE, b->open, open);
	} else if ((c = state_payment(s, dno)) != NULL && c != y) {
		if (c->customer != y->customer)
			return bad(why, "payment %s is another customer's",
			    r->f[2]);
		open = c->open - amt;
		if (amt >= 0 || open > 0)
			return bad(why, "clearing beyond what is open of %s",
			    r->f[2]);
		SET(s, T_PAY, (size_t)(c - s->pay), c->open, open);
	} else
		return bad(why, "no open item %s", r->f[2]);
	open = y->open + amt;
	if (open > 0)
		return bad(why, "payment %s cleared beyond its amount", r->f[1]);
	{
		uint64_t cd = docno(r->f[2]), pd = docno(r->f[1]);
		uint32_t k[5];

		link_add(s, LK_BILL_PAY, cd, pd);
		link_add(s, LK_PAY_BILL, pd, cd);
		pay_amt_key(k, cd, pd);
		imap_setv(s, &s->links, T_LINKS, k, 5,
		    state_link_amount(s, cd, pd) + amt);
	}
	SET(s, T_PAY, (size_t)(y - s->pay), y->open, open);
	return 0;
}

static int apply_record(struct state *, const struct jrec *, struct buf *);

int
state_apply(struct state *s, const struct jrec *r, struct buf *why)
{
	struct state_mark m;
	int rc, outer = s->sp_active;

	/* A record is checked as it is applied; one that fails is undone
	 * here, inside or outside a savepoint. */
	s->sp_active = 1;
	mark_take(s, &m);
	rc = apply_record(s, r, why);
	if (rc < 0)
		mark_undo(s, &m);
	if (!outer) {
		s->nundo = 0;
		s->sp_active = 0;
	}
	return rc;
}

/* The fields of each record kind, the kind included. */
static const struct {
	const char *kind;
	int nf;
} shapes[] = {
	{ "O", 17 }, { "OJ", 4 }, { "OR", 2 }, { "D", 15 }, { "DD", 3 },
	{ "P", 7 }, { "G", 4 }, { "M", 16 }, { "A", 11 }, { "F", 23 },
	{ "FC", 4 }, { "FR", 4 }, { "Y", 7 }, { "K", 5 }, { "V", 5 },
};

static int
apply_record(struct state *s, const struct jrec *r, struct buf *why)
{
	const char *k = r->f[0];
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (strcmp(k, shapes[i].kind) == 0)
			break;
	if (i == sizeof shapes / sizeof shapes[0])
		return bad(why, "unknown record kind '%s'", k);
	if (r->nf != shapes[i].nf) {
		buf_printf(why, "%s record with %d fields, not %d", k, r->nf,
		    shapes[i].nf);
		return -1;
	}
	switch (k[0]) {
	case 'O':
		if (k[1] == '\0')
			return apply_order(s, r, why);
		if (strcmp(k, "OJ") == 0)
			return apply_reject(s, r, why);
		if (strcmp(k, "OR") == 0)
			return apply_release_order(s, r, why);
		break;
	case 'D':
		if (k[1] == '\0')
			return apply_delivery(s, r, why);
		if (strcmp(k, "DD") == 0)
			return apply_delete(s, r, why);
		break;
	case 'P':
		if (k[1] == '\0')
			return apply_pick(s, r, why);
		break;
	case 'G':
		if (k[1] == '\0')
			return apply_goods_header(s, r, why);
		break;
	case 'M':
		if (k[1] == '\0')
			return apply_matdoc(s, r, why);
		break;
	case 'A':
		if (k[1] == '\0')
			return apply_acc(s, r, why);
		break;
	case 'F':
		if (k[1] == '\0')
			return apply_billing(s, r, why);
		if (strcmp(k, "FC") == 0)
			return apply_cancel(s, r, why);
		if (strcmp(k, "FR") == 0)
			return apply_release_billing(s, r, why);
		break;
	case 'Y':
		if (k[1] == '\0')
			return apply_payment(s, r, why);
		break;
	case 'K':
		if (k[1] == '\0')
			return apply_clear(s, r, why);
		break;
	case 'V':
		if (k[1] == '\0')
			return apply_reversal(s, r, why);
		break;
	}
	return bad(why, "unknown record kind '%s'", k);
}

int
state_replay_fn(void *ctx, const struct jrec *r, struct buf *why)
{
	struct state *s = ctx;

	if (r->f[0][0] == '\0')
		return bad(why, "%s", "empty record");
	return state_apply(s, r, why);
}
