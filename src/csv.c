/* csv: see csv.h. */
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int csv_open(struct csv *c, const char *path)
{
	memset(c, 0, sizeof *c);
	c->next_line = 1;
	if (!(c->f = fopen(path, "r")))
		return error_set("%s: %s", path, strerror(errno));
	c->path = xstrdup(path);
	return 0;
}

void csv_close(struct csv *c)
{
	if (c->f)
		fclose(c->f);
	free(c->path);
	buf_free(&c->line);
	buf_free(&c->fields);
	free(c->off);
	free(c->len);
	memset(c, 0, sizeof *c);
}

/* Reads the raw bytes of one record, which may span lines inside quotes:
 * 1, or 0 at the end of the file. */
static int read_record(struct csv *c)
{
	char chunk[65536];
	bool quoted = false;
	size_t scanned = 0;
	buf_clear(&c->line);
	c->lineno = c->next_line;
	for (;;) {
		size_t n;
		if (!fgets(chunk, sizeof(chunk), c->f)) {
			if (ferror(c->f))
				return error_set("%s: %s", c->path, strerror(errno));
			if (!c->line.len)
				return 0;
			if (quoted)
				return error_setcode(PIPE_EUSAGE, "%s:%lld: a quoted field is not closed before the end of the file",
				                     c->path, (long long)c->lineno);
			break;
		}
		n = strlen(chunk);
		buf_add(&c->line, chunk, n);
		/* the same bound as a JSON record's: a 2 GB line is an error,
		 * not a 2 GB buffer */
		if (c->line.len > JSON_MAX_RECORD)
			return error_setcode(PIPE_EUSAGE, "%s:%lld: a record longer than %u MiB", c->path,
			                     (long long)c->lineno, JSON_MAX_RECORD >> 20);
		for (; scanned < c->line.len; scanned++)
			if (c->line.data[scanned] == '"')
				quoted = !quoted;
		if (n && chunk[n - 1] == '\n') {
			c->next_line++;
			if (!quoted)
				break;
		}
	}
	if (c->next_line == c->lineno)
		c->next_line++;
	return 1;
}

static void add_field(struct csv *c, size_t start)
{
	grow_array(&c->off, &c->cap, c->n + 1, sizeof(size_t));
	c->len = xrealloc(c->len, c->cap * sizeof(size_t));
	c->off[c->n] = start;
	c->len[c->n++] = c->fields.len - start;
}

/* Splits the record's bytes into fields, unquoting them. */
static int split_fields(struct csv *c)
{
	const char *p = c->line.data, *end = p + c->line.len;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	buf_clear(&c->fields);
	c->n = 0;
	for (;;) {
		size_t start = c->fields.len;
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));
				if (!q)
					return error_setcode(PIPE_EUSAGE, "%s:%lld: a quoted field is not closed", c->path,
					                     (long long)c->lineno);
				buf_add(&c->fields, p, (size_t)(q - p));
				p = q + 1;
				if (p < end && *p == '"') {
					buf_putc(&c->fields, '"');
					p++;
					continue;
				}
				break;
			}
			if (p < end && *p != ',')
				return error_setcode(PIPE_EUSAGE, "%s:%lld: text after a closing quote", c->path,
				                     (long long)c->lineno);
		} else {
			const char *q = memchr(p, ',', (size_t)(end - p));
			if (!q)
				q = end;
			buf_add(&c->fields, p, (size_t)(q - p));
			p = q;
		}
		add_field(c, start);
		if (p >= end)
			return 0;
		p++; /* the comma */
	}
}

int csv_next(struct csv *c)
{
	int got = read_record(c);
	if (got <= 0)
		return got;
	int error = split_fields(c);
	return error < 0 ? error : 1;
}
