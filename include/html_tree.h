/*
 * A web page as a compact tree, for the article extractor: arrays of
 * nodes, attributes and text, built from a parser's events.  Nodes are
 * numbered in document order (a subtree's nodes are consecutive); node 0
 * is the document.
 */
#ifndef HTML_TREE_H
#define HTML_TREE_H
#include <stddef.h>
#include <stdint.h>

#include "xmalloc.h"

/* The elements the extractor tells apart; the rest are HT_OTHER. */
enum html_tag {
	HT_TEXT, HT_DOCUMENT, HT_OTHER,
	HT_A, HT_ADDRESS, HT_ARTICLE, HT_ASIDE, HT_B, HT_BLOCKQUOTE,
	HT_BODY, HT_BR, HT_BUTTON, HT_CANVAS, HT_CAPTION, HT_CODE, HT_DD,
	HT_DIALOG, HT_DIV, HT_DL, HT_DT, HT_EM, HT_EMBED, HT_FIELDSET,
	HT_FIGCAPTION, HT_FIGURE, HT_FOOTER, HT_FORM, HT_H1, HT_H2, HT_H3,
	HT_H4, HT_H5, HT_H6, HT_HEAD, HT_HEADER, HT_HR, HT_HTML, HT_I,
	HT_IFRAME, HT_IMG, HT_INPUT, HT_LI, HT_LINK, HT_MAIN, HT_MENU,
	HT_META, HT_NAV, HT_NOSCRIPT, HT_OBJECT, HT_OL, HT_OPTION, HT_P,
	HT_PICTURE, HT_PRE, HT_S, HT_SCRIPT, HT_SECTION, HT_SELECT,
	HT_SPAN, HT_STRONG, HT_STYLE, HT_SUB, HT_SUP, HT_SVG, HT_TABLE,
	HT_TBODY, HT_TD, HT_TEMPLATE, HT_TEXTAREA, HT_TFOOT, HT_TH,
	HT_THEAD, HT_TIME, HT_TITLE, HT_TR, HT_U, HT_UL, HT_VIDEO,
	HT_NTAGS
};

struct html_node {
	uint32_t	 parent;	/* 0 for the document and its children */
	uint32_t	 first;		/* first child, 0 when none */
	uint32_t	 last;		/* last child, 0 when none */
	uint32_t	 next;		/* next sibling, 0 when none */
	uint32_t	 str;		/* pool offset: a text's bytes, an
					   element's lowercase name */
	uint32_t	 len;		/* a text's length in bytes */
	uint32_t	 attr;		/* first attribute in attrs */
	uint16_t	 nattr;
	uint8_t		 tag;		/* enum html_tag */
	uint8_t		 mark;		/* free for the tree's user */
};

struct html_attr {
	uint32_t	 name;		/* pool offsets of NUL-terminated */
	uint32_t	 value;		/* lowercase name and value */
};

struct html_tree {
	struct html_node *nodes;
	uint32_t	 n, cap;
	struct html_attr *attrs;
	uint32_t	 nattrs, acap;
	struct buf	 pool;
};

/* Limits: a deeper element joins its ancestor at this depth. */
#define HTML_TREE_DEPTH	256
#define HTML_TREE_NODES	(1u << 21)

/*
 * Parses len bytes of UTF-8 HTML into t (which the caller frees with
 * html_tree_free, also on failure): 0, or -1 when the page holds more
 * than HTML_TREE_NODES nodes or the parser fails.  html_parse.c: with
 * libxml2's HTML parser (implied end tags and misnested markup repaired
 * as HTML 4 browsers did), through its SAX interface.
 */
int		 html_tree_parse(struct html_tree *t, const char *html,
		    size_t len);
void		 html_tree_free(struct html_tree *t);

/* Building a tree from a parser's events, in document order. */
struct html_builder {
	struct html_tree *t;
	uint32_t	 open;		/* the element text and children go to */
	uint32_t	 depth;		/* of open */
	uint32_t	 over;		/* elements opened past the depth limit */
	int		 full;		/* HTML_TREE_NODES reached */
};
/* An empty tree holding the document node, and its builder. */
void		 html_tree_begin(struct html_tree *t, struct html_builder *b);
/* An element (lowercase name; name/value pairs, NULL-ended, values
 * may be NULL) opened inside the open one. */
void		 html_tree_open(struct html_builder *b, const char *name,
		    const char *const *attrs);
void		 html_tree_close(struct html_builder *b);
void		 html_tree_text(struct html_builder *b, const char *s,
		    size_t n);

/* Whether an element of tag starts a block (<p>, <div>, <li> ...). */
int		 html_tag_is_block(uint8_t tag);
/* The value of attribute name (lowercase) of node i, or NULL. */
const char	*html_tree_attr(const struct html_tree *t, uint32_t i,
		    const char *name);
/* An element's name (lowercase) or a text's bytes (len of them). */
static inline const char *
html_tree_str(const struct html_tree *t, uint32_t i)
{
	return t->pool.data + t->nodes[i].str;
}
/* The next node after i in document order within i's subtree root, or 0. */
uint32_t	 html_tree_next(const struct html_tree *t, uint32_t i,
		    uint32_t root);
/* The node after i's whole subtree in document order, or 0. */
uint32_t	 html_tree_skip(const struct html_tree *t, uint32_t i,
		    uint32_t root);
/* Whether a is i or one of its ancestors. */
int		 html_tree_within(const struct html_tree *t, uint32_t i,
		    uint32_t a);
#endif
