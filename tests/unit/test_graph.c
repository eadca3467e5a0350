/* The graph: edges, order, selection, dot.  Errors (unknown dependencies,
 * cycles) are cases in tests/pipefile/bad, run by test_pipefile. */
#include "t.h"

#include <stdlib.h>

#include "graph.h"

/*   raw --> clean --> report
 *     \                 ^
 *      --> stats -------/      notes (alone), Makefile (a file) -> raw */
static const char diamond[] =
	"command report: clean stats\n  run = cat $in > $out\n"
	"command notes:\n  run = echo > $out\n"
	"command clean: raw\n  run = cat $in > $out\n"
	"command stats: raw\n  run = wc $in > $out\n"
	"command raw: Makefile\n  run = cat $in > $out\n";

struct fixture {
	struct pipefile pf;
	struct graph g;
};

static int load(struct fixture *f, const char *text)
{
	int error;
	if ((error = pipefile_load_string(&f->pf, "g.pipe", text, NULL, 0)) < 0)
		return error;
	return graph_build(&f->g, &f->pf);
}

static void unload(struct fixture *f)
{
	graph_free(&f->g);
	pipefile_free(&f->pf);
}

static char *order_of(const struct graph *g)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < g->n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", g->nodes[g->order[i]].t->name);
	return buf_detach(&b);
}

static char *selected_names(const struct graph *g, const bool *sel)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < g->n; i++)
		if (sel[i])
			buf_printf(&b, "%s%s", b.len ? " " : "", g->nodes[i].t->name);
	return buf_detach(&b);
}

static void edges_both_ways(void)
{
	struct fixture f;
	const struct node *raw, *report;
	CHECK_OK(load(&f, diamond));
	CHECK_INT(f.g.n, 5);
	raw = &f.g.nodes[graph_find(&f.g, "raw")];
	report = &f.g.nodes[graph_find(&f.g, "report")];
	CHECK(report->t == pipefile_find(&f.pf, "report"));
	CHECK_INT(raw->ninputs, 1);
	CHECK_STR(raw->inputs[0].name, "Makefile");
	CHECK_INT(raw->inputs[0].target, -1);
	CHECK_INT(report->ninputs, 2);
	CHECK_INT(report->inputs[0].target, graph_find(&f.g, "clean"));
	CHECK_INT(report->inputs[1].target, graph_find(&f.g, "stats"));
	/* users, in written order */
	CHECK_INT(raw->nusers, 2);
	CHECK_INT(raw->users[0], graph_find(&f.g, "clean"));
	CHECK_INT(raw->users[1], graph_find(&f.g, "stats"));
	CHECK_INT(report->nusers, 0);
	unload(&f);
}

static void order_is_topological_and_stable(void)
{
	struct fixture f;
	char *order;
	CHECK_OK(load(&f, diamond));
	order = order_of(&f.g);
	CHECK_STR(order, "notes raw clean stats report");
	free(order);
	unload(&f);
}

/* A chain written backwards: each target waits for the one after it. */
static void long_chain(void)
{
	struct buf text = BUF_INIT;
	struct fixture f;
	for (int i = 0; i < 1999; i++)
		buf_printf(&text, "command t%d: t%d\n  run = echo > $out\n", i, i + 1);
	buf_puts(&text, "command t1999:\n  run = echo > $out\n");
	CHECK_OK(load(&f, text.data));
	CHECK_INT(f.g.order[0], 1999);
	CHECK_INT(f.g.order[1999], 0);
	unload(&f);
	buf_free(&text);
}

static void select_takes_dependencies(void)
{
	struct fixture f;
	const char *stats[] = {"stats"}, *two[] = {"clean", "notes"};
	bool sel[5];
	char *names;
	CHECK_OK(load(&f, diamond));
	CHECK_OK(graph_select(&f.g, stats, 1, sel));
	names = selected_names(&f.g, sel);
	CHECK_STR(names, "stats raw");
	free(names);
	CHECK_OK(graph_select(&f.g, two, 2, sel));
	names = selected_names(&f.g, sel);
	CHECK_STR(names, "notes clean raw");
	free(names);
	CHECK_OK(graph_select(&f.g, NULL, 0, sel));
	names = selected_names(&f.g, sel);
	CHECK_STR(names, "report notes clean stats raw");
	free(names);
	unload(&f);
}

