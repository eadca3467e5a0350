/* sql_op: what the executor's files share: sql_exec.c, which runs the
 * operators, sql_eval.c, and the operators with a file each (sql_scan.c,
 * sql_agg.c, sql_sort.c, sql_join.c, sql_window.c, sql_unnest.c). */
#ifndef PIPE_SQL_OP_H
#define PIPE_SQL_OP_H

#include <stdio.h>

#include "sql_exec.h"

/* The step through an expression's values: a constant is one value. */
#define STRIDE(e) ((e)->isconst ? 0 : 1)

/* Combines a hash into a running one (group and join keys). */
static inline uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

struct mat_state { /* aggregate, sort: rows held, then emitted */
	struct vec *cols;
	size_t nrows, next;
	struct vec *views;
	struct rb rb;
	bool done;
	uint32_t *perm;
	struct vec *out;  /* sort: the gathered batch */
	struct sort_spill *spill; /* sort: its runs on disk, once it spilled */
};

/* Sorted runs on disk (sql_sort.c), for the operators that spill: ORDER BY
 * and windows.  A spill file is a temporary file, unlinked at once; a run
 * is blocks of at most BATCH_ROWS rows, read back a block at a time. */
struct spill_file {
	FILE *f;
	uint64_t size;
	const char *op; /* the operator its errors name */
};
struct spill_run {
	uint64_t *blocks; /* offsets of its blocks in the file */
	size_t nblocks, next;
	struct vec *cols; /* the block loaded, and its next row i */
	size_t ncols, rows, i;
	bool done;
};
/* Writes rows perm[0..n) of cols (a NULL column: not held, read back as
 * NULLs) as a new run at the end of the file. */
int spill_run_write(struct spill_file *sp, struct spill_run *r, struct vec *const *cols, size_t ncols,
		    const uint32_t *perm, size_t n);
/* The run's next block into r->cols, of the types given (the columns'
 * types, as written), or r->done.  The first call comes after the last
 * run is written. */
int spill_run_load(struct spill_file *sp, struct spill_run *r, const enum type *types);
void spill_run_free(struct spill_run *r);
void spill_file_close(struct spill_file *sp);

void rb_alloc(struct rb *rb, size_t ncols);
/* Takes bytes of the query's memory budget for op, which is about to hold
 * them; an error naming op and the budget when they do not fit, so that a
 * query stops before the allocators would abort. */
int exec_reserve(struct exec_stats *st, const char *op, uint64_t bytes);
/* Gives back what an operator no longer holds. */
void exec_release(struct exec_stats *st, uint64_t bytes);
/* What a batch's rows take held in vectors: values, NULL flags, strings. */
uint64_t rb_bytes(const struct rb *in);
void vecs_free(struct vec *v, size_t n);

/* Each operator: the next batch as exec_next, and freeing what its state
 * holds (exec_free_state frees the state itself). */
int scan_next(struct node *n, struct exec_stats *st, struct rb **out);
void scan_free_state(struct node *n);
/* Splits a scan that has not started over two threads: its own state
 * (n->state) then reads every other block, the state returned the others,
 * through scan_next_split.  NULL (nothing changed) for a scan of too few
 * blocks to gain from it, or, with all_match, for one that would hand on
 * a batch not marked all_match (rows its filter still has to check). */
struct scan_state *scan_split(struct node *n, bool all_match);
int scan_next_split(struct node *n, struct scan_state *s, struct exec_stats *st, struct rb **out);
void scan_split_free(struct node *n, struct scan_state *s);
int agg_next(struct node *n, struct exec_stats *st, struct rb **out);
void agg_free_state(struct node *n);
int sort_next(struct node *n, struct exec_stats *st, struct rb **out);
void sort_free_state(struct node *n);
int join_next(struct node *n, struct exec_stats *st, struct rb **out);
void join_free_state(struct node *n);
int window_next(struct node *n, struct exec_stats *st, struct rb **out);
void window_free_state(struct node *n);
int unnest_next(struct node *n, struct exec_stats *st, struct rb **out);
void unnest_free_state(struct node *n);

#endif
