/* worker: one background thread, one job at a time.
 *
 * The hand-over is a mutex and a condition variable: a job's writes happen
 * before worker_wait returns (the unlock after the job, the lock in the
 * wait), so the caller may read what the job wrote once the wait returns.
 * Before either side sleeps on the condition it spins a little, watching
 * the busy flag: the table writer hands over a block every few hundred
 * microseconds, and on a virtual machine a sleep and its wake-up take tens
 * of them (a CTAS of 2M rows: 3% less time).  Only with a CPU for each.
 *
 * A new thread is started on another CPU than its caller's, then let go
 * anywhere: left to the scheduler, it often began on the caller's CPU, and
 * the two shared it until the balancer moved one, milliseconds later, a
 * third of a split GROUP BY's time. */
#include "worker.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	worker_fn fn; /* the job to run, NULL when idle */
	void *arg;
	atomic_bool busy; /* written under the lock; read without it to spin */
	bool quit;
	bool placed;    /* started away from the caller's CPU: cpus to go back to */
	cpu_set_t cpus;
	int error;      /* the first failed job's */
	char msg[4096]; /* and its message (the error slot is per thread) */
};

/* How long a side spins before it sleeps (see above). */
#define SPIN_NS 50000

struct busy_is {
	struct worker *wk;
	bool until;
};

static bool busy_reached(const void *arg)
{
	const struct busy_is *b = arg;
	return atomic_load_explicit(&b->wk->busy, memory_order_acquire) == b->until;
}

/* Spins until the worker's busy flag is `until`, for at most SPIN_NS. */
static void spin_until(struct worker *wk, bool until)
{
	struct busy_is b = {wk, until};
	if (!wk->placed)
		return; /* one CPU: the other side cannot run while this one spins */
	spin_briefly(busy_reached, &b, SPIN_NS / 1e3);
}

static void *worker_main(void *p)
{
	struct worker *wk = p;
	if (wk->placed)
		pthread_setaffinity_np(pthread_self(), sizeof wk->cpus, &wk->cpus);
	pthread_mutex_lock(&wk->lock);
	for (;;) {
		if (!wk->busy && !wk->quit) {
			pthread_mutex_unlock(&wk->lock);
			spin_until(wk, true);
			pthread_mutex_lock(&wk->lock);
		}
		while (!wk->busy && !wk->quit)
			pthread_cond_wait(&wk->changed, &wk->lock);
		if (!wk->busy)
			break;
		worker_fn fn = wk->fn;
		void *arg = wk->arg;
		pthread_mutex_unlock(&wk->lock);
		int error = fn(arg);
		pthread_mutex_lock(&wk->lock);
		if (error < 0 && !wk->error) {
			wk->error = error;
			snprintf(wk->msg, sizeof wk->msg, "%s", error_last());
		}
		wk->busy = false;
		wk->fn = NULL;
		pthread_cond_broadcast(&wk->changed);
	}
	pthread_mutex_unlock(&wk->lock);
	return NULL;
}

int worker_start(struct worker **out)
{
	struct worker *wk = xcalloc(1, sizeof *wk);
	*out = NULL;
	pthread_mutex_init(&wk->lock, NULL);
	pthread_cond_init(&wk->changed, NULL);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	int here = sched_getcpu();
	if (here >= 0 && sched_getaffinity(0, sizeof wk->cpus, &wk->cpus) == 0 && CPU_COUNT(&wk->cpus) > 1 &&
	    CPU_ISSET(here, &wk->cpus)) {
		cpu_set_t elsewhere = wk->cpus;
		CPU_CLR(here, &elsewhere);
		wk->placed = pthread_attr_setaffinity_np(&attr, sizeof elsewhere, &elsewhere) == 0;
	}
	int r = pthread_create(&wk->thread, &attr, worker_main, wk);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		pthread_cond_destroy(&wk->changed);
		pthread_mutex_destroy(&wk->lock);
		free(wk);
		return error_set("starting a thread: %s", strerror(r));
	}
	*out = wk;
	return 0;
}

/* With the lock held: waits until idle; the failed job's error. */
static int wait_idle(struct worker *wk)
{
	while (wk->busy)
		pthread_cond_wait(&wk->changed, &wk->lock);
	return wk->error;
}

bool worker_busy(struct worker *wk)
{
	pthread_mutex_lock(&wk->lock);
	bool busy = wk->busy;
	pthread_mutex_unlock(&wk->lock);
	return busy;
}

int worker_wait(struct worker *wk)
{
	spin_until(wk, false);
	pthread_mutex_lock(&wk->lock);
	int error = wait_idle(wk);
	pthread_mutex_unlock(&wk->lock);
	return error < 0 ? error_setcode(error, "%s", wk->msg) : 0;
}

int worker_run(struct worker *wk, worker_fn fn, void *arg)
{
	spin_until(wk, false);
	pthread_mutex_lock(&wk->lock);
	int error = wait_idle(wk);
	if (!error) {
		wk->fn = fn;
		wk->arg = arg;
		wk->busy = true;
		pthread_cond_broadcast(&wk->changed);
	}
	pthread_mutex_unlock(&wk->lock);
	return error < 0 ? error_setcode(error, "%s", wk->msg) : 0;
}

void worker_stop(struct worker *wk)
{
	if (!wk)
		return;
	pthread_mutex_lock(&wk->lock);
	wait_idle(wk);
	wk->quit = true;
	pthread_cond_broadcast(&wk->changed);
	pthread_mutex_unlock(&wk->lock);
	pthread_join(wk->thread, NULL);
	pthread_cond_destroy(&wk->changed);
	pthread_mutex_destroy(&wk->lock);
	free(wk);
}
