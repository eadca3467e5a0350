/* kind_report: its "-- name:" query files, for the checks that are written
 * the same way (a table's checks_sql). */
#ifndef PIPE_KIND_REPORT_H
#define PIPE_KIND_REPORT_H

#include <stddef.h>

#include "target.h"

struct named_query {
	char *name;
	char *note; /* the comment lines below "-- name:", joined; may be "" */
	char *sql;
	int line;   /* of "-- name:", 1-based within the value */
};

/* The queries of a's value; errors at their place in it. */
int named_queries_parse(const struct attr *a, struct named_query **out, size_t *n);
void named_queries_free(struct named_query *q, size_t n);

#endif
