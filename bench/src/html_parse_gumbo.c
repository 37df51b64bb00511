/*
 * html_tree_parse with gumbo (the HTML5 tree construction algorithm)
 * instead of libxml2's HTML parser, for bench/extract.sh to compare the
 * two under the same extractor: linked in place of build/html_parse.o.
 * Gumbo builds its whole tree first; it is then walked in document
 * order (an explicit stack, so depth costs no C stack) into the
 * builder of html_tree.h and freed.  Element names are gumbo's
 * normalised ones, an unknown element's the name as written, in
 * lowercase; attribute names are lowercased too.  Text, whitespace and
 * CDATA are text; comments are dropped.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "html_tree.h"
#include "xmalloc.h"

struct frame {
	const GumboVector	*kids;
	unsigned int		 next;
};

/* Scratch space for one element's lowercase names and its pairs. */
struct scratch {
	struct buf	 names;
	const char	**pairs;
	size_t		 cap;
};

static void
add_lower(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addc(b, (char)tolower((unsigned char)s[i]));
	buf_addc(b, '\0');
}

static void
open_element(struct html_builder *b, const GumboElement *e,
    struct scratch *sc)
{
	const GumboVector *av = &e->attributes;
	size_t need = 2 * (size_t)av->length + 1, at;
	unsigned int i;

	buf_reset(&sc->names);
	if (e->tag == GUMBO_TAG_UNKNOWN) {
		GumboStringPiece p = e->original_tag;

		gumbo_tag_from_original_text(&p);
		if (p.data != NULL && p.length > 0)
			add_lower(&sc->names, p.data, p.length);
		else
			add_lower(&sc->names, "unknown", 7);
	} else {
		const char *name = gumbo_normalized_tagname(e->tag);

		add_lower(&sc->names, name, strlen(name));
	}
	for (i = 0; i < av->length; i++) {
		const GumboAttribute *a = av->data[i];

		add_lower(&sc->names, a->name, strlen(a->name));
	}
	if (need > sc->cap) {
		sc->cap = need;
		sc->pairs = xreallocarray(sc->pairs, sc->cap,
		    sizeof(*sc->pairs));
	}
	/* The buffer is complete: its offsets are pointers now. */
	at = strlen(sc->names.data) + 1;
	for (i = 0; i < av->length; i++) {
		const GumboAttribute *a = av->data[i];

		sc->pairs[2 * i] = sc->names.data + at;
		sc->pairs[2 * i + 1] = a->value;
		at += strlen(sc->names.data + at) + 1;
	}
	sc->pairs[2 * av->length] = NULL;
	html_tree_open(b, sc->names.data, sc->pairs);
}

int
html_tree_parse(struct html_tree *t, const char *html, size_t len)
{
	GumboOptions opts = kGumboDefaultOptions;
	GumboOutput *out;
	struct html_builder b;
	struct scratch sc;
	struct frame *stack;
	size_t depth = 0, cap = 64;

	html_tree_begin(t, &b);
	/* Errors are not wanted: none recorded (parsing goes on). */
	opts.max_errors = 0;
	if ((out = gumbo_parse_with_options(&opts, html, len)) == NULL)
		return -1;
	memset(&sc, 0, sizeof(sc));
	buf_init(&sc.names);
	stack = xreallocarray(NULL, cap, sizeof(*stack));
	stack[0].kids = &out->document->v.document.children;
	stack[0].next = 0;
	depth = 1;
	while (depth > 0 && !b.full) {
		struct frame *f = &stack[depth - 1];
		const GumboNode *n;

		if (f->next >= f->kids->length) {
			if (--depth > 0)
				html_tree_close(&b);
			continue;
		}
		n = f->kids->data[f->next++];
		switch (n->type) {
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			open_element(&b, &n->v.element, &sc);
			if (depth == cap) {
				cap *= 2;
				stack = xreallocarray(stack, cap,
				    sizeof(*stack));
			}
			stack[depth].kids = &n->v.element.children;
			stack[depth].next = 0;
			depth++;
			break;
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			html_tree_text(&b, n->v.text.text,
			    strlen(n->v.text.text));
			break;
		case GUMBO_NODE_COMMENT:
		case GUMBO_NODE_DOCUMENT:
			break;
		}
	}
	free(stack);
	free(sc.pairs);
	buf_free(&sc.names);
	gumbo_destroy_output(&opts, out);
	return b.full ? -1 : 0;
}
