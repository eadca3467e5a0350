/* sql: the statement runner behind sql.h.  Parses, plans, checks the
 * bytes budget from the dry-run estimate, executes, and keeps the result
 * and its statistics for the caller to read (backend_local.c).  A
 * statement that writes (CREATE TABLE ... AS SELECT, INSERT) goes through
 * the table writer, which builds the new table beside the old one and
 * renames it into place when it finishes (table_write.c): a failure leaves
 * every table as it was. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util.h"
#include "bytes.h"
#include "hll.h"
#include "sql.h"
#include "sql_exec.h"
#include "sql_lex.h"
#include "sql_parse.h"
#include "sql_plan.h"
#include "table.h"

struct sql_result {
	size_t ncols, nrows;
	char **names;
	enum type *types;
	char **cells;       /* nrows * ncols, NULL for SQL NULL */
	struct sql_stats stats;
	char *message;      /* for statements without rows: "Table x created" */
	bool dry_run;
};

static int result_add_rows(struct sql_result *r, const struct rb *in, size_t *cap)
{
	struct buf b = BUF_INIT;
	int error = 0;
	if (r->nrows + in->n > *cap) {
		while (r->nrows + in->n > *cap)
			*cap = *cap ? *cap * 2 : 64;
		r->cells = xrealloc(r->cells, *cap * (r->ncols ? r->ncols : 1) * sizeof *r->cells);
	}
	for (size_t i = 0; i < in->n; i++) {
		for (size_t c = 0; c < r->ncols; c++) {
			struct value v = vec_get(in->cols[c], i);
			char **cell = &r->cells[(r->nrows + i) * r->ncols + c];
			if (v.is_null) {
				*cell = NULL;
				continue;
			}
			buf_clear(&b);
			/* NULL elements may live in a query, not in its result */
			if (type_is_array(v.type) && value_array_has_null(&v) && error == 0)
				error = error_setcode(PIPE_EUSAGE, "Array cannot have a null element; error in writing field %s",
						      r->names[c]);
			value_format(&v, &b);
			*cell = xstrdup(buf_cstr(&b));
		}
	}
	r->nrows += in->n;
	buf_free(&b);
	return error;
}

/* --- CREATE TABLE: the partitioning expression --- */

static int partition_error(const struct stmt *s, const struct ast *a)
{
	return sql_error_at(s->src, a->line, a->col,
			    "PARTITION BY expression must be DATE(<timestamp_column>), DATE(<datetime_column>), "
			    "a DATE column, TIMESTAMP_TRUNC(<timestamp_column>, DAY|HOUR|MONTH|YEAR), "
			    "DATETIME_TRUNC(<datetime_column>, DAY|HOUR|MONTH|YEAR), DATE_TRUNC(<date_column>, MONTH|YEAR) "
			    "or RANGE_BUCKET(<int64_column>, GENERATE_ARRAY(<start>, <end>[, <interval>]))");
}

static int int_arg(const struct ast *a, int64_t *out)
{
	if (a->kind == A_INT) {
		*out = a->i;
		return 0;
	}
	return -1;
}

static int partition_spec(const struct stmt *s, struct partition_spec *ps)
{
	const struct ast *a = s->partition_by;
	memset(ps, 0, sizeof *ps);
	if (!a)
		return 0;
	if (a->kind == A_COLUMN) {
		ps->kind = PARTITION_TIME;
		ps->unit = PART_DAY;
		ps->column = xstrdup(a->name);
		return 0;
	}
	if (a->kind != A_CALL || a->nargs < 1 || a->args[0]->kind != A_COLUMN)
		return partition_error(s, a);
	const char *col = a->args[0]->name;
	if (strcmp(a->name, "date") == 0 && a->nargs == 1) {
		ps->kind = PARTITION_TIME;
		ps->unit = PART_DAY;
	} else if ((strcmp(a->name, "timestamp_trunc") == 0 || strcmp(a->name, "date_trunc") == 0 ||
		    strcmp(a->name, "datetime_trunc") == 0) && a->nargs == 2 && a->args[1]->kind == A_COLUMN) {
		ps->kind = PARTITION_TIME;
		if (date_part_parse(a->args[1]->name, &ps->unit) < 0 ||
		    (ps->unit != PART_DAY && ps->unit != PART_HOUR && ps->unit != PART_MONTH && ps->unit != PART_YEAR)) {
			error_clear();
			return partition_error(s, a->args[1]);
		}
	} else if (strcmp(a->name, "range_bucket") == 0 && a->nargs == 2 && a->args[1]->kind == A_CALL &&
		   strcmp(a->args[1]->name, "generate_array") == 0 &&
		   (a->args[1]->nargs == 2 || a->args[1]->nargs == 3)) {
		const struct ast *g = a->args[1];
		ps->kind = PARTITION_RANGE;
		ps->interval = 1;
		if (int_arg(g->args[0], &ps->start) < 0 || int_arg(g->args[1], &ps->end) < 0 ||
		    (g->nargs == 3 && int_arg(g->args[2], &ps->interval) < 0))
			return partition_error(s, g);
	} else {
		return partition_error(s, a);
	}
	ps->column = xstrdup(col);
	return 0;
}

static int bool_option(const struct stmt *s, const struct option *o, bool *out)
{
	if (o->value->kind != A_BOOL)
		return sql_error_at(s->src, o->value->line, o->value->col, "Option %s needs TRUE or FALSE", o->key);
	*out = o->value->b;
	return 0;
}

static const char *last_part(const char *name)
{
	const char *d = strrchr(name, '.');
	return d ? d + 1 : name;
}

/* dataset of a.b.c or b.c; NULL for a bare name */
static char *dataset_part(const char *name)
{
	const char *last = strrchr(name, '.');
	if (!last)
		return NULL;
	const char *start = last;
	while (start > name && start[-1] != '.')
		start--;
	return xstrndup(start, (size_t)(last - start));
}

