/* Values: parse, format, cast, compare; the calendar; NUMERIC arithmetic;
 * vectors.  Most cases are rows of a table: input, expected text or error. */
#include <math.h>
#include <stdlib.h>

#include "t.h"
#include "warehouse/value.h"

#define ERR "ERR:" /* an expected text starting with this is an error message */

struct parse_case {
	enum type type;
	const char *in, *want;
};

static const struct parse_case parse_cases[] = {
	{TYPE_BOOL, "TRUE", "true"},
	{TYPE_BOOL, "false", "false"},
	{TYPE_BOOL, "yes", ERR "Bad bool value: yes"},
	{TYPE_INT64, "42", "42"},
	{TYPE_INT64, " -7 ", "-7"},
	{TYPE_INT64, "0x1A", "26"},
	{TYPE_INT64, "9223372036854775807", "9223372036854775807"},
	{TYPE_INT64, "-9223372036854775808", "-9223372036854775808"},
	{TYPE_INT64, "9223372036854775808", ERR "Bad int64 value: 9223372036854775808"},
	{TYPE_INT64, "abc", ERR "Bad int64 value: abc"},
	{TYPE_INT64, "1.5", ERR "Bad int64 value: 1.5"},
	{TYPE_INT64, "", ERR "Bad int64 value: "},
	{TYPE_FLOAT64, "0.1", "0.1"},
	{TYPE_FLOAT64, "1e20", "1e+20"},
	{TYPE_FLOAT64, "1000000", "1000000"},
	{TYPE_FLOAT64, "-0.5", "-0.5"},
	{TYPE_FLOAT64, "0.30000000000000004", "0.30000000000000004"},
	{TYPE_FLOAT64, "2.5e-7", "2.5e-07"},
	{TYPE_FLOAT64, "inf", "inf"},
	{TYPE_FLOAT64, "-inf", "-inf"},
	{TYPE_FLOAT64, "NaN", "nan"},
	{TYPE_FLOAT64, "1.2.3", ERR "Bad double value: 1.2.3"},
	{TYPE_NUMERIC, "1.5", "1.5"},
	{TYPE_NUMERIC, "3.000", "3"},
	{TYPE_NUMERIC, "-0.25", "-0.25"},
	{TYPE_NUMERIC, "0.0000000005", "0.000000001"},   /* half away from zero */
	{TYPE_NUMERIC, "-0.0000000005", "-0.000000001"},
	{TYPE_NUMERIC, "0.0000000004999", "0"},
	{TYPE_NUMERIC, "1.23456789012e2", "123.456789012"},
	{TYPE_NUMERIC, "1e3", "1000"},
	{TYPE_NUMERIC, "00012.50", "12.5"},
	{TYPE_NUMERIC, "99999999999999999999999999999.999999999", "99999999999999999999999999999.999999999"},
	{TYPE_NUMERIC, "-99999999999999999999999999999.999999999", "-99999999999999999999999999999.999999999"},
	{TYPE_NUMERIC, "100000000000000000000000000000", ERR "Invalid NUMERIC value: 100000000000000000000000000000 (out of range)"},
	{TYPE_NUMERIC, "12a", ERR "Invalid NUMERIC value: 12a"},
	{TYPE_DATE, "2019-01-01", "2019-01-01"},
	{TYPE_DATE, "2019-1-5", "2019-01-05"},
	{TYPE_DATE, "2020-02-29", "2020-02-29"},
	{TYPE_DATE, "2000-02-29", "2000-02-29"},
	{TYPE_DATE, "2019-02-29", ERR "Invalid date: '2019-02-29'"},
	{TYPE_DATE, "1900-02-29", ERR "Invalid date: '1900-02-29'"},
	{TYPE_DATE, "0001-01-01", "0001-01-01"},
	{TYPE_DATE, "9999-12-31", "9999-12-31"},
	{TYPE_DATE, "1969-12-31", "1969-12-31"},
	{TYPE_DATE, "2019-01-01 10:00:00", ERR "Invalid date: '2019-01-01 10:00:00'"},
	{TYPE_TIMESTAMP, "2019-01-01 00:13:00", "2019-01-01 00:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01T00:13:00.000", "2019-01-01 00:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01T00:13:00Z", "2019-01-01 00:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01 00:13:00 UTC", "2019-01-01 00:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01 00:13:00+02:00", "2018-12-31 22:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01 00:13:00-05", "2019-01-01 05:13:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01 00:13:00+0530", "2018-12-31 18:43:00+00"},
	{TYPE_TIMESTAMP, "1969-12-31 23:59:59.5", "1969-12-31 23:59:59.500+00"},
	{TYPE_TIMESTAMP, "1960-06-15 12:00:00.123456", "1960-06-15 12:00:00.123456+00"},
	{TYPE_TIMESTAMP, "2019-01-01", "2019-01-01 00:00:00+00"},
	{TYPE_TIMESTAMP, "2024-02-29 23:59", "2024-02-29 23:59:00+00"},
	{TYPE_TIMESTAMP, "2019-13-01 00:00:00", ERR "Invalid timestamp: '2019-13-01 00:00:00'"},
	{TYPE_TIMESTAMP, "2019-01-01 24:00:00", ERR "Invalid timestamp: '2019-01-01 24:00:00'"},
	{TYPE_TIMESTAMP, "yesterday", ERR "Invalid timestamp: 'yesterday'"},
	{TYPE_DATETIME, "2019-01-01T00:13:00", "2019-01-01 00:13:00"},
	{TYPE_DATETIME, "2019-01-01 00:13:00.25", "2019-01-01 00:13:00.250"},
	{TYPE_DATETIME, "2019-01-01 00:13:00Z", ERR "Invalid datetime string \"2019-01-01 00:13:00Z\""},
	{TYPE_STRING, "héllo", "héllo"},
};

