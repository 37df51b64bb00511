/*
 * Local time in the digest's time zone ([digest] timezone).  The C library
 * keeps one zone per process, read from TZ: zone_use sets it, from the
 * main thread before any other starts (or on the loop thread, which alone
 * reads the environment afterwards); the rest never read the environment
 * and may run on any thread.
 */
#ifndef ZONE_H
#define ZONE_H

#include <stddef.h>
#include <time.h>

void	zone_use(const char *tz);
/* The local calendar time of t. */
void	zone_local(time_t t, struct tm *tm);
/*
 * The moment of a local calendar time (year 2025, month 1 to 12, ...;
 * normalised as timegm does: day 32 is the next month's first).  A time a clock
 * change skips is taken at the offset before the change.
 */
time_t	zone_time(int year, int mon, int mday, int hour, int min, int sec);
/* "2025-11-04 00:06:32 +0900" into buf of at least 26 bytes. */
void	zone_format(time_t, char *buf, size_t size);
/* "2025-11-04" into buf of at least 11 bytes. */
void	zone_day(time_t, char *buf, size_t size);

/*
 * A moment a user writes: "2025-11-04" (local midnight), "2025-11-04
 * 09:30" or "2025-11-04T09:30:15" (local), or either with a zone ("Z",
 * "+09:00"), read as date_parse reads feeds.  0, or -1 when s is none.
 */
int	zone_parse(const char *s, time_t *out);

#endif
