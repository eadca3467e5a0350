/* table_write: the table writer's API and its flow: rows appended and
 * held, the partition limits checked, partitions started and blocks
 * written (their chunks to table.data, their records for the blocks file),
 * then the manifest (formats: atop table_format.c).
 *
 * The writer holds rows up to a memory budget, then sorts them
 * (table_sort.c) and spills them as a run to an unlinked temporary file in
 * the table's directory (table_spill.c); finish merges the runs (or, when
 * nothing was spilled, sorts in memory), at most MERGE_FANIN at once: past
 * that, groups of runs are first merged into longer ones.  The blocks
 * file's records are written as the blocks are, to a second unlinked file
 * once they outgrow the budget, so that what the writer holds does not
 * grow with the rows written.
 * A table neither partitioned nor clustered needs no sort: its blocks are
 * written as its rows arrive, and nothing is held or spilled.
 * A large write uses a second thread (worker.h): it spills one run while
 * the next rows arrive, and encodes and writes the merged blocks while
 * the merge goes on; each side encodes some columns, as many as keep
 * both busy.  Which thread encodes a chunk changes nothing in its bytes.
 * Whichever encodes a chunk adds its values to the column's distinct
 * sketch (hll.c), each thread to sketches of its own, merged at the end:
 * the table's sketches file, its distinct estimates without a scan. */
#include "table_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "column.h"
#include "hll.h"
#include "worker.h"

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

/* ---- writing ---- */

/* An empty sketch per column that has one (hll_sketched) and whose
 * sketch was not given (given NULL: none was). */
static uint8_t **sketches_new(const struct table_spec *spec, const bool *given)
{
	uint8_t **v = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *v);
	for (size_t c = 0; c < spec->ncols; c++)
		if (hll_sketched(spec->cols[c].type) && !(given && given[c]))
			v[c] = xcalloc(HLL_M, 1);
	return v;
}

void table_writer_give_sketch(struct table_writer *w, size_t c, const uint8_t *reg)
{
	if (c >= w->spec.ncols || !w->sketch[c])
		return;
	memcpy(w->sketch[c], reg, HLL_M);
	w->sketch_given[c] = true;
}

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
	w->data = (struct data_out){.fd = -1, .buf = BUF_INIT};
	w->block_stats = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->block_stats);
	w->block_length = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->block_length);
	w->merge_length = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->merge_length);
	w->sketch = sketches_new(spec, NULL);
	w->sketch_given = xcalloc(spec->ncols ? spec->ncols : 1, sizeof *w->sketch_given);
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

