/*
 * cache.h - the derived state cache beside the journal.
 *
 * DIR/journal.cache holds the replayed state as of a transaction boundary
 * of the journal: strings, documents, serials, stock, claims, laid out as
 * the state's own arrays so that loading is one mmap(2) and start-up does
 * not grow with the history it holds; a tool then replays only the
 * journal's tail.  The cache names the state's version, the journal
 * offset, the transaction number and the bytes of the commit record it
 * ends at; when the journal no longer has that commit record at that
 * offset (replaced, truncated), or the header, the stock, claim and
 * reservation sections are damaged, or it is from another build or state
 * version, it is ignored and rebuilt.  It may be deleted at any time.
 * cs-stock --check never uses it.
 */
#ifndef CS_CACHE_H
#define CS_CACHE_H

#include "journal.h"
#include "state.h"

/*
 * Load DIR/journal.cache into s (freshly initialised) and set j->end and
 * j->txn to where it ends.  Returns 1 when loaded, 0 when there is no
 * usable cache (s and j untouched).
 */
int cache_load(struct state *s, struct journal *j, const char *dir);

/*
 * Write the state s, replayed to j->end, to DIR/journal.cache: a temporary
 * file, fsync, rename.  Nothing is written when another process is
 * writing it (a lock on DIR says so) or the cache there is at or past
 * j->end already.  Returns 0, or -1 (the cache is only an optimisation:
 * callers go on).
 */
int cache_save(const struct state *s, const struct journal *j,
    const char *dir);

#endif
