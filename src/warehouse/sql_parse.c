/* sql_parse: tokens -> a syntax tree, by recursive descent.
 *
 * Expression precedence, loosest first, as in BigQuery: OR; AND; NOT;
 * comparisons (=, !=, <>, <, <=, >, >=, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN,
 * IS [NOT]); + and -; *, / and ||; unary - and +.  Errors name the token
 * found the way BigQuery does ("got keyword FROM") with its line and column
 * and a caret under it.
 *
 * Nothing here or in the passes after it recurses without a bound: the
 * parser counts its own nesting (parse_expr, parse_select and unary
 * operators) and each node's height, and refuses either beyond
 * SQL_MAX_DEPTH, so a left-deep chain a+b+c+... is refused at its
 * 1,001st term, before it is built. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_parse.h"

struct parser {
	struct sql_tokens t;
	size_t pos;
	const char *src;
	int depth; /* parse_expr, parse_select and unary operators open */
};

static struct select *parse_select(struct parser *p, int *error);
static struct ast *parse_expr(struct parser *p, int *error);
static int parse_order_items(struct parser *p, struct order_item **order, size_t *norder);
static int parse_over(struct parser *p, struct ast *call);
static void select_free(struct select *s);

static struct sql_token *peek(struct parser *p) { return &p->t.v[p->pos]; }
static struct sql_token *peek2(struct parser *p)
{
	return &p->t.v[p->pos + 1 < p->t.n ? p->pos + 1 : p->pos];
}

static bool is_kw(struct sql_token *t, const char *kw)
{
	return t->kind == TK_KEYWORD && strcmp(t->text, kw) == 0;
}
/* Non-reserved words that act as keywords in one place (TABLE, REPLACE...). */
static bool is_word(struct sql_token *t, const char *w)
{
	return t->kind == TK_IDENT && !t->quoted && str_eq_nocase(t->text, w);
}
static bool is_op(struct sql_token *t, const char *op)
{
	return t->kind == TK_OP && strcmp(t->text, op) == 0;
}

static bool accept_kw(struct parser *p, const char *kw)
{
	if (!is_kw(peek(p), kw))
		return false;
	p->pos++;
	return true;
}
static bool accept_word(struct parser *p, const char *w)
{
	if (!is_word(peek(p), w))
		return false;
	p->pos++;
	return true;
}
static bool accept_op(struct parser *p, const char *op)
{
	if (!is_op(peek(p), op))
		return false;
	p->pos++;
	return true;
}

static void describe(struct sql_token *t, struct buf *b)
{
	switch (t->kind) {
	case TK_EOF: buf_puts(b, "end of input"); break;
	case TK_KEYWORD: buf_printf(b, "keyword %s", t->text); break;
	case TK_IDENT:
		if (t->quoted)
			buf_printf(b, "identifier `%s`", t->text);
		else
			buf_printf(b, "identifier \"%s\"", t->text);
		break;
	case TK_INT: buf_printf(b, "integer literal \"%s\"", t->text); break;
	case TK_FLOAT: buf_printf(b, "floating point literal \"%s\"", t->text); break;
	case TK_STRING: buf_printf(b, "string literal \"%s\"", t->text); break;
	case TK_OP: buf_printf(b, "\"%s\"", t->text); break;
	}
}

static int expected(struct parser *p, const char *what)
{
	struct sql_token *t = peek(p);
	struct buf b = BUF_INIT;
	describe(t, &b);
	int rc;
	if (t->kind == TK_EOF && !what)
		rc = sql_error_at(p->src, t->line, t->col, "Syntax error: Unexpected end of statement");
	else if (!what)
		rc = sql_error_at(p->src, t->line, t->col, "Syntax error: Unexpected %s", buf_cstr(&b));
	else
		rc = sql_error_at(p->src, t->line, t->col, "Syntax error: Expected %s but got %s", what, buf_cstr(&b));
	buf_free(&b);
	return rc;
}

static int expect_op(struct parser *p, const char *op)
{
	if (accept_op(p, op))
		return 0;
	char what[16];
	snprintf(what, sizeof what, "\"%s\"", op);
	return expected(p, what);
}

static int expect_kw(struct parser *p, const char *kw)
{
	if (accept_kw(p, kw))
		return 0;
	char what[48];
	snprintf(what, sizeof what, "keyword %s", kw);
	return expected(p, what);
}

int sql_error_too_deep(const char *src, int line, int col)
{
	return sql_error_at(src, line, col,
			    "Out of stack space due to deeply nested query expression during query resolution "
			    "(pipe allows %d levels)", SQL_MAX_DEPTH);
}

static int too_deep(struct parser *p, int line, int col)
{
	return sql_error_too_deep(p->src, line, col);
}

/* One more level of the parser's own recursion, or the error. */
static bool enter(struct parser *p, int *error)
{
	if (p->depth >= SQL_MAX_DEPTH) {
		*error = too_deep(p, peek(p)->line, peek(p)->col);
		return false;
	}
	p->depth++;
	return true;
}

static void grow(int *height, int child)
{
	if (*height < child + 1)
		*height = child + 1;
}

static struct ast *node(enum ast_kind kind, struct sql_token *at)
{
	struct ast *a = xcalloc(1, sizeof *a);
	a->kind = kind;
	a->line = at->line;
	a->col = at->col;
	a->height = 1;
	return a;
}

static void add_arg(struct ast *a, struct ast *arg)
{
	a->args = xrealloc(a->args, (a->nargs + 1) * sizeof *a->args);
	a->args[a->nargs++] = arg;
	grow(&a->height, arg->height);
}

/* a, or NULL and the error when it is higher than the limit. */
static struct ast *check_height(struct parser *p, struct ast *a, int *error)
{
	if (a && a->height > SQL_MAX_DEPTH) {
		*error = too_deep(p, a->line, a->col);
		ast_free(a);
		return NULL;
	}
	return a;
}

