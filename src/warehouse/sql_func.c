/* sql_func: the table of SQL functions, and the scalar ones a row at a time
 * (the date and time ones in sql_func_time.c, REGEXP_ in sql_regex.c).
 *
 * Each scalar entry checks its argument types (BigQuery's signatures, with
 * INT64 accepted where FLOAT64 is expected) and computes one row.  NULL in
 * gives NULL out unless the entry is nonstrict.  The executor calls row()
 * for each row of a batch; the hot operators (comparison, arithmetic,
 * AND/OR) are not here but typed loops in sql_exec.c.  Aggregates and
 * analytic functions have their entries here too (names, argument counts,
 * result types); sql_exec.c and sql_window.c compute them. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "fingerprint.h"
#include "sql.h"
#include "sql_func.h"
#include "sql_func_int.h"
#include "sql_lex.h"

static size_t utf8_len(const char *p, size_t n);


static double as_double(const struct value *v)
{
	switch (v->type) {
	case TYPE_INT64: return (double)v->i;
	case TYPE_NUMERIC: return numeric_to_double(v->n);
	default: return v->f;
	}
}

/* --- strings --- */

/* The longest string REPEAT, LPAD and RPAD make: pipe's limit, not
 * BigQuery's (whose is its row size); one value this large is already
 * more than a row of a table. */
#define MADE_STRING_MAX (16u << 20)

/* LPAD and RPAD (s, length[, pattern]): to length characters, the pattern
 * repeated before or after; a longer s is cut to its first length. */
static enum type check_pad(struct pexpr *e)
{
	return is_str(T(0)) && is_int(T(1)) && (e->nargs < 3 || is_str(T(2))) ? TYPE_STRING : NOSIG;
}

static int row_pad(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	bool left = e->fn->name[0] == 'L';
	int64_t want = a[1].i;
	const char *pat = e->nargs == 3 ? a[2].s.p : " ";
	size_t plen = e->nargs == 3 ? a[2].s.len : 1;
	if (want < 0)
		return error_setcode(PIPE_EUSAGE, "Second argument in %s() cannot be negative", e->fn->name);
	if (want > (int64_t)MADE_STRING_MAX)
		return error_setcode(PIPE_EUSAGE, "%s: the result would be longer than %u MiB", e->fn->name,
		                     MADE_STRING_MAX >> 20);
	size_t have = utf8_len(a[0].s.p, a[0].s.len);
	if ((size_t)want <= have) {
		*out = str_out(mem, a[0].s.p, utf8_offset(a[0].s.p, a[0].s.len, (size_t)want));
		return 0;
	}
	if (!plen)
		return error_setcode(PIPE_EUSAGE, "Third argument in %s() cannot be an empty string", e->fn->name);
	size_t need = (size_t)want - have, pchars = utf8_len(pat, plen);
	struct buf b = BUF_INIT;
	if (!left)
		buf_add(&b, a[0].s.p, a[0].s.len);
	for (size_t done = 0; done < need; done += pchars) {
		size_t take = need - done < pchars ? need - done : pchars;
		buf_add(&b, pat, utf8_offset(pat, plen, take));
	}
	if (left)
		buf_add(&b, a[0].s.p, a[0].s.len);
	*out = str_out(mem, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}

/* STRPOS(s, sub): where sub first starts, in characters from 1; 0 if not */
static enum type check_strpos(struct pexpr *e) { return is_str(T(0)) && is_str(T(1)) ? TYPE_INT64 : NOSIG; }

static int row_strpos(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	const char *at = a[1].s.len ? memmem(a[0].s.p, a[0].s.len, a[1].s.p, a[1].s.len) : a[0].s.p;
	*out = value_int64(at ? (int64_t)utf8_len(a[0].s.p, (size_t)(at - a[0].s.p)) + 1 : 0);
	return 0;
}

/* REVERSE: the characters in the other order */
static int row_reverse(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	char *p = arena_alloc(mem, a[0].s.len + 1);
	size_t n = a[0].s.len, at = 0;
	while (at < n) {
		size_t next = at + utf8_offset(a[0].s.p + at, n - at, 1);
		if (next == at)
			next = at + 1;
		memcpy(p + n - next, a[0].s.p + at, next - at);
		at = next;
	}
	p[n] = '\0';
	*out = value_string(p, n);
	return 0;
}

/* LEFT(s, n) and RIGHT(s, n): the first or last n characters */
static enum type check_left(struct pexpr *e) { return is_str(T(0)) && is_int(T(1)) ? TYPE_STRING : NOSIG; }

static int row_left(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	if (a[1].i < 0)
		return error_setcode(PIPE_EUSAGE, "Second argument in %s() cannot be negative", e->fn->name);
	size_t have = utf8_len(a[0].s.p, a[0].s.len), n = (uint64_t)a[1].i < have ? (size_t)a[1].i : have;
	if (e->fn->name[0] == 'L') {
		*out = str_out(mem, a[0].s.p, utf8_offset(a[0].s.p, a[0].s.len, n));
	} else {
		size_t from = utf8_offset(a[0].s.p, a[0].s.len, have - n);
		*out = str_out(mem, a[0].s.p + from, a[0].s.len - from);
	}
	return 0;
}

/* BYTE_LENGTH: bytes, of a STRING or BYTES */
static int row_byte_length(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = value_int64((int64_t)a[0].s.len);
	return 0;
}

/* ASCII: the code of the first byte (0 for an empty value), which must be
 * ASCII; CHR: the character of a code point (0 gives '') */
static enum type check_ascii(struct pexpr *e) { return is_str(T(0)) || T(0) == TYPE_BYTES ? TYPE_INT64 : NOSIG; }

static int row_ascii(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	unsigned char c = a[0].s.len ? (unsigned char)a[0].s.p[0] : 0;
	if (c >= 0x80 && a[0].type == TYPE_STRING)
		return error_setcode(PIPE_EUSAGE, "ASCII: the first character of the value is not ASCII");
	*out = value_int64(c);
	return 0;
}

static enum type check_chr(struct pexpr *e) { return is_int(T(0)) ? TYPE_STRING : NOSIG; }

static int row_chr(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	int64_t cp = a[0].i;
	char u[4];
	size_t n;
	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return error_setcode(PIPE_EUSAGE, "CHR: %lld is not a Unicode code point", (long long)cp);
	if (cp == 0) {
		n = 0;
	} else if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3f)), u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	*out = str_out(mem, u, n);
	return 0;
}

/* INITCAP(s[, delimiters]): each word's first letter upper case, the rest
 * lower (ASCII letters, as LOWER and UPPER); BigQuery's delimiters by default */
static enum type check_initcap(struct pexpr *e)
{
	return is_str(T(0)) && (e->nargs < 2 || is_str(T(1))) ? TYPE_STRING : NOSIG;
}

static int row_initcap(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	static const char defaults[] = " \t\n\r\v\f[](){}/|\\<>!?@\"^#$&~_,.:;*%+-";
	const char *delim = e->nargs == 2 ? a[1].s.p : defaults;
	size_t ndelim = e->nargs == 2 ? a[1].s.len : sizeof defaults - 1;
	char *p = arena_alloc(mem, a[0].s.len + 1);
	bool start = true;
	for (size_t i = 0; i < a[0].s.len; i++) {
		unsigned char c = (unsigned char)a[0].s.p[i];
		p[i] = (char)(start ? toupper(c) : tolower(c));
		start = memchr(delim, c, ndelim) != NULL;
	}
	p[a[0].s.len] = '\0';
	*out = value_string(p, a[0].s.len);
	return 0;
}

/* JSON_VALUE and JSON_EXTRACT_SCALAR (a scalar's text), JSON_QUERY and
 * JSON_EXTRACT (the value's JSON; JSON of a JSON argument) of a STRING or
 * JSON, at a path ('$' by default), through the reader set by
 * sql_set_json_path; NULL where the path leads nowhere. */
static sql_json_path_fn json_path_fn;

void sql_set_json_path(sql_json_path_fn fn) { json_path_fn = fn; }

/* JSON text wanted (JSON_QUERY, JSON_EXTRACT and their _ARRAY forms),
 * not a scalar's */
static bool json_query(const struct pexpr *e)
{
	const char *n = e->fn->name;
	return !strcmp(n, "JSON_QUERY") || !strcmp(n, "JSON_EXTRACT") || !strcmp(n, "JSON_QUERY_ARRAY") ||
	       !strcmp(n, "JSON_EXTRACT_ARRAY");
}

/* all six: JSON of a JSON argument's JSON text, else STRING; an ARRAY of
 * it for the _ARRAY forms */
static enum type check_json_path(struct pexpr *e)
{
	if (!(is_str(T(0)) || T(0) == TYPE_JSON) || (e->nargs == 2 && !is_str(T(1))))
		return NOSIG;
	enum type t = json_query(e) && T(0) == TYPE_JSON ? TYPE_JSON : TYPE_STRING;
	size_t n = strlen(e->fn->name);
	return n > 6 && !strcmp(e->fn->name + n - 6, "_ARRAY") ? type_array_of(t) : t;
}

