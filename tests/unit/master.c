/*
 * tests/unit/master.c - master data: the sample scenario's materials,
 * customers, prices, plants and batches as the tools will see them, and
 * the exact message for each kind of broken master file.
 *
 * Run from the top of the repository (or build with -DCS_SAMPLE=DIR).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master.h"
#include "num.h"
#include "rec.h"
#include "util.h"
#include "tap.h"

#ifndef CS_SAMPLE
#define CS_SAMPLE "sample-data"
#endif

static const char *const files[] = { "materials.csv", "customers.csv",
    "prices.csv", "plants.csv", "batches.csv", "targets.csv" };
#define NFILES (sizeof files / sizeof files[0])

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	struct buf path = { NULL, 0, 0 };
	FILE *fp;

	buf_printf(&path, "%s/%s", tmpdir, name);
	if ((fp = fopen(path.s, "w")) == NULL ||
	    fputs(text, fp) == EOF || fclose(fp) == EOF) {
		printf("Bail out! cannot write '%s': %s\n", path.s,
		    strerror(errno));
		exit(1);
	}
	buf_free(&path);
}

static void
remove_file(const char *name)
{
	struct buf path = { NULL, 0, 0 };

	buf_printf(&path, "%s/%s", tmpdir, name);
	unlink(path.s);
	buf_free(&path);
}

/* The text of sample file name; the caller frees it. */
static char *
sample_text(const char *name)
{
	struct buf path = { NULL, 0, 0 }, text = { NULL, 0, 0 };
	char chunk[4096];
	size_t n;
	FILE *fp;

	buf_printf(&path, "%s/%s", CS_SAMPLE, name);
	if ((fp = fopen(path.s, "r")) == NULL) {
		printf("Bail out! cannot open '%s': %s\n", path.s,
		    strerror(errno));
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&text, chunk, n);
	fclose(fp);
	buf_free(&path);
	buf_add(&text, "", 0);
	return text.s;
}

/* Put the sample's master files into tmpdir, undoing the last case. */
static void
restore_sample(void)
{
	size_t i;
	char *t;

	for (i = 0; i < NFILES; i++) {
		t = sample_text(files[i]);
		write_file(files[i], t);
		free(t);
	}
}

/*
 * Write text as file name over a copy of the sample and check that
 * loading fails with exactly want and leaves the master empty.
 */
static void
broken(const char *name, const char *text, const char *want,
    const char *what)
{
	struct master m;
	char err[REC_ERRSZ];
	int rc;

	restore_sample();
	write_file(name, text);
	memset(&m, 0xa5, sizeof m);	/* master_load must not read it */
	rc = master_load(&m, tmpdir, err);
	is_int(rc, -1, "%s: load fails", what);
	is_str(err, want, "%s: message", what);
	ok(m.nmat == 0 && m.mat == NULL && m.nprice == 0 && m.mat_ix.n == 0,
	    "%s: nothing half-loaded is left", what);
	master_free(&m);
}

static long
day(const char *ymd)
{
	return date_days(ymd);
}

