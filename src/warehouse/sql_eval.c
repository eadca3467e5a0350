/* sql_eval: evaluates expressions over a batch of column vectors, with a
 * typed loop per operator and type, and runs the subqueries expressions
 * hold: an uncorrelated one once, before the query; a correlated one once
 * per distinct row of its parameters, as it is evaluated. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_func.h"
#include "sql_op.h"
#include "sql_plan.h"

struct ectx {
	const uint8_t *mask; /* rows whose errors count (CASE branches); NULL: all */
};

static struct ectx ectx_all = {NULL};

static void out_prepare(struct pexpr *e, size_t n)
{
	if (!e->out_init) {
		vec_init(&e->out, e->type);
		e->out_init = true;
	}
	vec_reset(&e->out);
	vec_reserve(&e->out, n ? n : 1);
	e->out.count = n;
}

static int eval(struct ectx *x, struct pexpr *e, const struct rb *in, const struct vec **out);

#define LIVE(x, i) (!(x)->mask || (x)->mask[i])

static bool cmp_holds(int c, int op)
{
	switch (op) {
	case CMP_EQ: return c == 0;
	case CMP_NE: return c != 0;
	case CMP_LT: return c < 0;
	case CMP_LE: return c <= 0;
	case CMP_GT: return c > 0;
	default: return c >= 0;
	}
}

#define CMP_LOOP(T, arr)                                                                   \
	do {                                                                               \
		const T *pa = (const T *)a->arr, *pb = (const T *)b->arr;                  \
		switch (e->op) {                                                           \
		case CMP_EQ: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] == pb[i * sb]; break; \
		case CMP_NE: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] != pb[i * sb]; break; \
		case CMP_LT: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] < pb[i * sb]; break;  \
		case CMP_LE: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] <= pb[i * sb]; break; \
		case CMP_GT: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] > pb[i * sb]; break;  \
		default: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] >= pb[i * sb]; break;     \
		}                                                                          \
	} while (0)

static int eval_cmp(struct pexpr *e, const struct vec *a, const struct vec *b, size_t n)
{
	size_t sa = STRIDE(e->args[0]), sb = STRIDE(e->args[1]);
	out_prepare(e, n);
	uint8_t *r = e->out.b, *nl = e->out.nulls;
	for (size_t i = 0; i < n; i++)
		nl[i] = a->nulls[i * sa] | b->nulls[i * sb];
	switch (a->type) {
	case TYPE_BOOL: CMP_LOOP(uint8_t, b); break;
	case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP: CMP_LOOP(int64_t, i64); break;
	case TYPE_DATE: CMP_LOOP(int32_t, days); break;
	case TYPE_FLOAT64: CMP_LOOP(double, f64); break; /* NaN: false but != */
	case TYPE_NUMERIC: CMP_LOOP(numeric_t, num); break;
	default:
		for (size_t i = 0; i < n; i++)
			r[i] = !nl[i] && cmp_holds(str_compare(a->str[i * sa], b->str[i * sb]), e->op);
		break;
	}
	return 0;
}

static int arith_error(const char *what, struct value x, struct value y, const char *op)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	value_to_string(&x, &a);
	value_to_string(&y, &b);
	int rc = error_setcode(PIPE_EUSAGE, "%s: %s %s %s", what, buf_cstr(&a), op, buf_cstr(&b));
	buf_free(&a);
	buf_free(&b);
	return rc;
}