static void window_free(struct ast_window *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->npart; i++)
		ast_free(w->part[i]);
	free(w->part);
	for (size_t i = 0; i < w->norder; i++)
		ast_free(w->order[i].expr);
	free(w->order);
	free(w);
}

void ast_free(struct ast *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nargs; i++)
		ast_free(a->args[i]);
	free(a->args);
	window_free(a->over);
	select_free(a->sub);
	free(a->op);
	free(a->name);
	free(a->qual);
	free(a->s);
	free(a);
}

static char *lower(const char *s)
{
	char *r = xstrdup(s);
	for (char *c = r; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return r;
}

/* A name: an identifier, or a keyword BigQuery allows there (none for now). */
static char *parse_ident(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	if (t->kind != TK_IDENT) {
		*error = expected(p, "identifier");
		return NULL;
	}
	p->pos++;
	return xstrdup(t->text);
}

/* a.b.c, `a.b.c`, `a`.`b`.c: the parts joined by dots. */
static char *parse_path(struct parser *p, int *error)
{
	struct buf b = BUF_INIT;
	for (;;) {
		char *part = parse_ident(p, error);
		if (!part) {
			buf_free(&b);
			return NULL;
		}
		if (b.len)
			buf_putc(&b, '.');
		buf_puts(&b, part);
		free(part);
		/* a dot glued to the next name continues the path */
		if (!is_op(peek(p), ".") || peek2(p)->kind != TK_IDENT)
			break;
		p->pos++;
	}
	return buf_detach(&b);
}

static bool is_type_name(const char *s)
{
	static const char *const types[] = {"INT64", "INT", "INTEGER", "BIGINT", "SMALLINT",
		"FLOAT64", "FLOAT", "DOUBLE", "NUMERIC", "DECIMAL", "BIGNUMERIC", "STRING",
		"BYTES", "BOOL", "BOOLEAN", "DATE", "DATETIME", "TIMESTAMP", "JSON", "TIME"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (str_eq_nocase(s, types[i]))
			return true;
	return false;
}

static struct ast *parse_primary(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	struct ast *a = NULL;
	switch (t->kind) {
	case TK_INT:
		a = node(A_INT, t);
		errno = 0;
		a->i = strtoll(t->text, NULL, 10);
		if (errno) {
			*error = sql_error_at(p->src, t->line, t->col, "Invalid integer literal: %s", t->text);
			free(a);
			return NULL;
		}
		p->pos++;
		return a;
	case TK_FLOAT:
		a = node(A_FLOAT, t);
		a->d = strtod(t->text, NULL);
		p->pos++;
		return a;
	case TK_STRING:
		a = node(A_STRING, t);
		a->s = xstrdup(t->text);
		p->pos++;
		return a;
	case TK_OP:
		if (is_op(t, "(")) {
			p->pos++;
			if (is_kw(peek(p), "SELECT") || is_kw(peek(p), "WITH")) {
				a = node(A_SUBQUERY, t);
				if (!(a->sub = parse_select(p, error)) || (*error = expect_op(p, ")")) < 0)
					goto fail;
				grow(&a->height, a->sub->height);
				return a;
			}
			if ((a = parse_expr(p, error)) && (*error = expect_op(p, ")")) < 0) {
				ast_free(a);
				return NULL;
			}
			return a;
		}
		if (is_op(t, "*")) {
			p->pos++;
			return node(A_STAR, t);
		}
		break;
	case TK_KEYWORD:
		if (is_kw(t, "NULL") || is_kw(t, "TRUE") || is_kw(t, "FALSE")) {
			a = node(is_kw(t, "NULL") ? A_NULL : A_BOOL, t);
			a->b = is_kw(t, "TRUE");
			p->pos++;
			return a;
		}
		if (is_kw(t, "CASE")) {
			p->pos++;
			a = node(A_CASE, t);
			if (!is_kw(peek(p), "WHEN")) {
				struct ast *x = parse_expr(p, error);
				if (!x)
					goto fail;
				add_arg(a, x);
				a->has_operand = true;
			}
			while (accept_kw(p, "WHEN")) {
				struct ast *w = parse_expr(p, error), *th = NULL;
				if (!w)
					goto fail;
				add_arg(a, w);
				if ((*error = expect_kw(p, "THEN")) < 0 || !(th = parse_expr(p, error)))
					goto fail;
				add_arg(a, th);
			}
			if (a->nargs < 2 + (a->has_operand ? 1u : 0u)) {
				*error = expected(p, "keyword WHEN");
				goto fail;
			}
			if (accept_kw(p, "ELSE")) {
				struct ast *e = parse_expr(p, error);
				if (!e)
					goto fail;
				add_arg(a, e);
				a->has_else = true;
			}
			if ((*error = expect_kw(p, "END")) < 0)
				goto fail;
			return a;
		}
		if (is_kw(t, "CAST")) {
			p->pos++;
			a = node(A_CAST, t);
			goto cast;
		}
		if (is_kw(t, "EXISTS")) {
			p->pos++;
			a = node(A_EXISTS, t);
			if ((*error = expect_op(p, "(")) < 0 || !(a->sub = parse_select(p, error)) ||
			    (*error = expect_op(p, ")")) < 0)
				goto fail;
			grow(&a->height, a->sub->height);
			return a;
		}
		if (is_kw(t, "EXTRACT")) {
			p->pos++;
			a = node(A_EXTRACT, t);
			struct ast *x;
			if ((*error = expect_op(p, "(")) < 0 || !(a->name = parse_ident(p, error)))
				goto fail;
			char *l = lower(a->name);
			free(a->name);
			a->name = l;
			if ((*error = expect_kw(p, "FROM")) < 0 || !(x = parse_expr(p, error)))
				goto fail;
			add_arg(a, x);
			if ((*error = expect_op(p, ")")) < 0)
				goto fail;
			return a;
		}
		if (is_kw(t, "IF") && is_op(peek2(p), "(")) {
			p->pos++;
			a = node(A_CALL, t);
			a->name = xstrdup("if");
			goto call;
		}
		break;
	case TK_IDENT:
		if (!t->quoted && str_eq_nocase(t->text, "SAFE_CAST") && is_op(peek2(p), "(")) {
			p->pos++;
			a = node(A_CAST, t);
			a->safe = true;
			goto cast;
		}
		/* DATE '2020-01-01', TIMESTAMP '...', DATETIME '...', NUMERIC '1.5' */
		if (!t->quoted && peek2(p)->kind == TK_STRING &&
		    (str_eq_nocase(t->text, "DATE") || str_eq_nocase(t->text, "TIMESTAMP") ||
		     str_eq_nocase(t->text, "DATETIME") || str_eq_nocase(t->text, "NUMERIC"))) {
			a = node(A_TYPED, t);
			a->name = lower(t->text);
			a->s = xstrdup(peek2(p)->text);
			p->pos += 2;
			return a;
		}
		if (is_op(peek2(p), "(")) {
			p->pos++;
			a = node(A_CALL, t);
			a->name = lower(t->text);
			goto call;
		}
		{
			/* a column: name, or qual.name (longer paths keep the last
			 * two parts: a table's full name qualifies nothing else) */
			a = node(A_COLUMN, t);
			char *first = parse_ident(p, error);
			a->name = first;
			while (is_op(peek(p), ".") && peek2(p)->kind == TK_IDENT) {
				p->pos++;
				free(a->qual);
				a->qual = a->name;
				a->name = parse_ident(p, error);
				a->line = peek(p)[-1].line;
				a->col = peek(p)[-1].col;
			}
			return a;
		}
	default:
		break;
	}
	*error = expected(p, NULL);
	return NULL;

call:
	if ((*error = expect_op(p, "(")) < 0)
		goto fail;
	if (accept_kw(p, "DISTINCT"))
		a->distinct = true;
	if (!accept_op(p, ")")) {
		for (;;) {
			struct ast *x = parse_expr(p, error);
			if (!x)
				goto fail;
			add_arg(a, x);
			if (accept_op(p, ","))
				continue;
			if ((*error = expect_op(p, ")")) < 0)
				goto fail;
			break;
		}
	}
	if (accept_kw(p, "OVER") && (*error = parse_over(p, a)) < 0)
		goto fail;
	return a;

cast:
	{
		struct ast *x;
		if ((*error = expect_op(p, "(")) < 0 || !(x = parse_expr(p, error)))
			goto fail;
		add_arg(a, x);
		if ((*error = expect_kw(p, "AS")) < 0)
			goto fail;
		struct sql_token *ty = peek(p);
		if (ty->kind != TK_IDENT || !is_type_name(ty->text)) {
			*error = expected(p, "type name");
			goto fail;
		}
		a->name = lower(ty->text);
		p->pos++;
		if ((*error = expect_op(p, ")")) < 0)
			goto fail;
		return a;
	}
fail:
	ast_free(a);
	return NULL;
}

static struct ast *parse_unary(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	if (is_op(t, "-") && peek2(p)->kind == TK_INT && strcmp(peek2(p)->text, "9223372036854775808") == 0) {
		/* the one INT64 whose absolute value is not an INT64 */
		struct ast *a = node(A_INT, t);
		a->i = INT64_MIN;
		p->pos += 2;
		return a;
	}
	if (is_op(t, "-") || is_op(t, "+")) {
		p->pos++;
		if (!enter(p, error))
			return NULL;
		struct ast *x = parse_unary(p, error);
		p->depth--;
		if (!x)
			return NULL;
		/* fold -literal so that -9223372036854775808 and -1.5 are literals */
		if (is_op(t, "-") && x->kind == A_INT && x->i >= 0) {
			x->i = -x->i;
			x->line = t->line, x->col = t->col;
			return x;
		}
		if (is_op(t, "-") && x->kind == A_FLOAT) {
			x->d = -x->d;
			x->line = t->line, x->col = t->col;
			return x;
		}
		struct ast *a = node(A_UNARY, t);
		a->op = xstrdup(t->text);
		add_arg(a, x);
		return check_height(p, a, error);
	}
	return parse_primary(p, error);
}

static struct ast *binary(struct sql_token *at, const char *op, struct ast *l, struct ast *r)
{
	struct ast *a = node(A_BINARY, at);
	a->op = xstrdup(op);
	add_arg(a, l);
	add_arg(a, r);
	return a;
}

static struct ast *parse_mul(struct parser *p, int *error)
{
	struct ast *l = parse_unary(p, error);
	while (l) {
		struct sql_token *t = peek(p);
		if (!is_op(t, "*") && !is_op(t, "/") && !is_op(t, "||"))
			break;
		p->pos++;
		struct ast *r = parse_unary(p, error);
		if (!r) {
			ast_free(l);
			return NULL;
		}
		l = check_height(p, binary(t, t->text, l, r), error);
	}
	return l;
}

static struct ast *parse_add(struct parser *p, int *error)
{
	struct ast *l = parse_mul(p, error);
	while (l) {
		struct sql_token *t = peek(p);
		if (!is_op(t, "+") && !is_op(t, "-"))
			break;
		p->pos++;
		struct ast *r = parse_mul(p, error);
		if (!r) {
			ast_free(l);
			return NULL;
		}
		l = check_height(p, binary(t, t->text, l, r), error);
	}
	return l;
}

static struct ast *parse_cmp(struct parser *p, int *error)
{
	struct ast *l = parse_add(p, error), *a = NULL;
	if (!l)
		return NULL;
	struct sql_token *t = peek(p);
	static const char *const ops[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (is_op(t, ops[i])) {
			p->pos++;
			struct ast *r = parse_add(p, error);
			if (!r)
				goto fail;
			return binary(t, strcmp(ops[i], "<>") ? ops[i] : "!=", l, r);
		}
	bool neg = false;
	if (is_kw(t, "NOT") && (is_kw(peek2(p), "LIKE") || is_kw(peek2(p), "IN") ||
				is_kw(peek2(p), "BETWEEN"))) {
		neg = true;
		p->pos++;
		t = peek(p);
	}
	if (accept_kw(p, "LIKE")) {
		a = node(A_LIKE, t);
		add_arg(a, l);
		struct ast *r = parse_add(p, error);
		if (!r)
			goto fail;
		add_arg(a, r);
	} else if (accept_kw(p, "BETWEEN")) {
		a = node(A_BETWEEN, t);
		add_arg(a, l);
		struct ast *lo = parse_add(p, error), *hi;
		if (!lo)
			goto fail;
		add_arg(a, lo);
		if ((*error = expect_kw(p, "AND")) < 0 || !(hi = parse_add(p, error)))
			goto fail;
		add_arg(a, hi);
	} else if (accept_kw(p, "IN")) {
		a = node(A_IN, t);
		add_arg(a, l);
		if ((*error = expect_op(p, "(")) < 0)
			goto fail;
		if (is_kw(peek(p), "SELECT") || is_kw(peek(p), "WITH")) {
			if (!(a->sub = parse_select(p, error)) || (*error = expect_op(p, ")")) < 0)
				goto fail;
			grow(&a->height, a->sub->height);
			a->negated = neg;
			return a;
		}
		for (;;) {
			if (a->nargs == 1 + SQL_MAX_IN_LIST) {
				/* before the rest is parsed: the list may be long */
				*error = sql_error_at(p->src, peek(p)->line, peek(p)->col,
						      "IN list too long (at most %d values)", SQL_MAX_IN_LIST);
				goto fail;
			}
			struct ast *x = parse_expr(p, error);
			if (!x)
				goto fail;
			add_arg(a, x);
			if (accept_op(p, ","))
				continue;
			if ((*error = expect_op(p, ")")) < 0)
				goto fail;
			break;
		}
	} else if (accept_kw(p, "IS")) {
		a = node(A_ISNULL, t);
		add_arg(a, l);
		if (accept_kw(p, "NOT"))
			neg = true;
		struct sql_token *v = peek(p);
		if (!accept_kw(p, "NULL") && !accept_kw(p, "TRUE") && !accept_kw(p, "FALSE")) {
			*error = expected(p, "keyword NULL");
			goto fail;
		}
		a->name = xstrdup(v->text);
	} else {
		return l;
	}
	a->negated = neg;
	return a;
fail:
	if (a)
		ast_free(a);
	else
		ast_free(l);
	return NULL;
}

static struct ast *parse_not(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	if (accept_kw(p, "NOT")) {
		if (!enter(p, error))
			return NULL;
		struct ast *x = parse_not(p, error);
		p->depth--;
		if (!x)
			return NULL;
		struct ast *a = node(A_UNARY, t);
		a->op = xstrdup("NOT");
		add_arg(a, x);
		return check_height(p, a, error);
	}
	return parse_cmp(p, error);
}

static struct ast *parse_and(struct parser *p, int *error)
{
	struct ast *l = parse_not(p, error);
	while (l && is_kw(peek(p), "AND")) {
		struct sql_token *t = peek(p);
		p->pos++;
		struct ast *r = parse_not(p, error);
		if (!r) {
			ast_free(l);
			return NULL;
		}
		l = check_height(p, binary(t, "AND", l, r), error);
	}
	return l;
}

static struct ast *parse_or(struct parser *p, int *error)
{
	struct ast *l = parse_and(p, error);
	while (l && is_kw(peek(p), "OR")) {
		struct sql_token *t = peek(p);
		p->pos++;
		struct ast *r = parse_and(p, error);
		if (!r) {
			ast_free(l);
			return NULL;
		}
		l = check_height(p, binary(t, "OR", l, r), error);
	}
	return l;
}

static struct ast *parse_expr(struct parser *p, int *error)
{
	if (!enter(p, error))
		return NULL;
	struct ast *a = check_height(p, parse_or(p, error), error);
	p->depth--;
	return a;
}

static void from_free(struct from *f);

static void from_free(struct from *f)
{
	if (!f)
		return;
	free(f->table);
	free(f->alias);
	select_free(f->sub);
	from_free(f->left);
	from_free(f->right);
	ast_free(f->on);
	for (size_t i = 0; i < f->nusing; i++)
		free(f->using[i]);
	free(f->using);
	free(f);
}

static void select_free(struct select *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nctes; i++) {
		free(s->ctes[i].name);
		select_free(s->ctes[i].sel);
	}
	free(s->ctes);
	for (size_t i = 0; i < s->nitems; i++) {
		ast_free(s->items[i].expr);
		free(s->items[i].star_qual);
		free(s->items[i].alias);
		for (size_t j = 0; j < s->items[i].nexcept; j++)
			free(s->items[i].except[j]);
		free(s->items[i].except);
	}
	free(s->items);
	from_free(s->from);
	ast_free(s->where);
	ast_free(s->having);
	ast_free(s->qualify);
	for (size_t i = 0; i < s->ngroup; i++)
		ast_free(s->group[i]);
	free(s->group);
	for (size_t i = 0; i < s->norder; i++)
		ast_free(s->order[i].expr);
	free(s->order);
	for (size_t i = 0; i < s->narms; i++)
		select_free(s->arms[i]);
	free(s->arms);
	free(s);
}

/* [AS] alias, where an identifier follows */
static int parse_alias(struct parser *p, char **alias)
{
	int error = 0;
	if (accept_kw(p, "AS")) {
		if (!(*alias = parse_ident(p, &error)))
			return error;
	} else if (peek(p)->kind == TK_IDENT) {
		*alias = parse_ident(p, &error);
	}
	return 0;
}

static struct from *parse_from_item(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	struct from *f = xcalloc(1, sizeof *f);
	f->line = t->line;
	f->col = t->col;
	f->height = 1;
	if (accept_op(p, "(")) {
		f->kind = F_SUBQUERY;
		if (!(f->sub = parse_select(p, error)) || (*error = expect_op(p, ")")) < 0)
			goto fail;
		grow(&f->height, f->sub->height);
	} else {
		f->kind = F_TABLE;
		if (!(f->table = parse_path(p, error)))
			goto fail;
	}
	if ((*error = parse_alias(p, &f->alias)) < 0)
		goto fail;
	return f;
fail:
	from_free(f);
	return NULL;
}

static int parse_name_list(struct parser *p, char ***names, size_t *n)
{
	int error = 0;
	for (;;) {
		char *s = parse_ident(p, &error);
		if (!s)
			return error;
		*names = xrealloc(*names, (*n + 1) * sizeof **names);
		(*names)[(*n)++] = s;
		if (!accept_op(p, ","))
			return 0;
	}
}

static struct from *parse_from(struct parser *p, int *error)
{
	struct from *l = parse_from_item(p, error);
	while (l) {
		struct sql_token *t = peek(p);
		enum join_type jt;
		if (accept_op(p, ",")) {
			jt = J_CROSS;
		} else if (accept_kw(p, "CROSS")) {
			if ((*error = expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_CROSS;
		} else if (accept_kw(p, "JOIN")) {
			jt = J_INNER;
		} else if (accept_kw(p, "INNER")) {
			if ((*error = expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_INNER;
		} else if (accept_kw(p, "LEFT")) {
			accept_kw(p, "OUTER");
			if ((*error = expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_LEFT;
		} else if (accept_kw(p, "RIGHT") || accept_kw(p, "FULL")) {
			accept_kw(p, "OUTER");
			if ((*error = expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = is_kw(t, "RIGHT") ? J_RIGHT : J_FULL;
		} else {
			break;
		}
		struct from *j = xcalloc(1, sizeof *j);
		j->kind = F_JOIN;
		j->join = jt;
		j->line = t->line;
		j->col = t->col;
		j->left = l;
		l = j;
		if (!(j->right = parse_from_item(p, error)))
			goto fail;
		if (jt != J_CROSS && accept_kw(p, "USING")) {
			if ((*error = expect_op(p, "(")) < 0 || (*error = parse_name_list(p, &j->using, &j->nusing)) < 0 ||
			    (*error = expect_op(p, ")")) < 0)
				goto fail;
		} else if (jt != J_CROSS) {
			if ((*error = expect_kw(p, "ON")) < 0 || !(j->on = parse_expr(p, error)))
				goto fail;
		}
		/* a FROM list is a left-deep tree of joins */
		grow(&j->height, j->left->height);
		grow(&j->height, j->right->height);
		if (j->on)
			grow(&j->height, j->on->height);
		if (j->height > SQL_MAX_DEPTH) {
			*error = too_deep(p, j->line, j->col);
			goto fail;
		}
	}
	return l;
fail:
	from_free(l);
	return NULL;
}

static int parse_int_clause(struct parser *p, int64_t *out)
{
	struct sql_token *t = peek(p);
	if (t->kind != TK_INT)
		return expected(p, "integer literal");
	*out = strtoll(t->text, NULL, 10);
	p->pos++;
	return 0;
}

/* expr [ASC|DESC] [NULLS FIRST|LAST], ... */
static int parse_order_items(struct parser *p, struct order_item **order, size_t *norder)
{
	int error = 0;
	do {
		struct order_item o = {0};
		if (!(o.expr = parse_expr(p, &error)))
			return error;
		if (accept_kw(p, "DESC"))
			o.desc = true;
		else
			accept_kw(p, "ASC");
		if (accept_kw(p, "NULLS")) {
			if (accept_word(p, "FIRST")) {
				o.nulls = 1;
			} else if (accept_word(p, "LAST")) {
				o.nulls = 2;
			} else {
				ast_free(o.expr);
				return expected(p, "FIRST or LAST");
			}
		}
		*order = xrealloc(*order, (*norder + 1) * sizeof **order);
		(*order)[(*norder)++] = o;
	} while (accept_op(p, ","));
	return 0;
}

/* UNBOUNDED PRECEDING | n PRECEDING | CURRENT ROW | n FOLLOWING | UNBOUNDED FOLLOWING */
static int parse_frame_bound(struct parser *p, enum frame_bound *b, int64_t *n)
{
	struct sql_token *t = peek(p);
	*n = 0;
	if (accept_kw(p, "UNBOUNDED")) {
		if (accept_kw(p, "PRECEDING"))
			*b = FB_UNBOUNDED_PRECEDING;
		else if (accept_kw(p, "FOLLOWING"))
			*b = FB_UNBOUNDED_FOLLOWING;
		else
			return expected(p, "keyword PRECEDING or keyword FOLLOWING");
		return 0;
	}
	if (accept_kw(p, "CURRENT")) {
		if (!accept_word(p, "ROW"))
			return expected(p, "keyword ROW");
		*b = FB_CURRENT;
		return 0;
	}
	if (t->kind != TK_INT)
		return expected(p, "keyword UNBOUNDED, keyword CURRENT or integer literal");
	*n = strtoll(t->text, NULL, 10);
	p->pos++;
	if (accept_kw(p, "PRECEDING"))
		*b = FB_PRECEDING;
	else if (accept_kw(p, "FOLLOWING"))
		*b = FB_FOLLOWING;
	else
		return expected(p, "keyword PRECEDING or keyword FOLLOWING");
	return 0;
}

/* OVER ([PARTITION BY e, ...] [ORDER BY ...] [ROWS|RANGE frame]) */
static int parse_over(struct parser *p, struct ast *call)
{
	int error = 0;
	struct ast_window *w = call->over = xcalloc(1, sizeof *w);
	if ((error = expect_op(p, "(")) < 0)
		return error;
	if (accept_kw(p, "PARTITION")) {
		if ((error = expect_kw(p, "BY")) < 0)
			return error;
		do {
			struct ast *x = parse_expr(p, &error);
			if (!x)
				return error;
			w->part = xrealloc(w->part, (w->npart + 1) * sizeof *w->part);
			w->part[w->npart++] = x;
		} while (accept_op(p, ","));
	}
	if (accept_kw(p, "ORDER")) {
		if ((error = expect_kw(p, "BY")) < 0 || (error = parse_order_items(p, &w->order, &w->norder)) < 0)
			return error;
	}
	struct sql_token *t = peek(p);
	if (accept_kw(p, "ROWS") || accept_kw(p, "RANGE")) {
		w->frame = is_kw(t, "ROWS") ? FRAME_ROWS : FRAME_RANGE;
		w->frame_line = t->line;
		w->frame_col = t->col;
		if (accept_kw(p, "BETWEEN")) {
			if ((error = parse_frame_bound(p, &w->lo, &w->lo_n)) < 0 || (error = expect_kw(p, "AND")) < 0 ||
			    (error = parse_frame_bound(p, &w->hi, &w->hi_n)) < 0)
				return error;
		} else {
			if ((error = parse_frame_bound(p, &w->lo, &w->lo_n)) < 0)
				return error;
			w->hi = FB_CURRENT;
		}
		if (w->lo == FB_UNBOUNDED_FOLLOWING || w->hi == FB_UNBOUNDED_PRECEDING || w->hi < w->lo)
			return sql_error_at(p->src, t->line, t->col,
					    "Syntax error: the window frame's start comes after its end");
	}
	for (size_t i = 0; i < w->npart; i++)
		grow(&call->height, w->part[i]->height);
	for (size_t i = 0; i < w->norder; i++)
		grow(&call->height, w->order[i].expr->height);
	return expect_op(p, ")");
}

/* [ORDER BY ...] [LIMIT n [OFFSET m]] */
static int parse_order_limit(struct parser *p, struct select *s)
{
	int error = 0;
	if (accept_kw(p, "ORDER")) {
		if ((error = expect_kw(p, "BY")) < 0 || (error = parse_order_items(p, &s->order, &s->norder)) < 0)
			return error;
	}
	if (accept_kw(p, "LIMIT")) {
		if ((error = parse_int_clause(p, &s->limit)) < 0)
			return error;
		if (accept_word(p, "OFFSET") && (error = parse_int_clause(p, &s->offset)) < 0)
			return error;
	}
	return 0;
}

/* One more than the highest of its parts. */
static void measure_select(struct select *s)
{
	s->height = 1;
	for (size_t i = 0; i < s->nitems; i++)
		if (s->items[i].expr)
			grow(&s->height, s->items[i].expr->height);
	if (s->from)
		grow(&s->height, s->from->height);
	struct ast *clauses[] = {s->where, s->having, s->qualify};
	for (size_t i = 0; i < 3; i++)
		if (clauses[i])
			grow(&s->height, clauses[i]->height);
	for (size_t i = 0; i < s->ngroup; i++)
		grow(&s->height, s->group[i]->height);
	for (size_t i = 0; i < s->norder; i++)
		grow(&s->height, s->order[i].expr->height);
	for (size_t i = 0; i < s->narms; i++)
		grow(&s->height, s->arms[i]->height);
	for (size_t i = 0; i < s->nctes; i++)
		grow(&s->height, s->ctes[i].sel->height);
}

/* A result column's name: BigQuery's limit, in characters. */
static int check_field_name(struct parser *p, struct sql_token *at, const char *name)
{
	size_t chars = 0;
	for (const char *c = name; *c; c++)
		chars += ((unsigned char)*c & 0xc0) != 0x80;
	if (chars <= SQL_MAX_NAME)
		return 0;
	return sql_error_at(p->src, at->line, at->col,
			    "Invalid field name \"%.40s...\". Fields must contain the allowed characters, "
			    "and be at most %d characters long", name, SQL_MAX_NAME);
}

static struct select *parse_core(struct parser *p, int *error)
{
	struct select *s = xcalloc(1, sizeof *s);
	struct sql_token *t = peek(p);
	s->line = t->line;
	s->col = t->col;
	s->limit = s->offset = -1;
	if (accept_op(p, "(")) {
		/* a parenthesised query */
		struct select *inner = parse_select(p, error);
		if (!inner)
			goto fail;
		if ((*error = expect_op(p, ")")) < 0) {
			select_free(inner);
			goto fail;
		}
		inner->paren = true;
		select_free(s);
		return inner;
	}
	if ((*error = expect_kw(p, "SELECT")) < 0)
		goto fail;
	if (accept_kw(p, "DISTINCT"))
		s->distinct = true;
	else
		accept_kw(p, "ALL");
	do {
		struct select_item it = {0};
		struct sql_token *at = peek(p);
		it.line = at->line;
		it.col = at->col;
		if (is_op(at, "*") ||
		    (at->kind == TK_IDENT && is_op(peek2(p), ".") &&
		     p->pos + 2 < p->t.n && is_op(&p->t.v[p->pos + 2], "*"))) {
			if (at->kind == TK_IDENT) {
				it.star_qual = xstrdup(at->text);
				p->pos += 2;
			}
			p->pos++;
			if (accept_kw(p, "EXCEPT")) {
				if ((*error = expect_op(p, "(")) < 0 ||
				    (*error = parse_name_list(p, &it.except, &it.nexcept)) < 0 ||
				    (*error = expect_op(p, ")")) < 0) {
					free(it.star_qual);
					for (size_t j = 0; j < it.nexcept; j++)
						free(it.except[j]);
					free(it.except);
					goto fail;
				}
			}
		} else {
			if (!(it.expr = parse_expr(p, error)))
				goto fail;
			if ((*error = parse_alias(p, &it.alias)) < 0 ||
			    (it.alias && (*error = check_field_name(p, &p->t.v[p->pos - 1], it.alias)) < 0)) {
				ast_free(it.expr);
				free(it.alias);
				goto fail;
			}
		}
		s->items = xrealloc(s->items, (s->nitems + 1) * sizeof *s->items);
		s->items[s->nitems++] = it;
	} while (accept_op(p, ","));
	if (accept_kw(p, "FROM") && !(s->from = parse_from(p, error)))
		goto fail;
	if (accept_kw(p, "WHERE") && !(s->where = parse_expr(p, error)))
		goto fail;
	if (accept_kw(p, "GROUP")) {
		if ((*error = expect_kw(p, "BY")) < 0)
			goto fail;
		do {
			struct ast *g = parse_expr(p, error);
			if (!g)
				goto fail;
			s->group = xrealloc(s->group, (s->ngroup + 1) * sizeof *s->group);
			s->group[s->ngroup++] = g;
		} while (accept_op(p, ","));
	}
	if (accept_kw(p, "HAVING") && !(s->having = parse_expr(p, error)))
		goto fail;
	if (accept_kw(p, "QUALIFY") && !(s->qualify = parse_expr(p, error)))
		goto fail;
	if ((*error = parse_order_limit(p, s)) < 0)
		goto fail;
	measure_select(s);
	return s;
fail:
	select_free(s);
	return NULL;
}

static bool is_set_op(struct sql_token *t)
{
	return is_kw(t, "UNION") || is_kw(t, "INTERSECT") || is_kw(t, "EXCEPT");
}

/* [WITH ...] core [UNION ALL|DISTINCT core ...] [ORDER BY] [LIMIT]; also
 * INTERSECT DISTINCT and EXCEPT DISTINCT */
static struct select *parse_query(struct parser *p, int *error)
{
	struct cte *ctes = NULL;
	size_t nctes = 0;
	struct select *first = NULL, *u = NULL;
	if (accept_kw(p, "WITH")) {
		do {
			struct cte c = {0};
			if (!(c.name = parse_ident(p, error)))
				goto fail;
			ctes = xrealloc(ctes, (nctes + 1) * sizeof *ctes);
			ctes[nctes++] = c;
			if ((*error = expect_kw(p, "AS")) < 0 || (*error = expect_op(p, "(")) < 0)
				goto fail;
			if (!(ctes[nctes - 1].sel = parse_select(p, error)))
				goto fail;
			if ((*error = expect_op(p, ")")) < 0)
				goto fail;
		} while (accept_op(p, ","));
	}
	struct sql_token *t = peek(p);
	if (!(first = parse_core(p, error)))
		goto fail;
	if (is_set_op(peek(p))) {
		u = xcalloc(1, sizeof *u);
		u->line = t->line;
		u->col = t->col;
		u->limit = u->offset = -1;
		int kind = -1; /* 0 ALL, 1 DISTINCT */
		struct select *arm = first;
		first = NULL;
		for (;;) {
			u->arms = xrealloc(u->arms, (u->narms + 1) * sizeof *u->arms);
			u->arms[u->narms++] = arm;
			struct sql_token *ut = peek(p);
			if (!is_set_op(ut))
				break;
			p->pos++;
			enum set_op op = is_kw(ut, "UNION") ? SET_UNION : is_kw(ut, "INTERSECT") ? SET_INTERSECT : SET_EXCEPT;
			if ((arm->norder || arm->limit >= 0) && !arm->paren) {
				p->pos--;
				*error = expected(p, "end of input");
				goto fail;
			}
			struct sql_token *at = peek(p);
			int k = accept_kw(p, "ALL") ? 0 : accept_kw(p, "DISTINCT") ? 1 : -1;
			if (k < 0) {
				*error = expected(p, "keyword ALL or keyword DISTINCT");
				goto fail;
			}
			if (k == 0 && op != SET_UNION) {
				*error = sql_error_at(p->src, at->line, at->col, "%s ALL is not supported; write %s DISTINCT",
						      ut->text, ut->text);
				goto fail;
			}
			k += 2 * (int)op; /* the operation and ALL or DISTINCT */
			if (kind >= 0 && k != kind) {
				*error = sql_error_at(p->src, ut->line, ut->col,
						      "Syntax error: Different set operations cannot be used in the same query "
						      "without using parentheses for grouping");
				goto fail;
			}
			kind = k;
			if (!(arm = parse_core(p, error)))
				goto fail;
		}
		u->union_distinct = kind % 2 == 1;
		u->setop = (enum set_op)(kind / 2);
		/* the last arm's ORDER BY and LIMIT, unless in parentheses, are
		 * the union's */
		struct select *last = u->arms[u->narms - 1];
		if (!last->paren) {
			u->order = last->order, u->norder = last->norder;
			u->limit = last->limit, u->offset = last->offset;
			last->order = NULL, last->norder = 0;
			last->limit = last->offset = -1;
		}
		if (!u->norder && u->limit < 0 && (*error = parse_order_limit(p, u)) < 0)
			goto fail;
		first = u;
		u = NULL;
	}
	if (nctes) {
		if (first->nctes) {
			/* (WITH a ...) inside WITH b ...: keep both, outer first */
			first->ctes = xrealloc(first->ctes, (first->nctes + nctes) * sizeof *first->ctes);
			memmove(first->ctes + nctes, first->ctes, first->nctes * sizeof *first->ctes);
			memcpy(first->ctes, ctes, nctes * sizeof *ctes);
			first->nctes += nctes;
			free(ctes);
		} else {
			first->ctes = ctes;
			first->nctes = nctes;
		}
		ctes = NULL;
		nctes = 0;
	}
	measure_select(first);
	return first;
fail:
	for (size_t i = 0; i < nctes; i++) {
		free(ctes[i].name);
		select_free(ctes[i].sel);
	}
	free(ctes);
	select_free(first);
	select_free(u);
	return NULL;
}

static struct select *parse_select(struct parser *p, int *error)
{
	if (!enter(p, error))
		return NULL;
	struct select *s = parse_query(p, error);
	p->depth--;
	if (s && s->height > SQL_MAX_DEPTH) {
		*error = too_deep(p, s->line, s->col);
		select_free(s);
		return NULL;
	}
	return s;
}

void sql_stmt_free(struct stmt *s)
{
	if (!s)
		return;
	select_free(s->sel);
	free(s->table);
	ast_free(s->partition_by);
	for (size_t i = 0; i < s->ncluster; i++)
		free(s->cluster_by[i]);
	free(s->cluster_by);
	for (size_t i = 0; i < s->noptions; i++) {
		free(s->options[i].key);
		ast_free(s->options[i].value);
	}
	free(s->options);
	for (size_t i = 0; i < s->ncolumns; i++)
		free(s->columns[i]);
	free(s->columns);
	free(s);
}

static int parse_table_name(struct parser *p, struct stmt *s)
{
	int error = 0;
	s->table_line = peek(p)->line;
	s->table_col = peek(p)->col;
	if (!(s->table = parse_path(p, &error)))
		return error;
	return 0;
}

static int parse_create(struct parser *p, struct stmt *s)
{
	int error;
	s->kind = S_CREATE;
	if (accept_kw(p, "OR")) {
		if (!accept_word(p, "REPLACE"))
			return expected(p, "keyword REPLACE");
		s->or_replace = true;
	}
	if (!accept_word(p, "TABLE"))
		return expected(p, "keyword TABLE");
	if (accept_kw(p, "IF")) {
		if ((error = expect_kw(p, "NOT")) < 0 || (error = expect_kw(p, "EXISTS")) < 0)
			return error;
		s->if_not_exists = true;
	}
	if ((error = parse_table_name(p, s)) < 0)
		return error;
	if (accept_kw(p, "PARTITION")) {
		if ((error = expect_kw(p, "BY")) < 0 || !(s->partition_by = parse_expr(p, &error)))
			return error;
	}
	if (accept_word(p, "CLUSTER")) {
		if ((error = expect_kw(p, "BY")) < 0)
			return error;
		s->cluster_line = peek(p)->line;
		s->cluster_col = peek(p)->col;
		if ((error = parse_name_list(p, &s->cluster_by, &s->ncluster)) < 0)
			return error;
	}
	if (accept_word(p, "OPTIONS")) {
		if ((error = expect_op(p, "(")) < 0)
			return error;
		if (!accept_op(p, ")")) {
			do {
				struct option o = {0};
				if (!(o.key = parse_ident(p, &error)))
					return error;
				if ((error = expect_op(p, "=")) < 0 || !(o.value = parse_expr(p, &error))) {
					free(o.key);
					return error;
				}
				s->options = xrealloc(s->options, (s->noptions + 1) * sizeof *s->options);
				s->options[s->noptions++] = o;
			} while (accept_op(p, ","));
			if ((error = expect_op(p, ")")) < 0)
				return error;
		}
	}
	if ((error = expect_kw(p, "AS")) < 0)
		return error;
	error = 0;
	if (!(s->sel = parse_select(p, &error)))
		return error;
	return 0;
}

int sql_parse(const char *src, struct stmt **out)
{
	int error = 0;
	struct parser p = {.src = src};
	struct stmt *s = xcalloc(1, sizeof *s);
	s->src = src;
	*out = NULL;
	if ((error = sql_lex(src, &p.t)) < 0)
		goto done;
	struct sql_token *t = peek(&p);
	if (accept_kw(&p, "CREATE")) {
		if ((error = parse_create(&p, s)) < 0)
			goto done;
	} else if (accept_word(&p, "DROP")) {
		s->kind = S_DROP;
		if (!accept_word(&p, "TABLE")) {
			error = expected(&p, "keyword TABLE");
			goto done;
		}
		if (accept_kw(&p, "IF")) {
			if ((error = expect_kw(&p, "EXISTS")) < 0)
				goto done;
			s->if_exists = true;
		}
		if ((error = parse_table_name(&p, s)) < 0)
			goto done;
	} else if (accept_word(&p, "INSERT")) {
		s->kind = S_INSERT;
		accept_kw(&p, "INTO");
		if ((error = parse_table_name(&p, s)) < 0)
			goto done;
		if (accept_op(&p, "(")) {
			if ((error = parse_name_list(&p, &s->columns, &s->ncolumns)) < 0 ||
			    (error = expect_op(&p, ")")) < 0)
				goto done;
		}
		if (!(s->sel = parse_select(&p, &error)))
			goto done;
	} else if (is_kw(t, "SELECT") || is_kw(t, "WITH") || is_op(t, "(")) {
		s->kind = S_SELECT;
		if (!(s->sel = parse_select(&p, &error)))
			goto done;
	} else {
		error = expected(&p, NULL);
		goto done;
	}
	accept_op(&p, ";");
	if (peek(&p)->kind != TK_EOF) {
		error = expected(&p, "end of input");
		goto done;
	}
done:
	sql_tokens_free(&p.t);
	if (error < 0)
		sql_stmt_free(s);
	else
		*out = s;
	return error;
}
