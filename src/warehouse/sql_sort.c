/* sql_sort: the sort operator (ORDER BY): holds its input, sorts a
 * permutation of the rows, and emits them in order; with a LIMIT it keeps
 * only the rows that can still be among the first; past the memory budget
 * it sorts what it holds into runs on disk and merges them (below). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct sort_ctx {
	const struct node *n;
	const struct vec *cols;
};

/* Row a of the columns ca against row b of cb, by the sort's keys. */
static int rows_cmp(const struct node *n, const struct vec *ca, uint32_t a, const struct vec *cb, uint32_t b)
{
	for (size_t k = 0; k < n->nsort; k++) {
		const struct sort_key *key = &n->sort[k];
		const struct vec *va = &ca[key->col], *vb = &cb[key->col];
		bool na = va->nulls[a], nb = vb->nulls[b];
		if (na || nb) {
			if (na && nb)
				continue;
			return (na ? -1 : 1) * (key->nulls_first ? 1 : -1);
		}
		int r;
		switch (va->type) {
		case TYPE_INT64: case TYPE_DATETIME: case TYPE_TIMESTAMP:
			r = va->i64[a] < vb->i64[b] ? -1 : va->i64[a] > vb->i64[b];
			break;
		case TYPE_DATE: r = va->days[a] < vb->days[b] ? -1 : va->days[a] > vb->days[b]; break;
		case TYPE_FLOAT64: {
			double x = va->f64[a], y = vb->f64[b];
			if (isnan(x) || isnan(y)) /* NaN sorts first, as BigQuery */
				r = isnan(x) && isnan(y) ? 0 : isnan(x) ? -1 : 1;
			else
				r = x < y ? -1 : x > y;
			break;
		}
		case TYPE_STRING: case TYPE_BYTES: case TYPE_JSON: r = str_compare(va->str[a], vb->str[b]); break;
		default: {
			struct value x = vec_get(va, a), y = vec_get(vb, b);
			r = value_order(&x, &y);
		}
		}
		if (r)
			return key->desc ? -r : r;
	}
	return 0;
}

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int r = rows_cmp(c->n, c->cols, a, c->cols, b);
	return r ? r : a < b ? -1 : a > b; /* stable */
}

/* ORDER BY ... LIMIT k: keeps only the first k rows held so far, so that a
 * top-k over a big table holds k rows, not the table. */
static void sort_compact(struct node *n, struct mat_state *m)
{
	uint32_t *perm = xmalloc((m->nrows + 1) * sizeof *perm);
	for (size_t i = 0; i < m->nrows; i++)
		perm[i] = (uint32_t)i;
	struct sort_ctx ctx = {n, m->cols};
	qsort_r(perm, m->nrows, sizeof *perm, sort_cmp, &ctx);
	size_t k = (size_t)n->keep < m->nrows ? (size_t)n->keep : m->nrows;
	/* keep the kept rows in their arrival order: the sort is stable */
	qsort(perm, k, sizeof *perm, cmp_u32);
	for (size_t c = 0; c < n->ncols; c++) {
		struct vec v;
		vec_init(&v, n->types[c]);
		vec_append_rows(&v, &m->cols[c], perm, k, true);
		vec_free(&m->cols[c]);
		m->cols[c] = v;
	}
	m->nrows = k;
	free(perm);
}

/* --- spilling: sorted runs on disk, merged ---
 *
 * When the rows held would pass the memory budget, they are sorted and
 * written as a run to a temporary file (unlinked: nothing is left behind),
 * in blocks of at most BATCH_ROWS rows, and their memory is given back:
 *
 *   block:  u64 rows, then per column: u8 1 and rows NULL flags (a byte
 *           each), then its values: fixed-width ones as in memory (rows *
 *           width bytes), strings as rows u32 lengths, then their bytes;
 *           or u8 0 for a column not held (it reads back as NULLs)
 *
 * At the end the runs are merged holding one block of each in memory; on
 * equal keys the earlier run goes first, so the sort stays stable.  The
 * window operator (sql_window.c) spills its runs the same way. */

