/*
 * tests/unit/num.c - fixed-point parsing, formatting and arithmetic: the
 * numbers every quantity and amount in cs goes through.
 */
#include <stdint.h>

#include "num.h"
#include "tap.h"

/* Parse s at places; check the status and, on success, the value. */
static void
parse_is(const char *s, int places, int want_rc, int64_t want)
{
	int64_t v = 12345;	/* must stay untouched on failure */
	int rc = num_parse(s, places, &v);

	is_int(rc, want_rc, "num_parse('%s', %d) status %s", s, places,
	    want_rc == NUM_OK ? "ok" : num_strerror(want_rc));
	if (want_rc == NUM_OK)
		is_int(v, want, "num_parse('%s', %d) = %" PRId64, s, places,
		    want);
	else
		is_int(v, 12345, "num_parse('%s', %d) leaves *out alone", s,
		    places);
}

static void
muldiv_is(int64_t a, int64_t b, int64_t d, int want_rc, int64_t want)
{
	int64_t v = 777;
	int rc = num_muldiv(a, b, d, &v);

	is_int(rc, want_rc, "num_muldiv(%" PRId64 ", %" PRId64 ", %" PRId64
	    ") status", a, b, d);
	is_int(v, want_rc == NUM_OK ? want : 777, "num_muldiv(%" PRId64
	    ", %" PRId64 ", %" PRId64 ") = %" PRId64, a, b, d,
	    want_rc == NUM_OK ? want : 777);
}

static void
test_parse(void)
{
	/* Quantities: thousandths. */
	parse_is("10", 3, NUM_OK, 10000);
	parse_is("1.5", 3, NUM_OK, 1500);
	parse_is("0.001", 3, NUM_OK, 1);
	parse_is("-2.25", 3, NUM_OK, -2250);
	parse_is("+7", 3, NUM_OK, 7000);
	parse_is("1.", 3, NUM_OK, 1000);
	parse_is(".5", 3, NUM_OK, 500);
	parse_is("-.5", 3, NUM_OK, -500);
	parse_is("0", 3, NUM_OK, 0);
	parse_is("-0", 3, NUM_OK, 0);
	parse_is("007.250", 3, NUM_OK, 7250);
	/* Amounts in minor units. */
	parse_is("12.35", 2, NUM_OK, 1235);
	parse_is("12.3", 2, NUM_OK, 1230);
	parse_is("1500", 0, NUM_OK, 1500);
	parse_is("1.250", 3, NUM_OK, 1250);

	/* Syntax. */
	parse_is("", 3, NUM_SYNTAX, 0);
	parse_is("-", 3, NUM_SYNTAX, 0);
	parse_is("+", 3, NUM_SYNTAX, 0);
	parse_is(".", 3, NUM_SYNTAX, 0);
	parse_is("-.", 3, NUM_SYNTAX, 0);
	parse_is("1,5", 3, NUM_SYNTAX, 0);
	parse_is("1 000", 3, NUM_SYNTAX, 0);
	parse_is(" 1", 3, NUM_SYNTAX, 0);
	parse_is("1 ", 3, NUM_SYNTAX, 0);
	parse_is("1e3", 3, NUM_SYNTAX, 0);
	parse_is("--1", 3, NUM_SYNTAX, 0);
	parse_is("+-1", 3, NUM_SYNTAX, 0);
	parse_is("1.2.3", 3, NUM_SYNTAX, 0);
	parse_is("0x10", 3, NUM_SYNTAX, 0);
	parse_is("abc", 3, NUM_SYNTAX, 0);
	/* Syntax is judged before places: the whole string is not a number. */
	parse_is("1.2345x", 3, NUM_SYNTAX, 0);
	{
		int64_t v;

		is_int(num_parse(NULL, 3, &v), NUM_SYNTAX, "NULL is no number");
	}

	/* Places: more fractional digits than allowed, zeros or not. */
	parse_is("1.2345", 3, NUM_PLACES, 0);
	parse_is("1.0000", 3, NUM_PLACES, 0);
	parse_is("12.345", 2, NUM_PLACES, 0);
	parse_is("12.0", 0, NUM_PLACES, 0);
	parse_is("12.", 0, NUM_OK, 12);
	parse_is("1", -1, NUM_PLACES, 0);
	parse_is("1", NUM_MAXPLACES + 1, NUM_PLACES, 0);
	parse_is("1", NUM_MAXPLACES, NUM_OK, INT64_C(1000000000000000000));

	/* The int64 bounds: exactly what fits is accepted. */
	parse_is("9223372036854775807", 0, NUM_OK, INT64_MAX);
	parse_is("9223372036854775808", 0, NUM_RANGE, 0);
	parse_is("-9223372036854775808", 0, NUM_OK, INT64_MIN);
	parse_is("-9223372036854775809", 0, NUM_RANGE, 0);
	parse_is("+9223372036854775807", 0, NUM_OK, INT64_MAX);
	parse_is("00009223372036854775807", 0, NUM_OK, INT64_MAX);
	parse_is("99999999999999999999999", 0, NUM_RANGE, 0);
	parse_is("9223372036854775.807", 3, NUM_OK, INT64_MAX);
	parse_is("9223372036854775.808", 3, NUM_RANGE, 0);
	parse_is("-9223372036854775.808", 3, NUM_OK, INT64_MIN);
	parse_is("-9223372036854775.809", 3, NUM_RANGE, 0);
	/* Scaling by the missing places can overflow too. */
	parse_is("9223372036854776", 3, NUM_RANGE, 0);
	parse_is("9223372036854775.8", 3, NUM_OK,
	    INT64_C(9223372036854775800));
	parse_is("92233720368547758.07", 2, NUM_OK, INT64_MAX);
	parse_is("92233720368547758.08", 2, NUM_RANGE, 0);
	parse_is("-92233720368547758.08", 2, NUM_OK, INT64_MIN);

	{
		int64_t q;

		is_int(qty_parse("2.5", &q), NUM_OK, "qty_parse('2.5') ok");
		is_int(q, 2500, "qty_parse('2.5') = 2500 thousandths");
		is_int(qty_parse("0.0001", &q), NUM_PLACES,
		    "qty_parse('0.0001') has too many places");
	}
}

