/* sql_subquery: subqueries in expressions ((SELECT ...), EXISTS, IN
 * (SELECT ...)) planned as SELECTs of their own, the columns of the query
 * around them their parameters; and the two decorrelations that run a
 * correlated one once instead of once per outer value: EXISTS as a semi
 * join, a scalar aggregate as one GROUP BY.  sql_bind.c calls them for
 * those nodes of an expression. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

/* --- subqueries in expressions --- */

/* A column of the query around a subquery: a parameter of the subquery,
 * its value bound by the query around (which may pass on, as a parameter
 * of its own, a column from further out). */
int bind_param(struct binder *b, const struct ast *a, struct pexpr **out)
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
int bind_subquery(struct binder *b, const struct ast *a, struct pexpr **out)
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
int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out)
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

/* The AND nodes and_made made: their operands belong to the query. */
static void made_free(struct ast **made, size_t nmade)
{
	for (size_t i = 0; i < nmade; i++) {
		free(made[i]->op);
		free(made[i]->args);
		free(made[i]);
	}
	free(made);
}

/* EXISTS (SELECT ... FROM ... WHERE inner = outer AND rest), where outer
 * reads only columns of the query around and nothing else in the subquery
 * does, is outer IN (SELECT inner FROM ... WHERE rest) with NULL read as
 * FALSE: a semi join, whose keys are a hash set made once, where the
 * correlated form runs once per distinct outer value.  Planned correlated
 * first, which tells the outer columns apart; then, where the form fits,
 * planned again as that IN, and the first plan goes. */
int bind_exists(struct binder *b, const struct ast *a, struct pexpr **out)
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
	made_free(made, nmade);
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
void decorrelate_scalar(struct binder *b, const struct ast *a, struct pexpr *e)
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
	made_free(made, nmade);
	free(conj);
	free(keys);
}
