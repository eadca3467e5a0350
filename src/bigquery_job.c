/* bigquery_job: BigQuery's REST API v2 as pipe speaks it, for
 * backend_bigquery.c: one call with the token (a 403 rateLimitExceeded
 * waited out, a 401 answered with a new token once), BigQuery's error
 * objects as one line, and jobs: insert (with a load's data: multipart or
 * resumable), poll until DONE (cancelled past a deadline), read the
 * results page by page.  Through http.h and auth.h: no curl, no OpenSSL
 * here.  https://cloud.google.com/bigquery/docs/reference/rest */
#include "bigquery_job.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"

#define DEFAULT_ENDPOINT "https://bigquery.googleapis.com"
/* Above this, a load's rows go in a resumable upload. */
#define MULTIPART_MAX (5u << 20)
#define UPLOAD_CHUNK (4 * HTTP_UPLOAD_CHUNK_UNIT)
/* Rows per page of results. */
#define PAGE_ROWS 10000
/* A job's polls: from POLL_FIRST_MS, doubling, at most POLL_MAX_MS apart. */
#define POLL_FIRST_MS 50
#define POLL_MAX_MS 2000
/* Tries of a job that failed with a reason worth trying again. */
#define JOB_TRIES 4
/* Tries of a request answered 403 rateLimitExceeded, from this wait, doubling. */
#define RATE_LIMIT_TRIES 5
#define RATE_LIMIT_WAIT_MS 500

/* ---- JSON replies ---- */
/* The value at a dotted path of keys under obj ("status.errorResult"), or -1. */
int bq_jpath(const struct json_doc *d, int obj, const char *path)
{
	char key[64];
	if (obj >= d->ntoks)
		return -1; /* an empty reply */
	while (obj >= 0 && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key) || d->toks[obj].type != JSON_OBJECT)
			return -1;
		memcpy(key, path, n);
		key[n] = 0;
		obj = json_get(d, obj, key);
		path += n + (path[n] == '.');
	}
	return obj;
}

/* A string or number at path as a new string; NULL when absent or null. */
char *bq_jstr(const struct json_doc *d, int obj, const char *path)
{
	int i = bq_jpath(d, obj, path);
	return i < 0 || d->toks[i].type == JSON_NULL ? NULL : json_strdup(d, i);
}

int64_t bq_jint(const struct json_doc *d, int obj, const char *path)
{
	char *s = bq_jstr(d, obj, path);
	int64_t v = s ? strtoll(s, NULL, 10) : 0;
	free(s);
	return v;
}

/* A reply's document owns its text (a copy of the body), so that it
 * outlives the reply: reply_doc parses, doc_free frees both. */
int bq_reply_doc(struct json_doc *d, const struct buf *body, const char *where)
{
	char *text = xstrndup(body->data ? body->data : "", body->len);
	int error = json_parse(d, text, body->len, where);
	if (error < 0) {
		json_doc_free(d);
		free(text);
	}
	return error;
}

void bq_doc_free(struct json_doc *d)
{
	char *text = (char *)d->text;
	json_doc_free(d);
	free(text);
}

/* BigQuery's error object as one line: "reason at location: message". */
static void put_error_object(struct buf *b, const struct json_doc *d, int e)
{
	char *reason = bq_jstr(d, e, "reason"), *where = bq_jstr(d, e, "location"), *msg = bq_jstr(d, e, "message");
	buf_printf(b, "%s%s%s: %s", reason ? reason : "error", where && *where ? " at " : "",
	           where && *where ? where : "", msg ? msg : "(no message)");
	free(reason);
	free(where);
	free(msg);
}

/* Reasons a job is sent again for, under a new id; "stopped": cancelled,
 * as wait_job cancels a job past its target's timeout, which the target's
 * next attempt sends again rather than fetch the cancelled one. */
static bool reason_retried(const char *reason)
{
	return reason && (!strcmp(reason, "rateLimitExceeded") || !strcmp(reason, "backendError") ||
	                  !strcmp(reason, "internalError") || !strcmp(reason, "stopped"));
}

/* ---- requests ---- */

static const char *endpoint(void)
{
	const char *e = getenv("BIGQUERY_ENDPOINT");
	return e && *e ? e : DEFAULT_ENDPOINT;
}

void bq_note(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "pipe: bigquery: %s\n", line);
}

#define BEARER "Authorization: Bearer "

/* The token's header, the caller's to free with clear_header. */
static int bearer_header(struct bq_api *api, char **header)
{
	char *token = NULL;
	int error;
	*header = NULL;
	if ((error = auth_token(api->auth, &token)) < 0)
		return error;
	*header = xasprintf(BEARER "%s", token);
	memset(token, 0, strlen(token));
	free(token);
	return 0;
}

