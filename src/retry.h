/* retry: a target's retries, retry_delay and timeout (engine keys), and
 * the wait before each retry. */
#ifndef PIPE_RETRY_H
#define PIPE_RETRY_H

#include <stdint.h>

#include "target.h"

/* The most retries a target may ask for, and the longest wait between two
 * attempts whatever retry_delay and the doubling say. */
#define RETRY_MAX 100
#define RETRY_DELAY_CAP_S 3600

struct retry_policy {
	int retries;        /* attempts after the first; 0 by default */
	int64_t delay_s;    /* retry_delay: the wait before the first retry; 1m by default */
	int64_t timeout_s;  /* per attempt; 0: none */
};

/* Checks t's retries, retry_delay and timeout: PIPE_EUSAGE at the bad
 * value.  A key t's kind has itself (a snapshot's retries, retry_delay and
 * timeout, per request) is the kind's: neither checked nor applied here. */
int retry_check(const struct target *t);
/* t's policy; call after retry_check. */
void retry_policy(const struct target *t, struct retry_policy *out);
/* The wait after failed attempt number `failed` (1-based), in seconds:
 * delay_s doubled for each earlier failure, capped at RETRY_DELAY_CAP_S,
 * then times a random factor from 0.8 to 1.2 (jitter, so that targets
 * failing together do not retry together). */
double retry_wait_s(const struct retry_policy *p, int failed);

#endif
