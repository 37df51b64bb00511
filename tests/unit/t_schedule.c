/*
 * Tests for schedule.c: the interval as the floor, the server's caching
 * hints, Retry-After in both forms and clamped, backoff that doubles with
 * bounded jitter, and the first poll after start-up.
 */
#include <string.h>
#include <time.h>

#include "schedule.h"
#include "test.h"

/* 2003-12-13T18:30:02Z */
#define NOW	1071340202L

static struct poll_outcome
outcome(long interval, int ok, long status, int failures)
{
	struct poll_outcome o;

	memset(&o, 0, sizeof(o));
	o.interval = interval;
	o.ok = ok;
	o.status = status;
	o.failures = failures;
	o.now = NOW;
	return o;
}

TEST(retry_after_forms)
{
	ASSERT_INT(schedule_retry_after("120", NOW), 120);
	ASSERT_INT(schedule_retry_after(" 7 ", NOW), 7);
	ASSERT_INT(schedule_retry_after("Sat, 13 Dec 2003 18:32:02 GMT",
	    NOW), 120);
	/* A date already past means "now". */
	ASSERT_INT(schedule_retry_after("Sat, 13 Dec 2003 18:00:00 GMT",
	    NOW), 0);
	ASSERT_INT(schedule_retry_after("soon", NOW), -1);
	ASSERT_INT(schedule_retry_after("12abc", NOW), -1);
	ASSERT_INT(schedule_retry_after("-5", NOW), -1);
	ASSERT_INT(schedule_retry_after(NULL, NOW), -1);
	ASSERT(schedule_retry_after("99999999999999999999999", NOW) > 0);
}

TEST(max_age_parsing)
{
	ASSERT_INT(schedule_max_age("max-age=600"), 600);
	ASSERT_INT(schedule_max_age("public, max-age=60, must-revalidate"),
	    60);
	ASSERT_INT(schedule_max_age("Max-Age=\"30\""), 30);
	ASSERT_INT(schedule_max_age("public"), -1);
	ASSERT_INT(schedule_max_age("no-cache, max-age=600"), -1);
	ASSERT_INT(schedule_max_age("max-age=600, no-store"), -1);
	ASSERT_INT(schedule_max_age("max-age=x"), -1);
	ASSERT_INT(schedule_max_age(NULL), -1);
}

TEST(success_uses_interval)
{
	struct poll_outcome o = outcome(1800, 1, 200, 0);
	const char *why;

	ASSERT_INT(schedule_next(&o, 12345, &why), 1800);
	ASSERT_STR(why, "interval");
	/* A shorter hint than the interval never speeds polling up. */
	o.cache_control = "max-age=60";
	ASSERT_INT(schedule_next(&o, 12345, &why), 1800);
}

TEST(success_honours_server_hints)
{
	struct poll_outcome o = outcome(60, 1, 200, 0);
	const char *why;

	o.cache_control = "max-age=600";
	ASSERT_INT(schedule_next(&o, 0, &why), 600);
	ASSERT_STR(why, "server's caching hint");
	/* max-age wins over Expires. */
	o.expires = "Sat, 13 Dec 2003 20:30:02 GMT";
	ASSERT_INT(schedule_next(&o, 0, &why), 600);
	o.cache_control = NULL;
	ASSERT_INT(schedule_next(&o, 0, &why), 7200);
	/* <ttl> is in minutes and the longest hint wins. */
	o.ttl = 180;
	ASSERT_INT(schedule_next(&o, 0, &why), 10800);
	/* A hint over a day is cut to a day. */
	o.ttl = 7 * 24 * 60;
	ASSERT_INT(schedule_next(&o, 0, &why), SCHEDULE_MAX_DELAY);
	/* An Expires in the past is no hint. */
	o.ttl = 0;
	o.expires = "Thu, 01 Jan 1970 00:00:00 GMT";
	ASSERT_INT(schedule_next(&o, 0, &why), 60);
}

TEST(retry_after_honoured_and_clamped)
{
	struct poll_outcome o = outcome(60, 0, 429, 1);
	const char *why;

	o.retry_after = "300";
	ASSERT_INT(schedule_next(&o, 999, &why), 300);
	ASSERT_STR(why, "Retry-After");
	o.status = 503;
	o.retry_after = "Sat, 13 Dec 2003 19:30:02 GMT";
	ASSERT_INT(schedule_next(&o, 999, &why), 3600);
	/* Never sooner than the interval, never later than a day. */
	o.retry_after = "5";
	ASSERT_INT(schedule_next(&o, 999, &why), 60);
	o.retry_after = "10000000";
	ASSERT_INT(schedule_next(&o, 999, &why), SCHEDULE_MAX_DELAY);
	/* Retry-After on other statuses is not a rate limit: backoff. */
	o.status = 500;
	o.retry_after = "300";
	schedule_next(&o, 0, &why);
	ASSERT_STR(why, "backoff");
}

TEST(backoff_doubles_with_bounded_jitter)
{
	struct poll_outcome o = outcome(100, 0, 500, 1);
	const char *why;
	long want = 100;

	for (int f = 1; f <= 12; f++, want *= 2) {
		long lo, hi, cap = want > SCHEDULE_MAX_DELAY ?
		    SCHEDULE_MAX_DELAY : want;

		o.failures = f;
		lo = schedule_next(&o, 0, &why);
		hi = schedule_next(&o, (unsigned long)cap / 10, &why);
		ASSERT_STR(why, "backoff");
		ASSERT_INT(lo, cap);
		ASSERT_INT(hi, cap + cap / 10);
		/* The jitter wraps: it never exceeds a tenth. */
		ASSERT(schedule_next(&o, 123456789UL, &why) <= cap + cap / 10);
	}
	/* 429 without Retry-After backs off too. */
	o.status = 429;
	o.failures = 3;
	ASSERT_INT(schedule_next(&o, 0, &why), 400);
	/* An interval longer than a day is its own cap. */
	o = outcome(2 * SCHEDULE_MAX_DELAY, 0, 500, 5);
	ASSERT_INT(schedule_next(&o, 0, &why), 2 * SCHEDULE_MAX_DELAY);
}

TEST(first_poll_spread)
{
	/* A stored schedule is kept. */
	ASSERT_INT(schedule_first(1800, NOW + 700, NOW, 5), 700);
	/* New or overdue feeds land within the interval... */
	ASSERT_INT(schedule_first(60, 0, NOW, 59), 59);
	ASSERT_INT(schedule_first(60, 0, NOW, 60), 0);
	ASSERT_INT(schedule_first(60, NOW - 5, NOW, 61), 1);
	/* ...and within SCHEDULE_MAX_SPREAD for long intervals. */
	for (unsigned long r = 0; r < 5000; r += 7)
		ASSERT(schedule_first(86400, 0, NOW, r * 7919) <
		    SCHEDULE_MAX_SPREAD);
}

int
main(void)
{
	RUN(retry_after_forms);
	RUN(max_age_parsing);
	RUN(success_uses_interval);
	RUN(success_honours_server_hints);
	RUN(retry_after_honoured_and_clamped);
	RUN(backoff_doubles_with_bounded_jitter);
	RUN(first_poll_spread);
	return TEST_DONE();
}
