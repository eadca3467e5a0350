/* sql_scan: the scan operator: streams a table block by block, skipping
 * the partitions and blocks the WHERE clause rules out, and answering from
 * a block's statistics where they hold the whole answer. */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"
#include "table.h"

static void scan_state_free(struct node *n, struct scan_state *s);

/* When each lean column of a block holds one value (min = max, no NULLs),
 * fills the batch from the statistics instead of reading the block. */
static bool scan_constants(struct scan_state *s, const struct block *blk)
{
	for (size_t k = 0; k < s->nlean; k++) {
		const struct col_stats *cs = block_stats(blk, s->lean[k]);
		if (cs->nulls || cs->min.is_null || !value_same(&cs->min, &cs->max))
			return false;
	}
	if (!s->synth_init) {
		enum type types[256];
		size_t nl = s->nlean < 256 ? s->nlean : 256;
		for (size_t k = 0; k < nl; k++)
			types[k] = block_stats(blk, s->lean[k])->min.type;
		if (s->nlean > 256)
			return false;
		batch_init(&s->synth, nl, types);
		s->synth_init = true;
	}
	for (size_t k = 0; k < s->nlean; k++) {
		struct vec *v = &s->synth.cols[k];
		const struct value *x = &block_stats(blk, s->lean[k])->min;
		vec_reset(v);
		vec_reserve(v, blk->rows);
		vec_fill(v, x, blk->rows);
		v->count = blk->rows;
		s->rb.cols[s->lean[k]] = v;
	}
	return true;
}

/* --- the WHERE checked in the scan ---
 *
 * When the filter above is exactly the scan's prunes (filter_only is set)
 * and each is an integer compare (INT64, TIMESTAMP, DATETIME or DATE
 * against values of the column's own type), the scan reads the prune
 * columns of a block first and checks them a column at a time into a
 * byte per row: a block where no row passes is done without reading its
 * other columns, and otherwise only the rows that pass go on, marked as
 * all matching, so that the filter passes them through.  The compares of
 * one value on a column (a BETWEEN's two, an equality) are one range
 * [lo, hi], checked in one pass; an IN list is checked value by value. */

static bool prune_fits(const struct prune *pr, enum type ct)
{
	bool ints = ct == TYPE_INT64 || ct == TYPE_TIMESTAMP || ct == TYPE_DATETIME || ct == TYPE_DATE;
	if (!ints || pr->op == CMP_NE || !pr->nvals || pr->nvals > 8)
		return false;
	for (size_t i = 0; i < pr->nvals; i++)
		if (pr->vals[i].is_null || pr->vals[i].type != ct)
			return false;
	return true;
}

static int64_t prune_int(const struct value *v) { return v->type == TYPE_DATE ? v->days : v->i; }

static void pushdown_init(struct node *n, struct scan_state *s)
{
	const struct table_spec *spec = &n->table->spec;
	s->pushdown = -1;
	if (!n->filter_only || !n->nprunes)
		return;
	bool *is_pcol = xcalloc(spec->ncols + 1, sizeof *is_pcol);
	for (size_t k = 0; k < n->nprunes; k++) {
		const struct prune *pr = &n->prunes[k];
		if (!prune_fits(pr, spec->cols[pr->col].type)) {
			free(is_pcol);
			return;
		}
		is_pcol[pr->col] = true;
	}
	s->pcols = xcalloc(s->ncols + 1, sizeof *s->pcols);
	s->rest = xcalloc(s->ncols + 1, sizeof *s->rest);
	for (size_t k = 0; k < s->ncols; k++) {
		if (is_pcol[s->cols[k]])
			s->pcols[s->npcols++] = s->cols[k];
		else
			s->rest[s->nrest++] = s->cols[k];
	}
	size_t found = 0;
	for (size_t c = 0; c < spec->ncols; c++)
		found += is_pcol[c];
	free(is_pcol);
	if (found != s->npcols)
		return; /* a prune on a column the scan does not read */
	s->picked = xcalloc(spec->ncols + 1, sizeof *s->picked);
	for (size_t c = 0; c < spec->ncols; c++)
		vec_init(&s->picked[c], spec->cols[c].type);
	s->lo = xmalloc((s->npcols + 1) * sizeof *s->lo);
	s->hi = xmalloc((s->npcols + 1) * sizeof *s->hi);
	s->ranged = xcalloc(s->npcols + 1, sizeof *s->ranged);
	for (size_t j = 0; j < s->npcols; j++) {
		s->lo[j] = INT64_MIN;
		s->hi[j] = INT64_MAX;
	}
	for (size_t k = 0; k < n->nprunes; k++) {
		const struct prune *pr = &n->prunes[k];
		size_t j = 0;
		while (s->pcols[j] != pr->col)
			j++;
		int64_t c = prune_int(&pr->vals[0]);
		if (pr->nvals > 1)
			continue; /* an IN list: checked by itself */
		s->ranged[j] = true;
		/* x > INT64_MAX and x < INT64_MIN hold for no x: an empty range,
		 * not c + 1 overflowing (the block statistics skip such a scan's
		 * blocks first; this keeps the bounds defined) */
		if ((pr->op == CMP_GT && c == INT64_MAX) || (pr->op == CMP_LT && c == INT64_MIN)) {
			s->lo[j] = INT64_MAX;
			s->hi[j] = INT64_MIN;
			continue;
		}
		int64_t lo = pr->op == CMP_GT ? c + 1 : pr->op == CMP_GE || pr->op == CMP_EQ ? c : INT64_MIN;
		int64_t hi = pr->op == CMP_LT ? c - 1 : pr->op == CMP_LE || pr->op == CMP_EQ ? c : INT64_MAX;
		s->lo[j] = lo > s->lo[j] ? lo : s->lo[j];
		s->hi[j] = hi < s->hi[j] ? hi : s->hi[j];
	}
	s->pass = xmalloc(BATCH_ROWS + 1);
	s->hit = xmalloc(BATCH_ROWS + 1);
	s->sel = xmalloc((BATCH_ROWS + 1) * sizeof *s->sel);
	s->pushdown = 1;
}

