/* http.c against tests/servers/api.py, started here on 127.0.0.1 (plain and
 * TLS, with a certificate made by tests/servers/mkcert), plus the cases of
 * the JSON checker the fetch uses (json_scan.c) in tests/http/json_cases.txt. */
#include "http.h"
#include "json.h"
#include "t.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static char tmp[256], root[4096];
static int port, tls_port;
static int log_lines;
static char last_log[1024];

static void count_log(void *arg, const char *line)
{
	(void)arg;
	log_lines++;
	snprintf(last_log, sizeof(last_log), "%s", line);
}

static int start_server(const char *name, const char *args)
{
	struct buf cmd = BUF_INIT, port_text = BUF_INIT;
	buf_printf(&cmd, "cd %s && mkdir -p %s && cd %s && sh %s/tests/servers/start api "
	           "--lifetime 120 %s", tmp, name, name, root, args);
	int rc = system(buf_cstr(&cmd));
	buf_clear(&cmd);
	buf_printf(&cmd, "%s/%s/port", tmp, name);
	int p = rc == 0 && file_read(buf_cstr(&cmd), &port_text) == 0 ? atoi(buf_cstr(&port_text)) : 0;
	buf_free(&cmd);
	buf_free(&port_text);
	return p;
}

static void stop_server(const char *name)
{
	struct buf path = BUF_INIT, pid = BUF_INIT;
	buf_printf(&path, "%s/%s/api.pid", tmp, name);
	if (file_read(buf_cstr(&path), &pid) == 0 && atoi(buf_cstr(&pid)) > 0)
		kill(atoi(buf_cstr(&pid)), SIGTERM);
	buf_free(&path);
	buf_free(&pid);
}

static int dir_n;

/* A fetch with the test defaults: quick retries, short timeouts. */
static struct http_fetch base(const char *url, struct buf *dir)
{
	buf_clear(dir);
	buf_printf(dir, "%s/out%d", tmp, ++dir_n);
	mkdir_p(buf_cstr(dir));
	struct http_fetch f = {
		.url = url,
		.display_url = url,
		.timeout_ms = 5000,
		.connect_timeout_ms = 2000,
		.retries = 3,
		.retry_delay_ms = 10,
		.retry_max_ms = 3000,
		.dir = buf_cstr(dir),
		.log = count_log,
	};
	log_lines = 0;
	last_log[0] = '\0';
	return f;
}

static char *url(const char *path)
{
	static char u[512];
	snprintf(u, sizeof(u), "http://127.0.0.1:%d%s", port, path);
	return u;
}

/* The fetch takes the nesting the loads take (JSON_MAX_DEPTH), no less. */
static void test_json_depth(void)
{
	char text[2 * JSON_MAX_DEPTH + 2];
	int64_t rows;
	for (int extra = 0; extra <= 1; extra++) {
		int n = JSON_MAX_DEPTH + extra;
		memset(text, '[', (size_t)n);
		memset(text + n, ']', (size_t)n);
		error_clear();
		int rc = json_check(text, 2 * (size_t)n, &rows);
		if (extra)
			CHECK(rc < 0 && strstr(error_last(), "at byte 1000: nested deeper than 1000 levels"));
		else
			CHECK(rc == 0);
	}
}

static void test_json_cases(void)
{
	struct buf text = BUF_INIT;
	CHECK_OK(file_read("tests/http/json_cases.txt", &text));
	int n = 0;
	for (char *line = text.data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		struct buf json = BUF_INIT;
		for (char *p = tab + 1; *p; p++) {
			if (p[0] == '\\' && p[1] == 'n' && p[-1] != '"') {
				buf_putc(&json, '\n');
				p++;
			} else {
				buf_putc(&json, *p);
			}
		}
		int64_t rows = -1;
		error_clear();
		int rc = json_check(json.data ? json.data : "", json.len, &rows);
		char got[600];
		if (rc == 0)
			snprintf(got, sizeof(got), "ok %lld", (long long)rows);
		else
			snprintf(got, sizeof(got), "%s", error_last());
		if (strcmp(got, line)) {
			buf_free(&json);
			buf_free(&text);
			T_FAIL("case %s: got '%s'", tab + 1, got);
		}
		buf_free(&json);
		n++;
	}
	buf_free(&text);
	CHECK(n > 15);
}

