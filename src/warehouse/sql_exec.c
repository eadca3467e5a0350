/* sql_exec: runs statements.  A plan's operators pull batches of column
 * vectors (BATCH_ROWS rows, one typed array per column) from their
 * children: scans stream a table block by block, skipping the partitions
 * and blocks the WHERE clause rules out; filters and projections work a
 * batch at a time with typed loops; aggregates, joins and sorts hold what
 * they must (groups, the right side, the rows to sort) and nothing else.
 *
 * A statement that writes (CREATE TABLE ... AS SELECT, INSERT) writes a new
 * table directory beside the old one and renames it into place at the end,
 * so a failure leaves every table as it was. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql.h"
#include "sql_exec.h"
#include "sql_func.h"
#include "sql_lex.h"
#include "sql_parse.h"
#include "sql_plan.h"
#include "table.h"

/* --- evaluation --- */

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

#define STRIDE(e) ((e)->isconst ? 0 : 1)
#define LIVE(x, i) (!(x)->mask || (x)->mask[i])

static int str_cmp(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.p, b.p, n);
	if (c)
		return c < 0 ? -1 : 1;
	return a.len < b.len ? -1 : a.len > b.len;
}

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
			r[i] = !nl[i] && cmp_holds(str_cmp(a->str[i * sa], b->str[i * sb]), e->op);
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
		if ((error = e->fn->row(e, args, &v, &e->out.arena)) < 0)
			goto done;
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

static uint64_t value_hash_of(const struct vec *v, size_t i);
static bool values_same(const struct vec *a, size_t i, const struct vec *b, size_t j);
static void vec_append_rows(struct vec *dst, const struct vec *src, const uint32_t *sel, size_t n, bool copy);

/* --- IN (SELECT ...): a hash set of the subquery's values --- */

