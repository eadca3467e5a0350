/* vec: column vectors and batches of them, the unit the table reader and
 * writer and the SQL operators pass around (see vec.h). */
#include "vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vec_init(struct vec *v, enum type t)
{
	memset(v, 0, sizeof *v);
	v->type = t;
}

void vec_reset(struct vec *v)
{
	v->count = 0;
	arena_reset(&v->arena);
}

void vec_retype(struct vec *v, enum type t)
{
	if (type_width(t) != type_width(v->type)) {
		free(v->data);
		v->data = NULL;
		free(v->nulls);
		v->nulls = NULL;
		v->cap = 0;
	}
	v->type = t;
	vec_reset(v);
}

void vec_free(struct vec *v)
{
	free(v->nulls);
	free(v->data);
	arena_free(&v->arena);
	memset(v, 0, sizeof *v);
}

void vec_reserve(struct vec *v, size_t n)
{
	if (n <= v->cap)
		return;
	size_t cap = v->cap ? v->cap * 2 : 64;
	if (cap < n)
		cap = n;
	v->nulls = xrealloc(v->nulls, cap);
	v->data = xrealloc(v->data, cap * type_width(v->type));
	v->cap = cap;
}

void vec_push_null(struct vec *v)
{
	vec_reserve(v, v->count + 1);
	v->nulls[v->count] = 1;
	memset((char *)v->data + v->count * type_width(v->type), 0, type_width(v->type));
	v->count++;
}

void vec_push_str_ref(struct vec *v, const char *p, size_t len)
{
	vec_reserve(v, v->count + 1);
	v->nulls[v->count] = 0;
	v->str[v->count++] = (struct str){p, len};
}

void vec_push(struct vec *v, const struct value *x)
{
	if (x->is_null || x->type == TYPE_NULL) {
		vec_push_null(v);
		return;
	}
	vec_reserve(v, v->count + 1);
	size_t i = v->count;
	if (x->type != v->type) {
		if (x->type == TYPE_INT64 && v->type == TYPE_FLOAT64)
			v->f64[i] = (double)x->i;
		else if (x->type == TYPE_INT64 && v->type == TYPE_NUMERIC)
			v->num[i] = (numeric_t)x->i * NUMERIC_SCALE;
		else if (x->type == TYPE_NUMERIC && v->type == TYPE_FLOAT64)
			v->f64[i] = numeric_to_double(x->n);
		else {
			fprintf(stderr, "pipe: internal error: pushing a %s into a %s vector\n",
			        type_name(x->type), type_name(v->type));
			abort();
		}
		v->nulls[i] = 0;
		v->count++;
		return;
	}
	vec_set(v, i, x);
	if (type_is_string(v->type))
		v->str[i].p = arena_strndup(&v->arena, x->s.p, x->s.len);
	v->count++;
}

/* Stored once, then doubled: a block of constants is a few memcpy. */
void vec_fill(struct vec *v, const struct value *x, size_t n)
{
	if (!n)
		return;
	vec_set(v, 0, x);
	size_t w = type_width(v->type);
	memset(v->nulls, v->nulls[0], n);
	for (size_t k = 1; k < n; k *= 2) {
		size_t m = k < n - k ? k : n - k;
		memcpy((char *)v->data + k * w, v->data, m * w);
	}
}

struct value vec_get(const struct vec *v, size_t i)
{
	struct value r = {.type = v->type};
	if (v->nulls[i]) {
		r.is_null = true;
		return r;
	}
	switch (v->type) {
	case TYPE_BOOL: r.b = v->b[i]; break;
	case TYPE_INT64: r.i = v->i64[i]; break;
	case TYPE_FLOAT64: r.f = v->f64[i]; break;
	case TYPE_NUMERIC: r.n = v->num[i]; break;
	case TYPE_DATE: r.days = v->days[i]; break;
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: r.us = v->us[i]; break;
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: r.s = v->str[i]; break;
	default:
		if (type_is_array(v->type))
			r.s = v->str[i];
		else
			r.is_null = true;
		break;
	}
	return r;
}

void batch_init(struct batch *b, size_t ncols, const enum type *types)
{
	b->nrows = 0;
	b->ncols = ncols;
	b->cols = xcalloc(ncols ? ncols : 1, sizeof *b->cols);
	for (size_t i = 0; i < ncols; i++)
		vec_init(&b->cols[i], types ? types[i] : TYPE_NULL);
}

void batch_reset(struct batch *b)
{
	b->nrows = 0;
	for (size_t i = 0; i < b->ncols; i++)
		vec_reset(&b->cols[i]);
}

void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->ncols; i++)
		vec_free(&b->cols[i]);
	free(b->cols);
	b->cols = NULL;
	b->ncols = b->nrows = 0;
}

/* Appends rows sel[0..n) of src to dst (strings copied when copy). */
void vec_append_rows(struct vec *dst, const struct vec *src, const uint32_t *sel, size_t n, bool copy)
{
	size_t w = type_width(dst->type), base = dst->count;
	bool strings = copy && type_is_string(dst->type); /* once: the stores below may alias dst */
	vec_reserve(dst, base + n);
	for (size_t k = 0; k < n; k++) {
		size_t i = sel ? sel[k] : k;
		dst->nulls[base + k] = src->nulls[i];
		memcpy((char *)dst->data + (base + k) * w, (const char *)src->data + i * w, w);
		if (strings && !src->nulls[i]) {
			struct str *s = &dst->str[base + k];
			s->p = arena_strndup(&dst->arena, s->p, s->len);
		}
	}
	dst->count = base + n;
}

/* A view of rows [from, from+n) of src, sharing its memory. */
void vec_view(struct vec *view, const struct vec *src, size_t from, size_t n)
{
	*view = *src;
	view->nulls = src->nulls + from;
	view->data = (char *)src->data + from * type_width(src->type);
	view->count = n;
	view->cap = n;
}

uint64_t vec_hash(const struct vec *v, size_t i)
{
	if (v->nulls[i])
		return 0x51ed270b27a3c4e1ULL;
	struct value x = vec_get(v, i);
	return value_hash(&x);
}

bool vec_same(const struct vec *a, size_t i, const struct vec *b, size_t j)
{
	if (a->nulls[i] || b->nulls[j])
		return a->nulls[i] && b->nulls[j];
	switch (a->type) {
	case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP: return a->i64[i] == b->i64[j];
	case TYPE_DATE: return a->days[i] == b->days[j];
	case TYPE_BOOL: return a->b[i] == b->b[j];
	default: {
		struct value x = vec_get(a, i), y = vec_get(b, j);
		return value_same(&x, &y);
	}
	}
}