static void test_url_params(void)
{
	struct buf u = BUF_INIT;
	buf_puts(&u, "https://x.test/r.json");
	http_url_add_param(&u, "$where", ":updated_at > '2024-01-01T00:00:00'");
	http_url_add_param(&u, "q", "a&b=c/é");
	CHECK_STR(buf_cstr(&u), "https://x.test/r.json?%24where=%3Aupdated_at%20%3E%20%272024-01-01T00%3A00%3A00%27"
	                        "&q=a%26b%3Dc%2F%C3%A9");
	buf_free(&u);
}

static void test_cursor_cmp(void)
{
	CHECK(json_cursor_cmp("9", "10") < 0);
	CHECK(json_cursor_cmp("2019-01-02T00:00:00.000", "2019-01-01T23:59:59.000") > 0);
	CHECK(json_cursor_cmp("1.5", "1.50") == 0);
	CHECK(json_cursor_cmp("abc", "abd") < 0);
}

static void check_pages(const char *path, int pages, int64_t rows, const struct http_paginate *pg)
{
	struct buf dir = BUF_INIT;
	struct http_result r;
	struct http_fetch f = base(url(path), &dir);
	f.page = *pg;
	int rc = http_fetch(&f, &r);
	if (rc < 0) {
		buf_free(&dir);
		T_FAIL("%s: %s", path, error_last());
	}
	int got_pages = r.pages;
	int64_t got_rows = r.rows;
	char *last = xasprintf("%s/page-%04d.json", buf_cstr(&dir), pages);
	char *after = xasprintf("%s/page-%04d.json", buf_cstr(&dir), pages + 1);
	bool last_ok = path_exists(last), after_absent = !path_exists(after);
	free(last);
	free(after);
	http_result_free(&r);
	buf_free(&dir);
	CHECK_INT(got_pages, pages);
	CHECK_INT(got_rows, rows);
	CHECK(last_ok);
	CHECK(after_absent);
}

static void test_offset_stops_on_empty_page(void)
{
	/* 500 rows in full pages of 100: the sixth page is [] and is dropped */
	struct http_paginate pg = {.style = HTTP_PAGE_OFFSET, .param = "$offset",
	                           .limit_param = "$limit", .size = 100};
	check_pages("/soda", 5, 500, &pg);
}

static void test_offset_stops_on_short_page(void)
{
	struct http_paginate pg = {.style = HTTP_PAGE_OFFSET, .param = "$offset",
	                           .limit_param = "$limit", .size = 150};
	check_pages("/soda", 4, 500, &pg);
}

static void test_page_numbers(void)
{
	struct http_paginate pg = {.style = HTTP_PAGE_NUMBER, .param = "page", .start = 1};
	check_pages("/pages?ds=2021", 5, 500, &pg);
}

static void test_link_header(void)
{
	struct http_paginate pg = {.style = HTTP_PAGE_LINK};
	check_pages("/link?page=1", 5, 500, &pg);
}

static void test_body_cursor(void)
{
	struct http_paginate pg = {.style = HTTP_PAGE_CURSOR, .param = "cursor",
	                           .path = "meta.next_cursor"};
	check_pages("/cursor", 5, 500, &pg);
}

static void test_body_next_url(void)
{
	struct http_paginate pg = {.style = HTTP_PAGE_NEXT_URL, .path = "next"};
	check_pages("/next", 5, 500, &pg);
}

