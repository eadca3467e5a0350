/* index: the fast path's cache, .pipe/index.
 *
 * One binary file, little-endian, written whole with temp + rename:
 *
 *   "PIPEIDX1"
 *   u32 nfiles, then per file:
 *       u32 len, path bytes, u64 inode, u64 size, i64 mtime_sec,
 *       i64 mtime_nsec, 32 bytes SHA-256 of the content
 *   u32 ntargets, then per target:
 *       u32 len, name bytes, 32 bytes key, 32 bytes recipe hash,
 *       32 bytes output hash, i64 finished, u8 status
 *
 * Like git's index, a file whose stat data match its entry is taken to have
 * the recorded hash, except when its mtime is not older than the index file
 * itself: such a file may have changed again within the same clock tick
 * ("racy"), so it is hashed anew.  The index is only a cache: a missing,
 * truncated or foreign file reads as empty and everything is recomputed
 * from state/ and targets/. */
#include "index.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "PIPEIDX1"

struct file_entry {
	char *path;
	uint64_t ino, size;
	int64_t sec, nsec;
	struct hash hash;
};

struct target_entry {
	char *name;
	struct index_target t;
};

struct index {
	struct file_entry **files;
	size_t nfiles, capfiles;
	struct strmap file_map;
	struct target_entry **targets;
	size_t ntargets, captargets;
	struct strmap target_map;
	int64_t sec, nsec; /* the index file's own mtime, for the racy rule */
	bool dirty;
};

struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static void rd(struct reader *r, void *dst, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p, n);
	r->p += n;
}

static char *rd_str(struct reader *r)
{
	uint32_t n;
	rd(r, &n, 4);
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	char *s = xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

static struct file_entry *file_add(struct index *ix, const char *path)
{
	struct file_entry *f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	grow_array(&ix->files, &ix->capfiles, ix->nfiles + 1, sizeof(*ix->files));
	ix->files[ix->nfiles++] = f;
	strmap_put(&ix->file_map, f->path, f);
	return f;
}

static struct target_entry *target_add(struct index *ix, const char *name)
{
	struct target_entry *t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	grow_array(&ix->targets, &ix->captargets, ix->ntargets + 1, sizeof(*ix->targets));
	ix->targets[ix->ntargets++] = t;
	strmap_put(&ix->target_map, t->name, t);
	return t;
}

static void clear(struct index *ix)
{
	for (size_t i = 0; i < ix->nfiles; i++) {
		free(ix->files[i]->path);
		free(ix->files[i]);
	}
	for (size_t i = 0; i < ix->ntargets; i++) {
		free(ix->targets[i]->name);
		free(ix->targets[i]);
	}
	ix->nfiles = ix->ntargets = 0;
	strmap_free(&ix->file_map);
	strmap_free(&ix->target_map);
}

int index_load(struct index **out, const char *path)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	struct buf data = BUF_INIT;
	struct reader r;
	struct stat st;
	char magic[8];
	uint32_t n;

	*out = ix;
	if (stat(path, &st) < 0 || file_read(path, &data) < 0) {
		error_clear();
		return 0;
	}
	ix->sec = st.st_mtim.tv_sec;
	ix->nsec = st.st_mtim.tv_nsec;
	r.p = (const unsigned char *)data.data;
	r.end = r.p + data.len;
	r.bad = false;
	rd(&r, magic, 8);
	if (memcmp(magic, MAGIC, 8) != 0)
		r.bad = true;
	rd(&r, &n, 4);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		char *p = rd_str(&r);
		if (!p)
			break;
		struct file_entry *f = file_add(ix, p);
		free(p);
		rd(&r, &f->ino, 8);
		rd(&r, &f->size, 8);
		rd(&r, &f->sec, 8);
		rd(&r, &f->nsec, 8);
		rd(&r, f->hash.b, HASH_LEN);
	}
	rd(&r, &n, 4);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		char *name = rd_str(&r);
		if (!name)
			break;
		struct target_entry *t = target_add(ix, name);
		free(name);
		rd(&r, t->t.key.b, HASH_LEN);
		rd(&r, t->t.recipe.b, HASH_LEN);
		rd(&r, t->t.output.b, HASH_LEN);
		rd(&r, &t->t.finished, 8);
		rd(&r, &t->t.status, 1);
	}
	if (r.bad) /* a damaged cache is an empty cache */
		clear(ix);
	buf_free(&data);
	return 0;
}

static void wr_str(struct buf *b, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);
	buf_add(b, &n, 4);
	buf_add(b, s, n);
}

