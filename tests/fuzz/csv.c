/* Fuzz harness: the input as a CSV file, read record by record with the
 * CSV reader, then loaded by load_run, which infers each column's type
 * from its fields.  Either must end with the rows or an error, never a
 * crash. */
#include "csv.h"
#include "load_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv c;
	char *path = fuzz_input_file(data, size, "in.csv");

	if (csv_open(&c, path) < 0)
		abort();
	while (csv_next(&c) > 0)
		for (size_t i = 0; i < c.n; i++)
			if (c.off[i] + c.len[i] > c.fields.len)
				abort();
	csv_close(&c);

	fuzz_load(path);
	free(path);
	return 0;
}
