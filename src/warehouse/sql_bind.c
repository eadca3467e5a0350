/* sql_bind: an expression's syntax -> a bound, typed expression (struct
 * pexpr): operators checked against their signatures, calls looked up in
 * the function table (sql_func.c) and folded when their arguments are
 * constants, aggregates bound to the aggregate's output columns, analytic
 * functions to placeholders until the window node is placed, subqueries
 * planned as SELECTs of their own.  Each expression node is a step of the
 * binder's bounded work (binder_enter). */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

/* --- aggregates --- */

/* An aggregate call: SUM(x), not the analytic SUM(x) OVER (...) */
static bool is_agg(const struct ast *a)
{
	const struct sql_func *fn;
	return a->kind == A_CALL && !a->over && (fn = sql_func_find(a->name)) && (fn->kind & FN_AGGREGATE);
}

bool bind_has_agg(const struct ast *a)
{
	if (!a)
		return false;
	if (is_agg(a))
		return true;
	for (size_t i = 0; i < a->nargs; i++)
		if (bind_has_agg(a->args[i]))
			return true;
	if (a->over) {
		for (size_t i = 0; i < a->over->npart; i++)
			if (bind_has_agg(a->over->part[i]))
				return true;
		for (size_t i = 0; i < a->over->norder; i++)
			if (bind_has_agg(a->over->order[i].expr))
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

bool bind_ast_equal(const struct ast *a, const struct ast *b)
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
		if (!bind_ast_equal(a->args[i], b->args[i]))
			return false;
	if (!a->over || !b->over)
		return !a->over && !b->over;
	const struct ast_window *x = a->over, *y = b->over;
	if (x->npart != y->npart || x->norder != y->norder || x->frame != y->frame || x->lo != y->lo ||
	    x->hi != y->hi || x->lo_n != y->lo_n || x->hi_n != y->hi_n)
		return false;
	for (size_t i = 0; i < x->npart; i++)
		if (!bind_ast_equal(x->part[i], y->part[i]))
			return false;
	for (size_t i = 0; i < x->norder; i++)
		if (!bind_ast_equal(x->order[i].expr, y->order[i].expr) || x->order[i].desc != y->order[i].desc ||
		    x->order[i].nulls != y->order[i].nulls)
			return false;
	return true;
}

/* An aggregate's own ORDER BY, LIMIT and IGNORE NULLS where they belong:
 * STRING_AGG and ARRAY_AGG; ARRAY_AGG(...)[k] takes its element as it
 * aggregates. */
static int check_agg_extras(struct binder *b, const struct ast *a)
{
	const struct sql_func *fn = sql_func_find(a->name);
	bool ordered = fn && (fn->kind & FN_ORDERED) && !a->over;
	if (!ordered && (a->nagg_order || a->has_limit || a->ignore_nulls))
		return sql_error_at(b->src, a->line, a->col, "ORDER BY, LIMIT and IGNORE NULLS in a call are supported "
				    "in STRING_AGG and ARRAY_AGG only");
	if (a->distinct && a->nagg_order && (a->nagg_order != 1 || !bind_ast_equal(a->agg_order[0].expr, a->args[0])))
		return sql_error_at(b->src, a->line, a->col, "An aggregate function that has both DISTINCT and ORDER BY "
				    "arguments can only ORDER BY expressions that are arguments to the function");
	return 0;
}

/* STRING_AGG's separator and the ORDER BY keys, bound before the groups
 * as the argument is. */
static int bind_agg_order(struct binder *b, const struct ast *a, struct agg *g)
{
	int error;
	g->limit = a->has_limit ? a->agg_limit : -1;
	g->pick = a->pick;
	g->pick_safe = a->pick_safe;
	g->ignore_nulls = a->ignore_nulls;
	g->nulls_ok = a->struct_field;
	if (g->kind == AG_STRING_AGG) {
		struct pexpr *sep = NULL;
		if (a->nargs < 2) {
			g->sep = xstrdup(",");
		} else if ((error = bind_expr(b, a->args[1], &sep)) < 0) {
			return error;
		} else if (sep->kind != X_CONST || sep->type != TYPE_STRING || sep->lit.is_null) {
			pexpr_free(sep);
			return sql_error_at(b->src, a->args[1]->line, a->args[1]->col,
					    "STRING_AGG's delimiter must be a constant STRING");
		} else {
			g->sep = xstrndup(sep->lit.s.p ? sep->lit.s.p : "", sep->lit.s.len);
			pexpr_free(sep);
		}
	}
	g->order = xcalloc(a->nagg_order + 1, sizeof *g->order);
	g->okeys = xcalloc(a->nagg_order + 1, sizeof *g->okeys);
	for (size_t k = 0; k < a->nagg_order; k++) {
		const struct order_item *o = &a->agg_order[k];
		if (bind_has_agg(o->expr))
			return sql_error_at(b->src, o->expr->line, o->expr->col, "Aggregations of aggregations are not allowed");
		if ((error = bind_expr(b, o->expr, &g->order[k])) < 0)
			return error;
		g->norder++;
		g->okeys[k].desc = o->desc;
		g->okeys[k].nulls_first = o->nulls ? o->nulls == 1 : !o->desc;
	}
	return 0;
}

static int bind_agg(struct binder *b, const struct ast *a, struct pexpr **out)
{
	const struct sql_func *fn = sql_func_find(a->name);
	if (!b->post)
		return sql_error_at(b->src, a->line, a->col, "Aggregate function %s not allowed in %s",
				    fn->name, b->clause ? b->clause : "this context");
	struct agg g = {.kind = fn->agg, .distinct = a->distinct || (fn->kind & FN_DISTINCT)};
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
			if (bind_has_agg(a->args[i]))
				return sql_error_at(b->src, a->args[i]->line, a->args[i]->col,
						    "Aggregations of aggregations are not allowed");
		b->post = false;
		const char *clause = b->clause;
		bool allow_window = b->allow_window;
		b->clause = "the argument of an aggregate";
		b->allow_window = false;
		error = bind_expr(b, a->args[0], &g.arg);
		if (error >= 0 && (fn->kind & FN_ORDERED))
			error = bind_agg_order(b, a, &g);
		b->post = true;
		b->clause = clause;
		b->allow_window = allow_window;
		if (error < 0) {
			agg_clear(&g);
			return error;
		}
	}
	enum type t = g.arg ? g.arg->type : TYPE_INT64;
	g.type = fn->check(&(struct pexpr){.args = &g.arg, .nargs = g.arg ? 1 : 0});
	if (g.type == TYPE_COUNT)
		goto nosig;
	/* SUM and AVG add up their argument's type: a NULL literal's is INT64 */
	if ((g.kind == AG_SUM || g.kind == AG_AVG) &&
	    (error = resolve_coerce(b, &g.arg, t == TYPE_NULL ? TYPE_INT64 : t)) < 0) {
		agg_clear(&g);
		return error;
	}
	if (g.distinct && g.arg && type_is_array(g.arg->type)) {
		error = sql_error_at(b->src, a->line, a->col, "Aggregate functions with DISTINCT cannot be used with "
				     "arguments of type %s", type_name(g.arg->type));
		agg_clear(&g);
		return error;
	}
	if (type_is_array(g.type)) {
		error = sql_error_at(b->src, a->line, a->col, "Cannot construct array with element type %s because nested "
				     "arrays are not supported", type_name(g.type));
		agg_clear(&g);
		return error;
	}
	/* STRING_AGG and ARRAY_AGG keep values of their result's (element) type */
	if ((g.kind == AG_STRING_AGG || g.kind == AG_ARRAY_PICK) && (error = resolve_coerce(b, &g.arg, g.type)) < 0) {
		agg_clear(&g);
		return error;
	}
	if (g.kind == AG_ARRAY_PICK && !a->has_pick) {
		g.kind = AG_ARRAY;
		g.type = type_array_of(g.type);
	}
	b->aggs = xrealloc(b->aggs, (b->naggs + 1) * sizeof *b->aggs);
	b->aggs[b->naggs] = g;
	*out = px_col((int)(b->nkeys + b->naggs), g.type, a);
	b->naggs++;
	return 0;
nosig:
	error = sql_error_at(b->src, a->line, a->col,
			     "No matching signature for aggregate function %s for argument types: %s", fn->name,
			     resolve_display_type(t));
	agg_clear(&g);
	return error;
}

