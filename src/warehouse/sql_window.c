/* sql_window: the window operator behind analytic functions: ROW_NUMBER,
 * RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD,
 * FIRST_VALUE, LAST_VALUE, NTH_VALUE, PERCENTILE_CONT and PERCENTILE_DISC
 * (a partition ordered by their argument), and SUM, COUNT, AVG, MIN and
 * MAX over a frame.
 *
 * Memory: a window needs each partition sorted, and rows come in no useful
 * order, so the operator holds its whole input before it emits a row: the
 * columns the rest of the query reads (a table column nothing above reads
 * is not held), and for each function its argument and its PARTITION BY
 * and ORDER BY keys where they are not plain columns (those are read from
 * the held columns).  Each function then sorts a permutation of the rows
 * by partition and order keys, walks every partition once, and writes its
 * value for each row.  Rows leave in the order they came in.
 *
 * Spilling: when every function has the same PARTITION BY and ORDER BY,
 * of columns, the rows held are bounded by WINDOW_MEMORY (or the query's
 * memory budget, when that is smaller): past it they are sorted by those
 * keys into a run on disk, as ORDER BY spills (sql_sort.c), and their
 * memory is used again.  At the end the runs are merged a block of each at
 * a time, and the rows taken in groups of whole partitions, at least a
 * batch each, get their values and leave in window order.  On equal keys
 * the earlier run goes first, so ties keep the order they came in, as in
 * memory.
 *
 * Frames: running frames (UNBOUNDED PRECEDING to anything) add each row to
 * an accumulator once; frames that run to UNBOUNDED FOLLOWING do the same
 * from the partition's end; frames bounded on both sides are summed row by
 * row, so they cost the frame's width per row. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

struct wfn {
	/* the partition keys, then the order keys, then the argument: held
	 * here, or for a plain column the held column itself (key[k]) */
	struct vec *held;
	const struct vec **key;
	struct vec res;   /* the result, a row each */
};

/* The bytes of rows a window holds before it spills them (the table
 * writer's figure): a window over millions of rows stays in tens of MB. */
#define WINDOW_MEMORY (16u << 20)

struct win_state {
	struct vec *cols; /* the child's columns, held */
	bool *present;    /* a column some batch provided */
	size_t nrows, next;
	struct wfn *fns;
	struct vec *views;
	struct rb rb;
	/* spilling (see atop): what a run holds is the child's columns, then
	 * each function's argument held (held[k]: where a run's column k goes) */
	bool can_spill, merging;
	uint64_t held; /* bytes of the budget the rows held now take */
	struct vec **held_vecs;
	enum type *held_types;
	size_t nheld;
	struct spill_file file;
	struct spill_run *runs;
	size_t nruns;
};

/* Appends n rows of src (one value for all when isconst), copying strings. */
static void hold(struct vec *dst, const struct vec *src, size_t n, bool isconst)
{
	size_t w = type_width(dst->type), base = dst->count;
	vec_reserve(dst, base + n);
	for (size_t k = 0; k < n; k++) {
		size_t i = isconst ? 0 : k;
		if (!src || src->type == TYPE_NULL || src->nulls[i]) {
			dst->nulls[base + k] = 1;
			memset((char *)dst->data + (base + k) * w, 0, w);
			continue;
		}
		dst->nulls[base + k] = 0;
		memcpy((char *)dst->data + (base + k) * w, (const char *)src->data + i * w, w);
		if (type_is_string(dst->type)) {
			struct str *s = &dst->str[base + k];
			s->p = arena_strndup(&dst->arena, s->p, s->len);
		}
	}
	dst->count = base + n;
}

static int hold_expr(struct vec *dst, struct pexpr *e, const struct rb *in)
{
	const struct vec *v;
	if (!e || e->kind == X_COL)
		return 0; /* the column is held already */
	int error = exec_eval(e, in, &v);
	if (error < 0)
		return error;
	hold(dst, v, in->n, e->isconst);
	return 0;
}

/* Input k of a window: its partition keys, its order keys, its argument. */
static struct pexpr *win_input(const struct win *w, size_t k)
{
	if (k < w->npart)
		return w->part[k];
	if (k < w->npart + w->norder)
		return w->order[k - w->npart];
	return w->arg;
}

static int spill_held(struct node *n, struct exec_stats *st, struct win_state *s);