static int eval_arith(struct ectx *x, struct pexpr *e, const struct vec *a, const struct vec *b, size_t n)
{
	static const char *const ops[] = {"+", "-", "*", "/", "||"};
	size_t sa = STRIDE(e->args[0]), sb = STRIDE(e->args[1]);
	out_prepare(e, n);
	uint8_t *nl = e->out.nulls;
	for (size_t i = 0; i < n; i++)
		nl[i] = a->nulls[i * sa] | b->nulls[i * sb];
	int error;
	switch (e->type) {
	case TYPE_INT64: {
		const int64_t *pa = a->i64, *pb = b->i64;
		int64_t *r = e->out.i64;
		for (size_t i = 0; i < n; i++) {
			bool ovf;
			int64_t u = pa[i * sa], v = pb[i * sb];
			switch (e->op) {
			case AR_ADD: ovf = __builtin_add_overflow(u, v, &r[i]); break;
			case AR_SUB: ovf = __builtin_sub_overflow(u, v, &r[i]); break;
			default: ovf = __builtin_mul_overflow(u, v, &r[i]); break;
			}
			if (ovf && !nl[i] && LIVE(x, i))
				return arith_error("int64 overflow", value_int64(u), value_int64(v), ops[e->op]);
		}
		return 0;
	}
	case TYPE_FLOAT64: {
		const double *pa = a->f64, *pb = b->f64;
		double *r = e->out.f64;
		switch (e->op) {
		case AR_ADD: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] + pb[i * sb]; break;
		case AR_SUB: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] - pb[i * sb]; break;
		case AR_MUL: for (size_t i = 0; i < n; i++) r[i] = pa[i * sa] * pb[i * sb]; break;
		default:
			for (size_t i = 0; i < n; i++) {
				double v = pb[i * sb];
				if (v == 0 && !nl[i] && LIVE(x, i))
					return arith_error("division by zero", value_float64(pa[i * sa]), value_float64(v), "/");
				r[i] = v == 0 ? 0 : pa[i * sa] / v;
			}
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (!nl[i] && LIVE(x, i) && isinf(r[i]) && !isinf(pa[i * sa]) && !isinf(pb[i * sb]))
				return arith_error("double overflow", value_float64(pa[i * sa]),
						   value_float64(pb[i * sb]), ops[e->op]);
		return 0;
	}
	case TYPE_NUMERIC: {
		const numeric_t *pa = a->num, *pb = b->num;
		numeric_t *r = e->out.num;
		for (size_t i = 0; i < n; i++) {
			if (nl[i] || !LIVE(x, i)) {
				r[i] = 0;
				continue;
			}
			numeric_t u = pa[i * sa], v = pb[i * sb];
			switch (e->op) {
			case AR_ADD: error = numeric_add(u, v, &r[i]); break;
			case AR_SUB: error = numeric_sub(u, v, &r[i]); break;
			case AR_MUL: error = numeric_mul(u, v, &r[i]); break;
			default: error = numeric_div(u, v, &r[i]); break;
			}
			if (error < 0)
				return error;
		}
		return 0;
	}
	default: { /* || */
		struct str *r = e->out.str;
		for (size_t i = 0; i < n; i++) {
			if (nl[i])
				continue;
			struct str u = a->str[i * sa], v = b->str[i * sb];
			char *p = arena_alloc(&e->out.arena, u.len + v.len + 1);
			memcpy(p, u.p, u.len);
			memcpy(p + u.len, v.p, v.len);
			r[i] = (struct str){p, u.len + v.len};
		}
		return 0;
	}
	}
}

static bool like_match(const char *s, size_t n, const char *p, size_t m)
{
	while (m) {
		if (*p == '%') {
			while (m && *p == '%')
				p++, m--;
			if (!m)
				return true;
			for (size_t k = 0; k <= n; k++)
				if (like_match(s + k, n - k, p, m))
					return true;
			return false;
		}
		if (!n)
			return false;
		if (*p == '\\' && m > 1) {
			p++, m--;
			if (*s != *p)
				return false;
		} else if (*p != '_' && *p != *s) {
			return false;
		}
		/* _ matches one character, not one byte */
		size_t step = 1;
		if (*p == '_')
			while (step < n && ((unsigned char)s[step] & 0xc0) == 0x80)
				step++;
		s += step, n -= step;
		p++, m--;
	}
	return n == 0;
}

static int eval_func(struct ectx *x, struct pexpr *e, const struct rb *in, size_t n)
{
	/* on the heap: eval recurses through here as deep as the expression */
	const struct vec **argv = xcalloc(e->nargs + 1, sizeof *argv);
	struct value *args = xcalloc(e->nargs + 1, sizeof *args);
	int error = 0;
	for (size_t k = 0; k < e->nargs; k++)
		if ((error = eval(x, e->args[k], in, &argv[k])) < 0)
			goto done;
	out_prepare(e, 0);
	vec_reserve(&e->out, n);
	for (size_t i = 0; i < n; i++) {
		bool null = false;
		for (size_t k = 0; k < e->nargs; k++) {
			args[k] = vec_get(argv[k], i * STRIDE(e->args[k]));
			null = null || args[k].is_null;
		}
		if ((null && !e->fn->nonstrict) || !LIVE(x, i)) {
			vec_push_null(&e->out);
			continue;
		}
		struct value v;
		if ((error = e->fn->row(e, args, &v, &e->out.arena)) < 0) {
			if (!e->safe)
				goto done;
			error_clear(); /* SAFE.f: the row's value is NULL */
			error = 0;
			vec_push_null(&e->out);
			continue;
		}
		if (v.is_null || v.type == TYPE_NULL)
			vec_push_null(&e->out);
		else if (type_is_string(e->type))
			vec_push_str_ref(&e->out, v.s.p, v.s.len);
		else {
			v.type = v.type == TYPE_INT64 && e->type != TYPE_INT64 ? v.type : e->type;
			vec_push(&e->out, &v);
		}
	}
done:
	free(argv);
	free(args);
	return error;
}

