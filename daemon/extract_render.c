/*
 * The article's parts (MARK_KEEP, dropped nodes left out) written as
 * HTML of a few plain elements, which sanitize.c then makes safe, and
 * the text of one node, a blank line between blocks, for the passes
 * that read it.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_priv.h"
#include "text.h"
#include "xmalloc.h"

struct out {
	struct buf	 b;
	int		 space;		/* a space is owed before more text */
	int		 breaks;	/* line breaks owed, 0 to 2 */
};

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

static void
owe_break(struct out *o, int n)
{
	if (o->b.len > 0 && o->breaks < n)
		o->breaks = n;
}

/* Text with its white space collapsed, after what breaks are owed. */
static void
put_text(struct out *o, const char *s, size_t len, int html)
{
	size_t i, run;

	for (i = 0; i < len; ) {
		if (is_space(s[i])) {
			o->space = 1;
			i++;
			continue;
		}
		for (run = i; i < len && !is_space(s[i]); i++)
			;
		if (o->breaks > 0) {
			if (!html)
				buf_add(&o->b, "\n\n", (size_t)o->breaks);
			o->breaks = 0;
		} else if (o->space && o->b.len > 0)
			buf_addc(&o->b, ' ');
		o->space = 0;
		if (html)
			text_escape(&o->b, s + run, i - run, 0);
		else
			buf_add(&o->b, s + run, i - run);
	}
}

static int
one_line_break(uint8_t tag)
{
	return tag == HT_LI || tag == HT_TR || tag == HT_DT || tag == HT_DD;
}

static void
text_of(const struct html_tree *t, uint32_t i, struct out *o)
{
	const struct html_node *n = &t->nodes[i];
	uint32_t c;
	int brk;

	if (n->mark & MARK_DROP)
		return;
	if (n->tag == HT_TEXT) {
		put_text(o, html_tree_str(t, i), n->len, 0);
		return;
	}
	if (n->tag == HT_BR) {
		owe_break(o, 1);
		return;
	}
	brk = html_tag_is_block(n->tag) ? one_line_break(n->tag) ? 1 : 2 : 0;
	owe_break(o, brk);
	for (c = n->first; c != 0; c = t->nodes[c].next)
		text_of(t, c, o);
	owe_break(o, brk);
}

char *
xnode_text(const struct html_tree *t, uint32_t i)
{
	struct out o;

	memset(&o, 0, sizeof(o));
	buf_init(&o.b);
	buf_addstr(&o.b, "");
	text_of(t, i, &o);
	return buf_release(&o.b);
}

/* Elements written as they are; the rest give their content only. */
static int
html_kept(uint8_t tag)
{
	switch (tag) {
	case HT_A: case HT_B: case HT_BLOCKQUOTE: case HT_BR:
	case HT_CAPTION: case HT_CODE: case HT_DD: case HT_DL: case HT_DT:
	case HT_EM: case HT_FIGURE: case HT_H1: case HT_H2:
	case HT_H3: case HT_H4: case HT_H5: case HT_H6: case HT_HR: case HT_I:
	case HT_IMG: case HT_LI: case HT_OL: case HT_P: case HT_PRE:
	case HT_S: case HT_STRONG: case HT_SUB: case HT_SUP: case HT_TABLE:
	case HT_TBODY: case HT_TD: case HT_TFOOT: case HT_TH: case HT_THEAD:
	case HT_TR: case HT_U: case HT_UL:
		return 1;
	}
	return 0;
}

static void
put_attr(struct out *o, const struct html_tree *t, uint32_t i,
    const char *name)
{
	const char *v = html_tree_attr(t, i, name);

	if (v == NULL)
		return;
	buf_printf(&o->b, " %s=\"", name);
	text_escape(&o->b, v, strlen(v), TEXT_ESC_QUOTE);
	buf_addc(&o->b, '"');
}

static void
html_of(const struct xdoc *d, uint32_t i, struct out *o)
{
	const struct html_tree *t = &d->t;
	const struct html_node *n = &t->nodes[i];
	const char *name;
	uint32_t c;
	int kept;

	if (n->mark & MARK_DROP)
		return;
	/* An element left empty by what was dropped is left out. */
	if (n->tag != HT_TEXT && n->tag != HT_BR && n->tag != HT_HR &&
	    n->tag != HT_IMG && d->st[i].chars == 0 && d->st[i].imgs == 0)
		return;
	if (n->tag == HT_TEXT) {
		put_text(o, html_tree_str(t, i), n->len, 1);
		return;
	}
	kept = html_kept(n->tag);
	/* A block that is not kept still parts paragraphs. */
	if (!kept && html_tag_is_block(n->tag))
		kept = n->tag != HT_TEXT;
	name = kept && html_kept(n->tag) ? html_tree_str(t, i) : "div";
	if (kept) {
		if (o->space && !html_tag_is_block(n->tag))
			buf_addc(&o->b, ' ');
		o->space = 0;
		buf_printf(&o->b, "<%s", name);
		if (n->tag == HT_A)
			put_attr(o, t, i, "href");
		if (n->tag == HT_IMG) {
			put_attr(o, t, i, "src");
			put_attr(o, t, i, "alt");
		}
		buf_addc(&o->b, '>');
		if (n->tag == HT_BR || n->tag == HT_HR || n->tag == HT_IMG)
			return;
	}
	for (c = n->first; c != 0; c = t->nodes[c].next)
		html_of(d, c, o);
	if (kept)
		buf_printf(&o->b, "</%s>", name);
	if (html_tag_is_block(n->tag))
		o->space = 0;
}

char *
xrender_html(const struct xdoc *d)
{
	struct out o;
	uint32_t i;

	memset(&o, 0, sizeof(o));
	buf_init(&o.b);
	buf_addstr(&o.b, "");
	for (i = 0; i < d->t.n; i++)
		if ((d->t.nodes[i].mark & (MARK_KEEP | MARK_DROP)) ==
		    MARK_KEEP)
			html_of(d, i, &o);
	return buf_release(&o.b);
}
