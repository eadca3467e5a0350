#include "index.h"
#include "t.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	struct index_target t = {0}, got;
	setup();
	char *path = in_dir("index");
	CHECK_OK(index_load(&ix, path)); /* missing: empty */
	CHECK(!index_target_get(ix, "a", &got));
	hash_bytes("k", 1, &t.key);
	hash_bytes("o", 1, &t.output);
	t.finished = 1234;
	t.status = INDEX_OK;
	index_target_put(ix, "a", &t);
	index_target_put(ix, "b", &t);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "b", &got));
	CHECK(hash_eq(&got.key, &t.key));
	CHECK_INT(got.finished, 1234);
	CHECK(index_target_eq(&got, &t));
	CHECK(index_target_get(ix, "a", &got)); /* out of saved order */
	/* a loaded entry changed: its fields leave the mapped file */
	t.finished = 5678;
	t.status = INDEX_FAILED;
	index_target_put(ix, "a", &t);
	CHECK(index_target_get(ix, "a", &got));
	CHECK_INT(got.finished, 5678);
	CHECK(index_target_get(ix, "b", &got));
	CHECK_INT(got.finished, 1234);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "a", &got));
	CHECK(index_target_eq(&got, &t));
	CHECK_INT(got.status, INDEX_FAILED);
	index_free(ix);
	free(path);
	rm_rf(dir);
}

/* A file whose inode, size, mtime and ctime match its entry is not read
 * again.  An edit that keeps the size and puts the mtime back still moves
 * the ctime, and is seen, as git sees it.  A file as new as the index is
 * read again (racy) though its stat data match: the index, rewritten only
 * when an entry changed, shows it. */
static int64_t mtime_ns(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

static void stat_cache_and_racy_files(void)
{
	struct index *ix = NULL;
	struct hash h1, h2, h3;
	int64_t before;
	setup();
	char *path = in_dir("index"), *f = in_dir("f");
	CHECK_OK(file_write_atomic(f, "aaaa", 4));
	set_mtime(f, 1000000000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h1));
	CHECK_OK(index_save(ix, path));
	index_free(ix);

	/* same inode, size and mtime, other bytes: the ctime moved */
	int fd = open(f, O_WRONLY);
	CHECK(fd >= 0 && write(fd, "bbbb", 4) == 4);
	close(fd);
	set_mtime(f, 1000000000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h2));
	CHECK(!hash_eq(&h1, &h2));
	CHECK_OK(index_save(ix, path));
	index_free(ix);

	/* nothing changed: the cache answers, and the index is not rewritten */
	before = mtime_ns(path);
	usleep(20000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h3));
	CHECK(hash_eq(&h2, &h3));
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK(mtime_ns(path) == before);

	/* a file newer than the index is hashed again each time */
	set_mtime(f, time(NULL) + 60);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h3));
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	before = mtime_ns(path);
	usleep(20000);
	CHECK_OK(index_load(&ix, path));
	CHECK_OK(index_hash_path(ix, f, &h3));
	CHECK(hash_eq(&h2, &h3));
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK(mtime_ns(path) != before);
	free(path);
	free(f);
	rm_rf(dir);
}

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With no index file (a fresh clone), a file older than the run and hashed
 * in it is not hashed again at its next lookup (its hash costs 64 MB of
 * reading; the second lookup is a stat), and a change to it is still seen. */
static void hashed_in_this_run_is_cached(void)
{
	struct index *ix = NULL;
	struct hash h1, h2, h3;
	double t0, first, second;
	setup();
	char *path = in_dir("index"), *f = in_dir("big");
	int fd = open(f, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 64 << 20) == 0);
	close(fd);
	set_mtime(f, 1000000000);
	CHECK_OK(index_load(&ix, path)); /* none: empty */
	t0 = thread_cpu_s();
	CHECK_OK(index_hash_path(ix, f, &h1));
	first = thread_cpu_s() - t0;
	t0 = thread_cpu_s();
	CHECK_OK(index_hash_path(ix, f, &h2));
	second = thread_cpu_s() - t0;
	CHECK(hash_eq(&h1, &h2));
	if (second * 4 > first)
		T_FAIL("hashed again: %.1f ms, the first time %.1f ms", second * 1e3, first * 1e3);
	fd = open(f, O_WRONLY);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1);
	close(fd);
	set_mtime(f, 1000000000); /* the ctime moved */
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
	CHECK(!index_target_get(ix, "a", &t));
	index_free(ix);
	CHECK_OK(file_write_atomic(path, "PIPEIDX3\xff\xff\xff\xff", 12));
	CHECK_OK(index_load(&ix, path));
	CHECK(!index_target_get(ix, "a", &t));
	index_free(ix);
	/* a NUL inside a name: its fields would be read from the wrong place */
	CHECK_OK(index_load(&ix, path));
	index_target_put(ix, "abc", &t);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	struct buf b = BUF_INIT;
	CHECK_OK(file_read(path, &b));
	char *at = memmem(b.data, b.len, "abc", 4);
	CHECK(at != NULL);
	at[1] = '\0';
	CHECK_OK(file_write_atomic(path, b.data, b.len));
	buf_free(&b);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_damaged(ix));
	CHECK(!index_target_get(ix, "abc", &t) && !index_target_get(ix, "a", &t));
	index_free(ix);
	free(path);
	rm_rf(dir);
}