/* --- the statements --- */

struct run {
	const struct sql_options *opt;
	struct stmt *stmt;
	struct plan plan;
	struct sql_result *res;
	struct exec_stats st;
	bool **parts;
	int **cols;
	size_t *ncols;
};

static void run_free(struct run *r)
{
	exec_free_state(r->plan.root);
	for (size_t i = 0; i < r->plan.nsubqs; i++)
		exec_free_state(r->plan.subqs[i]->sub);
	for (size_t i = 0; i < r->plan.nscans; i++) {
		free(r->parts ? r->parts[i] : NULL);
		free(r->cols ? r->cols[i] : NULL);
	}
	free(r->parts);
	free(r->cols);
	free(r->ncols);
	sql_plan_free(&r->plan);
	sql_stmt_free(r->stmt);
}

/* One table's figures by BigQuery's rules (docs/bytes.md), over every scan
 * of it (group[i] == g): a table read more than once counts once, the
 * columns any scan references in the partitions any scan reads (the
 * estimate), and in the blocks any scan's block pruning keeps (the actual
 * figure).  Both are sums of the block statistics: what execution reads or
 * skips, and where it stops, changes neither. */
static void count_table(struct run *r, const size_t *group, size_t g, uint64_t *estimate, uint64_t *actual,
                        int64_t *blocks_kept)
{
	const struct plan *p = &r->plan;
	struct sql_stats *s = &r->res->stats;
	const struct table *t = NULL;
	bool *referenced = NULL;
	for (size_t i = 0; i < p->nscans; i++) {
		if (group[i] != g)
			continue;
		if (!t) {
			t = p->scans[i]->table;
			referenced = xcalloc(t->spec.ncols + 1, sizeof *referenced);
		}
		/* the columns the query needs, not every one it names */
		for (size_t c = 0; c < t->spec.ncols; c++)
			referenced[c] = referenced[c] || p->scans[i]->live[c];
	}
	int *cols = xcalloc(t->spec.ncols + 1, sizeof *cols);
	size_t ncols = 0;
	for (size_t c = 0; c < t->spec.ncols; c++)
		if (referenced[c])
			cols[ncols++] = (int)c;
	for (size_t k = 0; k < t->npartitions; k++) {
		s->blocks_total += (int64_t)t->partitions[k].nblocks;
		/* a scan that reads the partition has its blocks loaded */
		const struct table *loaded = NULL;
		for (size_t i = 0; i < p->nscans && !loaded; i++)
			if (group[i] == g && r->parts[i][k])
				loaded = p->scans[i]->table;
		if (!loaded)
			continue;
		s->partitions_scanned++;
		for (size_t b = 0; b < loaded->partitions[k].nblocks; b++) {
			uint64_t bytes = bytes_block(loaded, k, b, cols, ncols);
			bool kept = false;
			for (size_t i = 0; i < p->nscans && !kept; i++)
				if (group[i] == g && r->parts[i][k])
					kept = sql_plan_block_billed(p->scans[i], &p->scans[i]->table->partitions[k].blocks[b]);
			*estimate += bytes;
			if (kept) {
				*actual += bytes;
				(*blocks_kept)++;
			}
		}
	}
	s->partitions_total += (int64_t)t->npartitions;
	free(cols);
	free(referenced);
}

/* Prepares the scans (partitions, columns), fills the figures from the
 * plan, and checks require_partition_filter and the bytes budget (against
 * the estimate) before reading anything.  The scans of one table count as
 * one, as BigQuery counts them. */
static int prepare_scans(struct run *r)
{
	struct plan *p = &r->plan;
	struct sql_stats *s = &r->res->stats;
	size_t n = p->nscans, ntables = 0;
	r->parts = xcalloc(n + 1, sizeof *r->parts);
	r->cols = xcalloc(n + 1, sizeof *r->cols);
	r->ncols = xcalloc(n + 1, sizeof *r->ncols);
	size_t *group = xcalloc(n + 1, sizeof *group); /* per scan: its table */
	size_t *first = xcalloc(n + 1, sizeof *first); /* per table: its first scan */
	uint64_t *est = xcalloc(n + 1, sizeof *est), *actual = xcalloc(n + 1, sizeof *actual);
	int64_t blocks_kept = 0;
	int error = 0;
	for (size_t i = 0; i < n; i++) {
		struct node *scan = p->scans[i];
		struct table *t = scan->table;
		r->parts[i] = xcalloc(t->npartitions + 1, sizeof **r->parts);
		sql_plan_partitions(scan, r->parts[i]);
		r->cols[i] = xcalloc(t->spec.ncols + 1, sizeof **r->cols);
		for (size_t c = 0; c < t->spec.ncols; c++)
			if (scan->used[c])
				r->cols[i][r->ncols[i]++] = (int)c;
		const struct partition_spec *ps = &t->spec.partition;
		if (t->spec.require_partition_filter && ps->kind != PARTITION_NONE) {
			int pcol = table_column(t, ps->column);
			bool filtered = false;
			for (size_t k = 0; k < scan->nprunes; k++)
				filtered = filtered || scan->prunes[k].col == pcol;
			if (!filtered) {
				char *ds = dataset_part(scan->table_name);
				error = error_setcode(PIPE_EUSAGE,
						      "Cannot query over table '%s%s%s' without a filter over column(s) '%s' "
						      "that can be used for partition elimination",
						      ds ? ds : "", ds ? "." : "", last_part(scan->table_name), ps->column);
				free(ds);
				goto done;
			}
		}
		size_t g = 0;
		while (g < ntables && strcmp(p->scans[first[g]]->table->dir, t->dir) != 0)
			g++;
		if (g == ntables)
			first[ntables++] = i;
		group[i] = g;
	}
	/* only the partitions a scan reads need their blocks, and in them the
	 * columns any scan of the table reads, counts or prunes on (the
	 * figures count a table's scans as one, from any of them) */
	for (size_t i = 0; i < n && error >= 0; i++) {
		const struct table *t = p->scans[i]->table;
		bool *need = xcalloc(t->spec.ncols + 1, sizeof *need);
		for (size_t j = 0; j < n; j++) {
			const struct node *scan = p->scans[j];
			if (group[j] != group[i])
				continue;
			for (size_t c = 0; c < t->spec.ncols; c++)
				need[c] = need[c] || scan->used[c] || scan->live[c];
			for (size_t k = 0; k < scan->nprunes; k++)
				need[scan->prunes[k].col] = true;
		}
		error = table_load_columns(p->scans[i]->table, r->parts[i], need);
		free(need);
	}
	if (error < 0)
		goto done;
	for (size_t g = 0; g < ntables; g++) {
		count_table(r, group, g, &est[g], &actual[g], &blocks_kept);
		s->estimate_bytes += (int64_t)est[g];
	}
	uint64_t billed = bytes_billed(est, ntables);
	if (r->opt->max_bytes_billed > 0 && billed > (uint64_t)r->opt->max_bytes_billed) {
		error = error_setcode(PIPE_EUSAGE, "Query exceeded limit for bytes billed: %" PRId64 ". %" PRIu64
				      " or higher required.", r->opt->max_bytes_billed, billed);
		goto done;
	}
	if (r->opt->dry_run) {
		/* a dry run reads nothing: it reports the estimate */
		s->bytes_processed = s->estimate_bytes;
		s->bytes_billed = (int64_t)billed;
	} else {
		for (size_t g = 0; g < ntables; g++)
			s->bytes_processed += (int64_t)actual[g];
		s->bytes_billed = (int64_t)bytes_billed(actual, ntables);
		s->blocks_scanned = blocks_kept;
	}
done:
	free(group);
	free(first);
	free(est);
	free(actual);
	return error;
}

