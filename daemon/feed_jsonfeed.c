/*
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into the
 * struct feed_doc the XML path fills, with feedparser's version names
 * ("json1", "json11", "json").  The document is read by jansson, a strict
 * parser with a nesting limit, so no JSON is parsed by hand here; values
 * then go through the same helpers as RSS and Atom text: HTML is
 * sanitized and its relative URIs resolved (sanitize.c), dates go through
 * date_parse, links are joined by url_join (url.c), and each entry is
 * built in a struct feed__ctx handed over by feed_free.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "date.h"
#include "feed.h"
#include "feed_priv.h"
#include "sanitize.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

#define JF_VERSION_PREFIX	"https://jsonfeed.org/version/"
#define JF_TYPE			"application/feed+json"

/* What every value of one document is read against. */
struct jf {
	char	*base;		/* base URI for relative references, or "" */
	char	*lang;		/* the feed's language, or NULL */
};

static size_t		 jf_skip_bom_ws(const char *, size_t);
static char		*jf_copy(json_t *, int);
static char		*jf_str(json_t *, const char *);
static char		*jf_url(const struct jf *, json_t *, const char *);
static char		*jf_number(json_t *);
static void		 jf_text(const struct jf *, struct feed_text *,
			    json_t *, const char *, const char *);
static void		 jf_date(struct feed_date *, json_t *, const char *);
static struct feed_link	*jf_link(struct feed__ctx *, const char *,
			    const char *, const char *);
static int		 jf_person(const struct jf *, json_t *,
			    struct feed_person *);
static void		 jf_authors(const struct jf *, json_t *,
			    struct feed__ctx *);
static void		 jf_tags(json_t *, struct feed__ctx *);
static void		 jf_attachments(const struct jf *, json_t *,
			    struct feed__ctx *);
static void		 jf_item(const struct jf *, json_t *,
			    const struct feed__ctx *, struct feed__ctx *);
static void		 jf_feed(const struct jf *, json_t *,
			    struct feed__ctx *);
static char		*jf_base(const struct feed_source *, json_t *);

/* The offset of the first byte after a UTF-8 BOM and JSON white space. */
static size_t
jf_skip_bom_ws(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
	    buf[i] == '\n' || buf[i] == '\r'))
		i++;
	return i;
}

int
feed__jsonfeed_sniff(const char *buf, size_t len, const char *content_type)
{
	static const char *const types[] = {
		"application/feed+json", "application/json",
	};
	size_t i, n, first;

	first = jf_skip_bom_ws(buf, len);
	if (content_type != NULL) {
		while (*content_type == ' ' || *content_type == '\t')
			content_type++;
		n = strcspn(content_type, ";");
		while (n > 0 && (content_type[n - 1] == ' ' ||
		    content_type[n - 1] == '\t'))
			n--;
		for (i = 0; i < NELEM(types); i++)
			if (strlen(types[i]) == n &&
			    strncasecmp(content_type, types[i], n) == 0)
				/* Markup under a JSON type is an XML feed. */
				return first >= len || buf[first] != '<';
	}
	return first < len && buf[first] == '{';
}

/*
 * A JSON string as an allocated C string: a NUL inside becomes U+FFFD,
 * the length is capped as the XML path caps one element's text, and
 * strip removes surrounding white space as feedparser does.
 */
static char *
jf_copy(json_t *v, int strip)
{
	const char *s, *z;
	struct buf b;
	size_t n;
	char *r;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > FEED_MAX_TEXT) {
		n = FEED_MAX_TEXT;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	buf_init(&b);
	buf_addstr(&b, "");
	while ((z = memchr(s, '\0', n)) != NULL) {
		buf_add(&b, s, (size_t)(z - s));
		buf_addstr(&b, "\xef\xbf\xbd");
		n -= (size_t)(z - s) + 1;
		s = z + 1;
	}
	buf_add(&b, s, n);
	if (!strip)
		return buf_release(&b);
	r = feed__strip_dup(b.data, b.len);
	buf_free(&b);
	return r;
}

static char *
jf_str(json_t *obj, const char *key)
{
	return jf_copy(json_object_get(obj, key), 1);
}

/* A URL member resolved against the base; NULL when absent or empty. */
static char *
jf_url(const struct jf *j, json_t *obj, const char *key)
{
	char *s, *r;

	if ((s = jf_str(obj, key)) == NULL)
		return NULL;
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	r = url_join(j->base, s);
	free(s);
	return r;
}

/*
 * A number or boolean as the spec asks a non-string id to be coerced:
 * integers in decimal, reals in their shortest round-trip form.
 */
static char *
jf_number(json_t *v)
{
	char s[64];
	double d;
	int prec;

	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	if (!json_is_real(v))
		return NULL;
	d = json_real_value(v);
	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	return xstrdup(s);
}

