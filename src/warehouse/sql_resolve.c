/* sql_resolve: names and types, the binder's lowest layer.
 *
 * Name resolution (BigQuery's): a column is looked up by name, ignoring
 * case, among the columns of every FROM item (the scope); t.col looks only
 * in the item whose alias (or table name, last part) is t.  A name found
 * in two items is ambiguous; one found nowhere gets a "Did you mean" when
 * a name is close.  Literals are coerced where BigQuery coerces them: a
 * string compared with a DATE, DATETIME or TIMESTAMP is parsed as one, and
 * INT64 widens to NUMERIC and FLOAT64. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

/* --- the scope: the columns a name may name --- */

void scope_add(struct scope *s, const char *qual, const char *name, enum type t, struct node *scan, int tcol)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = (struct scol){qual ? xstrdup(qual) : NULL, xstrdup(name), t, scan, tcol, false, false};
}

void scope_add_output(struct scope *s, const char *qual, const char *name, enum type t)
{
	const char *dot = strchr(name, '.');
	if (!dot) {
		scope_add(s, qual, name, t, NULL, 0);
		return;
	}
	char *sq = xstrndup(name, (size_t)(dot - name));
	scope_add(s, sq, dot + 1, t, NULL, 0);
	s->v[s->n - 1].qual_only = true;
	s->v[s->n - 1].struct_field = true;
	free(sq);
}

void scope_free(struct scope *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].qual);
		free(s->v[i].name);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* --- types --- */

const char *resolve_display_type(enum type t) { return t == TYPE_NULL ? "INT64" : type_name(t); }

int resolve_op_error(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n)
{
	struct buf s = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&s, ", ");
		buf_puts(&s, resolve_display_type(args[i]->type));
	}
	bool fn = strcmp(op, "IF") == 0 || strcmp(op, "COALESCE") == 0 || strcmp(op, "IFNULL") == 0;
	int rc = sql_error_at(b->src, at->line, at->col, "No matching signature for %s %s for argument types: %s",
			      fn ? "function" : "operator", op, buf_cstr(&s));
	buf_free(&s);
	return rc;
}

static bool is_time_type(enum type t)
{
	return t == TYPE_DATE || t == TYPE_DATETIME || t == TYPE_TIMESTAMP;
}

/* Converts e to type t: folds constants, else wraps it in a cast. */
int resolve_coerce(struct binder *b, struct pexpr **ep, enum type t)
{
	struct pexpr *e = *ep;
	if (e->type == t)
		return 0;
	if (e->kind == X_CONST) {
		struct arena mem = {0};
		struct value v;
		int error;
		if (e->lit.is_null) {
			v = value_null(t);
		} else if ((error = value_cast(&e->lit, t, &mem, &v)) < 0) {
			struct buf s = BUF_INIT;
			value_to_string(&e->lit, &s);
			error = sql_error_at(b->src, e->line, e->pos, "Could not cast literal \"%s\" to type %s",
					     buf_cstr(&s), type_name(t));
			buf_free(&s);
			arena_free(&mem);
			return error;
		}
		struct pexpr *c = px_const(v, NULL);
		c->line = e->line;
		c->pos = e->pos;
		arena_free(&mem);
		pexpr_free(e);
		*ep = c;
		return 0;
	}
	struct pexpr *c = px_new(X_CAST, t, NULL);
	c->line = e->line;
	c->pos = e->pos;
	px_add(c, e);
	*ep = c;
	return 0;
}

/* The common type of two operands for comparison, IN, CASE and COALESCE:
 * TYPE_COUNT when there is none.  A string literal takes the time type of
 * the other side. */
enum type resolve_supertype(const struct pexpr *x, const struct pexpr *y)
{
	enum type a = x->type, c = y->type;
	if (a == c)
		return a;
	if (a == TYPE_NULL)
		return c;
	if (c == TYPE_NULL)
		return a;
	if (type_is_numeric(a) && type_is_numeric(c)) {
		if (a == TYPE_FLOAT64 || c == TYPE_FLOAT64)
			return TYPE_FLOAT64;
		return TYPE_NUMERIC;
	}
	if (a == TYPE_STRING && x->kind == X_CONST && is_time_type(c))
		return c;
	if (c == TYPE_STRING && y->kind == X_CONST && is_time_type(a))
		return a;
	if ((a == TYPE_DATE && c == TYPE_DATETIME) || (a == TYPE_DATETIME && c == TYPE_DATE))
		return TYPE_DATETIME;
	return TYPE_COUNT;
}

