/* json: JSON read a record at a time with jsmn, so that memory stays bounded
 * whatever the size of the file.  A source is a top-level array of records,
 * newline-delimited records (NDJSON), or an array found inside an envelope by
 * a path such as "data.items".  A record comes as its own document (text and
 * tokens, reused from record to record); tokens give offsets into the
 * record's text.  The only module that includes jsmn.h.  A text that arrives
 * in chunks (an HTTP body) is checked by json_scan, below. */
#ifndef PIPE_JSON_H
#define PIPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A record larger than this is refused rather than held in memory. */
#define JSON_MAX_RECORD (64u << 20)
/* Objects and arrays nested deeper than this are refused: jsmn's work to
 * close a container grows with the depth, so a deep document costs the
 * square of its depth (docs/staging.md). */
#define JSON_MAX_DEPTH 1000

enum json_type {
	JSON_OBJECT = 1,
	JSON_ARRAY,
	JSON_STRING,
	JSON_INT,   /* a number without fraction or exponent */
	JSON_FLOAT, /* any other number */
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

struct json_tok {
	int type;        /* enum json_type */
	int start, end;  /* offsets into the text; a string's without its quotes */
	int size;        /* members of an object, elements of an array */
	int parent;      /* index of the enclosing token, -1 for the root */
};

/* A parsed document: tokens over text (not owned).  Token 0 is the root;
 * a value's tokens follow it depth-first. */
struct json_doc {
	const char *text;
	size_t len;
	struct json_tok *toks; /* owned when cap > 0; else lent by a reader */
	int ntoks, cap;
	void *raw; /* jsmn's own tokens, reused */
	int rawcap;
	int *ends; /* for checking separators, reused */
	int endscap;
	/* Where text starts in its source, for messages (1-based). */
	int64_t line, col;
};

/* Parses a whole (small) document: a manifest, a config.  where names the
 * source in messages ("path" gives "path:line:col: ...").  toks is reused
 * when parsing again into the same doc. */
int json_parse(struct json_doc *doc, const char *text, size_t len, const char *where);
void json_doc_free(struct json_doc *doc);
/* The token after the value at i and everything inside it. */
int json_skip(const struct json_doc *doc, int i);
/* Where token i starts, 1-based, for a message "where:line:col: ...". */
void json_tok_pos(const struct json_doc *doc, int i, int64_t *line, int64_t *col);
/* The value of key in the object at obj, or -1. */
int json_get(const struct json_doc *doc, int obj, const char *key);
/* A string token's decoded bytes: points into the text when there is no
 * escape, else into scratch (cleared first).  Sets *len. */
const char *json_str(const struct json_doc *doc, int i, struct buf *scratch, size_t *len);
/* The decoded string as a new NUL-terminated string (any token: its text). */
char *json_strdup(const struct json_doc *doc, int i);
bool json_eq(const struct json_doc *doc, int i, const char *s);
/* SQL's JSON_VALUE (query false) and JSON_QUERY (true): the value at path
 * ($, then .key, ."key", ['key'], ["key"], [n]) of the document text, into
 * out: a scalar's text (a string unescaped), or the value's JSON text.
 * 1 found; 0 for no such value, text that is not JSON, or a JSON_VALUE of
 * an object, an array or null; PIPE_EUSAGE for a malformed path. */
int json_path(const char *text, size_t len, const char *path, size_t plen, bool query, struct buf *out);
/* JSON_QUERY_ARRAY and JSON_VALUE_ARRAY: the elements of the array at path,
 * each as uint32 length, uint8 NULL, its bytes (as json_path gives one);
 * 1, or 0 where the path leads to no array or (values) to one holding an
 * object or an array, < 0 a bad path. */
int json_path_array(const char *text, size_t len, const char *path, size_t plen, bool query, struct buf *out);

enum json_format {
	JSON_FORMAT_AUTO,   /* an array, or NDJSON when the file starts with an object */
	JSON_FORMAT_ARRAY,
	JSON_FORMAT_NDJSON,
};

/* Streams the records of a file. */
struct json_reader;

/* records: a dotted path of object keys to the array of records inside an
 * envelope ("data.items"), or NULL when the top level holds them. */
int json_reader_open(struct json_reader **out, const char *path, enum json_format format,
                     const char *records);
/* Reads the next record into doc (its text and tokens stay valid until the
 * next call).  Returns 1 with a record, 0 at the end, < 0 on an error whose
 * message gives path:line:col. */
int json_reader_next(struct json_reader *r, struct json_doc *doc);
/* Where the record just returned starts, for messages: 1-based.  Counts
 * lines from the start of the file: for errors, not for every record. */
void json_reader_pos(const struct json_reader *r, int64_t *line, int64_t *col);
int64_t json_reader_offset(const struct json_reader *r); /* its byte offset */
int64_t json_reader_index(const struct json_reader *r); /* 0-based record number */
void json_reader_free(struct json_reader *r);

/* A JSON text checked as it arrives in chunks (json_scan.c): an HTTP body,
 * in bounded memory whatever its size.  On the way it counts rows (the
 * elements of a top-level array, or of an array that is a member of a
 * top-level object), keeps the value at a dotted key path from the root
 * ("meta.next_cursor"; NULL for none), and the largest value of a key in
 * each row object (field; NULL for none). */
struct json_scan;
struct json_scan *json_scan_new(const char *path, const char *field);
/* 0, or -1 on a syntax error (json_scan_error says at which byte). */
int json_scan_feed(struct json_scan *s, const char *p, size_t n);
/* At the end of the text: 0 when complete; 1 when it ended early (a
 * truncated body); -1 on a syntax error. */
int json_scan_finish(struct json_scan *s);
const char *json_scan_error(const struct json_scan *s);
int64_t json_scan_rows(const struct json_scan *s);
const char *json_scan_found(const struct json_scan *s); /* NULL: absent or null */
const char *json_scan_max(const struct json_scan *s);   /* NULL: no row had field */
void json_scan_free(struct json_scan *s);

/* Checks a whole JSON text (for tests and headers): 0, or an error naming
 * the byte offset.  rows gets the count json_scan_rows would. */
int json_check(const char *data, size_t len, int64_t *rows);

/* Compares two cursor values: numerically when both are numbers, else as
 * strings (ISO timestamps sort that way).  <0, 0, >0. */
int json_cursor_cmp(const char *a, const char *b);

#endif
