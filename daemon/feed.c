/*
 * Feed parser: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF into struct feed_doc
 * (JSON Feed goes to feed_jsonfeed.c before any of this).
 *
 * The bytes are converted to UTF-8 first (feed_encoding.c) and then streamed
 * through a libxml2 SAX2 push parser; no tree is built, so memory is bounded
 * by what the document model keeps.  The element handling follows Python
 * feedparser's (its _FeedParserMixin), because feedparser's behaviour is the
 * de-facto standard readers are compared against: an element stack that
 * collects text (feed_stack.c), one "content parameters" record for the
 * text construct being read (feed_text.c), and start/end handlers looked up
 * by element name in one hash table (feed_element.c).  External entities and
 * DTDs are never loaded (feed_entity.c).  This file holds the entry point,
 * the SAX callbacks and the limits a hostile document runs into.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "feed.h"
#include "feed_priv.h"
#include "xmalloc.h"

#define FEED_MAX_NESTING	1024	/* open elements; the parse stops here */
#define FEED_MAX_ATTRS		256	/* attributes and xmlns: one element */

/* libxml2 SAX2 callbacks. */

/* Adds the pair (k, v), both allocated and now the list's. */
static void
attrs_add(char ***a, size_t *n, char *k, char *v)
{
	size_t i;

	for (i = 0; i < *n; i += 2)
		if (strcmp((*a)[i], k) == 0) {
			free((*a)[i + 1]);
			(*a)[i + 1] = v;
			free(k);
			return;
		}
	*a = xreallocarray(*a, *n + 2, sizeof(char *));
	(*a)[*n] = k;
	(*a)[*n + 1] = v;
	*n += 2;
}

/*
 * An attribute value as the application should see it: libxml2 leaves
 * "&#38;" for an escaped ampersand, and our entities as placeholders.
 */
static char *
attr_value(struct feed__parser *p, const char *v, size_t n, size_t *ai)
{
	struct buf b;
	size_t i;

	/* Most values have neither: copied as they are. */
	if (memchr(v, '&', n) == NULL && memchr(v, '\x01', n) == NULL)
		return xstrndup(v, n);
	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; i < n; i++) {
		if (v[i] == '&' && n - i >= 5 && strncmp(v + i, "&#38;", 5) == 0) {
			buf_addc(&b, '&');
			i += 4;
		} else if (v[i] == '\x01' && *ai < p->nattr_ents)
			buf_addstr(&b, p->attr_ents[(*ai)++]);
		else
			buf_addc(&b, v[i]);
	}
	return buf_release(&b);
}

/*
 * The element's attributes as feedparser's attrs_d: (key, value) pairs,
 * allocated, keys prefixed as feedparser spells them (an attribute in a
 * known namespace twice, under its prefix too), rel and type lowercased.
 * *n counts the strings.
 */
static char **
element_attrs(struct feed__parser *p, int nb, const xmlChar **attributes,
    size_t *n)
{
	const xmlChar **at;
	const char *al, *ap, *au, *kp;
	char **a = NULL, *v, *lns;
	size_t i, ai = 0;
	int j;

	*n = 0;
	for (j = 0; j < nb; j++) {
		at = attributes + 5 * j;
		al = (const char *)at[0];
		ap = (const char *)at[1];
		au = (const char *)at[2];
		v = attr_value(p, (const char *)at[3],
		    (size_t)(at[4] - at[3]), &ai);
		/* No namespace is feedparser's "" namespace: no prefix. */
		if (au != NULL) {
			lns = xstrndup_lower(au, strlen(au));
			kp = feed__known_prefix(lns);
			if (kp != NULL && *kp != '\0')
				attrs_add(&a, n, feed__join(kp, ':', al, 1),
				    xstrdup(v));
			free(lns);
		}
		attrs_add(&a, n, feed__join(ap, ':', al, 1), v);
	}
	for (i = 0; i < *n; i += 2)
		if (strcmp(a[i], "rel") == 0 || strcmp(a[i], "type") == 0) {
			v = xstrndup_lower(a[i + 1], strlen(a[i + 1]));
			free(a[i + 1]);
			a[i + 1] = v;
		}
	return a;
}

