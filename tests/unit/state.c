/*
 * tests/unit/state.c - the replayed state: stock and serial places from
 * material documents, the checks every record passes (no stock below
 * zero, serials move only from where they are, balanced accounting,
 * gapless number ranges), savepoints and rollback, and the postings of
 * lib/post replayed from their records into the same figures.
 *
 * Run from the top of the repository (or build with -DCS_SAMPLE=DIR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "num.h"
#include "post.h"
#include "rec.h"
#include "state.h"
#include "util.h"
#include "tap.h"

#ifndef CS_SAMPLE
#define CS_SAMPLE "sample-data"
#endif

#define DATE "2024-03-01"

/* --- helpers ---------------------------------------------------------- */

/* Apply one TAB-separated journal line (no LF) to s. */
static int
apply(struct state *s, const char *line, struct buf *why)
{
	char *copy = xstrdup(line);
	struct jrec r;
	int rc;

	buf_reset(why);
	buf_add(why, "", 0);
	memset(&r, 0, sizeof r);
	if (jrec_split(copy, strlen(copy), &r) < 0) {
		free(copy);
		buf_adds(why, "does not split");
		return -2;
	}
	rc = state_apply(s, &r, why);
	free(copy);
	return rc;
}

/* sid of str in s, or a sid no string has when str is unknown (so that an
 * unknown name never finds the "" pools). */
static sid
S(struct state *s, const char *str)
{
	sid id = state_find(s, str);

	return id || *str == '\0' ? id : SID_ALL - 1;
}

/* Stock of material (batch NULL: every batch) at plant 1000: own stock in
 * sloc 1040, else the customer's consignment or sold stock. */
static int64_t
stk(struct state *s, int place, const char *cust, const char *mat,
    const char *batch)
{
	return stock_qty(s, place, S(s, "1000"), S(s, "1040"),
	    place == PL_OWN ? 0 : S(s, cust), S(s, mat),
	    batch ? S(s, batch) : SID_ALL);
}

static int64_t
clm(struct state *s, int place, const char *cust, const char *mat,
    const char *batch)
{
	return claim_qty(s, place, S(s, "1000"), S(s, "1040"),
	    place == PL_OWN ? 0 : S(s, cust), S(s, mat),
	    batch ? S(s, batch) : SID_ALL);
}

static int64_t
rsv(struct state *s, int place, const char *cust, const char *mat,
    const char *batch)
{
	return resv_qty(s, place, S(s, "1000"), S(s, "1040"),
	    place == PL_OWN ? 0 : S(s, cust), S(s, mat),
	    batch ? S(s, batch) : SID_ALL);
}

static struct serial *
ser(struct state *s, const char *mat, const char *serial)
{
	return state_serial(s, S(s, mat), S(s, serial));
}

static int
ser_place(struct state *s, const char *mat, const char *serial)
{
	struct serial *x = ser(s, mat, serial);

	return x ? x->place : -1;
}

/* A copy of what a failed record or a rollback must leave alone. */
struct snap {
	int64_t *stock, *claim, *resv;
	size_t nstock, nclaim, nresv;
	struct serial *ser;
	size_t nser;
	size_t n[10];
	uint64_t next_acc;
	int64_t received[64];
};

static int64_t *
vals(const struct imap *m, size_t *n)
{
	int64_t *v = xcalloc(m->n + 1, sizeof *v);
	size_t i;

	for (i = 0; i < m->n; i++)
		v[i] = m->e[i].v;
	*n = m->n;
	return v;
}

static void
snap_take(struct state *s, struct snap *x)
{
	size_t i;

	memset(x, 0, sizeof *x);
	x->stock = vals(&s->stock, &x->nstock);
	x->claim = vals(&s->claim, &x->nclaim);
	x->resv = vals(&s->resv, &x->nresv);
	x->nser = s->nser;
	x->ser = xcalloc(s->nser + 1, sizeof *x->ser);
	if (s->nser)
		memcpy(x->ser, s->ser, s->nser * sizeof *s->ser);
	x->n[0] = s->norder;
	x->n[1] = s->noitem;
	x->n[2] = s->ndeliv;
	x->n[3] = s->nditem;
	x->n[4] = s->nmatdoc;
	x->n[5] = s->nmitem;
	x->n[6] = s->nbill;
	x->n[7] = s->nbitem;
	x->n[8] = s->npay;
	x->n[9] = s->nser;
	x->next_acc = s->next_acc;
	for (i = 0; i < 64 && i < s->nreceived; i++)
		x->received[i] = s->received[i];
}

/* Entries of m that differ from the snapshot (new keys must be 0). */
static int
map_diff(const struct imap *m, const int64_t *v, size_t n)
{
	size_t i;
	int d = 0;

	for (i = 0; i < m->n; i++)
		d += m->e[i].v != (i < n ? v[i] : 0);
	return d;
}

/* What differs between s and x, as text ("" when nothing does). */
static void
snap_diff(struct state *s, const struct snap *x, struct buf *d)
{
	static const char *names[] = { "orders", "order items", "deliveries",
	    "delivery items", "material documents", "material document items",
	    "billing documents", "billing items", "payments", "serials" };
	size_t n[10], i;
	int k, c = 0;

	buf_reset(d);
	buf_add(d, "", 0);
	if ((k = map_diff(&s->stock, x->stock, x->nstock)))
		buf_printf(d, " %d stock figures;", k);
	if ((k = map_diff(&s->claim, x->claim, x->nclaim)))
		buf_printf(d, " %d claims;", k);
	if ((k = map_diff(&s->resv, x->resv, x->nresv)))
		buf_printf(d, " %d reservations;", k);
	n[0] = s->norder; n[1] = s->noitem; n[2] = s->ndeliv;
	n[3] = s->nditem; n[4] = s->nmatdoc; n[5] = s->nmitem;
	n[6] = s->nbill; n[7] = s->nbitem; n[8] = s->npay; n[9] = s->nser;
	for (i = 0; i < 10; i++)
		if (n[i] != x->n[i])
			buf_printf(d, " %zu %s, was %zu;", n[i], names[i],
			    x->n[i]);
	if (s->nser && s->nser == x->nser && memcmp(s->ser, x->ser, s->nser *
	    sizeof *s->ser) != 0)
		buf_printf(d, " a serial changed;");
	if (s->next_acc != x->next_acc)
		buf_printf(d, " next accounting %llu, was %llu;",
		    (unsigned long long)s->next_acc,
		    (unsigned long long)x->next_acc);
	for (i = 0; i < 64 && i < s->nreceived; i++)
		c += s->received[i] != x->received[i];
	if (c)
		buf_printf(d, " %d received quantities;", c);
}

static void
snap_free(struct snap *x)
{
	free(x->stock);
	free(x->claim);
	free(x->resv);
	free(x->ser);
}

