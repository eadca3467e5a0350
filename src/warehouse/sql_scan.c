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

/* When each lean column of a block holds one value (min = max, no NULLs),
 * fills the batch from the statistics instead of reading the block. */
static bool scan_constants(struct scan_state *s, const struct block *blk)
{
	for (size_t k = 0; k < s->nlean; k++) {
		const struct col_stats *cs = &blk->stats[s->lean[k]];
		if (cs->nulls || cs->min.is_null || !value_same(&cs->min, &cs->max))
			return false;
	}
	if (!s->synth_init) {
		enum type types[256];
		size_t nl = s->nlean < 256 ? s->nlean : 256;
		for (size_t k = 0; k < nl; k++)
			types[k] = blk->stats[s->lean[k]].min.type;
		if (s->nlean > 256)
			return false;
		batch_init(&s->synth, nl, types);
		s->synth_init = true;
	}
	for (size_t k = 0; k < s->nlean; k++) {
		struct vec *v = &s->synth.cols[k];
		const struct value *x = &blk->stats[s->lean[k]].min;
		vec_reset(v);
		vec_reserve(v, blk->rows);
		vec_fill(v, x, blk->rows);
		v->count = blk->rows;
		s->rb.cols[s->lean[k]] = v;
	}
	return true;
}

int scan_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct scan_state *s = n->state;
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

void scan_free_state(struct node *n)
{
	struct scan_state *s = n->state;
	free(s->parts);
	free(s->cols);
	if (s->buf_init)
		batch_free(&s->buf);
	if (s->synth_init)
		batch_free(&s->synth);
	free(s->lean);
	free(s->rb.cols);
}
