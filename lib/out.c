/*
 * out.c - writing records as CSV, an aligned table, or JSON lines; see
 * out.h.
 *
 * Each row is built in memory and written with one call, to a stdio
 * stream or, for a path ending in ".gz", through zlib.  A failed write is
 * remembered and reported by out_flush() and out_close(), so callers check
 * once instead of at every row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "out.h"
#include "rec.h"
#include "util.h"

struct out {
	FILE *fp;
	gzFile gz;
	int own;		/* fp or gz was opened here: close it */
	enum out_fmt fmt;
	int ncols;
	char **names;
	struct buf line;	/* the row being written */
	int failed;

	/* OUT_TABLE: every cell kept until close, row-major. */
	struct buf cells;	/* NUL-terminated cell texts */
	size_t *off;		/* cell k at cells.s + off[k] */
	size_t noff, offcap;
};

int
out_fmt_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return OUT_CSV;
	if (strcmp(s, "table") == 0)
		return OUT_TABLE;
	if (strcmp(s, "json") == 0)
		return OUT_JSON;
	return -1;
}

static void
emit(struct out *o, const char *p, size_t n)
{
	if (n == 0 || o->failed)
		return;
	if (o->gz != NULL) {
		if (gzwrite(o->gz, p, (unsigned)n) != (int)n)
			o->failed = 1;
	} else if (fwrite(p, 1, n, o->fp) != n)
		o->failed = 1;
}

void
csv_quote(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (n == 0 || (strpbrk(s, ",\"\r\n") == NULL &&
	    s[0] != ' ' && s[0] != '\t' &&
	    s[n - 1] != ' ' && s[n - 1] != '\t')) {
		buf_add(b, s, n);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

static void
csv_line(struct out *o, const char *const *f)
{
	int i;

	buf_reset(&o->line);
	for (i = 0; i < o->ncols; i++) {
		const char *s = f[i] ? f[i] : "";

		if (i > 0)
			buf_addc(&o->line, ',');
		/*
		 * A lone empty field would make a blank line, which readers
		 * (ours included) skip.
		 */
		if (o->ncols == 1 && *s == '\0')
			buf_adds(&o->line, "\"\"");
		else
			csv_quote(&o->line, s);
	}
	buf_addc(&o->line, '\n');
	emit(o, o->line.s, o->line.len);
}

static void
json_string(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		int n = utf8_seq(p);

		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, *p);
		} else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else if (*p < 0x80)
			buf_addc(b, *p);
		else if (n > 0) {
			buf_add(b, p, (size_t)n);	/* UTF-8 passes through */
			p += n - 1;
		} else
			/* Not UTF-8: JSON must stay valid. */
			buf_adds(b, "\\ufffd");
	}
	buf_addc(b, '"');
}

static void
json_line(struct out *o, const char *const *f)
{
	int i;

	buf_reset(&o->line);
	buf_addc(&o->line, '{');
	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			buf_addc(&o->line, ',');
		json_string(&o->line, o->names[i]);
		buf_addc(&o->line, ':');
		json_string(&o->line, f[i] ? f[i] : "");
	}
	buf_adds(&o->line, "}\n");
	emit(o, o->line.s, o->line.len);
}

static void
table_keep(struct out *o, const char *const *f)
{
	int i;

	grow(&o->off, &o->offcap, o->noff + (size_t)o->ncols, sizeof *o->off);
	for (i = 0; i < o->ncols; i++) {
		o->off[o->noff++] = o->cells.len;
		buf_adds(&o->cells, f[i] ? f[i] : "");
		buf_add(&o->cells, "", 1);
	}
}

static struct out *
out_start(FILE *fp, gzFile gz, enum out_fmt fmt, int ncols,
    const char *const *names)
{
	struct out *o = xcalloc(1, sizeof *o);
	int i;

	o->fp = fp;
	o->gz = gz;
	o->fmt = fmt;
	o->ncols = ncols;
	o->names = xcalloc((size_t)ncols, sizeof *o->names);
	for (i = 0; i < ncols; i++)
		o->names[i] = xstrdup(names[i] ? names[i] : "");
	if (fmt == OUT_CSV)
		csv_line(o, (const char *const *)o->names);
	else if (fmt == OUT_TABLE)
		table_keep(o, (const char *const *)o->names);
	return o;
}

