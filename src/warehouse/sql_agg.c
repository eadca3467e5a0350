/* sql_agg: the aggregate operator (GROUP BY, COUNT, SUM, AVG, MIN, MAX,
 * ANY_VALUE, COUNTIF, APPROX_COUNT_DISTINCT, the deviations, CORR and
 * COVAR_, DISTINCT): groups in a hash table, a running value per group and
 * aggregate, emitted when the input ends.  STRING_AGG, ARRAY_AGG and
 * APPROX_QUANTILES keep their values instead, ordered per group at the end
 * (collect_ below; the quantiles by selecting their ranks, quantiles_pick).
 *
 * APPROX_COUNT_DISTINCT is a HyperLogLog (hll.c, the table writer's too),
 * 4 KiB per group, allocated when a group sees its first value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "hll.h"
#include "sql_exec.h"
#include "sql_op.h"
#include "sql_plan.h"
#include "worker.h"

struct agg_run {
	/* per group */
	int64_t *cnt;
	int64_t *isum;
	double *fsum;   /* the VAR_ and STDDEV_ kinds: the mean */
	double *m2;     /* their sum of squared deviations from it (Welford) */
	struct pair_moments *pm; /* CORR and COVAR_: the second number's (fsum, m2: the first's) */
	numeric_t *nsum;
	struct vec best; /* MIN, MAX, ANY_VALUE */
	uint8_t *has;
	/* DISTINCT: the (group, value) pairs seen */
	struct vec dvals;
	uint32_t *dgroup;
	uint32_t *dtable;
	size_t dmask, dcount;
	/* STRING_AGG, ARRAY_AGG: every (group, value, ORDER BY keys) */
	struct vec cvals, *ckeys;
	uint32_t *cgroup;
	size_t ccount, ccap;
	/* With a LIMIT k (collect_bound), what compact() left: per group, the
	 * entry + 1 of its k-th value when it had k (0: fewer), which a new
	 * value must beat to be kept; and the count compact() left. */
	uint32_t *cworst;
	size_t cworst_cap, ccompacted;
	uint8_t **hll; /* APPROX_COUNT_DISTINCT: per group, HLL_M registers or NULL */
};

struct pair_moments {
	double mean, m2; /* of the second number */
	double co;       /* the sum of the products of both deviations */
};

static void group_hll_add(struct agg_run *r, uint32_t g, uint64_t hash)
{
	if (!r->hll[g])
		r->hll[g] = xcalloc(HLL_M, 1);
	hll_add(r->hll[g], hash);
}

/* Few groups (a code, a type, a flag): see count_in_lanes. */
enum { LANES = 4, LANE_GROUPS = 64 };

struct agg_state {
	struct vec *keys;   /* group keys, one vec per key, a row per group */
	size_t ngroups, cap;
	uint32_t *table;    /* group + 1 */
	uint64_t *hashes;   /* per group */
	size_t mask;
	struct agg_run *runs;
	uint32_t *gid;      /* per input row */
	uint64_t *rowhash;
	/* one 8-byte key of a narrow range: the group of value by_lo + k is
	 * by_offset[k] (k < by_range), of NULL by_null; UINT32_MAX: none yet */
	uint32_t *by_offset, by_null;
	int64_t by_lo;
	size_t by_range;
	struct mat_state out;
	uint64_t held, reserved; /* bytes of groups and DISTINCT values, for the budget */
	uint64_t kept, kept_reserved; /* bytes of STRING_AGG's and ARRAY_AGG's values */
	/* with few groups: the batch's rows per group, counted once for
	 * COUNT(*) and each SUM or AVG of a FLOAT64 column without NULLs */
	int64_t batch_rows[LANE_GROUPS];
	bool batch_counted;
};

static struct agg_state *agg_state_new(struct node *n);
static void agg_state_free(struct node *n, struct agg_state *s);

/* What a value of v takes held: its slot, its NULL flag, a string's bytes. */
static uint64_t held_value(const struct vec *v, size_t i)
{
	return type_width(v->type) + 1 + (type_is_string(v->type) && !v->nulls[i] ? v->str[i].len : 0);
}

static void agg_grow(struct agg_state *s, struct node *n, size_t need)
{
	if (need <= s->cap)
		return;
	size_t cap = s->cap ? s->cap * 2 : 64;
	while (cap < need)
		cap *= 2;
	s->hashes = xrealloc(s->hashes, cap * sizeof *s->hashes);
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg_run *r = &s->runs[a];
		r->cnt = xrealloc(r->cnt, cap * sizeof *r->cnt);
		r->isum = xrealloc(r->isum, cap * sizeof *r->isum);
		r->fsum = xrealloc(r->fsum, cap * sizeof *r->fsum);
		r->m2 = xrealloc(r->m2, cap * sizeof *r->m2);
		if (agg_of_pairs(n->aggs[a].kind))
			r->pm = xrealloc(r->pm, cap * sizeof *r->pm);
		r->nsum = xrealloc(r->nsum, cap * sizeof *r->nsum);
		r->has = xrealloc(r->has, cap);
		r->hll = xrealloc(r->hll, cap * sizeof *r->hll);
		vec_reserve(&r->best, cap);
	}
	s->cap = cap;
}

static void table_rehash(uint32_t **table, size_t *mask, const uint64_t *hashes, size_t count)
{
	size_t size = (*mask + 1) * 2;
	while (size < count * 2)
		size *= 2;
	free(*table);
	*table = xcalloc(size, sizeof **table);
	*mask = size - 1;
	for (size_t g = 0; g < count; g++) {
		size_t i = hashes[g] & *mask;
		while ((*table)[i])
			i = (i + 1) & *mask;
		(*table)[i] = (uint32_t)g + 1;
	}
}

/* Whether (group, value) is new for a DISTINCT aggregate; records it. */
static bool distinct_new(struct agg_run *r, uint32_t g, const struct vec *v, size_t i)
{
	uint64_t h = hash_mix(vec_hash(v, i), g);
	if (!r->dtable || r->dcount * 2 >= r->dmask) {
		/* rebuild with hashes recomputed */
		size_t size = r->dtable ? (r->dmask + 1) * 2 : 64;
		free(r->dtable);
		r->dtable = xcalloc(size, sizeof *r->dtable);
		r->dmask = size - 1;
		for (size_t k = 0; k < r->dcount; k++) {
			size_t p = hash_mix(vec_hash(&r->dvals, k), r->dgroup[k]) & r->dmask;
			while (r->dtable[p])
				p = (p + 1) & r->dmask;
			r->dtable[p] = (uint32_t)k + 1;
		}
	}
	size_t p = h & r->dmask;
	while (r->dtable[p]) {
		size_t k = r->dtable[p] - 1;
		if (r->dgroup[k] == g && vec_same(&r->dvals, k, v, i))
			return false;
		p = (p + 1) & r->dmask;
	}
	r->dtable[p] = (uint32_t)r->dcount + 1;
	uint32_t one = (uint32_t)i;
	vec_append_rows(&r->dvals, v, &one, 1, true);
	r->dgroup = xrealloc(r->dgroup, (r->dcount + 1) * sizeof *r->dgroup);
	r->dgroup[r->dcount++] = g;
	return true;
}

static void agg_init_group(struct agg_state *s, struct node *n, size_t g)
{
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg_run *r = &s->runs[a];
		r->cnt[g] = 0;
		r->isum[g] = 0;
		r->fsum[g] = 0;
		r->m2[g] = 0;
		if (r->pm)
			r->pm[g] = (struct pair_moments){0, 0, 0};
		r->nsum[g] = 0;
		r->has[g] = 0;
		r->hll[g] = NULL;
		r->best.nulls[g] = 1;
		if (r->best.count <= g)
			r->best.count = g + 1;
	}
}

