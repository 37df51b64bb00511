/*
 * Element start and end, as feedparser's unknown_starttag and
 * unknown_endtag: element names spelt with feedparser's namespace
 * prefixes, the xml:base and xml:lang scope, markup inside xhtml content
 * serialised back into the text, and dispatch to the handler tables of
 * feed_container.c, feed_text.c, feed_people.c, feed_links.c and
 * feed_tags.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* Namespace URIs feedparser knows, lowercase, with its prefix for them. */
static const char *known_ns[][2] = {
	{ "", "" },
	{ "http://backend.userland.com/rss", "" },
	{ "http://blogs.law.harvard.edu/tech/rss", "" },
	{ "http://purl.org/rss/1.0/", "" },
	{ "http://my.netscape.com/rdf/simple/0.9/", "" },
	{ "http://example.com/newformat#", "" },
	{ "http://example.com/necho", "" },
	{ "http://purl.org/echo/", "" },
	{ "uri/of/echo/namespace#", "" },
	{ "http://purl.org/pie/", "" },
	{ FEED_ATOM03_NS, "" },
	{ FEED_ATOM_NS, "" },
	{ "http://purl.org/rss/1.0/modules/rss091#", "" },
	{ "http://webns.net/mvcb/", "admin" },
	{ "http://purl.org/rss/1.0/modules/aggregation/", "ag" },
	{ "http://purl.org/rss/1.0/modules/annotate/", "annotate" },
	{ "http://media.tangent.org/rss/1.0/", "audio" },
	{ "http://backend.userland.com/blogchannelmodule", "blogChannel" },
	{ "http://creativecommons.org/ns#license", "cc" },
	{ "http://web.resource.org/cc/", "cc" },
	{ "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html",
	    "creativeCommons" },
	{ "http://backend.userland.com/creativecommonsrssmodule",
	    "creativeCommons" },
	{ "http://purl.org/rss/1.0/modules/company", "co" },
	{ "http://purl.org/rss/1.0/modules/content/", "content" },
	{ "http://my.theinfo.org/changed/1.0/rss/", "cp" },
	{ "http://purl.org/dc/elements/1.1/", "dc" },
	{ "http://purl.org/dc/terms/", "dcterms" },
	{ "http://purl.org/rss/1.0/modules/email/", "email" },
	{ "http://purl.org/rss/1.0/modules/event/", "ev" },
	{ "http://rssnamespace.org/feedburner/ext/1.0", "feedburner" },
	{ "http://freshmeat.net/rss/fm/", "fm" },
	{ "http://xmlns.com/foaf/0.1/", "foaf" },
	{ "http://www.w3.org/2003/01/geo/wgs84_pos#", "geo" },
	{ "http://www.georss.org/georss", "georss" },
	{ "http://www.opengis.net/gml", "gml" },
	{ "http://postneo.com/icbm/", "icbm" },
	{ "http://purl.org/rss/1.0/modules/image/", "image" },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://example.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://purl.org/rss/1.0/modules/link/", "l" },
	{ "http://search.yahoo.com/mrss", "media" },
	{ "http://search.yahoo.com/mrss/", "media" },
	{ "http://madskills.com/public/xml/rss/module/pingback/", "pingback" },
	{ "http://prismstandard.org/namespaces/1.2/basic/", "prism" },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf" },
	{ "http://www.w3.org/2000/01/rdf-schema#", "rdfs" },
	{ "http://purl.org/rss/1.0/modules/reference/", "ref" },
	{ "http://purl.org/rss/1.0/modules/richequiv/", "reqv" },
	{ "http://purl.org/rss/1.0/modules/search/", "search" },
	{ "http://purl.org/rss/1.0/modules/slash/", "slash" },
	{ "http://schemas.xmlsoap.org/soap/envelope/", "soap" },
	{ "http://purl.org/rss/1.0/modules/servicestatus/", "ss" },
	{ "http://hacks.benhammersley.com/rss/streaming/", "str" },
	{ "http://purl.org/rss/1.0/modules/subscription/", "sub" },
	{ "http://purl.org/rss/1.0/modules/syndication/", "sy" },
	{ "http://schemas.pocketsoap.com/rss/mydescmodule/", "szf" },
	{ "http://purl.org/rss/1.0/modules/taxonomy/", "taxo" },
	{ "http://purl.org/rss/1.0/modules/threading/", "thr" },
	{ "http://purl.org/rss/1.0/modules/textinput/", "ti" },
	{ "http://madskills.com/public/xml/rss/module/trackback/", "trackback" },
	{ "http://wellformedweb.org/commentapi/", "wfw" },
	{ "http://purl.org/rss/1.0/modules/wiki/", "wiki" },
	{ "http://www.w3.org/1999/xhtml", "xhtml" },
	{ "http://www.w3.org/1999/xlink", "xlink" },
	{ "http://www.w3.org/xml/1998/namespace", "xml" },
	{ "http://podlove.org/simple-chapters", "psc" },
};

