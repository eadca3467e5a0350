/* sql_plan: binds a SELECT to the tables and builds its operator tree:
 *
 *   scan | join | subquery -> filter (WHERE) -> aggregate -> filter (HAVING)
 *     -> project (the select list, then hidden ORDER BY keys) -> distinct
 *     -> sort -> limit
 *
 * Name resolution (BigQuery's): a column is looked up by name, ignoring
 * case, among the columns of every FROM item; t.col looks only in the item
 * whose alias (or table name, last part) is t.  A name found in two items is
 * ambiguous.  GROUP BY and ORDER BY also accept select-list aliases and
 * ordinals.  Literals are coerced where BigQuery coerces them: a string
 * compared with a DATE, DATETIME or TIMESTAMP is parsed as one, and INT64
 * widens to NUMERIC and FLOAT64. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func.h"
#include "sql_lex.h"
#include "sql_plan.h"

struct scol {
	char *qual, *name;
	enum type type;
	struct node *scan; /* the scan it comes from, if a table column */
	int tcol;
	bool qual_only;    /* a USING column's own side: found only as t.col */
};

struct scope {
	struct scol *v;
	size_t n;
};

struct cte_frame {
	const struct cte *cte;
	struct cte_frame *prev;
};

struct binder {
	const char *src, *root;
	struct plan *plan;
	struct cte_frame *ctes;
	struct scope scope;
	const char *clause;   /* "WHERE", ... for "not allowed" errors */
	bool allow_agg;
	/* aggregation: bind against the aggregate's output */
	bool post;
	struct ast **keyasts;
	struct pexpr **keys;
	size_t nkeys;
	struct agg *aggs;
	size_t naggs;
	const struct select *sel;
	/* analytic functions: allowed in the select list, ORDER BY and
	 * QUALIFY; bound to placeholders until the window node is placed */
	bool allow_window;
	struct win *wins;
	const struct ast **winasts;
	size_t nwins;
	/* QUALIFY sees the select list's aliases */
	const struct select *alias_sel;
	/* a subquery in an expression: the query around it, whose columns it
	 * may not name (for the error that says so) */
	const struct binder *outer;
};

static int bind(struct binder *b, const struct ast *a, struct pexpr **out);
/* Appends an output item of the projection: its expression, name and
 * the expression's syntax (NULL when it has none). */
static void add_item(struct pexpr ***items, char ***names, const struct ast ***asts, size_t *n, struct pexpr *x,
                     char *name, const struct ast *at)
{
	*items = xrealloc(*items, (*n + 1) * sizeof **items);
	*names = xrealloc(*names, (*n + 1) * sizeof **names);
	*asts = xrealloc(*asts, (*n + 1) * sizeof **asts);
	(*items)[*n] = x;
	(*names)[*n] = name;
	(*asts)[*n] = at;
	(*n)++;
}

static int plan_select(struct binder *parent, const struct select *sel, struct node **out, size_t *nout);
static int plan_from(struct binder *b, const struct from *f, struct node **out, struct scope *scope);

/* --- expressions --- */

static struct pexpr *px_new(enum pexpr_kind kind, enum type t, const struct ast *at)
{
	struct pexpr *e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->type = t;
	if (at) {
		e->line = at->line;
		e->pos = at->col;
	}
	return e;
}

static void px_add(struct pexpr *e, struct pexpr *arg)
{
	e->args = xrealloc(e->args, (e->nargs + 1) * sizeof *e->args);
	e->args[e->nargs++] = arg;
}

static void node_free(struct node *n);

void pexpr_free(struct pexpr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nargs; i++)
		pexpr_free(e->args[i]);
	free(e->args);
	free(e->litbuf);
	if (e->out_init)
		vec_free(&e->out);
	node_free(e->sub);
	if (e->set.init)
		vec_free(&e->set.vals);
	free(e->set.table);
	free(e);
}

static struct pexpr *px_const(struct value v, const struct ast *at)
{
	struct pexpr *e = px_new(X_CONST, v.type, at);
	if (type_is_string(v.type) && !v.is_null) {
		e->litbuf = xstrndup(v.s.p ? v.s.p : "", v.s.len);
		v.s.p = e->litbuf;
	}
	e->lit = v;
	e->isconst = true;
	return e;
}

static struct pexpr *px_col(int col, enum type t, const struct ast *at)
{
	struct pexpr *e = px_new(X_COL, t, at);
	e->col = col;
	return e;
}

static void pexpr_shift(struct pexpr *e, int delta)
{
	if (e->kind == X_COL)
		e->col += delta;
	for (size_t i = 0; i < e->nargs; i++)
		pexpr_shift(e->args[i], delta);
}

/* The range of columns e reads; lo > hi when none. */
static void pexpr_cols(const struct pexpr *e, int *lo, int *hi)
{
	if (e->kind == X_COL) {
		if (e->col < *lo)
			*lo = e->col;
		if (e->col > *hi)
			*hi = e->col;
	}
	for (size_t i = 0; i < e->nargs; i++)
		pexpr_cols(e->args[i], lo, hi);
}

static const char *display_type(enum type t) { return t == TYPE_NULL ? "INT64" : type_name(t); }

static int op_error(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n)
{
	struct buf s = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&s, ", ");
		buf_puts(&s, display_type(args[i]->type));
	}
	bool fn = strcmp(op, "IF") == 0 || strcmp(op, "COALESCE") == 0 || strcmp(op, "IFNULL") == 0;
	int rc = sql_error_at(b->src, at->line, at->col, "No matching signature for %s %s for argument types: %s",
			      fn ? "function" : "operator", op, buf_cstr(&s));
	buf_free(&s);
	return rc;
}

static bool is_time_type(enum type t)
{
	return t == TYPE_DATE || t == TYPE_DATETIME || t == TYPE_TIMESTAMP;
}

/* Converts e to type t: folds constants, else wraps it in a cast. */
static int coerce(struct binder *b, struct pexpr **ep, enum type t)
{
	struct pexpr *e = *ep;
	if (e->type == t)
		return 0;
	if (e->kind == X_CONST) {
		struct arena mem = {0};
		struct value v;
		int error;
		if (e->lit.is_null) {
			v = value_null(t);
		} else if ((error = value_cast(&e->lit, t, &mem, &v)) < 0) {
			struct buf s = BUF_INIT;
			value_to_string(&e->lit, &s);
			error = sql_error_at(b->src, e->line, e->pos, "Could not cast literal \"%s\" to type %s",
					     buf_cstr(&s), type_name(t));
			buf_free(&s);
			arena_free(&mem);
			return error;
		}
		struct pexpr *c = px_const(v, NULL);
		c->line = e->line;
		c->pos = e->pos;
		arena_free(&mem);
		pexpr_free(e);
		*ep = c;
		return 0;
	}
	struct pexpr *c = px_new(X_CAST, t, NULL);
	c->line = e->line;
	c->pos = e->pos;
	px_add(c, e);
	*ep = c;
	return 0;
}

/* The common type of two operands for comparison, IN, CASE and COALESCE:
 * TYPE_COUNT when there is none.  A string literal takes the time type of
 * the other side. */
static enum type supertype(const struct pexpr *x, const struct pexpr *y)
{
	enum type a = x->type, c = y->type;
	if (a == c)
		return a;
	if (a == TYPE_NULL)
		return c;
	if (c == TYPE_NULL)
		return a;
	if (type_is_numeric(a) && type_is_numeric(c)) {
		if (a == TYPE_FLOAT64 || c == TYPE_FLOAT64)
			return TYPE_FLOAT64;
		return TYPE_NUMERIC;
	}
	if (a == TYPE_STRING && x->kind == X_CONST && is_time_type(c))
		return c;
	if (c == TYPE_STRING && y->kind == X_CONST && is_time_type(a))
		return a;
	if ((a == TYPE_DATE && c == TYPE_DATETIME) || (a == TYPE_DATETIME && c == TYPE_DATE))
		return TYPE_DATETIME;
	return TYPE_COUNT;
}

static int unify(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n,
		 enum type *out)
{
	enum type t = TYPE_NULL;
	for (size_t i = 0; i < n; i++) {
		struct pexpr tmp = {.type = t, .kind = X_COL};
		enum type s = supertype(&tmp, args[i]);
		/* a literal string may take the time type of a later operand */
		if (s == TYPE_COUNT)
			for (size_t j = 0; j < n && s == TYPE_COUNT; j++)
				if (is_time_type(args[j]->type))
					s = args[j]->type;
		if (s == TYPE_COUNT)
			return op_error(b, at, op, args, n);
		t = s;
	}
	/* every operand must reach t: a non-literal string does not become a date */
	for (size_t i = 0; i < n; i++) {
		enum type at_ = args[i]->type;
		if (at_ != t && at_ != TYPE_NULL && !(type_is_numeric(at_) && type_is_numeric(t)) &&
		    !(args[i]->kind == X_CONST && at_ == TYPE_STRING && is_time_type(t)) &&
		    !(at_ == TYPE_DATE && t == TYPE_DATETIME))
			return op_error(b, at, op, args, n);
	}
	for (size_t i = 0; i < n; i++) {
		int error;
		if ((error = coerce(b, &args[i], t == TYPE_NULL ? TYPE_INT64 : t)) < 0)
			return error;
	}
	*out = t == TYPE_NULL ? TYPE_INT64 : t;
	return 0;
}

/* --- names --- */

/* name in lower case into out, when it is short enough to be compared:
 * a name of 63 characters or more is not taken for a typo of another,
 * which also bounds the work. */
static bool lower_name(const char *name, char out[64])
{
	size_t n = strlen(name);
	if (n >= 63)
		return false;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return true;
}

/* The closest of names to name, ignoring case, if close enough to be a
 * likely typo. */
static const char *closest(const char *name, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = strlen(name) / 3 + 1;
	char lname[64], lcand[64];
	if (bestd > 3)
		bestd = 3;
	if (!lower_name(name, lname))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!lower_name(names[i], lcand))
			continue;
		size_t d = (size_t)edit_distance(lname, lcand);
		if (d <= bestd && (!best || d < bestd)) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

static int unrecognized(struct binder *b, const struct ast *a, const char *name)
{
	const char **names = xcalloc(b->scope.n + 1, sizeof *names);
	for (size_t i = 0; i < b->scope.n; i++)
		names[i] = b->scope.v[i].name;
	const char *best = closest(name, names, b->scope.n);
	int rc;
	if (best) {
		char *lo = xstrdup(best);
		for (char *c = lo; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		rc = sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s; Did you mean %s?", name, lo);
		free(lo);
	} else {
		rc = sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s", name);
	}
	free(names);
	return rc;
}

/* The scope index of a column reference; marks a table column used. */
static int resolve(struct binder *b, const struct ast *a, int *out)
{
	int found = -1;
	bool qual_seen = false;
	for (size_t i = 0; i < b->scope.n; i++) {
		struct scol *c = &b->scope.v[i];
		if (a->qual) {
			if (!c->qual || !str_eq_nocase(c->qual, a->qual))
				continue;
			qual_seen = true;
		} else if (c->qual_only) {
			continue;
		}
		if (!str_eq_nocase(c->name, a->name))
			continue;
		if (found >= 0 && !(b->scope.v[found].scan && b->scope.v[found].scan == c->scan &&
				    b->scope.v[found].tcol == c->tcol))
			return sql_error_at(b->src, a->line, a->col, "Column name %s is ambiguous", a->name);
		found = (int)i;
	}
	if (found < 0) {
		for (const struct binder *o = b->outer; o; o = o->outer)
			for (size_t i = 0; i < o->scope.n; i++) {
				const struct scol *c = &o->scope.v[i];
				if ((a->qual ? c->qual && str_eq_nocase(c->qual, a->qual) : !c->qual_only) &&
				    str_eq_nocase(c->name, a->name))
					return sql_error_at(b->src, a->line, a->col,
							    "Correlated subqueries are not supported: %s%s%s names a column "
							    "of the query around the subquery; write a JOIN",
							    a->qual ? a->qual : "", a->qual ? "." : "", a->name);
			}
		if (a->qual && !qual_seen)
			return sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s", a->qual);
		return unrecognized(b, a, a->name);
	}
	struct scol *c = &b->scope.v[found];
	if (c->scan)
		c->scan->used[c->tcol] = true;
	*out = found;
	return 0;
}

/* --- aggregates --- */

/* An aggregate call: SUM(x), not the analytic SUM(x) OVER (...) */
static bool is_agg(const struct ast *a)
{
	const struct sql_func *fn;
	return a->kind == A_CALL && !a->over && (fn = sql_func_find(a->name)) && (fn->kind & FN_AGGREGATE);
}

static bool has_agg(const struct ast *a)
{
	if (!a)
		return false;
	if (is_agg(a))
		return true;
	for (size_t i = 0; i < a->nargs; i++)
		if (has_agg(a->args[i]))
			return true;
	if (a->over) {
		for (size_t i = 0; i < a->over->npart; i++)
			if (has_agg(a->over->part[i]))
				return true;
		for (size_t i = 0; i < a->over->norder; i++)
			if (has_agg(a->over->order[i].expr))
				return true;
	}
	return false;
}

static bool streq_null(const char *a, const char *b, bool nocase)
{
	if (!a || !b)
		return a == b;
	return nocase ? str_eq_nocase(a, b) : strcmp(a, b) == 0;
}

static bool ast_equal(const struct ast *a, const struct ast *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind || a->nargs != b->nargs || a->sub != b->sub || a->i != b->i ||
	    a->d != b->d || a->b != b->b || a->distinct != b->distinct || a->negated != b->negated ||
	    a->safe != b->safe || a->has_operand != b->has_operand || a->has_else != b->has_else)
		return false;
	if (!streq_null(a->op, b->op, false) || !streq_null(a->name, b->name, true) ||
	    !streq_null(a->qual, b->qual, true) || !streq_null(a->s, b->s, false))
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (!ast_equal(a->args[i], b->args[i]))
			return false;
	if (!a->over || !b->over)
		return !a->over && !b->over;
	const struct ast_window *x = a->over, *y = b->over;
	if (x->npart != y->npart || x->norder != y->norder || x->frame != y->frame || x->lo != y->lo ||
	    x->hi != y->hi || x->lo_n != y->lo_n || x->hi_n != y->hi_n)
		return false;
	for (size_t i = 0; i < x->npart; i++)
		if (!ast_equal(x->part[i], y->part[i]))
			return false;
	for (size_t i = 0; i < x->norder; i++)
		if (!ast_equal(x->order[i].expr, y->order[i].expr) || x->order[i].desc != y->order[i].desc ||
		    x->order[i].nulls != y->order[i].nulls)
			return false;
	return true;
}

