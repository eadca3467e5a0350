/* sql_join: the join operator (INNER, LEFT, FULL, CROSS): holds the right
 * side in a hash table on its keys, then streams the left side through it.
 *
 * Each left row's candidates are the right rows with its key (every right
 * row when the join has no keys); the residual, the rest of ON, is
 * evaluated on the candidate pairs, and a LEFT or FULL join emits a left row
 * none of whose candidates passed with NULLs for the right columns.  Pairs
 * are made at most JOIN_PAIRS at a time, so that a left row with many
 * candidates (a cross product) never needs more than one batch of them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

#define JOIN_PAIRS (BATCH_ROWS * 4)

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
	/* the left batch in progress, its keys, the row and its next
	 * candidate (right row + 1; 0 when the row is done) */
	struct rb *left;
	const struct vec *lk[64];
	size_t li;
	uint32_t next;
	bool started;
	bool row_matched; /* a candidate of the row in progress passed */
	/* a chunk's pairs (right row + 1; 0 ends a left row), and the
	 * selection emitted (right 0: the right columns NULL) */
	uint32_t *pl, *pr, *ol, *or_;
	uint8_t *pass;
	/* FULL: the right rows some left row matched, and where the rows no
	 * left row matched are emitted from, after the left side ends */
	uint8_t *matched;
	size_t tail;
};

/* Whether a key value equals nothing: NULL, or NaN (NaN = NaN is false). */
static bool key_unmatchable(const struct vec *v, size_t i)
{
	return v->nulls[i] || (v->type == TYPE_FLOAT64 && isnan(v->f64[i]));
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
		/* the rows, their keys, and the hash table's share of them */
		uint64_t need = rb_bytes(in) + (uint64_t)in->n * (n->njoinkeys * 9 + 12);
		if ((rc = exec_reserve(st, "JOIN (the hash table of the side it holds)", need)) < 0)
			return rc;
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
		if (s->nright >= UINT32_MAX)
			return error_setcode(PIPE_EUSAGE, "JOIN: the right side has more than %u rows", UINT32_MAX - 1);
	}
	size_t size = 64;
	while (size < s->nright * 2)
		size *= 2;
	s->chain = xcalloc(s->nright + 1, sizeof *s->chain);
	if (n->njoinkeys) {
		s->table = xcalloc(size, sizeof *s->table);
		s->mask = size - 1;
	}
	/* per chain head: its last row + 1, to append in order */
	uint32_t *last = n->njoinkeys ? xcalloc(s->nright + 1, sizeof *last) : NULL;
	for (size_t i = 0; i < s->nright && n->njoinkeys; i++) {
		uint64_t h = 0x12345;
		bool null = false;
		for (size_t k = 0; k < n->njoinkeys; k++) {
			null = null || key_unmatchable(&s->keys[k], i);
			h = hash_mix(h, vec_hash(&s->keys[k], i));
		}
		if (null)
			continue; /* a NULL or NaN key joins nothing */
		size_t p = h & s->mask;
		/* one slot per distinct key: chain rows with an equal key */
		for (;;) {
			uint32_t e = s->table[p];
			if (!e) {
				s->table[p] = (uint32_t)i + 1;
				last[i] = (uint32_t)i + 1;
				break;
			}
			bool same = true;
			for (size_t k = 0; k < n->njoinkeys && same; k++)
				same = vec_same(&s->keys[k], e - 1, &s->keys[k], i);
			if (same) {
				s->chain[last[e - 1] - 1] = (uint32_t)i + 1;
				last[e - 1] = (uint32_t)i + 1;
				break;
			}
			p = (p + 1) & s->mask;
		}
	}
	free(last);
	s->outcols = xcalloc(n->ncols + 1, sizeof *s->outcols);
	for (size_t c = 0; c < n->ncols; c++)
		vec_init(&s->outcols[c], n->types[c]);
	rb_alloc(&s->rb, n->ncols);
	if (n->join == J_FULL)
		s->matched = xcalloc(s->nright + 1, 1);
	s->pl = xmalloc((JOIN_PAIRS + 2) * sizeof *s->pl);
	s->pr = xmalloc((JOIN_PAIRS + 2) * sizeof *s->pr);
	s->ol = xmalloc((JOIN_PAIRS + 2) * sizeof *s->ol);
	s->or_ = xmalloc((JOIN_PAIRS + 2) * sizeof *s->or_);
	s->pass = xmalloc(JOIN_PAIRS + 2);
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
		if (key_unmatchable(lk[k], at))
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

