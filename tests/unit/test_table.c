/* Tables: write -> read round trips, determinism, partitioning of every
 * kind, clustering and block statistics, the catalog. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "warehouse/hll.h"
#include "warehouse/sql.h"
#include "warehouse/table.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/pipe-test-table-XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	return xstrdup(tmpl);
}

/* Rows as text, one string per row, columns separated by '|', \N for NULL:
 * parsed by the schema's types into a batch. */
static void fill(struct batch *b, const struct table_spec *spec, const char *const *rows, size_t n)
{
	enum type types[16];
	for (size_t c = 0; c < spec->ncols; c++)
		types[c] = spec->cols[c].type;
	batch_init(b, spec->ncols, types);
	for (size_t r = 0; r < n; r++) {
		const char *p = rows[r];
		for (size_t c = 0; c < spec->ncols; c++) {
			const char *end = strchr(p, '|');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			struct value v;
			if (len == 2 && memcmp(p, "\\N", 2) == 0)
				v = value_null(types[c]);
			else if (value_parse(types[c], p, len, &v) < 0)
				abort();
			vec_push(&b->cols[c], &v);
			p = end ? end + 1 : p + len;
		}
	}
	b->nrows = n;
}

static int write_table(const char *dir, const struct table_spec *spec, const char *const *rows, size_t n)
{
	struct table_writer *w;
	struct batch b;
	int error;
	if ((error = table_writer_open(&w, dir, spec)) < 0)
		return error;
	fill(&b, spec, rows, n);
	if ((error = table_writer_append(w, &b)) < 0) {
		table_writer_abort(w);
		batch_free(&b);
		return error;
	}
	batch_free(&b);
	return table_writer_finish(w);
}

/* Every row of the table in storage order, as text like the input. */
static char *dump(struct table *t)
{
	struct buf out = BUF_INIT;
	struct batch b = {0};
	int cols[16];
	for (size_t c = 0; c < t->spec.ncols; c++)
		cols[c] = (int)c;
	for (size_t p = 0; p < t->npartitions; p++) {
		for (size_t k = 0; k < t->partitions[p].nblocks; k++) {
			if (table_read(t, p, k, cols, t->spec.ncols, &b) < 0) {
				buf_printf(&out, "ERROR %s", error_last());
				goto done;
			}
			for (size_t r = 0; r < b.nrows; r++) {
				for (size_t c = 0; c < b.ncols; c++) {
					struct value v = vec_get(&b.cols[c], r);
					if (c)
						buf_putc(&out, '|');
					if (v.is_null)
						buf_puts(&out, "\\N");
					else
						value_to_string(&v, &out);
				}
				buf_putc(&out, '\n');
			}
		}
	}
done:
	batch_free(&b);
	return buf_detach(&out);
}

static struct column_def all_cols[] = {
	{"VendorID", TYPE_INT64},     {"pickup", TYPE_TIMESTAMP}, {"fare", TYPE_NUMERIC},
	{"distance", TYPE_FLOAT64},   {"flag", TYPE_STRING},      {"day", TYPE_DATE},
	{"seen", TYPE_DATETIME},      {"ok", TYPE_BOOL},          {"raw", TYPE_BYTES},
	{"doc", TYPE_JSON},
};

static const char *const all_rows[] = {
	"2|2019-01-01 00:13:00+00|12.5|1.25|N|2019-01-01|2019-01-01 00:13:00|true|ab|{\"a\": 1}",
	"\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N",
	"1|1969-12-31 23:59:59.500+00|-0.000000001|-inf|Y \"quoted\"|1969-12-31|1969-12-31 23:59:59.500|false||[]",
};

static void test_round_trip_every_type(void)
{
	char *dir = tmp_dir(), *text = NULL;
	struct table_spec spec = {.name = "trips", .dataset = "taxi_data", .ncols = 10, .cols = all_cols};
	struct table *t = NULL;
	CHECK_OK(write_table(dir, &spec, all_rows, 3));
	CHECK_OK(table_open(&t, dir));
	CHECK_INT(t->rows, 3);
	CHECK_INT(t->npartitions, 1);
	CHECK_STR(t->spec.dataset, "taxi_data");
	CHECK_INT(t->spec.cols[2].type, TYPE_NUMERIC);
	text = dump(t);
	CHECK_STR(text, "2|2019-01-01 00:13:00+00|12.5|1.25|N|2019-01-01|2019-01-01 00:13:00|true|ab|{\"a\": 1}\n"
	                "\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N|\\N\n"
	                "1|1969-12-31 23:59:59.500+00|-0.000000001|-inf|Y \"quoted\"|1969-12-31|"
	                "1969-12-31 23:59:59.500|false||[]\n");
	/* Statistics survive the manifest: min/max per column, NULL counts. */
	const struct block *b = &t->partitions[0].blocks[0];
	CHECK_INT(block_stats(b, 0)->min.i, 1);
	CHECK_INT(block_stats(b, 0)->max.i, 2);
	CHECK_INT(block_stats(b, 0)->nulls, 1);
	CHECK(block_stats(b, 4)->min.s.len == 1 && block_stats(b, 4)->min.s.p[0] == 'N');
	CHECK(block_stats(b, 4)->max.s.len == 10 && memcmp(block_stats(b, 4)->max.s.p, "Y \"quoted\"", 10) == 0);
	CHECK(block_stats(b, 3)->min.f < -1e308);
	CHECK(block_stats(b, 9)->min.is_null); /* JSON keeps no bounds */
	CHECK_INT(table_column(t, "vendorid"), 0);
	CHECK_INT(table_column(t, "VENDORID"), 0);
	CHECK_INT(table_column(t, "nope"), -1);
	table_close(t);
	free(text);
	rm_rf(dir);
	free(dir);
}

static struct column_def taxi_cols[] = {
	{"VendorID", TYPE_INT64},
	{"dropoff", TYPE_TIMESTAMP},
	{"fare", TYPE_FLOAT64},
};

static const char *const taxi_rows[] = {
	"2|2019-01-02 10:00:00|5",   "1|2019-01-01 23:00:00|6", "\\N|2019-01-01 01:00:00|7",
	"2|\\N|8",                   "1|2019-01-02 09:00:00|9", "1|2019-01-01 02:00:00|10",
	"2|2019-01-01 03:00:00|11",  "\\N|\\N|12",
};