#define FEED_XHTML_TYPE	"application/xhtml+xml"

/* The handler tables; no name is in two. */
static const struct feed__handlers *const tables[] = {
	&feed__container_handlers,
	&feed__text_handlers,
	&feed__people_handlers,
	&feed__link_handlers,
	&feed__tag_handlers,
};

/*
 * All handlers in one hash table, built once: two lookups per element
 * (start and end) make this the parser's most frequent search.  Open
 * addressing, at most a quarter full.
 */
static const struct feed__handler **handler_slot;
static size_t handler_mask;
static pthread_once_t all_handlers_once = PTHREAD_ONCE_INIT;

static size_t
handler_hash(const char *s)
{
	size_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h & handler_mask;
}

static void
handlers_merge(void)
{
	size_t i, j, k, n = 0, slots = 16;

	for (i = 0; i < NELEM(tables); i++)
		n += tables[i]->n;
	while (slots < 4 * n)
		slots *= 2;
	handler_slot = xcalloc(slots, sizeof(*handler_slot));
	handler_mask = slots - 1;
	for (i = 0; i < NELEM(tables); i++)
		for (j = 0; j < tables[i]->n; j++) {
			k = handler_hash(tables[i]->h[j].name);
			while (handler_slot[k] != NULL)
				k = (k + 1) & handler_mask;
			handler_slot[k] = &tables[i]->h[j];
		}
}

