/* value: BigQuery's types and values, one at a time (struct value) and a
 * column at a time (struct vec, struct batch): parsing and formatting their
 * canonical text forms, casts, comparison with NULL logic, a total order for
 * sorting, and the calendar arithmetic the SQL functions need.
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
 *   STRING, BYTES, JSON   (pointer, length); not NUL-terminated */
#ifndef PIPE_WAREHOUSE_VALUE_H
#define PIPE_WAREHOUSE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util.h"
#include "arena.h"

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
	TYPE_COUNT
};

/* "INT64", "FLOAT64", ... as BigQuery writes them in schemas and errors. */
const char *type_name(enum type t);
/* Accepts BigQuery's names and aliases, any case: INT64 INT INTEGER BIGINT
 * SMALLINT TINYINT BYTEINT, FLOAT64 FLOAT, NUMERIC DECIMAL, BOOL BOOLEAN,
 * STRING, BYTES, DATE, DATETIME, TIMESTAMP, JSON.  PIPE_ENOTFOUND if none. */
int type_parse(const char *name, enum type *out);
bool type_is_numeric(enum type t); /* INT64, FLOAT64, NUMERIC */
bool type_is_string(enum type t);  /* STRING, BYTES, JSON: (pointer, length) */
/* Bytes per value in a vec's data array (16 for strings: struct str). */
size_t type_width(enum type t);

typedef __int128 numeric_t;
#define NUMERIC_SCALE 1000000000LL /* 10^9 */

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
		struct str s;   /* STRING, BYTES, JSON: not owned */
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

/* NUMERIC arithmetic: PIPE_EUSAGE "numeric overflow: ..." outside BigQuery's
 * range (+-99999999999999999999999999999.999999999); division rounds half away
 * from zero; "division by zero: 1 / 0". */
#define NUMERIC_MAX ((numeric_t)10000000000000000000ULL * 10000000000000000000ULL - 1) /* 10^38 - 1 */
int numeric_add(numeric_t a, numeric_t b, numeric_t *out);
int numeric_sub(numeric_t a, numeric_t b, numeric_t *out);
int numeric_mul(numeric_t a, numeric_t b, numeric_t *out);
int numeric_div(numeric_t a, numeric_t b, numeric_t *out);
int numeric_from_int64(int64_t i, numeric_t *out);
int numeric_from_double(double d, numeric_t *out); /* rounds to 9 digits */
double numeric_to_double(numeric_t n);
/* Rounds half away from zero to an int64; PIPE_EUSAGE if out of range. */
int numeric_to_int64(numeric_t n, int64_t *out);

/* The calendar: proleptic Gregorian, as BigQuery.  Dates 0001-01-01 ..
 * 9999-12-31; timestamps and datetimes in microseconds over the same span. */
#define DATE_MIN (-719162)  /* 0001-01-01 */
#define DATE_MAX 2932896    /* 9999-12-31 */
#define US_PER_SEC 1000000LL
#define US_PER_DAY 86400000000LL
int32_t days_from_civil(int y, int m, int d);
void civil_from_days(int32_t days, int *y, int *m, int *d);
bool civil_valid(int y, int m, int d);
/* Splits microseconds since the epoch into a day and the microseconds in it
 * (always 0 <= *us_in_day < US_PER_DAY, also before 1970). */
void split_micros(int64_t us, int32_t *days, int64_t *us_in_day);

/* Date and time parts, for EXTRACT and the *_TRUNC functions. */
enum date_part {
	PART_MICROSECOND,
	PART_MILLISECOND,
	PART_SECOND,
	PART_MINUTE,
	PART_HOUR,
	PART_DAYOFWEEK, /* 1 = Sunday .. 7 = Saturday */
	PART_DAY,
	PART_DAYOFYEAR,
	PART_WEEK,      /* weeks starting on Sunday; days before the first are week 0 */
	PART_ISOWEEK,
	PART_MONTH,
	PART_QUARTER,
	PART_YEAR,
	PART_ISOYEAR,
	PART_DATE,      /* EXTRACT(DATE FROM ts) */
	PART_COUNT
};
/* "DAY", "hour", ... any case; PIPE_ENOTFOUND if not a part. */
int date_part_parse(const char *name, enum date_part *out);
const char *date_part_name(enum date_part p);
/* DATE_TRUNC: DAY WEEK ISOWEEK MONTH QUARTER YEAR ISOYEAR; PIPE_EUSAGE
 * for a part that does not apply ("Unsupported part HOUR for DATE_TRUNC"). */
int date_trunc(int32_t days, enum date_part p, int32_t *out);
/* TIMESTAMP_TRUNC (UTC) and DATETIME_TRUNC: every part from MICROSECOND to
 * ISOYEAR. */
int micros_trunc(int64_t us, enum date_part p, int64_t *out);
/* EXTRACT(part FROM date); PIPE_EUSAGE for a time part. */
int date_extract(int32_t days, enum date_part p, int64_t *out);
/* EXTRACT(part FROM timestamp/datetime); PART_DATE gives days. */
int micros_extract(int64_t us, enum date_part p, int64_t *out);

/* Vectors of values (vec.h) come with values, so that users of either
 * include value.h only. */
#include "vec.h"

#endif
