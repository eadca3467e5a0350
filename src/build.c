/* build: runs the stale targets of a plan in dependency order.
 *
 * The main thread schedules and records; -j worker threads run one
 * target's kind each.  A target builds into targets/.tmp/<pid>/<name> and
 * is renamed onto its output path only when its kind succeeded, so a failed
 * or killed build leaves the previous output as it was.  A target whose
 * inputs were all rebuilt with unchanged content is not rebuilt (early
 * cutoff): its key, computed again once its inputs are settled, is the same.
 * After the build the changed state records are committed to state/ as one
 * commit whose message says what was rebuilt and why, with the build's run
 * (runs.c): what each target did and said. */
#include "build.h"
#include "cache.h"
#include "history.h"
#include "http.h"
#include "index.h"
#include "kind.h"
#include "plan.h"
#include "retry.h"
#include "runs.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum node_state { N_WAITING, N_READY, N_RUNNING, N_DONE, N_FAILED, N_SKIPPED };

/* Records between the publish of their output and their rename into state/
 * (the steps in docs/architecture.md). */
#define PIPE_PENDING_DIR ".pipe/pending"

struct hashed_file {
	char *rel; /* below the output root; "" for a file output */
	struct stat st;
	struct hash hash;
};

/* A file the kind hashed as it wrote it (ctx.hasher), with its stat then:
 * one changed since is read after all. */
struct written_file {
	char *path;
	struct stat st;
	struct hash hash;
};

struct job {
	int node;
	struct build_ctx ctx;
	const char **inputs, **input_targets;
	struct hash *input_hashes;
	char *tmp; /* targets/.tmp/<pid>/<name>: $out */
	int rc;
	char *error;
	struct hash output;
	struct hashed_file *files;
	size_t nfiles, capfiles;
	struct file_hasher hasher; /* ctx.hasher */
	struct written_file *written;
	size_t nwritten, capwritten;
	uint64_t bytes;
	int64_t started, finished;
	double ms;
	struct state_record rec, prev;
	bool have_prev;
	/* restored from the cache, not built: the record of the build
	 * whose output it is (an earlier build with the same key, or the
	 * target's own record when only the output went missing) */
	struct state_record *restore_from;
	bool restored;
	bool record_kept; /* restored as its record says: the record stays */
	int attempts;
	struct run_log log; /* what the target said, for its run */
	struct job *next;
};

struct engine {
	const struct graph *g;
	const struct build_opts *o;
	struct plan plan;
	struct index *ix;
	enum node_state *state;
	bool *built_now; /* ran a job in this build */
	bool *restored_now; /* of those, restored from the cache */
	int *pending;
	int *ready;
	size_t nready, ready_head;
	size_t total, started, rebuilt, restored, cutoff, failed, unchanged;
	bool stop, tty;
	/* targets/.tmp/<pid>: this build's scratch space, removed at its end;
	 * what a killed build leaves there the next build removes */
	char *tmpdir;
	char run[48]; /* this build's run id, in every record it writes */
	/* the run's file (runs.c): each node's part, status NULL when it has
	 * none; written at the start, as targets finish and at the end */
	struct run_target *in_run;
	struct run_log *run_logs;
	int64_t run_start;
	double run_t0, run_saved_at, run_save_ms;
	bool run_written;
	size_t recorded; /* targets whose record this build changed */
	/* every stale target is expected back from the cache as its record
	 * says: state/'s repository is opened only if a record changes */
	bool restore_only;
	/* the state repository's check, left to run while the first jobs
	 * build (check_state); a killed build's run to mark once it passes;
	 * the length of the list of records to commit before this build's */
	bool check_later, check_failed, killed_earlier;
	size_t noted_before;
	/* when we took the build lock: a git lock file in state/ older than
	 * this, that no process has open, is a killed build's */
	struct timespec locked_at;
	struct buf message; /* the commit message's body */

	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	/* todo holds up to -j jobs beyond the -j running, so that a worker
	 * whose job ends takes the next at once, without waiting for the main
	 * thread to record the one that ended; halt (a failure without -k)
	 * stops the workers taking them, and the main thread takes them back */
	struct job *todo, *done;
	bool quit, halt;
	int running; /* jobs running or in todo */
	int *children;
	size_t nchildren, capchildren;
	pthread_mutex_t out_mu;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
	http_interrupt(sig);
}

/* Output: plain lines when not a terminal; on a terminal the last line is
 * a status line that is redrawn. */
static void say(struct engine *e, const char *fmt, ...) PIPE_PRINTF(2, 3);
static void say(struct engine *e, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&e->out_mu);
	if (e->tty)
		fputs("\r\033[K", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&e->out_mu);
}

/* Redrawn at most ten times a second: it walks every node. */
static void status_line(struct engine *e)
{
	static double last;
	struct buf b = BUF_INIT;
	double now = time_now_ms();
	if (!e->tty || now - last < 100)
		return;
	last = now;
	buf_printf(&b, "[%zu/%zu] building:", e->started - (size_t)e->running, e->total);
	for (size_t i = 0; i < e->g->n; i++)
		if (e->state[i] == N_RUNNING)
			buf_printf(&b, " %s", e->g->nodes[i].t->name);
	pthread_mutex_lock(&e->out_mu);
	printf("\r\033[K%.*s", 120, b.data);
	fflush(stdout);
	pthread_mutex_unlock(&e->out_mu);
	buf_free(&b);
}

static void ctx_log(struct build_ctx *ctx, const char *fmt, ...)
{
	struct engine *e = ctx->engine;
	/* the job's own: the worker running it is the only writer */
	struct job *j = (struct job *)((char *)ctx - offsetof(struct job, ctx));
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	run_log_printf(&j->log, "%s", buf_cstr(&b));
	if (ctx->verbose)
		say(e, "  %s: %s", ctx->target->name, buf_cstr(&b));
	buf_free(&b);
}

static void ctx_child(struct build_ctx *ctx, int pid, bool running)
{
	struct engine *e = ctx->engine;
	pthread_mutex_lock(&e->mu);
	if (running) {
		grow_array(&e->children, &e->capchildren, e->nchildren + 1, sizeof(int));
		e->children[e->nchildren++] = pid;
	} else {
		for (size_t i = 0; i < e->nchildren; i++)
			if (e->children[i] == pid)
				e->children[i] = e->children[--e->nchildren];
	}
	pthread_mutex_unlock(&e->mu);
}

static void add_file(struct job *j, const char *path, const struct stat *st, const struct hash *h)
{
	grow_array(&j->files, &j->capfiles, j->nfiles + 1, sizeof(*j->files));
	j->files[j->nfiles].rel = xstrdup(path + strlen(j->tmp));
	j->files[j->nfiles].st = *st;
	j->files[j->nfiles].hash = *h;
	j->nfiles++;
	j->bytes += (uint64_t)st->st_size;
}

static void *written_start(void *arg)
{
	(void)arg;
	return hasher_new();
}

static void written_update(void *hash, const void *p, size_t n) { hasher_update(hash, p, n); }

/* In the job's thread, as the kind's writer closes a file. */
static void written_done(void *arg, void *hash, const char *path)
{
	struct job *j = arg;
	struct written_file f;
	hasher_final(hash, &f.hash);
	if (!path || stat(path, &f.st) < 0)
		return;
	f.path = xstrdup(path);
	grow_array(&j->written, &j->capwritten, j->nwritten + 1, sizeof(*j->written));
	j->written[j->nwritten++] = f;
}

