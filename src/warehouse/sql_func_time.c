/* sql_func_time: the date and time functions of the table in sql_func.c:
 * DATE, TIMESTAMP, DATETIME and their TRUNCs, FORMAT_*, DATE_DIFF and
 * TIMESTAMP_DIFF, the _ADD and _SUB family, PARSE_*, LAST_DAY and the epoch
 * conversions, over the calendar in date.c. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func_int.h"

enum type check_date(struct pexpr *e)
{
	if (e->nargs == 3)
		return is_int(T(0)) && is_int(T(1)) && is_int(T(2)) ? TYPE_DATE : NOSIG;
	if (e->nargs == 1 && (is_time(T(0)) || T(0) == TYPE_STRING))
		return TYPE_DATE;
	return NOSIG;
}

int row_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	if (e->nargs == 3) {
		if (!civil_valid((int)a[0].i, (int)a[1].i, (int)a[2].i))
			return error_setcode(PIPE_EUSAGE, "Invalid date: %lld-%lld-%lld",
					     (long long)a[0].i, (long long)a[1].i, (long long)a[2].i);
		*out = value_date(days_from_civil((int)a[0].i, (int)a[1].i, (int)a[2].i));
		return 0;
	}
	int32_t days;
	int64_t rest;
	switch (a[0].type) {
	case TYPE_DATE: *out = a[0]; return 0;
	case TYPE_TIMESTAMP:
	case TYPE_DATETIME:
		split_micros(a[0].us, &days, &rest);
		*out = value_date(days);
		return 0;
	default:
		return value_parse(TYPE_DATE, a[0].s.p, a[0].s.len, out);
	}
}

enum type check_timestamp(struct pexpr *e)
{
	return T(0) == TYPE_STRING || T(0) == TYPE_NULL || T(0) == TYPE_DATE ||
	       T(0) == TYPE_DATETIME || T(0) == TYPE_TIMESTAMP ? TYPE_TIMESTAMP : NOSIG;
}

static int row_to_micros(enum type to, const struct value *a, struct value *out)
{
	switch (a->type) {
	case TYPE_DATE: *out = value_timestamp((int64_t)a->days * US_PER_DAY); break;
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: *out = value_timestamp(a->us); break;
	default: return value_parse(to, a->s.p, a->s.len, out);
	}
	out->type = to;
	return 0;
}

int row_timestamp(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	return row_to_micros(TYPE_TIMESTAMP, a, out);
}

enum type check_datetime(struct pexpr *e)
{
	return check_timestamp(e) == NOSIG ? NOSIG : TYPE_DATETIME;
}

int row_datetime(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	return row_to_micros(TYPE_DATETIME, a, out);
}

enum type check_trunc(struct pexpr *e)
{
	if (!is_time(T(0)) || T(1) != TYPE_INT64)
		return NOSIG;
	return T(0) == TYPE_NULL ? TYPE_DATE : T(0);
}

int row_trunc(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	enum date_part p = (enum date_part)a[1].i;
	*out = a[0];
	if (a[0].type == TYPE_DATE)
		return date_trunc(a[0].days, p, &out->days);
	return micros_trunc(a[0].us, p, &out->us);
}

enum type check_format_time(struct pexpr *e)
{
	return is_str(T(0)) && is_time(T(1)) ? TYPE_STRING : NOSIG;
}

/* strftime-like, over the calendar in value.h (UTC), as FORMAT_DATE and
 * FORMAT_TIMESTAMP do: %Y %m %d %e %H %M %S %F %T %D %j %B %b %A %a %y %p %I %u %w %Q %%. */
