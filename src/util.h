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
/* Writes to path.tmp.PID then renames: readers see the old or the new file,
 * never a part of one. */
int file_write_atomic(const char *path, const void *data, size_t len);
bool path_exists(const char *path);
bool path_is_dir(const char *path);
int mkdir_p(const char *path);
int rm_rf(const char *path);
char *path_join(const char *a, const char *b);
/* Replaces dst with src atomically: swaps them (renameat2 RENAME_EXCHANGE)
 * when dst exists, so a directory output is replaced without a moment where
 * neither is there; the old content is removed afterwards. */
int path_replace(const char *src, const char *dst);

/* Opens a shared library loaded on first use (libcurl, libgit2,
 * libcrypto: pipe starts without them) and looks up its functions,
 * names[i] into *slots[i].  On failure, msg (of size len) says which
 * library or function is missing: the caller keeps it, since the load runs
 * once, on whichever thread comes first. */
bool lib_open(const char *soname, const char *const *names, void **const *slots, size_t n,
              char *msg, size_t len);

/* Time. */
double time_now_ms(void); /* monotonic */
int64_t time_wall_s(void);
void time_iso(int64_t secs, char out[32]); /* 2026-11-25T01:02:03Z */
/* Parses 30s, 15m, 1h, 2d, 1w into seconds; -1 when malformed. */
int64_t duration_parse(const char *s);

#endif
