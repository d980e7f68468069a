/*
 * cache.c - the derived state cache; see cache.h.
 *
 * Layout: a header (magic, build signature, journal end, transaction,
 * the commit record's bytes, counts), then sections in a fixed order, then
 * the CRC-32 of everything before it.  Pointer fields (serial lists) are
 * written as offsets into a text section and fixed up on load.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "cache.h"

#define MAGIC "cs-cache 1\n"
#define COMMITMAX 128

struct hdr {
	char magic[12];
	uint32_t sig;		/* sizes of the structs: another build differs */
	uint32_t pad;
	int64_t end;
	uint64_t txn;
	char commit[COMMITMAX];	/* the last commit record, NUL-padded */
	uint64_t n[20];
};

enum { N_STR, N_ORDER, N_OITEM, N_DELIV, N_DITEM, N_MATDOC, N_MITEM, N_BILL,
    N_BITEM, N_PAY, N_SER, N_ACC, N_RECV, N_TEXT, N_STOCK, N_CLAIM, N_RESV,
    N_MAPS };

static uint32_t
signature(void)
{
	uint32_t v = (uint32_t)(sizeof(struct order) * 31 +
	    sizeof(struct oitem) * 37 + sizeof(struct delivery) * 41 +
	    sizeof(struct ditem) * 43 + sizeof(struct matdoc) * 47 +
	    sizeof(struct mitem) * 53 + sizeof(struct billing) * 59 +
	    sizeof(struct bitem) * 61 + sizeof(struct payment) * 67 +
	    sizeof(struct serial) * 71);

	return v ^ 0x63730001u;
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

/* --- writing -------------------------------------------------------- */

struct w {
	struct buf b;
};

static void
put(struct w *w, const void *p, size_t n)
{
	buf_add(&w->b, p, n);
}

static void
put_map(struct w *w, const struct map *m)
{
	size_t i;
	uint64_t n = m->n;

	put(w, &n, sizeof n);
	for (i = 0; i < m->n; i++) {
		uint32_t kl = (uint32_t)m->e[i].klen;

		put(w, &kl, sizeof kl);
		put(w, m->e[i].key, kl);
		put(w, &m->e[i].v, sizeof m->e[i].v);
	}
}

/* Offset of str in the text section being built (str lives there once). */
static uint64_t
text_off(struct buf *text, const char *str)
{
	uint64_t off = text->len;

	buf_add(text, str, strlen(str) + 1);
	return off;
}

#define PUT_ITEMS(w, arr, n, text) do { \
	size_t i_; \
	for (i_ = 0; i_ < (n); i_++) { \
		__typeof__((arr)[0]) x_ = (arr)[i_]; \
		x_.serials = (char *)(uintptr_t)text_off((text), \
		    (arr)[i_].serials); \
		put((w), &x_, sizeof x_); \
	} \
} while (0)

int
cache_save(const struct state *s, const struct journal *j, const char *dir)
{
	struct w w = { { 0 } };
	struct buf text = { 0 }, path = { 0 }, tmp = { 0 };
	struct hdr h;
	size_t i, done = 0;
	uint32_t crc;
	int fd, rc = -1;

	if (j->fd < 0 || s->sp_active)
		return -1;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MAGIC, sizeof MAGIC - 1);
	h.sig = signature();
	h.end = (int64_t)j->end;
	h.txn = j->txn;
	if (last_commit(j, j->end, h.commit) < 0)
		return -1;
	h.n[N_STR] = s->nstr;
	h.n[N_ORDER] = s->norder;
	h.n[N_OITEM] = s->noitem;
	h.n[N_DELIV] = s->ndeliv;
	h.n[N_DITEM] = s->nditem;
	h.n[N_MATDOC] = s->nmatdoc;
	h.n[N_MITEM] = s->nmitem;
	h.n[N_BILL] = s->nbill;
	h.n[N_BITEM] = s->nbitem;
	h.n[N_PAY] = s->npay;
	h.n[N_SER] = s->nser;
	h.n[N_ACC] = s->next_acc;
	h.n[N_RECV] = s->nreceived;
	put(&w, &h, sizeof h);
	for (i = 0; i < s->nstr; i++)
		put(&w, s->str[i], strlen(s->str[i]) + 1);
	put(&w, s->order, s->norder * sizeof *s->order);
	PUT_ITEMS(&w, s->oitem, s->noitem, &text);
	put(&w, s->deliv, s->ndeliv * sizeof *s->deliv);
	PUT_ITEMS(&w, s->ditem, s->nditem, &text);
	put(&w, s->matdoc, s->nmatdoc * sizeof *s->matdoc);
	PUT_ITEMS(&w, s->mitem, s->nmitem, &text);
	put(&w, s->bill, s->nbill * sizeof *s->bill);
	PUT_ITEMS(&w, s->bitem, s->nbitem, &text);
	put(&w, s->pay, s->npay * sizeof *s->pay);
	put(&w, s->ser, s->nser * sizeof *s->ser);
	put(&w, s->received, s->nreceived * sizeof *s->received);
	{
		uint64_t tl = text.len;

		put(&w, &tl, sizeof tl);
		put(&w, text.s ? text.s : "", text.len);
	}
	put_map(&w, &s->stock);
	put_map(&w, &s->claim);
	put_map(&w, &s->resv);
	put_map(&w, &s->batchseq);
	put_map(&w, &s->sold_price);
	put_map(&w, &s->issue_cost);
	put_map(&w, &s->ordpo);
	crc = (uint32_t)crc32(0L, (const Bytef *)w.b.s, (uInt)w.b.len);
	put(&w, &crc, sizeof crc);

	buf_printf(&path, "%s/journal.cache", dir);
	buf_printf(&tmp, "%s/.journal.cache.%ld", dir, (long)getpid());
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		goto out;
	while (done < w.b.len) {
		ssize_t n = write(fd, w.b.s + done, w.b.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != w.b.len || fsync(fd) < 0) {
		close(fd);
		unlink(tmp.s);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp.s, path.s) < 0) {
		unlink(tmp.s);
		goto out;
	}
	rc = 0;
