/* column: the chunk encodings (the layout is also in docs/table-format.md).
 *
 * A chunk holds one column's values for one block, little-endian.  It
 * starts with four bytes: the encoding, then two bytes that depend on it,
 * then a zero.
 *
 *   plain (0)     fixed-width types: data[rows * width], then nulls[rows] if
 *                 any is NULL (BOOL 1 byte, DATE 4, INT64/FLOAT64/DATETIME/
 *                 TIMESTAMP 8, NUMERIC 16 two's complement; a NULL row
 *                 holds 0).  STRING/BYTES/JSON (written by pipe before
 *                 format 4, still read): uint32 offsets[rows + 1] into the
 *                 bytes that follow, the bytes, then nulls[rows] if any is
 *                 NULL.
 *   packed (1)    INT64, DATETIME, TIMESTAMP, FLOAT64 whose values are
 *                 integers q of a small range: byte 1 is the width of each
 *                 delta (0, 1, 2 or 4 bytes), byte 2 the scale; then int64
 *                 base, deltas[rows] (q = base + delta; 0 for a NULL row),
 *                 nulls[rows] if any is NULL.  The value is q (scale 0), q *
 *                 1000000 (scale 1: times in whole seconds), (double)q
 *                 (scale 2: whole numbers) or (double)q / 100 (scale 3:
 *                 amounts in cents, kept only when that gives back the very
 *                 same double).  Width 0: every value is base.
 *   constant (2)  STRING, BYTES, JSON with no NULL and one value: its bytes.
 *   lengths (3)   STRING, BYTES, JSON: byte 1 is the width of each length
 *                 (0, 1, 2 or 4 bytes); width 0: one uint32, the length of
 *                 every row; else lengths[rows]; then each row's bytes in
 *                 turn, then nulls[rows] if any is NULL (a NULL row's
 *                 length is 0).  A table's strings are mostly short codes
 *                 and amounts as text, or times of one length: their
 *                 offsets were most of a chunk.
 *
 * nulls[i] is 1 for a NULL row, 0 otherwise; whether a chunk has a nulls
 * array is known from the block's null count.  The writer picks the
 * smallest encoding that applies; the same values give the same bytes. */
#include "column.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the column encodings assume a little-endian machine"
#endif

static inline int str_order(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	/* Most pairs a table's bounds compare differ in the first byte, or in
	 * the first eight (times, amounts and codes as text share a prefix):
	 * those compare as big-endian words, without a call. */
	if (n >= 8) {
		uint64_t x, y;
		memcpy(&x, a.p, 8);
		memcpy(&y, b.p, 8);
		if (x != y)
			return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
	} else if (n && a.p[0] != b.p[0]) {
		return (unsigned char)a.p[0] - (unsigned char)b.p[0];
	}
	int c = n ? memcmp(a.p, b.p, n) : 0;
	return c ? c : (a.len > b.len) - (a.len < b.len);
}

/* A string's first eight bytes as a big-endian word, the bytes past its
 * end masked off: two strings whose words differ are ordered as their
 * words.  s.p must have eight readable bytes. */
static inline uint64_t str_key(struct str s)
{
	uint64_t x;
	memcpy(&x, s.p, 8);
	x = __builtin_bswap64(x);
	return s.len >= 8 ? x : s.len ? x & (~UINT64_C(0) << (64 - 8 * s.len)) : 0;
}

/* The order of two strings whose words tie: by length when both end
 * within the word (one is then the other's prefix, or they are equal). */
static inline int str_tie(struct str a, struct str b)
{
	if (a.len <= 8 && b.len <= 8)
		return (a.len > b.len) - (a.len < b.len);
	return str_order(a, b);
}

