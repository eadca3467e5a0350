/* sql_sort: the sort operator (ORDER BY): holds its input, sorts a
 * permutation of the rows, and emits them in order; with a LIMIT it keeps
 * only the rows that can still be among the first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct sort_ctx {
	const struct node *n;
	const struct vec *cols;
};

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	for (size_t k = 0; k < c->n->nsort; k++) {
		const struct sort_key *key = &c->n->sort[k];
		const struct vec *v = &c->cols[key->col];
		bool na = v->nulls[a], nb = v->nulls[b];
		if (na || nb) {
			if (na && nb)
				continue;
			return (na ? -1 : 1) * (key->nulls_first ? 1 : -1);
		}
		int r;
		switch (v->type) {
		case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP:
			r = v->i64[a] < v->i64[b] ? -1 : v->i64[a] > v->i64[b];
			break;
		case TYPE_DATE: r = v->days[a] < v->days[b] ? -1 : v->days[a] > v->days[b]; break;
		case TYPE_FLOAT64: {
			double x = v->f64[a], y = v->f64[b];
			if (isnan(x) || isnan(y)) /* NaN sorts first, as BigQuery */
				r = isnan(x) && isnan(y) ? 0 : isnan(x) ? -1 : 1;
			else
				r = x < y ? -1 : x > y;
			break;
		}
		case TYPE_STRING: case TYPE_BYTES: case TYPE_JSON: r = str_compare(v->str[a], v->str[b]); break;
		default: {
			struct value x = vec_get(v, a), y = vec_get(v, b);
			r = value_order(&x, &y);
		}
		}
		if (r)
			return key->desc ? -r : r;
	}
	return a < b ? -1 : a > b; /* stable */
}

/* ORDER BY ... LIMIT k: keeps only the first k rows held so far, so that a
 * top-k over a big table holds k rows, not the table. */
static void sort_compact(struct node *n, struct mat_state *m)
{
	uint32_t *perm = xmalloc((m->nrows + 1) * sizeof *perm);
	for (size_t i = 0; i < m->nrows; i++)
		perm[i] = (uint32_t)i;
	struct sort_ctx ctx = {n, m->cols};
	qsort_r(perm, m->nrows, sizeof *perm, sort_cmp, &ctx);
	size_t k = (size_t)n->keep < m->nrows ? (size_t)n->keep : m->nrows;
	/* keep the kept rows in their arrival order: the sort is stable */
	qsort(perm, k, sizeof *perm, cmp_u32);
	for (size_t c = 0; c < n->ncols; c++) {
		struct vec v;
		vec_init(&v, n->types[c]);
		vec_append_rows(&v, &m->cols[c], perm, k, true);
		vec_free(&m->cols[c]);
		m->cols[c] = v;
	}
	m->nrows = k;
	free(perm);
}

int sort_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct mat_state *m = n->state;
	if (!m) {
		m = n->state = xcalloc(1, sizeof *m);
		m->cols = xcalloc(n->ncols + 1, sizeof *m->cols);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&m->cols[c], n->types[c]);
		uint64_t held = 0;
		for (;;) {
			struct rb *in;
			int rc = exec_next(n->child, st, &in);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			/* the rows, and the permutation that sorts them */
			uint64_t bytes = rb_bytes(in) + 4 * in->n;
			if ((rc = exec_reserve(st, "ORDER BY (the rows it sorts)", bytes)) < 0)
				return rc;
			held += bytes;
			for (size_t c = 0; c < n->ncols; c++) {
				if (in->cols[c]) {
					vec_append_rows(&m->cols[c], in->cols[c], NULL, in->n, true);
					continue;
				}
				for (size_t i = 0; i < in->n; i++) /* a column nothing above reads */
					vec_push_null(&m->cols[c]);
			}
			m->nrows += in->n;
			if (n->keep > 0 && m->nrows >= 2 * (size_t)n->keep + 4 * BATCH_ROWS) {
				/* the rows dropped are given back, in proportion */
				size_t before = m->nrows;
				sort_compact(n, m);
				uint64_t kept = held / before * m->nrows;
				exec_release(st, held - kept);
				held = kept;
			}
		}
		m->perm = xmalloc((m->nrows + 1) * sizeof *m->perm);
		for (size_t i = 0; i < m->nrows; i++)
			m->perm[i] = (uint32_t)i;
		struct sort_ctx ctx = {n, m->cols};
		qsort_r(m->perm, m->nrows, sizeof *m->perm, sort_cmp, &ctx);
		m->out = xcalloc(n->ncols + 1, sizeof *m->out);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&m->out[c], n->types[c]);
		rb_alloc(&m->rb, n->ncols);
	}
	if (m->next >= m->nrows)
		return 0;
	size_t k = m->nrows - m->next < BATCH_ROWS ? m->nrows - m->next : BATCH_ROWS;
	for (size_t c = 0; c < n->ncols; c++) {
		vec_reset(&m->out[c]);
		vec_append_rows(&m->out[c], &m->cols[c], m->perm + m->next, k, false);
		m->rb.cols[c] = &m->out[c];
	}
	m->rb.n = k;
	m->next += k;
	*out = &m->rb;
	return 1;
}

void sort_free_state(struct node *n)
{
	struct mat_state *m = n->state;
	vecs_free(m->cols, n->ncols);
	vecs_free(m->out, n->ncols);
	free(m->perm);
	free(m->rb.cols);
}
