/* sql_exec: runs a plan.  Its operators pull batches of column
 * vectors (BATCH_ROWS rows, one typed array per column) from their
 * children: scans stream a table block by block, skipping the partitions
 * and blocks the WHERE clause rules out; filters and projections work a
 * batch at a time with typed loops; aggregates, joins and sorts hold what
 * they must (groups, the right side, the rows to sort) and nothing else.
 *
 * This file pulls from a node by its kind (exec_next), frees operators'
 * state, and holds the operators that keep no rows: filter, project,
 * limit, UNION ALL and the one row of a SELECT without FROM.  The others
 * have a file each (sql_scan.c, sql_agg.c, sql_sort.c, sql_join.c,
 * sql_window.c, sql_unnest.c), and expressions are evaluated in sql_eval.c.  Statements,
 * and how one that writes leaves every table as it was when it fails, are
 * sql.c's. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

/* --- operators --- */

struct gather_state { /* filter output */
	struct vec *cols;
	struct rb rb;
	uint32_t *sel;
};

struct proj_state {
	struct vec *bcast; /* constants spread over n rows */
	struct rb rb;
};

struct limit_state {
	int64_t skipped, emitted;
	struct vec *views;
	struct rb rb;
};

void rb_alloc(struct rb *rb, size_t ncols)
{
	rb->ncols = ncols;
	rb->cols = xcalloc(ncols + 1, sizeof *rb->cols);
}

int exec_reserve(struct exec_stats *st, const char *op, uint64_t bytes)
{
	if (st->memory_limit <= 0 || st->memory_held + (int64_t)bytes <= st->memory_limit) {
		st->memory_held += (int64_t)bytes;
		return 0;
	}
	/* the budget as it is written: 2G, 512M, 64K or bytes */
	int64_t lim = st->memory_limit;
	int shift = !(lim & ((1 << 30) - 1)) ? 30 : !(lim & ((1 << 20) - 1)) ? 20 : !(lim & 1023) ? 10 : 0;
	return error_setcode(PIPE_EUSAGE, "%s needs more memory than the query's budget of %" PRId64 "%s; raise it with "
			     "pipe query --memory or PIPE_MEMORY (docs/sql.md#memory)", op, lim >> shift,
			     shift == 30 ? "G" : shift == 20 ? "M" : shift == 10 ? "K" : " bytes");
}

void exec_release(struct exec_stats *st, uint64_t bytes)
{
	st->memory_held -= (int64_t)bytes;
}

uint64_t rb_bytes(const struct rb *in)
{
	uint64_t bytes = 0;
	for (size_t c = 0; c < in->ncols; c++) {
		const struct vec *v = in->cols[c];
		if (!v) {
			bytes += in->n;
			continue;
		}
		bytes += (uint64_t)in->n * (type_width(v->type) + 1);
		if (type_is_string(v->type))
			for (size_t i = 0; i < in->n; i++)
				bytes += v->nulls[i] ? 0 : v->str[i].len;
	}
	return bytes;
}

static int filter_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct gather_state *g = n->state;
	if (!g) {
		g = n->state = xcalloc(1, sizeof *g);
		g->cols = xcalloc(n->ncols + 1, sizeof *g->cols);
		for (size_t i = 0; i < n->ncols; i++)
			vec_init(&g->cols[i], n->types[i]);
		rb_alloc(&g->rb, n->ncols);
		g->sel = xmalloc((BATCH_ROWS * 4 + 1) * sizeof *g->sel);
	}
	for (;;) {
		struct rb *in;
		int rc = exec_next(n->child, st, &in);
		if (rc <= 0)
			return rc;
		if (n->pred_exact && in->all_match) {
			*out = in; /* the block's statistics already answer the filter */
			return 1;
		}
		const struct vec *p;
		if ((rc = exec_eval(n->pred, in, &p)) < 0)
			return rc;
		if (in->n > BATCH_ROWS * 4)
			g->sel = xrealloc(g->sel, in->n * sizeof *g->sel);
		size_t k = 0, sp = STRIDE(n->pred);
		for (size_t i = 0; i < in->n; i++) {
			g->sel[k] = (uint32_t)i;
			k += !p->nulls[i * sp] && p->b[i * sp];
		}
		if (k == 0)
			continue;
		if (k == in->n) {
			*out = in;
			return 1;
		}
		for (size_t c = 0; c < n->ncols; c++) {
			if (!in->cols[c]) {
				g->rb.cols[c] = NULL;
				continue;
			}
			vec_reset(&g->cols[c]);
			vec_append_rows(&g->cols[c], in->cols[c], g->sel, k, false);
			g->rb.cols[c] = &g->cols[c];
		}
		g->rb.n = k;
		*out = &g->rb;
		return 1;
	}
}

