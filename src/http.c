/* http: GET with libcurl -- pages streamed to files and checked as JSON
 * while they arrive, retries with backoff, pagination, conditional GET.
 *
 * Memory does not grow with the body or the number of pages: each chunk
 * curl hands over is written to the page's file and fed to json_scan
 * (json_scan.c), which checks it and keeps only the few values pagination
 * and incremental loads ask for. */
#include "http.h"
#include "http_int.h"
#include "json.h"

/* The calls go through pointers named as curl's functions (lib.curl_easy_setopt),
 * which curl's type-checking macros of the same names would rewrite. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* libcurl is loaded when the first snapshot is fetched, not when pipe
 * starts: with the thirty libraries it pulls in, loading it cost more than
 * a no-op build of a thousand targets. */
#define CURL_FUNCTIONS(X) \
	X(curl_global_init) \
	X(curl_easy_init) \
	X(curl_easy_setopt) \
	X(curl_easy_perform) \
	X(curl_easy_getinfo) \
	X(curl_easy_reset) \
	X(curl_easy_cleanup) \
	X(curl_easy_strerror) \
	X(curl_free) \
	X(curl_getdate) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_cleanup) \
	X(curl_url_get) \
	X(curl_url_set)

LIB_FUNCTIONS(CURL_FUNCTIONS, lib);
static char lib_error[256];

LIB_NOTE_DLOPEN("http", "fetching snapshot targets (http, https and file URLs)", "recommended",
                LIBCURL_SONAME);

/* ---- URLs ---- */

void http_url_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

void http_url_add_param(struct buf *url, const char *name, const char *value)
{
	const char *s = buf_cstr(url);
	buf_putc(url, strchr(s, '?') ? '&' : '?');
	http_url_escape(url, name);
	buf_putc(url, '=');
	http_url_escape(url, value);
}

/* ref (a Link target or a next URL from the body) may be relative to base. */
static char *url_resolve(const char *base, const char *ref)
{
	CURLU *u = lib.curl_url();
	char *out = NULL, *res = NULL;
	if (u && lib.curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    lib.curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    lib.curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
		res = xstrdup(out);
		lib.curl_free(out);
	}
	lib.curl_url_cleanup(u);
	return res;
}

/* The rel="next" target of a Link header value, or NULL. */
static char *link_next(const char *v)
{
	while (v && *v) {
		const char *lt = strchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (!gt)
			return NULL;
		const char *end = strchr(gt, ',');
		/* a comma can only separate links after the params */
		size_t plen = end ? (size_t)(end - gt) : strlen(gt);
		char *params = xstrndup(gt + 1, plen - 1);
		bool next = false;
		for (char *p = params; (p = strstr(p, "rel")); p += 3) {
			char *q = p + 3;
			while (*q == ' ')
				q++;
			if (*q != '=')
				continue;
			q++;
			while (*q == ' ')
				q++;
			if (*q == '"')
				q++;
			/* rel may hold several space-separated relation types */
			for (;;) {
				size_t n = strcspn(q, "\" ;,");
				if (n == 4 && !strncasecmp(q, "next", 4))
					next = true;
				if (q[n] != ' ')
					break;
				q += n + 1;
			}
		}
		free(params);
		if (next)
			return xstrndup(lt + 1, (size_t)(gt - lt - 1));
		v = end ? end + 1 : NULL;
	}
	return NULL;
}

/* ---- one request ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;

static void curl_init_once(void)
{
	curl_init_code = LIB_OPEN(LIBCURL_SONAME, lib, lib_error, sizeof(lib_error)) < 0
	                 ? CURLE_FAILED_INIT : lib.curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* What one attempt at one page gathers. */
struct transfer {
	CURL *curl;
	FILE *out;
	/* out's bytes hashed as written, so the build never reads the page
	 * back (file_hasher); hash NULL: not hashed */
	const struct file_hasher *hasher;
	void *hash;
	struct json_scan *scan;
	uint64_t bytes;
	bool json_error; /* the write callback stopped the transfer */
	long status;
	struct buf errbody; /* the start of a non-2xx body, for the message */
	char *etag, *last_modified, *retry_after, *link, *soda_fields, *soda_types;
	char *content_type;
	char *location, *range; /* uploads: the session URI, what it holds */
};

