/*
 * The INI config file: an [aggregator] section of settings and one
 * [feed.NAME] section per feed.  Keys live in one table (name, type,
 * bounds, default, help), so parsing, checking, defaults and the
 * documentation test come from one place.
 * Every problem is reported with file and line, and all are reported, not
 * only the first.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "extract.h"
#include "feedname.h"
#include "fetch.h"
#include "folder.h"
#include "log.h"
#include "opml.h"
#include "schedule.h"
#include "strmap.h"
#include "url.h"
#include "xmalloc.h"

#define CFG(f)	offsetof(struct config, f)
#define FEED(f)	offsetof(struct feed_conf, f)

/*
 * Every key of the file, as tmux's options-table.c has every option.  A
 * default is written as the file would write it and set through the same
 * parser, so the documents can quote it as it stands here.
 */
const struct config_key config_keys[] = {
	{ .name = "spool",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_PATH,
	  .def = "spool",
	  .help = "maildir root; tmp/ new/ cur/ are created if missing",
	  .offset = CFG(spool) },

	{ .name = "output",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_PATH,
	  .def = "merged.atom",
	  .help = "merged Atom 1.0 feed, replaced atomically",
	  .offset = CFG(output) },

	{ .name = "output_url",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_URL,
	  .help = "where the merged feed is published: its rel=\"self\" link",
	  .offset = CFG(output_url) },

	{ .name = "state",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_PATH,
	  .def = "state.db",
	  .help = "SQLite state: seen keys, HTTP validators, feed status",
	  .offset = CFG(state) },

	{ .name = "interval",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_DURATION,
	  .min = 1,
	  .max = SCHEDULE_MAX_INTERVAL,
	  .def = "30m",
	  .help = "default poll interval",
	  .offset = CFG(interval) },

	{ .name = "max_entries",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 1000000,
	  .def = "100",
	  .help = "entries in the merged feed",
	  .offset = CFG(max_entries) },

	{ .name = "title",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_STRING,
	  .def = "aggregator",
	  .help = "merged feed title",
	  .offset = CFG(title) },

	{ .name = "opml",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_PATH,
	  .help = "OPML file: every outline with xmlUrl is a feed too",
	  .offset = CFG(opml) },

	{ .name = "max_connections",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 1024,
	  .def = "16",
	  .help = "transfers at once, all hosts",
	  .offset = CFG(max_connections) },

	{ .name = "max_per_host",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 64,
	  .def = "2",
	  .help = "transfers at once to one host",
	  .offset = CFG(max_per_host) },

	{ .name = "timeout",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_DURATION,
	  .min = 1,
	  .max = 3600,
	  .def = "60s",
	  .help = "whole-transfer timeout",
	  .offset = CFG(timeout) },

	{ .name = "max_body",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_NUMBER,
	  .min = 1024,
	  .max = LONG_MAX,
	  .def = "16777216",
	  .help = "largest body accepted, counted in decoded bytes",
	  .offset = CFG(max_body) },

	{ .name = "backfill",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_COUNT,
	  .min = 0,
	  .max = 1000000,
	  .def = "20",
	  .help = "entries a feed's first good poll delivers, newest first; "
	      "the others are marked seen",
	  .offset = CFG(backfill) },

	{ .name = "fulltext",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_CHOICE,
	  .def = "never",
	  .choices = "never auto always",
	  .help = "never, auto (when an entry carries little text) or always: "
	      "deliver the article's text from its page",
	  .offset = CFG(fulltext) },

	{ .name = "from_name",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_CHOICE,
	  .def = "feed",
	  .choices = "feed feed-author author",
	  .help = "what From: shows: feed (its title), feed-author "
	      "(\"Feed: Author\") or author (else the feed's title)",
	  .offset = CFG(from_name) },

	{ .name = "exec",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_STRING,
	  .help = "a command run after each delivered entry, the entry as "
	      "JSON on its stdin",
	  .offset = CFG(exec) },

	{ .name = "exec_timeout",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_DURATION,
	  .min = 1,
	  .max = 3600,
	  .def = "30s",
	  .help = "how long an exec command may run",
	  .offset = CFG(exec_timeout) },

	/* Filter rules: each line adds one, in order (filter.h). */
	{ .name = "drop_title",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a title matching the pattern drops the entry",
	  .offset = CFG(filters) },

	{ .name = "keep_title",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a title matching the pattern keeps the entry",
	  .offset = CFG(filters) },

	{ .name = "drop_content",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "text matching the pattern drops the entry",
	  .offset = CFG(filters) },

	{ .name = "keep_content",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "text matching the pattern keeps the entry",
	  .offset = CFG(filters) },

	{ .name = "drop_author",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "an author matching the pattern drops the entry",
	  .offset = CFG(filters) },

	{ .name = "keep_author",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "an author matching the pattern keeps the entry",
	  .offset = CFG(filters) },

	{ .name = "drop_category",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a category matching the pattern drops the entry",
	  .offset = CFG(filters) },

	{ .name = "keep_category",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a category matching the pattern keeps the entry",
	  .offset = CFG(filters) },

	{ .name = "drop_link",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a link matching the pattern drops the entry",
	  .offset = CFG(filters) },

	{ .name = "keep_link",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .help = "a link matching the pattern keeps the entry",
	  .offset = CFG(filters) },

	{ .name = "max_age",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_FILTER,
	  .min = 1,
	  .max = 100L * 365 * 86400,
	  .help = "an entry older than this is dropped",
	  .offset = CFG(filters) },

	{ .name = "story_window",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_DURATION,
	  .min = 3600,
	  .max = 30 * 86400,
	  .def = "5d",
	  .help = "how long a delivered entry can still gather its story",
	  .offset = CFG(story_window) },

	{ .name = "group",
	  .section = CONFIG_GLOBAL,
	  .type = CONFIG_BOOL,
	  .def = "no",
	  .help = "the merged feed holds one entry per story, not per entry",
	  .offset = CFG(group) },

	{ .name = "title",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_STRING,
	  .def = "News",
	  .help = "the label after the date in the digest's title",
	  .offset = CFG(digest.title) },

	{ .name = "timezone",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_ZONE,
	  .def = "UTC",
	  .help = "IANA time zone of the digest's day and time, e.g. Asia/Seoul",
	  .offset = CFG(digest.timezone) },

	{ .name = "time",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_CLOCK,
	  .def = "07:00",
	  .help = "HH:MM when the daemon writes the day's digest",
	  .offset = CFG(digest.time) },

	{ .name = "dir",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_PATH,
	  .help = "where the daemon writes posts, e.g. a Jekyll site's _posts",
	  .offset = CFG(digest.dir) },

	{ .name = "layout",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_STRING,
	  .def = "post",
	  .help = "the posts' Jekyll layout",
	  .offset = CFG(digest.layout) },

	{ .name = "categories",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_STRING,
	  .def = "news",
	  .help = "the posts' Jekyll categories",
	  .offset = CFG(digest.categories) },

	{ .name = "mail",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_BOOL,
	  .def = "no",
	  .help = "the daemon also delivers the digest into the spool",
	  .offset = CFG(digest.mail) },

	{ .name = "min_sources",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 1000,
	  .def = "1",
	  .help = "stories with fewer outlets are left out",
	  .offset = CFG(digest.min_sources) },

	{ .name = "max_stories",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 100000,
	  .def = "30",
	  .help = "sections in one digest, the most covered stories first",
	  .offset = CFG(digest.max_stories) },

	{ .name = "summary_chars",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_NUMBER,
	  .min = 40,
	  .max = 1000,
	  .def = "400",
	  .help = "longest built-in summary, in characters",
	  .offset = CFG(digest.summary_chars) },

	{ .name = "summary_cmd",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_STRING,
	  .help = "a command given each story as JSON on stdin; "
	      "prints its summary",
	  .offset = CFG(digest.summary_cmd) },

	{ .name = "summary_timeout",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_DURATION,
	  .min = 1,
	  .max = 3600,
	  .def = "30s",
	  .help = "how long summary_cmd may take for one story",
	  .offset = CFG(digest.summary_timeout) },

	{ .name = "language",
	  .section = CONFIG_DIGEST,
	  .type = CONFIG_STRING,
	  .choices = "ko ja zh en",
	  .help = "ko, ja, zh or en: the headlines' language; unset, the one "
	      "most feeds use",
	  .offset = CFG(digest.language) },

	{ .name = "listen",
	  .section = CONFIG_SERVE,
	  .type = CONFIG_STRING,
	  .help = "HOST:PORT, [IPV6]:PORT or unix:PATH to serve the merged "
	      "feed on; unset, nothing is served",
	  .offset = CFG(serve.listen) },

	{ .name = "base_url",
	  .section = CONFIG_SERVE,
	  .type = CONFIG_URL,
	  .help = "the public URL it is served under, for rel=\"self\"",
	  .offset = CFG(serve.base_url) },

	{ .name = "token",
	  .section = CONFIG_SERVE,
	  .type = CONFIG_STRING,
	  .help = "asked of every route but the feeds (Authorization: "
	      "Bearer TOKEN)",
	  .offset = CFG(serve.token) },

	{ .name = "max_clients",
	  .section = CONFIG_SERVE,
	  .type = CONFIG_NUMBER,
	  .min = 1,
	  .max = 10000,
	  .def = "256",
	  .help = "connections served at once; more wait in the kernel's "
	      "queue",
	  .offset = CFG(serve.max_clients) },

	{ .name = "url",
	  .section = CONFIG_FEED,
	  .type = CONFIG_URL,
	  .help = "http://, https:// or file:// (required)",
	  .offset = FEED(url) },

	/* Unset, it is [aggregator]'s interval: see finish_feed. */
	{ .name = "interval",
	  .section = CONFIG_FEED,
	  .type = CONFIG_DURATION,
	  .min = 1,
	  .max = SCHEDULE_MAX_INTERVAL,
	  .help = "overrides [aggregator]'s interval",
	  .offset = FEED(interval) },

	{ .name = "title",
	  .section = CONFIG_FEED,
	  .type = CONFIG_STRING,
	  .help = "overrides the feed's own title",
	  .offset = FEED(title) },

	{ .name = "enabled",
	  .section = CONFIG_FEED,
	  .type = CONFIG_BOOL,
	  .def = "yes",
	  .help = "no keeps the feed in the file without polling it",
	  .offset = FEED(enabled) },

	/* Unset, it is [aggregator]'s backfill: see finish_feed. */
	{ .name = "backfill",
	  .section = CONFIG_FEED,
	  .type = CONFIG_COUNT,
	  .min = 0,
	  .max = 1000000,
	  .help = "overrides [aggregator]'s backfill",
	  .offset = FEED(backfill) },

	/* Unset, it is [aggregator]'s fulltext: see finish_feed. */
	{ .name = "fulltext",
	  .section = CONFIG_FEED,
	  .type = CONFIG_CHOICE,
	  .choices = "never auto always",
	  .help = "overrides [aggregator]'s fulltext",
	  .offset = FEED(fulltext) },

	/* Unset, it is [aggregator]'s from_name: see finish_feed. */
	{ .name = "from_name",
	  .section = CONFIG_FEED,
	  .type = CONFIG_CHOICE,
	  .choices = "feed feed-author author",
	  .help = "overrides [aggregator]'s from_name",
	  .offset = FEED(from_name) },

	/* Unset, it is [aggregator]'s exec: see finish_feed. */
	{ .name = "exec",
	  .section = CONFIG_FEED,
	  .type = CONFIG_STRING,
	  .help = "overrides [aggregator]'s exec",
	  .offset = FEED(exec) },

	{ .name = "folder",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FOLDER,
	  .help = "a Maildir++ folder in the spool for its messages; "
	      "/ or . nests",
	  .offset = FEED(folder) },

	/* A feed's own filter rules, tried before [aggregator]'s. */
	{ .name = "drop_title",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a title matching the pattern drops the entry",
	  .offset = FEED(filters) },

	{ .name = "keep_title",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a title matching the pattern keeps the entry",
	  .offset = FEED(filters) },

	{ .name = "drop_content",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "text matching the pattern drops the entry",
	  .offset = FEED(filters) },

	{ .name = "keep_content",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "text matching the pattern keeps the entry",
	  .offset = FEED(filters) },

	{ .name = "drop_author",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "an author matching the pattern drops the entry",
	  .offset = FEED(filters) },

	{ .name = "keep_author",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "an author matching the pattern keeps the entry",
	  .offset = FEED(filters) },

	{ .name = "drop_category",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a category matching the pattern drops the entry",
	  .offset = FEED(filters) },

	{ .name = "keep_category",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a category matching the pattern keeps the entry",
	  .offset = FEED(filters) },

	{ .name = "drop_link",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a link matching the pattern drops the entry",
	  .offset = FEED(filters) },

	{ .name = "keep_link",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .help = "a link matching the pattern keeps the entry",
	  .offset = FEED(filters) },

	{ .name = "max_age",
	  .section = CONFIG_FEED,
	  .type = CONFIG_FILTER,
	  .min = 1,
	  .max = 100L * 365 * 86400,
	  .help = "an entry older than this is dropped",
	  .offset = FEED(filters) },
};

