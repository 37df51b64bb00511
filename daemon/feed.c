/*
 * Feed parser: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF into struct feed_doc.
 *
 * The bytes are converted to UTF-8 first (feed_encoding.c) and then streamed
 * through a libxml2 SAX2 push parser; no tree is built, so memory is bounded
 * by what the document model keeps.  The element handling follows Python
 * feedparser's (its _FeedParserMixin), because feedparser's behaviour is the
 * de-facto standard readers are compared against: an element stack that
 * collects text, one "content parameters" record for the text construct
 * being read, and start/end handlers looked up by element name in a sorted
 * table.  External entities and DTDs are never loaded; entities declared in
 * the internal subset and undefined HTML entities are expanded by our own
 * getEntity callback against a per-document budget.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "date.h"
#include "feed.h"
#include "feed_priv.h"
#include "url.h"
#include "xmalloc.h"

/* Which model field a popped element's text goes to. */
enum fp_field {
	F_NONE = 0,
	F_TITLE,
	F_SUBTITLE,
	F_RIGHTS,
	F_SUMMARY,
	F_ID,
	F_LANGUAGE,
	F_AUTHOR,
	F_PUBLISHED,
	F_UPDATED,
	F_NFIELDS
};

/* A feed, an entry, or a place whose data is not kept (image, source). */
struct fp_ctx {
	struct feed_text	 text[F_NFIELDS];	/* title .. summary */
	char			*str[F_NFIELDS];	/* id, language, author */
	struct feed_date	 date[F_NFIELDS];	/* published, updated */
	int			 depth[F_NFIELDS];	/* entries: depth stored from */
	struct feed_text	*content;
	size_t			 ncontent;
	char			*link;
	struct feed_link	*links;
	size_t			 nlinks;
	struct feed_person	 author_detail;
	int			 has_author_detail;
	struct feed_person	 cur_author;		/* feedparser's authors[-1] */
	int			 nauthors;
	struct feed_tag		*tags;
	size_t			 ntags;
	int			 is_sink;
};

/* One entry of feedparser's element stack. */
struct fp_elem {
	char		*name;
	int		 expecting_text;
	int		 truncated;
	struct buf	 text;
	size_t		*pieces;	/* start offsets, for xhtml <div> stripping */
	size_t		 npieces;
	size_t		 cappieces;
};

/* The text construct being read (feedparser's contentparams). */
struct fp_content {
	int	 active;
	char	*type;
	char	*lang;
	char	*base;
	int	 base64;
};

/* An entity from the internal subset; external ones are never stored. */
struct fp_entity {
	char	*name;
	char	*value;
};

struct fp {
	xmlParserCtxtPtr	 ctxt;
	struct fp_ctx		 feed;
	struct fp_ctx		*entries;
	size_t			 nentries;
	size_t			 capentries;
	struct fp_ctx		 sink;
	int			 entry_overflow;

	char			*version;
	int			 infeed, inentry, incontent, intextinput;
	int			 inimage, inauthor, incontributor, inpublisher;
	int			 insource;
	int			 feed_has_image;
	int			 summary_key;	/* 0 none, 1 summary, 2 content */
	int			 has_content;
	int			 guidislink;
	int			 svgok;
	int			 title_depth;
	int			 depth;
	struct fp_content	 cp;

	struct fp_elem		*es;
	size_t			 nes;
	size_t			 capes;

	char			*baseuri;
	char			*lang;
	char			**basestack;
	char			**langstack;
	size_t			 nstack;
	size_t			 capstack;

	char			**ns_prefix;	/* namespaces_in_use keys */
	size_t			 nns;

	int			 wellformed;
	char			*error;
	int			 hostile;
	char			*hostile_msg;
	int			 is_utf8;
	int			 root_seen;
	char			*root;
	size_t			 expansion;
	struct fp_entity	*ents;
	size_t			 nents;
	xmlEntity		 ent;
	struct buf		 entbuf;
	char			**attr_ents;	/* expansions inside attributes */
	size_t			 nattr_ents;

	/* The elements libxml2 has open; closed ones we ended early. */
	struct fp_open {
		char	*qname;
		char	*tag;
		int	 closed;
	}			*open;
	size_t			 nopen;
	size_t			 capopen;
	char			*pending_close;
};

/* Element handlers, looked up by feedparser's normalised element name. */
typedef void	(*fp_start_fn)(struct fp *, const char *, char **, size_t);
typedef void	(*fp_end_fn)(struct fp *, const char *);

struct fp_handler {
	const char	*name;
	fp_start_fn	 start;
	fp_end_fn	 end;
};

static const char *known_ns[][2] = {
	{ "", "" },
	{ "http://backend.userland.com/rss", "" },
	{ "http://blogs.law.harvard.edu/tech/rss", "" },
	{ "http://purl.org/rss/1.0/", "" },
	{ "http://my.netscape.com/rdf/simple/0.9/", "" },
	{ "http://example.com/newformat#", "" },
	{ "http://example.com/necho", "" },
	{ "http://purl.org/echo/", "" },
	{ "uri/of/echo/namespace#", "" },
	{ "http://purl.org/pie/", "" },
	{ "http://purl.org/atom/ns#", "" },
	{ "http://www.w3.org/2005/atom", "" },
	{ "http://purl.org/rss/1.0/modules/rss091#", "" },
	{ "http://webns.net/mvcb/", "admin" },
	{ "http://purl.org/rss/1.0/modules/aggregation/", "ag" },
	{ "http://purl.org/rss/1.0/modules/annotate/", "annotate" },
	{ "http://media.tangent.org/rss/1.0/", "audio" },
	{ "http://backend.userland.com/blogchannelmodule", "blogChannel" },
	{ "http://creativecommons.org/ns#license", "cc" },
	{ "http://web.resource.org/cc/", "cc" },
	{ "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html",
	    "creativeCommons" },
	{ "http://backend.userland.com/creativecommonsrssmodule",
	    "creativeCommons" },
	{ "http://purl.org/rss/1.0/modules/company", "co" },
	{ "http://purl.org/rss/1.0/modules/content/", "content" },
	{ "http://my.theinfo.org/changed/1.0/rss/", "cp" },
	{ "http://purl.org/dc/elements/1.1/", "dc" },
	{ "http://purl.org/dc/terms/", "dcterms" },
	{ "http://purl.org/rss/1.0/modules/email/", "email" },
	{ "http://purl.org/rss/1.0/modules/event/", "ev" },
	{ "http://rssnamespace.org/feedburner/ext/1.0", "feedburner" },
	{ "http://freshmeat.net/rss/fm/", "fm" },
	{ "http://xmlns.com/foaf/0.1/", "foaf" },
	{ "http://www.w3.org/2003/01/geo/wgs84_pos#", "geo" },
	{ "http://www.georss.org/georss", "georss" },
	{ "http://www.opengis.net/gml", "gml" },
	{ "http://postneo.com/icbm/", "icbm" },
	{ "http://purl.org/rss/1.0/modules/image/", "image" },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://example.com/dtds/podcast-1.0.dtd", "itunes" },
	{ "http://purl.org/rss/1.0/modules/link/", "l" },
	{ "http://search.yahoo.com/mrss", "media" },
	{ "http://search.yahoo.com/mrss/", "media" },
	{ "http://madskills.com/public/xml/rss/module/pingback/", "pingback" },
	{ "http://prismstandard.org/namespaces/1.2/basic/", "prism" },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf" },
	{ "http://www.w3.org/2000/01/rdf-schema#", "rdfs" },
	{ "http://purl.org/rss/1.0/modules/reference/", "ref" },
	{ "http://purl.org/rss/1.0/modules/richequiv/", "reqv" },
	{ "http://purl.org/rss/1.0/modules/search/", "search" },
	{ "http://purl.org/rss/1.0/modules/slash/", "slash" },
	{ "http://schemas.xmlsoap.org/soap/envelope/", "soap" },
	{ "http://purl.org/rss/1.0/modules/servicestatus/", "ss" },
	{ "http://hacks.benhammersley.com/rss/streaming/", "str" },
	{ "http://purl.org/rss/1.0/modules/subscription/", "sub" },
	{ "http://purl.org/rss/1.0/modules/syndication/", "sy" },
	{ "http://schemas.pocketsoap.com/rss/mydescmodule/", "szf" },
	{ "http://purl.org/rss/1.0/modules/taxonomy/", "taxo" },
	{ "http://purl.org/rss/1.0/modules/threading/", "thr" },
	{ "http://purl.org/rss/1.0/modules/textinput/", "ti" },
	{ "http://madskills.com/public/xml/rss/module/trackback/", "trackback" },
	{ "http://wellformedweb.org/commentapi/", "wfw" },
	{ "http://purl.org/rss/1.0/modules/wiki/", "wiki" },
	{ "http://www.w3.org/1999/xhtml", "xhtml" },
	{ "http://www.w3.org/1999/xlink", "xlink" },
	{ "http://www.w3.org/xml/1998/namespace", "xml" },
	{ "http://podlove.org/simple-chapters", "psc" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define XHTML_TYPE	"application/xhtml+xml"

static void	 fp_push(struct fp *, const char *, int);
static char	*fp_pop(struct fp *, const char *);
static void	 fp_data(struct fp *, const char *, size_t, int);
static struct fp_ctx *fp_context(struct fp *);
static void	 fp_starttag(struct fp *, const char *, char **, size_t,
		    const xmlChar *);
static void	 fp_endtag(struct fp *, const char *);

/* Small string helpers. */

static char *
lower_dup(const char *s, size_t n)
{
	char *r;
	size_t i;

	r = xstrndup(s, n);
	for (i = 0; i < n; i++)
		r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Attribute lists are (key, value) pairs, feedparser's attrs_d. */
static const char *
attr_get(char **attrs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		if (strcmp(attrs[i], key) == 0)
			return attrs[i + 1];
	return NULL;
}

static int
is_space_cp(unsigned int c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Decodes one UTF-8 sequence at s (length n); returns its length. */
static size_t
utf8_get(const unsigned char *s, size_t n, unsigned int *c)
{
	if (s[0] < 0x80 || n < 2) {
		*c = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*c = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && n >= 3) {
		*c = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) |
		    (s[2] & 0x3fu);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && n >= 4) {
		*c = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) |
		    ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		return 4;
	}
	*c = s[0];
	return 1;
}

/* Strict UTF-8, as Python's decoder checks it. */
static int
utf8_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l, k;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf)
			l = 1;
		else if (u[i] >= 0xe0 && u[i] <= 0xef)
			l = 2;
		else if (u[i] >= 0xf0 && u[i] <= 0xf4)
			l = 3;
		else
			return 0;
		if (i + l >= n)
			return 0;
		for (k = 1; k <= l; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
		i += l + 1;
	}
	return 1;
}

/* Python's str.strip(): Unicode whitespace at both ends. */
static char *
strip_dup(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0, end = n, k;
	unsigned int c;

	while (start < end) {
		k = utf8_get(p + start, end - start, &c);
		if (!is_space_cp(c))
			break;
		start += k;
	}
	while (end > start) {
		k = 1;
		while (k < end - start && k < 4 && (p[end - k] & 0xc0) == 0x80)
			k++;
		utf8_get(p + end - k, k, &c);
		if (!is_space_cp(c))
			break;
		end -= k;
	}
	return xstrndup(s + start, end - start);
}

/*
 * feedparser's last two steps on every value: text that is UTF-8 read as
 * Latin-1 is repaired (for UTF-8 documents), and C1 controls become the
 * windows-1252 characters they were meant to be.
 */
