/* sql_exec: runs a plan's operators over batches of column vectors. */
#ifndef PIPE_SQL_EXEC_H
#define PIPE_SQL_EXEC_H

#include "sql_plan.h"

/* A batch as operators pass it: column pointers (NULL for a table column
 * the query does not read), valid until the next pull. */
struct rb {
	size_t n, ncols;
	const struct vec **cols;
	bool all_match; /* a scan's block whose statistics satisfy every prune */
};

struct exec_stats {
	uint64_t *bytes;      /* per scan of the plan: bytes actually read */
	int64_t blocks_scanned, blocks_total;
};

/* A scan's state, set up by the statement runner: the partitions to read,
 * the columns, and where to add the bytes it reads. */
struct scan_state {
	bool *parts;
	size_t p, blk;
	int *cols;
	size_t ncols;
	struct batch buf;
	bool buf_init;
	struct rb rb;
	uint64_t *bytes;
	/* blocks the WHERE accepts whole: the columns still needed, and a
	 * batch of constants for blocks where each of them is one value */
	int *lean;
	size_t nlean;
	struct batch synth;
	bool synth_init;
};

/* Pulls the next batch of a node: 1 and *out, 0 at the end, or an error. */
int exec_next(struct node *n, struct exec_stats *st, struct rb **out);
void exec_free_state(struct node *n);

#endif
