/* kind_table: a warehouse table, made one of two ways (docs/staging.md):
 *
 *   sql = CREATE TABLE ... AS SELECT ...   runs the statement against the
 *       tables under targets/ (every table it reads must be a dependency);
 *   otherwise                              loads the dependencies' rows:
 *       snapshots (their page-*.json, with the hints in manifest.json) and
 *       .json, .ndjson/.jsonl, .csv files, normalised by load.c.
 *
 * The table is written at ctx->out and published by the engine, so a failed
 * build leaves the old table as it was.  Its checks (checks.c) run there
 * first: a failing one fails the build.  The state record keeps the schema
 * (one "table.column TYPE" line each), the rows, and what checks.c adds:
 * the checks' results and the columns' statistics. */
#include "kind.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "checks.h"
#include "crypto.h"
#include "kind_snapshot.h"

static const char *const keys[] = {
	"dataset", "write", "primary_key", "dedup_sort", "types", "records", "schema", "format",
	"partition_by", "cluster_by", "sql", "max_bytes_billed", "checks", "warn", "checks_sql", NULL,
};

/* Keys that only mean something when the table is loaded from files. */
static const char *const load_keys[] = {
	"write", "primary_key", "dedup_sort", "types", "records", "schema", "format",
	"partition_by", "cluster_by", NULL,
};

static bool one_of(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(v, *words))
			return true;
	return false;
}

static const char *verb_phrase(const char *verb)
{
	static const char *const map[][2] = {
		{"CREATE", "creates"}, {"INSERT", "inserts into"}, {"DROP", "drops"}, {"DELETE", "deletes from"},
		{"UPDATE", "updates"}, {"MERGE", "merges into"}, {"TRUNCATE", "truncates"}, {"ALTER", "alters"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], verb))
			return map[i][1];
	return "changes";
}

/* A table's sql creates that table and nothing else: a statement that
 * drops or writes another table (an input, another target's output, an
 * append table's history) would destroy what this target does not own,
 * and one that writes its own table in place would bypass the publish that
 * keeps the old table until the new one is whole. */
static int own_table_only(const struct target *t, const struct attr *a)
{
	struct backend_sql_write w;
	const char *last;
	int error;
	if ((error = backend_sql_write(a->value, &w)) < 0)
		return error_at(&a->value_pos, "%s", error_last());
	if (w.next_line) {
		error = error_at_value(a, w.next_line, w.next_col, "a second statement: a table's sql is one "
		                       "statement, CREATE OR REPLACE TABLE %s AS SELECT ...", t->name);
		goto done;
	}
	if (!w.verb || !w.table) {
		error = error_at(&a->value_pos, "the sql is %s: a table's sql creates its table, as CREATE OR "
		                 "REPLACE TABLE %s AS SELECT ...", w.verb ? w.verb : "a query", t->name);
		goto done;
	}
	last = strrchr(w.table, '.');
	last = last ? last + 1 : w.table;
	if (!strcmp(w.verb, "CREATE") && str_eq_nocase(last, t->name))
		goto done;
	if (str_eq_nocase(last, t->name))
		error = error_at_value(a, w.line, w.col, "the sql %s table %s, its own output: a table's sql may "
		                       "only create it, as CREATE OR REPLACE TABLE %s AS SELECT ... (each build "
		                       "replaces it whole)", verb_phrase(w.verb), w.table, t->name);
	else
		error = error_at_value(a, w.line, w.col, "the sql %s table %s, which %s does not own: a table's "
		                       "sql may only create its own table, as CREATE OR REPLACE TABLE %s AS "
		                       "SELECT ...", verb_phrase(w.verb), w.table, t->name, t->name);
done:
	backend_sql_write_free(&w);
	return error;
}

