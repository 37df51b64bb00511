/*
 * The HTML sanitizer: the clean-up every HTML value of a feed goes through
 * (feedparser's _HTMLSanitizer, with its relative-URI resolution in the
 * same pass), written back in feedparser's serialisation so values compare
 * equal to its output; and feedparser's guess whether plain RSS text is
 * really HTML.  One pass over the markup, no tree.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/*
 * feedparser's allow-list without the form controls (form, input, button,
 * select, option, optgroup, textarea, keygen): they run no script, but a
 * form in a feed entry can post what a reader types to another site, and
 * no feed needs one.  Their text stays, as for any element not listed.
 * This list and the other name lists below are sorted: they are searched
 * by names_in_sorted.
 */
static const char *const acceptable_elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside",
	"audio", "b", "big", "blockquote", "br", "canvas",
	"caption", "center", "cite", "code", "col", "colgroup", "command",
	"datagrid", "datalist", "dd", "del", "details", "dfn", "dialog",
	"dir", "div", "dl", "dt", "em", "event-source", "fieldset",
	"figcaption", "figure", "font", "footer", "h1", "h2", "h3",
	"h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd",
	"label", "legend", "li", "m", "map", "menu", "meter",
	"multicol", "nav", "nextid", "noscript", "ol",
	"output", "p", "pre", "progress", "q", "s", "samp", "section",
	"small", "sound", "source", "spacer", "span", "strike",
	"strong", "sub", "sup", "table", "tbody", "td", "tfoot",
	"th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
};

int
sanitize_element_ok(const char *name, size_t len)
{
	return names_in_sorted(name, len, acceptable_elements,
	    NELEM(acceptable_elements), 1);
}