static char *
fix_text(const struct fp *p, char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i, n = strlen(s), k;
	unsigned int c;
	int latin1 = 1, high = 0;
	char *t;

	if (p->is_utf8) {
		buf_init(&b);
		for (i = 0; i < n; i += k) {
			k = utf8_get(u + i, n - i, &c);
			if (c > 0xff) {
				latin1 = 0;
				break;
			}
			if (c >= 0x80)
				high = 1;
			buf_addc(&b, (char)c);
		}
		if (latin1 && high && b.len > 0 && utf8_ok(b.data, b.len)) {
			free(s);
			s = buf_release(&b);
			n = strlen(s);
			u = (const unsigned char *)s;
		}
		buf_free(&b);
	}
	/* C1 controls to windows-1252. */
	for (i = 0; i + 1 < n; i++)
		if (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			break;
	if (i + 1 >= n)
		return s;
	buf_init(&b);
	for (i = 0; i < n; i += k) {
		k = utf8_get(u + i, n - i, &c);
		if (c >= 0x80 && c <= 0x9f) {
			char one = (char)c;
			size_t len;

			t = feed__cp1252_to_utf8(&one, 1, &len);
			buf_add(&b, t, len);
			free(t);
		} else
			buf_add(&b, s + i, k);
	}
	free(s);
	return buf_release(&b);
}

static void
fp_set_error(struct fp *p, const char *msg)
{
	char *s, *e;

	p->wellformed = 0;
	if (p->error != NULL)
		return;
	s = xstrdup(msg);
	for (e = s; *e != '\0'; e++)
		if (*e == '\n' || *e == '\r')
			*e = ' ';
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	p->error = s;
}

static void
fp_hostile(struct fp *p, const char *msg)
{
	if (p->hostile)
		return;
	p->hostile = 1;
	p->hostile_msg = xstrdup(msg);
	xmlStopParser(p->ctxt);
}

/* URIs, as feedparser joins them. */

static int
scheme_ok(const char *uri)
{
	static const char *const ok[] = {
		"file", "ftp", "gopher", "h323", "hdl", "http", "https",
		"imap", "magnet", "mailto", "mms", "news", "nntp", "prospero",
		"rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips",
		"snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto",
		"cvs", "facetime", "feed", "git", "gtalk", "irc", "ircs",
		"irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg",
	};
	const char *c;
	size_t i, n;

	while (isspace((unsigned char)*uri))
		uri++;
	if ((c = strchr(uri, ':')) == NULL)
		return 0;
	n = (size_t)(c - uri);
	for (i = 0; i < NELEM(ok); i++)
		if (strlen(ok[i]) == n && strncmp(ok[i], uri, n) == 0)
			return 1;
	return 0;
}

char *
feed__urljoin(const char *base, const char *ref)
{
	const char *p, *q;
	struct buf b;
	char *fixed, *r;

	if (ref == NULL)
		ref = "";
	/* _urifixer: "scheme:////x" loses the extra slashes. */
	buf_init(&b);
	p = ref;
	if (isalpha((unsigned char)*p)) {
		for (q = p + 1; isalnum((unsigned char)*q) || *q == '+' ||
		    *q == '-' || *q == '.'; q++)
			;
		if (strncmp(q, "://", 3) == 0) {
			buf_add(&b, p, (size_t)(q - p) + 3);
			for (q += 3; *q == '/'; q++)
				;
			buf_addstr(&b, q);
		}
	}
	if (b.len == 0)
		buf_addstr(&b, ref);
	fixed = buf_release(&b);
	if (base == NULL || *base == '\0')
		return fixed;
	if (*fixed == '\0') {
		free(fixed);
		return xstrdup(base);
	}
	r = url_resolve(base, fixed);
	free(fixed);
	return r;
}

char *
feed__safe_uri(const char *base, const char *rel)
{
	char *u;

	if (base == NULL || *base == '\0')
		return xstrdup(rel != NULL ? rel : "");
	if (rel == NULL || *rel == '\0') {
		if (strchr(base, ':') == NULL || scheme_ok(base))
			return xstrdup(base);
		return xstrdup("");
	}
	u = feed__urljoin(base, rel);
	if (!scheme_ok(u)) {
		free(u);
		return xstrdup("");
	}
	return u;
}

static char *
fp_resolve(struct fp *p, const char *uri)
{
	return feed__urljoin(p->baseuri != NULL ? p->baseuri : "", uri);
}

/* The model: contexts, tags, links, authors. */

static struct fp_ctx *
fp_context(struct fp *p)
{
	if (p->insource)
		return &p->sink;
	if (p->inimage && p->feed_has_image)
		return &p->sink;
	if (p->intextinput)
		return &p->sink;
	if (p->inentry)
		return p->nentries > 0 && !p->entry_overflow ?
		    &p->entries[p->nentries - 1] : &p->sink;
	return &p->feed;
}

static struct fp_ctx *
fp_entry(struct fp *p)
{
	if (p->nentries == 0 || p->entry_overflow)
		return &p->sink;
	return &p->entries[p->nentries - 1];
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
fp_add_tag(struct fp *p, const char *term, const char *scheme,
    const char *label)
{
	struct fp_ctx *c = fp_context(p);
	struct feed_tag *t;
	size_t i;

	if ((term == NULL || *term == '\0') &&
	    (scheme == NULL || *scheme == '\0') &&
	    (label == NULL || *label == '\0'))
		return;
	for (i = 0; i < c->ntags; i++)
		if (streq_null(c->tags[i].term, term) &&
		    streq_null(c->tags[i].scheme, scheme) &&
		    streq_null(c->tags[i].label, label))
			return;
	if (c->ntags >= 1000)
		return;
	c->tags = xreallocarray(c->tags, c->ntags + 1, sizeof(*c->tags));
	t = &c->tags[c->ntags++];
	t->term = xstrdup_or_null(term);
	t->scheme = xstrdup_or_null(scheme);
	t->label = xstrdup_or_null(label);
}

static struct feed_link *
fp_add_link(struct fp_ctx *c)
{
	struct feed_link *l;

	if (c->nlinks >= 1000)
		return NULL;
	c->links = xreallocarray(c->links, c->nlinks + 1, sizeof(*c->links));
	l = &c->links[c->nlinks++];
	memset(l, 0, sizeof(*l));
	return l;
}

/* feedparser's email pattern, searched leftmost-first. */
static int
match_email(const char *s, size_t *mstart, size_t *mlen)
{
	size_t n = strlen(s), at, i, j, k, st, lab[256], nl, t, e;

#define LOCALCH(c)	(isalnum((unsigned char)(c)) || (c) == '_' || \
			    (c) == '-' || (c) == '.' || (c) == '+')
#define LABELCH(c)	(isalnum((unsigned char)(c)) || (c) == '-')
	for (i = 0; i < n; i++) {
		if (!LOCALCH(s[i]))
			continue;
		for (at = i; at < n && LOCALCH(s[at]); at++)
			;
		if (at >= n || s[at] != '@') {
			i = at;
			continue;
		}
		st = i;
		/* Greedy (label\.)+ then backtrack to fit the TLD. */
		nl = 0;
		j = at + 1;
		while (nl < NELEM(lab)) {
			for (k = j; k < n && LABELCH(s[k]); k++)
				;
			if (k == j || k >= n || s[k] != '.')
				break;
			lab[nl++] = j;
			j = k + 1;
		}
		while (nl > 0) {
			/* The TLD starts after the nl-th label. */
			t = j;
			for (e = t; e < n && e - t < 4 &&
			    isalpha((unsigned char)s[e]); e++)
				;
			if (e - t < 2) {
				for (e = t; e < n && e - t < 3 &&
				    isdigit((unsigned char)s[e]); e++)
					;
				if (e == t)
					e = 0;
			}
			if (e != 0) {
				if (e < n && s[e] == ']')
					e++;
				if (strncmp(s + e, "?subject=", 9) == 0 &&
				    e + 9 < n && !isspace((unsigned char)s[e + 9])) {
					for (e += 9; e < n &&
					    !isspace((unsigned char)s[e]); e++)
						;
				}
				*mstart = st;
				*mlen = e - st;
				return 1;
			}
			nl--;
			j = lab[nl];
		}
		i = at;
	}
#undef LOCALCH
#undef LABELCH
	return 0;
}

static void
str_remove_all(char *s, const char *what)
{
	size_t n = strlen(what);
	char *p;

	if (n == 0)
		return;
	while ((p = strstr(s, what)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

static void
person_set(struct feed_person *d, const char *key, const char *value)
{
	if (strcmp(key, "name") == 0)
		set_str(&d->name, value);
	else if (strcmp(key, "email") == 0)
		set_str(&d->email, value);
	else
		set_str(&d->href, value);
}

static void
person_free(struct feed_person *d)
{
	free(d->name);
	free(d->email);
	free(d->href);
	memset(d, 0, sizeof(*d));
}

static void
fp_sync_author(struct fp *p)
{
	struct fp_ctx *c = fp_context(p);
	struct feed_person *d = &c->cur_author;
	const char *name, *email;
	char *author, *em = NULL, *t;
	size_t ms, ml;

	if (c->nauthors > 0 && (d->name || d->email || d->href)) {
		name = d->name;
		email = d->email;
		free(c->str[F_AUTHOR]);
		c->str[F_AUTHOR] = NULL;
		if (name && *name && email && *email)
			c->str[F_AUTHOR] = xasprintf("%s (%s)", name, email);
		else if (name && *name)
			c->str[F_AUTHOR] = xstrdup(name);
		else if (email && *email)
			c->str[F_AUTHOR] = xstrdup(email);
		return;
	}
	if (c->str[F_AUTHOR] == NULL || *c->str[F_AUTHOR] == '\0')
		return;
	author = xstrdup(c->str[F_AUTHOR]);
	if (match_email(author, &ms, &ml)) {
		em = xstrndup(author + ms, ml);
		str_remove_all(author, em);
		str_remove_all(author, "()");
		str_remove_all(author, "<>");
		str_remove_all(author, "&lt;&gt;");
		t = strip_dup(author, strlen(author));
		free(author);
		author = t;
		if (*author == '(')
			memmove(author, author + 1, strlen(author));
		if (*author != '\0' && author[strlen(author) - 1] == ')')
			author[strlen(author) - 1] = '\0';
		t = strip_dup(author, strlen(author));
		free(author);
		author = t;
	}
	if (*author != '\0' || em != NULL) {
		if (!c->has_author_detail) {
			c->has_author_detail = 1;
			if (*author != '\0')
				set_str(&c->author_detail.name, author);
			if (em != NULL)
				set_str(&c->author_detail.email, em);
		}
		if (*author != '\0')
			set_str(&c->cur_author.name, author);
		if (em != NULL)
			set_str(&c->cur_author.email, em);
		if (c->nauthors == 0)
			c->nauthors = 1;
	}
	free(author);
	free(em);
}

static void
fp_save_author(struct fp *p, const char *key, const char *value)
{
	struct fp_ctx *c = fp_context(p);

	c->has_author_detail = 1;
	person_set(&c->author_detail, key, value);
	fp_sync_author(p);
	if (c->nauthors == 0)
		c->nauthors = 1;
	person_set(&c->cur_author, key, value);
}

/* The element stack. */

static void
fp_push(struct fp *p, const char *name, int expecting_text)
{
	struct fp_elem *e;

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

static void
elem_free(struct fp_elem *e)
{
	free(e->name);
	buf_free(&e->text);
	free(e->pieces);
}

/* handle_data: text goes to the innermost open element. */
static void
fp_data(struct fp *p, const char *s, size_t n, int escape)
{
	struct fp_elem *e;
	size_t i;

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
	    strcmp(p->cp.type, XHTML_TYPE) == 0) {
		for (i = 0; i < n; i++) {
			if (s[i] == '&')
				buf_addstr(&e->text, "&amp;");
			else if (s[i] == '<')
				buf_addstr(&e->text, "&lt;");
			else if (s[i] == '>')
				buf_addstr(&e->text, "&gt;");
			else
				buf_addc(&e->text, s[i]);
		}
	} else
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
join_pieces(struct fp *p, struct fp_elem *e)
{
	size_t first = 0, last, i, a, b, plen;
	const char *s = e->text.data;
	int depth = 0, broke = 0;

	if (e->npieces == 0)
		return xstrdup("");
	last = e->npieces;	/* one past the last piece */
	if (p->version != NULL && strcmp(p->version, "atom10") == 0 &&
	    p->cp.active && p->cp.type != NULL &&
	    strcmp(p->cp.type, XHTML_TYPE) == 0) {
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
	return xstrndup(s, e->text.len);
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

static int
name_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const relative_uri_elems[] = {
	"comments", "docs", "href", "icon", "id", "link", "logo", "url",
	"wfw_comment", "wfw_commentrss",
};

static const char *const markup_elems[] = {
	"content", "copyright", "description", "info", "rights", "subtitle",
	"summary", "tagline", "title",
};

static const char *
map_content_type(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcmp(t, "text") == 0 || strcmp(t, "plain") == 0)
		return "text/plain";
	if (strcmp(t, "html") == 0)
		return "text/html";
	if (strcmp(t, "xhtml") == 0)
		return XHTML_TYPE;
	return t;
}

static int
is_html_type(const char *t)
{
	t = map_content_type(t);
	return t != NULL && (strcmp(t, "text/html") == 0 ||
	    strcmp(t, XHTML_TYPE) == 0);
}

static enum fp_field
field_of(const char *element, int feedlevel)
{
	if (strcmp(element, "title") == 0)
		return F_TITLE;
	if (strcmp(element, "subtitle") == 0)
		return feedlevel ? F_SUBTITLE : F_NONE;
	if (strcmp(element, "rights") == 0)
		return F_RIGHTS;
	if (strcmp(element, "summary") == 0)
		return F_SUMMARY;
	if (strcmp(element, "id") == 0)
		return F_ID;
	if (strcmp(element, "language") == 0)
		return F_LANGUAGE;
	if (strcmp(element, "author") == 0)
		return F_AUTHOR;
	if (strcmp(element, "published") == 0)
		return F_PUBLISHED;
	if (strcmp(element, "updated") == 0)
		return F_UPDATED;
	return F_NONE;
}

static void
text_set(struct fp *p, struct feed_text *t, const char *value, int detail)
{
	feed__text_free(t);
	t->value = xstrdup(value);
	if (detail && p->cp.active) {
		t->type = xstrdup_or_null(p->cp.type);
		t->lang = xstrdup_or_null(p->cp.lang);
		t->base = xstrdup(p->cp.base != NULL ? p->cp.base : "");
	}
}

static void
ctx_store(struct fp *p, struct fp_ctx *c, enum fp_field f, const char *value,
    int detail)
{
	time_t t;

	switch (f) {
	case F_TITLE:
	case F_SUBTITLE:
	case F_RIGHTS:
	case F_SUMMARY:
		text_set(p, &c->text[f], value, detail);
		break;
	case F_ID:
	case F_LANGUAGE:
	case F_AUTHOR:
		set_str(&c->str[f], value);
		break;
	case F_PUBLISHED:
	case F_UPDATED:
		set_str(&c->date[f].raw, value);
		c->date[f].ok = date_parse(value, &t) == 0;
		c->date[f].t = c->date[f].ok ? t : 0;
		break;
	default:
		break;
	}
}

static void
fix_link_query(char *s)
{
	char *q, *r;

	/* "&name;" that was a query separator loses its semicolon. */
	for (q = s; (q = strchr(q, '&')) != NULL; q++) {
		for (r = q + 1; isalnum((unsigned char)*r) || *r == '_'; r++)
			;
		if (r > q + 1 && *r == ';')
			memmove(r, r + 1, strlen(r + 1) + 1);
	}
}

/* feedparser's pop(): the element's text, processed and stored. */
static char *
fp_pop(struct fp *p, const char *element)
{
	struct fp_elem e;
	struct fp_ctx *c;
	char *joined, *out, *t;
	enum fp_field f;

	if (p->nes == 0 || strcmp(p->es[p->nes - 1].name, element) != 0)
		return NULL;
	e = p->es[--p->nes];
	joined = join_pieces(p, &e);
	out = strip_dup(joined, strlen(joined));
	free(joined);
	if (!e.expecting_text) {
		elem_free(&e);
		return out;
	}
	elem_free(&e);

	if (p->cp.active && p->cp.base64) {
		if ((t = base64_decode(out)) != NULL && utf8_ok(t, strlen(t))) {
			free(out);
			out = t;
		} else
			free(t);
	}
	if (*out != '\0' && name_in(element, relative_uri_elems,
	    NELEM(relative_uri_elems)) &&
	    (strcmp(element, "id") != 0 || p->guidislink)) {
		t = fp_resolve(p, out);
		free(out);
		out = t;
	}
	if ((p->version == NULL || strncmp(p->version, "atom", 4) != 0) &&
	    p->cp.active && p->cp.type != NULL &&
	    strcmp(p->cp.type, "text/plain") == 0 &&
	    feed__looks_like_html(out))
		set_str(&p->cp.type, "text/html");
	p->cp.base64 = 0;
	if (is_html_type(p->cp.active && p->cp.type ? p->cp.type :
	    "text/html") && name_in(element, markup_elems,
	    NELEM(markup_elems))) {
		t = feed__html_clean(out, p->baseuri, 1, 1);
		free(out);
		out = t;
	}
	out = fix_text(p, out);

	if (strcmp(element, "category") == 0 || strcmp(element, "tags") == 0 ||
	    strcmp(element, "itunes_keywords") == 0 ||
	    strcmp(element, "media_keywords") == 0)
		return out;
	if (strcmp(element, "title") == 0 && p->title_depth > -1 &&
	    p->title_depth <= p->depth)
		return out;

	if (p->inentry && !p->insource) {
		c = fp_entry(p);
		if (strcmp(element, "content") == 0) {
			struct feed_text *ct;

			if (c->ncontent < 100) {
				c->content = xreallocarray(c->content,
				    c->ncontent + 1, sizeof(*c->content));
				ct = &c->content[c->ncontent++];
				memset(ct, 0, sizeof(*ct));
				text_set(p, ct, out, 1);
			}
		} else if (strcmp(element, "link") == 0) {
			if (!p->inimage) {
				t = xstrdup(out);
				{
					char *q;

					while ((q = strstr(t, "&amp;")) != NULL)
						memmove(q + 1, q + 5,
						    strlen(q + 5) + 1);
				}
				fix_link_query(t);
				set_str(&c->link, t);
				if (*t != '\0' && c->nlinks > 0)
					set_str(&c->links[c->nlinks - 1].href,
					    t);
				free(t);
			}
		} else {
			const char *el = element;

			if (strcmp(el, "description") == 0)
				el = "summary";
			f = field_of(el, 0);
			if (f != F_NONE && (c->depth[f] == 0 ||
			    p->depth <= c->depth[f])) {
				c->depth[f] = p->depth;
				ctx_store(p, c, f, out, p->incontent > 0);
			} else if (f != F_NONE && p->incontent > 0 &&
			    f <= F_SUMMARY) {
				/* The detail follows the latest element. */
				struct feed_text *tx = &c->text[f];

				set_str(&tx->type, p->cp.type);
				set_str(&tx->lang, p->cp.lang);
				set_str(&tx->base,
				    p->cp.base ? p->cp.base : "");
			}
		}
	} else if (p->infeed || p->insource) {
		const char *el = element;

		c = fp_context(p);
		if (strcmp(el, "description") == 0)
			el = "subtitle";
		if (strcmp(el, "link") == 0) {
			fix_link_query(out);
			set_str(&c->link, out);
			if (c->nlinks > 0)
				set_str(&c->links[c->nlinks - 1].href, out);
		} else {
			f = field_of(el, 1);
			if (f != F_NONE)
				ctx_store(p, c, f, out, p->incontent > 0);
		}
	}
	return out;
}

static void
fp_push_content(struct fp *p, const char *tag, char **attrs, size_t n,
    const char *deftype, int expecting)
{
	const char *type, *mode;
	char *l;

	p->incontent++;
	if (p->lang != NULL)
		for (l = p->lang; *l != '\0'; l++)
			if (*l == '_')
				*l = '-';
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	type = attr_get(attrs, n, "type");
	p->cp.active = 1;
	p->cp.type = xstrdup(map_content_type(type ? type : deftype));
	{
		char *q;

		for (q = p->cp.type; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		q = xstrdup(map_content_type(p->cp.type));
		free(p->cp.type);
		p->cp.type = q;
	}
	p->cp.lang = xstrdup_or_null(p->lang);
	p->cp.base = xstrdup_or_null(p->baseuri);
	mode = attr_get(attrs, n, "mode");
	if (mode != NULL && strcmp(mode, "base64") == 0)
		p->cp.base64 = 1;
	else if (strncmp(p->cp.type, "text/", 5) == 0)
		p->cp.base64 = 0;
	else {
		size_t tl = strlen(p->cp.type);

		p->cp.base64 = !((tl >= 4 &&
		    strcmp(p->cp.type + tl - 4, "+xml") == 0) ||
		    (tl >= 4 && strcmp(p->cp.type + tl - 4, "/xml") == 0));
	}
	fp_push(p, tag, expecting);
}

static char *
fp_pop_content(struct fp *p, const char *tag)
{
	char *v;

	v = fp_pop(p, tag);
	p->incontent--;
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	memset(&p->cp, 0, sizeof(p->cp));
	return v;
}

static int
expecting(struct fp *p)
{
	return p->infeed || p->inentry || p->insource;
}

/* Element handlers. */

static void
st_rss(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	if (p->version != NULL && strncmp(p->version, "rss", 3) == 0)
		return;
	v = attr_get(a, n, "version");
	if (v == NULL)
		v = "";
	if (strcmp(v, "0.91") == 0)
		set_str(&p->version, "rss091u");
	else if (strcmp(v, "0.92") == 0)
		set_str(&p->version, "rss092");
	else if (strcmp(v, "0.93") == 0)
		set_str(&p->version, "rss093");
	else if (strcmp(v, "0.94") == 0)
		set_str(&p->version, "rss094");
	else if (strncmp(v, "2.", 2) == 0)
		set_str(&p->version, "rss20");
	else
		set_str(&p->version, "rss");
}

static void	 st_updated(struct fp *, const char *, char **, size_t);
static void	 en_updated(struct fp *, const char *);
static void	 st_link(struct fp *, const char *, char **, size_t);
static void	 en_link(struct fp *, const char *);

/* CDF puts lastmod and href on channel and item. */
static void
cdf_common(struct fp *p, char **a, size_t n)
{
	const char *v;

	if ((v = attr_get(a, n, "lastmod")) != NULL) {
		st_updated(p, "modified", NULL, 0);
		fp_data(p, v, strlen(v), 0);
		en_updated(p, "modified");
	}
	if ((v = attr_get(a, n, "href")) != NULL) {
		char *copy = xstrdup(v);

		st_link(p, "link", NULL, 0);
		fp_data(p, copy, strlen(copy), 0);
		en_link(p, "link");
		free(copy);
	}
}

static void
st_channel(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->infeed = 1;
	cdf_common(p, a, n);
}

static void
st_feed(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	p->infeed = 1;
	if (p->version != NULL && *p->version != '\0')
		return;
	v = attr_get(a, n, "version");
	if (v != NULL && strcmp(v, "0.1") == 0)
		set_str(&p->version, "atom01");
	else if (v != NULL && strcmp(v, "0.2") == 0)
		set_str(&p->version, "atom02");
	else if (v != NULL && strcmp(v, "0.3") == 0)
		set_str(&p->version, "atom03");
	else
		set_str(&p->version, "atom");
}

static void
en_channel(struct fp *p, const char *tag)
{
	(void)tag;
	p->infeed = 0;
}

static void
st_image(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	if (!p->inentry)
		p->feed_has_image = 1;
	p->inimage = 1;
	p->title_depth = -1;
	fp_push(p, "image", 0);
}

static void
en_image(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "image"));
	p->inimage = 0;
}

static void
st_textinput(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->intextinput = 1;
	p->title_depth = -1;
	fp_push(p, "textinput", 0);
}

static void
en_textinput(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "textinput"));
	p->intextinput = 0;
}

static void
st_author(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c;

	(void)tag;
	(void)a;
	(void)n;
	p->inauthor = 1;
	fp_push(p, "author", 1);
	c = fp_context(p);
	person_free(&c->cur_author);
	c->nauthors++;
}

static void
en_author(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "author"));
	p->inauthor = 0;
	fp_sync_author(p);
}

static void
st_contributor(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->incontributor = 1;
	fp_push(p, "contributor", 0);
}

static void
en_contributor(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "contributor"));
	p->incontributor = 0;
}

