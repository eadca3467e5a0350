/* load: rows from the real samples in pipelines/data, read back with the
 * warehouse reader and cross-checked with sqlite3's JSON functions on the
 * same files; and the small cases in tests/load/cases (input, options,
 * expected table dump). */
#include "load.h"
#include "t.h"

#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto.h"
#include "warehouse/table.h"
#include "warehouse/value.h"

#define TAXI19 "pipelines/data/taxi/yellow-2019-2upf-qytp-500.json"
#define TAXI21 "pipelines/data/taxi/yellow-2021-m6nq-qud6-500.json"
#define TAXI23 "pipelines/data/taxi/yellow-2023-4b4i-vvec-500.json"
#define COINS "pipelines/data/crypto/coins-markets-usd-2025-02-250.json"
#define TAXICSV "pipelines/data/csv/yellow-2019-2021-2023-1500.csv"
/* What Socrata's X-SODA2-Types says of the taxi columns, as the table kind
 * passes it from a snapshot's manifest. */
#define SODA "vendorid:NUMBER passenger_count:NUMBER trip_distance:NUMBER ratecodeid:NUMBER " \
             "pulocationid:NUMBER dolocationid:NUMBER payment_type:NUMBER fare_amount:NUMBER extra:NUMBER " \
             "mta_tax:NUMBER tip_amount:NUMBER tolls_amount:NUMBER improvement_surcharge:NUMBER " \
             "total_amount:NUMBER congestion_surcharge:NUMBER airport_fee:NUMBER " \
             "tpep_pickup_datetime:TIMESTAMP tpep_dropoff_datetime:TIMESTAMP store_and_fwd_flag:STRING"

static char tmpdir[] = "/tmp/pipe-test-load-XXXXXX";

static char *tmp(const char *name)
{
	return path_join(tmpdir, name);
}

/* Loads paths into tmp/<out> (replacing it), with prev as the old table. */
static int load(const char *out, const char *prev, struct load_options *o, struct load_result *res,
                const char *const *paths, size_t npaths)
{
	char *dir = tmp(out);
	int error;
	if (!o->table)
		o->table = out;
	o->paths = paths;
	o->npaths = npaths;
	o->out_dir = dir;
	o->prev_dir = prev;
	if (!o->load_id)
		o->load_id = "0123456789abcdef";
	error = load_run(o, res);
	free(dir);
	return error;
}

struct colsum {
	enum type type;
	int64_t rows, nulls, distinct;
	double sum;
};

/* One column of the table at dir, read back through the reader. */
static int colsum(const char *dir, const char *col, struct colsum *s)
{
	struct table *t = NULL;
	struct batch b = {0};
	struct strmap seen = {0};
	struct buf text = BUF_INIT;
	char **keys = NULL;
	size_t nkeys = 0, cap = 0;
	int k, error;
	memset(s, 0, sizeof(*s));
	if ((error = table_open(&t, dir)) < 0)
		return error;
	if ((k = table_column(t, col)) < 0) {
		table_close(t);
		return error_set("no column %s", col);
	}
	s->type = t->spec.cols[k].type;
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if ((error = table_read(t, p, bl, &k, 1, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++) {
				struct value v = vec_get(&b.cols[0], r);
				s->rows++;
				if (v.is_null) {
					s->nulls++;
					continue;
				}
				if (v.type == TYPE_INT64)
					s->sum += (double)v.i;
				else if (v.type == TYPE_FLOAT64)
					s->sum += v.f;
				buf_clear(&text);
				value_to_string(&v, &text);
				if (!strmap_get(&seen, buf_cstr(&text))) {
					grow_array(&keys, &cap, nkeys + 1, sizeof(char *));
					keys[nkeys] = xstrdup(buf_cstr(&text));
					strmap_put(&seen, keys[nkeys++], (void *)1);
				}
			}
		}
	s->distinct = (int64_t)nkeys;
done:
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	strmap_free(&seen);
	buf_free(&text);
	batch_free(&b);
	table_close(t);
	return error;
}

static int64_t table_rows(const char *dir)
{
	struct table *t = NULL;
	int64_t n;
	if (table_open(&t, dir) < 0)
		return -1;
	n = (int64_t)t->rows;
	table_close(t);
	return n;
}

static enum type column_type(const char *dir, const char *col)
{
	struct colsum s;
	if (colsum(dir, col, &s) < 0)
		return TYPE_COUNT;
	return s.type;
}

/* Runs a query in sqlite3 and returns its output, trimmed. */
static char *sqlite(const char *fmt, ...) PIPE_PRINTF(1, 2);
static char *sqlite(const char *fmt, ...)
{
	struct buf sql = BUF_INIT, out = BUF_INIT;
	char *path = tmp("q.sql"), *cmd, line[4096];
	FILE *p;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&sql, fmt, ap);
	va_end(ap);
	file_write_atomic(path, sql.data, sql.len);
	cmd = xasprintf("sqlite3 :memory: < %s", path);
	if ((p = popen(cmd, "r"))) {
		while (fgets(line, sizeof(line), p))
			buf_puts(&out, line);
		pclose(p);
	}
	free(cmd);
	free(path);
	buf_free(&sql);
	while (out.len && out.data[out.len - 1] == '\n')
		out.data[--out.len] = 0;
	return buf_detach(&out);
}

