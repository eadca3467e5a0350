/* Column chunks: encode -> read back for every type, with and without
 * NULLs, and the statistics each chunk records. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "warehouse/column.h"

/* Encodes rows (given in this order) of v, writes the chunk after a few
 * bytes of padding (chunks sit at offsets), reads it back into out. */
static int round_trip(const struct vec *v, const uint32_t *rows, size_t n, struct vec *out,
                      struct col_stats *st, size_t *len)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "pad");
	column_encode(v, rows, n, true, &b, st);
	*len = b.len - 3;
	char path[] = "/tmp/pipe-test-column-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len)
		abort();
	unlink(path);
	buf_free(&b);
	int rc = column_read(fd, 3, *len, (uint32_t)n, st->nulls > 0, out);
	close(fd);
	return rc;
}

static const char *const samples[][5] = {
	[TYPE_BOOL] = {"true", "false", NULL, "true", "false"},
	[TYPE_INT64] = {"-9223372036854775808", "7", NULL, "9223372036854775807", "0"},
	[TYPE_FLOAT64] = {"1.5", "-0.25", NULL, "1e300", "-inf"},
	[TYPE_NUMERIC] = {"-99999999999999999999999999999.999999999", "0.000000001", NULL, "12.5", "0"},
	[TYPE_STRING] = {"zebra", "", NULL, "héllo", "apple"},
	[TYPE_BYTES] = {"\x01\x02", "", NULL, "\xff", "abc"},
	[TYPE_DATE] = {"0001-01-01", "9999-12-31", NULL, "1969-12-31", "2019-01-01"},
	[TYPE_DATETIME] = {"2019-01-01 00:13:00", "1900-01-01 00:00:00.000001", NULL, "2019-01-01", "2020-02-29 23:59:59"},
	[TYPE_TIMESTAMP] = {"2019-01-01 00:13:00", "1900-01-01 00:00:00.000001", NULL, "2019-01-01", "2020-02-29 23:59:59"},
	[TYPE_JSON] = {"{\"a\":1}", "[]", NULL, "null", "3"},
};
/* min index, max index among the samples (JSON: none) */
static const int expect_min[] = {[TYPE_BOOL] = 1, [TYPE_INT64] = 0, [TYPE_FLOAT64] = 4, [TYPE_NUMERIC] = 0,
                                 [TYPE_STRING] = 1, [TYPE_BYTES] = 1, [TYPE_DATE] = 0, [TYPE_DATETIME] = 1,
                                 [TYPE_TIMESTAMP] = 1};
static const int expect_max[] = {[TYPE_BOOL] = 0, [TYPE_INT64] = 3, [TYPE_FLOAT64] = 3, [TYPE_NUMERIC] = 3,
                                 [TYPE_STRING] = 0, [TYPE_BYTES] = 3, [TYPE_DATE] = 1, [TYPE_DATETIME] = 4,
                                 [TYPE_TIMESTAMP] = 4};

