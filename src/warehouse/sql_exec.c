/* sql_exec: runs a planned statement (not implemented yet). */
#include <stdlib.h>

#include "../util.h"
#include "sql.h"

struct sql_result {
	struct sql_stats stats;
};

int sql_run(const char *sql, const struct sql_options *opt, struct sql_result **out)
{
	(void)sql; (void)opt;
	*out = NULL;
	return error_set("sql: not implemented yet");
}

int sql_print_table(const struct sql_result *r, FILE *out) { (void)r; (void)out; return error_set("sql: not implemented yet"); }
int sql_print_json(const struct sql_result *r, FILE *out) { (void)r; (void)out; return error_set("sql: not implemented yet"); }
const struct sql_stats *sql_result_stats(const struct sql_result *r) { return &r->stats; }
char *sql_summary_line(const struct sql_result *r) { (void)r; return xstrdup(""); }
size_t sql_result_ncols(const struct sql_result *r) { (void)r; return 0; }
size_t sql_result_nrows(const struct sql_result *r) { (void)r; return 0; }
const char *sql_result_colname(const struct sql_result *r, size_t col) { (void)r; (void)col; return ""; }
const char *sql_result_coltype(const struct sql_result *r, size_t col) { (void)r; (void)col; return ""; }
const char *sql_result_cell(const struct sql_result *r, size_t row, size_t col) { (void)r; (void)row; (void)col; return NULL; }
void sql_result_free(struct sql_result *r) { free(r); }

int sql_referenced_tables(const char *sql, char ***reads, size_t *nreads, char **writes)
{
	(void)sql;
	*reads = NULL; *nreads = 0; *writes = NULL;
	return error_set("sql: not implemented yet");
}
