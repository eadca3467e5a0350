/* verify: `pipe verify`, the claim that builds are reproducible, checked.
 *
 * For each selected target with a record, in build order: a target whose
 * kind makes its output from its key alone (kind->pure) is built again into
 * a scratch directory (targets/.tmp/<pid>), from its inputs as they are,
 * which must be the ones its record names, and the new output's hash is
 * compared with the record's.  Any other target (a snapshot, an append or
 * merge table) cannot be made again; its stored bytes are checked: the
 * output in targets/, or the cache's copy when that is gone.  Nothing in
 * targets/, state/ or the index changes.
 *
 * One line per target: ok, MISMATCH (with the first file that differs from
 * the recorded output, as the cache lists it), missing (no record, no
 * output, or an input not as recorded) or stale (the DAG file's recipe is
 * not the recorded one). */
#include "verify.h"
#include "cache.h"
#include "build.h"
#include "index.h"
#include "kind.h"
#include "plan.h"
#include "state.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void quiet_log(struct build_ctx *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

struct files {
	struct cache_tree t;
	size_t root_len;
};

static int list_file(void *arg, const char *path, const struct stat *st, struct hash *out)
{
	struct files *f = arg;
	int error = hash_file(path, out);
	if (error == 0)
		cache_tree_add(&f->t, path + f->root_len, out, st->st_mode);
	return error;
}

/* The first file of the recorded output that the rebuilt one does not
 * have, or has with other bytes, by the cache's list; else the first the
 * rebuilt one has in addition. */
static void first_difference(const struct hash *recorded, const struct cache_tree *got, struct buf *verdict)
{
	struct cache_tree want = {0};
	struct buf diff = BUF_INIT, *out = &diff;
	if (cache_read_tree(recorded, &want) < 0) {
		error_clear();
		buf_puts(verdict, "the cache does not list the recorded files");
		return;
	}
	for (size_t i = 0; i < want.n && !out->len; i++) {
		size_t k = 0;
		while (k < got->n && strcmp(got->e[k].rel, want.e[i].rel))
			k++;
		if (k == got->n)
			buf_printf(out, "%s: not made", want.e[i].rel[0] ? want.e[i].rel + 1 : "the output");
		else if (!hash_eq(&got->e[k].hash, &want.e[i].hash))
			buf_printf(out, "first differing file: %s", got->e[k].rel[0] ? got->e[k].rel + 1 : "the output");
	}
	for (size_t k = 0; k < got->n && !out->len; k++) {
		size_t i = 0;
		while (i < want.n && strcmp(got->e[k].rel, want.e[i].rel))
			i++;
		if (i == want.n)
			buf_printf(out, "%s: not recorded", got->e[k].rel + 1);
	}
	if (!out->len)
		buf_puts(out, "the same files, in another tree");
	buf_add(verdict, diff.data, diff.len);
	buf_free(&diff);
	cache_tree_free(&want);
}

/* Builds node i again into scratch and compares. */
static int rebuild(const struct graph *g, struct plan *p, int i, const struct state_record *rec,
                   struct backend *wh, const char *scratch, struct buf *verdict, bool *mismatch)
{
	const struct node *nd = &g->nodes[i];
	const char **inputs = xcalloc(nd->ninputs + 1, sizeof(char *));
	const char **input_targets = xcalloc(nd->ninputs + 1, sizeof(char *));
	struct hash *hashes = xcalloc(nd->ninputs + 1, sizeof(struct hash));
	struct state_record fresh;
	struct files f = {{0}, 0};
	struct hash got;
	char *out = path_join(scratch, nd->t->name);
	int error = 0;

	state_record_init(&fresh);
	for (size_t k = 0; k < nd->ninputs; k++) {
		int dep = nd->inputs[k].target;
		const struct state_input *want = state_input_find(rec, nd->inputs[k].name);
		inputs[k] = dep >= 0 ? p->outputs[dep] : nd->inputs[k].name;
		input_targets[k] = dep >= 0 ? nd->inputs[k].name : NULL;
		if (index_hash_path(p->ix, inputs[k], &hashes[k]) < 0 || !want ||
		    !hash_eq(&want->hash, &hashes[k])) {
			error_clear();
			buf_printf(verdict, "missing (input %s is not as recorded)", nd->inputs[k].name);
			goto done;
		}
	}
	struct build_ctx ctx = {
		.target = nd->t,
		.inputs = inputs,
		.input_targets = input_targets,
		.input_hashes = hashes,
		.ninputs = nd->ninputs,
		.out = out,
		.final_out = p->outputs[i],
		.warehouse = wh,
		.rec = &fresh,
		.full_refresh = true,
		.log = quiet_log,
	};
	fresh.rows = -1;
	if ((error = nd->t->kind->build(&ctx)) < 0) {
		buf_printf(verdict, "MISMATCH (the build failed: %s)", error_last());
		error_clear();
		*mismatch = true;
		error = 0;
		buf_free(&ctx.output);
		goto done;
	}
	buf_free(&ctx.output);
	f.root_len = strlen(out);
	if ((error = hash_path(out, list_file, &f, &got)) < 0)
		goto done;
	if (hash_eq(&got, &rec->output)) {
		buf_puts(verdict, "ok");
	} else {
		*mismatch = true;
		buf_puts(verdict, "MISMATCH (");
		first_difference(&rec->output, &f.t, verdict);
		buf_putc(verdict, ')');
	}
done:
	rm_rf(out);
	cache_tree_free(&f.t);
	state_record_free(&fresh);
	free(out);
	free(inputs);
	free(input_targets);
	free(hashes);
	return error;
}

