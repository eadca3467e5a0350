/* sql_explain: a plan as text, for pipe query --explain: one line per
 * operator, its inputs indented under it, with the joins' order, estimated
 * rows, hash keys and residuals, the filters, and what each scan reads
 * (partitions and blocks after pruning, columns, its prunes).  Nothing is
 * read but the tables' manifests and block statistics. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_func.h"
#include "sql_plan_int.h"

#define EXPLAIN_MAX_DEPTH 200

static const char *const cmp_text[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const arith_text[] = {"+", "-", "*", "/", "||"};

static void put_value(struct buf *out, const struct value *v)
{
	bool quoted = !v->is_null && (v->type == TYPE_STRING || v->type == TYPE_BYTES || v->type == TYPE_DATE ||
				      v->type == TYPE_DATETIME || v->type == TYPE_TIMESTAMP || v->type == TYPE_JSON);
	if (quoted)
		buf_putc(out, '\'');
	value_to_string(v, out);
	if (quoted)
		buf_putc(out, '\'');
}

/* Column col of n's output, qualified by the table alias it comes from
 * where it is a table's column. */
static void put_col(struct buf *out, const struct node *in, int col)
{
	if (col < 0 || (size_t)col >= in->ncols) {
		buf_printf(out, "$%d", col);
		return;
	}
	const char *name = in->names[col];
	const struct node *n = in;
	for (int steps = 0; n && steps < EXPLAIN_MAX_DEPTH; steps++) {
		if (n->kind == N_SCAN) {
			const char *dot = strrchr(n->table_name, '.');
			buf_printf(out, "%s.", n->alias ? n->alias : dot ? dot + 1 : n->table_name);
			break;
		}
		if (n->kind == N_JOIN && (size_t)col >= n->child->ncols) {
			col -= (int)n->child->ncols;
			n = n->right;
		} else if (n->kind == N_PROJECT) {
			if (n->exprs[col]->kind != X_COL)
				break;
			col = n->exprs[col]->col;
			n = n->child;
		} else if (n->kind == N_JOIN || n->kind == N_FILTER || n->kind == N_SORT || n->kind == N_LIMIT) {
			n = n->child;
		} else {
			break;
		}
	}
	buf_puts(out, name);
}

/* A column of the query around a correlated subquery, as written. */
static void put_ref(struct buf *out, const struct ast *a)
{
	if (a->qual)
		buf_printf(out, "%s.", a->qual);
	buf_puts(out, a->name);
}

/* An expression over the output columns of in, as SQL. */
static void put_expr(struct buf *out, const struct pexpr *e, const struct node *in, int depth)
{
	if (depth > EXPLAIN_MAX_DEPTH) {
		buf_puts(out, "…");
		return;
	}
	switch (e->kind) {
	case X_CONST: put_value(out, &e->lit); return;
	case X_COL:
		put_col(out, in, e->col);
		return;
	case X_AND:
	case X_OR:
		buf_putc(out, '(');
		put_expr(out, e->args[0], in, depth + 1);
		buf_puts(out, e->kind == X_AND ? " AND " : " OR ");
		put_expr(out, e->args[1], in, depth + 1);
		buf_putc(out, ')');
		return;
	case X_NOT:
		buf_puts(out, "NOT ");
		put_expr(out, e->args[0], in, depth + 1);
		return;
	case X_NEG:
		buf_putc(out, '-');
		put_expr(out, e->args[0], in, depth + 1);
		return;
	case X_CMP:
	case X_ARITH:
		if (e->kind == X_ARITH)
			buf_putc(out, '(');
		put_expr(out, e->args[0], in, depth + 1);
		buf_printf(out, " %s ", e->kind == X_CMP ? cmp_text[e->op] : arith_text[e->op]);
		put_expr(out, e->args[1], in, depth + 1);
		if (e->kind == X_ARITH)
			buf_putc(out, ')');
		return;
	case X_ISNULL:
		put_expr(out, e->args[0], in, depth + 1);
		buf_puts(out, e->negated ? " IS NOT NULL" : " IS NULL");
		return;
	case X_CAST:
		buf_puts(out, e->safe ? "SAFE_CAST(" : "CAST(");
		put_expr(out, e->args[0], in, depth + 1);
		buf_printf(out, " AS %s)", type_name(e->type));
		return;
	case X_LIKE:
		put_expr(out, e->args[0], in, depth + 1);
		buf_puts(out, e->negated ? " NOT LIKE " : " LIKE ");
		put_expr(out, e->args[1], in, depth + 1);
		return;
	case X_IN:
	case X_FUNC:
	case X_COALESCE:
		if (e->kind == X_IN) {
			put_expr(out, e->args[0], in, depth + 1);
			buf_puts(out, e->negated ? " NOT IN (" : " IN (");
		} else {
			buf_printf(out, "%s(", e->kind == X_FUNC ? e->fn->name : "COALESCE");
		}
		for (size_t i = e->kind == X_IN; i < e->nargs; i++) {
			if (i > (size_t)(e->kind == X_IN))
				buf_puts(out, ", ");
			put_expr(out, e->args[i], in, depth + 1);
		}
		buf_putc(out, ')');
		return;
	case X_PARAM:
		buf_puts(out, "outer ");
		put_ref(out, e->corr->refs[e->col]);
		return;
	case X_SUBQUERY: buf_puts(out, "(SELECT …)"); return;
	case X_EXISTS: buf_puts(out, "EXISTS (SELECT …)"); return;
	case X_INSUB:
		if (e->exists_form)
			buf_puts(out, "EXISTS semi join on ");
		put_expr(out, e->args[0], in, depth + 1);
		buf_puts(out, e->negated ? " NOT IN (SELECT …)" : " IN (SELECT …)");
		return;
	default: buf_puts(out, "CASE …"); return;
	}
}