/*
 * A title, description or summary.  The spec makes them plain text, but
 * like feedparser (and the RSS path) text that looks like HTML is taken
 * as HTML and cleaned.
 */
static void
jf_text(const struct jf *j, struct feed_text *t, json_t *obj,
    const char *key, const char *lang)
{
	char *s;

	if ((s = jf_str(obj, key)) == NULL)
		return;
	feed__text_free(t);
	if (sanitize_looks_like_html(s)) {
		t->value = sanitize_html(s, j->base);
		t->type = xstrdup("text/html");
		free(s);
	} else {
		t->value = s;
		t->type = xstrdup("text/plain");
	}
	t->lang = xstrdup_or_null(lang);
	t->base = xstrdup(j->base);
}

/* An RFC 3339 date; text that is no date keeps its raw form, ok = 0. */
static void
jf_date(struct feed_date *d, json_t *obj, const char *key)
{
	time_t t;

	if ((d->raw = jf_str(obj, key)) == NULL)
		return;
	d->ok = date_parse(d->raw, &t) == 0;
	d->t = d->ok ? t : 0;
}

/* Appends a link, within the XML path's limit of a thousand. */
static struct feed_link *
jf_link(struct feed__ctx *c, const char *rel, const char *type,
    const char *href)
{
	struct feed_link *l;

	if ((l = feed__add_link(c)) == NULL)
		return NULL;
	l->rel = xstrdup(rel);
	l->type = xstrdup_or_null(type);
	l->href = xstrdup(href);
	return l;
}

/*
 * An author object: name, and url as href; a mailto: url also gives the
 * email (without its query), as feedparser reads it.  Returns 1 when the
 * object carried anything.
 */
static int
jf_person(const struct jf *j, json_t *o, struct feed_person *p)
{
	char *s;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(o))
		return 0;
	if ((s = jf_str(o, "name")) != NULL && *s != '\0')
		p->name = s;
	else
		free(s);
	if ((p->href = jf_url(j, o, "url")) != NULL &&
	    strncasecmp(p->href, "mailto:", 7) == 0 && p->href[7] != '\0')
		p->email = xstrndup(p->href + 7, strcspn(p->href + 7, "?"));
	if (p->name == NULL && p->href == NULL) {
		feed__person_free(p);
		return 0;
	}
	return 1;
}

/*
 * 1.1's "authors" array, else 1.0's "author" object: the first person is
 * the author, shown as the XML path shows one ("Name (email)").
 */
static void
jf_authors(const struct jf *j, json_t *obj, struct feed__ctx *c)
{
	struct feed_person p;
	json_t *a, *v;
	size_t i;
	int found = 0;

	a = json_object_get(obj, "authors");
	if (json_is_array(a)) {
		json_array_foreach(a, i, v)
			if ((found = jf_person(j, v, &p)))
				break;
	}
	if (!found)
		found = jf_person(j, json_object_get(obj, "author"), &p);
	if (!found)
		return;
	feed__person_free(&c->author_detail);
	c->author_detail = p;
	c->has_author_detail = 1;
	c->nauthors = 1;
	free(c->str[F_AUTHOR]);
	if (p.name != NULL && p.email != NULL)
		c->str[F_AUTHOR] = xasprintf("%s (%s)", p.name, p.email);
	else
		c->str[F_AUTHOR] = xstrdup_or_null(p.name != NULL ? p.name :
		    p.email);
}

/* Tags are plain strings: terms without scheme or label. */
static void
jf_tags(json_t *obj, struct feed__ctx *c)
{
	json_t *a, *v;
	size_t i, k;
	char *s;

	a = json_object_get(obj, "tags");
	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, v) {
		if ((s = jf_copy(v, 1)) == NULL || *s == '\0') {
			free(s);
			continue;
		}
		for (k = 0; k < c->ntags; k++)
			if (strcmp(c->tags[k].term, s) == 0)
				break;
		if (k < c->ntags || c->ntags >= 1000) {
			free(s);
			continue;
		}
		c->tags = xreallocarray(c->tags, c->ntags + 1,
		    sizeof(*c->tags));
		memset(&c->tags[c->ntags], 0, sizeof(*c->tags));
		c->tags[c->ntags++].term = s;
	}
}

