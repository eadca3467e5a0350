/* hll: the HyperLogLog sketch behind APPROX_COUNT_DISTINCT (sql_agg.c)
 * and behind the distinct estimate the table writer keeps per column
 * (table_write.c): one hash and one register rule, so that a table's
 * kept sketch and the SQL over the same rows estimate the same number.
 * The sketches file a table keeps is described atop hll.c. */
#ifndef PIPE_WAREHOUSE_HLL_H
#define PIPE_WAREHOUSE_HLL_H

#include <string.h>

#include "../util.h"
#include "vec.h"

#define HLL_P 12
#define HLL_M (1u << HLL_P)
#define HLL_FILE "sketches"

/* The hash of row i of v (not NULL): the value's own bits where they fit
 * in 64 (hll_add mixes them), so that equal values of one type hash
 * equally at the cost of a load. */
static inline uint64_t hll_hash(const struct vec *v, size_t i)
{
	switch (v->type) {
	case TYPE_BOOL: return v->b[i];
	case TYPE_DATE: return (uint64_t)(int64_t)v->days[i];
	case TYPE_FLOAT64: {
		double x = v->f64[i] == 0 ? 0 : v->f64[i]; /* -0 is 0 */
		uint64_t h;
		if (x != x)
			return 0x6e616eULL;
		memcpy(&h, &x, sizeof(h));
		return h;
	}
	case TYPE_INT64:
	case TYPE_TIMESTAMP:
	case TYPE_DATETIME: return (uint64_t)v->i64[i];
	default:
		if (type_is_string(v->type))
			return str_hash64(v->str[i].p ? v->str[i].p : "", v->str[i].len);
		return vec_hash(v, i);
	}
}

/* Keeps a hash in the registers (HLL_M bytes). */
void hll_add(uint8_t *reg, uint64_t hash);
/* The registers' estimate of the distinct values; 0 for NULL. */
int64_t hll_estimate(const uint8_t *reg);
/* Adds the values of rows ids[0..n) of v, NULLs aside. */
void hll_add_rows(uint8_t *reg, const struct vec *v, const uint32_t *ids, size_t n);
/* dst keeps the larger of each register: the sketch of both sets. */
void hll_merge(uint8_t *dst, const uint8_t *src);
/* Whether a column of this type has a sketch (JSON has none: no
 * APPROX_COUNT_DISTINCT takes it). */
bool hll_sketched(enum type t);

/* The sketches file of the table in dir: one per column (NULL: none); its
 * bytes handed to hasher when it is not NULL. */
int hll_file_write(const char *dir, uint8_t *const *sketches, size_t ncols, const struct file_hasher *hasher);
/* Reads it into *out, ncols entries (each NULL or HLL_M registers, freed
 * with hll_sketches_free); *out is NULL when the table has no such file
 * (written before there was one).  A file that does not fit ncols columns
 * is an error naming it. */
int hll_file_read(const char *dir, size_t ncols, uint8_t ***out);
void hll_sketches_free(uint8_t **sketches, size_t ncols);

#endif
