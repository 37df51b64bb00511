/*
 * Tags: category elements of RSS, Atom, iTunes and Media RSS, and
 * comma-separated keyword lists, each becoming (term, scheme, label).
 */
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "xmalloc.h"

static void
add_tag(struct feed__parser *p, const char *term, const char *scheme,
    const char *label)
{
	struct feed__ctx *c = feed__context(p);
	struct feed_tag *t;
	size_t i;

	if ((term == NULL || *term == '\0') &&
	    (scheme == NULL || *scheme == '\0') &&
	    (label == NULL || *label == '\0'))
		return;
	for (i = 0; i < c->ntags; i++)
		if (streq_null(c->tags[i].term, term) &&
		    streq_null(c->tags[i].scheme, scheme) &&
		    streq_null(c->tags[i].label, label))
			return;
	if (c->ntags >= 1000)
		return;
	c->tags = xreallocarray(c->tags, c->ntags + 1, sizeof(*c->tags));
	t = &c->tags[c->ntags++];
	t->term = xstrdup_or_null(term);
	t->scheme = xstrdup_or_null(scheme);
	t->label = xstrdup_or_null(label);
}

static void
st_category(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *scheme;

	(void)tag;
	scheme = feed__attr_get(a, n, "scheme");
	if (scheme == NULL)
		scheme = feed__attr_get(a, n, "domain");
	add_tag(p, feed__attr_get(a, n, "term"), scheme,
	    feed__attr_get(a, n, "label"));
	feed__push(p, "category", 1);
}

static void
st_media_category(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	const char *scheme;

	(void)tag;
	scheme = feed__attr_get(a, n, "scheme");
	if (scheme == NULL)
		scheme = "http://search.yahoo.com/mrss/category_schema";
	add_tag(p, feed__attr_get(a, n, "term"), scheme,
	    feed__attr_get(a, n, "label"));
	feed__push(p, "category", 1);
}

static void
st_itunes_category(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	add_tag(p, feed__attr_get(a, n, "text"), "http://www.itunes.com/",
	    NULL);
	feed__push(p, "category", 1);
}

static void
en_category(struct feed__parser *p, const char *tag)
{
	struct feed__ctx *c;
	char *v;

	(void)tag;
	v = feed__pop(p, "category");
	if (v == NULL || *v == '\0') {
		free(v);
		return;
	}
	c = feed__context(p);
	if (c->ntags > 0 && (c->tags[c->ntags - 1].term == NULL ||
	    *c->tags[c->ntags - 1].term == '\0'))
		feed__set_str(&c->tags[c->ntags - 1].term, v);
	else
		add_tag(p, v, NULL, NULL);
	free(v);
}

/* Comma-separated keyword lists become tags. */
static void
split_tags(struct feed__parser *p, char *v, const char *scheme)
{
	char *tok, *save = NULL, *t;

	for (tok = strtok_r(v, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		t = feed__strip_dup(tok, strlen(tok));
		if (*t != '\0')
			add_tag(p, t, scheme, NULL);
		free(t);
	}
}

static void
en_tags(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = feed__pop(p, "tags")) == NULL)
		return;
	split_tags(p, v, NULL);
	free(v);
}

static void
en_itunes_keywords(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = feed__pop(p, "itunes_keywords")) == NULL)
		return;
	split_tags(p, v, "http://www.itunes.com/");
	free(v);
}

static void
en_media_keywords(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = feed__pop(p, "media_keywords")) == NULL)
		return;
	split_tags(p, v, NULL);
	free(v);
}

static const struct feed__handler handlers[] = {
	{ "category",		st_category,		en_category },
	{ "dc_subject",		st_category,		en_category },
	{ "itunes_category",	st_itunes_category,	en_category },
	{ "itunes_keywords",	NULL,			en_itunes_keywords },
	{ "keywords",		st_category,		en_category },
	{ "media_category",	st_media_category,	en_category },
	{ "media_keywords",	NULL,			en_media_keywords },
	{ "tags",		feed__st_simple,		en_tags },
};

const struct feed__handlers feed__tag_handlers = {
	handlers, NELEM(handlers)
};