struct out *
out_open(FILE *fp, enum out_fmt fmt, int ncols, const char *const *names)
{
	return out_start(fp, NULL, fmt, ncols, names);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

struct out *
out_open_path(const char *path, enum out_fmt fmt, int ncols,
    const char *const *names, char *err)
{
	struct out *o;
	FILE *fp = NULL;
	gzFile gz = NULL;

	errno = 0;
	if (has_suffix(path, ".gz"))
		gz = gzopen(path, "wb");
	else
		fp = fopen(path, "w");
	if (fp == NULL && gz == NULL) {
		if (err)
			snprintf(err, REC_ERRSZ, "cannot create '%s': %s", path,
			    errno ? strerror(errno) : "out of memory");
		return NULL;
	}
	o = out_start(fp, gz, fmt, ncols, names);
	o->own = 1;
	return o;
}

void
out_row(struct out *o, const char *const *fields)
{
	switch (o->fmt) {
	case OUT_CSV:
		csv_line(o, fields);
		break;
	case OUT_JSON:
		json_line(o, fields);
		break;
	case OUT_TABLE:
		table_keep(o, fields);
		break;
	}
}

int
out_flush(struct out *o)
{
	if (o->fmt != OUT_TABLE && !o->failed) {
		if (o->gz != NULL) {
			/* A sync flush lets a reader inflate all so far. */
			if (gzflush(o->gz, Z_SYNC_FLUSH) != Z_OK)
				o->failed = 1;
		} else if (fflush(o->fp) != 0 || ferror(o->fp))
			o->failed = 1;
	}
	return o->failed ? -1 : 0;
}

/* Cells like -12, 3.5 or 0.125 are right-aligned in a table. */
static int
looks_numeric(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void
pad(struct buf *b, int n)
{
	while (n-- > 0)
		buf_addc(b, ' ');
}

/*
 * Control characters would break the layout of a table on a terminal;
 * they are shown as blanks (the table is for reading, CSV and JSON keep
 * the data).
 */
static void
cell_add(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void
table_print(struct out *o)
{
	size_t nrows, i;
	int j, *width, w;

	if (o->ncols == 0)
		return;
	nrows = o->noff / (size_t)o->ncols;
	width = xcalloc((size_t)o->ncols, sizeof *width);
	for (i = 0; i < nrows; i++)
		for (j = 0; j < o->ncols; j++) {
			w = utf8_width(o->cells.s +
			    o->off[i * (size_t)o->ncols + (size_t)j]);
			if (w > width[j])
				width[j] = w;
		}
	for (i = 0; i < nrows; i++) {
		size_t keep = 0;	/* the line up to its last text */

		buf_reset(&o->line);
		for (j = 0; j < o->ncols; j++) {
			const char *s = o->cells.s +
			    o->off[i * (size_t)o->ncols + (size_t)j];

			if (j > 0)
				pad(&o->line, 2);
			w = utf8_width(s);
			if (looks_numeric(s))
				pad(&o->line, width[j] - w);
			cell_add(&o->line, s);
			if (*s)
				keep = o->line.len;
			if (!looks_numeric(s))
				pad(&o->line, width[j] - w);
		}
		o->line.len = keep;
		buf_addc(&o->line, '\n');
		emit(o, o->line.s, o->line.len);
	}
	free(width);
}

int
out_close(struct out *o)
{
	int i, rc;

	if (o == NULL)
		return 0;
	if (o->fmt == OUT_TABLE)
		table_print(o);
	if (o->gz != NULL) {
		if (gzclose(o->gz) != Z_OK)
			o->failed = 1;
	} else if (o->own) {
		if (fflush(o->fp) != 0 || ferror(o->fp))
			o->failed = 1;
		if (fclose(o->fp) != 0)
			o->failed = 1;
	} else if (fflush(o->fp) != 0 || ferror(o->fp))
		o->failed = 1;
	rc = o->failed ? -1 : 0;
	for (i = 0; i < o->ncols; i++)
		free(o->names[i]);
	free(o->names);
	buf_free(&o->line);
	buf_free(&o->cells);
	free(o->off);
	free(o);
	return rc;
}

/*
 * East Asian Wide and Fullwidth ranges, two columns each (a compact cut
 * of Unicode's EastAsianWidth.txt, enough for CJK text and fullwidth
 * forms); U+303F, the half-width ideographic space, is narrow.
 */
static const struct {
	unsigned lo, hi;
} wide[] = {
	{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3040, 0xa4cf },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x20000, 0x3fffd },
};

static int
cp_width(unsigned cp)
{
	size_t i;

	if (cp >= 0x300 && cp <= 0x36f)		/* combining marks */
		return 0;
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i].lo && cp <= wide[i].hi)
			return 2;
	return 1;
}

/*
 * Decode one UTF-8 sequence at s into *cp; returns its length, or 0 when
 * the bytes are not well-formed UTF-8.
 */
static int
utf8_decode(const unsigned char *s, unsigned *cp)
{
	int n, i;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	int n, w = 0;

	while (*p) {
		if ((n = utf8_decode(p, &cp)) == 0) {
			w++;	/* a stray byte shows as one replacement */
			p++;
			continue;
		}
		w += cp_width(cp);
		p += n;
	}
	return w;
}
