/* plan: a target's key is the SHA-256 of pipe's format version, its kind,
 * its normalised recipe and its inputs' content hashes.  It is stale when
 * that key differs from the last successful build's, or the output is gone
 * or was changed by hand, or it is forced, expired, due (a cron time has
 * passed since its last build) or failed last time.
 *
 * What the last build said comes from the index (the fast path) and, only
 * when the index has nothing or disagrees, from the target's state record:
 * the index may be missing (a fresh clone) or behind (a killed build). */
#include "plan.h"
#include "cron.h"
#include "kind.h"
#include "state.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Keys that say how often or why, not what: changing them rebuilds nothing. */
static bool recipe_key(const char *key) { return !target_engine_key(key); }

/* White space outside quotes is collapsed, so re-indenting or re-wrapping
 * a recipe does not rebuild anything.  Comments inside a value are kept:
 * whether `#` or `--` starts one depends on the language of the value. */
static char *normalise(const char *v)
{
	char *out = xmalloc(strlen(v) + 1), *o = out;
	char quote = 0;
	bool space = false;
	for (const char *s = v; *s; s++) {
		if (!quote && isspace((unsigned char)*s)) {
			space = o > out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		if (quote && *s == '\\' && s[1])
			*o++ = *s++;
		else if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '\'' || *s == '"' || *s == '`'))
			quote = *s;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static int cmp_attr(const void *a, const void *b)
{
	return strcmp((*(const struct attr *const *)a)->key, (*(const struct attr *const *)b)->key);
}

void plan_recipe(const struct target *t, struct hash *recipe, struct hash **attr_hashes,
                 const char ***attr_keys, size_t *n)
{
	const struct attr **sorted = xmalloc(sizeof(*sorted) * (t->nattrs + 2));
	/* no kind has a key "warehouse": it names the target's warehouse, so
	 * that a table built in another one is stale (and its record says so) */
	struct attr warehouse = {.key = "warehouse", .value = (char *)t->warehouse};
	struct hasher *h = hasher_new();
	size_t m = 0;
	for (size_t i = 0; i < t->nattrs; i++)
		if (recipe_key(t->attrs[i].key))
			sorted[m++] = &t->attrs[i];
	if (t->warehouse)
		sorted[m++] = &warehouse;
	qsort(sorted, m, sizeof(*sorted), cmp_attr);
	if (attr_hashes) {
		*attr_hashes = xmalloc(sizeof(**attr_hashes) * (m + 1));
		*attr_keys = xmalloc(sizeof(**attr_keys) * (m + 1));
		*n = m;
	}
	hasher_str(h, "pipe-recipe");
	hasher_str(h, t->kind->name);
	for (size_t i = 0; i < m; i++) {
		char *v = normalise(sorted[i]->value);
		struct hash ah;
		hash_bytes(v, strlen(v), &ah);
		free(v);
		hasher_str(h, sorted[i]->key);
		hasher_update(h, ah.b, HASH_LEN);
		if (attr_hashes) {
			(*attr_hashes)[i] = ah;
			(*attr_keys)[i] = sorted[i]->key;
		}
	}
	hasher_final(h, recipe);
	free(sorted);
}

void plan_key(const struct hash *recipe, const struct node *nd, const struct hash *inputs,
              struct hash *key)
{
	struct hasher *h = hasher_new();
	hasher_str(h, "pipe-key " PIPE_FORMAT_VERSION);
	hasher_update(h, recipe->b, HASH_LEN);
	for (size_t i = 0; i < nd->ninputs; i++) {
		hasher_str(h, nd->inputs[i].name);
		hasher_update(h, inputs[i].b, HASH_LEN);
	}
	hasher_final(h, key);
}

int plan_init(struct plan *p, const struct graph *g, struct index *ix, const char *state_dir)
{
	memset(p, 0, sizeof(*p));
	p->g = g;
	p->ix = ix;
	p->state_dir = state_dir;
	p->now = time_wall_s();
	p->outputs = xcalloc(g->n, sizeof(*p->outputs));
	p->t = xcalloc_written(g->n, sizeof(*p->t));
	p->pre_start = xmalloc(sizeof(long) * (g->n + 1));
	p->pre_used = xcalloc(g->n + 1, sizeof(bool));
	for (size_t i = 0; i < g->n; i++)
		p->pre_start[i] = -1;
	struct strmap seen = {0};
	int error = 0;
	strmap_reserve(&seen, g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct target *t = g->nodes[i].t;
		char *path = t->kind->output_path ? t->kind->output_path(t) : kind_default_output(t);
		p->outputs[i] = arena_strdup(&p->paths, path);
		free(path);
		const struct target *other = strmap_get(&seen, p->outputs[i]);
		if (other && !error)
			error = error_setcode(PIPE_EUSAGE, "%s:%d:%d: %s writes %s, as %s does (%s:%d:%d)",
			                      t->pos.file, t->pos.line, t->pos.col, t->name,
			                      p->outputs[i], other->name, other->pos.file,
			                      other->pos.line, other->pos.col);
		strmap_put(&seen, p->outputs[i], (void *)t);
	}
	strmap_free(&seen);
	return error;
}

/* What the stat cache compares, not the whole struct stat, in 40 bytes a
 * path: a no-op of 50,000 targets holds 100,000 of them.  The path is the
 * node's (next_pre_path), not kept here. */
struct preload {
	uint64_t ino, size;
	int64_t mtime, ctime; /* nanoseconds */
	uint32_t mode;
	int err; /* errno of the stat, 0 when it worked */
};

static int64_t ns_of(const struct timespec *ts) { return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec; }

/* Node i's preloaded paths in turn, its output's, then its file inputs'
 * in order: start with *j at -1; NULL after the last. */
static const char *next_pre_path(const struct plan *p, size_t i, long *j)
{
	const struct node *nd = &p->g->nodes[i];
	if (*j < 0) {
		*j = 0;
		return p->outputs[i];
	}
	while ((size_t)*j < nd->ninputs && nd->inputs[*j].target >= 0)
		(*j)++;
	return (size_t)*j < nd->ninputs ? nd->inputs[(*j)++].name : NULL;
}

static size_t pre_count(const struct plan *p, size_t i)
{
	size_t n = 0;
	for (long j = -1; next_pre_path(p, i, &j);)
		n++;
	return n;
}

struct preload_slice {
	struct plan *p;
	const bool *selected;
	size_t from, to; /* nodes */
};

/* Stats relative to an open directory, so that the kernel walks one path
 * component instead of all of them; a build's paths share a few parents
 * (targets/, the source directories), kept open in a small cache. */
struct dir_cache {
	struct {
		char *path;
		size_t len;
		int fd;
	} slot[8];
	unsigned next;
};

static int stat_in(struct dir_cache *c, const char *path, struct stat *st)
{
	const char *slash = strrchr(path, '/');
	size_t len;
	int fd = -1;
	if (!slash || slash == path)
		return stat(path, st);
	len = (size_t)(slash - path);
	for (unsigned k = 0; k < 8; k++)
		if (c->slot[k].path && c->slot[k].len == len && !memcmp(c->slot[k].path, path, len))
			fd = c->slot[k].fd;
	if (fd < 0) {
		unsigned k = c->next++ % 8;
		char *dir = xstrndup(path, len);
		if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			free(dir);
			return stat(path, st);
		}
		if (c->slot[k].path) {
			free(c->slot[k].path);
			close(c->slot[k].fd);
		}
		c->slot[k].path = dir;
		c->slot[k].len = len;
		c->slot[k].fd = fd;
	}
	return fstatat(fd, slash + 1, st, 0);
}