static void attach_scans(struct run *r)
{
	for (size_t i = 0; i < r->plan.nscans; i++) {
		struct node *scan = r->plan.scans[i];
		struct scan_state *s = xcalloc(1, sizeof *s);
		s->parts = r->parts[i];
		s->cols = r->cols[i];
		s->ncols = r->ncols[i];
		r->parts[i] = NULL;
		r->cols[i] = NULL;
		s->rb.ncols = scan->ncols;
		s->rb.cols = xcalloc(scan->ncols + 1, sizeof *s->rb.cols);
		s->lean = xcalloc(s->ncols + 1, sizeof *s->lean);
		for (size_t k = 0; k < s->ncols; k++)
			if (!scan->filter_only || !scan->filter_only[s->cols[k]])
				s->lean[s->nlean++] = s->cols[k];
		scan->state = s;
	}
}

static void set_result_columns(struct sql_result *res, const struct plan *p)
{
	res->ncols = p->nout;
	res->names = xcalloc(p->nout + 1, sizeof *res->names);
	res->types = xcalloc(p->nout + 1, sizeof *res->types);
	for (size_t c = 0; c < p->nout; c++) {
		res->names[c] = xstrdup(p->root->names[c]);
		res->types[c] = p->root->types[c];
	}
}

static int run_select(struct run *r)
{
	int error;
	size_t cap = 0;
	set_result_columns(r->res, &r->plan);
	if (r->opt->dry_run)
		return 0;
	for (;;) {
		struct rb *in;
		if ((error = exec_next(r->plan.root, &r->st, &in)) < 0)
			return error;
		if (error == 0)
			break;
		if ((error = result_add_rows(r->res, in, &cap)) < 0)
			return error;
	}
	r->res->stats.rows = (int64_t)r->res->nrows;
	return 0;
}

/* --- the columns a statement writes --- */

/* Whether BigQuery coerces the literal a to a column of type t: NULL to
 * any type, a string to a date or time, a number to NUMERIC or FLOAT64. */
static bool literal_coerces(const struct ast *a, enum type t)
{
	switch (a->kind) {
	case A_NULL: return true;
	case A_STRING: return t == TYPE_DATE || t == TYPE_DATETIME || t == TYPE_TIMESTAMP;
	case A_INT:
	case A_FLOAT: return t == TYPE_NUMERIC || t == TYPE_FLOAT64;
	default: return false;
	}
}

/* The literals a statement writes to columns of known types (each arm of
 * a UNION ALL, each row of VALUES) become CASTs to those types, as
 * BigQuery coerces them: an untyped NULL fills a STRING column, '2024-01-01'
 * a DATE one, 1.5 a NUMERIC one exactly.  A row of VALUES of the wrong
 * width is BigQuery's error. */
static int coerce_literals(const struct stmt *s, struct select *sel, const enum type *types, size_t n)
{
	int error;
	for (size_t i = 0; i < sel->narms; i++)
		if ((error = coerce_literals(s, sel->arms[i], types, n)) < 0)
			return error;
	if (sel->narms)
		return 0;
	if (s->values && sel->nitems != n)
		return sql_error_at(s->src, sel->line, sel->col, "Inserted row has wrong column count; Has %zu, expected %zu",
				    sel->nitems, n);
	for (size_t i = 0; i < sel->nitems && i < n; i++) {
		struct ast *a = sel->items[i].expr;
		if (!a)
			return 0; /* after a *, the columns are not known here */
		if (!literal_coerces(a, types[i]))
			continue;
		struct ast *c = xcalloc(1, sizeof *c);
		c->kind = A_CAST;
		c->line = a->line;
		c->col = a->col;
		c->height = a->height + 1;
		c->name = xstrdup(type_name(types[i]));
		c->args = xcalloc(1, sizeof *c->args);
		c->args[0] = a;
		c->nargs = 1;
		sel->items[i].expr = c;
	}
	return 0;
}