/* Check s against x (one check naming whatever differs) and free x. */
static void
snap_same(struct state *s, struct snap *x, const char *what)
{
	struct buf d = { 0 };

	snap_diff(s, x, &d);
	is_str(d.s, "", "%s: stock, claims, serials, numbers as before", what);
	buf_free(&d);
	snap_free(x);
}


/*
 * Apply line, which must be refused with want: the state must be as it was
 * (state.h: a failed record leaves the state as it was before the record).
 * The record is applied inside a savepoint so that refuse_end() can clean
 * up whatever it left behind, keeping later checks meaningful.
 */
static void
refuse_begin(struct state *s, const char *line, const char *want,
    const char *what, struct snap *x)
{
	struct buf why = { 0 }, d = { 0 };

	snap_take(s, x);
	state_begin(s);
	is_int(apply(s, line, &why), -1, "%s: refused", what);
	is_str(why.s, want, "%s: the reason", what);
	snap_diff(s, x, &d);
	is_str(d.s, "", "%s: the failed record left the state as it was",
	    what);
	buf_free(&why);
	buf_free(&d);
}

static void
refuse_end(struct state *s, struct snap *x, const char *what)
{
	state_rollback(s);
	snap_same(s, x, what);
}

/* --- records applied directly ---------------------------------------- */

#define M561(md, item, mat, batch, qty, serials, cost) \
	"M\t" md "\t" item "\t561\t" DATE "\t" mat "\t1000\t1040\t" batch \
	"\t\t" qty "\t" serials "\t" cost "\tEUR\t\t"
#define M562(md, mat, batch, qty, serials) \
	"M\t" md "\t1\t562\t" DATE "\t" mat "\t1000\t1040\t" batch \
	"\t\t" qty "\t" serials "\t7.80\tEUR\t\t"

static void
test_ranges(void)
{
	struct state s;

	state_init(&s);
	is_int(next_order(&s), 1000000, "orders start at 1000000");
	is_int(next_delivery(&s), 80000000, "deliveries start at 80000000");
	is_int(next_matdoc(&s), 4900000000LL,
	    "material documents start at 4900000000");
	is_int(next_billing(&s), 90000000, "billing starts at 90000000");
	is_int(s.next_acc, 100000000, "accounting starts at 100000000");
	ok(state_order(&s, 1000000) == NULL, "no order 1000000 yet");
	state_free(&s);
}

static void
test_records(void)
{
	struct state s;
	struct buf why = { 0 };
	struct snap x;
	struct serial *sr;

	state_init(&s);

	/* 561 puts stock into own. */
	is_int(apply(&s, M561("4900000000", "1", "H11", "", "100", "", "7.80"),
	    &why), 0, "561 H11 100 applies");
	is_int(stk(&s, PL_OWN, "", "H11", ""), 100000,
	    "own H11 (no batch) = 100");
	is_int(stk(&s, PL_OWN, "", "H11", NULL), 100000,
	    "own H11 all batches = 100");
	is_int(stk(&s, PL_CONSIG, "100001", "H11", NULL), 0,
	    "no H11 at any customer");
	is_int(stock_qty(&s, PL_OWN, S(&s, "1000"), S(&s, "9999"), 0,
	    S(&s, "H11"), SID_ALL), 0, "no H11 in another sloc");
	is_int(next_matdoc(&s), 4900000001LL, "next matdoc 4900000001");
	is_int(state_matdoc(&s, 4900000000ULL) ?
	    state_matdoc(&s, 4900000000ULL)->mvt : 0, 561,
	    "matdoc 4900000000 is a 561");
	is_int(s.received[S(&s, "H11")], 100000, "received H11 = 100");

	is_int(apply(&s, M561("4900000001", "1", "F29", "F29-B1", "60", "",
	    "11.25"), &why), 0, "561 F29 batch F29-B1 60 applies");
	is_int(apply(&s, M561("4900000001", "2", "F29", "F29-B2", "40.5", "",
	    "11.25"), &why), 0, "561 F29 batch F29-B2 40.5 as item 2");
	is_int(stk(&s, PL_OWN, "", "F29", "F29-B1"), 60000, "own F29-B1 = 60");
	is_int(stk(&s, PL_OWN, "", "F29", "F29-B2"), 40500,
	    "own F29-B2 = 40.5");
	is_int(stk(&s, PL_OWN, "", "F29", NULL), 100500,
	    "own F29 all batches = 100.5");
	is_int(stk(&s, PL_OWN, "", "F29", ""), 0,
	    "own F29 without batch = 0");
	is_int(state_matdoc(&s, 4900000001ULL) ?
	    (int64_t)state_matdoc(&s, 4900000001ULL)->n : 0, 2,
	    "matdoc 4900000001 has 2 items");

	/* Serials are created in own stock. */
	is_int(apply(&s, M561("4900000002", "1", "H20", "", "3",
	    "S1 S2 S3", "152.40"), &why), 0, "561 H20 3 with S1 S2 S3");
	is_int(stk(&s, PL_OWN, "", "H20", NULL), 3000, "own H20 = 3");
	is_int(s.nser, 3, "3 serials");
	sr = ser(&s, "H20", "S2");
	ok(sr != NULL, "serial H20 S2 exists");
	is_int(sr ? sr->place : -1, PL_OWN, "S2 is in own stock");
	is_str(sr ? state_str(&s, sr->plant) : NULL, "1000", "S2 in plant 1000");
	is_str(sr ? state_str(&s, sr->sloc) : NULL, "1040", "S2 in sloc 1040");
	is_int(sr ? (int64_t)sr->matdoc : 0, 4900000002LL,
	    "S2 received by 4900000002");
	is_int(sr ? sr->customer : 99, 0, "S2 at no customer");
	ok(ser(&s, "H11", "S2") == NULL, "serials are per material");
	ok(ser(&s, "H20", "S4") == NULL, "no serial S4");

	/* Stock never below zero; a failed record changes nothing. */
	refuse_begin(&s, M562("4900000003", "H11", "", "150", ""),
	    "not enough own stock of H11: 100 there", "562 of 150 H11, 100 own",
	    &x);
	is_int(stk(&s, PL_OWN, "", "H11", NULL), 100000,
	    "... own H11 still 100");
	is_int(next_matdoc(&s), 4900000003LL,
	    "... next material document still 4900000003");
	refuse_end(&s, &x, "562 of 150 H11 rolled back");
	refuse_begin(&s, M562("4900000003", "F29", "F29-B2", "41", ""),
	    "not enough own stock of F29 batch F29-B2: 40.5 there",
	    "562 of 41 F29-B2, 40.5 own", &x);
	refuse_end(&s, &x, "562 of 41 F29-B2 rolled back");

	/* Serials move only from where they are. */
	refuse_begin(&s, M562("4900000003", "H20", "", "1", "S9"),
	    "serial S9 is not in own stock", "562 of unknown serial S9", &x);
	is_int(stk(&s, PL_OWN, "", "H20", NULL), 3000,
	    "... own H20 still 3");
	refuse_end(&s, &x, "562 of S9 rolled back");

	is_int(apply(&s, M562("4900000003", "H20", "", "1", "S1"), &why), 0,
	    "562 of S1 applies");
	is_int(ser_place(&s, "H20", "S1"), PL_GONE, "S1 is gone");
	is_int(stk(&s, PL_OWN, "", "H20", NULL), 2000, "own H20 = 2");
	is_int(s.received[S(&s, "H20")], 2000, "received H20 less reversed = 2");

	refuse_begin(&s, M562("4900000004", "H20", "", "1", "S1"),
	    "serial S1 is not in own stock", "562 of S1, which is gone", &x);
	is_int(ser_place(&s, "H20", "S1"), PL_GONE, "... S1 stays gone");
	is_int(stk(&s, PL_OWN, "", "H20", NULL), 2000, "... own H20 still 2");
	refuse_end(&s, &x, "562 of gone S1 rolled back");

	refuse_begin(&s, M561("4900000004", "1", "H20", "", "1", "S2",
	    "152.40"), "serial S2 exists already", "561 of S2, in own stock",
	    &x);
	is_int(stk(&s, PL_OWN, "", "H20", NULL), 2000, "... own H20 still 2");
	is_int(ser(&s, "H20", "S2") ? (int64_t)ser(&s, "H20", "S2")->matdoc :
	    0, 4900000002LL, "... S2 still from matdoc 4900000002");
	refuse_end(&s, &x, "561 of S2 rolled back");

	refuse_begin(&s, M561("4900000004", "1", "H20", "", "2", "S7",
	    "152.40"), "wrong number of serials for the quantity",
	    "561 of 2 H20 with one serial", &x);
	ok(ser(&s, "H20", "S7") == NULL, "... S7 not created");
	refuse_end(&s, &x, "561 with too few serials rolled back");

	/* A fill-up movement belongs to a picked delivery (DESIGN 1: order ->
	 * delivery -> picking -> goods issue; reversals name what they
	 * reverse): a 631 with neither is no legal path for goods. */
	snap_take(&s, &x);
	state_begin(&s);
	is_int(apply(&s, "M\t4900000004\t1\t631\t" DATE "\tH11\t1000\t1040"
	    "\t\t100001\t10\t\t7.80\tEUR\t\t", &why), -1,
	    "631 of 10 H11 without a delivery: refused");
	is_int(stk(&s, PL_CONSIG, "100001", "H11", NULL), 0,
	    "... no H11 at the customer");
	is_int(stk(&s, PL_OWN, "", "H11", NULL), 100000, "... own H11 still 100");
	state_rollback(&s);
	snap_same(&s, &x, "631 without a delivery rolled back");

	/* Numbers are gapless. */
	refuse_begin(&s, M561("4900000009", "1", "H11", "", "1", "", "7.80"),
	    "material document 4900000009 out of sequence",
	    "matdoc 4900000009 when 4900000004 is next", &x);
	refuse_end(&s, &x, "matdoc out of sequence rolled back");
	is_int(apply(&s, "O\t1000001\t10\tfillup\t" DATE "\t100001\tH11\t1\tPC"
	    "\t1000\t1040\t\t\t\t\t\t", &why), -1,
	    "order 1000001 when 1000000 is next: refused");
	is_str(why.s, "order number 1000001 out of sequence",
	    "... with the reason");

	state_free(&s);
	buf_free(&why);
}

