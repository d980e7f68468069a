/*
 * journal.c - transactions, locking and recovery of the journal; see
 * journal.h and cs-journal(5).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "journal.h"

#ifndef SCANBUF
#define SCANBUF (1024 * 1024)	/* a fuzz build may make it small */
#endif

int
journal_open(struct journal *j, const char *dir, int create, char *err)
{
	struct buf p = { 0 };
	struct stat sb;
	const char *why = NULL;
	int e = 0;

	memset(j, 0, sizeof *j);
	j->fd = -1;
	/* The lock is on the directory, not on the journal: an archive
	 * replaces the journal with a shorter file, and a lock on the old
	 * one would let a writer append to a file no longer there. */
	j->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dfd < 0) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	j->dir = xstrdup(dir);
	buf_printf(&p, "%s/journal", dir);
	/* Mode 0600: the journal holds customers, prices and amounts.  Never
	 * through a symbolic link, which could send the appends elsewhere. */
	j->fd = open(p.s, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC |
	    (create ? O_CREAT : 0), 0600);
	if (j->fd < 0 && !create && (errno == EACCES || errno == EROFS)) {
		/* A report needs no write permission. */
		j->fd = open(p.s, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		j->rdonly = 1;
	}
	if (j->fd < 0 && !create && errno == ENOENT) {
		/* A data directory nothing has been posted to yet. */
		j->path = p.s;
		return 0;
	}
	if (j->fd < 0 && (e = errno) == ELOOP && lstat(p.s, &sb) == 0 &&
	    S_ISLNK(sb.st_mode))
		why = "a symbolic link, not followed";
	if (j->fd >= 0 && fstat(j->fd, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		close(j->fd);
		j->fd = -1;
		why = "not a regular file";
	}
	if (j->fd < 0) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", p.s,
		    why ? why : strerror(e));
		buf_free(&p);
		close(j->dfd);
		free(j->dir);
		j->dir = NULL;
		j->dfd = -1;
		return -1;
	}
	j->path = p.s;
	return 0;
}

int
journal_current(const struct journal *j)
{
	struct stat a, b;

	if (j->fd < 0)
		return stat(j->path, &a) < 0;
	return stat(j->path, &a) == 0 && fstat(j->fd, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Under the lock: when DIR/journal is another file than the one open (an
 * archive replaced it, or it was created since), open that one. */
static int
follow(struct journal *j, char *err)
{
	int fd;

	if (journal_current(j))
		return 0;
	fd = open(j->path, (j->rdonly ? O_RDONLY : O_RDWR | O_APPEND) |
	    O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", j->path,
		    strerror(errno));
		return -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	j->end = 0;
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->dfd >= 0)
		close(j->dfd);
	free(j->path);
	free(j->dir);
	free(j->sbuf);
	memset(j, 0, sizeof *j);
	j->fd = -1;
	j->dfd = -1;
}

int
journal_timeout_ms(void)
{
	const char *s = getenv("CS_LOCK_TIMEOUT");
	long v;
	char *end;

	if (s == NULL || *s == '\0')
		return 30000;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 86400)
		return 30000;
	return (int)(v * 1000);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
journal_lock(struct journal *j, int how, int timeout_ms, char *err)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long start = now_ms();

	if (j->dfd < 0 || j->lock == how)
		return 0;
	for (;;) {
		if (flock(j->dfd, how | LOCK_NB) == 0) {
			j->lock = how;
			/* Also after a conversion, which flock(2) does not
			 * make atomic. */
			if (follow(j, err) < 0) {
				journal_unlock(j);
				return -1;
			}
			return 0;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, JERRSZ, "cannot lock '%s': %s", j->path,
			    strerror(errno));
			return -1;
		}
		if (now_ms() - start >= timeout_ms) {
			snprintf(err, JERRSZ,
			    "'%s': lock not obtained in %d.%03d s", j->path,
			    timeout_ms / 1000, timeout_ms % 1000);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
}

void
journal_unlock(struct journal *j)
{
	if (j->dfd >= 0 && j->lock)
		flock(j->dfd, LOCK_UN);
	j->lock = 0;
}

static int jrec_split_raw(char *, size_t, struct jrec *);

/* Fields past the end of a record read as "", never as garbage. */
static void
pad_fields(struct jrec *r)
{
	static char empty[1];
	int i;

	for (i = r->nf; i < JMAXF; i++)
		r->f[i] = empty;
}

int
jrec_split(char *line, size_t len, struct jrec *r)
{
	int rc = jrec_split_raw(line, len, r);

	pad_fields(r);
	return rc;
}

/*
 * The common case, nothing escaped, cuts at each TAB; the scan for TABs
 * looks for a backslash at the same time, and the first one sends the rest
 * of the line to the unescaping loop.  SSE2 looks at 16 bytes a step, never
 * past end, where the line's LF or the caller's NUL stands.
 */
static int
jrec_split_raw(char *line, size_t len, struct jrec *r)
{
	char *w, *s = line, *end = line + len;

	r->nf = 0;
	r->f[r->nf++] = line;
#ifdef __SSE2__
	{
		const __m128i tab = _mm_set1_epi8('\t');
		const __m128i bsl = _mm_set1_epi8('\\');

		for (; end - s >= 16; s += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(void *)s);
			unsigned mt = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, tab));
			unsigned mb = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, bsl));

			if (mb)
				/* TABs before the first backslash only */
				mt &= (1u << __builtin_ctz(mb)) - 1;
			for (; mt; mt &= mt - 1) {
				char *t = s + __builtin_ctz(mt);

				*t = '\0';
				if (r->nf == JMAXF)
					return -1;
				r->f[r->nf++] = t + 1;
			}
			if (mb) {
				s += __builtin_ctz(mb);
				goto escaped;
			}
		}
	}