static int bind_agg(struct binder *b, const struct ast *a, struct pexpr **out)
{
	const struct sql_func *fn = sql_func_find(a->name);
	if (!b->post)
		return sql_error_at(b->src, a->line, a->col, "Aggregate function %s not allowed in %s",
				    fn->name, b->clause ? b->clause : "this context");
	struct agg g = {.kind = fn->agg, .distinct = a->distinct};
	int error;
	if (g.kind == AG_COUNT && a->nargs == 1 && a->args[0]->kind == A_STAR) {
		if (a->distinct)
			return sql_error_at(b->src, a->line, a->col, "COUNT(DISTINCT *) is not supported");
		g.kind = AG_COUNT_STAR;
	} else {
		if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
			return sql_error_at(b->src, a->line, a->col,
					    "Number of arguments does not match for aggregate function %s", fn->name);
		for (size_t i = 0; i < a->nargs; i++)
			if (has_agg(a->args[i]))
				return sql_error_at(b->src, a->args[i]->line, a->args[i]->col,
						    "Aggregations of aggregations are not allowed");
		b->post = false;
		const char *clause = b->clause;
		bool allow_window = b->allow_window;
		b->clause = "the argument of an aggregate";
		b->allow_window = false;
		error = bind(b, a->args[0], &g.arg);
		b->post = true;
		b->clause = clause;
		b->allow_window = allow_window;
		if (error < 0)
			return error;
	}
	enum type t = g.arg ? g.arg->type : TYPE_INT64;
	g.type = fn->check(&(struct pexpr){.args = &g.arg, .nargs = g.arg ? 1 : 0});
	if (g.type == TYPE_COUNT)
		goto nosig;
	/* SUM and AVG add up their argument's type: a NULL literal's is INT64 */
	if ((g.kind == AG_SUM || g.kind == AG_AVG) &&
	    (error = coerce(b, &g.arg, t == TYPE_NULL ? TYPE_INT64 : t)) < 0) {
		pexpr_free(g.arg);
		return error;
	}
	b->aggs = xrealloc(b->aggs, (b->naggs + 1) * sizeof *b->aggs);
	b->aggs[b->naggs] = g;
	*out = px_col((int)(b->nkeys + b->naggs), g.type, a);
	b->naggs++;
	return 0;
nosig:
	error = sql_error_at(b->src, a->line, a->col,
			     "No matching signature for aggregate function %s for argument types: %s", fn->name,
			     display_type(t));
	pexpr_free(g.arg);
	return error;
}

/* --- binding --- */

static int bind_args(struct binder *b, const struct ast *a, struct pexpr *e)
{
	for (size_t i = 0; i < a->nargs; i++) {
		struct pexpr *x = NULL;
		int error;
		if ((error = bind(b, a->args[i], &x)) < 0)
			return error;
		px_add(e, x);
	}
	return 0;
}

static int want_bool(struct binder *b, const struct ast *at, const char *op, struct pexpr *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (e->args[i]->type != TYPE_BOOL && e->args[i]->type != TYPE_NULL)
			return op_error(b, at, op, e->args, e->nargs);
	for (size_t i = 0; i < e->nargs; i++)
		if (e->args[i]->type == TYPE_NULL)
			coerce(b, &e->args[i], TYPE_BOOL);
	return 0;
}

static enum cmp_op cmp_of(const char *op)
{
	static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
	for (int i = 0; i < 6; i++)
		if (strcmp(op, ops[i]) == 0)
			return (enum cmp_op)i;
	return CMP_EQ;
}

static struct pexpr *cmp_node(enum cmp_op op, struct pexpr *l, struct pexpr *r, const struct ast *at)
{
	struct pexpr *e = px_new(X_CMP, TYPE_BOOL, at);
	e->op = op;
	px_add(e, l);
	px_add(e, r);
	return e;
}

/* A bare date part (DAY, MONTH) as a constant INT64 holding the part. */
static int bind_part(struct binder *b, const struct ast *a, struct pexpr **out)
{
	enum date_part p;
	if (a->kind != A_COLUMN || a->qual || date_part_parse(a->name, &p) < 0)
		return sql_error_at(b->src, a->line, a->col, "A valid date part name is required");
	*out = px_const(value_int64(p), a);
	return 0;
}

static int bind_call(struct binder *b, const struct ast *a, struct pexpr **out)
{
	int error = 0;
	struct pexpr *e = NULL;
	const char *n = a->name;
	const struct sql_func *fn = sql_func_find(n);
	if (fn && fn->kind == FN_CONDITIONAL) {
		bool isif = strcmp(fn->name, "IF") == 0;
		if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
			return sql_error_at(b->src, a->line, a->col,
					    "Number of arguments does not match for function %s", fn->name);
		e = px_new(isif ? X_CASE : X_COALESCE, TYPE_NULL, a);
		e->has_else = isif;
		if ((error = bind_args(b, a, e)) < 0)
			goto fail;
		size_t first = isif ? 1 : 0;
		if (isif && (error = want_bool(b, a, "IF", &(struct pexpr){.nargs = 1, .args = e->args})) < 0)
			goto fail;
		if ((error = unify(b, a, fn->name, e->args + first, e->nargs - first, &e->type)) < 0)
			goto fail;
		*out = e;
		return 0;
	}
	if (!fn || !(fn->kind & FN_SCALAR)) {
		if (strcmp(n, "safe_cast") == 0)
			return sql_error_at(b->src, a->line, a->col, "SAFE_CAST needs AS and a type");
		return sql_error_at(b->src, a->line, a->col, "Function not found: %s", n);
	}
	if (a->distinct)
		return sql_error_at(b->src, a->line, a->col, "DISTINCT is not allowed for function %s", fn->name);
	if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
		return sql_error_at(b->src, a->line, a->col,
				    "Number of arguments does not match for function %s", fn->name);
	e = px_new(X_FUNC, TYPE_NULL, a);
	e->fn = fn;
	for (size_t i = 0; i < a->nargs; i++) {
		struct pexpr *x = NULL;
		if ((int)i == fn->part_arg)
			error = bind_part(b, a->args[i], &x);
		else
			error = bind(b, a->args[i], &x);
		if (error < 0)
			goto fail;
		px_add(e, x);
	}
	e->type = fn->check(e);
	if (e->type == TYPE_COUNT) {
		error = sql_func_signature_error(e, b->src);
		goto fail;
	}
	/* a NULL literal argument takes a type the function accepts */
	for (size_t i = 0; i < e->nargs; i++)
		if (e->args[i]->type == TYPE_NULL)
			e->args[i]->type = e->type == TYPE_BOOL ? TYPE_STRING : e->type;
	/* fold calls on constants, so that DATE('2019-01-01') prunes */
	bool allconst = true;
	for (size_t i = 0; i < e->nargs; i++)
		allconst = allconst && e->args[i]->kind == X_CONST;
	if (allconst) {
		struct value args[8], v;
		struct arena mem = {0};
		bool anynull = false;
		for (size_t i = 0; i < e->nargs && i < 8; i++) {
			args[i] = e->args[i]->lit;
			anynull = anynull || args[i].is_null;
		}
		if (e->nargs <= 8) {
			if (anynull && !fn->nonstrict)
				v = value_null(e->type), error = 0;
			else
				error = fn->row(e, args, &v, &mem);
			if (error >= 0) {
				v.type = e->type;
				struct pexpr *c = px_const(v, a);
				arena_free(&mem);
				pexpr_free(e);
				*out = c;
				return 0;
			}
			error_clear();
			error = 0;
		}
		arena_free(&mem);
	}
	*out = e;
	return 0;
fail:
	pexpr_free(e);
	return error;
}

static int bind_window(struct binder *b, const struct ast *a, struct pexpr **out);
static int bind_subquery(struct binder *b, const struct ast *a, struct pexpr **out);
static int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out);

static int bind_typed_literal(struct binder *b, const struct ast *a, struct pexpr **out)
{
	enum type t;
	struct value v;
	type_parse(a->name, &t);
	if (value_parse(t, a->s, strlen(a->s), &v) < 0) {
		error_clear();
		return sql_error_at(b->src, a->line, a->col, "Invalid %s literal: '%s'", type_name(t), a->s);
	}
	*out = px_const(v, a);
	return 0;
}

