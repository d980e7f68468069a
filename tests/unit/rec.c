/*
 * rec.c - unit tests of the CSV reader (lib/rec.c), and of the writer
 * (lib/out.c) as far as its output must read back unchanged.
 *
 * Most inputs are read at every chunk size from 1 byte up to one more than
 * their length, and each reading must give the same header, rows, line
 * numbers and errors: a row must never depend on where a read() ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "out.h"
#include "rec.h"
#include "util.h"
#include "tap.h"

static char *tmpfiles[64];
static int ntmp;

/* A fresh empty file in $TMPDIR (or /tmp) ending in suffix. */
static char *
tmp_path(const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	struct buf b = { 0 };
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_printf(&b, "%s/cs-rec-XXXXXX%s", dir, suffix);
	if ((fd = mkstemps(b.s, (int)strlen(suffix))) < 0) {
		perror(b.s);
		exit(2);
	}
	close(fd);
	if (ntmp == (int)(sizeof tmpfiles / sizeof tmpfiles[0])) {
		fputs("too many temp files\n", stderr);
		exit(2);
	}
	return tmpfiles[ntmp++] = b.s;
}

static void
write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

static char *
tmp_file(const void *p, size_t n)
{
	char *path = tmp_path(".csv");

	write_bytes(path, p, n);
	return path;
}

/* Whole file into a NUL-terminated buffer; length in *n. */
static char *
slurp(const char *path, size_t *n)
{
	struct buf b = { 0 };
	char tmp[4096];
	size_t k;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	buf_add(&b, "", 0);
	while ((k = fread(tmp, 1, sizeof tmp, fp)) > 0)
		buf_add(&b, tmp, k);
	fclose(fp);
	*n = b.len;
	return b.s;
}

/* gzip p into a temp file through zlib's own writer. */
static char *
tmp_gzip(const void *p, size_t n)
{
	char *path = tmp_path(".csv.gz");
	gzFile gz = gzopen(path, "wb");

	if (gz == NULL || gzwrite(gz, p, (unsigned)n) != (int)n ||
	    gzclose(gz) != Z_OK) {
		fprintf(stderr, "%s: gzip failed\n", path);
		exit(2);
	}
	return path;
}

static void
esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			buf_adds(b, "\\n");
		else if (*s == '\r')
			buf_adds(b, "\\r");
		else
			buf_addc(b, *s);
	}
}

/*
 * Everything a reader sees of path at one chunk size, as text: the
 * columns, each row as "LINE:[field]...", then "end" or the error, then
 * rec_close's result.
 */
static char *
dump(const char *path, const char *name, size_t chunk)
{
	struct buf b = { 0 };
	char err[REC_ERRSZ];
	struct rec_in *r;
	int fd, i, rc;

	if ((fd = open(path, O_RDONLY)) < 0) {
		perror(path);
		exit(2);
	}
	if ((r = rec_open_fd(fd, name, chunk, err)) == NULL) {
		buf_printf(&b, "open:%s\n", err);
		close(fd);
		return b.s;
	}
	buf_adds(&b, "cols:");
	for (i = 0; i < rec_ncols(r); i++) {
		buf_addc(&b, '[');
		esc(&b, rec_colname(r, i));
		buf_addc(&b, ']');
	}
	buf_addc(&b, '\n');
	while ((rc = rec_next(r)) == 1) {
		buf_printf(&b, "%ld:", rec_lineno(r));
		for (i = 0; i < rec_ncols(r); i++) {
			buf_addc(&b, '[');
			esc(&b, rec_field(r, i));
			buf_addc(&b, ']');
		}
		if (*rec_field(r, rec_ncols(r)) || *rec_field(r, -1))
			buf_adds(&b, "(field out of range not empty)");
		buf_addc(&b, '\n');
	}
	if (rc < 0)
		buf_printf(&b, "error:%s\n", rec_err(r));
	else
		buf_adds(&b, "end\n");
	rc = rec_close(r, err);
	buf_printf(&b, "close:%d%s%s\n", rc, rc ? " " : "", rc ? err : "");
	close(fd);
	return b.s;
}

