/* sql_prune: which partitions, blocks and columns a scan reads.  The WHERE
 * conjuncts that compare a column with constants become its scan's prunes,
 * decided against each partition's range and each block's min/max, and
 * against BigQuery's rule for the blocks it bills.  Once the plan is
 * built, the constant filters move down to the scans below subqueries and
 * WITH, and the columns the query needs are marked, down to the scans'
 * live columns, which the bytes count (docs/bytes.md). */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func.h"
#include "sql_plan_int.h"

/* --- the WHERE -> prunes --- */

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
bool prune_extract(struct binder *b, const struct pexpr *e)
{
	if (e->kind == X_AND) {
		bool l = prune_extract(b, e->args[0]);
		bool r = prune_extract(b, e->args[1]);
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

/* --- partitions and blocks --- */

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
	const struct col_stats *s = block_stats(b, pr->col);
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
		const struct col_stats *s = block_stats(b, pr->col);
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
		case N_UNNEST:
			if (col >= (int)n->child->ncols)
				return 0;
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
				if (exec || need[n->nkeys + a]) {
					error = need_expr(n->aggs[a].arg, in, 0);
					if (error >= 0)
						error = need_expr(n->aggs[a].arg2, in, 0);
				}
			for (size_t a = 0; a < n->naggs; a++)
				for (size_t k = 0; k < n->aggs[a].norder && error >= 0; k++)
					error = need_expr(n->aggs[a].order[k], in, 0);
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
		case N_UNNEST:
			memcpy(in, need, n->child->ncols * sizeof *in);
			error = need_expr(n->exprs[0], in, 0);
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
		/* a decorrelated subquery's groups: keys and answer, all read */
		struct node *g = i < p->nsubqs && p->subqs[i]->corr ? p->subqs[i]->corr->grouped : NULL;
		if (g && error >= 0) {
			need = xcalloc(g->ncols + 1, sizeof *need);
			memset(need, 1, g->ncols * sizeof *need);
			error = mark_live(g, need, exec, 0);
			free(need);
		}
	}
	return error;
}

/* Pushes the filters down, then marks the columns: first what execution
 * needs, which narrows what the scans read (used), then what the result
 * needs, which the bytes count (live). */
int plan_needs(struct plan *p)
{
	int error = 0;
	for (size_t i = 0; i <= p->nsubqs && error >= 0; i++)
		error = push_filters(i < p->nsubqs ? p->subqs[i]->sub : p->root, 0);
	for (size_t i = 0; i < p->nsubqs && error >= 0; i++)
		if (p->subqs[i]->corr && p->subqs[i]->corr->grouped)
			error = push_filters(p->subqs[i]->corr->grouped, 0);
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