static void test_parse_and_to_string(void)
{
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];
		struct value v;
		struct buf b = BUF_INIT;
		error_clear();
		int rc = value_parse(c->type, c->in, strlen(c->in), &v);
		if (rc < 0)
			buf_printf(&b, ERR "%s", error_last());
		else
			value_to_string(&v, &b);
		char label[256];
		snprintf(label, sizeof label, "%s '%s' -> %s", type_name(c->type), c->in, buf_cstr(&b));
		bool ok = strcmp(buf_cstr(&b), c->want) == 0;
		buf_free(&b);
		if (!ok)
			T_FAIL("%s, expected %s", label, c->want);
		if (rc < 0)
			CHECK_INT(rc, PIPE_EUSAGE);
	}
}

/* What the bq command line shows differs from CAST(x AS STRING). */
static void test_format_for_display(void)
{
	struct value v;
	struct buf b = BUF_INIT;
	CHECK_OK(value_parse(TYPE_TIMESTAMP, "2019-01-01T00:13:00", 19, &v));
	value_format(&v, &b);
	CHECK_STR(buf_cstr(&b), "2019-01-01 00:13:00 UTC");
	buf_clear(&b);
	CHECK_OK(value_parse(TYPE_DATETIME, "2019-01-01 00:13:00", 19, &v));
	value_format(&v, &b);
	CHECK_STR(buf_cstr(&b), "2019-01-01T00:13:00");
	buf_clear(&b);
	v = value_bytes("hi!?", 4);
	value_format(&v, &b);
	CHECK_STR(buf_cstr(&b), "aGkhPw==");
	buf_clear(&b);
	v = value_null(TYPE_INT64);
	value_format(&v, &b);
	CHECK_STR(buf_cstr(&b), "NULL");
	buf_free(&b);
}

struct cast_case {
	enum type from;
	const char *in;
	enum type to;
	const char *want;
};

