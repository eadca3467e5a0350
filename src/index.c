/* index: the fast path's cache, .pipe/index.
 *
 * One binary file, little-endian, written whole with temp + rename:
 *
 *   "PIPEIDX3"
 *   u32 nfiles, then per file:
 *       u32 len, path bytes, NUL, u64 inode, u64 size, i64 mtime_sec,
 *       i64 mtime_nsec, i64 ctime_sec, i64 ctime_nsec, 32 bytes SHA-256 of
 *       the content
 *   u32 ntargets, then per target:
 *       u32 len, name bytes, NUL, 32 bytes key, 32 bytes recipe hash,
 *       32 bytes output hash, i64 finished, u8 status
 *
 * Like git's index, a file whose stat data (inode, size, mtime and ctime, to
 * the nanosecond) match its entry is taken to have the recorded hash: an
 * edit that keeps the size and puts the mtime back (touch -d, a tool that
 * preserves times) still moves the ctime.  Except when its mtime is not older than the index file
 * itself (for a hash taken in this run: than the run's start): such a file
 * may have changed again within the same clock tick ("racy"), so it is
 * hashed anew.  The index is only a cache: a missing,
 * truncated or foreign file reads as empty and everything is recomputed
 * from state/ and targets/.
 *
 * Entries are saved in the order a build looked them up (an entry made after
 * a lookup that missed, as a first build makes its outputs', takes that
 * lookup's place), and a lookup first tries the entry after the previous
 * one found.  A no-op build looks up the
 * same names in the same order every time, so it reads the entries in one
 * pass and never builds a hash table; the table is built at the first lookup
 * that misses.  Strings end in NUL so that entries point into the file's
 * bytes: loading 50,000 targets is a few allocations, not 150,000. */
#include "index.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "PIPEIDX3"

/* An entry's fields are kept as the file stores them, FILE_FIELDS or
 * TARGET_FIELDS bytes right after the name's NUL, and decoded when asked
 * for: a loaded entry points into the mapped file, so that loading 50,000
 * targets copies none of their hashes (a decoded copy of each was a fifth
 * of a no-op's memory).  An entry changed or made in this run has its name
 * and fields, laid out the same, in memory of its own.  16 bytes an
 * entry: a no-op of 50,000 targets loads 150,000. */
#define FILE_FIELDS (6 * 8 + HASH_LEN)
#define TARGET_FIELDS (3 * HASH_LEN + 8 + 1)

struct entry {
	const char *name; /* a file's path or a target's name, NUL, its fields */
	uint32_t seen;    /* the order of its first lookup in this run; 0: none */
	bool owned;       /* the entry was allocated, not loaded */
	bool own_name;    /* its name and fields were (it was made or changed here) */
	bool fresh;       /* a file's: hashed in this run, racy against its start */
};

static unsigned char *fields_of(const struct entry *e)
{
	return (unsigned char *)e->name + strlen(e->name) + 1;
}

/* A file's fields, decoded. */
struct file_fields {
	uint64_t ino, size;
	int64_t sec, nsec;   /* mtime */
	int64_t csec, cnsec; /* ctime */
	struct hash hash;
};

static void file_decode(const struct entry *e, struct file_fields *f)
{
	const unsigned char *p = fields_of(e);
	memcpy(&f->ino, p, 8);
	memcpy(&f->size, p + 8, 8);
	memcpy(&f->sec, p + 16, 8);
	memcpy(&f->nsec, p + 24, 8);
	memcpy(&f->csec, p + 32, 8);
	memcpy(&f->cnsec, p + 40, 8);
	memcpy(f->hash.b, p + 48, HASH_LEN);
}

static void target_decode(const struct entry *e, struct index_target *t)
{
	const unsigned char *p = fields_of(e);
	memset(t, 0, sizeof(*t));
	memcpy(t->key.b, p, HASH_LEN);
	memcpy(t->recipe.b, p + HASH_LEN, HASH_LEN);
	memcpy(t->output.b, p + 2 * HASH_LEN, HASH_LEN);
	memcpy(&t->finished, p + 3 * HASH_LEN, 8);
	t->status = p[3 * HASH_LEN + 8];
}

static void target_encode(const struct index_target *t, unsigned char *p)
{
	memcpy(p, t->key.b, HASH_LEN);
	memcpy(p + HASH_LEN, t->recipe.b, HASH_LEN);
	memcpy(p + 2 * HASH_LEN, t->output.b, HASH_LEN);
	memcpy(p + 3 * HASH_LEN, &t->finished, 8);
	p[3 * HASH_LEN + 8] = t->status;
}