/* An index read ahead (index_prefetch) is taken only while it is still
 * the file: one a build replaced in between is read again. */
static void prefetch_sees_a_replaced_index(void)
{
	struct index *ix = NULL;
	struct index_target t = {0};
	struct timespec pause = {0, 50 * 1000 * 1000};
	setup();
	char *path = in_dir("index");
	CHECK_OK(index_load(&ix, path));
	hash_bytes("k", 1, &t.key);
	index_target_put(ix, "old", &t);
	CHECK_OK(index_save(ix, path));
	index_free(ix);

	index_prefetch(path); /* unchanged: the prefetched index is the file's */
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "old", &t));
	index_target_put(ix, "new", &t);

	index_prefetch(path); /* reads "old" only ... */
	nanosleep(&pause, NULL);
	CHECK_OK(index_save(ix, path)); /* ... while a build commits "new" */
	index_free(ix);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "new", &t));
	index_free(ix);

	index_prefetch(path); /* ended unused */
	index_prefetch_end();
	free(path);
	rm_rf(dir);
}

/* A first build looks its targets up (and misses) in plan order, then
 * makes their entries in the order they finish: they are saved in the
 * order of the lookups, so the next build finds each at its hint and has
 * nothing to save. */
static void saved_in_lookup_order(void)
{
	struct index *ix = NULL;
	struct index_target t = {0}, got;
	struct stat before, after;
	setup();
	char *path = in_dir("index");
	CHECK_OK(index_load(&ix, path));
	CHECK(!index_target_get(ix, "a", &got));
	CHECK(!index_target_get(ix, "b", &got));
	index_expect_file(ix, "out/a");
	index_expect_file(ix, "out/b");
	hash_bytes("k", 1, &t.key);
	index_target_put(ix, "b", &t); /* b finished first */
	index_target_put(ix, "a", &t);
	struct stat st = {0};
	index_file_put(ix, "out/b", &st, &t.key);
	index_file_put(ix, "out/a", &st, &t.key);
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	CHECK(stat(path, &before) == 0);
	CHECK_OK(index_load(&ix, path));
	CHECK(index_target_get(ix, "a", &got));
	CHECK(index_target_get(ix, "b", &got));
	CHECK_OK(index_save(ix, path)); /* nothing changed, nothing out of order */
	index_free(ix);
	CHECK(stat(path, &after) == 0);
	CHECK(before.st_ino == after.st_ino);
	free(path);
	rm_rf(dir);
}

/* The kilobytes of the mapping of path that are in this process's memory,
 * from /proc/self/smaps; -1 when it is not mapped. */
static long mapped_kb(const char *path)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	long kb = -1;
	bool in = false;
	while (f && fgets(line, sizeof line, f)) {
		if (strchr(line, '-') && strchr(line, ' ') && strchr(line, '-') < strchr(line, ' '))
			in = strstr(line, path) != NULL;
		else if (in && !strncmp(line, "Rss:", 4))
			kb = (kb < 0 ? 0 : kb) + atol(line + 4);
	}
	if (f)
		fclose(f);
	return kb;
}

/* A large index is not held in memory whole: its pages are let go once
 * its entries are found, and read again, in order, as a build looks them
 * up, each megabyte dropped behind it.  What it says is unchanged. */
static void large_index_not_held_whole(void)
{
	enum { N = 60000 };
	setup();
	char *path = in_dir("big-index"), name[64];
	struct index *ix = NULL;
	struct index_target t = {0}, got;
	CHECK_OK(index_load(&ix, path));
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "target_with_a_long_name_%d", i);
		t.finished = i;
		t.status = INDEX_OK;
		t.key.b[0] = (unsigned char)i;
		index_target_put(ix, name, &t);
	}
	CHECK_OK(index_save(ix, path));
	index_free(ix);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size > (5 << 20));
	CHECK_OK(index_load(&ix, path));
	CHECK(mapped_kb(path) < 1024);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "target_with_a_long_name_%d", i);
		CHECK(index_target_get(ix, name, &got));
		CHECK(got.finished == i && got.key.b[0] == (unsigned char)i);
	}
	CHECK(mapped_kb(path) < 3 * 1024);
	index_free(ix);
	free(path);
	rm_rf(dir);
}

int main(void)
{
	RUN(saved_in_lookup_order);
	RUN(targets_round_trip);
	RUN(stat_cache_and_racy_files);
	RUN(hashed_in_this_run_is_cached);
	RUN(prefetch_sees_a_replaced_index);
	RUN(damaged_index_is_empty);
	RUN(large_index_not_held_whole);
	T_DONE();
}