/* Attachments are links with rel="enclosure", as RSS enclosures are. */
static void
jf_attachments(const struct jf *j, json_t *obj, struct feed__ctx *c)
{
	struct feed_link *l;
	json_t *a, *v, *size;
	size_t i;
	char *href;
	double d;

	a = json_object_get(obj, "attachments");
	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, v) {
		if (!json_is_object(v) || (href = jf_url(j, v, "url")) == NULL)
			continue;
		l = jf_link(c, "enclosure", NULL, href);
		free(href);
		if (l == NULL)
			return;
		l->type = jf_str(v, "mime_type");
		l->title = jf_str(v, "title");
		size = json_object_get(v, "size_in_bytes");
		if (json_is_integer(size) && json_integer_value(size) >= 0)
			l->length = jf_number(size);
		else if (json_is_real(size) &&
		    (d = json_real_value(size)) >= 0 && d < 1e18 &&
		    d == (double)(long long)d)
			l->length = xasprintf("%lld", (long long)d);
	}
}

/* One item; feed is the feed's context, whose authors an item inherits. */
static void
jf_item(const struct jf *j, json_t *o, const struct feed__ctx *feed,
    struct feed__ctx *c)
{
	struct feed_text *t;
	json_t *id;
	char *url, *ext, *s;
	const char *lang;

	id = json_object_get(o, "id");
	c->str[F_ID] = json_is_string(id) ? jf_copy(id, 1) : jf_number(id);
	c->str[F_LANGUAGE] = jf_str(o, "language");
	lang = c->str[F_LANGUAGE] != NULL ? c->str[F_LANGUAGE] : j->lang;

	url = jf_url(j, o, "url");
	ext = jf_url(j, o, "external_url");
	if (url != NULL)
		jf_link(c, "alternate", "text/html", url);
	if (ext != NULL)
		jf_link(c, "related", "text/html", ext);
	c->link = url != NULL ? url : xstrdup_or_null(ext);
	free(ext);

	jf_text(j, &c->text[F_TITLE], o, "title", lang);
	jf_text(j, &c->text[F_SUMMARY], o, "summary", lang);
	/* HTML first: delivery shows the first content. */
	if ((s = jf_copy(json_object_get(o, "content_html"), 0)) != NULL) {
		c->content = xreallocarray(c->content, c->ncontent + 1,
		    sizeof(*c->content));
		t = &c->content[c->ncontent++];
		t->value = sanitize_html(s, j->base);
		t->type = xstrdup("text/html");
		t->lang = xstrdup_or_null(lang);
		t->base = xstrdup(j->base);
		free(s);
	}
	if ((s = jf_copy(json_object_get(o, "content_text"), 0)) != NULL) {
		c->content = xreallocarray(c->content, c->ncontent + 1,
		    sizeof(*c->content));
		t = &c->content[c->ncontent++];
		t->value = s;
		t->type = xstrdup("text/plain");
		t->lang = xstrdup_or_null(lang);
		t->base = xstrdup(j->base);
	}

	jf_date(&c->date[F_PUBLISHED], o, "date_published");
	jf_date(&c->date[F_UPDATED], o, "date_modified");
	jf_authors(j, o, c);
	/* Without authors of its own, an item has the feed's (spec 1.1). */
	if (!c->has_author_detail && feed->has_author_detail) {
		c->has_author_detail = 1;
		c->nauthors = 1;
		c->author_detail.name =
		    xstrdup_or_null(feed->author_detail.name);
		c->author_detail.email =
		    xstrdup_or_null(feed->author_detail.email);
		c->author_detail.href =
		    xstrdup_or_null(feed->author_detail.href);
		c->str[F_AUTHOR] = xstrdup_or_null(feed->str[F_AUTHOR]);
	}
	jf_tags(o, c);
	jf_attachments(j, o, c);
}

/* The top-level fields; the language first, for the text details. */
static void
jf_feed(const struct jf *j, json_t *root, struct feed__ctx *c)
{
	struct feed_link *l;
	char *s;

	if ((s = jf_str(root, "language")) != NULL && *s != '\0') {
		free(c->str[F_LANGUAGE]);
		c->str[F_LANGUAGE] = s;
	} else
		free(s);
	jf_text(j, &c->text[F_TITLE], root, "title", c->str[F_LANGUAGE]);
	jf_text(j, &c->text[F_SUBTITLE], root, "description",
	    c->str[F_LANGUAGE]);
	if ((s = jf_url(j, root, "home_page_url")) != NULL) {
		jf_link(c, "alternate", "text/html", s);
		c->link = s;
	}
	/* The feed's own URL is its id too, as in feedparser. */
	if ((s = jf_url(j, root, "feed_url")) != NULL) {
		if ((l = jf_link(c, "self", JF_TYPE, s)) != NULL &&
		    c->text[F_TITLE].value != NULL)
			l->title = xstrdup(c->text[F_TITLE].value);
		c->str[F_ID] = s;
	}
	if ((s = jf_url(j, root, "next_url")) != NULL) {
		jf_link(c, "next", JF_TYPE, s);
		free(s);
	}
	jf_authors(j, root, c);
}

