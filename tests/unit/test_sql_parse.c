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

/* pre + n times rep + mid + n times post + end */
static char *nest(const char *pre, const char *rep, size_t n, const char *mid, const char *post, const char *end)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, rep);
	buf_puts(&b, mid);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, post);
	buf_puts(&b, end);
	return buf_detach(&b);
}

/* item sep item ... (n items, each printf'd with its index), then end
 * printf'd with n */
static char *chain(const char *pre, const char *item, const char *sep, size_t n, const char *end)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_printf(&b, item, i, i);
	}
	buf_printf(&b, end, n, n);
	return buf_detach(&b);
}

static const char too_deep[] = "Out of stack space due to deeply nested query expression during query resolution "
			       "(pipe allows 1000 levels) at [";

/* Runs sql: with ok, it must succeed; else fail with an error starting
 * with want.  sql is freed. */
static int run_limit(char *sql, bool ok, const char *want)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	int rc = sql_run(sql, &opt, &r);
	sql_result_free(r);
	int good = ok ? rc == 0 : rc < 0 && str_starts(error_last(), want);
	if (!good)
		printf("# %.60s...: %.*s\n", sql, (int)strcspn(rc < 0 ? error_last() : "succeeded", "\n"),
		       rc < 0 ? error_last() : "succeeded");
	free(sql);
	error_clear();
	return good;
}

/* Each way of nesting, one level below the limit and one above: the one
 * above is refused with the position, where it crashed the binder. */
static void deep_queries_are_refused(void)
{
	/* the query is a level; a sum of n terms n levels */
	CHECK(run_limit(chain("SELECT ", "1", "+", 999, ""), true, NULL));
	CHECK(run_limit(chain("SELECT ", "1", "+", 5000, ""), false, "Out of stack space"));
	CHECK(run_limit(chain("SELECT ", "1", "+", 1001, ""), false, too_deep));
	CHECK(run_limit(chain("SELECT ", "TRUE", " OR ", 999, ""), true, NULL));
	CHECK(run_limit(chain("SELECT ", "TRUE", " OR ", 6000, ""), false, too_deep));
	CHECK(run_limit(chain("SELECT ", "'a'", " || ", 5000, ""), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "(", 998, "1", ")", ""), true, NULL));
	CHECK(run_limit(nest("SELECT ", "(", 20000, "1", ")", ""), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "CASE WHEN TRUE THEN ", 998, "1", " END", ""), true, NULL));
	CHECK(run_limit(nest("SELECT ", "CASE WHEN TRUE THEN ", 5000, "1", " END", ""), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "NOT ", 998, "TRUE", "", ""), true, NULL));
	CHECK(run_limit(nest("SELECT ", "NOT ", 10000, "TRUE", "", ""), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "- ", 998, "x", "", " FROM (SELECT 1 AS x)"), true, NULL));
	CHECK(run_limit(nest("SELECT ", "- ", 10000, "x", "", " FROM (SELECT 1 AS x)"), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "abs(", 998, "1", ")", ""), true, NULL));
	CHECK(run_limit(nest("SELECT ", "abs(", 10000, "1", ")", ""), false, too_deep));
	CHECK(run_limit(nest("SELECT ", "(SELECT ", 499, "1", ")", ""), true, NULL));
	CHECK(run_limit(nest("SELECT ", "(SELECT ", 5000, "1", ")", ""), false, too_deep));
	CHECK(run_limit(nest("SELECT * FROM ", "(SELECT * FROM ", 300, "(SELECT 1 AS x)", ")", ""), true, NULL));
	CHECK(run_limit(nest("SELECT * FROM ", "(SELECT * FROM ", 5000, "(SELECT 1 AS x)", ")", ""), false, too_deep));
	CHECK(run_limit(nest("", "(", 998, "SELECT 1", ")", ""), true, NULL));
	CHECK(run_limit(nest("", "(", 5000, "SELECT 1", ")", ""), false, too_deep));
	/* a FROM list is a left-deep tree of joins */
	CHECK(run_limit(chain("WITH t AS (SELECT 1 AS x) SELECT COUNT(*) FROM ", "t t%zu", ", ", 10, ""), true, NULL));
	CHECK(run_limit(chain("WITH t AS (SELECT 1 AS x) SELECT 1 FROM ", "t t%zu", ", ", 5000, ""), false, too_deep));
	/* CTEs are planned where they are named: a chain of them nests in the
	 * binder, one named twice in each of the next doubles its work */
	struct buf b = BUF_INIT;
	buf_puts(&b, "WITH c0 AS (SELECT 1 AS x)");
	for (int i = 1; i <= 300; i++)
		buf_printf(&b, ", c%d AS (SELECT x FROM c%d)", i, i - 1);
	buf_puts(&b, " SELECT x FROM c300");
	CHECK(run_limit(buf_detach(&b), true, NULL));
	buf_puts(&b, "WITH c0 AS (SELECT 1 AS x)");
	for (int i = 1; i <= 5000; i++)
		buf_printf(&b, ", c%d AS (SELECT x FROM c%d)", i, i - 1);
	buf_puts(&b, " SELECT x FROM c5000");
	CHECK(run_limit(buf_detach(&b), false, too_deep));
	buf_puts(&b, "WITH c0 AS (SELECT 1 AS x)");
	for (int i = 1; i <= 40; i++)
		buf_printf(&b, ", c%d AS (SELECT a.x FROM c%d a, c%d b)", i, i - 1, i - 1);
	buf_puts(&b, " SELECT COUNT(*) FROM c40");
	CHECK(run_limit(buf_detach(&b), false,
			"Resources exceeded during query execution: Not enough resources for query planning - "
			"too many subqueries or query is too complex at ["));
}

