/* sql_func_int: what sql_func.c (the table of functions and most of their
 * rows) and sql_regex.c (the REGEXP_ family) share, included by them
 * alone. */
#ifndef PIPE_SQL_FUNC_INT_H
#define PIPE_SQL_FUNC_INT_H

#include "sql_func.h"

#define T(i) (e->args[i]->type)
#define NOSIG TYPE_COUNT

static inline bool is_str(enum type t) { return t == TYPE_NULL || t == TYPE_STRING; }

static inline struct value str_out(struct arena *mem, const char *p, size_t n)
{
	return value_string(arena_strndup(mem, p, n), n);
}

/* The byte offset of character k (0-based) of p, or n. */
size_t utf8_offset(const char *p, size_t n, size_t k);

/* sql_regex.c: RE2's patterns, read by POSIX regex.h */
enum type check_regexp(struct pexpr *e);
int row_regexp_contains(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
int row_regexp_extract(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
int row_regexp_replace(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);

#endif
