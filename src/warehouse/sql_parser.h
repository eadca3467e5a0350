/* sql_parser: what the two halves of the parser share: the cursor over
 * the tokens and its errors (sql_parse.c), and the parts each half parses
 * for the other: expressions (sql_parse_expr.c) and queries (sql_parse.c,
 * for subqueries). */
#ifndef PIPE_SQL_PARSER_H
#define PIPE_SQL_PARSER_H

#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_parse.h"

struct parser {
	struct sql_tokens t;
	size_t pos;
	const char *src;
	int depth; /* parse_expr, parse_select and unary operators open */
	/* the "((" where no join in parentheses parses, found once: trying
	 * it again from each enclosing "(" made nested parentheses cost
	 * twice as much at each level */
	unsigned char *no_join;
};

static inline struct sql_token *peek(struct parser *p) { return &p->t.v[p->pos]; }
static inline struct sql_token *peek2(struct parser *p)
{
	return &p->t.v[p->pos + 1 < p->t.n ? p->pos + 1 : p->pos];
}

static inline bool is_kw(struct sql_token *t, const char *kw)
{
	return t->kind == TK_KEYWORD && strcmp(t->text, kw) == 0;
}
/* Non-reserved words that act as keywords in one place (TABLE, REPLACE...). */
static inline bool is_word(struct sql_token *t, const char *w)
{
	return t->kind == TK_IDENT && !t->quoted && str_eq_nocase(t->text, w);
}
static inline bool is_op(struct sql_token *t, const char *op)
{
	return t->kind == TK_OP && strcmp(t->text, op) == 0;
}

static inline bool accept_kw(struct parser *p, const char *kw)
{
	if (!is_kw(peek(p), kw))
		return false;
	p->pos++;
	return true;
}
static inline bool accept_word(struct parser *p, const char *w)
{
	if (!is_word(peek(p), w))
		return false;
	p->pos++;
	return true;
}
static inline bool accept_op(struct parser *p, const char *op)
{
	if (!is_op(peek(p), op))
		return false;
	p->pos++;
	return true;
}

static inline void grow(int *height, int child)
{
	if (*height < child + 1)
		*height = child + 1;
}

/* "Syntax error: Expected <what> but got ..." (what NULL: "Unexpected
 * ...") at the current token. */
int parse_expected(struct parser *p, const char *what);
int parse_expect_op(struct parser *p, const char *op);
int parse_expect_kw(struct parser *p, const char *kw);
int parse_too_deep(struct parser *p, int line, int col);
/* One more level of the parser's own recursion, or the error. */
bool parse_enter(struct parser *p, int *error);

/* sql_parse_expr.c */
struct ast *parse_expr(struct parser *p, int *error);
char *parse_ident(struct parser *p, int *error);
char *parse_path(struct parser *p, int *error);
int parse_int_clause(struct parser *p, int64_t *out);
int parse_order_items(struct parser *p, struct order_item **order, size_t *norder);
/* ([w] [PARTITION BY ...] [ORDER BY ...] [frame]): an OVER's or a WINDOW
 * clause's; *out is set (to free) even on failure. */
int parse_window_spec(struct parser *p, struct ast_window **out);
void window_free(struct ast_window *w);

/* sql_parse.c */
struct select *parse_select(struct parser *p, int *error);
void select_free(struct select *s);

#endif
