/*
 * A page into an html_tree with libxml2's HTML parser, read through its
 * SAX interface (no libxml2 tree is built).  libxml2 repairs the markup
 * (implied end tags, stray end tags dropped) and decodes character
 * references; a script or style element ends only at its own end tag.
 * Comments and processing instructions are not kept.
 */
#include <stdint.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "html_tree.h"

static void
on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	html_tree_open(ctx, (const char *)name, (const char *const *)atts);
}

static void
on_end(void *ctx, const xmlChar *name)
{
	(void)name;
	html_tree_close(ctx);
}

static void
on_text(void *ctx, const xmlChar *s, int n)
{
	if (n > 0)
		html_tree_text(ctx, (const char *)s, (size_t)n);
}

static void
on_silence(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
html_tree_parse(struct html_tree *t, const char *html, size_t len)
{
	htmlSAXHandler sax;
	htmlParserCtxtPtr ctxt;
	struct html_builder b;

	html_tree_begin(t, &b);
	if (len > INT32_MAX)
		return -1;
	memset(&sax, 0, sizeof(sax));
	sax.startElement = on_start;
	sax.endElement = on_end;
	sax.characters = on_text;
	sax.ignorableWhitespace = on_text;
	sax.cdataBlock = on_text;
	sax.warning = on_silence;
	sax.error = on_silence;
	ctxt = htmlCreatePushParserCtxt(&sax, &b, NULL, 0, NULL,
	    XML_CHAR_ENCODING_UTF8);
	if (ctxt == NULL)
		return -1;
	/*
	 * The bytes are UTF-8 already, whatever a <meta> says; RECOVER
	 * makes a script end at its own end tag only, as in HTML5.  The
	 * implied <html> and <body> stay: without them the parser stops
	 * after the first element of a page that leaves them out.
	 */
	htmlCtxtUseOptions(ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_RECOVER);
	htmlParseChunk(ctxt, html, (int)len, 1);
	htmlFreeParserCtxt(ctxt);
	return b.full ? -1 : 0;
}