static void select_unknown(void)
{
	struct fixture f;
	const char *typo[] = {"stat"}, *far[] = {"zzzzzz"};
	bool sel[5];
	CHECK_OK(load(&f, diamond));
	CHECK_INT(graph_select(&f.g, typo, 1, sel), PIPE_EUSAGE);
	CHECK_STR(error_last(), "unknown target 'stat', did you mean 'stats'?");
	CHECK_INT(graph_select(&f.g, far, 1, sel), PIPE_EUSAGE);
	CHECK_STR(error_last(), "unknown target 'zzzzzz'");
	unload(&f);
}

static void dot_of_a_selection(void)
{
	struct fixture f;
	const char *clean[] = {"clean"};
	bool sel[5];
	char *out = NULL;
	size_t len = 0;
	FILE *mem;
	CHECK_OK(load(&f, diamond));
	CHECK_OK(graph_select(&f.g, clean, 1, sel));
	mem = open_memstream(&out, &len);
	graph_dot(&f.g, sel, mem);
	fclose(mem);
	CHECK_STR(out, "digraph pipe {\n"
	               "\trankdir=LR;\n"
	               "\t\"clean\" [shape=box, label=\"clean\\ncommand\"];\n"
	               "\t\"raw\" [shape=box, label=\"raw\\ncommand\"];\n"
	               "\t\"Makefile\" [shape=ellipse];\n"
	               "\t\"raw\" -> \"clean\";\n"
	               "\t\"Makefile\" -> \"raw\";\n"
	               "}\n");
	free(out);
	unload(&f);
}

/* A failed build leaves an empty graph, safe to free again. */
static void failure_leaves_nothing(void)
{
	struct fixture f;
	CHECK_INT(load(&f, "command a: b\n  run = x\ncommand b: a\n  run = x\n"), PIPE_EUSAGE);
	CHECK_STR(error_last(), "g.pipe:1:1: dependency cycle: a -> b -> a");
	CHECK_INT(f.g.n, 0);
	CHECK(f.g.nodes == NULL);
	unload(&f);
}

/* A name that is no target is a file; its existence is checked where it is
 * stat'ed anyway (the plan), or by graph_check_files. */
static void missing_files_are_found_by_the_check(void)
{
	struct fixture f;
	CHECK_OK(load(&f, "command a: Makefile b\n  run = x\n"));
	CHECK_INT(f.g.nodes[0].inputs[1].target, -1);
	CHECK_INT(graph_check_files(&f.g, NULL), PIPE_EUSAGE);
	CHECK_STR(error_last(), "g.pipe:1:21: unknown dependency 'b' (not a target, and no such file), "
	                        "did you mean 'a'?");
	unload(&f);
}

/* graph_build ends with each kind's own check of its targets. */
static void kinds_check_their_targets(void)
{
	struct fixture f;
	CHECK_OK(load(&f, "snapshot s:\n  url = file:///dev/null\n  timeout = 30s\n"));
	unload(&f);
	CHECK_INT(load(&f, "snapshot s:\n  url = file:///dev/null\n  timeout = forever\n"), PIPE_EUSAGE);
	CHECK(str_starts(error_last(), "g.pipe:3:"));
	CHECK(f.g.nodes == NULL);
	unload(&f);
}

int main(void)
{
	RUN(edges_both_ways);
	RUN(order_is_topological_and_stable);
	RUN(long_chain);
	RUN(select_takes_dependencies);
	RUN(select_unknown);
	RUN(dot_of_a_selection);
	RUN(failure_leaves_nothing);
	RUN(missing_files_are_found_by_the_check);
	RUN(kinds_check_their_targets);
	T_DONE();
}
