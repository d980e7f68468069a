/*
 * out.c - unit tests of the record writer (lib/out.c): CSV quoting, the
 * aligned table, JSON lines, display widths, write errors and gzip output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "out.h"
#include "rec.h"
#include "util.h"
#include "tap.h"

/* Rows written in fmt to memory, returned as a string. */
static char *
render(enum out_fmt fmt, int ncols, const char *const *names, int nrows,
    const char *const *cells, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct out *o;
	int i;

	if (fp == NULL) {
		perror("open_memstream");
		exit(2);
	}
	o = out_open(fp, fmt, ncols, names);
	for (i = 0; i < nrows; i++)
		out_row(o, cells + i * ncols);
	*rc = out_close(o);
	fclose(fp);
	return text;
}

static void
test_fmt_parse(void)
{
	is_int(out_fmt_parse("csv"), OUT_CSV, "out_fmt_parse csv");
	is_int(out_fmt_parse("table"), OUT_TABLE, "out_fmt_parse table");
	is_int(out_fmt_parse("json"), OUT_JSON, "out_fmt_parse json");
	is_int(out_fmt_parse("xml"), -1, "out_fmt_parse unknown");
	is_int(out_fmt_parse("CSV"), -1, "out_fmt_parse is exact");
}

static void
test_csv_quote(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "a b", "a b" },
		{ "寄售", "寄售" },
		{ "1,5", "\"1,5\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "a\rb", "\"a\rb\"" },
		{ "a\nb", "\"a\nb\"" },
		{ " lead", "\" lead\"" },
		{ "trail ", "\"trail \"" },
		{ "\ttab", "\"\ttab\"" },
		{ "tab\t", "\"tab\t\"" },
		{ "中,文", "\"中,文\"" },
	};
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		buf_reset(&b);
		buf_adds(&b, "");
		csv_quote(&b, t[i].in);
		is_str(b.s, t[i].want, "csv_quote of field %zu", i + 1);
	}
	buf_free(&b);
}

static void
test_csv(void)
{
	static const char *const names[] = { "material", "note" };
	static const char *const cells[] = {
		"M-1", "plain", "M 2", "a,b", NULL, " x",
	};
	char *text;
	int rc;

	text = render(OUT_CSV, 2, names, 3, cells, &rc);
	is_int(rc, 0, "csv: out_close");
	is_str(text, "material,note\nM-1,plain\nM 2,\"a,b\"\n,\" x\"\n",
	    "csv: header at open, quoting only where needed, NULL empty");
	free(text);
}

static void
test_table(void)
{
	static const char *const names[] = { "material", "名称", "qty",
	    "note" };
	static const char *const cells[] = {
		"M-1", "螺丝", "10", "ok",
		"M-22", "垫圈 大号", "2.5", "",
		"X", "", "-3", NULL,
		"Ｚ-9", "e\xcc\x81t\xc3\xa9", "1.", "",
	};
	char *text;
	int rc;

	text = render(OUT_TABLE, 4, names, 4, cells, &rc);
	is_int(rc, 0, "table: out_close");
	is_str(text,
	    /* material(8)  名称(9)  qty(3)  note(4) */
	    "material  名称       qty  note\n"
	    "M-1       螺丝        10  ok\n"
	    "M-22      垫圈 大号  2.5\n"
	    "X                     -3\n"
	    "Ｚ-9      e\xcc\x81t\xc3\xa9        1.\n",
	    "table: widths by display columns, numbers right, no trailing "
	    "blanks");
	free(text);

	text = render(OUT_TABLE, 2, names, 0, cells, &rc);
	is_str(text, "material  名称\n", "table: header only");
	free(text);

	{
		static const char *const ctl[] = { "a\nb", "c" };

		text = render(OUT_TABLE, 2, names, 1, ctl, &rc);
		is_str(text, "material  名称\na b       c\n",
		    "table: a newline in a cell shows as a blank");
		free(text);
	}
}

static void
test_json(void)
{
	static const char *const names[] = { "id", "te\"xt" };
	static const char *const cells[] = {
		"1", "a\"b\\c\nd\te\x01" "f/中文\x7f",
		NULL, "",
	};
	char *text;
	int rc;

	text = render(OUT_JSON, 2, names, 2, cells, &rc);
	is_int(rc, 0, "json: out_close");
	is_str(text,
	    "{\"id\":\"1\",\"te\\\"xt\":\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001f"
	    "/中文\x7f\"}\n"
	    "{\"id\":\"\",\"te\\\"xt\":\"\"}\n",
	    "json: one object a line, strings escaped, UTF-8 kept");
	free(text);

	text = render(OUT_JSON, 2, names, 0, cells, &rc);
	is_str(text, "", "json: no rows, no output");
	free(text);
}

