/* restore: outputs brought back from the cache as a commit of state/
 * recorded them: `pipe restore [REV]` into targets/, and the tables of a
 * revision in a scratch directory for `pipe query --at REV`. */
#ifndef PIPE_RESTORE_H
#define PIPE_RESTORE_H

#include <stdbool.h>

#include "graph.h"

/* Makes the outputs of the targets that rev (NULL: HEAD) recorded what it
 * recorded, and state/'s records its records, in one commit.  Offline:
 * everything comes from the cache.  When the cache lacks anything, lists
 * it and changes nothing (returns 1); with list_only, only lists it.
 * Returns 0, 1, or a negative error. */
int restore_run(const struct graph *g, const char *rev, bool list_only);

/* The tables rev recorded, placed in dir (which must not exist) as links
 * to the cache's files, each checked; the caller opens a warehouse there
 * and removes dir. */
int restore_tables_at(const char *rev, const char *dir);

#endif
