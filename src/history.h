/* history: the state repository through libgit2: init, commit, log, diff.
 * Only this module includes git2.h. */
#ifndef PIPE_HISTORY_H
#define PIPE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct buf;

/* Creates state_dir as a git repository when it is not one yet. */
int history_init(const char *state_dir);
/* Stages every change under state_dir (new, modified and deleted files) and
 * commits it on HEAD with message, if the tree differs from HEAD's.  A
 * build that changed nothing commits nothing (*committed = false). */
int history_commit(const char *state_dir, const char *message, bool *committed);
/* Notes the records (paths relative to state_dir) that a build is about to
 * write, before it writes any: if it is killed before its commit, or the
 * commit fails, the next commit takes them too. */
int history_begin(const char *state_dir, const char *const *paths, size_t npaths);
/* Commits just these paths (relative to state_dir), and any that an
 * unfinished build noted: a build knows which records it wrote, and a
 * project of 50,000 targets should not stat 50,000 records to commit one. */
int history_commit_paths(const char *state_dir, const char *message,
                         const char *const *paths, size_t npaths, bool *committed);
/* Whether records of a build that did not commit (killed, or stopped by a
 * lock file) wait for the next commit: a build then commits even when it
 * rebuilt nothing. */
bool history_uncommitted(const char *state_dir);
/* HEAD's commit id read from .git's files, without libgit2: true when HEAD
 * is a branch whose ref is a file of its own (as pipe's commits and pulls
 * leave it); false otherwise, for the caller to ask libgit2. */
bool history_head_id(const char *state_dir, char commit_id[41]);
/* The length of the list history_begin keeps (0: none), and the list cut
 * back to such a length (removed at 0): a build that stops before it
 * changed anything takes back what it noted. */
size_t history_noted(const char *state_dir);
int history_unnote(const char *state_dir, size_t keep);
/* Drops the list history_begin noted, for a build that wrote none of the
 * records it named (it noted them, and had nothing waiting before): no
 * commit, and libgit2 is not loaded. */
int history_end_unchanged(const char *state_dir);
/* Removes the git lock files (index.lock, HEAD.lock, the branch's) that a
 * pipe killed while committing left in state_dir's repository, which would
 * otherwise stop every later commit.  The caller holds the project's build
 * lock, taken at `since` (the lock file's stamp, by the file system's clock):
 * a lock file is removed only when it is older than that and no process
 * has it open (the rule, and why, in history.c).  Adds each path removed
 * to *removed, one a line. */
void history_remove_stale_locks(const char *state_dir, const struct timespec *since,
                                struct buf *removed);
/* Newest first: short id, date, the message.  target limits it to commits
 * that touched that target's record.  max <= 0 means all. */
int history_log(const char *state_dir, const char *target, int max, FILE *out);
/* Which targets' output hashes (and status) differ between two revisions
 * (default HEAD~1 and HEAD; rev_b NULL means HEAD). */
int history_diff(const char *state_dir, const char *rev_a, const char *rev_b, FILE *out);

/* For `pipe fsck`.  history_init refuses to start a new repository over
 * records whose own is missing (their history is lost); this does. */
int history_create(const char *state_dir);
/* Reads HEAD's commit and tree (whole: every commit's): PIPE_ENOTFOUND
 * when there is no repository, an error naming what does not read, or 0
 * and the number of commits read (0 before the first build). */
int history_verify(const char *state_dir, bool whole, size_t *ncommits);
/* The file at path (relative to state_dir) as HEAD's tree holds it;
 * PIPE_ENOTFOUND when HEAD does not hold it. */
int history_read_committed(const char *state_dir, const char *path, struct buf *out);
/* The same at any revision (`pipe diff REV REV TARGET`): PIPE_EUSAGE for
 * a revision git does not know. */
int history_read_at(const char *state_dir, const char *rev, const char *path, struct buf *out);

/* Called with each record's path (targets/NAME.state) and text. */
typedef int (*history_record_fn)(void *ctx, const char *path, const char *text);
/* The records of revision rev (anything git accepts); commit_id gets the
 * commit's full id.  PIPE_EUSAGE for an unknown revision. */
int history_records_at(const char *state_dir, const char *rev, history_record_fn fn, void *ctx,
                       char commit_id[41]);
/* The records of every commit from HEAD back, or of the keep_last newest
 * (> 0) and only those made at or after newer_than (> 0, seconds since
 * the epoch); HEAD's always.  A record in many commits comes many times. */
int history_records_all(const char *state_dir, int keep_last, int64_t newer_than,
                        history_record_fn fn, void *ctx);

/* `pipe state push REMOTE`: HEAD's branch to the same branch of REMOTE (a
 * path or a URL; an https one with $PIPE_STATE_TOKEN as its password,
 * never stored).  A remote that has builds this one lacks refuses it. */
int history_push(const char *state_dir, const char *remote_url, struct buf *said);
/* `pipe state pull REMOTE`: fetches the branch and fast-forwards to it, the
 * records checked out; refuses when the two have each recorded builds the
 * other has not.  *said gets what happened, for the user. */
int history_pull(const char *state_dir, const char *remote_url, struct buf *said);

#endif