static void stats_minmax(const struct vec *v, const uint32_t *rows, size_t n, struct col_stats *st)
{
	st->min = value_null(v->type);
	st->max = value_null(v->type);
	if (v->type == TYPE_JSON)
		return; /* JSON has no order */
	bool found = false;
	size_t lo = 0, hi = 0;
	/* The common fixed-width types compare natively: this runs over every
	 * value a table writes. */
	switch (v->type) {
	case TYPE_INT64:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (v->i64[r] < v->i64[lo]) {
				lo = r;
			} else if (v->i64[r] > v->i64[hi]) {
				hi = r;
			}
		}
		break;
	case TYPE_FLOAT64:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			if (v->f64[r] != v->f64[r])
				return; /* a NaN: no bounds, rather than ones a NaN row escapes */
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (v->f64[r] < v->f64[lo]) {
				lo = r;
			} else if (v->f64[r] > v->f64[hi]) {
				hi = r;
			}
		}
		break;
	case TYPE_STRING:
	case TYPE_BYTES:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			if (v->str[r].len > COLUMN_STATS_MAX_STR)
				return; /* no bounds rather than a wrong one */
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (str_order(v->str[r], v->str[lo]) < 0) {
				lo = r;
			} else if (str_order(v->str[r], v->str[hi]) > 0) {
				hi = r;
			}
		}
		break;
	default:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			struct value x = vec_get(v, r);
			if (type_is_string(v->type) && x.s.len > COLUMN_STATS_MAX_STR)
				return; /* no bounds rather than a wrong one */
			if (!found) {
				lo = hi = r;
				found = true;
				continue;
			}
			struct value a = vec_get(v, lo), b = vec_get(v, hi);
			if (value_order(&x, &a) < 0)
				lo = r;
			else if (value_order(&x, &b) > 0)
				hi = r;
		}
		break;
	}
	if (found) {
		st->min = vec_get(v, lo);
		st->max = vec_get(v, hi);
	}
}

enum { ENC_PLAIN, ENC_PACKED, ENC_CONST, ENC_LENGTHS };
enum { SCALE_INT, SCALE_SECONDS, SCALE_WHOLE, SCALE_CENTS };
#define CHUNK_HEAD 4
#define PACKED_HEAD (CHUNK_HEAD + 8)

static void put_head(struct buf *out, int enc, int a, int b)
{
	char head[CHUNK_HEAD] = {(char)enc, (char)a, (char)b, 0};
	buf_add(out, head, CHUNK_HEAD);
}

/* Stores value (an expression of k) for k in [0, n) as width-byte
 * integers at dst (width 1, 2 or 4; 0 stores nothing): a packed chunk's
 * deltas and a lengths chunk's lengths.  UNPACK_ROWS below reads them. */
#define PACK_ROWS(dst, width, n, value)                                      \
	do {                                                                 \
		if ((width) == 1) {                                          \
			for (size_t k = 0; k < (n); k++)                     \
				(dst)[k] = (unsigned char)(value);           \
		} else if ((width) == 2) {                                   \
			for (size_t k = 0; k < (n); k++) {                   \
				uint16_t x_ = (uint16_t)(value);             \
				memcpy((dst) + 2 * k, &x_, 2);               \
			}                                                    \
		} else if ((width) == 4) {                                   \
			for (size_t k = 0; k < (n); k++) {                   \
				uint32_t x_ = (uint32_t)(value);             \
				memcpy((dst) + 4 * k, &x_, 4);               \
			}                                                    \
		}                                                            \
	} while (0)

/* The values of rows as integers q (NULL rows 0) and their scale, when
 * every non-NULL value is one exactly; false otherwise.  Runs over every
 * value a table writes: one pass, no calls. */
static bool as_integers(const struct vec *v, const uint32_t *rows, size_t n, bool has_nulls, int64_t *q,
                        int *scale)
{
	if (v->type == TYPE_FLOAT64) {
		bool whole = true;
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			double f = v->f64[r];
			q[k] = 0;
			if (has_nulls && v->nulls[r])
				continue;
			/* also false for NaN and the infinities */
			if (!(f > -1e15 && f < 1e15))
				return false;
			double s = f * 100;
			int64_t c = (int64_t)(s < 0 ? s - 0.5 : s + 0.5);
			double back = (double)c / 100;
			if (memcmp(&back, &f, sizeof f) != 0)
				return false; /* not in cents, or -0 */
			whole = whole && c % 100 == 0;
			q[k] = c;
		}
		*scale = whole ? SCALE_WHOLE : SCALE_CENTS;
		if (whole)
			for (size_t k = 0; k < n; k++)
				q[k] /= 100;
		return true;
	}
	bool seconds = v->type != TYPE_INT64;
	if (has_nulls)
		for (size_t k = 0; k < n; k++)
			q[k] = v->nulls[rows[k]] ? 0 : v->i64[rows[k]];
	else
		for (size_t k = 0; k < n; k++)
			q[k] = v->i64[rows[k]];
	for (size_t k = 0; k < n && seconds; k++)
		seconds = q[k] % US_PER_SEC == 0;
	*scale = seconds ? SCALE_SECONDS : SCALE_INT;
	if (seconds)
		for (size_t k = 0; k < n; k++)
			q[k] /= US_PER_SEC;
	return true;
}

