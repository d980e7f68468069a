/*
 * tests/unit/split.c - the fast paths of the journal reader: jrec_split
 * against a plain byte-at-a-time splitter on every line of a small
 * alphabet up to a length (so every position of a TAB or an escape
 * relative to a 16-byte step is met), too many fields at every position,
 * and the record kind filter of a scan (j->only) with kinds of one and of
 * two characters, records without fields, empty kinds and lines.
 */
#include <sys/file.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "util.h"
#include "tap.h"

/* The splitter as cs-journal(5) says it, one byte at a time: fields as
 * "[a][b]" into out, or "fail". */
static void
ref_split(const char *line, size_t len, struct buf *out)
{
	size_t i;
	int nf = 1;

	buf_reset(out);
	buf_addc(out, '[');
	for (i = 0; i < len; i++) {
		if (line[i] == '\t') {
			if (nf++ == JMAXF)
				goto fail;
			buf_add(out, "][", 2);
		} else if (line[i] == '\\') {
			if (++i == len)
				goto fail;
			switch (line[i]) {
			case 't': buf_addc(out, '\t'); break;
			case 'n': buf_addc(out, '\n'); break;
			case 'r': buf_addc(out, '\r'); break;
			case '\\': buf_addc(out, '\\'); break;
			default: goto fail;
			}
		} else
			buf_addc(out, line[i]);
	}
	buf_addc(out, ']');
	return;
fail:
	buf_reset(out);
	buf_printf(out, "fail");
}

static void
got_split(const char *line, size_t len, struct buf *out)
{
	char *copy = xmalloc(len + 1);
	struct jrec r;
	int i;

	memcpy(copy, line, len);
	copy[len] = 'X';	/* jrec_split puts the NUL there */
	buf_reset(out);
	if (jrec_split(copy, len, &r) < 0)
		buf_printf(out, "fail");
	else
		for (i = 0; i < r.nf; i++)
			buf_printf(out, "[%s]", r.f[i]);
	/* fields past nf read as "" */
	if (r.nf < JMAXF && r.f[r.nf][0] != '\0')
		buf_printf(out, " past nf: '%s'", r.f[r.nf]);
	free(copy);
}

/* Every line of alphabet a up to n bytes, and long lines of a seeded
 * generator: the same fields as the reference, or both fail. */
static void
test_split(void)
{
	static const char a[] = "x\t\\tn";
	struct buf want = { 0 }, got = { 0 };
	char line[200];
	long bad = 0, lines = 0;
	size_t n, i, k;
	unsigned long seed = 7;

	for (n = 0; n <= 8; n++) {
		size_t total = 1, idx[8] = { 0 };

		for (i = 0; i < n; i++)
			total *= sizeof a - 1;
		for (k = 0; k < total; k++) {
			size_t v = k;

			for (i = 0; i < n; i++) {
				idx[i] = v % (sizeof a - 1);
				v /= sizeof a - 1;
				line[i] = a[idx[i]];
			}
			ref_split(line, n, &want);
			got_split(line, n, &got);
			lines++;
			if (strcmp(want.s, got.s) != 0 && bad++ < 3)
				printf("# '%.*s': want %s, got %s\n", (int)n,
				    line, want.s, got.s);
		}
	}
	/* Longer lines: mostly text, TABs, now and then an escape, so the
	 * 16-byte steps meet TABs before, after and at the first backslash. */
	for (k = 0; k < 200000; k++) {
		n = (size_t)(k % 120);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			switch ((seed >> 33) % 23) {
			case 0: case 1: case 2: line[i] = '\t'; break;
			case 3: line[i] = '\\'; break;
			case 4: line[i] = 'n'; break;
			case 5: line[i] = (k & 1) ? '\\' : 't'; break;
			default: line[i] = (char)('a' + (seed >> 40) % 26);
			}
		}
		ref_split(line, n, &want);
		got_split(line, n, &got);
		lines++;
		if (strcmp(want.s, got.s) != 0 && bad++ < 3)
			printf("# '%.*s': want %s, got %s\n", (int)n, line,
			    want.s, got.s);
	}
	ok(bad == 0, "jrec_split agrees with the plain splitter on %ld lines "
	    "(%ld differ)", lines, bad);

	/* JMAXF fields split, one more does not, wherever the extra TAB is */
	for (k = 0, bad = 0; k < 40; k++) {
		size_t len = 0;

		for (i = 0; i < JMAXF - 1; i++) {
			memset(line + len, 'y', k % 5);
			len += k % 5;
			line[len++] = '\t';
		}
		memset(line + len, 'z', k);
		len += k;
		got_split(line, len, &got);
		if (strncmp(got.s, "fail", 4) == 0)
			bad++;
		line[len++] = '\t';
		got_split(line, len, &got);
		if (strncmp(got.s, "fail", 4) != 0)
			bad++;
	}
	ok(bad == 0, "%d fields split, %d do not, at every length", JMAXF,
	    JMAXF + 1);
	buf_free(&want);
	buf_free(&got);
}

static struct buf kinds;

static int
note_kind(void *ctx, const struct jrec *r, struct buf *why)
{
	(void)ctx;
	(void)why;
	buf_printf(&kinds, "%s/%d ", r->f[0], r->nf);
	return 0;
}

/* A scan with j->only hands over exactly the records of those kinds. */
static void
test_only(void)
{
	char dir[64], err[JERRSZ];
	struct journal j;
	struct buf tx = { 0 };
	const char *recs[] = { "M\ta", "MM\tb", "OJ\tc", "O\td", "J\te", "M",
	    "OJ", "\tf", "", "V\tg", "OJX\th", "M\t\\t", NULL };
	int i;

	snprintf(dir, sizeof dir, "/tmp/cs-split-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	if (journal_open(&j, dir, 1, err) < 0 ||
	    journal_lock(&j, LOCK_EX, 1000, err) < 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	jtx_begin(&j, &tx, "test");
	for (i = 0; recs[i]; i++) {
		buf_add(&tx, recs[i], strlen(recs[i]));
		buf_addc(&tx, '\n');
	}
	if (journal_commit(&j, &tx, err) < 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	j.end = 0;
	j.txn = 0;
	j.only = " M OJ ";
	is_int(journal_scan(&j, note_kind, NULL, err), 0, "scan with only");
	is_str(kinds.s, "M/2 OJ/2 M/1 OJ/1 M/2 ",
	    "only M and OJ records reach fn, with or without fields");
	buf_reset(&kinds);
	j.end = 0;
	j.txn = 0;
	j.only = "V";
	journal_scan(&j, note_kind, NULL, err);
	is_str(kinds.s, "V/2 ", "one kind without spaces around it");
	buf_reset(&kinds);
	j.end = 0;
	j.txn = 0;
	j.only = NULL;
	journal_scan(&j, note_kind, NULL, err);
	is_str(kinds.s, "M/2 MM/2 OJ/2 O/2 J/2 M/1 OJ/1 /2 /1 V/2 OJX/2 M/2 ",
	    "no only: every record");
	journal_close(&j);
	buf_free(&tx);
	buf_free(&kinds);
	{
		char p[128];

		snprintf(p, sizeof p, "%s/journal", dir);
		unlink(p);
		rmdir(dir);
	}
}

int
main(void)
{
	test_split();
	test_only();
	return tap_done();
}
