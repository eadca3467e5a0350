/* sql_from: the FROM clause -> the operator tree the WHERE filters, and the
 * scope its columns are named in.  A table is a scan; a WITH name or a
 * subquery is a SELECT of its own, planned where it is named; a join puts
 * the left columns, then the right.  Equalities between the two sides
 * become the hash join's keys, a condition on the side an outer join fills
 * with NULLs filters that side first, the rest of ON is the residual the
 * join evaluates on each pair of rows with equal keys, an inner join holds
 * its smaller side, and USING gives its columns once.  Chains of inner and
 * comma joins are planned as a whole, with the WHERE, in sql_joinorder.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

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
		const char *best = resolve_closest(last_part(f->table), (const char *const *)names, n);
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
			resolve_unify(b, &at, "COALESCE", e->args, 2, &e->type); /* the equality unified them */
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

/* UNNEST(u->array) over child, the array bound in child's columns (in
 * scope) and the query's around: an N_UNNEST whose element and offset
 * columns are added to scope.  Takes child. */
static int plan_unnest(struct binder *b, const struct from *u, struct node *child, int join, struct scope *scope,
		       struct node **out)
{
	struct pexpr *arr = NULL;
	struct scope saved = b->scope;
	const char *clause = b->clause;
	b->scope = *scope;
	b->clause = "UNNEST";
	int error = bind_expr(b, u->array, &arr);
	b->scope = saved;
	b->clause = clause;
	if (error >= 0 && !type_is_array(arr->type))
		error = sql_error_at(b->src, u->array->line, u->array->col, "Values referenced in UNNEST must be arrays. "
				     "UNNEST contains expression of type %s", resolve_display_type(arr->type));
	if (error < 0) {
		pexpr_free(arr);
		node_free(child);
		return error;
	}
	size_t nc = child->ncols, n = nc + 1 + (u->offset ? 1 : 0);
	struct node *un = node_new(N_UNNEST, n);
	un->child = child;
	un->join = join;
	un->exprs = xcalloc(n + 1, sizeof *un->exprs);
	un->exprs[0] = arr;
	for (size_t i = 0; i < nc; i++) {
		un->types[i] = child->types[i];
		un->names[i] = xstrdup(child->names[i]);
	}
	un->types[nc] = type_elem(arr->type);
	un->names[nc] = xstrdup(u->alias ? u->alias : "f0_");
	scope_add(scope, NULL, un->names[nc], un->types[nc], NULL, 0);
	if (u->offset) {
		un->types[nc + 1] = TYPE_INT64;
		un->names[nc + 1] = xstrdup(u->offset);
		scope_add(scope, NULL, u->offset, TYPE_INT64, NULL, 0);
	}
	*out = un;
	return 0;
}

/* l JOIN UNNEST(...) [ON TRUE], l CROSS JOIN UNNEST(...), l, UNNEST(...),
 * l LEFT JOIN UNNEST(...) [ON TRUE]: a correlated UNNEST over l, whose
 * columns the array may name.  Takes l. */
static int join_unnest(struct binder *b, const struct from *f, struct node *l, struct scope *scope, struct node **out)
{
	int error;
	struct pexpr *on = NULL;
	if (f->join == J_RIGHT || f->join == J_FULL || f->nusing) {
		node_free(l);
		return sql_error_at(b->src, f->right->line, f->right->col, "UNNEST on the right of a %s is not supported; "
				    "write it as CROSS JOIN or LEFT JOIN", f->nusing ? "join with USING" :
				    f->join == J_RIGHT ? "RIGHT JOIN" : "FULL JOIN");
	}
	if ((error = plan_unnest(b, f->right, l, f->join == J_LEFT ? J_LEFT : J_INNER, scope, out)) < 0)
		return error;
	if (!f->on)
		return 0;
	struct scope saved = b->scope;
	const char *clause = b->clause;
	b->scope = *scope;
	b->clause = "JOIN ON clause";
	error = bind_expr(b, f->on, &on);
	b->scope = saved;
	b->clause = clause;
	if (error >= 0 && on->type != TYPE_BOOL)
		error = sql_error_at(b->src, f->on->line, f->on->col, "JOIN ON clause should return type BOOL, but returns %s",
				     resolve_display_type(on->type));
	if (error >= 0 && on->kind == X_CONST && !on->lit.is_null && on->lit.b) {
		pexpr_free(on); /* ON TRUE */
		return 0;
	}
	if (error >= 0 && f->join == J_LEFT)
		error = sql_error_at(b->src, f->on->line, f->on->col, "LEFT JOIN UNNEST supports ON TRUE only, or no ON");
	if (error < 0) {
		pexpr_free(on);
		node_free(*out);
		*out = NULL;
		return error;
	}
	struct node *flt = node_wrap(N_FILTER, *out, (*out)->ncols);
	flt->pred = on;
	*out = flt;
	return 0;
}

