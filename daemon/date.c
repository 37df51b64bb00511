/*
 * Dates as feeds write them: RFC 822/1123/2822 with the usual sloppiness
 * (long or misspelled weekdays, zone names such as KST, a trailing
 * comment), asctime, and ISO 8601 / RFC 3339 / W3CDTF including compact
 * and Korean "2025.11.03 15:58" forms.  Every field is range-checked and
 * the whole string must be consumed, so garbage never becomes a date.
 * A date without a zone is taken as UTC.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "date.h"

/* Broken-down fields while parsing; off is the zone offset in seconds. */
struct date_fields {
	int	year, mon, day, hour, min, sec;
	long	off;
};

/* A zone name and its offset east of UTC in minutes. */
struct date_zone {
	const char	*name;
	int		 min;
};

static int	 date_parse_iso(const char *, struct date_fields *, int);
static int	 date_parse_rfc822(const char *, struct date_fields *);
static int	 date_parse_time(const char **, struct date_fields *);
static int	 date_parse_zone(const char **, long *);
static int	 date_parse_offset(const char **, long *);
static int	 date_parse_end(const char *);
static int	 date_digits(const char **, int, int, int *);
static size_t	 date_word(const char *);
static int	 date_month(const char *, size_t);
static int	 date_weekday(const char *, size_t);
static int	 date_valid(const struct date_fields *);
static const char *date_skip_space(const char *);
static const char *date_skip_sep(const char *);

static const char *const date_months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};
static const char *const date_mon_abbr[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const date_wday_abbr[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/*
 * Zone names seen in feeds.  RFC 2822 4.3 says the military letters are
 * unreliable and mean -0000; they are handled apart.  An unknown name is
 * read as UTC, as feedparser does, rather than dropping the date.
 */
static const struct date_zone date_zones[] = {
	{ "ut", 0 },		{ "utc", 0 },		{ "gmt", 0 },
	{ "z", 0 },		{ "wet", 0 },		{ "west", 60 },
	{ "bst", 60 },		{ "cet", 60 },		{ "cest", 120 },
	{ "met", 60 },		{ "mest", 120 },	{ "eet", 120 },
	{ "eest", 180 },	{ "msk", 180 },		{ "ist", 330 },
	{ "ict", 420 },		{ "wib", 420 },		{ "hkt", 480 },
	{ "sgt", 480 },		{ "awst", 480 },	{ "pht", 480 },
	{ "kst", 540 },		{ "jst", 540 },		{ "acst", 570 },
	{ "aest", 600 },	{ "aedt", 660 },	{ "nzst", 720 },
	{ "nzdt", 780 },	{ "est", -300 },	{ "edt", -240 },
	{ "cst", -360 },	{ "cdt", -300 },	{ "mst", -420 },
	{ "mdt", -360 },	{ "pst", -480 },	{ "pdt", -420 },
	{ "akst", -540 },	{ "akdt", -480 },	{ "hst", -600 },
	{ "ast", -240 },	{ "adt", -180 },	{ "nst", -210 },
	{ "ndt", -150 },	{ "et", -300 },		{ "ct", -360 },
	{ "mt", -420 },		{ "pt", -480 },		{ "at", -240 },
};

/* Skips a '.' and a '-' and white space between date parts; NULL if none. */
static const char *
date_skip_sep(const char *p)
{
	const char *start = p;

	if (*p == '.')
		p++;
	if (*p == '-')
		p++;
	p = date_skip_space(p);
	return p == start ? NULL : p;
}

static const char *
date_skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads min..max digits as a number; 0, or -1 when there are too few. */
static int
date_digits(const char **pp, int min, int max, int *out)
{
	const char *p = *pp;
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)p[n])) {
		v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n < min)
		return -1;
	*pp = p + n;
	*out = v;
	return 0;
}

/* Length of the run of ASCII letters at p. */
static size_t
date_word(const char *p)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]))
		n++;
	return n;
}