/* The value of integer q at a packed chunk's scale. */
static struct value packed_value(enum type t, int64_t q, int scale)
{
	struct value x = value_null(t);
	x.is_null = false;
	switch (scale) {
	case SCALE_SECONDS: x.us = q * US_PER_SEC; break;
	case SCALE_WHOLE: x.f = (double)q; break;
	case SCALE_CENTS: x.f = (double)q / 100; break;
	default: x.i = q; break;
	}
	return x;
}

/* Appends the packed chunk of INT64/DATETIME/TIMESTAMP/FLOAT64 values, or
 * returns false when they do not pack.  The smallest and largest values
 * come with it (q is monotonic in the value: no NaN, no -0 packs), so st's
 * bounds need no other pass. */
static bool encode_packed(const struct vec *v, const uint32_t *rows, size_t n, bool has_nulls, struct buf *out,
                          struct col_stats *st)
{
	int64_t stack[BATCH_ROWS], *q = n <= BATCH_ROWS ? stack : xmalloc(n * sizeof *q);
	int scale;
	bool ok = false;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	if (!as_integers(v, rows, n, has_nulls, q, &scale))
		goto done;
	if (!has_nulls) {
		for (size_t k = 0; k < n; k++) {
			lo = q[k] < lo ? q[k] : lo;
			hi = q[k] > hi ? q[k] : hi;
		}
	} else {
		for (size_t k = 0; k < n; k++)
			if (!v->nulls[rows[k]]) {
				lo = q[k] < lo ? q[k] : lo;
				hi = q[k] > hi ? q[k] : hi;
			}
	}
	if (lo > hi)
		lo = hi = 0; /* every value NULL */
	if (hi >= 0 && lo < 0 && hi - (uint64_t)lo > (uint64_t)INT64_MAX)
		goto done; /* the range overflows */
	uint64_t range = (uint64_t)hi - (uint64_t)lo;
	int width = range == 0 ? 0 : range <= 0xff ? 1 : range <= 0xffff ? 2 : range <= 0xffffffffu ? 4 : 8;
	if (width == 8)
		goto done;
	put_head(out, ENC_PACKED, width, scale);
	buf_add(out, &lo, 8);
	buf_grow(out, n * (size_t)width);
	unsigned char *dst = (unsigned char *)out->data + out->len;
	/* NULL rows: q is 0, their delta anything; make it 0 */
	if (has_nulls)
		for (size_t k = 0; k < n; k++)
			if (v->nulls[rows[k]])
				q[k] = lo;
	PACK_ROWS(dst, width, n, (uint64_t)q[k] - (uint64_t)lo);
	out->len += n * (size_t)width;
	out->data[out->len] = '\0';
	st->min = packed_value(v->type, lo, scale); /* (all NULL: the caller clears them) */
	st->max = packed_value(v->type, hi, scale);
	ok = true;
done:
	if (q != stack)
		free(q);
	return ok;
}

/* Equal strings; the same pointer first: the writer shares a repeated
 * value's copy, and most strings compared here are a byte or two. */
static inline bool str_same(struct str a, struct str b)
{
	if (a.len != b.len)
		return false;
	if (a.p == b.p)
		return true;
	if (a.len > 16)
		return memcmp(a.p, b.p, a.len) == 0;
	for (size_t i = 0; i < a.len; i++)
		if (a.p[i] != b.p[i])
			return false;
	return true;
}

/* A STRING/BYTES/JSON chunk of lengths and bytes, and st's bounds; the
 * strings' bytes.  The rows come in any order (a sorted table's are
 * scattered over its values): each row's struct str is read from the vec
 * once, into g, and the copy and the bounds run over g in order rather
 * than gathering again. */