/* The request's fields every call shares; the token's header is the
 * caller's to free. */
static int request_init(struct bq_api *api, struct http_request *r, const char **headers, char **auth_header)
{
	int error;
	if ((error = bearer_header(api, auth_header)) < 0)
		return error;
	headers[0] = *auth_header;
	*r = (struct http_request){
		.headers = headers, .nheaders = 1, .timeout_ms = 300000, .connect_timeout_ms = 30000,
		.retries = 5, .retry_delay_ms = 200, .retry_max_ms = 30000, .log = bq_note,
	};
	return 0;
}

static void clear_header(char *h)
{
	if (h) {
		memset(h, 0, strlen(h));
		free(h);
	}
}

/* After a 401: the token in *header is dropped and a new one taken, once
 * per request (a second 401 is the caller's error).  0 when the request is
 * to be sent again. */
static int renew_token(struct bq_api *api, const char *what, const char **headers, char **header)
{
	char *line = xasprintf("%s: HTTP 401: the token was refused; getting a new one", what);
	int error;
	bq_note(NULL, line);
	free(line);
	auth_forget(api->auth, *header + strlen(BEARER));
	clear_header(*header);
	error = bearer_header(api, header);
	headers[0] = *header;
	return error;
}

/* An error reply as BigQuery words it; the caller's context goes first. */
int bq_reply_error(const struct http_reply *rep, const char *what)
{
	struct json_doc d = {0};
	struct buf b = BUF_INIT;
	int error, e;
	buf_printf(&b, "%s: HTTP %ld", what, rep->status);
	if (json_parse(&d, rep->body.data, rep->body.len, "reply") == 0 && (e = bq_jpath(&d, 0, "error")) >= 0) {
		int errs = json_get(&d, e, "errors");
		if (errs >= 0 && d.toks[errs].type == JSON_ARRAY && d.toks[errs].size > 0) {
			buf_puts(&b, ": ");
			put_error_object(&b, &d, errs + 1);
		} else {
			char *msg = bq_jstr(&d, e, "message");
			buf_printf(&b, ": %s", msg ? msg : "(no message)");
			free(msg);
		}
	} else if (rep->body.len) {
		/* not BigQuery's error object (a proxy's page): its first line */
		size_t n = strcspn(rep->body.data, "\r\n");
		buf_printf(&b, ": %.*s", (int)(n < 200 ? n : 200), rep->body.data);
	}
	error_clear();
	error = error_set("%s", buf_cstr(&b));
	json_doc_free(&d);
	buf_free(&b);
	return error;
}

/* Whether an error reply's first error object says rateLimitExceeded. */
static bool rate_limited(const struct http_reply *rep)
{
	struct json_doc d = {0};
	bool yes = false;
	int errs;
	if (json_parse(&d, rep->body.data, rep->body.len, "reply") == 0 &&
	    (errs = bq_jpath(&d, 0, "error.errors")) >= 0 && d.toks[errs].type == JSON_ARRAY && d.toks[errs].size > 0) {
		int reason = json_get(&d, errs + 1, "reason");
		yes = reason >= 0 && json_eq(&d, reason, "rateLimitExceeded");
	}
	error_clear();
	json_doc_free(&d);
	return yes;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* One call of the API: method to endpoint + path (under /bigquery/v2/projects/P),
 * body JSON or NULL.  A 2xx reply is parsed into *d (text kept in *rep);
 * *status is the reply's status, for the callers that read 404 or 409. */
int bq_call(struct bq_api *api, const char *method, const char *path, const char *body,
            struct http_reply *rep, struct json_doc *d, long *status)
{
	const char *headers[1];
	char *auth = NULL, *url = NULL, *display = NULL;
	struct http_request r;
	int error;
	if ((error = request_init(api, &r, headers, &auth)) < 0)
		goto done;
	url = xasprintf("%s/bigquery/v2/projects/%s%s", endpoint(), api->project, path);
	display = xasprintf("bigquery/v2/projects/%s%.*s", api->project, (int)strcspn(path, "?"), path);
	r.method = method;
	r.url = url;
	r.display_url = display;
	if (body) {
		r.body = body;
		r.body_len = strlen(body);
		r.content_type = "application/json";
	}
	for (int tries = 1, renewed = 0;; tries++) {
		http_reply_free(rep);
		if ((error = http_request(&r, rep)) < 0)
			goto done;
		if (rep->status == 401 && !renewed++) {
			if ((error = renew_token(api, display, headers, &auth)) < 0)
				goto done;
			tries--;
			continue;
		}
		/* BigQuery says rateLimitExceeded with a 403, which http.c does
		 * not retry: the limit is per second, so wait and try again */
		if (rep->status != 403 || tries == RATE_LIMIT_TRIES || !rate_limited(rep))
			break;
		long wait = RATE_LIMIT_WAIT_MS << (tries - 1);
		char *line = xasprintf("%s: rateLimitExceeded; retrying in %ldms (attempt %d of %d)", display,
		                       wait, tries + 1, RATE_LIMIT_TRIES);
		bq_note(NULL, line);
		free(line);
		sleep_ms(wait);
	}
	*status = rep->status;
	if (rep->status < 200 || rep->status > 299) {
		if (rep->status != 404 && rep->status != 409)
			error = bq_reply_error(rep, display);
		goto done;
	}
	bq_doc_free(d);
	if (rep->body.len && (error = bq_reply_doc(d, &rep->body, display)) < 0)
		goto done;
done:
	clear_header(auth);
	free(url);
	free(display);
	return error;
}

/* ---- jobs ---- */

/* "pipe_" and 32 hex digits of what the job does. */
char *bq_job_id(const char *what, const char *key)
{
	struct hasher *h = hasher_new();
	struct hash out;
	char hex[HASH_HEX_LEN + 1];
	hasher_str(h, what);
	if (key) {
		hasher_str(h, key);
	} else {
		/* no key: a job of its own (`pipe query`) */
		static int64_t counter;
		char salt[96];
		snprintf(salt, sizeof(salt), "%lld.%d.%lld.%f", (long long)time_wall_s(), (int)getpid(),
		         (long long)__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED), time_now_ms());
		hasher_str(h, salt);
	}
	hasher_final(h, &out);
	hash_hex(&out, hex);
	hex[32] = 0;
	return xasprintf("pipe_%s", hex);
}