/* What pipe status and pipe dag parse for a table's dependencies. */
static void deep_dependencies_are_refused(void)
{
	char **reads = NULL, *writes = NULL;
	size_t nreads = 0;
	char *sql = nest("SELECT * FROM t WHERE ", "(", 20000, "x", ")", "");
	CHECK(sql_referenced_tables(sql, &reads, &nreads, &writes) < 0);
	free(sql);
	CHECK(str_starts(error_last(), too_deep));
	sql = chain("SELECT * FROM t WHERE ", "x = %zu", " OR ", 5000, "");
	CHECK(sql_referenced_tables(sql, &reads, &nreads, &writes) < 0);
	free(sql);
	CHECK(str_starts(error_last(), too_deep));
}

static void query_length_and_list_limits(void)
{
	/* 1024K characters, a comment padding them out (é is one character) */
	struct buf b = BUF_INIT;
	buf_puts(&b, "SELECT 1 -- \u00e9");
	for (size_t chars = 13; chars < 1024 * 1024; chars++)
		buf_putc(&b, 'x');
	CHECK(run_limit(xstrdup(buf_cstr(&b)), true, NULL));
	buf_putc(&b, 'y');
	CHECK(run_limit(buf_detach(&b), false,
			"The query is too large. The maximum standard SQL query length is 1024.00K characters, "
			"including comments and white space characters at [1:1048577]"));
	/* the 1M-value IN list of the issue is refused by its length, one of
	 * 200,000 values at its 257th */
	CHECK(run_limit(chain("SELECT 1 IN (", "%zu", ",", 1000000, ")"), false, "The query is too large."));
	CHECK(run_limit(chain("SELECT 1 IN (", "1", ",", 256, ")"), true, NULL));
	CHECK(run_limit(chain("SELECT 1 IN (", "1", ",", 200000, ")"), false,
			"IN list too long (at most 256 values) at [1:526]"));
	/* a column name of 300 characters, not 301 */
	struct buf a = BUF_INIT;
	buf_puts(&a, "SELECT 1 AS ");
	for (int i = 0; i < 300; i++)
		buf_putc(&a, 'c');
	CHECK(run_limit(xstrdup(buf_cstr(&a)), true, NULL));
	buf_putc(&a, 'c');
	CHECK(run_limit(buf_detach(&a), false, "Invalid field name \"cccc"));
}

/* 100,000 columns are checked by sorting their names: the duplicate named
 * is the first column that repeats an earlier one. */