static void transfer_reset_headers(struct transfer *t)
{
	char **all[] = {&t->etag, &t->last_modified, &t->retry_after, &t->link,
	                &t->soda_fields, &t->soda_types, &t->content_type, &t->location, &t->range};
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* an interim response (100 Continue) is followed by the real one */
		transfer_reset_headers(t);
		return len;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon)
		return len;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	static const struct { const char *name; size_t off; } wanted[] = {
		{"etag", offsetof(struct transfer, etag)},
		{"last-modified", offsetof(struct transfer, last_modified)},
		{"retry-after", offsetof(struct transfer, retry_after)},
		{"link", offsetof(struct transfer, link)},
		{"x-soda2-fields", offsetof(struct transfer, soda_fields)},
		{"x-soda2-types", offsetof(struct transfer, soda_types)},
		{"content-type", offsetof(struct transfer, content_type)},
		{"location", offsetof(struct transfer, location)},
		{"range", offsetof(struct transfer, range)},
	};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(*wanted); i++) {
		if (nlen == strlen(wanted[i].name) && !strncasecmp(p, wanted[i].name, nlen)) {
			char **slot = (char **)((char *)t + wanted[i].off);
			char *value = xstrndup(v, (size_t)(end - v));
			if (*slot && wanted[i].off == offsetof(struct transfer, link)) {
				/* several Link lines are one list */
				char *both = xasprintf("%s, %s", *slot, value);
				free(value);
				value = both;
			}
			free(*slot);
			*slot = value;
		}
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	if (!t->status)
		lib.curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
	if (t->status >= 300) {
		if (t->errbody.len < 512)
			buf_add(&t->errbody, p, len < 512 ? len : 512);
		return len;
	}
	if (fwrite(p, 1, len, t->out) != len)
		return 0;
	if (t->hash)
		t->hasher->update(t->hash, p, len);
	t->bytes += len;
	if (json_scan_feed(t->scan, p, len) < 0) {
		t->json_error = true;
		return 0;
	}
	return len;
}

static void transfer_free(struct transfer *t)
{
	transfer_reset_headers(t);
	buf_free(&t->errbody);
}

/* Seconds to wait from a Retry-After value (seconds or an HTTP date);
 * -1 when absent or unreadable. */
static long retry_after_ms(const char *v)
{
	if (!v || !*v)
		return -1;
	char *end;
	long secs = strtol(v, &end, 10);
	if (end != v && !*end)
		return secs < 0 ? 0 : secs * 1000;
	time_t when = lib.curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	long diff = (long)(when - time(NULL));
	return diff < 0 ? 0 : diff * 1000;
}

static uint64_t jitter_state;

/* Exponential backoff with "equal jitter": half the delay fixed, half
 * random, so that many clients retrying together spread out. */
static long backoff_ms(const struct http_fetch *f, int attempt)
{
	double d = (double)f->retry_delay_ms;
	for (int i = 1; i < attempt && d < (double)f->retry_max_ms; i++)
		d *= 2;
	if (d > (double)f->retry_max_ms)
		d = (double)f->retry_max_ms;
	uint64_t x = __atomic_add_fetch(&jitter_state, 0x9e3779b97f4a7c15ull, __ATOMIC_RELAXED);
	x ^= (uint64_t)time_now_ms() * 0xbf58476d1ce4e5b9ull;
	x ^= x >> 31;
	return (long)(d / 2 + (double)(x % 1000) / 1000.0 * d / 2);
}

/* Set by a signal handler (http_interrupt): a transfer's progress callback
 * and the backoff sleep look at it, so that Ctrl-C ends a fetch within a
 * second even when the server sends nothing. */
static volatile sig_atomic_t interrupted;

void http_interrupt(int sig) { interrupted = sig; }

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	(void)arg, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return interrupted != 0;
}

/* In slices, so that an interrupt cuts a long Retry-After short. */
static void sleep_ms(long ms)
{
	while (ms > 0 && !interrupted) {
		long slice = ms < 50 ? ms : 50;
		struct timespec ts = {0, slice * 1000000L};
		nanosleep(&ts, NULL);
		ms -= slice;
	}
}

