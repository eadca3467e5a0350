/* backend_bigquery: BigQuery behind backend.h, over its REST API v2
 * (https://cloud.google.com/bigquery/docs/reference/rest), whose calls
 * and jobs are bigquery_job.c's: no curl, no OpenSSL here.
 * docs/bigquery.md is the user's side of it.
 *
 * The local warehouse stays beside it as a mirror.  Every load and every
 * CREATE TABLE ... AS SELECT runs there first, into the table kind's
 * scratch output, exactly as with warehouse = local; BigQuery then gets the
 * same table (a load job of the mirror's rows, or the statement as a query
 * job).  So the engine's outputs, keys, staleness and state records are
 * the local warehouse's, a failed job leaves them as they were (the
 * scratch output is never published), and each query's bytes have a local
 * figure to be compared with BigQuery's.  The caller's audit (a table's
 * checks, backend.h) runs on the mirror's scratch output before any job is
 * sent: a failing check writes nothing in BigQuery.
 *
 * Names.  A DAG's SQL names tables as [project.]dataset.table; each
 * reference goes to the profile's project (bigquery_project, else the key
 * file's project_id), in the dataset it names, or bigquery_dataset when it
 * names none.  A load goes to its target's dataset, or bigquery_dataset.
 *
 * Jobs.  A job's id is a hash of what it does (the statement or the load's
 * metadata and rows, and the caller's job_key: the target's inputs), so a
 * build that is retried or resumed sends the same id, and BigQuery's 409
 * "duplicate" is the same job, fetched rather than paid for twice.  A job
 * that fails with rateLimitExceeded, backendError, internalError or stopped is sent
 * again under a new id (a failed id cannot be reused).  Nothing is sent
 * before the first job: a build with nothing to do asks for no token.
 *
 * Loads.  The mirror's table is sent as NEWLINE_DELIMITED_JSON: whole
 * (WRITE_TRUNCATE) for a replace or a first load; else, after an ALTER
 * TABLE of the columns the load added (add_columns), this load's rows
 * alone (_pipe_load_id), appended
 * (WRITE_APPEND), or for a merge loaded into a temporary table as they
 * came (before the mirror's merge chose among them), MERGEd on the primary
 * key by BigQuery with the loader's rules (merge_into), and the temporary
 * table deleted: both warehouses carry the merge out, to the same rows. */
#include "backend_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bigquery_job.h"
#include "crypto.h"

struct bq {
	struct backend base;
	struct backend *mirror; /* the local warehouse, under targets/ */
	char *project, *location, *dataset; /* from the profile; NULL: defaults */
	struct bq_api api;                  /* its auth: the key, read at open; no token yet */
	pthread_mutex_t lock;               /* for datasets, from the build's threads */
	char **datasets;                    /* known to exist */
	size_t ndatasets, capdatasets;
	char *key_project;                  /* the key file's project_id */
};

struct bq_result {
	struct backend_result base;
	size_t ncols, nrows, cap;
	char **names, **types;
	char **cells; /* nrows * ncols, NULL for SQL NULL */
	char *message, *job;
};

/* ---- results ---- */

static const struct bq_result *bqr(const struct backend_result *r) { return (const struct bq_result *)r; }
static size_t result_ncols(const struct backend_result *r) { return bqr(r)->ncols; }
static size_t result_nrows(const struct backend_result *r) { return bqr(r)->nrows; }
static const char *result_colname(const struct backend_result *r, size_t c) { return bqr(r)->names[c]; }
static const char *result_coltype(const struct backend_result *r, size_t c) { return bqr(r)->types[c]; }

static const char *result_cell(const struct backend_result *r, size_t row, size_t col)
{
	return bqr(r)->cells[row * bqr(r)->ncols + col];
}

static void result_free(struct backend_result *r)
{
	struct bq_result *b = (struct bq_result *)r;
	for (size_t c = 0; c < b->ncols; c++) {
		free(b->names[c]);
		free(b->types[c]);
	}
	for (size_t i = 0; i < b->nrows * b->ncols; i++)
		free(b->cells[i]);
	free(b->names);
	free(b->types);
	free(b->cells);
	free(b->message);
	free(b->job);
	free(b);
}

static const struct backend_result_ops bq_result_ops = {
	.ncols = result_ncols,
	.nrows = result_nrows,
	.colname = result_colname,
	.coltype = result_coltype,
	.cell = result_cell,
	.free = result_free,
};

/* The key file's project_id, read once beside auth_open. */
static int read_key_project(const char *path, char **out)
{
	struct buf text = BUF_INIT;
	struct json_doc d = {0};
	int error;
	*out = NULL;
	if ((error = file_read(path, &text)) < 0 || (error = json_parse(&d, text.data, text.len, path)) < 0)
		goto done;
	*out = bq_jstr(&d, 0, "project_id");
done:
	json_doc_free(&d);
	buf_free(&text);
	return error;
}

/* The project is known at the first request: the profile's settings come
 * after backend_open. */
static int ensure_auth(struct bq *bq)
{
	if (!bq->project && !bq->key_project)
		return error_setcode(PIPE_EUSAGE, "no BigQuery project: set bigquery_project in the profile "
		                     "(pipelines/profiles), or use a key file that names its project_id");
	return 0;
}

static const char *project(const struct bq *bq)
{
	return bq->project ? bq->project : bq->key_project;
}

static const char *location(const struct bq *bq)
{
	return bq->location ? bq->location : "US";
}

/* The calls' project and location, after the settings changed. */
static void api_update(struct bq *bq)
{
	bq->api.project = project(bq);
	bq->api.location = location(bq);
}

/* ---- names ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '.';
}

/* name as BigQuery's reference: the profile's project, the dataset the
 * name gives or the default one, the table. */
