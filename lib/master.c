/*
 * master.c - loading and looking up the master data of a data directory;
 * see master.h.
 *
 * Each file is read through rec.h under its base name, so every message,
 * the reader's own included, reads "materials.csv: line 3: ..." whatever
 * directory the data sits in; only "cannot open" names the whole path,
 * because that is what a user has to look for.  A file is read whole and
 * each row checked before it is stored, so the first error ends the load
 * and nothing half-valid is ever returned.  A column the loader reads must
 * appear once, and what it reads must be UTF-8.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master.h"
#include "num.h"
#include "rec.h"

#define MAXCOLS 8		/* most columns any master file needs */
#define MAX_TERMS_DIGITS 5	/* payment terms up to 99999 days */

/* State of one load that outlives a single file: keys seen, scratch. */
struct load {
	struct master *m;
	struct map price_seen;	/* material, customer, from -> line */
	struct map plant_seen;	/* plant, sloc -> line */
	struct map target_seen;	/* customer, material -> line */
	struct buf key;
	char *err;		/* REC_ERRSZ bytes */
	/* Allocated lengths of the arrays in m. */
	size_t mat_cap, cust_cap, price_cap, plant_cap, batch_cap, target_cap;
};

/* Check one row whose fields f[] are in the order of the file's columns;
 * returns 0, or -1 with the message in ld->err. */
typedef int row_fn(struct load *ld, struct rec_in *r, const char *const *f);

/* Report a problem with the current row of r as "FILE: line N: ...". */
static int __attribute__((format(printf, 3, 4)))
row_error(struct load *ld, struct rec_in *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ld->err, REC_ERRSZ, "%s: line %ld: ", rec_name(r),
	    rec_lineno(r));
	if (n < 0 || n >= REC_ERRSZ)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, REC_ERRSZ - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * An identifier (material, customer, batch, plant, ...) must be non-empty
 * and free of control characters and of blanks at either end: libcsv keeps
 * blanks, so " H11" would silently be another material than "H11".
 */
static int
check_id(struct load *ld, struct rec_in *r, const char *col, const char *v)
{
	size_t len = strlen(v), i;

	if (len == 0)
		return row_error(ld, r, "empty %s", col);
	if (v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' ' ||
	    v[len - 1] == '\t')
		return row_error(ld, r, "%s '%s': blank at the start or end",
		    col, v);
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return row_error(ld, r, "%s '%s': control character",
			    col, v);
	return 0;
}

/* A y/n flag: 1 or 0 in *out. */
static int
check_flag(struct load *ld, struct rec_in *r, const char *col, const char *v,
    int *out)
{
	if (strcmp(v, "y") == 0)
		*out = 1;
	else if (strcmp(v, "n") == 0)
		*out = 0;
	else
		return row_error(ld, r, "%s '%s': not y or n", col, v);
	return 0;
}

/* Three capital letters, as ISO 4217 codes are. */
static int
check_currency(struct load *ld, struct rec_in *r, const char *v)
{
	int i;

	for (i = 0; i < 3; i++)
		if (v[i] < 'A' || v[i] > 'Z')
			break;
	if (i < 3 || v[3] != '\0')
		return row_error(ld, r, "currency '%s': not an ISO 4217 code",
		    v);
	return 0;
}

/* A non-negative decimal with at most places places, scaled. */
static int
check_number(struct load *ld, struct rec_in *r, const char *col,
    const char *v, int places, int64_t *out)
{
	int rc = num_parse(v, places, out);

	if (rc != NUM_OK)
		return row_error(ld, r, "%s '%s': %s", col, v,
		    num_strerror(rc));
	if (*out < 0)
		return row_error(ld, r, "%s '%s': negative", col, v);
	return 0;
}

/*
 * Master data is UTF-8 text.  A file saved in another encoding (a name
 * "M\xfcller" in Latin-1) would otherwise reach every document and report
 * as bytes no reader can show, so it is refused where it is read.
 */
static int
check_utf8(struct load *ld, struct rec_in *r, const char *col, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	int n;

	for (; *p; p += n)
		if ((n = utf8_seq(p)) == 0)
			return row_error(ld, r, "%s: not UTF-8 (byte 0x%02x)",
			    col, *p);
	return 0;
}

/* A date YYYY-MM-DD as days since the epoch; empty is -1 (open). */
static int
check_date(struct load *ld, struct rec_in *r, const char *col, const char *v,
    long *out)
{
	if (*v == '\0') {
		*out = -1;
		return 0;
	}
	if ((*out = date_days(v)) == -1)
		return row_error(ld, r, "%s '%s': not a date (YYYY-MM-DD)",
		    col, v);
	return 0;
}

