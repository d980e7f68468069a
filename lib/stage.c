/*
 * stage.c - the pipeline stage driver; see stage.h.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "num.h"
#include "stage.h"

/* Replaying more than this many bytes since the cache was written renews
 * it: $CS_CACHE_MIN, default 1 MiB (the tests set 0 to use it always). */
static off_t
cache_renew(void)
{
	const char *e = getenv("CS_CACHE_MIN");
	char *end;
	long long v;

	if (e == NULL || *e == '\0')
		return 1024 * 1024;
	v = strtoll(e, &end, 10);
	return *end == '\0' && v >= 0 ? (off_t)v : 1024 * 1024;
}

const char *const col_names[NCOL] = {
	"flow", "order", "order_item", "customer", "material", "qty", "unit",
	"plant", "sloc", "batch", "serials", "po", "price", "currency",
	"block", "delivery", "delivery_item", "ship_point", "picked",
	"matdoc", "matdoc_item", "mvt", "date", "billing", "billing_item",
	"billing_type", "net", "tax", "gross"
};

struct pend {
	char **v;		/* nout fields, one allocation (fields_dup) */
};

/*
 * Copies of n strings (NULL: "") in one allocation: n + 1 pointers, the
 * last NULL, then the bytes.  Freed with one free(); a row or an output
 * row is a malloc instead of one for each of its fields.
 */
static char **
fields_dup(int n, const char *const *src)
{
	size_t bytes = 0, l;
	char **f, *p;
	int k;

	for (k = 0; k < n; k++)
		bytes += strlen(src[k] ? src[k] : "") + 1;
	f = xmalloc((size_t)(n + 1) * sizeof *f + bytes);
	p = (char *)(f + n + 1);
	for (k = 0; k < n; k++) {
		l = strlen(src[k] ? src[k] : "") + 1;
		memcpy(p, src[k] ? src[k] : "", l);
		f[k] = p;
		p += l;
	}
	f[n] = NULL;
	return f;
}

/* Room for n field pointers, for gathering a row before fields_dup. */
static const char **
scratch(struct stage *s, int n)
{
	grow(&s->fscratch, &s->capfscratch, (size_t)n + 1,
	    sizeof *s->fscratch);
	memset(s->fscratch, 0, ((size_t)n + 1) * sizeof *s->fscratch);
	return s->fscratch;
}

static void
die3(struct stage *s, const char *msg)
{
	fprintf(stderr, "%s: %s\n", s->o->prog, msg);
	exit(3);
}

static void
catch_up(struct stage *s)
{
	char err[JERRSZ];
	int rc = journal_scan(&s->j, state_replay_fn, &s->st, err);

	if (rc < 0)
		die3(s, err);
	if (s->j.torn) {
		if (s->j.lock == LOCK_EX) {
			off_t cut = journal_cut_torn(&s->j, err);

			if (cut < 0)
				die3(s, err);
			fprintf(stderr, "%s: journal: torn tail of %lld bytes "
			    "removed\n", s->o->prog, (long long)cut);
		} else if (!s->writer)
			fprintf(stderr, "%s: journal: torn tail of %lld bytes "
			    "ignored\n", s->o->prog, (long long)s->j.torn);
	}
}

void
stage_open(struct stage *s, struct opts *o, const char *tool, uint64_t own,
    int writer)
{
	char err[REC_ERRSZ > JERRSZ ? REC_ERRSZ : JERRSZ];
	off_t from;
	int use_cache, loaded;

	memset(s, 0, sizeof *s);
	s->o = o;
	s->tool = tool;
	s->own = own;
	s->writer = writer;
	opts_finish(o);
	if (master_load(&s->m, o->dir, err) < 0) {
		fprintf(stderr, "%s: %s\n", o->prog, err);
		exit(2);
	}
	state_init(&s->st);
	if (journal_open(&s->j, o->dir, writer, err) < 0) {
		fprintf(stderr, "%s: %s\n", o->prog, err);
		exit(2);
	}
	if (journal_lock(&s->j, LOCK_SH, o->wait_ms, err) < 0)
		die3(s, err);
	use_cache = !o->full_replay && getenv("CS_NOCACHE") == NULL;
	loaded = use_cache && cache_load(&s->st, &s->j, o->dir);
	from = s->j.scanned;
	s->j.progress = o->prog;
	if (o->scan_ok && !loaded)
		s->cold = 1;
	else if (!o->no_replay)
		catch_up(s);
	s->j.progress = NULL;
	journal_unlock(&s->j);
	if (use_cache && !s->cold && s->j.scanned - from > cache_renew())
		cache_save(&s->st, &s->j, o->dir);
	s->p.st = &s->st;
	s->p.m = &s->m;
	s->p.tx = &s->tx;
	memcpy(s->p.date, o->date, sizeof s->p.date);
	s->p.day = o->day;
}