const size_t config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

struct parser {
	const char	*path;
	int		 line;
	int		 errors;
	struct config	*cfg;
	struct feed_conf *feed;		/* section being read, NULL in [aggregator] */
	int		 in_global;	/* inside [aggregator] */
	int		 in_digest;	/* inside [digest] */
	int		 in_serve;	/* inside [serve] */
	int		 in_publishers;	/* inside [publishers] */
	int		 in_sites;	/* inside [sites] */
	int		 skip;		/* inside a broken section header */
	struct strmap	*urls;		/* a feed's url -> its index */
	struct strmap	*suffixes;	/* an OPML name -> the next counter */
};

static void
config_error(struct parser *p, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
config_error(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s:%d: %s", p->path, p->line, msg);
	p->errors++;
}

static const struct config_key *
find_key(enum config_section section, const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].section == section &&
		    strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* A string-valued key's field in base (struct config or feed_conf). */
static char **
key_string(const struct config_key *k, void *base)
{
	return (char **)((char *)base + k->offset);
}

int
config_parse_duration(const char *s, long *out)
{
	char *end;
	long n, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || n <= 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (n > LONG_MAX / mult)
		return -1;
	*out = n * mult;
	return 0;
}

/* "HH:MM" (00:00 to 23:59) as minutes after midnight.  0, or -1. */
static int
parse_clock(const char *s, long *out)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]) || s[5] != '\0')
		return -1;
	*out = ((s[0] - '0') * 10 + s[1] - '0') * 60 +
	    (s[3] - '0') * 10 + s[4] - '0';
	return *out < 24 * 60 && s[3] < '6' ? 0 : -1;
}

