/* sql_plan_int: what the query planner's files share, included by them
 * alone (sql_plan.h is the planner's public face).  The planner in layers,
 * each calling only the ones below it:
 *
 *   sql_plan.c     the SELECT: select list, GROUP BY, HAVING, windows,
 *                  ORDER BY, QUALIFY, DISTINCT, LIMIT, set operations;
 *                  sql_plan_select and sql_plan_free
 *   sql_from.c     the FROM clause: tables, WITH names, subqueries, joins,
 *                  UNNEST
 *   sql_struct.c   STRUCT values in the select list, taken apart into
 *                  columns
 *   sql_joinorder.c  chains of inner and comma joins with the WHERE: the
 *                  order of the joins, their keys, the filters' places
 *   sql_prune.c    prunes from the WHERE, partitions and blocks, filter
 *                  pushdown and the columns the query needs
 *   sql_bind.c     expressions: operators, calls, aggregates, analytic
 *                  functions
 *   sql_subquery.c subqueries in expressions, and their decorrelations
 *   sql_resolve.c  names and types: columns in scope, coercion, the
 *                  operands' common type
 *   sql_node.c     the trees: bound expressions and operator nodes, made
 *                  and freed
 *
 * and, beside them, sql_func.c, the table of functions.  One call goes
 * back up, as the grammar does: a subquery, in FROM or in an expression,
 * is a SELECT of its own, planned by plan_select. */
#ifndef PIPE_SQL_PLAN_INT_H
#define PIPE_SQL_PLAN_INT_H

#include "sql_plan.h"

struct scol {
	char *qual, *name;
	enum type type;
	struct node *scan; /* the scan it comes from, if a table column */
	int tcol;
	bool qual_only;    /* a USING column's own side: found only as t.col */
	bool struct_field; /* a field of STRUCT qual (sql_struct.c): found as qual.name, and * keeps it */
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
	 * may name (parameters, in corr) */
	struct binder *outer;
	struct subq_corr *corr;
	/* while FROM is planned: the WHERE, whose conjuncts on a join chain's
	 * columns alone it may apply early (NULL under the side an outer join
	 * fills with NULLs, where that would change the result) */
	const struct ast *where_hint;
};
/* sql_plan.c: a SELECT (or set operation) and the WITH names it defines,
 * as a tree whose first nout columns are its result. */
int plan_select(struct binder *parent, const struct select *sel, struct node **out, size_t *nout);

/* sql_struct.c: a select list whose STRUCT values are taken apart into
 * one item per field, "s.field"; used false when it has none (then sel is
 * planned as written). */
struct struct_items {
	struct select sel;  /* a copy of the query with the items taken apart */
	bool used;
	struct ast **made;  /* the nodes made for it */
	size_t nmade;
};
int struct_expand(struct binder *b, const struct select *sel, struct struct_items *x);
void struct_items_free(struct struct_items *x);

/* sql_from.c: the FROM item f, its columns added to scope. */
int plan_from(struct binder *b, const struct from *f, struct node **out, struct scope *scope);
/* Whether item, on the right of a join, is a path x.arr whose x names an
 * item of left (BigQuery's FROM t, t.arr: UNNEST(t.arr) AS arr). */
bool from_is_path(const struct from *left, const struct from *item);

/* sql_joinorder.c: a chain of inner and comma joins, planned as a whole. */
struct joinset;
/* Whether f is such a chain: an inner or comma join without USING. */
bool joins_is_chain(const struct from *f);
/* Plans the chain's items in written order, their columns added to scope,
 * and binds the ON conditions. */
int joins_collect(struct binder *b, const struct from *f, struct scope *scope, struct joinset **out);
/* Adds the WHERE's conjuncts, taking where. */
void joins_add_where(struct joinset *js, struct pexpr *where);
/* The joins, ordered, with every conjunct placed; frees js. */
int joins_build(struct joinset *js, struct node **out);
void joins_free(struct joinset *js);
/* joins_collect, then joins_build. */
int joins_plan(struct binder *b, const struct from *f, struct node **out, struct scope *scope);
/* A rough row count of n's result, for the join order and held sides. */
uint64_t join_est_rows(const struct node *n);

