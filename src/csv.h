/* csv: CSV read a record at a time (RFC 4180: fields quoted with "" for a
 * quote and line breaks inside, CRLF or LF line ends), so that memory
 * stays one record whatever the size of the file.  Fields come as text;
 * what they mean is the loader's business. */
#ifndef PIPE_CSV_H
#define PIPE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct csv {
	FILE *f;
	char *path;
	struct buf line;   /* the record's raw bytes */
	struct buf fields; /* the decoded fields, back to back */
	size_t *off, *len; /* field i is fields.data + off[i], len[i] bytes */
	size_t n, cap;     /* the record's fields */
	int64_t lineno;    /* the line the record starts on, from 1 */
	int64_t next_line;
};

int csv_open(struct csv *c, const char *path);
/* Reads the next record: 1, 0 at the end of the file, < 0 on an error
 * (path:line: what is wrong). */
int csv_next(struct csv *c);
void csv_close(struct csv *c);

#endif