/* Asks BigQuery to stop job id (jobs.cancel).  Cancelling is best
 * effort: a refusal is noted, and the caller's error stays the timeout. */
static void cancel_job(struct bq_api *api, const char *id)
{
	struct http_reply rep = {0};
	struct json_doc d = {0};
	char *path = xasprintf("/jobs/%s/cancel?location=%s", id, api->location);
	long status = 0;
	int error = bq_call(api, "POST", path, NULL, &rep, &d, &status);
	if (error >= 0 && status != 200)
		error = bq_reply_error(&rep, "jobs.cancel");
	if (error < 0) {
		char *line = xasprintf("cancelling job %s: %s", id, error_last());
		bq_note(NULL, line);
		free(line);
		error_clear();
	}
	http_reply_free(&rep);
	bq_doc_free(&d);
	free(path);
}

/* Polls job id until DONE; *d then holds it.  A job that ended in an
 * error is PIPE_ERROR with BigQuery's error object, *retry set when its
 * reason is worth another job.  Past deadline_ms (time_now_ms(); 0: none)
 * the job is cancelled and the wait is an error naming it. */
static int wait_job(struct bq_api *api, const char *id, double deadline_ms, struct json_doc *d, bool *retry)
{
	struct http_reply rep = {0};
	long wait = POLL_FIRST_MS, status = 0;
	char *path = xasprintf("/jobs/%s?location=%s", id, api->location);
	int error = 0;
	*retry = false;
	for (;;) {
		char *state = NULL;
		bool done;
		if (d->toks) {
			long nap = wait;
			state = bq_jstr(d, 0, "status.state");
			done = state && !strcmp(state, "DONE");
			free(state);
			if (done)
				break;
			if (deadline_ms > 0) {
				double left = deadline_ms - time_now_ms();
				if (left <= 0) {
					cancel_job(api, id);
					error = error_set("BigQuery job %s was still running at the target's timeout: pipe "
					                  "stopped waiting for it and cancelled it (jobs.cancel)", id);
					goto done;
				}
				if (left < nap)
					nap = (long)left + 1;
			}
			sleep_ms(nap);
			wait = wait * 2 > POLL_MAX_MS ? POLL_MAX_MS : wait * 2;
		}
		http_reply_free(&rep);
		if ((error = bq_call(api, "GET", path, NULL, &rep, d, &status)) < 0)
			goto done;
		if (status == 404 || status == 409) {
			error = bq_reply_error(&rep, "job");
			goto done;
		}
	}
	int e = bq_jpath(d, 0, "status.errorResult");
	if (e >= 0) {
		struct buf b = BUF_INIT;
		char *reason = bq_jstr(d, e, "reason");
		put_error_object(&b, d, e);
		*retry = reason_retried(reason);
		error = error_set("BigQuery job %s failed: %s", id, buf_cstr(&b));
		free(reason);
		buf_free(&b);
	}
done:
	http_reply_free(&rep);
	free(path);
	return error;
}

