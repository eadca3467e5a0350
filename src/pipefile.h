/* pipefile: .pipe files -> targets with their dependencies and attributes.
 * The syntax is described in docs/pipe-file.md. */
#ifndef PIPE_PIPEFILE_H
#define PIPE_PIPEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "target.h"
#include "util.h"


struct var {
	char *name, *value;
	struct pos pos;
	bool from_command_line;
};

struct pipefile {
	struct target *targets; /* in the order written, file by file */
	size_t ntargets;
	struct var *vars;
	size_t nvars;
	char **files; /* every path parsed (owns the strings pos.file points to) */
	size_t nfiles;
	struct target_names by_name;
	/* The strings and the deps and attrs arrays above live in a few large
	 * blocks, so that 50,000 targets cost no 300,000 mallocs and frees:
	 * read them, never free or realloc them.  pipefile_free releases all. */
	struct arena arena;
};

/* Parses paths in order into one pipefile.  overrides are NAME=value words
 * from the command line; they win over `var` lines.  Checks everything that
 * can be checked before a build: syntax, unknown kinds and keys (through the
 * kind table), duplicate targets, vars.  Errors read file:line:col: message
 * (PIPE_EUSAGE). */
int pipefile_load(struct pipefile *pf, const char *const *paths, size_t npaths,
                  const char *const *overrides, size_t noverrides);
/* The same from a string, for tests: name is used in messages. */
int pipefile_load_string(struct pipefile *pf, const char *name, const char *text,
                         const char *const *overrides, size_t noverrides);
void pipefile_free(struct pipefile *pf);
/* Sets the warehouse of every target whose kind builds in one (kind.h):
 * identity as backend_identity made it, NULL for the local warehouse. */
void pipefile_set_warehouse(struct pipefile *pf, const char *identity);

/* The vars profile `name` sets in the profiles file at path (format atop
 * pipefile_profile in pipefile.c), as NAME=value words for pipefile_load's
 * overrides, before the command line's, and its `warehouse` line's value
 * ("local" or "bigquery"; NULL when it has none).  The caller frees each
 * word, the array and *warehouse.  PIPE_EUSAGE (file:line:col) for a bad
 * file or no such name. */
int pipefile_profile(const char *path, const char *name, char ***words, size_t *nwords, char **warehouse);

struct target *pipefile_find(const struct pipefile *pf, const char *name);

#endif
