/* kind_report: named queries run against warehouse tables, written as a
 * report in Markdown and in a self-contained HTML page (docs/report.md).
 *
 *   report taxi_report: staging_taxi_trips optimized_taxi_trips
 *     title   = What partitioning saves
 *     queries = @pipelines/taxi_report.sql
 *     chart   = trips_per_day
 *
 * `queries` is SQL text in which a line "-- name: NAME" starts each query;
 * the comment lines right below it explain the query (they are its line in
 * the report).  Every query runs twice through the warehouse: a dry run for
 * BigQuery's estimate, then the run itself for the rows and what it
 * processed, billed and pruned.
 *
 * The output is the directory targets/<name>/ holding
 *   index.html   the page: a bar chart of the bytes each query processed,
 *                the figures, and each query with its rows (and, for the
 *                queries named in `chart`, a bar chart of them);
 *   report.md    the same in Markdown;
 * and beside it the link targets/<name>.html -> <name>/index.html, so that
 * the page opens at targets/<name>.html (the engine publishes one path per
 * target, and it is the directory).  Neither file holds a time or a date:
 * the same tables give the same bytes, so an unchanged report has an
 * unchanged hash.  Timings go to the state record and the printed summary. */
#include "kind.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backend.h"
#include "crypto.h"
#include "kind_report.h"

static const char *const keys[] = {"queries", "title", "intro", "chart", "compare", "max_rows", NULL};
static const char *const required[] = {"queries", NULL};

#define DEFAULT_MAX_ROWS 100

struct query {
	char *name;
	char *note; /* the comment lines below "-- name:", joined; may be "" */
	char *sql;
	int line;   /* of "-- name:", 1-based within the value */
	bool chart, compare;
	int64_t estimate;           /* from the dry run */
	struct backend_result *res; /* from the run */
};

struct queries {
	struct query *q;
	size_t n;
};

static void queries_free(struct queries *qs)
{
	for (size_t i = 0; i < qs->n; i++) {
		free(qs->q[i].name);
		free(qs->q[i].note);
		free(qs->q[i].sql);
		backend_result_free(qs->q[i].res);
	}
	free(qs->q);
	qs->q = NULL;
	qs->n = 0;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') && *s != '_')
			return false;
	return true;
}

/* After "--" and blanks, "name:"?  Returns what follows it, or NULL. */
static const char *name_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, "--", 2))
		return NULL;
	line += 2;
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncasecmp(line, "name:", 5))
		return NULL;
	return line + 5;
}

static bool comment_line(const char *line, const char **text)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, "--", 2))
		return false;
	line += 2;
	while (*line == ' ' || *line == '\t')
		line++;
	*text = line;
	return true;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

static void trim_end(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' ' ||
	                  b->data[b->len - 1] == '\t' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = 0;
}

/* Splits the `queries` value into named queries. */
static int parse_queries(const struct attr *a, struct queries *qs)
{
	char *text = xstrdup(a->value), *line = text, *next;
	struct buf sql = BUF_INIT, note = BUF_INIT;
	struct query *cur = NULL;
	bool header = false;
	size_t cap = 0;
	int lineno = 0, error = 0;

	for (; line; line = next) {
		const char *rest, *comment;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if ((rest = name_line(line))) {
			char *raw = xstrdup(rest), *copy = xstrdup(str_trim(raw));
			free(raw);
			if (!valid_name(copy)) {
				error = error_at_value(a, lineno, 1, "bad query name '%s': use letters, digits and _",
				                       copy);
				free(copy);
				goto done;
			}
			for (size_t i = 0; i < qs->n; i++)
				if (!strcmp(qs->q[i].name, copy)) {
					error = error_at_value(a, lineno, 1, "query '%s' defined twice (first at line %d)",
					                       copy, a->at_path ? qs->q[i].line
					                                        : a->value_pos.line + qs->q[i].line - 1);
					free(copy);
					goto done;
				}
			if (cur) {
				trim_end(&sql);
				cur->sql = buf_detach(&sql);
				cur->note = xstrdup(buf_cstr(&note));
				buf_clear(&note);
			}
			grow_array(&qs->q, &cap, qs->n + 1, sizeof(*qs->q));
			cur = &qs->q[qs->n++];
			memset(cur, 0, sizeof(*cur));
			cur->name = copy;
			cur->line = lineno;
			header = true;
			continue;
		}
		if (!cur) {
			if (!blank(line) && !comment_line(line, &comment)) {
				error = error_at_value(a, lineno, 1, "expected '-- name: NAME' before the first query "
				                       "(each query starts with such a line)");
				goto done;
			}
			continue;
		}
		if (header && comment_line(line, &comment)) {
			if (note.len && *comment)
				buf_putc(&note, ' ');
			buf_puts(&note, comment);
			continue;
		}
		if (header && blank(line))
			continue;
		header = false;
		buf_puts(&sql, line);
		buf_putc(&sql, '\n');
	}
	if (cur) {
		trim_end(&sql);
		cur->sql = buf_detach(&sql);
		cur->note = xstrdup(buf_cstr(&note));
	}
	if (!qs->n) {
		error = error_at_value(a, 1, 1, "no queries: start each one with a line '-- name: NAME'");
		goto done;
	}
	for (size_t i = 0; i < qs->n; i++)
		if (!qs->q[i].sql || !*qs->q[i].sql) {
			error = error_at_value(a, qs->q[i].line, 1, "query '%s' has no SQL", qs->q[i].name);
			goto done;
		}
done:
	if (error < 0)
		queries_free(qs);
	buf_free(&sql);
	buf_free(&note);
	free(text);
	return error;
}