static bool set_find(const struct subq_set *s, const struct vec *v, size_t i, size_t *slot)
{
	size_t p = value_hash_of(v, i) & s->mask;
	while (s->table[p]) {
		if (values_same(&s->vals, s->table[p] - 1, v, i))
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
			size_t p = value_hash_of(&s->vals, k) & s->mask;
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
 * the set is NULL; FALSE for an empty set whatever x is. */
static void eval_insub(struct pexpr *e, const struct vec *a, size_t n)
{
	size_t sa = STRIDE(e->args[0]), slot;
	const struct subq_set *s = &e->set;
	out_prepare(e, n);
	for (size_t i = 0; i < n; i++) {
		int r; /* 0 false, 1 true, 2 unknown */
		if (s->empty || !s->table)
			r = s->has_null && !s->empty ? 2 : 0;
		else if (a->nulls[i * sa])
			r = 2;
		else if (set_find(s, a, i * sa, &slot))
			r = 1;
		else
			r = s->has_null ? 2 : 0;
		if (r != 2 && e->negated)
			r = !r;
		e->out.nulls[i] = r == 2;
		e->out.b[i] = r == 1;
	}
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
				else if (c == CMP_UNKNOWN)
					r = 2;
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
		/* the value exec_subqueries() computed before the query ran */
		if (!e->out_init) {
			vec_init(&e->out, e->type);
			vec_push_null(&e->out);
			e->out_init = true;
		}
		break;
	case X_INSUB:
		if ((error = eval(x, e->args[0], in, &a)) < 0)
			return error;
		eval_insub(e, a, n);
		break;
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
	int error;
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
		if (e->kind == X_SUBQUERY) {
			if (rows + in->n > 1)
				return error_setcode(PIPE_EUSAGE, "Scalar subquery produced more than one element");
			vec_append_rows(&e->out, in->cols[0], NULL, 1, true);
		} else {
			for (size_t i = 0; i < in->n; i++)
				set_add(&e->set, in->cols[0], i);
		}
		rows += in->n;
	}
	if (error < 0)
		return error;
	if (e->kind == X_EXISTS) {
		struct value v = value_bool(rows > 0);
		vec_push(&e->out, &v);
	} else if (e->kind == X_SUBQUERY && rows == 0) {
		vec_push_null(&e->out);
	}
	e->set.empty = rows == 0;
	return 0;
}

int exec_subqueries(struct plan *p, struct exec_stats *st)
{
	for (size_t i = 0; i < p->nsubqs; i++) {
		int error = run_subquery(p->subqs[i], st);
		/* its operators' memory is not needed past this point */
		exec_free_state(p->subqs[i]->sub);
		if (error < 0)
			return error;
	}
	return 0;
}

/* --- helpers over vectors --- */

/* Appends rows sel[0..n) of src to dst (strings copied when copy). */
static void vec_append_rows(struct vec *dst, const struct vec *src, const uint32_t *sel, size_t n, bool copy)
{
	size_t w = type_width(dst->type), base = dst->count;
	vec_reserve(dst, base + n);
	for (size_t k = 0; k < n; k++) {
		size_t i = sel ? sel[k] : k;
		dst->nulls[base + k] = src->nulls[i];
		memcpy((char *)dst->data + (base + k) * w, (const char *)src->data + i * w, w);
		if (copy && type_is_string(dst->type) && !src->nulls[i]) {
			struct str *s = &dst->str[base + k];
			s->p = arena_strndup(&dst->arena, s->p, s->len);
		}
	}
	dst->count = base + n;
}

/* A view of rows [from, from+n) of src, sharing its memory. */
static void vec_view(struct vec *view, const struct vec *src, size_t from, size_t n)
{
	*view = *src;
	view->nulls = src->nulls + from;
	view->data = (char *)src->data + from * type_width(src->type);
	view->count = n;
	view->cap = n;
}

/* --- operators --- */

struct gather_state { /* filter and join output */
	struct vec *cols;
	struct rb rb;
	uint32_t *sel;
};

struct proj_state {
	struct vec *bcast; /* constants spread over n rows */
	struct rb rb;
};

struct mat_state { /* aggregate, sort: rows held, then emitted */
	struct vec *cols;
	size_t nrows, next;
	struct vec *views;
	struct rb rb;
	bool done;
	uint32_t *perm;
	struct vec *out;  /* sort: the gathered batch */
};

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

struct limit_state {
	int64_t skipped, emitted;
	struct vec *views;
	struct rb rb;
};

static void rb_alloc(struct rb *rb, size_t ncols)
{
	rb->ncols = ncols;
	rb->cols = xcalloc(ncols + 1, sizeof *rb->cols);
}

/* When each lean column of a block holds one value (min = max, no NULLs),
 * fills the batch from the statistics instead of reading the block. */
static bool scan_constants(struct scan_state *s, const struct block *blk)
{
	for (size_t k = 0; k < s->nlean; k++) {
		const struct col_stats *cs = &blk->stats[s->lean[k]];
		if (cs->nulls || cs->min.is_null || !value_same(&cs->min, &cs->max))
			return false;
	}
	if (!s->synth_init) {
		enum type types[256];
		size_t nl = s->nlean < 256 ? s->nlean : 256;
		for (size_t k = 0; k < nl; k++)
			types[k] = blk->stats[s->lean[k]].min.type;
		if (s->nlean > 256)
			return false;
		batch_init(&s->synth, nl, types);
		s->synth_init = true;
	}
	for (size_t k = 0; k < s->nlean; k++) {
		struct vec *v = &s->synth.cols[k];
		const struct value *x = &blk->stats[s->lean[k]].min;
		vec_reset(v);
		vec_reserve(v, blk->rows);
		for (size_t i = 0; i < blk->rows; i++)
			vec_set(v, i, x);
		v->count = blk->rows;
		s->rb.cols[s->lean[k]] = v;
	}
	return true;
}

static int scan_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct scan_state *s = n->state;
	struct table *t = n->table;
	for (;;) {
		if (s->p >= t->npartitions)
			return 0;
		struct partition *p = &t->partitions[s->p];
		if (!s->parts[s->p] || s->blk >= p->nblocks) {
			s->p++;
			s->blk = 0;
			continue;
		}
		size_t b = s->blk++;
		if (!sql_plan_block_may_match(n, &p->blocks[b]))
			continue;
		st->blocks_read++;
		const struct block *blk = &p->blocks[b];
		s->rb.all_match = sql_plan_block_all_match(n, blk);
		s->rb.n = blk->rows;
		for (size_t c = 0; c < s->rb.ncols; c++)
			s->rb.cols[c] = NULL;
		const int *cols = s->cols;
		size_t ncols = s->ncols;
		if (s->rb.all_match && n->filter_only) {
			/* the WHERE holds for every row: skip the columns only it
			 * reads, and the read itself when the rest are constants */
			cols = s->lean;
			ncols = s->nlean;
			if (scan_constants(s, blk)) {
				if (!s->rb.n)
					continue;
				*out = &s->rb;
				return 1;
			}
		}
		int error;
		s->buf_init = true; /* the read may have set it up, and failed */
		if ((error = table_read(t, s->p, b, cols, ncols, &s->buf)) < 0)
			return error;
		for (size_t k = 0; k < ncols; k++)
			s->rb.cols[cols[k]] = &s->buf.cols[k];
		if (ncols)
			s->rb.n = s->buf.cols[0].count;
		if (!s->rb.n)
			continue;
		*out = &s->rb;
		return 1;
	}
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
		if ((rc = eval(&ectx_all, n->pred, in, &p)) < 0)
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
		if ((rc = eval(&ectx_all, n->exprs[i], in, &v)) < 0)
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

/* --- aggregate --- */

struct agg_run {
	/* per group */
	int64_t *cnt;
	int64_t *isum;
	double *fsum;
	numeric_t *nsum;
	struct vec best; /* MIN, MAX, ANY_VALUE */
	uint8_t *has;
	/* DISTINCT: the (group, value) pairs seen */
	struct vec dvals;
	uint32_t *dgroup;
	uint32_t *dtable;
	size_t dmask, dcount;
};

struct agg_state {
	struct vec *keys;   /* group keys, one vec per key, a row per group */
	size_t ngroups, cap;
	uint32_t *table;    /* group + 1 */
	uint64_t *hashes;   /* per group */
	size_t mask;
	struct agg_run *runs;
	uint32_t *gid;      /* per input row */
	uint64_t *rowhash;
	struct mat_state out;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static void agg_grow(struct agg_state *s, struct node *n, size_t need)
{
	if (need <= s->cap)
		return;
	size_t cap = s->cap ? s->cap * 2 : 64;
	while (cap < need)
		cap *= 2;
	s->hashes = xrealloc(s->hashes, cap * sizeof *s->hashes);
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg_run *r = &s->runs[a];
		r->cnt = xrealloc(r->cnt, cap * sizeof *r->cnt);
		r->isum = xrealloc(r->isum, cap * sizeof *r->isum);
		r->fsum = xrealloc(r->fsum, cap * sizeof *r->fsum);
		r->nsum = xrealloc(r->nsum, cap * sizeof *r->nsum);
		r->has = xrealloc(r->has, cap);
		vec_reserve(&r->best, cap);
	}
	s->cap = cap;
}

static void table_rehash(uint32_t **table, size_t *mask, const uint64_t *hashes, size_t count)
{
	size_t size = (*mask + 1) * 2;
	while (size < count * 2)
		size *= 2;
	free(*table);
	*table = xcalloc(size, sizeof **table);
	*mask = size - 1;
	for (size_t g = 0; g < count; g++) {
		size_t i = hashes[g] & *mask;
		while ((*table)[i])
			i = (i + 1) & *mask;
		(*table)[i] = (uint32_t)g + 1;
	}
}

static uint64_t value_hash_of(const struct vec *v, size_t i)
{
	if (v->nulls[i])
		return 0x51ed270b27a3c4e1ULL;
	struct value x = vec_get(v, i);
	return value_hash(&x);
}

static bool values_same(const struct vec *a, size_t i, const struct vec *b, size_t j)
{
	if (a->nulls[i] || b->nulls[j])
		return a->nulls[i] && b->nulls[j];
	switch (a->type) {
	case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP: return a->i64[i] == b->i64[j];
	case TYPE_DATE: return a->days[i] == b->days[j];
	case TYPE_BOOL: return a->b[i] == b->b[j];
	default: {
		struct value x = vec_get(a, i), y = vec_get(b, j);
		return value_same(&x, &y);
	}
	}
}

/* Whether (group, value) is new for a DISTINCT aggregate; records it. */
static bool distinct_new(struct agg_run *r, uint32_t g, const struct vec *v, size_t i)
{
	uint64_t h = mix(value_hash_of(v, i), g);
	if (!r->dtable || r->dcount * 2 >= r->dmask) {
		/* rebuild with hashes recomputed */
		size_t size = r->dtable ? (r->dmask + 1) * 2 : 64;
		free(r->dtable);
		r->dtable = xcalloc(size, sizeof *r->dtable);
		r->dmask = size - 1;
		for (size_t k = 0; k < r->dcount; k++) {
			size_t p = mix(value_hash_of(&r->dvals, k), r->dgroup[k]) & r->dmask;
			while (r->dtable[p])
				p = (p + 1) & r->dmask;
			r->dtable[p] = (uint32_t)k + 1;
		}
	}
	size_t p = h & r->dmask;
	while (r->dtable[p]) {
		size_t k = r->dtable[p] - 1;
		if (r->dgroup[k] == g && values_same(&r->dvals, k, v, i))
			return false;
		p = (p + 1) & r->dmask;
	}
	r->dtable[p] = (uint32_t)r->dcount + 1;
	uint32_t one = (uint32_t)i;
	vec_append_rows(&r->dvals, v, &one, 1, true);
	r->dgroup = xrealloc(r->dgroup, (r->dcount + 1) * sizeof *r->dgroup);
	r->dgroup[r->dcount++] = g;
	return true;
}

static void agg_init_group(struct agg_state *s, struct node *n, size_t g)
{
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg_run *r = &s->runs[a];
		r->cnt[g] = 0;
		r->isum[g] = 0;
		r->fsum[g] = 0;
		r->nsum[g] = 0;
		r->has[g] = 0;
		r->best.nulls[g] = 1;
		if (r->best.count <= g)
			r->best.count = g + 1;
	}
}