/* Delivery records that fail must leave no delivery behind. */
static void
test_delivery_records(void)
{
	struct state s;
	struct buf why = { 0 };
	struct snap x;

	state_init(&s);
	is_int(apply(&s, M561("4900000000", "1", "H11", "", "100", "", "7.80"),
	    &why), 0, "561 H11 100");
	is_int(apply(&s, "O\t1000000\t10\tfillup\t" DATE "\t100001\tH11\t500"
	    "\tPC\t1000\t1040\t\t\t\t\t\t", &why), 0,
	    "order 1000000 for 500 H11 (availability is the poster's check)");
	is_int(clm(&s, PL_OWN, "", "H11", NULL), 500000,
	    "it claims 500 of own H11");
	is_int(state_order(&s, 1000000) ? state_order(&s, 1000000)->flow : 0,
	    FL_FILLUP, "order 1000000 is a fill-up");

	refuse_begin(&s, "D\t80000000\t10\t1000000\t10\tfillup\t" DATE
	    "\t100001\t1000\t1000\t1040\tH11\t\t500\t",
	    "own H11: only 100 available", "delivering 500 H11, 100 own", &x);
	is_int(rsv(&s, PL_OWN, "", "H11", NULL), 0, "... nothing reserved");
	is_int(s.oitem[0].delivered, 0, "... order item not delivered");
	ok(state_delivery(&s, 80000000) == NULL, "... no delivery 80000000");
	refuse_end(&s, &x, "delivery of 500 H11 rolled back");

	refuse_begin(&s, "D\t80000000\t10\t1000000\t10\tfillup\t" DATE
	    "\t100001\t1000\t1000\t1040\tH20\t\t5\t",
	    "material 'H20' is not the order's",
	    "delivery item of H20 for an H11 order item", &x);
	ok(state_delivery(&s, 80000000) == NULL, "... no delivery 80000000");
	refuse_end(&s, &x, "delivery of another material rolled back");

	is_int(apply(&s, "D\t80000000\t10\t1000000\t10\tfillup\t" DATE
	    "\t100001\t1000\t1000\t1040\tH11\t\t60\t", &why), 0,
	    "delivering 60 of them applies");
	is_int(rsv(&s, PL_OWN, "", "H11", NULL), 60000, "60 H11 reserved");
	is_int(s.oitem[0].delivered, 60000, "order item 60 delivered");
	is_int(next_delivery(&s), 80000001, "next delivery 80000001");

	state_free(&s);
	buf_free(&why);
}

