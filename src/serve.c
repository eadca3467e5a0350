/* serve: `pipe serve`, a web page and a JSON API over the project, on
 * 127.0.0.1:8080 unless --listen says otherwise (docs/orchestration.md,
 * "pipe serve").  HTTP is libmicrohttpd's, loaded when serve starts: no
 * other command loads it.  What it answers comes from serve_data.c.
 *
 *   GET  /                          the page (HTML, CSS and script below)
 *   GET  /api/targets               every target: status and why, last run,
 *                                   hash, rows, bytes, schedule, DAG layer
 *   GET  /api/runs[?max=N]          the run history, newest first (runs.c)
 *   GET  /api/runs/ID               one run with each target's log
 *   GET  /api/builds/N?offset=K     a rebuild's output from byte K on
 *   POST /api/targets/NAME/rebuild  runs `pipe build --from NAME`
 *   GET  /reports/NAME/[FILE]       a report target's output
 *
 * Every request's Host must name this server (localhost, an IP address or
 * the --listen name, with its port), so that a page of another site cannot
 * read the API through a DNS name rebound to 127.0.0.1.  A POST carries the
 * token the page holds (X-Pipe-Token), random per process: another site can
 * neither read it nor send the header without CORS, which serve never
 * allows. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "serve_data.h"
#include "util.h"

#define SERVE_FUNCTIONS(X) \
	X(MHD_start_daemon) \
	X(MHD_stop_daemon) \
	X(MHD_lookup_connection_value) \
	X(MHD_create_response_from_buffer) \
	X(MHD_add_response_header) \
	X(MHD_queue_response) \
	X(MHD_destroy_response)

LIB_FUNCTIONS(SERVE_FUNCTIONS, mhd);

LIB_NOTE_DLOPEN("serve", "pipe serve: the local web page and JSON API", "suggested",
                LIBMICROHTTPD_SONAME);

#define DEFAULT_LISTEN "127.0.0.1:8080"

struct server {
	const struct serve_opts *o;
	char *host;     /* of --listen, as written (without brackets) */
	unsigned port;  /* as bound: --listen PORT 0 picks one */
	char token[33];
	char *page;     /* the page with the token in */
	struct serve_data *data;
};

/* ---- listening ---- */

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0". */
static int parse_listen(const char *s, char **host, char **port)
{
	const char *colon, *h = s, *h_end;
	if (s[0] == '[') {
		h = s + 1;
		h_end = strchr(h, ']');
		colon = h_end && h_end[1] == ':' ? h_end + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		h_end = colon;
		if (colon && memchr(s, ':', (size_t)(colon - s)))
			colon = NULL; /* an IPv6 address wants brackets */
	}
	if (!colon || h_end == h || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atoi(colon + 1) > 65535)
		return error_setcode(PIPE_EUSAGE, "pipe serve: --listen wants ADDR:PORT (127.0.0.1:8080, "
		                     "0.0.0.0:8080, [::1]:8080; port 0 picks a free one), not '%s'", s);
	*host = xstrndup(h, (size_t)(h_end - h));
	*port = xstrdup(colon + 1);
	return 0;
}

static int listen_on(const char *addr, char **host, unsigned *port, int *fd_out)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	char *portname = NULL;
	int error, fd = -1, gai, one = 1, why = 0;
	if ((error = parse_listen(addr, host, &portname)) < 0)
		return error;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((gai = getaddrinfo(*host, portname, &hints, &res)) != 0) {
		error = error_setcode(PIPE_EUSAGE, "pipe serve: --listen %s: %s", addr, gai_strerror(gai));
		goto done;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
			why = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0)
			break;
		why = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		error = error_set("pipe serve: cannot listen on %s: %s%s", addr, strerror(why),
		                  why == EADDRINUSE ? " (--listen with another port, or port 0 for any)" : "");
		goto done;
	}
	if (getsockname(fd, (struct sockaddr *)&bound, &len) == 0)
		*port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
		                                          : ((struct sockaddr_in *)&bound)->sin_port);
	*fd_out = fd;
done:
	if (res)
		freeaddrinfo(res);
	free(portname);
	return error;
}

/* The Host header names this server: localhost, an IP address or the
 * --listen name, and the port it listens on (none said means 80). */
