/* sql_parse_expr: expressions, by recursive descent, into a syntax tree
 * (struct ast), with the window specifications (OVER) and ORDER BY items
 * they contain.
 *
 * Expression precedence, loosest first, as in BigQuery: OR; AND; NOT;
 * comparisons (=, !=, <>, <, <=, >, >=, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN,
 * IS [NOT]); + and -; *, / and ||; unary - and +. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_parser.h"

static int parse_over(struct parser *p, struct ast *call);

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
		*error = parse_too_deep(p, a->line, a->col);
		ast_free(a);
		return NULL;
	}
	return a;
}

void window_free(struct ast_window *w)
{
	if (!w)
		return;
	free(w->name);
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
	for (size_t i = 0; i < a->nagg_order; i++)
		ast_free(a->agg_order[i].expr);
	free(a->agg_order);
	select_free(a->sub);
	free(a->op);
	free(a->name);
	free(a->qual);
	free(a->s);
	free(a->alias);
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
char *parse_ident(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	if (t->kind != TK_IDENT) {
		*error = parse_expected(p, "identifier");
		return NULL;
	}
	p->pos++;
	return xstrdup(t->text);
}

/* a.b.c, `a.b.c`, `a`.`b`.c: the parts joined by dots. */
char *parse_path(struct parser *p, int *error)
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

/* An integer literal's value: decimal, or hex after 0x; false when it
 * does not fit INT64. */
static bool int_literal(const char *text, int64_t *out)
{
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	errno = 0;
	*out = strtoll(hex ? text + 2 : text, NULL, hex ? 16 : 10);
	return errno == 0;
}

/* An aggregate's own [IGNORE|RESPECT NULLS] [ORDER BY ...] [LIMIT n],
 * after its arguments (STRING_AGG, ARRAY_AGG: the binder checks which). */
static int parse_agg_tail(struct parser *p, struct ast *a)
{
	int error;
	if (accept_kw(p, "IGNORE") || accept_kw(p, "RESPECT")) {
		a->ignore_nulls = is_kw(&p->t.v[p->pos - 1], "IGNORE");
		a->respect_nulls = !a->ignore_nulls;
		if ((error = parse_expect_kw(p, "NULLS")) < 0)
			return error;
	}
	if (accept_kw(p, "ORDER")) {
		if ((error = parse_expect_kw(p, "BY")) < 0 ||
		    (error = parse_order_items(p, &a->agg_order, &a->nagg_order)) < 0)
			return error;
		for (size_t i = 0; i < a->nagg_order; i++)
			grow(&a->height, a->agg_order[i].expr->height);
	}
	if (accept_kw(p, "LIMIT")) {
		a->has_limit = true;
		if ((error = parse_int_clause(p, &a->agg_limit)) < 0)
			return error;
	}
	return 0;
}

/* ARRAY_AGG(...)[OFFSET(k)], [SAFE_OFFSET(k)], [ORDINAL(k)],
 * [SAFE_ORDINAL(k)] or [k]: k an integer literal.  The aggregate takes
 * that element as it runs, and holds no array. */
static int parse_subscript(struct parser *p, struct ast *a)
{
	int error;
	p->pos++;
	struct sql_token *t = peek(p);
	bool ordinal = false;
	if (t->kind == TK_IDENT && !t->quoted && is_op(peek2(p), "(")) {
		const char *w = t->text;
		a->pick_safe = str_eq_nocase(w, "SAFE_OFFSET") || str_eq_nocase(w, "SAFE_ORDINAL");
		ordinal = str_eq_nocase(w, "ORDINAL") || str_eq_nocase(w, "SAFE_ORDINAL");
		if (!ordinal && !a->pick_safe && !str_eq_nocase(w, "OFFSET"))
			return parse_expected(p, "OFFSET, SAFE_OFFSET, ORDINAL or SAFE_ORDINAL");
		p->pos += 2;
		if ((error = parse_int_clause(p, &a->pick)) < 0 || (error = parse_expect_op(p, ")")) < 0)
			return error;
	} else if ((error = parse_int_clause(p, &a->pick)) < 0) {
		return error;
	}
	if (ordinal)
		a->pick--;
	a->has_pick = true;
	return parse_expect_op(p, "]");
}

