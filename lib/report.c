/*
 * report.c - stock and serials at a date, the material document list, the
 * consignment statement, aging and refill; see report.h and cs-stock(1).
 *
 * The scans read the M records (field numbers as in cs-journal(5), less
 * one: f[4] is the date, f[10] the quantity) and sign each quantity by the
 * movement type's rule (lib/post): the place it leaves loses it, the place
 * it enters gains it.  Own stock is keyed by plant and storage location,
 * consignment stock by plant and customer, as in the state.  A sum does not
 * depend on the order of the records, so back-dated documents count on
 * their date wherever they stand in the journal.
 */
#include <sys/file.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "post.h"
#include "report.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const stock_cols[] = { "plant", "sloc", "material",
    "batch", "kind", "customer", "qty", "unit", "value", "currency" };
static const char *const serial_cols[] = { "material", "serial", "batch",
    "place", "plant", "sloc", "customer", "matdoc", "date" };
static const char *const movement_cols[] = { "matdoc", "item", "date",
    "mvt", "material", "batch", "serials", "qty", "plant", "sloc",
    "customer", "delivery", "order", "reversed_by", "reverses" };
static const char *const statement_cols[] = { "customer", "material",
    "batch", "opening", "filled", "issued", "picked_up", "returned",
    "closing", "unit", "value", "currency" };
static const char *const aging_cols[] = { "customer", "material", "batch",
    "serial", "qty", "unit", "arrived", "days", "bucket" };
static const char *const refill_cols[] = { "flow", "customer", "material",
    "qty", "unit", "stock", "open", "min", "max" };

const char *const *
report_cols(enum report r, int *ncols)
{
	switch (r) {
	case REP_STOCK_AT:
		*ncols = N(stock_cols);
		return stock_cols;
	case REP_SERIALS_AT:
		*ncols = N(serial_cols);
		return serial_cols;
	case REP_MOVEMENTS:
		*ncols = N(movement_cols);
		return movement_cols;
	case REP_STATEMENT:
		*ncols = N(statement_cols);
		return statement_cols;
	case REP_AGING:
		*ncols = N(aging_cols);
		return aging_cols;
	case REP_REFILL:
	default:
		*ncols = N(refill_cols);
		return refill_cols;
	}
}

/* --- the scan --------------------------------------------------------- */

#define SID_UNKNOWN SID_ALL	/* a string the state does not know */
#define SHORTSTR 24		/* strings of up to this many bytes are held
				 * in the scan's own table of sids */

/* One M record, its strings as the state's sids. */
struct mv {
	const struct jrec *r;
	uint64_t matdoc;
	uint64_t reverses;	/* the document it reverses, 0 none */
	int mvt;
	const struct mvt_rule *ru;
	const char *date;
	sid material, plant, sloc, batch, customer;
	int64_t qty;
	const char *serials;
};

/* A short string and its sid: the bytes, zero-padded, are the key. */
struct sidslot {
	uint64_t w[SHORTSTR / 8];
	uint32_t len;		/* 0: an empty slot */
	sid id;
};

struct scan {
	struct stage *s;
	struct state *st;
	const struct report_args *a;
	const char *last;	/* records dated after this day are skipped,
				 * "" none */
	int by_customer;	/* records of other customers are skipped */
	int (*fn)(struct scan *, const struct mv *, struct buf *why);
	void *ctx;		/* the report's own */
	uint64_t rev_md, rev_of;	/* the last V record: reversal, original */

	struct sidslot *sids;	/* in front of state_find(): open
				 * addressing, a power of two slots, at
				 * most half of them used */
	size_t nsids, capsids;
	char lastmvt[4];	/* the movement type read last, its rule */
	int lastmvtno;
	const struct mvt_rule *lastru;
	char lastdate[11];	/* the date parsed last, and its day */
	long lastday;
	struct buf word;
};

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

/* The state's sid of str, looked up or (a cold scan) made. */
static sid
state_sid(struct scan *sc, const char *str)
{
	sid c;

	if (sc->s->cold)
		/* Nothing replayed (a cold overview): the scan makes the
		 * state's strings as it goes. */
		return state_intern(sc->st, str);
	return (c = state_find(sc->st, str)) == 0 ? SID_UNKNOWN : c;
}

static void
sids_grow(struct scan *sc)
{
	struct sidslot *old = sc->sids;
	size_t oldcap = sc->capsids, i, j, mask;

	sc->capsids = oldcap ? oldcap * 2 : 1024;
	sc->sids = xcalloc(sc->capsids, sizeof *sc->sids);
	mask = sc->capsids - 1;
	for (i = 0; i < oldcap; i++) {
		const struct sidslot *o = &old[i];

		if (o->len == 0)
			continue;
		for (j = mix64(o->w[0] ^ mix64(o->w[1] ^ mix64(o->w[2] ^
		    o->len))) & mask; sc->sids[j].len; j = (j + 1) & mask)
			;
		sc->sids[j] = *o;
	}
	free(old);
}

/*
 * A field as a key of the scan's table of sids: its bytes up to the NUL
 * (n may be more where the field holds a NUL byte, which ends the string),
 * zero-padded, and their hash.  len is 0 for "", more than SHORTSTR for a
 * string too long for the table.
 */
struct sidkey {
	const char *str;
	union {
		char c[SHORTSTR];
		uint64_t w[SHORTSTR / 8];
	} u;
	size_t len;
	uint64_t h;
};

static void
sidkey_make(struct sidkey *k, const char *str, size_t n)
{
	size_t i;

	k->str = str;
	memset(&k->u, 0, sizeof k->u);
	if (n > SHORTSTR) {
		k->len = *str ? n : 0;
		return;
	}
	for (i = 0; i < n && str[i]; i++)
		k->u.c[i] = str[i];
	k->len = i;
	k->h = mix64(k->u.w[0] ^ mix64(k->u.w[1] ^ mix64(k->u.w[2] ^ i)));
}

