/*
 * tap.h - the smallest TAP producer for the C unit tests.
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..."; is_str and
 * is_int print the expected and actual values when they differ.
 */
#ifndef CS_TAP_H
#define CS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_fail;

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

static void __attribute__((format(printf, 2, 3)))
tap_ok(int c, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", c ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!c)
		tap_fail++;
}

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = g_ && w_ && strcmp(g_, w_) == 0; \
	tap_ok(c_, __VA_ARGS__); \
	if (!c_) \
		printf("#   got: '%s'\n#  want: '%s'\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)"); \
} while (0)

#define is_int(got, want, ...) do { \
	int64_t g_ = (got), w_ = (want); \
	tap_ok(g_ == w_, __VA_ARGS__); \
	if (g_ != w_) \
		printf("#   got: %" PRId64 "\n#  want: %" PRId64 "\n", g_, w_); \
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif
