/*
 * journal.c - fuzz target of the journal reader (lib/journal.c) and of the
 * replay of its records into a state (lib/state.c, lib/post.c's rules):
 * the input is written to DIR/journal, opened with journal_open and read
 * with journal_scan and state_replay_fn, as every tool reads it.
 *
 * A mutated record almost never keeps its transaction's CRC, and then the
 * scan stops before any record reaches state_apply.  So each input is
 * replayed twice: as it is (the checks of transaction numbers, commit
 * records, CRCs, torn tails and damage), and "fixed up" (when that changes
 * it), with each C line's record count and CRC recomputed over the bytes
 * from the B line before it, so that mutated records do reach the state.
 *
 * The replay that reaches furthest (fixed up, or as it is when that is
 * the same) is done twice, and must end the same: in one scan, and in two,
 * the first over a prefix cut at a point chosen from the input and the
 * second after the rest is appended, as a tool reads a journal that grows
 * under it (same result, same error, same state).
 * In the one-scan replay, a record that fails must leave the state as it
 * was before it (state.h).  When that replay succeeds without a torn
 * tail, the journal is archived (lib/archive.c, the year chosen from the
 * input, so the cut falls anywhere) and replayed again from the segment
 * and the shortened journal: it must end at the same transaction with the
 * same state, and segment plus journal must be the journal's bytes.  After a scan that succeeds, what the state
 * promises is checked: no stock or reservation below zero, every pool's
 * all-batches total the sum of its batches.
 */
#include <sys/file.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "archive.h"
#include "fuzz.h"
#include "journal.h"
#include "state.h"
#include "util.h"

/* How a replay ended. */
struct outcome {
	int rc;
	char err[JERRSZ];
	uint64_t txn;
	off_t end, torn;
	uint64_t digest;	/* of the state's documents and pools */
};

static char *jpath;

/* A digest of what a replay built: counts, numbers and every pool. */
static uint64_t
state_digest(const struct state *s)
{
	struct buf b = { 0 };
	const struct imap *maps[3];
	uint64_t h;
	size_t i;
	int m;

	buf_printf(&b, "%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %llu %zu",
	    s->norder, s->noitem, s->ndeliv, s->nditem, s->nmatdoc, s->nmitem,
	    s->nbill, s->nbitem, s->npay, s->nser,
	    (unsigned long long)s->next_acc, s->nstr);
	maps[0] = &s->stock;
	maps[1] = &s->claim;
	maps[2] = &s->resv;
	for (m = 0; m < 3; m++)
		for (i = 0; i < maps[m]->n; i++)
			buf_add(&b, &maps[m]->e[i], sizeof maps[m]->e[i]);
	h = hash_bytes(b.s, b.len);
	buf_free(&b);
	return h;
}

/* An order-independent digest of a map's entries that hold something
 * (a failed record may leave new entries behind, all zero). */
static uint64_t
imap_digest(const struct imap *m)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].v != 0 || m->e[i].idx != 0)
			h += hash_bytes(&m->e[i], sizeof m->e[i]);
	return h;
}

#define ARRAY_DIGEST(b, a, n) buf_add((b), (a), (n) * sizeof *(a))

/*
 * A digest of everything a record may change: the documents, serials and
 * numbers, the accounting document in progress, every map and the
 * received totals.  Left out: interned strings and the watermarks, which
 * a failed record may leave moved (their contracts allow it).
 */
