/* sql_joinorder: a chain of inner and comma joins (FROM a, b JOIN c ON
 * ...), planned as a whole with the WHERE.  Its items (tables, subqueries,
 * outer joins and USING joins, each planned on its own) are the leaves;
 * the ON conditions and the WHERE are split into conjuncts, and each goes
 * where it first can:
 *
 *   - on one leaf: a filter over that leaf, below every join (its scan's
 *     prunes came from the WHERE already, sql_prune.c);
 *   - an equality whose sides read the two sides of a join: a hash key;
 *   - anything else over two or more leaves: the residual of the first
 *     join that has them all;
 *   - on no leaf (a constant): a filter over the whole chain.
 *
 * The joins are made smallest first: the leaf with the fewest estimated
 * rows, then, each time, the leaf joined to those so far by an equality
 * with the fewest rows (a cross product only when no leaf is), each join
 * holding its smaller side.  Outer joins are leaves, so nothing moves
 * across them.  A projection puts the columns back in written order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

struct join_leaf {
	struct node *node;
	size_t base, ncols; /* its columns among the chain's */
};

struct join_cond {
	struct pexpr *e;    /* over the chain's columns */
	bool *reads;        /* per leaf */
	size_t nreads;
	bool done;
};

struct joinset {
	struct join_leaf *leaves;
	size_t nleaves, ncols;
	size_t base;        /* the scope's columns before the chain's */
	struct join_cond *conds;
	size_t nconds;
};

uint64_t join_est_rows(const struct node *n)
{
	switch (n->kind) {
	case N_SCAN: return n->table->rows;
	case N_ONE: return 1;
	case N_FILTER: return join_est_rows(n->child) / 2 + 1;
	case N_AGG: return join_est_rows(n->child) / 10 + 1;
	case N_LIMIT: {
		uint64_t c = join_est_rows(n->child);
		return n->limit >= 0 && (uint64_t)n->limit < c ? (uint64_t)n->limit : c;
	}
	case N_JOIN: {
		uint64_t a = join_est_rows(n->child), c = join_est_rows(n->right);
		if (n->njoinkeys == 0 && n->join != J_FULL) /* a cross product, or near one */
			return a && c > UINT64_MAX / a ? UINT64_MAX : a * c;
		return a > c ? a : c;
	}
	case N_UNION: return join_est_rows(n->child) + join_est_rows(n->right);
	default: return join_est_rows(n->child);
	}
}

/* An UNNEST (or a path x.arr) reads the columns of the items on its left: it is planned
 * over them, in the written order (sql_from.c), not as a chain's item. */
static bool chain_has_unnest(const struct from *f)
{
	if (f->kind == F_UNNEST)
		return true;
	return f->kind == F_JOIN && (f->join == J_INNER || f->join == J_CROSS) && !f->nusing &&
	       (chain_has_unnest(f->left) || chain_has_unnest(f->right) || from_is_path(f->left, f->right));
}

bool joins_is_chain(const struct from *f)
{
	return f->kind == F_JOIN && (f->join == J_INNER || f->join == J_CROSS) && !f->nusing && !chain_has_unnest(f);
}

void joins_free(struct joinset *js)
{
	if (!js)
		return;
	for (size_t i = 0; i < js->nleaves; i++)
		node_free(js->leaves[i].node);
	for (size_t i = 0; i < js->nconds; i++) {
		pexpr_free(js->conds[i].e);
		free(js->conds[i].reads);
	}
	free(js->leaves);
	free(js->conds);
	free(js);
}

static void col_shift(struct pexpr *e, int delta)
{
	if (e->kind == X_COL)
		e->col += delta;
	for (size_t i = 0; i < e->nargs; i++)
		col_shift(e->args[i], delta);
}

static void col_map(struct pexpr *e, const int *map)
{
	if (e->kind == X_COL)
		e->col = map[e->col];
	for (size_t i = 0; i < e->nargs; i++)
		col_map(e->args[i], map);
}

static size_t leaf_of(const struct joinset *js, int col)
{
	size_t i = js->nleaves;
	while (i > 1 && (size_t)col < js->leaves[i - 1].base)
		i--;
	return i - 1;
}

static void mark_reads(const struct joinset *js, const struct pexpr *e, bool *reads)
{
	if (e->kind == X_COL && e->col >= 0 && (size_t)e->col < js->ncols)
		reads[leaf_of(js, e->col)] = true;
	for (size_t i = 0; i < e->nargs; i++)
		mark_reads(js, e->args[i], reads);
}

