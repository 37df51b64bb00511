/*
 * Private interfaces between the feed parser's files (feed.c and the
 * feed_*.c files, each of which says what it holds).  Functions and
 * tables here carry the feed__ prefix, the shared parse-state types the
 * fp_ prefix; none of them is for other modules.
 */
#ifndef FEED_PRIV_H
#define FEED_PRIV_H

#include <stddef.h>

#include <libxml/parser.h>

#include "agg.h"
#include "xmalloc.h"

/* Limits that keep a hostile document's cost bounded. */
#define FEED_MAX_ENTRIES	100000
#define FEED_MAX_DEPTH		256
#define FEED_MAX_TEXT		(8u * 1024 * 1024)	/* one element's text */
#define FEED_MAX_EXPANSION	(1u * 1024 * 1024)	/* entity text per document */
#define FEED_MAX_ENTITIES	1024			/* internal-subset entities */

/* The outcome of charset detection (feed_encoding.c). */
struct feed__decoded {
	const char *decl;	/* the XML declaration to parse first, or "" */
	const char *utf8;	/* the rest of the document as UTF-8 */
	size_t	 len;
	char	*own;		/* the copy utf8 points into, or NULL when the
				   caller's bytes were UTF-8 already */
	char	*encoding;	/* feedparser's spelling, lowercase */
	int	 bozo;		/* charset override or non-XML media type */
	char	*error;		/* one line when bozo, else NULL */
};

/*
 * Decides the charset the way feedparser does (RFC 3023: HTTP charset, BOM,
 * XML declaration) and converts to UTF-8.  have_headers says the bytes came
 * over HTTP (then a missing Content-Type matters).  Returns 0, or -1 with
 * err filled when no candidate charset could decode the bytes.
 */
int	 feed__decode(const char *buf, size_t len, const char *content_type,
	    int have_headers, struct feed__decoded *out, char *err,
	    size_t errlen);
void	 feed__decoded_free(struct feed__decoded *);

/*
 * HTML helpers (feed_html.c).  looks_like_html is feedparser's guess that
 * nominally plain RSS text is HTML; html_clean resolves relative URIs in
 * the usual attributes against base and strips dangerous markup, in
 * feedparser's serialisation.  The result is allocated.
 */
int	 feed__looks_like_html(const char *);
char	*feed__html_clean(const char *html, const char *base, int resolve,
	    int sanitize);
/* The acceptable-elements list the two functions above share. */
int	 feed__html_acceptable(const char *name, size_t len);

/* feedparser's make_safe_absolute_uri: "" for an unsafe scheme. */
char	*feed__safe_uri(const char *base, const char *rel);
/* urljoin with feedparser's fixups; allocated. */
char	*feed__urljoin(const char *base, const char *ref);

/* Frees the members of the value types in agg.h. */
void	 feed__text_free(struct feed_text *);
void	 feed__entry_free(struct feed_entry *);

#ifndef NELEM
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define FEED_XHTML_TYPE	"application/xhtml+xml"

/*
 * The parse state the parser's files share.  Its types carry the fp_
 * prefix: they are private to the feed module and never leave it.
 */

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

/* The whole parse (libxml2's SAX user data). */
struct fp {
	xmlParserCtxtPtr	 ctxt;
	/* Namespaces already looked up: libxml2 interns URIs, so the same
	 * pointer is the same namespace for the whole parse. */
	struct {
		const xmlChar	*uri;
		const char	*prefix;
	}			 ns_memo[8];
	size_t			 nns_memo;
	struct fp_ctx		 feed;
	struct fp_ctx		*entries;
	size_t			 nentries;
	size_t			 capentries;
	struct fp_ctx		 sink;
	int			 entry_overflow;

