/* plan: keys and staleness, the reasons `status` and `build -n` print. */
#ifndef PIPE_PLAN_H
#define PIPE_PLAN_H

#include <stdbool.h>

#include "graph.h"
#include "crypto.h"
#include "index.h"

struct state_record;

/* Bumped when the meaning of keys or the format of any output changes (a
 * table's files, a snapshot's manifest): every target is then rebuilt,
 * since its key changes. */
#define PIPE_FORMAT_VERSION "5"

enum reason {
	REASON_FRESH,
	REASON_NEVER_BUILT,
	REASON_FORCED,
	REASON_RECIPE,
	REASON_CHECKS, /* only the kind's check_keys changed: run the checks alone */
	REASON_INPUT,
	REASON_UPSTREAM, /* an input will be rebuilt first: decided after it */
	REASON_OUTPUT_MISSING,
	REASON_OUTPUT_MODIFIED,
	REASON_FAILED,
	REASON_EXPIRED,
};

struct target_plan {
	enum reason reason;
	bool have_recipe, have_output, have_last;
	char *why;          /* "recipe changed (run)", "input words changed" */
	struct hash recipe; /* this target's recipe hash as written now */
	struct hash key;    /* valid unless reason is REASON_UPSTREAM */
	struct hash output; /* the current output's hash, when have_output */
	/* What the index or state/ says of the last build, when have_last
	 * (read it with plan_last): its time, and the rest in last_differs
	 * unless it is this plan's recipe, key and output, built fine, as it is
	 * for every fresh target.  A copy of each entry was half of the plan's
	 * memory on a no-op of 50,000 targets. */
	int64_t last_finished;
	struct index_target *last_differs;
};

struct plan {
	const struct graph *g;
	struct index *ix;
	const char *state_dir;
	char **outputs; /* output path of each node, in paths */
	struct arena paths; /* one allocation per 50,000 targets' paths, not one each */
	struct target_plan *t;
	bool force;
	const bool *forced; /* per node: rebuild whatever its state; may be NULL */
	int64_t now;
	/* stat data gathered in parallel before the first pass (see
	 * plan_preload); each node's are used once, then stat runs again */
	struct preload *pre;
	size_t npre;
	long *pre_start; /* per node: its output's entry, then its file inputs'; -1 none */
	bool *pre_used;  /* per node: plan_target used its entries (restat still reads them) */
	struct hash *pre_dirs; /* per entry: a directory's hash (plan_restat_changed) */
};

/* PIPE_EUSAGE when two targets write the same output path. */
int plan_init(struct plan *p, const struct graph *g, struct index *ix, const char *state_dir);
void plan_free(struct plan *p);
/* Stats the outputs and file inputs of the selected nodes, and hashes
 * their recipes, on several threads at once, as git's preloaded index
 * does: on a no-op build that is most of the work. */
void plan_preload(struct plan *p, const bool *selected, int threads);
/* Stats again what plan_preload stat'ed: whether any path is not as it
 * was then, or changed in the last second (a second change in the same
 * clock tick can leave the same stat data, as git's racy clean says), or
 * a directory's files hash otherwise.  Call it first between plan_preload
 * and plan_target: that call hashes the directories and says false. */
bool plan_restat_changed(struct plan *p, int threads);
/* Decides node i from what is known of its inputs now (their t[].output
 * for targets that were decided or rebuilt before it).  Call in
 * topological order; call again after an input was rebuilt. */
int plan_target(struct plan *p, int i);
bool plan_stale(const struct plan *p, int i);
/* The last build's entry of node i, when it has one. */
bool plan_last(const struct plan *p, int i, struct index_target *last);
/* Sets it, after the node's recipe, key and output were set. */
void plan_set_last(struct plan *p, int i, const struct index_target *last);
const char *reason_text(const struct target_plan *tp);

/* The recipe hash and its per-attribute hashes (for state records). */
void plan_recipe(const struct target *t, struct hash *recipe, struct hash **attr_hashes,
                 const char ***attr_keys, size_t *n);
/* A target's key from its recipe hash and its inputs' hashes. */
void plan_key(const struct hash *recipe, const struct node *nd, const struct hash *inputs,
              struct hash *key);
/* The index's entry for a target whose last build state/ records as rec. */
void plan_record_to_last(const struct state_record *rec, const struct target *t,
                         struct index_target *last);

#endif