static void
test_accounting(void)
{
	struct state s;
	struct buf why = { 0 };

	state_init(&s);
	is_int(apply(&s, "A\t100000000\t1\t" DATE "\tcogs\tD\t10.00\tEUR\t\t"
	    "test\t1", &why), 0, "A debit 10.00");
	is_int(apply(&s, "A\t100000000\t2\t" DATE "\tinventory\tC\t10.00\tEUR"
	    "\t\ttest\t1", &why), 0, "A credit 10.00");
	buf_reset(&why);
	is_int(state_acc_close(&s, &why), 0, "10.00 = 10.00 balances");
	is_int(s.next_acc, 100000001, "next accounting document 100000001");

	is_int(apply(&s, "A\t100000001\t1\t" DATE "\tcogs\tD\t10.00\tEUR\t\t"
	    "test\t2", &why), 0, "A debit 10.00");
	is_int(apply(&s, "A\t100000001\t2\t" DATE "\tinventory\tC\t9.99\tEUR"
	    "\t\ttest\t2", &why), 0, "A credit 9.99");
	buf_reset(&why);
	is_int(state_acc_close(&s, &why), -1, "10.00 against 9.99 fails");
	is_str(why.s, "accounting document 100000001 does not balance",
	    "... with the reason");
	is_int(apply(&s, "A\t100000002\t1\t" DATE "\tcogs\tD\t1.00\tEUR\t\t"
	    "test\t3", &why), -1,
	    "the next document cannot start on an unbalanced one");
	state_free(&s);

	state_init(&s);
	is_int(apply(&s, "A\t100000001\t1\t" DATE "\tcogs\tD\t1.00\tEUR\t\t"
	    "test\t1", &why), -1, "accounting document 100000001 first: refused");
	is_str(why.s, "accounting document 100000001 out of sequence",
	    "... with the reason");
	is_int(s.next_acc, 100000000, "... next still 100000000");
	{
		struct snap x;

		refuse_begin(&s, "A\t100000000\t1\t" DATE "\tcogs\tX\t1.00"
		    "\tEUR\t\ttest\t1", "side 'X' is neither D nor C",
		    "accounting line with side X", &x);
		is_int(s.next_acc, 100000000,
		    "... the refused line takes no accounting number");
		is_int(s.acc_lines, 0, "... and opens no document");
		refuse_end(&s, &x, "side X rolled back");
	}
	state_free(&s);
	buf_free(&why);
}

/* --- postings through lib/post ---------------------------------------- */

struct run {
	struct state st;
	struct master m;
	struct buf tx;
	struct post p;
	size_t mark;
};

