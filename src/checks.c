/* checks: the checks a target declares on its data (docs/checks.md), run on
 * the new output before the engine publishes it (write, audit, publish), and
 * the statistics a table build records.
 *
 *   checks     = not_null(vendorid, tpep_dropoff_datetime)
 *                unique(_pipe_row_id)
 *                accepted_values(vendorid, 1, 2, 6)
 *                row_count(>= 1000)  row_count(>= 0.9 * previous)
 *   warn       = row_count(>= 100000)        the same, reported only
 *   checks_sql = @pipelines/taxi_checks.sql  "-- name:" queries that must
 *                                            return no rows; {this} is the table
 *
 * A snapshot has two: row_count (the records its pages hold, as the fetch
 * counted them) and json_path($.key.key, $[*].key, $.data[*].id), which
 * every page must hold: a non-null value at the path, at each element
 * where the path says [*].
 *
 * A table's checks reach it only through backend.h.  What the writer kept
 * (backend_table_bounds: each column's NULLs, range and distinct sketch)
 * answers the statistics, each not_null, an accepted_values whose list
 * holds every integer of the column's range, and the row count, with no
 * reading.  One scan counts the rest: the other accepted_values failures,
 * the rows a unique column holds beyond one per value (COUNT -
 * COUNT(DISTINCT)), MIN, MAX and APPROX_COUNT_DISTINCT of a column the
 * writer kept none of; it is left out when nothing is left.  A unique of
 * several columns is a GROUP BY of its own, as is a failing one's report;
 * each checks_sql query runs as written.  Only a failing check asks for its
 * sample rows.
 *
 * The state record keeps two fields, each a line per check or column, so
 * that `git diff` of state/ shows how the data moved:
 *
 *   field checks |
 *     ok 0 not_null(vendorid)
 *     ok 1500 row_count(>= 0.9 * previous)     (the figure: failing rows,
 *     warned 1500 row_count(>= 100000)          or the row count)
 *   field stats |
 *     vendorid nulls=0 distinct=2 range=1..2
 *     store_and_fwd_flag nulls=0 distinct=2 range="N".."Y"
 *   field previous_rows 1400
 *
 * pipe's own columns (_pipe_row_id, _pipe_load_id) have none.  range is MIN..MAX, left out when the column holds no value (and for a
 * JSON column, which has no order: distinct too); strings are quoted and
 * cut to 40 characters; distinct is APPROX_COUNT_DISTINCT's estimate.  previous_rows is the row count the relative
 * thresholds compared with, kept so that `pipe test` and a re-run of edited
 * checks compare with the same build. */
#include "checks.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "json.h"
#include "kind_report.h"
#include "kind_snapshot.h"

const char *const checks_table_keys[] = {"checks", "warn", "checks_sql", NULL};

#define SAMPLE_ROWS 5
#define STAT_TEXT_MAX 40

enum check_type { C_NOT_NULL, C_UNIQUE, C_ACCEPTED_VALUES, C_ROW_COUNT, C_JSON_PATH, C_SQL };

static const struct {
	const char *name;
	enum check_type type;
	bool table, snapshot;
	const char *usage;
} check_types[] = {
	{"not_null", C_NOT_NULL, true, false, "not_null(column, ...)"},
	{"unique", C_UNIQUE, true, false, "unique(column, ...)"},
	{"accepted_values", C_ACCEPTED_VALUES, true, false, "accepted_values(column, value, ...)"},
	{"row_count", C_ROW_COUNT, true, true, "row_count(>= 1000) or row_count(>= 0.9 * previous)"},
	{"json_path", C_JSON_PATH, false, true, "json_path($.data[*].id)"},
};

struct check {
	enum check_type type;
	bool warn;
	char *text;                 /* as the build reports it: "not_null(vendorid)" */
	const struct attr *attr;
	int line, col;              /* of the check in attr's value */
	char **args;                /* columns; accepted_values: the column, then the values */
	size_t nargs;
	char op[3];                 /* row_count: >=, >, <=, <, = or != */
	double number, factor;      /* row_count: number, or factor * previous */
	bool previous;
	char *sql;                  /* checks_sql: the query, {this} as written */
	/* what running it found */
	int64_t count;
	bool counted; /* count known without the scan (the blocks' bounds) */
	bool failed;
	char *detail;
};

struct checks {
	struct check *v;
	size_t n, cap;
};

static void checks_free(struct checks *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		struct check *c = &cs->v[i];
		for (size_t k = 0; k < c->nargs; k++)
			free(c->args[k]);
		free(c->args);
		free(c->text);
		free(c->sql);
		free(c->detail);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

static struct check *add_check(struct checks *cs, enum check_type type, const struct attr *a, int line, int col)
{
	struct check *c;
	grow_array(&cs->v, &cs->cap, cs->n + 1, sizeof(*cs->v));
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->attr = a;
	c->warn = !strcmp(a->key, "warn");
	c->line = line;
	c->col = col;
	return c;
}

static bool ident_char(char ch) { return isalnum((unsigned char)ch) || ch == '_'; }

static bool is_ident(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!ident_char(*s))
			return false;
	return true;
}

/* A number, or a string in quotes: what accepted_values compares with. */
static bool is_literal(const char *s)
{
	char *end;
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0])
		return true;
	if (!n)
		return false;
	strtod(s, &end);
	return !*end;
}

/* "1.5", "0.9 * previous", "previous": the threshold after row_count's
 * operator. */