/* value_order for two non-NULL numbers of one type: NaN first. */
static int order_fixed(const struct vec *a, size_t i, const struct vec *b, size_t j)
{
	switch (a->type) {
	case TYPE_FLOAT64: {
		double x = a->f64[i], y = b->f64[j];
		if (x != x || y != y)
			return (y != y) - (x != x);
		return (x > y) - (x < y);
	}
	case TYPE_DATE: return (a->days[i] > b->days[j]) - (a->days[i] < b->days[j]);
	default: return (a->i64[i] > b->i64[j]) - (a->i64[i] < b->i64[j]);
	}
}

/* SUM and AVG of FLOAT64, MIN and MAX of the fixed-width orderable types,
 * without DISTINCT: the loops a full scan spends its time in, without a
 * value per row.  False when the aggregate is not one of these. */
static bool agg_update_fast(const struct agg *ag, struct agg_run *r, const uint32_t *gid, const struct vec *v,
                            size_t rows)
{
	if ((ag->kind == AG_SUM || ag->kind == AG_AVG) && v->type == TYPE_FLOAT64) {
		for (size_t i = 0; i < rows; i++)
			if (!v->nulls[i]) {
				r->cnt[gid[i]]++;
				r->fsum[gid[i]] += v->f64[i];
			}
		return true;
	}
	bool fixed = v->type == TYPE_INT64 || v->type == TYPE_FLOAT64 || v->type == TYPE_DATE ||
	             v->type == TYPE_TIMESTAMP || v->type == TYPE_DATETIME;
	if ((ag->kind != AG_MIN && ag->kind != AG_MAX) || !fixed)
		return false;
	int want = ag->kind == AG_MIN ? -1 : 1;
	size_t w = type_width(v->type);
	for (size_t i = 0; i < rows; i++) {
		uint32_t g = gid[i];
		if (v->nulls[i])
			continue;
		if (r->has[g]) {
			int c = order_fixed(v, i, &r->best, g);
			/* BigQuery's MIN and MAX are NaN when a value is: NaN is
			 * the least for MIN (as in value_order), the greatest for MAX */
			if (want > 0 && v->type == TYPE_FLOAT64) {
				double x = v->f64[i], y = r->best.f64[g];
				if (x != x || y != y)
					c = (x != x) - (y != y);
			}
			if (c != want)
				continue;
		}
		memcpy((char *)r->best.data + g * w, (const char *)v->data + i * w, w);
		r->best.nulls[g] = 0;
		r->has[g] = 1;
	}
	return true;
}

