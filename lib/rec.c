/*
 * rec.c - CSV records by header name; see rec.h.
 *
 * Bytes flow read(2) -> [inflate] -> [skip BOM] -> csv_parse, one read at a
 * time, and every row libcsv completes is queued.  rec_next() only blocks
 * in read(2) when the queue is empty, so a row is handed on as soon as its
 * terminating newline has arrived, whatever the chunk size.
 *
 * libcsv keeps no positions, so the reader counts lines itself (CRLF, LF
 * and a lone CR each end one, inside quotes too).  It feeds the parser one
 * line piece at a time (up to and including each CR or LF), which leaves
 * at most one terminator in each piece, at its end.  With the space
 * function below, libcsv starts a row on any byte but CR and LF and ends
 * it only through the row callback; so the first piece with a byte before
 * its terminator while no row is open is where a row starts.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <zlib.h>

#include "rec.h"
#include "util.h"

#define REC_CHUNK (64 * 1024)	/* read size when the caller names none */
#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

/*
 * The most libcsv may hold for one field: the content, a closing quote it
 * keeps until it sees what follows, the NUL of CSV_APPEND_NULL, and the
 * slot its "buffer full" test keeps free.  A field that needs more makes
 * csv_parse stop with CSV_ENOMEM, so memory stays bounded even inside an
 * unterminated quote; the exact limit is checked on each delivered field.
 */
#define FIELD_CAP ((size_t)REC_MAXFIELD + 3)

enum kind { KIND_UNKNOWN, KIND_PLAIN, KIND_GZIP };

/* One row: its fields NUL-separated in b, field i at b.s + off[i]. */
struct row {
	struct buf b;
	size_t *off;
	size_t n, cap;
	long line;
};

struct rec_in {
	int fd, ownfd;
	char *name;
	size_t chunk;
	unsigned char *inbuf, *zbuf;	/* read buffer, inflate output */

	enum kind kind;
	unsigned char magic[2];		/* first raw bytes, until decided */
	size_t nmagic;
	z_stream z;
	int zinit;
	int in_member;			/* inside a gzip member */
	int zmore;			/* inflate has more without a read */

	unsigned char pre[3];		/* possible BOM, until decided */
	size_t npre;
	int bom_done;

	struct csv_parser csv;
	int csvinit;
	long lineno;			/* line of the bytes being parsed */
	int after_cr;			/* the last byte parsed was CR */
	int in_row;			/* libcsv has an unfinished row */
	long field_line;		/* where the current field starts */
	size_t row_bytes;
	struct row build;		/* row being assembled by callbacks */

	struct row *q;			/* complete rows; q[qhead..qlen) wait */
	size_t qhead, qlen, qcap;
	size_t qinit;			/* slots q[0..qinit) hold buffers */
	struct row *cur;		/* the row rec_next returned, or NULL */

	int have_header;
	char **names;
	int ncols;
	struct map colmap;

	int eof, failed, stream_bad;
	char err[REC_ERRSZ];
};

