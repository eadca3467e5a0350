/* project: the project root, the DAG files, the profile, the command
 * line's words and the warehouse a command works on (main.c's commands). */
#ifndef PIPE_PROJECT_H
#define PIPE_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "graph.h"
#include "pipefile.h"

struct project_args {
	char **files;
	size_t nfiles, capfiles;
	char **targets;
	size_t ntargets, captargets;
	char **overrides;
	size_t noverrides, capoverrides;
	const char *profile; /* --profile NAME */
	char **profile_vars; /* its NAME=value words, owned */
	size_t nprofile_vars;
	char *warehouse;     /* its warehouse line's value, owned; may be NULL */
};

/* A project as a command sees it: its words, the DAG files parsed, the
 * graph and the targets selected. */
struct project {
	struct project_args args;
	struct pipefile pf;
	struct graph g;
	bool *sel;
};

/* Moves to the project root: the nearest directory, this one or above,
 * holding pipelines/ or .pipe/ (elsewhere it stays where it is). */
void project_enter_root(void);
/* Where pipe was started, relative to the root ("pipelines/"), or NULL at
 * the root: -f FILE is relative to it. */
const char *project_invoked_in(void);
/* The DAG files: those -f named, or every .pipe file in pipelines/, by name. */
int project_dag_files(char ***files, size_t *n, size_t *cap);
/* A positional word: NAME=value overrides a var, anything else names a target. */
void project_add_word(struct project_args *a, char *w);
/* The words every project command takes: -f FILE, --profile NAME,
 * NAME=value, target names.  1 when argv[*i] was one (*i moved past its
 * value), else a usage error for an option the command does not know. */
int project_word(struct project_args *a, int argc, char **argv, int *i, const char *command);
/* Finds the DAG files, reads the profile, parses them with the vars, links
 * the graph and selects the targets the words name. */
int project_load(struct project *p);
void project_free(struct project *p);
void project_args_free(struct project_args *a);
/* The warehouse: $PIPE_WAREHOUSE, else the profile's, else the local one. */
int project_open_warehouse(const struct project_args *a, struct backend **out);
/* The same for the commands that read no DAG file (query, tables, schema). */
int project_open_warehouse_alone(struct backend **out);
/* "pipe COMMAND: unknown option X (see pipe COMMAND --help)", PIPE_EUSAGE. */
int project_unknown_option(const char *command, const char *option);

#endif
