/* sql_parse: tokens -> a syntax tree of one statement. */
#ifndef PIPE_SQL_PARSE_H
#define PIPE_SQL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ast_kind {
	A_NULL, A_BOOL, A_INT, A_FLOAT, A_STRING, /* literals */
	A_TYPED,   /* DATE '2020-01-01', NUMERIC '1.5'...: name = type, s = text */
	A_COLUMN,  /* [qual.]name */
	A_STAR,    /* the * of COUNT(*) */
	A_UNARY,   /* op: "-", "+", "NOT" */
	A_BINARY,  /* op: "+", "-", "*", "/", "||", "=", "!=", "<", "<=", ">", ">=", "AND", "OR" */
	A_CALL,    /* name(args), distinct for COUNT(DISTINCT x) */
	A_CASE,    /* args: [operand] (when, then)* [else]; has_operand, has_else */
	A_CAST,    /* args[0] AS name; safe for SAFE_CAST */
	A_BETWEEN, /* args: x, lo, hi; negated */
	A_IN,      /* args: x, list...; negated */
	A_LIKE,    /* args: x, pattern; negated */
	A_ISNULL,  /* args: x; negated; name = "NULL", "TRUE" or "FALSE" */
	A_EXTRACT, /* name = part, args[0] */
	A_SUBQUERY, /* (SELECT ...) as a value: sub; name "array" for ARRAY(SELECT ...) */
	A_EXISTS,  /* EXISTS (SELECT ...): sub */
};

struct ast {
	enum ast_kind kind;
	int line, col;
	int height;   /* 1 for a leaf; subqueries included (see SQL_MAX_DEPTH) */
	char *op;     /* an operator; the element type of ARRAY<type>[...] */
	char *name;   /* column, function (lower case), type, part */
	char *qual;   /* column qualifier: t in t.col */
	char *s;      /* string literal; a float literal's text */
	int64_t i;
	double d;
	bool b, distinct, negated, safe, has_operand, has_else;
	struct ast **args;
	size_t nargs;
	struct ast_window *over; /* A_CALL: name(args) OVER (...) */
	/* A_CALL of STRING_AGG or ARRAY_AGG: its own [IGNORE NULLS] [ORDER BY
	 * ...] [LIMIT n]; ARRAY_AGG(...)[OFFSET(k)]: the element taken (from
	 * 0; SAFE_: NULL when out of range) */
	struct order_item *agg_order;
	size_t nagg_order;
	bool ignore_nulls, respect_nulls, has_limit, has_pick, pick_safe;
	int64_t agg_limit, pick;
	struct select *sub;      /* A_SUBQUERY, A_EXISTS, and A_IN with a subquery */
	char *alias;             /* an argument of STRUCT(x AS alias, ...) */
	bool struct_field;       /* ARRAY_AGG of a STRUCT's field (sql_struct.c): NULL is no NULL element */
};

struct select_item {
	struct ast *expr;   /* NULL for * and t.* */
	char *star_qual;    /* t of t.* */
	char *alias;
	bool field;         /* a STRUCT's field (sql_struct.c): its alias is no name GROUP BY finds */
	char **except;      /* * EXCEPT (a, b) */
	size_t nexcept;
	struct ast **replace; /* * REPLACE (x AS a, ...): x, its alias the name */
	size_t nreplace;
	int line, col;
};

/* F_UNNEST: UNNEST(expression) of an array value, on its own or on the
 * right of a join, where the expression may name the left side's columns */
enum from_kind { F_TABLE, F_SUBQUERY, F_JOIN, F_UNNEST };
enum join_type { J_INNER, J_LEFT, J_CROSS, J_RIGHT, J_FULL };

struct from {
	enum from_kind kind;
	char *table;          /* F_TABLE: the name as written, parts joined by dots */
	char *alias;
	struct select *sub;   /* F_SUBQUERY */
	struct from *left, *right; /* F_JOIN */
	enum join_type join;
	struct ast *on;
	struct ast *array;    /* F_UNNEST: the array */
	char *offset;         /* F_UNNEST ... WITH OFFSET [AS] offset, or NULL */
	char **using;         /* JOIN ... USING (a, b) */
	size_t nusing;
	int line, col;
	int height;
};

struct order_item {
	struct ast *expr;
	bool desc;
	int nulls; /* 0 default, 1 first, 2 last */
};

/* A window frame's bound: UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW,
 * n FOLLOWING, UNBOUNDED FOLLOWING (in this order). */
