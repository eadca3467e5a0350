/* State records.  The format itself is tested as data: every file in
 * tests/data/state/good/ must parse and format back to the same bytes, and
 * every case in tests/data/state/bad must fail with its message. */
#include "t.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto.h"
#include "state.h"

#define DATA "tests/data/state"

static void fill_hash(struct hash *h, const char *text) { hash_bytes(text, strlen(text), h); }

static void good_records_round_trip(void)
{
	DIR *d = opendir(DATA "/good");
	struct dirent *e;
	int n = 0;
	CHECK(d != NULL);
	while ((e = readdir(d))) {
		struct buf text = BUF_INIT, again = BUF_INIT, copied = BUF_INIT;
		struct state_record rec, copy;
		char *path;
		if (!str_ends(e->d_name, ".state"))
			continue;
		path = xasprintf(DATA "/good/%s", e->d_name);
		if (file_read(path, &text) < 0 || state_parse(text.data, path, &rec) < 0) {
			closedir(d);
			T_FAIL("%s: %s", path, error_last());
		}
		state_record_copy(&copy, &rec);
		state_record_free(&rec);
		CHECK_OK(state_format(&copy, &copied));
		CHECK_OK(state_parse(copied.data, path, &rec));
		CHECK_OK(state_format(&rec, &again));
		if (strcmp(text.data, again.data) || strcmp(text.data, copied.data)) {
			closedir(d);
			T_FAIL("%s does not round-trip; formatted as:\n%s", path, again.data);
		}
		state_record_free(&rec);
		state_record_free(&copy);
		buf_free(&text);
		buf_free(&again);
		buf_free(&copied);
		free(path);
		n++;
	}
	closedir(d);
	CHECK(n >= 4);
}