static void
test_fmt(void)
{
	char buf[NUM_BUFSZ];

	is_str(amt_fmt(1235, 2, buf), "12.35", "amt_fmt 1235 at 2 places");
	is_str(amt_fmt(1230, 2, buf), "12.30", "amounts keep trailing zeros");
	is_str(amt_fmt(-5, 2, buf), "-0.05", "amt_fmt -5 at 2 places");
	is_str(amt_fmt(5, 2, buf), "0.05", "amt_fmt 5 at 2 places");
	is_str(amt_fmt(0, 2, buf), "0.00", "amt_fmt 0 at 2 places");
	is_str(amt_fmt(12, 0, buf), "12", "amt_fmt 12 at 0 places (JPY)");
	is_str(amt_fmt(-12, 0, buf), "-12", "amt_fmt -12 at 0 places");
	is_str(amt_fmt(0, 0, buf), "0", "amt_fmt 0 at 0 places");
	is_str(amt_fmt(1234, 3, buf), "1.234", "amt_fmt 1234 at 3 places (KWD)");
	is_str(amt_fmt(-100, 2, buf), "-1.00", "amt_fmt -100 at 2 places");
	is_str(amt_fmt(INT64_MAX, 2, buf), "92233720368547758.07",
	    "amt_fmt INT64_MAX");
	is_str(amt_fmt(INT64_MIN, 2, buf), "-92233720368547758.08",
	    "amt_fmt INT64_MIN");
	is_str(amt_fmt(INT64_MIN, 0, buf), "-9223372036854775808",
	    "amt_fmt INT64_MIN at 0 places");
	is_str(amt_fmt(-1, NUM_MAXPLACES, buf), "-0.000000000000000001",
	    "amt_fmt at the most places");

	is_str(qty_fmt(10000, buf), "10", "qty_fmt 10");
	is_str(qty_fmt(1500, buf), "1.5", "qty_fmt 1.5");
	is_str(qty_fmt(1, buf), "0.001", "qty_fmt 0.001");
	is_str(qty_fmt(-2250, buf), "-2.25", "qty_fmt -2.25");
	is_str(qty_fmt(0, buf), "0", "qty_fmt 0");
	is_str(qty_fmt(-500, buf), "-0.5", "qty_fmt -0.5");
	is_str(qty_fmt(100000, buf), "100", "qty_fmt keeps integer zeros");
	is_str(qty_fmt(1010, buf), "1.01", "qty_fmt 1.01");
	is_str(qty_fmt(INT64_MIN, buf), "-9223372036854775.808",
	    "qty_fmt INT64_MIN");
	is_str(qty_fmt(INT64_MAX, buf), "9223372036854775.807",
	    "qty_fmt INT64_MAX");

	/* What is formatted parses back to the same value. */
	{
		static const int64_t v[] = { 0, 1, -1, 999, 1000, -1001,
		    123456789, INT64_MAX, INT64_MIN };
		size_t i;
		int64_t back;
		int good = 1;

		for (i = 0; i < sizeof v / sizeof v[0]; i++) {
			if (qty_parse(qty_fmt(v[i], buf), &back) != NUM_OK ||
			    back != v[i])
				good = 0;
			if (num_parse(amt_fmt(v[i], 2, buf), 2, &back) !=
			    NUM_OK || back != v[i])
				good = 0;
		}
		ok(good, "qty_fmt and amt_fmt round-trip through parsing");
	}
}

