/* load_names: names and the schema's shape.  A record's key becomes a
 * column through load_column_name; a nested object's keys become
 * parent__child columns; an array becomes rows of a child table
 * <table>__<key> (inside the parent's directory), linked by
 * _pipe_parent_id and _pipe_list_idx; a name longer than LOAD_MAX_NAME is
 * shortened.  A node is one key under one parent (the root of a table or
 * a nested object): the cache that maps a record's raw key bytes to its
 * column without normalising the name again per row. */
#include "load_int.h"

#include <stdlib.h>
#include <string.h>

char *load_column_name(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	bool under = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (under && b.len)
				buf_putc(&b, '_');
			else if (under && !b.len)
				buf_putc(&b, '_');
			under = false;
			if (!b.len && c >= '0' && c <= '9')
				buf_putc(&b, '_');
			buf_putc(&b, c);
		} else
			under = true;
	}
	if (!b.len)
		buf_putc(&b, '_');
	return buf_detach(&b);
}

/* name, or when it is longer than LOAD_MAX_NAME, its start and a hash of
 * the whole (as dlt shortens identifiers): the same name every load. */
char *load_short_name(char *name)
{
	size_t len = strlen(name);
	char *s;
	if (len <= LOAD_MAX_NAME)
		return name;
	s = xasprintf("%.*s_%08x", LOAD_MAX_NAME - 9, name, (unsigned)(str_hash64(name, len) & 0xffffffffu));
	free(name);
	return s;
}

/* The column named name in t, made on first sight: keys that differ in the
 * source but normalise alike (VendorID, vendorid) share it. */
int load_column_new(struct loader *L, struct ltable *t, const char *name, struct column **out)
{
	struct column *c;
	if ((*out = strmap_get(&t->by_name, name)))
		return 0;
	/* the lineage columns count too */
	if (t->ncols + LIN_COUNT >= LOAD_MAX_COLUMNS)
		return load_row_error(L, "table %s: more than %d columns: BigQuery allows at most %d columns in a table, "
		                 "pipe's %d lineage columns included", t->name, LOAD_MAX_COLUMNS - LIN_COUNT,
		                 LOAD_MAX_COLUMNS, LIN_COUNT);
	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(name);
	c->pos = -1;
	for (size_t i = 0; i < L->nhints; i++)
		if (str_eq_nocase(L->hints[i].name, name)) {
			c->hint = L->hints[i].type;
			c->number = L->hints[i].number;
		}
	if (t->prev) {
		int k = table_column(t->prev, name);
		if (k >= 0) {
			c->fixed = true;
			c->type = t->prev->spec.cols[k].type;
		}
	}
	grow_array(&t->cols, &t->capcols, t->ncols + 1, sizeof(*t->cols));
	c->index = t->ncols;
	t->cols[t->ncols++] = c;
	strmap_put(&t->by_name, c->name, c);
	*out = c;
	return 0;
}

static int node_new(struct loader *L, int parent, const char *raw, size_t rawlen, int table, const char *name)
{
	struct node *n;
	grow_array(&L->nodes, &L->capnodes, L->nnodes + 1, sizeof(*L->nodes));
	n = &L->nodes[L->nnodes];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->raw = raw ? arena_strndup(&L->mem, raw, rawlen) : NULL;
	n->rawlen = rawlen;
	n->name = xstrdup(name);
	n->table = table;
	n->child = -1;
	return (int)L->nnodes++;
}

int load_table_new(struct loader *L, const char *name, int parent)
{
	struct ltable *t;
	int error;
	grow_array(&L->tables, &L->captables, L->ntables + 1, sizeof(*L->tables));
	t = &L->tables[L->ntables];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->parent = parent;
	t->root = node_new(L, -1, NULL, 0, (int)L->ntables, "");
	for (int i = 0; i < LIN_COUNT; i++)
		t->lin[i] = -1;
	if (L->prev_dir) {
		char *dir = parent < 0 ? xstrdup(L->prev_dir) : path_join(L->prev_dir, name);
		if (path_is_dir(dir) && (error = table_open(&t->prev, dir)) < 0) {
			free(dir);
			return error;
		}
		free(dir);
	}
	return (int)L->ntables++;
}

static uint64_t slot_hash(int parent, const char *raw, size_t len)
{
	return str_hash64(raw, len) ^ ((uint64_t)(unsigned)parent * 0x9e3779b97f4a7c15ULL);
}

static void slots_rehash(struct loader *L)
{
	size_t n = L->nslots ? L->nslots * 2 : 256;
	free(L->slots);
	L->slots = xmalloc(n * sizeof(int));
	memset(L->slots, 0xff, n * sizeof(int));
	L->nslots = n;
	for (size_t i = 0; i < L->nnodes; i++) {
		struct node *nd = &L->nodes[i];
		size_t h;
		if (!nd->raw)
			continue;
		h = slot_hash(nd->parent, nd->raw, nd->rawlen) & (n - 1);
		while (L->slots[h] >= 0)
			h = (h + 1) & (n - 1);
		L->slots[h] = (int)i;
	}
}

/* The node for key raw under parent, made on first sight. */
int load_node_get(struct loader *L, int parent, const char *raw, size_t len)
{
	size_t h;
	struct node *p;
	char *norm, *name;
	int id;
	if (L->nslots) {
		h = slot_hash(parent, raw, len) & (L->nslots - 1);
		while ((id = L->slots[h]) >= 0) {
			struct node *n = &L->nodes[id];
			if (n->parent == parent && n->rawlen == len && !memcmp(n->raw, raw, len))
				return id;
			h = (h + 1) & (L->nslots - 1);
		}
	}
	p = &L->nodes[parent];
	norm = load_column_name(raw, len);
	name = load_short_name(p->name[0] ? xasprintf("%s__%s", p->name, norm) : xstrdup(norm));
	id = node_new(L, parent, raw, len, p->table, name);
	free(norm);
	free(name);
	if ((L->nnodes + 1) * 2 > L->nslots)
		slots_rehash(L);
	else {
		h = slot_hash(parent, raw, len) & (L->nslots - 1);
		while (L->slots[h] >= 0)
			h = (h + 1) & (L->nslots - 1);
		L->slots[h] = id;
	}
	return id;
}