static void parsed_values_are_exact(void)
{
	struct buf text = BUF_INIT;
	struct state_record rec;
	char hex[HASH_HEX_LEN + 1];
	CHECK_OK(file_read(DATA "/good/taxi_staging.state", &text));
	CHECK_OK(state_parse(text.data, "taxi", &rec));
	CHECK_STR(rec.target, "taxi_staging");
	CHECK_STR(rec.kind, "table");
	CHECK_INT(rec.rows, 500);
	CHECK_INT(rec.bytes, 98304);
	CHECK_INT(rec.started, 1795569000); /* 2026-11-25T01:10:00Z */
	CHECK_INT(rec.finished - rec.started, 1);
	CHECK(rec.duration_ms == 1204.0);
	CHECK(rec.error == NULL);
	CHECK_INT(rec.nrecipe, 2);
	CHECK_STR(rec.recipe[1].key, "write_disposition");
	hash_hex(&rec.inputs[0].hash, hex);
	CHECK_STR(hex, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
	CHECK_STR(state_field(&rec, "etag"), "\"W/\\\"5f1-abc\\\"\"");
	CHECK_STR(state_field(&rec, "schema"),
	          "vendor_id INT64\ntpep_pickup_datetime TIMESTAMP\n\ntrip_distance FLOAT64");
	CHECK_STR(state_field(&rec, "note"), "ends with a newline\n");
	CHECK_STR(state_field(&rec, "empty"), "");
	CHECK_STR(state_field(&rec, "pipe_first"), "| a value that starts with a bar");
	CHECK_STR(state_field(&rec, "spaced"), "   leading spaces and a tab\tkept");
	CHECK(state_field(&rec, "nope") == NULL);
	state_record_free(&rec);
	buf_free(&text);

	CHECK_OK(file_read(DATA "/good/failed_first.state", &text));
	CHECK_OK(state_parse(text.data, "failed", &rec));
	CHECK_STR(rec.target, "fetch coins/markets");
	CHECK(hash_is_zero(&rec.key) && hash_is_zero(&rec.output));
	CHECK_INT(rec.rows, -1);
	CHECK_STR(rec.error, "GET http://127.0.0.1:8080/coins: HTTP 503 after 4 attempts\n"
	                     "  last body: {\"error\": \"try later\"}");
	state_record_free(&rec);
	buf_free(&text);
}

static void malformed_records_name_the_line(void)
{
	struct buf all = BUF_INIT;
	char *p;
	int n = 0;
	CHECK_OK(file_read(DATA "/bad", &all));
	p = strstr(all.data, "\n### ");
	CHECK(p != NULL);
	p++;
	while (p && *p) {
		struct state_record rec;
		char *eol = strchr(p, '\n'), *next = strstr(eol, "\n### ");
		char *want = xstrndup(p + 4, (size_t)(eol - p - 4));
		char *text = next ? xstrndup(eol + 1, (size_t)(next - eol)) : xstrdup(eol + 1);
		int rc = state_parse(text, "rec", &rec);
		char *got = xstrdup(rc < 0 ? error_last() : "(parsed)");
		bool same = !strcmp(got, want);
		/* a failed parse leaves an empty record that is safe to free */
		state_record_free(&rec);
		if (!same) {
			T_FAIL("record:\n%s  got:      %s\n  expected: %s", text, got, want);
		}
		free(want);
		free(text);
		free(got);
		n++;
		p = next ? next + 1 : NULL;
	}
	buf_free(&all);
	CHECK(n >= 20);
}

static void built_record(struct state_record *rec)
{
	struct hash h;
	state_record_init(rec);
	rec->target = xstrdup("counts");
	rec->kind = xstrdup("command");
	rec->status = xstrdup("failed");
	fill_hash(&rec->key, "key");
	rec->bytes = 42;
	rec->started = 1795569000;
	rec->finished = 1795569001;
	rec->duration_ms = 1000.25;
	fill_hash(&h, "sort $in | uniq -c > $out");
	state_recipe_set(rec, "run", &h);
	fill_hash(&h, "words");
	state_input_add(rec, "words", &h);
	fill_hash(&h, "file");
	state_input_add(rec, " a path with spaces ", &h);
	rec->error = xstrdup("exit status 1\n");
	state_field_set(rec, "zeta", "last");
	state_field_set(rec, "alpha", "|\n|");
	state_field_set(rec, "zeta", "first set, replaced");
}

static void format_is_line_per_fact_in_set_order(void)
{
	struct state_record rec, back;
	struct buf text = BUF_INIT, again = BUF_INIT;
	built_record(&rec);
	CHECK_OK(state_format(&rec, &text));
	CHECK_STR(text.data,
	          "target counts\n"
	          "kind command\n"
	          "status failed\n"
	          "key 2c70e12b7a0646f92279f427c7b38e7334d8e5389cff167a1dc30e73f826b683\n"
	          "bytes 42\n"
	          "started 2026-11-25T01:10:00Z\n"
	          "finished 2026-11-25T01:10:01Z\n"
	          "duration_ms 1000.2\n"
	          "recipe ef9bff0b5b0c7c3b11ea607511f2d3a51b541d89a190c17ed9fdc9f542488875 run\n"
	          "input dba36bffa5cab0f922d087a3aeb179f9d4e745df40b323e1b1471402848c8a3e words\n"
	          "input 3b9c358f36f0a31b6ad3e14f309c7cf198ac9246e8316f9ce543d5b19ac02b80"
	          "  a path with spaces \n"
	          "error |+\n"
	          "  exit status 1\n"
	          "field zeta first set, replaced\n"
	          "field alpha |\n"
	          "  |\n"
	          "  |\n");
	CHECK_OK(state_parse(text.data, "t", &back));
	CHECK_OK(state_format(&back, &again));
	CHECK_STR(again.data, text.data);
	CHECK_STR(back.error, "exit status 1\n");
	CHECK_STR(state_field(&back, "alpha"), "|\n|");
	CHECK(state_input_find(&back, " a path with spaces ") != NULL);
	CHECK(hash_eq(&state_input_find(&back, "words")->hash, &rec.inputs[0].hash));
	CHECK(state_input_find(&back, "a path with spaces") == NULL);
	state_record_free(&rec);
	state_record_free(&back);
	buf_free(&text);
	buf_free(&again);
}

static void format_rejects_what_cannot_be_read_back(void)
{
	struct state_record rec;
	struct buf text = BUF_INIT;
	built_record(&rec);
	state_field_set(&rec, "two words", "x");
	CHECK(state_format(&rec, &text) < 0);
	state_record_free(&rec);

	built_record(&rec);
	free(rec.inputs[0].name);
	rec.inputs[0].name = xstrdup("line\nbreak");
	CHECK(state_format(&rec, &text) < 0);
	state_record_free(&rec);

	built_record(&rec);
	free(rec.target);
	rec.target = xstrdup("a/../../etc");
	CHECK(state_format(&rec, &text) < 0);
	state_record_free(&rec);
	buf_free(&text);
}

static void newer_lines_are_skipped(void)
{
	struct state_record rec;
	CHECK_OK(state_parse("target a\n"
	                     "run_id 20261125-0001\n"
	                     "schedule |\n"
	                     "  every 1h\n"
	                     "  at :15\n"
	                     "status ok\n",
	                     "rec", &rec));
	CHECK_STR(rec.target, "a");
	CHECK_STR(rec.status, "ok");
	CHECK_INT(rec.nfields, 0);
	state_record_free(&rec);
}

/* An HTTP error body keeps its CRLFs: only the file's own line ends must
 * be plain newlines. */
static void carriage_returns_in_values_round_trip(void)
{
	struct state_record rec, back;
	struct buf text = BUF_INIT, again = BUF_INIT;
	built_record(&rec);
	free(rec.error);
	rec.error = xstrdup("HTTP/1.1 503\r\nRetry-After: 5\r\n");
	state_field_set(&rec, "progress", "10%\r20%\r");
	CHECK_OK(state_format(&rec, &text));
	CHECK_OK(state_parse(text.data, "t", &back));
	CHECK_STR(back.error, rec.error);
	CHECK_STR(state_field(&back, "progress"), "10%\r20%\r");
	CHECK_OK(state_format(&back, &again));
	CHECK_STR(again.data, text.data);
	state_record_free(&rec);
	state_record_free(&back);
	buf_free(&text);
	buf_free(&again);
}

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/pipe-test-state-XXXXXX";
	return xstrdup(mkdtemp(tmpl));
}

