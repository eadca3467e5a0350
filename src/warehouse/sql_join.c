/* sql_join: the join operator (INNER, LEFT, FULL, CROSS): holds the right
 * side in a hash table on its keys, then streams the left side through it. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

struct join_state {
	struct vec *right; /* the right side, materialized */
	size_t nright;
	uint32_t *table;   /* open addressing: right row + 1, 0 empty */
	uint32_t *chain;   /* next right row + 1 with the same key */
	size_t mask;
	struct vec *keys;  /* right key values per right row */
	struct vec *outcols;
	struct rb rb;
	bool built;
	/* the left batch in progress: pairs emitted so far */
	struct rb *left;
	size_t li;
	struct vec *lkeys_tmp;
	/* FULL: the right rows some left row matched, and where the rows no
	 * left row matched are emitted from, after the left side ends */
	uint8_t *matched;
	size_t tail;
};

/* A NULL or NaN key joins nothing: NaN = NaN is false, as NULL = NULL is. */
static bool key_missing(const struct vec *v, size_t i)
{
	return v->nulls[i] || (v->type == TYPE_FLOAT64 && v->f64[i] != v->f64[i]);
}

static int join_build(struct node *n, struct exec_stats *st, struct join_state *s)
{
	struct node *r = n->right;
	size_t nr = r->ncols;
	s->right = xcalloc(nr + 1, sizeof *s->right);
	for (size_t c = 0; c < nr; c++)
		vec_init(&s->right[c], r->types[c]);
	s->keys = xcalloc(n->njoinkeys + 1, sizeof *s->keys);
	for (size_t k = 0; k < n->njoinkeys; k++)
		vec_init(&s->keys[k], n->rkeys[k]->type);
	for (;;) {
		struct rb *in;
		int rc = exec_next(r, st, &in);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		for (size_t c = 0; c < nr; c++)
			if (in->cols[c])
				vec_append_rows(&s->right[c], in->cols[c], NULL, in->n, true);
			else {
				for (size_t i = 0; i < in->n; i++)
					vec_push_null(&s->right[c]);
			}
		for (size_t k = 0; k < n->njoinkeys; k++) {
			const struct vec *v;
			if ((rc = exec_eval(n->rkeys[k], in, &v)) < 0)
				return rc;
			if (n->rkeys[k]->isconst) {
				struct value x = vec_get(v, 0);
				for (size_t i = 0; i < in->n; i++)
					vec_push(&s->keys[k], &x);
			} else {
				vec_append_rows(&s->keys[k], v, NULL, in->n, true);
			}
		}
		s->nright += in->n;
	}
	size_t size = 64;
	while (size < s->nright * 2)
		size *= 2;
	s->table = xcalloc(size, sizeof *s->table);
	s->chain = xcalloc(s->nright + 1, sizeof *s->chain);
	s->mask = size - 1;
	for (size_t i = 0; i < s->nright; i++) {
		uint64_t h = 0x12345;
		bool null = false;
		for (size_t k = 0; k < n->njoinkeys; k++) {
			null = null || key_missing(&s->keys[k], i);
			h = hash_mix(h, vec_hash(&s->keys[k], i));
		}
		if (null)
			continue;
		size_t p = h & s->mask;
		/* one slot per distinct key: chain rows with an equal key */
		for (;;) {
			uint32_t e = s->table[p];
			if (!e) {
				s->table[p] = (uint32_t)i + 1;
				break;
			}
			bool same = true;
			for (size_t k = 0; k < n->njoinkeys && same; k++)
				same = vec_same(&s->keys[k], e - 1, &s->keys[k], i);
			if (same) {
				/* append i at the end of e's chain, keeping order */
				uint32_t t = e;
				while (s->chain[t - 1])
					t = s->chain[t - 1];
				s->chain[t - 1] = (uint32_t)i + 1;
				break;
			}
			p = (p + 1) & s->mask;
		}
	}
	s->outcols = xcalloc(n->ncols + 1, sizeof *s->outcols);
	for (size_t c = 0; c < n->ncols; c++)
		vec_init(&s->outcols[c], n->types[c]);
	rb_alloc(&s->rb, n->ncols);
	if (n->join == J_FULL)
		s->matched = xcalloc(s->nright + 1, 1);
	s->built = true;
	return 0;
}

/* FULL JOIN: the right rows no left row matched, with NULL left columns. */
static int join_tail(struct node *n, struct join_state *s, struct rb **out)
{
	size_t nl = n->child->ncols, k = 0;
	uint32_t *sel = xmalloc((BATCH_ROWS + 1) * sizeof *sel);
	for (; s->tail < s->nright && k < BATCH_ROWS; s->tail++)
		if (!s->matched[s->tail])
			sel[k++] = (uint32_t)s->tail;
	if (!k) {
		free(sel);
		return 0;
	}
	for (size_t c = 0; c < n->ncols; c++) {
		struct vec *o = &s->outcols[c];
		vec_reset(o);
		if (c < nl) {
			vec_reserve(o, k);
			memset(o->nulls, 1, k);
			memset(o->data, 0, k * type_width(o->type));
			o->count = k;
		} else {
			vec_append_rows(o, &s->right[c - nl], sel, k, false);
		}
		s->rb.cols[c] = o;
	}
	s->rb.n = k;
	*out = &s->rb;
	free(sel);
	return 1;
}