/*
 * Read path at chunk sizes lo..hi (0 is the default size, tried too) and
 * compare each with want; the first difference is printed.
 */
static void
check_chunks(const char *what, const char *path, const char *name,
    size_t lo, size_t hi, const char *want)
{
	char *got, *bad = NULL;
	size_t c, badc = 0;

	for (c = lo; c <= hi + 1; c++) {
		size_t chunk = c == hi + 1 ? 0 : c;

		got = dump(path, name, chunk);
		if (bad == NULL && strcmp(got, want) != 0) {
			bad = got;
			badc = chunk;
		} else
			free(got);
	}
	if (bad) {
		is_str(bad, want, "%s: chunk size %zu", what, badc);
		free(bad);
	} else
		is_str(want, want, "%s: same at chunk sizes %zu..%zu and "
		    "64 KiB", what, lo, hi);
}

/* Plain input at every chunk size from 1 to its length + 1. */
static void
check_csv(const char *what, const char *in, const char *want)
{
	size_t n = strlen(in);
	char *path = tmp_file(in, n);

	check_chunks(what, path, "t.csv", 1, n + 1, want);
}

static void
test_parsing(void)
{
	check_csv("quoted commas, doubled quotes, embedded newlines",
	    "id,text,qty\n"
	    "1,\"a, b\",3\n"
	    "2,\"say \"\"hi\"\"\",4\n"
	    "3,\"two\nlines\",5\n"
	    "4,\"x\n\ny\",6\n"
	    "5,after,7\n",
	    "cols:[id][text][qty]\n"
	    "2:[1][a, b][3]\n"
	    "3:[2][say \"hi\"][4]\n"
	    "4:[3][two\\nlines][5]\n"
	    "6:[4][x\\n\\ny][6]\n"
	    "9:[5][after][7]\n"
	    "end\nclose:0\n");
	check_csv("blanks kept, blank lines skipped",
	    "a, b ,c\n"
	    " 1 ,\t2\t, \n"
	    "\n"
	    "\n"
	    "x,\" q \",z\n",
	    "cols:[a][ b ][c]\n"
	    "2:[ 1 ][\t2\t][ ]\n"
	    "5:[x][ q ][z]\n"
	    "end\nclose:0\n");
	check_csv("BOM skipped",
	    "\xef\xbb\xbfname,qty\nM1,2\n",
	    "cols:[name][qty]\n"
	    "2:[M1][2]\n"
	    "end\nclose:0\n");
	check_csv("no BOM, first byte like one",
	    "\xef\xbbx,qty\n\xef,2\n",
	    "cols:[\xef\xbbx][qty]\n"
	    "2:[\xef][2]\n"
	    "end\nclose:0\n");
	check_csv("CRLF",
	    "a,b\r\n1,2\r\n\"x\r\ny\",3\r\n\r\n4,5\r\n",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "3:[x\\r\\ny][3]\n"
	    "6:[4][5]\n"
	    "end\nclose:0\n");
	check_csv("lone CR ends a line",
	    "a,b\r1,2\r3,4",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "3:[3][4]\n"
	    "end\nclose:0\n");
	check_csv("empty fields",
	    "a,b,c\n,,\n1,,3\n\"\",\"\",\"\"\n",
	    "cols:[a][b][c]\n"
	    "2:[][][]\n"
	    "3:[1][][3]\n"
	    "4:[][][]\n"
	    "end\nclose:0\n");
	check_csv("missing final newline",
	    "a,b\n1,2\n3,4",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "3:[3][4]\n"
	    "end\nclose:0\n");
	check_csv("missing final newline after a quoted field",
	    "a,b\n1,\"2\n\"",
	    "cols:[a][b]\n"
	    "2:[1][2\\n]\n"
	    "end\nclose:0\n");
	check_csv("header only", "a,b\n", "cols:[a][b]\nend\nclose:0\n");
	check_csv("empty file", "", "cols:\nend\nclose:0\n");
	check_csv("BOM only", "\xef\xbb\xbf", "cols:\nend\nclose:0\n");
	check_csv("blank lines only", "\n\r\n\n", "cols:\nend\nclose:0\n");
}

