/* date: the calendar behind DATE, DATETIME and TIMESTAMP (see date.h):
 * days and microseconds from civil dates and back, their text forms, and
 * the date parts EXTRACT and the *_TRUNC functions take. */
#include "date.h"

#include <string.h>
#include <strings.h>

/* ---- the calendar ---- */

/* Days from 1970-01-01 of a proleptic Gregorian date, counting in 400-year
 * eras that start on March 1st so that the leap day is the era's last. */
int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int year_of_era = y - era * 400;
	int day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

void civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int day_of_era = z - era * 146097;
	int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int mp = (5 * day_of_year + 2) / 153;
	*d = day_of_year - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = year_of_era + era * 400 + (*m <= 2);
}

const char *const date_month_names[12] = {"January", "February", "March", "April", "May", "June",
                                          "July", "August", "September", "October", "November", "December"};
const char *const date_day_names[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                       "Saturday"};

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

bool civil_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void split_micros(int64_t us, int32_t *days, int64_t *us_in_day)
{
	int64_t d = floor_div(us, US_PER_DAY);
	*days = (int32_t)d;
	*us_in_day = us - d * US_PER_DAY;
}

bool micros_valid(int64_t us)
{
	return us >= (int64_t)DATE_MIN * US_PER_DAY && us <= ((int64_t)DATE_MAX + 1) * US_PER_DAY - 1;
}

/* ---- text ---- */

/* Reads 1..max digits; -1 if there are none. */
static int64_t read_digits(const char **p, const char *end, int max, int *ndigits)
{
	int64_t v = 0;
	int n = 0;
	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (ndigits)
		*ndigits = n;
	return n ? v : -1;
}

static int parse_date_part(const char **pp, const char *end, int32_t *days)
{
	const char *p = *pp;
	int nd;
	int y = read_digits(&p, end, 4, &nd);
	if (y < 0 || nd != 4 || p >= end || *p++ != '-')
		return -1;
	int m = read_digits(&p, end, 2, NULL);
	if (m < 0 || p >= end || *p++ != '-')
		return -1;
	int d = read_digits(&p, end, 2, NULL);
	if (d < 0 || !civil_valid(y, m, d))
		return -1;
	*days = days_from_civil(y, m, d);
	*pp = p;
	return 0;
}

/* [( |T)H:M[:S[.f{1,6}]]] after a date; *us gets the time of day. */
static int parse_time_part(const char **pp, const char *end, int64_t *us)
{
	const char *p = *pp;
	*us = 0;
	if (p >= end || !(*p == ' ' || *p == 'T' || *p == 't'))
		return 0;
	if (p + 1 >= end || p[1] < '0' || p[1] > '9')
		return 0; /* a space before a zone, not a time */
	p++;
	int h = read_digits(&p, end, 2, NULL);
	if (h < 0 || h > 23 || p >= end || *p++ != ':')
		return -1;
	int mi = read_digits(&p, end, 2, NULL);
	if (mi < 0 || mi > 59)
		return -1;
	int sec = 0;
	int64_t frac = 0;
	if (p < end && *p == ':') {
		p++;
		sec = read_digits(&p, end, 2, NULL);
		if (sec < 0 || sec > 59)
			return -1;
		if (p < end && *p == '.') {
			p++;
			int n = 0;
			while (p < end && *p >= '0' && *p <= '9') {
				if (n < 6)
					frac = frac * 10 + (*p - '0');
				else if (*p != '0') /* BigQuery keeps microseconds only */
					return -1;
				n++;
				p++;
			}
			if (n == 0)
				return -1;
			for (int k = n; k < 6; k++)
				frac *= 10;
		}
	}
	*us = ((int64_t)h * 3600 + mi * 60 + sec) * US_PER_SEC + frac;
	*pp = p;
	return 0;
}

