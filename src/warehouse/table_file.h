/* table_file: what the table writer and reader share of the files' layout
 * (described atop table_format.c), and the calls that read and write it. */
#ifndef PIPE_WAREHOUSE_TABLE_FILE_H
#define PIPE_WAREHOUSE_TABLE_FILE_H

#include "table.h"

#define FORMAT_LINE "pipe-table 2"
#define DATA_FILE "table.data"
#define BLOCKS_FILE "blocks"
#define BLOCKS_MAGIC "pipe-blocks 2\n"
#define BLOCKS_MAGIC_V1 "pipe-blocks 1\n" /* block after block: still read */
/* Partition keys of the special partitions: below every real key. */
#define KEY_NULL INT64_MIN
#define KEY_UNPARTITIONED (INT64_MIN + 1)

/* Encoded data is written in pieces of this size: large writes, few of
 * them, and little memory. */
#define WRITE_CHUNK (1u << 20)

struct hash_lane;

/* Encoded bytes on their way to a file: table.data, the spill file or the
 * blocks file's records. */
struct data_out {
	int fd;
	const char *path;
	struct buf buf;   /* encoded, not yet written */
	uint64_t written; /* bytes already in the file */
	/* an output file's: its bytes are hashed as they are written */
	const struct file_hasher *hasher;
	void *hash;
	/* when set, written bytes go to the lane to be hashed there */
	struct hash_lane *lane;
};

/* Bytes written but not yet hashed, oldest first, for a thread with time
 * to hash them (the merge's, while the second thread writes): a merge's
 * writing thread need not hash as well.  Any thread may hash a piece;
 * one at a time, in order. */
struct hash_lane *hash_lane_new(struct data_out *o);
/* Hashes a piece of the oldest bytes waiting, if any and if no other
 * thread is: whether it did. */
bool hash_lane_step(struct hash_lane *l);
/* Hashes what waits, then detaches the lane from o and frees it. */
void hash_lane_end(struct hash_lane *l, struct data_out *o);

/* Writes o's buffer to its file (and to its hash) and empties it. */
int table_data_flush(struct data_out *o);
/* Starts o's hash when hasher is set. */
void table_data_hash_start(struct data_out *o, const struct file_hasher *hasher);
/* Hands o's hash to its hasher: path, the file written whole, or NULL. */
void table_data_hash_done(struct data_out *o, const char *path);
/* Reads n bytes at offset of one of the writer's temporary files. */
int table_read_at(int fd, char *p, size_t n, uint64_t offset);

/* Reading: the manifest at path (its text, parsed in place) into t;
 * open_blocks opens t's blocks file and reads where each partition's
 * records start; load_partition decodes partition p's blocks and the
 * statistics of the columns c with cols[c] (NULL: all) from it. */
int table_manifest_read(struct table *t, const char *path, char *text, bool header_only);
int table_open_blocks(struct table *t);
int table_load_partition(struct table *t, size_t p, const bool *cols);

/* Writing: the manifest's text; one block's record (its chunks start at
 * offset in table.data); the blocks file at path from the records and each
 * partition's start among them. */
void table_manifest_text(const struct table_spec *s, uint64_t rows, const struct partition *parts, size_t nparts,
                   struct buf *b);
void table_put_block_record(struct buf *b, uint32_t rows, uint64_t offset, size_t ncols, const uint64_t *length,
                      const struct col_stats *stats);
int table_blocks_write(const struct data_out *r, const uint64_t *part_starts, const struct table_spec *spec,
                       const struct partition *parts, size_t nparts, const char *path,
                       const struct file_hasher *hasher);

#endif
