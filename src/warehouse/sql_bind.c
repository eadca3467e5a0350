/* sql_bind: an expression's syntax -> a bound, typed expression (struct
 * pexpr): operators checked against their signatures, calls looked up in
 * the function table (sql_func.c) and folded when their arguments are
 * constants, aggregates bound to the aggregate's output columns, analytic
 * functions to placeholders until the window node is placed, subqueries
 * handed to sql_subquery.c.  Each expression node is a step of the
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
	if (!streq_null(x->name, y->name, true) || x->npart != y->npart || x->norder != y->norder || x->frame != y->frame || x->lo != y->lo ||
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
	bool quantiles = fn && fn->agg == AG_QUANTILES && (fn->kind & FN_AGGREGATE) && !a->over;
	if (!ordered && (a->nagg_order || a->has_limit || (a->ignore_nulls && !quantiles)))
		return sql_error_at(b->src, a->line, a->col, "ORDER BY, LIMIT and IGNORE NULLS in a call are supported "
				    "in STRING_AGG and ARRAY_AGG only (and IGNORE NULLS in APPROX_QUANTILES)");
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

/* APPROX_QUANTILES(x, number [IGNORE | RESPECT NULLS]): the number a
 * constant; NULLs left out unless RESPECT NULLS. */
static int bind_quantiles(struct binder *b, const struct ast *a, struct agg *g)
{
	struct pexpr *q = NULL;
	int error;
	if ((error = bind_expr(b, a->args[1], &q)) < 0)
		return error;
	bool ok = q->kind == X_CONST && q->type == TYPE_INT64 && !q->lit.is_null && q->lit.i >= 1 &&
	          q->lit.i <= 100000;
	g->nquantiles = ok ? q->lit.i : 0;
	pexpr_free(q);
	if (!ok)
		return sql_error_at(b->src, a->args[1]->line, a->args[1]->col,
				    "APPROX_QUANTILES' number must be a constant INT64 from 1 to 100000");
	g->limit = -1;
	g->pick = -1;
	g->ignore_nulls = !a->respect_nulls;
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
		if (error >= 0 && agg_of_pairs(g.kind))
			error = bind_expr(b, a->args[1], &g.arg2);
		if (error >= 0 && g.kind == AG_QUANTILES)
			error = bind_quantiles(b, a, &g);
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
	struct pexpr *args[2] = {g.arg, g.arg2};
	g.type = fn->check(&(struct pexpr){.args = args, .nargs = g.arg2 ? 2 : g.arg ? 1 : 0});
	if (g.type == TYPE_COUNT && g.arg2) {
		error = sql_error_at(b->src, a->line, a->col,
				     "No matching signature for aggregate function %s for argument types: %s, %s", fn->name,
				     resolve_display_type(t), resolve_display_type(g.arg2->type));
		agg_clear(&g);
		return error;
	}
	if (g.type == TYPE_COUNT)
		goto nosig;
	if (g.distinct && g.arg2) {
		error = sql_error_at(b->src, a->line, a->col, "DISTINCT is not allowed for %s", fn->name);
		agg_clear(&g);
		return error;
	}
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
	if (g.kind == AG_QUANTILES) {
		if ((error = resolve_coerce(b, &g.arg, g.type)) < 0) {
			agg_clear(&g);
			return error;
		}
		g.type = type_array_of(g.type);
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

/* A count an analytic function takes as an INT64 literal of at least min
 * (1: positive; 0: non-negative): LAG's and LEAD's offset, NTH_VALUE's n,
 * NTILE's buckets. */
static int literal_count(struct binder *b, const struct ast *o, int64_t min, const char *which,
                         const struct sql_func *fn, int64_t *out)
{
	if (o->kind != A_INT || o->i < min)
		return sql_error_at(b->src, o->line, o->col, "%s to %s must be a %s INT64 literal", which, fn->name,
		                    min ? "positive" : "non-negative");
	*out = o->i;
	return 0;
}

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
	if (w->kind == W_NTH_VALUE && (error = literal_count(b, a->args[1], 1, "Argument 2", fn, &w->offset)) < 0)
		return error;
	if (w->kind == W_NTILE && (error = literal_count(b, a->args[0], 1, "Argument", fn, &w->offset)) < 0)
		return error;
	if (w->kind == W_PERCENTILE_CONT || w->kind == W_PERCENTILE_DISC) {
		/* the percentile a literal from 0 to 1; the partition ordered
		 * by the argument, NULLs first (left out) */
		const struct ast *p = a->args[1];
		w->percentile = p->kind == A_INT ? (double)p->i : p->kind == A_FLOAT ? p->d : -1;
		if (!(w->percentile >= 0 && w->percentile <= 1))
			return sql_error_at(b->src, p->line, p->col, "Argument 2 to %s must be a literal from 0 to 1",
					    fn->name);
		w->order = xcalloc(2, sizeof *w->order);
		w->desc = xcalloc(2, sizeof *w->desc);
		w->nulls_first = xcalloc(2, sizeof *w->nulls_first);
		if ((error = bind_expr(b, a->args[0], &w->order[0])) < 0)
			return error;
		if (w->order[0]->type == TYPE_NULL)
			resolve_coerce(b, &w->order[0], TYPE_INT64);
		w->norder = 1;
		w->nulls_first[0] = true;
	}
	if (w->kind == W_LAG || w->kind == W_LEAD) {
		w->offset = 1;
		if (a->nargs >= 2 && (error = literal_count(b, a->args[1], 0, "Argument 2", fn, &w->offset)) < 0)
			return error;
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
	if (!w->order) {
		w->order = xcalloc(ov->norder + 1, sizeof *w->order);
		w->desc = xcalloc(ov->norder + 1, sizeof *w->desc);
		w->nulls_first = xcalloc(ov->norder + 1, sizeof *w->nulls_first);
	}
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

/* OVER w and OVER (w ...): the window the WINDOW clause names, with what
 * the reference adds (ORDER BY, a frame), followed down a chain of names.
 * merged points into the named windows' trees, which outlive the binding. */
static int resolve_named_window(struct binder *b, const struct ast_window *ov, struct ast_window *merged)
{
	const struct select *sel = b->sel;
	const struct ast_window *cur = ov;
	size_t hops = 0;
	*merged = *ov;
	while (cur->name) {
		const struct ast_window *named = NULL;
		for (size_t i = 0; sel && i < sel->nwindows && !named; i++)
			if (str_eq_nocase(sel->windows[i].name, cur->name))
				named = sel->windows[i].w;
		if (!named)
			return sql_error_at(b->src, cur->name_line, cur->name_col, "Unrecognized window alias %s", cur->name);
		if (++hops > (sel ? sel->nwindows : 0))
			return sql_error_at(b->src, ov->name_line, ov->name_col, "Window %s refers to itself", ov->name);
		if (cur->npart)
			return sql_error_at(b->src, cur->name_line, cur->name_col,
					    "A window that names another (%s) cannot have its own PARTITION BY", cur->name);
		if (named->norder && merged->norder)
			return sql_error_at(b->src, cur->name_line, cur->name_col,
					    "Window %s has an ORDER BY already: one of the two must go", cur->name);
		if (named->frame != FRAME_DEFAULT && merged->frame != FRAME_DEFAULT)
			return sql_error_at(b->src, cur->name_line, cur->name_col,
					    "Window %s has a frame already: one of the two must go", cur->name);
		if (!merged->norder) {
			merged->order = named->order;
			merged->norder = named->norder;
		}
		if (merged->frame == FRAME_DEFAULT) {
			merged->frame = named->frame;
			merged->lo = named->lo, merged->hi = named->hi;
			merged->lo_n = named->lo_n, merged->hi_n = named->hi_n;
			merged->frame_line = named->frame_line, merged->frame_col = named->frame_col;
		}
		merged->part = named->part;
		merged->npart = named->npart;
		cur = named;
	}
	merged->name = NULL;
	return 0;
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
	const struct ast *written = a; /* what later calls compare with */
	struct ast_window merged;
	struct ast named;
	if (a->over->name) {
		int error = resolve_named_window(b, a->over, &merged);
		if (error < 0)
			return error;
		named = *a;
		named.over = &merged;
		a = &named;
	}
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
	if (w.kind != W_ROW_NUMBER && w.kind <= W_LEAD && !ov->norder)
		return sql_error_at(b->src, a->line, a->col, "Window ORDER BY is required for analytic function %s",
				    fn->name);
	bool percentile = w.kind == W_PERCENTILE_CONT || w.kind == W_PERCENTILE_DISC;
	if (percentile && ov->norder)
		return sql_error_at(b->src, a->line, a->col, "Window ORDER BY is not allowed for analytic function %s "
				    "(it orders by its argument)", fn->name);
	if (percentile && a->respect_nulls)
		return sql_error_at(b->src, a->line, a->col, "RESPECT NULLS is not supported in %s", fn->name);
	if ((w.kind <= W_LEAD || percentile) && ov->frame != FRAME_DEFAULT)
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
	b->winasts[b->nwins] = written;
	*out = px_col((int)b->nwins++, w.type, written);
	(*out)->winref = true;
	return 0;
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

/* A date part the function does not take (DATE_ADD(d, INTERVAL 1 HOUR)) is
 * the query's error, said at the part before any row is read, as BigQuery
 * says it: the function is tried on values that cannot fail otherwise (the
 * epoch, 0). */
static int bind_check_part(struct binder *b, const struct ast *a, const struct pexpr *e)
{
	struct value args[8], v;
	struct arena mem = {0};
	int error = 0;
	if (e->nargs > 8 || !e->fn->row)
		return 0;
	for (size_t i = 0; i < e->nargs; i++) {
		enum type t = e->args[i]->type;
		if ((int)i == e->fn->part_arg)
			args[i] = e->args[i]->lit;
		else if (t == TYPE_DATE || t == TYPE_TIMESTAMP || t == TYPE_DATETIME || t == TYPE_INT64)
			args[i] = (struct value){.type = t}; /* 0: the epoch */
		else
			return 0; /* NULL and the rest: the rows will say */
	}
	if (e->fn->row((struct pexpr *)e, args, &v, &mem) < 0) {
		const struct ast *part = a->args[e->fn->part_arg];
		char *msg = xstrdup(error_last());
		error_clear();
		error = sql_error_at(b->src, part->line, part->col, "%s", msg);
		free(msg);
	}
	arena_free(&mem);
	return error;
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
	if (a->op) {
		/* ARRAY<type>[...]: each element coerces to type, as a value
		 * passed where type is expected */
		if (type_parse(a->op, &elem) < 0) {
			error_clear();
			return sql_error_at(b->src, a->line, a->col, "Type not found: %s", a->op);
		}
		struct pexpr want = {.kind = X_COL, .type = elem};
		for (size_t i = 0; i < e->nargs; i++)
			if (e->args[i]->type != TYPE_NULL && resolve_supertype(e->args[i], &want) != elem)
				return sql_error_at(b->src, a->args[i]->line, a->args[i]->col, "Array element type %s "
						    "does not coerce to array element type %s",
						    type_name(e->args[i]->type), type_name(elem));
	} else if (e->nargs && (error = resolve_unify(b, a, "ARRAY", e->args, e->nargs, &elem)) < 0) {
		return error;
	}
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
		if (fn && (fn->kind & FN_WINDOW))
			return sql_error_at(b->src, a->line, a->col,
					    "Analytic function %s cannot be called without an OVER clause", fn->name);
		return sql_error_at(b->src, a->line, a->col, "Function not found: %s", n);
	}
	if (a->distinct)
		return sql_error_at(b->src, a->line, a->col, "DISTINCT is not allowed for function %s", fn->name);
	if ((int)a->nargs < fn->minargs || (int)a->nargs > fn->maxargs)
		return sql_error_at(b->src, a->line, a->col,
				    "Number of arguments does not match for function %s", fn->name);
	e = px_new(X_FUNC, TYPE_NULL, a);
	e->fn = fn;
	e->safe = a->safe;
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
	if (fn->part_arg >= 0 && (error = bind_check_part(b, a, e)) < 0)
		goto fail;
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
		if (a->safe) {
			const struct sql_func *fn = sql_func_find(a->name);
			if (fn && (a->over || !(fn->kind & FN_SCALAR)))
				return sql_error_at(b->src, a->line, a->col, "SAFE. is for scalar functions (%s)", a->name);
		}
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
