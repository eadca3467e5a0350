/* load_store: the second pass.  The tape is replayed, values converted to
 * their columns' final types and appended to typed column vectors, a batch
 * per table; full batches go to the table writers.  The replay runs in a
 * thread of its own while the calling thread appends the full batches to
 * the writers (struct sink).  Also the writers: the final types and specs
 * decided from the first pass, opened, and finished. */
#include "load_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const lineage_name[LIN_COUNT] = {"_pipe_load_id", "_pipe_row_id", "_pipe_parent_id",
                                                    "_pipe_root_id", "_pipe_list_idx"};

/* Pads every column of t up to the current row. */
static void pad_to(struct column *c, struct ltable *t)
{
	struct vec *v = &t->batch.cols[c->pos];
	while (v->count < t->batch.nrows)
		vec_push_null(v);
}

/* The second pass: a value into its column's vector. */
int load_store_value(struct loader *L, struct ltable *t, struct column *c, const struct cell *v)
{
	struct value x;
	struct vec *vec;
	if (c->fixed && c->hint == TYPE_NULL) {
		unsigned k = load_cell_class(v);
		if (!load_fits(k, c->type))
			c = c->variant[variant_of(k)];
	}
	if (!c || c->pos < 0)
		return 0;
	vec = &t->batch.cols[c->pos];
	pad_to(c, t);
	if (vec->count > t->batch.nrows)
		return 0; /* the same column twice in a record: the first wins */
	if (c->type == TYPE_STRING) {
		/* most values: text as it is written, copied (what load_convert
		 * and vec_push do, without the value between them).  No NUL
		 * after each: a column's values then lie back to back in its
		 * arena, and the encoder copies a block's bytes in one go. */
		size_t len;
		const char *s = load_cell_text(L, v, &len);
		vec_reserve(vec, vec->count + 1);
		vec->nulls[vec->count] = 0;
		vec->str[vec->count++] = (struct str){arena_copy(&vec->arena, s, len), len};
		return 0;
	}
	if (load_convert(L, v, c->type, &x) < 0) {
		size_t len;
		const char *s = load_cell_text(L, v, &len);
		return load_row_error(L, "column %s: cannot convert \"%.*s\" to %s", c->name, len > 80 ? 80 : (int)len, s,
		                 type_name(c->type));
	}
	vec_push(vec, &x);
	return 0;
}

/* The second pass: a value the first converted (see observe). */
static void store_typed(struct ltable *t, struct column *c, char ev, int64_t i, double f)
{
	struct value x = {.type = c->type};
	struct vec *vec;
	if (c->pos < 0)
		return;
	vec = &t->batch.cols[c->pos];
	pad_to(c, t);
	if (vec->count > t->batch.nrows)
		return; /* the same column twice in a record: the first wins */
	switch (c->type) {
	case TYPE_FLOAT64: x.f = ev == TAPE_TYPED ? f : (double)i; break;
	case TYPE_DATE: x.days = (int32_t)i; break;
	case TYPE_BOOL: x.b = (uint8_t)i; break;
	case TYPE_INT64: case TYPE_TIMESTAMP: case TYPE_DATETIME: x.i = i; break;
	default: return;
	}
	vec_push(vec, &x);
}

/* The second pass runs in a thread of its own and hands each full batch
 * to the thread that called load_run, which appends it to its table's
 * writer (encoding, spilling) while the pass converts the next one.  The
 * writers' memory stays with the thread that made them.  One batch is in
 * flight at a time: its table's spare, swapped with the batch being
 * filled. */
struct sink {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ltable *busy; /* whose spare is to be appended, or NULL */
	bool done;           /* the pass has ended */
	int error;           /* the first append that failed, with its message */
	char *msg;
};

/* Waits until no batch is in flight: 0, or the failure of an append. */
static int sink_wait(struct sink *k)
{
	int error;
	pthread_mutex_lock(&k->mu);
	while (k->busy)
		pthread_cond_wait(&k->cv, &k->mu);
	error = k->error;
	pthread_mutex_unlock(&k->mu);
	return error < 0 ? error_setcode(error, "%s", k->msg) : 0;
}