static void forget_written(struct job *j)
{
	for (size_t k = 0; k < j->nwritten; k++)
		free(j->written[k].path);
	j->nwritten = 0;
}

/* The hash of path's bytes as they were last written, if they are still
 * the same file, of the same size and time.  A kind may write a path more
 * than once (a load merges its first table into a second one there): the
 * newest file is the one that counts. */
static const struct hash *written_hash(const struct job *j, const char *path, const struct stat *st)
{
	for (size_t k = j->nwritten; k-- > 0;) {
		const struct written_file *f = &j->written[k];
		if (!strcmp(f->path, path))
			return f->st.st_dev == st->st_dev && f->st.st_ino == st->st_ino &&
			               f->st.st_size == st->st_size && f->st.st_mtim.tv_sec == st->st_mtim.tv_sec &&
			               f->st.st_mtim.tv_nsec == st->st_mtim.tv_nsec
			           ? &f->hash
			           : NULL;
	}
	return NULL;
}

/* A built file is hashed as it was written (written_hash) or else read
 * once; then put in the cache (a reflink or a link: not read again), then
 * stat again, since a link moves its ctime and the index must hold the
 * stat the output will have. */
static int record_file(void *arg, const char *path, const struct stat *st, struct hash *out)
{
	struct job *j = arg;
	const struct hash *written = written_hash(j, path, st);
	struct stat now;
	int error;
	if (written)
		*out = *written;
	else if ((error = hash_file(path, out)) < 0)
		return error;
	if ((error = cache_put_file(path, out)) < 0)
		return error;
	if (stat(path, &now) < 0)
		return error_set("%s: %s", path, strerror(errno));
	add_file(j, path, &now, out);
	return 0;
}

static int restored_file(void *arg, const char *path, const struct stat *st, const struct hash *h)
{
	add_file(arg, path, st, h);
	return 0;
}

/* The output's list of files, for a later restore. */
static int put_tree(struct job *j)
{
	struct cache_tree t = {0};
	int error;
	for (size_t k = 0; k < j->nfiles; k++)
		cache_tree_add(&t, j->files[k].rel, &j->files[k].hash, j->files[k].st.st_mode);
	error = cache_put_tree(&j->output, &t);
	cache_tree_free(&t);
	return error;
}

/* Puts the output of the build that restore_from records at j->tmp; on
 * failure (a damaged or missing object) says why, and the target is built. */
static bool restore(struct job *j)
{
	const struct state_record *from = j->restore_from;
	if (cache_restore(&from->output, j->tmp, restored_file, j) < 0) {
		fprintf(stderr, "pipe: %s: %s; building it\n", j->ctx.target->name, error_last());
		error_clear();
		for (size_t k = 0; k < j->nfiles; k++)
			free(j->files[k].rel);
		j->nfiles = 0;
		j->bytes = 0;
		return false;
	}
	j->output = from->output;
	j->rec.rows = from->rows;
	for (size_t k = 0; k < from->nfields; k++)
		state_field_set(&j->rec, from->fields[k].key, from->fields[k].value);
	return true;
}

static char *parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path)) : NULL;
}

/* Tests kill pipe at a named step (PIPE_CRASH_AT=after-publish) to see
 * that every instant leaves each target old or new (docs/architecture.md). */
static const char *crash_at;

static void crash_point(const char *step)
{
	if (crash_at && !strcmp(crash_at, step))
		raise(SIGKILL);
}

static char *pending_path(const struct job *j)
{
	return xasprintf(PIPE_PENDING_DIR "/%ld-%d.state", (long)getpid(), j->node);
}

/* The one place a built output becomes the target's output: renamed onto
 * its path (a directory swapped in whole), its new record written to
 * .pipe/pending first.  Until that record is renamed into state/, the output
 * and the pending record say the same hash: a build killed in between is
 * finished by the next one (build_finish_pending).  A content-addressed cache of
 * outputs hooks in here. */
static int publish(struct job *j)
{
	struct buf text = BUF_INIT;
	char *pending = pending_path(j);
	int error;

	crash_point("before-pending");
	/* a record kept as it is already says this output: nothing to finish */
	if (!j->record_kept &&
	    ((error = state_format(&j->rec, &text)) < 0 || (error = mkdir_p(PIPE_PENDING_DIR)) < 0 ||
	     (error = file_write_atomic(pending, text.data, text.len)) < 0))
		goto done;
	crash_point("before-publish");
	/* on failure the pending record stays: the output may have been
	 * swapped in before the error, and the next build tells by its hash */
	if ((error = path_replace(j->tmp, j->ctx.final_out)) < 0)
		goto done;
	crash_point("after-publish");
done:
	buf_free(&text);
	free(pending);
	return error;
}

/* The record goes into state/: a published job's pending record is that
 * record, byte for byte, so it is renamed there rather than written again
 * (a file created and one deleted fewer per target: on ext4 without a
 * journal, every create scans the inodes freed in the last minute).  Where
 * the rename cannot be done (state/ elsewhere, its directory still to be
 * made), the record is written and the pending one removed. */
static int record_published(struct job *j)
{
	char *pending = NULL, *rel = NULL, *path = NULL;
	int error = 0;
	if (j->record_kept)
		return 0;
	if (!j->ctx.unchanged) {
		pending = pending_path(j);
		rel = state_path(j->rec.target);
		path = path_join(PIPE_STATE_DIR, rel);
		if (rename(pending, path) == 0)
			goto done;
	}
	if ((error = state_write(PIPE_STATE_DIR, &j->rec)) == 0 && pending)
		unlink(pending);
done:
	free(pending);
	free(rel);
	free(path);
	return error;
}

static void first_line(struct buf *b, const char *s);
static void print_output(struct engine *e, struct job *j);

/* One attempt: the kind builds into tmp, which is then hashed. */
static int attempt(struct job *j, int64_t timeout_s)
{
	const struct target *t = j->ctx.target;
	int error;
	j->ctx.deadline_ms = timeout_s > 0 ? time_now_ms() + (double)timeout_s * 1e3 : 0;
	if ((error = t->kind->build(&j->ctx)) < 0)
		return error;
	/* a kind that cannot stop midway (a load) is still held to it */
	if (j->ctx.deadline_ms > 0 && time_now_ms() > j->ctx.deadline_ms)
		return error_set("timed out after %s (timeout = %s)", target_value(t, "timeout"),
		                 target_value(t, "timeout"));
	if (j->ctx.unchanged)
		return 0;
	if (!path_exists(j->tmp))
		return error_set("%s did not write its output ($out)", t->name);
	return hash_path(j->tmp, record_file, j, &j->output);
}

/* What a failed attempt leaves goes before the next: its scratch output,
 * what it printed (shown now), the fields it set in the record. */
static void reset_attempt(struct engine *e, struct job *j)
{
	print_output(e, j);
	buf_clear(&j->ctx.output);
	rm_rf(j->tmp);
	for (size_t k = 0; k < j->nfiles; k++)
		free(j->files[k].rel);
	j->nfiles = 0;
	j->bytes = 0;
	forget_written(j);
	j->ctx.unchanged = false;
	state_record_free(&j->rec);
	state_record_init(&j->rec);
	j->rec.rows = -1;
}

/* Waits s seconds, in slices so that an interrupted build stops waiting. */
static void retry_sleep(double s)
{
	double end = time_now_ms() + s * 1e3, left;
	while (!interrupted && (left = end - time_now_ms()) > 0) {
		if (left > 100)
			left = 100;
		struct timespec ts = {0, (long)(left * 1e6)};
		nanosleep(&ts, NULL);
	}
}

