/*
 * tests/unit/cache.c - renewing the state cache: written where there is
 * none, left alone when it is at the journal's end already or when
 * another process holds the lock on the directory (the stages of a
 * pipeline start together on one stale cache), written again once the
 * journal has grown and the lock is free, and loaded back at that end.
 * Works in a mkdtemp directory that is removed at the end.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "journal.h"
#include "state.h"
#include "util.h"
#include "tap.h"

static char tmpdir[64];
static char cpath[128];

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Commit an empty transaction: the journal grows by one commit. */
static void
commit_one(struct journal *j)
{
	char err[JERRSZ];
	struct buf tx = { 0 };

	if (journal_lock(j, LOCK_EX, 1000, err) < 0)
		bail(err);
	jtx_begin(j, &tx, "test");
	if (journal_commit(j, &tx, err) < 0)
		bail(err);
	journal_unlock(j);
	buf_free(&tx);
}

/* The cache file's inode, 0 when there is none: a rename puts a new one
 * in its place, so an unchanged inode means the cache was not written
 * again.  The file is kept open, so that its inode is not reused. */
static ino_t
cache_ino(int *hold)
{
	struct stat sb;

	if (stat(cpath, &sb) < 0)
		return 0;
	*hold = open(cpath, O_RDONLY);
	return sb.st_ino;
}

int
main(void)
{
	struct journal j;
	struct state s, t;
	char err[JERRSZ];
	ino_t first, again;
	off_t end1;
	char jpath[sizeof tmpdir + 16];
	int dfd, hold[4] = { -1, -1, -1, -1 }, i;

	snprintf(tmpdir, sizeof tmpdir, "%s/cs-cache.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		bail("mkdtemp");
	snprintf(cpath, sizeof cpath, "%s/journal.cache", tmpdir);
	if (journal_open(&j, tmpdir, 1, err) < 0)
		bail(err);
	state_init(&s);
	commit_one(&j);
	end1 = j.end;

	is_int(cache_save(&s, &j, tmpdir), 0, "cache_save with no cache: 0");
	first = cache_ino(&hold[0]);
	ok(first != 0, "journal.cache written");

	is_int(cache_save(&s, &j, tmpdir), 0,
	    "cache_save at the cache's own end: 0");
	ok(cache_ino(&hold[1]) == first,
	    "a cache at the journal's end already is not written again");

	/* Another process renewing it: the cache writers' lock on the
	 * journal file is taken through another open file description. */
	commit_one(&j);
	snprintf(jpath, sizeof jpath, "%s/journal", tmpdir);
	dfd = open(jpath, O_RDONLY);
	if (dfd < 0 || flock(dfd, LOCK_EX | LOCK_NB) < 0)
		bail("flock");
	is_int(cache_save(&s, &j, tmpdir), 0,
	    "cache_save while another writes the cache: 0");
	ok(cache_ino(&hold[2]) == first,
	    "while another process holds the lock the cache is left to it");
	close(dfd);

	is_int(cache_save(&s, &j, tmpdir), 0,
	    "cache_save once the lock is free: 0");
	again = cache_ino(&hold[3]);
	ok(again != 0 && again != first,
	    "a cache behind the journal is written again when the lock is free");

	/* It loads, and ends where the journal did when it was written. */
	journal_close(&j);
	if (journal_open(&j, tmpdir, 0, err) < 0)
		bail(err);
	state_init(&t);
	is_int(cache_load(&t, &j, tmpdir), 1, "the renewed cache loads");
	ok(j.end > end1, "and ends at the second commit, not the first");
	is_int(j.txn, 2, "after transaction 2");

	for (i = 0; i < 4; i++)
		if (hold[i] >= 0)
			close(hold[i]);
	state_free(&t);
	state_free(&s);
	journal_close(&j);
	unlink(cpath);
	snprintf(cpath, sizeof cpath, "%s/journal", tmpdir);
	unlink(cpath);
	rmdir(tmpdir);
	return tap_done();
}