static void test_partition_by_day_and_cluster(void)
{
	char *dir = tmp_dir(), *text = NULL;
	struct table_spec spec = {
		.name = "opt",
		.ncols = 3,
		.cols = taxi_cols,
		.partition = {.kind = PARTITION_TIME, .column = "Dropoff", .unit = PART_DAY},
		.ncluster = 1,
		.cluster = {"vendorid"},
		.block_rows = 2,
	};
	struct table *t = NULL;
	CHECK_OK(write_table(dir, &spec, taxi_rows, 8));
	CHECK_OK(table_open(&t, dir));
	CHECK_INT(t->npartitions, 3);
	CHECK_STR(t->partitions[0].id, "__NULL__");
	CHECK(t->partitions[0].is_null);
	CHECK_STR(t->partitions[1].id, "20190101");
	CHECK_STR(t->partitions[2].id, "20190102");
	CHECK_INT(t->partitions[1].rows, 4);
	CHECK_INT(t->partitions[1].lo, 17897LL * 86400000000LL);
	CHECK_INT(t->partitions[1].hi, 17898LL * 86400000000LL);
	/* Inside a partition: NULL VendorID first, then by VendorID, ties in
	 * the order the rows came. */
	text = dump(t);
	CHECK_STR(text, "\\N|\\N|12\n"
	                "2|\\N|8\n"
	                "\\N|2019-01-01 01:00:00+00|7\n"
	                "1|2019-01-01 23:00:00+00|6\n"
	                "1|2019-01-01 02:00:00+00|10\n"
	                "2|2019-01-01 03:00:00+00|11\n"
	                "1|2019-01-02 09:00:00+00|9\n"
	                "2|2019-01-02 10:00:00+00|5\n");
	/* Blocks of two rows, with the statistics a filter prunes on. */
	CHECK_INT(t->partitions[1].nblocks, 2);
	const struct block *b0 = &t->partitions[1].blocks[0], *b1 = &t->partitions[1].blocks[1];
	CHECK_INT(block_stats(b0, 0)->nulls, 1);
	CHECK_INT(block_stats(b0, 0)->min.i, 1);
	CHECK_INT(block_stats(b0, 0)->max.i, 1);
	CHECK_INT(block_stats(b1, 0)->min.i, 1);
	CHECK_INT(block_stats(b1, 0)->max.i, 2);
	CHECK_INT(block_stats(b1, 2)->min.f, 10);
	CHECK_INT(block_stats(b1, 2)->max.f, 11);
	CHECK_INT(block_stats(&t->partitions[0].blocks[0], 0)->nulls, 1);
	CHECK(block_stats(&t->partitions[0].blocks[0], 1)->min.is_null);
	table_close(t);
	free(text);
	rm_rf(dir);
	free(dir);
}

static char *read_all(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	char *path = path_join(dir, name);
	if (file_read(path, &b) < 0)
		buf_puts(&b, "(missing)");
	free(path);
	return buf_detach(&b);
}

/* The two tables' files are the same, byte for byte (the binary files
 * hold NULs). */