static bool host_allowed(const struct server *s, const char *host)
{
	char name[256], addr[16];
	const char *end, *portp;
	size_t n;
	if (!host)
		return false;
	if (host[0] == '[') {
		if (!(end = strchr(host, ']')))
			return false;
		host++;
		portp = end[1] == ':' ? end + 2 : end[1] ? NULL : "80";
	} else {
		end = strchr(host, ':');
		portp = end ? end + 1 : "80";
		end = end ? end : host + strlen(host);
	}
	n = (size_t)(end - host);
	if (!portp || n == 0 || n >= sizeof(name) || strtoul(portp, NULL, 10) != s->port ||
	    strspn(portp, "0123456789") != strlen(portp))
		return false;
	memcpy(name, host, n);
	name[n] = 0;
	return str_eq_nocase(name, "localhost") || str_eq_nocase(name, s->host) ||
	       inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1;
}

static bool token_ok(const struct server *s, const char *given)
{
	unsigned char diff = 0;
	if (!given || strlen(given) != strlen(s->token))
		return false;
	for (size_t i = 0; given[i]; i++)
		diff |= (unsigned char)(given[i] ^ s->token[i]);
	return diff == 0;
}

/* ---- answers ---- */

/* The page's policy: its own script and styles, nothing fetched from elsewhere. */
#define PAGE_POLICY "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " \
	"connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

/* policy: the Content-Security-Policy, or NULL for none. */
static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               struct buf *body, const char *policy)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	buf_puts(body, ""); /* data non-NULL even when empty */
	len = body->len;
	r = mhd.MHD_create_response_from_buffer(len, buf_detach(body), MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO;
	mhd.MHD_add_response_header(r, "Content-Type", type);
	mhd.MHD_add_response_header(r, "Cache-Control", "no-store");
	mhd.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* no page of another site may frame this one and have its rebuild
	 * buttons clicked through a decoy */
	mhd.MHD_add_response_header(r, "X-Frame-Options", "DENY");
	if (policy)
		mhd.MHD_add_response_header(r, "Content-Security-Policy", policy);
	ret = mhd.MHD_queue_response(c, status, r);
	mhd.MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status, struct buf *body)
{
	return respond(c, status, "application/json", body, NULL);
}

static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"error\":");
	buf_json_string(&b, msg);
	buf_puts(&b, "}\n");
	return respond_json(c, status, &b);
}

static enum MHD_Result post_rebuild(struct server *s, struct MHD_Connection *c, const char *target)
{
	struct buf b = BUF_INIT;
	bool busy;
	int error;
	if ((error = serve_data_rebuild(s->data, target, &b, &busy)) < 0) {
		buf_free(&b);
		return respond_error(c, error == PIPE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
		                                                : MHD_HTTP_INTERNAL_SERVER_ERROR, error_last());
	}
	return respond_json(c, busy ? MHD_HTTP_CONFLICT : MHD_HTTP_ACCEPTED, &b);
}

static enum MHD_Result get_build(struct server *s, struct MHD_Connection *c, const char *id_text)
{
	const char *offset_text = mhd.MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "offset");
	struct buf b = BUF_INIT;
	if (serve_data_build(s->data, id_text, offset_text, &b) < 0) {
		buf_free(&b);
		return respond_error(c, MHD_HTTP_NOT_FOUND, error_last());
	}
	return respond_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result get_runs(struct MHD_Connection *c, const char *id)
{
	struct buf b = BUF_INIT;
	int error;
	if ((error = serve_data_runs(id, mhd.MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "max"),
	                             &b)) < 0) {
		buf_free(&b);
		return respond_error(c, error == PIPE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
		                                                : MHD_HTTP_INTERNAL_SERVER_ERROR, error_last());
	}
	return respond_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result get_report(struct server *s, struct MHD_Connection *c, const char *rest)
{
	struct buf b = BUF_INIT;
	const char *type;
	int error;
	if ((error = serve_data_report(s->data, rest, &b, &type)) < 0) {
		buf_free(&b);
		return respond_error(c, error == PIPE_ENOTFOUND ? MHD_HTTP_NOT_FOUND
		                                                : MHD_HTTP_INTERNAL_SERVER_ERROR, error_last());
	}
	/* a report is a page of its own origin ("sandbox"): whatever its
	 * tables hold, it can neither read the page's token nor call the API */
	return respond(c, MHD_HTTP_OK, type, &b, "sandbox");
}

