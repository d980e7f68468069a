/*
 * state.h - what the journal says, replayed into memory: stock, serial
 * places, documents and their states, number ranges.
 *
 * state_apply() is the only way state changes, both when the journal is
 * replayed and when a tool posts: a posting writes its records and applies
 * each at once, so what is committed is exactly what was checked.  Every
 * record is checked as it is applied (no stock below zero, a serial moves
 * only from where it is, a document changes only in a state that allows
 * it); a record that fails changes nothing it has not undone.  A savepoint
 * lets a tool try a whole document and roll it back when any of its
 * records fails.
 */
#ifndef CS_STATE_H
#define CS_STATE_H

#include <stdint.h>

#include "journal.h"
#include "util.h"

typedef uint32_t sid;		/* an interned string; 0 is "" */

/*
 * The meaning of the state's arrays and map entries: a cache written under
 * another version is ignored.  Raise it with any change to what a field or
 * key holds, even when no size changes.
 */
#define STATE_VERSION 12
#define SID_ALL 0xffffffffu	/* the "all batches" total of a stock key */

enum flow { FL_NONE, FL_FILLUP, FL_ISSUE, FL_PICKUP, FL_RETURN };
enum place { PL_NONE, PL_OWN, PL_CONSIG, PL_SOLD, PL_GONE };
enum btype { BT_F2 = 1, BT_RE };

#define ORDER_BASE 1000000ULL
#define ORDER_LAST 79999999ULL
#define DELIV_BASE 80000000ULL
#define DELIV_LAST 89999999ULL
#define BILL_BASE 90000000ULL
#define BILL_LAST 99999999ULL
#define ACC_BASE 100000000ULL
#define ACC_LAST 4899999999ULL
#define MATDOC_BASE 4900000000ULL
#define MATDOC_LAST 5999999999ULL

struct order {
	int flow, block;
	sid customer, po;
	long date;
	size_t first, n;	/* its items in state.oitem */
};
struct oitem {
	uint64_t order;
	int item;
	sid material, unit, plant, sloc, batch, currency, reason;
	sid serials;		/* requested, space-separated, 0 none */
	int64_t qty, delivered, posted, price;
	int rejected;
};
struct delivery {
	int flow, deleted;
	sid customer, ship_point;
	long date;
	uint64_t matdoc;	/* goods movement, 0 not posted */
	uint64_t billing;	/* billing document, 0 not billed */
	uint64_t reversal;	/* material document reversing its goods
				 * movement, 0 none */
	size_t first, n;
};
struct ditem {
	uint64_t order;
	int order_item, item;
	sid material, plant, sloc, batch;
	int64_t qty, picked;	/* picked -1: not picked */
	sid serials;		/* planned, then picked */
};
struct matdoc {
	int mvt;
	long date;
	uint64_t delivery;
	uint64_t reverses;	/* the document this one reverses, 0 none */
	uint64_t reversed_by;	/* the document reversing this one, 0 none */
	uint64_t accdoc;	/* its cost posting, 0 none */
	size_t first, n;
};
struct mitem {
	int item, delivery_item;
	sid material, plant, sloc, batch, customer, currency;
	int64_t qty, cost;	/* cost per unit, minor units */
	sid serials;		/* space-separated */
};
struct billing {
	int type, accblock, cancelled;
	sid customer, currency;
	long date, due;
	int64_t net, tax, gross, open;	/* open: signed, company's side */
	uint64_t accdoc;
	size_t first, n;
};
struct bitem {
	uint64_t delivery, order;
	int delivery_item, order_item, item;
	sid material, unit, batch;
	int64_t qty, price, net, tax, gross;
	sid serials;		/* space-separated */
};
struct payment {
	uint64_t doc;
	sid customer, currency, ref;
	long date;
	int64_t amount, open;	/* open <= 0: what is left on account */
};
struct serial {
	sid material, serial, batch, plant, sloc, customer;
	int place;
	uint32_t next;			/* 1 + index of the material's next
					 * serial in ser, 0: the last */
	uint64_t matdoc, reserved;	/* reserved: picked for a delivery */
	uint64_t ordered;		/* named by this open order */
	long date;
};

struct undo;

/* The key of a stock, claim or reservation entry as the maps hold it (the
 * k words of its struct ientry). */