static int
material_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	struct material mat;
	struct map_entry *e;

	memset(&mat, 0, sizeof mat);
	if (check_id(ld, r, "material", f[0]) == -1)
		return -1;
	if (map_get(&m->mat_ix, f[0], strlen(f[0])) != NULL)
		return row_error(ld, r, "duplicate material '%s'", f[0]);
	if (check_id(ld, r, "unit", f[2]) == -1 ||
	    check_flag(ld, r, "batch", f[3], &mat.batch) == -1 ||
	    check_flag(ld, r, "serial", f[4], &mat.serial) == -1 ||
	    check_currency(ld, r, f[6]) == -1 ||
	    check_number(ld, r, "cost", f[5], cur_places(f[6]),
	    &mat.cost) == -1)
		return -1;
	mat.id = xstrdup(f[0]);
	mat.desc = xstrdup(f[1]);
	mat.unit = xstrdup(f[2]);
	mat.currency = xstrdup(f[6]);
	grow(&m->mat, &ld->mat_cap, m->nmat + 1, sizeof *m->mat);
	m->mat[m->nmat] = mat;
	e = map_put(&m->mat_ix, mat.id, strlen(mat.id), NULL);
	e->idx = m->nmat++;
	return 0;
}

static int
customer_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	struct customer c;
	struct map_entry *e;
	size_t ndig;

	memset(&c, 0, sizeof c);
	if (check_id(ld, r, "customer", f[0]) == -1)
		return -1;
	if (map_get(&m->cust_ix, f[0], strlen(f[0])) != NULL)
		return row_error(ld, r, "duplicate customer '%s'", f[0]);
	if (check_currency(ld, r, f[2]) == -1 ||
	    check_number(ld, r, "tax_rate", f[3], 3, &c.tax_rate) == -1)
		return -1;
	ndig = strspn(f[4], "0123456789");
	if (ndig == 0 || f[4][ndig] != '\0' || ndig > MAX_TERMS_DIGITS)
		return row_error(ld, r,
		    "terms_days '%s': not a whole number of days", f[4]);
	c.terms_days = strtol(f[4], NULL, 10);
	c.id = xstrdup(f[0]);
	c.name = xstrdup(f[1]);
	c.currency = xstrdup(f[2]);
	grow(&m->cust, &ld->cust_cap, m->ncust + 1, sizeof *m->cust);
	m->cust[m->ncust] = c;
	e = map_put(&m->cust_ix, c.id, strlen(c.id), NULL);
	e->idx = m->ncust++;
	return 0;
}

static int
price_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	const struct customer *c = NULL;
	struct map_entry *e;
	struct price p;
	int added;

	memset(&p, 0, sizeof p);
	if (master_material(m, f[0]) == NULL)
		return row_error(ld, r, "unknown material '%s'", f[0]);
	if (f[1][0] != '\0' && (c = master_customer(m, f[1])) == NULL)
		return row_error(ld, r, "unknown customer '%s'", f[1]);
	if (check_currency(ld, r, f[3]) == -1 ||
	    check_number(ld, r, "price", f[2], cur_places(f[3]),
	    &p.price) == -1)
		return -1;
	if (c != NULL && strcmp(c->currency, f[3]) != 0)
		return row_error(ld, r,
		    "currency '%s' is not customer %s's currency '%s'", f[3],
		    c->id, c->currency);
	if (check_date(ld, r, "valid_from", f[4], &p.from) == -1 ||
	    check_date(ld, r, "valid_to", f[5], &p.to) == -1)
		return -1;
	if (p.from != -1 && p.to != -1 && p.from > p.to)
		return row_error(ld, r, "valid_from %s is after valid_to %s",
		    f[4], f[5]);
	/* Two prices starting the same day leave master_price no winner. */
	key_build(&ld->key, 3, f[0], f[1], f[4]);
	e = map_put(&ld->price_seen, ld->key.s, ld->key.len, &added);
	if (!added)
		return row_error(ld, r, "duplicate price of material '%s' "
		    "for %s%s%s from %s (line %" PRId64 ")", f[0],
		    c ? "customer '" : "all customers", c ? c->id : "",
		    c ? "'" : "", p.from == -1 ? "the start" : f[4], e->v);
	e->v = rec_lineno(r);
	p.material = xstrdup(f[0]);
	p.customer = xstrdup(f[1]);
	p.currency = xstrdup(f[3]);
	grow(&m->price, &ld->price_cap, m->nprice + 1, sizeof *m->price);
	m->price[m->nprice++] = p;
	return 0;
}