static void	 en_name(struct fp *, const char *);

static void
st_dc_contributor(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->incontributor = 1;
	fp_push(p, "name", 0);
}

static void
en_dc_contributor(struct fp *p, const char *tag)
{
	en_name(p, tag);
	p->incontributor = 0;
}

/* Elements whose text is kept under another name, or not at all. */
static const struct {
	const char	*tag;
	const char	*push;
	int		 expecting;
} simple_push[] = {
	{ "created", "created", 1 },
	{ "dcterms_created", "created", 1 },
	{ "dcterms_valid", "validity", 1 },
	{ "dc_publisher", "publisher", 1 },
	{ "email", "email", 0 },
	{ "expirationdate", "expired", 1 },
	{ "generator", "generator", 1 },
	{ "admin_generatoragent", "generator", 1 },
	{ "height", "height", 0 },
	{ "homepage", "href", 1 },
	{ "itunes_email", "email", 0 },
	{ "itunes_image", "itunes_image", 0 },
	{ "itunes_link", "itunes_image", 0 },
	{ "itunes_name", "name", 0 },
	{ "name", "name", 0 },
	{ "newlocation", "newlocation", 1 },
	{ "tags", "tags", 1 },
	{ "uri", "href", 1 },
	{ "url", "href", 1 },
	{ "webmaster", "publisher", 1 },
	{ "width", "width", 0 },
};

