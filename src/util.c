#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Thread_local char error_msg[4096];

static int error_vset(int code, const char *fmt, va_list ap)
{
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	return code;
}

int error_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(PIPE_ERROR, fmt, ap);
	va_end(ap);
	return PIPE_ERROR;
}

int error_setcode(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(code, fmt, ap);
	va_end(ap);
	return code;
}

void error_prefix(const char *fmt, ...)
{
	char prefix[1024], old[sizeof(error_msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	size_t n = strlen(prefix);
	memcpy(old, error_msg, sizeof(old));
	if (n >= sizeof(error_msg))
		n = sizeof(error_msg) - 1;
	memcpy(error_msg, prefix, n);
	memcpy(error_msg + n, old, sizeof(error_msg) - n - 1);
	error_msg[sizeof(error_msg) - 1] = '\0';
}

const char *error_last(void) { return error_msg[0] ? error_msg : "unknown error"; }
void error_clear(void) { error_msg[0] = '\0'; }

static void *oom(size_t n)
{
	fprintf(stderr, "pipe: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

/* Below this, the faults of first writes cost less than the call. */
#define POPULATE_MIN (64u << 10)

void mem_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	if (n < POPULATE_MIN)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE); /* read from the auxiliary vector: no system call */
	uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + n) & ~(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_POPULATE_WRITE); /* a hint: without it, a fault a page */
#else
	(void)p, (void)n;
#endif
}

void *xcalloc_written(size_t n, size_t size)
{
	size_t total = n * size;
	if (size && total / size != n)
		return oom(SIZE_MAX);
	if (total < POPULATE_MIN)
		return xcalloc(n, size);
	char *p = xmalloc(total);
	mem_populate(p, total);
	memset(p, 0, total);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.data)
		return xstrdup("");
	return buf_detach(&b);
}

void grow_array(void *p, size_t *cap, size_t need, size_t sz)
{
	void **arr = p;
	size_t n;
	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	*arr = xrealloc(*arr, n * sz);
	*cap = n;
}

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	size_t populated; /* bytes of data whose pages were made ahead */
	max_align_t data[];
};

#define ARENA_FIRST_CHUNK 256
#define ARENA_MAX_CHUNK (8u << 20)

static void *arena_take(struct arena *a, size_t n, size_t align)
{
	size_t at = (a->used + align - 1) & ~(align - 1);
	if (!a->head || at > a->cap || a->cap - at < n) {
		size_t cap = a->head ? a->head->cap * 2 : ARENA_FIRST_CHUNK;
		if (cap > ARENA_MAX_CHUNK)
			cap = ARENA_MAX_CHUNK;
		if (cap < n)
			cap = n;
		struct arena_chunk *c = xmalloc(sizeof *c + cap);
		c->next = a->head;
		c->cap = cap;
		c->populated = 0;
		a->head = c;
		a->cap = cap;
		at = 0;
	}
	a->used = at + n;
	/* a large chunk's pages are made ahead of the writes that fill it, a
	 * 64 KiB stretch at a time, not by a fault at each (a 50,000-target
	 * DAG's names and keys are megabytes of arena) */
	struct arena_chunk *h = a->head;
	if (a->used > h->populated && h->cap >= POPULATE_MIN) {
		size_t to = h->populated;
		while (to < a->used)
			to += POPULATE_MIN;
		if (to > h->cap)
			to = h->cap;
		mem_populate((char *)h->data + h->populated, to - h->populated);
		h->populated = to;
	}
	return (char *)a->head->data + at;
}

void *arena_alloc(struct arena *a, size_t n)
{
	return arena_take(a, n, _Alignof(max_align_t));
}

char *arena_strndup(struct arena *a, const char *p, size_t n)
{
	char *q = arena_take(a, n + 1, 1);
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

const char *arena_copy(struct arena *a, const char *p, size_t n)
{
	char *q = arena_take(a, n, 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = NULL;
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (!keep || c->cap > keep->cap) {
			free(keep);
			keep = c;
		} else {
			free(c);
		}
	}
	a->head = keep;
	if (keep)
		keep->next = NULL;
	a->cap = keep ? keep->cap : 0;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = a->cap = 0;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, n;
	if (need <= b->cap)
		return;
	n = b->cap ? b->cap : 64;
	while (n < need)
		n *= 2;
	b->data = xrealloc(b->data, n);
	b->cap = n;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_cstr(struct buf *b) { return b->data ? b->data : ""; }

void buf_json_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		/* what needs no escape, in one copy: a 10,000-target answer of
		 * /api/targets is mostly these */
		const char *plain = s;
		while ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\')
			s++;
		buf_add(b, plain, (size_t)(s - plain));
		if (!*s)
			break;
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else
			buf_printf(b, "\\u%04x", c);
	}
	buf_putc(b, '"');
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool str_eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

char *str_trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

char *str_squeeze(const char *s)
{
	struct buf b = BUF_INIT;
	bool space = false;
	while (isspace((unsigned char)*s))
		s++;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, *s);
	}
	return buf_detach(&b);
}