enum frame_bound { FB_UNBOUNDED_PRECEDING, FB_PRECEDING, FB_CURRENT, FB_FOLLOWING, FB_UNBOUNDED_FOLLOWING };
enum frame_kind { FRAME_DEFAULT, FRAME_ROWS, FRAME_RANGE };

/* OVER (PARTITION BY ... ORDER BY ... [ROWS|RANGE BETWEEN lo AND hi]) */
struct ast_window {
	struct ast **part;
	size_t npart;
	struct order_item *order;
	size_t norder;
	enum frame_kind frame;
	enum frame_bound lo, hi;
	int64_t lo_n, hi_n;
	int frame_line, frame_col;
	char *name; /* OVER w, OVER (w ORDER BY ...): a window of the WINDOW clause */
	int name_line, name_col;
};

/* WINDOW name AS (spec), ... */
struct named_window {
	char *name;
	struct ast_window *w;
};

struct cte {
	char *name;
	struct select *sel;
};

enum set_op { SET_UNION, SET_INTERSECT, SET_EXCEPT };

struct select {
	struct cte *ctes;
	size_t nctes;
	bool distinct;
	struct select_item *items;
	size_t nitems;
	struct from *from; /* NULL for SELECT 1 */
	struct ast *where, *having, *qualify;
	struct ast **group;
	size_t ngroup;
	struct order_item *order;
	size_t norder;
	struct named_window *windows; /* WINDOW w AS (...), ... */
	size_t nwindows;
	int64_t limit, offset; /* -1 = none */
	int line, col;
	/* a set operation: arms[0] UNION ALL|DISTINCT arms[1] ...; the
	 * select's own ORDER BY and LIMIT apply to the result, the rest of
	 * its fields are unused */
	struct select **arms;
	size_t narms;
	bool union_distinct;  /* UNION DISTINCT (INTERSECT and EXCEPT always are) */
	enum set_op setop;
	bool paren; /* written in parentheses */
	bool as_value; /* SELECT AS VALUE: its one item's value, a STRUCT's fields as columns */
	int height; /* of the whole query, its expressions and FROM included */
};

enum stmt_kind { S_SELECT, S_CREATE, S_INSERT, S_DROP };

struct option {
	char *key;
	struct ast *value;
};

/* CREATE TABLE t (name TYPE [NOT NULL], ...): type as written, and where */
struct column_decl {
	char *name, *type;
	bool not_null;
	int line, col;
};

struct stmt {
	enum stmt_kind kind;
	/* the query; INSERT ... VALUES: its rows, SELECT v, ... UNION ALL
	 * SELECT ... (values set); CREATE TABLE t (columns): NULL or AS SELECT */
	struct select *sel;
	bool values;
	struct column_decl *decls; /* CREATE TABLE t (columns) */
	size_t ndecls;
	char *table;      /* CREATE/INSERT/DROP target */
	int table_line, table_col;
	bool or_replace, if_not_exists, if_exists;
	struct ast *partition_by;
	char **cluster_by;
	size_t ncluster;
	int cluster_line, cluster_col;
	struct option *options;
	size_t noptions;
	char **columns;   /* INSERT INTO t (columns) */
	size_t ncolumns;
	const char *src;  /* the text, for error carets (not owned) */
	int64_t now_us;   /* CURRENT_TIMESTAMP and CURRENT_DATE: set by the runner */
};

/* The limits that keep every later pass over the tree (binder, planner,
 * execution, the dependency walk) within the stack of the thread running
 * it: the lexer refuses a statement longer than SQL_MAX_QUERY_CHARS
 * characters (BigQuery's 1024K, sql_lex.h); the parser a tree higher than SQL_MAX_DEPTH (nested
 * parentheses, calls, CASE, subqueries, and the chains a+b+c+... and
 * x OR y OR ..., which are trees as high as they are long), an IN list of
 * more than SQL_MAX_IN_LIST values and a column alias longer than
 * SQL_MAX_NAME characters (BigQuery's 300).  docs/sql.md, "Limits". */
#define SQL_MAX_DEPTH 1000
#define SQL_MAX_IN_LIST 256
#define SQL_MAX_NAME 300

int sql_parse(const char *src, struct stmt **out);
/* BigQuery's error for a query nested deeper than SQL_MAX_DEPTH. */
int sql_error_too_deep(const char *src, int line, int col);
void sql_stmt_free(struct stmt *s);
void ast_free(struct ast *a);

#endif
