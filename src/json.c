/* json: records read one at a time and tokenised with jsmn.
 *
 * jsmn tokenises a whole text into a caller's token array; on a large
 * top-level array that array would hold every token of the file.  So the
 * reader keeps a sliding buffer (a megabyte, grown only for a record larger
 * than that) and a window of tokens over it: jsmn runs over the buffer from
 * the current record on into a fixed array of 16384 tokens, and stops where
 * the tokens or the buffer run out; the whole records in the window are
 * handed out one by one, and the window is made again at the first record
 * it did not hold.  A record the window cannot hold (a damaged one, or one
 * of more tokens than the array) is measured by a small bracket-and-string
 * scanner and tokenised on its own, which also gives an error its position.
 * jsmn does not check the commas and colons between tokens; check_tokens
 * does, so an invalid record is never loaded.
 *
 * The reading and jsmn run in a thread of their own, a few batches of
 * records ahead of the caller, who checks each record as it takes it (see
 * struct json_reader): the two halves of the work on two cores.
 *
 * Positions: lines are counted only for a message, by reading the file
 * again from its start. */
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#include <jsmn.h>

#define READ_CHUNK (1u << 20)
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

static const char *describe(const char *text, size_t len, size_t off, char out[16])
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
	                     describe(doc->text, doc->len, off, c));
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

/* jsmn does not check the commas and colons between tokens ({"a": 1,,}
 * passes): every gap between tokens is checked here, once.  ends[c] is
 * where container c's last child (with its value, for a key) ends. */
static int check_separators(struct json_doc *doc, const char *where)
{
	const struct json_tok *t = doc->toks;
	int n = doc->ntoks, bad;
	const char *what;
	if (doc->endscap < n) {
		doc->endscap = n;
		doc->ends = xrealloc(doc->ends, (size_t)n * sizeof(int));
	}
	for (int i = 0; i < n; i++) {
		int start = t[i].type == JSON_STRING ? t[i].start - 1 : t[i].start;
		int end = t[i].type == JSON_STRING ? t[i].end + 1 : t[i].end;
		int p = t[i].parent;
		doc->ends[i] = -1;
		if (p < 0)
			continue;
		if (t[p].type == JSON_OBJECT || t[p].type == JSON_ARRAY) {
			bool first = doc->ends[p] < 0;
			if ((what = gap_check(doc->text, first ? t[p].start + 1 : doc->ends[p], start, first ? 0 : ',', &bad)))
				return parse_error(doc, where, (size_t)bad, what);
			doc->ends[p] = end;
		} else {
			/* a key's value: the object's last child ends with it */
			if ((what = gap_check(doc->text, t[p].end + 1, start, ':', &bad)))
				return parse_error(doc, where, (size_t)bad, what);
			doc->ends[t[p].parent] = end;
		}
	}
	for (int i = 0; i < n; i++)
		if ((t[i].type == JSON_OBJECT || t[i].type == JSON_ARRAY) &&
		    (what = gap_check(doc->text, doc->ends[i] < 0 ? t[i].start + 1 : doc->ends[i], t[i].end - 1, 0, &bad)))
			return parse_error(doc, where, (size_t)bad, what);
	return 0;
}

/* Copies n of jsmn's tokens, raw[first..first+n), into doc as one value
 * whose text starts at offset shift of the tokenised text.  Primitives stay
 * unclassified (type 0) for check_tokens. */
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

/* Checks what jsmn leaves to its caller: literals, numbers, keys without
 * values, more than one value, and the separators; classifies primitives.
 * Running it again on checked tokens changes nothing. */