int index_save(struct index *ix, const char *path)
{
	struct buf b = BUF_INIT;
	uint32_t n;
	int error;
	if (!ix->dirty)
		return 0;
	buf_add(&b, MAGIC, 8);
	n = (uint32_t)ix->nfiles;
	buf_add(&b, &n, 4);
	for (size_t i = 0; i < ix->nfiles; i++) {
		struct file_entry *f = ix->files[i];
		wr_str(&b, f->path);
		buf_add(&b, &f->ino, 8);
		buf_add(&b, &f->size, 8);
		buf_add(&b, &f->sec, 8);
		buf_add(&b, &f->nsec, 8);
		buf_add(&b, f->hash.b, HASH_LEN);
	}
	n = (uint32_t)ix->ntargets;
	buf_add(&b, &n, 4);
	for (size_t i = 0; i < ix->ntargets; i++) {
		struct target_entry *t = ix->targets[i];
		wr_str(&b, t->name);
		buf_add(&b, t->t.key.b, HASH_LEN);
		buf_add(&b, t->t.recipe.b, HASH_LEN);
		buf_add(&b, t->t.output.b, HASH_LEN);
		buf_add(&b, &t->t.finished, 8);
		buf_add(&b, &t->t.status, 1);
	}
	error = file_write_atomic(path, b.data, b.len);
	buf_free(&b);
	if (!error)
		ix->dirty = false;
	return error;
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	clear(ix);
	free(ix->files);
	free(ix->targets);
	free(ix);
}

const struct index_target *index_target_get(const struct index *ix, const char *name)
{
	struct target_entry *t = strmap_get(&ix->target_map, name);
	return t ? &t->t : NULL;
}

void index_target_put(struct index *ix, const char *name, const struct index_target *t)
{
	struct target_entry *e = strmap_get(&ix->target_map, name);
	if (!e)
		e = target_add(ix, name);
	else if (!memcmp(&e->t, t, sizeof(*t)))
		return;
	e->t = *t;
	ix->dirty = true;
}

void index_file_put(struct index *ix, const char *path, const struct stat *st,
                    const struct hash *h)
{
	struct file_entry *f = strmap_get(&ix->file_map, path);
	if (!f)
		f = file_add(ix, path);
	f->ino = (uint64_t)st->st_ino;
	f->size = (uint64_t)st->st_size;
	f->sec = st->st_mtim.tv_sec;
	f->nsec = st->st_mtim.tv_nsec;
	f->hash = *h;
	ix->dirty = true;
}

static bool racy(const struct index *ix, const struct file_entry *f)
{
	return f->sec > ix->sec || (f->sec == ix->sec && f->nsec >= ix->nsec);
}

static int cached_file_hash(void *ctx, const char *path, const struct stat *st,
                            struct hash *out)
{
	struct index *ix = ctx;
	struct file_entry *f = strmap_get(&ix->file_map, path);
	int error;
	if (f && f->ino == (uint64_t)st->st_ino && f->size == (uint64_t)st->st_size &&
	    f->sec == st->st_mtim.tv_sec && f->nsec == st->st_mtim.tv_nsec && !racy(ix, f)) {
		*out = f->hash;
		return 0;
	}
	if ((error = hash_file(path, out)) < 0)
		return error;
	index_file_put(ix, path, st, out);
	return 0;
}

int index_hash_path(struct index *ix, const char *path, struct hash *out)
{
	return hash_path(path, cached_file_hash, ix, out);
}

int index_hash_stat(struct index *ix, const char *path, const struct stat *st, struct hash *out)
{
	if (S_ISDIR(st->st_mode))
		return hash_path(path, cached_file_hash, ix, out);
	return cached_file_hash(ix, path, st, out);
}

void index_forget(struct index *ix, const char *path)
{
	size_t n = strlen(path), kept = 0;
	bool any = false;
	for (size_t i = 0; i < ix->nfiles; i++) {
		struct file_entry *f = ix->files[i];
		if (!strncmp(f->path, path, n) && (f->path[n] == '\0' || f->path[n] == '/')) {
			free(f->path);
			free(f);
			any = true;
			continue;
		}
		ix->files[kept++] = f;
	}
	if (!any)
		return;
	ix->nfiles = kept;
	strmap_free(&ix->file_map);
	for (size_t i = 0; i < ix->nfiles; i++)
		strmap_put(&ix->file_map, ix->files[i]->path, ix->files[i]);
	ix->dirty = true;
}