static int bind_expr(struct binder *b, const struct ast *a, struct pexpr **out)
{
	int error = 0;
	struct pexpr *e = NULL;
	*out = NULL;
	if (b->alias_sel && a->kind == A_COLUMN && !a->qual) {
		const struct select *sel = b->alias_sel;
		for (size_t i = 0; i < sel->nitems; i++)
			if (sel->items[i].alias && sel->items[i].expr && str_eq_nocase(sel->items[i].alias, a->name)) {
				b->alias_sel = NULL;
				error = bind(b, sel->items[i].expr, out);
				b->alias_sel = sel;
				return error;
			}
	}
	if (b->post && !is_agg(a)) {
		for (size_t k = 0; k < b->nkeys; k++)
			if (ast_equal(a, b->keyasts[k])) {
				*out = px_col((int)k, b->keys[k]->type, a);
				return 0;
			}
		if (a->kind == A_COLUMN) {
			int si;
			if ((error = resolve(b, a, &si)) < 0)
				return error;
			for (size_t k = 0; k < b->nkeys; k++)
				if (b->keys[k]->kind == X_COL && b->keys[k]->col == si) {
					*out = px_col((int)k, b->keys[k]->type, a);
					return 0;
				}
			return sql_error_at(b->src, a->line, a->col,
					    "%s expression references column %s which is neither grouped nor aggregated",
					    b->clause ? b->clause : "SELECT list", a->name);
		}
	}
	switch (a->kind) {
	case A_NULL: *out = px_const(value_null(TYPE_NULL), a); return 0;
	case A_BOOL: *out = px_const(value_bool(a->b), a); return 0;
	case A_INT: *out = px_const(value_int64(a->i), a); return 0;
	case A_FLOAT: *out = px_const(value_float64(a->d), a); return 0;
	case A_STRING: *out = px_const(value_string(a->s, strlen(a->s)), a); return 0;
	case A_TYPED: return bind_typed_literal(b, a, out);
	case A_STAR:
		return sql_error_at(b->src, a->line, a->col, "Syntax error: Unexpected \"*\"");
	case A_COLUMN: {
		int si;
		if ((error = resolve(b, a, &si)) < 0)
			return error;
		*out = px_col(si, b->scope.v[si].type, a);
		return 0;
	}
	case A_CALL:
		if (a->over)
			return bind_window(b, a, out);
		if (is_agg(a))
			return bind_agg(b, a, out);
		return bind_call(b, a, out);
	case A_UNARY:
		if ((error = bind(b, a->args[0], &e)) < 0)
			return error;
		if (strcmp(a->op, "NOT") == 0) {
			struct pexpr *n = px_new(X_NOT, TYPE_BOOL, a);
			px_add(n, e);
			if ((error = want_bool(b, a, "NOT", n)) < 0) {
				pexpr_free(n);
				return error;
			}
			*out = n;
			return 0;
		}
		if (e->type != TYPE_NULL && !type_is_numeric(e->type)) {
			error = op_error(b, a, "-", &e, 1);
			pexpr_free(e);
			return error;
		}
		if (strcmp(a->op, "+") == 0) {
			*out = e;
			return 0;
		}
		*out = px_new(X_NEG, e->type == TYPE_NULL ? TYPE_INT64 : e->type, a);
		px_add(*out, e);
		return 0;
	case A_BINARY: {
		const char *op = a->op;
		bool logic = strcmp(op, "AND") == 0 || strcmp(op, "OR") == 0;
		bool arith = strchr("+-*/", op[0]) && op[1] == 0;
		bool concat = strcmp(op, "||") == 0;
		e = px_new(logic ? (op[0] == 'A' ? X_AND : X_OR) : arith || concat ? X_ARITH : X_CMP, TYPE_BOOL, a);
		if ((error = bind_args(b, a, e)) < 0)
			goto fail;
		if (logic) {
			if ((error = want_bool(b, a, op, e)) < 0)
				goto fail;
		} else if (concat) {
			e->op = AR_CONCAT;
			e->type = TYPE_STRING;
			for (int i = 0; i < 2; i++)
				if (e->args[i]->type != TYPE_STRING && e->args[i]->type != TYPE_NULL) {
					error = op_error(b, a, "||", e->args, 2);
					goto fail;
				}
			coerce(b, &e->args[0], TYPE_STRING);
			coerce(b, &e->args[1], TYPE_STRING);
		} else if (arith) {
			enum type l = e->args[0]->type, r = e->args[1]->type, t;
			if ((l != TYPE_NULL && !type_is_numeric(l)) || (r != TYPE_NULL && !type_is_numeric(r))) {
				error = op_error(b, a, op, e->args, 2);
				goto fail;
			}
			if (l == TYPE_FLOAT64 || r == TYPE_FLOAT64)
				t = TYPE_FLOAT64;
			else if (l == TYPE_NUMERIC || r == TYPE_NUMERIC)
				t = TYPE_NUMERIC;
			else
				t = TYPE_INT64;
			if (op[0] == '/' && t == TYPE_INT64)
				t = TYPE_FLOAT64;
			e->op = op[0] == '+' ? AR_ADD : op[0] == '-' ? AR_SUB : op[0] == '*' ? AR_MUL : AR_DIV;
			e->type = t;
			if ((error = coerce(b, &e->args[0], t)) < 0 || (error = coerce(b, &e->args[1], t)) < 0)
				goto fail;
		} else {
			enum type t;
			e->op = cmp_of(op);
			if ((error = unify(b, a, op, e->args, 2, &t)) < 0)
				goto fail;
		}
		*out = e;
		return 0;
	}
	case A_BETWEEN: {
		struct pexpr *x[3] = {0};
		enum type t;
		for (int i = 0; i < 3; i++)
			if ((error = bind(b, a->args[i], &x[i])) < 0)
				goto between_fail;
		if ((error = unify(b, a, "BETWEEN", x, 3, &t)) < 0)
			goto between_fail;
		/* x BETWEEN lo AND hi is x >= lo AND x <= hi: the planner prunes
		 * with each half.  x is evaluated twice; a copy is bound twice. */
		struct pexpr *x2 = NULL;
		if ((error = bind(b, a->args[0], &x2)) < 0 || (error = coerce(b, &x2, t)) < 0) {
			pexpr_free(x2);
			goto between_fail;
		}
		e = px_new(X_AND, TYPE_BOOL, a);
		px_add(e, cmp_node(CMP_GE, x[0], x[1], a));
		px_add(e, cmp_node(CMP_LE, x2, x[2], a));
		if (a->negated) {
			struct pexpr *n = px_new(X_NOT, TYPE_BOOL, a);
			px_add(n, e);
			e = n;
		}
		*out = e;
		return 0;
	between_fail:
		for (int i = 0; i < 3; i++)
			pexpr_free(x[i]);
		return error;
	}
	case A_SUBQUERY:
	case A_EXISTS:
		return bind_subquery(b, a, out);
	case A_IN: {
		enum type t;
		if (a->sub)
			return bind_insub(b, a, out);
		e = px_new(X_IN, TYPE_BOOL, a);
		e->negated = a->negated;
		if ((error = bind_args(b, a, e)) < 0 || (error = unify(b, a, "IN", e->args, e->nargs, &t)) < 0)
			goto fail;
		*out = e;
		return 0;
	}
	case A_LIKE:
		e = px_new(X_LIKE, TYPE_BOOL, a);
		e->negated = a->negated;
		if ((error = bind_args(b, a, e)) < 0)
			goto fail;
		for (int i = 0; i < 2; i++)
			if (e->args[i]->type != TYPE_STRING && e->args[i]->type != TYPE_NULL) {
				error = op_error(b, a, "LIKE", e->args, 2);
				goto fail;
			}
		coerce(b, &e->args[0], TYPE_STRING);
		coerce(b, &e->args[1], TYPE_STRING);
		*out = e;
		return 0;
	case A_ISNULL:
		e = px_new(strcmp(a->name, "NULL") == 0 ? X_ISNULL : X_ISBOOL, TYPE_BOOL, a);
		e->negated = a->negated;
		e->op = strcmp(a->name, "TRUE") == 0;
		if ((error = bind_args(b, a, e)) < 0)
			goto fail;
		if (e->kind == X_ISBOOL && (error = want_bool(b, a, "IS", e)) < 0)
			goto fail;
		*out = e;
		return 0;
	case A_CASE: {
		e = px_new(X_CASE, TYPE_NULL, a);
		e->has_else = a->has_else;
		size_t i = 0;
		struct pexpr *operand = NULL;
		if (a->has_operand) {
			if ((error = bind(b, a->args[0], &operand)) < 0)
				goto fail;
			i = 1;
		}
		size_t nwhen = (a->nargs - i - (a->has_else ? 1 : 0)) / 2;
		for (size_t w = 0; w < nwhen; w++, i += 2) {
			struct pexpr *cond = NULL, *then = NULL;
			if ((error = bind(b, a->args[i], &cond)) < 0)
				goto case_fail;
			if (operand) {
				/* CASE x WHEN v is CASE WHEN x = v; x is bound again */
				struct pexpr *x = NULL, *pair[2];
				if ((error = bind(b, a->args[0], &x)) < 0) {
					pexpr_free(cond);
					goto case_fail;
				}
				pair[0] = x, pair[1] = cond;
				enum type t;
				if ((error = unify(b, a->args[i], "=", pair, 2, &t)) < 0) {
					pexpr_free(pair[0]);
					pexpr_free(pair[1]);
					goto case_fail;
				}
				cond = cmp_node(CMP_EQ, pair[0], pair[1], a->args[i]);
			}
			px_add(e, cond);
			if (cond->type != TYPE_BOOL && cond->type != TYPE_NULL) {
				error = op_error(b, a->args[i], "CASE WHEN", &cond, 1);
				goto case_fail;
			}
			if ((error = bind(b, a->args[i + 1], &then)) < 0)
				goto case_fail;
			px_add(e, then);
		}
		if (a->has_else) {
			struct pexpr *x = NULL;
			if ((error = bind(b, a->args[i], &x)) < 0)
				goto case_fail;
			px_add(e, x);
		}
		{
			/* the results' common type; unify() works on an array, so
			 * gather the result slots and write them back */
			size_t nr = 0;
			/* on the heap: bind recurses as deep as the expression */
			struct pexpr ***slots = xcalloc(e->nargs + 1, sizeof *slots);
			for (size_t k = 1; k < e->nargs; k += 2)
				slots[nr++] = &e->args[k];
			if (a->has_else)
				slots[nr++] = &e->args[e->nargs - 1];
			struct pexpr **tmp = xcalloc(nr + 1, sizeof *tmp);
			for (size_t k = 0; k < nr; k++)
				tmp[k] = *slots[k];
			error = unify(b, a, "CASE", tmp, nr, &e->type);
			for (size_t k = 0; k < nr; k++)
				*slots[k] = tmp[k];
			free(tmp);
			free(slots);
			if (error < 0)
				goto case_fail;
		}
		pexpr_free(operand);
		*out = e;
		return 0;
	case_fail:
		pexpr_free(operand);
		goto fail;
	}
	case A_CAST: {
		enum type t;
		if (type_parse(a->name, &t) < 0) {
			error_clear();
			return sql_error_at(b->src, a->line, a->col, "Type not found: %s", a->name);
		}
		if ((error = bind(b, a->args[0], &e)) < 0)
			return error;
		if (e->type != TYPE_NULL && e->type != t && !cast_allowed(e->type, t)) {
			error = sql_error_at(b->src, a->line, a->col, "Invalid cast from %s to %s",
					     type_name(e->type), type_name(t));
			goto fail;
		}
		if (e->type == t) {
			*out = e;
			return 0;
		}
		if (e->kind == X_CONST && !a->safe) {
			struct arena mem = {0};
			struct value v;
			if (e->lit.is_null) {
				v = value_null(t);
			} else if ((error = value_cast(&e->lit, t, &mem, &v)) < 0) {
				arena_free(&mem);
				char *msg = xstrdup(error_last());
				error = sql_error_at(b->src, a->line, a->col, "%s", msg);
				free(msg);
				goto fail;
			}
			struct pexpr *c = px_const(v, a);
			arena_free(&mem);
			pexpr_free(e);
			*out = c;
			return 0;
		}
		struct pexpr *c = px_new(X_CAST, t, a);
		c->safe = a->safe;
		px_add(c, e);
		*out = c;
		return 0;
	}
	case A_EXTRACT: {
		enum date_part p;
		if (date_part_parse(a->name, &p) < 0) {
			error_clear();
			return sql_error_at(b->src, a->line, a->col, "A valid date part name is required but found %s", a->name);
		}
		const struct sql_func *fn = sql_func_find("EXTRACT");
		e = px_new(X_FUNC, p == PART_DATE ? TYPE_DATE : TYPE_INT64, a);
		e->fn = fn;
		struct pexpr *x = NULL;
		if ((error = bind(b, a->args[0], &x)) < 0)
			goto fail;
		px_add(e, x);
		px_add(e, px_const(value_int64(p), a));
		if (fn->check(e) == TYPE_COUNT) {
			error = sql_func_signature_error(e, b->src);
			goto fail;
		}
		*out = e;
		return 0;
	}
	}
	return sql_error_at(b->src, a->line, a->col, "unsupported expression");
fail:
	pexpr_free(e);
	return error;
}

/* --- analytic functions --- */

static void win_free(struct win *w)
{
	pexpr_free(w->arg);
	pexpr_free(w->def);
	for (size_t i = 0; i < w->npart; i++)
		pexpr_free(w->part[i]);
	free(w->part);
	for (size_t i = 0; i < w->norder; i++)
		pexpr_free(w->order[i]);
	free(w->order);
	free(w->desc);
	free(w->nulls_first);
}

/* The function's arguments, keys and frame; the result type. */
static int bind_window_parts(struct binder *b, const struct ast *a, const struct sql_func *fn, struct win *w)
{
	const char *upper = fn->name;
	const struct ast_window *ov = a->over;
	int error;
	size_t first = 0;
	if (w->kind == W_AGG && w->agg == AG_COUNT && a->nargs == 1 && a->args[0]->kind == A_STAR) {
		w->agg = AG_COUNT_STAR;
		first = 1;
	}
	if (a->nargs > first && (error = bind(b, a->args[0], &w->arg)) < 0)
		return error;
	enum type t = w->arg ? w->arg->type : TYPE_INT64;
	if (t == TYPE_NULL) {
		t = TYPE_INT64;
		coerce(b, &w->arg, t);
	}
	if (w->kind == W_LAG || w->kind == W_LEAD) {
		w->offset = 1;
		if (a->nargs >= 2) {
			const struct ast *o = a->args[1];
			if (o->kind != A_INT || o->i < 0)
				return sql_error_at(b->src, o->line, o->col,
						    "Argument 2 to %s must be a non-negative INT64 literal", upper);
			w->offset = o->i;
		}
		if (a->nargs == 3) {
			if ((error = bind(b, a->args[2], &w->def)) < 0)
				return error;
			if (w->def->kind != X_CONST)
				return sql_error_at(b->src, a->args[2]->line, a->args[2]->col,
						    "Argument 3 to %s must be a constant", upper);
			if (w->def->type != TYPE_NULL && supertype(w->arg, w->def) != t)
				return sql_error_at(b->src, a->line, a->col,
						    "No matching signature for analytic function %s for argument types: %s, INT64, %s",
						    upper, display_type(t), display_type(w->def->type));
			if ((error = coerce(b, &w->def, t)) < 0)
				return error;
		}
	}
	w->type = fn->check(&(struct pexpr){.args = &w->arg, .nargs = w->arg ? 1 : 0});
	if (w->type == TYPE_COUNT)
		goto nosig;
	for (size_t i = 0; i < ov->npart; i++) {
		struct pexpr *x = NULL;
		if ((error = bind(b, ov->part[i], &x)) < 0)
			return error;
		if (x->type == TYPE_NULL)
			coerce(b, &x, TYPE_INT64);
		w->part = xrealloc(w->part, (w->npart + 1) * sizeof *w->part);
		w->part[w->npart++] = x;
		if (x->type == TYPE_FLOAT64 || x->type == TYPE_JSON)
			return sql_error_at(b->src, ov->part[i]->line, ov->part[i]->col,
					    "Partitioning by expressions of type %s is not allowed", type_name(x->type));
	}
	w->order = xcalloc(ov->norder + 1, sizeof *w->order);
	w->desc = xcalloc(ov->norder + 1, sizeof *w->desc);
	w->nulls_first = xcalloc(ov->norder + 1, sizeof *w->nulls_first);
	for (size_t i = 0; i < ov->norder; i++) {
		const struct order_item *o = &ov->order[i];
		if ((error = bind(b, o->expr, &w->order[i])) < 0)
			return error;
		w->norder++;
		if (w->order[i]->type == TYPE_NULL)
			coerce(b, &w->order[i], TYPE_INT64);
		if (w->order[i]->type == TYPE_JSON)
			return sql_error_at(b->src, o->expr->line, o->expr->col,
					    "Ordering by expressions of type JSON is not allowed");
		w->desc[i] = o->desc;
		w->nulls_first[i] = o->nulls ? o->nulls == 1 : !o->desc;
	}
	/* BigQuery's default frame: with ORDER BY, the rows up to the current
	 * one and its peers; without, the whole partition */
	if (ov->frame == FRAME_DEFAULT) {
		w->range = ov->norder > 0;
		w->lo = FB_UNBOUNDED_PRECEDING;
		w->hi = ov->norder ? FB_CURRENT : FB_UNBOUNDED_FOLLOWING;
	} else {
		w->range = ov->frame == FRAME_RANGE;
		w->lo = ov->lo, w->hi = ov->hi;
		w->lo_n = ov->lo_n, w->hi_n = ov->hi_n;
	}
	return 0;
nosig:
	return sql_error_at(b->src, a->line, a->col,
			    "No matching signature for analytic function %s for argument types: %s", upper,
			    display_type(t));
}

static int bind_window(struct binder *b, const struct ast *a, struct pexpr **out)
{
	if (!b->allow_window)
		return sql_error_at(b->src, a->line, a->col, "Analytic function not allowed in %s",
				    b->clause ? b->clause : "this context");
	for (size_t k = 0; k < b->nwins; k++)
		if (ast_equal(b->winasts[k], a)) {
			*out = px_col((int)k, b->wins[k].type, a);
			(*out)->winref = true;
			return 0;
		}
	struct win w = {0};
	const struct ast_window *ov = a->over;
	const struct sql_func *fn = sql_func_find(a->name);
	/* IF, IFNULL and COALESCE are expressions, not functions OVER can call */
	if (!fn || fn->kind == FN_CONDITIONAL)
		return sql_error_at(b->src, a->line, a->col, "Function not found: %s", a->name);
	const char *upper = fn->name;
	if (!(fn->kind & FN_WINDOW))
		return sql_error_at(b->src, a->line, a->col, "%s is not supported as an analytic function", upper);
	w.kind = fn->win;
	w.agg = fn->agg;
	if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
		return sql_error_at(b->src, a->line, a->col, "Number of arguments does not match for %s %s",
				    fn->kind & FN_AGGREGATE ? "aggregate function" : "function", upper);
	if (a->distinct)
		return sql_error_at(b->src, a->line, a->col, "DISTINCT is not supported in analytic function %s", upper);
	if ((w.kind == W_RANK || w.kind == W_DENSE_RANK || w.kind == W_LAG || w.kind == W_LEAD) && !ov->norder)
		return sql_error_at(b->src, a->line, a->col, "Window ORDER BY is required for analytic function %s",
				    upper);
	if (w.kind <= W_LEAD && ov->frame != FRAME_DEFAULT)
		return sql_error_at(b->src, ov->frame_line, ov->frame_col,
				    "Window framing clause is not allowed for analytic function %s", upper);
	if (ov->frame == FRAME_RANGE && (ov->lo == FB_PRECEDING || ov->lo == FB_FOLLOWING ||
					 ov->hi == FB_PRECEDING || ov->hi == FB_FOLLOWING))
		return sql_error_at(b->src, ov->frame_line, ov->frame_col,
				    "RANGE frames with an offset are not supported; use ROWS");
	/* no analytic function inside another */
	const char *clause = b->clause;
	b->allow_window = false;
	b->clause = "the arguments of an analytic function";
	int error = bind_window_parts(b, a, fn, &w);
	b->allow_window = true;
	b->clause = clause;
	if (error < 0) {
		win_free(&w);
		return error;
	}
	b->wins = xrealloc(b->wins, (b->nwins + 1) * sizeof *b->wins);
	b->winasts = xrealloc(b->winasts, (b->nwins + 1) * sizeof *b->winasts);
	b->wins[b->nwins] = w;
	b->winasts[b->nwins] = a;
	*out = px_col((int)b->nwins++, w.type, a);
	(*out)->winref = true;
	return 0;
}

