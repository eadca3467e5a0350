/* hll: HyperLogLog (Flajolet et al. 2007) of 2^12 one-byte registers: a
 * value's 64-bit hash, mixed, picks a register by its top 12 bits and the
 * register keeps the longest run of leading zeros (+1) seen in the rest.
 * The estimate's standard error is 1.04/sqrt(4096), about 1.6%; below
 * 2.5 * 4096 it counts the empty registers instead (linear counting),
 * which is near exact for small counts.  A register keeps a maximum, so a
 * sketch does not depend on the order its values came in, and two merge
 * into the sketch of both.
 *
 * The table writer keeps one per column as it encodes the blocks, and
 * writes them beside the table's other files (table_format.c), so that a
 * table's distinct estimates cost no reading of its rows:
 *
 *   <table>/sketches   binary, little-endian
 *     "pipe-sketches 1\n"
 *     uint32 ncols                  the manifest's columns
 *     per column, in column order:
 *       uint8 form                  0: none (a JSON column), 1: sparse, 2: dense
 *       sparse: uint16 n, then n times (uint16 register, uint8 value),
 *               registers ascending, values not 0
 *       dense:  the 4096 registers
 *
 * Sparse while it is the smaller (under 1,364 registers set), so a small
 * table's file is small.  The same values give the same bytes. */
#include "hll.h"

#include <math.h>
#include <stdlib.h>

#define HLL_MAGIC "pipe-sketches 1\n"
#define SPARSE_MAX ((HLL_M - 2) / 3)

/* str_hash64 is FNV-1a, whose top bits are weak, and the fixed-width
 * hashes are the values themselves: mix them all. */
static inline uint64_t hll_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* hll_add's body, inlined into the writer's loops below */
static inline void add_hash(uint8_t *reg, uint64_t hash)
{
	uint64_t h = hll_mix(hash), rest = h << HLL_P;
	uint8_t rank = rest ? (uint8_t)(__builtin_clzll(rest) + 1) : (uint8_t)(64 - HLL_P + 1);
	if (rank > reg[h >> (64 - HLL_P)])
		reg[h >> (64 - HLL_P)] = rank;
}

void hll_add(uint8_t *reg, uint64_t hash) { add_hash(reg, hash); }