static void dir_cache_free(struct dir_cache *c)
{
	for (unsigned k = 0; k < 8; k++)
		if (c->slot[k].path) {
			free(c->slot[k].path);
			close(c->slot[k].fd);
		}
}

/* One thread's share of the nodes: their recipe hashes, and the stats of
 * their outputs and file inputs. */
static void *preload_slice(void *arg)
{
	struct preload_slice *s = arg;
	struct plan *p = s->p;
	struct dir_cache cache;
	memset(&cache, 0, sizeof(cache));
	for (size_t i = s->from; i < s->to; i++) {
		if (!s->selected[i])
			continue;
		plan_recipe(p->g->nodes[i].t, &p->t[i].recipe, NULL, NULL, NULL);
		p->t[i].have_recipe = true;
		long j = -1;
		struct preload *e = &p->pre[p->pre_start[i]];
		for (const char *path; (path = next_pre_path(p, i, &j)); e++) {
			struct stat st = {0};
			e->err = stat_in(&cache, path, &st) < 0 ? errno : 0;
			e->ino = (uint64_t)st.st_ino;
			e->size = (uint64_t)st.st_size;
			e->mtime = ns_of(&st.st_mtim);
			e->ctime = ns_of(&st.st_ctim);
			e->mode = (uint32_t)st.st_mode;
		}
	}
	dir_cache_free(&cache);
	return NULL;
}