/* Points the placeholders at the window node's columns, which follow its
 * child's base columns. */
static void fix_winrefs(struct pexpr *e, int base)
{
	if (e->kind == X_COL && e->winref) {
		e->col += base;
		e->winref = false;
	}
	for (size_t i = 0; i < e->nargs; i++)
		fix_winrefs(e->args[i], base);
}

/* --- FROM --- */

static void scope_add(struct scope *s, const char *qual, const char *name, enum type t, struct node *scan,
		      int tcol)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = (struct scol){qual ? xstrdup(qual) : NULL, xstrdup(name), t, scan, tcol, false};
}

static void scope_free(struct scope *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].qual);
		free(s->v[i].name);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static struct node *node_new(enum node_kind kind, size_t ncols)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->ncols = ncols;
	n->types = xcalloc(ncols + 1, sizeof *n->types);
	n->names = xcalloc(ncols + 1, sizeof *n->names);
	return n;
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->child);
	node_free(n->right);
	for (size_t i = 0; i < n->ncols; i++)
		free(n->names[i]);
	free(n->names);
	free(n->types);
	if (n->table)
		table_close(n->table);
	free(n->table_name);
	free(n->used);
	free(n->live);
	free(n->filter_only);
	for (size_t i = 0; i < n->nprunes; i++)
		free(n->prunes[i].vals);
	free(n->prunes);
	pexpr_free(n->pred);
	if (n->exprs)
		for (size_t i = 0; i < n->ncols; i++)
			pexpr_free(n->exprs[i]);
	free(n->exprs);
	for (size_t i = 0; i < n->nkeys; i++)
		pexpr_free(n->keys[i]);
	free(n->keys);
	for (size_t i = 0; i < n->naggs; i++)
		pexpr_free(n->aggs[i].arg);
	free(n->aggs);
	for (size_t i = 0; i < n->njoinkeys; i++) {
		pexpr_free(n->lkeys[i]);
		pexpr_free(n->rkeys[i]);
	}
	free(n->lkeys);
	free(n->rkeys);
	pexpr_free(n->residual);
	free(n->sort);
	for (size_t i = 0; i < n->nwins; i++)
		win_free(&n->wins[i]);
	free(n->wins);
	free(n);
}

static const char *last_part(const char *name)
{
	const char *d = strrchr(name, '.');
	return d ? d + 1 : name;
}

static int table_not_found(struct binder *b, const struct from *f)
{
	char **names = NULL;
	size_t n = 0;
	struct buf msg = BUF_INIT;
	buf_puts(&msg, error_last());
	if (table_list(b->root, &names, &n) >= 0) {
		const char *best = closest(last_part(f->table), (const char *const *)names, n);
		if (best)
			buf_printf(&msg, "; Did you mean %s?", best);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	int rc = sql_error_at(b->src, f->line, f->col, "%s", buf_cstr(&msg));
	buf_free(&msg);
	return rc;
}

/* A rough row count, to choose a join's build side. */
static uint64_t est_rows(const struct node *n)
{
	switch (n->kind) {
	case N_SCAN: return n->table->rows;
	case N_ONE: return 1;
	case N_FILTER: return est_rows(n->child) / 2 + 1;
	case N_AGG: return est_rows(n->child) / 10 + 1;
	case N_LIMIT: {
		uint64_t c = est_rows(n->child);
		return n->limit >= 0 && (uint64_t)n->limit < c ? (uint64_t)n->limit : c;
	}
	case N_JOIN: {
		uint64_t a = est_rows(n->child), c = est_rows(n->right);
		return a > c ? a : c;
	}
	default: return est_rows(n->child);
	}
}

/* Rewrites column references over left ++ right (nl, nr columns) to
 * right ++ left. */
static void pexpr_swap_sides(struct pexpr *e, int nl, int nr)
{
	if (e->kind == X_COL)
		e->col = e->col < nl ? e->col + nr : e->col - nl;
	for (size_t i = 0; i < e->nargs; i++)
		pexpr_swap_sides(e->args[i], nl, nr);
}

/* JOIN ... USING (k): the join's columns, preceded by one column per USING
 * name, which an unqualified k and * find; t.k still finds each side's own
 * column.  The column is the left side's for INNER and LEFT joins, the
 * right side's for RIGHT, and the first non-NULL of the two for FULL. */
static struct node *using_columns(struct binder *b, const struct from *f, struct node *child, struct scope *scope,
				  const size_t *ucols)
{
	size_t nm = f->nusing, n = scope->n;
	struct node *p = node_new(N_PROJECT, nm + n);
	struct scope merged = {0};
	p->child = child;
	p->exprs = xcalloc(nm + n + 1, sizeof *p->exprs);
	for (size_t u = 0; u < nm; u++) {
		size_t li = ucols[2 * u], ri = ucols[2 * u + 1];
		const struct scol *src = &scope->v[f->join == J_RIGHT ? ri : li];
		struct pexpr *e;
		if (f->join == J_FULL) {
			struct ast at = {.line = f->line, .col = f->col};
			e = px_new(X_COALESCE, TYPE_NULL, NULL);
			px_add(e, px_col((int)li, scope->v[li].type, NULL));
			px_add(e, px_col((int)ri, scope->v[ri].type, NULL));
			unify(b, &at, "COALESCE", e->args, 2, &e->type); /* the equality unified them */
		} else {
			e = px_col((int)(f->join == J_RIGHT ? ri : li), src->type, NULL);
		}
		p->exprs[u] = e;
		p->types[u] = e->type;
		p->names[u] = xstrdup(src->name);
		scope_add(&merged, NULL, src->name, e->type, f->join == J_FULL ? NULL : src->scan, src->tcol);
	}
	for (size_t i = 0; i < n; i++) {
		const struct scol *sc = &scope->v[i];
		p->exprs[nm + i] = px_col((int)i, sc->type, NULL);
		p->types[nm + i] = sc->type;
		p->names[nm + i] = xstrdup(sc->name);
		scope_add(&merged, sc->qual, sc->name, sc->type, sc->scan, sc->tcol);
		for (size_t u = 0; u < nm; u++)
			if (i == ucols[2 * u] || i == ucols[2 * u + 1])
				merged.v[merged.n - 1].qual_only = true;
	}
	scope_free(scope);
	*scope = merged;
	return p;
}

static int plan_from_item(struct binder *b, const struct from *f, struct node **out, struct scope *scope)
{
	int error = 0;
	*out = NULL;
	if (f->kind == F_TABLE) {
		/* a CTE first, when the name has one part */
		for (struct cte_frame *c = b->ctes; c && !strchr(f->table, '.'); c = c->prev) {
			if (!str_eq_nocase(c->cte->name, f->table))
				continue;
			struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = c->prev};
			size_t nout;
			struct node *n;
			if ((error = plan_select(&sub, c->cte->sel, &n, &nout)) < 0)
				return error;
			for (size_t i = 0; i < nout; i++)
				scope_add(scope, f->alias ? f->alias : c->cte->name, n->names[i], n->types[i], NULL, 0);
			*out = n;
			return 0;
		}
		char *dir = NULL;
		struct table *t = NULL;
		if ((error = table_resolve(b->root, f->table, &dir)) < 0)
			return table_not_found(b, f);
		error = table_open_lazy(&t, dir);
		free(dir);
		if (error < 0)
			return error;
		struct node *n = node_new(N_SCAN, t->spec.ncols);
		n->table = t;
		n->table_name = xstrdup(f->table);
		n->used = xcalloc(t->spec.ncols + 1, sizeof *n->used);
		for (size_t i = 0; i < t->spec.ncols; i++) {
			n->types[i] = t->spec.cols[i].type;
			n->names[i] = xstrdup(t->spec.cols[i].name);
			scope_add(scope, f->alias ? f->alias : last_part(f->table), t->spec.cols[i].name,
				  t->spec.cols[i].type, n, (int)i);
		}
		b->plan->scans = xrealloc(b->plan->scans, (b->plan->nscans + 1) * sizeof *b->plan->scans);
		b->plan->scans[b->plan->nscans++] = n;
		*out = n;
		return 0;
	}
	if (f->kind == F_SUBQUERY) {
		struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = b->ctes};
		size_t nout;
		struct node *n;
		if ((error = plan_select(&sub, f->sub, &n, &nout)) < 0)
			return error;
		for (size_t i = 0; i < nout; i++)
			scope_add(scope, f->alias, n->names[i], n->types[i], NULL, 0);
		*out = n;
		return 0;
	}
	/* a join: left columns, then right columns */
	struct node *l = NULL, *r = NULL, *j = NULL;
	struct pexpr **conj = NULL;
	size_t nconj = 0, *ucols = NULL;
	const char *jname = f->join == J_LEFT ? "LEFT" : f->join == J_RIGHT ? "RIGHT" : "FULL";
	bool outer = f->join == J_LEFT || f->join == J_RIGHT || f->join == J_FULL;
	if ((error = plan_from(b, f->left, &l, scope)) < 0)
		return error;
	size_t nl = scope->n;
	if ((error = plan_from(b, f->right, &r, scope)) < 0) {
		node_free(l);
		return error;
	}
	j = node_new(N_JOIN, scope->n);
	j->child = l;
	j->right = r;
	/* RIGHT runs as a LEFT join with the sides swapped (below) */
	j->join = f->join == J_RIGHT ? J_LEFT : f->join;
	for (size_t i = 0; i < scope->n; i++) {
		j->types[i] = scope->v[i].type;
		j->names[i] = xstrdup(scope->v[i].name);
	}
	if (f->on) {
		struct scope saved = b->scope;
		b->scope = *scope;
		const char *clause = b->clause;
		b->clause = "JOIN ON clause";
		struct pexpr *on = NULL;
		error = bind(b, f->on, &on);
		b->scope = saved;
		b->clause = clause;
		if (error < 0)
			goto fail;
		if (on->type != TYPE_BOOL) {
			error = sql_error_at(b->src, f->on->line, f->on->col, "JOIN ON clause should return type BOOL, but returns %s",
					     display_type(on->type));
			pexpr_free(on);
			goto fail;
		}
		/* split the AND tree into conjuncts */
		struct pexpr **stack = xcalloc(64, sizeof *stack);
		size_t sp = 0;
		stack[sp++] = on;
		while (sp) {
			struct pexpr *c = stack[--sp];
			if (c->kind == X_AND && sp < 62) {
				stack[sp++] = c->args[1];
				stack[sp++] = c->args[0];
				c->nargs = 0;
				pexpr_free(c);
				continue;
			}
			conj = xrealloc(conj, (nconj + 1) * sizeof *conj);
			conj[nconj++] = c;
		}
		free(stack);
	}
	if (f->nusing) {
		/* USING (k): ON left.k = right.k, with k found once on each side */
		ucols = xcalloc(2 * f->nusing + 1, sizeof *ucols);
		for (size_t u = 0; u < f->nusing; u++) {
			for (int side = 0; side < 2; side++) {
				size_t from = side ? nl : 0, to = side ? scope->n : nl, at = SIZE_MAX;
				for (size_t i = from; i < to; i++) {
					const struct scol *sc = &scope->v[i];
					if (sc->qual_only || !str_eq_nocase(sc->name, f->using[u]))
						continue;
					if (at != SIZE_MAX) {
						error = sql_error_at(b->src, f->line, f->col,
								     "Column %s in USING clause is ambiguous on %s side of join",
								     f->using[u], side ? "right" : "left");
						goto fail;
					}
					at = i;
				}
				if (at == SIZE_MAX) {
					error = sql_error_at(b->src, f->line, f->col,
							     "Column %s in USING clause not found on %s side of join", f->using[u],
							     side ? "right" : "left");
					goto fail;
				}
				ucols[2 * u + (size_t)side] = at;
				if (scope->v[at].scan)
					scope->v[at].scan->used[scope->v[at].tcol] = true;
			}
			size_t li = ucols[2 * u], ri = ucols[2 * u + 1];
			struct pexpr *pair[2] = {px_col((int)li, scope->v[li].type, NULL), px_col((int)ri, scope->v[ri].type, NULL)};
			struct ast at = {.line = f->line, .col = f->col};
			enum type t;
			if ((error = unify(b, &at, "=", pair, 2, &t)) < 0) {
				pexpr_free(pair[0]);
				pexpr_free(pair[1]);
				goto fail;
			}
			conj = xrealloc(conj, (nconj + 1) * sizeof *conj);
			conj[nconj++] = cmp_node(CMP_EQ, pair[0], pair[1], NULL);
		}
	}
	for (size_t i = 0; i < nconj; i++) {
		struct pexpr *c = conj[i];
		if (c->kind == X_CMP && c->op == CMP_EQ) {
			int lo0 = 1 << 30, hi0 = -1, lo1 = 1 << 30, hi1 = -1;
			pexpr_cols(c->args[0], &lo0, &hi0);
			pexpr_cols(c->args[1], &lo1, &hi1);
			int side0 = hi0 < 0 ? 0 : hi0 < (int)nl ? 1 : lo0 >= (int)nl ? 2 : 3;
			int side1 = hi1 < 0 ? 0 : hi1 < (int)nl ? 1 : lo1 >= (int)nl ? 2 : 3;
			if ((side0 == 1 && side1 == 2) || (side0 == 2 && side1 == 1)) {
				struct pexpr *lk = c->args[side0 == 1 ? 0 : 1], *rk = c->args[side0 == 1 ? 1 : 0];
				pexpr_shift(rk, -(int)nl);
				j->lkeys = xrealloc(j->lkeys, (j->njoinkeys + 1) * sizeof *j->lkeys);
				j->rkeys = xrealloc(j->rkeys, (j->njoinkeys + 1) * sizeof *j->rkeys);
				j->lkeys[j->njoinkeys] = lk;
				j->rkeys[j->njoinkeys++] = rk;
				c->nargs = 0;
				pexpr_free(c);
				conj[i] = NULL;
				continue;
			}
		}
		int lo = 1 << 30, hi = -1;
		pexpr_cols(c, &lo, &hi);
		/* a condition on the side an outer join fills with NULLs alone
		 * filters that side first */
		if ((f->join == J_LEFT && lo >= (int)nl) || (f->join == J_RIGHT && hi < (int)nl)) {
			struct node *side = f->join == J_LEFT ? j->right : j->child;
			if (f->join == J_LEFT)
				pexpr_shift(c, -(int)nl);
			struct node *flt = node_new(N_FILTER, side->ncols);
			for (size_t k = 0; k < side->ncols; k++) {
				flt->types[k] = side->types[k];
				flt->names[k] = xstrdup(side->names[k]);
			}
			flt->child = side;
			flt->pred = c;
			if (f->join == J_LEFT)
				j->right = flt;
			else
				j->child = flt;
			conj[i] = NULL;
			continue;
		}
		if (outer) {
			error = sql_error_at(b->src, f->on->line, f->on->col,
					     f->join == J_FULL ? "FULL JOIN ON supports equalities between the two sides only" :
					     "%s JOIN ON supports equalities between the two sides and conditions on the %s side only",
					     jname, f->join == J_LEFT ? "right" : "left");
			goto fail;
		}
		if (j->residual) {
			struct pexpr *and = px_new(X_AND, TYPE_BOOL, NULL);
			px_add(and, j->residual);
			px_add(and, c);
			j->residual = and;
		} else {
			j->residual = c;
		}
		conj[i] = NULL;
	}
	if (outer && j->njoinkeys == 0) {
		error = sql_error_at(b->src, f->line, f->col, "%s JOIN needs an equality between the two sides in ON", jname);
		goto fail;
	}
	struct node *top = j;
	/* An inner join holds its right side in a hash table: hold the smaller
	 * side, and put the columns back in order with a projection.  A RIGHT
	 * join holds its left side. */
	if (f->join == J_RIGHT || ((f->join == J_INNER || f->join == J_CROSS) && est_rows(r) > est_rows(l))) {
		size_t nr = scope->n - nl, nall = scope->n;
		struct node *tmpn = j->child;
		j->child = j->right;
		j->right = tmpn;
		struct pexpr **tmp = j->lkeys;
		j->lkeys = j->rkeys;
		j->rkeys = tmp;
		if (j->residual)
			pexpr_swap_sides(j->residual, (int)nl, (int)nr);
		for (size_t i = 0; i < nall; i++) {
			size_t from = i < nr ? nl + i : i - nr;
			free(j->names[i]);
			j->types[i] = scope->v[from].type;
			j->names[i] = xstrdup(scope->v[from].name);
		}
		struct node *p = node_new(N_PROJECT, nall);
		p->child = j;
		p->exprs = xcalloc(nall + 1, sizeof *p->exprs);
		for (size_t i = 0; i < nall; i++) {
			size_t at = i < nl ? i + nr : i - nl;
			p->exprs[i] = px_col((int)at, scope->v[i].type, NULL);
			p->types[i] = scope->v[i].type;
			p->names[i] = xstrdup(scope->v[i].name);
		}
		top = p;
	}
	if (f->nusing)
		top = using_columns(b, f, top, scope, ucols);
	free(conj);
	free(ucols);
	*out = top;
	return 0;