int named_queries_parse(const struct attr *a, struct named_query **out, size_t *n)
{
	struct queries qs = {0};
	int error;
	*out = NULL;
	*n = 0;
	if ((error = parse_queries(a, &qs)) < 0)
		return error;
	*out = xcalloc(qs.n + 1, sizeof(**out));
	for (size_t i = 0; i < qs.n; i++) {
		(*out)[i] = (struct named_query){qs.q[i].name, qs.q[i].note, qs.q[i].sql, qs.q[i].line};
		qs.q[i].name = qs.q[i].note = qs.q[i].sql = NULL;
	}
	*n = qs.n;
	queries_free(&qs);
	return 0;
}

void named_queries_free(struct named_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(q[i].name);
		free(q[i].note);
		free(q[i].sql);
	}
	free(q);
}

/* Marks the queries that a list attribute (chart, compare) names. */
static int mark(const struct target *t, struct queries *qs, const char *key)
{
	const struct attr *a = target_attr(t, key);
	char *copy, *save = NULL, *w;
	int error = 0;
	if (!a)
		return 0;
	copy = xstrdup(a->value);
	for (w = strtok_r(copy, " \t\n,", &save); w && !error; w = strtok_r(NULL, " \t\n,", &save)) {
		size_t i;
		for (i = 0; i < qs->n && strcmp(qs->q[i].name, w); i++)
			;
		if (i < qs->n) {
			if (!strcmp(key, "chart"))
				qs->q[i].chart = true;
			else
				qs->q[i].compare = true;
			continue;
		}
		struct buf names = BUF_INIT;
		for (size_t k = 0; k < qs->n; k++)
			buf_printf(&names, "%s%s", k ? ", " : "", qs->q[k].name);
		error = error_at(&a->value_pos, "%s: no query named '%s' (queries: %s)", key, w, buf_cstr(&names));
		buf_free(&names);
	}
	free(copy);
	return error;
}

/* Reads the queries and the lists that name them.  Without `compare`,
 * every query is compared. */
static int load_queries(const struct target *t, struct queries *qs)
{
	int error;
	if ((error = parse_queries(target_attr(t, "queries"), qs)) < 0)
		return error;
	if ((error = mark(t, qs, "chart")) < 0 || (error = mark(t, qs, "compare")) < 0) {
		queries_free(qs);
		return error;
	}
	if (!target_attr(t, "compare"))
		for (size_t i = 0; i < qs->n; i++)
			qs->q[i].compare = true;
	return 0;
}

static size_t max_rows(const struct target *t)
{
	const char *v = target_value(t, "max_rows");
	return v ? (size_t)strtoull(v, NULL, 10) : DEFAULT_MAX_ROWS;
}

static int check(const struct target *t)
{
	struct queries qs = {0};
	const struct attr *a = target_attr(t, "queries"), *m;
	int error;
	if ((m = target_attr(t, "max_rows"))) {
		char *end;
		long long n = strtoll(m->value, &end, 10);
		if (end == m->value || *end || n < 1)
			return error_at(&m->value_pos, "max_rows = %s: expected a number of rows, 1 or more", m->value);
	}
	if ((error = load_queries(t, &qs)) < 0)
		return error;
	for (size_t i = 0; i < qs.n && !error; i++) {
		char **reads = NULL, *writes = NULL;
		size_t nreads = 0;
		if (backend_sql_tables(qs.q[i].sql, &reads, &nreads, &writes) < 0) {
			char *why = xstrdup(error_last());
			error = error_at_value(a, qs.q[i].line, 1, "query %s: %s", qs.q[i].name, why);
			free(why);
		} else if (writes) {
			error = error_at_value(a, qs.q[i].line, 1, "query %s writes table %s: a report only reads "
			                       "(make the table a table target and name it after the colon)",
			                       qs.q[i].name, writes);
		} else {
			for (size_t k = 0; k < nreads && !error; k++)
				if (!target_declared(t, reads[k]))
					error = error_at_value(a, qs.q[i].line, 1, "query %s reads table %s, which is "
					                       "not a dependency of %s: add it after the colon (report "
					                       "NAME: TABLES)", qs.q[i].name, reads[k], t->name);
		}
		for (size_t k = 0; k < nreads; k++)
			free(reads[k]);
		free(reads);
		free(writes);
	}
	queries_free(&qs);
	return error;
}