static void same_table_files(const char *d1, const char *d2)
{
	const char *files[] = {"manifest", "blocks", "table.data", "sketches"};
	for (size_t i = 0; i < 4; i++) {
		struct buf a = BUF_INIT, b = BUF_INIT;
		char *pa = path_join(d1, files[i]), *pb = path_join(d2, files[i]);
		CHECK_OK(file_read(pa, &a));
		CHECK_OK(file_read(pb, &b));
		CHECK(a.len > 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
		buf_free(&a);
		buf_free(&b);
		free(pa);
		free(pb);
	}
}

/* The same rows give the same bytes; the manifest is exactly this text. */
static void test_deterministic_and_manifest_text(void)
{
	char *d1 = tmp_dir(), *d2 = tmp_dir();
	struct table_spec spec = {
		.name = "opt",
		.dataset = "taxi_data",
		.ncols = 3,
		.cols = taxi_cols,
		.partition = {.kind = PARTITION_TIME, .column = "dropoff", .unit = PART_DAY},
		.ncluster = 1,
		.cluster = {"VendorID"},
		.require_partition_filter = true,
		.description = "the \"optimized\" one",
		.block_rows = 3,
	};
	CHECK_OK(write_table(d1, &spec, taxi_rows, 8));
	CHECK_OK(write_table(d2, &spec, taxi_rows, 8));
	same_table_files(d1, d2);
	char *m = read_all(d1, "manifest");
	CHECK_STR(m, "pipe-table 2\n"
	             "name \"opt\"\n"
	             "dataset \"taxi_data\"\n"
	             "description \"the \\\"optimized\\\" one\"\n"
	             "require_partition_filter true\n"
	             "block_rows 3\n"
	             "column \"VendorID\" INT64\n"
	             "column \"dropoff\" TIMESTAMP\n"
	             "column \"fare\" FLOAT64\n"
	             "partition_by time \"dropoff\" DAY\n"
	             "cluster \"VendorID\"\n"
	             "rows 8\n"
	             "partition \"__NULL__\" rows 2 blocks 1 lo 0 hi 0\n"
	             "partition \"20190101\" rows 4 blocks 2 lo 1546300800000000 hi 1546387200000000\n"
	             "partition \"20190102\" rows 2 blocks 1 lo 1546387200000000 hi 1546473600000000\n");
	/* The blocks file, read back: where each chunk is, its NULLs, its
	 * BigQuery bytes and its bounds. */
	struct table *t = NULL;
	struct buf dump = BUF_INIT;
	CHECK_OK(table_open(&t, d1));
	for (size_t p = 0; t && p < t->npartitions; p++)
		for (size_t k = 0; k < t->partitions[p].nblocks; k++) {
			const struct block *blk = &t->partitions[p].blocks[k];
			buf_printf(&dump, "block %u\n", blk->rows);
			for (size_t c = 0; c < t->spec.ncols; c++) {
				const struct col_stats *st = block_stats(blk, (int)c);
				buf_printf(&dump, "chunk %llu %llu %llu %llu ", (unsigned long long)block_offset(blk, (int)c),
				           (unsigned long long)block_length(blk, (int)c), (unsigned long long)st->nulls,
				           (unsigned long long)st->bytes);
				if (st->min.is_null)
					buf_puts(&dump, "- -\n");
				else {
					value_to_string(&st->min, &dump);
					buf_putc(&dump, ' ');
					value_to_string(&st->max, &dump);
					buf_putc(&dump, '\n');
				}
			}
		}
	/* (chunk sizes: packed integers, see column.c) */
	CHECK_STR(buf_cstr(&dump), "block 2\n"
	             "chunk 0 14 1 8 2 2\n"
	             "chunk 14 14 2 0 - -\n"
	             "chunk 28 14 0 16 8 12\n"
	             "block 3\n"
	             "chunk 42 15 1 16 1 1\n"
	             "chunk 57 24 0 24 2019-01-01 01:00:00+00 2019-01-01 23:00:00+00\n"
	             "chunk 81 15 0 24 6 10\n"
	             "block 1\n"
	             "chunk 96 12 0 8 2 2\n"
	             "chunk 108 12 0 8 2019-01-01 03:00:00+00 2019-01-01 03:00:00+00\n"
	             "chunk 120 12 0 8 11 11\n"
	             "block 2\n"
	             "chunk 132 14 0 16 1 2\n"
	             "chunk 146 16 0 16 2019-01-02 09:00:00+00 2019-01-02 10:00:00+00\n"
	             "chunk 162 14 0 16 5 9\n");
	buf_free(&dump);
	table_close(t);
	free(m);
	rm_rf(d1);
	rm_rf(d2);
	free(d1);
	free(d2);
}

static void ids_of(struct table *t, struct buf *out)
{
	for (size_t p = 0; p < t->npartitions; p++)
		buf_printf(out, "%s%s:%llu", p ? " " : "", t->partitions[p].id, (unsigned long long)t->partitions[p].rows);
}

struct part_case {
	const char *what;
	struct column_def col;
	struct partition_spec spec;
	const char *rows[6];
	const char *want; /* partition ids : rows */
};

static const struct part_case part_cases[] = {
	{"DATE column", {"d", TYPE_DATE}, {PARTITION_TIME, "d", PART_DAY, 0, 0, 0},
	 {"2020-02-29", "2020-03-01", "\\N", "2020-02-29"}, "__NULL__:1 20200229:2 20200301:1"},
	{"DATE_TRUNC(d, MONTH)", {"d", TYPE_DATE}, {PARTITION_TIME, "d", PART_MONTH, 0, 0, 0},
	 {"2020-02-29", "2020-03-01", "1969-12-31", "2020-02-01"}, "196912:1 202002:2 202003:1"},
	{"DATE_TRUNC(d, YEAR)", {"d", TYPE_DATE}, {PARTITION_TIME, "d", PART_YEAR, 0, 0, 0},
	 {"2020-02-29", "2021-03-01", "2020-12-31"}, "2020:2 2021:1"},
	{"TIMESTAMP_TRUNC(ts, HOUR)", {"ts", TYPE_TIMESTAMP}, {PARTITION_TIME, "ts", PART_HOUR, 0, 0, 0},
	 {"2019-01-01 00:13:00", "2019-01-01 00:59:59.999999", "2019-01-01 01:00:00", "1969-12-31 23:30:00"},
	 "1969123123:1 2019010100:2 2019010101:1"},
	{"DATETIME_TRUNC(dt, MONTH)", {"dt", TYPE_DATETIME}, {PARTITION_TIME, "dt", PART_MONTH, 0, 0, 0},
	 {"2019-01-31 23:59:59", "2019-02-01 00:00:00"}, "201901:1 201902:1"},
	{"RANGE_BUCKET(x, GENERATE_ARRAY(0, 100, 10))", {"x", TYPE_INT64}, {PARTITION_RANGE, "x", PART_DAY, 0, 100, 10},
	 {"5", "-1", "100", "99", "\\N", "10"}, "__NULL__:1 __UNPARTITIONED__:2 0:1 10:1 90:1"},
	{"RANGE_BUCKET(x, GENERATE_ARRAY(-30, 35, 20))", {"x", TYPE_INT64}, {PARTITION_RANGE, "x", PART_DAY, -30, 35, 20},
	 {"-30", "-11", "-10", "34", "35"}, "__UNPARTITIONED__:1 -30:2 -10:1 30:1"},
};

static void test_partition_kinds(void)
{
	for (size_t i = 0; i < sizeof part_cases / sizeof part_cases[0]; i++) {
		const struct part_case *c = &part_cases[i];
		char *dir = tmp_dir();
		struct column_def col = c->col;
		struct table_spec spec = {.name = "p", .ncols = 1, .cols = &col, .partition = c->spec};
		size_t n = 0;
		while (n < 6 && c->rows[n])
			n++;
		struct table *t = NULL;
		struct buf got = BUF_INIT;
		if (write_table(dir, &spec, c->rows, n) < 0 || table_open(&t, dir) < 0)
			buf_printf(&got, "ERROR %s", error_last());
		else
			ids_of(t, &got);
		table_close(t);
		rm_rf(dir);
		free(dir);
		char text[512];
		snprintf(text, sizeof text, "%s", buf_cstr(&got));
		buf_free(&got);
		if (strcmp(text, c->want) != 0)
			T_FAIL("%s: got %s, expected %s", c->what, text, c->want);
	}
}

static void test_range_partition_bounds(void)
{
	char *dir = tmp_dir();
	struct column_def col = {"x", TYPE_INT64};
	struct table_spec spec = {.name = "p", .ncols = 1, .cols = &col,
	                          .partition = {PARTITION_RANGE, "x", PART_DAY, 0, 25, 10}};
	const char *rows[] = {"24", "3"};
	struct table *t = NULL;
	CHECK_OK(write_table(dir, &spec, rows, 2));
	CHECK_OK(table_open(&t, dir));
	CHECK_INT(t->npartitions, 2);
	CHECK_INT(t->partitions[1].lo, 20);
	CHECK_INT(t->partitions[1].hi, 25); /* the last bucket ends at end */
	table_close(t);
	rm_rf(dir);
	free(dir);
}

static struct batch days_batch(int from, int to)
{
	enum type types[] = {TYPE_DATE};
	struct batch b;
	batch_init(&b, 1, types);
	for (int i = from; i < to; i++) {
		struct value v = value_date(i);
		vec_push(&b.cols[0], &v);
	}
	b.nrows = (size_t)(to - from);
	return b;
}

/* One job may modify 4,000 partitions; a table may hold 10,000. */
static void test_too_many_partitions(void)
{
	char *dir = tmp_dir();
	struct column_def col = {"d", TYPE_DATE};
	struct table_spec spec = {.name = "p", .ncols = 1, .cols = &col,
	                          .partition = {PARTITION_TIME, "d", PART_DAY, 0, 0, 0}};
	struct table_writer *w;
	struct batch b = days_batch(0, 4001);
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append(w, &b));
	batch_free(&b);
	CHECK_INT(table_writer_finish(w), PIPE_EUSAGE);
	CHECK_STR(error_last(), "Too many partitions produced by query, allowed 4000, query produces at least 4001 partitions");

	/* 4,000 is fine. */
	b = days_batch(0, 4000);
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append(w, &b));
	batch_free(&b);
	CHECK_OK(table_writer_finish(w));

	/* Old rows in 7,000 partitions (INSERT INTO keeps them) plus new ones
	 * in 3,000 more: 10,000, allowed; one more partition is not. */
	struct batch old = days_batch(0, 7000);
	b = days_batch(7000, 10000);
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append_existing(w, &old));
	CHECK_OK(table_writer_append(w, &b));
	CHECK_OK(table_writer_finish(w));
	batch_free(&b);
	b = days_batch(7000, 10001);
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append_existing(w, &old));
	CHECK_OK(table_writer_append(w, &b));
	CHECK_INT(table_writer_finish(w), PIPE_EUSAGE);
	CHECK_STR(error_last(), "Too many partitions in table p: 10001, allowed 10000 (BigQuery's partitions per table)");
	batch_free(&b);
	batch_free(&old);
	rm_rf(dir);
	free(dir);
}

