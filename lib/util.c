/*
 * util.c - allocation, buffers, maps, dates; see util.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void
nomem(void)
{
	fputs("cs: out of memory\n", stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		nomem();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		nomem();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
grow(void *pp, size_t *cap, size_t need, size_t sz)
{
	void **p = pp;
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			nomem();
		c *= 2;
	}
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

void
buf_add_slow(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		grow(&b->s, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc_slow(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add_slow(b, &ch, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format into the room there is; only what does not fit is
	 * formatted again, after growing. */
	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0,
	    fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (b->s)
			b->s[b->len] = '\0';
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		grow(&b->s, &b->cap, b->len + (size_t)n + 1, 1);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *
fmt_u64(uint64_t v, char *b)
{
	char t[20];
	int n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		b[i] = t[n - 1 - i];
	b[n] = '\0';
	return b;
}

char *
fmt_int(int v, char *b)
{
	if (v < 0) {
		b[0] = '-';
		fmt_u64((uint64_t)0 - (uint64_t)(int64_t)v, b + 1);
		return b;
	}
	return fmt_u64((uint64_t)v, b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

uint64_t
hash_bytes(const void *p, size_t n)
{
	/* Eight bytes a step, mixed by multiplication: the maps are on the
	 * replay's hot path, and keys are short. */
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL), w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static size_t *
map_find(const struct map *m, const void *key, size_t klen, uint64_t h)
{
	size_t i, mask = m->nslot - 1;
	struct map_entry *e;

	for (i = h & mask;; i = (i + 1) & mask) {
		if (m->slot[i] == 0 || m->slot[i] > m->n)
			return &m->slot[i];	/* (a damaged slot reads empty) */
		e = &m->e[m->slot[i] - 1];
		if (e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return &m->slot[i];
	}
}

struct map_entry *
map_get(const struct map *m, const void *key, size_t klen)
{
	size_t *s;

	if (m->nslot == 0)
		return NULL;
	s = map_find(m, key, klen, hash_bytes(key, klen));
	return *s ? &m->e[*s - 1] : NULL;
}

static void
map_rehash(struct map *m)
{
	size_t i, j, mask;

	free(m->slot);
	m->nslot = m->nslot ? m->nslot * 2 : 64;
	m->slot = xcalloc(m->nslot, sizeof *m->slot);
	mask = m->nslot - 1;
	for (i = 0; i < m->n; i++) {
		for (j = m->e[i].hash & mask; m->slot[j]; j = (j + 1) & mask)
			;
		m->slot[j] = i + 1;
	}
}

struct map_entry *
map_put(struct map *m, const void *key, size_t klen, int *added)
{
	uint64_t h = hash_bytes(key, klen);
	size_t *s;
	struct map_entry *e;

	if (added)
		*added = 0;
	if (m->nslot == 0 || (m->n + 1) * 2 > m->nslot)
		map_rehash(m);
	s = map_find(m, key, klen, h);
	if (*s)
		return &m->e[*s - 1];
	grow(&m->e, &m->cap, m->n + 1, sizeof *m->e);
	e = &m->e[m->n];
	e->key = xstrndup(key, klen);
	e->klen = klen;
	e->hash = h;
	e->v = 0;
	e->idx = SIZE_MAX;
	*s = ++m->n;
	if (added)
		*added = 1;
	return e;
}

void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->e[i].key);
	free(m->e);
	free(m->slot);
	memset(m, 0, sizeof *m);
}

void
key_build(struct buf *b, int nparts, ...)
{
	va_list ap;
	int i;

	buf_reset(b);
	va_start(ap, nparts);
	for (i = 0; i < nparts; i++) {
		const char *s = va_arg(ap, const char *);

		if (i)
			buf_add(b, "", 1);
		buf_adds(b, s ? s : "");
	}
	va_end(ap);
	if (b->s == NULL)
		buf_add(b, "", 0);
}

int
next_word(const char **p, struct buf *w)
{
	const char *s = *p, *e;

	while (*s == ' ')
		s++;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	for (e = s; *e && *e != ' '; e++)
		;
	buf_reset(w);
	buf_add(w, s, (size_t)(e - s));
	*p = e;
	return 1;
}

int
natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *x = a, *y = b;
			size_t lx, ly;

			while (*x == '0')
				x++;
			while (*y == '0')
				y++;
			for (lx = 0; isdigit((unsigned char)x[lx]); lx++)
				;
			for (ly = 0; isdigit((unsigned char)y[ly]); ly++)
				;
			if (lx != ly)
				return lx < ly ? -1 : 1;
			if (lx) {
				int c = memcmp(x, y, lx);

				if (c)
					return c;
			}
			a = x + lx;
			b = y + ly;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* Days from civil date (proleptic Gregorian), after H. Hinnant's formula. */
static long
civil_days(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long
date_days(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long y, m, d;
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (!isdigit((unsigned char)s[i]))
			return -1;
	}
	if (s[10] != '\0')
		return -1;
	y = strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	return civil_days(y, m, d);
}

void
date_fmt(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	y = ((y % 10000) + 10000) % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

void
date_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static uint64_t
ikey_hash(const uint32_t *k, int nk)
{
	return hash_bytes(k, (size_t)nk * sizeof *k);
}

static uint32_t *
imap_find(const struct imap *m, const uint32_t *k, int nk, uint64_t h)
{
	size_t i, mask = m->nslot - 1;

	for (i = h & mask;; i = (i + 1) & mask) {
		const struct ientry *e;

		if (m->slot[i] == 0 || m->slot[i] > m->n)
			return &m->slot[i];	/* (a damaged slot reads empty) */
		e = &m->e[m->slot[i] - 1];
		if (e->nk == (uint32_t)nk &&
		    memcmp(e->k, k, (size_t)nk * sizeof *k) == 0)
			return &m->slot[i];
	}
}

struct ientry *
imap_get(const struct imap *m, const uint32_t *k, int nk)
{
	uint32_t *s;

	if (m->nslot == 0)
		return NULL;
	s = imap_find(m, k, nk, ikey_hash(k, nk));
	return *s && *s <= m->n ? &m->e[*s - 1] : NULL;
}

/* Copy arrays that live in a file mapping to the heap before changing
 * their size. */
static void
imap_unmap(struct imap *m)
{
	if (!m->mapped)
		return;
	if (m->e) {
		struct ientry *e = xmalloc((m->cap ? m->cap : 1) * sizeof *e);

		memcpy(e, m->e, m->n * sizeof *e);
		m->e = e;
	}
	if (m->slot) {
		uint32_t *s = xmalloc(m->nslot * sizeof *s);

		memcpy(s, m->slot, m->nslot * sizeof *s);
		m->slot = s;
	}
	m->mapped = 0;
}

static void
imap_rehash(struct imap *m, size_t nslot)
{
	size_t i, j, mask = nslot - 1;

	imap_unmap(m);
	free(m->slot);
	m->nslot = nslot;
	m->slot = xcalloc(nslot, sizeof *m->slot);
	for (i = 0; i < m->n; i++) {
		uint64_t h = ikey_hash(m->e[i].k, (int)m->e[i].nk);

		for (j = h & mask; m->slot[j]; j = (j + 1) & mask)
			;
		m->slot[j] = (uint32_t)(i + 1);
	}
}

void
imap_reserve(struct imap *m, size_t extra)
{
	size_t want = m->n + extra, ns = m->nslot ? m->nslot : 64;

	while (want * 2 > ns)
		ns *= 2;
	if (want <= m->cap && ns == m->nslot)
		return;
	imap_unmap(m);
	grow(&m->e, &m->cap, want, sizeof *m->e);
	if (ns != m->nslot)
		imap_rehash(m, ns);
}

struct ientry *
imap_put(struct imap *m, const uint32_t *k, int nk, int *added)
{
	uint64_t h = ikey_hash(k, nk);
	uint32_t *s;
	struct ientry *e;

	if (added)
		*added = 0;
	if (m->nslot == 0 || (m->n + 1) * 2 > m->nslot)
		imap_rehash(m, m->nslot ? m->nslot * 2 : 64);
	s = imap_find(m, k, nk, h);
	if (*s && *s <= m->n)
		return &m->e[*s - 1];
	if (m->n + 1 > m->cap) {
		size_t off = (size_t)(s - m->slot);

		imap_unmap(m);	/* the slots may move to the heap: s too */
		s = m->slot + off;
		grow(&m->e, &m->cap, m->n + 1, sizeof *m->e);
	}
	e = &m->e[m->n];
	memset(e, 0, sizeof *e);
	memcpy(e->k, k, (size_t)nk * sizeof *k);
	e->nk = (uint32_t)nk;
	*s = (uint32_t)++m->n;
	if (added)
		*added = 1;
	return e;
}

void
imap_free(struct imap *m)
{
	if (!m->mapped) {
		free(m->e);
		free(m->slot);
	}
	memset(m, 0, sizeof *m);
}

/*
 * Bytes in the well-formed UTF-8 sequence at p, or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
int
utf8_seq(const unsigned char *p)
{
	int n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

void
unlink_stale(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct buf p = { 0 };
	size_t n = strlen(prefix);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, n) != 0)
			continue;
		pid = strtol(e->d_name + n, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		buf_reset(&p);
		buf_printf(&p, "%s/%s", dir, e->d_name);
		unlink(p.s);
	}
	closedir(d);
	buf_free(&p);
}
