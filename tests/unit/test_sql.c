/* The SQL corpus: every .sql file in tests/sql runs through pipe's warehouse and
 * through sqlite3 (the oracle) on the same rows, and both must give the
 * rows written in the file.
 *
 * A corpus file is the query, then directives in comments:
 *   -- expect:            the rows follow, one per "-- " line, tab-separated
 *   -- unordered          compare the rows as a multiset
 *   -- sqlite: ...        the query for sqlite3 when GoogleSQL differs (may repeat)
 *   -- nosqlite           no oracle run (statements sqlite3 has no match for)
 *   -- error: text        the statement must fail with a message holding text
 *   -- bytes: processed=N estimate=N billed=N partitions=S/T blocks=S/T pipe_read=N
 *                         the statistics, computed by hand in the file
 *                         (pipe_read: the blocks pipe's own execution read)
 *   -- setup: SQL         a statement run first (pipe only), e.g. a CTAS
 *   -- dry_run            run as a dry run (the estimate only)
 *   -- max_bytes_billed: N  the bytes budget
 * Cells compare after normalising: NULL, booleans as 1/0, timestamps without
 * the zone, numbers within a relative 1e-9.
 *
 * The tables come from the .tsv files in tests/sql/fixtures (made from pipelines/data
 * by make_fixtures.py): staging_taxi_trips (dataset taxi_data), coins
 * (dataset crypto), and optimized_taxi_trips, made by the seed's CTAS. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "warehouse/sql.h"
#include "warehouse/table.h"

static char root[256], sqlite_db[300];

struct fixture {
	const char *file, *table, *dataset;
};

static const struct fixture fixtures[] = {
	{"tests/sql/fixtures/staging_taxi_trips.tsv", "staging_taxi_trips", "taxi_data"},
	{"tests/sql/fixtures/coins.tsv", "coins", "crypto"},
};

static char *unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return s;
}

static void sql_quote(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_putc(b, '\'');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* Loads one fixture into the warehouse and appends its SQLite form to db. */
static int load_fixture(const struct fixture *f, struct buf *db)
{
	struct buf text = BUF_INIT;
	int error;
	if ((error = file_read(f->file, &text)) < 0)
		return error;
	struct table_spec spec = {0};
	spec.name = xstrdup(f->table);
	spec.dataset = xstrdup(f->dataset);
	enum type types[64];
	struct batch b = {0};
	struct table_writer *w = NULL;
	char *save = NULL;
	bool header = true;
	size_t rows = 0;
	for (char *line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		char *cells[64];
		size_t n = 0;
		for (char *p = line;; ) {
			char *tab = strchr(p, '\t');
			if (n < 64)
				cells[n++] = p;
			if (!tab)
				break;
			*tab = 0;
			p = tab + 1;
		}
		if (header) {
			spec.ncols = n;
			spec.cols = xcalloc(n, sizeof *spec.cols);
			buf_printf(db, "CREATE TABLE %s (", f->table);
			for (size_t i = 0; i < n; i++) {
				char *colon = strchr(cells[i], ':');
				*colon = 0;
				spec.cols[i].name = xstrdup(cells[i]);
				if ((error = type_parse(colon + 1, &types[i])) < 0)
					goto done;
				spec.cols[i].type = types[i];
				buf_printf(db, "%s%s %s", i ? ", " : "", cells[i],
					   types[i] == TYPE_INT64 ? "INTEGER" : types[i] == TYPE_FLOAT64 ? "REAL" : "TEXT");
			}
			buf_puts(db, ");\n");
			batch_init(&b, n, types);
			if ((error = table_writer_create(&w, root, &spec)) < 0)
				goto done;
			header = false;
			continue;
		}
		buf_printf(db, "INSERT INTO %s VALUES (", f->table);
		for (size_t i = 0; i < spec.ncols; i++) {
			const char *c = i < n ? cells[i] : "\\N";
			if (i)
				buf_puts(db, ", ");
			if (strcmp(c, "\\N") == 0) {
				vec_push_null(&b.cols[i]);
				buf_puts(db, "NULL");
				continue;
			}
			unescape((char *)c);
			struct value v;
			if ((error = value_parse(types[i], c, strlen(c), &v)) < 0)
				goto done;
			vec_push(&b.cols[i], &v);
			if (types[i] == TYPE_INT64 || types[i] == TYPE_FLOAT64)
				buf_puts(db, c);
			else
				sql_quote(db, c);
		}
		buf_puts(db, ");\n");
		b.nrows++;
		rows++;
		if (b.nrows == BATCH_ROWS) {
			if ((error = table_writer_append(w, &b)) < 0)
				goto done;
			batch_reset(&b);
		}
	}
	if (b.nrows && (error = table_writer_append(w, &b)) < 0)
		goto done;
	error = table_writer_finish(w);
	w = NULL;
done:
	if (w)
		table_writer_abort(w);
	if (b.cols)
		batch_free(&b);
	table_spec_free(&spec);
	buf_free(&text);
	return error;
}

