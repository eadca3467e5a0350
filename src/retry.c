/* retry: what `retries = 3`, `retry_delay = 1m` and `timeout = 10m` say.
 * build.c runs the attempts; the kinds stop at the timeout (a command's
 * process group is killed, a fetch or a query is abandoned).  The schedule
 * is in docs/pipe-file.md, "Retries and timeouts". */
#include "retry.h"

#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "util.h"

/* A kind may have a key of the same name, with its own meaning: a
 * snapshot's retries, retry_delay and timeout are per request (http.c
 * retries the failed page, not the whole fetch), and the engine leaves them
 * to it. */
static const struct attr *engine_attr(const struct target *t, const char *key)
{
	for (size_t i = 0; t->kind && t->kind->keys && t->kind->keys[i]; i++)
		if (!strcmp(t->kind->keys[i], key))
			return NULL;
	return target_attr(t, key);
}

int retry_check(const struct target *t)
{
	const struct attr *a;
	if ((a = engine_attr(t, "retries"))) {
		char *end;
		long n = strtol(a->value, &end, 10);
		if (!*a->value || *end || n < 0 || n > RETRY_MAX || a->value[0] == '-' || a->value[0] == '+')
			return error_at(&a->value_pos, "bad retries '%s': write a number of retries from 0 "
			                "to %d (retries = 3 makes up to 4 attempts)", a->value, RETRY_MAX);
	}
	if ((a = engine_attr(t, "retry_delay")) && duration_parse(a->value) < 0)
		return error_at(&a->value_pos, "bad duration '%s' for retry_delay: write a number and a "
		                "unit, s, m, h, d or w (10s, 1m)", a->value);
	if ((a = engine_attr(t, "timeout")) && duration_parse(a->value) <= 0)
		return error_at(&a->value_pos, "bad duration '%s' for timeout: write a number above 0 "
		                "and a unit, s, m, h, d or w (30s, 10m, 2h)", a->value);
	return 0;
}

void retry_policy(const struct target *t, struct retry_policy *out)
{
	const struct attr *a;
	out->retries = (a = engine_attr(t, "retries")) ? atoi(a->value) : 0;
	out->delay_s = (a = engine_attr(t, "retry_delay")) ? duration_parse(a->value) : 60;
	out->timeout_s = (a = engine_attr(t, "timeout")) ? duration_parse(a->value) : 0;
	if (out->delay_s < 0)
		out->delay_s = 60;
	if (out->timeout_s < 0)
		out->timeout_s = 0;
}

static uint64_t jitter_state;

double retry_wait_s(const struct retry_policy *p, int failed)
{
	double d = (double)p->delay_s;
	for (int i = 1; i < failed && d < RETRY_DELAY_CAP_S; i++)
		d *= 2;
	if (d > RETRY_DELAY_CAP_S)
		d = RETRY_DELAY_CAP_S;
	uint64_t x = __atomic_add_fetch(&jitter_state, 0x9e3779b97f4a7c15ull, __ATOMIC_RELAXED);
	x ^= (uint64_t)(time_now_ms() * 1000) * 0xbf58476d1ce4e5b9ull;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 29;
	return d * (0.8 + 0.4 * (double)(x % 10000) / 10000.0);
}