static int row_json_path(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT;
	const char *path = e->nargs == 2 ? a[1].s.p : "$";
	size_t plen = e->nargs == 2 ? a[1].s.len : 1;
	if (!json_path_fn)
		return error_setcode(PIPE_EUSAGE, "%s: no JSON reader in this program", e->fn->name);
	int found = json_path_fn(a[0].s.p, a[0].s.len, path, plen, json_query(e), &b);
	if (found > 0) {
		*out = str_out(mem, b.data ? b.data : "", b.len);
		out->type = e->type;
	} else {
		*out = value_null(e->type);
	}
	buf_free(&b);
	return found < 0 ? found : 0;
}

/* An array built in b, as the row's value */
static struct value array_out(struct pexpr *e, struct arena *mem, const struct buf *b)
{
	char *p = arena_alloc(mem, b->len);
	memcpy(p, b->data, b->len);
	return value_array(e->type, p, b->len);
}

/* JSON_QUERY_ARRAY and JSON_EXTRACT_ARRAY (each element's JSON; JSON of a
 * JSON argument), JSON_VALUE_ARRAY and JSON_EXTRACT_STRING_ARRAY (each
 * scalar's text, a JSON null a NULL element): an ARRAY, NULL where the
 * path leads to no array (or to one holding an object or an array, for the
 * values), through the reader set by sql_set_json_array. */
static sql_json_path_fn json_array_fn;

void sql_set_json_array(sql_json_path_fn fn) { json_array_fn = fn; }

static int row_json_array(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT, arr = BUF_INIT;
	const char *path = e->nargs == 2 ? a[1].s.p : "$";
	size_t plen = e->nargs == 2 ? a[1].s.len : 1;
	if (!json_array_fn)
		return error_setcode(PIPE_EUSAGE, "%s: no JSON reader in this program", e->fn->name);
	int found = json_array_fn(a[0].s.p, a[0].s.len, path, plen, json_query(e), &b);
	*out = value_null(e->type);
	if (found > 0) {
		enum type elem = type_elem(e->type);
		value_array_start(&arr);
		for (size_t at = 0; at + 5 <= b.len;) {
			uint32_t n;
			memcpy(&n, b.data + at, 4);
			struct value x = b.data[at + 4] ? value_null(elem) : value_string(b.data + at + 5, n);
			x.type = elem;
			value_array_push(&arr, &x);
			at += 5 + n;
		}
		*out = array_out(e, mem, &arr);
	}
	buf_free(&arr);
	buf_free(&b);
	return found < 0 ? found : 0;
}

/* FORMAT(format, ...): printf's specifiers as BigQuery reads them: %d %i
 * (INT64), %o %x %X, %f %F %e %E %g %G (numbers), %s (any value as CAST
 * AS STRING gives it), %t (its text), %T (a literal: strings quoted), %%;
 * the flags - + space # 0 and ' (thousands grouped with commas), a width
 * and a precision (or * for the next argument). */
static enum type check_format(struct pexpr *e) { return is_str(T(0)) ? TYPE_STRING : NOSIG; }

static void group_thousands(struct buf *b, size_t from)
{
	size_t digits = from, end = b->len;
	while (digits < end && (b->data[digits] < '0' || b->data[digits] > '9'))
		digits++;
	size_t stop = digits;
	while (stop < end && b->data[stop] >= '0' && b->data[stop] <= '9')
		stop++;
	size_t n = stop - digits, commas = n > 3 ? (n - 1) / 3 : 0;
	if (!commas)
		return;
	buf_grow(b, commas);
	memmove(b->data + stop + commas, b->data + stop, end - stop);
	for (size_t i = n, to = stop + commas; i > 0; i--) {
		b->data[--to] = b->data[digits + i - 1];
		if (i > 1 && (n - i + 1) % 3 == 0)
			b->data[--to] = ',';
	}
	b->len += commas;
	b->data[b->len] = '\0';
}

static int row_format(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	if (a[0].is_null) {
		*out = value_null(TYPE_STRING); /* (nonstrict: the other NULLs print) */
		return 0;
	}
	const char *f = a[0].s.p, *end = f + a[0].s.len;
	size_t next = 1;
	struct buf b = BUF_INIT;
	int error = 0;
	while (f < end) {
		if (*f != '%') {
			buf_putc(&b, *f++);
			continue;
		}
		const char *spec = f++;
		char flags[8];
		size_t nflags = 0;
		bool group = false;
		while (f < end && strchr("-+ #0'", *f)) {
			if (*f == '\'')
				group = true;
			else if (nflags < sizeof flags - 1)
				flags[nflags++] = *f;
			f++;
		}
		flags[nflags] = '\0';
		long width = -1, prec = -1;
		for (int part = 0; part < 2; part++) {
			long *v = part ? &prec : &width;
			if (part) {
				if (f >= end || *f != '.')
					break;
				f++;
				*v = 0;
			}
			if (f < end && *f == '*') {
				f++;
				if (next >= e->nargs || a[next].type != TYPE_INT64 || a[next].is_null) {
					error = error_setcode(PIPE_EUSAGE, "FORMAT: * needs an INT64 argument");
					goto done;
				}
				*v = a[next].i < 0 ? 0 : a[next].i > 1000 ? 1000 : (long)a[next].i;
				next++;
			} else {
				while (f < end && *f >= '0' && *f <= '9' && (*v < 0 ? 0 : *v) < 1000)
					*v = (*v < 0 ? 0 : *v) * 10 + (*f++ - '0');
			}
		}
		if (f >= end) {
			error = error_setcode(PIPE_EUSAGE, "FORMAT: the specifier \"%.*s\" is not finished",
			                      (int)(end - spec), spec);
			goto done;
		}
		char conv = *f++;
		if (conv == '%') {
			buf_putc(&b, '%');
			continue;
		}
		if (next >= e->nargs) {
			error = error_setcode(PIPE_EUSAGE, "FORMAT: too few arguments for \"%.*s\"", (int)(f - spec), spec);
			goto done;
		}
		const struct value *v = &a[next++];
		char fmt[32];
		int w = (int)width, pr = (int)prec;
		size_t at = b.len;
		if (v->is_null && strchr("dioxXfFeEgG", conv)) {
			buf_puts(&b, "NULL");
			continue;
		}
		switch (conv) {
		case 'd': case 'i': case 'o': case 'x': case 'X':
			if (v->type != TYPE_INT64) {
				error = error_setcode(PIPE_EUSAGE, "FORMAT: %%%c takes an INT64, not a %s", conv, type_name(v->type));
				goto done;
			}
			snprintf(fmt, sizeof fmt, "%%%s*.*ll%c", flags, conv);
			buf_printf(&b, fmt, w, pr, (long long)v->i);
			break;
		case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
			if (!type_is_numeric(v->type)) {
				error = error_setcode(PIPE_EUSAGE, "FORMAT: %%%c takes a number, not a %s", conv, type_name(v->type));
				goto done;
			}
			snprintf(fmt, sizeof fmt, "%%%s*.*%c", flags, conv);
			buf_printf(&b, fmt, w, pr < 0 ? 6 : pr, as_double(v));
			break;
		case 's': case 't': case 'T': {
			struct buf text = BUF_INIT;
			if (v->is_null)
				buf_puts(&text, "NULL");
			else if (conv == 'T' && (v->type == TYPE_STRING))
				buf_printf(&text, "\"%.*s\"", (int)v->s.len, v->s.p);
			else if (v->type == TYPE_STRING || v->type == TYPE_JSON)
				buf_add(&text, v->s.p, v->s.len);
			else
				value_to_string(v, &text);
			snprintf(fmt, sizeof fmt, "%%%s*.*s", strchr(flags, '-') ? "-" : "");
			buf_printf(&b, fmt, w, pr < 0 ? (int)text.len : pr, text.data ? text.data : "");
			buf_free(&text);
			break;
		}
		default:
			error = error_setcode(PIPE_EUSAGE, "FORMAT: unknown specifier %%%c", conv);
			goto done;
		}
		if (group && strchr("dif", conv))
			group_thousands(&b, at);
	}
	if (next < e->nargs) {
		error = error_setcode(PIPE_EUSAGE, "FORMAT: more arguments than the format uses (%zu left)", e->nargs - next);
		goto done;
	}
	*out = str_out(mem, b.data ? b.data : "", b.len);
done:
	buf_free(&b);
	return error;
}

/* MD5, SHA1, SHA256, SHA512 (BYTES of a STRING's or BYTES' bytes), through
 * the function sql_set_digest hands over; TO_HEX and FROM_HEX. */
static sql_digest_fn digest_fn;

void sql_set_digest(sql_digest_fn fn) { digest_fn = fn; }

static enum type check_digest(struct pexpr *e) { return is_str(T(0)) || T(0) == TYPE_BYTES ? TYPE_BYTES : NOSIG; }

