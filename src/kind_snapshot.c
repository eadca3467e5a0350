/* kind_snapshot: raw JSON from an HTTP API (or a file:// URL), exactly as
 * received.  The keys are described in docs/snapshot.md.
 *
 * The output is a directory:
 *
 *   page-0001.json ...   each page's body, bytes unchanged
 *   manifest.json        what was fetched, deterministic: the same data gives
 *                        the same bytes (no dates, no ETag), so the output's
 *                        hash only changes when the data does
 *
 * manifest.json is one JSON object, keys in this order, absent when unknown:
 *   "url"           the URL and params as written, ${NAME} references kept
 *   "status"        the last page's HTTP status (none for file://)
 *   "pages", "rows", "bytes"   rows: elements of the rows arrays (see http.h)
 *   "complete"      false when max_pages stopped the fetch early
 *   "content_type"  of the first page
 *   "incremental"   the cursor field, when incremental
 *   "soda2_fields", "soda2_types"   Socrata's column hints, as sent
 *
 * Between runs the state record keeps, as fields: etag, last_modified and
 * conditional (a hash of the request they belong to), cursor (incremental),
 * and manifest (a copy, so `git log -p state/` shows every fetch).
 *
 * Secrets: ${NAME} in url, params and headers is read from the environment
 * at request time (secrets.c).  The values go to libcurl and nowhere else:
 * messages, logs, the manifest and state use the text as written, and every
 * message is redacted anyway (a server may echo a token back). */
#include "kind.h"
#include "kind_snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "checks.h"
#include "crypto.h"
#include "http.h"
#include "json.h"
#include "secrets.h"

/* ---- the recipe ---- */

struct config {
	const char *url;
	char **params;  /* name, value pairs, as written */
	size_t nparams;
	char **headers; /* "Name: value", as written */
	size_t nheaders;
	struct http_paginate page; /* strings point into owned below */
	long timeout_ms, connect_timeout_ms, retry_delay_ms, retry_max_ms;
	int retries;
	const char *ca_file;
	/* incremental */
	char *inc_field, *inc_param, *inc_template, *inc_start;
	char **owned; /* every word split off a value */
	size_t nowned;
};

static void config_free(struct config *c)
{
	free(c->params);
	free(c->headers);
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	memset(c, 0, sizeof(*c));
}

static char *own(struct config *c, char *s)
{
	c->owned = xrealloc(c->owned, (c->nowned + 1) * sizeof(*c->owned));
	c->owned[c->nowned++] = s;
	return s;
}

/* Splits a value into words at blanks and newlines; "double quotes" keep
 * blanks inside a word (k="a b" is the word k=a b), \" is a quote. */
static int split_words(struct config *c, const struct attr *a, char ***words, size_t *n)
{
	const char *p = a->value;
	*words = NULL;
	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			return 0;
		struct buf w = BUF_INIT;
		bool quoted = false;
		for (; *p && (quoted || !strchr(" \t\n\r", *p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
			} else if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				buf_putc(&w, *++p);
			} else {
				buf_putc(&w, *p);
			}
		}
		if (quoted) {
			buf_free(&w);
			free(*words);
			return error_at(&a->value_pos, "%s has an unterminated '\"'", a->key);
		}
		*words = xrealloc(*words, (*n + 1) * sizeof(**words));
		(*words)[(*n)++] = own(c, xstrdup(buf_cstr(&w)));
		buf_free(&w);
	}
}

/* 30s, 500ms, 2m, 1h, or a bare number of seconds. */
static long parse_ms(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return -1;
	double mult = !*end || !strcmp(end, "s") ? 1000 : !strcmp(end, "ms") ? 1
	            : !strcmp(end, "m") ? 60000 : !strcmp(end, "h") ? 3600000 : -1;
	if (mult < 0 || v * mult > 86400000.0 * 7)
		return -1;
	return (long)(v * mult);
}

static int parse_int(const char *s, int64_t min, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min)
		return -1;
	*out = v;
	return 0;
}