static int consume(struct node *n, struct exec_stats *st, struct win_state *s)
{
	static const char op[] = "an analytic function (the rows of its window)";
	struct node *c = n->child;
	int error;
	for (;;) {
		struct rb *in;
		if ((error = exec_next(c, st, &in)) < 0)
			return error;
		if (error == 0)
			return 0;
		/* the rows, and per function its keys, result and orderings */
		uint64_t bytes = rb_bytes(in) + (uint64_t)in->n * n->nwins * 48;
		if (s->can_spill && s->nrows && s->held + bytes > WINDOW_MEMORY &&
		    (error = spill_held(n, st, s)) < 0)
			return error;
		if ((error = exec_reserve(st, op, bytes)) < 0) {
			if (!s->can_spill || !s->nrows)
				return error; /* one batch is more than the budget */
			error_clear();
			if ((error = spill_held(n, st, s)) < 0 || (error = exec_reserve(st, op, bytes)) < 0)
				return error;
		}
		s->held += bytes;
		for (size_t k = 0; k < c->ncols; k++) {
			if (in->cols[k] && !s->present[k]) {
				/* the rows before had no value here: NULLs */
				s->present[k] = true;
				hold(&s->cols[k], NULL, s->nrows, false);
			}
			if (s->present[k])
				hold(&s->cols[k], in->cols[k], in->n, false);
		}
		for (size_t f = 0; f < n->nwins; f++) {
			struct win *w = &n->wins[f];
			for (size_t k = 0; k < w->npart + w->norder + 1; k++)
				if ((error = hold_expr(&s->fns[f].held[k], win_input(w, k), in)) < 0)
					return error;
		}
		s->nrows += in->n;
	}
}

/* --- ordering --- */

/* Non-NULL values a of va and b of vb, of one type: <0, 0, >0; NaN
 * first, as BigQuery. */
static int value_cmp(const struct vec *va, size_t a, const struct vec *vb, size_t b)
{
	switch (va->type) {
	case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP:
		return (va->i64[a] > vb->i64[b]) - (va->i64[a] < vb->i64[b]);
	case TYPE_DATE: return (va->days[a] > vb->days[b]) - (va->days[a] < vb->days[b]);
	case TYPE_BOOL: return (va->b[a] > vb->b[b]) - (va->b[a] < vb->b[b]);
	case TYPE_FLOAT64: {
		double x = va->f64[a], y = vb->f64[b];
		if (isnan(x) || isnan(y))
			return (isnan(y) != 0) - (isnan(x) != 0);
		return (x > y) - (x < y);
	}
	default: {
		struct value x = vec_get(va, a), y = vec_get(vb, b);
		return value_order(&x, &y);
	}
	}
}

struct order_ctx {
	const struct win *w;
	const struct wfn *fn;
};

/* Key k of w for row a of va and row b of vb: NULLs are equal to each
 * other. */
static int key_order(const struct win *w, size_t k, const struct vec *va, size_t a, const struct vec *vb, size_t b)
{
	bool na = va->nulls[a], nb = vb->nulls[b];
	bool part = k < w->npart;
	bool desc = !part && w->desc[k - w->npart];
	bool nulls_first = part || w->nulls_first[k - w->npart];
	if (na || nb) {
		if (na && nb)
			return 0;
		return (na ? -1 : 1) * (nulls_first ? 1 : -1);
	}
	int r = value_cmp(va, a, vb, b);
	return desc ? -r : r;
}

static int key_cmp(const struct order_ctx *c, size_t k, uint32_t a, uint32_t b)
{
	return key_order(c->w, k, c->fn->key[k], a, c->fn->key[k], b);
}

static int row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct order_ctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	for (size_t k = 0; k < c->w->npart + c->w->norder; k++) {
		int r = key_cmp(c, k, a, b);
		if (r)
			return r;
	}
	return (a > b) - (a < b);
}

static bool same_keys(const struct order_ctx *c, size_t from, size_t to, uint32_t a, uint32_t b)
{
	for (size_t k = from; k < to; k++)
		if (key_cmp(c, k, a, b))
			return false;
	return true;
}

/* Sorting a permutation through a comparison that reads the keys row by
 * row misses the cache on every look; keys of the common types are sorted
 * instead one at a time, last first, each pass over a compact array of the
 * key (a number that sorts as the value does, or the string) beside its
 * position, which keeps each pass stable. */
struct sort_entry {
	uint64_t key;
	struct str s;
	uint32_t pos;
	uint8_t null_rank;
};

