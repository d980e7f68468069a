/*
 * archive.c - segments of past years; see archive.h and cs-journal(5).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "archive.h"

#define CHUNK (1 << 20)
#define TMP_JOURNAL ".journal."	/* the shortened journal being written */

/*
 * Where the transactions of year and before end in the live journal: the
 * offset of the first B record stamped later (or j->end), and the first
 * and last transaction before it.  The journal was checked by the scan
 * that brought the state to its end, so its B records are trusted here.
 */
static int
find_cut(struct journal *j, int year, off_t *cut, uint64_t *first,
    uint64_t *last, char *err)
{
	char *b = xmalloc(CHUNK);
	off_t pos = 0;
	size_t len = 0, p;

	*cut = 0;
	*first = *last = 0;
	while (pos < j->end) {
		ssize_t n = pread(j->fd, b + len, CHUNK - len, pos + (off_t)len);
		char *nl;

		if (n <= 0) {
			snprintf(err, JERRSZ, "%s: %s", j->path,
			    n < 0 ? strerror(errno) : "shorter than read");
			free(b);
			return -1;
		}
		len += (size_t)n;
		for (p = 0; (nl = memchr(b + p, '\n', len - p)) != NULL;
		    p = (size_t)(nl - b) + 1) {
			char *l = b + p, *e;
			unsigned long long t;

			if (pos + (off_t)p >= j->end)
				break;
			if (l[0] != 'B' || l[1] != '\t')
				continue;
			t = strtoull(l + 2, &e, 10);
			/* B <txn> <YYYY-MM-DDThh:mm:ssZ> <tool> */
			if (*e == '\t' && atoi(e + 1) > year) {
				*cut = pos + (off_t)p;
				free(b);
				return 0;
			}
			if (*first == 0)
				*first = t;
			*last = t;
		}
		/* Keep the incomplete line for the next read. */
		memmove(b, b + p, len - p);
		pos += (off_t)p;
		len -= p;
		if (len == CHUNK) {
			snprintf(err, JERRSZ, "%s: a line longer than %d "
			    "bytes at offset %lld", j->path, CHUNK,
			    (long long)pos);
			free(b);
			return -1;
		}
	}
	*cut = j->end;
	free(b);
	return 0;
}

/* What each_chunk hands its bytes to: 0 to go on, -1 with err set. */
typedef int (*chunk_fn)(void *ctx, const char *p, size_t n, int last,
    char *err);

/*
 * Hand the live journal's bytes [from, to) to fn a chunk at a time, the
 * last one with last set (once, with n 0, when the range is empty).
 */
static int
each_chunk(struct journal *j, off_t from, off_t to, chunk_fn fn, void *ctx,
    char *err)
{
	char *b = xmalloc(CHUNK);
	off_t pos = from;
	int rc = 0;

	do {
		size_t want = to - pos > CHUNK ? CHUNK : (size_t)(to - pos);
		ssize_t n = want ? pread(j->fd, b, want, pos) : 0;

		if (n < 0 || (size_t)n != want) {
			snprintf(err, JERRSZ, "%s: %s", j->path,
			    n < 0 ? strerror(errno) : "shorter than read");
			rc = -1;
			break;
		}
		pos += n;
		rc = fn(ctx, b, (size_t)n, pos == to, err);
	} while (rc == 0 && pos < to);
	free(b);
	return rc;
}

static int
crc_chunk(void *ctx, const char *p, size_t n, int last, char *err)
{
	uLong *crc = ctx;

	*crc = crc32(*crc, (const Bytef *)p, (uInt)n);
	return 0;
}

/* CRC-32 of the live journal's bytes [0, n). */
static int
crc_prefix(struct journal *j, off_t n, uLong *crc, char *err)
{
	*crc = crc32(0L, Z_NULL, 0);
	return each_chunk(j, 0, n, crc_chunk, crc, err);
}

