/* json_scan: a JSON text checked as it arrives, in chunks of any size --
 * an HTTP body as curl hands it over (http.c).
 *
 * Memory does not grow with the text: a byte-at-a-time state machine keeps
 * only a stack of container types, the keys on the current path and the few
 * values pagination and incremental loads ask for.  Messages give the byte
 * offset ("invalid JSON at byte 1207: expected ',' or '}', found '\"'"),
 * which is what a user can find in a page file.  json.c's reader (jsmn)
 * serves the loads instead: it needs a record whole, and tokens over it. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define SCAN_PATH_MAX 8     /* keys remembered from the root down */
#define SCAN_KEY_MAX 128
#define SCAN_VALUE_MAX 4096 /* a captured cursor or next URL */

enum scan_state {
	S_VALUE,       /* a value must come */
	S_ARRAY_FIRST, /* after '[': a value or ']' */
	S_OBJ_FIRST,   /* after '{': a key or '}' */
	S_KEY,         /* after ',' in an object: a key */
	S_COLON,
	S_AFTER,       /* after a value inside a container: ',' or the closer */
	S_END,         /* the top-level value is complete */
	S_STRING,
	S_NUMBER,
	S_LITERAL,
	S_ERROR,
};

enum num_state { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_EXP, N_EXP_SIGN, N_EXP_DIGITS };

enum capture { CAP_NONE, CAP_PATH, CAP_FIELD };

struct json_scan {
	uint64_t offset; /* bytes consumed so far */
	enum scan_state st;
	int depth;
	char stack[JSON_MAX_DEPTH]; /* '[' or '{': the loads' limit, so a page that fetches also loads */
	/* the key of each open object on the path, for depth <= SCAN_PATH_MAX */
	char keys[SCAN_PATH_MAX][SCAN_KEY_MAX + 1];
	bool key_ok[SCAN_PATH_MAX];

	/* string */
	bool is_key, esc;
	int hex_left;
	unsigned hex;
	char key[SCAN_KEY_MAX + 1];
	size_t key_len;
	bool key_long;
	/* number, literal */
	enum num_state num;
	const char *lit;
	int lit_pos;

	/* what to capture: a dotted path from the root, a key in each row */
	const char *path[SCAN_PATH_MAX];
	int npath;
	const char *field;
	enum capture cap;
	char val[SCAN_VALUE_MAX + 1];
	size_t val_len;
	bool val_long, val_null;

	char *pathbuf; /* the path, split at its dots into path[] */
	int64_t rows;
	char *found; /* the value at path (NULL: absent or null) */
	char *max;   /* the largest field value */
	char err[256];
};

static void scan_init(struct json_scan *s, char *pathbuf, const char *field)
{
	memset(s, 0, sizeof(*s));
	s->st = S_VALUE;
	s->field = field;
	if (pathbuf && *pathbuf) {
		char *p = pathbuf;
		while (p && s->npath < SCAN_PATH_MAX) {
			s->path[s->npath++] = p;
			p = strchr(p, '.');
			if (p)
				*p++ = '\0';
		}
	}
}

static void scan_free(struct json_scan *s)
{
	free(s->found);
	free(s->max);
	s->found = s->max = NULL;
}

static int scan_fail(struct json_scan *s, const char *what, int c)
{
	if (c < 0)
		snprintf(s->err, sizeof(s->err), "invalid JSON at byte %llu: %s",
		         (unsigned long long)s->offset, what);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(s->err, sizeof(s->err), "invalid JSON at byte %llu: %s, found '%c'",
		         (unsigned long long)s->offset, what, c);
	else
		snprintf(s->err, sizeof(s->err), "invalid JSON at byte %llu: %s, found byte 0x%02x",
		         (unsigned long long)s->offset, what, c);
	s->st = S_ERROR;
	return -1;
}

/* Rows are the elements of a top-level array, or of an array that is a
 * member of a top-level object ({"data": [...], "next": ...}). */
static bool in_rows_array(const struct json_scan *s)
{
	return (s->depth == 1 && s->stack[0] == '[') ||
	       (s->depth == 2 && s->stack[0] == '{' && s->stack[1] == '[');
}