static const struct cast_case cast_cases[] = {
	{TYPE_FLOAT64, "2.5", TYPE_INT64, "3"},
	{TYPE_FLOAT64, "-2.5", TYPE_INT64, "-3"},
	{TYPE_FLOAT64, "2.4", TYPE_INT64, "2"},
	{TYPE_FLOAT64, "nan", TYPE_INT64, ERR "Illegal conversion of non-finite floating point number to an integer: nan"},
	{TYPE_FLOAT64, "1e19", TYPE_INT64, ERR "int64 overflow: 1e+19"},
	{TYPE_FLOAT64, "0.1", TYPE_NUMERIC, "0.1"},
	{TYPE_FLOAT64, "1e30", TYPE_NUMERIC, ERR "numeric overflow: 1e+30"},
	{TYPE_FLOAT64, "1.5", TYPE_STRING, "1.5"},
	{TYPE_INT64, "7", TYPE_FLOAT64, "7"},
	{TYPE_INT64, "-7", TYPE_NUMERIC, "-7"},
	{TYPE_INT64, "7", TYPE_BOOL, "true"},
	{TYPE_INT64, "0", TYPE_BOOL, "false"},
	{TYPE_INT64, "7", TYPE_STRING, "7"},
	{TYPE_INT64, "7", TYPE_DATE, ERR "Invalid cast from INT64 to DATE"},
	{TYPE_NUMERIC, "2.5", TYPE_INT64, "3"},
	{TYPE_NUMERIC, "-2.5", TYPE_INT64, "-3"},
	{TYPE_NUMERIC, "1.5", TYPE_FLOAT64, "1.5"},
	{TYPE_NUMERIC, "99999999999999999999", TYPE_INT64, ERR "int64 overflow: 99999999999999999999"},
	{TYPE_BOOL, "true", TYPE_INT64, "1"},
	{TYPE_STRING, "abc", TYPE_INT64, ERR "Bad int64 value: abc"},
	{TYPE_STRING, "12", TYPE_INT64, "12"},
	{TYPE_STRING, "2019-01-01", TYPE_DATE, "2019-01-01"},
	{TYPE_STRING, "x", TYPE_BYTES, "x"},
	{TYPE_DATE, "2019-01-01", TYPE_TIMESTAMP, "2019-01-01 00:00:00+00"},
	{TYPE_DATE, "2019-01-01", TYPE_DATETIME, "2019-01-01 00:00:00"},
	{TYPE_DATE, "2019-01-01", TYPE_INT64, ERR "Invalid cast from DATE to INT64"},
	{TYPE_TIMESTAMP, "2019-01-01 23:59:59", TYPE_DATE, "2019-01-01"},
	{TYPE_TIMESTAMP, "1969-12-31 23:00:00", TYPE_DATE, "1969-12-31"},
	{TYPE_TIMESTAMP, "2019-01-01 10:00:00+01", TYPE_DATETIME, "2019-01-01 09:00:00"},
	{TYPE_DATETIME, "2019-01-01 10:00:00", TYPE_TIMESTAMP, "2019-01-01 10:00:00+00"},
	{TYPE_TIMESTAMP, "2019-01-01 10:00:00", TYPE_STRING, "2019-01-01 10:00:00+00"},
	{TYPE_JSON, "{}", TYPE_STRING, ERR "Invalid cast from JSON to STRING"},
};

static void test_cast(void)
{
	struct arena mem = {0};
	for (size_t i = 0; i < sizeof cast_cases / sizeof cast_cases[0]; i++) {
		const struct cast_case *c = &cast_cases[i];
		struct value in, out;
		struct buf b = BUF_INIT;
		error_clear();
		CHECK_OK(value_parse(c->from, c->in, strlen(c->in), &in));
		if (value_cast(&in, c->to, &mem, &out) < 0)
			buf_printf(&b, ERR "%s", error_last());
		else {
			CHECK_INT(out.type, c->to);
			value_to_string(&out, &b);
		}
		char got[256];
		snprintf(got, sizeof got, "%s", buf_cstr(&b));
		buf_free(&b);
		if (strcmp(got, c->want) != 0)
			T_FAIL("CAST(%s '%s' AS %s) -> %s, expected %s", type_name(c->from), c->in, type_name(c->to), got,
			       c->want);
	}
	struct value n = value_null(TYPE_STRING), out;
	CHECK_OK(value_cast(&n, TYPE_INT64, &mem, &out));
	CHECK(out.is_null && out.type == TYPE_INT64);
	arena_free(&mem);
}