static void test_max_pages(void)
{
	struct buf dir = BUF_INIT;
	struct http_result r;
	struct http_fetch f = base(url("/link"), &dir);
	f.page.style = HTTP_PAGE_LINK;
	f.page.max_pages = 2;
	int rc = http_fetch(&f, &r);
	bool more = r.more;
	int pages = r.pages;
	http_result_free(&r);
	buf_free(&dir);
	CHECK_OK(rc);
	CHECK_INT(pages, 2);
	CHECK(more);
	CHECK(strstr(last_log, "max_pages"));
}

/* Runs one fetch of path; returns its rc and fills *r. */
static int fetch1(const char *path, struct http_fetch *over, struct http_result *r)
{
	struct buf dir = BUF_INIT;
	struct http_fetch f = base(url(path), &dir);
	if (over) {
		f.retries = over->retries;
		f.timeout_ms = over->timeout_ms ? over->timeout_ms : f.timeout_ms;
		f.if_none_match = over->if_none_match;
		f.if_modified_since = over->if_modified_since;
		f.row_field = over->row_field;
		f.params = over->params;
		f.nparams = over->nparams;
	}
	int rc = http_fetch(&f, r);
	buf_free(&dir);
	return rc;
}

static void test_retry_after_seconds(void)
{
	struct http_result r;
	double t0 = time_now_ms();
	CHECK_OK(fetch1("/fault/429?n=1&after=1&tag=s", NULL, &r));
	double took = time_now_ms() - t0;
	http_result_free(&r);
	CHECK_INT(log_lines, 1);
	CHECK(strstr(last_log, "HTTP 429"));
	CHECK(took >= 1000); /* the backoff alone would be ~10ms */
}

static void test_retry_after_date(void)
{
	struct http_result r;
	double t0 = time_now_ms();
	CHECK_OK(fetch1("/fault/429?n=1&after=0&date=1&tag=d", NULL, &r));
	double took = time_now_ms() - t0;
	http_result_free(&r);
	CHECK(took >= 200);
}

static void test_retry_after_too_long(void)
{
	struct http_result r;
	double t0 = time_now_ms();
	/* base() caps waits at 3s: a server asking for 120s fails the fetch now */
	CHECK(fetch1("/fault/429?n=1&after=120&tag=long", NULL, &r) < 0);
	CHECK(time_now_ms() - t0 < 2000);
	CHECK(strstr(error_last(), "HTTP 429: { \"message\": \"slow down\" }: the server asks to retry after 120s"));
}

static void test_retry_500_then_ok(void)
{
	struct http_result r;
	CHECK_OK(fetch1("/fault/500?n=2&tag=a", NULL, &r));
	int64_t rows = r.rows;
	http_result_free(&r);
	CHECK_INT(rows, 100);
	CHECK_INT(log_lines, 2);
	CHECK(strstr(last_log, "attempt 3 of 4"));
}

static void test_retry_500_gives_up(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 1};
	CHECK(fetch1("/fault/500?n=5&tag=b", &over, &r) < 0);
	CHECK(strstr(error_last(), "page 1: HTTP 500: <html>internal error</html> (gave up after 2 attempts)"));
}

static void test_timeout_then_ok(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 2, .timeout_ms = 400};
	CHECK_OK(fetch1("/fault/slow?n=1&delay=1.5&tag=a", &over, &r));
	http_result_free(&r);
	CHECK_INT(log_lines, 1);
	CHECK(strstr(last_log, "imeout") || strstr(last_log, "timed out"));
}

static void test_timeout_gives_up(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 0, .timeout_ms = 300};
	CHECK(fetch1("/fault/slow?n=1&delay=1.5&tag=b", &over, &r) < 0);
	CHECK(strstr(error_last(), "timed out"));
}

static void test_dropped_connection_retried(void)
{
	struct http_result r;
	CHECK_OK(fetch1("/fault/drop?n=1&tag=a", NULL, &r));
	http_result_free(&r);
	CHECK(strstr(last_log, "connection dropped after"));
}

static void test_dropped_connection_fails(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 1};
	CHECK(fetch1("/fault/drop?n=9&tag=b", &over, &r) < 0);
	CHECK(strstr(error_last(), "page 1: connection dropped after"));
}