static void
test_sample(void)
{
	struct master m;
	const struct material *mat;
	const struct customer *c;
	const struct price *p;
	const struct plant *pl;
	char err[REC_ERRSZ];
	long today = day("2026-11-29");
	int64_t tax;
	size_t i;

	is_int(master_load(&m, CS_SAMPLE, err), 0, "sample data loads");
	is_str(err, "", "no message for good data");
	is_int(m.nmat, 6, "6 materials");
	is_int(m.ncust, 3, "3 customers");
	is_int(m.nplant, 1, "1 plant row");
	is_int(m.nbatch, 4, "4 batches");
	is_int(m.ntarget, 3, "3 targets");

	mat = master_material(&m, "H20");
	ok(mat != NULL && mat->serial && !mat->batch,
	    "H20 is serial-managed and not batch-managed");
	mat = master_material(&m, "F126");
	ok(mat != NULL && mat->serial && mat->batch,
	    "F126 is batch- and serial-managed");
	mat = master_material(&m, "F29");
	ok(mat != NULL && !mat->serial && mat->batch,
	    "F29 is batch-managed only");
	mat = master_material(&m, "H11");
	ok(mat != NULL && !mat->serial && !mat->batch, "H11 is plain");
	if (mat != NULL) {
		is_int(mat->cost, 780, "H11 standard cost 7.80 EUR");
		is_str(mat->currency, "EUR", "H11 cost currency");
		is_str(mat->unit, "PC", "H11 unit");
		is_str(mat->desc, "Hip implant stem", "H11 description");
	}
	mat = master_material(&m, "H20");
	is_int(mat ? mat->cost : -1, 15240, "H20 standard cost 152.40 EUR");
	ok(master_material(&m, "X9") == NULL, "X9 is no material");
	ok(master_material(&m, "h11") == NULL, "ids are case-sensitive");
	ok(master_material(&m, NULL) == NULL, "NULL is no material");
	for (i = 0; i < m.nmat; i++)
		if (master_material(&m, m.mat[i].id) != &m.mat[i])
			break;
	is_int(i, m.nmat, "mat_ix finds every material at its index");

	c = master_customer(&m, "100001");
	ok(c != NULL, "customer 100001 exists");
	if (c != NULL) {
		is_int(c->tax_rate, 19000, "100001 tax rate 19%% = 19000");
		is_int(c->terms_days, 30, "100001 pays in 30 days");
		is_str(c->currency, "EUR", "100001 pays in EUR");
	}
	c = master_customer(&m, "100002");
	is_int(c ? c->tax_rate : -1, 7000, "100002 tax rate 7%% = 7000");
	c = master_customer(&m, "100003");
	is_str(c ? c->name : NULL, "上海仁济医院", "100003's UTF-8 name");
	is_int(c ? c->tax_rate : -1, 13000, "100003 tax rate 13%% = 13000");
	is_int(c ? c->terms_days : -1, 60, "100003 pays in 60 days");
	ok(master_customer(&m, "100009") == NULL, "100009 is no customer");

	p = master_price(&m, "H20", "100001", today);
	is_int(p ? p->price : -1, 22950,
	    "H20 for 100001: its own price 229.50");
	is_str(p ? p->customer : NULL, "100001",
	    "H20 for 100001: the customer-specific row");
	p = master_price(&m, "H20", "100002", today);
	is_int(p ? p->price : -1, 24900, "H20 for 100002: general 249.00");
	is_str(p ? p->customer : NULL, "", "H20 for 100002: the general row");
	p = master_price(&m, "H20", NULL, today);
	is_int(p ? p->price : -1, 24900, "H20 for no customer: general");
	p = master_price(&m, "H11", "100001", today);
	is_int(p ? p->price : -1, 1235,
	    "H11 today: 12.35, not the expired 11.90");
	is_str(p ? p->currency : NULL, "EUR", "H11 price currency");
	p = master_price(&m, "H11", "100001", day("2019-06-30"));
	is_int(p ? p->price : -1, 1190, "H11 in 2019: the old 11.90");
	p = master_price(&m, "H11", "100001", day("2019-12-31"));
	is_int(p ? p->price : -1, 1190, "valid_to is inclusive");
	p = master_price(&m, "H11", "100001", day("2020-01-01"));
	is_int(p ? p->price : -1, 1235, "valid_from is inclusive");
	ok(master_price(&m, "H11", "100001", day("2017-12-31")) == NULL,
	    "no H11 price before 2018");
	ok(master_price(&m, "H11", "100001", day("2100-01-01")) == NULL,
	    "no H11 price after 2099");
	ok(master_price(&m, "X9", "100001", today) == NULL,
	    "no price for an unknown material");
	for (i = 0; i < m.nmat; i++)
		if (master_price(&m, m.mat[i].id, "100002", today) == NULL)
			break;
	is_int(i, m.nmat, "every material has a price today");

	/*
	 * The sample is chosen so that rounding shows: 12.35 at 19% is
	 * 2.3465 -> 2.35, and 229.50 at 19% is 43.605, exactly half a cent,
	 * -> 43.61 away from zero.
	 */
	c = master_customer(&m, "100001");
	p = master_price(&m, "H11", "100001", today);
	ok(c && p && num_muldiv(p->price, c->tax_rate, 100 * 1000, &tax) ==
	    NUM_OK && tax == 235, "tax on 1 H11 for 100001 rounds to 2.35");
	p = master_price(&m, "H20", "100001", today);
	ok(c && p && num_muldiv(p->price, c->tax_rate, 100 * 1000, &tax) ==
	    NUM_OK && tax == 4361, "tax on 1 H20 for 100001: 43.605 -> 43.61");

	is_int(master_expiry(&m, "F29", "F29-B1"), day("2027-06-30"),
	    "F29-B1 expires 2027-06-30");
	is_int(master_expiry(&m, "F29", "F29-B2"), day("2027-03-31"),
	    "F29-B2 expires 2027-03-31");
	ok(master_expiry(&m, "F29", "F29-B2") <
	    master_expiry(&m, "F29", "F29-B1"), "F29-B2 expires first");
	is_int(master_expiry(&m, "F126", "F126-B1"), day("2027-01-31"),
	    "F126-B1 expires 2027-01-31");
	is_int(master_expiry(&m, "F126", "F29-B1"), -1,
	    "a batch of another material is unknown");
	is_int(master_expiry(&m, "F29", "F29-B9"), -1,
	    "an unknown batch has no expiry");
	is_int(master_expiry(&m, "H11", ""), -1, "no batch, no expiry");

	pl = master_plant(&m, NULL, NULL);
	is_str(pl ? pl->ship_point : NULL, "1000",
	    "any plant: shipping point 1000");
	pl = master_plant(&m, "1000", "1040");
	is_str(pl ? pl->sloc : NULL, "1040", "plant 1000 sloc 1040");
	pl = master_plant(&m, "1000", "");
	is_str(pl ? pl->sloc : NULL, "1040", "plant 1000, any sloc: 1040");
	ok(master_plant(&m, "1000", "9999") == NULL, "no sloc 9999");
	ok(master_plant(&m, "2000", NULL) == NULL, "no plant 2000");

	for (i = 0; i < m.ntarget; i++)
		if (strcmp(m.target[i].material, "H11") == 0)
			break;
	ok(i < m.ntarget && strcmp(m.target[i].customer, "100001") == 0 &&
	    m.target[i].min == 5000 && m.target[i].max == 20000,
	    "target 100001 H11: min 5, max 20 (thousandths)");

	master_free(&m);
	ok(m.nmat == 0 && m.mat == NULL, "master_free leaves m empty");
	master_free(&m);
	ok(1, "master_free twice is harmless");
}

