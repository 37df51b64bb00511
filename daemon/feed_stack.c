/*
 * feedparser's element stack: every open element collects its text, and
 * pop() turns the text into a value (Atom's xhtml wrapper <div> dropped,
 * base64 decoded, relative URIs resolved, HTML cleaned) before
 * feed_model.c stores it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

void
feed__push(struct feed__parser *p, const char *name, int expecting_text)
{
	struct feed__elem *e;

	if (p->nes == p->capes) {
		p->capes = p->capes ? p->capes * 2 : 16;
		p->es = xreallocarray(p->es, p->capes, sizeof(*p->es));
	}
	e = &p->es[p->nes++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->expecting_text = expecting_text;
	buf_init(&e->text);
	buf_addstr(&e->text, "");
}

void
feed__elem_free(struct feed__elem *e)
{
	free(e->name);
	buf_free(&e->text);
	free(e->pieces);
}

/* handle_data: text goes to the innermost open element. */
void
feed__data(struct feed__parser *p, const char *s, size_t n, int escape)
{
	struct feed__elem *e;

	if (p->nes == 0 || n == 0)
		return;
	e = &p->es[p->nes - 1];
	if (e->text.len + n > FEED_MAX_TEXT) {
		e->truncated = 1;
		return;
	}
	if (e->npieces == e->cappieces) {
		e->cappieces = e->cappieces ? e->cappieces * 2 : 8;
		e->pieces = xreallocarray(e->pieces, e->cappieces,
		    sizeof(*e->pieces));
	}
	e->pieces[e->npieces++] = e->text.len;
	if (escape && p->cp.active && p->cp.type != NULL &&
	    strcmp(p->cp.type, FEED_XHTML_TYPE) == 0)
		text_escape(&e->text, s, n, 0);
	else
		buf_add(&e->text, s, n);
}

static int
piece_is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Joins the pieces, dropping an Atom xhtml wrapper <div> as feedparser. */
static char *
join_pieces(struct feed__parser *p, struct feed__elem *e)
{
	size_t first = 0, last, i, a, b, plen;
	const char *s = e->text.data;
	int depth = 0, broke = 0;

	if (e->npieces == 0)
		return xstrdup("");
	last = e->npieces;	/* one past the last piece */
	if (p->version != NULL && strcmp(p->version, "atom10") == 0 &&
	    p->cp.active && p->cp.type != NULL &&
	    strcmp(p->cp.type, FEED_XHTML_TYPE) == 0) {
#define PSTART(k)	(e->pieces[(k)])
#define PEND(k)		((k) + 1 < e->npieces ? e->pieces[(k) + 1] : e->text.len)
		while (last - first > 1 &&
		    piece_is_blank(s + PSTART(last - 1),
		    PEND(last - 1) - PSTART(last - 1)))
			last--;
		while (last - first > 1 &&
		    piece_is_blank(s + PSTART(first),
		    PEND(first) - PSTART(first)))
			first++;
		a = PSTART(first);
		plen = PEND(first) - a;
		b = PSTART(last - 1);
		if (((plen == 5 && strncmp(s + a, "<div>", 5) == 0) ||
		    (plen > 5 && strncmp(s + a, "<div ", 5) == 0)) &&
		    PEND(last - 1) - b == 6 &&
		    strncmp(s + b, "</div>", 6) == 0) {
			for (i = first; i < last - 1; i++) {
				const char *q = s + PSTART(i);
				size_t ql = PEND(i) - PSTART(i);

				if (ql >= 2 && q[0] == '<' && q[1] == '/') {
					depth--;
					if (depth == 0) {
						broke = 1;
						break;
					}
				} else if (ql >= 1 && q[0] == '<' &&
				    !(ql >= 2 && q[ql - 2] == '/' &&
				    q[ql - 1] == '>'))
					depth++;
			}
			if (!broke) {
				first++;
				last--;
			}
		}
		return xstrndup(s + PSTART(first),
		    (first < last ? PEND(last - 1) : PSTART(first)) -
		    PSTART(first));
#undef PSTART
#undef PEND
	}
	return buf_release(&e->text);
}

static char *
base64_decode(const char *s)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b;
	unsigned int acc = 0;
	int bits = 0, pad = 0;
	const char *c;

	buf_init(&b);
	buf_addstr(&b, "");
	for (; *s != '\0'; s++) {
		if (*s == '=') {
			pad++;
			continue;
		}
		if (isspace((unsigned char)*s))
			continue;
		if (pad || (c = strchr(tab, *s)) == NULL || *s == '\0') {
			buf_free(&b);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)(c - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((acc >> bits) & 0xff));
		}
	}
	if (bits >= 6) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b);
}

/* A URI of the document, resolved against the base in scope. */
char *
feed__resolve(struct feed__parser *p, const char *uri)
{
	return url_join(p->baseuri != NULL ? p->baseuri : "", uri);
}

/* Elements whose values are URIs, and those that may hold markup. */
static const char *const relative_uri_elems[] = {
	"comments", "docs", "href", "icon", "id", "link", "logo", "url",
	"wfw_comment", "wfw_commentrss",
};

static const char *const markup_elems[] = {
	"content", "copyright", "description", "info", "rights", "subtitle",
	"summary", "tagline", "title",
};

/* Whether the element is one of the n names of list. */
static int
element_in(const char *element, const char *const *list, size_t n)
{
	return names_in(element, strlen(element), list, n, 0);
}

/* Puts t (allocated) in place of *s. */
static void
replace(char **s, char *t)
{
	free(*s);
	*s = t;
}

/* feedparser's pop(): the element's text, processed and stored. */
char *
feed__pop(struct feed__parser *p, const char *element)
{
	struct feed__elem e;
	char *out, *t;
	int expecting;

	if (p->nes == 0 || strcmp(p->es[p->nes - 1].name, element) != 0)
		return NULL;
	e = p->es[--p->nes];
	out = feed__strip(join_pieces(p, &e));
	expecting = e.expecting_text;
	feed__elem_free(&e);
	if (!expecting)
		return out;

	if (p->cp.active && p->cp.base64) {
		/* Text only: bytes that are not UTF-8 stay encoded. */
		if ((t = base64_decode(out)) != NULL &&
		    utf8_valid(t, strlen(t)))
			replace(&out, t);
		else
			free(t);
	}
	if (*out != '\0' && element_in(element, relative_uri_elems,
	    NELEM(relative_uri_elems)) &&
	    (strcmp(element, "id") != 0 || p->guidislink))
		replace(&out, feed__resolve(p, out));
	if ((p->version == NULL || strncmp(p->version, "atom", 4) != 0) &&
	    p->cp.active && p->cp.type != NULL &&
	    strcmp(p->cp.type, "text/plain") == 0 &&
	    sanitize_looks_like_html(out))
		feed__set_str(&p->cp.type, "text/html");
	p->cp.base64 = 0;
	if (text_is_html_type(p->cp.active && p->cp.type ? p->cp.type :
	    "text/html") && element_in(element, markup_elems,
	    NELEM(markup_elems)))
		replace(&out, sanitize_html(out, p->baseuri));
	out = feed__fix_text(p, out);
	feed__store(p, element, out);
	return out;
}

/* Whether an element outside the known ones collects text here. */
int
feed__expecting(struct feed__parser *p)
{
	return p->infeed || p->inentry || p->insource;
}
