/* backend_local: the local warehouse behind backend.h.  Tables are the
 * directories under root (targets/), read and written by src/warehouse/;
 * loads are the loader's (load.c).  Holds nothing but root, so one
 * backend serves every build thread at once. */
#include "backend_int.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "json.h"
#include "warehouse/bytes.h"
#include "warehouse/hll.h"
#include "warehouse/sql.h"
#include "warehouse/table.h"

struct local {
	struct backend base;
	char *root;
};

struct local_result {
	struct backend_result base;
	struct sql_result *sql;
};

static const char *root_of(const struct backend *b)
{
	return ((const struct local *)b)->root;
}

static const struct sql_result *sql_of(const struct backend_result *r)
{
	return ((const struct local_result *)r)->sql;
}

static size_t result_ncols(const struct backend_result *r) { return sql_result_ncols(sql_of(r)); }
static size_t result_nrows(const struct backend_result *r) { return sql_result_nrows(sql_of(r)); }

static const char *result_colname(const struct backend_result *r, size_t col)
{
	return sql_result_colname(sql_of(r), col);
}

static const char *result_coltype(const struct backend_result *r, size_t col)
{
	return sql_result_coltype(sql_of(r), col);
}

static const char *result_cell(const struct backend_result *r, size_t row, size_t col)
{
	return sql_result_cell(sql_of(r), row, col);
}

static void result_free(struct backend_result *r)
{
	struct local_result *lr = (struct local_result *)r;
	if (lr->sql)
		sql_result_free(lr->sql);
	free(lr);
}

static const struct backend_result_ops local_result_ops = {
	.ncols = result_ncols,
	.nrows = result_nrows,
	.colname = result_colname,
	.coltype = result_coltype,
	.cell = result_cell,
	.free = result_free,
};

static int local_load(struct backend *b, const struct load_options *o, const struct backend_audit *audit,
                      double deadline_ms, struct load_result *res)
{
	int error;
	(void)b;
	(void)deadline_ms; /* the loader runs to its end */
	if ((error = load_run(o, res)) < 0)
		return error;
	return backend_audit_run(audit);
}

static int local_query(struct backend *b, const char *sql, const struct backend_query *q,
                       struct backend_result **out)
{
	struct sql_options opt = {
		.root = root_of(b),
		.dry_run = q->dry_run,
		.max_bytes_billed = q->max_bytes_billed,
		.output_dir = q->write_to,
		.expect_table = q->expect_table,
		.explain = q->explain,
		.memory_limit = q->memory_limit,
		.deadline_ms = q->deadline_ms,
		.read_table = q->read_table,
		.read_from = q->read_from,
		.hasher = q->hasher,
	};
	struct sql_result *res = NULL;
	struct local_result *lr;
	const struct sql_stats *s;
	int error;
	if ((error = sql_run(sql, &opt, &res)) < 0) {
		if (res)
			sql_result_free(res);
		return error;
	}
	if (q->write_to && (error = backend_audit_run(q->audit)) < 0) {
		sql_result_free(res);
		return error;
	}
	s = sql_result_stats(res);
	lr = xcalloc(1, sizeof(*lr));
	lr->base.ops = &local_result_ops;
	lr->base.stats = (struct backend_stats){
		.bytes_processed = s->bytes_processed,
		.bytes_billed = s->bytes_billed,
		.estimate_bytes = s->estimate_bytes,
		.min_billed_per_table = (int64_t)BYTES_MIN_BILLED,
		.partitions_scanned = s->partitions_scanned,
		.partitions_total = s->partitions_total,
		.blocks_scanned = s->blocks_scanned,
		.blocks_total = s->blocks_total,
		.rows = s->rows,
		.elapsed_ms = s->elapsed_ms,
	};
	lr->base.message = sql_result_message(res);
	lr->base.dry_run = sql_result_dry_run(res);
	lr->sql = res;
	*out = &lr->base;
	return 0;
}

static int local_table_schema(struct backend *b, const char *name, const char *dir, char **schema, int64_t *rows)
{
	char *found = NULL;
	int error;
	if (!dir && (error = table_resolve(root_of(b), name, &found)) < 0)
		return error;
	error = sql_table_schema(dir ? dir : found, name, schema, rows);
	free(found);
	return error;
}