static bool in_row_object(const struct json_scan *s)
{
	return (s->depth == 2 && s->stack[0] == '[' && s->stack[1] == '{') ||
	       (s->depth == 3 && s->stack[0] == '{' && s->stack[1] == '[' && s->stack[2] == '{');
}

static bool key_is(const struct json_scan *s, int level, const char *want)
{
	return level < SCAN_PATH_MAX && s->key_ok[level] && !strcmp(s->keys[level], want);
}

/* Decides, as a scalar starts, whether its text is wanted. */
static enum capture capture_for_value(const struct json_scan *s)
{
	if (s->npath && s->depth == s->npath) {
		bool match = true;
		for (int i = 0; i < s->npath && match; i++)
			match = s->stack[i] == '{' && key_is(s, i, s->path[i]);
		if (match)
			return CAP_PATH;
	}
	if (s->field && in_row_object(s) && key_is(s, s->depth - 1, s->field))
		return CAP_FIELD;
	return CAP_NONE;
}

static void capture_byte(struct json_scan *s, char c)
{
	if (s->cap == CAP_NONE)
		return;
	if (s->val_len < SCAN_VALUE_MAX)
		s->val[s->val_len++] = c;
	else
		s->val_long = true;
}

static void capture_utf8(struct json_scan *s, unsigned cp)
{
	if (cp < 0x80) {
		capture_byte(s, (char)cp);
	} else if (cp < 0x800) {
		capture_byte(s, (char)(0xc0 | (cp >> 6)));
		capture_byte(s, (char)(0x80 | (cp & 0x3f)));
	} else {
		capture_byte(s, (char)(0xe0 | (cp >> 12)));
		capture_byte(s, (char)(0x80 | ((cp >> 6) & 0x3f)));
		capture_byte(s, (char)(0x80 | (cp & 0x3f)));
	}
}

int json_cursor_cmp(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);
	if (*a && *b && !*ea && !*eb)
		return x < y ? -1 : x > y;
	return strcmp(a, b);
}

static void value_done(struct json_scan *s)
{
	if (s->cap != CAP_NONE && !s->val_long && !s->val_null) {
		s->val[s->val_len] = '\0';
		if (s->cap == CAP_PATH) {
			free(s->found);
			s->found = xstrdup(s->val);
		} else if (!s->max || json_cursor_cmp(s->val, s->max) > 0) {
			free(s->max);
			s->max = xstrdup(s->val);
		}
	}
	s->cap = CAP_NONE;
	s->st = s->depth ? S_AFTER : S_END;
}

static void scalar_start(struct json_scan *s)
{
	s->cap = capture_for_value(s);
	s->val_len = 0;
	s->val_long = s->val_null = false;
}

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* A value begins with c, in state S_VALUE or S_ARRAY_FIRST. */
static int value_start(struct json_scan *s, int c)
{
	if (in_rows_array(s))
		s->rows++;
	switch (c) {
	case '{':
	case '[':
		if (s->depth == JSON_MAX_DEPTH)
			return scan_fail(s, "nested deeper than 1000 levels", -1);
		if (s->depth < SCAN_PATH_MAX)
			s->key_ok[s->depth] = false;
		s->stack[s->depth++] = (char)c;
		s->st = c == '{' ? S_OBJ_FIRST : S_ARRAY_FIRST;
		return 0;
	case '"':
		scalar_start(s);
		s->is_key = false;
		s->esc = false;
		s->hex_left = 0;
		s->st = S_STRING;
		return 0;
	case 't':
	case 'f':
	case 'n':
		scalar_start(s);
		s->lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
		s->val_null = c == 'n';
		s->lit_pos = 1;
		capture_byte(s, (char)c);
		s->st = S_LITERAL;
		return 0;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			scalar_start(s);
			capture_byte(s, (char)c);
			s->num = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
			s->st = S_NUMBER;
			return 0;
		}
		return scan_fail(s, "expected a value", c);
	}
}