/*
 * A pipe between two stages holds 64 KiB, a few hundred rows: a stage
 * that gets ahead waits in write(2) for the next one, and the next one
 * reads its rows a few hundred at a time, a lock, a catch-up and an
 * fsync for each batch.  A larger pipe lets batches grow towards
 * STAGE_BATCH.  (Linux; where it cannot be had, the pipe stays as is.)
 */
int
stage_widen_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat sb;
	int n;

	if (fstat(fd, &sb) < 0 || !S_ISFIFO(sb.st_mode))
		return 0;
	if ((n = fcntl(fd, F_GETPIPE_SZ)) >= 0 && n < STAGE_PIPE &&
	    fcntl(fd, F_SETPIPE_SZ, STAGE_PIPE) >= 0)
		n = fcntl(fd, F_GETPIPE_SZ);
	return n > 0 ? n : 0;
#else
	(void)fd;
	return 0;
#endif
}

static void
setup_output(struct stage *s)
{
	int i, c, n = 0;
	const char **names;

	stage_widen_pipe(1);

	s->out_in = xcalloc((size_t)(s->nin + NCOL + s->nextra),
	    sizeof *s->out_in);
	s->out_canon = xcalloc((size_t)(s->nin + NCOL + s->nextra),
	    sizeof *s->out_canon);
	names = xcalloc((size_t)(s->nin + NCOL + s->nextra + 1),
	    sizeof *names);
	if (s->table_view && s->o->fmt == OUT_TABLE) {
		/* A list for people (a picking list): the tool's columns. */
		for (c = 0; c < NCOL; c++)
			if (s->table_view & COL(c)) {
				s->out_in[n] = s->canon_in[c];
				s->out_canon[n] = c;
				names[n++] = col_names[c];
			}
		s->nout = n;
		s->out = out_open(stdout, OUT_TABLE, n, names);
		goto rejects;
	}
	for (i = 0; i < s->nin; i++) {
		s->out_in[n] = i;
		s->out_canon[n] = -1;
		for (c = 0; c < NCOL; c++)
			if (strcmp(s->in_names[i], col_names[c]) == 0)
				s->out_canon[n] = c;
		names[n++] = s->in_names[i];
	}
	for (c = 0; c < NCOL; c++)
		if ((s->own & COL(c)) && s->canon_in[c] < 0) {
			s->out_in[n] = -1;
			s->out_canon[n] = c;
			names[n++] = col_names[c];
		}
	for (c = 0; c < s->nextra; c++) {
		/* Extra columns: -2 - index, never from the input. */
		s->out_in[n] = -1;
		s->out_canon[n] = -2 - c;
		names[n++] = s->extra[c];
	}
	s->nout = n;
	s->out = out_open(stdout, (enum out_fmt)s->o->fmt, n, names);
rejects:
	if (s->o->reject) {
		char err[REC_ERRSZ];

		/* Rejected rows are input rows, with the reason. */
		for (i = 0; i < s->nin; i++)
			names[i] = s->in_names[i];
		names[s->nin] = "error";
		s->rej = out_open_path(s->o->reject, OUT_CSV, s->nin + 1, names,
		    err);
		if (s->rej == NULL) {
			fprintf(stderr, "%s: %s\n", s->o->prog, err);
			exit(2);
		}
	}
	free(names);
}

/* Every row would fail alike: a setup error. */
static int
no_column(struct stage *s, const char *name)
{
	fprintf(stderr, "%s: %s: no column '%s'\n", s->o->prog,
	    s->in_name ? s->in_name : "input", name);
	s->status = 2;
	return -1;
}

