/* json: a JSON text tokenised with jsmn, and the checks jsmn leaves to its
 * caller.  The only file that includes jsmn.h: json_reader.c reads files of
 * records and hands their text to the window below.
 *
 * jsmn does not check the commas and colons between tokens, nor literals,
 * numbers and keys; json_check_tokens does, so an invalid record is never
 * loaded.  Built with JSMN_PARENT_LINKS and JSMN_STRICT: stock jsmn walks
 * back over every open token to close a container, quadratic on a large
 * array. */
#include "json_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#include <jsmn.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Line and column of offset off in text, which starts at line0:col0. */
static void position(const char *text, size_t off, int64_t line0, int64_t col0,
                     int64_t *line, int64_t *col)
{
	const char *p = text, *end = text + off, *nl;
	*line = line0;
	*col = col0;
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		(*line)++;
		*col = 1;
		p = nl + 1;
	}
	*col += end - p;
}

const char *json_describe(const char *text, size_t len, size_t off, char out[16])
{
	unsigned char c;
	if (off >= len)
		return "the end of the input";
	c = (unsigned char)text[off];
	if (c >= 0x20 && c < 0x7f && c != '\'')
		snprintf(out, 16, "'%c'", c);
	else
		snprintf(out, 16, "byte 0x%02x", c);
	return out;
}

static bool valid_number(const char *p, const char *end, bool *is_float)
{
	*is_float = false;
	if (p < end && *p == '-')
		p++;
	if (p == end)
		return false;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (p < end && *p == '.') {
		*is_float = true;
		if (++p == end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*is_float = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p == end;
}

static int parse_error(const struct json_doc *doc, const char *where, size_t off, const char *what)
{
	int64_t line, col;
	char c[16];
	position(doc->text, off, doc->line, doc->col, &line, &col);
	return error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: invalid JSON: %s (at %s)", where,
	                     (long long)line, (long long)col, what,
	                     json_describe(doc->text, doc->len, off, c));
}

/* Checks that text[from, to) is white space around exactly one sep (or
 * none when sep is 0): NULL, or what is wrong, at *bad. */
static inline const char *gap_check(const char *text, int from, int to, char sep, int *bad)
{
	bool seen = sep == 0;
	/* compact JSON: nothing, or the separator alone */
	if (to - from == (sep != 0) && (!sep || text[from] == sep))
		return NULL;
	for (int i = from; i < to; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == sep && !seen) {
			seen = true;
			continue;
		}
		*bad = i;
		return "unexpected character";
	}
	*bad = to;
	return seen ? NULL : sep == ',' ? "expected ','" : "expected ':'";
}

/* Copies n of jsmn's tokens, raw[first..first+n), into doc as one value
 * whose text starts at offset shift of the tokenised text.  Primitives stay
 * unclassified (type 0) for json_check_tokens. */
static void copy_tokens(struct json_doc *doc, const jsmntok_t *raw, int first, int n, int shift)
{
	if (n > doc->cap) {
		if (!doc->cap)
			doc->toks = NULL; /* a reader's record lent them */
		doc->cap = n;
		doc->toks = xrealloc(doc->toks, (size_t)n * sizeof(*doc->toks));
	}
	for (int i = 0; i < n; i++) {
		struct json_tok *t = &doc->toks[i];
		const jsmntok_t *r = &raw[first + i];
		t->type = r->type == JSMN_OBJECT ? JSON_OBJECT : r->type == JSMN_ARRAY ? JSON_ARRAY
		        : r->type == JSMN_STRING ? JSON_STRING : 0;
		t->start = r->start - shift;
		t->end = r->end - shift;
		t->size = r->size;
		t->parent = r->parent < 0 ? -1 : r->parent - first;
	}
	doc->ntoks = n;
}

/* jsmn's token is laid out as ours, and its object, array and string types
 * are ours: the window's tokens of a record become the record's, rebased
 * in place, instead of being copied (one copy per token fewer on a load's
 * busiest thread).  The window's cursor is past them: nothing reads them
 * as jsmn's again. */
_Static_assert(sizeof(jsmntok_t) == sizeof(struct json_tok) && offsetof(jsmntok_t, start) == offsetof(struct json_tok, start) &&
               offsetof(jsmntok_t, size) == offsetof(struct json_tok, size) &&
               offsetof(jsmntok_t, parent) == offsetof(struct json_tok, parent),
               "jsmn's tokens and json_tok differ");