/* --- running sqlite3 --- */

static int run_sqlite(const char *sql, struct buf *out)
{
	char path[320];
	snprintf(path, sizeof path, "%s/query.sql", root);
	/* GoogleSQL's LIKE is case-sensitive; sqlite's is not by default */
	char *text = xasprintf("PRAGMA case_sensitive_like = 1;\n%s", sql);
	int werr = file_write_atomic(path, text, strlen(text));
	free(text);
	if (werr < 0)
		return -1;
	char *cmd = xasprintf("sqlite3 -batch -tabs -noheader -nullvalue NULL '%s' < '%s' 2>&1", sqlite_db, path);
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return error_set("popen sqlite3: %s", strerror(errno));
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(out, chunk, n);
	int rc = pclose(p);
	return rc == 0 ? 0 : error_set("sqlite3 failed: %s", buf_cstr(out));
}

/* --- comparing --- */

static char *norm_cell(const char *c)
{
	if (!c)
		return xstrdup("NULL");
	if (strcmp(c, "true") == 0)
		return xstrdup("1");
	if (strcmp(c, "false") == 0)
		return xstrdup("0");
	char *s = xstrdup(c);
	size_t n = strlen(s);
	if (n > 4 && strcmp(s + n - 4, " UTC") == 0)
		s[n - 4] = 0;
	/* 2019-01-01T00:00:00 (a DATETIME) compares as 2019-01-01 00:00:00 */
	if (n >= 19 && s[4] == '-' && s[10] == 'T' && s[13] == ':')
		s[10] = ' ';
	return s;
}

static bool cell_equal(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);
	if (*a && *b && !*ea && !*eb) {
		double m = fmax(1.0, fmax(fabs(x), fabs(y)));
		return fabs(x - y) <= 1e-9 * m;
	}
	return false;
}

struct rows {
	char **v; /* each a row: cells joined by tabs, normalised */
	size_t n;
};

static void rows_add(struct rows *r, char *row)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
	r->v[r->n++] = row;
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static char *norm_row(const char *line)
{
	struct buf b = BUF_INIT;
	char *copy = xstrdup(line);
	char *p = copy;
	for (bool first = true;; first = false) {
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = 0;
		char *c = norm_cell(strcmp(p, "NULL") == 0 ? NULL : p);
		if (!first)
			buf_putc(&b, '\t');
		buf_puts(&b, c);
		free(c);
		if (!tab)
			break;
		p = tab + 1;
	}
	free(copy);
	buf_puts(&b, "");
	return buf_detach(&b);
}

/* Cell by cell, an empty cell a cell like any other: 'a','','b' is three
 * cells and never equals the two of a\tb. */
