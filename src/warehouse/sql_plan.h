/* sql_plan: a syntax tree -> a tree of operators over typed column vectors.
 * Names are resolved and typed here, literals coerced (a string compared
 * with a TIMESTAMP is a timestamp), and the WHERE conjuncts on columns with
 * constants kept for partition and block pruning.  The planner's files
 * and their layers are listed in sql_plan_int.h. */
#ifndef PIPE_SQL_PLAN_H
#define PIPE_SQL_PLAN_H

#include "sql_parse.h"
#include "table.h"
#include "value.h"

enum pexpr_kind {
	X_CONST, X_COL, X_FUNC, X_AND, X_OR, X_NOT, X_CMP, X_ARITH, X_NEG,
	X_CASE, X_CAST, X_IN, X_LIKE, X_ISNULL, X_ISBOOL, X_COALESCE,
	X_SUBQUERY, /* (SELECT ...): its one value, a constant */
	X_EXISTS,   /* EXISTS (SELECT ...), a constant */
	X_INSUB,    /* args[0] [NOT] IN (SELECT ...) */
	X_PARAM,    /* in a correlated subquery: a column of the query around
	             * it, one value per run (corr->vals[col]), a constant */
};
enum cmp_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
enum arith_op { AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_CONCAT };

struct sql_func;
struct node;

/* An uncorrelated subquery's rows, computed once before the query runs:
 * for IN, a hash set of its distinct values. */
struct subq_set {
	struct vec vals;
	bool init, has_null, empty;
	uint32_t *table; /* index into vals + 1, 0 empty */
	size_t mask;
};

/* A correlated subquery's parameters: the columns of the query around it
 * that it names.  The subquery's pexpr (X_SUBQUERY, X_EXISTS, X_INSUB)
 * owns it and holds their values as args (after X_INSUB's operand); it
 * runs the subquery once per distinct row of them, and the cache keeps
 * each run's answer by those values (and IN's operand). */
struct subq_corr {
	size_t nparams;
	const struct ast **refs;  /* the names (one parameter each), for explain */
	struct pexpr **args;      /* while binding: their values, moved to the pexpr */
	struct vec *vals;         /* per parameter: the value of the current run */
	struct exec_stats *st;    /* set by exec_subqueries */
	struct vec *keys;         /* the cache: per argument, a column of keys */
	struct vec answers;
	uint64_t *hashes;         /* per answer: its keys' hash */
	uint32_t *table;          /* index into answers + 1, 0 empty */
	size_t mask, nkeys;
	bool init;
	/* a scalar aggregate correlated by equalities alone, decorrelated
	 * (sql_subquery.c): the inner query grouped by its keys, its columns the
	 * keys (in the parameters' order) and the answer; loaded into the
	 * cache at the first row, and the answer over no rows (the query run
	 * with NULL parameters) for the values no group has */
	struct node *grouped;
	bool loaded, has_empty;
	size_t empty;
};

/* A bound expression.  Evaluation writes a vector of n values to out; a
 * constant (isconst) is one value that stands for every row. */
struct pexpr {
	enum pexpr_kind kind;
	enum type type;
	int op;
	int col;                /* X_COL: the input column */
	struct value lit;       /* X_CONST (strings point into litbuf) */
	char *litbuf;
	const struct sql_func *fn;
	struct pexpr **args;
	size_t nargs;
	bool negated, safe, has_operand, has_else, isconst;
	bool winref;            /* X_COL naming window col until the window node is placed */
	bool exists_form;       /* X_INSUB made of an EXISTS (a semi join): NULL is FALSE */
	bool array_form;        /* X_SUBQUERY of ARRAY(SELECT ...): every row's value, an ARRAY */
	int line, pos;          /* where it was written, for runtime errors */
	struct vec out;
	bool out_init;
	struct node *sub;       /* X_SUBQUERY, X_EXISTS, X_INSUB */
	struct subq_set set;    /* X_INSUB */
	struct subq_corr *corr; /* a correlated subquery's (owned); X_PARAM's (not) */
	void *fnstate;          /* X_FUNC: what fn keeps between rows (a compiled regex) */
	void (*fnstate_free)(void *);
};

