/* verify: `pipe verify`, each target's recorded output made again (or,
 * for one that cannot be, its stored bytes read) and compared. */
#ifndef PIPE_VERIFY_H
#define PIPE_VERIFY_H

#include <stdbool.h>

#include "graph.h"

struct backend;

/* Prints one line per selected target (ok, MISMATCH, missing, stale) and
 * a summary.  Returns 0, 1 when anything mismatched, or a negative error. */
int verify_run(const struct graph *g, const bool *selected, struct backend *wh);

#endif