/* x[OFFSET(i)], x[SAFE_OFFSET(i)], x[ORDINAL(i)], x[SAFE_ORDINAL(i)] or
 * x[i] of any array x, i any expression: a call of "[offset]" and the
 * others, (x, i), which the function table has. */
static struct ast *parse_element_access(struct parser *p, struct ast *x, int *error)
{
	while (x && is_op(peek(p), "[")) {
		struct sql_token *at = peek(p);
		struct ast *a = node(A_CALL, at), *i;
		p->pos++;
		struct sql_token *t = peek(p);
		const char *forms[] = {"OFFSET", "SAFE_OFFSET", "ORDINAL", "SAFE_ORDINAL"};
		const char *names[] = {"[offset]", "[safe_offset]", "[ordinal]", "[safe_ordinal]"};
		a->name = xstrdup("[offset]");
		add_arg(a, x);
		x = a;
		bool wrapped = false;
		for (size_t k = 0; k < 4; k++)
			if (t->kind == TK_IDENT && !t->quoted && str_eq_nocase(t->text, forms[k]) && is_op(peek2(p), "(")) {
				free(a->name);
				a->name = xstrdup(names[k]);
				p->pos += 2;
				wrapped = true;
			}
		if (!(i = parse_expr(p, error)))
			goto fail;
		add_arg(a, i);
		if ((wrapped && (*error = parse_expect_op(p, ")")) < 0) || (*error = parse_expect_op(p, "]")) < 0)
			goto fail;
	}
	return x ? check_height(p, x, error) : NULL;
fail:
	ast_free(x);
	return NULL;
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

/* A type's name (CAST's, a typed array literal's), lower case, or NULL
 * with *error set. */
static char *parse_type_name(struct parser *p, int *error)
{
	struct sql_token *ty = peek(p);
	if (ty->kind != TK_IDENT || !is_type_name(ty->text)) {
		*error = parse_expected(p, "type name");
		return NULL;
	}
	p->pos++;
	return lower(ty->text);
}

/* DATE_ADD(d, INTERVAL n DAY) and its kin: the INTERVAL is their second
 * argument, and nowhere else. */
static bool takes_interval(const char *name)
{
	static const char *const names[] = {"date_add", "date_sub", "datetime_add",
					    "datetime_sub", "timestamp_add", "timestamp_sub"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* INTERVAL n part: two arguments of a, the count and the part (a bare name,
 * as DATE_DIFF's third argument is). */
static int parse_interval(struct parser *p, struct ast *a)
{
	int error = 0;
	if (!accept_kw(p, "INTERVAL"))
		return parse_expected(p, "keyword INTERVAL (as in DATE_ADD(d, INTERVAL 1 DAY))");
	struct ast *n = parse_expr(p, &error);
	if (!n)
		return error;
	add_arg(a, n);
	struct sql_token *t = peek(p);
	if (t->kind != TK_IDENT || t->quoted)
		return parse_expected(p, "a date part (DAY, HOUR, MONTH...)");
	struct ast *part = node(A_COLUMN, t);
	part->name = xstrdup(t->text);
	add_arg(a, part);
	p->pos++;
	return 0;
}

static struct ast *parse_primary(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	struct ast *a = NULL;
	switch (t->kind) {
	case TK_INT:
		a = node(A_INT, t);
		if (!int_literal(t->text, &a->i)) {
			*error = sql_error_at(p->src, t->line, t->col, "Invalid integer literal: %s", t->text);
			free(a);
			return NULL;
		}
		p->pos++;
		return a;
	case TK_FLOAT:
		a = node(A_FLOAT, t);
		a->d = strtod(t->text, NULL);
		a->s = xstrdup(t->text); /* CAST(1.1 AS NUMERIC) reads the digits */
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
				if (!(a->sub = parse_select(p, error)) || (*error = parse_expect_op(p, ")")) < 0)
					goto fail;
				grow(&a->height, a->sub->height);
				return a;
			}
			if ((a = parse_expr(p, error)) && (*error = parse_expect_op(p, ")")) < 0) {
				ast_free(a);
				return NULL;
			}
			return a;
		}
		if (is_op(t, "*")) {
			p->pos++;
			return node(A_STAR, t);
		}
		if (is_op(t, "[")) {
			a = node(A_CALL, t);
			a->name = xstrdup("[array]");
			goto array;
		}
		break;
	case TK_KEYWORD:
		/* LEFT(s, n) and RIGHT(s, n): the join keywords as functions */
		if ((is_kw(t, "LEFT") || is_kw(t, "RIGHT")) && is_op(peek2(p), "(")) {
			p->pos++;
			a = node(A_CALL, t);
			a->name = lower(t->text);
			goto call;
		}
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
				if ((*error = parse_expect_kw(p, "THEN")) < 0 || !(th = parse_expr(p, error)))
					goto fail;
				add_arg(a, th);
			}
			if (a->nargs < 2 + (a->has_operand ? 1u : 0u)) {
				*error = parse_expected(p, "keyword WHEN");
				goto fail;
			}
			if (accept_kw(p, "ELSE")) {
				struct ast *e = parse_expr(p, error);
				if (!e)
					goto fail;
				add_arg(a, e);
				a->has_else = true;
			}
			if ((*error = parse_expect_kw(p, "END")) < 0)
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
			if ((*error = parse_expect_op(p, "(")) < 0 || !(a->sub = parse_select(p, error)) ||
			    (*error = parse_expect_op(p, ")")) < 0)
				goto fail;
			grow(&a->height, a->sub->height);
			return a;
		}
		if (is_kw(t, "EXTRACT")) {
			p->pos++;
			a = node(A_EXTRACT, t);
			struct ast *x;
			if ((*error = parse_expect_op(p, "(")) < 0 || !(a->name = parse_ident(p, error)))
				goto fail;
			char *l = lower(a->name);
			free(a->name);
			a->name = l;
			if ((*error = parse_expect_kw(p, "FROM")) < 0 || !(x = parse_expr(p, error)))
				goto fail;
			add_arg(a, x);
			if ((*error = parse_expect_op(p, ")")) < 0)
				goto fail;
			return a;
		}
		if (is_kw(t, "ARRAY") && is_op(peek2(p), "(")) {
			/* ARRAY(SELECT ...): the rows' values as an array */
			p->pos += 2;
			a = node(A_SUBQUERY, t);
			a->name = xstrdup("array");
			if (!is_kw(peek(p), "SELECT") && !is_kw(peek(p), "WITH")) {
				*error = parse_expected(p, "keyword SELECT");
				goto fail;
			}
			if (!(a->sub = parse_select(p, error)) || (*error = parse_expect_op(p, ")")) < 0)
				goto fail;
			grow(&a->height, a->sub->height);
			return a;
		}
		if (is_kw(t, "ARRAY") && is_op(peek2(p), "[")) {
			p->pos++;
			a = node(A_CALL, t);
			a->name = xstrdup("[array]");
			goto array;
		}
		if (is_kw(t, "ARRAY") && is_op(peek2(p), "<")) {
			/* ARRAY<type>[x, y, ...]: the elements coerced to type */
			p->pos += 2;
			a = node(A_CALL, t);
			a->name = xstrdup("[array]");
			if (!(a->op = parse_type_name(p, error)) || (*error = parse_expect_op(p, ">")) < 0)
				goto fail;
			if (!is_op(peek(p), "[")) {
				*error = parse_expected(p, "\"[\"");
				goto fail;
			}
			goto array;
		}
		if (is_kw(t, "STRUCT") && is_op(peek2(p), "(")) {
			/* STRUCT(x [AS name], ...): the planner takes its fields apart */
			p->pos += 2;
			a = node(A_CALL, t);
			a->name = xstrdup("struct");
			if (accept_op(p, ")"))
				return a;
			do {
				struct ast *x = parse_expr(p, error);
				if (!x)
					goto fail;
				add_arg(a, x);
				if (accept_kw(p, "AS") && !(x->alias = parse_ident(p, error)))
					goto fail;
			} while (accept_op(p, ","));
			if ((*error = parse_expect_op(p, ")")) < 0)
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
		/* SAFE.f(...): NULL where f would fail on a row, as BigQuery's */
		if (!t->quoted && str_eq_nocase(t->text, "SAFE") && is_op(peek2(p), ".") && p->pos + 3 < p->t.n &&
		    p->t.v[p->pos + 2].kind == TK_IDENT && is_op(&p->t.v[p->pos + 3], "(")) {
			p->pos += 3;
			a = node(A_CALL, &p->t.v[p->pos - 1]);
			a->name = lower(p->t.v[p->pos - 1].text);
			a->safe = true;
			goto call;
		}
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
		/* CURRENT_DATE and the like are calls without parentheses too */
		if (!t->quoted && (str_eq_nocase(t->text, "CURRENT_DATE") || str_eq_nocase(t->text, "CURRENT_DATETIME") ||
				   str_eq_nocase(t->text, "CURRENT_TIMESTAMP"))) {
			p->pos++;
			a = node(A_CALL, t);
			a->name = lower(t->text);
			return a;
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
	*error = parse_expected(p, NULL);
	return NULL;

call:
	if ((*error = parse_expect_op(p, "(")) < 0)
		goto fail;
	if (accept_kw(p, "DISTINCT"))
		a->distinct = true;
	if (!accept_op(p, ")")) {
		for (;;) {
			if (takes_interval(a->name) && a->nargs == 1) {
				if ((*error = parse_interval(p, a)) < 0)
					goto fail;
				if (accept_op(p, ","))
					continue;
				if ((*error = parse_expect_op(p, ")")) < 0)
					goto fail;
				break;
			}
			if (is_kw(peek(p), "INTERVAL")) {
				*error = sql_error_at(p->src, peek(p)->line, peek(p)->col,
						      "INTERVAL is an argument of DATE_ADD, DATE_SUB, DATETIME_ADD, "
						      "DATETIME_SUB, TIMESTAMP_ADD and TIMESTAMP_SUB only");
				goto fail;
			}
			struct ast *x = parse_expr(p, error);
			if (!x)
				goto fail;
			add_arg(a, x);
			if (accept_op(p, ","))
				continue;
			if ((*error = parse_agg_tail(p, a)) < 0 || (*error = parse_expect_op(p, ")")) < 0)
				goto fail;
			break;
		}
	}
	if (accept_kw(p, "OVER") && (*error = parse_over(p, a)) < 0)
		goto fail;
	if (is_op(peek(p), "[") && !strcmp(a->name, "array_agg") && !a->over && (*error = parse_subscript(p, a)) < 0)
		goto fail;
	return a;

array: /* [x, y, ...] */
	p->pos++;
	if (!accept_op(p, "]")) {
		for (;;) {
			struct ast *x = parse_expr(p, error);
			if (!x)
				goto fail;
			add_arg(a, x);
			if (accept_op(p, ","))
				continue;
			if ((*error = parse_expect_op(p, "]")) < 0)
				goto fail;
			break;
		}
	}
	return a;

cast:
	{
		struct ast *x;
		if ((*error = parse_expect_op(p, "(")) < 0 || !(x = parse_expr(p, error)))
			goto fail;
		add_arg(a, x);
		if ((*error = parse_expect_kw(p, "AS")) < 0)
			goto fail;
		if (!(a->name = parse_type_name(p, error)) || (*error = parse_expect_op(p, ")")) < 0)
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
		if (!parse_enter(p, error))
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
			char *text = x->s[0] == '-' ? xstrdup(x->s + 1) : xasprintf("-%s", x->s);
			free(x->s);
			x->s = text;
			x->line = t->line, x->col = t->col;
			return x;
		}
		struct ast *a = node(A_UNARY, t);
		a->op = xstrdup(t->text);
		add_arg(a, x);
		return check_height(p, a, error);
	}
	return parse_element_access(p, parse_primary(p, error), error);
}

static struct ast *binary(struct sql_token *at, const char *op, struct ast *l, struct ast *r)
{
	struct ast *a = node(A_BINARY, at);
	a->op = xstrdup(op);
	add_arg(a, l);
	add_arg(a, r);
	return a;
}

/* One level of left-associative binary operators: operand (op operand)*,
 * op one of ops (keywords when kw), each step a left-deep node. */
static struct ast *parse_level(struct parser *p, int *error, struct ast *(*operand)(struct parser *, int *),
                               const char *const *ops, bool kw)
{
	struct ast *l = operand(p, error);
	while (l) {
		struct sql_token *t = peek(p);
		size_t i = 0;
		while (ops[i] && !(kw ? is_kw(t, ops[i]) : is_op(t, ops[i])))
			i++;
		if (!ops[i])
			break;
		p->pos++;
		struct ast *r = operand(p, error);
		if (!r) {
			ast_free(l);
			return NULL;
		}
		l = check_height(p, binary(t, t->text, l, r), error);
	}
	return l;
}

static struct ast *parse_mul(struct parser *p, int *error)
{
	static const char *const ops[] = {"*", "/", "||", NULL};
	return parse_level(p, error, parse_unary, ops, false);
}

static struct ast *parse_add(struct parser *p, int *error)
{
	static const char *const ops[] = {"+", "-", NULL};
	return parse_level(p, error, parse_mul, ops, false);
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
		if ((*error = parse_expect_kw(p, "AND")) < 0 || !(hi = parse_add(p, error)))
			goto fail;
		add_arg(a, hi);
	} else if (accept_kw(p, "IN")) {
		if (accept_kw(p, "UNNEST")) {
			/* x [NOT] IN UNNEST(array): a call, NOT around it */
			struct ast *arr;
			a = node(A_CALL, t);
			a->name = xstrdup("[in unnest]");
			add_arg(a, l);
			if ((*error = parse_expect_op(p, "(")) < 0 || !(arr = parse_expr(p, error)))
				goto fail;
			add_arg(a, arr);
			if ((*error = parse_expect_op(p, ")")) < 0)
				goto fail;
			if (!neg)
				return a;
			struct ast *n = node(A_UNARY, t);
			n->op = xstrdup("NOT");
			add_arg(n, a);
			return n;
		}
		a = node(A_IN, t);
		add_arg(a, l);
		if ((*error = parse_expect_op(p, "(")) < 0)
			goto fail;
		if (is_kw(peek(p), "SELECT") || is_kw(peek(p), "WITH")) {
			if (!(a->sub = parse_select(p, error)) || (*error = parse_expect_op(p, ")")) < 0)
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
			if ((*error = parse_expect_op(p, ")")) < 0)
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
			*error = parse_expected(p, "keyword NULL");
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
		if (!parse_enter(p, error))
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
	static const char *const ops[] = {"AND", NULL};
	return parse_level(p, error, parse_not, ops, true);
}

static struct ast *parse_or(struct parser *p, int *error)
{
	static const char *const ops[] = {"OR", NULL};
	return parse_level(p, error, parse_and, ops, true);
}

struct ast *parse_expr(struct parser *p, int *error)
{
	if (!parse_enter(p, error))
		return NULL;
	struct ast *a = check_height(p, parse_or(p, error), error);
	p->depth--;
	return a;
}

/* LIMIT and OFFSET: an integer literal, or one in parentheses (LIMIT (1)). */
int parse_int_clause(struct parser *p, int64_t *out)
{
	int error;
	size_t parens = 0;
	while (accept_op(p, "("))
		parens++;
	struct sql_token *t = peek(p);
	if (t->kind != TK_INT)
		return parse_expected(p, "integer literal");
	if (!int_literal(t->text, out))
		return sql_error_at(p->src, t->line, t->col, "Invalid integer literal: %s", t->text);
	p->pos++;
	for (; parens; parens--)
		if ((error = parse_expect_op(p, ")")) < 0)
			return error;
	return 0;
}

/* expr [ASC|DESC] [NULLS FIRST|LAST], ... */
int parse_order_items(struct parser *p, struct order_item **order, size_t *norder)
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
				return parse_expected(p, "FIRST or LAST");
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
			return parse_expected(p, "keyword PRECEDING or keyword FOLLOWING");
		return 0;
	}
	if (accept_kw(p, "CURRENT")) {
		if (!accept_word(p, "ROW"))
			return parse_expected(p, "keyword ROW");
		*b = FB_CURRENT;
		return 0;
	}
	if (t->kind != TK_INT)
		return parse_expected(p, "keyword UNBOUNDED, keyword CURRENT or integer literal");
	*n = strtoll(t->text, NULL, 10);
	p->pos++;
	if (accept_kw(p, "PRECEDING"))
		*b = FB_PRECEDING;
	else if (accept_kw(p, "FOLLOWING"))
		*b = FB_FOLLOWING;
	else
		return parse_expected(p, "keyword PRECEDING or keyword FOLLOWING");
	return 0;
}

/* The name of a window the WINDOW clause defines, and where it is written. */
static int window_name(struct parser *p, struct ast_window *w)
{
	int error = 0;
	w->name_line = peek(p)->line;
	w->name_col = peek(p)->col;
	w->name = parse_ident(p, &error);
	return error;
}

/* OVER w, or OVER ([w] [PARTITION BY e, ...] [ORDER BY ...] [ROWS|RANGE
 * frame]) */
static int parse_over(struct parser *p, struct ast *call)
{
	if (peek(p)->kind == TK_IDENT)
		return window_name(p, call->over = xcalloc(1, sizeof *call->over));
	int error = parse_window_spec(p, &call->over);
	if (!error) {
		for (size_t i = 0; i < call->over->npart; i++)
			grow(&call->height, call->over->part[i]->height);
		for (size_t i = 0; i < call->over->norder; i++)
			grow(&call->height, call->over->order[i].expr->height);
	}
	return error;
}

int parse_window_spec(struct parser *p, struct ast_window **out)
{
	int error = 0;
	struct ast_window *w = *out = xcalloc(1, sizeof *w);
	if ((error = parse_expect_op(p, "(")) < 0)
		return error;
	if (peek(p)->kind == TK_IDENT && (error = window_name(p, w)) < 0)
		return error;
	if (accept_kw(p, "PARTITION")) {
		if ((error = parse_expect_kw(p, "BY")) < 0)
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
		if ((error = parse_expect_kw(p, "BY")) < 0 || (error = parse_order_items(p, &w->order, &w->norder)) < 0)
			return error;
	}
	struct sql_token *t = peek(p);
	if (accept_kw(p, "ROWS") || accept_kw(p, "RANGE")) {
		w->frame = is_kw(t, "ROWS") ? FRAME_ROWS : FRAME_RANGE;
		w->frame_line = t->line;
		w->frame_col = t->col;
		if (accept_kw(p, "BETWEEN")) {
			if ((error = parse_frame_bound(p, &w->lo, &w->lo_n)) < 0 || (error = parse_expect_kw(p, "AND")) < 0 ||
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
	return parse_expect_op(p, ")");
}