/* Fields e may write: a loaded entry's are copied out of the file first. */
static unsigned char *writable_fields(struct entry *e, size_t size)
{
	if (!e->own_name) {
		size_t len = strlen(e->name) + 1;
		char *own = xmalloc(len + size);
		memcpy(own, e->name, len + size);
		e->name = own;
		e->own_name = true;
	}
	return fields_of(e);
}

/* One kind of entry: an array in saved order, a hint, a lazy name map. */
struct table {
	struct entry **items;
	size_t n, cap, hint;
	struct strmap map;
	bool mapped;
	uint32_t seq;
	bool out_of_order; /* a lookup missed the hint: save in the new order */
	uintptr_t walked; /* the mapped file's pages below this were dropped */
	/* names looked up and not found, with the order of that lookup: an
	 * entry made for one later (a first build's targets and outputs, made
	 * as they finish) is saved in the place the lookup had, so that the
	 * next build, looking up in the same order, finds each at its hint */
	struct strmap missed;
	struct arena missed_names;
};

struct index {
	/* the file, mapped: loaded names point into it.  Mapped, not read:
	 * the pages come from the page cache, a few faults for the whole
	 * file, instead of a copy of it (index_save replaces it by rename,
	 * so the mapped file never changes under us) */
	const char *data;
	size_t len;
	struct entry *loaded_files, *loaded_targets;
	struct table files, targets;
	int64_t sec, nsec; /* the index file's own mtime, for the racy rule */
	struct timespec started; /* the coarse clock when it was loaded: the
	                          * same rule for hashes taken in this run */
	bool dirty;
	bool damaged; /* the file was there but did not read */
};

/* The map holds positions (plus one), so that a lookup that missed the
 * hint can put the hint right after what it found. */
static void table_add(struct table *t, struct entry *e)
{
	grow_array(&t->items, &t->cap, t->n + 1, sizeof(*t->items));
	t->items[t->n++] = e;
	if (t->mapped)
		strmap_put(&t->map, e->name, (void *)(uintptr_t)t->n);
}

/* A new entry with room for size bytes of fields, seen now. */
static struct entry *table_new(struct table *t, const char *name, size_t size)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	size_t len = strlen(name) + 1;
	char *own = xcalloc(1, len + size);
	uintptr_t missed = (uintptr_t)strmap_get(&t->missed, name);
	memcpy(own, name, len);
	e->name = own;
	e->owned = e->own_name = true;
	e->seen = missed ? (uint32_t)missed : ++t->seq;
	table_add(t, e);
	return e;
}

/* A build reads the loaded entries once, in the order they are saved:
 * the mapped file's pages behind the hint are dropped as it moves on, a
 * quarter of a megabyte at a time, rather than all held to the end (15 MB
 * of the peak memory of a no-op of 50,000 targets).  The file is only
 * read, so a page dropped and read again comes back from the page cache. */
#define WALK_STEP (256u << 10)
#define DROP_AFTER_LOAD (4u << 20)

static void table_walked(struct table *t, const struct entry *e)
{
	if (e->own_name)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	/* pages of the mapping only: from the page of an entry walked before
	 * to the page of this one, both inside the file */
	uintptr_t at = (uintptr_t)e->name & ~(page - 1);
	if (!t->walked || at < t->walked) {
		t->walked = at; /* the first entry walked, or one before it */
		return;
	}
	if (at - t->walked >= WALK_STEP) {
		madvise((void *)t->walked, at - t->walked, MADV_DONTNEED);
		t->walked = at;
	}
}

static struct entry *table_lookup(struct table *t, const char *name)
{
	if (t->hint < t->n && !strcmp(t->items[t->hint]->name, name)) {
		table_walked(t, t->items[t->hint]);
		return t->items[t->hint++];
	}
	if (!t->mapped) {
		strmap_reserve(&t->map, t->n);
		for (size_t i = 0; i < t->n; i++)
			strmap_put(&t->map, t->items[i]->name, (void *)(uintptr_t)(i + 1));
		t->mapped = true;
	}
	uintptr_t pos = (uintptr_t)strmap_get(&t->map, name);
	if (!pos)
		return NULL;
	t->out_of_order = true;
	t->hint = pos;
	return t->items[pos - 1];
}