static void put_scan(struct buf *out, const struct plan *p, const struct node *n, bool *const *scan_parts)
{
	const struct table *t = n->table;
	size_t si = 0;
	while (si < p->nscans && p->scans[si] != n)
		si++;
	buf_printf(out, "scan %s%s%s (%" PRIu64 " rows)", n->table_name, n->alias ? " AS " : "", n->alias ? n->alias : "",
		   t->rows);
	if (si < p->nscans && scan_parts && scan_parts[si]) {
		size_t parts = 0, blocks = 0, kept = 0;
		for (size_t k = 0; k < t->npartitions; k++) {
			blocks += t->partitions[k].nblocks;
			if (!scan_parts[si][k])
				continue;
			parts++;
			for (size_t b = 0; b < t->partitions[k].nblocks; b++)
				kept += !t->partitions[k].blocks || sql_plan_block_may_match(n, &t->partitions[k].blocks[b]);
		}
		buf_printf(out, ": partitions %zu/%zu, blocks %zu/%zu", parts, t->npartitions, kept, blocks);
	}
	const char *sep = "; columns ";
	for (size_t c = 0; c < n->ncols; c++)
		if (n->used[c]) {
			buf_printf(out, "%s%s", sep, n->names[c]);
			sep = ", ";
		}
	sep = "; pruned by ";
	for (size_t k = 0; k < n->nprunes; k++) {
		const struct prune *pr = &n->prunes[k];
		buf_printf(out, "%s%s %s ", sep, n->names[pr->col], pr->nvals > 1 ? "IN" : cmp_text[pr->op]);
		if (pr->nvals > 1)
			buf_putc(out, '(');
		for (size_t i = 0; i < pr->nvals; i++) {
			if (i)
				buf_puts(out, ", ");
			put_value(out, &pr->vals[i]);
		}
		if (pr->nvals > 1)
			buf_putc(out, ')');
		sep = " AND ";
	}
}

static void put_join(struct buf *out, const struct node *n)
{
	static const char *const kinds[] = {"inner", "left", "inner", "right", "full"};
	buf_printf(out, "join %s (estimated %" PRIu64 " rows; holds its second input, estimated %" PRIu64 " rows)",
		   kinds[n->join], join_est_rows(n), join_est_rows(n->right));
	if (!n->njoinkeys)
		buf_puts(out, ": no hash keys, every pair");
	for (size_t k = 0; k < n->njoinkeys; k++) {
		buf_puts(out, k ? " AND " : ": hash keys ");
		put_expr(out, n->lkeys[k], n->child, 0);
		buf_puts(out, " = ");
		put_expr(out, n->rkeys[k], n->right, 0);
	}
	if (n->residual) {
		buf_puts(out, "; residual ");
		put_expr(out, n->residual, n, 0);
	}
}