static inline bool cmp_holds(enum cmp_op op, int64_t x, int64_t c)
{
	switch (op) {
	case CMP_EQ: return x == c;
	case CMP_LT: return x < c;
	case CMP_LE: return x <= c;
	case CMP_GT: return x > c;
	case CMP_GE: return x >= c;
	default: return true;
	}
}

/* hit[i] |= row i of v op c (not NULL): one value of an IN list. */
static void cmp_rows(const struct vec *v, enum cmp_op op, int64_t c, uint8_t *hit, size_t rows)
{
	for (size_t i = 0; i < rows; i++)
		hit[i] |= (uint8_t)(!v->nulls[i] & cmp_holds(op, v->type == TYPE_DATE ? v->days[i] : v->i64[i], c));
}

/* Reads block b through the prunes: 1 with the rows that pass in s->rb,
 * 0 when none does, or an error. */
static int scan_pushdown(struct node *n, struct scan_state *s, size_t b, const struct block *blk)
{
	struct table *t = n->table;
	size_t rows = blk->rows;
	int error;
	if (rows > BATCH_ROWS) {
		s->pass = xrealloc(s->pass, rows);
		s->hit = xrealloc(s->hit, rows);
		s->sel = xrealloc(s->sel, rows * sizeof *s->sel);
	}
	for (size_t j = 0; j < s->npcols; j++)
		if (s->ranged[j] && s->lo[j] > s->hi[j])
			return 0; /* a range no value lies in */
	if (!s->pbuf_init) {
		batch_init(&s->pbuf, s->npcols, NULL);
		s->pbuf_init = true;
	}
	memset(s->pass, 1, rows);
	/* a column at a time, each read only while a row passes; a column of
	 * IN lists alone is read as the range of every value, which drops
	 * only its NULLs, as the IN would */
	for (size_t j = 0; j < s->npcols; j++) {
		int64_t lo = s->ranged[j] ? s->lo[j] : INT64_MIN, hi = s->ranged[j] ? s->hi[j] : INT64_MAX;
		if ((error = table_read_range(t, s->p, b, s->pcols[j], lo, hi, s->pass, &s->pbuf.cols[j])) < 0)
			return error;
		if (!memchr(s->pass, 1, rows))
			return 0;
	}
	for (size_t k = 0; k < n->nprunes; k++) {
		const struct prune *pr = &n->prunes[k];
		if (pr->nvals == 1)
			continue; /* in its column's range */
		size_t j = 0;
		while (s->pcols[j] != pr->col)
			j++;
		memset(s->hit, 0, rows);
		for (size_t i = 0; i < pr->nvals; i++)
			cmp_rows(&s->pbuf.cols[j], pr->op, prune_int(&pr->vals[i]), s->hit, rows);
		for (size_t i = 0; i < rows; i++)
			s->pass[i] &= s->hit[i];
	}
	size_t k = 0;
	for (size_t i = 0; i < rows; i++) {
		s->sel[k] = (uint32_t)i;
		k += s->pass[i];
	}
	if (!k)
		return 0;
	s->buf_init = true;
	if ((error = table_read(t, s->p, b, s->rest, s->nrest, &s->buf)) < 0)
		return error;
	for (size_t j = 0; j < s->ncols; j++) {
		int c = j < s->npcols ? s->pcols[j] : s->rest[j - s->npcols];
		const struct vec *v = j < s->npcols ? &s->pbuf.cols[j] : &s->buf.cols[j - s->npcols];
		if (k < rows) {
			/* strings point into the chunks read, which stay until the next block */
			vec_reset(&s->picked[c]);
			vec_append_rows(&s->picked[c], v, s->sel, k, false);
			v = &s->picked[c];
		}
		s->rb.cols[c] = v;
	}
	s->rb.n = k;
	s->rb.all_match = true;
	return 1;
}

