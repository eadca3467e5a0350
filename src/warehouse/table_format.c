/* table_format: a table's files, read and written: the manifest, the
 * blocks file, and the bytes on their way to them (the chunks inside
 * table.data are column.c's).
 *
 * A table is a directory:
 *
 *   <table>/manifest        the text manifest below
 *   <table>/blocks          every block's chunk locations and statistics
 *   <table>/sketches        each column's distinct sketch (format: atop hll.c)
 *   <table>/table.data      the column data: partition after partition in
 *                           manifest order, in each its blocks in order, in
 *                           each block one chunk per column in schema order
 *                           (chunk encodings: atop column.c)
 *   <table>/<child>/        child tables (x__y inside x), each a table
 *
 * One data file rather than one per partition: creating hundreds of files
 * took more of a 2M-row write than encoding them.  A block's chunks that a
 * query reads and that lie back to back are one pread (table_read), at the
 * offsets the blocks file gives.
 *
 * The manifest is line-based text, one record per line, words separated by
 * one space, strings in double quotes with \\ \" \n \t \xHH escapes: what a
 * reviewer reads.
 *
 *   pipe-table 2
 *   name "optimized_taxi_trips"
 *   dataset "taxi_data"                          (optional)
 *   description "..."                            (optional)
 *   require_partition_filter true                (optional)
 *   block_rows 2048
 *   column "VendorID" INT64                      (one per column, in order)
 *   partition_by time "tpep_dropoff_datetime" DAY     (or:)
 *   partition_by range "x" START END INTERVAL
 *   cluster "VendorID"                           (one per clustering column)
 *   not_null "id"                                (one per NOT NULL column)
 *   rows 1500
 *   partition "20190101" rows 812 blocks 1 lo 17897 hi 17898  (one per partition)
 *
 * The blocks file is binary, little-endian, so that opening a table is
 * cheap: a query reads the records of only the partitions it reads, and
 * keeps the statistics of only the columns it asks for (the text form of
 * 60,000 chunk records took 20 ms to parse).
 *
 *   "pipe-blocks 2\n"
 *   uint64 start[npartitions]       offset of each partition's section
 *   per partition: uint32 rows[nblocks]; uint64 column_start[ncols + 1]
 *   (where each column's records begin, the last where the section ends);
 *   then per column, per block, the column's record:
 *     uint64 offset, length, nulls, bytes; uint8 flags (1 min, 2 max);
 *     min and max if flagged: fixed-width types as in a chunk (BOOL 1, DATE
 *     4, NUMERIC 16, others 8), strings as uint32 length + bytes
 *
 * Column after column, so that a query of 2 of 19 columns reads and parses
 * its two columns' records, not all 19 (version 1, which an older pipe
 * wrote and which is still read, has a partition's blocks one after the
 * other, each with every column's record: a GROUP BY of two columns of a
 * 2M-row table read the whole 1 MB file for it).  The writer makes its
 * records block by block, as it writes the blocks, and turns a partition's
 * around when the file is written, holding one partition's records at a
 * time (some 50 bytes a column for each 2,048 rows).
 *
 * BYTES is BigQuery's logical size of the chunk's values (bytes.h), so a
 * dry run needs nothing but the statistics.  Nothing in the files depends
 * on time, machine, -j or the writer's memory budget: the same rows in the
 * same order give the same bytes.
 *
 * table.c opens tables with the readers here; the writer (table_write.c)
 * writes with the writers. */
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "column.h"
#include "table_file.h"

/* ---- the files' bytes ---- */

