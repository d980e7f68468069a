/*
 * flow.h - the document flow of one document (cs-stock --flow).
 */
#ifndef CS_FLOW_H
#define CS_FLOW_H

#include <stdint.h>
#include <stdio.h>

#include "out.h"
#include "state.h"

/* An output with the flow's columns: level, type, document, date, status,
 * flow, customer, mvt, amount, currency, refers_to. */
struct out *flow_open(FILE *fp, int fmt);

/*
 * Write the flow of doc (an order, delivery, material document, billing,
 * accounting or payment document): each order it belongs to, with its
 * deliveries, their goods movements and reversals, billing documents,
 * accounting documents and payments.  Returns 0, or -1 with err set when
 * no document has that number.
 */
int flow_report(struct state *st, struct out *out, uint64_t doc, char *err,
    size_t errsz);

#endif