/* A retry note to a fetch's or a request's log, when it has one. */
static void vnote(http_log_fn log, void *arg, const char *fmt, va_list ap)
{
	if (!log)
		return;
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	log(arg, buf_cstr(&b));
	buf_free(&b);
}

static void note(const struct http_fetch *f, const char *fmt, ...) PIPE_PRINTF(2, 3);
static void note(const struct http_fetch *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(f->log, f->log_arg, fmt, ap);
	va_end(ap);
}

static bool retryable_curl(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
		return true;
	default:
		return false;
	}
}

/* The start of an error body, on one line, for a message. */
static char *body_excerpt(struct buf *b)
{
	struct buf out = BUF_INIT;
	size_t n = b->len < 200 ? b->len : 200;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b->data[i];
		buf_putc(&out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (b->len > n)
		buf_puts(&out, "...");
	char *s = str_squeeze(buf_cstr(&out));
	buf_free(&out);
	return s;
}

/* Where one page's request stands after all its attempts. */
#define PAGE_IOBUF (1 << 17)

struct page {
	int number;         /* 1-based */
	const char *url;    /* expanded */
	const char *path;   /* the file */
	bool conditional;
	/* Redirects are followed here, not by curl, so that the user's headers
	 * (tokens) are not sent on to another host: foreign says we left the
	 * first URL's scheme, host and port. */
	char *redirect;
	int nredirects;
	CURL *curl; /* for every attempt at every page */
	bool foreign;
	/* out */
	struct transfer t;
	struct json_scan *scan;
	bool not_modified;
};

/* Sets c up for one request.  The handle lives for the whole fetch: reset
 * forgets the options but keeps the connection, so pages reuse it. */
static void setup_handle(CURL *c, const struct http_fetch *f, struct curl_slist **hdrs,
                         bool conditional, bool user_headers)
{
	lib.curl_easy_reset(c);
	bool has_accept = false;
	for (size_t i = 0; user_headers && i < f->nheaders; i++) {
		*hdrs = lib.curl_slist_append(*hdrs, f->headers[i]);
		if (!strncasecmp(f->headers[i], "accept:", 7))
			has_accept = true;
	}
	if (!has_accept)
		*hdrs = lib.curl_slist_append(*hdrs, "Accept: application/json");
	if (conditional && f->if_none_match) {
		char *h = xasprintf("If-None-Match: %s", f->if_none_match);
		*hdrs = lib.curl_slist_append(*hdrs, h);
		free(h);
	}
	if (conditional && f->if_modified_since) {
		char *h = xasprintf("If-Modified-Since: %s", f->if_modified_since);
		*hdrs = lib.curl_slist_append(*hdrs, h);
		free(h);
	}
	lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
	lib.curl_easy_setopt(c, CURLOPT_USERAGENT, "pipe/" PIPE_VERSION);
	lib.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	lib.curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	lib.curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	lib.curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 1L << 17);
	lib.curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	lib.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
	lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	lib.curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (f->ca_file)
		lib.curl_easy_setopt(c, CURLOPT_CAINFO, f->ca_file);
	if (f->timeout_ms > 0)
		lib.curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->timeout_ms);
	if (f->connect_timeout_ms > 0)
		lib.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->connect_timeout_ms);
}

/* One attempt.  Returns 0 done, 1 retry (why in *why), 2 redirected (to
 * pg->redirect), -1 failed. */