static void write_read_remove(void)
{
	char *dir = temp_dir(), *path;
	struct state_record rec, back;
	struct buf a = BUF_INIT, b = BUF_INIT;

	built_record(&rec);
	CHECK_OK(state_write(dir, &rec));
	path = path_join(dir, "targets/counts.state");
	CHECK(path_exists(path));
	free(path);
	CHECK_OK(state_read(dir, "counts", &back));
	CHECK_OK(state_format(&rec, &a));
	CHECK_OK(state_format(&back, &b));
	CHECK_STR(b.data, a.data);
	state_record_free(&back);

	/* A second write replaces the record; no temp file is left behind. */
	rec.rows = 7;
	CHECK_OK(state_write(dir, &rec));
	CHECK_OK(state_read(dir, "counts", &back));
	CHECK_INT(back.rows, 7);
	state_record_free(&back);
	path = path_join(dir, "targets");
	{
		DIR *d = opendir(path);
		struct dirent *e;
		int n = 0;
		while (d && (e = readdir(d)))
			n += e->d_name[0] != '.';
		if (d)
			closedir(d);
		CHECK_INT(n, 1);
	}
	free(path);

	/* Names with '/' live in subdirectories; names that climb are refused. */
	free(rec.target);
	rec.target = xstrdup("taxi/2019 trips");
	CHECK_OK(state_write(dir, &rec));
	CHECK_OK(state_read(dir, "taxi/2019 trips", &back));
	CHECK_STR(back.target, "taxi/2019 trips");
	state_record_free(&back);
	CHECK(state_read(dir, "../x", &back) == PIPE_ERROR);

	/* A write that cannot make its directory says why. */
	path = path_join(dir, "targets/blocked");
	CHECK_OK(file_write_atomic(path, "x", 1));
	free(path);
	free(rec.target);
	rec.target = xstrdup("blocked/one");
	CHECK(state_write(dir, &rec) == PIPE_ERROR);
	CHECK(strstr(error_last(), "/targets/blocked/one.state") != NULL);
	CHECK(strstr(error_last(), "Not a directory") != NULL);

	CHECK_INT(state_read(dir, "nothing", &back), PIPE_ENOTFOUND);
	CHECK_STR(error_last(), "no state record for target 'nothing'");
	CHECK_OK(state_remove(dir, "counts"));
	CHECK_INT(state_read(dir, "counts", &back), PIPE_ENOTFOUND);
	CHECK_OK(state_remove(dir, "counts")); /* already gone is fine */

	state_record_free(&rec);
	buf_free(&a);
	buf_free(&b);
	CHECK_OK(rm_rf(dir));
	free(dir);
}

static void read_checks_the_record_is_the_targets(void)
{
	char *dir = temp_dir(), *sub = path_join(dir, "targets"), *path = path_join(sub, "a.state");
	struct state_record rec;
	CHECK_OK(mkdir_p(sub));
	CHECK_OK(file_write_atomic(path, "target b\n", 9));
	CHECK(state_read(dir, "a", &rec) < 0);
	CHECK(strstr(error_last(), "a.state:1: the record is for target 'b', not 'a'") != NULL);
	CHECK_OK(file_write_atomic(path, "target a\nbytes x\n", 17));
	CHECK(state_read(dir, "a", &rec) < 0);
	CHECK(strstr(error_last(), "a.state:2: expected a number, got 'x'") != NULL);
	CHECK_OK(rm_rf(dir));
	free(dir);
	free(sub);
	free(path);
}

int main(void)
{
	RUN(good_records_round_trip);
	RUN(parsed_values_are_exact);
	RUN(malformed_records_name_the_line);
	RUN(format_is_line_per_fact_in_set_order);
	RUN(format_rejects_what_cannot_be_read_back);
	RUN(newer_lines_are_skipped);
	RUN(carriage_returns_in_values_round_trip);
	RUN(write_read_remove);
	RUN(read_checks_the_record_is_the_targets);
	T_DONE();
}