int
stage_input(struct stage *s, const char *path, uint64_t cols)
{
	char err[REC_ERRSZ];
	int i, c;

	if (s->out == NULL)
		for (c = 0; c < NCOL; c++)
			s->canon_in[c] = -1;
	if (path == NULL) {
		s->in_names = xcalloc(NCOL, sizeof *s->in_names);
		for (c = 0; c < NCOL; c++)
			if (cols & COL(c)) {
				s->in_names[s->nin] = xstrdup(col_names[c]);
				s->canon_in[c] = s->nin++;
			}
		s->eof = 1;
		s->in_name = "due list";
		setup_output(s);
		return 0;
	}
	if (strcmp(path, "-") != 0 && rec_check_gzip(path, err) < 0) {
		/* Nothing is posted from a file that turns out cut short. */
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		s->status = 2;
		return -1;
	}
	s->in = rec_open(strcmp(path, "-") == 0 ? NULL : path, err);
	if (s->in == NULL) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		s->status = 2;
		return -1;
	}
	s->in_name = strcmp(path, "-") == 0 ? NULL : path;
	if (s->out != NULL) {
		/* A further input file: its header must be the first's. */
		int same = rec_ncols(s->in) == s->nin;

		for (i = 0; same && i < s->nin; i++)
			same = strcmp(rec_colname(s->in, i), s->in_names[i]) == 0;
		if (!same) {
			fprintf(stderr, "%s: %s: columns differ from the first "
			    "input's\n", s->o->prog, path);
			rec_close(s->in, err);
			s->in = NULL;
			s->status = 2;
			return -1;
		}
		s->eof = 0;
		return 0;
	}
	if (rec_duplicate(s->in) != NULL) {
		/* Which one would pass through, which one be read?  Neither
		 * guess is safe. */
		fprintf(stderr, "%s: %s: column '%s' appears twice\n",
		    s->o->prog, s->in_name ? s->in_name : "input",
		    rec_duplicate(s->in));
		s->status = 2;
		return -1;
	}
	s->nin = rec_ncols(s->in);
	s->in_names = xcalloc((size_t)s->nin + 1, sizeof *s->in_names);
	for (i = 0; i < s->nin; i++) {
		s->in_names[i] = xstrdup(rec_colname(s->in, i));
		for (c = 0; c < NCOL; c++)
			if (strcmp(s->in_names[i], col_names[c]) == 0 &&
			    s->canon_in[c] < 0)
				s->canon_in[c] = i;
	}
	for (c = 0; c < NCOL && s->nin > 0; c++)
		if ((s->need & COL(c)) && s->canon_in[c] < 0)
			return no_column(s, col_names[c]);
	for (c = 0; s->need_names && s->need_names[c] && s->nin > 0; c++) {
		for (i = 0; i < s->nin; i++)
			if (strcmp(s->in_names[i], s->need_names[c]) == 0)
				break;
		if (i == s->nin)
			return no_column(s, s->need_names[c]);
	}
	setup_output(s);
	return 0;
}

int
stage_same_delivery(const struct stage *s, const struct row *a,
    const struct row *b)
{
	return strcmp(rowf(s, a, C_DELIVERY), rowf(s, b, C_DELIVERY)) == 0;
}

const char *
stage_bad_item(struct stage *s, const struct row *r, char *b, size_t n)
{
	const char *dn = rowf(s, r, C_DELIVERY);
	const char *it = rowf(s, r, C_DELIVERY_ITEM);
	uint64_t d = docno(dn);
	int item = stage_item(it);

	if (d == 0)
		snprintf(b, n, *dn ? "not a document number" :
		    "no delivery number");
	else if (state_delivery(&s->st, d) == NULL)
		snprintf(b, n, "no delivery %llu", (unsigned long long)d);
	else if (item < 0)
		snprintf(b, n, "item %.20s: not an item number", it);
	else if (item > 0 && state_ditem(&s->st, d, item) == NULL)
		snprintf(b, n, "item %d: no such item in the delivery", item);
	else
		return NULL;
	return b;
}

int
stage_item(const char *str)
{
	char *end;
	long v;

	if (*str == '\0')
		return 0;
	if (*str < '0' || *str > '9')
		return -1;
	v = strtol(str, &end, 10);
	return *end || v <= 0 || v > 999999 ? -1 : (int)v;
}

static void
free_rows(struct stage *s)
{
	size_t i;

	for (i = 0; i < s->nrows; i++)
		free(s->rows[i].f);
	s->nrows = 0;
}

