/* util: the error slot, buffers, strings, paths, files written atomically.
 * Everything here is usable by every module, the warehouse included. */
#ifndef PIPE_UTIL_H
#define PIPE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PIPE_VERSION "0.1.0"

#define PIPE_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Errors follow libgit2: a function returns 0 (or a count) on success and a
 * negative code on failure, with the message left in a per-thread slot so
 * that -j workers never see each other's errors. */
enum {
	PIPE_OK = 0,
	PIPE_ERROR = -1,    /* a failure; error_last() says what */
	PIPE_ENOTFOUND = -2, /* a lookup found nothing; not always a failure */
	PIPE_EUSAGE = -3,   /* bad input from the user: DAG file, flags, SQL */
	PIPE_ELOCKED = -4,  /* another build holds the lock */
};

int error_set(const char *fmt, ...) PIPE_PRINTF(1, 2);          /* returns PIPE_ERROR */
int error_setcode(int code, const char *fmt, ...) PIPE_PRINTF(2, 3); /* returns code */
/* Puts context in front of the current message: "building words: " + msg. */
void error_prefix(const char *fmt, ...) PIPE_PRINTF(1, 2);
const char *error_last(void);
void error_clear(void);

/* Out of memory is not something a caller can repair, so the x* allocators
 * abort with a message instead of threading ENOMEM through every path. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* xcalloc for an array about to be written whole: its pages are made in
 * one call rather than by a fault at each first write (a fault costs
 * microseconds on a virtual machine). */
void *xcalloc_written(size_t n, size_t size);
/* Makes the pages of p[0..n) at once, for memory about to be written
 * whole (nothing below 64 KiB; a hint, without effect where the kernel
 * has no MADV_POPULATE_WRITE). */
void mem_populate(void *p, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PIPE_PRINTF(1, 2);
/* Grows *p (an array of *cap elements of size sz) to hold at least need. */
void grow_array(void *p, size_t *cap, size_t need, size_t sz);

/* A growable byte buffer, always NUL-terminated once anything is added. */
struct buf {
	char *data;
	size_t len, cap;
};
#define BUF_INIT {NULL, 0, 0}
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) PIPE_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_clear(struct buf *b);
void buf_free(struct buf *b);
char *buf_detach(struct buf *b); /* the caller owns the string; b is empty */
const char *buf_cstr(struct buf *b); /* "" for an empty buffer */
/* Appends s quoted and escaped as a JSON string.  It lives here, not in
 * json.c, because the warehouse writes JSON too (`query --json`) and
 * includes util.h alone. */
void buf_json_string(struct buf *b, const char *s);

/* A bump allocator: many small allocations freed at once, a few large
 * chunks instead of a malloc each (a parsed pipefile's names and values, a
 * column vector's strings).  Chunks start small (a scan of 100,000 columns
 * has an arena per column) and double up to 8 MB. */
struct arena {
	struct arena_chunk *head;
	size_t used, cap; /* within head */
};
void *arena_alloc(struct arena *a, size_t n); /* aligned for any type */
/* A copy of p[0..n) with a NUL after it, unaligned: at 50,000 targets,
 * padding each string would cost megabytes. */
