/* table_write: the table writer (the files' layout is described atop
 * table.c).
 *
 * The writer holds rows up to a memory budget, then sorts them and spills
 * them as a run to an unlinked temporary file in the table's directory;
 * finish merges the runs (or, when nothing was spilled, sorts in memory),
 * at most MERGE_FANIN at once: past that, groups of runs are first merged
 * into longer ones.  The blocks file's records are written as the blocks
 * are, to a second unlinked file once they outgrow the budget, so that
 * what the writer holds does not grow with the rows written.
 * A large write uses a second thread (worker.h): it spills one run while
 * the next rows arrive, and encodes and writes the merged blocks while
 * the merge goes on; each side encodes some columns, as many as keep
 * both busy.  Which thread encodes a chunk changes nothing in its bytes. */
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "column.h"
#include "table_file.h"
#include "worker.h"

/* Encoded data is written in pieces of this size: large writes, few of
 * them, and little memory. */
#define WRITE_CHUNK (1u << 20)

/* ---- partition keys ---- */

static int64_t next_unit(enum type t, enum date_part unit, int64_t key)
{
	int y, m, d;
	int32_t days = (int32_t)key;
	int64_t tod = 0;
	if (t != TYPE_DATE) {
		if (unit == PART_HOUR)
			return key + 3600 * US_PER_SEC;
		split_micros(key, &days, &tod);
	}
	civil_from_days(days, &y, &m, &d);
	int32_t next;
	if (unit == PART_DAY)
		next = days + 1;
	else if (unit == PART_MONTH)
		next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
	else
		next = days_from_civil(y + 1, 1, 1);
	return t == TYPE_DATE ? next : (int64_t)next * US_PER_DAY;
}

static void partition_id(const struct partition_spec *p, enum type t, int64_t key, char id[32])
{
	if (key == KEY_NULL) {
		snprintf(id, 32, "%s", PARTITION_NULL);
		return;
	}
	if (key == KEY_UNPARTITIONED) {
		snprintf(id, 32, "%s", PARTITION_UNPARTITIONED);
		return;
	}
	if (p->kind == PARTITION_RANGE) {
		snprintf(id, 32, "%lld", (long long)key);
		return;
	}
	int32_t days = (int32_t)key;
	int64_t tod = 0;
	if (t != TYPE_DATE)
		split_micros(key, &days, &tod);
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	switch (p->unit) {
	case PART_HOUR: snprintf(id, 32, "%04d%02d%02d%02d", y, m, d, (int)(tod / (3600 * US_PER_SEC))); break;
	case PART_MONTH: snprintf(id, 32, "%04d%02d", y, m); break;
	case PART_YEAR: snprintf(id, 32, "%04d", y); break;
	default: snprintf(id, 32, "%04d%02d%02d", y, m, d); break;
	}
}

/* The partition key of every row: the start of its range in the column's
 * units, or KEY_NULL / KEY_UNPARTITIONED. */
static void partition_keys(const struct partition_spec *p, const struct vec *v, int64_t *keys)
{
	size_t n = v->count;
	for (size_t i = 0; i < n; i++) {
		if (v->nulls[i]) {
			keys[i] = KEY_NULL;
			continue;
		}
		if (p->kind == PARTITION_RANGE) {
			int64_t x = v->i64[i];
			if (x < p->start || x >= p->end)
				keys[i] = KEY_UNPARTITIONED;
			else
				keys[i] = p->start + (int64_t)((uint64_t)(x - p->start) / (uint64_t)p->interval) * p->interval;
		} else if (v->type == TYPE_DATE) {
			int32_t t = v->days[i];
			if (p->unit != PART_DAY)
				date_trunc(v->days[i], p->unit, &t);
			keys[i] = t;
		} else if (p->unit == PART_DAY || p->unit == PART_HOUR) {
			int64_t unit = p->unit == PART_DAY ? US_PER_DAY : 3600 * US_PER_SEC;
			int64_t us = v->us[i], q = us / unit;
			keys[i] = (q - (us % unit < 0)) * unit; /* floor, also before 1970 */
		} else {
			int64_t t;
			micros_trunc(v->us[i], p->unit, &t);
			keys[i] = t;
		}
	}
}

/* ---- writing ---- */

/* Encoded bytes on their way to a file: table.data, the spill file or the
 * blocks file's records. */
struct data_out {
	int fd;
	const char *path;
	struct buf buf;   /* encoded, not yet written */
	uint64_t written; /* bytes already in the file */
};

/* A sorted run of rows spilled to the writer's temporary file, [start,
 * end) in it: blocks one after the other, each a header and its chunks in
 * the table.data layout.  The header says what reading the block needs,
 * so that nothing here grows with the rows written:
 *
 *   uint32 rows, uint32 0, per column: uint64 chunk length, with
 *   RUN_HAS_NULLS set when the chunk holds a NULL
 */
struct spill_run {
	uint64_t start, end;
};

#define RUN_HAS_NULLS (UINT64_C(1) << 63)

static size_t run_header_size(size_t ncols) { return 8 + 8 * ncols; }

/* The chunks of a run's first ncols columns, block by block, encoded by
 * the appending thread before it hands the run over (see spill_behind). */
struct run_head {
	size_t ncols;
	struct buf bytes;
	uint64_t *offset, *length, *nulls; /* per block and column, into bytes */
};

/* A partition key and whether any of its rows is new (not from the old
 * table): what BigQuery's per-job partition limit counts. */
struct key_seen {
	int64_t key;
	bool fresh;
};

struct table_writer {
	char *dir;
	char *final_dir; /* table_writer_create: where finish renames dir */
	struct table_spec spec;
	struct batch rows; /* the rows appended since the last spill, in order */
	uint8_t *existing; /* per row: 1 if it came from the old table */
	size_t existing_cap;
	int part_col;
	int cluster_col[TABLE_MAX_CLUSTER];
	/* Memory stays bounded: when the rows held reach budget bytes they are
	 * sorted and spilled as a run; finish merges the runs. */
	size_t budget, held;
	int spill_fd; /* unlinked at once: nothing is left behind */
	uint64_t spill_size;
	struct spill_run *runs;
	size_t nruns, runs_cap;
	struct key_seen *seen;
	size_t nseen, seen_cap, seen_compacted;
	/* The blocks file's records, written with their blocks: in memory up
	 * to WRITE_CHUNK, then in an unlinked temporary file, so that a long
	 * write's statistics do not pile up in memory; finish puts the
	 * partitions' starts (offsets into these records) in front. */
	struct data_out records;
	uint64_t *part_starts;
	size_t part_starts_cap, nparts_started;
	/* write_block's: one block's statistics and chunk lengths */
	struct col_stats *block_stats;
	uint64_t *block_length;
	uint64_t *merge_length; /* cursor_load's: a spilled block's lengths */
	/* Spills run on a second thread (bg) while the next rows arrive: the
	 * rows being spilled move to spilling, which only that job touches,
	 * with runs, seen, spill_fd and spill_size, until worker_wait. */
	struct worker *bg;
	struct batch spilling;
	uint8_t *spilling_existing;
	size_t spilling_existing_cap;
	uint32_t *spilling_ids; /* their order and partition keys (sort_held) */
	int64_t *spilling_keys;
	/* The appending thread encodes the first spill_split columns of each
	 * run itself (into ahead, then handed over as head) when it would
	 * otherwise wait for the second thread: split grows while that one is
	 * still busy when a run is ready, and shrinks when it is idle. */
	struct run_head head, ahead;
	size_t spill_split;
};

