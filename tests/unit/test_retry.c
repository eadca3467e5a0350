/* retry.c: the policy a target's keys make, and the waits between attempts
 * (docs/pipe-file.md, "Retries and timeouts"). */
#include "t.h"
#include "kind.h"
#include "retry.h"

static void policy(void)
{
	struct attr set[] = {
		{.key = "retries", .value = "3"},
		{.key = "retry_delay", .value = "10s"},
		{.key = "timeout", .value = "10m"},
	};
	struct target t = {.name = "t", .kind = &kind_command, .attrs = set, .nattrs = 3};
	struct target bare = {.name = "b", .kind = &kind_command};
	struct target snap = {.name = "s", .kind = &kind_snapshot, .attrs = set, .nattrs = 3};
	struct retry_policy p;
	retry_policy(&t, &p);
	CHECK_INT(p.retries, 3);
	CHECK_INT(p.delay_s, 10);
	CHECK_INT(p.timeout_s, 600);
	retry_policy(&bare, &p);
	CHECK_INT(p.retries, 0);
	CHECK_INT(p.delay_s, 60);
	CHECK_INT(p.timeout_s, 0);
	/* a snapshot's keys of these names are its own, per request */
	retry_policy(&snap, &p);
	CHECK_INT(p.retries, 0);
	CHECK_INT(p.timeout_s, 0);
}

/* delay doubled for each earlier failure, capped at an hour, times 0.8-1.2 */
static void waits(void)
{
	struct retry_policy p = {.retries = 20, .delay_s = 60};
	double lo = 1e9, hi = 0;
	for (int i = 0; i < 200; i++) {
		double w = retry_wait_s(&p, 1);
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	CHECK(lo >= 48 && hi <= 72);
	CHECK(hi - lo > 10); /* jitter: not all the same */
	for (int i = 0; i < 50; i++) {
		double w2 = retry_wait_s(&p, 2), w4 = retry_wait_s(&p, 4), w12 = retry_wait_s(&p, 12);
		CHECK(w2 >= 96 && w2 <= 144);
		CHECK(w4 >= 384 && w4 <= 576);
		CHECK(w12 >= 0.8 * RETRY_DELAY_CAP_S && w12 <= 1.2 * RETRY_DELAY_CAP_S);
	}
	p.delay_s = 0;
	CHECK(retry_wait_s(&p, 3) == 0);
}

int main(void)
{
	RUN(policy);
	RUN(waits);
	T_DONE();
}
