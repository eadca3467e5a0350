/* fsck: `pipe fsck`, the project's state checked against itself, and
 * repaired where nothing is lost by it.
 *
 * Under the build lock, in this order:
 *   1. records a killed build left in .pipe/pending are put in place when
 *      the output is theirs (build_finish_pending);
 *   2. the state repository: HEAD and every commit and tree read.  A missing
 *      one is started anew from the records (its history is lost, which is
 *      said); a damaged one is left to the user;
 *   3. each target's record parses (a damaged or missing one is put back
 *      from HEAD when HEAD holds one) and its output hashes as it says;
 *   4. records that differ from HEAD's (a build that never committed) are
 *      committed;
 *   5. the index agrees with the records, else it is removed: the next build
 *      makes it again from state/.
 * Each problem is one line, "path: what is wrong: what was done", then a
 * summary.  Returns the number of problems found, repaired or not. */
#include "build.h"
#include "fsck.h"
#include "history.h"
#include "index.h"
#include "plan.h"
#include "runs.h"
#include "state.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fsck {
	size_t problems, repaired;
	bool repo_ok;
	const char **commit; /* records to commit */
	size_t ncommit, capcommit;
};

static void problem(struct fsck *f, bool repaired, const char *fmt, ...) PIPE_PRINTF(3, 4);
static void problem(struct fsck *f, bool repaired, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	f->problems++;
	f->repaired += repaired;
}

static int check_repository(struct fsck *f)
{
	size_t ncommits;
	int error = history_verify(PIPE_STATE_DIR, true, &ncommits);
	if (error == 0) {
		f->repo_ok = true;
		return 0;
	}
	if (error != PIPE_ENOTFOUND) {
		problem(f, false, "%s: not repaired: restore %s/.git from a clone or a backup; or "
		        "move it aside and run pipe fsck again to start a new history (the old one "
		        "is then lost)", error_last(), PIPE_STATE_DIR);
		error_clear();
		return 0;
	}
	error_clear();
	bool records = path_exists(PIPE_STATE_DIR "/targets");
	if ((error = history_create(PIPE_STATE_DIR)) < 0)
		return error;
	f->repo_ok = true;
	if (records)
		problem(f, true, "%s/.git: missing: started a new history from the records; "
		        "THE BUILD HISTORY BEFORE IT IS LOST", PIPE_STATE_DIR);
	return 0;
}

/* A record that does not read (or is gone) goes back to HEAD's, if HEAD
 * has a good one. */
static int put_back(struct fsck *f, const char *name, const char *why, struct state_record *rec)
{
	struct buf text = BUF_INIT;
	char *rel = state_path(name), *path = path_join(PIPE_STATE_DIR, rel);
	int error = 0;
	bool good = f->repo_ok && history_read_committed(PIPE_STATE_DIR, rel, &text) == 0 &&
	            state_parse(buf_cstr(&text), path, rec) == 0 && !strcmp(rec->target, name);
	if (!good) {
		error_clear();
		state_record_free(rec);
		if (why)
			problem(f, false, "%s: not repaired: HEAD holds no good record of %s; remove "
			        "it (rm %s) and the next build rebuilds the target from scratch",
			        why, name, path);
		goto done;
	}
	if ((error = state_write(PIPE_STATE_DIR, rec)) < 0)
		goto done;
	problem(f, true, "%s%s: put back the record HEAD holds (what a later build recorded "
	        "is lost)", why ? why : path, why ? "" : ": missing");
done:
	buf_free(&text);
	free(rel);
	free(path);
	return error;
}

static void check_output(struct fsck *f, const char *out, const struct state_record *rec)
{
	struct hash h;
	if (hash_is_zero(&rec->output))
		return; /* never built */
	if (hash_path(out, NULL, NULL, &h) < 0) {
		problem(f, false, "%s: %s: the next build rebuilds it", out, error_last());
		error_clear();
	} else if (!hash_eq(&h, &rec->output)) {
		problem(f, false, "%s: differs from its record (modified outside pipe): the next "
		        "build rebuilds it", out);
	}
}