/* In a worker thread: the attempts (retries = N), each into tmp; a failed
 * one leaves nothing behind, and the last failure is the target's. */
static void run_job(struct job *j)
{
	struct engine *e = j->ctx.engine;
	const struct target *t = j->ctx.target;
	const char *final = j->ctx.final_out;
	char *dir = parent_dir(final);
	struct retry_policy rp;
	int error = 0, n;

	retry_policy(t, &rp);
	j->started = time_wall_s();
	double t0 = time_now_ms();
	if (dir && (error = mkdir_p(dir)) < 0)
		goto done;
	if (j->restore_from && (j->restored = restore(j)))
		goto done;
	for (n = 1;; n++) {
		if ((error = attempt(j, rp.timeout_s)) >= 0 || n > rp.retries || interrupted)
			break;
		double wait = retry_wait_s(&rp, n);
		struct buf why = BUF_INIT;
		first_line(&why, error_last());
		run_log_add(&j->log, j->ctx.output.data, j->ctx.output.len);
		run_log_printf(&j->log, "attempt %d of %d failed: %s; retrying in %.1f s", n, rp.retries + 1,
		               error_last(), wait);
		reset_attempt(e, j);
		say(e, "  %s: attempt %d/%d failed: %s; retrying in %.1f s", t->name, n, rp.retries + 1,
		    buf_cstr(&why), wait);
		buf_free(&why);
		error_clear();
		retry_sleep(wait);
	}
	j->attempts = n;
	run_log_add(&j->log, j->ctx.output.data, j->ctx.output.len);
	if (n > 1) {
		char attempts[16];
		snprintf(attempts, sizeof(attempts), "%d", n);
		state_field_set(&j->rec, "attempts", attempts);
	}
	/* into the cache as it was hashed: a file put there is never read back */
	if (error >= 0 && !j->ctx.unchanged)
		error = put_tree(j);
done:
	if (error < 0) {
		j->error = xstrdup(error_last());
		rm_rf(j->tmp);
	}
	j->rc = error;
	j->ms = time_now_ms() - t0;
	j->finished = time_wall_s();
	free(dir);
}

