/*
 * What is dropped from a page before its article is looked for (what a
 * reader never sees: scripts, forms' controls, hidden and navigation
 * parts, and parts whose class or id says they are comments, menus,
 * sidebars and the like) and from the article once found (containers
 * that are mostly links, images or list items, and the short lines news
 * sites put inside the body: copyright notices, the reporter's sign-off,
 * ads.txt lines).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_priv.h"
#include "names.h"

static const char *const unlikely[] = {
	"-ad-", "ad-break", "agegate", "ai2html", "banner", "breadcrumb",
	"combx", "comment", "community", "cover-wrap", "disqus", "extra",
	"footer", "gdpr", "header", "legends", "menu", "pager", "pagination",
	"popup", "related", "remark", "replies", "rss", "shoutbox",
	"sidebar", "skyscraper", "social", "sponsor", "supplemental", NULL
};

/* A part whose class or id also says one of these may be the article. */
static const char *const maybe[] = {
	"and", "article", "body", "column", "content", "main", "shadow", NULL
};

/* Class tokens of advertising and of text for screen readers only. */
static const char *const ad_tokens[] = {
	"ad", "ad-", "ad_", "ads", "ads-", "ads_", "adsbygoogle", "advert",
	"advert-", "advertisement", "dfp-", "blind", "sr-only",
	"screen-reader-text", "visually-hidden", "visuallyhidden", NULL
};

static const char *const caption_words[] = {
	"caption", "credit", NULL
};

static const char *const hidden_roles[] = {
	"alert", "alertdialog", "banner", "complementary", "contentinfo",
	"dialog", "menu", "menubar", "navigation", NULL
};

/* Lines that are notices, not article: any case, matched as substrings. */
static const char *const notices[] = {
	"\xc2\xa9",			/* © */
	"\xe2\x93\x92",			/* ⓒ */
	"\xe2\x92\xb8",			/* Ⓒ */
	"copyright", "all rights reserved",
	"\xeb\xac\xb4\xeb\x8b\xa8\xec\xa0\x84\xec\x9e\xac",	/* 무단전재 */
	"\xeb\xac\xb4\xeb\x8b\xa8 \xec\xa0\x84\xec\x9e\xac",	/* 무단 전재 */
	"\xec\x9e\xac\xeb\xb0\xb0\xed\x8f\xac",			/* 재배포 */
	"\xec\xa0\x80\xec\x9e\x91\xea\xb6\x8c\xec\x9e\x90",	/* 저작권자 */
	", direct, ", ", reseller, ",	/* ads.txt */
	NULL
};

/* A notice is short: a longer block is article that mentions one. */
#define NOTICE_MAX_CHARS	160
#define SIGNOFF_MAX_CHARS	60

static int
never_content(uint8_t tag)
{
	switch (tag) {
	case HT_BUTTON: case HT_CANVAS: case HT_DIALOG: case HT_EMBED:
	case HT_HEAD: case HT_IFRAME: case HT_INPUT: case HT_LINK:
	case HT_META: case HT_NAV: case HT_NOSCRIPT: case HT_OBJECT:
	case HT_OPTION: case HT_SCRIPT: case HT_SELECT: case HT_STYLE:
	case HT_SVG: case HT_TEMPLATE: case HT_TEXTAREA: case HT_TITLE:
		return 1;
	}
	return 0;
}

static int
lower_contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

static int
hidden(const struct html_tree *t, uint32_t i)
{
	const char *v;
	char style[128];
	size_t k;

	if (html_tree_attr(t, i, "hidden") != NULL)
		return 1;
	if ((v = html_tree_attr(t, i, "aria-hidden")) != NULL &&
	    strcasecmp(v, "true") == 0)
		return 1;
	if ((v = html_tree_attr(t, i, "role")) != NULL) {
		char role[32];

		for (k = 0; v[k] != '\0' && k + 1 < sizeof(role); k++)
			role[k] = (char)(v[k] >= 'A' && v[k] <= 'Z' ?
			    v[k] + 32 : v[k]);
		role[k] = '\0';
		for (k = 0; hidden_roles[k] != NULL; k++)
			if (strcmp(role, hidden_roles[k]) == 0)
				return 1;
	}
	if ((v = html_tree_attr(t, i, "style")) != NULL) {
		/* Spaces out, so "display: none" reads as "display:none". */
		for (k = 0; *v != '\0' && k + 1 < sizeof(style); v++)
			if (*v != ' ' && *v != '\t')
				style[k++] = (char)(*v >= 'A' && *v <= 'Z' ?
				    *v + 32 : *v);
		style[k] = '\0';
		if (strstr(style, "display:none") != NULL ||
		    strstr(style, "visibility:hidden") != NULL)
			return 1;
	}
	return 0;
}

