/*
 * HTML to plain text in one pass over the markup, without a document tree.
 * What it reads is the parser's own serialisation (sanitized HTML, or
 * text escaped with <br>), whose tags are regular: a tree would cost a
 * second HTML parse per message and show nothing more.  Markup that is
 * not regular still gives its text, with line breaks only where its own
 * tags put them (an HTML parser would also close elements for it).
 * Character references are decoded by text_unescape.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_text.h"
#include "text.h"
#include "xmalloc.h"

/* What an element does to the text. */
#define TAG_SKIP	0x01	/* dropped with its content */
#define TAG_BR		0x02	/* a line break */
#define TAG_BLOCK	0x04	/* starts and ends a line of text */
#define TAG_LINE	0x08	/* a block opened by one break, not two */
#define TAG_ITEM	0x10	/* a list item: "- ", closed by one break */
#define TAG_ROW		0x20	/* a table row: closed by one break */
#define TAG_PRE		0x40	/* white space kept */
#define TAG_A		0x80	/* a link: its target may be shown */
#define TAG_VOID	0x100	/* never has content or an end tag */
#define TAG_CELL	0x200	/* a table cell: apart from the last by a space */

#define BLANKS		" \t\n\r\f"

struct tag {
	const char	*name;
	int		 flags;
};

/* An open <a>: its target, and how many blocks were open around it. */
struct link {
	char		*href;		/* NULL: nothing to show */
	int		 depth;
};

struct text {
	struct buf	 b;
	struct buf	 run;		/* a text run, references decoded */
	int		 space;		/* a space is due before the next text */
	int		 breaks;	/* line breaks due (0-2) */
	int		 pre;		/* inside <pre>: white space kept */
	int		 depth;		/* blocks open */
	struct link	*links;
	size_t		 nlinks;
	size_t		 caplinks;
	void		(*cited)(const char *, void *);	/* NULL: show them */
	void		*cited_arg;
};

static int
tag_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tag *)elem)->name);
}

/*
 * The flags of the element named by the n bytes at name (ASCII case
 * folded), from one lookup in a sorted table.
 */
static int
tag_flags(const char *name, size_t n)
{
	static const struct tag tags[] = {
		{ "a", TAG_A },
		{ "address", TAG_BLOCK },
		{ "article", TAG_BLOCK },
		{ "aside", TAG_BLOCK },
		{ "blockquote", TAG_BLOCK },
		{ "br", TAG_BR },
		{ "dd", TAG_BLOCK | TAG_LINE },
		{ "div", TAG_BLOCK },
		{ "dl", TAG_BLOCK },
		{ "dt", TAG_BLOCK | TAG_LINE },
		{ "figcaption", TAG_BLOCK },
		{ "figure", TAG_BLOCK },
		{ "footer", TAG_BLOCK },
		{ "form", TAG_BLOCK },
		{ "h1", TAG_BLOCK },
		{ "h2", TAG_BLOCK },
		{ "h3", TAG_BLOCK },
		{ "h4", TAG_BLOCK },
		{ "h5", TAG_BLOCK },
		{ "h6", TAG_BLOCK },
		{ "head", TAG_SKIP },
		{ "header", TAG_BLOCK },
		{ "hr", TAG_BLOCK | TAG_VOID },
		{ "li", TAG_BLOCK | TAG_LINE | TAG_ITEM },
		{ "main", TAG_BLOCK },
		{ "nav", TAG_BLOCK },
		{ "ol", TAG_BLOCK },
		{ "p", TAG_BLOCK },
		{ "pre", TAG_BLOCK | TAG_PRE },
		{ "script", TAG_SKIP },
		{ "section", TAG_BLOCK },
		{ "style", TAG_SKIP },
		{ "table", TAG_BLOCK },
		{ "td", TAG_CELL },
		{ "th", TAG_CELL },
		{ "title", TAG_SKIP },
		{ "tr", TAG_BLOCK | TAG_LINE | TAG_ROW },
		{ "ul", TAG_BLOCK },
	};
	const struct tag *tag;
	char low[12];
	size_t i;

	if (n >= sizeof(low))
		return 0;	/* longer than any name above */
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	tag = bsearch(low, tags, sizeof(tags) / sizeof(tags[0]),
	    sizeof(tags[0]), tag_cmp);
	return tag != NULL ? tag->flags : 0;
}