static int agg_update(struct node *n, struct agg_state *s, size_t a, const struct rb *in)
{
	struct agg *ag = &n->aggs[a];
	struct agg_run *r = &s->runs[a];
	const uint32_t *gid = s->gid;
	size_t rows = in->n;
	if (ag->kind == AG_COUNT_STAR) {
		for (size_t i = 0; i < rows; i++)
			r->cnt[gid[i]]++;
		return 0;
	}
	const struct vec *v;
	int error;
	if ((error = eval(&ectx_all, ag->arg, in, &v)) < 0)
		return error;
	size_t sv = STRIDE(ag->arg);
	if (!ag->distinct && sv == 1 && agg_update_fast(ag, r, gid, v, rows))
		return 0;
	for (size_t i = 0; i < rows; i++) {
		size_t k = i * sv;
		uint32_t g = gid[i];
		if (v->nulls[k])
			continue;
		if (ag->distinct && !distinct_new(r, g, v, k))
			continue;
		switch (ag->kind) {
		case AG_COUNT: r->cnt[g]++; break;
		case AG_COUNTIF: r->cnt[g] += v->b[k] != 0; break;
		case AG_SUM:
		case AG_AVG:
			r->cnt[g]++;
			switch (v->type) {
			case TYPE_INT64:
				if (__builtin_add_overflow(r->isum[g], v->i64[k], &r->isum[g]))
					return error_setcode(PIPE_EUSAGE, "int64 overflow: SUM");
				r->fsum[g] += (double)v->i64[k];
				break;
			case TYPE_NUMERIC:
				if ((error = numeric_add(r->nsum[g], v->num[k], &r->nsum[g])) < 0)
					return error;
				break;
			default: r->fsum[g] += v->f64[k]; break;
			}
			break;
		case AG_MIN:
		case AG_MAX:
		case AG_ANY: {
			bool take = !r->has[g];
			if (!take && ag->kind != AG_ANY) {
				struct value x = vec_get(v, k), y = vec_get(&r->best, g);
				int c = value_order(&x, &y);
				if (ag->kind == AG_MAX && v->type == TYPE_FLOAT64 && (x.f != x.f || y.f != y.f))
					c = (x.f != x.f) - (y.f != y.f); /* MAX too is NaN when one is */
				take = ag->kind == AG_MIN ? c < 0 : c > 0;
			}
			if (take) {
				size_t w = type_width(v->type);
				memcpy((char *)r->best.data + g * w, (const char *)v->data + k * w, w);
				r->best.nulls[g] = 0;
				if (type_is_string(v->type))
					r->best.str[g].p = arena_strndup(&r->best.arena, v->str[k].p, v->str[k].len);
				r->has[g] = 1;
			}
			break;
		}
		default: break;
		}
	}
	return 0;
}