static int parse_paginate(struct config *c, const struct attr *a)
{
	char **w = NULL;
	size_t n = 0;
	int error;
	struct http_paginate *pg = &c->page;
	if ((error = split_words(c, a, &w, &n)) < 0)
		return error;
	static const char *const styles[] = {"none", "offset", "page", "link", "cursor", "next_url"};
	size_t s = 0;
	while (n && s < sizeof(styles) / sizeof(*styles) && strcmp(w[0], styles[s]))
		s++;
	if (!n || s == sizeof(styles) / sizeof(*styles)) {
		error = error_at(&a->value_pos, "%s must start with a style: none, offset, page, link, "
		                 "cursor or next_url (found '%s')", a->key, n ? w[0] : "");
		goto done;
	}
	pg->style = (enum http_paging)s;
	pg->start = 1;
	pg->max_pages = 1000;
	for (size_t i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');
		int64_t v;
		if (!eq) {
			error = error_at(&a->value_pos, "%s option '%s' needs a value: name=value", a->key, w[i]);
			goto done;
		}
		*eq = '\0';
		const char *k = w[i], *val = eq + 1;
		if (!strcmp(k, "param")) {
			pg->param = val;
		} else if (!strcmp(k, "limit")) {
			pg->limit_param = val;
		} else if (!strcmp(k, "path")) {
			pg->path = val;
		} else if (!strcmp(k, "size") || !strcmp(k, "start") || !strcmp(k, "max_pages")) {
			if (parse_int(val, strcmp(k, "start") ? 1 : 0, &v) < 0 || v > 1000000000) {
				error = error_at(&a->value_pos, "%s option %s=%s is not a number%s", a->key, k, val,
				                 strcmp(k, "start") ? " above 0" : "");
				goto done;
			}
			if (!strcmp(k, "max_pages") && v > 9999) {
				/* page-0001.json ... page-9999.json sort by name */
				error = error_at(&a->value_pos, "%s option max_pages=%s is more than 9999", a->key, val);
				goto done;
			}
			if (!strcmp(k, "size"))
				pg->size = v;
			else if (!strcmp(k, "start"))
				pg->start = v;
			else
				pg->max_pages = (int)v;
		} else {
			error = error_at(&a->value_pos, "%s has no option '%s' (param, limit, size, start, path, "
			                 "max_pages)", a->key, k);
			goto done;
		}
	}
	if (pg->style == HTTP_PAGE_OFFSET && !pg->size)
		error = error_at(&a->value_pos, "%s offset needs size=N: the rows per page, to advance the offset",
		                 a->key);
	else if (pg->style == HTTP_PAGE_OFFSET && !pg->param)
		pg->param = "offset";
	else if (pg->style == HTTP_PAGE_NUMBER && !pg->param)
		pg->param = "page";
	else if ((pg->style == HTTP_PAGE_CURSOR || pg->style == HTTP_PAGE_NEXT_URL) && !pg->path)
		error = error_at(&a->value_pos, "%s %s needs path=KEY: where the body holds the %s (a.b for nested "
		                 "keys)", a->key, styles[s], pg->style == HTTP_PAGE_CURSOR ? "next cursor" : "next URL");
	else if (pg->style == HTTP_PAGE_CURSOR && !pg->param)
		error = error_at(&a->value_pos, "%s cursor needs param=NAME: the query parameter that sends the "
		                 "cursor back", a->key);
done:
	free(w);
	return error;
}