/* One more element libxml2 has open; past FEED_MAX_DEPTH, ignored. */
static void
open_push(struct feed__parser *p, const xmlChar *prefix,
    const xmlChar *localname, char *name)
{
	if (p->nopen == p->capopen) {
		p->capopen = p->capopen ? p->capopen * 2 : 32;
		p->open = xreallocarray(p->open, p->capopen, sizeof(*p->open));
	}
	p->open[p->nopen].qname = feed__join((const char *)prefix, ':',
	    (const char *)localname, 0);
	p->open[p->nopen].tag = name;
	p->open[p->nopen].closed = p->nopen >= FEED_MAX_DEPTH;
	p->nopen++;
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct feed__parser *p = ctx;
	const xmlChar *np, *nu;
	char **a, *name;
	size_t n, i;
	int j;

	(void)nb_defaulted;
	if (p->hostile)
		return;
	/* Each attribute is checked against the others: keep them few. */
	if (nb_attributes + nb_namespaces > FEED_MAX_ATTRS) {
		feed__hostile(p, "too many attributes on one element");
		return;
	}
	/*
	 * Past FEED_MAX_DEPTH elements are ignored, but each level still costs
	 * memory here and in libxml2 (650 MB for 5 million "<a>"s): stop the
	 * parse and keep what was read, as at the end of a truncated document.
	 */
	if (p->nopen >= FEED_MAX_NESTING) {
		feed__set_error(p, "elements nested too deep");
		xmlStopParser(p->ctxt);
		return;
	}
	if (!p->root_seen) {
		p->root_seen = 1;
		p->root = feed__join((const char *)prefix, ':',
		    (const char *)localname, 0);
		p->root_atom = uri != NULL &&
		    (strcasecmp((const char *)uri, FEED_ATOM_NS) == 0 ||
		    strcasecmp((const char *)uri, FEED_ATOM03_NS) == 0);
	}
	for (j = 0; j < nb_namespaces; j++) {
		np = namespaces[2 * j];
		nu = namespaces[2 * j + 1];
		if (nu != NULL && *nu != '\0')
			feed__track_namespace(p, (const char *)np,
			    (const char *)nu);
	}
	name = feed__element_name(p, localname, prefix, uri);
	a = element_attrs(p, nb_attributes, attributes, &n);
	open_push(p, prefix, localname, name);
	if (p->nopen <= FEED_MAX_DEPTH)
		feed__starttag(p, name, a, n, uri);
	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
	for (i = 0; i < p->nattr_ents; i++)
		free(p->attr_ents[i]);
	p->nattr_ents = 0;
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct feed__parser *p = ctx;
	struct feed__open *o;
	size_t i, k;

	(void)localname;
	(void)prefix;
	(void)uri;
	if (p->hostile || p->nopen == 0)
		return;
	o = &p->open[--p->nopen];
	if (!o->closed)
		feed__endtag(p, o->tag);
	free(o->qname);
	free(o->tag);
	/*
	 * After "</item>" closed an unclosed "<b>", libxml2 still thinks the
	 * item is open.  Close it (and what it holds) here, as an HTML
	 * parser would, so the next item is not read as part of this one.
	 */
	if (p->pending_close == NULL)
		return;
	for (i = p->nopen; i > 0; i--)
		if (!p->open[i - 1].closed &&
		    strcmp(p->open[i - 1].qname, p->pending_close) == 0)
			break;
	if (i > 0)
		for (k = p->nopen; k >= i; k--) {
			if (!p->open[k - 1].closed) {
				p->open[k - 1].closed = 1;
				feed__endtag(p, p->open[k - 1].tag);
			}
		}
	free(p->pending_close);
	p->pending_close = NULL;
}