/* The types of the columns the statement writes, in the query's order:
 * CREATE TABLE's column list, or the INSERT's columns of its table.
 * None (*n = 0) where the table or a column is not found: run_insert
 * says which. */
static int written_types(const struct run *r, enum type **types, size_t *n)
{
	const struct stmt *s = r->stmt;
	struct table *t = NULL;
	char *dir = NULL;
	*types = NULL;
	*n = 0;
	if (s->kind == S_CREATE) {
		*types = xcalloc(s->ndecls + 1, sizeof **types);
		for (size_t i = 0; i < s->ndecls; i++)
			if (type_parse(s->decls[i].type, &(*types)[i]) < 0 || (*types)[i] == TYPE_NULL) {
				error_clear();
				free(*types);
				*types = NULL;
				return sql_error_at(s->src, s->decls[i].line, s->decls[i].col, "Type not found: %s",
						    s->decls[i].type);
			}
		*n = s->ndecls;
		return 0;
	}
	if (table_resolve(r->opt->root, s->table, &dir) < 0 || table_open(&t, dir) < 0) {
		error_clear();
		free(dir);
		return 0;
	}
	size_t want = s->ncolumns ? s->ncolumns : t->spec.ncols;
	*types = xcalloc(want + 1, sizeof **types);
	for (size_t k = 0; k < want; k++) {
		int c = s->ncolumns ? table_spec_column(&t->spec, s->columns[k]) : (int)k;
		if (c < 0) {
			free(*types);
			*types = NULL;
			goto done;
		}
		(*types)[k] = t->spec.cols[c].type;
	}
	*n = want;
done:
	table_close(t);
	free(dir);
	return 0;
}

/* A query column of type from may be written to a column of type to. */
static bool writable(enum type from, enum type to)
{
	return from == to || (from == TYPE_INT64 && (to == TYPE_FLOAT64 || to == TYPE_NUMERIC)) ||
	       (from == TYPE_NUMERIC && to == TYPE_FLOAT64);
}

static int table_exists(const char *root, const char *name, char **dir)
{
	int error = table_resolve(root, name, dir);
	if (error == PIPE_ENOTFOUND || (error < 0 && !*dir)) {
		error_clear();
		*dir = NULL;
		return 0;
	}
	return error < 0 ? error : 1;
}

/* A CREATE TABLE AS that copies every row of one table (SELECT * or a
 * list of its columns: no WHERE, join, GROUP BY, ORDER BY or LIMIT) gives
 * each column the values its source column holds, and so the source's
 * distinct sketch: read from the source's file, rather than every value
 * hashed again (a tenth of a large copy's time).  Anything else, or a
 * source without sketches, is sketched as it is written. */
static void give_source_sketches(const struct plan *p, struct table_writer *w, const struct table_spec *spec)
{
	const struct node *project = p->root, *scan = project ? project->child : NULL;
	uint8_t **from = NULL;
	if (!project || project->kind != N_PROJECT || !scan || scan->kind != N_SCAN || !scan->table ||
	    scan->nprunes || p->nsubqs || p->nout != spec->ncols)
		return;
	for (size_t c = 0; c < spec->ncols; c++)
		if (project->exprs[c]->kind != X_COL || project->exprs[c]->col < 0 ||
		    (size_t)project->exprs[c]->col >= scan->table->spec.ncols ||
		    scan->table->spec.cols[project->exprs[c]->col].type != spec->cols[c].type)
			return;
	if (hll_file_read(scan->table->dir, scan->table->spec.ncols, &from) < 0) {
		error_clear(); /* sketched as written instead */
		return;
	}
	for (size_t c = 0; from && c < spec->ncols; c++)
		if (from[project->exprs[c]->col])
			table_writer_give_sketch(w, c, from[project->exprs[c]->col]);
	hll_sketches_free(from, scan->table->spec.ncols);
}

/* Writes the plan's rows through w, converted to the spec's columns:
 * map[c] is the output column feeding spec column c, or -1 for NULL. */
static int write_rows(struct run *r, struct table_writer *w, const struct table_spec *spec, const int *map)
{
	int error = 0;
	size_t nc = spec->ncols;
	/* own[c] holds converted or NULL columns; view[c] is what the writer
	 * reads: a shallow copy of the source column when the types agree */
	struct vec *own = xcalloc(nc + 1, sizeof *own), *view = xcalloc(nc + 1, sizeof *view);
	for (size_t c = 0; c < nc; c++)
		vec_init(&own[c], spec->cols[c].type);
	struct arena mem = {0};
	for (;;) {
		struct rb *in;
		if ((error = exec_next(r->plan.root, &r->st, &in)) < 0)
			goto done;
		if (error == 0)
			break;
		arena_reset(&mem);
		for (size_t c = 0; c < nc; c++) {
			const struct vec *src = map[c] >= 0 ? in->cols[map[c]] : NULL;
			if (src && src->type == spec->cols[c].type) {
				view[c] = *src;
				view[c].count = in->n;
				continue;
			}
			struct vec *v = &own[c];
			vec_reset(v);
			vec_reserve(v, in->n);
			for (size_t i = 0; i < in->n; i++) {
				struct value x = src ? vec_get(src, i) : value_null(v->type), y;
				if (x.is_null) {
					vec_push_null(v);
					continue;
				}
				if ((error = value_cast(&x, v->type, &mem, &y)) < 0)
					goto done;
				vec_push(v, &y);
			}
			view[c] = *v;
		}
		for (size_t c = 0; c < nc; c++)
			if (table_spec_not_null(spec, spec->cols[c].name) && memchr(view[c].nulls, 1, in->n)) {
				error = error_setcode(PIPE_EUSAGE, "Required field %s cannot be null", spec->cols[c].name);
				goto done;
			}
		struct batch b = {.nrows = in->n, .ncols = nc, .cols = view};
		r->res->stats.rows += (int64_t)in->n;
		if ((error = table_writer_append(w, &b)) < 0)
			goto done;
	}
	error = 0;
done:
	for (size_t c = 0; c < nc; c++)
		vec_free(&own[c]);
	free(own);
	free(view);
	arena_free(&mem);
	return error;
}