static void test_type_names(void)
{
	enum type t;
	CHECK_OK(type_parse("integer", &t));
	CHECK_INT(t, TYPE_INT64);
	CHECK_OK(type_parse("FLOAT", &t));
	CHECK_INT(t, TYPE_FLOAT64);
	CHECK_OK(type_parse("Boolean", &t));
	CHECK_INT(t, TYPE_BOOL);
	CHECK_OK(type_parse("DECIMAL", &t));
	CHECK_INT(t, TYPE_NUMERIC);
	CHECK_INT(type_parse("VARCHAR", &t), PIPE_ENOTFOUND);
	CHECK_STR(type_name(TYPE_TIMESTAMP), "TIMESTAMP");
}

static void test_compare_and_order(void)
{
	struct value null = value_null(TYPE_INT64), one = value_int64(1), nan = value_float64(NAN),
	             ninf = value_float64(-INFINITY), onef = value_float64(1.0), half = value_float64(0.5);
	CHECK_INT(value_compare(&null, &one), CMP_UNKNOWN);
	CHECK_INT(value_compare(&null, &null), CMP_UNKNOWN);
	CHECK_INT(value_compare(&nan, &nan), CMP_UNKNOWN);
	CHECK_INT(value_compare(&one, &onef), 0);
	CHECK_INT(value_compare(&one, &half), 1);
	/* 2^53 + 1 is not a double: exact comparison still sees it is larger. */
	struct value big = value_int64(9007199254740993LL), bigf = value_float64(9007199254740992.0);
	CHECK_INT(value_compare(&big, &bigf), 1);
	CHECK_INT(value_compare(&bigf, &big), -1);
	struct value n15, n1;
	CHECK_OK(value_parse(TYPE_NUMERIC, "1.5", 3, &n15));
	n1 = value_numeric(NUMERIC_SCALE);
	CHECK_INT(value_compare(&n15, &one), 1);
	CHECK_INT(value_compare(&one, &n1), 0);
	CHECK_INT(value_compare(&n15, &onef), 1);
	/* Sorting: NULL, NaN, -inf, numbers. */
	CHECK_INT(value_order(&null, &nan), -1);
	CHECK_INT(value_order(&nan, &ninf), -1);
	CHECK_INT(value_order(&ninf, &half), -1);
	CHECK_INT(value_order(&null, &null), 0);
	CHECK(value_same(&nan, &nan));
	CHECK(!value_same(&null, &one));
	struct value a = value_string("ab", 2), ab = value_string("abc", 3), b = value_string("b", 1);
	CHECK_INT(value_compare(&a, &ab), -1);
	CHECK_INT(value_compare(&ab, &b), -1);
	CHECK(value_hash(&one) == value_hash(&onef));
	CHECK(value_hash(&one) == value_hash(&n1));
	CHECK(value_hash(&a) != value_hash(&ab));
}

struct cmp_case {
	enum type type;
	const char *a, *b; /* NULL for a NULL value */
	int want;
};