static const char *
simple_name(const char *tag)
{
	size_t i;

	for (i = 0; i < NELEM(simple_push); i++)
		if (strcmp(simple_push[i].tag, tag) == 0)
			return simple_push[i].push;
	return tag;
}

static void
st_simple(struct fp *p, const char *tag, char **a, size_t n)
{
	size_t i;

	(void)a;
	(void)n;
	for (i = 0; i < NELEM(simple_push); i++)
		if (strcmp(simple_push[i].tag, tag) == 0) {
			fp_push(p, simple_push[i].push,
			    simple_push[i].expecting);
			return;
		}
}

static void
en_simple(struct fp *p, const char *tag)
{
	free(fp_pop(p, simple_name(tag)));
}

static void
st_itunes_image(struct fp *p, const char *tag, char **a, size_t n)
{
	if ((attr_get(a, n, "href") != NULL || attr_get(a, n, "url") != NULL) &&
	    fp_context(p) == &p->feed)
		p->feed_has_image = 1;
	st_simple(p, tag, a, n);
}

static void
en_name(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = fp_pop(p, "name");
	if (v == NULL)
		return;
	if (p->inpublisher)
		;
	else if (p->inauthor)
		fp_save_author(p, "name", v);
	free(v);
}

static void
en_email(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = fp_pop(p, "email");
	if (v == NULL)
		return;
	if (!p->inpublisher && p->inauthor)
		fp_save_author(p, "email", v);
	free(v);
}

static void
en_url(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = fp_pop(p, "href");
	if (v == NULL)
		return;
	if (p->inauthor)
		fp_save_author(p, "href", v);
	free(v);
}

static void
st_itunes_owner(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->inpublisher = 1;
	fp_push(p, "publisher", 0);
}

static void
en_itunes_owner(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "publisher"));
	p->inpublisher = 0;
}

static void
st_subtitle(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "subtitle", a, n, "text/plain", 1);
}

static void
en_subtitle(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop_content(p, "subtitle"));
}

static void
st_rights(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "rights", a, n, "text/plain", 1);
}

static void
en_rights(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop_content(p, "rights"));
}

static void
st_info(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "info", a, n, "text/plain", 1);
}

static void
en_info(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop_content(p, "info"));
}

static void
st_item(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c;
	const char *about;

	(void)tag;
	if (p->nentries >= FEED_MAX_ENTRIES)
		p->entry_overflow = 1;
	else {
		if (p->nentries == p->capentries) {
			p->capentries = p->capentries ? p->capentries * 2 : 16;
			p->entries = xreallocarray(p->entries, p->capentries,
			    sizeof(*p->entries));
		}
		memset(&p->entries[p->nentries], 0, sizeof(*p->entries));
		p->nentries++;
	}
	fp_push(p, "item", 0);
	p->inentry = 1;
	p->guidislink = 0;
	p->title_depth = -1;
	if ((about = attr_get(a, n, "rdf:about")) != NULL && *about != '\0') {
		c = fp_context(p);
		set_str(&c->str[F_ID], about);
	}
	cdf_common(p, a, n);
}

static void
en_item(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "item"));
	p->inentry = 0;
	p->has_content = 0;
}

static void
st_language(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	fp_push(p, "language", 1);
}

static void
en_language(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = fp_pop(p, "language");
	free(p->lang);
	p->lang = v;
}

static void
st_published(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	fp_push(p, "published", 1);
}

static void
en_published(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "published"));
}

static void
st_updated(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	fp_push(p, "updated", 1);
}

static void
en_updated(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "updated"));
}

static void
st_category(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *scheme;

	(void)tag;
	scheme = attr_get(a, n, "scheme");
	if (scheme == NULL)
		scheme = attr_get(a, n, "domain");
	fp_add_tag(p, attr_get(a, n, "term"), scheme, attr_get(a, n, "label"));
	fp_push(p, "category", 1);
}

static void
st_media_category(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *scheme;

	(void)tag;
	scheme = attr_get(a, n, "scheme");
	if (scheme == NULL)
		scheme = "http://search.yahoo.com/mrss/category_schema";
	fp_add_tag(p, attr_get(a, n, "term"), scheme, attr_get(a, n, "label"));
	fp_push(p, "category", 1);
}

static void
st_itunes_category(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_add_tag(p, attr_get(a, n, "text"), "http://www.itunes.com/", NULL);
	fp_push(p, "category", 1);
}

static void
en_category(struct fp *p, const char *tag)
{
	struct fp_ctx *c;
	char *v;

	(void)tag;
	v = fp_pop(p, "category");
	if (v == NULL || *v == '\0') {
		free(v);
		return;
	}
	c = fp_context(p);
	if (c->ntags > 0 && (c->tags[c->ntags - 1].term == NULL ||
	    *c->tags[c->ntags - 1].term == '\0'))
		set_str(&c->tags[c->ntags - 1].term, v);
	else
		fp_add_tag(p, v, NULL, NULL);
	free(v);
}

/* Comma-separated keyword lists become tags. */
static void
split_tags(struct fp *p, char *v, const char *scheme)
{
	char *tok, *save = NULL, *t;

	for (tok = strtok_r(v, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		t = strip_dup(tok, strlen(tok));
		if (*t != '\0')
			fp_add_tag(p, t, scheme, NULL);
		free(t);
	}
}

static void
en_tags(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = fp_pop(p, "tags")) == NULL)
		return;
	split_tags(p, v, NULL);
	free(v);
}

static void
en_itunes_keywords(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = fp_pop(p, "itunes_keywords")) == NULL)
		return;
	split_tags(p, v, "http://www.itunes.com/");
	free(v);
}

static void
en_media_keywords(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	if ((v = fp_pop(p, "media_keywords")) == NULL)
		return;
	split_tags(p, v, NULL);
	free(v);
}

static void
st_link(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c;
	struct feed_link *l = NULL;
	const char *rel, *type, *href;
	char *abs = NULL;

	(void)tag;
	rel = attr_get(a, n, "rel");
	if (rel == NULL)
		rel = "alternate";
	type = attr_get(a, n, "type");
	if (type == NULL)
		type = strcmp(rel, "self") == 0 ? "application/atom+xml" :
		    "text/html";
	c = fp_context(p);
	href = attr_get(a, n, "url");
	if (href == NULL || *href == '\0')
		href = attr_get(a, n, "uri");
	if (href == NULL || *href == '\0')
		href = attr_get(a, n, "href");
	if (href != NULL && *href == '\0' &&
	    attr_get(a, n, "href") == NULL)
		href = NULL;
	if (href != NULL)
		abs = fp_resolve(p, href);
	if (!(p->inentry && p->inimage))
		l = fp_add_link(c);
	if (l != NULL) {
		l->rel = xstrdup(rel);
		l->type = xstrdup(type);
		l->href = xstrdup_or_null(abs);
		l->title = xstrdup_or_null(attr_get(a, n, "title"));
		l->length = xstrdup_or_null(attr_get(a, n, "length"));
		l->hreflang = xstrdup_or_null(attr_get(a, n, "hreflang"));
	}
	if (abs != NULL) {
		if (strcmp(rel, "alternate") == 0 && is_html_type(type))
			set_str(&c->link, abs);
	} else
		fp_push(p, "link", expecting(p));
	free(abs);
}

static void
en_link(struct fp *p, const char *tag)
{
	(void)tag;
	free(fp_pop(p, "link"));
}

static void
st_guid(struct fp *p, const char *tag, char **a, size_t n)
{
	const char *v;

	(void)tag;
	v = attr_get(a, n, "ispermalink");
	p->guidislink = v == NULL || strcmp(v, "true") == 0;
	fp_push(p, "id", 1);
}

static void
en_guid(struct fp *p, const char *tag)
{
	struct fp_ctx *c;
	char *v;

	(void)tag;
	v = fp_pop(p, "id");
	if (p->guidislink && v != NULL) {
		c = fp_context(p);
		if (c->link == NULL)
			c->link = xstrdup(v);
	}
	free(v);
}

static void
st_title(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "title", a, n, "text/plain", expecting(p));
}

static void
en_title(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	if (p->svgok)
		return;
	v = fp_pop_content(p, "title");
	if (v != NULL && *v != '\0')
		p->title_depth = p->depth;
	free(v);
}

