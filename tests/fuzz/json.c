/* Fuzz harness: the input as JSON, three ways.  json_parse on it as one
 * value (as a manifest or a header is read); the streaming record reader on
 * it as a file, as an array or NDJSON (auto) and as NDJSON; and load_run on
 * that file, which flattens the records into a table.  Whatever the input,
 * each must return a record or an error, never crash, and in time. */
#include "json.h"
#include "load_input.h"

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
	char *path = fuzz_input_file(data, size, "in.json");

	if (json_parse(&doc, (const char *)data, size, "input") == 0 && doc.toks[0].type == JSON_OBJECT)
		json_get(&doc, 0, "a");
	json_doc_free(&doc);

	read_all(path, JSON_FORMAT_AUTO);
	read_all(path, JSON_FORMAT_NDJSON);

	fuzz_load(path);
	free(path);
	return 0;
}