static int write_all(int fd, const char *p, size_t n, const char *path)
{
	while (n) {
		ssize_t put = write(fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return error_set("writing %s: %s", path, strerror(errno));
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

/* Two buffers wait at most: a writer that finds both full hashes the
 * oldest itself.  A step hashes 64 KiB, so that a thread hashing while it
 * would otherwise wait goes back to its own work soon after it may. */
#define LANE_SLOTS 2
#define LANE_STEP (64u << 10)

struct hash_lane {
	pthread_mutex_t mu;
	struct buf slot[LANE_SLOTS];
	size_t head, len; /* the slots waiting, from head */
	size_t done;      /* bytes of slot[head] hashed */
	bool busy;        /* a thread is hashing a piece */
	const struct file_hasher *hasher;
	void *hash;
};

struct hash_lane *hash_lane_new(struct data_out *o)
{
	struct hash_lane *l = xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	l->hasher = o->hasher;
	l->hash = o->hash;
	o->lane = l;
	return l;
}

bool hash_lane_step(struct hash_lane *l)
{
	pthread_mutex_lock(&l->mu);
	if (l->busy || !l->len) {
		pthread_mutex_unlock(&l->mu);
		return false;
	}
	l->busy = true;
	struct buf *b = &l->slot[l->head];
	size_t from = l->done, n = b->len - from < LANE_STEP ? b->len - from : LANE_STEP;
	pthread_mutex_unlock(&l->mu);
	l->hasher->update(l->hash, b->data + from, n);
	pthread_mutex_lock(&l->mu);
	if ((l->done += n) == b->len) {
		b->len = 0;
		l->done = 0;
		l->head = (l->head + 1) % LANE_SLOTS;
		l->len--;
	}
	l->busy = false;
	pthread_mutex_unlock(&l->mu);
	return true;
}

/* o's written buffer into the lane, an empty one back in its place. */
static void lane_push(struct hash_lane *l, struct buf *b)
{
	for (;;) {
		pthread_mutex_lock(&l->mu);
		if (l->len < LANE_SLOTS) {
			struct buf *to = &l->slot[(l->head + l->len) % LANE_SLOTS], t = *to;
			*to = *b;
			*b = t;
			b->len = 0;
			l->len++;
			pthread_mutex_unlock(&l->mu);
			return;
		}
		pthread_mutex_unlock(&l->mu);
		if (!hash_lane_step(l))
			sched_yield(); /* another thread is hashing the oldest */
	}
}

void hash_lane_end(struct hash_lane *l, struct data_out *o)
{
	if (!l)
		return;
	for (;;) {
		pthread_mutex_lock(&l->mu);
		bool idle = !l->len && !l->busy;
		pthread_mutex_unlock(&l->mu);
		if (idle)
			break;
		if (!hash_lane_step(l))
			sched_yield();
	}
	for (size_t i = 0; i < LANE_SLOTS; i++)
		buf_free(&l->slot[i]);
	pthread_mutex_destroy(&l->mu);
	free(l);
	o->lane = NULL;
}

int table_data_flush(struct data_out *o)
{
	int error = write_all(o->fd, o->buf.data, o->buf.len, o->path);
	o->written += o->buf.len;
	if (o->lane && o->buf.len) {
		lane_push(o->lane, &o->buf);
		return error;
	}
	if (o->hash)
		o->hasher->update(o->hash, o->buf.data, o->buf.len);
	o->buf.len = 0;
	return error;
}

void table_data_hash_start(struct data_out *o, const struct file_hasher *hasher)
{
	o->hasher = hasher;
	o->hash = hasher ? hasher->start(hasher->arg) : NULL;
}

void table_data_hash_done(struct data_out *o, const char *path)
{
	if (o->hash)
		o->hasher->done(o->hasher->arg, o->hash, path);
	o->hash = NULL;
}

int table_read_at(int fd, char *p, size_t n, uint64_t offset)
{
	return file_pread(fd, p, n, offset, "the writer's temporary file");
}

/* ---- reading the manifest ---- */

struct line_reader {
	const char *path;
	int lineno;
	char *p; /* the rest of the current line */
};

static int bad_manifest(struct line_reader *r, const char *what)
{
	return error_set("%s:%d: %s", r->path, r->lineno, what);
}

/* The next word (bare) or string (quoted, unescaped in place).  NULL at the
 * end of the line. */
static char *next_word_q(struct line_reader *r, size_t *len, bool *quoted)
{
	char *p = r->p;
	*quoted = false;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	char *start = p, *out = p;
	if (*p != '"') {
		while (*p && *p != ' ')
			p++;
		*len = (size_t)(p - start);
		if (*p)
			*p++ = '\0';
		r->p = p;
		return start;
	}
	p++;
	*quoted = true;
	start = out = p;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'n')
				*out++ = '\n';
			else if (*p == 't')
				*out++ = '\t';
			else if (*p == 'x' && p[1] && p[2]) {
				char hex[3] = {p[1], p[2], 0};
				*out++ = (char)strtol(hex, NULL, 16);
				p += 2;
			} else
				*out++ = *p;
			p++;
		} else {
			*out++ = *p++;
		}
	}
	if (*p != '"')
		return NULL;
	*len = (size_t)(out - start);
	*out = '\0';
	r->p = p + 1;
	return start;
}

static char *next_word(struct line_reader *r, size_t *len)
{
	bool quoted;
	return next_word_q(r, len, &quoted);
}

/* The next word as a number: signed (into *i) or not (into *u). */
static int word_number(struct line_reader *r, uint64_t *u, int64_t *i)
{
	/* digits, and a '-' for a signed one, as the writer puts them: by
	 * hand and in one pass over the line, as strtoll (and then a second
	 * pass) took a third of opening a table of 1,000 partitions (four
	 * numbers each) */
	char *p = r->p;
	while (*p == ' ')
		p++;
	if (!*p)
		return bad_manifest(r, "a number is missing");
	bool neg = i && *p == '-';
	p += neg;
	uint64_t v = 0;
	const char *digits = p;
	for (; *p && *p != ' '; p++) {
		unsigned d = (unsigned)(*p - '0');
		/* 19 digits cannot pass 2^64: only a 20th needs the check */
		if (d > 9 || (p - digits >= 19 && v > (UINT64_MAX - d) / 10))
			return bad_manifest(r, "a number is malformed");
		v = v * 10 + d;
	}
	if (p == digits)
		return bad_manifest(r, "a number is malformed");
	r->p = *p ? p + 1 : p;
	if (!i) {
		*u = v;
		return 0;
	}
	if (v > (uint64_t)INT64_MAX + neg)
		return bad_manifest(r, "a number is malformed");
	*i = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return 0;
}

