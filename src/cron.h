/* cron: five-field cron expressions (`cron = 0 * * * *`) and the next time
 * one is due, in an IANA time zone, with Vixie cron's daylight saving rules
 * (docs/pipe-file.md, "Schedules"). */
#ifndef PIPE_CRON_H
#define PIPE_CRON_H

#include <stdbool.h>
#include <stdint.h>

struct cron {
	uint64_t minute; /* bit n: minute n matches */
	uint32_t hour, dom, month; /* dom and month by their 1-based numbers */
	uint8_t dow;     /* bit 0: Sunday */
	bool minute_star, hour_star, dom_star, dow_star; /* the field starts with '*' */
};

/* Parses text.  On a bad expression returns PIPE_EUSAGE with msg holding
 * what is wrong ("hour 25 is out of range 0-23") and *col the 1-based
 * column of the bad field in text; sets no error of its own. */
int cron_parse(const char *text, struct cron *out, char msg[128], int *col);

/* Whether tz names a zone of the TZ database (a file under TZDIR or
 * /usr/share/zoneinfo).  NULL or "" is UTC. */
bool cron_tz_valid(const char *tz);

/* The first time c is due strictly after `after` (epoch seconds), reading
 * wall clock times in tz (NULL: UTC); -1 when none falls within 10 years.
 * Sets TZ for the call and restores it: not thread-safe, so call it from
 * the main thread while no other thread reads local time. */
int64_t cron_next(const struct cron *c, const char *tz, int64_t after);

/* When a target scheduled by `every` (a duration) or `cron` (with tz) is
 * next due after a build that finished at last: -1 when it never is (no
 * schedule, or a malformed one: the DAG check reports those).  The one
 * rule `pipe status` and `pipe due` both read. */
int64_t schedule_next(const char *every, const char *cron, const char *tz, int64_t last);

/* t as tz's wall clock time, ISO 8601 with the offset:
 * 2026-12-02T11:00:00+01:00.  Not thread-safe either. */
void cron_time(int64_t t, const char *tz, char out[32]);

#endif