/* A target that cannot be made again: its stored bytes, in targets/ or
 * else in the cache. */
static int stored(struct plan *p, int i, const char *name, const struct state_record *rec, const char *scratch,
                  struct buf *verdict, bool *mismatch)
{
	struct files f = {{0}, 0};
	struct hash got;
	char *out = NULL;
	int error = 0;
	if (path_exists(p->outputs[i])) {
		f.root_len = strlen(p->outputs[i]);
		if ((error = hash_path(p->outputs[i], list_file, &f, &got)) < 0)
			goto done;
		if (hash_eq(&got, &rec->output)) {
			buf_puts(verdict, "ok (its stored bytes)");
		} else {
			*mismatch = true;
			buf_puts(verdict, "MISMATCH (");
			first_difference(&rec->output, &f.t, verdict);
			buf_puts(verdict, ")");
		}
		goto done;
	}
	out = path_join(scratch, name);
	if (cache_restore(&rec->output, out, NULL, NULL) == 0) {
		buf_puts(verdict, "ok (its bytes in the cache)");
	} else {
		buf_printf(verdict, "missing (no output, and the cache has not all of it: %s)", error_last());
		error_clear();
	}
	rm_rf(out);
done:
	cache_tree_free(&f.t);
	free(out);
	return error;
}

int verify_run(const struct graph *g, const bool *selected, struct backend *wh)
{
	struct index *ix = NULL;
	struct plan p;
	struct buf verdict = BUF_INIT;
	char *scratch = NULL;
	size_t width = 0, mismatches = 0, checked = 0;
	int lock_fd = -1, error;

	memset(&p, 0, sizeof(p));
	/* verify is the check itself: damage that moves no ctime (the disk's
	 * own) is found only by reading every byte */
	cache_hash_every_read();
	if ((error = build_lock(&lock_fd)) < 0 || (error = rm_rf(PIPE_TARGETS_DIR "/.tmp")) < 0 ||
	    (error = index_load(&ix, PIPE_INDEX_PATH)) < 0 ||
	    (error = plan_init(&p, g, ix, PIPE_STATE_DIR)) < 0)
		goto done;
	scratch = xasprintf(PIPE_TARGETS_DIR "/.tmp/%ld", (long)getpid());
	if ((error = mkdir_p(scratch)) < 0)
		goto done;
	for (size_t i = 0; i < g->n; i++)
		if (selected[i] && strlen(g->nodes[i].t->name) > width)
			width = strlen(g->nodes[i].t->name);
	for (size_t k = 0; k < g->n && error == 0; k++) {
		int i = g->order[k];
		const struct target *t = g->nodes[i].t;
		struct state_record rec;
		struct index_target last;
		bool mismatch = false;
		if (!selected[i])
			continue;
		buf_clear(&verdict);
		state_record_init(&rec);
		if (state_read(PIPE_STATE_DIR, t->name, &rec) < 0 || hash_is_zero(&rec.output)) {
			error_clear();
			buf_puts(&verdict, "missing (never built)");
		} else if ((error = plan_target(&p, i)) < 0) {
			state_record_free(&rec);
			break;
		} else if (!plan_last(&p, i, &last) || !hash_eq(&p.t[i].recipe, &last.recipe)) {
			buf_puts(&verdict, "stale (its recipe is not the recorded one: pipe build)");
		} else if (t->kind->pure && t->kind->pure(t)) {
			error = rebuild(g, &p, i, &rec, wh, scratch, &verdict, &mismatch);
		} else {
			error = stored(&p, i, t->name, &rec, scratch, &verdict, &mismatch);
		}
		state_record_free(&rec);
		if (error < 0)
			break;
		printf("%-*s  %s\n", (int)width, t->name, buf_cstr(&verdict));
		fflush(stdout);
		mismatches += mismatch;
		checked++;
	}
	if (error == 0) {
		printf("pipe verify: %zu checked, %zu mismatch%s\n", checked, mismatches,
		       mismatches == 1 ? "" : "es");
		error = mismatches ? 1 : 0;
	}
done:
	if (scratch) {
		rm_rf(scratch);
		rmdir(PIPE_TARGETS_DIR "/.tmp");
	}
	free(scratch);
	plan_free(&p);
	index_free(ix);
	buf_free(&verdict);
	if (lock_fd >= 0)
		close(lock_fd);
	return error;
}