static void *worker(void *arg)
{
	struct engine *e = arg;
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while ((!e->todo || e->halt) && !e->quit)
			pthread_cond_wait(&e->work_cv, &e->mu);
		if (e->quit)
			break;
		struct job *j = e->todo;
		e->todo = j->next;
		pthread_mutex_unlock(&e->mu);
		run_job(j);
		pthread_mutex_lock(&e->mu);
		if (j->rc < 0 && !e->o->keep_going)
			e->halt = true;
		j->next = e->done;
		e->done = j;
		pthread_cond_signal(&e->done_cv);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

static void push_ready(struct engine *e, int i)
{
	e->state[i] = N_READY;
	e->ready[e->nready++] = i;
}

/* A node finished one way or another: its users may be ready now. */
static void release(struct engine *e, int i)
{
	const struct node *nd = &e->g->nodes[i];
	for (size_t k = 0; k < nd->nusers; k++) {
		int u = nd->users[k];
		if (e->state[u] == N_WAITING && --e->pending[u] == 0)
			push_ready(e, u);
	}
}

static struct job *new_job(struct engine *e, int i)
{
	const struct node *nd = &e->g->nodes[i];
	struct job *j = xcalloc(1, sizeof(*j));
	j->node = i;
	j->inputs = xcalloc(nd->ninputs + 1, sizeof(char *));
	j->input_targets = xcalloc(nd->ninputs + 1, sizeof(char *));
	j->input_hashes = xcalloc(nd->ninputs + 1, sizeof(struct hash));
	for (size_t k = 0; k < nd->ninputs; k++) {
		int dep = nd->inputs[k].target;
		j->inputs[k] = dep >= 0 ? e->plan.outputs[dep] : nd->inputs[k].name;
		j->input_targets[k] = dep >= 0 ? nd->inputs[k].name : NULL;
		/* the plan hashed every input to decide; the stat cache answers */
		if (dep >= 0)
			j->input_hashes[k] = e->plan.t[dep].output;
		else if (index_hash_path(e->ix, nd->inputs[k].name, &j->input_hashes[k]) < 0)
			error_clear();
	}
	j->tmp = path_join(e->tmpdir, nd->t->name);
	if (state_read(PIPE_STATE_DIR, nd->t->name, &j->prev) == 0)
		j->have_prev = true;
	else
		error_clear();
	j->rec.rows = -1;
	j->hasher = (struct file_hasher){written_start, written_update, written_done, j};
	j->ctx = (struct build_ctx){
		.target = nd->t,
		.inputs = j->inputs,
		.input_targets = j->input_targets,
		.input_hashes = j->input_hashes,
		.ninputs = nd->ninputs,
		.out = j->tmp,
		.final_out = e->plan.outputs[i],
		.output_hash = e->plan.t[i].have_output ? &e->plan.t[i].output : NULL,
		.warehouse = e->o->warehouse,
		.prev = j->have_prev ? &j->prev : NULL,
		.rec = &j->rec,
		.verbose = e->o->verbose,
		.full_refresh = e->o->full_refresh,
		.checks_only = e->plan.t[i].reason == REASON_CHECKS,
		.log = ctx_log,
		.child = ctx_child,
		.hasher = &j->hasher,
		.engine = e,
	};
	return j;
}

static void free_job(struct job *j)
{
	for (size_t k = 0; k < j->nfiles; k++)
		free(j->files[k].rel);
	free(j->files);
	forget_written(j);
	free(j->written);
	free(j->inputs);
	free(j->input_targets);
	free(j->input_hashes);
	free(j->tmp);
	free(j->error);
	buf_free(&j->ctx.output);
	run_log_free(&j->log);
	state_record_free(&j->rec);
	state_record_free(&j->prev);
	if (j->restore_from)
		state_record_free(j->restore_from);
	free(j->restore_from);
	free(j);
}

/* The engine's part of a job's fresh record, for a success; the kind
 * filled its own (rows, fields). */
static void fill_record(struct engine *e, struct job *j, struct state_record *r)
{
	const struct node *nd = &e->g->nodes[j->node];
	struct hash *hashes, recipe;
	const char **keys;
	size_t n;

	/* only the output went missing: the record stays as it was, so a
	 * fresh clone that restores what state/ recorded commits nothing */
	if (j->restored && j->have_prev && j->restore_from->run && j->prev.run &&
	    !strcmp(j->restore_from->run, j->prev.run) && hash_eq(&j->restore_from->output, &j->prev.output)) {
		state_record_free(r);
		state_record_copy(r, &j->prev);
		j->record_kept = true;
		return;
	}
	r->target = xstrdup(nd->t->name);
	r->kind = xstrdup(nd->t->kind->name);
	plan_recipe(nd->t, &recipe, &hashes, &keys, &n);
	for (size_t k = 0; k < n; k++)
		state_recipe_set(r, keys[k], &hashes[k]);
	free(hashes);
	free(keys);
	for (size_t k = 0; k < nd->ninputs; k++)
		state_input_add(r, nd->inputs[k].name, &j->input_hashes[k]);
	r->key = e->plan.t[j->node].key;
	r->output = j->output;
	r->bytes = j->ctx.unchanged && j->have_prev ? j->prev.bytes : j->bytes;
	if (j->ctx.unchanged && j->have_prev && r->rows < 0)
		r->rows = j->prev.rows;
	r->started = j->started;
	r->finished = j->finished;
	r->duration_ms = j->ms;
	free(r->status);
	r->status = xstrdup("ok");
	free(r->run);
	r->run = xstrdup(e->run);
}

static void first_line(struct buf *b, const char *s)
{
	const char *nl = strchr(s, '\n');
	buf_add(b, s, nl ? (size_t)(nl - s) : strlen(s));
}

static void print_output(struct engine *e, struct job *j)
{
	if (!j->ctx.output.len)
		return;
	pthread_mutex_lock(&e->out_mu);
	if (e->tty)
		fputs("\r\033[K", stdout);
	fwrite(j->ctx.output.data, 1, j->ctx.output.len, stdout);
	if (j->ctx.output.data[j->ctx.output.len - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&e->out_mu);
}

/* A later build with the same key restores this output, when the kind
 * says its output is its key's alone (kind->pure). */
static int put_key(struct engine *e, struct job *j)
{
	const struct target *t = e->g->nodes[j->node].t;
	if (!t->kind->pure || !t->kind->pure(t))
		return 0;
	return cache_put_key(&j->rec.key, &j->rec);
}

/* What a stale target can be restored from, rather than built: its own
 * record, when only its output is missing (any kind: a snapshot comes
 * back as the state recorded it); else, for a kind whose output is its
 * key's alone, the record of an earlier build with this key.  Never when
 * forced or with --full-refresh, or when time (every, cron) or a failure is
 * why it is stale: then it must run; nor for an output changed by hand, which may be the cache's
 * own object, edited through a hard link (cache.c). */
static struct state_record *restorable(struct engine *e, int i, const struct job *j)
{
	const struct target_plan *tp = &e->plan.t[i];
	const struct target *t = e->g->nodes[i].t;
	struct state_record *from;
	if (e->o->full_refresh)
		return NULL;
	from = xcalloc(1, sizeof(*from));
	state_record_init(from);
	if (tp->reason == REASON_OUTPUT_MISSING && j->have_prev && hash_eq(&j->prev.key, &tp->key) &&
	    !hash_is_zero(&j->prev.output)) {
		state_record_copy(from, &j->prev);
		return from;
	}
	if ((tp->reason == REASON_NEVER_BUILT || tp->reason == REASON_RECIPE || tp->reason == REASON_INPUT ||
	     tp->reason == REASON_OUTPUT_MISSING) &&
	    t->kind->pure && t->kind->pure(t) && cache_get_key(&tp->key, from) == 0)
		return from;
	error_clear();
	state_record_free(from);
	free(from);
	return NULL;
}

/* Whether every stale selected target is to come back from the cache as
 * its record says, which leaves every record as it is (a fresh clone after
 * `pipe state pull`): only its output is missing, its last build succeeded
 * and, unless an input is still to be restored, its key is the record's
 * (-B makes a target REASON_FORCED). */
static bool restores_only(const struct engine *e, const bool *selected)
{
	if (e->o->full_refresh || history_uncommitted(PIPE_STATE_DIR))
		return false;
	for (size_t i = 0; i < e->g->n; i++) {
		const struct target_plan *tp = &e->plan.t[i];
		struct index_target last;
		if (!selected[i] || !plan_stale(&e->plan, i))
			continue;
		if (tp->have_output || !plan_last(&e->plan, i, &last) || last.status != INDEX_OK ||
		    (tp->reason != REASON_UPSTREAM &&
		     (tp->reason != REASON_OUTPUT_MISSING || !hash_eq(&tp->key, &last.key))))
			return false;
	}
	return true;
}

/* A node's part in the run; the job's log and error move there. */
static void run_part(struct engine *e, int i, const char *status, struct job *j)
{
	struct run_target *rt = &e->in_run[i];
	rt->name = e->g->nodes[i].t->name;
	rt->status = status;
	if (!j)
		return;
	rt->attempts = j->attempts;
	rt->duration_ms = j->ms;
	free((char *)rt->error);
	rt->error = j->error;
	j->error = NULL;
	run_log_free(&e->run_logs[i]);
	e->run_logs[i] = j->log;
	memset(&j->log, 0, sizeof(j->log));
	rt->log = &e->run_logs[i];
}

/* Writes the run as it stands.  As targets finish it is written again, so
 * that a killed build leaves its run as far as it got: after each of the
 * first RUN_SAVE_EACH, then at most every RUN_SAVE_MS and with at most a
 * tenth of the time going to it.  A run of 10,000 targets would otherwise
 * write its file thousands of times, each write a file created and one
 * freed; a killed build's records are in state/ whatever its run says. */
enum { RUN_SAVE_EACH = 64, RUN_SAVE_MS = 250 };
static int save_run(struct engine *e, const char *result, bool ended)
{
	double t0 = time_now_ms();
	struct run_target *parts;
	size_t n = 0;
	int error;
	if (!ended && e->run_written && e->started > RUN_SAVE_EACH &&
	    (t0 - e->run_saved_at < RUN_SAVE_MS || t0 - e->run_saved_at < 10 * e->run_save_ms))
		return 0;
	/* until it changes a record, a restore-only build's run is removed
	 * at its end (end_run), and a killed one changed nothing */
	if (!ended && e->restore_only && !e->recorded)
		return 0;
	parts = xcalloc(e->g->n + 1, sizeof(*parts));
	for (size_t k = 0; k < e->g->n; k++) {
		int i = e->g->order[k];
		if (e->in_run[i].status)
			parts[n++] = e->in_run[i];
		else if (e->state[i] == N_RUNNING) /* a killed build's run says what it was doing */
			parts[n++] = (struct run_target){.name = e->g->nodes[i].t->name, .status = "running"};
	}
	struct run_file r = {
		.id = e->run,
		.trigger = e->o->trigger ? e->o->trigger : "manual",
		.result = result,
		.start = e->run_start,
		.end = ended ? time_wall_s() : 0,
		.duration_ms = t0 - e->run_t0,
		.targets = parts,
		.ntargets = n,
	};
	if ((error = runs_write(PIPE_STATE_DIR, &r)) == 0)
		e->run_written = true;
	free(parts);
	e->run_saved_at = time_now_ms();
	e->run_save_ms = e->run_saved_at - t0;
	return error;
}

/* The run's last write, and the runs past the bound (RUNS_KEEP newest,
 * RUNS_KEEP_DAYS) go in the same commit.  A build that changed no record
 * (it put back outputs as state/ recorded them: a fresh clone and the
 * cache) is not a run, as a no-op build is not: it leaves no file. */
static int end_run(struct engine *e, const char *result)
{
	struct buf pruned = BUF_INIT, removed = BUF_INIT;
	const char **paths = NULL;
	size_t n = 0;
	int error, count;
	if (!e->recorded && !interrupted && strcmp(result, "error")) {
		char *rel = runs_path(e->run), *path = path_join(PIPE_STATE_DIR, rel);
		unlink(path);
		e->run_written = false;
		free(rel);
		free(path);
		return 0;
	}
	if ((error = save_run(e, result, true)) < 0)
		return error;
	int64_t older = e->run_start - (int64_t)RUNS_KEEP_DAYS * 86400;
	if ((error = count = runs_prune(PIPE_STATE_DIR, RUNS_KEEP, older, e->run, true, &pruned)) <= 0)
		goto done;
	paths = xcalloc((size_t)count, sizeof(char *));
	for (char *p = pruned.data, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		paths[n++] = p;
	}
	if ((error = history_begin(PIPE_STATE_DIR, paths, n)) == 0)
		error = runs_prune(PIPE_STATE_DIR, RUNS_KEEP, older, e->run, false, &removed);
done:
	free(paths);
	buf_free(&pruned);
	buf_free(&removed);
	return error < 0 ? error : 0;
}

/* On the main thread: record what a job did. */
static int finish_job(struct engine *e, struct job *j)
{
	int i = j->node;
	const struct target *t = e->g->nodes[i].t;
	struct target_plan *tp = &e->plan.t[i];
	const char *why = reason_text(tp);
	struct index_target it = {0};
	bool have_last = plan_last(&e->plan, i, &it);
	int error = 0;

	e->running--;
	print_output(e, j);
	if (j->rc == 0) {
		if (j->ctx.unchanged)
			j->output = it.output;
		fill_record(e, j, &j->rec);
		if (!j->ctx.unchanged && (error = put_key(e, j)) == 0 && (error = publish(j)) == 0 &&
		    j->restored && t->kind->restored && t->kind->restored(t, j->ctx.final_out) < 0) {
			/* the output is in place: only what lies beside it is not */
			fprintf(stderr, "pipe: %s: %s\n", t->name, error_last());
			error_clear();
		}
		if (error < 0) {
			j->rc = error;
			j->error = xstrdup(error_last());
			rm_rf(j->tmp);
			state_record_free(&j->rec);
			error = 0;
		}
	}
	if (j->rc < 0) {
		/* keep the last success's key and hashes: its output is still there */
		struct state_record *r = &j->prev;
		if (!j->have_prev) {
			r = &j->rec;
			r->target = xstrdup(t->name);
			r->kind = xstrdup(t->kind->name);
		}
		free(r->status);
		free(r->error);
		free(r->run);
		r->run = xstrdup(e->run);
		r->status = xstrdup("failed");
		r->error = xstrdup(j->error);
		r->started = j->started;
		r->finished = j->finished;
		r->duration_ms = j->ms;
		if (r != &j->rec) { /* what the failed run kept: a command's last lines */
			state_field_set(r, "output_tail", state_field(&j->rec, "output_tail"));
			state_field_set(r, "attempts", state_field(&j->rec, "attempts"));
		}
		if ((error = state_write(PIPE_STATE_DIR, r)) < 0)
			return error;
		it.status = INDEX_FAILED;
		index_target_put(e->ix, t->name, &it);
		e->state[i] = N_FAILED;
		e->failed++;
		e->recorded++;
		say(e, "FAILED %s: %s", t->name, j->error);
		buf_printf(&e->message, "%s: failed: ", t->name);
		first_line(&e->message, j->error);
		buf_putc(&e->message, '\n');
		run_part(e, i, "failed", j);
		if (!e->o->keep_going)
			e->stop = true;
		return 0;
	}

	if (j->ctx.unchanged) {
		e->unchanged++;
	} else {
		/* a directory's old entries go: its files may be gone (a file
		 * output's one entry is simply overwritten) */
		if (j->nfiles != 1 || j->files[0].rel[0] != '\0')
			index_forget(e->ix, e->plan.outputs[i]);
		for (size_t k = 0; k < j->nfiles; k++) {
			char *p = xasprintf("%s%s", e->plan.outputs[i], j->files[k].rel);
			struct stat *st = &j->files[k].st, now;
			/* the rename moved a file output's ctime, and nothing else */
			if (!j->files[k].rel[0] && stat(p, &now) == 0 && now.st_ino == st->st_ino &&
			    now.st_size == st->st_size && now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
			    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec)
				st->st_ctim = now.st_ctim;
			index_file_put(e->ix, p, st, &j->files[k].hash);
			free(p);
		}
		if (!j->restored && have_last && hash_eq(&j->output, &it.output))
			e->unchanged++;
	}
	if ((error = record_published(j)) < 0)
		return error;
	crash_point("after-record");

	it.key = tp->key;
	it.recipe = tp->recipe;
	it.output = j->output;
	it.finished = j->finished;
	it.status = INDEX_OK;
	index_target_put(e->ix, t->name, &it);
	tp->output = j->output;
	tp->have_output = true;
	plan_set_last(&e->plan, i, &it);
	buf_printf(&e->message, "%s: %s (%s)%s\n", t->name, j->restored ? "restored from cache" : "rebuilt",
	           why, j->ctx.unchanged ? ", source unchanged" : "");
	free(tp->why);
	tp->why = NULL;
	tp->reason = REASON_FRESH;
	e->state[i] = N_DONE;
	if (j->restored) {
		e->restored_now[i] = true;
		e->restored++;
	} else {
		e->rebuilt++;
	}
	run_part(e, i, j->restored ? "restored" : "built", j);
	if (!j->record_kept)
		e->recorded++;
	return 0;
}

static bool input_failed(struct engine *e, int i, const char **which)
{
	const struct node *nd = &e->g->nodes[i];
	for (size_t k = 0; k < nd->ninputs; k++) {
		int dep = nd->inputs[k].target;
		if (dep >= 0 && (e->state[dep] == N_FAILED || e->state[dep] == N_SKIPPED)) {
			*which = nd->inputs[k].name;
			return true;
		}
	}
	return false;
}

/* Takes ready nodes: fresh ones are done at once, stale ones become jobs. */
static int schedule(struct engine *e, int jobs)
{
	int error, ahead = jobs > 1 ? jobs : 0;
	while (e->ready_head < e->nready && e->running < jobs + ahead && !e->stop) {
		int i = e->ready[e->ready_head++];
		const char *failed_input;
		if (input_failed(e, i, &failed_input)) {
			e->state[i] = N_SKIPPED;
			say(e, "skipped %s: input %s failed", e->g->nodes[i].t->name, failed_input);
			run_part(e, i, "skipped", NULL);
			release(e, i);
			continue;
		}
		bool was_upstream = e->plan.t[i].reason == REASON_UPSTREAM;
		if ((error = plan_target(&e->plan, i)) < 0)
			return error;
		if (!plan_stale(&e->plan, i)) {
			/* counted in the total from the start, which stays fixed: it
			 * takes its number, as a target that ran would */
			if (was_upstream) {
				e->cutoff++;
				e->started++;
				say(e, "[%zu/%zu] %s: up to date (early cutoff: its inputs were rebuilt unchanged)",
				    e->started, e->total, e->g->nodes[i].t->name);
				run_part(e, i, "satisfied", NULL);
			}
			e->state[i] = N_DONE;
			release(e, i);
			continue;
		}
		struct job *j = new_job(e, i);
		e->state[i] = N_RUNNING;
		e->built_now[i] = true;
		e->started++;
		e->running++;
		j->restore_from = restorable(e, i, j);
		say(e, "[%zu/%zu] %s: %s%s", e->started, e->total, e->g->nodes[i].t->name,
		    reason_text(&e->plan.t[i]), j->restore_from ? ", restored from cache" : "");
		pthread_mutex_lock(&e->mu);
		j->next = NULL;
		struct job **tail = &e->todo;
		while (*tail)
			tail = &(*tail)->next;
		*tail = j;
		pthread_cond_signal(&e->work_cv);
		pthread_mutex_unlock(&e->mu);
	}
	return 0;
}

/* The build stops: the jobs no worker took yet are not started (their
 * [k/N] line, said when they were queued, is followed by this one). */
static void unqueue(struct engine *e)
{
	struct job *j, *next;
	pthread_mutex_lock(&e->mu);
	e->halt = true;
	j = e->todo;
	e->todo = NULL;
	pthread_mutex_unlock(&e->mu);
	for (; j; j = next) {
		next = j->next;
		/* after a failed state check the error says why, whether or
		 * not a worker had taken the job */
		if (!e->check_failed)
			say(e, "not started %s: the build stops", e->g->nodes[j->node].t->name);
		e->state[j->node] = N_READY;
		e->built_now[j->node] = false;
		e->started--;
		e->running--;
		free_job(j);
	}
}

/* A build killed between publishing an output and moving its record into
 * state/ left the record in .pipe/pending.  When the output is the one the
 * record names, the publish happened: the record goes into state/ (history
 * noted it before the build, so the next commit takes it).  Otherwise the
 * output was never replaced and the record goes.  Called under the lock. */
int build_finish_pending(const struct graph *g, const struct plan *p, struct index *ix)
{
	DIR *dir = opendir(PIPE_PENDING_DIR);
	struct dirent *de;
	int error = 0;

	if (!dir)
		return 0;
	while (error == 0 && (de = readdir(dir))) {
		struct state_record rec;
		struct buf text = BUF_INIT;
		struct hash out;
		char *path;
		int i = -1;

		if (!str_ends(de->d_name, ".state"))
			continue;
		state_record_init(&rec);
		path = path_join(PIPE_PENDING_DIR, de->d_name);
		if (file_read(path, &text) < 0 || state_parse(buf_cstr(&text), path, &rec) < 0) {
			error_clear(); /* written whole or not at all: a temp file's rest */
			goto next;
		}
		for (size_t k = 0; k < g->n && i < 0; k++)
			if (!strcmp(g->nodes[k].t->name, rec.target))
				i = (int)k;
		if (i < 0 || index_hash_path(ix, p->outputs[i], &out) < 0) {
			error_clear();
			goto next;
		}
		if (hash_eq(&out, &rec.output)) {
			if ((error = state_write(PIPE_STATE_DIR, &rec)) < 0)
				goto next;
			fprintf(stderr, "pipe: recorded %s, whose output a killed build had published\n",
			        rec.target);
		}
	next:
		if (error == 0)
			unlink(path);
		free(path);
		buf_free(&text);
		state_record_free(&rec);
	}
	closedir(dir);
	if (error == 0)
		error = rm_rf(PIPE_PENDING_DIR);
	return error;
}

static void kill_children(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	for (size_t k = 0; k < e->nchildren; k++)
		kill(-e->children[k], SIGTERM);
	pthread_mutex_unlock(&e->mu);
}

static int take_lock(bool no_wait, int *fd_out)
{
	int fd, error = 0;
	char pid[32] = "";
	if ((error = mkdir_p(".pipe")) < 0)
		return error;
	fd = open(PIPE_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return error_set("cannot open %s: %s", PIPE_LOCK_PATH, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		str_trim(pid);
		if (no_wait) {
			close(fd);
			return error_setcode(PIPE_ELOCKED,
			                     "another build of this project is running (pid %s); "
			                     "wait for it, or run without --no-wait to queue",
			                     pid[0] ? pid : "?");
		}
		fprintf(stderr, "pipe: waiting for another build of this project (pid %s)\n",
		        pid[0] ? pid : "?");
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR) {
				close(fd);
				return error_set("cannot lock %s: %s", PIPE_LOCK_PATH, strerror(errno));
			}
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) < 0)
		error_clear();
	*fd_out = fd;
	return 0;
}

int build_lock(int *fd) { return take_lock(true, fd); }

int build_signal(void) { return interrupted; }

/* The subject names what was rebuilt, so that `git log --oneline` on
 * state/ reads as a build history; the body says why, target by target. */
static void subject_names(struct engine *e, struct buf *msg, enum node_state which, bool restored,
                          const char *verb, size_t count)
{
	size_t shown = 0;
	if (!count)
		return;
	buf_printf(msg, "%s%s ", msg->len > 11 ? "; " : " ", verb);
	for (size_t k = 0; k < e->g->n; k++) {
		int i = e->g->order[k];
		if (e->state[i] != which || !e->built_now[i] || e->restored_now[i] != restored)
			continue;
		if (shown && msg->len > 60) {
			buf_printf(msg, " and %zu more", count - shown);
			break;
		}
		buf_printf(msg, "%s%s", shown ? ", " : "", e->g->nodes[i].t->name);
		shown++;
	}
}

/* A damaged repository stops the build before it changes anything: no
 * output published, no record written, and no run left.  A killed build's
 * run, left running, is marked so before the commit that takes it. */
static int check_state(struct engine *e)
{
	size_t ncommits;
	int error;
	if ((error = history_init(PIPE_STATE_DIR)) == 0 &&
	    (error = history_verify(PIPE_STATE_DIR, false, &ncommits)) < 0)
		error_prefix("the state repository is damaged (`pipe fsck` says what can "
		             "be repaired): ");
	if (error == 0 && e->killed_earlier)
		error = runs_mark_killed(PIPE_STATE_DIR, e->run);
	return error;
}

/* The check failed after the first jobs started: what they built is
 * dropped unpublished, and this build's notes in state/ are taken back. */
static int check_failed_undo(struct engine *e)
{
	char *rel = runs_path(e->run), *path = path_join(PIPE_STATE_DIR, rel);
	int error = history_unnote(PIPE_STATE_DIR, e->noted_before);
	if (unlink(path) < 0 && errno != ENOENT && !error)
		error = error_set("cannot remove %s: %s", path, strerror(errno));
	free(rel);
	free(path);
	return error;
}

static int commit(struct engine *e)
{
	struct buf msg = BUF_INIT;
	bool committed;
	int error;
	buf_puts(&msg, "pipe build:");
	subject_names(e, &msg, N_DONE, false, "rebuilt", e->rebuilt);
	subject_names(e, &msg, N_DONE, true, "restored from cache", e->restored);
	subject_names(e, &msg, N_FAILED, false, "failed", e->failed);
	if (!e->rebuilt && !e->restored && !e->failed)
		buf_puts(&msg, " records of an earlier build");
	if (interrupted)
		buf_puts(&msg, " (interrupted)");
	buf_printf(&msg, "\n\n%s", buf_cstr(&e->message));
	/* the records this build wrote: those of the targets it ran */
	const char **paths = xcalloc(e->g->n + 2, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < e->g->n; i++)
		if (e->built_now[i])
			paths[n++] = state_path(e->g->nodes[i].t->name);
	/* and its run; the runs it pruned are in history_begin's note */
	if (e->run_written)
		paths[n++] = runs_path(e->run);
	crash_point("before-commit");
	if ((error = history_init(PIPE_STATE_DIR)) == 0) {
		struct buf removed = BUF_INIT;
		history_remove_stale_locks(PIPE_STATE_DIR, &e->locked_at, &removed);
		for (char *p = removed.data, *nl; p && (nl = strchr(p, '\n')); p = nl + 1)
			fprintf(stderr, "pipe: removed %.*s, a lock file left by a killed build\n",
			        (int)(nl - p), p);
		buf_free(&removed);
		error = history_commit_paths(PIPE_STATE_DIR, msg.data, paths, n, &committed);
		crash_point("after-commit");
	}
	for (size_t i = 0; i < n; i++)
		free((char *)paths[i]);
	free(paths);
	buf_free(&msg);
	return error;
}

/* The engine's start: its locks and conditions, the build lock (a dry
 * run takes it only to finish a killed build's records), the time read
 * back from the lock, targets/.tmp emptied, the run's name. */
static int start_engine(struct engine *e, const struct graph *g, const struct build_opts *o, double t0,
                        int *lock_fd)
{
	int error;
	memset(e, 0, sizeof(*e));
	e->g = g;
	e->o = o;
	e->tty = isatty(STDOUT_FILENO) && !getenv("PIPE_NO_TTY");
	pthread_mutex_init(&e->mu, NULL);
	pthread_mutex_init(&e->out_mu, NULL);
	pthread_cond_init(&e->work_cv, NULL);
	pthread_cond_init(&e->done_cv, NULL);

	crash_at = getenv("PIPE_CRASH_AT");
	if (!o->dry_run && (error = take_lock(o->no_wait, lock_fd)) < 0)
		return error;
	/* a dry run writes nothing, but may finish a killed build's records */
	if (o->dry_run && path_exists(PIPE_PENDING_DIR) && take_lock(true, lock_fd) < 0)
		error_clear();
	/* the file system stamps files from a clock coarser than
	 * CLOCK_REALTIME: a lock made just after ours can look older than a
	 * reading of it, so the time is read back from our lock file's stamp */
	struct stat st;
	if (*lock_fd >= 0 && futimens(*lock_fd, NULL) == 0 && fstat(*lock_fd, &st) == 0)
		e->locked_at = st.st_mtim;
	else
		clock_gettime(CLOCK_REALTIME_COARSE, &e->locked_at);
	if (!o->dry_run && (error = rm_rf(PIPE_TARGETS_DIR "/.tmp")) < 0)
		return error;
	e->tmpdir = xasprintf(PIPE_TARGETS_DIR "/.tmp/%ld", (long)getpid());
	time_t now = (time_t)time_wall_s();
	struct tm tm;
	char stamp[32];
	e->run_start = now;
	e->run_t0 = t0;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(e->run, sizeof(e->run), "%s-%ld", stamp, (long)getpid());
	if (o->run_id)
		snprintf(e->run, sizeof(e->run), "%s", o->run_id);
	return 0;
}

/* The records this build may write, noted before it writes any, so that
 * a build killed before its commit loses none of them; then its run. */
static int note_records(struct engine *e, const bool *selected)
{
	const struct graph *g = e->g;
	const char **paths = xcalloc(e->total + 2, sizeof(char *));
	size_t n = 0;
	int error = 0;
	for (size_t i = 0; i < g->n; i++)
		if (selected[i] && plan_stale(&e->plan, i) && n < e->total)
			paths[n++] = state_path(g->nodes[i].t->name);
	paths[n++] = runs_path(e->run); /* this build is a run */
	e->restore_only = restores_only(e, selected);
	e->killed_earlier = history_uncommitted(PIPE_STATE_DIR);
	/* The repository is checked (check_state) before anything is
	 * published.  Loading libgit2 and reading HEAD takes tens of ms,
	 * so where state/.git is there the check runs once the first jobs
	 * have started: they build into their temporary directories
	 * meanwhile, and nothing they made is published before it passes.
	 * Without state/.git, history_init says why (or makes it) first.
	 * A restore-only build changes no record: a restore that fails
	 * builds, and its commit says the damage. */
	if (e->restore_only) {
		if (e->killed_earlier)
			error = runs_mark_killed(PIPE_STATE_DIR, NULL);
	} else if (path_is_dir(PIPE_STATE_DIR "/.git")) {
		e->check_later = true;
	} else {
		error = check_state(e);
	}
	e->noted_before = history_noted(PIPE_STATE_DIR);
	if (error == 0)
		error = history_begin(PIPE_STATE_DIR, paths, n);
	for (size_t i = 0; i < n; i++)
		free((char *)paths[i]);
	free(paths);
	if (error < 0)
		return error;
	e->in_run = xcalloc(g->n + 1, sizeof(*e->in_run));
	e->run_logs = xcalloc(g->n + 1, sizeof(*e->run_logs));
	return save_run(e, "running", false);
}

/* The main thread's loop while jobs run on the workers: it starts what is
 * ready, saves the run, checks the state repository once, and finishes
 * each job that is done, until nothing runs.  The first error stops the
 * build and is what it returns. */
static int run_jobs(struct engine *e, pthread_t *threads, size_t nthreads, int jobs)
{
	int error = 0;
	for (;;) {
		int rc;
		/* an error stops the build, and must outlive the rounds after it */
		if ((rc = schedule(e, jobs)) < 0 && !error)
			error = rc;
		/* what finished last round and what started now */
		if (e->running && (rc = save_run(e, "running", false)) < 0 && !error)
			error = rc;
		/* once the run says what runs: a build killed during the check
		 * leaves its run as one killed at any other time does */
		if (e->check_later) {
			e->check_later = false;
			if ((rc = check_state(e)) < 0) {
				e->check_failed = true;
				if (!error)
					error = rc;
				kill_children(e);
			}
		}
		if (error < 0)
			e->stop = true;
		if (e->stop)
			unqueue(e);
		if (!e->running)
			return error;
		status_line(e);
		pthread_mutex_lock(&e->mu);
		while (!e->done && !interrupted) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&e->done_cv, &e->mu, &ts);
		}
		struct job *finished = e->done;
		e->done = NULL;
		pthread_mutex_unlock(&e->mu);
		if (interrupted && !e->stop) {
			e->stop = true;
			kill_children(e);
			/* the signal again, to each worker: one waiting in a
			 * transfer's poll() wakes now, not at curl's next
			 * once-a-second progress call */
			for (size_t k = 0; k < nthreads; k++)
				pthread_kill(threads[k], interrupted);
		}
		while (finished) {
			struct job *next = finished->next;
			/* after a failed check nothing is published: what the
			 * job made goes with e->tmpdir, and the build ends at done */
			if (e->check_failed) {
				e->running--;
				free_job(finished);
				finished = next;
				continue;
			}
			if ((rc = finish_job(e, finished)) < 0 && !error) {
				error = rc;
				e->stop = true;
			}
			if (e->state[finished->node] == N_DONE || e->state[finished->node] == N_FAILED)
				release(e, finished->node);
			free_job(finished);
			finished = next;
		}
	}
}

