/* date: the calendar behind DATE, DATETIME and TIMESTAMP: days and
 * microseconds since 1970-01-01, their text forms, and date parts. */
#ifndef PIPE_WAREHOUSE_DATE_H
#define PIPE_WAREHOUSE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "../util.h"

/* The calendar: proleptic Gregorian, as BigQuery.  Dates 0001-01-01 ..
 * 9999-12-31; timestamps and datetimes in microseconds over the same span. */
#define DATE_MIN (-719162)  /* 0001-01-01 */
#define DATE_MAX 2932896    /* 9999-12-31 */
#define US_PER_SEC 1000000LL
#define US_PER_DAY 86400000000LL
int32_t days_from_civil(int y, int m, int d);
void civil_from_days(int32_t days, int *y, int *m, int *d);
bool civil_valid(int y, int m, int d);
/* Microseconds within the same span: a TIMESTAMP or DATETIME that exists. */
bool micros_valid(int64_t us);
/* English names, January and Sunday first (FORMAT_DATE's %B and %A). */
extern const char *const date_month_names[12];
extern const char *const date_day_names[7];
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
/* DATE_ADD and DATE_SUB (n < 0): n parts, DAY WEEK MONTH QUARTER YEAR;
 * a month lands on the same day, or on the month's last when it has fewer
 * (2024-01-31 + 1 MONTH = 2024-02-29).  PIPE_EUSAGE, naming fn, for
 * another part or a result outside 0001-01-01 .. 9999-12-31. */
int date_add(int32_t days, int64_t n, enum date_part p, const char *fn, int32_t *out);
/* DATETIME_ADD (months: also WEEK MONTH QUARTER YEAR, the time of day
 * kept) and TIMESTAMP_ADD (MICROSECOND .. DAY only, as BigQuery's). */
int micros_add(int64_t us, int64_t n, enum date_part p, bool months, const char *fn, int64_t *out);
/* PARSE_DATE, PARSE_DATETIME and PARSE_TIMESTAMP (time: the time elements
 * allowed): s read whole by the format's elements (%Y %y %C %m %d %e %j
 * %b %h %B %a %A %u %w %F %D; %H %k %I %l %M %S %E*S %E<n>S %p %R %T %z
 * %Z (UTC) %s; %%), whitespace in the format matching any run of it; what
 * the format leaves out is 1970-01-01 00:00:00.  -1 when s does not match
 * or the result is out of range; no error is set. */
int time_parse_format(const char *f, size_t flen, const char *s, size_t slen, bool time, int64_t *us);
/* EXTRACT(part FROM date); PIPE_EUSAGE for a time part. */
int date_extract(int32_t days, enum date_part p, int64_t *out);
/* EXTRACT(part FROM timestamp/datetime); PART_DATE gives days. */
int micros_extract(int64_t us, enum date_part p, int64_t *out);

/* The text forms (trimmed: no spaces around them), -1 if malformed or out
 * of range; no error is set (value_parse words it):
 *   DATE      YYYY-M-D
 *   DATETIME  YYYY-M-D[( |T)H:M[:S[.ffffff]]]
 *   TIMESTAMP as DATETIME, then (zone) optional Z, UTC, +HH[:MM], -HH[:MM] */
int date_parse(const char *p, const char *end, int32_t *days);
int micros_parse(const char *p, const char *end, bool zone, int64_t *us);
void date_format(int32_t days, struct buf *out); /* 2019-01-01 */
/* 2019-01-01<sep>00:13:00[.fff|.ffffff] */
void micros_format(int64_t us, char sep, struct buf *out);

#endif
