/* json_int: what json.c (documents, jsmn) gives json_reader.c (files of
 * records), and nothing else includes.  jsmn stays in json.c: the reader
 * sees its tokens only through a window. */
#ifndef PIPE_JSON_INT_H
#define PIPE_JSON_INT_H

#include "json.h"

/* jsmn's tokens for a buffer from one record on, so that the records after
 * it need no scan of their own.  Offsets are from the file offset base. */
struct json_window {
	void *toks; /* jsmn's */
	int n, cap, cur;
	int64_t base;
};

/* Tokenises text[0, len), which starts at file offset at, into the window,
 * as far as the tokens or the text go: the records before where jsmn
 * stopped (an incomplete record, too few tokens, the array's ']') are
 * whole. */
void json_window_fill(struct json_window *w, const char *text, size_t len, int64_t at);
/* The record starting at file offset at, whose text starts at text: 1 with
 * doc (tokens only, the window's own lent until the window is filled again;
 * left unchecked) and *len set when the window holds it
 * whole; 0 when it does not; -1 when jsmn hung tokens outside the record's
 * text on it ({}:"b": 1), which a scan of the record on its own reports. */
int json_window_take(struct json_window *w, int64_t at, const char *text, struct json_doc *doc, size_t *len);
void json_window_free(struct json_window *w);

/* What jsmn leaves unchecked in doc's tokens (literals, numbers, keys,
 * separators, UTF-8 of text kept as text); where names the source. */
int json_check_tokens(struct json_doc *doc, const char *where);
/* out: text[off] for a message ("'x'", "byte 0x01", "the end of the
 * input"). */
const char *json_describe(const char *text, size_t len, size_t off, char out[16]);

#endif