struct spec_case {
	struct table_spec spec;
	const char *want;
};

static void test_spec_errors(void)
{
	struct column_def cols[] = {{"a", TYPE_INT64}, {"b", TYPE_FLOAT64}, {"d", TYPE_DATE}, {"e", TYPE_STRING},
	                            {"f", TYPE_BOOL}, {"A", TYPE_INT64}};
	struct spec_case cases[] = {
		{{.name = "t", .ncols = 5, .cols = cols, .ncluster = 5, .cluster = {"a", "d", "e", "f"}},
		 "Too many clustering fields: 5. Only up to 4 clustering fields are allowed"},
		{{.name = "t", .ncols = 5, .cols = cols, .ncluster = 1, .cluster = {"b"}},
		 "Field b is of type FLOAT64 which is not supported for clustering"},
		{{.name = "t", .ncols = 5, .cols = cols, .ncluster = 1, .cluster = {"zz"}}, "Unrecognized name: zz"},
		{{.name = "t", .ncols = 6, .cols = cols},
		 "Duplicate column names in the result are not supported. Found duplicate(s): A"},
		{{.name = "t", .ncols = 5, .cols = cols, .partition = {PARTITION_TIME, "d", PART_HOUR, 0, 0, 0}},
		 "PARTITION BY expression must be DATE(<timestamp_column>)"},
		{{.name = "t", .ncols = 5, .cols = cols, .partition = {PARTITION_TIME, "e", PART_DAY, 0, 0, 0}},
		 "PARTITION BY expression must be DATE(<timestamp_column>)"},
		{{.name = "t", .ncols = 5, .cols = cols, .partition = {PARTITION_RANGE, "a", PART_DAY, 0, 10, 0}},
		 "RANGE_BUCKET partitioning needs start < end and a positive interval"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_INT(table_spec_check(&cases[i].spec), PIPE_EUSAGE);
		if (!str_starts(error_last(), cases[i].want))
			T_FAIL("case %zu: got %s, expected %s", i, error_last(), cases[i].want);
	}
}

static void test_create_replaces_and_abort_keeps(void)
{
	char *root = tmp_dir(), *dir = NULL, *text = NULL;
	struct column_def col = {"x", TYPE_INT64};
	struct table_spec spec = {.name = "nums", .ncols = 1, .cols = &col};
	struct table_writer *w;
	struct batch b;
	struct table *t = NULL;
	const char *first[] = {"1", "2"}, *second[] = {"3"};
	CHECK_OK(table_writer_create(&w, root, &spec));
	fill(&b, &spec, first, 2);
	CHECK_OK(table_writer_append(w, &b));
	batch_free(&b);
	CHECK_OK(table_writer_finish(w));
	/* A second write that is abandoned leaves the first table. */
	CHECK_OK(table_writer_create(&w, root, &spec));
	fill(&b, &spec, second, 1);
	CHECK_OK(table_writer_append(w, &b));
	table_writer_abort(w);
	dir = path_join(root, "nums");
	CHECK_OK(table_open(&t, dir));
	text = dump(t);
	CHECK_STR(text, "1\n2\n");
	table_close(t);
	free(text);
	/* A finished one replaces it. */
	CHECK_OK(table_writer_create(&w, root, &spec));
	CHECK_OK(table_writer_append(w, &b));
	batch_free(&b);
	CHECK_OK(table_writer_finish(w));
	CHECK_OK(table_open(&t, dir));
	text = dump(t);
	CHECK_STR(text, "3\n");
	table_close(t);
	free(text);
	char **names;
	size_t n;
	CHECK_OK(table_list(root, &names, &n)); /* no temporary directories left */
	CHECK_INT(n, 1);
	free(names[0]);
	free(names);
	rm_rf(root);
	free(root);
	free(dir);
}

static void test_catalog(void)
{
	char *root = tmp_dir(), *dir = NULL;
	struct column_def col = {"x", TYPE_INT64};
	const char *rows[] = {"1"};
	struct table_spec trips = {.name = "trips", .dataset = "taxi_data", .ncols = 1, .cols = &col};
	struct table_spec coins = {.name = "coins", .ncols = 1, .cols = &col};
	struct table_spec tags = {.name = "coins__tags", .ncols = 1, .cols = &col};
	char *p1 = path_join(root, "trips"), *p2 = path_join(root, "coins"), *p3 = path_join(p2, "coins__tags");
	mkdir_p(p1);
	mkdir_p(p3);
	CHECK_OK(write_table(p1, &trips, rows, 1));
	CHECK_OK(write_table(p2, &coins, rows, 1));
	CHECK_OK(write_table(p3, &tags, rows, 1));

	CHECK_OK(table_resolve(root, "your_project_id.taxi_data.trips", &dir));
	CHECK_STR(dir, p1);
	free(dir);
	CHECK_OK(table_resolve(root, "taxi_data.trips", &dir));
	free(dir);
	CHECK_OK(table_resolve(root, "trips", &dir));
	free(dir);
	CHECK_OK(table_resolve(root, "any_dataset.coins", &dir)); /* no dataset recorded */
	free(dir);
	CHECK_OK(table_resolve(root, "coins__tags", &dir));
	CHECK_STR(dir, p3);
	free(dir);
	/* names ignore case, as in BigQuery; the directory keeps its spelling */
	CHECK_OK(table_resolve(root, "Taxi_Data.TRIPS", &dir));
	CHECK_STR(dir, p1);
	free(dir);
	CHECK_OK(table_resolve(root, "Coins__Tags", &dir));
	CHECK_STR(dir, p3);
	free(dir);
	CHECK_INT(table_resolve(root, "other.TRIPS", &dir), PIPE_ENOTFOUND);
	CHECK_STR(error_last(), "Not found: Table other.TRIPS");
	CHECK_INT(table_resolve(root, "proj.other.trips", &dir), PIPE_ENOTFOUND);
	CHECK_STR(error_last(), "Not found: Table proj:other.trips");
	CHECK_INT(table_resolve(root, "taxi_data.nope", &dir), PIPE_ENOTFOUND);
	CHECK_STR(error_last(), "Not found: Table taxi_data.nope");
	CHECK_INT(table_resolve(root, "a.b.c.d", &dir), PIPE_EUSAGE);
	CHECK_INT(table_resolve(root, "../trips", &dir), PIPE_EUSAGE); /* names never leave the root */
	CHECK_INT(table_resolve(root, "x.../trips", &dir), PIPE_EUSAGE);

	char **names;
	size_t n;
	CHECK_OK(table_list(root, &names, &n));
	CHECK_INT(n, 3);
	CHECK_STR(names[0], "coins");
	CHECK_STR(names[1], "coins__tags");
	CHECK_STR(names[2], "trips");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(p1);
	free(p2);
	free(p3);
	rm_rf(root);
	free(root);
}

static void test_describe(void)
{
	char *dir = tmp_dir();
	struct table_spec spec = {
		.name = "opt",
		.ncols = 3,
		.cols = taxi_cols,
		.partition = {.kind = PARTITION_TIME, .column = "dropoff", .unit = PART_DAY},
		.ncluster = 1,
		.cluster = {"VendorID"},
	};
	struct table *t = NULL;
	struct buf b = BUF_INIT;
	CHECK_OK(write_table(dir, &spec, taxi_rows, 8));
	CHECK_OK(table_open(&t, dir));
	table_describe(t, &b);
	CHECK_STR(buf_cstr(&b), "VendorID  INT64\n"
	                        "dropoff   TIMESTAMP\n"
	                        "fare      FLOAT64\n"
	                        "partitioned by TIMESTAMP_TRUNC(dropoff, DAY)\n"
	                        "clustered by VendorID\n"
	                        "8 rows in 3 partitions\n");
	buf_free(&b);
	table_close(t);
	rm_rf(dir);
	free(dir);
}

/* INT64 widens into FLOAT64 and NUMERIC columns, NUMERIC into FLOAT64, as
 * BigQuery coerces on insert; anything else is refused. */
static void test_append_types(void)
{
	char *dir = tmp_dir(), *text = NULL;
	struct column_def cols[] = {{"f", TYPE_FLOAT64}, {"n", TYPE_NUMERIC}};
	struct table_spec spec = {.name = "w", .ncols = 2, .cols = cols};
	enum type in[] = {TYPE_INT64, TYPE_INT64}, num[] = {TYPE_NUMERIC, TYPE_NUMERIC}, bad[] = {TYPE_STRING, TYPE_NUMERIC};
	struct table_writer *w;
	struct batch a, b, c;
	struct value three = value_int64(3), half = value_numeric(NUMERIC_SCALE / 2), s = value_string("x", 1);
	batch_init(&a, 2, in);
	vec_push(&a.cols[0], &three);
	vec_push(&a.cols[1], &three);
	a.nrows = 1;
	batch_init(&b, 2, num);
	vec_push(&b.cols[0], &half);
	vec_push(&b.cols[1], &half);
	b.nrows = 1;
	batch_init(&c, 2, bad);
	vec_push(&c.cols[0], &s);
	vec_push(&c.cols[1], &half);
	c.nrows = 1;
	struct table *t = NULL;
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append(w, &a));
	CHECK_OK(table_writer_append(w, &b));
	CHECK_INT(table_writer_append(w, &c), PIPE_EUSAGE);
	CHECK_STR(error_last(), "Column f of w has type FLOAT64; a STRING value cannot be stored in it");
	CHECK_OK(table_writer_finish(w));
	CHECK_OK(table_open(&t, dir));
	text = dump(t);
	CHECK_STR(text, "3|3\n0.5|0.5\n");
	free(text);
	table_close(t);
	batch_free(&a);
	batch_free(&b);
	batch_free(&c);
	rm_rf(dir);
	free(dir);
}

