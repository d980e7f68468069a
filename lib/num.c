/*
 * num.c - fixed-point quantities and amounts; see num.h.
 *
 * Everything is integer arithmetic.  Magnitudes are handled as uint64_t so
 * that INT64_MIN, whose magnitude does not fit in int64_t, parses and
 * formats like any other value; products use __int128, which holds the
 * product of any two int64_t values exactly.
 */
#include <stdint.h>
#include <string.h>

#include "num.h"

/* The magnitude of v, correct for INT64_MIN as well. */
static uint64_t
magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/*
 * Append decimal digit d to *u unless the result would exceed lim.
 * Returns 0, or -1 on overflow with *u unchanged.
 */
static int
shift_digit(uint64_t *u, unsigned d, uint64_t lim)
{
	if (*u > (lim - d) / 10)
		return -1;
	*u = *u * 10 + d;
	return 0;
}

/*
 * The whole string is checked for syntax before places and range, so that
 * "1.2345x" is "not a number" rather than "too many decimal places", and
 * places before range, so that the message names the first thing a user
 * has to fix.  *out is written only on success.
 */
int
num_parse(const char *s, int places, int64_t *out)
{
	const char *p, *int_start, *frac_start = NULL;
	size_t nint, nfrac = 0, i;
	uint64_t u = 0, lim;
	int neg = 0;

	if (s == NULL)
		return NUM_SYNTAX;
	p = s;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	int_start = p;
	while (*p >= '0' && *p <= '9')
		p++;
	nint = (size_t)(p - int_start);
	if (*p == '.') {
		frac_start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		nfrac = (size_t)(p - frac_start);
	}
	if (*p != '\0' || nint + nfrac == 0)
		return NUM_SYNTAX;
	if (places < 0 || places > NUM_MAXPLACES || nfrac > (size_t)places)
		return NUM_PLACES;

	/* A negative number may reach one further than a positive one. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (i = 0; i < nint; i++)
		if (shift_digit(&u, (unsigned)(int_start[i] - '0'), lim) == -1)
			return NUM_RANGE;
	for (i = 0; i < nfrac; i++)
		if (shift_digit(&u, (unsigned)(frac_start[i] - '0'), lim) == -1)
			return NUM_RANGE;
	for (i = nfrac; i < (size_t)places; i++)
		if (shift_digit(&u, 0, lim) == -1)
			return NUM_RANGE;

	if (!neg)
		*out = (int64_t)u;
	else if (u == (uint64_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)u;
	return NUM_OK;
}

int
qty_parse(const char *s, int64_t *out)
{
	return num_parse(s, 3, out);
}

/*
 * places is clamped to 0..NUM_MAXPLACES, which keeps the longest result
 * ("-0." and 19 digits, or a sign, 19 digits and a point) inside
 * NUM_BUFSZ.
 */
char *
amt_fmt(int64_t v, int places, char *buf)
{
	char digits[24];	/* least significant first */
	uint64_t u = magnitude(v);
	size_t n = 0, len = 0;

	if (places < 0)
		places = 0;
	if (places > NUM_MAXPLACES)
		places = NUM_MAXPLACES;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	/* At least one digit before the point: 5 at 2 places is "0.05". */
	while (n < (size_t)places + 1)
		digits[n++] = '0';

	if (v < 0)
		buf[len++] = '-';
	while (n > (size_t)places)
		buf[len++] = digits[--n];
	if (places > 0) {
		buf[len++] = '.';
		while (n > 0)
			buf[len++] = digits[--n];
	}
	buf[len] = '\0';
	return buf;
}

char *
qty_fmt(int64_t q, char *buf)
{
	char *point, *end;

	amt_fmt(q, 3, buf);
	point = strchr(buf, '.');
	end = buf + strlen(buf);
	while (end > point + 1 && end[-1] == '0')
		end--;
	if (end == point + 1)
		end = point;
	*end = '\0';
	return buf;
}

/*
 * The product of two int64_t values fits in __int128 (|a * b| <= 2^126), so
 * only the quotient can overflow.  C division truncates toward zero and
 * leaves a remainder with the dividend's sign; rounding half away from
 * zero then moves the quotient one step away from zero when twice the
 * remainder's magnitude reaches the divisor.  *out is written only on
 * success; a divisor that is not positive is refused as NUM_RANGE.
 */
int
num_muldiv(int64_t a, int64_t b, int64_t div, int64_t *out)
{
	__int128 p, q, r;

	if (div <= 0)
		return NUM_RANGE;
	p = (__int128)a * b;
	q = p / div;
	r = p % div;
	if (r < 0)
		r = -r;
	if (2 * r >= div)
		q += p < 0 ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return NUM_RANGE;
	*out = (int64_t)q;
	return NUM_OK;
}

int
num_add(int64_t a, int64_t b, int64_t *out)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return NUM_RANGE;
	*out = a + b;
	return NUM_OK;
}

/*
 * ISO 4217 minor units.  Only the codes that differ from 2 are listed;
 * an unknown code or NULL has 2 places, like most currencies.
 */
int
cur_places(const char *currency)
{
	static const char *const zero[] = {
		"CLP", "ISK", "JPY", "KRW", "VND", "XAF", "XOF",
	};
	static const char *const three[] = {
		"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND",
	};
	size_t i;

	if (currency == NULL)
		return 2;
	for (i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (strcmp(currency, zero[i]) == 0)
			return 0;
	for (i = 0; i < sizeof three / sizeof three[0]; i++)
		if (strcmp(currency, three[i]) == 0)
			return 3;
	return 2;
}

const char *
num_strerror(int err)
{
	switch (err) {
	case NUM_OK:
		return "no error";
	case NUM_SYNTAX:
		return "not a number";
	case NUM_PLACES:
		return "too many decimal places";
	case NUM_RANGE:
		return "out of range";
	default:
		return "unknown error";
	}
}