int table_writer_open(struct table_writer **out, const char *dir, const struct table_spec *spec)
{
	int error;
	*out = NULL;
	if ((error = table_spec_check(spec)) < 0)
		return error;
	struct table_writer *w = xcalloc(1, sizeof *w);
	w->dir = xstrdup(dir);
	table_spec_copy(&w->spec, spec);
	if (!w->spec.block_rows)
		w->spec.block_rows = TABLE_BLOCK_ROWS;
	enum type *types = xmalloc(spec->ncols * sizeof *types);
	for (size_t i = 0; i < spec->ncols; i++)
		types[i] = spec->cols[i].type;
	batch_init(&w->rows, spec->ncols, types);
	batch_init(&w->spilling, spec->ncols, types);
	free(types);
	w->part_col = spec->partition.kind == PARTITION_NONE ? -1 : table_spec_column(spec, spec->partition.column);
	w->budget = TABLE_WRITER_MEMORY;
	w->spill_fd = -1;
	w->records = (struct data_out){.fd = -1, .path = "a table's block records", .buf = BUF_INIT};
	w->block_stats = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->block_stats);
	w->block_length = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->block_length);
	w->merge_length = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->merge_length);
	for (size_t i = 0; i < spec->ncluster; i++)
		w->cluster_col[i] = table_spec_column(spec, spec->cluster[i]);
	*out = w;
	return 0;
}

int table_writer_create(struct table_writer **out, const char *root, const struct table_spec *spec)
{
	static atomic_uint seq;
	int error;
	char *tmp = NULL, *name = NULL;
	*out = NULL;
	if ((error = table_spec_check(spec)) < 0)
		return error;
	if ((error = mkdir_p(root)) < 0)
		return error;
	name = xasprintf(".%s.tmp-%ld-%u", spec->name, (long)getpid(), atomic_fetch_add(&seq, 1));
	tmp = path_join(root, name);
	rm_rf(tmp);
	if (mkdir(tmp, 0777) < 0) {
		error = error_set("creating %s: %s", tmp, strerror(errno));
		goto done;
	}
	if ((error = table_writer_open(out, tmp, spec)) < 0) {
		rm_rf(tmp);
		goto done;
	}
	(*out)->final_dir = path_join(root, spec->name);
done:
	free(name);
	free(tmp);
	return error;
}

/* Appends rows [from, from + n) of src to dst, of the same string type:
 * the bytes copied into dst's arena at once.  A row pointing at the same
 * bytes as the row before (a constant chunk read, a load id) shares its
 * copy, so that column_encode finds a constant column by its pointers. */
static inline bool same_bytes_as_before(const struct vec *v, size_t from, size_t i)
{
	return i > from && v->str[i].p == v->str[i - 1].p && v->str[i].len == v->str[i - 1].len && !v->nulls[i - 1];
}

static void append_strings(struct vec *dst, const struct vec *src, size_t from, size_t n)
{
	size_t total = 0;
	for (size_t i = from; i < from + n; i++)
		if (!src->nulls[i] && !same_bytes_as_before(src, from, i))
			total += src->str[i].len;
	char *p = arena_alloc(&dst->arena, total + 1);
	vec_reserve(dst, dst->count + n);
	for (size_t i = from; i < from + n; i++) {
		struct str *d = &dst->str[dst->count++];
		if (src->nulls[i]) {
			*d = (struct str){NULL, 0};
			continue;
		}
		if (same_bytes_as_before(src, from, i)) {
			*d = d[-1];
			continue;
		}
		memcpy(p, src->str[i].p, src->str[i].len);
		*d = (struct str){p, src->str[i].len};
		p += src->str[i].len;
	}
	memcpy(dst->nulls + dst->count - n, src->nulls + from, n);
}

static void vec_append(struct vec *dst, const struct vec *src)
{
	if (src->type == dst->type && type_is_string(dst->type)) {
		append_strings(dst, src, 0, src->count);
		return;
	}
	if (src->type != dst->type) {
		for (size_t i = 0; i < src->count; i++) {
			struct value x = vec_get(src, i);
			vec_push(dst, &x);
		}
		return;
	}
	size_t w = type_width(dst->type);
	vec_reserve(dst, dst->count + src->count);
	memcpy(dst->nulls + dst->count, src->nulls, src->count);
	memcpy((char *)dst->data + dst->count * w, src->data, src->count * w);
	dst->count += src->count;
}

static int append_rows(struct table_writer *w, const struct batch *b, bool existing)
{
	if (b->ncols != w->spec.ncols)
		return error_set("writing %s: a batch of %zu columns for a table of %zu", w->spec.name, b->ncols,
		                 w->spec.ncols);
	for (size_t c = 0; c < b->ncols; c++) {
		enum type from = b->cols[c].type, to = w->spec.cols[c].type;
		bool widen = (from == TYPE_INT64 && (to == TYPE_FLOAT64 || to == TYPE_NUMERIC)) ||
		             (from == TYPE_NUMERIC && to == TYPE_FLOAT64);
		if (from != to && from != TYPE_NULL && !widen)
			return error_setcode(PIPE_EUSAGE, "Column %s of %s has type %s; a %s value cannot be stored in it",
			                     w->spec.cols[c].name, w->spec.name, type_name(to), type_name(from));
		if (b->cols[c].count < b->nrows)
			return error_set("writing %s: column %s holds %zu values for %zu rows", w->spec.name,
			                 w->spec.cols[c].name, b->cols[c].count, b->nrows);
	}
	if (w->rows.nrows + b->nrows > UINT32_MAX)
		return error_set("writing %s: more than %u rows", w->spec.name, UINT32_MAX);
	for (size_t c = 0; c < b->ncols; c++) {
		struct vec part = b->cols[c];
		part.count = b->nrows;
		vec_append(&w->rows.cols[c], &part);
		w->held += b->nrows * (type_width(w->spec.cols[c].type) + 1);
		if (type_is_string(part.type))
			for (size_t i = 0; i < b->nrows; i++)
				w->held += part.nulls[i] ? 0 : part.str[i].len;
	}
	grow_array(&w->existing, &w->existing_cap, w->rows.nrows + b->nrows, 1);
	memset(w->existing + w->rows.nrows, existing, b->nrows);
	w->rows.nrows += b->nrows;
	return 0;
}

static int spill_behind(struct table_writer *w);

int table_writer_append(struct table_writer *w, const struct batch *b)
{
	int error = append_rows(w, b, false);
	return error < 0 || w->held < w->budget ? error : spill_behind(w);
}

int table_writer_append_existing(struct table_writer *w, const struct batch *b)
{
	int error = append_rows(w, b, true);
	return error < 0 || w->held < w->budget ? error : spill_behind(w);
}

void table_writer_set_memory(struct table_writer *w, size_t bytes) { w->budget = bytes ? bytes : 1; }

/* BigQuery's two limits: partitions modified by one job (those receiving
 * a new row) and partitions in a table. */