/* existing: the rows were in the table before this load (BigQuery counts
 * the partitions a job modifies without them). */
int load_flush_rows(struct ltable *t, bool existing)
{
	int error = 0;
	struct batch full;
	if (!t->batch.nrows)
		return 0;
	if (t->sink && !existing) {
		struct sink *k = t->sink;
		if ((error = sink_wait(k)) < 0)
			return error;
		full = t->spare;
		t->spare = t->batch;
		t->batch = full;
		pthread_mutex_lock(&k->mu);
		k->busy = t;
		pthread_cond_broadcast(&k->cv);
		pthread_mutex_unlock(&k->mu);
		return 0;
	}
	if ((error = existing ? table_writer_append_existing(t->w, &t->batch) : table_writer_append(t->w, &t->batch)) < 0)
		error_prefix("table %s: ", t->name);
	batch_reset(&t->batch);
	return error;
}

static int flush(struct ltable *t)
{
	return load_flush_rows(t, false);
}

static void lineage_push(struct ltable *t, int which, int64_t v)
{
	struct value x = value_int64(v);
	if (t->lin[which] >= 0)
		vec_push(&t->batch.cols[t->lin[which]], &x);
}

int load_row_end(struct loader *L, struct ltable *t, int64_t id, int64_t parent_id, int64_t root_id,
                   int64_t idx)
{
	if (L->pass == 1) {
		uint64_t v[5] = {(uint64_t)(t - L->tables), (uint64_t)id, (uint64_t)(parent_id + 1),
		                 (uint64_t)(root_id + 1), (uint64_t)(idx + 1)};
		tape_event(L, 'E', 5, v);
		return L->tape_out.len >= (1u << 20) ? tape_flush(L) : 0;
	}
	if (t->lin[LIN_LOAD_ID] >= 0)
		vec_push_str_ref(&t->batch.cols[t->lin[LIN_LOAD_ID]], L->o->load_id, strlen(L->o->load_id));
	lineage_push(t, LIN_ROW_ID, id);
	lineage_push(t, LIN_PARENT_ID, parent_id);
	lineage_push(t, LIN_ROOT_ID, root_id);
	lineage_push(t, LIN_LIST_IDX, idx);
	/* Columns the record did not set are NULL. */
	for (size_t i = 0; i < t->batch.ncols; i++)
		while (t->batch.cols[i].count <= t->batch.nrows)
			vec_push_null(&t->batch.cols[i]);
	t->batch.nrows++;
	t->rows++;
	return t->batch.nrows >= BATCH_ROWS ? flush(t) : 0;
}

static int64_t row_id(const struct ltable *t, int64_t n)
{
	uint64_t x = t->seed ^ (uint64_t)(t->base + n) * 0x9e3779b97f4a7c15ULL;
	/* splitmix64's finaliser; the top bit off keeps ids positive */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (int64_t)((x ^ (x >> 31)) >> 1);
}

