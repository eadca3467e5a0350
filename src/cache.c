/* cache: every output pipe builds, stored by content hash, so that a
 * target whose key an earlier build had is restored instead of rebuilt, and
 * any state commit's outputs can be brought back (docs/cache.md).
 *
 * On disk, under $PIPE_CACHE (default .pipe/cache):
 *
 *   cas/ab/ab12...       a file's bytes, named by their SHA-256 (64 hex
 *                        digits; the first two name the directory).  Two
 *                        outputs holding the same file share one object.
 *   ac/cd/cd34...        a text entry named by a hash that is not its own
 *                        content's, one of two kinds, by its first line:
 *     pipe tree 1        the files of the output whose hash is the name:
 *                        "<sha256> <mode, octal> <path>\n" each, in the
 *                        order hash_path walks them; path is "." for an
 *                        output that is one file.
 *     pipe key 1         the state record (state.c's format) of the build
 *                        whose key is the name.
 *   tmp/                 objects being written, renamed into place whole.
 *
 * The layout is Bazel's remote cache's (cas/ and ac/, by SHA-256), so a
 * cache is pushed to one as it is (cache_remote.c).  Files go in without
 * being read again: the build hashed them as it recorded them, and
 * cache_put_file reflinks them (FICLONE: an independent copy that costs no
 * bytes), else hard-links them (the filesystem cannot reflink: the object
 * and the published output are then one inode, and an output edited in
 * place is caught as a damaged object the next time it is read), else
 * copies them (the cache is on another filesystem).  Every read checks a
 * file against its name: a damaged object is reported, removed and never
 * used. */
#include "cache.h"
#include "history.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define TREE_HEADER "pipe tree 1\n"

static void crash_point(const char *step);
#define KEY_HEADER "pipe key 1\n"

const char *cache_root(void)
{
	const char *env = getenv("PIPE_CACHE");
	return env && *env ? env : ".pipe/cache";
}

char *cache_object_path(const char *root, const char *area, const struct hash *h)
{
	char hex[HASH_HEX_LEN + 1];
	hash_hex(h, hex);
	return xasprintf("%s/%s/%.2s/%s", root, area, hex, hex);
}

void cache_tree_add(struct cache_tree *t, const char *rel, const struct hash *h, unsigned mode)
{
	grow_array(&t->e, &t->cap, t->n + 1, sizeof(*t->e));
	t->e[t->n].rel = xstrdup(rel);
	t->e[t->n].hash = *h;
	t->e[t->n].mode = mode & 0777;
	t->n++;
}

void cache_tree_free(struct cache_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->e[i].rel);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* A unique name under tmp/ for a file being written: threads of one build
 * put files at once. */
static char *temp_path(const char *root)
{
	static unsigned long counter;
	unsigned long n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	return xasprintf("%s/tmp/%ld-%lu", root, (long)getpid(), n);
}

static int make_parent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int error = 0;
	if (slash) {
		*slash = '\0';
		error = mkdir_p(dir);
	}
	free(dir);
	return error;
}

/* Once a reflink failed for want of support, later files go straight to
 * the next way: asking again costs a file created and removed each. */
static int no_reflink;

/* Whether out is now a reflink of in.  A filesystem that cannot (or two
 * filesystems: the cache and targets/ stay where they are) is not asked
 * again. */
static bool reflink_fd(int in, int out)
{
	if (__atomic_load_n(&no_reflink, __ATOMIC_RELAXED))
		return false;
	if (ioctl(out, FICLONE, in) == 0)
		return true;
	if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EINVAL || errno == ENOSYS || errno == EXDEV)
		__atomic_store_n(&no_reflink, 1, __ATOMIC_RELAXED);
	return false;
}

/* The end of placing a file at dest: both closed, and dest removed when
 * placing it failed.  error, or the close's. */
static int close_placed(int in, int out, const char *dest, int error)
{
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && !error)
		error = error_set("%s: %s", dest, strerror(errno));
	if (error < 0 && out >= 0)
		unlink(dest);
	return error;
}

/* A reflink of src at dest (created, mode): 0, or < 0 with nothing left at
 * dest when the filesystem cannot. */