/* "json_each(readfile('a')) union all ..." as one source of rows. */
static char *sqlite_rows(const char *const *paths, size_t n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "(");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%sselect value from json_each(readfile('%s'))", i ? " union all " : "", paths[i]);
	buf_puts(&b, ")");
	return buf_detach(&b);
}

/* Compares a column with sqlite3 over the same files: rows, NULLs, distinct
 * values and (for numbers) the sum.  col's JSON path is its name with "__"
 * as ".": roi__times is $.roi.times. */
static int cross_check(const char *dir, const char *col, const char *const *paths, size_t npaths)
{
	struct colsum s;
	char *rows = sqlite_rows(paths, npaths), *path = xstrdup(col), *got, *p, *expr, *want;
	int error;
	while ((p = strstr(path, "__")))
		memmove(p + 1, p + 2, strlen(p + 2) + 1), *p = '.';
	if ((error = colsum(dir, col, &s)) < 0)
		goto done;
	expr = xasprintf("json_extract(value, '$.%s')", path);
	if (s.type == TYPE_INT64 || s.type == TYPE_FLOAT64) {
		char *e = xasprintf("cast(%s as real)", expr);
		free(expr);
		expr = e;
	}
	want = sqlite("select count(*), count(*) - count(%s), count(distinct %s), printf('%%.4f', total(%s)) from %s;",
	              expr, expr, expr, rows);
	got = xasprintf("%lld|%lld|%lld|%.4f", (long long)s.rows, (long long)s.nulls, (long long)s.distinct,
	                (s.type == TYPE_INT64 || s.type == TYPE_FLOAT64) ? s.sum : 0.0);
	if (s.type != TYPE_INT64 && s.type != TYPE_FLOAT64) {
		/* total() of text is 0 in sqlite too unless it looks numeric: compare
		 * only the counts for those. */
		char *bar = strrchr(want, '|');
		if (bar)
			strcpy(bar, "|0.0000");
	}
	if (strcmp(got, want))
		error = error_set("column %s: rows|nulls|distinct|sum: got %s, sqlite3 says %s", col, got, want);
	free(got);
	free(want);
	free(expr);
done:
	free(rows);
	free(path);
	return error;
}

static const char *const taxi_cols[] = {
	"vendorid", "tpep_pickup_datetime", "tpep_dropoff_datetime", "passenger_count", "trip_distance",
	"ratecodeid", "store_and_fwd_flag", "pulocationid", "dolocationid", "payment_type", "fare_amount",
	"extra", "mta_tax", "tip_amount", "tolls_amount", "improvement_surcharge", "total_amount",
	"congestion_surcharge", "airport_fee", NULL,
};

/* Socrata's strings with its type hints: numbers and timestamps, each
 * column equal to what sqlite3 reads from the same file. */
static void test_taxi_hints(void)
{
	const char *paths[] = {TAXI19};
	struct load_options o = {.auto_types = SODA};
	struct load_result res = {0};
	char *dir = tmp("taxi");
	CHECK_OK(load("taxi", NULL, &o, &res, paths, 1));
	CHECK_INT(res.rows, 500);
	CHECK_INT(column_type(dir, "vendorid"), TYPE_INT64);
	CHECK_INT(column_type(dir, "VendorID"), TYPE_INT64); /* as the seed's SQL spells it */
	CHECK_INT(column_type(dir, "fare_amount"), TYPE_FLOAT64);
	CHECK_INT(column_type(dir, "tpep_pickup_datetime"), TYPE_TIMESTAMP);
	CHECK_INT(column_type(dir, "store_and_fwd_flag"), TYPE_STRING);
	CHECK_INT(column_type(dir, "_pipe_row_id"), TYPE_INT64);
	CHECK_INT(column_type(dir, "_pipe_load_id"), TYPE_STRING);
	for (int i = 0; i < 17; i++)
		CHECK_OK(cross_check(dir, taxi_cols[i], paths, 1));
	CHECK(strstr(res.schema, "taxi.fare_amount FLOAT64\n"));
	load_result_free(&res);
	free(dir);
}

