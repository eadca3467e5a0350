/* value: BigQuery's types and values (see value.h for the representations).
 *
 * The text forms and error messages follow GoogleSQL as BigQuery documents
 * them in "Conversion rules" and "Data types"
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules,
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types). */
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* ---- types ---- */

static const char *type_names[TYPE_COUNT] = {
	"NULL", "BOOL", "INT64", "FLOAT64", "NUMERIC", "STRING",
	"BYTES", "DATE", "DATETIME", "TIMESTAMP", "JSON",
};

const char *type_name(enum type t) { return t < TYPE_COUNT ? type_names[t] : "?"; }

int type_parse(const char *name, enum type *out)
{
	static const struct {
		const char *name;
		enum type type;
	} names[] = {
		{"BOOL", TYPE_BOOL},       {"BOOLEAN", TYPE_BOOL},   {"INT64", TYPE_INT64},
		{"INT", TYPE_INT64},       {"INTEGER", TYPE_INT64},  {"BIGINT", TYPE_INT64},
		{"SMALLINT", TYPE_INT64},  {"TINYINT", TYPE_INT64},  {"BYTEINT", TYPE_INT64},
		{"FLOAT64", TYPE_FLOAT64}, {"FLOAT", TYPE_FLOAT64},  {"NUMERIC", TYPE_NUMERIC},
		{"DECIMAL", TYPE_NUMERIC}, {"STRING", TYPE_STRING},  {"BYTES", TYPE_BYTES},
		{"DATE", TYPE_DATE},       {"DATETIME", TYPE_DATETIME}, {"TIMESTAMP", TYPE_TIMESTAMP},
		{"JSON", TYPE_JSON},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (str_eq_nocase(name, names[i].name)) {
			*out = names[i].type;
			return 0;
		}
	}
	return PIPE_ENOTFOUND;
}

bool type_is_numeric(enum type t) { return t == TYPE_INT64 || t == TYPE_FLOAT64 || t == TYPE_NUMERIC; }
bool type_is_string(enum type t) { return t == TYPE_STRING || t == TYPE_BYTES || t == TYPE_JSON; }

size_t type_width(enum type t)
{
	switch (t) {
	case TYPE_NULL:
	case TYPE_BOOL: return 1;
	case TYPE_DATE: return 4;
	case TYPE_NUMERIC: return sizeof(numeric_t);
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: return sizeof(struct str);
	default: return 8;
	}
}

/* ---- constructors ---- */

struct value value_null(enum type t) { return (struct value){.type = t, .is_null = true}; }
struct value value_bool(bool b) { return (struct value){.type = TYPE_BOOL, .b = b}; }
struct value value_int64(int64_t i) { return (struct value){.type = TYPE_INT64, .i = i}; }
struct value value_float64(double f) { return (struct value){.type = TYPE_FLOAT64, .f = f}; }
struct value value_numeric(numeric_t n) { return (struct value){.type = TYPE_NUMERIC, .n = n}; }
struct value value_date(int32_t days) { return (struct value){.type = TYPE_DATE, .days = days}; }
struct value value_datetime(int64_t us) { return (struct value){.type = TYPE_DATETIME, .us = us}; }
struct value value_timestamp(int64_t us) { return (struct value){.type = TYPE_TIMESTAMP, .us = us}; }
struct value value_string(const char *p, size_t len) { return (struct value){.type = TYPE_STRING, .s = {p, len}}; }
struct value value_bytes(const char *p, size_t len) { return (struct value){.type = TYPE_BYTES, .s = {p, len}}; }
struct value value_json(const char *p, size_t len) { return (struct value){.type = TYPE_JSON, .s = {p, len}}; }

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

#define US_MIN ((int64_t)DATE_MIN * US_PER_DAY)
#define US_MAX ((int64_t)(DATE_MAX + 1) * US_PER_DAY - 1)

/* ---- parsing ---- */

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return end;
}

/* Reads 1..max digits; -1 if there are none. */
static int read_digits(const char **p, const char *end, int max, int *ndigits)
{
	int v = 0, n = 0;
	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (ndigits)
		*ndigits = n;
	return n ? v : -1;
}

