/*
 * The flat entry record built from a parsed feed entry: owned copies of
 * what delivery and the merged feed need, a plain-text title, HTML
 * content, a date that is never missing, and the deduplication key of
 * SPEC.md.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "entry.h"
#include "log.h"
#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

static char	*entry_plain_text(const char *, const char *);
static char	*entry_html_content(const struct feed_text *);
static const struct feed_text *entry_body(const struct feed_entry *);
static char	*entry_key_bytes(const struct feed_entry *, const char *,
		    int *);
static int	 entry_cut_text(char **);
static int	 entry_cut_html(char **);
static int	 entry_cut_url(char **);
static void	 entry_bound(struct entry *);

/*
 * A title on one line: for HTML types the tags are stripped and character
 * references decoded (a no-break space written as one becomes a plain
 * space, as a Subject wants); for every type runs of white space become
 * one space and the ends are trimmed, since the title becomes a Subject.
 */
static char *
entry_plain_text(const char *value, const char *type)
{
	struct buf raw, out;
	const char *p, *gt, *end;
	size_t n, i;
	uint32_t c;
	int html = text_is_html_type(type), space = 0;

	if (value == NULL)
		value = "";
	end = value + strlen(value);
	buf_init(&raw);
	buf_add(&raw, "", 0);
	for (p = value; *p != '\0'; p++) {
		if (html && *p == '<' && (p[1] == '/' || p[1] == '!' ||
		    p[1] == '?' || isalpha((unsigned char)p[1])) &&
		    (gt = strchr(p, '>')) != NULL) {
			/* A tag separates words like the space it shows as. */
			buf_addc(&raw, ' ');
			p = gt;
		} else if (html && *p == '&' &&
		    (n = text_ref(p, (size_t)(end - p), &c)) > 0) {
			utf8_put(&raw, c == 0xa0 ? ' ' : c);
			p += n - 1;
		} else
			buf_addc(&raw, *p);
	}
	buf_init(&out);
	buf_add(&out, "", 0);
	for (i = 0; i < raw.len; i++) {
		if (strchr(" \t\r\n\f\v", raw.data[i]) != NULL) {
			space = out.len > 0;
			continue;
		}
		if (space)
			buf_addc(&out, ' ');
		space = 0;
		buf_addc(&out, raw.data[i]);
	}
	buf_free(&raw);
	return buf_release(&out);
}

/*
 * Content as HTML.  HTML and xhtml come sanitized from the parser; every
 * other type (plain text, XML types, decoded base64) is not HTML, as in
 * feedparser, and is escaped as text with its line breaks kept, so that
 * nothing unsanitized reaches the mail or the merged feed.
 */
static char *
entry_html_content(const struct feed_text *t)
{
	struct buf out;
	const char *p, *eol;

	if (t->value == NULL)
		return xstrdup("");
	if (text_is_html_type(t->type))
		return xstrdup(t->value);
	buf_init(&out);
	buf_add(&out, "", 0);
	for (p = t->value;; p = eol) {
		eol = p + strcspn(p, "\r\n");
		text_escape(&out, p, (size_t)(eol - p), TEXT_ESC_QUOTE);
		if (*eol == '\0')
			break;
		/* CR LF, a lone CR and a lone LF each end one line. */
		buf_addstr(&out, "<br>\n");
		eol += eol[0] == '\r' && eol[1] == '\n' ? 2 : 1;
	}
	return buf_release(&out);
}

/*
 * The text that stands for the body: the first content that has text,
 * else the summary.  An empty or out-of-line (src=) content has none and
 * must not hide the summary.
 */
static const struct feed_text *
entry_body(const struct feed_entry *fe)
{
	size_t i;

	for (i = 0; i < fe->ncontent; i++)
		if (fe->content[i].value != NULL &&
		    fe->content[i].value[0] != '\0')
			return &fe->content[i];
	return &fe->summary;
}

/*
 * The key is SHA-256 over exactly these bytes, first that applies:
 *   link:    url_canonical(link), when the link is http(s)
 *   id:      "id\n" SCOPE "\n" ID
 *   neither: "content\n" SCOPE "\n" TITLE "\n" CONTENT
 * SCOPE is the feed's url_identity: its URL as configured (a permanent
 * move keeps it), canonical and without credentials, so that renaming a
 * feed or a new password changes no key; states written before keyed by
 * the feed's config name there (poll_work.c looks such keys up too).  ID,
 * TITLE and CONTENT are the values as parsed (TITLE before plain-text
 * conversion, CONTENT the first content value that is not empty, else the
 * summary, else empty).  The prefixes keep the three kinds from colliding,
 * and SCOPE keeps ids to their feed.  *scoped tells whether SCOPE is in
 * the allocated result.
 */
static char *
entry_key_bytes(const struct feed_entry *fe, const char *scope, int *scoped)
{
	const char *content = "";

	*scoped = 0;
	/* A javascript: or data: link is not published, so keys nothing. */
	if (url_is_http(fe->link))
		return url_canonical(fe->link);
	*scoped = 1;
	if (fe->id != NULL && fe->id[0] != '\0')
		return xasprintf("id\n%s\n%s", scope, fe->id);
	if (entry_body(fe)->value != NULL)
		content = entry_body(fe)->value;
	return xasprintf("content\n%s\n%s\n%s", scope,
	    fe->title.value != NULL ? fe->title.value : "", content);
}