static void test_every_type(void)
{
	for (enum type t = TYPE_BOOL; t < TYPE_COUNT; t++) {
		struct vec v, out;
		vec_init(&v, t);
		vec_init(&out, t);
		struct value parsed[5];
		for (int i = 0; i < 5; i++) {
			const char *s = samples[t][i];
			if (!s) {
				parsed[i] = value_null(t);
			} else if (value_parse(t, s, strlen(s), &parsed[i]) < 0) {
				T_FAIL("%s: %s", type_name(t), error_last());
			}
			vec_push(&v, &parsed[i]);
		}
		/* In a different order than stored, and a subset without the NULL. */
		uint32_t all[] = {4, 3, 2, 1, 0}, some[] = {0, 1, 3};
		struct col_stats st;
		size_t len;
		CHECK_OK(round_trip(&v, all, 5, &out, &st, &len));
		CHECK_INT(out.count, 5);
		CHECK_INT(st.nulls, 1);
		for (int k = 0; k < 5; k++) {
			struct value a = vec_get(&out, (size_t)k), b = parsed[all[k]];
			if (!value_same(&a, &b))
				T_FAIL("%s: row %d differs after the round trip", type_name(t), k);
		}
		if (t == TYPE_JSON) {
			CHECK(st.min.is_null && st.max.is_null);
		} else {
			CHECK(value_same(&st.min, &parsed[expect_min[t]]));
			if (!value_same(&st.max, &parsed[expect_max[t]]))
				T_FAIL("%s: wrong max", type_name(t));
		}
		size_t w = type_is_string(t) ? 0 : type_width(t);
		/* these samples pack into no smaller integers: plain chunks */
		if (w)
			CHECK_INT(len, 4 + 5 * w + 5); /* the head, the values, then one NULL byte each */
		vec_free(&out);
		vec_init(&out, t);
		CHECK_OK(round_trip(&v, some, 3, &out, &st, &len));
		CHECK_INT(st.nulls, 0);
		if (w)
			CHECK_INT(len, 4 + 3 * w); /* no NULLs: no NULL bytes */
		for (int k = 0; k < 3; k++) {
			struct value a = vec_get(&out, (size_t)k), b = parsed[some[k]];
			CHECK(!a.is_null);
			CHECK(value_same(&a, &b));
		}
		vec_free(&v);
		vec_free(&out);
	}
}

static void test_stats_edge_cases(void)
{
	struct vec v, out;
	struct col_stats st;
	size_t len;
	uint32_t rows[] = {0, 1, 2};
	/* A chunk holding a NaN keeps no bounds: a filter must not skip or
	 * take the block whole by them, as the NaN row escapes them. */
	vec_init(&v, TYPE_FLOAT64);
	vec_init(&out, TYPE_FLOAT64);
	struct value a = value_float64(NAN), b = value_float64(2), c = value_float64(-1);
	vec_push(&v, &a);
	vec_push(&v, &b);
	vec_push(&v, &c);
	CHECK_OK(round_trip(&v, rows, 3, &out, &st, &len));
	CHECK(st.min.is_null && st.max.is_null && st.nulls == 0);
	CHECK(isnan(out.f64[0]));
	vec_free(&v);
	vec_free(&out);
	/* A long string leaves the bounds unknown rather than wrong. */
	char big[COLUMN_STATS_MAX_STR + 10];
	memset(big, 'x', sizeof big);
	vec_init(&v, TYPE_STRING);
	vec_init(&out, TYPE_STRING);
	struct value s1 = value_string("a", 1), s2 = value_string(big, sizeof big), s3 = value_string("b", 1);
	vec_push(&v, &s1);
	vec_push(&v, &s2);
	vec_push(&v, &s3);
	CHECK_OK(round_trip(&v, rows, 3, &out, &st, &len));
	CHECK(st.min.is_null && st.max.is_null && st.nulls == 0);
	CHECK_INT(out.str[1].len, sizeof big);
	CHECK_INT(st.bytes, 3 + 3 + 2 + sizeof big);
	vec_free(&v);
	vec_free(&out);
	/* All NULL. */
	vec_init(&v, TYPE_INT64);
	vec_init(&out, TYPE_INT64);
	for (int i = 0; i < 3; i++)
		vec_push_null(&v);
	CHECK_OK(round_trip(&v, rows, 3, &out, &st, &len));
	CHECK(st.min.is_null && st.nulls == 3 && st.bytes == 0);
	CHECK(out.nulls[0] && out.nulls[1] && out.nulls[2]);
	vec_free(&v);
	vec_free(&out);
}

/* String bounds over rows in any order, as a sorted table hands them:
 * values sharing their first eight bytes or more (times as text), bytes
 * past 0x7f (unsigned order), a prefix of another value, and NULLs. */