#endif
	for (; s < end; s++) {
		if (*s == '\\')
			goto escaped;
		if (*s == '\t') {
			*s = '\0';
			if (r->nf == JMAXF)
				return -1;
			r->f[r->nf++] = s + 1;
		}
	}
	*end = '\0';
	return 0;
escaped:
	for (w = s; s < end; s++) {
		if (*s == '\t') {
			*w++ = '\0';
			if (r->nf == JMAXF)
				return -1;
			r->f[r->nf++] = w;
		} else if (*s == '\\') {
			if (++s == end)
				return -1;
			switch (*s) {
			case 't': *w++ = '\t'; break;
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case '\\': *w++ = '\\'; break;
			default: return -1;
			}
		} else
			*w++ = *s;
	}
	*w = '\0';
	return 0;
}

/* Parse "C <txn> <n> <crc>"; 0 on success. */
static int
parse_commit(char *line, size_t len, uint64_t *txn, long *n, uint32_t *crc)
{
	struct jrec r;
	char *e1, *e2, *e3;
	unsigned long long t;
	unsigned long c;

	if (jrec_split(line, len, &r) < 0 || r.nf != 4)
		return -1;
	errno = 0;
	t = strtoull(r.f[1], &e1, 10);
	*n = strtol(r.f[2], &e2, 10);
	c = strtoul(r.f[3], &e3, 16);
	if (errno || *e1 || *e2 || *e3 || strlen(r.f[3]) != 8)
		return -1;
	*txn = t;
	*crc = (uint32_t)c;
	return 0;
}

/*
 * The kinds of j->only, made once a transaction: one[c] is set for each
 * kind of the single character c (all kinds are, so far); longer kinds
 * set many.  The test of a record is then a byte or two.
 */
struct kinds {
	unsigned char one[256];
	int many;
};

static void
kinds_init(struct kinds *k, const char *only)
{
	const char *p = only, *w;

	memset(k, 0, sizeof *k);
	while (*p) {
		while (*p == ' ')
			p++;
		for (w = p; *p && *p != ' '; p++)
			;
		if (p - w == 1 && *w != '\t' && *w != '\n')
			k->one[(unsigned char)*w] = 1;
		else if (p - w > 1)
			k->many = 1;
	}
}

