/*
 * Private interfaces between the feed parser's files (feed.c and the
 * feed_*.c files, each of which says what it holds).  Everything here
 * carries the feed__ prefix, and nothing here is for other modules: this
 * header sits beside the sources, not in include/.
 */
#ifndef FEED_PRIV_H
#define FEED_PRIV_H

#include <stddef.h>

#include <libxml/parser.h>

#include "agg.h"
#include "names.h"
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

#define FEED_XHTML_TYPE	"application/xhtml+xml"

/* The Atom 1.0 and 0.3 namespaces, lowercase as they are compared. */
#define FEED_ATOM_NS	"http://www.w3.org/2005/atom"
#define FEED_ATOM03_NS	"http://purl.org/atom/ns#"

/* The parse state the parser's files share. */

/* Which model field a popped element's text goes to. */
enum feed__field {
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
	F_COMMENTS,
	F_NFIELDS
};

/* A feed, an entry, or a place whose data is not kept (image, source). */
struct feed__ctx {
	struct feed_text	 text[F_NFIELDS];	/* title .. summary */
	char			*str[F_NFIELDS];	/* id, language, author,
							   comments */
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
	int			 incomplete;	/* its end tag never came */
};

/* One entry of feedparser's element stack. */
struct feed__elem {
	char		*name;
	int		 expecting_text;
	int		 truncated;
	struct buf	 text;
	size_t		*pieces;	/* start offsets, for xhtml <div> stripping */
	size_t		 npieces;
	size_t		 cappieces;
};

/* The text construct being read (feedparser's contentparams). */
struct feed__content {
	int	 active;
	char	*type;
	char	*lang;
	char	*base;
	int	 base64;
};

/* An entity from the internal subset; external ones are never stored. */
struct feed__entity {
	char	*name;
	char	*value;
};

/* The whole parse (libxml2's SAX user data). */
struct feed__parser {
	xmlParserCtxtPtr	 ctxt;
	/* Namespaces already looked up: libxml2 interns URIs, so the same
	 * pointer is the same namespace for the whole parse. */
	struct {
		const xmlChar	*uri;
		const char	*prefix;
	}			 ns_memo[8];
	size_t			 nns_memo;
	struct feed__ctx		 feed;
	struct feed__ctx		*entries;
	size_t			 nentries;
	size_t			 capentries;
	struct feed__ctx		 sink;
	size_t			 entry_overflow;	/* entries past FEED_MAX_ENTRIES */

	char			*version;
	long			 ttl;		/* the channel's <ttl>, minutes */
	int			 infeed, inentry, incontent, intextinput;
	int			 inimage, inauthor, incontributor, inpublisher;
	int			 author_later;	/* an author after the first */
	int			 insource;
	int			 feed_has_image;
	int			 summary_key;	/* 0 none, 1 summary, 2 content */
	int			 has_content;
	int			 guidislink;
	int			 svgok;
	int			 title_depth;
	int			 depth;
	struct feed__content	 cp;

	struct feed__elem		*es;
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
	int			 cut_short;	/* the root never closed */
	int			 root_seen;
	char			*root;
	int			 root_atom;	/* in an Atom namespace */
	size_t			 expansion;
	struct feed__entity	*ents;
	size_t			 nents;
	xmlEntity		 ent;
	struct buf		 entbuf;
	char			**attr_ents;	/* expansions inside attributes */
	size_t			 nattr_ents;

	/* The elements libxml2 has open; closed ones we ended early. */
	struct feed__open {
		char	*qname;
		char	*tag;
		int	 closed;
	}			*open;
	size_t			 nopen;
	size_t			 capopen;
	char			*pending_close;
};

/* Element handlers, looked up by feedparser's normalised element name. */
typedef void	(*feed__start_fn)(struct feed__parser *, const char *, char **,
		    size_t);
typedef void	(*feed__end_fn)(struct feed__parser *, const char *);

struct feed__handler {
	const char	*name;
	feed__start_fn	 start;
	feed__end_fn	 end;
};

/* One file's handler table. */
struct feed__handlers {
	const struct feed__handler	*h;
	size_t			 n;
};

/* The handler tables, one per file of handlers below; no name is in two. */
extern const struct feed__handlers feed__container_handlers;
extern const struct feed__handlers feed__text_handlers;
extern const struct feed__handlers feed__people_handlers;
extern const struct feed__handlers feed__link_handlers;
extern const struct feed__handlers feed__tag_handlers;

/* feed_error.c: a not-wellformed document keeps its first error; hostile
 * stops the parse. */
