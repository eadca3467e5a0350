/* numeric: NUMERIC, BigQuery's exact decimal: the value times 10^9 in an
 * __int128 (38 digits, 9 after the point); its text and arithmetic. */
#ifndef PIPE_WAREHOUSE_NUMERIC_H
#define PIPE_WAREHOUSE_NUMERIC_H

#include <stdbool.h>
#include <stdint.h>

#include "../util.h"

typedef __int128 numeric_t;
#define NUMERIC_SCALE 1000000000LL /* 10^9 */

/* Exact decimal text (trimmed: no spaces around it) -> NUMERIC, rounding
 * half away from zero beyond the ninth fractional digit.  -1 if malformed,
 * -2 if out of range; no error is set (value_parse words it). */
int numeric_parse(const char *p, const char *end, numeric_t *out);
/* The exact text, no trailing zeros (1.5, 3, -0.000000001). */
void numeric_format(numeric_t n, struct buf *out);

/* NUMERIC arithmetic: PIPE_EUSAGE "numeric overflow: ..." outside BigQuery's
 * range (+-99999999999999999999999999999.999999999); division rounds half away
 * from zero; "division by zero: 1 / 0". */
#define NUMERIC_MAX ((numeric_t)10000000000000000000ULL * 10000000000000000000ULL - 1) /* 10^38 - 1 */
int numeric_add(numeric_t a, numeric_t b, numeric_t *out);
int numeric_sub(numeric_t a, numeric_t b, numeric_t *out);
int numeric_mul(numeric_t a, numeric_t b, numeric_t *out);
int numeric_div(numeric_t a, numeric_t b, numeric_t *out);
int numeric_from_int64(int64_t i, numeric_t *out);
double numeric_to_double(numeric_t n);
/* Rounds half away from zero to an int64; PIPE_EUSAGE if out of range. */
int numeric_to_int64(numeric_t n, int64_t *out);

#endif