static int parse_incremental(struct config *c, const struct attr *a)
{
	char **w = NULL;
	size_t n = 0;
	int error;
	if ((error = split_words(c, a, &w, &n)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		if (!eq && i == 0) {
			c->inc_field = w[i];
			continue;
		}
		if (!eq) {
			error = error_at(&a->value_pos, "%s option '%s' needs a value: name=value", a->key, w[i]);
			goto done;
		}
		*eq = '\0';
		if (!strcmp(w[i], "field"))
			c->inc_field = eq + 1;
		else if (!strcmp(w[i], "param"))
			c->inc_param = eq + 1;
		else if (!strcmp(w[i], "template"))
			c->inc_template = eq + 1;
		else if (!strcmp(w[i], "start"))
			c->inc_start = eq + 1;
		else {
			error = error_at(&a->value_pos, "%s has no option '%s' (field, param, template, start)", a->key,
			                 w[i]);
			goto done;
		}
	}
	if (!c->inc_field || !*c->inc_field)
		error = error_at(&a->value_pos, "%s needs the cursor field: incremental = FIELD param=NAME", a->key);
	else if (!c->inc_param)
		error = error_at(&a->value_pos, "%s needs param=NAME: the query parameter that carries the cursor",
		                 a->key);
	else if (c->inc_template && !strstr(c->inc_template, "{cursor}"))
		error = error_at(&a->value_pos, "%s template has no {cursor}: write where the last value goes, "
		                 "e.g. template=\"%s > '{cursor}'\"", a->key, c->inc_field);
done:
	free(w);
	return error;
}

static int parse_duration_key(const struct target *t, const char *key, long def, long *out)
{
	const struct attr *a = target_attr(t, key);
	*out = def;
	if (!a)
		return 0;
	if ((*out = parse_ms(a->value)) < 0)
		return error_at(&a->value_pos, "%s '%s' is not a duration: a number with ms, s, m or h after it",
		                a->key, a->value);
	return 0;
}

static int parse_config(const struct target *t, struct config *c)
{
	const struct attr *a;
	int error = 0;
	memset(c, 0, sizeof(*c));
	c->url = target_value(t, "url");
	if (!c->url || !*c->url)
		return error_at(&t->pos, "snapshot %s needs url = ...", t->name);
	if (strchr(c->url, ' ') || strchr(c->url, '\n'))
		return error_at(&target_attr(t, "url")->value_pos, "url must be one URL without blanks: "
		                "query parameters go in params = name=value ...");

	if ((a = target_attr(t, "params"))) {
		char **w;
		size_t n;
		if ((error = split_words(c, a, &w, &n)) < 0)
			return error;
		c->params = xcalloc(2 * n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			char *eq = strchr(w[i], '=');
			if (!eq || eq == w[i]) {
				error = error_at(&a->value_pos, "%s '%s' is not name=value (quote a value with blanks: "
				                 "name=\"a b\")", a->key, w[i]);
				free(w);
				return error;
			}
			*eq = '\0';
			c->params[2 * c->nparams] = w[i];
			c->params[2 * c->nparams++ + 1] = eq + 1;
		}
		free(w);
	}
	if (target_attr(t, "headers") && (a = target_attr(t, "header")))
		return error_at(&a->value_pos, "%s and headers are the same key: write one, with a header per line",
		                a->key);
	const char *hkeys[] = {"headers", "header"};
	for (size_t k = 0; k < 2; k++) {
		if (!(a = target_attr(t, hkeys[k])))
			continue;
		char *v = own(c, xstrdup(a->value)), *save = NULL;
		for (char *line = strtok_r(v, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			line = str_trim(line);
			if (!*line)
				continue;
			char *colon = strchr(line, ':');
			if (!colon || colon == line || strcspn(line, " \t") < (size_t)(colon - line))
				return error_at(&a->value_pos, "%s '%s' is not a header: write Name: value, one per line",
				                a->key, line);
			c->headers = xrealloc(c->headers, (c->nheaders + 1) * sizeof(char *));
			c->headers[c->nheaders++] = line;
		}
	}
	c->page.style = HTTP_PAGE_NONE;
	if ((a = target_attr(t, "paginate")) && (error = parse_paginate(c, a)) < 0)
		return error;
	if ((a = target_attr(t, "incremental")) && (error = parse_incremental(c, a)) < 0)
		return error;
	if ((error = parse_duration_key(t, "timeout", 300000, &c->timeout_ms)) < 0 ||
	    (error = parse_duration_key(t, "connect_timeout", 30000, &c->connect_timeout_ms)) < 0 ||
	    (error = parse_duration_key(t, "retry_delay", 1000, &c->retry_delay_ms)) < 0 ||
	    (error = parse_duration_key(t, "retry_max", 60000, &c->retry_max_ms)) < 0)
		return error;
	c->retries = 5;
	if ((a = target_attr(t, "retries"))) {
		int64_t v;
		if (parse_int(a->value, 0, &v) < 0 || v > 100)
			return error_at(&a->value_pos, "%s '%s' is not a number from 0 to 100", a->key, a->value);
		c->retries = (int)v;
	}
	if ((a = target_attr(t, "ca_file")))
		c->ca_file = a->value;
	return 0;
}

static int check(const struct target *t)
{
	struct config c;
	int error = parse_config(t, &c);
	config_free(&c);
	if (error >= 0)
		error = checks_check(t, true);
	return error;
}

/* A URL for messages: as written, ${NAME} kept, the rest encoded as sent. */
static void display_add_param(struct buf *u, const char *name, const char *value)
{
	const char *vals[] = {name, value};
	buf_putc(u, strchr(buf_cstr(u), '?') ? '&' : '?');
	for (int k = 0; k < 2; k++) {
		if (k)
			buf_putc(u, '=');
		for (const char *p = vals[k]; *p;) {
			/* ${NAME} and the incremental {cursor} stay readable */
			const char *ref = strstr(p, "${"), *cur = strstr(p, "{cursor}");
			if (cur && (!ref || cur < ref))
				ref = cur;
			const char *close = ref ? strchr(ref, '}') : NULL;
			size_t plain = ref && close ? (size_t)(ref - p) : strlen(p);
			char *part = xstrndup(p, plain);
			http_url_escape(u, part);
			free(part);
			p += plain;
			if (ref && close) {
				buf_add(u, ref, (size_t)(close - ref + 1));
				p = close + 1;
			}
		}
	}
}

/* ---- the manifest ---- */

/* A header that holds JSON (Socrata's hints) goes in as JSON, else as a string. */
static void json_raw_or_string(struct buf *b, const char *s)
{
	if (json_check(s, strlen(s), NULL) == 0) {
		buf_puts(b, s);
	} else {
		error_clear();
		buf_json_string(b, s);
	}
}

static char *manifest(const char *display_url, const struct http_result *r, const struct config *c,
                      const struct secrets *sec)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\n  \"url\": ");
	buf_json_string(&b, display_url);
	if (r->status)
		buf_printf(&b, ",\n  \"status\": %ld", r->status);
	buf_printf(&b, ",\n  \"pages\": %d,\n  \"rows\": %lld,\n  \"bytes\": %llu,\n  \"complete\": %s",
	           r->pages, (long long)r->rows, (unsigned long long)r->bytes,
	           r->more ? "false" : "true");
	if (r->content_type) {
		buf_puts(&b, ",\n  \"content_type\": ");
		buf_json_string(&b, r->content_type);
	}
	if (c->inc_field) {
		buf_puts(&b, ",\n  \"incremental\": ");
		buf_json_string(&b, c->inc_field);
	}
	if (r->soda_fields) {
		buf_puts(&b, ",\n  \"soda2_fields\": ");
		json_raw_or_string(&b, r->soda_fields);
	}
	if (r->soda_types) {
		buf_puts(&b, ",\n  \"soda2_types\": ");
		json_raw_or_string(&b, r->soda_types);
	}
	buf_puts(&b, "\n}\n");
	char *out = secrets_redact(sec, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* ---- build ---- */

struct run {
	struct build_ctx *ctx;
	const struct secrets *sec;
};

static void log_line(void *arg, const char *line)
{
	struct run *run = arg;
	char *clean = secrets_redact(run->sec, line);
	run->ctx->log(run->ctx, "%s", clean);
	free(clean);
}

/* The conditional headers from the last run belong to one request: a
 * changed URL, param or header must not be answered "not modified". */
static void request_id(const char *display_url, const struct config *c, char out[HASH_HEX_LEN + 1])
{
	struct buf b = BUF_INIT;
	struct hash id;
	buf_add(&b, display_url, strlen(display_url) + 1);
	for (size_t i = 0; i < c->nheaders; i++)
		buf_add(&b, c->headers[i], strlen(c->headers[i]) + 1);
	hash_bytes(b.data, b.len, &id);
	hash_hex(&id, out);
	buf_free(&b);
}

static void keep_field(struct build_ctx *ctx, const char *key)
{
	const char *v = ctx->prev ? state_field(ctx->prev, key) : NULL;
	if (v)
		state_field_set(ctx->rec, key, v);
}

static int64_t previous_rows(const struct build_ctx *ctx)
{
	return ctx->prev && !hash_is_zero(&ctx->prev->key) ? ctx->prev->rows : -1;
}

/* Only the checks changed: they run on the snapshot in place, which stays. */
static int recheck(struct build_ctx *ctx)
{
	const char *previous = state_field(ctx->prev, "previous_rows");
	int error;
	for (size_t i = 0; i < ctx->prev->nfields; i++)
		state_field_set(ctx->rec, ctx->prev->fields[i].key, ctx->prev->fields[i].value);
	ctx->rec->rows = ctx->prev->rows;
	if ((error = checks_snapshot(ctx->target, ctx->final_out, ctx->prev->rows,
	                             previous ? strtoll(previous, NULL, 10) : -1,
	                             "the snapshot stays as the last build left it", ctx->rec, &ctx->output)) < 0)
		return error;
	ctx->unchanged = true;
	return 0;
}

static int build(struct build_ctx *ctx)
{
	const struct target *t = ctx->target;
	struct config c;
	struct secrets sec = SECRETS_INIT;
	struct buf display = BUF_INIT;
	struct http_result r = {0};
	char *url = NULL, *cursor_value = NULL, *text = NULL, *path = NULL;
	char **params = NULL, **headers = NULL;
	size_t nparams = 0;
	char id[HASH_HEX_LEN + 1];
	int error;
	struct run run = {ctx, &sec};

	if (ctx->checks_only && ctx->prev)
		return recheck(ctx);
	if ((error = parse_config(t, &c)) < 0)
		goto done;

	/* what the request looks like in messages: nothing expanded */
	buf_puts(&display, c.url);
	for (size_t i = 0; i < c.nparams; i++)
		display_add_param(&display, c.params[2 * i], c.params[2 * i + 1]);
	if (c.page.style == HTTP_PAGE_OFFSET && c.page.limit_param) {
		char size[32];
		snprintf(size, sizeof(size), "%lld", (long long)c.page.size);
		display_add_param(&display, c.page.limit_param, size);
	}
	if (c.inc_param)
		display_add_param(&display, c.inc_param, c.inc_template ? c.inc_template : "{cursor}");
	request_id(buf_cstr(&display), &c, id);

	if ((error = secrets_expand(&sec, c.url, target_attr(t, "url"), &url)) < 0)
		goto done;
	if (str_starts(url, "file:") && !str_starts(url, "file://")) {
		/* file:data/x.json: relative to the project root, the current directory */
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			error = error_set("cannot read the current directory: %s", strerror(errno));
			goto done;
		}
		char *abs = xasprintf("file://%s/%s", cwd, url + 5);
		free(url);
		url = abs;
	}
	/* A local file is there and whole, or it is not: waiting changes
	 * nothing, so it is read once, and what is wrong is said at once. */
	if (str_starts(url, "file://")) {
		const char *file = url + 7;
		struct stat st;
		int fd = open(file, O_RDONLY);
		if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
			error = error_set("%s: cannot read %s: %s", c.url, file,
			                  strerror(fd < 0 ? errno : EISDIR));
			if (fd >= 0)
				close(fd);
			goto done;
		}
		close(fd);
		c.retries = 0;
	}
	params = xcalloc(2 * c.nparams + 3, sizeof(char *));
	for (size_t i = 0; i < 2 * c.nparams; i++)
		if ((error = secrets_expand(&sec, c.params[i], target_attr(t, "params"), &params[i])) < 0)
			goto done;
	nparams = c.nparams;
	headers = xcalloc(c.nheaders + 1, sizeof(char *));
	const struct attr *hattr = target_attr(t, "headers");
	if (!hattr)
		hattr = target_attr(t, "header");
	for (size_t i = 0; i < c.nheaders; i++)
		if ((error = secrets_expand(&sec, c.headers[i], hattr, &headers[i])) < 0)
			goto done;

	/* incremental: only rows past the largest value seen last time */
	const char *cursor = NULL;
	if (c.inc_field) {
		cursor = ctx->full_refresh || !ctx->prev ? NULL : state_field(ctx->prev, "cursor");
		if (!cursor)
			cursor = c.inc_start;
		if (cursor) {
			char *tmpl;
			if ((error = secrets_expand(&sec, c.inc_template ? c.inc_template : "{cursor}",
			                            target_attr(t, "incremental"), &tmpl)) < 0)
				goto done;
			struct buf v = BUF_INIT;
			const char *at = strstr(tmpl, "{cursor}");
			buf_add(&v, tmpl, (size_t)(at - tmpl));
			buf_puts(&v, cursor);
			buf_puts(&v, at + strlen("{cursor}"));
			free(tmpl);
			cursor_value = buf_detach(&v);
			params[2 * nparams] = xstrdup(c.inc_param);
			params[2 * nparams + 1] = xstrdup(cursor_value);
			nparams++;
			ctx->log(ctx, "incremental: rows with %s after %s", c.inc_field, cursor);
		} else {
			ctx->log(ctx, "incremental: no cursor yet, fetching every row");
		}
	}

	/* conditional GET: only for the same request, when its output is there */
	const char *etag = NULL, *last_modified = NULL;
	if (ctx->prev && !ctx->full_refresh && !c.inc_field && path_exists(ctx->final_out)) {
		const char *prev_id = state_field(ctx->prev, "conditional");
		if (prev_id && !strcmp(prev_id, id)) {
			etag = state_field(ctx->prev, "etag");
			last_modified = state_field(ctx->prev, "last_modified");
		}
	}

	if ((error = mkdir_p(ctx->out)) < 0)
		goto done;
	struct http_fetch f = {
		.url = url,
		.display_url = buf_cstr(&display),
		.params = (const char *const *)params,
		.nparams = nparams,
		.headers = (const char *const *)headers,
		.nheaders = c.nheaders,
		.ca_file = c.ca_file,
		.timeout_ms = c.timeout_ms,
		.connect_timeout_ms = c.connect_timeout_ms,
		.retries = c.retries,
		.retry_delay_ms = c.retry_delay_ms,
		.retry_max_ms = c.retry_max_ms,
		.if_none_match = etag,
		.if_modified_since = last_modified,
		.page = c.page,
		.row_field = c.inc_field,
		.dir = ctx->out,
		.hasher = ctx->hasher,
		.verbose = ctx->verbose,
		.log = log_line,
		.log_arg = &run,
	};
	if ((error = http_fetch(&f, &r)) < 0)
		goto done;

	if (r.not_modified) {
		ctx->log(ctx, "not modified (HTTP 304): keeping the last snapshot");
		ctx->unchanged = true;
		rm_rf(ctx->out);
		keep_field(ctx, "etag");
		keep_field(ctx, "last_modified");
		keep_field(ctx, "conditional");
		keep_field(ctx, "manifest");
		goto done;
	}
	if (r.more)
		buf_printf(&ctx->output, "warning: %s stopped at max_pages = %d; the API may have "
		           "more rows (raise max_pages in paginate)\n", t->name, c.page.max_pages);

	text = manifest(buf_cstr(&display), &r, &c, &sec);
	path = path_join(ctx->out, "manifest.json");
	if ((error = file_write_atomic_hashed(path, text, strlen(text), ctx->hasher)) < 0)
		goto done;
	ctx->rec->rows = r.rows;
	state_field_set(ctx->rec, "manifest", text);
	if ((error = checks_snapshot(t, ctx->out, r.rows, previous_rows(ctx),
	                             "the new snapshot is not published, the previous one stays", ctx->rec,
	                             &ctx->output)) < 0)
		goto done;
	if (r.etag || r.last_modified)
		state_field_set(ctx->rec, "conditional", id);
	if (r.etag) {
		char *v = secrets_redact(&sec, r.etag);
		state_field_set(ctx->rec, "etag", v);
		free(v);
	}
	if (r.last_modified) {
		char *v = secrets_redact(&sec, r.last_modified);
		state_field_set(ctx->rec, "last_modified", v);
		free(v);
	}
	if (c.inc_field) {
		/* no new rows: the cursor stays where it was */
		const char *next = r.max_value && (!cursor || json_cursor_cmp(r.max_value, cursor) > 0)
		                 ? r.max_value : cursor;
		if (next) {
			char *v = secrets_redact(&sec, next);
			state_field_set(ctx->rec, "cursor", v);
			free(v);
		}
	}
done:
	if (error < 0) {
		/* the last net: no expanded value leaves in a message */
		secrets_redact_error(&sec, error);
		rm_rf(ctx->out);
	}
	for (size_t i = 0; params && i < 2 * c.nparams + 2; i++)
		free(params[i]);
	free(params);
	for (size_t i = 0; headers && i < c.nheaders; i++)
		free(headers[i]);
	free(headers);
	free(url);
	free(cursor_value);
	free(text);
	free(path);
	http_result_free(&r);
	buf_free(&display);
	secrets_free(&sec);
	config_free(&c);
	return error;
}

