/* serve_data: what `pipe serve` answers, apart from HTTP (serve.c has
 * the HTTP, the routes and the Host and token checks): the targets' JSON
 * from the DAG, the plan and the state records, kept between requests
 * while the files they came from are unchanged; the run history's JSON
 * (runs.c); the rebuilds, child `pipe build` processes and their output;
 * a report's files; and the page, with its script that draws the DAG.
 *
 * A rebuild is a child process, `pipe build` of this binary: the server
 * stays up whatever the build does, and the build lock serialises it with
 * every other build of the project.  One rebuild at a time; its output
 * goes to an unnamed file the page polls. */
#include "serve_data.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"
#include "index.h"
#include "kind.h"
#include "plan.h"
#include "runs.h"
#include "scheduler.h"
#include "state.h"
#include "util.h"

#define MAX_BUILDS 16                 /* rebuilds whose output is kept */
#define BUILD_CHUNK (64 * 1024)       /* output bytes per /api/builds answer */

struct rebuild {
	int id;
	char *target;
	pid_t pid;   /* 0 once reaped */
	int log_fd;  /* its stdout and stderr: an unnamed file */
	int exit;    /* -1 while it runs; 128 + N when killed by signal N */
	int64_t started, finished;
};

/* The DAG as last read, kept while the files it came from are unchanged:
 * at 10,000 targets, reading it was a sixth of an answer. */
struct dag {
	void *handle; /* load_dag's; NULL before the first read */
	const struct graph *g;
	const bool *sel;
	struct buf files; /* each file's path and stat data, when it was read */
	bool racy;        /* a file was changed in the second it was read */
};

struct serve_data {
	const struct serve_opts *o;
	struct dag dag;
	struct strmap records;   /* target name -> struct record_json */
	struct stat records_dir; /* state/targets/ when they were last checked */
	struct rebuild builds[MAX_BUILDS];
	size_t nbuilds;
	int next_id;
	/* The plan of the last answer, kept while nothing it read changed:
	 * at 10,000 targets, planning was nine tenths of an answer. */
	struct plan plan;        /* plan.g NULL: none */
	struct index *ix;        /* the plan's */
	struct stat plan_index;  /* .pipe/index when planned */
	struct stat plan_records; /* state/targets/ when planned */
	int64_t plan_until;      /* a scheduled target's due time then: plan again */
};


static void json_string_or_null(struct buf *b, const char *s)
{
	if (s)
		buf_json_string(b, s);
	else
		buf_puts(b, "null");
}

static void json_time(struct buf *b, int64_t t)
{
	char iso[32];
	if (t <= 0) {
		buf_puts(b, "null");
		return;
	}
	time_iso(t, iso);
	buf_json_string(b, iso);
}

/* ---- the DAG ---- */