/* Is the record kind at l (up to its TAB) one of j->only? */
static int
wanted(const struct journal *j, const struct kinds *k, const char *l,
    const char *end)
{
	const char *t, *p = j->only, *w;
	size_t n;

	if (k->one[(unsigned char)l[0]] && (l + 1 == end || l[1] == '\t'))
		return 1;
	if (!k->many)
		return 0;
	t = memchr(l, '\t', (size_t)(end - l));
	n = t ? (size_t)(t - l) : (size_t)(end - l);
	while (*p) {
		while (*p == ' ')
			p++;
		for (w = p; *p && *p != ' '; p++)
			;
		if ((size_t)(p - w) == n && n > 1 && memcmp(w, l, n) == 0)
			return 1;
	}
	return 0;
}

/* Deliver the records of the verified transaction in [s, end) (its B line
 * first, skipped) to fn, splitting each in place. */
static int
deliver(struct journal *j, uint64_t txn, off_t txoff, char *s, char *end,
    jrec_fn fn, void *ctx, char *err)
{
	char *start = s, *nl;
	struct jrec r;
	struct buf why = { 0 };
	struct kinds k;

	if (j->only)
		kinds_init(&k, j->only);
	s = (char *)memchr(s, '\n', (size_t)(end - s)) + 1;
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (j->only && !wanted(j, &k, s, nl))
			continue;
		r.off = txoff + (s - start);
		if (jrec_split(s, (size_t)(nl - s), &r) < 0) {
			snprintf(err, JERRSZ, "%s: transaction %" PRIu64
			    " at offset %lld: record does not split",
			    j->path, txn, (long long)r.off);
			return -1;
		}
		r.txn = txn;
		if (fn && fn(ctx, &r, &why) < 0) {
			snprintf(err, JERRSZ, "%s: transaction %" PRIu64
			    " at offset %lld: %s record: %s", j->path, txn,
			    (long long)r.off, r.f[0], why.s ? why.s : "");
			buf_free(&why);
			return -1;
		}
	}
	buf_free(&why);
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* On a terminal, after the first second: how far a long scan is. */
static void
progress(struct journal *j, off_t pos, off_t size, double t0, double *last)
{
	double t;

	if (!j->progress || size <= 0)
		return;
	t = now();
	if (t - t0 < 1.0 || t - *last < 0.25)
		return;
	*last = t;
	fprintf(stderr, "\r%s: reading the journal: %3d%%", j->progress,
	    (int)(pos * 100 / size));
}

/* Where a scan reads: the live journal, or a segment through zlib. */
struct src {
	int fd;
	gzFile gz;		/* a segment; NULL for the live journal */
	off_t size;		/* read no further (segments: no limit) */
	off_t gzsize;		/* a segment's file size, for the progress */
	off_t *end;		/* end of the last good transaction */
	int stopped;		/* the scan reached j->limit_txn */
	uint64_t last;		/* the last transaction it committed */
};

static ssize_t
src_read(struct src *x, char *b, size_t n, off_t at)
{
	if (x->gz == NULL)
		return pread(x->fd, b, n, at);
	/* A segment is read in order, so at is always where it stands. */
	if (n > (1U << 30))
		n = 1U << 30;
	return gzread(x->gz, b, (unsigned)n);
}

/*
 * The scan works in one buffer that holds whole transactions: each is
 * checked (CRC over its bytes where they lie) and its records split in
 * place, so no byte is copied on the way.  What is left at the end of a
 * read, a transaction or a line not complete yet, moves to the front
 * before the next read; a transaction larger than the buffer grows it.
 * At the start of a source, its first transaction may be one the state
 * has already (the live journal after an archive, or a segment that
 * begins before where the state stands): those are checked and skipped.
 */
