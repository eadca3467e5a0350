/* auth.c against tests/servers/token_server.py, started here on 127.0.0.1 with the
 * public half of a key made here (openssl genpkey): the server verifies each
 * JWT's RS256 signature and claims as Google's token endpoint does, and logs
 * each request, so the tests count the exchanges.  A second key, which the
 * server does not know, stands for a deleted one. */
#include "auth.h"
#include "t.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define EMAIL "pipe-test@pipe-tests.iam.gserviceaccount.com"

static char tmp[256], root[4096];
static char *stderr_path; /* where stderr went during the tests */
static int port;
/* Everything pipe said: failures' messages, retry notes, stderr. */
static struct buf said = BUF_INIT;

static void collect_log(void *arg, const char *line)
{
	(void)arg;
	buf_printf(&said, "%s\n", line);
}

static char *tmp_path(const char *name) { return path_join(tmp, name); }

static int sh(const char *cmd)
{
	char *full = xasprintf("cd %s && { %s; } >/dev/null 2>&1", tmp, cmd);
	int rc = system(full);
	free(full);
	return rc;
}

/* Writes a key file as the Cloud console makes it, one member a line, with
 * the PEM key in tmp/pem_name and token_uri on the test server's path;
 * NULL leaves a field out.  Returns its path. */
static char *write_key(const char *name, const char *type, const char *pem_name,
                       const char *token_path)
{
	struct buf pem = BUF_INIT, json = BUF_INIT;
	char *pem_path = pem_name ? tmp_path(pem_name) : NULL, *path = tmp_path(name);
	if (pem_path && file_read(pem_path, &pem) < 0)
		buf_puts(&pem, pem_name); /* not a file: the text itself */
	buf_puts(&json, "{\n  \"type\": ");
	buf_json_string(&json, type);
	buf_puts(&json, ",\n  \"project_id\": \"pipe-tests\",\n  \"client_email\": \"" EMAIL "\",\n");
	if (pem_name) {
		buf_puts(&json, "  \"private_key\": ");
		buf_json_string(&json, buf_cstr(&pem));
		buf_puts(&json, ",\n");
	}
	buf_puts(&json, "  \"token_uri\": ");
	if (str_starts(token_path, "/"))
		buf_printf(&json, "\"http://127.0.0.1:%d%s\"", port, token_path);
	else
		buf_json_string(&json, token_path);
	buf_puts(&json, "\n}\n");
	file_write_atomic(path, json.data, json.len);
	free(pem_path);
	buf_free(&pem);
	buf_free(&json);
	return path;
}

static int open_key(struct auth **a, const char *pem_name, const char *token_path)
{
	struct auth_options opt = {.timeout_ms = 5000, .retries = 1, .retry_delay_ms = 10,
	                           .retry_max_ms = 1000, .log = collect_log};
	char *path = write_key("key.json", "service_account", pem_name, token_path);
	int rc = auth_open(a, path, &opt);
	free(path);
	if (rc < 0)
		buf_printf(&said, "%s\n", error_last());
	return rc;
}

/* auth_token, with a failure's message kept for the last test. */
static int token(struct auth *a, char **t)
{
	int rc = auth_token(a, t);
	if (rc < 0)
		buf_printf(&said, "%s\n", error_last());
	return rc;
}

/* How many requests the server got on path. */
static int requests(const char *path)
{
	struct buf log = BUF_INIT;
	char *p = tmp_path("requests.log"), *prefix = xasprintf("%s ", path);
	int n = 0;
	if (file_read(p, &log) == 0)
		for (char *line = log.data; line && *line; line = strchr(line, '\n') + 1) {
			n += str_starts(line, prefix);
			if (!strchr(line, '\n'))
				break;
		}
	free(p);
	free(prefix);
	buf_free(&log);
	return n;
}

static void token_then_cached(void)
{
	struct auth *a = NULL;
	char *t1 = NULL, *t2 = NULL;
	CHECK_OK(open_key(&a, "known.pem", "/token"));
	CHECK_STR(auth_account(a), EMAIL);
	CHECK_OK(token(a, &t1));
	CHECK_OK(token(a, &t2));
	auth_free(a);
	bool fresh = str_starts(t1, "ya29.test-"), same = !strcmp(t1, t2);
	free(t1);
	free(t2);
	CHECK(fresh);
	CHECK(same);
	CHECK_INT(requests("/token"), 1);
}

/* a token that expires within the renewal margin is not used again */
static void token_renewed_before_expiry(void)
{
	struct auth *a = NULL;
	char *t1 = NULL, *t2 = NULL;
	CHECK_OK(open_key(&a, "known.pem", "/token/short"));
	CHECK_OK(token(a, &t1));
	CHECK_OK(token(a, &t2));
	auth_free(a);
	bool differ = strcmp(t1, t2) != 0;
	free(t1);
	free(t2);
	CHECK(differ);
	CHECK_INT(requests("/token/short"), 2);
}

