/* backend: choosing a warehouse and calling it (backend.h says what each
 * call does; backend_int.h is what a warehouse implements), and the
 * GoogleSQL checks every warehouse shares, made by the local warehouse's
 * parser. */
#include "backend_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "warehouse/sql.h"
#include "warehouse/value.h"

int backend_open(struct backend **out, const char *name, const char *root)
{
	*out = NULL;
	if (!name || !strcmp(name, "local"))
		return backend_local_open(out, root);
	if (!strcmp(name, "bigquery"))
		return backend_bigquery_open(out, root);
	return error_setcode(PIPE_EUSAGE, "no warehouse named '%s': expected local or bigquery", name);
}

char *backend_identity(const char *name, const char *const *settings, size_t nsettings)
{
	const char *project = NULL, *dataset = NULL;
	if (!name || strcmp(name, "bigquery"))
		return NULL;
	for (size_t i = 0; i < nsettings; i++) {
		if (str_starts(settings[i], "bigquery_project="))
			project = strchr(settings[i], '=') + 1;
		else if (str_starts(settings[i], "bigquery_dataset="))
			dataset = strchr(settings[i], '=') + 1;
	}
	return backend_bigquery_identity(project && *project ? project : NULL, dataset && *dataset ? dataset : NULL);
}

void backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}

int backend_option(struct backend *b, const char *key, const char *value)
{
	return b->ops->option ? b->ops->option(b, key, value) : 0;
}

const char *backend_name(const struct backend *b)
{
	return b->ops->name;
}

int backend_table_bounds(struct backend *b, const char *name, const char *dir, struct backend_bounds **out,
                         size_t *n)
{
	*out = NULL;
	*n = 0;
	return b->ops->bounds ? b->ops->bounds(b, name, dir, out, n) : 0;
}

void backend_bounds_free(struct backend_bounds *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].min);
		free(v[i].max);
	}
	free(v);
}

struct backend *backend_local_copy(struct backend *b)
{
	return b->ops->local_copy ? b->ops->local_copy(b) : b;
}

int backend_load(struct backend *b, const struct load_options *o, const struct backend_audit *audit,
                 double deadline_ms, struct load_result *res)
{
	return b->ops->load(b, o, audit, deadline_ms, res);
}

int backend_audit_run(const struct backend_audit *audit)
{
	return audit && audit->run ? audit->run(audit->arg) : 0;
}

int backend_query(struct backend *b, const char *sql, const struct backend_query *opt,
                  struct backend_result **out)
{
	*out = NULL;
	return b->ops->query(b, sql, opt, out);
}

int backend_table_schema(struct backend *b, const char *name, const char *dir, char **schema, int64_t *rows)
{
	return b->ops->table_schema(b, name, dir, schema, rows);
}

int backend_describe(struct backend *b, const char *name, struct buf *out)
{
	return b->ops->describe(b, name, out);
}

int backend_list(struct backend *b, char ***names, size_t *n)
{
	return b->ops->list(b, names, n);
}

int backend_drop(struct backend *b, const char *name)
{
	return b->ops->drop(b, name);
}

size_t backend_result_ncols(const struct backend_result *r) { return r->ops->ncols(r); }
size_t backend_result_nrows(const struct backend_result *r) { return r->ops->nrows(r); }
const char *backend_result_colname(const struct backend_result *r, size_t col) { return r->ops->colname(r, col); }
const char *backend_result_coltype(const struct backend_result *r, size_t col) { return r->ops->coltype(r, col); }

const char *backend_result_cell(const struct backend_result *r, size_t row, size_t col)
{
	return r->ops->cell(r, row, col);
}

const struct backend_stats *backend_result_stats(const struct backend_result *r) { return &r->stats; }
const char *backend_result_job(const struct backend_result *r) { return r->job; }
/* The printers read a result through its accessors alone, so every
 * warehouse prints as the local one does. */

static void format_bytes(struct buf *b, uint64_t n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	if (n < 1024) {
		buf_printf(b, "%" PRIu64 " B", n);
		return;
	}
	double v = (double)n / 1024;
	size_t u = 0;
	while (v >= 1024 && u < 4)
		v /= 1024, u++;
	buf_printf(b, "%.1f %s", v, units[u]);
}

