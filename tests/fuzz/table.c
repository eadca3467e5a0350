/* Fuzz harness: the input as the three files of a table (docs/table-format.md),
 * the manifest, the blocks file and table.data, in this order, split at the
 * line "--8<--" (a missing part is an empty file).  They are written into a
 * table directory, which is opened and read block by block, every column,
 * and then queried as SQL (SELECT * and an aggregate that prunes by the
 * blocks' statistics).  A damaged table must give an error, never a crash,
 * a read out of bounds or an allocation the files do not justify. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "warehouse/sql.h"
#include "warehouse/table.h"

static const char separator[] = "\n--8<--\n";
static const char *const files[] = {"manifest", "blocks", "table.data"};
static char *root, *dir;

static void write_parts(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	size_t seplen = sizeof separator - 1;
	for (size_t i = 0; i < 3; i++) {
		const char *cut = p ? memmem(p, (size_t)(end - p), separator, seplen) : NULL;
		size_t n = p ? (size_t)((cut ? cut : end) - p) : 0;
		char *path = path_join(dir, files[i]);
		if (file_write_atomic(path, p ? p : "", n) < 0)
			abort();
		free(path);
		p = cut ? cut + seplen : NULL;
	}
}

static void read_all(void)
{
	struct table *t = NULL;
	if (table_open(&t, dir) < 0)
		return;
	int *cols = xcalloc(t->spec.ncols + 1, sizeof *cols);
	for (size_t c = 0; c < t->spec.ncols; c++)
		cols[c] = (int)c;
	struct batch b = {0};
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t k = 0; k < t->partitions[p].nblocks; k++)
			if (table_read(t, p, k, cols, t->spec.ncols, &b) < 0)
				goto done;
done:
	batch_free(&b);
	free(cols);
	table_close(t);
}

static void query(const char *sql)
{
	struct sql_options opt = {.root = root};
	struct sql_result *r = NULL;
	if (sql_run(sql, &opt, &r) == 0)
		sql_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root) {
		root = xasprintf("%s/pipe-fuzz-table-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(root))
			abort();
		dir = path_join(root, "t");
		if (mkdir_p(dir) < 0)
			abort();
	}
	write_parts(data, size);
	read_all();
	query("SELECT * FROM t");
	query("SELECT COUNT(*), MIN(x), MAX(x) FROM t WHERE x > 0");
	error_clear();
	return 0;
}