static void test_truncated_body_fails(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 1};
	CHECK(fetch1("/fault/short?n=9&tag=c", &over, &r) < 0);
	CHECK(strstr(error_last(), "page 1: the JSON ends early at byte 2"));
}

static void test_invalid_json(void)
{
	struct http_result r;
	CHECK(fetch1("/fault/invalid", NULL, &r) < 0);
	CHECK(strstr(error_last(), "/fault/invalid page 1: invalid JSON at byte 25: expected ',' or '}', found '\"'"));
	CHECK_INT(log_lines, 0); /* not retried */
}

static void test_404_fails_at_once(void)
{
	struct http_result r;
	CHECK(fetch1("/fault/404", NULL, &r) < 0);
	CHECK(strstr(error_last(), "page 1: HTTP 404: { \"error\": true, \"message\": \"dataset not found\" }"));
	CHECK_INT(log_lines, 0);
}

static void test_etag_304(void)
{
	struct http_result r;
	CHECK_OK(fetch1("/soda?$limit=100", NULL, &r));
	char *etag = r.etag ? xstrdup(r.etag) : NULL;
	bool first_modified = !r.not_modified;
	CHECK(r.soda_fields && strstr(r.soda_fields, "tpep_pickup_datetime"));
	CHECK(r.content_type && str_starts(r.content_type, "application/json"));
	http_result_free(&r);
	CHECK(etag);
	CHECK(first_modified);
	struct http_fetch over = {.retries = 1, .if_none_match = etag};
	int rc = fetch1("/soda?$limit=100", &over, &r);
	free(etag);
	CHECK_OK(rc);
	CHECK(r.not_modified);
	CHECK_INT(r.pages, 0);
	http_result_free(&r);
}

static void test_last_modified_304(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 1, .if_modified_since = "Tue, 25 Nov 2025 01:00:00 GMT"};
	CHECK_OK(fetch1("/soda", &over, &r));
	CHECK(r.not_modified);
	http_result_free(&r);
}

static void test_row_field_max(void)
{
	struct http_result r;
	struct http_fetch over = {.retries = 1, .row_field = "tpep_pickup_datetime"};
	CHECK_OK(fetch1("/soda?ds=2023", &over, &r));
	char *max = r.max_value ? xstrdup(r.max_value) : NULL;
	http_result_free(&r);
	/* the largest pickup time among the 500 rows of the 2023 sample */
	CHECK_STR(max, "2023-01-01T01:05:05.000");
	free(max);
}

static void test_params_encoded(void)
{
	struct http_result r;
	const char *params[] = {"$where", "a > 'b c'", "x", "1"};
	struct http_fetch over = {.retries = 1, .params = params, .nparams = 2};
	struct buf dir = BUF_INIT, body = BUF_INIT;
	struct http_fetch f = base(url("/query"), &dir);
	f.params = over.params;
	f.nparams = over.nparams;
	CHECK_OK(http_fetch(&f, &r));
	http_result_free(&r);
	char *page = xasprintf("%s/page-0001.json", buf_cstr(&dir));
	int rc = file_read(page, &body);
	free(page);
	buf_free(&dir);
	CHECK_OK(rc);
	CHECK(strstr(buf_cstr(&body), "\"query\": \"%24where=a%20%3E%20%27b%20c%27&x=1\""));
	buf_free(&body);
}

static void test_redirect_keeps_headers_on_same_host(void)
{
	struct buf dir = BUF_INIT;
	struct http_result r;
	const char *headers[] = {"X-App-Token: tok-for-tests"};
	struct http_fetch f = base(url("/redirect?to=/auth"), &dir);
	f.headers = headers;
	f.nheaders = 1;
	int rc = http_fetch(&f, &r);
	buf_free(&dir);
	CHECK_OK(rc);
	CHECK_INT(r.rows, 100);
	http_result_free(&r);
}