static void wide_specs_are_checked_quickly(void)
{
	struct table_spec spec = {.name = (char *)"wide"};
	spec.ncols = 100000;
	spec.cols = xcalloc(spec.ncols, sizeof *spec.cols);
	for (size_t i = 0; i < spec.ncols; i++)
		spec.cols[i] = (struct column_def){xasprintf("c%zu", i), TYPE_INT64};
	double t0 = time_now_ms();
	CHECK_OK(table_spec_check(&spec));
	CHECK(time_now_ms() - t0 < 2000);
	free(spec.cols[99999].name);
	spec.cols[99999].name = xstrdup("C7");
	free(spec.cols[50000].name);
	spec.cols[50000].name = xstrdup("c99");
	CHECK(table_spec_check(&spec) < 0);
	CHECK_STR(error_last(), "Duplicate column names in the result are not supported. Found duplicate(s): c99");
	free(spec.cols[1].name);
	spec.cols[1].name = xcalloc(302, 1);
	memset(spec.cols[1].name, 'x', 301);
	CHECK(table_spec_check(&spec) < 0);
	CHECK(str_starts(error_last(), "Invalid field name \"xxxx"));
	for (size_t i = 0; i < spec.ncols; i++)
		free(spec.cols[i].name);
	free(spec.cols);
}

/* Rewrites a file of table t under root through edit, then queries t. */
static int query_damaged(const char *file, void (*edit)(struct buf *), const char *sql)
{
	char *path = xasprintf("%s/t/%s", root, file);
	struct buf b = BUF_INIT;
	int error = file_read(path, &b);
	if (error == 0) {
		edit(&b);
		error = file_write_atomic(path, b.data ? b.data : "", b.len);
	}
	buf_free(&b);
	free(path);
	if (error < 0)
		return 1;
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	error = sql_run(sql, &opt, &r);
	sql_result_free(r);
	return error;
}

static void cut_in_half(struct buf *b) { b->len /= 2; }
static void many_blocks(struct buf *b)
{
	/* the partition's rows and blocks, far beyond what the blocks file holds */
	char *p = strstr(b->data, "\npartition ");
	char *lo = p ? strstr(p, " lo ") : NULL;
	char *rows = p ? strstr(p, " rows ") : NULL;
	if (lo && rows) {
		char *rest = xstrdup(lo);
		b->len = (size_t)(rows - b->data);
		buf_printf(b, " rows 4000000000 blocks 4000000000%s", rest);
		free(rest);
	}
}
static void rows_beyond_blocks(struct buf *b)
{
	/* block_rows at the largest the option allows, the first block's row
	 * count (after the magic and one partition offset) beyond it */
	uint32_t rows = 2000000;
	if (b->len > 26)
		memcpy(b->data + 22, &rows, 4);
}

static void make_small_table(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("CREATE OR REPLACE TABLE d.t OPTIONS (block_rows = 2) AS SELECT x, CAST(x AS STRING) AS s "
			 "FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3)", &opt, &r));
	sql_result_free(r);
}

/* A damaged table gives an error naming the file, never a crash or an
 * allocation its files do not justify. */
static void damaged_tables_give_errors(void)
{
	make_small_table();
	CHECK(query_damaged("table.data", cut_in_half, "SELECT * FROM t") < 0);
	CHECK(strstr(error_last(), "table.data: truncated or malformed"));
	make_small_table();
	CHECK(query_damaged("blocks", cut_in_half, "SELECT * FROM t") < 0);
	CHECK(strstr(error_last(), "blocks: truncated or malformed"));
	make_small_table();
	CHECK(query_damaged("manifest", many_blocks, "SELECT COUNT(*) FROM t WHERE x > 0") < 0);
	CHECK(strstr(error_last(), "blocks: truncated or malformed"));
	make_small_table();
	CHECK(query_damaged("blocks", rows_beyond_blocks, "SELECT * FROM t") < 0);
	CHECK(strstr(error_last(), "blocks: truncated or malformed"));
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
	RUN(deep_queries_are_refused);
	RUN(deep_dependencies_are_refused);
	RUN(query_length_and_list_limits);
	RUN(wide_specs_are_checked_quickly);
	RUN(damaged_tables_give_errors);
	rm_rf(root);
	T_DONE();
}