/* ---- requests ---- */

static enum MHD_Result route(struct server *s, struct MHD_Connection *c, const char *url,
                             const char *method)
{
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
	struct buf b = BUF_INIT;
	int error;

	if (!host_allowed(s, mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
		return respond_error(c, MHD_HTTP_FORBIDDEN, "the Host header does not name this server "
		                     "(localhost, an IP address or the --listen name, and its port)");
	if (post) {
		const char *prefix = "/api/targets/", *suffix = "/rebuild";
		size_t n = strlen(url);
		if (!token_ok(s, mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Pipe-Token")))
			return respond_error(c, MHD_HTTP_FORBIDDEN, "a POST needs the page's token in X-Pipe-Token");
		if (str_starts(url, prefix) && str_ends(url, suffix) && n > strlen(prefix) + strlen(suffix)) {
			char *target = xstrndup(url + strlen(prefix), n - strlen(prefix) - strlen(suffix));
			enum MHD_Result ret = post_rebuild(s, c, target);
			free(target);
			return ret;
		}
		return respond_error(c, MHD_HTTP_NOT_FOUND, "no such resource");
	}
	if (!get)
		return respond_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and POST");
	if (!strcmp(url, "/")) {
		buf_puts(&b, s->page);
		return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, PAGE_POLICY);
	}
	if (!strcmp(url, "/api/targets")) {
		if ((error = serve_data_targets(s->data, &b)) < 0) {
			buf_free(&b);
			return respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, error_last());
		}
		return respond_json(c, MHD_HTTP_OK, &b);
	}
	if (!strcmp(url, "/api/runs") || str_starts(url, "/api/runs/"))
		return get_runs(c, url[strlen("/api/runs")] ? url + strlen("/api/runs/") : "");
	if (str_starts(url, "/api/builds/"))
		return get_build(s, c, url + strlen("/api/builds/"));
	if (str_starts(url, "/reports/"))
		return get_report(s, c, url + strlen("/reports/"));
	if (str_starts(url, "/api/targets/"))
		return respond_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "a rebuild is a POST");
	return respond_error(c, MHD_HTTP_NOT_FOUND, "no such resource");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
	static int seen;
	(void)version;
	(void)upload;
	/* the first call has the headers alone; a body, which no endpoint
	 * reads, comes in the calls after it */
	if (!*state) {
		*state = &seen;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	error_clear();
	return route(cls, c, url, method);
}

/* ---- the server ---- */

int serve_run(const struct serve_opts *o)
{
	char lib_error[256];
	struct server s = {.o = o};
	struct MHD_Daemon *d = NULL;
	unsigned char random[16];
	sigset_t stop, old;
	int error = 0, fd = -1, sig;

	if (LIB_OPEN(LIBMICROHTTPD_SONAME, mhd, lib_error, sizeof(lib_error)) < 0)
		return error_set("pipe serve: %s (apt-get install libmicrohttpd12)", lib_error);
	s.data = serve_data_new(o);
	if ((error = listen_on(o->listen ? o->listen : DEFAULT_LISTEN, &s.host, &s.port, &fd)) < 0)
		goto done;
	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random)) {
		error = error_set("pipe serve: no random bytes for the token: %s", strerror(errno));
		goto done;
	}
	for (size_t k = 0; k < sizeof(random); k++)
		sprintf(s.token + 2 * k, "%02x", random[k]);
	s.page = serve_data_page(s.token);

	/* blocked here, so in the server's thread too: sigwait takes them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	d = mhd.MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, on_request, &s,
	                         MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	                         MHD_OPTION_END);
	if (!d) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		error = error_set("pipe serve: libmicrohttpd did not start");
		goto done;
	}
	fd = -1; /* the daemon's now */
	printf("pipe serve: http://%s%s%s:%u/ (Ctrl-C stops it)\n", strchr(s.host, ':') ? "[" : "",
	       s.host, strchr(s.host, ':') ? "]" : "", s.port);
	fflush(stdout);
	sigwait(&stop, &sig);
	mhd.MHD_stop_daemon(d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	printf("pipe serve: stopped\n");
done:
	if (fd >= 0)
		close(fd);
	serve_data_free(s.data);
	free(s.page);
	free(s.host);
	return error;
}