int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *row = xmalloc((lb + 1) * sizeof(int)), d;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

uint64_t str_hash64(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void strmap_resize(struct strmap *m, size_t cap)
{
	/* a table's slots are spread over all its pages */
	struct strmap n = {xcalloc_written(cap, sizeof(char *)), xcalloc_written(cap, sizeof(void *)), cap, 0};
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			strmap_put(&n, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = n;
}

void strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = 64;
	while (cap < n * 2 + 2)
		cap *= 2;
	if (cap > m->cap)
		strmap_resize(m, cap);
}

void strmap_put(struct strmap *m, const char *key, void *val)
{
	size_t i;
	if ((m->len + 1) * 2 > m->cap)
		strmap_resize(m, m->cap ? m->cap * 2 : 64);
	i = str_hash64(key, strlen(key)) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->len++;
	m->keys[i] = key;
	m->vals[i] = val;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	size_t i;
	if (!m->cap)
		return NULL;
	i = str_hash64(key, strlen(key)) & (m->cap - 1);
	while (m->keys[i]) {
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

void strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->len = 0;
}

int file_read(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;
	ssize_t n;
	if (fd < 0)
		return error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR,
		                     "%s: %s", path, strerror(errno));
	struct stat st;
	/* read straight into the buffer, sized by the file: no bounce
	 * through a chunk (the index and DAG files of a no-op build are MBs) */
	buf_grow(out, fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0);
	mem_populate(out->data + out->len, out->cap - out->len);
	for (;;) {
		if (out->cap - out->len <= 1)
			buf_grow(out, 65536);
		if ((n = read(fd, out->data + out->len, out->cap - out->len - 1)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = error_set("%s: %s", path, strerror(errno));
			break;
		}
		out->len += (size_t)n;
	}
	/* An empty file still gives a string: callers parse out->data. */
	out->data[out->len] = '\0';
	close(fd);
	return error;
}

int file_pread(int fd, void *p, size_t n, uint64_t offset, const char *what)
{
	char *c = p;
	while (n) {
		ssize_t got = pread(fd, c, n, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return error_set("reading %s: %s", what, got < 0 ? strerror(errno) : "file is truncated");
		c += got;
		n -= (size_t)got;
		offset += (uint64_t)got;
	}
	return 0;
}

int atomic_open(struct atomic_file *f, const char *path)
{
	/* unique per call: two threads may write the same path (two targets
	 * of one key putting the same cache entry), and a shared temp name
	 * would be renamed away under one of them */
	static atomic_ulong calls;
	f->path = path;
	f->tmp = xasprintf("%s.tmp.%ld.%lu", path, (long)getpid(), (unsigned long)atomic_fetch_add(&calls, 1));
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int error = error_set("%s: %s", f->tmp, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return error;
	}
	return 0;
}

static void atomic_abort(struct atomic_file *f)
{
	if (!f->tmp)
		return;
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
	f->fd = -1;
}

int atomic_write(struct atomic_file *f, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int error = error_set("%s: %s", f->tmp, strerror(errno));
			atomic_abort(f);
			return error;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_commit(struct atomic_file *f)
{
	int error = 0;
	int rc = close(f->fd);
	f->fd = -1;
	if (rc < 0 || rename(f->tmp, f->path) < 0) {
		error = error_set("%s: %s", f->path, strerror(errno));
		unlink(f->tmp);
	}
	free(f->tmp);
	f->tmp = NULL;
	return error;
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
	struct atomic_file f;
	int error;
	if ((error = atomic_open(&f, path)) < 0 || (error = atomic_write(&f, data, len)) < 0)
		return error;
	return atomic_commit(&f);
}

int file_write_atomic_hashed(const char *path, const void *data, size_t len, const struct file_hasher *h)
{
	int error = file_write_atomic(path, data, len);
	if (h) {
		void *hash = h->start(h->arg);
		h->update(hash, data, len);
		h->done(h->arg, hash, error < 0 ? NULL : path);
	}
	return error;
}

int cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

void spin_briefly(bool (*ready)(const void *arg), const void *arg, double max_us)
{
	static int cpus; /* threads may race to set it: each sets the same */
	int n = __atomic_load_n(&cpus, __ATOMIC_RELAXED);
	if (!n)
		__atomic_store_n(&cpus, n = cpu_count(), __ATOMIC_RELAXED);
	if (n < 2)
		return;
	double end = 0;
	for (unsigned i = 1; !ready(arg); i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		if (i % 32 == 0) {
			double now = time_now_ms();
			if (!end)
				end = now + max_us / 1e3;
			else if (now >= end)
				return;
		}
	}
}

bool path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool path_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int mkdir_p(const char *path)
{
	char *p, *s;
	int error = 0;
	/* most calls find the parents there (a build makes one per target):
	 * one mkdir, not one per component */
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			error = error_set("cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return error;
}

int rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int error = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_set("%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0)
			return error_set("cannot remove %s: %s", path, strerror(errno));
		return 0;
	}
	if (!(d = opendir(path)))
		return error_set("%s: %s", path, strerror(errno));
	while (!error && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = path_join(path, e->d_name);
		error = rm_rf(sub);
		free(sub);
	}
	closedir(d);
	if (!error && rmdir(path) < 0)
		error = error_set("cannot remove %s: %s", path, strerror(errno));
	return error;
}

char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (!n || b[0] == '/')
		return xstrdup(b);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

int path_replace(const char *src, const char *dst)
{
	if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_EXCHANGE) == 0)
		return rm_rf(src); /* src now holds the old content */
	if (errno != ENOENT && errno != EINVAL && errno != ENOSYS)
		return error_set("cannot replace %s: %s", dst, strerror(errno));
	if (path_is_dir(dst) && !path_is_dir(src)) {
		int error = rm_rf(dst);
		if (error < 0)
			return error;
	}
	if (rename(src, dst) < 0)
		return error_set("cannot rename %s to %s: %s", src, dst, strerror(errno));
	return 0;
}

int lib_open(const char *soname, const char *const *names, void **slots, size_t n, char *msg,
             size_t len)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;
	if (!h) {
		snprintf(msg, len, "cannot load %s: %s", soname, dlerror());
		return error_set("%s", msg);
	}
	for (i = 0; i < n; i++)
		if (!(slots[i] = dlsym(h, names[i])))
			break;
	if (i == n)
		return 0;
	snprintf(msg, len, "%s: missing symbol %s", soname, names[i]);
	/* a half-filled table would fail later, somewhere less clear */
	while (i > 0)
		slots[--i] = NULL;
	dlclose(h);
	return error_set("%s", msg);
}

double time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The simulated clock, for tests only (docs/orchestration.md): PIPE_NOW is
 * the wall clock when the process starts (epoch seconds, or
 * 2026-12-02T10:00:00Z), and PIPE_CLOCK_RATE how many simulated seconds pass
 * per real one (default 1), so that a test of hourly schedules runs in
 * seconds.  Read once, at the first call. */
static struct {
	pthread_once_t once;
	bool simulated;
	int64_t start_wall;
	double start_ms, rate;
} sim = {PTHREAD_ONCE_INIT, false, 0, 0, 1};

int64_t time_parse_iso(const char *s)
{
	struct tm tm;
	const char *end;
	char *num_end;
	long long n;
	if (!s || !*s)
		return -1;
	n = strtoll(s, &num_end, 10);
	if (!*num_end && n >= 0)
		return n;
	memset(&tm, 0, sizeof(tm));
	if (!(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || strcmp(end, "Z"))
		return -1;
	return (int64_t)timegm(&tm);
}

static void sim_init(void)
{
	const char *now = getenv("PIPE_NOW"), *rate = getenv("PIPE_CLOCK_RATE");
	int64_t t = time_parse_iso(now);
	if (t < 0)
		return;
	sim.simulated = true;
	sim.start_wall = t;
	sim.start_ms = time_now_ms();
	if (rate && atof(rate) > 0)
		sim.rate = atof(rate);
}

int64_t time_wall_s(void)
{
	pthread_once(&sim.once, sim_init);
	if (!sim.simulated)
		return (int64_t)time(NULL);
	return sim.start_wall + (int64_t)((time_now_ms() - sim.start_ms) * sim.rate / 1e3);
}

double time_wall_wait_ms(int64_t at)
{
	int64_t now = time_wall_s();
	if (at <= now)
		return 0;
	if (!sim.simulated) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		double left = (double)at * 1e3 - ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
		return left > 0 ? left : 0;
	}
	/* to the simulated second's end, not just into it */
	double target_ms = sim.start_ms + (double)(at - sim.start_wall) * 1e3 / sim.rate;
	double left = target_ms - time_now_ms();
	return left > 0 ? left : 0;
}

void time_iso(int64_t secs, char out[32])
{
	time_t t = (time_t)secs;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t duration_parse(const char *s)
{
	static const struct { const char *unit; int64_t secs; } units[] = {
		{"s", 1}, {"sec", 1}, {"m", 60}, {"min", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400},
	};
	char *end;
	long long n;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit))
			/* a duration past what a time can hold is no duration */
			return errno == ERANGE || n > INT64_MAX / units[i].secs ? -1 : n * units[i].secs;
	return -1;
}

int parse_size(const char *s, int64_t *out)
{
	static const char units[] = "KMG";
	char *end;
	long long n;
	int shift = 0;
	errno = 0;
	n = isdigit((unsigned char)*s) ? strtoll(s, &end, 10) : 0;
	if (n > 0 && *end) {
		const char *u = strchr(units, toupper((unsigned char)*end));
		shift = u && !end[1] ? 10 * (int)(u - units + 1) : -1;
	}
	if (n <= 0 || errno == ERANGE || shift < 0 || n > INT64_MAX >> shift)
		return error_setcode(PIPE_EUSAGE, "'%s' is no size: write bytes, or a number with K, M or G (512M, 2G)", s);
	*out = (int64_t)n << shift;
	return 0;
}