/*
 * At the end of a truncated document every open element is closed.  The
 * entry open then, whose end tag never came, is incomplete: what it holds
 * may be cut anywhere, its link half written.
 */
static void
close_all(struct feed__parser *p)
{
	if (p->nopen > 0 && !p->open[0].closed)
		p->cut_short = 1;
	if (p->inentry && p->nentries > 0 && !p->entry_overflow)
		p->entries[p->nentries - 1].incomplete = 1;
	while (p->nopen > 0) {
		p->nopen--;
		if (!p->open[p->nopen].closed && !p->hostile)
			feed__endtag(p, p->open[p->nopen].tag);
		free(p->open[p->nopen].qname);
		free(p->open[p->nopen].tag);
	}
}

static void
sax_chars(void *ctx, const xmlChar *s, int len)
{
	struct feed__parser *p = ctx;

	if (p->hostile || len <= 0)
		return;
	feed__data(p, (const char *)s, (size_t)len, 1);
}

static void
sax_serror(void *ctx, xmlErrorPtr e)
{
	struct feed__parser *p = ctx;
	char msg[512];

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (e->code == XML_ERR_TAG_NAME_MISMATCH && e->str2 != NULL)
		feed__set_str(&p->pending_close, e->str2);
	snprintf(msg, sizeof(msg), "line %d: %s", e->line,
	    e->message ? e->message : "XML error");
	feed__set_error(p, msg);
}

/* The whole document. */

/*
 * Whether the root element makes the document a feed: any prefix, any
 * case.  An Atom entry is one too, as a standalone Atom Entry Document
 * (RFC 4287 4.1.2), read as a feed of that one entry.
 */
static int
root_is_feed(const struct feed__parser *p)
{
	const char *c = strchr(p->root, ':');
	char *l;
	int r;

	l = xstrndup_lower(c ? c + 1 : p->root, strlen(c ? c + 1 : p->root));
	r = strcmp(l, "rss") == 0 || strcmp(l, "feed") == 0 ||
	    strcmp(l, "rdf") == 0 || strcmp(l, "channel") == 0 ||
	    (strcmp(l, "entry") == 0 && p->root_atom);
	free(l);
	return r;
}

static void
parser_free(struct feed__parser *p)
{
	size_t i;

	feed__ctx_free(&p->feed);
	feed__ctx_free(&p->sink);
	for (i = 0; i < p->nentries; i++)
		feed__ctx_free(&p->entries[i]);
	free(p->entries);
	for (i = 0; i < p->nes; i++)
		feed__elem_free(&p->es[i]);
	free(p->es);
	/* From the top: a level is compared with the one below it. */
	for (i = p->nstack; i > 0; i--) {
		feed__scope_free(p->basestack, i - 1);
		feed__scope_free(p->langstack, i - 1);
	}
	free(p->basestack);
	free(p->langstack);
	for (i = 0; i < p->nns; i++)
		free(p->ns_prefix[i]);
	free(p->ns_prefix);
	for (i = 0; i < p->nents; i++) {
		free(p->ents[i].name);
		free(p->ents[i].value);
	}
	free(p->ents);
	buf_free(&p->entbuf);
	for (i = 0; i < p->nattr_ents; i++)
		free(p->attr_ents[i]);
	free(p->attr_ents);
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	free(p->version);
	free(p->baseuri);
	free(p->base_fixed);
	free(p->lang);
	free(p->error);
	free(p->hostile_msg);
	free(p->root);
	for (i = 0; i < p->nopen; i++) {
		free(p->open[i].qname);
		free(p->open[i].tag);
	}
	free(p->open);
	free(p->pending_close);
}

