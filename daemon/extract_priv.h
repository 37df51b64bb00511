/*
 * What the extractor's files share: the page's tree with a figure per
 * node (its text, links, commas and the elements under it, counted over
 * what is not dropped) and the marks that say what is dropped and what
 * is the article.
 */
#ifndef EXTRACT_PRIV_H
#define EXTRACT_PRIV_H
#include <stdint.h>

#include "html_tree.h"

/* html_node.mark bits. */
#define MARK_DROP	0x01	/* not part of the page's content */
#define MARK_KEEP	0x02	/* the root of a part of the article */
#define MARK_SCORED	0x04	/* an ancestor of a scored paragraph */

/* Figures of a node's subtree, dropped nodes left out. */
struct xstat {
	uint32_t	 chars;		/* characters, white space runs as one */
	uint32_t	 link_chars;	/* of them inside <a> */
	uint32_t	 commas;	/* , ， 、 ، */
	uint32_t	 paras;		/* <p> elements */
	uint32_t	 imgs;
	uint32_t	 items;		/* <li> */
	uint32_t	 inputs;
	uint32_t	 heading_chars;	/* characters inside h1-h6 */
};

/* The passes' switches, turned off one by one when too little is found. */
#define X_STRIP_UNLIKELY	0x01
#define X_WEIGHT_CLASSES	0x02
#define X_CLEAN_CONDITIONALLY	0x04
#define X_ALL			0x07

struct xdoc {
	struct html_tree t;
	uint32_t	 body;		/* <body>, else the document */
	struct xstat	*st;		/* one per node */
	float		*score;		/* one per node, for MARK_SCORED */
	int		 flags;		/* X_* */
	const char	*title;		/* the page's title, or NULL */
	struct xselect	*keep;		/* the site rule's, or NULL */
	struct xselect	*drop;
};

/* extract_select.c: site rules' selectors. */
struct xselect;
struct xselect *xselect_parse(const char *text);	/* NULL: not one */
void	 xselect_free(struct xselect *);
int	 xselect_matches(const struct xselect *, const struct html_tree *,
	    uint32_t i);

/* extract_score.c */
/*
 * The node after i in document order within root, dropped subtrees
 * skipped; into i's children when descend.  0 at the end.
 */
uint32_t xnext(const struct xdoc *, uint32_t i, uint32_t root, int descend);
void	 xstat_count(struct xdoc *);
void	 xstat_drop(struct xdoc *, uint32_t i);
float	 xlink_density(const struct xdoc *, uint32_t i);
/* Node i's class, a space and its id, lowercase, into buf. */
void	 xclass_id(const struct html_tree *, uint32_t i, char *buf,
	    size_t size);
int	 xclass_weight(const struct xdoc *, uint32_t i);
/* Marks the article's parts MARK_KEEP; 0, or -1 when none is found. */
int	 xscore_article(struct xdoc *);
/* Marks what the site rule keeps MARK_KEEP: 0, or -1 when nothing. */
int	 xkeep_by_rule(struct xdoc *);

/* extract_clean.c */
/* Marks MARK_DROP what is never content, and unlikely parts per flags. */
void	 xclean_page(struct xdoc *);
/* Drops the boilerplate left inside the article's parts. */
void	 xclean_article(struct xdoc *);

/* extract_render.c: the article's parts as HTML. */
char	*xrender_html(const struct xdoc *);
/* The text under node i, white space collapsed (allocated). */
char	*xnode_text(const struct html_tree *, uint32_t i);

/*
 * extract_meta.c: title, byline and publication time into out, and the
 * JSON-LD articleBody into *body (allocated, NULL when none).
 */
struct extract_result;
void	 xmeta(const struct xdoc *, struct extract_result *out, char **body);

/* Whether s (lowercase) contains one of the NULL-terminated words. */
int	 xhint(const char *s, const char *const *words);
/*
 * Whether a class or id token of node i (any case) is one of words, or
 * starts with one that ends in '-' or '_'.
 */
int	 xtoken(const struct html_tree *, uint32_t i, const char *const *words);
#endif
