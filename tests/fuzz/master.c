/*
 * master.c - fuzz target of the master data loader (lib/master.c): the
 * input becomes each of the six master files in turn, in a scratch data
 * directory that otherwise holds the sample data (sample-data/), and the
 * directory is loaded with master_load.
 *
 * The sample data is found at $CS_FUZZ_SAMPLE, else at FUZZ_SAMPLE_DIR
 * (the build passes the source tree's sample-data/).
 *
 * A load that fails must say why in "FILE: ..." form and leave the master
 * data empty.  A load that succeeds must answer for what it loaded: every
 * material, customer and batch is found by its id, every price row's
 * material has a price on each day the row is valid, prices are sorted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "master.h"
#include "rec.h"
#include "util.h"

#ifndef FUZZ_SAMPLE_DIR
#define FUZZ_SAMPLE_DIR "sample-data"
#endif

static const char *const files[] = {
	"materials.csv", "customers.csv", "prices.csv", "plants.csv",
	"batches.csv", "targets.csv"
};
#define NFILES ((int)(sizeof files / sizeof files[0]))

static char *sample[NFILES];	/* each file's sample bytes */
static size_t nsample[NFILES];
static char *path[NFILES];	/* each file in the scratch directory */

static void
setup(void)
{
	const char *dir = getenv("CS_FUZZ_SAMPLE");
	char *p;
	int i;

	if (dir == NULL || *dir == '\0')
		dir = FUZZ_SAMPLE_DIR;
	for (i = 0; i < NFILES; i++) {
		p = fuzz_path(dir, files[i]);
		sample[i] = fuzz_read(p, &nsample[i]);
		free(p);
		path[i] = fuzz_path(fuzz_dir(), files[i]);
		fuzz_write(path[i], sample[i], nsample[i]);
	}
}

/* What a loaded master promises. */
static void
check_master(const struct master *m)
{
	size_t i;

	for (i = 0; i < m->nmat; i++)
		FUZZ_CHECK(master_material(m, m->mat[i].id) == &m->mat[i],
		    "material '%s' not found by its id", m->mat[i].id);
	for (i = 0; i < m->ncust; i++)
		FUZZ_CHECK(master_customer(m, m->cust[i].id) == &m->cust[i],
		    "customer '%s' not found by its id", m->cust[i].id);
	for (i = 0; i < m->nbatch; i++)
		FUZZ_CHECK(master_expiry(m, m->batch[i].material,
		    m->batch[i].batch) == m->batch[i].expiry,
		    "batch '%s' of '%s': expiry not found",
		    m->batch[i].batch, m->batch[i].material);
	for (i = 0; i < m->nprice; i++) {
		const struct price *p = &m->price[i], *q;
		long day[2];
		int d;

		FUZZ_CHECK(master_material(m, p->material) != NULL,
		    "price of unknown material '%s'", p->material);
		if (i > 0)
			FUZZ_CHECK(strcmp(m->price[i - 1].material,
			    p->material) <= 0, "prices not sorted at %zu", i);
		day[0] = p->from != -1 ? p->from : p->to != -1 ? p->to : 0;
		day[1] = p->to != -1 ? p->to : p->from != -1 ? p->from : 0;
		for (d = 0; d < 2; d++) {
			q = master_price(m, p->material, p->customer, day[d]);
			FUZZ_CHECK(q != NULL && strcmp(q->material,
			    p->material) == 0, "no price of '%s' for '%s' on "
			    "day %ld, though line %zu is valid", p->material,
			    p->customer, day[d], i);
			/* A customer's own price beats the general one. */
			if (p->customer[0] != '\0')
				FUZZ_CHECK(strcmp(q->customer, p->customer) ==
				    0, "general price chosen over the "
				    "customer's own for '%s'", p->material);
		}
	}
	(void)master_plant(m, NULL, NULL);
	for (i = 0; i < m->nplant; i++)
		FUZZ_CHECK(master_plant(m, m->plant[i].plant,
		    m->plant[i].sloc) != NULL, "plant '%s' sloc '%s' not found",
		    m->plant[i].plant, m->plant[i].sloc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct master m;
	char err[REC_ERRSZ];
	int i, k;

	if (path[0] == NULL)
		setup();
	for (i = 0; i < NFILES; i++) {
		fuzz_write(path[i], data, size);
		memset(&m, 0xa5, sizeof m);	/* master_load must set all */
		if (master_load(&m, fuzz_dir(), err) == 0) {
			check_master(&m);
			master_free(&m);
		} else {
			/* The message names the file (or its path). */
			for (k = 0; k < NFILES; k++)
				if (strstr(err, files[k]) != NULL)
					break;
			FUZZ_CHECK(k < NFILES, "error names no file: '%s'",
			    err);
			FUZZ_CHECK(m.nmat == 0 && m.mat == NULL &&
			    m.nprice == 0 && m.price == NULL,
			    "%s", "failed load left data behind");
		}
		fuzz_write(path[i], sample[i], nsample[i]);
	}
	return 0;
}
