/*
 * Feed discovery (discover.h): the page parsed with the HTML parser the
 * article extractor uses, and its <link> elements read.  A link counts
 * when its rel holds "alternate" among its words and its type (any case,
 * parameters left out) is a feed format the parser reads; a plain
 * application/json is not one (WordPress's REST API uses it too).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "discover.h"
#include "extract.h"
#include "html_tree.h"
#include "names.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* HTML's white space. */
static const char ws[] = " \t\n\r\f";

static const struct {
	const char	*type;
	const char	*kind;
} feed_types[] = {
	{ "application/rss+xml",	"RSS" },
	{ "application/atom+xml",	"Atom" },
	{ "application/rdf+xml",	"RSS 1.0" },
	{ "application/feed+json",	"JSON Feed" },
};

/* The kind of feed a link's type names, or NULL. */
static const char *
feed_kind(const char *type)
{
	size_t len;

	type += strspn(type, ws);
	len = strcspn(type, "; \t\n\r\f");
	for (size_t i = 0; i < NELEM(feed_types); i++)
		if (strlen(feed_types[i].type) == len &&
		    strncasecmp(type, feed_types[i].type, len) == 0)
			return feed_types[i].kind;
	return NULL;
}

/* Whether the space-separated words of rel hold "alternate". */
static int
rel_alternate(const char *rel)
{
	size_t n;

	for (rel += strspn(rel, ws); *rel != '\0'; rel += strspn(rel, ws)) {
		n = strcspn(rel, ws);
		if (n == 9 && strncasecmp(rel, "alternate", 9) == 0)
			return 1;
		rel += n;
	}
	return 0;
}

static int
fetchable(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0 ||
	    strncasecmp(url, "file://", 7) == 0;
}

/* What links resolve against: the first <base href>, else base_url. */
static char *
page_base(const struct html_tree *t, const char *base_url)
{
	const char *href;

	for (uint32_t i = 1; i < t->n; i++)
		if (t->nodes[i].tag == HT_OTHER &&
		    strcmp(html_tree_str(t, i), "base") == 0 &&
		    (href = html_tree_attr(t, i, "href")) != NULL)
			return url_resolve(base_url, href);
	return xstrdup_or_null(base_url);
}

/* Adds the feed of link i unless it is none or one already found. */
static void
add_link(const struct html_tree *t, uint32_t i, const char *base,
    struct discover_feed **out, size_t *n)
{
	const char *rel = html_tree_attr(t, i, "rel");
	const char *type = html_tree_attr(t, i, "type");
	const char *href = html_tree_attr(t, i, "href");
	const char *title = html_tree_attr(t, i, "title");
	const char *kind;
	char *url, *bare;
	size_t hlen;

	if (rel == NULL || type == NULL || href == NULL ||
	    !rel_alternate(rel) || (kind = feed_kind(type)) == NULL)
		return;
	/* HTML drops the white space around a URL. */
	href += strspn(href, ws);
	hlen = strlen(href);
	while (hlen > 0 && strchr(ws, href[hlen - 1]) != NULL)
		hlen--;
	bare = xstrndup(href, hlen);
	url = url_resolve(base, bare);
	free(bare);
	for (size_t k = 0; k < *n && url != NULL; k++)
		if (strcmp((*out)[k].url, url) == 0) {
			free(url);
			url = NULL;
		}
	if (url == NULL || !fetchable(url)) {
		free(url);
		return;
	}
	*out = xreallocarray(*out, *n + 1, sizeof(**out));
	(*out)[*n].url = url;
	(*out)[*n].title = title != NULL ? text_clean(title,
	    TEXT_CLEAN_LINE) : NULL;
	if ((*out)[*n].title != NULL && *(*out)[*n].title == '\0') {
		free((*out)[*n].title);
		(*out)[*n].title = NULL;
	}
	(*out)[*n].kind = kind;
	(*n)++;
}

int
discover_feeds(const char *page, size_t len, const char *content_type,
    const char *base_url, struct discover_feed **out)
{
	struct html_tree t;
	const char *html;
	char *own, *base;
	size_t n = 0;

	*out = NULL;
	html = extract_page_utf8(page, &len, content_type, &own);
	if (html_tree_parse(&t, html, len) == -1) {
		html_tree_free(&t);
		free(own);
		return -1;
	}
	base = page_base(&t, base_url);
	for (uint32_t i = 1; i < t.n; i++)
		if (t.nodes[i].tag == HT_LINK)
			add_link(&t, i, base, out, &n);
	free(base);
	html_tree_free(&t);
	free(own);
	return (int)n;
}

void
discover_free(struct discover_feed *feeds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(feeds[i].url);
		free(feeds[i].title);
	}
	free(feeds);
}