out:
	buf_free(&w.b);
	buf_free(&text);
	buf_free(&path);
	buf_free(&tmp);
	return rc;
}

/* --- reading -------------------------------------------------------- */

struct r {
	const char *p, *end;
	int bad;
};

static const void *
take(struct r *r, size_t n)
{
	const char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return p;
}

/* Copy n elements of size sz into a fresh array; cap set to n. */
static void *
take_array(struct r *r, size_t n, size_t sz, size_t *cap)
{
	const void *src;
	void *dst;

	if (n > (size_t)(r->end - r->p) / (sz ? sz : 1)) {
		r->bad = 1;
		return NULL;
	}
	src = take(r, n * sz);
	if (src == NULL)
		return NULL;
	dst = xmalloc(n * sz);
	memcpy(dst, src, n * sz);
	*cap = n;
	return dst;
}

static void
take_map(struct r *r, struct map *m)
{
	const uint64_t *n = take(r, sizeof *n);
	uint64_t i;

	if (n == NULL)
		return;
	for (i = 0; i < *n && !r->bad; i++) {
		const uint32_t *kl = take(r, sizeof *kl);
		const char *k = kl ? take(r, *kl) : NULL;
		const int64_t *v = k ? take(r, sizeof *v) : NULL;

		if (v)
			map_put(m, k, *kl, NULL)->v = *v;
	}
}

#define FIX_ITEMS(arr, n, text, tl, bad) do { \
	size_t i_; \
	for (i_ = 0; i_ < (n); i_++) { \
		uintptr_t o_ = (uintptr_t)(arr)[i_].serials; \
		if (o_ >= (tl)) { (bad) = 1; break; } \
		(arr)[i_].serials = (text) + o_; \
	} \
} while (0)