static bool parse_threshold(const char *s, struct check *c)
{
	char *end;
	const char *p;
	while (isspace((unsigned char)*s))
		s++;
	if (!strcmp(s, "previous")) {
		c->previous = true;
		c->factor = 1;
		return true;
	}
	c->number = strtod(s, &end);
	if (end == s || c->number < 0)
		return false;
	for (p = end; isspace((unsigned char)*p); p++)
		;
	if (!*p)
		return true;
	if (*p != '*')
		return false;
	for (p++; isspace((unsigned char)*p); p++)
		;
	if (strcmp(p, "previous"))
		return false;
	c->previous = true;
	c->factor = c->number;
	return true;
}

static const char *const ops[] = {">=", "<=", "!=", ">", "<", "=", NULL};

static int parse_row_count(struct check *c, const char *arg, int line, int col)
{
	const char *s = arg;
	while (isspace((unsigned char)*s))
		s++;
	for (size_t k = 0; ops[k]; k++)
		if (str_starts(s, ops[k])) {
			strcpy(c->op, ops[k]);
			if (parse_threshold(s + strlen(ops[k]), c))
				return 0;
			break;
		}
	return error_at_value(c->attr, line, col, "bad threshold '%s' in row_count: expected an operator "
	                      "(>=, >, <=, <, =, !=) and a number of rows or a factor of the last build's, "
	                      "as row_count(>= 1000) or row_count(>= 0.9 * previous)", arg);
}

/* $ followed by .key (letters, digits, _ and -) and [*] steps. */
static bool json_path_valid(const char *p)
{
	if (*p++ != '$')
		return false;
	while (*p) {
		if (str_starts(p, "[*]")) {
			p += 3;
			continue;
		}
		if (*p++ != '.' || !(ident_char(*p) || *p == '-'))
			return false;
		while (ident_char(*p) || *p == '-')
			p++;
	}
	return true;
}

/* The hint for an unknown check: the nearest name this kind has. */
static void nearest_check(const char *word, bool snapshot, struct buf *hint)
{
	const char *best = NULL;
	int best_d = 3;
	for (size_t k = 0; k < sizeof(check_types) / sizeof(check_types[0]); k++) {
		int d;
		if (snapshot ? !check_types[k].snapshot : !check_types[k].table)
			continue;
		d = edit_distance(word, check_types[k].name);
		if (d < best_d) {
			best_d = d;
			best = check_types[k].name;
		}
	}
	if (best)
		buf_printf(hint, "did you mean %s? ", best);
	buf_puts(hint, snapshot ? "A snapshot's checks are" : "A table's checks are");
	for (size_t k = 0, n = 0; k < sizeof(check_types) / sizeof(check_types[0]); k++)
		if (snapshot ? check_types[k].snapshot : check_types[k].table)
			buf_printf(hint, "%s %s", n++ ? "," : "", check_types[k].name);
}

/* One call, name(args), at s (line, col in the value): its arguments
 * split at the commas outside quotes. */
static int parse_call(const struct attr *a, const char *name, const char *args, int line, int col, bool snapshot,
                      struct checks *cs)
{
	size_t k, n = sizeof(check_types) / sizeof(check_types[0]);
	struct check *c;
	char **parts = NULL;
	size_t nparts = 0, cap = 0;
	int error = 0;

	for (k = 0; k < n && strcmp(check_types[k].name, name); k++)
		;
	if (k < n && snapshot && !check_types[k].snapshot)
		return error_at_value(a, line, col, "%s checks a table's columns: put it on the table that loads "
		                      "this snapshot (a snapshot's checks are row_count and json_path)", name);
	if (k < n && !snapshot && !check_types[k].table)
		return error_at_value(a, line, col, "%s checks a snapshot's pages: put it on the snapshot (a "
		                      "table's checks are not_null, unique, accepted_values and row_count)", name);
	if (k == n) {
		struct buf hint = BUF_INIT;
		nearest_check(name, snapshot, &hint);
		error = error_at_value(a, line, col, "unknown check '%s': %s", name, buf_cstr(&hint));
		buf_free(&hint);
		return error;
	}
	for (const char *p = args, *start = args;; p++) {
		char q = 0;
		if (*p == '\'' || *p == '"')
			for (q = *p++; *p && *p != q; p++)
				;
		if (*p && *p != ',')
			continue;
		char *part = xstrndup(start, (size_t)(p - start));
		grow_array(&parts, &cap, nparts + 1, sizeof(char *));
		parts[nparts++] = xstrdup(str_trim(part));
		free(part);
		if (!*p)
			break;
		start = p + 1;
	}
	c = add_check(cs, check_types[k].type, a, line, col);
	if (c->type == C_ROW_COUNT || c->type == C_JSON_PATH) {
		if (nparts != 1 || !*parts[0]) {
			error = error_at_value(a, line, col, "%s takes one argument: %s", name, check_types[k].usage);
			goto done;
		}
		if (c->type == C_ROW_COUNT && (error = parse_row_count(c, parts[0], line, col)) < 0)
			goto done;
		if (c->type == C_JSON_PATH && !json_path_valid(parts[0])) {
			error = error_at_value(a, line, col, "json_path: '%s' is not a path: $ then .key and [*] steps, "
			                       "as $.data, $[*].id or $.data[*].id", parts[0]);
			goto done;
		}
	} else {
		size_t ncols = c->type == C_ACCEPTED_VALUES ? 1 : nparts;
		if (!nparts || !*parts[0] || (c->type == C_ACCEPTED_VALUES && nparts < 2)) {
			error = error_at_value(a, line, col, "%s needs %s: %s", name,
			                       c->type == C_ACCEPTED_VALUES ? "a column and the values it may hold"
			                                                    : "at least one column", check_types[k].usage);
			goto done;
		}
		for (size_t i = 0; i < nparts; i++) {
			bool ok = i < ncols ? is_ident(parts[i]) : is_literal(parts[i]);
			if (!ok) {
				error = error_at_value(a, line, col, i < ncols
				                       ? "%s: '%s' is not a column name (letters, digits and _)"
				                       : "%s: '%s' is not a value: write a number, or a string in quotes "
				                         "('%s')", name, parts[i], parts[i]);
				goto done;
			}
		}
	}
	/* not_null(a, b) is a check per column, each with its own count */
	if (c->type == C_NOT_NULL) {
		for (size_t i = 1; i < nparts; i++) {
			struct check *more = add_check(cs, C_NOT_NULL, a, line, col);
			more->args = xcalloc(1, sizeof(char *));
			more->args[0] = xstrdup(parts[i]);
			more->nargs = 1;
			more->text = xasprintf("not_null(%s)", parts[i]);
		}
		c = &cs->v[cs->n - nparts];
		c->args = xcalloc(1, sizeof(char *));
		c->args[0] = xstrdup(parts[0]);
		c->nargs = 1;
		c->text = xasprintf("not_null(%s)", parts[0]);
		goto done;
	}
	{
		struct buf text = BUF_INIT;
		buf_printf(&text, "%s(", name);
		for (size_t i = 0; i < nparts; i++)
			buf_printf(&text, "%s%s", i ? ", " : "", parts[i]);
		buf_putc(&text, ')');
		c->text = buf_detach(&text);
	}
	c->args = parts;
	c->nargs = nparts;
	parts = NULL;
	nparts = 0;
done:
	for (size_t i = 0; i < nparts; i++)
		free(parts[i]);
	free(parts);
	return error;
}