/* Each column's sketch in the table's sketches file estimates what
 * APPROX_COUNT_DISTINCT on the table gives; a JSON column has none. */
static void sketches_are_the_sql(const char *dir, const struct table_spec *spec)
{
	uint8_t **sketches = NULL;
	struct sql_options o = {.root = dir, .read_table = spec->name, .read_from = dir};
	struct sql_result *r = NULL;
	struct buf sql = BUF_INIT;
	CHECK_OK(hll_file_read(dir, spec->ncols, &sketches));
	CHECK(sketches != NULL);
	buf_puts(&sql, "SELECT COUNT(*)");
	for (size_t c = 0; c < spec->ncols; c++)
		buf_printf(&sql, ", APPROX_COUNT_DISTINCT(`%s`)", spec->cols[c].name);
	buf_printf(&sql, " FROM `%s`", spec->name);
	CHECK_OK(sql_run(sql.data, &o, &r));
	for (size_t c = 0; r && sketches && c < spec->ncols; c++) {
		char n[32];
		CHECK(sketches[c] != NULL);
		snprintf(n, sizeof n, "%lld", (long long)hll_estimate(sketches[c]));
		CHECK_STR(sql_result_cell(r, 0, c + 1), n);
	}
	sql_result_free(r);
	hll_sketches_free(sketches, spec->ncols);
	buf_free(&sql);
}