/* Z, UTC, +HH, +HH:MM, +HHMM (optionally after a space) -> offset seconds. */
static int parse_zone(const char **pp, const char *end, int64_t *offset_s)
{
	const char *p = *pp;
	*offset_s = 0;
	if (p < end && *p == ' ')
		p++;
	if (p == end)
		return *pp == end ? 0 : -1;
	if (end - p == 1 && (*p == 'Z' || *p == 'z')) {
		*pp = end;
		return 0;
	}
	if (end - p == 3 && strncasecmp(p, "UTC", 3) == 0) {
		*pp = end;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	int sign = *p++ == '-' ? -1 : 1;
	int nd;
	int h = read_digits(&p, end, 2, &nd);
	if (h < 0 || h > 14)
		return -1;
	int m = 0;
	if (p < end && *p == ':')
		p++;
	if (p < end) {
		m = read_digits(&p, end, 2, &nd);
		if (m < 0 || nd != 2 || m > 59)
			return -1;
	}
	if (p != end)
		return -1;
	*offset_s = sign * (h * 3600 + m * 60);
	*pp = p;
	return 0;
}

int date_parse(const char *p, const char *end, int32_t *days)
{
	if (parse_date_part(&p, end, days) < 0 || p != end)
		return -1;
	return 0;
}

int micros_parse(const char *p, const char *end, bool zone, int64_t *out)
{
	int32_t days;
	int64_t tod, offset = 0;
	if (parse_date_part(&p, end, &days) < 0 || parse_time_part(&p, end, &tod) < 0)
		return -1;
	if (zone ? parse_zone(&p, end, &offset) < 0 : p != end)
		return -1;
	int64_t us = (int64_t)days * US_PER_DAY + tod - offset * US_PER_SEC;
	if (!micros_valid(us))
		return -1;
	*out = us;
	return 0;
}

void date_format(int32_t days, struct buf *out)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

/* 2019-01-01<sep>00:13:00[.fff|.ffffff] */
void micros_format(int64_t us, char sep, struct buf *out)
{
	int32_t days;
	int64_t tod;
	split_micros(us, &days, &tod);
	date_format(days, out);
	int64_t secs = tod / US_PER_SEC, frac = tod % US_PER_SEC;
	buf_printf(out, "%c%02d:%02d:%02d", sep, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (frac % 1000 == 0 && frac)
		buf_printf(out, ".%03d", (int)(frac / 1000));
	else if (frac)
		buf_printf(out, ".%06d", (int)frac);
}

/* ---- date parts ---- */

static const char *part_names[PART_COUNT] = {
	"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAYOFWEEK", "DAY", "DAYOFYEAR",
	"WEEK", "ISOWEEK", "MONTH", "QUARTER", "YEAR", "ISOYEAR", "DATE",
};

int date_part_parse(const char *name, enum date_part *out)
{
	for (int i = 0; i < PART_COUNT; i++) {
		if (str_eq_nocase(name, part_names[i])) {
			*out = (enum date_part)i;
			return 0;
		}
	}
	return PIPE_ENOTFOUND;
}

const char *date_part_name(enum date_part p) { return p < PART_COUNT ? part_names[p] : "?"; }

/* 0 = Sunday .. 6 = Saturday; 1970-01-01 was a Thursday. */
static int weekday(int32_t days) { return (int)(((int64_t)days % 7 + 11) % 7); }

static int32_t iso_week_monday(int32_t days) { return days - (weekday(days) + 6) % 7; }

static int iso_year(int32_t days)
{
	int y, m, d;
	civil_from_days(iso_week_monday(days) + 3, &y, &m, &d); /* the week's Thursday */
	return y;
}

static int32_t iso_year_start(int iy)
{
	return iso_week_monday(days_from_civil(iy, 1, 4));
}

int date_trunc(int32_t days, enum date_part p, int32_t *out)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	switch (p) {
	case PART_DAY: *out = days; return 0;
	case PART_WEEK: *out = days - weekday(days); return 0;
	case PART_ISOWEEK: *out = iso_week_monday(days); return 0;
	case PART_MONTH: *out = days_from_civil(y, m, 1); return 0;
	case PART_QUARTER: *out = days_from_civil(y, (m - 1) / 3 * 3 + 1, 1); return 0;
	case PART_YEAR: *out = days_from_civil(y, 1, 1); return 0;
	case PART_ISOYEAR: *out = iso_year_start(iso_year(days)); return 0;
	default:
		return error_setcode(PIPE_EUSAGE, "%s is not a valid date part for DATE_TRUNC", date_part_name(p));
	}
}

int micros_trunc(int64_t us, enum date_part p, int64_t *out)
{
	static const int64_t unit[] = {1, 1000, US_PER_SEC, 60 * US_PER_SEC, 3600 * US_PER_SEC};
	if (p <= PART_HOUR) {
		*out = floor_div(us, unit[p]) * unit[p];
		return 0;
	}
	if (p == PART_DAYOFWEEK || p == PART_DAYOFYEAR || p == PART_DATE)
		return error_setcode(PIPE_EUSAGE, "%s is not a valid part for TIMESTAMP_TRUNC", date_part_name(p));
	int32_t days, t;
	int64_t tod;
	split_micros(us, &days, &tod);
	int error = date_trunc(days, p, &t);
	if (error < 0)
		return error;
	*out = (int64_t)t * US_PER_DAY;
	return 0;
}

static int64_t week_number(int32_t days)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	int32_t jan1 = days_from_civil(y, 1, 1);
	int32_t first_sunday = jan1 + (7 - weekday(jan1)) % 7;
	return days < first_sunday ? 0 : (days - first_sunday) / 7 + 1;
}