/*
 * The sid of a field: 0 for "", SID_UNKNOWN when the state lacks it.
 * Records repeat the same plants, materials, batches and customers, so
 * the scan keeps the sid of every short string it met in a table of its
 * own, keyed by the bytes: a field costs a copy, a hash and one compare,
 * with no pointer to follow.
 */
static sid
sidkey_find(struct scan *sc, const struct sidkey *k)
{
	struct sidslot *e;
	size_t i, mask;
	sid c;

	if (k->len == 0)
		return 0;
	if (k->len > SHORTSTR)
		return state_sid(sc, k->str);
	if ((sc->nsids + 1) * 2 > sc->capsids)
		sids_grow(sc);
	mask = sc->capsids - 1;
	for (i = k->h & mask; (e = &sc->sids[i])->len; i = (i + 1) & mask)
		if (e->len == k->len && e->w[0] == k->u.w[0] &&
		    e->w[1] == k->u.w[1] && e->w[2] == k->u.w[2])
			return e->id;
	if ((c = state_sid(sc, k->str)) == SID_UNKNOWN)
		return c;
	memcpy(e->w, k->u.w, sizeof e->w);
	e->len = (uint32_t)k->len;
	e->id = c;
	sc->nsids++;
	return c;
}

/* Fetch the slot where k's lookup starts, to have it when it is due. */
static void
sidkey_prefetch(const struct scan *sc, const struct sidkey *k)
{
	if (sc->capsids && k->len && k->len <= SHORTSTR)
		__builtin_prefetch(&sc->sids[k->h & (sc->capsids - 1)]);
}

static sid
scan_sid(struct scan *sc, const char *str)
{
	struct sidkey k;

	sidkey_make(&k, str, strlen(str));
	return sidkey_find(sc, &k);
}

/* Days since the epoch of a record's date, -1 if it is none. */
static long
scan_day(struct scan *sc, const char *date)
{
	if (strcmp(date, sc->lastdate) != 0) {
		snprintf(sc->lastdate, sizeof sc->lastdate, "%s", date);
		sc->lastday = strlen(date) == 10 ? date_days(date) : -1;
	}
	return sc->lastday;
}

static int
unknown(struct buf *why, const char *what)
{
	/* The state replayed the journal up to where the scan stops: a
	 * string it does not know means the journal changed under us. */
	buf_printf(why, "'%s' is not in the replayed state: the journal "
	    "changed while it was read", what);
	return -1;
}

/* A jrec_fn: the M records that pass the scan's filters go to sc->fn. */
static int
scan_rec(void *ctx, const struct jrec *r, struct buf *why)
{
	struct scan *sc = ctx;
	struct mv m;
	struct sidkey k[5];
	sid id[5];
	int i;

	if (r->f[0][0] == 'V' && r->f[0][1] == '\0') {
		/* A reversal's header precedes its items in the transaction:
		 * told by the journal, without touching the state's
		 * documents. */
		sc->rev_md = docno(r->f[1]);
		sc->rev_of = docno(r->f[2]);
		return 0;
	}
	if (r->f[0][0] != 'M' || r->f[0][1] != '\0')
		return 0;
	if (r->nf != 16) {
		buf_printf(why, "wrong number of fields");
		return -1;
	}
	/* The cheap filters first, on the strings. */
	if (*sc->last && strcmp(r->f[4], sc->last) > 0)
		return 0;
	if (*sc->a->material && strcmp(r->f[5], sc->a->material) != 0)
		return 0;
	if (sc->by_customer && strcmp(r->f[9], sc->a->customer) != 0)
		return 0;
	m.r = r;
	m.matdoc = docno(r->f[1]);
	/* Most records move by the type the one before moved by. */
	if (memcmp(r->f[3], sc->lastmvt, 4) == 0)
		m.mvt = sc->lastmvtno, m.ru = sc->lastru;
	else {
		m.mvt = atoi(r->f[3]);
		m.ru = mvt_rule(m.mvt);
		if (strlen(r->f[3]) < sizeof sc->lastmvt) {
			memcpy(sc->lastmvt, r->f[3], strlen(r->f[3]) + 1);
			sc->lastmvtno = m.mvt;
			sc->lastru = m.ru;
		}
	}
	if (m.ru == NULL) {
		buf_printf(why, "unknown movement type %s", r->f[3]);
		return -1;
	}
	m.reverses = m.matdoc == sc->rev_md ? sc->rev_of : 0;
	m.date = r->f[4];
	if (qty_parse(r->f[10], &m.qty) != NUM_OK) {
		buf_printf(why, "qty '%s': not a quantity", r->f[10]);
		return -1;
	}
	/* fields 6 to 10: material, plant, sloc, batch, customer; each but
	 * the last field of a record ends where the next begins.  Their
	 * slots are fetched together, then looked at in turn. */
	for (i = 0; i < 5; i++) {
		sidkey_make(&k[i], r->f[5 + i], (size_t)(r->f[6 + i] -
		    r->f[5 + i] - 1));
		sidkey_prefetch(sc, &k[i]);
	}
	for (i = 0; i < 5; i++)
		if ((id[i] = sidkey_find(sc, &k[i])) == SID_UNKNOWN)
			return unknown(why, r->f[5 + i]);
	m.material = id[0];
	m.plant = id[1];
	m.sloc = id[2];
	m.batch = id[3];
	m.customer = id[4];
	m.serials = r->f[11];
	return sc->fn(sc, &m, why);
}

static void
scan_init(struct scan *sc, struct stage *s, const struct report_args *a,
    const char *last, int by_customer,
    int (*fn)(struct scan *, const struct mv *, struct buf *), void *ctx)
{
	memset(sc, 0, sizeof *sc);
	sc->s = s;
	sc->st = &s->st;
	sc->a = a;
	sc->last = last ? last : "";
	sc->by_customer = by_customer && *a->customer;
	sc->fn = fn;
	sc->ctx = ctx;
}

static void
scan_free(struct scan *sc)
{
	buf_free(&sc->word);
	free(sc->sids);
	sc->sids = NULL;
	sc->nsids = sc->capsids = 0;
}

