/* auth: a service account's access tokens (RFC 7523's JWT bearer grant,
 * as Google's "OAuth 2.0 for Server to Server Applications" describes it).
 *
 * The key file, as the Cloud console makes it (fields pipe reads):
 *   {"type": "service_account", "client_email": "NAME@PROJECT.iam.gserviceaccount.com",
 *    "private_key": "-----BEGIN PRIVATE KEY-----\n...", "token_uri": "https://oauth2.googleapis.com/token"}
 * The JWT: base64url({"alg":"RS256","typ":"JWT"}) "." base64url(claims) "."
 * base64url(RS256 signature of the two), claims {"iss": client_email,
 * "scope": AUTH_SCOPE, "aud": token_uri, "exp": iat + 3600, "iat": now}.
 * It is POSTed form-encoded to token_uri as
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT
 * which answers {"access_token": "...", "expires_in": 3599, "token_type":
 * "Bearer"}, or 400 {"error": "invalid_grant", "error_description": "..."}.
 *
 * The key, the JWT and the token live in this module's memory only, and are
 * wiped when freed: no message quotes them (a message may reach a log, a
 * state record or a commit). */
#include "auth.h"
#include "crypto.h"
#include "json.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct auth {
	char *key_path;
	char *email, *private_key, *token_uri;
	struct auth_options opt;
	pthread_mutex_t lock; /* over token and expires */
	char *token;
	int64_t expires; /* wall-clock seconds */
};

static void wipe_free(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

static void wipe_buf(struct buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

/* json_strdup for a key or a token: the decoding's scratch is wiped too. */
static char *secret_strdup(const struct json_doc *doc, int i)
{
	struct buf scratch = BUF_INIT;
	size_t len;
	const char *s = json_str(doc, i, &scratch, &len);
	char *copy = xstrndup(s, len);
	wipe_buf(&scratch);
	return copy;
}

/* A string field of the key file: its value in *out, or an error naming it. */
static int key_field(const struct json_doc *doc, const char *path, const char *name, char **out)
{
	int i = json_get(doc, 0, name);
	if (i < 0)
		return error_setcode(PIPE_EUSAGE, "%s: no \"%s\": not a service account's key file "
		                     "(docs/bigquery.md says how to make one)", path, name);
	if (doc->toks[i].type != JSON_STRING || doc->toks[i].end == doc->toks[i].start) {
		int64_t line, col;
		json_tok_pos(doc, i, &line, &col);
		return error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: \"%s\" is not a non-empty string", path,
		                     (long long)line, (long long)col, name);
	}
	*out = secret_strdup(doc, i);
	return 0;
}

static int field_error(const struct json_doc *doc, const char *path, const char *name,
                       const char *what)
{
	int64_t line, col;
	json_tok_pos(doc, json_get(doc, 0, name), &line, &col);
	return error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: \"%s\": %s", path, (long long)line,
	                     (long long)col, name, what);
}

static int read_key_file(struct auth *a)
{
	struct buf text = BUF_INIT, sig = BUF_INIT;
	struct json_doc doc = {0};
	char *type = NULL;
	int error;

	if ((error = file_read(a->key_path, &text)) < 0) {
		error_prefix("the service account's key file: ");
		goto done;
	}
	if ((error = json_parse(&doc, buf_cstr(&text), text.len, a->key_path)) < 0)
		goto done;
	if (doc.toks[0].type != JSON_OBJECT) {
		error = error_setcode(PIPE_EUSAGE, "%s:1:1: not a service account's key file: "
		                      "expected a JSON object", a->key_path);
		goto done;
	}
	if ((error = key_field(&doc, a->key_path, "type", &type)) < 0)
		goto done;
	if (strcmp(type, "service_account")) {
		char *what = xasprintf("is \"%.40s\", not \"service_account\": pipe signs in as a "
		                       "service account only (docs/bigquery.md)", type);
		error = field_error(&doc, a->key_path, "type", what);
		free(what);
		goto done;
	}
	if ((error = key_field(&doc, a->key_path, "client_email", &a->email)) < 0 ||
	    (error = key_field(&doc, a->key_path, "private_key", &a->private_key)) < 0 ||
	    (error = key_field(&doc, a->key_path, "token_uri", &a->token_uri)) < 0)
		goto done;
	if (!str_starts(a->token_uri, "https://") && !str_starts(a->token_uri, "http://")) {
		error = field_error(&doc, a->key_path, "token_uri", "not an http or https URL");
		goto done;
	}
	/* a key that cannot sign fails here, with the file, not at the first query */
	if ((error = rs256_sign(a->private_key, strlen(a->private_key), "", 0, &sig)) < 0) {
		char *what = xstrdup(error_last());
		error = field_error(&doc, a->key_path, "private_key", what);
		free(what);
	}
done:
	wipe_buf(&text);
	buf_free(&sig);
	json_doc_free(&doc);
	free(type);
	return error;
}

