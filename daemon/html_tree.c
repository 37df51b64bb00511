/*
 * A web page as a compact tree: nodes, attributes and text in three
 * arrays, built from a parser's events (html_parse.c) and walked in
 * document order.  Text nodes that follow each other are joined.
 */
#include <stdlib.h>
#include <string.h>

#include "html_tree.h"
#include "names.h"
#include "xmalloc.h"

/* Sorted by name, for bsearch. */
static const struct {
	const char	*name;
	uint8_t		 tag;
} tags[] = {
	{ "a", HT_A }, { "address", HT_ADDRESS }, { "article", HT_ARTICLE },
	{ "aside", HT_ASIDE }, { "b", HT_B }, { "blockquote", HT_BLOCKQUOTE },
	{ "body", HT_BODY }, { "br", HT_BR }, { "button", HT_BUTTON },
	{ "canvas", HT_CANVAS }, { "caption", HT_CAPTION },
	{ "code", HT_CODE }, { "dd", HT_DD }, { "dialog", HT_DIALOG },
	{ "div", HT_DIV }, { "dl", HT_DL }, { "dt", HT_DT }, { "em", HT_EM },
	{ "embed", HT_EMBED }, { "fieldset", HT_FIELDSET },
	{ "figcaption", HT_FIGCAPTION }, { "figure", HT_FIGURE },
	{ "footer", HT_FOOTER }, { "form", HT_FORM }, { "h1", HT_H1 },
	{ "h2", HT_H2 }, { "h3", HT_H3 }, { "h4", HT_H4 }, { "h5", HT_H5 },
	{ "h6", HT_H6 }, { "head", HT_HEAD }, { "header", HT_HEADER },
	{ "hr", HT_HR }, { "html", HT_HTML }, { "i", HT_I },
	{ "iframe", HT_IFRAME }, { "img", HT_IMG }, { "input", HT_INPUT },
	{ "li", HT_LI }, { "link", HT_LINK }, { "main", HT_MAIN },
	{ "menu", HT_MENU }, { "meta", HT_META }, { "nav", HT_NAV },
	{ "noscript", HT_NOSCRIPT }, { "object", HT_OBJECT }, { "ol", HT_OL },
	{ "option", HT_OPTION }, { "p", HT_P }, { "picture", HT_PICTURE },
	{ "pre", HT_PRE }, { "s", HT_S }, { "script", HT_SCRIPT },
	{ "section", HT_SECTION }, { "select", HT_SELECT },
	{ "span", HT_SPAN }, { "strong", HT_STRONG }, { "style", HT_STYLE },
	{ "sub", HT_SUB }, { "sup", HT_SUP }, { "svg", HT_SVG },
	{ "table", HT_TABLE }, { "tbody", HT_TBODY }, { "td", HT_TD },
	{ "template", HT_TEMPLATE }, { "textarea", HT_TEXTAREA },
	{ "tfoot", HT_TFOOT }, { "th", HT_TH }, { "thead", HT_THEAD },
	{ "time", HT_TIME }, { "title", HT_TITLE }, { "tr", HT_TR },
	{ "u", HT_U }, { "ul", HT_UL }, { "video", HT_VIDEO },
};

static int
tag_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static uint8_t
tag_of(const char *name)
{
	const void *hit;

	hit = bsearch(name, tags, NELEM(tags), sizeof(tags[0]), tag_cmp);
	return hit != NULL ? ((const __typeof__(tags[0]) *)hit)->tag :
	    HT_OTHER;
}

static uint32_t
pool_add(struct html_tree *t, const char *s, size_t n)
{
	uint32_t at = (uint32_t)t->pool.len;

	buf_add(&t->pool, s, n);
	buf_addc(&t->pool, '\0');
	return at;
}

/* A new last child of b->open, or 0 when the tree is full. */
static uint32_t
node_add(struct html_builder *b, uint8_t tag)
{
	struct html_tree *t = b->t;
	struct html_node *parent, *n;
	uint32_t i;

	if (t->n >= HTML_TREE_NODES) {
		b->full = 1;
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof(*t->nodes));
	}
	i = t->n++;
	n = &t->nodes[i];
	memset(n, 0, sizeof(*n));
	n->tag = tag;
	n->parent = b->open;
	parent = &t->nodes[b->open];
	if (parent->last != 0)
		t->nodes[parent->last].next = i;
	else
		parent->first = i;
	parent->last = i;
	return i;
}

void
html_tree_begin(struct html_tree *t, struct html_builder *b)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->pool);
	memset(b, 0, sizeof(*b));
	b->t = t;
	t->cap = 256;
	t->nodes = xcalloc(t->cap, sizeof(*t->nodes));
	t->n = 1;
	t->nodes[0].tag = HT_DOCUMENT;
	t->nodes[0].str = pool_add(t, "#document", 9);
}

