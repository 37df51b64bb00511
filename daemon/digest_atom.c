/*
 * The digest as an Atom document: one entry per story, its headline and
 * summary, its main source as the alternate link and every outlet's as
 * rel="related", and the outlets listed in its content.  An entry's id is
 * the story's, so a story that comes back in a later digest updates it.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "atom.h"
#include "config.h"
#include "digest.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

static void
link_line(struct buf *b, const char *rel, const char *href)
{
	if (href == NULL || !url_is_http(href))
		return;
	buf_printf(b, "    <link rel=\"%s\" href=\"", rel);
	atom_escape(b, href, 1);
	buf_addstr(b, "\"/>\n");
}

/* The content: the outlets as a list of links, then the summary. */
static void
content(struct buf *b, const struct digest_section *s)
{
	struct buf h;

	buf_init(&h);
	buf_addstr(&h, "<ul>");
	for (size_t i = 0; i < s->nsources; i++) {
		buf_addstr(&h, "<li>");
		text_html_link(&h, s->sources[i].name, s->sources[i].link);
		buf_addstr(&h, "</li>");
	}
	buf_addstr(&h, "</ul><p>");
	atom_escape(&h, s->summary, 0);
	buf_addstr(&h, "</p>");
	buf_addc(&h, '\0');
	buf_addstr(b, "    <content type=\"html\">");
	atom_escape(b, h.data, 0);
	buf_addstr(b, "</content>\n");
	buf_free(&h);
}

char *
digest_atom(const struct digest *d, const struct config *cfg, size_t *len)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	buf_addstr(&b, "<feed xmlns=\"" ATOM_NS "\">\n");
	buf_printf(&b, "  <id>urn:aggregator:digest:%s</id>\n", d->day);
	atom_elem(&b, "  ", "title", d->title);
	atom_date(&b, "  ", "updated", d->at);
	buf_addstr(&b, "  <author>\n");
	atom_elem(&b, "    ", "name", cfg->title);
	buf_addstr(&b, "  </author>\n");
	buf_addstr(&b, "  <generator version=\"" AGG_VERSION "\">" AGG_NAME
	    "</generator>\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_section *s = &d->v[i];

		buf_addstr(&b, "  <entry>\n");
		buf_printf(&b, "    <id>urn:aggregator:story:%s</id>\n",
		    s->story);
		atom_elem(&b, "    ", "title", s->headline);
		atom_date(&b, "    ", "updated", s->newest);
		link_line(&b, "alternate", s->link);
		for (size_t k = 0; k < s->nsources; k++)
			link_line(&b, "related", s->sources[k].link);
		atom_elem(&b, "    ", "summary", s->summary);
		content(&b, s);
		buf_addstr(&b, "  </entry>\n");
	}
	buf_addstr(&b, "</feed>\n");
	*len = b.len;
	buf_addc(&b, '\0');
	return buf_release(&b);
}