/* "pipe: 3 rebuilt (1 with unchanged output), 2 restored from cache in 40 ms" */
static void say_summary(struct engine *e, double t0)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "pipe: %zu rebuilt", e->rebuilt);
	if (e->unchanged)
		buf_printf(&b, " (%zu with unchanged output)", e->unchanged);
	if (e->restored)
		buf_printf(&b, ", %zu restored from cache", e->restored);
	if (e->cutoff)
		buf_printf(&b, ", %zu skipped by early cutoff", e->cutoff);
	if (e->failed)
		buf_printf(&b, ", %zu failed", e->failed);
	if (interrupted)
		buf_puts(&b, ", interrupted");
	buf_printf(&b, " in %.0f ms", time_now_ms() - t0);
	say(e, "%s", b.data);
	buf_free(&b);
}

static void engine_free(struct engine *e)
{
	free(e->tmpdir);
	plan_free(&e->plan);
	index_free(e->ix);
	free(e->state);
	free(e->built_now);
	free(e->restored_now);
	free(e->pending);
	free(e->ready);
	free(e->children);
	for (size_t i = 0; e->in_run && i < e->g->n; i++) {
		free((char *)e->in_run[i].error);
		run_log_free(&e->run_logs[i]);
	}
	free(e->in_run);
	free(e->run_logs);
	buf_free(&e->message);
	pthread_mutex_destroy(&e->mu);
	pthread_mutex_destroy(&e->out_mu);
	pthread_cond_destroy(&e->work_cv);
	pthread_cond_destroy(&e->done_cv);
}

