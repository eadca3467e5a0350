/* bytes: BigQuery's on-demand rules for bytes processed and bytes billed,
 * each with its source in docs/bytes.md.  Sizes are BigQuery's logical
 * sizes by type, not the bytes pipe's files take on disk. */
#ifndef PIPE_WAREHOUSE_BYTES_H
#define PIPE_WAREHOUSE_BYTES_H

#include "table.h"

#define BYTES_MB (1024ULL * 1024ULL)
#define BYTES_MIN_BILLED (10ULL * BYTES_MB)

/* The logical size of one value: 0 for NULL, BOOL 1, INT64/FLOAT64/DATE/
 * DATETIME/TIMESTAMP 8, NUMERIC 16, STRING/BYTES 2 + length, JSON length. */
uint64_t bytes_value(const struct value *v);
/* The logical size of rows [from, to) of a vec. */
uint64_t bytes_vec(const struct vec *v, size_t from, size_t to);

/* The bytes a scan of the table processes: the sum of the columns cols[]
 * over the partitions whose scan[p] is true (NULL: every partition).  The
 * dry-run estimate (partition pruning only), from the manifest alone. */
uint64_t bytes_partitions(const struct table *t, const int *cols, size_t ncols, const bool *scan);
/* The bytes of one block's columns cols[]: the figures sum this over the
 * blocks BigQuery's rules keep (sql.c). */
uint64_t bytes_block(const struct table *t, size_t partition, size_t block, const int *cols,
                     size_t ncols);

/* Bytes billed for a query that processed per_table[i] bytes in each of the
 * ntables tables it references: each table counts at least 10 MB, the sum is
 * rounded up to a whole MB; a query that processes nothing bills 0. */
uint64_t bytes_billed(const uint64_t *per_table, size_t ntables);

#endif