/* Adds the conjuncts of e (over the chain's columns), taking e. */
static void add_conjuncts(struct joinset *js, struct pexpr *e)
{
	struct pexpr **stack = xcalloc(8, sizeof *stack);
	size_t sp = 0, cap = 8;
	stack[sp++] = e;
	while (sp) {
		struct pexpr *c = stack[--sp];
		if (c->kind == X_AND) {
			if (sp + 2 > cap) {
				cap *= 2;
				stack = xrealloc(stack, cap * sizeof *stack);
			}
			stack[sp++] = c->args[1];
			stack[sp++] = c->args[0];
			c->nargs = 0;
			pexpr_free(c);
			continue;
		}
		if (c->kind == X_CONST && c->lit.type == TYPE_BOOL && !c->lit.is_null && c->lit.b) {
			pexpr_free(c); /* ON TRUE, WHERE TRUE: no condition */
			continue;
		}
		js->conds = xrealloc(js->conds, (js->nconds + 1) * sizeof *js->conds);
		struct join_cond *jc = &js->conds[js->nconds++];
		jc->e = c;
		jc->reads = xcalloc(js->nleaves + 1, sizeof *jc->reads);
		mark_reads(js, c, jc->reads);
		jc->nreads = 0;
		for (size_t i = 0; i < js->nleaves; i++)
			jc->nreads += jc->reads[i];
		jc->done = false;
	}
	free(stack);
}

void joins_add_where(struct joinset *js, struct pexpr *where)
{
	add_conjuncts(js, where);
}

static int collect(struct binder *b, const struct from *f, struct scope *scope, struct joinset *js)
{
	int error;
	if (!joins_is_chain(f)) {
		struct scope ls = {0};
		struct node *n = NULL;
		if ((error = plan_from(b, f, &n, &ls)) < 0) {
			scope_free(&ls);
			return error;
		}
		js->leaves = xrealloc(js->leaves, (js->nleaves + 1) * sizeof *js->leaves);
		js->leaves[js->nleaves++] = (struct join_leaf){n, scope->n - js->base, ls.n};
		scope->v = xrealloc(scope->v, (scope->n + ls.n + 1) * sizeof *scope->v);
		memcpy(scope->v + scope->n, ls.v, ls.n * sizeof *ls.v);
		scope->n += ls.n;
		js->ncols += ls.n;
		free(ls.v);
		return 0;
	}
	if ((error = binder_enter(b, f->line, f->col)) < 0)
		return error;
	size_t from = scope->n;
	if ((error = collect(b, f->left, scope, js)) < 0 || (error = collect(b, f->right, scope, js)) < 0)
		goto done;
	if (f->on) {
		/* ON sees the columns of the join's own items */
		struct scope saved = b->scope, own = {scope->v + from, scope->n - from};
		const char *clause = b->clause;
		struct pexpr *on = NULL;
		b->scope = own;
		b->clause = "JOIN ON clause";
		error = bind_expr(b, f->on, &on);
		b->scope = saved;
		b->clause = clause;
		if (error < 0)
			goto done;
		if (on->type != TYPE_BOOL) {
			error = sql_error_at(b->src, f->on->line, f->on->col, "JOIN ON clause should return type BOOL, but returns %s",
					     resolve_display_type(on->type));
			pexpr_free(on);
			goto done;
		}
		col_shift(on, (int)(from - js->base));
		add_conjuncts(js, on);
	}
done:
	b->plan->depth--;
	return error;
}

int joins_collect(struct binder *b, const struct from *f, struct scope *scope, struct joinset **out)
{
	struct joinset *js = xcalloc(1, sizeof *js);
	int error;
	js->base = scope->n;
	if ((error = collect(b, f, scope, js)) < 0) {
		joins_free(js);
		return error;
	}
	*out = js;
	return 0;
}

/* e over the chain's columns, as the conjunction so far and e. */
static struct pexpr *and_with(struct pexpr *so_far, struct pexpr *e)
{
	if (!so_far)
		return e;
	struct pexpr *and = px_new(X_AND, TYPE_BOOL, NULL);
	px_add(and, so_far);
	px_add(and, e);
	return and;
}

static struct node *filter_over(struct node *n, struct pexpr *pred)
{
	struct node *f = node_wrap(N_FILTER, n, n->ncols);
	f->pred = pred;
	return f;
}

/* Whether equality c can be a key of the join of the leaf with the leaves
 * joined: one side reads the leaf alone, the other joined leaves alone.
 * Which argument is the leaf's (0 or 1), or -1. */
