#include "index.h"
#include "t.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[64];

static char *in_dir(const char *name) { return path_join(dir, name); }

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pipe-index-XXXXXX");
	if (!mkdtemp(dir))
		abort();
}

/* Sets a file's mtime, keeping it apart from the index's own. */
static void set_mtime(const char *path, time_t secs)
{
	struct timespec ts[2] = {{secs, 0}, {secs, 0}};
	utimensat(AT_FDCWD, path, ts, 0);
}

static void targets_round_trip(void)
{
	struct index *ix = NULL;
	struct index_target t = {0}, *none = NULL;
	setup();
	char *path = in_dir("index");
	CHECK_OK(index_load(&ix, path)); /* missing: empty */
	CHECK(index_target_get(ix, "a") == none);
	hash_bytes("k", 1, &t.key);
	hash_bytes("o", 1, &t.output);
	t.finished = 1234;
	t.status = INDEX_OK;
	index_target_put(ix, "a", &t);
	index_target_put(ix, "b", &t);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK_OK(index_load(&ix, path));
	const struct index_target *got = index_target_get(ix, "b");
	CHECK(got != NULL);
	CHECK(hash_eq(&got->key, &t.key));
	CHECK_INT(got->finished, 1234);
	CHECK(index_target_get(ix, "a") != NULL); /* out of saved order */
	index_free(ix);
	free(path);
	rm_rf(dir);
}

/* A file whose inode, size and mtime match its entry is not read again:
 * the hash comes from the cache (so an edit that keeps all three is not
 * seen — the trade git and pipe both make).  A file as new as the index
 * is read again. */
static void stat_cache_and_racy_files(void)
{
	struct index *ix = NULL;
	struct hash h1, h2, h3;
	setup();
	char *path = in_dir("index"), *f = in_dir("f");
	CHECK_OK(file_write_atomic(f, "aaaa", 4));
	set_mtime(f, 1000000000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h1));
	CHECK_OK(index_save(ix, path));
	index_free(ix);

	/* same inode, size and mtime, other bytes */
	int fd = open(f, O_WRONLY);
	CHECK(fd >= 0 && write(fd, "bbbb", 4) == 4);
	close(fd);
	set_mtime(f, 1000000000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h2));
	CHECK(hash_eq(&h1, &h2));
	index_free(ix);

	/* a file newer than the index is hashed again */
	set_mtime(f, time(NULL) + 60);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h3));
	CHECK(!hash_eq(&h1, &h3));
	index_free(ix);
	free(path);
	free(f);
	rm_rf(dir);
}

static void damaged_index_is_empty(void)
{
	struct index *ix = NULL;
	struct index_target t = {0};
	setup();
	char *path = in_dir("index");
	CHECK_OK(index_load(&ix, path));
	t.status = INDEX_OK;
	index_target_put(ix, "a", &t);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	/* cut it short */
	CHECK(truncate(path, 20) == 0);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "a") == NULL);
	index_free(ix);
	CHECK_OK(file_write_atomic(path, "PIPEIDX3\xff\xff\xff\xff", 12));
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "a") == NULL);
	index_free(ix);
	free(path);
	rm_rf(dir);
}

int main(void)
{
	RUN(targets_round_trip);
	RUN(stat_cache_and_racy_files);
	RUN(damaged_index_is_empty);
	T_DONE();
}
