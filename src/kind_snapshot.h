/* kind_snapshot: what the snapshot kind's output holds, for the kinds that
 * read it (the table kind loads its pages).  The directory's format is
 * described atop kind_snapshot.c. */
#ifndef PIPE_KIND_SNAPSHOT_H
#define PIPE_KIND_SNAPSHOT_H

#include <stddef.h>

#include "util.h"

/* Adds "field:TYPE" load hints from the snapshot's manifest.json in dir
 * (soda2_fields and soda2_types: arrays, or strings holding arrays, as
 * Socrata sends them).  A manifest without them adds nothing. */
void snapshot_hints(const char *dir, struct buf *hints);
/* Appends the paths of the snapshot's pages in dir, in order, to *paths
 * (*n of them, room for *cap). */
int snapshot_pages(const char *dir, char ***paths, size_t *n, size_t *cap);

#endif