/* The second pass: the tape again, converted and written. */
static int replay(struct loader *L)
{
	const char *p;
	int error = 0;
	if (L->tape)
		rewind(L->tape);
	L->line = 0;
	while (error >= 0 && (p = tape_get(L, 1))) {
		unsigned char ev = (unsigned char)*p;
		if (ev & 0x80) {
			struct cell c;
			struct node *n = &L->nodes[tape_varint(L)];
			c.type = ev & 15;
			c.escaped = ev >> 4 & 1;
			c.len = (size_t)tape_varint(L);
			c.p = tape_get(L, c.len);
			error = load_store_value(L, &L->tables[n->table], n->col, &c);
		} else if (ev == TAPE_INT || ev == TAPE_DEC || ev == TAPE_TYPED) {
			static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
			                               1e13, 1e14, 1e15};
			struct node *n = &L->nodes[tape_varint(L)];
			int64_t i = 0;
			double f = 0;
			if (ev == TAPE_TYPED && n->col->type == TYPE_FLOAT64) {
				const char *b = tape_get(L, 8);
				if (!b) {
					error = error_set("%s: a damaged tape", L->tape_path);
					break;
				}
				memcpy(&f, b, 8);
			} else
				i = unzigzag(tape_varint(L));
			if (ev == TAPE_DEC) {
				const char *b = tape_get(L, 1);
				if (!b || *b < 0 || *b > 15) {
					error = error_set("%s: a damaged tape", L->tape_path);
					break;
				}
				/* as fast_double divides, so the same double */
				f = (double)(i < 0 ? -i : i) / pow10[(int)*b];
				if (i < 0)
					f = -f;
				store_typed(&L->tables[n->table], n->col, TAPE_TYPED, 0, f);
			} else
				store_typed(&L->tables[n->table], n->col, (char)ev, i, f);
		} else if (ev == 'R') {
			L->src = L->o->paths[tape_varint(L)];
			L->rowno = (int64_t)tape_varint(L);
		} else if (ev == 'E') {
			uint64_t ti = tape_varint(L);
			struct ltable *t = &L->tables[ti];
			int64_t id = (int64_t)tape_varint(L), parent = (int64_t)tape_varint(L) - 1,
			        root = (int64_t)tape_varint(L) - 1, idx = (int64_t)tape_varint(L) - 1;
			error = load_row_end(L, t, row_id(t, id), parent < 0 ? -1 : row_id(&L->tables[t->parent < 0 ? 0 : t->parent], parent),
			                root < 0 ? -1 : row_id(&L->tables[0], root), idx);
		} else
			error = error_set("%s: a damaged tape", L->tape_path);
	}
	return error;
}

struct replay_job {
	struct loader *L;
	struct sink *k;
	int error;
	char *msg;
};

static void *replay_main(void *arg)
{
	struct replay_job *j = arg;
	if ((j->error = replay(j->L)) < 0)
		j->msg = xstrdup(error_last());
	pthread_mutex_lock(&j->k->mu);
	j->k->done = true;
	pthread_cond_broadcast(&j->k->cv);
	pthread_mutex_unlock(&j->k->mu);
	return NULL;
}

/* The second pass in a thread while this one appends its batches (see
 * struct sink).  Without a thread, the pass appends by itself. */
int load_replay_beside(struct loader *L)
{
	struct sink k = {0};
	struct replay_job j = {L, &k, 0, NULL};
	pthread_t thread;
	int error = 0;
	pthread_mutex_init(&k.mu, NULL);
	pthread_cond_init(&k.cv, NULL);
	for (size_t i = 0; i < L->ntables; i++)
		L->tables[i].sink = &k;
	if (pthread_create(&thread, NULL, replay_main, &j) != 0) {
		for (size_t i = 0; i < L->ntables; i++)
			L->tables[i].sink = NULL;
		error = replay(L);
		goto done;
	}
	pthread_mutex_lock(&k.mu);
	for (;;) {
		struct ltable *t;
		while (!k.busy && !k.done)
			pthread_cond_wait(&k.cv, &k.mu);
		if (!k.busy)
			break;
		t = k.busy;
		pthread_mutex_unlock(&k.mu);
		error = k.error < 0 ? 0 : table_writer_append(t->w, &t->spare);
		batch_reset(&t->spare);
		pthread_mutex_lock(&k.mu);
		if (error < 0 && !k.error) {
			k.error = error;
			k.msg = xasprintf("table %s: %s", t->name, error_last());
		}
		k.busy = NULL;
		pthread_cond_broadcast(&k.cv);
	}
	pthread_mutex_unlock(&k.mu);
	pthread_join(thread, NULL);
	for (size_t i = 0; i < L->ntables; i++)
		L->tables[i].sink = NULL;
	/* The pass stops at the first failed append, so its error comes
	 * first; an append of its last batch may still have failed. */
	if (j.error < 0)
		error = error_setcode(j.error, "%s", j.msg);
	else if (k.error < 0)
		error = error_setcode(k.error, "%s", k.msg);
	else
		error = 0;
done:
	free(j.msg);
	free(k.msg);
	pthread_mutex_destroy(&k.mu);
	pthread_cond_destroy(&k.cv);
	return error;
}

/* One pass (load.c): the tape goes from the walk to the store in memory,
 * a chunk at a time, to a thread that runs the second pass on it as it
 * comes (load_replay_beside, on a loader of its own).  The walk goes on
 * meanwhile: the store's loader has its own copy of the nodes and the
 * tables, which the walk may grow, and of the tables' batches and writers,
 * handed back at the end.  At most STORE_CHUNKS chunks wait; their buffers
 * go back to the walk once replayed. */
