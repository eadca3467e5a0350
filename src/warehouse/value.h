/* value: BigQuery's types and values, one at a time (struct value): parsing
 * and formatting their canonical text forms, casts, comparison with NULL
 * logic, a total order for sorting, and hashing.  NUMERIC's arithmetic is in
 * numeric.h, the calendar in date.h, a column at a time (struct vec, struct
 * batch) in vec.h: this header includes them, so that their users need
 * only it.
 *
 * Representations:
 *   BOOL       uint8_t 0/1
 *   INT64      int64_t
 *   FLOAT64    double
 *   NUMERIC    numeric_t: the value times 10^9 in an __int128 (38 digits,
 *              9 after the point, as BigQuery's NUMERIC)
 *   DATE       int32_t days since 1970-01-01
 *   DATETIME   int64_t microseconds since 1970-01-01 00:00:00, civil, no zone
 *   TIMESTAMP  int64_t microseconds since the epoch, UTC
 *   STRING, BYTES, JSON   (pointer, length); not NUL-terminated
 *   ARRAY<t>   (pointer, length) of its elements encoded (value_array_*
 *              below): a value of a query only, never of a stored table */
#ifndef PIPE_WAREHOUSE_VALUE_H
#define PIPE_WAREHOUSE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../util.h"
#include "../util.h"
#include "date.h"
#include "numeric.h"

enum type {
	TYPE_NULL = 0, /* an untyped NULL literal; coerces to any type */
	TYPE_BOOL,
	TYPE_INT64,
	TYPE_FLOAT64,
	TYPE_NUMERIC,
	TYPE_STRING,
	TYPE_BYTES,
	TYPE_DATE,
	TYPE_DATETIME,
	TYPE_TIMESTAMP,
	TYPE_JSON,
	TYPE_COUNT,
	/* ARRAY<t> is TYPE_ARRAY + t, t one of the above: an array of arrays
	 * has no type, as in BigQuery */
	TYPE_ARRAY = 32
};

/* "INT64", "FLOAT64", "ARRAY<INT64>" ... as BigQuery writes them in
 * schemas and errors. */
const char *type_name(enum type t);
/* Accepts BigQuery's names and aliases, any case: INT64 INT INTEGER BIGINT
 * SMALLINT TINYINT BYTEINT, FLOAT64 FLOAT, NUMERIC DECIMAL, BOOL BOOLEAN,
 * STRING, BYTES, DATE, DATETIME, TIMESTAMP, JSON.  PIPE_ENOTFOUND if none. */
int type_parse(const char *name, enum type *out);
bool type_is_numeric(enum type t); /* INT64, FLOAT64, NUMERIC */
static inline bool type_is_array(enum type t) { return t >= TYPE_ARRAY; }
static inline enum type type_array_of(enum type elem) { return (enum type)(TYPE_ARRAY + elem); }
static inline enum type type_elem(enum type array) { return (enum type)(array - TYPE_ARRAY); }
/* STRING, BYTES, JSON, and an ARRAY's encoding: (pointer, length), copied
 * and counted as bytes.  Inline: vec_push asks per value. */
static inline bool type_is_string(enum type t)
{
	return t == TYPE_STRING || t == TYPE_BYTES || t == TYPE_JSON || type_is_array(t);
}
/* Bytes per value in a vec's data array (16 for strings: struct str). */
size_t type_width(enum type t);

struct str {
	const char *p;
	size_t len;
};

struct value {
	enum type type;
	bool is_null;
	union {
		uint8_t b;      /* BOOL */
		int64_t i;      /* INT64 */
		double f;       /* FLOAT64 */
		numeric_t n;    /* NUMERIC */
		int32_t days;   /* DATE */
		int64_t us;     /* DATETIME, TIMESTAMP */
		struct str s;   /* STRING, BYTES, JSON, ARRAY: not owned */
	};
};

/* Constructors for the common cases (strings are not copied). */
struct value value_null(enum type t);
struct value value_bool(bool b);
struct value value_int64(int64_t i);
struct value value_float64(double f);
struct value value_numeric(numeric_t n);
struct value value_date(int32_t days);
struct value value_datetime(int64_t us);
struct value value_timestamp(int64_t us);
struct value value_string(const char *p, size_t len);
struct value value_bytes(const char *p, size_t len);
struct value value_json(const char *p, size_t len);

