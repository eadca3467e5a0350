/* load_values: a value's class (what the first pass infers types from:
 * integers, decimals, booleans, ISO dates and timestamps), its conversion
 * to a column's type, and the errors about a row's values. */
#include "load_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int digits(const char *p, const char *end, int n)
{
	int v = 0;
	if (end - p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* YYYY-MM-DD is C_DATE; YYYY-MM-DD(T| )HH:MM[:SS[.f+]][Z|+HH[:MM]] is
 * C_TIMESTAMP; anything else C_STRING. */
static unsigned classify_string(const char *p, size_t len)
{
	const char *end = p + len;
	int y, m, d;
	if (len < 10 || p[4] != '-' || p[7] != '-')
		return C_STRING;
	if ((y = digits(p, end, 4)) < 1 || (m = digits(p + 5, end, 2)) < 0 || (d = digits(p + 8, end, 2)) < 0 ||
	    !civil_valid(y, m, d))
		return C_STRING;
	if (len == 10)
		return C_DATE;
	p += 10;
	if ((*p != 'T' && *p != ' ') || digits(p + 1, end, 2) < 0 || digits(p + 1, end, 2) > 23 || end - p < 6 ||
	    p[3] != ':' || digits(p + 4, end, 2) < 0 || digits(p + 4, end, 2) > 59)
		return C_STRING;
	p += 6;
	if (p < end && *p == ':') {
		if (digits(p + 1, end, 2) < 0 || digits(p + 1, end, 2) > 60)
			return C_STRING;
		p += 3;
		if (p < end && *p == '.') {
			const char *f = ++p;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p == f)
				return C_STRING;
		}
	}
	if (p < end && *p == 'Z')
		p++;
	else if (p < end && (*p == '+' || *p == '-')) {
		if (digits(p + 1, end, 2) < 0)
			return C_STRING;
		p += 3;
		if (p < end && *p == ':')
			p++;
		if (p < end) {
			if (digits(p, end, 2) < 0)
				return C_STRING;
			p += 2;
		}
	}
	return p == end ? C_TIMESTAMP : C_STRING;
}

/* The text of a cell (strings decoded). */
const char *load_cell_text(struct loader *L, const struct cell *c, size_t *len)
{
	if (!c->escaped || !memchr(c->p, '\\', c->len)) {
		*len = c->len;
		return c->p;
	}
	buf_clear(&L->scratch);
	{
		/* Decoding goes through a one-token document: the same rules as
		 * every other string. */
		struct json_tok t = {.type = JSON_STRING, .start = 0, .end = (int)c->len};
		struct json_doc d = {.text = c->p, .len = c->len, .toks = &t, .ntoks = 1};
		struct buf out = BUF_INIT;
		const char *s = json_str(&d, 0, &out, len);
		buf_add(&L->scratch, s, *len);
		buf_free(&out);
	}
	return buf_cstr(&L->scratch);
}

/* Up to 18 digits with an optional '-': no overflow possible. */
static bool fast_int64(const char *p, size_t len, int64_t *out)
{
	const char *end = p + len;
	bool neg = p < end && *p == '-';
	int64_t v = 0;
	p += neg;
	if (p == end || end - p > 18)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool int64_text(const char *p, size_t len, int64_t *out)
{
	char tmp[32];
	char *end;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, p, len);
	tmp[len] = 0;
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	return !errno && *end == 0;
}

/* A value's class.  A string is classified as written: an escape never
 * makes a date. */
unsigned load_cell_class(const struct cell *c)
{
	int64_t i;
	switch (c->type) {
	case JSON_INT:
		return fast_int64(c->p, c->len, &i) || int64_text(c->p, c->len, &i) ? C_INT : C_FLOAT;
	case JSON_FLOAT:
		return C_FLOAT;
	case JSON_TRUE:
	case JSON_FALSE:
		return C_BOOL;
	default:
		return classify_string(c->p, c->len);
	}
}

int load_row_error(struct loader *L, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int error;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (L->reader)
		json_reader_pos(L->reader, &L->line, &L->col);
	if (L->line > 0)
		error = error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: row %lld: %s", L->src, (long long)L->line,
		                      (long long)L->col, (long long)L->rowno, buf_cstr(&msg));
	else
		error = error_setcode(PIPE_EUSAGE, "%s: row %lld: %s", L->src, (long long)L->rowno, buf_cstr(&msg));
	buf_free(&msg);
	return error;
}

/* A plain decimal (-12.50) with at most 15 significant digits is m / 10^k
 * with m and 10^k exact doubles, so one division rounds it correctly; the
 * rest goes to value_parse. */
static bool fast_double(const char *p, size_t len, double *out)
{
	static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	const char *end = p + len;
	bool neg = false, dot = false;
	int64_t m = 0;
	int digits = 0, frac = 0;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 15)
				return false;
			m = m * 10 + (*p - '0');
			frac += dot;
		} else if (*p == '.' && !dot)
			dot = true;
		else
			return false;
	}
	if (!digits || (dot && !frac))
		return false;
	*out = (double)m / pow10[frac];
	if (neg)
		*out = -*out;
	return true;
}

/* The common shape YYYY-MM-DD(T| )HH:MM:SS[.f...][Z] (what Socrata and most
 * APIs send); anything else goes to value_parse. */
