/* state: one small text record per target under state/targets/ (the format
 * is described atop state.c).  state/ is the reviewable truth that history.c
 * commits; records are written only for targets that were built. */
#ifndef PIPE_STATE_H
#define PIPE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct buf;

/* Paths of the project layout, relative to the project root. */
#define PIPE_STATE_DIR "state"
#define PIPE_TARGETS_DIR "targets"
#define PIPE_INDEX_PATH ".pipe/index"
#define PIPE_LOCK_PATH ".pipe/lock"

struct state_input {
	char *name;  /* target name or file path, as written */
	struct hash hash;
};

struct state_field {
	char *key;   /* [a-z0-9_.]+ */
	char *value; /* may span lines */
};

struct state_record {
	char *target;
	char *kind;
	struct hash key;    /* the key of the last successful build */
	struct hash output; /* the output's hash after it */
	/* One line per recipe attribute, value hashed, so that `status` can
	 * name the attribute that changed. */
	struct state_field *recipe; /* key -> hex hash of the normalised value */
	size_t nrecipe;
	struct state_input *inputs;
	size_t ninputs;
	uint64_t bytes;
	int64_t rows;             /* -1: not a table */
	int64_t started, finished; /* wall clock, seconds since the epoch */
	double duration_ms;
	char *status; /* "ok" or "failed": the last run */
	/* The build that wrote this record (20261125T020401Z-4953): every
	 * build's records differ from the last one's, so each build that ran a
	 * target is a commit, and runs can be told apart (a scheduler, a UI). */
	char *run;
	char *error;  /* the last failure's message, NULL after a success */
	/* What a kind keeps between runs: etag, last_modified, cursor,
	 * a snapshot's manifest, a table's schema.  Never secrets. */
	struct state_field *fields;
	size_t nfields;
};

/* PIPE_ENOTFOUND when the target has no record. */
int state_read(const char *state_dir, const char *target, struct state_record *rec);
/* Writes state_dir/targets/<target>.state atomically (temp + rename). */
int state_write(const char *state_dir, const struct state_record *rec);
int state_remove(const char *state_dir, const char *target);
void state_record_free(struct state_record *rec);
/* An empty record: everything zero or NULL, rows -1.  state_record_free
 * leaves the record in this state. */
void state_record_init(struct state_record *rec);
/* Deep copy, for keeping the previous record beside the one being filled. */
void state_record_copy(struct state_record *dst, const struct state_record *src);

const char *state_field(const struct state_record *rec, const char *key);
/* value NULL removes the field. */
void state_field_set(struct state_record *rec, const char *key, const char *value);
/* Sets (or replaces) a recipe line: key -> the hash of its normalised value. */
void state_recipe_set(struct state_record *rec, const char *key, const struct hash *h);
void state_input_add(struct state_record *rec, const char *name, const struct hash *h);
const struct state_input *state_input_find(const struct state_record *rec, const char *name);
/* The path of a target's record, relative to state_dir (for history). */
char *state_path(const char *target);

/* Text form, for `pipe show` and tests. */
int state_format(const struct state_record *rec, struct buf *out);
int state_parse(const char *text, const char *path, struct state_record *rec);

/* A value in the records' syntax, for other files written the same way
 * (runs.c): after its key, inline or as a block of indented lines.  The
 * parse takes the block lines after *p, advancing *p and *line (the line
 * number, for messages naming path). */
void state_value_format(struct buf *out, const char *value);
int state_value_parse(const char *path, const char **p, int *line, const char *rest, char **out);

#endif