static int clone_file(const char *src, const char *dest, unsigned mode)
{
	int in, out, error = 0;
	if (__atomic_load_n(&no_reflink, __ATOMIC_RELAXED))
		return PIPE_ERROR;
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set("%s: %s", src, strerror(errno));
	if ((out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ? mode : 0644)) < 0) {
		close(in);
		return error_set("%s: %s", dest, strerror(errno));
	}
	if (!reflink_fd(in, out))
		error = error_set("%s: %s", dest, strerror(errno));
	return close_placed(in, out, dest, error);
}

/* Copies in to out, through h when given (every byte read and hashed),
 * else by copy_file_range: the kernel moves the bytes, no read into pipe. */
static int copy_fd(int in, int out, struct hasher *h, const char *src, const char *dest)
{
	/* on the stack, as hash_fd's: a buffer malloc'd per file was mapped
	 * and faulted in anew for each */
	char data[1 << 16];
	ssize_t n;
	int error = 0;

	while (!h) {
		n = copy_file_range(in, NULL, out, NULL, (size_t)1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
			break; /* the rest by read and write, from where it stopped */
		if (n < 0)
			return error_set("%s: %s", dest, strerror(errno));
	}
	while ((n = read(in, data, sizeof data)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = error_set("%s: %s", src, strerror(errno));
			break;
		}
		if (h)
			hasher_update(h, data, (size_t)n);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, data + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return error_set("%s: %s", dest, strerror(errno));
			off += w;
		}
	}
	return error;
}

/* Copies src to dest (created, mode), hashing the bytes on the way. */
static int copy_file(const char *src, const char *dest, unsigned mode, struct hash *got)
{
	int in = -1, out = -1, error = 0;
	struct hasher *h = NULL;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		error = error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR, "%s: %s", src,
		                      strerror(errno));
		goto done;
	}
	if ((out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ? mode : 0644)) < 0) {
		error = error_set("%s: %s", dest, strerror(errno));
		goto done;
	}
	h = hasher_new();
	error = copy_fd(in, out, h, src, dest);
done:
	if (h)
		hasher_final(h, got);
	return close_placed(in, out, dest, error);
}

/* ---- objects already checked ----
 *
 * Reading an object checks it against its name, but hashing every file of
 * a 2M-row table again on each restore costs more than copying it.  So the
 * cache keeps a record ("verified", beside cas/) of the objects whose bytes
 * were hashed, each with the stat data of its inode then: device, inode,
 * size, and mtime and ctime to the nanosecond.  An object whose stat data
 * is still that is not hashed again.  Writing to a file moves its ctime,
 * and nothing but the kernel sets ctime (touch -r and utimensat set mtime
 * and move ctime to now), so a damaged or tampered object never matches
 * its line.  The record only ever spares work: lost or unreadable, every
 * object is hashed again, and a concurrent writer's lines lost to a rename
 * cost the same. */

#define VERIFIED_HEADER "pipe verified 1\n"