static int word_u64(struct line_reader *r, uint64_t *out) { return word_number(r, out, NULL); }
static int word_i64(struct line_reader *r, int64_t *out) { return word_number(r, NULL, out); }

static int word_str(struct line_reader *r, char **out)
{
	size_t len;
	char *w = next_word(r, &len);
	if (!w)
		return bad_manifest(r, "a string is missing");
	*out = xstrndup(w, len);
	return 0;
}

/* A string that may appear once: twice is the error again. */
static int word_str_once(struct line_reader *r, char **out, const char *again)
{
	if (*out)
		return bad_manifest(r, again);
	return word_str(r, out);
}

static int word_keyword(struct line_reader *r, const char *want)
{
	size_t len;
	char *w = next_word(r, &len);
	if (!w || strcmp(w, want) != 0)
		return bad_manifest(r, "malformed line");
	return 0;
}

/* One "partition" line's words after the keyword.  The id goes into the
 * table's arena: one allocation per partition cost as much as parsing it. */
static int parse_partition(struct table *t, struct line_reader *r, size_t *partcap)
{
	int error;
	grow_array(&t->partitions, partcap, t->npartitions + 1, sizeof *t->partitions);
	struct partition *part = &t->partitions[t->npartitions++];
	memset(part, 0, sizeof *part);
	size_t len;
	char *id = next_word(r, &len);
	if (!id)
		return bad_manifest(r, "a string is missing");
	part->id = arena_strndup(&t->mem, id, len);
	uint64_t nblocks;
	if ((error = word_keyword(r, "rows")) < 0 || (error = word_u64(r, &part->rows)) < 0 ||
	    (error = word_keyword(r, "blocks")) < 0 || (error = word_u64(r, &nblocks)) < 0 ||
	    (error = word_keyword(r, "lo")) < 0 || (error = word_i64(r, &part->lo)) < 0 ||
	    (error = word_keyword(r, "hi")) < 0 || (error = word_i64(r, &part->hi)) < 0)
		return error;
	if (nblocks > part->rows || (part->rows && !nblocks))
		return bad_manifest(r, "a partition's block count does not fit its rows");
	part->nblocks = (size_t)nblocks;
	part->is_null = strcmp(part->id, PARTITION_NULL) == 0;
	part->is_unpartitioned = strcmp(part->id, PARTITION_UNPARTITIONED) == 0;
	return 0;
}