/* A select's plan may carry columns past the ones it outputs (QUALIFY's
 * predicate, ORDER BY keys); a FROM item's scope numbers only the outputs,
 * and a join puts the right side's columns after the left's, so they go. */
static struct node *visible_only(struct node *n, size_t nout)
{
	if (n->ncols <= nout)
		return n;
	struct node *p = node_new(N_PROJECT, nout);
	p->child = n;
	p->exprs = xcalloc(nout + 1, sizeof *p->exprs);
	for (size_t c = 0; c < nout; c++) {
		p->exprs[c] = px_col((int)c, n->types[c], NULL);
		p->types[c] = n->types[c];
		p->names[c] = xstrdup(n->names[c]);
	}
	return p;
}

/* Whether the FROM item f names name: its alias, or a table's (or WITH
 * query's) last name part when it has none. */
static bool from_names(const struct from *f, const char *name)
{
	if (f->kind == F_JOIN)
		return from_names(f->left, name) || from_names(f->right, name);
	const char *own = f->alias ? f->alias : f->kind == F_TABLE ? last_part(f->table) : NULL;
	return own && str_eq_nocase(own, name);
}

bool from_is_path(const struct from *left, const struct from *item)
{
	const char *dot;
	if (item->kind != F_TABLE || !(dot = strchr(item->table, '.')) || strchr(dot + 1, '.'))
		return false;
	char *first = xstrndup(item->table, (size_t)(dot - item->table));
	bool named = from_names(left, first);
	free(first);
	return named;
}

/* l, x.arr (or l JOIN x.arr ...): the path to an array column of an item
 * of l, planned as l, UNNEST(x.arr) AS arr, as BigQuery reads it.  Takes l. */