struct verified {
	char hex[HASH_HEX_LEN + 1];
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

static pthread_mutex_t verified_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strmap verified_map; /* hex -> struct verified *, under verified_lock */
static char *verified_root;        /* the cache root the map was loaded from */
static bool verified_dirty;
static bool every_read; /* cache_hash_every_read was called */

void cache_hash_every_read(void)
{
	__atomic_store_n(&every_read, true, __ATOMIC_RELAXED);
}

static void verified_from_stat(struct verified *v, const struct stat *st)
{
	v->dev = (uint64_t)st->st_dev;
	v->ino = (uint64_t)st->st_ino;
	v->size = (uint64_t)st->st_size;
	v->mtime_s = (int64_t)st->st_mtim.tv_sec;
	v->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	v->ctime_s = (int64_t)st->st_ctim.tv_sec;
	v->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
}

static bool verified_same(const struct verified *a, const struct verified *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

static void verified_clear(void)
{
	for (size_t i = 0; i < verified_map.cap; i++)
		if (verified_map.keys && verified_map.keys[i])
			free(verified_map.vals[i]);
	strmap_free(&verified_map);
	memset(&verified_map, 0, sizeof(verified_map));
	free(verified_root);
	verified_root = NULL;
	verified_dirty = false;
}

/* Loads the record of the cache at root, once; under verified_lock. */
static void verified_load(const char *root)
{
	struct buf text = BUF_INIT;
	char *path;
	if (verified_root && !strcmp(verified_root, root))
		return;
	verified_clear();
	verified_root = xstrdup(root);
	path = path_join(root, "verified");
	if (file_read(path, &text) == 0 && str_starts(buf_cstr(&text), VERIFIED_HEADER)) {
		for (char *line = text.data + strlen(VERIFIED_HEADER), *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			struct verified v, *old;
			struct hash h;
			unsigned long long dev, ino, size;
			long long ms, mns, cs, cns;
			*nl = '\0';
			if (sscanf(line, "%64s %llu %llu %llu %lld %lld %lld %lld", v.hex, &dev, &ino, &size, &ms, &mns,
			           &cs, &cns) != 8 || hash_from_hex(v.hex, &h) < 0) {
				error_clear();
				continue; /* a damaged line spares nothing */
			}
			v.dev = dev, v.ino = ino, v.size = size;
			v.mtime_s = ms, v.mtime_ns = mns, v.ctime_s = cs, v.ctime_ns = cns;
			struct verified *copy = xmalloc(sizeof(*copy));
			*copy = v;
			if ((old = strmap_get(&verified_map, copy->hex)))
				*old = v, free(copy);
			else
				strmap_put(&verified_map, copy->hex, copy);
		}
	}
	error_clear();
	buf_free(&text);
	free(path);
}

/* Whether the object named h, whose inode's stat data is st, was hashed
 * with that stat data. */
static bool is_verified(const struct hash *h, const struct stat *st)
{
	char hex[HASH_HEX_LEN + 1];
	struct verified now, *v;
	bool yes;
	if (__atomic_load_n(&every_read, __ATOMIC_RELAXED))
		return false;
	hash_hex(h, hex);
	verified_from_stat(&now, st);
	pthread_mutex_lock(&verified_lock);
	verified_load(cache_root());
	v = strmap_get(&verified_map, hex);
	yes = v && verified_same(v, &now);
	pthread_mutex_unlock(&verified_lock);
	return yes;
}

/* Notes that the object named h hashed to its name with its inode's stat
 * data st (taken before and after the read, and the same). */
static void note_verified(const struct hash *h, const struct stat *st)
{
	struct verified now, *v;
	hash_hex(h, now.hex);
	verified_from_stat(&now, st);
	pthread_mutex_lock(&verified_lock);
	verified_load(cache_root());
	if ((v = strmap_get(&verified_map, now.hex))) {
		if (!verified_same(v, &now))
			*v = now, verified_dirty = true;
	} else {
		v = xmalloc(sizeof(*v));
		*v = now;
		strmap_put(&verified_map, v->hex, v);
		verified_dirty = true;
	}
	pthread_mutex_unlock(&verified_lock);
}

/* The record written, if it changed; with prune (cache_gc's), without
 * the lines of objects no longer there. */
static int verified_save(bool prune)
{
	struct buf text = BUF_INIT;
	char *path = NULL;
	int error = 0;
	pthread_mutex_lock(&verified_lock);
	if (!verified_dirty || !verified_root)
		goto done;
	buf_puts(&text, VERIFIED_HEADER);
	for (size_t i = 0; i < verified_map.cap; i++) {
		const struct verified *v;
		if (!verified_map.keys || !verified_map.keys[i])
			continue;
		v = verified_map.vals[i];
		if (prune) {
			char *obj = xasprintf("%s/cas/%.2s/%s", verified_root, v->hex, v->hex);
			bool gone = !path_exists(obj);
			free(obj);
			if (gone)
				continue;
		}
		buf_printf(&text, "%s %llu %llu %llu %lld %lld %lld %lld\n", v->hex, (unsigned long long)v->dev,
		           (unsigned long long)v->ino, (unsigned long long)v->size, (long long)v->mtime_s,
		           (long long)v->mtime_ns, (long long)v->ctime_s, (long long)v->ctime_ns);
	}
	path = path_join(verified_root, "verified");
	if ((error = mkdir_p(verified_root)) == 0 && (error = file_write_atomic(path, text.data, text.len)) == 0)
		verified_dirty = false;
done:
	pthread_mutex_unlock(&verified_lock);
	buf_free(&text);
	free(path);
	return error;
}

int cache_verified_save(void) { return verified_save(false); }

static bool same_inode_data(const struct stat *a, const struct stat *b)
{
	struct verified x, y;
	verified_from_stat(&x, a);
	verified_from_stat(&y, b);
	return verified_same(&x, &y);
}

int cache_put_file(const char *path, const struct hash *h)
{
	const char *root = cache_root();
	char *obj = cache_object_path(root, "cas", h), *tmp = NULL;
	struct stat have, want;
	struct hash got;
	int error = 0;

	if (lstat(obj, &have) == 0) {
		/* the same bytes are there already, unless a damaged object
		 * lies under their name: a wrong size is replaced now, other
		 * damage is found when the object is read */
		if (stat(path, &want) == 0 && want.st_size == have.st_size)
			goto done;
		unlink(obj);
	}
	tmp = temp_path(root);
	if ((error = make_parent(obj)) < 0 || (error = make_parent(tmp)) < 0)
		goto done;
	if (clone_file(path, tmp, 0644) == 0)
		goto rename;
	/* a link appears whole or not at all: no temp file needed */
	if (link(path, obj) == 0 || errno == EEXIST) {
		error_clear();
		goto done;
	}
	if ((error = copy_file(path, tmp, 0644, &got)) < 0)
		goto done;
rename:
	error_clear();
	if (rename(tmp, obj) < 0)
		error = error_set("%s: %s", obj, strerror(errno));
done:
	if (error < 0) {
		if (tmp)
			unlink(tmp);
		error_prefix("putting %s in the cache: ", path);
	}
	free(obj);
	free(tmp);
	return error;
}

/* An entry of ac/, written whole (temp file and rename). */
static int put_entry(const struct hash *name, const struct buf *text)
{
	char *path = cache_object_path(cache_root(), "ac", name);
	int error;
	if ((error = make_parent(path)) == 0)
		error = file_write_atomic(path, text->data, text->len);
	if (error < 0)
		error_prefix("writing the cache: ");
	free(path);
	return error;
}

static void say_damaged(const char *path, const char *what)
{
	fprintf(stderr, "pipe: cache object %s is damaged (%s): removed, not used\n", path, what);
	unlink(path);
}

/* Reads an entry of ac/ whose first line is header; PIPE_ENOTFOUND when
 * there is none, or it is damaged (reported and removed). */
static int get_entry(const struct hash *name, const char *header, struct buf *text, char **path_out)
{
	char *path = cache_object_path(cache_root(), "ac", name);
	int error = file_read(path, text);
	if (error == 0 && !str_starts(buf_cstr(text), header)) {
		say_damaged(path, "its first line is not \"pipe tree 1\" or \"pipe key 1\"");
		error = error_setcode(PIPE_ENOTFOUND, "%s: damaged", path);
	}
	if (path_out && error == 0)
		*path_out = path;
	else
		free(path);
	return error;
}

int cache_put_tree(const struct hash *output, const struct cache_tree *t)
{
	struct buf text = BUF_INIT;
	char hex[HASH_HEX_LEN + 1];
	int error;
	buf_puts(&text, TREE_HEADER);
	for (size_t i = 0; i < t->n; i++) {
		const char *rel = t->e[i].rel;
		hash_hex(&t->e[i].hash, hex);
		buf_printf(&text, "%s %o %s\n", hex, t->e[i].mode, rel[0] ? rel + (rel[0] == '/') : ".");
	}
	error = put_entry(output, &text);
	buf_free(&text);
	return error;
}

/* A path inside the output: relative, no "..", no empty part. */
static bool safe_rel(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p)
			p++;
	}
	return true;
}