/* Asks for n line breaks (2 is a blank line) before the next text. */
static void
text_break(struct text *t, int n)
{
	if (t->breaks < n)
		t->breaks = n;
}

/* HTML white space, which a browser collapses outside <pre>. */
static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Adds n bytes of text, collapsing white space outside <pre>. */
static void
text_add(struct text *t, const char *s, size_t n)
{
	const char *end = s + n;
	size_t run;

	while (s < end) {
		if (!t->pre && blank(*s)) {
			while (++s < end && blank(*s))
				;
			t->space = 1;
			continue;
		}
		if (*s == '\n') {
			buf_addc(&t->b, '\n');
			t->space = t->breaks = 0;
			s++;
			continue;
		}
		/* A word (a line in <pre>): what is due goes before it. */
		for (run = 1; s + run < end && (t->pre ? s[run] != '\n' :
		    !blank(s[run])); run++)
			;
		if (t->b.len > 0 && t->breaks > 0)
			buf_add(&t->b, "\n\n", t->breaks > 1 ? 2 : 1);
		else if (t->b.len > 0 && t->space && t->b.data[t->b.len - 1] !=
		    '\n')
			buf_addc(&t->b, ' ');
		t->space = t->breaks = 0;
		buf_add(&t->b, s, run);
		s += run;
	}
}

/* Text between tags: most has no reference and goes in as it is. */
static void
text_run(struct text *t, const char *s, size_t n)
{
	if (memchr(s, '&', n) == NULL) {
		text_add(t, s, n);
		return;
	}
	buf_reset(&t->run);
	text_unescape(&t->run, s, n);
	text_add(t, t->run.data, t->run.len);
}

/* Shows the target of a link whose text is not that URL already. */
static void
link_close(struct text *t)
{
	struct link *l = &t->links[--t->nlinks];
	size_t n;

	if (l->href != NULL && t->cited != NULL)
		t->cited(l->href, t->cited_arg);
	else if (l->href != NULL && strncasecmp(l->href, "http", 4) == 0) {
		n = strlen(l->href);
		if (t->b.len < n || memcmp(t->b.data + t->b.len - n, l->href,
		    n) != 0) {
			text_add(t, " <", 2);
			t->space = 0;
			text_add(t, l->href, n);
			text_add(t, ">", 1);
		}
	}
	free(l->href);
}

static void
link_open(struct text *t, char *href)
{
	if (t->nlinks == t->caplinks) {
		t->caplinks = t->caplinks == 0 ? 4 : t->caplinks * 2;
		t->links = xreallocarray(t->links, t->caplinks,
		    sizeof(*t->links));
	}
	t->links[t->nlinks].href = href;
	t->links[t->nlinks].depth = t->depth;
	t->nlinks++;
}

/* The length of the element name at s. */
static size_t
name_len(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' ||
	    s[n] == ':')
		n++;
	return n;
}

/*
 * The attributes after a start tag's name, up to and past its '>': the
 * href of a link is kept (decoded) in *href when href is not NULL.
 */
static const char *
attributes(const char *p, char **href)
{
	const char *name, *v, *e;
	size_t n, vn;
	struct buf b;

	for (;;) {
		p += strspn(p, BLANKS "/");
		if (*p == '>')
			return p + 1;
		if (*p == '\0')
			return p;
		name = p;
		n = strcspn(p, BLANKS "/>=");
		p += n;
		p += strspn(p, BLANKS);
		v = NULL;
		vn = 0;
		if (*p == '=') {
			p++;
			p += strspn(p, BLANKS);
			if (*p == '"' || *p == '\'') {
				v = p + 1;
				if ((e = strchr(v, *p)) == NULL)
					e = v + strlen(v);
				vn = (size_t)(e - v);
				p = *e != '\0' ? e + 1 : e;
			} else {
				v = p;
				vn = strcspn(p, BLANKS ">");
				p += vn;
			}
		} else if (n == 0)
			p++;	/* a stray character */
		if (href != NULL && *href == NULL && v != NULL && n == 4 &&
		    strncasecmp(name, "href", 4) == 0) {
			buf_init(&b);
			text_unescape(&b, v, vn);
			*href = buf_release(&b);
		}
	}
}