static bool fixed_key(enum type t)
{
	return t == TYPE_INT64 || t == TYPE_DATETIME || t == TYPE_TIMESTAMP || t == TYPE_DATE || t == TYPE_BOOL ||
	       t == TYPE_FLOAT64;
}

static bool sortable_key(enum type t)
{
	return fixed_key(t) || t == TYPE_STRING || t == TYPE_BYTES;
}

/* Non-NULL values of fixed_key() types to unsigned numbers in the same
 * order (value_cmp's: NaN first, -0 equal to 0). */
static uint64_t encode(const struct vec *v, size_t i)
{
	const uint64_t sign = 1ULL << 63;
	switch (v->type) {
	case TYPE_DATE: return (uint64_t)(int64_t)v->days[i] ^ sign;
	case TYPE_BOOL: return v->b[i];
	case TYPE_FLOAT64: {
		double x = v->f64[i];
		uint64_t u;
		if (isnan(x))
			return 0;
		if (x == 0)
			x = 0; /* -0 */
		memcpy(&u, &x, sizeof u);
		return u & sign ? ~u : u | sign;
	}
	default: return (uint64_t)v->i64[i] ^ sign;
	}
}

static int entry_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_entry *a = pa, *b = pb;
	const bool *desc_string = arg;
	if (a->null_rank != b->null_rank)
		return a->null_rank < b->null_rank ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->s.p && b->s.p) {
		size_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
		int c = memcmp(a->s.p, b->s.p, n);
		if (!c)
			c = (a->s.len > b->s.len) - (a->s.len < b->s.len);
		if (c)
			return *desc_string ? -c : c;
	}
	return (a->pos > b->pos) - (a->pos < b->pos);
}

static void sort_fixed(const struct win *w, const struct wfn *fn, uint32_t *perm, size_t rows)
{
	struct sort_entry *e = xmalloc((rows + 1) * sizeof *e);
	uint32_t *tmp = xmalloc((rows + 1) * sizeof *tmp);
	for (size_t k = w->npart + w->norder; k-- > 0;) {
		const struct vec *v = fn->key[k];
		bool part = k < w->npart;
		bool desc = !part && w->desc[k - w->npart];
		bool nulls_first = part || w->nulls_first[k - w->npart];
		bool fixed = fixed_key(v->type), desc_string = desc && !fixed;
		for (size_t j = 0; j < rows; j++) {
			uint32_t r = perm[j];
			bool null = v->nulls[r];
			e[j].null_rank = null == nulls_first ? 0 : 1;
			e[j].key = null || !fixed ? 0 : desc ? ~encode(v, r) : encode(v, r);
			e[j].s = null || fixed ? (struct str){NULL, 0} : v->str[r];
			if (!null && !fixed && !e[j].s.p)
				e[j].s.p = ""; /* an empty string is a value */
			e[j].pos = (uint32_t)j;
		}
		qsort_r(e, rows, sizeof *e, entry_cmp, &desc_string);
		for (size_t j = 0; j < rows; j++)
			tmp[j] = perm[e[j].pos];
		memcpy(perm, tmp, rows * sizeof *perm);
	}
	free(e);
	free(tmp);
}

/* --- results --- */

/* res[row] = arg[src] (the value, strings shared with arg) */
static void put_from(struct vec *res, size_t row, const struct vec *arg, size_t src)
{
	size_t w = type_width(res->type);
	res->nulls[row] = arg->nulls[src];
	memcpy((char *)res->data + row * w, (const char *)arg->data + src * w, w);
}

/* An aggregate's running state over a frame. */
struct acc {
	int64_t cnt;
	__int128 isum;
	double fsum;
	numeric_t nsum;
	int64_t best; /* MIN, MAX: the row holding it, or -1 */
};

static void acc_reset(struct acc *a)
{
	memset(a, 0, sizeof *a);
	a->best = -1;
}

static int acc_add(struct acc *a, const struct win *w, const struct vec *arg, size_t row)
{
	if (w->agg == AG_COUNT_STAR) {
		a->cnt++;
		return 0;
	}
	if (arg->nulls[row])
		return 0;
	a->cnt++;
	switch (w->agg) {
	case AG_SUM:
	case AG_AVG:
		if (arg->type == TYPE_INT64)
			a->isum += arg->i64[row];
		else if (arg->type == TYPE_NUMERIC)
			return numeric_add(a->nsum, arg->num[row], &a->nsum);
		else
			a->fsum += arg->f64[row];
		return 0;
	case AG_MIN:
	case AG_MAX: {
		if (a->best < 0) {
			a->best = (int64_t)row;
			return 0;
		}
		int c = value_cmp(arg, row, arg, (size_t)a->best);
		/* BigQuery's MAX, like its MIN, is NaN when a value is */
		if (w->agg == AG_MAX && arg->type == TYPE_FLOAT64 &&
		    (isnan(arg->f64[row]) || isnan(arg->f64[a->best])))
			c = (isnan(arg->f64[row]) != 0) - (isnan(arg->f64[a->best]) != 0);
		if (w->agg == AG_MIN ? c < 0 : c > 0)
			a->best = (int64_t)row;
		return 0;
	}
	default:
		return 0;
	}
}