/* value_order for two non-NULL numbers of one type: NaN first. */
static int order_fixed(const struct vec *a, size_t i, const struct vec *b, size_t j)
{
	switch (a->type) {
	case TYPE_FLOAT64: {
		double x = a->f64[i], y = b->f64[j];
		if (x != x || y != y)
			return (y != y) - (x != x);
		return (x > y) - (x < y);
	}
	case TYPE_DATE: return (a->days[i] > b->days[j]) - (a->days[i] < b->days[j]);
	default: return (a->i64[i] > b->i64[j]) - (a->i64[i] < b->i64[j]);
	}
}

/* Few groups (a code, a type, a flag): most rows add to a group a row
 * just before added to, and each add then waits on that one's store.  In
 * lanes, rows taken in turn, the adds of one group run four at once; the
 * lanes are folded into the groups at the end of the batch. */
static void count_in_lanes(int64_t *cnt, const uint32_t *gid, size_t rows, size_t ngroups)
{
	int64_t lane[LANES][LANE_GROUPS];
	size_t i = 0;
	for (size_t l = 0; l < LANES; l++)
		memset(lane[l], 0, ngroups * sizeof lane[l][0]);
	for (; i + LANES <= rows; i += LANES)
		for (size_t l = 0; l < LANES; l++)
			lane[l][gid[i + l]]++;
	for (; i < rows; i++)
		lane[0][gid[i]]++;
	for (size_t g = 0; g < ngroups; g++)
		cnt[g] += lane[0][g] + lane[1][g] + lane[2][g] + lane[3][g];
}

/* SUM and AVG of FLOAT64 with no NULL in the batch: the lanes' sums are
 * added in a fixed order, so a result does not change from run to run
 * (BigQuery's own order of a float SUM is unspecified).  The batch's rows
 * per group are counted in the same pass when no aggregate counted them
 * yet (agg_batch runs COUNT(*) last for this). */
static void sum_in_lanes(struct agg_run *r, struct agg_state *s, const double *x, size_t rows)
{
	double lane[LANES][LANE_GROUPS];
	const uint32_t *gid = s->gid;
	size_t i = 0, ngroups = s->ngroups;
	for (size_t l = 0; l < LANES; l++)
		memset(lane[l], 0, ngroups * sizeof lane[l][0]);
	if (!s->batch_counted) {
		int64_t cnt[LANES][LANE_GROUPS];
		for (size_t l = 0; l < LANES; l++)
			memset(cnt[l], 0, ngroups * sizeof cnt[l][0]);
		for (; i + LANES <= rows; i += LANES)
			for (size_t l = 0; l < LANES; l++) {
				lane[l][gid[i + l]] += x[i + l];
				cnt[l][gid[i + l]]++;
			}
		for (; i < rows; i++) {
			lane[0][gid[i]] += x[i];
			cnt[0][gid[i]]++;
		}
		for (size_t g = 0; g < ngroups; g++)
			s->batch_rows[g] = cnt[0][g] + cnt[1][g] + cnt[2][g] + cnt[3][g];
		s->batch_counted = true;
	} else {
		for (; i + LANES <= rows; i += LANES)
			for (size_t l = 0; l < LANES; l++)
				lane[l][gid[i + l]] += x[i + l];
		for (; i < rows; i++)
			lane[0][gid[i]] += x[i];
	}
	for (size_t g = 0; g < ngroups; g++) {
		r->cnt[g] += s->batch_rows[g];
		r->fsum[g] += (lane[0][g] + lane[1][g]) + (lane[2][g] + lane[3][g]);
	}
}

/* The batch's rows per group (few groups only), counted on first use. */
static const int64_t *batch_counts(struct agg_state *s, size_t rows)
{
	if (!s->batch_counted) {
		memset(s->batch_rows, 0, s->ngroups * sizeof s->batch_rows[0]);
		count_in_lanes(s->batch_rows, s->gid, rows, s->ngroups);
		s->batch_counted = true;
	}
	return s->batch_rows;
}

/* SUM and AVG of FLOAT64, MIN and MAX of the fixed-width orderable types,
 * without DISTINCT: the loops a full scan spends its time in, without a
 * value per row.  False when the aggregate is not one of these. */
static bool agg_update_fast(const struct agg *ag, struct agg_run *r, struct agg_state *s, const struct vec *v,
                            size_t rows)
{
	const uint32_t *gid = s->gid;
	size_t ngroups = s->ngroups;
	if (ag->kind == AG_APPROX_DISTINCT) {
		/* a hash per value straight from the vector: the same value, the
		 * same hash, within the one type an aggregate's argument has.  A
		 * value the row before gave its group already changes nothing (a
		 * register keeps a maximum): runs of one value, common in a
		 * column of few values, cost a compare. */
		uint64_t last_h = 0;
		uint32_t last_g = UINT32_MAX;
		const char *last_p = NULL;
		size_t last_len = 0;
		for (size_t i = 0; i < rows; i++) {
			uint64_t h;
			if (v->nulls[i])
				continue;
			if (type_is_string(v->type)) {
				if (gid[i] == last_g && v->str[i].p == last_p && v->str[i].len == last_len)
					continue; /* the same bytes as the row before */
				last_p = v->str[i].p;
				last_len = v->str[i].len;
			}
			h = hll_hash(v, i);
			if (gid[i] == last_g && h == last_h)
				continue;
			last_g = gid[i];
			last_h = h;
			group_hll_add(r, gid[i], h);
		}
		return true;
	}
	if ((ag->kind == AG_SUM || ag->kind == AG_AVG) && v->type == TYPE_FLOAT64) {
		if (ngroups <= LANE_GROUPS && !memchr(v->nulls, 1, rows)) {
			sum_in_lanes(r, s, v->f64, rows);
			return true;
		}
		if (!memchr(v->nulls, 1, rows)) {
			for (size_t i = 0; i < rows; i++) {
				r->cnt[gid[i]]++;
				r->fsum[gid[i]] += v->f64[i];
			}
			return true;
		}
		for (size_t i = 0; i < rows; i++)
			if (!v->nulls[i]) {
				r->cnt[gid[i]]++;
				r->fsum[gid[i]] += v->f64[i];
			}
		return true;
	}
	bool fixed = v->type == TYPE_INT64 || v->type == TYPE_FLOAT64 || v->type == TYPE_DATE ||
	             v->type == TYPE_TIMESTAMP || v->type == TYPE_DATETIME;
	if ((ag->kind != AG_MIN && ag->kind != AG_MAX) || !fixed)
		return false;
	int want = ag->kind == AG_MIN ? -1 : 1;
	size_t w = type_width(v->type);
	for (size_t i = 0; i < rows; i++) {
		uint32_t g = gid[i];
		if (v->nulls[i])
			continue;
		if (r->has[g]) {
			int c = order_fixed(v, i, &r->best, g);
			/* BigQuery's MIN and MAX are NaN when a value is: NaN is
			 * the least for MIN (as in value_order), the greatest for MAX */
			if (want > 0 && v->type == TYPE_FLOAT64) {
				double x = v->f64[i], y = r->best.f64[g];
				if (x != x || y != y)
					c = (x != x) - (y != y);
			}
			if (c != want)
				continue;
		}
		memcpy((char *)r->best.data + g * w, (const char *)v->data + i * w, w);
		r->best.nulls[g] = 0;
		r->has[g] = 1;
	}
	return true;
}

/* --- STRING_AGG and ARRAY_AGG: the values kept, ordered at the end --- */