/* A writer over its memory budget spills sorted runs and merges them
 * (more runs than one merge takes: longer runs first) and keeps its block
 * records in a temporary file: the same files, byte for byte, as when
 * every row fits in memory, the columns' sketches too (the merge's two
 * threads each kept some), which estimate what the SQL does. */
static void test_spill_same_bytes(void)
{
	static struct column_def cols[] = {
		{"VendorID", TYPE_INT64}, {"dropoff", TYPE_TIMESTAMP}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64},
		{"load", TYPE_STRING}};
	struct table_spec specs[2] = {{
		.name = "t", .ncols = 5, .cols = cols,
		.partition = {.kind = PARTITION_TIME, .column = "dropoff", .unit = PART_DAY},
		.ncluster = 2, .cluster = {"zone", "VendorID"}, .block_rows = 16,
	}, {.name = "u", .ncols = 5, .cols = cols, .block_rows = 16}};
	/* enough rows for many runs and blocks: the merge hands blocks to the
	 * second thread and encodes some columns itself, as timing has it */
	enum { N = 3000 };
	char *rows[N];
	for (int k = 0; k < N; k++)
		rows[k] = k % 37 == 0 ? xasprintf("%d|\\N|\\N|%d|load 1", k % 3, k)
		                      : xasprintf("%d|2019-01-0%d %02d:%02d:00|zone %d|%d.5|load 1", k % 3, 1 + k % 4,
		                                  k % 24, k % 60, k * 7 % 13, k);
	for (size_t i = 0; i < 2; i++) {
		char *d1 = tmp_dir(), *d2 = tmp_dir();
		struct table_writer *w = NULL;
		CHECK_OK(write_table(d1, &specs[i], (const char *const *)rows, N));
		CHECK_OK(table_writer_open(&w, d2, &specs[i]));
		table_writer_set_memory(w, 1000); /* a run every few batches */
		for (size_t from = 0; w && from < N; from += 7) {
			struct batch b;
			fill(&b, &specs[i], (const char *const *)rows + from, from + 7 <= N ? 7 : N - from);
			CHECK_OK(table_writer_append(w, &b));
			batch_free(&b);
		}
		CHECK_OK(table_writer_finish(w));
		same_table_files(d1, d2);
		sketches_are_the_sql(d2, &specs[i]);
		char *spill = path_join(d2, ".spill"), *records = path_join(d2, ".blocks");
		CHECK(!path_exists(spill)); /* unlinked as soon as they were created */
		CHECK(!path_exists(records));
		free(spill);
		free(records);
		rm_rf(d1);
		rm_rf(d2);
		free(d1);
		free(d2);
	}
	for (int k = 0; k < N; k++)
		free(rows[k]);
}

/* A column whose sketch the writer is given (a copy of a table's rows,
 * sql.c) keeps that sketch and hashes none of its values, through the
 * spill and the merge too; the other columns are sketched as written. */
static void test_given_sketch_kept(void)
{
	static struct column_def cols[] = {{"VendorID", TYPE_INT64}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64}};
	struct table_spec spec = {.name = "g", .ncols = 3, .cols = cols, .ncluster = 1, .cluster = {"zone"},
	                          .block_rows = 16};
	enum { N = 2000 };
	char *rows[N];
	uint8_t given[HLL_M];
	for (int k = 0; k < N; k++)
		rows[k] = xasprintf("%d|zone %d|%d.5", k, k % 13, k);
	memset(given, 0, sizeof given);
	given[7] = 3; /* no sketch of these rows: one the rows could not give */
	for (size_t memory = 0; memory <= 1000; memory += 1000) {
		char *d1 = tmp_dir(), *d2 = tmp_dir();
		struct table_writer *w = NULL;
		uint8_t **from_rows = NULL, **kept = NULL;
		CHECK_OK(write_table(d1, &spec, (const char *const *)rows, N));
		CHECK_OK(table_writer_open(&w, d2, &spec));
		if (memory)
			table_writer_set_memory(w, memory);
		table_writer_give_sketch(w, 1, given);
		for (size_t from = 0; w && from < N; from += 7) {
			struct batch b;
			fill(&b, &spec, (const char *const *)rows + from, from + 7 <= N ? 7 : N - from);
			CHECK_OK(table_writer_append(w, &b));
			batch_free(&b);
		}
		CHECK_OK(table_writer_finish(w));
		CHECK_OK(hll_file_read(d1, spec.ncols, &from_rows));
		CHECK_OK(hll_file_read(d2, spec.ncols, &kept));
		CHECK(from_rows && kept);
		for (size_t c = 0; from_rows && kept && c < spec.ncols; c++)
			CHECK(memcmp(kept[c], c == 1 ? given : from_rows[c], HLL_M) == 0);
		hll_sketches_free(from_rows, spec.ncols);
		hll_sketches_free(kept, spec.ncols);
		rm_rf(d1);
		rm_rf(d2);
		free(d1);
		free(d2);
	}
	for (int k = 0; k < N; k++)
		free(rows[k]);
}

/* A table neither partitioned nor clustered needs no sort: its blocks go
 * to table.data as the rows arrive (nothing held, spilled or merged), in
 * batches of whole blocks or not, the same bytes as written at once. */
static void test_in_order_as_rows_arrive(void)
{
	static struct column_def cols[] = {{"VendorID", TYPE_INT64}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64}};
	struct table_spec spec = {.name = "u", .ncols = 3, .cols = cols, .block_rows = 16};
	enum { N = 1000 };
	char *rows[N];
	for (int k = 0; k < N; k++)
		rows[k] = k % 37 == 0 ? xasprintf("%d|\\N|\\N", k % 3) : xasprintf("%d|zone %d|%d.5", k % 3, k * 7 % 13, k);
	char *d1 = tmp_dir();
	CHECK_OK(write_table(d1, &spec, (const char *const *)rows, N));
	for (size_t step = 7; step <= 32; step += 25) { /* 32: whole blocks, straight from the batch */
		char *d2 = tmp_dir(), *data = path_join(d2, "table.data");
		struct table_writer *w = NULL;
		struct stat st;
		CHECK_OK(table_writer_open(&w, d2, &spec));
		for (size_t from = 0; w && from < N; from += step) {
			struct batch b;
			fill(&b, &spec, (const char *const *)rows + from, from + step <= N ? step : N - from);
			CHECK_OK(table_writer_append(w, &b));
			batch_free(&b);
		}
		/* before finish: every whole block is in the file, or in the
		 * buffer of its last write */
		CHECK(stat(data, &st) == 0);
		CHECK_OK(table_writer_finish(w));
		same_table_files(d1, d2);
		rm_rf(d2);
		free(d2);
		free(data);
	}
	rm_rf(d1);
	free(d1);
	for (int k = 0; k < N; k++)
		free(rows[k]);
}