static int acc_put(const struct acc *a, const struct win *w, const struct vec *arg, struct vec *res, size_t row)
{
	struct value v = value_null(w->type);
	if (w->agg == AG_COUNT || w->agg == AG_COUNT_STAR) {
		v = value_int64(a->cnt);
	} else if (w->agg == AG_MIN || w->agg == AG_MAX) {
		if (a->best >= 0) {
			put_from(res, row, arg, (size_t)a->best);
			return 0;
		}
	} else if (a->cnt && arg->type == TYPE_INT64) {
		if (w->agg == AG_AVG)
			v = value_float64((double)a->isum / (double)a->cnt);
		else if (a->isum > INT64_MAX || a->isum < INT64_MIN)
			return error_setcode(PIPE_EUSAGE, "int64 overflow: SUM");
		else
			v = value_int64((int64_t)a->isum);
	} else if (a->cnt && arg->type == TYPE_NUMERIC) {
		numeric_t q = a->nsum, c;
		int error;
		if (w->agg == AG_AVG && ((error = numeric_from_int64(a->cnt, &c)) < 0 ||
					 (error = numeric_div(a->nsum, c, &q)) < 0))
			return error;
		v = value_numeric(q);
	} else if (a->cnt) {
		v = value_float64(w->agg == AG_AVG ? a->fsum / (double)a->cnt : a->fsum);
	}
	vec_set(res, row, &v);
	return 0;
}

/* The frame of position j in a partition of m rows: [*lo, *hi], empty when
 * *lo > *hi.  peer_lo/peer_hi bound j's peers (rows with equal ORDER BY
 * keys), for RANGE frames. */
static void frame_of(const struct win *w, int64_t j, int64_t m, int64_t peer_lo, int64_t peer_hi, int64_t *lo,
		     int64_t *hi)
{
	int64_t ln = w->lo_n < m ? w->lo_n : m, hn = w->hi_n < m ? w->hi_n : m;
	switch (w->lo) {
	case FB_UNBOUNDED_PRECEDING: *lo = 0; break;
	case FB_PRECEDING: *lo = j - ln; break;
	case FB_CURRENT: *lo = w->range ? peer_lo : j; break;
	case FB_FOLLOWING: *lo = j + ln; break;
	default: *lo = m; break;
	}
	switch (w->hi) {
	case FB_UNBOUNDED_FOLLOWING: *hi = m - 1; break;
	case FB_FOLLOWING: *hi = j + hn; break;
	case FB_CURRENT: *hi = w->range ? peer_hi : j; break;
	case FB_PRECEDING: *hi = j - hn; break;
	default: *hi = -1; break;
	}
	if (*lo < 0)
		*lo = 0;
	if (*hi > m - 1)
		*hi = m - 1;
}