/* Without hints every value stays a string, except ISO timestamps. */
static void test_taxi_inferred(void)
{
	const char *paths[] = {TAXI19};
	struct load_options o = {0};
	struct load_result res = {0};
	char *dir = tmp("taxi_plain");
	CHECK_OK(load("taxi_plain", NULL, &o, &res, paths, 1));
	CHECK_INT(column_type(dir, "fare_amount"), TYPE_STRING);
	CHECK_INT(column_type(dir, "tpep_dropoff_datetime"), TYPE_TIMESTAMP);
	CHECK_OK(cross_check(dir, "fare_amount", paths, 1));
	load_result_free(&res);
	free(dir);
}

/* 2019, 2021 and 2023 pages in one load: 17, 18 and 19 keys; the missing
 * ones are NULL.  The 2023 "1.0" are whole numbers: passenger_count stays
 * INT64 under Socrata's "number". */
static void test_taxi_evolution_one_load(void)
{
	const char *paths[] = {TAXI19, TAXI21, TAXI23};
	struct load_options o = {.auto_types = SODA};
	struct load_result res = {0};
	char *dir = tmp("taxi3");
	struct colsum s;
	CHECK_OK(load("taxi3", NULL, &o, &res, paths, 3));
	CHECK_INT(res.rows, 1500);
	for (int i = 0; taxi_cols[i]; i++)
		CHECK_OK(cross_check(dir, taxi_cols[i], paths, 3));
	CHECK_OK(colsum(dir, "congestion_surcharge", &s));
	CHECK_INT(s.nulls, 500);
	CHECK_OK(colsum(dir, "airport_fee", &s));
	CHECK_INT(s.nulls, 1000);
	CHECK_INT(column_type(dir, "passenger_count"), TYPE_INT64);
	load_result_free(&res);
	free(dir);
}

/* The same three pages appended build by build: the schema grows 17 -> 18
 * -> 19 columns (plus lineage), old rows get NULL in the new columns, and
 * row ids stay unique. */
static void test_taxi_append_evolves(void)
{
	const char *paths[] = {TAXI19, TAXI21, TAXI23};
	const char *dirs[] = {"app1", "app2", "app3"};
	int ncols[] = {19, 20, 21};
	char *prev = NULL;
	for (int i = 0; i < 3; i++) {
		struct load_options o = {.auto_types = SODA, .write = LOAD_APPEND, .table = "trips"};
		struct load_result res = {0};
		char *dir = tmp(dirs[i]);
		struct table *t = NULL;
		CHECK_OK(load(dirs[i], prev, &o, &res, paths + i, 1));
		CHECK_INT(res.rows, 500 * (i + 1));
		CHECK_INT(res.loaded, 500);
		CHECK_OK(table_open(&t, dir));
		CHECK_INT(t->spec.ncols, ncols[i]);
		table_close(t);
		load_result_free(&res);
		free(prev);
		prev = dir;
	}
	for (int i = 0; taxi_cols[i]; i++)
		CHECK_OK(cross_check(prev, taxi_cols[i], paths, 3));
	{
		struct colsum s;
		CHECK_OK(colsum(prev, "_pipe_row_id", &s));
		CHECK_INT(s.distinct, 1500);
		CHECK_INT(s.nulls, 0);
	}
	free(prev);
}

/* merge: the same page twice (a re-run) keeps one row per key, and the
 * count is sqlite3's count of distinct keys. */
