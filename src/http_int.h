/* http_int: what http.c lends the uploads (http_upload.c), so that curl
 * stays in http.c.  For http.c and http_upload.c only. */
#ifndef PIPE_HTTP_INT_H
#define PIPE_HTTP_INT_H

#include "http.h"

/* One attempt at r on a connection of its own, without retries: 0 a reply
 * that is final, 1 one to retry (why says what happened), < 0 failed.
 * Only after http_request has loaded libcurl. */
int http_request_attempt(const struct http_request *r, struct http_reply *out, struct buf *why);
/* The wait before retry number attempt, from r's retry delays, jittered. */
long http_backoff_ms(const struct http_request *r, int attempt);
/* Sleeps, cut short by http_interrupt. */
void http_sleep_ms(long ms);
bool http_interrupted(void);
/* A line to r's log, when it has one. */
void http_note(const struct http_request *r, const char *fmt, ...) PIPE_PRINTF(2, 3);
/* Whether two URLs share scheme, host and port. */
bool http_same_origin(const char *a, const char *b);

#endif
