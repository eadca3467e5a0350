/* Bytes processed and billed by BigQuery's rules, with every expected
 * figure worked out by hand in the comments (docs/bytes.md has the rules). */
#include <stdlib.h>

#include "t.h"
#include "warehouse/bytes.h"

#define MB (1024ULL * 1024ULL)

static void test_value_sizes(void)
{
	struct value v;
	v = value_bool(true);
	CHECK_INT(bytes_value(&v), 1);
	v = value_int64(5);
	CHECK_INT(bytes_value(&v), 8);
	v = value_float64(5);
	CHECK_INT(bytes_value(&v), 8);
	v = value_numeric(5);
	CHECK_INT(bytes_value(&v), 16);
	v = value_date(5);
	CHECK_INT(bytes_value(&v), 8); /* a DATE is 4 bytes on disk, 8 to BigQuery */
	v = value_datetime(5);
	CHECK_INT(bytes_value(&v), 8);
	v = value_timestamp(5);
	CHECK_INT(bytes_value(&v), 8);
	v = value_string("héllo", 6); /* é is two bytes of UTF-8 */
	CHECK_INT(bytes_value(&v), 2 + 6);
	v = value_bytes("", 0);
	CHECK_INT(bytes_value(&v), 2);
	v = value_json("{\"a\":1}", 7);
	CHECK_INT(bytes_value(&v), 7);
	v = value_null(TYPE_STRING);
	CHECK_INT(bytes_value(&v), 0);
}

static struct column_def cols[] = {
	{"id", TYPE_INT64}, {"name", TYPE_STRING}, {"price", TYPE_NUMERIC},
	{"ok", TYPE_BOOL},  {"d", TYPE_DATE},      {"doc", TYPE_JSON},
};

static void push(struct batch *b, size_t c, enum type t, const char *s)
{
	struct value v = value_null(t);
	if (s && value_parse(t, s, strlen(s), &v) < 0)
		abort();
	vec_push(&b->cols[c], &v);
}

static void test_table_figures(void)
{
	char tmpl[] = "/tmp/pipe-test-bytes-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct table_spec spec = {.name = "t", .ncols = 6, .cols = cols,
	                          .partition = {PARTITION_TIME, "d", PART_DAY, 0, 0, 0}, .block_rows = 2};
	enum type types[6];
	for (int i = 0; i < 6; i++)
		types[i] = cols[i].type;
	const char *rows[3][6] = {
		{"1", "ab", "1.5", "true", "2019-01-01", "{\"a\":1}"},
		{"2", "", NULL, "false", "2019-01-01", NULL},
		{NULL, "héllo", "2", NULL, "2019-01-02", "[1,2]"},
	};
	struct batch b;
	batch_init(&b, 6, types);
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 6; c++)
			push(&b, (size_t)c, types[c], rows[r][c]);
	b.nrows = 3;
	struct table_writer *w;
	struct table *t = NULL;
	CHECK_OK(table_writer_open(&w, dir, &spec));
	CHECK_OK(table_writer_append(w, &b));
	CHECK_OK(table_writer_finish(w));
	batch_free(&b);
	CHECK_OK(table_open(&t, dir));
	CHECK_INT(t->npartitions, 2);
	/* 20190101: id 8+8; name (2+2)+(2+0); price 16 (the NULL is 0);
	 * ok 1+1; d 8+8; doc 7.  20190102: id 0; name 2+6; price 16; ok 0;
	 * d 8; doc 5. */
	int id_name[] = {0, 1};
	CHECK_INT(bytes_partitions(t, id_name, 2, NULL), 16 + 6 + 0 + 8);
	bool second_only[] = {false, true};
	int name_doc[] = {1, 5};
	CHECK_INT(bytes_partitions(t, name_doc, 2, second_only), 8 + 5);
	int price_ok_d[] = {2, 3, 4};
	CHECK_INT(bytes_block(t, 0, 0, price_ok_d, 3), 16 + 2 + 16);
	int all[] = {0, 1, 2, 3, 4, 5};
	CHECK_INT(bytes_partitions(t, all, 6, NULL), (16 + 6 + 16 + 2 + 16 + 7) + (0 + 8 + 16 + 0 + 8 + 5));
	table_close(t);
	rm_rf(dir);
}

static void test_billed(void)
{
	uint64_t none[] = {0};
	CHECK_INT(bytes_billed(none, 0), 0);
	CHECK_INT(bytes_billed(none, 1), 0); /* nothing read, nothing billed */
	uint64_t tiny[] = {1};
	CHECK_INT(bytes_billed(tiny, 1), 10 * MB);
	uint64_t eleven[] = {11 * MB + 1};
	CHECK_INT(bytes_billed(eleven, 1), 12 * MB); /* rounded up to the MB */
	uint64_t exact[] = {64 * MB};
	CHECK_INT(bytes_billed(exact, 1), 64 * MB);
	uint64_t two_tiny[] = {1, 1};
	CHECK_INT(bytes_billed(two_tiny, 2), 20 * MB); /* 10 MB per table */
	uint64_t mixed[] = {5 * MB, 20 * MB + MB / 2};
	CHECK_INT(bytes_billed(mixed, 2), 31 * MB); /* 10 + 20.5 = 30.5 -> 31 */
	uint64_t one_empty[] = {0, 3};
	CHECK_INT(bytes_billed(one_empty, 2), 20 * MB);
}

int main(void)
{
	RUN(test_value_sizes);
	RUN(test_table_figures);
	RUN(test_billed);
	T_DONE();
}