/* Does the DOCTYPE name Netscape's RSS 0.91 DTD (feedparser's rss091n)? */
static int
netscape_doctype(const char *s, size_t len)
{
	const char *d, *e;
	char *dt;
	int r;

	/* The first "<!DOCTYPE", found by its "!": '<' is everywhere. */
	for (d = s; (d = feed__find(d, len - (size_t)(d - s), "!DOCTYPE",
	    8)) != NULL; d++)
		if (d > s && d[-1] == '<')
			break;
	if (d == NULL)
		return 0;
	d--;
	if ((e = memchr(d, '>', len - (size_t)(d - s))) == NULL)
		return 0;
	dt = xstrndup_lower(d, (size_t)(e - d));
	r = strstr(dt, "netscape") != NULL;
	free(dt);
	return r;
}

/*
 * libxml2 2.9 compares a start tag's attributes pairwise before any
 * callback runs (200,000 of them cost seconds), so they are counted first:
 * each '=' outside quotes between '<' and '>'.  A quoted value ends at a
 * '<', as it does for libxml2.  Comments, CDATA and PIs are skipped.
 */
static int
too_many_attrs(const char *s, size_t len)
{
	static const char *const skip[][2] = {
		{ "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "<?", "?>" },
	};
	const char *p = s, *end = s + len;
	size_t i, n, ol;
	char q;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		for (i = 0, ol = 0; i < NELEM(skip); i++) {
			ol = strlen(skip[i][0]);
			if ((size_t)(end - p) >= ol &&
			    memcmp(p, skip[i][0], ol) == 0)
				break;
		}
		if (i < NELEM(skip)) {
			p = feed__find(p + ol, (size_t)(end - p) - ol,
			    skip[i][1], strlen(skip[i][1]));
			if (p == NULL)
				return 0;
			continue;
		}
		n = 0;
		q = '\0';
		for (p++; p < end && *p != '<'; p++) {
			if (q != '\0') {
				if (*p == q)
					q = '\0';
			} else if (*p == '"' || *p == '\'')
				q = *p;
			else if (*p == '>')
				break;
			else if (*p == '=' && ++n > FEED_MAX_ATTRS)
				return 1;
		}
	}
	return 0;
}

/*
 * The parse state for a decoded document: its first error, its base URI
 * (Content-Location against the URL) and its HTTP language.
 */
static void
parser_init(struct feed__parser *p, const struct feed__decoded *dec,
    const char *url, const char *cloc, const char *clang)
{
	memset(p, 0, sizeof(*p));
	p->wellformed = 1;
	p->title_depth = -1;
	p->is_utf8 = strcmp(dec->encoding, "utf-8") == 0;
	buf_init(&p->entbuf);
	if (dec->bozo)
		feed__set_error(p, dec->error);
	if ((p->baseuri = feed__doc_base(url, cloc)) == NULL)
		p->baseuri = xstrdup("");
	if (clang != NULL && *clang != '\0') {
		p->lang = xstrdup(clang);
		p->feed.str[F_LANGUAGE] = feed__lang_fix(xstrdup(clang));
	}
}

/* libxml2's push parser with our callbacks; NULL when it cannot. */
static xmlParserCtxtPtr
sax_parser(struct feed__parser *p, const char *url)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_chars;
	sax.cdataBlock = sax_chars;
	feed__entity_sax(&sax);
	sax.serror = sax_serror;
	if ((ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, url)) == NULL)
		return NULL;
	xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
	return ctxt;
}

/*
 * Streams the decoded document through the parser, in 64 KiB chunks, its
 * bare ampersands escaped first; stops early when it turns out hostile.
 */