/* The first right row (1-based) whose key equals left row i, or 0. */
static uint32_t join_probe(struct node *n, struct join_state *s, const struct vec **lk, size_t i)
{
	uint64_t h = 0x12345;
	for (size_t k = 0; k < n->njoinkeys; k++) {
		size_t at = i * STRIDE(n->lkeys[k]);
		if (key_missing(lk[k], at))
			return 0;
		h = hash_mix(h, vec_hash(lk[k], at));
	}
	size_t p = h & s->mask;
	for (;;) {
		uint32_t e = s->table[p];
		if (!e)
			return 0;
		bool same = true;
		for (size_t k = 0; k < n->njoinkeys && same; k++) {
			size_t at = i * STRIDE(n->lkeys[k]);
			if (lk[k]->type == s->keys[k].type)
				same = vec_same(&s->keys[k], e - 1, lk[k], at);
			else {
				struct value x = vec_get(&s->keys[k], e - 1), y = vec_get(lk[k], at);
				same = value_compare(&x, &y) == 0;
			}
		}
		if (same)
			return e;
		p = (p + 1) & s->mask;
	}
}

int join_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct join_state *s = n->state;
	int rc;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		if ((rc = join_build(n, st, s)) < 0)
			return rc;
	}
	size_t nl = n->child->ncols;
	uint32_t *lsel = NULL, *rsel = NULL;
	size_t cap = 0, k = 0;
	for (;;) {
		struct rb *in;
		rc = exec_next(n->child, st, &in);
		if (rc <= 0)
			break;
		const struct vec *lk[64];
		if (n->njoinkeys > 64)
			return error_setcode(PIPE_EUSAGE, "JOIN: too many keys");
		for (size_t q = 0; q < n->njoinkeys; q++)
			if ((rc = exec_eval(n->lkeys[q], in, &lk[q])) < 0)
				goto done;
		k = 0;
		for (size_t i = 0; i < in->n; i++) {
			uint32_t e;
			if (n->join == J_CROSS) {
				for (size_t j = 0; j < s->nright; j++) {
					if (k >= cap) {
						cap = cap ? cap * 2 : 4096;
						lsel = xrealloc(lsel, cap * sizeof *lsel);
						rsel = xrealloc(rsel, cap * sizeof *rsel);
					}
					lsel[k] = (uint32_t)i, rsel[k++] = (uint32_t)j + 1;
				}
				continue;
			}
			e = join_probe(n, s, lk, i);
			if (!e && (n->join == J_LEFT || n->join == J_FULL)) {
				if (k >= cap) {
					cap = cap ? cap * 2 : 4096;
					lsel = xrealloc(lsel, cap * sizeof *lsel);
					rsel = xrealloc(rsel, cap * sizeof *rsel);
				}
				lsel[k] = (uint32_t)i, rsel[k++] = 0;
			}
			for (; e; e = s->chain[e - 1]) {
				if (k >= cap) {
					cap = cap ? cap * 2 : 4096;
					lsel = xrealloc(lsel, cap * sizeof *lsel);
					rsel = xrealloc(rsel, cap * sizeof *rsel);
				}
				lsel[k] = (uint32_t)i, rsel[k++] = e;
				if (s->matched)
					s->matched[e - 1] = 1;
			}
		}
		if (!k)
			continue;
		for (size_t c = 0; c < n->ncols; c++) {
			struct vec *o = &s->outcols[c];
			vec_reset(o);
			if (c < nl) {
				if (!in->cols[c]) {
					s->rb.cols[c] = NULL;
					continue;
				}
				vec_append_rows(o, in->cols[c], lsel, k, true);
			} else {
				const struct vec *rv = &s->right[c - nl];
				vec_reserve(o, k);
				size_t w = type_width(o->type);
				for (size_t q = 0; q < k; q++) {
					if (!rsel[q]) {
						o->nulls[q] = 1;
						memset((char *)o->data + q * w, 0, w);
					} else {
						o->nulls[q] = rv->nulls[rsel[q] - 1];
						memcpy((char *)o->data + q * w, (const char *)rv->data + (rsel[q] - 1) * w, w);
					}
				}
				o->count = k;
			}
			s->rb.cols[c] = o;
		}
		s->rb.n = k;
		if (n->residual) {
			const struct vec *p;
			if ((rc = exec_eval(n->residual, &s->rb, &p)) < 0)
				goto done;
			uint32_t *sel = xmalloc((k + 1) * sizeof *sel);
			size_t m = 0;
			for (size_t i = 0; i < k; i++) {
				sel[m] = (uint32_t)i;
				m += !p->nulls[i * STRIDE(n->residual)] && p->b[i * STRIDE(n->residual)];
			}
			if (m < k) {
				for (size_t c = 0; c < n->ncols; c++) {
					if (!s->rb.cols[c])
						continue;
					struct vec tmp;
					vec_init(&tmp, n->types[c]);
					vec_append_rows(&tmp, &s->outcols[c], sel, m, true);
					vec_free(&s->outcols[c]);
					s->outcols[c] = tmp;
					s->rb.cols[c] = &s->outcols[c];
				}
				s->rb.n = m;
			}
			free(sel);
			if (!m)
				continue;
		}
		*out = &s->rb;
		rc = 1;
		break;
	}
	if (rc == 0 && n->join == J_FULL)
		rc = join_tail(n, s, out);
done:
	free(lsel);
	free(rsel);
	return rc;
}

void join_free_state(struct node *n)
{
	struct join_state *s = n->state;
	vecs_free(s->right, n->right->ncols);
	vecs_free(s->keys, n->njoinkeys);
	vecs_free(s->outcols, n->ncols);
	free(s->table);
	free(s->chain);
	free(s->matched);
	free(s->rb.cols);
}