static int run_create(struct run *r)
{
	struct stmt *s = r->stmt;
	const struct sql_options *opt = r->opt;
	struct table_spec spec = {0};
	struct table_writer *w = NULL;
	char *dir = NULL;
	int *map = NULL;
	int error;
	const char *name = last_part(s->table);
	if (opt->expect_table && !str_eq_nocase(last_part(opt->expect_table), name)) {
		error = sql_error_at(s->src, s->table_line, s->table_col,
				     "the statement creates table %s, but the target is named %s", s->table,
				     opt->expect_table);
		goto done;
	}
	if (!opt->output_dir) {
		if ((error = table_exists(opt->root, s->table, &dir)) < 0)
			goto done;
		if (error == 1 && s->if_not_exists) {
			r->res->message = xasprintf("Table %s already exists; nothing done", s->table);
			error = 0;
			goto done;
		}
		if (error == 1 && !s->or_replace) {
			error = sql_error_at(s->src, s->table_line, s->table_col, "Already Exists: Table %s", s->table);
			goto done;
		}
	}
	/* replacing a table found ignoring case keeps its name */
	if (dir && strrchr(dir, '/') && str_eq_nocase(strrchr(dir, '/') + 1, name))
		spec.name = xstrdup(strrchr(dir, '/') + 1);
	else
		spec.name = xstrdup(name);
	spec.dataset = dataset_part(s->table);
	spec.ncols = s->ndecls ? s->ndecls : r->plan.nout;
	spec.cols = xcalloc(spec.ncols + 1, sizeof *spec.cols);
	map = xcalloc(spec.ncols + 1, sizeof *map);
	if (s->ndecls && s->sel && r->plan.nout != s->ndecls) {
		error = sql_error_at(s->src, s->table_line, s->table_col,
				     "The query has %zu columns but CREATE TABLE lists %zu", r->plan.nout, s->ndecls);
		goto done;
	}
	for (size_t c = 0; c < spec.ncols; c++) {
		/* a column list names and types the columns; the query's
		 * columns must be writable to them, as an INSERT's */
		if (s->ndecls) {
			spec.cols[c].name = xstrdup(s->decls[c].name);
			type_parse(s->decls[c].type, &spec.cols[c].type);
			if (s->decls[c].not_null) {
				spec.not_null = xrealloc(spec.not_null, (spec.nnot_null + 1) * sizeof *spec.not_null);
				spec.not_null[spec.nnot_null++] = xstrdup(s->decls[c].name);
			}
		} else {
			spec.cols[c].name = xstrdup(r->plan.root->names[c]);
			spec.cols[c].type = r->plan.root->types[c];
		}
		if (s->ndecls && s->sel && !writable(r->plan.root->types[c], spec.cols[c].type)) {
			error = error_setcode(PIPE_EUSAGE,
					      "Query column %zu has type %s which cannot be inserted into column %s, which has type %s",
					      c + 1, type_name(r->plan.root->types[c]), spec.cols[c].name,
					      type_name(spec.cols[c].type));
			goto done;
		}
		map[c] = (int)c;
		for (size_t k = 0; k < c; k++)
			if (str_eq_nocase(spec.cols[k].name, spec.cols[c].name)) {
				error = error_setcode(PIPE_EUSAGE, "CREATE TABLE has columns with duplicate name %s",
						      spec.cols[c].name);
				goto done;
			}
	}
	if ((error = partition_spec(s, &spec.partition)) < 0)
		goto done;
	if (s->ncluster > TABLE_MAX_CLUSTER) {
		error = sql_error_at(s->src, s->cluster_line, s->cluster_col,
				     "Too many clustering columns: %zu, expected at most 4", s->ncluster);
		goto done;
	}
	spec.ncluster = s->ncluster;
	for (size_t i = 0; i < s->ncluster; i++)
		spec.cluster[i] = xstrdup(s->cluster_by[i]);
	for (size_t i = 0; i < s->noptions; i++) {
		const struct option *o = &s->options[i];
		if (str_eq_nocase(o->key, "require_partition_filter")) {
			if ((error = bool_option(s, o, &spec.require_partition_filter)) < 0)
				goto done;
		} else if (str_eq_nocase(o->key, "block_rows")) {
			/* pipe's own option: rows per block (small blocks show
			 * block pruning on small tables) */
			if (o->value->kind != A_INT || o->value->i < 1 || o->value->i > 1000000) {
				error = sql_error_at(s->src, o->value->line, o->value->col,
						     "Option block_rows needs an integer from 1 to 1000000");
				goto done;
			}
			spec.block_rows = (uint32_t)o->value->i;
		} else if (str_eq_nocase(o->key, "description")) {
			if (o->value->kind != A_STRING) {
				error = sql_error_at(s->src, o->value->line, o->value->col, "Option description needs a string");
				goto done;
			}
			spec.description = xstrdup(o->value->s);
		} else if (!str_eq_nocase(o->key, "labels") && !str_eq_nocase(o->key, "expiration_timestamp") &&
			   !str_eq_nocase(o->key, "friendly_name") && !str_eq_nocase(o->key, "partition_expiration_days")) {
			error = sql_error_at(s->src, o->value->line, o->value->col, "Unknown option: %s", o->key);
			goto done;
		}
	}
	if ((error = table_spec_check(&spec)) < 0) {
		error_prefix("CREATE TABLE %s: ", s->table);
		goto done;
	}
	if (opt->dry_run) {
		error = 0;
		goto done;
	}
	if (opt->output_dir)
		error = table_writer_open(&w, opt->output_dir, &spec);
	else
		error = table_writer_create(&w, opt->root, &spec);
	if (error < 0)
		goto done;
	table_writer_hash_files(w, opt->hasher);
	if (s->sel && !s->ndecls)
		give_source_sketches(&r->plan, w, &spec);
	if (s->sel && (error = write_rows(r, w, &spec, map)) < 0)
		goto done;
	error = table_writer_finish(w);
	w = NULL;
	if (error < 0)
		goto done;
	r->res->message = xasprintf("Created table %s (%" PRId64 " rows)", s->table, r->res->stats.rows);
done:
	if (w)
		table_writer_abort(w);
	table_spec_free(&spec);
	free(map);
	free(dir);
	return error;
}