static int eval_cast(struct ectx *x, struct pexpr *e, const struct vec *a, size_t n)
{
	size_t sa = STRIDE(e->args[0]);
	out_prepare(e, n);
	if (a->type == TYPE_INT64 && e->type == TYPE_FLOAT64) {
		for (size_t i = 0; i < n; i++) {
			e->out.nulls[i] = a->nulls[i * sa];
			e->out.f64[i] = (double)a->i64[i * sa];
		}
		return 0;
	}
	if (a->type == TYPE_DATE && e->type == TYPE_DATETIME) {
		for (size_t i = 0; i < n; i++) {
			e->out.nulls[i] = a->nulls[i * sa];
			e->out.us[i] = (int64_t)a->days[i * sa] * US_PER_DAY;
		}
		return 0;
	}
	e->out.count = 0;
	for (size_t i = 0; i < n; i++) {
		struct value v = vec_get(a, i * sa), r;
		if (v.is_null || a->type == TYPE_NULL || !LIVE(x, i)) {
			vec_push_null(&e->out);
			continue;
		}
		int error = value_cast(&v, e->type, &e->out.arena, &r);
		if (error < 0) {
			if (!e->safe)
				return error;
			error_clear();
			vec_push_null(&e->out);
			continue;
		}
		if (type_is_string(e->type))
			vec_push_str_ref(&e->out, r.s.p, r.s.len);
		else
			vec_push(&e->out, &r);
	}
	return 0;
}

/* --- IN (SELECT ...): a hash set of the subquery's values --- */

static bool set_find(const struct subq_set *s, const struct vec *v, size_t i, size_t *slot)
{
	size_t p = vec_hash(v, i) & s->mask;
	while (s->table[p]) {
		if (vec_same(&s->vals, s->table[p] - 1, v, i))
			return true;
		p = (p + 1) & s->mask;
	}
	*slot = p;
	return false;
}

static void set_add(struct subq_set *s, const struct vec *v, size_t i)
{
	if (v->nulls[i]) {
		s->has_null = true;
		return;
	}
	if (!s->table || s->vals.count * 2 >= s->mask) {
		size_t size = s->table ? (s->mask + 1) * 2 : 64;
		free(s->table);
		s->table = xcalloc(size, sizeof *s->table);
		s->mask = size - 1;
		for (size_t k = 0; k < s->vals.count; k++) {
			size_t p = vec_hash(&s->vals, k) & s->mask;
			while (s->table[p])
				p = (p + 1) & s->mask;
			s->table[p] = (uint32_t)k + 1;
		}
	}
	size_t slot;
	if (set_find(s, v, i, &slot))
		return;
	s->table[slot] = (uint32_t)s->vals.count + 1;
	uint32_t one = (uint32_t)i;
	vec_append_rows(&s->vals, v, &one, 1, true);
}

/* Three-valued: TRUE when x is in the set; else NULL when x or a value of
 * the set is NULL; FALSE for an empty set whatever x is.  NaN is in no set
 * (NaN = NaN is false), though the set, grouping-like, holds one. */
static int insub_truth(const struct subq_set *s, const struct vec *a, size_t i, bool negated)
{
	size_t slot;
	int r; /* 0 false, 1 true, 2 unknown */
	if (s->empty || !s->table)
		r = s->has_null && !s->empty ? 2 : 0;
	else if (a->nulls[i])
		r = 2;
	else if (!(a->type == TYPE_FLOAT64 && isnan(a->f64[i])) && set_find(s, a, i, &slot))
		r = 1;
	else
		r = s->has_null ? 2 : 0;
	if (r != 2 && negated)
		r = !r;
	return r;
}

static void eval_insub(struct pexpr *e, const struct vec *a, size_t n)
{
	size_t sa = STRIDE(e->args[0]);
	out_prepare(e, n);
	for (size_t i = 0; i < n; i++) {
		int r = insub_truth(&e->set, a, i * sa, e->negated);
		if (r == 2 && e->exists_form)
			r = 0;
		e->out.nulls[i] = r == 2;
		e->out.b[i] = r == 1;
	}
}

