/* Long query texts for the SQL limit tests, which test_sql.c runs and
 * test_sql_parse.c parses: nestings and chains of any length, and the start
 * of the error a too deep one gets. */
#ifndef PIPE_TEST_SQL_TEXT_H
#define PIPE_TEST_SQL_TEXT_H

#include "util.h"

/* pre + n times rep + mid + n times post + end */
static inline char *nest(const char *pre, const char *rep, size_t n, const char *mid, const char *post, const char *end)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, rep);
	buf_puts(&b, mid);
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, post);
	buf_puts(&b, end);
	return buf_detach(&b);
}

/* item sep item ... (n items, each printf'd with its index), then end
 * printf'd with n */
static inline char *chain(const char *pre, const char *item, const char *sep, size_t n, const char *end)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, pre);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_printf(&b, item, i, i);
	}
	buf_printf(&b, end, n, n);
	return buf_detach(&b);
}
static const char too_deep[] = "Out of stack space due to deeply nested query expression during query resolution "
			       "(pipe allows 1000 levels) at [";
#endif