/* What rows [from, from + n) of v take kept (held_value's bytes). */
static uint64_t collect_bytes(const struct vec *v, size_t from, size_t n)
{
	uint64_t bytes = (uint64_t)n * (type_width(v->type) + 1);
	if (type_is_string(v->type))
		for (size_t j = from; j < from + n; j++)
			bytes += v->nulls[j] ? 0 : v->str[j].len;
	return bytes;
}

/* Appends rows[0..n) of src (its row 0 each time when stride is 0, a
 * constant) to dst, and adds what they take (held_value's bytes) to kept:
 * a batch at a time, not a value at a time. */
static void collect_append(struct vec *dst, const struct vec *src, size_t stride, const uint32_t *rows, size_t n,
			   uint64_t *kept)
{
	size_t base = dst->count;
	uint32_t zero = 0;
	if (stride)
		vec_append_rows(dst, src, rows, n, true);
	else
		for (size_t k = 0; k < n; k++)
			vec_append_rows(dst, src, &zero, 1, true);
	*kept += collect_bytes(dst, base, dst->count - base);
}

/* The ORDER BY keys of entry i of xs against those of entry j of ys (a
 * key's stride in sx/sy: 0 for a constant; NULL for 1 each, the kept
 * values), as ARRAY_AGG's ORDER BY orders them; 0 when they tie. */
static int order_keys_cmp(const struct agg *ag, const struct vec *const *xs, const size_t *sx, size_t i,
			  const struct vec *const *ys, const size_t *sy, size_t j)
{
	for (size_t k = 0; k < ag->norder; k++) {
		struct value x = vec_get(xs[k], sx ? i * sx[k] : i), y = vec_get(ys[k], sy ? j * sy[k] : j);
		const struct sort_key *sk = &ag->okeys[k];
		if (x.is_null || y.is_null) {
			if (x.is_null && y.is_null)
				continue;
			return (x.is_null ? -1 : 1) * (sk->nulls_first ? 1 : -1);
		}
		int c = value_order(&x, &y);
		if (c)
			return sk->desc ? -c : c;
	}
	return 0;
}

/* How many values per group can reach the result: LIMIT's, or for
 * ARRAY_AGG(...)[OFFSET(k)] the first k + 1 where a NULL further on would
 * not be an error; -1 for all of them.  Bounded, a group keeps its best
 * values as they come (the top-N idiom) rather than all of them. */
static int64_t collect_bound(const struct agg *ag)
{
	int64_t k = ag->distinct ? -1 : ag->limit;
	if (!ag->distinct && ag->kind == AG_ARRAY_PICK && ag->pick >= 0 && (ag->ignore_nulls || ag->nulls_ok) &&
	    (k < 0 || ag->pick + 1 < k))
		k = ag->pick + 1;
	return k;
}

struct collect_order {
	const struct agg *ag;
	const struct agg_run *r;
};

/* By group, then the ORDER BY keys, then arrival */
static int collect_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct collect_order *o = ctx;
	uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
	if (o->r->cgroup[i] != o->r->cgroup[j])
		return o->r->cgroup[i] < o->r->cgroup[j] ? -1 : 1;
	const struct vec *keys[64];
	for (size_t k = 0; k < o->ag->norder; k++)
		keys[k] = &o->r->ckeys[k];
	int c = order_keys_cmp(o->ag, keys, NULL, i, keys, NULL, j);
	return c ? c : (i > j) - (i < j);
}

/* The entries in result order: by group, then the ORDER BY keys, then
 * arrival.  Without ORDER BY keys a counting sort by group does it. */
static uint32_t *collect_order(const struct agg *ag, const struct agg_run *r, size_t ngroups)
{
	uint32_t *idx = xcalloc(r->ccount + 1, sizeof *idx);
	if (!ag->norder) {
		size_t *at = xcalloc(ngroups + 1, sizeof *at);
		for (size_t i = 0; i < r->ccount; i++)
			at[r->cgroup[i] + 1]++;
		for (size_t g = 0; g < ngroups; g++)
			at[g + 1] += at[g];
		for (size_t i = 0; i < r->ccount; i++)
			idx[at[r->cgroup[i]]++] = (uint32_t)i;
		free(at);
		return idx;
	}
	for (size_t i = 0; i < r->ccount; i++)
		idx[i] = (uint32_t)i;
	struct collect_order o = {ag, r};
	qsort_r(idx, r->ccount, sizeof *idx, collect_cmp, &o);
	return idx;
}

static void vec_keep(struct vec *v, const uint32_t *rows, size_t n)
{
	struct vec kept;
	vec_init(&kept, v->type);
	vec_append_rows(&kept, v, rows, n, true);
	vec_free(v);
	*v = kept;
}

/* Only each group's best k values kept, in result order, and each full
 * group's k-th noted as the bar later values must beat. */
static void collect_compact(const struct agg *ag, struct agg_run *r, size_t ngroups, size_t k, uint64_t *kept)
{
	uint32_t *idx = collect_order(ag, r, ngroups);
	size_t n = 0, run = 0;
	uint64_t before = collect_bytes(&r->cvals, 0, r->ccount);
	for (size_t j = 0; j < ag->norder; j++)
		before += collect_bytes(&r->ckeys[j], 0, r->ccount);
	if (r->cworst_cap < ngroups) {
		r->cworst = xrealloc(r->cworst, ngroups * sizeof *r->cworst);
		r->cworst_cap = ngroups;
	}
	memset(r->cworst, 0, ngroups * sizeof *r->cworst);
	uint32_t *groups = xmalloc((r->ccap + 1) * sizeof *groups);
	for (size_t i = 0; i < r->ccount; i++) {
		uint32_t g = r->cgroup[idx[i]];
		run = i && g == r->cgroup[idx[i - 1]] ? run + 1 : 0;
		if (run >= k)
			continue;
		idx[n] = idx[i];
		groups[n] = g;
		if (run + 1 == k)
			r->cworst[g] = (uint32_t)n + 1;
		n++;
	}
	free(r->cgroup);
	r->cgroup = groups;
	vec_keep(&r->cvals, idx, n);
	uint64_t after = collect_bytes(&r->cvals, 0, n);
	for (size_t j = 0; j < ag->norder; j++) {
		vec_keep(&r->ckeys[j], idx, n);
		after += collect_bytes(&r->ckeys[j], 0, n);
	}
	*kept -= before - after + (uint64_t)(r->ccount - n) * sizeof *r->cgroup;
	r->ccount = r->ccompacted = n;
	free(idx);
}

