/* kind: the interface every target kind implements, and the one table of
 * kinds.  build.c knows no kind by name: a new kind is a kind_*.c file and
 * one line in kind.c.  The kinds sit below the parser and the engine (see
 * target.h): they include target.h, state.h and util.h, never pipefile.h,
 * graph.h or build.h. */
#ifndef PIPE_KIND_H
#define PIPE_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "state.h"
#include "target.h"
#include "util.h"

struct backend;

/* What the engine hands a kind for one build of one target. */
struct build_ctx {
	const struct target *target;
	/* The inputs' paths, in written order: outputs of dependency targets
	 * (targets/<name>...) and plain project files.  Relative to the project
	 * root, which is the current directory. */
	const char *const *inputs;
	const char *const *input_targets; /* the target name for each input, NULL for files */
	const struct hash *input_hashes;  /* each input's content hash, as in the key */
	size_t ninputs;
	/* Where to write the output: a path under targets/.tmp/ that the engine
	 * renames onto the final path when build returns 0.  The kind creates it
	 * as a file or a directory.  Its directory is the build's scratch
	 * space, removed when the build ends: out.part and the like may go
	 * there. */
	const char *out;
	const char *final_out;  /* where it will land (targets/<name>) */
	/* The content hash of what is at final_out now, as the plan found it;
	 * NULL when there is nothing.  Compared with prev->output, it tells
	 * whether the output was changed outside pipe since the last build. */
	const struct hash *output_hash;
	/* Where table and report targets load and query (backend.h): one for
	 * the whole build, shared by its threads; the local warehouse's tables
	 * are under targets/. */
	struct backend *warehouse;
	/* The record of the last build, NULL when never built.  Read ETag,
	 * cursors, the previous schema here. */
	const struct state_record *prev;
	/* The record being made: the kind sets rows, fields (etag, cursor,
	 * manifest...).  The engine fills key, hashes, times and status. */
	struct state_record *rec;
	/* Set by the kind when the source said "unchanged" (an HTTP 304):
	 * the engine keeps the previous output and writes nothing at out. */
	bool unchanged;
	int verbose;
	/* `pipe build --full-refresh`: forget incremental cursors and
	 * previously loaded rows, as dbt's flag of the same name does. */
	bool full_refresh;
	/* The attempt's end (timeout =), on time_now_ms()'s clock; 0: none.
	 * A kind that waits (a command, a fetch, a query) stops there and
	 * fails; the engine fails any attempt that ends past it. */
	double deadline_ms;
	/* Only the kind's check_keys changed since the last build, whose output
	 * is in place as it left it: the kind runs its checks on final_out and
	 * sets unchanged, instead of building again. */
	bool checks_only;
	/* The engine's: a kind whose writer hashes the files it writes as
	 * it writes them (the table writer) hands their bytes here, and the
	 * engine records those hashes instead of reading the files back. */
	const struct file_hasher *hasher;
	/* Progress and --verbose lines.  Never pass a secret here. */
	void (*log)(struct build_ctx *ctx, const char *fmt, ...) PIPE_PRINTF(2, 3);
	/* Text printed after the target finishes, whatever the verbosity: a
	 * command's stdout and stderr.  The engine frees it. */
	struct buf output;
	/* A kind that starts a process says so, so that an interrupted build
	 * can stop it (the process is the leader of its own group). */
	void (*child)(struct build_ctx *ctx, int pid, bool running);
	void *engine; /* the engine's own */
};

/* Every target of the project, for a check that looks across targets. */
struct target_set {
	const struct target *targets; /* in written order */
	size_t n;
	const struct target_names *by_name;
};

struct kind {
	const char *name;
	/* The keys a target of this kind may set (NULL-terminated), beside the
	 * engine's own keys (every, description).  Others are DAG errors. */
	const char *const *keys;
	const char *const *required; /* NULL-terminated, may be NULL */
	/* A key whose value, when a local file: URL, names a file that is an
	 * input of the target, as a file dependency is (a snapshot's url: the
	 * file's content is then part of the key).  May be NULL. */
	const char *file_url_key;
	/* Keys that check the output rather than make it (NULL-terminated, may
	 * be NULL).  They are part of the recipe, but when they are all that
	 * changed the engine asks for the checks alone (checks_only). */
	const char *const *check_keys;
	/* Checks a parsed target beyond its keys: values, deps.  Messages read
	 * file:line:col: ... from the attribute's pos (error_at); return
	 * PIPE_EUSAGE.  May be NULL. */
	int (*check)(const struct target *t);
	/* Checks t against the project's other targets, after check (a
	 * command's out must not write over what others read or write).  May
	 * be NULL. */
	int (*check_across)(const struct target *t, const struct target_set *all);
	/* The output path for t, normally targets/<name>.  May be NULL. */
	char *(*output_path)(const struct target *t);
	int (*build)(struct build_ctx *ctx);
	/* Whether t's output is its key's alone (its recipe and its inputs'
	 * content): a build whose key an earlier build had is then restored
	 * from the cache (cache.c) instead of run.  NULL: never, as for a
	 * snapshot, whose output is what a server said at the time. */
	bool (*pure)(const struct target *t);
	/* After the engine put t's output back from the cache at final_out
	 * (a build that restored it, `pipe restore`): what build makes beside
	 * the output, which the cache does not hold.  May be NULL. */
	int (*restored)(const struct target *t, const char *final_out);
	/* Whether it builds in the warehouse (ctx->warehouse): then the
	 * warehouse is part of its key (target.h's warehouse). */
	bool warehouse;
};

extern const struct kind *const kinds[]; /* NULL-terminated */
const struct kind *kind_find(const char *name);
char *kind_default_output(const struct target *t); /* targets/<name> */
bool kind_always_pure(const struct target *t); /* for kind->pure */

extern const struct kind kind_command, kind_snapshot, kind_table, kind_report;

#endif