/*
 * Read the journal once, through a descriptor of our own under a shared
 * lock, up to where the stage's state ends: the state knows every string
 * and document of that part.  Returns 0, or -1 with err set.
 */
static int
scan_run(struct scan *sc, char *err)
{
	struct stage *s = sc->s;
	struct journal j;
	int rc;

	if (s->j.txn == 0 && !s->cold) {
		/* Nothing was committed when the state was read. */
		scan_free(sc);
		return 0;
	}
	if (journal_open(&j, s->o->dir, 0, err) < 0) {
		scan_free(sc);
		return -1;
	}
	if (journal_lock(&j, LOCK_SH, s->o->wait_ms, err) < 0) {
		journal_close(&j);
		scan_free(sc);
		return -1;
	}
	/* By number, not offset: an archive may have shortened the journal
	 * since the state was read. */
	j.limit_txn = s->cold ? 0 : s->j.txn;
	j.only = " M V ";
	j.progress = s->o->prog;
	rc = journal_scan(&j, scan_rec, sc, err);
	if (rc == 0 && s->cold && j.torn)
		fprintf(stderr, "%s: journal: torn tail of %lld bytes ignored\n",
		    s->o->prog, (long long)j.torn);
	journal_unlock(&j);
	journal_close(&j);
	scan_free(sc);
	return rc < 0 ? -1 : 0;
}

static int
add_qty(int64_t *v, int64_t d, struct buf *why)
{
	if (num_add(*v, d, v) != NUM_OK) {
		buf_printf(why, "quantity out of range");
		return -1;
	}
	return 0;
}

/* Value at the material's standard cost; "" when it does not fit or the
 * material is not in the master data. */
static const char *
value_fmt(const struct material *m, int64_t qty, char *b)
{
	int64_t v;

	if (m == NULL || num_muldiv(qty, m->cost, QTY_SCALE, &v) != NUM_OK)
		return "";
	return amt_fmt(v, cur_places(m->currency), b);
}

static const char *
u64_fmt(uint64_t v, char b[24])
{
	return v ? fmt_u64(v, b) : "";
}

/* --- stock at a date -------------------------------------------------- */

/*
 * The sums per stock key live in an open-addressing table of their own,
 * the key inline (a struct stock_key; place 0 marks an empty slot), so
 * that a lookup touches one cache line.  Over a long journal the table is
 * larger than the caches, and a lookup waits for memory; so an addition
 * is queued and done RING additions later, its slot fetched in the
 * meantime.  Deferring cannot change the result, even where a sum would
 * leave int64_t: while the magnitudes added so far stay below 2^62, no
 * sum can come near the limit; past that, additions are done at once and
 * checked, so the record that overflows is the one reported.
 */
#define RING 16			/* additions in flight, a power of two */

struct stslot {
	uint32_t k[6];		/* struct stock_key */
	int64_t v;
};

struct stock_at {
	struct stslot *t;
	size_t n, cap;		/* cap a power of two; n at most 3/4 of it */
	struct {
		uint32_t k[6];
		uint64_t h;
		int64_t d;
	} ring[RING];
	size_t head, queued;
	uint64_t added;		/* the magnitudes added, up to 2^62 */
};

static uint64_t
stock_hash(const uint32_t *k)
{
	return mix64((((uint64_t)k[0] << 32 | k[1]) ^
	    mix64((uint64_t)k[2] << 32 | k[3])) ^
	    mix64((uint64_t)k[4] << 32 | k[5]));
}

static struct stslot *
stock_slot(struct stock_at *c, const uint32_t *k, uint64_t h)
{
	size_t i, mask = c->cap - 1;
	struct stslot *e;

	for (i = h & mask; (e = &c->t[i])->k[0]; i = (i + 1) & mask)
		if (memcmp(e->k, k, sizeof e->k) == 0)
			return e;
	return e;
}

static void
stock_grow(struct stock_at *c)
{
	struct stslot *old = c->t;
	size_t oldcap = c->cap, i;
	uint64_t h[RING];

	c->cap = oldcap ? oldcap * 2 : 4096;
	c->t = xcalloc(c->cap, sizeof *c->t);
	/* The new slots are fetched a few entries ahead, as in the scan. */
	for (i = 0; i < oldcap + RING; i++) {
		if (i >= RING && old[i - RING].k[0])
			*stock_slot(c, old[i - RING].k, h[i % RING]) =
			    old[i - RING];
		if (i < oldcap && old[i].k[0]) {
			h[i % RING] = stock_hash(old[i].k);
			__builtin_prefetch(&c->t[h[i % RING] & (c->cap - 1)],
			    1);
		}
	}
	free(old);
}

/* The slot of k, made (with 0) where it is not there yet. */
static struct stslot *
stock_get(struct stock_at *c, const uint32_t *k, uint64_t h)
{
	struct stslot *e;

	if ((c->n + 1) * 4 > c->cap * 3)
		stock_grow(c);
	e = stock_slot(c, k, h);
	if (e->k[0] == 0) {
		memcpy(e->k, k, sizeof e->k);
		c->n++;
	}
	return e;
}

/* Do the additions still queued. */
static void
stock_flush(struct stock_at *c)
{
	for (; c->queued; c->queued--, c->head = (c->head + 1) % RING)
		stock_get(c, c->ring[c->head].k, c->ring[c->head].h)->v +=
		    c->ring[c->head].d;
}