static int close_container(struct json_scan *s, int c)
{
	char open = s->stack[s->depth - 1];
	if ((open == '[' && c != ']') || (open == '{' && c != '}'))
		return scan_fail(s, open == '[' ? "expected ',' or ']'" : "expected ',' or '}'", c);
	s->depth--;
	value_done(s);
	return 0;
}

/* 1 when c ends the number (the caller feeds c again), 0 when consumed. */
static int number_byte(struct json_scan *s, int c)
{
	bool digit = c >= '0' && c <= '9';
	switch (s->num) {
	case N_MINUS:
		if (!digit)
			return scan_fail(s, "expected a digit after '-'", c);
		s->num = c == '0' ? N_ZERO : N_INT;
		break;
	case N_ZERO:
	case N_INT:
		if (digit && s->num == N_INT)
			break;
		if (digit)
			return scan_fail(s, "leading zero in a number", c);
		if (c == '.')
			s->num = N_DOT;
		else if (c == 'e' || c == 'E')
			s->num = N_EXP;
		else
			return 1;
		break;
	case N_DOT:
		if (!digit)
			return scan_fail(s, "expected a digit after '.'", c);
		s->num = N_FRAC;
		break;
	case N_FRAC:
		if (digit)
			break;
		if (c == 'e' || c == 'E')
			s->num = N_EXP;
		else
			return 1;
		break;
	case N_EXP:
		if (c == '+' || c == '-')
			s->num = N_EXP_SIGN;
		else if (digit)
			s->num = N_EXP_DIGITS;
		else
			return scan_fail(s, "expected an exponent", c);
		break;
	case N_EXP_SIGN:
		if (!digit)
			return scan_fail(s, "expected an exponent", c);
		s->num = N_EXP_DIGITS;
		break;
	case N_EXP_DIGITS:
		if (!digit)
			return 1;
		break;
	}
	capture_byte(s, (char)c);
	return 0;
}

static int string_byte(struct json_scan *s, int c)
{
	if (s->hex_left) {
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return scan_fail(s, "expected a hex digit in \\u escape", c);
		s->hex = s->hex * 16 + (unsigned)v;
		if (--s->hex_left == 0 && !s->is_key)
			capture_utf8(s, s->hex);
		return 0;
	}
	if (s->esc) {
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *p = c ? strchr(from, c) : NULL;
		s->esc = false;
		if (c == 'u') {
			s->hex_left = 4;
			s->hex = 0;
			return 0;
		}
		if (!p)
			return scan_fail(s, "invalid escape", c);
		c = to[p - from];
	} else if (c == '\\') {
		s->esc = true;
		return 0;
	} else if (c == '"') {
		if (!s->is_key) {
			value_done(s);
			return 0;
		}
		int level = s->depth - 1;
		if (level < SCAN_PATH_MAX) {
			s->key[s->key_len] = '\0';
			memcpy(s->keys[level], s->key, s->key_len + 1);
			s->key_ok[level] = !s->key_long;
		}
		s->st = S_COLON;
		return 0;
	} else if (c < 0x20) {
		return scan_fail(s, "control character in a string", c);
	}
	if (s->is_key) {
		if (s->key_len < SCAN_KEY_MAX)
			s->key[s->key_len++] = (char)c;
		else
			s->key_long = true;
	} else {
		capture_byte(s, (char)c);
	}
	return 0;
}