/* The entry named name, or NULL; found entries count as seen. */
static struct entry *table_find(struct table *t, const char *name)
{
	struct entry *e = table_lookup(t, name);
	if (e && !e->seen)
		e->seen = ++t->seq;
	else if (!e && !strmap_get(&t->missed, name))
		strmap_put(&t->missed, arena_strdup(&t->missed_names, name), (void *)(uintptr_t)++t->seq);
	return e;
}

static void entry_free(struct entry *e)
{
	if (e->own_name)
		free((char *)e->name);
	if (e->owned)
		free(e);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_free(t->items[i]);
	free(t->items);
	strmap_free(&t->map);
	strmap_free(&t->missed);
	arena_free(&t->missed_names);
	memset(t, 0, sizeof(*t));
}

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

/* Past the fields after a name, n bytes (read where they lie). */
static void rd_skip(struct reader *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n)
		r->bad = true;
	else
		r->p += n;
}

static const char *rd_str(struct reader *r)
{
	uint32_t n;
	rd(r, &n, 4);
	/* a NUL inside would hide where the fields start (fields_of) */
	if (r->bad || (size_t)(r->end - r->p) <= n || r->p[n] != '\0' || memchr(r->p, '\0', n)) {
		r->bad = true;
		return NULL;
	}
	const char *s = (const char *)r->p;
	r->p += n + 1;
	return s;
}

static void clear(struct index *ix)
{
	table_free(&ix->files);
	table_free(&ix->targets);
	free(ix->loaded_files);
	free(ix->loaded_targets);
	ix->loaded_files = NULL;
	ix->loaded_targets = NULL;
	if (ix->data)
		munmap((void *)ix->data, ix->len);
	ix->data = NULL;
	ix->len = 0;
}

/* Reads path into ix; st: the file read (st_size -1: none). */
static void load(struct index *ix, const char *path, struct stat *st_out)
{
	struct reader r;
	struct stat st;
	char magic[8];
	uint32_t n;
	int fd;
	void *map;

	st_out->st_size = -1;
	clock_gettime(CLOCK_REALTIME_COARSE, &ix->started);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) < 0)
		st.st_size = -1;
	*st_out = st;
	if (st.st_size <= 0 ||
	    (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		ix->damaged = st.st_size == 0; /* there, but empty: not an index */
		close(fd);
		return;
	}
	close(fd);
	ix->data = map;
	ix->len = (size_t)st.st_size;
	ix->sec = st.st_mtim.tv_sec;
	ix->nsec = st.st_mtim.tv_nsec;
	r.p = (const unsigned char *)ix->data;
	r.end = r.p + ix->len;
	r.bad = false;
	rd(&r, magic, 8);
	if (memcmp(magic, MAGIC, 8) != 0)
		r.bad = true;
	rd(&r, &n, 4);
	if (!r.bad && n > ix->len / 40)
		r.bad = true;
	if (!r.bad) {
		ix->loaded_files = xcalloc_written(n + 1, sizeof(*ix->loaded_files));
		ix->files.items = xmalloc((n + 1) * sizeof(void *));
		ix->files.cap = n + 1;
	}
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		struct entry *f = &ix->loaded_files[i];
		f->name = rd_str(&r);
		rd_skip(&r, FILE_FIELDS);
		ix->files.items[ix->files.n++] = f;
	}
	rd(&r, &n, 4);
	if (!r.bad && n > ix->len / 100)
		r.bad = true;
	if (!r.bad) {
		ix->loaded_targets = xcalloc_written(n + 1, sizeof(*ix->loaded_targets));
		ix->targets.items = xmalloc((n + 1) * sizeof(void *));
		ix->targets.cap = n + 1;
	}
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		struct entry *t = &ix->loaded_targets[i];
		t->name = rd_str(&r);
		rd_skip(&r, TARGET_FIELDS);
		ix->targets.items[ix->targets.n++] = t;
	}
	if (r.bad) { /* a damaged cache is an empty cache */
		/* an older pipe's index is not damaged, only outdated */
		ix->damaged = ix->len < 7 || memcmp(ix->data, MAGIC, 7) != 0 ||
		              !memcmp(ix->data, MAGIC, 8);
		clear(ix);
		ix->sec = ix->nsec = 0;
	} else if (ix->len >= DROP_AFTER_LOAD) {
		/* a large index's pages are let go once its entries are found:
		 * the build reads them again in order, dropping them behind it
		 * (table_walked), so they are never all in memory at once */
		madvise((void *)ix->data, ix->len, MADV_DONTNEED);
	}
}

