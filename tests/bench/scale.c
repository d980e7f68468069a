/*
 * scale - a long journal for timing the cold overview, made from a short
 * one that the tools wrote: the journal is written K times over, each copy
 * with its transactions renumbered to follow the last, and with the
 * customer of every M record of copy r > 0 suffixed "-r" so that the
 * consignment stock keys grow with the copies as they do with real
 * history.  Commit records get their count and CRC anew.  The result is
 * only good for reading the movements (cs-stock with CS_NOCACHE=1, awk):
 * document numbers repeat, so a full replay rejects it.
 *
 *	scale K <journal >longer
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static char *
slurp(size_t *len)
{
	size_t cap = 1 << 20, n = 0, r;
	char *b = malloc(cap);

	while (b && (r = fread(b + n, 1, cap - n, stdin)) > 0)
		if ((n += r) == cap && (b = realloc(b, cap *= 2)) == NULL)
			break;
	if (b == NULL) {
		fprintf(stderr, "scale: out of memory\n");
		exit(2);
	}
	*len = n;
	return b;
}

int
main(int argc, char **argv)
{
	size_t len, cap = 1 << 16, txlen = 0;
	char *in, *tx, *p, *end, *nl;
	unsigned long long txn = 0;
	long k, r, nrec = 0;

	if (argc != 2 || (k = atol(argv[1])) < 1) {
		fprintf(stderr, "usage: scale K <journal >longer\n");
		return 2;
	}
	in = slurp(&len);
	end = in + len;
	tx = malloc(cap);
	for (r = 0; r < k; r++) {
		for (p = in; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
		    p = nl + 1) {
			size_t ll = (size_t)(nl - p) + 1;
			char line[64];
			const char *t;
			int f;

			if (txlen + ll + 64 > cap)
				tx = realloc(tx, cap = 2 * (txlen + ll + 64));
			if (p[0] == 'B' && p[1] == '\t') {
				t = memchr(p + 2, '\t', ll - 2);
				txlen = (size_t)snprintf(tx, cap, "B\t%llu", ++txn);
				memcpy(tx + txlen, t, (size_t)(nl + 1 - t));
				txlen += (size_t)(nl + 1 - t);
				nrec = 0;
			} else if (p[0] == 'C' && p[1] == '\t') {
				snprintf(line, sizeof line, "C\t%llu\t%ld\t%08lx\n",
				    txn, nrec, crc32(0L, (const Bytef *)tx,
				    (uInt)txlen));
				fwrite(tx, 1, txlen, stdout);
				fputs(line, stdout);
				txlen = 0;
			} else {
				/* field 10 of an M record: the customer */
				for (t = p, f = 0; r > 0 && p[0] == 'M' &&
				    p[1] == '\t' && f < 9 && t < nl; t++)
					f += *t == '\t';
				if (r > 0 && f == 9 && *t != '\t') {
					t = memchr(t, '\t', (size_t)(nl - t));
					memcpy(tx + txlen, p, (size_t)(t - p));
					txlen += (size_t)(t - p);
					txlen += (size_t)sprintf(tx + txlen, "-%ld",
					    r);
					memcpy(tx + txlen, t, (size_t)(nl + 1 - t));
					txlen += (size_t)(nl + 1 - t);
				} else {
					memcpy(tx + txlen, p, ll);
					txlen += ll;
				}
				nrec++;
			}
		}
	}
	return fflush(stdout) != 0 || ferror(stdout) ? 2 : 0;
}
