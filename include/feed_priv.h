/*
 * Private interfaces between the feed parser's files (feed.c and the
 * feed_*.c helpers).  Symbols here carry the feed__ prefix and are not for
 * other modules.
 */
#ifndef FEED_PRIV_H
#define FEED_PRIV_H

#include <stddef.h>

#include "agg.h"

/* Limits that keep a hostile document's cost bounded. */
#define FEED_MAX_ENTRIES	100000
#define FEED_MAX_DEPTH		256
#define FEED_MAX_TEXT		(8u * 1024 * 1024)	/* one element's text */
#define FEED_MAX_EXPANSION	(1u * 1024 * 1024)	/* entity text per document */
#define FEED_MAX_ENTITIES	1024			/* internal-subset entities */

/* The outcome of charset detection (feed_encoding.c). */
struct feed__decoded {
	char	*utf8;		/* the document as UTF-8, BOM removed */
	size_t	 len;
	char	*encoding;	/* feedparser's spelling, lowercase */
	int	 bozo;		/* charset override or non-XML media type */
	char	*error;		/* one line when bozo, else NULL */
};

/*
 * Decides the charset the way feedparser does (RFC 3023: HTTP charset, BOM,
 * XML declaration) and converts to UTF-8.  have_headers says the bytes came
 * over HTTP (then a missing Content-Type matters).  Returns 0, or -1 with
 * err filled when no candidate charset could decode the bytes.
 */
int	 feed__decode(const char *buf, size_t len, const char *content_type,
	    int have_headers, struct feed__decoded *out, char *err,
	    size_t errlen);
void	 feed__decoded_free(struct feed__decoded *);

/* Windows-1252 bytes to UTF-8; bytes it leaves undefined map to U+0080+. */
char	*feed__cp1252_to_utf8(const char *, size_t, size_t *outlen);

/* Appends code point c as UTF-8. */
struct buf;
void	 feed__utf8_put(struct buf *, unsigned int c);

/*
 * HTML helpers (feed_html.c).  looks_like_html is feedparser's guess that
 * nominally plain RSS text is HTML; html_clean resolves relative URIs in
 * the usual attributes against base and strips dangerous markup, in
 * feedparser's serialisation.  The result is allocated.
 */
int	 feed__looks_like_html(const char *);
char	*feed__html_clean(const char *html, const char *base, int resolve,
	    int sanitize);
/* The acceptable-elements list the two functions above share. */
int	 feed__html_acceptable(const char *name, size_t len);

/* feedparser's make_safe_absolute_uri: "" for an unsafe scheme. */
char	*feed__safe_uri(const char *base, const char *rel);
/* urljoin with feedparser's fixups; allocated. */
char	*feed__urljoin(const char *base, const char *ref);

/* Frees the members of the value types in agg.h. */
void	 feed__text_free(struct feed_text *);
void	 feed__entry_free(struct feed_entry *);

#endif
