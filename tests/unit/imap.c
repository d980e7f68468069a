/*
 * tests/unit/imap.c - the map with inline keys that the state and its
 * cache are made of: lookups after growth, and growth of a map whose
 * arrays belong to a file mapping (the state cache), which must move to
 * the heap without losing the entry being added.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

static void
fill(struct imap *m, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to; i++) {
		uint32_t k[3] = { i, i * 7, 42 };

		imap_put(m, k, 3, NULL)->v = (int64_t)i * 10;
	}
}

static int
all_found(const struct imap *m, uint32_t to)
{
	uint32_t i;

	for (i = 0; i < to; i++) {
		uint32_t k[3] = { i, i * 7, 42 };
		struct ientry *e = imap_get(m, k, 3);

		if (e == NULL || e->v != (int64_t)i * 10)
			return 0;
	}
	return 1;
}

static void
test_grow(void)
{
	struct imap m = { 0 };
	uint32_t k[3] = { 5, 35, 42 }, x[3] = { 5, 35, 43 };

	fill(&m, 0, 1000);
	is_int(m.n, 1000, "1000 keys, 1000 entries");
	ok(all_found(&m, 1000), "every key found after growth");
	ok(imap_get(&m, x, 3) == NULL, "a key never put is not found");
	imap_put(&m, k, 3, NULL)->v = 7;
	is_int(m.n, 1000, "putting a key again adds no entry");
	is_int(imap_get(&m, k, 3)->v, 7, "and finds the same entry");
	imap_free(&m);
}

/* A map as cache_load leaves it: arrays in a mapping, full to the brim. */
static void
test_mapped(void)
{
	struct imap m = { 0 };
	struct ientry *e0;
	uint32_t *s0;
	uint32_t k[3] = { 5000, 35000, 42 };

	fill(&m, 0, 40);
	/* Pretend the arrays are mapped and have no room left, with the
	 * slot table still sparse enough that no rehash comes first. */
	m.cap = m.n;
	e0 = m.e;
	s0 = m.slot;
	m.mapped = 1;
	imap_put(&m, k, 3, NULL)->v = 99;
	ok(!m.mapped && m.e != e0 && m.slot != s0,
	    "growing a mapped map copies its arrays to the heap");
	ok(imap_get(&m, k, 3) != NULL && imap_get(&m, k, 3)->v == 99,
	    "the entry added while moving off the mapping is found");
	ok(all_found(&m, 40), "every earlier entry is still found");
	imap_free(&m);
	free(e0);
	free(s0);
}

int
main(void)
{
	test_grow();
	test_mapped();
	return tap_done();
}