fail:
	for (size_t i = 0; i < nconj; i++)
		pexpr_free(conj[i]);
	free(conj);
	free(ucols);
	if (j)
		node_free(j);
	else {
		node_free(l);
		node_free(r);
	}
	return error;
}

/* --- subqueries in expressions --- */

/* An uncorrelated subquery, planned on its own: it sees the WITH names but
 * not the columns of the query around it. */
static int plan_subquery(struct binder *b, const struct ast *a, struct node **n, size_t *nout)
{
	struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = b->ctes, .outer = b};
	return plan_select(&sub, a->sub, n, nout);
}

static void add_subq(struct binder *b, struct pexpr *e)
{
	struct plan *p = b->plan;
	p->subqs = xrealloc(p->subqs, (p->nsubqs + 1) * sizeof *p->subqs);
	p->subqs[p->nsubqs++] = e;
}

/* (SELECT ...) and EXISTS (SELECT ...) */
static int bind_subquery(struct binder *b, const struct ast *a, struct pexpr **out)
{
	struct node *n = NULL;
	size_t nout;
	int error;
	if ((error = plan_subquery(b, a, &n, &nout)) < 0)
		return error;
	if (a->kind == A_SUBQUERY && nout != 1) {
		node_free(n);
		return sql_error_at(b->src, a->line, a->col,
				    "Scalar subquery cannot have more than one column unless using SELECT AS STRUCT to "
				    "build STRUCT values");
	}
	struct pexpr *e = px_new(a->kind == A_EXISTS ? X_EXISTS : X_SUBQUERY,
				 a->kind == A_EXISTS ? TYPE_BOOL : n->types[0], a);
	e->sub = n;
	e->isconst = true;
	add_subq(b, e);
	*out = e;
	return 0;
}

/* x [NOT] IN (SELECT ...): both sides take their common type. */
static int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out)
{
	struct pexpr *x = NULL;
	struct node *n = NULL;
	size_t nout;
	int error;
	if ((error = bind(b, a->args[0], &x)) < 0)
		return error;
	if ((error = plan_subquery(b, a, &n, &nout)) < 0)
		goto fail;
	if (nout != 1) {
		error = sql_error_at(b->src, a->line, a->col, "Subquery of type IN must have only one output column");
		goto fail;
	}
	struct pexpr col = {.kind = X_COL, .type = n->types[0]};
	enum type t = supertype(x, &col);
	if (t == TYPE_COUNT) {
		error = sql_error_at(b->src, a->line, a->col, "Cannot execute IN subquery with uncomparable types %s and %s",
				     display_type(x->type), display_type(n->types[0]));
		goto fail;
	}
	if (t == TYPE_NULL)
		t = TYPE_INT64;
	if ((error = coerce(b, &x, t)) < 0)
		goto fail;
	if (n->types[0] != t) {
		struct node *p = node_new(N_PROJECT, 1);
		p->child = n;
		p->exprs = xcalloc(2, sizeof *p->exprs);
		p->exprs[0] = px_col(0, n->types[0], NULL);
		coerce(b, &p->exprs[0], t);
		p->types[0] = t;
		p->names[0] = xstrdup(n->names[0]);
		n = p;
	}
	struct pexpr *e = px_new(X_INSUB, TYPE_BOOL, a);
	e->negated = a->negated;
	px_add(e, x);
	e->sub = n;
	add_subq(b, e);
	*out = e;
	return 0;
fail:
	pexpr_free(x);
	node_free(n);
	return error;
}

/* --- pruning --- */

static bool prune_value(const struct pexpr *e, struct value *v)
{
	if (e->kind != X_CONST || e->lit.is_null || e->lit.type == TYPE_NULL)
		return false;
	*v = e->lit;
	return true;
}

/* The column a pruning operand reads: a column, a numeric cast of one, or
 * DATE(ts) (the day partition expression); NULL for anything else. */
static const struct pexpr *prune_operand(const struct pexpr *e, bool *date_of)
{
	*date_of = false;
	if (e->kind == X_CAST && type_is_numeric(e->type) && e->args[0]->kind == X_COL &&
	    type_is_numeric(e->args[0]->type))
		e = e->args[0];
	if (e->kind == X_FUNC && strcmp(e->fn->name, "DATE") == 0 && e->nargs == 1 &&
	    e->args[0]->kind == X_COL &&
	    (e->args[0]->type == TYPE_TIMESTAMP || e->args[0]->type == TYPE_DATETIME)) {
		*date_of = true;
		e = e->args[0];
	}
	return e->kind == X_COL ? e : NULL;
}

/* The scan and table column a pruning operand refers to. */
static bool prune_column(struct binder *b, const struct pexpr *e, struct node **scan, int *tcol, bool *date_of)
{
	e = prune_operand(e, date_of);
	if (!e || (size_t)e->col >= b->scope.n || !b->scope.v[e->col].scan)
		return false;
	*scan = b->scope.v[e->col].scan;
	*tcol = b->scope.v[e->col].tcol;
	return true;
}

static bool prune_equal(const struct prune *p, int col, enum cmp_op op, const struct value *vals, size_t n)
{
	if (p->col != col || p->op != op || p->nvals != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p->vals[i].type != vals[i].type || value_compare(&p->vals[i], &vals[i]) != 0)
			return false;
	return true;
}

/* A filter pushed down from above may repeat one the WHERE gave already. */
static void add_prune(struct node *scan, int col, enum cmp_op op, struct value *vals, size_t n)
{
	for (size_t k = 0; k < scan->nprunes; k++)
		if (prune_equal(&scan->prunes[k], col, op, vals, n))
			return;
	scan->prunes = xrealloc(scan->prunes, (scan->nprunes + 1) * sizeof *scan->prunes);
	struct prune *p = &scan->prunes[scan->nprunes++];
	p->col = col;
	p->op = op;
	p->vals = xcalloc(n, sizeof *vals);
	memcpy(p->vals, vals, n * sizeof *vals);
	p->nvals = n;
}

static enum cmp_op flip(enum cmp_op op)
{
	switch (op) {
	case CMP_LT: return CMP_GT;
	case CMP_LE: return CMP_GE;
	case CMP_GT: return CMP_LT;
	case CMP_GE: return CMP_LE;
	default: return op;
	}
}

/* Adds col op v to the scan's prunes; DATE(col) op v (date_of) becomes
 * col against the day's first microsecond.  False when it cannot. */
static bool add_cmp_prune(struct node *scan, int tcol, bool date_of, enum cmp_op op, struct value v)
{
	if (!date_of) {
		add_prune(scan, tcol, op, &v, 1);
		return true;
	}
	if (v.type != TYPE_DATE)
		return false;
	enum type ct = scan->types[tcol];
	struct value lo = {.type = ct}, hi = {.type = ct};
	lo.us = (int64_t)v.days * US_PER_DAY;
	hi.us = lo.us + US_PER_DAY;
	switch (op) {
	case CMP_EQ: add_prune(scan, tcol, CMP_GE, &lo, 1); add_prune(scan, tcol, CMP_LT, &hi, 1); break;
	case CMP_GE: add_prune(scan, tcol, CMP_GE, &lo, 1); break;
	case CMP_GT: add_prune(scan, tcol, CMP_GE, &hi, 1); break;
	case CMP_LE: add_prune(scan, tcol, CMP_LT, &hi, 1); break;
	case CMP_LT: add_prune(scan, tcol, CMP_LT, &lo, 1); break;
	default: break;
	}
	return true;
}

/* Returns whether e became prunes exactly (so that a block they accept
 * entirely needs no filtering). */
static bool extract_prunes(struct binder *b, const struct pexpr *e)
{
	if (e->kind == X_AND) {
		bool l = extract_prunes(b, e->args[0]);
		bool r = extract_prunes(b, e->args[1]);
		return l && r;
	}
	struct node *scan;
	int tcol;
	bool date_of;
	struct value v;
	if (e->kind == X_CMP && e->op != CMP_NE) {
		enum cmp_op op = (enum cmp_op)e->op;
		const struct pexpr *c = e->args[0], *k = e->args[1];
		if (!prune_value(k, &v)) {
			c = e->args[1], k = e->args[0];
			op = flip(op);
			if (!prune_value(k, &v))
				return false;
		}
		if (!prune_column(b, c, &scan, &tcol, &date_of))
			return false;
		if (!add_cmp_prune(scan, tcol, date_of, op, v))
			return false;
		return date_of || c->kind == X_COL;
	}
	if (e->kind == X_IN && !e->negated && prune_column(b, e->args[0], &scan, &tcol, &date_of) && !date_of) {
		struct value *vals = xcalloc(e->nargs, sizeof *vals);
		size_t n = 0;
		for (size_t i = 1; i < e->nargs; i++)
			if (prune_value(e->args[i], &vals[n]))
				n++;
		bool all = n == e->nargs - 1;
		if (all)
			add_prune(scan, tcol, CMP_EQ, vals, n);
		free(vals);
		return all && e->args[0]->kind == X_COL;
	}
	return false;
}

static bool range_may_match(const struct prune *p, int64_t lo, int64_t hi /* exclusive */)
{
	for (size_t i = 0; i < p->nvals; i++) {
		int64_t v = p->vals[i].type == TYPE_DATE ? p->vals[i].days : p->vals[i].i;
		if (p->vals[i].type == TYPE_TIMESTAMP || p->vals[i].type == TYPE_DATETIME)
			v = p->vals[i].us;
		switch (p->op) {
		case CMP_EQ: if (v >= lo && v < hi) return true; break;
		case CMP_GE: return hi > v;
		case CMP_GT: return hi - 1 > v;
		case CMP_LE: return lo <= v;
		case CMP_LT: return lo < v;
		default: return true;
		}
	}
	return false;
}

void sql_plan_partitions(const struct node *scan, bool *scan_part)
{
	const struct table *t = scan->table;
	const struct partition_spec *ps = &t->spec.partition;
	int pcol = ps->kind == PARTITION_NONE ? -1 : table_column(t, ps->column);
	for (size_t i = 0; i < t->npartitions; i++) {
		const struct partition *p = &t->partitions[i];
		scan_part[i] = true;
		if (pcol < 0)
			continue;
		for (size_t k = 0; k < scan->nprunes && scan_part[i]; k++) {
			const struct prune *pr = &scan->prunes[k];
			if (pr->col != pcol)
				continue;
			if (p->is_null) {
				scan_part[i] = false; /* comparisons never accept NULL */
				continue;
			}
			if (p->is_unpartitioned)
				continue;
			/* integer ranges: prune values may be FLOAT64 after a cast */
			if (pr->vals[0].type == TYPE_FLOAT64 || pr->vals[0].type == TYPE_NUMERIC)
				continue;
			scan_part[i] = range_may_match(pr, p->lo, p->hi);
		}
	}
}