/* sql_prune.c */
/* Adds the WHERE conjuncts e holds on scan columns to their scans'
 * prunes; whether e became prunes exactly. */
bool prune_extract(struct binder *b, const struct pexpr *e);
/* Pushes the filters down and marks the columns the finished plan needs. */
int plan_needs(struct plan *p);

/* sql_bind.c */
/* Binds the expression a, a step of the binder's bounded work. */
int bind_expr(struct binder *b, const struct ast *a, struct pexpr **out);
/* Takes one step a level deeper: errors past SQL_MAX_DEPTH levels or
 * SQL_MAX_PLAN_STEPS steps; the caller gives the level back. */
int binder_enter(struct binder *b, int line, int col);
/* Whether a holds an aggregate call (not an analytic one). */
bool bind_has_agg(const struct ast *a);
/* Whether a and b are written the same (names ignoring case). */
bool bind_ast_equal(const struct ast *a, const struct ast *b);

/* sql_subquery.c: the subqueries of an expression */
/* A column of the query around a subquery: the subquery's parameter. */
int bind_param(struct binder *b, const struct ast *a, struct pexpr **out);
/* (SELECT ...) and EXISTS (SELECT ...), correlated or not. */
int bind_subquery(struct binder *b, const struct ast *a, struct pexpr **out);
/* x [NOT] IN (SELECT ...) */
int bind_insub(struct binder *b, const struct ast *a, struct pexpr **out);
/* EXISTS (SELECT ...), as a semi join where its form allows. */
int bind_exists(struct binder *b, const struct ast *a, struct pexpr **out);
/* Keeps a grouped plan beside the correlated scalar aggregate subquery e
 * (of a) where its form allows. */
void decorrelate_scalar(struct binder *b, const struct ast *a, struct pexpr *e);

/* sql_resolve.c */
void scope_add(struct scope *s, const char *qual, const char *name, enum type t, struct node *scan, int tcol);
/* A column of a subquery or WITH query, qual its alias: a STRUCT's field
 * "s.field" is field, qualified by s alone (sql_struct.c). */
void scope_add_output(struct scope *s, const char *qual, const char *name, enum type t);
void scope_free(struct scope *s);
/* The scope index of a column reference; marks a table column used.  1
 * (and -1) for a column of the query around a subquery, its parameter. */
int resolve_column(struct binder *b, const struct ast *a, int *out);
/* The closest of names to name, ignoring case, if a likely typo; or NULL. */
const char *resolve_closest(const char *name, const char *const *names, size_t n);
/* A type as errors print it: NULL's is INT64. */
const char *resolve_display_type(enum type t);
/* "No matching signature for operator op for argument types: ..." */
int resolve_op_error(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n);
/* Converts *ep to type t: folds a constant, else wraps it in a cast. */
int resolve_coerce(struct binder *b, struct pexpr **ep, enum type t);
/* The common type of two operands, or TYPE_COUNT when there is none. */
enum type resolve_supertype(const struct pexpr *x, const struct pexpr *y);
/* Coerces the n operands of op to their common type, into *out. */
int resolve_unify(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n, enum type *out);

/* sql_node.c */
struct pexpr *px_new(enum pexpr_kind kind, enum type t, const struct ast *at);
void px_add(struct pexpr *e, struct pexpr *arg);
void pexprs_free(struct pexpr **v, size_t n);
/* Frees what an aggregate holds (not g itself). */
void agg_clear(struct agg *g);
struct pexpr *px_const(struct value v, const struct ast *at);
struct pexpr *px_col(int col, enum type t, const struct ast *at);
struct pexpr *node_cmp(enum cmp_op op, struct pexpr *l, struct pexpr *r, const struct ast *at);
void node_win_free(struct win *w);
void subq_corr_free(struct subq_corr *c);
struct node *node_new(enum node_kind kind, size_t ncols);
void node_free(struct node *n);
/* A node of kind over child; a filter, sort or limit passes child's
 * columns through. */
struct node *node_wrap(enum node_kind kind, struct node *child, size_t ncols);

#endif