int build_run(const struct graph *g, const bool *selected, const struct build_opts *o)
{
	struct engine e;
	pthread_t *threads = NULL;
	int lock_fd = -1, error = 0, jobs = o->jobs > 0 ? o->jobs : cpu_count();
	size_t nthreads = 0, nselected = 0;
	struct sigaction sa, old_int, old_term, old_hup;
	double t0 = time_now_ms();

	if ((error = start_engine(&e, g, o, t0, &lock_fd)) < 0)
		goto done;
	if ((error = index_load(&e.ix, PIPE_INDEX_PATH)) < 0)
		goto done;
	if (index_damaged(e.ix))
		fprintf(stderr, "pipe: %s is damaged; rebuilding it from state/ (it is only a "
		        "cache: nothing is lost)\n", PIPE_INDEX_PATH);
	if ((error = plan_init(&e.plan, g, e.ix, PIPE_STATE_DIR)) < 0)
		goto done;
	if (lock_fd >= 0 && (error = build_finish_pending(g, &e.plan, e.ix)) < 0)
		goto done;
	e.plan.force = o->force;
	e.plan.forced = o->forced;
	e.state = xcalloc(g->n, sizeof(*e.state));
	e.built_now = xcalloc(g->n, sizeof(*e.built_now));
	e.restored_now = xcalloc(g->n, sizeof(*e.restored_now));
	e.pending = xcalloc(g->n, sizeof(*e.pending));
	e.ready = xcalloc(g->n, sizeof(*e.ready));

	/* what is stale now, and what waits on something stale */
	plan_preload(&e.plan, selected, jobs);
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		if (!selected[i])
			continue;
		nselected++;
		if ((error = plan_target(&e.plan, i)) < 0)
			goto done;
		if (plan_stale(&e.plan, i))
			e.total++;
	}
	if (o->dry_run) {
		for (size_t k = 0; k < g->n; k++) {
			int i = g->order[k];
			if (selected[i] && plan_stale(&e.plan, i))
				printf("would rebuild %s: %s\n", g->nodes[i].t->name,
				       reason_text(&e.plan.t[i]));
		}
		if (!e.total)
			printf("pipe: nothing to do (%zu target%s up to date)\n", nselected,
			       nselected == 1 ? "" : "s");
		goto done;
	}
	if (!e.total) {
		printf("pipe: nothing to do (%zu target%s up to date)\n", nselected,
		       nselected == 1 ? "" : "s");
		error = index_save(e.ix, PIPE_INDEX_PATH);
		/* the records of a build killed before its commit, or whose
		 * commit a lock file stopped */
		fflush(stdout);
		if (error == 0 && history_uncommitted(PIPE_STATE_DIR) &&
		    (error = runs_mark_killed(PIPE_STATE_DIR, NULL)) == 0)
			error = commit(&e);
		goto done;
	}
	if ((error = note_records(&e, selected)) < 0)
		goto done;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	interrupted = 0;
	http_interrupt(0);

	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		if (!selected[i])
			continue;
		for (size_t d = 0; d < g->nodes[i].ninputs; d++)
			if (g->nodes[i].inputs[d].target >= 0)
				e.pending[i]++;
		if (!e.pending[i])
			push_ready(&e, i);
	}
	if ((error = mkdir_p(e.tmpdir)) < 0)
		goto done;
	threads = xcalloc((size_t)jobs, sizeof(*threads));
	for (; nthreads < (size_t)jobs; nthreads++)
		pthread_create(&threads[nthreads], NULL, worker, &e);

	error = run_jobs(&e, threads, nthreads, jobs);
	pthread_mutex_lock(&e.mu);
	e.quit = true;
	pthread_cond_broadcast(&e.work_cv);
	pthread_mutex_unlock(&e.mu);
	for (size_t k = 0; k < nthreads; k++)
		pthread_join(threads[k], NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (e.tty)
		fputs("\r\033[K", stdout);

	rm_rf(e.tmpdir); /* what commands left beside their $out */
	rmdir(PIPE_TARGETS_DIR "/.tmp");
	if (e.check_failed) {
		char *why = xstrdup(error_last());
		if (check_failed_undo(&e) < 0)
			fprintf(stderr, "pipe: %s\n", error_last());
		error_set("%s", why);
		free(why);
		goto done;
	}
	/* what the build stopped before (a failure without -k, a signal) */
	for (size_t i = 0; i < g->n; i++)
		if (selected[i] && !e.in_run[i].status && e.state[i] != N_DONE && plan_stale(&e.plan, i))
			run_part(&e, (int)i, "skipped", NULL);
	int rc = end_run(&e, error < 0 ? "error" : interrupted ? "interrupted" : e.failed ? "failed" : "ok");
	if (rc < 0 && !error)
		error = rc;
	if (e.restore_only && !e.recorded && !e.run_written)
		rc = history_end_unchanged(PIPE_STATE_DIR);
	else if (e.rebuilt || e.restored || e.failed || e.run_written)
		rc = commit(&e);
	if (rc < 0 && !error)
		error = rc;
	if ((rc = index_save(e.ix, PIPE_INDEX_PATH)) < 0 && !error)
		error = rc;
	if (error >= 0) {
		say_summary(&e, t0);
		error = e.failed || interrupted ? 1 : 0;
	}
done:
	free(threads);
	engine_free(&e);
	if (lock_fd >= 0)
		close(lock_fd);
	return error;
}

