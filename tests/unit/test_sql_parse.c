/* The SQL front end and the runner's interface: error carets, the tables a
 * statement references, the summary line, and the table kind's options. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "warehouse/sql.h"
#include "warehouse/sql_parse.h"
#include "warehouse/table.h"

static void caret_under_the_spot(void)
{
	struct stmt *s = NULL;
	CHECK(sql_parse("SELECT name FROM t LIMIT 1\n    FROM t", &s) < 0);
	CHECK_STR(error_last(), "Syntax error: Expected end of input but got keyword FROM at [2:5]\n"
				"    FROM t\n"
				"    ^");
}

static void caret_keeps_tabs(void)
{
	struct stmt *s = NULL;
	CHECK(sql_parse("SELECT\t1 +", &s) < 0);
	CHECK_STR(error_last(), "Syntax error: Unexpected end of statement at [1:11]\nSELECT\t1 +\n      \t   ^");
}

static void parses_the_seed_ctas(void)
{
	struct stmt *s = NULL;
	CHECK_OK(sql_parse("CREATE OR REPLACE TABLE your_project_id.taxi_data.optimized_taxi_trips\n"
			   "PARTITION BY DATE(tpep_dropoff_datetime)\n"
			   "CLUSTER BY VendorID AS\n"
			   "SELECT * FROM your_project_id.taxi_data.staging_taxi_trips;", &s));
	CHECK_INT(s->kind, S_CREATE);
	CHECK(s->or_replace);
	CHECK_STR(s->table, "your_project_id.taxi_data.optimized_taxi_trips");
	CHECK_INT(s->ncluster, 1);
	CHECK_STR(s->cluster_by[0], "VendorID");
	CHECK_STR(s->partition_by->name, "date");
	CHECK_STR(s->sel->from->table, "your_project_id.taxi_data.staging_taxi_trips");
	sql_stmt_free(s);
}

static void backticked_names_join_parts(void)
{
	struct stmt *s = NULL;
	CHECK_OK(sql_parse("SELECT 1 FROM `p`.`d`.t", &s));
	CHECK_STR(s->sel->from->table, "p.d.t");
	sql_stmt_free(s);
	CHECK_OK(sql_parse("SELECT 1 FROM `p.d.t` AS x", &s));
	CHECK_STR(s->sel->from->table, "p.d.t");
	CHECK_STR(s->sel->from->alias, "x");
	sql_stmt_free(s);
}

static void precedence(void)
{
	struct stmt *s = NULL;
	/* NOT binds looser than =, AND looser than NOT, OR loosest */
	CHECK_OK(sql_parse("SELECT a OR NOT b = 1 AND c", &s));
	struct ast *e = s->sel->items[0].expr;
	CHECK_STR(e->op, "OR");
	CHECK_STR(e->args[1]->op, "AND");
	CHECK_STR(e->args[1]->args[0]->op, "NOT");
	CHECK_STR(e->args[1]->args[0]->args[0]->op, "=");
	sql_stmt_free(s);
}

static void referenced_tables(void)
{
	char **reads = NULL, *writes = NULL;
	size_t n = 0;
	CHECK_OK(sql_referenced_tables(
		"CREATE TABLE ds.out AS WITH a AS (SELECT * FROM `P.DS.Staging`), b AS (SELECT * FROM a) "
		"SELECT * FROM b JOIN ds.other o ON b.x = o.x JOIN (SELECT * FROM a) s ON s.x = b.x", &reads, &n, &writes));
	CHECK_INT(n, 2);
	CHECK_STR(reads[0], "p.ds.staging");
	CHECK_STR(reads[1], "ds.other");
	CHECK_STR(writes, "ds.out");
	for (size_t i = 0; i < n; i++)
		free(reads[i]);
	free(reads);
	free(writes);
	CHECK_OK(sql_referenced_tables("WITH c AS (SELECT 1) SELECT * FROM a UNION ALL SELECT * FROM c UNION ALL "
				       "SELECT * FROM b", &reads, &n, &writes));
	CHECK_INT(n, 2);
	CHECK_STR(reads[0], "a");
	CHECK_STR(reads[1], "b");
	CHECK(writes == NULL);
	for (size_t i = 0; i < n; i++)
		free(reads[i]);
	free(reads);
	CHECK_OK(sql_referenced_tables("SELECT 1", &reads, &n, &writes));
	CHECK_INT(n, 0);
	CHECK(writes == NULL);
}

/* A table named only inside an expression's subquery is read all the same:
 * the table kind's dependency check must see it. */
static void referenced_tables_in_subqueries(void)
{
	char **reads = NULL, *writes = NULL;
	size_t n = 0;
	CHECK_OK(sql_referenced_tables(
		"WITH c AS (SELECT 1 AS x) SELECT (SELECT MAX(x) FROM ds.a), ROW_NUMBER() OVER (ORDER BY (SELECT 1 FROM c)) "
		"FROM ds.t JOIN ds.u ON t.x IN (SELECT x FROM ds.b) WHERE EXISTS (SELECT * FROM ds.d) "
		"QUALIFY t.x NOT IN (SELECT x FROM ds.e)", &reads, &n, &writes));
	CHECK_INT(n, 6);
	if (n == 6) {
		CHECK_STR(reads[0], "ds.t");
		CHECK_STR(reads[1], "ds.u");
		CHECK_STR(reads[2], "ds.b");
		CHECK_STR(reads[3], "ds.a");
		CHECK_STR(reads[4], "ds.d");
		CHECK_STR(reads[5], "ds.e");
	}
	for (size_t i = 0; i < n; i++)
		free(reads[i]);
	free(reads);
}