/* Whether a block may hold rows one prune accepts, from its min/max. */
static bool prune_may_match(const struct prune *pr, const struct block *b)
{
	const struct col_stats *s = &b->stats[pr->col];
	if (s->min.is_null || s->max.is_null)
		return s->nulls < b->rows; /* all NULL: no comparison holds */
	for (size_t i = 0; i < pr->nvals; i++) {
		const struct value *v = &pr->vals[i];
		int lo = value_compare(&s->min, v), hi = value_compare(&s->max, v);
		if (lo == CMP_UNKNOWN || hi == CMP_UNKNOWN)
			return true;
		bool any;
		switch (pr->op) {
		case CMP_EQ: any = lo <= 0 && hi >= 0; break;
		case CMP_GE: any = hi >= 0; break;
		case CMP_GT: any = hi > 0; break;
		case CMP_LE: any = lo <= 0; break;
		case CMP_LT: any = lo < 0; break;
		default: any = true; break;
		}
		if (any)
			return true;
	}
	return false;
}

bool sql_plan_block_may_match(const struct node *scan, const struct block *b)
{
	for (size_t k = 0; k < scan->nprunes; k++)
		if (!prune_may_match(&scan->prunes[k], b))
			return false;
	return true;
}

/* BigQuery prunes blocks only on a clustered table, through filters on its
 * clustering columns taken in their order from the first
 * (https://cloud.google.com/bigquery/docs/querying-clustered-tables): the
 * prunes on the longest prefix c1..ck of the clustering columns that each
 * have one, wherever the WHERE writes them.  Other prunes skip blocks only
 * for pipe's speed, never in the bytes billed. */
bool sql_plan_block_billed(const struct node *scan, const struct block *b)
{
	const struct table_spec *spec = &scan->table->spec;
	for (size_t c = 0; c < spec->ncluster; c++) {
		int col = table_spec_column(spec, spec->cluster[c]);
		bool filtered = false;
		for (size_t k = 0; k < scan->nprunes; k++) {
			if (scan->prunes[k].col != col)
				continue;
			filtered = true;
			if (!prune_may_match(&scan->prunes[k], b))
				return false;
		}
		if (!filtered)
			break;
	}
	return true;
}

bool sql_plan_block_all_match(const struct node *scan, const struct block *b)
{
	for (size_t k = 0; k < scan->nprunes; k++) {
		const struct prune *pr = &scan->prunes[k];
		const struct col_stats *s = &b->stats[pr->col];
		if (s->nulls || s->min.is_null || s->max.is_null)
			return false;
		bool all = false;
		for (size_t i = 0; i < pr->nvals && !all; i++) {
			const struct value *v = &pr->vals[i];
			int lo = value_compare(&s->min, v), hi = value_compare(&s->max, v);
			if (lo == CMP_UNKNOWN || hi == CMP_UNKNOWN)
				return false;
			switch (pr->op) {
			case CMP_EQ: all = lo == 0 && hi == 0; break;
			case CMP_GE: all = lo >= 0; break;
			case CMP_GT: all = lo > 0; break;
			case CMP_LE: all = hi <= 0; break;
			case CMP_LT: all = hi < 0; break;
			default: break;
			}
		}
		if (!all)
			return false;
	}
	return true;
}

/* --- SELECT --- */

static char *item_name(const struct select_item *it, size_t *anon)
{
	if (it->alias)
		return xstrdup(it->alias);
	if (it->expr->kind == A_COLUMN)
		return xstrdup(it->expr->name);
	return xasprintf("f%zu_", (*anon)++);
}

static struct node *wrap(enum node_kind kind, struct node *child, size_t ncols)
{
	struct node *n = node_new(kind, ncols);
	n->child = child;
	if (kind != N_PROJECT && kind != N_AGG)
		for (size_t i = 0; i < ncols; i++) {
			n->types[i] = child->types[i];
			n->names[i] = xstrdup(child->names[i]);
		}
	return n;
}

/* Whether * (or t.*) expands to the column: a USING column once for *,
 * each side's own for t.* */
static bool star_takes(const struct select_item *it, const struct scol *sc)
{
	if (it->star_qual)
		return sc->qual && str_eq_nocase(sc->qual, it->star_qual);
	return !sc->qual_only;
}

static bool in_except(const struct select_item *it, const char *name)
{
	for (size_t i = 0; i < it->nexcept; i++)
		if (str_eq_nocase(it->except[i], name))
			return true;
	return false;
}

/* INTERSECT DISTINCT and EXCEPT DISTINCT over the arms, each tagged with
 * its number in a last column and chained: one group per distinct row,
 * kept when every arm has it (INTERSECT) or only the first (EXCEPT).  The
 * groups are held in memory, as for DISTINCT. */
static struct node *plan_intersect_except(const struct select *sel, struct node *n, size_t ncols, size_t narms)
{
	struct node *d = node_new(N_AGG, ncols + 1);
	d->child = n;
	d->keys = xcalloc(ncols + 1, sizeof *d->keys);
	d->nkeys = ncols;
	for (size_t c = 0; c < ncols; c++) {
		d->keys[c] = px_col((int)c, n->types[c], NULL);
		d->types[c] = n->types[c];
		d->names[c] = xstrdup(n->names[c]);
	}
	d->aggs = xcalloc(1, sizeof *d->aggs);
	d->naggs = 1;
	d->aggs[0].kind = sel->setop == SET_INTERSECT ? AG_COUNT : AG_MAX;
	d->aggs[0].distinct = sel->setop == SET_INTERSECT;
	d->aggs[0].arg = px_col((int)ncols, TYPE_INT64, NULL);
	d->aggs[0].type = TYPE_INT64;
	d->types[ncols] = TYPE_INT64;
	d->names[ncols] = xstrdup("$arms");
	struct node *f = wrap(N_FILTER, d, ncols + 1);
	int64_t want = sel->setop == SET_INTERSECT ? (int64_t)narms : 0;
	f->pred = cmp_node(CMP_EQ, px_col((int)ncols, TYPE_INT64, NULL), px_const(value_int64(want), NULL), NULL);
	struct node *p = node_new(N_PROJECT, ncols);
	p->child = f;
	p->exprs = xcalloc(ncols + 1, sizeof *p->exprs);
	for (size_t c = 0; c < ncols; c++) {
		p->exprs[c] = px_col((int)c, f->types[c], NULL);
		p->types[c] = f->types[c];
		p->names[c] = xstrdup(f->names[c]);
	}
	return p;
}

/* arms[0] UNION ALL arms[1] ...: a chain of N_UNION nodes, each arm cast
 * to the columns' common types; DISTINCT, ORDER BY (output columns only)
 * and LIMIT on top.  INTERSECT and EXCEPT add each arm's number first. */
static int plan_union(struct binder *b, const struct select *sel, struct node **out, size_t *nout)
{
	int error = 0;
	size_t narms = sel->narms, ncols = 0;
	const char *opname = sel->setop == SET_INTERSECT ? "INTERSECT DISTINCT" : sel->setop == SET_EXCEPT ?
			     "EXCEPT DISTINCT" : sel->union_distinct ? "UNION DISTINCT" : "UNION ALL";
	bool tagged = sel->setop != SET_UNION;
	struct node **arms = xcalloc(narms + 1, sizeof *arms), *n = NULL;
	size_t *widths = xcalloc(narms + 1, sizeof *widths);
	enum type *types = NULL;
	for (size_t i = 0; i < narms; i++) {
		struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = b->ctes};
		if ((error = plan_select(&sub, sel->arms[i], &arms[i], &widths[i])) < 0)
			goto done;
		if (i == 0) {
			ncols = widths[0];
			types = xcalloc(ncols + 1, sizeof *types);
			memcpy(types, arms[0]->types, ncols * sizeof *types);
			continue;
		}
		if (widths[i] != ncols) {
			error = sql_error_at(b->src, sel->arms[i]->line, sel->arms[i]->col,
					     "Queries in %s have mismatched column count; query 1 has %zu column%s, "
					     "query %zu has %zu column%s", opname,
					     ncols, ncols == 1 ? "" : "s", i + 1, widths[i], widths[i] == 1 ? "" : "s");
			goto done;
		}
		for (size_t c = 0; c < ncols; c++) {
			struct pexpr x = {.kind = X_COL, .type = types[c]}, y = {.kind = X_COL, .type = arms[i]->types[c]};
			enum type t = supertype(&x, &y);
			if (t == TYPE_COUNT) {
				error = sql_error_at(b->src, sel->arms[i]->line, sel->arms[i]->col,
						     "Column %zu in %s has incompatible types: %s, %s", c + 1,
						     opname, type_name(types[c]),
						     type_name(arms[i]->types[c]));
				goto done;
			}
			types[c] = t;
		}
	}
	/* cast each arm to the common types where it differs */
	for (size_t i = 0; i < narms; i++) {
		bool same = true;
		for (size_t c = 0; c < ncols; c++)
			same = same && arms[i]->types[c] == types[c];
		if (same && !tagged)
			continue;
		size_t nc = ncols + (tagged ? 1 : 0);
		struct node *p = node_new(N_PROJECT, nc);
		p->child = arms[i];
		p->exprs = xcalloc(nc + 1, sizeof *p->exprs);
		for (size_t c = 0; c < ncols; c++) {
			p->exprs[c] = px_col((int)c, arms[i]->types[c], NULL);
			coerce(b, &p->exprs[c], types[c]);
			p->types[c] = types[c];
			p->names[c] = xstrdup(arms[i]->names[c]);
		}
		if (tagged) {
			p->exprs[ncols] = px_const(value_int64((int64_t)i), NULL);
			p->types[ncols] = TYPE_INT64;
			p->names[ncols] = xstrdup("$arm");
		}
		arms[i] = p;
	}
	n = arms[0];
	arms[0] = NULL;
	for (size_t i = 1; i < narms; i++) {
		size_t nc = ncols + (tagged ? 1 : 0);
		struct node *u = node_new(N_UNION, nc);
		u->child = n;
		u->right = arms[i];
		arms[i] = NULL;
		for (size_t c = 0; c < nc; c++) {
			u->types[c] = u->child->types[c];
			u->names[c] = xstrdup(u->child->names[c]);
		}
		n = u;
	}
	if (tagged) {
		n = plan_intersect_except(sel, n, ncols, narms);
	} else if (sel->union_distinct) {
		struct node *d = node_new(N_AGG, ncols);
		d->child = n;
		d->keys = xcalloc(ncols + 1, sizeof *d->keys);
		d->nkeys = ncols;
		for (size_t c = 0; c < ncols; c++) {
			d->keys[c] = px_col((int)c, types[c], NULL);
			d->types[c] = types[c];
			d->names[c] = xstrdup(n->names[c]);
		}
		n = d;
	}
	if (sel->norder) {
		struct node *s = wrap(N_SORT, n, ncols);
		s->sort = xcalloc(sel->norder + 1, sizeof *s->sort);
		s->nsort = sel->norder;
		n = s;
		for (size_t o = 0; o < sel->norder; o++) {
			const struct ast *oa = sel->order[o].expr;
			int col = -1;
			if (oa->kind == A_INT && oa->i >= 1 && (size_t)oa->i <= ncols)
				col = (int)oa->i - 1;
			else if (oa->kind == A_COLUMN && !oa->qual)
				for (size_t c = 0; c < ncols && col < 0; c++)
					if (str_eq_nocase(n->names[c], oa->name))
						col = (int)c;
			if (col < 0) {
				error = sql_error_at(b->src, oa->line, oa->col,
						     "ORDER BY after a set operation must name a column of the result or its number");
				goto done;
			}
			s->sort[o].col = col;
			s->sort[o].desc = sel->order[o].desc;
			s->sort[o].nulls_first = sel->order[o].nulls ? sel->order[o].nulls == 1 : !sel->order[o].desc;
		}
	}
	if (sel->limit >= 0 || sel->offset >= 0) {
		struct node *l = wrap(N_LIMIT, n, ncols);
		l->limit = sel->limit;
		l->offset = sel->offset < 0 ? 0 : sel->offset;
		if (n->kind == N_SORT && l->limit >= 0)
			n->keep = l->limit + l->offset;
		n = l;
	}
	*out = n;
	*nout = ncols;
	n = NULL;
done:
	for (size_t i = 0; i < narms; i++)
		node_free(arms[i]);
	free(arms);
	free(widths);
	free(types);
	node_free(n);
	return error;
}

/* Gives the aggregate node back the keys and aggregates the binder took
 * (binding may have added aggregates: each becomes a column). */
static void agg_take(struct binder *b, struct node *ag)
{
	ag->keys = b->keys;
	ag->aggs = b->aggs;
	ag->naggs = b->naggs;
	b->keys = NULL;
	b->aggs = NULL;
	size_t nc = ag->nkeys + ag->naggs;
	if (nc <= ag->ncols)
		return;
	ag->types = xrealloc(ag->types, (nc + 1) * sizeof *ag->types);
	ag->names = xrealloc(ag->names, (nc + 1) * sizeof *ag->names);
	for (size_t k = ag->ncols; k < nc; k++) {
		ag->types[k] = ag->aggs[k - ag->nkeys].type;
		ag->names[k] = xasprintf("a%zu", k - ag->nkeys);
	}
	ag->ncols = nc;
}

/* Binds an expression of ORDER BY or QUALIFY, which may add aggregates to
 * the aggregate node below n (n itself, or the HAVING filter over it). */
static int bind_late(struct binder *b, struct node *n, bool aggregate, const struct ast *a, struct pexpr **out)
{
	size_t naggs_before = b->naggs;
	if (aggregate) {
		b->keys = n->kind == N_AGG ? n->keys : n->child->keys;
		b->aggs = n->kind == N_AGG ? n->aggs : n->child->aggs;
	}
	int error = bind(b, a, out);
	if (aggregate) {
		struct node *ag = n->kind == N_AGG ? n : n->child;
		agg_take(b, ag);
		if (b->naggs != naggs_before) {
			size_t nc = ag->ncols;
			if (n != ag) /* the HAVING filter passes every column */
				for (size_t k = n->ncols; k < nc; k++) {
					n->types = xrealloc(n->types, (nc + 1) * sizeof *n->types);
					n->names = xrealloc(n->names, (nc + 1) * sizeof *n->names);
					n->types[k] = ag->types[k];
					n->names[k] = xstrdup(ag->names[k]);
					n->ncols = nc;
				}
		}
	}
	return error;
}