static int check_tokens(struct json_doc *doc, const char *where)
{
	const char *text = doc->text;
	size_t len = doc->len;
	/* Each level of nesting is a token: fewer tokens than the limit cannot
	 * nest past it, and most records have far fewer. */
	if (doc->ntoks > JSON_MAX_DEPTH) {
		int *depth;
		if (doc->endscap < doc->ntoks) {
			doc->endscap = doc->ntoks;
			doc->ends = xrealloc(doc->ends, (size_t)doc->ntoks * sizeof(int));
		}
		depth = doc->ends; /* until check_separators takes them */
		for (int i = 0; i < doc->ntoks; i++) {
			const struct json_tok *t = &doc->toks[i];
			depth[i] = (t->parent < 0 ? 0 : depth[t->parent]) + (t->type == JSON_OBJECT || t->type == JSON_ARRAY);
			if (depth[i] > JSON_MAX_DEPTH)
				return parse_error(doc, where, (size_t)t->start,
				                   "nested deeper than " STR(JSON_MAX_DEPTH) " levels");
		}
	}
	for (int i = 0; i < doc->ntoks; i++) {
		struct json_tok *t = &doc->toks[i];
		const char *s = text + t->start, *e = text + t->end;
		bool is_float, in_object;
		if (t->parent < 0 && i > 0)
			return parse_error(doc, where, (size_t)t->start, "more than one value");
		in_object = t->parent >= 0 && doc->toks[t->parent].type == JSON_OBJECT;
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
		if (t->type)
			continue;
		if (*s == 't' && e - s == 4 && !memcmp(s, "true", 4))
			t->type = JSON_TRUE;
		else if (*s == 'f' && e - s == 5 && !memcmp(s, "false", 5))
			t->type = JSON_FALSE;
		else if (*s == 'n' && e - s == 4 && !memcmp(s, "null", 4))
			t->type = JSON_NULL;
		else if (valid_number(s, e, &is_float))
			t->type = is_float ? JSON_FLOAT : JSON_INT;
		else
			return parse_error(doc, where, (size_t)t->start, "not a number, string, true, false or null");
	}
	return check_separators(doc, where);
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
	return check_tokens(doc, where);
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

/* A source: one file's records in order, read and tokenised.  The reader
 * below runs it in a thread of its own. */

enum state { ST_START, ST_ELEMENT, ST_AFTER, ST_NDJSON, ST_DONE };

struct source {
	char *path;
	int fd;
	enum json_format format;
	char **keys; /* the records path, split at dots */
	size_t nkeys;
	enum state state;
	char *buf;
	size_t cap, len, pos; /* valid bytes [0, len); scanning at pos */
	bool eof;
	int64_t base;       /* the file offset of buf[0] */
	/* Lines are counted only for a message: reading the file again from
	 * the start is cheaper than counting every newline of every load. */
	int64_t index, rec_off;
	int error; /* the code of a failed fill, when peek returned -2 */
	/* The window: jsmn's tokens for the buffer from one record on, so
	 * that the records after it need no scan of their own.  Offsets are
	 * from the file offset win_base. */
	jsmntok_t *win;
	int win_n, win_cap, win_cur;
	int64_t win_base;
};

static int err_at(struct source *r, size_t off, const char *fmt, ...) PIPE_PRINTF(3, 4);

/* The line and column of a file offset, counted from the file's start. */
static void locate(const struct source *r, int64_t target, int64_t *line, int64_t *col)
{
	char chunk[65536];
	int64_t at = 0, line_start = 0;
	*line = 1;
	while (at < target) {
		size_t want = target - at < (int64_t)sizeof(chunk) ? (size_t)(target - at) : sizeof(chunk);
		ssize_t n = pread(r->fd, chunk, want, at);
		const char *p = chunk, *nl;
		if (n <= 0)
			break;
		while ((nl = memchr(p, '\n', (size_t)(chunk + n - p)))) {
			(*line)++;
			line_start = at + (nl + 1 - chunk);
			p = nl + 1;
		}
		at += n;
	}
	*col = target - line_start + 1;
}

/* An error at pos + off. */
static int err_at(struct source *r, size_t off, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	int64_t line, col;
	va_list ap;
	int error;
	locate(r, r->base + (int64_t)(r->pos + off), &line, &col);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	error = error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: %s", r->path, (long long)line,
	                      (long long)col, buf_cstr(&msg));
	buf_free(&msg);
	return error;
}

/* Makes at least off + 1 bytes available from pos: 1, or 0 at the end of
 * the file, or an error. */