char *arena_strndup(struct arena *a, const char *p, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* n bytes, without a NUL after them: copies in a row lie back to back. */
const char *arena_copy(struct arena *a, const char *p, size_t n);
void arena_reset(struct arena *a); /* frees all but the largest chunk, for reuse */
void arena_free(struct arena *a);

/* Strings. */
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
bool str_eq_nocase(const char *a, const char *b);
char *str_trim(char *s); /* in place; returns the first non-space */
/* Collapses runs of white space to one space and trims the ends. */
char *str_squeeze(const char *s);
/* Levenshtein distance, for "did you mean" suggestions. */
int edit_distance(const char *a, const char *b);

/* A string -> pointer map (open addressing), for names looked up often. */
struct strmap {
	const char **keys;
	void **vals;
	size_t cap, len;
};
void strmap_put(struct strmap *m, const char *key, void *val); /* key is not copied */
void strmap_reserve(struct strmap *m, size_t n); /* room for n keys without rehashing */
void *strmap_get(const struct strmap *m, const char *key);
void strmap_free(struct strmap *m);
uint64_t str_hash64(const char *s, size_t n);

/* Files and paths. */
int file_read(const char *path, struct buf *out);
/* Reads n bytes at offset in fd; "reading <what>: ..." when it cannot
 * (a short file is "file is truncated"). */
int file_pread(int fd, void *p, size_t n, uint64_t offset, const char *what);
/* Writes to path.tmp.PID then renames: readers see the old or the new file,
 * never a part of one. */
int file_write_atomic(const char *path, const void *data, size_t len);
/* The same, a part at a time (a file too large to build in memory first):
 * open, write (on failure the temp file is gone), then commit. */
struct atomic_file {
	const char *path;
	char *tmp;
	int fd;
};
int atomic_open(struct atomic_file *f, const char *path);
int atomic_write(struct atomic_file *f, const void *data, size_t len);
int atomic_commit(struct atomic_file *f);
/* How a writer hands the bytes of each file it writes to a hash its caller
 * chose (the build's SHA-256: the warehouse knows no hash), so that nothing
 * reads the file back to hash it.  start opens one file's hash; update gets
 * the file's bytes in the order they are in it; done gets the file's path
 * once it is written whole under that name, or NULL when it was not (the
 * hash is dropped), and closes the hash.  update may be called from another
 * thread than start and done, never two at once for one file. */
struct file_hasher {
	void *(*start)(void *arg);
	void (*update)(void *hash, const void *p, size_t n);
	void (*done)(void *arg, void *hash, const char *path);
	void *arg;
};
/* file_write_atomic, and the bytes handed to h when it is not NULL. */
int file_write_atomic_hashed(const char *path, const void *data, size_t len, const struct file_hasher *h);
bool path_exists(const char *path);
int cpu_count(void); /* the CPUs online, at least 1 */
/* Before a thread sleeps on a condition variable for another's hand-over:
 * spins while ready(arg) is false, max_us microseconds at most.  On two
 * CPUs or more the other thread is usually that close, and a sleep with
 * its wake-up costs tens of microseconds on a virtual machine; on one, it
 * returns at once.  ready reads the shared state with atomic loads. */
void spin_briefly(bool (*ready)(const void *arg), const void *arg, double max_us);
bool path_is_dir(const char *path);
int mkdir_p(const char *path);
int rm_rf(const char *path);
char *path_join(const char *a, const char *b);
/* Replaces dst with src atomically: swaps them (renameat2 RENAME_EXCHANGE)
 * when dst exists, so a directory output is replaced without a moment where
 * neither is there; the old content is removed afterwards. */
int path_replace(const char *src, const char *dst);

/* A shared library loaded on first use (libcurl, libgit2, libcrypto: pipe
 * starts without them, and a command loads only what it uses).  A module
 * lists the functions it calls once, as an X macro, and LIB_FUNCTIONS
 * declares a struct of pointers to them, typed from the library's own
 * header (included, not linked), and their names:
 *
 *   #define CRYPTO_FUNCTIONS(X) X(EVP_MD_CTX_new) X(EVP_DigestUpdate) ...
 *   LIB_FUNCTIONS(CRYPTO_FUNCTIONS, ssl);
 *   ...
 *   if (LIB_OPEN(LIBCRYPTO_SONAME, ssl, msg, sizeof(msg)) < 0) ...
 *   ssl.EVP_DigestUpdate(...);
 *
 * The struct holds pointers only, so lib_open fills it as an array. */
#define LIB_FIELD(f) __typeof__(f) *f;
#define LIB_NAME(f) #f,
#define LIB_FUNCTIONS(list, var)                                                           \
	static struct { list(LIB_FIELD) } var;                                              \
	static const char *const var##_names[] = {list(LIB_NAME)};                          \
	_Static_assert(sizeof(var) == sizeof(var##_names) / sizeof(char *) * sizeof(void *), \
	               #var ": one pointer per name")
#define LIB_OPEN(soname, var, msg, len) \
	lib_open(soname, var##_names, (void **)&var, sizeof(var##_names) / sizeof(char *), msg, len)

/* Opens soname and fills slots[i] with names[i], every one or none: on
 * failure the slots are NULL again and msg (of size len) says which library
 * or symbol failed, "cannot load libcrypto.so.3: ..." or "libgit2.so.1.5:
 * missing symbol git_x".  Returns 0 or PIPE_ERROR with that message set.
 * The caller keeps msg as well: the load runs once, on whichever thread
 * comes first, and each later caller reports the same failure. */
int lib_open(const char *soname, const char *const *names, void **slots, size_t n, char *msg,
             size_t len);

/* Names a library that lib_open loads in an ELF note, .note.dlopen, which
 * packagers read to learn what pipe may load at run time (the "ELF dlopen
 * metadata" spec: note type 0x407c0c0a, owner "FDO", a JSON array).  Once per
 * module, at file scope; the strings must hold no '"' or '\\'. */
#define LIB_NOTE_DLOPEN(feature, description, priority, soname)                             \
	__attribute__((used, section(".note.dlopen"), aligned(4))) static const struct {         \
		uint32_t namesz, descsz, type;                                                    \
		char owner[4];                                                                    \
		__attribute__((aligned(4))) char json[sizeof(LIB_NOTE_JSON_(feature, description, \
		                                                             priority, soname))]; \
	} lib_note_dlopen = {                                                                     \
		4, sizeof(LIB_NOTE_JSON_(feature, description, priority, soname)), 0x407c0c0a,    \
		"FDO", LIB_NOTE_JSON_(feature, description, priority, soname),                    \
	}
#define LIB_NOTE_JSON_(feature, description, priority, soname)                                 \
	"[{\"feature\":\"" feature "\",\"description\":\"" description "\",\"priority\":\"" \
	priority "\",\"soname\":[\"" soname "\"]}]"

/* Time. */
double time_now_ms(void); /* monotonic */
/* Seconds since the epoch; a simulated clock when PIPE_NOW is set (tests:
 * docs/orchestration.md, "Testing schedules"). */
int64_t time_wall_s(void);
/* Real milliseconds until time_wall_s() reaches at (0 when it has). */
double time_wall_wait_ms(int64_t at);
/* Epoch seconds from "1764669600" or "2026-12-02T10:00:00Z"; -1 if neither. */
int64_t time_parse_iso(const char *s);
void time_iso(int64_t secs, char out[32]); /* 2026-11-25T01:02:03Z */
/* Parses 30s, 15m, 1h, 2d, 1w into seconds; -1 when malformed. */
int64_t duration_parse(const char *s);
/* Parses a size: bytes, or with K, M or G (powers of 1024: 512M, 2G).
 * PIPE_EUSAGE, with the message set, when malformed or not positive. */
int parse_size(const char *s, int64_t *out);

#endif
