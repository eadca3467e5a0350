/* cron: five-field cron expressions and when one is next due.
 *
 * An expression is minute hour day-of-month month day-of-week, each `*`, a
 * number, a range a-b, a step (`*`, a-b or a, then /n; a/n runs from a to the end), or a
 * list of those (a,b); months may be named JAN..DEC and days SUN..SAT (in
 * any case), and day 7 is Sunday as well as 0.  As in Vixie cron, when
 * neither day field starts with '*' a day matches when either matches.
 *
 * Times are wall clock times in the target's zone.  Daylight saving follows
 * Vixie cron and cronie, where a job is "wildcard" when its minute or hour
 * field starts with '*':
 *   - a time skipped by the spring change runs once, at the end of the gap,
 *     unless the job is wildcard (its next time comes soon anyway);
 *   - a time repeated by the autumn change runs once, at its first
 *     occurrence, unless the job is wildcard: then both times run.
 *
 * The zone is read through the C library: cron_next sets TZ and calls
 * tzset(), and restores both before it returns. */
#include "cron.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"

struct field {
	const char *name;
	int lo, hi;
	const char *const *names; /* names[i] is lo + i */
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

static const struct field fields[5] = {
	{"minute", 0, 59, NULL},
	{"hour", 0, 23, NULL},
	{"day-of-month", 1, 31, NULL},
	{"month", 1, 12, month_names},
	{"day-of-week", 0, 7, day_names},
};

/* A number or a name at *p; -1 when there is neither. */
static int read_value(const struct field *f, const char **p)
{
	const char *s = *p;
	if (isdigit((unsigned char)*s)) {
		long v = 0;
		while (isdigit((unsigned char)*s) && v < 1000)
			v = v * 10 + (*s++ - '0');
		*p = s;
		return (int)v;
	}
	for (int i = 0; f->names && f->names[i]; i++)
		if (!strncasecmp(s, f->names[i], 3) && !isalpha((unsigned char)s[3])) {
			*p = s + 3;
			return f->lo + i;
		}
	return -1;
}

static int bad(char msg[128], int *col, int at, const char *fmt, ...) PIPE_PRINTF(4, 5);
static int bad(char msg[128], int *col, int at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, 128, fmt, ap);
	va_end(ap);
	*col = at;
	return PIPE_EUSAGE;
}

/* Parses the field at text[start..end) into *bits. */
static int parse_field(const struct field *f, const char *text, size_t start, size_t end,
                       uint64_t *bits, char msg[128], int *col)
{
	const char *p = text + start, *stop = text + end;
	*bits = 0;
	for (;;) {
		const char *item = p;
		int at = (int)(item - text) + 1, lo, hi, step = 1;
		bool star = *p == '*';
		if (star) {
			lo = f->lo, hi = f->hi;
			p++;
		} else {
			if ((lo = read_value(f, &p)) < 0)
				return bad(msg, col, at, "bad %s '%.*s': write *, a number %d-%d%s", f->name,
				           (int)(stop - item), item, f->lo, f->hi,
				           f->names == month_names ? " or a name JAN..DEC" :
				           f->names == day_names ? " or a name SUN..SAT" : "");
			hi = lo;
			if (*p == '-') {
				const char *h = ++p;
				if ((hi = read_value(f, &p)) < 0)
					return bad(msg, col, (int)(h - text) + 1, "bad %s range '%.*s': write a-b",
					           f->name, (int)(stop - item), item);
			}
		}
		if (*p == '/') {
			const char *s = ++p;
			if (!isdigit((unsigned char)*s))
				return bad(msg, col, (int)(s - text) + 1, "bad %s step '%.*s': write */n or a-b/n",
				           f->name, (int)(stop - item), item);
			step = read_value(f, &p);
			if (step == 0)
				return bad(msg, col, (int)(s - text) + 1, "%s step 0: a step is at least 1", f->name);
			if (!star && hi == lo)
				hi = f->hi; /* a/n: from a to the end, as cronie reads it */
		}
		if (lo < f->lo || lo > f->hi)
			return bad(msg, col, at, "%s %d is out of range %d-%d", f->name, lo, f->lo, f->hi);
		if (hi < f->lo || hi > f->hi)
			return bad(msg, col, at, "%s %d is out of range %d-%d", f->name, hi, f->lo, f->hi);
		if (hi < lo)
			return bad(msg, col, at, "%s range %d-%d goes backwards: write %d-%d", f->name, lo, hi,
			           hi, lo);
		for (int v = lo; v <= hi; v += step)
			*bits |= 1ull << v;
		if (p == stop)
			return 0;
		if (*p != ',')
			return bad(msg, col, (int)(p - text) + 1, "bad %s '%.*s': unexpected '%c'", f->name,
			           (int)(stop - item), item, *p);
		p++;
	}
}