static int
parse_bool(const char *s, long *out)
{
	static const char *yes[] = { "1", "yes", "true", "on" };
	static const char *no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int
config_url_check(const char *url, char *msg, size_t msglen)
{
	char why[128], *shown;
	int rc = 0;

	/* The message may be logged: a password in the url is not. */
	shown = url_hide_password(url);
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "file://", 7) != 0) {
		snprintf(msg, msglen, "url must be http://, https:// or "
		    "file://: \"%s\"", shown);
		rc = -1;
	} else if (fetch_url_check(url, why, sizeof(why)) == -1) {
		snprintf(msg, msglen, "bad url \"%s\": %s", shown, why);
		rc = -1;
	}
	free(shown);
	return rc;
}

/* A feed's url, from the INI file or an OPML outline: 0, or -1 reported. */
static int
check_url(struct parser *p, const char *url)
{
	char msg[512];

	if (config_url_check(url, msg, sizeof(msg)) == 0)
		return 0;
	config_error(p, "%s", msg);
	return -1;
}

/*
 * An IANA zone name the C library can read: "UTC", or a file of the zone
 * database (TZDIR, else /usr/share/zoneinfo), named without "..".
 */
static int
valid_timezone(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX];

	if (strcmp(tz, "UTC") == 0)
		return 1;
	if (tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir != '\0' ?
	    dir : "/usr/share/zoneinfo", tz) >= (int)sizeof(path))
		return 0;
	return access(path, R_OK) == 0;
}