/* Formatting. */

static void put_int(struct buf *b, int64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)(n < 0 ? -n : n));
	if (n < 0)
		buf_putc(b, '-');
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, digits[i]);
	}
}

/* Binary units, as the warehouse prints them: 7.7 KiB, 10.0 MiB. */
static void put_size(struct buf *b, int64_t n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v;
	size_t u = 0;
	if (n < 1024) {
		buf_printf(b, "%lld B", (long long)n);
		return;
	}
	v = (double)n / 1024;
	while (v >= 1024 && u < 3)
		v /= 1024, u++;
	buf_printf(b, "%.1f %s", v, units[u]);
}

/* "24,000 B (23.4 KiB)", or just "512 B". */
static void put_bytes(struct buf *b, int64_t n)
{
	put_int(b, n);
	buf_puts(b, " B");
	if (n >= 1024) {
		buf_puts(b, " (");
		put_size(b, n);
		buf_putc(b, ')');
	}
}

/* "67.1% less than staging": how q compares with the baseline ("67.1%
 * less" when the sentence has named it already). */
static void put_change(struct buf *b, const struct query *q, const struct query *base, bool named)
{
	int64_t qb = backend_result_stats(q->res)->bytes_processed;
	int64_t bb = backend_result_stats(base->res)->bytes_processed;
	if (!bb) {
		buf_puts(b, qb ? "more than nothing" : "the same");
		return;
	}
	double pct = 100.0 * (double)(bb - qb) / (double)bb;
	if (qb == bb)
		buf_printf(b, "the same%s%s", named ? "" : " as ", named ? "" : base->name);
	else
		buf_printf(b, "%.1f%% %s%s%s", pct < 0 ? -pct : pct, pct < 0 ? "more" : "less", named ? "" : " than ",
		           named ? "" : base->name);
}

static void put_saving(struct buf *b, const struct query *q, const struct query *base)
{
	put_change(b, q, base, false);
}

static void html_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
	}
}

static void md_cell(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '<')
			buf_printf(b, "\\%c", *s); /* a table cell, not markup */
		else if (*s == '\n' || *s == '\r')
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
}

static bool numeric_type(const char *type)
{
	return !strcmp(type, "INT64") || !strcmp(type, "FLOAT64") || !strcmp(type, "NUMERIC");
}

/* The first query compared: the others' savings are against it. */
static const struct query *baseline(const struct queries *qs)
{
	for (size_t i = 0; i < qs->n; i++)
		if (qs->q[i].compare)
			return &qs->q[i];
	return NULL;
}

static size_t ncompared(const struct queries *qs)
{
	size_t n = 0;
	for (size_t i = 0; i < qs->n; i++)
		n += qs->q[i].compare;
	return n;
}

/* BigQuery's minimum hides the difference when every compared query
 * bills the minimum while their bytes processed differ. */
static bool minimum_hides(const struct queries *qs)
{
	const struct query *base = baseline(qs);
	bool differ = false;
	for (size_t i = 0; i < qs->n; i++) {
		const struct backend_stats *s = backend_result_stats(qs->q[i].res);
		if (!qs->q[i].compare || !s->bytes_processed)
			continue;
		if (!s->min_billed_per_table || s->bytes_billed % s->min_billed_per_table ||
		    s->bytes_billed != backend_result_stats(base->res)->bytes_billed)
			return false;
		differ = differ || s->bytes_processed != backend_result_stats(base->res)->bytes_processed;
	}
	return differ;
}

/* "optimized processed 7,904 B where staging processed 24,000 B: 67.1%
 * less.", one line per compared query after the baseline; bold marks the
 * names (Markdown ** or HTML <b>). */
static void put_lead(struct buf *b, const struct queries *qs, const char *bold, const char *unbold, const char *eol)
{
	const struct query *base = baseline(qs);
	for (size_t i = 0; base && i < qs->n; i++) {
		const struct query *q = &qs->q[i];
		if (!q->compare || q == base)
			continue;
		buf_printf(b, "%s%s%s processed ", bold, q->name, unbold);
		put_bytes(b, backend_result_stats(q->res)->bytes_processed);
		buf_printf(b, " where %s%s%s processed ", bold, base->name, unbold);
		put_bytes(b, backend_result_stats(base->res)->bytes_processed);
		buf_puts(b, ": ");
		put_change(b, q, base, true);
		buf_printf(b, ".%s", eol);
	}
}