/* Rows of s->rows before the last document's first row. */
static size_t
complete_rows(const struct stage *s)
{
	size_t i = s->nrows;

	if (s->same_doc == NULL || i == 0)
		return i;
	i--;
	while (i > 0 && s->same_doc(s, &s->rows[i - 1], &s->rows[i]))
		i--;
	return i;
}

#define DOC_MAXROWS 10000	/* a document is never longer */

static void where(const struct stage *, const struct row *, struct buf *);
static void reject_rows(struct stage *, struct row *const *, int,
    const char *);

/* "input line N: " or "FILE: line N: " for r, in a buffer of the stage. */
static const char *
where_str(struct stage *s, const struct row *r)
{
	where(s, r, &s->wherebuf);
	return s->wherebuf.s ? s->wherebuf.s : "";
}

/* A row to the --reject file, with no message on stderr. */
static void
reject_quiet(struct stage *s, struct row *r, const char *msg)
{
	reject_rows(s, &r, 1, msg);
}

/* Read one row onto the end of s->rows: 1, or 0 at the end of input,
 * or -1 on an error (printed; the input is at its end either way). */
static int
read_row(struct stage *s)
{
	struct row *r;
	const char **fv;
	int rc, k;

	rc = rec_next(s->in);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, rec_err(s->in));
		s->status = 2;
		s->eof = 1;
		s->broken = 1;
		return -1;
	}
	if (rc == 0) {
		char err[REC_ERRSZ];

		s->eof = 1;
		if (rec_close(s->in, err) < 0) {
			fprintf(stderr, "%s: %s\n", s->o->prog, err);
			s->status = 2;
		}
		s->in = NULL;
		return 0;
	}
	grow(&s->rows, &s->caprows, s->nrows + 1, sizeof *s->rows);
	r = &s->rows[s->nrows++];
	r->line = rec_lineno(s->in);
	fv = scratch(s, s->nin);
	for (k = 0; k < s->nin; k++)
		fv[k] = rec_field(s->in, k);
	r->f = fields_dup(s->nin, fv);
	return 1;
}

static void
free_row(struct stage *s, struct row *r)
{
	free(r->f);
}

/* Drop the rows read of the document in s->rows and read on past the rest
 * of it; the first row of the next document stays. */
static void
skip_document(struct stage *s, const char *msg)
{
	struct row keep = s->rows[s->nrows - 1];
	size_t k;

	for (k = 0; k < s->nrows; k++)
		reject_quiet(s, &s->rows[k], msg);
	s->nrows--;
	free_rows(s);
	while (!s->eof && read_row(s) > 0) {
		if (!s->same_doc(s, &keep, &s->rows[0]))
			break;
		reject_quiet(s, &s->rows[0], msg);
		free_row(s, &s->rows[0]);
		s->nrows = 0;
	}
	free_row(s, &keep);
}

int
stage_read(struct stage *s)
{
	size_t k;

	free_rows(s);
	for (k = 0; k < s->ncarry; k++) {
		grow(&s->rows, &s->caprows, s->nrows + 1, sizeof *s->rows);
		s->rows[s->nrows++] = s->carry[k];
	}
	s->ncarry = 0;
	for (;;) {
		while (s->in != NULL && !s->eof) {
			size_t done = complete_rows(s);

			if (done > 0 && (s->nrows >= STAGE_BATCH ||
			    !rec_ready(s->in)))
				break;
			if (done == 0 && s->nrows >= DOC_MAXROWS)
				break;
			if (read_row(s) <= 0)
				break;
		}
		if (!s->eof && complete_rows(s) == 0 &&
		    s->nrows >= DOC_MAXROWS) {
			/* A document this long is refused whole: its rows so
			 * far and every row of it still to come. */
			char msg[96];

			snprintf(msg, sizeof msg, "a document of more than %d "
			    "rows is not posted", DOC_MAXROWS - 1);
			fprintf(stderr, "%s: %s%s\n", s->o->prog,
			    where_str(s, &s->rows[0]), msg);
			if (s->status < 1)
				s->status = 1;
			skip_document(s, msg);
			continue;
		}
		break;
	}
	if (s->eof && s->broken && s->nrows > 0) {
		/* Input that ends in an error may have cut the last document
		 * short: it is not posted. */
		size_t done = complete_rows(s);

		for (k = done; k < s->nrows; k++)
			reject_quiet(s, &s->rows[k], "not posted: the input "
			    "ends in an error within its document");
		if (done < s->nrows)
			fprintf(stderr, "%s: %sthe document from this line "
			    "on is not posted\n", s->o->prog,
			    where_str(s, &s->rows[done]));
		for (k = done; k < s->nrows; k++)
			free_row(s, &s->rows[k]);
		s->nrows = done;
	}
	if (!s->eof) {
		/* Hold the last document back until it is complete. */
		size_t done = complete_rows(s);

		for (k = done; k < s->nrows; k++) {
			grow(&s->carry, &s->capcarry, s->ncarry + 1,
			    sizeof *s->carry);
			s->carry[s->ncarry++] = s->rows[k];
		}
		s->nrows = done;
	}
	if (s->nrows == 0 && s->status >= 2)
		return -1;
	return (int)s->nrows;
}