int cache_read_tree(const struct hash *output, struct cache_tree *t)
{
	struct buf text = BUF_INIT;
	char *path = NULL;
	int error;
	if ((error = get_entry(output, TREE_HEADER, &text, &path)) < 0)
		goto done;
	for (char *line = text.data + strlen(TREE_HEADER), *nl; *line; line = nl + 1) {
		char hex[HASH_HEX_LEN + 1], *rel;
		unsigned mode;
		int used = 0;
		struct hash h;
		bool last = !(nl = strchr(line, '\n'));
		if (last)
			nl = line + strlen(line);
		*nl = '\0';
		if (sscanf(line, "%64s %o %n", hex, &mode, &used) != 2 || !used ||
		    hash_from_hex(hex, &h) < 0 || !(rel = line + used)[0] ||
		    (strcmp(rel, ".") && !safe_rel(rel)) || (!strcmp(rel, ".") && t->n)) {
			error_clear();
			say_damaged(path, "a line is not \"<sha256> <mode> <path>\"");
			error = error_setcode(PIPE_ENOTFOUND, "%s: damaged", path);
			cache_tree_free(t);
			goto done;
		}
		char *slashed = xasprintf("/%s", rel);
		cache_tree_add(t, strcmp(rel, ".") ? slashed : "", &h, mode);
		free(slashed);
		if (last)
			break;
	}
done:
	buf_free(&text);
	free(path);
	return error;
}