/* --- analytic functions --- */

/* The function's arguments, keys and frame; the result type. */
static int bind_window_parts(struct binder *b, const struct ast *a, const struct sql_func *fn, struct win *w)
{
	const struct ast_window *ov = a->over;
	int error;
	size_t first = 0;
	if (w->kind == W_AGG && w->agg == AG_COUNT && a->nargs == 1 && a->args[0]->kind == A_STAR) {
		w->agg = AG_COUNT_STAR;
		first = 1;
	}
	if (a->nargs > first && (error = bind_expr(b, a->args[0], &w->arg)) < 0)
		return error;
	enum type t = w->arg ? w->arg->type : TYPE_INT64;
	if (t == TYPE_NULL) {
		t = TYPE_INT64;
		resolve_coerce(b, &w->arg, t);
	}
	if (w->kind == W_LAG || w->kind == W_LEAD) {
		w->offset = 1;
		if (a->nargs >= 2) {
			const struct ast *o = a->args[1];
			if (o->kind != A_INT || o->i < 0)
				return sql_error_at(b->src, o->line, o->col,
						    "Argument 2 to %s must be a non-negative INT64 literal", fn->name);
			w->offset = o->i;
		}
		if (a->nargs == 3) {
			if ((error = bind_expr(b, a->args[2], &w->def)) < 0)
				return error;
			if (w->def->kind != X_CONST)
				return sql_error_at(b->src, a->args[2]->line, a->args[2]->col,
						    "Argument 3 to %s must be a constant", fn->name);
			if (w->def->type != TYPE_NULL && resolve_supertype(w->arg, w->def) != t)
				return sql_error_at(b->src, a->line, a->col,
						    "No matching signature for analytic function %s for argument types: %s, INT64, %s",
						    fn->name, resolve_display_type(t), resolve_display_type(w->def->type));
			if ((error = resolve_coerce(b, &w->def, t)) < 0)
				return error;
		}
	}
	w->type = fn->check(&(struct pexpr){.args = &w->arg, .nargs = w->arg ? 1 : 0});
	if (w->type == TYPE_COUNT)
		goto nosig;
	for (size_t i = 0; i < ov->npart; i++) {
		struct pexpr *x = NULL;
		if ((error = bind_expr(b, ov->part[i], &x)) < 0)
			return error;
		if (x->type == TYPE_NULL)
			resolve_coerce(b, &x, TYPE_INT64);
		w->part = xrealloc(w->part, (w->npart + 1) * sizeof *w->part);
		w->part[w->npart++] = x;
		if (x->type == TYPE_FLOAT64 || x->type == TYPE_JSON || type_is_array(x->type))
			return sql_error_at(b->src, ov->part[i]->line, ov->part[i]->col,
					    "Partitioning by expressions of type %s is not allowed",
					    type_is_array(x->type) ? "ARRAY" : type_name(x->type));
	}
	w->order = xcalloc(ov->norder + 1, sizeof *w->order);
	w->desc = xcalloc(ov->norder + 1, sizeof *w->desc);
	w->nulls_first = xcalloc(ov->norder + 1, sizeof *w->nulls_first);
	for (size_t i = 0; i < ov->norder; i++) {
		const struct order_item *o = &ov->order[i];
		if ((error = bind_expr(b, o->expr, &w->order[i])) < 0)
			return error;
		w->norder++;
		if (w->order[i]->type == TYPE_NULL)
			resolve_coerce(b, &w->order[i], TYPE_INT64);
		if (w->order[i]->type == TYPE_JSON || type_is_array(w->order[i]->type))
			return sql_error_at(b->src, o->expr->line, o->expr->col,
					    "Ordering by expressions of type %s is not allowed",
					    type_is_array(w->order[i]->type) ? "ARRAY" : "JSON");
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
			    "No matching signature for analytic function %s for argument types: %s", fn->name,
			    resolve_display_type(t));
}

