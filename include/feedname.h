/*
 * Feed names: what a [feed.NAME] may be called, and the names given to
 * feeds that come without one (OPML outlines, aggregator add and import).
 * The state is kept by name, so a made name depends on the feed alone,
 * never on its place in a file.
 */
#ifndef FEEDNAME_H
#define FEEDNAME_H

#include <stddef.h>

/* Whether name may name a feed: letters, digits, '-', '_' and '.'. */
int	feedname_ok(const char *name);

/* Whether a name is already some feed's, for the functions below. */
typedef int (*feedname_taken_fn)(const char *name, void *arg);

/*
 * A name for the feed at url titled title (may be NULL), after prefix
 * ("opml-", or ""): the title's ASCII letters and digits lowercased and
 * every run of other bytes one dash ("Reuters Tech!" -> "reuters-tech")
 * when the title is ASCII, else the URL without its scheme and
 * credentials ("https://www.yna.co.kr/rss/news.xml" ->
 * "www-yna-co-kr-rss-news-xml"), so that titles in other scripts do not
 * all become one name numbered by position.  A title name that is taken
 * gives way to the URL name.  Allocated; may still be taken (see
 * feedname_unique).
 */
char	*feedname_base(const char *prefix, const char *title, const char *url,
	    feedname_taken_fn taken, void *arg);

/*
 * base, or base-2, base-3 ...: the first name not taken, allocated.  With
 * next, the counter starts at *next (when 2 or more) and is left one past
 * the last tried, so that many feeds of one base cost a lookup each.
 */
char	*feedname_unique(const char *base, size_t *next,
	    feedname_taken_fn taken, void *arg);

#endif