static uint64_t
contents_digest(const struct state *s)
{
	const struct imap *maps[] = { &s->stock, &s->claim, &s->resv,
	    &s->batchseq, &s->payix, &s->sold_price, &s->issue_cost,
	    &s->ordpo, &s->payref, &s->matser };
	struct buf b = { 0 };
	uint64_t h;
	size_t i;

	buf_printf(&b, "%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %llu %llu "
	    "%lld %d", s->norder, s->noitem, s->ndeliv, s->nditem,
	    s->nmatdoc, s->nmitem, s->nbill, s->nbitem, s->npay, s->nser,
	    (unsigned long long)s->next_acc, (unsigned long long)s->acc_cur,
	    (long long)s->acc_bal, s->acc_lines);
	ARRAY_DIGEST(&b, s->order, s->norder);
	ARRAY_DIGEST(&b, s->oitem, s->noitem);
	ARRAY_DIGEST(&b, s->deliv, s->ndeliv);
	ARRAY_DIGEST(&b, s->ditem, s->nditem);
	ARRAY_DIGEST(&b, s->matdoc, s->nmatdoc);
	ARRAY_DIGEST(&b, s->mitem, s->nmitem);
	ARRAY_DIGEST(&b, s->bill, s->nbill);
	ARRAY_DIGEST(&b, s->bitem, s->nbitem);
	ARRAY_DIGEST(&b, s->pay, s->npay);
	ARRAY_DIGEST(&b, s->ser, s->nser);
	for (i = 0; i < s->nreceived; i++)
		if (s->received[i] != 0)
			buf_printf(&b, " %zu:%lld", i, (long long)s->received[i]);
	for (i = 0; i < sizeof maps / sizeof maps[0]; i++)
		buf_printf(&b, " %llx", (unsigned long long)imap_digest(maps[i]));
	/* The serial index as state_serial() sees it: an entry left behind
	 * by a serial that was undone points past nser or at another serial,
	 * and is never followed. */
	for (i = 0; i < s->serix.n; i++) {
		const struct ientry *e = &s->serix.e[i];

		if (e->idx < s->nser && s->ser[e->idx].material == e->k[0] &&
		    s->ser[e->idx].serial == e->k[1])
			buf_printf(&b, " %u/%u:%llu", e->k[0], e->k[1],
			    (unsigned long long)e->idx);
	}
	h = hash_bytes(b.s, b.len);
	buf_free(&b);
	return h;
}

/*
 * state_replay_fn, holding state_apply to its contract: a record that
 * fails leaves the state as it was before the record.
 */
static int
apply_checked(void *ctx, const struct jrec *r, struct buf *why)
{
	struct state *s = ctx;
	uint64_t before = contents_digest(s);
	int rc = state_replay_fn(s, r, why);

	if (rc < 0)
		FUZZ_CHECK(contents_digest(s) == before, "a failed %s record "
		    "(txn %llu, offset %lld: %s) changed the state", r->f[0],
		    (unsigned long long)r->txn, (long long)r->off,
		    why->s ? why->s : "");
	return rc;
}

/* What replay promises of any state it accepts. */
static void
check_state(struct state *s)
{
	struct imap total = { 0 };
	struct buf why = { 0 };
	size_t i;
	int m;

	for (m = 0; m < 2; m++) {
		const struct imap *p = m == 0 ? &s->stock : &s->resv;

		memset(&total, 0, sizeof total);
		for (i = 0; i < p->n; i++) {
			const struct ientry *e = &p->e[i];
			struct ientry *t;

			FUZZ_CHECK(e->v >= 0, "%s entry %zu below zero: %lld",
			    m == 0 ? "stock" : "reservation", i,
			    (long long)e->v);
			if (e->k[5] == SID_ALL)
				continue;
			t = imap_get(p, (uint32_t[]){ e->k[0], e->k[1],
			    e->k[2], e->k[3], e->k[4], SID_ALL }, 6);
			FUZZ_CHECK(t != NULL, "%s entry %zu has no total",
			    m == 0 ? "stock" : "reservation", i);
			t = imap_put(&total, t->k, 6, NULL);
			t->v += e->v;
		}
		for (i = 0; i < total.n; i++) {
			const struct ientry *t = imap_get(p, total.e[i].k, 6);

			FUZZ_CHECK(t->v == total.e[i].v, "%s total %lld, its "
			    "batches sum to %lld", m == 0 ? "stock" :
			    "reservation", (long long)t->v,
			    (long long)total.e[i].v);
		}
		imap_free(&total);
	}
	/* The questions the tools ask of a replayed state. */
	(void)state_acc_close(s, &why);
	buf_free(&why);
	(void)state_open_oitem(s);
	(void)state_open_delivery(s);
	(void)state_open_billing(s);
	(void)state_open_payment(s);
	for (i = 0; i < s->ndeliv; i++)
		(void)delivery_unpicked(s, &s->deliv[i]);
}

