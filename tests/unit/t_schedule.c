/*
 * Tests for schedule.c: the interval as the floor, the server's caching
 * hints, Retry-After in both forms, clamped and escalated when repeated,
 * backoff that doubles with bounded jitter, and the first poll after
 * start-up, planned again when the stored one is too far ahead.
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
	o.retry_after = o.cache_hint = -1;
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

TEST(cache_hint_parsing)
{
	/* max-age wins over Expires. */
	ASSERT_INT(schedule_cache_hint("max-age=600",
	    "Sat, 13 Dec 2003 20:30:02 GMT", NOW), 600);
	ASSERT_INT(schedule_cache_hint(NULL, "Sat, 13 Dec 2003 20:30:02 GMT",
	    NOW), 7200);
	ASSERT_INT(schedule_cache_hint("public",
	    "Sat, 13 Dec 2003 20:30:02 GMT", NOW), 7200);
	/* An Expires in the past, or none, is no hint. */
	ASSERT_INT(schedule_cache_hint(NULL, "Thu, 01 Jan 1970 00:00:00 GMT",
	    NOW), -1);
	ASSERT_INT(schedule_cache_hint(NULL, "soon", NOW), -1);
	ASSERT_INT(schedule_cache_hint(NULL, NULL, NOW), -1);
}

TEST(success_uses_interval)
{
	struct poll_outcome o = outcome(1800, 1, 200, 0);
	const char *why;

	ASSERT_INT(schedule_next(&o, 12345, &why), 1800);
	ASSERT_STR(why, "interval");
	/* A shorter hint than the interval never speeds polling up. */
	o.cache_hint = 60;
	ASSERT_INT(schedule_next(&o, 12345, &why), 1800);
}

TEST(success_honours_server_hints)
{
	struct poll_outcome o = outcome(60, 1, 200, 0);
	const char *why;

	o.cache_hint = 600;
	ASSERT_INT(schedule_next(&o, 0, &why), 600);
	ASSERT_STR(why, "server's caching hint");
	ASSERT_INT(schedule_server_wait(&o), 600);
	/* <ttl> is in minutes and the longest hint wins. */
	o.ttl = 180;
	ASSERT_INT(schedule_next(&o, 0, &why), 10800);
	/* A hint over a day is cut to a day. */
	o.ttl = 7 * 24 * 60;
	ASSERT_INT(schedule_next(&o, 0, &why), SCHEDULE_MAX_DELAY);
	o.ttl = 0;
	o.cache_hint = -1;
	ASSERT_INT(schedule_next(&o, 0, &why), 60);
}

TEST(retry_after_honoured_and_clamped)
{
	struct poll_outcome o = outcome(60, 0, 429, 1);
	const char *why;

	o.retry_after = schedule_retry_after("300", NOW);
	ASSERT_INT(schedule_next(&o, 999, &why), 300);
	ASSERT_STR(why, "Retry-After");
	ASSERT_INT(schedule_server_wait(&o), 300);
	o.status = 503;
	o.retry_after = schedule_retry_after("Sat, 13 Dec 2003 19:30:02 GMT",
	    NOW);
	ASSERT_INT(schedule_next(&o, 999, &why), 3600);
	/* Never sooner than the interval, never later than a day. */
	o.retry_after = 5;
	ASSERT_INT(schedule_next(&o, 999, &why), 60);
	o.retry_after = 10000000;
	ASSERT_INT(schedule_next(&o, 999, &why), SCHEDULE_MAX_DELAY);
	/* Retry-After on other statuses is not a rate limit: backoff. */
	o.status = 500;
	o.retry_after = 300;
	schedule_next(&o, 0, &why);
	ASSERT_STR(why, "backoff");
	ASSERT_INT(schedule_server_wait(&o), -1);
}

/*
 * A server that keeps answering 429 or 503 with the same Retry-After is
 * asked less and less often: its wait doubles per consecutive failure
 * (up to a tenth more, as backoff), up to a day.
 */