/* Parses the manifest; with header_only, stops at the partitions. */
static int parse_manifest(struct table *t, struct line_reader *r, char *text, bool header_only)
{
	int error;
	struct table_spec *s = &t->spec;
	size_t colcap = 0, partcap = 0;
	char *line = text;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		r->lineno++;
		r->p = line;
		size_t len;
		char *kw = next_word(r, &len);
		if (r->lineno == 1) {
			if (strcmp(line, "pipe-table") == 0 && strcmp(r->p, "1") == 0)
				return bad_manifest(r, "a table in an older format (1); rebuild it (pipe build -B TARGET)");
			if (strcmp(line, "pipe-table") != 0 || strcmp(r->p, "2") != 0)
				return bad_manifest(r, "not a pipe table manifest (expected \"" FORMAT_LINE "\")");
		} else if (!kw) {
			return bad_manifest(r, "empty line");
		} else if (strcmp(kw, "partition") == 0) {
			/* first of the records: a table of a year of days has a
			 * thousand of these lines, and every query reads them */
			if (header_only)
				break;
			if (!partcap) {
				/* the array at its size at once: grown by doubling,
				 * each copy was a fault for every page it moved into */
				size_t n = 1;
				const char *rest = nl ? nl + 1 : NULL;
				for (const char *q = rest; q && (q = strstr(q, "partition ")); q++)
					n += q == rest || q[-1] == '\n';
				grow_array(&t->partitions, &partcap, n + 1, sizeof *t->partitions);
			}
			if ((error = parse_partition(t, r, &partcap)) < 0)
				return error;
		} else if (strcmp(kw, "name") == 0) {
			if ((error = word_str_once(r, &s->name, "a second name")) < 0)
				return error;
		} else if (strcmp(kw, "dataset") == 0) {
			if ((error = word_str_once(r, &s->dataset, "a second dataset")) < 0)
				return error;
		} else if (strcmp(kw, "description") == 0) {
			if ((error = word_str_once(r, &s->description, "a second description")) < 0)
				return error;
		} else if (strcmp(kw, "require_partition_filter") == 0) {
			s->require_partition_filter = true;
		} else if (strcmp(kw, "block_rows") == 0) {
			uint64_t v;
			if ((error = word_u64(r, &v)) < 0)
				return error;
			if (v > TABLE_MAX_BLOCK_ROWS)
				return bad_manifest(r, "block_rows out of range");
			s->block_rows = (uint32_t)v;
		} else if (strcmp(kw, "column") == 0) {
			grow_array(&s->cols, &colcap, s->ncols + 1, sizeof *s->cols);
			struct column_def *c = &s->cols[s->ncols];
			char *type = NULL;
			c->name = NULL;
			if ((error = word_str(r, &c->name)) < 0)
				return error;
			s->ncols++;
			if ((error = word_str(r, &type)) < 0)
				return error;
			error = type_parse(type, &c->type);
			free(type);
			if (error < 0)
				return bad_manifest(r, "unknown type");
		} else if (strcmp(kw, "partition_by") == 0) {
			if (s->partition.column)
				return bad_manifest(r, "a second partition_by");
			char *how = NULL;
			if ((error = word_str(r, &how)) < 0)
				return error;
			bool time = strcmp(how, "time") == 0, range = strcmp(how, "range") == 0;
			free(how);
			if (!time && !range)
				return bad_manifest(r, "unknown partitioning");
			if ((error = word_str(r, &s->partition.column)) < 0)
				return error;
			if (time) {
				char *unit = NULL;
				s->partition.kind = PARTITION_TIME;
				if ((error = word_str(r, &unit)) < 0)
					return error;
				error = date_part_parse(unit, &s->partition.unit);
				free(unit);
				if (error < 0)
					return bad_manifest(r, "unknown partitioning unit");
			} else {
				s->partition.kind = PARTITION_RANGE;
				if ((error = word_i64(r, &s->partition.start)) < 0 ||
				    (error = word_i64(r, &s->partition.end)) < 0 ||
				    (error = word_i64(r, &s->partition.interval)) < 0)
					return error;
			}
		} else if (strcmp(kw, "not_null") == 0) {
			s->not_null = xrealloc(s->not_null, (s->nnot_null + 1) * sizeof *s->not_null);
			s->not_null[s->nnot_null++] = NULL;
			if ((error = word_str(r, &s->not_null[s->nnot_null - 1])) < 0)
				return error;
		} else if (strcmp(kw, "cluster") == 0) {
			if (s->ncluster == TABLE_MAX_CLUSTER)
				return bad_manifest(r, "too many clustering columns");
			if ((error = word_str(r, &s->cluster[s->ncluster])) < 0)
				return error;
			s->ncluster++;
		} else if (strcmp(kw, "rows") == 0) {
			if ((error = word_u64(r, &t->rows)) < 0)
				return error;
		} else {
			return bad_manifest(r, "unknown record");
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!s->name || !s->ncols)
		return error_set("%s: no name or no columns", r->path);
	return 0;
}

int table_manifest_read(struct table *t, const char *path, char *text, bool header_only)
{
	struct line_reader r = {.path = path};
	return parse_manifest(t, &r, text, header_only);
}

/* ---- writing the manifest ---- */