static void set_err(struct rec_in *, long, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error only: what follows it is a consequence. */
static void
set_err(struct rec_in *r, long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return;
	r->failed = 1;
	/* Standard input is "input line N", as in the tools' data errors. */
	if (line > 0 && strcmp(r->name, "stdin") == 0)
		n = snprintf(r->err, sizeof r->err, "input line %ld: ", line);
	else if (line > 0)
		n = snprintf(r->err, sizeof r->err, "%s: line %ld: ", r->name,
		    line);
	else
		n = snprintf(r->err, sizeof r->err, "%s: ",
		    strcmp(r->name, "stdin") == 0 ? "input" : r->name);
	if (n < 0 || (size_t)n >= sizeof r->err)
		return;		/* a name that long is message enough */
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
	va_end(ap);
}

static void input_err(struct rec_in *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The input itself is bad (unreadable, corrupt or cut-off gzip): besides
 * rec_next, rec_close reports it, since a caller may only learn of it at
 * the end.
 */
static void
input_err(struct rec_in *r, const char *fmt, ...)
{
	char msg[REC_ERRSZ];
	va_list ap;

	if (r->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_err(r, 0, "%s", msg);
	r->stream_bad = 1;
}

/* Blanks are data: never let libcsv trim them. */
static int
no_space(unsigned char c)
{
	return 0;
}

/*
 * libcsv's buffer growth, capped at FIELD_CAP.  Refusing is how an
 * over-long field shows (CSV_ENOMEM); real exhaustion ends the process
 * like every other allocation.
 */
static void *
field_realloc(void *p, size_t n)
{
	if (n > FIELD_CAP)
		return NULL;
	return xrealloc(p, n);
}

static void
row_free(struct row *w)
{
	buf_free(&w->b);
	free(w->off);
}

static void
on_field(void *s, size_t len, void *data)
{
	struct rec_in *r = data;
	struct row *w = &r->build;

	if (r->failed)
		return;
	if (len > REC_MAXFIELD) {
		set_err(r, r->field_line, "field longer than %d bytes",
		    REC_MAXFIELD);
		return;
	}
	if (len && memchr(s, '\0', len) != NULL) {
		/* A NUL would silently cut the value short. */
		set_err(r, r->field_line, "NUL byte in field %zu", w->n + 1);
		return;
	}
	if (w->n >= REC_MAXCOLS) {
		set_err(r, r->build.line, "more than %d fields",
		    REC_MAXCOLS);
		return;
	}
	r->row_bytes += len + (w->n > 0);
	if (r->row_bytes > REC_MAXLINE) {
		set_err(r, r->build.line, "record longer than %d bytes",
		    REC_MAXLINE);
		return;
	}
	grow(&w->off, &w->cap, w->n + 1, sizeof *w->off);
	w->off[w->n++] = w->b.len;
	buf_add(&w->b, s, len);
	buf_add(&w->b, "", 1);		/* keep the NUL as a separator */
	/* The next field starts right after this delimiter, on this line. */
	r->field_line = r->lineno;
}

/* The first row names the columns; no row is read without them. */
static void
take_header(struct rec_in *r, struct row *w)
{
	size_t i, nempty = 0;
	struct map_entry *e;

	r->ncols = (int)w->n;
	r->names = xcalloc(w->n, sizeof *r->names);
	for (i = 0; i < w->n; i++) {
		r->names[i] = xstrdup(w->b.s + w->off[i]);
		if (r->names[i][0] == '\0')
			nempty++;
		/* The first of two equal names wins. */
		e = map_put(&r->colmap, r->names[i], strlen(r->names[i]),
		    NULL);
		if (e->idx == SIZE_MAX)
			e->idx = i;
	}
	if (nempty == w->n)
		set_err(r, w->line, "empty header");
	else if (nempty > 0) {
		for (i = 0; r->names[i][0] != '\0'; i++)
			;
		set_err(r, w->line, "empty name for column %zu in header",
		    i + 1);
	} else
		r->have_header = 1;
}

static void
on_row(int c, void *data)
{
	struct rec_in *r = data;
	struct row *w = &r->build, t;

	r->in_row = 0;
	if (r->failed)
		return;
	if (!r->have_header)
		take_header(r, w);
	else if (w->n != (size_t)r->ncols)
		set_err(r, w->line, "%zu field%s, header has %d", w->n,
		    w->n == 1 ? "" : "s", r->ncols);
	else {
		/* Swap into the queue so both rows' buffers are reused. */
		grow(&r->q, &r->qcap, r->qlen + 1, sizeof *r->q);
		if (r->qlen == r->qinit)
			memset(&r->q[r->qinit++], 0, sizeof *r->q);
		t = r->q[r->qlen];
		r->q[r->qlen++] = *w;
		*w = t;
	}
	buf_reset(&w->b);
	w->n = 0;
	r->row_bytes = 0;
}

/* csv_parse stopped short: say why, from csv_error() and the byte. */
static void
parse_failed(struct rec_in *r, int status, unsigned char c)
{
	switch (status) {
	case CSV_EPARSE:
		if (c == '"')
			set_err(r, r->lineno, "quote in unquoted field");
		else
			set_err(r, r->lineno, "text after closing quote");
		break;
	case CSV_ENOMEM:
		set_err(r, r->field_line, "field longer than %d bytes",
		    REC_MAXFIELD);
		break;
	default:
		set_err(r, r->lineno, "%s", csv_strerror(status));
		break;
	}
}

/* Feed decoded bytes to libcsv a line piece at a time (see the top). */
static void
parse_bytes(struct rec_in *r, const unsigned char *p, size_t n)
{
	size_t i, len, got;

	while (n > 0 && !r->failed) {
		for (i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++)
			;
		len = i < n ? i + 1 : n;
		if (!r->in_row && i > 0) {
			r->in_row = 1;
			r->build.line = r->field_line = r->lineno;
		}
		got = csv_parse(&r->csv, p, len, on_field, on_row, r);
		if (got < len) {
			parse_failed(r, csv_error(&r->csv), p[got]);
			return;
		}
		/* CRLF, LF and a lone CR each end one line. */
		if (i == n)
			r->after_cr = 0;
		else if (p[i] == '\r') {
			r->lineno++;
			r->after_cr = 1;
		} else {
			if (i > 0 || !r->after_cr)
				r->lineno++;
			r->after_cr = 0;
		}
		p += len;
		n -= len;
	}
}

/* Decoded input: hold back what may be a BOM at the very start. */
static void
decoded(struct rec_in *r, const unsigned char *p, size_t n)
{
	static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };

	if (!r->bom_done) {
		while (n > 0 && r->npre < 3 && *p == bom[r->npre]) {
			r->pre[r->npre++] = *p++;
			n--;
		}
		if (r->npre == 3)
			r->bom_done = 1;
		else if (n > 0) {
			r->bom_done = 1;
			parse_bytes(r, r->pre, r->npre);
		} else
			return;
	}
	parse_bytes(r, p, n);
}

/*
 * Inflate the pending input (z->next_in, z->avail_in) until it is used up,
 * or until rows are queued: then the rest waits in r->zmore for the next
 * fill(), so one highly compressed chunk cannot queue unbounded rows.
 */
static void
inflate_some(struct rec_in *r)
{
	z_stream *z = &r->z;
	size_t made;
	int ret;

	r->zmore = 0;
	while (!r->failed) {
		if (!r->in_member) {
			/* Another member follows the one that ended. */
			if (z->avail_in == 0)
				break;
			if (inflateReset(z) != Z_OK) {
				input_err(r, "corrupt gzip input");
				break;
			}
			r->in_member = 1;
		}
		z->next_out = r->zbuf;
		z->avail_out = (uInt)r->chunk;
		ret = inflate(z, Z_NO_FLUSH);
		/*
		 * What came out before an error is good data: hand it on
		 * first, so the rows before the error do not depend on how
		 * the input was cut into reads.
		 */
		made = r->chunk - z->avail_out;
		if (made > 0)
			decoded(r, r->zbuf, made);
		if (ret == Z_STREAM_END)
			r->in_member = 0;
		else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			/* Z_BUF_ERROR only says it waits for input. */
			input_err(r, "corrupt gzip input: %s",
			    z->msg ? z->msg : zError(ret));
			break;
		}
		if (ret == Z_BUF_ERROR || (z->avail_in == 0 &&
		    (ret == Z_STREAM_END || z->avail_out > 0)))
			break;		/* all input used */
		if (r->qhead < r->qlen) {
			r->zmore = 1;
			break;
		}
	}
}

/* Raw bytes from read(2): decide plain or gzip on the first two. */
static void
raw_bytes(struct rec_in *r, const unsigned char *p, size_t n)
{
	if (r->kind == KIND_UNKNOWN) {
		while (n > 0 && r->nmagic < 2) {
			r->magic[r->nmagic++] = *p++;
			n--;
		}
		if (r->nmagic < 2)
			return;
		if (r->magic[0] == 0x1f && r->magic[1] == 0x8b) {
			r->kind = KIND_GZIP;
			memset(&r->z, 0, sizeof r->z);
			if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) {
				input_err(r, "cannot start inflating");
				return;
			}
			r->zinit = 1;
			r->in_member = 1;
			r->zbuf = xmalloc(r->chunk);
			/* Header bytes: all taken in, nothing comes out. */
			r->z.next_in = r->magic;
			r->z.avail_in = 2;
			inflate_some(r);
		} else {
			r->kind = KIND_PLAIN;
			decoded(r, r->magic, 2);
		}
	}
	if (n == 0 || r->failed)
		return;
	if (r->kind == KIND_GZIP) {
		r->z.next_in = (unsigned char *)p;
		r->z.avail_in = (uInt)n;
		inflate_some(r);
	} else
		decoded(r, p, n);
}