/* The index read on a thread while the DAG files are parsed (a no-op build
 * of 10,000 targets spends a tenth of its time on each, and a twentieth on
 * loading libcrypto, done there too), taken by
 * index_load when the file is still the one read: a build that committed
 * in between replaced it by rename, and the mapping keeps the old inode's
 * number from being reused while it is compared. */
static struct {
	pthread_t thread;
	bool running;
	char *path;
	struct index *ix;
	struct stat st;
} prefetch;

static void *prefetch_main(void *arg)
{
	(void)arg;
	load(prefetch.ix, prefetch.path, &prefetch.st);
	/* and libcrypto loaded, which the plan needs next (a failure is
	 * said by the caller's own hash_init) */
	if (hash_init() < 0)
		error_clear();
	return NULL;
}

void index_prefetch(const char *path)
{
	if (prefetch.running)
		return;
	prefetch.path = xstrdup(path);
	prefetch.ix = xcalloc(1, sizeof(*prefetch.ix));
	if (pthread_create(&prefetch.thread, NULL, prefetch_main, NULL) == 0) {
		prefetch.running = true;
		return;
	}
	free(prefetch.path);
	free(prefetch.ix);
	prefetch.path = NULL;
	prefetch.ix = NULL;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	if (a->st_size < 0 || b->st_size < 0)
		return a->st_size == b->st_size;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The prefetched index of path if it is still path's, else NULL; either
 * way the prefetch is over. */
static struct index *take_prefetched(const char *path)
{
	struct index *ix = NULL;
	struct stat st;
	if (!prefetch.running)
		return NULL;
	pthread_join(prefetch.thread, NULL);
	prefetch.running = false;
	if (!path || stat(path, &st) < 0)
		st.st_size = -1;
	if (path && !strcmp(path, prefetch.path) && same_file(&st, &prefetch.st))
		ix = prefetch.ix;
	else
		index_free(prefetch.ix);
	free(prefetch.path);
	prefetch.path = NULL;
	prefetch.ix = NULL;
	return ix;
}

void index_prefetch_end(void) { index_free(take_prefetched(NULL)); }

int index_load(struct index **out, const char *path)
{
	struct stat st;
	if ((*out = take_prefetched(path)))
		return 0;
	*out = xcalloc(1, sizeof(**out));
	load(*out, path, &st);
	return 0;
}

bool index_damaged(const struct index *ix) { return ix->damaged; }

static void wr_str(struct buf *b, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);
	buf_add(b, &n, 4);
	buf_add(b, s, n + 1);
}

/* Entries looked up in this run first, in lookup order; the rest after. */
static int by_seen(const void *a, const void *b)
{
	uint32_t x = (*(struct entry *const *)a)->seen - 1;
	uint32_t y = (*(struct entry *const *)b)->seen - 1;
	return x < y ? -1 : x > y;
}

#define SAVE_CHUNK (1u << 20)

/* Writes b out once it holds at least min bytes (0: whatever it holds). */
static int save_some(struct atomic_file *f, struct buf *b, size_t min)
{
	int error;
	if (b->len < min || !b->len)
		return 0;
	error = atomic_write(f, b->data, b->len);
	b->len = 0;
	return error;
}

int index_save(struct index *ix, const char *path)
{
	struct atomic_file f;
	struct buf b = BUF_INIT;
	uint32_t n;
	int error;
	if (!ix->dirty && !ix->files.out_of_order && !ix->targets.out_of_order)
		return 0;
	/* qsort is not stable, but the seen numbers are distinct, and entries
	 * not seen (all UINT32_MAX) may come in any order */
	if (ix->files.n)
		qsort(ix->files.items, ix->files.n, sizeof(void *), by_seen);
	if (ix->targets.n)
		qsort(ix->targets.items, ix->targets.n, sizeof(void *), by_seen);
	/* positions moved: the maps are rebuilt when next needed */
	strmap_free(&ix->files.map);
	strmap_free(&ix->targets.map);
	ix->files.mapped = ix->targets.mapped = false;
	ix->files.hint = ix->targets.hint = 0;
	/* written a megabyte at a time: the whole file in memory was a
	 * fifth of a 50,000-target build's peak */
	if ((error = atomic_open(&f, path)) < 0)
		return error;
	buf_grow(&b, SAVE_CHUNK + 4096);
	buf_add(&b, MAGIC, 8);
	n = (uint32_t)ix->files.n;
	buf_add(&b, &n, 4);
	for (size_t i = 0; i < ix->files.n && !error; i++) {
		wr_str(&b, ix->files.items[i]->name);
		buf_add(&b, fields_of(ix->files.items[i]), FILE_FIELDS);
		error = save_some(&f, &b, SAVE_CHUNK);
	}
	n = (uint32_t)ix->targets.n;
	buf_add(&b, &n, 4);
	for (size_t i = 0; i < ix->targets.n && !error; i++) {
		wr_str(&b, ix->targets.items[i]->name);
		buf_add(&b, fields_of(ix->targets.items[i]), TARGET_FIELDS);
		error = save_some(&f, &b, SAVE_CHUNK);
	}
	if (!error && (error = save_some(&f, &b, 0)) == 0)
		error = atomic_commit(&f);
	buf_free(&b);
	if (!error)
		ix->dirty = ix->files.out_of_order = ix->targets.out_of_order = false;
	return error;
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	clear(ix);
	free(ix);
}