/* ARRAY(SELECT ...): every row's value of the first column, in order */
static void array_add(struct buf *array, const struct rb *in)
{
	for (size_t i = 0; i < in->n; i++) {
		struct value x = vec_get(in->cols[0], i);
		value_array_push(array, &x);
	}
}

/* ... pushed into v: over no rows an empty array, as BigQuery's */
static void array_push(const struct pexpr *e, struct vec *v, const struct buf *array)
{
	struct value a = value_array(e->type, array->data, array->len);
	vec_push(v, &a);
}

/* --- correlated subqueries: a run per distinct row of the arguments --- */

/* Row i of the arguments' values av, or with dense of columns of rows
 * (a decorrelated subquery's groups). */
static uint64_t corr_hash(const struct pexpr *e, const struct vec *const *av, size_t i, bool dense)
{
	uint64_t h = 0x9e3779b97f4a7c15u;
	for (size_t k = 0; k < e->nargs; k++)
		h = (h ^ vec_hash(av[k], dense ? i : i * STRIDE(e->args[k]))) * 0x100000001b3u;
	return h;
}

/* The cached answer for row i of the arguments, or -1 and its *slot. */
static long corr_find(const struct pexpr *e, const struct vec *const *av, size_t i, uint64_t h, size_t *slot)
{
	const struct subq_corr *c = e->corr;
	size_t p = h & c->mask;
	for (; c->table[p]; p = (p + 1) & c->mask) {
		size_t j = c->table[p] - 1, k = 0;
		while (k < e->nargs && c->hashes[j] == h && vec_same(&c->keys[k], j, av[k], i * STRIDE(e->args[k])))
			k++;
		if (k == e->nargs)
			return (long)j;
	}
	*slot = p;
	return -1;
}

/* Caches the last answer under row i of the arguments. */
static void corr_keep(struct pexpr *e, const struct vec *const *av, size_t i, uint64_t h, bool dense)
{
	struct subq_corr *c = e->corr;
	size_t j = c->answers.count - 1, p;
	c->hashes = xrealloc(c->hashes, (j + 1) * sizeof *c->hashes);
	c->hashes[j] = h;
	for (size_t k = 0; k < e->nargs; k++) {
		uint32_t row = (uint32_t)(dense ? i : i * STRIDE(e->args[k]));
		vec_append_rows(&c->keys[k], av[k], &row, 1, true);
	}
	if (!c->table || (j + 1) * 2 > c->mask) {
		size_t size = c->table ? (c->mask + 1) * 2 : 64;
		free(c->table);
		c->table = xcalloc(size, sizeof *c->table);
		c->mask = size - 1;
		for (size_t k = 0; k < j; k++) {
			for (p = c->hashes[k] & c->mask; c->table[p]; p = (p + 1) & c->mask)
				;
			c->table[p] = (uint32_t)k + 1;
		}
	}
	for (p = h & c->mask; c->table[p]; p = (p + 1) & c->mask)
		;
	c->table[p] = (uint32_t)j + 1;
}

/* What the cache holds for answer j: its keys, the answer, its hash and
 * its slots in the table (half full at most). */
static uint64_t corr_bytes(const struct pexpr *e, size_t j)
{
	const struct subq_corr *c = e->corr;
	uint64_t bytes = sizeof *c->hashes + 2 * sizeof *c->table;
	for (size_t k = 0; k <= e->nargs; k++) {
		const struct vec *v = k < e->nargs ? &c->keys[k] : &c->answers;
		bytes += type_width(v->type) + 1 + (type_is_string(v->type) && !v->nulls[j] ? v->str[j].len : 0);
	}
	return bytes;
}

/* Runs e's subquery with the parameters of row i and appends its answer:
 * for IN, whether row i's operand is in its rows.  av NULL: with NULL
 * parameters (a scalar subquery's answer over no rows, see corr_load). */