static const char *const keys[] = {
	"url", "params", "headers", "header", "paginate", "incremental", "timeout",
	"connect_timeout", "retries", "retry_delay", "retry_max", "ca_file", "checks", "warn", NULL,
};
static const char *const required[] = {"url", NULL};

const struct kind kind_snapshot = {
	.name = "snapshot",
	.keys = keys,
	.required = required,
	.file_url_key = "url",
	.check_keys = checks_table_keys,
	.check = check,
	.build = build,
};

/* ---- reading a snapshot, for the table kind ---- */

/* Socrata's column types as load hints. */
static const char *soda_type(const char *t)
{
	static const char *const map[][2] = {
		{"text", "STRING"},           {"number", "NUMBER"},           {"double", "FLOAT64"},
		{"money", "NUMERIC"},         {"percent", "NUMBER"},          {"checkbox", "BOOL"},
		{"calendar_date", "TIMESTAMP"}, {"floating_timestamp", "TIMESTAMP"},
		{"fixed_timestamp", "TIMESTAMP"}, {"date", "DATE"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(t, map[i][0]))
			return map[i][1];
	return NULL;
}

void snapshot_hints(const char *dir, struct buf *hints)
{
	char *path = path_join(dir, "manifest.json");
	struct buf text = BUF_INIT;
	struct json_doc doc = {0}, fdoc = {0}, tdoc = {0};
	int f, t;
	char *fs = NULL, *ts = NULL;
	if (file_read(path, &text) < 0 || json_parse(&doc, text.data, text.len, path) < 0)
		goto done;
	f = json_get(&doc, 0, "soda2_fields");
	t = json_get(&doc, 0, "soda2_types");
	if (f < 0 || t < 0)
		goto done;
	/* A string is parsed as the JSON it holds. */
	fs = doc.toks[f].type == JSON_STRING ? json_strdup(&doc, f)
	                                     : xstrndup(doc.text + doc.toks[f].start, (size_t)(doc.toks[f].end - doc.toks[f].start));
	ts = doc.toks[t].type == JSON_STRING ? json_strdup(&doc, t)
	                                     : xstrndup(doc.text + doc.toks[t].start, (size_t)(doc.toks[t].end - doc.toks[t].start));
	if (json_parse(&fdoc, fs, strlen(fs), path) < 0 || json_parse(&tdoc, ts, strlen(ts), path) < 0 ||
	    fdoc.toks[0].type != JSON_ARRAY || tdoc.toks[0].type != JSON_ARRAY)
		goto done;
	for (int i = 1, j = 1; i < fdoc.ntoks && j < tdoc.ntoks; i = json_skip(&fdoc, i), j = json_skip(&tdoc, j)) {
		char *name, *type;
		const char *mapped;
		if (fdoc.toks[i].type != JSON_STRING || tdoc.toks[j].type != JSON_STRING)
			continue;
		name = json_strdup(&fdoc, i);
		type = json_strdup(&tdoc, j);
		/* Socrata's system fields (:id, :updated_at) are not in the rows. */
		if ((mapped = soda_type(type)) && name[0] != ':' && !strchr(name, ' '))
			buf_printf(hints, "%s:%s ", name, mapped);
		free(name);
		free(type);
	}
done:
	error_clear();
	free(fs);
	free(ts);
	json_doc_free(&doc);
	json_doc_free(&fdoc);
	json_doc_free(&tdoc);
	buf_free(&text);
	free(path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int snapshot_pages(const char *dir, char ***paths, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = *n;
	if (!d)
		return error_set("%s: cannot read the directory", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "manifest.json"))
			continue;
		if (!str_ends(e->d_name, ".json") && !str_ends(e->d_name, ".ndjson") && !str_ends(e->d_name, ".jsonl") &&
		    !str_ends(e->d_name, ".csv"))
			continue;
		grow_array(paths, cap, *n + 1, sizeof(char *));
		(*paths)[(*n)++] = path_join(dir, e->d_name);
	}
	closedir(d);
	if (*n > first)
		qsort(*paths + first, *n - first, sizeof(char *), cmp_str);
	return 0;
}