static void
sax_feed(struct feed__parser *p, struct feed__decoded *dec)
{
	size_t off, chunk, fixedlen;
	char *fixed;

	if ((fixed = feed__fix_ampersands(dec->utf8, dec->len,
	    &fixedlen)) != NULL) {
		feed__set_error(p, "not well-formed (invalid token: bare "
		    "\"&\")");
		free(dec->own);
		dec->own = fixed;
		dec->utf8 = fixed;
		dec->len = fixedlen;
	}
	if (too_many_attrs(dec->utf8, dec->len))
		feed__hostile(p, "too many attributes on one element");
	if (*dec->decl != '\0' && !p->hostile)
		xmlParseChunk(p->ctxt, dec->decl, (int)strlen(dec->decl), 0);
	for (off = 0; off < dec->len && !p->hostile; off += chunk) {
		chunk = dec->len - off < 65536 ? dec->len - off : 65536;
		if (xmlParseChunk(p->ctxt, dec->utf8 + off, (int)chunk, 0) !=
		    0 && p->ctxt->disableSAX == 2)
			break;
	}
	if (!p->hostile)
		xmlParseChunk(p->ctxt, NULL, 0, 1);
	close_all(p);
	/* libxml2 keeps declared entities in a stub document of its own. */
	if (p->ctxt->myDoc != NULL) {
		xmlFreeDoc(p->ctxt->myDoc);
		p->ctxt->myDoc = NULL;
	}
}

/* Why what was parsed is no feed: 0, or -1 with err filled. */
static int
parse_verdict(const struct feed__parser *p, char *err, size_t errlen)
{
	if (p->hostile)
		snprintf(err, errlen, "%s", p->hostile_msg);
	else if (p->root == NULL)
		snprintf(err, errlen, "not a feed (no root element)");
	else if (!root_is_feed(p))
		snprintf(err, errlen, "not a feed (root element <%s>)",
		    p->root);
	else
		return 0;
	return -1;
}

/* The public document, built from what the parse state holds. */
static struct feed_doc *
doc_take(struct feed__parser *p, struct feed__decoded *dec)
{
	struct feed_doc *doc;
	size_t i;

	doc = xcalloc(1, sizeof(*doc));
	doc->wellformed = p->wellformed;
	doc->error = p->error;
	p->error = NULL;
	doc->encoding = dec->encoding;
	dec->encoding = NULL;
	if (netscape_doctype(dec->utf8, dec->len))
		feed__set_str(&p->version, "rss091n");
	doc->version = p->version != NULL ? p->version : xstrdup("");
	p->version = NULL;
	feed__ctx_to_doc(&p->feed, doc);
	doc->ttl = p->ttl;
	doc->cut_short = p->cut_short;
	doc->entries_dropped = p->entry_overflow;
	if (p->nentries > 0) {
		doc->entries = xcalloc(p->nentries, sizeof(*doc->entries));
		for (i = 0; i < p->nentries; i++)
			feed__ctx_to_entry(&p->entries[i], &doc->entries[i]);
		doc->nentries = p->nentries;
	}
	return doc;
}

struct feed_doc *
feed_parse(const char *buf, size_t len, const struct feed_source *src,
    char *err, size_t errlen)
{
	static const struct feed_source none;
	struct feed__decoded dec;
	struct feed_doc *doc = NULL;
	struct feed__parser p;
	int have_headers;

	if (src == NULL)
		src = &none;
	have_headers = src->content_type != NULL ||
	    src->content_location != NULL || src->content_language != NULL;
	if (feed__jsonfeed_sniff(buf, len, src->content_type))
		return feed__jsonfeed_parse(buf, len, src, err, errlen);
	if (feed__decode(buf, len, src->content_type, have_headers, &dec, err,
	    errlen) == -1)
		return NULL;
	parser_init(&p, &dec, src->url, src->content_location,
	    src->content_language);
	if ((p.ctxt = sax_parser(&p, src->url)) == NULL)
		snprintf(err, errlen, "cannot create XML parser");
	else {
		sax_feed(&p, &dec);
		xmlFreeParserCtxt(p.ctxt);
		p.ctxt = NULL;
		if (parse_verdict(&p, err, errlen) == 0)
			doc = doc_take(&p, &dec);
	}
	feed__decoded_free(&dec);
	parser_free(&p);
	return doc;
}
