/*
 * cache.c - the derived state cache; see cache.h.
 *
 * Every part of struct state is an array of plain integers (strings are
 * referred to by sid, map keys are sids), so the cache is those arrays
 * laid out in one file, and loading it is one mmap(2): pages are read when
 * a lookup touches them, so start-up does not grow with the history the
 * cache holds.  The mapping is private: what a tool changes stays in its
 * memory.  Each array is written with room to grow (the file has holes
 * there), so appending does not copy it; an array that outgrows its room
 * is copied to the heap (see sgrow in state.c and imap in util.c).
 *
 * Layout: a header (magic, build signature with the state version, the
 * journal end, transaction and commit record it matches, counts, the
 * section table and a CRC-32 of each section), its own CRC-32, then the
 * sections, each 64-byte aligned.  The header is checked, and so are the
 * sections of stock, claims and reservations, which decide what may be
 * sold and do not grow with history; the history-sized sections are
 * trusted as written (temporary file, fsync, rename), their indexes
 * bounds-checked on use.  cs-stock --check replays the journal itself.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "cache.h"

#define MAGIC "cs-cache 8\n"
#define COMMITMAX 128

enum sec {
	S_ORDER, S_OITEM, S_DELIV, S_DITEM, S_MATDOC, S_MITEM, S_BILL,
	S_BITEM, S_PAY, S_SER, S_RECV, S_BLOB, S_STROFF, S_ISLOT,
	S_MAPS,			/* then entries and slots of each map */
	NMAPS = 12,
	NSEC = S_MAPS + 2 * NMAPS
};

struct sect {
	uint64_t off, n, cap;	/* bytes offset; elements used, room */
};

struct hdr {
	char magic[12];
	uint32_t sig;
	int64_t end;
	uint64_t txn, next_acc, nstr;
	uint64_t wm[4];		/* the state's open-document marks */
	char commit[COMMITMAX];
	struct sect sec[NSEC];
	uint32_t seccrc[NSEC];	/* of each section's bytes in use */
	uint32_t crc;		/* of everything before it */
};

static uint32_t
signature(void)
{
	return (uint32_t)(sizeof(struct order) * 31 +
	    sizeof(struct oitem) * 37 + sizeof(struct delivery) * 41 +
	    sizeof(struct ditem) * 43 + sizeof(struct matdoc) * 47 +
	    sizeof(struct mitem) * 53 + sizeof(struct billing) * 59 +
	    sizeof(struct bitem) * 61 + sizeof(struct payment) * 67 +
	    sizeof(struct serial) * 71 + sizeof(struct ientry) * 73) ^
	    ((uint32_t)STATE_VERSION << 20) ^ 0x63730002u;
}

/* The commit record that ends at offset end of the journal, into out. */
static int
last_commit(const struct journal *j, off_t end, char out[COMMITMAX])
{
	char b[COMMITMAX];
	off_t from = end > COMMITMAX ? end - COMMITMAX : 0;
	ssize_t n;
	char *p;

	memset(out, 0, COMMITMAX);
	if (end == 0)
		/* An empty live journal: all is in segments. */
		return 0;
	n = pread(j->fd, b, (size_t)(end - from), from);
	if (n != end - from || b[n - 1] != '\n')
		return -1;
	b[n - 1] = '\0';
	p = strrchr(b, '\n');
	p = p ? p + 1 : b;
	if (p[0] != 'C' || p[1] != '\t')
		return -1;
	snprintf(out, COMMITMAX, "%s", p);
	return 0;
}

/* Read the header of the cache open on fd into h; 0 when it is one of
 * this build and matches a commit record of journal j, else -1. */
static int
read_header(int fd, const struct journal *j, struct hdr *h, off_t *size)
{
	struct stat sb;
	char commit[COMMITMAX], jerr[JERRSZ];

	if (fstat(fd, &sb) < 0 || (size_t)sb.st_size < sizeof *h ||
	    pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h ||
	    memcmp(h->magic, MAGIC, sizeof MAGIC - 1) != 0 ||
	    h->sig != signature() || h->crc != (uint32_t)crc32(0L,
	    (const Bytef *)h, (uInt)offsetof(struct hdr, crc)) ||
	    last_commit(j, (off_t)h->end, commit) < 0 ||
	    memcmp(commit, h->commit, COMMITMAX) != 0 ||
	    /* At offset 0 of a journal whose transactions are all in
	     * segments there is no commit record to match. */
	    (h->end == 0 && (int64_t)h->txn !=
	    journal_base((struct journal *)j, jerr)))
		return -1;
	*size = sb.st_size;
	return 0;
}