static int fill(struct source *r, size_t off)
{
	while (r->len - r->pos <= off) {
		ssize_t n;
		if (r->eof)
			return 0;
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->base += (int64_t)r->pos;
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->cap - r->len < READ_CHUNK / 2) {
			if (r->len >= JSON_MAX_RECORD)
				return err_at(r, 0, "a record longer than %u MiB: the reader holds one record in memory at a time",
				              JSON_MAX_RECORD >> 20);
			r->cap = r->cap ? r->cap * 2 : READ_CHUNK;
			r->buf = xrealloc(r->buf, r->cap);
		}
		do
			n = read(r->fd, r->buf + r->len, r->cap - r->len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return error_set("%s: %s", r->path, strerror(errno));
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
	return 1;
}

/* The byte at pos + off, -1 at the end, -2 on an error (its code in
 * r->error). */
static int peek(struct source *r, size_t off)
{
	int e;
	if (r->len - r->pos > off)
		return (unsigned char)r->buf[r->pos + off];
	if ((e = fill(r, off)) > 0)
		return (unsigned char)r->buf[r->pos + off];
	if (e == 0)
		return -1;
	r->error = e;
	return -2;
}

static void consume(struct source *r, size_t n)
{
	r->pos += n;
}

static int skip_space(struct source *r)
{
	for (;;) {
		int c = peek(r, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			consume(r, 1);
		else
			return c;
	}
}

/* The first offset from off (up to end) holding one of the bytes a..e (0
 * for unused ones): sixteen bytes at a time where SSE2 is there. */
static size_t skip_plain(const char *p, size_t off, size_t end, char a, char b, char c, char d, char e)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c),
	              vd = _mm_set1_epi8(d), ve = _mm_set1_epi8(e);
	while (off + 16 <= end) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + off));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
		                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vd)),
		                                      _mm_cmpeq_epi8(x, ve)));
		int bits = _mm_movemask_epi8(m);
		if (c == 0) /* a NUL in the text is not a stop */
			bits &= ~_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
		if (bits)
			return off + (size_t)__builtin_ctz((unsigned)bits);
		off += 16;
	}
#endif
	for (; off < end; off++) {
		char x = p[off];
		if (x == a || x == b || (x && (x == c || x == d || x == e)))
			return off;
	}
	return off;
}

/* The length of the JSON value at pos (still to be validated by jsmn). */
static int scan_value(struct source *r, size_t *len)
{
	size_t off = 0;
	int depth = 0, error;
	bool in_string = false, escape = false;
	int c = peek(r, 0);

	if (c != '{' && c != '[' && c != '"') {
		/* A primitive runs to the next delimiter. */
		for (;;) {
			c = peek(r, off);
			if (c < 0 || strchr(",]} \t\r\n", c))
				break;
			off++;
		}
		if (c == -2)
			return r->error;
		*len = off;
		return 0;
	}
	for (;;) {
		const char *p = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		while (off < avail) {
			if (in_string) {
				const char *q = p + off, *end = p + avail;
				if (escape) {
					escape = false;
					off++;
					continue;
				}
				off = skip_plain(p, off, avail, '"', '\\', 0, 0, 0);
				q = p + off;
				if (q == end)
					break;
				off++;
				if (*q == '\\')
					escape = true;
				else {
					in_string = false;
					if (depth == 0) {
						*len = off;
						return 0;
					}
				}
				continue;
			}
			off = skip_plain(p, off, avail, '"', '{', '}', '[', ']');
			if (off == avail)
				break;
			switch (p[off++]) {
			case '"':
				in_string = true;
				break;
			case '{':
			case '[':
				if (++depth > JSON_MAX_DEPTH)
					return err_at(r, off - 1, "invalid JSON: nested deeper than %d levels", JSON_MAX_DEPTH);
				break;
			case '}':
			case ']':
				if (--depth == 0) {
					*len = off;
					return 0;
				}
				break;
			}
		}
		if ((error = fill(r, off)) < 0)
			return error;
		if (error == 0)
			return err_at(r, 0, "invalid JSON: the value starting here is not closed before the end of the input");
	}
}