int date_extract(int32_t days, enum date_part p, int64_t *out)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	switch (p) {
	case PART_DAYOFWEEK: *out = weekday(days) + 1; return 0;
	case PART_DAY: *out = d; return 0;
	case PART_DAYOFYEAR: *out = days - days_from_civil(y, 1, 1) + 1; return 0;
	case PART_WEEK: *out = week_number(days); return 0;
	case PART_ISOWEEK: *out = (iso_week_monday(days) - iso_year_start(iso_year(days))) / 7 + 1; return 0;
	case PART_MONTH: *out = m; return 0;
	case PART_QUARTER: *out = (m - 1) / 3 + 1; return 0;
	case PART_YEAR: *out = y; return 0;
	case PART_ISOYEAR: *out = iso_year(days); return 0;
	case PART_DATE: *out = days; return 0;
	default:
		return error_setcode(PIPE_EUSAGE, "EXTRACT from DATE does not support the %s date part",
		                     date_part_name(p));
	}
}

int micros_extract(int64_t us, enum date_part p, int64_t *out)
{
	int32_t days;
	int64_t tod;
	split_micros(us, &days, &tod);
	switch (p) {
	case PART_MICROSECOND: *out = tod % US_PER_SEC; return 0;
	case PART_MILLISECOND: *out = tod % US_PER_SEC / 1000; return 0;
	case PART_SECOND: *out = tod / US_PER_SEC % 60; return 0;
	case PART_MINUTE: *out = tod / (60 * US_PER_SEC) % 60; return 0;
	case PART_HOUR: *out = tod / (3600 * US_PER_SEC); return 0;
	default: return date_extract(days, p, out);
	}
}

/* ---- adding parts ---- */

/* n months after days: the same day of the month, or the month's last
 * when it has fewer (2024-01-31 + 1 month = 2024-02-29), as BigQuery adds
 * them. */
static int add_months(int32_t days, int64_t n, int32_t *out)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	/* months since year 0, within INT64 for any n that can land in range */
	if (n > 12 * 10000 || n < -12 * 10000)
		return -1;
	int64_t months = (int64_t)y * 12 + (m - 1) + n;
	int64_t ny = months >= 0 ? months / 12 : -((-months + 11) / 12);
	int nm = (int)(months - ny * 12) + 1;
	if (ny < 1 || ny > 9999)
		return -1;
	int last = days_in_month((int)ny, nm);
	*out = days_from_civil((int)ny, nm, d < last ? d : last);
	return 0;
}

static int out_of_range(const char *fn)
{
	return error_setcode(PIPE_EUSAGE, "%s: the result is out of range (0001-01-01 to 9999-12-31)", fn);
}

int date_add(int32_t days, int64_t n, enum date_part p, const char *fn, int32_t *out)
{
	int64_t step = p == PART_WEEK ? 7 : 1, to;
	int error = 0;
	switch (p) {
	case PART_DAY:
	case PART_WEEK:
		if (__builtin_mul_overflow(n, step, &step) || __builtin_add_overflow((int64_t)days, step, &to) ||
		    to < DATE_MIN || to > DATE_MAX)
			return out_of_range(fn);
		*out = (int32_t)to;
		return 0;
	case PART_MONTH: error = add_months(days, n, out); break;
	case PART_QUARTER: error = n > INT64_MAX / 3 || n < INT64_MIN / 3 ? -1 : add_months(days, n * 3, out); break;
	case PART_YEAR: error = n > INT64_MAX / 12 || n < INT64_MIN / 12 ? -1 : add_months(days, n * 12, out); break;
	default:
		return error_setcode(PIPE_EUSAGE, "Unsupported date part %s for %s", date_part_name(p), fn);
	}
	return error < 0 ? out_of_range(fn) : 0;
}