static int plan_query(struct binder *parent, const struct select *sel, struct node **out, size_t *nout)
{
	int error = 0;
	struct binder b = {.src = parent->src, .root = parent->root, .plan = parent->plan, .ctes = parent->ctes, .sel = sel,
			   .outer = parent->outer};
	struct cte_frame *frames = xcalloc(sel->nctes + 1, sizeof *frames);
	struct node *n = NULL, *from = NULL;
	struct pexpr **items = NULL, *where = NULL;
	char **names = NULL;
	size_t nitems = 0, anon = 0;
	const struct ast **item_asts = NULL;
	bool aggregate = sel->ngroup > 0 || sel->having;
	bool *before_where = NULL;
	struct node *where_scan = NULL;

	for (size_t i = 0; i < sel->nctes; i++) {
		for (size_t k = 0; k < i; k++)
			if (str_eq_nocase(sel->ctes[k].name, sel->ctes[i].name)) {
				error = sql_error_at(b.src, sel->line, sel->col, "Duplicate alias %s for WITH subquery",
						     sel->ctes[i].name);
				goto done;
			}
		frames[i].cte = &sel->ctes[i];
		frames[i].prev = b.ctes;
		b.ctes = &frames[i];
	}
	if (sel->narms) {
		error = plan_union(&b, sel, out, nout);
		goto done;
	}
	if (sel->from) {
		if ((error = plan_from(&b, sel->from, &from, &b.scope)) < 0)
			goto done;
	} else {
		from = node_new(N_ONE, 0);
	}
	n = from;
	from = NULL;
	where_scan = n->kind == N_SCAN ? n : NULL;
	if (sel->where && where_scan) {
		before_where = xcalloc(where_scan->ncols + 1, sizeof *before_where);
		memcpy(before_where, where_scan->used, where_scan->ncols * sizeof *before_where);
	}
	if (sel->where) {
		b.clause = "WHERE clause";
		if ((error = bind(&b, sel->where, &where)) < 0)
			goto done;
		if (where->type != TYPE_BOOL && where->type != TYPE_NULL) {
			error = sql_error_at(b.src, sel->where->line, sel->where->col,
					     "WHERE clause should return type BOOL, but returns %s", display_type(where->type));
			goto done;
		}
		bool exact = extract_prunes(&b, where);
		struct node *f = wrap(N_FILTER, n, n->ncols);
		f->pred_exact = exact && n->kind == N_SCAN;
		if (f->pred_exact) {
			/* the columns the WHERE reads: set aside, and the used
			 * flags put back, to see which the rest of the query reads */
			bool *w = xcalloc(n->ncols + 1, sizeof *w);
			for (size_t c = 0; c < n->ncols; c++) {
				w[c] = n->used[c] && !before_where[c];
				n->used[c] = before_where[c];
			}
			n->filter_only = w;
		}
		f->pred = where;
		where = NULL;
		n = f;
	}
	for (size_t i = 0; i < sel->nitems && !aggregate; i++)
		aggregate = has_agg(sel->items[i].expr);
	for (size_t i = 0; i < sel->norder && !aggregate; i++)
		aggregate = has_agg(sel->order[i].expr);

	/* the select list's expressions, * expanded */
	b.clause = "SELECT list";
	for (size_t i = 0; i < sel->nitems; i++) {
		const struct select_item *it = &sel->items[i];
		if (it->expr)
			continue;
		if (aggregate) {
			error = sql_error_at(b.src, it->line, it->col,
					     "SELECT * expression references columns which are neither grouped nor aggregated");
			goto done;
		}
		bool any = false;
		for (size_t k = 0; k < it->nexcept; k++) {
			bool found = false;
			for (size_t c = 0; c < b.scope.n; c++)
				found = found || str_eq_nocase(b.scope.v[c].name, it->except[k]);
			if (!found) {
				error = sql_error_at(b.src, it->line, it->col,
						     "Column %s in SELECT * EXCEPT list does not exist", it->except[k]);
				goto done;
			}
		}
		for (size_t c = 0; c < b.scope.n; c++) {
			struct scol *sc = &b.scope.v[c];
			if (!star_takes(it, sc))
				continue;
			any = true;
			if (in_except(it, sc->name))
				continue;
			if (sc->scan)
				sc->scan->used[sc->tcol] = true;
			add_item(&items, &names, &item_asts, &nitems, px_col((int)c, sc->type, NULL), xstrdup(sc->name),
			         NULL);
		}
		if (!any) {
			error = sql_error_at(b.src, it->line, it->col, it->star_qual ? "Unrecognized name: %s" :
					     "SELECT * must have a FROM clause", it->star_qual);
			goto done;
		}
	}

	if (aggregate) {
		/* GROUP BY: ordinals and select aliases name select items */
		b.keyasts = xcalloc(sel->ngroup + 1, sizeof *b.keyasts);
		b.keys = xcalloc(sel->ngroup + 1, sizeof *b.keys);
		b.clause = "GROUP BY clause";
		for (size_t g = 0; g < sel->ngroup; g++) {
			const struct ast *ga = sel->group[g];
			if (ga->kind == A_INT) {
				if (ga->i < 1 || (size_t)ga->i > sel->nitems || !sel->items[ga->i - 1].expr) {
					error = sql_error_at(b.src, ga->line, ga->col,
							     "GROUP BY ordinal %lld is out of range", (long long)ga->i);
					goto done;
				}
				ga = sel->items[ga->i - 1].expr;
			} else if (ga->kind == A_COLUMN && !ga->qual) {
				for (size_t i = 0; i < sel->nitems; i++)
					if (sel->items[i].alias && str_eq_nocase(sel->items[i].alias, ga->name) &&
					    sel->items[i].expr) {
						ga = sel->items[i].expr;
						break;
					}
			}
			if (has_agg(ga)) {
				error = sql_error_at(b.src, ga->line, ga->col, "Aggregate function not allowed in GROUP BY");
				goto done;
			}
			if ((error = bind(&b, ga, &b.keys[b.nkeys])) < 0)
				goto done;
			b.keyasts[b.nkeys++] = (struct ast *)ga;
		}
		b.post = true;
	}
	for (size_t i = 0; i < sel->nitems; i++) {
		const struct select_item *it = &sel->items[i];
		if (!it->expr)
			continue; /* expanded above */
		struct pexpr *x = NULL;
		b.clause = "SELECT list";
		b.allow_window = true;
		error = bind(&b, it->expr, &x);
		b.allow_window = false;
		if (error < 0)
			goto done;
		char *name = item_name(it, &anon);
		/* A plain column is named as the schema spells it, as BigQuery
		 * does (VendorID finds and returns vendorid). */
		if (!it->alias && it->expr->kind == A_COLUMN && x->kind == X_COL && x->col >= 0 &&
		    (size_t)x->col < b.scope.n && str_eq_nocase(b.scope.v[x->col].name, name)) {
			free(name);
			name = xstrdup(b.scope.v[x->col].name);
		}
		add_item(&items, &names, &item_asts, &nitems, x, name, it->expr);
	}
	/* Stars were expanded first; put the items back in written order. */
	{
		size_t k = 0;
		struct pexpr **ord = xcalloc(nitems + 1, sizeof *ord);
		char **ordn = xcalloc(nitems + 1, sizeof *ordn);
		const struct ast **orda = xcalloc(nitems + 1, sizeof *orda);
		size_t nstar = 0;
		for (size_t i = 0; i < nitems; i++)
			nstar += item_asts[i] == NULL;
		size_t si = 0, ei = nstar;
		for (size_t i = 0; i < sel->nitems; i++) {
			if (sel->items[i].expr) {
				ord[k] = items[ei], ordn[k] = names[ei], orda[k++] = item_asts[ei++];
				continue;
			}
			/* this star's columns: as many as it expanded to */
			const struct select_item *it = &sel->items[i];
			for (size_t c = 0; c < b.scope.n; c++) {
				struct scol *sc = &b.scope.v[c];
				if (!star_takes(it, sc))
					continue;
				if (in_except(it, sc->name))
					continue;
				ord[k] = items[si], ordn[k] = names[si], orda[k++] = item_asts[si++];
			}
		}
		free(items);
		free(names);
		free(item_asts);
		items = ord, names = ordn, item_asts = orda;
	}
	if (aggregate) {
		struct node *ag = node_new(N_AGG, b.nkeys + b.naggs);
		ag->child = n;
		n = ag;
		ag->keys = b.keys;
		ag->nkeys = b.nkeys;
		ag->aggs = b.aggs;
		ag->naggs = b.naggs;
		for (size_t k = 0; k < b.nkeys; k++) {
			ag->types[k] = b.keys[k]->type;
			ag->names[k] = xasprintf("k%zu", k);
		}
		for (size_t k = 0; k < b.naggs; k++) {
			ag->types[b.nkeys + k] = b.aggs[k].type;
			ag->names[b.nkeys + k] = xasprintf("a%zu", k);
		}
		b.keys = NULL;
		b.aggs = NULL;
		/* HAVING may add aggregates: bind it before fixing the node */
		if (sel->having) {
			struct pexpr *h = NULL;
			b.keys = ag->keys;
			b.aggs = ag->aggs;
			b.clause = "HAVING clause";
			error = bind(&b, sel->having, &h);
			agg_take(&b, ag);
			if (error < 0)
				goto done;
			struct node *f = wrap(N_FILTER, n, n->ncols);
			f->pred = h;
			n = f;
		}
	}

	/* ORDER BY: an output column (ordinal, alias, same expression) or a
	 * hidden column computed by the projection */
	size_t nvis = nitems;
	struct sort_key *keys = xcalloc(sel->norder + 1, sizeof *keys);
	for (size_t o = 0; o < sel->norder; o++) {
		const struct order_item *oi = &sel->order[o];
		const struct ast *oa = oi->expr;
		int col = -1;
		if (oa->kind == A_INT) {
			if (oa->i < 1 || (size_t)oa->i > nvis) {
				error = sql_error_at(b.src, oa->line, oa->col, "ORDER BY column number exceeds number of SELECT columns");
				free(keys);
				goto done;
			}
			col = (int)oa->i - 1;
		} else if (oa->kind == A_COLUMN && !oa->qual) {
			for (size_t i = 0; i < nvis && col < 0; i++)
				if (str_eq_nocase(names[i], oa->name) && (item_asts[i] || !aggregate))
					col = (int)i;
		}
		for (size_t i = 0; i < nvis && col < 0; i++)
			if (item_asts[i] && ast_equal(item_asts[i], oa))
				col = (int)i;
		if (col < 0) {
			if (sel->distinct) {
				error = sql_error_at(b.src, oa->line, oa->col,
						     "ORDER BY clause expression references columns which are not visible after SELECT DISTINCT");
				free(keys);
				goto done;
			}
			struct pexpr *x = NULL;
			b.clause = "ORDER BY clause";
			b.allow_window = true;
			error = bind_late(&b, n, aggregate, oa, &x);
			b.allow_window = false;
			if (error < 0) {
				free(keys);
				goto done;
			}
			col = (int)nitems;
			add_item(&items, &names, &item_asts, &nitems, x, xasprintf("$order%zu", o), oa);
		}
		keys[o].col = col;
		keys[o].desc = oi->desc;
		/* BigQuery: NULLs first ascending, last descending */
		keys[o].nulls_first = oi->nulls ? oi->nulls == 1 : !oi->desc;
	}
	/* QUALIFY: a hidden column of the projection, filtered after it */
	int qualify_col = -1;
	if (sel->qualify) {
		struct pexpr *x = NULL;
		b.clause = "QUALIFY clause";
		b.allow_window = true;
		b.alias_sel = sel;
		error = bind_late(&b, n, aggregate, sel->qualify, &x);
		b.allow_window = false;
		b.alias_sel = NULL;
		if (error >= 0 && x->type == TYPE_NULL)
			coerce(&b, &x, TYPE_BOOL);
		if (error >= 0 && x->type != TYPE_BOOL) {
			error = sql_error_at(b.src, sel->qualify->line, sel->qualify->col,
					     "QUALIFY clause should return type BOOL, but returns %s", display_type(x->type));
			pexpr_free(x);
		}
		if (error < 0) {
			free(keys);
			goto done;
		}
		qualify_col = (int)nitems;
		add_item(&items, &names, &item_asts, &nitems, x, xstrdup("$qualify"), NULL);
	}
	if (b.nwins) {
		/* the analytic functions' results follow the columns they see */
		struct node *w = node_new(N_WINDOW, n->ncols + b.nwins);
		w->child = n;
		for (size_t i = 0; i < n->ncols; i++) {
			w->types[i] = n->types[i];
			w->names[i] = xstrdup(n->names[i]);
		}
		for (size_t k = 0; k < b.nwins; k++) {
			w->types[n->ncols + k] = b.wins[k].type;
			w->names[n->ncols + k] = xasprintf("$window%zu", k);
		}
		w->wins = b.wins;
		w->nwins = b.nwins;
		b.wins = NULL;
		b.nwins = 0;
		for (size_t i = 0; i < nitems; i++)
			fix_winrefs(items[i], (int)n->ncols);
		n = w;
	}
	struct node *p = node_new(N_PROJECT, nitems);
	p->child = n;
	n = p;
	p->exprs = items;
	for (size_t i = 0; i < nitems; i++) {
		p->types[i] = items[i]->type == TYPE_NULL ? TYPE_INT64 : items[i]->type;
		items[i]->type = p->types[i];
		p->names[i] = names[i];
	}
	items = NULL;
	free(names);
	names = NULL;
	if (qualify_col >= 0) {
		struct node *f = wrap(N_FILTER, n, n->ncols);
		f->pred = px_col(qualify_col, TYPE_BOOL, NULL);
		n = f;
	}
	if (sel->distinct) {
		struct node *d = node_new(N_AGG, nvis);
		d->child = n;
		d->keys = xcalloc(nvis + 1, sizeof *d->keys);
		d->nkeys = nvis;
		for (size_t i = 0; i < nvis; i++) {
			d->keys[i] = px_col((int)i, n->types[i], NULL);
			d->types[i] = n->types[i];
			d->names[i] = xstrdup(n->names[i]);
		}
		n = d;
	}
	if (sel->norder) {
		struct node *s = wrap(N_SORT, n, n->ncols);
		s->sort = keys;
		s->nsort = sel->norder;
		n = s;
	} else {
		free(keys);
	}
	if (sel->limit >= 0 || sel->offset >= 0) {
		struct node *l = wrap(N_LIMIT, n, n->ncols);
		l->limit = sel->limit;
		l->offset = sel->offset < 0 ? 0 : sel->offset;
		if (n->kind == N_SORT && l->limit >= 0)
			n->keep = l->limit + l->offset;
		n = l;
	}
	if (where_scan && where_scan->filter_only)
		for (size_t c = 0; c < where_scan->ncols; c++) {
			bool w = where_scan->filter_only[c];
			where_scan->filter_only[c] = w && !where_scan->used[c];
			where_scan->used[c] = where_scan->used[c] || w;
		}
	*out = n;
	*nout = nvis;
	n = NULL;
done:
	free(before_where);
	if (items)
		for (size_t i = 0; i < nitems; i++)
			pexpr_free(items[i]);
	free(items);
	if (names)
		for (size_t i = 0; i < nitems; i++)
			free(names[i]);
	free(names);
	free(item_asts);
	pexpr_free(where);
	node_free(from);
	node_free(n);
	if (b.keys)
		for (size_t k = 0; k < b.nkeys; k++)
			pexpr_free(b.keys[k]);
	free(b.keys);
	free(b.keyasts);
	if (b.aggs)
		for (size_t k = 0; k < b.naggs; k++)
			pexpr_free(b.aggs[k].arg);
	free(b.aggs);
	for (size_t k = 0; k < b.nwins; k++)
		win_free(&b.wins[k]);
	free(b.wins);
	free(b.winasts);
	scope_free(&b.scope);
	free(frames);
	return error;
}