static void test_taxi_merge_dedup(void)
{
	const char *paths[] = {TAXI19, TAXI19};
	const char *pk = "vendorid tpep_pickup_datetime tpep_dropoff_datetime pulocationid";
	struct load_options o = {.auto_types = SODA, .write = LOAD_MERGE, .primary_key = pk, .table = "m"};
	struct load_result res = {0};
	char *dir = tmp("merge1"), *want;
	CHECK_OK(load("merge1", NULL, &o, &res, paths, 2));
	want = sqlite("select count(*) from (select distinct json_extract(value,'$.vendorid'), "
	              "json_extract(value,'$.tpep_pickup_datetime'), json_extract(value,'$.tpep_dropoff_datetime'), "
	              "json_extract(value,'$.pulocationid') from json_each(readfile('%s')));", TAXI19);
	CHECK_INT(res.loaded, 1000);
	CHECK_INT(res.rows, atoll(want));
	free(want);
	load_result_free(&res);
	/* Against the table: the page again replaces, adds nothing. */
	{
		struct load_options o2 = {.auto_types = SODA, .write = LOAD_MERGE, .primary_key = pk, .table = "m"};
		struct load_result res2 = {0};
		int64_t before = table_rows(dir);
		CHECK_OK(load("merge2", dir, &o2, &res2, paths, 1));
		CHECK_INT(res2.rows, before);
		load_result_free(&res2);
	}
	free(dir);
}

/* merge with child tables: the children of a replaced row go with it. */
static void test_merge_children(void)
{
	char *in = tmp("kids.json"), *first = tmp("kids1"), *second = tmp("kids2"), *child;
	const char *text = "[{\"id\": 1, \"items\": [{\"n\": 1}, {\"n\": 2}]}, {\"id\": 2, \"items\": [{\"n\": 3}]}]";
	const char *paths[] = {in};
	struct load_options o = {.write = LOAD_MERGE, .primary_key = "id", .table = "kids"};
	struct load_result res = {0};
	file_write_atomic(in, text, strlen(text));
	CHECK_OK(load("kids1", NULL, &o, &res, paths, 1));
	load_result_free(&res);
	/* id 1 again with one item: its two old items go */
	text = "[{\"id\": 1, \"items\": [{\"n\": 9}]}]";
	file_write_atomic(in, text, strlen(text));
	CHECK_OK(load("kids2", first, &o, &res, paths, 1));
	CHECK_INT(res.rows, 2);
	load_result_free(&res);
	child = path_join(second, "kids__items");
	CHECK_INT(table_rows(child), 2);
	{
		struct colsum s;
		CHECK_OK(colsum(child, "n", &s));
		CHECK_INT((int64_t)s.sum, 12); /* 3 (id 2, kept) + 9 (id 1, new) */
	}
	free(child);
	free(in);
	free(first);
	free(second);
}

/* dedup_sort: the row with the largest value wins whatever the order. */
static void test_merge_dedup_sort(void)
{
	char *in = tmp("sort.json"), *dir = tmp("sorted");
	const char *text = "[{\"id\":1,\"v\":\"new\",\"ts\":\"2024-01-02T00:00:00Z\"},"
	                   "{\"id\":1,\"v\":\"old\",\"ts\":\"2024-01-01T00:00:00Z\"},"
	                   "{\"id\":2,\"v\":\"a\",\"ts\":\"2024-01-01T00:00:00Z\"},"
	                   "{\"id\":2,\"v\":\"b\",\"ts\":\"2024-01-01T00:00:00Z\"}]";
	const char *paths[] = {in};
	struct load_options o = {.write = LOAD_MERGE, .primary_key = "id", .dedup_sort = "ts"};
	struct load_result res = {0};
	struct colsum s;
	file_write_atomic(in, text, strlen(text));
	CHECK_OK(load("sorted", NULL, &o, &res, paths, 1));
	CHECK_INT(res.rows, 2);
	CHECK_OK(colsum(dir, "v", &s));
	CHECK_INT(s.distinct, 2);
	{
		/* "new" by the sort and "b" by load order (a tie). */
		struct table *t = NULL;
		struct batch b = {0};
		int k;
		struct buf got = BUF_INIT;
		CHECK_OK(table_open(&t, dir));
		k = table_column(t, "v");
		CHECK_OK(table_read(t, 0, 0, &k, 1, &b));
		for (size_t r = 0; r < b.nrows; r++) {
			struct value v = vec_get(&b.cols[0], r);
			value_to_string(&v, &got);
			buf_putc(&got, ' ');
		}
		CHECK_STR(buf_cstr(&got), "new b ");
		buf_free(&got);
		batch_free(&b);
		table_close(t);
	}
	load_result_free(&res);
	free(in);
	free(dir);
}

/* CoinGecko: numbers typed by JSON, roi objects flattened (NULL for the
 * coins without one), ISO timestamps with milliseconds and Z. */
