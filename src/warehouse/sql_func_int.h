/* sql_func_int: what sql_func.c (the table of functions and most of their
 * rows), sql_func_time.c (dates and times) and sql_regex.c (the REGEXP_
 * family) share, included by them alone. */
#ifndef PIPE_SQL_FUNC_INT_H
#define PIPE_SQL_FUNC_INT_H

#include "sql_func.h"

#define T(i) (e->args[i]->type)
#define NOSIG TYPE_COUNT

static inline bool is_str(enum type t) { return t == TYPE_NULL || t == TYPE_STRING; }
static inline bool is_num(enum type t) { return t == TYPE_NULL || type_is_numeric(t); }
static inline bool is_int(enum type t) { return t == TYPE_NULL || t == TYPE_INT64; }
static inline bool is_time(enum type t)
{
	return t == TYPE_NULL || t == TYPE_TIMESTAMP || t == TYPE_DATETIME || t == TYPE_DATE;
}

static inline struct value str_out(struct arena *mem, const char *p, size_t n)
{
	return value_string(arena_strndup(mem, p, n), n);
}

/* The byte offset of character k (0-based) of p, or n. */
size_t utf8_offset(const char *p, size_t n, size_t k);

/* sql_func_time.c: dates and times */
enum type check_date(struct pexpr *e);
int row_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_timestamp(struct pexpr *e);
int row_timestamp(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_datetime(struct pexpr *e);
int row_datetime(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_trunc(struct pexpr *e);
int row_trunc(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_format_time(struct pexpr *e);
int row_format_time(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_date_diff(struct pexpr *e);
int row_date_diff(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_time_add(struct pexpr *e);
int row_time_add(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_parse_time(struct pexpr *e);
int row_parse_time(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_last_day(struct pexpr *e);
int row_last_day(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_from_epoch(struct pexpr *e);
int row_from_epoch(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_to_epoch(struct pexpr *e);
int row_to_epoch(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_unix_date(struct pexpr *e);
int row_unix_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
enum type check_from_unix_date(struct pexpr *e);
int row_from_unix_date(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);

/* sql_regex.c: RE2's patterns, read by POSIX regex.h */
enum type check_regexp(struct pexpr *e);
int row_regexp_contains(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
int row_regexp_extract(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);
int row_regexp_replace(struct pexpr *e, const struct value *a, struct value *out, struct arena *mem);

#endif
