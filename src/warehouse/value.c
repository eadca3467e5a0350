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

/* ---- types ---- */

static const char *type_names[TYPE_COUNT] = {
	"NULL", "BOOL", "INT64", "FLOAT64", "NUMERIC", "STRING",
	"BYTES", "DATE", "DATETIME", "TIMESTAMP", "JSON",
};

static const char *array_type_names[TYPE_COUNT] = {
	"ARRAY<INT64>", "ARRAY<BOOL>", "ARRAY<INT64>", "ARRAY<FLOAT64>", "ARRAY<NUMERIC>", "ARRAY<STRING>",
	"ARRAY<BYTES>", "ARRAY<DATE>", "ARRAY<DATETIME>", "ARRAY<TIMESTAMP>", "ARRAY<JSON>",
};

const char *type_name(enum type t)
{
	if (t < TYPE_COUNT)
		return type_names[t];
	return type_is_array(t) && type_elem(t) < TYPE_COUNT ? array_type_names[type_elem(t)] : "?";
}

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
	default: return type_is_array(t) ? sizeof(struct str) : 8;
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
		const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
		int rc = numeric_parse(p, end, &out->n);
		if (rc == -2)
			return error_setcode(PIPE_EUSAGE, "Invalid NUMERIC value: %.*s (out of range)",
			                     len > 200 ? 200 : (int)len, s);
		if (rc < 0)
			return bad_value(t, s, len);
		return 0;
	}
	case TYPE_DATE: {
		const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
		if (date_parse(p, end, &out->days) < 0)
			return bad_value(t, s, len);
		return 0;
	}
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: {
		const char *p = skip_space(s, s + len), *end = trim_end(p, s + len);
		if (micros_parse(p, end, t == TYPE_TIMESTAMP, &out->us) < 0)
			return bad_value(t, s, len);
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

/* ---- arrays ---- */

void value_array_start(struct buf *b)
{
	uint32_t zero = 0;
	buf_clear(b);
	buf_add(b, &zero, 4);
}

void value_array_push(struct buf *b, const struct value *x)
{
	uint32_t n;
	memcpy(&n, b->data, 4);
	n++;
	memcpy(b->data, &n, 4);
	uint8_t isnull = x->is_null || x->type == TYPE_NULL;
	buf_add(b, &isnull, 1);
	if (isnull)
		return;
	switch (x->type) {
	case TYPE_BOOL: buf_add(b, &x->b, 1); break;
	case TYPE_INT64: buf_add(b, &x->i, 8); break;
	case TYPE_FLOAT64: buf_add(b, &x->f, 8); break;
	case TYPE_NUMERIC: buf_add(b, &x->n, sizeof x->n); break;
	case TYPE_DATE: buf_add(b, &x->days, 4); break;
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: buf_add(b, &x->us, 8); break;
	default: {
		uint32_t len = (uint32_t)x->s.len;
		buf_add(b, &len, 4);
		buf_add(b, x->s.p, x->s.len);
		break;
	}
	}
}

struct value value_array(enum type array, const char *p, size_t len)
{
	return (struct value){.type = array, .s = {p, len}};
}

size_t value_array_count(const struct value *a)
{
	uint32_t n = 0;
	if (!a->is_null && a->s.len >= 4)
		memcpy(&n, a->s.p, 4);
	return n;
}

bool value_array_next(const struct value *a, size_t *at, struct value *x)
{
	const char *p = a->s.p;
	size_t pos = *at ? *at : 4;
	if (a->is_null || pos >= a->s.len)
		return false;
	enum type t = type_elem(a->type);
	*x = (struct value){.type = t, .is_null = p[pos] != 0};
	pos++;
	if (!x->is_null) {
		switch (t) {
		case TYPE_BOOL: memcpy(&x->b, p + pos, 1); pos += 1; break;
		case TYPE_INT64: memcpy(&x->i, p + pos, 8); pos += 8; break;
		case TYPE_FLOAT64: memcpy(&x->f, p + pos, 8); pos += 8; break;
		case TYPE_NUMERIC: memcpy(&x->n, p + pos, sizeof x->n); pos += sizeof x->n; break;
		case TYPE_DATE: memcpy(&x->days, p + pos, 4); pos += 4; break;
		case TYPE_DATETIME:
		case TYPE_TIMESTAMP: memcpy(&x->us, p + pos, 8); pos += 8; break;
		default: {
			uint32_t len;
			memcpy(&len, p + pos, 4);
			x->s = (struct str){p + pos + 4, len};
			pos += 4 + len;
			break;
		}
		}
	}
	*at = pos;
	return true;
}

bool value_array_get(const struct value *a, size_t k, struct value *x)
{
	size_t at = 0;
	for (size_t i = 0; value_array_next(a, &at, x); i++)
		if (i == k)
			return true;
	return false;
}

bool value_array_has_null(const struct value *a)
{
	size_t at = 0;
	struct value x;
	while (value_array_next(a, &at, &x))
		if (x.is_null)
			return true;
	return false;
}

/* [1, 2, 3] as BigQuery shows an array; quoted strings in query output */
static void array_format(const struct value *a, bool quoted, struct buf *out)
{
	size_t at = 0;
	struct value x;
	buf_putc(out, '[');
	for (bool first = true; value_array_next(a, &at, &x); first = false) {
		if (!first)
			buf_puts(out, ", ");
		bool q = quoted && !x.is_null && (x.type == TYPE_STRING || x.type == TYPE_JSON);
		if (q)
			buf_putc(out, '"');
		if (quoted)
			value_format(&x, out);
		else
			value_to_string(&x, out);
		if (q)
			buf_putc(out, '"');
	}
	buf_putc(out, ']');
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
	case TYPE_NUMERIC: numeric_format(v->n, out); break;
	case TYPE_DATE: date_format(v->days, out); break;
	case TYPE_DATETIME: micros_format(v->us, ' ', out); break;
	case TYPE_TIMESTAMP:
		micros_format(v->us, ' ', out);
		buf_puts(out, "+00");
		break;
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: buf_add(out, v->s.p, v->s.len); break;
	default:
		if (type_is_array(v->type))
			array_format(v, false, out);
		else
			buf_puts(out, "?");
		break;
	}
}

void value_format(const struct value *v, struct buf *out)
{
	if (v->is_null) {
		buf_puts(out, "NULL");
		return;
	}
	if (type_is_array(v->type)) {
		array_format(v, true, out);
		return;
	}
	switch (v->type) {
	case TYPE_TIMESTAMP:
		micros_format(v->us, ' ', out);
		buf_puts(out, " UTC");
		break;
	case TYPE_DATETIME: micros_format(v->us, 'T', out); break;
	case TYPE_BYTES: format_base64(v->s.p, v->s.len, out); break;
	default: value_to_string(v, out); break;
	}
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
	case TYPE_JSON: return str_compare(a->s, b->s);
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
		if (v->n % NUMERIC_SCALE == 0 && v->n / NUMERIC_SCALE <= INT64_MAX && v->n / NUMERIC_SCALE >= -INT64_MAX)
			return mix64((uint64_t)(int64_t)(v->n / NUMERIC_SCALE));
		return mix64((uint64_t)v->n ^ mix64((uint64_t)(v->n >> 64)));
	case TYPE_DATE: return mix64((uint64_t)(int64_t)v->days ^ 0xdaULL);
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: return mix64((uint64_t)v->us);
	default: return str_hash64(v->s.p ? v->s.p : "", v->s.len);
	}
}