void
html_tree_open(struct html_builder *b, const char *name,
    const char *const *atts)
{
	struct html_tree *t = b->t;
	uint32_t i, k;

	if (b->depth >= HTML_TREE_DEPTH) {
		b->over++;
		return;
	}
	if ((i = node_add(b, tag_of(name))) == 0)
		return;
	t->nodes[i].str = pool_add(t, name, strlen(name));
	t->nodes[i].attr = t->nattrs;
	for (k = 0; atts != NULL && atts[k] != NULL && k < 2 * 0xfffe;
	    k += 2) {
		const char *v = atts[k + 1] ? atts[k + 1] : "";

		if (t->nattrs == t->acap) {
			t->acap = t->acap ? t->acap * 2 : 256;
			t->attrs = xreallocarray(t->attrs, t->acap,
			    sizeof(*t->attrs));
		}
		t->attrs[t->nattrs].name = pool_add(t, atts[k],
		    strlen(atts[k]));
		t->attrs[t->nattrs].value = pool_add(t, v, strlen(v));
		t->nattrs++;
		t->nodes[i].nattr++;
	}
	b->open = i;
	b->depth++;
}

void
html_tree_close(struct html_builder *b)
{
	if (b->over > 0) {
		b->over--;
		return;
	}
	if (b->open == 0)
		return;
	b->open = b->t->nodes[b->open].parent;
	b->depth--;
}

void
html_tree_text(struct html_builder *b, const char *s, size_t n)
{
	struct html_tree *t = b->t;
	struct html_node *last;
	uint32_t i;

	if (n == 0 || n > UINT32_MAX / 2)
		return;
	i = t->nodes[b->open].last;
	last = i != 0 ? &t->nodes[i] : NULL;
	/* Join a text that ends the pool: drop its NUL, append, end again. */
	if (last != NULL && last->tag == HT_TEXT &&
	    last->str + last->len + 1 == t->pool.len) {
		t->pool.len--;
		buf_add(&t->pool, s, n);
		buf_addc(&t->pool, '\0');
		last->len += (uint32_t)n;
		return;
	}
	if ((i = node_add(b, HT_TEXT)) == 0)
		return;
	t->nodes[i].str = pool_add(t, s, n);
	t->nodes[i].len = (uint32_t)n;
}

void
html_tree_free(struct html_tree *t)
{
	free(t->nodes);
	free(t->attrs);
	buf_free(&t->pool);
	memset(t, 0, sizeof(*t));
}

int
html_tag_is_block(uint8_t tag)
{
	switch (tag) {
	case HT_ADDRESS: case HT_ARTICLE: case HT_ASIDE: case HT_BLOCKQUOTE:
	case HT_BODY: case HT_CAPTION: case HT_DD: case HT_DIV: case HT_DL:
	case HT_DT: case HT_FIELDSET: case HT_FIGCAPTION: case HT_FIGURE:
	case HT_FOOTER: case HT_FORM: case HT_H1: case HT_H2: case HT_H3:
	case HT_H4: case HT_H5: case HT_H6: case HT_HEADER: case HT_HR:
	case HT_LI: case HT_MAIN: case HT_MENU: case HT_NAV: case HT_OL:
	case HT_P: case HT_PRE: case HT_SECTION: case HT_TABLE:
	case HT_TBODY: case HT_TD: case HT_TFOOT: case HT_TH: case HT_THEAD:
	case HT_TR: case HT_UL:
		return 1;
	}
	return 0;
}

const char *
html_tree_attr(const struct html_tree *t, uint32_t i, const char *name)
{
	const struct html_node *n = &t->nodes[i];
	uint32_t k;

	for (k = n->attr; k < n->attr + n->nattr; k++)
		if (strcmp(t->pool.data + t->attrs[k].name, name) == 0)
			return t->pool.data + t->attrs[k].value;
	return NULL;
}

uint32_t
html_tree_skip(const struct html_tree *t, uint32_t i, uint32_t root)
{
	while (i != root && i != 0) {
		if (t->nodes[i].next != 0)
			return t->nodes[i].next;
		i = t->nodes[i].parent;
	}
	return 0;
}

uint32_t
html_tree_next(const struct html_tree *t, uint32_t i, uint32_t root)
{
	if (t->nodes[i].first != 0)
		return t->nodes[i].first;
	return html_tree_skip(t, i, root);
}

int
html_tree_within(const struct html_tree *t, uint32_t i, uint32_t a)
{
	for (;;) {
		if (i == a)
			return 1;
		if (i == 0)
			return 0;
		i = t->nodes[i].parent;
	}
}