void
stage_add_row(struct stage *s, const char *const *vals, int arg)
{
	struct row *r;
	const char **f = scratch(s, s->nin);
	int k;

	grow(&s->rows, &s->caprows, s->nrows + 1, sizeof *s->rows);
	r = &s->rows[s->nrows++];
	r->line = -arg;
	for (k = 0; k < NCOL; k++)
		if (s->canon_in[k] >= 0)
			f[s->canon_in[k]] = vals[k];
	r->f = fields_dup(s->nin, f);
}

void
stage_ditem_vals(struct stage *s, uint64_t dno, const struct ditem *di,
    const char **v, struct item_text *t)
{
	struct state *st = &s->st;
	struct delivery *d = state_delivery(st, dno);
	struct order *o = state_order(st, di->order);
	struct oitem *oi = state_oitem(st, di->order, di->order_item);

	fmt_u64(di->order, t->order);
	fmt_int(di->order_item, t->order_item);
	fmt_u64(dno, t->delivery);
	fmt_int(di->item, t->delivery_item);
	v[C_FLOW] = flow_name(d->flow);
	v[C_ORDER] = t->order;
	v[C_ORDER_ITEM] = t->order_item;
	v[C_CUSTOMER] = state_str(st, d->customer);
	v[C_MATERIAL] = state_str(st, di->material);
	v[C_QTY] = qty_fmt(di->qty, t->qty);
	v[C_UNIT] = oi ? state_str(st, oi->unit) : "";
	v[C_PLANT] = state_str(st, di->plant);
	v[C_SLOC] = state_str(st, di->sloc);
	v[C_BATCH] = state_str(st, di->batch);
	v[C_SERIALS] = state_str(st, di->serials);
	v[C_PO] = o ? state_str(st, o->po) : "";
	v[C_PRICE] = oi && oi->currency ? amt_fmt(oi->price,
	    cur_places(state_str(st, oi->currency)), t->price) : "";
	v[C_CURRENCY] = oi ? state_str(st, oi->currency) : "";
	v[C_BLOCK] = o && o->block ? "billing" : "";
	v[C_DELIVERY] = t->delivery;
	v[C_DELIVERY_ITEM] = t->delivery_item;
	v[C_SHIP_POINT] = state_str(st, d->ship_point);
	v[C_PICKED] = di->picked >= 0 ? qty_fmt(di->picked, t->picked) : "";
}

void
stage_due_deliveries(struct stage *s,
    int (*want)(struct state *, const struct delivery *))
{
	size_t d;

	for (d = state_open_delivery(&s->st); d < s->st.ndeliv; d++) {
		struct delivery *dl = &s->st.deliv[d];
		const char *v[NCOL] = { 0 };
		char db[24], dt[11];

		if (!want(&s->st, dl))
			continue;
		snprintf(db, sizeof db, "%llu",
		    (unsigned long long)(DELIV_BASE + d));
		date_fmt(dl->date, dt);
		v[C_FLOW] = flow_name(dl->flow);
		v[C_CUSTOMER] = state_str(&s->st, dl->customer);
		v[C_DELIVERY] = db;
		v[C_SHIP_POINT] = state_str(&s->st, dl->ship_point);
		v[C_DATE] = dt;
		stage_add_row(s, v, 0);
	}
}

const char *
rowf(const struct stage *s, const struct row *r, int col)
{
	int i = s->canon_in[col];

	return i >= 0 ? r->f[i] : "";
}