int
entry_key_scoped(const struct feed_entry *fe, const char *scope,
    char hex[KEY_HEX_SIZE])
{
	char *s;
	int scoped;

	s = entry_key_bytes(fe, scope, &scoped);
	if (scoped)
		entry_key_hash(s, strlen(s), hex);
	free(s);
	return scoped;
}

/* Whether the ", "-separated list has the keyword k (n bytes). */
static int
keyword_in(const char *list, const char *k, size_t n)
{
	for (const char *p = list; *p != '\0'; ) {
		size_t m = strcspn(p, ",");

		if (m == n && strncmp(p, k, n) == 0)
			return 1;
		p += m;
		p += strspn(p, ", ");
	}
	return 0;
}

/* The categories' terms (else labels), one line, each once. */
static char *
entry_keywords(const struct feed_entry *fe)
{
	struct buf b;
	char *t, *k;
	size_t i, n;

	buf_init(&b);
	for (i = 0; i < fe->ntags; i++) {
		k = fe->tags[i].term != NULL && fe->tags[i].term[0] != '\0' ?
		    fe->tags[i].term : fe->tags[i].label;
		if (k == NULL)
			continue;
		t = text_clean(k, TEXT_CLEAN_LINE);
		/* A comma would split the keyword in two. */
		for (char *c = t; *c != '\0'; c++)
			if (*c == ',')
				*c = ' ';
		n = strlen(t);
		if (n > 0 && (b.len == 0 || !keyword_in(b.data, t, n))) {
			if (b.len > 0)
				buf_addstr(&b, ", ");
			buf_addstr(&b, t);
		}
		free(t);
	}
	return b.len > 0 ? buf_release(&b) : (buf_free(&b), NULL);
}

/* The http(s) enclosures, "URL\tTYPE\tLENGTH" a line each. */
static char *
entry_enclosures(const struct feed_entry *fe)
{
	struct buf b;
	char *type, *len;
	size_t i, n = 0;

	buf_init(&b);
	for (i = 0; i < fe->nenclosures && n < ENTRY_ENCLOSURES_MAX; i++) {
		const struct feed_enclosure *en = &fe->enclosures[i];

		if (!url_is_http(en->href) || strlen(en->href) > ENTRY_URL_MAX ||
		    strpbrk(en->href, " \t\r\n") != NULL)
			continue;
		type = text_clean(en->type ? en->type : "", TEXT_CLEAN_LINE);
		len = xstrndup(en->length ? en->length : "",
		    en->length ? strspn(en->length, "0123456789") : 0);
		buf_printf(&b, "%s\t%.100s\t%.20s\n", en->href,
		    strchr(type, '\t') ? "" : type, len);
		free(type);
		free(len);
		n++;
	}
	return b.len > 0 ? buf_release(&b) : (buf_free(&b), NULL);
}

void
entry_from_feed(struct entry *e, const struct feed_doc *doc,
    const struct feed_entry *fe, const char *name, const char *url,
    const char *title, time_t now)
{
	char *scope, *bytes;
	int scoped;

	memset(e, 0, sizeof(*e));
	scope = url_identity(url);
	bytes = entry_key_bytes(fe, scope, &scoped);
	entry_key_hash(bytes, strlen(bytes), e->key);
	free(bytes);
	free(scope);
	e->feed_name = xstrdup(name);
	if (title != NULL && title[0] != '\0')
		e->feed_title = xstrdup(title);
	else if (doc != NULL && doc->title.value != NULL &&
	    (e->feed_title = entry_plain_text(doc->title.value,
	    doc->title.type))[0] == '\0') {
		free(e->feed_title);
		e->feed_title = NULL;
	}
	if (e->feed_title == NULL)
		e->feed_title = xstrdup(name);
	/* Shown in mail and the merged feed: never with its password. */
	e->feed_url = url_hide_password(url != NULL ? url : "");

	e->title = entry_plain_text(fe->title.value, fe->title.type);
	if (e->title[0] == '\0') {
		free(e->title);
		e->title = xstrdup("(untitled)");
	}
	e->link = url_is_http(fe->link) ? xstrdup(fe->link) : NULL;
	e->id = fe->id != NULL && fe->id[0] != '\0' ? xstrdup(fe->id) : NULL;
	if (fe->author != NULL && fe->author[0] != '\0')
		e->author = xstrdup(fe->author);
	else if (fe->author_detail.name != NULL &&
	    fe->author_detail.name[0] != '\0')
		e->author = xstrdup(fe->author_detail.name);
	e->content = entry_html_content(entry_body(fe));

	if (fe->published.ok)
		e->date = fe->published.t;
	else if (fe->updated.ok)
		e->date = fe->updated.t;
	else
		e->date = now;
	e->seen = now;
	e->published = fe->published.ok ? fe->published.t : 0;
	e->updated = fe->updated.ok ? fe->updated.t : 0;
	/* An id that is no IRI cannot stand for the feed in atom:source. */
	if (doc != NULL && doc->id != NULL && url_is_absolute(doc->id))
		e->source_id = xstrdup(doc->id);
	e->keywords = entry_keywords(fe);
	e->comments = url_is_http(fe->comments) ? xstrdup(fe->comments) : NULL;
	e->enclosures = entry_enclosures(fe);
	entry_bound(e);
}