static void test_redirect_drops_headers_on_other_host(void)
{
	struct buf dir = BUF_INIT;
	struct http_result r;
	const char *headers[] = {"X-App-Token: tok-for-tests"};
	/* localhost is the same server under another name: another origin */
	struct http_fetch f = base(url("/redirect?to=/auth&host=localhost"), &dir);
	f.headers = headers;
	f.nheaders = 1;
	int rc = http_fetch(&f, &r);
	buf_free(&dir);
	CHECK(rc < 0);
	CHECK(strstr(error_last(), "HTTP 403: { \"message\": \"bad app token \" }"));
	CHECK(strstr(last_log, "redirected to another host"));
}

static void test_gzip_and_user_agent(void)
{
	struct http_result r;
	CHECK_OK(fetch1("/gzip", NULL, &r));
	int64_t rows = r.rows;
	http_result_free(&r);
	CHECK_INT(rows, 100);
	CHECK_OK(fetch1("/ua", NULL, &r));
	http_result_free(&r);
}

static void test_file_url(void)
{
	struct buf dir = BUF_INIT;
	char *u = xasprintf("file://%s/pipelines/data/taxi/yellow-2021-m6nq-qud6-500.json", root);
	struct http_result r;
	struct http_fetch f = base(u, &dir);
	f.page.style = HTTP_PAGE_OFFSET; /* ignored: a file is one page */
	f.page.param = "$offset";
	f.page.size = 100;
	int rc = http_fetch(&f, &r);
	free(u);
	buf_free(&dir);
	CHECK_OK(rc);
	CHECK_INT(r.pages, 1);
	CHECK_INT(r.rows, 500);
	CHECK_INT(r.bytes, 272390);
	http_result_free(&r);
}

static void test_https_needs_ca(void)
{
	char *u = xasprintf("https://127.0.0.1:%d/soda?$limit=10", tls_port);
	char *ca = xasprintf("%s/tls/cert.pem", tmp);
	struct buf dir = BUF_INIT;
	struct http_result r;
	struct http_fetch f = base(u, &dir);
	int untrusted = http_fetch(&f, &r);
	char *msg = xstrdup(error_last());
	f.ca_file = ca;
	int trusted = http_fetch(&f, &r);
	int64_t rows = r.rows;
	if (trusted == 0)
		http_result_free(&r);
	free(u);
	free(ca);
	buf_free(&dir);
	CHECK(untrusted < 0);
	CHECK(strstr(msg, "set ca_file"));
	free(msg);
	CHECK_OK(trusted);
	CHECK_INT(rows, 10);
}

/* http_request with the test defaults: quick retries, short timeouts. */
static int request(const char *method, const char *path, const char *body, int retries,
                   struct http_reply *out)
{
	struct http_request r = {
		.method = method,
		.url = url(path),
		.display_url = path,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.content_type = body ? "application/json" : NULL,
		.timeout_ms = 5000,
		.connect_timeout_ms = 2000,
		.retries = retries,
		.retry_delay_ms = 10,
		.retry_max_ms = 3000,
		.log = count_log,
	};
	log_lines = 0;
	last_log[0] = '\0';
	return http_request(&r, out);
}

static void test_request_post_json(void)
{
	struct http_reply rep;
	int rc = request(NULL, "/echo", "{\"query\": \"SELECT 1\"}", 0, &rep);
	char *body = xstrdup(buf_cstr(&rep.body));
	long status = rep.status;
	http_reply_free(&rep);
	CHECK_OK(rc);
	CHECK_INT(status, 200);
	CHECK(strstr(body, "\"method\": \"POST\""));
	CHECK(strstr(body, "\"content_type\": \"application/json\""));
	CHECK(strstr(body, "\"body\": \"{\\\"query\\\": \\\"SELECT 1\\\"}\""));
	free(body);
}