static int
plant_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	struct map_entry *e;
	struct plant pl;
	int added;

	if (check_id(ld, r, "plant", f[0]) == -1 ||
	    check_id(ld, r, "sloc", f[1]) == -1 ||
	    check_id(ld, r, "ship_point", f[2]) == -1)
		return -1;
	key_build(&ld->key, 2, f[0], f[1]);
	e = map_put(&ld->plant_seen, ld->key.s, ld->key.len, &added);
	if (!added)
		return row_error(ld, r, "duplicate plant '%s' sloc '%s' "
		    "(line %" PRId64 ")", f[0], f[1], e->v);
	e->v = rec_lineno(r);
	pl.plant = xstrdup(f[0]);
	pl.sloc = xstrdup(f[1]);
	pl.ship_point = xstrdup(f[2]);
	grow(&m->plant, &ld->plant_cap, m->nplant + 1, sizeof *m->plant);
	m->plant[m->nplant++] = pl;
	return 0;
}

static int
batch_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	const struct material *mat;
	struct map_entry *e;
	struct batch b;
	int added;

	if ((mat = master_material(m, f[0])) == NULL)
		return row_error(ld, r, "unknown material '%s'", f[0]);
	if (!mat->batch)
		return row_error(ld, r, "material '%s' is not batch-managed",
		    f[0]);
	if (check_id(ld, r, "batch", f[1]) == -1 ||
	    check_date(ld, r, "expiry", f[2], &b.expiry) == -1)
		return -1;
	key_build(&ld->key, 2, f[0], f[1]);
	e = map_put(&m->batch_ix, ld->key.s, ld->key.len, &added);
	if (!added)
		return row_error(ld, r, "duplicate batch '%s' of material '%s'",
		    f[1], f[0]);
	b.material = xstrdup(f[0]);
	b.batch = xstrdup(f[1]);
	grow(&m->batch, &ld->batch_cap, m->nbatch + 1, sizeof *m->batch);
	m->batch[m->nbatch] = b;
	e->idx = m->nbatch++;
	return 0;
}

static int
target_row(struct load *ld, struct rec_in *r, const char *const *f)
{
	struct master *m = ld->m;
	struct map_entry *e;
	struct target t;
	int added;

	if (master_customer(m, f[0]) == NULL)
		return row_error(ld, r, "unknown customer '%s'", f[0]);
	if (master_material(m, f[1]) == NULL)
		return row_error(ld, r, "unknown material '%s'", f[1]);
	if (check_number(ld, r, "min", f[2], 3, &t.min) == -1 ||
	    check_number(ld, r, "max", f[3], 3, &t.max) == -1)
		return -1;
	if (t.min > t.max)
		return row_error(ld, r, "min %s is above max %s", f[2], f[3]);
	key_build(&ld->key, 2, f[0], f[1]);
	e = map_put(&ld->target_seen, ld->key.s, ld->key.len, &added);
	if (!added)
		return row_error(ld, r, "duplicate target for customer '%s' "
		    "material '%s' (line %" PRId64 ")", f[0], f[1], e->v);
	e->v = rec_lineno(r);
	t.customer = xstrdup(f[0]);
	t.material = xstrdup(f[1]);
	grow(&m->target, &ld->target_cap, m->ntarget + 1, sizeof *m->target);
	m->target[m->ntarget++] = t;
	return 0;
}

/*
 * Read dir/name, which must have the columns cols[0..ncols-1], and pass
 * every row to row.  A missing optional file is no error and no rows.
 * Returns 0, or -1 with the message in ld->err.
 */
