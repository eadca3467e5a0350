/* backend: choosing a warehouse by name, and the local warehouse through
 * the interface alone (query, schema, describe, list, drop), on a table of
 * several blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "t.h"

static char root[64];

static void open_by_name(void)
{
	struct backend *b = NULL;
	/* BigQuery's needs a service account's key before anything runs */
	unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
	CHECK_INT(backend_open(&b, "bigquery", root), PIPE_EUSAGE);
	CHECK(b == NULL);
	CHECK(strstr(error_last(), "GOOGLE_APPLICATION_CREDENTIALS is not set"));
	CHECK_INT(backend_open(&b, "snowflake", root), PIPE_EUSAGE);
	CHECK_STR(error_last(), "no warehouse named 'snowflake': expected local or bigquery");
	CHECK_OK(backend_open(&b, "local", root));
	CHECK_STR(backend_name(b), "local");
	backend_close(b);
}

/* 10 rows in blocks of 3: a query reads four blocks; drop removes the
 * table from the list and a query then finds none. */
static void local_tables(void)
{
	struct backend *b = NULL;
	struct backend_query q = {0};
	struct backend_result *r = NULL;
	struct buf schema_text = BUF_INIT;
	char **names = NULL, *schema = NULL;
	size_t n = 0;
	int64_t rows = 0;
	int error;
	CHECK_OK(backend_open(&b, "local", root));
	CHECK_OK(backend_query(b, "CREATE OR REPLACE TABLE d.t OPTIONS (block_rows = 3) AS "
	                          "SELECT x, CAST(x * 2 AS STRING) AS s FROM (SELECT 1 AS x UNION ALL SELECT 2 "
	                          "UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 "
	                          "UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10)",
	                       &q, &r));
	backend_result_free(r);
	CHECK_OK(backend_query(b, "SELECT x, s FROM d.t WHERE x > 8 ORDER BY x", &q, &r));
	CHECK_INT(backend_result_ncols(r), 2);
	CHECK_INT(backend_result_nrows(r), 2);
	CHECK_STR(backend_result_colname(r, 1), "s");
	CHECK_STR(backend_result_coltype(r, 0), "INT64");
	CHECK_STR(backend_result_cell(r, 1, 1), "20");
	CHECK_INT(backend_result_stats(r)->blocks_total, 4);
	CHECK_INT(backend_result_stats(r)->bytes_processed, 10 * 8 + 4 * (2 + 1) + 6 * (2 + 2));
	CHECK_INT(backend_result_stats(r)->bytes_billed, 10 << 20);
	CHECK_INT(backend_result_stats(r)->min_billed_per_table, 10 << 20);
	backend_result_free(r);
	q.dry_run = true;
	CHECK_OK(backend_query(b, "SELECT x FROM d.t", &q, &r));
	CHECK_INT(backend_result_stats(r)->estimate_bytes, 80);
	backend_result_free(r);
	q.dry_run = false;
	CHECK_OK(backend_table_schema(b, "t", NULL, &schema, &rows));
	CHECK_STR(schema, "t.x INT64\nt.s STRING\n");
	CHECK_INT(rows, 10);
	free(schema);
	CHECK_OK(backend_describe(b, "d.t", &schema_text));
	CHECK(strstr(buf_cstr(&schema_text), "x  INT64"));
	buf_free(&schema_text);
	CHECK_OK(backend_list(b, &names, &n));
	CHECK_INT(n, 1);
	CHECK_STR(names[0], "t");
	free(names[0]);
	free(names);
	CHECK_OK(backend_drop(b, "d.t"));
	CHECK_OK(backend_list(b, &names, &n));
	CHECK_INT(n, 0);
	free(names);
	error = backend_query(b, "SELECT x FROM d.t", &q, &r);
	CHECK(error < 0 && r == NULL);
	CHECK(strstr(error_last(), "Not found: Table"));
	CHECK(backend_drop(b, "d.t") < 0);
	backend_close(b);
}

/* What `pipe query` prints, read through the accessors: the summary line,
 * the box table (numbers right-aligned) and JSON (numbers bare, strings
 * escaped, NULL as null). */
static void print_to(struct backend_result *r, bool json, char **text)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	CHECK_OK(backend_result_print(r, json, f));
	fclose(f);
}

static void printing(void)
{
	struct backend *b = NULL;
	struct backend_query q = {0};
	struct backend_result *r = NULL;
	char *text, *line;
	CHECK_OK(backend_open(&b, "local", root));
	CHECK_OK(backend_query(b, "SELECT 12 AS n, 'ab' AS word", &q, &r));
	line = backend_result_summary(r);
	CHECK(str_starts(line, "1 row | 0 B processed (estimate 0 B) | 0 B billed | 0/0 partitions | 0/0 blocks | "));
	CHECK(str_ends(line, " ms"));
	free(line);
	print_to(r, false, &text);
	CHECK(str_starts(text, "+----+------+\n| n  | word |\n+----+------+\n| 12 | ab   |\n+----+------+\n1 row | "));
	free(text);
	backend_result_free(r);
	CHECK_OK(backend_query(b, "SELECT 1 AS n, 'x\"y' AS s, NULL AS z", &q, &r));
	print_to(r, true, &text);
	CHECK(str_starts(text, "{\"schema\":[{\"name\":\"n\",\"type\":\"INT64\"},{\"name\":\"s\",\"type\":\"STRING\"},"
	                       "{\"name\":\"z\",\"type\":\"INT64\"}],\"rows\":[[1,\"x\\\"y\",null]],\"rows_count\":1,"
	                       "\"bytes_processed\":0,\"bytes_billed\":0,\"estimate_bytes\":0,"));
	free(text);
	backend_result_free(r);
	CHECK_OK(backend_query(b, "CREATE TABLE d.p AS SELECT 1 AS x", &q, &r));
	print_to(r, false, &text);
	CHECK(str_starts(text, "Created table d.p (1 row"));
	free(text);
	backend_result_free(r);
	backend_close(b);
}

int main(void)
{
	snprintf(root, sizeof root, "/tmp/pipe-backend-XXXXXX");
	if (!mkdtemp(root)) {
		printf("not ok setup: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	RUN(open_by_name);
	RUN(local_tables);
	RUN(printing);
	rm_rf(root);
	T_DONE();
}
