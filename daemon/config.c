/*
 * The INI config file: an [aggregator] section of settings and one
 * [feed.NAME] section per feed.  Keys live in one table per section (name,
 * kind, bounds), so parsing, checking and defaults come from one place.
 * Every problem is reported with file and line, and all are reported, not
 * only the first.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "opml.h"
#include "xmalloc.h"

enum key_kind {
	KEY_STRING,
	KEY_PATH,
	KEY_DURATION,
	KEY_NUMBER,
	KEY_BOOL,
	KEY_URL,
};

struct key_def {
	const char	*name;
	enum key_kind	 kind;
	long		 min;
	long		 max;
	size_t		 offset;	/* into struct config or struct feed_conf */
};

#define CFG(f)	offsetof(struct config, f)
#define FEED(f)	offsetof(struct feed_conf, f)

static const struct key_def global_keys[] = {
	{ "interval",		KEY_DURATION,	1, LONG_MAX,	CFG(interval) },
	{ "max_body",		KEY_NUMBER,	1024, LONG_MAX,	CFG(max_body) },
	{ "max_connections",	KEY_NUMBER,	1, 1024,	CFG(max_connections) },
	{ "max_entries",	KEY_NUMBER,	1, 1000000,	CFG(max_entries) },
	{ "max_per_host",	KEY_NUMBER,	1, 64,		CFG(max_per_host) },
	{ "opml",		KEY_PATH,	0, 0,		CFG(opml) },
	{ "output",		KEY_PATH,	0, 0,		CFG(output) },
	{ "spool",		KEY_PATH,	0, 0,		CFG(spool) },
	{ "state",		KEY_PATH,	0, 0,		CFG(state) },
	{ "timeout",		KEY_DURATION,	1, 3600,	CFG(timeout) },
	{ "title",		KEY_STRING,	0, 0,		CFG(title) },
};

static const struct key_def feed_keys[] = {
	{ "enabled",		KEY_BOOL,	0, 1,		FEED(enabled) },
	{ "interval",		KEY_DURATION,	1, LONG_MAX,	FEED(interval) },
	{ "title",		KEY_STRING,	0, 0,		FEED(title) },
	{ "url",		KEY_URL,	0, 0,		FEED(url) },
};

