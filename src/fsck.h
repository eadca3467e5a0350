/* fsck: `pipe fsck`, outputs, records, the index and the state repository
 * checked against each other; repairs what can be repaired without losing
 * anything, and says what it could not and what history was lost. */
#ifndef PIPE_FSCK_H
#define PIPE_FSCK_H

#include "graph.h"

/* Prints one line per problem and a summary.  Returns the number of
 * problems found (repaired or not), or a negative error. */
int fsck_run(const struct graph *g);

#endif
