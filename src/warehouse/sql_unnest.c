/* sql_unnest: the UNNEST operator (N_UNNEST).  Per row of its child, a row
 * per element of the row's array, in the array's order, with the child's
 * columns, the element and, WITH OFFSET, its place from 0; a LEFT JOIN
 * UNNEST gives a row with NULLs for a NULL or empty array, a CROSS JOIN
 * none.  It holds one input batch: an output batch is the rows of one
 * input batch, at most BATCH_ROWS of them, so a long array spans several. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

struct unnest_state {
	struct rb *in;           /* the child's batch, NULL before the first */
	const struct vec *arr;   /* its arrays */
	size_t row, at, k;       /* where in it: row, element cursor, element index */
	struct vec *cols;        /* the output's vectors */
	struct rb rb;
	uint32_t *sel;           /* per output row, its input row */
};

int unnest_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct unnest_state *s = n->state;
	size_t nc = n->child->ncols;
	bool offset = n->ncols > nc + 1;
	int error;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		s->cols = xcalloc(n->ncols + 1, sizeof *s->cols);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&s->cols[c], n->types[c]);
		rb_alloc(&s->rb, n->ncols);
		s->sel = xmalloc(BATCH_ROWS * sizeof *s->sel);
	}
	for (;;) {
		if (!s->in || s->row >= s->in->n) {
			if ((error = exec_next(n->child, st, &s->in)) <= 0) {
				s->in = NULL;
				return error;
			}
			if ((error = exec_eval(n->exprs[0], s->in, &s->arr)) < 0)
				return error;
			s->row = s->at = s->k = 0;
		}
		struct vec *elem = &s->cols[nc], *pos = offset ? &s->cols[nc + 1] : NULL;
		vec_reset(elem);
		if (pos)
			vec_reset(pos);
		size_t m = 0, stride = STRIDE(n->exprs[0]);
		while (s->row < s->in->n && m < BATCH_ROWS) {
			struct value a = vec_get(s->arr, s->row * stride), x;
			if (value_array_next(&a, &s->at, &x)) {
				s->sel[m++] = (uint32_t)s->row;
				if (type_is_string(x.type) && !x.is_null)
					vec_push_str_ref(elem, x.s.p, x.s.len); /* the array outlives the batch */
				else
					vec_push(elem, &x);
				if (pos) {
					struct value o = value_int64((int64_t)s->k);
					vec_push(pos, &o);
				}
				s->k++;
				continue;
			}
			if (n->join == J_LEFT && s->k == 0) { /* NULL or empty: one row of NULLs */
				s->sel[m++] = (uint32_t)s->row;
				vec_push_null(elem);
				if (pos)
					vec_push_null(pos);
			}
			s->row++;
			s->at = s->k = 0;
		}
		if (m == 0)
			continue;
		for (size_t c = 0; c < nc; c++) {
			if (!s->in->cols[c]) {
				s->rb.cols[c] = NULL;
				continue;
			}
			vec_reset(&s->cols[c]);
			vec_append_rows(&s->cols[c], s->in->cols[c], s->sel, m, false);
			s->rb.cols[c] = &s->cols[c];
		}
		for (size_t c = nc; c < n->ncols; c++)
			s->rb.cols[c] = &s->cols[c];
		s->rb.n = m;
		*out = &s->rb;
		return 1;
	}
}

void unnest_free_state(struct node *n)
{
	struct unnest_state *s = n->state;
	vecs_free(s->cols, n->ncols);
	free(s->rb.cols);
	free(s->sel);
}