static int
stock_add(struct scan *sc, struct stock_at *c, int place, const struct mv *m,
    int64_t d, struct buf *why)
{
	uint32_t k[6];
	uint64_t h, mag = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
	size_t tail;

	if (place != PL_OWN && place != PL_CONSIG)
		return 0;
	if (*sc->a->customer && place != PL_CONSIG)
		return 0;	/* -c: that customer's consignment only */
	k[0] = (uint32_t)place;
	k[1] = m->plant;
	k[2] = place == PL_OWN ? m->sloc : 0;
	k[3] = place == PL_OWN ? 0 : m->customer;
	k[4] = m->material;
	k[5] = m->batch;
	h = stock_hash(k);
	if (mag >= (UINT64_C(1) << 62) - c->added) {
		/* Near the limit: at once, checked. */
		c->added = UINT64_C(1) << 62;
		stock_flush(c);
		return add_qty(&stock_get(c, k, h)->v, d, why);
	}
	c->added += mag;
	if (c->queued == RING)
		stock_flush(c);
	if (c->cap)
		__builtin_prefetch(&c->t[h & (c->cap - 1)], 1);
	tail = (c->head + c->queued++) % RING;
	memcpy(c->ring[tail].k, k, sizeof k);
	c->ring[tail].h = h;
	c->ring[tail].d = d;
	return 0;
}

static int
stock_at_fn(struct scan *sc, const struct mv *m, struct buf *why)
{
	struct stock_at *c = sc->ctx;

	if (stock_add(sc, c, m->ru->from, m, -m->qty, why) < 0 ||
	    stock_add(sc, c, m->ru->to, m, m->qty, why) < 0)
		return -1;
	return 0;
}

static const struct state *cmp_st;	/* for the qsort comparators */

static int
sid_cmp(sid a, sid b)
{
	return a == b ? 0 : natcmp(state_str(cmp_st, a), state_str(cmp_st, b));
}

/* A stock row as its place in the overview's order (plant, material,
 * kind, customer, sloc, batch, as the ranks of their strings) and its
 * quantity: the sort moves 32 bytes a row and the rows are written from
 * them in order, never going back to the entries. */
struct sortrow {
	uint64_t k[3];
	int64_t v;
};

static int
sortrow_cmp(const void *a, const void *b)
{
	const struct sortrow *x = a, *y = b;
	int i;

	for (i = 0; i < 3; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] < y->k[i] ? -1 : 1;
	return 0;
}

void
report_stock_rows(struct stage *s, struct ientry **l, size_t n,
    struct out *out)
{
	struct state *st = &s->st;
	sid *ids = xcalloc(5 * n + 1, sizeof *ids), *byrank;
	struct sortrow *o = xcalloc(n + 1, sizeof *o);
	const struct material *m = NULL;
	sid lastmat = 0;
	uint32_t *r;
	size_t i;

	/* Rank the strings once; the sort then compares integers. */
	for (i = 0; i < n; i++) {
		const struct stock_key *k = (const void *)l[i]->k;

		ids[5 * i] = k->plant;
		ids[5 * i + 1] = k->material;
		ids[5 * i + 2] = k->customer;
		ids[5 * i + 3] = k->sloc;
		ids[5 * i + 4] = k->batch;
	}
	r = state_ranks(st, ids, 5 * n);
	/* distinct strings have distinct ranks: the sid of each rank */
	byrank = xcalloc(st->nstr + 2, sizeof *byrank);
	for (i = 0; i < 5 * n; i++)
		byrank[r[ids[i]]] = ids[i];
	for (i = 0; i < n; i++) {
		const struct stock_key *k = (const void *)l[i]->k;

		o[i].k[0] = (uint64_t)r[k->plant] << 32 | r[k->material];
		o[i].k[1] = (uint64_t)k->place << 32 | r[k->customer];
		o[i].k[2] = (uint64_t)r[k->sloc] << 32 | r[k->batch];
		o[i].v = l[i]->v;
	}
	free(ids);
	free(r);
	if (n > 1)
		qsort(o, n, sizeof *o, sortrow_cmp);
	for (i = 0; i < n; i++) {
		sid mat = byrank[(uint32_t)o[i].k[0]];
		char qb[NUM_BUFSZ], vb[NUM_BUFSZ];
		const char *v[10];

		/* rows of a material follow each other */
		if (i == 0 || mat != lastmat) {
			m = master_material(&s->m, state_str(st, mat));
			lastmat = mat;
		}
		v[0] = state_str(st, byrank[o[i].k[0] >> 32]);
		v[1] = state_str(st, byrank[o[i].k[2] >> 32]);
		v[2] = state_str(st, mat);
		v[3] = state_str(st, byrank[(uint32_t)o[i].k[2]]);
		v[4] = o[i].k[1] >> 32 == PL_OWN ? "own" : "consignment";
		v[5] = state_str(st, byrank[(uint32_t)o[i].k[1]]);
		v[6] = qty_fmt(o[i].v, qb);
		v[7] = m ? m->unit : "";
		v[8] = value_fmt(m, o[i].v, vb);
		v[9] = m ? m->currency : "";
		out_row(out, v);
	}
	free(byrank);
	free(o);
}

static int
report_stock_at(struct stage *s, const struct report_args *a,
    struct out *out, char *err)
{
	struct stock_at c;
	struct scan sc;
	struct ientry *e, **l;
	size_t n = 0, i;

	memset(&c, 0, sizeof c);
	scan_init(&sc, s, a, a->at, 1, stock_at_fn, &c);
	if (scan_run(&sc, err) < 0) {
		free(c.t);
		return -1;
	}
	stock_flush(&c);
	e = xcalloc(c.n + 1, sizeof *e);
	l = xcalloc(c.n + 1, sizeof *l);
	for (i = 0; i < c.cap; i++)
		if (c.t[i].k[0] && c.t[i].v != 0) {
			memcpy(e[n].k, c.t[i].k, sizeof c.t[i].k);
			e[n].nk = 6;
			e[n].v = c.t[i].v;
			l[n] = &e[n];
			n++;
		}
	free(c.t);
	report_stock_rows(s, l, n, out);
	free(l);
	free(e);
	return 0;
}

/* --- serials at a date ------------------------------------------------ */

/* Where a serial is after its last movement on or before the day. */
struct serial_at {
	sid material, serial, batch, plant, sloc, customer;
	int place;
	uint64_t matdoc;
	long day;
};

struct serials_at {
	struct imap ix;		/* material, serial -> index in x */
	struct serial_at *x;
	size_t n, cap;
};