static int run_insert(struct run *r)
{
	struct stmt *s = r->stmt;
	struct table_writer *w = NULL;
	struct table *old = NULL;
	struct table_spec spec = {0};
	struct batch b = {0};
	char *dir = NULL;
	int *map = NULL, *all = NULL;
	int error;
	if ((error = table_resolve(r->opt->root, s->table, &dir)) < 0) {
		char *msg = xstrdup(error_last());
		error = sql_error_at(s->src, s->table_line, s->table_col, "%s", msg);
		free(msg);
		goto done;
	}
	if ((error = table_open(&old, dir)) < 0)
		goto done;
	table_spec_copy(&spec, &old->spec);
	map = xcalloc(spec.ncols + 1, sizeof *map);
	size_t want = s->ncolumns ? s->ncolumns : spec.ncols;
	if (want != r->plan.nout) {
		error = sql_error_at(s->src, s->table_line, s->table_col,
				     "Inserted row has wrong column count; Has %zu, expected %zu", r->plan.nout, want);
		goto done;
	}
	for (size_t c = 0; c < spec.ncols; c++)
		map[c] = s->ncolumns ? -1 : (int)c;
	for (size_t k = 0; k < s->ncolumns; k++) {
		int c = table_spec_column(&spec, s->columns[k]);
		if (c < 0) {
			error = sql_error_at(s->src, s->table_line, s->table_col, "Column %s is not present in table %s",
					     s->columns[k], s->table);
			goto done;
		}
		map[c] = (int)k;
	}
	for (size_t c = 0; c < spec.ncols; c++) {
		if (map[c] < 0)
			continue;
		enum type from = r->plan.root->types[map[c]], to = spec.cols[c].type;
		if (!writable(from, to)) {
			error = error_setcode(PIPE_EUSAGE,
					      "Query column %d has type %s which cannot be inserted into column %s, which has type %s",
					      map[c] + 1, type_name(from), spec.cols[c].name, type_name(to));
			goto done;
		}
	}
	if (r->opt->dry_run)
		goto done;
	if ((error = table_writer_create(&w, r->opt->root, &spec)) < 0)
		goto done;
	/* the old rows first, then the new */
	all = xcalloc(spec.ncols + 1, sizeof *all);
	for (size_t c = 0; c < spec.ncols; c++)
		all[c] = (int)c;
	for (size_t p = 0; p < old->npartitions; p++)
		for (size_t k = 0; k < old->partitions[p].nblocks; k++) {
			if ((error = table_read(old, p, k, all, spec.ncols, &b)) < 0)
				goto done;
			/* old rows: their partitions are not modified by this job */
			if ((error = table_writer_append_existing(w, &b)) < 0)
				goto done;
		}
	if ((error = write_rows(r, w, &spec, map)) < 0)
		goto done;
	error = table_writer_finish(w);
	w = NULL;
	if (error >= 0)
		r->res->message = xasprintf("Inserted %" PRId64 " rows into %s", r->res->stats.rows, s->table);
done:
	if (w)
		table_writer_abort(w);
	if (b.cols)
		batch_free(&b);
	if (old)
		table_close(old);
	table_spec_free(&spec);
	free(map);
	free(all);
	free(dir);
	return error;
}

static int run_drop(struct run *r)
{
	struct stmt *s = r->stmt;
	char *dir = NULL;
	int error = table_exists(r->opt->root, s->table, &dir);
	if (error < 0)
		return error;
	if (error == 0) {
		if (s->if_exists) {
			r->res->message = xasprintf("Table %s does not exist; nothing done", s->table);
			return 0;
		}
		return sql_error_at(s->src, s->table_line, s->table_col, "Not found: Table %s", s->table);
	}
	if (!r->opt->dry_run)
		error = rm_rf(dir);
	else
		error = 0;
	free(dir);
	if (error >= 0)
		r->res->message = xasprintf("Dropped table %s", s->table);
	return error;
}

/* The operators' memory budget: the option's, $PIPE_MEMORY's, or the
 * default. */
static int memory_budget(const struct sql_options *opt, int64_t *out)
{
	const char *env = getenv("PIPE_MEMORY");
	*out = SQL_MEMORY_DEFAULT;
	if (opt->memory_limit > 0) {
		*out = opt->memory_limit;
	} else if (env && *env && parse_size(env, out) < 0) {
		char *why = xstrdup(error_last());
		int error = error_setcode(PIPE_EUSAGE, "PIPE_MEMORY: %s", why);
		free(why);
		return error;
	}
	return 0;
}

