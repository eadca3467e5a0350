/* serve: `pipe serve`, the project's local web page and its JSON API
 * (docs/orchestration.md, "pipe serve"). */
#ifndef PIPE_SERVE_H
#define PIPE_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "graph.h"

struct serve_opts {
	/* Reads the DAG files afresh, as scheduler_opts does: again whenever
	 * one of the files it read changed, so that an edit shows at the next
	 * refresh of the page. */
	int (*load_dag)(void *arg, const struct graph **g, const bool **selected, void **dag);
	void (*free_dag)(void *arg, void *dag);
	void *arg;
	const char *listen; /* ADDR:PORT; NULL: 127.0.0.1:8080 */
	/* The words each rebuild passes on to `pipe build` (-f FILE,
	 * --profile NAME, NAME=value), with -f paths relative to the root. */
	char *const *build_words;
	size_t nbuild_words;
};

/* Serves until SIGINT or SIGTERM, then returns 0.  PIPE_EUSAGE for a bad
 * --listen; PIPE_ERROR when it cannot listen or libmicrohttpd is missing. */
int serve_run(const struct serve_opts *o);

#endif
