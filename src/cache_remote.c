/* cache_remote: `pipe cache push DEST` and `pipe cache pull SRC`, between
 * the local cache (cache.c) and another: a directory in the same layout
 * (what CI systems save and restore between jobs), or an http(s):// URL
 * speaking the HTTP protocol of Bazel's remote cache, so that a team shares
 * one through a server it already has (bazel-remote, nginx with WebDAV):
 *
 *   HEAD URL/cas/<sha256>   is it there?  (200 yes, 404 no)
 *   GET  URL/cas/<sha256>   its bytes                  (same for ac/)
 *   PUT  URL/cas/<sha256>   store them
 *
 * Only what the other side lacks is sent: a directory is looked at, a
 * server asked with HEAD.  A server cannot be listed, so a pull from one
 * fetches what state/ records: each record's key entry and output tree
 * (ac/), then every file those trees name (cas/).  Objects move on
 * several threads at once, each whole: written under tmp/ and renamed, so
 * a transfer killed at any moment leaves nothing half-written, and running
 * it again resumes, skipping what arrived.  Every cas object is checked
 * against its name before it is stored, on either side.  A server's token
 * comes from $PIPE_CACHE_TOKEN (sent as a Bearer header, never stored). */
#include "cache_remote.h"
#include "cache.h"
#include "http.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRANSFER_THREADS 8

enum way { PUSH_DIR, PULL_DIR, PUSH_HTTP, PULL_HTTP };

struct transfer {
	enum way way;
	const char *local, *other; /* cache roots, or the other's URL */
	char **rels;
	size_t n, next;
	size_t sent, present, absent;
	uint64_t bytes;
	char *error; /* the first failure */
	pthread_mutex_t mu;
};

static bool is_url(const char *s) { return str_starts(s, "http://") || str_starts(s, "https://"); }

/* cas/ab/ab12... -> URL/cas/ab12... */
static char *object_url(const char *base, const char *rel)
{
	size_t n = strlen(base);
	const char *area_end = strchr(rel, '/');
	return xasprintf("%s%s%.*s/%s", base, n && base[n - 1] == '/' ? "" : "/",
	                 (int)(area_end - rel), rel, strrchr(rel, '/') + 1);
}

static void setup_request(struct http_request *r, const char *method, const char *url,
                          const char **auth)
{
	const char *token = getenv("PIPE_CACHE_TOKEN");
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->url = url;
	r->display_url = url;
	r->timeout_ms = 300000;
	r->connect_timeout_ms = 10000;
	r->retries = 3;
	r->retry_delay_ms = 200;
	r->retry_max_ms = 5000;
	if (token && *token) {
		r->headers = auth;
		r->nheaders = 1;
	}
}

/* One object; 1 when it was moved, 0 when the other side had it (or, for a
 * pull from a server, the server lacks it), < 0 on failure. */