/* The group of row i (hash h) of the key vectors kv: found or added. */
static uint32_t agg_group(struct agg_state *s, struct node *n, const struct vec **kv, size_t i, uint64_t h)
{
	if (!s->table || s->ngroups * 2 >= s->mask)
		table_rehash(&s->table, &s->mask, s->hashes, s->ngroups);
	size_t p = h & s->mask;
	for (;;) {
		uint32_t e = s->table[p];
		if (!e) {
			size_t g = s->ngroups++;
			agg_grow(s, n, g + 1);
			s->hashes[g] = h;
			for (size_t k = 0; k < n->nkeys; k++) {
				uint32_t one = (uint32_t)(i * STRIDE(n->keys[k]));
				vec_append_rows(&s->keys[k], kv[k], &one, 1, true);
			}
			agg_init_group(s, n, g);
			s->table[p] = (uint32_t)g + 1;
			return (uint32_t)g;
		}
		size_t g = e - 1;
		if (s->hashes[g] == h) {
			bool same = true;
			for (size_t k = 0; k < n->nkeys && same; k++)
				same = values_same(&s->keys[k], g, kv[k], i * STRIDE(n->keys[k]));
			if (same)
				return (uint32_t)g;
		}
		p = (p + 1) & s->mask;
	}
}

static int agg_consume(struct node *n, struct exec_stats *st)
{
	struct agg_state *s = n->state;
	int error;
	if (n->nkeys == 0) {
		agg_grow(s, n, 1);
		agg_init_group(s, n, 0);
		s->ngroups = 1;
	}
	const struct vec *kv[64];
	if (n->nkeys > 64)
		return error_setcode(PIPE_EUSAGE, "GROUP BY: too many keys (at most 64)");
	for (;;) {
		struct rb *in;
		int rc = exec_next(n->child, st, &in);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		size_t rows = in->n;
		s->gid = xrealloc(s->gid, (rows + 1) * sizeof *s->gid);
		s->rowhash = xrealloc(s->rowhash, (rows + 1) * sizeof *s->rowhash);
		for (size_t k = 0; k < n->nkeys; k++)
			if ((error = eval(&ectx_all, n->keys[k], in, &kv[k])) < 0)
				return error;
		if (n->nkeys == 0) {
			memset(s->gid, 0, rows * sizeof *s->gid);
		} else if (n->nkeys == 1 && !n->keys[0]->isconst && type_width(kv[0]->type) == 8 &&
			   !type_is_string(kv[0]->type)) {
			/* one 8-byte key (INT64, TIMESTAMP, ...): compare with the
			 * previous row before hashing, as clustered keys come in runs */
			const int64_t *x = kv[0]->i64;
			const uint8_t *nl = kv[0]->nulls;
			for (size_t i = 0; i < rows; i++) {
				if (i > 0 && nl[i] == nl[i - 1] && (nl[i] || x[i] == x[i - 1])) {
					s->gid[i] = s->gid[i - 1];
					continue;
				}
				uint64_t h = mix(0x12345, nl[i] ? 0x51ed270b27a3c4e1ULL : (uint64_t)x[i] * 0xff51afd7ed558ccdULL);
				s->gid[i] = agg_group(s, n, kv, i, h);
			}
		} else {
			for (size_t i = 0; i < rows; i++)
				s->rowhash[i] = 0x12345;
			for (size_t k = 0; k < n->nkeys; k++) {
				size_t sk = STRIDE(n->keys[k]);
				const struct vec *v = kv[k];
				if (v->type == TYPE_INT64 || v->type == TYPE_TIMESTAMP || v->type == TYPE_DATETIME) {
					for (size_t i = 0; i < rows; i++)
						s->rowhash[i] = mix(s->rowhash[i], v->nulls[i * sk] ? 0x51ed270b27a3c4e1ULL
								    : (uint64_t)v->i64[i * sk] * 0xff51afd7ed558ccdULL);
				} else {
					for (size_t i = 0; i < rows; i++)
						s->rowhash[i] = mix(s->rowhash[i], value_hash_of(v, i * sk));
				}
			}
			for (size_t i = 0; i < rows; i++) {
				uint64_t h = s->rowhash[i];
				/* clustered input comes in runs of one key */
				if (i > 0 && h == s->rowhash[i - 1]) {
					bool same = true;
					for (size_t k = 0; k < n->nkeys && same; k++)
						same = values_same(kv[k], i * STRIDE(n->keys[k]), kv[k],
								   (i - 1) * STRIDE(n->keys[k]));
					if (same) {
						s->gid[i] = s->gid[i - 1];
						continue;
					}
				}
				s->gid[i] = agg_group(s, n, kv, i, h);
			}
		}
		for (size_t a = 0; a < n->naggs; a++)
			if ((error = agg_update(n, s, a, in)) < 0)
				return error;
	}
	/* the results, one vec per aggregate */
	struct mat_state *m = &s->out;
	m->nrows = s->ngroups;
	m->cols = xcalloc(n->ncols + 1, sizeof *m->cols);
	for (size_t k = 0; k < n->nkeys; k++)
		m->cols[k] = s->keys[k], memset(&s->keys[k], 0, sizeof s->keys[k]);
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg *ag = &n->aggs[a];
		struct agg_run *r = &s->runs[a];
		struct vec *v = &m->cols[n->nkeys + a];
		if (ag->kind == AG_MIN || ag->kind == AG_MAX || ag->kind == AG_ANY) {
			*v = r->best;
			v->count = s->ngroups;
			memset(&r->best, 0, sizeof r->best);
			continue;
		}
		vec_init(v, ag->type);
		vec_reserve(v, s->ngroups + 1);
		for (size_t g = 0; g < s->ngroups; g++) {
			struct value x;
			if (ag->kind == AG_COUNT || ag->kind == AG_COUNT_STAR || ag->kind == AG_COUNTIF)
				x = value_int64(r->cnt[g]);
			else if (r->cnt[g] == 0)
				x = value_null(ag->type);
			else if (ag->kind == AG_SUM)
				x = ag->type == TYPE_INT64 ? value_int64(r->isum[g]) :
				    ag->type == TYPE_NUMERIC ? value_numeric(r->nsum[g]) : value_float64(r->fsum[g]);
			else if (ag->type == TYPE_NUMERIC) {
				numeric_t c, q;
				numeric_from_int64(r->cnt[g], &c);
				if ((error = numeric_div(r->nsum[g], c, &q)) < 0)
					return error;
				x = value_numeric(q);
			} else
				x = value_float64(r->fsum[g] / (double)r->cnt[g]);
			vec_push(v, &x);
		}
	}
	return 0;
}

