/* history: the state repository through libgit2: init, commit, log, diff.
 * Only this module includes git2.h. */
#ifndef PIPE_HISTORY_H
#define PIPE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Creates state_dir as a git repository when it is not one yet. */
int history_init(const char *state_dir);
/* Stages every change under state_dir (new, modified and deleted files) and
 * commits it on HEAD with message, if the tree differs from HEAD's.  A
 * build that changed nothing commits nothing (*committed = false). */
int history_commit(const char *state_dir, const char *message, bool *committed);
/* The same for just these paths (relative to state_dir): a build knows
 * which records it wrote, and a project of 50,000 targets should not stat
 * 50,000 records to commit one. */
int history_commit_paths(const char *state_dir, const char *message,
                         const char *const *paths, size_t npaths, bool *committed);
/* Newest first: short id, date, the message.  target limits it to commits
 * that touched that target's record.  max <= 0 means all. */
int history_log(const char *state_dir, const char *target, int max, FILE *out);
/* Which targets' output hashes (and status) differ between two revisions
 * (default HEAD~1 and HEAD; rev_b NULL means HEAD). */
int history_diff(const char *state_dir, const char *rev_a, const char *rev_b, FILE *out);

#endif
