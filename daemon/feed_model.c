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

static enum feed__field
field_of(const char *element, int feedlevel)
{
	if (strcmp(element, "title") == 0)
		return F_TITLE;
	if (strcmp(element, "subtitle") == 0)
		return feedlevel ? F_SUBTITLE : F_NONE;
	if (strcmp(element, "rights") == 0)
		return F_RIGHTS;
	if (strcmp(element, "summary") == 0)
		return F_SUMMARY;
	if (strcmp(element, "id") == 0)
		return F_ID;
	if (strcmp(element, "language") == 0)
		return F_LANGUAGE;
	if (strcmp(element, "author") == 0)
		return F_AUTHOR;
	if (strcmp(element, "published") == 0)
		return F_PUBLISHED;
	if (strcmp(element, "updated") == 0)
		return F_UPDATED;
	return F_NONE;
}

static void
text_set(struct feed__parser *p, struct feed_text *t, const char *value,
    int detail)
{
	feed__text_free(t);
	t->value = xstrdup(value);
	if (detail && p->cp.active) {
		t->type = xstrdup_or_null(p->cp.type);
		t->lang = xstrdup_or_null(p->cp.lang);
		t->base = xstrdup(p->cp.base != NULL ? p->cp.base : "");
	}
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
	case F_ID:
	case F_LANGUAGE:
	case F_AUTHOR:
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

/* The second half of feedparser's pop(): the value stored. */
void
feed__store(struct feed__parser *p, const char *element, char *out)
{
	struct feed__ctx *c;
	char *t;
	enum feed__field f;

	if (strcmp(element, "category") == 0 || strcmp(element, "tags") == 0 ||
	    strcmp(element, "itunes_keywords") == 0 ||
	    strcmp(element, "media_keywords") == 0)
		return;
	if (strcmp(element, "title") == 0 && p->title_depth > -1 &&
	    p->title_depth <= p->depth)
		return;

	if (p->inentry && !p->insource) {
		c = current_entry(p);
		if (strcmp(element, "content") == 0) {
			struct feed_text *ct;

			if (c->ncontent < 100) {
				c->content = xreallocarray(c->content,
				    c->ncontent + 1, sizeof(*c->content));
				ct = &c->content[c->ncontent++];
				memset(ct, 0, sizeof(*ct));
				text_set(p, ct, out, 1);
			}
		} else if (strcmp(element, "link") == 0) {
			if (!p->inimage) {
				t = xstrdup(out);
				{
					char *q;

					while ((q = strstr(t, "&amp;")) != NULL)
						memmove(q + 1, q + 5,
						    strlen(q + 5) + 1);
				}
				fix_link_query(t);
				feed__set_str(&c->link, t);
				if (*t != '\0' && c->nlinks > 0)
					feed__set_str(&c->links[c->nlinks - 1].href,
					    t);
				free(t);
			}
		} else {
			const char *el = element;

			if (strcmp(el, "description") == 0)
				el = "summary";
			f = field_of(el, 0);
			if (f != F_NONE && (c->depth[f] == 0 ||
			    p->depth <= c->depth[f])) {
				c->depth[f] = p->depth;
				ctx_store(p, c, f, out, p->incontent > 0);
			} else if (f != F_NONE && p->incontent > 0 &&
			    f <= F_SUMMARY) {
				/* The detail follows the latest element. */
				struct feed_text *tx = &c->text[f];

				feed__set_str(&tx->type, p->cp.type);
				feed__set_str(&tx->lang, p->cp.lang);
				feed__set_str(&tx->base,
				    p->cp.base ? p->cp.base : "");
			}
		}
	} else if (p->infeed || p->insource) {
		const char *el = element;

		c = feed__context(p);
		if (strcmp(el, "description") == 0)
			el = "subtitle";
		if (strcmp(el, "ttl") == 0 && !p->insource) {
			feed_ttl(p, out);
		} else if (strcmp(el, "link") == 0) {
			fix_link_query(out);
			feed__set_str(&c->link, out);
			if (c->nlinks > 0)
				feed__set_str(&c->links[c->nlinks - 1].href,
				    out);
		} else {
			f = field_of(el, 1);
			if (f != F_NONE)
				ctx_store(p, c, f, out, p->incontent > 0);
		}
	}
}