static char *map_name(const struct bq *bq, const char *name)
{
	const char *last = strrchr(name, '.'), *ds_end = last, *ds = name;
	if (!last)
		return xasprintf("%s.%s.%s", project(bq), bq->dataset ? bq->dataset : "pipe", name);
	for (const char *p = name; p < last; p++)
		if (*p == '.')
			ds = p + 1;
	return xasprintf("%s.%.*s.%s", project(bq), (int)(ds_end - ds), ds, last + 1);
}

/* sql with each table it reads or writes named as map_name says. */
static int map_sql(const struct bq *bq, const char *sql, char **out)
{
	char **names = NULL, *writes = NULL;
	size_t n = 0;
	struct buf b = BUF_INIT;
	int error;
	if ((error = backend_sql_tables(sql, &names, &n, &writes)) < 0)
		return error;
	if (writes) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = writes;
	}
	for (const char *p = sql; *p;) {
		bool hit = false;
		if (!name_char(p[0]) || p == sql || !name_char(p[-1]) || p[-1] == '`') {
			for (size_t i = 0; i < n && !hit; i++) {
				size_t len = strlen(names[i]);
				bool tick = *p == '`';
				if (strncasecmp(p + tick, names[i], len) || (tick && p[len + 1] != '`') ||
				    (!tick && name_char(p[len])))
					continue;
				char *to = map_name(bq, names[i]);
				buf_printf(&b, "`%s`", to);
				free(to);
				p += len + 2 * tick;
				hit = true;
			}
		}
		if (!hit)
			buf_putc(&b, *p++);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	*out = buf_detach(&b);
	return 0;
}

/* Makes the dataset when the project has none of that name (datasets.get,
 * then datasets.insert in the profile's location), once per run. */
static int ensure_dataset(struct bq *bq, const char *ds)
{
	struct http_reply rep = {0};
	struct json_doc d = {0};
	char *path = xasprintf("/datasets/%s", ds), *body = NULL;
	long status = 0;
	int error = 0;
	pthread_mutex_lock(&bq->lock);
	for (size_t i = 0; i < bq->ndatasets; i++)
		if (!strcmp(bq->datasets[i], ds))
			goto done;
	if ((error = bq_call(&bq->api, "GET", path, NULL, &rep, &d, &status)) < 0)
		goto done;
	if (status == 404) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "{\"datasetReference\":{\"projectId\":");
		buf_json_string(&b, project(bq));
		buf_puts(&b, ",\"datasetId\":");
		buf_json_string(&b, ds);
		buf_puts(&b, "},\"location\":");
		buf_json_string(&b, location(bq));
		buf_putc(&b, '}');
		body = buf_detach(&b);
		/* 409: made meanwhile by another run */
		if ((error = bq_call(&bq->api, "POST", "/datasets", body, &rep, &d, &status)) < 0)
			goto done;
		if (status == 404)
			error = bq_reply_error(&rep, "datasets.insert");
	}
	if (error >= 0) {
		grow_array(&bq->datasets, &bq->capdatasets, bq->ndatasets + 1, sizeof(char *));
		bq->datasets[bq->ndatasets++] = xstrdup(ds);
	}
done:
	pthread_mutex_unlock(&bq->lock);
	if (error < 0)
		error_prefix("dataset %s: ", ds);
	http_reply_free(&rep);
	bq_doc_free(&d);
	free(path);
	free(body);
	return error;
}

/* ---- queries ---- */

/* "2019-01-01 00:00:00 UTC", from microseconds since the epoch (asked for
 * with useInt64Timestamp), or from seconds as a float ("1.5463008E9", the
 * API's default); NULL for any other text. */
static char *timestamp_text(const char *v)
{
	char *end;
	long long us = strtoll(v, &end, 10);
	if (*end) {
		double secs = strtod(v, &end);
		if (*end || end == v)
			return NULL;
		us = (long long)(secs * 1e6 + (secs < 0 ? -0.5 : 0.5));
	} else if (end == v) {
		return NULL;
	}
	time_t secs = (time_t)(us / 1000000);
	long frac = (long)(us % 1000000);
	struct tm tm;
	char day[32];
	if (frac < 0)
		frac += 1000000, secs--;
	gmtime_r(&secs, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	if (!frac)
		return xasprintf("%s UTC", day);
	/* milliseconds or microseconds, as the local warehouse's cells have them */
	if (frac % 1000 == 0)
		return xasprintf("%s.%03ld UTC", day, frac / 1000);
	return xasprintf("%s.%06ld UTC", day, frac);
}

/* A field's type by GoogleSQL's name: the REST API answers with the
 * legacy ones (INTEGER, FLOAT, BOOLEAN).  Takes type. */
static char *standard_type(char *type)
{
	static const char *const legacy[][2] = {
		{"INTEGER", "INT64"}, {"FLOAT", "FLOAT64"}, {"BOOLEAN", "BOOL"}, {"RECORD", "STRUCT"},
	};
	if (!type)
		return xstrdup("STRING");
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (!strcmp(type, legacy[i][0])) {
			free(type);
			return xstrdup(legacy[i][1]);
		}
	return type;
}

/* Reads a page of rows from getQueryResults into the result (bq_pages). */
static int read_page(void *arg, const struct json_doc *d)
{
	struct bq_result *res = arg;
	int fields = bq_jpath(d, 0, "schema.fields"), rows = bq_jpath(d, 0, "rows");
	if (!res->names && fields >= 0) {
		res->ncols = (size_t)d->toks[fields].size;
		res->names = xcalloc(res->ncols + 1, sizeof(char *));
		res->types = xcalloc(res->ncols + 1, sizeof(char *));
		for (int i = 0, f = fields + 1; i < d->toks[fields].size; i++, f = json_skip(d, f)) {
			res->names[i] = bq_jstr(d, f, "name");
			res->types[i] = standard_type(bq_jstr(d, f, "type"));
		}
	}
	if (rows < 0)
		return 0;
	for (int i = 0, row = rows + 1; i < d->toks[rows].size; i++, row = json_skip(d, row)) {
		int f = json_get(d, row, "f");
		if (f < 0 || d->toks[f].type != JSON_ARRAY || (size_t)d->toks[f].size != res->ncols)
			return error_set("a row of the job's results has not %zu cells", res->ncols);
		grow_array(&res->cells, &res->cap, (res->nrows + 1) * res->ncols, sizeof(char *));
		for (size_t c = 0, cell = (size_t)f + 1; c < res->ncols; c++, cell = (size_t)json_skip(d, (int)cell)) {
			char *v = bq_jstr(d, (int)cell, "v");
			char *t = v && !strcmp(res->types[c], "TIMESTAMP") ? timestamp_text(v) : NULL;
			if (t) {
				free(v);
				v = t;
			}
			res->cells[res->nrows * res->ncols + c] = v;
		}
		res->nrows++;
	}
	return 0;
}

/* The query job's configuration. */
static char *query_configuration(const char *sql, const struct backend_query *q)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"query\":{\"query\":");
	buf_json_string(&b, sql);
	buf_puts(&b, ",\"useLegacySql\":false");
	if (q->max_bytes_billed > 0)
		buf_printf(&b, ",\"maximumBytesBilled\":\"%" PRId64 "\"", q->max_bytes_billed);
	buf_printf(&b, "}%s}", q->dry_run ? ",\"dryRun\":true" : "");
	return buf_detach(&b);
}