static int parse_int64(const char *s, size_t len, int64_t *out)
{
	const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
	bool neg = false;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	int base = 10;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (p == end)
		return -1;
	uint64_t mag = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -1;
		if (mag > (limit - (uint64_t)d) / (uint64_t)base)
			return -1;
		mag = mag * (uint64_t)base + (uint64_t)d;
	}
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

static int parse_float64(const char *s, size_t len, double *out)
{
	const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
	char tmp[128];
	size_t n = (size_t)(end - p);
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == 'x' || tmp[i] == 'X') /* no hex floats */
			return -1;
	char *stop;
	errno = 0;
	double d = strtod(tmp, &stop);
	if (*stop)
		return -1;
	*out = d;
	return 0;
}

static numeric_t pow10_n(int n)
{
	numeric_t r = 1;
	while (n-- > 0)
		r *= 10;
	return r;
}

/* Exact decimal text -> NUMERIC, rounding half away from zero beyond the
 * ninth fractional digit.  -1 if malformed, -2 if out of range. */
static int parse_numeric(const char *s, size_t len, numeric_t *out)
{
	const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
	bool neg = false;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	char digits[80];
	int ndig = 0, nfrac = 0, seen = 0;
	bool dot = false;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			seen++;
			if (dot)
				nfrac++;
			if (ndig == 0 && *p == '0') /* leading zeros carry no digits */
				continue;
			if (ndig >= (int)sizeof digits)
				return -2;
			digits[ndig++] = *p;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
	}
	if (!seen)
		return -1;
	long exp = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	if (p != end)
		return -1;
	/* value = digits * 10^shift in units of 10^-9 */
	long shift = exp - nfrac + 9;
	numeric_t v = 0;
	if (ndig == 0) {
		*out = 0;
		return 0;
	}
	if (shift >= 0) {
		if (ndig + shift > 38)
			return -2;
		for (int i = 0; i < ndig; i++)
			v = v * 10 + (digits[i] - '0');
		v *= pow10_n((int)shift);
	} else {
		long keep = ndig + shift; /* digits left of the rounding point */
		if (keep > 38)
			return -2;
		for (long i = 0; i < keep; i++)
			v = v * 10 + (digits[i] - '0');
		if (keep >= 0 && keep < ndig && digits[keep] >= '5')
			v++;
	}
	if (v > NUMERIC_MAX)
		return -2;
	*out = neg ? -v : v;
	return 0;
}