/* Inflate segment path whole: its length and CRC-32. */
static int
seg_sum(const char *path, off_t *len, uLong *crc, char *err)
{
	char *b = xmalloc(CHUNK);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), n, zerr;
	gzFile gz;
	const char *m;

	*len = 0;
	*crc = crc32(0L, Z_NULL, 0);
	if (fd < 0 || (gz = gzdopen(fd, "rb")) == NULL) {
		snprintf(err, JERRSZ, "cannot open '%s': %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		free(b);
		return -1;
	}
	gzbuffer(gz, CHUNK);
	while ((n = gzread(gz, b, CHUNK)) > 0) {
		*crc = crc32(*crc, (const Bytef *)b, (uInt)n);
		*len += n;
	}
	m = gzerror(gz, &zerr);
	if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
		snprintf(err, JERRSZ, "%s: %s", path,
		    zerr == Z_ERRNO ? strerror(errno) : m);
		gzclose(gz);
		free(b);
		return -1;
	}
	gzclose(gz);
	free(b);
	return 0;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A gzip stream being written to a segment file. */
struct gzw {
	z_stream z;
	int fd, zr;
	uLong crc;		/* of the bytes compressed */
	char *out;
};

static int
deflate_chunk(void *ctx, const char *p, size_t n, int last, char *err)
{
	struct gzw *w = ctx;

	w->crc = crc32(w->crc, (const Bytef *)p, (uInt)n);
	w->z.next_in = (Bytef *)(uintptr_t)p;
	w->z.avail_in = (uInt)n;
	do {
		w->z.next_out = (Bytef *)w->out;
		w->z.avail_out = CHUNK;
		w->zr = deflate(&w->z, last ? Z_FINISH : Z_NO_FLUSH);
		if (w->zr == Z_STREAM_ERROR || write_all(w->fd, w->out,
		    CHUNK - w->z.avail_out) < 0) {
			snprintf(err, JERRSZ, "cannot write the segment: %s",
			    w->zr == Z_STREAM_ERROR ? "zlib error" :
			    strerror(errno));
			return -1;
		}
	} while (w->z.avail_out == 0);
	return 0;
}

/* Compress the live journal's [0, cut) into the new file fd, with the
 * header naming transactions first..last. */
