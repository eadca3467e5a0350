#include "t.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void buffers_grow_and_format(void)
{
	struct buf b = BUF_INIT;
	CHECK_STR(buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	CHECK(b.len == 3890);
	CHECK(str_starts(b.data, "0,1,2,"));
	buf_free(&b);
}

static void squeeze_collapses_white_space(void)
{
	char *s = str_squeeze("  SELECT *\n\t FROM   t  ");
	CHECK_STR(s, "SELECT * FROM t");
	free(s);
}

static void durations(void)
{
	CHECK_INT(duration_parse("30s"), 30);
	CHECK_INT(duration_parse("15m"), 900);
	CHECK_INT(duration_parse("1h"), 3600);
	CHECK_INT(duration_parse("2d"), 172800);
	CHECK_INT(duration_parse("1x"), -1);
	CHECK_INT(duration_parse("h"), -1);
}

static void strmap_many(void)
{
	struct strmap m = {0};
	char *keys[5000];
	for (int i = 0; i < 5000; i++) {
		keys[i] = xasprintf("k%d", i);
		strmap_put(&m, keys[i], keys[i]);
	}
	for (int i = 0; i < 5000; i++)
		CHECK(strmap_get(&m, keys[i]) == keys[i]);
	CHECK(strmap_get(&m, "nope") == NULL);
	CHECK_INT(m.len, 5000);
	strmap_free(&m);
	for (int i = 0; i < 5000; i++)
		free(keys[i]);
}

static void distances(void)
{
	CHECK_INT(edit_distance("command", "command"), 0);
	CHECK_INT(edit_distance("comand", "command"), 1);
	CHECK_INT(edit_distance("kitten", "sitting"), 3);
	CHECK_INT(edit_distance("", "abc"), 3);
	CHECK_INT(edit_distance("abc", ""), 3);
}

static void errors_carry_context(void)
{
	CHECK_INT(error_set("bad %s", "thing"), PIPE_ERROR);
	error_prefix("building %s: ", "x");
	CHECK_STR(error_last(), "building x: bad thing");
}

/* An empty file is an empty string, NUL-terminated like any other. */
static void file_read_empty(void)
{
	char dir[] = "/tmp/pipe-test-util-XXXXXX";
	struct buf b = BUF_INIT;
	char *path;
	CHECK(mkdtemp(dir));
	path = path_join(dir, "empty");
	CHECK_OK(file_write_atomic(path, "", 0));
	CHECK_OK(file_read(path, &b));
	CHECK_INT(b.len, 0);
	CHECK(b.data != NULL);
	CHECK_INT(strlen(b.data), 0);
	buf_free(&b);
	rm_rf(dir);
	free(path);
}

/* The one JSON string writer (snapshot manifests, query --json): quotes,
 * backslashes and control characters escaped, UTF-8 kept as it is. */
static void json_string_escapes(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "[");
	buf_json_string(&b, "a\"b\\c\nd\te\x01\x1f\x7f caf\xc3\xa9");
	buf_puts(&b, ",");
	buf_json_string(&b, "");
	buf_puts(&b, "]");
	CHECK_STR(buf_cstr(&b), "[\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\x7f caf\xc3\xa9\",\"\"]");
	buf_free(&b);
}

/* A library missing one symbol fills no slot, and the message names the
 * library and the symbol; one that cannot be opened says why. */
static void lib_open_all_or_nothing(void)
{
	static const char *const names[] = {"cos", "pipe_no_such_function"};
	void *slots[2] = {NULL, NULL};
	double (*cos_fn)(double);
	char msg[256];
	CHECK_INT(lib_open("libm.so.6", names, slots, 2, msg, sizeof(msg)), PIPE_ERROR);
	CHECK_STR(msg, "libm.so.6: missing symbol pipe_no_such_function");
	CHECK_STR(error_last(), msg);
	CHECK(slots[0] == NULL && slots[1] == NULL);
	CHECK_OK(lib_open("libm.so.6", names, slots, 1, msg, sizeof(msg)));
	CHECK(slots[0] != NULL);
	*(void **)&cos_fn = slots[0];
	CHECK(cos_fn(0.0) == 1.0);
	CHECK_INT(lib_open("libpipe-none.so.0", names, slots, 1, msg, sizeof(msg)), PIPE_ERROR);
	CHECK(str_starts(msg, "cannot load libpipe-none.so.0: "));
	CHECK_STR(error_last(), msg);
}

/* Memory about to be written whole has its pages made at once: resident
 * before anything is written to it.  Zeroed, as calloc's. */
static void populated_before_written(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 256 * page;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *in = calloc(256, 1);
	size_t resident = 0;
	CHECK(p != MAP_FAILED && in);
	mem_populate(p, n);
	CHECK(mincore(p, n, in) == 0);
	for (size_t i = 0; i < 256; i++)
		resident += in[i] & 1;
	CHECK_INT(resident, 256);
	munmap(p, n);
	free(in);
	char *z = xcalloc_written(1 << 20, 1);
	size_t nonzero = 0;
	for (size_t i = 0; i < 1 << 20; i++)
		nonzero += z[i] != 0;
	CHECK_INT(nonzero, 0);
	free(z);
}

int main(void)
{
	RUN(buffers_grow_and_format);
	RUN(squeeze_collapses_white_space);
	RUN(durations);
	RUN(strmap_many);
	RUN(distances);
	RUN(errors_carry_context);
	RUN(file_read_empty);
	RUN(json_string_escapes);
	RUN(lib_open_all_or_nothing);
	RUN(populated_before_written);
	T_DONE();
}
