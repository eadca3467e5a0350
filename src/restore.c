/* restore: outputs brought back from the cache (cache.c) as a commit of
 * state/ recorded them.
 *
 * `pipe restore [REV]` reads REV's records, and for each target of the DAG
 * files whose output is not already what its record says, checks that the
 * cache holds every object first (anything missing is listed and nothing
 * changes), then puts each output in place as a build publishes one: built
 * whole under targets/.tmp/<pid>, every file checked against its hash,
 * then swapped onto its path.  Then REV's records become state/'s and are
 * committed, so the next build starts from them.  The index is brought up
 * to date as a build leaves it: each placed file's hash (checked as it was
 * placed) under its published stat data, and each target's entry from its
 * new record, so the next build hashes none of what was restored.
 *
 * `pipe query --at REV` needs REV's tables only, and never touches
 * targets/: each table REV recorded is placed, as links to the cache's
 * files, in a scratch directory that is the warehouse for that one query. */
#include "restore.h"
#include "build.h"
#include "cache.h"
#include "history.h"
#include "index.h"
#include "kind.h"
#include "plan.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct records {
	struct state_record *r;
	size_t n, cap;
};

static int collect(void *ctx, const char *path, const char *text)
{
	struct records *l = ctx;
	int error;
	grow_array(&l->r, &l->cap, l->n + 1, sizeof(*l->r));
	state_record_init(&l->r[l->n]);
	if ((error = state_parse(text, path, &l->r[l->n])) < 0)
		return error;
	l->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The records in state/targets/ as they are, in the order of a commit's
 * tree. */
static int records_now(struct records *recs)
{
	DIR *d = opendir(PIPE_STATE_DIR "/targets");
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int error = 0;
	if (!d)
		return 0; /* no records yet */
	while ((e = readdir(d)))
		if (str_ends(e->d_name, ".state") && e->d_name[0] != '.') {
			grow_array(&names, &cap, n + 1, sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct buf text = BUF_INIT;
		char *rel = xasprintf("targets/%s", names[i]), *path = path_join(PIPE_STATE_DIR, rel);
		if (error == 0 && (error = file_read(path, &text)) == 0)
			error = collect(recs, rel, buf_cstr(&text));
		buf_free(&text);
		free(rel);
		free(path);
		free(names[i]);
	}
	free(names);
	return error;
}

/* REV's records.  Without a REV, HEAD's: read from state/ itself when no
 * build or restore is between noting its records and committing them (then
 * state/ holds HEAD's records exactly), so that a restore with nothing to
 * commit needs no libgit2, whose loading costs more than the rest of a
 * small restore. */
static int records_at(const char *rev, struct records *recs, char commit_id[41])
{
	if (!rev && !history_uncommitted(PIPE_STATE_DIR) && history_head_id(PIPE_STATE_DIR, commit_id))
		return records_now(recs);
	return history_records_at(PIPE_STATE_DIR, rev ? rev : "HEAD", collect, recs, commit_id);
}

static void records_free(struct records *l)
{
	for (size_t i = 0; i < l->n; i++)
		state_record_free(&l->r[i]);
	free(l->r);
}

static int node_of(const struct graph *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->nodes[i].t->name, name))
			return (int)i;
	return -1;
}

/* Whether the record in state/ is this one, byte for byte. */
static bool record_is(const struct state_record *r)
{
	struct state_record now;
	struct buf a = BUF_INIT, b = BUF_INIT;
	bool same = false;
	state_record_init(&now);
	if (state_read(PIPE_STATE_DIR, r->target, &now) == 0 && state_format(&now, &a) == 0 &&
	    state_format(r, &b) == 0)
		same = a.len == b.len && !memcmp(a.data, b.data, a.len);
	error_clear();
	state_record_free(&now);
	buf_free(&a);
	buf_free(&b);
	return same;
}

struct placed_file {
	char *rel; /* below the output: "" for an output that is one file */
	struct stat st;
	struct hash hash;
};

struct placed_files {
	struct placed_file *f;
	size_t n, cap;
	size_t root_len; /* of the path the output was placed at */
};

/* The outputs to restore are put together under tmpdir by two threads, a
 * target at a time each: checking a file is reading and hashing it, one
 * core's work, and a table's bytes are mostly one file (at 2M rows, two
 * tables of 80-100 MB).  They are then swapped in one by one, in order. */
struct placing {
	const struct records *recs;
	const bool *todo;
	const char *tmpdir;
	int *errors;     /* per record: what cache_restore returned */
	char **messages; /* and its message */
	struct placed_files *files; /* per record: what cache_restore placed */
	size_t next;     /* the next record to take, atomically */
};

/* cache_restore's callback: a file placed and checked, for the index. */
static int note_placed(void *ctx, const char *path, const struct stat *st, const struct hash *h)
{
	struct placed_files *pf = ctx;
	grow_array(&pf->f, &pf->cap, pf->n + 1, sizeof(*pf->f));
	pf->f[pf->n].rel = xstrdup(path + pf->root_len);
	pf->f[pf->n].st = *st;
	pf->f[pf->n].hash = *h;
	pf->n++;
	return 0;
}

