/* table_sort: the order a table's rows are written in: by partition key,
 * then by the clustering columns, then as appended (the sort is stable).
 * Counting sorts where the keys allow (few partitions; a small-range
 * integer first clustering column), a comparison sort otherwise. */
#include "table_write.h"

#include <stdlib.h>
#include <string.h>

/* The partition key of every row: the start of its range in the column's
 * units, or KEY_NULL / KEY_UNPARTITIONED. */
void table_partition_keys(const struct partition_spec *p, const struct vec *v, int64_t *keys)
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
	int64_t x = 0, y = 0; /* int_key sets them: counting_sort ran, so the column is an integer */
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
size_t table_key_run_end(const int64_t *keys, const uint32_t *ids, size_t i, size_t n)
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
		j = table_key_run_end(keys, ids, i, n);
		sort_run(ctx, ids + i, j - i, tmp);
	}
	ctx->keys = keys;
	free(tmp);
}

/* Sorts rows by partition key and clustering columns: *ids is the order,
 * *keys (NULL when unpartitioned) each row's key. */
void table_sort_held(const struct table_writer *w, const struct batch *rows, uint32_t **ids, int64_t **keys)
{
	size_t n = rows->nrows;
	*ids = xmalloc((n ? n : 1) * sizeof **ids);
	*keys = NULL;
	for (size_t i = 0; i < n; i++)
		(*ids)[i] = (uint32_t)i;
	struct sort_ctx ctx = {.ncluster = w->spec.ncluster};
	if (w->part_col >= 0) {
		*keys = xmalloc((n ? n : 1) * sizeof **keys);
		table_partition_keys(&w->spec.partition, &rows->cols[w->part_col], *keys);
		ctx.keys = *keys;
	}
	for (size_t k = 0; k < ctx.ncluster; k++)
		ctx.cluster[k] = &rows->cols[w->cluster_col[k]];
	sort_rows(&ctx, *ids, n);
}