static void test_string_bounds_scattered(void)
{
	static const char *const vals[] = {"2019-01-01T00:46:40.000", "2019-01-01T00:46:40.00", NULL,
	                                   "2019-01-01T00:46:39.999", "2019-12-31T23:59:59.999", "\xc3\xa9t\xc3\xa9 longer",
	                                   "2019-01-0", NULL, "2019-12-31T23:59:59.9990", "", "2018-12-31T23:59:59.999"};
	size_t nv = sizeof vals / sizeof *vals;
	uint32_t rows[] = {9, 4, 2, 0, 7, 10, 3, 5, 1, 8, 6};
	struct vec v, out;
	struct col_stats st;
	size_t len;
	vec_init(&v, TYPE_STRING);
	vec_init(&out, TYPE_STRING);
	for (size_t i = 0; i < nv; i++) {
		struct value x = vals[i] ? value_string(vals[i], strlen(vals[i])) : value_null(TYPE_STRING);
		vec_push(&v, &x);
	}
	CHECK_OK(round_trip(&v, rows, nv, &out, &st, &len));
	CHECK_INT(st.nulls, 2);
	CHECK(!st.min.is_null && st.min.s.len == 0);
	CHECK(st.max.s.len == strlen(vals[5]) && !memcmp(st.max.s.p, vals[5], st.max.s.len));
	for (size_t k = 0; k < nv; k++) {
		const char *want = vals[rows[k]];
		CHECK(out.nulls[k] == !want);
		if (want)
			CHECK(out.str[k].len == strlen(want) && !memcmp(out.str[k].p, want, out.str[k].len));
	}
	vec_free(&out);
	/* Without the two extremes: the bounds are decided by the first
	 * byte that differs, within the first eight or past them. */
	uint32_t some[] = {3, 8, 0, 10, 1, 4};
	vec_init(&out, TYPE_STRING);
	CHECK_OK(round_trip(&v, some, 6, &out, &st, &len));
	CHECK(st.min.s.len == strlen(vals[10]) && !memcmp(st.min.s.p, vals[10], st.min.s.len));
	uint32_t later[] = {4, 0, 3, 1};
	vec_free(&out);
	vec_init(&out, TYPE_STRING);
	CHECK_OK(round_trip(&v, later, 4, &out, &st, &len));
	CHECK(st.min.s.len == strlen(vals[3]) && !memcmp(st.min.s.p, vals[3], st.min.s.len));
	CHECK(st.max.s.len == strlen(vals[4]) && !memcmp(st.max.s.p, vals[4], st.max.s.len));
	vec_free(&out);
	vec_init(&out, TYPE_STRING);
	CHECK_OK(round_trip(&v, some, 6, &out, &st, &len));
	CHECK(st.max.s.len == strlen(vals[8]) && !memcmp(st.max.s.p, vals[8], st.max.s.len));
	vec_free(&out);
	vec_free(&v);
}

/* Short values, where the bounds weigh a word holding a value's bytes and
 * whatever follows it: prefixes, zero bytes, bytes past 0x7f, lengths up
 * to either side of eight, against the order of memcmp then length. */
static int bytes_order(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static void test_string_bounds_short(void)
{
	static const char alphabet[] = {'\0', 'a', (char)0x80, (char)0xff};
	unsigned seed = 7;
	for (int round = 0; round < 200; round++) {
		struct vec v, out;
		struct col_stats st;
		size_t len, n = 1 + (size_t)(round % 40);
		uint32_t rows[40];
		char text[40][12];
		size_t lens[40];
		vec_init(&v, TYPE_BYTES);
		vec_init(&out, TYPE_BYTES);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			lens[i] = (seed >> 16) % 11;
			for (size_t j = 0; j < lens[i]; j++) {
				seed = seed * 1103515245 + 12345;
				text[i][j] = alphabet[(seed >> 16) % 4];
			}
			struct value x = value_bytes(text[i], lens[i]);
			vec_push(&v, &x);
			rows[i] = (uint32_t)(n - 1 - i);
		}
		size_t lo = 0, hi = 0;
		for (size_t i = 1; i < n; i++) {
			if (bytes_order(text[i], lens[i], text[lo], lens[lo]) < 0)
				lo = i;
			if (bytes_order(text[i], lens[i], text[hi], lens[hi]) > 0)
				hi = i;
		}
		CHECK_OK(round_trip(&v, rows, n, &out, &st, &len));
		CHECK(!st.min.is_null && !bytes_order(st.min.s.p, st.min.s.len, text[lo], lens[lo]));
		CHECK(!st.max.is_null && !bytes_order(st.max.s.p, st.max.s.len, text[hi], lens[hi]));
		vec_free(&v);
		vec_free(&out);
	}
}

