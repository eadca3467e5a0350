/* sql_regex: REGEXP_CONTAINS, REGEXP_EXTRACT and REGEXP_REPLACE, the
 * family of sql_func.c's table that reads patterns (their rows in that
 * table, their evaluation here). */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func_int.h"

/* --- regular expressions: RE2's syntax, read by POSIX regex.h ---
 *
 * BigQuery's patterns are RE2's.  regex.h reads POSIX extended ones, which
 * mostly agree; the pattern is translated where they differ (\d, . not
 * matching a newline, escapes inside [ ], (?:...), a leading (?i)), and
 * refused where regex.h would read it differently and no translation
 * helps (non-greedy quantifiers, other (?...) groups, \A \z \p \Q and
 * back references).  What still differs is in docs/sql.md. */

struct regex {
	char *pattern; /* as written, to reuse the compiled one while it repeats */
	size_t len;
	regex_t re;
	bool compiled;
	size_t ncaps;  /* the pattern's capturing groups */
	size_t caps[10]; /* capturing group i + 1 is the compiled pattern's group caps[i] */
	struct buf text; /* the row's string, NUL-terminated for regexec */
};

static void regex_free(void *p)
{
	struct regex *rx = p;
	if (!rx)
		return;
	if (rx->compiled)
		regfree(&rx->re);
	free(rx->pattern);
	buf_free(&rx->text);
	free(rx);
}

static int regex_refuse(const char *pattern, const char *why)
{
	return error_setcode(PIPE_EUSAGE, "Cannot parse regular expression: %s in \"%s\" (pipe reads RE2's syntax "
			     "with POSIX regex.h: see docs/sql.md)", why, pattern);
}

/* [ ... ] from p (at the [) into out; *end: after the ] */
static int regex_class(const char *pattern, const char *p, const char *end, struct buf *out, const char **next)
{
	struct buf body = BUF_INIT;
	bool neg = false, close = false, dash = false, caret = false;
	int error = 0;
	p++;
	if (p < end && *p == '^')
		neg = true, p++;
	if (p < end && *p == ']')
		close = true, p++;
	for (;;) {
		if (p >= end) {
			error = regex_refuse(pattern, "missing ]");
			goto done;
		}
		if (*p == ']')
			break;
		if (*p == '[' && p + 1 < end && p[1] == ':') {
			const char *q = p + 2;
			while (q + 1 < end && !(q[0] == ':' && q[1] == ']'))
				q++;
			if (q + 1 >= end) {
				error = regex_refuse(pattern, "missing :]");
				goto done;
			}
			buf_add(&body, p, (size_t)(q + 2 - p));
			p = q + 2;
			continue;
		}
		if (*p != '\\') {
			buf_putc(&body, *p++);
			continue;
		}
		if (++p >= end) {
			error = regex_refuse(pattern, "trailing \\");
			goto done;
		}
		char c = *p++;
		switch (c) {
		case 'd': buf_puts(&body, "0-9"); break;
		case 'w': buf_puts(&body, "[:alnum:]_"); break;
		case 's': buf_puts(&body, "[:space:]"); break;
		case 'n': buf_putc(&body, '\n'); break;
		case 't': buf_putc(&body, '\t'); break;
		case 'r': buf_putc(&body, '\r'); break;
		case ']': close = true; break;
		case '-': dash = true; break;
		case '^': caret = true; break;
		default:
			if (!ispunct((unsigned char)c)) {
				char why[48];
				snprintf(why, sizeof why, "\\%c inside [ ]", c);
				error = regex_refuse(pattern, why);
				goto done;
			}
			buf_putc(&body, c); /* \. \\ \[ ...: the character itself */
		}
	}
	*next = p + 1;
	if (caret && !neg && !close && !dash && body.len == 0) {
		buf_puts(out, "\\^");
		goto done;
	}
	/* POSIX has no escapes in [ ]: ] goes first, ^ after the first, - last */
	buf_putc(out, '[');
	if (neg)
		buf_putc(out, '^');
	if (close)
		buf_putc(out, ']');
	buf_add(out, body.data, body.len);
	if (caret)
		buf_putc(out, '^');
	if (dash)
		buf_putc(out, '-');
	buf_putc(out, ']');
done:
	buf_free(&body);
	return error;
}

