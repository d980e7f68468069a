/*
 * rec.c - fuzz target of the CSV reader (lib/rec.c): header, rows, fields
 * by name, line numbers, errors; plain and gzip input.
 *
 * The input is read four ways, and what each reading gives (the header,
 * every row with its line number, and how it ends: the error of rec_open,
 * rec_next or rec_close, without the file name) must be the same:
 *
 *   1. the bytes as a file named in.csv, through rec_open;
 *   2. the same file through rec_open_fd with a small read size (1 to 16
 *      bytes, from the input's length), since no row may depend on where
 *      a read ends;
 *   3. the bytes compressed as a file named in.csv.gz (one gzip member,
 *      or two cut in the middle when the first byte is odd), through
 *      rec_open: inflating must not change a row;
 *   4. that file through rec_open_fd with the small read size.
 *
 * Readings 3 and 4 are compared with 1 only when the bytes do not start
 * with the gzip magic themselves (then reading 1 inflates them).  When
 * they do, rec_check_gzip's verdict on in.csv must agree with reading 1:
 * a stream it passes must not turn out corrupt or truncated in the reader,
 * and one it refuses must not be read to its end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"
#include "rec.h"
#include "util.h"

/* What one reading gave. */
struct reading {
	struct buf rows;	/* header and rows, with line numbers */
	long nrows;
	int open_ok;		/* rec_open gave a reader */
	int next_rc;		/* last rec_next: 0 end, -1 error */
	int close_rc;
	char err[REC_ERRSZ];	/* the error, file name taken out */
	int gzip_err;		/* the reader said corrupt or truncated gzip */
};

/* msg without a leading "path: " (or a "'path'" inside). */
static void
strip_name(char *out, const char *msg, const char *path)
{
	size_t n = strlen(path);
	const char *p;

	if (strncmp(msg, path, n) == 0)
		msg += n;
	snprintf(out, REC_ERRSZ, "%s", msg);
	if ((p = strstr(out, path)) != NULL)
		memmove((char *)p, p + n, strlen(p + n) + 1);
}

static void
read_all(struct rec_in *r, struct reading *g, const char *path)
{
	const char *v;
	int i, n = rec_ncols(r), got;

	buf_printf(&g->rows, "header %d:", n);
	for (i = 0; i < n; i++) {
		buf_adds(&g->rows, rec_colname(r, i));
		buf_addc(&g->rows, '\0');
		/* Every column is found by its name, the first of twins. */
		FUZZ_CHECK(rec_col(r, rec_colname(r, i)) <= i,
		    "column %d '%s' found at %d", i, rec_colname(r, i),
		    rec_col(r, rec_colname(r, i)));
	}
	(void)rec_duplicate(r);
	while ((got = rec_next(r)) == 1) {
		g->nrows++;
		FUZZ_CHECK(rec_lineno(r) > 0, "row %ld at line %ld", g->nrows,
		    rec_lineno(r));
		buf_printf(&g->rows, "\nline %ld:", rec_lineno(r));
		for (i = 0; i < n; i++) {
			v = rec_field(r, i);
			FUZZ_CHECK(strlen(v) <= REC_MAXFIELD,
			    "field of %zu bytes", strlen(v));
			buf_adds(&g->rows, v);
			buf_addc(&g->rows, '\0');
		}
		FUZZ_CHECK(rec_field(r, n)[0] == '\0' &&
		    rec_field(r, -1)[0] == '\0', "%s",
		    "a field out of range is not empty");
		if (n > 0)
			FUZZ_CHECK(rec_get(r, rec_colname(r, 0)) ==
			    rec_field(r, rec_col(r, rec_colname(r, 0))),
			    "%s", "rec_get differs from rec_field");
		(void)rec_get(r, "material");
		(void)rec_ready(r);
	}
	g->next_rc = got;
	FUZZ_CHECK(rec_lineno(r) == 0, "no current row, but line %ld",
	    rec_lineno(r));
	if (got < 0) {
		strip_name(g->err, rec_err(r), path);
		FUZZ_CHECK(g->err[0] != '\0', "%s", "rec_next -1 without error");
	}
	/* rec_close reports only faults of the stream itself. */
	{
		char cerr[REC_ERRSZ];

		cerr[0] = '\0';
		g->close_rc = rec_close(r, cerr);
		if (g->close_rc < 0) {
			g->gzip_err = strstr(cerr, "gzip") != NULL;
			FUZZ_CHECK(got < 0, "rec_close failed (%s) after a "
			    "clean end", cerr);
		}
	}
}