static void
en_media_title(struct fp *p, const char *tag)
{
	int d = p->title_depth;

	en_title(p, tag);
	p->title_depth = d;
}

static int
ctx_has_summary(struct fp *p)
{
	return fp_context(p)->text[F_SUMMARY].value != NULL;
}

static void	 st_content(struct fp *, const char *, char **, size_t);
static void	 en_content(struct fp *, const char *);

static void
st_description(struct fp *p, const char *tag, char **a, size_t n)
{
	if (ctx_has_summary(p) && !p->has_content) {
		p->summary_key = 2;
		st_content(p, tag, a, n);
	} else
		fp_push_content(p, "description", a, n, "text/html",
		    expecting(p));
}

static void
st_abstract(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "description", a, n, "text/plain", expecting(p));
}

static void
en_description(struct fp *p, const char *tag)
{
	if (p->summary_key == 2)
		en_content(p, tag);
	else
		free(fp_pop_content(p, "description"));
	p->summary_key = 0;
}

static void
st_summary(struct fp *p, const char *tag, char **a, size_t n)
{
	if (ctx_has_summary(p) && !p->has_content) {
		p->summary_key = 2;
		st_content(p, tag, a, n);
	} else {
		p->summary_key = 1;
		fp_push_content(p, "summary", a, n, "text/plain", 1);
	}
}

static void
en_summary(struct fp *p, const char *tag)
{
	if (p->summary_key == 2)
		en_content(p, tag);
	else
		free(fp_pop_content(p, "summary"));
	p->summary_key = 0;
}

static void
st_enclosure(struct fp *p, const char *tag, char **a, size_t n)
{
	struct fp_ctx *c = fp_context(p);
	struct feed_link *l;
	const char *href;

	(void)tag;
	href = attr_get(a, n, "url");
	if (href == NULL || *href == '\0')
		href = attr_get(a, n, "uri");
	if (href == NULL || *href == '\0')
		href = attr_get(a, n, "href");
	if ((l = fp_add_link(c)) == NULL)
		return;
	l->rel = xstrdup("enclosure");
	l->href = xstrdup_or_null(href);
	l->type = xstrdup_or_null(attr_get(a, n, "type"));
	l->length = xstrdup_or_null(attr_get(a, n, "length"));
	l->title = xstrdup_or_null(attr_get(a, n, "title"));
	l->hreflang = xstrdup_or_null(attr_get(a, n, "hreflang"));
}

static void
st_source(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	fp_push(p, "source", 1);
	p->insource = 1;
	p->title_depth = -1;
}

static void
en_source(struct fp *p, const char *tag)
{
	(void)tag;
	p->insource = 0;
	free(fp_pop(p, "source"));
}

static void
st_content(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->has_content = 1;
	fp_push_content(p, "content", a, n, "text/plain", 1);
}

static void
st_body(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	fp_push_content(p, "content", a, n, XHTML_TYPE, 1);
}

static void
st_content_encoded(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	p->has_content = 1;
	fp_push_content(p, "content", a, n, "text/html", 1);
}

static void
en_content(struct fp *p, const char *tag)
{
	const char *t;
	struct fp_ctx *c;
	char *v;
	int copy;

	(void)tag;
	t = map_content_type(p->cp.type);
	copy = t != NULL && (strcmp(t, "text/plain") == 0 || is_html_type(t));
	v = fp_pop_content(p, "content");
	if (copy && v != NULL) {
		c = fp_context(p);
		if (c->text[F_SUMMARY].value == NULL)
			c->text[F_SUMMARY].value = xstrdup(v);
	}
	free(v);
}

/* Licenses become links with rel="license", as in feedparser. */
static void
add_license(struct fp *p, const char *href)
{
	struct feed_link *l;

	if (href == NULL || (l = fp_add_link(fp_context(p))) == NULL)
		return;
	l->rel = xstrdup("license");
	l->href = xstrdup(href);
}

static void
st_cc_license(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	add_license(p, attr_get(a, n, "rdf:resource"));
}

static void
st_cc_license_text(struct fp *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	fp_push(p, "license", 1);
}

static void
en_cc_license_text(struct fp *p, const char *tag)
{
	char *v;

	(void)tag;
	v = fp_pop(p, "license");
	add_license(p, v);
	free(v);
}

static const struct fp_handler handlers[] = {
	{ "abstract",		st_abstract,		en_description },
	{ "admin_generatoragent", st_simple,		en_simple },
	{ "author",		st_author,		en_author },
	{ "body",		st_body,		en_content },
	{ "category",		st_category,		en_category },
	{ "cc_license",		st_cc_license,		NULL },
	{ "channel",		st_channel,		en_channel },
	{ "content",		st_content,		en_content },
	{ "content_encoded",	st_content_encoded,	en_content },
	{ "contributor",	st_contributor,		en_contributor },
	{ "copyright",		st_rights,		en_rights },
	{ "created",		st_simple,		en_simple },
	{ "creativecommons_license", st_cc_license_text, en_cc_license_text },
	{ "dc_author",		st_author,		en_author },
	{ "dc_contributor",	st_dc_contributor,	en_dc_contributor },
	{ "dc_creator",		st_author,		en_author },
	{ "dc_date",		st_updated,		en_updated },
	{ "dc_description",	st_description,		en_description },
	{ "dc_language",	st_language,		en_language },
	{ "dc_publisher",	st_simple,		en_simple },
	{ "dc_rights",		st_rights,		en_rights },
	{ "dc_subject",		st_category,		en_category },
	{ "dc_title",		st_title,		en_title },
	{ "dcterms_created",	st_simple,		en_simple },
	{ "dcterms_issued",	st_published,		en_published },
	{ "dcterms_modified",	st_updated,		en_updated },
	{ "dcterms_valid",	st_simple,		en_simple },
	{ "description",	st_description,		en_description },
	{ "email",		st_simple,		en_email },
	{ "enclosure",		st_enclosure,		NULL },
	{ "entry",		st_item,		en_item },
	{ "expirationdate",	st_simple,		en_simple },
	{ "feed",		st_feed,		en_channel },
	{ "feedburner_browserfriendly", st_info,	en_info },
	{ "fullitem",		st_content_encoded,	en_content },
	{ "generator",		st_simple,		en_simple },
	{ "guid",		st_guid,		en_guid },
	{ "height",		st_simple,		en_simple },
	{ "homepage",		st_simple,		en_url },
	{ "id",			st_guid,		en_guid },
	{ "image",		st_image,		en_image },
	{ "info",		st_info,		en_info },
	{ "issued",		st_published,		en_published },
	{ "item",		st_item,		en_item },
	{ "itunes_author",	st_author,		en_author },
	{ "itunes_category",	st_itunes_category,	en_category },
	{ "itunes_email",	st_simple,		en_email },
	{ "itunes_image",	st_itunes_image,	en_simple },
	{ "itunes_keywords",	NULL,			en_itunes_keywords },
	{ "itunes_link",	st_itunes_image,	en_simple },
	{ "itunes_name",	st_simple,		en_name },
	{ "itunes_owner",	st_itunes_owner,	en_itunes_owner },
	{ "itunes_subtitle",	st_subtitle,		en_subtitle },
	{ "itunes_summary",	st_summary,		en_summary },
	{ "keywords",		st_category,		en_category },
	{ "language",		st_language,		en_language },
	{ "lastbuilddate",	st_updated,		en_updated },
	{ "link",		st_link,		en_link },
	{ "managingeditor",	st_author,		en_author },
	{ "media_category",	st_media_category,	en_category },
	{ "media_description",	st_description,		en_description },
	{ "media_keywords",	NULL,			en_media_keywords },
	{ "media_title",	st_title,		en_media_title },
	{ "modified",		st_updated,		en_updated },
	{ "name",		st_simple,		en_name },
	{ "newlocation",	st_simple,		en_simple },
	{ "pubdate",		st_published,		en_published },
	{ "published",		st_published,		en_published },
	{ "rights",		st_rights,		en_rights },
	{ "rss",		st_rss,			NULL },
	{ "source",		st_source,		en_source },
	{ "subtitle",		st_subtitle,		en_subtitle },
	{ "summary",		st_summary,		en_summary },
	{ "tagline",		st_subtitle,		en_subtitle },
	{ "tags",		st_simple,		en_tags },
	{ "textinput",		st_textinput,		en_textinput },
	{ "title",		st_title,		en_title },
	{ "updated",		st_updated,		en_updated },
	{ "uri",		st_simple,		en_url },
	{ "url",		st_simple,		en_url },
	{ "webmaster",		st_simple,		en_simple },
	{ "width",		st_simple,		en_simple },
	{ "xhtml_body",		st_body,		en_content },
};

static int
handler_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fp_handler *)elem)->name);
}

static const struct fp_handler *
handler_find(const char *name)
{
	return bsearch(name, handlers, NELEM(handlers), sizeof(handlers[0]),
	    handler_cmp);
}

/* Known namespace URI to feedparser's prefix, or NULL. */
static const char *
known_prefix(const char *lowernsuri)
{
	size_t i;

	for (i = 0; i < NELEM(known_ns); i++)
		if (strcmp(known_ns[i][0], lowernsuri) == 0)
			return known_ns[i][1];
	return NULL;
}

static void
track_namespace(struct fp *p, const char *prefix, const char *uri)
{
	char *l = lower_dup(uri, strlen(uri));

	if (p->version == NULL || *p->version == '\0') {
		if (prefix == NULL &&
		    strcmp(l, "http://my.netscape.com/rdf/simple/0.9/") == 0)
			set_str(&p->version, "rss090");
		else if (strcmp(l, "http://purl.org/rss/1.0/") == 0)
			set_str(&p->version, "rss10");
		else if (strcmp(l, "http://www.w3.org/2005/atom") == 0)
			set_str(&p->version, "atom10");
	}
	if (strstr(l, "backend.userland.com/rss") == NULL &&
	    known_prefix(l) == NULL && p->nns < 256) {
		p->ns_prefix = xreallocarray(p->ns_prefix, p->nns + 1,
		    sizeof(*p->ns_prefix));
		p->ns_prefix[p->nns++] = xstrdup(prefix ? prefix : "");
	}
	free(l);
}

static void
xhtml_attrs(struct buf *b, char **a, size_t n)
{
	size_t i;
	const char *v;

	for (i = 0; i < n; i += 2) {
		buf_printf(b, " %s=\"", a[i]);
		for (v = a[i + 1]; *v != '\0'; v++) {
			if (*v == '&')
				buf_addstr(b, "&amp;");
			else if (*v == '<')
				buf_addstr(b, "&lt;");
			else if (*v == '>')
				buf_addstr(b, "&gt;");
			else if (*v == '"')
				buf_addstr(b, "&quot;");
			else
				buf_addc(b, *v);
		}
		buf_addc(b, '"');
	}
}

static int
cp_type_is_xml(const struct fp *p)
{
	const char *t = p->cp.type != NULL ? p->cp.type : "xml";
	size_t n = strlen(t);

	return n >= 3 && strcmp(t + n - 3, "xml") == 0;
}

static void
stack_push(struct fp *p)
{
	if (p->nstack == p->capstack) {
		p->capstack = p->capstack ? p->capstack * 2 : 32;
		p->basestack = xreallocarray(p->basestack, p->capstack,
		    sizeof(char *));
		p->langstack = xreallocarray(p->langstack, p->capstack,
		    sizeof(char *));
	}
	p->basestack[p->nstack] = xstrdup_or_null(p->baseuri);
	p->langstack[p->nstack] = xstrdup_or_null(p->lang);
	p->nstack++;
}

