/* sql_func: the table of SQL functions, as SQLite's: every function name
 * pipe knows, scalar, aggregate or analytic, with its argument counts, its
 * result type and, for a scalar, its evaluation a row at a time.  The
 * binder, the aggregate planner and the window planner look names up here;
 * aggregates and analytic functions run in sql_exec and sql_window. */
#ifndef PIPE_SQL_FUNC_H
#define PIPE_SQL_FUNC_H

#include "sql_plan.h"
#include "value.h"

/* How a name may be called: an aggregate that is also an analytic
 * function (SUM(x) OVER (...)) is both FN_AGGREGATE and FN_WINDOW. */
enum func_kind {
	FN_SCALAR = 1,
	FN_AGGREGATE = 2,
	FN_WINDOW = 4,      /* fn(...) OVER (...) */
	FN_CONDITIONAL = 8, /* IF, IFNULL, COALESCE: the binder makes a CASE or COALESCE of them */
	FN_NOW = 16,        /* CURRENT_DATE...: the binder passes the statement's time as the one argument */
	FN_DISTINCT = 32,   /* an aggregate that is always DISTINCT (APPROX_COUNT_DISTINCT) */
	FN_ORDERED = 64,    /* an aggregate with its own ORDER BY and LIMIT (STRING_AGG, ARRAY_AGG) */
};

struct sql_func {
	const char *name; /* upper case, as errors print it */
	unsigned kind;    /* enum func_kind */
	int minargs, maxargs;
	int part_arg;     /* the argument written as a bare date part (DAY), or -1 */
	bool nonstrict;   /* called with NULL arguments (else NULL in, NULL out) */
	/* The result type for the arguments' types (e->args[i]->type), or
	 * TYPE_COUNT when no signature matches.  May retype NULL literals.
	 * An aggregate or analytic function is checked on its one value
	 * argument (none for COUNT(*), ROW_NUMBER()).  NULL for FN_CONDITIONAL. */
	enum type (*check)(struct pexpr *e);
	/* FN_SCALAR, one row: args are e->nargs values; strings of the result
	 * go in mem.  Errors are PIPE_EUSAGE with BigQuery's words. */
	int (*row)(struct pexpr *e, const struct value *args, struct value *out, struct arena *mem);
	enum agg_kind agg; /* FN_AGGREGATE */
	enum win_kind win; /* FN_WINDOW: W_AGG for an aggregate */
};

/* The entry named name, ignoring case, or NULL. */
const struct sql_func *sql_func_find(const char *name);
/* "No matching signature for function LOWER for argument types: INT64" */
int sql_func_signature_error(const struct pexpr *e, const char *src);

#endif
