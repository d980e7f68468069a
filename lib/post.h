/*
 * post.h - the posting rules: which flow moves stock from where to where
 * with which movement type, what it costs, what it bills; and the postings
 * themselves, each building the journal records of one document and
 * applying them to the state as it goes.
 *
 * Every post_* function works on one document.  It returns 0 when the
 * document's records are in p->tx and applied to p->st, or -1 with the
 * reason in p->why; the caller then rolls the state back (state_rollback)
 * and cuts p->tx back.  Tools never compute a stock effect themselves.
 */
#ifndef CS_POST_H
#define CS_POST_H

#include <stdint.h>

#include "master.h"
#include "state.h"

struct mvt_rule {
	int mvt;
	int from, to;		/* enum place */
	int flow;		/* enum flow, FL_NONE for 561/562 */
	const char *text;
	int reverse;		/* the movement that reverses it, 0 none */
};

/* The rule of a movement type; NULL when unknown. */
const struct mvt_rule *mvt_rule(int mvt);
/* The goods movement of a flow: 631, 633, 632, 634. */
int flow_mvt(int flow);
/* Where the goods of a flow come from: own, consignment or sold. */
int flow_source(int flow);

struct post {
	struct state *st;
	const struct master *m;
	struct buf *tx;		/* the transaction being built */
	char date[11];		/* document and posting date */
	long day;
	struct buf why;		/* reason of a rejection */
	struct buf note;	/* a note for stderr on success (skips) */
	long errline;		/* the input line of the failing item, or 0 */
	struct buf line;	/* emit's copy of the record it applies */
};

/* Append a record to p->tx and apply it.  0, or -1 with p->why set. */
int emit(struct post *p, int n, const char *const *f);

/* One requested order item. */
struct req_item {
	const char *material, *qty, *batch, *serials, *plant, *sloc;
	long line;		/* input line, for messages */
};

/*
 * Create an order of flow for customer with po from n request items:
 * customer, material, plant and storage location must exist; quantities
 * positive, whole for serial materials, with one serial each when serials
 * are given; availability against the source pool less what open orders
 * claim; serials given must be at the source place; issue and return are
 * priced (return from the original invoice where the serial or batch
 * identifies one) and a return carries a billing block.  On success *order
 * is the new number.  A (customer, flow, po) that has an order already is
 * not ordered again: returns 1 with *order the existing number.
 */
int post_order(struct post *p, int flow, const char *customer,
    const char *po, const struct req_item *it, int n, uint64_t *order);

/* One order item to deliver. */
struct dlv_req {
	uint64_t order;
	int item;
};

/*
 * Create one delivery of the open quantity of the given order items (all of
 * one flow, customer and shipping point).  Batches are determined from the
 * source pool: first expiry first, else first received first, splitting an
 * item over batches; what is short is left open on the order (partial
 * delivery).  Returns 0 with *delivery set, or -1 when nothing at all can
 * be delivered (p->why says why).  short_items gets how many items were
 * delivered short.
 */
int post_delivery(struct post *p, const struct dlv_req *it, int n,
    uint64_t *delivery, int *short_items);

/* One delivery item to pick: picked < 0 means the full quantity; batch
 * and serials NULL or "" mean "as planned, else choose". */
struct pick_req {
	int item;
	int64_t picked;
	const char *batch, *serials;
	long line;		/* input line, for messages */
};

/*
 * Record picking for delivery: every item named in it (all items when
 * n == 0).  Serials given must be at the source place and batch; missing
 * serials are chosen, lowest first.  Returns 0, 1 when the delivery was
 * picked already (nothing done, note set), or -1.
 */
int post_pick(struct post *p, uint64_t delivery, const struct pick_req *it,
    int n);

/*
 * Post the goods movement of a picked delivery (631, 633, 632, 634) with
 * its accounting (633, 634).  Returns 0 with *matdoc set, 1 when it was
 * posted already (*matdoc is that document, note set), or -1.
 */
int post_goods(struct post *p, uint64_t delivery, uint64_t *matdoc);

/*
 * Reverse the goods movement of a delivery, or a material document (an
 * initial entry too), with the opposite movement type (561/562, 631/632,
 * 633/634) of the same items, and its cost posting where it had one.  The
 * delivery is closed and its order items are open again.  Refused when the
 * delivery is billed, the document is reversed already or is a reversal,
 * or the goods are no longer where the original put them.  Returns 0 with
 * *reversal set, or -1.
 */
int post_reverse(struct post *p, uint64_t no, uint64_t *reversal);

/* Initial entry 561 of one row.  Returns 0 with *matdoc set, or -1. */
int post_initial(struct post *p, const char *material, const char *plant,
    const char *sloc, const char *batch, const char *serials,
    const char *qty, uint64_t *matdoc);

/*
 * Bill n posted deliveries of one customer and flow (issue: invoice F2 with
 * its accounting; return: credit memo RE, blocked for accounting).  Returns
 * 0 with *billing set, or -1.
 */
int post_billing(struct post *p, const uint64_t *deliveries, int n,
    uint64_t *billing);

/* Cancel a billing document (reverses its accounting, reopens its
 * deliveries for billing).  0, 1 when cancelled already, or -1. */
int post_cancel(struct post *p, uint64_t billing);
/* Release a credit memo to accounting.  0, 1 when released already, -1. */
int post_release_billing(struct post *p, uint64_t billing);
/* Lift the billing block of a return order.  0, 1 when not blocked, -1. */
int post_release_order(struct post *p, uint64_t order);
/* Reject an open order item (item 0: every open item).  0, 1 when the
 * item is rejected already, or -1. */
int post_reject(struct post *p, uint64_t order, int item, const char *reason);
/* Delete a delivery not yet posted.  0, 1 when deleted already, -1. */
int post_delete_delivery(struct post *p, uint64_t delivery);

/*
 * An incoming payment: amount (text, in the currency's units) from
 * customer on date with ref; clears document first when given, then the
 * oldest open items, using the customer's credits first; what is left
 * stays on account.  0 with *doc set; 1 when the customer's payment with
 * this ref is posted already (*doc is that one); or -1.
 */
int post_payment(struct post *p, const char *customer, const char *amount,
    const char *currency, const char *date, const char *ref,
    const char *document, uint64_t *doc);

/* Words in a space-separated list. */
int count_words(const char *list);

#endif