int scan_next_split(struct node *n, struct scan_state *s, struct exec_stats *st, struct rb **out)
{
	struct table *t = n->table;
	for (;;) {
		if (s->p >= t->npartitions)
			return 0;
		struct partition *p = &t->partitions[s->p];
		if (!s->parts[s->p] || s->blk >= p->nblocks) {
			s->p++;
			s->blk = 0;
			continue;
		}
		size_t b = s->blk++;
		if (s->stride && s->seq++ % s->stride != s->phase)
			continue;
		if (!sql_plan_block_may_match(n, &p->blocks[b]))
			continue;
		st->blocks_read++;
		const struct block *blk = &p->blocks[b];
		s->rb.all_match = sql_plan_block_all_match(n, blk);
		s->rb.n = blk->rows;
		for (size_t c = 0; c < s->rb.ncols; c++)
			s->rb.cols[c] = NULL;
		const int *cols = s->cols;
		size_t ncols = s->ncols;
		if (s->rb.all_match && n->filter_only) {
			/* the WHERE holds for every row: skip the columns only it
			 * reads, and the read itself when the rest are constants */
			cols = s->lean;
			ncols = s->nlean;
			if (scan_constants(s, blk)) {
				if (!s->rb.n)
					continue;
				*out = &s->rb;
				return 1;
			}
		}
		int error;
		if (!s->pushdown)
			pushdown_init(n, s);
		if (!s->rb.all_match && s->pushdown > 0) {
			if ((error = scan_pushdown(n, s, b, blk)) < 0)
				return error;
			if (!error)
				continue;
			*out = &s->rb;
			return 1;
		}
		s->buf_init = true; /* the read may have set it up, and failed */
		if ((error = table_read(t, s->p, b, cols, ncols, &s->buf)) < 0)
			return error;
		for (size_t k = 0; k < ncols; k++)
			s->rb.cols[cols[k]] = &s->buf.cols[k];
		if (ncols)
			s->rb.n = s->buf.cols[0].count;
		if (!s->rb.n)
			continue;
		*out = &s->rb;
		return 1;
	}
}

int scan_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	return scan_next_split(n, n->state, st, out);
}

/* Below this many blocks to read, a second thread costs more than it saves. */
#define SPLIT_MIN_BLOCKS 16

struct scan_state *scan_split(struct node *n, bool all_match)
{
	struct scan_state *s = n->state, *half;
	struct table *t = n->table;
	size_t blocks = 0;
	if (!s || s->stride || s->p || s->blk)
		return NULL;
	if (all_match && !s->pushdown)
		pushdown_init(n, s);
	if (all_match && s->pushdown < 0)
		return NULL;
	for (size_t p = 0; p < t->npartitions; p++)
		blocks += s->parts[p] ? t->partitions[p].nblocks : 0;
	if (blocks < SPLIT_MIN_BLOCKS)
		return NULL;
	/* what either thread reads or prunes on, decoded before they start */
	bool *cols = xcalloc(t->spec.ncols + 1, sizeof *cols);
	for (size_t k = 0; k < s->ncols; k++)
		cols[s->cols[k]] = true;
	for (size_t k = 0; k < n->nprunes; k++)
		cols[n->prunes[k].col] = true;
	int error = table_read_shared(t, s->parts, cols);
	free(cols);
	if (error < 0)
		return NULL; /* a read error comes again, in this thread, from the scan */
	half = xcalloc(1, sizeof *half);
	half->parts = xmalloc(t->npartitions + 1);
	memcpy(half->parts, s->parts, t->npartitions);
	half->cols = xmalloc((s->ncols + 1) * sizeof *half->cols);
	memcpy(half->cols, s->cols, s->ncols * sizeof *half->cols);
	half->ncols = s->ncols;
	half->lean = xmalloc((s->ncols + 1) * sizeof *half->lean);
	memcpy(half->lean, s->lean, s->nlean * sizeof *half->lean);
	half->nlean = s->nlean;
	half->rb.ncols = s->rb.ncols;
	half->rb.cols = xcalloc(s->rb.ncols + 1, sizeof *half->rb.cols);
	s->stride = half->stride = 2;
	half->phase = 1;
	return half;
}

void scan_split_free(struct node *n, struct scan_state *s)
{
	if (!s)
		return;
	scan_state_free(n, s);
	free(s);
}

void scan_free_state(struct node *n)
{
	scan_state_free(n, n->state);
}

static void scan_state_free(struct node *n, struct scan_state *s)
{
	free(s->parts);
	free(s->cols);
	if (s->buf_init)
		batch_free(&s->buf);
	if (s->synth_init)
		batch_free(&s->synth);
	if (s->pbuf_init)
		batch_free(&s->pbuf);
	if (s->picked)
		vecs_free(s->picked, n->table->spec.ncols);
	free(s->pcols);
	free(s->rest);
	free(s->lo);
	free(s->hi);
	free(s->ranged);
	free(s->pass);
	free(s->hit);
	free(s->sel);
	free(s->lean);
	free(s->rb.cols);
}
