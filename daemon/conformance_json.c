/*
 * The conformance JSON of a parsed document (the "feedparser-lite" schema
 * of ../shared/conformance/README.md): feedparser's field names, absent
 * fields omitted, dates as ISO 8601 UTC next to their raw text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance_json.h"
#include "date.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * The output goes through a buffer of our own: a document is thousands of
 * short strings, and stdio's per-call checks and locking cost more than
 * the bytes.  Write errors reach the stream, where the caller sees them.
 */
struct jw {
	FILE	*fp;
	size_t	 n;
	char	 b[65536];
};

static void
jw_flush(struct jw *w)
{
	if (w->n > 0)
		fwrite(w->b, 1, w->n, w->fp);
	w->n = 0;
}

static void
jw_add(struct jw *w, const void *s, size_t n)
{
	if (n > sizeof(w->b) - w->n) {
		jw_flush(w);
		if (n > sizeof(w->b)) {
			fwrite(s, 1, n, w->fp);
			return;
		}
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

static void
jw_c(struct jw *w, char c)
{
	if (w->n == sizeof(w->b))
		jw_flush(w);
	w->b[w->n++] = c;
}

static void
jw_s(struct jw *w, const char *s)
{
	jw_add(w, s, strlen(s));
}

/* Printable ASCII but the quote and the backslash: written as it is. */
static int
json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Whether the 8 bytes at u are all plain, tested a word at a time: most
 * text is long ASCII runs.  Each test finds any byte it looks for (a
 * carry may flag more, which only sends the word the slow way).
 */
static int
json_plain8(const unsigned char *u)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t highs = 0x8080808080808080ull;
	uint64_t w, q, b;

	memcpy(&w, u, 8);
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return (((w - ones * 0x20) & ~w) |	/* a control */
	    (w + ones) | w |			/* 0x7f, or not ASCII */
	    ((q - ones) & ~q) | ((b - ones) & ~b)) & highs ? 0 : 1;
}

/*
 * Writes s as a JSON string; bytes that are not UTF-8 become U+FFFD.  Runs
 * that need no escape are copied whole.
 */
static void
json_str(struct jw *w, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";
	size_t i, n = strlen(s), l, run;
	uint32_t c;
	char esc[6];

	jw_c(w, '"');
	for (i = 0; i < n; ) {
		for (run = i; i < n; ) {
			while (n - i >= 8 && json_plain8(u + i))
				i += 8;
			if (i == n)
				break;
			if (json_plain(u[i]))
				i++;
			else if (u[i] >= 0x80 &&
			    (l = utf8_decode(u + i, n - i, &c)) != 0)
				i += l;
			else
				break;
		}
		jw_add(w, u + run, i - run);
		if (i == n)
			break;
		if (u[i] == '"' || u[i] == '\\') {
			jw_c(w, '\\');
			jw_c(w, (char)u[i]);
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			/* "\u%04x": newlines are common enough to count. */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 0xf];
			jw_add(w, esc, 6);
		} else
			jw_s(w, UTF8_REPLACEMENT_STR);
		i++;
	}
	jw_c(w, '"');
}

/* Keys are this file's plain ASCII names: written without escaping. */
static void
json_key(struct jw *w, int *first, const char *key)
{
	if (!*first)
		jw_c(w, ',');
	*first = 0;
	jw_c(w, '"');
	jw_s(w, key);
	jw_s(w, "\":");
}

static void
json_field(struct jw *w, int *first, const char *key, const char *value)
{
	if (value == NULL)
		return;
	json_key(w, first, key);
	json_str(w, value);
}

static void
json_null_or(struct jw *w, const char *value)
{
	if (value == NULL)
		jw_s(w, "null");
	else
		json_str(w, value);
}

static void
json_text(struct jw *w, int *first, const char *key, const struct feed_text *t)
{
	char dkey[64];
	int f = 1;

	if (t->value == NULL)
		return;
	json_field(w, first, key, t->value);
	if (t->type == NULL)
		return;
	snprintf(dkey, sizeof(dkey), "%s_detail", key);
	json_key(w, first, dkey);
	jw_c(w, '{');
	json_field(w, &f, "type", t->type);
	json_key(w, &f, "language");
	json_null_or(w, t->lang);
	json_field(w, &f, "base", t->base ? t->base : "");
	jw_c(w, '}');
}

static void
json_date(struct jw *w, int *first, const char *key, const struct feed_date *d)
{
	char iso[32], rkey[64];

	if (d->raw == NULL)
		return;
	json_key(w, first, key);
	if (d->ok) {
		date_format_iso(d->t, iso, sizeof(iso));
		json_str(w, iso);
	} else
		jw_s(w, "null");
	snprintf(rkey, sizeof(rkey), "%s_raw", key);
	json_field(w, first, rkey, d->raw);
}

