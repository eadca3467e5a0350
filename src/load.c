/* load: JSON, NDJSON and CSV rows into warehouse tables.
 *
 * Two passes.  The first reads every record and decides the schema: which
 * columns and child tables exist and each column's type over all rows (1
 * then 1.5 is FLOAT64), and checks hints, conversions and a frozen schema, so
 * that a bad input fails before anything is written.  On the way it writes a
 * tape: each value with its node already resolved, and each row's end.  A
 * value of a hinted column (Socrata sends every value as a string, with its
 * type in X-SODA2-Types) is converted once, here, and goes on the tape
 * converted.  The second pass replays the tape (no JSON to tokenise again),
 * converts the other values to their columns' types and appends them to
 * typed column vectors that go to the table writer a batch at a time.
 * Memory is one record, one batch per table and the schema; the tape is a
 * temporary file beside the output (in one pass, below, a few megabytes of
 * it in memory).
 *
 * A plain replace runs both passes at once (load_hand_tape): the schema is
 * decided from the first chunk of tape, and the chunks go to the second
 * pass in memory while it holds; when a later row changes it, the load
 * starts again in two passes.  Either way the tables are the same.
 *
 * Threads, as there is work for two cores: the JSON reader reads and
 * tokenises ahead of the walk (json.c); the replay runs in a thread of its
 * own while another (the caller, or in one pass the store's) appends the
 * full batches to the writers (struct sink).
 *
 * The files: load_names.c (names, nodes, tables), load_values.c (classes
 * and conversions), load_walk.c (the records of each source), load_infer.c
 * (the first pass's types), load_tape.c (the tape), load_store.c (the
 * second pass and the writers), load_merge.c (append and merge); this one
 * holds the flow (load_run), the options and what the load reports.
 *
 * append and merge write the new rows to a staging table next to the output,
 * then assemble the output from the old table's rows and the new ones,
 * leaving out rows that a newer row with the same primary key replaces. */
