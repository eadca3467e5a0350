/* runs.c: a target's log while it builds (its tail, UTF-8 made safe), and
 * a run written and read back as JSON. */
#include "runs.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static const char *add(struct run_log *l, const char *s)
{
	buf_clear(&l->text);
	l->cut = 0;
	run_log_add(l, s, strlen(s));
	return buf_cstr(&l->text);
}

/* UTF-8 is kept; what is not (a stray byte, an overlong or cut-short
 * sequence, a surrogate) and control characters become '?' */
static void log_utf8(void)
{
	struct run_log l = {BUF_INIT, 0};
	CHECK_STR(add(&l, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\ttab\r\n"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\ttab\r\n");
	CHECK_STR(add(&l, "a\xff" "b"), "a?b");
	CHECK_STR(add(&l, "overlong \xc0\x80."), "overlong ??.");
	CHECK_STR(add(&l, "surrogate \xed\xa0\x80."), "surrogate ???.");
	CHECK_STR(add(&l, "cut \xe2\x82"), "cut ??");
	CHECK_STR(add(&l, "bell\a esc\033[0m"), "bell? esc?[0m");
	run_log_free(&l);
}

/* however much a target prints, the log holds its tail and counts the rest */
static void log_tail(void)
{
	struct run_log l = {BUF_INIT, 0};
	char line[32];
	uint64_t total = 0;
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(line, sizeof(line), "line %d\n", i);
		run_log_add(&l, line, (size_t)n);
		total += (uint64_t)n;
		CHECK(l.text.len <= 2 * RUN_LOG_MAX);
	}
	CHECK_INT(l.cut + l.text.len, total);
	CHECK(str_ends(buf_cstr(&l.text), "line 99999\n"));
	/* one add larger than the bound at once */
	char *big = xmalloc(5 * RUN_LOG_MAX);
	memset(big, 'x', 5 * RUN_LOG_MAX);
	run_log_add(&l, big, 5 * RUN_LOG_MAX);
	CHECK_INT(l.cut + l.text.len, total + 5 * RUN_LOG_MAX);
	CHECK(l.text.len <= 2 * RUN_LOG_MAX);
	free(big);
	run_log_free(&l);
}

/* written, listed and shown: the JSON pipe serve sends */
static void write_and_read(void)
{
	char dir[] = "/tmp/pipe-test-runs-XXXXXX";
	struct run_log log = {BUF_INIT, 0};
	struct buf json = BUF_INIT;
	CHECK(mkdtemp(dir) != NULL);
	run_log_printf(&log, "said \"%s\"", "hi");
	struct run_target targets[] = {
		{.name = "a", .status = "built", .attempts = 2, .duration_ms = 1.5, .log = &log},
		{.name = "b", .status = "failed", .attempts = 1, .error = "exit status 1\nsecond line"},
		{.name = "c", .status = "skipped"},
	};
	struct run_file r = {.id = "20251202T110000Z-42.9", .trigger = "scheduler", .result = "failed",
	                     .start = 1764673200, .end = 1764673201, .duration_ms = 1000,
	                     .targets = targets, .ntargets = 3};
	CHECK_OK(runs_write(dir, &r));
	r.id = "20251202T110000Z-42.10"; /* the tenth run of the scheduler: newer than the ninth */
	r.result = "ok";
	r.ntargets = 1;
	CHECK_OK(runs_write(dir, &r));
	CHECK_OK(runs_list_json(dir, 0, &json));
	CHECK_STR(buf_cstr(&json),
	          "[{\"id\":\"20251202T110000Z-42.10\",\"trigger\":\"scheduler\",\"result\":\"ok\","
	          "\"start\":\"2025-12-02T11:00:00Z\",\"end\":\"2025-12-02T11:00:01Z\",\"ok\":true,"
	          "\"built\":1,\"failed\":0,\"skipped\":0,\"restored\":0,\"satisfied\":0},"
	          "{\"id\":\"20251202T110000Z-42.9\",\"trigger\":\"scheduler\",\"result\":\"failed\","
	          "\"start\":\"2025-12-02T11:00:00Z\",\"end\":\"2025-12-02T11:00:01Z\",\"ok\":false,"
	          "\"built\":1,\"failed\":1,\"skipped\":1,\"restored\":0,\"satisfied\":0}]");
	buf_clear(&json);
	CHECK_OK(runs_list_json(dir, 1, &json));
	CHECK(!strstr(buf_cstr(&json), "42.9\""));
	buf_clear(&json);
	CHECK_OK(runs_show_json(dir, "20251202T110000Z-42.9", &json));
	CHECK(strstr(buf_cstr(&json), ",\"targets\":[{\"name\":\"a\",\"status\":\"built\",\"attempts\":2,"
	                              "\"duration_ms\":1.5,\"log\":\"said \\\"hi\\\"\\n\"},"));
	CHECK(strstr(buf_cstr(&json), "\"error\":\"exit status 1\\nsecond line\""));
	buf_clear(&json);
	CHECK_INT(runs_show_json(dir, "nosuch", &json), PIPE_ENOTFOUND);
	CHECK_INT(runs_show_json(dir, "../x", &json), PIPE_ENOTFOUND);
	CHECK_INT(json.len, 0);
	error_clear();
	buf_free(&json);
	run_log_free(&log);
	rm_rf(dir);
}

int main(void)
{
	RUN(log_utf8);
	RUN(log_tail);
	RUN(write_and_read);
	T_DONE();
}