static int mat_emit(struct node *n, struct mat_state *m, struct rb **out)
{
	if (m->next >= m->nrows)
		return 0;
	if (!m->views) {
		m->views = xcalloc(n->ncols + 1, sizeof *m->views);
		rb_alloc(&m->rb, n->ncols);
	}
	size_t k = m->nrows - m->next < BATCH_ROWS ? m->nrows - m->next : BATCH_ROWS;
	for (size_t c = 0; c < n->ncols; c++) {
		vec_view(&m->views[c], &m->cols[c], m->next, k);
		m->rb.cols[c] = &m->views[c];
	}
	m->rb.n = k;
	m->next += k;
	*out = &m->rb;
	return 1;
}

static int agg_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct agg_state *s = n->state;
	if (!s) {
		s = n->state = xcalloc(1, sizeof *s);
		s->keys = xcalloc(n->nkeys + 1, sizeof *s->keys);
		for (size_t k = 0; k < n->nkeys; k++)
			vec_init(&s->keys[k], n->types[k]);
		s->runs = xcalloc(n->naggs + 1, sizeof *s->runs);
		for (size_t a = 0; a < n->naggs; a++) {
			enum type t = n->aggs[a].arg ? n->aggs[a].arg->type : TYPE_INT64;
			vec_init(&s->runs[a].best, t == TYPE_NULL ? TYPE_INT64 : t);
			vec_init(&s->runs[a].dvals, t == TYPE_NULL ? TYPE_INT64 : t);
		}
		int error = agg_consume(n, st);
		if (error < 0)
			return error;
		s->out.done = true;
	}
	return mat_emit(n, &s->out, out);
}

