/* worker: one background thread that runs one job at a time, so that a
 * table writer can encode and write on the second core while the first
 * keeps reading and sorting, and a GROUP BY can group half of a scan's
 * blocks on it (sql_agg.c). */
#ifndef PIPE_WAREHOUSE_WORKER_H
#define PIPE_WAREHOUSE_WORKER_H

#include <stdbool.h>

struct worker;

/* A job returns 0 or a negative PIPE_* code with the error set. */
typedef int (*worker_fn)(void *arg);

int worker_start(struct worker **out);
/* Waits for the job running (if any), then starts fn(arg) on the thread.
 * Fails, without starting fn, with the error of the job before. */
int worker_run(struct worker *wk, worker_fn fn, void *arg);
/* Waits for the job running (if any); its error, set in this thread.  Once
 * a job failed, every later wait and run returns that error. */
int worker_wait(struct worker *wk);
/* Whether a job is running now (a hint: it may end at once). */
bool worker_busy(struct worker *wk);
/* Waits for the job running and ends the thread.  NULL is a no-op. */
void worker_stop(struct worker *wk);

#endif