/*
 * Move the serials of m.  Of two movements of a serial the later date
 * counts, and on the same date the later in the journal: documents may be
 * back-dated, but never before the movement that brought the serial where
 * it left from (the state checks that).
 */
static int
serials_move(struct scan *sc, struct serials_at *t, const struct mv *m,
    struct buf *why)
{
	const char *p = m->serials;
	long day = scan_day(sc, m->date);

	if (day < 0) {
		buf_printf(why, "date '%s': not a date", m->date);
		return -1;
	}
	while (next_word(&p, &sc->word)) {
		sid ser = scan_sid(sc, sc->word.s);
		uint32_t k[2];
		struct ientry *e;
		struct serial_at *x;
		int added;

		if (ser == SID_UNKNOWN)
			return unknown(why, sc->word.s);
		k[0] = m->material;
		k[1] = ser;
		e = imap_put(&t->ix, k, 2, &added);
		if (added) {
			grow(&t->x, &t->cap, t->n + 1, sizeof *t->x);
			e->idx = t->n++;
		}
		x = &t->x[e->idx];
		if (!added && day < x->day)
			continue;
		x->material = m->material;
		x->serial = ser;
		x->batch = m->batch;
		x->plant = m->plant;
		x->sloc = m->ru->to == PL_OWN ? m->sloc : 0;
		x->customer = m->ru->to == PL_CONSIG || m->ru->to == PL_SOLD ?
		    m->customer : 0;
		x->place = m->ru->to;
		x->matdoc = m->matdoc;
		x->day = day;
	}
	return 0;
}

static int
serials_at_fn(struct scan *sc, const struct mv *m, struct buf *why)
{
	return *m->serials ? serials_move(sc, sc->ctx, m, why) : 0;
}

static int
serial_cmp(const void *a, const void *b)
{
	const struct serial_at *x = *(struct serial_at *const *)a;
	const struct serial_at *y = *(struct serial_at *const *)b;
	int c = sid_cmp(x->material, y->material);

	return c ? c : sid_cmp(x->serial, y->serial);
}

static void
serials_free(struct serials_at *t)
{
	imap_free(&t->ix);
	free(t->x);
}

static int
report_serials_at(struct stage *s, const struct report_args *a,
    struct out *out, char *err)
{
	struct state *st = &s->st;
	struct serials_at t = { 0 };
	struct scan sc;
	struct serial_at **l;
	size_t n = 0, i;
	sid cust = *a->customer ? state_find(st, a->customer) : 0;

	/* A serial's customer changes with its movements: -c filters the
	 * result, not the records. */
	scan_init(&sc, s, a, a->at, 0, serials_at_fn, &t);
	if (scan_run(&sc, err) < 0) {
		serials_free(&t);
		return -1;
	}
	l = xcalloc(t.n + 1, sizeof *l);
	for (i = 0; i < t.n; i++)
		if (!*a->customer || (cust && t.x[i].customer == cust))
			l[n++] = &t.x[i];
	cmp_st = st;
	if (n > 1)
		qsort(l, n, sizeof *l, serial_cmp);
	for (i = 0; i < n; i++) {
		const struct serial_at *x = l[i];

		report_serial_row(out, st, x->material, x->serial, x->batch,
		    x->place, x->plant, x->sloc, x->customer, x->matdoc,
		    x->day);
	}
	free(l);
	serials_free(&t);
	return 0;
}

void
report_serial_row(struct out *out, const struct state *st, sid material,
    sid serial, sid batch, int place, sid plant, sid sloc, sid customer,
    uint64_t matdoc, long day)
{
	char mb[24], db[11];
	const char *v[N(serial_cols)];

	date_fmt(day, db);
	v[0] = state_str(st, material);
	v[1] = state_str(st, serial);
	v[2] = state_str(st, batch);
	v[3] = place_name(place);
	v[4] = state_str(st, plant);
	v[5] = state_str(st, sloc);
	v[6] = state_str(st, customer);
	v[7] = u64_fmt(matdoc, mb);
	v[8] = db;
	out_row(out, v);
}

/* --- material document list ------------------------------------------- */

static int
movements_fn(struct scan *sc, const struct mv *m, struct buf *why)
{
	struct out *out = sc->ctx;
	const struct jrec *r = m->r;
	uint64_t dno = docno(r->f[14]);
	const struct ditem *di = dno ? state_ditem(sc->st, dno,
	    atoi(r->f[15])) : NULL;
	const struct matdoc *md = state_matdoc(sc->st, m->matdoc);
	char qb[NUM_BUFSZ], ob[24], rb[24], vb[24];
	const char *v[15];

	if (*sc->a->from && strcmp(m->date, sc->a->from) < 0)
		return 0;
	if (md == NULL)
		return unknown(why, r->f[1]);
	v[0] = r->f[1];
	v[1] = r->f[2];
	v[2] = m->date;
	v[3] = r->f[3];
	v[4] = r->f[5];
	v[5] = r->f[8];
	v[6] = m->serials;
	v[7] = qty_fmt(m->qty, qb);
	v[8] = r->f[6];
	v[9] = r->f[7];
	v[10] = r->f[9];
	v[11] = r->f[14];
	v[12] = u64_fmt(di ? di->order : 0, ob);
	v[13] = u64_fmt(md->reversed_by, rb);
	v[14] = u64_fmt(m->reverses, vb);
	out_row(out, v);
	return 0;
}

static int
report_movements(struct stage *s, const struct report_args *a,
    struct out *out, char *err)
{
	struct scan sc;

	scan_init(&sc, s, a, a->to, 1, movements_fn, out);
	return scan_run(&sc, err);
}

/* --- consignment statement -------------------------------------------- */

struct stmt_line {
	sid material, batch;
	int64_t opening, filled, issued, picked_up, returned, closing;
};

struct statement {
	struct imap ix;		/* material, batch -> index in l */
	struct stmt_line *l;
	size_t n, cap;
};

/*
 * One movement of the customer dated by the closing day: before the first
 * day it counts in the opening; in the period in the column of what it
 * does, a reversal against the column of what it reverses.
 */