int auth_open(struct auth **out, const char *key_path, const struct auth_options *opt)
{
	struct auth *a = xcalloc(1, sizeof(*a));
	int error = 0;

	*out = NULL;
	if (!key_path)
		key_path = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	if (!key_path || !*key_path) {
		free(a);
		return error_setcode(PIPE_EUSAGE, "GOOGLE_APPLICATION_CREDENTIALS is not set: it names "
		                     "the service account's key file (docs/bigquery.md)");
	}
	a->key_path = xstrdup(key_path);
	if (opt)
		a->opt = *opt;
	if (!a->opt.timeout_ms)
		a->opt.timeout_ms = 60000;
	if (!a->opt.retries)
		a->opt.retries = 4;
	else if (a->opt.retries < 0)
		a->opt.retries = 0;
	if (!a->opt.retry_delay_ms)
		a->opt.retry_delay_ms = 1000;
	if (!a->opt.retry_max_ms)
		a->opt.retry_max_ms = 60000;
	pthread_mutex_init(&a->lock, NULL);
	if ((error = read_key_file(a)) < 0) {
		auth_free(a);
		return error;
	}
	*out = a;
	return 0;
}

/* header.claims.signature, signed now. */
static int make_assertion(const struct auth *a, int64_t now, struct buf *jwt)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	struct buf claims = BUF_INIT, sig = BUF_INIT;
	int error;

	buf_puts(&claims, "{\"iss\":");
	buf_json_string(&claims, a->email);
	buf_puts(&claims, ",\"scope\":");
	buf_json_string(&claims, AUTH_SCOPE);
	buf_puts(&claims, ",\"aud\":");
	buf_json_string(&claims, a->token_uri);
	buf_printf(&claims, ",\"exp\":%lld,\"iat\":%lld}", (long long)(now + AUTH_ASSERTION_SECONDS),
	           (long long)now);
	base64url_add(jwt, header, strlen(header));
	buf_putc(jwt, '.');
	base64url_add(jwt, claims.data, claims.len);
	if ((error = rs256_sign(a->private_key, strlen(a->private_key), jwt->data, jwt->len, &sig)) < 0)
		goto done;
	buf_putc(jwt, '.');
	base64url_add(jwt, sig.data, sig.len);
done:
	buf_free(&claims);
	buf_free(&sig);
	return error;
}

/* The text of a string member of the reply, squeezed to one short line:
 * the endpoint's own words, for a message.  NULL when absent. */
static char *reply_text(const struct json_doc *doc, const char *key)
{
	int i = json_get(doc, 0, key);
	if (i < 0 || doc->toks[i].type != JSON_STRING)
		return NULL;
	char *s = json_strdup(doc, i);
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	char *out = str_squeeze(s);
	free(s);
	if (strlen(out) > 200)
		strcpy(out + 197, "...");
	return out;
}

