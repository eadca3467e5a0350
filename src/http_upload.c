/* http_upload: a load job's data to BigQuery's upload URI, multipart or
 * resumable (http.h says what each does), over http.c's requests: no curl
 * here.  http_int.h is what http.c lends for it. */
#include "http.h"
#include "http_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The request r, its body the given one, to url; with r's retries. */
static int send_body(const struct http_request *r, const char *url, const char *method,
                     const char *content_type, const char *body, size_t len,
                     struct http_reply *out)
{
	struct http_request one = *r;
	one.url = url;
	one.method = method;
	one.content_type = content_type;
	one.body = body;
	one.body_len = len;
	return http_request(&one, out);
}

/* A boundary that occurs in neither part: tried in turn until one is
 * absent, so a file that holds the first still goes whole. */
static char *multipart_boundary(const struct buf *meta, const struct buf *data)
{
	for (unsigned n = 0;; n++) {
		char *b = xasprintf("pipe-upload-boundary-%u", n);
		if (!memmem(meta->data, meta->len, b, strlen(b)) &&
		    !memmem(data->data, data->len, b, strlen(b)))
			return b;
		free(b);
	}
}

/* The body of uploadType=multipart, as Google's APIs take it (the metadata
 * part, then the media part, in multipart/related, RFC 2387):
 * https://developers.google.com/display-video/api/guides/concepts/general/media-upload
 * and, for BigQuery's upload URI and a load job's metadata,
 * https://docs.cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert
 * The file is held in memory twice (read, then in the body): a resumable
 * upload is for large ones. */
int http_upload_multipart(const struct http_request *r, const char *metadata, const char *path,
                          struct http_reply *out)
{
	struct buf data = BUF_INIT, body = BUF_INIT, url = BUF_INIT;
	struct buf meta = {.data = (char *)metadata, .len = strlen(metadata)};
	char *boundary = NULL, *ctype = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = file_read(path, &data)) < 0)
		goto done;
	boundary = multipart_boundary(&meta, &data);
	buf_printf(&body, "--%s\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n", boundary);
	buf_add(&body, meta.data, meta.len);
	buf_printf(&body, "\r\n--%s\r\nContent-Type: application/octet-stream\r\n\r\n", boundary);
	buf_add(&body, data.data, data.len);
	buf_printf(&body, "\r\n--%s--\r\n", boundary);
	ctype = xasprintf("multipart/related; boundary=%s", boundary);
	buf_puts(&url, r->url);
	http_url_add_param(&url, "uploadType", "multipart");
	error = send_body(r, buf_cstr(&url), "POST", ctype, body.data, body.len, out);
done:
	free(boundary);
	free(ctype);
	buf_free(&data);
	buf_free(&body);
	buf_free(&url);
	return error;
}

/* How many bytes a resumable session holds, from its Range header
 * ("bytes=0-N"); none without one. */
static uint64_t range_received(const char *range)
{
	const char *dash = range ? strchr(range, '-') : NULL;
	return dash ? strtoull(dash + 1, NULL, 10) + 1 : 0;
}

/* Sends one chunk at offset, or with len 0 asks what the session holds
 * ("Content-Range: bytes *" "/total", an empty body), once, as request_once
 * does. */
static int send_chunk(const struct http_request *r, const char *session,
                      const char *data, size_t len, uint64_t offset, uint64_t total,
                      struct http_reply *out, struct buf *why)
{
	char *range = len ? xasprintf("Content-Range: bytes %llu-%llu/%llu",
	                              (unsigned long long)offset,
	                              (unsigned long long)(offset + len - 1),
	                              (unsigned long long)total)
	                  : xasprintf("Content-Range: bytes */%llu", (unsigned long long)total);
	const char **headers = xmalloc((r->nheaders + 1) * sizeof(*headers));
	for (size_t i = 0; i < r->nheaders; i++)
		headers[i] = r->headers[i];
	headers[r->nheaders] = range;
	const struct http_request put = {
		.method = "PUT", .url = session, .body = len ? data : "", .body_len = len,
		.content_type = "application/octet-stream",
		.headers = headers, .nheaders = r->nheaders + 1, .ca_file = r->ca_file,
		.timeout_ms = r->timeout_ms, .connect_timeout_ms = r->connect_timeout_ms,
	};
	out->attempts++;
	int error = http_request_attempt(&put, out, why);
	free(headers);
	free(range);
	return error;
}