static int collect_add(const struct agg *ag, struct agg_run *r, const uint32_t *gid, const struct vec *v, size_t sv,
		       const struct rb *in, size_t ngroups, uint64_t *kept)
{
	const struct vec *kv[64];
	int error;
	if (ag->norder > 64)
		return error_setcode(PIPE_EUSAGE, "%s: too many ORDER BY keys (at most 64)",
				     ag->kind == AG_STRING_AGG ? "STRING_AGG" : "ARRAY_AGG");
	if (!r->ckeys) {
		vec_init(&r->cvals, ag->kind == AG_ARRAY || ag->kind == AG_QUANTILES ? type_elem(ag->type) : ag->type);
		r->ckeys = xcalloc(ag->norder + 1, sizeof *r->ckeys);
		for (size_t k = 0; k < ag->norder; k++)
			vec_init(&r->ckeys[k], ag->order[k]->type == TYPE_NULL ? TYPE_INT64 : ag->order[k]->type);
	}
	for (size_t k = 0; k < ag->norder; k++)
		if ((error = exec_eval(ag->order[k], in, &kv[k])) < 0)
			return error;
	if (r->ccount + in->n > r->ccap) {
		r->ccap = r->ccount + in->n > 2 * r->ccap ? r->ccount + in->n : 2 * r->ccap;
		r->cgroup = xrealloc(r->cgroup, r->ccap * sizeof *r->cgroup);
	}
	/* the batch's rows kept, then their values and keys appended at once */
	uint32_t *rows = xmalloc((in->n + 1) * sizeof *rows);
	size_t n = 0, sk[64];
	int64_t bound = collect_bound(ag);
	const struct vec *have[64];
	for (size_t k = 0; k < ag->norder; k++) {
		sk[k] = STRIDE(ag->order[k]);
		have[k] = &r->ckeys[k];
	}
	for (size_t i = 0; i < in->n; i++) {
		size_t at = i * sv;
		/* a full group's k-th value, older, wins a tie */
		if (!bound || (bound > 0 && gid[i] < r->cworst_cap && r->cworst[gid[i]] &&
				order_keys_cmp(ag, kv, sk, i, have, NULL, r->cworst[gid[i]] - 1) >= 0))
			continue;
		/* STRING_AGG skips NULLs; ARRAY_AGG keeps them unless told */
		if (v->nulls[at] && (ag->kind == AG_STRING_AGG || ag->ignore_nulls))
			continue;
		if (ag->distinct && !distinct_new(r, gid[i], v, at))
			continue;
		r->cgroup[r->ccount + n] = gid[i];
		rows[n++] = (uint32_t)i;
	}
	r->ccount += n;
	collect_append(&r->cvals, v, sv, rows, n, kept);
	for (size_t k = 0; k < ag->norder; k++)
		collect_append(&r->ckeys[k], kv[k], STRIDE(ag->order[k]), rows, n, kept);
	*kept += (uint64_t)n * sizeof *r->cgroup;
	free(rows);
	if (bound >= 0 && r->ccount >= 2 * r->ccompacted + 4096)
		collect_compact(ag, r, ngroups, (size_t)bound, kept);
	return 0;
}

/* A type whose order fits a word: order_words, word_value */
static bool word_ordered(enum type t)
{
	return t == TYPE_BOOL || t == TYPE_DATE || t == TYPE_INT64 || t == TYPE_DATETIME || t == TYPE_TIMESTAMP ||
	       t == TYPE_FLOAT64;
}

/* The values of a word_ordered type: each as an unsigned word in that
 * order (NaN first, as BigQuery orders FLOAT64), and back. */
static void order_words(const struct vec *v, const uint32_t *ids, size_t n, uint64_t *out)
{
	const uint64_t sign = UINT64_C(1) << 63;
	switch (v->type) {
	case TYPE_BOOL:
		for (size_t k = 0; k < n; k++)
			out[k] = v->b[ids[k]];
		return;
	case TYPE_DATE:
		for (size_t k = 0; k < n; k++)
			out[k] = (uint64_t)(int64_t)v->days[ids[k]] ^ sign;
		return;
	case TYPE_INT64:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP:
		for (size_t k = 0; k < n; k++)
			out[k] = (uint64_t)v->i64[ids[k]] ^ sign;
		return;
	case TYPE_FLOAT64:
		for (size_t k = 0; k < n; k++) {
			double f = v->f64[ids[k]];
			uint64_t u;
			memcpy(&u, &f, 8);
			out[k] = f != f ? 0 : u & sign ? ~u : u | sign;
		}
		return;
	default: return;
	}
}

static struct value word_value(enum type t, uint64_t w)
{
	const uint64_t sign = UINT64_C(1) << 63;
	switch (t) {
	case TYPE_BOOL: return value_bool(w != 0);
	case TYPE_DATE: return value_date((int32_t)(int64_t)(w ^ sign));
	case TYPE_FLOAT64: {
		if (!w)
			return value_float64(NAN);
		uint64_t u = w & sign ? w & ~sign : ~w;
		double f;
		memcpy(&f, &u, 8);
		return value_float64(f);
	}
	default: {
		struct value x = value_int64((int64_t)(w ^ sign));
		x.type = t;
		return x;
	}
	}
}

/* Puts the words of ranks rank[0..nr) (ascending, within [lo, hi)) in
 * their places, as a sort would, without sorting the rest: a
 * three-way partition about the middle of three, the ranks either side
 * taken on in their own part.  Runs of equal words (amounts repeat)
 * settle in one pass. */
static void select_ranks(uint64_t *a, size_t lo, size_t hi, const size_t *rank, size_t nr)
{
	while (nr && hi - lo > 1) {
		uint64_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1];
		uint64_t pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
		size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < pivot, [lt,i) ==, [gt,hi) > */
		while (i < gt) {
			uint64_t w = a[i];
			if (w < pivot) {
				a[i++] = a[lt];
				a[lt++] = w;
			} else if (w > pivot) {
				a[i] = a[--gt];
				a[gt] = w;
			} else {
				i++;
			}
		}
		size_t below = 0;
		while (below < nr && rank[below] < lt)
			below++;
		size_t at = below;
		while (at < nr && rank[at] < gt)
			at++;
		/* the ranks in [lt, gt) are settled; the side with fewer is
		 * taken on by a call, the other by the loop */
		if (below < nr - at) {
			select_ranks(a, lo, lt, rank, below);
			lo = gt;
			rank += at;
			nr -= at;
		} else {
			select_ranks(a, gt, hi, rank + at, nr - at);
			hi = lt;
			nr = below;
		}
	}
}

static int value_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct vec *v = ctx;
	uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
	struct value x = vec_get(v, i), y = vec_get(v, j);
	int c = value_order(&x, &y);
	return c ? c : (i > j) - (i < j);
}

/* APPROX_QUANTILES: of a group's n entries of v (ids, NULLs among them
 * under RESPECT NULLS), the values at ranks ceil(k n / q), k = 0..q
 * (the first for k = 0) in their type's order, NULLs first, into the
 * array b: exact, so within any error a sketch would allow. */
static void quantiles_pick(const struct vec *v, uint32_t *ids, size_t n, int64_t q, struct buf *b)
{
	size_t nulls = 0;
	for (size_t k = 0; k < n; k++)
		if (v->nulls[ids[k]]) {
			uint32_t t = ids[nulls];
			ids[nulls++] = ids[k];
			ids[k] = t;
		}
	size_t m = n - nulls, *rank = xmalloc(((size_t)q + 1) * sizeof *rank), nr = 0;
	for (int64_t k = 0; k <= q; k++)
		rank[k] = k ? (size_t)(((uint64_t)k * n + (uint64_t)q - 1) / (uint64_t)q) - 1 : 0;
	/* the ranks past the NULLs, once each, among the values */
	size_t *among = xmalloc(((size_t)q + 1) * sizeof *among);
	for (int64_t k = 0; k <= q; k++)
		if (rank[k] >= nulls && (!nr || among[nr - 1] != rank[k] - nulls))
			among[nr++] = rank[k] - nulls;
	bool by_word = m && word_ordered(v->type);
	uint64_t *words = by_word ? xmalloc(m * sizeof *words) : NULL;
	if (by_word) {
		order_words(v, ids + nulls, m, words);
		select_ranks(words, 0, m, among, nr);
	} else if (m) {
		qsort_r(ids + nulls, m, sizeof *ids, value_cmp, (void *)v);
	}
	for (int64_t k = 0; k <= q; k++) {
		/* RESPECT NULLS may take a NULL, which a result cannot hold
		 * (an element taken from the array can be) */
		struct value e = rank[k] < nulls ? value_null(v->type) :
		                 by_word ? word_value(v->type, words[rank[k] - nulls]) : vec_get(v, ids[rank[k]]);
		value_array_push(b, &e);
	}
	free(words);
	free(among);
	free(rank);
}

/* Each group's values in order, at most LIMIT of them: joined by the
 * separator, an ARRAY of them, or the one ARRAY_AGG(...)[OFFSET(k)]
 * takes. */