int64_t hll_estimate(const uint8_t *reg)
{
	double m = HLL_M, sum = 0, e;
	unsigned zeros = 0;
	if (!reg)
		return 0;
	for (unsigned j = 0; j < HLL_M; j++) {
		sum += ldexp(1.0, -reg[j]);
		zeros += reg[j] == 0;
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	return (int64_t)(e + 0.5);
}

/* A value's hash into the registers, unless it is the one the row before
 * held: rows come clustered, so runs of one value are common, and cost a
 * compare. */
struct run {
	uint64_t last;
	bool have;
};

static inline void add_new(uint8_t *reg, struct run *r, uint64_t h)
{
	if (r->have && h == r->last)
		return;
	r->have = true;
	r->last = h;
	add_hash(reg, h);
}

void hll_add_rows(uint8_t *reg, const struct vec *v, const uint32_t *ids, size_t n)
{
	struct run r = {0};
	const struct str *prev = NULL;
	/* a loop per type: the switch once per block, not per value */
	switch (v->type) {
	case TYPE_INT64:
	case TYPE_TIMESTAMP:
	case TYPE_DATETIME:
		for (size_t k = 0; k < n; k++) {
			size_t i = ids ? ids[k] : k;
			if (!v->nulls[i])
				add_new(reg, &r, (uint64_t)v->i64[i]);
		}
		return;
	case TYPE_FLOAT64:
		for (size_t k = 0; k < n; k++) {
			size_t i = ids ? ids[k] : k;
			if (!v->nulls[i])
				add_new(reg, &r, hll_hash(v, i));
		}
		return;
	default:
		break;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = ids ? ids[k] : k;
		if (v->nulls[i])
			continue;
		if (type_is_string(v->type)) {
			/* the same bytes as the row before: no hashing them */
			const struct str *s = &v->str[i];
			if (prev && prev->len == s->len && (!s->len || s->p == prev->p || !memcmp(s->p, prev->p, s->len)))
				continue;
			prev = s;
		}
		add_new(reg, &r, hll_hash(v, i));
	}
}

void hll_merge(uint8_t *dst, const uint8_t *src)
{
	for (unsigned j = 0; j < HLL_M; j++)
		if (src[j] > dst[j])
			dst[j] = src[j];
}

bool hll_sketched(enum type t) { return t != TYPE_JSON; }

int hll_file_write(const char *dir, uint8_t *const *sketches, size_t ncols, const struct file_hasher *hasher)
{
	struct buf b = BUF_INIT;
	uint32_t n32 = (uint32_t)ncols;
	char *path = path_join(dir, HLL_FILE);
	int error;
	buf_puts(&b, HLL_MAGIC);
	buf_add(&b, &n32, 4);
	for (size_t c = 0; c < ncols; c++) {
		const uint8_t *reg = sketches[c];
		uint16_t set = 0;
		for (unsigned j = 0; reg && j < HLL_M; j++)
			set += reg[j] != 0;
		if (!reg) {
			buf_putc(&b, 0);
		} else if (set < SPARSE_MAX) {
			buf_putc(&b, 1);
			buf_add(&b, &set, 2);
			for (uint16_t j = 0; j < HLL_M; j++)
				if (reg[j]) {
					buf_add(&b, &j, 2);
					buf_putc(&b, (char)reg[j]);
				}
		} else {
			buf_putc(&b, 2);
			buf_add(&b, reg, HLL_M);
		}
	}
	error = file_write_atomic_hashed(path, b.data, b.len, hasher);
	buf_free(&b);
	free(path);
	return error;
}

void hll_sketches_free(uint8_t **sketches, size_t ncols)
{
	for (size_t c = 0; sketches && c < ncols; c++)
		free(sketches[c]);
	free(sketches);
}

int hll_file_read(const char *dir, size_t ncols, uint8_t ***out)
{
	struct buf b = BUF_INIT;
	char *path = path_join(dir, HLL_FILE);
	uint8_t **v = NULL;
	const uint8_t *p, *end;
	uint32_t n32;
	int error = 0;
	*out = NULL;
	if (!path_exists(path))
		goto done;
	if ((error = file_read(path, &b)) < 0)
		goto done;
	p = (const uint8_t *)b.data + strlen(HLL_MAGIC);
	end = (const uint8_t *)b.data + b.len;
	if (b.len < strlen(HLL_MAGIC) + 4 || memcmp(b.data, HLL_MAGIC, strlen(HLL_MAGIC)))
		goto bad;
	memcpy(&n32, p, 4);
	p += 4;
	if (n32 != ncols)
		goto bad;
	v = xcalloc(ncols ? ncols : 1, sizeof *v);
	for (size_t c = 0; c < ncols; c++) {
		uint8_t form;
		if (p >= end)
			goto bad;
		form = *p++;
		if (form == 0)
			continue;
		v[c] = xcalloc(HLL_M, 1);
		if (form == 2) {
			if ((size_t)(end - p) < HLL_M)
				goto bad;
			memcpy(v[c], p, HLL_M);
			p += HLL_M;
		} else if (form == 1) {
			uint16_t set, j;
			if (end - p < 2)
				goto bad;
			memcpy(&set, p, 2);
			p += 2;
			if ((size_t)(end - p) < (size_t)set * 3)
				goto bad;
			for (uint16_t k = 0; k < set; k++, p += 3) {
				memcpy(&j, p, 2);
				if (j >= HLL_M || !p[2])
					goto bad;
				v[c][j] = p[2];
			}
		} else {
			goto bad;
		}
		for (unsigned j = 0; j < HLL_M; j++)
			if (v[c][j] > 64 - HLL_P + 1)
				goto bad;
	}
	if (p != end)
		goto bad;
	*out = v;
	v = NULL;
	goto done;
bad:
	error = error_set("%s: truncated or malformed (expected the sketches of %zu columns)", path, ncols);
done:
	hll_sketches_free(v, ncols);
	buf_free(&b);
	free(path);
	return error;
}
