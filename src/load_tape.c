/* load_tape: the tape, the first pass's record of every value with its
 * node already resolved, which the second pass replays (no JSON to
 * tokenise again).  A temporary file beside the output, never kept.
 *
 * Numbers are unsigned LEB128 varints:
 *   'R' source, row                    a record starts (for messages)
 *   0x80|escaped<<4|type, node, len, bytes   a value (type: enum json_type)
 *   'I', node, zigzag(v)               values the first pass converted: a
 *   'D', node, zigzag(m), frac         NUMBER's whole value; its decimal
 *   'T', node, zigzag(v) | 8 bytes     m / 10^frac; a value of the hint's
 *                                      type (int64, days, 0/1, micros; a
 *                                      FLOAT64's 8 bytes as they are)
 *   'E' table, id, parent+1, root+1, index+1  a row ends
 * Row numbers on the tape count from 0 per table; the second pass makes
 * them row ids (row_id).
 *
 * Writing an event and reading a byte or a number are static inline in
 * load_int.h (both passes run them per value and per row); here are the
 * flush, and the refill near the end of the read buffer. */
#include "load_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tape_flush(struct loader *L)
{
	if (L->one_pass)
		return load_hand_tape(L);
	if (L->tape_out.len && fwrite(L->tape_out.data, 1, L->tape_out.len, L->tape) != L->tape_out.len)
		return error_set("%s: %s", L->tape_path, strerror(errno));
	buf_clear(&L->tape_out);
	return 0;
}

/* Near the end of the buffer: a byte at a time, refilling. */
uint64_t tape_varint_slow(struct loader *L)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		const char *p = tape_get(L, 1);
		if (!p)
			return 0;
		v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80))
			return v;
	}
}

const char *tape_refill(struct loader *L, size_t n)
{
	size_t have = L->tape_len - L->tape_pos;
	const char *p;
	if (have)
		memmove(L->tape_in, L->tape_in + L->tape_pos, have);
	L->tape_len = have;
	L->tape_pos = 0;
	if (L->feed) {
		/* chunks end at a row's end, so have is 0 but for a damaged tape */
		struct buf used = BUF_INIT, chunk;
		if (!have) {
			used = (struct buf){L->tape_in, 0, L->tape_cap};
			L->tape_in = NULL;
			L->tape_cap = 0;
		}
		while (L->tape_len < n) {
			if (!load_store_pop(L->feed, &used, &chunk))
				return NULL;
			if (!L->tape_len) {
				free(L->tape_in);
				L->tape_in = chunk.data;
				L->tape_cap = chunk.cap;
				L->tape_len = chunk.len;
			} else {
				L->tape_in = xrealloc(L->tape_in, L->tape_len + chunk.len);
				memcpy(L->tape_in + L->tape_len, chunk.data, chunk.len);
				L->tape_len += chunk.len;
				L->tape_cap = L->tape_len;
				buf_free(&chunk);
			}
		}
		L->tape_pos = n;
		return L->tape_in;
	}
	if (L->tape_cap < n || L->tape_cap < (1u << 20)) {
		L->tape_cap = n > (1u << 20) ? n : (1u << 20);
		L->tape_in = xrealloc(L->tape_in, L->tape_cap);
	}
	L->tape_len += fread(L->tape_in + have, 1, L->tape_cap - have, L->tape);
	if (L->tape_len < n)
		return NULL;
	p = L->tape_in;
	L->tape_pos += n;
	return p;
}
