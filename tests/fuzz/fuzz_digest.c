/*
 * libFuzzer target: the digest's renderings of text a feed wrote.  The
 * input, split at NUL bytes, gives a section's headline, summary, an
 * outlet's name and link, and the main link.  Whatever they hold:
 *  - the Jekyll post keeps its shape, line for line (nothing a feed wrote
 *    starts a line, a section or front matter), holds no "<" (no markup
 *    for kramdown to pass through) and no "{{" or "{%" (no Liquid);
 *  - the Atom document is well-formed XML;
 *  - the mail is ASCII in lines of at most 998 bytes;
 *  - the built-in summary of the summary text is UTF-8 within its length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "config.h"
#include "digest.h"
#include "summary.h"
#include "utf8.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Lines of a post of one section: front matter 6, the section 8. */
#define POST_LINES	14

static void
fail(const char *what, const char *doc)
{
	fprintf(stderr, "digest: %s\n%s\n", what, doc);
	abort();
}

static void
check_post(const char *post, size_t len)
{
	size_t lines = 0;

	for (size_t i = 0; i < len; i++)
		lines += post[i] == '\n';
	if (lines != POST_LINES || memchr(post, '\0', len) != NULL)
		fail("the post's shape changed", post);
	if (strchr(post, '<') != NULL)
		fail("markup in the post", post);
	if (strstr(post, "{{") != NULL || strstr(post, "{%") != NULL)
		fail("Liquid in the post", post);
	if (len < 5 || strcmp(post + len - 5, "\n---\n") != 0)
		fail("the post does not end its section", post);
}

static void
check_atom(const char *doc, size_t len)
{
	xmlDocPtr x = xmlReadMemory(doc, (int)len, "digest.atom", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (x == NULL)
		fail("the Atom document is not XML", doc);
	xmlFreeDoc(x);
}

static void
check_mail(const char *msg, size_t len)
{
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)msg[i] >= 0x80)
			fail("8-bit byte in the mail", msg);
		col = msg[i] == '\n' ? 0 : col + 1;
		if (col > 998)
			fail("a mail line over 998 bytes", msg);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	static int ready;
	char *copy = xmalloc(size + 1), *field[5], *p, *doc;
	struct digest_source src;
	struct digest_section sec;
	struct digest d;
	size_t len, i;

	if (!ready) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.title = "aggregator";
		cfg.digest.title = "News";
		cfg.digest.layout = "post";
		cfg.digest.categories = "news";
		cfg.digest.summary_chars = 400;
		ready = 1;
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	/* Five fields at NULs; the missing ones empty. */
	for (i = 0, p = copy; i < 5; i++) {
		field[i] = p;
		p += strlen(p);
		if (p < copy + size)
			p++;
	}
	src.name = field[2];
	src.link = field[3];
	memset(&sec, 0, sizeof(sec));
	sec.story = "0";
	sec.headline = field[0];
	sec.summary = field[1];
	sec.sources = &src;
	sec.nsources = 1;
	sec.link = *field[4] != '\0' ? field[4] : NULL;
	sec.host = "example.com";
	memset(&d, 0, sizeof(d));
	memcpy(d.day, "2025-11-04", 11);
	snprintf(d.date, sizeof(d.date), "2025-11-04 07:00:00 +0900");
	d.title = "2025-11-04 News";
	d.v = &sec;
	d.n = 1;

	doc = digest_jekyll(&d, &cfg, &len);
	check_post(doc, len);
	free(doc);
	doc = digest_atom(&d, &cfg, &len);
	check_atom(doc, len);
	free(doc);
	doc = digest_mail(&d, &cfg, &len);
	check_mail(doc, len);
	free(doc);

	doc = summary_extract(field[1], 40);
	if (!utf8_valid(doc, strlen(doc)) && utf8_valid(field[1],
	    strlen(field[1])))
		fail("the summary is not UTF-8", doc);
	len = strlen(doc);
	if (utf8_cut(doc, len, 40, len) != len)
		fail("the summary is longer than asked", doc);
	free(doc);
	free(copy);
	return 0;
}