static int corr_run(struct pexpr *e, const struct vec *const *av, size_t i)
{
	struct subq_corr *c = e->corr;
	struct exec_stats *st = c->st;
	size_t first = e->kind == X_INSUB, rows = 0;
	for (size_t k = 0; k < c->nparams; k++) {
		uint32_t row = (uint32_t)(i * STRIDE(e->args[first + k]));
		vec_reset(&c->vals[k]);
		if (av)
			vec_append_rows(&c->vals[k], av[first + k], &row, 1, false);
		else
			vec_push_null(&c->vals[k]);
	}
	int64_t held = st->memory_held;
	struct subq_set set = {.init = e->kind == X_INSUB};
	struct rb *in;
	struct buf array = BUF_INIT;
	int error;
	if (e->array_form)
		value_array_start(&array);
	if (set.init)
		vec_init(&set.vals, e->sub->types[0]);
	while ((error = exec_next(e->sub, st, &in)) > 0) {
		if (!in->n)
			continue;
		if (e->kind == X_EXISTS) {
			rows = 1; /* one row answers it */
			break;
		}
		if (e->array_form) {
			array_add(&array, in);
		} else if (e->kind == X_SUBQUERY) {
			if (rows + in->n > 1) {
				error = error_setcode(PIPE_EUSAGE, "Scalar subquery produced more than one element");
				break;
			}
			vec_append_rows(&c->answers, in->cols[0], NULL, 1, true);
		} else {
			for (size_t r = 0; r < in->n; r++)
				set_add(&set, in->cols[0], r);
		}
		rows += in->n;
	}
	/* the next run starts over; the operators' memory went with their state */
	exec_rewind(e->sub);
	st->memory_held = held;
	if (error >= 0) {
		struct value v = value_bool(rows > 0);
		if (e->kind == X_EXISTS) {
			vec_push(&c->answers, &v);
		} else if (e->array_form) {
			array_push(e, &c->answers, &array);
		} else if (e->kind == X_SUBQUERY && rows == 0) {
			vec_push_null(&c->answers);
		} else if (e->kind == X_INSUB) {
			set.empty = rows == 0;
			int r = insub_truth(&set, av[0], i * STRIDE(e->args[0]), e->negated);
			v = value_bool(r == 1);
			if (r == 2)
				vec_push_null(&c->answers);
			else
				vec_push(&c->answers, &v);
		}
	}
	if (set.init)
		vec_free(&set.vals);
	free(set.table);
	buf_free(&array);
	return error < 0 ? error : 0;
}

/* A decorrelated scalar subquery: its groups, run once, into the cache
 * under their keys.  A NULL or NaN key is left out: = matches no row by
 * it, so a row looking for it gets the answer over no rows. */
static int corr_load(struct pexpr *e)
{
	struct subq_corr *c = e->corr;
	struct rb *in;
	int error;
	c->loaded = true;
	while ((error = exec_next(c->grouped, c->st, &in)) > 0) {
		for (size_t r = 0; r < in->n && error >= 0; r++) {
			bool none = false;
			for (size_t k = 0; k < e->nargs; k++) {
				const struct vec *v = in->cols[k];
				none = none || v->nulls[r] || (v->type == TYPE_FLOAT64 && isnan(v->f64[r]));
			}
			if (none)
				continue;
			uint32_t one = (uint32_t)r;
			vec_append_rows(&c->answers, in->cols[e->nargs], &one, 1, true);
			corr_keep(e, in->cols, r, corr_hash(e, in->cols, r, true), true);
			error = exec_reserve(c->st, "a correlated subquery's answers (kept per distinct outer value)",
					     corr_bytes(e, c->answers.count - 1));
		}
		if (error < 0)
			break;
	}
	exec_free_state(c->grouped);
	return error < 0 ? error : 0;
}

static int eval_correlated(struct ectx *x, struct pexpr *e, const struct rb *in, size_t n)
{
	struct subq_corr *c = e->corr;
	const struct vec **av = xcalloc(e->nargs + 1, sizeof *av);
	size_t first = e->kind == X_INSUB;
	int error = 0;
	for (size_t k = 0; k < e->nargs && error >= 0; k++)
		error = eval(x, e->args[k], in, &av[k]);
	if (error < 0)
		goto done;
	if (!c->init) {
		c->vals = xcalloc(c->nparams + 1, sizeof *c->vals);
		for (size_t k = 0; k < c->nparams; k++)
			vec_init(&c->vals[k], av[first + k]->type);
		c->nkeys = e->nargs;
		c->keys = xcalloc(c->nkeys + 1, sizeof *c->keys);
		for (size_t k = 0; k < c->nkeys; k++)
			vec_init(&c->keys[k], av[k]->type);
		vec_init(&c->answers, e->type);
		c->init = true;
	}
	if (c->grouped && !c->loaded && (error = corr_load(e)) < 0)
		goto done;
	out_prepare(e, 0);
	vec_reserve(&e->out, n);
	for (size_t i = 0; i < n; i++) {
		if (!LIVE(x, i)) { /* a CASE branch this row does not take */
			vec_push_null(&e->out);
			continue;
		}
		uint64_t h = corr_hash(e, av, i, false);
		size_t slot;
		long j = c->table ? corr_find(e, av, i, h, &slot) : -1;
		if (j < 0 && c->grouped) {
			if (!c->has_empty) {
				if ((error = corr_run(e, NULL, 0)) < 0)
					goto done;
				c->empty = c->answers.count - 1;
				c->has_empty = true;
			}
			j = (long)c->empty;
		}
		if (j < 0) {
			if ((error = corr_run(e, av, i)) < 0)
				goto done;
			corr_keep(e, av, i, h, false);
			j = (long)c->answers.count - 1;
			if ((error = exec_reserve(c->st, "a correlated subquery's answers (kept per distinct outer value)",
						  corr_bytes(e, (size_t)j))) < 0)
				goto done;
		}
		struct value v = vec_get(&c->answers, (size_t)j);
		if (type_is_string(e->type) && !v.is_null)
			vec_push_str_ref(&e->out, v.s.p, v.s.len);
		else
			vec_push(&e->out, &v);
	}
done:
	free(av);
	return error;
}