int cache_put_key(const struct hash *key, const struct state_record *rec)
{
	struct buf text = BUF_INIT;
	int error;
	buf_puts(&text, KEY_HEADER);
	if ((error = state_format(rec, &text)) == 0)
		error = put_entry(key, &text);
	buf_free(&text);
	return error;
}

int cache_get_key(const struct hash *key, struct state_record *rec)
{
	struct buf text = BUF_INIT;
	char *path = NULL;
	int error;
	if ((error = get_entry(key, KEY_HEADER, &text, &path)) < 0)
		goto done;
	if (state_parse(text.data + strlen(KEY_HEADER), path, rec) < 0 || !hash_eq(&rec->key, key)) {
		error_clear();
		state_record_free(rec);
		say_damaged(path, "not the record of a build with its key");
		error = error_setcode(PIPE_ENOTFOUND, "%s: damaged", path);
	}
done:
	buf_free(&text);
	free(path);
	return error;
}

bool cache_has_file(const struct hash *h)
{
	char *path = cache_object_path(cache_root(), "cas", h);
	bool yes = path_exists(path);
	free(path);
	return yes;
}

/* Places one file at dest from its object, checked against its name: an
 * object the record says was hashed as it is now is reflinked, else copied
 * by the kernel; any other is reflinked then read once, else copied
 * through a hash, and noted as checked when it matched.  No hard link: a
 * link moves the object's ctime, and so does removing the output later,
 * which would make every restore hash it again (and an output edited in
 * place would edit the object). */
static int place_file(const struct cache_entry *e, const char *dest)
{
	char *obj = cache_object_path(cache_root(), "cas", &e->hash);
	struct stat before, after;
	struct hash got;
	struct hasher *h = NULL;
	bool checked, cloned;
	int in, out = -1, error = 0;

	if ((in = open(obj, O_RDONLY | O_CLOEXEC)) < 0) {
		error = error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR, "%s: %s", obj,
		                      errno == ENOENT ? "not in the cache" : strerror(errno));
		goto done;
	}
	if (fstat(in, &before) < 0) {
		error = error_set("%s: %s", obj, strerror(errno));
		goto done;
	}
	checked = is_verified(&e->hash, &before);
	if ((out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, e->mode ? e->mode : 0644)) < 0) {
		error = error_set("%s: %s", dest, strerror(errno));
		goto done;
	}
	cloned = reflink_fd(in, out);
	if (cloned && !checked) {
		error = hash_file(dest, &got);
	} else if (!cloned) {
		if (!checked)
			h = hasher_new();
		error = copy_fd(in, out, h, obj, dest);
		if (h)
			hasher_final(h, &got);
	}
	if (error == 0 && !checked) {
		if (!hash_eq(&got, &e->hash)) {
			say_damaged(obj, "its bytes do not hash to its name");
			error = error_set("%s: damaged", obj);
		} else if (fstat(in, &after) == 0 && same_inode_data(&before, &after)) {
			note_verified(&e->hash, &after);
		}
	}
done:
	free(obj);
	return close_placed(in, out, dest, error);
}

struct restore_walk {
	const struct cache_tree *t;
	size_t next;
	size_t root_len;
	cache_file_fn fn;
	void *ctx;
};

/* hash_path's callback: each file is the next of the tree, in the same
 * order, with the hash place_file checked. */
