/*
 * Entities and references.  External entities and DTDs are never loaded:
 * entities from the internal subset, and HTML entities the document uses
 * without declaring them, are expanded by our own getEntity callback,
 * every byte a declared entity expands to charged to a per-document
 * budget so that "billion laughs" documents are rejected as hostile.
 * Before parsing, bare ampersands are escaped, because they are the
 * commonest way feeds break XML.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "feed_priv.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

/* The internal entity the document declared as the n bytes at name. */
static const struct feed__entity *
declared(const struct feed__parser *p, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < p->nents; i++)
		if (strncmp(p->ents[i].name, name, n) == 0 &&
		    p->ents[i].name[n] == '\0')
			return &p->ents[i];
	return NULL;
}

/* XML's own five, which no declaration overrides. */
static int
predefined(const char *name, size_t n)
{
	static const char *const names[] = {
		"amp", "apos", "gt", "lt", "quot",
	};

	return names_in(name, n, names, NELEM(names), 0);
}

static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	struct feed__parser *p = ctx;
	struct feed__entity *e;

	(void)publicId;
	(void)systemId;
	/* External entities are never loaded: only internal ones count. */
	if (type != XML_INTERNAL_GENERAL_ENTITY || content == NULL)
		return;
	/* The first declaration binds. */
	if (declared(p, (const char *)name, strlen((const char *)name)) != NULL)
		return;
	if (p->nents >= FEED_MAX_ENTITIES) {
		feed__hostile(p, "too many entity declarations");
		return;
	}
	p->ents = xreallocarray(p->ents, p->nents + 1, sizeof(*p->ents));
	e = &p->ents[p->nents++];
	e->name = xstrdup((const char *)name);
	e->value = xstrdup((const char *)content);
}

/*
 * Expands an internal entity's value into out, references included,
 * charging every byte to the document's budget.  An entity no one
 * declared and HTML does not know expands to nothing.  Returns -1 when
 * the budget or the nesting depth runs out.
 */
static int
expand_entity(struct feed__parser *p, const char *v, struct buf *out, int level)
{
	const struct feed__entity *e;
	const char *semi;
	size_t n;
	uint32_t c;

	if (level > 8)
		return -1;
	while (*v != '\0') {
		if (p->expansion + out->len > FEED_MAX_EXPANSION)
			return -1;
		if (*v != '&' || (semi = strchr(v, ';')) == NULL) {
			buf_addc(out, *v++);
			continue;
		}
		n = (size_t)(semi - v - 1);
		if (!predefined(v + 1, n) &&
		    (e = declared(p, v + 1, n)) != NULL) {
			if (expand_entity(p, e->value, out, level + 1) < 0)
				return -1;
		} else if (text_ref(v, n + 2, &c) == n + 2)
			utf8_put(out, c);
		v = semi + 1;
	}
	return p->expansion + out->len > FEED_MAX_EXPANSION ? -1 : 0;
}

/*
 * Every entity is handed back as a "predefined" one holding its expanded
 * text: libxml2 then inlines it as characters, even in recovery mode, and
 * never parses or loads anything for it.  In attribute values libxml2
 * copies only the first byte of a predefined entity, so there the value is
 * a placeholder byte that sax_start swaps for the queued expansion.
 */
static xmlEntityPtr
sax_get_entity(void *ctx, const xmlChar *name)
{
	struct feed__parser *p = ctx;
	const struct feed__entity *e;
	size_t n = strlen((const char *)name);
	uint32_t c;
	char msg[160];

	if (p->hostile)
		return NULL;
	buf_reset(&p->entbuf);
	if ((e = declared(p, (const char *)name, n)) != NULL) {
		if (expand_entity(p, e->value, &p->entbuf, 0) < 0) {
			feed__hostile(p, "entity expansion limit exceeded");
			return NULL;
		}
		/*
		 * Only declared entities are charged: an HTML or unknown
		 * name cannot nest and expands to no more bytes than its
		 * reference takes, so it cannot amplify the input.
		 */
		p->expansion += p->entbuf.len;
		if (p->expansion > FEED_MAX_EXPANSION) {
			feed__hostile(p, "entity expansion limit exceeded");
			return NULL;
		}
	} else if ((c = text_entity((const char *)name, n)) != 0) {
		utf8_put(&p->entbuf, c);
		snprintf(msg, sizeof(msg), "undefined entity &%s;",
		    (const char *)name);
		feed__set_error(p, msg);
	} else {
		/* Unknown everywhere: kept as written, as HTML parsers do. */
		buf_printf(&p->entbuf, "&%s;", (const char *)name);
		snprintf(msg, sizeof(msg), "undefined entity &%s;",
		    (const char *)name);
		feed__set_error(p, msg);
	}
	buf_addstr(&p->entbuf, "");
	memset(&p->ent, 0, sizeof(p->ent));
	p->ent.type = XML_ENTITY_DECL;
	p->ent.name = name;
	p->ent.etype = XML_INTERNAL_PREDEFINED_ENTITY;
	if (p->ctxt != NULL && p->ctxt->instate == XML_PARSER_START_TAG) {
		if (p->nattr_ents >= 4096)
			return NULL;
		p->attr_ents = xreallocarray(p->attr_ents, p->nattr_ents + 1,
		    sizeof(char *));
		p->attr_ents[p->nattr_ents++] = xstrdup(p->entbuf.data);
		buf_reset(&p->entbuf);
		buf_addstr(&p->entbuf, "\x01");
	}
	p->ent.content = (xmlChar *)p->entbuf.data;
	p->ent.orig = (xmlChar *)p->entbuf.data;
	p->ent.length = (int)p->entbuf.len;
	return &p->ent;
}