static void vec_append(struct vec *dst, const struct vec *src)
{
	if (src->type == dst->type && type_is_string(dst->type)) {
		table_append_strings(dst, src, 0, src->count);
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

/* The first rows say how many a run will hold (the budget over their
 * bytes): both batches' vectors are sized for that many at once, not grown
 * by doubling, where each doubling copies into fresh pages, a fault each
 * (on a virtual machine, most of the first run's time). */
static void size_runs(struct table_writer *w, size_t rows, size_t bytes)
{
	w->sized = true;
	if (!rows || !bytes)
		return;
	size_t per_row = bytes / rows + 1, runs = w->budget / per_row, want = runs + runs / 8 + rows;
	for (size_t c = 0; c < w->spec.ncols; c++) {
		vec_reserve(&w->rows.cols[c], want);
		vec_reserve(&w->spilling.cols[c], want);
	}
	grow_array(&w->existing, &w->existing_cap, want, 1);
	grow_array(&w->spilling_existing, &w->spilling_existing_cap, want, 1);
}

static int prefault_job(void *arg)
{
	struct table_writer *w = arg;
	for (size_t i = 0; i < w->nprefault; i++)
		mem_populate(w->prefault[i].p, w->prefault[i].n);
	return 0;
}

/* A quarter of the budget held, before the first spill: the rows are
 * many, and the pages the rest of this run and all of the next will fill
 * are made on the second thread, idle until that spill, rather than by a
 * fault at each first write on this one.  Populating changes no byte: the
 * appends may overtake it. */
static int prefault_runs(struct table_writer *w)
{
	int error;
	w->prefault = xmalloc((4 * w->spec.ncols + 1) * sizeof *w->prefault);
	for (size_t c = 0; c < w->spec.ncols; c++) {
		const struct vec *r = &w->rows.cols[c], *s = &w->spilling.cols[c];
		size_t width = type_width(r->type);
		w->prefault[w->nprefault++] = (struct mem_range){(char *)r->data + r->count * width, (r->cap - r->count) * width};
		w->prefault[w->nprefault++] = (struct mem_range){r->nulls + r->count, r->cap - r->count};
		w->prefault[w->nprefault++] = (struct mem_range){s->data, s->cap * width};
		w->prefault[w->nprefault++] = (struct mem_range){s->nulls, s->cap};
	}
	w->prefault[w->nprefault++] = (struct mem_range){w->spilling_existing, w->spilling_existing_cap};
	if ((error = worker_start(&w->bg)) < 0)
		return error;
	return worker_run(w->bg, prefault_job, w);
}

static bool in_order(const struct table_writer *w);

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
	/* a table written in order holds a block, never a run; bg starts
	 * with the first spill, or here */
	if (!in_order(w)) {
		int error;
		if (!w->sized)
			size_runs(w, b->nrows, w->held);
		if (!w->bg && w->held >= w->budget / 4 && (error = prefault_runs(w)) < 0)
			return error;
	}
	grow_array(&w->existing, &w->existing_cap, w->rows.nrows + b->nrows, 1);
	memset(w->existing + w->rows.nrows, existing, b->nrows);
	w->rows.nrows += b->nrows;
	return 0;
}

/* A table neither partitioned nor clustered keeps its rows in the order
 * they were appended: its blocks are written as the rows arrive, with no
 * run to sort, spill and merge (the bytes are the same). */
static bool in_order(const struct table_writer *w)
{
	return w->part_col < 0 && !w->spec.ncluster;
}

static int append_in_order(struct table_writer *w, const struct batch *b, bool existing);

int table_writer_append(struct table_writer *w, const struct batch *b)
{
	if (in_order(w))
		return append_in_order(w, b, false);
	int error = append_rows(w, b, false);
	return error < 0 || w->held < w->budget ? error : table_spill_behind(w);
}

int table_writer_append_existing(struct table_writer *w, const struct batch *b)
{
	if (in_order(w))
		return append_in_order(w, b, true);
	int error = append_rows(w, b, true);
	return error < 0 || w->held < w->budget ? error : table_spill_behind(w);
}

void table_writer_set_memory(struct table_writer *w, size_t bytes) { w->budget = bytes ? bytes : 1; }

void table_writer_hash_files(struct table_writer *w, const struct file_hasher *h) { w->hasher = h; }

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

/* The partition limits over every run's keys. */
static int check_seen_partitions(struct table_writer *w)
{
	size_t modified = 0;
	if (w->part_col < 0)
		return 0;
	table_seen_compact(w);
	for (size_t i = 0; i < w->nseen; i++)
		modified += w->seen[i].fresh;
	return partition_limits(w, w->nseen, modified);
}

/* The writer's partitions (their blocks are in the records). */
static void free_partitions(struct partition *parts, size_t n)
{
	for (size_t p = 0; p < n; p++) {
		free(parts[p].id);
	}
	free(parts);
}

/* The chunks of a block's first ncols columns, encoded ahead (by the
 * merge's own thread, so that both threads encode). */
struct encoded {
	size_t ncols;
	struct buf bytes;        /* the chunks, one after the other */
	uint64_t *length;        /* per column */
	struct col_stats *stats; /* per column; bounds point into the rows */
};

static void encode_ahead(const struct batch *src, const uint32_t *ids, size_t ncols, struct encoded *e,
                         uint8_t **sketch)
{
	e->ncols = ncols;
	e->bytes.len = 0;
	for (size_t c = 0; c < ncols; c++) {
		size_t before = e->bytes.len;
		column_encode(&src->cols[c], ids, src->nrows, true, &e->bytes, &e->stats[c]);
		e->length[c] = e->bytes.len - before;
		if (sketch[c])
			hll_add_rows(sketch[c], &src->cols[c], ids, src->nrows);
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
		if (w->sketch[c] && !w->sketch_given[c])
			hll_add_rows(w->sketch[c], &src->cols[c], ids, n);
	}
	/* recorded now, while the bounds still point into src */
	table_put_block_record(&r->buf, (uint32_t)n, offset, ncols, w->block_length, w->block_stats);
	if (r->buf.len >= (w->budget < WRITE_CHUNK ? w->budget : WRITE_CHUNK) &&
	    ((r->fd < 0 && (error = records_open(w)) < 0) || (error = table_data_flush(r)) < 0))
		return error;
	return o->buf.len >= WRITE_CHUNK ? table_data_flush(o) : 0;
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

/* ---- writing in order ---- */

/* Opens table.data and starts the one partition, at the first block. */
static int stream_start(struct table_writer *w)
{
	free(w->data_path);
	w->data_path = path_join(w->dir, DATA_FILE);
	w->data = (struct data_out){.fd = open(w->data_path, O_WRONLY | O_CREAT | O_TRUNC, 0666),
	                            .path = w->data_path, .buf = BUF_INIT};
	if (w->data.fd < 0)
		return error_set("creating %s: %s", w->data_path, strerror(errno));
	table_data_hash_start(&w->data, w->hasher);
	w->parts = xcalloc(1, sizeof *w->parts);
	w->nparts = 1;
	partition_start(w, &w->parts[0], false, 0);
	w->ids = xmalloc(w->spec.block_rows * sizeof *w->ids);
	return 0;
}

/* Writes the whole blocks of rows [*from, src->nrows) of src. */
static int stream_blocks(struct table_writer *w, const struct batch *src, size_t *from)
{
	size_t bs = w->spec.block_rows;
	int error;
	if (src->nrows - *from < bs)
		return 0;
	if (w->data.fd < 0 && (error = stream_start(w)) < 0)
		return error;
	for (; src->nrows - *from >= bs; *from += bs) {
		for (size_t i = 0; i < bs; i++)
			w->ids[i] = (uint32_t)(*from + i);
		if ((error = write_block(w, &w->parts[0], src, w->ids, bs, NULL, &w->data)) < 0)
			return error;
	}
	return 0;
}

/* Whole blocks straight from a batch of the table's very types (a load's
 * batch is a block), the rest held until it makes a block. */
static int append_in_order(struct table_writer *w, const struct batch *b, bool existing)
{
	size_t from = 0;
	int error;
	bool same = !w->rows.nrows && b->nrows % w->spec.block_rows == 0;
	for (size_t c = 0; c < b->ncols && same && c < w->spec.ncols; c++)
		same = b->cols[c].type == w->spec.cols[c].type && b->cols[c].count >= b->nrows;
	if (same && b->ncols == w->spec.ncols && b->nrows <= UINT32_MAX)
		return stream_blocks(w, b, &from);
	if ((error = append_rows(w, b, existing)) < 0 || (error = stream_blocks(w, &w->rows, &from)) < 0 || !from)
		return error;
	/* the rows short of a block move to the front */
	batch_reset(&w->spilling);
	if (w->rows.nrows > from)
		table_copy_rows(&w->spilling, &w->rows, from, w->rows.nrows - from);
	struct batch t = w->rows;
	w->rows = w->spilling;
	w->spilling = t;
	batch_reset(&w->spilling);
	w->held = 0;
	return 0;
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
	uint8_t **sketch; /* of the columns this thread encodes */
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
	encode_ahead(out, s->ids, s->split, &s->ahead, s->sketch);
	bool busy = worker_busy(s->w->bg);
	/* time this thread would spend waiting: the written bytes hashed */
	while (s->o->lane && worker_busy(s->w->bg) && hash_lane_step(s->o->lane))
		;
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
	sink.sketch = sketches_new(&w->spec, w->sketch_given);
	struct encoded *enc[2] = {&sink.head, &sink.ahead};
	for (size_t i = 0; i < 2; i++) {
		enc[i]->length = xcalloc(w->spec.ncols, sizeof *enc[i]->length);
		enc[i]->stats = xcalloc(w->spec.ncols, sizeof *enc[i]->stats);
	}
	if (!w->bg && (error = worker_start(&w->bg)) < 0)
		goto done;
	if (o->hash)
		hash_lane_new(o);
	error = table_merge_cursors(w, w->runs, w->nruns, &d);
done:
	/* the last block's job, or the one running when a read failed */
	if (w->bg) {
		int last = worker_wait(w->bg);
		error = error < 0 ? error : last;
	}
	hash_lane_end(o->lane, o);
	batch_free(&sink.rows);
	for (size_t c = 0; c < w->spec.ncols; c++)
		if (sink.sketch[c])
			hll_merge(w->sketch[c], sink.sketch[c]);
	hll_sketches_free(sink.sketch, w->spec.ncols);
	for (size_t i = 0; i < 2; i++) {
		buf_free(&enc[i]->bytes);
		free(enc[i]->length);
		free(enc[i]->stats);
	}
	free(types);
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
	table_sort_held(w, &w->rows, &ids, &keys);
	if (keys && (error = check_partition_count(w, keys, ids, n)) < 0)
		goto done;
	/* Runs of equal keys are the partitions; an empty unpartitioned table
	 * still has its one partition. */
	for (size_t i = 0, j; i < n || (i == 0 && !keys); i = j) {
		j = table_key_run_end(keys, ids, i, n);
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

static void writer_free(struct table_writer *w)
{
	worker_stop(w->bg); /* first: a spill may be running */
	free(w->prefault);
	batch_free(&w->spilling);
	free(w->spilling_existing);
	free(w->spilling_ids);
	free(w->spilling_keys);
	table_run_head_free(&w->head);
	table_run_head_free(&w->ahead);
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
	hll_sketches_free(w->sketch, w->spec.ncols);
	free(w->sketch_given);
	if (w->data.fd >= 0)
		close(w->data.fd);
	table_data_hash_done(&w->data, NULL);
	buf_free(&w->data.buf);
	free_partitions(w->parts, w->nparts);
	free(w->ids);
	free(w->data_path);
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
	struct data_out o = {.fd = w->nparts ? -1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666), .path = path,
	                     .buf = BUF_INIT};

	if (o.fd < 0 && !w->nparts) {
		error = error_set("creating %s: %s", path, strerror(errno));
		goto done;
	}
	if (!w->nparts)
		table_data_hash_start(&o, w->hasher);
	if (w->bg && (error = worker_wait(w->bg)) < 0)
		goto done;
	if (w->nparts) {
		/* written in order: the last rows, short of a block */
		o.fd = w->data.fd;
		o.buf = w->data.buf;
		o.written = w->data.written;
		o.hasher = w->data.hasher;
		o.hash = w->data.hash;
		w->data = (struct data_out){.fd = -1, .buf = BUF_INIT};
		parts = w->parts;
		nparts = w->nparts;
		w->parts = NULL;
		w->nparts = 0;
		if (w->rows.nrows) {
			for (size_t i = 0; i < w->rows.nrows; i++)
				w->ids[i] = (uint32_t)i;
			if ((error = write_block(w, &parts[0], &w->rows, w->ids, w->rows.nrows, NULL, &o)) < 0)
				goto done;
		}
	} else if (w->nruns) {
		uint32_t *ids;
		int64_t *keys;
		table_sort_held(w, &w->rows, &ids, &keys);
		if ((error = table_spill(w, &w->rows, w->existing, ids, keys, NULL)) < 0)
			goto done;
		/* every row is in a run now: the room they took goes back
		 * before the merge takes its own */
		batch_free(&w->rows);
		batch_free(&w->spilling);
		if ((error = check_seen_partitions(w)) < 0 || (error = table_reduce_runs(w)) < 0 ||
		    (error = merge_runs(w, &parts, &nparts, &o)) < 0)
			goto done;
	} else if ((error = write_held(w, &parts, &nparts, &o)) < 0) {
		goto done;
	}
	if ((error = table_data_flush(&o)) < 0)
		goto done;
	error = close(o.fd);
	o.fd = -1;
	if (error < 0) {
		error = error_set("writing %s: %s", path, strerror(errno));
		goto done;
	}
	table_data_hash_done(&o, path);
	for (size_t p = 0; p < nparts; p++)
		rows += parts[p].rows;
	free(path);
	path = path_join(w->dir, BLOCKS_FILE);
	if ((error = table_blocks_write(&w->records, w->part_starts, &w->spec, parts, nparts, path, w->hasher)) < 0)
		goto done;
	if ((error = hll_file_write(w->dir, w->sketch, w->spec.ncols, w->hasher)) < 0)
		goto done;
	table_manifest_text(&w->spec, rows, parts, nparts, &manifest);
	free(path);
	path = path_join(w->dir, "manifest");
	if ((error = file_write_atomic_hashed(path, manifest.data, manifest.len, w->hasher)) < 0)
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
	table_data_hash_done(&o, NULL);
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