/* Reads the token endpoint's reply into a->token and a->expires. */
static int read_reply(struct auth *a, struct http_reply *rep, int64_t now)
{
	struct json_doc doc = {0};
	char *err = NULL, *desc = NULL;
	int error, tok, exp;

	bool json = json_parse(&doc, buf_cstr(&rep->body), rep->body.len, a->token_uri) == 0 &&
	            doc.toks[0].type == JSON_OBJECT;
	if (rep->status != 200) {
		/* OAuth's error and error_description; any other body is left out,
		 * since nothing says it does not echo the request */
		struct buf msg = BUF_INIT;
		err = json ? reply_text(&doc, "error") : NULL;
		desc = err && json ? reply_text(&doc, "error_description") : NULL;
		buf_printf(&msg, "HTTP %ld", rep->status);
		if (err)
			buf_printf(&msg, ": %s%s%s", err, desc ? ": " : "", desc ? desc : "");
		if (rep->attempts > 1)
			buf_printf(&msg, " (gave up after %d attempts)", rep->attempts);
		if (err && !strcmp(err, "invalid_grant"))
			buf_puts(&msg, " (the endpoint refused the signed JWT: was the key deleted, "
			               "the account disabled? is this machine's clock right?)");
		error = error_set("%s", buf_cstr(&msg));
		buf_free(&msg);
		goto done;
	}
	if (!json) {
		error = error_set("the reply is not a JSON object");
		goto done;
	}
	tok = json_get(&doc, 0, "access_token");
	exp = json_get(&doc, 0, "expires_in");
	if (tok < 0 || doc.toks[tok].type != JSON_STRING || doc.toks[tok].end == doc.toks[tok].start) {
		error = error_set("the reply has no access_token");
		goto done;
	}
	if (exp < 0 || doc.toks[exp].type != JSON_INT) {
		error = error_set("the reply has no expires_in (seconds)");
		goto done;
	}
	wipe_free(a->token);
	a->token = secret_strdup(&doc, tok);
	a->expires = now + strtoll(doc.text + doc.toks[exp].start, NULL, 10);
	error = 0;
done:
	free(err);
	free(desc);
	json_doc_free(&doc);
	return error;
}

static int exchange(struct auth *a)
{
	struct buf jwt = BUF_INIT, form = BUF_INIT;
	struct http_reply rep = {0};
	int64_t now = time_wall_s();
	int error;

	if ((error = make_assertion(a, now, &jwt)) < 0)
		goto done;
	buf_puts(&form, "grant_type=");
	http_url_escape(&form, "urn:ietf:params:oauth:grant-type:jwt-bearer");
	buf_puts(&form, "&assertion=");
	http_url_escape(&form, buf_cstr(&jwt));
	struct http_request req = {
		.method = "POST",
		.url = a->token_uri,
		.display_url = a->token_uri,
		.body = form.data,
		.body_len = form.len,
		.content_type = "application/x-www-form-urlencoded",
		.ca_file = a->opt.ca_file,
		.timeout_ms = a->opt.timeout_ms,
		.connect_timeout_ms = a->opt.timeout_ms < 30000 ? a->opt.timeout_ms : 30000,
		.retries = a->opt.retries,
		.retry_delay_ms = a->opt.retry_delay_ms,
		.retry_max_ms = a->opt.retry_max_ms,
		.log = a->opt.log,
		.log_arg = a->opt.log_arg,
	};
	if ((error = http_request(&req, &rep)) < 0)
		goto done;
	if ((error = read_reply(a, &rep, now)) < 0)
		error_prefix("POST %s: ", a->token_uri);
done:
	if (error < 0)
		error_prefix("getting a token for %s: ", a->email);
	wipe_buf(&jwt);
	wipe_buf(&form);
	wipe_buf(&rep.body);
	http_reply_free(&rep);
	return error;
}

int auth_token(struct auth *a, char **token)
{
	int error = 0;
	*token = NULL;
	pthread_mutex_lock(&a->lock);
	if (!a->token || time_wall_s() >= a->expires - AUTH_RENEW_SECONDS)
		error = exchange(a);
	if (error == 0)
		*token = xstrdup(a->token);
	pthread_mutex_unlock(&a->lock);
	return error;
}

void auth_forget(struct auth *a, const char *refused)
{
	pthread_mutex_lock(&a->lock);
	if (a->token && !strcmp(a->token, refused)) {
		wipe_free(a->token);
		a->token = NULL;
	}
	pthread_mutex_unlock(&a->lock);
}

const char *auth_account(const struct auth *a) { return a->email; }

void auth_free(struct auth *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a->key_path);
	free(a->email);
	wipe_free(a->private_key);
	free(a->token_uri);
	wipe_free(a->token);
	free(a);
}