struct sort_spill {
	struct spill_file file;
	struct spill_run *runs;
	size_t nruns;
};

static int spill_write(struct spill_file *sp, const void *p, size_t len)
{
	if (len && fwrite(p, 1, len, sp->f) != len)
		return error_set("%s: writing its spill file: %s", sp->op, strerror(errno));
	sp->size += len;
	return 0;
}

static int spill_read(struct spill_file *sp, void *p, size_t len)
{
	if (len && fread(p, 1, len, sp->f) != len)
		return error_set("%s: reading its spill file: %s", sp->op, ferror(sp->f) ? strerror(errno) : "cut short");
	return 0;
}

/* One block: rows sel[0..k) of each column (NULL: not held). */
static int spill_block(struct spill_file *sp, struct vec *const *cols, size_t ncols, const uint32_t *sel, uint64_t k)
{
	int error = spill_write(sp, &k, sizeof k);
	for (size_t c = 0; c < ncols && error >= 0; c++) {
		uint8_t held = cols[c] != NULL;
		if ((error = spill_write(sp, &held, 1)) < 0 || !held)
			continue;
		struct vec v;
		vec_init(&v, cols[c]->type);
		vec_append_rows(&v, cols[c], sel, k, false);
		error = spill_write(sp, v.nulls, k);
		if (error >= 0 && type_is_string(v.type)) {
			uint32_t *len = xmalloc((k + 1) * sizeof *len);
			for (size_t i = 0; i < k; i++)
				len[i] = v.nulls[i] ? 0 : (uint32_t)v.str[i].len;
			error = spill_write(sp, len, k * sizeof *len);
			for (size_t i = 0; i < k && error >= 0; i++)
				error = spill_write(sp, v.str[i].p, len[i]);
			free(len);
		} else if (error >= 0) {
			error = spill_write(sp, v.data, k * type_width(v.type));
		}
		vec_free(&v);
	}
	return error;
}

int spill_run_write(struct spill_file *sp, struct spill_run *r, struct vec *const *cols, size_t ncols,
		    const uint32_t *perm, size_t n)
{
	int error = 0;
	if (!sp->f && !(sp->f = tmpfile()))
		return error_set("%s: cannot create a file to spill to: %s", sp->op, strerror(errno));
	memset(r, 0, sizeof *r);
	r->ncols = ncols;
	for (size_t from = 0; from < n && error >= 0; from += BATCH_ROWS) {
		uint64_t k = n - from < BATCH_ROWS ? n - from : BATCH_ROWS;
		r->blocks = xrealloc(r->blocks, (r->nblocks + 1) * sizeof *r->blocks);
		r->blocks[r->nblocks++] = sp->size;
		error = spill_block(sp, cols, ncols, perm + from, k);
	}
	return error;
}

int spill_run_load(struct spill_file *sp, struct spill_run *r, const enum type *types)
{
	uint64_t k;
	int error;
	if (!r->cols) {
		if (sp->f && fflush(sp->f) != 0)
			return error_set("%s: writing its spill file: %s", sp->op, strerror(errno));
		r->cols = xcalloc(r->ncols + 1, sizeof *r->cols);
		for (size_t c = 0; c < r->ncols; c++)
			vec_init(&r->cols[c], types[c]);
	}
	if (r->next >= r->nblocks) {
		r->done = true;
		return 0;
	}
	if (fseeko(sp->f, (off_t)r->blocks[r->next++], SEEK_SET) < 0)
		return error_set("%s: reading its spill file: %s", sp->op, strerror(errno));
	if ((error = spill_read(sp, &k, sizeof k)) < 0)
		return error;
	for (size_t c = 0; c < r->ncols; c++) {
		struct vec *v = &r->cols[c];
		uint8_t held;
		if ((error = spill_read(sp, &held, 1)) < 0)
			return error;
		vec_reset(v);
		vec_reserve(v, k + 1);
		v->count = k;
		if (!held) {
			memset(v->nulls, 1, k);
			memset(v->data, 0, k * type_width(v->type));
			continue;
		}
		if ((error = spill_read(sp, v->nulls, k)) < 0)
			return error;
		if (type_is_string(v->type)) {
			uint32_t *len = xmalloc((k + 1) * sizeof *len);
			uint64_t total = 0;
			if ((error = spill_read(sp, len, k * sizeof *len)) < 0) {
				free(len);
				return error;
			}
			for (size_t i = 0; i < k; i++)
				total += len[i];
			char *p = arena_alloc(&v->arena, total + 1);
			error = spill_read(sp, p, total);
			for (size_t i = 0; i < k; i++) {
				v->str[i] = (struct str){p, len[i]};
				p += len[i];
			}
			free(len);
			if (error < 0)
				return error;
		} else if ((error = spill_read(sp, v->data, k * type_width(v->type))) < 0) {
			return error;
		}
	}
	r->rows = k;
	r->i = 0;
	return 0;
}

