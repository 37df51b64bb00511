/*
 * Feed discovery: the feeds a web page advertises with
 * <link rel="alternate" type="application/rss+xml" href="..."> (or Atom,
 * RSS 1.0, JSON Feed), for aggregator add given a site's page.
 */
#ifndef DISCOVER_H
#define DISCOVER_H

#include <stddef.h>

struct discover_feed {
	char		*url;		/* absolute */
	char		*title;		/* the link's title, one line, or NULL */
	const char	*kind;		/* "RSS", "Atom", "RSS 1.0", "JSON Feed" */
};

/*
 * The feeds the page (len bytes, served with content_type, which may be
 * NULL) advertises, in document order, each URL once, resolved against
 * its <base href> and base_url; only http(s) and file URLs.  Returns how
 * many, with them in *out (NULL when none) to be freed with
 * discover_free, or -1 when the page cannot be parsed.
 */
int	discover_feeds(const char *page, size_t len, const char *content_type,
	    const char *base_url, struct discover_feed **out);
void	discover_free(struct discover_feed *feeds, size_t n);

#endif