static const struct feed__handler *
handler_find(const char *name)
{
	const struct feed__handler *h;
	size_t k;

	pthread_once(&all_handlers_once, handlers_merge);
	for (k = handler_hash(name); (h = handler_slot[k]) != NULL;
	    k = (k + 1) & handler_mask)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

/* Known namespace URI to feedparser's prefix, or NULL. */
const char *
feed__known_prefix(const char *lowernsuri)
{
	size_t i;

	for (i = 0; i < NELEM(known_ns); i++)
		if (strcmp(known_ns[i][0], lowernsuri) == 0)
			return known_ns[i][1];
	return NULL;
}

void
feed__track_namespace(struct feed__parser *p, const char *prefix,
    const char *uri)
{
	char *l = xstrndup_lower(uri, strlen(uri));

	if (p->version == NULL || *p->version == '\0') {
		if (prefix == NULL &&
		    strcmp(l, "http://my.netscape.com/rdf/simple/0.9/") == 0)
			feed__set_str(&p->version, "rss090");
		else if (strcmp(l, "http://purl.org/rss/1.0/") == 0)
			feed__set_str(&p->version, "rss10");
		else if (strcmp(l, FEED_ATOM_NS) == 0)
			feed__set_str(&p->version, "atom10");
	}
	if (strstr(l, "backend.userland.com/rss") == NULL &&
	    feed__known_prefix(l) == NULL && p->nns < 256) {
		p->ns_prefix = xreallocarray(p->ns_prefix, p->nns + 1,
		    sizeof(*p->ns_prefix));
		p->ns_prefix[p->nns++] = xstrdup(prefix ? prefix : "");
	}
	free(l);
}

/* feedparser's prefix for an element's namespace URI, or NULL. */
static const char *
element_ns_prefix(struct feed__parser *p, const xmlChar *uri)
{
	const char *kp;
	char *l;
	size_t i;

	for (i = 0; i < p->nns_memo; i++)
		if (p->ns_memo[i].uri == uri)
			return p->ns_memo[i].prefix;
	l = xstrndup_lower(uri ? (const char *)uri : "",
	    uri ? strlen((const char *)uri) : 0);
	if (strstr(l, "backend.userland.com/rss") != NULL)
		feed__set_str(&l, "http://backend.userland.com/rss");
	kp = feed__known_prefix(l);
	free(l);
	if (p->nns_memo < NELEM(p->ns_memo)) {
		p->ns_memo[p->nns_memo].uri = uri;
		p->ns_memo[p->nns_memo++].prefix = kp;
	}
	return kp;
}

/*
 * The element's name as feedparser's strict parser spells it; with a
 * prefix no xmlns declares, as its loose parser does: the prefix as
 * written, so that an undeclared content:encoded is still content.
 */
char *
feed__element_name(struct feed__parser *p, const xmlChar *localname,
    const xmlChar *prefix, const xmlChar *uri)
{
	const char *kp;

	if (prefix != NULL && uri == NULL) {
		feed__set_error(p, "undeclared namespace prefix");
		kp = (const char *)prefix;
	} else if ((kp = element_ns_prefix(p, uri)) == NULL)
		kp = (const char *)prefix;
	return feed__join(kp != NULL && *kp != '\0' ? kp : NULL, ':',
	    (const char *)localname, 1);
}

static void
xhtml_attrs(struct buf *b, char **a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 2) {
		buf_printf(b, " %s=\"", a[i]);
		text_escape(b, a[i + 1], strlen(a[i + 1]), TEXT_ESC_QUOTE);
		buf_addc(b, '"');
	}
}

static int
cp_type_is_xml(const struct feed__parser *p)
{
	const char *t = p->cp.type != NULL ? p->cp.type : "xml";
	size_t n = strlen(t);

	return n >= 3 && strcmp(t + n - 3, "xml") == 0;
}

/*
 * Markup inside content that is not XML makes it xhtml; a wrapper <div>
 * itself is not serialised.  Returns 1 for such a div.
 */
static int
content_div(struct feed__parser *p, const char *tag)
{
	if (p->incontent && !cp_type_is_xml(p)) {
		if (strcmp(tag, "xhtml:div") == 0 || strcmp(tag, "div") == 0)
			return 1;
		feed__set_str(&p->cp.type, FEED_XHTML_TYPE);
	}
	return 0;
}

/*
 * A scope's saved base or language, which nearly always equals its
 * parent's: then the parent's copy is shared, not duplicated.  A level
 * owns its string when it differs from the one below (feed__scope_free).
 */
static char *
scope_save(char **stack, size_t n, const char *s)
{
	if (n > 0 && streq_null(stack[n - 1], s))
		return stack[n - 1];
	return xstrdup_or_null(s);
}

void
feed__scope_free(char **stack, size_t i)
{
	if (i == 0 || stack[i] != stack[i - 1])
		free(stack[i]);
}

static void
scope_push(struct feed__parser *p)
{
	if (p->nstack == p->capstack) {
		p->capstack = p->capstack ? p->capstack * 2 : 32;
		p->basestack = xreallocarray(p->basestack, p->capstack,
		    sizeof(char *));
		p->langstack = xreallocarray(p->langstack, p->capstack,
		    sizeof(char *));
	}
	p->basestack[p->nstack] = scope_save(p->basestack, p->nstack,
	    p->baseuri);
	p->langstack[p->nstack] = scope_save(p->langstack, p->nstack,
	    p->lang);
	p->nstack++;
}

