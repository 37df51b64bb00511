/*
 * The flat entry record built from a parsed feed entry: owned copies of
 * what delivery and the merged feed need, a plain-text title, HTML
 * content, a date that is never missing, and the deduplication key of
 * SPEC.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "entry.h"
#include "url.h"
#include "xmalloc.h"

static int	 entry_type_html(const char *);
static char	*entry_plain_text(const char *, const char *);
static size_t	 entry_decode_ref(const char *, struct buf *);
static void	 entry_add_utf8(struct buf *, unsigned long);
static char	*entry_html_content(const struct feed_text *);
static const struct feed_text *entry_body(const struct feed_entry *);
static void	 entry_key(struct entry *, const struct feed_entry *,
		    const char *);

/*
 * Named references decoded in titles before the HTML 4 ones (the names
 * feedparser's sanitizer keeps): apos is XML's, and a no-break space
 * becomes a plain one in a Subject.
 */
static const struct {
	const char	*name;
	const char	*text;
} entry_refs[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " },
};

static int
entry_type_html(const char *type)
{
	return type != NULL && (strcasecmp(type, "text/html") == 0 ||
	    strcasecmp(type, "html") == 0 ||
	    strcasecmp(type, "application/xhtml+xml") == 0 ||
	    strcasecmp(type, "xhtml") == 0);
}

static void
entry_add_utf8(struct buf *b, unsigned long c)
{
	/* NUL, surrogates and out-of-range values become U+FFFD. */
	if (c == 0 || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x80)
		buf_addc(b, (char)c);
	else if (c < 0x800) {
		buf_addc(b, (char)(0xc0 | (c >> 6)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(b, (char)(0xe0 | (c >> 12)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (c >> 18)));
		buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/*
 * Decodes the character reference at s ('&'), appending its text.
 * Returns the bytes consumed, or 0 when it is not one we know.
 */
static size_t
entry_decode_ref(const char *s, struct buf *b)
{
	const htmlEntityDesc *hd;
	const char *semi, *p;
	unsigned long c = 0;
	size_t i, len;
	int base = 10, n = 0;
	char name[16];

	if ((semi = strchr(s + 1, ';')) == NULL || semi - s > 12)
		return 0;
	len = semi - s - 1;
	if (s[1] == '#') {
		p = s + 2;
		if (*p == 'x' || *p == 'X') {
			base = 16;
			p++;
		}
		for (; p < semi; p++, n++) {
			if (base == 16 && strchr("0123456789abcdefABCDEF",
			    *p) != NULL)
				c = c * 16 + (unsigned long)(*p <= '9' ?
				    *p - '0' : (*p | 0x20) - 'a' + 10);
			else if (base == 10 && *p >= '0' && *p <= '9')
				c = c * 10 + (unsigned long)(*p - '0');
			else
				return 0;
		}
		if (n == 0)
			return 0;
		entry_add_utf8(b, c);
		return len + 2;
	}
	for (i = 0; i < sizeof(entry_refs) / sizeof(entry_refs[0]); i++) {
		if (strlen(entry_refs[i].name) == len &&
		    strncmp(s + 1, entry_refs[i].name, len) == 0) {
			buf_addstr(b, entry_refs[i].text);
			return len + 2;
		}
	}
	memcpy(name, s + 1, len);
	name[len] = '\0';
	if ((hd = htmlEntityLookup((const xmlChar *)name)) != NULL) {
		entry_add_utf8(b, hd->value);
		return len + 2;
	}
	return 0;
}

/*
 * A title on one line: for HTML types the tags are stripped and character
 * references decoded; for every type runs of white space become one
 * space and the ends are trimmed, since the title becomes a Subject.
 */
static char *
entry_plain_text(const char *value, const char *type)
{
	struct buf raw, out;
	const char *p, *gt;
	size_t n, i;
	int html = entry_type_html(type), space = 0;

	buf_init(&raw);
	buf_add(&raw, "", 0);
	for (p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (html && *p == '<' && (p[1] == '/' || p[1] == '!' ||
		    p[1] == '?' || isalpha((unsigned char)p[1])) &&
		    (gt = strchr(p, '>')) != NULL) {
			/* A tag separates words like the space it renders as. */
			buf_addc(&raw, ' ');
			p = gt;
		} else if (html && *p == '&' &&
		    (n = entry_decode_ref(p, &raw)) > 0)
			p += n - 1;
		else
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
	const char *p;

	if (t->value == NULL)
		return xstrdup("");
	if (entry_type_html(t->type))
		return xstrdup(t->value);
	buf_init(&out);
	buf_add(&out, "", 0);
	for (p = t->value; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			buf_addstr(&out, "&amp;");
			break;
		case '<':
			buf_addstr(&out, "&lt;");
			break;
		case '>':
			buf_addstr(&out, "&gt;");
			break;
		case '"':
			buf_addstr(&out, "&quot;");
			break;
		case '\r':
			if (p[1] != '\n')
				buf_addstr(&out, "<br>\n");
			break;
		case '\n':
			buf_addstr(&out, "<br>\n");
			break;
		default:
			buf_addc(&out, *p);
		}
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
 *   link:    url_canonical(link), when that is not empty
 *   id:      "id\n" NAME "\n" ID
 *   neither: "content\n" NAME "\n" TITLE "\n" CONTENT
 * NAME is the feed's config name; ID, TITLE and CONTENT are the values as
 * parsed (TITLE before plain-text conversion, CONTENT the first content
 * value that is not empty, else the summary, else empty).  The prefixes
 * keep the three kinds from colliding, and NAME scopes ids to their feed.
 */
static void
entry_key(struct entry *e, const struct feed_entry *fe, const char *name)
{
	const char *content = "";
	char *s = NULL;

	/* A link of only white space would give every such entry one key. */
	if (fe->link != NULL && (s = url_canonical(fe->link))[0] == '\0') {
		free(s);
		s = NULL;
	}
	if (s == NULL && fe->id != NULL && fe->id[0] != '\0')
		s = xasprintf("id\n%s\n%s", name, fe->id);
	if (s == NULL) {
		if (entry_body(fe)->value != NULL)
			content = entry_body(fe)->value;
		s = xasprintf("content\n%s\n%s\n%s", name,
		    fe->title.value != NULL ? fe->title.value : "", content);
	}
	key_hash(s, strlen(s), e->key);
	free(s);
}

void
entry_from_feed(struct entry *e, const struct feed_doc *doc,
    const struct feed_entry *fe, const char *name, const char *url,
    const char *title, time_t now)
{
	memset(e, 0, sizeof(*e));
	entry_key(e, fe, name);
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
	e->feed_url = xstrdup(url != NULL ? url : "");

	e->title = entry_plain_text(fe->title.value, fe->title.type);
	if (e->title[0] == '\0') {
		free(e->title);
		e->title = xstrdup("(untitled)");
	}
	e->link = fe->link != NULL && fe->link[strspn(fe->link,
	    " \t\r\n")] != '\0' ? xstrdup(fe->link) : NULL;
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
	memset(e, 0, sizeof(*e));
}