int row_format_time(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	int32_t days;
	int64_t us = 0;
	if (a[1].type == TYPE_DATE)
		days = a[1].days;
	else
		split_micros(a[1].us, &days, &us);
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	int64_t secs = us / US_PER_SEC;
	int H = (int)(secs / 3600), M = (int)(secs / 60 % 60), S = (int)(secs % 60);
	int wday = (int)(((int64_t)days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	struct buf b = BUF_INIT;
	const char *f = a[0].s.p, *end = f + a[0].s.len;
	for (; f < end; f++) {
		if (*f != '%' || f + 1 >= end) {
			buf_putc(&b, *f);
			continue;
		}
		switch (*++f) {
		case 'Y': buf_printf(&b, "%04d", y); break;
		case 'y': buf_printf(&b, "%02d", y % 100); break;
		case 'm': buf_printf(&b, "%02d", m); break;
		case 'd': buf_printf(&b, "%02d", d); break;
		case 'e': buf_printf(&b, "%2d", d); break;
		case 'H': buf_printf(&b, "%02d", H); break;
		case 'I': buf_printf(&b, "%02d", H % 12 ? H % 12 : 12); break;
		case 'p': buf_puts(&b, H < 12 ? "AM" : "PM"); break;
		case 'M': buf_printf(&b, "%02d", M); break;
		case 'S': buf_printf(&b, "%02d", S); break;
		case 'F': buf_printf(&b, "%04d-%02d-%02d", y, m, d); break;
		case 'D': buf_printf(&b, "%02d/%02d/%02d", m, d, y % 100); break;
		case 'T': buf_printf(&b, "%02d:%02d:%02d", H, M, S); break;
		case 'j': buf_printf(&b, "%03d", days - days_from_civil(y, 1, 1) + 1); break;
		case 'B': buf_puts(&b, date_month_names[m - 1]); break;
		case 'b': case 'h': buf_printf(&b, "%.3s", date_month_names[m - 1]); break;
		case 'A': buf_puts(&b, date_day_names[wday]); break;
		case 'a': buf_printf(&b, "%.3s", date_day_names[wday]); break;
		case 'u': buf_printf(&b, "%d", wday ? wday : 7); break;
		case 'w': buf_printf(&b, "%d", wday); break;
		case 'Q': buf_printf(&b, "%d", (m - 1) / 3 + 1); break;
		case 'Z': buf_puts(&b, "UTC"); break;
		case '%': buf_putc(&b, '%'); break;
		default: buf_putc(&b, '%'); buf_putc(&b, *f); break;
		}
	}
	*out = str_out(mem, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}

enum type check_date_diff(struct pexpr *e)
{
	if (!is_time(T(0)) || !is_time(T(1)) || T(2) != TYPE_INT64)
		return NOSIG;
	if (T(0) != TYPE_NULL && T(1) != TYPE_NULL && T(0) != T(1))
		return NOSIG;
	return TYPE_INT64;
}

int row_date_diff(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	enum date_part p = (enum date_part)a[2].i;
	int64_t x, y;
	if (a[0].type == TYPE_DATE) {
		x = a[0].days, y = a[1].days;
		switch (p) {
		case PART_DAY: *out = value_int64(x - y); return 0;
		case PART_WEEK: *out = value_int64((x - y) / 7); return 0;
		default: break;
		}
		int y0, m0, d0, y1, m1, d1;
		civil_from_days((int32_t)x, &y0, &m0, &d0);
		civil_from_days((int32_t)y, &y1, &m1, &d1);
		if (p == PART_MONTH)
			*out = value_int64((int64_t)(y0 - y1) * 12 + (m0 - m1));
		else if (p == PART_YEAR)
			*out = value_int64(y0 - y1);
		else
			return error_setcode(PIPE_EUSAGE, "Unsupported date part %s for DATE_DIFF", date_part_name(p));
		return 0;
	}
	x = a[0].us, y = a[1].us;
	int64_t unit;
	switch (p) {
	case PART_MICROSECOND: unit = 1; break;
	case PART_MILLISECOND: unit = 1000; break;
	case PART_SECOND: unit = US_PER_SEC; break;
	case PART_MINUTE: unit = 60 * US_PER_SEC; break;
	case PART_HOUR: unit = 3600 * US_PER_SEC; break;
	case PART_DAY: unit = US_PER_DAY; break;
	default:
		return error_setcode(PIPE_EUSAGE, "Unsupported date part %s for TIMESTAMP_DIFF", date_part_name(p));
	}
	*out = value_int64((x - y) / unit);
	return 0;
}

/* DATE_ADD(d, INTERVAL n part) and the other five: the parser makes the
 * interval two arguments, n and the part. */
static bool subtracts(const struct pexpr *e)
{
	const char *name = e->fn->name;
	return name[strlen(name) - 1] == 'B'; /* _SUB */
}

enum type check_time_add(struct pexpr *e)
{
	enum type want = e->fn->name[0] == 'T' ? TYPE_TIMESTAMP : e->fn->name[4] == 'T' ? TYPE_DATETIME : TYPE_DATE;
	return (T(0) == TYPE_NULL || T(0) == want) && is_int(T(1)) && T(2) == TYPE_INT64 ? want : NOSIG;
}

int row_time_add(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	enum date_part p = (enum date_part)a[2].i;
	int64_t n = a[1].i;
	if (subtracts(e))
		n = n == INT64_MIN ? INT64_MAX : -n; /* as far out of range either way */
	*out = a[0];
	if (a[0].type == TYPE_DATE)
		return date_add(a[0].days, n, p, e->fn->name, &out->days);
	return micros_add(a[0].us, n, p, a[0].type == TYPE_DATETIME, e->fn->name, &out->us);
}

/* PARSE_DATE, PARSE_DATETIME, PARSE_TIMESTAMP(format, s): date.c reads s */
enum type check_parse_time(struct pexpr *e)
{
	enum type t = e->fn->name[6] == 'T' ? TYPE_TIMESTAMP : e->fn->name[10] == 'T' ? TYPE_DATETIME : TYPE_DATE;
	return is_str(T(0)) && is_str(T(1)) ? t : NOSIG;
}

int row_parse_time(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int64_t us;
	if (time_parse_format(a[0].s.p, a[0].s.len, a[1].s.p, a[1].s.len, e->type != TYPE_DATE, &us) < 0)
		return error_setcode(PIPE_EUSAGE, "Failed to parse input string \"%.*s\"%s with format \"%.*s\" (%s)",
		                     (int)(a[1].s.len > 64 ? 64 : a[1].s.len), a[1].s.p, a[1].s.len > 64 ? "..." : "",
		                     (int)(a[0].s.len > 64 ? 64 : a[0].s.len), a[0].s.p, e->fn->name);
	if (e->type == TYPE_DATE) {
		int32_t days;
		int64_t tod;
		split_micros(us, &days, &tod);
		*out = value_date(days);
	} else {
		*out = e->type == TYPE_DATETIME ? value_datetime(us) : value_timestamp(us);
	}
	return 0;
}

/* LAST_DAY(d[, part]): the last day of d's month (or WEEK, ISOWEEK,
 * QUARTER, YEAR, ISOYEAR); a DATETIME's date */
enum type check_last_day(struct pexpr *e)
{
	return (T(0) == TYPE_NULL || T(0) == TYPE_DATE || T(0) == TYPE_DATETIME) && (e->nargs < 2 || T(1) == TYPE_INT64)
	       ? TYPE_DATE : NOSIG;
}

int row_last_day(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	enum date_part p = e->nargs == 2 ? (enum date_part)a[1].i : PART_MONTH;
	int32_t days = a[0].days, start, next;
	int64_t tod;
	int error;
	if (a[0].type == TYPE_DATETIME)
		split_micros(a[0].us, &days, &tod);
	if (p != PART_WEEK && p != PART_ISOWEEK && p != PART_MONTH && p != PART_QUARTER && p != PART_YEAR &&
	    p != PART_ISOYEAR)
		return error_setcode(PIPE_EUSAGE, "Unsupported date part %s for LAST_DAY", date_part_name(p));
	if ((error = date_trunc(days, p, &start)) < 0)
		return error;
	if (p == PART_WEEK || p == PART_ISOWEEK) {
		next = start + 7;
	} else if (p == PART_ISOYEAR) {
		/* 53 weeks on is always in the next ISO year */
		next = DATE_MAX + 1;
		if (start + 7 * 53 <= DATE_MAX)
			date_trunc(start + 7 * 53, PART_ISOYEAR, &next);
	} else if ((error = date_add(start, p == PART_MONTH ? 1 : p == PART_QUARTER ? 3 : 12, PART_MONTH, "LAST_DAY",
	                                  &next)) < 0) {
		error_clear(); /* December of 9999 */
		next = DATE_MAX + 1;
	}
	*out = value_date(next - 1);
	return 0;
}

/* TIMESTAMP_SECONDS, _MILLIS, _MICROS: an INT64 since 1970-01-01 UTC */
static int64_t epoch_unit(const struct pexpr *e)
{
	const char *u = strrchr(e->fn->name, '_') + 1;
	return u[1] == 'E' ? US_PER_SEC : u[1] == 'I' && u[2] == 'L' ? 1000 : 1;
}

enum type check_from_epoch(struct pexpr *e) { return is_int(T(0)) ? TYPE_TIMESTAMP : NOSIG; }

int row_from_epoch(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int64_t us;
	if (__builtin_mul_overflow(a[0].i, epoch_unit(e), &us) || !micros_valid(us))
		return error_setcode(PIPE_EUSAGE, "%s: %lld is out of the range of TIMESTAMP (0001-01-01 to 9999-12-31)",
		                     e->fn->name, (long long)a[0].i);
	*out = value_timestamp(us);
	return 0;
}

/* UNIX_SECONDS, _MILLIS, _MICROS: rounded down, as BigQuery's */
enum type check_to_epoch(struct pexpr *e)
{
	return T(0) == TYPE_NULL || T(0) == TYPE_TIMESTAMP ? TYPE_INT64 : NOSIG;
}

int row_to_epoch(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int64_t unit = epoch_unit(e), us = a[0].us;
	*out = value_int64(us / unit - (us % unit < 0));
	return 0;
}

enum type check_unix_date(struct pexpr *e) { return T(0) == TYPE_NULL || T(0) == TYPE_DATE ? TYPE_INT64 : NOSIG; }

int row_unix_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = value_int64(a[0].days);
	return 0;
}

enum type check_from_unix_date(struct pexpr *e) { return is_int(T(0)) ? TYPE_DATE : NOSIG; }

int row_from_unix_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	if (a[0].i < DATE_MIN || a[0].i > DATE_MAX)
		return error_setcode(PIPE_EUSAGE, "DATE_FROM_UNIX_DATE: %lld is out of the range of DATE "
		                     "(0001-01-01 to 9999-12-31)", (long long)a[0].i);
	*out = value_date((int32_t)a[0].i);
	return 0;
}