static int parse_bool(const char *s, size_t len, uint8_t *out)
{
	const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
	size_t n = (size_t)(end - p);
	if (n == 4 && strncasecmp(p, "true", 4) == 0)
		*out = 1;
	else if (n == 5 && strncasecmp(p, "false", 5) == 0)
		*out = 0;
	else
		return -1;
	return 0;
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

static int bad_value(enum type t, const char *s, size_t len)
{
	int n = len > 200 ? 200 : (int)len;
	switch (t) {
	case TYPE_BOOL: return error_setcode(PIPE_EUSAGE, "Bad bool value: %.*s", n, s);
	case TYPE_INT64: return error_setcode(PIPE_EUSAGE, "Bad int64 value: %.*s", n, s);
	case TYPE_FLOAT64: return error_setcode(PIPE_EUSAGE, "Bad double value: %.*s", n, s);
	case TYPE_NUMERIC: return error_setcode(PIPE_EUSAGE, "Invalid NUMERIC value: %.*s", n, s);
	case TYPE_DATE: return error_setcode(PIPE_EUSAGE, "Invalid date: '%.*s'", n, s);
	case TYPE_DATETIME: return error_setcode(PIPE_EUSAGE, "Invalid datetime string \"%.*s\"", n, s);
	case TYPE_TIMESTAMP: return error_setcode(PIPE_EUSAGE, "Invalid timestamp: '%.*s'", n, s);
	default: return error_setcode(PIPE_EUSAGE, "Bad %s value: %.*s", type_name(t), n, s);
	}
}

int value_parse(enum type t, const char *s, size_t len, struct value *out)
{
	*out = (struct value){.type = t};
	switch (t) {
	case TYPE_BOOL:
		if (parse_bool(s, len, &out->b) < 0)
			return bad_value(t, s, len);
		return 0;
	case TYPE_INT64:
		if (parse_int64(s, len, &out->i) < 0)
			return bad_value(t, s, len);
		return 0;
	case TYPE_FLOAT64:
		if (parse_float64(s, len, &out->f) < 0)
			return bad_value(t, s, len);
		return 0;
	case TYPE_NUMERIC: {
		int rc = parse_numeric(s, len, &out->n);
		if (rc == -2)
			return error_setcode(PIPE_EUSAGE, "Invalid NUMERIC value: %.*s (out of range)",
			                     len > 200 ? 200 : (int)len, s);
		if (rc < 0)
			return bad_value(t, s, len);
		return 0;
	}
	case TYPE_DATE: {
		const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
		if (parse_date_part(&p, end, &out->days) < 0 || p != end)
			return bad_value(t, s, len);
		return 0;
	}
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: {
		const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
		int32_t days;
		int64_t tod, offset = 0;
		if (parse_date_part(&p, end, &days) < 0 || parse_time_part(&p, end, &tod) < 0)
			return bad_value(t, s, len);
		if (t == TYPE_TIMESTAMP ? parse_zone(&p, end, &offset) < 0 : p != end)
			return bad_value(t, s, len);
		int64_t us = (int64_t)days * US_PER_DAY + tod - offset * US_PER_SEC;
		if (us < US_MIN || us > US_MAX)
			return bad_value(t, s, len);
		out->us = us;
		return 0;
	}
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON:
		out->s = (struct str){s, len};
		return 0;
	default:
		return error_setcode(PIPE_EUSAGE, "cannot parse a value of type %s", type_name(t));
	}
}

/* ---- formatting ---- */

static void format_float(double f, struct buf *out)
{
	if (isnan(f)) {
		buf_puts(out, "nan");
		return;
	}
	if (isinf(f)) {
		buf_puts(out, f < 0 ? "-inf" : "inf");
		return;
	}
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, f);
		if (prec == 17 || strtod(tmp, NULL) == f)
			break;
	}
	buf_puts(out, tmp);
}

/* The exact decimal text of n, without trailing zeros, into out[48]. */
static void numeric_text(numeric_t n, char *out)
{
	u128 mag = n < 0 ? (u128)0 - (u128)n : (u128)n;
	u128 ip = mag / NUMERIC_SCALE;
	unsigned long long frac = (unsigned long long)(mag % NUMERIC_SCALE);
	char tmp[48];
	int k = sizeof tmp;
	tmp[--k] = '\0';
	do {
		tmp[--k] = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip);
	if (n < 0)
		tmp[--k] = '-';
	size_t len = sizeof tmp - 1 - (size_t)k;
	memcpy(out, tmp + k, len);
	if (frac) {
		char f[16];
		snprintf(f, sizeof f, "%09llu", frac);
		int flen = 9;
		while (f[flen - 1] == '0')
			flen--;
		out[len++] = '.';
		memcpy(out + len, f, (size_t)flen);
		len += (size_t)flen;
	}
	out[len] = '\0';
}

static void format_numeric(numeric_t n, struct buf *out)
{
	char tmp[48];
	numeric_text(n, tmp);
	buf_puts(out, tmp);
}

static void format_date(int32_t days, struct buf *out)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

