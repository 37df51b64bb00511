/*
 * Where values land: the context (the feed, the current entry, or a sink
 * for places whose data is not kept, such as an image or an entry's
 * source) and the field a popped element's value is stored in, with
 * feedparser's precedence between elements that map to one field.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "feed_priv.h"
#include "xmalloc.h"

struct feed__ctx *
feed__context(struct feed__parser *p)
{
	if (p->insource)
		return &p->sink;
	if (p->inimage && p->feed_has_image)
		return &p->sink;
	if (p->intextinput)
		return &p->sink;
	if (p->inentry)
		return p->nentries > 0 && !p->entry_overflow ?
		    &p->entries[p->nentries - 1] : &p->sink;
	return &p->feed;
}

static struct feed__ctx *
current_entry(struct feed__parser *p)
{
	if (p->nentries == 0 || p->entry_overflow)
		return &p->sink;
	return &p->entries[p->nentries - 1];
}

/*
 * The field a popped element's value goes to; subtitle is the feed's
 * only (an entry's description is its summary already), comments (RSS
 * 2.0's page of an item's comments) an entry's only.
 */
static enum feed__field
field_of(const char *element, int feedlevel)
{
	static const struct {
		const char		*name;
		enum feed__field	 f;
	} fields[] = {
		{ "author", F_AUTHOR }, { "comments", F_COMMENTS },
		{ "id", F_ID },
		{ "language", F_LANGUAGE }, { "published", F_PUBLISHED },
		{ "rights", F_RIGHTS }, { "subtitle", F_SUBTITLE },
		{ "summary", F_SUMMARY }, { "title", F_TITLE },
		{ "updated", F_UPDATED },
	};
	size_t i;

	for (i = 0; i < NELEM(fields); i++)
		if (strcmp(fields[i].name, element) == 0)
			return (fields[i].f != F_SUBTITLE || feedlevel) &&
			    (fields[i].f != F_COMMENTS || !feedlevel) ?
			    fields[i].f : F_NONE;
	return F_NONE;
}

/* The type, language and base of the text construct being read. */
static void
text_detail(const struct feed__parser *p, struct feed_text *t)
{
	feed__set_str(&t->type, p->cp.type);
	feed__set_str(&t->lang, p->cp.lang);
	feed__set_str(&t->base, p->cp.base != NULL ? p->cp.base : "");
}

static void
text_set(struct feed__parser *p, struct feed_text *t, const char *value,
    int detail)
{
	feed__text_free(t);
	t->value = xstrdup(value);
	if (detail && p->cp.active)
		text_detail(p, t);
}

static void
ctx_store(struct feed__parser *p, struct feed__ctx *c, enum feed__field f,
    const char *value, int detail)
{
	time_t t;

	switch (f) {
	case F_TITLE:
	case F_SUBTITLE:
	case F_RIGHTS:
	case F_SUMMARY:
		text_set(p, &c->text[f], value, detail);
		break;
	case F_AUTHOR:
		if (!p->author_later)
			feed__set_str(&c->str[f], value);
		break;
	case F_ID:
	case F_LANGUAGE:
	case F_COMMENTS:
		feed__set_str(&c->str[f], value);
		break;
	case F_PUBLISHED:
	case F_UPDATED:
		feed__set_str(&c->date[f].raw, value);
		c->date[f].ok = date_parse(value, &t) == 0;
		c->date[f].t = c->date[f].ok ? t : 0;
		break;
	default:
		break;
	}
}

static void
fix_link_query(char *s)
{
	char *q, *r;

	/* "&name;" that was a query separator loses its semicolon. */
	for (q = s; (q = strchr(q, '&')) != NULL; q++) {
		for (r = q + 1; isalnum((unsigned char)*r) || *r == '_'; r++)
			;
		if (r > q + 1 && *r == ';')
			memmove(r, r + 1, strlen(r + 1) + 1);
	}
}

/* RSS <ttl>: minutes the channel may be cached; a year at most. */
static void
feed_ttl(struct feed__parser *p, const char *value)
{
	char *end;
	long v;

	while (isspace((unsigned char)*value))
		value++;
	v = strtol(value, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end != value && *end == '\0' && v > 0 && v <= 525600)
		p->ttl = v;
}

/* An entry's content element: one more content, up to 100. */
static void
add_content(struct feed__parser *p, struct feed__ctx *c, const char *value)
{
	struct feed_text *ct;

	if (c->ncontent >= 100)
		return;
	c->content = xreallocarray(c->content, c->ncontent + 1,
	    sizeof(*c->content));
	ct = &c->content[c->ncontent++];
	memset(ct, 0, sizeof(*ct));
	text_set(p, ct, value, 1);
}

/*
 * A link element's text as the context's link, and as the href of its
 * last <link> (an entry's only when not empty).  An entry's also has
 * "&amp;" unescaped, as feedparser does.
 */
static void
link_set(struct feed__ctx *c, const char *value, int entry)
{
	char *t = xstrdup(value), *q;

	if (entry)
		while ((q = strstr(t, "&amp;")) != NULL)
			memmove(q + 1, q + 5, strlen(q + 5) + 1);
	fix_link_query(t);
	feed__set_str(&c->link, t);
	if ((!entry || *t != '\0') && c->nlinks > 0)
		feed__set_str(&c->links[c->nlinks - 1].href, t);
	free(t);
}

static void
store_entry(struct feed__parser *p, struct feed__ctx *c, const char *element,
    const char *value)
{
	enum feed__field f;

	if (strcmp(element, "content") == 0) {
		add_content(p, c, value);
		return;
	}
	if (strcmp(element, "link") == 0) {
		if (!p->inimage)
			link_set(c, value, 1);
		return;
	}
	if (strcmp(element, "description") == 0)
		element = "summary";
	if ((f = field_of(element, 0)) == F_NONE)
		return;
	/* The outermost element wins; an inner one only adds its detail. */
	if (c->depth[f] == 0 || p->depth <= c->depth[f]) {
		c->depth[f] = p->depth;
		ctx_store(p, c, f, value, p->incontent > 0);
	} else if (p->incontent > 0 && f <= F_SUMMARY)
		text_detail(p, &c->text[f]);
}

static void
store_feed(struct feed__parser *p, struct feed__ctx *c, const char *element,
    const char *value)
{
	enum feed__field f;

	if (strcmp(element, "description") == 0)
		element = "subtitle";
	if (strcmp(element, "ttl") == 0 && !p->insource)
		feed_ttl(p, value);
	else if (strcmp(element, "link") == 0)
		link_set(c, value, 0);
	else if ((f = field_of(element, 1)) != F_NONE)
		ctx_store(p, c, f, value, p->incontent > 0);
}

/* The second half of feedparser's pop(): the value stored. */
void
feed__store(struct feed__parser *p, const char *element, const char *value)
{
	/* Tags are collected by their own handlers. */
	static const char *const tag_lists[] = {
		"category", "itunes_keywords", "media_keywords", "tags",
	};

	if (names_in(element, strlen(element), tag_lists, NELEM(tag_lists),
	    0))
		return;
	if (strcmp(element, "title") == 0 && p->title_depth > -1 &&
	    p->title_depth <= p->depth)
		return;
	if (p->inentry && !p->insource)
		store_entry(p, current_entry(p), element, value);
	else if (p->infeed || p->insource)
		store_feed(p, feed__context(p), element, value);
}