static int eval(struct ectx *x, struct pexpr *e, const struct rb *in, const struct vec **out)
{
	int error;
	size_t n = in->n;
	const struct vec *a = NULL, *b = NULL;
	switch (e->kind) {
	case X_CONST:
		if (!e->out_init) {
			vec_init(&e->out, e->type == TYPE_NULL ? TYPE_INT64 : e->type);
			e->out_init = true;
			struct value v = e->lit;
			if (v.is_null || v.type == TYPE_NULL)
				vec_push_null(&e->out);
			else
				vec_push(&e->out, &v);
		}
		*out = &e->out;
		return 0;
	case X_COL:
		*out = in->cols[e->col];
		return 0;
	case X_CMP:
		if ((error = eval(x, e->args[0], in, &a)) < 0 || (error = eval(x, e->args[1], in, &b)) < 0)
			return error;
		eval_cmp(e, a, b, n);
		break;
	case X_ARITH:
		if ((error = eval(x, e->args[0], in, &a)) < 0 || (error = eval(x, e->args[1], in, &b)) < 0)
			return error;
		if ((error = eval_arith(x, e, a, b, n)) < 0)
			return error;
		break;
	case X_AND:
	case X_OR: {
		if ((error = eval(x, e->args[0], in, &a)) < 0 || (error = eval(x, e->args[1], in, &b)) < 0)
			return error;
		size_t sa = STRIDE(e->args[0]), sb = STRIDE(e->args[1]);
		out_prepare(e, n);
		bool and = e->kind == X_AND;
		for (size_t i = 0; i < n; i++) {
			/* 0 false, 1 true, 2 unknown */
			int u = a->nulls[i * sa] ? 2 : a->b[i * sa], v = b->nulls[i * sb] ? 2 : b->b[i * sb];
			int r;
			if (and)
				r = u == 0 || v == 0 ? 0 : u == 2 || v == 2 ? 2 : 1;
			else
				r = u == 1 || v == 1 ? 1 : u == 2 || v == 2 ? 2 : 0;
			e->out.nulls[i] = r == 2;
			e->out.b[i] = r == 1;
		}
		break;
	}
	case X_NOT:
		if ((error = eval(x, e->args[0], in, &a)) < 0)
			return error;
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			size_t k = i * STRIDE(e->args[0]);
			e->out.nulls[i] = a->nulls[k];
			e->out.b[i] = !a->b[k];
		}
		break;
	case X_NEG:
		if ((error = eval(x, e->args[0], in, &a)) < 0)
			return error;
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			size_t k = i * STRIDE(e->args[0]);
			e->out.nulls[i] = a->nulls[k];
			if (e->type == TYPE_INT64) {
				if (a->i64[k] == INT64_MIN && !a->nulls[k] && LIVE(x, i))
					return error_setcode(PIPE_EUSAGE, "int64 overflow: -(%" PRId64 ")", a->i64[k]);
				e->out.i64[i] = a->nulls[k] ? 0 : -a->i64[k];
			} else if (e->type == TYPE_FLOAT64) {
				e->out.f64[i] = -a->f64[k];
			} else {
				e->out.num[i] = -a->num[k];
			}
		}
		break;
	case X_ISNULL:
		if ((error = eval(x, e->args[0], in, &a)) < 0)
			return error;
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			e->out.nulls[i] = 0;
			e->out.b[i] = (a->nulls[i * STRIDE(e->args[0])] != 0) != e->negated;
		}
		break;
	case X_ISBOOL:
		if ((error = eval(x, e->args[0], in, &a)) < 0)
			return error;
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			size_t k = i * STRIDE(e->args[0]);
			bool is = !a->nulls[k] && a->b[k] == (uint8_t)e->op;
			e->out.nulls[i] = 0;
			e->out.b[i] = is != e->negated;
		}
		break;
	case X_LIKE:
		if ((error = eval(x, e->args[0], in, &a)) < 0 || (error = eval(x, e->args[1], in, &b)) < 0)
			return error;
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			size_t ka = i * STRIDE(e->args[0]), kb = i * STRIDE(e->args[1]);
			e->out.nulls[i] = a->nulls[ka] | b->nulls[kb];
			e->out.b[i] = !e->out.nulls[i] &&
				      like_match(a->str[ka].p, a->str[ka].len, b->str[kb].p, b->str[kb].len) != e->negated;
		}
		break;
	case X_IN: {
		/* eval recurses as deep as the expression: its arrays are on
		 * the heap, to keep each level's frame small */
		const struct vec **list = xcalloc(e->nargs, sizeof *list);
		if ((error = eval(x, e->args[0], in, &a)) < 0) {
			free(list);
			return error;
		}
		for (size_t k = 1; k < e->nargs; k++)
			if ((error = eval(x, e->args[k], in, &list[k - 1])) < 0) {
				free(list);
				return error;
			}
		/* the operands are evaluated before out is prepared: a column
		 * operand must not be this node's own vector */
		out_prepare(e, n);
		for (size_t i = 0; i < n; i++) {
			struct value v = vec_get(a, i * STRIDE(e->args[0]));
			int r = v.is_null ? 2 : 0;
			for (size_t k = 1; k < e->nargs && r != 1 && !v.is_null; k++) {
				struct value w = vec_get(list[k - 1], i * STRIDE(e->args[k]));
				int c = value_compare(&v, &w);
				if (c == 0)
					r = 1;
				else if (c == CMP_UNKNOWN && w.is_null)
					r = 2; /* NaN equals nothing: FALSE, not unknown */
			}
			e->out.nulls[i] = r == 2;
			e->out.b[i] = r == 2 ? 0 : (r == 1) != e->negated;
		}
		free(list);
		break;
	}
	case X_COALESCE: {
		const struct vec **v = xcalloc(e->nargs, sizeof *v);
		for (size_t k = 0; k < e->nargs; k++)
			if ((error = eval(x, e->args[k], in, &v[k])) < 0) {
				free(v);
				return error;
			}
		out_prepare(e, 0);
		vec_reserve(&e->out, n);
		for (size_t i = 0; i < n; i++) {
			size_t k = 0;
			while (k + 1 < e->nargs && v[k]->nulls[i * STRIDE(e->args[k])])
				k++;
			struct value w = vec_get(v[k], i * STRIDE(e->args[k]));
			if (type_is_string(e->type) && !w.is_null)
				vec_push_str_ref(&e->out, w.s.p, w.s.len);
			else
				vec_push(&e->out, &w);
		}
		free(v);
		break;
	}
	case X_CASE: {
		/* each branch is evaluated for the rows that reach it (errors in
		 * the others do not count) and picked row by row */
		size_t nw = (e->nargs - (e->has_else ? 1 : 0)) / 2;
		uint8_t *taken = xcalloc(n + 1, 1), *mask = xmalloc(n + 1);
		const struct vec **res = xcalloc(nw + 1, sizeof *res);
		int *pick = xmalloc((n + 1) * sizeof *pick);
		const uint8_t *outer = x->mask;
		error = 0;
		for (size_t i = 0; i < n; i++)
			pick[i] = -1;
		for (size_t w = 0; w < nw; w++) {
			const struct vec *c;
			for (size_t i = 0; i < n; i++)
				mask[i] = !taken[i] && (!outer || outer[i]);
			x->mask = mask;
			error = eval(x, e->args[2 * w], in, &c);
			if (error < 0)
				goto case_done;
			size_t sc = STRIDE(e->args[2 * w]);
			for (size_t i = 0; i < n; i++) {
				bool hit = mask[i] && !c->nulls[i * sc] && c->b[i * sc];
				mask[i] = hit;
				if (hit) {
					taken[i] = 1;
					pick[i] = (int)w;
				}
			}
			if ((error = eval(x, e->args[2 * w + 1], in, &res[w])) < 0)
				goto case_done;
		}
		if (e->has_else) {
			for (size_t i = 0; i < n; i++)
				mask[i] = !taken[i] && (!outer || outer[i]);
			x->mask = mask;
			if ((error = eval(x, e->args[e->nargs - 1], in, &res[nw])) < 0)
				goto case_done;
			for (size_t i = 0; i < n; i++)
				if (!taken[i])
					pick[i] = (int)nw;
		}
		x->mask = outer;
		out_prepare(e, 0);
		vec_reserve(&e->out, n);
		for (size_t i = 0; i < n; i++) {
			if (pick[i] < 0) {
				vec_push_null(&e->out);
				continue;
			}
			const struct pexpr *src = e->args[pick[i] == (int)nw ? e->nargs - 1 : 2 * (size_t)pick[i] + 1];
			struct value w = vec_get(res[pick[i]], i * STRIDE(src));
			if (type_is_string(e->type) && !w.is_null)
				vec_push_str_ref(&e->out, w.s.p, w.s.len);
			else
				vec_push(&e->out, &w);
		}
	case_done:
		x->mask = outer;
		free(taken);
		free(mask);
		free(res);
		free(pick);
		if (error < 0)
			return error;
		break;
	}
	case X_CAST:
		if ((error = eval(x, e->args[0], in, &a)) < 0 || (error = eval_cast(x, e, a, n)) < 0)
			return error;
		break;
	case X_FUNC:
		if ((error = eval_func(x, e, in, n)) < 0)
			return error;
		break;
	case X_SUBQUERY:
	case X_EXISTS:
	case X_INSUB:
		if (e->corr) {
			if ((error = eval_correlated(x, e, in, n)) < 0)
				return error;
			break;
		}
		if (e->kind == X_INSUB) {
			if ((error = eval(x, e->args[0], in, &a)) < 0)
				return error;
			eval_insub(e, a, n);
			break;
		}
		/* the value exec_subqueries() computed before the query ran */
		if (!e->out_init) {
			vec_init(&e->out, e->type);
			vec_push_null(&e->out);
			e->out_init = true;
		}
		break;
	case X_PARAM:
		/* its value in this run of the subquery (eval_correlated) */
		*out = &e->corr->vals[e->col];
		return 0;
	}
	*out = &e->out;
	return 0;
}