/* feedparser's unknown_starttag. */
static void
fp_starttag(struct fp *p, const char *tag, char **a, size_t n,
    const xmlChar *uri)
{
	const char *b, *l, *colon, *suffix;
	const struct fp_handler *h;
	char *nb, *name, *pfx;
	struct buf t;
	int add_xmlns = 0;

	p->depth++;
	b = attr_get(a, n, "xml:base");
	if (b == NULL)
		b = attr_get(a, n, "base");
	if (b == NULL || *b == '\0')
		b = p->baseuri;
	if (p->baseuri != NULL && *p->baseuri != '\0') {
		nb = feed__safe_uri(p->baseuri, b);
		if (*nb != '\0')
			set_str(&p->baseuri, nb);
		free(nb);
	} else {
		nb = feed__urljoin(p->baseuri, b);
		free(p->baseuri);
		p->baseuri = nb;
	}
	l = attr_get(a, n, "xml:lang");
	if (l == NULL)
		l = attr_get(a, n, "lang");
	if (l != NULL && *l == '\0')
		set_str(&p->lang, NULL);
	else if (l != NULL)
		set_str(&p->lang, l);
	if (p->lang != NULL && *p->lang != '\0' && (strcmp(tag, "feed") == 0 ||
	    strcmp(tag, "rss") == 0)) {
		char *q;

		set_str(&p->feed.str[F_LANGUAGE], p->lang);
		for (q = p->feed.str[F_LANGUAGE]; *q != '\0'; q++)
			if (*q == '_')
				*q = '-';
	}
	stack_push(p);

	if (p->incontent && !cp_type_is_xml(p)) {
		if (strcmp(tag, "xhtml:div") == 0 || strcmp(tag, "div") == 0)
			return;
		set_str(&p->cp.type, XHTML_TYPE);
	}
	if (p->incontent && p->cp.type != NULL &&
	    strcmp(p->cp.type, XHTML_TYPE) == 0) {
		if ((colon = strchr(tag, ':')) != NULL)
			tag = colon + 1;
		if (uri != NULL && ((strcmp(tag, "math") == 0 &&
		    strcmp((const char *)uri,
		    "http://www.w3.org/1998/Math/MathML") == 0) ||
		    (strcmp(tag, "svg") == 0 && strcmp((const char *)uri,
		    "http://www.w3.org/2000/svg") == 0)) &&
		    attr_get(a, n, "xmlns") == NULL)
			add_xmlns = 1;
		if (strcmp(tag, "svg") == 0)
			p->svgok++;
		buf_init(&t);
		buf_printf(&t, "<%s", tag);
		xhtml_attrs(&t, a, n);
		if (add_xmlns)
			buf_printf(&t, " xmlns=\"%s\"", (const char *)uri);
		buf_addc(&t, '>');
		fp_data(p, t.data, t.len, 0);
		buf_free(&t);
		return;
	}

	if ((colon = strchr(tag, ':')) != NULL) {
		pfx = xstrndup(tag, (size_t)(colon - tag));
		suffix = colon + 1;
	} else {
		pfx = xstrdup("");
		suffix = tag;
	}
	if (*pfx == '\0') {
		if (strcmp(tag, "title") != 0 && strcmp(tag, "link") != 0 &&
		    strcmp(tag, "description") != 0 &&
		    strcmp(tag, "name") != 0)
			p->intextinput = 0;
		if (strcmp(tag, "title") != 0 && strcmp(tag, "link") != 0 &&
		    strcmp(tag, "description") != 0 &&
		    strcmp(tag, "url") != 0 && strcmp(tag, "href") != 0 &&
		    strcmp(tag, "width") != 0 && strcmp(tag, "height") != 0)
			p->inimage = 0;
	}
	name = *pfx != '\0' ? xasprintf("%s_%s", pfx, suffix) :
	    xstrdup(suffix);
	free(pfx);
	if (p->svgok && strcmp(name, "title") == 0)
		h = NULL;
	else
		h = handler_find(name);
	if (h != NULL && h->start != NULL)
		h->start(p, name, a, n);
	else if (h != NULL && h->start == NULL && n > 0)
		;
	else if (n == 0)
		fp_push(p, name, 1);
	free(name);
}

/* feedparser's unknown_endtag. */
static void
fp_endtag(struct fp *p, const char *tag)
{
	const char *colon, *suffix;
	const struct fp_handler *h;
	char *name, *pfx;

	if ((colon = strchr(tag, ':')) != NULL) {
		pfx = xstrndup(tag, (size_t)(colon - tag));
		suffix = colon + 1;
	} else {
		pfx = xstrdup("");
		suffix = tag;
	}
	name = *pfx != '\0' ? xasprintf("%s_%s", pfx, suffix) :
	    xstrdup(suffix);
	free(pfx);
	if (strcmp(suffix, "svg") == 0 && p->svgok)
		p->svgok--;
	h = p->svgok ? NULL : handler_find(name);
	if (h != NULL && h->end != NULL)
		h->end(p, name);
	else
		free(fp_pop(p, name));
	free(name);

	if (p->incontent && !cp_type_is_xml(p)) {
		if (strcmp(tag, "xhtml:div") == 0 || strcmp(tag, "div") == 0)
			return;
		set_str(&p->cp.type, XHTML_TYPE);
	}
	if (p->incontent && p->cp.type != NULL &&
	    strcmp(p->cp.type, XHTML_TYPE) == 0) {
		struct buf t;

		if ((colon = strrchr(tag, ':')) != NULL)
			tag = colon + 1;
		buf_init(&t);
		buf_printf(&t, "</%s>", tag);
		fp_data(p, t.data, t.len, 0);
		buf_free(&t);
	}
	if (p->nstack > 0) {
		p->nstack--;
		free(p->basestack[p->nstack]);
		free(p->langstack[p->nstack]);
		if (p->nstack > 0 && p->basestack[p->nstack - 1] != NULL &&
		    *p->basestack[p->nstack - 1] != '\0')
			set_str(&p->baseuri, p->basestack[p->nstack - 1]);
		if (p->nstack > 0)
			set_str(&p->lang, p->langstack[p->nstack - 1]);
	}
	p->depth--;
}

/* libxml2 SAX2 callbacks. */

/* The element's name as feedparser's strict parser spells it. */
static char *
sax_name(struct fp *p, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	const char *kp;
	char *l, *ln, *r;

	(void)p;
	l = lower_dup(uri ? (const char *)uri : "",
	    uri ? strlen((const char *)uri) : 0);
	if (strstr(l, "backend.userland.com/rss") != NULL)
		set_str(&l, "http://backend.userland.com/rss");
	kp = known_prefix(l);
	if (kp == NULL)
		kp = prefix ? (const char *)prefix : NULL;
	if (prefix != NULL && uri == NULL)
		fp_set_error(p, "undeclared namespace prefix");
	ln = lower_dup((const char *)localname,
	    strlen((const char *)localname));
	if (kp != NULL && *kp != '\0') {
		char *lp = lower_dup(kp, strlen(kp));

		r = xasprintf("%s:%s", lp, ln);
		free(lp);
		free(ln);
	} else
		r = ln;
	free(l);
	return r;
}

static void
attrs_add(char ***a, size_t *n, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i < *n; i += 2)
		if (strcmp((*a)[i], k) == 0) {
			set_str(&(*a)[i + 1], v);
			return;
		}
	*a = xreallocarray(*a, *n + 2, sizeof(char *));
	(*a)[*n] = xstrdup(k);
	(*a)[*n + 1] = xstrdup(v);
	*n += 2;
}

/*
 * An attribute value as the application should see it: libxml2 leaves
 * "&#38;" for an escaped ampersand, and our entities as placeholders.
 */
static char *
attr_value(struct fp *p, const char *v, size_t n, size_t *ai)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_addstr(&b, "");
	for (i = 0; i < n; i++) {
		if (v[i] == '&' && n - i >= 5 && strncmp(v + i, "&#38;", 5) == 0) {
			buf_addc(&b, '&');
			i += 4;
		} else if (v[i] == '\x01' && *ai < p->nattr_ents)
			buf_addstr(&b, p->attr_ents[(*ai)++]);
		else
			buf_addc(&b, v[i]);
	}
	return buf_release(&b);
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct fp *p = ctx;
	char **a = NULL, *name, *k, *v, *lns, *tmp;
	const char *kp;
	size_t n = 0, i, ai = 0;
	int j;

	(void)nb_defaulted;
	if (p->hostile)
		return;
	if (!p->root_seen) {
		p->root_seen = 1;
		p->root = prefix ? xasprintf("%s:%s", (const char *)prefix,
		    (const char *)localname) : xstrdup((const char *)localname);
	}
	for (j = 0; j < nb_namespaces; j++) {
		const xmlChar *np = namespaces[2 * j], *nu = namespaces[2 * j + 1];

		if (nu != NULL && *nu != '\0')
			track_namespace(p, (const char *)np, (const char *)nu);
	}
	name = sax_name(p, localname, prefix, uri);
	for (j = 0; j < nb_attributes; j++) {
		const xmlChar **at = attributes + 5 * j;
		const char *al = (const char *)at[0];
		const char *ap = (const char *)at[1];
		const char *au = (const char *)at[2];

		v = attr_value(p, (const char *)at[3],
		    (size_t)(at[4] - at[3]), &ai);
		lns = lower_dup(au ? au : "", au ? strlen(au) : 0);
		kp = known_prefix(lns);
		if (kp != NULL && *kp != '\0') {
			tmp = xasprintf("%s:%s", kp, al);
			k = lower_dup(tmp, strlen(tmp));
			free(tmp);
			attrs_add(&a, &n, k, v);
			free(k);
		}
		free(lns);
		tmp = ap ? xasprintf("%s:%s", ap, al) : xstrdup(al);
		k = lower_dup(tmp, strlen(tmp));
		free(tmp);
		attrs_add(&a, &n, k, v);
		free(k);
		free(v);
	}
	for (i = 0; i < n; i += 2)
		if (strcmp(a[i], "rel") == 0 || strcmp(a[i], "type") == 0) {
			tmp = lower_dup(a[i + 1], strlen(a[i + 1]));
			free(a[i + 1]);
			a[i + 1] = tmp;
		}
	if (p->nopen == p->capopen) {
		p->capopen = p->capopen ? p->capopen * 2 : 32;
		p->open = xreallocarray(p->open, p->capopen, sizeof(*p->open));
	}
	p->open[p->nopen].qname = prefix ? xasprintf("%s:%s",
	    (const char *)prefix, (const char *)localname) :
	    xstrdup((const char *)localname);
	p->open[p->nopen].tag = xstrdup(name);
	p->open[p->nopen].closed = p->nopen >= FEED_MAX_DEPTH;
	p->nopen++;
	if (p->nopen <= FEED_MAX_DEPTH)
		fp_starttag(p, name, a, n, uri);
	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
	free(name);
	for (i = 0; i < p->nattr_ents; i++)
		free(p->attr_ents[i]);
	p->nattr_ents = 0;
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct fp *p = ctx;
	struct fp_open *o;
	size_t i, k;

	(void)localname;
	(void)prefix;
	(void)uri;
	if (p->hostile || p->nopen == 0)
		return;
	o = &p->open[--p->nopen];
	if (!o->closed)
		fp_endtag(p, o->tag);
	free(o->qname);
	free(o->tag);
	/*
	 * After "</item>" closed an unclosed "<b>", libxml2 still thinks the
	 * item is open.  Close it (and what it holds) here, as an HTML
	 * parser would, so the next item is not read as part of this one.
	 */
	if (p->pending_close == NULL)
		return;
	for (i = p->nopen; i > 0; i--)
		if (!p->open[i - 1].closed &&
		    strcmp(p->open[i - 1].qname, p->pending_close) == 0)
			break;
	if (i > 0)
		for (k = p->nopen; k >= i; k--) {
			if (!p->open[k - 1].closed) {
				p->open[k - 1].closed = 1;
				fp_endtag(p, p->open[k - 1].tag);
			}
		}
	free(p->pending_close);
	p->pending_close = NULL;
}

