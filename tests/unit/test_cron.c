/* cron.c: the parser's fields and errors, and cron_next across daylight
 * saving changes.  tests/cron/suite compares cron_next with croniter over
 * a year through this program's `next` mode:
 *   test_cron next ZONE 'EXPR' < epoch seconds, one a line
 * prints the next time after each, one a line. */
#include <stdlib.h>
#include <time.h>

#include "t.h"
#include "cron.h"

static void fields(void)
{
	struct cron c;
	char msg[128];
	int col;
	CHECK_OK(cron_parse("*/15 9-17 1,15 JAN-mar mon-FRI", &c, msg, &col));
	CHECK(c.minute == (1ull << 0 | 1ull << 15 | 1ull << 30 | 1ull << 45));
	CHECK_INT(c.hour, 0x3fe00);
	CHECK_INT(c.dom, 1 << 1 | 1 << 15);
	CHECK_INT(c.month, 0xe);
	CHECK_INT(c.dow, 0x3e);
	CHECK(c.minute_star && !c.hour_star && !c.dom_star && !c.dow_star);
	CHECK_OK(cron_parse("0 0 * * 7", &c, msg, &col));
	CHECK_INT(c.dow, 1); /* 7 is Sunday */
	CHECK_OK(cron_parse("5/20 1-10/3 * * 5-7", &c, msg, &col));
	CHECK(c.minute == (1ull << 5 | 1ull << 25 | 1ull << 45));
	CHECK_INT(c.hour, 1 << 1 | 1 << 4 | 1 << 7 | 1 << 10);
	CHECK_INT(c.dow, 1 | 1 << 5 | 1 << 6);
	CHECK(c.dom_star && !c.dow_star);
}

#define BAD(text, want_col, want)                                            \
	do {                                                                 \
		col = 0;                                                     \
		CHECK(cron_parse(text, &c, msg, &col) == PIPE_EUSAGE);       \
		CHECK_STR(msg, want);                                        \
		CHECK_INT(col, want_col);                                    \
	} while (0)

static void errors(void)
{
	struct cron c;
	char msg[128];
	int col;
	BAD("0 25 * * *", 3, "hour 25 is out of range 0-23");
	BAD("60 * * * *", 1, "minute 60 is out of range 0-59");
	BAD("0 0 0 * *", 5, "day-of-month 0 is out of range 1-31");
	BAD("0 0 * 1-13 *", 7, "month 13 is out of range 1-12");
	BAD("0 0 * * 8", 9, "day-of-week 8 is out of range 0-7");
	BAD("0 0 * * FOO", 9, "bad day-of-week 'FOO': write *, a number 0-7 or a name SUN..SAT");
	BAD("0 0 * JANUARY *", 7, "bad month 'JANUARY': write *, a number 1-12 or a name JAN..DEC");
	BAD("0 1x * * *", 4, "bad hour '1x': unexpected 'x'");
	BAD("0 5-2 * * *", 3, "hour range 5-2 goes backwards: write 2-5");
	BAD("*/0 * * * *", 3, "minute step 0: a step is at least 1");
	BAD("*/x * * * *", 3, "bad minute step '*/x': write */n or a-b/n");
	BAD("0 1, * * *", 5, "bad hour '': write *, a number 0-23");
	BAD("0 * * *", 8, "a cron expression has 5 fields (minute hour day-of-month month "
	                  "day-of-week): 4 written, like 0 * * * *");
	BAD("0 * * * * *", 11, "a cron expression has 5 fields (minute hour day-of-month month "
	                       "day-of-week): this is a 6th");
}

static void zones(void)
{
	CHECK(cron_tz_valid("Europe/Paris"));
	CHECK(cron_tz_valid("America/New_York"));
	CHECK(cron_tz_valid(NULL));
	CHECK(!cron_tz_valid("Europe/Pariss"));
	CHECK(!cron_tz_valid("Europe"));
	CHECK(!cron_tz_valid("../etc/passwd"));
	CHECK(!cron_tz_valid("/etc/localtime"));
}

/* Seconds of a UTC time, for the cases below. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return (int64_t)timegm(&tm);
}

static void next_times(void)
{
	struct cron c;
	char msg[128];
	int col;
	CHECK_OK(cron_parse("0 * * * *", &c, msg, &col));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 2, 10, 0)), utc(2026, 12, 2, 11, 0));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 2, 10, 59)), utc(2026, 12, 2, 11, 0));
	/* either day field matches when both are restricted: the 13th, or a Friday */
	CHECK_OK(cron_parse("0 0 13 * FRI", &c, msg, &col));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 2, 0, 0)), utc(2026, 12, 4, 0, 0));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 11, 0, 0)), utc(2026, 12, 13, 0, 0));
	CHECK_OK(cron_parse("0 0 29 2 *", &c, msg, &col));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 2, 0, 0)), utc(2028, 2, 29, 0, 0));
	CHECK_OK(cron_parse("0 0 31 2 *", &c, msg, &col));
	CHECK_INT(cron_next(&c, NULL, utc(2026, 12, 2, 0, 0)), -1);
	/* Paris, 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC); a
	 * 02:30 job runs once, at 03:00 */
	CHECK_OK(cron_parse("30 2 * * *", &c, msg, &col));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 3, 28, 12, 0)), utc(2026, 3, 29, 1, 0));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 3, 29, 1, 0)), utc(2026, 3, 30, 0, 30));
	/* 25 October 2026: 03:00 CEST becomes 02:00 CET (01:00 UTC); a 02:30 job
	 * runs once, at the first 02:30 */
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 10, 24, 12, 0)), utc(2026, 10, 25, 0, 30));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 10, 25, 0, 30)), utc(2026, 10, 26, 1, 30));
	/* an hourly job runs in both 02:00 hours, and not in the spring gap */
	CHECK_OK(cron_parse("0 * * * *", &c, msg, &col));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 10, 25, 0, 0)), utc(2026, 10, 25, 1, 0));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 10, 25, 1, 0)), utc(2026, 10, 25, 2, 0));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 3, 29, 0, 0)), utc(2026, 3, 29, 1, 0));
	CHECK_INT(cron_next(&c, "Europe/Paris", utc(2026, 3, 29, 1, 0)), utc(2026, 3, 29, 2, 0));
	char text[32];
	cron_time(utc(2026, 10, 25, 0, 30), "Europe/Paris", text);
	CHECK_STR(text, "2026-10-25T02:30:00+02:00");
	cron_time(utc(2026, 10, 25, 1, 30), "America/New_York", text);
	CHECK_STR(text, "2026-10-24T21:30:00-04:00");
	/* the caller's TZ is left as it was */
	CHECK_STR(getenv("TZ"), "Asia/Tokyo");
}

/* The `next` mode for tests/cron/suite. */
static int next_mode(const char *tz, const char *expr)
{
	struct cron c;
	char msg[128], line[64];
	int col;
	if (cron_parse(expr, &c, msg, &col) < 0) {
		fprintf(stderr, "%s:%d: %s\n", expr, col, msg);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin))
		printf("%lld\n", (long long)cron_next(&c, tz, strtoll(line, NULL, 10)));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "next"))
		return next_mode(argv[2], argv[3]);
	setenv("TZ", "Asia/Tokyo", 1);
	RUN(fields);
	RUN(errors);
	RUN(zones);
	RUN(next_times);
	T_DONE();
}