/* One partition: rows perm[0..m) in window order. */
static int compute_partition(const struct win *w, const struct order_ctx *c, struct wfn *fn, const uint32_t *perm,
			     int64_t m, uint32_t *peer_lo, uint32_t *peer_hi)
{
	size_t nk = w->npart + w->norder;
	/* peers: runs of equal ORDER BY keys */
	for (int64_t j = 0; j < m; j++)
		peer_lo[j] = j > 0 && same_keys(c, w->npart, nk, perm[j - 1], perm[j]) ? peer_lo[j - 1] : (uint32_t)j;
	for (int64_t j = m - 1; j >= 0; j--)
		peer_hi[j] = j < m - 1 && peer_lo[j + 1] == peer_lo[j] ? peer_hi[j + 1] : (uint32_t)j;
	struct vec *res = &fn->res;
	const struct vec *arg = fn->key[w->npart + w->norder];
	int64_t dense = 0, lo, hi;
	int error;
	switch (w->kind) {
	case W_ROW_NUMBER:
	case W_RANK:
	case W_DENSE_RANK:
		for (int64_t j = 0; j < m; j++) {
			dense += peer_lo[j] == j;
			int64_t v = w->kind == W_ROW_NUMBER ? j + 1 : w->kind == W_RANK ? (int64_t)peer_lo[j] + 1 : dense;
			res->nulls[perm[j]] = 0;
			res->i64[perm[j]] = v;
		}
		return 0;
	case W_PERCENT_RANK:
	case W_CUME_DIST:
		/* (rank - 1) / (rows - 1), and the share of rows up to the
		 * last peer: FLOAT64, as BigQuery's */
		for (int64_t j = 0; j < m; j++) {
			res->nulls[perm[j]] = 0;
			res->f64[perm[j]] = w->kind == W_CUME_DIST ? (double)(peer_hi[j] + 1) / (double)m
			                    : m > 1 ? (double)peer_lo[j] / (double)(m - 1) : 0;
		}
		return 0;
	case W_NTILE: {
		/* n buckets, the first m % n of them a row larger */
		int64_t n = w->offset, q = m / n, r = m % n;
		for (int64_t j = 0; j < m; j++) {
			res->nulls[perm[j]] = 0;
			res->i64[perm[j]] = j < r * (q + 1) ? j / (q + 1) + 1 : (j - r * (q + 1)) / q + r + 1;
		}
		return 0;
	}
	case W_LAG:
	case W_LEAD:
		for (int64_t j = 0; j < m; j++) {
			int64_t off = w->offset < m ? w->offset : m;
			int64_t from = w->kind == W_LAG ? j - off : j + off;
			if (from >= 0 && from < m)
				put_from(res, perm[j], arg, perm[from]);
			else if (w->def)
				vec_set(res, perm[j], &w->def->lit);
			else
				res->nulls[perm[j]] = 1;
		}
		return 0;
	case W_FIRST_VALUE:
	case W_LAST_VALUE:
	case W_NTH_VALUE:
		for (int64_t j = 0; j < m; j++) {
			frame_of(w, j, m, peer_lo[j], peer_hi[j], &lo, &hi);
			/* NTH_VALUE: the frame's n-th row, NULL past its end */
			int64_t at = w->kind == W_FIRST_VALUE ? lo : w->kind == W_LAST_VALUE ? hi :
			             w->offset - 1 > hi - lo ? hi + 1 : lo + w->offset - 1;
			if (lo > hi || at > hi)
				res->nulls[perm[j]] = 1;
			else
				put_from(res, perm[j], arg, perm[at]);
		}
		return 0;
	case W_PERCENTILE_CONT:
	case W_PERCENTILE_DISC: {
		/* the partition in the argument's order, its NULLs first and
		 * left out; CONT between the two values about rank
		 * p (n - 1), DISC the first whose share of rows reaches p */
		int64_t nulls = 0;
		while (nulls < m && arg->nulls[perm[nulls]])
			nulls++;
		int64_t n = m - nulls;
		double p = w->percentile;
		if (!n) {
			for (int64_t j = 0; j < m; j++)
				res->nulls[perm[j]] = 1;
			return 0;
		}
		if (w->kind == W_PERCENTILE_DISC) {
			int64_t k = (int64_t)ceil(p * (double)n) - 1;
			k = k < 0 ? 0 : k;
			for (int64_t j = 0; j < m; j++)
				put_from(res, perm[j], arg, perm[nulls + k]);
			return 0;
		}
		double rn = p * (double)(n - 1), f = floor(rn), c = ceil(rn);
		uint32_t lo_row = perm[nulls + (int64_t)f], hi_row = perm[nulls + (int64_t)c];
		double lo_v = arg->type == TYPE_INT64 ? (double)arg->i64[lo_row] : arg->f64[lo_row];
		double hi_v = arg->type == TYPE_INT64 ? (double)arg->i64[hi_row] : arg->f64[hi_row];
		double v = f == c ? lo_v : (c - rn) * lo_v + (rn - f) * hi_v;
		for (int64_t j = 0; j < m; j++) {
			res->nulls[perm[j]] = 0;
			res->f64[perm[j]] = v;
		}
		return 0;
	}
	case W_AGG:
		break;
	}
	struct acc a;
	acc_reset(&a);
	if (w->lo == FB_UNBOUNDED_PRECEDING) {
		/* the frame's end only moves forward: add each row once */
		int64_t next = 0;
		for (int64_t j = 0; j < m; j++) {
			frame_of(w, j, m, peer_lo[j], peer_hi[j], &lo, &hi);
			for (; next <= hi; next++)
				if ((error = acc_add(&a, w, arg, perm[next])) < 0)
					return error;
			if ((error = acc_put(&a, w, arg, res, perm[j])) < 0)
				return error;
		}
	} else if (w->hi == FB_UNBOUNDED_FOLLOWING) {
		/* the same from the partition's end */
		int64_t next = m - 1;
		for (int64_t j = m - 1; j >= 0; j--) {
			frame_of(w, j, m, peer_lo[j], peer_hi[j], &lo, &hi);
			for (; next >= lo; next--)
				if ((error = acc_add(&a, w, arg, perm[next])) < 0)
					return error;
			if ((error = acc_put(&a, w, arg, res, perm[j])) < 0)
				return error;
		}
	} else {
		for (int64_t j = 0; j < m; j++) {
			frame_of(w, j, m, peer_lo[j], peer_hi[j], &lo, &hi);
			acc_reset(&a);
			for (int64_t q = lo; q <= hi; q++)
				if ((error = acc_add(&a, w, arg, perm[q])) < 0)
					return error;
			if ((error = acc_put(&a, w, arg, res, perm[j])) < 0)
				return error;
		}
	}
	return 0;
}