	char			*version;
	long			 ttl;		/* the channel's <ttl>, minutes */
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
	char			*base_fixed;	/* resolves to itself */
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

/* One file's handler table. */
struct feed__handlers {
	const struct fp_handler	*h;
	size_t			 n;
};

extern const struct feed__handlers feed__container_handlers;
extern const struct feed__handlers feed__text_handlers;
extern const struct feed__handlers feed__people_handlers;
extern const struct feed__handlers feed__link_handlers;
extern const struct feed__handlers feed__tag_handlers;

/* feed.c: a not-wellformed document keeps its first error; hostile stops. */
void	 feed__set_error(struct fp *, const char *);
void	 feed__hostile(struct fp *, const char *);

/* feed_entity.c: our entity callbacks into a SAX handler. */
void	 feed__entity_sax(xmlSAXHandler *);
/* Bare ampersands escaped; NULL when the document needed no change. */
char	*feed__fix_ampersands(const char *, size_t, size_t *outlen);

/* feed_element.c: feedparser's unknown_starttag and unknown_endtag. */
void	 feed__starttag(struct fp *, const char *tag, char **attrs,
	    size_t nattrs, const xmlChar *nsuri);
void	 feed__endtag(struct fp *, const char *tag);
/* The element name feedparser's strict parser reports; allocated. */
char	*feed__element_name(struct fp *, const xmlChar *localname,
	    const xmlChar *prefix, const xmlChar *nsuri);
/* feedparser's prefix for a lowercase namespace URI, or NULL. */
const char *feed__known_prefix(const char *);
void	 feed__track_namespace(struct fp *, const char *prefix,
	    const char *uri);
/* Frees level i of the base or language stack, unless it shares i - 1's. */
void	 feed__scope_free(char **stack, size_t i);

/* feed_stack.c: the element stack. */
void	 feed__push(struct fp *, const char *name, int expecting_text);
/* The element's processed value (allocated), or NULL if not on top. */
char	*feed__pop(struct fp *, const char *name);
void	 feed__data(struct fp *, const char *, size_t, int escape);
void	 feed__elem_free(struct fp_elem *);
int	 feed__expecting(struct fp *);

/* feed_model.c: where values go. */
struct fp_ctx *feed__context(struct fp *);
void	 feed__store(struct fp *, const char *element, char *value);

/* feed_free.c: contexts handed over to the public model, or freed. */
void	 feed__ctx_free(struct fp_ctx *);
void	 feed__ctx_to_entry(struct fp_ctx *, struct feed_entry *);
void	 feed__ctx_to_doc(struct fp_ctx *, struct feed_doc *);

/* feed_text.c */
void	 feed__st_simple(struct fp *, const char *, char **, size_t);
void	 feed__st_updated(struct fp *, const char *, char **, size_t);
void	 feed__en_updated(struct fp *, const char *);

/* feed_links.c */
char	*feed__resolve(struct fp *, const char *uri);
char	*feed__doc_base(const char *url, const char *cloc);
struct feed_link *feed__add_link(struct fp_ctx *);
void	 feed__st_link(struct fp *, const char *, char **, size_t);
void	 feed__en_link(struct fp *, const char *);

/* feed_people.c */
void	 feed__person_free(struct feed_person *);

/*
 * feed_jsonfeed.c: JSON Feed 1.0/1.1.  sniff says whether feed_parse
 * should read the bytes as JSON (by a JSON media type, else by a '{'
 * after an optional BOM and white space); parse is feed_parse's contract.
 */
struct feed_source;
int	 feed__jsonfeed_sniff(const char *, size_t, const char *content_type);
struct feed_doc *feed__jsonfeed_parse(const char *, size_t,
	    const struct feed_source *, char *err, size_t errlen);

/* feed_string.c; the char * results are allocated. */
char	*feed__lower_dup(const char *, size_t);
/* "a<sep>b" (b when a is NULL), lowercased when lower. */
char	*feed__join(const char *a, int sep, const char *b, int lower);
void	 feed__set_str(char **dst, const char *src);
/* Attribute lists are (key, value) pairs, feedparser's attrs_d. */
const char *feed__attr_get(char **attrs, size_t n, const char *key);
int	 feed__in_list(const char *, const char *const *list, size_t n);
int	 feed__in_listn(const char *, size_t, const char *const *list,
	    size_t n, int icase);
/* The same for a list sorted by strcmp, lowercase when icase. */
int	 feed__in_sorted(const char *, size_t, const char *const *list,
	    size_t n, int icase);
/* memmem, for a pattern whose first byte is rare; plen > 0. */
const char *feed__find(const char *, size_t, const char *pat,
	    size_t plen);

char	*feed__strip_dup(const char *, size_t);
char	*feed__strip(char *);
char	*feed__fix_text(const struct fp *, char *);

#endif