struct stock_key {
	sid place, plant, sloc, customer, material, batch;
};

/* Where a savepoint or a record began: what to undo back to. */
struct state_mark {
	size_t nundo, n[10], wm[4];
	uint64_t next_acc, acc_cur;
	int64_t acc_bal;
	int acc_lines;
};

struct state {
	/*
	 * Interned strings.  Ids below nmstr live in the cache's file
	 * mapping (mblob at offsets mstroff); the rest are on the heap, one
	 * allocation each, so a string never moves while the state lives.
	 */
	const char *mblob;
	const uint64_t *mstroff;
	size_t nmstr, nmblob;
	char **hstr;
	size_t nhstr, caphstr;
	size_t nstr;			/* nmstr + nhstr */
	uint32_t *islot;		/* interning table: 1 + sid, 0 empty */
	size_t nislot;
	int islot_mapped;
	sid icache[512];		/* recently interned, by a cheap hash */

	struct order *order; size_t norder, caporder;
	struct oitem *oitem; size_t noitem, capoitem;
	struct delivery *deliv; size_t ndeliv, capdeliv;
	struct ditem *ditem; size_t nditem, capditem;
	struct matdoc *matdoc; size_t nmatdoc, capmatdoc;
	struct mitem *mitem; size_t nmitem, capmitem;
	struct billing *bill; size_t nbill, capbill;
	struct bitem *bitem; size_t nbitem, capbitem;
	struct payment *pay; size_t npay, cappay;
	struct serial *ser; size_t nser, capser;
	uint64_t next_acc;	/* next accounting document number */

	/* Keys are sids (and small integers), never pointers. */
	struct imap stock;	/* place, plant, sloc, customer, material,
				 * batch -> qty */
	struct imap claim;	/* open order quantities per pool */
	struct imap resv;	/* delivered, not posted, per pool and batch */
	struct imap serix;	/* material, serial -> index in ser */
	struct imap batchseq;	/* material, batch -> first receipt order */
	struct imap payix;	/* accounting document -> index in pay */
	struct imap sold_price;	/* customer, material, batch -> last invoice */
	struct imap issue_cost;	/* plant, customer, material, batch -> cost */
	struct imap ordpo;	/* customer, flow, po -> order */
	struct imap payref;	/* customer, ref -> payment document */
	struct imap matser;	/* material -> 1 + index in ser of its first
				 * serial (v) and of its last (idx): the
				 * ends of the chain through serial.next */
	struct imap links;	/* document flow: kind, from (2 words), seq
				 * -> to; seq LINK_COUNT -> how many */
	int64_t *received;	/* per material sid: 561 in less 562 out */
	size_t nreceived;

	/* Lower bounds of the first open document of each kind, so that due
	 * lists and open items do not scan the closed history: moved
	 * forward when asked, back when a document reopens. */
	size_t wm_oitem, wm_deliv, wm_bill, wm_pay;

	/* The cache file this state was mapped from, or NULL: arrays that
	 * point into it are copied before they grow. */
	void *map_base;
	size_t map_len;

	/* accounting document being applied, for the balance check */
	uint64_t acc_cur;
	int64_t acc_bal;
	int acc_lines;

	/* savepoint */
	int sp_active;
	struct undo *undo; size_t nundo, capundo;
	struct state_mark sp;

	char last_date[11];	/* the date parsed last, and its day */
	long last_day;
};

void state_init(struct state *s);
void state_free(struct state *s);

/* The natural order (natcmp) of the strings ids name, as an array by sid
 * of ranks (ids may repeat; others rank 0), so that a sort of many rows
 * compares integers.  The caller frees it. */
uint32_t *state_ranks(const struct state *s, const sid *ids, size_t n);

/* Intern s (n bytes) and return its sid; state_str returns the string. */
sid state_intern(struct state *s, const char *str);
sid state_find(const struct state *s, const char *str);	/* 0 if unknown */
const char *state_str(const struct state *s, sid id);

/*
 * Apply one journal record.  Returns 0, or -1 with the reason in why; a
 * failed record leaves the state as it was before the record.
 */
int state_apply(struct state *s, const struct jrec *r, struct buf *why);

