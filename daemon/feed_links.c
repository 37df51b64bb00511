/*
 * Links: the document's base URI, and the elements that become links:
 * link, guid and id, enclosure, and licenses.  URIs are joined as
 * feedparser joins them, by url_join and url_join_safe (url.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/*
 * The document's base: Content-Location resolved against the document URL
 * (feedparser's order), else the URL; NULL when there is neither.
 */
char *
feed__doc_base(const char *url, const char *cloc)
{
	char *base = NULL;

	if (url != NULL && cloc != NULL) {
		base = url_join_safe(url, cloc);
		if (*base == '\0')
			feed__set_str(&base, NULL);
	}
	if (base == NULL && cloc != NULL) {
		base = url_join_safe(cloc, NULL);
		if (*base == '\0')
			feed__set_str(&base, NULL);
	}
	if (base == NULL && url != NULL && *url != '\0')
		base = xstrdup(url);
	return base;
}

/* A new zeroed link of c, or NULL past the thousandth. */
struct feed_link *
feed__add_link(struct feed__ctx *c)
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
feed__st_link(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	struct feed__ctx *c;
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
	if (abs == NULL)
		feed__push(p, "link", feed__expecting(p));
	else if (strcmp(rel, "alternate") == 0 && text_is_html_type(type)) {
		feed__set_str(&c->link, abs);
		/* <link uri="tag:...">http://...</link>: see en_link. */
		if (href != feed__attr_get(a, n, "href"))
			feed__push(p, "link_text", feed__expecting(p));
	}
	free(abs);
}

/*
 * A link's text is its href when it has none.  When the href came from a
 * url or uri attribute, not Atom's href, text that is an http(s) URL wins
 * over it: such feeds put an id there (tag:, urn:) and the page in the
 * text.  feedparser ignores the text.
 */
void
feed__en_link(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = feed__pop(p, "link_text")) == NULL)
		v = feed__pop(p, "link");
	else if (url_is_http(v))
		feed__store(p, "link", v);
	free(v);
}

static void
st_guid(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	v = feed__attr_get(a, n, "ispermalink");
	p->guidislink = v == NULL || strcmp(v, "true") == 0;
	feed__push(p, "id", 1);
}

static void
en_guid(struct feed__parser *p, const char *tag)
{
	struct feed__ctx *c;
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
st_enclosure(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	struct feed__ctx *c = feed__context(p);
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
add_license(struct feed__parser *p, const char *href)
{
	struct feed_link *l;

	if (href == NULL || (l = feed__add_link(feed__context(p))) == NULL)
		return;
	l->rel = xstrdup("license");
	l->href = xstrdup(href);
}

static void
st_cc_license(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	add_license(p, feed__attr_get(a, n, "rdf:resource"));
}

static void
st_cc_license_text(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "license", 1);
}

static void
en_cc_license_text(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "license");
	add_license(p, v);
	free(v);
}

static const struct feed__handler handlers[] = {
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