static void
at_eof(struct rec_in *r)
{
	r->eof = 1;
	if (r->kind == KIND_UNKNOWN) {
		r->kind = KIND_PLAIN;
		decoded(r, r->magic, r->nmagic);
	}
	/* The rest of a cut-off row is not handed on. */
	if (r->kind == KIND_GZIP && r->in_member)
		input_err(r, "truncated gzip input");
	if (!r->bom_done && !r->failed) {
		r->bom_done = 1;
		parse_bytes(r, r->pre, r->npre);
	}
	if (r->failed)
		return;
	/* A last row without its newline, or an open quote. */
	if (csv_fini(&r->csv, on_field, on_row, r) != 0)
		set_err(r, r->field_line, "%s",
		    csv_error(&r->csv) == CSV_EPARSE ?
		    "unterminated quoted field" :
		    csv_strerror(csv_error(&r->csv)));
}

/* One read(2), everything in it parsed (or inflate what is pending). */
static void
fill(struct rec_in *r)
{
	ssize_t n;

	if (r->zmore) {
		inflate_some(r);
		return;
	}
	do
		n = read(r->fd, r->inbuf, r->chunk);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		input_err(r, "read error: %s", strerror(errno));
	else if (n == 0)
		at_eof(r);
	else
		raw_bytes(r, r->inbuf, (size_t)n);
}