int build_status(const struct graph *g, const bool *selected, bool quiet)
{
	struct plan p;
	struct index *ix = NULL;
	int error, stale = 0;
	size_t width = 0;
	if ((error = index_load(&ix, PIPE_INDEX_PATH)) < 0)
		return error;
	if ((error = plan_init(&p, g, ix, PIPE_STATE_DIR)) < 0) {
		plan_free(&p);
		index_free(ix);
		return error;
	}
	/* a killed build's records are finished here too, unless a build runs */
	if (path_exists(PIPE_PENDING_DIR)) {
		int lock_fd = -1;
		if (take_lock(true, &lock_fd) == 0)
			error = build_finish_pending(g, &p, ix);
		error_clear();
		if (lock_fd >= 0)
			close(lock_fd);
		error = 0;
	}
	plan_preload(&p, selected, cpu_count());
	for (size_t i = 0; i < g->n; i++)
		if (selected[i] && strlen(g->nodes[i].t->name) > width)
			width = strlen(g->nodes[i].t->name);
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		if (!selected[i])
			continue;
		if ((error = plan_target(&p, i)) < 0)
			break;
		if (plan_stale(&p, i))
			stale++;
		if (!quiet)
			printf("%-*s  %s%s\n", (int)width, g->nodes[i].t->name,
			       plan_stale(&p, i) ? "stale: " : "", reason_text(&p.t[i]));
	}
	plan_free(&p);
	index_free(ix);
	return error < 0 ? error : stale;
}