static int read_string_key(struct source *r, const char *want, bool *match)
{
	size_t len;
	int error;
	if ((error = scan_value(r, &len)) < 0)
		return error;
	*match = len == strlen(want) + 2 && !memcmp(r->buf + r->pos + 1, want, len - 2);
	consume(r, len);
	return 0;
}

/* Walks the envelope down r->keys to the '[' of the records. */
static int find_records(struct source *r)
{
	size_t k;
	int c, error;
	char d[16];
	for (k = 0; k < r->nkeys; k++) {
		bool found = false;
		if ((c = skip_space(r)) != '{')
			return c == -2 ? r->error : err_at(r, 0, "records: expected an object holding \"%s\", found %s",
			                    r->keys[k], describe(r->buf + r->pos, r->len - r->pos, 0, d));
		consume(r, 1);
		while (!found) {
			size_t len;
			if ((c = skip_space(r)) == -2)
				return r->error;
			if (c == '}' || c == -1)
				return err_at(r, 0, "records: the object has no key \"%s\"", r->keys[k]);
			if (c == ',') {
				consume(r, 1);
				continue;
			}
			if (c != '"')
				return err_at(r, 0, "invalid JSON: expected a key, found %s",
				              describe(r->buf + r->pos, r->len - r->pos, 0, d));
			if ((error = read_string_key(r, r->keys[k], &found)) < 0)
				return error;
			if (skip_space(r) != ':')
				return err_at(r, 0, "invalid JSON: expected ':' after a key");
			consume(r, 1);
			if ((c = skip_space(r)) == -2)
				return r->error;
			if (found)
				break;
			if ((error = scan_value(r, &len)) < 0)
				return error;
			consume(r, len);
		}
	}
	if ((c = skip_space(r)) != '[')
		return c == -2 ? r->error : err_at(r, 0, "records: \"%s\" is not an array of records (found %s)",
		                    r->keys[r->nkeys - 1], describe(r->buf + r->pos, r->len - r->pos, 0, d));
	consume(r, 1);
	return 0;
}

static void source_free(struct source *r);

static int source_open(struct source **out, const char *path, enum json_format format,
                     const char *records)
{
	struct source *r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->format = format;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int error = error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR, "%s: %s", path,
		                          strerror(errno));
		source_free(r);
		return error;
	}
	if (records && *records) {
		char *copy = xstrdup(records), *save = NULL, *part;
		for (part = strtok_r(copy, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
			r->keys = xrealloc(r->keys, (r->nkeys + 1) * sizeof(char *));
			r->keys[r->nkeys++] = xstrdup(part);
		}
		free(copy);
	}
	*out = r;
	return 0;
}

/* The first value in the file decides how the rest is read. */
static int start(struct source *r)
{
	int c, error;
	char d[16];
	if (peek(r, 0) == 0xef && peek(r, 1) == 0xbb && peek(r, 2) == 0xbf)
		consume(r, 3); /* a UTF-8 byte order mark */
	if (r->nkeys) {
		if ((error = find_records(r)) < 0)
			return error;
		r->state = ST_ELEMENT;
		return 0;
	}
	if ((c = skip_space(r)) == -2)
		return r->error;
	if (r->format == JSON_FORMAT_NDJSON) {
		r->state = ST_NDJSON;
		return 0;
	}
	if (c == '[') {
		consume(r, 1);
		r->state = ST_ELEMENT;
		/* An empty array is no records, not a missing one. */
		if ((c = skip_space(r)) == ']')
			r->state = ST_AFTER;
		return c == -2 ? r->error : 0;
	}
	if (c == -1)
		return err_at(r, 0, "the file is empty: expected a JSON array of records");
	if (c == '{' && r->format == JSON_FORMAT_AUTO) {
		/* One object after another is NDJSON; one object alone is most
		 * likely an envelope around the records. */
		size_t len, off;
		int next;
		if ((error = scan_value(r, &len)) < 0)
			return error;
		for (off = len; (next = peek(r, off)) == ' ' || next == '\t' || next == '\r' || next == '\n'; off++)
			;
		if (next == -2)
			return r->error;
		if (next == '{') {
			r->state = ST_NDJSON;
			return 0;
		}
	}
	if (c == '{')
		return err_at(r, 0, "the top level is one object, not an array of records: set `records` to the path of "
		              "the array inside it (records = data.items), or format = ndjson to load the object as a row");
	return err_at(r, 0, "expected a JSON array of records, found %s",
	              describe(r->buf + r->pos, r->len - r->pos, 0, d));
}