static int project_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct proj_state *s = n->state;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		s->bcast = xcalloc(n->ncols + 1, sizeof *s->bcast);
		for (size_t i = 0; i < n->ncols; i++)
			vec_init(&s->bcast[i], n->types[i]);
		rb_alloc(&s->rb, n->ncols);
	}
	struct rb *in;
	int rc = exec_next(n->child, st, &in);
	if (rc <= 0)
		return rc;
	for (size_t i = 0; i < n->ncols; i++) {
		const struct vec *v;
		if (n->live && !n->live[i]) { /* nothing above reads it */
			s->rb.cols[i] = NULL;
			continue;
		}
		if ((rc = exec_eval(n->exprs[i], in, &v)) < 0)
			return rc;
		if (!v) { /* a table column nothing reads, passed through */
			s->rb.cols[i] = NULL;
			continue;
		}
		if (n->exprs[i]->isconst || v->type != n->types[i]) {
			/* spread a constant (or an untyped NULL) over the rows */
			struct vec *b = &s->bcast[i];
			vec_reset(b);
			struct value x = vec_get(v, 0);
			if (x.type != n->types[i])
				x = value_null(n->types[i]);
			vec_reserve(b, in->n);
			for (size_t r = 0; r < in->n; r++)
				vec_push(b, &x);
			v = b;
		}
		s->rb.cols[i] = v;
	}
	s->rb.n = in->n;
	*out = &s->rb;
	return 1;
}

/* --- limit --- */

static int limit_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct limit_state *s = n->state;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		s->views = xcalloc(n->ncols + 1, sizeof *s->views);
		rb_alloc(&s->rb, n->ncols);
	}
	for (;;) {
		if (n->limit >= 0 && s->emitted >= n->limit)
			return 0;
		struct rb *in;
		int rc = exec_next(n->child, st, &in);
		if (rc <= 0)
			return rc;
		size_t from = 0, k = in->n;
		if (s->skipped < n->offset) {
			size_t skip = (size_t)(n->offset - s->skipped) < k ? (size_t)(n->offset - s->skipped) : k;
			s->skipped += (int64_t)skip;
			from = skip;
			k -= skip;
		}
		if (n->limit >= 0 && (int64_t)k > n->limit - s->emitted)
			k = (size_t)(n->limit - s->emitted);
		if (!k)
			continue;
		for (size_t c = 0; c < n->ncols; c++) {
			if (!in->cols[c]) {
				s->rb.cols[c] = NULL;
				continue;
			}
			vec_view(&s->views[c], in->cols[c], from, k);
			s->rb.cols[c] = &s->views[c];
		}
		s->rb.n = k;
		s->emitted += (int64_t)k;
		*out = &s->rb;
		return 1;
	}
}

/* UNION ALL: the left rows, then the right. */
static int union_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	int *side = n->state;
	if (!side)
		side = n->state = xcalloc(1, sizeof *side);
	if (*side == 0) {
		int rc = exec_next(n->child, st, out);
		if (rc != 0)
			return rc;
		*side = 1;
	}
	return exec_next(n->right, st, out);
}

/* One row, no columns: SELECT without FROM. */
static int one_next(struct node *n, struct rb **out)
{
	struct rb *rb = n->state;
	if (rb)
		return 0;
	rb = n->state = xcalloc(1, sizeof *rb);
	rb_alloc(rb, 0);
	rb->n = 1;
	*out = rb;
	return 1;
}

int exec_deadline(const struct exec_stats *st)
{
	if (st->deadline_ms > 0 && time_now_ms() > st->deadline_ms)
		return error_set("query stopped at its deadline (the target's timeout)");
	return 0;
}

int exec_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	/* every operator asks here for each batch: the one cancellation check */
	int error = exec_deadline(st);
	if (error < 0)
		return error;
	switch (n->kind) {
	case N_SCAN: return scan_next(n, st, out);
	case N_ONE: return one_next(n, out);
	case N_FILTER: return filter_next(n, st, out);
	case N_PROJECT: return project_next(n, st, out);
	case N_AGG: return agg_next(n, st, out);
	case N_JOIN: return join_next(n, st, out);
	case N_SORT: return sort_next(n, st, out);
	case N_LIMIT: return limit_next(n, st, out);
	case N_UNION: return union_next(n, st, out);
	case N_WINDOW: return window_next(n, st, out);
	case N_UNNEST: return unnest_next(n, st, out);
	}
	return 0;
}

void vecs_free(struct vec *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		vec_free(&v[i]);
	free(v);
}

static void state_free(struct node *n)
{
	if (!n->state)
		return;
	switch (n->kind) {
	case N_SCAN: scan_free_state(n); break;
	case N_ONE: free(((struct rb *)n->state)->cols); break;
	case N_UNION: break;
	case N_WINDOW: window_free_state(n); break;
	case N_UNNEST: unnest_free_state(n); break;
	case N_FILTER: {
		struct gather_state *g = n->state;
		vecs_free(g->cols, n->ncols);
		free(g->rb.cols);
		free(g->sel);
		break;
	}
	case N_PROJECT: {
		struct proj_state *s = n->state;
		vecs_free(s->bcast, n->ncols);
		free(s->rb.cols);
		break;
	}
	case N_AGG: agg_free_state(n); break;
	case N_SORT: sort_free_state(n); break;
	case N_LIMIT: {
		struct limit_state *s = n->state;
		free(s->views);
		free(s->rb.cols);
		break;
	}
	case N_JOIN: join_free_state(n); break;
	}
	free(n->state);
	n->state = NULL;
}

void exec_free_state(struct node *n)
{
	if (!n)
		return;
	exec_free_state(n->child);
	exec_free_state(n->right);
	state_free(n);
}

void exec_rewind(struct node *n)
{
	if (!n)
		return;
	exec_rewind(n->child);
	exec_rewind(n->right);
	if (n->kind == N_SCAN) {
		struct scan_state *s = n->state;
		if (s)
			s->p = s->blk = s->seq = s->stride = 0;
	} else {
		state_free(n);
	}
}