/* Append n bytes to the journal file. */
static void
append(const void *p, size_t n)
{
	int fd = open(jpath, O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) < 0)
		abort();
}

/* Replay data in one scan (cut >= n) or in two, cut bytes first; fn
 * applies each record. */
static void
replay(const uint8_t *data, size_t n, size_t cut, jrec_fn fn,
    struct outcome *o)
{
	struct journal j;
	struct state s;
	char err[JERRSZ];

	memset(o, 0, sizeof *o);
	fuzz_write(jpath, data, cut < n ? cut : n);
	if (journal_open(&j, fuzz_dir(), 0, err) < 0)
		abort();
	state_init(&s);
	err[0] = '\0';
	o->rc = journal_scan(&j, fn, &s, err);
	if (o->rc == 0 && cut < n) {
		append(data + cut, n - cut);
		o->rc = journal_scan(&j, fn, &s, err);
	}
	FUZZ_CHECK(o->rc == 0 || err[0] != '\0', "scan %d without error",
	    o->rc);
	FUZZ_CHECK(o->rc != 0 || j.end + j.torn == (off_t)n,
	    "end %lld + torn %lld is not the size %zu", (long long)j.end,
	    (long long)j.torn, n);
	if (o->rc == 0)
		check_state(&s);
	snprintf(o->err, sizeof o->err, "%s", err);
	o->txn = j.txn;
	o->end = j.end;
	o->torn = j.torn;
	o->digest = state_digest(&s);
	state_free(&s);
	journal_close(&j);
}

/* The bytes of segment path, inflated; dies when it does not read. */
static void
inflate_seg(const char *path, struct buf *out)
{
	gzFile gz = gzopen(path, "rb");
	char b[65536];
	int n;

	FUZZ_CHECK(gz != NULL, "segment %s does not open", path);
	while ((n = gzread(gz, b, sizeof b)) > 0)
		buf_add(out, b, (size_t)n);
	FUZZ_CHECK(n == 0, "segment %s does not inflate", path);
	gzclose(gz);
}

/* Archive the journal data (which replays cleanly to o) at a year chosen
 * from it, then replay segment and journal: the same end, the same state,
 * the same bytes. */
static void
archive_same(const uint8_t *data, size_t n, const struct outcome *o)
{
	struct journal j;
	struct state s;
	struct archive_res r;
	struct buf seg = { 0 }, rest = { 0 };
	char err[JERRSZ], *path;
	int year = data[n / 3] & 1 ? 9999 : 2000 + data[n / 3] % 40, rc;

	fuzz_write(jpath, data, n);
	if (journal_open(&j, fuzz_dir(), 0, err) < 0 ||
	    journal_lock(&j, LOCK_EX, 1000, err) < 0)
		abort();
	state_init(&s);
	FUZZ_CHECK(journal_scan(&j, state_replay_fn, &s, err) == 0,
	    "the replay before the archive: %s", err);
	rc = journal_archive(&j, year, &r, err);
	FUZZ_CHECK(rc == 0, "archive %d: %s", year, err);
	state_free(&s);
	journal_close(&j);
	if (!r.done)
		return;
	path = fuzz_path(fuzz_dir(), strrchr(r.path, '/') + 1);
	inflate_seg(path, &seg);
	rest.s = fuzz_read(jpath, &rest.len);
	FUZZ_CHECK(seg.len + rest.len == n && seg.len == (size_t)r.bytes &&
	    memcmp(seg.s, data, seg.len) == 0 &&
	    memcmp(rest.s, data + seg.len, rest.len) == 0,
	    "archive %d: segment (%zu) and journal (%zu) are not the %zu "
	    "bytes", year, seg.len, rest.len, n);
	if (journal_open(&j, fuzz_dir(), 0, err) < 0)
		abort();
	state_init(&s);
	rc = journal_scan(&j, state_replay_fn, &s, err);
	FUZZ_CHECK(rc == 0 && j.txn == o->txn && j.torn == 0 &&
	    state_digest(&s) == o->digest,
	    "archive %d, replayed from transaction %llu: rc %d, txn %llu, "
	    "not %llu, state %s (%s)", year, (unsigned long long)r.first,
	    rc, (unsigned long long)j.txn, (unsigned long long)o->txn,
	    state_digest(&s) == o->digest ? "same" : "differs", err);
	state_free(&s);
	journal_close(&j);
	unlink(path);
	free(path);
	buf_free(&seg);
	buf_free(&rest);
}

