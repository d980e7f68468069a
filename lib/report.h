/*
 * report.h - the reports of cs-stock that look back in time or ahead:
 * stock and serials at the end of a past day (SAP MB5B), the material
 * document list (MB51), a customer's consignment statement, the aging of
 * consignment stock, and fill-up requests from min/max targets.
 *
 * The reports that need the history (all but refill) stream the journal
 * once, in constant memory: what they keep grows with the distinct stock
 * keys, serials and live FIFO layers, never with the number of movements.
 * They read the journal through a descriptor of their own under a shared
 * lock, only the records of committed transactions, and no further than
 * the state of the stage has replayed (s->j.end), so that every string of
 * a record they read has its sid in the state and every document its
 * entry (reversals, deliveries, orders).
 *
 * Each report has fixed columns (report_cols()); cs-stock(1) documents
 * them.  Quantities and values are exact: thousandths and minor units,
 * no floating point.
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include "out.h"
#include "stage.h"

enum report {
	REP_STOCK_AT,		/* --at: the stock overview at a date */
	REP_SERIALS_AT,		/* -s --at: serial places at a date */
	REP_MOVEMENTS,		/* --movements: material document items */
	REP_STATEMENT,		/* --statement: a customer's statement */
	REP_AGING,		/* --aging: days in consignment */
	REP_REFILL,		/* --refill: fill-up request rows */
	NREPORT
};

/*
 * What a report is asked for.  Dates are YYYY-MM-DD, already validated
 * (date_days() >= 0), or "" where the report allows none.
 */
struct report_args {
	const char *customer;	/* "" every customer; --statement needs one */
	const char *material;	/* "" every material */
	const char *at;		/* --at, --aging: the end of this day */
	const char *from;	/* --movements, --statement: first day, ""
				 * from the beginning */
	const char *to;		/* --movements: last day, "" no end;
				 * --statement: the closing day */
};

/* The fixed column names of report r and their number. */
const char *const *report_cols(enum report r, int *ncols);

/*
 * Write the rows of report r to out, which must have been opened with
 * report_cols(r).  s is an open stage (stage_open(), read-only): its
 * state, master data, options (data directory, lock wait) and journal
 * offset are used, nothing is posted.  Returns 0, or -1 with a message
 * in err (JERRSZ bytes) when the journal cannot be opened, locked or
 * read, or is damaged; rows written before the failure stay written.
 */
/*
 * Write stock rows in the overview's columns (report_cols(REP_STOCK_AT)) and
 * order (plant, material, kind, customer, sloc, batch): l holds n map
 * entries keyed by struct stock_key with the quantity in v; it is sorted.
 */
void report_stock_rows(struct stage *s, struct ientry **l, size_t n,
    struct out *out);

/*
 * Write one serial row in the columns of report_cols(REP_SERIALS_AT), for
 * cs-stock -s (from the state) and -s --at (from a scan) alike.
 */
void report_serial_row(struct out *out, const struct state *st,
    sid material, sid serial, sid batch, int place, sid plant, sid sloc,
    sid customer, uint64_t matdoc, long day);

int report_run(struct stage *s, enum report r, const struct report_args *a,
    struct out *out, char *err);

#endif