static uint64_t string_lengths(const struct vec *v, const uint32_t *rows, size_t n, struct buf *out,
                               struct col_stats *st)
{
	struct str stack[BATCH_ROWS], *g = n <= BATCH_ROWS ? stack : xmalloc(n * sizeof *g);
	uint64_t off = 0;
	size_t shortest = SIZE_MAX, longest = 0;
	bool bounds = st && (v->type == TYPE_STRING || v->type == TYPE_BYTES);
	for (size_t k = 0; k < n; k++) {
		uint32_t r = rows[k];
		/* a NULL row: no bytes, and p NULL marks it for the bounds */
		g[k] = v->nulls[r] ? (struct str){NULL, 0} : v->str[r];
		off += g[k].len;
		shortest = g[k].len < shortest ? g[k].len : shortest;
		longest = g[k].len > longest ? g[k].len : longest;
	}
	int width = n == 0 || shortest == longest ? 0 : longest <= 0xff ? 1 : longest <= 0xffff ? 2 : 4;
	put_head(out, ENC_LENGTHS, width, 0);
	if (width == 0) {
		uint32_t len = n ? (uint32_t)longest : 0;
		buf_add(out, &len, 4);
	} else {
		buf_grow(out, n * (size_t)width);
		unsigned char *at = (unsigned char *)out->data + out->len;
		PACK_ROWS(at, width, n, g[k].len);
		out->len += n * (size_t)width;
	}
	/* 8 bytes past the text: the bounds below read a word at each value */
	buf_grow(out, off + 8);
	char *dst = out->data + out->len;
	const char *text = dst;
	/* Strings that lie back to back (rows in order, as a merge hands
	 * them) go in one memcpy: most are a few bytes. */
	const char *run = NULL;
	size_t run_len = 0;
	for (size_t k = 0; k < n; k++) {
		struct str s = g[k];
		if (!s.len)
			continue;
		if (run && s.p == run + run_len) {
			run_len += s.len;
			continue;
		}
		if (run_len)
			memcpy(dst, run, run_len);
		dst += run_len;
		run = s.p;
		run_len = s.len;
	}
	if (run_len)
		memcpy(dst, run, run_len);
	out->len += off;
	out->data[out->len] = '\0';
	if (bounds) {
		/* as stats_minmax: no bounds when a value is too long for them.
		 * The values lie back to back in text now: each is weighed by
		 * its first eight bytes as one word, and in full only when those
		 * tie (most values of a column tie with its bounds). */
		size_t lo = n, hi = n;
		struct str lo_s = {NULL, 0}, hi_s = {NULL, 0};
		uint64_t lo_key = 0, hi_key = 0;
		const char *at = text;
		st->min = st->max = value_null(v->type);
		for (size_t k = 0; k < n; k++) {
			struct str s = {at, g[k].len};
			at += s.len;
			/* an empty string's p may be NULL too: its row says */
			if (!g[k].p && v->nulls[rows[k]])
				continue;
			if (s.len > COLUMN_STATS_MAX_STR) {
				lo = n;
				break;
			}
			uint64_t key = str_key(s);
			if (lo == n) {
				lo = hi = k;
				lo_key = hi_key = key;
				lo_s = hi_s = s;
			} else if (key != lo_key ? key < lo_key : str_tie(s, lo_s) < 0) {
				lo = k;
				lo_key = key;
				lo_s = s;
			} else if (key != hi_key ? key > hi_key : str_tie(s, hi_s) > 0) {
				hi = k;
				hi_key = key;
				hi_s = s;
			}
		}
		if (lo < n) {
			st->min = vec_get(v, rows[lo]);
			st->max = vec_get(v, rows[hi]);
		}
	} else if (st) {
		stats_minmax(v, rows, n, st);
	}
	if (g != stack)
		free(g);
	return off;
}

uint64_t column_encode(const struct vec *v, const uint32_t *rows, size_t n, bool maybe_nulls, struct buf *out,
                       struct col_stats *st)
{
	uint64_t nulls = 0, bytes = 0;
	bool packed = false, strings_done = false;
	if (maybe_nulls)
		for (size_t k = 0; k < n; k++)
			nulls += v->nulls[rows[k]];
	if (type_is_string(v->type)) {
		bool same = n > 0 && nulls == 0;
		const struct str first = n ? v->str[rows[0]] : (struct str){NULL, 0};
		for (size_t k = 1; k < n && same; k++)
			same = str_same(v->str[rows[k]], first);
		if (same) {
			struct value x = vec_get(v, rows[0]);
			put_head(out, ENC_CONST, 0, 0);
			buf_add(out, x.s.p, x.s.len);
			bytes = st ? n * bytes_value(&x) : 0;
		} else {
			uint64_t text = string_lengths(v, rows, n, out, st);
			strings_done = true;
			/* a string's logical size is its length plus a fixed cost */
			struct value empty = {.type = v->type};
			bytes = text + (n - nulls) * bytes_value(&empty);
		}
	} else {
		size_t w = type_width(v->type);
		bool packable = v->type == TYPE_INT64 || v->type == TYPE_FLOAT64 || v->type == TYPE_DATETIME ||
		                v->type == TYPE_TIMESTAMP;
		/* A run read back once packs only its integers: checking that
		 * doubles are in cents costs more than the bytes it saves. */
		struct col_stats unused;
		if (st)
			packed = packable && encode_packed(v, rows, n, nulls > 0, out, st);
		else
			packed = packable && v->type != TYPE_FLOAT64 &&
			         encode_packed(v, rows, n, nulls > 0, out, &unused);
		if (!packed) {
			put_head(out, ENC_PLAIN, 0, 0);
			buf_grow(out, n * w);
			char *dst = out->data + out->len;
			const char *src = v->data;
			switch (w) {
			case 1:
				for (size_t k = 0; k < n; k++)
					dst[k] = src[rows[k]];
				break;
			case 8:
				for (size_t k = 0; k < n; k++)
					memcpy(dst + k * 8, src + (size_t)rows[k] * 8, 8);
				break;
			default:
				for (size_t k = 0; k < n; k++)
					memcpy(dst + k * w, src + (size_t)rows[k] * w, w);
				break;
			}
			/* NULL rows hold zeros so that equal tables are equal bytes. */
			if (nulls)
				for (size_t k = 0; k < n; k++)
					if (v->nulls[rows[k]])
						memset(dst + k * w, 0, w);
			out->len += n * w;
			out->data[out->len] = '\0';
		}
		struct value one = {.type = v->type};
		bytes = (n - nulls) * bytes_value(&one);
	}
	if (nulls) {
		buf_grow(out, n);
		for (size_t k = 0; k < n; k++)
			out->data[out->len + k] = (char)v->nulls[rows[k]];
		out->len += n;
		out->data[out->len] = '\0';
	}
	if (st) {
		st->nulls = nulls;
		st->bytes = bytes;
		if (nulls == n)
			st->min = st->max = value_null(v->type);
		else if (!packed && !strings_done)
			stats_minmax(v, rows, n, st);
	}
	return nulls;
}