struct parser {
	const char	*path;
	int		 line;
	int		 errors;
	struct config	*cfg;
	struct feed_conf *feed;		/* section being read, NULL in [aggregator] */
	int		 in_global;	/* inside [aggregator] */
	int		 skip;		/* inside a broken section header */
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

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(a, ((const struct key_def *)b)->name);
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

static int
url_scheme_ok(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0 ||
	    strncasecmp(url, "file://", 7) == 0;
}

static void
set_key(struct parser *p, const struct key_def *k, void *base,
    const char *value)
{
	char **sp = (char **)((char *)base + k->offset);
	long *lp = (long *)((char *)base + k->offset);
	long n;
	char *end;

	switch (k->kind) {
	case KEY_STRING:
	case KEY_PATH:
	case KEY_URL:
		if (*value == '\0') {
			config_error(p, "empty value for \"%s\"", k->name);
			return;
		}
		/* A bad URL is kept so it is not reported missing too. */
		if (k->kind == KEY_URL && !url_scheme_ok(value))
			config_error(p, "url must be http://, https:// or "
			    "file://: \"%s\"", value);
		free(*sp);
		*sp = xstrdup(value);
		break;
	case KEY_DURATION:
		if (config_parse_duration(value, &n) == -1 || n < k->min ||
		    n > k->max) {
			config_error(p, "bad duration for \"%s\": \"%s\" "
			    "(use 45s, 30m, 2h, 1d or seconds)", k->name, value);
			return;
		}
		*lp = n;
		break;
	case KEY_NUMBER:
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || n < k->min ||
		    n > k->max) {
			config_error(p, "bad number for \"%s\": \"%s\" "
			    "(%ld to %ld)", k->name, value, k->min, k->max);
			return;
		}
		*lp = n;
		break;
	case KEY_BOOL:
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

static int
valid_feed_name(const char *name)
{
	if (*name == '\0')
		return 0;
	for (const char *c = name; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("-_.", *c) == NULL)
			return 0;
	return 1;
}

const struct feed_conf *
config_find_feed(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (strcmp(cfg->feeds[i].name, name) == 0)
			return &cfg->feeds[i];
	return NULL;
}

/* Feeds are added to a growing array; pointers into it change on add. */
static struct feed_conf *
add_feed(struct config *cfg, const char *name, int line)
{
	struct feed_conf *f;

	cfg->feeds = xreallocarray(cfg->feeds, cfg->nfeeds + 1,
	    sizeof(*cfg->feeds));
	f = &cfg->feeds[cfg->nfeeds++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->line = line;
	f->enabled = 1;
	return f;
}

static void
section(struct parser *p, char *s)
{
	char *end = strchr(s, ']'), *name;

	p->feed = NULL;
	p->in_global = 0;
	p->skip = 1;
	if (end == NULL || *trim(end + 1) != '\0') {
		config_error(p, "bad section header");
		return;
	}
	*end = '\0';
	name = trim(s + 1);
	if (strcmp(name, "aggregator") == 0) {
		p->in_global = 1;
		p->skip = 0;
		return;
	}
	if (strncmp(name, "feed.", 5) != 0) {
		config_error(p, "unknown section [%s] (expected [aggregator] "
		    "or [feed.NAME])", name);
		return;
	}
	name += 5;
	if (!valid_feed_name(name)) {
		config_error(p, "bad feed name \"%s\" (letters, digits, "
		    "'-', '_' and '.')", name);
		return;
	}
	if (config_find_feed(p->cfg, name) != NULL) {
		config_error(p, "duplicate feed name \"%s\"", name);
		return;
	}
	p->feed = add_feed(p->cfg, name, p->line);
	p->skip = 0;
}

static void
assignment(struct parser *p, char *s)
{
	const struct key_def *table, *k;
	size_t n;
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
	if (p->feed != NULL) {
		table = feed_keys;
		n = sizeof(feed_keys) / sizeof(feed_keys[0]);
		base = p->feed;
	} else if (p->in_global) {
		table = global_keys;
		n = sizeof(global_keys) / sizeof(global_keys[0]);
		base = p->cfg;
	} else {
		config_error(p, "\"%s\" outside of any section", key);
		return;
	}
	k = bsearch(key, table, n, sizeof(*table), key_cmp);
	if (k == NULL) {
		config_error(p, "unknown key \"%s\" in [%s]", key,
		    p->feed != NULL ? "feed" : "aggregator");
		return;
	}
	set_key(p, k, base, value);
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

static void
set_defaults(struct config *cfg, const char *path)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup(path);
	cfg->interval = 30 * 60;
	cfg->max_entries = 100;
	cfg->max_connections = 16;
	cfg->max_per_host = 2;
	cfg->timeout = 60;
	cfg->max_body = 16L * 1024 * 1024;
}

static void
finish(struct parser *p)
{
	struct config *cfg = p->cfg;
	char **paths[] = { &cfg->spool, &cfg->output, &cfg->state, &cfg->opml };
	const char *defaults[] = { "spool", "merged.atom", "state.db", NULL };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *v = *paths[i];

		if (v == NULL && defaults[i] == NULL)
			continue;
		*paths[i] = resolve_path(cfg->path, v != NULL ? v : defaults[i]);
		free(v);
	}
	if (cfg->title == NULL)
		cfg->title = xstrdup("aggregator");
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		struct feed_conf *f = &cfg->feeds[i];

		if (f->url == NULL) {
			log_error("%s:%d: feed \"%s\" has no url", p->path,
			    f->line, f->name);
			p->errors++;
		}
		if (f->interval == 0)
			f->interval = cfg->interval;
	}
}

static const struct feed_conf *
find_url(const struct config *cfg, const char *url)
{
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (cfg->feeds[i].url != NULL &&
		    strcmp(cfg->feeds[i].url, url) == 0)
			return &cfg->feeds[i];
	return NULL;
}

/*
 * "Reuters Tech!" -> "opml-reuters-tech": a name made from the title is
 * stable across runs; a counter makes it unique.
 */
static char *
opml_feed_name(const struct config *cfg, const char *title)
{
	struct buf b;
	char *base, *name;
	int dash = 1;

	buf_init(&b);
	buf_addstr(&b, "opml-");
	for (const unsigned char *c = (const unsigned char *)title; *c; c++) {
		if (isalnum(*c)) {
			buf_addc(&b, (char)tolower(*c));
			dash = 0;
		} else if (!dash) {
			buf_addc(&b, '-');
			dash = 1;
		}
	}
	while (b.len > 5 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (b.len == 5)
		buf_addstr(&b, "feed");
	base = buf_release(&b);
	name = xstrdup(base);
	for (int n = 2; config_find_feed(cfg, name) != NULL; n++) {
		free(name);
		name = xasprintf("%s-%d", base, n);
	}
	free(base);
	return name;
}

/* An OPML outline becomes a feed unless the INI file has its URL. */
static void
opml_feed(const char *title, const char *url, void *arg)
{
	struct config *cfg = arg;
	struct feed_conf *f;
	char *name;

	if (find_url(cfg, url) != NULL)
		return;
	name = opml_feed_name(cfg, title != NULL ? title : url);
	f = add_feed(cfg, name, 0);
	free(name);
	f->url = xstrdup(url);
	if (title != NULL && *title != '\0')
		f->title = xstrdup(title);
	f->interval = cfg->interval;
}

int
config_load(const char *path, struct config *cfg)
{
	struct parser p = { .path = path, .cfg = cfg };
	FILE *fp;
	char *line = NULL, *s, err[PATH_MAX + 64];
	size_t cap = 0;

	set_defaults(cfg, path);
	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		p.line++;
		strip_comment(line);
		s = trim(line);
		if (*s == '\0')
			continue;
		if (*s == '[')
			section(&p, s);
		else
			assignment(&p, s);
	}
	if (ferror(fp)) {
		log_warn("%s", path);
		p.errors++;
	}
	free(line);
	fclose(fp);
	finish(&p);
	if (cfg->opml != NULL &&
	    opml_load(cfg->opml, opml_feed, cfg, err, sizeof(err)) == -1) {
		log_error("%s: %s", path, err);
		p.errors++;
	}
	return p.errors;
}

void
config_feed_copy(struct feed_conf *out, const struct feed_conf *fc)
{
	*out = *fc;
	out->name = xstrdup(fc->name);
	out->url = xstrdup(fc->url);
	out->title = xstrdup_or_null(fc->title);
}

void
config_feed_clear(struct feed_conf *fc)
{
	free(fc->name);
	free(fc->url);
	free(fc->title);
	memset(fc, 0, sizeof(*fc));
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nfeeds; i++)
		config_feed_clear(&cfg->feeds[i]);
	free(cfg->feeds);
	free(cfg->path);
	free(cfg->spool);
	free(cfg->output);
	free(cfg->state);
	free(cfg->title);
	free(cfg->opml);
	memset(cfg, 0, sizeof(*cfg));
}