/* --- the bound on the binder's recursion and work --- */

static int enter(struct binder *b, int line, int col)
{
	struct plan *p = b->plan;
	if (p->depth >= SQL_MAX_DEPTH)
		return sql_error_too_deep(b->src, line, col);
	if (++p->steps > SQL_MAX_PLAN_STEPS)
		return sql_error_at(b->src, line, col,
				    "Resources exceeded during query execution: Not enough resources for query "
				    "planning - too many subqueries or query is too complex");
	p->depth++;
	return 0;
}

static int bind(struct binder *b, const struct ast *a, struct pexpr **out)
{
	int error;
	if ((error = enter(b, a->line, a->col)) < 0)
		return error;
	error = bind_expr(b, a, out);
	b->plan->depth--;
	return error;
}

static int plan_from(struct binder *b, const struct from *f, struct node **out, struct scope *scope)
{
	int error;
	*out = NULL;
	if ((error = enter(b, f->line, f->col)) < 0)
		return error;
	error = plan_from_item(b, f, out, scope);
	b->plan->depth--;
	return error;
}

static int plan_select(struct binder *parent, const struct select *sel, struct node **out, size_t *nout)
{
	int error;
	if ((error = enter(parent, sel->line, sel->col)) < 0)
		return error;
	error = plan_query(parent, sel, out, nout);
	parent->plan->depth--;
	return error;
}

/* --- what the query needs: filter pushdown and column liveness ---
 *
 * BigQuery's optimizer sees through subqueries, WITH and views: a filter
 * written around them prunes the partitions and blocks of the tables they
 * read, and a column they select that the query never uses is not read
 * (docs/bytes.md).  Two passes over the finished plan do the same: the
 * constant filters (the prunes' forms) move down to the scans where each
 * step keeps their meaning, and each node tells its inputs which columns
 * the columns needed of it need, down to the scans' live columns, which
 * the bytes count. */

/* The walks follow a node's child and an expression's first argument in
 * a loop (long chains: a AND b AND c ..., UNION ALL arms, joins) and nest
 * only for the other branches, whose depth the parser bounds; past
 * PLAN_WALK_MAX nested calls they stop. */
#define PLAN_WALK_MAX 1000

static int too_deep(void)
{
	return error_setcode(PIPE_EUSAGE, "Query is nested too deeply (more than %d levels)", PLAN_WALK_MAX);
}

/* A constant filter on one column on its way down: col op vals[0], or
 * col IN vals; date_of: the filter is on DATE(col). */
struct pushed {
	enum cmp_op op;
	bool date_of;
	struct value *vals;
	size_t nvals;
};

/* Moves the filter on n's output column col to the scans below, through
 * the steps where filtering first gives the same rows: a plain column of a
 * projection, a sort, another filter, a GROUP BY key, a window's PARTITION
 * BY column, the non-NULL-extended sides of a join, every arm of a set
 * operation.  Never through LIMIT, an aggregate's or a window's result, an
 * expression, or onto a side an outer join fills with NULLs. */
static int push_down(struct node *n, int col, const struct pushed *pc, int depth)
{
	int error;
	if (depth > PLAN_WALK_MAX)
		return too_deep();
	for (;; n = n->child) {
		switch (n->kind) {
		case N_SCAN:
			if (pc->nvals == 1)
				add_cmp_prune(n, col, pc->date_of, pc->op, pc->vals[0]);
			else
				add_prune(n, col, CMP_EQ, pc->vals, pc->nvals);
			return 0;
		case N_FILTER:
			break;
		case N_SORT:
			if (n->keep)
				return 0;
			break;
		case N_PROJECT:
			if (n->exprs[col]->kind != X_COL)
				return 0;
			col = n->exprs[col]->col;
			break;
		case N_AGG:
			if ((size_t)col >= n->nkeys || n->keys[col]->kind != X_COL)
				return 0;
			col = n->keys[col]->col;
			break;
		case N_WINDOW:
			if ((size_t)col >= n->child->ncols)
				return 0;
			for (size_t w = 0; w < n->nwins; w++) {
				bool key = false;
				for (size_t k = 0; k < n->wins[w].npart; k++)
					key = key || (n->wins[w].part[k]->kind == X_COL && n->wins[w].part[k]->col == col);
				if (!key)
					return 0;
			}
			break;
		case N_JOIN:
			if (col < (int)n->child->ncols) {
				if (n->join == J_FULL)
					return 0;
				break;
			}
			if (n->join != J_INNER && n->join != J_CROSS)
				return 0;
			return push_down(n->right, col - (int)n->child->ncols, pc, depth + 1);
		case N_UNION:
			if ((error = push_down(n->right, col, pc, depth + 1)) < 0)
				return error;
			break;
		default:
			return 0;
		}
	}
}

/* Pushes the conjuncts of a filter's predicate that have a prune's form
 * (see extract_prunes) into the subtree below it. */
static int push_conjuncts(struct node *below, const struct pexpr *e, int depth)
{
	struct pushed pc = {0};
	struct value v;
	const struct pexpr *c = NULL;
	int error = 0;
	if (depth > PLAN_WALK_MAX)
		return too_deep();
	for (; e->kind == X_AND; e = e->args[0])
		if ((error = push_conjuncts(below, e->args[1], depth + 1)) < 0)
			return error;
	if (e->kind == X_CMP && e->op != CMP_NE) {
		pc.op = (enum cmp_op)e->op;
		c = e->args[0];
		if (!prune_value(e->args[1], &v)) {
			c = e->args[1];
			pc.op = flip(pc.op);
			if (!prune_value(e->args[0], &v))
				return 0;
		}
		if (!(c = prune_operand(c, &pc.date_of)))
			return 0;
		pc.vals = &v;
		pc.nvals = 1;
		return push_down(below, c->col, &pc, 0);
	}
	if (e->kind == X_IN && !e->negated && (c = prune_operand(e->args[0], &pc.date_of)) && !pc.date_of) {
		pc.op = CMP_EQ;
		pc.vals = xcalloc(e->nargs, sizeof *pc.vals);
		for (size_t i = 1; i < e->nargs; i++)
			if (prune_value(e->args[i], &pc.vals[pc.nvals]))
				pc.nvals++;
		if (pc.nvals == e->nargs - 1)
			error = push_down(below, c->col, &pc, 0);
		free(pc.vals);
	}
	return error;
}

static int push_filters(struct node *n, int depth)
{
	int error;
	if (depth > PLAN_WALK_MAX)
		return too_deep();
	for (; n; n = n->child) {
		if (n->kind == N_FILTER && (error = push_conjuncts(n->child, n->pred, 0)) < 0)
			return error;
		if (n->right && (error = push_filters(n->right, depth + 1)) < 0)
			return error;
	}
	return 0;
}

/* Marks in need the input columns e reads.  Subqueries in expressions are
 * plans of their own (plan->subqs). */
static int need_expr(const struct pexpr *e, bool *need, int depth)
{
	int error;
	if (depth > PLAN_WALK_MAX)
		return too_deep();
	for (; e; e = e->nargs ? e->args[0] : NULL) {
		if (e->kind == X_COL)
			need[e->col] = true;
		for (size_t i = 1; i < e->nargs; i++)
			if ((error = need_expr(e->args[i], need, depth + 1)) < 0)
				return error;
	}
	return 0;
}

/* need: which of n's output columns the plan above uses.  Passes down what
 * each input must give for them, and the scans keep it as live.  For exec,
 * what execution evaluates: every aggregate and window (their results are
 * computed, used or not), and a projection keeps which of its expressions
 * to evaluate. */
static int mark_live(struct node *n, const bool *need, bool exec, int depth)
{
	int error = 0;
	bool *owned = NULL; /* need, once it is this call's */
	if (depth > PLAN_WALK_MAX)
		return too_deep();
	for (; n->kind != N_SCAN && n->child && error >= 0; n = n->child) {
		size_t nin = n->child->ncols + (n->kind == N_JOIN ? n->right->ncols : 0);
		bool *in = xcalloc(nin + 1, sizeof *in), *rin = NULL;
		switch (n->kind) {
		case N_FILTER:
		case N_SORT:
		case N_LIMIT:
		case N_UNION:
			memcpy(in, need, n->ncols * sizeof *in);
			for (size_t k = 0; k < n->nsort; k++)
				in[n->sort[k].col] = true;
			error = need_expr(n->pred, in, 0);
			break;
		case N_PROJECT:
			if (exec) {
				if (!n->live)
					n->live = xcalloc(n->ncols + 1, sizeof *n->live);
				memcpy(n->live, need, n->ncols * sizeof *n->live);
			}
			for (size_t i = 0; i < n->ncols && error >= 0; i++)
				if (need[i])
					error = need_expr(n->exprs[i], in, 0);
			break;
		case N_AGG:
			/* the keys make the groups, used or not */
			for (size_t k = 0; k < n->nkeys && error >= 0; k++)
				error = need_expr(n->keys[k], in, 0);
			for (size_t a = 0; a < n->naggs && error >= 0; a++)
				if (exec || need[n->nkeys + a])
					error = need_expr(n->aggs[a].arg, in, 0);
			break;
		case N_WINDOW:
			memcpy(in, need, n->child->ncols * sizeof *in);
			for (size_t w = 0; w < n->nwins && error >= 0; w++) {
				const struct win *x = &n->wins[w];
				if (!exec && !need[n->child->ncols + w])
					continue;
				error = need_expr(x->arg, in, 0);
				for (size_t k = 0; k < x->npart && error >= 0; k++)
					error = need_expr(x->part[k], in, 0);
				for (size_t k = 0; k < x->norder && error >= 0; k++)
					error = need_expr(x->order[k], in, 0);
			}
			break;
		case N_JOIN:
			memcpy(in, need, n->ncols * sizeof *in);
			error = need_expr(n->residual, in, 0);
			rin = xcalloc(n->right->ncols + 1, sizeof *rin);
			memcpy(rin, in + n->child->ncols, n->right->ncols * sizeof *rin);
			for (size_t k = 0; k < n->njoinkeys && error >= 0; k++) {
				error = need_expr(n->lkeys[k], in, 0);
				if (error >= 0)
					error = need_expr(n->rkeys[k], rin, 0);
			}
			break;
		default:
			break;
		}
		if (error >= 0 && n->right)
			error = mark_live(n->right, rin ? rin : in, exec, depth + 1);
		free(rin);
		free(owned);
		need = owned = in;
	}
	if (error >= 0 && n->kind == N_SCAN)
		for (size_t c = 0; c < n->ncols; c++)
			n->live[c] = n->live[c] || need[c];
	free(owned);
	return error;
}

/* Marks what the plan and the plans of its subqueries need: their results
 * whole, but for EXISTS, which needs rows, not values. */
static int plan_mark(struct plan *p, bool exec)
{
	int error = 0;
	for (size_t i = 0; i <= p->nsubqs && error >= 0; i++) {
		struct node *top = i < p->nsubqs ? p->subqs[i]->sub : p->root;
		size_t nneed = i < p->nsubqs ? top->ncols : p->nout;
		bool *need = xcalloc(top->ncols + 1, sizeof *need);
		for (size_t c = 0; c < nneed && !(i < p->nsubqs && p->subqs[i]->kind == X_EXISTS); c++)
			need[c] = true;
		error = mark_live(top, need, exec, 0);
		free(need);
	}
	return error;
}

/* Pushes the filters down, then marks the columns: first what execution
 * needs, which narrows what the scans read (used), then what the result
 * needs, which the bytes count (live). */
static int plan_needs(struct plan *p)
{
	int error = 0;
	for (size_t i = 0; i <= p->nsubqs && error >= 0; i++)
		error = push_filters(i < p->nsubqs ? p->subqs[i]->sub : p->root, 0);
	for (size_t i = 0; i < p->nscans; i++)
		p->scans[i]->live = xcalloc(p->scans[i]->ncols + 1, sizeof *p->scans[i]->live);
	if (error < 0 || (error = plan_mark(p, true)) < 0)
		return error;
	for (size_t i = 0; i < p->nscans; i++) {
		struct node *scan = p->scans[i];
		for (size_t c = 0; c < scan->ncols; c++) {
			scan->used[c] = scan->used[c] && scan->live[c];
			scan->live[c] = false;
		}
	}
	return plan_mark(p, false);
}

int sql_plan_select(const struct stmt *s, const struct select *sel, const char *root, struct plan *out)
{
	memset(out, 0, sizeof *out);
	struct binder b = {.src = s->src, .root = root, .plan = out};
	int error = plan_select(&b, sel, &out->root, &out->nout);
	if (error >= 0 && (error = plan_needs(out)) < 0) {
		node_free(out->root);
		out->root = NULL;
	}
	if (error < 0) {
		free(out->scans);
		out->scans = NULL;
		out->nscans = 0;
		free(out->subqs);
		out->subqs = NULL;
		out->nsubqs = 0;
	}
	return error;
}

void sql_plan_free(struct plan *p)
{
	node_free(p->root);
	free(p->scans);
	free(p->subqs);
	memset(p, 0, sizeof *p);
}
