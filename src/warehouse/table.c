/* table: not implemented yet (the format will be described here). */
#include "table.h"

#include <stdlib.h>

int table_spec_check(const struct table_spec *spec) { (void)spec; return error_set("table_spec_check: not implemented yet"); }
void table_spec_free(struct table_spec *spec) { (void)spec; }
void table_spec_copy(struct table_spec *dst, const struct table_spec *src) { (void)dst; (void)src; }
int table_spec_column(const struct table_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->ncols; i++)
		if (str_eq_nocase(spec->cols[i].name, name))
			return (int)i;
	return -1;
}
int table_writer_open(struct table_writer **out, const char *dir, const struct table_spec *spec) { (void)out; (void)dir; (void)spec; return error_set("table writer: not implemented yet"); }
int table_writer_create(struct table_writer **out, const char *root, const struct table_spec *spec) { (void)out; (void)root; (void)spec; return error_set("table writer: not implemented yet"); }
int table_writer_append(struct table_writer *w, const struct batch *b) { (void)w; (void)b; return error_set("table writer: not implemented yet"); }
int table_writer_finish(struct table_writer *w) { (void)w; return error_set("table writer: not implemented yet"); }
void table_writer_abort(struct table_writer *w) { (void)w; }
int table_open(struct table **out, const char *dir) { (void)out; (void)dir; return error_set("table_open: not implemented yet"); }
void table_close(struct table *t) { (void)t; }
int table_column(const struct table *t, const char *name) { return table_spec_column(&t->spec, name); }
int table_read(struct table *t, size_t partition, size_t block, const int *cols, size_t ncols, struct batch *out) { (void)t; (void)partition; (void)block; (void)cols; (void)ncols; (void)out; return error_set("table_read: not implemented yet"); }
int table_resolve(const char *root, const char *name, char **dir) { (void)root; (void)name; (void)dir; return error_set("table_resolve: not implemented yet"); }
int table_list(const char *root, char ***names, size_t *n) { (void)root; *names = NULL; *n = 0; return 0; }
void table_describe(const struct table *t, struct buf *out) { (void)t; (void)out; }
