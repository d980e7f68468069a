/*
 * stage.h - one stage of a pipeline: read rows, group them into documents,
 * post each document all or nothing, commit groups of documents to the
 * journal, and only then write their rows.
 *
 * Columns are found by name; a stage adds the canonical columns it owns
 * (see col_names) that its input lacks after the input's columns, fills
 * the canonical columns it knows, and passes every other column through
 * unchanged and in place.
 */
#ifndef CS_STAGE_H
#define CS_STAGE_H

#include <stdint.h>

#include "journal.h"
#include "master.h"
#include "num.h"
#include "opt.h"
#include "out.h"
#include "post.h"
#include "rec.h"
#include "state.h"

enum col {
	C_FLOW, C_ORDER, C_ORDER_ITEM, C_CUSTOMER, C_MATERIAL, C_QTY, C_UNIT,
	C_PLANT, C_SLOC, C_BATCH, C_SERIALS, C_PO, C_PRICE, C_CURRENCY,
	C_BLOCK, C_DELIVERY, C_DELIVERY_ITEM, C_SHIP_POINT, C_PICKED,
	C_MATDOC, C_MATDOC_ITEM, C_MVT, C_DATE, C_BILLING, C_BILLING_ITEM,
	C_BILLING_TYPE, C_NET, C_TAX, C_GROSS, NCOL
};
extern const char *const col_names[NCOL];

#define STAGE_BATCH 2000	/* rows read before a group commit */
#define STAGE_PIPE (1024 * 1024)	/* bytes a pipe to stdout may hold */

/* One input row, copied. */
struct row {
	long line;		/* input line; < 0: operand -line; 0: due list */
	char **f;
};

struct pend;

struct stage {
	struct opts *o;
	const char *tool;
	uint64_t own;		/* canonical columns the stage adds */
	struct master m;
	struct state st;
	struct journal j;
	struct post p;
	struct buf tx;
	int writer;
	int cold;		/* o->scan_ok and no cache: nothing replayed */
	uint64_t need;		/* canonical columns input must have */
	const char *const *need_names;	/* other columns it must have, NULL
					 * at the end */
	int out_ok;		/* the header was written */

	struct rec_in *in;
	const char *in_name;	/* "input" for stdin, else the path */
	int nin;		/* input columns */
	char **in_names;
	int canon_in[NCOL];	/* canonical column -> input column or -1 */
	int extra_in[8];	/* tool's extra input columns */

	uint64_t table_view;	/* -o table shows just these columns */
	const char *const *extra;	/* tool's own non-item columns */
	int nextra;
	struct out *out, *rej;
	int nout;
	int *out_in;		/* output column -> input column or -1 */
	int *out_canon;		/* output column -> canonical column or -1 */

	struct row *rows;
	size_t nrows, caprows;
	struct row *carry;	/* read, but its document may go on */
	size_t ncarry, capcarry;
	int eof;
	int broken;		/* the input ended in an error */
	struct buf wherebuf;
	/* Do two consecutive rows belong to one document?  NULL: no. */
	int (*same_doc)(const struct stage *, const struct row *,
	    const struct row *);

	struct pend *pend;
	size_t npend, cappend, pend_mark;
	const char **fscratch;	/* a row's fields, gathered to be copied */
	size_t capfscratch;
	size_t tx_mark;
	int ndocs;		/* documents in the open transaction */
	int status;		/* exit status so far */
};

/*
 * Load master data and replay the journal.  writer: the stage posts (the
 * journal is created when absent).  Exits with 2 or 3 on setup errors.
 */
void stage_open(struct stage *s, struct opts *o, const char *tool,
    uint64_t own, int writer);
#define COL(c) ((uint64_t)1 << (c))
#define COLS_UPTO(c) ((COL(c) << 1) - 1)	/* columns 0 to c */

/* Use path ("-": stdin) as input; NULL: rows made by the tool (--due,
 * operands) with the canonical columns in the mask cols.  Sets up the
 * output header.  Returns 0 or -1 (message printed, status 2). */
int stage_input(struct stage *s, const char *path, uint64_t cols);

/*
 * Read the next batch of rows into s->rows: the rows that are there to
 * read, at most about STAGE_BATCH, and never part of a document: the rows
 * of the last document (by same_doc) wait until a row of another document
 * or the end of input shows that it is complete, however slowly the rows
 * arrive.  Returns the rows in the batch, 0 at the end, -1 on a read
 * error (printed, status set).
 */
int stage_read(struct stage *s);

/* Add a row made by the tool: fields by canonical column, NULL "".
 * arg > 0 names the command line operand it came from, for messages. */
void stage_add_row(struct stage *s, const char *const *vals, int arg);

/* Queue an output row with values for the extra columns as well. */
void stage_emit_x(struct stage *s, const struct row *src,
    const char *const *vals, const char *const *xvals);