static int bind_window(struct binder *b, const struct ast *a, struct pexpr **out)
{
	if (!b->allow_window)
		return sql_error_at(b->src, a->line, a->col, "Analytic function not allowed in %s",
				    b->clause ? b->clause : "this context");
	for (size_t k = 0; k < b->nwins; k++)
		if (bind_ast_equal(b->winasts[k], a)) {
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
	if (!(fn->kind & FN_WINDOW))
		return sql_error_at(b->src, a->line, a->col, "%s is not supported as an analytic function", fn->name);
	w.kind = fn->win;
	w.agg = fn->agg;
	if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
		return sql_error_at(b->src, a->line, a->col, "Number of arguments does not match for %s %s",
				    fn->kind & FN_AGGREGATE ? "aggregate function" : "function", fn->name);
	if (a->distinct)
		return sql_error_at(b->src, a->line, a->col, "DISTINCT is not supported in analytic function %s", fn->name);
	if ((w.kind == W_RANK || w.kind == W_DENSE_RANK || w.kind == W_LAG || w.kind == W_LEAD) && !ov->norder)
		return sql_error_at(b->src, a->line, a->col, "Window ORDER BY is required for analytic function %s",
				    fn->name);
	if (w.kind <= W_LEAD && ov->frame != FRAME_DEFAULT)
		return sql_error_at(b->src, ov->frame_line, ov->frame_col,
				    "Window framing clause is not allowed for analytic function %s", fn->name);
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
		node_win_free(&w);
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

/* --- subqueries in expressions --- */

/* A column of the query around a subquery: a parameter of the subquery,
 * its value bound by the query around (which may pass on, as a parameter
 * of its own, a column from further out). */
static int bind_param(struct binder *b, const struct ast *a, struct pexpr **out)
{
	struct subq_corr *c = b->corr;
	size_t k = 0;
	while (k < c->nparams && !bind_ast_equal(c->refs[k], a))
		k++;
	if (k == c->nparams) {
		struct pexpr *v = NULL;
		int error;
		if ((error = bind_expr(b->outer, a, &v)) < 0)
			return error;
		c->refs = xrealloc(c->refs, (k + 1) * sizeof *c->refs);
		c->args = xrealloc(c->args, (k + 1) * sizeof *c->args);
		c->refs[k] = a;
		c->args[k] = v;
		c->nparams++;
	}
	struct pexpr *e = px_new(X_PARAM, c->args[k]->type, a);
	e->col = (int)k;
	e->corr = c;
	e->isconst = true;
	*out = e;
	return 0;
}

/* A subquery, planned on its own: it sees the WITH names and the columns
 * of the query around it, which become its parameters (*corr, NULL when
 * it names none: then it runs once). */
static int plan_subquery(struct binder *b, const struct ast *a, struct node **n, size_t *nout, struct subq_corr **corr)
{
	struct subq_corr *c = xcalloc(1, sizeof *c);
	struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = b->ctes, .outer = b, .corr = c};
	int error = plan_select(&sub, a->sub, n, nout);
	if (error < 0 || !c->nparams) {
		subq_corr_free(c);
		c = NULL;
	}
	*corr = c;
	return error;
}

/* Makes e the correlated subquery of corr: the parameters' values become
 * its arguments, evaluated per row. */
static void take_corr(struct pexpr *e, struct subq_corr *corr)
{
	if (!corr)
		return;
	for (size_t k = 0; k < corr->nparams; k++)
		px_add(e, corr->args[k]);
	free(corr->args);
	corr->args = NULL;
	e->corr = corr;
	e->isconst = false;
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
	struct subq_corr *corr = NULL;
	size_t nout;
	int error;
	if ((error = plan_subquery(b, a, &n, &nout, &corr)) < 0)
		return error;
	if (a->kind == A_SUBQUERY && nout != 1) {
		node_free(n);
		subq_corr_free(corr);
		return sql_error_at(b->src, a->line, a->col,
				    "Scalar subquery cannot have more than one column unless using SELECT AS STRUCT to "
				    "build STRUCT values");
	}
	bool array = a->kind == A_SUBQUERY && a->name && !strcmp(a->name, "array");
	if (array && type_is_array(n->types[0])) {
		error = sql_error_at(b->src, a->line, a->col, "Cannot construct array with element type %s because nested "
				     "arrays are not supported", type_name(n->types[0]));
		node_free(n);
		subq_corr_free(corr);
		return error;
	}
	struct pexpr *e = px_new(a->kind == A_EXISTS ? X_EXISTS : X_SUBQUERY,
				 a->kind == A_EXISTS ? TYPE_BOOL : array ? type_array_of(n->types[0]) : n->types[0], a);
	e->array_form = array;
	e->sub = n;
	e->isconst = true;
	take_corr(e, corr);
	add_subq(b, e);
	*out = e;
	return 0;
}

/* x [NOT] IN (SELECT ...): both sides take their common type. */
static int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out)
{
	struct pexpr *x = NULL;
	struct node *n = NULL;
	struct subq_corr *corr = NULL;
	size_t nout;
	int error;
	if ((error = bind_expr(b, a->args[0], &x)) < 0)
		return error;
	if ((error = plan_subquery(b, a, &n, &nout, &corr)) < 0)
		goto fail;
	if (nout != 1) {
		error = sql_error_at(b->src, a->line, a->col, "Subquery of type IN must have only one output column");
		goto fail;
	}
	struct pexpr col = {.kind = X_COL, .type = n->types[0]};
	enum type t = resolve_supertype(x, &col);
	if (t == TYPE_COUNT) {
		error = sql_error_at(b->src, a->line, a->col, "Cannot execute IN subquery with uncomparable types %s and %s",
				     resolve_display_type(x->type), resolve_display_type(n->types[0]));
		goto fail;
	}
	if (t == TYPE_NULL)
		t = TYPE_INT64;
	if ((error = resolve_coerce(b, &x, t)) < 0)
		goto fail;
	if (n->types[0] != t) {
		struct node *p = node_new(N_PROJECT, 1);
		p->child = n;
		p->exprs = xcalloc(2, sizeof *p->exprs);
		p->exprs[0] = px_col(0, n->types[0], NULL);
		resolve_coerce(b, &p->exprs[0], t);
		p->types[0] = t;
		p->names[0] = xstrdup(n->names[0]);
		n = p;
	}
	struct pexpr *e = px_new(X_INSUB, TYPE_BOOL, a);
	e->negated = a->negated;
	px_add(e, x);
	e->sub = n;
	take_corr(e, corr);
	add_subq(b, e);
	*out = e;
	return 0;
fail:
	pexpr_free(x);
	node_free(n);
	subq_corr_free(corr);
	return error;
}