static void test_truncated_chunk(void)
{
	struct vec v, out;
	struct col_stats st;
	uint32_t rows[] = {0};
	vec_init(&v, TYPE_INT64);
	vec_init(&out, TYPE_INT64);
	struct value x = value_int64(5);
	vec_push(&v, &x);
	struct buf b = BUF_INIT;
	column_encode(&v, rows, 1, true, &b, &st);
	char path[] = "/tmp/pipe-test-column-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, b.data, 4) != 4) /* half of it */
		abort();
	unlink(path);
	CHECK(column_read(fd, 0, 8, 1, false, &out) < 0);
	CHECK(strstr(error_last(), "truncated") != NULL);
	close(fd);
	buf_free(&b);
	vec_free(&v);
	vec_free(&out);
}

/* A packed chunk of seconds whose microseconds would not fit in an
 * INT64 (a damaged chunk: the writer never makes one) is refused, with
 * either delta width. */
static void test_packed_seconds_out_of_range(void)
{
	for (int width = 0; width <= 1; width++) {
		/* width 0: the base itself is past; width 1: the greatest base,
		 * and a second row's delta of 1 takes it past */
		unsigned char chunk[4 + 8 + 2] = {1, (unsigned char)width, 1 /* seconds */, 0};
		int64_t base = INT64_MAX / 1000000 + (width ? 0 : 1);
		memcpy(chunk + 4, &base, 8);
		chunk[12] = 0;
		chunk[13] = 1;
		struct vec out;
		vec_init(&out, TYPE_TIMESTAMP);
		size_t len = 4 + 8 + (width ? 2 : 0);
		CHECK(column_decode(chunk, len, 2, false, &out) < 0);
		CHECK(strstr(error_last(), "out of range") != NULL);
		vec_free(&out);
	}
}

struct pack_case {
	enum type type;
	const char *values[5]; /* NULL: a NULL row */
	size_t len;            /* the chunk's length */
};

/* Values that are small integers pack: the head, a base, deltas of the
 * smallest width, the NULL bytes; they read back bit for bit. */