int
cache_load(struct state *s, struct journal *j, const char *dir)
{
	struct buf path = { 0 };
	struct stat sb;
	struct r r = { 0 };
	const struct hdr *h;
	char *img = NULL, *text = NULL, commit[COMMITMAX];
	int fd = -1, ok = 0;
	size_t i, got = 0;
	struct state t;

	if (j->fd < 0 || j->end != 0)
		return 0;
	buf_printf(&path, "%s/journal.cache", dir);
	if ((fd = open(path.s, O_RDONLY)) < 0 || fstat(fd, &sb) < 0 ||
	    (size_t)sb.st_size < sizeof *h + sizeof(uint32_t))
		goto out;
	img = xmalloc((size_t)sb.st_size);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, img + got, (size_t)sb.st_size - got);

		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	{
		uint32_t crc;

		memcpy(&crc, img + got - sizeof crc, sizeof crc);
		if (crc != (uint32_t)crc32(0L, (const Bytef *)img,
		    (uInt)(got - sizeof crc)))
			goto out;
	}
	h = (const struct hdr *)img;
	if (memcmp(h->magic, MAGIC, sizeof MAGIC - 1) != 0 ||
	    h->sig != signature() || fstat(j->fd, &sb) < 0 ||
	    sb.st_size < h->end || last_commit(j, (off_t)h->end, commit) < 0 ||
	    memcmp(commit, h->commit, COMMITMAX) != 0)
		goto out;

	/* Build into t; only a complete, consistent image replaces s. */
	state_init(&t);
	r.p = img + sizeof *h;
	r.end = img + got - sizeof(uint32_t);
	/* String 0 is "", interned by state_init. */
	if (h->n[N_STR] < 1 || take(&r, 1) == NULL || r.p[-1] != '\0')
		r.bad = 1;
	for (i = 1; i < h->n[N_STR] && !r.bad; i++) {
		const char *str = r.p;
		size_t len = strnlen(str, (size_t)(r.end - r.p));

		if (take(&r, len + 1) == NULL)
			break;
		if (state_intern(&t, str) != i)
			r.bad = 1;
	}
	t.order = take_array(&r, h->n[N_ORDER], sizeof *t.order, &t.caporder);
	t.oitem = take_array(&r, h->n[N_OITEM], sizeof *t.oitem, &t.capoitem);
	t.deliv = take_array(&r, h->n[N_DELIV], sizeof *t.deliv, &t.capdeliv);
	t.ditem = take_array(&r, h->n[N_DITEM], sizeof *t.ditem, &t.capditem);
	t.matdoc = take_array(&r, h->n[N_MATDOC], sizeof *t.matdoc,
	    &t.capmatdoc);
	t.mitem = take_array(&r, h->n[N_MITEM], sizeof *t.mitem, &t.capmitem);
	t.bill = take_array(&r, h->n[N_BILL], sizeof *t.bill, &t.capbill);
	t.bitem = take_array(&r, h->n[N_BITEM], sizeof *t.bitem, &t.capbitem);
	t.pay = take_array(&r, h->n[N_PAY], sizeof *t.pay, &t.cappay);
	t.ser = take_array(&r, h->n[N_SER], sizeof *t.ser, &t.capser);
	{
		size_t cap;

		t.received = take_array(&r, h->n[N_RECV], sizeof *t.received,
		    &cap);
		t.nreceived = cap;
	}
	{
		const uint64_t *tl = take(&r, sizeof *tl);
		const char *tp = tl ? take(&r, *tl) : NULL;

		if (tp) {
			text = xmalloc(*tl + 1);
			memcpy(text, tp, *tl);
			text[*tl] = '\0';
			FIX_ITEMS(t.oitem, h->n[N_OITEM], text, *tl, r.bad);
			FIX_ITEMS(t.ditem, h->n[N_DITEM], text, *tl, r.bad);
			FIX_ITEMS(t.mitem, h->n[N_MITEM], text, *tl, r.bad);
			FIX_ITEMS(t.bitem, h->n[N_BITEM], text, *tl, r.bad);
		}
	}
	take_map(&r, &t.stock);
	take_map(&r, &t.claim);
	take_map(&r, &t.resv);
	take_map(&r, &t.batchseq);
	take_map(&r, &t.sold_price);
	take_map(&r, &t.issue_cost);
	take_map(&r, &t.ordpo);
	if (r.bad || r.p != r.end || text == NULL) {
		free(text);
		text = NULL;
		t.noitem = t.nditem = t.nmitem = t.nbitem = 0;
		state_free(&t);
		goto out;
	}
	t.norder = h->n[N_ORDER];
	t.noitem = h->n[N_OITEM];
	t.ndeliv = h->n[N_DELIV];
	t.nditem = h->n[N_DITEM];
	t.nmatdoc = h->n[N_MATDOC];
	t.nmitem = h->n[N_MITEM];
	t.nbill = h->n[N_BILL];
	t.nbitem = h->n[N_BITEM];
	t.npay = h->n[N_PAY];
	t.nser = h->n[N_SER];
	t.next_acc = h->n[N_ACC];
	/* Indexes derived from the arrays. */
	for (i = 0; i < t.nser; i++) {
		sid k[2] = { t.ser[i].material, t.ser[i].serial };

		map_put(&t.serix, k, sizeof k, NULL)->idx = i;
	}
	for (i = 0; i < t.npay; i++)
		map_put(&t.payix, &t.pay[i].doc, sizeof t.pay[i].doc,
		    NULL)->idx = i;
	/* The text lives as long as the state: it is one arena block. */
	grow(&t.arena, &t.caparena, t.narena + 1, sizeof *t.arena);
	t.arena[t.narena++] = text;
	text = NULL;
	state_free(s);
	*s = t;
	j->end = (off_t)h->end;
	j->txn = h->txn;
	ok = 1;
out:
	if (fd >= 0)
		close(fd);
	free(img);
	buf_free(&path);
	return ok;
}
