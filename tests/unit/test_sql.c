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
 *   -- memory: N          the operators' memory budget (bytes, or 8K, 2M)
 *   -- explain            run with explain: the plan's lines are the rows
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

#include "crypto.h"
#include "json.h"
#include "t.h"
#include "sql_text.h"
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
	bool explain;
	int64_t memory;
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
		} else if (strcmp(d, "explain") == 0) {
			c->explain = c->nosqlite = true;
		} else if (str_starts(d, "memory: ")) {
			parse_size(d + 8, &c->memory);
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
	struct casefile c = {BUF_INIT, BUF_INIT, BUF_INIT, {0}, false, false, false, false, 0, NULL, NULL, false, 0};
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
	opt.explain = c.explain;
	opt.memory_limit = c.memory;
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
	if (c.explain) { /* the plan's lines are the rows */
		char *plan = xstrdup(sql_result_message(res));
		for (char *line = plan, *nl; line; line = nl ? nl + 1 : NULL) {
			if ((nl = strchr(line, '\n')))
				*nl = 0;
			rows_add(&got, norm_row(line));
		}
		free(plan);
	}
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
	sql_set_json_path(json_path); /* as backend_local does */
	sql_set_json_array(json_path_array);
	sql_set_digest(digest_bytes);
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

static void result_access(void)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	CHECK_OK(sql_run("SELECT 1 AS one, 'a' AS s", &opt, &r));
	/* nothing read: 0 bytes, 0 billed */
	CHECK_INT(sql_result_stats(r)->bytes_processed, 0);
	CHECK_INT(sql_result_stats(r)->bytes_billed, 0);
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
	/* after the corpus, whose tables they leave alone: a damaged table t */
	RUN(result_access);
	RUN(output_dir_and_expect_table);
	RUN(deep_queries_are_refused);
	RUN(query_length_and_list_limits);
	RUN(wide_specs_are_checked_quickly);
	RUN(damaged_tables_give_errors);
	if (!keep)
		rm_rf(root);
	T_DONE();
}
