/* load: rows from JSON, NDJSON and CSV files into warehouse tables, as dlt
 * normalises them: inferred types, flattened objects, arrays as child
 * tables, lineage columns, write dispositions and schema evolution.  The
 * rules are documented in docs/staging.md. */
#ifndef PIPE_LOAD_H
#define PIPE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum load_write { LOAD_REPLACE, LOAD_APPEND, LOAD_MERGE };
enum load_format { LOAD_AUTO, LOAD_JSON, LOAD_NDJSON, LOAD_CSV };

struct load_options {
	const char *table;   /* the root table's name; children are table__field */
	const char *dataset; /* may be NULL */
	const char *const *paths; /* the files, loaded in order */
	size_t npaths;
	enum load_format format; /* LOAD_AUTO: by each file's name */
	const char *records;     /* "data.items": the rows inside an envelope */
	/* "col:TYPE ..." (BigQuery type names, or NUMBER: INT64 when every
	 * value is whole, else FLOAT64).  auto_types come from the source
	 * (Socrata's X-SODA2-Types); types are the user's and win. */
	const char *auto_types, *types;
	enum load_write write;
	const char *primary_key; /* column names, space-separated (merge) */
	const char *dedup_sort;  /* "col" or "col desc": the newest is the largest */
	bool freeze;             /* schema = freeze */
	const char *prev_dir;    /* the table as it is, or NULL */
	const char *out_dir;     /* created by load_run; must not exist */
	const char *load_id;     /* the _pipe_load_id value */
	/* merge: where the rows this load brought are kept, as they were
	 * before the merge chose among them (a table directory, the output's
	 * columns, the rows in load order), for a warehouse that merges them
	 * itself (BigQuery's MERGE); NULL: not kept. */
	const char *keep_rows;
	const char *partition_by; /* "col", "DATE(col)", "col MONTH"; may be NULL */
	const char *cluster_by;   /* up to four names; may be NULL */
	/* Where messages about options point ("pipe:3:5"), may be NULL. */
	const char *where;
	/* Hashes the files of out_dir as they are written, so the build
	 * never reads them back (file_hasher); may be NULL. */
	const struct file_hasher *hasher;
};

struct load_result {
	int64_t rows;   /* rows in the root table after the load */
	int64_t loaded; /* rows the sources delivered */
	bool one_pass;  /* loaded in one pass (load.c) */
	/* Every table's columns, one "table.column TYPE" line each: kept in
	 * the state record so that `git log -p state/` shows the evolution. */
	char *schema;
	/* What the load decided about values that disagreed with their column
	 * (a mix widened to STRING, integers beyond INT64 rounded, values put
	 * in a variant column), one line each; "" when none.  Printed with
	 * the build's output and kept in the state record. */
	char *decisions;
};

int load_run(const struct load_options *o, struct load_result *res);
void load_result_free(struct load_result *res);

/* A source name as a column name: lower case, [a-z0-9_] with every other
 * run of characters as one '_', '_' before a leading digit. */
char *load_column_name(const char *s, size_t len);

#endif