static void placed_files_free(struct placed_files *pf)
{
	for (size_t i = 0; i < pf->n; i++)
		free(pf->f[i].rel);
	free(pf->f);
}

/* The index's entries for an output just swapped in at out: stat again, as
 * a rename moves a file output's ctime and a link made for another output
 * sharing an object moves its inode's; a file that is not the one placed
 * is left out (the next build hashes it). */
static void index_placed(struct index *ix, const char *out, const struct placed_files *pf)
{
	index_forget(ix, out);
	for (size_t k = 0; k < pf->n; k++) {
		char *path = xasprintf("%s%s", out, pf->f[k].rel);
		struct stat now;
		if (stat(path, &now) == 0 && now.st_ino == pf->f[k].st.st_ino &&
		    now.st_size == pf->f[k].st.st_size)
			index_file_put(ix, path, &now, &pf->f[k].hash);
		free(path);
	}
}

static void *place_outputs(void *arg)
{
	struct placing *pl = arg;
	size_t k;
	while ((k = __atomic_fetch_add(&pl->next, 1, __ATOMIC_RELAXED)) < pl->recs->n) {
		if (!pl->todo[k])
			continue;
		char *tmp = path_join(pl->tmpdir, pl->recs->r[k].target);
		pl->files[k].root_len = strlen(tmp);
		if ((pl->errors[k] = cache_restore(&pl->recs->r[k].output, tmp, note_placed, &pl->files[k])) < 0)
			pl->messages[k] = xstrdup(error_last());
		free(tmp);
	}
	return NULL;
}

static void place_all(struct placing *pl)
{
	pthread_t other;
	bool started = pthread_create(&other, NULL, place_outputs, pl) == 0;
	place_outputs(pl);
	if (started)
		pthread_join(other, NULL);
}

/* record k's placing, its error set again in this thread */
static int placed(const struct placing *pl, size_t k)
{
	return pl->errors[k] < 0 ? error_setcode(pl->errors[k], "%s", pl->messages[k]) : 0;
}