/* A `checks` or `warn` value: calls separated by blanks, newlines or commas. */
static int parse_list(const struct attr *a, bool snapshot, struct checks *cs)
{
	const char *s = a->value, *line_start = s;
	int line = 1, error = 0;
	while (*s && !error) {
		const char *name_start, *open;
		int col;
		if (*s == '\n') {
			line++;
			line_start = ++s;
			continue;
		}
		if (isspace((unsigned char)*s) || *s == ',') {
			s++;
			continue;
		}
		col = (int)(s - line_start) + 1;
		name_start = s;
		while (ident_char(*s))
			s++;
		if (s == name_start || *s != '(') {
			const char *end = s == name_start ? s + 1 : s;
			while (*end && !isspace((unsigned char)*end) && *end != '(')
				end++;
			return error_at_value(a, line, col, "expected a check, as not_null(column) or row_count(>= 1), "
			                      "at '%.*s'", (int)(end - name_start), name_start);
		}
		open = s;
		{
			char q = 0;
			for (s++; *s && (q || *s != ')'); s++) {
				if (q && *s == q)
					q = 0;
				else if (!q && (*s == '\'' || *s == '"'))
					q = *s;
				else if (*s == '\n')
					break;
			}
		}
		if (*s != ')')
			return error_at_value(a, line, col, "%.*s( is not closed: a check is written on one line, "
			                      "as %.*s(...)", (int)(open - name_start), name_start,
			                      (int)(open - name_start), name_start);
		{
			char *name = xstrndup(name_start, (size_t)(open - name_start));
			char *args = xstrndup(open + 1, (size_t)(s - open - 1));
			error = parse_call(a, name, args, line, col, snapshot, cs);
			free(name);
			free(args);
		}
		s++;
	}
	return error;
}