const char *
rowf_name(const struct stage *s, const struct row *r, const char *name)
{
	int i;

	for (i = 0; i < s->nin; i++)
		if (strcmp(s->in_names[i], name) == 0)
			return r->f[i];
	return "";
}

void
stage_lock(struct stage *s)
{
	char err[JERRSZ];

	/* Output that cannot be written is found before anything is
	 * posted: the header goes out first. */
	if (s->out && !s->out_ok) {
		if (out_flush(s->out) < 0) {
			fprintf(stderr, "%s: write error on standard output; "
			    "nothing posted\n", s->o->prog);
			exit(2);
		}
		s->out_ok = 1;
	}
	if (journal_lock(&s->j, LOCK_EX, s->o->wait_ms, err) < 0)
		die3(s, err);
	catch_up(s);
	jtx_begin(&s->j, &s->tx, s->tool);
	s->ndocs = 0;
}

void
stage_doc_begin(struct stage *s)
{
	state_begin(&s->st);
	s->tx_mark = s->tx.len;
	s->pend_mark = s->npend;
	buf_reset(&s->p.why);
	buf_reset(&s->p.note);
	s->p.errline = 0;
}

static void
where(const struct stage *s, const struct row *r, struct buf *b)
{
	buf_reset(b);
	if (r == NULL || r->line == 0)
		return;
	if (r->line < 0)
		buf_printf(b, "operand %ld: ", -r->line);
	else if (s->in_name)
		buf_printf(b, "%s: line %ld: ", s->in_name, r->line);
	else
		buf_printf(b, "input line %ld: ", r->line);
}

static void
reject_rows(struct stage *s, struct row *const *rows, int n, const char *msg)
{
	int i, k;
	const char **v;

	if (s->rej == NULL)
		return;
	v = xcalloc((size_t)s->nin + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		for (k = 0; k < s->nin; k++)
			v[k] = rows[i]->f[k];
		v[s->nin] = msg;
		out_row(s->rej, v);
	}
	free(v);
}

static void
free_pend(struct stage *s, size_t from)
{
	size_t i;

	for (i = from; i < s->npend; i++)
		free(s->pend[i].v);
	s->npend = from;
}

int
stage_doc_end(struct stage *s, int rc, struct row *const *rows, int n,
    const char *what)
{
	struct buf w = { 0 };
	int i, at = 0;

	/* Name the line of the item that failed, else the document's first. */
	for (i = 0; rc < 0 && s->p.errline && i < n; i++)
		if (rows[i]->line == s->p.errline)
			at = i;
	where(s, n ? rows[at] : NULL, &w);
	if (rc < 0) {
		state_rollback(&s->st);
		s->tx.len = s->tx_mark;
		s->tx.s[s->tx.len] = '\0';
		free_pend(s, s->pend_mark);
		/* "delivery 80000012 item 20: ...", as DESIGN §7 shows. */
		fprintf(stderr, "%s: %s%s%s%s\n", s->o->prog, w.s ? w.s : "",
		    what, !*what ? "" : s->p.why.s &&
		    strncmp(s->p.why.s, "item ", 5) == 0 &&
		    strstr(what, " item ") == NULL ? " " : ": ",
		    s->p.why.s ? s->p.why.s : "");
		reject_rows(s, rows, n, s->p.why.s ? s->p.why.s : "");
		if (s->status < 1)
			s->status = 1;
	} else {
		state_keep(&s->st);
		if (s->p.note.len)
			fprintf(stderr, "%s: %s%s\n", s->o->prog,
			    w.s ? w.s : "", s->p.note.s);
		if (rc == 0)
			s->ndocs++;
	}
	buf_free(&w);
	return rc;
}

void
stage_row_error(struct stage *s, const struct row *r, const char *msg)
{
	struct buf w = { 0 };
	struct row *rp = (struct row *)r;

	where(s, r, &w);
	fprintf(stderr, "%s: %s%s\n", s->o->prog, w.s ? w.s : "", msg);
	reject_rows(s, &rp, 1, msg);
	if (s->status < 1)
		s->status = 1;
	buf_free(&w);
}

void
stage_emit(struct stage *s, const struct row *src, const char *const *vals)
{
	stage_emit_x(s, src, vals, NULL);
}