static bool row_equal(const char *a, const char *b)
{
	for (;;) {
		size_t na = strcspn(a, "\t"), nb = strcspn(b, "\t");
		char *ca = xstrndup(a, na), *cb = xstrndup(b, nb);
		bool eq = cell_equal(ca, cb);
		free(ca);
		free(cb);
		if (!eq)
			return false;
		a += na;
		b += nb;
		if (!*a || !*b)
			return !*a && !*b;
		a++;
		b++;
	}
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "" when equal, else what differs. */
static char *compare(const char *who, struct rows *got, struct rows *want, bool unordered)
{
	if (unordered) {
		qsort(got->v, got->n, sizeof *got->v, cmp_str);
		qsort(want->v, want->n, sizeof *want->v, cmp_str);
	}
	for (size_t i = 0; i < got->n || i < want->n; i++) {
		if (i >= got->n)
			return xasprintf("%s: %zu rows, expected %zu; missing: %s", who, got->n, want->n, want->v[i]);
		if (i >= want->n)
			return xasprintf("%s: %zu rows, expected %zu; extra: %s", who, got->n, want->n, got->v[i]);
		if (!row_equal(got->v[i], want->v[i]))
			return xasprintf("%s: row %zu\n  got:      %s\n  expected: %s", who, i + 1, got->v[i], want->v[i]);
	}
	return xstrdup("");
}

/* --- one corpus file --- */

struct casefile {
	struct buf query, sqlite, setup;
	struct rows expect;
	bool unordered, nosqlite, has_expect, dry_run;
	int64_t max_bytes_billed;
	char *error, *bytes;
};

static void parse_case(char *text, struct casefile *c)
{
	bool in_expect = false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!str_starts(line, "-- ") && strcmp(line, "--") != 0) {
			if (!in_expect && !c->has_expect && !c->error) {
				buf_puts(&c->query, line);
				buf_putc(&c->query, '\n');
			}
			continue;
		}
		char *d = line + (line[2] ? 3 : 2);
		if (in_expect) {
			rows_add(&c->expect, norm_row(d));
			continue;
		}
		if (strcmp(d, "expect:") == 0) {
			in_expect = c->has_expect = true;
		} else if (strcmp(d, "unordered") == 0) {
			c->unordered = true;
		} else if (strcmp(d, "dry_run") == 0) {
			c->dry_run = true;
		} else if (str_starts(d, "max_bytes_billed: ")) {
			c->max_bytes_billed = strtoll(d + 18, NULL, 10);
		} else if (strcmp(d, "nosqlite") == 0) {
			c->nosqlite = true;
		} else if (str_starts(d, "sqlite: ")) {
			buf_puts(&c->sqlite, d + 8);
			buf_putc(&c->sqlite, '\n');
		} else if (str_starts(d, "setup: ")) {
			buf_puts(&c->setup, d + 7);
			buf_putc(&c->setup, '\n');
		} else if (str_starts(d, "error: ")) {
			c->error = xstrdup(d + 7);
		} else if (str_starts(d, "bytes: ")) {
			c->bytes = xstrdup(d + 7);
		} else if (!c->has_expect) {
			/* an ordinary comment inside the query */
			buf_puts(&c->query, line);
			buf_putc(&c->query, '\n');
		}
	}
}

/* The query as sqlite3 reads it: no backticks, no project or dataset. */
static char *for_sqlite(const char *q)
{
	struct buf b = BUF_INIT;
	static const char *const drop[] = {"your_project_id.", "taxi_data.", "crypto."};
	struct buf nb = BUF_INIT;
	for (const char *p = q; *p; p++)
		if (*p != '`')
			buf_putc(&nb, *p);
	buf_puts(&nb, "");
	for (const char *p = nb.data; *p;) {
		bool skipped = false;
		for (size_t i = 0; i < 3; i++)
			if (strncmp(p, drop[i], strlen(drop[i])) == 0) {
				p += strlen(drop[i]);
				skipped = true;
			}
		if (!skipped)
			buf_putc(&b, *p++);
	}
	buf_free(&nb);
	buf_puts(&b, "");
	return buf_detach(&b);
}

static int64_t stat_field(const char *spec, const char *key, int64_t *total)
{
	const char *p = strstr(spec, key);
	if (!p)
		return -1;
	p += strlen(key);
	int64_t v = strtoll(p, (char **)&p, 10);
	if (total && *p == '/')
		*total = strtoll(p + 1, NULL, 10);
	return v;
}

