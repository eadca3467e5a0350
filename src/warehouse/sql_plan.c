/* sql_plan: binds a SELECT to the tables and builds its operator tree:
 *
 *   scan | join | subquery -> filter (WHERE) -> aggregate -> filter (HAVING)
 *     -> project (the select list, then hidden ORDER BY keys) -> distinct
 *     -> sort -> limit
 *
 * or a set operation's chain of such trees.  GROUP BY and ORDER BY also
 * accept select-list aliases and ordinals.  The layers below this one
 * (FROM, pruning, expressions, names and types, the trees) are listed in
 * sql_plan_int.h. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

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

static char *item_name(const struct select_item *it, size_t *anon)
{
	if (it->alias)
		return xstrdup(it->alias);
	if (it->expr->kind == A_COLUMN)
		return xstrdup(it->expr->name);
	return xasprintf("f%zu_", (*anon)++);
}

/* Whether * (or t.*) expands to the column: a USING column once for *,
 * each side's own for t.* */
static bool star_takes(const struct select_item *it, const struct scol *sc)
{
	if (it->star_qual)
		return sc->qual && str_eq_nocase(sc->qual, it->star_qual);
	return !sc->qual_only || sc->struct_field;
}

/* The name * EXCEPT finds a column by: a STRUCT's field by its STRUCT's */
static const char *star_except_name(const struct select_item *it, const struct scol *sc)
{
	return sc->struct_field && !it->star_qual ? sc->qual : sc->name;
}

/* A column as * names it: s.* gives a STRUCT's fields, * keeps them in it. */
static char *star_name(const struct select_item *it, const struct scol *sc)
{
	return sc->struct_field && !it->star_qual ? xasprintf("%s.%s", sc->qual, sc->name) : xstrdup(sc->name);
}

static bool in_except(const struct select_item *it, const char *name)
{
	for (size_t i = 0; i < it->nexcept; i++)
		if (str_eq_nocase(it->except[i], name))
			return true;
	return false;
}

/* A grouping of n's rows on its first nkeys columns, which are the first
 * of its ncols: DISTINCT, and the start of INTERSECT and EXCEPT. */
static struct node *group_on_columns(struct node *n, size_t nkeys, size_t ncols)
{
	struct node *d = node_new(N_AGG, ncols);
	d->child = n;
	d->keys = xcalloc(nkeys + 1, sizeof *d->keys);
	d->nkeys = nkeys;
	for (size_t c = 0; c < nkeys; c++) {
		d->keys[c] = px_col((int)c, n->types[c], NULL);
		d->types[c] = n->types[c];
		d->names[c] = xstrdup(n->names[c]);
	}
	return d;
}

/* LIMIT and OFFSET over n (of ncols columns), if the query has them: a
 * sort just below keeps only the rows they take. */
static struct node *plan_limit(const struct select *sel, struct node *n, size_t ncols)
{
	if (sel->limit < 0 && sel->offset < 0)
		return n;
	struct node *l = node_wrap(N_LIMIT, n, ncols);
	l->limit = sel->limit;
	l->offset = sel->offset < 0 ? 0 : sel->offset;
	if (n->kind == N_SORT && l->limit >= 0)
		n->keep = l->limit + l->offset;
	return l;
}

/* INTERSECT DISTINCT and EXCEPT DISTINCT over the arms, each tagged with
 * its number in a last column and chained: one group per distinct row,
 * kept when every arm has it (INTERSECT) or only the first (EXCEPT).  The
 * groups are held in memory, as for DISTINCT. */