#define STORE_CHUNKS 4

struct store {
	struct loader R;
	/* The columns as the store sees them: copies, so that the walk's
	 * counting in the originals shares no cache line with the store. */
	struct column *cols;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf full[STORE_CHUNKS];
	size_t first, nfull;
	struct buf spare[STORE_CHUNKS + 2];
	size_t nspare;
	bool closed;  /* the walk has handed its last chunk */
	bool aborted; /* the walk failed: stop */
	bool stopped; /* the store has ended, on its own or not */
	int error;
	char *msg;
};

static void *store_main(void *arg)
{
	struct store *s = arg;
	int error = load_replay_beside(&s->R);
	pthread_mutex_lock(&s->mu);
	if (error < 0) {
		s->error = error;
		s->msg = xstrdup(error_last());
	}
	s->stopped = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int load_store_start(struct loader *L)
{
	struct store *s = xcalloc(1, sizeof(*s));
	struct loader *R = &s->R;
	*R = *L;
	R->pass = 2;
	R->one_pass = false;
	R->store = NULL;
	R->feed = s;
	R->nodes = xmalloc((L->nnodes ? L->nnodes : 1) * sizeof(*R->nodes));
	memcpy(R->nodes, L->nodes, L->nnodes * sizeof(*R->nodes));
	R->tables = xmalloc(L->ntables * sizeof(*R->tables));
	memcpy(R->tables, L->tables, L->ntables * sizeof(*R->tables));
	{
		size_t *first = xcalloc(L->ntables + 1, sizeof(*first));
		for (size_t ti = 0; ti < L->ntables; ti++)
			first[ti + 1] = first[ti] + L->tables[ti].ncols;
		s->cols = xcalloc(first[L->ntables] ? first[L->ntables] : 1, sizeof(*s->cols));
		for (size_t ti = 0; ti < L->ntables; ti++)
			for (size_t i = 0; i < L->tables[ti].ncols; i++) {
				struct column *c = &s->cols[first[ti] + i];
				*c = *L->tables[ti].cols[i];
				for (int v = 0; v < V_COUNT; v++)
					if (c->variant[v])
						c->variant[v] = &s->cols[first[ti] + c->variant[v]->index];
			}
		for (size_t i = 0; i < L->nnodes; i++)
			if (R->nodes[i].col)
				R->nodes[i].col = &s->cols[first[R->nodes[i].table] + R->nodes[i].col->index];
		free(first);
	}
	R->slots = NULL;
	R->reader = NULL;
	R->tape = NULL;
	R->tape_out = (struct buf)BUF_INIT;
	R->tape_in = NULL;
	R->tape_len = R->tape_pos = R->tape_cap = 0;
	R->scratch = (struct buf)BUF_INIT;
	memset(&R->mem, 0, sizeof(R->mem));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, store_main, s) != 0) {
		free(R->nodes);
		free(R->tables);
		free(s->cols);
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return error_set("cannot start a thread");
	}
	L->store = s;
	return 0;
}

/* L->tape_out to the store; the walk goes on with an empty buffer.  A
 * store that has stopped (it failed) takes nothing more: the walk still
 * runs to its end, as its errors come first. */
