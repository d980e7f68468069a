/*
 * journal.h - the append-only journal of a data directory (cs-journal(5)).
 *
 * One record a line: the record kind, then fields, separated by TAB; TAB,
 * LF, CR and backslash inside a field are written \t \n \r \\.  Every
 * posting is a transaction:
 *
 *	B <txn> <stamp> <tool>
 *	... records ...
 *	C <txn> <nrecords> <crc32>
 *
 * where crc32 is zlib's CRC-32, eight lower-case hex digits, of every byte
 * from the start of the B line to the end of the last record line.  A
 * transaction is appended with one write loop under an exclusive flock(2)
 * of the data directory, then fsync(2).  Readers take a shared lock, so a
 * transaction without its commit can only be the remains of a writer that
 * died: a torn tail.
 *
 * Transactions of past years may be moved into segments DIR/journal-YYYY.gz
 * (journal_archive): gzip files of the journal's bytes, in order, whose
 * header comment names the transactions they hold.  A scan that starts
 * before the live journal's first transaction reads the segments first.
 */
#ifndef CS_JOURNAL_H
#define CS_JOURNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define JMAXF 32		/* fields in a record, kind included */
#define JERRSZ 512

struct jrec {
	int nf;			/* fields, kind included */
	char *f[JMAXF];		/* unescaped, NUL-terminated; f[0] is the kind */
	uint64_t txn;		/* transaction that holds it */
	off_t off;		/* offset of the record's line in the file */
};

struct journal {
	char *path;
	char *dir;
	int fd;
	int dfd;		/* the data directory, which holds the lock */
	int rdonly;		/* fd was opened read-only */
	int lock;		/* 0, LOCK_SH or LOCK_EX */
	off_t end;		/* end of the last good transaction read in
				 * the live journal */
	uint64_t txn;		/* number of the last good transaction */
	uint64_t limit_txn;	/* a scan hands fn no transaction after this
				 * one; 0 = no limit */
	off_t scanned;		/* bytes of transactions scans have read,
				 * segments included */
	off_t torn;		/* bytes of a torn tail seen by the last scan */
	off_t limit;		/* a scan reads no further than this offset,
				 * 0 = to the end of the file; a transaction
				 * that does not end by it is not read */
	char *sbuf;		/* the scan buffer, kept between scans */
	size_t scap;
	const char *only;	/* scans hand fn only these record kinds,
				 * as " M V "; NULL: all */
	const char *progress;	/* a name: show a long scan's progress on
				 * standard error when it is a terminal */
};

/* The record handler of a scan: return 0 to go on, -1 to stop the scan
 * (the handler has put its reason into why). */
typedef int (*jrec_fn)(void *ctx, const struct jrec *r, struct buf *why);

/*
 * Open DIR/journal for reading and writing (created empty when absent and
 * create is set); without create, read-only where writing is not allowed.
 * Returns 0, or -1 with a message in err (JERRSZ bytes).
 */
int journal_open(struct journal *j, const char *dir, int create, char *err);
void journal_close(struct journal *j);

/*
 * Take the lock (LOCK_SH for readers, LOCK_EX for writers) on the data
 * directory, retrying for at most timeout_ms milliseconds.  When the
 * journal was replaced since it was opened (an archive shortened it), the
 * new one is opened and j->end set to 0: the next scan finds its place by
 * transaction number.  Returns 0, or -1 with "lock not obtained in N s"
 * in err.
 */
int journal_lock(struct journal *j, int how, int timeout_ms, char *err);
void journal_unlock(struct journal *j);

/* The lock timeout: $CS_LOCK_TIMEOUT seconds, default 30. */
int journal_timeout_ms(void);

/*
 * Read the transactions that start at j->end (up to j->limit, when set,
 * as if the file ended there) and hand each record of each committed
 * transaction to fn, a transaction at a time and only after its CRC
 * matched.  When j->end is 0 and transactions after j->txn lie in
 * segments, those are read first; transactions up to j->txn that the
 * live journal still holds are checked and skipped.  Updates j->end and
 * j->txn.  A transaction that ends the
 * file without a commit or with a bad commit is a torn tail: it is left
 * out, its size is put in j->torn, and the scan succeeds.  Returns 0, -1
 * when the journal is damaged (a bad transaction followed by more data, a
 * transaction number out of sequence, a record that does not split) or fn
 * stopped the scan, with the reason in err, or -2 on a read error.
 */
int journal_scan(struct journal *j, jrec_fn fn, void *ctx, char *err);

/*
 * Under the exclusive lock: cut a torn tail off (the file is truncated to
 * j->end).  Returns the bytes cut, or -1 with err set.
 */
off_t journal_cut_torn(struct journal *j, char *err);

/* Start a transaction in tx: the B record of transaction j->txn + 1. */
void jtx_begin(struct journal *j, struct buf *tx, const char *tool);
/* Append a record of n fields (kind first) to tx, escaping each field. */
void jtx_rec(struct buf *tx, int n, const char *const *f);
/* Number of records added since jtx_begin. */
int jtx_count(const struct buf *tx);

/*
 * Close tx with its commit record and append it to the journal with one
 * write loop, then fsync.  Must hold LOCK_EX and have scanned to the end.
 * On failure the file is truncated back to where it was.  Returns 0, or -1
 * with err set.
 */
int journal_commit(struct journal *j, struct buf *tx, char *err);

/* The number of the transaction before the live journal's first: the last
 * one the segments hold (0 without segments).  -1 with err set when the
 * segments cannot be read. */
int64_t journal_base(struct journal *j, char *err);

/* Is j->fd still the file DIR/journal names? */
int journal_current(const struct journal *j);

/* A segment: DIR/journal-YYYY.gz with transactions first..last. */
struct jseg {
	int year;
	uint64_t first, last;
	char *path;
};

/* Read g->path's gzip header, whose comment names the transactions it
 * holds, "cs-journal segment FIRST LAST", into g->first and g->last.
 * Returns 0, or -1 with err set. */
int journal_seg_header(struct jseg *g, char *err);

/* The segments of j's directory in order of year, each header read.
 * Returns the count (0: none), or -1 with err set. */
int journal_segments(const struct journal *j, struct jseg **segs, char *err);
void jseg_free(struct jseg *segs, int n);

/* Split one journal line (without its LF) in place into r; fields past
 * r->nf read as "".  Returns 0, or -1 when it has too many fields or a bad
 * escape. */
int jrec_split(char *line, size_t len, struct jrec *r);

#endif