static void put_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n') {
			buf_puts(b, "\\n");
		} else if (c == '\t') {
			buf_puts(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

void table_manifest_text(const struct table_spec *s, uint64_t rows, const struct partition *parts, size_t nparts,
                   struct buf *b)
{
	buf_puts(b, FORMAT_LINE "\nname ");
	put_str(b, s->name);
	buf_putc(b, '\n');
	if (s->dataset) {
		buf_puts(b, "dataset ");
		put_str(b, s->dataset);
		buf_putc(b, '\n');
	}
	if (s->description) {
		buf_puts(b, "description ");
		put_str(b, s->description);
		buf_putc(b, '\n');
	}
	if (s->require_partition_filter)
		buf_puts(b, "require_partition_filter true\n");
	buf_printf(b, "block_rows %u\n", s->block_rows);
	for (size_t i = 0; i < s->ncols; i++) {
		buf_puts(b, "column ");
		put_str(b, s->cols[i].name);
		buf_printf(b, " %s\n", type_name(s->cols[i].type));
	}
	if (s->partition.kind == PARTITION_TIME) {
		buf_puts(b, "partition_by time ");
		put_str(b, s->partition.column);
		buf_printf(b, " %s\n", date_part_name(s->partition.unit));
	} else if (s->partition.kind == PARTITION_RANGE) {
		buf_puts(b, "partition_by range ");
		put_str(b, s->partition.column);
		buf_printf(b, " %lld %lld %lld\n", (long long)s->partition.start, (long long)s->partition.end,
		           (long long)s->partition.interval);
	}
	for (size_t i = 0; i < s->ncluster; i++) {
		buf_puts(b, "cluster ");
		put_str(b, s->cluster[i]);
		buf_putc(b, '\n');
	}
	for (size_t i = 0; i < s->nnot_null; i++) {
		buf_puts(b, "not_null ");
		put_str(b, s->not_null[i]);
		buf_putc(b, '\n');
	}
	buf_printf(b, "rows %llu\n", (unsigned long long)rows);
	for (size_t p = 0; p < nparts; p++) {
		const struct partition *part = &parts[p];
		buf_puts(b, "partition ");
		put_str(b, part->id);
		buf_printf(b, " rows %llu blocks %zu lo %lld hi %lld\n", (unsigned long long)part->rows,
		           part->nblocks, (long long)part->lo, (long long)part->hi);
	}
}

/* ---- reading the blocks file ---- */

static int bad_blocks(const char *path) { return error_set("%s: truncated or malformed", path); }

/* Opens the blocks file and reads its table of partition offsets; the
 * blocks themselves are read when table_load_columns asks for them. */
int table_open_blocks(struct table *t)
{
	int error = 0;
	char *path = path_join(t->dir, BLOCKS_FILE);
	struct stat st;
	size_t head = sizeof BLOCKS_MAGIC - 1 + t->npartitions * 8;
	char *bytes = NULL;
	t->blocks_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->blocks_fd < 0 || fstat(t->blocks_fd, &st) < 0) {
		error = error_set("opening %s: %s", path, strerror(errno));
		goto done;
	}
	t->blocks_size = (uint64_t)st.st_size;
	if (t->blocks_size < head) {
		error = bad_blocks(path);
		goto done;
	}
	bytes = xmalloc(head);
	if ((error = file_pread(t->blocks_fd, bytes, head, 0, path)) < 0)
		goto done;
	if (!memcmp(bytes, BLOCKS_MAGIC, sizeof BLOCKS_MAGIC - 1)) {
		t->blocks_version = 2;
	} else if (!memcmp(bytes, BLOCKS_MAGIC_V1, sizeof BLOCKS_MAGIC_V1 - 1)) {
		t->blocks_version = 1;
	} else {
		error = bad_blocks(path);
		goto done;
	}
	/* the partitions' records follow each other in manifest order */
	for (size_t p = 0; p < t->npartitions; p++) {
		uint64_t at;
		memcpy(&at, bytes + sizeof BLOCKS_MAGIC - 1 + p * 8, 8);
		if (at < (p ? t->partitions[p - 1].records : head) || at > t->blocks_size) {
			error = bad_blocks(path);
			goto done;
		}
		t->partitions[p].records = at;
	}
done:
	free(bytes);
	free(path);
	return error;
}

/* A partition's block records, read through a window that moves along
 * them: the file's pages are copied into the same few, not mapped one by
 * one (a fault each, on a file of megabytes). */
struct records {
	int fd;
	uint64_t at, end; /* the file's bytes not yet in the window */
	char *buf;
	size_t cap, len, pos;
};

/* At least want bytes from pos in the window, or all that is left. */
static int records_fill(struct records *r, size_t want)
{
	if (r->len - r->pos >= want || r->at == r->end)
		return 0;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	size_t n = r->cap - r->len;
	if (n > r->end - r->at)
		n = (size_t)(r->end - r->at);
	int error = file_pread(r->fd, r->buf + r->len, n, r->at, BLOCKS_FILE);
	r->at += n;
	r->len += n;
	return error;
}

/* Reads one min or max into out (NULL: steps over it, and t is not
 * needed); a string's bytes are copied into t's arena. */
static bool get_stat(struct table *t, struct records *r, const struct value *null, size_t w, struct value *out)
{
	const char *p = r->buf + r->pos, *end = r->buf + r->len;
	if (type_is_string(null->type)) {
		uint32_t len;
		if (end - p < 4)
			return false;
		memcpy(&len, p, 4);
		if (len > COLUMN_STATS_MAX_STR || (size_t)(end - p - 4) < len)
			return false;
		if (out) {
			*out = *null;
			out->is_null = false;
			out->s = (struct str){arena_copy(&t->mem, p + 4, len), len};
		}
		r->pos += 4 + len;
	} else {
		if ((size_t)(end - p) < w)
			return false;
		if (out) {
			*out = *null;
			out->is_null = false;
			memcpy(&out->b, p, w);
		}
		r->pos += w;
	}
	return true;
}

/* One column's record of a block at r's position: its chunk's place and,
 * when cs is not NULL, its statistics; false when it does not fit. */
static bool read_record(struct table *t, struct records *r, const struct value *null, size_t w, struct col_stats *cs,
                        uint64_t *offset, uint64_t *length)
{
	const char *q = r->buf + r->pos;
	if (r->len - r->pos < 33)
		return false;
	char flags = q[32];
	if (cs) {
		memcpy(offset, q, 8);
		memcpy(length, q + 8, 8);
		memcpy(&cs->nulls, q + 16, 8);
		memcpy(&cs->bytes, q + 24, 8);
		cs->min = *null;
		cs->max = *null;
	}
	r->pos += 33;
	return (!(flags & 1) || get_stat(t, r, null, w, cs ? &cs->min : NULL)) &&
	       (!(flags & 2) || get_stat(t, r, null, w, cs ? &cs->max : NULL));
}

/* A section this small is read whole, in one read: a partition of a block
 * or two (a day of a table partitioned by day) would take three reads
 * where version 1 took one. */
#define SECTION_WHOLE (64u << 10)

/* Version 2: the section's head (its blocks' rows and its columns'
 * starts), then each wanted column's records, one read each (or the
 * section at once, when it is small). */
static int load_columns_v2(struct table *t, struct partition *part, const bool *want, struct block *blocks,
                           struct block_column *got, const struct value *null, const size_t *width, uint64_t end)
{
	size_t nb = part->nblocks, nc = t->spec.ncols;
	uint64_t head = 4 * (uint64_t)nb + 8 * ((uint64_t)nc + 1), rows = 0;
	uint32_t max_rows = t->spec.block_rows ? t->spec.block_rows : TABLE_BLOCK_ROWS;
	char *bytes = NULL;
	uint64_t *starts = NULL;
	int error = 0;
	if (end - part->records < head)
		goto bad;
	/* whole: bytes holds the section, every column's records after the head */
	bool whole = end - part->records <= SECTION_WHOLE;
	size_t got_bytes = whole ? (size_t)(end - part->records) : (size_t)head;
	bytes = xmalloc(got_bytes + 1);
	if ((error = file_pread(t->blocks_fd, bytes, got_bytes, part->records, BLOCKS_FILE)) < 0)
		goto done;
	starts = xmalloc((nc + 1) * sizeof *starts);
	memcpy(starts, bytes + 4 * nb, (nc + 1) * 8);
	for (size_t c = 0; c <= nc; c++)
		if (starts[c] < (c ? starts[c - 1] : part->records + head) || starts[c] > end)
			goto bad;
	if (starts[nc] != end)
		goto bad;
	for (size_t b = 0; b < nb; b++) {
		uint32_t n;
		memcpy(&n, bytes + 4 * b, 4);
		if (n > max_rows || (part->blocks && blocks[b].rows != n))
			goto bad;
		rows += n;
		if (!part->blocks)
			blocks[b] = (struct block){.rows = n, .index = (uint32_t)b, .part = part};
	}
	if (rows != part->rows) {
		error = error_set("%s/%s: partition %s holds %llu rows in its blocks, the manifest says %llu", t->dir,
		                  BLOCKS_FILE, part->id, (unsigned long long)rows, (unsigned long long)part->rows);
		goto done;
	}
	for (size_t c = 0; c < nc; c++) {
		if (!want[c])
			continue;
		/* at least 33 bytes a block: a count the section cannot hold is
		 * refused before it is read */
		size_t size = (size_t)(starts[c + 1] - starts[c]);
		if (size / 33 < nb)
			goto bad;
		struct records cr = {.fd = -1, .cap = size + 1, .len = size};
		bool ok = true;
		if (whole)
			cr.buf = bytes + (starts[c] - part->records);
		else
			ok = (error = file_pread(t->blocks_fd, cr.buf = xmalloc(size + 1), size, starts[c], BLOCKS_FILE)) == 0;
		for (size_t b = 0; ok && b < nb; b++)
			ok = read_record(t, &cr, &null[c], width[c], &got[c].stats[b], &got[c].offset[b], &got[c].length[b]);
		ok = ok && cr.pos == cr.len;
		if (!whole)
			free(cr.buf);
		if (error < 0)
			goto done;
		if (!ok)
			goto bad;
	}
	goto done;
bad:
	error = error_set("%s/%s: truncated or malformed (partition %s)", t->dir, BLOCKS_FILE, part->id);
done:
	free(bytes);
	free(starts);
	return error;
}

void table_column_unloaded(const struct block *b, int c)
{
	fprintf(stderr, "pipe: bug: column %d of a block of partition %s read before it was loaded\n", c,
	        b->part->id);
	abort();
}

/* Partition p's blocks, with the statistics of the columns c with cols[c]
 * (NULL: all) that it does not hold yet: one pass over its records.  The
 * blocks file is checked as it is read, before anything is allocated for
 * what it claims. */
int table_load_partition(struct table *t, size_t p, const bool *cols)
{
	struct partition *part = &t->partitions[p];
	size_t nb = part->nblocks, nc = t->spec.ncols, nwant = 0;
	bool *want = NULL;
	struct block_column *got = NULL;
	struct value *null = NULL;
	size_t *width = NULL;
	struct records r = {.fd = t->blocks_fd, .at = part->records, .end = t->blocks_size};
	int error = 0;
	if (!nb)
		return 0;
	want = xcalloc(nc + 1, sizeof *want);
	for (size_t c = 0; c < nc; c++) {
		want[c] = (!cols || cols[c]) && !(part->blocks && part->columns[c].stats);
		nwant += want[c];
	}
	if (part->blocks && !nwant)
		goto done;
	/* the records end where the next partition's start */
	if (p + 1 < t->npartitions)
		r.end = t->partitions[p + 1].records;
	/* every block takes at least 4 + 33 bytes a column: a count the file
	 * cannot hold is refused before it is allocated for */
	if (nb > (r.end - r.at) / (4 + 33 * nc))
		goto bad;
	uint32_t max_rows = t->spec.block_rows ? t->spec.block_rows : TABLE_BLOCK_ROWS;
	null = xmalloc((nc + 1) * sizeof *null);
	width = xmalloc((nc + 1) * sizeof *width);
	for (size_t c = 0; c < nc; c++) {
		null[c] = value_null(t->spec.cols[c].type);
		width[c] = type_width(t->spec.cols[c].type);
	}
	/* struct col_stats first: it holds 16-byte aligned values */
	size_t size = nwant * nb * (sizeof(struct col_stats) + 2 * sizeof(uint64_t)) +
	              (part->blocks ? 0 : nb * sizeof(struct block) + nc * sizeof(struct block_column));
	/* written whole at once: its pages made in one call, not a fault each */
	char *mem = xmalloc(size), *next = mem;
	mem_populate(mem, size);
	part->block_mem = xrealloc(part->block_mem, (part->nblock_mem + 1) * sizeof *part->block_mem);
	part->block_mem[part->nblock_mem++] = mem;
	got = xcalloc(nc + 1, sizeof *got);
	for (size_t c = 0; c < nc; c++)
		if (want[c]) {
			got[c].stats = (struct col_stats *)next;
			next += nb * sizeof(struct col_stats);
		}
	for (size_t c = 0; c < nc; c++)
		if (want[c]) {
			got[c].offset = (uint64_t *)next;
			next += nb * sizeof(uint64_t);
			got[c].length = (uint64_t *)next;
			next += nb * sizeof(uint64_t);
		}
	struct block *blocks = part->blocks;
	if (!blocks) {
		blocks = (struct block *)next;
		next += nb * sizeof(struct block);
		part->columns = (struct block_column *)next;
		memset(part->columns, 0, nc * sizeof(struct block_column));
	}
	if (t->blocks_version == 2) {
		if ((error = load_columns_v2(t, part, want, blocks, got, null, width, r.end)) < 0)
			goto done;
		goto loaded;
	}
	/* the largest record a column can have: 33 bytes, then a min and a
	 * max of at most 4 + COLUMN_STATS_MAX_STR bytes */
	size_t most = 4 + nc * (33 + 2 * (4 + COLUMN_STATS_MAX_STR));
	r.cap = most * 2 > (64u << 10) ? most * 2 : (64u << 10);
	if (r.cap > r.end - r.at)
		r.cap = (size_t)(r.end - r.at) + 1; /* a partition of a block or two */
	r.buf = xmalloc(r.cap);
	uint64_t rows = 0;
	for (size_t b = 0; b < nb; b++) {
		uint32_t n;
		if ((error = records_fill(&r, most)) < 0)
			goto done;
		if (r.len - r.pos < 4)
			goto bad;
		memcpy(&n, r.buf + r.pos, 4);
		r.pos += 4;
		if (n > max_rows)
			goto bad;
		rows += n;
		if (!part->blocks)
			blocks[b] = (struct block){.rows = n, .index = (uint32_t)b, .part = part};
		else if (blocks[b].rows != n)
			goto bad;
		for (size_t c = 0; c < nc; c++)
			if (!read_record(t, &r, &null[c], width[c], want[c] ? &got[c].stats[b] : NULL,
			                 want[c] ? &got[c].offset[b] : NULL, want[c] ? &got[c].length[b] : NULL))
				goto bad;
	}
	if (rows != part->rows) {
		error = error_set("%s/%s: partition %s holds %llu rows in its blocks, the manifest says %llu", t->dir,
		                  BLOCKS_FILE, part->id, (unsigned long long)rows, (unsigned long long)part->rows);
		goto done;
	}
loaded:
	part->blocks = blocks;
	for (size_t c = 0; c < nc; c++)
		if (want[c])
			part->columns[c] = got[c];
	goto done;
bad:
	error = error_set("%s/%s: truncated or malformed (partition %s)", t->dir, BLOCKS_FILE, part->id);
done:
	free(got);
	free(r.buf);
	free(want);
	free(null);
	free(width);
	return error;
}

/* ---- writing the blocks file ---- */

static void put_u64(struct buf *b, uint64_t x) { buf_add(b, &x, 8); }

static void put_stat_bin(struct buf *b, const struct value *v)
{
	if (type_is_string(v->type)) {
		uint32_t len = (uint32_t)v->s.len;
		buf_add(b, &len, 4);
		buf_add(b, v->s.p, v->s.len);
	} else {
		buf_add(b, &v->b, type_width(v->type)); /* the union's first bytes */
	}
}

void table_put_block_record(struct buf *b, uint32_t rows, uint64_t offset, size_t ncols, const uint64_t *length,
                      const struct col_stats *stats)
{
	buf_add(b, &rows, 4);
	for (size_t c = 0; c < ncols; c++) {
		const struct col_stats *st = &stats[c];
		put_u64(b, offset);
		put_u64(b, length[c]);
		put_u64(b, st->nulls);
		put_u64(b, st->bytes);
		offset += length[c];
		char flags = (char)((st->min.is_null ? 0 : 1) | (st->max.is_null ? 0 : 2));
		buf_putc(b, flags);
		if (!st->min.is_null)
			put_stat_bin(b, &st->min);
		if (!st->max.is_null)
			put_stat_bin(b, &st->max);
	}
}

/* Bytes [from, to) of the records: in the temporary file below written,
 * in memory above. */
static int records_span(const struct data_out *r, uint64_t from, uint64_t to, struct buf *out)
{
	int error = 0;
	buf_clear(out);
	buf_grow(out, (size_t)(to - from));
	if (from < r->written) {
		uint64_t upto = to < r->written ? to : r->written;
		if ((error = table_read_at(r->fd, out->data, (size_t)(upto - from), from)) < 0)
			return error;
		out->len = (size_t)(upto - from);
		from = upto;
	}
	if (from < to)
		buf_add(out, r->buf.data + (from - r->written), (size_t)(to - from));
	return 0;
}

/* The blocks file (version 2): the partitions' starts, then each
 * partition's section, its block-by-block records turned column by
 * column. */
int table_blocks_write(const struct data_out *r, const uint64_t *part_starts, const struct table_spec *spec,
                       const struct partition *parts, size_t nparts, const char *path,
                       const struct file_hasher *hasher)
{
	int error = 0;
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct data_out o = {.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), .path = tmp,
	                     .buf = BUF_INIT};
	size_t nc = spec->ncols;
	uint64_t total = r->written + r->buf.len, at = sizeof BLOCKS_MAGIC - 1 + 8 * (uint64_t)nparts;
	struct buf span = BUF_INIT;
	struct {
		size_t at, len;
	} *rec = NULL; /* per block and column: its record in span */
	size_t cap = 0;
	uint64_t *col_size = xcalloc(nc + 1, sizeof *col_size);
	struct value *null = xmalloc((nc + 1) * sizeof *null);
	size_t *width = xmalloc((nc + 1) * sizeof *width);
	for (size_t c = 0; c < nc; c++) {
		null[c] = value_null(spec->cols[c].type);
		width[c] = type_width(spec->cols[c].type);
	}
	if (o.fd < 0) {
		error = error_set("creating %s: %s", tmp, strerror(errno));
		goto done;
	}
	table_data_hash_start(&o, hasher);
	buf_add(&o.buf, BLOCKS_MAGIC, sizeof BLOCKS_MAGIC - 1);
	for (size_t p = 0; p < nparts; p++) {
		uint64_t to = p + 1 < nparts ? part_starts[p + 1] : total;
		put_u64(&o.buf, at);
		/* the records' bytes hold the blocks' rows too */
		at += 8 * ((uint64_t)nc + 1) + (to - part_starts[p]);
	}
	for (size_t p = 0; p < nparts; p++) {
		uint64_t from = part_starts[p], to = p + 1 < nparts ? part_starts[p + 1] : total;
		size_t nb = parts[p].nblocks;
		uint64_t section = o.written + o.buf.len, start;
		if ((error = records_span(r, from, to, &span)) < 0)
			goto done;
		/* the records as the reader reads them (read_record) */
		struct records sr = {.fd = -1, .buf = span.data, .cap = span.len, .len = span.len};
		grow_array(&rec, &cap, nb * nc + 1, sizeof *rec);
		memset(col_size, 0, nc * sizeof *col_size);
		for (size_t b = 0; b < nb; b++) {
			if (sr.len - sr.pos < 4)
				goto internal;
			buf_add(&o.buf, span.data + sr.pos, 4);
			sr.pos += 4;
			for (size_t c = 0; c < nc; c++) {
				size_t at = sr.pos;
				if (!read_record(NULL, &sr, &null[c], width[c], NULL, NULL, NULL))
					goto internal;
				rec[b * nc + c].at = at;
				rec[b * nc + c].len = sr.pos - at;
				col_size[c] += sr.pos - at;
			}
		}
		if (sr.pos != sr.len)
			goto internal;
		start = section + 4 * (uint64_t)nb + 8 * ((uint64_t)nc + 1);
		for (size_t c = 0; c <= nc; c++) {
			put_u64(&o.buf, start);
			start += c < nc ? col_size[c] : 0;
		}
		for (size_t c = 0; c < nc; c++)
			for (size_t b = 0; b < nb; b++) {
				buf_add(&o.buf, span.data + rec[b * nc + c].at, rec[b * nc + c].len);
				if (o.buf.len >= WRITE_CHUNK && (error = table_data_flush(&o)) < 0)
					goto done;
			}
	}
	if ((error = table_data_flush(&o)) < 0)
		goto done;
	error = close(o.fd);
	o.fd = -1;
	if (error < 0 || rename(tmp, path) < 0)
		error = error_set("writing %s: %s", path, strerror(errno));
	goto done;
internal:
	error = error_set("internal error: a table's block records do not add up (%s)", path);
done:
	if (o.fd >= 0)
		close(o.fd);
	if (error < 0)
		unlink(tmp);
	table_data_hash_done(&o, error < 0 ? NULL : path);
	buf_free(&o.buf);
	buf_free(&span);
	free(rec);
	free(col_size);
	free(null);
	free(width);
	free(tmp);
	return error;
}