int load_store_push(struct loader *L)
{
	struct store *s = L->store;
	pthread_mutex_lock(&s->mu);
	while (s->nfull == STORE_CHUNKS && !s->stopped)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->stopped) {
		buf_clear(&L->tape_out);
	} else {
		s->full[(s->first + s->nfull++) % STORE_CHUNKS] = L->tape_out;
		L->tape_out = s->nspare ? s->spare[--s->nspare] : (struct buf)BUF_INIT;
		buf_clear(&L->tape_out);
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static bool chunk_ready(const void *arg)
{
	const struct store *s = arg;
	return __atomic_load_n(&s->nfull, __ATOMIC_ACQUIRE) || __atomic_load_n(&s->closed, __ATOMIC_ACQUIRE);
}

/* The store's side (tape_refill): the next chunk, waiting for it; false at
 * the end of the walk or when it failed.  *used goes back as a spare. */

bool load_store_pop(struct store *s, struct buf *used, struct buf *chunk)
{
	bool got = false;
	pthread_mutex_lock(&s->mu);
	if (used->data) {
		if (s->nspare < STORE_CHUNKS + 2)
			s->spare[s->nspare++] = *used;
		else
			buf_free(used);
		*used = (struct buf)BUF_INIT;
	}
	if (!s->nfull) {
		pthread_mutex_unlock(&s->mu);
		spin_briefly(chunk_ready, s, 30);
		pthread_mutex_lock(&s->mu);
	}
	while (!s->nfull && !s->closed && !s->aborted)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->nfull && !s->aborted) {
		*chunk = s->full[s->first];
		s->first = (s->first + 1) % STORE_CHUNKS;
		s->nfull--;
		got = true;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return got;
}

/* The walk has ended (abort: with a failure): waits for the store, and
 * takes the tables' batches and writers back.  The store's error, if any. */
int load_store_end(struct loader *L, bool abort)
{
	struct store *s = L->store;
	struct loader *R;
	int error = 0;
	if (!s)
		return 0;
	R = &s->R;
	pthread_mutex_lock(&s->mu);
	s->closed = true;
	s->aborted = abort;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	for (size_t i = 0; i < R->ntables; i++) {
		struct ltable *t = &L->tables[i], *r = &R->tables[i];
		t->batch = r->batch;
		t->spare = r->spare;
		t->w = r->w;
		t->rows = r->rows;
	}
	if (s->error < 0)
		error = error_setcode(s->error, "%s", s->msg);
	for (size_t i = 0; i < STORE_CHUNKS; i++)
		if (i < s->nfull)
			buf_free(&s->full[(s->first + i) % STORE_CHUNKS]);
	for (size_t i = 0; i < s->nspare; i++)
		buf_free(&s->spare[i]);
	free(R->nodes);
	free(R->tables);
	free(s->cols);
	free(R->tape_in);
	buf_free(&R->scratch);
	free(s->msg);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
	L->store = NULL;
	return error;
}

/* The type of a column no table fixes, from its hint or from the values
 * seen; false when it has only had NULLs (no column, as dlt). */
bool load_column_type(const struct column *c, enum type *type)
{
	unsigned k = c->seen;
	if (c->hint != TYPE_NULL && !c->number)
		*type = c->hint;
	else if (!k)
		return false;
	else if (!(k & ~C_INT))
		*type = TYPE_INT64;
	else if (!(k & ~(C_INT | C_FLOAT)))
		*type = TYPE_FLOAT64;
	else if (k == C_BOOL)
		*type = TYPE_BOOL;
	else if (k == C_DATE)
		*type = TYPE_DATE;
	else if (!(k & ~(C_DATE | C_TIMESTAMP)))
		*type = TYPE_TIMESTAMP;
	else
		*type = TYPE_STRING;
	return true;
}

/* The final types, the specs and the writers. */
int load_open_writers(struct loader *L, const char *root_dir)
{
	int error;
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		struct table_spec *s = &t->spec;
		enum type *types;
		size_t n = 0;
		s->name = xstrdup(t->name);
		s->dataset = L->o->dataset ? xstrdup(L->o->dataset) : NULL;
		s->cols = xcalloc(t->ncols + LIN_COUNT, sizeof(*s->cols));
		for (size_t i = 0; i < t->ncols; i++) {
			struct column *c = t->cols[i];
			unsigned k = c->seen;
			if (c->fixed) {
				if (c->hint != TYPE_NULL && !c->number && c->hint != c->type)
					return error_setcode(PIPE_EUSAGE, "types: %s is %s in the table, the hint says %s: run "
					                     "with --full-refresh to rebuild the table with the new type",
					                     c->name, type_name(c->type), type_name(c->hint));
				if (c->number && c->type == TYPE_INT64 && (k & C_FLOAT))
					return error_setcode(PIPE_EUSAGE, "%s is INT64 in the table, and this load has decimals in it: "
					                     "run with --full-refresh to rebuild the table as FLOAT64", c->name);
			} else if (!load_column_type(c, &c->type))
				continue; /* only NULLs: no column, as dlt */
			c->pos = (int)n;
			s->cols[n].name = xstrdup(c->name);
			s->cols[n++].type = c->type;
		}
		/* Columns of the old table that this load did not see stay. */
		if (t->prev)
			for (size_t i = 0; i < t->prev->spec.ncols; i++) {
				const struct column_def *d = &t->prev->spec.cols[i];
				bool have = str_starts(d->name, "_pipe_");
				for (size_t j = 0; j < n && !have; j++)
					have = str_eq_nocase(s->cols[j].name, d->name);
				if (!have) {
					s->cols[n].name = xstrdup(d->name);
					s->cols[n++].type = d->type;
				}
			}
		for (int i = 0; i < LIN_COUNT; i++) {
			if (ti == 0 ? (i != LIN_LOAD_ID && i != LIN_ROW_ID) : i == LIN_LOAD_ID)
				continue;
			t->lin[i] = (int)n;
			s->cols[n].name = xstrdup(lineage_name[i]);
			s->cols[n++].type = i == LIN_LOAD_ID ? TYPE_STRING : TYPE_INT64;
		}
		s->ncols = n;
		if (ti == 0 && L->o->partition_by) {
			char col[256], unit[32] = "DAY";
			const char *p = L->o->partition_by;
			if (sscanf(p, " DATE ( %255[A-Za-z0-9_] )", col) == 1 || sscanf(p, " date ( %255[A-Za-z0-9_] )", col) == 1 ||
			    sscanf(p, " %255[A-Za-z0-9_] %31s", col, unit) >= 1) {
				s->partition.kind = PARTITION_TIME;
				s->partition.column = xstrdup(col);
				if (date_part_parse(unit, &s->partition.unit) < 0)
					return error_setcode(PIPE_EUSAGE, "partition_by: %s is not DAY, HOUR, MONTH or YEAR", unit);
			} else
				return error_setcode(PIPE_EUSAGE, "partition_by: expected a column, DATE(column) or "
				                     "column MONTH, not %s", p);
		}
		if (ti == 0 && L->o->cluster_by) {
			char *copy = xstrdup(L->o->cluster_by), *save = NULL, *w;
			for (w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
				if (s->ncluster == TABLE_MAX_CLUSTER) {
					free(copy);
					return error_setcode(PIPE_EUSAGE, "cluster_by: at most %d columns", TABLE_MAX_CLUSTER);
				}
				s->cluster[s->ncluster++] = xstrdup(w);
			}
			free(copy);
		}
		if ((error = table_spec_check(s)) < 0) {
			error_prefix("table %s: ", t->name);
			return error;
		}
		types = xmalloc((n ? n : 1) * sizeof(*types));
		for (size_t i = 0; i < n; i++)
			types[i] = s->cols[i].type;
		batch_init(&t->batch, n, types);
		batch_init(&t->spare, n, types);
		free(types);
		t->dir = t->parent < 0 ? xstrdup(root_dir) : path_join(root_dir, t->name);
		if ((error = mkdir_p(t->dir)) < 0 || (error = table_writer_open(&t->w, t->dir, s)) < 0) {
			error_prefix("table %s: ", t->name);
			return error;
		}
		table_writer_set_memory(t->w, LOAD_WRITER_MEMORY);
		/* a staged table, and any merged one, is rewritten into
		 * out_dir (load_assemble), where it is hashed */
		if (!strcmp(root_dir, L->o->out_dir) && L->o->write != LOAD_MERGE)
			table_writer_hash_files(t->w, L->o->hasher);
	}
	return 0;
}

int load_finish_writers(struct loader *L)
{
	int error = 0;
	for (size_t i = 0; i < L->ntables; i++) {
		struct ltable *t = &L->tables[i];
		if (!t->w)
			continue;
		if (error >= 0)
			error = flush(t);
		if (error >= 0) {
			error = table_writer_finish(t->w);
			if (error < 0)
				error_prefix("table %s: ", t->name);
		} else
			table_writer_abort(t->w);
		t->w = NULL;
	}
	return error;
}