static int attempt(const struct http_fetch *f, struct page *pg, struct buf *why, long *wait_ms)
{
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", *iobuf = NULL;
	int error = 0;
	CURL *c = pg->curl;

	transfer_free(&pg->t);
	memset(&pg->t, 0, sizeof(pg->t));
	json_scan_free(pg->scan);
	pg->scan = json_scan_new(f->page.path, f->row_field);
	pg->t.scan = pg->scan;
	*wait_ms = -1;

	if (!(pg->t.out = fopen(pg->path, "wb"))) {
		error = error_set("cannot write %s: %s", pg->path, strerror(errno));
		goto done;
	}
	if (f->hasher) {
		pg->t.hasher = f->hasher;
		pg->t.hash = f->hasher->start(f->hasher->arg);
	}
	/* pages are large: fewer, bigger writes (glibc takes a size only with
	 * a buffer: without one it uses the file's block size) */
	iobuf = xmalloc(PAGE_IOBUF);
	setvbuf(pg->t.out, iobuf, _IOFBF, PAGE_IOBUF);
	setup_handle(c, f, &hdrs, pg->conditional, !pg->foreign);
	pg->t.curl = c;
	lib.curl_easy_setopt(c, CURLOPT_URL, pg->redirect ? pg->redirect : pg->url);
	lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	lib.curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lib.curl_easy_setopt(c, CURLOPT_HEADERDATA, &pg->t);
	lib.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	lib.curl_easy_setopt(c, CURLOPT_WRITEDATA, &pg->t);

	CURLcode rc = lib.curl_easy_perform(c);
	lib.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &pg->t.status);
	if (fclose(pg->t.out) != 0 && rc == CURLE_OK) {
		pg->t.out = NULL;
		error = error_set("cannot write %s: %s", pg->path, strerror(errno));
		goto done;
	}
	pg->t.out = NULL;
	/* the file holds what on_body hashed; an attempt that is retried
	 * writes the page again, and the build takes the newest hash */
	if (pg->t.hash) {
		pg->t.hasher->done(pg->t.hasher->arg, pg->t.hash, rc == CURLE_OK ? pg->path : NULL);
		pg->t.hash = NULL;
	}
	long status = pg->t.status;

	if (pg->t.json_error) {
		error = error_set("%s", json_scan_error(pg->scan));
		goto done;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		error = error_set("interrupted");
		goto done;
	}
	if (rc != CURLE_OK) {
		const char *msg = errbuf[0] ? errbuf : lib.curl_easy_strerror(rc);
		if (retryable_curl(rc)) {
			if (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR)
				buf_printf(why, "connection dropped after %llu bytes (%s)",
				           (unsigned long long)pg->t.bytes, msg);
			else
				buf_printf(why, "%s", msg);
			error = 1;
		} else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
			error = error_set("%s (the server's certificate is not trusted: "
			                  "set ca_file to its CA's certificate)", msg);
		} else {
			error = error_set("%s", msg);
		}
		goto done;
	}
	char *location = NULL;
	if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308) &&
	    lib.curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
		free(pg->redirect);
		pg->redirect = xstrdup(location);
		error = 2;
		goto done;
	}
	if (status == 304 && pg->conditional) {
		pg->not_modified = true;
		goto done;
	}
	if (status == 429 || status == 408 || (status >= 500 && status <= 599)) {
		char *ex = body_excerpt(&pg->t.errbody);
		buf_printf(why, "HTTP %ld%s%s", status, *ex ? ": " : "", ex);
		free(ex);
		*wait_ms = retry_after_ms(pg->t.retry_after);
		error = 1;
		goto done;
	}
	if (status >= 300) {
		char *ex = body_excerpt(&pg->t.errbody);
		error = error_set("HTTP %ld%s%s", status, *ex ? ": " : "", ex);
		free(ex);
		goto done;
	}
	int fin = json_scan_finish(pg->scan);
	if (fin == 1) {
		/* the connection closed early on a body without a length */
		buf_printf(why, "%s", json_scan_error(pg->scan));
		error = 1;
	} else if (fin < 0) {
		error = error_set("%s", json_scan_error(pg->scan));
	}
done:
	if (pg->t.out)
		fclose(pg->t.out);
	pg->t.out = NULL;
	if (pg->t.hash)
		pg->t.hasher->done(pg->t.hasher->arg, pg->t.hash, NULL);
	pg->t.hash = NULL;
	free(iobuf); /* after the fclose that used it */
	/* the handle outlives errbuf and hdrs */
	lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	lib.curl_slist_free_all(hdrs);
	return error;
}

