/* Fuzz harness: the input as JSON, three ways.  json_parse on it as one
 * value (as a manifest or a header is read); the streaming record reader on
 * it as a file, as an array or NDJSON (auto) and as NDJSON; and load_run on
 * that file, which flattens the records into a table.  Whatever the input,
 * each must return a record or an error, never crash, and in time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "load.h"
#include "util.h"

static char *dir;

/* The input as a file, in a directory of this process's own. */
static char *input_file(const uint8_t *data, size_t size, const char *name)
{
	char *path;
	if (!dir) {
		char *tmpl = xasprintf("%s/pipe-fuzz-json-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmpl))
			abort();
		dir = tmpl;
	}
	path = path_join(dir, name);
	if (file_write_atomic(path, data, size) < 0)
		abort();
	return path;
}

static void read_all(const char *path, enum json_format format)
{
	struct json_reader *r = NULL;
	struct json_doc doc = {0};
	if (json_reader_open(&r, path, format, NULL) < 0)
		abort();
	while (json_reader_next(r, &doc) > 0)
		/* what a loader asks of each record */
		if (json_get(&doc, 0, "a") >= 0)
			json_skip(&doc, 0);
	json_reader_free(r);
	json_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc doc = {0};
	struct load_options o = {0};
	struct load_result res = {0};
	char *path = input_file(data, size, "in.json");
	char *out = path_join(dir, "out");
	const char *paths[] = {path};

	if (json_parse(&doc, (const char *)data, size, "input") == 0 && doc.toks[0].type == JSON_OBJECT)
		json_get(&doc, 0, "a");
	json_doc_free(&doc);

	read_all(path, JSON_FORMAT_AUTO);
	read_all(path, JSON_FORMAT_NDJSON);

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