static void unknown_key_refused(void)
{
	struct auth *a = NULL;
	char *t = NULL;
	CHECK_OK(open_key(&a, "stranger.pem", "/token"));
	int rc = token(a, &t);
	auth_free(a);
	CHECK(rc < 0);
	CHECK(t == NULL);
	char *want = xasprintf("getting a token for " EMAIL ": POST http://127.0.0.1:%d/token: "
	                       "HTTP 400: invalid_grant: Invalid JWT Signature. (the endpoint "
	                       "refused the signed JWT: was the key deleted, the account disabled? "
	                       "is this machine's clock right?)", port);
	bool same = !strcmp(error_last(), want);
	free(want);
	CHECK(same);
}

static void retried_after_503(void)
{
	struct auth *a = NULL;
	char *t = NULL;
	CHECK_OK(open_key(&a, "known.pem", "/token/flaky"));
	CHECK_OK(token(a, &t));
	auth_free(a);
	free(t);
	CHECK_INT(requests("/token/flaky"), 2);
	CHECK(strstr(buf_cstr(&said), "/token/flaky: HTTP 503; retrying in"));
}

static void gives_up_after_retries(void)
{
	struct auth *a = NULL;
	char *t = NULL;
	CHECK_OK(open_key(&a, "known.pem", "/token/down"));
	CHECK(token(a, &t) < 0);
	auth_free(a);
	CHECK(str_ends(error_last(), "/token/down: HTTP 503: temporarily_unavailable (gave up after 2 attempts)"));
	CHECK_INT(requests("/token/down"), 2);
}

static void reply_without_token_or_expiry(void)
{
	struct auth *a = NULL;
	char *t = NULL;
	CHECK_OK(open_key(&a, "known.pem", "/token/empty"));
	CHECK(token(a, &t) < 0);
	auth_free(a);
	CHECK(str_ends(error_last(), "/token/empty: the reply has no access_token"));
	CHECK_OK(open_key(&a, "known.pem", "/token/noexpiry"));
	CHECK(token(a, &t) < 0);
	auth_free(a);
	CHECK(t == NULL);
	CHECK(str_ends(error_last(), "/token/noexpiry: the reply has no expires_in (seconds)"));
}

/* Opens a key file written as text; the message, with the path as KEY. */
static char *key_text_error(const char *text)
{
	char *path = tmp_path("bad.json");
	struct auth *a = NULL;
	file_write_atomic(path, text, strlen(text));
	int rc = auth_open(&a, path, NULL);
	auth_free(a);
	buf_printf(&said, "%s\n", error_last());
	struct buf msg = BUF_INIT;
	const char *m = error_last(), *at = strstr(m, path);
	if (rc == 0)
		buf_puts(&msg, "(opened)");
	else if (at) {
		buf_add(&msg, m, (size_t)(at - m));
		buf_puts(&msg, "KEY");
		buf_puts(&msg, at + strlen(path));
	} else
		buf_puts(&msg, m);
	free(path);
	return buf_detach(&msg);
}

/* Opens a key file made by write_key; the message, with the path as KEY. */
static char *key_error(const char *type, const char *pem_name, const char *token_uri)
{
	char *path = write_key("bad.json", type, pem_name, token_uri);
	struct buf text = BUF_INIT;
	file_read(path, &text);
	free(path);
	char *msg = key_text_error(buf_cstr(&text));
	buf_free(&text);
	return msg;
}

#define CHECK_MSG(expr, want)                  \
	do {                                   \
		char *t_m_ = (expr);           \
		bool t_same_ = !strcmp(t_m_, want); \
		if (!t_same_)                  \
			printf("# got: %s\n", t_m_); \
		free(t_m_);                    \
		CHECK(t_same_);                \
	} while (0)

static void bad_key_files(void)
{
	CHECK_MSG(key_text_error("{\"type\": "), "KEY:1:10: invalid JSON: unexpected end (at the end of the input)");
	CHECK_MSG(key_text_error("[]"), "KEY:1:1: not a service account's key file: expected a JSON object");
	CHECK_MSG(key_error("authorized_user", "known.pem", "/token"),
	          "KEY:2:12: \"type\": is \"authorized_user\", not \"service_account\": pipe signs in "
	          "as a service account only (docs/bigquery.md)");
	CHECK_MSG(key_error("service_account", NULL, "/token"),
	          "KEY: no \"private_key\": not a service account's key file (docs/bigquery.md says "
	          "how to make one)");
	CHECK_MSG(key_error("service_account", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n"
	                    "-----END PRIVATE KEY-----\n", "/token"),
	          "KEY:5:19: \"private_key\": the private key is not a PEM private key");
	CHECK_MSG(key_error("service_account", "known.pem", "ftp://oauth2.example/token"),
	          "KEY:6:17: \"token_uri\": not an http or https URL");
	CHECK_MSG(key_text_error("{\"type\": \"service_account\", \"client_email\": 7}"),
	          "KEY:1:45: \"client_email\" is not a non-empty string");
	struct auth *a = NULL;
	CHECK(auth_open(&a, "/nonexistent/key.json", NULL) < 0);
	CHECK_STR(error_last(), "the service account's key file: /nonexistent/key.json: No such file or directory");
}