enum agg_kind { AG_COUNT_STAR, AG_COUNT, AG_SUM, AG_AVG, AG_MIN, AG_MAX, AG_COUNTIF, AG_ANY, AG_STRING_AGG, AG_ARRAY_PICK, AG_APPROX_DISTINCT,
		AG_ARRAY /* ARRAY_AGG: the values as an ARRAY */,
		AG_QUANTILES /* APPROX_QUANTILES: an ARRAY of the values at nquantiles + 1 ranks */,
		AG_CORR, AG_COVAR_POP, AG_COVAR_SAMP /* of number pairs: arg and arg2 */,
		AG_VAR_SAMP, AG_VAR_POP, AG_STDDEV_SAMP, AG_STDDEV_POP /* a group's mean and squared deviations */ };

/* STRING_AGG, ARRAY_AGG and APPROX_QUANTILES: the values kept, in order */
static inline bool agg_collects(enum agg_kind k)
{
	return k == AG_STRING_AGG || k == AG_ARRAY_PICK || k == AG_ARRAY || k == AG_QUANTILES;
}

/* CORR and COVAR_: an aggregate of number pairs (arg, arg2) */
static inline bool agg_of_pairs(enum agg_kind k) { return k >= AG_CORR && k <= AG_COVAR_SAMP; }

struct agg {
	enum agg_kind kind;
	bool distinct;
	struct pexpr *arg; /* NULL for COUNT(*) */
	struct pexpr *arg2; /* CORR, COVAR_POP, COVAR_SAMP: the second number */
	enum type type;    /* the result */
	/* AG_STRING_AGG, AG_ARRAY_PICK: the values in the order of order[]
	 * (okeys[k]'s desc and nulls_first; col unused), at most limit (-1:
	 * all); STRING_AGG's separator; ARRAY_AGG(...)[OFFSET(pick)] */
	struct pexpr **order;
	struct sort_key *okeys;
	size_t norder;
	int64_t limit;
	char *sep;
	int64_t pick;
	int64_t nquantiles; /* APPROX_QUANTILES' number */
	bool pick_safe, ignore_nulls;
	bool nulls_ok; /* a STRUCT's field (sql_struct.c): a NULL is a value, not a NULL element */
};

struct sort_key {
	int col;
	bool desc, nulls_first;
};

enum win_kind { W_ROW_NUMBER, W_RANK, W_DENSE_RANK, W_PERCENT_RANK, W_CUME_DIST, W_NTILE, W_LAG, W_LEAD,
		W_FIRST_VALUE, W_LAST_VALUE, W_NTH_VALUE, W_PERCENTILE_CONT, W_PERCENTILE_DISC, W_AGG };

/* One analytic function: fn(arg) OVER (PARTITION BY part ORDER BY order
 * frame).  The frame is always explicit here: the binder fills in
 * BigQuery's defaults. */
struct win {
	enum win_kind kind;
	enum agg_kind agg;      /* W_AGG */
	struct pexpr *arg;      /* NULL for ROW_NUMBER, RANK, DENSE_RANK, COUNT(*) */
	struct pexpr *def;      /* LAG, LEAD: the default, a constant (NULL: NULL) */
	int64_t offset;         /* LAG, LEAD; NTILE's buckets; NTH_VALUE's n */
	double percentile;      /* PERCENTILE_CONT, PERCENTILE_DISC: from 0 to 1 */
	struct pexpr **part;
	size_t npart;
	struct pexpr **order;
	bool *desc, *nulls_first;
	size_t norder;
	bool range;             /* RANGE (peers) rather than ROWS */
	int lo, hi;             /* enum frame_bound */
	int64_t lo_n, hi_n;
	enum type type;         /* the result */
};

/* N_UNNEST: per row of its child, a row per element of the array exprs[0]
 * (join J_INNER), or one with NULL for none (J_LEFT): the child's columns,
 * the element, and with WITH OFFSET its place from 0 */
enum node_kind { N_SCAN, N_ONE, N_FILTER, N_PROJECT, N_AGG, N_JOIN, N_SORT, N_LIMIT, N_UNION, N_WINDOW, N_UNNEST };