static int partition_limits(struct table_writer *w, size_t total, size_t modified)
{
	if (modified > TABLE_MAX_PARTITIONS_PER_JOB)
		return error_setcode(PIPE_EUSAGE,
		                     "Too many partitions produced by query, allowed %d, query produces at least %zu partitions",
		                     TABLE_MAX_PARTITIONS_PER_JOB, modified);
	if (total > TABLE_MAX_PARTITIONS)
		return error_setcode(PIPE_EUSAGE,
		                     "Too many partitions in table %s: %zu, allowed %d (BigQuery's partitions per table)",
		                     w->spec.name, total, TABLE_MAX_PARTITIONS);
	return 0;
}

static int check_partition_count(struct table_writer *w, const int64_t *keys, const uint32_t *ids, size_t n)
{
	size_t total = 0, modified = 0;
	for (size_t i = 0, j; i < n; i = j) {
		bool fresh = false;
		for (j = i; j < n && keys[ids[j]] == keys[ids[i]]; j++)
			fresh |= !w->existing[ids[j]];
		total++;
		modified += fresh;
	}
	return partition_limits(w, total, modified);
}

static int compare_key_seen(const void *pa, const void *pb)
{
	const struct key_seen *a = pa, *b = pb;
	return (a->key > b->key) - (a->key < b->key);
}

/* The order rows are written in: by partition key, then the clustering
 * columns, then as appended (so the sort is stable). */
struct sort_ctx {
	const int64_t *keys;
	const struct vec *cluster[TABLE_MAX_CLUSTER];
	size_t ncluster;
};

static int compare_rows(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	if (c->keys && c->keys[a] != c->keys[b])
		return c->keys[a] < c->keys[b] ? -1 : 1;
	for (size_t k = 0; k < c->ncluster; k++) {
		const struct vec *v = c->cluster[k];
		if (v->nulls[a] || v->nulls[b]) {
			if (v->nulls[a] != v->nulls[b])
				return v->nulls[a] ? -1 : 1;
			continue;
		}
		int r;
		switch (v->type) {
		case TYPE_INT64:
		case TYPE_DATETIME:
		case TYPE_TIMESTAMP: r = (v->i64[a] > v->i64[b]) - (v->i64[a] < v->i64[b]); break;
		case TYPE_DATE: r = (v->days[a] > v->days[b]) - (v->days[a] < v->days[b]); break;
		default: {
			struct value x = vec_get(v, a), y = vec_get(v, b);
			r = value_order(&x, &y);
			break;
		}
		}
		if (r)
			return r;
	}
	return (a > b) - (a < b);
}

static bool is_sorted(const struct sort_ctx *ctx, const uint32_t *ids, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (compare_rows(&ids[i - 1], &ids[i], (void *)ctx) > 0)
			return false;
	return true;
}

static int compare_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

/* The first clustering column's value as an integer, when it is one. */
static bool int_key(const struct vec *v, uint32_t row, int64_t *out)
{
	switch (v->type) {
	case TYPE_INT64:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP: *out = v->i64[row]; return true;
	case TYPE_DATE: *out = v->days[row]; return true;
	case TYPE_BOOL: *out = v->b[row]; return true;
	default: return false;
	}
}

/* A stable counting sort of a run by the first clustering column, when it
 * is an integer of a small range (VendorID, a flag, a day): linear where a
 * comparison sort is n log n.  False when it does not apply. */
static bool counting_sort(const struct vec *v, uint32_t *ids, size_t n, uint32_t *tmp)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN, x;
	for (size_t i = 0; i < n; i++) {
		if (v->nulls[ids[i]])
			continue;
		if (!int_key(v, ids[i], &x))
			return false;
		if (x < lo)
			lo = x;
		if (x > hi)
			hi = x;
	}
	if (lo > hi)
		return true; /* all NULL: already in order */
	if ((uint64_t)hi - (uint64_t)lo > 4 * n + 1024)
		return false;
	size_t nb = (size_t)((uint64_t)hi - (uint64_t)lo) + 2; /* bucket 0 holds the NULLs */
	size_t *count = xcalloc(nb + 1, sizeof *count);
	for (size_t i = 0; i < n; i++) {
		size_t b = 0;
		if (!v->nulls[ids[i]] && int_key(v, ids[i], &x))
			b = (size_t)((uint64_t)x - (uint64_t)lo) + 1;
		count[b + 1]++;
	}
	for (size_t b = 1; b <= nb; b++)
		count[b] += count[b - 1];
	for (size_t i = 0; i < n; i++) {
		size_t b = 0;
		if (!v->nulls[ids[i]] && int_key(v, ids[i], &x))
			b = (size_t)((uint64_t)x - (uint64_t)lo) + 1;
		tmp[count[b]++] = ids[i];
	}
	memcpy(ids, tmp, n * sizeof *ids);
	free(count);
	return true;
}

/* Equal in the first clustering column (both NULL counts as equal). */
static bool same_first(const struct vec *v, uint32_t a, uint32_t b)
{
	if (v->nulls[a] || v->nulls[b])
		return v->nulls[a] == v->nulls[b];
	int64_t x, y;
	int_key(v, a, &x);
	int_key(v, b, &y);
	return x == y;
}

/* Sorts a run of one partition by the clustering columns. */
static void sort_run(struct sort_ctx *ctx, uint32_t *ids, size_t n, uint32_t *tmp)
{
	if (is_sorted(ctx, ids, n))
		return;
	if (!counting_sort(ctx->cluster[0], ids, n, tmp)) {
		qsort_r(ids, n, sizeof *ids, compare_rows, ctx);
		return;
	}
	if (ctx->ncluster == 1)
		return;
	/* Then each group equal in the first column by the others. */
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && same_first(ctx->cluster[0], ids[i], ids[j]); j++)
			;
		if (!is_sorted(ctx, ids + i, j - i))
			qsort_r(ids + i, j - i, sizeof *ids, compare_rows, ctx);
	}
}

/* A stable sort of ids by partition key, counting rows per distinct key
 * (there are few: a table may have 10,000 partitions): linear where a
 * comparison sort is n log n.  False when there are too many keys. */
static bool sort_by_key(const int64_t *keys, uint32_t *ids, size_t n)
{
	enum { BITS = 15, MAX_KEYS = 1 << (BITS - 1) };
	struct slot {
		int64_t key;
		size_t count; /* 0: empty; then, once placed, where its next row goes */
	} *tab = xcalloc((size_t)1 << BITS, sizeof *tab);
	int64_t *distinct = xmalloc(MAX_KEYS * sizeof *distinct);
	uint32_t *tmp = NULL;
	size_t nd = 0, mask = ((size_t)1 << BITS) - 1;
	bool ok = false;
	for (size_t i = 0; i < n; i++) {
		int64_t k = keys[ids[i]];
		size_t h = (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ULL) >> (64 - BITS));
		while (tab[h].count && tab[h].key != k)
			h = (h + 1) & mask;
		if (!tab[h].count) {
			if (nd == MAX_KEYS)
				goto done;
			tab[h].key = k;
			distinct[nd++] = k;
		}
		tab[h].count++;
	}
	qsort(distinct, nd, sizeof *distinct, compare_i64);
	/* each key's count becomes the position of its first row */
	size_t at = 0;
	for (size_t d = 0; d < nd; d++) {
		size_t h = (size_t)(((uint64_t)distinct[d] * 0x9E3779B97F4A7C15ULL) >> (64 - BITS));
		while (tab[h].key != distinct[d])
			h = (h + 1) & mask;
		size_t c = tab[h].count;
		tab[h].count = at;
		at += c;
	}
	tmp = xmalloc((n ? n : 1) * sizeof *tmp);
	for (size_t i = 0; i < n; i++) {
		int64_t k = keys[ids[i]];
		size_t h = (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ULL) >> (64 - BITS));
		while (tab[h].key != k)
			h = (h + 1) & mask;
		tmp[tab[h].count++] = ids[i];
	}
	memcpy(ids, tmp, n * sizeof *ids);
	ok = true;