static void test_packed(void)
{
	static const struct pack_case cases[] = {
		{TYPE_INT64, {"7", "7", "7", "7", "7"}, 4 + 8},                      /* constant */
		{TYPE_INT64, {"1", "2", NULL, "255", "256"}, 4 + 8 + 5 * 1 + 5},     /* range 255: a byte */
		{TYPE_INT64, {"-5", "60000", "0", "1", "2"}, 4 + 8 + 5 * 2},         /* two bytes */
		{TYPE_INT64, {"0", "4000000000", "1", "2", "3"}, 4 + 8 + 5 * 4},     /* four */
		{TYPE_INT64, {"0", "5000000000", "1", "2", "3"}, 4 + 5 * 8},         /* plain */
		{TYPE_TIMESTAMP, {"2019-01-01 00:00:00", "2019-01-01 00:04:15", "2019-01-01 00:00:01", NULL, "2019-01-01"},
		 4 + 8 + 5 + 5},                                                     /* in seconds */
		{TYPE_TIMESTAMP, {"2019-01-01 00:00:00", "2019-01-01 00:00:00.5", NULL, NULL, NULL},
		 4 + 8 + 5 * 4 + 5},                                                 /* microseconds */
		{TYPE_FLOAT64, {"7", "-3", "100", "0", "2"}, 4 + 8 + 5},             /* whole numbers */
		{TYPE_FLOAT64, {"1.65", "0.3", "-0.5", "9.95", NULL}, 4 + 8 + 5 * 2 + 5}, /* cents */
		{TYPE_FLOAT64, {"1.655", "0.3", "0", "0", "0"}, 4 + 5 * 8},          /* not cents */
		{TYPE_FLOAT64, {"-0", "1", "2", "3", "4"}, 4 + 5 * 8},               /* -0 keeps its sign */
		{TYPE_FLOAT64, {"nan", "1", "2", "3", "4"}, 4 + 5 * 8},
		{TYPE_STRING, {"N", "N", "N", "N", "N"}, 4 + 1},                     /* one value */
		{TYPE_STRING, {"N", "N", NULL, "N", "N"}, 4 + 5 * 1 + 4 + 5},        /* a NULL: lengths of a byte */
		{TYPE_STRING, {"2019-01-01", "2019-01-02", "2019-01-03", "2019-01-01", "2019-02-01"},
		 4 + 4 + 5 * 10},                                                    /* one length */
		{TYPE_STRING, {"", "a", "bb", "", "ccc"}, 4 + 5 * 1 + 6},            /* empty strings */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct pack_case *c = &cases[i];
		struct vec v, out;
		struct col_stats st;
		size_t len;
		uint32_t rows[] = {0, 1, 2, 3, 4};
		vec_init(&v, c->type);
		vec_init(&out, c->type);
		for (int k = 0; k < 5; k++) {
			struct value x = value_null(c->type);
			if (c->values[k] && value_parse(c->type, c->values[k], strlen(c->values[k]), &x) < 0)
				abort();
			vec_push(&v, &x);
		}
		CHECK_OK(round_trip(&v, rows, 5, &out, &st, &len));
		if (len != c->len)
			T_FAIL("case %zu: a chunk of %zu bytes, expected %zu", i, len, c->len);
		/* the bounds, whichever way the chunk was written: the least and
		 * greatest non-NULL values; none when a NaN is there */
		struct value lo = value_null(c->type), hi = value_null(c->type);
		bool nan = false;
		for (size_t k = 0; k < 5; k++) {
			struct value x = vec_get(&v, k);
			nan = nan || (c->type == TYPE_FLOAT64 && !x.is_null && isnan(x.f));
			if (x.is_null || nan)
				continue;
			if (lo.is_null || value_order(&x, &lo) < 0)
				lo = x;
			if (hi.is_null || value_order(&x, &hi) > 0)
				hi = x;
		}
		if (nan)
			lo = hi = value_null(c->type);
		if (!value_same(&st.min, &lo) || !value_same(&st.max, &hi) || st.min.type != c->type)
			T_FAIL("case %zu: wrong bounds", i);
		for (size_t k = 0; k < 5; k++) {
			CHECK_INT(out.nulls[k], v.nulls[k]);
			if (type_is_string(c->type))
				CHECK(v.nulls[k] || (out.str[k].len == v.str[k].len && !memcmp(out.str[k].p, v.str[k].p, v.str[k].len)));
			else if (memcmp(&out.i64[k], &v.i64[k], 8) != 0)
				T_FAIL("case %zu: row %zu reads back different bits", i, k);
		}
		vec_free(&v);
		vec_free(&out);
	}
}

/* FLOAT64 amounts in cents decode to the very doubles written: delta
 * widths 1, 2 and 4, odd counts (a row past the pairs), and q at and past
 * int32's ends, where the decoder divides one value at a time. */
/* Lengths past a byte take two; a chunk whose lengths do not add up to
 * its bytes is refused; a chunk of offsets, as pipe wrote strings before
 * format 4, still reads. */
