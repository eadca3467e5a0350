/* target.c: what the parser and the kinds share: attributes, the engine's
 * keys, tables a target declares, and errors at a place in a value. */
#include "t.h"
#include <stdio.h>
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

/* Targets by name: found while the map grows from empty, and when it was
 * sized first; a second target of a name gives the first's index. */
static void names_by_index(void)
{
	enum { N = 3000 };
	static struct target targets[N];
	static char names[N][16];
	for (int sized = 0; sized < 2; sized++) {
		struct target_names m = {0};
		if (sized)
			target_names_reserve(&m, targets, N);
		for (size_t i = 0; i < N; i++) {
			snprintf(names[i], sizeof(names[i]), "t%zu", i % 2000);
			targets[i].name = names[i];
			CHECK_INT(target_names_add(&m, targets, i), i < 2000 ? -1 : (long)(i - 2000));
		}
		CHECK_INT(m.len, 2000);
		CHECK(m.cap == (sized ? 8192u : 4096u)); /* reserved for N: no growth */
		CHECK_INT(target_names_find(&m, targets, "t1999"), 1999);
		CHECK_INT(target_names_find(&m, targets, "t0"), 0);
		CHECK_INT(target_names_find(&m, targets, "t2000"), -1);
		CHECK_INT(target_names_find(&m, targets, ""), -1);
		target_names_free(&m);
		CHECK_INT(target_names_find(&m, targets, "t0"), -1);
	}
}

int main(void)
{
	RUN(attributes);
	RUN(engine_keys);
	RUN(declared_tables);
	RUN(errors_inside_values);
	RUN(names_by_index);
	T_DONE();
}