static void stats_from_job(const struct json_doc *d, struct backend_stats *s)
{
	int st = bq_jpath(d, 0, "statistics");
	s->bytes_processed = bq_jint(d, st, "query.totalBytesProcessed");
	if (!s->bytes_processed)
		s->bytes_processed = bq_jint(d, st, "totalBytesProcessed");
	s->bytes_billed = bq_jint(d, st, "query.totalBytesBilled");
	int64_t start = bq_jint(d, st, "startTime"), end = bq_jint(d, st, "endTime");
	s->elapsed_ms = start && end >= start ? (double)(end - start) : 0;
	s->min_billed_per_table = 10 << 20;
}

/* The same statement on the mirror: its figures for comparison, and for
 * CREATE TABLE ... AS SELECT the mirror's table, audited there (q->audit)
 * before the job that writes BigQuery's is sent.  A SELECT of a table the
 * mirror lacks (not built by pipe) has no local figures: 0. */
static int run_mirror(struct bq *bq, const char *sql, const struct backend_query *q, struct backend_stats *out)
{
	struct backend_result *r = NULL;
	int error = backend_query(bq->mirror, sql, q, &r);
	if (error >= 0) {
		*out = *backend_result_stats(r);
	} else if (!q->write_to) {
		error_clear();
		error = 0;
		out->rows = -1;
	}
	backend_result_free(r);
	return error;
}

/* The dataset of the table a statement creates, made when missing. */
static int ensure_written_dataset(struct bq *bq, const char *sql)
{
	char **reads = NULL, *writes = NULL, *full = NULL;
	size_t n = 0;
	int error;
	if ((error = backend_sql_tables(sql, &reads, &n, &writes)) < 0 || !writes)
		goto done;
	full = map_name(bq, writes);
	char *ds = strchr(full, '.') + 1;
	*strchr(ds, '.') = 0;
	error = ensure_dataset(bq, ds);
done:
	for (size_t i = 0; i < n; i++)
		free(reads[i]);
	free(reads);
	free(writes);
	free(full);
	return error;
}

static int bq_query(struct backend *b, const char *sql, const struct backend_query *q, struct backend_result **out);

/* A statement the local copy cannot run (a table pipe did not build) has
 * no local figures: its estimate is BigQuery's dry run's. */
static int dry_run_estimate(struct backend *b, const char *sql, const struct backend_query *q,
                            struct backend_stats *s)
{
	struct backend_query dry = *q;
	struct backend_result *r = NULL;
	int error;
	dry.dry_run = true;
	if ((error = bq_query(b, sql, &dry, &r)) >= 0)
		s->estimate_bytes = backend_result_stats(r)->estimate_bytes;
	backend_result_free(r);
	return error;
}

static int bq_query(struct backend *b, const char *sql, const struct backend_query *q, struct backend_result **out)
{
	struct bq *bq = (struct bq *)b;
	/* --explain is the local copy's plan, and sends nothing: BigQuery
	 * shows its own only for a job that ran. */
	if (q->explain)
		return backend_query(bq->mirror, sql, q, out);
	struct bq_result *res = xcalloc(1, sizeof(*res));
	struct backend_stats local = {0};
	struct json_doc d = {0};
	char *mapped = NULL, *conf = NULL, *id = NULL;
	int error;
	res->base.ops = &bq_result_ops;
	if ((error = run_mirror(bq, sql, q, &local)) < 0 || (error = ensure_auth(bq)) < 0 ||
	    (error = map_sql(bq, sql, &mapped)) < 0)
		goto done;
	conf = query_configuration(mapped, q);
	if (q->dry_run) {
		struct http_reply rep = {0};
		char *body = NULL;
		long status = 0;
		char *dry_id = bq_job_id(mapped, NULL);
		body = bq_job_body(&bq->api, dry_id, conf);
		free(dry_id);
		error = bq_call(&bq->api, "POST", "/jobs", body, &rep, &d, &status);
		if (error >= 0 && status != 200)
			error = bq_reply_error(&rep, "dry run");
		http_reply_free(&rep);
		free(body);
		if (error < 0)
			goto done;
		stats_from_job(&d, &res->base.stats);
		res->base.stats.estimate_bytes = res->base.stats.bytes_processed;
		res->base.stats.bytes_processed = res->base.stats.bytes_billed = 0;
		res->base.dry_run = true;
	} else {
		if (q->write_to && (error = ensure_written_dataset(bq, sql)) < 0)
			goto done;
		if ((error = bq_run_job(&bq->api, mapped, q->job_key, conf, NULL, q->deadline_ms, &d, &id)) < 0)
			goto done;
		stats_from_job(&d, &res->base.stats);
		char *type = bq_jstr(&d, 0, "statistics.query.statementType");
		if (type && strcmp(type, "SELECT")) {
			char *table = bq_jstr(&d, 0, "configuration.query.destinationTable.tableId");
			res->message = xasprintf("BigQuery: %s done (job %s)", type, id);
			free(table);
		} else if ((error = bq_pages(&bq->api, id, read_page, res)) < 0) {
			error_prefix("job %s: ", id);
		}
		free(type);
		res->base.stats.rows = (int64_t)res->nrows;
		res->base.stats.estimate_bytes = local.estimate_bytes;
		if (local.rows < 0 && !q->write_to && (error = dry_run_estimate(b, sql, q, &res->base.stats)) < 0)
			goto done;
		res->job = id;
		id = NULL;
	}
	res->base.message = res->message;
	if (local.rows >= 0) {
		res->base.stats.local = true;
		res->base.stats.local_bytes_processed = q->dry_run ? local.estimate_bytes : local.bytes_processed;
		res->base.stats.local_bytes_billed = local.bytes_billed;
	}
	res->base.job = res->job;
done:
	if (error < 0) {
		result_free(&res->base);
		res = NULL;
	}
	*out = res ? &res->base : NULL;
	bq_doc_free(&d);
	free(mapped);
	free(conf);
	free(id);
	return error;
}