#include "load_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int parse_hints(struct loader *L, const char *text, bool user)
{
	char *copy, *save = NULL, *w;
	int error = 0;
	if (!text)
		return 0;
	copy = xstrdup(text);
	for (w = strtok_r(copy, " \t\n,", &save); w; w = strtok_r(NULL, " \t\n,", &save)) {
		char *colon = strchr(w, ':');
		struct hint h = {0};
		if (!colon || colon == w || !colon[1]) {
			error = error_setcode(PIPE_EUSAGE, "%s%stypes: \"%s\" is not column:TYPE (e.g. fare_amount:FLOAT64)",
			                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", w);
			break;
		}
		*colon = 0;
		if (!strcasecmp(colon + 1, "NUMBER")) {
			h.type = TYPE_FLOAT64;
			h.number = true;
		} else if (type_parse(colon + 1, &h.type) < 0) {
			if (!user)
				continue;
			error = error_setcode(PIPE_EUSAGE, "%s%stypes: unknown type %s for %s (BOOL, INT64, FLOAT64, NUMERIC, "
			                      "STRING, DATE, DATETIME, TIMESTAMP, JSON or NUMBER)",
			                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", colon + 1, w);
			break;
		}
		h.name = load_column_name(w, strlen(w));
		h.user = user;
		L->hints = xrealloc(L->hints, (L->nhints + 1) * sizeof(*L->hints));
		L->hints[L->nhints++] = h;
	}
	free(copy);
	return error;
}

/* A `types` entry that names no key of the input is a typo until shown
 * otherwise: the column it meant would be loaded with an inferred type.  A
 * key that is null in every row counts (it has a node, not a column).  The
 * source's own hints (Socrata's) may name fields a query left out. */
static int check_hints(struct loader *L)
{
	for (size_t i = 0; i < L->nhints; i++) {
		bool found = !L->hints[i].user;
		struct buf names = BUF_INIT;
		int error;
		for (size_t n = 0; n < L->nnodes && !found; n++)
			found = L->nodes[n].child < 0 && str_eq_nocase(L->nodes[n].name, L->hints[i].name);
		if (found)
			continue;
		for (size_t n = 0; n < L->nnodes && names.len < 200; n++)
			if (L->nodes[n].child < 0 && L->nodes[n].table == 0)
				buf_printf(&names, "%s%s", names.len ? ", " : "", L->nodes[n].name);
		error = error_setcode(PIPE_EUSAGE, "%s%stypes: %s names no column of the input (its columns: %s); a "
		                      "column's name is its key normalised (docs/staging.md)",
		                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", L->hints[i].name,
		                      names.len ? buf_cstr(&names) : "none");
		buf_free(&names);
		return error;
	}
	return 0;
}

/* "column x", or "column items.x" in a child table. */
static void column_label(struct buf *out, const struct ltable *t, size_t ti, const struct column *c)
{
	buf_printf(out, "column %s%s%s", ti ? t->name : "", ti ? "." : "", c->name);
}

/* What the load decided about values that did not all agree with their
 * column, one line each: printed with the build's output and kept in the
 * state record, so that no value changes without a word. */
static void decisions_text(struct loader *L, struct buf *out)
{
	static const char *const kind_name[6] = {"INT64", "FLOAT64", "BOOL", "STRING", "DATE", "TIMESTAMP"};
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		for (size_t i = 0; i < t->ncols; i++) {
			struct column *c = t->cols[i];
			int kinds = __builtin_popcount(c->seen);
			if (c->pos < 0)
				continue;
			if (!c->fixed && c->hint == TYPE_NULL && c->type == TYPE_STRING && kinds > 1) {
				column_label(out, t, ti, c);
				buf_putc(out, ':');
				for (int k = 0; k < 6; k++)
					if (c->nkind[k])
						buf_printf(out, " %lld %s,", (long long)c->nkind[k], kind_name[k]);
				out->data[--out->len] = '\0';
				buf_puts(out, " values: the column is STRING, every value as written\n");
			}
			if (c->beyond_int64 && c->type == TYPE_FLOAT64) {
				column_label(out, t, ti, c);
				buf_printf(out, ": %lld integer%s beyond INT64 (%s%s): the column is FLOAT64, and they "
				           "are rounded to 17 significant digits (types = %s:STRING keeps them exact)\n",
				           (long long)c->beyond_int64, c->beyond_int64 == 1 ? "" : "s",
				           c->beyond_example, c->beyond_int64 == 1 ? "" : ", ...", c->name);
			}
			for (int v = 0; v < V_COUNT; v++) {
				struct column *x = c->variant[v];
				int64_t n = 0;
				if (!x)
					continue;
				for (int k = 0; k < 6; k++)
					n += x->nkind[k];
				if (!n)
					continue;
				column_label(out, t, ti, c);
				buf_printf(out, ": %lld value%s that %s not %s, as the table has it: into column %s\n",
				           (long long)n, n == 1 ? "" : "s", n == 1 ? "is" : "are", type_name(c->type),
				           x->name);
			}
		}
	}
}

static void schema_text(struct loader *L, struct buf *out)
{
	for (size_t ti = 0; ti < L->ntables; ti++) {
		const struct table_spec *s = &L->tables[ti].spec;
		for (size_t i = 0; i < s->ncols; i++)
			buf_printf(out, "%s.%s %s\n", s->name, s->cols[i].name, type_name(s->cols[i].type));
	}
}

static void row_seeds(struct loader *L)
{
	for (size_t i = 0; i < L->ntables; i++) {
		struct ltable *t = &L->tables[i];
		t->seed = str_hash64(L->o->load_id, strlen(L->o->load_id)) ^ str_hash64(t->name, strlen(t->name));
		t->base = L->o->write == LOAD_APPEND && t->prev ? (int64_t)t->prev->rows : 0;
	}
}

/* Does every column still have the type it was given when the writers
 * opened, and no column or table come since?  If not, the error says
 * what changed, in which rows. */
static int schema_holds(struct loader *L)
{
	/* a flush mid-walk comes within a row, at a child's end */
	long long from = (long long)L->handed + 1, to = (long long)L->loaded + !L->walked;
	if (L->ntables != L->one_ntables)
		return error_set("table %s first has rows in rows %lld-%lld", L->tables[L->one_ntables].name, from, to);
	for (size_t ti = 0; ti < L->ntables; ti++) {
		const struct ltable *t = &L->tables[ti];
		for (size_t i = 0; i < t->ncols; i++) {
			const struct column *c = t->cols[i];
			enum type type;
			bool has = load_column_type(c, &type);
			if (has && c->pos < 0)
				return error_set("column %s first has a value in rows %lld-%lld", c->name, from, to);
			if (has && type != c->type)
				return error_set("column %s turns %s in rows %lld-%lld", c->name, type_name(type), from, to);
		}
	}
	return 0;
}

/* One pass: at the first chunk of the tape (a megabyte of it, or all of a
 * smaller input) the schema is decided from what the walk has seen so far
 * and the writers open; each later chunk goes to the store only if that
 * schema still holds for it.  When it does not (a column of integers gets
 * a decimal, a key first seen late), the load gives up and runs again in
 * two passes, which decide from every row.  An error of the walk's stops
 * the load as it would in two passes; the store's come after it. */
int load_hand_tape(struct loader *L)
{
	int error;
	if (!L->store) {
		if (path_exists(L->o->out_dir) && (error = rm_rf(L->o->out_dir)) < 0)
			return error;
		if ((error = load_open_writers(L, L->o->out_dir)) < 0) {
			/* reported as two passes report it, after the whole walk */
			L->given_up = true;
			return error;
		}
		L->one_ntables = L->ntables;
		row_seeds(L);
		if ((error = load_store_start(L)) < 0)
			return error;
	} else if ((error = schema_holds(L)) < 0) {
		L->given_up = true;
		return error;
	}
	L->handed = L->loaded;
	return L->tape_out.len ? load_store_push(L) : 0;
}

static void loader_free(struct loader *L)
{
	for (size_t i = 0; i < L->ntables; i++) {
		struct ltable *t = &L->tables[i];
		if (t->w)
			table_writer_abort(t->w);
		for (size_t j = 0; j < t->ncols; j++) {
			free(t->cols[j]->name);
			free(t->cols[j]->beyond_example);
			free(t->cols[j]);
		}
		free(t->cols);
		strmap_free(&t->by_name);
		free(t->name);
		free(t->dir);
		table_spec_free(&t->spec);
		batch_free(&t->batch);
		batch_free(&t->spare);
		if (t->prev)
			table_close(t->prev);
	}
	free(L->tables);
	for (size_t i = 0; i < L->nnodes; i++) {
		free(L->nodes[i].name);
		free(L->nodes[i].order);
	}
	if (L->tape)
		fclose(L->tape);
	free(L->tape_path);
	buf_free(&L->tape_out);
	free(L->tape_in);
	free(L->nodes);
	free(L->slots);
	for (size_t i = 0; i < L->nhints; i++)
		free(L->hints[i].name);
	free(L->hints);
	arena_free(&L->mem);
	buf_free(&L->scratch);
}

/* Two passes: the writers open, then the tape file is replayed into them;
 * staged (append, merge): into a table beside the output. */
static int second_pass(struct loader *L, bool staged)
{
	const char *out_dir = L->o->out_dir;
	int error;
	if (staged)
		L->stage = xasprintf("%s.new", out_dir);
	if (path_exists(out_dir) && (error = rm_rf(out_dir)) < 0)
		return error;
	if (L->stage && path_exists(L->stage) && (error = rm_rf(L->stage)) < 0)
		return error;
	if ((error = load_open_writers(L, L->stage ? L->stage : out_dir)) < 0)
		return error;
	row_seeds(L);
	L->pass = 2;
	return load_replay_beside(L);
}

/* A plain replace (no old table binds the schema) is loaded in one pass
 * (load_hand_tape); the rest, and a one-pass load that gave up, in two.
 * 1: given up. */
static int load_once(const struct load_options *o, struct load_result *res, bool one_pass)
{
	struct loader L = {0};
	int error;
	bool staged;

	memset(res, 0, sizeof(*res));
	L.o = o;
	if (o->prev_dir && path_is_dir(o->prev_dir) && (o->write != LOAD_REPLACE || o->freeze))
		L.prev_dir = o->prev_dir;
	staged = o->write != LOAD_REPLACE && L.prev_dir;
	if (o->write == LOAD_MERGE && (!o->primary_key || !*o->primary_key)) {
		error = error_setcode(PIPE_EUSAGE, "%s%swrite = merge needs a primary_key", o->where ? o->where : "",
		                      o->where ? ": " : "");
		goto done;
	}
	if ((error = parse_hints(&L, o->auto_types, false)) < 0 || (error = parse_hints(&L, o->types, true)) < 0)
		goto done;
	if ((error = load_table_new(&L, o->table, -1)) < 0)
		goto done;
	L.tape_path = xasprintf("%s.tape", o->out_dir);
	L.one_pass = one_pass && !staged && o->write == LOAD_REPLACE && !L.prev_dir;
	if (!L.one_pass) {
		if (!(L.tape = fopen(L.tape_path, "w+b"))) {
			error = error_set("%s: %s", L.tape_path, strerror(errno));
			goto done;
		}
		unlink(L.tape_path); /* gone when closed, whatever happens */
	}
	L.pass = 1;
	error = load_run_pass(&L);
	if (error >= 0)
		error = check_hints(&L);
	if (L.store) {
		int stored = load_store_end(&L, error < 0);
		if (error >= 0)
			error = stored;
	}
	if (L.given_up) {
		error = 1;
		goto done;
	}
	if (error < 0)
		goto done;
	res->loaded = L.loaded;
	res->one_pass = L.one_pass;
	/* in one pass, the second ran beside the first */
	if (!L.one_pass && (error = second_pass(&L, staged)) < 0)
		goto done;
	{
		struct buf b = BUF_INIT;
		decisions_text(&L, &b);
		res->decisions = buf_detach(&b);
	}
	if ((error = load_finish_writers(&L)) < 0)
		goto done;
	if (L.stage && (error = load_assemble(&L)) < 0)
		goto done;
	if (o->write == LOAD_MERGE && !L.stage) {
		/* No old table, but the load itself may repeat keys. */
		L.stage = xasprintf("%s.new", o->out_dir);
		if (path_exists(L.stage) && (error = rm_rf(L.stage)) < 0)
			goto done;
		if (rename(o->out_dir, L.stage) < 0) {
			error = error_set("%s: %s", o->out_dir, strerror(errno));
			goto done;
		}
		if ((error = load_assemble(&L)) < 0)
			goto done;
	}
	res->rows = L.tables[0].rows;
	{
		struct buf b = BUF_INIT;
		schema_text(&L, &b);
		res->schema = buf_detach(&b);
	}
done:
	loader_free(&L);
	if (L.stage) {
		if (error >= 0 && o->keep_rows && o->write == LOAD_MERGE &&
		    (rm_rf(o->keep_rows) < 0 || rename(L.stage, o->keep_rows) < 0))
			error = error_set("%s: %s", o->keep_rows, strerror(errno));
		rm_rf(L.stage);
		free(L.stage);
	}
	if (error < 0 && path_exists(o->out_dir))
		rm_rf(o->out_dir);
	return error;
}

/* PIPE_DEBUG_LOAD=1 (for tests) says on stderr how each load went: in one
 * pass, or in two and why; PIPE_DEBUG_LOAD=two-passes also makes every load
 * take two, so that a test can compare the two ways' tables. */
int load_run(const struct load_options *o, struct load_result *res)
{
	const char *debug = getenv("PIPE_DEBUG_LOAD");
	int error = load_once(o, res, !debug || strcmp(debug, "two-passes"));
	if (error == 1) {
		if (debug)
			fprintf(stderr, "pipe: load %s: two passes: %s\n", o->table, error_last());
		load_result_free(res);
		error = load_once(o, res, false);
	} else if (debug && error >= 0)
		fprintf(stderr, "pipe: load %s: %s\n", o->table, res->one_pass ? "one pass" : "two passes");
	return error;
}

void load_result_free(struct load_result *res)
{
	free(res->schema);
	free(res->decisions);
	res->schema = res->decisions = NULL;
}
