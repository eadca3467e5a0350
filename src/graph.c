/* graph: the targets of a pipefile as nodes, their dependencies as edges.
 *
 * Edges live in two flat arrays, one for every node's inputs and one for
 * every node's users, so that 50,000 targets cost two allocations rather
 * than 100,000: node i's slice starts at nodes[i].inputs (or .users), and
 * nodes[0] holds the start of each array, which graph_free releases. */
#include "graph.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kind.h"

int graph_find(const struct graph *g, const char *name)
{
	struct target *t = pipefile_find(g->pf, name);
	return t ? (int)(t - g->pf->targets) : -1;
}

/* The target name closest to word (within 2 edits, or else one that starts
 * with word), or NULL. */
static const char *closest_target(const struct pipefile *pf, const char *word)
{
	const char *best = NULL;
	int best_score = INT_MAX;
	for (size_t i = 0; i < pf->ntargets; i++) {
		const char *name = pf->targets[i].name;
		int d = edit_distance(word, name);
		if (d > 2)
			d = *word && str_starts(name, word) ? 3 : INT_MAX;
		if (d < best_score) {
			best = name;
			best_score = d;
		}
	}
	return best;
}

static int unknown_dependency(const struct pipefile *pf, const struct dep *d)
{
	const char *near = closest_target(pf, d->name);
	if (near)
		return error_at(&d->pos, "unknown dependency '%s' (not a target, and no such file), "
		                "did you mean '%s'?", d->name, near);
	return error_at(&d->pos, "unknown dependency '%s' (not a target, and no such file)", d->name);
}

int graph_unknown_dependency(const struct graph *g, int node, size_t input)
{
	return unknown_dependency(g->pf, &g->nodes[node].t->deps[input]);
}

int graph_check_files(const struct graph *g, const bool *selected)
{
	for (size_t i = 0; i < g->n; i++) {
		if (selected && !selected[i])
			continue;
		for (size_t j = 0; j < g->nodes[i].ninputs; j++) {
			struct stat st;
			if (g->nodes[i].inputs[j].target < 0 && stat(g->nodes[i].inputs[j].name, &st) < 0)
				return graph_unknown_dependency(g, (int)i, j);
		}
	}
	return 0;
}

/* A min-heap of node indices: among the targets ready to go, the one
 * written first goes first, so the order follows the file wherever the
 * dependencies allow. */
struct heap {
	int *v;
	size_t n;
};

