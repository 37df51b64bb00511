/*
 * Ownership of the document model: the parse contexts handed over to
 * struct feed_doc, and everything freed again.  An entry's and the feed's
 * fields have the same shapes, so one function frees both.
 */
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed_priv.h"
#include "xmalloc.h"

static void	 entry_free(struct feed_entry *);

void
feed__ctx_free(struct feed__ctx *c)
{
	struct feed_entry e;
	int f;

	memset(&e, 0, sizeof(e));
	e.content = c->content;
	e.ncontent = c->ncontent;
	e.links = c->links;
	e.nlinks = c->nlinks;
	e.tags = c->tags;
	e.ntags = c->ntags;
	e.link = c->link;
	e.author_detail = c->author_detail;
	entry_free(&e);
	for (f = 0; f < F_NFIELDS; f++) {
		feed__text_free(&c->text[f]);
		free(c->str[f]);
		free(c->date[f].raw);
	}
	feed__person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

void
feed__ctx_to_entry(struct feed__ctx *c, struct feed_entry *e)
{
	size_t i, n = 0;

	memset(e, 0, sizeof(*e));
	e->title = c->text[F_TITLE];
	e->summary = c->text[F_SUMMARY];
	e->rights = c->text[F_RIGHTS];
	e->content = c->content;
	e->ncontent = c->ncontent;
	e->link = c->link;
	e->links = c->links;
	e->nlinks = c->nlinks;
	e->id = c->str[F_ID];
	e->language = c->str[F_LANGUAGE];
	e->author = c->str[F_AUTHOR];
	e->comments = c->str[F_COMMENTS];
	if (c->has_author_detail)
		e->author_detail = c->author_detail;
	else
		feed__person_free(&c->author_detail);
	e->published = c->date[F_PUBLISHED];
	e->updated = c->date[F_UPDATED];
	e->tags = c->tags;
	e->ntags = c->ntags;
	e->incomplete = c->incomplete;
	for (i = 0; i < c->nlinks; i++)
		if (c->links[i].rel && strcmp(c->links[i].rel, "enclosure") == 0)
			n++;
	if (n > 0) {
		e->enclosures = xcalloc(n, sizeof(*e->enclosures));
		for (i = 0; i < c->nlinks; i++) {
			struct feed_link *l = &c->links[i];

			if (l->rel == NULL || strcmp(l->rel, "enclosure") != 0)
				continue;
			e->enclosures[e->nenclosures].href =
			    xstrdup_or_null(l->href);
			e->enclosures[e->nenclosures].type =
			    xstrdup_or_null(l->type);
			e->enclosures[e->nenclosures].length =
			    xstrdup_or_null(l->length);
			e->nenclosures++;
		}
	}
	feed__text_free(&c->text[F_SUBTITLE]);
	feed__person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

void
feed__ctx_to_doc(struct feed__ctx *c, struct feed_doc *d)
{
	d->title = c->text[F_TITLE];
	d->subtitle = c->text[F_SUBTITLE];
	d->rights = c->text[F_RIGHTS];
	d->summary = c->text[F_SUMMARY];
	d->link = c->link;
	d->links = c->links;
	d->nlinks = c->nlinks;
	d->id = c->str[F_ID];
	d->language = c->str[F_LANGUAGE];
	d->author = c->str[F_AUTHOR];
	if (c->has_author_detail)
		d->author_detail = c->author_detail;
	else
		feed__person_free(&c->author_detail);
	d->published = c->date[F_PUBLISHED];
	d->updated = c->date[F_UPDATED];
	d->tags = c->tags;
	d->ntags = c->ntags;
	free(c->content);	/* feed-level content is not modelled */
	feed__person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

void
feed__text_free(struct feed_text *t)
{
	if (t == NULL)
		return;
	free(t->value);
	free(t->type);
	free(t->lang);
	free(t->base);
	memset(t, 0, sizeof(*t));
}

void
feed__person_free(struct feed_person *d)
{
	free(d->name);
	free(d->email);
	free(d->href);
	memset(d, 0, sizeof(*d));
}

static void
entry_free(struct feed_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	feed__text_free(&e->title);
	feed__text_free(&e->summary);
	feed__text_free(&e->rights);
	for (i = 0; i < e->ncontent; i++)
		feed__text_free(&e->content[i]);
	free(e->content);
	free(e->link);
	for (i = 0; i < e->nlinks; i++) {
		free(e->links[i].rel);
		free(e->links[i].type);
		free(e->links[i].href);
		free(e->links[i].title);
		free(e->links[i].length);
		free(e->links[i].hreflang);
	}
	free(e->links);
	free(e->id);
	free(e->language);
	free(e->author);
	free(e->comments);
	feed__person_free(&e->author_detail);
	free(e->published.raw);
	free(e->updated.raw);
	for (i = 0; i < e->ntags; i++) {
		free(e->tags[i].term);
		free(e->tags[i].scheme);
		free(e->tags[i].label);
	}
	free(e->tags);
	for (i = 0; i < e->nenclosures; i++) {
		free(e->enclosures[i].href);
		free(e->enclosures[i].type);
		free(e->enclosures[i].length);
	}
	free(e->enclosures);
	memset(e, 0, sizeof(*e));
}

void
feed_doc_free(struct feed_doc *d)
{
	struct feed_entry e;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nentries; i++)
		entry_free(&d->entries[i]);
	free(d->entries);
	/* The feed-level fields have the same shapes as an entry's. */
	memset(&e, 0, sizeof(e));
	e.title = d->title;
	e.summary = d->summary;
	e.rights = d->rights;
	e.link = d->link;
	e.links = d->links;
	e.nlinks = d->nlinks;
	e.id = d->id;
	e.language = d->language;
	e.author = d->author;
	e.author_detail = d->author_detail;
	e.published = d->published;
	e.updated = d->updated;
	e.tags = d->tags;
	e.ntags = d->ntags;
	entry_free(&e);
	feed__text_free(&d->subtitle);
	free(d->error);
	free(d->encoding);
	free(d->version);
	free(d);
}