void index_expect_file(struct index *ix, const char *path) { table_find(&ix->files, path); }

bool index_target_eq(const struct index_target *a, const struct index_target *b)
{
	unsigned char x[TARGET_FIELDS], y[TARGET_FIELDS];
	target_encode(a, x);
	target_encode(b, y);
	return !memcmp(x, y, TARGET_FIELDS);
}

bool index_target_get(const struct index *cix, const char *name, struct index_target *out)
{
	/* const to callers: finding only moves the hint and the lookup order */
	struct entry *e = table_find(&((struct index *)cix)->targets, name);
	if (!e)
		return false;
	target_decode(e, out);
	return true;
}

void index_target_put(struct index *ix, const char *name, const struct index_target *t)
{
	struct entry *e = table_find(&ix->targets, name);
	unsigned char now[TARGET_FIELDS];
	target_encode(t, now);
	if (!e)
		e = table_new(&ix->targets, name, TARGET_FIELDS);
	else if (!memcmp(fields_of(e), now, TARGET_FIELDS))
		return;
	memcpy(writable_fields(e, TARGET_FIELDS), now, TARGET_FIELDS);
	ix->dirty = true;
}

void index_file_put(struct index *ix, const char *path, const struct stat *st,
                    const struct hash *h)
{
	struct entry *f = table_find(&ix->files, path);
	unsigned char *p;
	int64_t v[6] = {(int64_t)st->st_ino, (int64_t)st->st_size, st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	                st->st_ctim.tv_sec, st->st_ctim.tv_nsec};
	if (!f)
		f = table_new(&ix->files, path, FILE_FIELDS);
	p = writable_fields(f, FILE_FIELDS);
	memcpy(p, v, sizeof(v));
	memcpy(p + sizeof(v), h->b, HASH_LEN);
	f->fresh = true;
	ix->dirty = true;
}

/* A file whose mtime is not older than the moment its hash was recorded
 * may have changed again within the same clock tick: its stat data prove
 * nothing.  That moment is the index file's mtime for a loaded entry, and
 * the start of this run for one hashed in it (a file's timestamps come
 * from the coarse clock, so a write after the start has an mtime at or
 * after it).  Without the second, a build with no index (a fresh clone)
 * hashed each input again at every lookup. */
static bool racy(const struct index *ix, const struct entry *e, const struct file_fields *f)
{
	int64_t sec = e->fresh ? ix->started.tv_sec : ix->sec;
	int64_t nsec = e->fresh ? ix->started.tv_nsec : ix->nsec;
	return f->sec > sec || (f->sec == sec && f->nsec >= nsec);
}

static int cached_file_hash(void *ctx, const char *path, const struct stat *st,
                            struct hash *out)
{
	struct index *ix = ctx;
	struct entry *e = table_find(&ix->files, path);
	struct file_fields f;
	int error;
	if (e)
		file_decode(e, &f);
	if (e && f.ino == (uint64_t)st->st_ino && f.size == (uint64_t)st->st_size &&
	    f.sec == st->st_mtim.tv_sec && f.nsec == st->st_mtim.tv_nsec &&
	    f.csec == st->st_ctim.tv_sec && f.cnsec == st->st_ctim.tv_nsec && !racy(ix, e, &f)) {
		*out = f.hash;
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
	for (size_t i = 0; i < ix->files.n; i++) {
		struct entry *f = ix->files.items[i];
		if (!strncmp(f->name, path, n) && (f->name[n] == '\0' || f->name[n] == '/')) {
			entry_free(f);
			any = true;
			continue;
		}
		ix->files.items[kept++] = f;
	}
	if (!any)
		return;
	ix->files.n = kept;
	ix->files.hint = 0;
	strmap_free(&ix->files.map);
	ix->files.mapped = false;
	ix->dirty = true;
}
