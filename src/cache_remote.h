/* cache_remote: the cache copied to and from a directory or a server that
 * speaks Bazel's remote cache protocol over HTTP (see cache_remote.c). */
#ifndef PIPE_CACHE_REMOTE_H
#define PIPE_CACHE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cache_transfer_stats {
	size_t sent;    /* objects moved */
	size_t present; /* already on the other side */
	size_t absent;  /* a pull: objects missing or damaged on the other side */
	uint64_t bytes;
};

/* push: the local cache's objects that other lacks, to other; pull: the
 * reverse (from a server: what state/'s records need).  other is a
 * directory or an http(s):// URL. */
int cache_transfer(const char *other, bool push, struct cache_transfer_stats *st);

#endif