/* --- EXISTS decorrelated into a semi join --- */

/* Whether a names a column of the query around (a parameter of c); a
 * subquery in it counts as one, not being looked into. */
static bool names_outer(const struct ast *a, const struct subq_corr *c)
{
	if (a->sub)
		return true;
	if (a->kind == A_COLUMN) {
		for (size_t k = 0; k < c->nparams; k++)
			if (bind_ast_equal(a, c->refs[k]))
				return true;
		return false;
	}
	for (size_t i = 0; i < a->nargs; i++)
		if (names_outer(a->args[i], c))
			return true;
	return false;
}

/* Whether a reads columns of the query around and no other (*col: any). */
static bool outer_only(const struct ast *a, const struct subq_corr *c, bool *col)
{
	if (a->sub || a->over || (a->kind == A_CALL && bind_has_agg(a)))
		return false;
	if (a->kind == A_COLUMN) {
		*col = true;
		return names_outer(a, c);
	}
	for (size_t i = 0; i < a->nargs; i++)
		if (!outer_only(a->args[i], c, col))
			return false;
	return true;
}

static bool is_binary(const struct ast *a, const char *op)
{
	return a->kind == A_BINARY && a->op && !strcmp(a->op, op);
}

static void conjuncts(struct ast *a, struct ast ***v, size_t *n)
{
	if (is_binary(a, "AND")) {
		conjuncts(a->args[0], v, n);
		conjuncts(a->args[1], v, n);
		return;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = a;
}

/* Forgets the scans and subqueries planned since (nscans, nsubqs) up to
 * (to_scans, to_subqs): a plan discarded (its nodes freed by the caller). */
static void plan_forget(struct plan *p, size_t nscans, size_t nsubqs, size_t to_scans, size_t to_subqs)
{
	memmove(p->scans + nscans, p->scans + to_scans, (p->nscans - to_scans) * sizeof *p->scans);
	p->nscans -= to_scans - nscans;
	memmove(p->subqs + nsubqs, p->subqs + to_subqs, (p->nsubqs - to_subqs) * sizeof *p->subqs);
	p->nsubqs -= to_subqs - nsubqs;
}

static int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out);

