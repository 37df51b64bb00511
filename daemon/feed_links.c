/*
 * Links: URIs joined as feedparser joins them (with its list of safe
 * schemes), and the elements that become links: link, guid and id,
 * enclosure, and licenses.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

static int
scheme_ok(const char *uri)
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
	size_t i, n;

	while (isspace((unsigned char)*uri))
		uri++;
	if ((c = strchr(uri, ':')) == NULL)
		return 0;
	n = (size_t)(c - uri);
	for (i = 0; i < NELEM(ok); i++)
		if (strlen(ok[i]) == n && strncmp(ok[i], uri, n) == 0)
			return 1;
	return 0;
}

char *
feed__urljoin(const char *base, const char *ref)
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
feed__safe_uri(const char *base, const char *rel)
{
	char *u;

	if (base == NULL || *base == '\0')
		return xstrdup(rel != NULL ? rel : "");
	if (rel == NULL || *rel == '\0') {
		if (strchr(base, ':') == NULL || scheme_ok(base))
			return xstrdup(base);
		return xstrdup("");
	}
	u = feed__urljoin(base, rel);
	if (!scheme_ok(u)) {
		free(u);
		return xstrdup("");
	}
	return u;
}

char *
feed__resolve(struct fp *p, const char *uri)
{
	return feed__urljoin(p->baseuri != NULL ? p->baseuri : "", uri);
}

/*
 * The document's base: Content-Location resolved against the document URL
 * (feedparser's order), else the URL; NULL when there is neither.
 */
char *
feed__doc_base(const char *url, const char *cloc)
{
	char *base = NULL;

	if (url != NULL && cloc != NULL) {
		base = feed__safe_uri(url, cloc);
		if (*base == '\0')
			feed__set_str(&base, NULL);
	}
	if (base == NULL && cloc != NULL) {
		base = feed__safe_uri(cloc, NULL);
		if (*base == '\0')
			feed__set_str(&base, NULL);
	}
	if (base == NULL && url != NULL && *url != '\0')
		base = xstrdup(url);
	return base;
}

/* A new zeroed link of c, or NULL past the thousandth. */
struct feed_link *
feed__add_link(struct fp_ctx *c)
{
	struct feed_link *l;

	if (c->nlinks >= 1000)
		return NULL;
	c->links = xreallocarray(c->links, c->nlinks + 1, sizeof(*c->links));
	l = &c->links[c->nlinks++];
	memset(l, 0, sizeof(*l));
	return l;
}

void
feed__st_link(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c;
	struct feed_link *l = NULL;
	const char *rel, *type, *href;
	char *abs = NULL;

	(void)tag;
	rel = feed__attr_get(a, n, "rel");
	if (rel == NULL)
		rel = "alternate";
	type = feed__attr_get(a, n, "type");
	if (type == NULL)
		type = strcmp(rel, "self") == 0 ? "application/atom+xml" :
		    "text/html";
	c = feed__context(p);
	href = feed__attr_get(a, n, "url");
	if (href == NULL || *href == '\0')
		href = feed__attr_get(a, n, "uri");
	if (href == NULL || *href == '\0')
		href = feed__attr_get(a, n, "href");
	if (href != NULL && *href == '\0' &&
	    feed__attr_get(a, n, "href") == NULL)
		href = NULL;
	if (href != NULL)
		abs = feed__resolve(p, href);
	if (!(p->inentry && p->inimage))
		l = feed__add_link(c);
	if (l != NULL) {
		l->rel = xstrdup(rel);
		l->type = xstrdup(type);
		l->href = xstrdup_or_null(abs);
		l->title = xstrdup_or_null(feed__attr_get(a, n, "title"));
		l->length = xstrdup_or_null(feed__attr_get(a, n, "length"));
		l->hreflang = xstrdup_or_null(feed__attr_get(a, n, "hreflang"));
	}
	if (abs != NULL) {
		if (strcmp(rel, "alternate") == 0 && text_is_html_type(type))
			feed__set_str(&c->link, abs);
	} else
		feed__push(p, "link", feed__expecting(p));
	free(abs);
}

void
feed__en_link(struct fp *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "link"));
}

static void
st_guid(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	v = feed__attr_get(a, n, "ispermalink");
	p->guidislink = v == NULL || strcmp(v, "true") == 0;
	feed__push(p, "id", 1);
}

static void
en_guid(struct fp *p, const char *tag)
{
	struct fp_ctx *c;
	char *v;

	(void)tag;
	v = feed__pop(p, "id");
	if (p->guidislink && v != NULL) {
		c = feed__context(p);
		if (c->link == NULL)
			c->link = xstrdup(v);
	}
	free(v);
}

static void
st_enclosure(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c = feed__context(p);
	struct feed_link *l;
	const char *href;

	(void)tag;
	href = feed__attr_get(a, n, "url");
	if (href == NULL || *href == '\0')
		href = feed__attr_get(a, n, "uri");
	if (href == NULL || *href == '\0')
		href = feed__attr_get(a, n, "href");
	if ((l = feed__add_link(c)) == NULL)
		return;
	l->rel = xstrdup("enclosure");
	l->href = xstrdup_or_null(href);
	l->type = xstrdup_or_null(feed__attr_get(a, n, "type"));
	l->length = xstrdup_or_null(feed__attr_get(a, n, "length"));
	l->title = xstrdup_or_null(feed__attr_get(a, n, "title"));
	l->hreflang = xstrdup_or_null(feed__attr_get(a, n, "hreflang"));
}

/* Licenses become links with rel="license", as in feedparser. */
static void
add_license(struct fp *p, const char *href)
{
	struct feed_link *l;

	if (href == NULL || (l = feed__add_link(feed__context(p))) == NULL)
		return;
	l->rel = xstrdup("license");
	l->href = xstrdup(href);
}

static void
st_cc_license(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	add_license(p, feed__attr_get(a, n, "rdf:resource"));
}

static void
st_cc_license_text(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "license", 1);
}

static void
en_cc_license_text(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "license");
	add_license(p, v);
	free(v);
}

static const struct fp_handler handlers[] = {
	{ "cc_license",		st_cc_license,		NULL },
	{ "creativecommons_license", st_cc_license_text, en_cc_license_text },
	{ "enclosure",		st_enclosure,		NULL },
	{ "guid",		st_guid,		en_guid },
	{ "id",			st_guid,		en_guid },
	{ "link",		feed__st_link,		feed__en_link },
};

const struct feed__handlers feed__link_handlers = {
	handlers, NELEM(handlers)
};
