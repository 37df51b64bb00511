/*
 * sax_floor FILE: libxml2's SAX2 push parser over FILE with callbacks that
 * do nothing, in 64 KiB chunks and with the options `aggregator parse`
 * uses.  It is the floor of our parse: what libxml2 costs before any work
 * of ours, timed by bench/parse.sh beside xmllint --stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	(void)ctx; (void)local; (void)prefix; (void)uri; (void)nns; (void)ns;
	(void)nattrs; (void)ndefaulted; (void)attrs;
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	(void)ctx; (void)local; (void)prefix; (void)uri;
}

static void
on_text(void *ctx, const xmlChar *s, int n)
{
	(void)ctx; (void)s; (void)n;
}

int
main(int argc, char **argv)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;
	FILE *fp;
	char *buf;
	long len, off, n;

	if (argc != 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: sax_floor FILE\n");
		return 2;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fprintf(stderr, "sax_floor: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(fp);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, argv[1]);
	xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	for (off = 0; off < len; off += n) {
		n = len - off < 65536 ? len - off : 65536;
		xmlParseChunk(ctxt, buf + off, (int)n, 0);
	}
	xmlParseChunk(ctxt, NULL, 0, 1);
	xmlFreeParserCtxt(ctxt);
	free(buf);
	return 0;
}