static void test_request_methods(void)
{
	struct http_reply rep;
	CHECK_OK(request("PUT", "/echo", "[]", 0, &rep));
	bool put = strstr(buf_cstr(&rep.body), "\"method\": \"PUT\"") != NULL;
	http_reply_free(&rep);
	CHECK(put);
	CHECK_OK(request("DELETE", "/echo", NULL, 0, &rep));
	bool del = strstr(buf_cstr(&rep.body), "\"method\": \"DELETE\"") != NULL;
	http_reply_free(&rep);
	CHECK(del);
}

/* a POST is sent again after a 500, and again after a 429 */
static void test_request_retried(void)
{
	struct http_reply rep;
	CHECK_OK(request("POST", "/fault/500?n=2&tag=req", "{}", 3, &rep));
	long status = rep.status;
	int attempts = rep.attempts;
	http_reply_free(&rep);
	CHECK_INT(status, 200);
	CHECK_INT(attempts, 3);
	CHECK_INT(log_lines, 2);
	CHECK(strstr(last_log, "/fault/500?n=2&tag=req: HTTP 500; retrying in"));
	CHECK_OK(request("POST", "/fault/429?n=1&after=0&tag=req", "{}", 3, &rep));
	status = rep.status;
	http_reply_free(&rep);
	CHECK_INT(status, 200);
}

/* when the retries are spent, the last reply is the caller's to read */
static void test_request_gives_up_with_the_reply(void)
{
	struct http_reply rep;
	CHECK_OK(request("GET", "/fault/500?n=9&tag=req", NULL, 1, &rep));
	char *body = xstrdup(buf_cstr(&rep.body));
	long status = rep.status;
	int attempts = rep.attempts;
	http_reply_free(&rep);
	CHECK_INT(status, 500);
	CHECK_INT(attempts, 2);
	CHECK_STR(body, "<html>internal error</html>\n");
	free(body);
	CHECK_OK(request("GET", "/fault/404", NULL, 3, &rep));
	status = rep.status;
	attempts = rep.attempts;
	http_reply_free(&rep);
	CHECK_INT(status, 404);
	CHECK_INT(attempts, 1); /* a 4xx is not retried */
}

static void test_request_without_reply_fails(void)
{
	struct http_reply rep;
	struct http_request r = {
		.url = "http://127.0.0.1:1/token", .display_url = "the token endpoint",
		.body = "a=b", .body_len = 3, .content_type = "application/x-www-form-urlencoded",
		.connect_timeout_ms = 2000, .retries = 1, .retry_delay_ms = 10, .retry_max_ms = 100,
	};
	int rc = http_request(&r, &rep);
	http_reply_free(&rep);
	CHECK(rc < 0);
	CHECK(str_starts(error_last(), "POST the token endpoint: "));
	CHECK(strstr(error_last(), "(gave up after 2 attempts)"));
}

/* ---- uploads, to tests/servers/upload.py behind api.py ---- */

#define MiB (1u << 20)

/* A file of size bytes cut from the real taxi rows, repeated; insert (if
 * given) is written at byte 1000. */
static char *data_file(const char *name, size_t size, const char *insert)
{
	struct buf rows = BUF_INIT, data = BUF_INIT;
	if (file_read("pipelines/data/taxi/yellow-2019-2upf-qytp-500.json", &rows) < 0 || !rows.len)
		return NULL;
	while (data.len < size)
		buf_add(&data, rows.data, size - data.len < rows.len ? size - data.len : rows.len);
	if (insert)
		memcpy(data.data + 1000, insert, strlen(insert));
	char *path = xasprintf("%s/%s", tmp, name);
	if (file_write_atomic(path, data.data, data.len) < 0) {
		free(path);
		path = NULL;
	}
	buf_free(&rows);
	buf_free(&data);
	return path;
}

/* The file the server saved under name is the file at path, byte for byte. */
static bool arrived(const char *name, const char *path)
{
	struct buf sent = BUF_INIT, got = BUF_INIT;
	char *saved = xasprintf("%s/plain/%s", tmp, name);
	bool same = file_read(path, &sent) == 0 && file_read(saved, &got) == 0 &&
	            sent.len == got.len && !memcmp(sent.data, got.data, sent.len);
	free(saved);
	buf_free(&sent);
	buf_free(&got);
	return same;
}

