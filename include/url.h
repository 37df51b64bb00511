/*
 * URLs: resolving relative references (RFC 3986), the canonical form that
 * deduplication keys are computed over (SPEC.md), and the keys themselves.
 */
#ifndef URL_H
#define URL_H

#include "agg.h"

/*
 * Resolves ref against base.  Returns an allocated absolute URL; when base
 * is NULL or not absolute and ref is relative, returns a copy of ref.
 */
char	*url_resolve(const char *base, const char *ref);

/* 1 when s starts with a scheme ("http:", "urn:", ...). */
int	 url_is_absolute(const char *s);

/*
 * Canonical form per SPEC.md: scheme and host lowercased, default port
 * dropped, fragment dropped, utm_* / fbclid / gclid / mc_cid / mc_eid query
 * parameters dropped, empty "?" dropped.  Returns an allocated string.
 */
char	*url_canonical(const char *abs_url);

/* SHA-256 of the bytes of s, as lowercase hex into hex[KEY_HEX_SIZE]. */
void	 key_hash(const char *s, size_t len, char hex[KEY_HEX_SIZE]);

#endif
