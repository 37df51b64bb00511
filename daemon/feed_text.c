/*
 * Text constructs (title, subtitle, rights, summary, content and their
 * RSS, Dublin Core and iTunes spellings) with their content parameters
 * (type, language, base), the precedence between description, summary and
 * content, and the plain-valued elements: language, dates, and those kept
 * under another name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "text.h"
#include "xmalloc.h"

static void	 st_content(struct feed__parser *, const char *, char **,
		    size_t);
static void	 en_content(struct feed__parser *, const char *);

static const char *
map_content_type(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcmp(t, "text") == 0 || strcmp(t, "plain") == 0)
		return "text/plain";
	if (strcmp(t, "html") == 0)
		return "text/html";
	if (strcmp(t, "xhtml") == 0)
		return FEED_XHTML_TYPE;
	return t;
}

static void
push_content(struct feed__parser *p, const char *tag, char **attrs, size_t n,
    const char *deftype, int expecting)
{
	const char *type, *mode;

	p->incontent++;
	if (p->lang != NULL)
		feed__lang_fix(p->lang);
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	type = feed__attr_get(attrs, n, "type");
	p->cp.active = 1;
	p->cp.type = xstrdup(map_content_type(type ? type : deftype));
	{
		char *q;

		for (q = p->cp.type; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		q = xstrdup(map_content_type(p->cp.type));
		free(p->cp.type);
		p->cp.type = q;
	}
	p->cp.lang = xstrdup_or_null(p->lang);
	p->cp.base = xstrdup_or_null(p->baseuri);
	mode = feed__attr_get(attrs, n, "mode");
	if (mode != NULL && strcmp(mode, "base64") == 0)
		p->cp.base64 = 1;
	else if (strncmp(p->cp.type, "text/", 5) == 0)
		p->cp.base64 = 0;
	else {
		size_t tl = strlen(p->cp.type);

		p->cp.base64 = !((tl >= 4 &&
		    strcmp(p->cp.type + tl - 4, "+xml") == 0) ||
		    (tl >= 4 && strcmp(p->cp.type + tl - 4, "/xml") == 0));
	}
	feed__push(p, tag, expecting);
}

static char *
pop_content(struct feed__parser *p, const char *tag)
{
	char *v;

	v = feed__pop(p, tag);
	p->incontent--;
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	memset(&p->cp, 0, sizeof(p->cp));
	return v;
}

/* Elements whose text is kept under another name, or not at all. */
static const struct {
	const char	*tag;
	const char	*push;
	int		 expecting;
} simple_push[] = {
	{ "created", "created", 1 },
	{ "dcterms_created", "created", 1 },
	{ "dcterms_valid", "validity", 1 },
	{ "dc_publisher", "publisher", 1 },
	{ "email", "email", 0 },
	{ "expirationdate", "expired", 1 },
	{ "generator", "generator", 1 },
	{ "admin_generatoragent", "generator", 1 },
	{ "height", "height", 0 },
	{ "homepage", "href", 1 },
	{ "itunes_email", "email", 0 },
	{ "itunes_image", "itunes_image", 0 },
	{ "itunes_link", "itunes_image", 0 },
	{ "itunes_name", "name", 0 },
	{ "name", "name", 0 },
	{ "newlocation", "newlocation", 1 },
	{ "tags", "tags", 1 },
	{ "uri", "href", 1 },
	{ "url", "href", 1 },
	{ "webmaster", "publisher", 1 },
	{ "width", "width", 0 },
};

static const char *
simple_name(const char *tag)
{
	size_t i;

	for (i = 0; i < NELEM(simple_push); i++)
		if (strcmp(simple_push[i].tag, tag) == 0)
			return simple_push[i].push;
	return tag;
}

void
feed__st_simple(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	size_t i;

	(void)a;
	(void)n;
	for (i = 0; i < NELEM(simple_push); i++)
		if (strcmp(simple_push[i].tag, tag) == 0) {
			feed__push(p, simple_push[i].push,
			    simple_push[i].expecting);
			return;
		}
}

static void
en_simple(struct feed__parser *p, const char *tag)
{
	free(feed__pop(p, simple_name(tag)));
}

static void
st_itunes_image(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	if ((feed__attr_get(a, n, "href") != NULL ||
	    feed__attr_get(a, n, "url") != NULL) &&
	    feed__context(p) == &p->feed)
		p->feed_has_image = 1;
	feed__st_simple(p, tag, a, n);
}

static void
st_subtitle(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "subtitle", a, n, "text/plain", 1);
}

static void
en_subtitle(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(pop_content(p, "subtitle"));
}

static void
st_rights(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "rights", a, n, "text/plain", 1);
}

static void
en_rights(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(pop_content(p, "rights"));
}

static void
st_info(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "info", a, n, "text/plain", 1);
}

static void
en_info(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(pop_content(p, "info"));
}

static void
st_language(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "language", 1);
}

static void
en_language(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "language");
	free(p->lang);
	p->lang = v;
}

static void
st_published(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "published", 1);
}

static void
en_published(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "published"));
}

void
feed__st_updated(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "updated", 1);
}

void
feed__en_updated(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "updated"));
}

static void
st_title(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "title", a, n, "text/plain", feed__expecting(p));
}

static void
en_title(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	if (p->svgok)
		return;
	v = pop_content(p, "title");
	if (v != NULL && *v != '\0')
		p->title_depth = p->depth;
	free(v);
}