/* --- sort --- */

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
		case TYPE_STRING: case TYPE_BYTES: case TYPE_JSON: r = str_cmp(v->str[a], v->str[b]); break;
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

static int sort_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct mat_state *m = n->state;
	if (!m) {
		m = n->state = xcalloc(1, sizeof *m);
		m->cols = xcalloc(n->ncols + 1, sizeof *m->cols);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&m->cols[c], n->types[c]);
		for (;;) {
			struct rb *in;
			int rc = exec_next(n->child, st, &in);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			for (size_t c = 0; c < n->ncols; c++) {
				if (in->cols[c]) {
					vec_append_rows(&m->cols[c], in->cols[c], NULL, in->n, true);
					continue;
				}
				for (size_t i = 0; i < in->n; i++) /* a column nothing above reads */
					vec_push_null(&m->cols[c]);
			}
			m->nrows += in->n;
			if (n->keep > 0 && m->nrows >= 2 * (size_t)n->keep + 4 * BATCH_ROWS)
				sort_compact(n, m);
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

/* --- join --- */

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
			if ((rc = eval(&ectx_all, n->rkeys[k], in, &v)) < 0)
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
			null = null || s->keys[k].nulls[i];
			h = mix(h, value_hash_of(&s->keys[k], i));
		}
		if (null)
			continue; /* a NULL key joins nothing */
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
				same = values_same(&s->keys[k], e - 1, &s->keys[k], i);
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
		if (lk[k]->nulls[at])
			return 0;
		h = mix(h, value_hash_of(lk[k], at));
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
				same = values_same(&s->keys[k], e - 1, lk[k], at);
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