static void stat_line(struct buf *files, const char *path, time_t now, bool *racy)
{
	struct stat st;
	buf_puts(files, path);
	if (stat(path, &st) < 0) {
		buf_puts(files, " -\n");
		return;
	}
	/* a change within the same second as the read may be missed by a
	 * stat taken after it (git's racy clean): read again next time */
	if (st.st_mtim.tv_sec >= now - 1)
		*racy = true;
	buf_printf(files, " %llu %lld %lld.%09ld %lld.%09ld\n", (unsigned long long)st.st_ino,
	           (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	           (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

/* What the DAG was read from: pipelines/ (a file added or removed), the
 * DAG files, the @files of attributes, and the profile's two files. */
static void dag_files(const struct graph *g, struct buf *files, bool *racy)
{
	const struct pipefile *pf = g->pf;
	time_t now = time(NULL);
	buf_clear(files);
	stat_line(files, "pipelines", now, racy);
	stat_line(files, "pipelines/profiles", now, racy);
	stat_line(files, ".pipe/profile", now, racy);
	for (size_t k = 0; k < pf->nfiles; k++)
		stat_line(files, pf->files[k], now, racy);
	for (size_t i = 0; i < pf->ntargets; i++)
		for (size_t j = 0; j < pf->targets[i].nattrs; j++)
			if (pf->targets[i].attrs[j].at_path)
				stat_line(files, pf->targets[i].attrs[j].at_path, now, racy);
}

static void plan_drop(struct serve_data *s)
{
	plan_free(&s->plan);
	index_free(s->ix);
	s->ix = NULL;
}

/* The DAG, read again when one of its files changed; the server keeps it. */
static int dag_get(struct serve_data *s, const struct graph **g, const bool **sel)
{
	struct dag *d = &s->dag;
	void *handle;
	int error;
	if (d->handle && !d->racy) {
		struct buf now = BUF_INIT;
		bool racy = false, same;
		dag_files(d->g, &now, &racy);
		same = now.len == d->files.len && !memcmp(now.data, d->files.data, now.len);
		buf_free(&now);
		if (same) {
			*g = d->g;
			*sel = d->sel;
			return 0;
		}
	}
	if ((error = s->o->load_dag(s->o->arg, g, sel, &handle)) < 0)
		return error;
	plan_drop(s); /* it points into the DAG */
	if (d->handle)
		s->o->free_dag(s->o->arg, d->handle);
	d->handle = handle;
	d->g = *g;
	d->sel = *sel;
	d->racy = false;
	dag_files(d->g, &d->files, &d->racy);
	return 0;
}

/* ---- /api/targets ---- */

/* What a target's state record says, as the JSON members "last", "hash",
 * "rows" and "bytes", kept while the record file is the same one: at
 * 10,000 targets, reading and parsing every record was half of the time
 * of an answer. */
struct record_json {
	struct stat st; /* of state/targets/NAME.state; st_ino 0: no record */
	char *json;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void put_int(struct buf *b, long long n)
{
	char digits[24];
	int k = sizeof(digits);
	unsigned long long u = n < 0 ? 0 - (unsigned long long)n : (unsigned long long)n;
	do
		digits[--k] = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		digits[--k] = '-';
	buf_add(b, digits + k, sizeof(digits) - (size_t)k);
}

static int record_json(const char *name, struct buf *b)
{
	struct state_record rec;
	char hex[HASH_HEX_LEN + 1];
	int error;
	state_record_init(&rec);
	error = state_read(PIPE_STATE_DIR, name, &rec);
	if (error == PIPE_ENOTFOUND) {
		error_clear();
		buf_puts(b, ",\"last\":null,\"hash\":null,\"rows\":null,\"bytes\":null");
		return 0;
	}
	if (error < 0)
		return error;
	buf_puts(b, ",\"last\":{\"status\":");
	json_string_or_null(b, rec.status);
	buf_puts(b, ",\"run\":");
	json_string_or_null(b, rec.run);
	buf_puts(b, ",\"started\":");
	json_time(b, rec.started);
	buf_puts(b, ",\"finished\":");
	json_time(b, rec.finished);
	buf_printf(b, ",\"duration_ms\":%.1f,\"error\":", rec.duration_ms);
	json_string_or_null(b, rec.error);
	buf_puts(b, "},\"hash\":");
	if (hash_is_zero(&rec.output)) {
		buf_puts(b, "null");
	} else {
		hash_hex(&rec.output, hex);
		buf_json_string(b, hex);
	}
	buf_puts(b, ",\"rows\":");
	if (rec.rows >= 0)
		put_int(b, rec.rows);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"bytes\":");
	put_int(b, (long long)rec.bytes);
	state_record_free(&rec);
	return 0;
}

/* The record's members from the cache, read again when the record file
 * changed.  Records are written by rename (state.c), which changes the
 * directory too: while state/targets/ is as it was, no record is stat'ed. */
static int cached_record_json(struct serve_data *s, const char *name, bool dir_changed, struct buf *out)
{
	struct record_json *r = strmap_get(&s->records, name);
	struct stat st;
	struct buf b = BUF_INIT;
	char *rel, *path;
	int error;
	/* a name with '/' has its record in a directory below */
	if (r && !dir_changed && !strchr(name, '/')) {
		buf_puts(out, r->json);
		return 0;
	}
	rel = state_path(name);
	path = path_join(PIPE_STATE_DIR, rel);
	if (stat(path, &st) < 0)
		memset(&st, 0, sizeof(st));
	free(path);
	free(rel);
	if (r && same_file(&r->st, &st)) {
		buf_puts(out, r->json);
		return 0;
	}
	if ((error = record_json(name, &b)) < 0) {
		buf_free(&b);
		return error;
	}
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		strmap_put(&s->records, xstrdup(name), r);
	}
	free(r->json);
	r->json = buf_detach(&b);
	r->st = st;
	buf_puts(out, r->json);
	return 0;
}

static void json_names(struct buf *b, const struct node *nd, bool targets)
{
	bool first = true;
	buf_putc(b, '[');
	for (size_t j = 0; j < nd->ninputs; j++)
		if ((nd->inputs[j].target >= 0) == targets) {
			if (!first)
				buf_putc(b, ',');
			buf_json_string(b, nd->inputs[j].name);
			first = false;
		}
	buf_putc(b, ']');
}

static int target_json(struct serve_data *s, struct buf *b, const struct graph *g, const struct plan *p,
                       int i, int layer, bool records_changed, int64_t now)
{
	const struct node *nd = &g->nodes[i];
	const struct target *t = nd->t;
	const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
	const char *tz = target_value(t, "tz");
	int error;

	buf_puts(b, "{\"name\":");
	buf_json_string(b, t->name);
	buf_puts(b, ",\"kind\":");
	buf_json_string(b, t->kind->name);
	buf_puts(b, ",\"file\":");
	buf_json_string(b, t->pos.file);
	buf_puts(b, ",\"line\":");
	put_int(b, t->pos.line);
	buf_puts(b, ",\"layer\":");
	put_int(b, layer);
	buf_puts(b, ",\"inputs\":");
	json_names(b, nd, true);
	buf_puts(b, ",\"files\":");
	json_names(b, nd, false);
	buf_puts(b, plan_stale(p, i) ? ",\"status\":\"stale\",\"why\":" : ",\"status\":\"fresh\",\"why\":");
	buf_json_string(b, reason_text(&p->t[i]));
	if ((error = cached_record_json(s, t->name, records_changed, b)) < 0)
		return error;
	buf_puts(b, ",\"every\":");
	json_string_or_null(b, every);
	buf_puts(b, ",\"cron\":");
	json_string_or_null(b, cron);
	buf_puts(b, ",\"tz\":");
	json_string_or_null(b, tz);
	buf_puts(b, ",\"next_due\":");
	if (every || cron) {
		int64_t last = scheduler_last_build(p->ix, t->name);
		json_time(b, last < 0 ? now : schedule_next(every, cron, tz, last));
	} else {
		buf_puts(b, "null");
	}
	buf_puts(b, ",\"report\":");
	if (!strcmp(t->kind->name, "report") && path_is_dir(p->outputs[i])) {
		buf_puts(b, "\"/reports/");
		buf_puts(b, t->name); /* a target name needs no escaping in a URL or JSON */
		buf_puts(b, "/\"");
	} else {
		buf_puts(b, "null");
	}
	buf_putc(b, '}');
	return 0;
}

static void reap(struct serve_data *s);
static void build_json(struct buf *b, const struct rebuild *r);

static void stat_or_zero(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		memset(st, 0, sizeof(*st));
}

/* The plan of every selected target: the one kept when the index, the
 * records' directory, every output and file input the plan stat'ed and
 * the scheduled targets' due times are as they were; else made again
 * (whole: a build changes the index, and with it most answers). */
static int plan_get(struct serve_data *s, const struct graph *g, const bool *sel, const struct plan **out)
{
	struct plan *p = &s->plan;
	struct stat ix_st, rec_st;
	int threads = cpu_count(), error;
	int64_t recent = (int64_t)time(NULL) - 1;

	/* taken before they are read: a change in meanwhile plans again */
	stat_or_zero(PIPE_INDEX_PATH, &ix_st);
	stat_or_zero(PIPE_STATE_DIR "/" PIPE_TARGETS_DIR, &rec_st);
	if (p->g == g && same_file(&ix_st, &s->plan_index) && same_file(&rec_st, &s->plan_records) &&
	    time_wall_s() < s->plan_until && !plan_restat_changed(p, threads)) {
		*out = p;
		return 0;
	}
	plan_drop(s);
	if ((error = index_load(&s->ix, PIPE_INDEX_PATH)) < 0 || (error = plan_init(p, g, s->ix, PIPE_STATE_DIR)) < 0)
		goto done;
	plan_preload(p, sel, threads);
	plan_restat_changed(p, threads);
	/* changed in the last second: may change again with the same stat data */
	s->plan_until = ix_st.st_mtim.tv_sec >= recent || rec_st.st_mtim.tv_sec >= recent ? 0 : INT64_MAX;
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		const struct target *t = g->nodes[i].t;
		const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
		if (!sel[i])
			continue;
		if ((error = plan_target(p, i)) < 0)
			goto done;
		/* a target due later is fresh until then */
		if ((every || cron) && p->t[i].have_last) {
			int64_t due = schedule_next(every, cron, target_value(t, "tz"), p->t[i].last_finished);
			if (due > p->now && due < s->plan_until)
				s->plan_until = due;
		}
	}
	s->plan_index = ix_st;
	s->plan_records = rec_st;
	*out = p;
done:
	if (error < 0)
		plan_drop(s);
	return error;
}

int serve_data_targets(struct serve_data *s, struct buf *out)
{
	const struct graph *g;
	const bool *sel;
	const struct plan *p;
	struct stat dir;
	bool first = true, records_changed;
	int *layer = NULL, error;
	int64_t now = time_wall_s();

	if ((error = dag_get(s, &g, &sel)) < 0 || (error = plan_get(s, g, sel, &p)) < 0)
		goto done;
	/* taken before the records are read: a record renamed in meanwhile
	 * is read again at the next answer */
	if (stat(PIPE_STATE_DIR "/" PIPE_TARGETS_DIR, &dir) < 0)
		memset(&dir, 0, sizeof(dir));
	records_changed = !same_file(&dir, &s->records_dir);
	layer = xcalloc(g->n + 1, sizeof(*layer));
	buf_grow(out, 512 * g->n);
	buf_puts(out, "{\"now\":");
	json_time(out, now);
	buf_puts(out, ",\"build\":");
	reap(s);
	if (s->nbuilds)
		build_json(out, &s->builds[s->nbuilds - 1]);
	else
		buf_puts(out, "null");
	buf_puts(out, ",\"targets\":[");
	for (size_t k = 0; k < g->n; k++) {
		int i = g->order[k];
		const struct node *nd = &g->nodes[i];
		if (!sel[i])
			continue;
		/* the DAG's columns: a target sits right of everything it reads */
		for (size_t j = 0; j < nd->ninputs; j++)
			if (nd->inputs[j].target >= 0 && layer[nd->inputs[j].target] + 1 > layer[i])
				layer[i] = layer[nd->inputs[j].target] + 1;
		buf_puts(out, first ? "\n" : ",\n");
		first = false;
		if ((error = target_json(s, out, g, p, i, layer[i], records_changed, now)) < 0)
			goto done;
	}
	buf_puts(out, "\n]}\n");
	s->records_dir = dir;
done:
	free(layer);
	return error;
}

/* ---- rebuilds ---- */

static void reap(struct serve_data *s)
{
	for (size_t k = 0; k < s->nbuilds; k++) {
		struct rebuild *r = &s->builds[k];
		int st;
		if (r->pid > 0 && waitpid(r->pid, &st, WNOHANG) == r->pid) {
			r->pid = 0;
			r->exit = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			r->finished = time_wall_s();
		}
	}
}

static void build_json(struct buf *b, const struct rebuild *r)
{
	buf_printf(b, "{\"id\":%d,\"target\":", r->id);
	buf_json_string(b, r->target);
	buf_printf(b, ",\"running\":%s,\"exit\":", r->exit < 0 ? "true" : "false");
	if (r->exit < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%d", r->exit);
	buf_puts(b, ",\"started\":");
	json_time(b, r->started);
	buf_puts(b, ",\"finished\":");
	json_time(b, r->exit < 0 ? 0 : r->finished);
	buf_printf(b, ",\"url\":\"/api/builds/%d\"}", r->id);
}

static struct rebuild *find_build(struct serve_data *s, int id)
{
	for (size_t k = 0; k < s->nbuilds; k++)
		if (s->builds[k].id == id)
			return &s->builds[k];
	return NULL;
}

/* Forks `pipe build --from NAME WORDS...` of this same binary, its output
 * to an unnamed file, PIPE_TRIGGER=serve in its environment (the run
 * history's trigger). */
static int start_build(struct serve_data *s, const char *target, struct rebuild **out)
{
	extern char **environ;
	size_t nenv = 0, nargv = 0;
	char **argv = NULL, **envp = NULL;
	int error = 0, log_fd = -1;
	pid_t pid;
	struct rebuild *r;

	mkdir_p(".pipe");
	if ((log_fd = open(".pipe", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0) {
		error = error_set("pipe serve: cannot make a file for the build's output in .pipe: %s",
		                  strerror(errno));
		goto done;
	}
	argv = xcalloc(s->o->nbuild_words + 5, sizeof(char *));
	argv[nargv++] = "pipe";
	argv[nargv++] = "build";
	argv[nargv++] = "--from";
	argv[nargv++] = (char *)target;
	for (size_t k = 0; k < s->o->nbuild_words; k++)
		argv[nargv++] = s->o->build_words[k];
	while (environ[nenv])
		nenv++;
	envp = xcalloc(nenv + 2, sizeof(char *));
	nenv = 0;
	for (char **e = environ; *e; e++)
		if (!str_starts(*e, "PIPE_TRIGGER="))
			envp[nenv++] = *e;
	envp[nenv++] = "PIPE_TRIGGER=serve";

	if ((pid = fork()) < 0) {
		error = error_set("pipe serve: cannot start a build: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		/* only async-signal-safe calls between fork and exec: this
		 * process has other threads */
		sigset_t none;
		int null_fd = open("/dev/null", O_RDONLY);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null_fd >= 0)
			dup2(null_fd, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		execve("/proc/self/exe", argv, envp);
		static const char msg[] = "pipe serve: cannot run /proc/self/exe\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	if (s->nbuilds == MAX_BUILDS) {
		/* the oldest goes: never the one running, which is the newest */
		free(s->builds[0].target);
		close(s->builds[0].log_fd);
		memmove(&s->builds[0], &s->builds[1], (MAX_BUILDS - 1) * sizeof(s->builds[0]));
		s->nbuilds--;
	}
	r = &s->builds[s->nbuilds++];
	r->id = ++s->next_id;
	r->target = xstrdup(target);
	r->pid = pid;
	r->log_fd = log_fd;
	r->exit = -1;
	r->started = time_wall_s();
	r->finished = 0;
	log_fd = -1;
	*out = r;
done:
	if (log_fd >= 0)
		close(log_fd);
	free(argv);
	free(envp);
	return error;
}

int serve_data_rebuild(struct serve_data *s, const char *target, struct buf *out, bool *busy)
{
	const struct graph *g;
	const bool *sel;
	struct rebuild *r = NULL;
	int error;
	*busy = false;
	reap(s);
	if (s->nbuilds && s->builds[s->nbuilds - 1].exit < 0) {
		build_json(out, &s->builds[s->nbuilds - 1]);
		buf_puts(out, "\n");
		*busy = true;
		return 0;
	}
	if ((error = dag_get(s, &g, &sel)) < 0)
		return error == PIPE_ENOTFOUND ? PIPE_ERROR : error; /* a 404 is for the name */
	if (graph_find(g, target) < 0)
		return error_setcode(PIPE_ENOTFOUND, "unknown target '%s'", target);
	if ((error = start_build(s, target, &r)) < 0)
		return error;
	build_json(out, r);
	buf_puts(out, "\n");
	return 0;
}

int serve_data_build(struct serve_data *s, const char *id_text, const char *offset_text,
                     struct buf *out)
{
	char *end;
	long id = strtol(id_text, &end, 10);
	long long offset = offset_text ? strtoll(offset_text, NULL, 10) : 0;
	struct rebuild *r;
	struct buf chunk = BUF_INIT;
	ssize_t n;
	reap(s);
	if (*end || !*id_text || !(r = find_build(s, (int)id)))
		return error_setcode(PIPE_ENOTFOUND, "no such build (serve keeps the last 16)");
	if (offset < 0)
		offset = 0;
	buf_grow(&chunk, BUILD_CHUNK + 1);
	n = pread(r->log_fd, chunk.data, BUILD_CHUNK, (off_t)offset);
	chunk.len = n > 0 ? (size_t)n : 0;
	/* end on a whole UTF-8 character: the next answer starts with the rest */
	if (chunk.len == BUILD_CHUNK) {
		size_t cut = chunk.len;
		while (cut > chunk.len - 4 && ((unsigned char)chunk.data[cut - 1] & 0xC0) == 0x80)
			cut--;
		if (cut > chunk.len - 4 && (unsigned char)chunk.data[cut - 1] >= 0xC0)
			chunk.len = cut - 1;
	}
	chunk.data[chunk.len] = 0;
	build_json(out, r);
	out->len--; /* reopen the object */
	buf_printf(out, ",\"offset\":%lld,\"output\":", offset + (long long)chunk.len);
	buf_json_string(out, chunk.data);
	buf_puts(out, "}\n");
	buf_free(&chunk);
	return 0;
}

/* ---- runs ---- */

#define RUNS_SHOWN 200 /* /api/runs without ?max= */

int serve_data_runs(const char *id, const char *max, struct buf *out)
{
	int error;
	if (!*id)
		error = runs_list_json(PIPE_STATE_DIR, max ? atoi(max) : RUNS_SHOWN, out);
	else
		error = runs_show_json(PIPE_STATE_DIR, id, out);
	if (error < 0)
		return error;
	buf_putc(out, '\n');
	return 0;
}

/* ---- reports ---- */

static const char *content_type(const char *file)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".svg", "image/svg+xml"},
		{".png", "image/png"},                 {".css", "text/css"},
		{".json", "application/json"},
	};
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (str_ends(file, types[k].ext))
			return types[k].type;
	return "text/plain; charset=utf-8"; /* report.md, CSV: shown, not run */
}

int serve_data_report(struct serve_data *s, const char *rest, struct buf *out, const char **type)
{
	const struct graph *g;
	const bool *sel;
	const char *slash = strchr(rest, '/'), *file = slash && slash[1] ? slash + 1 : "index.html";
	char *name = slash ? xstrndup(rest, (size_t)(slash - rest)) : xstrdup(rest);
	char *dir = NULL, *path = NULL;
	int error, k;
	if ((error = dag_get(s, &g, &sel)) < 0) {
		error = error == PIPE_ENOTFOUND ? PIPE_ERROR : error; /* a 404 is for the name */
		goto done;
	}
	k = graph_find(g, name);
	/* a file of the report's own directory: no path into anything else */
	if (k < 0 || strcmp(g->nodes[k].t->kind->name, "report") || file[0] == '.' ||
	    strspn(file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(file)) {
		error = error_setcode(PIPE_ENOTFOUND, "no such report");
		goto done;
	}
	dir = g->nodes[k].t->kind->output_path ? g->nodes[k].t->kind->output_path(g->nodes[k].t)
	                                       : kind_default_output(g->nodes[k].t);
	path = path_join(dir, file);
	if (file_read(path, out) < 0) {
		error = error_setcode(PIPE_ENOTFOUND, "this report is not built");
		goto done;
	}
	*type = content_type(file);
done:
	free(path);
	free(dir);
	free(name);
	return error;
}

/* ---- the page ---- */

/* ---- the page ---- */

/* One self-contained page: no framework, nothing fetched but /api/ (its
 * Content-Security-Policy says so).  The script builds every element with
 * textContent, never from markup, so no name or log can inject any. */
static const char page_html[] =
	"<!doctype html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta name=\"pipe-token\" content=\"@TOKEN@\">\n"
	"<title>pipe</title>\n"
	"<style>\n"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a202c;margin:0 1.5em 2em}\n"
	"header{display:flex;gap:1.2em;align-items:baseline;border-bottom:1px solid #ddd}\n"
	"h1{font-size:1.4em;margin:.5em 0}h2{font-size:1.1em;margin:1.4em 0 .4em}\n"
	"#error{color:#c53030;white-space:pre-wrap}\n"
	"table{border-collapse:collapse}th,td{padding:.25em .6em;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}\n"
	"th{background:#f7fafc;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".hash,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}\n"
	"tr.stale td.status{color:#975a16}tr.fresh td.status{color:#276749}tr.failed td.status{color:#c53030}\n"
	"tr.picked{background:#ebf8ff}.small{color:#666;font-size:.9em}\n"
	"pre{background:#f7fafc;border:1px solid #e2e8f0;padding:.6em;overflow:auto;max-height:24em;font-size:12px;white-space:pre-wrap}\n"
	"button{font:inherit;padding:.1em .6em;cursor:pointer}\n"
	"#build-status.ok{color:#276749}#build-status.failed{color:#c53030}#build-status.running{color:#2b6cb0}\n"
	"svg text{font:12px system-ui,sans-serif;pointer-events:none}svg .node{cursor:pointer}\n"
	"svg rect{stroke-width:1.5}svg .fresh rect{fill:#f0fff4;stroke:#38a169}svg .stale rect{fill:#fffaf0;stroke:#d69e2e}\n"
	"svg .failed rect{fill:#fff5f5;stroke:#e53e3e}svg path{fill:none;stroke:#a0aec0;stroke-width:1.2}\n"
	"#runs tbody tr{cursor:pointer}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<header><h1>pipe</h1><span id=\"summary\"></span><button id=\"refresh\">refresh</button><span id=\"error\"></span></header>\n"
	"<h2>DAG</h2>\n"
	"<div id=\"dag\"></div>\n"
	"<h2>Targets</h2>\n"
	"<table id=\"targets\">\n"
	"<thead><tr><th>target</th><th>kind</th><th>status</th><th>last run</th><th>hash</th><th class=\"num\">rows</th><th class=\"num\">bytes</th><th>schedule</th><th>next due</th><th></th></tr></thead>\n"
	"<tbody></tbody>\n"
	"</table>\n"
	"<h2>Build</h2>\n"
	"<div id=\"build-status\">no build started from this page</div>\n"
	"<pre id=\"build-output\"></pre>\n"
	"<h2>Runs</h2>\n"
	"<div id=\"runs-note\" class=\"small\"></div>\n"
	"<table id=\"runs\">\n"
	"<thead><tr><th>run</th><th>trigger</th><th>start</th><th>end</th><th>result</th><th class=\"num\">built</th><th class=\"num\">failed</th><th class=\"num\">skipped</th><th class=\"num\">restored</th><th class=\"num\">satisfied</th></tr></thead>\n"
	"<tbody></tbody>\n"
	"</table>\n"
	"<div id=\"run-detail\"></div>\n"
	"<script>\n"
	"'use strict';\n"
	"const token = document.querySelector('meta[name=pipe-token]').content;\n"
	"const $ = (id) => document.getElementById(id);\n"
	"const SVG = 'http://www.w3.org/2000/svg';\n"
	"let following = null;\n"
	"\n"
	"function el(tag, attrs, ...kids) {\n"
	"  const e = document.createElement(tag);\n"
	"  for (const k in attrs || {}) {\n"
	"    if (k === 'onclick') e.onclick = attrs[k];\n"
	"    else e.setAttribute(k, attrs[k]);\n"
	"  }\n"
	"  for (const c of kids) e.append(c == null ? '' : c);\n"
	"  return e;\n"
	"}\n"
	"function sv(tag, attrs, text) {\n"
	"  const e = document.createElementNS(SVG, tag);\n"
	"  for (const k in attrs) e.setAttribute(k, attrs[k]);\n"
	"  if (text != null) e.textContent = text;\n"
	"  return e;\n"
	"}\n"
	"async function getJSON(url) {\n"
	"  const r = await fetch(url);\n"
	"  const j = await r.json();\n"
	"  if (!r.ok) throw new Error(j.error || r.statusText);\n"
	"  return j;\n"
	"}\n"
	"function sleep(ms) { return new Promise((ok) => setTimeout(ok, ms)); }\n"
	"function ago(now, t) {\n"
	"  const s = Math.round((Date.parse(now) - Date.parse(t)) / 1000);\n"
	"  if (s < 60) return s + ' s ago';\n"
	"  if (s < 3600) return Math.round(s / 60) + ' min ago';\n"
	"  if (s < 86400) return Math.round(s / 3600) + ' h ago';\n"
	"  return Math.round(s / 86400) + ' d ago';\n"
	"}\n"
	"function size(n) {\n"
	"  const u = ['B', 'KB', 'MB', 'GB', 'TB'];\n"
	"  let i = 0;\n"
	"  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }\n"
	"  return (i ? n.toFixed(1) : n) + ' ' + u[i];\n"
	"}\n"
	"function cls(t) { return t.last && t.last.status === 'failed' ? 'failed' : t.status; }\n"
	"\n"
	"function pick(name) {\n"
	"  for (const tr of document.querySelectorAll('#targets tr.picked')) tr.classList.remove('picked');\n"
	"  const tr = document.querySelector('#targets tr[data-target=\"' + CSS.escape(name) + '\"]');\n"
	"  if (tr) { tr.classList.add('picked'); tr.scrollIntoView({block: 'center'}); }\n"
	"}\n"
	"\n"
	"function renderTable(d) {\n"
	"  const body = $('targets').tBodies[0];\n"
	"  body.replaceChildren();\n"
	"  for (const t of d.targets) {\n"
	"    const last = t.last;\n"
	"    const status = el('td', {class: 'status'}, t.status === 'fresh' ? 'fresh' : 'stale: ' + t.why);\n"
	"    if (last && last.error) status.append(el('div', {class: 'small'}, last.error));\n"
	"    body.append(el('tr', {'data-target': t.name, class: cls(t)},\n"
	"      el('td', {title: t.file + ':' + t.line}, t.name),\n"
	"      el('td', {}, t.kind),\n"
	"      status,\n"
	"      el('td', {}, last ? last.status + (last.finished ? ', ' + ago(d.now, last.finished) : '') : 'never',\n"
	"         last && last.run ? el('div', {class: 'small mono'}, last.run) : null),\n"
	"      el('td', {class: 'hash', title: t.hash || ''}, t.hash ? t.hash.slice(0, 12) : ''),\n"
	"      el('td', {class: 'num'}, t.rows == null ? '' : t.rows.toLocaleString('en')),\n"
	"      el('td', {class: 'num'}, t.bytes == null ? '' : size(t.bytes)),\n"
	"      el('td', {}, t.every ? 'every ' + t.every : t.cron ? 'cron ' + t.cron + (t.tz ? ' (' + t.tz + ')' : '') : ''),\n"
	"      el('td', {}, t.next_due ? t.next_due + (Date.parse(t.next_due) <= Date.parse(d.now) ? ' (due now)' : '') : ''),\n"
	"      el('td', {}, t.report ? el('a', {href: t.report, target: '_blank', rel: 'noopener'}, 'report') : '', ' ',\n"
	"         el('button', {class: 'rebuild', title: 'rebuild ' + t.name + ', then what depends on it',\n"
	"                       onclick: () => rebuild(t.name)}, 'rebuild'))));\n"
	"  }\n"
	"}\n"
	"\n"
	"function renderDag(d) {\n"
	"  const box = $('dag');\n"
	"  box.replaceChildren();\n"
	"  if (d.targets.length > 1000) {\n"
	"    box.append(d.targets.length + ' targets: too many to draw; the table lists them.');\n"
	"    return;\n"
	"  }\n"
	"  const W = 170, H = 30, GX = 50, GY = 12, pos = {}, rows = [];\n"
	"  for (const t of d.targets) {\n"
	"    const r = rows[t.layer] || 0;\n"
	"    pos[t.name] = {x: 4 + t.layer * (W + GX), y: 4 + r * (H + GY)};\n"
	"    rows[t.layer] = r + 1;\n"
	"  }\n"
	"  const width = 8 + rows.length * (W + GX) - GX, height = 8 + Math.max(1, ...rows) * (H + GY) - GY;\n"
	"  const s = sv('svg', {width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img'});\n"
	"  for (const t of d.targets) {\n"
	"    const b = pos[t.name];\n"
	"    for (const i of t.inputs) {\n"
	"      const a = pos[i];\n"
	"      if (!a) continue;\n"
	"      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;\n"
	"      s.append(sv('path', {d: 'M' + x1 + ' ' + y1 + 'C' + (x1 + GX / 2) + ' ' + y1 + ' ' + (x2 - GX / 2) + ' ' + y2 + ' ' + x2 + ' ' + y2}));\n"
	"    }\n"
	"  }\n"
	"  for (const t of d.targets) {\n"
	"    const p = pos[t.name];\n"
	"    const g = sv('g', {class: 'node ' + cls(t), 'data-target': t.name});\n"
	"    g.append(sv('title', {}, t.name + ' (' + t.kind + '): ' + (t.status === 'fresh' ? 'fresh' : 'stale: ' + t.why)));\n"
	"    g.append(sv('rect', {x: p.x, y: p.y, width: W, height: H, rx: 5}));\n"
	"    g.append(sv('text', {x: p.x + 8, y: p.y + H / 2 + 4}, t.name.length > 24 ? t.name.slice(0, 23) + '\\u2026' : t.name));\n"
	"    g.addEventListener('click', () => pick(t.name));\n"
	"    s.append(g);\n"
	"  }\n"
	"  box.append(s);\n"
	"}\n"
	"\n"
	"async function loadTargets() {\n"
	"  try {\n"
	"    const d = await getJSON('/api/targets');\n"
	"    $('error').textContent = '';\n"
	"    const stale = d.targets.filter((t) => t.status === 'stale').length;\n"
	"    $('summary').textContent = d.targets.length + ' targets, ' + stale + ' stale';\n"
	"    renderTable(d);\n"
	"    renderDag(d);\n"
	"    if (d.build && d.build.running && !following) follow(d.build.id);\n"
	"  } catch (e) {\n"
	"    $('error').textContent = e.message;\n"
	"  }\n"
	"}\n"
	"\n"
	"async function loadRuns() {\n"
	"  const body = $('runs').tBodies[0];\n"
	"  try {\n"
	"    const runs = await getJSON('/api/runs');\n"
	"    body.replaceChildren();\n"
	"    $('runs-note').textContent = runs.length ? '' : 'no runs yet';\n"
	"    for (const r of runs) {\n"
	"      body.append(el('tr', {'data-run': r.id, onclick: () => showRun(r.id)},\n"
	"        el('td', {class: 'mono'}, r.id), el('td', {}, r.trigger || ''), el('td', {}, r.start || ''),\n"
	"        el('td', {}, r.end || ''), el('td', {}, r.result || (r.ok ? 'ok' : 'failed')),\n"
	"        el('td', {class: 'num'}, r.built), el('td', {class: 'num'}, r.failed),\n"
	"        el('td', {class: 'num'}, r.skipped), el('td', {class: 'num'}, r.restored),\n"
	"        el('td', {class: 'num'}, r.satisfied)));\n"
	"    }\n"
	"  } catch (e) {\n"
	"    $('runs-note').textContent = e.message;\n"
	"  }\n"
	"}\n"
	"\n"
	"async function showRun(id) {\n"
	"  const box = $('run-detail');\n"
	"  try {\n"
	"    const r = await getJSON('/api/runs/' + encodeURIComponent(id));\n"
	"    box.replaceChildren(el('h3', {}, 'run ' + r.id + ' (' + (r.trigger || '') + ', ' + (r.result || (r.ok ? 'ok' : 'failed')) + ')'));\n"
	"    for (const t of r.targets || []) {\n"
	"      box.append(el('div', {}, el('b', {}, t.name), ': ' + t.status +\n"
	"        (t.attempts > 1 ? ', ' + t.attempts + ' attempts' : '') +\n"
	"        (t.duration_ms != null ? ', ' + Math.round(t.duration_ms) + ' ms' : '')));\n"
	"      if (t.log) box.append(el('pre', {}, t.log));\n"
	"    }\n"
	"  } catch (e) {\n"
	"    box.replaceChildren(e.message);\n"
	"  }\n"
	"}\n"
	"\n"
	"async function rebuild(name) {\n"
	"  const status = $('build-status');\n"
	"  status.className = 'running';\n"
	"  status.textContent = 'starting a build of ' + name;\n"
	"  try {\n"
	"    const r = await fetch('/api/targets/' + encodeURIComponent(name) + '/rebuild',\n"
	"                          {method: 'POST', headers: {'X-Pipe-Token': token}});\n"
	"    const j = await r.json();\n"
	"    if (r.status === 409) {\n"
	"      status.textContent = 'build ' + j.id + ' of ' + j.target + ' is still running';\n"
	"      return;\n"
	"    }\n"
	"    if (!r.ok) throw new Error(j.error || r.statusText);\n"
	"    follow(j.id);\n"
	"  } catch (e) {\n"
	"    status.className = 'failed';\n"
	"    status.textContent = e.message;\n"
	"  }\n"
	"}\n"
	"\n"
	"async function follow(id) {\n"
	"  const status = $('build-status'), out = $('build-output');\n"
	"  let offset = 0;\n"
	"  following = id;\n"
	"  out.textContent = '';\n"
	"  try {\n"
	"    for (;;) {\n"
	"      const b = await getJSON('/api/builds/' + id + '?offset=' + offset);\n"
	"      out.append(b.output);\n"
	"      out.scrollTop = out.scrollHeight;\n"
	"      offset = b.offset;\n"
	"      const result = b.running ? 'running' : b.exit === 0 ? 'ok' : 'failed';\n"
	"      status.className = result;\n"
	"      status.textContent = 'build ' + b.id + ' of ' + b.target + ': ' + result +\n"
	"                           (b.running || b.exit === 0 ? '' : ' (exit ' + b.exit + ')');\n"
	"      if (!b.running && b.output === '') break;\n"
	"      if (b.output === '') await sleep(300);\n"
	"    }\n"
	"  } catch (e) {\n"
	"    status.className = 'failed';\n"
	"    status.textContent = e.message;\n"
	"  }\n"
	"  following = null;\n"
	"  await loadTargets();\n"
	"  loadRuns();\n"
	"}\n"
	"\n"
	"$('refresh').onclick = () => { loadTargets(); loadRuns(); };\n"
	"loadTargets();\n"
	"loadRuns();\n"
	"</script>\n"
	"</body>\n"
	"</html>\n";


char *serve_data_page(const char *token)
{
	const char *mark = strstr(page_html, "@TOKEN@");
	return xasprintf("%.*s%s%s", (int)(mark - page_html), page_html, token, mark + strlen("@TOKEN@"));
}

struct serve_data *serve_data_new(const struct serve_opts *o)
{
	struct serve_data *s = xcalloc(1, sizeof(*s));
	s->o = o;
	return s;
}

void serve_data_free(struct serve_data *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < s->nbuilds; k++) {
		free(s->builds[k].target);
		close(s->builds[k].log_fd);
	}
	for (size_t k = 0; k < s->records.cap; k++)
		if (s->records.keys[k]) {
			struct record_json *r = s->records.vals[k];
			free((char *)s->records.keys[k]);
			free(r->json);
			free(r);
		}
	strmap_free(&s->records);
	plan_drop(s);
	if (s->dag.handle)
		s->o->free_dag(s->o->arg, s->dag.handle);
	buf_free(&s->dag.files);
	free(s);
}