/* 2019-01-01<sep>00:13:00[.fff|.ffffff] */
static void format_micros(int64_t us, char sep, struct buf *out)
{
	int32_t days;
	int64_t tod;
	split_micros(us, &days, &tod);
	format_date(days, out);
	int64_t secs = tod / US_PER_SEC, frac = tod % US_PER_SEC;
	buf_printf(out, "%c%02d:%02d:%02d", sep, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (frac % 1000 == 0 && frac)
		buf_printf(out, ".%03d", (int)(frac / 1000));
	else if (frac)
		buf_printf(out, ".%06d", (int)frac);
}

static void format_base64(const char *p, size_t n, struct buf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_putc(out, tab[v >> 18 & 63]);
		buf_putc(out, tab[v >> 12 & 63]);
		buf_putc(out, i + 1 < n ? tab[v >> 6 & 63] : '=');
		buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

void value_to_string(const struct value *v, struct buf *out)
{
	if (v->is_null || v->type == TYPE_NULL) {
		buf_puts(out, "NULL");
		return;
	}
	switch (v->type) {
	case TYPE_BOOL: buf_puts(out, v->b ? "true" : "false"); break;
	case TYPE_INT64: buf_printf(out, "%lld", (long long)v->i); break;
	case TYPE_FLOAT64: format_float(v->f, out); break;
	case TYPE_NUMERIC: format_numeric(v->n, out); break;
	case TYPE_DATE: format_date(v->days, out); break;
	case TYPE_DATETIME: format_micros(v->us, ' ', out); break;
	case TYPE_TIMESTAMP:
		format_micros(v->us, ' ', out);
		buf_puts(out, "+00");
		break;
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: buf_add(out, v->s.p, v->s.len); break;
	default: buf_puts(out, "?"); break;
	}
}

void value_format(const struct value *v, struct buf *out)
{
	if (v->is_null) {
		buf_puts(out, "NULL");
		return;
	}
	switch (v->type) {
	case TYPE_TIMESTAMP:
		format_micros(v->us, ' ', out);
		buf_puts(out, " UTC");
		break;
	case TYPE_DATETIME: format_micros(v->us, 'T', out); break;
	case TYPE_BYTES: format_base64(v->s.p, v->s.len, out); break;
	default: value_to_string(v, out); break;
	}
}

/* ---- NUMERIC arithmetic ---- */

static int numeric_overflow(const char *op, numeric_t a, numeric_t b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	format_numeric(a, &x);
	format_numeric(b, &y);
	int rc = error_setcode(PIPE_EUSAGE, "numeric overflow: %s %s %s", buf_cstr(&x), op, buf_cstr(&y));
	buf_free(&x);
	buf_free(&y);
	return rc;
}

static bool numeric_ok(numeric_t n) { return n <= NUMERIC_MAX && n >= -NUMERIC_MAX; }

int numeric_add(numeric_t a, numeric_t b, numeric_t *out)
{
	numeric_t r;
	if (__builtin_add_overflow(a, b, &r) || !numeric_ok(r))
		return numeric_overflow("+", a, b);
	*out = r;
	return 0;
}

int numeric_sub(numeric_t a, numeric_t b, numeric_t *out)
{
	numeric_t r;
	if (__builtin_sub_overflow(a, b, &r) || !numeric_ok(r))
		return numeric_overflow("-", a, b);
	*out = r;
	return 0;
}

static u128 mag128(numeric_t n) { return n < 0 ? (u128)0 - (u128)n : (u128)n; }

/* a*b/10^9 with a = ah*10^9 + al and b = bh*10^9 + bl: every partial product
 * stays within 128 bits and only al*bl/10^9 has a fraction to round. */
int numeric_mul(numeric_t a, numeric_t b, numeric_t *out)
{
	u128 ma = mag128(a), mb = mag128(b);
	u128 ah = ma / NUMERIC_SCALE, al = ma % NUMERIC_SCALE;
	u128 bh = mb / NUMERIC_SCALE, bl = mb % NUMERIC_SCALE;
	u128 t1, r;
	if (__builtin_mul_overflow(ah, mb, &t1))
		return numeric_overflow("*", a, b);
	r = t1 + al * bh + (al * bl + NUMERIC_SCALE / 2) / NUMERIC_SCALE;
	if (r < t1 || r > (u128)NUMERIC_MAX)
		return numeric_overflow("*", a, b);
	*out = (a < 0) != (b < 0) ? -(numeric_t)r : (numeric_t)r;
	return 0;
}

/* (x + y) mod m for x, y < m, without overflowing; *wrapped when it did. */
static u128 add_mod(u128 x, u128 y, u128 m, bool *wrapped)
{
	*wrapped = x >= m - y;
	return *wrapped ? x - (m - y) : x + y;
}

int numeric_div(numeric_t a, numeric_t b, numeric_t *out)
{
	if (b == 0) {
		struct buf x = BUF_INIT;
		format_numeric(a, &x);
		int rc = error_setcode(PIPE_EUSAGE, "division by zero: %s / 0", buf_cstr(&x));
		buf_free(&x);
		return rc;
	}
	u128 ma = mag128(a), mb = mag128(b);
	u128 q = ma / mb, r = ma % mb;
	/* Ten more decimal digits of the quotient (nine kept, one to round),
	 * each from 10*r computed as ten modular additions. */
	int digits[10];
	for (int k = 0; k < 10; k++) {
		u128 acc = 0;
		int d = 0;
		for (int j = 0; j < 10; j++) {
			bool wrapped;
			acc = add_mod(acc, r, mb, &wrapped);
			d += wrapped;
		}
		digits[k] = d;
		r = acc;
	}
	if (q > (u128)NUMERIC_MAX / NUMERIC_SCALE)
		return numeric_overflow("/", a, b);
	u128 res = q;
	for (int k = 0; k < 9; k++)
		res = res * 10 + (u128)digits[k];
	if (digits[9] >= 5)
		res++;
	if (res > (u128)NUMERIC_MAX)
		return numeric_overflow("/", a, b);
	*out = (a < 0) != (b < 0) ? -(numeric_t)res : (numeric_t)res;
	return 0;
}

int numeric_from_int64(int64_t i, numeric_t *out)
{
	*out = (numeric_t)i * NUMERIC_SCALE; /* always within range */
	return 0;
}

int numeric_from_double(double d, numeric_t *out)
{
	if (!isfinite(d))
		return error_setcode(PIPE_EUSAGE, "Illegal conversion of non-finite floating point number to numeric: %s",
		                     isnan(d) ? "nan" : d < 0 ? "-inf" : "inf");
	long double scaled = roundl((long double)d * 1e9L);
	if (fabsl(scaled) > 1e38L - 1) {
		struct buf b = BUF_INIT;
		format_float(d, &b);
		int rc = error_setcode(PIPE_EUSAGE, "numeric overflow: %s", buf_cstr(&b));
		buf_free(&b);
		return rc;
	}
	*out = (numeric_t)scaled;
	return 0;
}

double numeric_to_double(numeric_t n)
{
	/* Through the exact decimal text, so the double is the nearest one. */
	char tmp[48];
	numeric_text(n, tmp);
	return strtod(tmp, NULL);
}

int numeric_to_int64(numeric_t n, int64_t *out)
{
	u128 m = mag128(n);
	u128 q = (m + NUMERIC_SCALE / 2) / NUMERIC_SCALE;
	if (n >= 0 ? q > (u128)INT64_MAX : q > (u128)INT64_MAX + 1) {
		struct buf b = BUF_INIT;
		format_numeric(n, &b);
		int rc = error_setcode(PIPE_EUSAGE, "int64 overflow: %s", buf_cstr(&b));
		buf_free(&b);
		return rc;
	}
	*out = n < 0 ? (int64_t)(0 - (uint64_t)q) : (int64_t)q;
	return 0;
}

/* ---- casts ---- */

bool cast_allowed(enum type from, enum type to)
{
	if (from == to || from == TYPE_NULL)
		return true;
	switch (from) {
	case TYPE_BOOL: return to == TYPE_INT64 || to == TYPE_STRING;
	case TYPE_INT64:
	case TYPE_NUMERIC: return to == TYPE_BOOL || type_is_numeric(to) || to == TYPE_STRING;
	case TYPE_FLOAT64: return type_is_numeric(to) || to == TYPE_STRING;
	case TYPE_STRING:
		return to != TYPE_JSON;
	case TYPE_BYTES: return to == TYPE_STRING;
	case TYPE_DATE:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP:
		return to == TYPE_STRING || to == TYPE_DATE || to == TYPE_DATETIME || to == TYPE_TIMESTAMP;
	default: return false;
	}
}

static bool utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	while (s < end) {
		unsigned c = *s++;
		int more;
		unsigned min;
		if (c < 0x80)
			continue;
		else if ((c & 0xe0) == 0xc0)
			more = 1, min = 0x80, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			more = 2, min = 0x800, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			more = 3, min = 0x10000, c &= 0x07;
		else
			return false;
		if (end - s < more)
			return false;
		for (int k = 0; k < more; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		s += more;
	}
	return true;
}

static int double_to_int64(double f, int64_t *out)
{
	if (!isfinite(f))
		return error_setcode(PIPE_EUSAGE, "Illegal conversion of non-finite floating point number to an integer: %s",
		                     isnan(f) ? "nan" : f < 0 ? "-inf" : "inf");
	double r = round(f); /* half away from zero, as BigQuery */
	if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
		struct buf b = BUF_INIT;
		format_float(f, &b);
		int rc = error_setcode(PIPE_EUSAGE, "int64 overflow: %s", buf_cstr(&b));
		buf_free(&b);
		return rc;
	}
	*out = (int64_t)r;
	return 0;
}

int value_cast(const struct value *in, enum type to, struct arena *mem, struct value *out)
{
	if (!cast_allowed(in->type, to))
		return error_setcode(PIPE_EUSAGE, "Invalid cast from %s to %s", type_name(in->type), type_name(to));
	if (in->is_null || in->type == TYPE_NULL) {
		*out = value_null(to);
		return 0;
	}
	if (in->type == to) {
		*out = *in;
		return 0;
	}
	struct value r = {.type = to};
	const struct value *v = in;
	if (to == TYPE_STRING) {
		if (v->type == TYPE_BYTES) {
			if (!utf8_valid(v->s.p, v->s.len))
				return error_setcode(PIPE_EUSAGE, "Invalid UTF-8 string in cast from BYTES to STRING");
			r.s = v->s;
		} else {
			struct buf b = BUF_INIT;
			value_to_string(v, &b);
			r.s.p = arena_strndup(mem, buf_cstr(&b), b.len);
			r.s.len = b.len;
			buf_free(&b);
		}
		*out = r;
		return 0;
	}
	int error = 0;
	switch (v->type) {
	case TYPE_STRING:
		if (to == TYPE_BYTES) {
			r.s = v->s;
			break;
		}
		error = value_parse(to, v->s.p, v->s.len, &r);
		break;
	case TYPE_BOOL: r.i = v->b; break; /* to INT64 */
	case TYPE_INT64:
		if (to == TYPE_BOOL)
			r.b = v->i != 0;
		else if (to == TYPE_FLOAT64)
			r.f = (double)v->i;
		else
			error = numeric_from_int64(v->i, &r.n);
		break;
	case TYPE_FLOAT64:
		if (to == TYPE_INT64)
			error = double_to_int64(v->f, &r.i);
		else
			error = numeric_from_double(v->f, &r.n);
		break;
	case TYPE_NUMERIC:
		if (to == TYPE_BOOL)
			r.b = v->n != 0;
		else if (to == TYPE_INT64)
			error = numeric_to_int64(v->n, &r.i);
		else
			r.f = numeric_to_double(v->n);
		break;
	case TYPE_DATE:
		r.us = (int64_t)v->days * US_PER_DAY; /* to DATETIME or TIMESTAMP */
		break;
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: /* one to the other (UTC), or to DATE */
		if (to == TYPE_DATE) {
			int64_t tod;
			split_micros(v->us, &r.days, &tod);
		} else {
			r.us = v->us;
		}
		break;
	default:
		return error_setcode(PIPE_EUSAGE, "Invalid cast from %s to %s", type_name(v->type), type_name(to));
	}
	if (error < 0)
		return error;
	*out = r;
	return 0;
}

/* ---- comparison ---- */

static int cmp3(int64_t a, int64_t b) { return (a > b) - (a < b); }

static int cmp_int_double(int64_t i, double f)
{
	if (f >= 9223372036854775808.0)
		return -1;
	if (f < -9223372036854775808.0)
		return 1;
	int64_t t = (int64_t)f; /* truncated: exact for |f| < 2^63 */
	if (i != t)
		return i < t ? -1 : 1;
	double frac = f - (double)t;
	return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int cmp_numeric_double(numeric_t n, double f)
{
	double d = numeric_to_double(n);
	if (d != f)
		return d < f ? -1 : 1;
	numeric_t back;
	if (fabs(f) >= 1e29 || numeric_from_double(f, &back) < 0)
		return 0;
	return (n > back) - (n < back);
}

static int cmp_str(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return (a.len > b.len) - (a.len < b.len);
}

/* Both non-NULL, no NaN among them. */
static int compare_known(const struct value *a, const struct value *b)
{
	if (a->type != b->type) {
		if (a->type == TYPE_INT64 && b->type == TYPE_FLOAT64)
			return cmp_int_double(a->i, b->f);
		if (a->type == TYPE_FLOAT64 && b->type == TYPE_INT64)
			return -cmp_int_double(b->i, a->f);
		if (a->type == TYPE_NUMERIC && b->type == TYPE_FLOAT64)
			return cmp_numeric_double(a->n, b->f);
		if (a->type == TYPE_FLOAT64 && b->type == TYPE_NUMERIC)
			return -cmp_numeric_double(b->n, a->f);
		if (a->type == TYPE_INT64 && b->type == TYPE_NUMERIC) {
			numeric_t x = (numeric_t)a->i * NUMERIC_SCALE;
			return (x > b->n) - (x < b->n);
		}
		if (a->type == TYPE_NUMERIC && b->type == TYPE_INT64) {
			numeric_t y = (numeric_t)b->i * NUMERIC_SCALE;
			return (a->n > y) - (a->n < y);
		}
		return a->type < b->type ? -1 : 1;
	}
	switch (a->type) {
	case TYPE_BOOL: return (a->b > b->b) - (a->b < b->b);
	case TYPE_INT64: return cmp3(a->i, b->i);
	case TYPE_FLOAT64: return (a->f > b->f) - (a->f < b->f);
	case TYPE_NUMERIC: return (a->n > b->n) - (a->n < b->n);
	case TYPE_DATE: return cmp3(a->days, b->days);
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: return cmp3(a->us, b->us);
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: return cmp_str(a->s, b->s);
	default: return 0;
	}
}

static bool is_nan(const struct value *v) { return v->type == TYPE_FLOAT64 && isnan(v->f); }
static bool is_null(const struct value *v) { return v->is_null || v->type == TYPE_NULL; }

int value_compare(const struct value *a, const struct value *b)
{
	if (is_null(a) || is_null(b) || is_nan(a) || is_nan(b))
		return CMP_UNKNOWN;
	return compare_known(a, b);
}

int value_order(const struct value *a, const struct value *b)
{
	bool na = is_null(a), nb = is_null(b);
	if (na || nb)
		return nb - na;
	bool xa = is_nan(a), xb = is_nan(b);
	if (xa || xb)
		return xb - xa;
	return compare_known(a, b);
}

bool value_same(const struct value *a, const struct value *b) { return value_order(a, b) == 0; }

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t value_hash(const struct value *v)
{
	if (is_null(v))
		return 0x6e756c6cULL;
	switch (v->type) {
	case TYPE_BOOL: return mix64(v->b + 2);
	case TYPE_INT64: return mix64((uint64_t)v->i);
	case TYPE_FLOAT64: /* equal numbers hash equally across numeric types */
		if (isnan(v->f))
			return 0x6e616eULL;
		if (v->f == floor(v->f) && fabs(v->f) < 9.2e18)
			return mix64((uint64_t)(int64_t)v->f);
		{
			uint64_t bits;
			memcpy(&bits, &v->f, 8);
			return mix64(bits);
		}
	case TYPE_NUMERIC:
		if (v->n % NUMERIC_SCALE == 0 && mag128(v->n) / NUMERIC_SCALE <= (u128)INT64_MAX)
			return mix64((uint64_t)(int64_t)(v->n / NUMERIC_SCALE));
		return mix64((uint64_t)v->n ^ mix64((uint64_t)(v->n >> 64)));
	case TYPE_DATE: return mix64((uint64_t)(int64_t)v->days ^ 0xdaULL);
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: return mix64((uint64_t)v->us);
	default: return str_hash64(v->s.p ? v->s.p : "", v->s.len);
	}
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