time_t
entry_placed(const struct entry *e)
{
	return e->seen != 0 && e->date > e->seen ? e->seen : e->date;
}

time_t
entry_dated(const struct entry *e)
{
	return e->published != 0 ? e->published : e->updated;
}

#define ENTRY_ELLIPSIS	"\xe2\x80\xa6"

/* Cuts *s after ENTRY_TEXT_MAX characters, adding "…"; 1 if it did. */
static int
entry_cut_text(char **s)
{
	size_t n, keep;
	char *t;

	if (*s == NULL)
		return 0;
	n = strlen(*s);
	if ((keep = utf8_cut(*s, n, ENTRY_TEXT_MAX, n)) == n)
		return 0;
	t = xasprintf("%.*s" ENTRY_ELLIPSIS, (int)keep, *s);
	free(*s);
	*s = t;
	return 1;
}

/*
 * Cuts HTML after ENTRY_CONTENT_MAX bytes, on a character boundary and
 * before a tag the cut would split, adding "…"; 1 if it did.
 */
static int
entry_cut_html(char **s)
{
	size_t n = strlen(*s), keep;
	const char *lt, *gt;
	char *t;

	if (n <= ENTRY_CONTENT_MAX)
		return 0;
	keep = utf8_cut(*s, n, n, ENTRY_CONTENT_MAX);
	lt = memrchr(*s, '<', keep);
	gt = memrchr(*s, '>', keep);
	if (lt != NULL && (gt == NULL || gt < lt))
		keep = (size_t)(lt - *s);
	t = xasprintf("%.*s" ENTRY_ELLIPSIS, (int)keep, *s);
	free(*s);
	*s = t;
	return 1;
}

void
entry_set_content(struct entry *e, char *html)
{
	free(e->content);
	e->content = html;
	e->cut &= ~(unsigned int)ENTRY_CUT_CONTENT;
	if (entry_cut_html(&e->content))
		e->cut |= ENTRY_CUT_CONTENT;
}

/* Leaves out a link or id over ENTRY_URL_MAX bytes; 1 if it did. */
static int
entry_cut_url(char **s)
{
	if (*s == NULL || strlen(*s) <= ENTRY_URL_MAX)
		return 0;
	free(*s);
	*s = NULL;
	return 1;
}

/* Holds e to the bounds of entry.h, noting in e->cut what was cut. */
static void
entry_bound(struct entry *e)
{
	if (entry_cut_text(&e->title) + entry_cut_text(&e->feed_title) +
	    entry_cut_text(&e->author) + entry_cut_text(&e->keywords) > 0)
		e->cut |= ENTRY_CUT_TEXT;
	if (entry_cut_html(&e->content))
		e->cut |= ENTRY_CUT_CONTENT;
	if (entry_cut_url(&e->link) + entry_cut_url(&e->id) +
	    entry_cut_url(&e->source_id) + entry_cut_url(&e->comments) > 0)
		e->cut |= ENTRY_CUT_URL;
}

void
entry_clear(struct entry *e)
{
	if (e == NULL)
		return;
	free(e->feed_name);
	free(e->feed_title);
	free(e->feed_url);
	free(e->title);
	free(e->link);
	free(e->id);
	free(e->author);
	free(e->content);
	free(e->source_id);
	free(e->keywords);
	free(e->comments);
	free(e->enclosures);
	free(e->story_text);
	free(e->story_links);
	free(e->story_vec);
	memset(e, 0, sizeof(*e));
}

void
entry_key_digest(const char *s, size_t len, unsigned char key[KEY_BYTES])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != KEY_BYTES)
		fatalx("entry_key_digest: SHA-256 failed");
	memcpy(key, md, KEY_BYTES);
}

void
entry_key_hash(const char *s, size_t len, char hex[KEY_HEX_SIZE])
{
	unsigned char key[KEY_BYTES];

	entry_key_digest(s, len, key);
	entry_key_hex(key, hex);
}

void
entry_key_hex(const unsigned char key[KEY_BYTES], char hex[KEY_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < KEY_BYTES; i++) {
		hex[2 * i] = digits[key[i] >> 4];
		hex[2 * i + 1] = digits[key[i] & 0xf];
	}
	hex[KEY_HEX_LEN] = '\0';
}

int
entry_key_parse(const char *hex, unsigned char key[KEY_BYTES])
{
	for (int i = 0; i < KEY_BYTES; i++) {
		unsigned int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned int)(c - 'a' + 10);
			else
				return -1;
		}
		key[i] = (unsigned char)v;
	}
	return 0;
}

const struct entry *
entry_story_root(const struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, v[i].story) == 0)
			return &v[i];
	return &v[0];
}