static const char *const billing_note =
	"BigQuery bills at least 10 MiB (its pricing page's \"10 MB\") for each table a query references "
	"(and rounds up to whole MiB), so at these sizes the queries above bill the same: the saving shows "
	"in bytes processed, and reaches the bill once a table is larger than 10 MiB.";

/* The column drawn for a charted query: the first numeric column after
 * the first (which labels the bars); -1 when there is none. */
static int chart_column(const struct backend_result *r)
{
	for (size_t c = 1; c < backend_result_ncols(r); c++)
		if (numeric_type(backend_result_coltype(r, c)))
			return (int)c;
	return -1;
}

/* Markdown. */

static void md_result(struct buf *b, const struct backend_result *r, size_t limit)
{
	size_t nrows = backend_result_nrows(r), ncols = backend_result_ncols(r);
	buf_putc(b, '|');
	for (size_t c = 0; c < ncols; c++) {
		buf_putc(b, ' ');
		md_cell(b, backend_result_colname(r, c));
		buf_puts(b, " |");
	}
	buf_puts(b, "\n|");
	for (size_t c = 0; c < ncols; c++)
		buf_puts(b, numeric_type(backend_result_coltype(r, c)) ? " ---: |" : " --- |");
	buf_putc(b, '\n');
	for (size_t i = 0; i < nrows && i < limit; i++) {
		buf_putc(b, '|');
		for (size_t c = 0; c < ncols; c++) {
			const char *v = backend_result_cell(r, i, c);
			buf_putc(b, ' ');
			md_cell(b, v ? v : "NULL");
			buf_puts(b, " |");
		}
		buf_putc(b, '\n');
	}
	if (nrows > limit)
		buf_printf(b, "\n(%zu more row%s not shown: max_rows = %zu)\n", nrows - limit, nrows - limit == 1 ? "" : "s",
		           limit);
}

static void md_stats_row(struct buf *b, const struct query *q, const struct query *base)
{
	const struct backend_stats *s = backend_result_stats(q->res);
	buf_printf(b, "| %s | ", q->name);
	put_int(b, s->rows);
	buf_puts(b, " | ");
	put_bytes(b, s->bytes_processed);
	buf_puts(b, " | ");
	put_bytes(b, q->estimate);
	buf_puts(b, " | ");
	put_size(b, s->bytes_billed);
	buf_printf(b, " | %lld of %lld | %lld of %lld | ", (long long)s->partitions_scanned,
	           (long long)s->partitions_total, (long long)s->blocks_scanned, (long long)s->blocks_total);
	if (q == base)
		buf_puts(b, "baseline");
	else
		put_saving(b, q, base);
	buf_puts(b, " |\n");
}

