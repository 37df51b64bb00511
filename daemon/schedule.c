/*
 * The polling policy (see schedule.h).  The rules, in order:
 *  - 429 or 503 with a usable Retry-After: wait that long, doubled per
 *    consecutive failure, so a server that keeps saying so is asked
 *    less and less often;
 *  - any other failure: the interval doubled per consecutive failure;
 *  - success: the interval, or longer when the server's caching headers
 *    or the feed's <ttl> say the document will not change sooner.
 * Every delay is at least the interval and at most a day (or the interval
 * when that is longer); backoff gets up to 10% random jitter on top so
 * that feeds failing together do not retry together.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "schedule.h"

static long
clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The longest any rule holds a feed back: a day, or a longer interval. */
static long
max_delay(long interval)
{
	return interval > SCHEDULE_MAX_DELAY ? interval : SCHEDULE_MAX_DELAY;
}

/* Reads a run of digits as seconds; -1 when there is none or junk follows. */
static long
parse_seconds(const char *s, const char **rest)
{
	long v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++)
		v = v > (LONG_MAX - 9) / 10 ? LONG_MAX : v * 10 + (*s - '0');
	*rest = s;
	return v;
}

long
schedule_retry_after(const char *value, time_t now)
{
	const char *rest;
	time_t t;
	long v;

	if (value == NULL)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if ((v = parse_seconds(value, &rest)) != -1) {
		while (*rest == ' ' || *rest == '\t')
			rest++;
		return *rest == '\0' ? v : -1;
	}
	if (date_parse(value, &t) == -1)
		return -1;
	return t > now ? (long)(t - now) : 0;
}

long
schedule_max_age(const char *cc)
{
	const char *p, *rest;
	long age = -1, v;
	size_t n;

	if (cc == NULL)
		return -1;
	for (p = cc; *p != '\0'; p += strspn(p, ", \t")) {
		n = strcspn(p, ",");
		/* Nothing may be reused: no hint at all. */
		if ((n >= 8 && strncasecmp(p, "no-store", 8) == 0) ||
		    (n >= 8 && strncasecmp(p, "no-cache", 8) == 0))
			return -1;
		if (n > 8 && strncasecmp(p, "max-age=", 8) == 0) {
			const char *q = p + 8;

			if (*q == '"')
				q++;
			if ((v = parse_seconds(q, &rest)) != -1)
				age = v;
		}
		p += n;
	}
	return age;
}

long
schedule_cache_hint(const char *cache_control, const char *expires,
    time_t now)
{
	long age;
	time_t t;

	if ((age = schedule_max_age(cache_control)) != -1)
		return age;
	if (expires != NULL && date_parse(expires, &t) == 0 && t > now)
		return (long)(t - now);
	return -1;
}

/* The longest the server asked us to wait, or -1 when it did not say. */
static long
server_hint(const struct poll_outcome *o)
{
	long hint = o->cache_hint;

	if (o->ttl > 0 && o->ttl * 60 > hint)
		hint = o->ttl * 60;
	return hint;
}

/* A 429 or 503 with a usable Retry-After: the server set the pace. */
static int
rate_limited(const struct poll_outcome *o)
{
	return !o->ok && (o->status == 429 || o->status == 503) &&
	    o->retry_after != -1;
}

/* base doubled per consecutive failure after the first, up to cap. */
static long
doubled(long base, int failures, long cap)
{
	long d = base;

	for (; failures > 1 && d < cap; failures--)
		d *= 2;
	return clamp(d, base, cap);
}

/* Up to 10% more, never less: feeds failing together retry apart. */
static long
jitter(long d, unsigned long rnd)
{
	return d + (long)(rnd % ((unsigned long)d / 10 + 1));
}

long
schedule_next(const struct poll_outcome *o, unsigned long rnd,
    const char **why)
{
	long interval = o->interval > 0 ? o->interval : 1;
	long cap = max_delay(interval);
	long d, hint;

	/* The server's pace, and slower while it keeps asking. */
	if (rate_limited(o)) {
		*why = "Retry-After";
		d = clamp(o->retry_after, interval, cap);
		return o->failures > 1 ?
		    jitter(doubled(d, o->failures, cap), rnd) : d;
	}
	if (!o->ok) {
		*why = "backoff";
		return jitter(doubled(interval, o->failures, cap), rnd);
	}
	hint = server_hint(o);
	if (hint > interval) {
		*why = "server's caching hint";
		return clamp(hint, interval, cap);
	}
	*why = "interval";
	return interval;
}

long
schedule_server_wait(const struct poll_outcome *o)
{
	if (rate_limited(o))
		return o->retry_after;
	return o->ok ? o->cache_hint : -1;
}

long
schedule_first(const struct poll_outcome *last, time_t last_poll,
    time_t next_due, time_t now, unsigned long rnd)
{
	long interval = last->interval > 0 ? last->interval : 1;
	long spread = clamp(interval, 1, SCHEDULE_MAX_SPREAD);
	time_t from, due;
	const char *why;

	if (next_due > now && next_due - now <= interval)
		return (long)(next_due - now);
	if (next_due > now) {
		from = last_poll > 0 && last_poll <= now ? last_poll : now;
		due = from + schedule_next(last, rnd, &why);
		if (due > next_due)
			due = next_due;
		if (due > now)
			return (long)(due - now);
	}
	return (long)(rnd % (unsigned long)spread);
}