/* Which of the space-separated words of choices value is: 0.., or -1. */
static long
choice_index(const char *choices, const char *value)
{
	size_t len = strlen(value);
	long i = 0;

	for (const char *c = choices; *c != '\0'; c += strcspn(c, " "), i++) {
		c += strspn(c, " ");
		if (strncmp(c, value, len) == 0 && (c[len] == ' ' ||
		    c[len] == '\0'))
			return i;
	}
	return -1;
}

/* A filter rule: its pattern checked, max_age's value a duration. */
static void
add_filter(struct parser *p, const struct config_key *k,
    struct filter_rules *list, const char *value)
{
	struct filter_rule r;
	char err[200];
	long age = 0;

	if (k->max > 0 && (config_parse_duration(value, &age) == -1 ||
	    age < k->min || age > k->max)) {
		config_error(p, "bad duration for \"%s\": \"%s\" (use 45s, "
		    "30m, 2h, 1d or seconds)", k->name, value);
		return;
	}
	if (filter_rule_make(&r, k->name, value, age, p->line, err,
	    sizeof(err)) == -1) {
		config_error(p, "bad pattern for \"%s\": \"%s\" (%s)", k->name,
		    value, err);
		return;
	}
	list->v = xreallocarray(list->v, list->n + 1, sizeof(*list->v));
	list->v[list->n++] = r;
}