static int
statement_fn(struct scan *sc, const struct mv *m, struct buf *why)
{
	struct statement *t = sc->ctx;
	struct stmt_line *l;
	struct ientry *e;
	uint32_t k[2];
	int64_t d, *col;
	int added, rev = m->reverses != 0;

	switch (m->mvt) {
	case 631:
	case 634:
		d = m->qty;
		break;
	case 632:
	case 633:
		d = -m->qty;
		break;
	default:
		return 0;
	}
	k[0] = m->material;
	k[1] = m->batch;
	e = imap_put(&t->ix, k, 2, &added);
	if (added) {
		grow(&t->l, &t->cap, t->n + 1, sizeof *t->l);
		memset(&t->l[t->n], 0, sizeof *t->l);
		t->l[t->n].material = m->material;
		t->l[t->n].batch = m->batch;
		e->idx = t->n++;
	}
	l = &t->l[e->idx];
	if (add_qty(&l->closing, d, why) < 0)
		return -1;
	if (*sc->a->from && strcmp(m->date, sc->a->from) < 0)
		return add_qty(&l->opening, d, why);
	switch (m->mvt) {
	case 631:	/* filled up, or a pickup reversed */
		col = rev ? &l->picked_up : &l->filled;
		break;
	case 632:	/* picked up, or a fill-up reversed */
		col = rev ? &l->filled : &l->picked_up;
		break;
	case 633:	/* issued, or a return reversed */
		col = rev ? &l->returned : &l->issued;
		break;
	default:	/* 634: returned, or an issue reversed */
		col = rev ? &l->issued : &l->returned;
		break;
	}
	/* A reversal takes back from its original's column. */
	return add_qty(col, rev ? -m->qty : m->qty, why);
}

static int
stmt_cmp(const void *a, const void *b)
{
	const struct stmt_line *x = *(struct stmt_line *const *)a;
	const struct stmt_line *y = *(struct stmt_line *const *)b;
	int c = sid_cmp(x->material, y->material);

	return c ? c : sid_cmp(x->batch, y->batch);
}

static int
report_statement(struct stage *s, const struct report_args *a,
    struct out *out, char *err)
{
	struct state *st = &s->st;
	struct statement t = { 0 };
	struct scan sc;
	struct stmt_line **l;
	size_t n = 0, i;

	scan_init(&sc, s, a, a->to, 1, statement_fn, &t);
	if (scan_run(&sc, err) < 0) {
		imap_free(&t.ix);
		free(t.l);
		return -1;
	}
	l = xcalloc(t.n + 1, sizeof *l);
	for (i = 0; i < t.n; i++) {
		const struct stmt_line *x = &t.l[i];

		if (x->opening || x->filled || x->issued || x->picked_up ||
		    x->returned || x->closing)
			l[n++] = &t.l[i];
	}
	cmp_st = st;
	if (n > 1)
		qsort(l, n, sizeof *l, stmt_cmp);
	for (i = 0; i < n; i++) {
		const struct stmt_line *x = l[i];
		const struct material *m = master_material(&s->m,
		    state_str(st, x->material));
		char b[7][NUM_BUFSZ];
		const char *v[12];

		v[0] = a->customer;
		v[1] = state_str(st, x->material);
		v[2] = state_str(st, x->batch);
		v[3] = qty_fmt(x->opening, b[0]);
		v[4] = qty_fmt(x->filled, b[1]);
		v[5] = qty_fmt(x->issued, b[2]);
		v[6] = qty_fmt(x->picked_up, b[3]);
		v[7] = qty_fmt(x->returned, b[4]);
		v[8] = qty_fmt(x->closing, b[5]);
		v[9] = m ? m->unit : "";
		v[10] = value_fmt(m, x->closing, b[6]);
		v[11] = m ? m->currency : "";
		out_row(out, v);
	}
	free(l);
	imap_free(&t.ix);
	free(t.l);
	return 0;
}

/* --- aging ------------------------------------------------------------ */

/*
 * Quantities without serials age in FIFO layers per plant, customer,
 * material and batch: a layer is the quantity that arrived on one day and
 * is still there.  Layers live in one array, linked oldest first, and
 * emptied ones are reused, so memory follows what is in consignment, not
 * the history.  Index 0 is no layer.
 */
struct layer {
	long day;
	int64_t qty;
	uint32_t next;
};

struct lot {
	uint32_t head, tail;	/* oldest and newest layer */
	int64_t owed;		/* taken before it arrived, by the dates */
};

struct aging {
	struct imap ix;		/* plant, customer, material, batch -> lot */
	struct lot *lot;
	size_t nlot, caplot;
	struct layer *y;
	size_t ny, capy;
	uint32_t free;		/* list of unused layers */
	struct serials_at ser;
};

static uint32_t
layer_new(struct aging *t, long day, int64_t qty)
{
	uint32_t i;

	if (t->free) {
		i = t->free;
		t->free = t->y[i].next;
	} else {
		if (t->ny == 0)
			t->ny = 1;
		grow(&t->y, &t->capy, t->ny + 1, sizeof *t->y);
		i = (uint32_t)t->ny++;
	}
	t->y[i].day = day;
	t->y[i].qty = qty;
	t->y[i].next = 0;
	return i;
}

/* Goods arrive on day: into the layer of that day, made where needed. */
static int
lot_in(struct aging *t, struct lot *l, long day, int64_t qty,
    struct buf *why)
{
	uint32_t i, prev = 0, n;
	int64_t d = qty < l->owed ? qty : l->owed;

	/* What left before it arrived (back-dated documents) is settled
	 * first. */
	l->owed -= d;
	if ((qty -= d) == 0)
		return 0;
	if (l->tail && t->y[l->tail].day <= day)
		prev = l->tail;		/* the common case: the newest */
	else
		for (i = l->head; i && t->y[i].day <= day; i = t->y[i].next)
			prev = i;
	if (prev && t->y[prev].day == day)
		return add_qty(&t->y[prev].qty, qty, why);
	n = layer_new(t, day, qty);
	t->y[n].next = prev ? t->y[prev].next : l->head;
	if (prev)
		t->y[prev].next = n;
	else
		l->head = n;
	if (t->y[n].next == 0)
		l->tail = n;
	return 0;
}