static int restored_file(void *arg, const char *path, const struct stat *st, struct hash *out)
{
	struct restore_walk *w = arg;
	const char *rel = path + w->root_len;
	if (w->next >= w->t->n || strcmp(w->t->e[w->next].rel, rel))
		return error_set("a file the tree does not list: %s", path);
	*out = w->t->e[w->next++].hash;
	return w->fn ? w->fn(w->ctx, path, st, out) : 0;
}

int cache_restore(const struct hash *output, const char *dest, cache_file_fn fn, void *ctx)
{
	struct cache_tree t = {0};
	struct restore_walk w = {&t, 0, strlen(dest), fn, ctx};
	struct hash got;
	char hex[HASH_HEX_LEN + 1];
	int error;

	if ((error = cache_read_tree(output, &t)) < 0)
		goto done;
	for (size_t i = 0; i < t.n && error == 0; i++) {
		char *path = xasprintf("%s%s", dest, t.e[i].rel);
		if ((error = make_parent(path)) == 0)
			error = place_file(&t.e[i], path);
		free(path);
		crash_point("restore-file");
	}
	if (error == 0 && t.n == 0 && (error = mkdir_p(dest)) < 0)
		goto done;
	if (error == 0 && (error = hash_path(dest, restored_file, &w, &got)) == 0 &&
	    (w.next != t.n || !hash_eq(&got, output))) {
		char *path = cache_object_path(cache_root(), "ac", output);
		say_damaged(path, "its files do not make the output it names");
		free(path);
		error = error_set("its list of files is damaged");
	}
done:
	/* what this restore hashed is not hashed again by the next; the
	 * record is a hint, so failing to write it fails nothing */
	if (cache_verified_save() < 0)
		error_clear();
	if (error < 0) {
		rm_rf(dest);
		hash_hex(output, hex);
		error_prefix("restoring output %.12s from the cache: ", hex);
	}
	cache_tree_free(&t);
	return error;
}

size_t cache_missing(const struct hash *output, struct buf *missing)
{
	struct cache_tree t = {0};
	char hex[HASH_HEX_LEN + 1];
	size_t n = 0;
	if (cache_read_tree(output, &t) < 0) {
		error_clear();
		hash_hex(output, hex);
		buf_printf(missing, "tree %s\n", hex);
		return 1;
	}
	for (size_t i = 0; i < t.n; i++)
		if (!cache_has_file(&t.e[i].hash)) {
			hash_hex(&t.e[i].hash, hex);
			buf_printf(missing, "file %s %s\n", hex, t.e[i].rel[0] ? t.e[i].rel + 1 : ".");
			n++;
		}
	cache_tree_free(&t);
	return n;
}

/* ---- objects as files, for cache push and pull ---- */

static int list_area(const char *root, const char *area, char ***rels, size_t *n, size_t *cap)
{
	char *dir = path_join(root, area);
	DIR *d = opendir(dir), *sub;
	struct dirent *e, *f;
	int error = 0;
	if (!d) {
		free(dir);
		return 0; /* an empty cache */
	}
	while (error == 0 && (e = readdir(d))) {
		if (strlen(e->d_name) != 2)
			continue;
		char *subdir = path_join(dir, e->d_name);
		if ((sub = opendir(subdir))) {
			while ((f = readdir(sub))) {
				struct hash h;
				/* objects only: not a temp file a killed writer left */
				if (strlen(f->d_name) != HASH_HEX_LEN || hash_from_hex(f->d_name, &h) < 0) {
					error_clear();
					continue;
				}
				grow_array(rels, cap, *n + 1, sizeof(char *));
				(*rels)[(*n)++] = xasprintf("%s/%s/%s", area, e->d_name, f->d_name);
			}
			closedir(sub);
		}
		free(subdir);
	}
	closedir(d);
	free(dir);
	return error;
}

int cache_list(const char *root, char ***rels, size_t *n)
{
	size_t cap = 0;
	int error;
	*rels = NULL;
	*n = 0;
	if ((error = list_area(root, "cas", rels, n, &cap)) == 0)
		error = list_area(root, "ac", rels, n, &cap);
	return error;
}

/* Tests kill pipe with an object written but not yet renamed into place
 * (PIPE_CRASH_AT=cache-object), or a restore half done (restore-file), to
 * see that nothing half-written is ever used. */