static void render_md(struct buf *b, const struct target *t, const struct queries *qs, size_t limit)
{
	const char *title = target_value(t, "title"), *intro = target_value(t, "intro");
	const struct query *base = baseline(qs);
	buf_printf(b, "# %s\n\n", title ? title : t->name);
	if (intro)
		buf_printf(b, "%s\n\n", intro);
	if (base) {
		buf_puts(b, "## Bytes processed\n\n");
		if (ncompared(qs) > 1)
			put_lead(b, qs, "**", "**", "\n\n");
		buf_puts(b, "Bytes as BigQuery's on-demand pricing counts them: the referenced columns of the "
		            "partitions and blocks read, by logical size. The estimate is the dry run's "
		            "(partition pruning only).\n\n");
		buf_puts(b, "| query | rows | processed | estimate | billed | partitions read | blocks read | "
		            "compared |\n");
		buf_puts(b, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (size_t i = 0; i < qs->n; i++)
			if (qs->q[i].compare)
				md_stats_row(b, &qs->q[i], base);
		buf_putc(b, '\n');
		for (size_t i = 0; i < qs->n; i++)
			if (qs->q[i].compare && *qs->q[i].note)
				buf_printf(b, "- **%s**: %s\n", qs->q[i].name, qs->q[i].note);
		buf_putc(b, '\n');
		if (minimum_hides(qs))
			buf_printf(b, "%s\n\n", billing_note);
	}
	for (size_t i = 0; i < qs->n; i++) {
		const struct query *q = &qs->q[i];
		char *line = backend_result_summary(q->res);
		char *cut = strrchr(line, '|'); /* the time: not in the file */
		if (cut && cut > line)
			cut[-1] = 0;
		buf_printf(b, "## %s\n\n", q->name);
		if (*q->note)
			buf_printf(b, "%s\n\n", q->note);
		buf_printf(b, "```sql\n%s\n```\n\n", q->sql);
		md_result(b, q->res, limit);
		buf_printf(b, "\n%s\n\n", line);
		free(line);
	}
}

/* HTML. */

struct bar {
	const char *label;
	double v[2];
	char *text; /* the figure printed after the bars */
};

/* A bar's label, cut to what fits left of the bars (the whole of it in a
 * tooltip). */
static void put_label(struct buf *b, const char *label)
{
	const size_t fits = 26;
	size_t chars = 0, cut = 0;
	for (const char *p = label; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars == fits)
			cut = (size_t)(p - label);
	if (chars <= fits) {
		html_text(b, label);
		return;
	}
	buf_puts(b, "<title>");
	html_text(b, label);
	buf_puts(b, "</title>");
	char *head = xstrndup(label, cut);
	html_text(b, head);
	buf_puts(b, "\u2026");
	free(head);
}

/* A horizontal bar chart, inline SVG: one row of one or two bars (two
 * series) per label, values after them.  Negative values go left of
 * the zero line. */
static void svg_bars(struct buf *b, const char *caption, const char *const *series, size_t nseries,
                     const struct bar *bars, size_t nbars)
{
	static const char *const fill[] = {"#2b6cb0", "#9ec5eb"};
	const double left = 190, width = 470, row = nseries == 2 ? 34 : 24, top = 34;
	double lo = 0, hi = 0, height = top + row * (double)nbars + 12, zero;
	for (size_t i = 0; i < nbars; i++)
		for (size_t s = 0; s < nseries; s++) {
			if (bars[i].v[s] < lo)
				lo = bars[i].v[s];
			if (bars[i].v[s] > hi)
				hi = bars[i].v[s];
		}
	if (hi == lo)
		hi = lo + 1;
	zero = left + (0 - lo) / (hi - lo) * width;
	buf_printf(b, "<figure>\n<svg viewBox=\"0 0 900 %.0f\" width=\"900\" "
	           "height=\"%.0f\" role=\"img\" aria-label=\"", height, height);
	html_text(b, caption);
	buf_puts(b, "\">\n");
	buf_puts(b, "<text x=\"0\" y=\"16\" class=\"cap\">");
	html_text(b, caption);
	buf_puts(b, "</text>\n");
	for (size_t s = 0; nseries > 1 && s < nseries; s++) {
		double x = 560 + (double)s * 170;
		buf_printf(b, "<rect x=\"%.0f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		           "<text x=\"%.0f\" y=\"16\">", x, fill[s], x + 18);
		html_text(b, series[s]);
		buf_puts(b, "</text>\n");
	}
	for (size_t i = 0; i < nbars; i++) {
		double y = top + row * (double)i;
		buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 8, y + row / 2 + 1);
		put_label(b, bars[i].label);
		buf_puts(b, "</text>\n");
		for (size_t s = 0; s < nseries; s++) {
			double v = bars[i].v[s], h = nseries == 2 ? 13 : 16;
			double x0 = left + ((v < 0 ? v : 0) - lo) / (hi - lo) * width;
			double x1 = left + ((v < 0 ? 0 : v) - lo) / (hi - lo) * width;
			double w = x1 - x0;
			if (v != 0 && w < 1)
				w = 1;
			buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>\n", x0,
			           y + 3 + (double)s * 14, w, h, v < 0 ? "#c05621" : fill[s]);
		}
		buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" class=\"num\">", left + width + 10, y + row / 2 + 1);
		html_text(b, bars[i].text);
		buf_puts(b, "</text>\n");
	}
	buf_printf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#444\"/>\n", zero, top - 2, zero,
	           height - 8);
	buf_puts(b, "</svg>\n</figure>\n");
}

static void html_bytes_chart(struct buf *b, const struct queries *qs)
{
	struct bar *bars = xcalloc(qs->n + 1, sizeof(*bars));
	size_t n = 0;
	static const char *const series[] = {"processed (actual)", "estimate (dry run)"};
	for (size_t i = 0; i < qs->n; i++) {
		const struct query *q = &qs->q[i];
		struct buf text = BUF_INIT;
		if (!q->compare)
			continue;
		put_size(&text, backend_result_stats(q->res)->bytes_processed);
		buf_puts(&text, " of ");
		put_size(&text, q->estimate);
		buf_puts(&text, " estimated");
		bars[n].label = q->name;
		bars[n].v[0] = (double)backend_result_stats(q->res)->bytes_processed;
		bars[n].v[1] = (double)q->estimate;
		bars[n].text = buf_detach(&text);
		n++;
	}
	svg_bars(b, "Bytes processed per query", series, 2, bars, n);
	for (size_t i = 0; i < n; i++)
		free(bars[i].text);
	free(bars);
}

