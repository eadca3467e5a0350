/* sql_struct: STRUCT values in the select list, taken apart into columns.
 *
 * pipe has no STRUCT type.  A STRUCT in a select list -- a FROM item's
 * alias naming no column (a row of it), STRUCT(x AS a, ...), or
 * ARRAY_AGG(struct ORDER BY ... LIMIT 1)[OFFSET(0)], the dedup idiom --
 * becomes one select item per field, named "s.field" after the item's
 * alias s.  The query around finds them as s.field and s.* (sql_from.c
 * adds such a column to its scope as field, qualified by s only), * keeps
 * them together, and SELECT AS VALUE names them by their fields alone.  A
 * query's result holds no STRUCT: sql_plan_select refuses a column whose
 * name still has its struct's prefix. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"
#include "sql_plan_int.h"

/* A node made here; its children are the query's own or made here too. */
static struct ast *made(struct struct_items *x, const struct ast *like)
{
	struct ast *a = xcalloc(1, sizeof *a);
	*a = *like;
	a->args = NULL;
	a->nargs = 0;
	a->name = a->qual = a->op = a->s = a->alias = NULL;
	a->sub = NULL;
	a->over = NULL;
	a->agg_order = NULL;
	a->nagg_order = 0;
	x->made = xrealloc(x->made, (x->nmade + 1) * sizeof *x->made);
	x->made[x->nmade++] = a;
	return a;
}

struct field {
	char *name;
	const struct ast *value;
};

static void fields_free(struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/* The fields of a as a STRUCT, in *out, or 0 when a is not one. */
static int struct_fields(struct binder *b, struct struct_items *x, const struct ast *a, struct field **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (a->kind == A_COLUMN && !a->qual) {
		/* a column of that name wins over a FROM item's alias */
		for (size_t i = 0; i < b->scope.n; i++)
			if (!b->scope.v[i].qual_only && str_eq_nocase(b->scope.v[i].name, a->name))
				return 0;
		for (size_t i = 0; i < b->scope.n; i++) {
			const struct scol *sc = &b->scope.v[i];
			if (!sc->qual || !str_eq_nocase(sc->qual, a->name))
				continue;
			struct ast *col = made(x, a);
			col->kind = A_COLUMN;
			col->qual = xstrdup(sc->qual);
			col->name = xstrdup(sc->name);
			*out = xrealloc(*out, (*n + 1) * sizeof **out);
			(*out)[(*n)++] = (struct field){xstrdup(sc->name), col};
		}
		return 0;
	}
	if (a->kind == A_CALL && !strcmp(a->name, "struct")) {
		for (size_t i = 0; i < a->nargs; i++) {
			const struct ast *v = a->args[i];
			struct field *inner;
			size_t ninner;
			int error = struct_fields(b, x, v, &inner, &ninner);
			fields_free(inner, ninner);
			if (error < 0 || ninner) {
				fields_free(*out, *n);
				*out = NULL, *n = 0;
				return error < 0 ? error : sql_error_at(b->src, v->line, v->col, "A STRUCT in a STRUCT is not "
									 "supported: pipe's STRUCT values are a query's columns");
			}
			char *name = v->alias ? xstrdup(v->alias) : v->kind == A_COLUMN ? xstrdup(v->name) :
				     xasprintf("_field_%zu", i + 1);
			*out = xrealloc(*out, (*n + 1) * sizeof **out);
			(*out)[(*n)++] = (struct field){name, v};
		}
		if (!*n)
			return sql_error_at(b->src, a->line, a->col, "STRUCT() without fields is not supported");
		return 0;
	}
	if (a->kind == A_CALL && !strcmp(a->name, "array_agg") && a->nargs == 1 && !a->over) {
		struct field *inner;
		size_t ninner;
		int error = struct_fields(b, x, a->args[0], &inner, &ninner);
		if (error < 0 || !ninner)
			return error;
		if (!a->has_pick) {
			fields_free(inner, ninner);
			return sql_error_at(b->src, a->line, a->col, "ARRAY_AGG of a STRUCT is supported with an element taken, "
					    "ARRAY_AGG(t ORDER BY ... LIMIT 1)[OFFSET(0)]: pipe has no ARRAY of STRUCT");
		}
		/* one ARRAY_AGG(field ...)[k] per field: the same ORDER BY picks
		 * the same row for each, ties by arrival */
		for (size_t i = 0; i < ninner; i++) {
			struct ast *agg = made(x, a);
			agg->name = xstrdup(a->name);
			agg->args = xcalloc(1, sizeof *agg->args);
			agg->args[0] = (struct ast *)inner[i].value;
			agg->nargs = 1;
			agg->agg_order = a->agg_order; /* shared: freed with a */
			agg->nagg_order = a->nagg_order;
			agg->struct_field = true;
			inner[i].value = agg;
		}
		*out = inner;
		*n = ninner;
		return 0;
	}
	return 0;
}

int struct_expand(struct binder *b, const struct select *sel, struct struct_items *x)
{
	int error = 0;
	size_t anon = 0;
	bool any = false;
	memset(x, 0, sizeof *x);
	if (sel->as_value && sel->nitems != 1)
		return sql_error_at(b->src, sel->line, sel->col, "SELECT AS VALUE query must have exactly one column");
	x->sel = *sel;
	x->sel.items = xcalloc(sel->nitems + 1, sizeof *x->sel.items);
	x->sel.nitems = 0;
	for (size_t i = 0; i < sel->nitems; i++) {
		const struct select_item *it = &sel->items[i];
		struct field *f = NULL;
		size_t n = 0;
		if (it->expr && (error = struct_fields(b, x, it->expr, &f, &n)) < 0)
			break;
		if (!n) {
			struct select_item copy = *it;
			copy.alias = it->alias ? xstrdup(it->alias) : NULL;
			x->sel.items = xrealloc(x->sel.items, (x->sel.nitems + 1) * sizeof *x->sel.items);
			x->sel.items[x->sel.nitems++] = copy;
			continue;
		}
		any = true;
		char *prefix = sel->as_value ? NULL : it->alias ? xstrdup(it->alias) :
			       it->expr->kind == A_COLUMN ? xstrdup(it->expr->name) : xasprintf("$struct%zu", anon++);
		x->sel.items = xrealloc(x->sel.items, (x->sel.nitems + n + 1) * sizeof *x->sel.items);
		for (size_t k = 0; k < n; k++) {
			struct select_item fi = {.expr = (struct ast *)f[k].value, .line = it->line, .col = it->col,
						 .field = true};
			fi.alias = prefix ? xasprintf("%s.%s", prefix, f[k].name) : xstrdup(f[k].name);
			x->sel.items[x->sel.nitems++] = fi;
		}
		free(prefix);
		fields_free(f, n);
	}
	if (error >= 0 && !any) {
		struct_items_free(x); /* nothing to take apart: the query as written */
		memset(x, 0, sizeof *x);
		return 0;
	}
	x->used = true;
	if (error < 0)
		struct_items_free(x);
	return error;
}

void struct_items_free(struct struct_items *x)
{
	for (size_t i = 0; i < x->sel.nitems && x->sel.items; i++)
		free(x->sel.items[i].alias);
	free(x->sel.items);
	for (size_t i = 0; i < x->nmade; i++) {
		struct ast *a = x->made[i];
		free(a->name);
		free(a->qual);
		free(a->args);
		free(a);
	}
	free(x->made);
	memset(x, 0, sizeof *x);
}