/* The named queries of checks_sql, parsed as a report's are. */
static int parse_sql(const struct attr *a, struct checks *cs)
{
	struct named_query *qs = NULL;
	size_t n = 0;
	int error;
	if ((error = named_queries_parse(a, &qs, &n)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		struct check *c = add_check(cs, C_SQL, a, qs[i].line, 1);
		if (!strstr(qs[i].sql, "{this}")) {
			error = error_at_value(a, qs[i].line, 1, "query '%s' does not read {this}: a check's query "
			                       "names the table it checks as {this}", qs[i].name);
			break;
		}
		c->text = xasprintf("checks_sql %s", qs[i].name);
		c->sql = xstrdup(qs[i].sql);
	}
	named_queries_free(qs, n);
	return error;
}

static int parse_all(const struct target *t, bool snapshot, struct checks *cs)
{
	static const char *const lists[] = {"checks", "warn", NULL};
	const struct attr *a;
	int error = 0;
	memset(cs, 0, sizeof(*cs));
	for (size_t i = 0; lists[i] && !error; i++)
		if ((a = target_attr(t, lists[i])))
			error = parse_list(a, snapshot, cs);
	if (!error && (a = target_attr(t, "checks_sql")))
		error = parse_sql(a, cs);
	if (error < 0)
		checks_free(cs);
	return error;
}

int checks_check(const struct target *t, bool snapshot)
{
	struct checks cs;
	int error = parse_all(t, snapshot, &cs);
	if (error >= 0)
		checks_free(&cs);
	return error;
}

static void row_count_verdict(struct check *c, int64_t rows, int64_t previous);
static void record_checks(const struct checks *cs, struct state_record *rec, int64_t previous);
static int report(const struct target *t, const struct checks *cs, const char *on_failure, struct buf *output);

/* ---- running them on a snapshot ---- */

/* How many places the path (after its $) finds nothing at, from token i. */
static int64_t path_missing(const struct json_doc *doc, int i, const char *path)
{
	char key[256];
	size_t n;
	if (!*path)
		return doc->toks[i].type == JSON_NULL;
	if (str_starts(path, "[*]")) {
		int64_t missing = 0;
		if (doc->toks[i].type != JSON_ARRAY)
			return 1;
		for (int k = 0, e = i + 1; k < doc->toks[i].size; k++, e = json_skip(doc, e))
			missing += path_missing(doc, e, path + 3);
		return missing;
	}
	if (*path != '.')
		return 1;
	n = strcspn(path + 1, ".[");
	if (n >= sizeof(key) || doc->toks[i].type != JSON_OBJECT)
		return 1;
	memcpy(key, path + 1, n);
	key[n] = 0;
	i = json_get(doc, i, key);
	return i < 0 ? 1 : path_missing(doc, i, path + 1 + n);
}

static int json_path_check(struct check *c, char **pages, size_t npages)
{
	struct json_doc doc = {0};
	struct buf text = BUF_INIT;
	struct buf where = BUF_INIT;
	int error = 0;
	for (size_t p = 0; p < npages && error >= 0; p++) {
		int64_t missing;
		buf_clear(&text);
		if ((error = file_read(pages[p], &text)) < 0 ||
		    (error = json_parse(&doc, buf_cstr(&text), text.len, pages[p])) < 0)
			break;
		if ((missing = path_missing(&doc, 0, c->args[0] + 1)) > 0) {
			c->count += missing;
			const char *base = strrchr(pages[p], '/'); /* the page, not the scratch path it is at */
			if (where.len < 200)
				buf_printf(&where, "%s%s", where.len ? ", " : "", base ? base + 1 : pages[p]);
		}
	}
	if (c->count) {
		c->failed = true;
		c->detail = xasprintf("%lld place%s without a value, in %s", (long long)c->count,
		                      c->count == 1 ? "" : "s", buf_cstr(&where));
	}
	json_doc_free(&doc);
	buf_free(&text);
	buf_free(&where);
	return error;
}

int checks_snapshot(const struct target *t, const char *dir, int64_t rows, int64_t previous,
                    const char *on_failure, struct state_record *rec, struct buf *output)
{
	struct checks cs;
	char **pages = NULL;
	size_t npages = 0, cap = 0;
	int error;
	if ((error = parse_all(t, true, &cs)) < 0)
		return error;
	if ((error = snapshot_pages(dir, &pages, &npages, &cap)) < 0)
		goto done;
	for (size_t i = 0; i < cs.n && error >= 0; i++) {
		if (cs.v[i].type == C_ROW_COUNT)
			row_count_verdict(&cs.v[i], rows, previous);
		else
			error = json_path_check(&cs.v[i], pages, npages);
	}
	if (error < 0)
		goto done;
	record_checks(&cs, rec, previous);
	error = report(t, &cs, on_failure, output);
done:
	for (size_t i = 0; i < npages; i++)
		free(pages[i]);
	free(pages);
	checks_free(&cs);
	return error;
}

/* ---- running them on a table ---- */

struct column {
	char *name, *type;
};

static void columns_free(struct column *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cols[i].name);
		free(cols[i].type);
	}
	free(cols);
}

/* backend_table_schema's "table.column TYPE" lines. */
static void parse_schema(const char *schema, struct column **out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	for (const char *p = schema; p && *p;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		const char *dot = memchr(p, '.', (size_t)(end - p)), *sp;
		if (dot && (sp = memchr(dot, ' ', (size_t)(end - dot)))) {
			grow_array(out, &cap, *n + 1, sizeof(**out));
			(*out)[*n].name = xstrndup(dot + 1, (size_t)(sp - dot - 1));
			(*out)[*n].type = xstrndup(sp + 1, (size_t)(end - sp - 1));
			(*n)++;
		}
		p = nl ? nl + 1 : end;
	}
}

/* A column the checks name must be the table's: "unknown column" with the
 * nearest name, at the check. */
static int known_column(const struct check *c, const char *name, const struct column *cols, size_t n)
{
	const char *best = NULL;
	int best_d = 3;
	struct buf all = BUF_INIT;
	int error;
	for (size_t i = 0; i < n; i++) {
		int d;
		if (str_eq_nocase(cols[i].name, name)) {
			buf_free(&all);
			return 0;
		}
		if ((d = edit_distance(name, cols[i].name)) < best_d) {
			best_d = d;
			best = cols[i].name;
		}
		buf_printf(&all, "%s%s", i ? ", " : "", cols[i].name);
	}
	if (best)
		error = error_at_value(c->attr, c->line, c->col, "unknown column '%s' in %s: did you mean '%s'?", name,
		                       c->text, best);
	else
		error = error_at_value(c->attr, c->line, c->col, "unknown column '%s' in %s: the table's columns "
		                       "are %s", name, c->text, buf_cstr(&all));
	buf_free(&all);
	return error;
}

/* The condition a failing row meets, for not_null and accepted_values. */
static char *failing_condition(const struct check *c)
{
	struct buf b = BUF_INIT;
	if (c->type == C_NOT_NULL) {
		buf_printf(&b, "`%s` IS NULL", c->args[0]);
	} else {
		buf_printf(&b, "`%s` IS NOT NULL AND `%s` NOT IN (", c->args[0], c->args[0]);
		for (size_t i = 1; i < c->nargs; i++) {
			const char *v = c->args[i];
			if (v[0] == '"') /* GoogleSQL takes either quote; keep one form */
				buf_printf(&b, "%s'%.*s'", i > 1 ? ", " : "", (int)strlen(v) - 2, v + 1);
			else
				buf_printf(&b, "%s%s", i > 1 ? ", " : "", v);
		}
		buf_putc(&b, ')');
	}
	return buf_detach(&b);
}