int micros_add(int64_t us, int64_t n, enum date_part p, bool months, const char *fn, int64_t *out)
{
	static const int64_t unit[] = {1, 1000, US_PER_SEC, 60 * US_PER_SEC, 3600 * US_PER_SEC};
	int64_t by, to;
	if (p <= PART_HOUR || p == PART_DAY) {
		if (__builtin_mul_overflow(n, p == PART_DAY ? US_PER_DAY : unit[p], &by) ||
		    __builtin_add_overflow(us, by, &to) || !micros_valid(to))
			return out_of_range(fn);
		*out = to;
		return 0;
	}
	if (!months || (p != PART_WEEK && p != PART_MONTH && p != PART_QUARTER && p != PART_YEAR))
		return error_setcode(PIPE_EUSAGE, "Unsupported date part %s for %s", date_part_name(p), fn);
	int32_t days, moved;
	int64_t tod;
	int error;
	split_micros(us, &days, &tod);
	if ((error = date_add(days, n, p, fn, &moved)) < 0)
		return error;
	*out = (int64_t)moved * US_PER_DAY + tod;
	return 0;
}

/* ---- parsing with a format (PARSE_DATE, PARSE_DATETIME, PARSE_TIMESTAMP) ---- */


/* A name of names[0..n) at *p, whole or its first three letters, any case:
 * its index, or -1. */
static int take_name(const char **p, const char *end, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		size_t full = strlen(names[i]);
		if ((size_t)(end - *p) >= full && !strncasecmp(*p, names[i], full)) {
			*p += full;
			return i;
		}
	}
	for (int i = 0; i < n; i++)
		if (end - *p >= 3 && !strncasecmp(*p, names[i], 3)) {
			*p += 3;
			return i;
		}
	return -1;
}