static int scan_byte(struct json_scan *s, int c)
{
	for (;;) {
		switch (s->st) {
		case S_VALUE:
			if (is_ws(c))
				return 0;
			return value_start(s, c);
		case S_ARRAY_FIRST:
			if (is_ws(c))
				return 0;
			if (c == ']')
				return close_container(s, c);
			return value_start(s, c);
		case S_OBJ_FIRST:
		case S_KEY:
			if (is_ws(c))
				return 0;
			if (c == '}' && s->st == S_OBJ_FIRST)
				return close_container(s, c);
			if (c != '"')
				return scan_fail(s, "expected a string key", c);
			s->is_key = true;
			s->esc = false;
			s->hex_left = 0;
			s->key_len = 0;
			s->key_long = false;
			s->st = S_STRING;
			return 0;
		case S_COLON:
			if (is_ws(c))
				return 0;
			if (c != ':')
				return scan_fail(s, "expected ':'", c);
			s->st = S_VALUE;
			return 0;
		case S_AFTER:
			if (is_ws(c))
				return 0;
			if (c == ',') {
				s->st = s->stack[s->depth - 1] == '{' ? S_KEY : S_VALUE;
				return 0;
			}
			return close_container(s, c);
		case S_END:
			if (is_ws(c))
				return 0;
			return scan_fail(s, "text after the end of the JSON value", c);
		case S_STRING:
			return string_byte(s, c);
		case S_NUMBER: {
			int r = number_byte(s, c);
			if (r <= 0)
				return r;
			value_done(s);
			continue; /* c follows the number: feed it again */
		}
		case S_LITERAL:
			if (c != s->lit[s->lit_pos])
				return scan_fail(s, "invalid literal", c);
			capture_byte(s, (char)c);
			if (!s->lit[++s->lit_pos])
				value_done(s);
			return 0;
		case S_ERROR:
			return -1;
		}
	}
}

static bool plain_string_byte(unsigned char c) { return c != '"' && c != '\\' && c >= 0x20; }

/* Most of a page is string contents and indentation: those runs are taken
 * whole, the rest byte by byte. */
int json_scan_feed(struct json_scan *s, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		if (s->st == S_STRING && !s->esc && !s->hex_left) {
			while (j < n && plain_string_byte(u[j]))
				j++;
			if (s->is_key) {
				size_t room = SCAN_KEY_MAX - s->key_len, take = j - i < room ? j - i : room;
				memcpy(s->key + s->key_len, p + i, take);
				s->key_len += take;
				if (take < j - i)
					s->key_long = true;
			} else if (s->cap != CAP_NONE) {
				for (size_t k = i; k < j; k++)
					capture_byte(s, p[k]);
			}
		} else if (s->st != S_STRING && s->st != S_NUMBER && s->st != S_LITERAL &&
		           s->st != S_ERROR) {
			while (j < n && is_ws(u[j]))
				j++;
		}
		s->offset += j - i;
		i = j;
		if (i == n)
			break;
		if (scan_byte(s, u[i]) < 0)
			return -1;
		s->offset++;
		i++;
	}
	return 0;
}

int json_scan_finish(struct json_scan *s)
{
	if (s->st == S_ERROR)
		return -1;
	/* a top-level number ends with the text */
	if (s->st == S_NUMBER && s->depth == 0 && (s->num == N_ZERO || s->num == N_INT ||
	                                           s->num == N_FRAC || s->num == N_EXP_DIGITS))
		value_done(s);
	if (s->st == S_END)
		return 0;
	snprintf(s->err, sizeof(s->err), "%s at byte %llu",
	         s->offset ? "the JSON ends early" : "the body is empty",
	         (unsigned long long)s->offset);
	return 1;
}

int json_check(const char *data, size_t len, int64_t *rows)
{
	struct json_scan *s = xmalloc(sizeof(*s));
	int error = 0;
	scan_init(s, NULL, NULL);
	if (json_scan_feed(s, data, len) < 0 || json_scan_finish(s) != 0)
		error = error_set("%s", s->err);
	if (rows)
		*rows = s->rows;
	scan_free(s);
	free(s);
	return error;
}

struct json_scan *json_scan_new(const char *path, const char *field)
{
	struct json_scan *s = xmalloc(sizeof(*s));
	char *pathbuf = path ? xstrdup(path) : NULL;
	scan_init(s, pathbuf, field);
	s->pathbuf = pathbuf;
	return s;
}

int64_t json_scan_rows(const struct json_scan *s) { return s->rows; }
const char *json_scan_found(const struct json_scan *s) { return s->found; }
const char *json_scan_max(const struct json_scan *s) { return s->max; }
const char *json_scan_error(const struct json_scan *s) { return s->err; }

void json_scan_free(struct json_scan *s)
{
	if (!s)
		return;
	scan_free(s);
	free(s->pathbuf);
	free(s);
}
