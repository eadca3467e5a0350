/* bytes: BigQuery's on-demand bytes processed and billed (docs/bytes.md).
 *
 * Sizes: "Data size calculation" in the pricing page,
 * https://cloud.google.com/bigquery/pricing#data — a NULL value of any type
 * counts 0 bytes; BOOL 1; INT64, FLOAT64, DATE, DATETIME, TIMESTAMP, TIME 8;
 * NUMERIC 16; STRING 2 + its UTF-8 bytes; BYTES 2 + its bytes; JSON the
 * UTF-8 bytes of its text.
 *
 * Processed (docs/bytes.md has each rule with an example), computed from
 * the plan and the blocks' statistics, never from what execution reads:
 * - only the columns a query references, each in full over the data it
 *   scans (https://cloud.google.com/bigquery/docs/estimate-costs); LIMIT
 *   reduces nothing, SELECT * EXCEPT leaves its columns out
 *   (https://cloud.google.com/bigquery/docs/best-practices-performance-communication);
 * - partition pruning reduces both the dry-run estimate and the bill
 *   (https://cloud.google.com/bigquery/docs/querying-partitioned-tables);
 * - block pruning happens only on clustered tables, through constant
 *   filters on the clustering columns taken in order from the first (the
 *   longest prefix that all have one), and reduces only the bill: a dry
 *   run cannot see it (https://cloud.google.com/bigquery/docs/clustered-tables,
 *   https://cloud.google.com/bigquery/docs/querying-clustered-tables);
 * - a table read several times counts once: its referenced columns over
 *   the partitions (the blocks, for the bill) any of its reads keeps.
 *
 * Billed: rounded up to the nearest MB, with a minimum of 10 MB per table
 * referenced and per query (https://cloud.google.com/bigquery/pricing#on_demand_pricing).
 * A query that reads no bytes at all bills none. */
#include "bytes.h"

uint64_t bytes_value(const struct value *v)
{
	if (v->is_null)
		return 0;
	switch (v->type) {
	case TYPE_BOOL: return 1;
	case TYPE_INT64:
	case TYPE_FLOAT64:
	case TYPE_DATE:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: return 8;
	case TYPE_NUMERIC: return 16;
	case TYPE_STRING:
	case TYPE_BYTES: return 2 + v->s.len;
	case TYPE_JSON: return v->s.len;
	default: return 0;
	}
}

uint64_t bytes_vec(const struct vec *v, size_t from, size_t to)
{
	uint64_t sum = 0;
	for (size_t i = from; i < to; i++) {
		struct value x = vec_get(v, i);
		sum += bytes_value(&x);
	}
	return sum;
}

uint64_t bytes_block(const struct table *t, size_t partition, size_t block, const int *cols,
                     size_t ncols)
{
	const struct block *b = &t->partitions[partition].blocks[block];
	uint64_t sum = 0;
	for (size_t k = 0; k < ncols; k++)
		sum += block_stats(b, cols[k])->bytes;
	return sum;
}

uint64_t bytes_partitions(const struct table *t, const int *cols, size_t ncols, const bool *scan)
{
	uint64_t sum = 0;
	for (size_t p = 0; p < t->npartitions; p++)
		if (!scan || scan[p])
			for (size_t b = 0; b < t->partitions[p].nblocks; b++)
				sum += bytes_block(t, p, b, cols, ncols);
	return sum;
}

uint64_t bytes_billed(const uint64_t *per_table, size_t ntables)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < ntables; i++)
		sum += per_table[i];
	if (sum == 0)
		return 0;
	sum = 0;
	for (size_t i = 0; i < ntables; i++)
		sum += per_table[i] < BYTES_MIN_BILLED ? BYTES_MIN_BILLED : per_table[i];
	if (sum < BYTES_MIN_BILLED)
		sum = BYTES_MIN_BILLED;
	return (sum + BYTES_MB - 1) / BYTES_MB * BYTES_MB;
}