static int check(const struct target *t)
{
	const struct attr *a;
	int checks_error;
	if ((checks_error = checks_check(t, false)) < 0)
		return checks_error;
	if ((a = target_attr(t, "write")) && !one_of(a->value, (const char *const[]){"replace", "append", "merge", NULL}))
		return error_at(&a->value_pos, "write = %s: expected replace, append or merge", a->value);
	if ((a = target_attr(t, "write")) && !strcmp(a->value, "merge") && !target_value(t, "primary_key"))
		return error_at(&a->value_pos, "write = merge needs a primary_key (the columns that identify a row)");
	if ((a = target_attr(t, "schema")) && !one_of(a->value, (const char *const[]){"evolve", "freeze", NULL}))
		return error_at(&a->value_pos, "schema = %s: expected evolve or freeze", a->value);
	if ((a = target_attr(t, "format")) && !one_of(a->value, (const char *const[]){"json", "ndjson", "csv", NULL}))
		return error_at(&a->value_pos, "format = %s: expected json, ndjson or csv", a->value);
	if ((a = target_attr(t, "max_bytes_billed"))) {
		char *end;
		if (strtoll(a->value, &end, 10) < 0 || end == a->value || *end)
			return error_at(&a->value_pos, "max_bytes_billed = %s: expected a number of bytes", a->value);
	}
	if ((a = target_attr(t, "types"))) {
		char *copy = xstrdup(a->value), *save = NULL, *w;
		int error = 0;
		for (w = strtok_r(copy, " \t\n,", &save); w && !error; w = strtok_r(NULL, " \t\n,", &save)) {
			char *colon = strchr(w, ':');
			if (!colon || colon == w || !colon[1])
				error = error_at(&a->value_pos, "types: \"%s\" is not column:TYPE (e.g. "
				                 "fare_amount:FLOAT64)", w);
			else if (strcasecmp(colon + 1, "NUMBER") && !backend_type_known(colon + 1))
				error = error_at(&a->value_pos, "types: unknown type %s (BOOL, INT64, FLOAT64, NUMERIC, "
				                 "STRING, DATE, DATETIME, TIMESTAMP, JSON or NUMBER) in %s", colon + 1, w);
		}
		free(copy);
		if (error)
			return error;
	}
	if ((a = target_attr(t, "sql"))) {
		char **reads = NULL, *writes = NULL;
		size_t nreads = 0;
		int error = 0;
		for (size_t i = 0; load_keys[i]; i++) {
			const struct attr *k = target_attr(t, load_keys[i]);
			if (k)
				return error_at(&k->pos, "%s does not apply to a table made by sql (partitioning "
				                "and clustering go in the statement)", load_keys[i]);
		}
		if ((error = own_table_only(t, a)) < 0)
			return error;
		if ((error = backend_sql_tables(a->value, &reads, &nreads, &writes)) < 0) {
			error = error_at(&a->value_pos, "%s", error_last());
		} else {
			for (size_t i = 0; i < nreads && !error; i++)
				if (!target_declared(t, reads[i]))
					error = error_at(&a->value_pos, "the sql reads table %s, which is not a dependency "
					                 "of %s: add it after the colon (table NAME: deps)", reads[i], t->name);
		}
		for (size_t i = 0; i < nreads; i++)
			free(reads[i]);
		free(reads);
		free(writes);
		return error;
	}
	if ((a = target_attr(t, "max_bytes_billed")))
		return error_at(&a->pos, "max_bytes_billed applies to a table made by sql");
	if (!t->ndeps)
		return error_at(&t->pos, "table %s has nothing to load: name a snapshot or a file after the "
		                "colon, or set sql = CREATE TABLE ... AS SELECT ...", t->name);
	return 0;
}

/* The load id: the inputs' content hashes, as the engine computed them for
 * the key (a snapshot's is its directory's), so that the same data loads
 * the same table, byte for byte, without reading the inputs again. */
static void load_id(const struct build_ctx *ctx, char out[17])
{
	struct hasher *h = hasher_new();
	struct hash all;
	char hex[HASH_HEX_LEN + 1];
	for (size_t i = 0; i < ctx->ninputs; i++)
		hasher_update(h, ctx->input_hashes[i].b, sizeof(ctx->input_hashes[i].b));
	hasher_final(h, &all);
	hash_hex(&all, hex);
	memcpy(out, hex, 16);
	out[16] = 0;
}