static int
load_file(struct load *ld, const char *dir, const char *name, int optional,
    const char *const *cols, int ncols, row_fn *row)
{
	struct buf path = { NULL, 0, 0 };
	const char *f[MAXCOLS];
	char cerr[REC_ERRSZ];
	struct rec_in *r;
	int ix[MAXCOLS], fd, i, k, rc = -1, got;

	if (dir != NULL && *dir != '\0')
		buf_printf(&path, "%s/%s", dir, name);
	else
		buf_adds(&path, name);
	if ((fd = open(path.s, O_RDONLY | O_CLOEXEC)) == -1) {
		if (optional && errno == ENOENT)
			rc = 0;
		else
			snprintf(ld->err, REC_ERRSZ, "cannot open '%s': %s",
			    path.s, strerror(errno));
		buf_free(&path);
		return rc;
	}
	buf_free(&path);
	if ((r = rec_open_fd(fd, name, 0, ld->err)) == NULL) {
		close(fd);
		return -1;
	}
	for (i = 0; i < ncols; i++) {
		if ((ix[i] = rec_col(r, cols[i])) == -1) {
			snprintf(ld->err, REC_ERRSZ, "%s: missing column '%s'",
			    name, cols[i]);
			goto out;
		}
		/* Which of two would be meant?  Neither guess is safe. */
		for (k = ix[i] + 1; k < rec_ncols(r); k++)
			if (strcmp(rec_colname(r, k), cols[i]) == 0) {
				snprintf(ld->err, REC_ERRSZ, "%s: column '%s' "
				    "appears twice", name, cols[i]);
				goto out;
			}
	}
	while ((got = rec_next(r)) == 1) {
		for (i = 0; i < ncols; i++) {
			f[i] = rec_field(r, ix[i]);
			if (check_utf8(ld, r, cols[i], f[i]) == -1)
				goto out;
		}
		if (row(ld, r, f) == -1)
			goto out;
	}
	if (got == -1) {
		snprintf(ld->err, REC_ERRSZ, "%s", rec_err(r));
		goto out;
	}
	rc = 0;
out:
	/* A bad end (truncated gzip) only shows at close. */
	if (rec_close(r, cerr) == -1 && rc == 0) {
		snprintf(ld->err, REC_ERRSZ, "%s", cerr);
		rc = -1;
	}
	close(fd);
	return rc;
}

/* Order of price[]: material, customer, valid_from (no two are equal). */
static int
price_cmp(const void *a, const void *b)
{
	const struct price *x = a, *y = b;
	int c;

	if ((c = strcmp(x->material, y->material)) != 0)
		return c;
	if ((c = strcmp(x->customer, y->customer)) != 0)
		return c;
	return (x->from > y->from) - (x->from < y->from);
}

/* Is price[] in price_cmp order already?  A price list is mostly kept
 * sorted, and one pass is much cheaper than qsort's. */
static int
prices_sorted(const struct master *m)
{
	size_t i;

	for (i = 1; i < m->nprice; i++)
		if (price_cmp(&m->price[i - 1], &m->price[i]) > 0)
			return 0;
	return 1;
}

int
master_load(struct master *m, const char *dir, char *err)
{
	static const char *const mat_cols[] = { "material", "description",
	    "unit", "batch", "serial", "cost", "currency" };
	static const char *const cust_cols[] = { "customer", "name",
	    "currency", "tax_rate", "terms_days" };
	static const char *const price_cols[] = { "material", "customer",
	    "price", "currency", "valid_from", "valid_to" };
	static const char *const plant_cols[] = { "plant", "sloc",
	    "ship_point" };
	static const char *const batch_cols[] = { "material", "batch",
	    "expiry" };
	static const char *const target_cols[] = { "customer", "material",
	    "min", "max" };
	struct load ld;
	int rc;

	memset(m, 0, sizeof *m);
	memset(&ld, 0, sizeof ld);
	ld.m = m;
	ld.err = err;
	err[0] = '\0';
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
	rc = load_file(&ld, dir, "materials.csv", 0, mat_cols, N(mat_cols),
	    material_row);
	if (rc == 0)
		rc = load_file(&ld, dir, "customers.csv", 0, cust_cols,
		    N(cust_cols), customer_row);
	if (rc == 0)
		rc = load_file(&ld, dir, "prices.csv", 0, price_cols,
		    N(price_cols), price_row);
	if (rc == 0)
		rc = load_file(&ld, dir, "plants.csv", 0, plant_cols,
		    N(plant_cols), plant_row);
	if (rc == 0)
		rc = load_file(&ld, dir, "batches.csv", 1, batch_cols,
		    N(batch_cols), batch_row);
	if (rc == 0)
		rc = load_file(&ld, dir, "targets.csv", 1, target_cols,
		    N(target_cols), target_row);
#undef N
	map_free(&ld.price_seen);
	map_free(&ld.plant_seen);
	map_free(&ld.target_seen);
	buf_free(&ld.key);
	if (rc == -1) {
		master_free(m);
		return -1;
	}
	if (!prices_sorted(m))
		qsort(m->price, m->nprice, sizeof *m->price, price_cmp);
	return 0;
}

