/* table: a warehouse table on disk — a directory holding a text manifest and
 * column files per partition (the format is described atop table_format.c
 * and in docs/table-format.md).  Writing, reading block by block, and the
 * catalog that maps a name as written in SQL to a table directory. */
#ifndef PIPE_WAREHOUSE_TABLE_H
#define PIPE_WAREHOUSE_TABLE_H

#include "value.h"

/* BigQuery's limits, as https://cloud.google.com/bigquery/quotas#partitioned_tables
 * gives them: at most 10,000 partitions in a table, and one job (a query or
 * a load) may modify at most 4,000 of them; up to four clustering columns
 * (https://cloud.google.com/bigquery/docs/clustered-tables). */
#define TABLE_MAX_PARTITIONS 10000
#define TABLE_MAX_PARTITIONS_PER_JOB 4000
#define TABLE_MAX_CLUSTER 4
/* the most rows a block holds (the block_rows option's range) */
#define TABLE_MAX_BLOCK_ROWS 1000000
/* BigQuery's longest column name, in characters */
#define TABLE_MAX_COLUMN_NAME 300
/* Rows per block unless the table says otherwise: one block is one batch
 * for the executor (see docs/table-format.md). */
#define TABLE_BLOCK_ROWS BATCH_ROWS
/* The rows a writer holds in memory (their bytes, roughly) before it sorts
 * them and spills them to a run on disk: writing a table of any size stays
 * within a few times this. */
#ifndef TABLE_WRITER_MEMORY
#define TABLE_WRITER_MEMORY (16u << 20)
#endif

/* Partition ids as BigQuery names the special partitions. */
#define PARTITION_NULL "__NULL__"
#define PARTITION_UNPARTITIONED "__UNPARTITIONED__"

struct column_def {
	char *name; /* as written; lookups ignore case */
	enum type type;
};

enum partition_kind {
	PARTITION_NONE,
	PARTITION_TIME,  /* a DATE, DATETIME or TIMESTAMP column at a grain */
	PARTITION_RANGE, /* RANGE_BUCKET(col, GENERATE_ARRAY(start, end, interval)) */
};

struct partition_spec {
	enum partition_kind kind;
	char *column; /* the partitioning column */
	/* PARTITION_TIME: PART_DAY, PART_HOUR, PART_MONTH or PART_YEAR.
	 * PARTITION BY d (a DATE) and DATE(ts) are PART_DAY; HOUR needs a
	 * TIMESTAMP or DATETIME column. */
	enum date_part unit;
	/* PARTITION_RANGE: partitions [start, start+interval), ... up to end
	 * (exclusive); values outside go to __UNPARTITIONED__. */
	int64_t start, end, interval;
};

/* What a table is: the schema and the layout options.  The writer copies
 * what it needs; table_open returns one owned by the table. */
struct table_spec {
	char *dataset; /* optional (NULL): checked when SQL names dataset.table */
	char *name;
	size_t ncols;
	struct column_def *cols;
	struct partition_spec partition;
	size_t ncluster;
	char *cluster[TABLE_MAX_CLUSTER]; /* column names, in order */
	bool require_partition_filter;
	char *description; /* optional */
	uint32_t block_rows; /* 0: TABLE_BLOCK_ROWS */
	char **not_null; /* the NOT NULL columns' names (BigQuery's mode REQUIRED) */
	size_t nnot_null;
};

/* Checks a spec against BigQuery's rules: unknown or duplicate columns
 * (case-insensitively), partitioning column type and grain, more than four
 * clustering columns or clustering by a FLOAT64/JSON column, a RANGE_BUCKET
 * with a bad interval.  PIPE_EUSAGE with BigQuery's wording. */
int table_spec_check(const struct table_spec *spec);
void table_spec_free(struct table_spec *spec); /* frees the fields, not spec */
void table_spec_copy(struct table_spec *dst, const struct table_spec *src);
/* The column's index, case-insensitively; -1 when there is none. */
int table_spec_column(const struct table_spec *spec, const char *name);
/* Whether the column is NOT NULL. */
bool table_spec_not_null(const struct table_spec *spec, const char *name);