done:
	free(tab);
	free(distinct);
	free(tmp);
	return ok;
}

/* Where the rows of ids[i]'s partition key end (ids in key order; no
 * keys: one run of every row). */
static size_t key_run_end(const int64_t *keys, const uint32_t *ids, size_t i, size_t n)
{
	size_t j = i + 1;
	if (!keys)
		return n;
	while (j < n && keys[ids[j]] == keys[ids[i]])
		j++;
	return j;
}

/* Sorts by partition key, then each partition by the clustering columns;
 * rows often arrive in order already (by time, or from a sorted table), so
 * each step first checks whether it has anything to do. */
static void sort_rows(struct sort_ctx *ctx, uint32_t *ids, size_t n)
{
	size_t ncluster = ctx->ncluster;
	if (ctx->keys) {
		ctx->ncluster = 0;
		if (!is_sorted(ctx, ids, n) && !sort_by_key(ctx->keys, ids, n))
			qsort_r(ids, n, sizeof *ids, compare_rows, ctx);
		ctx->ncluster = ncluster;
	}
	if (!ncluster)
		return;
	const int64_t *keys = ctx->keys;
	uint32_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
	ctx->keys = NULL; /* equal within a run */
	for (size_t i = 0, j; i < n; i = j) {
		j = key_run_end(keys, ids, i, n);
		sort_run(ctx, ids + i, j - i, tmp);
	}
	ctx->keys = keys;
	free(tmp);
}

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

/* The writer's partitions (their blocks are in the records). */
static void free_partitions(struct partition *parts, size_t n)
{
	for (size_t p = 0; p < n; p++) {
		free(parts[p].id);
	}
	free(parts);
}

static int data_flush(struct data_out *o)
{
	int error = write_all(o->fd, o->buf.data, o->buf.len, o->path);
	o->written += o->buf.len;
	o->buf.len = 0;
	return error;
}

/* The chunks of a block's first ncols columns, encoded ahead (by the
 * merge's own thread, so that both threads encode). */
struct encoded {
	size_t ncols;
	struct buf bytes;        /* the chunks, one after the other */
	uint64_t *length;        /* per column */
	struct col_stats *stats; /* per column; bounds point into the rows */
};

static void encode_ahead(const struct batch *src, const uint32_t *ids, size_t ncols, struct encoded *e)
{
	e->ncols = ncols;
	e->bytes.len = 0;
	for (size_t c = 0; c < ncols; c++) {
		size_t before = e->bytes.len;
		column_encode(&src->cols[c], ids, src->nrows, true, &e->bytes, &e->stats[c]);
		e->length[c] = e->bytes.len - before;
	}
}

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

