/* table_file: what the table writer and reader share of the files'
 * layout (described atop table.c). */
#ifndef PIPE_WAREHOUSE_TABLE_FILE_H
#define PIPE_WAREHOUSE_TABLE_FILE_H

#define FORMAT_LINE "pipe-table 2"
#define DATA_FILE "table.data"
#define BLOCKS_FILE "blocks"
#define BLOCKS_MAGIC "pipe-blocks 1\n"
/* Partition keys of the special partitions: below every real key. */
#define KEY_NULL INT64_MIN
#define KEY_UNPARTITIONED (INT64_MIN + 1)

#endif
