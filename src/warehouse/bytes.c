/* bytes: not implemented yet. */
#include "bytes.h"

uint64_t bytes_value(const struct value *v) { (void)v; return 0; }
uint64_t bytes_vec(const struct vec *v, size_t from, size_t to) { (void)v; (void)from; (void)to; return 0; }
uint64_t bytes_partitions(const struct table *t, const int *cols, size_t ncols, const bool *scan) { (void)t; (void)cols; (void)ncols; (void)scan; return 0; }
uint64_t bytes_block(const struct table *t, size_t partition, size_t block, const int *cols, size_t ncols) { (void)t; (void)partition; (void)block; (void)cols; (void)ncols; return 0; }
uint64_t bytes_billed(const uint64_t *per_table, size_t ntables) { (void)per_table; (void)ntables; return 0; }
