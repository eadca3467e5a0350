/* graph: targets and edges; lookup, cycles, topological order, selection. */
#ifndef PIPE_GRAPH_H
#define PIPE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pipefile.h"

struct input {
	const char *name; /* as written: a target name or a file path */
	int target;       /* the target's node index, or -1 for a plain file */
};

struct node {
	struct target *t;
	struct input *inputs; /* in written order: this is the order of $in */
	size_t ninputs;
	int *users; /* the nodes that depend on this one */
	size_t nusers;
};

struct graph {
	struct pipefile *pf;
	struct node *nodes; /* nodes[i].t == &pf->targets[i] */
	size_t n;
	int *order; /* topological, dependencies first; stable in written order */
};

/* Resolves each dependency to a target, or else to a project file (relative
 * to the current directory, the project root).  A cycle is an error that
 * prints its path (a -> b -> a), PIPE_EUSAGE.  Whether the files exist is
 * not asked here: the plan stats them anyway (see graph_check_files). */
int graph_build(struct graph *g, struct pipefile *pf);
/* The error for a file dependency that does not exist: at its
 * file:line:col, with a "did you mean" when a target name is close. */
int graph_unknown_dependency(const struct graph *g, int node, size_t input);
/* Stats every file dependency of the selected nodes (all when selected is
 * NULL): PIPE_EUSAGE for the first that does not exist. */
int graph_check_files(const struct graph *g, const bool *selected);
void graph_free(struct graph *g);
int graph_find(const struct graph *g, const char *name); /* index or -1 */
/* Marks the named targets and everything they depend on in selected (an
 * array of g->n).  n == 0 selects every target.  An unknown name is a usage
 * error with a suggestion. */
int graph_select(const struct graph *g, const char *const *names, size_t n, bool *selected);
/* Adds to selected every node that depends on node, directly or not, and
 * what those depend on (pipe build --from). */
void graph_select_users(const struct graph *g, int node, bool *selected);
/* Graphviz: targets as boxes labelled "name\nkind", files as ellipses. */
void graph_dot(const struct graph *g, const bool *selected, FILE *out);

#endif