/* rest AND c, a node made here: kept in made, freed with it (the
 * conjuncts stay the query's own). */
static struct ast *and_made(struct ast *rest, struct ast *c, struct ast ***made, size_t *nmade)
{
	struct ast *and = xcalloc(1, sizeof *and);
	and->kind = A_BINARY;
	and->op = xstrdup("AND");
	and->line = c->line;
	and->col = c->col;
	and->args = xcalloc(2, sizeof *and->args);
	and->args[0] = rest;
	and->args[1] = c;
	and->nargs = 2;
	*made = xrealloc(*made, (*nmade + 1) * sizeof **made);
	(*made)[(*nmade)++] = and;
	return and;
}

/* EXISTS (SELECT ... FROM ... WHERE inner = outer AND rest), where outer
 * reads only columns of the query around and nothing else in the subquery
 * does, is outer IN (SELECT inner FROM ... WHERE rest) with NULL read as
 * FALSE: a semi join, whose keys are a hash set made once, where the
 * correlated form runs once per distinct outer value.  Planned correlated
 * first, which tells the outer columns apart; then, where the form fits,
 * planned again as that IN, and the first plan goes. */
static int bind_exists(struct binder *b, const struct ast *a, struct pexpr **out)
{
	struct plan *p = b->plan;
	const struct select *sel = a->sub;
	size_t nscans = p->nscans, nsubqs = p->nsubqs;
	struct pexpr *e = NULL, *semi = NULL;
	struct ast **conj = NULL, *key = NULL, *outer = NULL, *rest = NULL, **made = NULL;
	size_t nconj = 0, nmade = 0;
	int error;
	*out = NULL;
	if ((error = bind_subquery(b, a, &e)) < 0)
		return error;
	*out = e;
	if (!e->corr || sel->narms || !sel->from || !sel->where || sel->ngroup || sel->having || sel->qualify ||
	    sel->limit >= 0)
		return 0;
	for (size_t i = 0; i < sel->nitems; i++)
		if (sel->items[i].expr && bind_has_agg(sel->items[i].expr))
			return 0;
	conjuncts(sel->where, &conj, &nconj);
	for (size_t i = 0; i < nconj; i++) {
		struct ast *c = conj[i];
		for (int side = 0; side < 2 && !key && is_binary(c, "="); side++) {
			bool col = false;
			if (!names_outer(c->args[side], e->corr) && outer_only(c->args[1 - side], e->corr, &col) && col) {
				key = c->args[side];
				outer = c->args[1 - side];
				break;
			}
		}
		if (key && c->nargs == 2 && (c->args[0] == key || c->args[1] == key))
			continue;
		if (names_outer(c, e->corr))
			goto keep;
		if (!rest) {
			rest = c;
			continue;
		}
		rest = and_made(rest, c, &made, &nmade);
	}
	if (!key)
		goto keep;
	struct select_item item = {.expr = key, .line = key->line, .col = key->col};
	struct select keys = *sel;
	keys.items = &item;
	keys.nitems = 1;
	keys.where = rest;
	keys.distinct = false;
	keys.order = NULL;
	keys.norder = 0;
	struct ast in = {.kind = A_IN, .line = a->line, .col = a->col, .height = a->height, .args = &outer,
			 .nargs = 1, .sub = &keys};
	size_t to_scans = p->nscans, to_subqs = p->nsubqs;
	if (bind_insub(b, &in, &semi) < 0 || semi->corr) {
		/* not a fit after all: the correlated form stays */
		error_clear();
		pexpr_free(semi);
		plan_forget(p, to_scans, to_subqs, p->nscans, p->nsubqs);
		goto keep;
	}
	plan_forget(p, nscans, nsubqs, to_scans, to_subqs);
	pexpr_free(e);
	semi->exists_form = true;
	*out = semi;
keep:
	for (size_t i = 0; i < nmade; i++) {
		free(made[i]->op);
		free(made[i]->args);
		free(made[i]);
	}
	free(made);
	free(conj);
	return 0;
}