static void
rec_free(struct rec_in *r)
{
	size_t i;

	if (r->csvinit)
		csv_free(&r->csv);
	if (r->zinit)
		inflateEnd(&r->z);
	if (r->ownfd)
		close(r->fd);
	for (i = 0; i < r->qinit; i++)
		row_free(&r->q[i]);
	free(r->q);
	row_free(&r->build);
	for (i = 0; i < (size_t)r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	map_free(&r->colmap);
	free(r->inbuf);
	free(r->zbuf);
	free(r->name);
	free(r);
}

struct rec_in *
rec_open_fd(int fd, const char *name, size_t chunk, char *err)
{
	struct rec_in *r = xcalloc(1, sizeof *r);

	r->fd = fd;
	r->name = xstrdup(name ? name : "stdin");
	r->chunk = chunk ? chunk : REC_CHUNK;
	if (r->chunk > UINT_MAX)	/* zlib counts in uInt */
		r->chunk = UINT_MAX;
	r->inbuf = xmalloc(r->chunk);
	r->lineno = 1;
	if (csv_init(&r->csv, CSV_OPTS) != 0) {
		if (err)
			snprintf(err, REC_ERRSZ, "%s: cannot start parser",
			    r->name);
		rec_free(r);
		return NULL;
	}
	r->csvinit = 1;
	csv_set_space_func(&r->csv, no_space);
	csv_set_realloc_func(&r->csv, field_realloc);
	/* libcsv grows its field buffer linearly: not by 128 bytes. */
	csv_set_blk_size(&r->csv, 1024);
	while (!r->have_header && !r->failed && !r->eof)
		fill(r);
	/*
	 * An error after the header (the whole input may have come in one
	 * read) waits for rec_next, behind the rows before it.
	 */
	if (r->failed && !r->have_header) {
		if (err)
			snprintf(err, REC_ERRSZ, "%s", r->err);
		rec_free(r);
		return NULL;
	}
	return r;
}

struct rec_in *
rec_open(const char *path, char *err)
{
	struct rec_in *r;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return rec_open_fd(STDIN_FILENO, "stdin", 0, err);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (err)
			snprintf(err, REC_ERRSZ, "cannot open '%s': %s", path,
			    strerror(errno));
		return NULL;
	}
	if ((r = rec_open_fd(fd, path, 0, err)) == NULL) {
		close(fd);
		return NULL;
	}
	r->ownfd = 1;
	return r;
}

int
rec_ncols(const struct rec_in *r)
{
	return r->ncols;
}

const char *
rec_colname(const struct rec_in *r, int i)
{
	return i >= 0 && i < r->ncols ? r->names[i] : "";
}