static int bad_chunk(const char *why) { return error_set("reading a column chunk: %s", why); }

/* The values of a packed chunk: a loop per width and scale, each row's
 * value straight from its delta, as a full scan spends most of its
 * decoding here.  d is the row's delta (or, in a lengths chunk, its
 * length): what PACK_ROWS stored.  _FROM starts at row from (the rows
 * before decoded otherwise). */
#define UNPACK_ROWS(store) UNPACK_ROWS_FROM(0, store)
#define UNPACK_ROWS_FROM(from, store)                                       \
	do {                                                                \
		if (width == 1) {                                           \
			for (uint32_t i = (from); i < rows; i++) {          \
				uint64_t d = p[i];                          \
				store;                                      \
			}                                                   \
		} else if (width == 2) {                                    \
			for (uint32_t i = (from); i < rows; i++) {          \
				uint16_t x;                                 \
				memcpy(&x, p + 2 * (size_t)i, 2);           \
				uint64_t d = x;                             \
				store;                                      \
			}                                                   \
		} else if (width == 4) {                                    \
			for (uint32_t i = (from); i < rows; i++) {          \
				uint32_t x;                                 \
				memcpy(&x, p + 4 * (size_t)i, 4);           \
				uint64_t d = x;                             \
				store;                                      \
			}                                                   \
		} else {                                                    \
			for (uint32_t i = (from); i < rows; i++) {          \
				uint64_t d = 0;                             \
				store;                                      \
			}                                                   \
		}                                                           \
	} while (0)

#ifdef HAVE_AVX2_PATH
/* Where the CPU has AVX2 (checked once, at run time; the build targets
 * plain x86-64): the deltas widened four at a time, and four amounts a
 * division where SSE2 does two.  The same integers and doubles as the
 * loops around them, each quotient IEEE's correctly rounded one. */
static int use_avx2 = -1;

static bool avx2(void)
{
	int on = __atomic_load_n(&use_avx2, __ATOMIC_RELAXED);
	if (on < 0) { /* any thread may be first: each finds the same */
		on = __builtin_cpu_supports("avx2") ? 1 : 0;
		__atomic_store_n(&use_avx2, on, __ATOMIC_RELAXED);
	}
	return on;
}

/* Deltas i to i + 3 of width 1, 2 or 4 bytes, as four uint32 */
__attribute__((target("avx2"))) static inline __m128i deltas4(const unsigned char *p, uint32_t i, int width)
{
	if (width == 1) {
		int32_t x;
		memcpy(&x, p + i, 4);
		return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(x));
	}
	if (width == 2)
		return _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(p + 2 * (size_t)i)));
	return _mm_loadu_si128((const __m128i *)(const void *)(p + 4 * (size_t)i));
}