static void
json_common(struct jw *w, int *first, const char *link,
    const struct feed_link *links, size_t nlinks, const char *id,
    const char *language, const char *author,
    const struct feed_person *ad, const struct feed_date *published,
    const struct feed_date *updated, const struct feed_tag *tags,
    size_t ntags)
{
	size_t i;
	int f;

	json_field(w, first, "link", link);
	if (nlinks > 0) {
		json_key(w, first, "links");
		jw_c(w, '[');
		for (i = 0; i < nlinks; i++) {
			if (i > 0)
				jw_c(w, ',');
			f = 1;
			jw_c(w, '{');
			json_field(w, &f, "rel", links[i].rel);
			json_field(w, &f, "type", links[i].type);
			json_field(w, &f, "href", links[i].href);
			json_field(w, &f, "title", links[i].title);
			json_field(w, &f, "length", links[i].length);
			json_field(w, &f, "hreflang", links[i].hreflang);
			jw_c(w, '}');
		}
		jw_c(w, ']');
	}
	json_field(w, first, "id", id);
	json_field(w, first, "language", language);
	json_field(w, first, "author", author);
	if (ad->name != NULL || ad->email != NULL || ad->href != NULL) {
		json_key(w, first, "author_detail");
		f = 1;
		jw_c(w, '{');
		json_field(w, &f, "name", ad->name);
		json_field(w, &f, "email", ad->email);
		json_field(w, &f, "href", ad->href);
		jw_c(w, '}');
	}
	json_date(w, first, "published", published);
	json_date(w, first, "updated", updated);
	if (ntags > 0) {
		json_key(w, first, "tags");
		jw_c(w, '[');
		for (i = 0; i < ntags; i++) {
			if (i > 0)
				jw_c(w, ',');
			jw_s(w, "{\"term\":");
			json_null_or(w, tags[i].term);
			jw_s(w, ",\"scheme\":");
			json_null_or(w, tags[i].scheme);
			jw_s(w, ",\"label\":");
			json_null_or(w, tags[i].label);
			jw_c(w, '}');
		}
		jw_c(w, ']');
	}
}

static void
json_entry(struct jw *w, const struct feed_entry *e)
{
	size_t i;
	int first = 1, f;

	jw_c(w, '{');
	json_text(w, &first, "title", &e->title);
	json_text(w, &first, "summary", &e->summary);
	json_text(w, &first, "rights", &e->rights);
	if (e->ncontent > 0) {
		json_key(w, &first, "content");
		jw_c(w, '[');
		for (i = 0; i < e->ncontent; i++) {
			const struct feed_text *c = &e->content[i];

			if (i > 0)
				jw_c(w, ',');
			f = 1;
			jw_c(w, '{');
			json_field(w, &f, "value", c->value ? c->value : "");
			json_field(w, &f, "type", c->type);
			json_key(w, &f, "language");
			json_null_or(w, c->lang);
			json_field(w, &f, "base", c->base ? c->base : "");
			jw_c(w, '}');
		}
		jw_c(w, ']');
	}
	json_common(w, &first, e->link, e->links, e->nlinks, e->id,
	    e->language, e->author, &e->author_detail, &e->published,
	    &e->updated, e->tags, e->ntags);
	json_field(w, &first, "comments", e->comments);
	if (e->nenclosures > 0) {
		json_key(w, &first, "enclosures");
		jw_c(w, '[');
		for (i = 0; i < e->nenclosures; i++) {
			if (i > 0)
				jw_c(w, ',');
			f = 1;
			jw_c(w, '{');
			json_field(w, &f, "href", e->enclosures[i].href);
			json_field(w, &f, "type", e->enclosures[i].type);
			json_field(w, &f, "length", e->enclosures[i].length);
			jw_c(w, '}');
		}
		jw_c(w, ']');
	}
	jw_c(w, '}');
}

void
conformance_json_write(const struct feed_doc *d, FILE *fp)
{
	struct jw *w;
	size_t i;
	int first = 1;

	w = xmalloc(sizeof(*w));
	w->fp = fp;
	w->n = 0;
	jw_s(w, "{\"wellformed\":");
	jw_s(w, d->wellformed ? "true" : "false");
	jw_s(w, ",\"encoding\":");
	json_str(w, d->encoding ? d->encoding : "");
	jw_s(w, ",\"version\":");
	json_str(w, d->version ? d->version : "");
	jw_s(w, ",\"feed\":{");
	json_text(w, &first, "title", &d->title);
	json_text(w, &first, "subtitle", &d->subtitle);
	json_text(w, &first, "summary", &d->summary);
	json_text(w, &first, "rights", &d->rights);
	json_common(w, &first, d->link, d->links, d->nlinks, d->id,
	    d->language, d->author, &d->author_detail, &d->published,
	    &d->updated, d->tags, d->ntags);
	jw_s(w, "},\"entries\":[");
	for (i = 0; i < d->nentries; i++) {
		if (i > 0)
			jw_c(w, ',');
		json_entry(w, &d->entries[i]);
	}
	jw_s(w, "]}\n");
	jw_flush(w);
	free(w);
}