static void heap_push(struct heap *h, int x)
{
	size_t i = h->n++;
	while (i > 0 && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static int heap_pop(struct heap *h)
{
	int top = h->v[0], last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= last)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* Some nodes never became ready: every one of them waits on another that
 * never did, so walking from one along its waiting inputs must come back
 * to a node already on the walk.  That loop is the cycle to print. */
static int report_cycle(const struct graph *g, const int *waiting)
{
	int *step = xmalloc(g->n * sizeof(int)), *path = xmalloc(g->n * sizeof(int));
	size_t len = 0, start, first;
	struct buf b = BUF_INIT;
	int v = 0, error;
	for (size_t i = 0; i < g->n; i++)
		step[i] = -1;
	while (!waiting[v])
		v++;
	while (step[v] < 0) {
		const struct node *nd = &g->nodes[v];
		step[v] = (int)len;
		path[len++] = v;
		for (size_t j = 0; j < nd->ninputs; j++) {
			int u = nd->inputs[j].target;
			if (u >= 0 && waiting[u]) {
				v = u;
				break;
			}
		}
	}
	/* Print it from its first-written target, for a stable message. */
	start = (size_t)step[v];
	first = start;
	for (size_t i = start; i < len; i++)
		if (path[i] < path[first])
			first = i;
	for (size_t k = 0; k <= len - start; k++) {
		size_t i = start + (first - start + k) % (len - start);
		buf_printf(&b, "%s%s", k ? " -> " : "", g->nodes[path[i]].t->name);
	}
	error = error_at(&g->nodes[path[first]].t->pos, "dependency cycle: %s", b.data);
	buf_free(&b);
	free(step);
	free(path);
	return error;
}

static int sort_nodes(struct graph *g)
{
	int *waiting = xcalloc(g->n, sizeof(int));
	struct heap ready = {xmalloc(g->n * sizeof(int)), 0};
	size_t done = 0;
	int error = 0;
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->nodes[i].ninputs; j++)
			if (g->nodes[i].inputs[j].target >= 0)
				waiting[i]++;
	for (size_t i = 0; i < g->n; i++)
		if (!waiting[i])
			heap_push(&ready, (int)i);
	while (ready.n) {
		int v = heap_pop(&ready);
		const struct node *nd = &g->nodes[v];
		g->order[done++] = v;
		for (size_t j = 0; j < nd->nusers; j++)
			if (--waiting[nd->users[j]] == 0)
				heap_push(&ready, nd->users[j]);
	}
	if (done < g->n)
		error = report_cycle(g, waiting);
	free(ready.v);
	free(waiting);
	return error;
}

int graph_build(struct graph *g, struct pipefile *pf)
{
	struct input *inputs = NULL;
	int *users = NULL;
	size_t ninputs = 0, nedges = 0, at = 0;
	struct target_set all;
	int error = 0;

	memset(g, 0, sizeof(*g));
	g->pf = pf;
	g->n = pf->ntargets;
	if (!g->n)
		return 0;
	g->nodes = xcalloc_written(g->n, sizeof(*g->nodes));
	g->order = xmalloc(g->n * sizeof(*g->order));
	mem_populate(g->order, g->n * sizeof(*g->order));
	for (size_t i = 0; i < g->n; i++)
		ninputs += pf->targets[i].ndeps;
	inputs = xmalloc((ninputs + 1) * sizeof(*inputs));
	mem_populate(inputs, (ninputs + 1) * sizeof(*inputs));
	for (size_t i = 0; i < g->n; i++) {
		struct target *t = &pf->targets[i];
		struct node *nd = &g->nodes[i];
		nd->t = t;
		nd->inputs = inputs + at;
		nd->ninputs = t->ndeps;
		for (size_t j = 0; j < t->ndeps; j++, at++) {
			/* a name that is no target is a file: whether it exists is
			 * asked once, where its stat data are needed anyway (the plan,
			 * or graph_check_files) */
			int k = graph_find(g, t->deps[j].name);
			inputs[at].name = t->deps[j].name;
			inputs[at].target = k;
			if (k >= 0) {
				g->nodes[k].nusers++;
				nedges++;
			}
		}
	}

	/* Users, each node's in written order: counted above, placed now. */
	users = xmalloc((nedges + 1) * sizeof(*users));
	mem_populate(users, (nedges + 1) * sizeof(*users));
	at = 0;
	for (size_t i = 0; i < g->n; i++) {
		g->nodes[i].users = users + at;
		at += g->nodes[i].nusers;
		g->nodes[i].nusers = 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		for (size_t j = 0; j < nd->ninputs; j++) {
			struct node *dep;
			if (nd->inputs[j].target < 0)
				continue;
			dep = &g->nodes[nd->inputs[j].target];
			dep->users[dep->nusers++] = (int)i;
		}
	}

	if ((error = sort_nodes(g)) < 0)
		goto done;
	all = (struct target_set){pf->targets, pf->ntargets, &pf->by_name};
	for (size_t i = 0; i < g->n; i++) {
		const struct target *t = g->nodes[i].t;
		if (t->kind && t->kind->check && (error = t->kind->check(t)) < 0)
			goto done;
		if (t->kind && t->kind->check_across && (error = t->kind->check_across(t, &all)) < 0)
			goto done;
	}
done:
	if (error < 0) {
		graph_free(g);
		g->pf = pf;
	}
	return error;
}

void graph_free(struct graph *g)
{
	if (g->nodes) {
		free(g->nodes[0].inputs);
		free(g->nodes[0].users);
	}
	free(g->nodes);
	free(g->order);
	memset(g, 0, sizeof(*g));
}

/* Selects, from the depth nodes on stack (selected already), every input
 * they need, directly or not; returns the stack's depth, 0. */
static size_t select_inputs(const struct graph *g, bool *selected, int *stack, size_t depth)
{
	while (depth) {
		const struct node *nd = &g->nodes[stack[--depth]];
		for (size_t j = 0; j < nd->ninputs; j++) {
			int u = nd->inputs[j].target;
			if (u >= 0 && !selected[u]) {
				selected[u] = true;
				stack[depth++] = u;
			}
		}
	}
	return depth;
}

int graph_select(const struct graph *g, const char *const *names, size_t n, bool *selected)
{
	int *stack, error = 0;
	size_t depth = 0;
	memset(selected, 0, g->n * sizeof(*selected));
	if (!n) {
		for (size_t i = 0; i < g->n; i++)
			selected[i] = true;
		return 0;
	}
	stack = xmalloc((g->n + 1) * sizeof(*stack));
	for (size_t i = 0; i < n; i++) {
		int k = graph_find(g, names[i]);
		if (k < 0) {
			const char *near = closest_target(g->pf, names[i]);
			if (near)
				error = error_setcode(PIPE_EUSAGE, "unknown target '%s', did you mean '%s'?",
				                      names[i], near);
			else
				error = error_setcode(PIPE_EUSAGE, "unknown target '%s'", names[i]);
			goto done;
		}
		if (!selected[k]) {
			selected[k] = true;
			stack[depth++] = k;
		}
		depth = select_inputs(g, selected, stack, depth);
	}
done:
	if (error < 0)
		memset(selected, 0, g->n * sizeof(*selected));
	free(stack);
	return error;
}

void graph_select_users(const struct graph *g, int node, bool *selected)
{
	bool *down = xcalloc(g->n, sizeof(*down));
	int *stack = xmalloc((g->n + 1) * sizeof(*stack));
	size_t depth = 0;
	down[node] = true;
	stack[depth++] = node;
	while (depth) {
		const struct node *nd = &g->nodes[stack[--depth]];
		for (size_t j = 0; j < nd->nusers; j++)
			if (!down[nd->users[j]]) {
				down[nd->users[j]] = true;
				stack[depth++] = nd->users[j];
			}
	}
	/* a user's other inputs are built too, when stale: its key needs them */
	for (size_t i = 0; i < g->n; i++)
		if (down[i] && !selected[i]) {
			selected[i] = true;
			stack[depth++] = (int)i;
		}
	select_inputs(g, selected, stack, depth);
	free(stack);
	free(down);
}

static void dot_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	dot_escaped(out, s);
	fputc('"', out);
}

