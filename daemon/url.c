/*
 * URLs: RFC 3986 reference resolution (section 5.2, with
 * remove_dot_segments), the canonical form deduplication keys are taken
 * over (SPEC.md "Deduplication"), feedparser's joins with their list of
 * safe schemes, and the credentials a feed URL may carry ("user:pass@"),
 * which are for the request only: shown masked, never kept.
 * URLs are split by the regular expression of RFC 3986 appendix B, so any
 * string has a parse; nothing here rejects a URL.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "url.h"
#include "xmalloc.h"

/* The five components of a URI reference; pointers into the string. */
struct url_parts {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 schemelen, authlen, pathlen, querylen, fraglen;
	int		 has_scheme, has_auth, has_query, has_frag;
};

static void	 url_split(const char *, size_t, struct url_parts *);
static size_t	 url_scheme_len(const char *, size_t);
static char	*url_remove_dots(const char *, size_t);
static void	 url_merge(struct buf *, const struct url_parts *,
		    const char *, size_t);
static void	 url_append_path(struct buf *, const char *, size_t,
		    const char *, size_t);
static int	 url_http_port(const struct url_parts *, int *);
static void	 url_canon_auth(struct buf *, const char *, size_t, int);
static void	 url_canon_query(struct buf *, const char *, size_t);
static int	 url_tracking_param(const char *, size_t);
static int	 url_scheme_ok(const char *);
static const char *url_userinfo(const struct url_parts *, size_t *);
static size_t	 url_authority_len(const char *);
static int	 url_origin(struct buf *, const struct url_parts *);

/* Query parameter names that only track the reader (besides utm_*). */
static const char *const url_tracking[] = {
	"fbclid", "gclid", "mc_cid", "mc_eid",
};

/* Length of a scheme ending in ':' at the start of s, or 0. */
static size_t
url_scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == ':')
			return i;
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	}
	return 0;
}

int
url_is_absolute(const char *s)
{
	return s != NULL && url_scheme_len(s, strlen(s)) > 0;
}

int
url_is_http(const char *s)
{
	struct url_parts u;
	int port;

	if (s == NULL)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	url_split(s, strlen(s), &u);
	return url_http_port(&u, &port) && u.has_auth && u.authlen > 0;
}

/*
 * RFC 3986 appendix B:
 * ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
 * with the scheme further held to its grammar, so "a b:c" is a path.
 */
static void
url_split(const char *s, size_t len, struct url_parts *u)
{
	const char *end = s + len, *p = s, *q;

	memset(u, 0, sizeof(*u));
	if ((u->schemelen = url_scheme_len(s, len)) > 0) {
		u->has_scheme = 1;
		u->scheme = s;
		p = s + u->schemelen + 1;
	}
	if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
		u->has_auth = 1;
		u->auth = p += 2;
		while (p < end && *p != '/' && *p != '?' && *p != '#')
			p++;
		u->authlen = p - u->auth;
	}
	u->path = p;
	while (p < end && *p != '?' && *p != '#')
		p++;
	u->pathlen = p - u->path;
	if (p < end && *p == '?') {
		u->has_query = 1;
		u->query = q = ++p;
		while (p < end && *p != '#')
			p++;
		u->querylen = p - q;
	}
	if (p < end && *p == '#') {
		u->has_frag = 1;
		u->frag = ++p;
		u->fraglen = end - p;
	}
}

