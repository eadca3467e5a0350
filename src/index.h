/* index: .pipe/index, the fast path's one binary file (format atop index.c).
 * A cache of what state/ and targets/ say, so that a no-op build reads one
 * file and stats inputs and outputs instead of opening every state record
 * and rehashing every file.  It can always be rebuilt from state/. */
#ifndef PIPE_INDEX_H
#define PIPE_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/stat.h>

#include "crypto.h"

enum index_status { INDEX_NONE = 0, INDEX_OK = 1, INDEX_FAILED = 2 };

struct index_target {
	struct hash key;    /* of the last successful build */
	struct hash recipe; /* the recipe part of that key */
	struct hash output;
	int64_t finished;   /* wall clock seconds of the last success */
	uint8_t status;     /* enum index_status of the last run */
};

struct index;

/* A missing or unreadable index is an empty one: it is only a cache. */
int index_load(struct index **ix, const char *path);
/* Starts reading path on a thread, for the next index_load of it; a
 * command that may not call index_load ends it with index_prefetch_end. */
void index_prefetch(const char *path);
void index_prefetch_end(void);
/* Whether index_load found a file that is not an index, or one cut short
 * (an older pipe's index is not damaged): the caller says so. */
bool index_damaged(const struct index *ix);
/* Writes atomically; does nothing when nothing changed. */
int index_save(struct index *ix, const char *path);
void index_free(struct index *ix);

bool index_target_eq(const struct index_target *a, const struct index_target *b);
/* Whether the index has name, and its entry in *out. */
bool index_target_get(const struct index *ix, const char *name, struct index_target *out);
void index_target_put(struct index *ix, const char *name, const struct index_target *t);

/* The hash of a file or directory tree, from the stat cache when the
 * inode, size, mtime and ctime are what they were when it was last hashed.
 * PIPE_ENOTFOUND when the path does not exist. */
int index_hash_path(struct index *ix, const char *path, struct hash *out);
/* The same, for a path whose stat data the caller already has. */
int index_hash_stat(struct index *ix, const char *path, const struct stat *st, struct hash *out);
/* Records a hash computed elsewhere (a worker hashed a new output before it
 * was renamed into place; a rename keeps inode, size and mtime, and moves
 * the ctime, which the caller takes from the published file). */
void index_file_put(struct index *ix, const char *path, const struct stat *st,
                    const struct hash *h);
/* Notes a lookup of path that the plan did not need (an output not there
 * yet): the entry its build makes is saved in the place of this lookup. */
void index_expect_file(struct index *ix, const char *path);
/* Drops the cached hashes under path (after an output is replaced). */
void index_forget(struct index *ix, const char *path);

#endif