static void
set_key(struct parser *p, const struct config_key *k, void *base,
    const char *value)
{
	char **sp = key_string(k, base);
	long *lp = (long *)((char *)base + k->offset);
	char *end, why[256];
	long n;

	switch (k->type) {
	case CONFIG_STRING:
	case CONFIG_PATH:
	case CONFIG_URL:
	case CONFIG_ZONE:
	case CONFIG_FOLDER:
		if (*value == '\0') {
			config_error(p, "empty value for \"%s\"", k->name);
			return;
		}
		if (k->choices != NULL && choice_index(k->choices, value) < 0) {
			config_error(p, "bad value for \"%s\": \"%s\" (one of "
			    "%s)", k->name, value, k->choices);
			return;
		}
		if (k->type == CONFIG_ZONE && !valid_timezone(value)) {
			config_error(p, "unknown time zone for \"%s\": \"%s\" "
			    "(an IANA name such as Asia/Seoul)", k->name, value);
			return;
		}
		if (k->type == CONFIG_FOLDER && folder_check(value, why,
		    sizeof(why)) == -1) {
			config_error(p, "bad folder for \"%s\": \"%s\" (%s)",
			    k->name, value, why);
			return;
		}
		/* A bad URL is kept so it is not reported missing too. */
		if (k->type == CONFIG_URL)
			(void)check_url(p, value);
		free(*sp);
		*sp = xstrdup(value);
		break;
	case CONFIG_DURATION:
		if (config_parse_duration(value, &n) == -1) {
			config_error(p, "bad duration for \"%s\": \"%s\" "
			    "(use 45s, 30m, 2h, 1d or seconds)", k->name, value);
			return;
		}
		if (n < k->min || n > k->max) {
			config_error(p, "duration for \"%s\" out of range: "
			    "\"%s\" (%ld to %ld seconds)", k->name, value,
			    k->min, k->max);
			return;
		}
		*lp = n;
		break;
	case CONFIG_NUMBER:
	case CONFIG_COUNT:
		if (k->type == CONFIG_COUNT && strcasecmp(value, "all") == 0) {
			*lp = CONFIG_ALL;
			break;
		}
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || n < k->min ||
		    n > k->max) {
			config_error(p, "bad number for \"%s\": \"%s\" "
			    "(%ld to %ld%s)", k->name, value, k->min, k->max,
			    k->type == CONFIG_COUNT ? ", or all" : "");
			return;
		}
		*lp = n;
		break;
	case CONFIG_CLOCK:
		if (parse_clock(value, &n) == -1) {
			config_error(p, "bad time for \"%s\": \"%s\" (use HH:MM, "
			    "00:00 to 23:59)", k->name, value);
			return;
		}
		*lp = n;
		break;
	case CONFIG_FILTER:
		add_filter(p, k, (struct filter_rules *)lp, value);
		break;
	case CONFIG_CHOICE:
		if ((n = choice_index(k->choices, value)) < 0) {
			config_error(p, "bad value for \"%s\": \"%s\" (one of "
			    "%s)", k->name, value, k->choices);
			return;
		}
		*lp = n;
		break;
	case CONFIG_BOOL:
		if (parse_bool(value, &n) == -1) {
			config_error(p, "bad boolean for \"%s\": \"%s\"",
			    k->name, value);
			return;
		}
		*lp = n;
		break;
	}
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A comment starts a line or follows whitespace, so URL fragments survive. */
static void
strip_comment(char *s)
{
	for (char *c = s; *c != '\0'; c++) {
		if ((*c == '#' || *c == ';') &&
		    (c == s || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

const struct feed_conf *
config_find_feed(const struct config *cfg, const char *name)
{
	size_t i;

	if (!strmap_get(cfg->names, name, &i))
		return NULL;
	return &cfg->feeds[i];
}

/* The section's defaults, through the parser a file's values go through. */
static void
set_defaults(struct parser *p, enum config_section section, void *base)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (config_keys[i].section == section &&
		    config_keys[i].def != NULL)
			set_key(p, &config_keys[i], base, config_keys[i].def);
}

/* Feeds are added to a growing array; pointers into it change on add. */
static struct feed_conf *
add_feed(struct parser *p, const char *name, int line)
{
	struct config *cfg = p->cfg;
	struct feed_conf *f;

	/* Doubling: growing by one would copy the array for every feed. */
	if (cfg->nfeeds == cfg->capfeeds) {
		cfg->capfeeds = cfg->capfeeds ? cfg->capfeeds * 2 : 16;
		cfg->feeds = xreallocarray(cfg->feeds, cfg->capfeeds,
		    sizeof(*cfg->feeds));
	}
	strmap_set(cfg->names, name, cfg->nfeeds);
	f = &cfg->feeds[cfg->nfeeds++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->line = line;
	f->backfill = -1;		/* unset: see finish_feed */
	f->fulltext = -1;
	f->from_name = -1;
	set_defaults(p, CONFIG_FEED, f);
	return f;
}

enum config_line
config_line(char *line, char **text)
{
	char *s = trim(line);

	if (*s == '\0')
		return CONFIG_LINE_BLANK;
	strip_comment(s);
	*text = s = trim(s);
	if (*s == '\0')
		return CONFIG_LINE_COMMENT;
	return *s == '[' ? CONFIG_LINE_SECTION : CONFIG_LINE_KEY;
}

char *
config_section_name(char *header)
{
	char *end = strchr(header, ']');

	if (end == NULL || *trim(end + 1) != '\0')
		return NULL;
	*end = '\0';
	return trim(header + 1);
}

static void
section(struct parser *p, char *s)
{
	char *name;

	p->feed = NULL;
	p->in_global = p->in_digest = p->in_publishers = p->in_sites = 0;
	p->in_serve = 0;
	p->skip = 1;
	if ((name = config_section_name(s)) == NULL) {
		config_error(p, "bad section header");
		return;
	}
	if (strcmp(name, "aggregator") == 0 || strcmp(name, "digest") == 0 ||
	    strcmp(name, "publishers") == 0 || strcmp(name, "sites") == 0 ||
	    strcmp(name, "serve") == 0) {
		p->in_global = name[0] == 'a';
		p->in_digest = name[0] == 'd';
		p->in_publishers = name[0] == 'p';
		p->in_sites = strcmp(name, "sites") == 0;
		p->in_serve = strcmp(name, "serve") == 0;
		p->skip = 0;
		return;
	}
	if (strncmp(name, "feed.", 5) != 0) {
		config_error(p, "unknown section [%s] (expected [aggregator], "
		    "[feed.NAME], [digest], [publishers], [sites] or [serve])",
		    name);
		return;
	}
	name += 5;
	if (!feedname_ok(name)) {
		config_error(p, "bad feed name \"%s\" (letters, digits, "
		    "'-', '_' and '.')", name);
		return;
	}
	if (config_find_feed(p->cfg, name) != NULL) {
		config_error(p, "duplicate feed name \"%s\"", name);
		return;
	}
	p->feed = add_feed(p, name, p->line);
	p->skip = 0;
}

/*
 * A [publishers] line: a host, or a host and a path prefix, and the name
 * its outlet is shown by.  The host is kept lowercased and without
 * "www.", as digest.c compares it.
 */
static void
publisher(struct parser *p, const char *key, const char *value)
{
	struct config *cfg = p->cfg;
	struct publisher *pub;
	char *prefix;

	if (*key == '\0' || *value == '\0' || strstr(key, "://") != NULL ||
	    strpbrk(key, " \t?#") != NULL) {
		config_error(p, "bad publisher \"%s = %s\" (use host = Name or "
		    "host/path = Name)", key, value);
		return;
	}
	if (strncasecmp(key, "www.", 4) == 0)
		key += 4;
	prefix = xstrdup(key);
	for (char *c = prefix; *c != '\0' && *c != '/'; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t i = 0; i < cfg->npublishers; i++)
		if (strcmp(cfg->publishers[i].prefix, prefix) == 0) {
			config_error(p, "duplicate publisher \"%s\"", key);
			free(prefix);
			return;
		}
	cfg->publishers = xreallocarray(cfg->publishers,
	    cfg->npublishers + 1, sizeof(*cfg->publishers));
	pub = &cfg->publishers[cfg->npublishers++];
	pub->prefix = prefix;
	pub->name = xstrdup(value);
}

/*
 * A [sites] line: "host keep = selectors" or "host drop = selectors"; a
 * host's lines add up.  The host is kept lowercased, without "www.".
 */
static void
site(struct parser *p, const char *key, const char *value)
{
	struct config *cfg = p->cfg;
	struct extract_site *st = NULL;
	const char *verb, **slot;
	char *host, *joined;
	size_t n;

	n = strcspn(key, " \t");
	verb = key + n + strspn(key + n, " \t");
	if (n == 0 || strchr(key, '/') != NULL || (strcmp(verb, "keep") != 0 &&
	    strcmp(verb, "drop") != 0)) {
		config_error(p, "bad site rule \"%s\" (use host keep = "
		    "selectors or host drop = selectors)", key);
		return;
	}
	if (!extract_selector_ok(value)) {
		config_error(p, "bad selectors for \"%s\": \"%s\" (elements, "
		    ".class, #id, [attr=value], apart by spaces and commas)",
		    key, value);
		return;
	}
	if (n > 4 && strncasecmp(key, "www.", 4) == 0) {
		key += 4;
		n -= 4;
	}
	host = xstrndup_lower(key, n);
	for (size_t i = 0; i < cfg->nsites; i++)
		if (strcmp(cfg->sites[i].host, host) == 0)
			st = &cfg->sites[i];
	if (st == NULL) {
		cfg->sites = xreallocarray(cfg->sites, cfg->nsites + 1,
		    sizeof(*cfg->sites));
		st = &cfg->sites[cfg->nsites++];
		memset(st, 0, sizeof(*st));
		st->host = host;
	} else
		free(host);
	slot = verb[0] == 'k' ? &st->keep : &st->drop;
	joined = *slot == NULL ? xstrdup(value) :
	    xasprintf("%s, %s", *slot, value);
	/* The struct's strings are const for extract.c; these are ours. */
	free((char *)(uintptr_t)*slot);
	*slot = joined;
}

static void
assignment(struct parser *p, char *s)
{
	const struct config_key *k;
	enum config_section section;
	char *eq = strchr(s, '='), *key, *value;
	void *base;

	if (eq == NULL) {
		config_error(p, "expected key = value");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (p->skip)
		return;
	if (p->in_publishers) {
		publisher(p, key, value);
		return;
	}
	if (p->in_sites) {
		site(p, key, value);
		return;
	}
	if (p->feed != NULL) {
		section = CONFIG_FEED;
		base = p->feed;
	} else if (p->in_global || p->in_digest || p->in_serve) {
		section = p->in_global ? CONFIG_GLOBAL : p->in_digest ?
		    CONFIG_DIGEST : CONFIG_SERVE;
		base = p->cfg;
	} else {
		config_error(p, "\"%s\" outside of any section", key);
		return;
	}
	if ((k = find_key(section, key)) == NULL) {
		config_error(p, "unknown key \"%s\" in [%s]", key,
		    section == CONFIG_FEED ? "feed" : section == CONFIG_DIGEST ?
		    "digest" : section == CONFIG_SERVE ? "serve" : "aggregator");
		return;
	}
	set_key(p, k, base, value);
}

/*
 * One url, one feed: url is claimed for feed i unless another feed has it
 * (in the canonical form of dedup keys, so "HTTP://Host:80/a#x" is
 * "http://host/a"); then -1 with that feed's index in *other.
 */
static int
claim_url(struct parser *p, const char *url, size_t i, size_t *other)
{
	char *key = url_canonical(url);
	int taken = strmap_get(p->urls, key, other);

	if (!taken)
		strmap_set(p->urls, key, i);
	free(key);
	return taken ? -1 : 0;
}

/*
 * A feed needs a url; without an interval, a backfill, a fulltext or a
 * from_name it takes [aggregator]'s.
 */
static void
finish_feed(struct parser *p, struct feed_conf *f)
{
	if (f->url == NULL) {
		log_error("%s:%d: feed \"%s\" has no url", p->path, f->line,
		    f->name);
		p->errors++;
	}
	if (f->interval == 0)
		f->interval = p->cfg->interval;
	if (f->backfill < 0)
		f->backfill = p->cfg->backfill;
	if (f->fulltext < 0)
		f->fulltext = p->cfg->fulltext;
	if (f->from_name < 0)
		f->from_name = p->cfg->from_name;
	filter_rules_append(&f->filters, &p->cfg->filters);
	if (f->exec == NULL)
		f->exec = xstrdup_or_null(p->cfg->exec);
}

/* Relative paths are relative to the config file's folder. */
static char *
resolve_path(const char *cfgpath, const char *path)
{
	const char *slash;

	if (path[0] == '/')
		return xstrdup(path);
	slash = strrchr(cfgpath, '/');
	if (slash == NULL)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - cfgpath), cfgpath, path);
}

/* What only the whole file decides: paths, and each feed's own checks. */
static void
finish(struct parser *p)
{
	struct config *cfg = p->cfg;

	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		char **sp, *v;

		if (k->section == CONFIG_FEED || k->type != CONFIG_PATH)
			continue;
		sp = key_string(k, cfg);
		if ((v = *sp) == NULL)
			continue;
		*sp = resolve_path(cfg->path, v);
		free(v);
	}
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		struct feed_conf *f = &cfg->feeds[i];
		size_t other;
		char *shown;

		finish_feed(p, f);
		if (f->url != NULL && claim_url(p, f->url, i, &other) == -1) {
			shown = url_hide_password(f->url);
			p->line = f->line;
			config_error(p, "feed \"%s\" has the same url as feed "
			    "\"%s\" (line %d): %s", f->name,
			    cfg->feeds[other].name, cfg->feeds[other].line,
			    shown);
			free(shown);
		}
	}
}

static int
name_taken(const char *name, void *arg)
{
	return config_find_feed(arg, name) != NULL;
}

/*
 * An outline's name: "opml-" and its title or URL (feedname_base), so
 * that it stays the feed's whatever the order of the file, since the
 * state is kept by name.  A counter is left only for a URL name that is
 * taken; it goes on where the last name of that base stopped, so a
 * thousand outlines of one base cost a thousand lookups, not half a
 * million.
 */
static char *
opml_feed_name(struct parser *p, const char *title, const char *url)
{
	char *base, *name;
	size_t n = 2;

	base = feedname_base("opml-", title, url, name_taken, p->cfg);
	(void)strmap_get(p->suffixes, base, &n);
	name = feedname_unique(base, &n, name_taken, p->cfg);
	strmap_set(p->suffixes, base, n);
	free(base);
	return name;
}

/*
 * An OPML outline becomes a feed when its url passes the INI file's
 * checks, unless a feed of the INI file or an earlier outline has it; the
 * outlines around it name its folder.
 */
static void
opml_feed(const struct opml_outline *o, void *arg)
{
	struct parser *p = arg;
	struct feed_conf *f;
	size_t other;
	char *name, why[256];

	p->line = (int)o->line;
	if (check_url(p, o->url) == -1 ||
	    claim_url(p, o->url, p->cfg->nfeeds, &other) == -1)
		return;
	if (o->folder != NULL && folder_check(o->folder, why,
	    sizeof(why)) == -1) {
		config_error(p, "bad folder \"%s\" (%s)", o->folder, why);
		return;
	}
	name = opml_feed_name(p, o->title, o->url);
	f = add_feed(p, name, 0);
	free(name);
	f->url = xstrdup(o->url);
	if (o->title != NULL && *o->title != '\0')
		f->title = xstrdup(o->title);
	f->folder = xstrdup_or_null(o->folder);
	finish_feed(p, f);
}

int
config_load(const char *path, struct config *cfg)
{
	return config_load_as(path, path, cfg);
}

int
config_load_as(const char *file, const char *path, struct config *cfg)
{
	struct parser p = { .path = path, .cfg = cfg };
	FILE *fp;
	char *line = NULL, *s, err[PATH_MAX + 64];
	size_t cap = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup(path);
	cfg->names = strmap_new();
	set_defaults(&p, CONFIG_GLOBAL, cfg);
	set_defaults(&p, CONFIG_DIGEST, cfg);
	set_defaults(&p, CONFIG_SERVE, cfg);
	if ((fp = fopen(file, "r")) == NULL) {
		log_warn("%s", file);
		return -1;
	}
	p.urls = strmap_new();
	p.suffixes = strmap_new();
	while (getline(&line, &cap, fp) != -1) {
		p.line++;
		switch (config_line(line, &s)) {
		case CONFIG_LINE_SECTION:
			section(&p, s);
			break;
		case CONFIG_LINE_KEY:
			assignment(&p, s);
			break;
		default:
			break;
		}
	}
	if (ferror(fp)) {
		log_warn("%s", file);
		p.errors++;
	}
	free(line);
	fclose(fp);
	finish(&p);
	/* Problems of an outline are reported at its line of the OPML file. */
	p.path = cfg->opml;
	if (cfg->opml != NULL &&
	    opml_load(cfg->opml, opml_feed, &p, err, sizeof(err)) == -1) {
		log_error("%s: %s", path, err);
		p.errors++;
	}
	strmap_free(p.urls);
	strmap_free(p.suffixes);
	return p.errors;
}

void
config_feed_copy(struct feed_conf *out, const struct feed_conf *fc)
{
	*out = *fc;
	out->name = xstrdup(fc->name);
	out->url = xstrdup(fc->url);
	out->title = xstrdup_or_null(fc->title);
	out->exec = xstrdup_or_null(fc->exec);
	out->folder = xstrdup_or_null(fc->folder);
	memset(&out->filters, 0, sizeof(out->filters));
	filter_rules_append(&out->filters, &fc->filters);
}

void
config_feed_clear(struct feed_conf *fc)
{
	free(fc->name);
	free(fc->url);
	free(fc->title);
	free(fc->exec);
	free(fc->folder);
	filter_rules_clear(&fc->filters);
	memset(fc, 0, sizeof(*fc));
}

int
config_use(const char *path, struct config *cfg)
{
	int problems = config_load(path, cfg);

	if (problems == -1) {
		log_error("cannot read config %s", path);
		return -1;
	}
	if (problems > 0) {
		log_error("%s: %d problem%s", path, problems,
		    problems == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

void
config_digest_copy(struct config *out, const struct config *cfg)
{
	const struct digest_conf *d = &cfg->digest;

	memset(out, 0, sizeof(*out));
	out->title = xstrdup_or_null(cfg->title);
	out->story_window = cfg->story_window;
	out->digest = *d;
	out->digest.title = xstrdup_or_null(d->title);
	out->digest.timezone = xstrdup_or_null(d->timezone);
	out->digest.dir = xstrdup_or_null(d->dir);
	out->digest.layout = xstrdup_or_null(d->layout);
	out->digest.categories = xstrdup_or_null(d->categories);
	out->digest.summary_cmd = xstrdup_or_null(d->summary_cmd);
	out->digest.language = xstrdup_or_null(d->language);
	out->publishers = xcalloc(cfg->npublishers + 1,
	    sizeof(*out->publishers));
	for (size_t i = 0; i < cfg->npublishers; i++) {
		out->publishers[i].prefix = xstrdup(cfg->publishers[i].prefix);
		out->publishers[i].name = xstrdup(cfg->publishers[i].name);
	}
	out->npublishers = cfg->npublishers;
}

void
config_sites_free(struct extract_site *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)(uintptr_t)v[i].host);
		free((char *)(uintptr_t)v[i].keep);
		free((char *)(uintptr_t)v[i].drop);
	}
	free(v);
}

struct extract_site *
config_sites_copy(const struct config *cfg)
{
	struct extract_site *v = xcalloc(cfg->nsites + 1, sizeof(*v));

	for (size_t i = 0; i < cfg->nsites; i++) {
		v[i].host = xstrdup(cfg->sites[i].host);
		v[i].keep = xstrdup_or_null(cfg->sites[i].keep);
		v[i].drop = xstrdup_or_null(cfg->sites[i].drop);
	}
	return v;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nfeeds; i++)
		config_feed_clear(&cfg->feeds[i]);
	free(cfg->feeds);
	strmap_free(cfg->names);
	free(cfg->path);
	for (size_t i = 0; i < cfg->npublishers; i++) {
		free(cfg->publishers[i].prefix);
		free(cfg->publishers[i].name);
	}
	free(cfg->publishers);
	config_sites_free(cfg->sites, cfg->nsites);
	filter_rules_clear(&cfg->filters);
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		if (k->section != CONFIG_FEED && (k->type == CONFIG_STRING ||
		    k->type == CONFIG_PATH || k->type == CONFIG_URL ||
		    k->type == CONFIG_ZONE))
			free(*key_string(k, cfg));
	}
	memset(cfg, 0, sizeof(*cfg));
}