int exec_eval(struct pexpr *e, const struct rb *in, const struct vec **out)
{
	return eval(&ectx_all, e, in, out);
}

static int run_subquery(struct pexpr *e, struct exec_stats *st)
{
	struct rb *in;
	size_t rows = 0;
	struct buf array = BUF_INIT;
	int error;
	if (e->array_form)
		value_array_start(&array);
	if (e->kind == X_INSUB) {
		vec_init(&e->set.vals, e->sub->types[0]);
		e->set.init = true;
	} else {
		if (e->out_init)
			vec_free(&e->out);
		vec_init(&e->out, e->type);
		e->out_init = true;
	}
	while ((error = exec_next(e->sub, st, &in)) > 0) {
		if (!in->n)
			continue;
		if (e->kind == X_EXISTS) {
			rows = 1; /* one row answers it */
			break;
		}
		if (e->array_form) {
			array_add(&array, in);
		} else if (e->kind == X_SUBQUERY) {
			if (rows + in->n > 1)
				return error_setcode(PIPE_EUSAGE, "Scalar subquery produced more than one element");
			vec_append_rows(&e->out, in->cols[0], NULL, 1, true);
		} else {
			for (size_t i = 0; i < in->n; i++)
				set_add(&e->set, in->cols[0], i);
		}
		rows += in->n;
	}
	if (error < 0) {
		buf_free(&array);
		return error;
	}
	if (e->kind == X_EXISTS) {
		struct value v = value_bool(rows > 0);
		vec_push(&e->out, &v);
	} else if (e->array_form) {
		array_push(e, &e->out, &array);
	} else if (e->kind == X_SUBQUERY && rows == 0) {
		vec_push_null(&e->out);
	}
	e->set.empty = rows == 0;
	return 0;
}

int exec_subqueries(struct plan *p, struct exec_stats *st)
{
	for (size_t i = 0; i < p->nsubqs; i++) {
		if (p->subqs[i]->corr) { /* runs as it is evaluated */
			p->subqs[i]->corr->st = st;
			continue;
		}
		int error = run_subquery(p->subqs[i], st);
		/* its operators' memory is not needed past this point */
		exec_free_state(p->subqs[i]->sub);
		if (error < 0)
			return error;
	}
	return 0;
}