void
stage_emit_x(struct stage *s, const struct row *src,
    const char *const *vals, const char *const *xvals)
{
	struct pend *p;
	const char **f = scratch(s, s->nout);
	int k;

	grow(&s->pend, &s->cappend, s->npend + 1, sizeof *s->pend);
	p = &s->pend[s->npend++];
	for (k = 0; k < s->nout; k++) {
		const char *v = NULL;

		if (s->out_canon[k] >= 0 && vals[s->out_canon[k]])
			v = vals[s->out_canon[k]];
		else if (s->out_canon[k] <= -2)
			v = xvals ? xvals[-2 - s->out_canon[k]] : "";
		else if (s->out_in[k] >= 0 && src)
			v = src->f[s->out_in[k]];
		f[k] = v;
	}
	p->v = fields_dup(s->nout, f);
}

void
stage_commit(struct stage *s)
{
	char err[JERRSZ];
	size_t i;

	if (s->ndocs > 0) {
		if (journal_commit(&s->j, &s->tx, err) < 0)
			die3(s, err);
	}
	s->ndocs = 0;
	journal_unlock(&s->j);
	for (i = 0; i < s->npend; i++)
		out_row(s->out, (const char *const *)s->pend[i].v);
	free_pend(s, 0);
	if (out_flush(s->out) < 0) {
		fprintf(stderr, "%s: write error on standard output\n",
		    s->o->prog);
		exit(2);
	}
}

void
stage_free(struct stage *s)
{
	int k;
	size_t i;

	free_rows(s);
	free(s->rows);
	for (i = 0; i < s->ncarry; i++)
		free(s->carry[i].f);
	free(s->carry);
	free(s->fscratch);
	free_pend(s, 0);
	free(s->pend);
	for (k = 0; k < s->nin; k++)
		free(s->in_names[k]);
	free(s->in_names);
	free(s->out_in);
	free(s->out_canon);
	buf_free(&s->tx);
	buf_free(&s->wherebuf);
	buf_free(&s->p.why);
	buf_free(&s->p.note);
	buf_free(&s->p.line);
	state_free(&s->st);
	master_free(&s->m);
	journal_close(&s->j);
}

int
stage_act(struct stage *s, const struct act *a, int argc, char **argv)
{
	int i;

	if (argc > 0) {
		stage_input(s, NULL, COL(a->col) | a->cols |
		    (a->item_col >= 0 ? COL(a->item_col) : 0));
		for (i = 0; i < argc; i++) {
			const char *v[NCOL] = { 0 };
			char *slash = a->item_col >= 0 ? strchr(argv[i], '/') :
			    NULL;

			if (slash)
				*slash = '\0';
			v[a->col] = argv[i];
			if (a->item_col >= 0)
				v[a->item_col] = slash ? slash + 1 : "";
			stage_add_row(s, v, i + 1);
		}
	} else {
		if (!a->alt_col)
			s->need |= COL(a->col);
		if (stage_input(s, "-", 0) < 0)
			return stage_close(s);
		if (a->alt_col && s->nin > 0 && s->canon_in[a->col] < 0 &&
		    s->canon_in[a->alt_col] < 0) {
			no_column(s, col_names[a->alt_col]);
			return stage_close(s);
		}
	}
	do {
		size_t k;

		stage_lock(s);
		for (k = 0; k < s->nrows; k++) {
			struct row *r = &s->rows[k];
			int col = a->alt_col && *rowf(s, r, a->col) == '\0' ?
			    a->alt_col : a->col;
			const char *dn = rowf(s, r, col);
			const char *it = a->item_col >= 0 ?
			    rowf(s, r, a->item_col) : "";
			uint64_t no = docno(dn);
			char what[96];
			int rc;

			/* A stream names a document once per item. */
			if (k > 0 && strcmp(dn, rowf(s, &s->rows[k - 1],
			    col)) == 0 && (a->item_col < 0 || strcmp(it,
			    rowf(s, &s->rows[k - 1], a->item_col)) == 0))
				continue;
			if (no == 0) {
				if (*dn)
					snprintf(what, sizeof what, "%s '%.40s': "
					    "not a document number", a->kind, dn);
				else
					snprintf(what, sizeof what, "%s: no "
					    "document number", a->kind);
				stage_row_error(s, r, what);
				continue;
			}
			snprintf(what, sizeof what, "%s %s%s%s", a->kind, dn,
			    *it ? " item " : "", it);
			if (stage_item(it) < 0) {
				snprintf(what, sizeof what, "%s %s item %.20s: "
				    "not an item number", a->kind, dn, it);
				stage_row_error(s, r, what);
				continue;
			}
			stage_doc_begin(s);
			rc = a->post(s, no, stage_item(it));
			if (stage_doc_end(s, rc, &r, 1, what) >= 0) {
				const char *v[NCOL] = { 0 }, *x[8] = { 0 };
				char scratch[256], xscratch[256];

				v[col] = dn;
				a->emit(s, no, v, scratch);
				if (a->emit_x)
					a->emit_x(s, no, x, xscratch);
				stage_emit_x(s, r, v, x);
			}
		}
		stage_commit(s);
	} while (stage_read(s) > 0);
	return stage_close(s);
}