static void key_from_environment(void)
{
	struct auth *a = NULL;
	char *t = NULL;
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	CHECK(auth_open(&a, NULL, NULL) == PIPE_EUSAGE);
	CHECK_STR(error_last(), "GOOGLE_APPLICATION_CREDENTIALS is not set: it names the service "
	                        "account's key file (docs/bigquery.md)");
	setenv("GOOGLE_APPLICATION_CREDENTIALS", "", 1); /* set empty is not set */
	CHECK(auth_open(&a, NULL, NULL) == PIPE_EUSAGE);
	CHECK(str_starts(error_last(), "GOOGLE_APPLICATION_CREDENTIALS is not set"));
	char *path = write_key("env.json", "service_account", "known.pem", "/token/env");
	setenv("GOOGLE_APPLICATION_CREDENTIALS", path, 1);
	free(path);
	CHECK_OK(auth_open(&a, NULL, NULL));
	int rc = token(a, &t);
	auth_free(a);
	free(t);
	CHECK_OK(rc);
	CHECK_INT(requests("/token/env"), 1);
}

/* No line of either key, no JWT and no token the server issued is in any
 * message, note or anything written to stderr by the tests above. */
static void no_secret_in_any_message(void)
{
	struct buf secrets = BUF_INIT, err = BUF_INIT;
	const char *files[] = {"known.pem", "stranger.pem", "requests.log"};
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *p = tmp_path(files[i]);
		file_read(p, &secrets);
		free(p);
	}
	file_read(stderr_path, &err);
	buf_puts(&said, buf_cstr(&err));
	buf_free(&err);
	int checked = 0;
	char *found = NULL;
	for (char *line = secrets.data; line && *line && !found; line = strchr(line, '\n') + 1) {
		char *end = strchr(line, '\n');
		char *s = xstrndup(line, end ? (size_t)(end - line) : strlen(line));
		/* a key's base64 lines, and the tokens in the server's log */
		char *tok = strstr(s, " ok ya29.");
		const char *secret = tok ? tok + 4 : str_starts(s, "-----") || strchr(s, ' ') ? NULL : s;
		if (secret && strlen(secret) >= 16) {
			checked++;
			if (strstr(buf_cstr(&said), secret))
				found = xstrdup(secret);
		}
		free(s);
		if (!end)
			break;
	}
	buf_free(&secrets);
	/* every JWT starts with the base64url of {"alg":"RS256" */
	bool jwt = strstr(buf_cstr(&said), "eyJhbGciOiJSUzI1NiI") != NULL;
	if (found) {
		printf("# found: %s\n", found);
		free(found);
		CHECK(!"a secret in a message");
	}
	CHECK(checked > 40);
	CHECK(!jwt);
	CHECK(strstr(buf_cstr(&said), "Invalid JWT Signature")); /* the failures were seen */
}

int main(void)
{
	if (!getcwd(root, sizeof(root)))
		return 1;
	snprintf(tmp, sizeof(tmp), "/tmp/pipe-test-auth-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	if (sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out known.pem && "
	       "openssl pkey -in known.pem -pubout -out known.pub && "
	       "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out stranger.pem") != 0) {
		printf("not ok keys: openssl genpkey failed\n");
		return 1;
	}
	char *cmd = xasprintf("sh %s/tests/servers/start token_server --pubkey known.pub --email " EMAIL
	                      " --log requests.log --lifetime 120", root);
	struct buf port_text = BUF_INIT;
	char *port_path = tmp_path("port");
	if (sh(cmd) == 0 && file_read(port_path, &port_text) == 0)
		port = atoi(buf_cstr(&port_text));
	free(cmd);
	free(port_path);
	buf_free(&port_text);
	if (!port) {
		printf("not ok server: could not start tests/servers/token_server.py\n");
		return 1;
	}
	/* what pipe writes to stderr is checked for secrets at the end */
	stderr_path = tmp_path("stderr");
	int saved = dup(2), fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);

	RUN(token_then_cached);
	RUN(token_renewed_before_expiry);
	RUN(unknown_key_refused);
	RUN(retried_after_503);
	RUN(gives_up_after_retries);
	RUN(reply_without_token_or_expiry);
	RUN(bad_key_files);
	RUN(key_from_environment);

	dup2(saved, 2);
	close(saved);
	RUN(no_secret_in_any_message);
	free(stderr_path);
	buf_free(&said);

	struct buf pid = BUF_INIT;
	char *pid_path = tmp_path("token_server.pid");
	if (file_read(pid_path, &pid) == 0 && atoi(buf_cstr(&pid)) > 0)
		kill(atoi(buf_cstr(&pid)), SIGTERM);
	free(pid_path);
	buf_free(&pid);
	rm_rf(tmp);
	T_DONE();
}
