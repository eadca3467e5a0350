/* The writer's background thread: jobs run one at a time, in order, and
 * a failed job's error reaches the thread that waits. */
#include <unistd.h>

#include "t.h"
#include "warehouse/worker.h"

struct tally {
	int runs, running, overlaps;
	int order[100]; /* the index of each job, in the order they ran */
};

struct job {
	struct tally *tally;
	int index;
};

/* Logs its own index; slow enough that a job started before it ended
 * would find it still running. */
static int logging_job(void *arg)
{
	struct job *j = arg;
	struct tally *t = j->tally;
	if (t->running++)
		t->overlaps++;
	usleep(200);
	if (t->runs < 100)
		t->order[t->runs] = j->index;
	t->runs++;
	t->running--;
	return 0;
}

static int failing_job(void *arg)
{
	(void)arg;
	return error_set("disk full while spilling");
}

static void test_jobs_run_in_order(void)
{
	struct worker *wk = NULL;
	struct tally t = {0};
	struct job jobs[100];
	CHECK_OK(worker_start(&wk));
	for (int i = 0; i < 100; i++) {
		jobs[i] = (struct job){&t, i};
		CHECK_OK(worker_run(wk, logging_job, &jobs[i]));
	}
	CHECK_OK(worker_wait(wk));
	CHECK(!worker_busy(wk));
	CHECK_INT(t.runs, 100);
	CHECK_INT(t.overlaps, 0); /* each run waited for the job before */
	for (int i = 0; i < 100; i++)
		CHECK_INT(t.order[i], i);
	worker_stop(wk);
	worker_stop(NULL);
}

static void test_error_reaches_the_waiter(void)
{
	struct worker *wk = NULL;
	struct tally t = {0};
	struct job later = {&t, 0};
	CHECK_OK(worker_start(&wk));
	CHECK_OK(worker_run(wk, failing_job, NULL));
	error_clear();
	CHECK_INT(worker_wait(wk), PIPE_ERROR);
	CHECK_STR(error_last(), "disk full while spilling");
	/* once failed, no later job runs */
	error_clear();
	CHECK_INT(worker_run(wk, logging_job, &later), PIPE_ERROR);
	CHECK_STR(error_last(), "disk full while spilling");
	CHECK_INT(worker_wait(wk), PIPE_ERROR);
	CHECK_INT(t.runs, 0);
	worker_stop(wk);
}

int main(void)
{
	RUN(test_jobs_run_in_order);
	RUN(test_error_reaches_the_waiter);
	T_DONE();
}