static void
test_errors(void)
{
	check_csv("unterminated quote",
	    "a,b\n1,2\n\n3,\"x\n4,5\n",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "error:t.csv: line 4: unterminated quoted field\n"
	    "close:0\n");
	check_csv("unterminated quote in the header",
	    "a,\"b\n1,2\n",
	    "open:t.csv: line 1: unterminated quoted field\n");
	check_csv("stray quote in an unquoted field",
	    "a,b\n\"p\nq\",1\n2,x\"y\n3,4\n",
	    "cols:[a][b]\n"
	    "2:[p\\nq][1]\n"
	    "error:t.csv: line 4: quote in unquoted field\n"
	    "close:0\n");
	check_csv("text after a closing quote",
	    "a,b\n1,2\n\"x\"y,2\n",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "error:t.csv: line 3: text after closing quote\n"
	    "close:0\n");
	check_csv("blank before an opening quote",
	    "a,b\n1, \"2\"\n",
	    "cols:[a][b]\n"
	    "error:t.csv: line 2: quote in unquoted field\n"
	    "close:0\n");
	check_csv("too few fields",
	    "a,b,c,d,e\n1,\"x\ny\",3,4,5\n1,2,3\n",
	    "cols:[a][b][c][d][e]\n"
	    "2:[1][x\\ny][3][4][5]\n"
	    "error:t.csv: line 4: 3 fields, header has 5\n"
	    "close:0\n");
	check_csv("too many fields",
	    "a,b\n1,2\n\n3,4,5\n",
	    "cols:[a][b]\n"
	    "2:[1][2]\n"
	    "error:t.csv: line 4: 3 fields, header has 2\n"
	    "close:0\n");
	check_csv("one field",
	    "a,b\n1\n",
	    "cols:[a][b]\n"
	    "error:t.csv: line 2: 1 field, header has 2\n"
	    "close:0\n");
	check_csv("empty header", ",\n1,2\n",
	    "open:t.csv: line 1: empty header\n");
	check_csv("empty column name", "\na,,c\n1,2,3\n",
	    "open:t.csv: line 2: empty name for column 2 in header\n");
}