/* Writing.  Batches arrive with the spec's columns in order and types;
 * finish partitions, sorts by the clustering columns (stable: equal keys
 * keep their order) and writes blocks.  Rows are held in memory up to
 * TABLE_WRITER_MEMORY, then sorted and spilled to a temporary file inside
 * the table's directory, and finish merges the spilled runs: the files are
 * the same bytes either way. */
struct table_writer;
/* Writes into dir, which the caller created empty (a temporary directory
 * that the caller renames into place). */
int table_writer_open(struct table_writer **out, const char *dir, const struct table_spec *spec);
/* Writes the table root/<spec->name>: into a temporary directory under
 * root, renamed over the old table (if any) by finish.  Abort, or a failed
 * finish, leaves the old table as it was. */
int table_writer_create(struct table_writer **out, const char *root, const struct table_spec *spec);
int table_writer_append(struct table_writer *w, const struct batch *b);
/* Appends rows the table already held (INSERT INTO rewrites the old rows
 * with the new): they do not count as modified by this job. */
int table_writer_append_existing(struct table_writer *w, const struct batch *b);
/* Partitions, sorts and writes.  More than 4,000 partitions receiving new
 * rows, or more than 10,000 in all, fail here with BigQuery's message
 * ("Too many partitions produced by query, allowed 4000, query produces at
 * least 4001 partitions").  Frees w. */
int table_writer_finish(struct table_writer *w);
void table_writer_abort(struct table_writer *w); /* frees w; removes a create's temp dir */
/* Sets the memory budget (tests use a small one to exercise spilling). */
void table_writer_set_memory(struct table_writer *w, size_t bytes);
/* Hands the bytes of each file of the table to h as they are written (set
 * before the first append); done names each file in the writer's dir.  A
 * file finish writes is named only once it is whole. */
void table_writer_hash_files(struct table_writer *w, const struct file_hasher *h);
/* Column c's rows will hold exactly the values whose distinct sketch
 * (hll.h) reg is, as a copy of every row of a table holds that table's:
 * reg becomes the column's sketch, and the writer hashes none of its
 * values (set before the first append). */
void table_writer_give_sketch(struct table_writer *w, size_t c, const uint8_t *reg);

/* Reading: table_open reads the manifest and the block statistics, not the
 * column data. */
struct col_stats {
	/* The smallest and largest non-NULL value (NaN aside).  NULL when every
	 * value is NULL, and also when not kept (JSON, strings over 256 bytes):
	 * prune on them only when they are not NULL, or when nulls == rows. */
	struct value min, max;
	uint64_t nulls;        /* NULL values in the block */
	uint64_t bytes;        /* BigQuery's logical bytes (see bytes.h) */
};

struct partition;

struct block {
	uint32_t rows;
	uint32_t index;               /* in its partition */
	const struct partition *part; /* whose columns hold its statistics */
};

/* One column of a partition's blocks.  A reader decodes only the columns
 * it is asked for (table_load_columns): a query of two columns of a wide
 * table of many blocks held every column's statistics, megabytes of them,
 * and touched every page of the blocks file to find them. */
struct block_column {
	struct col_stats *stats; /* per block; NULL until decoded */
	uint64_t *offset;        /* where each block's chunk starts in table.data */
	uint64_t *length;
};

struct partition {
	char *id; /* 20190101, 2019010100, 201901, 2019, 0, __NULL__, ... */
	/* The partition's key range, half-open [lo, hi), in the partitioning
	 * column's units: days for DATE, microseconds for TIMESTAMP/DATETIME,
	 * the integer for RANGE.  Not meaningful for __NULL__/__UNPARTITIONED__
	 * or an unpartitioned table's one partition (id ""). */
	int64_t lo, hi;
	bool is_null, is_unpartitioned;
	uint64_t rows;
	size_t nblocks;
	struct block *blocks;         /* NULL until loaded (see table_open_lazy) */
	struct block_column *columns; /* per column, with blocks */
	uint64_t records;             /* where its blocks' records start in the blocks file */
	void **block_mem;             /* the reader's allocations behind blocks and columns */
	size_t nblock_mem;
};