_Static_assert((int)JSMN_OBJECT == (int)JSON_OBJECT && (int)JSMN_ARRAY == (int)JSON_ARRAY && (int)JSMN_STRING == (int)JSON_STRING,
               "jsmn's types and json_type differ");

/* Rebases the record's tokens from the window's first in place, up to the
 * next top-level token (or the window's end): how many there are. */
static int rebase_tokens(jsmntok_t *t, int first, int avail)
{
	int shift = t[0].start, n;
	t[0].type = t[0].type == JSMN_PRIMITIVE ? JSMN_UNDEFINED : t[0].type;
	t[0].start = 0;
	t[0].end -= shift;
	t[0].parent = -1;
	for (n = 1; n < avail && t[n].parent >= 0; n++) {
		/* primitives unclassified (0) for json_check_tokens */
		t[n].type = t[n].type == JSMN_PRIMITIVE ? JSMN_UNDEFINED : t[n].type;
		t[n].start -= shift;
		t[n].end -= shift;
		t[n].parent -= first;
	}
	return n;
}

/* Checks what jsmn leaves to its caller: literals, numbers, keys without
 * values, more than one value, and the separators; classifies primitives.
 * Running it again on checked tokens changes nothing. */
int json_check_tokens(struct json_doc *doc, const char *where)
{
	const char *text = doc->text;
	size_t len = doc->len;
	struct json_tok *toks = doc->toks;
	int n = doc->ntoks, *ends, bad;
	bool nested = false; /* a container other than the first token */
	const char *what;
	if (doc->endscap < n) {
		doc->endscap = n;
		doc->ends = xrealloc(doc->ends, (size_t)n * sizeof(int));
	}
	ends = doc->ends;
	/* Each level of nesting is a token: fewer tokens than the limit cannot
	 * nest past it, and most records have far fewer. */
	if (n > JSON_MAX_DEPTH) {
		int *depth = ends; /* until the separators take them */
		for (int i = 0; i < n; i++) {
			const struct json_tok *t = &toks[i];
			depth[i] = (t->parent < 0 ? 0 : depth[t->parent]) + (t->type == JSON_OBJECT || t->type == JSON_ARRAY);
			if (depth[i] > JSON_MAX_DEPTH)
				return parse_error(doc, where, (size_t)t->start,
				                   "nested deeper than " STR(JSON_MAX_DEPTH) " levels");
		}
	}
	/* One pass: each token's own checks, then the gap before it (jsmn does
	 * not check the commas and colons between tokens: {"a": 1,,} passes).
	 * ends[c] is where container c's last child (with its value, for a
	 * key) ends so far. */
	for (int i = 0; i < n; i++) {
		struct json_tok *t = &toks[i];
		const char *s = text + t->start, *e = text + t->end;
		int p = t->parent, start, end;
		bool is_float, in_object;
		if (p < 0 && i > 0)
			return parse_error(doc, where, (size_t)t->start, "more than one value");
		in_object = p >= 0 && toks[p].type == JSON_OBJECT;
		/* jsmn takes a string before any ':' for a key, outside an object
		 * too ("a": 1, ["a": 1], {}: "a"): only an object has keys. */
		if (!in_object && t->type == JSON_STRING && t->size) {
			size_t at = (size_t)t->end + 1;
			while (at < len && text[at] != ':')
				at++;
			return parse_error(doc, where, at, "a ':' outside an object");
		}
		/* jsmn leaves a key without a value (`{"a": }`) to the caller. */
		if (in_object && (t->type != JSON_STRING || t->size != 1)) {
			size_t at = (size_t)t->start;
			if (t->type == JSON_STRING)
				for (at = (size_t)t->end + 1; at < len && strchr(" \t\r\n:", text[at]); at++)
					;
			return parse_error(doc, where, at, t->type != JSON_STRING ? "expected a key" : "a key without a value");
		}
		if (t->type == JSON_STRING) {
			start = t->start - 1;
			end = t->end + 1;
		} else {
			start = t->start;
			end = t->end;
		}
		if (t->type)
			;
		else if (*s == 't' && e - s == 4 && !memcmp(s, "true", 4))
			t->type = JSON_TRUE;
		else if (*s == 'f' && e - s == 5 && !memcmp(s, "false", 5))
			t->type = JSON_FALSE;
		else if (*s == 'n' && e - s == 4 && !memcmp(s, "null", 4))
			t->type = JSON_NULL;
		else if (valid_number(s, e, &is_float))
			t->type = is_float ? JSON_FLOAT : JSON_INT;
		else
			return parse_error(doc, where, (size_t)t->start, "not a number, string, true, false or null");
		ends[i] = -1;
		if (p < 0)
			continue;
		nested |= t->type == JSON_OBJECT || t->type == JSON_ARRAY;
		if (toks[p].type == JSON_OBJECT || toks[p].type == JSON_ARRAY) {
			bool first = ends[p] < 0;
			if ((what = gap_check(text, first ? toks[p].start + 1 : ends[p], start, first ? 0 : ',', &bad)))
				return parse_error(doc, where, (size_t)bad, what);
			ends[p] = end;
		} else {
			/* a key's value: the object's last child ends with it */
			if ((what = gap_check(text, toks[p].end + 1, start, ':', &bad)))
				return parse_error(doc, where, (size_t)bad, what);
			ends[toks[p].parent] = end;
		}
	}
	/* The gap before each container's closing bracket: a flat record's
	 * only container is its first token. */
	for (int i = 0; i < (nested ? n : 1); i++)
		if ((toks[i].type == JSON_OBJECT || toks[i].type == JSON_ARRAY) &&
		    (what = gap_check(text, ends[i] < 0 ? toks[i].start + 1 : ends[i], toks[i].end - 1, 0, &bad)))
			return parse_error(doc, where, (size_t)bad, what);
	return 0;
}

