/* sql_node: the planner's trees, made and freed: bound expressions (struct
 * pexpr), operator nodes (struct node) and analytic functions (struct
 * win), as sql_plan.h declares them. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_plan_int.h"

struct pexpr *px_new(enum pexpr_kind kind, enum type t, const struct ast *at)
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

void px_add(struct pexpr *e, struct pexpr *arg)
{
	e->args = xrealloc(e->args, (e->nargs + 1) * sizeof *e->args);
	e->args[e->nargs++] = arg;
}

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
	if (e->fnstate_free)
		e->fnstate_free(e->fnstate);
	if (e->kind != X_PARAM)
		subq_corr_free(e->corr);
	free(e);
}

void subq_corr_free(struct subq_corr *c)
{
	if (!c)
		return;
	pexprs_free(c->args, c->nparams);
	free(c->refs);
	for (size_t k = 0; c->init && k < c->nparams; k++)
		vec_free(&c->vals[k]);
	for (size_t k = 0; c->init && k < c->nkeys; k++)
		vec_free(&c->keys[k]);
	if (c->init)
		vec_free(&c->answers);
	free(c->vals);
	free(c->keys);
	free(c->hashes);
	free(c->table);
	node_free(c->grouped);
	free(c);
}

void agg_clear(struct agg *g)
{
	pexpr_free(g->arg);
	pexpr_free(g->arg2);
	pexprs_free(g->order, g->norder);
	free(g->okeys);
	free(g->sep);
}

/* Frees n expressions and the array that holds them (NULL: none). */
void pexprs_free(struct pexpr **v, size_t n)
{
	if (v)
		for (size_t i = 0; i < n; i++)
			pexpr_free(v[i]);
	free(v);
}

struct pexpr *px_const(struct value v, const struct ast *at)
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

struct pexpr *px_col(int col, enum type t, const struct ast *at)
{
	struct pexpr *e = px_new(X_COL, t, at);
	e->col = col;
	return e;
}

struct pexpr *node_cmp(enum cmp_op op, struct pexpr *l, struct pexpr *r, const struct ast *at)
{
	struct pexpr *e = px_new(X_CMP, TYPE_BOOL, at);
	e->op = op;
	px_add(e, l);
	px_add(e, r);
	return e;
}

void node_win_free(struct win *w)
{
	pexpr_free(w->arg);
	pexpr_free(w->def);
	pexprs_free(w->part, w->npart);
	pexprs_free(w->order, w->norder);
	free(w->desc);
	free(w->nulls_first);
}

struct node *node_new(enum node_kind kind, size_t ncols)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->ncols = ncols;
	n->types = xcalloc(ncols + 1, sizeof *n->types);
	n->names = xcalloc(ncols + 1, sizeof *n->names);
	return n;
}

void node_free(struct node *n)
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
	free(n->alias);
	free(n->used);
	free(n->live);
	free(n->filter_only);
	for (size_t i = 0; i < n->nprunes; i++)
		free(n->prunes[i].vals);
	free(n->prunes);
	pexpr_free(n->pred);
	pexprs_free(n->exprs, n->ncols);
	pexprs_free(n->keys, n->nkeys);
	for (size_t i = 0; i < n->naggs; i++)
		agg_clear(&n->aggs[i]);
	free(n->aggs);
	pexprs_free(n->lkeys, n->njoinkeys);
	pexprs_free(n->rkeys, n->njoinkeys);
	pexpr_free(n->residual);
	free(n->sort);
	for (size_t i = 0; i < n->nwins; i++)
		node_win_free(&n->wins[i]);
	free(n->wins);
	free(n);
}

struct node *node_wrap(enum node_kind kind, struct node *child, size_t ncols)
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