static int
scan_src(struct journal *j, struct src *x, jrec_fn fn, void *ctx, char *err)
{
	char *b;
	size_t cap, len = 0, p = 0, tx = 0;
	off_t base, size = x->size, txoff = 0, bad_off = 0, junk = -1;
	int intx = 0, shown = 0;
	uint64_t txn = 0, expect = j->txn + 1;
	long nrec = 0;
	double t0 = 0, last = 0;

	if (j->progress && isatty(2))
		t0 = now();
	else if (j->progress)
		j->progress = NULL;
	/* The buffer stays with the journal: a stage scans at every batch. */
	if (j->sbuf == NULL) {
		j->scap = SCANBUF;
		j->sbuf = xmalloc(j->scap);
	}
	b = j->sbuf;
	cap = j->scap;
	base = *x->end;
	for (;;) {
		ssize_t n;
		char *l, *nl;

		/* Keep what is still needed, then read after it. */
		{
			size_t keep = intx ? tx : p;

			if (keep > 0) {
				memmove(b, b + keep, len - keep);
				len -= keep;
				base += (off_t)keep;
				if (intx)
					tx = 0;
				p -= keep;
			}
			if (len == cap) {
				cap *= 2;
				b = j->sbuf = xrealloc(b, cap);
				j->scap = cap;
			}
		}
		if (base + (off_t)len >= size)
			break;
		n = src_read(x, b + len, cap - len, base + (off_t)len);
		if (n < 0 && x->gz == NULL && errno == EINTR)
			continue;
		if (n < 0) {
			int zerr;
			const char *m = x->gz ? gzerror(x->gz, &zerr) : NULL;

			snprintf(err, JERRSZ, "%s: %s", j->path,
			    x->gz && zerr != Z_ERRNO ? m : strerror(errno));
			return x->gz && zerr != Z_ERRNO ? -1 : -2;
		}
		if (n == 0)
			break;
		if (base + (off_t)(len + (size_t)n) > size)
			n = (ssize_t)(size - base - (off_t)len);
		len += (size_t)n;
		progress(j, x->gz ? (off_t)gzoffset(x->gz) : base + (off_t)len,
		    x->gz ? x->gzsize : size, t0, &last);
		shown |= j->progress != NULL && last > 0;
		for (; (nl = memchr(b + p, '\n', len - p)) != NULL;
		    p = (size_t)(nl + 1 - b)) {
			size_t ll = (size_t)(nl + 1 - (b + p));
			off_t loff = base + (off_t)p;

			l = b + p;
			if (junk >= 0) {
				/* After a line that starts no transaction, only a
				 * torn tail may follow: no commit record. */
				if (l[0] == 'C' && l[1] == '\t') {
					bad_off = junk;
					goto damaged;
				}
			} else if (!intx) {
				char *e1;
				unsigned long long t;

				if (ll < 3 || l[0] != 'B' || l[1] != '\t') {
					junk = loff;
					continue;
				}
				t = strtoull(l + 2, &e1, 10);
				if (loff == 0 && t >= 1 && t < expect)
					/* Transactions the state has. */
					expect = t;
				if (*e1 != '\t' || t != expect) {
					junk = loff;
					continue;
				}
				txn = t;
				intx = 1;
				nrec = 0;
				txoff = loff;
				tx = p;
			} else if (l[0] == 'C' && l[1] == '\t') {
				uint64_t ct;
				long cn;
				uint32_t crc, want;

				want = (uint32_t)crc32(0L, (const Bytef *)b + tx,
				    (uInt)(p - tx));
				if (parse_commit(l, ll - 1, &ct, &cn, &crc) < 0 ||
				    ct != txn || cn != nrec || crc != want) {
					if (loff + (off_t)ll >= size)
						/* A bad commit at the very end:
						 * torn. */
						goto end;
					goto damaged_tx;
				}
				if (txn > j->txn && j->limit_txn &&
				    txn > j->limit_txn) {
					x->stopped = 1;
					goto end;
				}
				if (txn > j->txn) {
					if (deliver(j, txn, txoff, b + tx, b + p,
					    fn, ctx, err) < 0)
						return -1;
					j->txn = txn;
				}
				j->scanned += loff + (off_t)ll - txoff;
				*x->end = loff + (off_t)ll;
				x->last = txn;
				expect = txn + 1;
				intx = 0;
			} else if (l[0] == 'B' && l[1] == '\t')
				/* A new transaction before the last one
				 * committed: the last one is torn, and data
				 * follows it. */
				goto damaged_tx;
			else
				nrec++;
		}
	}
end:
	if (shown)
		fprintf(stderr, "\r%*s\r", 40 + (int)strlen(j->progress), "");
	if (x->stopped)
		return 0;
	if (x->gz == NULL)
		j->torn = size - *x->end;
	else if (base + (off_t)len != *x->end) {
		/* A segment ends with a commit. */
		snprintf(err, JERRSZ, "%s: damaged at offset %lld: not a "
		    "whole transaction after transaction %" PRIu64, j->path,
		    (long long)*x->end, j->txn);
		return -1;
	}
	return 0;

damaged:
	snprintf(err, JERRSZ, "%s: damaged at offset %lld: not a transaction "
	    "start after transaction %" PRIu64 ", and a commit follows",
	    j->path, (long long)bad_off, j->txn);
	return -1;
damaged_tx:
	snprintf(err, JERRSZ, "%s: transaction %" PRIu64 " at offset %lld: "
	    "commit missing or checksum mismatch, and more data follows",
	    j->path, txn, (long long)txoff);
	return -1;
}