/* ---- loads ---- */

/* The column a merge's rows carry to BigQuery: their order in the load,
 * which decides between rows of one key as the loader's merge does. */
#define MERGE_SEQ "_pipe_merge_seq"

/* One row of a result as a JSON object, NULLs left out; with numbered,
 * its number as MERGE_SEQ too. */
static void put_row(struct buf *b, const struct backend_result *r, size_t row, bool numbered)
{
	bool first = true;
	buf_putc(b, '{');
	for (size_t c = 0; c < backend_result_ncols(r); c++) {
		const char *v = backend_result_cell(r, row, c), *type = backend_result_coltype(r, c);
		if (!v)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = false;
		buf_json_string(b, backend_result_colname(r, c));
		buf_putc(b, ':');
		if ((!strcmp(type, "INT64") || !strcmp(type, "BOOL") ||
		     (!strcmp(type, "FLOAT64") && strcmp(v, "inf") && strcmp(v, "-inf") && strcmp(v, "nan"))))
			buf_puts(b, v);
		else
			buf_json_string(b, v);
	}
	if (numbered)
		buf_printf(b, "%s\"" MERGE_SEQ "\":%zu", first ? "" : ",", row);
	buf_puts(b, "}\n");
}

/* The load job's configuration: the table, its schema from the mirror's
 * columns, partitioning and clustering as the target asks. */
static char *load_configuration(const struct bq *bq, const struct load_options *o, const char *table,
                                const char *disposition, const struct backend_result *r, bool numbered)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"load\":{\"destinationTable\":{\"projectId\":");
	buf_json_string(&b, project(bq));
	buf_puts(&b, ",\"datasetId\":");
	buf_json_string(&b, o->dataset ? o->dataset : bq->dataset ? bq->dataset : "pipe");
	buf_puts(&b, ",\"tableId\":");
	buf_json_string(&b, table);
	buf_printf(&b, "},\"sourceFormat\":\"NEWLINE_DELIMITED_JSON\",\"writeDisposition\":\"%s\","
	           "\"createDisposition\":\"CREATE_IF_NEEDED\",\"schema\":{\"fields\":[", disposition);
	for (size_t c = 0; c < backend_result_ncols(r); c++) {
		buf_puts(&b, c ? ",{\"name\":" : "{\"name\":");
		buf_json_string(&b, backend_result_colname(r, c));
		buf_printf(&b, ",\"type\":\"%s\",\"mode\":\"NULLABLE\"}", backend_result_coltype(r, c));
	}
	if (numbered)
		buf_puts(&b, ",{\"name\":\"" MERGE_SEQ "\",\"type\":\"INT64\",\"mode\":\"REQUIRED\"}");
	buf_puts(&b, "]}");
	if (o->partition_by && !strcmp(table, o->table)) {
		/* "col", "DATE(col)", "col MONTH" */
		char *p = xstrdup(o->partition_by), *col = p, *unit = "DAY", *sp;
		if (!strncasecmp(col, "DATE(", 5) && strchr(col, ')')) {
			col += 5;
			*strchr(col, ')') = 0;
		} else if ((sp = strchr(col, ' '))) {
			*sp = 0;
			unit = str_trim(sp + 1);
		}
		buf_printf(&b, ",\"timePartitioning\":{\"type\":\"%s\",\"field\":", unit);
		buf_json_string(&b, col);
		buf_putc(&b, '}');
		free(p);
	}
	if (o->cluster_by && !strcmp(table, o->table)) {
		char *p = xstrdup(o->cluster_by), *save = NULL;
		bool first = true;
		buf_puts(&b, ",\"clustering\":{\"fields\":[");
		for (char *w = strtok_r(p, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
			if (!first)
				buf_putc(&b, ',');
			first = false;
			buf_json_string(&b, w);
		}
		buf_puts(&b, "]}");
		free(p);
	}
	buf_puts(&b, "}}");
	return buf_detach(&b);
}

/* What goes to BigQuery for one table of a load. */
struct load_step {
	const char *table;       /* in the scratch output */
	const char *dest;        /* BigQuery's table (a merge's temporary one) */
	const char *disposition; /* WRITE_TRUNCATE, WRITE_APPEND */
	bool this_load_only;     /* the rows of this load, not the whole table */
	/* a merge's: the rows of this load before the merge (load_options'
	 * keep_rows), numbered in load order; NULL: the scratch output's */
	const char *merge_rows;
	const char *ndjson;      /* where the rows are written for the upload */
	double deadline_ms;      /* the target's timeout (wait_job) */
};