int
rec_col(const struct rec_in *r, const char *name)
{
	struct map_entry *e = map_get(&r->colmap, name, strlen(name));

	return e ? (int)e->idx : -1;
}

int
rec_next(struct rec_in *r)
{
	for (;;) {
		if (r->qhead < r->qlen) {
			r->cur = &r->q[r->qhead++];
			return 1;
		}
		r->cur = NULL;
		if (r->failed)
			return -1;
		if (r->eof)
			return 0;
		/* The queue is drained: its rows may be overwritten. */
		r->qhead = r->qlen = 0;
		fill(r);
	}
}

const char *
rec_field(const struct rec_in *r, int i)
{
	if (r->cur == NULL || i < 0 || (size_t)i >= r->cur->n)
		return "";
	return r->cur->b.s + r->cur->off[i];
}

const char *
rec_get(const struct rec_in *r, const char *name)
{
	return rec_field(r, rec_col(r, name));
}

long
rec_lineno(const struct rec_in *r)
{
	return r->cur ? r->cur->line : 0;
}

const char *
rec_name(const struct rec_in *r)
{
	return r->name;
}

const char *
rec_err(const struct rec_in *r)
{
	return r->err;
}

int
rec_ready(struct rec_in *r)
{
	struct pollfd pfd;

	if (r->qhead < r->qlen || r->zmore || r->failed || r->eof)
		return 1;
	pfd.fd = r->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	return (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

int
rec_close(struct rec_in *r, char *err)
{
	int rc = 0;

	if (r == NULL)
		return 0;
	if (r->stream_bad) {
		rc = -1;
		if (err)
			snprintf(err, REC_ERRSZ, "%s", r->err);
	}
	rec_free(r);
	return rc;
}

/*
 * Inflated the way inflate_some() does it, members one after another, and
 * not through gzread(): that one takes anything after a member that is not
 * another member for trailing garbage and ignores it, where the reader
 * calls the input corrupt, so the check would pass what the reading then
 * refuses after acting on its rows.
 */
int
rec_check_gzip(const char *path, char *err)
{
	unsigned char m[2], *in, *out;
	const char *why = NULL;
	struct stat sb;
	z_stream z;
	ssize_t n;
	int fd, ret, in_member = 1, rerr = 0;

	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;	/* rec_open reports it */
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    read(fd, m, 2) != 2 || m[0] != 0x1f || m[1] != 0x8b) {
		close(fd);
		return 0;
	}
	memset(&z, 0, sizeof z);
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		close(fd);
		snprintf(err, REC_ERRSZ, "%s: cannot read gzip input", path);
		return -1;
	}
	in = xmalloc(REC_CHUNK);
	out = xmalloc(REC_CHUNK);
	while (why == NULL && (n = read(fd, in, REC_CHUNK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rerr = errno;
			why = strerror(errno);
			break;
		}
		z.next_in = in;
		z.avail_in = (uInt)n;
		while (why == NULL && z.avail_in > 0) {
			if (!in_member) {
				/* Another member follows the one that ended. */
				if ((ret = inflateReset(&z)) != Z_OK) {
					why = zError(ret);
					break;
				}
				in_member = 1;
			}
			z.next_out = out;
			z.avail_out = REC_CHUNK;
			ret = inflate(&z, Z_NO_FLUSH);
			if (ret == Z_STREAM_END)
				in_member = 0;
			else if (ret == Z_BUF_ERROR)
				break;		/* waits for input */
			else if (ret != Z_OK)
				why = z.msg ? z.msg : zError(ret);
		}
	}
	if (why != NULL)
		snprintf(err, REC_ERRSZ, "%s: %s: %s", path, rerr ?
		    "read error" : "corrupt gzip input", why);
	else if (in_member)
		snprintf(err, REC_ERRSZ, "%s: truncated gzip input", path);
	inflateEnd(&z);
	free(in);
	free(out);
	close(fd);
	return why != NULL || in_member ? -1 : 0;
}

const char *
rec_duplicate(const struct rec_in *r)
{
	int i, j;

	for (i = 1; i < rec_ncols(r); i++)
		for (j = 0; j < i; j++)
			if (strcmp(rec_colname(r, i), rec_colname(r, j)) == 0)
				return rec_colname(r, i);
	return NULL;
}
