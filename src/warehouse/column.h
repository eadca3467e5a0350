/* column: how one column's values in one block are laid out in a partition's
 * data file (a "chunk"), and the block's statistics for that column.  Used
 * by the table's reader and writer only. */
#ifndef PIPE_WAREHOUSE_COLUMN_H
#define PIPE_WAREHOUSE_COLUMN_H

#include "table.h"

/* Strings longer than this keep no min/max (they would bloat the manifest). */
#define COLUMN_STATS_MAX_STR 256

/* Appends the chunk of rows[0..n) of v to out and fills st (min and max
 * point into v); returns the NULLs among the rows.  maybe_nulls false
 * promises that no row of v is NULL (the writer knows it of a whole
 * batch, and so spares a look at each row).  With st NULL (a writer's
 * temporary runs, read back once) only integers pack: checking doubles
 * costs more than the bytes it would save. */
uint64_t column_encode(const struct vec *v, const uint32_t *rows, size_t n, bool maybe_nulls, struct buf *out,
                       struct col_stats *st);
/* Reads a chunk of rows values (holding NULLs when has_nulls) at offset in
 * fd into out, which has the column's type. */
int column_read(int fd, uint64_t offset, uint64_t length, uint32_t rows, bool has_nulls,
                struct vec *out);
/* column_read's first half: out emptied, the chunk's bytes read into its
 * arena (*chunk), not decoded. */
int column_fetch(int fd, uint64_t offset, uint64_t length, struct vec *out, unsigned char **chunk);
/* As column_read, from a chunk in memory; out's strings point into it. */
int column_decode(const void *chunk, uint64_t length, uint32_t rows, bool has_nulls, struct vec *out);
/* From now on decodes as a CPU without AVX2 would (the tests run both). */
void column_without_avx2(void);

/* pass[i] &= row i of a packed INT64, DATETIME or TIMESTAMP chunk lies in
 * [lo, hi] and is not NULL, from the stored deltas, without decoding: 1,
 * or 0 when the chunk is not of that kind (decode it and compare).  A
 * chunk's damage is found by column_decode, not here. */
int column_range_rows(const void *chunk, uint64_t length, uint32_t rows, bool has_nulls, enum type type, int64_t lo,
                      int64_t hi, uint8_t *pass);

#endif