static void put_block_record(struct buf *b, uint32_t rows, uint64_t offset, size_t ncols, const uint64_t *length,
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

/* Opens the temporary file behind the records, unlinked at once. */
static int records_open(struct table_writer *w)
{
	char *path = path_join(w->dir, ".blocks");
	int error = 0;
	w->records.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (w->records.fd < 0)
		error = error_set("creating %s: %s", path, strerror(errno));
	else
		unlink(path);
	free(path);
	return error;
}

/* Appends rows ids[0..n) of src to part as one block: its chunks to o,
 * its record to the records; head (or NULL) holds the chunks of its
 * first columns already encoded. */
static int write_block(struct table_writer *w, struct partition *part, const struct batch *src, const uint32_t *ids,
                       size_t n, const struct encoded *head, struct data_out *o)
{
	int error;
	size_t ncols = w->spec.ncols, c = 0;
	uint64_t offset = o->written + o->buf.len;
	struct data_out *r = &w->records;
	part->nblocks++;
	part->rows += n;
	if (head && head->ncols) {
		buf_add(&o->buf, head->bytes.data, head->bytes.len);
		for (; c < head->ncols; c++) {
			w->block_stats[c] = head->stats[c];
			w->block_length[c] = head->length[c];
		}
	}
	for (; c < ncols; c++) {
		size_t before = o->buf.len;
		w->block_stats[c] = (struct col_stats){0};
		column_encode(&src->cols[c], ids, n, true, &o->buf, &w->block_stats[c]);
		w->block_length[c] = o->buf.len - before;
	}
	/* recorded now, while the bounds still point into src */
	put_block_record(&r->buf, (uint32_t)n, offset, ncols, w->block_length, w->block_stats);
	if (r->buf.len >= (w->budget < WRITE_CHUNK ? w->budget : WRITE_CHUNK) &&
	    ((r->fd < 0 && (error = records_open(w)) < 0) || (error = data_flush(r)) < 0))
		return error;
	return o->buf.len >= WRITE_CHUNK ? data_flush(o) : 0;
}

/* A new partition for rows of the given key (keyed: the table is partitioned). */
static void partition_start(struct table_writer *w, struct partition *part, bool keyed, int64_t key)
{
	const struct partition_spec *ps = &w->spec.partition;
	enum type part_type = w->part_col >= 0 ? w->spec.cols[w->part_col].type : TYPE_NULL;
	char id[32] = "";
	memset(part, 0, sizeof *part);
	if (keyed) {
		partition_id(ps, part_type, key, id);
		part->is_null = key == KEY_NULL;
		part->is_unpartitioned = key == KEY_UNPARTITIONED;
		if (!part->is_null && !part->is_unpartitioned) {
			part->lo = key;
			if (ps->kind == PARTITION_RANGE)
				part->hi = key + ps->interval < ps->end ? key + ps->interval : ps->end;
			else
				part->hi = next_unit(part_type, ps->unit, key);
		}
	}
	part->id = xstrdup(id);
	size_t p = w->nparts_started++;
	grow_array(&w->part_starts, &w->part_starts_cap, p + 1, sizeof *w->part_starts);
	w->part_starts[p] = w->records.written + w->records.buf.len;
}

/* Sorts rows by partition key and clustering columns: *ids is the order,
 * *keys (NULL when unpartitioned) each row's key. */
static void sort_held(const struct table_writer *w, const struct batch *rows, uint32_t **ids, int64_t **keys)
{
	size_t n = rows->nrows;
	*ids = xmalloc((n ? n : 1) * sizeof **ids);
	*keys = NULL;
	for (size_t i = 0; i < n; i++)
		(*ids)[i] = (uint32_t)i;
	struct sort_ctx ctx = {.ncluster = w->spec.ncluster};
	if (w->part_col >= 0) {
		*keys = xmalloc((n ? n : 1) * sizeof **keys);
		partition_keys(&w->spec.partition, &rows->cols[w->part_col], *keys);
		ctx.keys = *keys;
	}
	for (size_t k = 0; k < ctx.ncluster; k++)
		ctx.cluster[k] = &rows->cols[w->cluster_col[k]];
	sort_rows(&ctx, *ids, n);
}

static void run_head_free(struct run_head *h)
{
	buf_free(&h->bytes);
	free(h->offset);
	free(h->length);
	free(h->nulls);
}

/* Spilled runs are cut in blocks smaller than the table's: the merge holds
 * one decoded block of every run at once, and the number of runs grows with
 * the rows written, so this keeps a long load's merge small. */
#define RUN_BLOCK_ROWS 512

static size_t run_block_rows(const struct table_writer *w)
{
	return w->spec.block_rows < RUN_BLOCK_ROWS ? w->spec.block_rows : RUN_BLOCK_ROWS;
}

static void encode_run_head(const struct table_writer *w, const struct batch *rows, const uint32_t *ids,
                            size_t ncols, struct run_head *h)
{
	size_t n = rows->nrows, bs = run_block_rows(w), nb = (n + bs - 1) / bs;
	h->ncols = ncols;
	h->bytes.len = 0;
	h->offset = xrealloc(h->offset, (nb * ncols + 1) * sizeof *h->offset);
	h->length = xrealloc(h->length, (nb * ncols + 1) * sizeof *h->length);
	h->nulls = xrealloc(h->nulls, (nb * ncols + 1) * sizeof *h->nulls);
	for (size_t c = 0; c < ncols; c++) {
		bool maybe_nulls = memchr(rows->cols[c].nulls, 1, n) != NULL;
		for (size_t b = 0; b < nb; b++) {
			size_t from = b * bs, m = n - from < bs ? n - from : bs, before = h->bytes.len;
			h->offset[b * ncols + c] = before;
			h->nulls[b * ncols + c] =
				column_encode(&rows->cols[c], ids + from, m, maybe_nulls, &h->bytes, NULL);
			h->length[b * ncols + c] = h->bytes.len - before;
		}
	}
}


/* Opens the spill file, unlinked at once: nothing is left behind. */
static int spill_open(struct table_writer *w)
{
	if (w->spill_fd >= 0)
		return 0;
	char *path = path_join(w->dir, ".spill");
	int error = 0;
	w->spill_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (w->spill_fd < 0)
		error = error_set("creating %s: %s", path, strerror(errno));
	else
		unlink(path);
	free(path);
	return error;
}

/* Appends rows ids[0..m) of rows to the run being written, as its next
 * block, in o (at the end of the spill file).  head (or NULL) holds the
 * chunks of the block's first columns already encoded, as block hb of it;
 * maybe_nulls (or NULL: look) says which columns may hold a NULL. */
static int run_add_block(struct table_writer *w, const struct batch *rows, const uint32_t *ids, size_t m,
                         const bool *maybe_nulls, const struct run_head *head, size_t hb, struct data_out *o)
{
	size_t nc = w->spec.ncols, nhead = head ? head->ncols : 0, at = o->buf.len, hs = run_header_size(nc);
	uint64_t *length = w->block_length;
	uint32_t counts[2] = {(uint32_t)m, 0};
	buf_grow(&o->buf, hs);
	o->buf.len += hs;
	for (size_t c = 0; c < nhead; c++) {
		uint64_t len = head->length[hb * nhead + c];
		length[c] = len | (head->nulls[hb * nhead + c] ? RUN_HAS_NULLS : 0);
		buf_add(&o->buf, head->bytes.data + head->offset[hb * nhead + c], len);
	}
	for (size_t c = nhead; c < nc; c++) {
		const struct vec *v = &rows->cols[c];
		size_t before = o->buf.len;
		bool nulls = column_encode(v, ids, m, maybe_nulls ? maybe_nulls[c] : true, &o->buf, NULL) > 0;
		length[c] = (o->buf.len - before) | (nulls ? RUN_HAS_NULLS : 0);
	}
	memcpy(o->buf.data + at, counts, 8);
	memcpy(o->buf.data + at + 8, length, 8 * nc);
	return o->buf.len >= WRITE_CHUNK ? data_flush(o) : 0;
}

/* The partition keys of rows seen, sorted, one entry per key. */
static void seen_compact(struct table_writer *w)
{
	size_t n = 0;
	qsort(w->seen, w->nseen, sizeof *w->seen, compare_key_seen);
	for (size_t i = 0; i < w->nseen; i++) {
		if (n && w->seen[n - 1].key == w->seen[i].key)
			w->seen[n - 1].fresh |= w->seen[i].fresh;
		else
			w->seen[n++] = w->seen[i];
	}
	w->nseen = n;
	w->seen_compacted = n;
}

/* Writes rows, in the order sort_held gave (ids, keys: freed here), as a
 * run to the spill file; empties rows.  head (or NULL) holds the chunks
 * of the first columns already encoded. */
static int spill(struct table_writer *w, struct batch *rows, const uint8_t *existing, uint32_t *ids, int64_t *keys,
                 const struct run_head *head)
{
	int error = 0;
	size_t n = rows->nrows, nc = w->spec.ncols, bs = run_block_rows(w);
	bool *maybe_nulls = NULL;
	struct data_out o = {.buf = BUF_INIT, .written = w->spill_size, .path = "the spill file"};
	if (!n)
		goto done;
	if ((error = spill_open(w)) < 0)
		goto done;
	o.fd = w->spill_fd;
	for (size_t i = 0, j; keys && i < n; i = j) {
		bool fresh = false;
		for (j = i; j < n && keys[ids[j]] == keys[ids[i]]; j++)
			fresh |= !existing[ids[j]];
		grow_array(&w->seen, &w->seen_cap, w->nseen + 1, sizeof *w->seen);
		w->seen[w->nseen++] = (struct key_seen){keys[ids[i]], fresh};
	}
	/* one entry per key, not one per key and run */
	if (w->nseen > 2 * w->seen_compacted + 1024)
		seen_compact(w);
	uint64_t start = o.written;
	/* which columns hold a NULL: one look at each, not one per block */
	maybe_nulls = xmalloc(nc * sizeof *maybe_nulls);
	for (size_t c = 0; c < nc; c++)
		maybe_nulls[c] = memchr(rows->cols[c].nulls, 1, n) != NULL;
	for (size_t from = 0, b = 0; from < n; from += bs, b++)
		if ((error = run_add_block(w, rows, ids + from, n - from < bs ? n - from : bs, maybe_nulls, head, b, &o)) <
		    0)
			goto done;
	if ((error = data_flush(&o)) < 0)
		goto done;
	w->spill_size = o.written;
	grow_array(&w->runs, &w->runs_cap, w->nruns + 1, sizeof *w->runs);
	w->runs[w->nruns++] = (struct spill_run){start, o.written};
	batch_reset(rows);
done:
	free(maybe_nulls);
	buf_free(&o.buf);
	free(ids);
	free(keys);
	return error;
}

static int spill_job(void *arg)
{
	struct table_writer *w = arg;
	int error = spill(w, &w->spilling, w->spilling_existing, w->spilling_ids, w->spilling_keys, &w->head);
	w->spilling_ids = NULL;
	w->spilling_keys = NULL;
	return error;
}

/* Hands the rows held to the second thread to spill, once it is done with
 * the ones before, and takes its emptied batch for the next rows. */
static int spill_behind(struct table_writer *w)
{
	int error;
	if (!w->bg && (error = worker_start(&w->bg)) < 0)
		return error;
	/* sorted here, while the second thread spills the run before: it
	 * has more to do */
	uint32_t *ids;
	int64_t *keys;
	sort_held(w, &w->rows, &ids, &keys);
	encode_run_head(w, &w->rows, ids, w->spill_split, &w->ahead);
	bool busy = worker_busy(w->bg);
	if ((error = worker_wait(w->bg)) < 0) {
		free(ids);
		free(keys);
		return error;
	}
	if (busy && w->spill_split < w->spec.ncols)
		w->spill_split++;
	else if (!busy && w->spill_split > 0)
		w->spill_split--;
	w->spilling_ids = ids;
	w->spilling_keys = keys;
	struct run_head h = w->head;
	w->head = w->ahead;
	w->ahead = h;
	struct batch t = w->rows;
	w->rows = w->spilling;
	w->spilling = t;
	uint8_t *e = w->existing;
	size_t ecap = w->existing_cap;
	w->existing = w->spilling_existing;
	w->existing_cap = w->spilling_existing_cap;
	w->spilling_existing = e;
	w->spilling_existing_cap = ecap;
	w->held = 0;
	return worker_run(w->bg, spill_job, w);
}

/* The partition limits over every run's keys. */
static int check_seen_partitions(struct table_writer *w)
{
	size_t modified = 0;
	if (w->part_col < 0)
		return 0;
	seen_compact(w);
	for (size_t i = 0; i < w->nseen; i++)
		modified += w->seen[i].fresh;
	return partition_limits(w, w->nseen, modified);
}

/* One run's place in the merge: its current block and row. */
struct cursor {
	const struct spill_run *run;
	uint64_t next; /* where its next block starts */
	size_t pos;
	struct batch rows;
	int64_t *keys;
	struct buf data; /* the block as read */
};

static int read_at(int fd, char *p, size_t n, uint64_t offset)
{
	while (n) {
		ssize_t got = pread(fd, p, n, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return error_set("reading the writer's temporary file: %s", got < 0 ? strerror(errno) : "file is truncated");
		p += got;
		n -= (size_t)got;
		offset += (uint64_t)got;
	}
	return 0;
}

/* Reads the cursor's next block: its header, then its chunks in one read
 * (strings point into c->data). */
static int cursor_load(struct table_writer *w, struct cursor *c)
{
	int error;
	size_t nc = w->spec.ncols, hs = run_header_size(nc);
	uint64_t *length = w->merge_length, size = 0, at = hs;
	uint32_t rows;
	c->data.len = 0;
	buf_grow(&c->data, hs);
	if ((error = read_at(w->spill_fd, c->data.data, hs, c->next)) < 0)
		return error;
	memcpy(&rows, c->data.data, 4);
	memcpy(length, c->data.data + 8, 8 * nc);
	for (size_t k = 0; k < nc; k++)
		size += length[k] & ~RUN_HAS_NULLS;
	buf_grow(&c->data, hs + size);
	if ((error = read_at(w->spill_fd, c->data.data + hs, size, c->next + hs)) < 0)
		return error;
	c->next += hs + size;
	for (size_t k = 0; k < nc; k++) {
		uint64_t len = length[k] & ~RUN_HAS_NULLS;
		if ((error = column_decode(c->data.data + at, len, rows, (length[k] & RUN_HAS_NULLS) != 0,
		                           &c->rows.cols[k])) < 0)
			return error;
		at += len;
	}
	c->rows.nrows = rows;
	c->pos = 0;
	if (w->part_col >= 0) {
		c->keys = xrealloc(c->keys, rows * sizeof *c->keys);
		partition_keys(&w->spec.partition, &c->rows.cols[w->part_col], c->keys);
	}
	return 0;
}

/* The order of row i of run a and row j of run b; equal rows go by run
 * (the earlier run's rows came first), which keeps the merge stable. */
static bool row_before(const struct table_writer *w, const struct cursor *a, size_t i, const struct cursor *b,
                       size_t j)
{
	if (w->part_col >= 0 && a->keys[i] != b->keys[j])
		return a->keys[i] < b->keys[j];
	for (size_t k = 0; k < w->spec.ncluster; k++) {
		const struct vec *va = &a->rows.cols[w->cluster_col[k]], *vb = &b->rows.cols[w->cluster_col[k]];
		bool na = va->nulls[i], nb = vb->nulls[j];
		if (na || nb) {
			if (na != nb)
				return na;
			continue;
		}
		int64_t x, y;
		int r;
		if (int_key(va, (uint32_t)i, &x) && int_key(vb, (uint32_t)j, &y)) {
			r = (x > y) - (x < y);
		} else {
			struct value p = vec_get(va, i), q = vec_get(vb, j);
			r = value_order(&p, &q);
		}
		if (r)
			return r < 0;
	}
	return a->run < b->run;
}

static bool cursor_before(const struct table_writer *w, const struct cursor *a, const struct cursor *b)
{
	return row_before(w, a, a->pos, b, b->pos);
}

static void heap_down(const struct table_writer *w, struct cursor **heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && cursor_before(w, heap[l], heap[m]))
			m = l;
		if (l + 1 < n && cursor_before(w, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct cursor *t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/* Appends rows [from, from + m) of src to dst (same types). */
static void copy_rows(struct batch *dst, const struct batch *src, size_t from, size_t m)
{
	for (size_t c = 0; c < dst->ncols; c++) {
		struct vec *d = &dst->cols[c];
		const struct vec *v = &src->cols[c];
		if (type_is_string(v->type)) {
			append_strings(d, v, from, m);
			continue;
		}
		size_t width = type_width(v->type);
		vec_reserve(d, d->count + m);
		memcpy((char *)d->data + d->count * width, (const char *)v->data + from * width, m * width);
		memcpy(d->nulls + d->count, v->nulls + from, m);
		d->count += m;
	}
	dst->nrows += m;
}

/* The merge's output: its blocks are encoded and written on the writer's
 * second thread, which alone touches the partitions and the data file
 * until the merge waits for it. */
struct block_sink {
	struct table_writer *w;
	struct partition **parts;
	size_t *nparts, pcap;
	struct data_out *o;
	const uint32_t *ids; /* 0, 1, 2, ...: a block's rows in order */
	struct batch rows;   /* the block the job writes */
	bool start;          /* it begins a partition of this key */
	int64_t key;
	/* The merge's thread encodes the first columns of each block itself
	 * (head: the job's; ahead: the next block's), as many as keep both
	 * threads busy: split grows while the job is still running when the
	 * next block is ready, and shrinks when the job waits.  The bytes
	 * are the same whoever encodes them. */
	struct encoded head, ahead;
	size_t split;
};

static int block_job(void *arg)
{
	struct block_sink *s = arg;
	if (s->start) {
		grow_array(s->parts, &s->pcap, *s->nparts + 1, sizeof **s->parts);
		partition_start(s->w, &(*s->parts)[(*s->nparts)++], s->w->part_col >= 0, s->key);
	}
	return write_block(s->w, &(*s->parts)[*s->nparts - 1], &s->rows, s->ids, s->rows.nrows, &s->head, s->o);
}

/* Hands the rows of out to the second thread as the next block (the first
 * of a new partition of this key when start) and empties out. */
static int sink_block(void *arg, struct batch *out, bool start, int64_t key)
{
	struct block_sink *s = arg;
	int error;
	encode_ahead(out, s->ids, s->split, &s->ahead);
	bool busy = worker_busy(s->w->bg);
	if ((error = worker_wait(s->w->bg)) < 0)
		return error;
	struct batch t = s->rows;
	s->rows = *out;
	*out = t;
	batch_reset(out);
	struct encoded e = s->head;
	s->head = s->ahead;
	s->ahead = e;
	if (busy && s->split < s->w->spec.ncols)
		s->split++;
	else if (!busy && s->split > 0)
		s->split--;
	s->start = start;
	s->key = key;
	return worker_run(s->w->bg, block_job, s);
}

/* Where a merge's rows go, a block at a time: emit takes the rows of out
 * and empties it; start says they begin a partition of key. */
struct merge_dest {
	size_t block_rows;
	bool by_partition; /* a block never holds two partitions' rows */
	int (*emit)(void *arg, struct batch *out, bool start, int64_t key);
	void *arg;
};

/* Merges runs[0..nr) into d. */
static int merge_cursors(struct table_writer *w, struct spill_run *runs, size_t nr, const struct merge_dest *d)
{
	int error = 0;
	size_t nh = 0, bs = d->block_rows;
	struct cursor *cur = xcalloc(nr, sizeof *cur);
	struct cursor **heap = xcalloc(nr, sizeof *heap);
	enum type *types = xmalloc(w->spec.ncols * sizeof *types);
	struct batch out;
	bool started = false, start = false;
	int64_t key = 0;
	for (size_t c = 0; c < w->spec.ncols; c++)
		types[c] = w->spec.cols[c].type;
	batch_init(&out, w->spec.ncols, types);
	for (size_t r = 0; r < nr; r++) {
		cur[r].run = &runs[r];
		cur[r].next = runs[r].start;
		batch_init(&cur[r].rows, w->spec.ncols, types);
		if ((error = cursor_load(w, &cur[r])) < 0)
			goto done;
		heap[nh++] = &cur[r];
	}
	for (size_t i = nh / 2; i-- > 0;)
		heap_down(w, heap, nh, i);
	while (nh) {
		struct cursor *c = heap[0];
		bool cut = d->by_partition && w->part_col >= 0;
		int64_t k = cut ? c->keys[c->pos] : 0;
		if (!started || k != key) {
			if (out.nrows && (error = d->emit(d->arg, &out, start, key)) < 0)
				goto done;
			started = start = true;
			key = k;
		}
		/* The rows of c that come before every other run's next row go
		 * together (up to the end of c's block, the partition or the
		 * output block). */
		struct cursor *next = nh < 2 ? NULL : nh < 3 || cursor_before(w, heap[1], heap[2]) ? heap[1] : heap[2];
		size_t m = 1, most = c->rows.nrows - c->pos;
		if (most > bs - out.nrows)
			most = bs - out.nrows;
		while (m < most && (!cut || c->keys[c->pos + m] == k) &&
		       (!next || row_before(w, c, c->pos + m, next, next->pos)))
			m++;
		copy_rows(&out, &c->rows, c->pos, m);
		c->pos += m - 1;
		if (out.nrows == bs) {
			if ((error = d->emit(d->arg, &out, start, key)) < 0)
				goto done;
			start = false;
		}
		if (++c->pos == c->rows.nrows) {
			if (c->next == c->run->end) {
				heap[0] = heap[--nh];
			} else if ((error = cursor_load(w, c)) < 0) {
				goto done;
			}
		}
		heap_down(w, heap, nh, 0);
	}
	if (out.nrows)
		error = d->emit(d->arg, &out, start, key);
done:
	for (size_t r = 0; r < nr; r++) {
		batch_free(&cur[r].rows);
		buf_free(&cur[r].data);
		free(cur[r].keys);
	}
	batch_free(&out);
	free(cur);
	free(heap);
	free(types);
	return error;
}

/* Merges the spilled runs into partitions and blocks. */
static int merge_runs(struct table_writer *w, struct partition **parts, size_t *nparts, struct data_out *o)
{
	int error = 0;
	size_t bs = w->spec.block_rows;
	enum type *types = xmalloc(w->spec.ncols * sizeof *types);
	uint32_t *ids = xmalloc(bs * sizeof *ids);
	struct block_sink sink = {.w = w, .parts = parts, .nparts = nparts, .o = o, .ids = ids};
	struct merge_dest d = {.block_rows = bs, .by_partition = true, .emit = sink_block, .arg = &sink};
	for (size_t c = 0; c < w->spec.ncols; c++)
		types[c] = w->spec.cols[c].type;
	for (size_t i = 0; i < bs; i++)
		ids[i] = (uint32_t)i;
	batch_init(&sink.rows, w->spec.ncols, types);
	struct encoded *enc[2] = {&sink.head, &sink.ahead};
	for (size_t i = 0; i < 2; i++) {
		enc[i]->length = xcalloc(w->spec.ncols, sizeof *enc[i]->length);
		enc[i]->stats = xcalloc(w->spec.ncols, sizeof *enc[i]->stats);
	}
	if (!w->bg && (error = worker_start(&w->bg)) < 0)
		goto done;
	error = merge_cursors(w, w->runs, w->nruns, &d);
done:
	/* the last block's job, or the one running when a read failed */
	if (w->bg) {
		int last = worker_wait(w->bg);
		error = error < 0 ? error : last;
	}
	batch_free(&sink.rows);
	for (size_t i = 0; i < 2; i++) {
		buf_free(&enc[i]->bytes);
		free(enc[i]->length);
		free(enc[i]->stats);
	}
	free(types);
	free(ids);
	return error;
}

/* A merge into a new run, at the end of the spill file. */
struct run_dest {
	struct table_writer *w;
	const uint32_t *ids; /* 0, 1, 2, ... */
	struct data_out o;
};

static int run_block(void *arg, struct batch *out, bool start, int64_t key)
{
	struct run_dest *r = arg;
	(void)start, (void)key;
	int error = run_add_block(r->w, out, r->ids, out->nrows, NULL, NULL, 0, &r->o);
	batch_reset(out);
	return error;
}

/* The merge holds a block of every run at once; past this many runs,
 * groups of them are first merged into longer ones, so that its memory
 * stays the same whatever the number of rows. */
#define MERGE_FANIN 32

/* Merges consecutive runs (consecutive: equal rows keep their order)
 * until at most MERGE_FANIN are left, each row at most once per level:
 * a group starts after the run the last one made. */
static int reduce_runs(struct table_writer *w)
{
	int error = 0;
	size_t at = 0, bs = run_block_rows(w);
	uint32_t *ids = xmalloc(bs * sizeof *ids);
	for (size_t i = 0; i < bs; i++)
		ids[i] = (uint32_t)i;
	while (w->nruns > MERGE_FANIN) {
		size_t k = w->nruns - MERGE_FANIN + 1;
		if (k > MERGE_FANIN)
			k = MERGE_FANIN;
		if (at + k > w->nruns)
			at = 0;
		struct run_dest r = {.w = w, .ids = ids, .o = {.fd = w->spill_fd, .path = "the spill file",
		                                               .buf = BUF_INIT, .written = w->spill_size}};
		struct merge_dest d = {.block_rows = bs, .emit = run_block, .arg = &r};
		if ((error = merge_cursors(w, w->runs + at, k, &d)) < 0 || (error = data_flush(&r.o)) < 0) {
			buf_free(&r.o.buf);
			goto done;
		}
		buf_free(&r.o.buf);
		struct spill_run merged = {w->spill_size, r.o.written};
		w->spill_size = r.o.written;
		/* the merged runs' space goes back to the file system (where
		 * it can: the merge is right either way) */
		for (size_t i = at; i < at + k; i++) {
			const struct spill_run *run = &w->runs[i];
			(void)fallocate(w->spill_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)run->start,
			                (off_t)(run->end - run->start));
		}
		w->runs[at] = merged;
		memmove(w->runs + at + 1, w->runs + at + k, (w->nruns - at - k) * sizeof *w->runs);
		w->nruns -= k - 1;
		at++;
	}
done:
	free(ids);
	return error;
}

/* The rows held, sorted in memory, into partitions and blocks. */
static int write_held(struct table_writer *w, struct partition **parts, size_t *nparts, struct data_out *o)
{
	int error;
	size_t n = w->rows.nrows, pcap = 0, bs = w->spec.block_rows;
	uint32_t *ids = NULL;
	int64_t *keys = NULL;
	sort_held(w, &w->rows, &ids, &keys);
	if (keys && (error = check_partition_count(w, keys, ids, n)) < 0)
		goto done;
	/* Runs of equal keys are the partitions; an empty unpartitioned table
	 * still has its one partition. */
	for (size_t i = 0, j; i < n || (i == 0 && !keys); i = j) {
		j = key_run_end(keys, ids, i, n);
		grow_array(parts, &pcap, *nparts + 1, sizeof **parts);
		struct partition *part = &(*parts)[(*nparts)++];
		partition_start(w, part, keys != NULL, keys ? keys[ids[i]] : 0);
		for (size_t from = i; from < j; from += bs)
			if ((error = write_block(w, part, &w->rows, ids + from, j - from < bs ? j - from : bs, NULL, o)) < 0)
				goto done;
		if (n == 0)
			break;
	}
	error = 0;
done:
	free(ids);
	free(keys);
	return error;
}

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

static void manifest_text(const struct table_spec *s, uint64_t rows, const struct partition *parts,
                          size_t nparts, struct buf *b)
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
	buf_printf(b, "rows %llu\n", (unsigned long long)rows);
	for (size_t p = 0; p < nparts; p++) {
		const struct partition *part = &parts[p];
		buf_puts(b, "partition ");
		put_str(b, part->id);
		buf_printf(b, " rows %llu blocks %zu lo %lld hi %lld\n", (unsigned long long)part->rows,
		           part->nblocks, (long long)part->lo, (long long)part->hi);
	}
}

/* The blocks file: the partitions' starts, then the records. */
static int blocks_write(struct table_writer *w, const char *path, size_t nparts)
{
	int error = 0;
	struct data_out *r = &w->records;
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct data_out o = {.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), .path = tmp,
	                     .buf = BUF_INIT};
	uint64_t head = sizeof BLOCKS_MAGIC - 1 + 8 * nparts, at = 0;
	if (o.fd < 0) {
		error = error_set("creating %s: %s", tmp, strerror(errno));
		goto done;
	}
	buf_add(&o.buf, BLOCKS_MAGIC, sizeof BLOCKS_MAGIC - 1);
	for (size_t p = 0; p < nparts; p++)
		put_u64(&o.buf, head + w->part_starts[p]);
	/* the records already in the temporary file, then those in memory */
	while (r->fd >= 0 && at < r->written) {
		size_t n = r->written - at < WRITE_CHUNK ? r->written - at : WRITE_CHUNK, had = o.buf.len;
		buf_grow(&o.buf, n);
		if ((error = read_at(r->fd, o.buf.data + had, n, at)) < 0)
			goto done;
		o.buf.len = had + n;
		at += n;
		if ((error = data_flush(&o)) < 0)
			goto done;
	}
	buf_add(&o.buf, r->buf.data, r->buf.len);
	if ((error = data_flush(&o)) < 0)
		goto done;
	error = close(o.fd);
	o.fd = -1;
	if (error < 0 || rename(tmp, path) < 0)
		error = error_set("writing %s: %s", path, strerror(errno));
done:
	if (o.fd >= 0)
		close(o.fd);
	if (error < 0)
		unlink(tmp);
	buf_free(&o.buf);
	free(tmp);
	return error;
}

static void writer_free(struct table_writer *w)
{
	worker_stop(w->bg); /* first: a spill may be running */
	batch_free(&w->spilling);
	free(w->spilling_existing);
	free(w->spilling_ids);
	free(w->spilling_keys);
	run_head_free(&w->head);
	run_head_free(&w->ahead);
	if (w->spill_fd >= 0)
		close(w->spill_fd);
	free(w->runs);
	free(w->seen);
	if (w->records.fd >= 0)
		close(w->records.fd);
	buf_free(&w->records.buf);
	free(w->part_starts);
	free(w->block_stats);
	free(w->block_length);
	free(w->merge_length);
	batch_free(&w->rows);
	free(w->existing);
	table_spec_free(&w->spec);
	free(w->dir);
	free(w->final_dir);
	free(w);
}

int table_writer_finish(struct table_writer *w)
{
	int error = 0;
	size_t nparts = 0;
	uint64_t rows = 0;
	struct partition *parts = NULL;
	struct buf manifest = BUF_INIT;
	char *path = path_join(w->dir, DATA_FILE);
	struct data_out o = {.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666), .path = path, .buf = BUF_INIT};

	if (o.fd < 0) {
		error = error_set("creating %s: %s", path, strerror(errno));
		goto done;
	}
	if (w->bg && (error = worker_wait(w->bg)) < 0)
		goto done;
	if (w->nruns) {
		uint32_t *ids;
		int64_t *keys;
		sort_held(w, &w->rows, &ids, &keys);
		if ((error = spill(w, &w->rows, w->existing, ids, keys, NULL)) < 0)
			goto done;
		/* every row is in a run now: the room they took goes back
		 * before the merge takes its own */
		batch_free(&w->rows);
		batch_free(&w->spilling);
		if ((error = check_seen_partitions(w)) < 0 || (error = reduce_runs(w)) < 0 ||
		    (error = merge_runs(w, &parts, &nparts, &o)) < 0)
			goto done;
	} else if ((error = write_held(w, &parts, &nparts, &o)) < 0) {
		goto done;
	}
	if ((error = data_flush(&o)) < 0)
		goto done;
	error = close(o.fd);
	o.fd = -1;
	if (error < 0) {
		error = error_set("writing %s: %s", path, strerror(errno));
		goto done;
	}
	for (size_t p = 0; p < nparts; p++)
		rows += parts[p].rows;
	free(path);
	path = path_join(w->dir, BLOCKS_FILE);
	if ((error = blocks_write(w, path, nparts)) < 0)
		goto done;
	manifest_text(&w->spec, rows, parts, nparts, &manifest);
	free(path);
	path = path_join(w->dir, "manifest");
	if ((error = file_write_atomic(path, manifest.data, manifest.len)) < 0)
		goto done;
	if (w->spill_fd >= 0) {
		close(w->spill_fd);
		w->spill_fd = -1;
	}
	if (w->final_dir && (error = path_replace(w->dir, w->final_dir)) < 0)
		goto done;
done:
	if (o.fd >= 0)
		close(o.fd);
	if (error < 0 && w->final_dir)
		rm_rf(w->dir);
	free_partitions(parts, nparts);
	buf_free(&o.buf);
	buf_free(&manifest);
	free(path);
	writer_free(w);
	return error;
}

void table_writer_abort(struct table_writer *w)
{
	if (!w)
		return;
	if (w->final_dir)
		rm_rf(w->dir);
	writer_free(w);
}