static void test_coins(void)
{
	const char *paths[] = {COINS};
	static const char *const cols[] = {"id", "current_price", "market_cap", "market_cap_rank", "max_supply",
	                                   "roi__times", "roi__currency", "roi__percentage", "ath_date",
	                                   "total_volume", NULL};
	struct load_options o = {0};
	struct load_result res = {0};
	char *dir = tmp("coins");
	struct colsum s;
	CHECK_OK(load("coins", NULL, &o, &res, paths, 1));
	CHECK_INT(res.rows, 250);
	for (int i = 0; cols[i]; i++)
		CHECK_OK(cross_check(dir, cols[i], paths, 1));
	CHECK_OK(colsum(dir, "roi__times", &s));
	CHECK_INT(s.nulls, 217);
	CHECK_INT(s.type, TYPE_FLOAT64);
	CHECK_OK(colsum(dir, "max_supply", &s));
	CHECK_INT(s.nulls, 117);
	CHECK_INT(column_type(dir, "last_updated"), TYPE_TIMESTAMP);
	CHECK_INT(column_type(dir, "market_cap_rank"), TYPE_INT64);
	CHECK(column_type(dir, "roi") == TYPE_COUNT); /* no column of NULLs alone */
	load_result_free(&res);
	free(dir);
}

/* The CSV is the three JSON samples flattened by pandas: the same sums. */
static void test_csv(void)
{
	const char *paths[] = {TAXICSV}, *json[] = {TAXI19, TAXI21, TAXI23};
	struct load_options o = {0};
	struct load_result res = {0};
	char *dir = tmp("csv");
	struct colsum s;
	CHECK_OK(load("csv", NULL, &o, &res, paths, 1));
	CHECK_INT(res.rows, 1500);
	CHECK_INT(column_type(dir, "fare_amount"), TYPE_FLOAT64);
	CHECK_INT(column_type(dir, "vendorid"), TYPE_INT64);
	CHECK_INT(column_type(dir, "tpep_pickup_datetime"), TYPE_TIMESTAMP);
	for (int i = 0; taxi_cols[i]; i++) {
		if (!strcmp(taxi_cols[i], "store_and_fwd_flag") || !strcmp(taxi_cols[i], "passenger_count") ||
		    !strcmp(taxi_cols[i], "ratecodeid"))
			continue; /* pandas wrote 1.0 for some; checked as numbers below */
		CHECK_OK(cross_check(dir, taxi_cols[i], json, 3));
	}
	CHECK_OK(colsum(dir, "airport_fee", &s));
	CHECK_INT(s.nulls, 1000);
	load_result_free(&res);
	free(dir);
}

/* The same input loads byte-identical tables. */
static void test_reproducible(void)
{
	const char *paths[] = {COINS};
	struct load_options o1 = {0}, o2 = {0};
	struct load_result r1 = {0}, r2 = {0};
	struct hash h1, h2;
	char *d1 = tmp("rep1"), *d2 = tmp("rep2");
	CHECK_OK(load("rep1", NULL, &o1, &r1, paths, 1));
	o2.table = "rep1";
	CHECK_OK(load("rep2", NULL, &o2, &r2, paths, 1));
	CHECK_OK(hash_path(d1, NULL, NULL, &h1));
	CHECK_OK(hash_path(d2, NULL, NULL, &h2));
	CHECK(hash_eq(&h1, &h2));
	load_result_free(&r1);
	load_result_free(&r2);
	free(d1);
	free(d2);
}

static void write_file(const char *name, const char *text)
{
	char *p = tmp(name);
	file_write_atomic(p, text, strlen(text));
	free(p);
}

/* A type conflict with the table: evolve makes a variant column, freeze
 * fails and writes nothing. */