static bool same_origin(const char *a, const char *b)
{
	static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
	CURLU *ua = lib.curl_url(), *ub = lib.curl_url();
	bool same = ua && ub && lib.curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	            lib.curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
	for (size_t i = 0; same && i < sizeof(parts) / sizeof(*parts); i++) {
		char *x = NULL, *y = NULL;
		lib.curl_url_get(ua, parts[i], &x, CURLU_DEFAULT_PORT);
		lib.curl_url_get(ub, parts[i], &y, CURLU_DEFAULT_PORT);
		same = x && y && !strcasecmp(x, y);
		lib.curl_free(x);
		lib.curl_free(y);
	}
	lib.curl_url_cleanup(ua);
	lib.curl_url_cleanup(ub);
	return same;
}

static int follow(const struct http_fetch *f, struct page *pg)
{
	if (++pg->nredirects > 10)
		return error_set("more than 10 redirects");
	if (strncasecmp(pg->redirect, "http://", 7) && strncasecmp(pg->redirect, "https://", 8))
		return error_set("redirected to a URL that is not http or https");
	if (!pg->foreign && !same_origin(pg->url, pg->redirect)) {
		pg->foreign = true;
		if (f->nheaders)
			note(f, "page %d: redirected to another host: its headers are not sent there",
			     pg->number);
	}
	if (f->verbose)
		note(f, "page %d: redirected", pg->number);
	return 0;
}

static int fetch_page(const struct http_fetch *f, struct page *pg)
{
	free(pg->redirect);
	pg->redirect = NULL;
	pg->nredirects = 0;
	pg->foreign = false;
	struct buf why = BUF_INIT;
	int error;
	for (int n = 0;; n++) {
		long wait = -1;
		buf_clear(&why);
		error = attempt(f, pg, &why, &wait);
		if (error <= 0)
			break;
		if (error == 2) {
			if ((error = follow(f, pg)) < 0)
				break;
			n--; /* a redirect is not a failed attempt */
			continue;
		}
		if (n >= f->retries) {
			if (n)
				error = error_set("%s (gave up after %d attempts)", buf_cstr(&why), n + 1);
			else
				error = error_set("%s", buf_cstr(&why));
			break;
		}
		if (wait > f->retry_max_ms) {
			error = error_set("%s: the server asks to retry after %lds, more than "
			                  "retry_max (%ldms)", buf_cstr(&why), wait / 1000,
			                  f->retry_max_ms);
			break;
		}
		if (wait < 0)
			wait = backoff_ms(f, n + 1);
		note(f, "page %d: %s; retrying in %ldms (attempt %d of %d)", pg->number,
		     buf_cstr(&why), wait, n + 2, f->retries + 1);
		sleep_ms(wait);
		if (interrupted) {
			error = error_set("%s; interrupted before attempt %d", buf_cstr(&why), n + 2);
			break;
		}
	}
	buf_free(&why);
	return error;
}

/* ---- pages ---- */

void http_result_free(struct http_result *r)
{
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->soda_fields);
	free(r->soda_types);
	free(r->max_value);
	memset(r, 0, sizeof(*r));
}

static char *page_url(const struct http_fetch *f, const char *extra_name, const char *extra_value,
                      int64_t limit)
{
	struct buf u = BUF_INIT;
	buf_puts(&u, f->url);
	for (size_t i = 0; i < f->nparams; i++)
		http_url_add_param(&u, f->params[2 * i], f->params[2 * i + 1]);
	if (f->page.style == HTTP_PAGE_OFFSET && f->page.limit_param) {
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)limit);
		http_url_add_param(&u, f->page.limit_param, n);
	}
	if (extra_name)
		http_url_add_param(&u, extra_name, extra_value);
	return buf_detach(&u);
}

static void keep_first(char **dst, const char *src)
{
	if (!*dst && src)
		*dst = xstrdup(src);
}