void spill_file_close(struct spill_file *sp)
{
	if (sp->f)
		fclose(sp->f);
	sp->f = NULL;
}

void spill_run_free(struct spill_run *r)
{
	free(r->blocks);
	vecs_free(r->cols, r->ncols);
}

/* Sorts the rows held, writes them as a run, and lets them go. */
static int spill_run(struct node *n, struct mat_state *m, struct sort_spill *sp)
{
	uint32_t *perm = xmalloc((m->nrows + 1) * sizeof *perm);
	for (size_t i = 0; i < m->nrows; i++)
		perm[i] = (uint32_t)i;
	struct sort_ctx ctx = {n, m->cols};
	qsort_r(perm, m->nrows, sizeof *perm, sort_cmp, &ctx);
	struct vec **cols = xmalloc((n->ncols + 1) * sizeof *cols);
	for (size_t c = 0; c < n->ncols; c++)
		cols[c] = &m->cols[c];
	sp->runs = xrealloc(sp->runs, (sp->nruns + 1) * sizeof *sp->runs);
	int error = spill_run_write(&sp->file, &sp->runs[sp->nruns++], cols, n->ncols, perm, m->nrows);
	free(cols);
	free(perm);
	for (size_t c = 0; c < n->ncols; c++) {
		vec_free(&m->cols[c]);
		vec_init(&m->cols[c], n->types[c]);
	}
	m->nrows = 0;
	return error;
}

/* The runs spilled, and the rows still held as the last: ready to merge. */
static int spill_finish(struct node *n, struct mat_state *m, struct sort_spill *sp)
{
	int error;
	if (m->nrows && (error = spill_run(n, m, sp)) < 0)
		return error;
	for (size_t r = 0; r < sp->nruns; r++)
		if ((error = spill_run_load(&sp->file, &sp->runs[r], n->types)) < 0)
			return error;
	return 0;
}

/* The next batch of the merge: each time the smallest next row of a run. */
static int spill_next(struct node *n, struct mat_state *m, struct rb **out)
{
	struct sort_spill *sp = m->spill;
	size_t k = 0;
	int error;
	for (size_t c = 0; c < n->ncols; c++)
		vec_reset(&m->out[c]);
	while (k < BATCH_ROWS) {
		struct spill_run *best = NULL;
		for (size_t r = 0; r < sp->nruns; r++) {
			struct spill_run *run = &sp->runs[r];
			if (!run->done && (!best || rows_cmp(n, run->cols, (uint32_t)run->i, best->cols, (uint32_t)best->i) < 0))
				best = run;
		}
		if (!best)
			break;
		uint32_t one = (uint32_t)best->i;
		for (size_t c = 0; c < n->ncols; c++)
			vec_append_rows(&m->out[c], &best->cols[c], &one, 1, true);
		k++;
		if (++best->i >= best->rows && (error = spill_run_load(&sp->file, best, n->types)) < 0)
			return error;
	}
	if (!k)
		return 0;
	for (size_t c = 0; c < n->ncols; c++)
		m->rb.cols[c] = &m->out[c];
	m->rb.n = k;
	*out = &m->rb;
	return 1;
}

