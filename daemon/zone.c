/*
 * Local time in the digest's time zone (zone.h).  Calendar arithmetic is
 * timegm's, on local fields; only the offset comes from the zone.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "zone.h"

void
zone_use(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

void
zone_local(time_t t, struct tm *tm)
{
	if (localtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

/* The zone's offset from UTC at t, in seconds. */
static long
offset_at(time_t t)
{
	struct tm tm;

	zone_local(t, &tm);
	return tm.tm_gmtoff;
}

/* Whether t reads as the local time whose fields, taken as UTC, are wall. */
static int
reads_as(time_t t, time_t wall)
{
	struct tm tm;

	zone_local(t, &tm);
	return timegm(&tm) == wall;
}

time_t
zone_time(int year, int mon, int mday, int hour, int min, int sec)
{
	struct tm tm;
	time_t wall, before, after;
	int before_fits, after_fits;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	wall = timegm(&tm);
	/*
	 * At the offsets a day either side: no zone changes twice in a day.
	 * Both fit in the hour a clock goes back (the earlier is taken),
	 * neither in the hour it skips (the offset before the change).
	 */
	before = wall - offset_at(wall - 86400);
	after = wall - offset_at(wall + 86400);
	before_fits = reads_as(before, wall);
	after_fits = reads_as(after, wall);
	if (before_fits && after_fits)
		return before < after ? before : after;
	return after_fits ? after : before;
}

void
zone_format(time_t t, char *buf, size_t size)
{
	struct tm tm;
	long off;

	zone_local(t, &tm);
	off = tm.tm_gmtoff;
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 3600,
	    labs(off) % 3600 / 60);
}

void
zone_day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	zone_local(t, &tm);
	snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

int
zone_parse(const char *s, time_t *out)
{
	int y, mon, d, h = 0, min = 0, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mon, &d, &n) != 3 || n != 10)
		return -1;
	if (s[n] == '\0')
		goto local;
	if ((s[n] != ' ' && s[n] != 'T') || sscanf(s + n + 1, "%2d:%2d%n", &h,
	    &min, &n) != 2 || n != 5)
		return -1;
	n += 11;
	if (s[n] == ':') {
		if (sscanf(s + n + 1, "%2d", &sec) != 1 ||
		    !isdigit((unsigned char)s[n + 2]))
			return -1;
		n += 3;
	}
	if (s[n] != '\0')
		return date_parse(s, out);
local:
	if (mon < 1 || mon > 12 || d < 1 || d > 31 || h > 23 || min > 59 ||
	    sec > 60 || h < 0 || min < 0 || sec < 0)
		return -1;
	*out = zone_time(y, mon, d, h, min, sec);
	return 0;
}
