/* target.c: what the parser and the kinds share: attributes, the engine's
 * keys, tables a target declares, and errors at a place in a value. */
#include "t.h"
#include "target.h"

static void attributes(void)
{
	struct attr attrs[] = {
		{.key = "run", .value = "sort $in > $out"},
		{.key = "every", .value = "1h"},
	};
	struct target t = {.name = "words", .attrs = attrs, .nattrs = 2};
	CHECK(target_attr(&t, "every") == &attrs[1]);
	CHECK_STR(target_value(&t, "run"), "sort $in > $out");
	CHECK(target_attr(&t, "out") == NULL);
	CHECK(target_value(&t, "out") == NULL);
}

static void engine_keys(void)
{
	CHECK(target_engine_key("every"));
	CHECK(target_engine_key("description"));
	CHECK(!target_engine_key("run"));
	CHECK(!target_engine_key("ever"));
	CHECK_STR(target_engine_keys[0], "every");
	CHECK_STR(target_engine_keys[1], "description");
	CHECK_STR(target_engine_keys[2], "cron");
	CHECK_STR(target_engine_keys[3], "tz");
	CHECK_STR(target_engine_keys[4], "retries");
	CHECK_STR(target_engine_keys[5], "retry_delay");
	CHECK_STR(target_engine_keys[6], "timeout");
	CHECK_STR(target_engine_keys[7], "catchup");
	CHECK(target_engine_keys[8] == NULL);
}

/* A table named as SQL writes it: by its last part, in any case, or as a
 * child table (t__items) of a dependency. */
static void declared_tables(void)
{
	struct dep deps[] = {{.name = "staging_trips"}, {.name = "coins"}};
	struct target t = {.name = "report", .deps = deps, .ndeps = 2};
	CHECK(target_declared(&t, "staging_trips"));
	CHECK(target_declared(&t, "proj.dataset.Staging_Trips"));
	CHECK(target_declared(&t, "crypto.coins__items"));
	CHECK(!target_declared(&t, "coins_items"));
	CHECK(!target_declared(&t, "coin"));
	CHECK(!target_declared(&t, "staging.other"));
}

/* Line 3, column 5 of a value: counted from the value's first character in
 * the DAG file, or in the @file the value was read from. */
static void errors_inside_values(void)
{
	struct attr inline_sql = {.key = "sql", .value = "x", .value_pos = {"p.pipe", 10, 9}};
	struct attr file_sql = {.key = "sql", .value = "x", .value_pos = {"p.pipe", 10, 9}, .at_path = "q.sql"};
	CHECK_INT(error_at_value(&inline_sql, 3, 5, "bad %s", "word"), PIPE_EUSAGE);
	CHECK_STR(error_last(), "p.pipe:12:13: bad word");
	error_at_value(&inline_sql, 1, 1, "first");
	CHECK_STR(error_last(), "p.pipe:10:9: first");
	CHECK_INT(error_at_value(&file_sql, 3, 5, "bad"), PIPE_EUSAGE);
	CHECK_STR(error_last(), "q.sql:3:5: bad");
}

int main(void)
{
	RUN(attributes);
	RUN(engine_keys);
	RUN(declared_tables);
	RUN(errors_inside_values);
	T_DONE();
}