/* The job's JSON for jobs.insert: its reference and configuration. */
char *bq_job_body(const struct bq_api *api, const char *id, const char *configuration)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"jobReference\":{\"projectId\":");
	buf_json_string(&b, api->project);
	buf_puts(&b, ",\"jobId\":");
	buf_json_string(&b, id);
	buf_puts(&b, ",\"location\":");
	buf_json_string(&b, api->location);
	buf_printf(&b, "},\"configuration\":%s}", configuration);
	return buf_detach(&b);
}

/* Inserts the job (or, with upload, sends the file with it) and waits for
 * it to be DONE: *d holds the finished job, *id_out its id.  409: the job
 * exists, from an earlier try of the same build: it is fetched. */
int bq_run_job(struct bq_api *api, const char *what, const char *key, const char *configuration,
               const char *upload, double deadline_ms, struct json_doc *d, char **id_out)
{
	char *base = bq_job_id(what, key), *id = NULL, *body = NULL;
	int error = 0;
	for (int attempt = 0; attempt < JOB_TRIES; attempt++) {
		struct http_reply rep = {0};
		long status = 0;
		bool retry = false;
		free(id);
		free(body);
		id = attempt ? xasprintf("%s_%d", base, attempt) : xstrdup(base);
		body = bq_job_body(api, id, configuration);
		bq_doc_free(d);
		memset(d, 0, sizeof(*d));
		if (upload) {
			const char *headers[1];
			char *auth = NULL, *url = NULL, *display = NULL;
			struct http_request r;
			struct stat st;
			if ((error = request_init(api, &r, headers, &auth)) >= 0) {
				url = xasprintf("%s/upload/bigquery/v2/projects/%s/jobs", endpoint(), api->project);
				display = xasprintf("upload/bigquery/v2/projects/%s/jobs", api->project);
				r.url = url;
				r.display_url = display;
				for (int renewed = 0;; renewed++) {
					http_reply_free(&rep);
					if (stat(upload, &st) == 0 && (uint64_t)st.st_size > MULTIPART_MAX)
						error = http_upload_resumable(&r, body, upload, UPLOAD_CHUNK, &rep);
					else
						error = http_upload_multipart(&r, body, upload, &rep);
					if (error < 0 || rep.status != 401 || renewed)
						break;
					if ((error = renew_token(api, display, headers, &auth)) < 0)
						break;
				}
				status = rep.status;
				if (error >= 0 && status >= 200 && status <= 299)
					error = bq_reply_doc(d, &rep.body, display);
				else if (error >= 0 && status != 409)
					error = bq_reply_error(&rep, display);
			}
			clear_header(auth);
			free(url);
			free(display);
		} else {
			error = bq_call(api, "POST", "/jobs", body, &rep, d, &status);
			if (error >= 0 && status == 404)
				error = bq_reply_error(&rep, "jobs.insert");
		}
		http_reply_free(&rep);
		if (error < 0)
			break;
		if (status == 409)
			bq_note(NULL, "job already exists (a build before this one sent it): fetching it");
		/* status 409 leaves *d empty: wait_job fetches the job first */
		if ((error = wait_job(api, id, deadline_ms, d, &retry)) >= 0 || !retry || attempt + 1 == JOB_TRIES)
			break;
		char *line = xasprintf("%s; sending it again as a new job", error_last());
		bq_note(NULL, line);
		free(line);
		error_clear();
	}
	if (error >= 0)
		*id_out = id, id = NULL;
	free(base);
	free(id);
	free(body);
	return error;
}

int bq_pages(struct bq_api *api, const char *id, int (*page)(void *arg, const struct json_doc *d), void *arg)
{
	char *token = NULL;
	int error = 0;
	do {
		struct http_reply rep = {0};
		struct json_doc d = {0};
		struct buf path = BUF_INIT;
		long status = 0;
		buf_printf(&path, "/queries/%s", id);
		http_url_add_param(&path, "location", api->location);
		buf_printf(&path, "&maxResults=%d&formatOptions.useInt64Timestamp=true", PAGE_ROWS);
		if (token)
			http_url_add_param(&path, "pageToken", token);
		free(token);
		token = NULL;
		error = bq_call(api, "GET", buf_cstr(&path), NULL, &rep, &d, &status);
		if (error >= 0 && status != 200)
			error = bq_reply_error(&rep, "getQueryResults");
		if (error >= 0 && (error = page(arg, &d)) >= 0)
			token = bq_jstr(&d, 0, "pageToken");
		bq_doc_free(&d);
		http_reply_free(&rep);
		buf_free(&path);
	} while (error >= 0 && token);
	free(token);
	return error;
}