static int key_side(const struct joinset *js, const struct join_cond *c, const bool *joined, size_t leaf)
{
	if (c->e->kind != X_CMP || c->e->op != CMP_EQ)
		return -1;
	int side = -1;
	bool *r[2];
	for (int a = 0; a < 2; a++) {
		r[a] = xcalloc(js->nleaves + 1, sizeof *r[a]);
		mark_reads(js, c->e->args[a], r[a]);
	}
	for (int a = 0; a < 2 && side < 0; a++) {
		bool ok = r[a][leaf], other = false;
		for (size_t i = 0; i < js->nleaves && ok; i++) {
			if (r[a][i] && i != leaf)
				ok = false;
			if (r[1 - a][i] && (i == leaf || !joined[i]))
				ok = false;
			other = other || r[1 - a][i];
		}
		if (ok && other)
			side = a;
	}
	free(r[0]);
	free(r[1]);
	return side;
}

/* Whether every leaf c reads is joined or the leaf. */
static bool cond_within(const struct joinset *js, const struct join_cond *c, const bool *joined, size_t leaf)
{
	for (size_t i = 0; i < js->nleaves; i++)
		if (c->reads[i] && !joined[i] && i != leaf)
			return false;
	return c->reads[leaf];
}

int joins_build(struct joinset *js, struct node **out)
{
	size_t nl = js->nleaves, ncols = js->ncols;
	struct node *cur = NULL;
	struct pexpr *top = NULL;
	bool *joined = xcalloc(nl + 1, sizeof *joined);
	uint64_t *est = xcalloc(nl + 1, sizeof *est), cur_est = 0;
	int *pos = xcalloc(ncols + 1, sizeof *pos);
	int *map = xcalloc(ncols + 1, sizeof *map);
	/* conjuncts of one leaf filter it; of none, the whole chain */
	for (size_t i = 0; i < nl; i++) {
		struct pexpr *pred = NULL;
		for (size_t k = 0; k < js->nconds; k++) {
			struct join_cond *c = &js->conds[k];
			if (c->done || c->nreads != 1 || !c->reads[i])
				continue;
			col_shift(c->e, -(int)js->leaves[i].base);
			pred = and_with(pred, c->e);
			c->e = NULL;
			c->done = true;
		}
		if (pred)
			js->leaves[i].node = filter_over(js->leaves[i].node, pred);
		est[i] = join_est_rows(js->leaves[i].node);
	}
	for (size_t k = 0; k < js->nconds; k++)
		if (!js->conds[k].done && js->conds[k].nreads == 0) {
			top = and_with(top, js->conds[k].e);
			js->conds[k].e = NULL;
			js->conds[k].done = true;
		}
	for (size_t step = 0; step < nl; step++) {
		/* the next leaf: joined to those so far by an equality, fewest
		 * rows first; else the fewest rows */
		size_t pick = nl;
		bool pick_keyed = false;
		for (size_t i = 0; i < nl; i++) {
			if (joined[i])
				continue;
			bool keyed = false;
			for (size_t k = 0; k < js->nconds && step && !keyed; k++)
				keyed = !js->conds[k].done && cond_within(js, &js->conds[k], joined, i) &&
					key_side(js, &js->conds[k], joined, i) >= 0;
			if (pick == nl || (keyed && !pick_keyed) || (keyed == pick_keyed && est[i] < est[pick]))
				pick = i, pick_keyed = keyed;
		}
		struct join_leaf *lf = &js->leaves[pick];
		struct node *leaf = lf->node;
		lf->node = NULL;
		if (!cur) {
			cur = leaf;
			cur_est = est[pick];
			for (size_t c = 0; c < lf->ncols; c++)
				pos[lf->base + c] = (int)c;
			for (size_t c = 0; c < ncols; c++)
				if (c < lf->base || c >= lf->base + lf->ncols)
					pos[c] = -1;
			joined[pick] = true;
			continue;
		}
		/* the smaller side is held: the right one */
		bool leaf_left = est[pick] > cur_est;
		struct node *j = node_new(N_JOIN, cur->ncols + leaf->ncols);
		j->join = J_INNER;
		j->child = leaf_left ? leaf : cur;
		j->right = leaf_left ? cur : leaf;
		for (size_t c = 0; c < j->ncols; c++) {
			const struct node *from = c < j->child->ncols ? j->child : j->right;
			size_t at = c < j->child->ncols ? c : c - j->child->ncols;
			j->types[c] = from->types[at];
			j->names[c] = xstrdup(from->names[at]);
		}
		/* map: a chain column -> its place in the input that has it (the
		 * leaf's, or cur's as pos says); a key reads one input alone.
		 * pos, once the conjuncts are placed: its place in the join */
		size_t shift = leaf_left ? leaf->ncols : 0;
		for (size_t c = 0; c < ncols; c++) {
			bool in_leaf = c >= lf->base && c < lf->base + lf->ncols;
			if (in_leaf)
				map[c] = (int)(c - lf->base);
			else
				map[c] = pos[c];
		}
		for (size_t k = 0; k < js->nconds; k++) {
			struct join_cond *c = &js->conds[k];
			if (c->done || !cond_within(js, c, joined, pick))
				continue;
			c->done = true;
			int side = key_side(js, c, joined, pick);
			if (side >= 0) {
				struct pexpr *lk = c->e->args[leaf_left ? side : 1 - side];
				struct pexpr *rk = c->e->args[leaf_left ? 1 - side : side];
				col_map(lk, map);
				col_map(rk, map);
				j->lkeys = xrealloc(j->lkeys, (j->njoinkeys + 1) * sizeof *j->lkeys);
				j->rkeys = xrealloc(j->rkeys, (j->njoinkeys + 1) * sizeof *j->rkeys);
				j->lkeys[j->njoinkeys] = lk;
				j->rkeys[j->njoinkeys++] = rk;
				c->e->nargs = 0;
				pexpr_free(c->e);
				c->e = NULL;
				continue;
			}
			/* the residual reads the join's columns */
			int *jmap = xcalloc(ncols + 1, sizeof *jmap);
			for (size_t q = 0; q < ncols; q++) {
				bool in_leaf = q >= lf->base && q < lf->base + lf->ncols;
				if (in_leaf)
					jmap[q] = (int)(q - lf->base + (leaf_left ? 0 : cur->ncols));
				else
					jmap[q] = pos[q] < 0 ? -1 : pos[q] + (int)shift;
			}
			col_map(c->e, jmap);
			free(jmap);
			j->residual = and_with(j->residual, c->e);
			c->e = NULL;
		}
		for (size_t c = 0; c < ncols; c++) {
			bool in_leaf = c >= lf->base && c < lf->base + lf->ncols;
			if (in_leaf)
				pos[c] = (int)(c - lf->base + (leaf_left ? 0 : cur->ncols));
			else if (pos[c] >= 0)
				pos[c] += (int)shift;
		}
		joined[pick] = true;
		cur_est = join_est_rows(j);
		cur = j;
	}
	/* the columns in written order */
	bool same = true;
	for (size_t c = 0; c < ncols; c++)
		same = same && pos[c] == (int)c;
	if (!same) {
		struct node *p = node_new(N_PROJECT, ncols);
		p->child = cur;
		p->exprs = xcalloc(ncols + 1, sizeof *p->exprs);
		for (size_t c = 0; c < ncols; c++) {
			p->exprs[c] = px_col(pos[c], cur->types[pos[c]], NULL);
			p->types[c] = cur->types[pos[c]];
			p->names[c] = xstrdup(cur->names[pos[c]]);
		}
		cur = p;
	}
	if (top)
		cur = filter_over(cur, top);
	free(joined);
	free(est);
	free(pos);
	free(map);
	joins_free(js);
	*out = cur;
	return 0;
}