static void
reading(const char *path, size_t chunk, struct reading *g)
{
	struct rec_in *r;
	char err[REC_ERRSZ];
	int fd = -1;

	memset(g, 0, sizeof *g);
	err[0] = '\0';
	if (chunk == 0)
		r = rec_open(path, err);
	else {
		if ((fd = open(path, O_RDONLY)) < 0)
			abort();
		r = rec_open_fd(fd, path, chunk, err);
	}
	if (r == NULL) {
		FUZZ_CHECK(err[0] != '\0', "%s", "rec_open NULL without error");
		strip_name(g->err, err, path);
		g->gzip_err = strstr(err, "gzip") != NULL;
	} else {
		g->open_ok = 1;
		read_all(r, g, path);
	}
	if (fd >= 0)
		close(fd);
}

static void
same(const struct reading *a, const struct reading *b, const char *what)
{
	FUZZ_CHECK(a->open_ok == b->open_ok, "%s: rec_open %d vs %d", what,
	    a->open_ok, b->open_ok);
	FUZZ_CHECK(a->nrows == b->nrows, "%s: %ld rows vs %ld", what,
	    a->nrows, b->nrows);
	FUZZ_CHECK(a->rows.len == b->rows.len && (a->rows.len == 0 ||
	    memcmp(a->rows.s, b->rows.s, a->rows.len) == 0),
	    "%s: rows differ", what);
	FUZZ_CHECK(a->next_rc == b->next_rc, "%s: rec_next %d vs %d", what,
	    a->next_rc, b->next_rc);
	FUZZ_CHECK(strcmp(a->err, b->err) == 0, "%s: error '%s' vs '%s'",
	    what, a->err, b->err);
	FUZZ_CHECK(a->close_rc == b->close_rc, "%s: rec_close %d vs %d", what,
	    a->close_rc, b->close_rc);
}

/* data as one gzip member (or two, cut at cut when 0 < cut < n). */
static void
gzip_bytes(const uint8_t *data, size_t n, size_t cut, struct buf *out)
{
	size_t part[2], off = 0;
	int i;

	part[0] = cut > 0 && cut < n ? cut : n;
	part[1] = n - part[0];
	for (i = 0; i < 2; i++) {
		unsigned char zout[16384];
		z_stream z;
		int ret;

		if (i == 1 && part[1] == 0)
			break;
		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		z.next_in = (unsigned char *)data + off;
		z.avail_in = (uInt)part[i];
		do {
			z.next_out = zout;
			z.avail_out = sizeof zout;
			ret = deflate(&z, Z_FINISH);
			buf_add(out, zout, sizeof zout - z.avail_out);
		} while (ret == Z_OK);
		if (ret != Z_STREAM_END)
			abort();
		deflateEnd(&z);
		off += part[i];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *plain, *gz;
	struct reading g[4];
	struct buf zbytes = { 0 };
	size_t chunk = 1 + size % 16;
	int magic = size >= 2 && data[0] == 0x1f && data[1] == 0x8b, i;
	char err[REC_ERRSZ];

	if (plain == NULL) {
		plain = fuzz_path(fuzz_dir(), "in.csv");
		gz = fuzz_path(fuzz_dir(), "in.csv.gz");
	}
	fuzz_write(plain, data, size);
	reading(plain, 0, &g[0]);
	reading(plain, chunk, &g[1]);
	same(&g[0], &g[1], "in.csv at 64 KiB and small reads");

	/* rec_check_gzip and the reader agree on the stream. */
	err[0] = '\0';
	if (magic && rec_check_gzip(plain, err) == 0)
		FUZZ_CHECK(!g[0].gzip_err, "rec_check_gzip passed a stream "
		    "the reader calls bad: %s", g[0].err);
	else if (magic)
		FUZZ_CHECK(!g[0].open_ok || g[0].next_rc != 0,
		    "rec_check_gzip refused a stream the reader read to its "
		    "end: %s", err);

	gzip_bytes(data, size, size > 0 && (data[0] & 1) ? size / 2 : 0,
	    &zbytes);
	fuzz_write(gz, zbytes.s, zbytes.len);
	FUZZ_CHECK(rec_check_gzip(gz, err) == 0, "gzip of the input: %s",
	    err);
	reading(gz, 0, &g[2]);
	reading(gz, chunk, &g[3]);
	same(&g[2], &g[3], "in.csv.gz at 64 KiB and small reads");
	if (!magic)
		same(&g[0], &g[2], "in.csv and in.csv.gz");
	for (i = 0; i < 4; i++)
		buf_free(&g[i].rows);
	buf_free(&zbytes);
	return 0;
}