static int collect_result(const struct agg *ag, const struct agg_run *r, size_t ngroups, struct vec *out)
{
	uint32_t *idx = collect_order(ag, r, ngroups);
	struct buf b = BUF_INIT;
	int error = 0;
	vec_init(out, ag->type);
	vec_reserve(out, ngroups + 1);
	size_t at = 0;
	for (size_t g = 0; g < ngroups; g++) {
		size_t end = at;
		while (end < r->ccount && r->cgroup[idx[end]] == g)
			end++;
		size_t n = end - at;
		if (ag->limit >= 0 && n > (size_t)ag->limit)
			n = (size_t)ag->limit;
		struct value x = value_null(ag->type);
		if (ag->kind == AG_STRING_AGG && n) {
			buf_clear(&b);
			for (size_t k = 0; k < n; k++) {
				struct value e = vec_get(&r->cvals, idx[at + k]);
				if (k)
					buf_puts(&b, ag->sep);
				buf_add(&b, e.s.p, e.s.len);
			}
			x = value_string(b.data ? b.data : "", b.len);
			x.type = ag->type;
		} else if (ag->kind == AG_QUANTILES && n) {
			value_array_start(&b);
			quantiles_pick(&r->cvals, idx + at, n, ag->nquantiles, &b);
			x = value_array(ag->type, b.data, b.len);
		} else if (ag->kind != AG_STRING_AGG && n) {
			for (size_t k = 0; k < n && !ag->nulls_ok; k++)
				if (r->cvals.nulls[idx[at + k]]) {
					error = error_setcode(PIPE_EUSAGE, "Array cannot have a null element; error in writing "
							      "field (write ARRAY_AGG(x IGNORE NULLS ...))");
					goto done;
				}
			if (ag->kind == AG_ARRAY) {
				value_array_start(&b);
				for (size_t k = 0; k < n; k++) {
					struct value e = vec_get(&r->cvals, idx[at + k]);
					value_array_push(&b, &e);
				}
				x = value_array(ag->type, b.data, b.len);
			} else if (ag->pick >= 0 && (size_t)ag->pick < n)
				x = vec_get(&r->cvals, idx[at + (size_t)ag->pick]);
			else if (!ag->pick_safe) {
				error = error_setcode(PIPE_EUSAGE, "Array index %lld is out of bounds (overflow)",
						      (long long)ag->pick);
				goto done;
			}
		}
		vec_push(out, &x);
		at = end;
	}
done:
	buf_free(&b);
	free(idx);
	return error;
}

static void collect_free(const struct agg *ag, struct agg_run *r)
{
	vec_free(&r->cvals);
	if (r->ckeys)
		vecs_free(r->ckeys, ag->norder);
	free(r->cgroup);
	free(r->cworst);
}

/* MIN, MAX, ANY_VALUE: value k of v (not NULL) offered to group g. */
static void best_offer(const struct agg *ag, struct agg_run *r, uint32_t g, const struct vec *v, size_t k)
{
	bool take = !r->has[g];
	if (!take && ag->kind != AG_ANY) {
		struct value x = vec_get(v, k), y = vec_get(&r->best, g);
		int c = value_order(&x, &y);
		if (ag->kind == AG_MAX && v->type == TYPE_FLOAT64 && (x.f != x.f || y.f != y.f))
			c = (x.f != x.f) - (y.f != y.f); /* MAX too is NaN when one is */
		take = ag->kind == AG_MIN ? c < 0 : c > 0;
	}
	if (take) {
		size_t w = type_width(v->type);
		memcpy((char *)r->best.data + g * w, (const char *)v->data + k * w, w);
		r->best.nulls[g] = 0;
		if (type_is_string(v->type))
			r->best.str[g].p = arena_strndup(&r->best.arena, v->str[k].p, v->str[k].len);
		r->has[g] = 1;
	}
}

static double number_at(const struct vec *v, size_t k)
{
	return v->type == TYPE_INT64 ? (double)v->i64[k] : v->type == TYPE_NUMERIC ? numeric_to_double(v->num[k]) : v->f64[k];
}

/* CORR and COVAR_: each pair without a NULL moves its group's means and
 * moments (Welford's update for two numbers, as the variances' for one). */
static int pairs_add(const struct agg *ag, struct agg_run *r, const uint32_t *gid, const struct vec *x, size_t sx,
                     const struct rb *in, size_t rows)
{
	const struct vec *y;
	int error;
	if ((error = exec_eval(ag->arg2, in, &y)) < 0)
		return error;
	size_t sy = STRIDE(ag->arg2);
	for (size_t i = 0; i < rows; i++) {
		size_t kx = i * sx, ky = i * sy;
		if (x->nulls[kx] || y->nulls[ky])
			continue;
		uint32_t g = gid[i];
		struct pair_moments *p = &r->pm[g];
		double a = number_at(x, kx), b = number_at(y, ky);
		double da = a - r->fsum[g], db = b - p->mean;
		r->cnt[g]++;
		r->fsum[g] += da / (double)r->cnt[g];
		p->mean += db / (double)r->cnt[g];
		r->m2[g] += da * (a - r->fsum[g]);
		p->m2 += db * (b - p->mean);
		p->co += da * (b - p->mean);
	}
	return 0;
}

static int agg_update(struct node *n, struct agg_state *s, size_t a, const struct rb *in)
{
	struct agg *ag = &n->aggs[a];
	struct agg_run *r = &s->runs[a];
	const uint32_t *gid = s->gid;
	size_t rows = in->n;
	if (ag->kind == AG_COUNT_STAR) {
		if (n->nkeys == 0) {
			r->cnt[0] += (int64_t)rows; /* one group: every row is in it */
			return 0;
		}
		if (s->ngroups <= LANE_GROUPS) {
			const int64_t *counts = batch_counts(s, rows);
			for (size_t g = 0; g < s->ngroups; g++)
				r->cnt[g] += counts[g];
			return 0;
		}
		for (size_t i = 0; i < rows; i++)
			r->cnt[gid[i]]++;
		return 0;
	}
	const struct vec *v;
	int error;
	if ((error = exec_eval(ag->arg, in, &v)) < 0)
		return error;
	size_t sv = STRIDE(ag->arg);
	if (ag->arg2)
		return pairs_add(ag, r, gid, v, sv, in, rows);
	if (agg_collects(ag->kind))
		return collect_add(ag, r, gid, v, sv, in, s->ngroups, &s->kept);
	if (!ag->distinct && sv == 1 && agg_update_fast(ag, r, s, v, rows))
		return 0;
	for (size_t i = 0; i < rows; i++) {
		size_t k = i * sv;
		uint32_t g = gid[i];
		if (v->nulls[k])
			continue;
		if (ag->distinct && !distinct_new(r, g, v, k))
			continue;
		if (ag->distinct)
			s->held += held_value(v, k) + 16;
		switch (ag->kind) {
		case AG_COUNT: r->cnt[g]++; break;
		case AG_COUNTIF: r->cnt[g] += v->b[k] != 0; break;
		case AG_APPROX_DISTINCT: group_hll_add(r, g, hll_hash(v, k)); break;
		case AG_SUM:
		case AG_AVG:
			r->cnt[g]++;
			switch (v->type) {
			case TYPE_INT64:
				/* AVG of INT64 averages fsum, in FLOAT64 as BigQuery
				 * does: only SUM overflows */
				if (__builtin_add_overflow(r->isum[g], v->i64[k], &r->isum[g]) && ag->kind == AG_SUM)
					return error_setcode(PIPE_EUSAGE, "int64 overflow: SUM");
				r->fsum[g] += (double)v->i64[k];
				break;
			case TYPE_NUMERIC:
				if ((error = numeric_add(r->nsum[g], v->num[k], &r->nsum[g])) < 0)
					return error;
				break;
			default: r->fsum[g] += v->f64[k]; break;
			}
			break;
		case AG_MIN:
		case AG_MAX:
		case AG_ANY: best_offer(ag, r, g, v, k); break;
		case AG_VAR_SAMP:
		case AG_VAR_POP:
		case AG_STDDEV_SAMP:
		case AG_STDDEV_POP: {
			/* Welford's update: no sum of squares to lose the digits
			 * of values far from 0 (timestamps, large amounts) */
			double x = number_at(v, k);
			double d = x - r->fsum[g];
			r->cnt[g]++;
			r->fsum[g] += d / (double)r->cnt[g];
			r->m2[g] += d * (x - r->fsum[g]);
			break;
		}
		default: break;
		}
	}
	return 0;
}