/* The statement's CURRENT_TIMESTAMP (sql.h) */
static int statement_time(const struct sql_options *opt, int64_t *now)
{
	const char *env = getenv("PIPE_NOW");
	struct value v;
	if (opt->now_us) {
		*now = opt->now_us;
	} else if (env && *env && time_parse_iso(env) >= 0) {
		*now = time_parse_iso(env) * 1000000; /* the test clock's forms (util.h) */
	} else if (env && *env) {
		if (value_parse(TYPE_TIMESTAMP, env, strlen(env), &v) < 0)
			return error_setcode(PIPE_EUSAGE, "PIPE_NOW=%s: expected a timestamp, e.g. 2024-05-01T12:00:00Z", env);
		*now = v.us;
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		*now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	return 0;
}

int sql_run(const char *sql, const struct sql_options *opt, struct sql_result **out)
{
	struct sql_options explain_opt;
	if (opt->explain) { /* the plan is a dry run's */
		explain_opt = *opt;
		explain_opt.dry_run = true;
		opt = &explain_opt;
	}
	struct run r = {.opt = opt, .st = {.deadline_ms = opt->deadline_ms}};
	double t0 = time_now_ms();
	int error;
	*out = NULL;
	r.res = xcalloc(1, sizeof *r.res);
	r.res->dry_run = opt->dry_run;
	if ((error = memory_budget(opt, &r.st.memory_limit)) < 0)
		goto done;
	if ((error = sql_parse(sql, &r.stmt)) < 0 || (error = statement_time(opt, &r.stmt->now_us)) < 0)
		goto done;
	if (opt->explain && !r.stmt->sel) {
		error = error_setcode(PIPE_EUSAGE, "--explain shows a query's plan; %s has none",
		                      r.stmt->kind == S_DROP ? "DROP TABLE" : "CREATE TABLE without AS SELECT");
		goto done;
	}
	if (r.stmt->kind == S_INSERT || (r.stmt->kind == S_CREATE && r.stmt->ndecls)) {
		enum type *types = NULL;
		size_t n = 0;
		if ((error = written_types(&r, &types, &n)) >= 0 && n && r.stmt->sel)
			error = coerce_literals(r.stmt, r.stmt->sel, types, n);
		free(types);
		if (error < 0)
			goto done;
	}
	if (r.stmt->sel) {
		if ((error = sql_plan_select(r.stmt, r.stmt->sel, opt->root, opt->read_table, opt->read_from, &r.plan)) < 0)
			goto done;
		if ((error = prepare_scans(&r)) < 0)
			goto done;
		if (opt->explain) {
			struct buf text = BUF_INIT;
			sql_plan_explain(&r.plan, r.parts, &text);
			r.res->message = buf_detach(&text);
			goto finish;
		}
		attach_scans(&r);
		if (!opt->dry_run && (error = exec_subqueries(&r.plan, &r.st)) < 0)
			goto done;
	}
	switch (r.stmt->kind) {
	case S_SELECT: error = run_select(&r); break;
	case S_CREATE: error = run_create(&r); break;
	case S_INSERT: error = run_insert(&r); break;
	case S_DROP: error = run_drop(&r); break;
	}
	if (error < 0)
		goto done;
finish:
	r.res->stats.pipe_blocks_read = r.st.blocks_read;
	r.res->stats.elapsed_ms = time_now_ms() - t0;
	*out = r.res;
	r.res = NULL;
done:
	run_free(&r);
	sql_result_free(r.res);
	return error;
}

/* --- the result --- */

const struct sql_stats *sql_result_stats(const struct sql_result *r) { return &r->stats; }
size_t sql_result_ncols(const struct sql_result *r) { return r->ncols; }
size_t sql_result_nrows(const struct sql_result *r) { return r->nrows; }
const char *sql_result_colname(const struct sql_result *r, size_t col) { return r->names[col]; }
const char *sql_result_coltype(const struct sql_result *r, size_t col) { return type_name(r->types[col]); }
const char *sql_result_cell(const struct sql_result *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}
const char *sql_result_message(const struct sql_result *r) { return r->message; }
bool sql_result_dry_run(const struct sql_result *r) { return r->dry_run; }

void sql_result_free(struct sql_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	for (size_t c = 0; c < r->ncols; c++)
		free(r->names[c]);
	free(r->names);
	free(r->types);
	free(r->message);
	free(r);
}

/* --- referenced tables --- */

struct names {
	char **v;
	size_t n;
};

static char *lower_name(const char *s)
{
	char *r = xstrdup(s);
	for (char *c = r; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return r;
}

struct cte_names {
	const struct select *sel;
	size_t upto;
	const struct cte_names *prev;
};

static void collect_select(const struct select *sel, const struct cte_names *ctes, struct names *out);


static bool is_cte(const struct cte_names *c, const char *name)
{
	if (strchr(name, '.'))
		return false;
	for (; c; c = c->prev)
		for (size_t i = 0; i < c->upto; i++)
			if (str_eq_nocase(c->sel->ctes[i].name, name))
				return true;
	return false;
}

/* The subqueries of an expression read tables too. */
static void collect_ast(const struct ast *a, const struct cte_names *ctes, struct names *out)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nargs; i++)
		collect_ast(a->args[i], ctes, out);
	if (a->over) {
		for (size_t i = 0; i < a->over->npart; i++)
			collect_ast(a->over->part[i], ctes, out);
		for (size_t i = 0; i < a->over->norder; i++)
			collect_ast(a->over->order[i].expr, ctes, out);
	}
	if (a->sub)
		collect_select(a->sub, ctes, out);
}