/* Take up to qty from layer i (prev before it); returns what is left. */
static int64_t
layer_take(struct aging *t, struct lot *l, uint32_t i, uint32_t prev,
    int64_t qty)
{
	int64_t d = t->y[i].qty < qty ? t->y[i].qty : qty;

	t->y[i].qty -= d;
	if (t->y[i].qty == 0) {
		if (prev)
			t->y[prev].next = t->y[i].next;
		else
			l->head = t->y[i].next;
		if (l->tail == i)
			l->tail = prev;
		t->y[i].next = t->free;
		t->free = i;
	}
	return qty - d;
}

/* Goods leave: from the layer of day prefer first (-1: none), then from
 * the oldest. */
static void
lot_out(struct aging *t, struct lot *l, long prefer, int64_t qty)
{
	uint32_t i, prev = 0;

	if (prefer >= 0) {
		for (i = l->head; i && t->y[i].day != prefer; i = t->y[i].next)
			prev = i;
		if (i)
			qty = layer_take(t, l, i, prev, qty);
	}
	while (qty > 0 && l->head)
		qty = layer_take(t, l, l->head, 0, qty);
	l->owed += qty;
}

static int
aging_fn(struct scan *sc, const struct mv *m, struct buf *why)
{
	struct aging *t = sc->ctx;
	struct ientry *e;
	struct lot *l;
	uint32_t k[4];
	long day, prefer = -1;
	int added;

	if (*m->serials)
		return serials_move(sc, &t->ser, m, why);
	if (m->mvt < 631 || m->mvt > 634)
		return 0;
	if (*sc->a->customer && strcmp(m->r->f[9], sc->a->customer) != 0)
		return 0;
	if ((day = scan_day(sc, m->date)) < 0) {
		buf_printf(why, "date '%s': not a date", m->date);
		return -1;
	}
	k[0] = m->plant;
	k[1] = m->customer;
	k[2] = m->material;
	k[3] = m->batch;
	e = imap_put(&t->ix, k, 4, &added);
	if (added) {
		grow(&t->lot, &t->caplot, t->nlot + 1, sizeof *t->lot);
		memset(&t->lot[t->nlot], 0, sizeof *t->lot);
		e->idx = t->nlot++;
	}
	l = &t->lot[e->idx];
	switch (m->mvt) {
	case 631:	/* a fill-up, or a pickup reversed: arrives now */
	case 634:	/* a return, or an issue reversed: arrives now */
		return lot_in(t, l, day, m->qty, why);
	default:	/* 632, 633 */
		if (m->reverses) {
			/* A fill-up or return reversed: the goods it brought
			 * leave first. */
			const struct matdoc *o = state_matdoc(sc->st,
			    m->reverses);

			if (o)
				prefer = o->date;
		}
		lot_out(t, l, prefer, m->qty);
		return 0;
	}
}

struct aging_row {
	sid customer, material, batch, serial;
	int64_t qty;
	long arrived;
};

static int
aging_cmp(const void *a, const void *b)
{
	const struct aging_row *x = a, *y = b;
	int c;

	if ((c = sid_cmp(x->customer, y->customer)) != 0 ||
	    (c = sid_cmp(x->material, y->material)) != 0 ||
	    (c = sid_cmp(x->batch, y->batch)) != 0 ||
	    (c = sid_cmp(x->serial, y->serial)) != 0)
		return c;
	return x->arrived < y->arrived ? -1 : x->arrived > y->arrived;
}

static const char *const buckets[] = { "0-30", "31-90", "91-180",
    "over-180" };

static int
bucket(long days)
{
	return days <= 30 ? 0 : days <= 90 ? 1 : days <= 180 ? 2 : 3;
}

struct aging_total {
	sid customer;
	int64_t qty[4];
	const char *unit[4];	/* NULL: none yet; "" more than one */
};

static void
aging_free(struct aging *t)
{
	imap_free(&t->ix);
	free(t->lot);
	free(t->y);
	serials_free(&t->ser);
}

