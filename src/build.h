/* build: runs a plan: -j workers, -k, early cutoff, progress, atomic
 * publish, state records and one history commit per build. */
#ifndef PIPE_BUILD_H
#define PIPE_BUILD_H

#include <stdbool.h>

#include "graph.h"

struct backend;

struct build_opts {
	int jobs;          /* parallel targets; 0 means the number of CPUs */
	bool keep_going;   /* -k: build what does not depend on a failure */
	bool dry_run;      /* -n: say what would be rebuilt and why */
	bool force;        /* -B: rebuild the selected targets whatever their state */
	bool full_refresh; /* forget incremental cursors and loaded rows */
	bool no_wait;      /* fail at once when another build holds the lock */
	int verbose;
	struct backend *warehouse; /* for the kinds' ctx->warehouse (backend.h) */
	const bool *forced; /* per node: rebuild it whatever its state; may be NULL */
	const char *run_id; /* the records' run id; NULL: made from the time and pid */
	const char *trigger; /* what started the run (runs.c): NULL means manual */
};

/* Builds the selected targets (and what they need) of the project in the
 * current directory.  Returns 0 when everything selected is up to date
 * afterwards, 1 when a target failed, or a negative error. */
int build_run(const struct graph *g, const bool *selected, const struct build_opts *o);
/* The signal (SIGINT, SIGTERM, SIGHUP) that stopped the last build_run, or 0. */
int build_signal(void);

/* `pipe status`: every selected target, up to date or stale and why.
 * Returns the number of stale targets, or a negative error. */
int build_status(const struct graph *g, const bool *selected, bool quiet);

struct plan;
struct index;
/* For pipe fsck: takes the build lock without waiting (PIPE_ELOCKED when a
 * build holds it); the caller closes *fd. */
int build_lock(int *fd);
/* Under the lock: records a killed build left between publishing an output
 * and renaming its record are put in place when the output is theirs. */
int build_finish_pending(const struct graph *g, const struct plan *p, struct index *ix);

#endif