int time_parse_format(const char *f, size_t flen, const char *s, size_t slen, bool time, int64_t *us)
{
	const char *fe = f + flen, *p = s, *end = s + slen;
	int64_t year = 1970, month = 1, day = 1, yday = -1, hour = 0, minute = 0, second = 0, frac = 0, v;
	int64_t offset = 0, epoch = 0;
	bool pm = false, twelve = false, has_epoch = false;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++; /* around the value, as the end: any whitespace */
	while (f < fe) {
		if (*f == ' ' || *f == '\t' || *f == '\n') {
			/* whitespace matches any run of it, or none */
			f++;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
				p++;
			continue;
		}
		if (*f != '%' || f + 1 >= fe) {
			if (p >= end || *p != *f)
				return -1;
			f++, p++;
			continue;
		}
		char c = f[1];
		f += 2;
		if (c == 'E' && f < fe && (*f == '*' || (*f >= '0' && *f <= '9')) && f + 1 < fe && f[1] == 'S') {
			c = 'S'; /* %E*S, %E3S: seconds, and their fraction when there is one */
			f += 2;
			if ((second = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			if (p < end && *p == '.') {
				p++;
				int n = 0;
				frac = 0;
				while (p < end && *p >= '0' && *p <= '9') {
					if (n < 6)
						frac = frac * 10 + (*p - '0'), n++;
					p++;
				}
				if (!n)
					return -1;
				while (n++ < 6)
					frac *= 10;
			}
			continue;
		}
		if (c == 'E' && f + 1 < fe && f[0] == '4' && f[1] == 'Y') {
			c = 'Y';
			f += 2;
		}
		switch (c) {
		case 'Y': if ((year = read_digits(&p, end, 4, NULL)) < 0) return -1; break;
		case 'y':
			if ((v = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			year = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'C': if ((v = read_digits(&p, end, 2, NULL)) < 0) return -1; year = v * 100 + year % 100; break;
		case 'm': if ((month = read_digits(&p, end, 2, NULL)) < 0) return -1; break;
		case 'd': case 'e':
			while (c == 'e' && p < end && *p == ' ')
				p++;
			if ((day = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			break;
		case 'j': if ((yday = read_digits(&p, end, 3, NULL)) < 0) return -1; break;
		case 'b': case 'h': case 'B':
			if ((v = take_name(&p, end, date_month_names, 12)) < 0)
				return -1;
			month = v + 1;
			break;
		case 'a': case 'A': if (take_name(&p, end, date_day_names, 7) < 0) return -1; break;
		case 'u': case 'w': if (read_digits(&p, end, 1, NULL) < 0) return -1; break;
		case 'F':
			if ((year = read_digits(&p, end, 4, NULL)) < 0 || p >= end || *p++ != '-' ||
			    (month = read_digits(&p, end, 2, NULL)) < 0 || p >= end || *p++ != '-' ||
			    (day = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			break;
		case 'D':
			if ((month = read_digits(&p, end, 2, NULL)) < 0 || p >= end || *p++ != '/' ||
			    (day = read_digits(&p, end, 2, NULL)) < 0 || p >= end || *p++ != '/' || (v = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			year = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'H': case 'k': if (!time || (hour = read_digits(&p, end, 2, NULL)) < 0) return -1; break;
		case 'I': case 'l':
			if (!time || (hour = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			twelve = true;
			break;
		case 'M': if (!time || (minute = read_digits(&p, end, 2, NULL)) < 0) return -1; break;
		case 'S': if (!time || (second = read_digits(&p, end, 2, NULL)) < 0) return -1; break;
		case 'p': case 'P':
			if (!time || end - p < 2)
				return -1;
			if (!strncasecmp(p, "PM", 2))
				pm = true;
			else if (strncasecmp(p, "AM", 2))
				return -1;
			p += 2;
			break;
		case 'R': case 'T':
			if (!time || (hour = read_digits(&p, end, 2, NULL)) < 0 || p >= end || *p++ != ':' ||
			    (minute = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			if (c == 'T' && (p >= end || *p++ != ':' || (second = read_digits(&p, end, 2, NULL)) < 0))
				return -1;
			break;
		case 'z': {
			if (!time || p >= end || (*p != '+' && *p != '-'))
				return -1;
			int sign = *p++ == '-' ? -1 : 1;
			int64_t hh = read_digits(&p, end, 2, NULL), mm = 0;
			if (hh < 0)
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && *p >= '0' && *p <= '9' && (mm = read_digits(&p, end, 2, NULL)) < 0)
				return -1;
			offset = sign * (hh * 3600 + mm * 60);
			break;
		}
		case 'Z':
			if (!time || end - p < 3 || strncasecmp(p, "UTC", 3))
				return -1;
			p += 3;
			break;
		case 's': {
			if (!time)
				return -1;
			bool neg = p < end && *p == '-';
			p += neg;
			if ((epoch = read_digits(&p, end, 12, NULL)) < 0)
				return -1;
			epoch = neg ? -epoch : epoch;
			has_epoch = true;
			break;
		}
		case '%': if (p >= end || *p++ != '%') return -1; break;
		default: return -1;
		}
	}
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	if (p != end)
		return -1;
	if (has_epoch) {
		*us = epoch * US_PER_SEC;
		return micros_valid(*us) ? 0 : -1;
	}
	if (twelve) {
		if (hour < 1 || hour > 12)
			return -1;
		hour = hour % 12 + (pm ? 12 : 0);
	} else if (pm && hour < 12) {
		hour += 12;
	}
	if (year < 1 || year > 9999 || hour > 23 || minute > 59 || second > 59)
		return -1;
	int32_t days;
	if (yday >= 0) {
		int32_t jan1 = days_from_civil((int)year, 1, 1);
		if (yday < 1 || yday > days_from_civil((int)year, 12, 31) - jan1 + 1)
			return -1;
		days = jan1 + (int32_t)yday - 1;
	} else {
		if (!civil_valid((int)year, (int)month, (int)day))
			return -1;
		days = days_from_civil((int)year, (int)month, (int)day);
	}
	*us = (int64_t)days * US_PER_DAY + ((hour * 60 + minute) * 60 + second) * US_PER_SEC + frac - offset * US_PER_SEC;
	return micros_valid(*us) ? 0 : -1;
}