static struct node *plan_intersect_except(const struct select *sel, struct node *n, size_t ncols, size_t narms)
{
	struct node *d = group_on_columns(n, ncols, ncols + 1);
	d->aggs = xcalloc(1, sizeof *d->aggs);
	d->naggs = 1;
	d->aggs[0].kind = sel->setop == SET_INTERSECT ? AG_COUNT : AG_MAX;
	d->aggs[0].distinct = sel->setop == SET_INTERSECT;
	d->aggs[0].arg = px_col((int)ncols, TYPE_INT64, NULL);
	d->aggs[0].type = TYPE_INT64;
	d->types[ncols] = TYPE_INT64;
	d->names[ncols] = xstrdup("$arms");
	struct node *f = node_wrap(N_FILTER, d, ncols + 1);
	int64_t want = sel->setop == SET_INTERSECT ? (int64_t)narms : 0;
	f->pred = node_cmp(CMP_EQ, px_col((int)ncols, TYPE_INT64, NULL), px_const(value_int64(want), NULL), NULL);
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

/* An arm's column c is a NULL literal (SELECT NULL): it takes the type of
 * the other arms' columns, as in GoogleSQL, rather than INT64. */
static enum type arm_type(const struct node *arm, size_t c)
{
	const struct pexpr *x = arm->kind == N_PROJECT ? arm->exprs[c] : NULL;
	return x && x->kind == X_CONST && x->lit.is_null && x->lit.type == TYPE_NULL ? TYPE_NULL : arm->types[c];
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
			for (size_t c = 0; c < ncols; c++)
				types[c] = arm_type(arms[0], c);
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
			struct pexpr x = {.kind = X_COL, .type = types[c]}, y = {.kind = X_COL, .type = arm_type(arms[i], c)};
			enum type t = resolve_supertype(&x, &y);
			if (t == TYPE_COUNT) {
				error = sql_error_at(b->src, sel->arms[i]->line, sel->arms[i]->col,
						     "Column %zu in %s has incompatible types: %s, %s", c + 1,
						     opname, resolve_display_type(types[c]),
						     type_name(arms[i]->types[c]));
				goto done;
			}
			types[c] = t;
		}
	}
	for (size_t c = 0; c < ncols; c++) {
		if (types[c] == TYPE_NULL)
			types[c] = TYPE_INT64;
		if (type_is_array(types[c]) && (sel->setop != SET_UNION || sel->union_distinct)) {
			error = sql_error_at(b->src, sel->line, sel->col, "Column %zu in %s has type that does not support set "
					     "operation comparisons: %s", c + 1, opname, type_name(types[c]));
			goto done;
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
			resolve_coerce(b, &p->exprs[c], types[c]);
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
		n = group_on_columns(n, ncols, ncols);
	}
	if (sel->norder) {
		struct node *s = node_wrap(N_SORT, n, ncols);
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
	n = plan_limit(sel, n, ncols);
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
	int error = bind_expr(b, a, out);
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

static int plan_query(struct binder *parent, const struct select *sel, struct node **out, size_t *nout)
{
	int error = 0;
	struct binder b = {.src = parent->src, .root = parent->root, .plan = parent->plan, .ctes = parent->ctes, .sel = sel,
			   .outer = parent->outer, .corr = parent->corr};
	struct cte_frame *frames = xcalloc(sel->nctes + 1, sizeof *frames);
	struct node *n = NULL, *from = NULL;
	struct pexpr **items = NULL, *where = NULL;
	char **names = NULL;
	size_t nitems = 0, anon = 0;
	const struct ast **item_asts = NULL;
	bool aggregate = sel->ngroup > 0 || sel->having;
	bool *before_where = NULL;
	struct node *where_scan = NULL;
	struct joinset *joins = NULL; /* a chain of joins, planned with the WHERE */
	struct struct_items xs = {0};

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
	b.where_hint = sel->where;
	if (sel->from && joins_is_chain(sel->from))
		error = joins_collect(&b, sel->from, &b.scope, &joins);
	else if (sel->from)
		error = plan_from(&b, sel->from, &from, &b.scope);
	b.where_hint = NULL;
	if (error < 0)
		goto done;
	if (!sel->from)
		from = node_new(N_ONE, 0);
	n = from;
	from = NULL;
	where_scan = n && n->kind == N_SCAN ? n : NULL;
	if (sel->where && where_scan) {
		before_where = xcalloc(where_scan->ncols + 1, sizeof *before_where);
		memcpy(before_where, where_scan->used, where_scan->ncols * sizeof *before_where);
	}
	if (sel->where) {
		b.clause = "WHERE clause";
		if ((error = bind_expr(&b, sel->where, &where)) < 0)
			goto done;
		if (where->type != TYPE_BOOL && where->type != TYPE_NULL) {
			error = sql_error_at(b.src, sel->where->line, sel->where->col,
					     "WHERE clause should return type BOOL, but returns %s", resolve_display_type(where->type));
			goto done;
		}
		bool exact = prune_extract(&b, where);
		if (joins) {
			joins_add_where(joins, where);
			where = NULL;
		} else {
			struct node *f = node_wrap(N_FILTER, n, n->ncols);
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
	}
	if (joins) {
		error = joins_build(joins, &n);
		joins = NULL;
		if (error < 0)
			goto done;
	}
	if ((error = struct_expand(&b, sel, &xs)) < 0)
		goto done;
	if (xs.used)
		sel = b.sel = &xs.sel;
	for (size_t i = 0; i < sel->nitems && !aggregate; i++)
		aggregate = bind_has_agg(sel->items[i].expr);
	for (size_t i = 0; i < sel->norder && !aggregate; i++)
		aggregate = bind_has_agg(sel->order[i].expr);

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
				found = found || str_eq_nocase(star_except_name(it, &b.scope.v[c]), it->except[k]);
			if (!found) {
				error = sql_error_at(b.src, it->line, it->col,
						     "Column %s in SELECT * EXCEPT list does not exist", it->except[k]);
				goto done;
			}
		}
		for (size_t k = 0; k < it->nreplace; k++) {
			bool found = false;
			for (size_t c = 0; c < b.scope.n; c++)
				found = found || (star_takes(it, &b.scope.v[c]) &&
				                  str_eq_nocase(star_except_name(it, &b.scope.v[c]), it->replace[k]->alias));
			for (size_t j = 0; j < k; j++)
				if (str_eq_nocase(it->replace[j]->alias, it->replace[k]->alias)) {
					error = sql_error_at(b.src, it->replace[k]->line, it->replace[k]->col,
							     "Column %s appears twice in SELECT * REPLACE list",
							     it->replace[k]->alias);
					goto done;
				}
			if (!found || in_except(it, it->replace[k]->alias)) {
				error = sql_error_at(b.src, it->replace[k]->line, it->replace[k]->col,
						     "Column %s in SELECT * REPLACE list does not exist", it->replace[k]->alias);
				goto done;
			}
		}
		for (size_t c = 0; c < b.scope.n; c++) {
			struct scol *sc = &b.scope.v[c];
			if (!star_takes(it, sc))
				continue;
			any = true;
			if (in_except(it, star_except_name(it, sc)))
				continue;
			const struct ast *with = NULL;
			for (size_t k = 0; k < it->nreplace && !with; k++)
				if (str_eq_nocase(star_except_name(it, sc), it->replace[k]->alias))
					with = it->replace[k];
			if (with) {
				/* the column's place and name, the expression's value (no
				 * ast: the reordering below counts a star's items by it) */
				struct pexpr *x = NULL;
				if ((error = bind_expr(&b, with, &x)) < 0)
					goto done;
				add_item(&items, &names, &item_asts, &nitems, x, star_name(it, sc), NULL);
				continue;
			}
			if (sc->scan)
				sc->scan->used[sc->tcol] = true;
			add_item(&items, &names, &item_asts, &nitems, px_col((int)c, sc->type, NULL), star_name(it, sc),
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
					if (sel->items[i].alias && !sel->items[i].field && str_eq_nocase(sel->items[i].alias, ga->name) &&
					    sel->items[i].expr) {
						ga = sel->items[i].expr;
						break;
					}
			}
			if (bind_has_agg(ga)) {
				error = sql_error_at(b.src, ga->line, ga->col, "Aggregate function not allowed in GROUP BY");
				goto done;
			}
			if ((error = bind_expr(&b, ga, &b.keys[b.nkeys])) < 0)
				goto done;
			b.keyasts[b.nkeys++] = (struct ast *)ga;
			if (type_is_array(b.keys[b.nkeys - 1]->type)) {
				error = sql_error_at(b.src, ga->line, ga->col, "Grouping by expressions of type ARRAY is not allowed");
				goto done;
			}
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
		error = bind_expr(&b, it->expr, &x);
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
				if (in_except(it, star_except_name(it, sc)))
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
			b.alias_sel = sel; /* HAVING c > 1 where c is COUNT(*) AS c */
			error = bind_expr(&b, sel->having, &h);
			b.alias_sel = NULL;
			agg_take(&b, ag);
			if (error < 0)
				goto done;
			struct node *f = node_wrap(N_FILTER, n, n->ncols);
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
			if (item_asts[i] && bind_ast_equal(item_asts[i], oa))
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
		if (type_is_array(items[col]->type)) {
			error = sql_error_at(b.src, oa->line, oa->col, "ORDER BY does not support expressions of type %s",
					     type_name(items[col]->type));
			free(keys);
			goto done;
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
			resolve_coerce(&b, &x, TYPE_BOOL);
		if (error >= 0 && x->type != TYPE_BOOL) {
			error = sql_error_at(b.src, sel->qualify->line, sel->qualify->col,
					     "QUALIFY clause should return type BOOL, but returns %s", resolve_display_type(x->type));
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
		struct node *f = node_wrap(N_FILTER, n, n->ncols);
		f->pred = px_col(qualify_col, TYPE_BOOL, NULL);
		n = f;
	}
	for (size_t i = 0; i < nvis && sel->distinct; i++)
		if (type_is_array(n->types[i])) {
			error = sql_error_at(b.src, sel->line, sel->col, "Column %s of type %s cannot be used in SELECT DISTINCT",
					     n->names[i], type_name(n->types[i]));
			free(keys);
			goto done;
		}
	if (sel->distinct)
		n = group_on_columns(n, nvis, nvis);
	if (sel->norder) {
		struct node *s = node_wrap(N_SORT, n, n->ncols);
		s->sort = keys;
		s->nsort = sel->norder;
		n = s;
	} else {
		free(keys);
	}
	n = plan_limit(sel, n, n->ncols);
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
	joins_free(joins);
	pexprs_free(items, nitems);
	if (names)
		for (size_t i = 0; i < nitems; i++)
			free(names[i]);
	free(names);
	free(item_asts);
	pexpr_free(where);
	node_free(from);
	node_free(n);
	pexprs_free(b.keys, b.nkeys);
	free(b.keyasts);
	if (b.aggs)
		for (size_t k = 0; k < b.naggs; k++)
			agg_clear(&b.aggs[k]);
	free(b.aggs);
	for (size_t k = 0; k < b.nwins; k++)
		node_win_free(&b.wins[k]);
	free(b.wins);
	free(b.winasts);
	scope_free(&b.scope);
	free(frames);
	struct_items_free(&xs);
	return error;
}

int plan_select(struct binder *parent, const struct select *sel, struct node **out, size_t *nout)
{
	int error;
	if ((error = binder_enter(parent, sel->line, sel->col)) < 0)
		return error;
	error = plan_query(parent, sel, out, nout);
	parent->plan->depth--;
	return error;
}

int sql_plan_select(const struct stmt *s, const struct select *sel, const char *root,
                    const char *read_table, const char *read_from, struct plan *out)
{
	memset(out, 0, sizeof *out);
	out->now_us = s->now_us;
	out->read_table = read_table;
	out->read_from = read_from;
	struct binder b = {.src = s->src, .root = root, .plan = out};
	int error = plan_select(&b, sel, &out->root, &out->nout);
	/* a STRUCT's fields still together (sql_struct.c): no result holds one */
	for (size_t i = 0; error >= 0 && i < out->nout; i++) {
		const char *dot = strchr(out->root->names[i], '.');
		if (dot)
			error = sql_error_at(s->src, sel->line, sel->col, "The result has a STRUCT column %.*s: pipe's results and "
					     "tables hold scalars; select its fields (%.*s.*), or use SELECT AS VALUE",
					     (int)(dot - out->root->names[i]), out->root->names[i],
					     (int)(dot - out->root->names[i]), out->root->names[i]);
	}
	if (error < 0 && out->root) {
		node_free(out->root);
		out->root = NULL;
	}
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