char *backend_result_summary(const struct backend_result *r)
{
	const struct backend_stats *s = &r->stats;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%" PRId64 " row%s | ", s->rows, s->rows == 1 ? "" : "s");
	format_bytes(&b, (uint64_t)s->bytes_processed);
	buf_puts(&b, " processed (estimate ");
	format_bytes(&b, (uint64_t)s->estimate_bytes);
	buf_puts(&b, ") | ");
	format_bytes(&b, (uint64_t)s->bytes_billed);
	buf_printf(&b, " billed | %" PRId64 "/%" PRId64 " partitions | %" PRId64 "/%" PRId64 " blocks | ",
	           s->partitions_scanned, s->partitions_total, s->blocks_scanned, s->blocks_total);
	if (s->local) {
		/* the same statement on the local warehouse's copy of the tables */
		buf_puts(&b, "local warehouse: ");
		format_bytes(&b, (uint64_t)s->local_bytes_processed);
		if (r->dry_run) {
			buf_puts(&b, " estimate");
		} else {
			buf_puts(&b, " processed, ");
			format_bytes(&b, (uint64_t)s->local_bytes_billed);
			buf_puts(&b, " billed");
		}
		if (s->local_bytes_processed != (r->dry_run ? s->estimate_bytes : s->bytes_processed) ||
		    (!r->dry_run && s->local_bytes_billed != s->bytes_billed))
			buf_puts(&b, " (DIFFERS from BigQuery's)");
		buf_puts(&b, " | ");
	}
	/* the time last: reports cut it off */
	buf_printf(&b, "%.0f ms", s->elapsed_ms);
	return buf_detach(&b);
}

/* Numbers are right-aligned in the box table. */
static bool type_is_number(const char *type)
{
	return !strcmp(type, "INT64") || !strcmp(type, "FLOAT64") || !strcmp(type, "NUMERIC");
}

/* ... and bare in JSON, as are booleans, but for the floats JSON has no
 * literal for. */
static bool json_bare(const char *type, const char *v)
{
	return (!strcmp(type, "INT64") || !strcmp(type, "FLOAT64") || !strcmp(type, "BOOL")) &&
	       strcmp(v, "inf") && strcmp(v, "-inf") && strcmp(v, "nan");
}

static size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static const char *cell_text(const struct backend_result *r, size_t row, size_t col)
{
	const char *v = backend_result_cell(r, row, col);
	return v ? v : "NULL";
}

/* A BigQuery CLI-like box table, then the summary line. */
static void print_table(const struct backend_result *r, FILE *out)
{
	size_t ncols = backend_result_ncols(r), nrows = backend_result_nrows(r);
	if (r->message)
		fprintf(out, "%s\n", r->message);
	if (r->dry_run)
		fprintf(out, "Query successfully validated. Assuming the tables are not modified, running this "
		        "query will process %" PRId64 " bytes of data.\n", r->stats.estimate_bytes);
	else if (ncols && !r->message) {
		size_t *w = xcalloc(ncols, sizeof *w);
		struct buf line = BUF_INIT;
		for (size_t c = 0; c < ncols; c++) {
			w[c] = text_width(backend_result_colname(r, c));
			for (size_t i = 0; i < nrows; i++) {
				size_t n = text_width(cell_text(r, i, c));
				if (n > w[c])
					w[c] = n;
			}
		}
		for (size_t c = 0; c < ncols; c++) {
			buf_putc(&line, '+');
			for (size_t k = 0; k < w[c] + 2; k++)
				buf_putc(&line, '-');
		}
		buf_puts(&line, "+\n");
		fputs(buf_cstr(&line), out);
		for (size_t c = 0; c < ncols; c++) {
			const char *name = backend_result_colname(r, c);
			fprintf(out, "| %s%*s ", name, (int)(w[c] - text_width(name)), "");
		}
		fputs("|\n", out);
		fputs(buf_cstr(&line), out);
		for (size_t i = 0; i < nrows; i++) {
			for (size_t c = 0; c < ncols; c++) {
				const char *v = cell_text(r, i, c);
				int pad = (int)(w[c] - text_width(v));
				if (type_is_number(backend_result_coltype(r, c)))
					fprintf(out, "| %*s%s ", pad, "", v);
				else
					fprintf(out, "| %s%*s ", v, pad, "");
			}
			fputs("|\n", out);
		}
		fputs(buf_cstr(&line), out);
		buf_free(&line);
		free(w);
	}
	char *sum = backend_result_summary(r);
	fprintf(out, "%s\n", sum);
	free(sum);
}