static const char *load_job = "{\"configuration\": {\"load\": {\"sourceFormat\": "
                              "\"NEWLINE_DELIMITED_JSON\", \"destinationTable\": "
                              "{\"projectId\": \"p\", \"datasetId\": \"d\", \"tableId\": \"t\"}}}}";

/* chunk 0: multipart; else resumable in chunks of that size */
static int upload(const char *query, const char *meta, const char *path, size_t chunk,
                  struct http_reply *out)
{
	char *path_query = xasprintf("/upload/bigquery/v2/projects/p/jobs%s", query);
	struct http_request r = {
		.url = url(path_query),
		.display_url = "the upload URI",
		.timeout_ms = 5000,
		.connect_timeout_ms = 2000,
		.retries = 2,
		.retry_delay_ms = 10,
		.retry_max_ms = 3000,
		.log = count_log,
	};
	log_lines = 0;
	last_log[0] = '\0';
	int rc = chunk ? http_upload_resumable(&r, meta, path, chunk, out)
	               : http_upload_multipart(&r, meta, path, out);
	free(path_query);
	return rc;
}

/* the data holds the boundary tried first: another one is chosen */
static void test_upload_multipart(void)
{
	char *path = data_file("multipart.json", 300000, "--pipe-upload-boundary-0\r\n");
	struct http_reply rep;
	CHECK_OK(upload("?save=multipart.out", load_job, path, 0, &rep));
	CHECK_INT(rep.status, 200);
	CHECK(strstr(buf_cstr(&rep.body), "\"bytes\": 300000"));
	CHECK(strstr(buf_cstr(&rep.body), "\"tableId\": \"t\""));
	http_reply_free(&rep);
	CHECK(arrived("multipart.out", path));
	free(path);
}

static void test_upload_resumable(void)
{
	char *path = data_file("resumable.json", 3 * MiB + 1000, NULL);
	struct http_reply rep;
	CHECK_OK(upload("?save=resumable.out", load_job, path, MiB, &rep));
	CHECK_INT(rep.status, 200);
	CHECK(strstr(buf_cstr(&rep.body), "\"chunks\": 4"));
	CHECK(strstr(buf_cstr(&rep.body), "\"bytes_in\": 3146728"));
	CHECK_INT(rep.attempts, 4);
	http_reply_free(&rep);
	CHECK(arrived("resumable.out", path));
	free(path);
}

/* The second chunk keeps 256 KiB and answers 503, or the third keeps 256 KiB
 * and drops the connection: the upload goes on from what the session holds,
 * so the server sees the file once plus the 768 KiB it did not keep. */
static void test_upload_resumable_resumes(void)
{
	char *path = data_file("resume.json", 3 * MiB + 1000, NULL);
	const char *how[] = {"?fail=2&save=resume-503.out", "?drop=3&save=resume-drop.out"};
	const char *saved[] = {"resume-503.out", "resume-drop.out"};
	for (int i = 0; i < 2; i++) {
		struct http_reply rep;
		CHECK_OK(upload(how[i], load_job, path, MiB, &rep));
		if (rep.status != 200) printf("# %s\n", buf_cstr(&rep.body));
		CHECK_INT(rep.status, 200);
		CHECK(strstr(buf_cstr(&rep.body), "\"bytes_in\": 3933160"));
		CHECK_INT(rep.attempts, 5); /* the failed chunk, the question, 3 more */
		http_reply_free(&rep);
		CHECK_INT(log_lines, 1);
		CHECK(strstr(last_log, "the upload URI: HTTP 503 at byte 1048576;") ||
		      strstr(last_log, "the upload URI: Empty reply from server at byte 2097152;"));
		CHECK(arrived(saved[i], path));
	}
	free(path);
}