/* perm: the rows in window order (partition keys, order keys, arrival). */
static void sort_rows(const struct win *w, const struct wfn *fn, uint32_t *perm, size_t rows)
{
	for (size_t i = 0; i < rows; i++)
		perm[i] = (uint32_t)i;
	struct order_ctx c = {w, fn};
	bool fixed = true;
	for (size_t k = 0; k < w->npart + w->norder; k++)
		fixed = fixed && sortable_key(fn->key[k]->type);
	if (fixed)
		sort_fixed(w, fn, perm, rows);
	else
		qsort_r(perm, rows, sizeof *perm, row_cmp, &c);
}

static int compute(struct node *n, struct win_state *s, size_t f)
{
	const struct win *w = &n->wins[f];
	struct wfn *fn = &s->fns[f];
	size_t rows = s->nrows;
	int error = 0;
	vec_reserve(&fn->res, rows + 1);
	fn->res.count = rows;
	memset(fn->res.nulls, 1, rows);
	uint32_t *perm = xmalloc((rows + 1) * sizeof *perm);
	uint32_t *peer_lo = xmalloc((rows + 1) * sizeof *peer_lo), *peer_hi = xmalloc((rows + 1) * sizeof *peer_hi);
	sort_rows(w, fn, perm, rows);
	struct order_ctx c = {w, fn};
	for (size_t start = 0, end; start < rows && error >= 0; start = end) {
		for (end = start + 1; end < rows && same_keys(&c, 0, w->npart, perm[start], perm[end]); end++)
			;
		error = compute_partition(w, &c, fn, perm + start, (int64_t)(end - start), peer_lo, peer_hi);
	}
	free(perm);
	free(peer_lo);
	free(peer_hi);
	return error;
}

/* --- spilling --- */

/* Whether every function has the same PARTITION BY and ORDER BY, of
 * columns: then one order serves them all, and a run of rows in that
 * order can be computed a partition at a time. */
static bool window_can_spill(const struct node *n)
{
	const struct win *a = &n->wins[0];
	for (size_t f = 0; f < n->nwins; f++) {
		const struct win *w = &n->wins[f];
		if (w->npart != a->npart || w->norder != a->norder)
			return false;
		for (size_t k = 0; k < w->npart + w->norder; k++) {
			const struct pexpr *e = win_input(w, k), *x = win_input(a, k);
			if (e->kind != X_COL || x->kind != X_COL || e->col != x->col)
				return false;
			if (k >= w->npart && (w->desc[k - w->npart] != a->desc[k - w->npart] ||
					      w->nulls_first[k - w->npart] != a->nulls_first[k - w->npart]))
				return false;
		}
	}
	return n->nwins > 0;
}

/* A column a window reads that the child never provided reads as NULLs. */
static void hold_missing_inputs(struct node *n, struct win_state *s)
{
	for (size_t f = 0; f < n->nwins; f++)
		for (size_t k = 0; k < n->wins[f].npart + n->wins[f].norder + 1; k++) {
			const struct pexpr *e = win_input(&n->wins[f], k);
			if (e && e->kind == X_COL && !s->present[e->col]) {
				s->present[e->col] = true;
				hold(&s->cols[e->col], NULL, s->nrows, false);
			}
		}
}