static char *this_sql(const char *sql, const char *table)
{
	struct buf b = BUF_INIT;
	for (const char *p = sql, *hit; *p; p = hit + 6) {
		if (!(hit = strstr(p, "{this}"))) {
			buf_puts(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(hit - p));
		buf_printf(&b, "`%s`", table);
	}
	return buf_detach(&b);
}

struct run {
	struct backend *b;
	const struct target *t;
	struct backend_query opt;
	const struct check *current; /* whose query runs: its place prefixes an error */
};

static int query(struct run *r, const char *sql, struct backend_result **res)
{
	int error = backend_query(r->b, sql, &r->opt, res);
	if (error < 0 && r->current) {
		char *msg = xstrdup(error_last());
		error_at_value(r->current->attr, r->current->line, r->current->col, "%s: %s", r->current->text, msg);
		free(msg);
	} else if (error < 0) {
		error_prefix("checking %s: ", r->t->name);
	}
	return error;
}

/* Up to SAMPLE_ROWS rows of a result, "  col=value, col=value", each cut
 * to a line's width. */
static void sample_rows(const struct backend_result *res, struct buf *out)
{
	size_t rows = backend_result_nrows(res);
	for (size_t i = 0; i < rows && i < SAMPLE_ROWS; i++) {
		struct buf line = BUF_INIT;
		for (size_t c = 0; c < backend_result_ncols(res); c++) {
			const char *v = backend_result_cell(res, i, c);
			buf_printf(&line, "%s%s=%s", c ? ", " : "", backend_result_colname(res, c), v ? v : "NULL");
		}
		if (line.len > 160)
			line.len = 157, buf_puts(&line, "...");
		buf_printf(out, "\n    %s", buf_cstr(&line));
		buf_free(&line);
	}
	if (rows > SAMPLE_ROWS)
		buf_printf(out, "\n    (%zu rows in all)", rows);
}

static void quote_stat(struct buf *b, const char *v, const char *type)
{
	size_t n;
	if (!v) {
		buf_puts(b, "NULL");
		return;
	}
	if (strcmp(type, "STRING") && strcmp(type, "BYTES")) {
		buf_puts(b, v);
		return;
	}
	n = strlen(v);
	buf_putc(b, '"');
	for (size_t i = 0; i < n && i < STAT_TEXT_MAX; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '"' || ch == '\\')
			buf_printf(b, "\\%c", ch);
		else if (ch < 0x20)
			buf_printf(b, "\\x%02x", ch);
		else
			buf_putc(b, (char)ch);
	}
	buf_puts(b, n > STAT_TEXT_MAX ? "...\"" : "\"");
}

static bool compare(double x, const char *op, double y)
{
	if (!strcmp(op, ">="))
		return x >= y;
	if (!strcmp(op, ">"))
		return x > y;
	if (!strcmp(op, "<="))
		return x <= y;
	if (!strcmp(op, "<"))
		return x < y;
	if (!strcmp(op, "="))
		return x == y;
	return x != y;
}

/* row_count: passes or not; the detail says what was compared. */
static void row_count_verdict(struct check *c, int64_t rows, int64_t previous)
{
	double want = c->number;
	c->count = rows;
	if (c->previous) {
		if (previous < 0) {
			c->detail = xasprintf("%lld rows, and no earlier build to compare with", (long long)rows);
			return;
		}
		want = c->factor * (double)previous;
	}
	if (compare((double)rows, c->op, want))
		return;
	c->failed = true;
	if (c->previous)
		c->detail = xasprintf("%lld rows; the last build had %lld, so %s %.15g", (long long)rows,
		                      (long long)previous, c->op, want);
	else
		c->detail = xasprintf("%lld rows", (long long)rows);
}

/* A unique of one column is counted in the main scan, as COUNT(DISTINCT). */
static bool in_scan(const struct check *c) { return c->type == C_UNIQUE && c->nargs == 1; }

/* A check whose query returns what fails it: fails with their number
 * ("3 duplicate values", "2 rows") and the first of them. */
static int run_failing_rows(struct run *r, struct check *c, const char *sql, const char *noun)
{
	struct backend_result *res = NULL;
	int error;
	if ((error = query(r, sql, &res)) < 0)
		return error;
	c->count = (int64_t)backend_result_nrows(res);
	if (c->count) {
		struct buf d = BUF_INIT;
		c->failed = true;
		buf_printf(&d, "%lld %s%s", (long long)c->count, noun, c->count == 1 ? "" : "s");
		sample_rows(res, &d);
		c->detail = buf_detach(&d);
	}
	backend_result_free(res);
	return 0;
}

/* unique(cols): the keys that more than one row holds (rows with a NULL
 * in them are not keys, as in dbt). */