void plan_preload(struct plan *p, const bool *selected, int threads)
{
	const struct graph *g = p->g;
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (!selected[i])
			continue;
		p->pre_start[i] = (long)n;
		n += pre_count(p, i);
	}
	p->pre = xcalloc_written(n + 1, sizeof(*p->pre));
	p->npre = n;
	if (threads < 1 || n < 256)
		threads = 1;
	pthread_t tid[16];
	struct preload_slice slice[16];
	if (threads > 16)
		threads = 16;
	for (int t = 0; t < threads; t++) {
		slice[t] = (struct preload_slice){p, selected, g->n * (size_t)t / (size_t)threads,
		                                  g->n * (size_t)(t + 1) / (size_t)threads};
		if (t > 0)
			pthread_create(&tid[t], NULL, preload_slice, &slice[t]);
	}
	preload_slice(&slice[0]);
	for (int t = 1; t < threads; t++)
		pthread_join(tid[t], NULL);
}

struct restat_slice {
	const struct plan *p;
	size_t from, to; /* nodes */
	int64_t recent;  /* a file changed at or after it may have changed again unseen */
	bool changed;
};

static void *restat_slice(void *arg)
{
	struct restat_slice *s = arg;
	const struct plan *p = s->p;
	struct dir_cache cache;
	memset(&cache, 0, sizeof(cache));
	for (size_t i = s->from; i < s->to && !s->changed; i++) {
		if (p->pre_start[i] < 0)
			continue;
		long j = -1;
		const struct preload *e = &p->pre[p->pre_start[i]];
		for (const char *path; !s->changed && (path = next_pre_path(p, i, &j)); e++) {
			struct stat st = {0};
			int err = stat_in(&cache, path, &st) < 0 ? errno : 0;
			s->changed = err != e->err || (uint64_t)st.st_ino != e->ino ||
			             (uint64_t)st.st_size != e->size || ns_of(&st.st_mtim) != e->mtime ||
			             ns_of(&st.st_ctim) != e->ctime || (uint32_t)st.st_mode != e->mode ||
			             st.st_mtim.tv_sec >= s->recent || st.st_ctim.tv_sec >= s->recent;
		}
	}
	dir_cache_free(&cache);
	return NULL;
}

/* Whether a preloaded directory's files hash as they did at the first
 * call (which notes that hash). */
static bool dirs_changed(struct plan *p)
{
	bool first = !p->pre_dirs;
	if (first)
		p->pre_dirs = xcalloc(p->npre + 1, sizeof(*p->pre_dirs));
	for (size_t i = 0; i < p->g->n; i++) {
		if (p->pre_start[i] < 0)
			continue;
		long j = -1;
		size_t at = (size_t)p->pre_start[i];
		for (const char *path; (path = next_pre_path(p, i, &j)); at++) {
			struct hash h;
			if (!S_ISDIR(p->pre[at].mode))
				continue;
			if (index_hash_path(p->ix, path, &h) < 0) {
				error_clear(); /* a zero hash: changed next time */
				if (!first)
					return true;
			} else if (first) {
				p->pre_dirs[at] = h;
			} else if (!hash_eq(&h, &p->pre_dirs[at])) {
				return true;
			}
		}
	}
	return false;
}

bool plan_restat_changed(struct plan *p, int threads)
{
	pthread_t tid[16];
	struct restat_slice slice[16];
	int64_t recent = (int64_t)time(NULL) - 1; /* the real clock, as stat's, not PIPE_NOW */
	bool changed = false;
	if (!p->pre_dirs)
		return dirs_changed(p); /* the first call: what a directory holds now */
	if (threads < 1 || p->npre < 256)
		threads = 1;
	if (threads > 16)
		threads = 16;
	for (int t = 0; t < threads; t++) {
		slice[t] = (struct restat_slice){p, p->g->n * (size_t)t / (size_t)threads,
		                                 p->g->n * (size_t)(t + 1) / (size_t)threads, recent, false};
		if (t > 0)
			pthread_create(&tid[t], NULL, restat_slice, &slice[t]);
	}
	restat_slice(&slice[0]);
	for (int t = 0; t < threads; t++) {
		if (t > 0)
			pthread_join(tid[t], NULL);
		changed = changed || slice[t].changed;
	}
	/* a directory's stat does not change with the files in it: their own
	 * stats do, which the index compares (not on threads: it is one) */
	return changed || dirs_changed(p);
}

