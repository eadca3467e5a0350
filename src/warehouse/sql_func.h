/* sql_func: the scalar function table (names, argument checks, a row at a
 * time evaluation).  Aggregates and the operators live in sql_plan/sql_exec. */
#ifndef PIPE_SQL_FUNC_H
#define PIPE_SQL_FUNC_H

#include "sql_plan.h"
#include "value.h"

struct sql_func {
	const char *name; /* upper case, as errors print it */
	int minargs, maxargs;
	int part_arg;     /* the argument written as a bare date part (DAY), or -1 */
	bool nonstrict;   /* called with NULL arguments (else NULL in, NULL out) */
	/* The result type for the arguments' types (e->args[i]->type), or
	 * TYPE_COUNT when no signature matches.  May retype NULL literals. */
	enum type (*check)(struct pexpr *e);
	/* One row: args are e->nargs values; strings of the result go in mem.
	 * Errors are PIPE_EUSAGE with BigQuery's words. */
	int (*row)(struct pexpr *e, const struct value *args, struct value *out, struct arena *mem);
};

const struct sql_func *sql_func_find(const char *name);
/* "No matching signature for function LOWER for argument types: INT64" */
int sql_func_signature_error(const struct pexpr *e, const char *src);

#endif
