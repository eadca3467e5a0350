/* load_merge: append and merge outputs, assembled from the old table's
 * rows and the new ones (staged beside the output by the second pass).
 *
 * A merge keeps one row per primary key, of the old table's rows and this
 * load's: the newest, that is the last in load order, or the one with the
 * largest dedup_sort value (the smallest with "desc"), later rows winning
 * ties.  Deciding it holds nothing per key in memory.  Every row of the old
 * table, then of this load, gets a number in the order copy_rows reads them;
 * a temporary table of (hash of the key, number, sort value, key values),
 * clustered by the hash, has the table writer sort them within its memory
 * budget; read back, the rows of one key are neighbours (in number order:
 * the writer's sort is stable), and each key's winner sets its row's bit
 * in a bitmap, one bit per row.  copy_rows then keeps the root rows whose
 * bit is set, and the child rows whose root row was kept: for those, the
 * kept root ids are held sorted (8 bytes a kept root row, only when the
 * load has child tables). */
#include "load_int.h"

#include <stdlib.h>
#include <string.h>

struct idset {
	int64_t *ids;
	size_t n, cap;
};

/* Which rows of a source table copy_rows keeps (NULL: every row). */
struct keep {
	const uint8_t *bits;   /* the root table: a bit per row number */
	uint64_t first;        /* the number of the source's first row */
	struct idset *collect; /* the root table: gets the ids kept (or NULL) */
	const struct idset *roots; /* a child table: the root ids kept */
};

static int compare_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The primary key and dedup_sort of a merge, and the temporary table that
 * sorts the rows by key. */
struct dedup {
	char **keys;
	size_t nkeys;
	char *sort; /* or NULL */
	int sort_dir; /* 1: the largest sort value wins, -1: the smallest */
	char *dir;
	struct table_spec spec; /* h, n, [sort], k0, k1, ... */
	struct table_writer *w;
	struct batch b;
	uint64_t rows; /* numbered so far */
};

static int no_column(struct loader *L, const char *option, const char *name, const char *table)
{
	return error_setcode(PIPE_EUSAGE, "%s%s%s: no column %s in table %s", L->o->where ? L->o->where : "",
	                     L->o->where ? ": " : "", option, name, table);
}

static int dedup_open(struct loader *L, struct dedup *d)
{
	int error;
	const struct table_spec *out = &L->tables[0].spec;
	char *copy = xstrdup(L->o->primary_key ? L->o->primary_key : ""), *save = NULL;
	for (char *w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
		d->keys = xrealloc(d->keys, (d->nkeys + 1) * sizeof(char *));
		d->keys[d->nkeys++] = xstrdup(w);
	}
	free(copy);
	if (L->o->dedup_sort) {
		char name[256];
		sscanf(L->o->dedup_sort, "%255s", name);
		d->sort = xstrdup(name);
		d->sort_dir = strcasestr(L->o->dedup_sort, " desc") ? -1 : 1;
	}
	size_t n = 2 + (d->sort != NULL) + d->nkeys, c = 0;
	struct column_def *cols = xcalloc(n, sizeof *cols);
	enum type *types = xcalloc(n, sizeof *types);
	cols[c++] = (struct column_def){xstrdup("h"), TYPE_INT64};
	cols[c++] = (struct column_def){xstrdup("n"), TYPE_INT64};
	for (size_t i = 0; i < (d->sort != NULL) + d->nkeys; i++) {
		const char *name = d->sort && i == 0 ? d->sort : d->keys[i - (d->sort != NULL)];
		int k = table_spec_column(out, name);
		if (k < 0) {
			for (size_t j = 0; j < c; j++)
				free(cols[j].name);
			free(cols);
			free(types);
			return no_column(L, d->sort && i == 0 ? "dedup_sort" : "primary_key", name, out->name);
		}
		cols[c++] = (struct column_def){xasprintf("c%zu", i), out->cols[k].type};
	}
	for (size_t i = 0; i < n; i++)
		types[i] = cols[i].type;
	d->spec = (struct table_spec){.name = xstrdup("keys"), .ncols = n, .cols = cols, .ncluster = 1};
	d->spec.cluster[0] = xstrdup("h");
	batch_init(&d->b, n, types);
	free(types);
	d->dir = xasprintf("%s.keys", L->o->out_dir);
	if ((error = rm_rf(d->dir)) < 0 || (error = mkdir_p(d->dir)) < 0 ||
	    (error = table_writer_open(&d->w, d->dir, &d->spec)) < 0)
		return error;
	table_writer_set_memory(d->w, LOAD_WRITER_MEMORY);
	return 0;
}