static int row_digest(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	unsigned char d[64];
	if (!digest_fn)
		return error_setcode(PIPE_EUSAGE, "%s: no digests in this program", e->fn->name);
	int n = digest_fn(e->fn->name, a[0].s.p, a[0].s.len, d);
	if (n < 0)
		return n;
	*out = str_out(mem, (const char *)d, (size_t)n);
	out->type = TYPE_BYTES;
	return 0;
}

/* FARM_FINGERPRINT: INT64 of a STRING's or BYTES' bytes (fingerprint.c) */
static enum type check_fingerprint(struct pexpr *e) { return is_str(T(0)) || T(0) == TYPE_BYTES ? TYPE_INT64 : NOSIG; }

static int row_fingerprint(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	(void)mem;
	*out = value_int64((int64_t)farm_fingerprint64(a[0].s.p ? a[0].s.p : "", a[0].s.len));
	return 0;
}

static enum type check_to_hex(struct pexpr *e) { return T(0) == TYPE_NULL || T(0) == TYPE_BYTES ? TYPE_STRING : NOSIG; }

static int row_to_hex(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	static const char digits[] = "0123456789abcdef";
	char *p = arena_alloc(mem, 2 * a[0].s.len + 1);
	for (size_t i = 0; i < a[0].s.len; i++) {
		p[2 * i] = digits[(unsigned char)a[0].s.p[i] >> 4];
		p[2 * i + 1] = digits[(unsigned char)a[0].s.p[i] & 15];
	}
	p[2 * a[0].s.len] = '\0';
	*out = value_string(p, 2 * a[0].s.len);
	return 0;
}

static enum type check_from_hex(struct pexpr *e) { return is_str(T(0)) ? TYPE_BYTES : NOSIG; }