/* The output batch of the k pairs lsel/rsel of the left batch in (right
 * row + 1; 0: the right columns NULL). */
static void join_gather(struct node *n, struct join_state *s, const struct rb *in, const uint32_t *lsel,
			const uint32_t *rsel, size_t k)
{
	size_t nl = n->child->ncols;
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
}

/* The next chunk of pairs of the left batch in progress: each left row's
 * candidates, then a 0 that ends the row.  Stops inside a row when the
 * chunk is full; the row goes on in the next chunk. */
static size_t join_pairs(struct node *n, struct join_state *s)
{
	size_t k = 0;
	while (s->li < s->left->n && k < JOIN_PAIRS) {
		if (!s->started) {
			s->next = n->njoinkeys ? join_probe(n, s, s->lk, s->li) : s->nright ? 1 : 0;
			s->started = true;
		}
		while (s->next && k < JOIN_PAIRS) {
			s->pl[k] = (uint32_t)s->li, s->pr[k++] = s->next;
			if (n->njoinkeys)
				s->next = s->chain[s->next - 1];
			else
				s->next = s->next < s->nright ? s->next + 1 : 0;
		}
		if (s->next)
			break;
		s->pl[k] = (uint32_t)s->li, s->pr[k++] = 0;
		s->li++;
		s->started = false;
	}
	return k;
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
	bool outer = n->join == J_LEFT || n->join == J_FULL;
	if (n->njoinkeys > 64)
		return error_setcode(PIPE_EUSAGE, "JOIN: too many keys");
	for (;;) {
		if (!s->left) {
			struct rb *in;
			rc = exec_next(n->child, st, &in);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			for (size_t q = 0; q < n->njoinkeys; q++)
				if ((rc = exec_eval(n->lkeys[q], in, &s->lk[q])) < 0)
					return rc;
			s->left = in;
			s->li = 0;
			s->started = false;
		}
		size_t np = join_pairs(n, s), nc = 0, k = 0;
		/* the candidates that pass the residual */
		if (n->residual) {
			for (size_t q = 0; q < np; q++)
				if (s->pr[q])
					s->ol[nc] = s->pl[q], s->or_[nc++] = s->pr[q];
			if (nc) {
				const struct vec *p;
				join_gather(n, s, s->left, s->ol, s->or_, nc);
				if ((rc = exec_eval(n->residual, &s->rb, &p)) < 0)
					return rc;
				size_t sp = STRIDE(n->residual);
				for (size_t i = 0; i < nc; i++)
					s->pass[i] = !p->nulls[i * sp] && p->b[i * sp];
			}
		}
		/* the selection: passing pairs, and a NULL-extended row for each
		 * left row of an outer join none of whose candidates passed */
		for (size_t q = 0, c = 0; q < np; q++) {
			if (s->pr[q]) {
				bool ok = n->residual ? s->pass[c++] : true;
				if (!ok)
					continue;
				s->ol[k] = s->pl[q], s->or_[k++] = s->pr[q];
				s->row_matched = true;
				if (s->matched)
					s->matched[s->pr[q] - 1] = 1;
				continue;
			}
			if (outer && !s->row_matched)
				s->ol[k] = s->pl[q], s->or_[k++] = 0;
			s->row_matched = false;
		}
		struct rb *left = s->left;
		if (s->li >= s->left->n)
			s->left = NULL; /* done with it: the next chunk pulls */
		if (!k)
			continue;
		join_gather(n, s, left, s->ol, s->or_, k);
		*out = &s->rb;
		return 1;
	}
	if (n->join == J_FULL)
		return join_tail(n, s, out);
	return 0;
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
	free(s->pl);
	free(s->pr);
	free(s->ol);
	free(s->or_);
	free(s->pass);
	free(s->rb.cols);
}
