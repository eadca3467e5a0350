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

/* pipe's own execution figure, not BigQuery's: the blocks its scans read
 * (or answered from their statistics) after skipping every block the
 * statistics allow.  The bytes and blocks BigQuery would count come from
 * the plan instead (sql.c, docs/bytes.md). */
struct exec_stats {
	int64_t blocks_read;
	/* the memory budget (0: none) and what the operators that hold rows
	 * (join, aggregate, sort, window) have taken of it so far */
	int64_t memory_limit, memory_held;
	double deadline_ms; /* sql_options.deadline_ms: exec_next stops past it */
};

/* A scan's state, set up by the statement runner: the partitions to read
 * and the columns. */
struct scan_state {
	bool *parts;
	size_t p, blk;
	int *cols;
	size_t ncols;
	struct batch buf;
	bool buf_init;
	struct rb rb;
	/* blocks the WHERE accepts whole: the columns still needed, and a
	 * batch of constants for blocks where each of them is one value */
	int *lean;
	size_t nlean;
	struct batch synth;
	bool synth_init;
	/* a WHERE that is exactly the prunes, all integer compares: checked
	 * on the prune columns (pcols) first, the rest read only for blocks
	 * where a row passes, and only those rows handed on (sql_scan.c) */
	int pushdown; /* 0: not decided yet, 1: yes, -1: no */
	int *pcols, *rest;
	size_t npcols, nrest;
	struct batch pbuf;
	bool pbuf_init;
	int64_t *lo, *hi;   /* per prune column: the range its compares leave */
	bool *ranged;       /* and whether it has one (not only IN lists) */
	struct vec *picked; /* per table column: the rows that passed */
	uint8_t *pass, *hit;
	uint32_t *sel;
	/* a scan split over threads (scan_split): this state reads the blocks
	 * whose number, counted over the partitions read, is phase mod stride */
	size_t stride, phase, seq;
};

/* Evaluates e over a batch: n values, or one for a constant (e->isconst). */
int exec_eval(struct pexpr *e, const struct rb *in, const struct vec **out);
/* Runs the plan's uncorrelated subqueries in expressions, each once,
 * before the query itself; a correlated one runs as it is evaluated. */
int exec_subqueries(struct plan *p, struct exec_stats *st);

/* Pulls the next batch of a node: 1 and *out, 0 at the end, or an error. */
int exec_next(struct node *n, struct exec_stats *st, struct rb **out);
/* The error of a query past its deadline, or 0. */
int exec_deadline(const struct exec_stats *st);
void exec_free_state(struct node *n);
/* Makes n run again from the start (a correlated subquery's next run):
 * its operators' state goes, and its scans start over. */
void exec_rewind(struct node *n);

#endif
