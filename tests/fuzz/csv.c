/* Fuzz harness: the input as a CSV file, read record by record with the
 * CSV reader, then loaded by load_run, which infers each column's type
 * from its fields.  Either must end with the rows or an error, never a
 * crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "load.h"
#include "util.h"

static char *dir;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv c;
	struct load_options o = {0};
	struct load_result res = {0};
	char *path, *out;
	const char *paths[1];

	if (!dir) {
		char *tmpl = xasprintf("%s/pipe-fuzz-csv-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmpl))
			abort();
		dir = tmpl;
	}
	path = path_join(dir, "in.csv");
	out = path_join(dir, "out");
	if (file_write_atomic(path, data, size) < 0)
		abort();

	if (csv_open(&c, path) < 0)
		abort();
	while (csv_next(&c) > 0)
		for (size_t i = 0; i < c.n; i++)
			if (c.off[i] + c.len[i] > c.fields.len)
				abort();
	csv_close(&c);

	paths[0] = path;
	o.table = "t";
	o.paths = paths;
	o.npaths = 1;
	o.out_dir = out;
	o.load_id = "0123456789abcdef";
	load_run(&o, &res);
	load_result_free(&res);
	rm_rf(out);
	error_clear();
	free(out);
	free(path);
	return 0;
}