/* The parent's base or language back: most often it never changed. */
static void
scope_restore(char **dst, const char *saved)
{
	if (!streq_null(*dst, saved))
		feed__set_str(dst, saved);
}

/*
 * "dc:creator" -> "dc_creator", the name handlers are found by; *suffix
 * points at the part after the prefix; name equals *suffix when there
 * is no prefix.  The name is written to buf when it fits, else
 * allocated: the caller frees a result that is not buf.
 */
static char *
element_name(const char *tag, const char **suffix, char *buf, size_t size)
{
	const char *colon = strchr(tag, ':'), *src;
	size_t n;
	char *r;

	*suffix = colon != NULL ? colon + 1 : tag;
	/* With a prefix the name is the tag with its colon made '_'. */
	src = colon != NULL && colon != tag ? tag : *suffix;
	n = strlen(src);
	r = n < size ? buf : xmalloc(n + 1);
	memcpy(r, src, n + 1);
	if (src == tag && colon != NULL)
		r[colon - tag] = '_';
	return r;
}

/*
 * The element's base: its xml:base b resolved against the parent's.
 * Without one the base is resolved against itself, which nearly always
 * leaves it as it was: a base seen to do so (base_fixed) skips the work
 * for the many elements that have none.
 */
static void
scope_base(struct feed__parser *p, const char *b)
{
	char *nb, *before = NULL;

	if (b == NULL || *b == '\0') {
		if (p->baseuri != NULL && p->base_fixed != NULL &&
		    strcmp(p->baseuri, p->base_fixed) == 0)
			return;
		b = p->baseuri;
		before = xstrdup_or_null(p->baseuri);
	}
	if (p->baseuri != NULL && *p->baseuri != '\0') {
		nb = url_join_safe(p->baseuri, b);
		if (*nb != '\0')
			feed__set_str(&p->baseuri, nb);
		free(nb);
	} else {
		nb = url_join(p->baseuri, b);
		free(p->baseuri);
		p->baseuri = nb;
	}
	if (before != NULL && strcmp(before, p->baseuri) == 0) {
		free(p->base_fixed);
		p->base_fixed = before;
	} else
		free(before);
}

/* Sets the xml:base and xml:lang of an element, saving its parent's. */
static void
scope_enter(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *b, *l;

	p->depth++;
	if ((b = feed__attr_get(a, n, "xml:base")) == NULL)
		b = feed__attr_get(a, n, "base");
	scope_base(p, b);
	if ((l = feed__attr_get(a, n, "xml:lang")) == NULL)
		l = feed__attr_get(a, n, "lang");
	if (l != NULL)
		feed__set_str(&p->lang, *l != '\0' ? l : NULL);
	if (p->lang != NULL && *p->lang != '\0' && (strcmp(tag, "feed") == 0 ||
	    strcmp(tag, "rss") == 0)) {
		feed__set_str(&p->feed.str[F_LANGUAGE], p->lang);
		feed__lang_fix(p->feed.str[F_LANGUAGE]);
	}
	scope_push(p);
}

/* Back to the parent's base and language. */
static void
scope_leave(struct feed__parser *p)
{
	if (p->nstack > 0) {
		p->nstack--;
		feed__scope_free(p->basestack, p->nstack);
		feed__scope_free(p->langstack, p->nstack);
		if (p->nstack > 0 && p->basestack[p->nstack - 1] != NULL &&
		    *p->basestack[p->nstack - 1] != '\0')
			scope_restore(&p->baseuri, p->basestack[p->nstack - 1]);
		if (p->nstack > 0)
			scope_restore(&p->lang, p->langstack[p->nstack - 1]);
	}
	p->depth--;
}

/* Whether markup here is part of xhtml content, to be serialised. */
static int
in_xhtml(const struct feed__parser *p)
{
	return p->incontent && p->cp.type != NULL &&
	    strcmp(p->cp.type, FEED_XHTML_TYPE) == 0;
}

