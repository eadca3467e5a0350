/* scheduler: `pipe scheduler`, the long-running process that builds what
 * is due (docs/orchestration.md), and the unit file and crontab lines for
 * those who let the system schedule `pipe build` instead. */
#ifndef PIPE_SCHEDULER_H
#define PIPE_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "build.h"
#include "graph.h"

struct index;

struct scheduler_opts {
	/* Reads the DAG files afresh (at start, and when they change): the
	 * graph, the targets the command line selected, and a handle that
	 * free_dag frees.  Sets an error and returns < 0 on a bad DAG. */
	int (*load_dag)(void *arg, const struct graph **g, const bool **selected, void **dag);
	void (*free_dag)(void *arg, void *dag);
	void *arg;
	struct build_opts build; /* each run's: jobs, verbosity, the warehouse */
	int64_t until;           /* --until: stop when the clock reaches it; -1: never */
};

/* Runs until SIGTERM or SIGINT (then returns 0, after the running build
 * finished or was abandoned atomically) or until o->until.  PIPE_ELOCKED
 * when another scheduler holds the project's lock. */
int scheduler_run(const struct scheduler_opts *o);

/* When target name last built successfully (epoch seconds), from the index
 * or else its state record; -1 when never. */
int64_t scheduler_last_build(const struct index *ix, const char *name);

/* `pipe scheduler --systemd`: a service unit that runs `pipe scheduler` in
 * the current directory; `--cron`: a crontab line per scheduled target that
 * runs `pipe build TARGET` at least as often as it is due. */
int scheduler_print_systemd(FILE *out);
int scheduler_print_cron(const struct graph *g, const bool *selected, FILE *out);

#endif