/* Formatted numbers behind the values stage_ditem_vals() fills. */
struct item_text {
	char order[24], order_item[24], delivery[24], delivery_item[24];
	char qty[NUM_BUFSZ], picked[NUM_BUFSZ], price[NUM_BUFSZ];
};

/*
 * Fill vals (by canonical column) with what the journal says of item di
 * of delivery dno: flow, order and item, customer, material, qty, unit,
 * plant, sloc, batch, serials, po, price, currency, block, delivery and
 * item, shipping point, picked.
 * The numbers are formatted into t, which must live as long as vals.
 */
void stage_ditem_vals(struct stage *s, uint64_t dno, const struct ditem *di,
    const char **vals, struct item_text *t);

/*
 * The due list of a stage working on deliveries: a row (flow, customer,
 * delivery, ship_point, date) for each delivery that want() accepts, in
 * number order.
 */
void stage_due_deliveries(struct stage *s,
    int (*want)(struct state *, const struct delivery *));

/* An item number of a row: 0 for "", -1 when it is not a number from 1
 * to 999999. */
int stage_item(const char *str);

/* A same_doc for the stages that work on deliveries: the rows of one
 * delivery belong together. */
int stage_same_delivery(const struct stage *s, const struct row *a,
    const struct row *b);

/* What is wrong with the delivery and delivery_item a row names (no
 * such delivery or item, not a number), formatted into b to follow
 * "delivery N" as stage_doc_end() writes it; NULL: nothing. */
const char *stage_bad_item(struct stage *s, const struct row *r, char *b,
    size_t n);

/* Field of a row by canonical column ("" when the input lacks it). */
const char *rowf(const struct stage *s, const struct row *r, int col);
/* Field of a row by any column name ("" when absent). */
const char *rowf_name(const struct stage *s, const struct row *r,
    const char *name);

/* Take the exclusive lock, catch up with the journal and start a
 * transaction.  Exits 3 when the journal is damaged or locked. */
void stage_lock(struct stage *s);

/* Bracket one document: begin, then end with the post_* result rc.  On
 * rc < 0 the document is undone and reported for its n rows (the first
 * names the input line), and the rows go to --reject.  A note (rc > 0) is
 * printed.  what names the document ("order 1000003"). */
void stage_doc_begin(struct stage *s);
int stage_doc_end(struct stage *s, int rc, struct row *const *rows, int n,
    const char *what);

/* Queue an output row: the passthrough of src with vals (by canonical
 * column, NULL: keep the input's) on top. */
void stage_emit(struct stage *s, const struct row *src,
    const char *const *vals);

/* Commit what the open transaction holds, unlock, write the queued rows
 * and flush.  Exits 3 when the commit fails. */
void stage_commit(struct stage *s);

/* Report an error for a row outside a document (printed, rejected). */
void stage_row_error(struct stage *s, const struct row *r, const char *msg);

/*
 * The modes that act on existing documents (--release, --reject, --delete,
 * --cancel): the document numbers come from the operands, or with none
 * from column col of the stream's rows (item_col, or -1, an item: an
 * operand DOC/ITEM).  A document named on consecutive rows is acted on
 * once.  post acts on one (a post_* result); emit fills vals for its
 * output row.  kind names the document in messages ("order").  Returns
 * the exit status, the stage closed.
 */
struct act {
	int col, item_col;
	const char *kind;
	int (*post)(struct stage *, uint64_t no, int item);
	/* scratch: 256 bytes for values that need formatting */
	void (*emit)(struct stage *, uint64_t no, const char **vals,
	    char *scratch);
	/* optional: the column read when a row's col is empty (0: none),
	 * and the values of the stage's extra columns (s->extra) */
	int alt_col;
	void (*emit_x)(struct stage *, uint64_t no, const char **xvals,
	    char *scratch);
	uint64_t cols;		/* more canonical columns for operands */
};
int stage_act(struct stage *s, const struct act *a, int argc, char **argv);

/* Read every named file through once, before anything is posted: a file
 * missing, malformed, cut short or with other columns than the first is
 * reported; 0 when all are fine, else -1.  Pipes are not read ahead. */
int stage_check_files(struct stage *s, int argc, char **argv);

/* Feed the files named (none: standard input) to batch, a batch of rows
 * at a time; close the stage and return the exit status. */
int stage_files(struct stage *s, int argc, char **argv,
    void (*batch)(struct stage *));

/* Let the pipe on fd hold STAGE_PIPE bytes where the system allows, so
 * that stages pass each other larger batches.  Returns the bytes it
 * holds then, 0 when fd is no pipe or its size is unknown. */
int stage_widen_pipe(int fd);

/* Close input and output; returns the exit status. */
int stage_close(struct stage *s);

/* Read-only: open, replay under a shared lock, and free. */
void stage_free(struct stage *s);

#endif