static void test_variant_and_freeze(void)
{
	char *a = tmp("v1.json"), *b = tmp("v2.json"), *base = tmp("vbase"), *out = tmp("vfrozen");
	const char *p1[] = {a}, *p2[] = {b};
	struct load_options o = {.write = LOAD_APPEND, .table = "v"};
	struct load_result res = {0};
	struct colsum s;
	write_file("v1.json", "[{\"n\": 1}, {\"n\": 2}]");
	write_file("v2.json", "[{\"n\": 3}, {\"n\": \"three\"}, {\"n\": 4.5}]");
	CHECK_OK(load("vbase", NULL, &o, &res, p1, 1));
	load_result_free(&res);
	CHECK_OK(load("vevolved", base, &o, &res, p2, 1));
	CHECK_INT(res.rows, 5);
	CHECK(strstr(res.schema, "v.n INT64\n"));
	CHECK(strstr(res.schema, "v.n__v_text STRING\n"));
	CHECK(strstr(res.schema, "v.n__v_double FLOAT64\n"));
	load_result_free(&res);
	{
		char *ev = tmp("vevolved");
		CHECK_OK(colsum(ev, "n", &s));
		CHECK_INT(s.nulls, 2);
		CHECK_INT((int64_t)s.sum, 6);
		CHECK_OK(colsum(ev, "n__v_text", &s));
		CHECK_INT(s.nulls, 4);
		free(ev);
	}
	o.freeze = true;
	CHECK(load("vfrozen", base, &o, &res, p2, 1) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "v2.json:1:12: row 2: column n is INT64 in the table, and \"three\" is not: "
	                           "schema = freeze"));
	CHECK(!path_exists(out));
	write_file("v3.json", "[{\"n\": 3, \"extra\": true}]");
	{
		char *c = tmp("v3.json");
		const char *p3[] = {c};
		CHECK(load("vfrozen", base, &o, &res, p3, 1) == PIPE_EUSAGE);
		CHECK(strstr(error_last(), "row 1: new column extra: schema = freeze"));
		free(c);
	}
	free(a);
	free(b);
	free(base);
	free(out);
}

/* Socrata's "number" made a column INT64; decimals later cannot go in. */
static void test_number_hint_widening(void)
{
	char *a = tmp("w1.json"), *b = tmp("w2.json"), *base = tmp("wbase");
	const char *p1[] = {a}, *p2[] = {b};
	struct load_options o = {.write = LOAD_APPEND, .table = "w", .auto_types = "n:NUMBER"};
	struct load_result res = {0};
	write_file("w1.json", "[{\"n\": \"1\"}, {\"n\": \"2.0\"}]");
	write_file("w2.json", "[{\"n\": \"2.5\"}]");
	CHECK_OK(load("wbase", NULL, &o, &res, p1, 1));
	CHECK(strstr(res.schema, "w.n INT64\n"));
	load_result_free(&res);
	CHECK(load("wmore", base, &o, &res, p2, 1) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "n is INT64 in the table, and this load has decimals"));
	free(a);
	free(b);
	free(base);
}

/* A hint that does not fit a value names the row, column and value. */
static void test_conversion_error(void)
{
	char *in = tmp("bad.json"), *out = tmp("bad");
	const char *paths[] = {in};
	struct load_options o = {.types = "fare_amount:FLOAT64"};
	struct load_result res = {0};
	write_file("bad.json", "[\n{\"fare_amount\": \"1.5\"},\n{\"fare_amount\": \"abc\"}\n]");
	CHECK(load("bad", NULL, &o, &res, paths, 1) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "/bad.json:3:1: row 2: column fare_amount: cannot convert \"abc\" to FLOAT64"));
	CHECK(!path_exists(out));
	free(in);
	free(out);
}

/* Bad inputs: a clear error with a position and nothing written. */
static void test_bad_inputs(void)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{"[{\"a\": 1}, {\"a\": }]", "in.json:1:18: invalid JSON"},
		{"{\"a\": 1}", "the top level is one object"},
		{"42", "expected a JSON array of records"},
		{"[{\"a\": 1}, 7]", "record 2 is a number, not an object"},
		{"garbage", "expected a JSON array of records"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *in = tmp("in.json"), *out = tmp("badin");
		const char *paths[] = {in};
		struct load_options o = {0};
		struct load_result res = {0};
		write_file("in.json", cases[i].text);
		if (load("badin", NULL, &o, &res, paths, 1) != PIPE_EUSAGE)
			T_FAIL("case %zu: no usage error (%s)", i, error_last());
		if (!strstr(error_last(), cases[i].message))
			T_FAIL("case %zu: %s", i, error_last());
		CHECK(!path_exists(out));
		free(in);
		free(out);
	}
}

/* BigQuery's 10,000 columns a table: a record of 100,000 keys is refused,
 * early and in about the time of reading it; 9,995 keys and the 5 lineage
 * columns are the most a table holds. */
