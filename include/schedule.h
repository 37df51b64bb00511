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

/*
 * What one poll told us, or, at start-up, what the state kept of the last
 * poll (a feed's record keeps failures, the status, the <ttl> and the
 * server's asked wait, so the schedule can be computed again from them).
 */
struct poll_outcome {
	long		 interval;	/* the feed's interval, seconds */
	int		 ok;		/* fetched (200, 304 or file) and parsed */
	long		 status;	/* HTTP status, 0 when none */
	int		 failures;	/* consecutive failures, this one included */
	long		 retry_after;	/* Retry-After, seconds; -1 when none */
	long		 cache_hint;	/* max-age, else Expires, seconds; -1: none */
	long		 ttl;		/* RSS <ttl> in minutes, 0 when none */
};

/*
 * Seconds until the next poll, never less than the interval.  rnd is a
 * random number for the jitter; *why names the rule that decided.
 */
long	schedule_next(const struct poll_outcome *, unsigned long rnd,
	    const char **why);
/*
 * The server's wait the rules of schedule_next read, as a feed's record
 * keeps it: Retry-After after a failed poll, the caching hint after a good
 * one; -1 when the server did not say.
 */
long	schedule_server_wait(const struct poll_outcome *);
/*
 * Seconds until the first poll after start-up.  A stored next_due at most
 * an interval ahead is kept.  One further ahead (the clock was set back,
 * or the interval shortened while the daemon was down) is computed again:
 * last, the outcome of the last poll with today's interval, from
 * last_poll (or now, when last_poll is in the future), and never later
 * than stored.  A feed never polled, or overdue, gets a random point
 * within its interval (at most SCHEDULE_MAX_SPREAD).
 */
long	schedule_first(const struct poll_outcome *last, time_t last_poll,
	    time_t next_due, time_t now, unsigned long rnd);
/* Retry-After as delta-seconds or an HTTP-date: seconds from now, or -1. */
long	schedule_retry_after(const char *value, time_t now);
/* Cache-Control's max-age in seconds, or -1 when none. */
long	schedule_max_age(const char *cache_control);
/* max-age, else an Expires after now: seconds, or -1 when neither says. */
long	schedule_cache_hint(const char *cache_control, const char *expires,
	    time_t now);

#endif