static void reset_held(struct win_state *s)
{
	for (size_t k = 0; k < s->nheld; k++)
		vec_reset(s->held_vecs[k]);
	s->nrows = s->next = 0;
}

/* The rows held, in window order, as a run on disk; their memory is kept
 * for the next rows, and their bytes go back to the budget. */
static int spill_held(struct node *n, struct exec_stats *st, struct win_state *s)
{
	size_t nbase = n->child->ncols;
	hold_missing_inputs(n, s);
	uint32_t *perm = xmalloc((s->nrows + 1) * sizeof *perm);
	sort_rows(&n->wins[0], &s->fns[0], perm, s->nrows);
	struct vec **cols = xmalloc((s->nheld + 1) * sizeof *cols);
	for (size_t k = 0; k < s->nheld; k++)
		cols[k] = k < nbase && !s->present[k] ? NULL : s->held_vecs[k];
	s->runs = xrealloc(s->runs, (s->nruns + 1) * sizeof *s->runs);
	int error = spill_run_write(&s->file, &s->runs[s->nruns++], cols, s->nheld, perm, s->nrows);
	free(cols);
	free(perm);
	reset_held(s);
	exec_release(st, s->held);
	s->held = 0;
	return error;
}

/* Row a of run columns ca against row b of cb by the first nkeys keys. */
static int run_rows_cmp(const struct win *w, size_t nkeys, const struct vec *ca, size_t a, const struct vec *cb,
			size_t b)
{
	for (size_t k = 0; k < nkeys; k++) {
		int col = win_input(w, k)->col;
		int r = key_order(w, k, &ca[col], a, &cb[col], b);
		if (r)
			return r;
	}
	return 0;
}

/* The next rows of the merge: whole partitions, at least a batch of rows
 * (or what is left), held as the rows of an unspilled window are, with
 * their values computed; none when the runs are done. */
static int merge_next(struct node *n, struct exec_stats *st, struct win_state *s)
{
	static const char op[] = "an analytic function (the rows of its window)";
	const struct win *w = &n->wins[0];
	size_t nbase = n->child->ncols, nkeys = w->npart + w->norder;
	uint64_t bytes = 0;
	int error;
	reset_held(s);
	exec_release(st, s->held);
	s->held = 0;
	for (;;) {
		struct spill_run *best = NULL;
		for (size_t r = 0; r < s->nruns; r++) {
			struct spill_run *run = &s->runs[r];
			if (!run->done && (!best || run_rows_cmp(w, nkeys, run->cols, run->i, best->cols, best->i) < 0))
				best = run;
		}
		if (!best)
			break;
		/* a partition stays whole: it ends where the partition keys
		 * change, past a batch of rows or a quarter of the budget */
		bool enough = s->nrows >= BATCH_ROWS || (st->memory_limit > 0 && bytes * 4 >= (uint64_t)st->memory_limit);
		if (enough &&
		    run_rows_cmp(w, w->npart, best->cols, best->i, s->cols, s->nrows - 1) != 0)
			break;
		uint32_t one = (uint32_t)best->i;
		for (size_t k = 0; k < s->nheld; k++) {
			if (k < nbase && !s->present[k])
				continue;
			const struct vec *src = &best->cols[k];
			vec_append_rows(s->held_vecs[k], src, &one, 1, true);
			bytes += type_width(src->type) + 1 + (type_is_string(src->type) && !src->nulls[one] ? src->str[one].len : 0);
		}
		bytes += n->nwins * 48;
		if (++s->nrows % BATCH_ROWS == 0) {
			if ((error = exec_reserve(st, op, bytes - s->held)) < 0)
				return error;
			s->held = bytes;
		}
		if (++best->i >= best->rows && (error = spill_run_load(&s->file, best, s->held_types)) < 0)
			return error;
	}
	if ((error = exec_reserve(st, op, bytes - s->held)) < 0)
		return error;
	s->held = bytes;
	for (size_t f = 0; f < n->nwins && s->nrows; f++)
		if ((error = compute(n, s, f)) < 0)
			return error;
	return 0;
}

/* After the input: the last rows as a run too, and the merge begun. */
static int merge_start(struct node *n, struct exec_stats *st, struct win_state *s)
{
	int error;
	if (s->nrows && (error = spill_held(n, st, s)) < 0)
		return error;
	for (size_t r = 0; r < s->nruns; r++)
		if ((error = spill_run_load(&s->file, &s->runs[r], s->held_types)) < 0)
			return error;
	s->merging = true;
	return merge_next(n, st, s);
}