/* RE2's pattern into POSIX extended syntax, into out. */
static int regex_translate(struct regex *rx, const char *pattern, size_t len, struct buf *out, int *cflags)
{
	const char *p = pattern, *end = pattern + len;
	size_t groups = 0;
	int error;
	if (len >= 4 && memcmp(p, "(?i)", 4) == 0) {
		*cflags |= REG_ICASE;
		p += 4;
	}
	while (p < end) {
		char c = *p;
		if ((c == '*' || c == '+' || c == '?' || c == '}') && p + 1 < end && p[1] == '?')
			return regex_refuse(pattern, "a non-greedy quantifier");
		if (c == '[') {
			if ((error = regex_class(pattern, p, end, out, &p)) < 0)
				return error;
			continue;
		}
		if (c == '.') {
			buf_puts(out, "[^\n]"); /* RE2's . is not a newline */
			p++;
			continue;
		}
		if (c == '(') {
			groups++;
			if (p + 1 < end && p[1] == '?') {
				if (p + 2 >= end || p[2] != ':')
					return regex_refuse(pattern, "a (? group other than (?:");
				p += 2; /* (?:x) is (x), a group EXTRACT does not return */
			} else if (rx->ncaps < 10) {
				rx->caps[rx->ncaps++] = groups;
			} else {
				return regex_refuse(pattern, "more than 10 capturing groups");
			}
			buf_putc(out, '(');
			p++;
			continue;
		}
		if (c != '\\') {
			buf_putc(out, c);
			p++;
			continue;
		}
		if (++p >= end)
			return regex_refuse(pattern, "trailing \\");
		c = *p++;
		switch (c) {
		case 'd': buf_puts(out, "[0-9]"); break;
		case 'D': buf_puts(out, "[^0-9]"); break;
		case 'w': case 'W': case 's': case 'S': case 'b': case 'B':
			buf_putc(out, '\\'); /* GNU regex's own, as RE2's */
			buf_putc(out, c);
			break;
		case 'n': buf_putc(out, '\n'); break;
		case 't': buf_putc(out, '\t'); break;
		case 'r': buf_putc(out, '\r'); break;
		default:
			if (!ispunct((unsigned char)c)) {
				char why[32];
				snprintf(why, sizeof why, "\\%c", c);
				return regex_refuse(pattern, why);
			}
			/* an escaped special keeps its escape; other punctuation
			 * is itself (GNU reads \< \> \' \` as anchors) */
			if (strchr(".[]()*+?{}|^$\\", c))
				buf_putc(out, '\\');
			buf_putc(out, c);
		}
	}
	return 0;
}

/* The compiled pattern for this row: the last one, while it repeats. */
static int regex_get(struct pexpr *e, struct str pattern, struct regex **out)
{
	struct regex *rx = e->fnstate;
	if (rx && rx->len == pattern.len && memcmp(rx->pattern, pattern.p, pattern.len) == 0) {
		*out = rx;
		return 0;
	}
	regex_free(rx);
	e->fnstate = rx = xcalloc(1, sizeof *rx);
	e->fnstate_free = regex_free;
	rx->pattern = xstrndup(pattern.p, pattern.len);
	rx->len = pattern.len;
	struct buf posix = BUF_INIT;
	int cflags = REG_EXTENDED, error;
	if ((error = regex_translate(rx, rx->pattern, rx->len, &posix, &cflags)) < 0)
		goto done;
	if (e->fn->name[7] == 'E' && rx->ncaps > 1) { /* REGEXP_EXTRACT */
		error = error_setcode(PIPE_EUSAGE, "Regular expressions passed into extraction functions must not "
				      "have more than 1 capturing group");
		goto done;
	}
	int rc = regcomp(&rx->re, buf_cstr(&posix), cflags);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &rx->re, msg, sizeof msg);
		error = error_setcode(PIPE_EUSAGE, "Cannot parse regular expression: %s", msg);
		goto done;
	}
	rx->compiled = true;
	*out = rx;
done:
	buf_free(&posix);
	if (error < 0) {
		regex_free(rx);
		e->fnstate = NULL;
	}
	return error;
}