/* A run on the sample master data and an empty state, posting on DATE. */
static void
run_init(struct run *r)
{
	char err[REC_ERRSZ];

	memset(r, 0, sizeof *r);
	if (master_load(&r->m, CS_SAMPLE, err) < 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	state_init(&r->st);
	r->p.st = &r->st;
	r->p.m = &r->m;
	r->p.tx = &r->tx;
	snprintf(r->p.date, sizeof r->p.date, "%s", DATE);
	r->p.day = date_days(DATE);
}

static void
run_free(struct run *r)
{
	state_free(&r->st);
	master_free(&r->m);
	buf_free(&r->tx);
	buf_free(&r->p.why);
	buf_free(&r->p.note);
	buf_free(&r->p.line);
}

static void
run_begin(struct run *r)
{
	state_begin(&r->st);
	r->mark = r->tx.len;
	buf_reset(&r->p.why);
	buf_add(&r->p.why, "", 0);
	buf_reset(&r->p.note);
	buf_add(&r->p.note, "", 0);
}

/* Keep on success, roll back and cut the transaction on failure. */
static int
run_end(struct run *r, int rc)
{
	if (rc < 0) {
		state_rollback(&r->st);
		r->tx.len = r->mark;
		if (r->tx.s)
			r->tx.s[r->mark] = '\0';
	} else
		state_keep(&r->st);
	return rc;
}

static int
initial(struct run *r, const char *mat, const char *batch,
    const char *serials, const char *qty, uint64_t *md)
{
	run_begin(r);
	return run_end(r, post_initial(&r->p, mat, "1000", "1040", batch,
	    serials, qty, md));
}

static int
order(struct run *r, int flow, const char *po, const struct req_item *it,
    int n, uint64_t *no)
{
	run_begin(r);
	return run_end(r, post_order(&r->p, flow, "100001", po, it, n, no));
}

static int
deliver_all(struct run *r, uint64_t ono, uint64_t *dno, int *short_items)
{
	struct order *o = state_order(&r->st, ono);
	struct dlv_req rq[16];
	size_t i;
	int n = 0;

	for (i = 0; o && i < o->n && n < 16; i++) {
		rq[n].order = ono;
		rq[n++].item = r->st.oitem[o->first + i].item;
	}
	run_begin(r);
	return run_end(r, post_delivery(&r->p, rq, n, dno, short_items));
}

static int
pick(struct run *r, uint64_t dno, const struct pick_req *rq, int n)
{
	run_begin(r);
	return run_end(r, post_pick(&r->p, dno, rq, n));
}

static int
goods(struct run *r, uint64_t dno, uint64_t *md)
{
	run_begin(r);
	return run_end(r, post_goods(&r->p, dno, md));
}

/* The planned batch of delivery item k (0-based) of dno. */
static const char *
ditem_batch(struct state *s, uint64_t dno, size_t k)
{
	struct delivery *d = state_delivery(s, dno);

	return d && k < d->n ? state_str(s, s->ditem[d->first + k].batch) :
	    "(none)";
}

static const char *
ditem_serials(struct state *s, uint64_t dno, size_t k)
{
	struct delivery *d = state_delivery(s, dno);

	return d && k < d->n ? state_str(s, s->ditem[d->first + k].serials) :
	    "(none)";
}

static int64_t
ditem_qty(struct state *s, uint64_t dno, size_t k)
{
	struct delivery *d = state_delivery(s, dno);

	return d && k < d->n ? s->ditem[d->first + k].qty : -1;
}

/* Does tx hold line (without LF) as a whole line? */
static int
has_line(const struct buf *tx, const char *line)
{
	size_t n = strlen(line);
	const char *p = tx->s;

	while (p && (p = strstr(p, line)) != NULL) {
		if ((p == tx->s || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
	return 0;
}

static sid
xlate(struct state *from, struct state *to, sid id)
{
	if (id == SID_ALL || id == 0)
		return id;
	return S(to, state_str(from, id));
}

/* Pools of map m in a that have another figure in b (kind 0 stock, 1
 * claims, 2 reservations). */
static int
pools_differ(struct state *a, const struct imap *m, struct state *b,
    int kind)
{
	size_t i;
	int d = 0;

	for (i = 0; i < m->n; i++) {
		struct stock_key k;
		int64_t v;

		if (m->e[i].nk * sizeof(uint32_t) != sizeof k) {
			d++;
			continue;
		}
		memcpy(&k, m->e[i].k, sizeof k);
		k.plant = xlate(a, b, k.plant);
		k.sloc = xlate(a, b, k.sloc);
		k.customer = xlate(a, b, k.customer);
		k.material = xlate(a, b, k.material);
		k.batch = xlate(a, b, k.batch);
		v = (kind == 0 ? stock_qty : kind == 1 ? claim_qty : resv_qty)(b,
		    (int)k.place, k.plant, k.sloc, k.customer, k.material,
		    k.batch);
		if (v != m->e[i].v) {
			printf("# pool kind %d place %u material %s: %lld vs "
			    "%lld\n", kind, k.place, state_str(b, k.material),
			    (long long)m->e[i].v, (long long)v);
			d++;
		}
	}
	return d;
}

/* Serials of a whose place differs in b. */
static int
serials_differ(struct state *a, struct state *b)
{
	size_t i;
	int d = 0;

	for (i = 0; i < a->nser; i++) {
		struct serial *x = &a->ser[i], *y = state_serial(b,
		    xlate(a, b, x->material), xlate(a, b, x->serial));

		if (y == NULL || y->place != x->place ||
		    y->plant != xlate(a, b, x->plant) ||
		    y->sloc != xlate(a, b, x->sloc) ||
		    y->customer != xlate(a, b, x->customer) ||
		    y->batch != xlate(a, b, x->batch) ||
		    y->matdoc != x->matdoc || y->reserved != x->reserved)
			d++;
	}
	return d;
}

static void
test_postings(void)
{
	struct run r;
	struct state *s = &r.st;
	uint64_t md = 0, ono = 0, dno = 0, bno = 0, idno = 0;
	int shorts = -1;
	struct snap x;
	static const char *h20s = "H20-0001 H20-0002 H20-0003 H20-0004 "
	    "H20-0005";

	run_init(&r);

	/* Initial entries 561. */
	is_int(initial(&r, "H11", "", "", "100", &md), 0, "post_initial H11 100");
	is_int(md, 4900000000LL, "... as material document 4900000000");
	is_int(initial(&r, "H20", "", h20s, "5", &md), 0,
	    "post_initial H20 5 with serials");
	is_int(md, 4900000001LL, "... as 4900000001");
	is_int(initial(&r, "F126", "F126-B1", "F126-0001 F126-0002 F126-0003",
	    "3", &md), 0, "post_initial F126 batch F126-B1 3 with serials");
	is_int(initial(&r, "F29", "F29-B1", "", "60", &md), 0,
	    "post_initial F29 F29-B1 60");
	is_int(initial(&r, "F29", "F29-B2", "", "40", &md), 0,
	    "post_initial F29 F29-B2 40");
	is_int(md, 4900000004LL, "... as 4900000004");
	is_int(initial(&r, "F29", "", "", "5", &md), -1,
	    "post_initial F29 without batch: refused");
	is_str(r.p.why.s, "material F29 needs a batch", "... with the reason");
	is_int(initial(&r, "H20", "", "H20-0009", "2", &md), -1,
	    "post_initial H20 2 with one serial: refused");
	is_str(r.p.why.s, "1 serials for quantity 2 of H20",
	    "... with the reason");
	is_int(initial(&r, "H20", "", "H20-0001", "1", &md), -1,
	    "post_initial of serial H20-0001 again: refused");
	is_str(r.p.why.s, "serial H20-0001 exists already",
	    "... with the reason");
	is_int(next_matdoc(s), 4900000005LL, "refusals take no number");

	is_int(stk(s, PL_OWN, "", "H11", NULL), 100000, "own H11 = 100");
	is_int(stk(s, PL_OWN, "", "H20", NULL), 5000, "own H20 = 5");
	is_int(stk(s, PL_OWN, "", "F126", "F126-B1"), 3000,
	    "own F126-B1 = 3");
	is_int(stk(s, PL_OWN, "", "F29", "F29-B1"), 60000, "own F29-B1 = 60");
	is_int(stk(s, PL_OWN, "", "F29", "F29-B2"), 40000, "own F29-B2 = 40");
	is_int(stk(s, PL_OWN, "", "F29", NULL), 100000, "own F29 = 100");
	is_int(ser_place(s, "H20", "H20-0003"), PL_OWN, "H20-0003 in own");
	is_int(ser(s, "H20", "H20-0003") ?
	    (int64_t)ser(s, "H20", "H20-0003")->matdoc : 0, 4900000001LL,
	    "H20-0003 from 4900000001");
	is_str(ser(s, "F126", "F126-0002") ?
	    state_str(s, ser(s, "F126", "F126-0002")->batch) : NULL,
	    "F126-B1", "F126-0002 in batch F126-B1");

	/* A rolled-back initial entry leaves no serial behind, and its
	 * number is used again. */
	snap_take(s, &x);
	state_begin(s);
	r.mark = r.tx.len;
	is_int(post_initial(&r.p, "H20", "1000", "1040", "", "H20-0100", "1",
	    &md), 0, "post_initial H20-0100 in a savepoint");
	is_int(ser_place(s, "H20", "H20-0100"), PL_OWN, "... H20-0100 in own");
	state_rollback(s);
	r.tx.len = r.mark;
	r.tx.s[r.mark] = '\0';
	ok(ser(s, "H20", "H20-0100") == NULL,
	    "rolled back: H20-0100 does not exist");
	is_int(stk(s, PL_OWN, "", "H20", NULL), 5000, "... own H20 = 5");
	snap_same(s, &x, "rolled-back initial entry");

	/* Fill-up: order. */
	{
		struct req_item it[] = {
			{ "H11", "10", "", "", "", "", 1 },
			{ "H20", "2", "", "", "", "", 2 },
			{ "F126", "2", "", "", "", "", 3 },
			{ "F29", "50", "", "", "", "", 4 },
		};

		is_int(order(&r, FL_FILLUP, "PO-1", it, 4, &ono), 0,
		    "fill-up order of H11 10, H20 2, F126 2, F29 50");
		is_int(ono, 1000000, "... is order 1000000");
		is_int(order(&r, FL_FILLUP, "PO-1", it, 4, &ono), 1,
		    "the same po again: not ordered twice");
		is_int(ono, 1000000, "... names order 1000000");
		is_int(next_order(s), 1000001, "... next order 1000001");
	}
	is_int(clm(s, PL_OWN, "", "H11", NULL), 10000, "claim own H11 = 10");
	is_int(clm(s, PL_OWN, "", "H20", NULL), 2000, "claim own H20 = 2");
	is_int(clm(s, PL_OWN, "", "F126", NULL), 2000, "claim own F126 = 2");
	is_int(clm(s, PL_OWN, "", "F29", NULL), 50000, "claim own F29 = 50");
	is_int(stk(s, PL_OWN, "", "H11", NULL), 100000,
	    "an order moves no stock");

	/* Delivery: F29 from the batch that expires first (F29-B2). */
	is_int(deliver_all(&r, 1000000, &dno, &shorts), 0, "delivery");
	is_int(dno, 80000000, "... is 80000000");
	is_int(shorts, 0, "... nothing short");
	is_int(state_delivery(s, dno) ? (int64_t)state_delivery(s, dno)->n : 0,
	    5, "... 5 items: F29 split over two batches");
	is_str(ditem_batch(s, dno, 2), "F126-B1", "item 30: F126-B1");
	is_str(ditem_batch(s, dno, 3), "F29-B2", "item 40: F29-B2 first");
	is_int(ditem_qty(s, dno, 3), 40000, "... all 40 of it");
	is_str(ditem_batch(s, dno, 4), "F29-B1", "item 50: then F29-B1");
	is_int(ditem_qty(s, dno, 4), 10000, "... 10 of it");
	is_int(rsv(s, PL_OWN, "", "F29", "F29-B2"), 40000,
	    "reserved F29-B2 = 40");
	is_int(rsv(s, PL_OWN, "", "F29", "F29-B1"), 10000,
	    "reserved F29-B1 = 10");
	is_int(rsv(s, PL_OWN, "", "H20", NULL), 2000, "reserved H20 = 2");

	/* Picking chooses the lowest serials. */
	is_int(pick(&r, dno, NULL, 0), 0, "pick everything");
	is_str(ditem_serials(s, dno, 1), "H20-0001 H20-0002",
	    "H20 picked: H20-0001 H20-0002");
	is_str(ditem_serials(s, dno, 2), "F126-0001 F126-0002",
	    "F126 picked: F126-0001 F126-0002");
	is_int(ser(s, "H20", "H20-0001") ?
	    (int64_t)ser(s, "H20", "H20-0001")->reserved : 0, 80000000,
	    "H20-0001 reserved for 80000000");
	is_int(ser_place(s, "H20", "H20-0001"), PL_OWN,
	    "H20-0001 still in own stock");
	is_int(pick(&r, dno, NULL, 0), 1, "picking again: nothing to do");

	/* Goods issue 631. */
	is_int(goods(&r, dno, &md), 0, "post goods issue 631");
	is_int(md, 4900000005LL, "... material document 4900000005");
	is_int(state_matdoc(s, md) ? state_matdoc(s, md)->mvt : 0, 631,
	    "... movement 631");
	is_int(stk(s, PL_OWN, "", "H11", NULL), 90000, "own H11 = 90");
	is_int(stk(s, PL_CONSIG, "100001", "H11", NULL), 10000,
	    "consignment H11 at 100001 = 10");
	is_int(stk(s, PL_CONSIG, "100002", "H11", NULL), 0,
	    "none at 100002");
	is_int(stk(s, PL_OWN, "", "H20", NULL), 3000, "own H20 = 3");
	is_int(stk(s, PL_CONSIG, "100001", "H20", NULL), 2000,
	    "consignment H20 = 2");
	is_int(stk(s, PL_OWN, "", "F126", "F126-B1"), 1000, "own F126-B1 = 1");
	is_int(stk(s, PL_CONSIG, "100001", "F126", "F126-B1"), 2000,
	    "consignment F126-B1 = 2");
	is_int(stk(s, PL_OWN, "", "F29", "F29-B2"), 0, "own F29-B2 = 0");
	is_int(stk(s, PL_OWN, "", "F29", "F29-B1"), 50000, "own F29-B1 = 50");
	is_int(stk(s, PL_CONSIG, "100001", "F29", "F29-B2"), 40000,
	    "consignment F29-B2 = 40");
	is_int(stk(s, PL_CONSIG, "100001", "F29", "F29-B1"), 10000,
	    "consignment F29-B1 = 10");
	is_int(stk(s, PL_CONSIG, "100001", "F29", NULL), 50000,
	    "consignment F29 = 50");
	is_int(ser_place(s, "H20", "H20-0001"), PL_CONSIG,
	    "H20-0001 at the customer");
	is_str(ser(s, "H20", "H20-0001") ?
	    state_str(s, ser(s, "H20", "H20-0001")->customer) : NULL, "100001",
	    "... 100001");
	is_int(ser(s, "H20", "H20-0001") ?
	    (int64_t)ser(s, "H20", "H20-0001")->reserved : -1, 0,
	    "... no longer reserved");
	is_int(ser_place(s, "H20", "H20-0003"), PL_OWN, "H20-0003 still own");
	is_int(ser_place(s, "F126", "F126-0002"), PL_CONSIG,
	    "F126-0002 at the customer");
	is_int(ser_place(s, "F126", "F126-0003"), PL_OWN, "F126-0003 own");
	is_int(clm(s, PL_OWN, "", "H11", NULL) + clm(s, PL_OWN, "", "H20", NULL)
	    + clm(s, PL_OWN, "", "F126", NULL) + clm(s, PL_OWN, "", "F29", NULL),
	    0, "no claims left");
	is_int(rsv(s, PL_OWN, "", "F29", NULL) + rsv(s, PL_OWN, "", "H20",
	    NULL), 0, "no reservations left");
	is_int(s->next_acc, 100000000, "a fill-up posts no accounting");
	is_int(goods(&r, dno, &md), 1, "posting again: nothing to do");
	is_int(md, 4900000005LL, "... names 4900000005");
	is_str(r.p.note.s, "delivery 80000000 is posted already as material "
	    "document 4900000005", "... and says so");

	/* Issue 633 with its accounting. */
	{
		struct req_item it[] = {
			{ "H20", "1", "", "H20-0002", "", "", 1 },
			{ "F29", "5", "", "", "", "", 2 },
		};

		is_int(order(&r, FL_ISSUE, "", it, 2, &ono), 0,
		    "issue order H20-0002 and F29 5");
		is_int(ono, 1000001, "... is 1000001");
		is_int(s->oitem[state_order(s, ono)->first].price, 22950,
		    "H20 priced at 100001's 229.50");
	}
	is_int(clm(s, PL_CONSIG, "100001", "F29", NULL), 5000,
	    "claim on consignment F29 = 5");
	is_int(deliver_all(&r, ono, &idno, &shorts), 0, "issue delivery");
	is_int(idno, 80000001, "... is 80000001");
	is_str(ditem_serials(s, idno, 0), "H20-0002", "the ordered serial");
	is_str(ditem_batch(s, idno, 1), "F29-B2",
	    "F29 from the consignment batch that expires first");
	is_int(pick(&r, idno, NULL, 0), 0, "issue picked");
	r.mark = r.tx.len;
	is_int(goods(&r, idno, &md), 0, "post goods issue 633");
	is_int(md, 4900000006LL, "... 4900000006");
	is_int(stk(s, PL_CONSIG, "100001", "H20", NULL), 1000,
	    "consignment H20 = 1");
	is_int(stk(s, PL_SOLD, "100001", "H20", NULL), 1000, "sold H20 = 1");
	is_int(ser_place(s, "H20", "H20-0002"), PL_SOLD, "H20-0002 sold");
	is_int(ser_place(s, "H20", "H20-0001"), PL_CONSIG,
	    "H20-0001 still in consignment");
	is_int(stk(s, PL_CONSIG, "100001", "F29", "F29-B2"), 35000,
	    "consignment F29-B2 = 35");
	is_int(stk(s, PL_SOLD, "100001", "F29", "F29-B2"), 5000,
	    "sold F29-B2 = 5");
	{
		struct buf doc = { 0 }, why = { 0 };

		buf_add(&doc, r.tx.s + r.mark, r.tx.len - r.mark);
		ok(has_line(&doc, "A\t100000000\t1\t" DATE "\tcogs\tD\t208.65"
		    "\tEUR\t\tmatdoc\t4900000006"),
		    "Dr cost of goods sold 208.65 (152.40 + 5 x 11.25)");
		ok(has_line(&doc, "A\t100000000\t2\t" DATE "\tinventory\tC"
		    "\t208.65\tEUR\t\tmatdoc\t4900000006"),
		    "Cr inventory 208.65");
		is_int(state_acc_close(s, &why), 0,
		    "the accounting document balances");
		is_int(s->next_acc, 100000001, "next accounting 100000001");
		buf_free(&doc);
		buf_free(&why);
	}

	/* The invoice. */
	run_begin(&r);
	is_int(run_end(&r, post_billing(&r.p, &idno, 1, &bno)), 0, "invoice");
	is_int(bno, 90000000, "... is billing document 90000000");
	if (state_billing(s, bno)) {
		struct billing *b = state_billing(s, bno);

		is_int(b->net, 32325, "net 323.25");
		is_int(b->tax, 6142, "tax 43.61 + 17.81 = 61.42");
		is_int(b->gross, 38467, "gross 384.67");
		is_int(b->open, 38467, "open 384.67");
		is_int(b->accdoc, 100000001, "accounting document 100000001");
	} else
		ok(0, "billing document 90000000 exists");
	ok(has_line(&r.tx, "A\t100000001\t1\t" DATE "\treceivable\tD\t384.67"
	    "\tEUR\t100001\tbilling\t90000000"), "Dr receivable 384.67");
	ok(has_line(&r.tx, "A\t100000001\t3\t" DATE "\toutput-tax\tC\t61.42"
	    "\tEUR\t\tbilling\t90000000"), "Cr output tax 61.42");
	is_int(s->next_acc, 100000002, "next accounting 100000002");

	/* An order beyond stock is refused and rolled back whole, though
	 * its first item was emitted and claimed. */
	snap_take(s, &x);
	{
		struct req_item it[] = {
			{ "H11", "5", "", "", "", "", 1 },
			{ "H20", "4", "", "", "", "", 2 },
		};
		size_t len = r.tx.len;

		run_begin(&r);
		is_int(post_order(&r.p, FL_FILLUP, "100001", "", it, 2, &ono),
		    -1, "fill-up of 5 H11 and 4 H20 with 3 H20 own: refused");
		is_str(r.p.why.s, "H20: 4 requested, 3 available in own stock "
		    "less open orders", "... with the reason");
		ok(r.tx.len > len && has_line(&r.tx, "O\t1000002\t10\tfillup"
		    "\t" DATE "\t100001\tH11\t5\tPC\t1000\t1040\t\t\t\t\t\t"),
		    "... after item 10 (H11) was emitted");
		is_int(clm(s, PL_OWN, "", "H11", NULL), 5000,
		    "... and had claimed 5 H11");
		run_end(&r, -1);
		is_int(r.tx.len, len, "... its records are cut off");
	}
	snap_same(s, &x, "refused order");
	is_int(clm(s, PL_OWN, "", "H11", NULL), 0, "claim own H11 back to 0");
	is_int(ser_place(s, "H20", "H20-0001"), PL_CONSIG,
	    "H20-0001 still in consignment");
	is_int(ser_place(s, "H20", "H20-0002"), PL_SOLD, "H20-0002 still sold");
	is_int(ser_place(s, "H20", "H20-0003"), PL_OWN, "H20-0003 still own");
	ok(state_order(s, 1000002) == NULL, "no order 1000002");
	{
		struct req_item it[] = { { "H11", "5", "", "", "", "", 1 } };

		is_int(order(&r, FL_FILLUP, "", it, 1, &ono), 0,
		    "a fill-up of 5 H11 after it");
		is_int(ono, 1000002, "... takes the number 1000002");
		is_int(clm(s, PL_OWN, "", "H11", NULL), 5000,
		    "... claim own H11 = 5");
	}
	{
		struct req_item it[] = { { "H11", "85.001", "", "", "", "", 1 } };

		is_int(order(&r, FL_FILLUP, "", it, 1, &ono), -1,
		    "85.001 H11 with 90 own and 5 claimed: refused");
		is_str(r.p.why.s, "H11: 85.001 requested, 85 available in own "
		    "stock less open orders", "... open orders count");
	}

	/* Picking a serial that is not where the goods come from. */
	{
		struct req_item it[] = { { "H20", "1", "", "", "", "", 1 } };
		struct pick_req pr[] = { { 10, -1, NULL, "H20-0002", 0 } };
		uint64_t d2 = 0;

		is_int(order(&r, FL_FILLUP, "", it, 1, &ono), 0,
		    "fill-up of 1 H20");
		is_int(deliver_all(&r, ono, &d2, &shorts), 0, "... delivered");
		is_int(d2, 80000002, "... as 80000002");
		snap_take(s, &x);
		is_int(pick(&r, d2, pr, 1), -1, "picking sold H20-0002: refused");
		is_str(r.p.why.s, "item 10: serial H20-0002 is not in own stock of plant "
		    "1000", "... with the reason");
		snap_same(s, &x, "refused pick");
		is_int(s->ditem[state_delivery(s, d2)->first].picked, -1,
		    "... the item is not picked");
		pr[0].serials = "H20-0004";
		is_int(pick(&r, d2, pr, 1), 0, "picking H20-0004 instead");
		is_int(goods(&r, d2, &md), 0, "... posted");
		is_int(md, 4900000007LL, "... as 4900000007");
		is_int(ser_place(s, "H20", "H20-0004"), PL_CONSIG,
		    "H20-0004 at the customer");
		is_int(ser_place(s, "H20", "H20-0003"), PL_OWN,
		    "H20-0003 still own");
		is_int(stk(s, PL_OWN, "", "H20", NULL), 2000, "own H20 = 2");
		is_int(stk(s, PL_CONSIG, "100001", "H20", NULL), 2000,
		    "consignment H20 = 2");
	}

	/* A record that would move a serial from where it is not. */
	refuse_begin(s, M562("4900000008", "H20", "", "1", "H20-0001"),
	    "serial H20-0001 is not in own stock",
	    "562 of H20-0001, at the customer", &x);
	is_int(ser_place(s, "H20", "H20-0001"), PL_CONSIG,
	    "... H20-0001 stays at the customer");
	is_int(stk(s, PL_OWN, "", "H20", NULL), 2000, "... own H20 still 2");
	refuse_end(s, &x, "562 of a consigned serial rolled back");

	/* Replay the records of every kept posting into a fresh state. */
	{
		struct state s2;
		struct buf why = { 0 };
		char *line, *nl;
		int n = 0, bad = 0;

		state_init(&s2);
		for (line = r.tx.s; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			*nl = '\0';
			if (apply(&s2, line, &why) != 0) {
				if (bad++ == 0)
					printf("# replay: '%s': %s\n", line,
					    why.s);
			}
			*nl = '\n';
			n++;
		}
		is_int(bad, 0, "replay: all %d records apply", n);
		buf_reset(&why);
		is_int(state_acc_close(&s2, &why), 0,
		    "replay: accounting balances");
		is_int(next_order(&s2), next_order(s), "replay: next order");
		is_int(next_delivery(&s2), next_delivery(s),
		    "replay: next delivery");
		is_int(next_matdoc(&s2), next_matdoc(s),
		    "replay: next material document");
		is_int(next_billing(&s2), next_billing(s),
		    "replay: next billing document");
		is_int(s2.next_acc, s->next_acc,
		    "replay: next accounting document");
		is_int(pools_differ(s, &s->stock, &s2, 0), 0,
		    "replay: every stock figure the same (%zu pools)",
		    s->stock.n);
		is_int(pools_differ(&s2, &s2.stock, s, 0), 0,
		    "replay: and no stock the posting did not have");
		is_int(pools_differ(s, &s->claim, &s2, 1), 0,
		    "replay: every claim the same");
		is_int(pools_differ(&s2, &s2.claim, s, 1), 0,
		    "replay: and no other claims");
		is_int(pools_differ(s, &s->resv, &s2, 2), 0,
		    "replay: every reservation the same");
		is_int(s2.nser, s->nser, "replay: as many serials (%zu)",
		    s->nser);
		is_int(serials_differ(s, &s2), 0,
		    "replay: every serial in the same place");
		is_int(stk(&s2, PL_OWN, "", "H11", NULL), 90000,
		    "replay: own H11 = 90");
		is_int(stk(&s2, PL_CONSIG, "100001", "F29", "F29-B2"), 35000,
		    "replay: consignment F29-B2 = 35");
		is_int(stk(&s2, PL_SOLD, "100001", "H20", NULL), 1000,
		    "replay: sold H20 = 1");
		is_int(clm(&s2, PL_OWN, "", "H11", NULL), 5000,
		    "replay: claim own H11 = 5");
		is_int(ser_place(&s2, "H20", "H20-0002"), PL_SOLD,
		    "replay: H20-0002 sold");
		is_int(ser_place(&s2, "H20", "H20-0004"), PL_CONSIG,
		    "replay: H20-0004 at the customer");
		is_int(ser_place(&s2, "F126", "F126-0003"), PL_OWN,
		    "replay: F126-0003 own");
		state_free(&s2);
		buf_free(&why);
	}

	run_free(&r);
}

/* The serials of material along its chain, space-separated, into b. */
static const char *
chain(struct state *s, const char *material, struct buf *b)
{
	size_t i;

	buf_reset(b);
	buf_add(b, "", 0);
	for (i = state_serial_first(s, state_find(s, material)); i;
	    i = state_serial_next(s, i))
		buf_printf(b, "%s%s", b->len ? " " : "",
		    state_str(s, s->ser[i - 1].serial));
	return b->s;
}

/* A material's serials form a chain of their own in receipt order, also
 * when other materials' serials were received in between, and a receipt
 * that fails leaves the chain as it was. */
static void
test_serial_chain(void)
{
	struct run r;
	struct state *s = &r.st;
	struct buf b = { 0 };
	uint64_t md = 0;

	run_init(&r);

	is_str(chain(s, "H20", &b), "", "no serials: an empty chain");
	is_int(initial(&r, "H20", "", "H20-0001 H20-0002", "2", &md), 0,
	    "H20 2 received");
	is_int(initial(&r, "F126", "F126-B1", "F126-0001", "1", &md), 0,
	    "F126 1 received in between");
	is_int(initial(&r, "H20", "", "H20-0003", "1", &md), 0,
	    "H20 1 more received");
	is_str(chain(s, "H20", &b), "H20-0001 H20-0002 H20-0003",
	    "H20's chain: its three serials in receipt order, F126's not");
	is_str(chain(s, "F126", &b), "F126-0001", "F126's chain: its one");
	is_int(initial(&r, "H20", "", "H20-0004 H20-0001", "2", &md), -1,
	    "H20-0004 with H20-0001 again: refused");
	is_str(chain(s, "H20", &b), "H20-0001 H20-0002 H20-0003",
	    "the refused receipt leaves H20's chain as it was");
	is_int(initial(&r, "H20", "", "H20-0005", "1", &md), 0,
	    "H20-0005 received after the refusal");
	is_str(chain(s, "H20", &b), "H20-0001 H20-0002 H20-0003 H20-0005",
	    "the chain goes on from where it was");

	buf_free(&b);
	run_free(&r);
}

/* Records of the wrong shape are refused before any field is read (a
 * fuzzer once found a short M record read past its end). */
static void
test_shapes(void)
{
	static const struct {
		const char *line, *why;
	} t[] = {
		{ "M\t4900000000\t1", "M record with 3 fields, not 16" },
		{ "D\t80000000", "D record with 2 fields, not 15" },
		{ "F\t90000000\t10\tF2", "F record with 4 fields, not 23" },
		{ "K\t1\t2\t3\t4\t5\t6", "K record with 7 fields, not 5" },
		{ "Q\t1", "unknown record kind 'Q'" },
	};
	struct state s;
	struct buf why = { 0 };
	size_t i;

	state_init(&s);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *line = xstrdup(t[i].line);
		struct jrec r;

		buf_reset(&why);
		ok(jrec_split(line, strlen(line), &r) == 0 &&
		    state_apply(&s, &r, &why) == -1, "refused: %s", t[i].why);
		is_str(why.s, t[i].why, "... the reason");
		is_str(r.f[r.nf], "", "... a field past the end reads empty");
		free(line);
	}
	is_int((int64_t)next_matdoc(&s), 4900000000, "nothing was added");
	state_rollback(&s);
	is_int((int64_t)s.norder, 0, "a rollback without a savepoint does "
	    "nothing");
	buf_free(&why);
	state_free(&s);
}

int
main(void)
{
	test_shapes();
	test_ranges();
	test_records();
	test_delivery_records();
	test_accounting();
	test_postings();
	test_serial_chain();
	return tap_done();
}
