/*
 * The article in a web page: its main text without navigation, ads,
 * widgets, related-article lists, bylines and copyright lines, and what
 * the page says about it (title, byline, publication time).
 */
#ifndef EXTRACT_H
#define EXTRACT_H
#include <stddef.h>

/* A page larger than this is not read. */
#define EXTRACT_MAX_PAGE	(8u << 20)

/*
 * A site rule, for pages scoring cannot read: on pages of host and its
 * subdomains (host without "www."), the elements matching keep (CSS
 * selectors, see extract_selector_ok) are the article, when the page has
 * one, and those matching drop are never part of it.  Either may be NULL.
 */
struct extract_site {
	const char	*host;
	const char	*keep;
	const char	*drop;
};

/*
 * Whether text is a selector list site rules take: elements, "*",
 * .class, #id, [attr] and [attr=value], compounds apart by white space
 * (descendants), selectors apart by commas.
 */
int	extract_selector_ok(const char *text);

struct extract_result {
	char	*title;		/* NULL when the page names none */
	char	*byline;	/* NULL when none */
	char	*published;	/* RFC 3339, NULL when none */
	char	*text;		/* plain text, paragraphs apart by a blank
				   line; "" when no article was found */
	char	*html;		/* the same article, sanitised HTML */
};

/*
 * Extracts the article from len bytes of a page served with content_type
 * (may be NULL), whose links resolve against base_url (may be NULL, and
 * names the site whose rule applies: the first of the n in sites, else a
 * built-in one).  The charset comes from content_type, a byte order mark
 * or a <meta>, else UTF-8.  0, or -1 with a one-line reason in err.
 */
int	extract_page(const char *page, size_t len, const char *content_type,
	    const char *base_url, const struct extract_site *sites, size_t n,
	    struct extract_result *out, char *err, size_t errlen);
void	extract_result_free(struct extract_result *);

/*
 * len bytes of a page served with content_type (may be NULL) as UTF-8,
 * in the charset the HTTP header, a byte order mark or a <meta> names,
 * else UTF-8 (windows-1252 when it is not): the page itself, or the copy
 * in *own (NULL when none), to be freed.  *len is the result's length.
 */
const char *extract_page_utf8(const char *page, size_t *len,
	    const char *content_type, char **own);

/*
 * aggregator extract FILE [--base-url URL] [--content-type TYPE] [--json]
 * (extract_cli.c): argv[0] is "extract", path the config file, whose
 * [sites] apply when it exists.  Returns the exit status.
 */
int	extract_command(const char *path, int argc, char **argv);
#endif
