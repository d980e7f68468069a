/*
 * archive.h - moving the transactions of past years out of the live
 * journal into segments DIR/journal-YYYY.gz (cs-stock --archive).
 *
 * A segment is the journal's own bytes, whole transactions in order,
 * compressed as one gzip member whose header comment names the first and
 * the last transaction it holds; `zcat journal-*.gz; cat journal` is the
 * journal as it was.  The archive writes the segment to a temporary file,
 * reads it back and compares length and CRC-32 with the journal's bytes,
 * renames it into place, and only then replaces the journal with a copy
 * of what follows (temporary file, fsync, rename).  A crash between the
 * two renames leaves a segment whose transactions the journal still
 * holds: readers skip them in the journal, and the next archive of that
 * year finishes the work.
 */
#ifndef CS_ARCHIVE_H
#define CS_ARCHIVE_H

#include "journal.h"

struct archive_res {
	int done;		/* 1: the journal was shortened */
	uint64_t first, last;	/* the transactions of the segment */
	off_t bytes;		/* their bytes in the journal */
	off_t gzbytes;		/* the segment's size */
	char path[512];		/* the segment */
};

/*
 * Move the transactions committed up to the end of year (UTC stamps of
 * their B records; from the journal's start up to the first one stamped
 * later) into DIR/journal-YEAR.gz.  Must hold LOCK_EX, with the journal
 * scanned to its end and no torn tail.  Returns 0 (r->done 0 when there is
 * nothing to move), -2 when it cannot start (a later year is archived
 * already, a file cannot be created: nothing changed), or -1 when a check
 * or a write failed, with err set.
 */
int journal_archive(struct journal *j, int year, struct archive_res *r,
    char *err);

#endif