/* The offset of the first '{' or '[' nested deeper than JSON_MAX_DEPTH,
 * or len: checked before jsmn, whose time grows with the square of the
 * depth. */
static size_t too_deep(const char *text, size_t len)
{
	int depth = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"')
			in_string = true;
		else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return i;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return len;
}

int json_parse(struct json_doc *doc, const char *text, size_t len, const char *where)
{
	jsmn_parser p;
	size_t deep;
	int n;

	doc->text = text;
	doc->len = len;
	doc->ntoks = 0;
	if (doc->line <= 0)
		doc->line = doc->col = 1;
	if (len > (size_t)INT32_MAX)
		return error_setcode(PIPE_EUSAGE, "%s: a JSON value larger than 2 GiB", where);
	if ((deep = too_deep(text, len)) < len)
		return parse_error(doc, where, deep, "nested deeper than " STR(JSON_MAX_DEPTH) " levels");
	if (doc->rawcap < 64) {
		doc->rawcap = 64;
		doc->raw = xrealloc(doc->raw, (size_t)doc->rawcap * sizeof(jsmntok_t));
	}
	for (;;) {
		jsmn_init(&p);
		n = jsmn_parse(&p, text, len, doc->raw, (unsigned)doc->rawcap);
		if (n != JSMN_ERROR_NOMEM)
			break;
		doc->rawcap *= 2;
		doc->raw = xrealloc(doc->raw, (size_t)doc->rawcap * sizeof(jsmntok_t));
	}
	if (n == JSMN_ERROR_INVAL)
		return parse_error(doc, where, p.pos, "unexpected character");
	if (n == JSMN_ERROR_PART)
		return parse_error(doc, where, len, "unexpected end");
	if (n == 0)
		return parse_error(doc, where, len, "no value");
	copy_tokens(doc, doc->raw, 0, n, 0);
	return json_check_tokens(doc, where);
}

void json_doc_free(struct json_doc *doc)
{
	if (doc->cap)
		free(doc->toks);
	free(doc->raw);
	free(doc->ends);
	memset(doc, 0, sizeof(*doc));
}

int json_skip(const struct json_doc *doc, int i)
{
	int end = doc->toks[i].end, j = i + 1;
	while (j < doc->ntoks && doc->toks[j].start < end)
		j++;
	return j;
}

bool json_eq(const struct json_doc *doc, int i, const char *s)
{
	const struct json_tok *t = &doc->toks[i];
	size_t n = strlen(s);
	return (size_t)(t->end - t->start) == n && !memcmp(doc->text + t->start, s, n);
}

void json_tok_pos(const struct json_doc *doc, int i, int64_t *line, int64_t *col)
{
	position(doc->text, (size_t)doc->toks[i].start, doc->line, doc->col, line, col);
}

int json_get(const struct json_doc *doc, int obj, const char *key)
{
	int i, k;
	if (obj < 0 || doc->toks[obj].type != JSON_OBJECT)
		return -1;
	for (i = obj + 1, k = 0; k < doc->toks[obj].size; k++) {
		if (json_eq(doc, i, key))
			return i + 1;
		i = json_skip(doc, i + 1);
	}
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(b, u, n);
}