static int move_one(struct transfer *t, const char *rel, uint64_t *bytes)
{
	const char *token = getenv("PIPE_CACHE_TOKEN");
	char *auth_header = token && *token ? xasprintf("Authorization: Bearer %s", token) : NULL;
	const char *auth[1] = {auth_header};
	char *src = NULL, *dest = NULL, *url = NULL;
	struct http_request r;
	struct http_reply reply = {0};
	struct buf body = BUF_INIT;
	int error = 0;

	switch (t->way) {
	case PUSH_DIR:
	case PULL_DIR:
		src = path_join(t->way == PUSH_DIR ? t->local : t->other, rel);
		dest = path_join(t->way == PUSH_DIR ? t->other : t->local, rel);
		if (path_exists(dest))
			break;
		if ((error = cache_copy_in(src, t->way == PUSH_DIR ? t->other : t->local, rel)) == 0) {
			struct stat st;
			*bytes = stat(dest, &st) == 0 ? (uint64_t)st.st_size : 0;
			error = 1;
		}
		break;
	case PUSH_HTTP:
		url = object_url(t->other, rel);
		setup_request(&r, "HEAD", url, auth);
		if ((error = http_request(&r, &reply)) < 0)
			break;
		if (reply.status == 200)
			break;
		if (reply.status != 404) {
			error = error_set("HEAD %s: HTTP %ld", url, reply.status);
			break;
		}
		http_reply_free(&reply);
		memset(&reply, 0, sizeof(reply));
		src = path_join(t->local, rel);
		if ((error = file_read(src, &body)) < 0)
			break;
		setup_request(&r, "PUT", url, auth);
		r.body = body.data ? body.data : "";
		r.body_len = body.len;
		if ((error = http_request(&r, &reply)) < 0)
			break;
		if (reply.status < 200 || reply.status > 299) {
			error = error_set("PUT %s: HTTP %ld", url, reply.status);
			break;
		}
		*bytes = body.len;
		error = 1;
		break;
	case PULL_HTTP:
		dest = path_join(t->local, rel);
		if (path_exists(dest))
			break;
		url = object_url(t->other, rel);
		setup_request(&r, "GET", url, auth);
		if ((error = http_request(&r, &reply)) < 0)
			break;
		if (reply.status == 404) {
			error = 2;
			break;
		}
		if (reply.status != 200) {
			error = error_set("GET %s: HTTP %ld", url, reply.status);
			break;
		}
		if ((error = cache_store_bytes(t->local, rel, reply.body.data ? reply.body.data : "",
		                               reply.body.len, url)) == 0) {
			*bytes = reply.body.len;
			error = 1;
		}
		break;
	}
	http_reply_free(&reply);
	buf_free(&body);
	free(auth_header);
	free(src);
	free(dest);
	free(url);
	return error;
}

static void *worker(void *arg)
{
	struct transfer *t = arg;
	for (;;) {
		uint64_t bytes = 0;
		pthread_mutex_lock(&t->mu);
		if (t->next >= t->n || t->error) {
			pthread_mutex_unlock(&t->mu);
			break;
		}
		const char *rel = t->rels[t->next++];
		pthread_mutex_unlock(&t->mu);
		int rc = move_one(t, rel, &bytes);
		if (rc == PIPE_ENOTFOUND) { /* a damaged object: never stored */
			fprintf(stderr, "pipe: %s\n", error_last());
			error_clear();
			rc = 2;
		}
		pthread_mutex_lock(&t->mu);
		if (rc < 0 && !t->error)
			t->error = xstrdup(error_last());
		else if (rc == 1)
			t->sent++, t->bytes += bytes;
		else if (rc == 2)
			t->absent++;
		else if (rc == 0)
			t->present++;
		pthread_mutex_unlock(&t->mu);
	}
	return NULL;
}

static int cmp_rel(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run(struct transfer *t)
{
	pthread_t threads[TRANSFER_THREADS];
	size_t nthreads = 0, kept = 0;
	/* once each: two outputs may hold the same file */
	if (t->n)
		qsort(t->rels, t->n, sizeof(char *), cmp_rel);
	for (size_t i = 0; i < t->n; i++) {
		if (kept && !strcmp(t->rels[kept - 1], t->rels[i]))
			free(t->rels[i]);
		else
			t->rels[kept++] = t->rels[i];
	}
	t->n = kept;
	/* a server's round trips overlap on many threads; a directory's copies
	 * are the CPU's (hashing) and the filesystem's, and more threads than
	 * cores only contend for the same directories */
	size_t most = TRANSFER_THREADS;
	if (t->way == PUSH_DIR || t->way == PULL_DIR) {
		int cpus = cpu_count();
		most = cpus < 2 ? 2 : cpus > TRANSFER_THREADS ? TRANSFER_THREADS : (size_t)cpus;
	}
	pthread_mutex_init(&t->mu, NULL);
	for (; nthreads < most && nthreads < t->n; nthreads++)
		pthread_create(&threads[nthreads], NULL, worker, t);
	for (size_t k = 0; k < nthreads; k++)
		pthread_join(threads[k], NULL);
	pthread_mutex_destroy(&t->mu);
	return t->error ? error_set("%s", t->error) : 0;
}

static void free_rels(struct transfer *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rels[i]);
	free(t->rels);
	t->rels = NULL;
	t->n = t->next = 0;
}