/* The first rows - rows % 4 values: base + delta as int64. */
__attribute__((target("avx2"))) static uint32_t ints4(int64_t *out, const unsigned char *p, uint32_t rows,
                                                      int width, uint64_t base)
{
	const __m256i b = _mm256_set1_epi64x((int64_t)base);
	uint32_t i = 0;
	for (; i + 4 <= rows; i += 4) {
		__m256i w = _mm256_cvtepu32_epi64(deltas4(p, i, width));
		_mm256_storeu_si256((__m256i *)(void *)(out + i), _mm256_add_epi64(w, b));
	}
	return i;
}

/* The first rows - rows % 4 amounts (b + delta) / 100, every b + delta an
 * int32 (unpack_cents2 checked). */
__attribute__((target("avx2"))) static uint32_t cents4(double *out, const unsigned char *p, uint32_t rows,
                                                       int width, int32_t b)
{
	const __m256d hundred = _mm256_set1_pd(100.0);
	const __m128i base = _mm_set1_epi32(b);
	uint32_t i = 0;
	for (; i + 4 <= rows; i += 4) {
		__m256d q = _mm256_cvtepi32_pd(_mm_add_epi32(deltas4(p, i, width), base));
		_mm256_storeu_pd(out + i, _mm256_div_pd(q, hundred));
	}
	return i;
}
#endif

/* Amounts in cents two at a time: a division a value was most of a full
 * scan's decoding, and one divpd divides two at the cost of one divsd.
 * Each lane is IEEE's correctly rounded quotient, as the scalar division:
 * the same doubles.  Only where every q fits an int32 (SSE2 converts no
 * wider); false otherwise, or without SSE2. */
static bool unpack_cents2(double *out, const unsigned char *p, uint32_t rows, int width, uint64_t base)
{
#ifdef __SSE2__
	int64_t b = (int64_t)base, dmax = width == 4 ? (int64_t)UINT32_MAX : width ? ((int64_t)1 << (8 * width)) - 1 : 0;
	if (b < INT32_MIN || b > INT32_MAX - dmax)
		return false;
	const __m128d hundred = _mm_set1_pd(100.0);
	uint32_t i = 0;
#ifdef HAVE_AVX2_PATH
	if (width && avx2())
		i = cents4(out, p, rows, width, (int32_t)b);
#endif
#define CENTS2(T)                                                                             \
	for (; i + 2 <= rows; i += 2) {                                                        \
		T d[2];                                                                        \
		memcpy(d, p + sizeof(T) * (size_t)i, sizeof d);                                \
		__m128i q = _mm_set_epi32(0, 0, (int32_t)(b + (int64_t)d[1]), (int32_t)(b + (int64_t)d[0])); \
		_mm_storeu_pd(out + i, _mm_div_pd(_mm_cvtepi32_pd(q), hundred));               \
	}                                                                                      \
	for (; i < rows; i++) {                                                                \
		T d;                                                                           \
		memcpy(&d, p + sizeof(T) * (size_t)i, sizeof d);                               \
		out[i] = (double)(b + (int64_t)d) / 100;                                       \
	}
	switch (width) {
	case 1: CENTS2(uint8_t) break;
	case 2: CENTS2(uint16_t) break;
	case 4: CENTS2(uint32_t) break;
	default: return false;
	}
#undef CENTS2
	return true;
#else
	(void)out, (void)p, (void)rows, (void)width, (void)base;
	return false;
#endif
}

/* False when a value is out of range (a damaged chunk). */
static bool unpack(struct vec *out, const unsigned char *p, uint32_t rows, int width, int scale)
{
	uint64_t base;
	memcpy(&base, p, 8);
	p += 8;
	bool in_range = true;
	switch (scale) {
	case SCALE_SECONDS: {
		const int64_t lo = INT64_MIN / US_PER_SEC, hi = INT64_MAX / US_PER_SEC;
		/* wrapped (unsigned) when out of range: the chunk is refused */
		UNPACK_ROWS(int64_t q = (int64_t)(base + d); in_range &= q >= lo && q <= hi;
			    out->i64[i] = (int64_t)((uint64_t)q * US_PER_SEC));
		break;
	}
	case SCALE_WHOLE: UNPACK_ROWS(out->f64[i] = (double)(int64_t)(base + d)); break;
	case SCALE_CENTS:
		if (!unpack_cents2(out->f64, p, rows, width, base))
			UNPACK_ROWS(out->f64[i] = (double)(int64_t)(base + d) / 100);
		break;
	default: {
		uint32_t done = 0;
#ifdef HAVE_AVX2_PATH
		if (width && avx2())
			done = ints4(out->i64, p, rows, width, base);
#endif
		UNPACK_ROWS_FROM(done, out->i64[i] = (int64_t)(base + d));
		break;
	}
	}
	return in_range;
}