/*
 * A start tag inside xhtml content, written into the text without its
 * prefix; MathML and SVG keep their namespace, which browsers need.
 */
static void
xhtml_start(struct feed__parser *p, const char *tag, char **a, size_t n,
    const xmlChar *uri)
{
	const char *colon, *u = (const char *)uri;
	struct buf t;
	int add_xmlns;

	if ((colon = strchr(tag, ':')) != NULL)
		tag = colon + 1;
	add_xmlns = u != NULL && ((strcmp(tag, "math") == 0 &&
	    strcmp(u, "http://www.w3.org/1998/Math/MathML") == 0) ||
	    (strcmp(tag, "svg") == 0 &&
	    strcmp(u, "http://www.w3.org/2000/svg") == 0)) &&
	    feed__attr_get(a, n, "xmlns") == NULL;
	if (strcmp(tag, "svg") == 0)
		p->svgok++;
	buf_init(&t);
	buf_printf(&t, "<%s", tag);
	xhtml_attrs(&t, a, n);
	if (add_xmlns)
		buf_printf(&t, " xmlns=\"%s\"", u);
	buf_addc(&t, '>');
	feed__data(p, t.data, t.len, 0);
	buf_free(&t);
}

static void
xhtml_end(struct feed__parser *p, const char *tag)
{
	const char *colon;
	struct buf t;

	if ((colon = strrchr(tag, ':')) != NULL)
		tag = colon + 1;
	buf_init(&t);
	buf_printf(&t, "</%s>", tag);
	feed__data(p, t.data, t.len, 0);
	buf_free(&t);
}

/*
 * An element that is none of an image's or a text input's own children
 * ends that image or text input, as in feedparser.
 */
static void
leave_image(struct feed__parser *p, const char *tag)
{
	static const char *const textinput_children[] = {
		"description", "link", "name", "title",
	};
	static const char *const image_children[] = {
		"description", "height", "href", "link", "title", "url",
		"width",
	};
	size_t n = strlen(tag);

	if (!names_in(tag, n, textinput_children, NELEM(textinput_children),
	    0))
		p->intextinput = 0;
	if (!names_in(tag, n, image_children, NELEM(image_children), 0))
		p->inimage = 0;
}

/* feedparser's unknown_starttag. */
void
feed__starttag(struct feed__parser *p, const char *tag, char **a, size_t n,
    const xmlChar *uri)
{
	const struct feed__handler *h;
	const char *suffix;
	char *name, nbuf[64];

	scope_enter(p, tag, a, n);
	if (content_div(p, tag))
		return;
	if (in_xhtml(p)) {
		xhtml_start(p, tag, a, n, uri);
		return;
	}
	name = element_name(tag, &suffix, nbuf, sizeof(nbuf));
	if ((p->intextinput || p->inimage) && strcmp(name, suffix) == 0)
		leave_image(p, tag);
	h = p->svgok && strcmp(name, "title") == 0 ? NULL :
	    handler_find(name);
	if (h != NULL && h->start != NULL)
		h->start(p, name, a, n);
	else if (n == 0)
		feed__push(p, name, 1);
	if (name != nbuf)
		free(name);
}

/* feedparser's unknown_endtag. */
void
feed__endtag(struct feed__parser *p, const char *tag)
{
	const struct feed__handler *h;
	const char *suffix;
	char *name, nbuf[64];

	name = element_name(tag, &suffix, nbuf, sizeof(nbuf));
	if (strcmp(suffix, "svg") == 0 && p->svgok)
		p->svgok--;
	h = p->svgok ? NULL : handler_find(name);
	if (h != NULL && h->end != NULL)
		h->end(p, name);
	else
		free(feed__pop(p, name));
	if (name != nbuf)
		free(name);
	if (content_div(p, tag))
		return;
	if (in_xhtml(p))
		xhtml_end(p, tag);
	scope_leave(p);
}