/* Fields and records at and beyond the limits, at a few chunk sizes. */
static void
test_limits(void)
{
	struct buf in = { 0 }, want = { 0 };
	char *big = xmalloc(REC_MAXFIELD * 3 + 1), *path;
	int i;

	memset(big, 'x', REC_MAXFIELD * 3);
	big[REC_MAXFIELD * 3] = '\0';

	/* Exactly REC_MAXFIELD, plain and quoted (ending in a quote). */
	buf_adds(&in, "a,b\n1,");
	buf_add(&in, big, REC_MAXFIELD);
	buf_adds(&in, "\n2,\"");
	buf_add(&in, big, REC_MAXFIELD - 1);
	buf_adds(&in, "\"\"\"\n3,4\n");
	path = tmp_file(in.s, in.len);
	buf_adds(&want, "cols:[a][b]\n2:[1][");
	buf_add(&want, big, REC_MAXFIELD);
	buf_adds(&want, "]\n3:[2][");
	buf_add(&want, big, REC_MAXFIELD - 1);
	buf_adds(&want, "\"]\n4:[3][4]\nend\nclose:0\n");
	check_chunks("fields of exactly REC_MAXFIELD bytes", path, "t.csv",
	    4093, 4099, want.s);

	/* One byte over, then far over (libcsv stops growing its buffer). */
	buf_reset(&in);
	buf_adds(&in, "a,b\n1,2\n3,");
	buf_add(&in, big, REC_MAXFIELD + 1);
	buf_adds(&in, "\n");
	path = tmp_file(in.s, in.len);
	check_chunks("a field one byte over REC_MAXFIELD", path, "t.csv",
	    65535, 65537,
	    "cols:[a][b]\n2:[1][2]\n"
	    "error:t.csv: line 3: field longer than 65536 bytes\nclose:0\n");
	buf_reset(&in);
	buf_adds(&in, "a,b\n1,2\n3,\"\n");
	buf_add(&in, big, REC_MAXFIELD * 3);
	path = tmp_file(in.s, in.len);
	check_chunks("an open quote running far over REC_MAXFIELD", path,
	    "t.csv", 8191, 8192,
	    "cols:[a][b]\n2:[1][2]\n"
	    "error:t.csv: line 3: field longer than 65536 bytes\nclose:0\n");

	/* REC_MAXCOLS columns are fine, one more is not. */
	buf_reset(&in);
	for (i = 0; i < REC_MAXCOLS; i++)
		buf_printf(&in, "%sc%d", i ? "," : "", i);
	buf_adds(&in, "\n");
	path = tmp_file(in.s, in.len);
	{
		char err[REC_ERRSZ];
		struct rec_in *r = rec_open(path, err);

		is_int(r ? rec_ncols(r) : -1, REC_MAXCOLS,
		    "REC_MAXCOLS columns read");
		is_int(r ? rec_col(r, "c511") : -2, 511, "last column found");
		rec_close(r, err);
	}
	buf_reset(&in);
	for (i = 0; i <= REC_MAXCOLS; i++)
		buf_printf(&in, "%sc%d", i ? "," : "", i);
	buf_adds(&in, "\n");
	path = tmp_file(in.s, in.len);
	check_chunks("REC_MAXCOLS + 1 fields", path, "t.csv", 1000, 1001,
	    "open:t.csv: line 1: more than 512 fields\n");

	/* A record over REC_MAXLINE of fields each within REC_MAXFIELD. */
	buf_reset(&in);
	for (i = 0; i < 17; i++)
		buf_printf(&in, "%sc%d", i ? "," : "", i);
	buf_adds(&in, "\n");
	for (i = 0; i < 17; i++) {
		if (i)
			buf_addc(&in, ',');
		buf_add(&in, big, REC_MAXFIELD - 1000);
	}
	buf_adds(&in, "\n");
	path = tmp_file(in.s, in.len);
	check_chunks("a record over REC_MAXLINE", path, "t.csv", 65536,
	    65536,
	    "cols:[c0][c1][c2][c3][c4][c5][c6][c7][c8][c9][c10][c11][c12]"
	    "[c13][c14][c15][c16]\n"
	    "error:t.csv: line 2: record longer than 1048576 bytes\n"
	    "close:0\n");
	buf_free(&in);
	buf_free(&want);
	free(big);
}