void
master_free(struct master *m)
{
	size_t i;

	for (i = 0; i < m->nmat; i++) {
		free(m->mat[i].id);
		free(m->mat[i].desc);
		free(m->mat[i].unit);
		free(m->mat[i].currency);
	}
	for (i = 0; i < m->ncust; i++) {
		free(m->cust[i].id);
		free(m->cust[i].name);
		free(m->cust[i].currency);
	}
	for (i = 0; i < m->nprice; i++) {
		free(m->price[i].material);
		free(m->price[i].customer);
		free(m->price[i].currency);
	}
	for (i = 0; i < m->nplant; i++) {
		free(m->plant[i].plant);
		free(m->plant[i].sloc);
		free(m->plant[i].ship_point);
	}
	for (i = 0; i < m->nbatch; i++) {
		free(m->batch[i].material);
		free(m->batch[i].batch);
	}
	for (i = 0; i < m->ntarget; i++) {
		free(m->target[i].customer);
		free(m->target[i].material);
	}
	free(m->mat);
	free(m->cust);
	free(m->price);
	free(m->plant);
	free(m->batch);
	free(m->target);
	map_free(&m->mat_ix);
	map_free(&m->cust_ix);
	map_free(&m->batch_ix);
	memset(m, 0, sizeof *m);
}

const struct material *
master_material(const struct master *m, const char *id)
{
	const struct map_entry *e;

	if (id == NULL || (e = map_get(&m->mat_ix, id, strlen(id))) == NULL)
		return NULL;
	return &m->mat[e->idx];
}

const struct customer *
master_customer(const struct master *m, const char *id)
{
	const struct map_entry *e;

	if (id == NULL || (e = map_get(&m->cust_ix, id, strlen(id))) == NULL)
		return NULL;
	return &m->cust[e->idx];
}

/*
 * Batch determination asks for expiries in a loop, so the key (the bytes
 * key_build makes: material, NUL, batch) is built on the stack when it is
 * short enough.
 */
long
master_expiry(const struct master *m, const char *material,
    const char *batch)
{
	char stack[256], *key;
	const struct map_entry *e;
	size_t lm, lb;
	long expiry = -1;

	if (material == NULL || batch == NULL)
		return -1;
	lm = strlen(material);
	lb = strlen(batch);
	key = lm + 1 + lb <= sizeof stack ? stack : xmalloc(lm + 1 + lb);
	memcpy(key, material, lm);
	key[lm] = '\0';
	memcpy(key + lm + 1, batch, lb);
	if ((e = map_get(&m->batch_ix, key, lm + 1 + lb)) != NULL)
		expiry = m->batch[e->idx].expiry;
	if (key != stack)
		free(key);
	return expiry;
}

/*
 * price[] is sorted by material, so the material's prices are found by
 * binary search and are one run.  Within it, a customer-specific price
 * ranks above a general one and, at equal rank, a later valid_from (an
 * open one counts as earliest) above an earlier one.
 */
const struct price *
master_price(const struct master *m, const char *material,
    const char *customer, long day)
{
	const struct price *p, *best = NULL;
	size_t lo = 0, hi = m->nprice, mid;
	int rank, best_rank = 0;

	if (material == NULL)
		return NULL;
	if (customer == NULL)
		customer = "";
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(m->price[mid].material, material) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->nprice; lo++) {
		p = &m->price[lo];
		if (strcmp(p->material, material) != 0)
			break;
		if ((p->from != -1 && day < p->from) ||
		    (p->to != -1 && day > p->to))
			continue;
		if (p->customer[0] == '\0')
			rank = 1;
		else if (customer[0] != '\0' &&
		    strcmp(p->customer, customer) == 0)
			rank = 2;
		else
			continue;
		if (best == NULL || rank > best_rank ||
		    (rank == best_rank && p->from > best->from)) {
			best = p;
			best_rank = rank;
		}
	}
	return best;
}

const struct plant *
master_plant(const struct master *m, const char *plant, const char *sloc)
{
	const struct plant *p;
	size_t i;

	for (i = 0; i < m->nplant; i++) {
		p = &m->plant[i];
		if (plant != NULL && *plant != '\0' &&
		    strcmp(p->plant, plant) != 0)
			continue;
		if (sloc != NULL && *sloc != '\0' &&
		    strcmp(p->sloc, sloc) != 0)
			continue;
		return p;
	}
	return NULL;
}
