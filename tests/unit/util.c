/*
 * tests/unit/util.c - the growable buffer (a byte and a few bytes at a
 * time across every growth, formatting that fits the room left and that does not) and the
 * decimal formatting of document and item numbers, at their limits.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "tap.h"

int
main(void)
{
	struct buf b = { 0 }, want = { 0 };
	char n[24];
	int i, good;

	/* A byte at a time, through every growth of the buffer. */
	good = 1;
	for (i = 0; i < 5000; i++) {
		buf_addc(&b, 'a' + i % 26);
		good &= b.len == (size_t)i + 1 && b.s[b.len] == '\0' &&
		    b.cap > b.len && b.s[i] == 'a' + i % 26;
	}
	ok(good, "buf_addc: 5000 bytes, each in place and NUL-terminated");
	buf_free(&b);
	good = 1;
	for (i = 0; i < 2000; i++) {
		buf_add(&b, "abc", (size_t)(i % 4));
		good &= b.s[b.len] == '\0' && b.cap > b.len;
	}
	is_int(b.len, 2000 / 4 * 6, "buf_add: 0 to 3 bytes at a time, in all");
	ok(good && memcmp(b.s, "aababc", 6) == 0 &&
	    memcmp(b.s + b.len - 6, "aababc", 6) == 0,
	    "buf_add: in place and NUL-terminated through every growth");
	buf_free(&b);

	/* Formatting: what fits the room left, and what does not. */
	buf_adds(&b, "x");
	buf_printf(&b, "%s-%d", "ab", 42);
	is_str(b.s, "xab-42", "buf_printf appends after what is there");
	for (i = 0; i < 300; i++)
		buf_adds(&want, "0123456789");
	buf_reset(&b);
	buf_printf(&b, "%s", want.s);
	is_int(b.len, 3000, "buf_printf beyond the room: the whole length");
	is_str(b.s, want.s, "buf_printf beyond the room: every byte");
	buf_printf(&b, "%c", 'z');
	is_int(b.len, 3001, "buf_printf after growing: appended");
	is_int(b.s[3000], 'z', "buf_printf after growing: the byte");
	is_int(b.s[3001], '\0', "buf_printf after growing: NUL-terminated");
	buf_free(&b);
	buf_free(&want);

	is_str(fmt_u64(0, n), "0", "fmt_u64 0");
	is_str(fmt_u64(4900000008ULL, n), "4900000008", "fmt_u64 a matdoc");
	is_str(fmt_u64(UINT64_MAX, n), "18446744073709551615",
	    "fmt_u64 UINT64_MAX");
	is_str(fmt_int(0, n), "0", "fmt_int 0");
	is_str(fmt_int(10, n), "10", "fmt_int 10");
	is_str(fmt_int(-633, n), "-633", "fmt_int -633");
	is_str(fmt_int(INT_MAX, n), "2147483647", "fmt_int INT_MAX");
	is_str(fmt_int(INT_MIN, n), "-2147483648", "fmt_int INT_MIN");
	return tap_done();
}
