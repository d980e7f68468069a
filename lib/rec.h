/*
 * rec.h - CSV records by header name, read with libcsv's streaming parser
 * and written by our own minimal-quoting writer.
 *
 * Input may be plain or gzip (recognised by its magic bytes, whatever the
 * name); a gzip stream that ends early is an error.  The reader reads with
 * read(2) and inflates itself rather than through gzread(), because gzread
 * blocks until its whole request is filled, and a stage in a pipeline must
 * act on each row as soon as it arrives.
 *
 * Parsing is strict (CSV_STRICT | CSV_STRICT_FINI): a stray quote or an
 * unterminated quoted field is an error naming the line.  A UTF-8 byte
 * order mark is skipped, CRLF and LF are both accepted, blanks around
 * fields are kept exactly, lines are counted by the reader.
 */
#ifndef CS_REC_H
#define CS_REC_H

#include <stddef.h>
#include <stdio.h>

#define REC_MAXFIELD (64 * 1024)	/* bytes in one field */
#define REC_MAXLINE (1024 * 1024)	/* bytes in one record */
#define REC_MAXCOLS 512			/* fields in one record */
#define REC_ERRSZ 512

struct rec_in;

/*
 * Open path for reading ("-" or NULL: standard input) and read its header
 * row.  Returns NULL with a message in err (REC_ERRSZ bytes) such as
 * "cannot open 'x.csv': No such file or directory" or
 * "x.csv: line 1: empty header".  An empty file (no header at all) is read
 * as a file with no columns and no rows.  Of two columns with the same
 * name, rec_col() finds the first.
 */
struct rec_in *rec_open(const char *path, char *err);

/*
 * Like rec_open on an open descriptor; name is used in messages ("stdin"
 * for standard input).  chunk is the read size in bytes (0: 64 KiB); the
 * tests use every size from 1 up.  The descriptor is not closed.
 */
struct rec_in *rec_open_fd(int fd, const char *name, size_t chunk,
    char *err);

/* Columns of the header row. */
int rec_ncols(const struct rec_in *r);
const char *rec_colname(const struct rec_in *r, int i);
/* Index of the column named name, or -1. */
int rec_col(const struct rec_in *r, const char *name);
/* The first column name the header has twice, or NULL. */
const char *rec_duplicate(const struct rec_in *r);

/*
 * Read the next row.  Returns 1 when a row is available, 0 at the end of
 * input, -1 on error (message in rec_err()).  A row with a different number
 * of fields than the header is an error.  Blank lines are skipped.
 */
int rec_next(struct rec_in *r);

/* Field i of the current row, NUL-terminated; "" when i < 0 or out of range.
 * Valid until the next rec_next(). */
const char *rec_field(const struct rec_in *r, int i);
/* Field by column name; "" when the column is absent. */
const char *rec_get(const struct rec_in *r, const char *name);

/* The line number where the current row starts (header is line 1; CRLF,
 * LF and a lone CR each end a line); 0 when there is no current row. */
long rec_lineno(const struct rec_in *r);
/* The name given at open: the path, or "stdin". */
const char *rec_name(const struct rec_in *r);
/* The last error as "NAME: line N: reason" (or "NAME: reason"). */
const char *rec_err(const struct rec_in *r);

/*
 * 1 when rec_next() would return without waiting for more input: a row is
 * buffered, or the descriptor has data or end of file.  Used to decide when
 * to commit a group of documents.
 */
int rec_ready(struct rec_in *r);

/*
 * Read a gzip file at path through once, so that a truncated or corrupt
 * stream is found before anything is acted on; a plain file or a pipe is
 * not read.  0 when fine, -1 with "PATH: truncated gzip input" or the like
 * in err (REC_ERRSZ bytes).  Standard input cannot be checked ahead: there
 * the end of a stream shows only at its end.
 */
int rec_check_gzip(const char *path, char *err);

/* Close; 0 on success, -1 when the input turned out bad at its end (for
 * instance a truncated gzip stream), with the message in err.  Only faults
 * of the input itself count here (unreadable, corrupt or truncated gzip);
 * errors in the CSV are reported by rec_next() alone.  The descriptor is
 * closed only if rec_open() opened it. */
int rec_close(struct rec_in *r, char *err);

#endif