/* The group of row i (hash h) of the key vectors kv: found or added. */
static uint32_t agg_group(struct agg_state *s, struct node *n, const struct vec **kv, size_t i, uint64_t h)
{
	if (!s->table || s->ngroups * 2 >= s->mask)
		table_rehash(&s->table, &s->mask, s->hashes, s->ngroups);
	size_t p = h & s->mask;
	for (;;) {
		uint32_t e = s->table[p];
		if (!e) {
			size_t g = s->ngroups++;
			agg_grow(s, n, g + 1);
			s->hashes[g] = h;
			/* the hash, its slots, each aggregate's running values */
			s->held += 24 + 48 * n->naggs;
			for (size_t k = 0; k < n->nkeys; k++) {
				uint32_t one = (uint32_t)(i * STRIDE(n->keys[k]));
				vec_append_rows(&s->keys[k], kv[k], &one, 1, true);
				s->held += held_value(kv[k], one);
			}
			agg_init_group(s, n, g);
			s->table[p] = (uint32_t)g + 1;
			return (uint32_t)g;
		}
		size_t g = e - 1;
		if (s->hashes[g] == h) {
			bool same = true;
			for (size_t k = 0; k < n->nkeys && same; k++)
				same = vec_same(&s->keys[k], g, kv[k], i * STRIDE(n->keys[k]));
			if (same)
				return (uint32_t)g;
		}
		p = (p + 1) & s->mask;
	}
}

static inline uint64_t key8_hash(bool null, int64_t x)
{
	return hash_mix(0x12345, null ? 0x51ed270b27a3c4e1ULL : (uint64_t)x * 0xff51afd7ed558ccdULL);
}

/* Assigns rows from.. their groups through by_offset while their values
 * lie in its range: the first row whose value does not, or rows. */
static size_t offsets_known(struct agg_state *s, struct node *n, const struct vec **kv, size_t from, size_t rows)
{
	const int64_t *x = kv[0]->i64;
	const uint8_t *nl = kv[0]->nulls;
	uint64_t lo = (uint64_t)s->by_lo, range = s->by_range;
	size_t i = from;
	if (!memchr(nl + from, 1, rows - from)) {
		/* no NULL (most batches): the group straight from the offset */
		uint32_t *by = s->by_offset;
		for (; i < rows; i++) {
			uint64_t off = (uint64_t)x[i] - lo;
			if (off >= range)
				return i;
			uint32_t g = by[off];
			if (g == UINT32_MAX)
				g = by[off] = agg_group(s, n, kv, i, key8_hash(false, x[i]));
			s->gid[i] = g;
		}
		return i;
	}
	for (; i < rows; i++) {
		uint32_t *g;
		if (nl[i]) {
			g = &s->by_null;
		} else {
			uint64_t off = (uint64_t)x[i] - lo;
			if (off >= range)
				break;
			g = &s->by_offset[off];
		}
		if (*g == UINT32_MAX)
			*g = agg_group(s, n, kv, i, key8_hash(nl[i], x[i]));
		s->gid[i] = *g;
	}
	return i;
}

/* One 8-byte key whose values lie in a range no wider than a batch (a
 * code, a type, a flag, a vendor): each row's group by its offset in that
 * range, looked up in the hash table once per value, not once per row.
 * The range and its groups carry over from batch to batch, widened when a
 * value falls outside; a batch inside it costs no pass to find its range.
 * Groups are made in the order their first rows come, as the hashed path
 * makes them.  False when the range grows wider (the hashed path then
 * finds the groups made so far), or when the values come in long runs (a
 * clustered key), which the caller's compare with the row before takes
 * faster. */
static bool groups_by_offset(struct agg_state *s, struct node *n, const struct vec **kv, size_t rows)
{
	const int64_t *x = kv[0]->i64;
	const uint8_t *nl = kv[0]->nulls;
	/* runs: judged by the first rows, so that a clustered key pays nothing */
	size_t probe = rows < 64 ? rows : 64, changes = 0;
	for (size_t i = 1; i < probe; i++)
		changes += x[i] != x[i - 1];
	if (changes < probe / 8)
		return false;
	size_t i = offsets_known(s, n, kv, 0, rows);
	if (i == rows)
		return true;
	int64_t lo = s->by_range ? s->by_lo : INT64_MAX;
	int64_t hi = s->by_range ? (int64_t)((uint64_t)s->by_lo + s->by_range - 1) : INT64_MIN;
	for (size_t k = i; k < rows; k++) {
		if (nl[k])
			continue;
		lo = x[k] < lo ? x[k] : lo;
		hi = x[k] > hi ? x[k] : hi;
	}
	if ((uint64_t)hi - (uint64_t)lo >= rows)
		return false;
	size_t range = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
	uint32_t *by = xmalloc(range * sizeof *by);
	memset(by, 0xff, range * sizeof *by);
	if (s->by_range)
		memcpy(by + ((uint64_t)s->by_lo - (uint64_t)lo), s->by_offset, s->by_range * sizeof *by);
	free(s->by_offset);
	s->by_offset = by;
	s->by_lo = lo;
	s->by_range = range;
	offsets_known(s, n, kv, i, rows);
	return true;
}

