/*
 * util.h - allocation, growable buffers, string interning, hashing.
 *
 * The allocation wrappers are the only functions in lib/ that end the
 * process: running out of memory is not a data error a caller can report.
 */
#ifndef CS_UTIL_H
#define CS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CS_VERSION "0.1"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *p (an array of *cap elements of size sz) to hold at least need. */
void grow(void *pp, size_t *cap, size_t need, size_t sz);

/* A growable byte buffer; always NUL-terminated after any append. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_add_slow(struct buf *b, const void *p, size_t n);
/* Append n bytes: inline when they fit, since the CSV reader adds every
 * field of every row this way. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		buf_add_slow(b, p, n);
		return;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}
void buf_adds(struct buf *b, const char *s);
void buf_addc_slow(struct buf *b, int c);
/* One byte: inline, since the journal's and the CSV writer's escaping
 * loops add a byte at a time. */
static inline void
buf_addc(struct buf *b, int c)
{
	if (b->len + 2 > b->cap) {
		buf_addc_slow(b, c);
		return;
	}
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* A 64-bit hash of n bytes (not cryptographic). */
uint64_t hash_bytes(const void *p, size_t n);

/*
 * A map from byte-string keys to a caller's value slot (an int64_t and a
 * pointer-sized index).  Keys are copied.  Entries are never removed: a
 * value of zero is the "absent" case where that matters.  Iteration order is
 * insertion order, so reports are reproducible.
 */
struct map_entry {
	char *key;
	size_t klen;
	uint64_t hash;
	int64_t v;	/* caller's value */
	size_t idx;	/* caller's index, e.g. into its own array */
};
struct map {
	struct map_entry *e;	/* entries in insertion order */
	size_t n, cap;
	size_t *slot;		/* open addressing: 1 + entry index, 0 empty */
	size_t nslot;
};
/* Find key; NULL when absent. */
struct map_entry *map_get(const struct map *m, const void *key, size_t klen);
/* Find key, adding it with v = 0, idx = SIZE_MAX when absent. */
struct map_entry *map_put(struct map *m, const void *key, size_t klen,
    int *added);
void map_free(struct map *m);

/* Build a composite key of NUL-separated parts into b (reset first). */
void key_build(struct buf *b, int nparts, ...);

/* The next word of a space-separated list at *p into w (reset first),
 * advancing *p: 1, or 0 when the list has no more words. */
int next_word(const char **p, struct buf *w);

/* v in decimal into b (at least 21 bytes, 12 for an int); returns b.
 * Document and item numbers go into every record and output row, and
 * snprintf is slow for them. */
char *fmt_u64(uint64_t v, char *b);
char *fmt_int(int v, char *b);

/* Natural order of serials and batches: digit runs compare by value. */
int natcmp(const char *a, const char *b);

/* Dates are YYYY-MM-DD strings; days since 1970-01-01, or -1 if invalid. */
long date_days(const char *ymd);
/* Format days since the epoch as YYYY-MM-DD into out[11]. */
void date_fmt(long days, char out[11]);
/* Today in local time as YYYY-MM-DD. */
void date_today(char out[11]);


/*
 * A map from short fixed keys (at most IMAP_WORDS 32-bit words) to a
 * caller's value, with nothing but plain integers inside: the entries and
 * the slots can be written to a file and mapped back as they are.  When
 * `mapped` is set the arrays belong to a file mapping: the first growth
 * copies them to the heap instead of reallocating.  Entries are never
 * removed; iteration is in insertion order.
 */
#define IMAP_WORDS 6
struct ientry {
	uint32_t k[IMAP_WORDS];
	uint32_t nk, pad;
	int64_t v;
	uint64_t idx;
};
struct imap {
	struct ientry *e;
	size_t n, cap;
	uint32_t *slot;		/* 1 + entry index, 0 empty */
	size_t nslot;		/* a power of two, or 0 */
	int mapped;
};
struct ientry *imap_get(const struct imap *m, const uint32_t *k, int nk);
/* Find k, adding it with v = 0, idx = 0 when absent. */
struct ientry *imap_put(struct imap *m, const uint32_t *k, int nk,
    int *added);
/* Make room for extra more entries without growing (slots included). */
void imap_reserve(struct imap *m, size_t extra);
void imap_free(struct imap *m);

/* Remove DIR/PREFIXpid, the temporary files of writers that died before
 * their rename: those whose process is gone. */
void unlink_stale(const char *dir, const char *prefix);

/* Bytes in the well-formed UTF-8 sequence at p (1 for ASCII), or 0 when
 * it is not one: overlong forms, surrogates, past U+10FFFF. */
int utf8_seq(const unsigned char *p);

#endif
