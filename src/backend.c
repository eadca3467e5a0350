/* backend: choosing a warehouse and calling it (backend.h says what each
 * call does; backend_int.h is what a warehouse implements), and the
 * GoogleSQL checks every warehouse shares, made by the local warehouse's
 * parser. */
#include "backend_int.h"

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
		return error_setcode(PIPE_EUSAGE, "the bigquery warehouse is not built yet: pipe runs on the local "
		                     "warehouse only for now (see docs/bigquery.md)");
	return error_setcode(PIPE_EUSAGE, "no warehouse named '%s': expected local or bigquery", name);
}

void backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}

const char *backend_name(const struct backend *b)
{
	return b->ops->name;
}

int backend_load(struct backend *b, const struct load_options *o, struct load_result *res)
{
	return b->ops->load(b, o, res);
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
char *backend_result_summary(const struct backend_result *r) { return r->ops->summary(r); }

int backend_result_print(const struct backend_result *r, bool json, FILE *out)
{
	return r->ops->print(r, json, out);
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