/* floor(a / b) and ceil(a / b) for b > 0 (C's division truncates). */
static int64_t div_floor(int64_t a, int64_t b) { return a / b - (a % b < 0); }
static int64_t div_ceil(int64_t a, int64_t b) { return a / b + (a % b > 0); }

/* pass[i] &= d[i] - dlo <= dhi - dlo, unsigned: a loop per delta width. */
#define RANGE_ROWS(T)                                                              \
	do {                                                                       \
		T from = (T)dlo, span = (T)(dhi - dlo);                            \
		for (uint32_t i = 0; i < rows; i++) {                              \
			T x;                                                       \
			memcpy(&x, p + sizeof(T) * (size_t)i, sizeof(T));          \
			pass[i] &= (uint8_t)((T)(x - from) <= span);                \
		}                                                                  \
	} while (0)

int column_range_rows(const void *data, uint64_t length, uint32_t rows, bool has_nulls, enum type type, int64_t lo,
                      int64_t hi, uint8_t *pass)
{
	const unsigned char *chunk = data;
	if (length < PACKED_HEAD || chunk[0] != ENC_PACKED)
		return 0;
	int width = chunk[1], scale = chunk[2];
	bool ints = type == TYPE_INT64 || type == TYPE_DATETIME || type == TYPE_TIMESTAMP;
	if (!ints || (scale != SCALE_INT && scale != SCALE_SECONDS) ||
	    (width != 0 && width != 1 && width != 2 && width != 4))
		return 0;
	uint64_t nulls_len = has_nulls ? rows : 0;
	if (length - PACKED_HEAD != (uint64_t)rows * (uint64_t)width + nulls_len)
		return 0; /* column_decode says what is wrong */
	/* the values' range as the stored q, whose value is q or q seconds */
	int64_t qlo = lo, qhi = hi;
	if (scale == SCALE_SECONDS) {
		qlo = div_ceil(lo, US_PER_SEC);
		qhi = div_floor(hi, US_PER_SEC);
	}
	int64_t base;
	memcpy(&base, chunk + CHUNK_HEAD, 8);
	const unsigned char *p = chunk + PACKED_HEAD;
	/* the deltas' range: q = base + delta, delta in [0, 2^(8 width)) */
	int64_t dmax = width == 4 ? (int64_t)UINT32_MAX : width ? ((int64_t)1 << (8 * width)) - 1 : 0;
	__int128 dlo = (__int128)qlo - base, dhi = (__int128)qhi - base;
	if (dlo < 0)
		dlo = 0;
	if (dhi > dmax)
		dhi = dmax;
	if (dlo > dhi) {
		memset(pass, 0, rows);
		return 1;
	}
	switch (width) {
	case 0: break; /* every delta is 0, in [dlo, dhi] */
	case 1: RANGE_ROWS(uint8_t); break;
	case 2: RANGE_ROWS(uint16_t); break;
	default: RANGE_ROWS(uint32_t); break;
	}
	if (has_nulls) {
		const unsigned char *nulls = p + (size_t)rows * (size_t)width;
		for (uint32_t i = 0; i < rows; i++)
			pass[i] &= (uint8_t)!nulls[i];
	}
	return 1;
}
#undef RANGE_ROWS

void column_without_avx2(void)
{
#ifdef HAVE_AVX2_PATH
	__atomic_store_n(&use_avx2, 0, __ATOMIC_RELAXED);
#endif
}

int column_fetch(int fd, uint64_t offset, uint64_t length, struct vec *out, unsigned char **chunk)
{
	vec_reset(out);
	if (length < CHUNK_HEAD)
		return bad_chunk("too short");
	/* The chunk goes into the vec's arena: strings point into it. */
	*chunk = arena_alloc(&out->arena, length + 1);
	return file_pread(fd, *chunk, length, offset, "a column chunk");
}

int column_read(int fd, uint64_t offset, uint64_t length, uint32_t rows, bool has_nulls,
                struct vec *out)
{
	unsigned char *chunk = NULL;
	int error;
	if ((error = column_fetch(fd, offset, length, out, &chunk)) < 0)
		return error;
	return column_decode(chunk, length, rows, has_nulls, out);
}