static int run_unique(struct run *r, struct check *c, const char *table)
{
	struct buf cols = BUF_INIT, nonnull = BUF_INIT;
	char *sql;
	int error;
	for (size_t i = 0; i < c->nargs; i++) {
		buf_printf(&cols, "%s`%s`", i ? ", " : "", c->args[i]);
		buf_printf(&nonnull, "%s`%s` IS NOT NULL", i ? " AND " : "", c->args[i]);
	}
	sql = xasprintf("SELECT %s, COUNT(*) AS rows_with_it FROM `%s` WHERE %s GROUP BY %s HAVING COUNT(*) > 1 "
	                "ORDER BY rows_with_it DESC, %s", cols.data, table, nonnull.data, cols.data, cols.data);
	error = run_failing_rows(r, c, sql, "duplicate value");
	buf_free(&cols);
	buf_free(&nonnull);
	free(sql);
	return error;
}

static int run_sql(struct run *r, struct check *c, const char *table)
{
	char *sql = this_sql(c->sql, table);
	int error = run_failing_rows(r, c, sql, "row");
	free(sql);
	return error;
}

/* A failing not_null or accepted_values: its sample rows. */
static int run_samples(struct run *r, struct check *c, const char *table, int64_t rows)
{
	struct backend_result *res = NULL;
	char *cond = failing_condition(c);
	char *sql = xasprintf("SELECT * FROM `%s` WHERE %s LIMIT %d", table, cond, SAMPLE_ROWS);
	struct buf d = BUF_INIT;
	int error;
	if ((error = query(r, sql, &res)) >= 0) {
		buf_printf(&d, "%lld of %lld rows %s", (long long)c->count, (long long)rows,
		           c->type == C_NOT_NULL ? "are NULL" : "hold another value");
		sample_rows(res, &d);
		c->detail = buf_detach(&d);
	}
	backend_result_free(res);
	buf_free(&d);
	free(cond);
	free(sql);
	return error;
}

/* A column's bounds as the table's blocks recorded them, or NULL. */
static const struct backend_bounds *bounds_of(const struct backend_bounds *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].known && str_eq_nocase(v[i].name, name))
			return &v[i];
	return NULL;
}

/* A column's type, by a check's name for it. */
static const char *type_of(const struct column *cols, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq_nocase(cols[i].name, name))
			return cols[i].type;
	return "";
}

/* Whether the range the blocks kept proves that an accepted_values check
 * of an INT64 column finds no other value: every integer from MIN to MAX
 * is in its list of numbers.  A list with a string in it is the query's
 * to judge, as are other types. */
static bool accepted_by_range(const struct check *c, const char *type, const struct backend_bounds *bd)
{
	long long lo, hi;
	if (strcmp(type, "INT64") || !bd->min)
		return false;
	lo = strtoll(bd->min, NULL, 10);
	hi = strtoll(bd->max, NULL, 10);
	if (hi < lo || hi - lo >= (long long)c->nargs - 1 || llabs(lo) > (1LL << 52) || llabs(hi) > (1LL << 52))
		return false;
	for (size_t i = 1; i < c->nargs; i++)
		if (c->args[i][0] == '\'' || c->args[i][0] == '"')
			return false;
	for (long long v = lo; v <= hi; v++) {
		size_t i;
		for (i = 1; i < c->nargs && strtod(c->args[i], NULL) != (double)v; i++)
			;
		if (i == c->nargs)
			return false;
	}
	return true;
}

/* A not_null or accepted_values count the blocks' bounds give without a
 * scan: a not_null's is the NULLs they kept; an accepted_values passes
 * when the range proves it. */
static bool count_from_bounds(struct check *c, const struct backend_bounds *bounds, size_t nbounds,
                              const struct column *cols, size_t ncols)
{
	const struct backend_bounds *bd = bounds_of(bounds, nbounds, c->args[0]);
	if (!bd)
		return false;
	if (c->type == C_NOT_NULL)
		c->count = bd->nulls;
	else if (accepted_by_range(c, type_of(cols, ncols, c->args[0]), bd))
		c->count = 0;
	else
		return false;
	return c->counted = true;
}

/* The stats aggregates of a column, or NULLs where its type has none or
 * what the writer kept (bd) already tells: the NULL count and the range of
 * the blocks, the distinct estimate of the column's sketch.  Adds nothing
 * to scan_needed when all of it is known. */
static void stats_select(struct buf *sql, const struct column *col, const struct backend_bounds *bd, int64_t rows,
                         bool *scan_needed)
{
	bool json = !strcmp(col->type, "JSON");
	bool range_known = json || (bd && (bd->min || bd->nulls == rows));
	bool distinct_known = json || (bd && bd->sketched);
	/* the NULLs are COUNT(*) less these: a count is cheaper than a test */
	if (bd)
		buf_puts(sql, ", NULL");
	else
		buf_printf(sql, ", COUNT(`%s`)", col->name);
	if (range_known)
		buf_puts(sql, ", NULL, NULL");
	else
		buf_printf(sql, ", MIN(`%s`), MAX(`%s`)", col->name, col->name);
	if (distinct_known)
		buf_puts(sql, ", NULL");
	else
		buf_printf(sql, ", APPROX_COUNT_DISTINCT(`%s`)", col->name);
	*scan_needed |= !bd || !range_known || !distinct_known;
}

/* A cell of the scan's one row; NULL when there was no scan. */
static const char *stat_cell(const struct backend_result *res, size_t k)
{
	return res ? backend_result_cell(res, 0, k) : NULL;
}

