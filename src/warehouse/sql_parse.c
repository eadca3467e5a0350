/* sql_parse: tokens -> a syntax tree, by recursive descent: statements and
 * queries here, expressions in sql_parse_expr.c.  Errors name the token
 * found the way BigQuery does ("got keyword FROM") with its line and column
 * and a caret under it.
 *
 * Nothing here or in the passes after it recurses without a bound: the
 * parser counts its own nesting (parse_expr, parse_select and unary
 * operators) and each node's height, and refuses either beyond
 * SQL_MAX_DEPTH, so a left-deep chain a+b+c+... is refused at its
 * 1,001st term, before it is built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "date.h"
#include "sql_parser.h"

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

int parse_expected(struct parser *p, const char *what)
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

int parse_expect_op(struct parser *p, const char *op)
{
	if (accept_op(p, op))
		return 0;
	char what[16];
	snprintf(what, sizeof what, "\"%s\"", op);
	return parse_expected(p, what);
}

int parse_expect_kw(struct parser *p, const char *kw)
{
	if (accept_kw(p, kw))
		return 0;
	char what[48];
	snprintf(what, sizeof what, "keyword %s", kw);
	return parse_expected(p, what);
}

int sql_error_too_deep(const char *src, int line, int col)
{
	return sql_error_at(src, line, col,
			    "Out of stack space due to deeply nested query expression during query resolution "
			    "(pipe allows %d levels)", SQL_MAX_DEPTH);
}

int parse_too_deep(struct parser *p, int line, int col)
{
	return sql_error_too_deep(p->src, line, col);
}

bool parse_enter(struct parser *p, int *error)
{
	if (p->depth >= SQL_MAX_DEPTH) {
		*error = parse_too_deep(p, peek(p)->line, peek(p)->col);
		return false;
	}
	p->depth++;
	return true;
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
	ast_free(f->array);
	free(f->offset);
	for (size_t i = 0; i < f->nusing; i++)
		free(f->using[i]);
	free(f->using);
	free(f);
}

/* What a select item holds. */
static void select_item_free(struct select_item *it)
{
	ast_free(it->expr);
	free(it->star_qual);
	free(it->alias);
	for (size_t j = 0; j < it->nexcept; j++)
		free(it->except[j]);
	free(it->except);
	for (size_t j = 0; j < it->nreplace; j++)
		ast_free(it->replace[j]);
	free(it->replace);
}

void select_free(struct select *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nctes; i++) {
		free(s->ctes[i].name);
		select_free(s->ctes[i].sel);
	}
	free(s->ctes);
	for (size_t i = 0; i < s->nitems; i++)
		select_item_free(&s->items[i]);
	free(s->items);
	for (size_t i = 0; i < s->nwindows; i++) {
		free(s->windows[i].name);
		window_free(s->windows[i].w);
	}
	free(s->windows);
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

static struct from *parse_from(struct parser *p, int *error);
static struct from *parse_unnest(struct parser *p, int *error);
static struct select *rows_tree(struct select *u);

/* ( from_item JOIN ... ): joins in parentheses, one item of the join
 * around them.  "((" may also open a query in parentheses: when no join
 * parses, *error stays 0 and the caller reads a subquery instead. */
static struct from *parse_paren_join(struct parser *p, int *error)
{
	size_t start = p->pos;
	if (p->no_join && p->no_join[start])
		return NULL;
	if (is_kw(peek2(p), "SELECT") || is_kw(peek2(p), "WITH") || !parse_enter(p, error))
		return NULL;
	p->pos++;
	struct from *j = parse_from(p, error);
	p->depth--;
	if (j && accept_op(p, ")"))
		return j;
	from_free(j);
	if (is_op(&p->t.v[start + 1], "(")) {
		p->pos = start;
		error_clear();
		*error = 0;
		if (!p->no_join)
			p->no_join = xcalloc(p->t.n + 1, 1);
		p->no_join[start] = 1;
	} else if (j) {
		*error = parse_expect_op(p, ")");
	}
	return NULL;
}