/* A record HEAD does not hold as it is on disk waits for a commit. */
static void check_committed(struct fsck *f, const char *name)
{
	struct buf disk = BUF_INIT, head = BUF_INIT;
	char *rel = state_path(name), *path = path_join(PIPE_STATE_DIR, rel);
	if (file_read(path, &disk) == 0 &&
	    (history_read_committed(PIPE_STATE_DIR, rel, &head) < 0 || disk.len != head.len ||
	     memcmp(disk.data, head.data, disk.len))) {
		grow_array(&f->commit, &f->capcommit, f->ncommit + 1, sizeof(char *));
		f->commit[f->ncommit++] = rel;
		rel = NULL;
	}
	error_clear();
	buf_free(&disk);
	buf_free(&head);
	free(rel);
	free(path);
}

static bool index_agrees(const struct index *ix, const char *name,
                         const struct state_record *rec)
{
	struct index_target t;
	return !index_target_get(ix, name, &t) || (hash_eq(&t.key, &rec->key) && hash_eq(&t.output, &rec->output));
}

int fsck_run(const struct graph *g)
{
	struct fsck f = {0};
	struct index *ix = NULL;
	struct plan p = {0};
	bool index_bad = false;
	int lock_fd = -1, error;
	size_t records = 0;

	if ((error = build_lock(&lock_fd)) < 0)
		return error;
	if ((error = index_load(&ix, PIPE_INDEX_PATH)) < 0 ||
	    (error = plan_init(&p, g, ix, PIPE_STATE_DIR)) < 0 ||
	    (error = build_finish_pending(g, &p, ix)) < 0 || (error = check_repository(&f)) < 0)
		goto done;
	if (index_damaged(ix)) {
		problem(&f, true, "%s: damaged: removed; the next build makes it again from %s/",
		        PIPE_INDEX_PATH, PIPE_STATE_DIR);
		index_bad = true;
	}
	for (size_t i = 0; i < g->n; i++) {
		const char *name = g->nodes[i].t->name;
		struct state_record rec;
		char *why = NULL;
		error = state_read(PIPE_STATE_DIR, name, &rec);
		if (error == PIPE_ENOTFOUND) {
			error_clear();
			error = put_back(&f, name, NULL, &rec); /* a record rm'd by hand */
		} else if (error < 0) {
			/* the message without its hint: this is the repair it names */
			why = xstrdup(error_last());
			char *hint = strstr(why, " (the record is damaged");
			if (hint)
				*hint = '\0';
			error_clear();
			error = put_back(&f, name, why, &rec);
		}
		free(why);
		if (error < 0)
			goto done;
		if (rec.target) {
			records++;
			check_output(&f, p.outputs[i], &rec);
			if (!index_bad && !index_agrees(ix, name, &rec)) {
				problem(&f, true, "%s: disagrees with %s/targets/%s.state: removed; the "
				        "next build makes it again from %s/", PIPE_INDEX_PATH,
				        PIPE_STATE_DIR, name, PIPE_STATE_DIR);
				index_bad = true;
			}
			if (f.repo_ok)
				check_committed(&f, name);
		}
		state_record_free(&rec);
	}
	if (index_bad && unlink(PIPE_INDEX_PATH) < 0 && errno != ENOENT) {
		error = error_set("cannot remove %s: %s", PIPE_INDEX_PATH, strerror(errno));
		goto done;
	}
	if (f.ncommit) {
		bool committed;
		/* a killed build's run, left running, says so in the commit */
		if ((error = runs_mark_killed(PIPE_STATE_DIR, NULL)) < 0)
			goto done;
		for (size_t k = 0; k < f.ncommit; k++)
			problem(&f, true, "%s/%s: not committed: committed", PIPE_STATE_DIR,
			        f.commit[k]);
		if ((error = history_commit_paths(PIPE_STATE_DIR,
		                                  "pipe fsck: records no build committed\n",
		                                  f.commit, f.ncommit, &committed)) < 0)
			goto done;
	}
	if (!f.problems)
		printf("pipe fsck: %zu records, their outputs, the index and %s/ agree\n", records,
		       PIPE_STATE_DIR);
	else
		printf("pipe fsck: %zu problem%s, %zu repaired\n", f.problems,
		       f.problems == 1 ? "" : "s", f.repaired);
	error = (int)f.problems;
done:
	for (size_t k = 0; k < f.ncommit; k++)
		free((char *)f.commit[k]);
	free(f.commit);
	plan_free(&p);
	index_free(ix);
	if (lock_fd >= 0)
		close(lock_fd);
	return error;
}
