/* runs: the run history, one file per build that ran anything, under
 * state/runs/ (the format, its bounds and the default pruning are
 * described atop runs.c). */
#ifndef PIPE_RUNS_H
#define PIPE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* The runs' directory, relative to the state directory. */
#define RUNS_DIR "runs"

enum {
	RUN_LOG_MAX = 64 * 1024,    /* a target's log keeps its last 64 KiB */
	RUN_LOGS_MAX = 1024 * 1024, /* a run's logs together: 1 MiB */
	RUNS_KEEP = 1000,           /* a build keeps the newest 1,000 runs */
	RUNS_KEEP_DAYS = 90,        /* ... made in the last 90 days */
};

/* The runs, newest first, as a JSON array of objects:
 * {"id","trigger","start","end","ok","built","failed","skipped","restored","satisfied"}
 * (start/end: ISO 8601 UTC strings); max <= 0 means all. */
int runs_list_json(const char *state_dir, int max, struct buf *out);
/* One run as a JSON object: the fields above plus "targets": [{"name",
 * "status","attempts","duration_ms","log"}]; PIPE_ENOTFOUND for an unknown id. */
int runs_show_json(const char *state_dir, const char *id, struct buf *out);

/* `pipe runs`: the same list as text, a run a line. */
int runs_list_print(const char *state_dir, int max, FILE *out);
/* `pipe runs show ID`: the run's file (id NULL: the newest run). */
int runs_show_print(const char *state_dir, const char *id, FILE *out);

/* A target's log while it builds: its tail, whatever its length (the
 * bytes dropped from the front are counted), made safe to show (UTF-8). */
struct run_log {
	struct buf text;
	uint64_t cut;
};
void run_log_add(struct run_log *l, const char *p, size_t n);
void run_log_printf(struct run_log *l, const char *fmt, ...) PIPE_PRINTF(2, 3);
void run_log_free(struct run_log *l);

/* A target of a run: built, restored, satisfied (early cutoff: its inputs
 * were rebuilt with the same content), failed or skipped. */
struct run_target {
	const char *name;
	const char *status;
	int attempts;
	double duration_ms;
	const char *error; /* NULL unless failed */
	const struct run_log *log;
};

/* A run as a build writes it.  result: running, ok, failed,
 * interrupted, error. */
struct run_file {
	const char *id, *trigger, *result;
	int64_t start, end; /* wall clock; end 0 while running */
	double duration_ms;
	const struct run_target *targets; /* in build order */
	size_t ntargets;
};

/* The path of a run's file, relative to the state directory (for history). */
char *runs_path(const char *id);
/* Writes state_dir/runs/<id> atomically. */
int runs_write(const char *state_dir, const struct run_file *r);
/* Runs beyond the newest keep_last (> 0), or started before older_than
 * (> 0, epoch seconds), are deleted, all but keep_id's; each path deleted
 * (relative to state_dir) is added to *removed, one a line.  dry: only
 * says which.  Returns how many, or an error. */
int runs_prune(const char *state_dir, int keep_last, int64_t older_than, const char *keep_id,
               bool dry, struct buf *removed);
/* A run left "running" by a build that was killed is marked killed (all
 * but keep_id's, which is running now).  Called under the build lock. */
int runs_mark_killed(const char *state_dir, const char *keep_id);

#endif