static void crash_point(const char *step)
{
	const char *at = getenv("PIPE_CRASH_AT");
	if (at && !strcmp(at, step))
		raise(SIGKILL);
}

/* A cas object's name is its bytes' hash; an ac entry's is not checkable
 * here (its own reader checks it). */
static int check_name(const char *rel, const struct hash *got, const char *what)
{
	struct hash want;
	if (!str_starts(rel, "cas/"))
		return 0;
	if (hash_from_hex(strrchr(rel, '/') + 1, &want) < 0 || !hash_eq(&want, got))
		return error_setcode(PIPE_ENOTFOUND, "%s: its bytes do not hash to its name: not copied", what);
	return 0;
}

/* Into the local cache from a directory on the same filesystem, an object
 * is linked, not copied: checked against its name as a copy is (read
 * through the link, its stat data the same before and after), it needs no
 * new inode and no write.  1 when it cannot be linked (another
 * filesystem, hard links refused): the caller copies. */
static int link_in(const char *src, const char *tmp, const char *rel, struct hash *got, struct stat *st)
{
	struct stat before;
	int fd, error = 0;
	if (link(src, tmp) < 0)
		return 1;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &before) < 0) {
		error = error_set("%s: %s", src, strerror(errno));
		goto done;
	}
	if ((error = hash_fd(fd, src, got)) < 0 || fstat(fd, st) < 0)
		goto done;
	if (st->st_ino != before.st_ino || st->st_size != before.st_size ||
	    st->st_ctim.tv_sec != before.st_ctim.tv_sec || st->st_ctim.tv_nsec != before.st_ctim.tv_nsec) {
		error = 1; /* written to while read: a copy is taken instead */
		goto done;
	}
	error = check_name(rel, got, src);
done:
	if (fd >= 0)
		close(fd);
	if (error)
		unlink(tmp);
	return error;
}

int cache_copy_in(const char *src, const char *root, const char *rel)
{
	char *dest = path_join(root, rel), *tmp = temp_path(root);
	struct stat before, after;
	struct hash got;
	bool local = !strcmp(root, cache_root());
	int error = 0;
	if (path_exists(dest))
		goto done;
	if ((error = make_parent(dest)) < 0 || (error = make_parent(tmp)) < 0)
		goto done;
	/* only into the local cache: a pushed object linked to the local one
	 * would be an inode a build's output may share (cache_put_file) */
	if (!local || !str_starts(rel, "cas/") || (error = link_in(src, tmp, rel, &got, &before)) > 0) {
		if ((error = copy_file(src, tmp, 0644, &got)) < 0)
			goto done;
		if ((error = check_name(rel, &got, src)) < 0 || lstat(tmp, &before) < 0) {
			if (error == 0)
				error = error_set("%s: %s", tmp, strerror(errno));
			unlink(tmp);
			goto done;
		}
	} else if (error < 0) {
		goto done;
	}
	crash_point("cache-object");
	if (rename(tmp, dest) < 0) {
		error = error_set("%s: %s", dest, strerror(errno));
		unlink(tmp);
		goto done;
	}
	/* hashed on the way in, and only this process knew tmp: checked (the
	 * rename moved its ctime, so its stat data is taken after) */
	if (str_starts(rel, "cas/") && lstat(dest, &after) == 0 && after.st_ino == before.st_ino &&
	    after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
	    after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && local)
		note_verified(&got, &after);
done:
	free(dest);
	free(tmp);
	return error;
}

int cache_store_bytes(const char *root, const char *rel, const void *data, size_t len, const char *what)
{
	char *dest = path_join(root, rel), *tmp = temp_path(root);
	struct stat st;
	struct hash got;
	int error;
	hash_bytes(data, len, &got);
	if ((error = check_name(rel, &got, what)) < 0 || (error = make_parent(dest)) < 0 ||
	    (error = make_parent(tmp)) < 0)
		goto done;
	/* tmp is unique to this thread: file_write_atomic's own temp name is
	 * per process, and rename puts the object in place whole */
	if ((error = file_write_atomic(tmp, data, len)) == 0 && (crash_point("cache-object"), rename(tmp, dest) < 0)) {
		error = error_set("%s: %s", dest, strerror(errno));
		unlink(tmp);
		goto done;
	}
	/* hashed above from the bytes written; the rename moved its ctime */
	if (error == 0 && str_starts(rel, "cas/") && !strcmp(root, cache_root()) && lstat(dest, &st) == 0 &&
	    (uint64_t)st.st_size == len)
		note_verified(&got, &st);
done:
	free(dest);
	free(tmp);
	return error;
}