/* The number in the live journal's first line "B <txn> ...", 0 when it
 * is empty or starts otherwise. */
static uint64_t
first_txn(const struct journal *j)
{
	char b[64], *e;
	ssize_t n;
	unsigned long long t;

	if (j->fd < 0 || (n = pread(j->fd, b, sizeof b - 1, 0)) < 3)
		return 0;
	b[n] = '\0';
	if (b[0] != 'B' || b[1] != '\t')
		return 0;
	t = strtoull(b + 2, &e, 10);
	return *e == '\t' ? t : 0;
}

/* Read one segment through zlib: all of it, ending at its last
 * transaction. */
static int
scan_seg(struct journal *j, const struct jseg *g, jrec_fn fn, void *ctx,
    char *err)
{
	struct src x;
	off_t end = 0;
	char *live = j->path;
	struct stat sb;
	int fd, rc, zerr;

	memset(&x, 0, sizeof x);
	if ((fd = open(g->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", g->path,
		    strerror(errno));
		return -2;
	}
	x.gzsize = fstat(fd, &sb) == 0 ? sb.st_size : 0;
	if ((x.gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		snprintf(err, JERRSZ, "%s: out of memory", g->path);
		return -2;
	}
	gzbuffer(x.gz, 1 << 20);
	x.fd = -1;
	x.size = INT64_MAX;
	x.end = &end;
	/* Messages name the segment. */
	j->path = g->path;
	rc = scan_src(j, &x, fn, ctx, err);
	j->path = live;
	if (rc == 0 && !x.stopped) {
		const char *m = gzerror(x.gz, &zerr);

		if (zerr != Z_OK && zerr != Z_STREAM_END) {
			snprintf(err, JERRSZ, "%s: %s", g->path, m);
			rc = -1;
		} else if (j->txn != g->last)
			snprintf(err, JERRSZ, "%s: ends at transaction %" PRIu64
			    " (at offset %lld), not at %" PRIu64 " as its "
			    "header says", g->path, j->txn, (long long)end,
			    g->last), rc = -1;
	}
	gzclose(x.gz);
	return rc;
}

/* At the start of the live journal: read the segments that hold
 * transactions after j->txn which the live journal does not. */
static int
scan_segments(struct journal *j, jrec_fn fn, void *ctx, char *err)
{
	struct jseg *g = NULL;
	uint64_t live = first_txn(j);
	int n = journal_segments(j, &g, err), i, rc = 0;

	if (n < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (g[i].last <= j->txn)
			continue;
		if (live && live <= j->txn + 1)
			break;
		if (j->limit_txn && j->txn >= j->limit_txn)
			break;
		if (g[i].first > j->txn + 1) {
			snprintf(err, JERRSZ, "%s: transactions %" PRIu64
			    " to %" PRIu64 " are missing: no segment holds "
			    "them", g[i].path, j->txn + 1, g[i].first - 1);
			rc = -1;
			break;
		}
		rc = scan_seg(j, &g[i], fn, ctx, err);
	}
	if (rc == 0 && live > j->txn + 1 &&
	    !(j->limit_txn && j->txn >= j->limit_txn)) {
		snprintf(err, JERRSZ, "%s: starts at transaction %" PRIu64
		    ", but transactions %" PRIu64 " to %" PRIu64 " are in no "
		    "segment", j->path, live, j->txn + 1, live - 1);
		rc = -1;
	}
	jseg_free(g, n);
	return rc;
}

int
journal_scan(struct journal *j, jrec_fn fn, void *ctx, char *err)
{
	struct src x;
	struct stat sb;
	uint64_t had;
	int64_t base = 0;
	int rc, from0;

	j->torn = 0;
	if (j->end == 0 && (rc = scan_segments(j, fn, ctx, err)) < 0)
		return rc;
	if (j->fd < 0 || (j->limit_txn && j->txn >= j->limit_txn))
		return 0;
	if (fstat(j->fd, &sb) < 0) {
		snprintf(err, JERRSZ, "%s: %s", j->path, strerror(errno));
		return -2;
	}
	memset(&x, 0, sizeof x);
	x.fd = j->fd;
	x.size = sb.st_size;
	x.end = &j->end;
	if (j->limit > 0 && x.size > j->limit)
		/* What lies beyond is another reader's business (a report
		 * stops where the state it joins the records with ends). */
		x.size = j->limit;
	if (x.size < j->end) {
		snprintf(err, JERRSZ, "%s: shorter than what was read before",
		    j->path);
		return -1;
	}
	from0 = j->end == 0;
	had = j->txn;
	if ((rc = scan_src(j, &x, fn, ctx, err)) < 0 || !from0 || had == 0 ||
	    x.stopped)
		return rc;
	/* Read from its start with a state that stood at transaction had
	 * (a journal replaced under a running tool, a cache of an empty
	 * journal): the journal must reach that far, or, empty, follow the
	 * segments that end there. */
	if (x.last == 0 && (base = journal_base(j, err)) < 0)
		return -1;
	if (x.last ? x.last < had : (uint64_t)base != had) {
		snprintf(err, JERRSZ, "%s: ends at transaction %" PRIu64
		    ", before transaction %" PRIu64 " read before",
		    j->path, x.last ? x.last : (uint64_t)base, had);
		return -1;
	}
	return 0;
}

int
journal_seg_header(struct jseg *g, char *err)
{
	unsigned char in[4096], out[4096];
	char comment[128];
	gz_header h;
	z_stream z;
	ssize_t n;
	int fd, zr;
	unsigned long long a, b;
	char *e1, *e2;

	if ((fd = open(g->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", g->path,
		    strerror(errno));
		return -1;
	}
	n = read(fd, in, sizeof in);
	close(fd);
	memset(&z, 0, sizeof z);
	memset(&h, 0, sizeof h);
	memset(comment, 0, sizeof comment);
	h.comment = (Bytef *)comment;
	h.comm_max = sizeof comment - 1;
	if (n <= 0 || inflateInit2(&z, 15 + 16) != Z_OK) {
		snprintf(err, JERRSZ, "%s: not a journal segment", g->path);
		return -1;
	}
	inflateGetHeader(&z, &h);
	z.next_in = in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = sizeof out;
	zr = inflate(&z, Z_BLOCK);
	inflateEnd(&z);
	errno = 0;
	if ((zr != Z_OK && zr != Z_STREAM_END) || h.done != 1 ||
	    strncmp(comment, "cs-journal segment ", 19) != 0 ||
	    (a = strtoull(comment + 19, &e1, 10)) == 0 || *e1 != ' ' ||
	    (b = strtoull(e1 + 1, &e2, 10)) < a || *e2 != '\0' || errno) {
		snprintf(err, JERRSZ, "%s: not a journal segment (no header "
		    "naming its transactions)", g->path);
		return -1;
	}
	g->first = a;
	g->last = b;
	return 0;
}

static int
seg_cmp(const void *a, const void *b)
{
	return ((const struct jseg *)a)->year - ((const struct jseg *)b)->year;
}

int
journal_segments(const struct journal *j, struct jseg **segs, char *err)
{
	DIR *d;
	struct dirent *e;
	struct jseg *g = NULL;
	size_t cap = 0;
	int n = 0, i;

	*segs = NULL;
	if (j->dir == NULL || (d = opendir(j->dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		const char *s = e->d_name;

		if (strncmp(s, "journal-", 8) != 0 || strlen(s) != 15 ||
		    strcmp(s + 12, ".gz") != 0 || strspn(s + 8, "0123456789")
		    != 4)
			continue;
		grow(&g, &cap, (size_t)n + 1, sizeof *g);
		g[n].year = atoi(s + 8);
		g[n].path = xmalloc(strlen(j->dir) + 17);
		sprintf(g[n].path, "%s/%s", j->dir, s);
		g[n].first = g[n].last = 0;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(g, (size_t)n, sizeof *g, seg_cmp);
	for (i = 0; i < n; i++)
		if (journal_seg_header(&g[i], err) < 0 || (i > 0 && g[i].first !=
		    g[i - 1].last + 1)) {
			if (i > 0 && g[i].first != g[i - 1].last + 1)
				snprintf(err, JERRSZ, "%s: starts at "
				    "transaction %" PRIu64 ", not after %"
				    PRIu64 " where %s ends", g[i].path,
				    g[i].first, g[i - 1].last, g[i - 1].path);
			jseg_free(g, n);
			return -1;
		}
	*segs = g;
	return n;
}

void
jseg_free(struct jseg *segs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(segs[i].path);
	free(segs);
}

int64_t
journal_base(struct journal *j, char *err)
{
	struct jseg *g;
	uint64_t t = first_txn(j);
	int n;

	if (t > 0)
		return (int64_t)t - 1;
	if ((n = journal_segments(j, &g, err)) < 0)
		return -1;
	t = n > 0 ? g[n - 1].last : 0;
	jseg_free(g, n);
	return (int64_t)t;
}

off_t
journal_cut_torn(struct journal *j, char *err)
{
	struct stat sb;
	off_t cut;

	if (j->fd < 0)
		return 0;
	if (fstat(j->fd, &sb) < 0) {
		snprintf(err, JERRSZ, "%s: %s", j->path, strerror(errno));
		return -1;
	}
	cut = sb.st_size - j->end;
	if (cut <= 0)
		return 0;
	if (ftruncate(j->fd, j->end) < 0 || fsync(j->fd) < 0) {
		snprintf(err, JERRSZ, "cannot truncate '%s': %s", j->path,
		    strerror(errno));
		return -1;
	}
	j->torn = 0;
	return cut;
}

static void
add_field(struct buf *tx, const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		switch (*p) {
		case '\t': buf_add(tx, "\\t", 2); break;
		case '\n': buf_add(tx, "\\n", 2); break;
		case '\r': buf_add(tx, "\\r", 2); break;
		case '\\': buf_add(tx, "\\\\", 2); break;
		default: buf_addc(tx, *p); break;
		}
	}
}

void
jtx_rec(struct buf *tx, int n, const char *const *f)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(tx, '\t');
		add_field(tx, f[i] ? f[i] : "");
	}
	buf_addc(tx, '\n');
}

void
jtx_begin(struct journal *j, struct buf *tx, const char *tool)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_reset(tx);
	buf_printf(tx, "B\t%" PRIu64 "\t%s\t", j->txn + 1, stamp);
	add_field(tx, tool);
	buf_addc(tx, '\n');
}

int
jtx_count(const struct buf *tx)
{
	size_t i;
	int n = 0;

	for (i = 0; i < tx->len; i++)
		n += tx->s[i] == '\n';
	return n - 1;
}

int
journal_commit(struct journal *j, struct buf *tx, char *err)
{
	uint32_t crc;
	size_t done = 0;
	int n = jtx_count(tx);

	if (j->fd < 0 || j->lock != LOCK_EX) {
		snprintf(err, JERRSZ, "%s: not locked for writing", j->path);
		return -1;
	}
	crc = (uint32_t)crc32(0L, (const Bytef *)tx->s, (uInt)tx->len);
	buf_printf(tx, "C\t%" PRIu64 "\t%d\t%08" PRIx32 "\n", j->txn + 1, n,
	    crc);
	while (done < tx->len) {
		ssize_t w = write(j->fd, tx->s + done, tx->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, JERRSZ, "cannot write '%s': %s", j->path,
			    w < 0 ? strerror(errno) : "short write");
			goto undo;
		}
		done += (size_t)w;
	}
	if (fsync(j->fd) < 0) {
		snprintf(err, JERRSZ, "cannot sync '%s': %s", j->path,
		    strerror(errno));
		goto undo;
	}
	j->end += (off_t)tx->len;
	j->txn++;
	return 0;
undo:
	/* Leave no half transaction behind; a reader would call it torn. */
	if (ftruncate(j->fd, j->end) == 0)
		fsync(j->fd);
	return -1;
}