/* RFC 3986 section 5.2.4, on a copy; returns an allocated path. */
static char *
url_remove_dots(const char *path, size_t len)
{
	struct buf out;
	char *work, *in, *end, *slash;

	work = xstrndup(path, len);
	in = work;
	end = work + len;
	buf_init(&out);
	buf_add(&out, "", 0);
	while (in < end) {
		size_t left = end - in;

		if (left >= 3 && strncmp(in, "../", 3) == 0)
			in += 3;
		else if (left >= 2 && strncmp(in, "./", 2) == 0)
			in += 2;
		else if (left >= 3 && strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (left == 2 && strncmp(in, "/.", 2) == 0) {
			in += 1;
			in[0] = '/';
		} else if ((left >= 4 && strncmp(in, "/../", 4) == 0) ||
		    (left == 3 && strncmp(in, "/..", 3) == 0)) {
			if (left == 3) {
				in += 2;
				in[0] = '/';
			} else
				in += 3;
			slash = memrchr(out.data, '/', out.len);
			out.len = slash == NULL ? 0 : (size_t)(slash - out.data);
			out.data[out.len] = '\0';
		} else if ((left == 1 && in[0] == '.') ||
		    (left == 2 && strncmp(in, "..", 2) == 0))
			in = end;
		else {
			char *seg = in;

			if (*in == '/')
				in++;
			while (in < end && *in != '/')
				in++;
			buf_add(&out, seg, in - seg);
		}
	}
	free(work);
	return buf_release(&out);
}

/* RFC 3986 section 5.2.3: base path up to its last '/', then ref path. */
static void
url_merge(struct buf *b, const struct url_parts *base, const char *rpath,
    size_t rlen)
{
	const char *slash;

	if (base->has_auth && base->pathlen == 0)
		buf_addc(b, '/');
	else if ((slash = memrchr(base->path, '/', base->pathlen)) != NULL)
		buf_add(b, base->path, slash - base->path + 1);
	buf_add(b, rpath, rlen);
}

/* Appends path after dot removal, then the query when there is one. */
static void
url_append_path(struct buf *b, const char *path, size_t pathlen, const char *query,
    size_t querylen)
{
	char *clean;

	clean = url_remove_dots(path, pathlen);
	buf_addstr(b, clean);
	free(clean);
	if (query != NULL) {
		buf_addc(b, '?');
		buf_add(b, query, querylen);
	}
}

char *
url_resolve(const char *base, const char *ref)
{
	struct url_parts B, R;
	struct buf out, path;
	const char *query;
	size_t len, querylen;

	if (ref == NULL)
		ref = "";
	/* Feeds pad links with newlines and indentation. */
	while (isspace((unsigned char)*ref))
		ref++;
	len = strlen(ref);
	while (len > 0 && isspace((unsigned char)ref[len - 1]))
		len--;
	if (url_scheme_len(ref, len) > 0 || base == NULL ||
	    !url_is_absolute(base))
		return xstrndup(ref, len);

	url_split(base, strlen(base), &B);
	url_split(ref, len, &R);
	buf_init(&out);
	buf_init(&path);
	buf_add(&out, B.scheme, B.schemelen + 1);
	if (R.has_auth) {
		buf_add(&out, "//", 2);
		buf_add(&out, R.auth, R.authlen);
		url_append_path(&out, R.path, R.pathlen,
		    R.has_query ? R.query : NULL, R.querylen);
	} else {
		if (B.has_auth) {
			buf_add(&out, "//", 2);
			buf_add(&out, B.auth, B.authlen);
		}
		if (R.pathlen == 0) {
			/* Base path as is: the RFC applies no dot removal. */
			buf_add(&out, B.path, B.pathlen);
			query = R.has_query ? R.query :
			    B.has_query ? B.query : NULL;
			querylen = R.has_query ? R.querylen : B.querylen;
			if (query != NULL) {
				buf_addc(&out, '?');
				buf_add(&out, query, querylen);
			}
		} else {
			if (R.path[0] == '/')
				buf_add(&path, R.path, R.pathlen);
			else
				url_merge(&path, &B, R.path, R.pathlen);
			url_append_path(&out, path.data, path.len,
			    R.has_query ? R.query : NULL, R.querylen);
		}
	}
	if (R.has_frag) {
		buf_addc(&out, '#');
		buf_add(&out, R.frag, R.fraglen);
	}
	buf_free(&path);
	return buf_release(&out);
}

/* 1 for http and https, and the default port of the scheme in *port. */
static int
url_http_port(const struct url_parts *u, int *port)
{
	if (u->schemelen == 4 && strncasecmp(u->scheme, "http", 4) == 0) {
		*port = 80;
		return 1;
	}
	if (u->schemelen == 5 && strncasecmp(u->scheme, "https", 5) == 0) {
		*port = 443;
		return 1;
	}
	*port = -1;
	return 0;
}

/*
 * userinfo@host:port with the host lowercased (the hex digits of a %XX
 * escape are left alone), the userinfo kept, and an empty or default port
 * dropped.
 */
static void
url_canon_auth(struct buf *b, const char *a, size_t len, int defport)
{
	const char *at, *host, *end = a + len, *colon = NULL, *p;
	long port;
	int hex = 0, inv6 = 0;

	if ((at = memrchr(a, '@', len)) != NULL) {
		buf_add(b, a, at - a + 1);
		host = at + 1;
	} else
		host = a;
	/*
	 * The port follows the first ':' that is not inside an IPv6
	 * "[...]": a host has no other, so "h:80:" keeps "80:" as its port
	 * and canonicalising a canonical URL changes nothing.
	 */
	for (p = host; p < end && colon == NULL; p++) {
		if (*p == '[')
			inv6 = 1;
		else if (*p == ']')
			inv6 = 0;
		else if (*p == ':' && !inv6)
			colon = p;
	}
	for (p = host; p < (colon != NULL ? colon : end); p++) {
		if (*p == '%')
			hex = 2;
		else if (hex > 0)
			hex--;
		buf_addc(b, hex > 0 && *p != '%' ? *p :
		    (char)tolower((unsigned char)*p));
	}
	if (colon == NULL || colon + 1 == end)
		return;
	port = -1;
	if (end - colon - 1 <= 5) {
		port = 0;
		for (p = colon + 1; p < end; p++) {
			if (!isdigit((unsigned char)*p)) {
				port = -1;
				break;
			}
			port = port * 10 + (*p - '0');
		}
	}
	if (port != defport || defport == -1)
		buf_add(b, colon, end - colon);
}

/* 1 when the parameter name is utm_* or a known click identifier. */
static int
url_tracking_param(const char *name, size_t len)
{
	size_t i;

	if (len >= 4 && strncasecmp(name, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(url_tracking) / sizeof(url_tracking[0]); i++)
		if (strlen(url_tracking[i]) == len &&
		    strncasecmp(name, url_tracking[i], len) == 0)
			return 1;
	return 0;
}

/* "?" and the kept parameters in order, or nothing when none is left. */
static void
url_canon_query(struct buf *b, const char *q, size_t len)
{
	const char *end = q + len, *p, *amp, *eq;
	int first = 1;

	for (p = q; p <= end; p = amp + 1) {
		if ((amp = memchr(p, '&', end - p)) == NULL)
			amp = end;
		if (amp == p)
			continue;
		eq = memchr(p, '=', amp - p);
		if (url_tracking_param(p, (eq != NULL ? eq : amp) - p))
			continue;
		buf_addc(b, first ? '?' : '&');
		buf_add(b, p, amp - p);
		first = 0;
	}
}

/*
 * Only URLs with an authority ("scheme://...") have a host, port and
 * query to normalise; others (urn:, mailto:, tag:) lose only their
 * fragment and the case of their scheme.
 */
char *
url_canonical(const char *abs_url)
{
	struct url_parts u;
	struct buf out;
	char *path;
	size_t i, len;
	int defport, http;

	if (abs_url == NULL)
		return xstrdup("");
	while (isspace((unsigned char)*abs_url))
		abs_url++;
	len = strlen(abs_url);
	while (len > 0 && isspace((unsigned char)abs_url[len - 1]))
		len--;
	url_split(abs_url, len, &u);
	buf_init(&out);
	buf_add(&out, "", 0);
	if (u.has_scheme) {
		for (i = 0; i < u.schemelen; i++)
			buf_addc(&out, (char)tolower((unsigned char)u.scheme[i]));
		buf_addc(&out, ':');
	}
	if (!u.has_auth) {
		buf_add(&out, u.path, u.pathlen);
		if (u.has_query) {
			buf_addc(&out, '?');
			buf_add(&out, u.query, u.querylen);
		}
		return buf_release(&out);
	}
	http = url_http_port(&u, &defport);
	buf_add(&out, "//", 2);
	url_canon_auth(&out, u.auth, u.authlen, defport);
	if (u.pathlen == 0 && http)
		buf_addc(&out, '/');
	else {
		path = url_remove_dots(u.path, u.pathlen);
		buf_addstr(&out, path);
		free(path);
	}
	if (u.has_query)
		url_canon_query(&out, u.query, u.querylen);
	return buf_release(&out);
}

/* Whether uri has a scheme feedparser accepts (ACCEPTABLE_URI_SCHEMES). */
static int
url_scheme_ok(const char *uri)
{
	static const char *const ok[] = {
		"file", "ftp", "gopher", "h323", "hdl", "http", "https",
		"imap", "magnet", "mailto", "mms", "news", "nntp", "prospero",
		"rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
		"snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto",
		"cvs", "facetime", "feed", "git", "gtalk", "irc", "ircs",
		"irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg",
	};
	const char *c;

	while (isspace((unsigned char)*uri))
		uri++;
	if ((c = strchr(uri, ':')) == NULL)
		return 0;
	return names_in(uri, (size_t)(c - uri), ok, NELEM(ok), 0);
}

char *
url_join(const char *base, const char *ref)
{
	const char *p, *q;
	struct buf b;
	char *fixed, *r;

	if (ref == NULL)
		ref = "";
	/* _urifixer: "scheme:////x" loses the extra slashes. */
	buf_init(&b);
	p = ref;
	if (isalpha((unsigned char)*p)) {
		for (q = p + 1; isalnum((unsigned char)*q) || *q == '+' ||
		    *q == '-' || *q == '.'; q++)
			;
		if (strncmp(q, "://", 3) == 0) {
			buf_add(&b, p, (size_t)(q - p) + 3);
			for (q += 3; *q == '/'; q++)
				;
			buf_addstr(&b, q);
		}
	}
	if (b.len == 0)
		buf_addstr(&b, ref);
	fixed = buf_release(&b);
	if (base == NULL || *base == '\0')
		return fixed;
	if (*fixed == '\0') {
		free(fixed);
		return xstrdup(base);
	}
	r = url_resolve(base, fixed);
	free(fixed);
	return r;
}

char *
url_join_safe(const char *base, const char *rel)
{
	char *u;

	if (base == NULL || *base == '\0')
		return xstrdup(rel != NULL ? rel : "");
	if (rel == NULL || *rel == '\0') {
		if (strchr(base, ':') == NULL || url_scheme_ok(base))
			return xstrdup(base);
		return xstrdup("");
	}
	u = url_join(base, rel);
	if (!url_scheme_ok(u)) {
		free(u);
		return xstrdup("");
	}
	return u;
}

/* The userinfo of u ("user:pass"), its length in *len; NULL when none. */
static const char *
url_userinfo(const struct url_parts *u, size_t *len)
{
	const char *at;

	if (!u->has_auth ||
	    (at = memrchr(u->auth, '@', u->authlen)) == NULL)
		return NULL;
	*len = (size_t)(at - u->auth);
	return u->auth;
}

/*
 * How far the authority that starts at s reaches in free text: to the
 * path, query or fragment, or to what cannot be part of a URL there.
 */
static size_t
url_authority_len(const char *s)
{
	return strcspn(s, "/?#\\ \t\r\n\"'<>");
}

char *
url_hide_password(const char *s)
{
	struct buf b;
	const char *p, *sep, *auth, *at, *colon;
	size_t alen;

	if (s == NULL)
		return NULL;
	buf_init(&b);
	buf_add(&b, "", 0);
	for (p = s; (sep = strstr(p, "://")) != NULL; p = auth + alen) {
		auth = sep + 3;
		alen = url_authority_len(auth);
		buf_add(&b, p, (size_t)(auth - p));
		/* Only a scheme ("https", "svn+ssh") comes before "://". */
		if (sep == s || !isalnum((unsigned char)sep[-1]) ||
		    (at = memrchr(auth, '@', alen)) == NULL ||
		    (colon = memchr(auth, ':', (size_t)(at - auth))) == NULL ||
		    colon + 1 == at) {
			buf_add(&b, auth, alen);
			continue;
		}
		buf_add(&b, auth, (size_t)(colon + 1 - auth));
		buf_addstr(&b, "***");
		buf_add(&b, at, alen - (size_t)(at - auth));
	}
	buf_addstr(&b, p);
	return buf_release(&b);
}

char *
url_strip_userinfo(const char *url)
{
	struct url_parts u;
	const char *ui;
	size_t len;
	char *out;

	if (url == NULL)
		return NULL;
	url_split(url, strlen(url), &u);
	if ((ui = url_userinfo(&u, &len)) == NULL)
		return xstrdup(url);
	/* "scheme://" then what follows "user:pass@". */
	out = xasprintf("%.*s%s", (int)(ui - url), url, ui + len + 1);
	return out;
}

/*
 * scheme://host:port of u, lowercased and without a default port or the
 * userinfo, into b; 0 when u has no authority.
 */
static int
url_origin(struct buf *b, const struct url_parts *u)
{
	const char *ui;
	size_t len = 0, i;
	int defport;

	if (!u->has_scheme || !u->has_auth)
		return 0;
	for (i = 0; i < u->schemelen; i++)
		buf_addc(b, (char)tolower((unsigned char)u->scheme[i]));
	buf_add(b, "://", 3);
	if ((ui = url_userinfo(u, &len)) != NULL)
		len++;
	url_http_port(u, &defport);
	url_canon_auth(b, u->auth + len, u->authlen - len, defport);
	return 1;
}

char *
url_lend_userinfo(const char *url, const char *owner)
{
	struct url_parts u, o;
	struct buf a, b;
	const char *ui;
	size_t len;
	int same;

	url_split(url, strlen(url), &u);
	url_split(owner, strlen(owner), &o);
	if (url_userinfo(&u, &len) != NULL ||
	    (ui = url_userinfo(&o, &len)) == NULL)
		return xstrdup(url);
	buf_init(&a);
	buf_init(&b);
	same = url_origin(&a, &u) && url_origin(&b, &o) &&
	    strcmp(a.data, b.data) == 0;
	buf_free(&a);
	buf_free(&b);
	if (!same)
		return xstrdup(url);
	return xasprintf("%.*s%.*s@%s", (int)(u.auth - url), url, (int)len,
	    ui, u.auth);
}

char *
url_identity(const char *url)
{
	char *bare, *id;

	bare = url_strip_userinfo(url != NULL ? url : "");
	id = url_canonical(bare);
	free(bare);
	return id;
}

int
url_site(const char *url, char *host, size_t size, const char **path)
{
	struct url_parts u;
	const char *h, *at, *colon;
	size_t len;

	if (url == NULL || !url_is_http(url))
		return -1;
	url_split(url, strlen(url), &u);
	h = u.auth;
	len = u.authlen;
	/* No credentials, no port: the host alone. */
	if ((at = memrchr(h, '@', len)) != NULL) {
		len -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if ((colon = memrchr(h, ':', len)) != NULL &&
	    memchr(colon, ']', len - (size_t)(colon - h)) == NULL)
		len = (size_t)(colon - h);
	if (len >= 4 && strncasecmp(h, "www.", 4) == 0) {
		h += 4;
		len -= 4;
	}
	if (len == 0 || len >= size)
		return -1;
	for (size_t i = 0; i < len; i++)
		host[i] = (char)tolower((unsigned char)h[i]);
	host[len] = '\0';
	*path = u.auth + u.authlen;
	return 0;
}