static int join_next(struct node *n, struct exec_stats *st, struct rb **out)
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
			if ((rc = eval(&ectx_all, n->lkeys[q], in, &lk[q])) < 0)
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
			if ((rc = eval(&ectx_all, n->residual, &s->rb, &p)) < 0)
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

int exec_next(struct node *n, struct exec_stats *st, struct rb **out)
{
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
	}
	return 0;
}

static void vecs_free(struct vec *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		vec_free(&v[i]);
	free(v);
}

void exec_free_state(struct node *n)
{
	if (!n)
		return;
	exec_free_state(n->child);
	exec_free_state(n->right);
	if (!n->state)
		return;
	switch (n->kind) {
	case N_SCAN: {
		struct scan_state *s = n->state;
		free(s->parts);
		free(s->cols);
		if (s->buf_init)
			batch_free(&s->buf);
		if (s->synth_init)
			batch_free(&s->synth);
		free(s->lean);
		free(s->rb.cols);
		break;
	}
	case N_ONE: free(((struct rb *)n->state)->cols); break;
	case N_UNION: break;
	case N_WINDOW: window_free_state(n); break;
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
	case N_AGG: {
		struct agg_state *s = n->state;
		vecs_free(s->keys, n->nkeys);
		for (size_t a = 0; a < n->naggs; a++) {
			struct agg_run *r = &s->runs[a];
			free(r->cnt);
			free(r->isum);
			free(r->fsum);
			free(r->nsum);
			free(r->has);
			vec_free(&r->best);
			vec_free(&r->dvals);
			free(r->dgroup);
			free(r->dtable);
		}
		free(s->runs);
		free(s->table);
		free(s->hashes);
		free(s->gid);
		free(s->rowhash);
		vecs_free(s->out.cols, n->ncols);
		free(s->out.views);
		free(s->out.rb.cols);
		break;
	}
	case N_SORT: {
		struct mat_state *m = n->state;
		vecs_free(m->cols, n->ncols);
		vecs_free(m->out, n->ncols);
		free(m->perm);
		free(m->rb.cols);
		break;
	}
	case N_LIMIT: {
		struct limit_state *s = n->state;
		free(s->views);
		free(s->rb.cols);
		break;
	}
	case N_JOIN: {
		struct join_state *s = n->state;
		vecs_free(s->right, n->right->ncols);
		vecs_free(s->keys, n->njoinkeys);
		vecs_free(s->outcols, n->ncols);
		free(s->table);
		free(s->chain);
		free(s->matched);
		free(s->rb.cols);
		break;
	}
	}
	free(n->state);
	n->state = NULL;
}
