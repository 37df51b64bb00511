/*
 * When to poll a feed next: its interval, stretched by what the server
 * asks (Cache-Control max-age, Expires, RSS <ttl>, Retry-After) and by
 * exponential backoff with jitter while it keeps failing.  Pure functions
 * of their arguments; the caller supplies the clock and the randomness.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stdint.h>
#include <time.h>

/* No server hint or backoff holds a feed back longer than a day... */
#define SCHEDULE_MAX_DELAY	86400L
/* ...and a feed never polled waits at most this long for its first poll. */
#define SCHEDULE_MAX_SPREAD	900L
/*
 * The longest interval whose delays the loop's timer holds: it counts
 * milliseconds in 64 bits, and backoff adds up to a tenth.  About 531
 * million years; a longer one is a config error.
 */
#define SCHEDULE_MAX_INTERVAL	((long)(UINT64_MAX / 1000 / 11 * 10))

/* What one poll told us. */
struct poll_outcome {
	long		 interval;	/* the feed's interval, seconds */
	int		 ok;		/* fetched (200, 304 or file) and parsed */
	long		 status;	/* HTTP status, 0 when none */
	int		 failures;	/* consecutive failures, this one included */
	const char	*retry_after;	/* raw header values, or NULL */
	const char	*cache_control;
	const char	*expires;
	long		 ttl;		/* RSS <ttl> in minutes, 0 when none */
	time_t		 now;
};

/*
 * Seconds until the next poll, never less than the interval.  rnd is a
 * random number for the jitter; *why names the rule that decided.
 */
long	schedule_next(const struct poll_outcome *, unsigned long rnd,
	    const char **why);
/*
 * Seconds until the first poll after start-up: what is left of a stored
 * schedule, or a random point within the interval (at most
 * SCHEDULE_MAX_SPREAD) for a feed never polled or overdue.
 */
long	schedule_first(long interval, time_t next_due, time_t now,
	    unsigned long rnd);
/* Retry-After as delta-seconds or an HTTP-date: seconds from now, or -1. */
long	schedule_retry_after(const char *value, time_t now);
/* Cache-Control's max-age in seconds, or -1 when none. */
long	schedule_max_age(const char *cache_control);

#endif