/* One batch of the input into the groups of s. */
static int agg_batch(struct node *n, struct agg_state *s, const struct rb *in, struct exec_stats *st)
{
	int error;
	const struct vec *kv[64];
	size_t rows = in->n;
	s->gid = xrealloc(s->gid, (rows + 1) * sizeof *s->gid);
	s->rowhash = xrealloc(s->rowhash, (rows + 1) * sizeof *s->rowhash);
	for (size_t k = 0; k < n->nkeys; k++)
		if ((error = exec_eval(n->keys[k], in, &kv[k])) < 0)
			return error;
	if (n->nkeys == 0) {
		memset(s->gid, 0, rows * sizeof *s->gid);
	} else if (n->nkeys == 1 && !n->keys[0]->isconst && type_width(kv[0]->type) == 8 &&
		   !type_is_string(kv[0]->type)) {
		/* one 8-byte key (INT64, TIMESTAMP, ...): compare with the
		 * previous row before hashing, as clustered keys come in runs */
		const int64_t *x = kv[0]->i64;
		const uint8_t *nl = kv[0]->nulls;
		if (!groups_by_offset(s, n, kv, rows))
			for (size_t i = 0; i < rows; i++) {
				if (i > 0 && nl[i] == nl[i - 1] && (nl[i] || x[i] == x[i - 1])) {
					s->gid[i] = s->gid[i - 1];
					continue;
				}
				s->gid[i] = agg_group(s, n, kv, i, key8_hash(nl[i], x[i]));
			}
	} else {
		for (size_t i = 0; i < rows; i++)
			s->rowhash[i] = 0x12345;
		for (size_t k = 0; k < n->nkeys; k++) {
			size_t sk = STRIDE(n->keys[k]);
			const struct vec *v = kv[k];
			if (v->type == TYPE_INT64 || v->type == TYPE_TIMESTAMP || v->type == TYPE_DATETIME) {
				for (size_t i = 0; i < rows; i++)
					s->rowhash[i] = hash_mix(s->rowhash[i], v->nulls[i * sk] ? 0x51ed270b27a3c4e1ULL
							    : (uint64_t)v->i64[i * sk] * 0xff51afd7ed558ccdULL);
			} else {
				for (size_t i = 0; i < rows; i++)
					s->rowhash[i] = hash_mix(s->rowhash[i], vec_hash(v, i * sk));
			}
		}
		for (size_t i = 0; i < rows; i++) {
			uint64_t h = s->rowhash[i];
			/* clustered input comes in runs of one key */
			if (i > 0 && h == s->rowhash[i - 1]) {
				bool same = true;
				for (size_t k = 0; k < n->nkeys && same; k++)
					same = vec_same(kv[k], i * STRIDE(n->keys[k]), kv[k],
							   (i - 1) * STRIDE(n->keys[k]));
				if (same) {
					s->gid[i] = s->gid[i - 1];
					continue;
				}
			}
			s->gid[i] = agg_group(s, n, kv, i, h);
		}
	}
	s->batch_counted = false;
	/* COUNT(*) last: a float SUM before it counts the rows per group in
	 * its own pass (sum_in_lanes); no aggregate depends on another */
	for (size_t a = 0; a < n->naggs; a++)
		if (n->aggs[a].kind != AG_COUNT_STAR && (error = agg_update(n, s, a, in)) < 0)
			return error;
	for (size_t a = 0; a < n->naggs; a++)
		if (n->aggs[a].kind == AG_COUNT_STAR && (error = agg_update(n, s, a, in)) < 0)
			return error;
	if ((error = exec_reserve(st, "GROUP BY or DISTINCT (its groups)", s->held - s->reserved)) < 0)
		return error;
	s->reserved = s->held;
	if (s->kept < s->kept_reserved)
		exec_release(st, s->kept_reserved - s->kept);
	else if ((error = exec_reserve(st, "STRING_AGG, ARRAY_AGG or APPROX_QUANTILES (the values it keeps)", s->kept - s->kept_reserved)) < 0)
		return error;
	s->kept_reserved = s->kept;
	return 0;
}

/* --- a GROUP BY over a scan, on two threads ---
 *
 * The scan is split (scan_split: every other block to each thread), each
 * thread groups its blocks into its own groups, and the second thread's
 * are merged into the first's at the end.  Only for keys and arguments
 * that are columns (their evaluation keeps no state to share) and
 * aggregates that merge: COUNT, SUM, AVG, MIN, MAX, ANY_VALUE without
 * DISTINCT.  Each half may take what is left of the memory budget: a half
 * holds no more groups than the whole, so a half stops only where the
 * whole would. */

struct agg_half {
	struct node *n, *project, *scan_node;
	struct scan_state *scan;
	struct agg_state *s;
	struct exec_stats st;
	struct rb projected;
	struct worker *wk;
};

/* Between the aggregate and its scan, what the second thread can pass
 * batches through without the nodes' state: a projection of columns, and
 * a filter that is exactly the scan's prunes (the scan then hands on only
 * rows that pass: scan_split's all_match).  The scan, or NULL. */
static struct node *split_scan(const struct node *n, struct node **project, bool *filtered)
{
	struct node *c = n->child;
	*project = NULL;
	*filtered = false;
	if (c && c->kind == N_PROJECT) {
		for (size_t i = 0; i < c->ncols; i++)
			if ((!c->live || c->live[i]) && c->exprs[i]->kind != X_COL)
				return NULL;
		*project = c;
		c = c->child;
	}
	if (c && c->kind == N_FILTER) {
		if (!c->pred_exact)
			return NULL;
		*filtered = true;
		c = c->child;
	}
	return c && c->kind == N_SCAN && c->state ? c : NULL;
}

static bool agg_splits(const struct node *n)
{
	for (size_t k = 0; k < n->nkeys; k++)
		if (n->keys[k]->kind != X_COL)
			return false;
	for (size_t a = 0; a < n->naggs; a++) {
		const struct agg *ag = &n->aggs[a];
		if (ag->distinct)
			return false;
		switch (ag->kind) {
		case AG_COUNT_STAR: break;
		case AG_COUNT:
		case AG_SUM:
		case AG_AVG:
		case AG_MIN:
		case AG_MAX:
		case AG_ANY:
			if (!ag->arg || ag->arg->kind != X_COL)
				return false;
			break;
		default: return false;
		}
	}
	return true;
}

static int agg_half_job(void *arg)
{
	struct agg_half *h = arg;
	struct rb *in;
	int rc;
	while ((rc = exec_deadline(&h->st)) == 0 && (rc = scan_next_split(h->scan_node, h->scan, &h->st, &in)) > 0) {
		if (h->project) {
			const struct node *p = h->project;
			for (size_t i = 0; i < p->ncols; i++)
				h->projected.cols[i] = p->live && !p->live[i] ? NULL : in->cols[p->exprs[i]->col];
			h->projected.n = in->n;
			h->projected.all_match = in->all_match;
			in = &h->projected;
		}
		if ((rc = agg_batch(h->n, h->s, in, &h->st)) < 0)
			break;
	}
	return rc;
}

/* The second half started on its thread, or *out NULL where the GROUP BY
 * runs on one. */
static int agg_half_start(struct node *n, struct exec_stats *st, struct agg_half **out)
{
	int error;
	struct node *project, *scan_node;
	struct scan_state *scan;
	bool filtered;
	*out = NULL;
	if (!agg_splits(n) || !(scan_node = split_scan(n, &project, &filtered)) ||
	    !(scan = scan_split(scan_node, filtered)))
		return 0;
	struct agg_half *h = xcalloc(1, sizeof *h);
	h->n = n;
	h->project = project;
	h->scan_node = scan_node;
	h->scan = scan;
	if (project)
		rb_alloc(&h->projected, project->ncols);
	h->s = agg_state_new(n);
	h->st = *st;
	h->st.blocks_read = 0;
	*out = h;
	if ((error = worker_start(&h->wk)) < 0)
		return error;
	return worker_run(h->wk, agg_half_job, h);
}

/* Waits for the second half and merges its groups into s. */
static int agg_half_merge(struct node *n, struct agg_state *s, struct agg_half *h, struct exec_stats *st)
{
	int error;
	if ((error = worker_wait(h->wk)) < 0)
		return error;
	st->blocks_read += h->st.blocks_read;
	struct agg_state *w = h->s;
	const struct vec *kv[64];
	uint32_t *to = xmalloc((w->ngroups + 1) * sizeof *to);
	for (size_t k = 0; k < n->nkeys; k++)
		kv[k] = &w->keys[k];
	for (size_t g = 0; g < w->ngroups; g++)
		to[g] = n->nkeys ? agg_group(s, n, kv, g, w->hashes[g]) : 0;
	for (size_t a = 0; a < n->naggs && !error; a++) {
		const struct agg *ag = &n->aggs[a];
		struct agg_run *r = &s->runs[a], *x = &w->runs[a];
		for (size_t g = 0; g < w->ngroups && !error; g++) {
			uint32_t t = to[g];
			if (ag->kind == AG_MIN || ag->kind == AG_MAX || ag->kind == AG_ANY) {
				if (x->has[g])
					best_offer(ag, r, t, &x->best, g);
				continue;
			}
			r->cnt[t] += x->cnt[g];
			if (ag->kind != AG_SUM && ag->kind != AG_AVG)
				continue;
			if (__builtin_add_overflow(r->isum[t], x->isum[g], &r->isum[t]) && ag->kind == AG_SUM &&
			    ag->arg->type == TYPE_INT64)
				error = error_setcode(PIPE_EUSAGE, "int64 overflow: SUM");
			r->fsum[t] += x->fsum[g];
			if (!error && ag->arg->type == TYPE_NUMERIC)
				error = numeric_add(r->nsum[t], x->nsum[g], &r->nsum[t]);
		}
	}
	free(to);
	if (!error && (error = exec_reserve(st, "GROUP BY or DISTINCT (its groups)", s->held - s->reserved)) == 0)
		s->reserved = s->held;
	return error;
}