static void test_column_limit(void)
{
	static const int keys[] = {100000, 9996, 9995};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char *in = tmp("wide.json"), *out = tmp("wide");
		const char *paths[] = {in};
		struct load_options o = {0};
		struct load_result res = {0};
		struct buf text = BUF_INIT;
		double t0 = time_now_ms();
		int rc;
		buf_puts(&text, "[{\"id\": 0");
		for (int i = 1; i < keys[k]; i++)
			buf_printf(&text, ", \"key%d\": %d", i, i);
		buf_puts(&text, "}]\n");
		CHECK_OK(file_write_atomic(in, text.data, text.len));
		buf_free(&text);
		rc = load("wide", NULL, &o, &res, paths, 1);
		if (keys[k] > 9995) {
			CHECK(rc == PIPE_EUSAGE);
			CHECK(strstr(error_last(), "wide.json:1:2: row 1: table wide: more than 9995 columns: BigQuery "
			                           "allows at most 10000 columns in a table, pipe's 5 lineage columns included"));
			CHECK(!path_exists(out));
			/* a quadratic column lookup took 20 s on 100,000 keys */
			CHECK(time_now_ms() - t0 < 10000);
		} else {
			CHECK_OK(rc);
			CHECK_INT(res.rows, 1);
		}
		load_result_free(&res);
		free(in);
		free(out);
	}
}