static void
test_muldiv(void)
{
	/* Half away from zero, both signs. */
	muldiv_is(5, 1, 2, NUM_OK, 3);
	muldiv_is(-5, 1, 2, NUM_OK, -3);
	muldiv_is(5, -1, 2, NUM_OK, -3);
	muldiv_is(15, 1, 10, NUM_OK, 2);
	muldiv_is(-15, 1, 10, NUM_OK, -2);
	muldiv_is(14, 1, 10, NUM_OK, 1);
	muldiv_is(-14, 1, 10, NUM_OK, -1);
	muldiv_is(16, 1, 10, NUM_OK, 2);
	muldiv_is(-16, 1, 10, NUM_OK, -2);
	muldiv_is(0, 5, 7, NUM_OK, 0);
	muldiv_is(7, 3, 1, NUM_OK, 21);
	/* Tax: 12.35 at 19.000% is 2.3465, which rounds to 2.35. */
	muldiv_is(1235, 19000, 100000, NUM_OK, 235);
	muldiv_is(-1235, 19000, 100000, NUM_OK, -235);
	/* 12.35 at 7% is 0.8645: below the half, 0.86. */
	muldiv_is(1235, 7000, 100000, NUM_OK, 86);
	/* Amount of 2.5 pieces at 3.33: 8.325 -> 8.33. */
	muldiv_is(333, 2500, QTY_SCALE, NUM_OK, 833);
	muldiv_is(333, -2500, QTY_SCALE, NUM_OK, -833);

	/* Intermediates beyond int64 are exact. */
	muldiv_is(INT64_MAX, INT64_MAX, INT64_MAX, NUM_OK, INT64_MAX);
	muldiv_is(INT64_MIN, 2, 2, NUM_OK, INT64_MIN);
	muldiv_is(INT64_MAX, 1000, 1000, NUM_OK, INT64_MAX);
	muldiv_is(INT64_MIN, -1, 2, NUM_OK, INT64_C(4611686018427387904));
	/* Results beyond int64 are refused. */
	muldiv_is(INT64_MAX, 2, 1, NUM_RANGE, 0);
	muldiv_is(INT64_MIN, -1, 1, NUM_RANGE, 0);
	muldiv_is(INT64_MIN, 1, 1, NUM_OK, INT64_MIN);
	muldiv_is(INT64_MAX, 3, 2, NUM_RANGE, 0);
	/* Rounding itself may be what overflows. */
	muldiv_is(INT64_MAX, 2, 2, NUM_OK, INT64_MAX);
	muldiv_is(INT64_MAX, 1, 1, NUM_OK, INT64_MAX);
	/* A divisor that is not positive. */
	muldiv_is(1, 1, 0, NUM_RANGE, 0);
	muldiv_is(1, 1, -1, NUM_RANGE, 0);
}

static void
test_add(void)
{
	int64_t v = 0;

	is_int(num_add(2, 3, &v), NUM_OK, "num_add 2 + 3");
	is_int(v, 5, "2 + 3 = 5");
	is_int(num_add(INT64_MAX, 0, &v), NUM_OK, "INT64_MAX + 0 fits");
	is_int(num_add(INT64_MAX, 1, &v), NUM_RANGE, "INT64_MAX + 1 overflows");
	is_int(num_add(INT64_MIN, -1, &v), NUM_RANGE,
	    "INT64_MIN - 1 overflows");
	is_int(num_add(INT64_MIN, INT64_MAX, &v), NUM_OK,
	    "INT64_MIN + INT64_MAX fits");
	is_int(v, -1, "INT64_MIN + INT64_MAX = -1");
	is_int(num_add(-5, -7, &v), NUM_OK, "-5 + -7");
	is_int(v, -12, "-5 + -7 = -12");
}

static void
test_currency(void)
{
	static const char *const zero[] = { "JPY", "KRW", "VND", "CLP", "ISK",
	    "XAF", "XOF" };
	static const char *const three[] = { "BHD", "KWD", "OMR", "JOD",
	    "TND", "IQD", "LYD" };
	size_t i;

	for (i = 0; i < sizeof zero / sizeof zero[0]; i++)
		is_int(cur_places(zero[i]), 0, "%s has 0 places", zero[i]);
	for (i = 0; i < sizeof three / sizeof three[0]; i++)
		is_int(cur_places(three[i]), 3, "%s has 3 places", three[i]);
	is_int(cur_places("EUR"), 2, "EUR has 2 places");
	is_int(cur_places("CNY"), 2, "CNY has 2 places");
	is_int(cur_places("USD"), 2, "USD has 2 places");
	is_int(cur_places(NULL), 2, "no currency has 2 places");

	is_str(num_strerror(NUM_SYNTAX), "not a number", "NUM_SYNTAX message");
	is_str(num_strerror(NUM_PLACES), "too many decimal places",
	    "NUM_PLACES message");
	is_str(num_strerror(NUM_RANGE), "out of range", "NUM_RANGE message");
}

int
main(void)
{
	test_parse();
	test_fmt();
	test_muldiv();
	test_add();
	test_currency();
	return tap_done();
}