static void agg_half_free(struct agg_half *h)
{
	if (!h)
		return;
	worker_stop(h->wk); /* first: the job may be running */
	scan_split_free(h->scan_node, h->scan);
	agg_state_free(h->n, h->s);
	free(h->s);
	free(h->projected.cols);
	free(h);
}

static int agg_consume(struct node *n, struct exec_stats *st)
{
	struct agg_state *s = n->state;
	struct agg_half *half = NULL;
	int error;
	if (n->nkeys > 64)
		return error_setcode(PIPE_EUSAGE, "GROUP BY: too many keys (at most 64)");
	if ((error = agg_half_start(n, st, &half)) < 0)
		goto done;
	for (;;) {
		struct rb *in;
		if ((error = exec_next(n->child, st, &in)) <= 0)
			break;
		if ((error = agg_batch(n, s, in, st)) < 0)
			break;
	}
	if (error < 0 || (half && (error = agg_half_merge(n, s, half, st)) < 0))
		goto done;
	/* the results, one vec per aggregate */
	struct mat_state *m = &s->out;
	m->nrows = s->ngroups;
	m->cols = xcalloc(n->ncols + 1, sizeof *m->cols);
	for (size_t k = 0; k < n->nkeys; k++)
		m->cols[k] = s->keys[k], memset(&s->keys[k], 0, sizeof s->keys[k]);
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg *ag = &n->aggs[a];
		struct agg_run *r = &s->runs[a];
		struct vec *v = &m->cols[n->nkeys + a];
		if (ag->kind == AG_MIN || ag->kind == AG_MAX || ag->kind == AG_ANY) {
			*v = r->best;
			v->count = s->ngroups;
			memset(&r->best, 0, sizeof r->best);
			continue;
		}
		if (agg_collects(ag->kind)) {
			if ((error = collect_result(ag, r, s->ngroups, v)) < 0)
				goto done;
			continue;
		}
		vec_init(v, ag->type);
		vec_reserve(v, s->ngroups + 1);
		for (size_t g = 0; g < s->ngroups; g++) {
			struct value x;
			if (ag->kind == AG_COUNT || ag->kind == AG_COUNT_STAR || ag->kind == AG_COUNTIF)
				x = value_int64(r->cnt[g]);
			else if (ag->kind == AG_APPROX_DISTINCT)
				x = value_int64(hll_estimate(r->hll[g]));
			else if (r->cnt[g] == 0)
				x = value_null(ag->type);
			else if (ag->arg2) {
				const struct pair_moments *p = &r->pm[g];
				if (ag->kind == AG_COVAR_POP)
					x = value_float64(p->co / (double)r->cnt[g]);
				else if (r->cnt[g] < 2)
					x = value_null(ag->type);
				else if (ag->kind == AG_COVAR_SAMP)
					x = value_float64(p->co / (double)(r->cnt[g] - 1));
				else
					x = value_float64(p->co / sqrt(r->m2[g] * p->m2));
			} else if (ag->kind >= AG_VAR_SAMP) {
				bool samp = ag->kind == AG_VAR_SAMP || ag->kind == AG_STDDEV_SAMP;
				double var = r->m2[g] / (double)(r->cnt[g] - samp);
				if (samp && r->cnt[g] < 2)
					x = value_null(ag->type);
				else
					x = value_float64(ag->kind >= AG_STDDEV_SAMP ? sqrt(var) : var);
			} else if (ag->kind == AG_SUM)
				x = ag->type == TYPE_INT64 ? value_int64(r->isum[g]) :
				    ag->type == TYPE_NUMERIC ? value_numeric(r->nsum[g]) : value_float64(r->fsum[g]);
			else if (ag->type == TYPE_NUMERIC) {
				numeric_t c, q;
				numeric_from_int64(r->cnt[g], &c);
				if ((error = numeric_div(r->nsum[g], c, &q)) < 0)
					goto done;
				x = value_numeric(q);
			} else
				x = value_float64(r->fsum[g] / (double)r->cnt[g]);
			vec_push(v, &x);
		}
	}
done:
	agg_half_free(half);
	return error;
}

static int mat_emit(struct node *n, struct mat_state *m, struct rb **out)
{
	if (m->next >= m->nrows)
		return 0;
	if (!m->views) {
		m->views = xcalloc(n->ncols + 1, sizeof *m->views);
		rb_alloc(&m->rb, n->ncols);
	}
	size_t k = m->nrows - m->next < BATCH_ROWS ? m->nrows - m->next : BATCH_ROWS;
	for (size_t c = 0; c < n->ncols; c++) {
		vec_view(&m->views[c], &m->cols[c], m->next, k);
		m->rb.cols[c] = &m->views[c];
	}
	m->rb.n = k;
	m->next += k;
	*out = &m->rb;
	return 1;
}

static struct agg_state *agg_state_new(struct node *n)
{
	struct agg_state *s = xcalloc(1, sizeof *s);
	s->keys = xcalloc(n->nkeys + 1, sizeof *s->keys);
	for (size_t k = 0; k < n->nkeys; k++)
		vec_init(&s->keys[k], n->types[k]);
	s->by_null = UINT32_MAX;
	s->runs = xcalloc(n->naggs + 1, sizeof *s->runs);
	for (size_t a = 0; a < n->naggs; a++) {
		enum type t = n->aggs[a].arg ? n->aggs[a].arg->type : TYPE_INT64;
		vec_init(&s->runs[a].best, t == TYPE_NULL ? TYPE_INT64 : t);
		vec_init(&s->runs[a].dvals, t == TYPE_NULL ? TYPE_INT64 : t);
	}
	if (n->nkeys == 0) {
		agg_grow(s, n, 1);
		agg_init_group(s, n, 0);
		s->ngroups = 1;
	}
	return s;
}

int agg_next(struct node *n, struct exec_stats *st, struct rb **out)
{
	struct agg_state *s = n->state;
	if (!s) {
		s = n->state = agg_state_new(n);
		int error = agg_consume(n, st);
		if (error < 0)
			return error;
		s->out.done = true;
	}
	return mat_emit(n, &s->out, out);
}

void agg_free_state(struct node *n)
{
	agg_state_free(n, n->state);
}

static void agg_state_free(struct node *n, struct agg_state *s)
{
	vecs_free(s->keys, n->nkeys);
	for (size_t a = 0; a < n->naggs; a++) {
		struct agg_run *r = &s->runs[a];
		free(r->cnt);
		free(r->isum);
		free(r->fsum);
		free(r->m2);
		free(r->pm);
		free(r->nsum);
		free(r->has);
		for (size_t g = 0; r->hll && g < s->ngroups; g++)
			free(r->hll[g]);
		free(r->hll);
		vec_free(&r->best);
		vec_free(&r->dvals);
		free(r->dgroup);
		free(r->dtable);
		collect_free(&n->aggs[a], r);
	}
	free(s->runs);
	free(s->table);
	free(s->hashes);
	free(s->gid);
	free(s->rowhash);
	free(s->by_offset);
	vecs_free(s->out.cols, n->ncols);
	free(s->out.views);
	free(s->out.rb.cols);
}