static bool has_subquery(const struct ast *a)
{
	if (a->sub)
		return true;
	for (size_t i = 0; i < a->nargs; i++)
		if (has_subquery(a->args[i]))
			return true;
	return false;
}

/* Adds the conjuncts of the WHERE around the chain that name its columns
 * alone: a row of the chain that fails one fails the WHERE too, so it may
 * go early, and an equality becomes a hash key.  The WHERE still filters
 * the result whole (and reports its errors); a conjunct that does not
 * bind to the chain's columns alone is left to it. */
static void add_where_hint(struct binder *b, struct joinset *js, struct scope *scope, const struct ast *w)
{
	if (w->kind == A_BINARY && !strcmp(w->op, "AND")) {
		add_where_hint(b, js, scope, w->args[0]);
		add_where_hint(b, js, scope, w->args[1]);
		return;
	}
	if (has_subquery(w))
		return;
	struct scope saved = b->scope, own = {scope->v + js->base, js->ncols};
	const char *clause = b->clause;
	struct pexpr *e = NULL;
	b->scope = own;
	b->clause = "WHERE clause";
	int error = bind_expr(b, w, &e);
	b->scope = saved;
	b->clause = clause;
	if (error < 0) {
		error_clear();
		return;
	}
	if (e->type != TYPE_BOOL) {
		pexpr_free(e);
		return;
	}
	add_conjuncts(js, e);
}

int joins_plan(struct binder *b, const struct from *f, struct node **out, struct scope *scope)
{
	struct joinset *js = NULL;
	int error;
	*out = NULL;
	if ((error = joins_collect(b, f, scope, &js)) < 0)
		return error;
	if (b->where_hint)
		add_where_hint(b, js, scope, b->where_hint);
	return joins_build(js, out);
}