int http_fetch(const struct http_fetch *f, struct http_result *r)
{
	int error = 0;
	char *url = NULL, *path = NULL, *next = NULL;
	struct page *pg = xcalloc(1, sizeof(*pg));
	enum http_paging style = f->page.style;
	int64_t number = f->page.start, offset = 0;
	char num[32];

	memset(r, 0, sizeof(*r));
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_code != CURLE_OK) {
		error = error_set("cannot start libcurl: %s",
		                  lib.curl_easy_strerror ? lib.curl_easy_strerror(curl_init_code) : lib_error);
		goto done;
	}
	if (!(pg->curl = lib.curl_easy_init())) {
		error = error_set("cannot start a curl handle");
		goto done;
	}
	/* a file has one page: there is nothing to ask for next */
	if (!strncasecmp(f->url, "file:", 5))
		style = HTTP_PAGE_NONE;

	if (style == HTTP_PAGE_OFFSET) {
		url = page_url(f, f->page.param, "0", f->page.size);
	} else if (style == HTTP_PAGE_NUMBER) {
		snprintf(num, sizeof(num), "%lld", (long long)number);
		url = page_url(f, f->page.param, num, 0);
	} else {
		url = page_url(f, NULL, NULL, 0);
	}

	for (int n = 1;; n++) {
		if (f->page.max_pages && n > f->page.max_pages) {
			r->more = true;
			note(f, "stopped at max_pages = %d: the API may have more rows", f->page.max_pages);
			break;
		}
		free(path);
		path = xasprintf("%s/page-%04d.json", f->dir, n);
		pg->number = n;
		pg->url = url;
		pg->path = path;
		pg->conditional = n == 1 && !r->not_modified;
		pg->not_modified = false;
		if (f->verbose && (style == HTTP_PAGE_OFFSET || style == HTTP_PAGE_NUMBER))
			note(f, "GET %s page %d (%s=%lld)", f->display_url, n, f->page.param,
			     (long long)(style == HTTP_PAGE_OFFSET ? offset : number));
		else if (f->verbose)
			note(f, "GET %s page %d", f->display_url, n);
		if ((error = fetch_page(f, pg)) < 0) {
			error_prefix("%s page %d: ", f->display_url, n);
			goto done;
		}
		if (pg->not_modified) {
			unlink(path);
			r->not_modified = true;
			r->status = 304;
			goto done;
		}
		int64_t rows = json_scan_rows(pg->scan);
		const char *found = json_scan_found(pg->scan), *max = json_scan_max(pg->scan);
		/* an empty page after the first only says "no more" */
		if (rows == 0 && n > 1) {
			if (f->verbose)
				note(f, "page %d: empty, the end", n);
			unlink(path);
			break;
		}
		r->pages = n;
		r->rows += rows;
		r->bytes += pg->t.bytes;
		r->status = pg->t.status;
		if (n == 1) {
			keep_first(&r->content_type, pg->t.content_type);
			keep_first(&r->etag, pg->t.etag);
			keep_first(&r->last_modified, pg->t.last_modified);
			keep_first(&r->soda_fields, pg->t.soda_fields);
			keep_first(&r->soda_types, pg->t.soda_types);
		}
		if (max && (!r->max_value || json_cursor_cmp(max, r->max_value) > 0)) {
			free(r->max_value);
			r->max_value = xstrdup(max);
		}
		if (f->verbose)
			note(f, "page %d: %lld row%s, %llu bytes", n, (long long)rows, rows == 1 ? "" : "s",
			     (unsigned long long)pg->t.bytes);

		free(next);
		next = NULL;
		switch (style) {
		case HTTP_PAGE_NONE:
			break;
		case HTTP_PAGE_OFFSET:
			if (rows == 0 || (f->page.size && rows < f->page.size))
				break;
			offset += f->page.size ? f->page.size : rows;
			snprintf(num, sizeof(num), "%lld", (long long)offset);
			next = page_url(f, f->page.param, num, f->page.size);
			break;
		case HTTP_PAGE_NUMBER:
			if (rows == 0 || (f->page.size && rows < f->page.size))
				break;
			snprintf(num, sizeof(num), "%lld", (long long)++number);
			next = page_url(f, f->page.param, num, 0);
			break;
		case HTTP_PAGE_LINK: {
			char *ref = link_next(pg->t.link);
			if (ref) {
				next = url_resolve(url, ref);
				if (!next) {
					error = error_set("%s page %d: cannot read the Link header's next URL",
					                  f->display_url, n);
					free(ref);
					goto done;
				}
			}
			free(ref);
			break;
		}
		case HTTP_PAGE_CURSOR:
			if (rows > 0 && found && *found)
				next = page_url(f, f->page.param, found, 0);
			break;
		case HTTP_PAGE_NEXT_URL:
			if (rows > 0 && found && *found) {
				next = url_resolve(url, found);
				if (!next) {
					error = error_set("%s page %d: cannot read the next URL at %s",
					                  f->display_url, n, f->page.path);
					goto done;
				}
			}
			break;
		}
		if (!next)
			break;
		if (!strcmp(next, url)) {
			error = error_set("%s page %d: the next page is this page again", f->display_url, n);
			goto done;
		}
		free(url);
		url = next;
		next = NULL;
	}