static char *stats_text(const struct backend_result *res, size_t first, const struct column *cols, size_t n,
                        int64_t rows, const struct backend_bounds *bounds, size_t nbounds)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t k = first + i * 4;
		const struct backend_bounds *bd = bounds_of(bounds, nbounds, cols[i].name);
		const char *values = stat_cell(res, k), *distinct = stat_cell(res, k + 3);
		const char *min = stat_cell(res, k + 1), *max = stat_cell(res, k + 2);
		int64_t nulls = bd ? bd->nulls : rows - (values ? strtoll(values, NULL, 10) : 0);
		if (bd && bd->min) {
			min = bd->min;
			max = bd->max;
		}
		buf_printf(&b, "%s%s nulls=%lld", i ? "\n" : "", cols[i].name, (long long)nulls);
		if (!strcmp(cols[i].type, "JSON"))
			continue;
		if (bd && bd->sketched)
			buf_printf(&b, " distinct=%lld", (long long)bd->distinct);
		else
			buf_printf(&b, " distinct=%s", distinct ? distinct : "0");
		if (!min)
			continue;
		buf_puts(&b, " range=");
		quote_stat(&b, min, cols[i].type);
		buf_puts(&b, "..");
		quote_stat(&b, max, cols[i].type);
	}
	return buf_detach(&b);
}

static void record_checks(const struct checks *cs, struct state_record *rec, int64_t previous)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < cs->n; i++) {
		const struct check *c = &cs->v[i];
		buf_printf(&b, "%s%s %lld %s", i ? "\n" : "", !c->failed ? "ok" : c->warn ? "warned" : "failed",
		           (long long)c->count, c->text);
	}
	state_field_set(rec, "checks", cs->n ? b.data : NULL);
	buf_free(&b);
	if (previous >= 0) {
		char n[32];
		snprintf(n, sizeof(n), "%lld", (long long)previous);
		state_field_set(rec, "previous_rows", n);
	} else {
		state_field_set(rec, "previous_rows", NULL);
	}
}

/* The verdict: warnings and a summary to output; failures as the error. */
static int report(const struct target *t, const struct checks *cs, const char *on_failure, struct buf *output)
{
	struct buf failures = BUF_INIT;
	size_t failed = 0, warned = 0;
	int error = 0;
	for (size_t i = 0; i < cs->n; i++) {
		const struct check *c = &cs->v[i];
		if (!c->failed)
			continue;
		error_at_value(c->attr, c->line, c->col, c->warn ? "%s: %s" : "%s failed: %s", c->text, c->detail);
		if (c->warn) {
			warned++;
			buf_printf(output, "%s: warning: %s\n", t->name, error_last());
		} else {
			failed++;
			buf_printf(&failures, "\n  %s", error_last());
		}
		error_clear();
	}
	if (cs->n)
		buf_printf(output, "%s: checks: %zu passed", t->name, cs->n - failed - warned);
	if (cs->n && failed)
		buf_printf(output, ", %zu failed", failed);
	if (cs->n && warned)
		buf_printf(output, ", %zu warned", warned);
	if (cs->n)
		buf_putc(output, '\n');
	if (failed)
		error = error_setcode(PIPE_EUSAGE, "%zu check%s failed%s%s%s", failed, failed == 1 ? "" : "s",
		                      on_failure ? ": " : "", on_failure ? on_failure : "", failures.data);
	buf_free(&failures);
	return error;
}