int cron_parse(const char *text, struct cron *out, char msg[128], int *col)
{
	size_t start[6], end[6], n = 0, i = 0;
	uint64_t bits[5];
	int error;
	memset(out, 0, sizeof(*out));
	while (text[i]) {
		while (text[i] == ' ' || text[i] == '\t')
			i++;
		if (!text[i])
			break;
		if (n == 5)
			return bad(msg, col, (int)i + 1, "a cron expression has 5 fields (minute hour "
			           "day-of-month month day-of-week): this is a 6th");
		start[n] = i;
		while (text[i] && text[i] != ' ' && text[i] != '\t')
			i++;
		end[n++] = i;
	}
	if (n < 5)
		return bad(msg, col, (int)i + 1, "a cron expression has 5 fields (minute hour "
		           "day-of-month month day-of-week): %zu written, like 0 * * * *", n);
	for (size_t f = 0; f < 5; f++)
		if ((error = parse_field(&fields[f], text, start[f], end[f], &bits[f], msg, col)) < 0)
			return error;
	out->minute = bits[0];
	out->hour = (uint32_t)bits[1];
	out->dom = (uint32_t)bits[2];
	out->month = (uint32_t)bits[3];
	out->dow = (uint8_t)((bits[4] | bits[4] >> 7) & 0x7f); /* 7 is Sunday */
	out->minute_star = text[start[0]] == '*';
	out->hour_star = text[start[1]] == '*';
	out->dom_star = text[start[2]] == '*';
	out->dow_star = text[start[4]] == '*';
	return 0;
}

bool cron_tz_valid(const char *tz)
{
	if (!tz || !*tz)
		return true;
	if (tz[0] == '/' || strstr(tz, "..") || strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                                   "abcdefghijklmnopqrstuvwxyz0123456789/_+-") != strlen(tz))
		return false;
	const char *dir = getenv("TZDIR");
	char *path = path_join(dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	bool ok = path_exists(path) && !path_is_dir(path);
	free(path);
	return ok;
}

static bool day_matches(const struct cron *c, const struct tm *tm)
{
	bool dom = c->dom >> tm->tm_mday & 1, dow = c->dow >> tm->tm_wday & 1;
	return c->dom_star || c->dow_star ? dom && dow : dom || dow;
}

/* The first wall clock minute at or after `from` (seconds counted as if
 * the zone were UTC) that c matches; -1 past `limit`. */
static int64_t next_wall(const struct cron *c, int64_t from, int64_t limit)
{
	time_t t = (time_t)((from + 59) / 60 * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	while (t <= limit) {
		if (!(c->month >> (tm.tm_mon + 1) & 1)) {
			tm.tm_mon++, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++, tm.tm_hour = 0, tm.tm_min = 0;
		} else if (!(c->hour >> tm.tm_hour & 1)) {
			tm.tm_hour++, tm.tm_min = 0;
		} else if (!(c->minute >> tm.tm_min & 1)) {
			tm.tm_min++;
		} else {
			return (int64_t)t;
		}
		t = timegm(&tm);
		gmtime_r(&t, &tm);
	}
	return -1;
}

/* The zone's offset from UTC at instant u, in seconds. */
static int64_t offset_at(int64_t u)
{
	time_t t = (time_t)u;
	struct tm tm;
	localtime_r(&t, &tm);
	return (int64_t)timegm(&tm) - u;
}

/* The instants at which wall clock time w runs, by the rules above: up to
 * two, in order; returns how many. */
static int instants(const struct cron *c, int64_t w, int64_t out[2], int64_t *max_offset)
{
	int64_t before = offset_at(w - 43200), after = offset_at(w + 43200), lo, hi;
	bool wild = c->minute_star || c->hour_star;
	int n = 0;
	*max_offset = before > after ? before : after;
	if (offset_at(w - before) == before)
		out[n++] = w - before;
	if (after != before && offset_at(w - after) == after)
		out[n++] = w - after;
	if (n == 2) {
		if (out[0] > out[1]) {
			int64_t x = out[0];
			out[0] = out[1], out[1] = x;
		}
		return wild ? 2 : 1;
	}
	if (n == 1 || wild)
		return n;
	/* in a gap: the first instant past it, where the offset changes */
	lo = w - after, hi = w - before;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (offset_at(mid) == offset_at(lo))
			lo = mid;
		else
			hi = mid;
	}
	out[0] = hi;
	return 1;
}

/* Local time is tz's until tz_leave(saved). */
static char *tz_enter(const char *tz)
{
	char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
	setenv("TZ", tz && *tz ? tz : "UTC", 1);
	tzset();
	return saved;
}

static void tz_leave(char *saved)
{
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

void cron_time(int64_t t, const char *tz, char out[32])
{
	char *saved = tz_enter(tz);
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S%z", &tm);
	memmove(out + 23, out + 22, strlen(out + 22) + 1); /* +0100 -> +01:00 */
	out[22] = ':';
	tz_leave(saved);
}

int64_t cron_next(const struct cron *c, const char *tz, int64_t after)
{
	char *saved = tz_enter(tz);
	int64_t best = -1, w, limit;
	/* a wall time an hour or two back may fall after `after` (autumn) */
	w = after + offset_at(after) - 7200;
	limit = w + 10 * 366 * 86400LL;
	while ((w = next_wall(c, w, limit)) >= 0) {
		int64_t at[2], max_offset;
		int n = instants(c, w, at, &max_offset);
		for (int i = 0; i < n; i++)
			if (at[i] > after && (best < 0 || at[i] < best))
				best = at[i];
		/* later wall times run no earlier than w + 60 - max_offset */
		if (best >= 0 && w + 60 - max_offset >= best)
			break;
		w += 60;
	}
	tz_leave(saved);
	return best;
}

int64_t schedule_next(const char *every, const char *cron, const char *tz, int64_t last)
{
	struct cron c;
	char msg[128];
	int col;
	if (every) {
		int64_t period = duration_parse(every);
		return period < 0 ? -1 : last + period;
	}
	if (cron && cron_parse(cron, &c, msg, &col) == 0)
		return cron_next(&c, tz, last);
	return -1;
}
