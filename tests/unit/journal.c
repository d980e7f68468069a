/*
 * tests/unit/journal.c - the journal: transactions written under the lock
 * read back record for record (escapes included), commit checksums, torn
 * tails ignored and cut, damage refused, lock contention between
 * processes, incremental scans.  Works in a mkdtemp directory that is
 * removed at the end.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "journal.h"
#include "util.h"
#include "tap.h"

static char tmpdir[64];
static char jpath[128];

/* --- helpers ---------------------------------------------------------- */

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The journal file's bytes (NUL-terminated; the caller frees b). */
static void
slurp(struct buf *b)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(jpath, O_RDONLY);

	buf_reset(b);
	buf_add(b, "", 0);
	if (fd < 0)
		bail("open journal");
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
}

/* Replace the journal file by n bytes of p. */
static void
put_file(const char *p, size_t n)
{
	int fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || close(fd) < 0)
		bail("write journal");
}

static void
append_file(const char *p, size_t n)
{
	int fd = open(jpath, O_WRONLY | O_APPEND);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) < 0)
		bail("append journal");
}

static long long
file_size(void)
{
	struct stat sb;

	if (stat(jpath, &sb) < 0)
		bail("stat journal");
	return (long long)sb.st_size;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Records a scan delivers, copied. */
struct got {
	uint64_t txn;
	long long off;
	int nf;
	char *f[JMAXF];
};
static struct got *gv;
static size_t ngot, capgot;

static int
collect(void *ctx, const struct jrec *r, struct buf *why)
{
	struct got *g;
	int i;

	(void)ctx;
	(void)why;
	grow(&gv, &capgot, ngot + 1, sizeof *gv);
	g = &gv[ngot++];
	g->txn = r->txn;
	g->off = (long long)r->off;
	g->nf = r->nf;
	for (i = 0; i < r->nf; i++)
		g->f[i] = xstrdup(r->f[i]);
	return 0;
}

static void
got_clear(void)
{
	size_t i;
	int k;

	for (i = 0; i < ngot; i++)
		for (k = 0; k < gv[i].nf; k++)
			free(gv[i].f[k]);
	ngot = 0;
}

/* Commit one transaction of records given as NULL-terminated field lists
 * (each list itself NULL-terminated) through j, which holds LOCK_EX. */
static int
commit_recs(struct journal *j, const char *const *const *recs, char *err)
{
	struct buf tx = { 0 };
	int i, n, rc;

	jtx_begin(j, &tx, "cs-test");
	for (i = 0; recs[i]; i++) {
		for (n = 0; recs[i][n]; n++)
			;
		jtx_rec(&tx, n, recs[i]);
	}
	rc = journal_commit(j, &tx, err);
	buf_free(&tx);
	return rc;
}

/* Commit a single record "Z <text>". */
static int
commit_one(struct journal *j, const char *text, char *err)
{
	const char *r0[] = { "Z", text, NULL };
	const char *const *recs[] = { r0, NULL };

	return commit_recs(j, recs, err);
}

/* Scan a fresh handle over the whole journal, collecting records. */
static int
scan_fresh(struct journal *j, char *err)
{
	got_clear();
	if (journal_open(j, tmpdir, 0, err) < 0)
		return -3;
	return journal_scan(j, collect, NULL, err);
}

/* The offset of the n-th line (0-based) of text, -1 if none. */
static long long
line_off(const char *text, size_t len, int n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (text[i] == '\n' && --n == 0)
			return (long long)i + 1;
	return -1;
}

/* --- tests ------------------------------------------------------------ */

static const char *const rec_esc[] = { "X", "plain", "tab\there",
    "lf\nhere", "cr\rhere", "back\\slash", "all\t\n\r\\\\n mixed", "",
    "trailing\\", NULL };
static const char *const rec_y[] = { "Y", "1", NULL };
static const char *const rec_2[] = { "Z", "second", NULL };
static const char *const rec_3a[] = { "Z", "third", NULL };
static const char *const rec_3b[] = { "Z", "third\tb", NULL };

static void
test_open(void)
{
	struct journal j;
	char err[JERRSZ] = "";
	struct buf p = { 0 };

	is_int(journal_open(&j, tmpdir, 0, err), 0,
	    "opening a data directory without a journal succeeds");
	is_int(j.fd, -1, "... with no file open");
	is_int(journal_scan(&j, collect, NULL, err), 0,
	    "... and scans as empty");
	is_int(ngot, 0, "... delivering nothing");
	is_int(commit_one(&j, "x", err), -1,
	    "commit without a journal file fails");
	ok(access(jpath, F_OK) < 0, "... and creates no journal file");
	journal_close(&j);

	buf_printf(&p, "%s/nodir", tmpdir);
	is_int(journal_open(&j, p.s, 1, err), -1,
	    "opening in a missing directory fails");
	buf_reset(&p);
	buf_printf(&p, "cannot open '%s/nodir': No such file or "
	    "directory", tmpdir);
	is_str(err, p.s, "... saying which directory and why");
	buf_free(&p);

	unsetenv("CS_LOCK_TIMEOUT");
	is_int(journal_timeout_ms(), 30000, "lock timeout defaults to 30 s");
	setenv("CS_LOCK_TIMEOUT", "2", 1);
	is_int(journal_timeout_ms(), 2000, "CS_LOCK_TIMEOUT=2 gives 2000 ms");
	setenv("CS_LOCK_TIMEOUT", "2x", 1);
	is_int(journal_timeout_ms(), 30000,
	    "a malformed CS_LOCK_TIMEOUT falls back to 30 s");
	unsetenv("CS_LOCK_TIMEOUT");
}

/* Write transactions 1-3 and read them back; returns nothing, leaves the
 * journal with three transactions. */
static void
test_roundtrip(void)
{
	struct journal j, r;
	struct buf tx = { 0 }, file = { 0 };
	char err[JERRSZ] = "";
	const char *const *recs2[] = { rec_2, NULL };
	const char *const *recs3[] = { rec_3a, rec_3b, NULL };
	int i, k;
	long long off;

	is_int(journal_open(&j, tmpdir, 1, err), 0, "journal created");
	is_int(file_size(), 0, "a new journal is empty");
	is_int(journal_scan(&j, collect, NULL, err), 0, "empty journal scans");
	is_int(j.txn, 0, "... last transaction 0");
	is_int(j.end, 0, "... end 0");
	is_int(journal_lock(&j, LOCK_EX, 1000, err), 0, "LOCK_EX taken");
	is_int(j.lock, LOCK_EX, "... and recorded");

	/* Transaction 1 by hand, to check jtx_count and the bytes. */
	jtx_begin(&j, &tx, "cs-test");
	is_int(jtx_count(&tx), 0, "jtx_begin: no records yet");
	jtx_rec(&tx, 9, rec_esc);
	jtx_rec(&tx, 2, rec_y);
	is_int(jtx_count(&tx), 2, "two records, LF inside a field escaped");
	is_int(journal_commit(&j, &tx, err), 0, "transaction 1 commits");
	is_str(err, "", "... without a message");
	is_int(j.txn, 1, "... j->txn is 1");
	is_int(j.end, file_size(), "... j->end is the file size");
	buf_free(&tx);
	is_int(commit_recs(&j, recs2, err), 0, "transaction 2 commits");
	is_int(commit_recs(&j, recs3, err), 0, "transaction 3 commits");
	is_int(j.txn, 3, "... j->txn is 3");
	is_int(j.end, file_size(), "... j->end is the file size");
	journal_unlock(&j);
	is_int(j.lock, 0, "unlocked");

	/* The bytes. */
	slurp(&file);
	{
		const char *l1 = file.s + line_off(file.s, file.len, 1);
		const char *want = "X\tplain\ttab\\there\tlf\\nhere\tcr\\rhere\t"
		    "back\\\\slash\tall\\t\\n\\r\\\\\\\\n mixed\t\t"
		    "trailing\\\\\n";
		size_t nlf = 0;

		is_int(strncmp(file.s, "B\t1\t", 4), 0,
		    "file starts with B<TAB>1<TAB>");
		ok(strncmp(l1, want, strlen(want)) == 0,
		    "escapes: TAB \\t, LF \\n, CR \\r, backslash \\\\ on disk");
		ok(memchr(file.s, '\r', file.len) == NULL,
		    "no raw CR in the file");
		for (i = 0; i < (int)file.len; i++)
			nlf += file.s[i] == '\n';
		/* B,X,Y,C  B,Z,C  B,Z,Z,C */
		is_int(nlf, 11, "11 lines: one per record, B and C");
	}
	/* The B line: B txn stamp tool. */
	{
		char *nl = strchr(file.s, '\n');
		char line[128];
		struct jrec b;

		snprintf(line, sizeof line, "%.*s", (int)(nl - file.s), file.s);
		is_int(jrec_split(line, strlen(line), &b), 0, "B line splits");
		is_int(b.nf, 4, "B line has 4 fields");
		is_str(b.f[1], "1", "B txn 1");
		ok(strlen(b.f[2]) == 20 && b.f[2][4] == '-' &&
		    b.f[2][10] == 'T' && b.f[2][19] == 'Z',
		    "B stamp is YYYY-MM-DDTHH:MM:SSZ ('%s')", b.f[2]);
		is_str(b.f[3], "cs-test", "B names the tool");
	}
	/* Every C line: C txn nrecords crc32(B .. last record). */
	{
		long long start = 0;
		int line = 0, txn = 0, nrec = -1;
		int wantn[] = { 2, 1, 2 };
		char *s = file.s, *nl;

		for (; (nl = memchr(s, '\n', file.len - (size_t)(s - file.s)));
		    s = nl + 1, line++) {
			if (s[0] == 'B') {
				start = s - file.s;
				nrec = 0;
				txn++;
			} else if (s[0] == 'C') {
				char want[64];
				uint32_t crc = (uint32_t)crc32(0L,
				    (const Bytef *)file.s + start,
				    (uInt)((s - file.s) - start));

				snprintf(want, sizeof want, "C\t%d\t%d\t%08lx",
				    txn, wantn[txn - 1], (unsigned long)crc);
				ok((size_t)(nl - s) == strlen(want) &&
				    strncmp(s, want, strlen(want)) == 0,
				    "C line of transaction %d is '%s'", txn,
				    want);
				is_int(nrec, wantn[txn - 1],
				    "transaction %d holds %d records", txn,
				    wantn[txn - 1]);
			} else
				nrec++;
		}
		is_int(txn, 3, "three transactions in the file");
	}

	/* Read back through a second handle. */
	is_int(journal_open(&r, tmpdir, 0, err), 0, "reader opens");
	is_int(journal_lock(&r, LOCK_SH, 1000, err), 0, "reader LOCK_SH");
	got_clear();
	is_int(journal_scan(&r, collect, NULL, err), 0, "scan succeeds");
	is_int(ngot, 5, "5 records delivered (B and C are not records)");
	is_int(r.txn, 3, "scan: last transaction 3");
	is_int(r.end, file_size(), "scan: end at the file size");
	is_int(r.torn, 0, "scan: no torn tail");
	if (ngot == 5) {
		is_int(gv[0].nf, 9, "record 1: 9 fields");
		for (k = 0; k < 9 && k < gv[0].nf; k++)
			is_str(gv[0].f[k], rec_esc[k],
			    "record 1 field %d round-trips", k);
		is_int(gv[0].txn, 1, "record 1 in transaction 1");
		is_int(gv[0].off, line_off(file.s, file.len, 1),
		    "record 1 at the offset of line 2");
		is_int(gv[1].nf, 2, "record 2: 2 fields");
		is_str(gv[1].f[0], "Y", "record 2 kind Y");
		is_str(gv[1].f[1], "1", "record 2 field 1");
		is_int(gv[1].txn, 1, "record 2 in transaction 1");
		is_int(gv[1].off, line_off(file.s, file.len, 2),
		    "record 2 at the offset of line 3");
		is_str(gv[2].f[1], "second", "record 3 is 'second'");
		is_int(gv[2].txn, 2, "record 3 in transaction 2");
		is_int(gv[2].off, line_off(file.s, file.len, 5),
		    "record 3 at the offset of line 6");
		is_str(gv[3].f[1], "third", "record 4 is 'third'");
		is_int(gv[3].txn, 3, "record 4 in transaction 3");
		is_int(gv[3].off, line_off(file.s, file.len, 8),
		    "record 4 at the offset of line 9");
		is_str(gv[4].f[1], "third\tb", "record 5 keeps its TAB");
		is_int(gv[4].txn, 3, "record 5 in transaction 3");
		is_int(gv[4].off, line_off(file.s, file.len, 9),
		    "record 5 at the offset of line 10");
		for (k = 0; k < 5; k++) {
			off = gv[k].off;
			if (off < 0 || (size_t)off >= file.len ||
			    file.s[off] != gv[k].f[0][0])
				break;
		}
		is_int(k, 5, "each offset points at its record's kind");
	}

	/* Incremental: the writer adds transaction 4; the reader's next scan
	 * delivers only that. */
	journal_unlock(&r);
	is_int(journal_lock(&j, LOCK_EX, 1000, err), 0, "writer LOCK_EX again");
	is_int(commit_one(&j, "fourth", err), 0, "transaction 4 commits");
	journal_unlock(&j);
	is_int(journal_lock(&r, LOCK_SH, 1000, err), 0, "reader LOCK_SH again");
	got_clear();
	is_int(journal_scan(&r, collect, NULL, err), 0, "incremental scan");
	is_int(ngot, 1, "... delivers only the new record");
	is_str(ngot ? gv[0].f[1] : NULL, "fourth", "... 'fourth'");
	is_int(ngot ? gv[0].txn : 0, 4, "... of transaction 4");
	is_int(r.txn, 4, "... reader at transaction 4");
	is_int(r.end, file_size(), "... reader end at the file size");
	got_clear();
	is_int(journal_scan(&r, collect, NULL, err), 0, "scan at the end");
	is_int(ngot, 0, "... delivers nothing");
	journal_unlock(&r);

	/* Commit needs the exclusive lock. */
	off = file_size();
	is_int(commit_one(&j, "nolock", err), -1, "commit without a lock fails");
	ok(strstr(err, "not locked") != NULL, "... saying so ('%s')", err);
	is_int(file_size(), off, "... and writes nothing");
	is_int(j.txn, 4, "... j->txn stays 4");
	is_int(journal_lock(&j, LOCK_SH, 1000, err), 0, "writer LOCK_SH");
	is_int(commit_one(&j, "shared", err), -1,
	    "commit under LOCK_SH fails");
	is_int(file_size(), off, "... and writes nothing");
	journal_unlock(&j);

	journal_close(&r);
	journal_close(&j);
	buf_free(&file);
}

/* A journal of four good transactions plus torn bytes: scan, cut, commit. */
static void
torn_case(const struct buf *good, const char *torn, size_t tornlen,
    const char *what)
{
	struct journal j;
	char err[JERRSZ] = "";
	off_t cut;

	put_file(good->s, good->len);
	append_file(torn, tornlen);
	is_int(scan_fresh(&j, err), 0, "%s: scan succeeds", what);
	is_int(ngot, 6, "%s: the 6 good records are delivered", what);
	is_int(j.txn, 4, "%s: last good transaction 4", what);
	is_int(j.end, good->len, "%s: end at the last good commit", what);
	is_int(j.torn, tornlen, "%s: torn = %zu bytes", what, tornlen);
	is_int(journal_lock(&j, LOCK_EX, 1000, err), 0, "%s: LOCK_EX", what);
	cut = journal_cut_torn(&j, err);
	is_int(cut, tornlen, "%s: journal_cut_torn cuts %zu bytes", what,
	    tornlen);
	is_int(file_size(), good->len, "%s: file truncated to j->end", what);
	is_int(j.torn, 0, "%s: nothing torn any more", what);
	is_int(journal_cut_torn(&j, err), 0, "%s: cutting again cuts 0", what);
	is_int(commit_one(&j, "after", err), 0,
	    "%s: a new commit after the cut succeeds", what);
	is_int(j.txn, 5, "%s: ... as transaction 5", what);
	journal_close(&j);
	is_int(scan_fresh(&j, err), 0, "%s: rescan succeeds", what);
	is_int(ngot, 7, "%s: 7 records now", what);
	is_str(ngot == 7 ? gv[6].f[1] : NULL, "after",
	    "%s: the last is 'after'", what);
	is_int(ngot == 7 ? gv[6].txn : 0, 5, "%s: in transaction 5", what);
	is_int(j.torn, 0, "%s: no torn tail", what);
	is_int(j.end, file_size(), "%s: end at the file size", what);
	journal_close(&j);
}

static void
test_torn(void)
{
	struct buf good = { 0 }, t = { 0 };
	struct journal j;
	char err[JERRSZ] = "";
	uint32_t crc;
	char c[64];

	slurp(&good);		/* transactions 1-4, 6 records */

	/* A transaction without its commit. */
	buf_adds(&t, "B\t5\t2024-01-01T00:00:00Z\tcs-test\nZ\tlost\n");
	torn_case(&good, t.s, t.len, "no commit");

	/* A transaction whose commit has a wrong CRC, as the last line. */
	buf_reset(&t);
	buf_adds(&t, "B\t5\t2024-01-01T00:00:00Z\tcs-test\nZ\tlost\n");
	crc = (uint32_t)crc32(0L, (const Bytef *)t.s, (uInt)t.len);
	snprintf(c, sizeof c, "C\t5\t1\t%08lx\n", (unsigned long)(crc ^ 1));
	buf_adds(&t, c);
	torn_case(&good, t.s, t.len, "bad CRC");

	/* A right commit line whose LF never made it. */
	buf_reset(&t);
	buf_adds(&t, "B\t5\t2024-01-01T00:00:00Z\tcs-test\nZ\tlost\n");
	crc = (uint32_t)crc32(0L, (const Bytef *)t.s, (uInt)t.len);
	snprintf(c, sizeof c, "C\t5\t1\t%08lx", (unsigned long)crc);
	buf_adds(&t, c);
	torn_case(&good, t.s, t.len, "commit without LF");

	/* Half a B line. */
	torn_case(&good, "B\t5\t2024", 8, "partial B line");

	/* Half a record line. */
	buf_reset(&t);
	buf_adds(&t, "B\t5\t2024-01-01T00:00:00Z\tcs-test\nZ\tlo");
	torn_case(&good, t.s, t.len, "partial record line");

	/* A wrong CRC on a commit that is not the last line is damage, not
	 * a torn tail. */
	buf_reset(&t);
	buf_adds(&t, "B\t5\t2024-01-01T00:00:00Z\tcs-test\nZ\tlost\n");
	crc = (uint32_t)crc32(0L, (const Bytef *)t.s, (uInt)t.len);
	snprintf(c, sizeof c, "C\t5\t1\t%08lx\n", (unsigned long)(crc ^ 1));
	buf_adds(&t, c);
	buf_adds(&t, "B\t6\t2024-01-01T00:00:00Z\tcs-test\n");
	put_file(good.s, good.len);
	append_file(t.s, t.len);
	is_int(scan_fresh(&j, err), -1,
	    "bad CRC followed by more data: damaged");
	ok(strstr(err, "transaction 5") && strstr(err, "checksum"),
	    "... naming transaction 5 and the checksum ('%s')", err);
	journal_close(&j);

	put_file(good.s, good.len);
	buf_free(&good);
	buf_free(&t);
}

static void
test_damage(void)
{
	struct journal j;
	struct buf file = { 0 }, want = { 0 };
	char err[JERRSZ] = "";
	char *p;
	long long boff;

	/* Two committed transactions; one byte of the first changed. */
	put_file("", 0);
	is_int(journal_open(&j, tmpdir, 0, err), 0, "damage: open");
	is_int(journal_lock(&j, LOCK_EX, 1000, err), 0, "damage: LOCK_EX");
	is_int(commit_one(&j, "payload-one", err), 0, "damage: txn 1 commits");
	is_int(commit_one(&j, "payload-two", err), 0, "damage: txn 2 commits");
	journal_close(&j);
	slurp(&file);
	p = strstr(file.s, "payload-one");
	*p = 'q';
	put_file(file.s, file.len);
	is_int(scan_fresh(&j, err), -1,
	    "one byte changed in the first of two transactions: -1");
	ok(strstr(err, "transaction 1") != NULL,
	    "... message names transaction 1 ('%s')", err);
	ok(strstr(err, "checksum") != NULL,
	    "... message mentions the checksum");
	is_int(ngot, 0, "... no record of the bad transaction delivered");
	is_int(j.txn, 0, "... j->txn stays 0");
	journal_close(&j);

	/* The same change in the last transaction is a torn tail. */
	*p = 'p';
	p = strstr(file.s, "payload-two");
	*p = 'q';
	put_file(file.s, file.len);
	is_int(scan_fresh(&j, err), 0,
	    "a bad CRC in the last transaction: torn, scan succeeds");
	is_int(ngot, 1, "... the first transaction delivered");
	is_int(j.torn, (long long)file.len - j.end, "... the rest is torn");
	journal_close(&j);
	*p = 'p';

	/* A B line with the wrong transaction number. */
	put_file(file.s, file.len);
	boff = line_off(file.s, file.len, 3);	/* B of transaction 2 */
	p = file.s + boff;
	is_int(strncmp(p, "B\t2\t", 4), 0, "transaction 2 starts at line 4");
	p[2] = '3';		/* B 3 after B 1 */
	put_file(file.s, file.len);
	is_int(scan_fresh(&j, err), -1, "B 3 after transaction 1: -1");
	ok(strstr(err, "not a transaction start after transaction 1") != NULL,
	    "... message says what was expected ('%s')", err);
	buf_printf(&want, "offset %lld", boff);
	ok(strstr(err, want.s) != NULL,
	    "... message names the B line's offset %lld", boff);
	is_int(ngot, 1, "... transaction 1 was delivered before");
	journal_close(&j);

	p[2] = '1';		/* B 1 again: a repeated number */
	put_file(file.s, file.len);
	is_int(scan_fresh(&j, err), -1, "B 1 twice: -1");
	journal_close(&j);

	/* Garbage where a transaction should start. */
	p[2] = '2';
	put_file(file.s, file.len);
	append_file("hello\n", 6);
	/* Uncommitted bytes after the last commit are a torn tail, whatever
	 * they are; with a commit after them they are damage. */
	is_int(scan_fresh(&j, err), 0, "a line that is no B after a commit, "
	    "and no commit after it: a torn tail");
	is_int(ngot, 2, "... both good transactions delivered");
	is_int(j.torn, 6, "... the 6 bytes are the torn tail");
	journal_close(&j);
	append_file("C\t3\t0\t00000000\n", 15);
	is_int(scan_fresh(&j, err), -1, "the same with a commit after it: -1");
	ok(strstr(err, "damaged") != NULL, "... damaged ('%s')", err);
	journal_close(&j);

	put_file(file.s, file.len);
	buf_free(&file);
	buf_free(&want);
}

/* A transaction bigger than the 1 MiB scan buffer: lines straddle reads. */
static void
test_big(void)
{
	struct journal j;
	struct buf tx = { 0 }, file = { 0 }, val = { 0 };
	char err[JERRSZ] = "", no[16];
	int i, bad = 0;

	put_file("", 0);
	is_int(journal_open(&j, tmpdir, 0, err), 0, "big: open");
	is_int(journal_lock(&j, LOCK_EX, 1000, err), 0, "big: LOCK_EX");
	for (i = 0; i < 487; i++)
		buf_addc(&val, 'a' + i % 26);
	jtx_begin(&j, &tx, "cs-test");
	for (i = 0; i < 3000; i++) {
		const char *f[3] = { "R", no, val.s };

		snprintf(no, sizeof no, "%d", i);
		jtx_rec(&tx, 3, f);
	}
	is_int(journal_commit(&j, &tx, err), 0, "big: 3000 records commit");
	journal_close(&j);
	ok(file_size() > 1024 * 1024, "big: file is larger than 1 MiB");
	slurp(&file);
	is_int(scan_fresh(&j, err), 0, "big: scan succeeds");
	is_int(ngot, 3000, "big: 3000 records delivered");
	for (i = 0; i < (int)ngot; i++) {
		snprintf(no, sizeof no, "%d", i);
		if (gv[i].nf != 3 || strcmp(gv[i].f[1], no) != 0 ||
		    strcmp(gv[i].f[2], val.s) != 0 || gv[i].off < 0 ||
		    (size_t)gv[i].off >= file.len ||
		    strncmp(file.s + gv[i].off, "R\t", 2) != 0 ||
		    strncmp(file.s + gv[i].off + 2, no, strlen(no)) != 0)
			bad++;
	}
	is_int(bad, 0, "big: every record intact at its offset");
	journal_close(&j);
	buf_free(&tx);
	buf_free(&file);
	buf_free(&val);
}

static void
test_lock(void)
{
	struct journal j;
	char err[JERRSZ] = "";
	int pfd[2], st = -1;
	pid_t pid;
	char c;
	long t0, t1, t2;

	put_file("", 0);
	if (pipe(pfd) < 0)
		bail("pipe");
	fflush(stdout);
	if ((pid = fork()) < 0)
		bail("fork");
	if (pid == 0) {
		struct timespec ts = { 1, 500 * 1000 * 1000 };
		/* The lock is the data directory's. */
		int fd = open(tmpdir, O_RDONLY | O_DIRECTORY);

		close(pfd[0]);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(3);
		if (write(pfd[1], "r", 1) != 1)
			_exit(4);
		nanosleep(&ts, NULL);
		_exit(0);	/* the lock goes with the process */
	}
	close(pfd[1]);
	is_int(read(pfd[0], &c, 1), 1, "lock: the child holds LOCK_EX");
	close(pfd[0]);
	t0 = now_ms();
	is_int(journal_open(&j, tmpdir, 0, err), 0, "lock: open");
	is_int(journal_lock(&j, LOCK_EX, 300, err), -1,
	    "lock: LOCK_EX with 300 ms fails while the child holds it");
	t1 = now_ms();
	ok(strstr(err, "lock not obtained") != NULL,
	    "lock: err says 'lock not obtained' ('%s')", err);
	ok(t1 - t0 >= 280 && t1 - t0 < 1200,
	    "lock: gave up after about 300 ms (%ld ms)", t1 - t0);
	is_int(j.lock, 0, "lock: not recorded as held");
	is_int(commit_one(&j, "x", err), -1, "lock: commit refused meanwhile");
	is_int(journal_lock(&j, LOCK_SH, 100, err), -1,
	    "lock: LOCK_SH is refused too");
	is_int(journal_lock(&j, LOCK_EX, 5000, err), 0,
	    "lock: LOCK_EX with 5 s succeeds once the child is gone");
	t2 = now_ms();
	ok(t2 - t0 >= 1200 && t2 - t0 < 5000,
	    "lock: obtained after the child's ~1.5 s (%ld ms)", t2 - t0);
	is_int(j.lock, LOCK_EX, "lock: recorded as LOCK_EX");
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lock: child ended well");
	is_int(commit_one(&j, "locked", err), 0, "lock: commit now succeeds");
	journal_close(&j);
}

int
main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cs-journal-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		bail("mkdtemp");
	snprintf(jpath, sizeof jpath, "%s/journal", tmpdir);

	test_open();
	test_roundtrip();
	test_torn();
	test_damage();
	test_big();
	test_lock();

	got_clear();
	free(gv);
	unlink(jpath);
	if (rmdir(tmpdir) < 0)
		printf("# cannot remove '%s': %s\n", tmpdir, strerror(errno));
	return tap_done();
}