int sort_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct mat_state *m = n->state;
	if (!m) {
		m = n->state = xcalloc(1, sizeof *m);
		m->cols = xcalloc(n->ncols + 1, sizeof *m->cols);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&m->cols[c], n->types[c]);
		uint64_t held = 0;
		for (;;) {
			struct rb *in;
			int rc = exec_next(n->child, st, &in);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			/* the rows, and the permutation that sorts them; past the
			 * budget, the rows held go to disk first */
			uint64_t bytes = rb_bytes(in) + 4 * in->n;
			if ((rc = exec_reserve(st, "ORDER BY (the rows it sorts)", bytes)) < 0) {
				if (!m->nrows)
					return rc; /* one batch is more than the budget */
				error_clear();
				if (!m->spill) {
					m->spill = xcalloc(1, sizeof *m->spill);
					m->spill->file.op = "ORDER BY";
				}
				if ((rc = spill_run(n, m, m->spill)) < 0)
					return rc;
				exec_release(st, held);
				held = 0;
				if ((rc = exec_reserve(st, "ORDER BY (the rows it sorts)", bytes)) < 0)
					return rc;
			}
			held += bytes;
			for (size_t c = 0; c < n->ncols; c++) {
				if (in->cols[c]) {
					vec_append_rows(&m->cols[c], in->cols[c], NULL, in->n, true);
					continue;
				}
				for (size_t i = 0; i < in->n; i++) /* a column nothing above reads */
					vec_push_null(&m->cols[c]);
			}
			m->nrows += in->n;
			if (n->keep > 0 && m->nrows >= 2 * (size_t)n->keep + 4 * BATCH_ROWS) {
				/* the rows dropped are given back, in proportion */
				size_t before = m->nrows;
				sort_compact(n, m);
				uint64_t kept = held / before * m->nrows;
				exec_release(st, held - kept);
				held = kept;
			}
		}
		m->out = xcalloc(n->ncols + 1, sizeof *m->out);
		for (size_t c = 0; c < n->ncols; c++)
			vec_init(&m->out[c], n->types[c]);
		rb_alloc(&m->rb, n->ncols);
		if (m->spill) {
			int error = spill_finish(n, m, m->spill);
			exec_release(st, held);
			if (error < 0)
				return error;
		} else {
			m->perm = xmalloc((m->nrows + 1) * sizeof *m->perm);
			for (size_t i = 0; i < m->nrows; i++)
				m->perm[i] = (uint32_t)i;
			struct sort_ctx ctx = {n, m->cols};
			qsort_r(m->perm, m->nrows, sizeof *m->perm, sort_cmp, &ctx);
		}
	}
	if (m->spill)
		return spill_next(n, m, out);
	if (m->next >= m->nrows)
		return 0;
	size_t k = m->nrows - m->next < BATCH_ROWS ? m->nrows - m->next : BATCH_ROWS;
	for (size_t c = 0; c < n->ncols; c++) {
		vec_reset(&m->out[c]);
		vec_append_rows(&m->out[c], &m->cols[c], m->perm + m->next, k, false);
		m->rb.cols[c] = &m->out[c];
	}
	m->rb.n = k;
	m->next += k;
	*out = &m->rb;
	return 1;
}

void sort_free_state(struct node *n)
{
	struct mat_state *m = n->state;
	vecs_free(m->cols, n->ncols);
	vecs_free(m->out, n->ncols);
	free(m->perm);
	free(m->rb.cols);
	struct sort_spill *sp = m->spill;
	if (!sp)
		return;
	for (size_t r = 0; r < sp->nruns; r++)
		spill_run_free(&sp->runs[r]);
	free(sp->runs);
	spill_file_close(&sp->file);
	free(sp);
}