static void want(struct transfer *t, size_t *cap, const char *area, const struct hash *h)
{
	char hex[HASH_HEX_LEN + 1];
	hash_hex(h, hex);
	grow_array(&t->rels, cap, t->n + 1, sizeof(char *));
	t->rels[t->n++] = xasprintf("%s/%.2s/%s", area, hex, hex);
}

/* A server cannot be listed: what state/'s records need, in two rounds
 * (the trees name the files). */
static int pull_recorded(struct transfer *t, struct cache_transfer_stats *st)
{
	char *dir = path_join(PIPE_STATE_DIR, "targets");
	DIR *d = opendir(dir);
	struct dirent *e;
	struct hash *outputs = NULL;
	size_t nout = 0, capout = 0, cap = 0;
	int error = 0;

	while (d && (e = readdir(d))) {
		struct state_record rec;
		char *name;
		if (!str_ends(e->d_name, ".state"))
			continue;
		name = xstrndup(e->d_name, strlen(e->d_name) - strlen(".state"));
		state_record_init(&rec);
		if (state_read(PIPE_STATE_DIR, name, &rec) == 0 && !hash_is_zero(&rec.output)) {
			want(t, &cap, "ac", &rec.key);
			want(t, &cap, "ac", &rec.output);
			grow_array(&outputs, &capout, nout + 1, sizeof(*outputs));
			outputs[nout++] = rec.output;
		}
		error_clear();
		state_record_free(&rec);
		free(name);
	}
	if (d)
		closedir(d);
	if ((error = run(t)) < 0)
		goto done;
	st->sent += t->sent;
	st->present += t->present;
	st->bytes += t->bytes;
	free_rels(t);
	t->sent = t->present = t->absent = 0;
	t->bytes = 0;
	cap = 0;
	for (size_t i = 0; i < nout; i++) {
		struct cache_tree tree = {0};
		if (cache_read_tree(&outputs[i], &tree) < 0) {
			error_clear();
			st->absent++; /* the server lacks it: that output will be built */
			continue;
		}
		for (size_t k = 0; k < tree.n; k++)
			want(t, &cap, "cas", &tree.e[k].hash);
		cache_tree_free(&tree);
	}
	error = run(t);
	st->absent += t->absent;
done:
	free(outputs);
	free(dir);
	return error;
}

int cache_transfer(const char *other, bool push, struct cache_transfer_stats *st)
{
	struct transfer t;
	int error = 0;

	memset(&t, 0, sizeof(t));
	memset(st, 0, sizeof(*st));
	t.local = cache_root();
	t.other = other;
	t.way = is_url(other) ? (push ? PUSH_HTTP : PULL_HTTP) : (push ? PUSH_DIR : PULL_DIR);
	if (!is_url(other) && !push && !path_is_dir(other)) {
		error = error_set("%s: no such directory", other);
		goto done;
	}
	if (t.way == PULL_HTTP) {
		error = pull_recorded(&t, st);
	} else {
		if ((error = cache_list(push ? t.local : other, &t.rels, &t.n)) < 0 || (error = run(&t)) < 0)
			goto done;
	}
done:
	/* what a pull hashed on the way in, the build that follows need not
	 * hash again; a record not written only costs that */
	if (!push && cache_verified_save() < 0)
		error_clear();
	st->sent += t.sent;
	st->present += t.present;
	st->bytes += t.bytes;
	free_rels(&t);
	free(t.error);
	if (error < 0)
		error_prefix("pipe cache %s %s: ", push ? "push" : "pull", other);
	return error;
}
