/* audit: `pipe test`, the checks of built targets run again on their
 * outputs as they are, without building anything (as `dbt test`). */
#ifndef PIPE_AUDIT_H
#define PIPE_AUDIT_H

#include <stdbool.h>

#include "graph.h"

struct backend;

/* Runs the checks of each selected target that has any (its kind's
 * check_keys), on its published output.  Writes nothing: no output, no
 * record, no commit.  Returns 0 when every check passed, 1 when one
 * failed or a target has no published output to check, or a negative
 * error. */
int audit_run(const struct graph *g, const bool *selected, struct backend *warehouse);

#endif
