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

/* What the scans of one table have read.  BigQuery counts a table's
 * columns once however many times a query reads the table (a self-join, a
 * subquery, a UNION of two filters), so the scans of one table share this:
 * a column of a block counts the first time any of them reads it. */
struct table_reads {
	uint64_t bytes;       /* actually read */
	size_t *first_block;  /* per partition: its first block's index */
	size_t ncols;         /* the table's columns */
	uint8_t *seen;        /* per (block, column): counted */
	uint8_t *block_seen;  /* per block: counted in blocks_scanned */
};

struct exec_stats {
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
	struct table_reads *reads;
	/* blocks the WHERE accepts whole: the columns still needed, and a
	 * batch of constants for blocks where each of them is one value */
	int *lean;
	size_t nlean;
	struct batch synth;
	bool synth_init;
};

/* Evaluates e over a batch: n values, or one for a constant (e->isconst). */
int exec_eval(struct pexpr *e, const struct rb *in, const struct vec **out);
/* Runs the plan's subqueries in expressions (uncorrelated: each once),
 * before the query itself. */
int exec_subqueries(struct plan *p, struct exec_stats *st);
/* The window operator (sql_window.c). */
int window_next(struct node *n, struct exec_stats *st, struct rb **out);
void window_free_state(struct node *n);

/* Pulls the next batch of a node: 1 and *out, 0 at the end, or an error. */
int exec_next(struct node *n, struct exec_stats *st, struct rb **out);
void exec_free_state(struct node *n);

#endif