/* A preloaded stat when there is one; else stat now. */
static int hash_with_stat(struct plan *p, const char *path, long pre, struct hash *out)
{
	struct stat st;
	if (pre < 0)
		return index_hash_path(p->ix, path, out);
	if (p->pre[pre].err == ENOENT || p->pre[pre].err == ENOTDIR)
		return error_setcode(PIPE_ENOTFOUND, "%s: no such file", path);
	if (p->pre[pre].err)
		return error_set("%s: %s", path, strerror(p->pre[pre].err));
	memset(&st, 0, sizeof(st));
	st.st_ino = (ino_t)p->pre[pre].ino;
	st.st_size = (off_t)p->pre[pre].size;
	st.st_mtim.tv_sec = p->pre[pre].mtime / 1000000000;
	st.st_mtim.tv_nsec = p->pre[pre].mtime % 1000000000;
	st.st_ctim.tv_sec = p->pre[pre].ctime / 1000000000;
	st.st_ctim.tv_nsec = p->pre[pre].ctime % 1000000000;
	st.st_mode = (mode_t)p->pre[pre].mode;
	return index_hash_stat(p->ix, path, &st, out);
}

void plan_free(struct plan *p)
{
	if (!p->g)
		return;
	free(p->pre);
	free(p->pre_dirs);
	free(p->pre_start);
	free(p->pre_used);
	for (size_t i = 0; i < p->g->n; i++) {
		free(p->t[i].why);
		free(p->t[i].last_differs);
	}
	arena_free(&p->paths);
	free(p->outputs);
	free(p->t);
	memset(p, 0, sizeof(*p));
}

bool plan_stale(const struct plan *p, int i) { return p->t[i].reason != REASON_FRESH; }

bool plan_last(const struct plan *p, int i, struct index_target *last)
{
	const struct target_plan *tp = &p->t[i];
	if (!tp->have_last)
		return false;
	if (tp->last_differs) {
		*last = *tp->last_differs;
	} else {
		memset(last, 0, sizeof(*last));
		last->key = tp->key;
		last->recipe = tp->recipe;
		last->output = tp->output;
		last->finished = tp->last_finished;
		last->status = INDEX_OK;
	}
	return true;
}

void plan_set_last(struct plan *p, int i, const struct index_target *last)
{
	struct target_plan *tp = &p->t[i];
	tp->have_last = true;
	tp->last_finished = last->finished;
	if (last->status == INDEX_OK && tp->have_output && hash_eq(&last->key, &tp->key) &&
	    hash_eq(&last->recipe, &tp->recipe) && hash_eq(&last->output, &tp->output)) {
		free(tp->last_differs);
		tp->last_differs = NULL;
		return;
	}
	if (!tp->last_differs)
		tp->last_differs = xmalloc(sizeof(*tp->last_differs));
	*tp->last_differs = *last;
}

const char *reason_text(const struct target_plan *tp)
{
	return tp->why ? tp->why : "up to date";
}