/*
 * Read every named file through once before anything is posted: a file
 * that is not there, not CSV, cut short, or has other columns than the
 * first is a setup error, and nothing is done.  (Standard input cannot be
 * read twice; there an error shows where it is met.)
 */
int
stage_check_files(struct stage *s, int argc, char **argv)
{
	char err[REC_ERRSZ];
	char **first = NULL;
	int nfirst = 0, i, k, rc = 0;

	for (i = 0; i < argc && rc == 0; i++) {
		struct rec_in *in;
		struct stat sb;
		int n = 0;

		/* A pipe cannot be read twice (standard input, /dev/stdin on a
		 * pipe, a FIFO); anything else is read through here. */
		if (strcmp(argv[i], "-") == 0 || (stat(argv[i], &sb) == 0 &&
		    (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))))
			continue;
		if (rec_check_gzip(argv[i], err) < 0 ||
		    (in = rec_open(argv[i], err)) == NULL) {
			fprintf(stderr, "%s: %s\n", s->o->prog, err);
			rc = -1;
			break;
		}
		if (first == NULL) {
			nfirst = rec_ncols(in);
			first = xcalloc((size_t)nfirst + 1, sizeof *first);
			for (k = 0; k < nfirst; k++)
				first[k] = xstrdup(rec_colname(in, k));
		} else {
			int same = rec_ncols(in) == nfirst;

			for (k = 0; same && k < nfirst; k++)
				same = strcmp(rec_colname(in, k), first[k]) == 0;
			if (!same) {
				fprintf(stderr, "%s: %s: columns differ from "
				    "the first input's\n", s->o->prog, argv[i]);
				rc = -1;
			}
		}
		while (rc == 0 && (n = rec_next(in)) > 0)
			;
		if (rc == 0 && n < 0) {
			fprintf(stderr, "%s: %s\n", s->o->prog, rec_err(in));
			rc = -1;
		}
		if (rec_close(in, err) < 0 && rc == 0) {
			fprintf(stderr, "%s: %s\n", s->o->prog, err);
			rc = -1;
		}
	}
	for (k = 0; k < nfirst; k++)
		free(first[k]);
	free(first);
	return rc;
}

int
stage_files(struct stage *s, int argc, char **argv,
    void (*batch)(struct stage *))
{
	int i;

	if (stage_check_files(s, argc, argv) < 0) {
		s->status = 2;
		return stage_close(s);
	}
	for (i = 0; i < (argc ? argc : 1) && s->status < 2; i++) {
		if (stage_input(s, argc ? argv[i] : "-", 0) < 0)
			break;
		while (stage_read(s) > 0)
			batch(s);
	}
	return stage_close(s);
}

int
stage_close(struct stage *s)
{
	int st = s->status;

	if (s->in) {
		char err[REC_ERRSZ];

		/* An input error was printed when rec_next() met it. */
		if (rec_close(s->in, err) < 0 && st < 2) {
			fprintf(stderr, "%s: %s\n", s->o->prog, err);
			st = 2;
		}
		s->in = NULL;
	}
	if (s->out && out_close(s->out) < 0) {
		fprintf(stderr, "%s: write error on standard output\n",
		    s->o->prog);
		st = 2;
	}
	if (s->rej && out_close(s->rej) < 0) {
		fprintf(stderr, "%s: write error on '%s'\n", s->o->prog,
		    s->o->reject);
		st = st > 2 ? st : 2;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error on standard output\n",
		    s->o->prog);
		st = 2;
	}
	s->out = s->rej = NULL;
	stage_free(s);
	return st;
}