static int
deflate_prefix(struct journal *j, int fd, off_t cut, uint64_t first,
    uint64_t last, uLong *crc, char *err)
{
	struct gzw w;
	char comment[80];
	gz_header h;
	int rc = -1;

	memset(&w, 0, sizeof w);
	memset(&h, 0, sizeof h);
	w.fd = fd;
	w.out = xmalloc(CHUNK);
	w.crc = crc32(0L, Z_NULL, 0);
	snprintf(comment, sizeof comment, "cs-journal segment %" PRIu64
	    " %" PRIu64, first, last);
	h.comment = (Bytef *)comment;
	h.time = (uLong)time(NULL);
	h.os = 3;		/* Unix */
	if (deflateInit2(&w.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK || deflateSetHeader(&w.z, &h) != Z_OK)
		snprintf(err, JERRSZ, "zlib: cannot start a gzip stream");
	else if (each_chunk(j, 0, cut, deflate_chunk, &w, err) == 0) {
		if ((rc = w.zr == Z_STREAM_END ? 0 : -1) < 0)
			snprintf(err, JERRSZ, "zlib: the gzip stream did not "
			    "end");
	}
	*crc = w.crc;
	deflateEnd(&w.z);
	free(w.out);
	return rc;
}

/* A new file DIR/PREFIXpid, 0600, never through a link; a dead
 * process's is removed by unlink_stale(DIR, PREFIX). */
static int
create_tmp(const struct journal *j, const char *prefix, struct buf *path,
    char *err)
{
	int fd;

	buf_reset(path);
	buf_printf(path, "%s/%s%ld", j->dir, prefix, (long)getpid());
	unlink(path->s);
	fd = open(path->s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0)
		snprintf(err, JERRSZ, "cannot create '%s': %s", path->s,
		    strerror(errno));
	return fd;
}

static int
copy_chunk(void *ctx, const char *p, size_t n, int last, char *err)
{
	if (write_all(*(int *)ctx, p, n) < 0) {
		snprintf(err, JERRSZ, "cannot copy the journal's tail: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Replace the journal with a copy of its bytes from cut on. */
static int
shorten(struct journal *j, off_t cut, char *err)
{
	struct buf tmp = { 0 };
	struct stat sb;
	int fd, nfd = -1;

	if ((fd = create_tmp(j, TMP_JOURNAL, &tmp, err)) < 0) {
		buf_free(&tmp);
		return -1;
	}
	if (fstat(j->fd, &sb) == 0)
		fchmod(fd, sb.st_mode & 07777);
	if (each_chunk(j, cut, j->end, copy_chunk, &fd, err) < 0)
		goto fail;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		snprintf(err, JERRSZ, "cannot sync '%s': %s", tmp.s,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	nfd = open(tmp.s, (j->rdonly ? O_RDONLY : O_RDWR | O_APPEND) |
	    O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0 || rename(tmp.s, j->path) < 0) {
		snprintf(err, JERRSZ, "cannot replace '%s': %s", j->path,
		    strerror(errno));
		goto fail;
	}
	fsync(j->dfd);
	close(j->fd);
	j->fd = nfd;
	j->end -= cut;
	buf_free(&tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (nfd >= 0)
		close(nfd);
	unlink(tmp.s);
	buf_free(&tmp);
	return -1;
}

int
journal_archive(struct journal *j, int year, struct archive_res *r,
    char *err)
{
	struct jseg *g = NULL, seg;
	struct buf tmp = { 0 }, name = { 0 };
	struct stat sb;
	off_t cut, len;
	uLong crc, back;
	int n, i, fd = -1, rc = -1, have = 0;

	memset(r, 0, sizeof *r);
	if (j->fd < 0 || j->lock != LOCK_EX || j->torn) {
		snprintf(err, JERRSZ, "%s: not locked for writing", j->path);
		return -1;
	}
	buf_printf(&name, ".journal-%04d.gz.", year);
	unlink_stale(j->dir, name.s);
	unlink_stale(j->dir, TMP_JOURNAL);
	snprintf(r->path, sizeof r->path, "%s/journal-%04d.gz", j->dir, year);
	if ((n = journal_segments(j, &g, err)) < 0)
		goto out;
	if (find_cut(j, year, &cut, &r->first, &r->last, err) < 0)
		goto out;
	r->bytes = cut;
	if (cut == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (g[i].year > year) {
			snprintf(err, JERRSZ, "%s exists: years are archived "
			    "in order", g[i].path);
			rc = -2;
			goto out;
		}
		if (g[i].year == year) {
			have = 1;
			seg = g[i];
		}
	}
	if (have) {
		/* Only the remains of an archive that stopped after its
		 * segment: the journal still starts with exactly the
		 * segment's transactions. */
		if (seg.first != r->first || seg.last != r->last ||
		    seg_sum(seg.path, &len, &back, err) < 0 ||
		    crc_prefix(j, cut, &crc, err) < 0 || len != cut ||
		    back != crc) {
			snprintf(err, JERRSZ, "%s holds transactions %" PRIu64
			    " to %" PRIu64 ", and the journal's transactions "
			    "of %04d are %" PRIu64 " to %" PRIu64 ": not the "
			    "same", seg.path, seg.first, seg.last, year,
			    r->first, r->last);
			rc = -2;
			goto out;
		}
	} else {
		if ((fd = create_tmp(j, name.s, &tmp, err)) < 0) {
			rc = -2;
			goto out;
		}
		if (deflate_prefix(j, fd, cut, r->first, r->last, &crc,
		    err) < 0)
			goto out;
		if (fsync(fd) < 0 || close(fd) < 0) {
			fd = -1;
			snprintf(err, JERRSZ, "cannot sync '%s': %s", tmp.s,
			    strerror(errno));
			goto out;
		}
		fd = -1;
		/* Read it back before anything else changes. */
		seg.path = tmp.s;
		if (seg_sum(tmp.s, &len, &back, err) < 0 ||
		    journal_seg_header(&seg, err) < 0)
			goto out;
		if (len != cut || back != crc || seg.first != r->first ||
		    seg.last != r->last) {
			snprintf(err, JERRSZ, "%s: read back, it differs from "
			    "the journal; nothing changed", tmp.s);
			goto out;
		}
		if (rename(tmp.s, r->path) < 0) {
			snprintf(err, JERRSZ, "cannot rename '%s': %s", tmp.s,
			    strerror(errno));
			goto out;
		}
		fsync(j->dfd);
		buf_reset(&tmp);
	}
	if (shorten(j, cut, err) < 0)
		goto out;
	if (stat(r->path, &sb) == 0)
		r->gzbytes = sb.st_size;
	r->done = 1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp.s && tmp.len)
		unlink(tmp.s);
	buf_free(&tmp);
	buf_free(&name);
	jseg_free(g, n > 0 ? n : 0);
	return rc;
}