/* Parses text as CAST(string AS t) does in BigQuery: "Bad int64 value: abc",
 * "Invalid timestamp: '...'", PIPE_EUSAGE on failure.  Strings (STRING,
 * BYTES, JSON) point into s.  Accepts:
 *   BOOL      true/false, any case
 *   INT64     decimal, optional sign, 0x hex; surrounding spaces
 *   FLOAT64   decimal, exponent, inf, -inf, nan
 *   NUMERIC   decimal; more than 9 fractional digits round half away from 0
 *   DATE      YYYY-M-D (0001-01-01 .. 9999-12-31)
 *   DATETIME  YYYY-M-D[( |T)H:M[:S[.ffffff]]]
 *   TIMESTAMP as DATETIME, then optional Z, UTC, or +HH[:MM] / -HH[:MM];
 *             no zone means UTC */
int value_parse(enum type t, const char *s, size_t len, struct value *out);

/* Formats v as CAST(v AS STRING) does; NULL appends "NULL".
 *   TIMESTAMP 2019-01-01 00:13:00+00  (fractions: 3 or 6 digits as needed)
 *   DATETIME  2019-01-01 00:13:00
 *   FLOAT64   shortest text that reads back to the same double (1, 0.1,
 *             1e+20, inf, -inf, nan)
 *   NUMERIC   exact, no trailing zeros (1.5, 3, -0.000000001) */
void value_to_string(const struct value *v, struct buf *out);
/* Formats v as the bq command line prints it: as value_to_string but
 * TIMESTAMP as 2019-01-01 00:13:00 UTC and DATETIME as 2019-01-01T00:13:00. */
void value_format(const struct value *v, struct buf *out);

/* CAST(in AS to).  Strings produced by the cast (e.g. INT64 -> STRING) are
 * allocated in mem.  Errors as BigQuery words them, PIPE_EUSAGE:
 * "Bad int64 value: abc", "Invalid cast from DATE to INT64",
 * "int64 overflow: 1e+30".  A NULL stays NULL with the new type. */
int value_cast(const struct value *in, enum type to, struct arena *mem, struct value *out);
bool cast_allowed(enum type from, enum type to);
/* FLOAT64 to NUMERIC, rounded to 9 digits: "numeric overflow: 1e+40". */
int numeric_from_double(double d, numeric_t *out);

/* SQL comparison: -1, 0 or 1, or CMP_UNKNOWN when either side is NULL (or a
 * NaN is involved: every comparison with NaN is false except !=).
 * INT64, FLOAT64 and NUMERIC compare with each other by value exactly; other
 * types must already be the same (the SQL layer coerces literals first). */
#define CMP_UNKNOWN 2
int value_compare(const struct value *a, const struct value *b);
/* A total order for ORDER BY, GROUP BY and clustering: NULL first, then NaN,
 * then numbers in order; strings and bytes bytewise.  -1, 0 or 1. */
int value_order(const struct value *a, const struct value *b);
/* Equal for grouping and DISTINCT: NULL equals NULL, NaN equals NaN. */
bool value_same(const struct value *a, const struct value *b);
uint64_t value_hash(const struct value *v);
/* Bytewise, a shorter prefix first: -1, 0 or 1 (STRING, BYTES, JSON).
 * Inline: the sort's and the comparisons' loops call it per row. */
static inline int str_compare(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return (a.len > b.len) - (a.len < b.len);
}

/* ARRAY values.  The encoding: a uint32 count, then per element a byte,
 * 1 for NULL, and unless NULL its payload: type_width(t) bytes as the
 * representations above, a string as a uint32 length and its bytes.  All
 * unaligned (memcpy).  NULL elements live in a query (BigQuery allows
 * them there) but not in its result. */
/* Appends element x (of the element type, or NULL) to an array being
 * built in b, whose first 4 bytes are the count: start with
 * value_array_start. */
void value_array_start(struct buf *b);
void value_array_push(struct buf *b, const struct value *x);
struct value value_array(enum type array, const char *p, size_t len);
size_t value_array_count(const struct value *a);
/* Walks the elements: *at starts at 0; the next element, false at the end.
 * Strings point into the array. */
bool value_array_next(const struct value *a, size_t *at, struct value *x);
/* Element k (from 0), or false past the end. */
bool value_array_get(const struct value *a, size_t k, struct value *x);
/* Whether the array holds a NULL element. */
bool value_array_has_null(const struct value *a);

/* Column vectors come with values; vec.h needs the types above. */
#include "vec.h"

#endif
