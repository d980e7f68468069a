/*
 * tests/unit/limit.c - a journal scan stops at j->limit: a report that
 * joins the records with a state replayed up to an offset reads no
 * transaction a writer appended after it.  Works in a mkdtemp directory
 * that is removed at the end.
 */
#include <sys/file.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "util.h"
#include "tap.h"

static char tmpdir[64];

static void
bail(const char *what, const char *err)
{
	printf("Bail out! %s: %s\n", what, err ? err : strerror(errno));
	exit(1);
}

/* Commit one transaction of one record "M <no>". */
static void
commit_one(const char *no)
{
	struct journal j;
	struct buf tx = { 0 };
	char err[JERRSZ];
	const char *f[2] = { "M", no };

	if (journal_open(&j, tmpdir, 1, err) < 0)
		bail("open", err);
	if (journal_lock(&j, LOCK_EX, 1000, err) < 0 ||
	    journal_scan(&j, NULL, NULL, err) < 0)
		bail("lock and scan", err);
	jtx_begin(&j, &tx, "test");
	jtx_rec(&tx, 2, f);
	if (journal_commit(&j, &tx, err) < 0)
		bail("commit", err);
	journal_close(&j);
	buf_free(&tx);
}

static int
collect(void *ctx, const struct jrec *r, struct buf *why)
{
	struct buf *seen = ctx;

	buf_printf(seen, "%s%s", seen->len ? " " : "", r->f[1]);
	return 0;
}

/* Scan a fresh descriptor up to limit (0: all); the records' second
 * fields, space-separated, into seen; returns journal_scan's result. */
static int
scan_to(off_t limit, struct buf *seen, off_t *end, off_t *torn)
{
	struct journal j;
	char err[JERRSZ];
	int rc;

	buf_reset(seen);
	buf_add(seen, "", 0);
	if (journal_open(&j, tmpdir, 0, err) < 0)
		bail("open", err);
	j.limit = limit;
	rc = journal_scan(&j, collect, seen, err);
	*end = j.end;
	*torn = j.torn;
	journal_close(&j);
	return rc;
}

int
main(void)
{
	struct journal j;
	struct buf seen = { 0 };
	char err[JERRSZ], cmd[128];
	off_t first, end, torn;

	snprintf(tmpdir, sizeof tmpdir, "%s/cs-limit.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		bail("mkdtemp", NULL);

	commit_one("1");
	if (journal_open(&j, tmpdir, 0, err) < 0 ||
	    journal_scan(&j, NULL, NULL, err) < 0)
		bail("scan", err);
	first = j.end;
	journal_close(&j);
	commit_one("2");

	is_int(scan_to(0, &seen, &end, &torn), 0, "no limit: the scan succeeds");
	is_str(seen.s, "1 2", "no limit: both transactions are read");

	is_int(scan_to(first, &seen, &end, &torn), 0,
	    "limit at the end of the first transaction: the scan succeeds");
	is_str(seen.s, "1", "limit: the transaction appended after it is not read");
	is_int(end, first, "limit: the scan ends at the limit");
	is_int(torn, 0, "limit at a commit: nothing torn");

	is_int(scan_to(first + 5, &seen, &end, &torn), 0,
	    "limit inside the second transaction: the scan succeeds");
	is_str(seen.s, "1", "limit inside a transaction: it is not read");
	is_int(torn, 5, "limit inside a transaction: its start reads as torn");

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	buf_free(&seen);
	return tap_done();
}
