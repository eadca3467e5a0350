/* target: a target as the parser leaves it (its attributes, dependencies
 * and their positions in the DAG files), the engine's own keys, and the one
 * error "file:line:col: message" at a place in those files.
 *
 * The layers, each including only those below it (calls only go down):
 *
 *   main.c
 *   build.c, plan.c, graph.c       the engine
 *   pipefile.c                     the parser: it checks keys against the kinds'
 *   kind.c, kind_*.c               the kinds
 *   target.c, state.c              a target and its record, as the kinds see them
 *   util.c
 *
 * Beside target.h and state.h, a kind includes only what it drives (crypto.h,
 * http.h, json.h, load.h, the warehouse's sql.h, table.h and bytes.h, the
 * snapshot kind's kind_snapshot.h), never pipefile.h, graph.h or build.h. */
#ifndef PIPE_TARGET_H
#define PIPE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct kind;

struct pos {
	const char *file; /* points into pipefile.files: never freed separately */
	int line, col;    /* 1-based */
};

struct attr {
	char *key;
	/* After ${var} expansion and after reading an @path.  A ${NAME} that
	 * names no var is left as written: it is read from the environment at
	 * run time, so its value never enters a key, a state record or a log. */
	char *value;
	struct pos pos;       /* of the key */
	struct pos value_pos; /* of the value's first character */
	char *at_path;        /* the path after @, or NULL when written inline */
};

struct dep {
	char *name; /* a target name or a project-relative file path */
	struct pos pos;
};

/* 64 bytes: a DAG of 50,000 targets holds 50,000 of them. */
struct target {
	char *name;
	const struct kind *kind; /* its name is the kind word */
	struct pos pos; /* of the kind word */
	struct dep *deps;
	struct attr *attrs; /* in written order */
	uint32_t ndeps;
	uint32_t nattrs;
	/* The warehouse a table or report is built in (backend_identity), part
	 * of its recipe as if it were a key "warehouse"; NULL: the local one. */
	const char *warehouse;
};

/* Targets found by name, open addressing on their index in an array: 4
 * bytes a slot where a strmap takes 16 (2 MB for 50,000 names).  The
 * array must not move while the map is in use. */
struct target_names {
	uint32_t *slots; /* index plus one; 0: empty */
	size_t cap, len;
};

/* Room for n names without growing. */
void target_names_reserve(struct target_names *m, const struct target *targets, size_t n);
/* Adds targets[i] by its name: the index of a target already named so
 * (which stays), or -1. */
long target_names_add(struct target_names *m, const struct target *targets, size_t i);
/* The index of the target called name, or -1. */
long target_names_find(const struct target_names *m, const struct target *targets, const char *name);
void target_names_free(struct target_names *m);

const struct attr *target_attr(const struct target *t, const char *key);
/* The value of key, or NULL when the target does not set it. */
const char *target_value(const struct target *t, const char *key);
/* Whether a table named as SQL wrote it (dataset.table, in any case) is a
 * dependency of t, or a child table of one (t__items). */
bool target_declared(const struct target *t, const char *table);

/* Keys every target accepts beside its kind's, handled by the engine: every,
 * description, cron, tz, retries, retry_delay, timeout and catchup
 * (NULL-terminated).  They are not part of the recipe. */
extern const char *const target_engine_keys[];
bool target_engine_key(const char *key);

/* Sets the error "file:line:col: message" (just "file: message" when line
 * is 0, as for command-line vars) and returns PIPE_EUSAGE: for kinds'
 * checks and anything else that reports a place in a DAG file. */
int error_at(const struct pos *pos, const char *fmt, ...) PIPE_PRINTF(2, 3);
/* The same at line:col (1-based) of attribute a's value: in the @file when
 * the value was read from one, else counted from the value's first
 * character (continuation lines are taken to line up with it, as
 * docs/pipe-file.md writes them). */
int error_at_value(const struct attr *a, int line, int col, const char *fmt, ...) PIPE_PRINTF(4, 5);

#endif
