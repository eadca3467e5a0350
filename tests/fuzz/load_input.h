/* What the loader harnesses (csv.c, json.c) share: the input written as a
 * file in a directory of the process's own, and load_run over that file
 * into a table that is removed again.  A header, not a .c file, because
 * each .c file in tests/fuzz is a harness of its own. */
#ifndef PIPE_FUZZ_LOAD_INPUT_H
#define PIPE_FUZZ_LOAD_INPUT_H

#include <stdint.h>
#include <stdlib.h>

#include "load.h"
#include "util.h"

static char *fuzz_dir;

/* The input as fuzz_dir/name; the directory is made on the first call. */
static char *fuzz_input_file(const uint8_t *data, size_t size, const char *name)
{
	char *path;
	if (!fuzz_dir) {
		char *tmpl = xasprintf("%s/pipe-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmpl))
			abort();
		fuzz_dir = tmpl;
	}
	path = path_join(fuzz_dir, name);
	if (file_write_atomic(path, data, size) < 0)
		abort();
	return path;
}

/* load_run on path, as a table target loads its input; whatever it gives
 * (rows or an error) is thrown away with the table. */
static void fuzz_load(const char *path)
{
	struct load_options o = {0};
	struct load_result res = {0};
	char *out = path_join(fuzz_dir, "out");
	const char *paths[] = {path};
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
}

#endif
