/*
 * master.h - the master data of a data directory: materials, customers,
 * prices, plants, and the optional batches and targets.
 *
 * Files are CSV with a header row; columns are found by name, extra columns
 * are ignored.  Every problem is reported as "FILE: line N: reason".
 */
#ifndef CS_MASTER_H
#define CS_MASTER_H

#include <stdint.h>
#include "util.h"

struct material {
	char *id, *desc, *unit;
	int batch, serial;	/* managed in batches / by serial number */
	int64_t cost;		/* standard price per unit, minor units */
	char *currency;
};

struct customer {
	char *id, *name, *currency;
	int64_t tax_rate;	/* percent in thousandths: 13% = 13000 */
	long terms_days;
};

struct price {
	char *material, *customer;	/* customer "" = every customer */
	int64_t price;			/* per unit, minor units */
	char *currency;
	long from, to;			/* days since epoch, inclusive; -1 open */
};

struct plant {
	char *plant, *sloc, *ship_point;
};

struct batch {
	char *material, *batch;
	long expiry;			/* days since epoch, -1 unknown */
};

struct target {
	char *customer, *material;
	int64_t min, max;		/* quantities */
};

struct master {
	struct material *mat; size_t nmat;
	struct customer *cust; size_t ncust;
	struct price *price; size_t nprice;
	struct plant *plant; size_t nplant;
	struct batch *batch; size_t nbatch;
	struct target *target; size_t ntarget;
	struct map mat_ix, cust_ix, batch_ix;	/* id -> array index */
};

/*
 * price[] is sorted by material, customer and valid_from, which
 * master_load makes a unique key; the other arrays are in file order.
 * On failure master_load leaves m freed and zeroed.
 */

/*
 * Load the master data of data directory dir into m.  Returns 0, or -1
 * with "FILE: line N: reason" in err (REC_ERRSZ bytes).  Validates: required
 * columns present, ids non-empty and unique, y/n flags, numbers (cost and
 * price as amounts in the currency's minor unit, tax_rate as a decimal
 * percent with at most 3 places, quantities), dates YYYY-MM-DD, price and
 * target rows naming known materials and customers, currency of a
 * customer-specific price equal to the customer's.
 */
int master_load(struct master *m, const char *dir, char *err);
void master_free(struct master *m);

const struct material *master_material(const struct master *m,
    const char *id);
const struct customer *master_customer(const struct master *m,
    const char *id);
/* Expiry of a batch, -1 unknown. */
long master_expiry(const struct master *m, const char *material,
    const char *batch);

/*
 * The price of material for customer valid on day (days since epoch): a
 * customer-specific price wins over a general one; among equals the latest
 * valid_from wins.  NULL when none is valid.
 */
const struct price *master_price(const struct master *m,
    const char *material, const char *customer, long day);

/* The first plants.csv row of plant (or of any plant when plant is ""
 * or NULL), and with sloc when sloc is non-empty; NULL when none. */
const struct plant *master_plant(const struct master *m, const char *plant,
    const char *sloc);

#endif