/* The window clause: keys, order, the frame and its defaults left to the
 * planner; QUALIFY kept apart from HAVING. */
static void parses_windows(void)
{
	struct stmt *s = NULL;
	CHECK_OK(sql_parse("SELECT SUM(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST "
			   "ROWS BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING) FROM t QUALIFY y", &s));
	if (!s)
		return;
	const struct ast_window *w = s->sel->items[0].expr->over;
	CHECK(w != NULL);
	if (w) {
		CHECK_INT(w->npart, 2);
		CHECK_INT(w->norder, 1);
		CHECK(w->order[0].desc);
		CHECK_INT(w->order[0].nulls, 2);
		CHECK_INT(w->frame, FRAME_ROWS);
		CHECK_INT(w->lo, FB_PRECEDING);
		CHECK_INT(w->lo_n, 2);
		CHECK_INT(w->hi, FB_UNBOUNDED_FOLLOWING);
	}
	CHECK_STR(s->sel->qualify->name, "y");
	sql_stmt_free(s);
	CHECK(sql_parse("SELECT SUM(x) OVER (ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM t", &s) < 0);
	CHECK(strstr(error_last(), "the window frame's start comes after its end at [1:21]") != NULL);
	CHECK(sql_parse("SELECT SUM(x) OVER (ROWS BETWEEN UNBOUNDED AND CURRENT ROW) FROM t", &s) < 0);
	CHECK(strstr(error_last(), "Expected keyword PRECEDING or keyword FOLLOWING but got keyword AND") != NULL);
}

static char root[64];

static void make_root(void)
{
	snprintf(root, sizeof root, "/tmp/pipe-sqlp-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
}

static void summary_line(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("SELECT 1 AS one, 'a' AS s", &opt, &r));
	char *line = sql_summary_line(r);
	/* nothing read: 0 bytes, 0 billed */
	CHECK(str_starts(line, "1 row | 0 B processed (estimate 0 B) | 0 B billed | 0/0 partitions | 0/0 blocks | "));
	CHECK(str_ends(line, " ms"));
	free(line);
	CHECK_INT(sql_result_ncols(r), 2);
	CHECK_STR(sql_result_colname(r, 1), "s");
	CHECK_STR(sql_result_coltype(r, 0), "INT64");
	CHECK_STR(sql_result_cell(r, 0, 1), "a");
	sql_result_free(r);
}

static void output_dir_and_expect_table(void)
{
	char *out = path_join(root, "outdir");
	CHECK_OK(mkdir_p(out));
	struct sql_options opt = {.root = root, .output_dir = out, .expect_table = "numbers"};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("CREATE TABLE ds.numbers AS SELECT 1 AS n", &opt, &r));
	sql_result_free(r);
	/* written into output_dir, not root/numbers */
	struct table *t = NULL;
	CHECK_OK(table_open(&t, out));
	CHECK_INT(t->rows, 1);
	table_close(t);
	char *named = path_join(root, "numbers");
	CHECK(!path_exists(named));
	free(named);
	CHECK(sql_run("CREATE TABLE ds.letters AS SELECT 'a' AS l", &opt, &r) < 0);
	CHECK(strstr(error_last(), "the statement creates table ds.letters, but the target is named numbers") != NULL);
	free(out);
}

static void json_output(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("SELECT 1 AS n, 'x\"y' AS s, NULL AS z", &opt, &r));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_OK(sql_print_json(r, f));
	fclose(f);
	CHECK(str_starts(buf, "{\"schema\":[{\"name\":\"n\",\"type\":\"INT64\"},{\"name\":\"s\",\"type\":\"STRING\"},"
			      "{\"name\":\"z\",\"type\":\"INT64\"}],\"rows\":[[1,\"x\\\"y\",null]],\"rows_count\":1,"
			      "\"bytes_processed\":0,\"bytes_billed\":0,\"estimate_bytes\":0,"));
	free(buf);
	sql_result_free(r);
}

static void table_output(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("SELECT 12 AS n, 'ab' AS word", &opt, &r));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_OK(sql_print_table(r, f));
	fclose(f);
	CHECK(str_starts(buf, "+----+------+\n| n  | word |\n+----+------+\n| 12 | ab   |\n+----+------+\n1 row | "));
	free(buf);
	sql_result_free(r);
}

int main(void)
{
	RUN(caret_under_the_spot);
	RUN(caret_keeps_tabs);
	RUN(parses_the_seed_ctas);
	RUN(backticked_names_join_parts);
	RUN(precedence);
	RUN(referenced_tables);
	RUN(referenced_tables_in_subqueries);
	RUN(parses_windows);
	RUN(make_root);
	RUN(summary_line);
	RUN(output_dir_and_expect_table);
	RUN(json_output);
	RUN(table_output);
	rm_rf(root);
	T_DONE();
}