static void
test_width(void)
{
	static const struct {
		const char *s;
		int w;
	} t[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "中文", 4 },
		{ "寄售库存 stock", 14 },
		{ "e\xcc\x81", 1 },		/* e + U+0301 combining */
		{ "\xcd\xaf", 0 },		/* U+036F, last combining */
		{ "\xcd\xb0", 1 },		/* U+0370 */
		{ "Ａ", 2 },			/* U+FF21 fullwidth */
		{ "\xef\xbd\xa1", 1 },		/* U+FF61 halfwidth */
		{ "\xef\xbf\xa6", 2 },		/* U+FFE6 */
		{ "\xef\xbf\xa7", 1 },		/* U+FFE7 */
		{ "\xe3\x80\xbf", 1 },		/* U+303F */
		{ "\xe3\x80\xbe", 2 },		/* U+303E */
		{ "\xe3\x81\x80", 2 },		/* U+3040 */
		{ "\xea\x93\x8f", 2 },		/* U+A4CF */
		{ "\xea\x93\x90", 1 },		/* U+A4D0 */
		{ "\xe1\x84\x80", 2 },		/* U+1100 Hangul jamo */
		{ "\xe1\x85\xa0", 1 },		/* U+1160 */
		{ "한국", 4 },			/* U+D55C U+AD6D */
		{ "\xef\xa4\x80", 2 },		/* U+F900 */
		{ "\xef\xb8\xb0", 2 },		/* U+FE30 */
		{ "\xf0\xa0\x80\x80", 2 },	/* U+20000 */
		{ "\xf0\xaf\xbf\xbd", 2 },	/* U+2FFFD */
		{ "\xf0\xbf\xbf\xbd", 2 },	/* U+3FFFD */
		{ "\xf0\x9f\x98\x80", 1 },	/* U+1F600: not in the table */
		{ "\xff", 1 },			/* a stray byte */
		{ "\xe4\xb8", 2 },		/* a cut-off sequence, byte-wise */
		{ "\xc0\xaf", 2 },		/* overlong '/' */
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(utf8_width(t[i].s), t[i].w, "utf8_width of case %zu",
		    i + 1);
}

/* Every write error shows in out_flush or out_close. */
static void
test_full(void)
{
	static const char *const names[] = { "a", "b" };
	static const char *const row[] = { "1", "2" };
	enum out_fmt fmt;
	struct out *o;
	FILE *fp;
	char err[REC_ERRSZ];

	for (fmt = OUT_CSV; fmt <= OUT_JSON; fmt++) {
		if ((fp = fopen("/dev/full", "w")) == NULL) {
			ok(1, "# SKIP no /dev/full");
			return;
		}
		o = out_open(fp, fmt, 2, names);
		out_row(o, row);
		if (fmt != OUT_TABLE)
			is_int(out_flush(o), -1, "/dev/full: out_flush fails "
			    "(format %d)", fmt);
		else
			is_int(out_flush(o), 0, "/dev/full: a table waits for "
			    "out_close");
		is_int(out_close(o), -1, "/dev/full: out_close fails "
		    "(format %d)", fmt);
		fclose(fp);
	}
	o = out_open_path("/dev/full", OUT_CSV, 2, names, err);
	ok(o != NULL, "/dev/full by path opens");
	if (o) {
		out_row(o, row);
		is_int(out_close(o), -1, "/dev/full by path: out_close fails");
	}
}

static void
test_paths(void)
{
	static const char *const names[] = { "material", "qty" };
	static const char *const row[] = { "寄售,A", "5" };
	const char *dir = getenv("TMPDIR");
	char path[4096], err[REC_ERRSZ], got[256], want[4300];
	struct out *o;
	struct rec_in *r;
	gzFile gz;
	FILE *fp;
	int fd, n;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, sizeof path, "%s/cs-out-XXXXXX.csv.gz", dir);
	if ((fd = mkstemps(path, 7)) < 0) {
		perror(path);
		exit(2);
	}
	close(fd);
	o = out_open_path(path, OUT_CSV, 2, names, err);
	ok(o != NULL, ".gz: out_open_path");
	if (o == NULL)
		return;
	out_row(o, row);
	is_int(out_flush(o), 0, ".gz: out_flush");
	out_row(o, row);
	is_int(out_close(o), 0, ".gz: out_close");

	fp = fopen(path, "rb");
	n = fp ? (int)fread(got, 1, 2, fp) : 0;
	if (fp)
		fclose(fp);
	ok(n == 2 && (unsigned char)got[0] == 0x1f &&
	    (unsigned char)got[1] == 0x8b, ".gz: gzip magic bytes");
	gz = gzopen(path, "rb");
	n = gz ? gzread(gz, got, sizeof got - 1) : -1;
	got[n > 0 ? n : 0] = '\0';
	is_int(gz ? gzclose(gz) : -1, Z_OK, ".gz: a whole gzip stream");
	is_str(got, "material,qty\n\"寄售,A\",5\n\"寄售,A\",5\n",
	    ".gz: inflates to the CSV");
	r = rec_open(path, err);
	ok(r != NULL, ".gz: rec_open reads it");
	if (r) {
		is_int(rec_next(r), 1, ".gz: first row");
		is_str(rec_get(r, "material"), "寄售,A", ".gz: material");
		is_int(rec_next(r), 1, ".gz: second row");
		is_int(rec_next(r), 0, ".gz: two rows");
		is_int(rec_close(r, err), 0, ".gz: rec_close");
	}
	unlink(path);

	snprintf(path, sizeof path, "%s/cs-out-missing-dir/x.csv", dir);
	ok(out_open_path(path, OUT_CSV, 2, names, err) == NULL,
	    "no directory: out_open_path fails");
	snprintf(want, sizeof want,
	    "cannot create '%s': No such file or directory", path);
	is_str(err, want, "no directory: message");
	snprintf(path, sizeof path, "%s/cs-out-missing-dir/x.csv.gz", dir);
	ok(out_open_path(path, OUT_CSV, 2, names, err) == NULL,
	    "no directory, .gz: out_open_path fails");
	snprintf(want, sizeof want,
	    "cannot create '%s': No such file or directory", path);
	is_str(err, want, "no directory, .gz: message");
}

int
main(void)
{
	test_fmt_parse();
	test_csv_quote();
	test_csv();
	test_table();
	test_json();
	test_width();
	test_full();
	test_paths();
	return tap_done();
}