/* Replay data in one scan and in two (the first over cut bytes): both must
 * end the same. */
static void
replay_cut(const uint8_t *data, size_t n, const char *what)
{
	struct outcome one, two;
	size_t cut = n ? (size_t)data[n / 2] * (n + 1) / 256 : 0;

	replay(data, n, n, apply_checked, &one);
	if (one.rc == 0 && one.torn == 0 && one.txn > 0)
		archive_same(data, n, &one);
	replay(data, n, cut, state_replay_fn, &two);
	FUZZ_CHECK(one.rc == two.rc, "%s, cut at %zu: rc %d vs %d (%s | %s)",
	    what, cut, one.rc, two.rc, one.err, two.err);
	FUZZ_CHECK(strcmp(one.err, two.err) == 0,
	    "%s, cut at %zu: '%s' vs '%s'", what, cut, one.err, two.err);
	if (one.rc == 0)
		FUZZ_CHECK(one.txn == two.txn && one.end == two.end &&
		    one.torn == two.torn && one.digest == two.digest,
		    "%s, cut at %zu: txn %llu/%llu end %lld/%lld torn "
		    "%lld/%lld state %s", what, cut,
		    (unsigned long long)one.txn, (unsigned long long)two.txn,
		    (long long)one.end, (long long)two.end,
		    (long long)one.torn, (long long)two.torn,
		    one.digest == two.digest ? "same" : "differs");
}

/*
 * data with every C line that ends a transaction given its true record
 * count and CRC (its third and fourth fields; a C line with fewer fields
 * is left alone), into out.
 */
static void
fix_commits(const uint8_t *data, size_t n, struct buf *out)
{
	const char *s = (const char *)data, *end = s + n, *nl, *t1, *t2, *t3;
	size_t txstart = 0;
	long nrec = 0;
	int intx = 0;

	buf_reset(out);
	for (; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL) {
			buf_add(out, s, (size_t)(end - s));
			break;
		}
		if (nl - s >= 2 && s[0] == 'B' && s[1] == '\t') {
			intx = 1;
			nrec = 0;
			txstart = out->len;
		} else if (intx && nl - s >= 2 && s[0] == 'C' &&
		    s[1] == '\t' &&
		    (t1 = memchr(s + 2, '\t', (size_t)(nl - s - 2))) &&
		    (t2 = memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)))) {
			uint32_t crc = (uint32_t)crc32(0L,
			    (const Bytef *)out->s + txstart,
			    (uInt)(out->len - txstart));

			t3 = memchr(t2 + 1, '\t', (size_t)(nl - t2 - 1));
			buf_add(out, s, (size_t)(t1 + 1 - s));
			buf_printf(out, "%ld\t%08lx", nrec, (unsigned long)crc);
			if (t3)
				buf_add(out, t3, (size_t)(nl - t3));
			buf_addc(out, '\n');
			intx = 0;
			continue;
		} else if (intx)
			nrec++;
		buf_add(out, s, (size_t)(nl + 1 - s));
	}
}

/*
 * Each scan costs a megabyte's allocation, which AddressSanitizer makes
 * slow: the input as it is is replayed in one scan only, unless fixing it
 * up changes nothing.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf fixed = { 0 };
	struct outcome raw;

	if (jpath == NULL)
		jpath = fuzz_path(fuzz_dir(), "journal");
	fix_commits(data, size, &fixed);
	if (fixed.len == size && (size == 0 || memcmp(fixed.s, data, size) == 0))
		replay_cut(data, size, "as it is");
	else {
		replay(data, size, size, state_replay_fn, &raw);
		replay_cut((const uint8_t *)fixed.s, fixed.len, "fixed up");
	}
	buf_free(&fixed);
	return 0;
}