done:
	if (pg) {
		if (pg->curl)
			lib.curl_easy_cleanup(pg->curl);
		free(pg->redirect);
		transfer_free(&pg->t);
		json_scan_free(pg->scan);
		free(pg);
	}
	free(url);
	free(path);
	free(next);
	if (error < 0)
		http_result_free(r);
	return error;
}

/* ---- one request, the reply in memory ---- */

struct reply_transfer {
	struct transfer t; /* first: on_header takes it */
	struct buf *body;
	bool too_big;
};

static size_t on_reply_body(char *p, size_t size, size_t n, void *arg)
{
	struct reply_transfer *rt = arg;
	size_t len = size * n;
	if (rt->body->len + len > HTTP_MAX_REPLY) {
		rt->too_big = true;
		return 0;
	}
	buf_add(rt->body, p, len);
	return len;
}

/* One attempt: 0 a reply that is final, 1 retry (why in *why), -1 failed. */
static int request_once(const struct http_request *r, const struct http_fetch *policy, CURL *c,
                        struct http_reply *out, struct buf *why, long *wait_ms)
{
	struct curl_slist *hdrs = NULL;
	struct reply_transfer rt = {.body = &out->body};
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *method = r->method ? r->method : r->body ? "POST" : "GET";
	int error = 0;

	buf_clear(&out->body);
	out->status = 0;
	free(out->location);
	free(out->range);
	out->location = out->range = NULL;
	*wait_ms = -1;
	setup_handle(c, policy, &hdrs, false, true);
	if (r->body) {
		char *h = xasprintf("Content-Type: %s", r->content_type ? r->content_type
		                                                          : "application/octet-stream");
		hdrs = lib.curl_slist_append(hdrs, h);
		free(h);
		/* no Expect: 100-continue wait before a large body */
		hdrs = lib.curl_slist_append(hdrs, "Expect:");
		lib.curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
		lib.curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
	if (strcmp(method, r->body ? "POST" : "GET"))
		lib.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (!strcmp(method, "HEAD")) /* a reply with no body to wait for */
		lib.curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	lib.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	lib.curl_easy_setopt(c, CURLOPT_URL, r->url);
	lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	lib.curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lib.curl_easy_setopt(c, CURLOPT_HEADERDATA, &rt.t);
	lib.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_reply_body);
	lib.curl_easy_setopt(c, CURLOPT_WRITEDATA, &rt);

	CURLcode rc = lib.curl_easy_perform(c);
	lib.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (rt.too_big) {
		error = error_set("the reply is larger than %u MB", HTTP_MAX_REPLY >> 20);
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		error = error_set("interrupted");
	} else if (rc != CURLE_OK) {
		const char *msg = errbuf[0] ? errbuf : lib.curl_easy_strerror(rc);
		if (retryable_curl(rc)) {
			buf_puts(why, msg);
			error = 1;
		} else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
			error = error_set("%s (the server's certificate is not trusted)", msg);
		} else {
			error = error_set("%s", msg);
		}
	} else if (out->status == 429 || out->status == 408 ||
	           (out->status >= 500 && out->status <= 599)) {
		buf_printf(why, "HTTP %ld", out->status);
		*wait_ms = retry_after_ms(rt.t.retry_after);
		error = 1;
	}
	buf_puts(&out->body, ""); /* NUL-terminated even when empty */
	out->location = rt.t.location;
	out->range = rt.t.range;
	rt.t.location = rt.t.range = NULL;
	lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	lib.curl_slist_free_all(hdrs);
	transfer_free(&rt.t);
	return error;
}