static xmlEntityPtr
sax_get_pentity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static xmlParserInputPtr
sax_resolve(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
	(void)ctx;
	(void)publicId;
	(void)systemId;
	return NULL;
}

/*
 * Runs once the internal subset is read; the external one is never loaded.
 * The subset's attribute defaults are dropped: libxml2 2.9 adds them to
 * every matching start tag, checking each against all the others, so a
 * few thousand of them make every tag cost a second.
 */
static void
sax_external_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	struct feed__parser *p = ctx;

	(void)name;
	(void)eid;
	(void)sid;
	if (p->ctxt != NULL && p->ctxt->attsDefault != NULL) {
		xmlHashFree(p->ctxt->attsDefault, xmlHashDefaultDeallocator);
		p->ctxt->attsDefault = NULL;
	}
}

void
feed__entity_sax(xmlSAXHandler *sax)
{
	sax->getEntity = sax_get_entity;
	sax->getParameterEntity = sax_get_pentity;
	sax->entityDecl = sax_entity_decl;
	sax->resolveEntity = sax_resolve;
	sax->externalSubset = sax_external_subset;
}

static int
name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || isdigit(c) || c == '-' || c == '.';
}

/*
 * Length of a well-formed reference at s ("&name;", "&#N;", "&#xN;"), or
 * 0.  "&#X41;" is accepted too and reported through *upper.
 */
static size_t
ref_len(const char *s, size_t n, int *upper)
{
	size_t i = 1;

	*upper = 0;
	if (i < n && s[i] == '#') {
		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			*upper = s[i] == 'X';
			i++;
			while (i < n && isxdigit((unsigned char)s[i]))
				i++;
			if (i == 3)
				return 0;
		} else {
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			if (i == 2)
				return 0;
		}
		return i < n && s[i] == ';' ? i + 1 : 0;
	}
	if (i >= n || !name_start((unsigned char)s[i]))
		return 0;
	while (i < n && name_char((unsigned char)s[i]))
		i++;
	return i < n && s[i] == ';' ? i + 1 : 0;
}

/* The offset of the first c at or after i in s, or n. */
static size_t
next_byte(const char *s, size_t n, size_t i, char c)
{
	const char *q = memchr(s + i, c, n - i);

	return q != NULL ? (size_t)(q - s) : n;
}

/*
 * Bare ampersands ("?a=1&b=2") are the commonest way feeds break XML; as
 * HTML parsers do, they are read as literal text.  Comments, CDATA and
 * processing instructions are copied as they are.  Returns NULL when the
 * document needed no change.
 */
char *
feed__fix_ampersands(const char *s, size_t n, size_t *outlen)
{
	struct buf b;
	const char *end;
	size_t i, k, last = 0, lt, amp;
	int changed = 0, upper;

	buf_init(&b);
	lt = next_byte(s, n, 0, '<');
	amp = next_byte(s, n, 0, '&');
	for (i = 0; i < n; i++) {
		/* Only '<' and '&' matter: on to the nearer of the two. */
		if (lt < i)
			lt = next_byte(s, n, i, '<');
		if (amp < i)
			amp = next_byte(s, n, i, '&');
		if ((i = lt < amp ? lt : amp) >= n)
			break;
		if (s[i] == '<' && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			end = feed__find(s + i + 4, n - i - 4, "-->", 3);
			i = end ? (size_t)(end - s) + 2 : n;
			continue;
		}
		if (s[i] == '<' && n - i >= 9 &&
		    memcmp(s + i, "<![CDATA[", 9) == 0) {
			end = feed__find(s + i + 9, n - i - 9, "]]>", 3);
			i = end ? (size_t)(end - s) + 2 : n;
			continue;
		}
		if (s[i] == '<' && n - i >= 2 && s[i + 1] == '?') {
			end = feed__find(s + i + 2, n - i - 2, "?>", 2);
			i = end ? (size_t)(end - s) + 1 : n;
			continue;
		}
		if (s[i] != '&')
			continue;
		k = ref_len(s + i, n - i, &upper);
		if (k > 0 && !upper)
			continue;
		buf_add(&b, s + last, i - last);
		if (k > 0) {
			buf_addstr(&b, "&#x");
			last = i + 3;
		} else {
			buf_addstr(&b, "&amp;");
			last = i + 1;
		}
		changed = 1;
	}
	if (!changed) {
		buf_free(&b);
		return NULL;
	}
	buf_add(&b, s + last, n - last);
	*outlen = b.len;
	return buf_release(&b);
}
