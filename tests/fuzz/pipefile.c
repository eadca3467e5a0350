/* Fuzz harness: the input as a .pipe file's text, parsed and checked as
 * `pipe` does before a build.  A NUL byte ends the text; the words after
 * it (NUL-separated) are NAME=value overrides, as given on the command
 * line.  Any input must give a pipefile or an error, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipefile.h"
#include "util.h"

#define MAX_OVERRIDES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	const char *overrides[MAX_OVERRIDES];
	size_t n = 0, at = strlen(text) + 1;
	struct pipefile pf;

	/* xstrndup stopped at the first NUL: the overrides follow it. */
	while (at < size && n < MAX_OVERRIDES) {
		const char *w = (const char *)data + at;
		size_t len = strnlen(w, size - at);
		overrides[n++] = xstrndup(w, len);
		at += len + 1;
	}
	if (pipefile_load_string(&pf, "fuzz.pipe", text, overrides, n) == 0) {
		for (size_t i = 0; i < pf.ntargets; i++)
			pipefile_find(&pf, pf.targets[i].name);
		pipefile_free(&pf);
	}
	error_clear();
	for (size_t i = 0; i < n; i++)
		free((char *)overrides[i]);
	free(text);
	return 0;
}