static int join_path(struct binder *b, const struct from *f, struct node *l, struct scope *scope, struct node **out)
{
	const char *path = f->right->table, *dot = strchr(path, '.');
	char *qual = xstrndup(path, (size_t)(dot - path)), *name = xstrdup(dot + 1);
	struct ast col = {.kind = A_COLUMN, .line = f->right->line, .col = f->right->col, .height = 1,
			  .qual = qual, .name = name};
	struct from unnest = {.kind = F_UNNEST, .array = &col, .alias = f->right->alias ? f->right->alias : name,
			      .line = f->right->line, .col = f->right->col, .height = 2};
	struct from join = *f;
	join.right = &unnest;
	int error = join_unnest(b, &join, l, scope, out);
	free(qual);
	free(name);
	return error;
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
				scope_add_output(scope, f->alias ? f->alias : c->cte->name, n->names[i], n->types[i]);
			*out = visible_only(n, nout);
			return 0;
		}
		char *dir = NULL;
		struct table *t = NULL;
		if (b->plan->read_table && str_eq_nocase(f->table, b->plan->read_table))
			dir = xstrdup(b->plan->read_from);
		else if ((error = table_resolve(b->root, f->table, &dir)) < 0)
			return table_not_found(b, f);
		error = table_open_lazy(&t, dir);
		free(dir);
		if (error < 0)
			return error;
		struct node *n = node_new(N_SCAN, t->spec.ncols);
		n->table = t;
		n->table_name = xstrdup(f->table);
		n->alias = f->alias ? xstrdup(f->alias) : NULL;
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
	if (f->kind == F_UNNEST) {
		/* on its own: over one row, naming only the query around */
		struct scope none = {0};
		if ((error = plan_unnest(b, f, node_new(N_ONE, 0), J_INNER, &none, out)) < 0)
			return error;
		for (size_t i = 0; i < none.n; i++)
			scope_add(scope, NULL, none.v[i].name, none.v[i].type, NULL, 0);
		scope_free(&none);
		return 0;
	}
	if (f->kind == F_SUBQUERY) {
		/* inside a correlated subquery, it too sees the query around */
		struct binder sub = {.src = b->src, .root = b->root, .plan = b->plan, .ctes = b->ctes,
				     .outer = b->outer, .corr = b->corr};
		size_t nout;
		struct node *n;
		if ((error = plan_select(&sub, f->sub, &n, &nout)) < 0)
			return error;
		for (size_t i = 0; i < nout; i++)
			scope_add_output(scope, f->alias, n->names[i], n->types[i]);
		*out = visible_only(n, nout);
		return 0;
	}
	/* a join: left columns, then right columns */
	struct node *l = NULL, *r = NULL, *j = NULL;
	struct pexpr **conj = NULL;
	size_t nconj = 0, *ucols = NULL;
	/* the WHERE may filter early the sides no outer join fills with NULLs */
	const struct ast *hint = b->where_hint;
	b->where_hint = f->join == J_RIGHT || f->join == J_FULL ? NULL : hint;
	error = plan_from(b, f->left, &l, scope);
	b->where_hint = f->join == J_LEFT || f->join == J_FULL ? NULL : hint;
	if (error < 0) {
		b->where_hint = hint;
		return error;
	}
	if (f->right->kind == F_UNNEST) {
		b->where_hint = hint;
		return join_unnest(b, f, l, scope, out);
	}
	if (from_is_path(f->left, f->right)) {
		b->where_hint = hint;
		return join_path(b, f, l, scope, out);
	}
	size_t nl = scope->n;
	/* a join in parentheses on the right numbers its columns from its
	 * own first, and its ON sees only them: planned in a scope of its own */
	struct scope rscope = {0};
	error = plan_from(b, f->right, &r, f->right->kind == F_JOIN ? &rscope : scope);
	b->where_hint = hint;
	if (rscope.n) {
		scope->v = xrealloc(scope->v, (scope->n + rscope.n) * sizeof *scope->v);
		memcpy(scope->v + scope->n, rscope.v, rscope.n * sizeof *rscope.v);
		scope->n += rscope.n;
	}
	free(rscope.v);
	if (error < 0) {
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
		error = bind_expr(b, f->on, &on);
		b->scope = saved;
		b->clause = clause;
		if (error < 0)
			goto fail;
		if (on->type != TYPE_BOOL) {
			error = sql_error_at(b->src, f->on->line, f->on->col, "JOIN ON clause should return type BOOL, but returns %s",
					     resolve_display_type(on->type));
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
			if ((error = resolve_unify(b, &at, "=", pair, 2, &t)) < 0) {
				pexpr_free(pair[0]);
				pexpr_free(pair[1]);
				goto fail;
			}
			conj = xrealloc(conj, (nconj + 1) * sizeof *conj);
			conj[nconj++] = node_cmp(CMP_EQ, pair[0], pair[1], NULL);
		}
	}
	for (size_t i = 0; i < nconj; i++) {
		struct pexpr *c = conj[i];
		if (c->kind == X_CONST && c->lit.type == TYPE_BOOL && !c->lit.is_null && c->lit.b) {
			pexpr_free(c); /* ON TRUE: every pair */
			conj[i] = NULL;
			continue;
		}
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
	struct node *top = j;
	/* An inner join holds its right side in a hash table: hold the smaller
	 * side, and put the columns back in order with a projection.  A RIGHT
	 * join holds its left side. */
	if (f->join == J_RIGHT || ((f->join == J_INNER || f->join == J_CROSS) && join_est_rows(r) > join_est_rows(l))) {
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
	pexprs_free(conj, nconj);
	free(ucols);
	if (j)
		node_free(j);
	else {
		node_free(l);
		node_free(r);
	}
	return error;
}

int plan_from(struct binder *b, const struct from *f, struct node **out, struct scope *scope)
{
	int error;
	*out = NULL;
	if (joins_is_chain(f))
		return joins_plan(b, f, out, scope);
	if ((error = binder_enter(b, f->line, f->col)) < 0)
		return error;
	error = plan_from_item(b, f, out, scope);
	b->plan->depth--;
	return error;
}
