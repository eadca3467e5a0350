/* checks: what a target's data must hold before it is published (`checks`,
 * `warn`, `checks_sql`: docs/checks.md), and the statistics of each table
 * build that its state record keeps. */
#ifndef PIPE_CHECKS_H
#define PIPE_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"
#include "target.h"
#include "util.h"

struct backend;

/* The keys that check a table's (or, but checks_sql, a snapshot's) data
 * rather than make it: the kinds' check_keys.  A change to them alone
 * re-runs the checks, not the build. */
extern const char *const checks_table_keys[];

/* Whether t's checks, warn and checks_sql are written right (the names,
 * the arguments, the thresholds): the kind's check.  snapshot: only the
 * checks a snapshot has (row_count, json_path). */
int checks_check(const struct target *t, bool snapshot);

/* Runs t's checks on its table: the one at dir (built and not yet
 * published, or final_out), or the warehouse's own when dir is NULL.
 * previous: the rows of the last published build, -1 when there is none.
 * With stats, also the table's statistics, in the same scan.  Sets rec's
 * `checks`, `previous_rows` (and `stats`) fields and appends warnings and
 * a summary line to output.  A failing check is PIPE_EUSAGE with the
 * message "N checks failed: <on_failure>" and a line per failing check
 * with its place, its count and up to 5 sample rows. */
int checks_table(struct backend *b, const struct target *t, const char *dir, int64_t previous, bool stats,
                 const char *on_failure, struct state_record *rec, struct buf *output);

/* A snapshot's checks on its pages in dir: rows, the records they hold
 * (as the fetch counted them); previous, the last published fetch's.  As
 * checks_table says, for a snapshot. */
int checks_snapshot(const struct target *t, const char *dir, int64_t rows, int64_t previous,
                    const char *on_failure, struct state_record *rec, struct buf *output);

/* How the statistics moved between two records' `stats` fields (either
 * may be NULL): "  column  nulls 0 -> 3, distinct 2 -> 3" lines for the
 * columns that changed, came or went. */
void checks_stats_diff(const char *old_stats, const char *new_stats, struct buf *out);

#endif
