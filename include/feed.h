/*
 * Feed parser: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 bytes
 * in, struct feed_doc out.  Never loads external entities or DTDs; entity
 * expansion and JSON nesting are bounded.
 */
#ifndef FEED_H
#define FEED_H

#include <stddef.h>
#include <stdio.h>

#include "agg.h"

/* Where the bytes came from, as a fetch would report it.  Any may be NULL. */
struct feed_source {
	const char	*url;			/* document URL, the base for relative links */
	const char	*content_type;		/* HTTP Content-Type, charset included */
	const char	*content_location;	/* HTTP Content-Location */
	const char	*content_language;	/* HTTP Content-Language */
};

/*
 * Parses len bytes.  Returns a document (owned by the caller, freed with
 * feed_doc_free) whenever anything could be read, wellformed = 0 when it
 * needed recovery; returns NULL and writes a one-line reason into err when
 * the bytes are not a feed at all or were rejected as hostile.
 */
struct feed_doc	*feed_parse(const char *buf, size_t len,
		    const struct feed_source *src, char *err, size_t errlen);
void		 feed_doc_free(struct feed_doc *);

/*
 * Reads the flat JSON object of response headers given to `aggregator
 * parse --headers`: Content-Type, Content-Location and Content-Language
 * (names case-insensitive) into allocated strings, NULL when absent.
 * Returns 0, or -1 when the JSON is malformed (all three NULL).
 */
int		 feed_headers_parse(const char *json, char **ctype,
		    char **cloc, char **clang);

#endif