static const char *json_kind_name(int c)
{
	switch (c) {
	case '[': return "an array";
	case '"': return "a string";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

/* The record at pos from the window, tokenising the buffer from pos on
 * when the window does not hold it: 1 with doc and *len set, 0 when the
 * record is not complete there (too large, damaged, or at the end of the
 * file): the caller then scans it on its own, which explains any error. */
static int window_record(struct source *r, struct json_doc *doc, size_t *len)
{
	int64_t at = r->base + (int64_t)r->pos;
	int first = -1, next, error;
	for (int attempt = 0; first < 0; attempt++) {
		jsmn_parser p;
		int n;
		size_t avail;
		if (r->win_cur < r->win_n && r->win_base + r->win[r->win_cur].start == at &&
		    r->win[r->win_cur].end >= 0) {
			first = r->win_cur;
			break;
		}
		if (attempt == 2)
			return 0;
		/* Another chunk when what is there holds no whole record. */
		avail = r->len - r->pos;
		if (attempt == 1 && ((error = fill(r, avail)) <= 0 || r->len - r->pos == avail))
			return error < 0 ? error : 0;
		if (!r->win_cap) {
			r->win_cap = 16384;
			r->win = xmalloc((size_t)r->win_cap * sizeof(*r->win));
		}
		avail = r->len - r->pos;
		if (avail > (size_t)INT32_MAX)
			return 0;
		jsmn_init(&p);
		n = jsmn_parse(&p, r->buf + r->pos, avail, r->win, (unsigned)r->win_cap);
		/* Whatever jsmn said of the end (an incomplete record, too few
		 * tokens, the array's ']'), the records before it are whole. */
		r->win_n = n >= 0 ? n : (int)p.toknext;
		r->win_cur = 0;
		r->win_base = at;
	}
	for (next = first + 1; next < r->win_n && r->win[next].parent >= 0; next++)
		;
	/* A ':' after the record's '}' makes jsmn hang what follows on it
	 * ({}:"b": 1): tokens outside its text, counted in its size.  Such a
	 * record is scanned on its own, and the ':' is reported. */
	if (r->win[next - 1].start >= r->win[first].end)
		return 0;
	doc->text = r->buf + r->pos;
	*len = (size_t)(r->win[first].end - r->win[first].start);
	doc->len = *len;
	r->win_cur = next;
	/* The checks are left to the thread that takes the record (see
	 * json_reader_next): they are half of what tokenising costs. */
	copy_tokens(doc, r->win, first, next - first, r->win[first].start);
	return 1;
}

static int source_next(struct source *r, struct json_doc *doc)
{
	int c, error;
	size_t len;
	char d[16];

	if (r->state == ST_START && (error = start(r)) < 0)
		return error;
	for (;;) {
		if (r->state == ST_DONE)
			return 0;
		if ((c = skip_space(r)) == -2)
			return r->error;
		if (r->state == ST_AFTER) {
			if (c == ',') {
				consume(r, 1);
				if (skip_space(r) == ']')
					return err_at(r, 0, "invalid JSON: a comma before ']'");
				r->state = ST_ELEMENT;
				continue;
			}
			if (c == ']') {
				consume(r, 1);
				/* Inside an envelope the rest of it is not ours to read. */
				if (!r->nkeys && (c = skip_space(r)) != -1)
					return c == -2 ? r->error : err_at(r, 0, "invalid JSON: unexpected data after the array of records");
				r->state = ST_DONE;
				return 0;
			}
			if (c == -1)
				return err_at(r, 0, "invalid JSON: the array of records is not closed");
			return err_at(r, 0, "invalid JSON: expected ',' or ']' after a record, found %s",
			              describe(r->buf + r->pos, r->len - r->pos, 0, d));
		}
		if (c == -1) {
			if (r->state == ST_NDJSON) {
				r->state = ST_DONE;
				return 0;
			}
			return err_at(r, 0, "invalid JSON: the array of records is not closed");
		}
		if (c != '{') {
			if (r->state == ST_ELEMENT && c == ']')
				return err_at(r, 0, "invalid JSON: unexpected ']'");
			if (strchr("[\"tfn-0123456789", c))
				return err_at(r, 0, "record %lld is %s, not an object", (long long)r->index + 1,
				              json_kind_name(c));
			return err_at(r, 0, "invalid JSON: expected a record (an object), found %s",
			              describe(r->buf + r->pos, r->len - r->pos, 0, d));
		}
		break;
	}
	r->rec_off = r->base + (int64_t)r->pos;
	doc->line = doc->col = 1;
	if ((error = window_record(r, doc, &len)) < 0)
		return error;
	if (error == 0 && ((error = scan_value(r, &len)) < 0 || json_parse(doc, r->buf + r->pos, len, r->path) < 0)) {
		if (error < 0)
			return error;
		/* Again, knowing where the record starts, for the message. */
		locate(r, r->rec_off, &doc->line, &doc->col);
		return json_parse(doc, r->buf + r->pos, len, r->path);
	}
	consume(r, len);
	if (r->state == ST_ELEMENT)
		r->state = ST_AFTER;
	r->index++;
	return 1;
}

static void source_free(struct source *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	free(r->buf);
	free(r->win);
	free(r->path);
	free(r);
}

/* The reader hands out records that a second thread has read and
 * tokenised: reading, jsmn and the checks above are about half of a load's
 * first pass, and the loader's own work is the other half.  The thread
 * fills batches (records' texts back to back, their tokens, where each
 * starts) in a ring of a few; the caller takes them in order.  Memory stays
 * a few batches, whatever the size of the file. */

#define BATCH_TEXT (256u << 10)
#define BATCH_RECORDS 4096
#define RING 3

struct rec_info {
	size_t text;    /* offset in the batch's text */
	size_t len;
	int tok, ntoks; /* in the batch's tokens */
	int64_t off;    /* in the file */
};

struct rbatch {
	struct buf text;
	struct json_tok *toks;
	size_t ntoks, captoks;
	struct rec_info *recs;
	size_t nrecs, caprecs;
	/* After the last record: 0 at the end of the file, else the error
	 * that stopped the reading, with its message. */
	bool last;
	int error;
	char *msg;
};

struct json_reader {
	struct source *src;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct rbatch ring[RING];
	size_t head, count; /* the producer fills ring[(head + count) % RING] */
	bool stop;
	/* The caller's side: the batch being read and the record just
	 * returned. */
	struct rbatch *cur;
	size_t next;
	int64_t index, rec_off;
	bool done;
};

static void batch_clear(struct rbatch *b)
{
	buf_clear(&b->text);
	b->ntoks = b->nrecs = 0;
	b->last = false;
	b->error = 0;
	free(b->msg);
	b->msg = NULL;
}

/* Reads records into b until it is full, the file ends or an error. */
static void fill_batch(struct source *src, struct json_doc *doc, struct rbatch *b)
{
	while (b->text.len < BATCH_TEXT && b->nrecs < BATCH_RECORDS) {
		struct rec_info *ri;
		int e = source_next(src, doc);
		if (e <= 0) {
			b->last = true;
			b->error = e;
			if (e < 0)
				b->msg = xstrdup(error_last());
			return;
		}
		grow_array(&b->recs, &b->caprecs, b->nrecs + 1, sizeof(*b->recs));
		grow_array(&b->toks, &b->captoks, b->ntoks + (size_t)doc->ntoks, sizeof(*b->toks));
		ri = &b->recs[b->nrecs++];
		ri->text = b->text.len;
		ri->len = doc->len;
		ri->tok = (int)b->ntoks;
		ri->ntoks = doc->ntoks;
		ri->off = src->rec_off;
		buf_add(&b->text, doc->text, doc->len);
		memcpy(b->toks + b->ntoks, doc->toks, (size_t)doc->ntoks * sizeof(*b->toks));
		b->ntoks += (size_t)doc->ntoks;
	}
}

static void *produce(void *arg)
{
	struct json_reader *r = arg;
	struct json_doc doc = {0};
	bool last = false;
	while (!last) {
		struct rbatch *b;
		pthread_mutex_lock(&r->mu);
		while (r->count == RING && !r->stop)
			pthread_cond_wait(&r->emptied, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		b = &r->ring[(r->head + r->count) % RING];
		pthread_mutex_unlock(&r->mu);
		batch_clear(b);
		fill_batch(r->src, &doc, b);
		last = b->last;
		pthread_mutex_lock(&r->mu);
		r->count++;
		pthread_cond_signal(&r->filled);
		pthread_mutex_unlock(&r->mu);
	}
	json_doc_free(&doc);
	return NULL;
}

int json_reader_open(struct json_reader **out, const char *path, enum json_format format,
                     const char *records)
{
	struct json_reader *r;
	struct source *src = NULL;
	int error;
	if ((error = source_open(&src, path, format, records)) < 0)
		return error;
	r = xcalloc(1, sizeof(*r));
	r->src = src;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->filled, NULL);
	pthread_cond_init(&r->emptied, NULL);
	if (pthread_create(&r->thread, NULL, produce, r) != 0) {
		json_reader_free(r);
		return error_set("%s: cannot start a reading thread", path);
	}
	r->started = true;
	*out = r;
	return 0;
}

int json_reader_next(struct json_reader *r, struct json_doc *doc)
{
	const struct rec_info *ri;
	for (;;) {
		if (r->done)
			return 0;
		if (r->cur && r->next < r->cur->nrecs)
			break;
		if (r->cur) {
			/* Its records are read: an error after them ends the file. */
			if (r->cur->last) {
				r->done = true;
				if (r->cur->error < 0)
					return error_setcode(r->cur->error, "%s", r->cur->msg);
				return 0;
			}
			pthread_mutex_lock(&r->mu);
			r->head = (r->head + 1) % RING;
			r->count--;
			pthread_cond_signal(&r->emptied);
			pthread_mutex_unlock(&r->mu);
			r->cur = NULL;
		}
		pthread_mutex_lock(&r->mu);
		while (r->count == 0)
			pthread_cond_wait(&r->filled, &r->mu);
		r->cur = &r->ring[r->head];
		r->next = 0;
		pthread_mutex_unlock(&r->mu);
	}
	ri = &r->cur->recs[r->next++];
	/* The tokens are lent, as the text is, until the next call. */
	if (doc->cap) {
		free(doc->toks);
		doc->cap = 0;
	}
	doc->toks = r->cur->toks + ri->tok;
	doc->ntoks = ri->ntoks;
	doc->text = r->cur->text.data + ri->text;
	doc->len = ri->len;
	doc->line = doc->col = 1;
	r->rec_off = ri->off;
	r->index++;
	if (check_tokens(doc, r->src->path) < 0) {
		/* Again, knowing where the record starts, for the message. */
		r->done = true;
		locate(r->src, r->rec_off, &doc->line, &doc->col);
		return check_tokens(doc, r->src->path);
	}
	return 1;
}

void json_reader_pos(const struct json_reader *r, int64_t *line, int64_t *col)
{
	locate(r->src, r->rec_off, line, col);
}

int64_t json_reader_offset(const struct json_reader *r)
{
	return r->rec_off;
}

int64_t json_reader_index(const struct json_reader *r)
{
	return r->index - 1;
}

void json_reader_free(struct json_reader *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_signal(&r->emptied);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	for (size_t i = 0; i < RING; i++) {
		batch_clear(&r->ring[i]);
		buf_free(&r->ring[i].text);
		free(r->ring[i].toks);
		free(r->ring[i].recs);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->filled);
	pthread_cond_destroy(&r->emptied);
	source_free(r->src);
	free(r);
}
