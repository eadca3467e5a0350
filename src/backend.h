/* backend: the one way to a warehouse.  The table and report kinds and
 * `pipe query`, `pipe tables` and `pipe schema` reach tables only through
 * this header, so that a second warehouse is a second implementation of
 * it, not a branch in each of them.
 *
 * A warehouse is opened by name: backend_open(&b, "local", "targets").
 * "local" is pipe's own warehouse (src/warehouse/, its tables the
 * directories under root); "bigquery" is Google's (backend_bigquery.c,
 * docs/bigquery.md).  main.c picks the name: $PIPE_WAREHOUSE, else the
 * chosen profile's `warehouse = ...` line, else local (docs/cli.md).
 *
 * What a warehouse does:
 *
 *   backend_load          creates a table from rows: JSON, NDJSON or CSV
 *                         files, with a write disposition (replace, append,
 *                         merge on a primary key), partitioning and
 *                         clustering (struct load_options, docs/staging.md)
 *   backend_query         runs one SQL statement: its rows, and the bytes it
 *                         processed and billed beside the dry run's estimate;
 *                         with dry_run, plans and estimates only
 *   backend_table_schema  a table's columns and rows, as a state record
 *                         keeps them
 *   backend_describe      a table's schema as `pipe schema` prints it
 *   backend_list          the tables, as `pipe tables` prints them
 *   backend_drop          removes a table
 *
 * A query's result is a handle read with the backend_result_* functions:
 * the columns (name, type), the cells as text, the statistics.  Each
 * warehouse makes its own results (the local one wraps its SQL engine's,
 * BigQuery's are filled from a job's JSON), so the callers never see
 * how a result is stored: backend_int.h is for implementations only.
 *
 * pipe checks the SQL of a DAG file before anything runs (which tables a
 * statement reads and writes, the type names of `types`).  Every warehouse
 * speaks GoogleSQL, so these are plain functions below, the same whichever
 * warehouse is chosen. */
#ifndef PIPE_BACKEND_H
#define PIPE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
#include "util.h"

struct backend;
struct backend_result;

/* "local" or "bigquery"; any other name is PIPE_EUSAGE.  root: the local
 * warehouse's directory of tables ("targets"), which BigQuery's keeps as
 * its mirror (backend_bigquery.c). */
int backend_open(struct backend **out, const char *name, const char *root);
/* A setting from the profile, before the first call: bigquery_project,
 * bigquery_location, bigquery_dataset (docs/bigquery.md).  The local
 * warehouse has none and ignores them. */
int backend_option(struct backend *b, const char *key, const char *value);
void backend_close(struct backend *b);
/* What a table's key says of the warehouse it is built in, without
 * opening it: NULL for the local warehouse, else "bigquery PROJECT
 * DATASET" (the project and the default dataset that name its tables:
 * never a secret).  name and settings ("bigquery_project=P" words, the
 * profile's) as backend_open and backend_option take them.  The caller
 * frees it. */
char *backend_identity(const char *name, const char *const *settings, size_t nsettings);
const char *backend_name(const struct backend *b);
/* The warehouse that holds the rows as pipe built them: b itself, or the
 * local copy a remote warehouse keeps beside it (BigQuery's).  Checks and
 * statistics read it, so that they cost no job and see a table before it
 * is published (docs/checks.md). */
struct backend *backend_local_copy(struct backend *b);

/* Write-audit-publish: what a table build runs between making the new
 * table and letting the warehouse's own table be replaced.  audit is called
 * once the new table is whole where the call wrote it (backend_query's
 * write_to, the load's out_dir) and before anything writes the warehouse's
 * table of that name: a remote warehouse sends its jobs only after audit
 * returned 0, so a negative return (a failing check) leaves its table as
 * it was.  The call then returns audit's error as it is. */
struct backend_audit {
	int (*run)(void *arg);
	void *arg;
};

/* A load into o->out_dir, audited (audit may be NULL) before it is
 * published; deadline_ms as backend_query's. */
int backend_load(struct backend *b, const struct load_options *o, const struct backend_audit *audit,
                 double deadline_ms, struct load_result *res);

struct backend_query {
	bool dry_run;             /* plan and estimate only, read nothing */
	int64_t max_bytes_billed; /* 0 = no limit; refuse before reading anything */
	/* Where CREATE TABLE ... AS SELECT writes its table: a directory the
	 * caller created empty and the engine publishes (the table kind's
	 * scratch output).  NULL: the warehouse's table of that name. */
	const char *write_to;
	/* When set, a CREATE naming another table is an error. */
	const char *expect_table;
	/* What this run of the statement is for (a target's inputs), so that
	 * the same statement with the same key is the same job, sent once
	 * (BigQuery's job id); NULL: a job of its own.  The local warehouse
	 * has no jobs. */
	const char *job_key;
	bool explain;             /* plan only: the plan is the result's message */
	int64_t memory_limit;     /* bytes the query's operators may hold; 0: $PIPE_MEMORY or the default */
	/* time_now_ms() past which the statement stops and fails (a target's
	 * timeout, ctx->deadline_ms); 0: none. */
	double deadline_ms;
	/* When set, the table named read_table is read from read_from, a table
	 * built but not yet published (the table kind's scratch output, whose
	 * checks run before the engine publishes it). */
	const char *read_table, *read_from;
	/* With write_to: run before the warehouse's table is written (above). */
	const struct backend_audit *audit;
	/* With write_to: gets the bytes of each file written there as they
	 * are written (util.h; NULL: none), so that the caller need not
	 * read them back to hash them. */
	const struct file_hasher *hasher;
};