/* At the end of a truncated document every open element is closed. */
static void
close_all(struct fp *p)
{
	while (p->nopen > 0) {
		p->nopen--;
		if (!p->open[p->nopen].closed && !p->hostile)
			fp_endtag(p, p->open[p->nopen].tag);
		free(p->open[p->nopen].qname);
		free(p->open[p->nopen].tag);
	}
}

static void
sax_chars(void *ctx, const xmlChar *s, int len)
{
	struct fp *p = ctx;

	if (p->hostile || len <= 0)
		return;
	fp_data(p, (const char *)s, (size_t)len, 1);
}

static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	struct fp *p = ctx;
	struct fp_entity *e;
	size_t i;

	(void)publicId;
	(void)systemId;
	/* External entities are never loaded: only internal ones count. */
	if (type != XML_INTERNAL_GENERAL_ENTITY || content == NULL)
		return;
	for (i = 0; i < p->nents; i++)
		if (strcmp(p->ents[i].name, (const char *)name) == 0)
			return;		/* the first declaration binds */
	if (p->nents >= FEED_MAX_ENTITIES) {
		fp_hostile(p, "too many entity declarations");
		return;
	}
	p->ents = xreallocarray(p->ents, p->nents + 1, sizeof(*p->ents));
	e = &p->ents[p->nents++];
	e->name = xstrdup((const char *)name);
	e->value = xstrdup((const char *)content);
}

/*
 * Expands an internal entity's value into out, references included,
 * charging every byte to the document's budget.  Returns -1 when the
 * budget or the nesting depth runs out.
 */
static int
expand_entity(struct fp *p, const char *v, struct buf *out, int level)
{
	const htmlEntityDesc *hd;
	const char *semi;
	char *nm;
	size_t i;
	unsigned long c;
	int r;

	if (level > 8)
		return -1;
	while (*v != '\0') {
		if (p->expansion + out->len > FEED_MAX_EXPANSION)
			return -1;
		if (*v != '&' || (semi = strchr(v, ';')) == NULL) {
			buf_addc(out, *v++);
			continue;
		}
		nm = xstrndup(v + 1, (size_t)(semi - v - 1));
		v = semi + 1;
		r = 0;
		if (nm[0] == '#') {
			c = nm[1] == 'x' || nm[1] == 'X' ?
			    strtoul(nm + 2, NULL, 16) : strtoul(nm + 1, NULL, 10);
			if (c > 0 && c < 0x110000)
				feed__utf8_put(out, (unsigned int)c);
		} else if (strcmp(nm, "lt") == 0)
			buf_addc(out, '<');
		else if (strcmp(nm, "gt") == 0)
			buf_addc(out, '>');
		else if (strcmp(nm, "amp") == 0)
			buf_addc(out, '&');
		else if (strcmp(nm, "quot") == 0)
			buf_addc(out, '"');
		else if (strcmp(nm, "apos") == 0)
			buf_addc(out, '\'');
		else {
			for (i = 0; i < p->nents; i++)
				if (strcmp(p->ents[i].name, nm) == 0)
					break;
			if (i < p->nents)
				r = expand_entity(p, p->ents[i].value, out,
				    level + 1);
			else if ((hd = htmlEntityLookup((const xmlChar *)nm))
			    != NULL)
				feed__utf8_put(out, hd->value);
		}
		free(nm);
		if (r < 0)
			return -1;
	}
	return p->expansion + out->len > FEED_MAX_EXPANSION ? -1 : 0;
}

/*
 * Every entity is handed back as a "predefined" one holding its expanded
 * text: libxml2 then inlines it as characters, even in recovery mode, and
 * never parses or loads anything for it.  In attribute values libxml2
 * copies only the first byte of a predefined entity, so there the value is
 * a placeholder byte that sax_start swaps for the queued expansion.
 */
static xmlEntityPtr
sax_get_entity(void *ctx, const xmlChar *name)
{
	struct fp *p = ctx;
	const htmlEntityDesc *hd;
	size_t i;
	char msg[160];

	if (p->hostile)
		return NULL;
	buf_reset(&p->entbuf);
	for (i = 0; i < p->nents; i++)
		if (strcmp(p->ents[i].name, (const char *)name) == 0)
			break;
	if (i < p->nents) {
		if (expand_entity(p, p->ents[i].value, &p->entbuf, 0) < 0) {
			fp_hostile(p, "entity expansion limit exceeded");
			return NULL;
		}
	} else if ((hd = htmlEntityLookup(name)) != NULL ||
	    strcmp((const char *)name, "apos") == 0) {
		feed__utf8_put(&p->entbuf, hd ? hd->value : '\'');
		snprintf(msg, sizeof(msg), "undefined entity &%s;",
		    (const char *)name);
		fp_set_error(p, msg);
	} else {
		/* Unknown everywhere: kept as written, as HTML parsers do. */
		buf_printf(&p->entbuf, "&%s;", (const char *)name);
		snprintf(msg, sizeof(msg), "undefined entity &%s;",
		    (const char *)name);
		fp_set_error(p, msg);
	}
	p->expansion += p->entbuf.len;
	if (p->expansion > FEED_MAX_EXPANSION) {
		fp_hostile(p, "entity expansion limit exceeded");
		return NULL;
	}
	buf_addstr(&p->entbuf, "");
	memset(&p->ent, 0, sizeof(p->ent));
	p->ent.type = XML_ENTITY_DECL;
	p->ent.name = name;
	p->ent.etype = XML_INTERNAL_PREDEFINED_ENTITY;
	if (p->ctxt != NULL && p->ctxt->instate == XML_PARSER_START_TAG) {
		if (p->nattr_ents >= 4096)
			return NULL;
		p->attr_ents = xreallocarray(p->attr_ents, p->nattr_ents + 1,
		    sizeof(char *));
		p->attr_ents[p->nattr_ents++] = xstrdup(p->entbuf.data);
		buf_reset(&p->entbuf);
		buf_addstr(&p->entbuf, "\x01");
	}
	p->ent.content = (xmlChar *)p->entbuf.data;
	p->ent.orig = (xmlChar *)p->entbuf.data;
	p->ent.length = (int)p->entbuf.len;
	return &p->ent;
}

static xmlEntityPtr
sax_get_pentity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static xmlParserInputPtr
sax_resolve(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
	(void)ctx;
	(void)publicId;
	(void)systemId;
	return NULL;
}

static void
sax_serror(void *ctx, xmlErrorPtr e)
{
	struct fp *p = ctx;
	char msg[512];

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (e->code == XML_ERR_TAG_NAME_MISMATCH && e->str2 != NULL)
		set_str(&p->pending_close, e->str2);
	snprintf(msg, sizeof(msg), "line %d: %s", e->line,
	    e->message ? e->message : "XML error");
	fp_set_error(p, msg);
}

/* Conversion from the parse state to the public model. */

static int
root_is_feed(const char *root)
{
	const char *c = strchr(root, ':');
	char *l;
	int r;

	l = lower_dup(c ? c + 1 : root, strlen(c ? c + 1 : root));
	r = strcmp(l, "rss") == 0 || strcmp(l, "feed") == 0 ||
	    strcmp(l, "rdf") == 0 || strcmp(l, "channel") == 0;
	free(l);
	return r;
}

static void
ctx_free(struct fp_ctx *c)
{
	struct feed_entry e;
	int f;

	memset(&e, 0, sizeof(e));
	e.content = c->content;
	e.ncontent = c->ncontent;
	e.links = c->links;
	e.nlinks = c->nlinks;
	e.tags = c->tags;
	e.ntags = c->ntags;
	e.link = c->link;
	e.author_detail = c->author_detail;
	feed__entry_free(&e);
	for (f = 0; f < F_NFIELDS; f++) {
		feed__text_free(&c->text[f]);
		free(c->str[f]);
		free(c->date[f].raw);
	}
	person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

static void
ctx_to_entry(struct fp_ctx *c, struct feed_entry *e)
{
	size_t i, n = 0;

	memset(e, 0, sizeof(*e));
	e->title = c->text[F_TITLE];
	e->summary = c->text[F_SUMMARY];
	e->rights = c->text[F_RIGHTS];
	e->content = c->content;
	e->ncontent = c->ncontent;
	e->link = c->link;
	e->links = c->links;
	e->nlinks = c->nlinks;
	e->id = c->str[F_ID];
	e->language = c->str[F_LANGUAGE];
	e->author = c->str[F_AUTHOR];
	if (c->has_author_detail)
		e->author_detail = c->author_detail;
	else
		person_free(&c->author_detail);
	e->published = c->date[F_PUBLISHED];
	e->updated = c->date[F_UPDATED];
	e->tags = c->tags;
	e->ntags = c->ntags;
	for (i = 0; i < c->nlinks; i++)
		if (c->links[i].rel && strcmp(c->links[i].rel, "enclosure") == 0)
			n++;
	if (n > 0) {
		e->enclosures = xcalloc(n, sizeof(*e->enclosures));
		for (i = 0; i < c->nlinks; i++) {
			struct feed_link *l = &c->links[i];

			if (l->rel == NULL || strcmp(l->rel, "enclosure") != 0)
				continue;
			e->enclosures[e->nenclosures].href =
			    xstrdup_or_null(l->href);
			e->enclosures[e->nenclosures].type =
			    xstrdup_or_null(l->type);
			e->enclosures[e->nenclosures].length =
			    xstrdup_or_null(l->length);
			e->nenclosures++;
		}
	}
	feed__text_free(&c->text[F_SUBTITLE]);
	person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

static void
ctx_to_doc(struct fp_ctx *c, struct feed_doc *d)
{
	d->title = c->text[F_TITLE];
	d->subtitle = c->text[F_SUBTITLE];
	d->rights = c->text[F_RIGHTS];
	d->summary = c->text[F_SUMMARY];
	d->link = c->link;
	d->links = c->links;
	d->nlinks = c->nlinks;
	d->id = c->str[F_ID];
	d->language = c->str[F_LANGUAGE];
	d->author = c->str[F_AUTHOR];
	if (c->has_author_detail)
		d->author_detail = c->author_detail;
	else
		person_free(&c->author_detail);
	d->published = c->date[F_PUBLISHED];
	d->updated = c->date[F_UPDATED];
	d->tags = c->tags;
	d->ntags = c->ntags;
	free(c->content);	/* feed-level content is not modelled */
	person_free(&c->cur_author);
	memset(c, 0, sizeof(*c));
}

static void
fp_free(struct fp *p)
{
	size_t i;

	ctx_free(&p->feed);
	ctx_free(&p->sink);
	for (i = 0; i < p->nentries; i++)
		ctx_free(&p->entries[i]);
	free(p->entries);
	for (i = 0; i < p->nes; i++)
		elem_free(&p->es[i]);
	free(p->es);
	for (i = 0; i < p->nstack; i++) {
		free(p->basestack[i]);
		free(p->langstack[i]);
	}
	free(p->basestack);
	free(p->langstack);
	for (i = 0; i < p->nns; i++)
		free(p->ns_prefix[i]);
	free(p->ns_prefix);
	for (i = 0; i < p->nents; i++) {
		free(p->ents[i].name);
		free(p->ents[i].value);
	}
	free(p->ents);
	buf_free(&p->entbuf);
	for (i = 0; i < p->nattr_ents; i++)
		free(p->attr_ents[i]);
	free(p->attr_ents);
	free(p->cp.type);
	free(p->cp.lang);
	free(p->cp.base);
	free(p->version);
	free(p->baseuri);
	free(p->lang);
	free(p->error);
	free(p->hostile_msg);
	free(p->root);
	for (i = 0; i < p->nopen; i++) {
		free(p->open[i].qname);
		free(p->open[i].tag);
	}
	free(p->open);
	free(p->pending_close);
}

static int
name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || isdigit(c) || c == '-' || c == '.';
}

/*
 * Length of a well-formed reference at s ("&name;", "&#N;", "&#xN;"), or
 * 0.  "&#X41;" is accepted too and reported through *upper.
 */
static size_t
ref_len(const char *s, size_t n, int *upper)
{
	size_t i = 1;

	*upper = 0;
	if (i < n && s[i] == '#') {
		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			*upper = s[i] == 'X';
			i++;
			while (i < n && isxdigit((unsigned char)s[i]))
				i++;
			if (i == 3)
				return 0;
		} else {
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			if (i == 2)
				return 0;
		}
		return i < n && s[i] == ';' ? i + 1 : 0;
	}
	if (i >= n || !name_start((unsigned char)s[i]))
		return 0;
	while (i < n && name_char((unsigned char)s[i]))
		i++;
	return i < n && s[i] == ';' ? i + 1 : 0;
}

