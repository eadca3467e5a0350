/* vec: column vectors, a batch of values of one type in a typed array, and
 * batches of them, one vec per column. */
#ifndef PIPE_WAREHOUSE_VEC_H
#define PIPE_WAREHOUSE_VEC_H

#include "value.h"

/* Column vectors: a batch of values of one type, as the SQL executor and the
 * table reader and writer pass them around (BATCH_ROWS at a time).  Reset
 * and reuse them: vec_reset keeps the arrays and the arena. */
#define BATCH_ROWS 2048

struct vec {
	enum type type;
	size_t count, cap;
	uint8_t *nulls; /* nulls[i] = 1 when row i is NULL; always allocated */
	union {          /* the typed data array, cap elements */
		void *data;
		uint8_t *b;
		int64_t *i64;
		double *f64;
		numeric_t *num;
		int32_t *days;
		int64_t *us;
		struct str *str;
	};
	struct arena arena; /* bytes of strings pushed into this vec */
};

void vec_init(struct vec *v, enum type t);
void vec_reset(struct vec *v);           /* count = 0; keeps memory */
void vec_retype(struct vec *v, enum type t); /* reset and change the type */
void vec_free(struct vec *v);
void vec_reserve(struct vec *v, size_t n); /* room for n rows in total */
/* Appends a value of the vec's type (or NULL); strings are copied into the
 * vec's arena.  An INT64 pushed into a FLOAT64 or NUMERIC vec, or a NUMERIC
 * into a FLOAT64 vec, is converted (BigQuery's implicit widening); other
 * mismatches abort (a programming error, not bad input). */
void vec_push(struct vec *v, const struct value *x);
void vec_push_null(struct vec *v);
/* Appends a string without copying: p must outlive the vec's contents. */
void vec_push_str_ref(struct vec *v, const char *p, size_t len);
struct value vec_get(const struct vec *v, size_t i); /* strings point into v */
/* Rows 0..n of v (reserved) hold x, as vec_set stores it; the count stays. */
void vec_fill(struct vec *v, const struct value *x, size_t n);
/* Appends rows sel[0..n) of src (rows 0..n when sel is NULL) to dst, of
 * the same type; strings are copied into dst's arena when copy. */
void vec_append_rows(struct vec *dst, const struct vec *src, const uint32_t *sel, size_t n, bool copy);
/* A view of rows [from, from+n) of src, sharing its memory. */
void vec_view(struct vec *view, const struct vec *src, size_t from, size_t n);
/* value_hash and value_same of rows: NULL equals NULL. */
uint64_t vec_hash(const struct vec *v, size_t i);
bool vec_same(const struct vec *a, size_t i, const struct vec *b, size_t j);

struct batch {
	size_t nrows; /* every column holds nrows values */
	size_t ncols;
	struct vec *cols;
};

void batch_init(struct batch *b, size_t ncols, const enum type *types);
void batch_reset(struct batch *b); /* nrows = 0, every vec reset */
void batch_free(struct batch *b);

/* Stores x in row i of v, which has room for it (vec_reserve): x is NULL
 * or of v's type, and a string is shared, not copied.  The count stays.
 * The one place a value's payload goes into a vec's typed array; inline, as
 * vec_push calls it per value. */
static inline void vec_set(struct vec *v, size_t i, const struct value *x)
{
	if (x->is_null || x->type == TYPE_NULL) {
		v->nulls[i] = 1;
		return;
	}
	v->nulls[i] = 0;
	switch (v->type) {
	case TYPE_BOOL: v->b[i] = x->b; break;
	case TYPE_INT64: v->i64[i] = x->i; break;
	case TYPE_FLOAT64: v->f64[i] = x->f; break;
	case TYPE_NUMERIC: v->num[i] = x->n; break;
	case TYPE_DATE: v->days[i] = x->days; break;
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: v->us[i] = x->us; break;
	case TYPE_STRING:
	case TYPE_BYTES:
	case TYPE_JSON: v->str[i] = x->s; break;
	default:
		if (type_is_array(v->type))
			v->str[i] = x->s;
		else
			v->nulls[i] = 1;
		break;
	}
}

#endif
