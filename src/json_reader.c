/* json_reader: the records of a JSON file, one at a time, in memory that
 * stays bounded whatever the size of the file (json.h).
 *
 * jsmn tokenises a whole text into a caller's token array; on a large
 * top-level array that array would hold every token of the file.  So a
 * source keeps a sliding buffer (a megabyte, grown only for a record larger
 * than that) and json.c's window of tokens over it: jsmn runs over the
 * buffer from the current record on, and stops where the tokens or the
 * buffer run out; the whole records in the window are handed out one by
 * one, and the window is made again at the first record it did not hold.
 * A record the window cannot hold (a damaged one, or one of more tokens
 * than the window) is measured by a small bracket-and-string scanner and
 * tokenised on its own, which also gives an error its position.
 *
 * The reading and jsmn run in a thread of their own, a few batches of
 * records ahead of the caller, who checks each record as it takes it (see
 * struct json_reader): the two halves of the work on two cores.
 *
 * Positions: lines are counted only for a message, by reading the file
 * again from its start. */
#include "json_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define READ_CHUNK (1u << 20)

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
	struct json_window win;
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
			                    r->keys[k], json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
				              json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
		                    r->keys[r->nkeys - 1], json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
	              json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
	int error;
	for (int attempt = 0;; attempt++) {
		size_t avail;
		int got = json_window_take(&r->win, at, r->buf + r->pos, doc, len);
		/* The checks are left to the thread that takes the record (see
		 * json_reader_next): they are half of what tokenising costs. */
		if (got != 0)
			return got > 0;
		if (attempt == 2)
			return 0;
		/* Another chunk when what is there holds no whole record. */
		avail = r->len - r->pos;
		if (attempt == 1 && ((error = fill(r, avail)) <= 0 || r->len - r->pos == avail))
			return error < 0 ? error : 0;
		json_window_fill(&r->win, r->buf + r->pos, r->len - r->pos, at);
	}
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
			              json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
			              json_describe(r->buf + r->pos, r->len - r->pos, 0, d));
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
	json_window_free(&r->win);
	free(r->path);
	free(r);
}

/* The reader hands out records that a second thread has read and
 * tokenised: reading, jsmn and json_check_tokens are about half of a load's
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

static bool batch_ready(const void *arg)
{
	const struct json_reader *r = arg;
	return __atomic_load_n(&r->count, __ATOMIC_ACQUIRE) != 0;
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
		spin_briefly(batch_ready, r, 30);
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
	if (json_check_tokens(doc, r->src->path) < 0) {
		/* Again, knowing where the record starts, for the message. */
		r->done = true;
		locate(r->src, r->rec_off, &doc->line, &doc->col);
		return json_check_tokens(doc, r->src->path);
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
