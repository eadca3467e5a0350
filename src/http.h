/* http: requests with libcurl, the only module that includes curl.
 * One fetch is a series of pages (pagination), each written to a file as it
 * arrives and checked as JSON on the way, with retries, timeouts and a
 * conditional first request.  One request (http_request) sends a method and
 * a body and keeps the reply in memory, with the same retries.  Nothing
 * here knows the DAG file or state. */
#ifndef PIPE_HTTP_H
#define PIPE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h" /* PIPE_VERSION, for the User-Agent */

enum http_paging {
	HTTP_PAGE_NONE,
	HTTP_PAGE_OFFSET,   /* param=offset, advanced by size */
	HTTP_PAGE_NUMBER,   /* param=page number, from start */
	HTTP_PAGE_LINK,     /* Link: <...>; rel="next" */
	HTTP_PAGE_CURSOR,   /* a value in the body sent back as param */
	HTTP_PAGE_NEXT_URL, /* a URL in the body */
};

struct http_paginate {
	enum http_paging style;
	const char *param; /* offset, number, cursor: the query parameter */
	const char *limit_param; /* offset: also sends limit_param=size; may be NULL */
	const char *path;  /* cursor, next_url: dotted key path in the body */
	int64_t start;     /* number: the first page's number */
	int64_t size;      /* rows per full page; 0 = unknown (no short-page stop) */
	int max_pages;     /* 0 = no limit */
};

/* The log callback receives finished lines; the caller redacts them. */
typedef void (*http_log_fn)(void *arg, const char *line);

struct http_fetch {
	/* The URL and the values below are expanded and may hold secrets:
	 * http.c never prints them.  Messages name display_url instead. */
	const char *url;
	const char *display_url;
	const char *const *params; /* name, value, name, value...: URL-encoded here */
	size_t nparams;            /* pairs */
	const char *const *headers; /* "Name: value" */
	size_t nheaders;
	const char *ca_file;        /* NULL: the system's CAs */
	long timeout_ms;            /* whole request; 0 = none */
	long connect_timeout_ms;
	int retries;                /* attempts after the first */
	long retry_delay_ms;        /* first backoff; doubles each retry */
	long retry_max_ms;          /* cap on a backoff and on Retry-After */
	const char *if_none_match;  /* sent with the first page only */
	const char *if_modified_since;
	struct http_paginate page;
	/* Incremental loads: the largest value of this key in the rows (the
	 * objects in the body's top-level array, or in an array member of a
	 * top-level object) is reported in http_result.max_value. */
	const char *row_field;
	const char *dir;            /* pages go to dir/page-0001.json, ... */
	const struct file_hasher *hasher; /* hashes each page as written; may be NULL */
	int verbose;
	http_log_fn log;
	void *log_arg;
};

struct http_result {
	bool not_modified;   /* the first page answered 304 */
	long status;         /* of the last page; 0 for file:// */
	int pages;
	int64_t rows;        /* elements of the rows arrays, all pages */
	uint64_t bytes;      /* body bytes written */
	bool more;           /* stopped by max_pages while pages kept coming */
	/* From the first page's response; NULL when absent. */
	char *etag, *last_modified, *content_type, *soda_fields, *soda_types;
	char *max_value;     /* see row_field; NULL when no row had it */
};

/* Fetches every page into f->dir (which must exist).  On failure the
 * message names display_url, the page and, for bad JSON, the byte offset;
 * files already written stay in dir for the caller to remove. */
int http_fetch(const struct http_fetch *f, struct http_result *r);
void http_result_free(struct http_result *r);

/* One request with its reply in memory: a token exchange, a BigQuery job.
 * A reply of 429, 408 or 5xx, and a dropped or timed-out connection, are
 * retried as a fetch's pages are (backoff, Retry-After): callers make their
 * requests safe to send twice.  Redirects are not followed. */
struct http_request {
	const char *method;          /* "GET", "POST", "PUT"...; NULL: GET, or POST with a body */
	const char *url;             /* may hold secrets: never printed */
	const char *display_url;     /* for messages */
	const char *const *headers;  /* "Name: value"; may hold secrets */
	size_t nheaders;
	const char *body;            /* NULL: none */
	size_t body_len;
	const char *content_type;    /* of the body: "application/json"... */
	const char *ca_file;
	long timeout_ms, connect_timeout_ms;
	int retries;
	long retry_delay_ms, retry_max_ms;
	http_log_fn log;             /* retry notes */
	void *log_arg;
};

/* A reply larger than this is refused: a page of results, not a table. */
#define HTTP_MAX_REPLY (64u << 20)

struct http_reply {
	long status;     /* of the last attempt */
	struct buf body; /* its body, NUL-terminated */
	int attempts;
	char *location;  /* the Location and Range headers; NULL when absent */
	char *range;
};

/* Sends r until it gets a reply that is not retried, or the retries are
 * spent: then 0, with the last reply in *out, whatever its status (the
 * caller reads an error body its own way).  < 0 when no reply came (the
 * message names display_url).  Free *out with http_reply_free either way. */
int http_request(const struct http_request *r, struct http_reply *out);
void http_reply_free(struct http_reply *out);

/* Uploads of a load job's data to BigQuery's upload URI (r->url, to which
 * uploadType is added), the job's JSON metadata beside it; r's method, body
 * and content type are not used.  Both return as http_request does: 0 with
 * the last reply (the job, or an error reply) in *out, < 0 when none came. */

/* One multipart/related request; the file is held in memory, twice. */
int http_upload_multipart(const struct http_request *r, const char *metadata, const char *path,
                          struct http_reply *out);

/* A resumable session, the file sent chunk bytes at a time (a multiple of
 * HTTP_UPLOAD_CHUNK_UNIT) and resumed where the session stands after a
 * chunk that fails; r->retries failures in a row end it. */
#define HTTP_UPLOAD_CHUNK_UNIT (256u << 10)
int http_upload_resumable(const struct http_request *r, const char *metadata, const char *path,
                          size_t chunk, struct http_reply *out);

/* For a signal handler (async-signal-safe): with sig != 0, transfers in
 * progress end within a second, and retries and their waits stop, failing
 * with "interrupted"; 0 clears it. */
void http_interrupt(int sig);

/* Appends s percent-encoded (all but letters, digits and -._~). */
void http_url_escape(struct buf *b, const char *s);
/* Appends name=value to url, both percent-encoded, with ? or &. */
void http_url_add_param(struct buf *url, const char *name, const char *value);


#endif