/* --- a scalar aggregate decorrelated into one GROUP BY --- */

/* (SELECT agg FROM ... WHERE inner_1 = outer_1 AND ... AND rest), its
 * parameters each compared by = with an inner expression and named
 * nowhere else, has for every outer value the answer of one group of
 * SELECT inner_1, ..., agg FROM ... WHERE rest GROUP BY inner_1, ...: run
 * once, where the correlated form runs once per distinct outer value.  A
 * value no group has gets the answer over no rows (COUNT's 0, SUM's
 * NULL), the correlated query run once with NULL parameters.  Planned
 * correlated first, which tells the outer columns apart; the grouped plan
 * is kept beside it (corr->grouped) when it plans without the query
 * around and its keys have the parameters' types. */
static void decorrelate_scalar(struct binder *b, const struct ast *a, struct pexpr *e)
{
	struct plan *p = b->plan;
	const struct select *sel = a->sub;
	struct subq_corr *c = e->corr;
	struct ast **conj = NULL, *rest = NULL, **made = NULL;
	struct ast **keys = xcalloc(c->nparams + 1, sizeof *keys);
	size_t nconj = 0, nmade = 0, nkeys = 0;
	if (sel->narms || sel->nctes || !sel->from || !sel->where || sel->ngroup || sel->having || sel->qualify ||
	    sel->limit >= 0 || sel->distinct || sel->as_value || sel->nitems != 1 || !sel->items[0].expr ||
	    !bind_has_agg(sel->items[0].expr))
		goto done;
	conjuncts(sel->where, &conj, &nconj);
	for (size_t i = 0; i < nconj; i++) {
		struct ast *cj = conj[i];
		bool key = false;
		for (int side = 0; side < 2 && !key && is_binary(cj, "="); side++) {
			const struct ast *o = cj->args[1 - side];
			if (o->kind != A_COLUMN || names_outer(cj->args[side], c))
				continue;
			for (size_t k = 0; k < c->nparams && !key; k++)
				if (!keys[k] && bind_ast_equal(o, c->refs[k])) {
					keys[k] = cj->args[side];
					nkeys++;
					key = true;
				}
		}
		if (key)
			continue;
		if (names_outer(cj, c))
			goto done;
		if (!rest) {
			rest = cj;
			continue;
		}
		rest = and_made(rest, cj, &made, &nmade);
	}
	if (nkeys != c->nparams)
		goto done;
	struct select_item *items = xcalloc(nkeys + 2, sizeof *items);
	for (size_t k = 0; k < nkeys; k++)
		items[k] = (struct select_item){.expr = keys[k], .line = keys[k]->line, .col = keys[k]->col};
	items[nkeys] = sel->items[0];
	items[nkeys].alias = NULL;
	struct select grouped = *sel;
	grouped.items = items;
	grouped.nitems = nkeys + 1;
	grouped.where = rest;
	grouped.group = keys;
	grouped.ngroup = nkeys;
	struct binder sub = {.src = b->src, .root = b->root, .plan = p, .ctes = b->ctes};
	struct node *g = NULL;
	size_t nout, nscans = p->nscans, nsubqs = p->nsubqs;
	bool fits = plan_select(&sub, &grouped, &g, &nout) >= 0 && nout == nkeys + 1 && g->types[nkeys] == e->type;
	for (size_t k = 0; fits && k < nkeys; k++)
		fits = g->types[k] == e->args[k]->type;
	free(items);
	if (!fits) {
		/* not a fit after all: the correlated form alone */
		error_clear();
		node_free(g);
		plan_forget(p, nscans, nsubqs, p->nscans, p->nsubqs);
		goto done;
	}
	c->grouped = g;
done:
	for (size_t i = 0; i < nmade; i++) {
		free(made[i]->op);
		free(made[i]->args);
		free(made[i]);
	}
	free(made);
	free(conj);
	free(keys);
}

/* --- binding --- */

static int bind_args(struct binder *b, const struct ast *a, struct pexpr *e)
{
	for (size_t i = 0; i < a->nargs; i++) {
		struct pexpr *x = NULL;
		int error;
		if ((error = bind_expr(b, a->args[i], &x)) < 0)
			return error;
		px_add(e, x);
	}
	return 0;
}

static int want_bool(struct binder *b, const struct ast *at, const char *op, struct pexpr *e)
{
	for (size_t i = 0; i < e->nargs; i++)
		if (e->args[i]->type != TYPE_BOOL && e->args[i]->type != TYPE_NULL)
			return resolve_op_error(b, at, op, e->args, e->nargs);
	for (size_t i = 0; i < e->nargs; i++)
		if (e->args[i]->type == TYPE_NULL)
			resolve_coerce(b, &e->args[i], TYPE_BOOL);
	return 0;
}