/* An error reply is the caller's to read, as http_request's are */
static void test_upload_error_reply(void)
{
	char *path = data_file("small.json", 5000, NULL);
	struct http_reply rep;
	CHECK_OK(upload("", "{not json", path, 0, &rep));
	CHECK_INT(rep.status, 400);
	CHECK(strstr(buf_cstr(&rep.body), "the metadata part is not JSON"));
	http_reply_free(&rep);
	CHECK_OK(upload("", "{not json", path, HTTP_UPLOAD_CHUNK_UNIT, &rep));
	CHECK_INT(rep.status, 400);
	CHECK(strstr(buf_cstr(&rep.body), "the metadata is not JSON"));
	http_reply_free(&rep);
	/* the session URI is on another origin: the token is not sent there */
	CHECK(upload("?host=localhost", load_job, path, HTTP_UPLOAD_CHUNK_UNIT, &rep) < 0);
	CHECK(strstr(error_last(), "the upload session is on another origin"));
	http_reply_free(&rep);
	CHECK(upload("", load_job, path, 1000, &rep) < 0);
	CHECK(strstr(error_last(), "the chunk size 1000 is not a multiple of 256 KiB"));
	http_reply_free(&rep);
	free(path);
}

int main(void)
{
	if (!getcwd(root, sizeof(root)))
		return 1;
	snprintf(tmp, sizeof(tmp), "/tmp/pipe-test-http-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	char *cmd = xasprintf("mkdir -p %s/tls && sh tests/servers/mkcert %s/tls", tmp, tmp);
	int cert_rc = system(cmd);
	free(cmd);
	setenv("TEST_TOKEN", "tok-for-tests", 1);
	port = start_server("plain", "--token-env TEST_TOKEN");
	char *tls_args = xasprintf("--tls %s/tls/cert.pem %s/tls/key.pem", tmp, tmp);
	tls_port = cert_rc == 0 ? start_server("tls", tls_args) : 0;
	free(tls_args);
	if (!port || !tls_port) {
		printf("not ok servers: could not start the test servers\n");
		return 1;
	}

	RUN(test_json_cases);
	RUN(test_json_depth);
	RUN(test_url_params);
	RUN(test_cursor_cmp);
	RUN(test_offset_stops_on_empty_page);
	RUN(test_offset_stops_on_short_page);
	RUN(test_page_numbers);
	RUN(test_link_header);
	RUN(test_body_cursor);
	RUN(test_body_next_url);
	RUN(test_max_pages);
	RUN(test_retry_after_seconds);
	RUN(test_retry_after_date);
	RUN(test_retry_after_too_long);
	RUN(test_retry_500_then_ok);
	RUN(test_retry_500_gives_up);
	RUN(test_timeout_then_ok);
	RUN(test_timeout_gives_up);
	RUN(test_dropped_connection_retried);
	RUN(test_dropped_connection_fails);
	RUN(test_truncated_body_fails);
	RUN(test_invalid_json);
	RUN(test_404_fails_at_once);
	RUN(test_etag_304);
	RUN(test_last_modified_304);
	RUN(test_row_field_max);
	RUN(test_params_encoded);
	RUN(test_redirect_keeps_headers_on_same_host);
	RUN(test_redirect_drops_headers_on_other_host);
	RUN(test_gzip_and_user_agent);
	RUN(test_file_url);
	RUN(test_https_needs_ca);
	RUN(test_request_post_json);
	RUN(test_request_methods);
	RUN(test_request_retried);
	RUN(test_request_gives_up_with_the_reply);
	RUN(test_request_without_reply_fails);
	RUN(test_upload_multipart);
	RUN(test_upload_resumable);
	RUN(test_upload_resumable_resumes);
	RUN(test_upload_error_reply);

	stop_server("plain");
	stop_server("tls");
	char *rm = xasprintf("rm -rf %s", tmp);
	if (system(rm) != 0)
		printf("# could not remove %s\n", tmp);
	free(rm);
	T_DONE();
}