static void dedup_free(struct dedup *d)
{
	if (d->w)
		table_writer_abort(d->w);
	if (d->dir)
		rm_rf(d->dir);
	free(d->dir);
	for (size_t i = 0; i < d->nkeys; i++)
		free(d->keys[i]);
	free(d->keys);
	free(d->sort);
	for (size_t i = 0; i < d->spec.ncols; i++)
		free(d->spec.cols[i].name);
	free(d->spec.cols);
	d->spec.cols = NULL;
	d->spec.ncols = 0;
	free(d->spec.name);
	free(d->spec.cluster[0]);
	batch_free(&d->b);
}

/* Numbers the rows of the root table at dir and writes their keys. */
static int dedup_add(struct loader *L, struct dedup *d, const char *dir)
{
	struct table *t = NULL;
	struct batch b = {0};
	size_t nk = (d->sort != NULL) + d->nkeys, first = 2;
	int *cols = xcalloc(nk, sizeof(int)), error = 0;
	if ((error = table_open(&t, dir)) < 0)
		goto done;
	for (size_t i = 0; i < nk; i++) {
		const char *name = d->sort && i == 0 ? d->sort : d->keys[i - (d->sort != NULL)];
		if ((cols[i] = table_column(t, name)) < 0) {
			error = no_column(L, d->sort && i == 0 ? "dedup_sort" : "primary_key", name, t->spec.name);
			goto done;
		}
	}
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if ((error = table_read(t, p, bl, cols, nk, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++) {
				uint64_t h = 0x243f6a8885a308d3ULL;
				for (size_t i = 0; i < nk; i++) {
					struct value v = vec_get(&b.cols[i], r);
					vec_push(&d->b.cols[first + i], &v);
				}
				/* hashed as the output's types hold them, as they are compared */
				for (size_t i = d->sort != NULL; i < nk; i++) {
					struct value v = vec_get(&d->b.cols[first + i], d->b.nrows);
					h = (h ^ value_hash(&v)) * 0x100000001b3ULL;
					h ^= h >> 29;
				}
				struct value hv = value_int64((int64_t)h), nv = value_int64((int64_t)d->rows++);
				vec_push(&d->b.cols[0], &hv);
				vec_push(&d->b.cols[1], &nv);
				if (++d->b.nrows == BATCH_ROWS) {
					if ((error = table_writer_append(d->w, &d->b)) < 0)
						goto done;
					batch_reset(&d->b);
				}
			}
		}
done:
	batch_free(&b);
	if (t)
		table_close(t);
	free(cols);
	return error;
}

/* One key's newest row so far, among the rows of one hash. */
struct candidate {
	struct value *vals; /* [sort], keys: copies */
	uint64_t n;
};

static bool same_dedup_key(const struct dedup *d, const struct value *a, const struct value *b)
{
	for (size_t i = d->sort != NULL; i < (d->sort != NULL) + d->nkeys; i++)
		if (!value_same(&a[i], &b[i]))
			return false;
	return true;
}

/* Reads the sorted keys back and sets the bit of each key's winner. */
static int dedup_winners(struct dedup *d, uint8_t **bits)
{
	struct table *t = NULL;
	struct batch b = {0};
	struct candidate *cand = NULL;
	size_t ncand = 0, capcand = 0, nv = (d->sort != NULL) + d->nkeys;
	struct value *row = xcalloc(nv, sizeof *row);
	struct arena mem = {0};
	int64_t group = 0;
	int error = 0;
	int *cols = xcalloc(d->spec.ncols, sizeof(int));
	for (size_t i = 0; i < d->spec.ncols; i++)
		cols[i] = (int)i;
	*bits = xcalloc(d->rows / 8 + 1, 1);
	error = table_writer_finish(d->w);
	d->w = NULL;
	if (error < 0 || (error = table_open(&t, d->dir)) < 0)
		goto done;
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if ((error = table_read(t, p, bl, cols, d->spec.ncols, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++) {
				int64_t h = vec_get(&b.cols[0], r).i;
				uint64_t n = (uint64_t)vec_get(&b.cols[1], r).i;
				if (ncand && h != group) {
					for (size_t c = 0; c < ncand; c++)
						(*bits)[cand[c].n >> 3] |= (uint8_t)(1u << (cand[c].n & 7));
					ncand = 0;
					arena_reset(&mem);
				}
				group = h;
				for (size_t i = 0; i < nv; i++)
					row[i] = vec_get(&b.cols[2 + i], r);
				size_t c = 0;
				while (c < ncand && !same_dedup_key(d, cand[c].vals, row))
					c++;
				if (c == ncand) {
					grow_array(&cand, &capcand, ncand + 1, sizeof *cand);
					cand[ncand].vals = arena_alloc(&mem, nv * sizeof(struct value));
					ncand++;
				} else if (d->sort && d->sort_dir * value_order(&row[0], &cand[c].vals[0]) < 0) {
					continue; /* the kept row is newer */
				}
				for (size_t i = 0; i < nv; i++) {
					struct value v = row[i];
					if (type_is_string(v.type) && !v.is_null)
						v.s.p = arena_strndup(&mem, v.s.p, v.s.len);
					cand[c].vals[i] = v;
				}
				cand[c].n = n;
			}
		}
	for (size_t c = 0; c < ncand; c++)
		(*bits)[cand[c].n >> 3] |= (uint8_t)(1u << (cand[c].n & 7));
done:
	batch_free(&b);
	if (t)
		table_close(t);
	arena_free(&mem);
	free(cand);
	free(row);
	free(cols);
	return error;
}

/* Copies the rows of the table at dir that keep allows (every row when
 * keep is NULL) into t's writer, column by column by name. */
static int copy_rows(struct ltable *t, const char *dir, const struct keep *keep, bool existing)
{
	struct table *src = NULL;
	struct batch b = {0};
	int *cols = NULL, *map = NULL, error, idcol;
	size_t ncols = 0;
	uint64_t n = keep ? keep->first : 0;
	if (!path_is_dir(dir))
		return 0;
	if ((error = table_open(&src, dir)) < 0)
		return error;
	cols = xcalloc(t->spec.ncols, sizeof(int));
	map = xcalloc(t->spec.ncols, sizeof(int));
	for (size_t i = 0; i < t->spec.ncols; i++) {
		int k = table_column(src, t->spec.cols[i].name);
		map[i] = -1;
		if (k >= 0) {
			map[i] = (int)ncols;
			cols[ncols++] = k;
		}
	}
	idcol = map[t->lin[t->parent < 0 ? LIN_ROW_ID : LIN_ROOT_ID]];
	for (size_t p = 0; p < src->npartitions; p++)
		for (size_t bl = 0; bl < src->partitions[p].nblocks; bl++) {
			if ((error = table_read(src, p, bl, cols, ncols, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++, n++) {
				if (keep) {
					int64_t id = idcol >= 0 ? vec_get(&b.cols[idcol], r).i : -1;
					if (keep->bits && !(keep->bits[n >> 3] & (1u << (n & 7))))
						continue;
					if (keep->roots && (!keep->roots->n || !bsearch(&id, keep->roots->ids, keep->roots->n,
					                                                  sizeof id, compare_id)))
						continue;
					if (keep->collect) {
						grow_array(&keep->collect->ids, &keep->collect->cap, keep->collect->n + 1, sizeof id);
						keep->collect->ids[keep->collect->n++] = id;
					}
				}
				for (size_t i = 0; i < t->spec.ncols; i++) {
					if (map[i] < 0)
						vec_push_null(&t->batch.cols[i]);
					else {
						struct value v = vec_get(&b.cols[map[i]], r);
						vec_push(&t->batch.cols[i], &v);
					}
				}
				t->batch.nrows++;
				t->rows++;
				if (t->batch.nrows >= BATCH_ROWS && (error = load_flush_rows(t, existing)) < 0)
					goto done;
			}
		}
	error = load_flush_rows(t, existing);
done:
	batch_free(&b);
	table_close(src);
	free(cols);
	free(map);
	return error;
}

int load_assemble(struct loader *L)
{
	/* The root ids kept, of the old table and of this load: the same data
	 * loaded again has the same ids. */
	struct idset ids_old = {0}, ids_new = {0};
	struct dedup d = {0};
	uint8_t *bits = NULL;
	uint64_t old_rows = 0;
	int error = 0;
	bool merge = L->o->write == LOAD_MERGE, children = L->ntables > 1;
	char *new_root = xstrdup(L->stage);

	if (merge) {
		if ((error = dedup_open(L, &d)) < 0)
			goto done;
		if (L->prev_dir && path_is_dir(L->prev_dir) && (error = dedup_add(L, &d, L->prev_dir)) < 0)
			goto done;
		old_rows = d.rows;
		if ((error = dedup_add(L, &d, new_root)) < 0 ||
		    (d.b.nrows && (error = table_writer_append(d.w, &d.b)) < 0) ||
		    (error = dedup_winners(&d, &bits)) < 0)
			goto done;
	}
	/* The writers go to out_dir now; the staged tables are read back. */
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		bool root = t->parent < 0;
		char *old = root ? (L->prev_dir ? xstrdup(L->prev_dir) : NULL)
		                 : (L->prev_dir ? path_join(L->prev_dir, t->name) : NULL);
		char *staged = root ? xstrdup(new_root) : path_join(new_root, t->name);
		struct keep keep_old = {.bits = root ? bits : NULL, .first = 0, .collect = root && children ? &ids_old : NULL,
		                        .roots = root ? NULL : &ids_old};
		struct keep keep_new = {.bits = root ? bits : NULL, .first = old_rows,
		                        .collect = root && children ? &ids_new : NULL, .roots = root ? NULL : &ids_new};
		free(t->dir);
		t->dir = root ? xstrdup(L->o->out_dir) : path_join(L->o->out_dir, t->name);
		t->rows = 0;
		batch_reset(&t->batch);
		if ((error = mkdir_p(t->dir)) >= 0 && (error = table_writer_open(&t->w, t->dir, &t->spec)) >= 0 &&
		    (table_writer_set_memory(t->w, LOAD_WRITER_MEMORY), true) &&
		    (table_writer_hash_files(t->w, L->o->hasher), true) &&
		    (!old || (error = copy_rows(t, old, merge ? &keep_old : NULL, true)) >= 0))
			error = copy_rows(t, staged, merge ? &keep_new : NULL, false);
		free(old);
		free(staged);
		if (error < 0) {
			error_prefix("table %s: ", t->name);
			goto done;
		}
		if (root && ids_old.n)
			qsort(ids_old.ids, ids_old.n, sizeof(int64_t), compare_id);
		if (root && ids_new.n)
			qsort(ids_new.ids, ids_new.n, sizeof(int64_t), compare_id);
	}
	error = load_finish_writers(L);
done:
	dedup_free(&d);
	free(bits);
	free(ids_old.ids);
	free(ids_new.ids);
	free(new_root);
	return error;
}
