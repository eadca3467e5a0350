/* The SQL front end: the tree sql_parse builds, its errors and their carets,
 * its depth limit, and the tables a statement references.  Running whole
 * queries is test_sql.c's. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "sql_text.h"
#include "warehouse/sql.h"
#include "warehouse/sql_parse.h"

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
/* Parses sql (then frees it): with ok it must parse; else fail with an
 * error starting with want. */
static int parses(char *sql, bool ok, const char *want)
{
	struct stmt *s = NULL;
	int rc = sql_parse(sql, &s);
	int good = ok ? rc == 0 : rc < 0 && str_starts(error_last(), want);
	if (!good)
		printf("# %.60s...: %.*s\n", sql, (int)strcspn(rc < 0 ? error_last() : "parsed", "\n"),
		       rc < 0 ? error_last() : "parsed");
	sql_stmt_free(s);
	free(sql);
	error_clear();
	return good;
}

/* BigQuery's limits are the parser's errors, at the spot, before a query
 * is planned: one below each parses, one above is refused. */
static void limits_are_parse_errors(void)
{
	CHECK(parses(chain("SELECT ", "1", "+", 999, ""), true, NULL));
	CHECK(parses(chain("SELECT ", "1", "+", 1001, ""), false, too_deep));
	CHECK(parses(nest("SELECT ", "(", 998, "1", ")", ""), true, NULL));
	CHECK(parses(nest("SELECT ", "(", 1000, "1", ")", ""), false, too_deep));
	CHECK(parses(chain("SELECT 1 IN (", "1", ",", 256, ")"), true, NULL));
	CHECK(parses(chain("SELECT 1 IN (", "1", ",", 257, ")"), false,
		     "IN list too long (at most 256 values) at [1:526]"));
	struct buf b = BUF_INIT;
	buf_puts(&b, "SELECT 1 AS ");
	for (int i = 0; i < 300; i++)
		buf_putc(&b, 'c');
	CHECK(parses(xstrdup(buf_cstr(&b)), true, NULL));
	buf_putc(&b, 'c');
	CHECK(parses(buf_detach(&b), false, "Invalid field name \"cccc"));
	buf_puts(&b, "SELECT 1 -- ");
	for (size_t chars = 12; chars < 1024 * 1024; chars++)
		buf_putc(&b, 'x');
	CHECK(parses(xstrdup(buf_cstr(&b)), true, NULL));
	buf_putc(&b, 'y');
	CHECK(parses(buf_detach(&b), false,
		     "The query is too large. The maximum standard SQL query length is 1024.00K characters, "
		     "including comments and white space characters at [1:1048577]"));
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
	RUN(deep_dependencies_are_refused);
	RUN(limits_are_parse_errors);
	T_DONE();
}