static int
within_tag(const struct html_tree *t, uint32_t i, uint8_t tag)
{
	for (i = t->nodes[i].parent; i != 0; i = t->nodes[i].parent)
		if (t->nodes[i].tag == tag)
			return 1;
	return 0;
}

static int
unlikely_part(const struct xdoc *d, uint32_t i)
{
	const struct html_tree *t = &d->t;
	char ci[256];

	switch (t->nodes[i].tag) {
	case HT_A: case HT_ARTICLE: case HT_BODY: case HT_HTML: case HT_MAIN:
	case HT_TEXT: case HT_DOCUMENT:
		return 0;
	case HT_ASIDE: case HT_FOOTER:
		return 1;
	}
	if (t->nodes[i].nattr == 0)
		return 0;
	xclass_id(t, i, ci, sizeof(ci));
	if (!xhint(ci, unlikely) || xhint(ci, maybe))
		return 0;
	return !within_tag(t, i, HT_TABLE) && !within_tag(t, i, HT_CODE);
}

void
xclean_page(struct xdoc *d)
{
	struct html_tree *t = &d->t;
	uint32_t i;

	t->nodes[0].mark = 0;
	for (i = 1; i < t->n; i++) {
		struct html_node *n = &t->nodes[i];

		n->mark = 0;
		if (t->nodes[n->parent].mark & MARK_DROP)
			n->mark = MARK_DROP;
		else if (n->tag != HT_TEXT && (never_content(n->tag) ||
		    hidden(t, i) || xtoken(t, i, ad_tokens) ||
		    (d->drop != NULL && xselect_matches(d->drop, t, i)) ||
		    ((d->flags & X_STRIP_UNLIKELY) && unlikely_part(d, i))))
			n->mark = MARK_DROP;
	}
}

/* Whether a data table: one with headers or a caption is kept whole. */
static int
data_table(const struct html_tree *t, uint32_t i)
{
	uint32_t k;

	for (k = html_tree_next(t, i, i); k != 0; k = html_tree_next(t, k, i))
		if (t->nodes[k].tag == HT_TH || t->nodes[k].tag == HT_CAPTION)
			return 1;
	return 0;
}

/*
 * Readability's conditional clean-up: a container that is mostly links,
 * images, list items or form inputs, with few commas, is not article.
 */
static int
fishy(const struct xdoc *d, uint32_t i)
{
	const struct html_tree *t = &d->t;
	const struct xstat *st = &d->st[i];
	uint8_t tag = t->nodes[i].tag;
	int weight = xclass_weight(d, i), list = tag == HT_UL || tag == HT_OL;
	float links, p, img, li, headings;

	if (tag == HT_TABLE && data_table(t, i))
		return 0;
	if (weight < 0)
		return 1;
	if (st->commas >= 10)
		return 0;
	p = (float)st->paras;
	img = (float)st->imgs;
	li = (float)st->items - 100;
	links = xlink_density(d, i);
	headings = st->chars ? (float)st->heading_chars / (float)st->chars : 0;
	if (img > 1 && p / img < 0.5f && !within_tag(t, i, HT_FIGURE))
		return 1;
	if (!list && li > p)
		return 1;
	if ((float)st->inputs > p / 3)
		return 1;
	if (!list && headings < 0.9f && st->chars < 25 &&
	    (img == 0 || img > 2) && !within_tag(t, i, HT_FIGURE))
		return 1;
	if (!list && weight < 25 && links > 0.2f)
		return 1;
	if (list && links > 0.5f)
		return 1;
	return weight >= 25 && links > 0.5f;
}

static int
conditional(uint8_t tag)
{
	switch (tag) {
	case HT_ASIDE: case HT_DIV: case HT_FIELDSET: case HT_FOOTER:
	case HT_FORM: case HT_HEADER: case HT_OL: case HT_SECTION:
	case HT_TABLE: case HT_UL:
		return 1;
	}
	return 0;
}