/* The audit of write-audit-publish (backend.h): the new table's checks
 * and statistics, run before any warehouse's table is replaced.  What they
 * record and print waits in rec, output and ms, so that the record keeps
 * its fields, and the log its lines, in the order the build makes them. */
struct audit {
	struct build_ctx *ctx;
	bool ran, failed;
	double ms;
	struct state_record rec;
	struct buf output;
};

static int audit_table(void *arg)
{
	struct audit *a = arg;
	struct build_ctx *ctx = a->ctx;
	const struct state_record *prev = ctx->prev;
	double t0 = time_now_ms();
	int error;
	error = checks_table(ctx->warehouse, ctx->target, ctx->out, prev && !hash_is_zero(&prev->key) ? prev->rows : -1,
	                     true, "the new table is not published, the previous one stays", &a->rec, &a->output);
	a->ms = time_now_ms() - t0;
	a->ran = true;
	a->failed = error < 0;
	return error;
}

/* The audit's fields and lines into the build's, after the build's own. */
static void audit_done(struct audit *a)
{
	/* bench/checks reads it: their share of the build */
	if (a->ran)
		a->ctx->log(a->ctx, "checks and statistics: %.1f ms", a->ms);
	for (size_t i = 0; i < a->rec.nfields; i++)
		state_field_set(a->ctx->rec, a->rec.fields[i].key, a->rec.fields[i].value);
	buf_add(&a->ctx->output, a->output.data, a->output.len);
	state_record_free(&a->rec);
	buf_free(&a->output);
}

static int build_sql(struct build_ctx *ctx, const char *sql)
{
	struct audit a = {.ctx = ctx};
	struct backend_audit audit = {audit_table, &a};
	struct backend_query opt = {0};
	struct backend_result *res = NULL;
	char *schema = NULL, id[17];
	const char *mbb = target_value(ctx->target, "max_bytes_billed");
	int error;
	load_id(ctx, id);
	/* the same statement on the same inputs: the same job, unless
	 * --full-refresh asks for everything to be done again */
	opt.job_key = ctx->full_refresh ? NULL : id;
	opt.write_to = ctx->out;
	opt.deadline_ms = ctx->deadline_ms;
	opt.expect_table = ctx->target->name;
	opt.max_bytes_billed = mbb ? strtoll(mbb, NULL, 10) : 0;
	opt.audit = &audit;
	opt.hasher = ctx->hasher;
	if ((error = mkdir_p(ctx->out)) < 0)
		return error;
	if ((error = backend_query(ctx->warehouse, sql, &opt, &res)) < 0) {
		const struct attr *at = target_attr(ctx->target, "sql");
		if (!a.failed) /* a failing check says its own place */
			error_prefix("%s:%d:%d: ", at->value_pos.file, at->value_pos.line, at->value_pos.col);
		goto done;
	}
	if ((error = backend_table_schema(ctx->warehouse, ctx->target->name, ctx->out, &schema,
	                                  &ctx->rec->rows)) < 0)
		goto done;
	state_field_set(ctx->rec, "schema", schema);
	if (backend_result_job(res))
		state_field_set(ctx->rec, "job", backend_result_job(res));
	{
		char *line = backend_result_summary(res);
		ctx->log(ctx, "%s", line);
		free(line);
	}
done:
	audit_done(&a);
	free(schema);
	backend_result_free(res);
	return error;
}

/* An append or merge table builds on the table the last build left: one
 * changed since (by hand, by a restore, by a pipe query) would carry the
 * change into every later load, unseen.  So it must be what the state
 * record says the last build wrote. */