static void test_names(void)
{
	static const char *const cases[][2] = {
		{"VendorID", "vendorid"},   {"fare_amount", "fare_amount"}, {"Fare Amount ($)", "fare_amount"},
		{"1st", "_1st"},            {"a--b", "a_b"},                {"_id", "_id"},
		{"a__b", "a_b"},            {"Ünïcode", "_n_code"},          {"", "_"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = load_column_name(cases[i][0], strlen(cases[i][0]));
		CHECK_STR(n, cases[i][1]);
		free(n);
	}
}

/* Row ids are hashes: the dump names them #1, #2 ... in order of first
 * appearance, which keeps the links between tables readable. */
struct ids {
	struct strmap map;
	char **keys;
	size_t n, cap;
};

static void put_id(struct ids *ids, const char *text, struct buf *out)
{
	void *v = strmap_get(&ids->map, text);
	if (!v) {
		grow_array(&ids->keys, &ids->cap, ids->n + 1, sizeof(char *));
		ids->keys[ids->n] = xstrdup(text);
		v = (void *)(uintptr_t)++ids->n;
		strmap_put(&ids->map, ids->keys[ids->n - 1], v);
	}
	buf_printf(out, "#%zu", (size_t)(uintptr_t)v);
}

static void ids_free(struct ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		free(ids->keys[i]);
	free(ids->keys);
	strmap_free(&ids->map);
}

/* Dumps every table under dir (the root, then children by name) as text. */
static void dump_table(const char *dir, struct buf *out, struct ids *ids)
{
	struct table *t = NULL;
	struct batch b = {0};
	int *cols;
	if (table_open(&t, dir) < 0) {
		buf_printf(out, "error: %s\n", error_last());
		return;
	}
	buf_printf(out, "table %s\n", t->spec.name);
	cols = xcalloc(t->spec.ncols + 1, sizeof(int));
	for (size_t i = 0; i < t->spec.ncols; i++) {
		buf_printf(out, "  %s %s\n", t->spec.cols[i].name, type_name(t->spec.cols[i].type));
		cols[i] = (int)i;
	}
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if (table_read(t, p, bl, cols, t->spec.ncols, &b) < 0) {
				buf_printf(out, "error: %s\n", error_last());
				goto done;
			}
			for (size_t r = 0; r < b.nrows; r++) {
				for (size_t c = 0; c < t->spec.ncols; c++) {
					struct value v = vec_get(&b.cols[c], r);
					const char *name = t->spec.cols[c].name;
					buf_puts(out, c ? " | " : "  ");
					if (!v.is_null && (!strcmp(name, "_pipe_row_id") || !strcmp(name, "_pipe_parent_id") ||
					                   !strcmp(name, "_pipe_root_id"))) {
						char text[32];
						snprintf(text, sizeof(text), "%lld", (long long)v.i);
						put_id(ids, text, out);
					} else
						value_to_string(&v, out);
				}
				buf_putc(out, '\n');
			}
		}
done:
	free(cols);
	batch_free(&b);
	table_close(t);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_all(const char *dir, struct buf *out, struct ids *ids)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **subs = NULL;
	size_t n = 0, cap = 0;
	dump_table(dir, out, ids);
	while (d && (e = readdir(d))) {
		char *p = path_join(dir, e->d_name);
		if (e->d_name[0] != '.' && strstr(e->d_name, "__") && path_is_dir(p)) {
			grow_array(&subs, &cap, n + 1, sizeof(char *));
			subs[n++] = p;
		} else
			free(p);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(subs, n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < n; i++) {
		dump_all(subs[i], out, ids);
		free(subs[i]);
	}
	free(subs);
}

/* tests/load/cases/<case>/: an input file (input.json, input.ndjson or
 * input.csv), optional `options` (key = value: types, records, format,
 * partition_by, cluster_by) and
 * `expected`: the tables dumped, or "error: <substring of the message>". */
static void test_cases(void)
{
	const char *root = "tests/load/cases";
	DIR *d = opendir(root);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	CHECK(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			grow_array(&names, &cap, n + 1, sizeof(char *));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(char *), cmp_names);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		char *dir = path_join(root, names[i]), *opt = path_join(dir, "options"), *exp = path_join(dir, "expected");
		const char *inputs[] = {"input.json", "input.ndjson", "input.csv"};
		char *in = NULL;
		struct buf options = BUF_INIT, expected = BUF_INIT, got = BUF_INIT;
		struct load_options o = {.table = names[i]};
		struct load_result res = {0};
		char *types = NULL, *records = NULL, *format = NULL, *partition = NULL, *cluster = NULL;
		char *out = tmp(names[i]);
		for (size_t k = 0; k < 3 && !in; k++) {
			char *p = path_join(dir, inputs[k]);
			if (path_exists(p))
				in = p;
			else
				free(p);
		}
		if (file_read(opt, &options) == 0) {
			for (char *line = strtok(options.data, "\n"); line; line = strtok(NULL, "\n")) {
				char *eq = strchr(line, '=');
				if (!eq)
					continue;
				*eq = 0;
				if (!strcmp(str_trim(line), "types"))
					types = xstrdup(str_trim(eq + 1));
				else if (!strcmp(str_trim(line), "records"))
					records = xstrdup(str_trim(eq + 1));
				else if (!strcmp(str_trim(line), "format"))
					format = xstrdup(str_trim(eq + 1));
				else if (!strcmp(str_trim(line), "partition_by"))
					partition = xstrdup(str_trim(eq + 1));
				else if (!strcmp(str_trim(line), "cluster_by"))
					cluster = xstrdup(str_trim(eq + 1));
			}
		}
		o.types = types;
		o.records = records;
		o.partition_by = partition;
		o.cluster_by = cluster;
		o.format = !format ? LOAD_AUTO : !strcmp(format, "csv") ? LOAD_CSV : !strcmp(format, "ndjson") ? LOAD_NDJSON : LOAD_JSON;
		file_read(exp, &expected);
		{
			const char *paths[] = {in};
			struct ids ids = {0};
			if (load(names[i], NULL, &o, &res, paths, 1) < 0)
				buf_printf(&got, "error: %s\n", error_last());
			else
				dump_all(out, &got, &ids);
			ids_free(&ids);
		}
		if (getenv("UPDATE") && !strcmp(getenv("UPDATE"), "1") && !str_starts(buf_cstr(&expected), "error: "))
			file_write_atomic(exp, got.data, got.len);
		else if (str_starts(buf_cstr(&expected), "error: ")) {
			expected.data[expected.len - 1] = 0;
			if (!strstr(buf_cstr(&got), expected.data + 7))
				T_FAIL("case %s: expected %s\ngot %s", names[i], expected.data, buf_cstr(&got));
		} else if (strcmp(buf_cstr(&got), buf_cstr(&expected)))
			T_FAIL("case %s: got\n%s\nexpected\n%s", names[i], buf_cstr(&got), buf_cstr(&expected));
		load_result_free(&res);
		buf_free(&options);
		buf_free(&expected);
		buf_free(&got);
		free(types);
		free(records);
		free(partition);
		free(cluster);
		free(format);
		free(out);
		free(in);
		free(dir);
		free(opt);
		free(exp);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	RUN(test_names);
	RUN(test_taxi_hints);
	RUN(test_taxi_inferred);
	RUN(test_taxi_evolution_one_load);
	RUN(test_taxi_append_evolves);
	RUN(test_taxi_merge_dedup);
	RUN(test_merge_dedup_sort);
	RUN(test_merge_children);
	RUN(test_coins);
	RUN(test_csv);
	RUN(test_reproducible);
	RUN(test_variant_and_freeze);
	RUN(test_number_hint_widening);
	RUN(test_conversion_error);
	RUN(test_bad_inputs);
	RUN(test_column_limit);
	RUN(test_cases);
	rm_rf(tmpdir);
	T_DONE();
}