static const struct cmp_case cmp_cases[] = {
	{TYPE_BOOL, "false", "true", -1},
	{TYPE_BOOL, "true", "true", 0},
	{TYPE_INT64, "-5", "3", -1},
	{TYPE_INT64, "-9223372036854775808", "9223372036854775807", -1},
	{TYPE_FLOAT64, "-0", "0", 0},
	{TYPE_FLOAT64, "inf", "1e308", 1},
	{TYPE_NUMERIC, "0.000000001", "0", 1},
	{TYPE_NUMERIC, "-1.5", "-1.4", -1},
	{TYPE_STRING, "B", "a", -1}, /* bytewise: upper case first */
	{TYPE_STRING, "", "a", -1},
	{TYPE_BYTES, "\xff", "a", 1},
	{TYPE_DATE, "1969-12-31", "1970-01-01", -1},
	{TYPE_DATE, "2020-02-29", "2020-03-01", -1},
	{TYPE_DATETIME, "2019-01-01 00:00:00.000001", "2019-01-01", 1},
	{TYPE_TIMESTAMP, "2019-01-01 00:00:00+01", "2018-12-31 23:00:00", 0},
	{TYPE_TIMESTAMP, "1969-12-31 23:59:59.999999", "1970-01-01", -1},
	{TYPE_DATE, NULL, "2019-01-01", CMP_UNKNOWN},
	{TYPE_STRING, "a", NULL, CMP_UNKNOWN},
};

static void test_compare_every_type(void)
{
	for (size_t i = 0; i < sizeof cmp_cases / sizeof cmp_cases[0]; i++) {
		const struct cmp_case *c = &cmp_cases[i];
		struct value a = value_null(c->type), b = value_null(c->type);
		if (c->a && c->type == TYPE_BYTES && c->a[0] == '\\')
			a = value_bytes("\xff", 1);
		else if (c->a)
			CHECK_OK(value_parse(c->type, c->a, strlen(c->a), &a));
		if (c->b)
			CHECK_OK(value_parse(c->type, c->b, strlen(c->b), &b));
		int got = value_compare(&a, &b), back = value_compare(&b, &a);
		if (got != c->want)
			T_FAIL("%s %s vs %s: got %d, expected %d", type_name(c->type), c->a ? c->a : "NULL",
			       c->b ? c->b : "NULL", got, c->want);
		if (got != CMP_UNKNOWN && back != -got)
			T_FAIL("%s %s vs %s is not antisymmetric", type_name(c->type), c->a, c->b);
		if (got != CMP_UNKNOWN && value_order(&a, &b) != got)
			T_FAIL("%s %s vs %s: the sort order disagrees", type_name(c->type), c->a, c->b);
	}
}

/* Every day of the calendar round-trips, and days advance through months
 * and leap years as a naive day-by-day walk says. */