/* The last build as state/ records it, for when the index has nothing. */
static int last_from_state(struct plan *p, int i, struct state_record *rec, bool *found)
{
	int error = state_read(p->state_dir, p->g->nodes[i].t->name, rec);
	*found = false;
	if (error == PIPE_ENOTFOUND) {
		error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	*found = true;
	return 0;
}

void plan_record_to_last(const struct state_record *rec, const struct target *t,
                          struct index_target *last)
{
	struct hasher *h = hasher_new();
	memset(last, 0, sizeof(*last));
	last->key = rec->key;
	last->output = rec->output;
	last->finished = rec->finished;
	last->status = rec->status && !strcmp(rec->status, "ok") ? INDEX_OK : INDEX_FAILED;
	/* the recipe hash, rebuilt from the per-attribute hashes it lists */
	hasher_str(h, "pipe-recipe");
	hasher_str(h, rec->kind ? rec->kind : t->kind->name);
	for (size_t j = 0; j < rec->nrecipe; j++) {
		struct hash ah;
		hasher_str(h, rec->recipe[j].key);
		if (hash_from_hex(rec->recipe[j].value, &ah) < 0)
			memset(&ah, 0, sizeof(ah));
		hasher_update(h, ah.b, HASH_LEN);
	}
	hasher_final(h, &last->recipe);
}

/* Whether output is the one state/ records for target i: the index may be
 * behind state/ after a killed build (a pending record put in place by the
 * next command), and an output is modified outside pipe only when it is
 * neither. */
static bool output_as_recorded(struct plan *p, int i, const struct hash *output)
{
	struct state_record rec = {0};
	bool found = false, same;
	if (last_from_state(p, i, &rec, &found) < 0)
		error_clear();
	same = found && hash_eq(&rec.output, output);
	state_record_free(&rec);
	return same;
}

static void set_why(struct target_plan *tp, enum reason r, char *why)
{
	free(tp->why);
	tp->reason = r;
	tp->why = why;
}

/* "due (cron = 0 * * * *, last run ..., due ...)", in the target's zone. */
static char *cron_due_why(const char *cron, const char *tz, int64_t last, int64_t due)
{
	char last_text[32], due_text[32];
	cron_time(last, tz, last_text);
	cron_time(due, tz, due_text);
	return xasprintf("due (cron = %s, last run %s, due %s)", cron, last_text, due_text);
}

/* A target whose every build failed: "never built" would hide that it was
 * tried, and why it failed.  The why is the record's error, which holds no
 * secret (the kinds scrub it before it is written). */
static char *never_succeeded(struct plan *p, int i)
{
	struct state_record rec = {0};
	bool found;
	char *why;
	if (last_from_state(p, i, &rec, &found) < 0 || !found || !rec.error) {
		error_clear();
		why = xstrdup("failed last time (never built successfully)");
	} else {
		why = xasprintf("failed last time (never built successfully): %.*s",
		                (int)strcspn(rec.error, "\n"), rec.error);
	}
	state_record_free(&rec);
	return why;
}

/* Which recipe attributes differ from the record's: "run" or "sql, dataset". */
static char *changed_attrs(struct plan *p, int i)
{
	const struct target *t = p->g->nodes[i].t;
	struct state_record rec = {0};
	struct hash *hashes = NULL, dummy;
	const char **keys = NULL;
	struct buf b = BUF_INIT;
	size_t n = 0;
	bool found;
	if (last_from_state(p, i, &rec, &found) < 0 || !found) {
		error_clear();
		return xstrdup("recipe changed");
	}
	plan_recipe(t, &dummy, &hashes, &keys, &n);
	for (size_t j = 0; j < n; j++) {
		char hex[HASH_HEX_LEN + 1];
		const char *old = NULL;
		hash_hex(&hashes[j], hex);
		for (size_t k = 0; k < rec.nrecipe; k++)
			if (!strcmp(rec.recipe[k].key, keys[j]))
				old = rec.recipe[k].value;
		if (!old || strcmp(old, hex) != 0)
			buf_printf(&b, "%s%s", b.len ? ", " : "", keys[j]);
	}
	for (size_t k = 0; k < rec.nrecipe; k++) {
		bool still = false;
		for (size_t j = 0; j < n; j++)
			still |= !strcmp(rec.recipe[k].key, keys[j]);
		if (!still)
			buf_printf(&b, "%s%s removed", b.len ? ", " : "", rec.recipe[k].key);
	}
	if (strcmp(rec.kind ? rec.kind : "", t->kind->name) != 0)
		buf_printf(&b, "%skind", b.len ? ", " : "");
	char *why = b.len ? xasprintf("recipe changed (%s)", b.data) : xstrdup("recipe changed");
	buf_free(&b);
	free(hashes);
	free(keys);
	state_record_free(&rec);
	return why;
}

static bool check_key(const struct target *t, const char *key)
{
	for (const char *const *k = t->kind->check_keys; k && *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

/* Whether the recipe changed in the kind's check keys alone, with the same
 * inputs as the record's build: its output, in place, is what a build would
 * make again, and only the checks need to run (the table's key and the
 * checks' are two things).  Asked only when the recipe changed. */
static bool only_checks_changed(struct plan *p, int i, const struct hash *inputs)
{
	const struct node *nd = &p->g->nodes[i];
	const struct target *t = nd->t;
	struct state_record rec = {0};
	struct hash *hashes = NULL, dummy;
	const char **keys = NULL;
	size_t n = 0, same = 0, current = 0, recorded = 0;
	bool found, yes = false;
	if (!t->kind->check_keys || last_from_state(p, i, &rec, &found) < 0 || !found) {
		error_clear();
		goto done;
	}
	if (strcmp(rec.kind ? rec.kind : "", t->kind->name) || rec.ninputs != nd->ninputs)
		goto done;
	for (size_t j = 0; j < nd->ninputs; j++)
		if (strcmp(rec.inputs[j].name, nd->inputs[j].name) || !hash_eq(&rec.inputs[j].hash, &inputs[j]))
			goto done;
	plan_recipe(t, &dummy, &hashes, &keys, &n);
	for (size_t j = 0; j < n; j++) {
		char hex[HASH_HEX_LEN + 1];
		if (check_key(t, keys[j]))
			continue;
		hash_hex(&hashes[j], hex);
		for (size_t k = 0; k < rec.nrecipe; k++)
			if (!strcmp(rec.recipe[k].key, keys[j]) && !strcmp(rec.recipe[k].value, hex))
				same++;
		current++;
	}
	for (size_t k = 0; k < rec.nrecipe; k++)
		recorded += !check_key(t, rec.recipe[k].key);
	yes = same == current && recorded == current;
done:
	free(hashes);
	free(keys);
	state_record_free(&rec);
	return yes;
}

static char *changed_inputs(struct plan *p, int i, const struct hash *inputs)
{
	const struct node *nd = &p->g->nodes[i];
	struct state_record rec = {0};
	struct buf b = BUF_INIT;
	size_t count = 0;
	bool found;
	if (last_from_state(p, i, &rec, &found) < 0 || !found) {
		error_clear();
		return xstrdup("inputs changed");
	}
	for (size_t j = 0; j < nd->ninputs; j++) {
		const struct state_input *si = state_input_find(&rec, nd->inputs[j].name);
		if (!si || !hash_eq(&si->hash, &inputs[j])) {
			buf_printf(&b, "%s%s", count ? ", " : "", nd->inputs[j].name);
			count++;
		}
	}
	for (size_t k = 0; k < rec.ninputs; k++) {
		bool still = false;
		for (size_t j = 0; j < nd->ninputs; j++)
			still |= !strcmp(rec.inputs[k].name, nd->inputs[j].name);
		if (!still) {
			buf_printf(&b, "%s%s removed", count ? ", " : "", rec.inputs[k].name);
			count++;
		}
	}
	char *why = count == 0 ? xstrdup("format changed")
	          : xasprintf("input%s %s changed", count > 1 ? "s" : "", b.data);
	buf_free(&b);
	state_record_free(&rec);
	return why;
}

int plan_target(struct plan *p, int i)
{
	const struct node *nd = &p->g->nodes[i];
	const struct target *t = nd->t;
	struct target_plan *tp = &p->t[i];
	struct hash *inputs = xcalloc(nd->ninputs + 1, sizeof(*inputs));
	const char *upstream = NULL;
	struct state_record rec = {0};
	int error = 0;
	bool found, have_last;
	struct index_target last;
	long pre = p->pre_used[i] ? -1 : p->pre_start[i], pre_in = pre >= 0 ? pre + 1 : -1;

	p->pre_used[i] = true; /* used once: after a build, stat again */
	if (!tp->have_recipe) {
		plan_recipe(t, &tp->recipe, NULL, NULL, NULL);
		tp->have_recipe = true;
	}
	struct index_target indexed;
	bool in_index = index_target_get(p->ix, t->name, &indexed);
	/* the key and output change below: set at the end */
	tp->have_last = have_last = false;
	if (in_index) {
		last = indexed;
		have_last = true;
	} else {
		if ((error = last_from_state(p, i, &rec, &found)) < 0)
			goto done;
		if (found) {
			plan_record_to_last(&rec, t, &last);
			have_last = true;
		}
		state_record_free(&rec);
	}

	for (size_t j = 0; j < nd->ninputs; j++) {
		int dep = nd->inputs[j].target;
		if (dep >= 0) {
			if (p->t[dep].reason != REASON_FRESH || !p->t[dep].have_output) {
				if (!upstream)
					upstream = nd->inputs[j].name;
				continue;
			}
			inputs[j] = p->t[dep].output;
		} else if ((error = hash_with_stat(p, nd->inputs[j].name, pre_in >= 0 ? pre_in++ : -1,
		                                   &inputs[j])) < 0) {
			if (error == PIPE_ENOTFOUND)
				error = graph_unknown_dependency(p->g, i, j);
			goto done;
		}
	}
	if (!upstream)
		plan_key(&tp->recipe, nd, inputs, &tp->key);

	error = hash_with_stat(p, p->outputs[i], pre, &tp->output);
	tp->have_output = error == 0;
	if (error == PIPE_ENOTFOUND) {
		index_expect_file(p->ix, p->outputs[i]);
		error_clear();
		error = 0;
	} else if (error < 0) {
		goto done;
	}

	/* the index may be behind state/ after a killed build: ask state/ */
	if (have_last && !upstream && !hash_eq(&tp->key, &last.key)) {
		if ((error = last_from_state(p, i, &rec, &found)) < 0)
			goto done;
		if (found) {
			struct index_target st;
			plan_record_to_last(&rec, t, &st);
			if (hash_eq(&st.key, &tp->key))
				last = st;
		}
		state_record_free(&rec);
	}

	const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
	int64_t due = have_last ? schedule_next(every, cron, target_value(t, "tz"), last.finished) : -1;
	if (!have_last || last.status == INDEX_NONE ||
	    (hash_is_zero(&last.key) && last.status != INDEX_FAILED))
		set_why(tp, REASON_NEVER_BUILT, xstrdup("never built"));
	else if (hash_is_zero(&last.key))
		set_why(tp, REASON_FAILED, never_succeeded(p, i));
	else if (p->force || (p->forced && p->forced[i]))
		set_why(tp, REASON_FORCED, xstrdup("forced"));
	else if (!hash_eq(&tp->recipe, &last.recipe) && !upstream && tp->have_output &&
	         hash_eq(&tp->output, &last.output) && !(due >= 0 && due <= p->now) &&
	         only_checks_changed(p, i, inputs)) { /* one that is due builds: its source may have moved */
		char *attrs = changed_attrs(p, i);
		set_why(tp, REASON_CHECKS, xasprintf("%s: running the checks alone", attrs));
		free(attrs);
	} else if (!hash_eq(&tp->recipe, &last.recipe))
		set_why(tp, REASON_RECIPE, changed_attrs(p, i));
	else if (upstream)
		set_why(tp, REASON_UPSTREAM, xasprintf("input %s will be rebuilt", upstream));
	else if (!hash_eq(&tp->key, &last.key))
		set_why(tp, REASON_INPUT, changed_inputs(p, i, inputs));
	else if (!tp->have_output)
		set_why(tp, REASON_OUTPUT_MISSING, xasprintf("output %s is missing", p->outputs[i]));
	else if (!hash_eq(&tp->output, &last.output))
		set_why(tp, REASON_OUTPUT_MODIFIED,
		        xasprintf("output %s was modified outside pipe", p->outputs[i]));
	else if (last.status == INDEX_FAILED)
		set_why(tp, REASON_FAILED, xstrdup("last build failed"));
	else if (due >= 0 && due <= p->now)
		set_why(tp, REASON_EXPIRED, every ? xasprintf("expired (every = %s)", every)
		                                  : cron_due_why(cron, target_value(t, "tz"), last.finished, due));
	else
		set_why(tp, REASON_FRESH, NULL);
	/* a reason that outranks it must not hide an output changed by hand:
	 * an append or merge table refuses to build on one (docs/staging.md) */
	if (tp->reason != REASON_FRESH && tp->reason != REASON_OUTPUT_MODIFIED && have_last && tp->have_output &&
	    !hash_is_zero(&last.output) && !hash_eq(&tp->output, &last.output) &&
	    !output_as_recorded(p, i, &tp->output))
		set_why(tp, tp->reason, xasprintf("%s; output %s was modified outside pipe", tp->why, p->outputs[i]));

	/* a fresh target found only through state/ goes back into the index */
	if (tp->reason == REASON_FRESH && (!in_index || !index_target_eq(&indexed, &last)))
		index_target_put(p->ix, t->name, &last);
done:
	if (have_last)
		plan_set_last(p, i, &last);
	state_record_free(&rec);
	free(inputs);
	return error;
}
