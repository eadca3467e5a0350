/* arena: a bump allocator for the bytes of strings. */
#ifndef PIPE_WAREHOUSE_ARENA_H
#define PIPE_WAREHOUSE_ARENA_H

#include <stddef.h>

/* A bump allocator for the bytes of strings: a vec keeps its strings in one,
 * and a reset frees them all at once without returning memory to malloc. */
struct arena {
	struct arena_chunk *head;
	size_t used, cap; /* within head */
};
void *arena_alloc(struct arena *a, size_t n);
const char *arena_strndup(struct arena *a, const char *p, size_t n);
void arena_reset(struct arena *a); /* keeps the largest chunk */
void arena_free(struct arena *a);

#endif
