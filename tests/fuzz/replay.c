/* replay: a main() for a fuzz harness built without libFuzzer, so that the
 * suite runs every input of its corpus through it (under ASan and UBSan in
 * `make check-asan`).  Usage: replay DIR...; prints one "ok NAME: N inputs"
 * line, the name being DIR's last component.  The file being run is
 * written to stderr first, so that a crash names it. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	DIR *d = opendir(dir);
	struct dirent *e;
	char **files = NULL;
	size_t n = 0, cap = 0;
	if (!d) {
		printf("not ok %s: cannot open %s\n", name, dir);
		return 1;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			grow_array(&files, &cap, n + 1, sizeof(*files));
			files[n++] = path_join(dir, e->d_name);
		}
	closedir(d);
	/* In name order, the same every run. */
	qsort(files, n, sizeof(*files), compare);
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		uint8_t *copy;
		fprintf(stderr, "%s\n", files[i]);
		if (file_read(files[i], &b) < 0) {
			printf("not ok %s: %s\n", name, error_last());
			return 1;
		}
		/* An exact-size copy, as libFuzzer gives, so that ASan sees a
		 * read past the input. */
		copy = xmalloc(b.len ? b.len : 1);
		if (b.len)
			memcpy(copy, b.data, b.len);
		LLVMFuzzerTestOneInput(copy, b.len);
		free(copy);
		buf_free(&b);
		free(files[i]);
	}
	free(files);
	printf("ok %s: %zu inputs\n", name, n);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		failed |= replay_dir(argv[i]);
	return failed;
}