/* Past the end tag that closes a skipped element, or to the end. */
static const char *
skip_to_end(const char *p, const char *name, size_t n)
{
	const char *q;

	for (q = p; (q = strstr(q, "</")) != NULL; q += 2)
		if (strncasecmp(q + 2, name, n) == 0 && name_len(q + 2) == n)
			return attributes(q + 2 + n, NULL);
	return p + strlen(p);
}

/* A start tag (p at its name); returns what follows it. */
static const char *
start_tag(struct text *t, const char *p)
{
	size_t n = name_len(p);
	int tag = tag_flags(p, n);
	char *href = NULL;
	const char *name = p;

	p = attributes(p + n, tag & TAG_A ? &href : NULL);
	if (tag & TAG_SKIP)
		return skip_to_end(p, name, n);
	if (tag & TAG_BR) {
		buf_addc(&t->b, '\n');
		t->space = t->breaks = 0;
		return p;
	}
	if (tag & TAG_BLOCK) {
		text_break(t, tag & TAG_LINE ? 1 : 2);
		if (!(tag & TAG_VOID))
			t->depth++;
	}
	if (tag & TAG_CELL)
		t->space = 1;
	if (tag & TAG_ITEM)
		text_add(t, "- ", 2);
	if (tag & TAG_PRE)
		t->pre++;
	if (tag & TAG_A)
		link_open(t, href);
	return p;
}

/* An end tag (p at its name); returns what follows it. */
static const char *
end_tag(struct text *t, const char *p)
{
	size_t n = name_len(p);
	int tag = tag_flags(p, n);

	p = attributes(p + n, NULL);
	if ((tag & TAG_A) && t->nlinks > 0)
		link_close(t);
	if ((tag & TAG_PRE) && t->pre > 0)
		t->pre--;
	if ((tag & TAG_BLOCK) && !(tag & TAG_VOID)) {
		/* The links left open inside the block end with it. */
		while (t->nlinks > 0 && t->links[t->nlinks - 1].depth >=
		    t->depth && t->depth > 0)
			link_close(t);
		if (t->depth > 0)
			t->depth--;
		text_break(t, tag & (TAG_ITEM | TAG_ROW) ? 1 : 2);
	}
	return p;
}

char *
html_text(const char *html)
{
	return html_text_cited(html, NULL, NULL);
}

char *
html_text_cited(const char *html, void (*cited)(const char *, void *),
    void *arg)
{
	struct text t;
	const char *p = html, *lt, *gt;

	memset(&t, 0, sizeof(t));
	t.cited = cited;
	t.cited_arg = arg;
	buf_init(&t.b);
	buf_init(&t.run);
	while (*p != '\0') {
		lt = strchrnul(p, '<');
		text_run(&t, p, (size_t)(lt - p));
		p = lt;
		if (*p == '\0')
			break;
		if (isalpha((unsigned char)p[1]))
			p = start_tag(&t, p + 1);
		else if (p[1] == '/' && isalpha((unsigned char)p[2]))
			p = end_tag(&t, p + 2);
		else if (strncmp(p, "<!--", 4) == 0)
			p = (gt = strstr(p + 4, "-->")) != NULL ? gt + 3 :
			    p + strlen(p);
		else if (p[1] == '!' || p[1] == '?' || p[1] == '/')
			p = (gt = strchr(p, '>')) != NULL ? gt + 1 :
			    p + strlen(p);
		else {
			text_add(&t, "<", 1);
			p++;
		}
	}
	while (t.nlinks > 0)
		link_close(&t);
	free(t.links);
	buf_free(&t.run);
	return buf_release(&t.b);
}