/* A partition of many blocks: its decoded statistics take megabytes (the
 * reader's large allocation), and every block reads back whole. */
static void test_many_blocks(void)
{
	static struct column_def cols[] = {{"id", TYPE_INT64}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64}};
	struct table_spec spec = {.name = "u", .ncols = 3, .cols = cols, .block_rows = 1};
	enum { N = 9000 };
	char **rows = xcalloc(N, sizeof *rows);
	struct buf want = BUF_INIT;
	for (int k = 0; k < N; k++) {
		rows[k] = k % 101 == 0 ? xasprintf("%d|\\N|\\N", k) : xasprintf("%d|zone %d|%d.5", k, k % 7, k);
		buf_printf(&want, "%s\n", rows[k]);
	}
	char *dir = tmp_dir(), *text = NULL;
	struct table *t = NULL;
	CHECK_OK(write_table(dir, &spec, (const char *const *)rows, N));
	CHECK_OK(table_open(&t, dir));
	CHECK_INT(t->partitions[0].nblocks, N);
	CHECK(N * spec.ncols * sizeof(struct col_stats) >= (1u << 20));
	text = dump(t);
	CHECK_STR(text, want.data);
	const struct block *last = &t->partitions[0].blocks[N - 1];
	CHECK_INT(block_stats(last, 0)->min.i, N - 1);
	CHECK(block_stats(last, 2)->max.f == N - 1 + 0.5);
	CHECK_INT(block_stats(&t->partitions[0].blocks[101], 1)->nulls, 1);
	table_close(t);
	free(text);
	buf_free(&want);
	rm_rf(dir);
	free(dir);
	for (int k = 0; k < N; k++)
		free(rows[k]);
	free(rows);
}

/* A reader decodes the statistics of the columns it is asked for, and of
 * no other: a query of one column of a wide table holds one column's.  The
 * records of the others are still read and checked. */
static void test_columns_on_demand(void)
{
	static struct column_def cols[] = {{"id", TYPE_INT64}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64}};
	struct table_spec spec = {.name = "w", .ncols = 3, .cols = cols, .block_rows = 10};
	enum { N = 5000 };
	char **rows = xcalloc(N, sizeof *rows);
	for (int k = 0; k < N; k++)
		rows[k] = xasprintf("%d|zone %d|%d.5", k, k % 7, k);
	char *dir = tmp_dir(), *blocks = path_join(dir, "blocks");
	struct table *t = NULL;
	struct batch b = {0};
	CHECK_OK(write_table(dir, &spec, (const char *const *)rows, N));
	CHECK_OK(table_open_lazy(&t, dir));
	const bool zone[] = {false, true, false};
	CHECK_OK(table_load_columns(t, NULL, zone));
	const struct partition *part = &t->partitions[0];
	CHECK_INT(part->nblocks, N / 10);
	CHECK(!part->columns[0].stats && part->columns[1].stats && !part->columns[2].stats);
	CHECK(block_stats(&part->blocks[42], 1)->min.s.len == 6);
	/* a read of another column decodes it, and only it */
	const int fare[] = {2};
	CHECK_OK(table_read(t, 0, 7, fare, 1, &b));
	CHECK(!part->columns[0].stats && part->columns[2].stats);
	CHECK(block_stats(&part->blocks[7], 2)->min.f == 70.5);
	CHECK(b.cols[0].f64[9] == 79.5);
	table_close(t);
	/* a record cut short is found whichever column is asked for */
	struct stat st;
	CHECK(stat(blocks, &st) == 0 && truncate(blocks, st.st_size - 5) == 0);
	CHECK_OK(table_open_lazy(&t, dir));
	const bool id[] = {true, false, false};
	CHECK(table_load_columns(t, NULL, id) < 0 && strstr(error_last(), "truncated or malformed"));
	table_close(t);
	batch_free(&b);
	rm_rf(dir);
	free(dir);
	free(blocks);
	for (int k = 0; k < N; k++)
		free(rows[k]);
	free(rows);
}

/* A test's file_hasher: FNV-1a of each file's bytes, by file name. */
struct fnv_file {
	char *name;
	uint64_t fnv;
};

static struct fnv_file fnv_files[16];
static size_t fnv_nfiles;

static void fnv_add(uint64_t *h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ ((const unsigned char *)p)[i]) * 1099511628211u;
}

static void *fnv_start(void *arg)
{
	(void)arg;
	uint64_t *h = xmalloc(sizeof *h);
	*h = 14695981039346656037u;
	return h;
}

static void fnv_update(void *hash, const void *p, size_t n) { fnv_add(hash, p, n); }

static void fnv_done(void *arg, void *hash, const char *path)
{
	(void)arg;
	if (path && fnv_nfiles < 16) {
		const char *slash = strrchr(path, '/');
		fnv_files[fnv_nfiles++] = (struct fnv_file){xstrdup(slash ? slash + 1 : path), *(uint64_t *)hash};
	}
	free(hash);
}

/* A writer given a file_hasher hands it every file's bytes as it writes
 * them: each file of the table is named once, with the hash of the bytes
 * on disk, whether its rows were spilled and merged, sorted in memory or
 * written in order. */
