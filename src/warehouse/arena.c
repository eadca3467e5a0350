/* arena: a bump allocator for the bytes of strings (see arena.h). */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (!a->head || a->cap - a->used < n) {
		/* the first chunk as small as asked: a scan of 100,000
		 * columns has an arena per column */
		size_t cap = a->head ? a->head->cap * 2 : 256;
		if (cap > (8u << 20))
			cap = 8u << 20;
		if (cap < n)
			cap = n;
		struct arena_chunk *c = xmalloc(sizeof *c + cap);
		c->next = a->head;
		c->cap = cap;
		a->head = c;
		a->cap = cap;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	return p;
}

const char *arena_strndup(struct arena *a, const char *p, size_t n)
{
	char *q = arena_alloc(a, n + 1);
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = NULL;
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (!keep || c->cap > keep->cap) {
			free(keep);
			keep = c;
		} else {
			free(c);
		}
	}
	a->head = keep;
	if (keep)
		keep->next = NULL;
	a->cap = keep ? keep->cap : 0;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = a->cap = 0;
}