/*
 * Is the cache in dir at or past end already?  The stages of a pipeline
 * start together on one stale cache and each would renew it; the one
 * that comes second finds the first's.
 */
static int
cache_current(const char *dir, const struct journal *j, off_t end)
{
	struct buf path = { 0 };
	struct hdr h;
	off_t size;
	int fd, rc = 0;

	buf_printf(&path, "%s/journal.cache", dir);
	fd = open(path.s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return 0;
	if (read_header(fd, j, &h, &size) == 0 && h.end >= (int64_t)end)
		rc = 1;
	close(fd);
	return rc;
}

/* Room to grow that is written as a hole. */
static size_t
room(size_t n)
{
	return n + n / 8 + 256;
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 64;

	while (p < n)
		p *= 2;
	return p;
}

struct out {
	int fd;
	uint64_t off;
	int bad;
	struct sect *sec0;	/* the header's section table */
	uint32_t *crc;		/* and its CRCs */
};

/* Write n bytes at the next 64-byte boundary, leaving room bytes after
 * them as a hole; record the section. */
static void
put(struct out *o, struct sect *sc, const void *p, size_t n, size_t count,
    size_t roomb, size_t cap)
{
	size_t done = 0;

	o->off = (o->off + 63) & ~(uint64_t)63;
	sc->off = o->off;
	sc->n = count;
	sc->cap = cap;
	o->crc[sc - o->sec0] = (uint32_t)crc32(0L, (const Bytef *)p, (uInt)n);
	while (!o->bad && done < n) {
		ssize_t w = pwrite(o->fd, (const char *)p + done, n - done,
		    (off_t)(o->off + done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->bad = 1;
		else
			done += (size_t)w;
	}
	o->off += n + roomb;
}

#define PUT_ARRAY(o, h, which, arr, n) do { \
	size_t c_ = room(n); \
	put((o), &(h)->sec[which], (arr), (n) * sizeof *(arr), (n), \
	    (c_ - (n)) * sizeof *(arr), c_); \
} while (0)

/* Entries with room, and slots made anew for that room. */
static void
put_imap(struct out *o, struct hdr *h, int i, const struct imap *m)
{
	size_t cap = room(m->n), ns = pow2_at_least(cap * 2), k, j;
	uint32_t *slot = xcalloc(ns, sizeof *slot);

	for (k = 0; k < m->n; k++) {
		uint64_t hv = hash_bytes(m->e[k].k, m->e[k].nk *
		    sizeof(uint32_t));

		for (j = hv & (ns - 1); slot[j]; j = (j + 1) & (ns - 1))
			;
		slot[j] = (uint32_t)(k + 1);
	}
	put(o, &h->sec[S_MAPS + 2 * i], m->e, m->n * sizeof *m->e, m->n,
	    (cap - m->n) * sizeof *m->e, cap);
	put(o, &h->sec[S_MAPS + 2 * i + 1], slot, ns * sizeof *slot, ns, 0,
	    ns);
	free(slot);
}

static const struct imap *
map_of(const struct state *s, int i)
{
	const struct imap *m[NMAPS] = { &s->stock, &s->claim, &s->resv,
	    &s->serix, &s->batchseq, &s->payix, &s->sold_price,
	    &s->issue_cost, &s->ordpo, &s->payref, &s->matser, &s->links };

	return m[i];
}

int
cache_save(const struct state *s, const struct journal *j, const char *dir)
{
	struct buf path = { 0 }, tmp = { 0 }, blob = { 0 };
	struct hdr h;
	struct out o = { -1, 0, 0, NULL, NULL };
	uint64_t *off = NULL;
	uint32_t *islot = NULL;
	size_t i, ns, scap;
	int rc = -1;

	if (j->fd < 0 || s->sp_active || j->txn == 0 || !journal_current(j))
		return -1;
	/* One writer at a time, under an flock of the journal file (the
	 * journal's own lock is the data directory's); a process that finds
	 * it taken, or the cache renewed to where it stands, leaves the work
	 * to the other. */
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0)
		return 0;
	if (cache_current(dir, j, j->end)) {
		flock(j->fd, LOCK_UN);
		return 0;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MAGIC, sizeof MAGIC - 1);
	h.sig = signature();
	h.end = (int64_t)j->end;
	h.txn = j->txn;
	h.next_acc = s->next_acc;
	h.nstr = s->nstr;
	h.wm[0] = s->wm_oitem;
	h.wm[1] = s->wm_deliv;
	h.wm[2] = s->wm_bill;
	h.wm[3] = s->wm_pay;
	if (last_commit(j, j->end, h.commit) < 0) {
		flock(j->fd, LOCK_UN);
		return -1;
	}

	/* Strings: one blob, offsets, and an interning table with room. */
	off = xmalloc((s->nstr + 1) * sizeof *off);
	for (i = 0; i < s->nstr; i++) {
		const char *str = state_str(s, (sid)i);

		off[i] = blob.len;
		buf_add(&blob, str, strlen(str) + 1);
	}
	scap = room(s->nstr);
	ns = pow2_at_least(scap * 2);
	islot = xcalloc(ns, sizeof *islot);
	for (i = 1; i < s->nstr; i++) {
		const char *str = state_str(s, (sid)i);
		size_t k;

		for (k = hash_bytes(str, strlen(str)) & (ns - 1); islot[k];
		    k = (k + 1) & (ns - 1))
			;
		islot[k] = (uint32_t)(i + 1);
	}

	buf_printf(&path, "%s/journal.cache", dir);
	buf_printf(&tmp, "%s/.journal.cache.%ld", dir, (long)getpid());
	unlink_stale(dir, ".journal.cache.");
	/* Ours alone: not readable by others (it holds what the journal
	 * holds), and never through a link planted under its name. */
	unlink(tmp.s);
	o.fd = open(tmp.s, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (o.fd < 0)
		goto out;
	o.off = sizeof h;
	o.sec0 = h.sec;
	o.crc = h.seccrc;
	PUT_ARRAY(&o, &h, S_ORDER, s->order, s->norder);
	PUT_ARRAY(&o, &h, S_OITEM, s->oitem, s->noitem);
	PUT_ARRAY(&o, &h, S_DELIV, s->deliv, s->ndeliv);
	PUT_ARRAY(&o, &h, S_DITEM, s->ditem, s->nditem);
	PUT_ARRAY(&o, &h, S_MATDOC, s->matdoc, s->nmatdoc);
	PUT_ARRAY(&o, &h, S_MITEM, s->mitem, s->nmitem);
	PUT_ARRAY(&o, &h, S_BILL, s->bill, s->nbill);
	PUT_ARRAY(&o, &h, S_BITEM, s->bitem, s->nbitem);
	PUT_ARRAY(&o, &h, S_PAY, s->pay, s->npay);
	PUT_ARRAY(&o, &h, S_SER, s->ser, s->nser);
	PUT_ARRAY(&o, &h, S_RECV, s->received, s->nreceived);
	put(&o, &h.sec[S_BLOB], blob.s, blob.len, blob.len, 0, blob.len);
	put(&o, &h.sec[S_STROFF], off, s->nstr * sizeof *off, s->nstr, 0,
	    s->nstr);
	put(&o, &h.sec[S_ISLOT], islot, ns * sizeof *islot, ns, 0, ns);
	for (i = 0; i < NMAPS; i++)
		put_imap(&o, &h, (int)i, map_of(s, (int)i));
	h.crc = (uint32_t)crc32(0L, (const Bytef *)&h,
	    (uInt)offsetof(struct hdr, crc));
	if (o.bad || pwrite(o.fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
	    ftruncate(o.fd, (off_t)o.off) < 0 || fsync(o.fd) < 0) {
		close(o.fd);
		unlink(tmp.s);
		goto out;
	}
	if (close(o.fd) < 0 || rename(tmp.s, path.s) < 0) {
		unlink(tmp.s);
		goto out;
	}
	rc = 0;
out:
	flock(j->fd, LOCK_UN);
	free(off);
	free(islot);
	buf_free(&blob);
	buf_free(&path);
	buf_free(&tmp);
	return rc;
}

/* Point *arr at section sc of the mapping; elements of size sz. */
static int
section(char *base, size_t len, const struct sect *sc, size_t sz,
    void *arr, size_t *n, size_t *cap)
{
	if (sc->off % 8 || sc->n > sc->cap || sc->off > len ||
	    sc->cap > (len - sc->off) / (sz ? sz : 1))
		return -1;
	*(void **)arr = sc->cap ? base + sc->off : NULL;
	if (n)
		*n = sc->n;
	if (cap)
		*cap = sc->cap;
	return 0;
}

int
cache_load(struct state *s, struct journal *j, const char *dir)
{
	struct buf path = { 0 };
	struct hdr h;
	off_t size;
	char *base = MAP_FAILED;
	int fd = -1, bad = 0, i;
	size_t len = 0, nblob = 0, noff = 0;
	struct state t;
	struct imap *maps[NMAPS];

	if (j->fd < 0 || j->end != 0)
		return 0;
	buf_printf(&path, "%s/journal.cache", dir);
	fd = open(path.s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return 0;
	if (read_header(fd, j, &h, &size) < 0) {
		close(fd);
		return 0;
	}
	len = (size_t)size;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return 0;

	memset(&t, 0, sizeof t);
	t.map_base = base;
	t.map_len = len;
	bad |= section(base, len, &h.sec[S_ORDER], sizeof *t.order, &t.order,
	    &t.norder, &t.caporder);
	bad |= section(base, len, &h.sec[S_OITEM], sizeof *t.oitem, &t.oitem,
	    &t.noitem, &t.capoitem);
	bad |= section(base, len, &h.sec[S_DELIV], sizeof *t.deliv, &t.deliv,
	    &t.ndeliv, &t.capdeliv);
	bad |= section(base, len, &h.sec[S_DITEM], sizeof *t.ditem, &t.ditem,
	    &t.nditem, &t.capditem);
	bad |= section(base, len, &h.sec[S_MATDOC], sizeof *t.matdoc,
	    &t.matdoc, &t.nmatdoc, &t.capmatdoc);
	bad |= section(base, len, &h.sec[S_MITEM], sizeof *t.mitem, &t.mitem,
	    &t.nmitem, &t.capmitem);
	bad |= section(base, len, &h.sec[S_BILL], sizeof *t.bill, &t.bill,
	    &t.nbill, &t.capbill);
	bad |= section(base, len, &h.sec[S_BITEM], sizeof *t.bitem, &t.bitem,
	    &t.nbitem, &t.capbitem);
	bad |= section(base, len, &h.sec[S_PAY], sizeof *t.pay, &t.pay,
	    &t.npay, &t.cappay);
	bad |= section(base, len, &h.sec[S_SER], sizeof *t.ser, &t.ser,
	    &t.nser, &t.capser);
	bad |= section(base, len, &h.sec[S_RECV], sizeof *t.received,
	    &t.received, NULL, &t.nreceived);
	bad |= section(base, len, &h.sec[S_BLOB], 1, &t.mblob, &nblob, NULL);
	bad |= section(base, len, &h.sec[S_STROFF], sizeof *t.mstroff,
	    &t.mstroff, &noff, NULL);
	bad |= section(base, len, &h.sec[S_ISLOT], sizeof *t.islot, &t.islot,
	    &t.nislot, NULL);
	maps[0] = &t.stock;
	maps[1] = &t.claim;
	maps[2] = &t.resv;
	maps[3] = &t.serix;
	maps[4] = &t.batchseq;
	maps[5] = &t.payix;
	maps[6] = &t.sold_price;
	maps[7] = &t.issue_cost;
	maps[8] = &t.ordpo;
	maps[9] = &t.payref;
	maps[10] = &t.matser;
	maps[11] = &t.links;
	for (i = 0; i < NMAPS; i++) {
		struct imap *m = maps[i];

		bad |= section(base, len, &h.sec[S_MAPS + 2 * i], sizeof *m->e,
		    &m->e, &m->n, &m->cap);
		bad |= section(base, len, &h.sec[S_MAPS + 2 * i + 1],
		    sizeof *m->slot, &m->slot, &m->nslot, NULL);
		m->mapped = 1;
		if (m->nslot & (m->nslot - 1))
			bad = 1;
	}
	if (t.nislot & (t.nislot - 1))
		bad = 1;
	/* Stock, claims and reservations decide what may be ordered, moved
	 * and sold: their sections are checked, and they do not grow with
	 * history.  The rest is trusted as written. */
	for (i = 0; !bad && i < 6; i++) {
		const struct sect *sc = &h.sec[S_MAPS + i];
		size_t sz = i % 2 ? sizeof(uint32_t) : sizeof(struct ientry);

		if ((uint32_t)crc32(0L, (const Bytef *)base + sc->off,
		    (uInt)(sc->n * sz)) != h.seccrc[S_MAPS + i])
			bad = 1;
	}
	if (bad || noff != h.nstr || h.nstr == 0 || nblob == 0 ||
	    t.mblob[nblob - 1] != '\0') {
		munmap(base, len);
		return 0;
	}
	t.islot_mapped = 1;
	t.nmstr = t.nstr = (size_t)h.nstr;
	t.nmblob = nblob;
	t.next_acc = h.next_acc;
	t.wm_oitem = (size_t)h.wm[0];
	t.wm_deliv = (size_t)h.wm[1];
	t.wm_bill = (size_t)h.wm[2];
	t.wm_pay = (size_t)h.wm[3];
	state_free(s);
	*s = t;
	j->end = (off_t)h.end;
	j->txn = h.txn;
	return 1;
}
