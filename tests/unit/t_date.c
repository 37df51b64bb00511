/*
 * Tests for date.c: RFC 822 family with zone names and sloppy spacing,
 * ISO 8601 / RFC 3339 forms, Korean feed styles, garbage that must not
 * become a date, and the two output formats.
 */
#include <string.h>
#include <time.h>

#include "date.h"
#include "test.h"

struct date_case {
	const char	*in;
	long long	 want;
};

static void	check_dates(const struct date_case *, size_t);

/* 2003-12-13T18:30:02Z, the date most cases below spell. */
#define T0	1071340202LL
/* 2025-11-03T06:58:34Z */
#define T_KR	1762153114LL

static void
check_dates(const struct date_case *c, size_t n)
{
	time_t t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = 12345;
		if (date_parse(c[i].in, &t) != 0)
			TEST_FAIL("date_parse(\"%s\") failed", c[i].in);
		else if ((long long)t != c[i].want)
			TEST_FAIL("date_parse(\"%s\") is %lld, expected %lld",
			    c[i].in, (long long)t, c[i].want);
	}
}

TEST(rfc822_zones)
{
	static const struct date_case c[] = {
		{ "Sat, 13 Dec 2003 18:30:02 GMT", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 UT", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 UTC", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 Z", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 +0000", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 -0000", T0 },
		{ "Sat, 13 Dec 2003 18:30:02", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 EST", T0 },
		{ "Sat, 13 Dec 2003 14:30:02 EDT", T0 },
		{ "Sat, 13 Dec 2003 12:30:02 CST", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 CDT", T0 },
		{ "Sat, 13 Dec 2003 11:30:02 MST", T0 },
		{ "Sat, 13 Dec 2003 12:30:02 MDT", T0 },
		{ "Sat, 13 Dec 2003 10:30:02 PST", T0 },
		{ "Sat, 13 Dec 2003 11:30:02 PDT", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 KST", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 JST", T0 },
		{ "Sat, 13 Dec 2003 19:30:02 CET", T0 },
		{ "Sat, 13 Dec 2003 20:30:02 CEST", T0 },
		{ "Sat, 13 Dec 2003 19:30:02 BST", T0 },
		{ "Sun, 14 Dec 2003 00:00:02 IST", T0 },
		{ "Sun, 14 Dec 2003 04:30:02 AEST", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 +0900", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 +09:00", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 +09", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 -0500", T0 },
		{ "Sat, 13 Dec 2003 14:00:02 -0430", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 GMT+0900", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 GMT+9", T0 },
		/* A name plus offset; a name we know keeps its own offset. */
		{ "Sun, 14 Dec 2003 03:30:02 KST+9", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 KST+0900", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 EST-0500", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 EST+5", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 XYZT+09:00", T0 },
		{ "Sun, 14 Dec 2003 03:30:02 UTC+9", T0 },
		{ "2003-12-14 03:30:02 KST+9", T0 },
		/* Military letters are unreliable; RFC 2822 reads them as 0. */
		{ "Sat, 13 Dec 2003 18:30:02 A", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 y", T0 },
		/* An unknown zone name counts as UTC, as in feedparser. */
		{ "Sat, 13 Dec 2003 18:30:02 XYZT", T0 },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(rfc822_sloppy)
{
	static const struct date_case c[] = {
		{ "Mon, 03 Nov 2025 15:58:34 KST", T_KR },
		{ "Sat 13 Dec 2003 18:30:02 GMT", T0 },
		{ "Saturday, 13 Dec 2003 18:30:02 GMT", T0 },
		{ "Satruday, 13 Dec 2003 18:30:02 GMT", T0 },
		{ "Thurs, 13 Dec 2003 18:30:02 GMT", T0 },
		{ "sat, 13 dec 2003 18:30:02 gmt", T0 },
		{ "SAT, 13 DECEMBER 2003 18:30:02 GMT", T0 },
		{ "13 Dec 2003 18:30:02 GMT", T0 },
		{ "  Sat,   13  Dec   2003   18:30:02   GMT  ", T0 },
		{ "Sat,13 Dec 2003 18:30:02 GMT", T0 },
		{ "Sat, 13. Dec. 2003 18:30:02 GMT", T0 },
		{ "Sat, 13-Dec-2003 18:30:02 GMT", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 GMT (Coordinated Universal)", T0 },
		{ "Sat, 13 Dec 2003 18:30:02 +0000 (UTC)", T0 },
		{ "Sat, 13 Dec 2003 18:30:02.250 GMT", T0 },
		{ "Sat, 13 Dec 2003 18:30:02GMT", T0 },
		{ "Sat, 13 Dec 2003 18:30 GMT", T0 - 2 },
		{ "Sat, 13 Dec 2003 9:05 GMT", 1071306300LL },
		{ "13 Dec 2003", 1071273600LL },
		{ "Sat Dec 13 18:30:02 2003", T0 },
		{ "Sat Dec 13 10:30:02 PST 2003", T0 },
		{ "Dec 13, 2003 18:30:02 GMT", T0 },
		{ "December 13 2003 18:30:02 +0000", T0 },
		{ "Sat, 13 Sept 2003 00:00:00 GMT", 1063411200LL },
		{ "Sun, 29 Feb 2004 12:00:00 GMT", 1078056000LL },
		{ "Sat, 13 Dec 2003 18:30:02 Etc/GMT", T0 },
		{ "Sat, 13 Dec 2003 13:30:02 ET", T0 },
		{ "Sat, 2003/12/13 13:30:02 EST", T0 },
		{ "Saturday, 2003-12-13T18:30:02Z", T0 },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(am_pm)
{
	static const struct date_case c[] = {
		{ "Sat, 13 Dec 2003 06:30:02 PM GMT", T0 },
		{ "Sat, 13 Dec 2003 06:30:02 PM", T0 },
		{ "Sat, 13 Dec 2003 06:30:02PM", T0 },
		{ "Sat, 13 Dec 2003 6:30 pm", T0 - 2 },
		{ "Sat, 13 Dec 2003 12:00:00 AM GMT", 1071273600LL },
		{ "Sat, 13 Dec 2003 12:00:00 PM GMT", 1071273600LL + 43200 },
		{ "Sat, 13 Dec 2003 00:00:00 AM GMT", 1071273600LL },
		{ "Sat, 13 Dec 2003 01:30:02 AM", 1071273600LL + 5402 },
		{ "Sat, 13 Dec 2003 11:30:02 AM +0900", T0 - 16 * 3600 },
		/* A PM after a 24-hour time is redundant. */
		{ "Sat, 13 Dec 2003 18:30:02 PM", T0 },
		{ "Dec 13, 2003 01:30:02 PM EST", T0 },
		{ "Sat Dec 13 06:30:02 PM 2003", T0 },
		{ "2003-12-13 06:30:02 PM", T0 },
		{ "2003-12-14 03:30:02 AM KST", T0 },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(rfc822_two_digit_year)
{
	static const struct date_case c[] = {
		{ "Sat, 13 Dec 03 18:30:02 GMT", T0 },
		{ "13 Dec 99 18:30:02 GMT", 945109802LL },
		{ "1 Jan 49 00:00:00 GMT", 2493072000LL },
		{ "1 Jan 50 00:00:00 GMT", -631152000LL },
		{ "31 Dec 69 23:59:59 GMT", -1LL },
		{ "1 Jan 00 00:00:00 GMT", 946684800LL },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(iso8601)
{
	static const struct date_case c[] = {
		{ "2003-12-13T18:30:02Z", T0 },
		{ "2003-12-13t18:30:02z", T0 },
		{ "2003-12-13T18:30:02+00:00", T0 },
		{ "2003-12-13T18:30:02-00:00", T0 },
		{ "2003-12-14T03:30:02+09:00", T0 },
		{ "2003-12-14T03:30:02+0900", T0 },
		{ "2003-12-14T03:30:02+09", T0 },
		{ "2003-12-13T13:30:02-05:00", T0 },
		{ "2003-12-13T18:30:02.25Z", T0 },
		{ "2003-12-13T18:30:02,5Z", T0 },
		{ "2003-12-14T03:30:02.123456789+09:00", T0 },
		{ "2003-12-13T18:30Z", T0 - 2 },
		{ "2003-12-13T18:30:02", T0 },
		{ "2003-12-13 18:30:02", T0 },
		{ "2003-12-13 18:30:02Z", T0 },
		{ "2003-12-13 18:30:02 UTC", T0 },
		{ "20031213T183002Z", T0 },
		{ "20031214T033002+0900", T0 },
		{ "20031213T1830Z", T0 - 2 },
		{ "2003-12-13", 1071273600LL },
		{ "20031213", 1071273600LL },
		{ "2003-12", 1070236800LL },
		{ "2003", 1041379200LL },
		{ "  2003-12-13T18:30:02Z  ", T0 },
		{ "2004-02-29T12:00:00Z", 1078056000LL },
		{ "1969-12-31T23:59:59Z", -1LL },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(korean_feeds)
{
	static const struct date_case c[] = {
		{ "2025-11-03 15:58:34 +0900", T_KR },
		{ "2025-11-03T15:58:34+09:00", T_KR },
		{ "Mon, 03 Nov 2025 15:58:34 +0900", T_KR },
		/* No zone means UTC, even on a Korean site. */
		{ "2025.11.03 15:58", 1762185480LL },
		{ "2025.11.03. 15:58", 1762185480LL },
		{ "2025/11/03 15:58:34", 1762185514LL },
		{ "2025/11/03 15:58:34 KST", T_KR },
		{ "2025.11.3 15:58:34", 1762185514LL },
	};

	check_dates(c, sizeof(c) / sizeof(c[0]));
}

TEST(garbage_rejected)
{
	static const char *const bad[] = {
		"", "   ", "yesterday", "now", "32 Jan 2003", "0 Jan 2003",
		"13 Foo 2003", "Sat, 13 Dec 2003 25:00:00 GMT",
		"Sat, 13 Dec 2003 18:61:00 GMT", "Sat, 13 Dec 2003 18:30:61 GMT",
		"Sat, 13 Dec 2003 18:30:02 J", "Sat, 13 Dec 2003 18:30:02 GMT x",
		"Sat, 13 Dec 2003 18:30:02 +2500", "Sat, 13 Dec 2003 18:30:02 +9",
		"Sat, 13 Dec 2003 18:30:02 GMT (open", "Sat, 13 Dec",
		"Sat, 13 Dec 1 18:30 GMT", "Sat, 13 Dec 20031 18:30 GMT",
		"Sun, 29 Feb 2003 12:00:00 GMT", "2003-13-01", "2003-00-10",
		"2003-12-32", "2003-02-29", "1900-02-29", "2003-12-13T25:00:00Z",
		"2003-12-13T18:60:00Z", "2003-12-13T18:30:02+25:00",
		"2003-12-13T18:30:02+09:7", "2003-12-13 foo", "2003-12-13T",
		"2003-12-13T18", "2003-12-13T18:3", "200312131", "2003-123",
		"12/13/2003", "13/12/2003 18:30", "Dec 2003", "Dec 200312", "Sat,",
		"Sat, 13 Dec 2003 18:30:02 GMT+", "Sat, 13 Dec 2003 18:30:02 GMT+123",
		"2003-12-13T18:30:02Z junk", "x2003-12-13", "2003 2003",
		"2003T2003", "2003 200312", "2003-12 18:30", "2003-12-13 1830",
		"2003Z", "Sat 2003", "x, 3030", "Sat, 2003-12", "13Dec2003",
		"Sat, 13 Dec2003 18:30:02 GMT", "Dec13, 2003",
		"Sat, 13 Dec 2003 18:30:02 AM", "Sat, 13 Dec 2003 00:30:02 PM",
		"Sat, 13 Dec 2003 06:30:02 p.m.x", "2003-12-13 18:30 AM",
		"Sat, 13 Dec 2003 06:30:02 AMT+",
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 12345;
		if (date_parse(bad[i], &t) != -1)
			TEST_FAIL("date_parse(\"%s\") accepted as %lld", bad[i],
			    (long long)t);
		else
			ASSERT_INT(t, 12345);
	}
	ASSERT_INT(date_parse(NULL, &t), -1);
}

TEST(formatting)
{
	char buf[64];
	time_t t, back;

	t = (time_t)T0;
	date_format_iso(t, buf, sizeof(buf));
	ASSERT_STR(buf, "2003-12-13T18:30:02Z");
	ASSERT_INT(strlen(buf), 20);
	date_format_rfc5322(t, buf, sizeof(buf));
	ASSERT_STR(buf, "Sat, 13 Dec 2003 18:30:02 +0000");
	ASSERT_INT(strlen(buf), 31);
	ASSERT_INT(date_parse(buf, &back), 0);
	ASSERT_INT(back, t);

	date_format_iso(0, buf, sizeof(buf));
	ASSERT_STR(buf, "1970-01-01T00:00:00Z");
	date_format_rfc5322(0, buf, sizeof(buf));
	ASSERT_STR(buf, "Thu, 01 Jan 1970 00:00:00 +0000");

	t = (time_t)T_KR;
	date_format_iso(t, buf, sizeof(buf));
	ASSERT_STR(buf, "2025-11-03T06:58:34Z");
	ASSERT_INT(date_parse(buf, &back), 0);
	ASSERT_INT(back, t);
	date_format_rfc5322(t, buf, sizeof(buf));
	ASSERT_STR(buf, "Mon, 03 Nov 2025 06:58:34 +0000");

	/* The documented minimum sizes are enough. */
	date_format_iso(t, buf, 21);
	ASSERT_STR(buf, "2025-11-03T06:58:34Z");
	date_format_rfc5322(t, buf, 32);
	ASSERT_STR(buf, "Mon, 03 Nov 2025 06:58:34 +0000");
}

int
main(void)
{
	RUN(rfc822_zones);
	RUN(rfc822_sloppy);
	RUN(am_pm);
	RUN(rfc822_two_digit_year);
	RUN(iso8601);
	RUN(korean_feeds);
	RUN(garbage_rejected);
	RUN(formatting);
	return TEST_DONE();
}
