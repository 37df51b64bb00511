/*
 * The digest as a Jekyll post, in the shape of the posts our users write
 * by hand: front matter (layout, title, date, categories), then per story
 * "## headline", its outlets' links joined by " | ", the summary ending
 * with its main source "([host](link))", and "---".
 *
 * What a feed wrote reaches the page only as text.  Kramdown passes raw
 * HTML through and Jekyll runs Liquid on every post, so "<", ">" and "&"
 * become references, "{" and "}" too (no "{{" or "{%" is left for
 * Liquid, nor "{:" for kramdown), Markdown's marks are escaped with a
 * backslash, and links are http(s) URLs percent-encoded where a byte
 * could end them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "digest.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* Marks that kramdown reads anywhere in a line, escaped by a backslash. */
#define MD_MARKS	"\\`*_[]|$#!"

static void
insert_backslash(struct buf *b, size_t at)
{
	size_t len = b->len;

	buf_addc(b, '\\');
	memmove(b->data + at + 1, b->data + at, len - at);
	b->data[at] = '\\';
}

/* s as Markdown text that shows as itself, on one line. */
static void
md_text(struct buf *b, const char *s)
{
	struct buf esc;
	size_t start = b->len, digits;

	buf_init(&esc);
	text_escape(&esc, s, strlen(s), TEXT_ESC_XML | TEXT_ESC_FORMAT);
	for (size_t i = 0; i < esc.len; i++) {
		char c = esc.data[i];

		if (c == '\n' || c == '\r' || c == '\t')
			buf_addc(b, ' ');
		else if (c == '{')
			buf_addstr(b, "&#123;");
		else if (c == '}')
			buf_addstr(b, "&#125;");
		else {
			if (strchr(MD_MARKS, c) != NULL)
				buf_addc(b, '\\');
			buf_addc(b, c);
		}
	}
	buf_free(&esc);
	/* What starts a block only at the start of a line. */
	for (digits = 0; start + digits < b->len &&
	    isdigit((unsigned char)b->data[start + digits]); digits++)
		;
	if (b->len > start && strchr("-+=:>", b->data[start]) != NULL)
		insert_backslash(b, start);
	else if (digits > 0 && start + digits < b->len &&
	    strchr(".)", b->data[start + digits]) != NULL)
		insert_backslash(b, start + digits);
}

/* An http(s) URL as a Markdown link target: no byte of it ends the link. */
static void
md_url(struct buf *b, const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("()<>\"'\\[]{}|`^", *p)
		    != NULL) {
			char hex[4];

			snprintf(hex, sizeof(hex), "%%%02X", *p);
			buf_addstr(b, hex);
		} else
			buf_addc(b, (char)*p);
	}
}

/* "[name](link)", or the name alone when the link is no http(s) URL. */
static void
md_link(struct buf *b, const char *name, const char *link)
{
	if (link == NULL || !url_is_http(link)) {
		md_text(b, name);
		return;
	}
	buf_addc(b, '[');
	md_text(b, name);
	buf_addstr(b, "](");
	md_url(b, link);
	buf_addc(b, ')');
}

/* A YAML double-quoted scalar. */
static void
yaml_quoted(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		if (*p >= 0x20 && *p != 0x7f)
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

/* A config value on one line of the front matter. */
static void
yaml_plain(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x20 && *p != 0x7f)
			buf_addc(b, (char)*p);
}

static void
section(struct buf *b, const struct digest_section *s)
{
	buf_addstr(b, "\n## ");
	md_text(b, s->headline);
	buf_addstr(b, "\n\n");
	for (size_t i = 0; i < s->nsources; i++) {
		if (i > 0)
			buf_addstr(b, " | ");
		md_link(b, s->sources[i].name, s->sources[i].link);
	}
	buf_addstr(b, "\n\n");
	md_text(b, s->summary);
	if (s->link != NULL) {
		if (*s->summary != '\0')
			buf_addc(b, ' ');
		buf_addc(b, '(');
		md_link(b, s->host, s->link);
		buf_addc(b, ')');
	}
	buf_addstr(b, "\n\n---\n");
}

char *
digest_jekyll(const struct digest *d, const struct config *cfg, size_t *len)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "---\nlayout: ");
	yaml_plain(&b, cfg->digest.layout);
	buf_addstr(&b, "\ntitle: ");
	yaml_quoted(&b, d->title);
	buf_addstr(&b, "\ndate: ");
	buf_addstr(&b, d->date);
	buf_addstr(&b, "\ncategories: ");
	yaml_plain(&b, cfg->digest.categories);
	buf_addstr(&b, "\n---\n");
	for (size_t i = 0; i < d->n; i++)
		section(&b, &d->v[i]);
	*len = b.len;
	buf_addc(&b, '\0');
	return buf_release(&b);
}

char *
digest_file_name(const struct digest *d, const struct config *cfg)
{
	struct buf b;
	int dash = 0;

	buf_init(&b);
	buf_addstr(&b, d->day);
	buf_addc(&b, '-');
	/* Letters and digits of any script stay; a run of others is "-". */
	for (const unsigned char *p = (const unsigned char *)cfg->digest.title;
	    *p != '\0'; p++) {
		if (isalnum(*p) || *p >= 0x80) {
			if (dash)
				buf_addc(&b, '-');
			dash = 0;
			buf_addc(&b, (char)tolower(*p));
		} else
			dash = b.data[b.len - 1] != '-';
	}
	if (b.data[b.len - 1] == '-')
		buf_addstr(&b, "digest");
	buf_addstr(&b, ".md");
	buf_addc(&b, '\0');
	return buf_release(&b);
}