/* jsmn (strict) has checked the escapes: a backslash is followed by one of
 * "\/bfnrtu and \u by four hex digits. */
static void unescape(const char *p, const char *end, struct buf *out)
{
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		unsigned cp;
		if (!bs) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(bs - p));
		p = bs + 2;
		switch (bs[1]) {
		case 'b': buf_putc(out, '\b'); break;
		case 'f': buf_putc(out, '\f'); break;
		case 'n': buf_putc(out, '\n'); break;
		case 'r': buf_putc(out, '\r'); break;
		case 't': buf_putc(out, '\t'); break;
		case 'u':
			cp = hex4(p);
			p += 4;
			/* A surrogate pair is one code point; a lone half becomes U+FFFD. */
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
				unsigned lo = hex4(p + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			put_utf8(out, cp);
			break;
		default: buf_putc(out, bs[1]); break;
		}
	}
}

const char *json_str(const struct json_doc *doc, int i, struct buf *scratch, size_t *len)
{
	const struct json_tok *t = &doc->toks[i];
	if (!memchr(doc->text + t->start, '\\', (size_t)(t->end - t->start))) {
		*len = (size_t)(t->end - t->start);
		return doc->text + t->start;
	}
	buf_clear(scratch);
	unescape(doc->text + t->start, doc->text + t->end, scratch);
	*len = scratch->len;
	return buf_cstr(scratch);
}

char *json_strdup(const struct json_doc *doc, int i)
{
	struct buf b = BUF_INIT;
	size_t len;
	const char *s = json_str(doc, i, &b, &len);
	char *r = xstrndup(s, len);
	buf_free(&b);
	return r;
}

/* The reader's window (json_int.h): jsmn over a megabyte of records at a
 * time into a fixed array of 16384 tokens, instead of a jsmn run per
 * record. */
void json_window_fill(struct json_window *w, const char *text, size_t len, int64_t at)
{
	jsmn_parser p;
	int n;
	if (!w->cap) {
		w->cap = 16384;
		w->toks = xmalloc((size_t)w->cap * sizeof(jsmntok_t));
	}
	w->n = w->cur = 0;
	w->base = at;
	if (len > (size_t)INT32_MAX)
		return;
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, w->toks, (unsigned)w->cap);
	w->n = n >= 0 ? n : (int)p.toknext;
}

int json_window_take(struct json_window *w, int64_t at, const char *text, struct json_doc *doc, size_t *len)
{
	jsmntok_t *t = (jsmntok_t *)w->toks + w->cur;
	int n;
	if (w->cur >= w->n || w->base + t[0].start != at || t[0].end < 0)
		return 0;
	n = rebase_tokens(t, w->cur, w->n - w->cur);
	if (t[n - 1].start >= t[0].end) {
		w->n = w->cur; /* rebased: the window is no use any more */
		return -1;
	}
	if (doc->cap) {
		free(doc->toks);
		doc->cap = 0;
	}
	doc->toks = (struct json_tok *)t;
	doc->ntoks = n;
	doc->text = text;
	*len = (size_t)t[0].end;
	doc->len = *len;
	w->cur += n;
	return 1;
}

void json_window_free(struct json_window *w)
{
	free(w->toks);
	memset(w, 0, sizeof(*w));
}

/* One step of a JSONPath: a key (.name, ."name", ['name'], ["name"]) or an
 * index ([n]); *p moves past it.  -1 for a path that is not one. */
static int path_step(const char **p, const char *end, struct buf *key, long *index)
{
	const char *s = *p;
	*index = -1;
	buf_clear(key);
	if (*s == '.') {
		s++;
		if (s < end && *s == '"') {
			const char *q = memchr(s + 1, '"', (size_t)(end - s - 1));
			if (!q)
				return -1;
			buf_add(key, s + 1, (size_t)(q - s - 1));
			s = q + 1;
		} else {
			const char *from = s;
			while (s < end && *s != '.' && *s != '[')
				s++;
			if (s == from)
				return -1;
			buf_add(key, from, (size_t)(s - from));
		}
	} else if (*s == '[') {
		s++;
		if (s < end && (*s == '\'' || *s == '"')) {
			const char *q = memchr(s + 1, *s, (size_t)(end - s - 1));
			if (!q || q + 1 >= end || q[1] != ']')
				return -1;
			buf_add(key, s + 1, (size_t)(q - s - 1));
			s = q + 2;
		} else {
			long n = 0;
			const char *from = s;
			while (s < end && *s >= '0' && *s <= '9' && n < 100000000)
				n = n * 10 + (*s++ - '0');
			if (s == from || s >= end || *s != ']')
				return -1;
			*index = n;
			s++;
		}
	} else {
		return -1;
	}
	*p = s;
	return 0;
}