static void test_files_hashed_as_written(void)
{
	static struct column_def cols[] = {
		{"VendorID", TYPE_INT64}, {"dropoff", TYPE_TIMESTAMP}, {"zone", TYPE_STRING}, {"fare", TYPE_FLOAT64}};
	struct table_spec sorted = {
		.name = "t", .ncols = 4, .cols = cols,
		.partition = {.kind = PARTITION_TIME, .column = "dropoff", .unit = PART_DAY},
		.ncluster = 1, .cluster = {"zone"}, .block_rows = 16,
	}, plain = {.name = "u", .ncols = 4, .cols = cols, .block_rows = 16};
	const struct table_spec *specs[3] = {&sorted, &sorted, &plain};
	size_t memory[3] = {1000, 0, 0}; /* spilled, in memory, in order */
	struct file_hasher hasher = {fnv_start, fnv_update, fnv_done, NULL};
	enum { N = 3000 };
	char *rows[N];
	for (int k = 0; k < N; k++)
		rows[k] = xasprintf("%d|2019-01-0%d %02d:%02d:00|zone %d|%d.5", k % 3, 1 + k % 4, k % 24, k % 60,
		                    k * 7 % 13, k);
	for (size_t i = 0; i < 3; i++) {
		char *dir = tmp_dir();
		struct table_writer *w = NULL;
		size_t files = 0;
		fnv_nfiles = 0;
		CHECK_OK(table_writer_open(&w, dir, specs[i]));
		table_writer_hash_files(w, &hasher);
		if (memory[i])
			table_writer_set_memory(w, memory[i]);
		for (size_t from = 0; w && from < N; from += 7) {
			struct batch b;
			fill(&b, specs[i], (const char *const *)rows + from, from + 7 <= N ? 7 : N - from);
			CHECK_OK(table_writer_append(w, &b));
			batch_free(&b);
		}
		CHECK_OK(table_writer_finish(w));
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *path = path_join(dir, e->d_name);
			struct buf text = BUF_INIT;
			uint64_t want = 14695981039346656037u;
			size_t named = 0;
			CHECK_OK(file_read(path, &text));
			fnv_add(&want, text.data, text.len);
			for (size_t k = 0; k < fnv_nfiles; k++)
				if (!strcmp(fnv_files[k].name, e->d_name)) {
					named++;
					if (fnv_files[k].fnv != want)
						T_FAIL("%s: hashed as written %llx, on disk %llx", e->d_name,
						       (unsigned long long)fnv_files[k].fnv, (unsigned long long)want);
				}
			CHECK_INT(named, 1);
			files++;
			buf_free(&text);
			free(path);
		}
		if (d)
			closedir(d);
		CHECK_INT(fnv_nfiles, files);
		CHECK(files >= 4); /* manifest, table.data, blocks, sketches */
		for (size_t k = 0; k < fnv_nfiles; k++)
			free(fnv_files[k].name);
		rm_rf(dir);
		free(dir);
	}
	for (int k = 0; k < N; k++)
		free(rows[k]);
}

static void test_bad_manifest(void)
{
	char *dir = tmp_dir(), *path = path_join(dir, "manifest");
	struct table *t = NULL;
	const char *text = "pipe-table 2\nname \"x\"\ncolumn \"a\" WIDGET\n";
	CHECK_OK(file_write_atomic(path, text, strlen(text)));
	CHECK(table_open(&t, dir) < 0);
	CHECK(strstr(error_last(), "manifest:3: unknown type") != NULL);
	/* a table from before the blocks file says what to do */
	const char *old = "pipe-table 1\nname \"x\"\n";
	CHECK_OK(file_write_atomic(path, old, strlen(old)));
	CHECK(table_open(&t, dir) < 0);
	CHECK(strstr(error_last(), "manifest:1: a table in an older format (1); rebuild it") != NULL);
	rm_rf(dir);
	CHECK_INT(table_open(&t, dir), PIPE_ENOTFOUND);
	free(path);
	free(dir);
}

/* A manifest's numbers are digits, with a '-' for a signed one: other
 * characters, a sign where none belongs, or a value past 64 bits are
 * malformed; the extremes themselves read. */
static void test_manifest_numbers(void)
{
	static const struct {
		const char *line, *error;
	} cases[] = {
		{"block_rows 12a", "manifest:3: a number is malformed"},
		{"block_rows -5", "manifest:3: a number is malformed"},
		{"block_rows +5", "manifest:3: a number is malformed"},
		{"block_rows 18446744073709551616", "manifest:3: a number is malformed"},
		{"block_rows", "manifest:3: a number is missing"},
		{"block_rows 18446744073709551615", "manifest:3: block_rows out of range"},
		{"partition \"x\" rows 1 blocks 1 lo -9223372036854775809 hi 0", "manifest:3: a number is malformed"},
		{"partition \"x\" rows 1 blocks 1 lo 0 hi 9223372036854775808", "manifest:3: a number is malformed"},
		{"partition \"x\" rows 1 blocks 1 lo - hi 0", "manifest:3: a number is malformed"},
		{"partition \"x\" rows 1 blocks 1 lo -9223372036854775808 hi 9223372036854775807", NULL},
	};
	char *dir = tmp_dir(), *path = path_join(dir, "manifest");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text = xasprintf("pipe-table 2\nname \"x\"\n%s\ncolumn \"a\" INT64\n", cases[i].line);
		struct table *t = NULL;
		CHECK_OK(file_write_atomic(path, text, strlen(text)));
		int error = table_open_lazy(&t, dir);
		if (cases[i].error) {
			CHECK(error < 0);
			if (!strstr(error_last(), cases[i].error))
				T_FAIL("%s: %s", cases[i].line, error_last());
		} else if (error < 0 && strstr(error_last(), "manifest:3")) {
			T_FAIL("%s: %s", cases[i].line, error_last());
		}
		if (error >= 0)
			table_close(t);
		free(text);
	}
	rm_rf(dir);
	free(path);
	free(dir);
}

int main(void)
{
	RUN(test_round_trip_every_type);
	RUN(test_partition_by_day_and_cluster);
	RUN(test_deterministic_and_manifest_text);
	RUN(test_partition_kinds);
	RUN(test_range_partition_bounds);
	RUN(test_too_many_partitions);
	RUN(test_spec_errors);
	RUN(test_create_replaces_and_abort_keeps);
	RUN(test_catalog);
	RUN(test_describe);
	RUN(test_append_types);
	RUN(test_spill_same_bytes);
	RUN(test_given_sketch_kept);
	RUN(test_in_order_as_rows_arrive);
	RUN(test_many_blocks);
	RUN(test_columns_on_demand);
	RUN(test_files_hashed_as_written);
	RUN(test_bad_manifest);
	RUN(test_manifest_numbers);
	T_DONE();
}
