/* cache: the content-addressed store of every output pipe built (its
 * on-disk format is described atop cache.c).  The build puts each file in
 * as it hashes it, restores a target whose key an earlier build had, and
 * `pipe restore`, `query --at`, `verify` and `cache push|pull|gc` read it. */
#ifndef PIPE_CACHE_H
#define PIPE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "crypto.h"

struct buf;
struct state_record;

/* $PIPE_CACHE, else .pipe/cache (relative to the project root). */
const char *cache_root(void);

/* One file of an output: its path below the output ("" for an output that
 * is one file), content hash and mode. */
struct cache_entry {
	char *rel;
	struct hash hash;
	unsigned mode;
};

struct cache_tree {
	struct cache_entry *e;
	size_t n, cap;
};

void cache_tree_add(struct cache_tree *t, const char *rel, const struct hash *h, unsigned mode);
void cache_tree_free(struct cache_tree *t);

/* Puts the file at path, whose content hashes to h, into the cache without
 * reading it: a reflink or a hard link, a copy only across filesystems. */
int cache_put_file(const char *path, const struct hash *h);
/* Notes which files make the output whose hash is output. */
int cache_put_tree(const struct hash *output, const struct cache_tree *t);
/* Notes the record of a build whose key is key: a later build with the
 * same key restores its output instead of building it. */
int cache_put_key(const struct hash *key, const struct state_record *rec);
/* The record of an earlier build with this key; PIPE_ENOTFOUND when none. */
int cache_get_key(const struct hash *key, struct state_record *rec);
/* PIPE_ENOTFOUND when the cache does not know the output. */
int cache_read_tree(const struct hash *output, struct cache_tree *t);
bool cache_has_file(const struct hash *h);

/* Called for each file cache_restore placed, with its verified hash. */
typedef int (*cache_file_fn)(void *ctx, const char *path, const struct stat *st,
                             const struct hash *h);
/* Makes dest (which must not exist) the output whose hash is output, every
 * file checked against its hash as it is placed, and the whole against
 * output.  A damaged object is reported on stderr, removed from the cache
 * and the restore fails; dest is then removed. */
int cache_restore(const struct hash *output, const char *dest, cache_file_fn fn, void *ctx);
/* Writes the record of objects checked since the last call (cache.c
 * says what it is): cache_restore calls it; so does whatever else filled
 * the cache through cache_copy_in. */
int cache_verified_save(void);
/* From now on every object read is hashed, whatever the record says
 * (`pipe verify`). */
void cache_hash_every_read(void);
/* Appends to *missing one line per object the output needs that the cache
 * lacks ("tree HASH" or "file HASH REL"); returns how many. */
size_t cache_missing(const struct hash *output, struct buf *missing);

/* The paths of objects in the cache, relative to its root:
 * "cas/ab/ab12..." and "ac/cd/cd34...". */
char *cache_object_path(const char *root, const char *area, const struct hash *h);

struct cache_gc_stats {
	size_t removed, kept;
	uint64_t freed; /* bytes */
};
/* Removes every object no commit of state/ refers to, or (keep_last > 0,
 * newer_than > 0) none of the keep_last newest commits made at or after
 * newer_than; HEAD's are always kept.  Call under the build lock. */
int cache_gc(int keep_last, int64_t newer_than, struct cache_gc_stats *st);

/* Objects as files, for `pipe cache push|pull` (cache_remote.c). */
/* Every object of the cache at root: "cas/ab/ab12..." and "ac/cd/cd34...". */
int cache_list(const char *root, char ***rels, size_t *n);
/* Copies the object at src to root/rel (skipped when there), through
 * root/tmp and a rename; a cas object's bytes are checked on the way. */
int cache_copy_in(const char *src, const char *root, const char *rel);
/* The same for bytes in memory (what came over HTTP); what names them in
 * a message. */
int cache_store_bytes(const char *root, const char *rel, const void *data, size_t len,
                      const char *what);

#endif
