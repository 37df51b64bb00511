/*
 * Which part of the page is the article, scored as Readability scores
 * it: every paragraph of some length gives points (one, one per comma,
 * one per hundred characters up to three) to its parent, half to its
 * grandparent and less further up; a container starts from what its
 * element and its class and id suggest, and ends multiplied by the share
 * of its text outside links.  The best container is taken with those of
 * its siblings that score near it or read as paragraphs.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_priv.h"
#include "names.h"
#include "utf8.h"

#define PARA_MIN_CHARS	25	/* a shorter paragraph scores nothing */
#define ANCESTOR_LEVELS	5
#define TOP_N		5

static const char *const positive[] = {
	"article", "blog", "body", "content", "entry", "hentry", "h-entry",
	"main", "page", "post", "story", "text", NULL
};

static const char *const negative[] = {
	"-ad-", "banner", "byline", "combx", "comment", "com-", "contact",
	"copyright", "foot", "gdpr", "hidden", "masthead", "media", "meta",
	"outbrain", "promo", "related", "scroll", "share", "shoutbox",
	"sidebar", "skyscraper", "sponsor", "shopping", "tags", "tool",
	"widget", NULL
};

uint32_t
xnext(const struct xdoc *d, uint32_t i, uint32_t root, int descend)
{
	const struct html_tree *t = &d->t;

	i = descend ? html_tree_next(t, i, root) : html_tree_skip(t, i, root);
	while (i != 0 && (t->nodes[i].mark & MARK_DROP))
		i = html_tree_skip(t, i, root);
	return i;
}

static int
token_is(const char *tok, size_t n, const char *const *words)
{
	size_t k, w;

	for (k = 0; words[k] != NULL; k++) {
		w = strlen(words[k]);
		if (words[k][w - 1] == '-' || words[k][w - 1] == '_') {
			if (n > w && strncasecmp(tok, words[k], w) == 0)
				return 1;
		} else if (n == w && strncasecmp(tok, words[k], w) == 0)
			return 1;
	}
	return 0;
}

int
xtoken(const struct html_tree *t, uint32_t i, const char *const *words)
{
	static const char *const attrs[] = { "class", "id" };
	const char *s;
	size_t k, n;

	for (k = 0; k < 2; k++) {
		if ((s = html_tree_attr(t, i, attrs[k])) == NULL)
			continue;
		while (*s != '\0') {
			s += strspn(s, " \t\n\r\f");
			n = strcspn(s, " \t\n\r\f");
			if (n > 0 && token_is(s, n, words))
				return 1;
			s += n;
		}
	}
	return 0;
}

int
xhint(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(s, *words) != NULL)
			return 1;
	return 0;
}

static int
is_heading(uint8_t tag)
{
	return tag >= HT_H1 && tag <= HT_H6;
}

/* Characters of a text, a run of white space counted once. */
static void
text_count(const char *s, uint32_t len, struct xstat *st)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t i, chars = 0, commas = 0;
	int space = 1;

	for (i = 0; i < len; i++) {
		if (u[i] == ' ' || u[i] == '\n' || u[i] == '\t' ||
		    u[i] == '\r' || u[i] == '\f') {
			if (!space)
				chars++;
			space = 1;
			continue;
		}
		space = 0;
		if ((u[i] & 0xc0) != 0x80)
			chars++;
		if (u[i] == ',' ||
		    (u[i] == 0xef && i + 2 < len && u[i + 1] == 0xbc &&
		    u[i + 2] == 0x8c) ||			/* ， */
		    (u[i] == 0xe3 && i + 2 < len && u[i + 1] == 0x80 &&
		    u[i + 2] == 0x81) ||			/* 、 */
		    (u[i] == 0xd8 && i + 1 < len && u[i + 1] == 0x8c))	/* ، */
			commas++;
	}
	st->chars = chars;
	st->commas = commas;
}

static void
stat_add(struct xstat *to, const struct xstat *from, int sign)
{
	uint32_t *a = &to->chars;
	const uint32_t *b = &from->chars;
	size_t k;

	for (k = 0; k < sizeof(*to) / sizeof(uint32_t); k++)
		a[k] = sign > 0 ? a[k] + b[k] : a[k] - b[k];
}