TEST(repeated_retry_after_escalates)
{
	struct poll_outcome o = outcome(60, 0, 429, 1);
	const char *why;
	long want = 300;

	o.retry_after = 300;
	for (int f = 1; f <= 12; f++, want *= 2) {
		long cap = want > SCHEDULE_MAX_DELAY ? SCHEDULE_MAX_DELAY :
		    want;

		o.failures = f;
		o.status = f % 2 ? 429 : 503;
		ASSERT_INT(schedule_next(&o, 0, &why), cap);
		ASSERT_STR(why, "Retry-After");
		ASSERT(schedule_next(&o, 123456789UL, &why) <=
		    cap + (f > 1 ? cap / 10 : 0));
	}
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
	struct poll_outcome o = outcome(1800, 1, 200, 0);

	/* A stored schedule within an interval is kept. */
	ASSERT_INT(schedule_first(&o, NOW - 1100, NOW + 700, NOW, 5), 700);
	/* New or overdue feeds land within the interval... */
	o.interval = 60;
	ASSERT_INT(schedule_first(&o, 0, 0, NOW, 59), 59);
	ASSERT_INT(schedule_first(&o, 0, 0, NOW, 60), 0);
	ASSERT_INT(schedule_first(&o, NOW - 65, NOW - 5, NOW, 61), 1);
	/* ...and within SCHEDULE_MAX_SPREAD for long intervals. */
	o.interval = 86400;
	for (unsigned long r = 0; r < 5000; r += 7)
		ASSERT(schedule_first(&o, 0, 0, NOW, r * 7919) <
		    SCHEDULE_MAX_SPREAD);
}

/*
 * A stored next-due time more than one interval ahead is planned again
 * from the last poll's outcome: a clock set back a day, or an interval
 * shortened from a day to an hour, no longer leaves a feed unpolled for a
 * day; backoff, Retry-After and caching hints still hold.
 */
TEST(first_poll_recomputed_when_far_ahead)
{
	struct poll_outcome o = outcome(3600, 1, 200, 0);

	/* The clock went back a day: the last poll is in the future. */
	ASSERT_INT(schedule_first(&o, NOW + 86400, NOW + 86400 + 3600, NOW,
	    5), 3600);
	/* The interval was a day, is an hour: due an hour after the last
	 * poll, or (overdue) within the spread. */
	ASSERT_INT(schedule_first(&o, NOW - 600, NOW - 600 + 86400, NOW, 5),
	    3000);
	ASSERT_INT(schedule_first(&o, NOW - 7200, NOW - 7200 + 86400, NOW, 5),
	    5);
	/* A caching hint of six hours still holds after a restart. */
	o.cache_hint = 6 * 3600;
	ASSERT_INT(schedule_first(&o, NOW - 600, NOW - 600 + 6 * 3600, NOW,
	    5), 6 * 3600 - 600);
	/* So do backoff (4 failures: 8 h)... */
	o = outcome(3600, 0, 500, 4);
	ASSERT_INT(schedule_first(&o, NOW - 600, NOW - 600 + 8 * 3600, NOW,
	    0), 8 * 3600 - 600);
	/* ...and a Retry-After of ten hours, */
	o = outcome(3600, 0, 429, 1);
	o.retry_after = 10 * 3600;
	ASSERT_INT(schedule_first(&o, NOW - 600, NOW - 600 + 10 * 3600, NOW,
	    0), 10 * 3600 - 600);
	/* never later than stored, even when the rules say more. */
	ASSERT_INT(schedule_first(&o, NOW - 600, NOW + 7200, NOW, 0), 7200);
}

int
main(void)
{
	RUN(retry_after_forms);
	RUN(max_age_parsing);
	RUN(cache_hint_parsing);
	RUN(success_uses_interval);
	RUN(success_honours_server_hints);
	RUN(retry_after_honoured_and_clamped);
	RUN(repeated_retry_after_escalates);
	RUN(backoff_doubles_with_bounded_jitter);
	RUN(first_poll_spread);
	RUN(first_poll_recomputed_when_far_ahead);
	return TEST_DONE();
}