static void put_node(struct buf *out, const struct plan *p, const struct node *n, bool *const *scan_parts,
		     int depth)
{
	for (; n; n = n->kind == N_JOIN || n->kind == N_UNION ? NULL : n->child, depth++) {
		for (int i = 0; i < depth && i < EXPLAIN_MAX_DEPTH; i++)
			buf_puts(out, "  ");
		switch (n->kind) {
		case N_SCAN: put_scan(out, p, n, scan_parts); break;
		case N_ONE: buf_puts(out, "one row"); break;
		case N_FILTER:
			buf_printf(out, "filter (estimated %" PRIu64 " rows) ", join_est_rows(n));
			put_expr(out, n->pred, n->child, 0);
			break;
		case N_PROJECT:
			buf_puts(out, "project");
			for (size_t c = 0; c < n->ncols && c < 8; c++)
				buf_printf(out, "%s%s", c ? ", " : " ", n->names[c]);
			if (n->ncols > 8)
				buf_printf(out, ", … (%zu columns)", n->ncols);
			break;
		case N_AGG:
			buf_printf(out, "aggregate: %zu key%s, %zu aggregate%s", n->nkeys, n->nkeys == 1 ? "" : "s", n->naggs,
				   n->naggs == 1 ? "" : "s");
			break;
		case N_JOIN: put_join(out, n); break;
		case N_SORT:
			buf_puts(out, "sort by");
			for (size_t k = 0; k < n->nsort; k++)
				buf_printf(out, "%s%s%s", k ? ", " : " ", n->names[n->sort[k].col], n->sort[k].desc ? " DESC" : "");
			if (n->keep)
				buf_printf(out, " (keeps %" PRId64 " rows)", n->keep);
			break;
		case N_LIMIT:
			buf_printf(out, "limit %" PRId64, n->limit);
			if (n->offset)
				buf_printf(out, " offset %" PRId64, n->offset);
			break;
		case N_UNION: buf_puts(out, "union all"); break;
		case N_WINDOW:
			buf_printf(out, "window: %zu function%s", n->nwins, n->nwins == 1 ? "" : "s");
			break;
		case N_UNNEST:
			buf_printf(out, "unnest%s ", n->join == J_LEFT ? " (left join: a row for an empty array)" : "");
			put_expr(out, n->exprs[0], n->child, 0);
			buf_printf(out, " as %s", n->names[n->child->ncols]);
			if (n->ncols > n->child->ncols + 1)
				buf_printf(out, " with offset %s", n->names[n->child->ncols + 1]);
			break;
		}
		buf_putc(out, '\n');
		if (n->kind == N_JOIN || n->kind == N_UNION) {
			if (depth < EXPLAIN_MAX_DEPTH) {
				put_node(out, p, n->child, scan_parts, depth + 1);
				put_node(out, p, n->right, scan_parts, depth + 1);
			}
		}
	}
}

void sql_plan_explain(const struct plan *p, bool *const *scan_parts, struct buf *out)
{
	put_node(out, p, p->root, scan_parts, 0);
	for (size_t i = 0; i < p->nsubqs; i++) {
		const struct subq_corr *c = p->subqs[i]->corr;
		if (p->subqs[i]->exists_form) {
			buf_printf(out, "subquery %zu (EXISTS as a semi join: run once, before the query, its keys a hash set):\n",
				   i + 1);
		} else if (!c) {
			buf_printf(out, "subquery %zu (run once, before the query):\n", i + 1);
		} else if (c->grouped) {
			buf_printf(out, "subquery %zu (correlated by equalities on ", i + 1);
			for (size_t k = 0; k < c->nparams; k++) {
				buf_puts(out, k ? ", " : "");
				put_ref(out, c->refs[k]);
			}
			buf_puts(out, ", decorrelated: grouped once by its keys, each row's group looked up; a value no group "
				      "has gets the answer over no rows):\n");
			put_node(out, p, c->grouped, scan_parts, 1);
			continue;
		} else {
			buf_printf(out, "subquery %zu (correlated: run once per distinct ", i + 1);
			for (size_t k = 0; k < c->nparams; k++) {
				buf_puts(out, k ? ", " : "");
				put_ref(out, c->refs[k]);
			}
			buf_puts(out, p->subqs[i]->kind == X_INSUB ? " and IN's operand" : "");
			buf_puts(out, ", each answer kept):\n");
		}
		put_node(out, p, p->subqs[i]->sub, scan_parts, 1);
	}
	if (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
}
