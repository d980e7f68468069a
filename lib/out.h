/*
 * out.h - writing records as CSV, an aligned table, or JSON lines.
 *
 * CSV is quoted only where needed: a field containing the delimiter, a
 * double quote, CR or LF, or starting or ending with a blank.  Lines end
 * with LF.  A table buffers every row to measure the columns and prints at
 * out_close(); East Asian wide and fullwidth characters count two columns.
 * JSON is one object per row, every value a string (quantities and amounts
 * are exact decimals, and a string keeps them so).
 */
#ifndef CS_OUT_H
#define CS_OUT_H

#include <stdio.h>

enum out_fmt { OUT_CSV, OUT_TABLE, OUT_JSON };

struct out;

/* Parse "csv", "table" or "json"; -1 when unknown. */
int out_fmt_parse(const char *s);

/*
 * Start writing rows with ncols columns named names to fp (not closed by
 * out_close).  The names are copied.  CSV writes the header at once.
 */
struct out *out_open(FILE *fp, enum out_fmt fmt, int ncols,
    const char *const *names);

/*
 * Like out_open on a file created at path; a name ending in ".gz" is
 * written through zlib.  NULL with err set (REC_ERRSZ bytes) on failure.
 */
struct out *out_open_path(const char *path, enum out_fmt fmt, int ncols,
    const char *const *names, char *err);

/* Write one row of ncols fields; a NULL field is written empty.  With a
 * single column an empty field is written as "" so the line is not blank
 * (readers skip blank lines).  A table shows control characters in a cell
 * as blanks. */
void out_row(struct out *o, const char *const *fields);

/* Push what is written to the file (CSV and JSON; a table waits for close).
 * Returns 0, or -1 on a write error. */
int out_flush(struct out *o);

/* Finish (a table prints here), flush and free.  Returns 0, or -1 when any
 * write failed. */
int out_close(struct out *o);

/* Write one CSV field, quoted only if needed, to b. */
struct buf;
void csv_quote(struct buf *b, const char *s);

/* Display width of a UTF-8 string in terminal columns. */
int utf8_width(const char *s);

#endif
