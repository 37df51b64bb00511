/*
 * The digest as one mail message: multipart/alternative with a plain-text
 * and an HTML rendering of the same sections, never multipart/digest
 * (which most readers show as a pile of attachments).  Its Message-ID is
 * made from the day and the title, so the same digest is the same
 * message.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "digest.h"
#include "entry.h"
#include "message.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

static void
html_text_add(struct buf *b, const char *s)
{
	text_escape(b, s, strlen(s), TEXT_ESC_QUOTE | TEXT_ESC_FORMAT);
}

static char *
html_part(const struct digest *d)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	html_text_add(&b, d->title);
	buf_addstr(&b, "</title>\n</head>\n<body>\n<h1>");
	html_text_add(&b, d->title);
	buf_addstr(&b, "</h1>\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_section *s = &d->v[i];

		buf_addstr(&b, "<h2>");
		html_text_add(&b, s->headline);
		buf_addstr(&b, "</h2>\n<p>");
		for (size_t k = 0; k < s->nsources; k++) {
			if (k > 0)
				buf_addstr(&b, " | ");
			text_html_link(&b, s->sources[k].name,
			    s->sources[k].link);
		}
		buf_addstr(&b, "</p>\n<p>");
		html_text_add(&b, s->summary);
		if (s->link != NULL) {
			buf_addstr(&b, *s->summary != '\0' ? " (" : "(");
			text_html_link(&b, s->host, s->link);
			buf_addc(&b, ')');
		}
		buf_addstr(&b, "</p>\n<hr>\n");
	}
	buf_addstr(&b, "</body>\n</html>\n");
	buf_addc(&b, '\0');
	return buf_release(&b);
}

/* Headline, outlets one a line with their links, summary, a rule. */
static char *
plain_part(const struct digest *d)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, d->title);
	buf_addstr(&b, "\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct digest_section *s = &d->v[i];

		buf_addstr(&b, "\n");
		buf_addstr(&b, s->headline);
		buf_addstr(&b, "\n\n");
		for (size_t k = 0; k < s->nsources; k++) {
			buf_addstr(&b, "  ");
			buf_addstr(&b, s->sources[k].name);
			if (s->sources[k].link != NULL) {
				buf_addstr(&b, ": ");
				buf_addstr(&b, s->sources[k].link);
			}
			buf_addc(&b, '\n');
		}
		if (*s->summary != '\0') {
			buf_addc(&b, '\n');
			buf_addstr(&b, s->summary);
			buf_addc(&b, '\n');
		}
		buf_addstr(&b, "\n----\n");
	}
	buf_addc(&b, '\0');
	return buf_release(&b);
}

void
digest_mail_key(const struct digest *d, const struct config *cfg,
    char key[KEY_HEX_SIZE])
{
	char *seed = xasprintf("digest\n%s\n%s", d->day, cfg->digest.title);

	entry_key_hash(seed, strlen(seed), key);
	free(seed);
}

char *
digest_mail(const struct digest *d, const struct config *cfg, size_t *len)
{
	struct message_head h = {
		.from = cfg->title,
		.subject = d->title,
		.date = d->at,
	};
	char key[KEY_HEX_SIZE], *plain, *html;
	struct buf b;

	digest_mail_key(d, cfg, key);
	h.id = key;
	buf_init(&b);
	message_start(&b, &h);
	plain = plain_part(d);
	html = html_part(d);
	message_alternative(&b, key, plain, html);
	free(plain);
	free(html);
	*len = b.len;
	buf_addc(&b, '\0');
	return buf_release(&b);
}