static void
test_broken(void)
{
	char want[REC_ERRSZ];

	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,,12.35,EUR,,\n"
	    "H20,,249.00,EUR,,\n"
	    "X9,,1.00,EUR,,\n",
	    "prices.csv: line 4: unknown material 'X9'",
	    "unknown material in prices.csv");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,n,n,7.80,EUR\n"
	    "H11,Again,PC,n,n,7.80,EUR\n",
	    "materials.csv: line 3: duplicate material 'H11'",
	    "duplicate material");
	broken("customers.csv",
	    "customer,name,currency,tax_rate,terms_days\n"
	    "100001,St. Marien Hospital Berlin,EUR,\"1,5\",30\n",
	    "customers.csv: line 2: tax_rate '1,5': not a number",
	    "bad tax rate");
	broken("materials.csv",
	    "material,description,unit,batch,serial,currency\n"
	    "H11,Hip implant stem,PC,n,n,EUR\n",
	    "materials.csv: missing column 'cost'", "missing column");
	restore_sample();
	remove_file("materials.csv");
	{
		struct master m;
		char err[REC_ERRSZ];

		snprintf(want, sizeof want,
		    "cannot open '%s/materials.csv': No such file or directory",
		    tmpdir);
		is_int(master_load(&m, tmpdir, err), -1,
		    "missing materials.csv: load fails");
		is_str(err, want, "missing materials.csv: message");
		master_free(&m);
	}

	/* Each other check, with the message a user would get. */
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,n,n,7.805,EUR\n",
	    "materials.csv: line 2: cost '7.805': too many decimal places",
	    "cost with 3 places in EUR");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,n,n,780.5,JPY\n",
	    "materials.csv: line 2: cost '780.5': too many decimal places",
	    "cost with places in JPY");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,n,n,-1,EUR\n",
	    "materials.csv: line 2: cost '-1': negative", "negative cost");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,yes,n,7.80,EUR\n",
	    "materials.csv: line 2: batch 'yes': not y or n", "bad flag");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    ",Hip implant stem,PC,n,n,7.80,EUR\n",
	    "materials.csv: line 2: empty material", "empty material");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11 ,Hip implant stem,PC,n,n,7.80,EUR\n",
	    "materials.csv: line 2: material 'H11 ': blank at the start or end",
	    "material with a trailing blank");
	broken("materials.csv",
	    "material,description,unit,batch,serial,cost,currency\n"
	    "H11,Hip implant stem,PC,n,n,7.80,euro\n",
	    "materials.csv: line 2: currency 'euro': not an ISO 4217 code",
	    "bad currency");
	broken("customers.csv",
	    "customer,name,currency,tax_rate,terms_days\n"
	    "100001,A,EUR,19,30\n"
	    "100002,B,EUR,7.0001,14\n",
	    "customers.csv: line 3: tax_rate '7.0001': too many decimal places",
	    "tax rate with 4 places");
	broken("customers.csv",
	    "customer,name,currency,tax_rate,terms_days\n"
	    "100001,A,EUR,19,-1\n",
	    "customers.csv: line 2: terms_days '-1': not a whole number of days",
	    "negative terms");
	broken("customers.csv",
	    "customer,name,currency,tax_rate,terms_days\n"
	    "100001,A,EUR,19,30\n"
	    "100001,B,EUR,7,14\n",
	    "customers.csv: line 3: duplicate customer '100001'",
	    "duplicate customer");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,100009,12.35,EUR,,\n",
	    "prices.csv: line 2: unknown customer '100009'",
	    "unknown customer in prices.csv");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,100001,12.35,USD,,\n",
	    "prices.csv: line 2: currency 'USD' is not customer 100001's "
	    "currency 'EUR'", "customer price in another currency");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,,12.35,EUR,2021-01-01,2020-12-31\n",
	    "prices.csv: line 2: valid_from 2021-01-01 is after valid_to "
	    "2020-12-31", "valid_from after valid_to");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,,12.35,EUR,2020-02-30,\n",
	    "prices.csv: line 2: valid_from '2020-02-30': not a date "
	    "(YYYY-MM-DD)", "bad date");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,,12.35,EUR,2020-01-01,\n"
	    "H11,,12.50,EUR,2020-01-01,2020-06-30\n",
	    "prices.csv: line 3: duplicate price of material 'H11' for all "
	    "customers from 2020-01-01 (line 2)", "two prices from one day");
	broken("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H20,100001,229.50,EUR,,\n"
	    "H20,100001,230.00,EUR,,2030-12-31\n",
	    "prices.csv: line 3: duplicate price of material 'H20' for "
	    "customer '100001' from the start (line 2)",
	    "two customer prices from the start");
	broken("plants.csv",
	    "plant,sloc,ship_point\n"
	    "1000,1040,1000\n"
	    "1000,1040,1001\n",
	    "plants.csv: line 3: duplicate plant '1000' sloc '1040' (line 2)",
	    "duplicate plant and sloc");
	broken("batches.csv",
	    "material,batch,expiry\n"
	    "H11,H11-B1,2027-01-01\n",
	    "batches.csv: line 2: material 'H11' is not batch-managed",
	    "batch of a material without batches");
	broken("batches.csv",
	    "material,batch,expiry\n"
	    "F29,F29-B1,2027-06-30\n"
	    "F29,F29-B1,\n",
	    "batches.csv: line 3: duplicate batch 'F29-B1' of material 'F29'",
	    "duplicate batch");
	broken("targets.csv",
	    "customer,material,min,max\n"
	    "100001,H11,20,5\n",
	    "targets.csv: line 2: min 20 is above max 5", "min above max");
	broken("targets.csv",
	    "customer,material,min,max\n"
	    "100001,H11,1.2345,5\n",
	    "targets.csv: line 2: min '1.2345': too many decimal places",
	    "target with 4 places");
	broken("targets.csv",
	    "customer,material,min,max\n"
	    "100001,H11,5,20\n"
	    "100001,H11,1,2\n",
	    "targets.csv: line 3: duplicate target for customer '100001' "
	    "material 'H11' (line 2)", "duplicate target");
	broken("plants.csv", "",
	    "plants.csv: missing column 'plant'", "empty plants.csv");
}