static struct from *parse_from_item(struct parser *p, int *error)
{
	struct sql_token *t = peek(p);
	if (accept_kw(p, "UNNEST"))
		return parse_unnest(p, error);
	if (is_op(t, "(")) {
		struct from *j = parse_paren_join(p, error);
		if (j || *error < 0)
			return j;
	}
	struct from *f = xcalloc(1, sizeof *f);
	f->line = t->line;
	f->col = t->col;
	f->height = 1;
	if (accept_op(p, "(")) {
		f->kind = F_SUBQUERY;
		if (!(f->sub = parse_select(p, error)) || (*error = parse_expect_op(p, ")")) < 0)
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
			if ((*error = parse_expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_CROSS;
		} else if (accept_kw(p, "JOIN")) {
			jt = J_INNER;
		} else if (accept_kw(p, "INNER")) {
			if ((*error = parse_expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_INNER;
		} else if (accept_kw(p, "LEFT")) {
			accept_kw(p, "OUTER");
			if ((*error = parse_expect_kw(p, "JOIN")) < 0)
				goto fail;
			jt = J_LEFT;
		} else if (accept_kw(p, "RIGHT") || accept_kw(p, "FULL")) {
			accept_kw(p, "OUTER");
			if ((*error = parse_expect_kw(p, "JOIN")) < 0)
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
		/* [LEFT] JOIN UNNEST(...) needs no ON, as in BigQuery */
		bool unnest = is_kw(peek(p), "UNNEST");
		if (!(j->right = parse_from_item(p, error)))
			goto fail;
		if (unnest && !is_kw(peek(p), "ON") && !is_kw(peek(p), "USING")) {
			/* every element with its row */
		} else if (jt != J_CROSS && accept_kw(p, "USING")) {
			if ((*error = parse_expect_op(p, "(")) < 0 || (*error = parse_name_list(p, &j->using, &j->nusing)) < 0 ||
			    (*error = parse_expect_op(p, ")")) < 0)
				goto fail;
		} else if (jt != J_CROSS) {
			if ((*error = parse_expect_kw(p, "ON")) < 0 || !(j->on = parse_expr(p, error)))
				goto fail;
		}
		/* a FROM list is a left-deep tree of joins */
		grow(&j->height, j->left->height);
		grow(&j->height, j->right->height);
		if (j->on)
			grow(&j->height, j->on->height);
		if (j->height > SQL_MAX_DEPTH) {
			*error = parse_too_deep(p, j->line, j->col);
			goto fail;
		}
	}
	return l;
fail:
	from_free(l);
	return NULL;
}


/* [ORDER BY ...] [LIMIT n [OFFSET m]] */
static int parse_order_limit(struct parser *p, struct select *s)
{
	int error = 0;
	if (accept_kw(p, "ORDER")) {
		if ((error = parse_expect_kw(p, "BY")) < 0 || (error = parse_order_items(p, &s->order, &s->norder)) < 0)
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

/* * REPLACE (x AS a, ...), from REPLACE: each x with its alias. */
static int parse_replace(struct parser *p, struct select_item *it)
{
	int error = 0;
	p->pos += 2;
	do {
		struct ast *x = parse_expr(p, &error);
		if (!x)
			return error;
		it->replace = xrealloc(it->replace, (it->nreplace + 1) * sizeof *it->replace);
		it->replace[it->nreplace++] = x;
		if ((error = parse_expect_kw(p, "AS")) < 0 || !(x->alias = parse_ident(p, &error)))
			return error;
	} while (accept_op(p, ","));
	return parse_expect_op(p, ")");
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
		if ((*error = parse_expect_op(p, ")")) < 0) {
			select_free(inner);
			goto fail;
		}
		inner->paren = true;
		select_free(s);
		return inner;
	}
	if ((*error = parse_expect_kw(p, "SELECT")) < 0)
		goto fail;
	if (accept_kw(p, "DISTINCT"))
		s->distinct = true;
	else
		accept_kw(p, "ALL");
	if (accept_kw(p, "AS")) {
		if (is_kw(peek(p), "STRUCT")) {
			*error = sql_error_at(p->src, peek(p)->line, peek(p)->col, "SELECT AS STRUCT is not supported: "
					      "pipe's STRUCT values are a query's columns; select them, or use SELECT AS VALUE");
			goto fail;
		}
		if (!accept_word(p, "VALUE")) {
			*error = parse_expected(p, "keyword VALUE");
			goto fail;
		}
		s->as_value = true;
	}
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
			if (accept_kw(p, "EXCEPT") &&
			    ((*error = parse_expect_op(p, "(")) < 0 ||
			     (*error = parse_name_list(p, &it.except, &it.nexcept)) < 0 ||
			     (*error = parse_expect_op(p, ")")) < 0)) {
				select_item_free(&it);
				goto fail;
			}
			if (is_word(peek(p), "REPLACE") && is_op(peek2(p), "(") && (*error = parse_replace(p, &it)) < 0) {
				select_item_free(&it);
				goto fail;
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
		if ((*error = parse_expect_kw(p, "BY")) < 0)
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
	if (accept_kw(p, "WINDOW")) {
		do {
			struct sql_token *t = peek(p);
			char *name = parse_ident(p, error);
			if (!name)
				goto fail;
			for (size_t i = 0; i < s->nwindows; i++)
				if (str_eq_nocase(s->windows[i].name, name)) {
					free(name);
					*error = sql_error_at(p->src, t->line, t->col, "Duplicate window name %s", s->windows[i].name);
					goto fail;
				}
			s->windows = xrealloc(s->windows, (s->nwindows + 1) * sizeof *s->windows);
			struct named_window *nw = &s->windows[s->nwindows++];
			nw->name = name;
			nw->w = NULL;
			if ((*error = parse_expect_kw(p, "AS")) < 0 || (*error = parse_window_spec(p, &nw->w)) < 0)
				goto fail;
		} while (accept_op(p, ","));
	}
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
			if ((*error = parse_expect_kw(p, "AS")) < 0 || (*error = parse_expect_op(p, "(")) < 0)
				goto fail;
			if (!(ctes[nctes - 1].sel = parse_select(p, error)))
				goto fail;
			if ((*error = parse_expect_op(p, ")")) < 0)
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
				*error = parse_expected(p, "end of input");
				goto fail;
			}
			struct sql_token *at = peek(p);
			int k = accept_kw(p, "ALL") ? 0 : accept_kw(p, "DISTINCT") ? 1 : -1;
			if (k < 0) {
				*error = parse_expected(p, "keyword ALL or keyword DISTINCT");
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

struct select *parse_select(struct parser *p, int *error)
{
	if (!parse_enter(p, error))
		return NULL;
	struct select *s = parse_query(p, error);
	p->depth--;
	if (s && s->height > SQL_MAX_DEPTH) {
		*error = parse_too_deep(p, s->line, s->col);
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
	for (size_t i = 0; i < s->ndecls; i++) {
		free(s->decls[i].name);
		free(s->decls[i].type);
	}
	free(s->decls);
	free(s);
}

/* (name TYPE [NOT NULL], ...) of CREATE TABLE; the type is checked when
 * the statement runs. */
static int parse_column_decls(struct parser *p, struct stmt *s)
{
	int error = 0;
	do {
		struct column_decl d = {0};
		struct sql_token *t = peek(p);
		if (!(d.name = parse_ident(p, &error)))
			return error;
		s->decls = xrealloc(s->decls, (s->ndecls + 1) * sizeof *s->decls);
		s->decls[s->ndecls++] = d;
		if ((error = check_field_name(p, t, d.name)) < 0)
			return error;
		if (peek(p)->kind != TK_IDENT || peek(p)->quoted)
			return parse_expected(p, "type name");
		s->decls[s->ndecls - 1].line = peek(p)->line;
		s->decls[s->ndecls - 1].col = peek(p)->col;
		s->decls[s->ndecls - 1].type = xstrdup(peek(p)->text);
		p->pos++;
		if (is_op(peek(p), "(") || is_op(peek(p), "<"))
			return sql_error_at(p->src, peek(p)->line, peek(p)->col,
					    "Parameterized, ARRAY and STRUCT types are not supported in CREATE TABLE");
		if (accept_kw(p, "NOT")) {
			if ((error = parse_expect_kw(p, "NULL")) < 0)
				return error;
			s->decls[s->ndecls - 1].not_null = true;
		}
	} while (accept_op(p, ","));
	return parse_expect_op(p, ")");
}

/* arms[0] UNION ALL arms[1] ... as a select (taking arms) */
static struct select *union_all(struct select **arms, size_t n)
{
	struct select *u = xcalloc(1, sizeof *u);
	u->line = arms[0]->line;
	u->col = arms[0]->col;
	u->limit = u->offset = -1;
	u->setop = SET_UNION;
	u->arms = xcalloc(n + 1, sizeof *u->arms);
	memcpy(u->arms, arms, n * sizeof *arms);
	u->narms = n;
	measure_select(u);
	return u;
}

/* VALUES (v, ...), (v, ...): the rows as SELECT v, ... UNION ALL SELECT
 * v, ..., so that the columns take their common types as a UNION ALL's do.
 * Many rows make a tree of UNION ALLs of VALUES_FANOUT arms each, not one
 * chain: a row passes one union node per arm of the chain below it. */
#define VALUES_FANOUT 32
static struct select *parse_values(struct parser *p, int *error)
{
	struct select *u = xcalloc(1, sizeof *u);
	struct sql_token *at = peek(p);
	u->line = at->line;
	u->col = at->col;
	u->limit = u->offset = -1;
	u->setop = SET_UNION;
	do {
		struct select *row = xcalloc(1, sizeof *row);
		row->line = peek(p)->line;
		row->col = peek(p)->col;
		row->limit = row->offset = -1;
		u->arms = xrealloc(u->arms, (u->narms + 1) * sizeof *u->arms);
		u->arms[u->narms++] = row;
		if ((*error = parse_expect_op(p, "(")) < 0)
			goto fail;
		do {
			struct select_item it = {.line = peek(p)->line, .col = peek(p)->col};
			if (!(it.expr = parse_expr(p, error)))
				goto fail;
			row->items = xrealloc(row->items, (row->nitems + 1) * sizeof *row->items);
			row->items[row->nitems++] = it;
		} while (accept_op(p, ","));
		if ((*error = parse_expect_op(p, ")")) < 0)
			goto fail;
		measure_select(row);
	} while (accept_op(p, ","));
	return rows_tree(u);
fail:
	select_free(u);
	return NULL;
}

/* The rows of u (its arms) as a tree of UNION ALLs, VALUES_FANOUT arms a
 * node; one row alone is itself. */
static struct select *rows_tree(struct select *u)
{
	while (u->narms > VALUES_FANOUT) {
		size_t n = 0;
		for (size_t i = 0; i < u->narms; i += VALUES_FANOUT) {
			size_t k = u->narms - i < VALUES_FANOUT ? u->narms - i : VALUES_FANOUT;
			u->arms[n++] = k == 1 ? u->arms[i] : union_all(u->arms + i, k);
		}
		u->narms = n;
	}
	if (u->narms == 1) {
		struct select *row = u->arms[0];
		u->narms = 0;
		select_free(u);
		return row;
	}
	measure_select(u);
	return u;
}

/* --- UNNEST: an array written out as rows --- */

#define UNNEST_MAX 10000

static struct ast *literal(enum ast_kind kind, struct sql_token *at)
{
	struct ast *a = xcalloc(1, sizeof *a);
	a->kind = kind;
	a->line = at->line;
	a->col = at->col;
	a->height = 1;
	return a;
}

static int unnest_add(struct parser *p, struct sql_token *at, struct ast ***v, size_t *n, struct ast *a)
{
	if (*n >= UNNEST_MAX) {
		ast_free(a);
		return sql_error_at(p->src, at->line, at->col, "UNNEST of GENERATE_DATE_ARRAY of more than %d days: it is "
				    "written out as rows; read the days from a table", UNNEST_MAX);
	}
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = a;
	return 0;
}

static int date_arg(struct parser *p, const struct ast *a, int32_t *days)
{
	const char *s = a->kind == A_STRING || (a->kind == A_TYPED && !strcmp(a->name, "date")) ? a->s : NULL;
	if (!s || date_parse(s, s + strlen(s), days) < 0) {
		error_clear();
		return sql_error_at(p->src, a->line, a->col, "GENERATE_DATE_ARRAY in UNNEST takes DATE literals");
	}
	return 0;
}

/* GENERATE_ARRAY(lo, hi[, step]) with INT64 literals, or
 * GENERATE_DATE_ARRAY(lo, hi[, INTERVAL n DAY|WEEK|MONTH|QUARTER|YEAR])
 * with DATE literals: the elements, after the name. */
static int parse_generate(struct parser *p, bool dates, struct ast ***v, size_t *n)
{
	struct sql_token *at = peek(p);
	struct ast *lo = NULL, *hi = NULL, *step = NULL;
	int64_t by = 1;
	int months = 0, error;
	if ((error = parse_expect_op(p, "(")) < 0 || !(lo = parse_expr(p, &error)) ||
	    (error = parse_expect_op(p, ",")) < 0 || !(hi = parse_expr(p, &error)))
		goto done;
	if (accept_op(p, ",")) {
		if (dates) {
			bool neg;
			if ((error = parse_expect_kw(p, "INTERVAL")) < 0)
				goto done;
			neg = accept_op(p, "-");
			if ((error = parse_int_clause(p, &by)) < 0)
				goto done;
			by = neg ? -by : by;
			if (by > 1000000 || by < -1000000) {
				error = sql_error_at(p->src, at->line, at->col, "GENERATE_DATE_ARRAY's step is out of range");
				goto done;
			}
			struct sql_token *u = peek(p);
			months = is_word(u, "MONTH") ? 1 : is_word(u, "QUARTER") ? 3 : is_word(u, "YEAR") ? 12 : 0;
			if (is_word(u, "WEEK"))
				by *= 7;
			else if (!months && !is_word(u, "DAY")) {
				error = parse_expected(p, "DAY, WEEK, MONTH, QUARTER or YEAR");
				goto done;
			}
			p->pos++;
		} else if (!(step = parse_expr(p, &error))) {
			goto done;
		}
	}
	if ((error = parse_expect_op(p, ")")) < 0)
		goto done;
	if (!dates) {
		if (lo->kind != A_INT || hi->kind != A_INT || (step && step->kind != A_INT)) {
			error = sql_error_at(p->src, at->line, at->col, "GENERATE_ARRAY in UNNEST takes INT64 literals");
			goto done;
		}
		by = step ? step->i : 1;
		if (by == 0) {
			error = sql_error_at(p->src, at->line, at->col, "Sequence step cannot be 0.");
			goto done;
		}
		for (int64_t x = lo->i; by > 0 ? x <= hi->i : x >= hi->i;) {
			struct ast *e = literal(A_INT, at);
			e->i = x;
			if ((error = unnest_add(p, at, v, n, e)) < 0 || __builtin_add_overflow(x, by, &x))
				goto done;
		}
		goto done;
	}
	int32_t from, to;
	if ((error = date_arg(p, lo, &from)) < 0 || (error = date_arg(p, hi, &to)) < 0)
		goto done;
	if (by == 0) {
		error = sql_error_at(p->src, at->line, at->col, "Sequence step cannot be 0.");
		goto done;
	}
	int32_t day = from;
	for (;;) {
		if (by > 0 ? day > to : day < to)
			break;
		struct ast *e = literal(A_TYPED, at);
		e->name = xstrdup("date");
		struct buf b = BUF_INIT;
		date_format(day, &b);
		e->s = buf_detach(&b);
		if ((error = unnest_add(p, at, v, n, e)) < 0)
			goto done;
		/* each element from the one before, as BigQuery steps: the 31st
		 * plus a month is the 28th or 29th in February, and stays so */
		if (months) {
			int y, m, d;
			civil_from_days(day, &y, &m, &d);
			int64_t mi = (int64_t)y * 12 + (m - 1) + by * months;
			if (mi < 0 || mi / 12 > 9999)
				break;
			y = (int)(mi / 12), m = (int)(mi % 12) + 1;
			while (d > 28 && !civil_valid(y, m, d))
				d--;
			day = days_from_civil(y, m, d);
		} else if (__builtin_add_overflow(day, by, &day)) {
			break;
		}
	}
done:
	ast_free(lo);
	ast_free(hi);
	ast_free(step);
	return error;
}

/* Whether a holds no column, subquery or call whose value a row gives:
 * an array written out of constants only is written out as rows. */
static bool constant_ast(const struct ast *a)
{
	if (a->kind == A_COLUMN || a->kind == A_SUBQUERY || a->kind == A_EXISTS || a->kind == A_CALL || a->sub)
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (!constant_ast(a->args[i]))
			return false;
	return true;
}

/* [[AS] alias] [WITH OFFSET [[AS] name]] after UNNEST(...) */
static int parse_unnest_names(struct parser *p, struct from *f)
{
	int error;
	if ((error = parse_alias(p, &f->alias)) < 0)
		return error;
	/* WITH OFFSET [[AS] name]: each element's place, from 0 */
	if (accept_kw(p, "WITH")) {
		if (!accept_word(p, "OFFSET"))
			return parse_expected(p, "keyword OFFSET");
		if ((error = parse_alias(p, &f->offset)) < 0)
			return error;
		if (!f->offset)
			f->offset = xstrdup("offset");
	}
	return 0;
}

/* UNNEST(expression) of any array value: F_UNNEST, planned with the FROM
 * item on its left (sql_from.c). */
static struct from *parse_unnest_value(struct parser *p, struct from *f, int *error)
{
	f->kind = F_UNNEST;
	if (!(f->array = parse_expr(p, error)) || (*error = parse_expect_op(p, ")")) < 0 ||
	    (*error = parse_unnest_names(p, f)) < 0) {
		from_free(f);
		return NULL;
	}
	grow(&f->height, f->array->height + 1);
	return f;
}

/* UNNEST([v, ...]) of constants, UNNEST(GENERATE_ARRAY(...)) or
 * UNNEST(GENERATE_DATE_ARRAY(...)) of literals [[AS] alias], after UNNEST:
 * the elements become the rows of a UNION ALL, the value named by the
 * alias (f0_ without one).  Any other array is a value (parse_unnest_value). */
static struct from *parse_unnest(struct parser *p, int *error)
{
	struct sql_token *at = &p->t.v[p->pos - 1];
	struct ast **v = NULL;
	size_t n = 0;
	struct from *f = xcalloc(1, sizeof *f);
	f->kind = F_SUBQUERY;
	f->line = at->line;
	f->col = at->col;
	f->height = 2;
	if ((*error = parse_expect_op(p, "(")) < 0)
		goto fail;
	size_t start = p->pos;
	if (accept_word(p, "GENERATE_ARRAY") || accept_word(p, "GENERATE_DATE_ARRAY")) {
		bool dates = is_word(&p->t.v[p->pos - 1], "GENERATE_DATE_ARRAY");
		if ((*error = parse_generate(p, dates, &v, &n)) < 0) {
			if (dates || !is_op(peek(p), ")"))
				goto fail;
			/* GENERATE_ARRAY of other values than literals: a value */
			for (size_t i = 0; i < n; i++)
				ast_free(v[i]);
			free(v);
			v = NULL;
			n = 0;
			error_clear();
			p->pos = start;
			return parse_unnest_value(p, f, error);
		}
	} else {
		if (!accept_op(p, "["))
			return parse_unnest_value(p, f, error);
		if (!accept_op(p, "]")) {
			do {
				struct ast *e = parse_expr(p, error);
				if (!e)
					goto fail;
				/* past UNNEST_MAX constants, or one that is not: a value */
				if (n == UNNEST_MAX || !constant_ast(e)) {
					ast_free(e);
					for (size_t i = 0; i < n; i++)
						ast_free(v[i]);
					free(v);
					v = NULL;
					n = 0;
					p->pos = start;
					return parse_unnest_value(p, f, error);
				}
				if ((*error = unnest_add(p, at, &v, &n, e)) < 0)
					goto fail;
				grow(&f->height, e->height + 1);
			} while (accept_op(p, ","));
			if ((*error = parse_expect_op(p, "]")) < 0)
				goto fail;
		}
	}
	if ((*error = parse_expect_op(p, ")")) < 0 || (*error = parse_unnest_names(p, f)) < 0)
		goto fail;
	char *offset = f->offset;
	f->offset = NULL;
	struct select *u = xcalloc(1, sizeof *u);
	u->line = at->line;
	u->col = at->col;
	u->limit = u->offset = -1;
	u->setop = SET_UNION;
	u->arms = xcalloc(n + 1, sizeof *u->arms);
	for (size_t i = 0; i < n || (i == 0 && n == 0); i++) {
		struct select *row = xcalloc(1, sizeof *row);
		row->line = at->line;
		row->col = at->col;
		row->limit = row->offset = -1;
		row->items = xcalloc(2, sizeof *row->items);
		row->items[0].expr = n ? v[i] : literal(A_NULL, at);
		row->items[0].alias = f->alias ? xstrdup(f->alias) : NULL;
		row->nitems = 1;
		if (offset) {
			row->items[1].expr = literal(A_INT, at);
			row->items[1].expr->i = (int64_t)i;
			row->items[1].alias = xstrdup(offset);
			row->nitems = 2;
		}
		if (!n)
			row->limit = 0; /* UNNEST([]): no row */
		measure_select(row);
		u->arms[u->narms++] = row;
	}
	free(v);
	free(offset);
	v = NULL;
	f->sub = rows_tree(u);
	return f;
fail:
	for (size_t i = 0; i < n; i++)
		ast_free(v[i]);
	free(v);
	from_free(f);
	return NULL;
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
			return parse_expected(p, "keyword REPLACE");
		s->or_replace = true;
	}
	if (!accept_word(p, "TABLE"))
		return parse_expected(p, "keyword TABLE");
	if (accept_kw(p, "IF")) {
		if ((error = parse_expect_kw(p, "NOT")) < 0 || (error = parse_expect_kw(p, "EXISTS")) < 0)
			return error;
		s->if_not_exists = true;
	}
	if ((error = parse_table_name(p, s)) < 0)
		return error;
	if (accept_op(p, "(") && (error = parse_column_decls(p, s)) < 0)
		return error;
	if (accept_kw(p, "PARTITION")) {
		if ((error = parse_expect_kw(p, "BY")) < 0 || !(s->partition_by = parse_expr(p, &error)))
			return error;
	}
	if (accept_word(p, "CLUSTER")) {
		if ((error = parse_expect_kw(p, "BY")) < 0)
			return error;
		s->cluster_line = peek(p)->line;
		s->cluster_col = peek(p)->col;
		if ((error = parse_name_list(p, &s->cluster_by, &s->ncluster)) < 0)
			return error;
	}
	if (accept_word(p, "OPTIONS")) {
		if ((error = parse_expect_op(p, "(")) < 0)
			return error;
		if (!accept_op(p, ")")) {
			do {
				struct option o = {0};
				if (!(o.key = parse_ident(p, &error)))
					return error;
				if ((error = parse_expect_op(p, "=")) < 0 || !(o.value = parse_expr(p, &error))) {
					free(o.key);
					return error;
				}
				s->options = xrealloc(s->options, (s->noptions + 1) * sizeof *s->options);
				s->options[s->noptions++] = o;
			} while (accept_op(p, ","));
			if ((error = parse_expect_op(p, ")")) < 0)
				return error;
		}
	}
	if (s->ndecls && !is_kw(peek(p), "AS"))
		return 0;
	if ((error = parse_expect_kw(p, "AS")) < 0)
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
			error = parse_expected(&p, "keyword TABLE");
			goto done;
		}
		if (accept_kw(&p, "IF")) {
			if ((error = parse_expect_kw(&p, "EXISTS")) < 0)
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
			    (error = parse_expect_op(&p, ")")) < 0)
				goto done;
		}
		if (accept_word(&p, "VALUES")) {
			s->values = true;
			if (!(s->sel = parse_values(&p, &error)))
				goto done;
		} else if (!(s->sel = parse_select(&p, &error))) {
			goto done;
		}
	} else if (is_kw(t, "SELECT") || is_kw(t, "WITH") || is_op(t, "(")) {
		s->kind = S_SELECT;
		if (!(s->sel = parse_select(&p, &error)))
			goto done;
	} else {
		error = parse_expected(&p, NULL);
		goto done;
	}
	accept_op(&p, ";");
	if (peek(&p)->kind != TK_EOF) {
		error = parse_expected(&p, "end of input");
		goto done;
	}
done:
	sql_tokens_free(&p.t);
	free(p.no_join);
	if (error < 0)
		sql_stmt_free(s);
	else
		*out = s;
	return error;
}
