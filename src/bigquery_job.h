/* bigquery_job: BigQuery's REST API v2 as backend_bigquery.c calls it:
 * requests with the token, error objects, and jobs (insert, poll, page,
 * cancel).  bigquery_job.c says how. */
#ifndef PIPE_BIGQUERY_JOB_H
#define PIPE_BIGQUERY_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "http.h"
#include "json.h"
#include "util.h"

/* Where the calls go: set before the first call, read only after. */
struct bq_api {
	struct auth *auth;
	const char *project;  /* the jobs' and tables' project */
	const char *location; /* the jobs' location ("US") */
};

/* The value at a dotted path of keys under obj ("status.errorResult"), or
 * -1; as a new string (NULL when absent or null); as a number (0). */
int bq_jpath(const struct json_doc *d, int obj, const char *path);
char *bq_jstr(const struct json_doc *d, int obj, const char *path);
int64_t bq_jint(const struct json_doc *d, int obj, const char *path);
/* A reply's document owning a copy of its text; bq_doc_free frees both. */
int bq_reply_doc(struct json_doc *d, const struct buf *body, const char *where);
void bq_doc_free(struct json_doc *d);

/* A note on stderr ("pipe: bigquery: ..."), as http.h's log. */
void bq_note(void *arg, const char *line);
/* An error reply as BigQuery words it, after what: the message set. */
int bq_reply_error(const struct http_reply *rep, const char *what);

/* method to the endpoint's /bigquery/v2/projects/PROJECT + path, body JSON
 * or NULL.  A 2xx reply is parsed into *d; *status is the reply's.  An
 * error reply is the error, but 404 and 409, left to the caller. */
int bq_call(struct bq_api *api, const char *method, const char *path, const char *body,
            struct http_reply *rep, struct json_doc *d, long *status);

/* "pipe_" and 32 hex digits of what and key (NULL key: a job of its own). */
char *bq_job_id(const char *what, const char *key);
/* jobs.insert's body: the job's reference and configuration (JSON). */
char *bq_job_body(const struct bq_api *api, const char *id, const char *configuration);
/* Inserts the job (with upload, a file of rows sent with it) under
 * bq_job_id(what, key) and waits until DONE: *d holds the finished job,
 * *id_out its id.  409: the job exists (an earlier try): it is fetched.  A
 * job that failed with a reason worth it is sent again under id_1, id_2...
 * Past deadline_ms (time_now_ms(); 0: none) the job is cancelled
 * (jobs.cancel) and the error names it. */
int bq_run_job(struct bq_api *api, const char *what, const char *key, const char *configuration,
               const char *upload, double deadline_ms, struct json_doc *d, char **id_out);
/* A query job's results, page by page (getQueryResults, pageToken): page
 * gets each page's document. */
int bq_pages(struct bq_api *api, const char *id, int (*page)(void *arg, const struct json_doc *d), void *arg);

#endif