int restore_run(const struct graph *g, const char *rev, bool list_only)
{
	struct placing pl = {0};
	struct records recs = {0};
	struct index *ix = NULL;
	struct plan p;
	struct buf missing = BUF_INIT, message = BUF_INIT;
	char commit_id[41] = "", *tmpdir = NULL;
	const char **paths = NULL;
	bool *todo = NULL;
	size_t npaths = 0, nmissing = 0, restored = 0, same = 0;
	int lock_fd = -1, error;

	memset(&p, 0, sizeof(p));
	if ((error = build_lock(&lock_fd)) < 0 || (error = rm_rf(PIPE_TARGETS_DIR "/.tmp")) < 0 ||
	    (error = records_at(rev, &recs, commit_id)) < 0 ||
	    (error = index_load(&ix, PIPE_INDEX_PATH)) < 0 ||
	    (error = plan_init(&p, g, ix, PIPE_STATE_DIR)) < 0)
		goto done;

	/* what is to be done, and whether the cache has all of it, before
	 * anything changes */
	todo = xcalloc(recs.n + 1, sizeof(bool));
	for (size_t k = 0; k < recs.n; k++) {
		const struct state_record *r = &recs.r[k];
		int i = node_of(g, r->target);
		struct hash now;
		if (i < 0) {
			printf("%s: not in the DAG files: left alone\n", r->target);
			continue;
		}
		if (hash_is_zero(&r->output))
			continue; /* never built successfully at rev */
		if (index_hash_path(ix, p.outputs[i], &now) == 0 && hash_eq(&now, &r->output)) {
			same++;
			continue;
		}
		error_clear();
		todo[k] = true;
		size_t before = missing.len;
		size_t n = cache_missing(&r->output, &missing);
		nmissing += n;
		/* each line names its target */
		if (n) {
			struct buf named = BUF_INIT;
			for (char *line = missing.data + before, *nl; *line; line = nl + 1) {
				nl = strchr(line, '\n');
				buf_printf(&named, "%s: %.*s\n", r->target, (int)(nl - line), line);
			}
			missing.len = before;
			buf_add(&missing, named.data, named.len);
			buf_free(&named);
		}
	}
	if (nmissing || list_only) {
		fwrite(missing.data ? missing.data : "", 1, missing.len, stdout);
		if (list_only) {
			printf("pipe restore: the cache lacks %zu object%s of %.12s\n", nmissing,
			       nmissing == 1 ? "" : "s", commit_id);
			error = nmissing ? 1 : 0;
		} else {
			error = error_set("the cache (%s) lacks %zu object%s of %.12s, listed above: nothing "
			                  "was restored (pipe cache pull fetches them)", cache_root(), nmissing,
			                  nmissing == 1 ? "" : "s", commit_id);
		}
		goto done;
	}

	/* the records this restore writes, noted before it writes any, as a
	 * build does: a restore killed before its commit loses none */
	paths = xcalloc(recs.n + 1, sizeof(char *));
	for (size_t k = 0; k < recs.n; k++)
		if (node_of(g, recs.r[k].target) >= 0 && !record_is(&recs.r[k]))
			paths[npaths++] = state_path(recs.r[k].target);
	if (npaths && (error = history_begin(PIPE_STATE_DIR, paths, npaths)) < 0)
		goto done;
	tmpdir = xasprintf(PIPE_TARGETS_DIR "/.tmp/%ld", (long)getpid());
	if ((error = mkdir_p(tmpdir)) < 0)
		goto done;
	pl.recs = &recs;
	pl.todo = todo;
	pl.tmpdir = tmpdir;
	pl.errors = xcalloc(recs.n + 1, sizeof(*pl.errors));
	pl.messages = xcalloc(recs.n + 1, sizeof(*pl.messages));
	pl.files = xcalloc(recs.n + 1, sizeof(*pl.files));
	place_all(&pl);
	for (size_t k = 0; k < recs.n && error == 0; k++) {
		const struct state_record *r = &recs.r[k];
		int i = node_of(g, r->target);
		if (todo[k]) {
			char *tmp = path_join(tmpdir, r->target), *slash;
			char *parent = xstrdup(p.outputs[i]);
			if ((slash = strrchr(parent, '/')))
				*slash = '\0';
			const struct target *t = g->nodes[i].t;
			if ((error = placed(&pl, k)) == 0 &&
			    (!slash || (error = mkdir_p(parent)) == 0) &&
			    (error = path_replace(tmp, p.outputs[i])) == 0 &&
			    (!t->kind->restored || (error = t->kind->restored(t, p.outputs[i])) == 0)) {
				char hex[HASH_HEX_LEN + 1];
				index_placed(ix, p.outputs[i], &pl.files[k]);
				hash_hex(&r->output, hex);
				printf("%s: restored (output %.12s)\n", r->target, hex);
				buf_printf(&message, "%s: restored (output %.12s)\n", r->target, hex);
				restored++;
			}
			free(tmp);
			free(parent);
			if (error < 0)
				error_prefix("%s: ", r->target);
		}
		if (error == 0 && i >= 0 && !record_is(r)) {
			struct index_target last;
			if ((error = state_write(PIPE_STATE_DIR, r)) == 0) {
				plan_record_to_last(r, g->nodes[i].t, &last);
				index_target_put(ix, r->target, &last);
			}
		}
	}
	rm_rf(tmpdir);
	rmdir(PIPE_TARGETS_DIR "/.tmp");
	if (restored || npaths) {
		/* what was placed before an error is in the index too: the
		 * index only says what the files on disk hash to */
		int rc = index_save(ix, PIPE_INDEX_PATH);
		if (rc < 0 && error == 0)
			error = rc;
	}
	if (npaths) {
		struct buf msg = BUF_INIT;
		bool committed;
		int rc;
		buf_printf(&msg, "pipe restore: targets as at %.12s (%s)\n\n%s", commit_id, rev ? rev : "HEAD",
		           buf_cstr(&message));
		rc = history_commit_paths(PIPE_STATE_DIR, msg.data, paths, npaths, &committed);
		buf_free(&msg);
		if (rc < 0 && error == 0)
			error = rc;
	}
	if (error == 0)
		printf("pipe restore: %zu restored, %zu already as at %.12s\n", restored, same, commit_id);
done:
	for (size_t k = 0; pl.messages && k < recs.n; k++) {
		free(pl.messages[k]);
		placed_files_free(&pl.files[k]);
	}
	free(pl.files);
	free(pl.messages);
	free(pl.errors);
	for (size_t k = 0; k < npaths; k++)
		free((char *)paths[k]);
	free(paths);
	free(todo);
	free(tmpdir);
	plan_free(&p);
	index_free(ix);
	records_free(&recs);
	buf_free(&missing);
	buf_free(&message);
	if (lock_fd >= 0)
		close(lock_fd);
	return error;
}

int restore_tables_at(const char *rev, const char *dir)
{
	struct records recs = {0};
	struct buf missing = BUF_INIT;
	char commit_id[41];
	size_t nmissing = 0;
	int error;

	if ((error = history_records_at(PIPE_STATE_DIR, rev, collect, &recs, commit_id)) < 0)
		goto done;
	for (size_t k = 0; k < recs.n; k++)
		if (!strcmp(recs.r[k].kind, "table") && !hash_is_zero(&recs.r[k].output))
			nmissing += cache_missing(&recs.r[k].output, &missing);
	if (nmissing) {
		error = error_set("the cache (%s) lacks %zu object%s of the tables at %.12s (`pipe "
		                  "restore --missing %s` lists them)", cache_root(), nmissing,
		                  nmissing == 1 ? "" : "s", commit_id, rev);
		goto done;
	}
	if ((error = mkdir_p(dir)) < 0)
		goto done;
	for (size_t k = 0; k < recs.n && error == 0; k++) {
		const struct state_record *r = &recs.r[k];
		if (strcmp(r->kind, "table") || hash_is_zero(&r->output))
			continue;
		char *path = path_join(dir, r->target);
		error = cache_restore(&r->output, path, NULL, NULL);
		free(path);
	}
done:
	if (error < 0)
		error_prefix("pipe query --at %s: ", rev);
	records_free(&recs);
	buf_free(&missing);
	return error;
}