static int html_result_chart(struct buf *b, const struct query *q, size_t limit)
{
	const struct backend_result *r = q->res;
	int col = chart_column(r);
	size_t n = backend_result_nrows(r) < limit ? backend_result_nrows(r) : limit;
	struct bar *bars;
	const char *series[1];
	char *caption;
	if (col < 0)
		return error_set("chart %s: the result needs a label column first and a number column after it "
		                 "(it has no numeric column after the first)", q->name);
	bars = xcalloc(n + 1, sizeof(*bars));
	series[0] = backend_result_colname(r, (size_t)col);
	for (size_t i = 0; i < n; i++) {
		const char *label = backend_result_cell(r, i, 0), *v = backend_result_cell(r, (size_t)i, (size_t)col);
		bars[i].label = label ? label : "NULL";
		bars[i].v[0] = v ? strtod(v, NULL) : 0;
		bars[i].text = xstrdup(v ? v : "NULL");
	}
	caption = xasprintf("%s by %s", backend_result_colname(r, (size_t)col), backend_result_colname(r, 0));
	svg_bars(b, caption, series, 1, bars, n);
	free(caption);
	for (size_t i = 0; i < n; i++)
		free(bars[i].text);
	free(bars);
	return 0;
}

static void html_result(struct buf *b, const struct backend_result *r, size_t limit)
{
	size_t nrows = backend_result_nrows(r), ncols = backend_result_ncols(r);
	buf_puts(b, "<table class=\"rows\">\n<tr>");
	for (size_t c = 0; c < ncols; c++) {
		buf_printf(b, "<th%s>", numeric_type(backend_result_coltype(r, c)) ? " class=\"num\"" : "");
		html_text(b, backend_result_colname(r, c));
		buf_puts(b, "</th>");
	}
	buf_puts(b, "</tr>\n");
	for (size_t i = 0; i < nrows && i < limit; i++) {
		buf_puts(b, "<tr>");
		for (size_t c = 0; c < ncols; c++) {
			const char *v = backend_result_cell(r, i, c);
			buf_printf(b, "<td%s>", numeric_type(backend_result_coltype(r, c)) ? " class=\"num\"" : "");
			if (v)
				html_text(b, v);
			else
				buf_puts(b, "<i>NULL</i>");
			buf_puts(b, "</td>");
		}
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</table>\n");
	if (nrows > limit)
		buf_printf(b, "<p class=\"small\">%zu more row%s not shown (max_rows = %zu).</p>\n", nrows - limit,
		           nrows - limit == 1 ? "" : "s", limit);
}

static void html_stats_row(struct buf *b, const struct query *q, const struct query *base)
{
	const struct backend_stats *s = backend_result_stats(q->res);
	struct buf cell = BUF_INIT;
	buf_puts(b, "<tr><td><a href=\"#q-");
	html_text(b, q->name);
	buf_puts(b, "\">");
	html_text(b, q->name);
	buf_puts(b, "</a></td><td class=\"num\">");
	put_int(&cell, s->rows);
	buf_puts(&cell, "</td><td class=\"num\"><b>");
	put_bytes(&cell, s->bytes_processed);
	buf_puts(&cell, "</b></td><td class=\"num\">");
	put_bytes(&cell, q->estimate);
	buf_puts(&cell, "</td><td class=\"num\">");
	put_size(&cell, s->bytes_billed);
	buf_printf(&cell, "</td><td class=\"num\">%lld of %lld</td><td class=\"num\">%lld of %lld</td><td>",
	           (long long)s->partitions_scanned, (long long)s->partitions_total, (long long)s->blocks_scanned,
	           (long long)s->blocks_total);
	if (q == base)
		buf_puts(&cell, "baseline");
	else
		put_saving(&cell, q, base);
	buf_puts(b, buf_cstr(&cell)); /* figures and names only: no markup to escape */
	buf_puts(b, "</td></tr>\n");
	buf_free(&cell);
}

static const char *const css =
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a202c;"
	"max-width:1040px;margin:2em auto;padding:0 1.5em}\n"
	"h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}\n"
	"table{border-collapse:collapse;margin:1em 0}th,td{padding:.3em .7em;border-bottom:1px solid #e2e8f0;"
	"text-align:left;vertical-align:top}\n"
	"th{background:#f7fafc}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".lead{font-size:1.1em}\n"
	"pre{background:#f7fafc;border:1px solid #e2e8f0;padding:.8em;overflow-x:auto;font-size:13px}\n"
	"svg{font:13px system-ui,sans-serif;max-width:100%;height:auto}svg .cap{font-weight:600}\n"
	"svg text.num{font-variant-numeric:tabular-nums}figure{margin:1em 0}\n"
	".note{background:#fffbea;border-left:4px solid #d69e2e;padding:.5em 1em}.small{color:#555;font-size:.9em}\n"
	"ul.notes li{margin:.2em 0}\n";

static void html_paragraphs(struct buf *b, const char *text)
{
	/* blank lines separate paragraphs; nothing else is markup */
	const char *p = text;
	buf_puts(b, "<p>");
	for (; *p; p++) {
		if (p[0] == '\n' && p[1] == '\n') {
			buf_puts(b, "</p>\n<p>");
			while (p[1] == '\n')
				p++;
			continue;
		}
		char one[2] = {*p, 0};
		html_text(b, one);
	}
	buf_puts(b, "</p>\n");
}

static int render_html(struct buf *b, const struct target *t, const struct queries *qs, size_t limit)
{
	const char *title = target_value(t, "title"), *intro = target_value(t, "intro");
	const struct query *base = baseline(qs);
	int error;
	if (!title)
		title = t->name;
	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(b, title);
	buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
	html_text(b, title);
	buf_puts(b, "</h1>\n");
	if (intro)
		html_paragraphs(b, intro);
	if (base) {
		buf_puts(b, "<h2>Bytes processed</h2>\n");
		if (ncompared(qs) > 1) {
			/* names are [A-Za-z0-9_]: nothing to escape */
			buf_puts(b, "<p class=\"lead\">");
			put_lead(b, qs, "<b>", "</b>", "<br>\n");
			buf_puts(b, "</p>\n");
			html_bytes_chart(b, qs);
		}
		buf_puts(b, "<table>\n<tr><th>query</th><th class=\"num\">rows</th><th class=\"num\">processed</th>"
		            "<th class=\"num\">estimate (dry run)</th><th class=\"num\">billed</th>"
		            "<th class=\"num\">partitions read</th><th class=\"num\">blocks read</th><th>compared</th></tr>\n");
		for (size_t i = 0; i < qs->n; i++)
			if (qs->q[i].compare)
				html_stats_row(b, &qs->q[i], base);
		buf_puts(b, "</table>\n<ul class=\"notes\">\n");
		for (size_t i = 0; i < qs->n; i++)
			if (qs->q[i].compare && *qs->q[i].note) {
				buf_puts(b, "<li><b>");
				html_text(b, qs->q[i].name);
				buf_puts(b, "</b>: ");
				html_text(b, qs->q[i].note);
				buf_puts(b, "</li>\n");
			}
		buf_puts(b, "</ul>\n<p class=\"small\">Bytes as BigQuery's on-demand pricing counts them: the referenced "
		            "columns of the partitions and blocks read, by logical size. The estimate is the dry run's "
		            "(partition pruning only); the blocks that clustering lets a query skip are only known "
		            "when it runs.</p>\n");
		if (minimum_hides(qs)) {
			buf_puts(b, "<p class=\"note\">");
			html_text(b, billing_note);
			buf_puts(b, "</p>\n");
		}
	}
	for (size_t i = 0; i < qs->n; i++) {
		const struct query *q = &qs->q[i];
		char *line = backend_result_summary(q->res);
		char *cut = strrchr(line, '|');
		if (cut && cut > line)
			cut[-1] = 0;
		buf_puts(b, "<h2 id=\"q-");
		html_text(b, q->name);
		buf_puts(b, "\">");
		html_text(b, q->name);
		buf_puts(b, "</h2>\n");
		if (*q->note) {
			buf_puts(b, "<p>");
			html_text(b, q->note);
			buf_puts(b, "</p>\n");
		}
		buf_puts(b, "<pre><code>");
		html_text(b, q->sql);
		buf_puts(b, "</code></pre>\n");
		if (q->chart && (error = html_result_chart(b, q, limit)) < 0) {
			free(line);
			return error;
		}
		html_result(b, q->res, limit);
		buf_puts(b, "<p class=\"small\">");
		html_text(b, line);
		buf_puts(b, "</p>\n");
		free(line);
	}
	buf_puts(b, "</body>\n</html>\n");
	return 0;
}

/* targets/<name>.html -> <name>/index.html, unless it is there already. */
static int link_page(const char *final_out)
{
	const char *slash = strrchr(final_out, '/');
	char *link = xasprintf("%s.html", final_out);
	char *dest = xasprintf("%s/index.html", slash ? slash + 1 : final_out);
	char *tmp = xasprintf("%s.tmp.%ld", link, (long)getpid());
	char have[4096];
	ssize_t n = readlink(link, have, sizeof(have) - 1);
	int error = 0;
	if (n >= 0 && (size_t)n == strlen(dest) && !memcmp(have, dest, (size_t)n))
		goto done;
	unlink(tmp);
	if (symlink(dest, tmp) < 0 || rename(tmp, link) < 0) {
		error = error_set("cannot link %s to %s: %s", link, dest, strerror(errno));
		unlink(tmp);
	}
done:
	free(link);
	free(dest);
	free(tmp);
	return error;
}

/* The cache holds the report's directory, not the link beside it. */
static int restored(const struct target *t, const char *final_out)
{
	(void)t;
	return link_page(final_out);
}

static int write_file(const char *dir, const char *name, struct buf *b, const struct file_hasher *h)
{
	char *path = path_join(dir, name);
	int error = file_write_atomic_hashed(path, b->data ? b->data : "", b->len, h);
	free(path);
	return error;
}

/* The inputs' content hashes: the same query of the same tables is the
 * same warehouse job, sent once however often the build is retried. */
static char *inputs_key(const struct build_ctx *ctx)
{
	struct buf b = BUF_INIT;
	char hex[HASH_HEX_LEN + 1];
	for (size_t i = 0; i < ctx->ninputs; i++) {
		hash_hex(&ctx->input_hashes[i], hex);
		buf_puts(&b, hex);
	}
	return buf_detach(&b);
}

static int build(struct build_ctx *ctx)
{
	const struct target *t = ctx->target;
	const struct attr *a = target_attr(t, "queries");
	char *job_key = ctx->full_refresh ? NULL : inputs_key(ctx); /* --full-refresh: new jobs */
	struct queries qs = {0};
	struct buf md = BUF_INIT, html = BUF_INIT, record = BUF_INIT;
	size_t limit = max_rows(t);
	const struct query *base;
	int error;

	if ((error = load_queries(t, &qs)) < 0)
		goto done;
	if ((error = mkdir_p(ctx->out)) < 0)
		goto done;
	for (size_t i = 0; i < qs.n; i++) {
		struct query *q = &qs.q[i];
		struct backend_query opt = {.deadline_ms = ctx->deadline_ms};
		struct backend_result *dry = NULL;
		opt.dry_run = true;
		opt.job_key = job_key;
		if ((error = backend_query(ctx->warehouse, q->sql, &opt, &dry)) >= 0) {
			q->estimate = backend_result_stats(dry)->estimate_bytes;
			backend_result_free(dry);
			opt.dry_run = false;
			error = backend_query(ctx->warehouse, q->sql, &opt, &q->res);
		}
		if (error < 0) {
			char *why = xstrdup(error_last());
			error = error_at_value(a, q->line, 1, "query %s: %s", q->name, why);
			free(why);
			goto done;
		}
	}
	render_md(&md, t, &qs, limit);
	if ((error = render_html(&html, t, &qs, limit)) < 0 || (error = write_file(ctx->out, "report.md", &md, ctx->hasher)) < 0 ||
	    (error = write_file(ctx->out, "index.html", &html, ctx->hasher)) < 0)
		goto done;

	/* the figures, with timings, for the record and the terminal */
	base = baseline(&qs);
	buf_printf(&ctx->output, "%s: %s.html (Markdown: %s/report.md)\n", t->name, ctx->final_out, ctx->final_out);
	for (size_t i = 0; i < qs.n; i++) {
		const struct query *q = &qs.q[i];
		const struct backend_stats *s = backend_result_stats(q->res);
		char *line = backend_result_summary(q->res);
		buf_printf(&ctx->output, "  %-16s %s", q->name, line);
		if (q->compare && base && q != base) {
			buf_puts(&ctx->output, " | ");
			put_saving(&ctx->output, q, base);
		}
		buf_putc(&ctx->output, '\n');
		buf_printf(&record, "%s rows=%lld processed=%lld estimate=%lld billed=%lld partitions=%lld/%lld "
		           "blocks=%lld/%lld ms=%.1f\n", q->name, (long long)s->rows, (long long)s->bytes_processed,
		           (long long)q->estimate, (long long)s->bytes_billed, (long long)s->partitions_scanned,
		           (long long)s->partitions_total, (long long)s->blocks_scanned, (long long)s->blocks_total,
		           s->elapsed_ms);
		if (s->local) /* a remote warehouse's, beside the local one's */
			buf_printf(&record, "%s local_processed=%lld local_billed=%lld job=%s\n", q->name,
			           (long long)s->local_bytes_processed, (long long)s->local_bytes_billed,
			           backend_result_job(q->res) ? backend_result_job(q->res) : "");
		free(line);
	}
	trim_end(&record);
	state_field_set(ctx->rec, "queries", buf_cstr(&record));
	error = link_page(ctx->final_out);
done:
	free(job_key);
	queries_free(&qs);
	buf_free(&md);
	buf_free(&html);
	buf_free(&record);
	return error;
}

const struct kind kind_report = {
	.name = "report",
	.keys = keys,
	.required = required,
	.check = check,
	.build = build,
	.pure = kind_always_pure,
	.restored = restored,
	.warehouse = true,
};
