/*
 * The conformance JSON of a parsed document (the "feedparser-lite" schema
 * of ../shared/conformance/README.md): feedparser's field names, absent
 * fields omitted, dates as ISO 8601 UTC next to their raw text.
 */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "feed_priv.h"

/* Printable ASCII but the quote and the backslash: written as it is. */
static int
json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Writes s as a JSON string; bytes that are not UTF-8 become U+FFFD.  Runs
 * that need no escape go out in one fwrite.
 */
static void
json_str(FILE *fp, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n = strlen(s), l, run;

	fputc('"', fp);
	for (i = 0; i < n; ) {
		for (run = i; i < n; i += l) {
			for (l = 0; i + l < n && json_plain(u[i + l]); l++)
				;
			if (l > 0)
				continue;
			if (u[i] < 0x80 || (l = feed__utf8_seq(u, i, n)) == 0)
				break;
		}
		fwrite(u + run, 1, i - run, fp);
		if (i == n)
			break;
		if (u[i] == '"' || u[i] == '\\') {
			fputc('\\', fp);
			fputc(u[i], fp);
		} else if (u[i] < 0x20 || u[i] == 0x7f)
			fprintf(fp, "\\u%04x", u[i]);
		else
			fputs("\xef\xbf\xbd", fp);
		i++;
	}
	fputc('"', fp);
}

static void
json_key(FILE *fp, int *first, const char *key)
{
	if (!*first)
		fputc(',', fp);
	*first = 0;
	json_str(fp, key);
	fputc(':', fp);
}

static void
json_field(FILE *fp, int *first, const char *key, const char *value)
{
	if (value == NULL)
		return;
	json_key(fp, first, key);
	json_str(fp, value);
}

static void
json_null_or(FILE *fp, const char *value)
{
	if (value == NULL)
		fputs("null", fp);
	else
		json_str(fp, value);
}

static void
json_text(FILE *fp, int *first, const char *key, const struct feed_text *t)
{
	char dkey[64];
	int f = 1;

	if (t->value == NULL)
		return;
	json_field(fp, first, key, t->value);
	if (t->type == NULL)
		return;
	snprintf(dkey, sizeof(dkey), "%s_detail", key);
	json_key(fp, first, dkey);
	fputc('{', fp);
	json_field(fp, &f, "type", t->type);
	json_key(fp, &f, "language");
	json_null_or(fp, t->lang);
	json_field(fp, &f, "base", t->base ? t->base : "");
	fputc('}', fp);
}

static void
json_date(FILE *fp, int *first, const char *key, const struct feed_date *d)
{
	char iso[32], rkey[64];

	if (d->raw == NULL)
		return;
	json_key(fp, first, key);
	if (d->ok) {
		date_format_iso(d->t, iso, sizeof(iso));
		json_str(fp, iso);
	} else
		fputs("null", fp);
	snprintf(rkey, sizeof(rkey), "%s_raw", key);
	json_field(fp, first, rkey, d->raw);
}

static void
json_common(FILE *fp, int *first, const char *link,
    const struct feed_link *links, size_t nlinks, const char *id,
    const char *language, const char *author,
    const struct feed_person *ad, const struct feed_date *published,
    const struct feed_date *updated, const struct feed_tag *tags,
    size_t ntags)
{
	size_t i;
	int f;

	json_field(fp, first, "link", link);
	if (nlinks > 0) {
		json_key(fp, first, "links");
		fputc('[', fp);
		for (i = 0; i < nlinks; i++) {
			if (i > 0)
				fputc(',', fp);
			f = 1;
			fputc('{', fp);
			json_field(fp, &f, "rel", links[i].rel);
			json_field(fp, &f, "type", links[i].type);
			json_field(fp, &f, "href", links[i].href);
			json_field(fp, &f, "title", links[i].title);
			json_field(fp, &f, "length", links[i].length);
			json_field(fp, &f, "hreflang", links[i].hreflang);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	json_field(fp, first, "id", id);
	json_field(fp, first, "language", language);
	json_field(fp, first, "author", author);
	if (ad->name != NULL || ad->email != NULL || ad->href != NULL) {
		json_key(fp, first, "author_detail");
		f = 1;
		fputc('{', fp);
		json_field(fp, &f, "name", ad->name);
		json_field(fp, &f, "email", ad->email);
		json_field(fp, &f, "href", ad->href);
		fputc('}', fp);
	}
	json_date(fp, first, "published", published);
	json_date(fp, first, "updated", updated);
	if (ntags > 0) {
		json_key(fp, first, "tags");
		fputc('[', fp);
		for (i = 0; i < ntags; i++) {
			if (i > 0)
				fputc(',', fp);
			fputs("{\"term\":", fp);
			json_null_or(fp, tags[i].term);
			fputs(",\"scheme\":", fp);
			json_null_or(fp, tags[i].scheme);
			fputs(",\"label\":", fp);
			json_null_or(fp, tags[i].label);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
}

static void
json_entry(FILE *fp, const struct feed_entry *e)
{
	size_t i;
	int first = 1, f;

	fputc('{', fp);
	json_text(fp, &first, "title", &e->title);
	json_text(fp, &first, "summary", &e->summary);
	json_text(fp, &first, "rights", &e->rights);
	if (e->ncontent > 0) {
		json_key(fp, &first, "content");
		fputc('[', fp);
		for (i = 0; i < e->ncontent; i++) {
			const struct feed_text *c = &e->content[i];

			if (i > 0)
				fputc(',', fp);
			f = 1;
			fputc('{', fp);
			json_field(fp, &f, "value", c->value ? c->value : "");
			json_field(fp, &f, "type", c->type);
			json_key(fp, &f, "language");
			json_null_or(fp, c->lang);
			json_field(fp, &f, "base", c->base ? c->base : "");
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	json_common(fp, &first, e->link, e->links, e->nlinks, e->id,
	    e->language, e->author, &e->author_detail, &e->published,
	    &e->updated, e->tags, e->ntags);
	if (e->nenclosures > 0) {
		json_key(fp, &first, "enclosures");
		fputc('[', fp);
		for (i = 0; i < e->nenclosures; i++) {
			if (i > 0)
				fputc(',', fp);
			f = 1;
			fputc('{', fp);
			json_field(fp, &f, "href", e->enclosures[i].href);
			json_field(fp, &f, "type", e->enclosures[i].type);
			json_field(fp, &f, "length", e->enclosures[i].length);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fputc('}', fp);
}

void
feed_doc_json(const struct feed_doc *d, FILE *fp)
{
	size_t i;
	int first = 1;

	fprintf(fp, "{\"wellformed\":%s,\"encoding\":",
	    d->wellformed ? "true" : "false");
	json_str(fp, d->encoding ? d->encoding : "");
	fputs(",\"version\":", fp);
	json_str(fp, d->version ? d->version : "");
	fputs(",\"feed\":{", fp);
	json_text(fp, &first, "title", &d->title);
	json_text(fp, &first, "subtitle", &d->subtitle);
	json_text(fp, &first, "summary", &d->summary);
	json_text(fp, &first, "rights", &d->rights);
	json_common(fp, &first, d->link, d->links, d->nlinks, d->id,
	    d->language, d->author, &d->author_detail, &d->published,
	    &d->updated, d->tags, d->ntags);
	fputs("},\"entries\":[", fp);
	for (i = 0; i < d->nentries; i++) {
		if (i > 0)
			fputc(',', fp);
		json_entry(fp, &d->entries[i]);
	}
	fputs("]}\n", fp);
}