static int check_unmodified(const struct build_ctx *ctx)
{
	const char *name = ctx->target->name;
	if (ctx->prev && ctx->output_hash && !hash_is_zero(&ctx->prev->output) &&
	    hash_eq(ctx->output_hash, &ctx->prev->output))
		return 0;
	return error_set("%s was modified outside pipe (%s): %s onto it would keep the change unseen. Restore it "
	                 "as the last build left it, or rebuild it from its inputs as they are now with "
	                 "`pipe build --full-refresh %s` (what only earlier loads brought is then lost)",
	                 ctx->final_out, ctx->prev ? "its files are not what the last build wrote"
	                                           : "pipe has no record of building it",
	                 strcmp(target_value(ctx->target, "write"), "merge") ? "appending" : "merging", name);
}

/* Whether the load id is already in the table: the same input appended
 * again (`pipe build -B`, or an input back to content loaded before) would
 * duplicate its rows.  1 yes, 0 no. */
static int already_loaded(const struct build_ctx *ctx, const char *id)
{
	struct backend_query opt = {0};
	struct backend_result *res = NULL;
	/* named with its dataset, as a warehouse of several datasets needs */
	const char *ds = target_value(ctx->target, "dataset");
	char *q = xasprintf("SELECT COUNT(*) FROM `%s%s%s` WHERE _pipe_load_id = '%s'", ds ? ds : "", ds ? "." : "",
	                    ctx->target->name, id);
	int error = backend_query(ctx->warehouse, q, &opt, &res);
	if (error >= 0)
		error = strcmp(backend_result_cell(res, 0, 0), "0") != 0;
	else
		error_prefix("%s: looking for load %s in the table: ", ctx->final_out, id);
	backend_result_free(res);
	free(q);
	return error;
}

static enum load_format parse_format(const char *f)
{
	if (!f)
		return LOAD_AUTO;
	if (!strcmp(f, "csv"))
		return LOAD_CSV;
	if (!strcmp(f, "ndjson"))
		return LOAD_NDJSON;
	return LOAD_JSON;
}

/* Only the checks changed: they run on the table as the last build left
 * it, which stays, with the rest of its record. */
static int recheck(struct build_ctx *ctx)
{
	const char *previous = state_field(ctx->prev, "previous_rows");
	int error;
	for (size_t i = 0; i < ctx->prev->nfields; i++)
		state_field_set(ctx->rec, ctx->prev->fields[i].key, ctx->prev->fields[i].value);
	if ((error = checks_table(ctx->warehouse, ctx->target, ctx->final_out, previous ? strtoll(previous, NULL, 10) : -1,
	                          false, "the table stays as the last build left it", ctx->rec, &ctx->output)) < 0)
		return error;
	ctx->unchanged = true;
	return 0;
}

static int build_table(struct build_ctx *ctx);

static int build(struct build_ctx *ctx)
{
	if (ctx->checks_only && ctx->prev)
		return recheck(ctx);
	return build_table(ctx);
}

