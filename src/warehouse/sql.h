/* sql: the warehouse's GoogleSQL subset, as a library.
 *
 * sql_run() parses, plans and executes one statement (SELECT, CREATE TABLE
 * ... AS SELECT, INSERT INTO ... SELECT, DROP TABLE) against the tables under
 * opt->root, and returns the rows with what BigQuery would have reported
 * about them: bytes processed (the dry-run estimate and the actual figure),
 * bytes billed, partitions and blocks scanned.  See docs/sql.md. */
#ifndef PIPE_SQL_H
#define PIPE_SQL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct file_hasher;

struct sql_options {
	const char *root;          /* the directory holding tables ("targets") */
	bool dry_run;              /* plan and estimate only, read nothing */
	int64_t max_bytes_billed;  /* 0 = no limit; refuse before reading anything */
	/* When set, CREATE TABLE ... AS SELECT writes its table into this
	 * directory (created empty by the caller, who renames it into place)
	 * instead of root/<table name>. */
	const char *output_dir;
	/* When set, a CREATE naming another table is an error. */
	const char *expect_table;
	/* Plan only, as dry_run, and put the plan in the result's message. */
	bool explain;
	/* The bytes the operators that hold rows (joins, aggregates, sorts,
	 * windows) may hold together; 0: $PIPE_MEMORY, else
	 * SQL_MEMORY_DEFAULT.  A query that needs more stops with an error
	 * naming the operator. */
	int64_t memory_limit;
	/* CURRENT_TIMESTAMP, in microseconds since the epoch; 0: PIPE_NOW
	 * from the environment (a TIMESTAMP, e.g. 2024-05-01T12:00:00Z),
	 * else the time the statement starts.  One value per statement. */
	int64_t now_us;
	/* time_now_ms() past which execution stops with an error, checked by
	 * every operator as it asks for a batch; 0: none. */
	double deadline_ms;
	/* When set, the table named read_table (any case) is read from the
	 * directory read_from rather than found under root: a table written
	 * but not yet renamed into place, whose checks run before it is. */
	const char *read_table, *read_from;
	/* When set, CREATE TABLE ... AS SELECT hands the bytes of each file
	 * it writes to it (util.h), as table_writer_hash_files does. */
	const struct file_hasher *hasher;
};

#define SQL_MEMORY_DEFAULT ((int64_t)2 << 30)

struct sql_stats {
	int64_t bytes_processed, bytes_billed, estimate_bytes;
	int64_t partitions_scanned, partitions_total;
	int64_t blocks_scanned, blocks_total;
	int64_t rows;
	double elapsed_ms;
	/* pipe's own execution, not a BigQuery figure and shown nowhere: the
	 * blocks its scans read after skipping all their statistics allow */
	int64_t pipe_blocks_read;
};

/* Column names and types, the rows, and the stats of one statement. */
struct sql_result;

int sql_run(const char *sql, const struct sql_options *opt, struct sql_result **out);

/* JSON_VALUE, JSON_QUERY and their older names read JSON through this
 * function (json.c's json_path: the warehouse holds no JSON parser of its
 * own): the value at path of the text into out, 1 found, 0 not, < 0 a bad
 * path with its error.  Until it is set, they fail. */
struct buf;
typedef int (*sql_json_path_fn)(const char *text, size_t len, const char *path, size_t plen, bool query,
                                struct buf *out);
void sql_set_json_path(sql_json_path_fn fn);
/* JSON_QUERY_ARRAY and JSON_VALUE_ARRAY through this one (json.c's
 * json_path_array): the elements, each uint32 length, uint8 NULL, bytes. */
void sql_set_json_array(sql_json_path_fn fn);
/* MD5, SHA1, SHA256 and SHA512 through this function (crypto.c's
 * digest_bytes: OpenSSL is crypto.c's alone): the digest's length, < 0 an
 * error.  Until it is set, they fail. */
typedef int (*sql_digest_fn)(const char *name, const void *p, size_t n, unsigned char out[64]);
void sql_set_digest(sql_digest_fn fn);
const struct sql_stats *sql_result_stats(const struct sql_result *r);
/* Result access, for reports: columns, their type names, and each cell as
 * text (NULL for SQL NULL). */
size_t sql_result_ncols(const struct sql_result *r);
size_t sql_result_nrows(const struct sql_result *r);
const char *sql_result_colname(const struct sql_result *r, size_t col);
const char *sql_result_coltype(const struct sql_result *r, size_t col);
const char *sql_result_cell(const struct sql_result *r, size_t row, size_t col);
/* What a statement that returns no rows says ("Created table t (3 rows)"),
 * or NULL; whether it was a dry run. */
const char *sql_result_message(const struct sql_result *r);
bool sql_result_dry_run(const struct sql_result *r);
void sql_result_free(struct sql_result *r);

/* Table names a statement reads and writes, for the table kind's dependency
 * check.  Names are as written, lower-cased, with backticks removed
 * ("proj.dataset.t"); *writes is NULL for a plain SELECT.  CTE names are not
 * reads.  The caller frees each string and the arrays. */
int sql_referenced_tables(const char *sql, char ***reads, size_t *nreads, char **writes);

/* What one statement changes, for the checks that keep a table to its
 * owner.  verb: "CREATE", "INSERT" or "DROP", or, from their first words
 * alone, the statements the warehouse does not run ("DELETE", "UPDATE",
 * "MERGE", "TRUNCATE", "ALTER"); NULL for a SELECT, which changes nothing.
 * table: the name as written, lower-cased; line, col: where the statement
 * names it (1-based, in sql).  next_line, next_col: where a second
 * statement starts after a ';' (0 when there is none; the rest is then not
 * looked at).  Any other statement that does not parse is the parser's
 * error. */
struct sql_write {
	const char *verb;
	char *table;
	int line, col;
	int next_line, next_col;
};
int sql_statement_write(const char *sql, struct sql_write *w);
void sql_write_free(struct sql_write *w);

/* The columns of the table in dir, one "name.column TYPE" line each (name:
 * the table's), and its rows: what a table target's state record keeps.
 * The caller frees *schema. */
int sql_table_schema(const char *dir, const char *name, char **schema, int64_t *rows);

#endif