static void
test_gzip(void)
{
	const char *plain =
	    "\xef\xbb\xbfid,text\n"
	    "1,\"a, b\"\n"
	    "2,\"two\r\nlines\"\r\n"
	    "3,last\n";
	const char *want =
	    "cols:[id][text]\n"
	    "2:[1][a, b]\n"
	    "3:[2][two\\r\\nlines]\n"
	    "5:[3][last]\n"
	    "end\nclose:0\n";
	char *path, *data, *got, *cut, *tail;
	size_t n, m;
	gzFile gz;

	path = tmp_gzip(plain, strlen(plain));
	data = slurp(path, &n);
	check_chunks("gzip input", path, "t.csv.gz", 1, n + 1, want);

	/* Two members, the split inside a row. */
	path = tmp_path(".csv.gz");
	gz = gzopen(path, "wb");
	gzputs(gz, "a,b\n1,2\n3,");
	gzclose(gz);
	gz = gzopen(path, "ab");
	gzputs(gz, "4\n5,6\n");
	gzclose(gz);
	free(slurp(path, &m));
	check_chunks("concatenated gzip members", path, "t.csv.gz", 1, m + 1,
	    "cols:[a][b]\n2:[1][2]\n3:[3][4]\n4:[5][6]\nend\nclose:0\n");

	/*
	 * Cut in the middle: the complete rows before the cut, then the
	 * error, from rec_next and from rec_close.
	 */
	path = tmp_path(".csv.gz");
	write_bytes(path, data, n / 2 + 8);
	got = dump(path, "t.csv.gz", 0);
	tail = strstr(got, "error:");
	is_str(tail, "error:t.csv.gz: truncated gzip input\n"
	    "close:-1 t.csv.gz: truncated gzip input\n",
	    "gzip cut in the middle: truncated, from rec_next and rec_close");
	cut = tail ? xstrndup(got, (size_t)(tail - got)) : xstrdup("?");
	ok(strncmp(want, cut, strlen(cut)) == 0 && strlen(cut) >= 16,
	    "gzip cut in the middle: rows before the cut are right");
	free(cut);
	check_chunks("gzip cut in the middle", path, "t.csv.gz", 1,
	    n / 2 + 9, got);
	free(got);

	/* Cut inside the trailer: every row is there, still an error. */
	write_bytes(path, data, n - 3);
	check_chunks("gzip cut in its trailer", path, "t.csv.gz", 1, n,
	    "cols:[id][text]\n"
	    "2:[1][a, b]\n"
	    "3:[2][two\\r\\nlines]\n"
	    "5:[3][last]\n"
	    "error:t.csv.gz: truncated gzip input\n"
	    "close:-1 t.csv.gz: truncated gzip input\n");

	/* Cut inside the gzip header: not even a header row. */
	write_bytes(path, data, 5);
	check_chunks("gzip cut in its header", path, "t.csv.gz", 1, 6,
	    "open:t.csv.gz: truncated gzip input\n");

	/* A wrong CRC in the trailer is corrupt data. */
	data[n - 8] ^= 0x55;
	write_bytes(path, data, n);
	check_chunks("gzip with a bad CRC", path, "t.csv.gz", 1, n + 1,
	    "cols:[id][text]\n"
	    "2:[1][a, b]\n"
	    "3:[2][two\\r\\nlines]\n"
	    "5:[3][last]\n"
	    "error:t.csv.gz: corrupt gzip input: incorrect data check\n"
	    "close:-1 t.csv.gz: corrupt gzip input: incorrect data check\n");
	free(data);

	/*
	 * A stream that inflates to far more than a chunk: rows are queued
	 * a buffer at a time and every one arrives, in order.
	 */
	{
		struct buf big = { 0 };
		char err[REC_ERRSZ];
		size_t chunks[] = { 0, 7 }, k;
		long rows, last, bad;
		struct rec_in *r;
		int fd;

		buf_adds(&big, "a,b\n");
		for (rows = 0; rows < 100000; rows++)
			buf_printf(&big, "%ld,x\n", rows + 2);
		path = tmp_gzip(big.s, big.len);
		buf_free(&big);
		for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
			fd = open(path, O_RDONLY);
			r = rec_open_fd(fd, "big.csv.gz", chunks[k], err);
			rows = last = bad = 0;
			while (r && rec_next(r) == 1) {
				rows++;
				last = rec_lineno(r);
				if (atol(rec_field(r, 0)) != last)
					bad++;
			}
			is_int(rows, 100000, "large gzip, chunk %zu: rows",
			    chunks[k]);
			is_int(last, 100001, "large gzip, chunk %zu: last line",
			    chunks[k]);
			is_int(bad, 0, "large gzip, chunk %zu: rows in order",
			    chunks[k]);
			is_int(r ? rec_close(r, err) : -2, 0,
			    "large gzip, chunk %zu: closed", chunks[k]);
			close(fd);
		}
	}

	/* rec_open on a .gz path reads through zlib too. */
	path = tmp_gzip("material,qty\nM-1,5\n", 19);
	{
		char err[REC_ERRSZ];
		struct rec_in *r = rec_open(path, err);

		ok(r != NULL, "rec_open of a gzip file");
		if (r) {
			is_int(rec_next(r), 1, "gzip file: a row");
			is_str(rec_get(r, "qty"), "5", "gzip file: qty");
			is_int(rec_next(r), 0, "gzip file: end");
			is_int(rec_close(r, err), 0, "gzip file: closed");
		}
	}
}

