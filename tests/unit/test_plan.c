/* plan.c: the last build's entry as the plan keeps it, whole only where it
 * is not the target's own recipe, key and output. */
#include "plan.h"
#include "t.h"

#include <stdlib.h>

static struct hash filled(int byte)
{
	struct hash h;
	memset(h.b, byte, sizeof h.b);
	return h;
}

/* A fresh target's entry is its own hashes and a time: nothing allocated,
 * and read back as it was set; any other is kept whole. */
static void last_kept_where_it_differs(void)
{
	struct target_plan t[1];
	struct plan p;
	struct index_target last, got;
	memset(t, 0, sizeof t);
	memset(&p, 0, sizeof p);
	p.t = t;
	CHECK(!plan_last(&p, 0, &got));

	t[0].recipe = filled(1);
	t[0].key = filled(2);
	t[0].output = filled(3);
	t[0].have_output = true;
	memset(&last, 0, sizeof last);
	last.recipe = filled(1);
	last.key = filled(2);
	last.output = filled(3);
	last.finished = 1700000000;
	last.status = INDEX_OK;
	plan_set_last(&p, 0, &last);
	CHECK(t[0].last_differs == NULL);
	CHECK(plan_last(&p, 0, &got));
	CHECK(index_target_eq(&got, &last));

	/* the same hashes, a failed build: kept whole */
	last.status = INDEX_FAILED;
	plan_set_last(&p, 0, &last);
	CHECK(t[0].last_differs != NULL);
	CHECK(plan_last(&p, 0, &got));
	CHECK(index_target_eq(&got, &last));

	/* an older key; then the target rebuilt: compact again */
	last.status = INDEX_OK;
	last.key = filled(9);
	plan_set_last(&p, 0, &last);
	CHECK(plan_last(&p, 0, &got));
	CHECK(index_target_eq(&got, &last));
	last.key = t[0].key;
	last.finished++;
	plan_set_last(&p, 0, &last);
	CHECK(t[0].last_differs == NULL);
	CHECK(plan_last(&p, 0, &got));
	CHECK(index_target_eq(&got, &last));

	/* no output now: the entry's output cannot be the target's own */
	t[0].have_output = false;
	plan_set_last(&p, 0, &last);
	CHECK(t[0].last_differs != NULL);
	CHECK(plan_last(&p, 0, &got));
	CHECK(index_target_eq(&got, &last));
	free(t[0].last_differs);
}

int main(void)
{
	RUN(last_kept_where_it_differs);
	T_DONE();
}
