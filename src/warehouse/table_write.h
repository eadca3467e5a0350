/* table_write: what the table writer's files share (table_write.c, the
 * flow; table_sort.c, the order of rows; table_spill.c, spilled runs and
 * their merge): the writer's state and the calls between them. */
#ifndef PIPE_WAREHOUSE_TABLE_WRITE_H
#define PIPE_WAREHOUSE_TABLE_WRITE_H

#include "table.h"
#include "table_file.h"

struct worker;

/* A sorted run of rows in the writer's spill file: [start, end) in it
 * (the layout: atop table_spill.c). */
struct spill_run {
	uint64_t start, end;
};

/* The chunks of a run's first ncols columns, block by block, encoded by
 * the appending thread before it hands the run over (see spill_behind). */
struct run_head {
	size_t ncols;
	struct buf bytes;
	uint64_t *offset, *length, *nulls; /* per block and column, into bytes */
};

/* A partition key and whether any of its rows is new (not from the old
 * table): what BigQuery's per-job partition limit counts. */
struct key_seen {
	int64_t key;
	bool fresh;
};

struct mem_range {
	void *p;
	size_t n;
};

struct table_writer {
	char *dir;
	char *final_dir; /* table_writer_create: where finish renames dir */
	struct table_spec spec;
	struct batch rows; /* the rows appended since the last spill, in order */
	uint8_t *existing; /* per row: 1 if it came from the old table */
	size_t existing_cap;
	int part_col;
	int cluster_col[TABLE_MAX_CLUSTER];
	/* Memory stays bounded: when the rows held reach budget bytes they are
	 * sorted and spilled as a run; finish merges the runs. */
	size_t budget, held;
	bool sized; /* size_runs has sized both batches' vectors */
	struct mem_range *prefault; /* what prefault_runs handed bg to populate */
	size_t nprefault;
	int spill_fd; /* unlinked at once: nothing is left behind */
	uint64_t spill_size;
	struct spill_run *runs;
	size_t nruns, runs_cap;
	struct key_seen *seen;
	size_t nseen, seen_cap, seen_compacted;
	/* The blocks file's records, written with their blocks: in memory up
	 * to WRITE_CHUNK, then in an unlinked temporary file, so that a long
	 * write's statistics do not pile up in memory; finish puts the
	 * partitions' starts (offsets into these records) in front. */
	struct data_out records;
	uint64_t *part_starts;
	size_t part_starts_cap, nparts_started;
	/* write_block's: one block's statistics and chunk lengths */
	struct col_stats *block_stats;
	uint64_t *block_length;
	uint64_t *merge_length; /* cursor_load's: a spilled block's lengths */
	uint8_t **sketch; /* per column: its distinct sketch (hll.h), or NULL */
	bool *sketch_given; /* per column: table_writer_give_sketch's, added to by no row */
	const struct file_hasher *hasher; /* table_writer_hash_files's, or NULL */
	/* Spills run on a second thread (bg) while the next rows arrive: the
	 * rows being spilled move to spilling, which only that job touches,
	 * with runs, seen, spill_fd and spill_size, until worker_wait. */
	struct worker *bg;
	struct batch spilling;
	uint8_t *spilling_existing;
	size_t spilling_existing_cap;
	uint32_t *spilling_ids; /* their order and partition keys (sort_held) */
	int64_t *spilling_keys;
	/* The appending thread encodes the first spill_split columns of each
	 * run itself (into ahead, then handed over as head) when it would
	 * otherwise wait for the second thread: split grows while that one is
	 * still busy when a run is ready, and shrinks when it is idle. */
	struct run_head head, ahead;
	size_t spill_split;
	/* A table that needs no sort (in_order): its blocks are written as
	 * the rows arrive, to data (table.data, opened with the first block)
	 * in its one partition, parts[0]; ids is 0, 1, 2, ... for a block. */
	struct data_out data;
	char *data_path;
	struct partition *parts;
	size_t nparts;
	uint32_t *ids;
};

/* The first clustering column's value as an integer, when it is one. */
static inline bool int_key(const struct vec *v, uint32_t row, int64_t *out)
{
	switch (v->type) {
	case TYPE_INT64:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: *out = v->i64[row]; return true;
	case TYPE_DATE: *out = v->days[row]; return true;
	case TYPE_BOOL: *out = v->b[row]; return true;
	default: return false;
	}
}

/* Where a merge's rows go, a block at a time: emit takes the rows of out
 * and empties it; start says they begin a partition of key. */
struct merge_dest {
	size_t block_rows;
	bool by_partition; /* a block never holds two partitions' rows */
	int (*emit)(void *arg, struct batch *out, bool start, int64_t key);
	void *arg;
};

/* table_sort.c */

/* The partition key of every row of v (the partitioning column). */
void table_partition_keys(const struct partition_spec *p, const struct vec *v, int64_t *keys);
/* Where the rows of ids[i]'s partition key end (ids in key order; no
 * keys: one run of every row). */
size_t table_key_run_end(const int64_t *keys, const uint32_t *ids, size_t i, size_t n);
/* Sorts rows by partition key and clustering columns: *ids is the order,
 * *keys (NULL when unpartitioned) each row's key.  The caller frees both. */
void table_sort_held(const struct table_writer *w, const struct batch *rows, uint32_t **ids, int64_t **keys);

/* table_spill.c */

/* Appends rows [from, from + n) of src to dst, of the same string type. */
void table_append_strings(struct vec *dst, const struct vec *src, size_t from, size_t n);
/* Appends rows [from, from + m) of src to dst (same types). */
void table_copy_rows(struct batch *dst, const struct batch *src, size_t from, size_t m);
void table_run_head_free(struct run_head *h);
/* Writes rows, in the order sort_held gave (ids, keys: freed here), as a
 * run to the spill file; empties rows.  head (or NULL) holds the chunks
 * of the first columns already encoded. */
int table_spill(struct table_writer *w, struct batch *rows, const uint8_t *existing, uint32_t *ids, int64_t *keys,
          const struct run_head *head);
/* Hands the rows held to the second thread to spill. */
int table_spill_behind(struct table_writer *w);
/* The partition keys of rows seen, sorted, one entry per key. */
void table_seen_compact(struct table_writer *w);
/* Merges runs until at most MERGE_FANIN are left. */
int table_reduce_runs(struct table_writer *w);
/* Merges runs[0..nr) into d. */
int table_merge_cursors(struct table_writer *w, struct spill_run *runs, size_t nr, const struct merge_dest *d);

#endif