static void
test_by_name(void)
{
	const char *in = "material, note ,qty,remark\nM-1, x ,5,fragile\n";
	char *path = tmp_file(in, strlen(in));
	char err[REC_ERRSZ] = "";
	struct rec_in *r;

	r = rec_open(path, err);
	ok(r != NULL, "rec_open of a file");
	if (r == NULL)
		return;
	is_str(rec_name(r), path, "rec_name is the path");
	is_int(rec_ncols(r), 4, "4 columns");
	is_int(rec_col(r, "qty"), 2, "rec_col qty");
	is_int(rec_col(r, " note "), 1, "rec_col of a name with blanks");
	is_int(rec_col(r, "note"), -1, "rec_col: blanks are part of a name");
	is_int(rec_col(r, "serials"), -1, "rec_col -1 for an absent column");
	is_str(rec_colname(r, 3), "remark", "rec_colname");
	is_str(rec_colname(r, 4), "", "rec_colname out of range");
	is_int(rec_ready(r), 1, "rec_ready on a file");
	is_int(rec_next(r), 1, "row read");
	is_int(rec_lineno(r), 2, "row on line 2");
	is_str(rec_get(r, "remark"), "fragile",
	    "a column no stage knows is read by name");
	is_str(rec_get(r, " note "), " x ", "blanks kept in a field");
	is_str(rec_get(r, "serials"), "", "absent column reads empty");
	is_int(rec_next(r), 0, "end");
	is_int(rec_next(r), 0, "still the end");
	is_int(rec_ready(r), 1, "rec_ready at the end");
	is_int(rec_close(r, err), 0, "rec_close");
}

static void
test_missing(void)
{
	struct buf path = { 0 };
	char err[REC_ERRSZ] = "", want[REC_ERRSZ + 64];
	struct rec_in *r;

	buf_printf(&path, "%s.missing", tmp_path(""));
	r = rec_open(path.s, err);
	ok(r == NULL, "rec_open of a missing file fails");
	snprintf(want, sizeof want,
	    "cannot open '%s': No such file or directory", path.s);
	is_str(err, want, "message for a missing file");
	rec_close(r, err);

	/* A directory opens but cannot be read. */
	buf_reset(&path);
	buf_adds(&path, tmp_path(""));
	*strrchr(path.s, '/') = '\0';
	r = rec_open(path.s, err);
	ok(r == NULL, "rec_open of a directory fails");
	snprintf(want, sizeof want, "%s: read error: Is a directory",
	    path.s);
	is_str(err, want, "message for a directory");
	rec_close(r, err);
	buf_free(&path);
}

/*
 * Rows come out of a pipe as soon as they are complete, while the writer
 * keeps it open; a blocking read would hang here (the alarm ends it).
 */
static void
test_pipe(int gzipped)
{
	const char *what = gzipped ? "gzip pipe" : "pipe";
	char err[REC_ERRSZ];
	struct rec_in *r;
	gzFile gz = NULL;
	int fd[2];

	if (pipe(fd) != 0) {
		perror("pipe");
		exit(2);
	}
	alarm(10);
#define SEND(s) do { \
	if (gzipped) { \
		gzputs(gz, s); \
		gzflush(gz, Z_SYNC_FLUSH); \
	} else if (write(fd[1], s, strlen(s)) != (ssize_t)strlen(s)) \
		exit(2); \
} while (0)
	if (gzipped)
		gz = gzdopen(fd[1], "wb");
	SEND("a,b\n1,");
	SEND("2\n3,");
	r = rec_open_fd(fd[0], "pipe", 0, err);
	ok(r != NULL, "%s: header read", what);
	if (r == NULL)
		exit(1);
	is_int(rec_ready(r), 1, "%s: ready with a row queued", what);
	is_int(rec_next(r), 1, "%s: first row while the writer waits", what);
	is_str(rec_field(r, 1), "2", "%s: first row's b", what);
	is_int(rec_ready(r), 0, "%s: not ready on half a row", what);
	SEND("4\n");
	is_int(rec_ready(r), 1, "%s: ready when data arrives", what);
	is_int(rec_next(r), 1, "%s: second row", what);
	is_str(rec_field(r, 0), "3", "%s: second row's a", what);
	is_int(rec_lineno(r), 3, "%s: second row's line", what);
	SEND("5,\"6\n");
	SEND("\"\n");
	is_int(rec_next(r), 1, "%s: row sent in two writes", what);
	is_str(rec_field(r, 1), "6\n", "%s: third row's b", what);
	if (gzipped)
		gzclose(gz);
	else
		close(fd[1]);
	is_int(rec_ready(r), 1, "%s: ready at end of file", what);
	is_int(rec_next(r), 0, "%s: end", what);
	is_int(rec_close(r, err), 0, "%s: closed", what);
	close(fd[0]);
	alarm(0);
