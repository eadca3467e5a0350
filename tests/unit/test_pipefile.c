/* The parser, mostly as data:
 *   tests/pipefile/bad/NAME.pipe   its first line is "# error: MESSAGE", the
 *                                  exact error that loading it (and building
 *                                  its graph) must give
 *   tests/pipefile/good/NAME.pipe  parses; NAME.expected is the dump below,
 *                                  NAME.dot (when there) graph_dot's output
 * "# override: NAME=value" lines in either pass command-line vars.  Files
 * load under their base name, so messages read NAME.pipe:LINE:COL.
 * UPDATE=1 rewrites the .expected and .dot files from the run. */
#include "t.h"

#include <dirent.h>
#include <stdlib.h>

#include "graph.h"
#include "kind.h"
#include "pipefile.h"

/* Tests run from the repository root, or from PIPE_ROOT when set. */
static char *case_path(const char *dir, const char *name)
{
	const char *root = getenv("PIPE_ROOT");
	return xasprintf("%s%stests/pipefile/%s/%s", root ? root : "", root ? "/" : "", dir, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .pipe files of a case directory, sorted. */
static char **list_cases(const char *dir, size_t *n)
{
	char *path = case_path(dir, ""), **names = NULL;
	size_t cap = 0;
	DIR *d = opendir(path);
	struct dirent *e;
	*n = 0;
	while (d && (e = readdir(d))) {
		if (!str_ends(e->d_name, ".pipe"))
			continue;
		grow_array(&names, &cap, *n + 1, sizeof(*names));
		names[(*n)++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	free(path);
	if (*n)
		qsort(names, *n, sizeof(*names), by_name);
	return names;
}

/* The text after "# prefix" on each line that starts with it. */
static size_t header_lines(const char *text, const char *prefix, char **out, size_t max)
{
	size_t n = 0, plen = strlen(prefix);
	for (const char *l = text; *l && n < max;) {
		const char *e = strchr(l, '\n');
		if (!e)
			e = l + strlen(l);
		if (!strncmp(l, prefix, plen))
			out[n++] = xstrndup(l + plen, (size_t)(e - l - plen));
		l = *e ? e + 1 : e;
	}
	return n;
}

struct loaded {
	struct pipefile pf;
	struct graph g;
	int error;
};

static void load_case(const char *text, const char *name, struct loaded *ld)
{
	char *overrides[16];
	size_t n = header_lines(text, "# override: ", overrides, 16);
	memset(ld, 0, sizeof(*ld));
	ld->error = pipefile_load_string(&ld->pf, name, text, (const char *const *)overrides, n);
	if (!ld->error)
		ld->error = graph_build(&ld->g, &ld->pf);
	if (!ld->error)
		ld->error = graph_check_files(&ld->g, NULL);
	for (size_t i = 0; i < n; i++)
		free(overrides[i]);
}

static void free_case(struct loaded *ld)
{
	graph_free(&ld->g);
	pipefile_free(&ld->pf);
}

static void report(const char *name, const char *why, const char *got, const char *expected)
{
	t_failures++;
	printf("not ok %s: %s\n  got:      %s\n  expected: %s\n", name, why, got, expected);
}

static void bad_files(void)
{
	size_t n;
	char **names = list_cases("bad", &n);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		char *path = case_path("bad", names[i]), *label = xasprintf("bad/%s", names[i]);
		char *expected[1] = {NULL};
		struct buf text = BUF_INIT;
		struct loaded ld;
		if (file_read(path, &text) < 0 || !header_lines(text.data, "# error: ", expected, 1)) {
			report(label, "no '# error: ' line", error_last(), "# error: MESSAGE");
		} else {
			load_case(text.data, names[i], &ld);
			if (ld.error != PIPE_EUSAGE)
				report(label, "wrong code", ld.error ? error_last() : "(loaded)", expected[0]);
			else if (strcmp(error_last(), expected[0]))
				report(label, "wrong message", error_last(), expected[0]);
			else
				printf("ok %s\n", label);
			free_case(&ld);
		}
		free(expected[0]);
		buf_free(&text);
		free(label);
		free(path);
		free(names[i]);
	}
	free(names);
}

static void dump_value(struct buf *b, const char *v)
{
	for (const char *l = v;; l++) {
		const char *e = strchr(l, '\n');
		if (!e)
			e = l + strlen(l);
		buf_printf(b, "    |%s%.*s\n", e > l ? " " : "", (int)(e - l), l);
		if (!*e)
			break;
		l = e;
	}
}

static void dump(const struct loaded *ld, struct buf *b)
{
	const struct pipefile *pf = &ld->pf;
	for (size_t i = 0; i < pf->nvars; i++) {
		const struct var *v = &pf->vars[i];
		buf_printf(b, "var %s = %s", v->name, v->value);
		if (v->from_command_line)
			buf_puts(b, " (command line)\n");
		else
			buf_printf(b, " (%d:%d)\n", v->pos.line, v->pos.col);
	}
	for (size_t i = 0; i < pf->ntargets; i++) {
		const struct target *t = &pf->targets[i];
		const struct node *nd = &ld->g.nodes[i];
		buf_printf(b, "%s %s (%d:%d)\n", t->kind->name, t->name, t->pos.line, t->pos.col);
		for (size_t j = 0; j < t->ndeps; j++)
			buf_printf(b, "  dep %s (%d:%d) %s\n", t->deps[j].name, t->deps[j].pos.line,
			           t->deps[j].pos.col, nd->inputs[j].target >= 0 ? "target" : "file");
		for (size_t j = 0; j < t->nattrs; j++) {
			const struct attr *a = &t->attrs[j];
			buf_printf(b, "  %s (%d:%d) value (%d:%d)", a->key, a->pos.line, a->pos.col,
			           a->value_pos.line, a->value_pos.col);
			if (a->at_path)
				buf_printf(b, " from @%s", a->at_path);
			buf_putc(b, '\n');
			dump_value(b, a->value);
		}
	}
	buf_puts(b, "order:");
	for (size_t i = 0; i < ld->g.n; i++)
		buf_printf(b, " %s", ld->g.nodes[ld->g.order[i]].t->name);
	buf_putc(b, '\n');
}

/* Compares got with the file at path (or writes it under UPDATE=1). */
static void compare(const char *label, const char *path, const char *got)
{
	struct buf want = BUF_INIT;
	if (getenv("UPDATE")) {
		if (file_write_atomic(path, got, strlen(got)) < 0)
			report(label, "cannot write", error_last(), path);
	} else if (file_read(path, &want) < 0) {
		report(label, "cannot read", error_last(), path);
	} else if (strcmp(buf_cstr(&want), got)) {
		report(label, "output differs", got, buf_cstr(&want));
	} else {
		printf("ok %s\n", label);
	}
	buf_free(&want);
}

static void good_files(void)
{
	size_t n;
	char **names = list_cases("good", &n);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		char *path = case_path("good", names[i]), *label = xasprintf("good/%s", names[i]);
		size_t stem = strlen(path) - strlen(".pipe");
		char *expected = xasprintf("%.*s.expected", (int)stem, path);
		char *dot = xasprintf("%.*s.dot", (int)stem, path);
		struct buf text = BUF_INIT, got = BUF_INIT;
		struct loaded ld;
		if (file_read(path, &text) < 0) {
			report(label, "cannot read", error_last(), path);
		} else {
			load_case(text.data, names[i], &ld);
			if (ld.error < 0) {
				report(label, "load failed", error_last(), "no error");
			} else {
				dump(&ld, &got);
				compare(label, expected, got.data);
				if (path_exists(dot)) {
					char *out = NULL, *dot_label = xasprintf("%s.dot", label);
					size_t len = 0;
					FILE *f = open_memstream(&out, &len);
					graph_dot(&ld.g, NULL, f);
					fclose(f);
					compare(dot_label, dot, out);
					free(out);
					free(dot_label);
				}
			}
			free_case(&ld);
		}
		buf_free(&text);
		buf_free(&got);
		free(expected);
		free(dot);
		free(label);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Several files form one graph; positions name their own file. */
static void files_form_one_graph(void)
{
	char *a = case_path("multi", "a.pipe"), *b = case_path("multi", "b.pipe");
	const char *paths[] = {a, b};
	struct pipefile pf;
	struct graph g;
	struct target *report;
	CHECK_OK(pipefile_load(&pf, paths, 2, NULL, 0));
	CHECK_INT(pf.nfiles, 2);
	CHECK_INT(pf.ntargets, 3);
	report = pipefile_find(&pf, "report");
	CHECK(report != NULL);
	CHECK_STR(report->pos.file, b);
	CHECK_INT(report->pos.line, 2);
	CHECK_STR(pipefile_find(&pf, "clean")->pos.file, a);
	CHECK_STR(target_value(report, "run"), "cat $in > $out");
	CHECK(target_value(report, "out") == NULL);
	CHECK(target_attr(report, "run") != NULL);
	CHECK_OK(graph_build(&g, &pf));
	CHECK_INT(graph_find(&g, "report"), 2);
	CHECK_INT(graph_find(&g, "nope"), -1);
	/* a var in one file is seen by another */
	CHECK_STR(target_value(pipefile_find(&pf, "raw"), "run"), "echo 2023 > $out");
	graph_free(&g);
	pipefile_free(&pf);
	free(a);
	free(b);
}

static void duplicate_across_files(void)
{
	char *a = case_path("multi", "a.pipe"), *c = case_path("multi", "c.pipe"), *msg;
	const char *paths[] = {a, c};
	struct pipefile pf;
	int rc = pipefile_load(&pf, paths, 2, NULL, 0);
	msg = xasprintf("%s:2:1: duplicate target 'clean' (first defined at %s:2:1)", c, a);
	CHECK_INT(rc, PIPE_EUSAGE);
	CHECK_STR(error_last(), msg);
	CHECK_INT(pf.ntargets, 0); /* a failed load leaves nothing to free */
	free(msg);
	free(a);
	free(c);
}

static void missing_file(void)
{
	const char *paths[] = {"tests/pipefile/no-such.pipe"};
	struct pipefile pf;
	CHECK_INT(pipefile_load(&pf, paths, 1, NULL, 0), PIPE_EUSAGE);
	CHECK_STR(error_last(), "cannot read tests/pipefile/no-such.pipe: No such file or directory");
}

static void empty_text(void)
{
	struct pipefile pf;
	struct graph g;
	CHECK_OK(pipefile_load_string(&pf, "empty.pipe", "", NULL, 0));
	CHECK_INT(pf.ntargets, 0);
	CHECK_OK(graph_build(&g, &pf));
	CHECK_INT(g.n, 0);
	graph_free(&g);
	pipefile_free(&pf);
	CHECK_OK(pipefile_load_string(&pf, "blank.pipe", "\n# only a comment\n\n", NULL, 0));
	CHECK_INT(pf.ntargets, 0);
	pipefile_free(&pf);
}

/* Values larger than the parser's blocks of memory, between small ones. */
static void big_values(void)
{
	struct buf text = BUF_INIT;
	struct pipefile pf;
	char *big = xmalloc(300001);
	memset(big, 'x', 300000);
	big[300000] = '\0';
	for (int i = 0; i < 3; i++)
		buf_printf(&text, "command t%d:\n  run = %s%d\n  out = o%d\n", i, big, i, i);
	CHECK_OK(pipefile_load_string(&pf, "big.pipe", text.data, NULL, 0));
	CHECK_INT(strlen(target_value(&pf.targets[2], "run")), 300001);
	CHECK(!strncmp(target_value(&pf.targets[1], "run"), big, 300000));
	CHECK_STR(target_value(&pf.targets[1], "run") + 300000, "1");
	CHECK_STR(target_value(&pf.targets[2], "out"), "o2");
	pipefile_free(&pf);
	buf_free(&text);
	free(big);
}

static void error_positions(void)
{
	struct pos at = {"x.pipe", 3, 7}, cl = {"command line", 0, 0};
	CHECK_INT(error_at(&at, "bad %s", "thing"), PIPE_EUSAGE);
	CHECK_STR(error_last(), "x.pipe:3:7: bad thing");
	error_at(&cl, "bad");
	CHECK_STR(error_last(), "command line: bad");
}

int main(void)
{
	RUN(bad_files);
	RUN(good_files);
	RUN(files_form_one_graph);
	RUN(duplicate_across_files);
	RUN(missing_file);
	RUN(empty_text);
	RUN(big_values);
	RUN(error_positions);
	T_DONE();
}