/*
 * The base for relative references: Content-Location over the document
 * URL as in feed.c, and without either the feed's own absolute feed_url.
 */
static char *
jf_base(const struct feed_source *src, json_t *root)
{
	char *base, *fu;

	if (src != NULL &&
	    (base = feed__doc_base(src->url, src->content_location)) != NULL)
		return base;
	if ((fu = jf_str(root, "feed_url")) != NULL && url_is_absolute(fu))
		return fu;
	free(fu);
	return xstrdup("");
}

/*
 * The JSON of a JSON Feed document, its version member (allocated, or
 * NULL) in *version; NULL with err filled when the bytes are no JSON, the
 * JSON no object, or the object has neither a JSON Feed version nor items.
 */
static json_t *
jf_load(const char *buf, size_t len, char **version, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	size_t off;
	char *p;
	int utf8;

	*version = NULL;
	off = jf_skip_bom_ws(buf, len);
	/* NULs inside strings are replaced later, not fatal to the feed. */
	if ((root = json_loadb(buf + off, len - off, JSON_ALLOW_NUL,
	    &jerr)) == NULL) {
		/* One line of UTF-8: jansson's excerpt may end mid-sequence. */
		utf8 = utf8_valid(jerr.text, strlen(jerr.text));
		for (p = jerr.text; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
			else if ((unsigned char)*p >= 0x80 && !utf8)
				*p = '?';
		snprintf(err, errlen, "not a feed (invalid JSON: %s at line "
		    "%d)", jerr.text, jerr.line);
		return NULL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen,
		    "not a feed (JSON that is not an object)");
		json_decref(root);
		return NULL;
	}
	*version = jf_str(root, "version");
	if ((*version == NULL || strncmp(*version, JF_VERSION_PREFIX,
	    strlen(JF_VERSION_PREFIX)) != 0) &&
	    !json_is_array(json_object_get(root, "items"))) {
		snprintf(err, errlen, "not a feed (JSON without a JSON Feed "
		    "version or items)");
		free(*version);
		*version = NULL;
		json_decref(root);
		return NULL;
	}
	return root;
}

/* feedparser's name for a JSON Feed version URL. */
static char *
jf_version_name(const char *version)
{
	if (version != NULL && strcmp(version, JF_VERSION_PREFIX "1") == 0)
		return xstrdup("json1");
	if (version != NULL && strcmp(version, JF_VERSION_PREFIX "1.1") == 0)
		return xstrdup("json11");
	return xstrdup("json");
}

/* The items that are objects, at most FEED_MAX_ENTRIES, as doc's entries. */
static void
jf_entries(const struct jf *j, json_t *items, const struct feed__ctx *feed,
    struct feed_doc *doc)
{
	struct feed__ctx c;
	json_t *o;
	size_t i, n = 0;

	if (!json_is_array(items))
		return;
	json_array_foreach(items, i, o)
		if (json_is_object(o) && n < FEED_MAX_ENTRIES)
			n++;
		else if (json_is_object(o))
			doc->entries_dropped++;
	if (n == 0)
		return;
	doc->entries = xcalloc(n, sizeof(*doc->entries));
	json_array_foreach(items, i, o) {
		if (!json_is_object(o))
			continue;
		if (doc->nentries == n)
			break;
		memset(&c, 0, sizeof(c));
		jf_item(j, o, feed, &c);
		feed__ctx_to_entry(&c, &doc->entries[doc->nentries++]);
	}
}

struct feed_doc *
feed__jsonfeed_parse(const char *buf, size_t len,
    const struct feed_source *src, char *err, size_t errlen)
{
	struct feed_doc *doc;
	struct feed__ctx feed;
	struct jf j;
	json_t *root;
	char *version;

	if ((root = jf_load(buf, len, &version, err, errlen)) == NULL)
		return NULL;
	memset(&feed, 0, sizeof(feed));
	memset(&j, 0, sizeof(j));
	j.base = jf_base(src, root);
	if (src != NULL && src->content_language != NULL &&
	    *src->content_language != '\0')
		feed.str[F_LANGUAGE] =
		    feed__lang_fix(xstrdup(src->content_language));
	jf_feed(&j, root, &feed);
	j.lang = feed.str[F_LANGUAGE];

	doc = xcalloc(1, sizeof(*doc));
	doc->wellformed = 1;
	doc->encoding = xstrdup("utf-8");
	doc->version = jf_version_name(version);
	free(version);
	jf_entries(&j, json_object_get(root, "items"), &feed, doc);
	feed__ctx_to_doc(&feed, doc);
	free(j.base);
	json_decref(root);
	return doc;
}
