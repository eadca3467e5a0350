/* load_walk: the first pass over every source: JSON and NDJSON records
 * (read and tokenised ahead by json.c's reader) and CSV rows, walked key
 * by key to their nodes, each value to scalar and each row's end to
 * row_end; nested objects flatten, arrays become child table rows. */
#include "load_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"

/* A row's number on the tape: its position in this load's rows of t. */
static int64_t row_begin(struct ltable *t)
{
	return t->next_id++;
}

static int walk_object(struct loader *L, const struct json_doc *d, int tok, int parent_node, int64_t row_id,
                       int64_t root_id, int depth, int *next);

/* memcmp(a, b, n) == 0 for the short keys of every record, eight bytes at
 * a time and without a call. */
static inline bool same_key(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	if (n < 8)
		return !memcmp(a, b, n);
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

static struct cell tok_cell(const struct json_doc *d, int i)
{
	const struct json_tok *t = &d->toks[i];
	return (struct cell){(uint8_t)t->type, t->type == JSON_STRING, d->text + t->start, (size_t)(t->end - t->start)};
}

/* A value's JSON text as one string: a list in a list, or an object or a
 * list nested deeper than LOAD_MAX_NESTING. */
static struct cell json_text_cell(const struct json_doc *d, int i)
{
	return (struct cell){JSON_STRING, false, d->text + d->toks[i].start, (size_t)(d->toks[i].end - d->toks[i].start)};
}

/* The elements of the array at tok as rows of node's child table; depth
 * is the array's level below the record, its objects' too. */
static int walk_array(struct loader *L, const struct json_doc *d, int tok, int node, int64_t parent_id,
                      int64_t root_id, int depth, int *next)
{
	struct ltable *t;
	int child = L->nodes[node].child, n = d->toks[tok].size, i = tok + 1, error;
	if (n == 0) {
		*next = i;
		return 0;
	}
	if (child < 0) {
		struct node *nd = &L->nodes[node];
		char *name = xasprintf("%s__%s", L->tables[nd->table].name, nd->name);
		if (L->pass == 2) {
			free(name);
			return error_set("internal error: a child table appeared in the second pass");
		}
		error = load_table_new(L, name, nd->table);
		free(name);
		if (error < 0)
			return error;
		child = error;
		L->nodes[node].child = child;
	}
	for (int k = 0; k < n; k++) {
		int64_t id;
		t = &L->tables[child];
		id = row_begin(t);
		if (root_id < 0)
			root_id = parent_id;
		if (d->toks[i].type == JSON_OBJECT) {
			if ((error = walk_object(L, d, i, L->tables[child].root, id, root_id, depth, &i)) < 0)
				return error;
		} else {
			int vn = load_node_get(L, L->tables[child].root, "value", 5);
			struct cell c = tok_cell(d, i);
			if (d->toks[i].type == JSON_ARRAY) /* a list in a list: kept as its JSON text */
				c = json_text_cell(d, i);
			if ((error = load_scalar(L, vn, &c)) < 0)
				return error;
			i = json_skip(d, i);
		}
		if ((error = load_row_end(L, &L->tables[child], id, parent_id, root_id, k)) < 0)
			return error;
	}
	*next = i;
	return 0;
}

/* depth: the object's level below the record (0). */
static int walk_object(struct loader *L, const struct json_doc *d, int tok, int parent_node, int64_t row_id,
                       int64_t root_id, int depth, int *next)
{
	int n = d->toks[tok].size, i = tok + 1, error;
	for (int k = 0; k < n; k++) {
		const struct json_tok *key = &d->toks[i];
		const char *raw = d->text + key->start;
		size_t len = (size_t)(key->end - key->start);
		struct node *p = &L->nodes[parent_node];
		int node = (size_t)k < p->norder ? p->order[k] : -1, v = i + 1;
		if (node < 0 || L->nodes[node].rawlen != len || !same_key(L->nodes[node].raw, raw, len)) {
			node = load_node_get(L, parent_node, raw, len);
			p = &L->nodes[parent_node];
			grow_array(&p->order, &p->caporder, (size_t)k + 1, sizeof(int));
			while (p->norder <= (size_t)k)
				p->order[p->norder++] = -1;
			p->order[k] = node;
		}
		if ((d->toks[v].type == JSON_OBJECT || d->toks[v].type == JSON_ARRAY) && depth >= LOAD_MAX_NESTING) {
			struct cell c = json_text_cell(d, v);
			if ((error = load_scalar(L, node, &c)) < 0)
				return error;
			i = json_skip(d, v);
			continue;
		}
		switch (d->toks[v].type) {
		case JSON_OBJECT:
			if ((error = walk_object(L, d, v, node, row_id, root_id, depth + 1, &i)) < 0)
				return error;
			break;
		case JSON_ARRAY:
			if ((error = walk_array(L, d, v, node, row_id, root_id, depth + 1, &i)) < 0)
				return error;
			break;
		default: {
			struct cell c = tok_cell(d, v);
			if ((error = load_scalar(L, node, &c)) < 0)
				return error;
			i = v + 1;
		}
		}
	}
	*next = i;
	return 0;
}

static int load_record(struct loader *L, const struct json_doc *d)
{
	int64_t id;
	int next, error;
	tape_record(L);
	id = row_begin(&L->tables[0]);
	if ((error = walk_object(L, d, 0, L->tables[0].root, id, -1, 0, &next)) < 0)
		return error;
	return load_row_end(L, &L->tables[0], id, -1, -1, -1);
}

/* A CSV field's text is typed as a JSON value would be by its look: 12
 * INT64, 1.5 FLOAT64, true BOOL, ISO dates; an empty field is NULL. */
static struct cell csv_cell(const char *p, size_t len)
{
	bool f;
	struct cell c = {JSON_STRING, false, p, len};
	if (len == 0)
		c.type = JSON_NULL;
	else if ((len == 4 && !strncasecmp(p, "true", 4)))
		c.type = JSON_TRUE;
	else if (len == 5 && !strncasecmp(p, "false", 5))
		c.type = JSON_FALSE;
	else if ((*p == '-' || (*p >= '0' && *p <= '9'))) {
		/* The JSON number grammar, so that 007 or 1. stay strings. */
		const char *q = p, *end = p + len;
		f = false;
		if (*q == '-')
			q++;
		if (q < end && *q == '0')
			q++;
		else
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		if (q < end && *q == '.') {
			const char *d = ++q;
			f = true;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return c;
		}
		if (q < end && (*q == 'e' || *q == 'E')) {
			const char *d;
			f = true;
			q++;
			if (q < end && (*q == '+' || *q == '-'))
				q++;
			d = q;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return c;
		}
		if (q == end && q > p + (*p == '-'))
			c.type = f ? JSON_FLOAT : JSON_INT;
	}
	return c;
}

static int load_csv(struct loader *L, const char *path)
{
	struct csv c;
	int *nodes = NULL, error;
	size_t nheader = 0;
	if ((error = csv_open(&c, path)) < 0)
		return error;
	if ((error = csv_next(&c)) <= 0) {
		if (error == 0)
			error = error_setcode(PIPE_EUSAGE, "%s: the file is empty: expected a header line", path);
		goto done;
	}
	nheader = c.n;
	if (c.len[0] >= 3 && !memcmp(c.fields.data, "\xef\xbb\xbf", 3)) {
		c.off[0] += 3; /* a UTF-8 byte order mark, as spreadsheets write */
		c.len[0] -= 3;
	}
	nodes = xcalloc(nheader, sizeof(int));
	for (size_t i = 0; i < nheader; i++)
		nodes[i] = load_node_get(L, L->tables[0].root, c.fields.data + c.off[i], c.len[i]);
	while ((error = csv_next(&c)) > 0) {
		struct ltable *t = &L->tables[0];
		int64_t id;
		L->line = c.lineno;
		L->col = 1;
		L->rowno++;
		if (c.n == 1 && c.len[0] == 0)
			continue; /* a blank line */
		if (c.n != nheader) {
			error = error_setcode(PIPE_EUSAGE, "%s:%lld: %zu fields, but the header names %zu", path,
			                      (long long)c.lineno, c.n, nheader);
			goto done;
		}
		tape_record(L);
		id = row_begin(t);
		for (size_t i = 0; i < c.n; i++) {
			struct cell v = csv_cell(c.fields.data + c.off[i], c.len[i]);
			if ((error = load_scalar(L, nodes[i], &v)) < 0)
				goto done;
		}
		if ((error = load_row_end(L, t, id, -1, -1, -1)) < 0)
			goto done;
		L->loaded++;
	}
done:
	csv_close(&c);
	free(nodes);
	return error;
}

static enum load_format format_of(const struct load_options *o, const char *path)
{
	if (o->format != LOAD_AUTO)
		return o->format;
	if (str_ends(path, ".csv"))
		return LOAD_CSV;
	if (str_ends(path, ".ndjson") || str_ends(path, ".jsonl"))
		return LOAD_NDJSON;
	return LOAD_AUTO;
}

/* One pass over every source. */
int load_run_pass(struct loader *L)
{
	struct json_doc doc = {0};
	int error = 0;
	L->loaded = 0;
	for (size_t i = 0; i < L->o->npaths && error >= 0; i++) {
		const char *path = L->o->paths[i];
		enum load_format f = format_of(L->o, path);
		struct json_reader *r = NULL;
		L->src = path;
		L->src_index = i;
		L->rowno = 0;
		L->reader = NULL;
		L->line = 0;
		if (f == LOAD_CSV) {
			error = load_csv(L, path);
			continue;
		}
		if ((error = json_reader_open(&r, path, f == LOAD_NDJSON ? JSON_FORMAT_NDJSON : f == LOAD_JSON ? JSON_FORMAT_ARRAY : JSON_FORMAT_AUTO,
		                              L->o->records)) < 0)
			break;
		L->reader = r;
		while ((error = json_reader_next(r, &doc)) > 0) {
			L->rowno = json_reader_index(r) + 1;
			if ((error = load_record(L, &doc)) < 0)
				break;
			L->loaded++;
		}
		json_reader_free(r);
		L->reader = NULL;
	}
	json_doc_free(&doc);
	L->walked = true;
	if (error >= 0)
		error = tape_flush(L);
	return error;
}