/* A conjunct of WHERE usable for pruning: col op value (a BETWEEN is two). */
struct prune {
	int col;        /* the table's column */
	enum cmp_op op; /* CMP_EQ for IN: vals holds the list */
	struct value *vals;
	size_t nvals;
};

struct node {
	enum node_kind kind;
	size_t ncols;       /* output columns */
	enum type *types;
	char **names;
	struct node *child, *right; /* N_UNION: child's rows, then right's */

	/* N_SCAN */
	struct table *table;
	char *table_name;
	char *alias;        /* as written, or NULL */
	bool *used;         /* per table column: referenced */
	/* N_SCAN, per table column: needed by the query's result, through
	 * subqueries, WITH and unused select items (what the bytes count);
	 * N_PROJECT, per output column: evaluated (NULL: all) */
	bool *live;
	/* per table column: referenced only by an exact WHERE above, so a block
	 * whose statistics satisfy the WHERE need not read it */
	bool *filter_only;
	struct prune *prunes;
	size_t nprunes;
	/* N_FILTER */
	struct pexpr *pred;
	bool pred_exact;    /* pred is exactly its scan child's prunes */
	/* N_PROJECT */
	struct pexpr **exprs;
	/* N_AGG: output = keys, then aggregates */
	struct pexpr **keys;
	size_t nkeys;
	struct agg *aggs;
	size_t naggs;
	/* N_JOIN: equi-join keys (left side, right side) and the rest of ON */
	int join;           /* J_INNER, J_LEFT, J_CROSS */
	struct pexpr **lkeys, **rkeys;
	size_t njoinkeys;
	struct pexpr *residual; /* over left ++ right columns */
	/* N_SORT */
	struct sort_key *sort;
	size_t nsort;
	int64_t keep;       /* a LIMIT above: only the first keep rows matter (0: all) */
	/* N_LIMIT */
	int64_t limit, offset;
	/* N_WINDOW: output = the child's columns, then one per window */
	struct win *wins;
	size_t nwins;

	void *state;        /* the executor's */
};

/* What a plan reads: per scanned table, for the bytes and the summary. */
struct plan {
	struct node *root;
	size_t nout;        /* visible output columns (root->ncols may hold more) */
	struct node **scans;
	size_t nscans;
	struct pexpr **subqs; /* subqueries in expressions, inner ones first */
	size_t nsubqs;
	/* the binder's levels open and steps so far: a CTE is planned where
	 * it is named, so a chain of them nests deeper than the syntax, and
	 * one named twice in each of the next doubles the work */
	int depth;
	size_t steps;
	int64_t now_us; /* CURRENT_TIMESTAMP: the statement's one time (stmt->now_us) */
	/* the table read from a directory of its own (sql_options) */
	const char *read_table, *read_from;
};

/* The binder's steps (an expression node, a FROM item or a query bound)
 * in one statement: pipe's own bound on planning work and memory. */
#define SQL_MAX_PLAN_STEPS 100000

/* root: where tables are found; read_table, read_from: as in struct
 * sql_options (NULL for none). */
int sql_plan_select(const struct stmt *s, const struct select *sel, const char *root,
                    const char *read_table, const char *read_from, struct plan *out);
void sql_plan_free(struct plan *p);
/* Decides which partitions a scan reads (scan[p]) from its prunes. */
void sql_plan_partitions(const struct node *scan, bool *scan_part);
/* Whether a block may hold rows the prunes accept, from its min/max. */
bool sql_plan_block_may_match(const struct node *scan, const struct block *b);
/* Whether BigQuery's block pruning keeps the block, which is what it bills:
 * only the prunes on a prefix of the clustering columns count. */
bool sql_plan_block_billed(const struct node *scan, const struct block *b);
/* Whether every row of a block is accepted by the prunes. */
bool sql_plan_block_all_match(const struct node *scan, const struct block *b);

/* The plan as text (pipe query --explain): an operator a line, its inputs
 * indented under it; scan_parts: per scan, the partitions it reads. */
void sql_plan_explain(const struct plan *p, bool *const *scan_parts, struct buf *out);

void pexpr_free(struct pexpr *e);

#endif