void
xstat_count(struct xdoc *d)
{
	struct html_tree *t = &d->t;
	struct xstat *st = d->st;
	uint32_t i;

	memset(st, 0, t->n * sizeof(*st));
	/* Children come after their parent: one pass backwards. */
	for (i = t->n - 1; i > 0; i--) {
		struct html_node *n = &t->nodes[i];

		if (n->tag == HT_TEXT)
			text_count(html_tree_str(t, i), n->len, &st[i]);
		else if (n->tag == HT_P)
			st[i].paras++;
		else if (n->tag == HT_IMG)
			st[i].imgs++;
		else if (n->tag == HT_LI)
			st[i].items++;
		else if (n->tag == HT_INPUT)
			st[i].inputs++;
		if (n->tag == HT_A)
			st[i].link_chars = st[i].chars;
		if (is_heading(n->tag))
			st[i].heading_chars = st[i].chars;
		if (!(n->mark & MARK_DROP))
			stat_add(&st[n->parent], &st[i], 1);
	}
}

void
xstat_drop(struct xdoc *d, uint32_t i)
{
	struct html_tree *t = &d->t;
	struct xstat gone = d->st[i];
	uint32_t a;

	if (t->nodes[i].mark & MARK_DROP)
		return;
	t->nodes[i].mark |= MARK_DROP;
	for (a = t->nodes[i].parent; ; a = t->nodes[a].parent) {
		stat_add(&d->st[a], &gone, -1);
		if (a == 0)
			break;
	}
}

float
xlink_density(const struct xdoc *d, uint32_t i)
{
	if (d->st[i].chars == 0)
		return 0;
	return (float)d->st[i].link_chars / (float)d->st[i].chars;
}