void	 feed__set_error(struct feed__parser *, const char *);
void	 feed__hostile(struct feed__parser *, const char *);

/*
 * feed_encoding.c.  decode decides the charset the way feedparser does
 * (RFC 3023: HTTP charset, BOM, XML declaration) and converts to UTF-8;
 * have_headers says the bytes came over HTTP (then a missing Content-Type
 * matters).  Returns 0, or -1 with err filled when no candidate charset
 * could decode the bytes.  fix_text is feedparser's repair of every value
 * (UTF-8 read as Latin-1, C1 controls meant as windows-1252): s or its
 * replacement, s freed then.
 */
int	 feed__decode(const char *buf, size_t len, const char *content_type,
	    int have_headers, struct feed__decoded *out, char *err,
	    size_t errlen);
void	 feed__decoded_free(struct feed__decoded *);
char	*feed__fix_text(const struct feed__parser *, char *s);

/* feed_entity.c: our entity callbacks into a SAX handler. */
void	 feed__entity_sax(xmlSAXHandler *);
/* Bare ampersands escaped; NULL when the document needed no change. */
char	*feed__fix_ampersands(const char *, size_t, size_t *outlen);

/* feed_element.c: feedparser's unknown_starttag and unknown_endtag. */
void	 feed__starttag(struct feed__parser *, const char *tag,
	    char **attrs, size_t nattrs, const xmlChar *nsuri);
void	 feed__endtag(struct feed__parser *, const char *tag);
/* The element name feedparser's strict parser reports; allocated. */
char	*feed__element_name(struct feed__parser *, const xmlChar *localname,
	    const xmlChar *prefix, const xmlChar *nsuri);
/* feedparser's prefix for a lowercase namespace URI, or NULL. */
const char *feed__known_prefix(const char *);
void	 feed__track_namespace(struct feed__parser *, const char *prefix,
	    const char *uri);
/* Frees level i of the base or language stack, unless it shares i - 1's. */
void	 feed__scope_free(char **stack, size_t i);

/* feed_stack.c: the element stack. */
void	 feed__push(struct feed__parser *, const char *name,
	    int expecting_text);
/* The element's processed value (allocated), or NULL if not on top. */
char	*feed__pop(struct feed__parser *, const char *name);
void	 feed__data(struct feed__parser *, const char *, size_t, int escape);
void	 feed__elem_free(struct feed__elem *);
int	 feed__expecting(struct feed__parser *);
/* uri resolved against the base in scope; allocated. */
char	*feed__resolve(struct feed__parser *, const char *uri);

/* feed_model.c: where values go. */
struct feed__ctx *feed__context(struct feed__parser *);
void	 feed__store(struct feed__parser *, const char *element,
	    const char *value);

/*
 * feed_free.c: contexts handed over to the public model, or freed, and
 * the members of the value types in agg.h freed.
 */
void	 feed__ctx_free(struct feed__ctx *);
void	 feed__ctx_to_entry(struct feed__ctx *, struct feed_entry *);
void	 feed__ctx_to_doc(struct feed__ctx *, struct feed_doc *);
void	 feed__text_free(struct feed_text *);
void	 feed__person_free(struct feed_person *);

/* feed_text.c */
void	 feed__st_simple(struct feed__parser *, const char *, char **,
	    size_t);
void	 feed__st_updated(struct feed__parser *, const char *, char **,
	    size_t);
void	 feed__en_updated(struct feed__parser *, const char *);

/* feed_links.c */
char	*feed__doc_base(const char *url, const char *cloc);
struct feed_link *feed__add_link(struct feed__ctx *);
void	 feed__st_link(struct feed__parser *, const char *, char **, size_t);
void	 feed__en_link(struct feed__parser *, const char *);

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
/* "a<sep>b" (b when a is NULL), lowercased when lower. */
char	*feed__join(const char *a, int sep, const char *b, int lower);
void	 feed__set_str(char **dst, const char *src);
/* Attribute lists are (key, value) pairs, feedparser's attrs_d. */
const char *feed__attr_get(char **attrs, size_t n, const char *key);
/* memmem, for a pattern whose first byte is rare; plen > 0. */
const char *feed__find(const char *, size_t, const char *pat,
	    size_t plen);
/* Python's str.strip(): a stripped copy, or s stripped in place. */
char	*feed__strip_dup(const char *, size_t);
char	*feed__strip(char *);
/* A language tag with feedparser's '_' to '-' fix, in place; returns s. */
char	*feed__lang_fix(char *s);

#endif