/* ---- gc ---- */

struct referenced {
	struct strmap objects; /* rel -> (void *)1; keys owned by names */
	char **names;
	size_t n, cap;
};

static void keep(struct referenced *r, const char *area, const struct hash *h)
{
	char hex[HASH_HEX_LEN + 1];
	hash_hex(h, hex);
	char *rel = xasprintf("%s/%.2s/%s", area, hex, hex);
	if (strmap_get(&r->objects, rel)) {
		free(rel);
		return;
	}
	grow_array(&r->names, &r->cap, r->n + 1, sizeof(char *));
	r->names[r->n++] = rel;
	strmap_put(&r->objects, rel, (void *)1);
}

static int keep_record(void *ctx, const char *path, const char *text)
{
	struct referenced *r = ctx;
	struct state_record rec;
	struct cache_tree t = {0};
	state_record_init(&rec);
	if (state_parse(text, path, &rec) < 0) {
		error_clear(); /* an unreadable old record keeps nothing */
		return 0;
	}
	if (!hash_is_zero(&rec.output)) {
		char hex[HASH_HEX_LEN + 1];
		hash_hex(&rec.output, hex);
		char *rel = xasprintf("ac/%.2s/%s", hex, hex);
		bool seen = strmap_get(&r->objects, rel) != NULL;
		free(rel);
		keep(r, "ac", &rec.key);
		if (!seen) {
			keep(r, "ac", &rec.output);
			if (cache_read_tree(&rec.output, &t) == 0)
				for (size_t i = 0; i < t.n; i++)
					keep(r, "cas", &t.e[i].hash);
			error_clear();
			cache_tree_free(&t);
		}
	}
	state_record_free(&rec);
	return 0;
}

/* What killed writers left in root/dir (names starting with prefix, or
 * any), a day old: a running push's are newer. */
static void remove_stale(const char *root, const char *dir, const char *prefix, struct cache_gc_stats *st)
{
	char *where = path_join(root, dir);
	DIR *d = opendir(where);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat s;
		char *path = path_join(where, e->d_name);
		if (e->d_name[0] != '.' && (!prefix || str_starts(e->d_name, prefix)) && lstat(path, &s) == 0 &&
		    S_ISREG(s.st_mode) && s.st_mtime < time_wall_s() - 86400 && unlink(path) == 0) {
			st->removed++;
			st->freed += (uint64_t)s.st_size;
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(where);
}

int cache_gc(int keep_last, int64_t newer_than, struct cache_gc_stats *st)
{
	struct referenced r;
	char **rels = NULL;
	size_t n = 0;
	const char *root = cache_root();
	int error;

	memset(&r, 0, sizeof(r));
	memset(st, 0, sizeof(*st));
	if ((error = history_records_all(PIPE_STATE_DIR, keep_last, newer_than, keep_record, &r)) < 0 ||
	    (error = cache_list(root, &rels, &n)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		char *path = path_join(root, rels[i]);
		struct stat s;
		if (strmap_get(&r.objects, rels[i])) {
			st->kept++;
		} else if (lstat(path, &s) == 0 && unlink(path) == 0) {
			st->removed++;
			st->freed += (uint64_t)s.st_size;
		}
		free(path);
	}
	remove_stale(root, "tmp", NULL, st);
	remove_stale(root, ".", "verified.tmp.", st);
	/* the record loses the lines of the objects removed */
	pthread_mutex_lock(&verified_lock);
	verified_load(root);
	verified_dirty = verified_map.len > 0;
	pthread_mutex_unlock(&verified_lock);
	error = verified_save(true);
done:
	for (size_t i = 0; i < n; i++)
		free(rels[i]);
	free(rels);
	for (size_t i = 0; i < r.n; i++)
		free(r.names[i]);
	free(r.names);
	strmap_free(&r.objects);
	return error;
}