struct table {
	char *dir;
	struct table_spec spec;
	uint64_t rows;
	size_t npartitions;
	struct partition *partitions; /* __NULL__, __UNPARTITIONED__, then by key */
	struct arena mem;             /* strings of the stats, partitions' ids */
	int fd;                       /* the reader's open data file, or -1 */
	uint64_t data_size;           /* and its size */
	int blocks_fd;                /* the blocks file, read as columns are asked for */
	int blocks_version;           /* 2: column after column; 1: block after block */
	uint64_t blocks_size;
};

/* Block b's statistics and chunk of column c: a column the reader has
 * decoded (table_open, table_load_columns, table_read). */
void table_column_unloaded(const struct block *b, int c);
static inline const struct col_stats *block_stats(const struct block *b, int c)
{
	const struct col_stats *s = b->part->columns[c].stats;
	if (!s)
		table_column_unloaded(b, c);
	return &s[b->index];
}
static inline uint64_t block_offset(const struct block *b, int c) { return b->part->columns[c].offset[b->index]; }
static inline uint64_t block_length(const struct block *b, int c) { return b->part->columns[c].length[b->index]; }

int table_open(struct table **out, const char *dir);
/* As table_open, but each partition's blocks are decoded only when
 * table_load (or table_read) asks for them: a query that prunes most
 * partitions never pays for their statistics. */
int table_open_lazy(struct table **out, const char *dir);
/* The manifest's head alone: the spec and the row count, no partitions
 * and no blocks (what a build records of the table it wrote). */
int table_open_spec(struct table **out, const char *dir);
/* Decodes the blocks of the partitions p with which[p] (NULL: all), and
 * in them the statistics of the columns c with cols[c] (NULL: all). */
int table_load_columns(struct table *t, const bool *which, const bool *cols);
/* table_load_columns, and the data file opened: after it, table_read of
 * those columns of those partitions changes nothing in t, so two threads
 * may read at once. */
int table_read_shared(struct table *t, const bool *which, const bool *cols);
void table_close(struct table *t);
/* The column's index, case-insensitively; -1 when there is none. */
int table_column(const struct table *t, const char *name);
/* Reads columns cols[0..ncols) of one block into out, which the reader
 * (re)initialises: out->cols[k] holds column cols[k].  Strings point into
 * out's vecs, valid until the next read into out or batch_free. */
int table_read(struct table *t, size_t partition, size_t block, const int *cols, size_t ncols,
               struct batch *out);

/* Reads column col (INT64, DATETIME, TIMESTAMP or DATE) of one block and
 * clears pass[i] for each row not in [lo, hi] (lo <= hi) or NULL; out
 * holds the values whenever a row still passes afterwards.  A packed
 * chunk is checked on its stored deltas and decoded only then: a block
 * where no row passes costs its read alone. */
int table_read_range(struct table *t, size_t partition, size_t block, int col, int64_t lo, int64_t hi,
                     uint8_t *pass, struct vec *out);

/* The catalog.  name is as written in SQL, without backticks:
 * "project.dataset.table", "dataset.table" or "table".  The table is found
 * by its last part, as root/<table>/ or, for a child table "x__y", as
 * root/x/x__y/, ignoring case as BigQuery does (`Crypto.Coins` finds table
 * coins of dataset crypto); a dataset given must match the manifest's (when
 * it has one); the project part is ignored: everything local is one project.  Sets *dir
 * (the caller frees it).  PIPE_ENOTFOUND with "Not found: Table
 * dataset.table" (BigQuery's words) when there is no such table. */
int table_resolve(const char *root, const char *name, char **dir);
/* Every table under root (children included, as "x__y"), sorted by name.
 * The caller frees each name and the array. */
int table_list(const char *root, char ***names, size_t *n);
/* The schema as `pipe schema` prints it: one "name  TYPE" line per column,
 * then partitioning, clustering and options. */
void table_describe(const struct table *t, struct buf *out);

#endif