/* Whether a short text is a notice or the reporter's sign-off. */
static int
notice(const char *s, uint32_t chars)
{
	const char *at, *dot;
	size_t k;

	if (chars > NOTICE_MAX_CHARS)
		return 0;
	for (k = 0; notices[k] != NULL; k++)
		if (lower_contains(s, notices[k]))
			return 1;
	/* "pub-" and ten digits: an ad network's publisher id. */
	for (at = s; (at = strstr(at, "pub-")) != NULL; at += 4)
		if (strspn(at + 4, "0123456789") >= 10)
			return 1;
	if (chars > SIGNOFF_MAX_CHARS)
		return 0;
	/* A name and an address alone on a line. */
	if ((at = strchr(s, '@')) != NULL && at > s &&
	    (dot = strchr(at, '.')) != NULL && dot > at + 1 &&
	    strchr(at, ' ') == NULL)
		return 1;
	return 0;
}

/* A block or a text of few characters with no block inside. */
static int
line_like(const struct xdoc *d, uint32_t i)
{
	const struct html_tree *t = &d->t;
	uint32_t c;

	if (d->st[i].chars == 0 || d->st[i].chars > NOTICE_MAX_CHARS)
		return 0;
	if (t->nodes[i].tag == HT_TEXT)
		return 1;
	if (!html_tag_is_block(t->nodes[i].tag))
		return 0;
	for (c = t->nodes[i].first; c != 0; c = t->nodes[c].next)
		if (html_tag_is_block(t->nodes[c].tag))
			return 0;
	return 1;
}

/* A short part whose class or id says it is a photo's caption or credit. */
static int
caption(const struct xdoc *d, uint32_t i)
{
	char ci[256];

	if (d->t.nodes[i].tag == HT_TEXT || d->t.nodes[i].nattr == 0 ||
	    d->st[i].chars > NOTICE_MAX_CHARS * 2)
		return 0;
	xclass_id(&d->t, i, ci, sizeof(ci));
	return xhint(ci, caption_words);
}

/* Letters and digits of s, lowercase ASCII, into out. */
static void
squeeze(const char *s, char *out, size_t size)
{
	size_t k = 0;

	for (; *s != '\0' && k + 1 < size; s++)
		if ((unsigned char)*s >= 0x80 ||
		    (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z'))
			out[k++] = *s;
		else if (*s >= 'A' && *s <= 'Z')
			out[k++] = (char)(*s + 32);
	out[k] = '\0';
}

/* A heading that repeats the page's title. */
static int
title_again(const struct xdoc *d, uint32_t i)
{
	char h[512], title[512], *s;

	if (d->title == NULL || d->t.nodes[i].tag < HT_H1 ||
	    d->t.nodes[i].tag > HT_H6 || d->st[i].chars > 300)
		return 0;
	s = xnode_text(&d->t, i);
	squeeze(s, h, sizeof(h));
	free(s);
	squeeze(d->title, title, sizeof(title));
	return strlen(h) >= 10 && strstr(title, h) != NULL;
}

static void
clean_part(struct xdoc *d, uint32_t root)
{
	struct html_tree *t = &d->t;
	uint32_t i, end;
	char *s;

	/*
	 * A subtree's nodes are numbered one after another.  Innermost
	 * first: backwards from its last node.
	 */
	end = html_tree_skip(t, root, 0);
	for (i = (end != 0 ? end : t->n) - 1; ; i--) {
		struct html_node *n = &t->nodes[i];

		if (!(n->mark & MARK_DROP) &&
		    !(t->nodes[n->parent].mark & MARK_DROP)) {
			if (n->tag == HT_FIGCAPTION || caption(d, i) ||
			    title_again(d, i))
				xstat_drop(d, i);
			else if ((d->flags & X_CLEAN_CONDITIONALLY) &&
			    conditional(n->tag) && fishy(d, i))
				xstat_drop(d, i);
			else if ((n->tag == HT_H1 || n->tag == HT_H2) &&
			    xclass_weight(d, i) < 0)
				xstat_drop(d, i);
			else if (line_like(d, i)) {
				s = xnode_text(t, i);
				if (notice(s, d->st[i].chars))
					xstat_drop(d, i);
				free(s);
			}
		}
		if (i == root)
			break;
	}
}

void
xclean_article(struct xdoc *d)
{
	struct html_tree *t = &d->t;
	uint32_t i;

	for (i = 1; i < t->n; i++)
		if (t->nodes[i].mark & MARK_KEEP)
			clean_part(d, i);
}