/* Sends the rows of one table of the mirror's scratch output as a load
 * job; *r keeps them, for a merge's columns. */
static int load_table(struct bq *bq, const struct load_options *o, struct backend *scratch,
                      const struct load_step *st, struct backend_result **r)
{
	struct backend_query q = {0};
	struct buf rows = BUF_INIT;
	struct json_doc d = {0};
	char *sql, *conf = NULL, *id = NULL, *what = NULL;
	struct hash h;
	char hex[HASH_HEX_LEN + 1];
	int error;
	sql = st->this_load_only && !st->merge_rows
	      ? xasprintf("SELECT * FROM `%s` WHERE _pipe_load_id = '%s'", st->table, o->load_id)
	      : xasprintf("SELECT * FROM `%s`", st->table);
	q.read_table = st->merge_rows ? st->table : NULL;
	q.read_from = st->merge_rows;
	if ((error = backend_query(scratch, sql, &q, r)) < 0)
		goto done;
	for (size_t i = 0; i < backend_result_nrows(*r); i++)
		put_row(&rows, *r, i, st->merge_rows != NULL);
	if ((error = file_write_atomic(st->ndjson, rows.data ? rows.data : "", rows.len)) < 0)
		goto done;
	conf = load_configuration(bq, o, st->dest, st->disposition, *r, st->merge_rows != NULL);
	hash_bytes(rows.data ? rows.data : "", rows.len, &h);
	hash_hex(&h, hex);
	what = xasprintf("%s\n%s", conf, hex);
	error = bq_run_job(&bq->api, what, o->load_id, conf, st->ndjson, st->deadline_ms, &d, &id);
done:
	if (error < 0)
		error_prefix("loading %s into BigQuery: ", st->table);
	buf_free(&rows);
	bq_doc_free(&d);
	free(sql);
	free(conf);
	free(id);
	free(what);
	return error;
}

static void put_ident(struct buf *b, const char *name)
{
	buf_printf(b, "`%s`", name);
}

/* The names of a space- or comma-separated list, each as `name`, joined
 * by sep. */
static void put_names(struct buf *b, const char *list, const char *sep)
{
	char *copy = xstrdup(list), *save = NULL;
	bool first = true;
	for (char *k = strtok_r(copy, " ,\t", &save); k; k = strtok_r(NULL, " ,\t", &save)) {
		buf_puts(b, first ? "" : sep);
		put_ident(b, k);
		first = false;
	}
	free(copy);
}

/* ON of the merge: the keys equal, a NULL key equal to a NULL one, as the
 * loader's merge (and the QUALIFY's PARTITION BY) takes them; a plain
 * T.k = S.k would match no NULL key and insert its row at every load. */
static void put_key_match(struct buf *b, const char *keys)
{
	char *copy = xstrdup(keys), *save = NULL;
	bool first = true;
	for (char *k = strtok_r(copy, " ,\t", &save); k; k = strtok_r(NULL, " ,\t", &save)) {
		buf_puts(b, first ? "(T." : " AND (T.");
		put_ident(b, k);
		buf_puts(b, " = S.");
		put_ident(b, k);
		buf_puts(b, " OR (T.");
		put_ident(b, k);
		buf_puts(b, " IS NULL AND S.");
		put_ident(b, k);
		buf_puts(b, " IS NULL))");
		first = false;
	}
	free(copy);
}

/* The merge, as BigQuery carries it out: the temporary table holds this
 * load's rows as they came (numbered in load order, MERGE_SEQ), and the
 * MERGE decides as load_merge.c does (docs/staging.md): of this load's
 * rows of one key the one with the largest dedup_sort (the smallest with
 * "desc"), the last in load order on a tie; that row replaces the table's
 * row of its key unless the table's sorts after it; a new key is
 * inserted. */
static int merge_into(struct bq *bq, const struct load_options *o, const char *temp, const struct backend_result *r,
                      double deadline_ms)
{
	struct buf sql = BUF_INIT;
	struct json_doc d = {0};
	struct backend_query q = {0};
	char *target = NULL, *source = NULL, *conf = NULL, *id = NULL, sort[256] = "";
	const char *ds = o->dataset ? o->dataset : bq->dataset ? bq->dataset : "pipe";
	bool desc = o->dedup_sort && strcasestr(o->dedup_sort, " desc");
	int error;
	if (o->dedup_sort)
		sscanf(o->dedup_sort, "%255s", sort);
	target = xasprintf("%s.%s.%s", project(bq), ds, o->table);
	source = xasprintf("%s.%s.%s", project(bq), ds, temp);
	buf_puts(&sql, "MERGE ");
	put_ident(&sql, target);
	buf_puts(&sql, " T USING (SELECT * EXCEPT (" MERGE_SEQ ") FROM ");
	put_ident(&sql, source);
	buf_puts(&sql, " WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY ");
	put_names(&sql, o->primary_key, ", ");
	buf_puts(&sql, " ORDER BY ");
	if (*sort) {
		put_ident(&sql, sort);
		buf_puts(&sql, desc ? " ASC, " : " DESC, ");
	}
	buf_puts(&sql, MERGE_SEQ " DESC) = 1) S ON ");
	put_key_match(&sql, o->primary_key);
	buf_puts(&sql, " WHEN MATCHED");
	if (*sort) {
		/* NULL sorts first, as in the loader: a NULL never beats a value */
		buf_puts(&sql, desc ? " AND (S." : " AND (S.");
		put_ident(&sql, sort);
		buf_puts(&sql, desc ? " <= T." : " >= T.");
		put_ident(&sql, sort);
		buf_puts(&sql, desc ? " OR S." : " OR T.");
		put_ident(&sql, sort);
		buf_puts(&sql, " IS NULL)");
	}
	buf_puts(&sql, " THEN UPDATE SET ");
	for (size_t c = 0; c < backend_result_ncols(r); c++) {
		if (c)
			buf_puts(&sql, ", ");
		put_ident(&sql, backend_result_colname(r, c));
		buf_puts(&sql, " = S.");
		put_ident(&sql, backend_result_colname(r, c));
	}
	/* by name: a column the load added is last in BigQuery's table
	 * (ALTER TABLE), not where the local copy has it, so INSERT ROW,
	 * which goes by position, could put a value in another column */
	buf_puts(&sql, " WHEN NOT MATCHED THEN INSERT (");
	for (size_t c = 0; c < backend_result_ncols(r); c++) {
		buf_puts(&sql, c ? ", " : "");
		put_ident(&sql, backend_result_colname(r, c));
	}
	buf_puts(&sql, ") VALUES (");
	for (size_t c = 0; c < backend_result_ncols(r); c++) {
		buf_puts(&sql, c ? ", S." : "S.");
		put_ident(&sql, backend_result_colname(r, c));
	}
	buf_puts(&sql, ")");
	conf = query_configuration(buf_cstr(&sql), &q);
	error = bq_run_job(&bq->api, buf_cstr(&sql), o->load_id, conf, NULL, deadline_ms, &d, &id);
	if (error < 0)
		error_prefix("merging %s into BigQuery's %s: ", temp, o->table);
	buf_free(&sql);
	bq_doc_free(&d);
	free(target);
	free(source);
	free(conf);
	free(id);
	return error;
}