static void
en_media_title(struct feed__parser *p, const char *tag)
{
	int d = p->title_depth;

	en_title(p, tag);
	p->title_depth = d;
}

static int
ctx_has_summary(struct feed__parser *p)
{
	return feed__context(p)->text[F_SUMMARY].value != NULL;
}

/*
 * feedparser's quirk: in an entry with a summary and no content, a
 * description is content.  Not in the channel, where it is the subtitle
 * however late it comes (after <itunes:summary>, feedparser loses it).
 */
static void
st_description(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	if (ctx_has_summary(p) && !p->has_content &&
	    feed__context(p) != &p->feed) {
		p->summary_key = 2;
		st_content(p, tag, a, n);
	} else
		push_content(p, "description", a, n, "text/html",
		    feed__expecting(p));
}

static void
st_abstract(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "description", a, n, "text/plain",
	    feed__expecting(p));
}

static void
en_description(struct feed__parser *p, const char *tag)
{
	if (p->summary_key == 2)
		en_content(p, tag);
	else
		free(pop_content(p, "description"));
	p->summary_key = 0;
}

static void
st_summary(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	if (ctx_has_summary(p) && !p->has_content) {
		p->summary_key = 2;
		st_content(p, tag, a, n);
	} else {
		p->summary_key = 1;
		push_content(p, "summary", a, n, "text/plain", 1);
	}
}

static void
en_summary(struct feed__parser *p, const char *tag)
{
	if (p->summary_key == 2)
		en_content(p, tag);
	else
		free(pop_content(p, "summary"));
	p->summary_key = 0;
}

static void
st_content(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->has_content = 1;
	push_content(p, "content", a, n, "text/plain", 1);
}

static void
st_body(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	push_content(p, "content", a, n, FEED_XHTML_TYPE, 1);
}

static void
st_content_encoded(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->has_content = 1;
	push_content(p, "content", a, n, "text/html", 1);
}

static void
en_content(struct feed__parser *p, const char *tag)
{
	const char *t;
	struct feed__ctx *c;
	char *v;
	int copy;

	(void)tag;
	t = map_content_type(p->cp.type);
	copy = t != NULL && (strcmp(t, "text/plain") == 0 ||
	    text_is_html_type(t));
	v = pop_content(p, "content");
	if (copy && v != NULL) {
		c = feed__context(p);
		if (c->text[F_SUMMARY].value == NULL)
			c->text[F_SUMMARY].value = xstrdup(v);
	}
	free(v);
}

static const struct feed__handler handlers[] = {
	{ "abstract",		st_abstract,		en_description },
	{ "admin_generatoragent", feed__st_simple,		en_simple },
	{ "body",		st_body,		en_content },
	{ "content",		st_content,		en_content },
	{ "content_encoded",	st_content_encoded,	en_content },
	{ "copyright",		st_rights,		en_rights },
	{ "created",		feed__st_simple,		en_simple },
	{ "dc_date",		feed__st_updated,	feed__en_updated },
	{ "dc_description",	st_description,		en_description },
	{ "dc_language",	st_language,		en_language },
	{ "dc_publisher",	feed__st_simple,		en_simple },
	{ "dc_rights",		st_rights,		en_rights },
	{ "dc_title",		st_title,		en_title },
	{ "dcterms_created",	feed__st_simple,		en_simple },
	{ "dcterms_issued",	st_published,		en_published },
	{ "dcterms_modified",	feed__st_updated,	feed__en_updated },
	{ "dcterms_valid",	feed__st_simple,		en_simple },
	{ "description",	st_description,		en_description },
	{ "expirationdate",	feed__st_simple,		en_simple },
	{ "feedburner_browserfriendly", st_info,	en_info },
	{ "fullitem",		st_content_encoded,	en_content },
	{ "generator",		feed__st_simple,		en_simple },
	{ "height",		feed__st_simple,		en_simple },
	{ "info",		st_info,		en_info },
	{ "issued",		st_published,		en_published },
	{ "itunes_image",	st_itunes_image,	en_simple },
	{ "itunes_link",	st_itunes_image,	en_simple },
	{ "itunes_subtitle",	st_subtitle,		en_subtitle },
	{ "itunes_summary",	st_summary,		en_summary },
	{ "language",		st_language,		en_language },
	{ "lastbuilddate",	feed__st_updated,	feed__en_updated },
	{ "media_description",	st_description,		en_description },
	{ "media_title",	st_title,		en_media_title },
	{ "modified",		feed__st_updated,	feed__en_updated },
	{ "newlocation",	feed__st_simple,		en_simple },
	{ "pubdate",		st_published,		en_published },
	{ "published",		st_published,		en_published },
	{ "rights",		st_rights,		en_rights },
	{ "subtitle",		st_subtitle,		en_subtitle },
	{ "summary",		st_summary,		en_summary },
	{ "tagline",		st_subtitle,		en_subtitle },
	{ "title",		st_title,		en_title },
	{ "updated",		feed__st_updated,	feed__en_updated },
	{ "webmaster",		feed__st_simple,		en_simple },
	{ "width",		feed__st_simple,		en_simple },
	{ "xhtml_body",		st_body,		en_content },
};

const struct feed__handlers feed__text_handlers = {
	handlers, NELEM(handlers)
};