static int row_from_hex(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	size_t n = a[0].s.len, odd = n % 2, len = (n + 1) / 2;
	unsigned char *p = arena_alloc(mem, len + 1);
	memset(p, 0, len + 1);
	for (size_t i = 0; i < n; i++) {
		char c = a[0].s.p[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return error_setcode(PIPE_EUSAGE, "FROM_HEX: \"%.*s\" is not hexadecimal", (int)(n > 64 ? 64 : n), a[0].s.p);
		size_t k = i + odd; /* an odd count reads as one led by a 0 */
		p[k / 2] |= (unsigned char)(k % 2 ? v : v << 4);
	}
	*out = value_bytes((const char *)p, len);
	return 0;
}

static enum type check_repeat(struct pexpr *e)
{
	return (is_str(T(0)) || T(0) == TYPE_BYTES) && is_int(T(1)) ? (T(0) == TYPE_NULL ? TYPE_STRING : T(0)) : NOSIG;
}

static int row_repeat(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	int64_t n = a[1].i;
	uint64_t len;
	if (n < 0)
		return error_setcode(PIPE_EUSAGE, "Second argument in REPEAT() cannot be negative");
	if (__builtin_mul_overflow((uint64_t)a[0].s.len, (uint64_t)n, &len) || len > MADE_STRING_MAX)
		return error_setcode(PIPE_EUSAGE, "REPEAT: the result would be longer than %u MiB", MADE_STRING_MAX >> 20);
	char *p = arena_alloc(mem, len + 1);
	for (uint64_t at = 0; at < len; at += a[0].s.len) /* (an empty string: none, whatever n) */
		memcpy(p + at, a[0].s.p, a[0].s.len);
	p[len] = '\0';
	*out = a[0];
	out->s = (struct str){p, (size_t)len};
	return 0;
}

static enum type check_str1(struct pexpr *e) { return is_str(T(0)) ? TYPE_STRING : NOSIG; }
static enum type check_str1_int(struct pexpr *e) { return is_str(T(0)) ? TYPE_INT64 : NOSIG; }

static int row_lower(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	char *p = arena_alloc(mem, a[0].s.len + 1);
	bool up = e->fn->name[0] == 'U';
	for (size_t i = 0; i < a[0].s.len; i++)
		p[i] = (char)(up ? toupper((unsigned char)a[0].s.p[i]) : tolower((unsigned char)a[0].s.p[i]));
	*out = value_string(p, a[0].s.len);
	return 0;
}

static size_t utf8_len(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			c++;
	return c;
}

size_t utf8_offset(const char *p, size_t n, size_t k)
{
	size_t i = 0;
	while (i < n && k > 0) {
		i++;
		while (i < n && ((unsigned char)p[i] & 0xc0) == 0x80)
			i++;
		k--;
	}
	return i;
}

static enum type check_length(struct pexpr *e)
{
	return is_str(T(0)) || T(0) == TYPE_BYTES ? TYPE_INT64 : NOSIG;
}

static int row_length(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = value_int64((int64_t)(a[0].type == TYPE_BYTES ? a[0].s.len : utf8_len(a[0].s.p, a[0].s.len)));
	return 0;
}

static enum type check_substr(struct pexpr *e)
{
	return is_str(T(0)) && is_int(T(1)) && (e->nargs < 3 || is_int(T(2))) ? TYPE_STRING : NOSIG;
}

static int row_substr(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int64_t len = (int64_t)utf8_len(a[0].s.p, a[0].s.len), pos = a[1].i, n = len;
	if (e->nargs == 3) {
		if (a[2].i < 0)
			return error_setcode(PIPE_EUSAGE, "Third argument in SUBSTR() cannot be negative");
		n = a[2].i;
	}
	if (pos < 0)
		pos = len + pos < 0 ? 0 : len + pos;
	else if (pos > 0)
		pos--;
	if (pos > len)
		pos = len;
	if (n > len - pos)
		n = len - pos;
	size_t from = utf8_offset(a[0].s.p, a[0].s.len, (size_t)pos);
	size_t to = from + utf8_offset(a[0].s.p + from, a[0].s.len - from, (size_t)n);
	*out = value_string(a[0].s.p + from, to - from);
	return 0;
}

static enum type check_concat(struct pexpr *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (T(i) == TYPE_BYTES || T(i) == TYPE_JSON || type_is_array(T(i)))
			return NOSIG;
	return TYPE_STRING;
}

static int row_concat(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->nargs; i++) {
		if (a[i].type == TYPE_STRING)
			buf_add(&b, a[i].s.p, a[i].s.len);
		else
			value_to_string(&a[i], &b);
	}
	*out = str_out(mem, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}

static enum type check_trim(struct pexpr *e)
{
	return is_str(T(0)) && (e->nargs < 2 || is_str(T(1))) ? TYPE_STRING : NOSIG;
}

static int row_trim(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	const char *set = " \t\n\r\v\f";
	size_t setlen = strlen(set);
	if (e->nargs == 2)
		set = a[1].s.p, setlen = a[1].s.len;
	const char *p = a[0].s.p;
	size_t lo = 0, hi = a[0].s.len;
	bool left = e->fn->name[0] != 'R', right = e->fn->name[0] != 'L';
	while (left && lo < hi && memchr(set, p[lo], setlen))
		lo++;
	while (right && hi > lo && memchr(set, p[hi - 1], setlen))
		hi--;
	*out = value_string(p + lo, hi - lo);
	return 0;
}

static enum type check_replace(struct pexpr *e)
{
	return is_str(T(0)) && is_str(T(1)) && is_str(T(2)) ? TYPE_STRING : NOSIG;
}

static int row_replace(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e;
	if (a[1].s.len == 0) {
		*out = a[0];
		return 0;
	}
	struct buf b = BUF_INIT;
	const char *p = a[0].s.p, *end = p + a[0].s.len;
	while (p < end) {
		if ((size_t)(end - p) >= a[1].s.len && memcmp(p, a[1].s.p, a[1].s.len) == 0) {
			buf_add(&b, a[2].s.p, a[2].s.len);
			p += a[1].s.len;
		} else {
			buf_putc(&b, *p++);
		}
	}
	*out = str_out(mem, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}

static enum type check_str2_bool(struct pexpr *e)
{
	return is_str(T(0)) && is_str(T(1)) ? TYPE_BOOL : NOSIG;
}

static int row_starts_with(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	bool r = false;
	if (a[1].s.len <= a[0].s.len) {
		const char *p = e->fn->name[0] == 'S' ? a[0].s.p : a[0].s.p + a[0].s.len - a[1].s.len;
		r = memcmp(p, a[1].s.p, a[1].s.len) == 0;
	}
	*out = value_bool(r);
	return 0;
}

/* CONTAINS_SUBSTR: case-insensitive (ASCII) substring test. */
static int row_contains(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	bool r = a[1].s.len == 0;
	for (size_t i = 0; !r && i + a[1].s.len <= a[0].s.len; i++)
		r = strncasecmp(a[0].s.p + i, a[1].s.p, a[1].s.len) == 0;
	*out = value_bool(r);
	return 0;
}

/* --- math --- */

static enum type check_num1(struct pexpr *e) { return is_num(T(0)) ? (T(0) == TYPE_NULL ? TYPE_INT64 : T(0)) : NOSIG; }
static enum type check_num1_float(struct pexpr *e) { return is_num(T(0)) ? TYPE_FLOAT64 : NOSIG; }

static int row_abs(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = a[0];
	switch (a[0].type) {
	case TYPE_INT64:
		if (a[0].i == INT64_MIN)
			return error_setcode(PIPE_EUSAGE, "int64 overflow: ABS(%lld)", (long long)a[0].i);
		out->i = a[0].i < 0 ? -a[0].i : a[0].i;
		break;
	case TYPE_NUMERIC: out->n = a[0].n < 0 ? -a[0].n : a[0].n; break;
	default: out->f = fabs(a[0].f); break;
	}
	return 0;
}

static enum type check_round(struct pexpr *e)
{
	if (!is_num(T(0)) || (e->nargs == 2 && !is_int(T(1))))
		return NOSIG;
	return T(0) == TYPE_NUMERIC ? TYPE_NUMERIC : TYPE_FLOAT64;
}

static double round_half_away(double x) { return x < 0 ? -floor(-x + 0.5) : floor(x + 0.5); }

static int row_round(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int64_t digits = e->nargs == 2 ? a[1].i : 0;
	char f = e->fn->name[0]; /* Round, Floor, Ceil, Trunc */
	if (a[0].type == TYPE_NUMERIC) {
		numeric_t unit = 1;
		for (int64_t k = digits < -29 ? -29 : digits; k < 9; k++)
			unit *= 10;
		numeric_t q = a[0].n / unit, r = a[0].n % unit;
		if (f == 'T')
			; /* toward zero, as the division */
		else if (f == 'R' && (r >= unit / 2 || r <= -unit / 2) && r != 0)
			q += r > 0 ? 1 : -1;
		else if (f == 'F' && r < 0)
			q -= 1;
		else if (f == 'C' && r > 0)
			q += 1;
		*out = value_numeric(q * unit);
		return 0;
	}
	double x = as_double(&a[0]), s = pow(10.0, (double)digits);
	double r = f == 'R' ? round_half_away(x * s) / s : f == 'T' ? trunc(x * s) / s : f == 'F' ? floor(x) : ceil(x);
	if ((f == 'R' || f == 'T') && digits == 0)
		r = f == 'R' ? round_half_away(x) : trunc(x);
	*out = value_float64(r);
	return 0;
}

static enum type check_num2(struct pexpr *e)
{
	if (!is_num(T(0)) || !is_num(T(1)))
		return NOSIG;
	if (T(0) == TYPE_FLOAT64 || T(1) == TYPE_FLOAT64)
		return TYPE_FLOAT64;
	if (T(0) == TYPE_NUMERIC || T(1) == TYPE_NUMERIC)
		return TYPE_NUMERIC;
	return TYPE_INT64;
}

static enum type check_div(struct pexpr *e) { return is_int(T(0)) && is_int(T(1)) ? TYPE_INT64 : check_num2(e) == TYPE_NUMERIC ? TYPE_NUMERIC : NOSIG; }

static int row_mod(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	bool div = e->fn->name[0] == 'D';
	if (a[0].type == TYPE_INT64 && a[1].type == TYPE_INT64) {
		if (a[1].i == 0)
			return error_setcode(PIPE_EUSAGE, "division by zero: %s(%lld, 0)", e->fn->name, (long long)a[0].i);
		if (a[0].i == INT64_MIN && a[1].i == -1) {
			if (div)
				return error_setcode(PIPE_EUSAGE, "int64 overflow: DIV(%lld, -1)", (long long)a[0].i);
			*out = value_int64(0);
			return 0;
		}
		*out = value_int64(div ? a[0].i / a[1].i : a[0].i % a[1].i);
		return 0;
	}
	if (e->type == TYPE_NUMERIC) {
		numeric_t x, y;
		if (a[0].type == TYPE_INT64) numeric_from_int64(a[0].i, &x); else x = a[0].n;
		if (a[1].type == TYPE_INT64) numeric_from_int64(a[1].i, &y); else y = a[1].n;
		if (y == 0)
			return error_setcode(PIPE_EUSAGE, "division by zero: %s", e->fn->name);
		*out = value_numeric(div ? (x / y) * NUMERIC_SCALE : x % y);
		return 0;
	}
	double x = as_double(&a[0]), y = as_double(&a[1]);
	if (y == 0)
		return error_setcode(PIPE_EUSAGE, "division by zero: MOD(%g, %g)", x, y);
	*out = value_float64(fmod(x, y));
	return 0;
}

static enum type check_safe_divide(struct pexpr *e)
{
	enum type t = check_num2(e);
	return t == NOSIG ? NOSIG : t == TYPE_NUMERIC ? TYPE_NUMERIC : TYPE_FLOAT64;
}

static int row_safe_divide(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	if (e->type == TYPE_NUMERIC) {
		numeric_t x, y;
		if (a[0].type == TYPE_INT64) numeric_from_int64(a[0].i, &x); else x = a[0].n;
		if (a[1].type == TYPE_INT64) numeric_from_int64(a[1].i, &y); else y = a[1].n;
		if (y == 0 || numeric_div(x, y, &x) < 0) {
			error_clear();
			*out = value_null(TYPE_NUMERIC);
		} else {
			*out = value_numeric(x);
		}
		return 0;
	}
	double y = as_double(&a[1]);
	*out = y == 0 ? value_null(TYPE_FLOAT64) : value_float64(as_double(&a[0]) / y);
	return 0;
}

static enum type check_pow(struct pexpr *e) { return is_num(T(0)) && is_num(T(1)) ? TYPE_FLOAT64 : NOSIG; }

static int row_pow(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	double r = pow(as_double(&a[0]), as_double(&a[1]));
	if (isnan(r) && !isnan(as_double(&a[0])))
		return error_setcode(PIPE_EUSAGE, "Floating point error in function: POW(%g, %g)",
				     as_double(&a[0]), as_double(&a[1]));
	*out = value_float64(r);
	return 0;
}

static int row_sqrt(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	double x = as_double(&a[0]);
	if (x < 0)
		return error_setcode(PIPE_EUSAGE, "Argument to SQRT cannot be negative: %g", x);
	*out = value_float64(sqrt(x));
	return 0;
}

/* LN, LOG(x[, base]), LOG10 and EXP: FLOAT64, BigQuery's errors where
 * the value does not exist */
static enum type check_log(struct pexpr *e)
{
	return is_num(T(0)) && (e->nargs == 1 || is_num(T(1))) ? TYPE_FLOAT64 : NOSIG;
}

static int row_log(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	const char *name = e->fn->name;
	double x = as_double(&a[0]), r;
	if (name[0] == 'E') {
		r = exp(x);
		if (isinf(r) && !isinf(x))
			return error_setcode(PIPE_EUSAGE, "Floating point overflow in function: EXP(%g)", x);
		*out = value_float64(r);
		return 0;
	}
	if (x <= 0)
		return error_setcode(PIPE_EUSAGE, "Argument of %s must be positive: %g", name, x);
	if (e->nargs == 2) {
		double base = as_double(&a[1]);
		if (base <= 0 || base == 1)
			return error_setcode(PIPE_EUSAGE, "The base of LOG must be positive and not 1: %g", base);
		r = log(x) / log(base);
	} else {
		r = !strcmp(name, "LOG10") ? log10(x) : log(x);
	}
	*out = value_float64(r);
	return 0;
}

/* SAFE_ADD, SAFE_SUBTRACT, SAFE_MULTIPLY and SAFE_NEGATE: NULL where the
 * operator would overflow */
static int row_safe_arith(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	char op = e->fn->name[5]; /* SAFE_Add, Subtract, Multiply, Negate */
	struct value y = e->nargs == 2 ? a[1] : value_int64(0), x = a[0];
	if (op == 'N')
		y = x, x = value_int64(0);
	*out = value_null(e->type);
	if (e->type == TYPE_INT64) {
		int64_t r;
		bool over = op == 'A' ? __builtin_add_overflow(x.i, y.i, &r)
		            : op == 'M' ? __builtin_mul_overflow(x.i, y.i, &r) : __builtin_sub_overflow(x.i, y.i, &r);
		if (!over)
			*out = value_int64(r);
	} else if (e->type == TYPE_NUMERIC) {
		numeric_t xn = x.n, yn = y.n, r;
		if (x.type != TYPE_NUMERIC)
			numeric_from_int64(x.i, &xn); /* (an INT64 always fits) */
		if (y.type != TYPE_NUMERIC)
			numeric_from_int64(y.i, &yn);
		int error = op == 'A' ? numeric_add(xn, yn, &r) : op == 'M' ? numeric_mul(xn, yn, &r) : numeric_sub(xn, yn, &r);
		if (error < 0)
			error_clear();
		else
			*out = value_numeric(r);
	} else {
		double fx = as_double(&x), fy = as_double(&y);
		double r = op == 'A' ? fx + fy : op == 'M' ? fx * fy : fx - fy;
		if (!isinf(r) || isinf(fx) || isinf(fy))
			*out = value_float64(r);
	}
	return 0;
}

/* SIGN: -1, 0 or 1 of x's type; NaN stays NaN */
static int row_sign(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = a[0];
	switch (a[0].type) {
	case TYPE_INT64: out->i = (a[0].i > 0) - (a[0].i < 0); break;
	case TYPE_NUMERIC: out->n = (numeric_t)((a[0].n > 0) - (a[0].n < 0)) * NUMERIC_SCALE; break;
	default: out->f = isnan(a[0].f) ? a[0].f : (double)((a[0].f > 0) - (a[0].f < 0)); break;
	}
	return 0;
}

/* --- the rest --- */

static enum type check_same2(struct pexpr *e)
{
	if (type_is_array(T(0)) || type_is_array(T(1)))
		return NOSIG; /* NULLIF compares */
	if (T(0) == TYPE_NULL)
		return T(1);
	if (T(1) == TYPE_NULL || T(0) == T(1))
		return T(0);
	if (type_is_numeric(T(0)) && type_is_numeric(T(1)))
		return check_num2(e);
	return NOSIG;
}

static int row_nullif(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	if (!a[0].is_null && !a[1].is_null && value_compare(&a[0], &a[1]) == 0)
		*out = value_null(e->type);
	else
		*out = a[0];
	return 0;
}

static enum type check_greatest(struct pexpr *e)
{
	enum type t = TYPE_NULL;
	for (size_t i = 0; i < e->nargs; i++) {
		if (type_is_array(T(i)))
			return NOSIG;
		if (T(i) == TYPE_NULL || T(i) == t)
			continue;
		if (t == TYPE_NULL)
			t = T(i);
		else if (type_is_numeric(t) && type_is_numeric(T(i)))
			t = t == TYPE_FLOAT64 || T(i) == TYPE_FLOAT64 ? TYPE_FLOAT64 : TYPE_NUMERIC;
		else
			return NOSIG;
	}
	return t;
}

static int row_greatest(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	bool least = e->fn->name[0] == 'L';
	struct value best = a[0];
	for (size_t i = 1; i < e->nargs; i++) {
		int c = value_compare(&a[i], &best);
		if (least ? c < 0 : c > 0)
			best = a[i];
	}
	return value_cast(&best, e->type, mem, out);
}

/* EXTRACT(part FROM x): the parser's form; args are x and the part. */
static enum type check_extract(struct pexpr *e)
{
	if (!is_time(T(0)))
		return NOSIG;
	enum date_part p = (enum date_part)e->args[1]->lit.i;
	if (T(0) == TYPE_DATE && p <= PART_HOUR)
		return NOSIG;
	return p == PART_DATE ? TYPE_DATE : TYPE_INT64;
}

static int row_extract(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	enum date_part p = (enum date_part)a[1].i;
	int64_t r;
	int error;
	if (a[0].type == TYPE_DATE)
		error = date_extract(a[0].days, p, &r);
	else
		error = micros_extract(a[0].us, p, &r);
	if (error < 0)
		return error;
	*out = p == PART_DATE ? value_date((int32_t)r) : value_int64(r);
	return 0;
}

/* --- IEEE floats --- */

static enum type check_is_nan(struct pexpr *e) { return is_num(T(0)) ? TYPE_BOOL : NOSIG; }

static int row_is_nan(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	double x = as_double(&a[0]);
	*out = value_bool(e->fn->name[3] == 'N' ? isnan(x) : isinf(x));
	return 0;
}

static enum type check_ieee_divide(struct pexpr *e) { return is_num(T(0)) && is_num(T(1)) ? TYPE_FLOAT64 : NOSIG; }

/* x / y by IEEE 754: division by zero is +-inf or NaN, not an error */
static int row_ieee_divide(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = value_float64(as_double(&a[0]) / as_double(&a[1]));
	return 0;
}

/* --- CURRENT_DATE, CURRENT_DATETIME, CURRENT_TIMESTAMP --- */

/* The binder passes the statement's one time (FN_NOW); UTC. */
static enum type check_now(struct pexpr *e)
{
	const char *n = e->fn->name;
	return strcmp(n, "CURRENT_DATE") == 0 ? TYPE_DATE : strcmp(n, "CURRENT_DATETIME") == 0 ? TYPE_DATETIME
											      : TYPE_TIMESTAMP;
}

static int row_now(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	int32_t days;
	int64_t rest;
	*out = a[0];
	out->type = e->type;
	if (e->type == TYPE_DATE) {
		split_micros(a[0].us, &days, &rest);
		*out = value_date(days);
	}
	return 0;
}

/* --- arrays (value.h has their encoding) --- */

/* The most elements an array made here holds (GENERATE_ARRAY, SPLIT) */
#define GENERATE_ARRAY_MAX 1000000

/* SPLIT(s[, delimiter]): ARRAY<STRING> of the pieces between delimiters
 * (',' by default; an empty one splits into characters); an empty s is
 * one empty piece, as BigQuery's. */
static enum type check_split(struct pexpr *e)
{
	return is_str(T(0)) && (e->nargs < 2 || is_str(T(1))) ? type_array_of(TYPE_STRING) : NOSIG;
}

static int row_split(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	const char *p = a[0].s.p, *end = p + a[0].s.len, *d = e->nargs == 2 ? a[1].s.p : ",";
	size_t dlen = e->nargs == 2 ? a[1].s.len : 1, n = 0;
	struct buf b = BUF_INIT;
	value_array_start(&b);
	for (;;) {
		const char *at;
		if (dlen)
			at = memmem(p, (size_t)(end - p), d, dlen);
		else
			at = p < end ? p + utf8_offset(p, (size_t)(end - p), 1) : NULL;
		if (++n > GENERATE_ARRAY_MAX) {
			buf_free(&b);
			return error_setcode(PIPE_EUSAGE, "SPLIT would make more than %d elements", GENERATE_ARRAY_MAX);
		}
		struct value piece = value_string(p, (size_t)((at ? at : end) - p));
		value_array_push(&b, &piece);
		if (!at || (!dlen && at >= end))
			break;
		p = at + dlen;
	}
	*out = array_out(e, mem, &b);
	buf_free(&b);
	return 0;
}

/* [x, y, ...]: the binder unified the elements and set e->type */
static enum type check_array_literal(struct pexpr *e) { return e->type; }

static int row_array_literal(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT;
	value_array_start(&b);
	for (size_t i = 0; i < e->nargs; i++)
		value_array_push(&b, &a[i]);
	*out = array_out(e, mem, &b);
	buf_free(&b);
	return 0;
}

/* arr[OFFSET(i)] and the others: an element, of the array's element type */
static enum type check_array_at(struct pexpr *e)
{
	return type_is_array(T(0)) && is_int(T(1)) ? type_elem(T(0)) : NOSIG;
}

static int row_array_at(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	bool ordinal = strstr(e->fn->name, "ORDINAL") != NULL, safe = strstr(e->fn->name, "SAFE") != NULL;
	int64_t k = a[1].i - (ordinal ? 1 : 0);
	if (k >= 0 && value_array_get(&a[0], (size_t)k, out))
		return 0;
	if (safe) {
		*out = value_null(e->type);
		return 0;
	}
	return error_setcode(PIPE_EUSAGE, "Array index %lld is out of bounds (%s)", (long long)a[1].i,
			     k < 0 ? "underflow" : "overflow");
}

static enum type check_array_length(struct pexpr *e)
{
	return type_is_array(T(0)) || T(0) == TYPE_NULL ? TYPE_INT64 : NOSIG;
}

/* x IN UNNEST(array): as x IN (its elements), where UNNEST(NULL) has none */
static enum type check_in_unnest(struct pexpr *e)
{
	if (!type_is_array(T(1)) && T(1) != TYPE_NULL)
		return NOSIG;
	enum type t = type_is_array(T(1)) ? type_elem(T(1)) : T(0);
	return T(0) == TYPE_NULL || T(0) == t || (type_is_numeric(T(0)) && type_is_numeric(t)) ? TYPE_BOOL : NOSIG;
}

static int row_in_unnest(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	size_t at = 0;
	struct value x;
	bool unknown = false;
	while (value_array_next(&a[1], &at, &x)) {
		int c = value_compare(&a[0], &x);
		if (c == 0) {
			*out = value_bool(true);
			return 0;
		}
		/* NULL on either side is unknown; NaN is only unequal */
		unknown = unknown || (c == CMP_UNKNOWN && (x.is_null || a[0].is_null || a[0].type == TYPE_NULL));
	}
	*out = unknown ? value_null(TYPE_BOOL) : value_bool(false);
	return 0;
}

static int row_array_length(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)e, (void)mem;
	*out = value_int64((int64_t)value_array_count(&a[0]));
	return 0;
}

/* ARRAY_CONCAT(arr, ...): arrays of one element type, NULL if any is NULL */
static enum type check_array_concat(struct pexpr *e)
{
	enum type t = TYPE_NULL;
	for (size_t i = 0; i < e->nargs; i++) {
		if (T(i) == TYPE_NULL)
			continue;
		if (!type_is_array(T(i)) || (t != TYPE_NULL && T(i) != t))
			return NOSIG;
		t = T(i);
	}
	return t == TYPE_NULL ? NOSIG : t;
}

static int row_array_concat(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT;
	struct value x;
	value_array_start(&b);
	for (size_t i = 0; i < e->nargs; i++)
		for (size_t at = 0; value_array_next(&a[i], &at, &x);)
			value_array_push(&b, &x);
	*out = array_out(e, mem, &b);
	buf_free(&b);
	return 0;
}

/* ARRAY_TO_STRING(ARRAY<STRING>, delimiter[, null_text]) */
static enum type check_array_to_string(struct pexpr *e)
{
	if (T(0) != type_array_of(TYPE_STRING) && T(0) != type_array_of(TYPE_BYTES))
		return NOSIG;
	for (size_t i = 1; i < e->nargs; i++)
		if (T(i) != TYPE_NULL && T(i) != type_elem(T(0)))
			return NOSIG;
	return type_elem(T(0));
}

static int row_array_to_string(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct buf b = BUF_INIT;
	struct value x;
	size_t at = 0;
	bool first = true;
	while (value_array_next(&a[0], &at, &x)) {
		if (x.is_null && e->nargs < 3)
			continue; /* NULL elements are left out without a null_text */
		if (!first)
			buf_add(&b, a[1].s.p, a[1].s.len);
		first = false;
		if (x.is_null)
			buf_add(&b, a[2].s.p, a[2].s.len);
		else
			buf_add(&b, x.s.p, x.s.len);
	}
	*out = str_out(mem, b.data ? b.data : "", b.len);
	out->type = e->type;
	buf_free(&b);
	return 0;
}

/* GENERATE_ARRAY(start, end[, step]) of INT64 */
static enum type check_generate_array(struct pexpr *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (!is_int(T(i)))
			return NOSIG;
	return type_array_of(TYPE_INT64);
}

static int row_generate_array(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	int64_t step = e->nargs == 3 ? a[2].i : 1;
	if (step == 0)
		return error_setcode(PIPE_EUSAGE, "Sequence step cannot be 0.");
	struct buf b = BUF_INIT;
	value_array_start(&b);
	size_t n = 0;
	for (int64_t x = a[0].i; step > 0 ? x <= a[1].i : x >= a[1].i;) {
		if (++n > GENERATE_ARRAY_MAX) {
			buf_free(&b);
			return error_setcode(PIPE_EUSAGE, "GENERATE_ARRAY would make more than %d elements",
					     GENERATE_ARRAY_MAX);
		}
		struct value v = value_int64(x);
		value_array_push(&b, &v);
		if (__builtin_add_overflow(x, step, &x))
			break;
	}
	*out = array_out(e, mem, &b);
	buf_free(&b);
	return 0;
}

/* --- aggregates and analytic functions: their one value argument --- */

static enum type check_int64(struct pexpr *e)
{
	(void)e;
	return TYPE_INT64;
}

static enum type check_countif(struct pexpr *e)
{
	return T(0) == TYPE_BOOL || T(0) == TYPE_NULL ? TYPE_INT64 : NOSIG;
}

static enum type check_sum(struct pexpr *e)
{
	enum type t = T(0) == TYPE_NULL ? TYPE_INT64 : T(0);
	return type_is_numeric(t) ? t : NOSIG;
}

static enum type check_avg(struct pexpr *e)
{
	enum type t = check_sum(e);
	return t == TYPE_INT64 ? TYPE_FLOAT64 : t;
}

/* MIN, MAX, ANY_VALUE: any type that compares */
static enum type check_min_max(struct pexpr *e)
{
	if (T(0) == TYPE_JSON || type_is_array(T(0)))
		return NOSIG;
	return T(0) == TYPE_NULL ? TYPE_INT64 : T(0);
}

/* ARRAY_REVERSE(arr): its elements in the other order */
static enum type check_array_reverse(struct pexpr *e) { return type_is_array(T(0)) ? T(0) : NOSIG; }

static int row_array_reverse(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	size_t at = 0, n = 0, cap = 0;
	struct value x, *v = NULL;
	while (value_array_next(&a[0], &at, &x)) {
		grow_array(&v, &cap, n + 1, sizeof *v);
		v[n++] = x;
	}
	struct buf b = BUF_INIT;
	value_array_start(&b);
	while (n)
		value_array_push(&b, &v[--n]);
	free(v);
	*out = array_out(e, mem, &b);
	buf_free(&b);
	return 0;
}

/* STDDEV, VARIANCE and their _SAMP and _POP: FLOAT64 of a number */
static enum type check_variance(struct pexpr *e) { return is_num(T(0)) ? TYPE_FLOAT64 : NOSIG; }

/* CORR, COVAR_POP and COVAR_SAMP: FLOAT64 of two numbers */
static enum type check_pair(struct pexpr *e) { return is_num(T(0)) && is_num(T(1)) ? TYPE_FLOAT64 : NOSIG; }

/* APPROX_QUANTILES(x, number): values of x, which must have an order */
static enum type check_quantiles(struct pexpr *e)
{
	enum type t = T(0);
	return type_is_array(t) || t == TYPE_JSON ? NOSIG : t == TYPE_NULL ? TYPE_INT64 : t;
}

/* LOGICAL_AND and LOGICAL_OR: MIN and MAX of a BOOL (false sorts first) */
static enum type check_logical(struct pexpr *e) { return T(0) == TYPE_BOOL || T(0) == TYPE_NULL ? TYPE_BOOL : NOSIG; }

static enum type check_string_agg(struct pexpr *e)
{
	return T(0) == TYPE_NULL || T(0) == TYPE_STRING ? TYPE_STRING : T(0) == TYPE_BYTES ? TYPE_BYTES : NOSIG;
}

/* ARRAY_AGG(x ...)[OFFSET(k)]: an element, of x's type */
static enum type check_array_pick(struct pexpr *e) { return T(0) == TYPE_NULL ? TYPE_INT64 : T(0); }

static enum type check_float64(struct pexpr *e)
{
	(void)e;
	return TYPE_FLOAT64;
}

/* PERCENTILE_CONT: FLOAT64 between two values of an INT64 or FLOAT64 */
static enum type check_percentile_cont(struct pexpr *e)
{
	return T(0) == TYPE_INT64 || T(0) == TYPE_FLOAT64 || T(0) == TYPE_NULL ? TYPE_FLOAT64 : NOSIG;
}

/* PERCENTILE_DISC: one of the values, which must have an order */
static enum type check_percentile_disc(struct pexpr *e)
{
	return type_is_array(T(0)) || T(0) == TYPE_JSON ? NOSIG : T(0);
}

/* LAG, LEAD, FIRST_VALUE, LAST_VALUE: a value of the argument */
static enum type check_value(struct pexpr *e) { return T(0); }

static const struct sql_func funcs[] = {
	/* scalar functions */
	{"ABS", FN_SCALAR, 1, 1, -1, false, check_num1, row_abs, 0, 0},
	{"ASCII", FN_SCALAR, 1, 1, -1, false, check_ascii, row_ascii, 0, 0},
	{"ARRAY_CONCAT", FN_SCALAR, 1, 64, -1, false, check_array_concat, row_array_concat, 0, 0},
	{"ARRAY_LENGTH", FN_SCALAR, 1, 1, -1, false, check_array_length, row_array_length, 0, 0},
	{"ARRAY_REVERSE", FN_SCALAR, 1, 1, -1, false, check_array_reverse, row_array_reverse, 0, 0},
	{"ARRAY_TO_STRING", FN_SCALAR, 2, 3, -1, false, check_array_to_string, row_array_to_string, 0, 0},
	{"BYTE_LENGTH", FN_SCALAR, 1, 1, -1, false, check_length, row_byte_length, 0, 0},
	{"CEIL", FN_SCALAR, 1, 1, -1, false, check_round, row_round, 0, 0},
	{"CEILING", FN_SCALAR, 1, 1, -1, false, check_round, row_round, 0, 0},
	{"CHARACTER_LENGTH", FN_SCALAR, 1, 1, -1, false, check_str1_int, row_length, 0, 0},
	{"CHAR_LENGTH", FN_SCALAR, 1, 1, -1, false, check_str1_int, row_length, 0, 0},
	{"CHR", FN_SCALAR, 1, 1, -1, false, check_chr, row_chr, 0, 0},
	{"CONCAT", FN_SCALAR, 1, 64, -1, false, check_concat, row_concat, 0, 0},
	{"CONTAINS_SUBSTR", FN_SCALAR, 2, 2, -1, false, check_str2_bool, row_contains, 0, 0},
	{"CURRENT_DATE", FN_SCALAR | FN_NOW, 0, 0, -1, false, check_now, row_now, 0, 0},
	{"CURRENT_DATETIME", FN_SCALAR | FN_NOW, 0, 0, -1, false, check_now, row_now, 0, 0},
	{"CURRENT_TIMESTAMP", FN_SCALAR | FN_NOW, 0, 0, -1, false, check_now, row_now, 0, 0},
	{"DATE", FN_SCALAR, 1, 3, -1, false, check_date, row_date, 0, 0},
	{"DATETIME", FN_SCALAR, 1, 1, -1, false, check_datetime, row_datetime, 0, 0},
	{"DATETIME_TRUNC", FN_SCALAR, 2, 2, 1, false, check_trunc, row_trunc, 0, 0},
	{"DATETIME_ADD", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"DATETIME_SUB", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"DATE_ADD", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"DATE_DIFF", FN_SCALAR, 3, 3, 2, false, check_date_diff, row_date_diff, 0, 0},
	{"DATE_FROM_UNIX_DATE", FN_SCALAR, 1, 1, -1, false, check_from_unix_date, row_from_unix_date, 0, 0},
	{"DATE_SUB", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"DATE_TRUNC", FN_SCALAR, 2, 2, 1, false, check_trunc, row_trunc, 0, 0},
	{"DIV", FN_SCALAR, 2, 2, -1, false, check_div, row_mod, 0, 0},
	{"ENDS_WITH", FN_SCALAR, 2, 2, -1, false, check_str2_bool, row_starts_with, 0, 0},
	{"EXTRACT", FN_SCALAR, 2, 2, 1, false, check_extract, row_extract, 0, 0},
	{"EXP", FN_SCALAR, 1, 1, -1, false, check_log, row_log, 0, 0},
	{"FARM_FINGERPRINT", FN_SCALAR, 1, 1, -1, false, check_fingerprint, row_fingerprint, 0, 0},
	{"FLOOR", FN_SCALAR, 1, 1, -1, false, check_round, row_round, 0, 0},
	{"FORMAT", FN_SCALAR, 1, 64, -1, true, check_format, row_format, 0, 0},
	{"FORMAT_DATE", FN_SCALAR, 2, 2, -1, false, check_format_time, row_format_time, 0, 0},
	{"FORMAT_DATETIME", FN_SCALAR, 2, 2, -1, false, check_format_time, row_format_time, 0, 0},
	{"FORMAT_TIMESTAMP", FN_SCALAR, 2, 2, -1, false, check_format_time, row_format_time, 0, 0},
	{"FROM_HEX", FN_SCALAR, 1, 1, -1, false, check_from_hex, row_from_hex, 0, 0},
	{"GENERATE_ARRAY", FN_SCALAR, 2, 3, -1, false, check_generate_array, row_generate_array, 0, 0},
	{"GREATEST", FN_SCALAR, 1, 64, -1, false, check_greatest, row_greatest, 0, 0},
	{"IEEE_DIVIDE", FN_SCALAR, 2, 2, -1, false, check_ieee_divide, row_ieee_divide, 0, 0},
	{"INITCAP", FN_SCALAR, 1, 2, -1, false, check_initcap, row_initcap, 0, 0},
	{"IS_INF", FN_SCALAR, 1, 1, -1, false, check_is_nan, row_is_nan, 0, 0},
	{"IS_NAN", FN_SCALAR, 1, 1, -1, false, check_is_nan, row_is_nan, 0, 0},
	{"LEAST", FN_SCALAR, 1, 64, -1, false, check_greatest, row_greatest, 0, 0},
	{"JSON_EXTRACT", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_path, 0, 0},
	{"JSON_EXTRACT_SCALAR", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_path, 0, 0},
	{"JSON_EXTRACT_ARRAY", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_array, 0, 0},
	{"JSON_EXTRACT_STRING_ARRAY", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_array, 0, 0},
	{"JSON_QUERY", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_path, 0, 0},
	{"JSON_QUERY_ARRAY", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_array, 0, 0},
	{"JSON_VALUE", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_path, 0, 0},
	{"JSON_VALUE_ARRAY", FN_SCALAR, 1, 2, -1, false, check_json_path, row_json_array, 0, 0},
	{"LAST_DAY", FN_SCALAR, 1, 2, 1, false, check_last_day, row_last_day, 0, 0},
	{"LEFT", FN_SCALAR, 2, 2, -1, false, check_left, row_left, 0, 0},
	{"LENGTH", FN_SCALAR, 1, 1, -1, false, check_length, row_length, 0, 0},
	{"LN", FN_SCALAR, 1, 1, -1, false, check_log, row_log, 0, 0},
	{"LOG", FN_SCALAR, 1, 2, -1, false, check_log, row_log, 0, 0},
	{"LOG10", FN_SCALAR, 1, 1, -1, false, check_log, row_log, 0, 0},
	{"LOWER", FN_SCALAR, 1, 1, -1, false, check_str1, row_lower, 0, 0},
	{"LPAD", FN_SCALAR, 2, 3, -1, false, check_pad, row_pad, 0, 0},
	{"LTRIM", FN_SCALAR, 1, 2, -1, false, check_trim, row_trim, 0, 0},
	{"MD5", FN_SCALAR, 1, 1, -1, false, check_digest, row_digest, 0, 0},
	{"MOD", FN_SCALAR, 2, 2, -1, false, check_num2, row_mod, 0, 0},
	{"NULLIF", FN_SCALAR, 2, 2, -1, true, check_same2, row_nullif, 0, 0},
	{"PARSE_DATE", FN_SCALAR, 2, 2, -1, false, check_parse_time, row_parse_time, 0, 0},
	{"PARSE_DATETIME", FN_SCALAR, 2, 2, -1, false, check_parse_time, row_parse_time, 0, 0},
	{"PARSE_TIMESTAMP", FN_SCALAR, 2, 2, -1, false, check_parse_time, row_parse_time, 0, 0},
	{"POW", FN_SCALAR, 2, 2, -1, false, check_pow, row_pow, 0, 0},
	{"POWER", FN_SCALAR, 2, 2, -1, false, check_pow, row_pow, 0, 0},
	{"REGEXP_CONTAINS", FN_SCALAR, 2, 2, -1, false, check_regexp, row_regexp_contains, 0, 0},
	{"REGEXP_EXTRACT", FN_SCALAR, 2, 2, -1, false, check_regexp, row_regexp_extract, 0, 0},
	{"REGEXP_REPLACE", FN_SCALAR, 3, 3, -1, false, check_regexp, row_regexp_replace, 0, 0},
	{"REPEAT", FN_SCALAR, 2, 2, -1, false, check_repeat, row_repeat, 0, 0},
	{"REPLACE", FN_SCALAR, 3, 3, -1, false, check_replace, row_replace, 0, 0},
	{"REVERSE", FN_SCALAR, 1, 1, -1, false, check_str1, row_reverse, 0, 0},
	{"RIGHT", FN_SCALAR, 2, 2, -1, false, check_left, row_left, 0, 0},
	{"ROUND", FN_SCALAR, 1, 2, -1, false, check_round, row_round, 0, 0},
	{"RPAD", FN_SCALAR, 2, 3, -1, false, check_pad, row_pad, 0, 0},
	{"RTRIM", FN_SCALAR, 1, 2, -1, false, check_trim, row_trim, 0, 0},
	{"SAFE_ADD", FN_SCALAR, 2, 2, -1, false, check_num2, row_safe_arith, 0, 0},
	{"SAFE_DIVIDE", FN_SCALAR, 2, 2, -1, false, check_safe_divide, row_safe_divide, 0, 0},
	{"SAFE_MULTIPLY", FN_SCALAR, 2, 2, -1, false, check_num2, row_safe_arith, 0, 0},
	{"SAFE_NEGATE", FN_SCALAR, 1, 1, -1, false, check_num1, row_safe_arith, 0, 0},
	{"SAFE_SUBTRACT", FN_SCALAR, 2, 2, -1, false, check_num2, row_safe_arith, 0, 0},
	{"SHA1", FN_SCALAR, 1, 1, -1, false, check_digest, row_digest, 0, 0},
	{"SHA256", FN_SCALAR, 1, 1, -1, false, check_digest, row_digest, 0, 0},
	{"SHA512", FN_SCALAR, 1, 1, -1, false, check_digest, row_digest, 0, 0},
	{"SIGN", FN_SCALAR, 1, 1, -1, false, check_num1, row_sign, 0, 0},
	{"SPLIT", FN_SCALAR, 1, 2, -1, false, check_split, row_split, 0, 0},
	{"SQRT", FN_SCALAR, 1, 1, -1, false, check_num1_float, row_sqrt, 0, 0},
	{"STARTS_WITH", FN_SCALAR, 2, 2, -1, false, check_str2_bool, row_starts_with, 0, 0},
	{"STRPOS", FN_SCALAR, 2, 2, -1, false, check_strpos, row_strpos, 0, 0},
	{"SUBSTR", FN_SCALAR, 2, 3, -1, false, check_substr, row_substr, 0, 0},
	{"SUBSTRING", FN_SCALAR, 2, 3, -1, false, check_substr, row_substr, 0, 0},
	{"TIMESTAMP", FN_SCALAR, 1, 1, -1, false, check_timestamp, row_timestamp, 0, 0},
	{"TIMESTAMP_ADD", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"TIMESTAMP_DIFF", FN_SCALAR, 3, 3, 2, false, check_date_diff, row_date_diff, 0, 0},
	{"TIMESTAMP_MICROS", FN_SCALAR, 1, 1, -1, false, check_from_epoch, row_from_epoch, 0, 0},
	{"TIMESTAMP_MILLIS", FN_SCALAR, 1, 1, -1, false, check_from_epoch, row_from_epoch, 0, 0},
	{"TIMESTAMP_SECONDS", FN_SCALAR, 1, 1, -1, false, check_from_epoch, row_from_epoch, 0, 0},
	{"TIMESTAMP_SUB", FN_SCALAR, 3, 3, 2, false, check_time_add, row_time_add, 0, 0},
	{"TIMESTAMP_TRUNC", FN_SCALAR, 2, 2, 1, false, check_trunc, row_trunc, 0, 0},
	{"TO_HEX", FN_SCALAR, 1, 1, -1, false, check_to_hex, row_to_hex, 0, 0},
	{"TRIM", FN_SCALAR, 1, 2, -1, false, check_trim, row_trim, 0, 0},
	{"TRUNC", FN_SCALAR, 1, 2, -1, false, check_round, row_round, 0, 0},
	{"UNIX_DATE", FN_SCALAR, 1, 1, -1, false, check_unix_date, row_unix_date, 0, 0},
	{"UNIX_MICROS", FN_SCALAR, 1, 1, -1, false, check_to_epoch, row_to_epoch, 0, 0},
	{"UNIX_MILLIS", FN_SCALAR, 1, 1, -1, false, check_to_epoch, row_to_epoch, 0, 0},
	{"UNIX_SECONDS", FN_SCALAR, 1, 1, -1, false, check_to_epoch, row_to_epoch, 0, 0},
	{"UPPER", FN_SCALAR, 1, 1, -1, false, check_str1, row_lower, 0, 0},
	/* arrays written out, [x, y, ...], and element access, x[OFFSET(i)]:
	 * the parser's names, which no one can call by name */
	{"[ARRAY]", FN_SCALAR, 0, INT_MAX, -1, true, check_array_literal, row_array_literal, 0, 0},
	{"[IN UNNEST]", FN_SCALAR, 2, 2, -1, true, check_in_unnest, row_in_unnest, 0, 0},
	{"[OFFSET]", FN_SCALAR, 2, 2, -1, false, check_array_at, row_array_at, 0, 0},
	{"[ORDINAL]", FN_SCALAR, 2, 2, -1, false, check_array_at, row_array_at, 0, 0},
	{"[SAFE_OFFSET]", FN_SCALAR, 2, 2, -1, false, check_array_at, row_array_at, 0, 0},
	{"[SAFE_ORDINAL]", FN_SCALAR, 2, 2, -1, false, check_array_at, row_array_at, 0, 0},
	/* conditional expressions, bound as CASE and COALESCE */
	{"COALESCE", FN_CONDITIONAL, 1, INT_MAX, -1, false, NULL, NULL, 0, 0},
	{"IF", FN_CONDITIONAL, 3, 3, -1, false, NULL, NULL, 0, 0},
	{"IFNULL", FN_CONDITIONAL, 2, 2, -1, false, NULL, NULL, 0, 0},
	/* aggregates; all but COUNTIF, ANY_VALUE and APPROX_COUNT_DISTINCT also analytic */
	{"ANY_VALUE", FN_AGGREGATE, 1, 1, -1, false, check_min_max, NULL, AG_ANY, 0},
	{"APPROX_COUNT_DISTINCT", FN_AGGREGATE, 1, 1, -1, false, check_int64, NULL, AG_APPROX_DISTINCT, 0},
	{"APPROX_QUANTILES", FN_AGGREGATE, 2, 2, -1, false, check_quantiles, NULL, AG_QUANTILES, 0},
	{"ARRAY_AGG", FN_AGGREGATE | FN_ORDERED, 1, 1, -1, false, check_array_pick, NULL, AG_ARRAY_PICK, 0},
	{"AVG", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_avg, NULL, AG_AVG, W_AGG},
	{"CORR", FN_AGGREGATE, 2, 2, -1, false, check_pair, NULL, AG_CORR, 0},
	{"COUNT", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_int64, NULL, AG_COUNT, W_AGG},
	{"COUNTIF", FN_AGGREGATE, 1, 1, -1, false, check_countif, NULL, AG_COUNTIF, 0},
	{"COVAR_POP", FN_AGGREGATE, 2, 2, -1, false, check_pair, NULL, AG_COVAR_POP, 0},
	{"COVAR_SAMP", FN_AGGREGATE, 2, 2, -1, false, check_pair, NULL, AG_COVAR_SAMP, 0},
	{"LOGICAL_AND", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_logical, NULL, AG_MIN, W_AGG},
	{"LOGICAL_OR", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_logical, NULL, AG_MAX, W_AGG},
	{"MAX", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_min_max, NULL, AG_MAX, W_AGG},
	{"MIN", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_min_max, NULL, AG_MIN, W_AGG},
	{"STDDEV", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_STDDEV_SAMP, 0},
	{"STDDEV_POP", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_STDDEV_POP, 0},
	{"STDDEV_SAMP", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_STDDEV_SAMP, 0},
	{"STRING_AGG", FN_AGGREGATE | FN_ORDERED, 1, 2, -1, false, check_string_agg, NULL, AG_STRING_AGG, 0},
	{"SUM", FN_AGGREGATE | FN_WINDOW, 1, 1, -1, false, check_sum, NULL, AG_SUM, W_AGG},
	{"VARIANCE", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_VAR_SAMP, 0},
	{"VAR_POP", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_VAR_POP, 0},
	{"VAR_SAMP", FN_AGGREGATE, 1, 1, -1, false, check_variance, NULL, AG_VAR_SAMP, 0},
	/* analytic functions only */
	{"DENSE_RANK", FN_WINDOW, 0, 0, -1, false, check_int64, NULL, 0, W_DENSE_RANK},
	{"FIRST_VALUE", FN_WINDOW, 1, 1, -1, false, check_value, NULL, 0, W_FIRST_VALUE},
	{"LAG", FN_WINDOW, 1, 3, -1, false, check_value, NULL, 0, W_LAG},
	{"LAST_VALUE", FN_WINDOW, 1, 1, -1, false, check_value, NULL, 0, W_LAST_VALUE},
	{"CUME_DIST", FN_WINDOW, 0, 0, -1, false, check_float64, NULL, 0, W_CUME_DIST},
	{"LEAD", FN_WINDOW, 1, 3, -1, false, check_value, NULL, 0, W_LEAD},
	{"NTH_VALUE", FN_WINDOW, 2, 2, -1, false, check_value, NULL, 0, W_NTH_VALUE},
	{"PERCENTILE_CONT", FN_WINDOW, 2, 2, -1, false, check_percentile_cont, NULL, 0, W_PERCENTILE_CONT},
	{"PERCENTILE_DISC", FN_WINDOW, 2, 2, -1, false, check_percentile_disc, NULL, 0, W_PERCENTILE_DISC},
	{"NTILE", FN_WINDOW, 1, 1, -1, false, check_int64, NULL, 0, W_NTILE},
	{"PERCENT_RANK", FN_WINDOW, 0, 0, -1, false, check_float64, NULL, 0, W_PERCENT_RANK},
	{"RANK", FN_WINDOW, 0, 0, -1, false, check_int64, NULL, 0, W_RANK},
	{"ROW_NUMBER", FN_WINDOW, 0, 0, -1, false, check_int64, NULL, 0, W_ROW_NUMBER},
};

const struct sql_func *sql_func_find(const char *name)
{
	for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++)
		if (str_eq_nocase(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

int sql_func_signature_error(const struct pexpr *e, const char *src)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->nargs; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, e->args[i]->type == TYPE_NULL ? "INT64" : type_name(e->args[i]->type));
	}
	/* the parser's names, [OFFSET] and the like, are operators */
	const char *name = e->fn->name;
	bool op = name[0] == '[';
	int rc = sql_error_at(src, e->line, e->pos,
			      "No matching signature for %s %.*s for argument types: %s", op ? "operator" : "function",
			      (int)(op ? strlen(name) - 2 : strlen(name)), name + op, buf_cstr(&b));
	buf_free(&b);
	return rc;
}