int resolve_unify(struct binder *b, const struct ast *at, const char *op, struct pexpr **args, size_t n, enum type *out)
{
	enum type t = TYPE_NULL;
	for (size_t i = 0; i < n; i++) {
		struct pexpr tmp = {.type = t, .kind = X_COL};
		enum type s = resolve_supertype(&tmp, args[i]);
		/* a literal string may take the time type of a later operand */
		if (s == TYPE_COUNT)
			for (size_t j = 0; j < n && s == TYPE_COUNT; j++)
				if (is_time_type(args[j]->type))
					s = args[j]->type;
		if (s == TYPE_COUNT)
			return resolve_op_error(b, at, op, args, n);
		t = s;
	}
	/* every operand must reach t: a non-literal string does not become a date */
	for (size_t i = 0; i < n; i++) {
		enum type at_ = args[i]->type;
		if (at_ != t && at_ != TYPE_NULL && !(type_is_numeric(at_) && type_is_numeric(t)) &&
		    !(args[i]->kind == X_CONST && at_ == TYPE_STRING && is_time_type(t)) &&
		    !(at_ == TYPE_DATE && t == TYPE_DATETIME))
			return resolve_op_error(b, at, op, args, n);
	}
	/* arrays are not compared, as in BigQuery: IF and COALESCE of them are
	 * fine */
	if (type_is_array(t) && (strchr("=!<>", op[0]) || !strcmp(op, "IN") || !strcmp(op, "BETWEEN")))
		return sql_error_at(b->src, at->line, at->col, "%s is not defined for arguments of type %s",
				    !strcmp(op, "=") || !strcmp(op, "!=") || !strcmp(op, "IN") ? "Equality" : "Ordering",
				    type_name(t));
	for (size_t i = 0; i < n; i++) {
		int error;
		if ((error = resolve_coerce(b, &args[i], t == TYPE_NULL ? TYPE_INT64 : t)) < 0)
			return error;
	}
	*out = t == TYPE_NULL ? TYPE_INT64 : t;
	return 0;
}

/* --- names --- */

/* name in lower case into out, when it is short enough to be compared:
 * a name of 63 characters or more is not taken for a typo of another,
 * which also bounds the work. */
static bool lower_name(const char *name, char out[64])
{
	size_t n = strlen(name);
	if (n >= 63)
		return false;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return true;
}

/* The closest of names to name, ignoring case, if close enough to be a
 * likely typo. */
const char *resolve_closest(const char *name, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = strlen(name) / 3 + 1;
	char lname[64], lcand[64];
	if (bestd > 3)
		bestd = 3;
	if (!lower_name(name, lname))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!lower_name(names[i], lcand))
			continue;
		size_t d = (size_t)edit_distance(lname, lcand);
		if (d <= bestd && (!best || d < bestd)) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}

static int unrecognized(struct binder *b, const struct ast *a, const char *name)
{
	const char **names = xcalloc(b->scope.n + 1, sizeof *names);
	for (size_t i = 0; i < b->scope.n; i++)
		names[i] = b->scope.v[i].name;
	const char *best = resolve_closest(name, names, b->scope.n);
	int rc;
	if (best) {
		char *lo = xstrdup(best);
		for (char *c = lo; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		rc = sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s; Did you mean %s?", name, lo);
		free(lo);
	} else {
		rc = sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s", name);
	}
	free(names);
	return rc;
}

/* The scope index of a column reference; marks a table column used; 1
 * for a column of the query around a subquery (found in its scope only
 * where this query has no column of that name, as BigQuery resolves). */
int resolve_column(struct binder *b, const struct ast *a, int *out)
{
	int found = -1;
	bool qual_seen = false;
	for (size_t i = 0; i < b->scope.n; i++) {
		struct scol *c = &b->scope.v[i];
		if (a->qual) {
			if (!c->qual || !str_eq_nocase(c->qual, a->qual))
				continue;
			qual_seen = true;
		} else if (c->qual_only) {
			continue;
		}
		if (!str_eq_nocase(c->name, a->name))
			continue;
		if (found >= 0 && !(b->scope.v[found].scan && b->scope.v[found].scan == c->scan &&
				    b->scope.v[found].tcol == c->tcol))
			return sql_error_at(b->src, a->line, a->col, "Column name %s is ambiguous", a->name);
		found = (int)i;
	}
	if (found < 0) {
		for (const struct binder *o = b->outer; o && b->corr; o = o->outer) {
			for (size_t i = 0; i < o->scope.n; i++) {
				const struct scol *c = &o->scope.v[i];
				if ((a->qual ? c->qual && str_eq_nocase(c->qual, a->qual) : !c->qual_only) &&
				    str_eq_nocase(c->name, a->name)) {
					*out = -1;
					return 1;
				}
			}
			/* HAVING and QUALIFY see the select list's aliases, and so do
			 * their subqueries */
			for (size_t i = 0; !a->qual && o->alias_sel && i < o->alias_sel->nitems; i++) {
				const struct select_item *it = &o->alias_sel->items[i];
				if (it->alias && it->expr && str_eq_nocase(it->alias, a->name)) {
					*out = -1;
					return 1;
				}
			}
		}
		if (a->qual && !qual_seen)
			return sql_error_at(b->src, a->line, a->col, "Unrecognized name: %s", a->qual);
		return unrecognized(b, a, a->name);
	}
	struct scol *c = &b->scope.v[found];
	if (c->scan)
		c->scan->used[c->tcol] = true;
	*out = found;
	return 0;
}