/* 1..12 for "Dec", "dec", "December" or "Sept"; 0 otherwise. */
static int
date_month(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < 12; i++) {
		if ((len == 3 || len == strlen(date_months[i])) &&
		    strncasecmp(w, date_months[i], len) == 0)
			return i + 1;
	}
	if (len == 4 && strncasecmp(w, "sept", 4) == 0)
		return 9;
	return 0;
}

/* 1 when the word looks like a weekday: its first three letters match. */
static int
date_weekday(const char *w, size_t len)
{
	size_t i;

	if (len < 3)
		return 0;
	for (i = 0; i < 7; i++)
		if (strncasecmp(w, date_wday_abbr[i], 3) == 0)
			return 1;
	return 0;
}

static int
date_valid(const struct date_fields *f)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int leap;

	if (f->year < 1 || f->year > 9999 || f->mon < 1 || f->mon > 12 ||
	    f->day < 1 || f->day > mdays[f->mon - 1])
		return 0;
	leap = (f->year % 4 == 0 && f->year % 100 != 0) || f->year % 400 == 0;
	if (f->mon == 2 && f->day == 29 && !leap)
		return 0;
	/* A leap second (":60") is accepted; timegm carries it over. */
	return f->hour >= 0 && f->hour <= 23 && f->min >= 0 && f->min <= 59 &&
	    f->sec >= 0 && f->sec <= 60;
}

/*
 * hh:mm[:ss[.fraction]] [AM|PM]; the fraction is dropped.  One-digit
 * hours are accepted ("9:05").  12 AM is midnight and 12 PM noon; a PM
 * after a 24-hour time ("18:30 PM") is redundant, an AM contradicts it.
 */
static int
date_parse_time(const char **pp, struct date_fields *f)
{
	const char *p = *pp, *q;
	int v, pm;

	if (date_digits(&p, 1, 2, &f->hour) == -1 || *p++ != ':' ||
	    date_digits(&p, 2, 2, &f->min) == -1)
		return -1;
	f->sec = 0;
	if (*p == ':') {
		p++;
		if (date_digits(&p, 2, 2, &f->sec) == -1)
			return -1;
		if ((*p == '.' || *p == ',') && isdigit((unsigned char)p[1])) {
			p++;
			while (date_digits(&p, 1, 1, &v) == 0)
				;
		}
	}
	q = date_skip_space(p);
	if (date_word(q) == 2 && (q[1] == 'm' || q[1] == 'M') &&
	    strchr("aApP", q[0]) != NULL) {
		pm = q[0] == 'p' || q[0] == 'P';
		if ((pm && f->hour == 0) || (!pm && f->hour > 12))
			return -1;
		if (f->hour <= 12)
			f->hour = f->hour % 12 + (pm ? 12 : 0);
		p = q + 2;
	}
	*pp = p;
	return 0;
}

/* +hh, +hhmm or +hh:mm (or '-') into seconds east of UTC. */
static int
date_parse_offset(const char **pp, long *off)
{
	const char *p = *pp;
	int sign, h, m = 0;

	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (date_digits(&p, 2, 2, &h) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (date_digits(&p, 2, 2, &m) == -1)
			return -1;
	} else if (isdigit((unsigned char)*p)) {
		if (date_digits(&p, 2, 2, &m) == -1)
			return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	*pp = p;
	return 0;
}

/*
 * A numeric offset, a zone name, a name plus offset ("GMT+9", "KST+9"),
 * or a military letter.  Leaves *pp alone and returns -1 when there is
 * none.
 */
static int
date_parse_zone(const char **pp, long *off)
{
	const char *p = *pp;
	size_t len, i;
	long num;
	int h;

	if (*p == '+' || *p == '-') {
		if (date_parse_offset(&p, off) == -1)
			return -1;
		*pp = p;
		return 0;
	}
	/* tz database spellings: "Etc/GMT", "Etc/UTC" */
	if (strncasecmp(p, "etc/", 4) == 0 && date_word(p + 4) > 0)
		p += 4;
	if ((len = date_word(p)) == 0)
		return -1;
	*off = 0;
	if (len == 1) {
		if (*p == 'j' || *p == 'J')
			return -1;
	} else {
		for (i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]);
		    i++) {
			if (strlen(date_zones[i].name) == len &&
			    strncasecmp(p, date_zones[i].name, len) == 0) {
				*off = date_zones[i].min * 60L;
				break;
			}
		}
	}
	p += len;
	if (*p == '+' || *p == '-') {
		/* "GMT+0900", "UTC-05:00", "GMT+9", "KST+9" */
		const char *q = p;

		if (date_parse_offset(&q, &num) == 0)
			p = q;
		else {
			q = p + 1;
			if (date_digits(&q, 1, 2, &h) == -1 || h > 23 ||
			    isdigit((unsigned char)*q))
				return -1;
			num = (*p == '-' ? -1 : 1) * h * 3600L;
			p = q;
		}
		/*
		 * A name we know keeps its own offset: the number restates
		 * it, or has POSIX's inverted sign ("EST+5").  After UTC
		 * names and unknown ones the number is the offset.
		 */
		if (*off == 0)
			*off = num;
	}
	*pp = p;
	return 0;
}