static void
test_edges(void)
{
	struct master m;
	const struct price *p;
	char err[REC_ERRSZ];
	long today = day("2026-11-29");

	/* The reader's own errors come under the base name too. */
	restore_sample();
	write_file("customers.csv",
	    "customer,name,currency,tax_rate,terms_days\n"
	    "100001,\"St. Marien\" Hospital,EUR,19,30\n");
	is_int(master_load(&m, tmpdir, err), -1, "stray quote: load fails");
	ok(strncmp(err, "customers.csv: line 2: ", 23) == 0,
	    "stray quote: message names customers.csv line 2 (%s)", err);
	master_free(&m);

	/* Optional files may be missing. */
	restore_sample();
	remove_file("batches.csv");
	remove_file("targets.csv");
	is_int(master_load(&m, tmpdir, err), 0,
	    "without batches.csv and targets.csv: loads");
	ok(m.nbatch == 0 && m.ntarget == 0, "no batches, no targets");
	is_int(master_expiry(&m, "F29", "F29-B1"), -1,
	    "no batches.csv: expiry unknown");
	master_free(&m);

	/*
	 * Columns by name, in any order, extra ones ignored; CRLF and a BOM
	 * as spreadsheets write them; 3-place currencies.
	 */
	restore_sample();
	write_file("materials.csv",
	    "\xef\xbb\xbfnote,currency,cost,serial,batch,unit,description,"
	    "material\r\n"
	    "x,KWD,1.234,n,n,PC,Hip implant stem,H11\r\n"
	    "y,EUR,152.40,y,n,PC,Knee joint implant,H20\r\n"
	    "z,EUR,3.15,n,n,PC,Cortical bone screw,H21\r\n"
	    ",EUR,24.60,n,n,PC,Bone plate,H22\r\n"
	    ",EUR,11.25,n,y,PC,Bone cement,F29\r\n"
	    ",EUR,86.90,y,y,PC,Pacemaker lead,F126\r\n");
	is_int(master_load(&m, tmpdir, err), 0,
	    "reordered columns, extra column, BOM, CRLF: loads");
	if (err[0] != '\0')
		printf("# %s\n", err);
	is_int(master_material(&m, "H11") ? master_material(&m, "H11")->cost
	    : -1, 1234, "KWD cost 1.234 = 1234 fils");
	ok(master_material(&m, "F126") && master_material(&m, "F126")->serial,
	    "F126 serial flag read by name");
	master_free(&m);

	/*
	 * Overlapping prices: the latest valid_from wins among general
	 * prices, and any customer-specific price beats every general one.
	 */
	restore_sample();
	write_file("prices.csv",
	    "material,customer,price,currency,valid_from,valid_to\n"
	    "H11,,10.00,EUR,,\n"
	    "H11,,11.00,EUR,2024-01-01,\n"
	    "H11,,12.00,EUR,2026-01-01,2026-12-31\n"
	    "H11,100001,9.00,EUR,2010-01-01,\n"
	    "H11,100001,9.50,EUR,2026-11-30,\n"
	    "H20,,249.00,EUR,,\n");
	is_int(master_load(&m, tmpdir, err), 0, "overlapping prices load");
	p = master_price(&m, "H11", "100002", today);
	is_int(p ? p->price : -1, 1200, "latest valid_from wins: 12.00");
	p = master_price(&m, "H11", "100002", day("2027-01-01"));
	is_int(p ? p->price : -1, 1100, "after it ends: 11.00");
	p = master_price(&m, "H11", "100002", day("2023-12-31"));
	is_int(p ? p->price : -1, 1000, "before both: the open 10.00");
	p = master_price(&m, "H11", "100001", today);
	is_int(p ? p->price : -1, 900,
	    "customer-specific 9.00 beats a later general price");
	p = master_price(&m, "H11", "100001", day("2026-11-30"));
	is_int(p ? p->price : -1, 950, "next day its newer 9.50 applies");
	p = master_price(&m, "H11", "100001", day("2009-12-31"));
	is_int(p ? p->price : -1, 1000,
	    "before the customer's price: the general one");
	ok(master_price(&m, "H21", "100001", today) == NULL,
	    "a material without prices has none");
	master_free(&m);
}

int
main(void)
{
	size_t i;

	test_sample();

	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/cs-master-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_broken();
	test_edges();
	for (i = 0; i < NFILES; i++)
		remove_file(files[i]);
	rmdir(tmpdir);
	return tap_done();
}
