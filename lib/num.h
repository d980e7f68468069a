/*
 * num.h - fixed-point quantities and amounts as int64_t.
 *
 * A quantity is an integer count of thousandths ("1.5" = 1500).  An amount
 * is an integer count of the currency's minor unit ("12.34" EUR = 1234).
 * No floating point is used anywhere; products go through 128-bit
 * intermediates and every operation reports overflow instead of wrapping.
 */
#ifndef CS_NUM_H
#define CS_NUM_H

#include <stdint.h>

#define QTY_SCALE 1000
#define NUM_BUFSZ 32	/* enough for any formatted int64 with sign and point */
#define NUM_MAXPLACES 18	/* 10^18 is the largest power of ten in int64 */

enum num_err {
	NUM_OK = 0,
	NUM_SYNTAX = -1,	/* not a decimal number */
	NUM_PLACES = -2,	/* more decimal places than allowed */
	NUM_RANGE = -3,		/* does not fit in int64 */
};

/*
 * Parse a decimal with at most `places` fractional digits into an integer
 * scaled by 10^places: optional leading '-' or '+', digits, optional '.'
 * and digits.  No blanks, no exponent, no thousands separator, at least one
 * digit.  "1." and ".5" are accepted.  Returns NUM_OK or an enum num_err.
 */
int num_parse(const char *s, int places, int64_t *out);

/* num_parse with places = 3. */
int qty_parse(const char *s, int64_t *out);

/*
 * Format v scaled by 10^places into buf (NUM_BUFSZ bytes) and return buf.
 * Amounts keep all places ("12.30"); quantities drop trailing fractional
 * zeros and the point ("10", "1.5").
 */
char *amt_fmt(int64_t v, int places, char *buf);
char *qty_fmt(int64_t q, char *buf);

/*
 * *out = a * b / div, rounded half away from zero; div > 0.
 * Returns NUM_OK or NUM_RANGE when the result does not fit.
 */
int num_muldiv(int64_t a, int64_t b, int64_t div, int64_t *out);

/* *out = a + b; returns NUM_OK or NUM_RANGE. */
int num_add(int64_t a, int64_t b, int64_t *out);

/* Minor-unit places of an ISO 4217 currency code (JPY 0, KWD 3, else 2). */
int cur_places(const char *currency);

/* A message for an enum num_err: "not a number", ... */
const char *num_strerror(int err);

#endif