static int drop_remote(struct bq *bq, const char *dataset, const char *table);

/* Whether text has line (len bytes) as one of its lines. */
static bool has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (n == len && !memcmp(p, line, len))
			return true;
		p += n + (p[n] == '\n');
	}
	return false;
}

/* Whether the load kept every column of the table (schema evolution only
 * adds columns, docs/staging.md): then BigQuery's table takes this load's
 * rows alone (appended, or merged), and *added (the caller's to free)
 * holds the new columns' "table.column TYPE" lines, NULL when there are
 * none. Else (a first load) the table is sent whole. */
static bool columns_kept(struct bq *bq, const struct load_options *o, char **added)
{
	char *before = NULL, *after = NULL;
	struct buf more = BUF_INIT;
	int64_t rows;
	bool kept = backend_table_schema(bq->mirror, o->table, NULL, &before, &rows) == 0 &&
	            backend_table_schema(bq->mirror, o->table, o->out_dir, &after, &rows) == 0;
	error_clear();
	for (const char *p = kept ? before : ""; *p && kept;) {
		size_t n = strcspn(p, "\n");
		kept = has_line(after, p, n);
		p += n + (p[n] == '\n');
	}
	for (const char *p = kept ? after : ""; *p;) {
		size_t n = strcspn(p, "\n");
		if (n && !has_line(before, p, n))
			buf_printf(&more, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	*added = more.len ? buf_detach(&more) : NULL;
	buf_free(&more);
	free(before);
	free(after);
	return kept;
}

/* The columns a load added, made in BigQuery's table before its rows go
 * there (ALTER TABLE ... ADD COLUMN: a DDL statement, free, and NULL in
 * the table's rows, as the local copy has them). */
static int add_columns(struct bq *bq, const struct load_options *o, const char *added, double deadline_ms)
{
	struct buf sql = BUF_INIT;
	struct json_doc d = {0};
	struct backend_query q = {0};
	char *target = NULL, *conf = NULL, *id = NULL, *lines = xstrdup(added), *save = NULL;
	const char *ds = o->dataset ? o->dataset : bq->dataset ? bq->dataset : "pipe";
	bool first = true;
	int error;
	target = xasprintf("%s.%s.%s", project(bq), ds, o->table);
	buf_puts(&sql, "ALTER TABLE ");
	put_ident(&sql, target);
	for (char *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *dot = strchr(line, '.'), *sp = dot ? strchr(dot, ' ') : NULL;
		if (!sp)
			continue;
		*sp = 0;
		buf_puts(&sql, first ? " ADD COLUMN IF NOT EXISTS " : ", ADD COLUMN IF NOT EXISTS ");
		put_ident(&sql, dot + 1);
		buf_printf(&sql, " %s", str_trim(sp + 1));
		first = false;
	}
	conf = query_configuration(buf_cstr(&sql), &q);
	error = bq_run_job(&bq->api, buf_cstr(&sql), o->load_id, conf, NULL, deadline_ms, &d, &id);
	if (error < 0)
		error_prefix("adding the load's new columns to BigQuery's %s: ", o->table);
	buf_free(&sql);
	bq_doc_free(&d);
	free(target);
	free(conf);
	free(id);
	free(lines);
	return error;
}

static int bq_load(struct backend *b, const struct load_options *o, const struct backend_audit *audit,
                   double deadline_ms, struct load_result *res)
{
	struct bq *bq = (struct bq *)b;
	struct backend *scratch = NULL;
	struct load_options mirror = *o;
	char *root = NULL, **names = NULL, *ndjson = NULL, *temp = NULL, *merge_rows = NULL, *added = NULL;
	size_t n = 0, tlen = strlen(o->table);
	bool incremental;
	int error;
	/* the scratch output is root/<table>: read there as the mirror would */
	root = xstrndup(o->out_dir, (size_t)(strrchr(o->out_dir, '/') ? strrchr(o->out_dir, '/') - o->out_dir : 0));
	/* a merge's rows as they came, for BigQuery's MERGE to choose from
	 * (beside the output, a dot name that no listing of tables sees) */
	if (o->write == LOAD_MERGE && o->prev_dir)
		mirror.keep_rows = merge_rows = xasprintf("%s/.%s.merge_rows", *root ? root : ".", o->table);
	/* the mirror runs the audit: nothing is sent unless it passed */
	if ((error = backend_load(bq->mirror, &mirror, audit, deadline_ms, res)) < 0 || (error = ensure_auth(bq)) < 0 ||
	    (error = ensure_dataset(bq, o->dataset ? o->dataset : bq->dataset ? bq->dataset : "pipe")) < 0)
		goto done;
	/* a first load, a replace, or one whose columns moved: the whole
	 * table; else an append or merge of this load's rows, after the
	 * columns it added are added to BigQuery's table */
	incremental = o->write != LOAD_REPLACE && o->prev_dir && o->load_id && columns_kept(bq, o, &added);
	if (incremental && added && (error = add_columns(bq, o, added, deadline_ms)) < 0)
		goto done;
	if ((error = backend_open(&scratch, "local", *root ? root : ".")) < 0 ||
	    (error = backend_list(scratch, &names, &n)) < 0)
		goto done;
	for (size_t i = 0; i < n && error >= 0; i++) {
		struct backend_result *r = NULL;
		bool is_root = !strcasecmp(names[i], o->table);
		if (!is_root && (strncasecmp(names[i], o->table, tlen) || strncmp(names[i] + tlen, "__", 2)))
			continue;
		free(ndjson);
		ndjson = xasprintf("%s.%s.ndjson", o->out_dir, names[i]);
		struct load_step st = {.table = names[i], .dest = names[i], .disposition = "WRITE_TRUNCATE",
		                       .ndjson = ndjson, .deadline_ms = deadline_ms};
		if (is_root && incremental) {
			st.this_load_only = true;
			if (o->write == LOAD_APPEND) {
				st.disposition = "WRITE_APPEND";
			} else {
				free(temp);
				temp = xasprintf("%s__pipe_merge_%s", o->table, o->load_id);
				st.dest = temp;
				st.merge_rows = merge_rows;
			}
		}
		error = load_table(bq, o, scratch, &st, &r);
		unlink(ndjson);
		if (error >= 0 && st.dest == temp && temp) {
			error = merge_into(bq, o, temp, r, deadline_ms);
			/* the temporary table is not needed whatever the merge did */
			if (drop_remote(bq, o->dataset ? o->dataset : bq->dataset ? bq->dataset : "pipe", temp) < 0) {
				bq_note(NULL, error_last());
				error_clear();
			}
		}
		backend_result_free(r);
	}
done:
	if (merge_rows)
		rm_rf(merge_rows);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(ndjson);
	free(temp);
	free(merge_rows);
	free(added);
	free(root);
	backend_close(scratch);
	return error;
}

/* ---- the catalog ---- */

static int bq_table_schema(struct backend *b, const char *name, const char *dir, char **schema, int64_t *rows)
{
	return backend_table_schema(((struct bq *)b)->mirror, name, dir, schema, rows);
}

/* "dataset" and "table" of a name, by map_name's rule. */
static void split_name(const struct bq *bq, const char *name, char **dataset, char **table)
{
	char *full = map_name(bq, name), *dot1 = strchr(full, '.'), *dot2 = strrchr(full, '.');
	*dataset = xstrndup(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	*table = xstrdup(dot2 + 1);
	free(full);
}

static int bq_describe(struct backend *b, const char *name, struct buf *out)
{
	struct bq *bq = (struct bq *)b;
	struct http_reply rep = {0};
	struct json_doc d = {0};
	char *ds = NULL, *t = NULL, *path = NULL;
	long status = 0;
	int error, fields;
	if ((error = ensure_auth(bq)) < 0)
		return error;
	split_name(bq, name, &ds, &t);
	path = xasprintf("/datasets/%s/tables/%s", ds, t);
	if ((error = bq_call(&bq->api, "GET", path, NULL, &rep, &d, &status)) < 0)
		goto done;
	if (status == 404) {
		error = error_setcode(PIPE_ENOTFOUND, "Not found: Table %s:%s.%s", project(bq), ds, t);
		goto done;
	}
	fields = bq_jpath(&d, 0, "schema.fields");
	for (int i = 0, f = fields + 1; fields >= 0 && i < d.toks[fields].size; i++, f = json_skip(&d, f)) {
		char *n = bq_jstr(&d, f, "name"), *ty = standard_type(bq_jstr(&d, f, "type"));
		buf_printf(out, "%s  %s\n", n ? n : "?", ty ? ty : "?");
		free(n);
		free(ty);
	}
	{
		char *pf = bq_jstr(&d, 0, "timePartitioning.field"), *pt = bq_jstr(&d, 0, "timePartitioning.type");
		int cl = bq_jpath(&d, 0, "clustering.fields");
		if (pt)
			buf_printf(out, "partitioned by %s (%s)\n", pf ? pf : "_PARTITIONTIME", pt);
		if (cl >= 0) {
			buf_puts(out, "clustered by");
			for (int i = 0, f = cl + 1; i < d.toks[cl].size; i++, f = json_skip(&d, f)) {
				char *c = json_strdup(&d, f);
				buf_printf(out, "%s %s", i ? "," : "", c);
				free(c);
			}
			buf_putc(out, '\n');
		}
		buf_printf(out, "rows: %" PRId64 ", bytes: %" PRId64 "\n", bq_jint(&d, 0, "numRows"), bq_jint(&d, 0, "numBytes"));
		free(pf);
		free(pt);
	}
done:
	http_reply_free(&rep);
	bq_doc_free(&d);
	free(ds);
	free(t);
	free(path);
	return error;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One id per element of the array at path ("datasets", "tables") of each
 * page of GET path; key: the element's reference member. */
static int list_ids(struct bq *bq, const char *path, const char *array, const char *key, char ***ids, size_t *n)
{
	char *token = NULL;
	size_t cap = 0;
	int error = 0;
	do {
		struct http_reply rep = {0};
		struct json_doc d = {0};
		struct buf p = BUF_INIT;
		long status = 0;
		int arr;
		buf_puts(&p, path);
		if (token)
			http_url_add_param(&p, "pageToken", token);
		free(token);
		token = NULL;
		if ((error = bq_call(&bq->api, "GET", buf_cstr(&p), NULL, &rep, &d, &status)) >= 0 && status != 200)
			error = bq_reply_error(&rep, path);
		if (error >= 0 && (arr = json_get(&d, 0, array)) >= 0 && d.toks[arr].type == JSON_ARRAY) {
			for (int i = 0, e = arr + 1; i < d.toks[arr].size; i++, e = json_skip(&d, e)) {
				grow_array(ids, &cap, *n + 1, sizeof(char *));
				(*ids)[(*n)++] = bq_jstr(&d, e, key);
			}
		}
		if (error >= 0)
			token = bq_jstr(&d, 0, "nextPageToken");
		bq_doc_free(&d);
		http_reply_free(&rep);
		buf_free(&p);
	} while (error >= 0 && token);
	free(token);
	return error;
}

static int bq_list(struct backend *b, char ***names, size_t *n)
{
	struct bq *bq = (struct bq *)b;
	char **ds = NULL;
	size_t nds = 0;
	int error;
	*names = NULL;
	*n = 0;
	if ((error = ensure_auth(bq)) < 0 || (error = list_ids(bq, "/datasets", "datasets",
	                                                       "datasetReference.datasetId", &ds, &nds)) < 0)
		goto done;
	for (size_t i = 0; i < nds && error >= 0; i++) {
		char **t = NULL, *path = xasprintf("/datasets/%s/tables", ds[i]);
		size_t nt = 0;
		error = list_ids(bq, path, "tables", "tableReference.tableId", &t, &nt);
		for (size_t k = 0; k < nt; k++) {
			*names = xrealloc(*names, (*n + 1) * sizeof(char *));
			(*names)[(*n)++] = xasprintf("%s.%s", ds[i], t[k]);
			free(t[k]);
		}
		free(t);
		free(path);
	}
	qsort(*names, *n, sizeof(char *), cmp_names);
done:
	for (size_t i = 0; i < nds; i++)
		free(ds[i]);
	free(ds);
	return error;
}

static int drop_remote(struct bq *bq, const char *dataset, const char *table)
{
	struct http_reply rep = {0};
	struct json_doc d = {0};
	char *path = xasprintf("/datasets/%s/tables/%s", dataset, table);
	long status = 0;
	int error;
	if ((error = bq_call(&bq->api, "DELETE", path, NULL, &rep, &d, &status)) >= 0 && status == 404)
		error = error_setcode(PIPE_ENOTFOUND, "Not found: Table %s:%s.%s", project(bq), dataset, table);
	http_reply_free(&rep);
	bq_doc_free(&d);
	free(path);
	return error;
}

static int bq_drop(struct backend *b, const char *name)
{
	struct bq *bq = (struct bq *)b;
	char *ds = NULL, *t = NULL;
	int error;
	if ((error = ensure_auth(bq)) < 0)
		return error;
	split_name(bq, name, &ds, &t);
	/* the mirror's copy goes too, when there is one */
	if ((error = drop_remote(bq, ds, t)) >= 0 && backend_drop(bq->mirror, name) < 0)
		error_clear();
	free(ds);
	free(t);
	return error;
}

static int bq_option(struct backend *b, const char *key, const char *value)
{
	struct bq *bq = (struct bq *)b;
	char **slot = !strcmp(key, "bigquery_project") ? &bq->project : !strcmp(key, "bigquery_location")
	              ? &bq->location : !strcmp(key, "bigquery_dataset") ? &bq->dataset : NULL;
	if (!slot)
		return error_setcode(PIPE_EUSAGE, "%s: not a bigquery setting (bigquery_project, "
		                     "bigquery_location, bigquery_dataset)", key);
	free(*slot);
	*slot = value && *value ? xstrdup(value) : NULL;
	api_update(bq);
	return 0;
}

static void bq_close(struct backend *b)
{
	struct bq *bq = (struct bq *)b;
	backend_close(bq->mirror);
	auth_free(bq->api.auth);
	for (size_t i = 0; i < bq->ndatasets; i++)
		free(bq->datasets[i]);
	free(bq->datasets);
	pthread_mutex_destroy(&bq->lock);
	free(bq->project);
	free(bq->location);
	free(bq->dataset);
	free(bq->key_project);
	free(bq);
}

static struct backend *bq_local_copy(struct backend *b)
{
	return ((struct bq *)b)->mirror;
}

static const struct backend_ops bq_ops = {
	.name = "bigquery",
	.load = bq_load,
	.query = bq_query,
	.table_schema = bq_table_schema,
	.describe = bq_describe,
	.list = bq_list,
	.drop = bq_drop,
	.option = bq_option,
	.local_copy = bq_local_copy,
	.close = bq_close,
};

char *backend_bigquery_identity(const char *project, const char *dataset)
{
	char *key_project = NULL, *id;
	/* the key file's project_id: no key is read, no token asked for */
	const char *key = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	if (!project && key && *key && read_key_project(key, &key_project) < 0)
		error_clear();
	id = xasprintf("bigquery %s %s", project ? project : key_project ? key_project : "?",
	               dataset ? dataset : "pipe");
	free(key_project);
	return id;
}

int backend_bigquery_open(struct backend **out, const char *root)
{
	struct bq *bq = xcalloc(1, sizeof(*bq));
	struct auth_options ao = {.log = bq_note};
	int error;
	bq->base.ops = &bq_ops;
	pthread_mutex_init(&bq->lock, NULL);
	/* the key file is read and checked now, before anything runs; its
	 * token is asked for at the first request, so a build with nothing to
	 * do sends none */
	if ((error = backend_local_open(&bq->mirror, root)) < 0 ||
	    (error = auth_open(&bq->api.auth, NULL, &ao)) < 0 ||
	    (error = read_key_project(getenv("GOOGLE_APPLICATION_CREDENTIALS"), &bq->key_project)) < 0) {
		bq_close(&bq->base);
		return error;
	}
	api_update(bq);
	*out = &bq->base;
	return 0;
}