/* The first match in s from byte at: false when there is none.  The
 * string is copied with a NUL after it: regexec may look for one even
 * with REG_STARTEND (sanitizers' interceptors do). */
static bool regex_match(struct regex *rx, struct str s, size_t at, regmatch_t *m, size_t nm)
{
	if (at == 0) {
		buf_clear(&rx->text);
		if (s.len)
			buf_add(&rx->text, s.p, s.len);
	}
	m[0].rm_so = (regoff_t)at;
	m[0].rm_eo = (regoff_t)s.len;
	return regexec(&rx->re, buf_cstr(&rx->text), nm, m, REG_STARTEND | (at ? REG_NOTBOL : 0)) == 0;
}

enum type check_regexp(struct pexpr *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (!is_str(T(i)))
			return NOSIG;
	return e->fn->name[7] == 'C' ? TYPE_BOOL : TYPE_STRING;
}

int row_regexp_contains(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	(void)mem;
	struct regex *rx;
	regmatch_t m[1];
	int error = regex_get(e, a[1].s, &rx);
	if (error < 0)
		return error;
	*out = value_bool(regex_match(rx, a[0].s, 0, m, 1));
	return 0;
}

/* REGEXP_EXTRACT(s, re): the capturing group's match, or the whole match
 * without one; NULL without a match. */
int row_regexp_extract(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct regex *rx;
	regmatch_t m[12];
	int error = regex_get(e, a[1].s, &rx);
	if (error < 0)
		return error;
	size_t g = rx->ncaps ? rx->caps[0] : 0;
	if (!regex_match(rx, a[0].s, 0, m, 12) || m[g].rm_so < 0) {
		*out = value_null(TYPE_STRING);
		return 0;
	}
	*out = str_out(mem, a[0].s.p ? a[0].s.p + m[g].rm_so : "", (size_t)(m[g].rm_eo - m[g].rm_so));
	return 0;
}

/* REGEXP_REPLACE(s, re, with): every match, left to right, not
 * overlapping; with's \1..\9 are the groups, \0 the match, \\ a \. */
int row_regexp_replace(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem)
{
	struct regex *rx;
	regmatch_t m[12];
	struct str s = a[0].s, with = a[2].s;
	struct buf b = BUF_INIT;
	if (!s.p)
		s.p = ""; /* an empty string may have no bytes */
	int error = regex_get(e, a[1].s, &rx);
	if (error < 0)
		return error;
	size_t at = 0;
	regoff_t last_end = -1; /* the end of the last non-empty match */
	while (at <= s.len && regex_match(rx, s, at, m, 12)) {
		size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;
		if (so == eo && (regoff_t)so == last_end) {
			/* no empty match right after a match, as RE2 */
			if (so >= s.len)
				break;
			size_t step = utf8_offset(s.p + so, s.len - so, 1);
			buf_add(&b, s.p + at, so + step - at);
			at = so + step;
			continue;
		}
		buf_add(&b, s.p + at, so - at);
		for (size_t i = 0; i < with.len; i++) {
			if (with.p[i] != '\\') {
				buf_putc(&b, with.p[i]);
				continue;
			}
			char c = i + 1 < with.len ? with.p[++i] : 0;
			if (c == '\\') {
				buf_putc(&b, '\\');
			} else if (c >= '0' && c <= '9' && (size_t)(c - '0') <= rx->ncaps) {
				size_t g = c == '0' ? 0 : rx->caps[c - '1'];
				if (m[g].rm_so >= 0)
					buf_add(&b, s.p + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
			} else {
				buf_free(&b);
				return error_setcode(PIPE_EUSAGE, "Invalid REGEXP_REPLACE pattern: \\%c in the replacement "
						     "names no capturing group", c ? c : ' ');
			}
		}
		if (eo > so) {
			last_end = (regoff_t)eo;
			at = eo;
		} else if (so < s.len) {
			size_t step = utf8_offset(s.p + so, s.len - so, 1);
			buf_add(&b, s.p + so, step);
			at = so + step;
		} else {
			at = s.len + 1;
		}
	}
	if (at < s.len)
		buf_add(&b, s.p + at, s.len - at);
	*out = str_out(mem, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}
