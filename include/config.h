/*
 * The INI config of SPEC.md: [aggregator] settings and one [feed.NAME]
 * section per feed, plus feeds from an optional OPML file.  Every key is
 * described once, in config_keys[].
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "filter.h"

struct strmap;
struct extract_site;

struct feed_conf {
	char	*name;
	char	*url;
	char	*title;		/* NULL when the feed's own title is used */
	long	 interval;	/* seconds */
	long	 enabled;	/* 0 when "enabled = no" */
	long	 backfill;	/* entries a first poll delivers; CONFIG_ALL */
	long	 fulltext;	/* enum fulltext */
	long	 from_name;	/* enum from_name (entry.h) */
	char	*exec;		/* run after each delivered entry, or NULL */
	char	*folder;	/* its Maildir++ folder, or NULL: the spool */
	/* Its own filter rules, then [aggregator]'s, in the file's order. */
	struct filter_rules filters;
	int	 line;		/* where its section starts (0 for OPML) */
};

/* When a feed's entries get the article's text from its page. */
enum fulltext {
	FULLTEXT_NEVER,
	FULLTEXT_AUTO,		/* when the entry carries little text */
	FULLTEXT_ALWAYS,
};

/* [serve]: what the daemon serves over HTTP (serve.h). */
struct serve_conf {
	char		*listen;	/* "HOST:PORT", "[V6]:PORT", "unix:PATH"; NULL: off */
	char		*base_url;	/* the public URL it is served under */
	char		*token;		/* asked of all but the feeds; NULL: none */
	long		 max_clients;
};

/* [digest]: the daily digest of stories (digest.h). */
struct digest_conf {
	char		*title;		/* the label after the date */
	char		*timezone;	/* IANA name */
	long		 time;		/* minutes after midnight, in timezone */
	char		*dir;		/* where the daemon writes posts; NULL: none */
	char		*layout;
	char		*categories;
	long		 mail;		/* also into the spool, as one message */
	long		 min_sources;
	long		 max_stories;
	long		 summary_chars;
	char		*summary_cmd;	/* NULL: the built-in summary only */
	long		 summary_timeout;	/* seconds */
	char		*language;	/* "ko", "en", ...; NULL: the feeds' */
};

/* [publishers]: a host, or a host and path prefix, and its outlet's name. */
struct publisher {
	char		*prefix;	/* "reuters.com", "news.example.com/tech" */
	char		*name;
};

struct config {
	char		*path;
	char		*spool;		/* absolute or relative to the config's folder */
	char		*output;
	char		*output_url;	/* NULL when not set */
	char		*state;
	char		*title;
	char		*opml;
	long		 interval;
	long		 max_entries;
	long		 max_connections;
	long		 max_per_host;
	long		 timeout;
	long		 max_body;
	long		 backfill;
	long		 fulltext;	/* enum fulltext */
	long		 from_name;	/* enum from_name (entry.h) */
	char		*exec;		/* every feed's hook unless its own */
	long		 exec_timeout;	/* seconds */
	struct filter_rules filters;	/* every feed's, after its own */
	long		 story_window;	/* seconds */
	long		 group;		/* merged feed: one entry per story */
	struct feed_conf *feeds;
	size_t		 nfeeds;
	size_t		 capfeeds;
	struct strmap	*names;		/* feed name -> index in feeds */
	struct digest_conf digest;
	struct serve_conf serve;
	struct publisher *publishers;	/* in the file's order */
	size_t		 npublishers;
	/* [sites]: site rules for full text, strings owned, in file order. */
	struct extract_site *sites;
	size_t		 nsites;
};

/* How a key's value is written, and so how it is read and checked. */
enum config_type {
	CONFIG_STRING,
	CONFIG_PATH,		/* relative to the config file's folder */
	CONFIG_URL,		/* http://, https:// or file:// */
	CONFIG_DURATION,	/* 45s, 30m, 2h, 1d or seconds; min to max */
	CONFIG_NUMBER,		/* min to max */
	CONFIG_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONFIG_COUNT,		/* min to max, or "all" (CONFIG_ALL) */
	CONFIG_CLOCK,		/* HH:MM, kept as minutes after midnight */
	CONFIG_ZONE,		/* an IANA time zone the system has */
	CONFIG_CHOICE,		/* one word of choices, kept as its index */
	CONFIG_FOLDER,		/* a Maildir++ folder name (folder.h) */
	CONFIG_FILTER,		/* a filter rule (filter.h), added in order;
				   max_age's value a duration, min to max */
};