int http_request(const struct http_request *r, struct http_reply *out)
{
	/* the fetch's helpers (handle setup, backoff, notes) read these */
	struct http_fetch policy = {
		.headers = r->headers, .nheaders = r->nheaders, .ca_file = r->ca_file,
		.timeout_ms = r->timeout_ms, .connect_timeout_ms = r->connect_timeout_ms,
		.retries = r->retries, .retry_delay_ms = r->retry_delay_ms,
		.retry_max_ms = r->retry_max_ms, .log = r->log, .log_arg = r->log_arg,
	};
	struct buf why = BUF_INIT;
	CURL *c = NULL;
	int error = 0;

	memset(out, 0, sizeof(*out));
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_code != CURLE_OK) {
		error = error_set("cannot start libcurl: %s",
		                  lib.curl_easy_strerror ? lib.curl_easy_strerror(curl_init_code) : lib_error);
		goto done;
	}
	if (!(c = lib.curl_easy_init())) {
		error = error_set("cannot start a curl handle");
		goto done;
	}
	for (int n = 0;; n++) {
		long wait = -1;
		buf_clear(&why);
		out->attempts = n + 1;
		if ((error = request_once(r, &policy, c, out, &why, &wait)) <= 0)
			break;
		/* a reply the retries end on is the caller's to read */
		bool replied = out->status >= 400;
		if (n >= r->retries || wait > r->retry_max_ms) {
			if (wait > r->retry_max_ms)
				note(&policy, "%s: %s: the server asks to retry after %lds, more than "
				     "retry_max (%ldms)", r->display_url, buf_cstr(&why), wait / 1000,
				     r->retry_max_ms);
			error = replied ? 0
			        : n ? error_set("%s (gave up after %d attempts)", buf_cstr(&why), n + 1)
			            : error_set("%s", buf_cstr(&why));
			break;
		}
		if (wait < 0)
			wait = backoff_ms(&policy, n + 1);
		note(&policy, "%s: %s; retrying in %ldms (attempt %d of %d)", r->display_url,
		     buf_cstr(&why), wait, n + 2, r->retries + 1);
		sleep_ms(wait);
		if (interrupted) {
			error = error_set("%s; interrupted before attempt %d", buf_cstr(&why), n + 2);
			break;
		}
	}
	if (error < 0)
		error_prefix("%s %s: ", r->method ? r->method : r->body ? "POST" : "GET",
		             r->display_url);
done:
	if (c)
		lib.curl_easy_cleanup(c);
	buf_free(&why);
	return error;
}

void http_reply_free(struct http_reply *out)
{
	buf_free(&out->body);
	free(out->location);
	free(out->range);
	memset(out, 0, sizeof(*out));
}

/* ---- for the uploads (http_int.h) ---- */

long http_backoff_ms(const struct http_request *r, int attempt)
{
	const struct http_fetch policy = {.retry_delay_ms = r->retry_delay_ms,
	                                  .retry_max_ms = r->retry_max_ms};
	return backoff_ms(&policy, attempt);
}

void http_sleep_ms(long ms) { sleep_ms(ms); }

bool http_interrupted(void) { return interrupted != 0; }

void http_note(const struct http_request *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(r->log, r->log_arg, fmt, ap);
	va_end(ap);
}

bool http_same_origin(const char *a, const char *b) { return same_origin(a, b); }

/* A handle of its own, so a connection of its own: on a reused connection
 * that drops unanswered, libcurl sends the request again by itself (for a
 * resumable upload's chunk, from its old offset, past what the session
 * kept). */
int http_request_attempt(const struct http_request *r, struct http_reply *out, struct buf *why)
{
	const struct http_fetch policy = {
		.headers = r->headers, .nheaders = r->nheaders, .ca_file = r->ca_file,
		.timeout_ms = r->timeout_ms, .connect_timeout_ms = r->connect_timeout_ms,
	};
	long wait;
	CURL *c = lib.curl_easy_init();
	if (!c)
		return error_set("cannot start a curl handle");
	int error = request_once(r, &policy, c, out, why, &wait);
	lib.curl_easy_cleanup(c);
	return error;
}
