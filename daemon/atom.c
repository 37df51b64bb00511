/*
 * The merged feed as Atom 1.0 (RFC 4287).  The document is built in memory,
 * every text escaped as valid XML 1.0 (text_escape's TEXT_ESC_XML: bad
 * UTF-8 repaired, characters XML forbids dropped), so that one bad feed
 * cannot make the merged feed unreadable.
 * It is then replaced whole (savefile.h): readers see the old document or
 * the new one.
 *
 * An entry's atom:id is "urn:aggregator:KEYHEX": the dedup key, stable
 * across polls and unique across feeds, where the feeds' own ids are
 * neither.  atom:source names the feed it came from, its self link being
 * the feed URL.  A story's is "urn:aggregator:story:STORYID"; it has no
 * atom:source, its entries coming from many feeds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atom.h"
#include "date.h"
#include "savefile.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define ATOM_ID_PREFIX	"urn:aggregator:"

static void	atom_shown(struct buf *, const char *);
static time_t	atom_times(const struct entry *, time_t *);
static void	atom_source(struct buf *, const struct entry *, const char *,
		    time_t);
static time_t	atom_entry(struct buf *, const struct entry *);

/* s as character data, or as an attribute value when attr. */
void
atom_escape(struct buf *b, const char *s, int attr)
{
	text_escape(b, s, strlen(s), TEXT_ESC_XML |
	    (attr ? TEXT_ESC_QUOTE : 0));
}

/*
 * Text a reader shows (titles, names) as character data: format
 * characters, bidi controls among them, dropped too.
 */
static void
atom_shown(struct buf *b, const char *s)
{
	text_escape(b, s, strlen(s), TEXT_ESC_XML | TEXT_ESC_FORMAT);
}

/* <name attrs>text</name> on a line of its own, as shown text. */
void
atom_elem(struct buf *b, const char *indent, const char *name,
    const char *text)
{
	buf_printf(b, "%s<%s>", indent, name);
	atom_shown(b, text != NULL ? text : "");
	buf_printf(b, "</%s>\n", name);
}

void
atom_date(struct buf *b, const char *indent, const char *name, time_t t)
{
	char date[64];

	date_format_iso(t, date, sizeof(date));
	atom_elem(b, indent, name, date);
}

/*
 * The times e is written with: its update and publication as its feed
 * gives them, but none later than when it was first seen (a date in the
 * future is not believed: the entry stands where it was first seen, as
 * entry_placed has it); without an update time, the time it is placed
 * at.  *published is 0 when the feed gives none.
 */
static time_t
atom_times(const struct entry *e, time_t *published)
{
	time_t seen = e->seen != 0 ? e->seen : (time_t)INT64_MAX;

	*published = e->published > seen ? seen : e->published;
	if (e->updated == 0)
		return entry_placed(e);
	return e->updated > seen ? seen : e->updated;
}

/*
 * atom:source: the feed's own id when it has one (else its URL), its
 * URL as the self link, its title, and the entry's update time.  The URL
 * is published: no credentials, not even a masked password.
 */
static void
atom_source(struct buf *b, const struct entry *e, const char *feed_title,
    time_t updated)
{
	char *feed_url = url_strip_userinfo(e->feed_url);

	buf_addstr(b, "    <source>\n");
	if (e->source_id != NULL && e->source_id[0] != '\0')
		atom_elem(b, "      ", "id", e->source_id);
	else if (feed_url != NULL && feed_url[0] != '\0')
		atom_elem(b, "      ", "id", feed_url);
	if (feed_url != NULL && feed_url[0] != '\0') {
		buf_addstr(b, "      <link rel=\"self\" href=\"");
		atom_escape(b, feed_url, 1);
		buf_addstr(b, "\"/>\n");
	}
	free(feed_url);
	atom_elem(b, "      ", "title", feed_title);
	atom_date(b, "      ", "updated", updated);
	buf_addstr(b, "    </source>\n");
}

const char *
atom_outlet(const struct entry *e)
{
	return e->feed_title != NULL && e->feed_title[0] != '\0' ?
	    e->feed_title : e->feed_name != NULL ? e->feed_name : "";
}

/* One entry; returns the update time it was written with. */
static time_t
atom_entry(struct buf *b, const struct entry *e)
{
	const char *feed_title, *author;
	time_t updated, published;

	feed_title = atom_outlet(e);
	author = e->author != NULL && e->author[0] != '\0' ? e->author :
	    feed_title[0] != '\0' ? feed_title : AGG_NAME;
	updated = atom_times(e, &published);

	buf_addstr(b, "  <entry>\n");
	buf_addstr(b, "    <id>" ATOM_ID_PREFIX);
	atom_escape(b, e->key, 0);
	buf_addstr(b, "</id>\n");
	buf_addstr(b, "    <title type=\"text\">");
	atom_shown(b, e->title != NULL ? e->title : "");
	buf_addstr(b, "</title>\n");
	if (url_is_http(e->link)) {
		buf_addstr(b, "    <link rel=\"alternate\" href=\"");
		atom_escape(b, e->link, 1);
		buf_addstr(b, "\"/>\n");
	}
	atom_date(b, "    ", "updated", updated);
	if (published != 0)
		atom_date(b, "    ", "published", published);
	buf_addstr(b, "    <author>\n");
	atom_elem(b, "      ", "name", author);
	buf_addstr(b, "    </author>\n");
	buf_addstr(b, "    <content type=\"html\">");
	atom_escape(b, e->content != NULL ? e->content : "", 0);
	buf_addstr(b, "</content>\n");
	atom_source(b, e, feed_title, updated);
	buf_addstr(b, "  </entry>\n");
	return updated;
}