/* Attribute name of node i, lowercase, into buf ("" when absent). */
static void
lower_attr(const struct html_tree *t, uint32_t i, const char *name,
    char *buf, size_t size)
{
	const char *s = html_tree_attr(t, i, name);
	size_t k = 0;

	for (; s != NULL && *s != '\0' && k + 1 < size; s++)
		buf[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	buf[k] = '\0';
}

void
xclass_id(const struct html_tree *t, uint32_t i, char *buf, size_t size)
{
	size_t k;

	lower_attr(t, i, "class", buf, size - 1);
	k = strlen(buf);
	buf[k++] = ' ';
	lower_attr(t, i, "id", buf + k, size - k);
}

/* A hint's weight: -25 for a negative word, +25 for a positive one. */
static int
hint_weight(const char *s)
{
	return (xhint(s, negative) ? -25 : 0) + (xhint(s, positive) ? 25 : 0);
}

int
xclass_weight(const struct xdoc *d, uint32_t i)
{
	char v[256];
	int w;

	if (!(d->flags & X_WEIGHT_CLASSES))
		return 0;
	/* class and id are weighed apart, as Readability weighs them. */
	lower_attr(&d->t, i, "class", v, sizeof(v));
	w = hint_weight(v);
	lower_attr(&d->t, i, "id", v, sizeof(v));
	return w + hint_weight(v);
}

static float
initial_score(const struct xdoc *d, uint32_t i)
{
	float s = 0;

	switch (d->t.nodes[i].tag) {
	case HT_DIV: case HT_ARTICLE: case HT_SECTION: case HT_MAIN:
		s = 5;
		break;
	case HT_PRE: case HT_TD: case HT_BLOCKQUOTE:
		s = 3;
		break;
	case HT_ADDRESS: case HT_OL: case HT_UL: case HT_DL: case HT_DD:
	case HT_DT: case HT_LI: case HT_FORM:
		s = -3;
		break;
	case HT_H1: case HT_H2: case HT_H3: case HT_H4: case HT_H5:
	case HT_H6: case HT_TH:
		s = -5;
		break;
	}
	return s + (float)xclass_weight(d, i);
}

/* Whether a child of i is a block that keeps i from being a paragraph. */
static int
has_block_child(const struct html_tree *t, uint32_t i)
{
	uint32_t c;

	for (c = t->nodes[i].first; c != 0; c = t->nodes[c].next)
		if (!(t->nodes[c].mark & MARK_DROP) &&
		    (html_tag_is_block(t->nodes[c].tag) || t->nodes[c].tag == HT_IMG))
			return 1;
	return 0;
}

/*
 * Whether i scores as a paragraph: <p>, <pre>, <td>, a heading below the
 * title's, or a division of the page with no block inside.
 */
static int
paragraph(const struct html_tree *t, uint32_t i)
{
	switch (t->nodes[i].tag) {
	case HT_P: case HT_PRE: case HT_TD: case HT_H2: case HT_H3:
	case HT_H4: case HT_H5: case HT_H6:
		return 1;
	case HT_DIV: case HT_SECTION: case HT_ARTICLE: case HT_MAIN:
		return !has_block_child(t, i);
	}
	return 0;
}

static void
give_points(struct xdoc *d, uint32_t parent, float points)
{
	struct html_tree *t = &d->t;
	uint32_t a = parent;
	int level;

	for (level = 0; level < ANCESTOR_LEVELS && a != 0; level++) {
		if (!(t->nodes[a].mark & MARK_SCORED)) {
			t->nodes[a].mark |= MARK_SCORED;
			d->score[a] = initial_score(d, a);
		}
		d->score[a] += level == 0 ? points : level == 1 ? points / 2 :
		    points / (float)(level * 3);
		if (t->nodes[a].tag == HT_BODY)
			break;
		a = t->nodes[a].parent;
	}
}

static float
para_points(const struct xstat *st)
{
	uint32_t hundreds = st->chars / 100;

	return 1 + (float)st->commas + (float)(hundreds > 3 ? 3 : hundreds);
}

/*
 * Points for paragraphs: <p>, <pre>, <td>, a block with no block inside,
 * and the runs of text and inline elements between a block's blocks.
 */
static void
score_paragraphs(struct xdoc *d)
{
	struct html_tree *t = &d->t;
	struct xstat run;
	uint32_t i, c;

	for (i = xnext(d, d->body, d->body, 1); i != 0; ) {
		struct html_node *n = &t->nodes[i];

		if (paragraph(t, i)) {
			if (d->st[i].chars >= PARA_MIN_CHARS)
				give_points(d, n->parent,
				    para_points(&d->st[i]));
			i = xnext(d, i, d->body, 0);
			continue;
		}
		if (n->tag == HT_DIV || n->tag == HT_SECTION ||
		    n->tag == HT_ARTICLE || n->tag == HT_MAIN) {
			/* Runs of inline content between the blocks of i. */
			memset(&run, 0, sizeof(run));
			for (c = n->first; ; c = t->nodes[c].next) {
				if (c == 0 || html_tag_is_block(t->nodes[c].tag)) {
					if (run.chars >= PARA_MIN_CHARS)
						give_points(d, i,
						    para_points(&run));
					memset(&run, 0, sizeof(run));
					if (c == 0)
						break;
					continue;
				}
				if (!(t->nodes[c].mark & MARK_DROP))
					stat_add(&run, &d->st[c], 1);
			}
		}
		i = xnext(d, i, d->body, 1);
	}
}

/* The scored container with the best score, links discounted. */
static uint32_t
best_candidate(struct xdoc *d, uint32_t *top, size_t *ntop)
{
	struct html_tree *t = &d->t;
	uint32_t i;
	size_t k, n = 0;

	for (i = 1; i < t->n; i++) {
		if (!(t->nodes[i].mark & MARK_SCORED))
			continue;
		d->score[i] *= 1 - xlink_density(d, i);
		for (k = n; k > 0 && d->score[top[k - 1]] < d->score[i]; k--)
			if (k < TOP_N)
				top[k] = top[k - 1];
		if (k < TOP_N) {
			top[k] = i;
			if (n < TOP_N)
				n++;
		}
	}
	*ntop = n;
	return n > 0 ? top[0] : 0;
}

/*
 * When several of the best candidates share an ancestor, the article is
 * that ancestor (its parts are split into several containers).
 */
static uint32_t
shared_ancestor(struct xdoc *d, uint32_t best, const uint32_t *top,
    size_t ntop)
{
	struct html_tree *t = &d->t;
	uint32_t a;
	size_t k, close = 0, within;

	for (k = 1; k < ntop; k++)
		if (d->score[top[k]] >= 0.75f * d->score[best])
			close++;
	if (close < 2)
		return best;
	for (a = t->nodes[best].parent; a != 0 && a != d->body;
	    a = t->nodes[a].parent) {
		within = 0;
		for (k = 1; k < ntop; k++)
			if (d->score[top[k]] >= 0.75f * d->score[best] &&
			    html_tree_within(t, top[k], a))
				within++;
		if (within >= 2)
			return a;
	}
	return best;
}

/* A parent that scores better than the trail of its descendants wins. */
static uint32_t
climb(struct xdoc *d, uint32_t best)
{
	struct html_tree *t = &d->t;
	float last = d->score[best], threshold = last / 3;
	uint32_t p;

	for (p = t->nodes[best].parent; p != 0 && p != d->body;
	    p = t->nodes[p].parent) {
		if (!(t->nodes[p].mark & MARK_SCORED))
			continue;
		if (d->score[p] < threshold)
			break;
		if (d->score[p] > last) {
			best = p;
			break;
		}
		last = d->score[p];
	}
	/* An only child stands for its parent. */
	while (best != d->body && t->nodes[best].parent != 0 &&
	    t->nodes[best].parent != d->body) {
		uint32_t parent = t->nodes[best].parent, c, elems = 0;

		for (c = t->nodes[parent].first; c != 0; c = t->nodes[c].next)
			if (t->nodes[c].tag != HT_TEXT &&
			    !(t->nodes[c].mark & MARK_DROP))
				elems++;
		if (elems != 1)
			break;
		best = parent;
	}
	return best;
}

static int
same_class(const struct html_tree *t, uint32_t a, uint32_t b)
{
	const char *ca = html_tree_attr(t, a, "class");
	const char *cb = html_tree_attr(t, b, "class");

	return ca != NULL && cb != NULL && *ca != '\0' && strcmp(ca, cb) == 0;
}

/* Whether a sibling with no score reads as a paragraph of the article. */
static int
reads_as_paragraph(const struct xdoc *d, uint32_t i)
{
	const struct html_tree *t = &d->t;
	uint32_t chars = d->st[i].chars;
	float links = xlink_density(d, i);
	char *s;
	size_t n;
	int ok;

	if (t->nodes[i].tag != HT_P && t->nodes[i].tag != HT_TEXT &&
	    (!html_tag_is_block(t->nodes[i].tag) || has_block_child(t, i)))
		return 0;
	if (chars > 80)
		return links < 0.25f;
	if (chars == 0 || links > 0)
		return 0;
	s = xnode_text(t, i);
	n = strlen(s);
	ok = strstr(s, ". ") != NULL || (n > 0 && s[n - 1] == '.');
	free(s);
	return ok;
}

/* The best candidate and the siblings that belong with it: MARK_KEEP. */
static void
keep_siblings(struct xdoc *d, uint32_t best)
{
	struct html_tree *t = &d->t;
	float threshold, bonus;
	uint32_t parent = t->nodes[best].parent, c;

	if (best == d->body || parent == 0) {
		t->nodes[best].mark |= MARK_KEEP;
		return;
	}
	threshold = d->score[best] * 0.2f;
	if (threshold < 10)
		threshold = 10;
	for (c = t->nodes[parent].first; c != 0; c = t->nodes[c].next) {
		struct html_node *n = &t->nodes[c];

		if (n->mark & MARK_DROP)
			continue;
		bonus = same_class(t, c, best) ? d->score[best] * 0.2f : 0;
		if (c == best ||
		    ((n->mark & MARK_SCORED) &&
		    d->score[c] + bonus >= threshold) ||
		    reads_as_paragraph(d, c))
			n->mark |= MARK_KEEP;
	}
}

int
xscore_article(struct xdoc *d)
{
	uint32_t top[TOP_N], best;
	size_t ntop;

	score_paragraphs(d);
	best = best_candidate(d, top, &ntop);
	if (best == 0) {
		if (d->st[d->body].chars == 0)
			return -1;
		best = d->body;
	} else {
		best = shared_ancestor(d, best, top, ntop);
		best = climb(d, best);
	}
	keep_siblings(d, best);
	return 0;
}