static bool fast_timestamp(const char *p, size_t len, int64_t *out)
{
	static const int64_t scale_of[6] = {100000, 10000, 1000, 100, 10, 1};
	const char *end = p + len, *f;
	int y, mo, d, h, mi, sec, nf = 0;
	int64_t frac = 0;
	if (len < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':')
		return false;
	if ((y = digits(p, end, 4)) < 1 || (mo = digits(p + 5, end, 2)) < 0 || (d = digits(p + 8, end, 2)) < 0 ||
	    (h = digits(p + 11, end, 2)) < 0 || h > 23 || (mi = digits(p + 14, end, 2)) < 0 || mi > 59 ||
	    (sec = digits(p + 17, end, 2)) < 0 || sec > 59 || !civil_valid(y, mo, d))
		return false;
	f = p + 19;
	if (f < end && *f == '.') {
		if (f + 1 == end || f[1] < '0' || f[1] > '9')
			return false;
		for (f++; f < end && *f >= '0' && *f <= '9'; f++) {
			if (nf == 6)
				return false; /* more than microseconds: value_parse decides */
			frac += (*f - '0') * scale_of[nf++];
		}
	}
	if (f < end && *f == 'Z')
		f++;
	if (f != end)
		return false;
	*out = (int64_t)days_from_civil(y, mo, d) * US_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * US_PER_SEC + frac;
	return true;
}

/* Where s stops being valid UTF-8 (overlong forms, surrogates and code
 * points past U+10FFFF are not), or len. */
static size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char b = s[i];
		unsigned cp, min;
		size_t n;
		uint64_t w;
		/* most text is ASCII: eight bytes at a time */
		while (i + 8 <= len && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull)))
			i += 8;
		if (i == len)
			break;
		if ((b = s[i]) < 0x80) {
			i++;
			continue;
		}
		if ((b & 0xE0) == 0xC0)
			n = 1, cp = b & 0x1F, min = 0x80;
		else if ((b & 0xF0) == 0xE0)
			n = 2, cp = b & 0x0F, min = 0x800;
		else if ((b & 0xF8) == 0xF0)
			n = 3, cp = b & 0x07, min = 0x10000;
		else
			return i;
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

/* A STRING must be UTF-8, as BigQuery's load jobs require: a Latin-1 file
 * is refused, not loaded as bytes no query can compare. */
int load_check_utf8(struct loader *L, const struct column *c, const struct cell *v)
{
	size_t ok = utf8_valid_len((const unsigned char *)v->p, v->len);
	if (ok == v->len)
		return 0;
	return load_row_error(L, "column %s: invalid UTF-8: byte 0x%02x after \"%.*s\" (BigQuery rejects it too): "
	                 "convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8", c->name,
	                 (unsigned char)v->p[ok], ok > 40 ? 40 : (int)ok, v->p + (ok > 40 ? ok - 40 : 0));
}

/* A number written beyond FLOAT64's range (1e400) would load as infinity. */
bool load_out_of_range(const char *p, size_t len)
{
	char tmp[64], *copy;
	double d;
	if (len < 300 && !memchr(p, 'e', len) && !memchr(p, 'E', len))
		return false;
	copy = len < sizeof(tmp) ? tmp : xmalloc(len + 1);
	memcpy(copy, p, len);
	copy[len] = '\0';
	d = strtod(copy, NULL);
	if (copy != tmp)
		free(copy);
	return isinf(d);
}

int load_range_error(struct loader *L, const struct column *c, const char *s, size_t len, const char *type)
{
	return load_row_error(L, "column %s: %.*s is out of range for %s (BigQuery rejects it too; the largest FLOAT64 is "
	                 "about 1.8e308): fix the value, or load the column as text (types = %s:STRING)",
	                 c->name, len > 80 ? 80 : (int)len, s, type, c->name);
}

/* The value of cell as type t: 0, or PIPE_EUSAGE when it does not convert.
 * Strings point into the cell or the scratch buffer. */
int load_convert(struct loader *L, const struct cell *c, enum type t, struct value *out)
{
	size_t len;
	const char *s = load_cell_text(L, c, &len);
	if (t == TYPE_STRING) {
		*out = value_string(s, len);
		return 0;
	}
	if ((t == TYPE_BOOL) != (c->type == JSON_TRUE || c->type == JSON_FALSE) && c->type != JSON_STRING)
		return PIPE_EUSAGE;
	out->is_null = false;
	out->type = t;
	if ((t == TYPE_INT64 && fast_int64(s, len, &out->i)) || (t == TYPE_FLOAT64 && fast_double(s, len, &out->f)) ||
	    (t == TYPE_TIMESTAMP && fast_timestamp(s, len, &out->us)))
		return 0;
	if (value_parse(t, s, len, out) == 0)
		return t == TYPE_FLOAT64 && isinf(out->f) && load_out_of_range(s, len) ? PIPE_EUSAGE : 0;
	/* "1.0" is a whole number too: Socrata and pandas write them so. */
	if (t == TYPE_INT64 && value_parse(TYPE_FLOAT64, s, len, out) == 0 && out->f == floor(out->f) &&
	    fabs(out->f) < 9.2e18) {
		*out = value_int64((int64_t)out->f);
		return 0;
	}
	return PIPE_EUSAGE;
}

/* Whether a value of class k goes into a column of type t unchanged. */
bool load_fits(unsigned k, enum type t)
{
	switch (t) {
	case TYPE_STRING: return true;
	case TYPE_INT64: return k == C_INT;
	case TYPE_FLOAT64: return k == C_INT || k == C_FLOAT;
	case TYPE_NUMERIC: return k == C_INT || k == C_FLOAT;
	case TYPE_BOOL: return k == C_BOOL;
	case TYPE_DATE: return k == C_DATE;
	case TYPE_TIMESTAMP: case TYPE_DATETIME: return k == C_DATE || k == C_TIMESTAMP;
	default: return false;
	}
}