/* What a run holds, where each of its columns goes back to. */
static void spill_init(struct node *n, struct win_state *s)
{
	size_t nbase = n->child->ncols;
	s->can_spill = window_can_spill(n);
	s->file.op = "an analytic function";
	s->held_vecs = xcalloc(nbase + n->nwins + 1, sizeof *s->held_vecs);
	s->held_types = xcalloc(nbase + n->nwins + 1, sizeof *s->held_types);
	for (size_t k = 0; k < nbase; k++)
		s->held_vecs[s->nheld++] = &s->cols[k];
	for (size_t f = 0; f < n->nwins; f++) {
		const struct win *w = &n->wins[f];
		if (w->arg && w->arg->kind != X_COL)
			s->held_vecs[s->nheld++] = &s->fns[f].held[w->npart + w->norder];
	}
	for (size_t k = 0; k < s->nheld; k++)
		s->held_types[k] = s->held_vecs[k]->type;
}

int window_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct win_state *s = n->state;
	size_t nbase = n->child->ncols;
	int error;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		s->cols = xcalloc(nbase + 1, sizeof *s->cols);
		s->present = xcalloc(nbase + 1, sizeof *s->present);
		for (size_t k = 0; k < nbase; k++)
			vec_init(&s->cols[k], n->types[k]);
		s->fns = xcalloc(n->nwins + 1, sizeof *s->fns);
		for (size_t f = 0; f < n->nwins; f++) {
			struct win *w = &n->wins[f];
			struct wfn *fn = &s->fns[f];
			size_t nin = w->npart + w->norder + 1;
			fn->held = xcalloc(nin + 1, sizeof *fn->held);
			fn->key = xcalloc(nin + 1, sizeof *fn->key);
			for (size_t k = 0; k < nin; k++) {
				const struct pexpr *e = win_input(w, k);
				vec_init(&fn->held[k], e ? e->type : TYPE_INT64);
				fn->key[k] = e && e->kind == X_COL ? &s->cols[e->col] : &fn->held[k];
			}
			vec_init(&fn->res, w->type);
		}
		s->views = xcalloc(n->ncols + 1, sizeof *s->views);
		s->rb.ncols = n->ncols;
		s->rb.cols = xcalloc(n->ncols + 1, sizeof *s->rb.cols);
		spill_init(n, s);
		if ((error = consume(n, st, s)) < 0)
			return error;
		hold_missing_inputs(n, s);
		if (s->nruns) {
			if ((error = merge_start(n, st, s)) < 0)
				return error;
		} else {
			for (size_t f = 0; f < n->nwins; f++)
				if ((error = compute(n, s, f)) < 0)
					return error;
		}
	}
	if (s->next >= s->nrows && s->merging && (error = merge_next(n, st, s)) < 0)
		return error;
	if (s->next >= s->nrows)
		return 0;
	size_t k = s->nrows - s->next < BATCH_ROWS ? s->nrows - s->next : BATCH_ROWS;
	for (size_t c = 0; c < n->ncols; c++) {
		const struct vec *src = c < nbase ? &s->cols[c] : &s->fns[c - nbase].res;
		if (c < nbase && !s->present[c]) {
			s->rb.cols[c] = NULL;
			continue;
		}
		struct vec *v = &s->views[c];
		*v = *src;
		v->nulls = src->nulls + s->next;
		v->data = (char *)src->data + s->next * type_width(src->type);
		v->count = v->cap = k;
		s->rb.cols[c] = v;
	}
	s->rb.n = k;
	s->next += k;
	*out = &s->rb;
	return 1;
}

void window_free_state(struct node *n)
{
	struct win_state *s = n->state;
	size_t nbase = n->child->ncols;
	for (size_t k = 0; k < nbase; k++)
		vec_free(&s->cols[k]);
	free(s->cols);
	free(s->present);
	for (size_t f = 0; f < n->nwins; f++) {
		struct wfn *fn = &s->fns[f];
		for (size_t k = 0; k < n->wins[f].npart + n->wins[f].norder + 1; k++)
			vec_free(&fn->held[k]);
		free(fn->held);
		free(fn->key);
		vec_free(&fn->res);
	}
	free(s->fns);
	free(s->views);
	free(s->rb.cols);
	for (size_t r = 0; r < s->nruns; r++)
		spill_run_free(&s->runs[r]);
	free(s->runs);
	spill_file_close(&s->file);
	free(s->held_vecs);
	free(s->held_types);
}