static void test_calendar(void)
{
	int y = 1, m = 1, d = 1;
	for (int32_t days = DATE_MIN; days <= DATE_MAX; days++) {
		int yy, mm, dd;
		civil_from_days(days, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			T_FAIL("day %d is %04d-%02d-%02d, expected %04d-%02d-%02d", days, yy, mm, dd, y, m, d);
		if (days_from_civil(y, m, d) != days)
			T_FAIL("days_from_civil(%d, %d, %d) != %d", y, m, d, days);
		if (++d > 28 && !civil_valid(y, m, d)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	CHECK_INT(days_from_civil(1970, 1, 1), 0);
	CHECK_INT(days_from_civil(2019, 1, 1), 17897);
	CHECK(civil_valid(2024, 2, 29));
	CHECK(!civil_valid(2100, 2, 29));
	int32_t day;
	int64_t tod;
	split_micros(-1, &day, &tod);
	CHECK_INT(day, -1);
	CHECK_INT(tod, US_PER_DAY - 1);
}

static int32_t D(const char *s)
{
	struct value v;
	if (value_parse(TYPE_DATE, s, strlen(s), &v) < 0)
		abort();
	return v.days;
}

static int64_t TS(const char *s)
{
	struct value v;
	if (value_parse(TYPE_TIMESTAMP, s, strlen(s), &v) < 0)
		abort();
	return v.us;
}

static void test_date_parts(void)
{
	int32_t t;
	int64_t x;
	enum date_part p;
	CHECK_OK(date_part_parse("isoweek", &p));
	CHECK_INT(p, PART_ISOWEEK);
	/* 2019-01-01 is a Tuesday. */
	CHECK_OK(date_trunc(D("2019-01-01"), PART_WEEK, &t));
	CHECK_INT(t, D("2018-12-30"));
	CHECK_OK(date_trunc(D("2019-01-01"), PART_ISOWEEK, &t));
	CHECK_INT(t, D("2018-12-31"));
	CHECK_OK(date_trunc(D("2019-08-17"), PART_MONTH, &t));
	CHECK_INT(t, D("2019-08-01"));
	CHECK_OK(date_trunc(D("2019-08-17"), PART_QUARTER, &t));
	CHECK_INT(t, D("2019-07-01"));
	CHECK_OK(date_trunc(D("2019-08-17"), PART_YEAR, &t));
	CHECK_INT(t, D("2019-01-01"));
	CHECK_OK(date_trunc(D("2021-01-02"), PART_ISOYEAR, &t)); /* ISO 2020 has 53 weeks */
	CHECK_INT(t, D("2019-12-30"));
	CHECK_INT(date_trunc(D("2019-01-01"), PART_HOUR, &t), PIPE_EUSAGE);
	CHECK_OK(date_extract(D("2019-01-01"), PART_DAYOFWEEK, &x));
	CHECK_INT(x, 3);
	CHECK_OK(date_extract(D("2019-01-01"), PART_WEEK, &x)); /* before the first Sunday */
	CHECK_INT(x, 0);
	CHECK_OK(date_extract(D("2019-01-06"), PART_WEEK, &x));
	CHECK_INT(x, 1);
	CHECK_OK(date_extract(D("2019-12-30"), PART_ISOWEEK, &x));
	CHECK_INT(x, 1);
	CHECK_OK(date_extract(D("2019-12-30"), PART_ISOYEAR, &x));
	CHECK_INT(x, 2020);
	CHECK_OK(date_extract(D("2020-12-31"), PART_DAYOFYEAR, &x));
	CHECK_INT(x, 366);
	CHECK_OK(date_extract(D("2020-11-15"), PART_QUARTER, &x));
	CHECK_INT(x, 4);
	CHECK_INT(date_extract(D("2020-11-15"), PART_HOUR, &x), PIPE_EUSAGE);
	/* Before 1970 truncation goes down, not toward zero. */
	CHECK_OK(micros_trunc(-1, PART_HOUR, &x));
	CHECK_INT(x, -3600 * US_PER_SEC);
	CHECK_OK(micros_trunc(TS("2019-03-17 13:45:12.5"), PART_MONTH, &x));
	CHECK_INT(x, TS("2019-03-01"));
	CHECK_OK(micros_trunc(TS("2019-03-17 13:45:12.5"), PART_MINUTE, &x));
	CHECK_INT(x, TS("2019-03-17 13:45"));
	CHECK_OK(micros_extract(TS("1969-12-31 23:59:59.25"), PART_MILLISECOND, &x));
	CHECK_INT(x, 250);
	CHECK_OK(micros_extract(TS("1969-12-31 23:59:59.25"), PART_HOUR, &x));
	CHECK_INT(x, 23);
	CHECK_OK(micros_extract(TS("1969-12-31 23:59:59.25"), PART_DATE, &x));
	CHECK_INT(x, -1);
	CHECK_OK(micros_extract(TS("2019-01-01 05:00"), PART_DAY, &x));
	CHECK_INT(x, 1);
}

static const char *num(const char *s, numeric_t *n)
{
	struct value v;
	if (value_parse(TYPE_NUMERIC, s, strlen(s), &v) < 0)
		abort();
	*n = v.n;
	return s;
}

static const char *numeric_text(numeric_t n, struct buf *b)
{
	struct value v = value_numeric(n);
	buf_clear(b);
	value_to_string(&v, b);
	return buf_cstr(b);
}

#define CHECK_NUM(n, want) CHECK_STR(numeric_text(n, &text), want)

static void test_numeric_arithmetic(void)
{
	static struct buf text; /* static: a failed check returns early */
	numeric_t a, b, r;
	num("1.5", &a);
	CHECK_OK(numeric_mul(a, a, &r));
	CHECK_NUM(r, "2.25");
	num("0.000000001", &a);
	num("0.5", &b);
	CHECK_OK(numeric_mul(a, b, &r));
	CHECK_NUM(r, "0.000000001");
	num("-12345678901234567890.123456789", &a);
	num("1000", &b);
	CHECK_OK(numeric_mul(a, b, &r));
	CHECK_NUM(r, "-12345678901234567890123.456789");
	num("1", &a);
	num("3", &b);
	CHECK_OK(numeric_div(a, b, &r));
	CHECK_NUM(r, "0.333333333");
	num("2", &a);
	CHECK_OK(numeric_div(a, b, &r));
	CHECK_NUM(r, "0.666666667");
	num("-2", &a);
	CHECK_OK(numeric_div(a, b, &r));
	CHECK_NUM(r, "-0.666666667");
	num("99999999999999999999999999999.999999999", &a);
	num("3", &b);
	CHECK_OK(numeric_div(a, b, &r));
	CHECK_NUM(r, "33333333333333333333333333333.333333333");
	num("1", &b);
	CHECK_OK(numeric_div(a, b, &r));
	CHECK(r == NUMERIC_MAX);
	num("0.5", &b);
	CHECK_INT(numeric_div(a, b, &r), PIPE_EUSAGE);
	CHECK_INT(numeric_add(a, a, &r), PIPE_EUSAGE);
	CHECK_STR(error_last(), "numeric overflow: 99999999999999999999999999999.999999999 + "
	                        "99999999999999999999999999999.999999999");
	num("100000000000000000000", &b);
	CHECK_INT(numeric_mul(b, b, &r), PIPE_EUSAGE);
	CHECK_INT(numeric_div(a, 0, &r), PIPE_EUSAGE);
	CHECK_STR(error_last(), "division by zero: 99999999999999999999999999999.999999999 / 0");
	CHECK(fabs(numeric_to_double(a) - 1e29) < 1e14);
}

static void test_vectors(void)
{
	struct vec v;
	vec_init(&v, TYPE_STRING);
	char word[16];
	for (int i = 0; i < 5000; i++) {
		if (i % 7 == 0) {
			vec_push_null(&v);
			continue;
		}
		snprintf(word, sizeof word, "w%d", i);
		struct value x = value_string(word, strlen(word));
		vec_push(&v, &x);
	}
	CHECK_INT(v.count, 5000);
	struct value x = vec_get(&v, 4999);
	CHECK(!x.is_null && x.s.len == 5 && memcmp(x.s.p, "w4999", 5) == 0);
	CHECK(vec_get(&v, 7).is_null);
	vec_reset(&v);
	CHECK_INT(v.count, 0);
	vec_retype(&v, TYPE_FLOAT64);
	struct value i = value_int64(3);
	vec_push(&v, &i);
	CHECK(v.f64[0] == 3.0);
	vec_free(&v);

	enum type types[] = {TYPE_INT64, TYPE_DATE};
	struct batch b;
	batch_init(&b, 2, types);
	struct value one = value_int64(1), day = value_date(5);
	vec_push(&b.cols[0], &one);
	vec_push(&b.cols[1], &day);
	b.nrows = 1;
	CHECK_INT(b.cols[1].days[0], 5);
	batch_reset(&b);
	CHECK_INT(b.nrows + b.cols[0].count, 0);
	batch_free(&b);
}

int main(void)
{
	RUN(test_parse_and_to_string);
	RUN(test_format_for_display);
	RUN(test_cast);
	RUN(test_type_names);
	RUN(test_compare_and_order);
	RUN(test_compare_every_type);
	RUN(test_calendar);
	RUN(test_date_parts);
	RUN(test_numeric_arithmetic);
	RUN(test_vectors);
	T_DONE();
}