static int local_describe(struct backend *b, const char *name, struct buf *out)
{
	struct table *t = NULL;
	char *dir = NULL;
	int error;
	if ((error = table_resolve(root_of(b), name, &dir)) < 0 || (error = table_open(&t, dir)) < 0)
		goto done;
	table_describe(t, out);
	table_close(t);
done:
	free(dir);
	return error;
}

/* The bounds the writer kept per block (table.h's col_stats), folded
 * over the blocks, and the distinct estimates of the sketches it kept. */
static int local_bounds(struct backend *b, const char *name, const char *dir, struct backend_bounds **out,
                        size_t *n)
{
	struct table *t = NULL;
	char *found = NULL;
	struct backend_bounds *v = NULL;
	uint8_t **sketches = NULL;
	size_t ncols = 0;
	int error;
	if ((!dir && (error = table_resolve(root_of(b), name, &found)) < 0) ||
	    (error = table_open(&t, dir ? dir : found)) < 0 ||
	    (error = hll_file_read(t->dir, t->spec.ncols, &sketches)) < 0)
		goto done;
	ncols = t->spec.ncols;
	v = xcalloc(ncols ? ncols : 1, sizeof(*v));
	for (size_t c = 0; c < ncols; c++) {
		const struct value *lo = NULL, *hi = NULL;
		bool kept = true;
		v[c].name = xstrdup(t->spec.cols[c].name);
		v[c].known = true;
		if ((v[c].sketched = sketches && sketches[c]))
			v[c].distinct = hll_estimate(sketches[c]);
		for (size_t p = 0; p < t->npartitions; p++) {
			const struct partition *part = &t->partitions[p];
			for (size_t k = 0; k < part->nblocks; k++) {
				const struct col_stats *s = block_stats(&part->blocks[k], (int)c);
				v[c].nulls += (int64_t)s->nulls;
				if (s->nulls == part->blocks[k].rows)
					continue;
				if (s->min.is_null || s->max.is_null) {
					kept = false; /* not kept for this block: a query must look */
					continue;
				}
				if (!lo || value_order(&s->min, lo) < 0)
					lo = &s->min;
				if (!hi || value_order(&s->max, hi) > 0)
					hi = &s->max;
			}
		}
		if (kept && lo) {
			struct buf text = BUF_INIT;
			value_format(lo, &text);
			v[c].min = buf_detach(&text);
			value_format(hi, &text);
			v[c].max = buf_detach(&text);
		}
	}
	*out = v;
	*n = ncols;
	v = NULL;
done:
	if (t)
		table_close(t);
	hll_sketches_free(sketches, ncols);
	free(found);
	free(v);
	return error;
}

static int local_list(struct backend *b, char ***names, size_t *n)
{
	return table_list(root_of(b), names, n);
}

static int local_drop(struct backend *b, const char *name)
{
	struct backend_query q = {0};
	struct backend_result *r = NULL;
	char *sql;
	int error;
	if (strchr(name, '`'))
		return error_setcode(PIPE_EUSAGE, "bad table name %s: a name has no backtick", name);
	sql = xasprintf("DROP TABLE `%s`", name);
	error = local_query(b, sql, &q, &r);
	backend_result_free(r);
	free(sql);
	return error;
}

static void local_close(struct backend *b)
{
	struct local *l = (struct local *)b;
	free(l->root);
	free(l);
}

static const struct backend_ops local_ops = {
	.name = "local",
	.load = local_load,
	.query = local_query,
	.table_schema = local_table_schema,
	.describe = local_describe,
	.bounds = local_bounds,
	.list = local_list,
	.drop = local_drop,
	.close = local_close,
};

int backend_local_open(struct backend **out, const char *root)
{
	sql_set_json_path(json_path);
	sql_set_json_array(json_path_array);
	sql_set_digest(digest_bytes);
	struct local *l = xcalloc(1, sizeof(*l));
	l->base.ops = &local_ops;
	l->root = xstrdup(root);
	*out = &l->base;
	return 0;
}