static int
report_aging(struct stage *s, const struct report_args *a, struct out *out,
    char *err)
{
	struct state *st = &s->st;
	struct aging t = { 0 };
	struct scan sc;
	struct aging_row *r = NULL;
	struct aging_total *tot = NULL;
	struct buf why = { 0 };
	size_t n = 0, cap = 0, ntot = 0, captot = 0, i, j;
	long at = date_days(a->at);
	sid cust = *a->customer ? state_find(st, a->customer) : 0;

	scan_init(&sc, s, a, a->at, 0, aging_fn, &t);
	if (scan_run(&sc, err) < 0) {
		aging_free(&t);
		return -1;
	}
	for (i = 0; i < t.ix.n; i++) {
		const struct ientry *e = &t.ix.e[i];
		uint32_t y;

		for (y = t.lot[e->idx].head; y; y = t.y[y].next) {
			grow(&r, &cap, n + 1, sizeof *r);
			r[n].customer = e->k[1];
			r[n].material = e->k[2];
			r[n].batch = e->k[3];
			r[n].serial = 0;
			r[n].qty = t.y[y].qty;
			r[n].arrived = t.y[y].day;
			n++;
		}
	}
	for (i = 0; i < t.ser.n; i++) {
		const struct serial_at *x = &t.ser.x[i];

		if (x->place != PL_CONSIG || (*a->customer &&
		    x->customer != cust))
			continue;
		grow(&r, &cap, n + 1, sizeof *r);
		r[n].customer = x->customer;
		r[n].material = x->material;
		r[n].batch = x->batch;
		r[n].serial = x->serial;
		r[n].qty = QTY_SCALE;
		r[n].arrived = x->day;
		n++;
	}
	cmp_st = st;
	if (n > 1)
		qsort(r, n, sizeof *r, aging_cmp);
	/* The same day's goods at two plants are one row: the report knows
	 * no plant. */
	for (i = j = 0; i < n; i++) {
		if (j > 0 && r[i].serial == 0 && r[j - 1].serial == 0 &&
		    aging_cmp(&r[i], &r[j - 1]) == 0) {
			if (add_qty(&r[j - 1].qty, r[i].qty, &why) < 0)
				goto range;
			continue;
		}
		r[j++] = r[i];
	}
	n = j;
	for (i = 0; i < n; i++) {
		const struct material *m = master_material(&s->m,
		    state_str(st, r[i].material));
		const char *unit = m ? m->unit : "";
		long days = at - r[i].arrived;
		int b = bucket(days);
		char qb[NUM_BUFSZ], ab[11], db[24];
		const char *v[9];

		if (ntot == 0 || tot[ntot - 1].customer != r[i].customer) {
			grow(&tot, &captot, ntot + 1, sizeof *tot);
			memset(&tot[ntot], 0, sizeof *tot);
			tot[ntot++].customer = r[i].customer;
		}
		if (add_qty(&tot[ntot - 1].qty[b], r[i].qty, &why) < 0)
			goto range;
		if (tot[ntot - 1].unit[b] == NULL)
			tot[ntot - 1].unit[b] = unit;
		else if (strcmp(tot[ntot - 1].unit[b], unit) != 0)
			tot[ntot - 1].unit[b] = "";
		date_fmt(r[i].arrived, ab);
		snprintf(db, sizeof db, "%ld", days);
		v[0] = state_str(st, r[i].customer);
		v[1] = state_str(st, r[i].material);
		v[2] = state_str(st, r[i].batch);
		v[3] = state_str(st, r[i].serial);
		v[4] = qty_fmt(r[i].qty, qb);
		v[5] = unit;
		v[6] = ab;
		v[7] = db;
		v[8] = buckets[b];
		out_row(out, v);
	}
	/* Totals: an empty material says which rows they are. */
	for (i = 0; i < ntot; i++) {
		int b;

		for (b = 0; b < 4; b++) {
			char qb[NUM_BUFSZ];
			const char *v[9] = { state_str(st, tot[i].customer),
			    "", "", "", qty_fmt(tot[i].qty[b], qb),
			    tot[i].unit[b], "", "", buckets[b] };

			if (tot[i].unit[b] != NULL)
				out_row(out, v);
		}
	}
	free(r);
	free(tot);
	aging_free(&t);
	return 0;
range:
	snprintf(err, JERRSZ, "aging: %s", why.s);
	buf_free(&why);
	free(r);
	free(tot);
	aging_free(&t);
	return -1;
}

/* --- refill ----------------------------------------------------------- */

static void
report_refill(struct stage *s, const struct report_args *a, struct out *out)
{
	struct state *st = &s->st;
	struct imap have = { 0 }, open = { 0 };
	size_t i;

	/* Consignment stock per customer and material, over plants and
	 * batches: the all-batches totals of the state's stock. */
	for (i = 0; i < st->stock.n; i++) {
		const struct stock_key *k = (const void *)st->stock.e[i].k;
		uint32_t kk[2];

		if (k->place != PL_CONSIG || k->batch != SID_ALL)
			continue;
		kk[0] = k->customer;
		kk[1] = k->material;
		imap_put(&have, kk, 2, NULL)->v += st->stock.e[i].v;
	}
	/* Fill-up orders not posted yet: every one lies at or after the
	 * first open order item. */
	for (i = state_open_oitem(st); i < st->noitem; i++) {
		const struct oitem *oi = &st->oitem[i];
		const struct order *o = state_order(st, oi->order);
		uint32_t kk[2];

		if (o == NULL || o->flow != FL_FILLUP || oi->rejected ||
		    oi->qty <= oi->posted)
			continue;
		kk[0] = o->customer;
		kk[1] = oi->material;
		imap_put(&open, kk, 2, NULL)->v += oi->qty - oi->posted;
	}
	for (i = 0; i < s->m.ntarget; i++) {
		const struct target *tg = &s->m.target[i];
		const struct material *m = master_material(&s->m,
		    tg->material);
		uint32_t kk[2];
		const struct ientry *e;
		int64_t stock = 0, op = 0;
		char b[5][NUM_BUFSZ];

		if ((*a->customer && strcmp(tg->customer, a->customer) != 0) ||
		    (*a->material && strcmp(tg->material, a->material) != 0))
			continue;
		kk[0] = state_find(st, tg->customer);
		kk[1] = state_find(st, tg->material);
		if (kk[0] && kk[1]) {
			if ((e = imap_get(&have, kk, 2)) != NULL)
				stock = e->v;
			if ((e = imap_get(&open, kk, 2)) != NULL)
				op = e->v;
		}
		if (stock + op >= tg->min)
			continue;
		{
			const char *v[9] = { "fillup", tg->customer,
			    tg->material, qty_fmt(tg->max - stock - op, b[0]),
			    m ? m->unit : "", qty_fmt(stock, b[1]),
			    qty_fmt(op, b[2]), qty_fmt(tg->min, b[3]),
			    qty_fmt(tg->max, b[4]) };

			out_row(out, v);
		}
	}
	imap_free(&have);
	imap_free(&open);
}

int
report_run(struct stage *s, enum report r, const struct report_args *a,
    struct out *out, char *err)
{
	switch (r) {
	case REP_STOCK_AT:
		return report_stock_at(s, a, out, err);
	case REP_SERIALS_AT:
		return report_serials_at(s, a, out, err);
	case REP_MOVEMENTS:
		return report_movements(s, a, out, err);
	case REP_STATEMENT:
		return report_statement(s, a, out, err);
	case REP_AGING:
		return report_aging(s, a, out, err);
	case REP_REFILL:
		report_refill(s, a, out);
		return 0;
	default:
		snprintf(err, JERRSZ, "no such report");
		return -1;
	}
}