int column_decode(const void *data, uint64_t length, uint32_t rows, bool has_nulls, struct vec *out)
{
	const unsigned char *chunk = data;
	out->count = 0;
	vec_reserve(out, rows ? rows : 1);
	if (length < CHUNK_HEAD)
		return bad_chunk("too short");
	int enc = chunk[0], a = chunk[1], b = chunk[2];
	const unsigned char *body = chunk + CHUNK_HEAD;
	uint64_t size = length - CHUNK_HEAD, nulls_len = has_nulls ? rows : 0;
	if (type_is_string(out->type) && enc == ENC_CONST) {
		if (has_nulls)
			return bad_chunk("a constant chunk with NULLs");
		for (uint32_t i = 0; i < rows; i++)
			out->str[i] = (struct str){(const char *)body, size};
		memset(out->nulls, 0, rows);
	} else if (type_is_string(out->type) && enc == ENC_PLAIN) {
		/* a chunk in memory may sit at any address: offsets by memcpy */
		uint64_t head = ((uint64_t)rows + 1) * 4;
		uint32_t from, to;
		if (size < head)
			return bad_chunk("bad string offsets");
		memcpy(&to, body + 4 * (size_t)rows, 4);
		if (head + to + nulls_len != size)
			return bad_chunk("bad string offsets");
		const char *bytes = (const char *)body + head;
		memcpy(&from, body, 4);
		for (uint32_t i = 0; i < rows; i++, from = to) {
			memcpy(&to, body + 4 * ((size_t)i + 1), 4);
			if (to < from)
				return bad_chunk("bad string offsets");
			out->str[i] = (struct str){bytes + from, to - from};
		}
		if (has_nulls)
			memcpy(out->nulls, bytes + to, rows);
		else
			memset(out->nulls, 0, rows);
	} else if (type_is_string(out->type) && enc == ENC_LENGTHS && (a == 0 || a == 1 || a == 2 || a == 4)) {
		uint64_t head = a == 0 ? 4 : (uint64_t)rows * (uint64_t)a, at = 0;
		if (size < head + nulls_len)
			return bad_chunk("bad string lengths");
		const char *bytes = (const char *)body + head;
		uint64_t room = size - head - nulls_len;
		if (a == 0) {
			uint32_t len;
			memcpy(&len, body, 4);
			if ((uint64_t)len * rows != room)
				return bad_chunk("bad string lengths");
			for (uint32_t i = 0; i < rows; i++, at += len)
				out->str[i] = (struct str){bytes + at, len};
		} else {
			/* the sum is checked before any string is read: a length
			 * past the bytes only makes the total wrong */
			const unsigned char *p = body;
			int width = a;
			UNPACK_ROWS(out->str[i].p = bytes + at; out->str[i].len = (size_t)d; at += d);
			if (at != room)
				return bad_chunk("bad string lengths");
		}
		if (has_nulls)
			memcpy(out->nulls, bytes + room, rows);
		else
			memset(out->nulls, 0, rows);
	} else if (!type_is_string(out->type) && enc == ENC_PLAIN) {
		size_t w = type_width(out->type);
		if (size != (uint64_t)rows * w + nulls_len)
			return error_set("reading a column chunk: %llu bytes where %llu were expected",
			                 (unsigned long long)length,
			                 (unsigned long long)(CHUNK_HEAD + (uint64_t)rows * w + nulls_len));
		memcpy(out->data, body, (size_t)rows * w);
		if (has_nulls)
			memcpy(out->nulls, body + (size_t)rows * w, rows);
		else
			memset(out->nulls, 0, rows);
	} else if (enc == ENC_PACKED && (a == 0 || a == 1 || a == 2 || a == 4) &&
	           ((out->type == TYPE_FLOAT64 && (b == SCALE_WHOLE || b == SCALE_CENTS)) ||
	            ((out->type == TYPE_INT64 || out->type == TYPE_DATETIME || out->type == TYPE_TIMESTAMP) &&
	             (b == SCALE_INT || b == SCALE_SECONDS)))) {
		if (size != 8 + (uint64_t)rows * (uint64_t)a + nulls_len)
			return bad_chunk("a packed chunk of the wrong size");
		if (!unpack(out, body, rows, a, b))
			return bad_chunk("a packed value out of range");
		if (has_nulls) {
			memcpy(out->nulls, body + 8 + (size_t)rows * (size_t)a, rows);
			for (uint32_t i = 0; i < rows; i++)
				if (out->nulls[i])
					out->i64[i] = 0; /* as a plain chunk reads: NULL rows hold 0 */
		} else {
			memset(out->nulls, 0, rows);
		}
	} else {
		return bad_chunk("unknown encoding");
	}
	out->count = rows;
	return 0;
}
#undef UNPACK_ROWS
#undef UNPACK_ROWS_FROM