/* A name or a cell as a JSON string, through a buffer reused for the
 * whole result. */
static void json_string(FILE *out, struct buf *scratch, const char *s)
{
	buf_clear(scratch);
	buf_json_string(scratch, s);
	fputs(buf_cstr(scratch), out);
}

/* {"schema":[...],"rows":[...],"rows_count":..,"bytes_processed":..,...} */
static void print_json(const struct backend_result *r, FILE *out)
{
	const struct backend_stats *s = &r->stats;
	size_t ncols = backend_result_ncols(r), nrows = backend_result_nrows(r);
	struct buf scratch = BUF_INIT;
	fputs("{\"schema\":[", out);
	for (size_t c = 0; c < ncols; c++) {
		fputs(c ? ",{\"name\":" : "{\"name\":", out);
		json_string(out, &scratch, backend_result_colname(r, c));
		fprintf(out, ",\"type\":\"%s\"}", backend_result_coltype(r, c));
	}
	fputs("],\"rows\":[", out);
	for (size_t i = 0; i < nrows; i++) {
		fputs(i ? ",[" : "[", out);
		for (size_t c = 0; c < ncols; c++) {
			const char *v = backend_result_cell(r, i, c);
			if (c)
				fputc(',', out);
			if (!v)
				fputs("null", out);
			else if (json_bare(backend_result_coltype(r, c), v))
				fputs(v, out);
			else
				json_string(out, &scratch, v);
		}
		fputc(']', out);
	}
	fprintf(out, "],\"rows_count\":%" PRId64 ",\"bytes_processed\":%" PRId64 ",\"bytes_billed\":%" PRId64
	        ",\"estimate_bytes\":%" PRId64 ",\"partitions_scanned\":%" PRId64 ",\"partitions_total\":%" PRId64
	        ",\"blocks_scanned\":%" PRId64 ",\"blocks_total\":%" PRId64 ",\"elapsed_ms\":%.3f",
	        s->rows, s->bytes_processed, s->bytes_billed, s->estimate_bytes, s->partitions_scanned,
	        s->partitions_total, s->blocks_scanned, s->blocks_total, s->elapsed_ms);
	if (r->job)
		fprintf(out, ",\"job\":\"%s\"", r->job);
	if (s->local)
		fprintf(out, ",\"local_bytes_processed\":%" PRId64 ",\"local_bytes_billed\":%" PRId64,
		        s->local_bytes_processed, s->local_bytes_billed);
	fputs("}\n", out);
	buf_free(&scratch);
}

int backend_result_print(const struct backend_result *r, bool json, FILE *out)
{
	if (json)
		print_json(r, out);
	else
		print_table(r, out);
	return ferror(out) ? error_set("writing the result: write error") : 0;
}

void backend_result_free(struct backend_result *r)
{
	if (r)
		r->ops->free(r);
}

int backend_sql_tables(const char *sql, char ***reads, size_t *nreads, char **writes)
{
	return sql_referenced_tables(sql, reads, nreads, writes);
}

int backend_sql_write(const char *sql, struct backend_sql_write *w)
{
	struct sql_write sw;
	int error = sql_statement_write(sql, &sw);
	*w = (struct backend_sql_write){sw.verb, sw.table, sw.line, sw.col, sw.next_line, sw.next_col};
	return error;
}

void backend_sql_write_free(struct backend_sql_write *w)
{
	free(w->table);
	memset(w, 0, sizeof(*w));
}

bool backend_type_known(const char *name)
{
	enum type t;
	if (type_parse(name, &t) < 0) {
		error_clear();
		return false;
	}
	return true;
}