static void collect_from(const struct from *f, const struct cte_names *ctes, struct names *out)
{
	if (!f)
		return;
	switch (f->kind) {
	case F_TABLE:
		if (is_cte(ctes, f->table))
			return;
		for (size_t i = 0; i < out->n; i++)
			if (str_eq_nocase(out->v[i], f->table))
				return;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = lower_name(f->table);
		return;
	case F_SUBQUERY: collect_select(f->sub, ctes, out); return;
	case F_JOIN:
		collect_from(f->left, ctes, out);
		collect_from(f->right, ctes, out);
		collect_ast(f->on, ctes, out);
		return;
	case F_UNNEST: collect_ast(f->array, ctes, out); return;
	}
}

static void collect_select(const struct select *sel, const struct cte_names *ctes, struct names *out)
{
	for (size_t i = 0; i < sel->nctes; i++) {
		struct cte_names c = {sel, i, ctes};
		collect_select(sel->ctes[i].sel, &c, out);
	}
	struct cte_names c = {sel, sel->nctes, ctes};
	collect_from(sel->from, &c, out);
	for (size_t i = 0; i < sel->narms; i++)
		collect_select(sel->arms[i], &c, out);
	for (size_t i = 0; i < sel->nitems; i++)
		collect_ast(sel->items[i].expr, &c, out);
	collect_ast(sel->where, &c, out);
	collect_ast(sel->having, &c, out);
	collect_ast(sel->qualify, &c, out);
	for (size_t i = 0; i < sel->ngroup; i++)
		collect_ast(sel->group[i], &c, out);
	for (size_t i = 0; i < sel->norder; i++)
		collect_ast(sel->order[i].expr, &c, out);
}

int sql_referenced_tables(const char *sql, char ***reads, size_t *nreads, char **writes)
{
	struct stmt *s = NULL;
	int error;
	*reads = NULL;
	*nreads = 0;
	*writes = NULL;
	if ((error = sql_parse(sql, &s)) < 0)
		return error;
	struct names n = {0};
	if (s->sel)
		collect_select(s->sel, NULL, &n);
	*reads = n.v;
	*nreads = n.n;
	if (s->kind != S_SELECT)
		*writes = lower_name(s->table);
	sql_stmt_free(s);
	return 0;
}

/* --- what a statement changes --- */

/* Statements the parser does not know, named by their first word so that
 * an ownership check can say which table they would change. */
static bool unsupported_write(const struct sql_tokens *tk, struct sql_write *w)
{
	static const char *const verbs[] = {"DELETE", "UPDATE", "MERGE", "TRUNCATE", "ALTER", NULL};
	const struct sql_token *v = tk->v;
	struct buf name = BUF_INIT;
	size_t i = 1;
	if (tk->n == 0 || (v[0].kind != TK_IDENT && v[0].kind != TK_KEYWORD))
		return false;
	for (size_t k = 0; verbs[k] && !w->verb; k++)
		if (str_eq_nocase(v[0].text, verbs[k]))
			w->verb = verbs[k];
	if (!w->verb)
		return false;
	w->line = v[0].line;
	w->col = v[0].col;
	if (i < tk->n && (v[i].kind == TK_IDENT || v[i].kind == TK_KEYWORD) &&
	    (str_eq_nocase(v[i].text, "FROM") || str_eq_nocase(v[i].text, "INTO") || str_eq_nocase(v[i].text, "TABLE")))
		i++;
	if (i < tk->n && v[i].kind == TK_IDENT) {
		w->line = v[i].line;
		w->col = v[i].col;
		buf_puts(&name, v[i].text);
		while (i + 2 < tk->n && v[i + 1].kind == TK_OP && !strcmp(v[i + 1].text, ".") && v[i + 2].kind == TK_IDENT) {
			buf_printf(&name, ".%s", v[i + 2].text);
			i += 2;
		}
		w->table = lower_name(buf_cstr(&name));
	}
	buf_free(&name);
	return true;
}

int sql_statement_write(const char *sql, struct sql_write *w)
{
	static const char *const verbs[] = {[S_CREATE] = "CREATE", [S_INSERT] = "INSERT", [S_DROP] = "DROP"};
	struct sql_tokens tk = {0};
	struct stmt *s = NULL;
	int error, depth = 0;
	memset(w, 0, sizeof(*w));
	if ((error = sql_lex(sql, &tk)) < 0)
		return error;
	for (size_t i = 0; i + 1 < tk.n && !w->next_line; i++) {
		if (tk.v[i].kind != TK_OP)
			continue;
		depth += !strcmp(tk.v[i].text, "(") - !strcmp(tk.v[i].text, ")");
		if (depth == 0 && !strcmp(tk.v[i].text, ";") && tk.v[i + 1].kind != TK_EOF) {
			w->next_line = tk.v[i + 1].line;
			w->next_col = tk.v[i + 1].col;
		}
	}
	if (w->next_line || unsupported_write(&tk, w))
		goto done;
	if ((error = sql_parse(sql, &s)) < 0)
		goto done;
	if (s->kind != S_SELECT) {
		w->verb = verbs[s->kind];
		w->table = lower_name(s->table);
		w->line = s->table_line;
		w->col = s->table_col;
	}
	sql_stmt_free(s);
done:
	sql_tokens_free(&tk);
	return error;
}

void sql_write_free(struct sql_write *w)
{
	free(w->table);
	memset(w, 0, sizeof(*w));
}

/* --- a table's schema, for its state record --- */

int sql_table_schema(const char *dir, const char *name, char **schema, int64_t *rows)
{
	struct table *t = NULL;
	struct buf b = BUF_INIT;
	int error;
	*schema = NULL;
	if ((error = table_open_spec(&t, dir)) < 0)
		return error;
	for (size_t i = 0; i < t->spec.ncols; i++)
		buf_printf(&b, "%s.%s %s\n", name, t->spec.cols[i].name, type_name(t->spec.cols[i].type));
	*schema = xstrdup(buf_cstr(&b));
	*rows = (int64_t)t->rows;
	buf_free(&b);
	table_close(t);
	return 0;
}