/* The token path leads to in text, parsed into doc: 1 (*at), 0 where it
 * leads nowhere or text is not JSON (NULL, as BigQuery's), < 0 a bad
 * path. */
static int path_find(const char *text, size_t len, const char *path, size_t plen, struct json_doc *doc, int *at)
{
	const char *p = path, *end = path + plen;
	struct buf key = BUF_INIT;
	long index;
	int cur = 0;
	if (!plen || *p != '$')
		return error_setcode(PIPE_EUSAGE, "JSONPath must start with '$': \"%.*s\"", (int)(plen > 64 ? 64 : plen), path);
	for (const char *q = p + 1; q < end;)
		if (path_step(&q, end, &key, &index) < 0) {
			buf_free(&key);
			return error_setcode(PIPE_EUSAGE, "Invalid JSONPath \"%.*s\": $ then .key, .\"key\", ['key'] or [n]",
			                     (int)(plen > 64 ? 64 : plen), path);
		}
	if (json_parse(doc, text, len, "JSON") < 0) {
		error_clear(); /* not JSON: NULL, as BigQuery's */
		buf_free(&key);
		return 0;
	}
	for (p++; p < end && cur >= 0;) {
		path_step(&p, end, &key, &index);
		if (index >= 0) {
			const struct json_tok *t = &doc->toks[cur];
			if (t->type != JSON_ARRAY || index >= t->size) {
				cur = -1;
				break;
			}
			int i = cur + 1;
			for (long k = 0; k < index; k++)
				i = json_skip(doc, i);
			cur = i;
		} else {
			cur = json_get(doc, cur, buf_cstr(&key));
		}
	}
	buf_free(&key);
	*at = cur;
	return cur >= 0;
}

/* Token i's value into out: its JSON text (a string with its quotes), or
 * for a scalar its text (a string unescaped); false for an object, an
 * array or null wanted as a scalar. */
static bool put_value(const struct json_doc *doc, int i, bool query, struct buf *out)
{
	const struct json_tok *t = &doc->toks[i];
	if (query) {
		int from = t->type == JSON_STRING ? t->start - 1 : t->start, to = t->type == JSON_STRING ? t->end + 1 : t->end;
		buf_add(out, doc->text + from, (size_t)(to - from));
		return true;
	}
	if (t->type == JSON_STRING) {
		struct buf scratch = BUF_INIT;
		size_t n;
		const char *v = json_str(doc, i, &scratch, &n);
		buf_add(out, v, n);
		buf_free(&scratch);
		return true;
	}
	if (t->type == JSON_OBJECT || t->type == JSON_ARRAY || t->type == JSON_NULL)
		return false;
	buf_add(out, doc->text + t->start, (size_t)(t->end - t->start));
	return true;
}

int json_path(const char *text, size_t len, const char *path, size_t plen, bool query, struct buf *out)
{
	struct json_doc doc = {0};
	int cur, found = path_find(text, len, path, plen, &doc, &cur);
	if (found > 0) {
		buf_clear(out);
		found = put_value(&doc, cur, query, out);
	}
	json_doc_free(&doc);
	return found;
}

int json_path_array(const char *text, size_t len, const char *path, size_t plen, bool query, struct buf *out)
{
	struct json_doc doc = {0};
	int cur, found = path_find(text, len, path, plen, &doc, &cur);
	if (found > 0 && doc.toks[cur].type != JSON_ARRAY)
		found = 0;
	buf_clear(out);
	for (int k = 0, i = cur + 1; found > 0 && k < doc.toks[cur].size; k++, i = json_skip(&doc, i)) {
		/* a JSON null among scalars: a NULL element */
		bool null = !query && doc.toks[i].type == JSON_NULL;
		size_t head = out->len;
		uint32_t n = 0;
		buf_add(out, &n, 4);
		buf_putc(out, null);
		if (!null && !put_value(&doc, i, query, out))
			found = 0;
		n = (uint32_t)(out->len - head - 5);
		memcpy(out->data + head, &n, 4);
	}
	json_doc_free(&doc);
	return found;
}