#undef SEND
}

/* What out writes, rec reads back byte for byte. */
static void
test_round_trip(void)
{
	static const char *const tricky[] = {
		"a,b", "say \"hi\"", "cr\rhere", "lf\nhere", " lead",
		"trail ", "", "plain", "寄售库存", "\ttab", "\"", "x\r\n",
	};
	static const char *const names[] = { "k", "v" };
	const size_t ntricky = sizeof tricky / sizeof tricky[0];
	char *path = tmp_path(".csv"), *text, err[REC_ERRSZ], num[16];
	const char *row[2];
	struct out *o;
	struct rec_in *r;
	size_t i, n;
	int rc;

	o = out_open_path(path, OUT_CSV, 2, names, err);
	ok(o != NULL, "out_open_path");
	if (o == NULL)
		return;
	for (i = 0; i < ntricky; i++) {
		snprintf(num, sizeof num, "%zu", i + 1);
		row[0] = num;
		row[1] = tricky[i];
		out_row(o, row);
	}
	is_int(out_close(o), 0, "out_close");
	text = slurp(path, &n);
	is_str(text,
	    "k,v\n"
	    "1,\"a,b\"\n"
	    "2,\"say \"\"hi\"\"\"\n"
	    "3,\"cr\rhere\"\n"
	    "4,\"lf\nhere\"\n"
	    "5,\" lead\"\n"
	    "6,\"trail \"\n"
	    "7,\n"
	    "8,plain\n"
	    "9,寄售库存\n"
	    "10,\"\ttab\"\n"
	    "11,\"\"\"\"\n"
	    "12,\"x\r\n\"\n",
	    "CSV written with minimal quoting");
	free(text);

	r = rec_open(path, err);
	ok(r != NULL, "written CSV opens");
	if (r == NULL)
		return;
	for (i = 0; i < ntricky; i++) {
		rc = rec_next(r);
		is_int(rc, 1, "row %zu read back", i + 1);
		if (rc != 1)
			break;
		is_str(rec_get(r, "v"), tricky[i], "field %zu byte-exact",
		    i + 1);
	}
	is_int(rec_next(r), 0, "no more rows");
	rec_close(r, err);

	/* One column: an empty value must not become a skipped blank line. */
	o = out_open_path(path, OUT_CSV, 1, names, err);
	row[0] = "";
	out_row(o, row);
	row[0] = "x";
	out_row(o, row);
	is_int(out_close(o), 0, "one column written");
	text = slurp(path, &n);
	is_str(text, "k\n\"\"\nx\n", "empty lone field quoted");
	free(text);
	text = dump(path, "one.csv", 0);
	is_str(text, "cols:[k]\n2:[]\n3:[x]\nend\nclose:0\n",
	    "empty lone field read back");
	free(text);
}

int
main(void)
{
	int i;

	test_parsing();
	test_errors();
	test_limits();
	test_gzip();
	test_by_name();
	test_missing();
	test_pipe(0);
	test_pipe(1);
	test_round_trip();
	for (i = 0; i < ntmp; i++) {
		unlink(tmpfiles[i]);
		free(tmpfiles[i]);
	}
	return tap_done();
}