/* The two operands of || and LIKE: strings, a NULL literal made one. */
static int want_strings(struct binder *b, const struct ast *at, const char *op, struct pexpr *e)
{
	for (int i = 0; i < 2; i++)
		if (e->args[i]->type != TYPE_STRING && e->args[i]->type != TYPE_NULL)
			return resolve_op_error(b, at, op, e->args, 2);
	resolve_coerce(b, &e->args[0], TYPE_STRING);
	resolve_coerce(b, &e->args[1], TYPE_STRING);
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

/* A bare date part (DAY, MONTH) as a constant INT64 holding the part. */
static int bind_part(struct binder *b, const struct ast *a, struct pexpr **out)
{
	enum date_part p;
	if (a->kind != A_COLUMN || a->qual || date_part_parse(a->name, &p) < 0)
		return sql_error_at(b->src, a->line, a->col, "A valid date part name is required");
	*out = px_const(value_int64(p), a);
	return 0;
}

/* [x, y, ...]: the elements' common type, as BigQuery's (INT64 for []) */
static int bind_array_literal(struct binder *b, const struct ast *a, struct pexpr *e)
{
	enum type elem = TYPE_INT64;
	int error;
	if (e->nargs && (error = resolve_unify(b, a, "ARRAY", e->args, e->nargs, &elem)) < 0)
		return error;
	if (elem == TYPE_NULL)
		elem = TYPE_INT64;
	if (type_is_array(elem))
		return sql_error_at(b->src, a->line, a->col, "Cannot construct array with element type %s because "
				    "nested arrays are not supported", type_name(elem));
	for (size_t i = 0; i < e->nargs; i++)
		if ((error = resolve_coerce(b, &e->args[i], elem)) < 0)
			return error;
	e->type = type_array_of(elem);
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
		if ((error = resolve_unify(b, a, fn->name, e->args + first, e->nargs - first, &e->type)) < 0)
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
	if (fn->kind & FN_NOW)
		px_add(e, px_const(value_timestamp(b->plan->now_us), a));
	for (size_t i = 0; i < a->nargs; i++) {
		struct pexpr *x = NULL;
		if ((int)i == fn->part_arg)
			error = bind_part(b, a->args[i], &x);
		else
			error = bind_expr(b, a->args[i], &x);
		if (error < 0)
			goto fail;
		px_add(e, x);
	}
	if (strcmp(fn->name, "[ARRAY]") == 0 && (error = bind_array_literal(b, a, e)) < 0)
		goto fail;
	e->type = fn->check(e);
	if (e->type == TYPE_COUNT) {
		error = sql_func_signature_error(e, b->src);
		goto fail;
	}
	/* no array is compared, grouped or ordered: a NULL literal index is
	 * an INT64 */
	if (type_is_array(e->type) || (e->nargs && type_is_array(e->args[0]->type)))
		for (size_t i = 0; i < e->nargs; i++)
			if (e->args[i]->type == TYPE_NULL)
				e->args[i]->type = i || !type_is_array(e->type) ? TYPE_INT64 : type_elem(e->type);
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

/* bind_expr's work, by the kind of syntax. */
static int bind_kind(struct binder *b, const struct ast *a, struct pexpr **out)
{
	int error = 0;
	struct pexpr *e = NULL;
	*out = NULL;
	if (b->alias_sel && a->kind == A_COLUMN && !a->qual) {
		const struct select *sel = b->alias_sel;
		for (size_t i = 0; i < sel->nitems; i++)
			if (sel->items[i].alias && sel->items[i].expr && str_eq_nocase(sel->items[i].alias, a->name)) {
				b->alias_sel = NULL;
				error = bind_expr(b, sel->items[i].expr, out);
				b->alias_sel = sel;
				return error;
			}
	}
	if (b->post && !is_agg(a)) {
		for (size_t k = 0; k < b->nkeys; k++)
			if (bind_ast_equal(a, b->keyasts[k])) {
				*out = px_col((int)k, b->keys[k]->type, a);
				return 0;
			}
		if (a->kind == A_COLUMN) {
			int si;
			if ((error = resolve_column(b, a, &si)) < 0)
				return error;
			if (error == 1)
				return bind_param(b, a, out);
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
		if ((error = resolve_column(b, a, &si)) < 0)
			return error;
		if (error == 1)
			return bind_param(b, a, out);
		*out = px_col(si, b->scope.v[si].type, a);
		return 0;
	}
	case A_CALL:
		if ((error = check_agg_extras(b, a)) < 0)
			return error;
		if (a->over)
			return bind_window(b, a, out);
		if (is_agg(a))
			return bind_agg(b, a, out);
		return bind_call(b, a, out);
	case A_UNARY:
		if ((error = bind_expr(b, a->args[0], &e)) < 0)
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
			error = resolve_op_error(b, a, "-", &e, 1);
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
			if ((error = want_strings(b, a, "||", e)) < 0)
				goto fail;
		} else if (arith) {
			enum type l = e->args[0]->type, r = e->args[1]->type, t;
			if ((l != TYPE_NULL && !type_is_numeric(l)) || (r != TYPE_NULL && !type_is_numeric(r))) {
				error = resolve_op_error(b, a, op, e->args, 2);
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
			if ((error = resolve_coerce(b, &e->args[0], t)) < 0 || (error = resolve_coerce(b, &e->args[1], t)) < 0)
				goto fail;
		} else {
			enum type t;
			e->op = cmp_of(op);
			if ((error = resolve_unify(b, a, op, e->args, 2, &t)) < 0)
				goto fail;
		}
		*out = e;
		return 0;
	}
	case A_BETWEEN: {
		struct pexpr *x[3] = {0};
		enum type t;
		for (int i = 0; i < 3; i++)
			if ((error = bind_expr(b, a->args[i], &x[i])) < 0)
				goto between_fail;
		if ((error = resolve_unify(b, a, "BETWEEN", x, 3, &t)) < 0)
			goto between_fail;
		/* x BETWEEN lo AND hi is x >= lo AND x <= hi: the planner prunes
		 * with each half.  x is evaluated twice; a copy is bound twice. */
		struct pexpr *x2 = NULL;
		if ((error = bind_expr(b, a->args[0], &x2)) < 0 || (error = resolve_coerce(b, &x2, t)) < 0) {
			pexpr_free(x2);
			goto between_fail;
		}
		e = px_new(X_AND, TYPE_BOOL, a);
		px_add(e, node_cmp(CMP_GE, x[0], x[1], a));
		px_add(e, node_cmp(CMP_LE, x2, x[2], a));
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
		if ((error = bind_subquery(b, a, out)) < 0)
			return error;
		if ((*out)->corr && !(*out)->array_form)
			decorrelate_scalar(b, a, *out);
		return 0;
	case A_EXISTS:
		return bind_exists(b, a, out);
	case A_IN: {
		enum type t;
		if (a->sub)
			return bind_insub(b, a, out);
		e = px_new(X_IN, TYPE_BOOL, a);
		e->negated = a->negated;
		if ((error = bind_args(b, a, e)) < 0 || (error = resolve_unify(b, a, "IN", e->args, e->nargs, &t)) < 0)
			goto fail;
		*out = e;
		return 0;
	}
	case A_LIKE:
		e = px_new(X_LIKE, TYPE_BOOL, a);
		e->negated = a->negated;
		if ((error = bind_args(b, a, e)) < 0 || (error = want_strings(b, a, "LIKE", e)) < 0)
			goto fail;
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
			if ((error = bind_expr(b, a->args[0], &operand)) < 0)
				goto fail;
			i = 1;
		}
		size_t nwhen = (a->nargs - i - (a->has_else ? 1 : 0)) / 2;
		for (size_t w = 0; w < nwhen; w++, i += 2) {
			struct pexpr *cond = NULL, *then = NULL;
			if ((error = bind_expr(b, a->args[i], &cond)) < 0)
				goto case_fail;
			if (operand) {
				/* CASE x WHEN v is CASE WHEN x = v; x is bound again */
				struct pexpr *x = NULL, *pair[2];
				if ((error = bind_expr(b, a->args[0], &x)) < 0) {
					pexpr_free(cond);
					goto case_fail;
				}
				pair[0] = x, pair[1] = cond;
				enum type t;
				if ((error = resolve_unify(b, a->args[i], "=", pair, 2, &t)) < 0) {
					pexpr_free(pair[0]);
					pexpr_free(pair[1]);
					goto case_fail;
				}
				cond = node_cmp(CMP_EQ, pair[0], pair[1], a->args[i]);
			}
			px_add(e, cond);
			if (cond->type != TYPE_BOOL && cond->type != TYPE_NULL) {
				error = resolve_op_error(b, a->args[i], "CASE WHEN", &cond, 1);
				goto case_fail;
			}
			if ((error = bind_expr(b, a->args[i + 1], &then)) < 0)
				goto case_fail;
			px_add(e, then);
		}
		if (a->has_else) {
			struct pexpr *x = NULL;
			if ((error = bind_expr(b, a->args[i], &x)) < 0)
				goto case_fail;
			px_add(e, x);
		}
		{
			/* the results' common type; resolve_unify() works on an array, so
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
			error = resolve_unify(b, a, "CASE", tmp, nr, &e->type);
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
		if ((error = bind_expr(b, a->args[0], &e)) < 0)
			return error;
		/* a float literal cast to NUMERIC is read from its digits, not
		 * through a double: CAST(9999999.999999999 AS NUMERIC) is exact */
		const struct ast *lit = a->args[0];
		if (t == TYPE_NUMERIC && lit->kind == A_FLOAT && e->kind == X_CONST) {
			struct value v;
			if (value_parse(TYPE_NUMERIC, lit->s, strlen(lit->s), &v) >= 0) {
				pexpr_free(e);
				*out = px_const(v, a);
				return 0;
			}
			error_clear();
		}
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
		if ((error = bind_expr(b, a->args[0], &x)) < 0)
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

/* --- the bound on the binder's recursion and work --- */

int binder_enter(struct binder *b, int line, int col)
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

int bind_expr(struct binder *b, const struct ast *a, struct pexpr **out)
{
	int error;
	if ((error = binder_enter(b, a->line, a->col)) < 0)
		return error;
	error = bind_kind(b, a, out);
	b->plan->depth--;
	return error;
}