/* "name\nkind": Graphviz reads the \n as a line break. */
static void dot_label(FILE *out, const char *name, const char *kind)
{
	fputc('"', out);
	dot_escaped(out, name);
	fputs("\\n", out);
	dot_escaped(out, kind);
	fputc('"', out);
}

void graph_dot(const struct graph *g, const bool *selected, FILE *out)
{
	struct strmap files = {0};
	fputs("digraph pipe {\n\trankdir=LR;\n", out);
	for (size_t i = 0; i < g->n; i++) {
		const struct target *t = g->nodes[i].t;
		if (selected && !selected[i])
			continue;
		fputc('\t', out);
		dot_string(out, t->name);
		fputs(" [shape=box, label=", out);
		dot_label(out, t->name, t->kind->name);
		fputs("];\n", out);
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		if (selected && !selected[i])
			continue;
		for (size_t j = 0; j < nd->ninputs; j++) {
			if (nd->inputs[j].target >= 0 || strmap_get(&files, nd->inputs[j].name))
				continue;
			strmap_put(&files, nd->inputs[j].name, (void *)1);
			fputc('\t', out);
			dot_string(out, nd->inputs[j].name);
			fputs(" [shape=ellipse];\n", out);
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		if (selected && !selected[i])
			continue;
		for (size_t j = 0; j < nd->ninputs; j++) {
			fputc('\t', out);
			dot_string(out, nd->inputs[j].name);
			fputs(" -> ", out);
			dot_string(out, nd->t->name);
			fputs(";\n", out);
		}
	}
	fputs("}\n", out);
	strmap_free(&files);
}