static void run_case(const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	struct buf text = BUF_INIT;
	struct casefile c = {BUF_INIT, BUF_INIT, BUF_INIT, {0}, false, false, false, false, 0, NULL, NULL};
	struct sql_result *res = NULL;
	struct rows got = {0}, oracle = {0};
	char *why = NULL, *sq = NULL;
	struct buf out = BUF_INIT;
	struct sql_options opt = {.root = root};
	t_name = name;
	t_failed_now = 0;
	error_clear();
	if (file_read(path, &text) < 0) {
		why = xasprintf("%s", error_last());
		goto done;
	}
	parse_case(text.data, &c);
	if (c.setup.len) {
		struct sql_result *s = NULL;
		if (sql_run(c.setup.data, &opt, &s) < 0) {
			why = xasprintf("setup failed: %s", error_last());
			goto done;
		}
		sql_result_free(s);
	}
	opt.dry_run = c.dry_run;
	opt.max_bytes_billed = c.max_bytes_billed;
	int rc = sql_run(c.query.data, &opt, &res);
	if (c.error) {
		if (rc >= 0)
			why = xasprintf("succeeded, expected the error: %s", c.error);
		else if (!strstr(error_last(), c.error))
			why = xasprintf("error\n  got:      %s\n  expected: %s", error_last(), c.error);
		goto done;
	}
	if (rc < 0) {
		why = xasprintf("failed: %s", error_last());
		goto done;
	}
	if (c.bytes) {
		const struct sql_stats *s = sql_result_stats(res);
		int64_t pt = -1, bt = -1;
		int64_t want[] = {stat_field(c.bytes, "processed=", NULL), stat_field(c.bytes, "estimate=", NULL),
				  stat_field(c.bytes, "billed=", NULL), stat_field(c.bytes, "partitions=", &pt),
				  stat_field(c.bytes, "blocks=", &bt), stat_field(c.bytes, "pipe_read=", NULL)};
		int64_t have[] = {s->bytes_processed, s->estimate_bytes, s->bytes_billed, s->partitions_scanned,
				  s->blocks_scanned, s->pipe_blocks_read};
		static const char *const names[] = {"processed", "estimate", "billed", "partitions", "blocks", "pipe_read"};
		for (size_t i = 0; i < 6 && !why; i++)
			if (want[i] >= 0 && want[i] != have[i])
				why = xasprintf("%s = %lld, expected %lld", names[i], (long long)have[i], (long long)want[i]);
		if (!why && pt >= 0 && pt != s->partitions_total)
			why = xasprintf("partitions total = %lld, expected %lld", (long long)s->partitions_total, (long long)pt);
		if (!why && bt >= 0 && bt != s->blocks_total)
			why = xasprintf("blocks total = %lld, expected %lld", (long long)s->blocks_total, (long long)bt);
		if (why)
			goto done;
	}
	if (!c.has_expect)
		goto done;
	for (size_t i = 0; i < sql_result_nrows(res); i++) {
		struct buf row = BUF_INIT;
		for (size_t k = 0; k < sql_result_ncols(res); k++) {
			char *cell = norm_cell(sql_result_cell(res, i, k));
			if (k)
				buf_putc(&row, '\t');
			buf_puts(&row, cell);
			free(cell);
		}
		buf_puts(&row, "");
		rows_add(&got, buf_detach(&row));
	}
	why = compare("pipe", &got, &c.expect, c.unordered);
	if (*why || c.nosqlite)
		goto done;
	free(why);
	why = NULL;
	sq = c.sqlite.len ? xstrdup(c.sqlite.data) : for_sqlite(c.query.data);
	if (run_sqlite(sq, &out) < 0) {
		why = xasprintf("%s", error_last());
		goto done;
	}
	/* line by line: an empty line is a row (one empty cell) */
	buf_puts(&out, "");
	for (char *line = out.data; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		rows_add(&oracle, norm_row(line));
		line = nl ? nl + 1 : line + strlen(line);
	}
	why = compare("sqlite3", &oracle, &c.expect, c.unordered);
done:
	if (why && *why) {
		printf("not ok %s: %s\n", name, why);
		t_failures++;
	} else {
		printf("ok %s\n", name);
	}
	fflush(stdout);
	free(why);
	free(sq);
	buf_free(&out);
	rows_free(&got);
	rows_free(&oracle);
	rows_free(&c.expect);
	buf_free(&c.query);
	buf_free(&c.sqlite);
	buf_free(&c.setup);
	free(c.error);
	free(c.bytes);
	buf_free(&text);
	sql_result_free(res);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char seed_ctas[] =
	"CREATE OR REPLACE TABLE your_project_id.taxi_data.optimized_taxi_trips\n"
	"PARTITION BY DATE(tpep_dropoff_datetime)\n"
	"CLUSTER BY VendorID AS\n"
	"SELECT * FROM your_project_id.taxi_data.staging_taxi_trips;\n";

static void setup_tables(void)
{
	struct buf db = BUF_INIT;
	buf_puts(&db, "BEGIN;\n");
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++)
		CHECK_OK(load_fixture(&fixtures[i], &db));
	buf_puts(&db, "CREATE TABLE optimized_taxi_trips AS SELECT * FROM staging_taxi_trips;\nCOMMIT;\n");
	struct buf out = BUF_INIT;
	int rc = run_sqlite(db.data, &out);
	buf_free(&db);
	buf_free(&out);
	CHECK_OK(rc);
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run(seed_ctas, &opt, &r));
	sql_result_free(r);
}