/* What a statement cost, in BigQuery's terms (docs/bytes.md). */
struct backend_stats {
	int64_t bytes_processed, bytes_billed;
	int64_t estimate_bytes; /* the dry run's */
	/* the least a query bills for each table it references (BigQuery's
	 * 10 MB): a bill that is a multiple of it may be the minimum alone */
	int64_t min_billed_per_table;
	int64_t partitions_scanned, partitions_total;
	int64_t blocks_scanned, blocks_total;
	int64_t rows;
	double elapsed_ms;
	/* A remote warehouse's result, with the local warehouse's figures for
	 * the same statement on its copy of the tables (local: there was one):
	 * the summary shows both and flags a difference. */
	bool local;
	int64_t local_bytes_processed, local_bytes_billed;
};

int backend_query(struct backend *b, const char *sql, const struct backend_query *opt,
                  struct backend_result **out);

/* The columns of a table, one "name.column TYPE" line each (name: the
 * table's), and its rows: what a table target's state record keeps.  dir:
 * where backend_query's write_to put a table not yet published; NULL for
 * the warehouse's table of that name.  The caller frees *schema. */
int backend_table_schema(struct backend *b, const char *name, const char *dir, char **schema, int64_t *rows);
/* One "name  TYPE" line per column, then partitioning, clustering and
 * options.  name as written in SQL ("dataset.table", "table"). */
int backend_describe(struct backend *b, const char *name, struct buf *out);
/* Each column's NULL count and smallest and largest value (as a query's
 * cell shows them), as the table's blocks recorded them while it was
 * written: no column is read.  min and max are NULL where the blocks do
 * not keep them (JSON, long strings, a NaN, every value NULL), known false
 * when the warehouse keeps no such record.  distinct, when sketched, is
 * APPROX_COUNT_DISTINCT's estimate from the sketch the writer kept (none
 * for JSON, or a table written before there were sketches).  dir as for
 * backend_table_schema.  The caller frees with backend_bounds_free. */
struct backend_bounds {
	char *name;
	int64_t nulls;
	char *min, *max;
	bool known;
	bool sketched;
	int64_t distinct;
};
int backend_table_bounds(struct backend *b, const char *name, const char *dir, struct backend_bounds **out,
                         size_t *n);
void backend_bounds_free(struct backend_bounds *v, size_t n);
/* Every table (a loaded table's child tables too, as "x__y"), sorted by
 * name.  The caller frees each name and the array. */
int backend_list(struct backend *b, char ***names, size_t *n);
int backend_drop(struct backend *b, const char *name);

/* Reading a result.  Types are BigQuery's names ("INT64", "STRING"); a
 * cell is its text, NULL for SQL NULL. */
size_t backend_result_ncols(const struct backend_result *r);
size_t backend_result_nrows(const struct backend_result *r);
const char *backend_result_colname(const struct backend_result *r, size_t col);
const char *backend_result_coltype(const struct backend_result *r, size_t col);
const char *backend_result_cell(const struct backend_result *r, size_t row, size_t col);
const struct backend_stats *backend_result_stats(const struct backend_result *r);
/* The warehouse's job that made it (BigQuery's job id); NULL for none. */
const char *backend_result_job(const struct backend_result *r);
/* The summary line alone (no newline): rows, bytes, partitions, time. */
char *backend_result_summary(const struct backend_result *r);
/* As `pipe query` prints it: a box table then the summary line, or with
 * json one object {"schema":[...],"rows":[...],"bytes_processed":...}. */
int backend_result_print(const struct backend_result *r, bool json, FILE *out);
void backend_result_free(struct backend_result *r); /* NULL is fine */

/* GoogleSQL, checked before any warehouse sees it. */

/* Table names a statement reads and writes, lower-cased, backticks
 * removed ("proj.dataset.t"); *writes is NULL for a plain SELECT; CTE names
 * are not reads.  The caller frees each string and the arrays. */
int backend_sql_tables(const char *sql, char ***reads, size_t *nreads, char **writes);

/* What one statement changes.  verb: "CREATE", "INSERT", "DROP", "DELETE",
 * "UPDATE", "MERGE", "TRUNCATE" or "ALTER"; NULL for a SELECT.  table: the
 * name as written, lower-cased; line, col: where the statement names it
 * (1-based).  next_line, next_col: where a second statement starts after a
 * ';' (0 when there is none).  A statement that does not parse is the
 * parser's error. */
struct backend_sql_write {
	const char *verb;
	char *table;
	int line, col;
	int next_line, next_col;
};
int backend_sql_write(const char *sql, struct backend_sql_write *w);
void backend_sql_write_free(struct backend_sql_write *w);

/* Whether name is a GoogleSQL type (BigQuery's names and aliases, any
 * case: INT64, INTEGER, FLOAT64, STRING, DATE ...). */
bool backend_type_known(const char *name);

#endif
