/*
 * The HTML sanitizer every HTML value of a feed goes through before it
 * reaches a message or the merged feed (feedparser's, with the form
 * controls also dropped).
 */
#ifndef SANITIZE_H
#define SANITIZE_H

#include <stddef.h>

/*
 * html made safe to show (allocated): elements and attributes outside the
 * allow-lists dropped (the content of script, applet and style too),
 * comments and declarations dropped, URLs whose scheme is not http,
 * https or mailto emptied, relative URIs resolved against base (may be
 * NULL), and text escaped so that nothing joins into a live tag.  Trimmed,
 * with CR LF made LF.
 */
char	*sanitize_html(const char *html, const char *base);

/*
 * feedparser's guess that nominally plain RSS text is HTML: a close tag
 * or a reference, every tag an allowed element, every name a known one.
 */
int	 sanitize_looks_like_html(const char *);

/* Whether the len bytes at name (any case) name an allowed element. */
int	 sanitize_element_ok(const char *name, size_t len);

#endif
