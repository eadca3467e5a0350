/* table_spill: the writer's spilled runs, and their k-way merge.
 *
 * When the rows a writer holds reach its memory budget, they are sorted
 * (table_sort.c) and written as a run to the spill file: an unlinked
 * temporary file in the table's directory.  A run is blocks one after the
 * other, each a header and its chunks in the table.data layout.  The
 * header says what reading the block needs, so that nothing here grows
 * with the rows written:
 *
 *   uint32 rows, uint32 0, per column: uint64 chunk length, with
 *   RUN_HAS_NULLS set when the chunk holds a NULL
 *
 * The merge reads a block of every run at a time (a cursor per run, in a
 * heap) and hands its rows on in order, a block at a time (struct
 * merge_dest): to the table's blocks (table_write.c), or to a longer run
 * when there are more than MERGE_FANIN. */
#include "table_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "column.h"
#include "worker.h"

#define RUN_HAS_NULLS (UINT64_C(1) << 63)

static size_t run_header_size(size_t ncols) { return 8 + 8 * ncols; }

/* ---- appending rows ---- */

/* Appends rows [from, from + n) of src to dst, of the same string type:
 * the bytes copied into dst's arena at once.  A row pointing at the same
 * bytes as the row before (a constant chunk read, a load id) shares its
 * copy, so that column_encode finds a constant column by its pointers. */
static inline bool same_bytes_as_before(const struct vec *v, size_t from, size_t i)
{
	return i > from && v->str[i].p == v->str[i - 1].p && v->str[i].len == v->str[i - 1].len && !v->nulls[i - 1];
}

void table_append_strings(struct vec *dst, const struct vec *src, size_t from, size_t n)
{
	size_t total = 0;
	/* Strings back to back, as a decoded chunk and an earlier append
	 * hold them, are one memcpy and a pointer shift each, not a memcpy
	 * each: most of a table's strings are a few bytes. */
	const char *start = NULL, *end = NULL;
	bool adjacent = true;
	for (size_t i = from; i < from + n; i++) {
		if (src->nulls[i] || same_bytes_as_before(src, from, i))
			continue;
		const struct str s = src->str[i];
		total += s.len;
		if (!s.len)
			continue;
		if (!start)
			start = s.p;
		else if (s.p != end)
			adjacent = false;
		end = s.p + s.len;
	}
	char *p = arena_alloc(&dst->arena, total + 1);
	vec_reserve(dst, dst->count + n);
	struct str *d = &dst->str[dst->count];
	if (adjacent) {
		if (total)
			memcpy(p, start, total);
		uintptr_t shift = (uintptr_t)p - (uintptr_t)start;
		for (size_t i = from; i < from + n; i++, d++) {
			const struct str s = src->str[i];
			d->p = s.len ? (const char *)((uintptr_t)s.p + shift) : p;
			d->len = s.len;
			if (src->nulls[i])
				*d = (struct str){NULL, 0};
		}
	} else {
		for (size_t i = from; i < from + n; i++, d++) {
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
	}
	memcpy(dst->nulls + dst->count, src->nulls + from, n);
	dst->count += n;
}

/* ---- spilling ---- */

void table_run_head_free(struct run_head *h)
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
	return o->buf.len >= WRITE_CHUNK ? table_data_flush(o) : 0;
}

static int compare_key_seen(const void *pa, const void *pb)
{
	const struct key_seen *a = pa, *b = pb;
	return (a->key > b->key) - (a->key < b->key);
}

/* The partition keys of rows seen, sorted, one entry per key. */
void table_seen_compact(struct table_writer *w)
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
int table_spill(struct table_writer *w, struct batch *rows, const uint8_t *existing, uint32_t *ids, int64_t *keys,
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
		table_seen_compact(w);
	uint64_t start = o.written;
	/* which columns hold a NULL: one look at each, not one per block */
	maybe_nulls = xmalloc(nc * sizeof *maybe_nulls);
	for (size_t c = 0; c < nc; c++)
		maybe_nulls[c] = memchr(rows->cols[c].nulls, 1, n) != NULL;
	for (size_t from = 0, b = 0; from < n; from += bs, b++)
		if ((error = run_add_block(w, rows, ids + from, n - from < bs ? n - from : bs, maybe_nulls, head, b, &o)) <
		    0)
			goto done;
	if ((error = table_data_flush(&o)) < 0)
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
	int error = table_spill(w, &w->spilling, w->spilling_existing, w->spilling_ids, w->spilling_keys, &w->head);
	w->spilling_ids = NULL;
	w->spilling_keys = NULL;
	return error;
}

/* Hands the rows held to the second thread to spill, once it is done with
 * the ones before, and takes its emptied batch for the next rows. */
int table_spill_behind(struct table_writer *w)
{
	int error;
	if (!w->bg && (error = worker_start(&w->bg)) < 0)
		return error;
	/* sorted here, while the second thread spills the run before: it
	 * has more to do */
	uint32_t *ids;
	int64_t *keys;
	table_sort_held(w, &w->rows, &ids, &keys);
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

/* ---- merging ---- */

/* One run's place in the merge: its current block and row. */
struct cursor {
	const struct spill_run *run;
	uint64_t next; /* where its next block starts */
	size_t pos;
	struct batch rows;
	int64_t *keys;
	struct buf data; /* the block as read */
};

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
	if ((error = table_read_at(w->spill_fd, c->data.data, hs, c->next)) < 0)
		return error;
	memcpy(&rows, c->data.data, 4);
	memcpy(length, c->data.data + 8, 8 * nc);
	for (size_t k = 0; k < nc; k++)
		size += length[k] & ~RUN_HAS_NULLS;
	buf_grow(&c->data, hs + size);
	if ((error = table_read_at(w->spill_fd, c->data.data + hs, size, c->next + hs)) < 0)
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
		table_partition_keys(&w->spec.partition, &c->rows.cols[w->part_col], c->keys);
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

void table_copy_rows(struct batch *dst, const struct batch *src, size_t from, size_t m)
{
	for (size_t c = 0; c < dst->ncols; c++) {
		struct vec *d = &dst->cols[c];
		const struct vec *v = &src->cols[c];
		if (type_is_string(v->type)) {
			table_append_strings(d, v, from, m);
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

/* Merges runs[0..nr) into d. */
int table_merge_cursors(struct table_writer *w, struct spill_run *runs, size_t nr, const struct merge_dest *d)
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
		table_copy_rows(&out, &c->rows, c->pos, m);
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
 * stays the same whatever the number of rows.  64 blocks of 512 rows are
 * a few megabytes, and a 2-million-row CTAS (43 runs) needs no second
 * level, which would write and read again most of its rows. */
#define MERGE_FANIN 64

/* Merges consecutive runs (consecutive: equal rows keep their order)
 * until at most MERGE_FANIN are left, each row at most once per level:
 * a group starts after the run the last one made. */
int table_reduce_runs(struct table_writer *w)
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
		if ((error = table_merge_cursors(w, w->runs + at, k, &d)) < 0 || (error = table_data_flush(&r.o)) < 0) {
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
