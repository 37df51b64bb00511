/*
 * URLs: resolving relative references (RFC 3986), the canonical form
 * that deduplication keys are computed over (SPEC.md), and the
 * credentials ("user:pass@") a feed URL may carry for its request.
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
 * 1 when s, after leading white space, is an absolute http or https URL
 * (any case) with a host: the only links that are published.
 */
int	 url_is_http(const char *s);

/*
 * Canonical form per SPEC.md: scheme and host lowercased, default port
 * dropped, fragment dropped, utm_* / fbclid / gclid / mc_cid / mc_eid query
 * parameters dropped, empty "?" dropped.  Returns an allocated string.
 */
char	*url_canonical(const char *abs_url);

/*
 * feedparser's urljoin: url_resolve after the extra slashes of
 * "scheme:////x" are dropped; an empty ref gives base, an empty base ref.
 * Allocated.
 */
char	*url_join(const char *base, const char *ref);

/*
 * feedparser's make_safe_absolute_uri: url_join, or "" when the result's
 * scheme is not one feedparser accepts (http, https, ftp, mailto and 38
 * more).  Without a base, ref as it is; without a ref, base when its
 * scheme is accepted, else "".  Allocated.
 */
char	*url_join_safe(const char *base, const char *ref);

/*
 * s (a URL, or text holding URLs such as a log line) with the password
 * of every "scheme://user:pass@" shown as "user:***@".  Allocated; NULL
 * for NULL.
 */
char	*url_hide_password(const char *s);

/* url without its userinfo ("user:pass@").  Allocated; NULL for NULL. */
char	*url_strip_userinfo(const char *url);

/*
 * url with the userinfo of owner when url has none and both have the
 * same scheme, host and port (where a client following a redirect sends
 * the credentials too); else a copy of url.  Allocated.
 */
char	*url_lend_userinfo(const char *url, const char *owner);

/*
 * A feed's identity, what keys of its entries without a link are scoped
 * by: url_canonical of its URL without the userinfo, so that neither a
 * new password nor the case of the host makes it another feed.
 * Allocated.
 */
char	*url_identity(const char *url);

/*
 * The site of an http(s) URL, as an outlet is named by it: its host,
 * lowercased, without credentials, port or a leading "www.", into host
 * (size bytes), and in *path what follows the host in url ("/a?b", or
 * "").  0, or -1 when url is no http(s) URL or its host does not fit.
 */
int	url_site(const char *url, char *host, size_t size, const char **path);

#endif