/* A CONFIG_COUNT of "all": no count is larger. */
#define CONFIG_ALL	LONG_MAX

enum config_section {
	CONFIG_GLOBAL,		/* [aggregator] */
	CONFIG_FEED,		/* [feed.NAME] */
	CONFIG_DIGEST,		/* [digest] */
	CONFIG_SERVE,		/* [serve] */
};

/*
 * One key of the file.  The parser, the defaults and the documentation
 * test all read the table of them, so a key's type, bounds and default
 * are written nowhere else.
 */
struct config_key {
	const char		*name;
	enum config_section	 section;
	enum config_type	 type;
	long			 min;
	long			 max;
	const char		*def;		/* as a file would say it; NULL: none */
	const char		*choices;	/* a string's values, space-separated;
						   NULL: any */
	const char		*help;		/* one line */
	size_t			 offset;	/* into struct config or feed_conf */
};

/* Every key of both sections; config_nkeys of them. */
extern const struct config_key	config_keys[];
extern const size_t		config_nkeys;

/*
 * Loads path into cfg.  Every problem is reported through log_error as
 * "FILE:LINE: ..." and counted; returns the number of problems (0 when the
 * config is usable), or -1 when the file cannot be read.  cfg is to be
 * released with config_free either way.
 */
int	config_load(const char *path, struct config *cfg);
/*
 * config_load of the text in file as if it were the config at path: its
 * relative paths are path's, its problems reported as path's lines (an
 * edit's new text, checked before it replaces the file).
 */
int	config_load_as(const char *file, const char *path, struct config *cfg);
/*
 * config_load for a command: a file that cannot be read or has problems
 * is also said in one line ("FILE: 2 problems").  0, or -1; cfg is to be
 * released with config_free either way.
 */
int	config_use(const char *path, struct config *cfg);
/* A copy of cfg's [sites] (n of them, then a zeroed one), and its free. */
struct extract_site *config_sites_copy(const struct config *cfg);
void	config_sites_free(struct extract_site *, size_t n);
void	config_free(struct config *);

/* The feed called name, borrowed from cfg, or NULL. */
const struct feed_conf *config_find_feed(const struct config *cfg,
	    const char *name);

/* A deep copy of fc into out; out is released with config_feed_clear. */
void	config_feed_copy(struct feed_conf *out, const struct feed_conf *fc);
/* Frees what fc holds and zeroes it (fc itself is the caller's). */
void	config_feed_clear(struct feed_conf *fc);

/*
 * A deep copy into out of what the digest reads of cfg: [digest],
 * [publishers], title and story_window (no feed); freed by config_free.
 */
void	config_digest_copy(struct config *out, const struct config *cfg);

/* What a line of the file is to the parser. */
enum config_line {
	CONFIG_LINE_BLANK,
	CONFIG_LINE_COMMENT,	/* only a comment ('#' or ';' first) */
	CONFIG_LINE_SECTION,	/* "[NAME]" */
	CONFIG_LINE_KEY,	/* "key = value", or what the parser reports */
};

/*
 * Reads line (one line of the file, its newline included or not) as the
 * parser does, changing it: a comment is cut off ('#' or ';' at the start
 * or after white space, so a '#' inside a URL stays) and white space
 * trimmed; *text is then what is left, unless the line is blank.
 */
enum config_line config_line(char *line, char **text);
/*
 * The name of a section header ("[ feed.a ]" -> "feed.a"), trimmed, in
 * header (which is changed), or NULL when the header is malformed.
 */
char	*config_section_name(char *header);

/*
 * Whether url may be a feed's: a scheme we fetch (http, https, file) and
 * a URL curl, which fetches it, can parse.  0, or -1 with a one-line
 * message in msg (the URL in it with its password hidden).
 */
int	config_url_check(const char *url, char *msg, size_t msglen);

/* Parses "45s", "30m", "2h", "1d" or plain seconds.  0, or -1 when bad. */
int	config_parse_duration(const char *s, long *out);

#endif