static void test_string_lengths(void)
{
	struct vec v, out;
	struct col_stats st;
	size_t len;
	uint32_t rows[] = {0, 1, 2};
	char longer[300];
	memset(longer, 'x', sizeof longer);
	vec_init(&v, TYPE_STRING);
	vec_init(&out, TYPE_STRING);
	struct value a = value_string("ab", 2), b = value_string(longer, sizeof longer), c = value_null(TYPE_STRING);
	vec_push(&v, &a);
	vec_push(&v, &b);
	vec_push(&v, &c);
	CHECK_OK(round_trip(&v, rows, 3, &out, &st, &len));
	CHECK_INT(len, 4 + 3 * 2 + 302 + 3);
	CHECK_INT(out.str[1].len, 300);
	CHECK(out.nulls[2] && !out.nulls[0]);

	struct buf chunk = BUF_INIT;
	column_encode(&v, rows, 3, true, &chunk, &st);
	chunk.data[4] = 3; /* "ab" said to be 3 long: 303 bytes where 302 are */
	CHECK(column_decode(chunk.data, chunk.len, 3, true, &out) < 0);
	CHECK(strstr(error_last(), "bad string lengths") != NULL);
	chunk.data[4] = 2;
	CHECK(column_decode(chunk.data, chunk.len - 1, 3, true, &out) < 0);
	buf_free(&chunk);

	/* offsets 0, 2, 5 over "abcde", no NULL */
	unsigned char old[4 + 3 * 4 + 5] = {0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'};
	CHECK_OK(column_decode(old, sizeof old, 2, false, &out));
	CHECK(out.str[0].len == 2 && !memcmp(out.str[0].p, "ab", 2));
	CHECK(out.str[1].len == 3 && !memcmp(out.str[1].p, "cde", 3));
	vec_free(&v);
	vec_free(&out);
}

static void test_packed_cents(void)
{
	static const struct {
		int64_t first, step;
		int n;
	} cases[] = {
		{1234, 1, 7}, {-50000, 97, 9}, {-100000000, 12345, 11}, {2147483647 - 4, 1, 5},
		{-2147483647LL - 1, 1, 3}, {2147483647, 1, 3}, {-2147483647LL - 2, 1, 3}, {-3, 1, 1},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct vec v, out;
		vec_init(&v, TYPE_FLOAT64);
		vec_init(&out, TYPE_FLOAT64);
		uint32_t rows[16];
		int n = cases[c].n;
		for (int k = 0; k < n; k++) {
			int64_t q = cases[c].first + (k * 5 % n) * cases[c].step;
			struct value x = value_float64((double)q / 100);
			vec_push(&v, &x);
			rows[k] = (uint32_t)k;
		}
		struct buf b = BUF_INIT;
		struct col_stats st;
		column_encode(&v, rows, (size_t)n, true, &b, &st);
		CHECK(b.len > 3 && b.data[0] == 1 && b.data[2] == 3); /* packed, in cents */
		buf_free(&b);
		size_t len;
		CHECK_OK(round_trip(&v, rows, (size_t)n, &out, &st, &len));
		CHECK_INT(out.count, n);
		for (int k = 0; k < n && out.count == (size_t)n; k++)
			CHECK(memcmp(&out.f64[k], &v.f64[k], sizeof(double)) == 0);
		vec_free(&v);
		vec_free(&out);
	}
}

int main(void)
{
	RUN(test_every_type);
	RUN(test_stats_edge_cases);
	RUN(test_string_bounds_short);
	RUN(test_string_bounds_scattered);
	RUN(test_packed);
	RUN(test_packed_cents);
	/* again through the loops a CPU without AVX2 takes */
	column_without_avx2();
	RUN(test_packed);
	RUN(test_packed_cents);
	RUN(test_string_lengths);
	RUN(test_truncated_chunk);
	RUN(test_packed_seconds_out_of_range);
	T_DONE();
}