/*
 * Bare ampersands ("?a=1&b=2") are the commonest way feeds break XML; as
 * HTML parsers do, they are read as literal text.  Comments, CDATA and
 * processing instructions are copied as they are.  Returns NULL when the
 * document needed no change.
 */
static char *
fix_ampersands(const char *s, size_t n, size_t *outlen)
{
	struct buf b;
	const char *end;
	size_t i, k, last = 0;
	int changed = 0, upper;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (s[i] == '<' && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			end = memmem(s + i + 4, n - i - 4, "-->", 3);
			i = end ? (size_t)(end - s) + 2 : n;
			continue;
		}
		if (s[i] == '<' && n - i >= 9 &&
		    memcmp(s + i, "<![CDATA[", 9) == 0) {
			end = memmem(s + i + 9, n - i - 9, "]]>", 3);
			i = end ? (size_t)(end - s) + 2 : n;
			continue;
		}
		if (s[i] == '<' && n - i >= 2 && s[i + 1] == '?') {
			end = memmem(s + i + 2, n - i - 2, "?>", 2);
			i = end ? (size_t)(end - s) + 1 : n;
			continue;
		}
		if (s[i] != '&')
			continue;
		k = ref_len(s + i, n - i, &upper);
		if (k > 0 && !upper)
			continue;
		buf_add(&b, s + last, i - last);
		if (k > 0) {
			buf_addstr(&b, "&#x");
			last = i + 3;
		} else {
			buf_addstr(&b, "&amp;");
			last = i + 1;
		}
		changed = 1;
	}
	if (!changed) {
		buf_free(&b);
		return NULL;
	}
	buf_add(&b, s + last, n - last);
	*outlen = b.len;
	return buf_release(&b);
}

/* Does the DOCTYPE name Netscape's RSS 0.91 DTD (feedparser's rss091n)? */
static int
netscape_doctype(const char *s, size_t len)
{
	const char *d, *e, *lt;
	char *dt;
	int r;

	if ((lt = memmem(s, len, "<!DOCTYPE", 9)) == NULL)
		return 0;
	d = lt;
	if ((e = memchr(d, '>', len - (size_t)(d - s))) == NULL)
		return 0;
	dt = lower_dup(d, (size_t)(e - d));
	r = strstr(dt, "netscape") != NULL;
	free(dt);
	return r;
}

struct feed_doc *
feed_parse(const char *buf, size_t len, const struct feed_source *src,
    char *err, size_t errlen)
{
	struct feed__decoded dec;
	struct feed_doc *doc;
	struct fp p;
	xmlSAXHandler sax;
	const char *url = NULL, *ctype = NULL, *cloc = NULL, *clang = NULL;
	size_t off, chunk, i, fixedlen;
	char *base, *fixed;
	int have_headers = 0;

	if (src != NULL) {
		url = src->url;
		ctype = src->content_type;
		cloc = src->content_location;
		clang = src->content_language;
		have_headers = ctype != NULL || cloc != NULL || clang != NULL;
	}
	if (feed__decode(buf, len, ctype, have_headers, &dec, err,
	    errlen) == -1)
		return NULL;

	memset(&p, 0, sizeof(p));
	p.wellformed = 1;
	p.title_depth = -1;
	p.is_utf8 = strcmp(dec.encoding, "utf-8") == 0;
	buf_init(&p.entbuf);
	if (dec.bozo)
		fp_set_error(&p, dec.error);

	/* Content-Location over the document URL, as feedparser does. */
	base = NULL;
	if (url != NULL && cloc != NULL) {
		base = feed__safe_uri(url, cloc);
		if (*base == '\0')
			set_str(&base, NULL);
	}
	if (base == NULL && cloc != NULL) {
		base = feed__safe_uri(cloc, NULL);
		if (*base == '\0')
			set_str(&base, NULL);
	}
	if (base == NULL)
		base = xstrdup(url != NULL ? url : "");
	p.baseuri = base;
	if (clang != NULL && *clang != '\0') {
		p.lang = xstrdup(clang);
		set_str(&p.feed.str[F_LANGUAGE], clang);
		for (i = 0; p.feed.str[F_LANGUAGE][i] != '\0'; i++)
			if (p.feed.str[F_LANGUAGE][i] == '_')
				p.feed.str[F_LANGUAGE][i] = '-';
	}

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_chars;
	sax.cdataBlock = sax_chars;
	sax.getEntity = sax_get_entity;
	sax.getParameterEntity = sax_get_pentity;
	sax.entityDecl = sax_entity_decl;
	sax.resolveEntity = sax_resolve;
	sax.serror = sax_serror;

	p.ctxt = xmlCreatePushParserCtxt(&sax, &p, NULL, 0, url);
	if (p.ctxt == NULL) {
		snprintf(err, errlen, "cannot create XML parser");
		feed__decoded_free(&dec);
		fp_free(&p);
		return NULL;
	}
	xmlCtxtUseOptions(p.ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	xmlSwitchEncoding(p.ctxt, XML_CHAR_ENCODING_UTF8);
	if ((fixed = fix_ampersands(dec.utf8, dec.len, &fixedlen)) != NULL) {
		fp_set_error(&p, "not well-formed (invalid token: bare \"&\")");
		free(dec.utf8);
		dec.utf8 = fixed;
		dec.len = fixedlen;
	}
	for (off = 0; off < dec.len && !p.hostile; off += chunk) {
		chunk = dec.len - off < 65536 ? dec.len - off : 65536;
		if (xmlParseChunk(p.ctxt, dec.utf8 + off, (int)chunk, 0) != 0 &&
		    p.ctxt->disableSAX == 2)
			break;
	}
	if (!p.hostile)
		xmlParseChunk(p.ctxt, NULL, 0, 1);
	close_all(&p);
	/* libxml2 keeps declared entities in a stub document of its own. */
	if (p.ctxt->myDoc != NULL) {
		xmlFreeDoc(p.ctxt->myDoc);
		p.ctxt->myDoc = NULL;
	}
	xmlFreeParserCtxt(p.ctxt);
	p.ctxt = NULL;

	if (p.hostile) {
		snprintf(err, errlen, "%s", p.hostile_msg);
		feed__decoded_free(&dec);
		fp_free(&p);
		return NULL;
	}
	if (p.root == NULL || !root_is_feed(p.root)) {
		if (p.root == NULL)
			snprintf(err, errlen, "not a feed (no root element)");
		else
			snprintf(err, errlen, "not a feed (root element <%s>)",
			    p.root);
		feed__decoded_free(&dec);
		fp_free(&p);
		return NULL;
	}

	doc = xcalloc(1, sizeof(*doc));
	doc->wellformed = p.wellformed;
	doc->error = p.error;
	p.error = NULL;
	doc->encoding = dec.encoding;
	dec.encoding = NULL;
	if (netscape_doctype(dec.utf8, dec.len))
		set_str(&p.version, "rss091n");
	doc->version = p.version != NULL ? p.version : xstrdup("");
	p.version = NULL;
	ctx_to_doc(&p.feed, doc);
	if (p.nentries > 0) {
		doc->entries = xcalloc(p.nentries, sizeof(*doc->entries));
		for (i = 0; i < p.nentries; i++)
			ctx_to_entry(&p.entries[i], &doc->entries[i]);
		doc->nentries = p.nentries;
	}
	feed__decoded_free(&dec);
	fp_free(&p);
	return doc;
}

void
feed__text_free(struct feed_text *t)
{
	if (t == NULL)
		return;
	free(t->value);
	free(t->type);
	free(t->lang);
	free(t->base);
	memset(t, 0, sizeof(*t));
}

void
feed__entry_free(struct feed_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	feed__text_free(&e->title);
	feed__text_free(&e->summary);
	feed__text_free(&e->rights);
	for (i = 0; i < e->ncontent; i++)
		feed__text_free(&e->content[i]);
	free(e->content);
	free(e->link);
	for (i = 0; i < e->nlinks; i++) {
		free(e->links[i].rel);
		free(e->links[i].type);
		free(e->links[i].href);
		free(e->links[i].title);
		free(e->links[i].length);
		free(e->links[i].hreflang);
	}
	free(e->links);
	free(e->id);
	free(e->language);
	free(e->author);
	person_free(&e->author_detail);
	free(e->published.raw);
	free(e->updated.raw);
	for (i = 0; i < e->ntags; i++) {
		free(e->tags[i].term);
		free(e->tags[i].scheme);
		free(e->tags[i].label);
	}
	free(e->tags);
	for (i = 0; i < e->nenclosures; i++) {
		free(e->enclosures[i].href);
		free(e->enclosures[i].type);
		free(e->enclosures[i].length);
	}
	free(e->enclosures);
	memset(e, 0, sizeof(*e));
}

void
feed_doc_free(struct feed_doc *d)
{
	struct feed_entry e;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nentries; i++)
		feed__entry_free(&d->entries[i]);
	free(d->entries);
	/* The feed-level fields have the same shapes as an entry's. */
	memset(&e, 0, sizeof(e));
	e.title = d->title;
	e.summary = d->summary;
	e.rights = d->rights;
	e.link = d->link;
	e.links = d->links;
	e.nlinks = d->nlinks;
	e.id = d->id;
	e.language = d->language;
	e.author = d->author;
	e.author_detail = d->author_detail;
	e.published = d->published;
	e.updated = d->updated;
	e.tags = d->tags;
	e.ntags = d->ntags;
	feed__entry_free(&e);
	feed__text_free(&d->subtitle);
	free(d->error);
	free(d->encoding);
	free(d->version);
	free(d);
}