/* The rest may only be white space and one "(comment)". */
static int
date_parse_end(const char *p)
{
	p = date_skip_space(p);
	if (*p == '(') {
		if ((p = strchr(p, ')')) == NULL)
			return -1;
		p = date_skip_space(p + 1);
	}
	return *p == '\0' ? 0 : -1;
}

/*
 * YYYY[-MM[-DD]] with '-', '.' or '/' between the parts, or YYYYMMDD;
 * after a full date, 'T' or spaces and a time (hh:mm[:ss[.f]], or
 * hhmm[ss] right after 'T'), then optionally a zone.  full asks for the
 * day, as when a weekday came first.
 */
static int
date_parse_iso(const char *p, struct date_fields *f, int full)
{
	char sep;
	int day = 0, t;

	if (date_digits(&p, 4, 4, &f->year) == -1)
		return -1;
	f->mon = f->day = 1;
	if (isdigit((unsigned char)*p)) {
		if (date_digits(&p, 2, 2, &f->mon) == -1 ||
		    date_digits(&p, 2, 2, &f->day) == -1)
			return -1;
		day = 1;
	} else if (*p == '-' || *p == '.' || *p == '/') {
		sep = *p++;
		if (date_digits(&p, 1, 2, &f->mon) == -1)
			return -1;
		if (*p == sep) {
			p++;
			if (date_digits(&p, 1, 2, &f->day) == -1)
				return -1;
			day = 1;
			/* "2025.11.03." as some Korean sites write it */
			if (sep == '.' && *p == '.')
				p++;
		}
	}
	if (isdigit((unsigned char)*p))
		return -1;
	if (!day)
		return full ? -1 : date_parse_end(p);
	t = *p == 'T' || *p == 't';
	if (!t && !(isspace((unsigned char)*p) &&
	    isdigit((unsigned char)*date_skip_space(p))))
		return date_parse_end(p);
	p = t ? p + 1 : date_skip_space(p);
	if (t && isdigit((unsigned char)p[0]) &&
	    isdigit((unsigned char)p[1]) && p[2] != ':') {
		if (date_digits(&p, 2, 2, &f->hour) == -1 ||
		    date_digits(&p, 2, 2, &f->min) == -1)
			return -1;
		if (isdigit((unsigned char)*p) &&
		    date_digits(&p, 2, 2, &f->sec) == -1)
			return -1;
		if (isdigit((unsigned char)*p))
			return -1;
	} else if (date_parse_time(&p, f) == -1)
		return -1;
	if (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-')
		return date_parse_zone(&p, &f->off) == -1 ? -1 :
		    date_parse_end(p);
	p = date_skip_space(p);
	if (*p != '\0' && *p != '(' && date_parse_zone(&p, &f->off) == -1)
		return -1;
	return date_parse_end(p);
}

/*
 * [Weekday[,]] DD Mon YY[YY] [hh:mm[:ss]] [zone] [(comment)], with
 * '-', '.' or ',' tolerated between the parts, or the month-first forms
 * "Mon DD, YYYY hh:mm zone" and asctime's "Mon DD hh:mm:ss [zone] YYYY".
 */
static int
date_parse_rfc822(const char *p, struct date_fields *f)
{
	size_t len;
	int n, asctime = 0;

	p = date_skip_space(p);
	len = date_word(p);
	if (len > 0 && date_month(p, len) == 0) {
		if (!date_weekday(p, len) && p[len] != ',')
			return -1;
		p = date_skip_space(p + len);
		if (*p == ',' || *p == '.')
			p = date_skip_space(p + 1);
	}
	/* "Fri, 2006/09/15 08:19:53 EDT" */
	for (n = 0; n < 4 && isdigit((unsigned char)p[n]); n++)
		;
	if (n == 4)
		return date_parse_iso(p, f, 1);
	if (isdigit((unsigned char)*p)) {
		if (date_digits(&p, 1, 2, &f->day) == -1 ||
		    (p = date_skip_sep(p)) == NULL)
			return -1;
		if ((len = date_word(p)) == 0 ||
		    (f->mon = date_month(p, len)) == 0 ||
		    (p = date_skip_sep(p + len)) == NULL)
			return -1;
	} else {
		if ((len = date_word(p)) == 0 ||
		    (f->mon = date_month(p, len)) == 0 ||
		    (p = date_skip_sep(p + len)) == NULL)
			return -1;
		if (date_digits(&p, 1, 2, &f->day) == -1 ||
		    isdigit((unsigned char)*p))
			return -1;
		if (*p == ',')
			p++;
		p = date_skip_space(p);
		if (isdigit((unsigned char)p[0]) && (p[1] == ':' ||
		    (isdigit((unsigned char)p[1]) && p[2] == ':')))
			asctime = 1;
	}
	p = date_skip_space(p);
	if (!asctime) {
		const char *start = p;

		if (date_digits(&p, 2, 4, &f->year) == -1)
			return -1;
		n = p - start;
		/* RFC 2822 4.3: 00-49 are 2000-2049, 50-99 and 3 digits 19xx. */
		if (n == 2)
			f->year += f->year < 50 ? 2000 : 1900;
		else if (n == 3)
			f->year += 1900;
		if (*p == ',')
			p++;
		if (!isspace((unsigned char)*p) && *p != '\0')
			return -1;
		p = date_skip_space(p);
		if (!isdigit((unsigned char)*p))
			return date_parse_end(p);
	}
	if (date_parse_time(&p, f) == -1)
		return -1;
	p = date_skip_space(p);
	if (*p != '\0' && *p != '(' && !isdigit((unsigned char)*p) &&
	    date_parse_zone(&p, &f->off) == -1)
		return -1;
	if (asctime) {
		p = date_skip_space(p);
		if (date_digits(&p, 4, 4, &f->year) == -1)
			return -1;
	}
	return date_parse_end(p);
}

int
date_parse(const char *s, time_t *out)
{
	struct date_fields f;
	struct tm tm;
	const char *p;
	time_t t;
	int i, r;

	if (s == NULL)
		return -1;
	memset(&f, 0, sizeof(f));
	p = date_skip_space(s);
	for (i = 0; i < 4 && isdigit((unsigned char)p[i]); i++)
		;
	r = i == 4 ? date_parse_iso(p, &f, 0) : date_parse_rfc822(p, &f);
	if (r == -1 || !date_valid(&f))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f.year - 1900;
	tm.tm_mon = f.mon - 1;
	tm.tm_mday = f.day;
	tm.tm_hour = f.hour;
	tm.tm_min = f.min;
	tm.tm_sec = f.sec;
	if ((t = timegm(&tm)) == (time_t)-1 && f.year != 1969)
		return -1;
	*out = t - f.off;
	return 0;
}

void
date_format_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* "Sat, 13 Dec 2003 18:30:02 " and zone, in UTC. */
static void
date_format_zone(time_t t, const char *zone, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d %s",
	    date_wday_abbr[tm.tm_wday % 7], tm.tm_mday,
	    date_mon_abbr[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, zone);
}

void
date_format_rfc5322(time_t t, char *buf, size_t size)
{
	date_format_zone(t, "+0000", buf, size);
}

void
date_format_http(time_t t, char *buf, size_t size)
{
	date_format_zone(t, "GMT", buf, size);
}