static int build_table(struct build_ctx *ctx)
{
	const struct target *t = ctx->target;
	const char *sql = target_value(t, "sql"), *write = target_value(t, "write"),
	           *schema = target_value(t, "schema");
	struct load_options o = {0};
	struct load_result res = {0};
	struct buf auto_types = BUF_INIT;
	struct audit a = {.ctx = ctx};
	struct backend_audit audit = {audit_table, &a};
	char **paths = NULL, id[17], *where = NULL;
	size_t npaths = 0, cap = 0;
	int error = 0;

	if (sql)
		return build_sql(ctx, sql);
	for (size_t i = 0; i < ctx->ninputs && error >= 0; i++) {
		if (path_is_dir(ctx->inputs[i])) {
			snapshot_hints(ctx->inputs[i], &auto_types);
			error = snapshot_pages(ctx->inputs[i], &paths, &npaths, &cap);
		} else {
			grow_array(&paths, &cap, npaths + 1, sizeof(char *));
			paths[npaths++] = xstrdup(ctx->inputs[i]);
		}
	}
	if (error < 0)
		goto done;
	load_id(ctx, id);
	where = xasprintf("%s:%d:%d", t->pos.file, t->pos.line, t->pos.col);
	o.table = t->name;
	o.dataset = target_value(t, "dataset");
	o.paths = (const char *const *)paths;
	o.npaths = npaths;
	o.format = parse_format(target_value(t, "format"));
	o.records = target_value(t, "records");
	o.auto_types = auto_types.len ? auto_types.data : NULL;
	o.types = target_value(t, "types");
	o.write = !write || !strcmp(write, "replace") ? LOAD_REPLACE : !strcmp(write, "append") ? LOAD_APPEND : LOAD_MERGE;
	o.primary_key = target_value(t, "primary_key");
	o.dedup_sort = target_value(t, "dedup_sort");
	o.freeze = schema && !strcmp(schema, "freeze");
	o.prev_dir = !ctx->full_refresh && path_is_dir(ctx->final_out) ? ctx->final_out : NULL;
	o.out_dir = ctx->out;
	o.load_id = id;
	o.partition_by = target_value(t, "partition_by");
	o.cluster_by = target_value(t, "cluster_by");
	o.where = where;
	o.hasher = ctx->hasher;
	if (o.prev_dir && o.write != LOAD_REPLACE && (error = check_unmodified(ctx)) < 0)
		goto done;
	if (o.prev_dir && o.write == LOAD_APPEND && (error = already_loaded(ctx, id)) != 0) {
		if (error < 0)
			goto done;
		buf_printf(&ctx->output, "%s: load %s (these inputs) is already in the table: nothing appended\n",
		           t->name, id);
		ctx->unchanged = true;
		if (state_field(ctx->prev, "schema"))
			state_field_set(ctx->rec, "schema", state_field(ctx->prev, "schema"));
		state_field_set(ctx->rec, "loaded_rows", "0");
		state_field_set(ctx->rec, "load_id", id);
		/* the table as it was, and so its figures */
		for (const char *const *f = (const char *const[]){"checks", "stats", "previous_rows", NULL}; *f; f++)
			state_field_set(ctx->rec, *f, state_field(ctx->prev, *f));
		error = 0;
		goto done;
	}
	if ((error = backend_load(ctx->warehouse, &o, &audit, ctx->deadline_ms, &res)) < 0)
		goto done;
	ctx->rec->rows = res.rows;
	state_field_set(ctx->rec, "schema", res.schema);
	if (res.decisions && *res.decisions) {
		state_field_set(ctx->rec, "decisions", res.decisions);
		for (const char *p = res.decisions, *nl; (nl = strchr(p, '\n')); p = nl + 1)
			buf_printf(&ctx->output, "%s: %.*s\n", t->name, (int)(nl - p), p);
	}
	{
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)res.loaded);
		state_field_set(ctx->rec, "loaded_rows", n);
		state_field_set(ctx->rec, "load_id", id);
	}
	ctx->log(ctx, "loaded %lld row%s (load %s): %lld row%s in %s", (long long)res.loaded,
	         res.loaded == 1 ? "" : "s", id, (long long)res.rows, res.rows == 1 ? "" : "s", t->name);
done:
	audit_done(&a);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	free(where);
	buf_free(&auto_types);
	load_result_free(&res);
	return error;
}

/* A table replaced whole (sql, or write = replace) is its inputs' alone;
 * append and merge build on the table as it is.  A checked table is not
 * restored by key either: an earlier build's output passed the checks of
 * its day, against the `previous` of its day, not necessarily today's. */
static bool pure(const struct target *t)
{
	const char *write = target_value(t, "write");
	if (target_value(t, "checks") || target_value(t, "checks_sql"))
		return false;
	return target_value(t, "sql") || !write || !strcmp(write, "replace");
}

const struct kind kind_table = {
	.name = "table",
	.keys = keys,
	.check_keys = checks_table_keys,
	.check = check,
	.build = build,
	.pure = pure,
	.warehouse = true,
};