/* A jrec_fn for journal_scan(): replays into a struct state. */
int state_replay_fn(void *ctx, const struct jrec *r, struct buf *why);

/* End of a transaction during replay or posting: the accounting document
 * in progress must balance.  Returns 0 or -1 with why set. */
int state_acc_close(struct state *s, struct buf *why);

/* Savepoints: begin logs every change until commit (keep) or rollback. */
void state_begin(struct state *s);
void state_keep(struct state *s);
void state_rollback(struct state *s);

/* Stock of a pool: place, plant, sloc (own only), customer (consignment
 * and sold), material, batch (SID_ALL: every batch). */
int64_t stock_qty(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch);
/* The stock entries of a pool's batches, every batch it ever held: the
 * first is s->stock.e[r - 1] for the result r, the next e[e.idx - 1],
 * until 0. */
size_t stock_batches(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material);
/* Open order quantities drawing on the same pool (batch as above). */
int64_t claim_qty(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch);
/* Delivered but not yet posted quantities of the pool's batch. */
int64_t resv_qty(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch);
/* The part of resv_qty() delivered for orders that ask for that batch. */
int64_t resv_batch_orders(struct state *s, int place, sid plant, sid sloc,
    sid customer, sid material, sid batch);
#define RESV_BATCH_ORDERS 0x100	/* flag on a place in the resv keys */

/* Document lookup by number; NULL when there is no such document. */
struct order *state_order(struct state *s, uint64_t no);
struct delivery *state_delivery(struct state *s, uint64_t no);
struct matdoc *state_matdoc(struct state *s, uint64_t no);
struct billing *state_billing(struct state *s, uint64_t no);
struct payment *state_payment(struct state *s, uint64_t no);
struct serial *state_serial(struct state *s, sid material, sid serial);
/* The serials of material, in the order they were received: 1 + the
 * index in s->ser of the first, 0 when it has none; state_serial_next
 * gives the one after (0: no more). */
size_t state_serial_first(struct state *s, sid material);
size_t state_serial_next(const struct state *s, size_t i);
/* Items of delivery d not picked yet. */
size_t delivery_unpicked(const struct state *s, const struct delivery *d);
/* An item of an order or delivery; NULL when there is none. */
struct oitem *state_oitem(struct state *s, uint64_t order, int item);
struct ditem *state_ditem(struct state *s, uint64_t delivery, int item);

/*
 * Where the open documents start: every order item before this index is
 * delivered in full or rejected; every delivery before it is deleted, or
 * posted and billed or never billed; every billing document before it is
 * cancelled or cleared (and released); every payment before it is used up.
 */
size_t state_open_oitem(struct state *s);
size_t state_open_delivery(struct state *s);
size_t state_open_billing(struct state *s);
size_t state_open_payment(struct state *s);

/*
 * The document flow: the documents that follow a document, in the order
 * they were posted.  state_link() returns the i-th (from 0) successor of
 * kind of document from, 0 when there is none; state_link_amount() the
 * amount a payment cleared of a billing document.
 */
enum link {
	LK_ORDER_DELIV = 1,	/* order -> its deliveries */
	LK_DELIV_BILL,		/* delivery -> billing documents */
	LK_BILL_ACC,		/* billing -> accounting (invoice, release,
				 * cancellation) */
	LK_BILL_PAY,		/* billing or payment -> payments clearing it */
	LK_ACC_SRC,		/* accounting -> the document it posts */
	LK_PAY_AMT,		/* (billing, payment) -> amount cleared */
	LK_PAY_BILL		/* payment -> what it cleared */
};
#define LINK_COUNT 0xffffffffu
uint64_t state_link(struct state *s, int kind, uint64_t from, uint32_t i);
int64_t state_link_amount(struct state *s, uint64_t billing,
    uint64_t payment);

/* Next free numbers. */
uint64_t next_order(const struct state *s);
uint64_t next_delivery(const struct state *s);
uint64_t next_matdoc(const struct state *s);
uint64_t next_billing(const struct state *s);

/* The place stock leaves and enters for a movement type (lib/post). */
int flow_parse(const char *s);
const char *flow_name(int flow);
const char *place_name(int place);

/* Parse a document number; 0 when s is not a number. */
uint64_t docno(const char *s);

#endif
