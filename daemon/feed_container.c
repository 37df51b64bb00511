/*
 * Handlers for the elements that contain others: rss, channel and feed
 * (which also name the version), item and entry (which open an entry),
 * and image, textinput and source, whose children are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "xmalloc.h"

static void
st_rss(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	if (p->version != NULL && strncmp(p->version, "rss", 3) == 0)
		return;
	v = feed__attr_get(a, n, "version");
	if (v == NULL)
		v = "";
	if (strcmp(v, "0.91") == 0)
		feed__set_str(&p->version, "rss091u");
	else if (strcmp(v, "0.92") == 0)
		feed__set_str(&p->version, "rss092");
	else if (strcmp(v, "0.93") == 0)
		feed__set_str(&p->version, "rss093");
	else if (strcmp(v, "0.94") == 0)
		feed__set_str(&p->version, "rss094");
	else if (strncmp(v, "2.", 2) == 0)
		feed__set_str(&p->version, "rss20");
	else
		feed__set_str(&p->version, "rss");
}

/* CDF puts lastmod and href on channel and item. */
static void
cdf_common(struct feed__parser *p, char **a, size_t n)
{
	const char *v;

	if ((v = feed__attr_get(a, n, "lastmod")) != NULL) {
		feed__st_updated(p, "modified", NULL, 0);
		feed__data(p, v, strlen(v), 0);
		feed__en_updated(p, "modified");
	}
	if ((v = feed__attr_get(a, n, "href")) != NULL) {
		char *copy = xstrdup(v);

		feed__st_link(p, "link", NULL, 0);
		feed__data(p, copy, strlen(copy), 0);
		feed__en_link(p, "link");
		free(copy);
	}
}

static void
st_channel(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->infeed = 1;
	cdf_common(p, a, n);
}

static void
st_feed(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	p->infeed = 1;
	if (p->version != NULL && *p->version != '\0')
		return;
	v = feed__attr_get(a, n, "version");
	if (v != NULL && strcmp(v, "0.1") == 0)
		feed__set_str(&p->version, "atom01");
	else if (v != NULL && strcmp(v, "0.2") == 0)
		feed__set_str(&p->version, "atom02");
	else if (v != NULL && strcmp(v, "0.3") == 0)
		feed__set_str(&p->version, "atom03");
	else
		feed__set_str(&p->version, "atom");
}

static void
en_channel(struct feed__parser *p, const char *tag)
{
	(void)tag;
	p->infeed = 0;
}

static void
st_image(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	if (!p->inentry)
		p->feed_has_image = 1;
	p->inimage = 1;
	p->title_depth = -1;
	feed__push(p, "image", 0);
}

static void
en_image(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "image"));
	p->inimage = 0;
}

static void
st_textinput(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->intextinput = 1;
	p->title_depth = -1;
	feed__push(p, "textinput", 0);
}

static void
en_textinput(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "textinput"));
	p->intextinput = 0;
}

static void
st_item(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	struct feed__ctx *c;
	const char *about;

	(void)tag;
	if (p->nentries >= FEED_MAX_ENTRIES)
		p->entry_overflow++;
	else {
		if (p->nentries == p->capentries) {
			p->capentries = p->capentries ? p->capentries * 2 : 16;
			p->entries = xreallocarray(p->entries, p->capentries,
			    sizeof(*p->entries));
		}
		memset(&p->entries[p->nentries], 0, sizeof(*p->entries));
		p->nentries++;
	}
	feed__push(p, "item", 0);
	p->inentry = 1;
	p->guidislink = 0;
	p->title_depth = -1;
	if ((about = feed__attr_get(a, n, "rdf:about")) != NULL &&
	    *about != '\0') {
		c = feed__context(p);
		feed__set_str(&c->str[F_ID], about);
	}
	cdf_common(p, a, n);
}

static void
en_item(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "item"));
	p->inentry = 0;
	p->has_content = 0;
}

static void
st_source(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	feed__push(p, "source", 1);
	p->insource = 1;
	p->title_depth = -1;
}

static void
en_source(struct feed__parser *p, const char *tag)
{
	(void)tag;
	p->insource = 0;
	free(feed__pop(p, "source"));
}

static const struct feed__handler handlers[] = {
	{ "channel",		st_channel,		en_channel },
	{ "entry",		st_item,		en_item },
	{ "feed",		st_feed,		en_channel },
	{ "image",		st_image,		en_image },
	{ "item",		st_item,		en_item },
	{ "rss",		st_rss,			NULL },
	{ "source",		st_source,		en_source },
	{ "textinput",		st_textinput,		en_textinput },
};

const struct feed__handlers feed__container_handlers = {
	handlers, NELEM(handlers)
};