int checks_table(struct backend *b, const struct target *t, const char *dir, int64_t previous, bool stats,
                 const char *on_failure, struct state_record *rec, struct buf *output)
{
	struct run r = {.b = backend_local_copy(b), .t = t};
	struct checks cs;
	struct column *cols = NULL, *stat_cols = NULL; /* stat_cols: some of cols, not copies */
	struct backend_result *res = NULL;
	struct buf sql = BUF_INIT;
	char *schema = NULL;
	size_t ncols = 0, nstat = 0, first_stat, nbounds = 0;
	struct backend_bounds *bounds = NULL;
	int64_t rows = 0;
	bool need_bounds = false, scan_needed = false;
	int error;

	if ((error = parse_all(t, false, &cs)) < 0)
		return error;
	r.opt.read_table = dir ? t->name : NULL;
	r.opt.read_from = dir;
	if ((error = backend_table_schema(r.b, t->name, dir, &schema, &rows)) < 0)
		goto done;
	parse_schema(schema, &cols, &ncols);
	for (size_t i = 0; i < cs.n; i++) {
		struct check *c = &cs.v[i];
		size_t n = c->type == C_ACCEPTED_VALUES ? 1 : c->type == C_ROW_COUNT || c->type == C_SQL ? 0 : c->nargs;
		for (size_t k = 0; k < n && error >= 0; k++)
			error = known_column(c, c->args[k], cols, ncols);
		if (error < 0)
			goto done;
	}

	/* pipe's own columns (_pipe_row_id, _pipe_load_id) are no data */
	stat_cols = xcalloc(ncols + 1, sizeof(*stat_cols));
	for (size_t i = 0; stats && i < ncols; i++)
		if (!str_starts(cols[i].name, "_pipe_"))
			stat_cols[nstat++] = cols[i];
	for (size_t i = 0; i < cs.n; i++)
		need_bounds |= cs.v[i].type == C_NOT_NULL || cs.v[i].type == C_ACCEPTED_VALUES;
	if ((nstat || need_bounds) && (error = backend_table_bounds(r.b, t->name, dir, &bounds, &nbounds)) < 0)
		goto done;

	/* one scan, of what the writer did not keep: the failing rows of each
	 * not_null and accepted_values the bounds do not settle, the unique
	 * columns' repeats, the statistics; none when nothing is left */
	buf_puts(&sql, "SELECT COUNT(*)");
	first_stat = 1;
	for (size_t i = 0; i < cs.n; i++) {
		struct check *c = &cs.v[i];
		if ((c->type == C_NOT_NULL || c->type == C_ACCEPTED_VALUES) &&
		    !count_from_bounds(c, bounds, nbounds, cols, ncols)) {
			char *cond = failing_condition(c);
			buf_printf(&sql, ", COUNTIF(%s)", cond);
			free(cond);
		} else if (in_scan(c)) { /* the rows beyond one per value */
			buf_printf(&sql, ", COUNT(`%s`) - COUNT(DISTINCT `%s`)", c->args[0], c->args[0]);
		} else {
			continue;
		}
		scan_needed = true;
		first_stat++;
	}
	for (size_t i = 0; i < nstat; i++)
		stats_select(&sql, &stat_cols[i], bounds_of(bounds, nbounds, stat_cols[i].name), rows, &scan_needed);
	buf_printf(&sql, " FROM `%s`", t->name);
	if (scan_needed) {
		if ((error = query(&r, sql.data, &res)) < 0)
			goto done;
		rows = strtoll(backend_result_cell(res, 0, 0), NULL, 10);
	}
	for (size_t i = 0, k = 1; i < cs.n && error >= 0; i++) {
		struct check *c = &cs.v[i];
		r.current = c;
		switch (c->type) {
		case C_NOT_NULL:
		case C_ACCEPTED_VALUES:
			if (!c->counted)
				c->count = strtoll(backend_result_cell(res, 0, k++), NULL, 10);
			if ((c->failed = c->count > 0))
				error = run_samples(&r, c, t->name, rows);
			break;
		case C_UNIQUE:
			/* one column: the scan counted the extra rows; the GROUP BY
			 * that names the values runs only when there are some */
			if (in_scan(c) && !strtoll(backend_result_cell(res, 0, k++), NULL, 10))
				break;
			error = run_unique(&r, c, t->name);
			break;
		case C_ROW_COUNT: row_count_verdict(c, rows, previous); break;
		case C_SQL: error = run_sql(&r, c, t->name); break;
		case C_JSON_PATH: break;
		}
	}
	if (error < 0)
		goto done;
	if (stats) {
		char *text = stats_text(res, first_stat, stat_cols, nstat, rows, bounds, nbounds);
		state_field_set(rec, "stats", *text ? text : NULL);
		free(text);
	}
	record_checks(&cs, rec, previous);
	error = report(t, &cs, on_failure, output);
done:
	backend_result_free(res);
	backend_bounds_free(bounds, nbounds);
	free(stat_cols);
	columns_free(cols, ncols);
	buf_free(&sql);
	free(schema);
	checks_free(&cs);
	return error;
}

/* ---- how the statistics moved ---- */

/* One column's line of the stats field, split: "name nulls=N distinct=N
 * range=A..B" (distinct and range may be missing). */
struct stat_line {
	char *name;
	char *nulls, *distinct, *range;
};

static void stat_lines_free(struct stat_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].nulls);
		free(v[i].distinct);
		free(v[i].range);
	}
	free(v);
}

static char *stat_value(const char *line, const char *key, bool rest)
{
	const char *p = strstr(line, key);
	size_t n;
	if (!p)
		return NULL;
	p += strlen(key);
	n = rest ? strlen(p) : strcspn(p, " ");
	return xstrndup(p, n);
}

static struct stat_line *parse_stats(const char *text, size_t *n)
{
	struct stat_line *v = NULL;
	size_t cap = 0;
	*n = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		char *line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		char *range = strstr(line, " range=");
		grow_array(&v, &cap, *n + 1, sizeof(*v));
		v[*n].name = xstrndup(line, strcspn(line, " "));
		v[*n].range = range ? xstrdup(range + 7) : NULL;
		if (range) /* the rest of the line: quoted strings may hold anything */
			*range = 0;
		v[*n].nulls = stat_value(line, " nulls=", false);
		v[*n].distinct = stat_value(line, " distinct=", false);
		(*n)++;
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	return v;
}

static void moved(struct buf *b, const char *what, const char *old, const char *new)
{
	if (old && new && !strcmp(old, new))
		return;
	buf_printf(b, "%s%s %s -> %s", b->len ? ", " : "", what, old ? old : "none", new ? new : "none");
}

void checks_stats_diff(const char *old_stats, const char *new_stats, struct buf *out)
{
	size_t na, nb;
	struct stat_line *a = parse_stats(old_stats, &na), *b = parse_stats(new_stats, &nb);
	for (size_t j = 0; j < nb; j++) {
		struct buf line = BUF_INIT;
		size_t i;
		for (i = 0; i < na && strcmp(a[i].name, b[j].name); i++)
			;
		if (i == na) {
			buf_printf(out, "  %s  new column: nulls %s, distinct %s, range %s\n", b[j].name, b[j].nulls,
			           b[j].distinct ? b[j].distinct : "none", b[j].range ? b[j].range : "none");
			continue;
		}
		moved(&line, "nulls", a[i].nulls, b[j].nulls);
		moved(&line, "distinct", a[i].distinct, b[j].distinct);
		moved(&line, "range", a[i].range, b[j].range);
		if (line.len)
			buf_printf(out, "  %s  %s\n", b[j].name, line.data);
		buf_free(&line);
	}
	for (size_t i = 0; i < na; i++) {
		size_t j;
		for (j = 0; j < nb && strcmp(a[i].name, b[j].name); j++)
			;
		if (j == nb)
			buf_printf(out, "  %s  column removed\n", a[i].name);
	}
	stat_lines_free(a, na);
	stat_lines_free(b, nb);
}
