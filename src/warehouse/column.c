/* column: the chunk encodings (the layout is also in docs/table-format.md).
 *
 * A chunk holds one column's values for one block, little-endian:
 *   fixed-width types  data[rows * width], then nulls[rows] if any is NULL
 *                      (BOOL 1 byte, DATE 4, INT64/FLOAT64/DATETIME/TIMESTAMP
 *                      8, NUMERIC 16 two's complement; a NULL row holds 0)
 *   STRING/BYTES/JSON  uint32 offsets[rows + 1] into the bytes that follow,
 *                      the bytes, then nulls[rows] if any is NULL
 * nulls[i] is 1 for a NULL row, 0 otherwise.  Whether the chunk has a nulls
 * array is known from the block's null count in the manifest.  These are the
 * in-memory layouts of struct vec, so reading is a pread into the vector. */
#include "column.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the column encodings assume a little-endian machine"
#endif

static int str_order(struct str a, struct str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	return c ? c : (a.len > b.len) - (a.len < b.len);
}

static void stats_minmax(const struct vec *v, const uint32_t *rows, size_t n, struct col_stats *st)
{
	st->min = value_null(v->type);
	st->max = value_null(v->type);
	if (v->type == TYPE_JSON)
		return; /* JSON has no order */
	bool found = false;
	size_t lo = 0, hi = 0;
	/* The common fixed-width types compare natively: this runs over every
	 * value a table writes. */
	switch (v->type) {
	case TYPE_INT64:
	case TYPE_DATETIME:
	case TYPE_TIMESTAMP:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (v->i64[r] < v->i64[lo]) {
				lo = r;
			} else if (v->i64[r] > v->i64[hi]) {
				hi = r;
			}
		}
		break;
	case TYPE_FLOAT64:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r] || v->f64[r] != v->f64[r])
				continue;
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (v->f64[r] < v->f64[lo]) {
				lo = r;
			} else if (v->f64[r] > v->f64[hi]) {
				hi = r;
			}
		}
		break;
	case TYPE_STRING:
	case TYPE_BYTES:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			if (v->str[r].len > COLUMN_STATS_MAX_STR)
				return; /* no bounds rather than a wrong one */
			if (!found) {
				lo = hi = r;
				found = true;
			} else if (str_order(v->str[r], v->str[lo]) < 0) {
				lo = r;
			} else if (str_order(v->str[r], v->str[hi]) > 0) {
				hi = r;
			}
		}
		break;
	default:
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (v->nulls[r])
				continue;
			struct value x = vec_get(v, r);
			if (type_is_string(v->type) && x.s.len > COLUMN_STATS_MAX_STR)
				return; /* no bounds rather than a wrong one */
			if (!found) {
				lo = hi = r;
				found = true;
				continue;
			}
			struct value a = vec_get(v, lo), b = vec_get(v, hi);
			if (value_order(&x, &a) < 0)
				lo = r;
			else if (value_order(&x, &b) > 0)
				hi = r;
		}
		break;
	}
	if (found) {
		st->min = vec_get(v, lo);
		st->max = vec_get(v, hi);
	}
}

void column_encode(const struct vec *v, const uint32_t *rows, size_t n, struct buf *out,
                   struct col_stats *st)
{
	uint64_t nulls = 0, bytes = 0;
	for (size_t k = 0; k < n; k++)
		nulls += v->nulls[rows[k]];
	if (type_is_string(v->type)) {
		uint32_t off = 0;
		buf_grow(out, (n + 1) * 4);
		buf_add(out, &off, 4);
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			off += v->nulls[r] ? 0 : (uint32_t)v->str[r].len;
			buf_add(out, &off, 4);
		}
		for (size_t k = 0; k < n; k++) {
			uint32_t r = rows[k];
			if (!v->nulls[r]) {
				struct value x = vec_get(v, r);
				buf_add(out, x.s.p, x.s.len);
				bytes += bytes_value(&x);
			}
		}
	} else {
		size_t w = type_width(v->type);
		buf_grow(out, n * w);
		char *dst = out->data + out->len;
		const char *src = v->data;
		switch (w) {
		case 1:
			for (size_t k = 0; k < n; k++)
				dst[k] = src[rows[k]];
			break;
		case 8:
			for (size_t k = 0; k < n; k++)
				memcpy(dst + k * 8, src + (size_t)rows[k] * 8, 8);
			break;
		default:
			for (size_t k = 0; k < n; k++)
				memcpy(dst + k * w, src + (size_t)rows[k] * w, w);
			break;
		}
		/* NULL rows hold zeros so that equal tables are equal bytes. */
		if (nulls)
			for (size_t k = 0; k < n; k++)
				if (v->nulls[rows[k]])
					memset(dst + k * w, 0, w);
		out->len += n * w;
		out->data[out->len] = '\0';
		struct value one = {.type = v->type};
		bytes = (n - nulls) * bytes_value(&one);
	}
	if (nulls) {
		buf_grow(out, n);
		for (size_t k = 0; k < n; k++)
			out->data[out->len + k] = (char)v->nulls[rows[k]];
		out->len += n;
		out->data[out->len] = '\0';
	}
	st->nulls = nulls;
	st->bytes = bytes;
	stats_minmax(v, rows, n, st);
}

static int read_full(int fd, void *p, size_t n, uint64_t offset)
{
	char *c = p;
	while (n) {
		ssize_t got = pread(fd, c, n, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return error_set("reading a column chunk: %s", got < 0 ? strerror(errno) : "file is truncated");
		c += got;
		n -= (size_t)got;
		offset += (uint64_t)got;
	}
	return 0;
}

int column_read(int fd, uint64_t offset, uint64_t length, uint32_t rows, bool has_nulls,
                struct vec *out)
{
	int error;
	vec_reset(out);
	vec_reserve(out, rows ? rows : 1);
	if (type_is_string(out->type)) {
		char *chunk = arena_alloc(&out->arena, length + 1);
		if ((error = read_full(fd, chunk, length, offset)) < 0)
			return error;
		const uint32_t *off = (const uint32_t *)chunk;
		uint64_t head = ((uint64_t)rows + 1) * 4;
		if (length < head || head + off[rows] + (has_nulls ? rows : 0) != length)
			return error_set("reading a column chunk: bad string offsets");
		const char *bytes = chunk + head;
		for (uint32_t i = 0; i < rows; i++) {
			if (off[i + 1] < off[i])
				return error_set("reading a column chunk: bad string offsets");
			out->str[i] = (struct str){bytes + off[i], off[i + 1] - off[i]};
		}
		if (has_nulls)
			memcpy(out->nulls, bytes + off[rows], rows);
		else
			memset(out->nulls, 0, rows);
	} else {
		size_t w = type_width(out->type);
		if (length != (uint64_t)rows * w + (has_nulls ? rows : 0))
			return error_set("reading a column chunk: %llu bytes where %llu were expected",
			                 (unsigned long long)length,
			                 (unsigned long long)((uint64_t)rows * w + (has_nulls ? rows : 0)));
		if ((error = read_full(fd, out->data, (size_t)rows * w, offset)) < 0)
			return error;
		if (has_nulls)
			error = read_full(fd, out->nulls, rows, offset + (uint64_t)rows * w);
		else
			memset(out->nulls, 0, rows);
		if (error < 0)
			return error;
	}
	out->count = rows;
	return 0;
}