static int
wordch(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

int
sanitize_looks_like_html(const char *s)
{
	const char *p, *q;
	int close = 0, ent = 0;

	/* A close tag or an entity reference is required. */
	for (p = s; (p = strstr(p, "</")) != NULL; p++) {
		for (q = p + 2; wordch((unsigned char)*q); q++)
			;
		if (q > p + 2 && *q == '>') {
			close = 1;
			break;
		}
	}
	for (p = s; !close && (p = strchr(p, '&')) != NULL; p++) {
		q = p + 1;
		if (*q == '#')
			q++;
		for (; wordch((unsigned char)*q); q++)
			;
		if (q > p + 1 && *q == ';' && !(q == p + 2 && p[1] == '#')) {
			ent = 1;
			break;
		}
	}
	if (!close && !ent)
		return 0;
	/* Every tag must be an acceptable HTML element. */
	for (p = s; (p = strchr(p, '<')) != NULL; p++) {
		q = p + 1;
		if (*q == '/')
			q++;
		const char *st = q;

		for (; wordch((unsigned char)*q); q++)
			;
		if (q > st && !sanitize_element_ok(st, (size_t)(q - st)))
			return 0;
	}
	/* Every named entity must be an HTML one. */
	for (p = s; (p = strchr(p, '&')) != NULL; p++) {
		for (q = p + 1; wordch((unsigned char)*q); q++)
			;
		if (q > p + 1 && *q == ';' &&
		    text_entity(p + 1, (size_t)(q - p - 1)) == 0)
			return 0;
	}
	return 1;
}

static const char *const acceptable_attributes[] = {
	"abbr", "accept", "accept-charset", "accesskey", "action", "align",
	"alt", "autocomplete", "autofocus", "axis", "background", "balance",
	"bgcolor", "bgproperties", "border", "bordercolor",
	"bordercolordark", "bordercolorlight", "bottompadding",
	"cellpadding", "cellspacing", "ch", "challenge", "char", "charoff",
	"charset", "checked", "choff", "cite", "class", "clear", "color",
	"cols", "colspan", "compact", "contenteditable", "controls",
	"coords", "data", "datafld", "datapagesize", "datasrc", "datetime",
	"default", "delay", "dir", "disabled", "draggable", "dynsrc",
	"enctype", "end", "face", "for", "form", "frame", "galleryimg",
	"gutter", "headers", "height", "hidden", "hidefocus", "high",
	"href", "hreflang", "hspace", "icon", "id", "inputmode", "ismap",
	"keytype", "label", "lang", "leftspacing", "list", "longdesc",
	"loop", "loopcount", "loopend", "loopstart", "low", "lowsrc", "max",
	"maxlength", "media", "method", "min", "multiple", "name", "nohref",
	"noshade", "nowrap", "open", "optimum", "pattern", "ping",
	"point-size", "poster", "pqg", "preload", "prompt", "radiogroup",
	"readonly", "rel", "repeat-max", "repeat-min", "replace",
	"required", "rev", "rightspacing", "rows", "rowspan", "rules",
	"scope", "selected", "shape", "size", "span", "src", "start", "step",
	"summary", "suppress", "tabindex", "target", "template", "title",
	"toppadding", "type", "unselectable", "urn", "usemap", "valign",
	"value", "variable", "volume", "vrml", "vspace", "width", "wrap",
	"xml:lang",
};

static const char *const void_elements[] = {
	"area", "base", "basefont", "br", "col", "command", "embed", "frame",
	"hr", "img", "input", "isindex", "keygen", "link", "meta", "param",
	"source", "track", "wbr",
};

static int
is_void(const char *name, size_t len)
{
	return names_in_sorted(name, len, void_elements, NELEM(void_elements),
	    0);
}

/* (element, attribute) pairs holding URIs, resolved against xml:base. */
static const char *const uri_attrs[][2] = {
	{ "a", "href" }, { "applet", "codebase" }, { "area", "href" },
	{ "audio", "src" }, { "blockquote", "cite" },
	{ "body", "background" }, { "del", "cite" }, { "form", "action" },
	{ "frame", "longdesc" }, { "frame", "src" },
	{ "iframe", "longdesc" }, { "iframe", "src" },
	{ "head", "profile" }, { "img", "longdesc" }, { "img", "src" },
	{ "img", "usemap" }, { "input", "src" }, { "input", "usemap" },
	{ "ins", "cite" }, { "link", "href" }, { "object", "classid" },
	{ "object", "codebase" }, { "object", "data" },
	{ "object", "usemap" }, { "q", "cite" }, { "script", "src" },
	{ "source", "src" }, { "video", "poster" }, { "video", "src" },
};

/* Attributes a browser loads or follows as a URL, whatever the element. */
static const char *const url_attrs[] = {
	"action", "background", "cite", "codebase", "data", "datasrc",
	"dynsrc", "formaction", "href", "longdesc", "lowsrc", "ping",
	"poster", "src", "usemap",
};

/* The schemes a sanitized URL may have; anything without one is relative. */
static const char *const safe_schemes[] = { "http", "https", "mailto" };

/*
 * HTML 5 names of ASCII punctuation, which a scheme may be spelt with: a
 * browser decodes them, and text_ref (HTML 4's names) does not.
 */
static const struct {
	const char	*name;
	char		 c;
} html5_ascii[] = {
	{ "Tab", '\t' }, { "NewLine", '\n' }, { "colon", ':' },
	{ "period", '.' }, { "plus", '+' }, { "hyphen", '-' },
	{ "dash", '-' }, { "sol", '/' }, { "num", '#' }, { "quest", '?' },
	{ "semi", ';' },
};

/*
 * The reference at p ('&', n bytes readable) as the one byte that matters
 * to a scheme (0x80 stands for any character beyond ASCII) in *c; the
 * bytes it took, or 0 when p starts no reference.
 */
static size_t
url_ref(const char *p, size_t n, char *c)
{
	size_t i, len;
	uint32_t cp;

	for (i = 0; i < NELEM(html5_ascii); i++) {
		len = strlen(html5_ascii[i].name);
		if (len + 2 <= n && strncmp(p + 1, html5_ascii[i].name,
		    len) == 0 && p[len + 1] == ';') {
			*c = html5_ascii[i].c;
			return len + 2;
		}
	}
	if ((len = text_ref(p, n, &cp)) == 0)
		return 0;
	*c = cp < 0x80 ? (char)cp : (char)0x80;
	return len;
}

/* A decoded URL without tabs and newlines: no scheme, or a safe one. */
static int
url_scheme_safe(const char *d)
{
	const char *p;

	while (*d != '\0' && (unsigned char)*d <= 0x20)
		d++;
	if (!isalpha((unsigned char)*d))
		return 1;
	for (p = d + 1; isalnum((unsigned char)*p) || *p == '+' ||
	    *p == '-' || *p == '.'; p++)
		;
	if (*p != ':')
		return 1;
	return names_in(d, (size_t)(p - d), safe_schemes,
	    NELEM(safe_schemes), 1);
}

/*
 * Whether a URL attribute value is safe to keep: character references are
 * decoded first (so "javascript&#58;" and "javascript&colon;" are seen as
 * the browser sees them), then, as a URL parser does, leading controls
 * and spaces are skipped and tabs and newlines ignored.  A value with no
 * scheme is relative and kept; one with a scheme must be in safe_schemes.
 */
static int
url_value_safe(const char *v)
{
	struct buf b;
	const char *p, *end;
	size_t took;
	int ok;
	char *d, *r, *w, c;

	/* Most values have nothing to decode or drop: tested as they are. */
	if (strpbrk(v, "&\t\n\r") == NULL)
		return url_scheme_safe(v);
	end = v + strlen(v);
	buf_init(&b);
	for (p = v; *p != '\0'; p += took) {
		if (*p != '&' ||
		    (took = url_ref(p, (size_t)(end - p), &c)) == 0) {
			c = *p;
			took = 1;
		}
		buf_addc(&b, c);
	}
	buf_addc(&b, '\0');
	d = b.data;
	while (*d != '\0' && (unsigned char)*d <= 0x20)
		d++;
	for (w = r = d; *r != '\0'; r++)
		if (*r != '\t' && *r != '\n' && *r != '\r')
			*w++ = *r;
	*w = '\0';
	ok = url_scheme_safe(d);
	buf_free(&b);
	return ok;
}

struct hattr {
	char	*k;
	char	*v;
	size_t	 idx;		/* source order, to keep the last duplicate */
};

/* By name, then by source order, so a sort keeps duplicates in order. */
static int
hattr_cmp(const void *a, const void *b)
{
	const struct hattr *x = a, *y = b;
	int c;

	if ((c = strcmp(x->k, y->k)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* State of one cleaning pass (feedparser's _HTMLSanitizer). */
struct hclean {
	struct buf	 out;
	const char	*base;
	int		 unacceptable;	/* inside script, applet or style */
};

static void
emit_attr_value(struct buf *b, const char *v)
{
	const char *q;
	size_t k;

	for (; *v != '\0'; v++) {
		/* Most of a value needs no escape: copied a run at a time. */
		k = strcspn(v, "<>\"&");
		buf_add(b, v, k);
		if ((v += k)[0] == '\0')
			break;
		if (*v == '>')
			buf_addstr(b, "&gt;");
		else if (*v == '<')
			buf_addstr(b, "&lt;");
		else if (*v == '"')
			buf_addstr(b, "&quot;");
		else if (*v == '&') {
			/* Only a bare ampersand is escaped. */
			q = v + 1;
			k = 0;
			if (*q == '#') {
				q++;
				if (*q == 'x')
					for (q++; isxdigit((unsigned char)*q); q++)
						k++;
				else
					for (; isdigit((unsigned char)*q); q++)
						k++;
			} else
				for (; isalnum((unsigned char)*q) || *q == '_'; q++)
					k++;
			if (k > 0 && *q == ';')
				buf_addc(b, '&');
			else
				buf_addstr(b, "&amp;");
		} else
			buf_addc(b, *v);
	}
}

/*
 * Keys sort and duplicates collapse, the last value winning: one sort by
 * (name, source order), then the last of each run is kept, so thousands
 * of attributes cost n log n, not n squared.  Entries dropped stay in a[]
 * (moved past the count returned) for the caller to free.
 */
static size_t
attrs_unique(struct hattr *a, size_t n)
{
	struct hattr tmp;
	size_t i, j;

	if (n > 1)
		qsort(a, n, sizeof(*a), hattr_cmp);
	for (i = j = 0; i < n; i++) {
		if (i + 1 < n && strcmp(a[i].k, a[i + 1].k) == 0)
			continue;
		if (i != j) {
			tmp = a[j];
			a[j] = a[i];
			a[i] = tmp;
		}
		j++;
	}
	return j;
}

/* Whether attribute attr of element tag holds a URI to resolve. */
static int
uri_attr(const char *tag, const char *attr)
{
	size_t i;

	for (i = 0; i < NELEM(uri_attrs); i++)
		if (uri_attrs[i][0][0] == tag[0] &&
		    strcmp(uri_attrs[i][0], tag) == 0 &&
		    strcmp(uri_attrs[i][1], attr) == 0)
			return 1;
	return 0;
}

/* Puts v (allocated) in place of a's value. */
static void
attr_set(struct hattr *a, char *v)
{
	free(a->v);
	a->v = v;
}

/*
 * Attribute a of element tag made fit to write out, in place: relative
 * URIs resolved, URLs with an unsafe scheme emptied.  0 when the
 * attribute is not allowed at all.
 */
static int
attr_clean(const struct hclean *h, const char *tag, struct hattr *a)
{
	const char *v;
	size_t len;
	char *t;

	if (!names_in_sorted(a->k, strlen(a->k), acceptable_attributes,
	    NELEM(acceptable_attributes), 0))
		return 0;
	if (strcmp(a->k, "rel") == 0 || strcmp(a->k, "type") == 0)
		for (t = a->v; *t != '\0'; t++)
			*t = (char)tolower((unsigned char)*t);
	if (uri_attr(tag, a->k)) {
		for (v = a->v; isspace((unsigned char)*v); v++)
			;
		len = strlen(v);
		while (len > 0 && isspace((unsigned char)v[len - 1]))
			len--;
		t = xstrndup(v, len);
		attr_set(a, url_join_safe(h->base, t));
		free(t);
	}
	if (strcmp(a->k, "href") == 0)
		attr_set(a, url_join_safe(a->v, NULL));
	if (names_in_sorted(a->k, strlen(a->k), url_attrs, NELEM(url_attrs),
	    0) && !url_value_safe(a->v))
		attr_set(a, xstrdup(""));
	return 1;
}

static void
start_tag(struct hclean *h, const char *tag, struct hattr *a, size_t n)
{
	size_t i;

	if (!sanitize_element_ok(tag, strlen(tag))) {
		if (strcmp(tag, "script") == 0 || strcmp(tag, "applet") == 0 ||
		    strcmp(tag, "style") == 0)
			h->unacceptable++;
		return;
	}
	n = attrs_unique(a, n);
	buf_addc(&h->out, '<');
	buf_addstr(&h->out, tag);
	for (i = 0; i < n; i++) {
		if (!attr_clean(h, tag, &a[i]))
			continue;
		buf_addc(&h->out, ' ');
		buf_addstr(&h->out, a[i].k);
		buf_addstr(&h->out, "=\"");
		emit_attr_value(&h->out, a[i].v);
		buf_addc(&h->out, '"');
	}
	buf_addstr(&h->out, is_void(tag, strlen(tag)) ? " />" : ">");
}

static void
end_tag(struct hclean *h, const char *tag)
{
	if (!sanitize_element_ok(tag, strlen(tag))) {
		if ((strcmp(tag, "script") == 0 || strcmp(tag, "applet") == 0 ||
		    strcmp(tag, "style") == 0) && h->unacceptable > 0)
			h->unacceptable--;
		return;
	}
	if (is_void(tag, strlen(tag)))
		return;
	buf_addstr(&h->out, "</");
	buf_addstr(&h->out, tag);
	buf_addc(&h->out, '>');
}

/*
 * Text.  '<' and a bare '&' are escaped, so that no text can join with
 * what follows a dropped element into a live tag (and a second pass
 * changes nothing).  A '>' in text opens nothing and stays, as feedparser
 * leaves it.
 */
static void
data(struct hclean *h, const char *s, size_t n)
{
	size_t i, st;

	if (h->unacceptable != 0)
		return;
	for (i = st = 0; i < n; i++) {
		if (s[i] != '<' && s[i] != '&')
			continue;
		buf_add(&h->out, s + st, i - st);
		buf_addstr(&h->out, s[i] == '<' ? "&lt;" : "&amp;");
		st = i + 1;
	}
	buf_add(&h->out, s + st, n - st);
}

static int
tagch(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
}

static int
attrvalch(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("][-./,:;+*%?!&$()_#=~'\"@",
	    c) != NULL);
}

/*
 * The n bytes of a tag name at s lowercased, in buf when they fit, else
 * allocated: the caller frees a result that is not buf.  Tags are short
 * and thousands, so most need no allocation.
 */
static char *
tag_lower(const char *s, size_t n, char *buf, size_t size)
{
	size_t i;

	if (n >= size)
		return xstrndup_lower(s, n);
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[n] = '\0';
	return buf;
}

/*
 * One attribute at p (its name's first character) into a: the name
 * lowercased, the value as written (quoted, bare, or the name itself when
 * there is none).  Returns what follows it.
 */
static const char *
parse_attr(const char *p, struct hattr *a)
{
	const char *ns, *vs, *e;

	for (ns = p; isalnum((unsigned char)*p) || *p == '-' || *p == ':' ||
	    *p == '.' || *p == '_'; p++)
		;
	a->k = xstrndup_lower(ns, (size_t)(p - ns));
	if (*p == '$')
		p++;
	for (vs = p; isspace((unsigned char)*vs); vs++)
		;
	if (*vs != '=') {
		a->v = xstrdup(a->k);
		return p;
	}
	for (vs++; isspace((unsigned char)*vs); vs++)
		;
	if (*vs == '\'' || *vs == '"') {
		if ((e = strchr(vs + 1, *vs)) == NULL) {
			a->v = xstrdup("");
			return vs;
		}
		a->v = xstrndup(vs + 1, (size_t)(e - vs - 1));
		return e + 1;
	}
	for (ns = vs; attrvalch((unsigned char)*vs); vs++)
		;
	a->v = xstrndup(ns, (size_t)(vs - ns));
	return vs;
}

/* Parses a start tag at s (just after '<'); returns the bytes used. */
static size_t
parse_start(struct hclean *h, const char *s)
{
	const char *p = s, *ns, *save, *t;
	struct hattr *a = NULL;
	size_t n = 0, cap = 0, i;
	char *tag, tbuf[32];

	for (ns = p; tagch((unsigned char)*p); p++)
		;
	tag = tag_lower(ns, (size_t)(p - ns), tbuf, sizeof(tbuf));
	for (;;) {
		for (save = p; isspace((unsigned char)*p); p++)
			;
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			p = save;
			break;
		}
		if (n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			a = xreallocarray(a, cap, sizeof(*a));
		}
		a[n].idx = n;
		p = parse_attr(p, &a[n]);
		n++;
	}
	/* Up to the closing bracket, skipping quoted text. */
	while (*p != '\0' && *p != '>' && *p != '<') {
		if ((*p == '"' || *p == '\'') &&
		    (t = strchr(p + 1, *p)) != NULL) {
			p = t + 1;
			continue;
		}
		p++;
	}
	start_tag(h, tag, a, n);
	for (i = 0; i < n; i++) {
		free(a[i].k);
		free(a[i].v);
	}
	free(a);
	if (tag != tbuf)
		free(tag);
	if (*p == '>')
		p++;
	return (size_t)(p - s);
}

static void
charref(struct hclean *h, const char *ref, size_t n)
{
	unsigned long v;
	unsigned int w;
	char *r;

	r = xstrndup_lower(ref, n);
	v = r[0] == 'x' ? strtoul(r + 1, NULL, 16) : strtoul(r, NULL, 10);
	if (h->unacceptable == 0) {
		if (v >= 0x80 && v <= 0x9f &&
		    (w = text_cp1252((unsigned int)v)) != 0)
			buf_printf(&h->out, "&#x%x;", w);
		else
			buf_printf(&h->out, "&#%s;", r);
	}
	free(r);
}

/*
 * The shorttag and declaration rewrites feedparser applies first.  Only
 * '<' and '&' can start one, so the text between them is skipped whole;
 * most values need no rewrite, and then NULL is returned and nothing is
 * copied.  Otherwise the text up to a rewrite (from *done) goes to b
 * first.
 */
static void
prepare_put(struct buf *b, const char **done, const char *p)
{
	if (b->data == NULL)
		buf_grow(b, strlen(*done) + 16);
	buf_add(b, *done, (size_t)(p - *done));
	*done = p;
}

static char *
prepare(const char *html)
{
	struct buf b;
	const char *p = html, *q, *done = html;
	int decl = 0;

	buf_init(&b);
	for (;;) {
		p += strcspn(p, "<&");
		if (*p == '\0')
			break;
		if (*p == '&') {
			if (strncmp(p, "&#39;", 5) == 0 ||
			    strncmp(p, "&#34;", 5) == 0) {
				prepare_put(&b, &done, p);
				buf_addc(&b, p[3] == '9' ? '\'' : '"');
				p += 5;
				done = p;
			} else
				p++;
			continue;
		}
		if (p[1] == '!' && decl < 2 &&
		    strncmp(p + 2, "DOCTYPE", 7) != 0 &&
		    strncmp(p + 2, "--", 2) != 0 && p[2] != '[') {
			prepare_put(&b, &done, p);
			buf_addstr(&b, "&lt;!");
			p += 2;
			done = p;
			decl++;
			continue;
		}
		/* <([^<>\s]+?)\s*\/> */
		for (q = p + 1; *q != '\0' && *q != '<' && *q != '>' &&
		    !isspace((unsigned char)*q) && *q != '/'; q++)
			;
		if (q > p + 1) {
			const char *e = q;

			while (isspace((unsigned char)*e))
				e++;
			if (e[0] == '/' && e[1] == '>') {
				size_t tl = (size_t)(q - p - 1);

				prepare_put(&b, &done, p);
				buf_addc(&b, '<');
				buf_add(&b, p + 1, tl);
				if (is_void(p + 1, tl))
					buf_addstr(&b, " />");
				else {
					buf_addstr(&b, "></");
					buf_add(&b, p + 1, tl);
					buf_addc(&b, '>');
				}
				p = e + 2;
				done = p;
				continue;
			}
		}
		p++;
	}
	if (b.data == NULL)
		return NULL;
	buf_addstr(&b, done);
	return buf_release(&b);
}

/*
 * The markup at p ('<'): a tag, or a comment or declaration, which are
 * dropped (browsers end comments early, at "--!>" or "<!-->", which would
 * bring markup inside them to life).  Returns what follows it, or NULL
 * when it runs to the end: an unclosed comment takes the rest with it.
 */
static const char *
markup(struct hclean *h, const char *p)
{
	const char *q;
	char *nm, tbuf[32];

	if (strncmp(p, "<!--", 4) == 0)
		return (q = strstr(p + 4, "-->")) != NULL ? q + 3 : NULL;
	if (p[1] == '!' || p[1] == '?')
		return (q = strchr(p, '>')) != NULL ? q + 1 : NULL;
	if (p[1] == '/' && isalpha((unsigned char)p[2])) {
		for (q = p + 2; tagch((unsigned char)*q); q++)
			;
		nm = tag_lower(p + 2, (size_t)(q - p - 2), tbuf, sizeof(tbuf));
		end_tag(h, nm);
		if (nm != tbuf)
			free(nm);
		return (q = strchr(q, '>')) != NULL ? q + 1 : NULL;
	}
	if (isalpha((unsigned char)p[1]))
		return p + 1 + parse_start(h, p + 1);
	data(h, p, 1);
	return p + 1;
}

/*
 * The reference at p ('&') kept as one (numeric ones in feedparser's
 * spelling, names HTML does not know escaped), or a bare '&' escaped;
 * returns what follows it.
 */
static const char *
reference(struct hclean *h, const char *p)
{
	const char *q = p + 1;
	char *nm;
	size_t n;

	if (*q == '#') {
		q++;
		if (*q == 'x' || *q == 'X') {
			for (q++; isxdigit((unsigned char)*q); q++)
				;
			n = (size_t)(q - p - 3);
		} else {
			for (; isdigit((unsigned char)*q); q++)
				;
			n = (size_t)(q - p - 2);
		}
		if (n > 0 && *q == ';') {
			charref(h, p + 2, (size_t)(q - p - 2));
			return q + 1;
		}
	} else if (isalpha((unsigned char)*q)) {
		for (; isalnum((unsigned char)*q) || *q == '-' || *q == '.';
		    q++)
			;
		if (*q != '\0') {
			nm = xstrndup(p + 1, (size_t)(q - p - 1));
			if (h->unacceptable == 0)
				buf_printf(&h->out, text_entity(nm,
				    strlen(nm)) != 0 ? "&%s;" : "&amp;%s", nm);
			free(nm);
			return *q == ';' ? q + 1 : q;
		}
	}
	data(h, p, 1);
	return p + 1;
}

/*
 * The output trimmed, and CR LF made LF, as feedparser's sanitizer returns
 * it; allocated.
 */
static char *
finish(struct buf *out)
{
	char *s = out->data, *w;
	const char *r, *end, *cr;
	size_t len = out->len, k;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	for (r = s; len > 0 && isspace((unsigned char)*r); r++)
		len--;
	end = r + len;
	/* Whole runs up to each CR are moved: CRs are rare. */
	for (w = s; r < end; r++) {
		cr = memchr(r, '\r', (size_t)(end - r));
		k = (size_t)((cr != NULL ? cr : end) - r);
		memmove(w, r, k);
		w += k;
		r += k;
		if (r == end)
			break;
		if (!(r + 1 < end && r[1] == '\n'))
			*w++ = *r;
	}
	*w = '\0';
	out->len = (size_t)(w - s);
	return buf_release(out);
}

char *
sanitize_html(const char *html, const char *base)
{
	struct hclean h;
	const char *p;
	char *src;
	size_t n;

	memset(&h, 0, sizeof(h));
	h.base = base != NULL ? base : "";
	if ((src = prepare(html)) != NULL)
		html = src;
	/* The output is about as long as the input: one allocation. */
	buf_init(&h.out);
	buf_grow(&h.out, strlen(html));
	buf_addstr(&h.out, "");
	for (p = html; p != NULL && *p != '\0'; ) {
		if (*p == '<')
			p = markup(&h, p);
		else if (*p == '&')
			p = reference(&h, p);
		else {
			/* Text up to the next markup needs no escaping. */
			n = strcspn(p, "<&");
			if (h.unacceptable == 0)
				buf_add(&h.out, p, n);
			p += n;
		}
	}
	free(src);
	return finish(&h.out);
}