/* The document around body, whose newest entry was updated then. */
static int
atom_document(const char *path, const struct atom_head *head,
    struct buf *body, time_t updated, char *err, size_t errlen)
{
	struct buf b;
	int rc;

	if (updated == 0)
		updated = time(NULL);
	buf_init(&b);
	buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	buf_addstr(&b, "<feed xmlns=\"" ATOM_NS "\">\n");
	atom_elem(&b, "  ", "id", head->id != NULL ? head->id : "");
	atom_elem(&b, "  ", "title", head->title != NULL &&
	    head->title[0] != '\0' ? head->title : AGG_NAME);
	if (head->self != NULL && head->self[0] != '\0') {
		buf_addstr(&b, "  <link rel=\"self\" "
		    "type=\"application/atom+xml\" href=\"");
		atom_escape(&b, head->self, 1);
		buf_addstr(&b, "\"/>\n");
	}
	atom_date(&b, "  ", "updated", updated);
	buf_addstr(&b, "  <generator version=\"" AGG_VERSION "\">" AGG_NAME
	    "</generator>\n");
	buf_add(&b, body->data, body->len);
	buf_addstr(&b, "</feed>\n");
	rc = path != NULL ? savefile("atom", path, b.data, b.len, err,
	    errlen) : 0;
	if (rc == 0 && head->doc != NULL) {
		buf_free(head->doc);
		*head->doc = b;
	} else
		buf_free(&b);
	return rc;
}

int
atom_write(const char *path, const struct atom_head *head,
    const struct entry *entries, size_t n, char *err, size_t errlen)
{
	struct buf body;
	time_t updated = 0, t;
	int rc;

	buf_init(&body);
	buf_add(&body, "", 0);
	for (size_t i = 0; i < n; i++)
		if ((t = atom_entry(&body, &entries[i])) > updated)
			updated = t;
	rc = atom_document(path, head, &body, updated, err, errlen);
	buf_free(&body);
	return rc;
}


/* The content of a story: its outlets, each with its title and link. */
static char *
atom_story_content(const struct atom_story *s)
{
	struct buf h;

	buf_init(&h);
	buf_printf(&h, "<p>%zu outlets:</p>\n<ul>\n", s->n);
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->members[i];
		const char *title = e->title != NULL ? e->title : "";

		buf_addstr(&h, "<li>");
		text_html_link(&h, title, e->link);
		buf_addstr(&h, " \xe2\x80\x94 ");
		text_escape(&h, atom_outlet(e), strlen(atom_outlet(e)),
		    TEXT_ESC_FORMAT);
		buf_addstr(&h, "</li>\n");
	}
	buf_addstr(&h, "</ul>\n");
	buf_addc(&h, '\0');
	return buf_release(&h);
}

/* One story of two entries or more; returns its update time. */
static time_t
atom_story_entry(struct buf *b, const struct atom_story *s)
{
	const struct entry *root = entry_story_root(s->members, s->n);
	struct buf outlets;
	time_t updated, published, t;
	char *content;

	updated = atom_times(s->newest, &published);
	for (size_t i = 0; i < s->n; i++)
		if ((t = atom_times(&s->members[i], &published)) > updated)
			updated = t;
	buf_addstr(b, "  <entry>\n");
	buf_addstr(b, "    <id>" ATOM_ID_PREFIX "story:");
	atom_escape(b, root->story, 0);
	buf_addstr(b, "</id>\n");
	buf_addstr(b, "    <title type=\"text\">");
	atom_shown(b, root->title != NULL ? root->title : "");
	buf_addstr(b, "</title>\n");
	for (size_t i = 0; i < s->n; i++) {
		const char *link = s->members[i].link;

		if (!url_is_http(link))
			continue;
		buf_printf(b, "    <link rel=\"%s\" href=\"",
		    &s->members[i] == root ? "alternate" : "related");
		atom_escape(b, link, 1);
		buf_addstr(b, "\"/>\n");
	}
	atom_date(b, "    ", "updated", updated);
	buf_init(&outlets);
	for (size_t i = 0; i < s->n; i++) {
		if (i > 0)
			buf_addstr(&outlets, ", ");
		buf_addstr(&outlets, atom_outlet(&s->members[i]));
	}
	buf_addc(&outlets, '\0');
	buf_addstr(b, "    <author>\n");
	atom_elem(b, "      ", "name", outlets.data);
	buf_addstr(b, "    </author>\n");
	buf_free(&outlets);
	content = atom_story_content(s);
	buf_addstr(b, "    <content type=\"html\">");
	atom_escape(b, content, 0);
	buf_addstr(b, "</content>\n");
	free(content);
	buf_addstr(b, "  </entry>\n");
	return updated;
}

int
atom_write_stories(const char *path, const struct atom_head *head,
    const struct atom_story *stories, size_t n, char *err, size_t errlen)
{
	struct buf body;
	time_t updated = 0, t;
	int rc;

	buf_init(&body);
	buf_add(&body, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (stories[i].n < 2)
			t = atom_entry(&body, stories[i].newest);
		else
			t = atom_story_entry(&body, &stories[i]);
		if (t > updated)
			updated = t;
	}
	rc = atom_document(path, head, &body, updated, err, errlen);
	buf_free(&body);
	return rc;
}