/* A plain column comes back spelled as the schema spells it, as in
 * BigQuery; an alias as written. */
static void test_result_names(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("SELECT VendorID, t.Fare_Amount, VendorID AS Vendor, vendorid + 1 AS next "
	                 "FROM taxi_data.staging_taxi_trips AS t LIMIT 1", &opt, &r));
	if (!r)
		return;
	CHECK_INT(sql_result_ncols(r), 4);
	CHECK_STR(sql_result_colname(r, 0), "vendorid");
	CHECK_STR(sql_result_colname(r, 1), "fare_amount");
	CHECK_STR(sql_result_colname(r, 2), "Vendor");
	CHECK_STR(sql_result_colname(r, 3), "next");
	sql_result_free(r);
}

/* INSERT INTO rewrites the old rows with the new ones; only partitions
 * receiving new rows count toward the 4,000 a job may modify. */
static void test_insert_partition_limit(void)
{
	char dir[] = "/tmp/pipe-sql-insert-XXXXXX";
	if (!mkdtemp(dir))
		return;
	struct column_def col = {"x", TYPE_INT64};
	struct table_spec spec = {.name = "wide", .ncols = 1, .cols = &col,
	                          .partition = {.kind = PARTITION_RANGE, .column = "x", .start = 0, .end = 9000, .interval = 1}};
	struct table_writer *w = NULL;
	struct batch b;
	enum type t = TYPE_INT64;
	batch_init(&b, 1, &t);
	for (int64_t x = 0; x < TABLE_MAX_PARTITIONS_PER_JOB; x++) {
		struct value v = value_int64(x);
		vec_push(&b.cols[0], &v);
	}
	b.nrows = TABLE_MAX_PARTITIONS_PER_JOB;
	CHECK_OK(table_writer_create(&w, dir, &spec));
	CHECK_OK(table_writer_append(w, &b));
	CHECK_OK(table_writer_finish(w));
	batch_free(&b);
	struct sql_options opt = {.root = dir};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("INSERT INTO wide SELECT 8000", &opt, &r));
	sql_result_free(r);
	r = NULL;
	CHECK_OK(sql_run("SELECT COUNT(*) AS n FROM wide", &opt, &r));
	if (r)
		CHECK_STR(sql_result_cell(r, 0, 0), "4001");
	sql_result_free(r);
	rm_rf(dir);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	/* SQL_TEST_ROOT keeps the tables for a look with pipe query */
	const char *keep = getenv("SQL_TEST_ROOT");
	snprintf(root, sizeof root, "%s", keep ? keep : "/tmp/pipe-sql-XXXXXX");
	if (keep ? mkdir_p(root) < 0 : !mkdtemp(root)) {
		printf("not ok setup: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(sqlite_db, sizeof sqlite_db, "%s/oracle.db", root);
	RUN(setup_tables);
	RUN(test_result_names);
	RUN(test_insert_partition_limit);
	if (t_failures) {
		if (!keep)
			rm_rf(root);
		return 1;
	}
	DIR *d = opendir("tests/sql");
	char **files = NULL;
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		if (str_ends(e->d_name, ".sql") && (!only || strstr(e->d_name, only))) {
			files = xrealloc(files, (n + 1) * sizeof *files);
			files[n++] = xasprintf("tests/sql/%s", e->d_name);
		}
	if (d)
		closedir(d);
	qsort(files, n, sizeof *files, cmp_names);
	for (size_t i = 0; i < n; i++) {
		run_case(files[i]);
		free(files[i]);
	}
	free(files);
	if (!keep)
		rm_rf(root);
	T_DONE();
}