/* A resumable upload: https://cloud.google.com/bigquery/docs/reference/api-uploads
 * A POST with the metadata opens a session (its URI in Location); the file
 * follows in chunks, each answered 308 with the Range the session holds,
 * the last with the job.  After a chunk that gets no answer, the session is
 * asked what it holds and the upload goes on from there. */
int http_upload_resumable(const struct http_request *r, const char *metadata, const char *path,
                          size_t chunk, struct http_reply *out)
{
	struct buf url = BUF_INIT, why = BUF_INIT;
	const char **headers = NULL;
	char *length = NULL, *session = NULL, *data = NULL;
	int fd = -1, error = 0;
	struct stat st;
	uint64_t total, offset = 0;

	memset(out, 0, sizeof(*out));
	if (!chunk || chunk % HTTP_UPLOAD_CHUNK_UNIT) {
		error = error_set("the chunk size %zu is not a multiple of 256 KiB", chunk);
		goto done;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		error = error_set("%s: %s", path, strerror(errno));
		goto done;
	}
	total = (uint64_t)st.st_size;

	headers = xmalloc((r->nheaders + 2) * sizeof(*headers));
	for (size_t i = 0; i < r->nheaders; i++)
		headers[i] = r->headers[i];
	length = xasprintf("X-Upload-Content-Length: %llu", (unsigned long long)total);
	headers[r->nheaders] = "X-Upload-Content-Type: application/octet-stream";
	headers[r->nheaders + 1] = length;
	struct http_request start = *r;
	start.headers = headers;
	start.nheaders = r->nheaders + 2;
	buf_puts(&url, r->url);
	http_url_add_param(&url, "uploadType", "resumable");
	if ((error = send_body(&start, buf_cstr(&url), "POST", "application/json; charset=UTF-8",
	                       metadata, strlen(metadata), out)) < 0 ||
	    out->status < 200 || out->status > 299)
		goto done; /* an error reply is the caller's to read */
	if (!out->location) {
		error = error_set("POST %s: the reply opens no upload session (no Location header)",
		                  r->display_url);
		goto done;
	}
	if (!http_same_origin(out->location, r->url)) {
		/* the request's headers carry the token: not to another host */
		error = error_set("POST %s: the upload session is on another origin; its "
		                  "credentials are not sent there", r->display_url);
		goto done;
	}
	session = xstrdup(out->location);
	data = xmalloc(chunk);
	out->attempts = 0;
	for (int failures = 0;;) {
		size_t len = total - offset < chunk ? (size_t)(total - offset) : chunk;
		if ((error = file_pread(fd, data, len, offset, path)) < 0)
			goto done;
		buf_clear(&why);
		error = send_chunk(r, session, data, len, offset, total, out, &why);
		while (error == 1) {
			/* no answer to the chunk: the session says what it kept */
			if (failures++ >= r->retries) {
				error = out->status >= 400 ? 0
				        : error_set("PUT %s: %s (gave up after %d attempts)",
				                    r->display_url, buf_cstr(&why), failures);
				goto done;
			}
			long wait = http_backoff_ms(r, failures);
			http_note(r, "%s: %s at byte %llu; asking the session what it holds in %ldms",
			     r->display_url, buf_cstr(&why), (unsigned long long)offset, wait);
			http_sleep_ms(wait);
			if (http_interrupted()) {
				error = error_set("PUT %s: interrupted", r->display_url);
				goto done;
			}
			buf_clear(&why);
			error = send_chunk(r, session, NULL, 0, offset, total, out, &why);
		}
		if (error < 0) {
			error_prefix("PUT %s: ", r->display_url);
			goto done;
		}
		if (out->status != 308)
			break; /* the job, or an error reply for the caller */
		uint64_t held = range_received(out->range);
		if (held > total) {
			error = error_set("PUT %s: the session says it holds %llu bytes of %llu",
			                  r->display_url, (unsigned long long)held,
			                  (unsigned long long)total);
			goto done;
		}
		if (held > offset)
			failures = 0;
		else if (failures++ >= r->retries) {
			error = error_set("PUT %s: the session keeps none of the chunk at byte %llu",
			                  r->display_url, (unsigned long long)offset);
			goto done;
		}
		offset = held;
	}
done:
	if (fd >= 0)
		close(fd);
	free(data);
	free(session);
	free(length);
	free(headers);
	buf_free(&url);
	buf_free(&why);
	return error;
}
