/*
 * Value types shared by several modules: the parsed feed document and its
 * entries, and program-wide limits.  Nothing here is opaque.
 */
#ifndef AGG_H
#define AGG_H

#include <stddef.h>
#include <time.h>

#define AGG_NAME		"aggregator"
#define AGG_VERSION		"0.1.0"
#define AGG_USER_AGENT		AGG_NAME "/" AGG_VERSION

/* Entry keys are SHA-256 of the canonical link, written as 64 hex digits. */
#define KEY_BYTES		32
#define KEY_HEX_LEN		(2 * KEY_BYTES)
#define KEY_HEX_SIZE		(KEY_HEX_LEN + 1)

/* Exit statuses fixed by SPEC.md. */
#define EXIT_OK			0
#define EXIT_FEED_FAILED	1
#define EXIT_USAGE		2
#define EXIT_LOCAL		3

/* A text construct (Atom text, RSS title/description) with its detail. */
struct feed_text {
	char	*value;		/* decoded text; HTML markup kept for html/xhtml */
	char	*type;		/* "text/plain", "text/html", "application/xhtml+xml" */
	char	*lang;		/* xml:lang in scope, or NULL */
	char	*base;		/* xml:base in scope, or NULL */
};

struct feed_person {
	char	*name;
	char	*email;
	char	*href;
};

struct feed_link {
	char	*rel;
	char	*type;
	char	*href;		/* absolute after resolution */
	char	*title;
	char	*length;
	char	*hreflang;
};

struct feed_tag {
	char	*term;
	char	*scheme;
	char	*label;
};

struct feed_enclosure {
	char	*href;
	char	*type;
	char	*length;
};

/* A date as published plus its parsed value; ok is 0 when raw was garbage. */
struct feed_date {
	char	*raw;		/* NULL when the element was absent */
	time_t	 t;
	int	 ok;
};

struct feed_entry {
	struct feed_text	 title;
	struct feed_text	 summary;
	struct feed_text	 rights;
	struct feed_text	*content;
	size_t			 ncontent;
	char			*link;		/* preferred alternate link, absolute */
	struct feed_link	*links;
	size_t			 nlinks;
	char			*id;		/* id / guid / rdf:about */
	char			*language;
	char			*author;	/* display string "Name (email)" */
	struct feed_person	 author_detail;
	char			*comments;	/* its comments page, absolute */
	struct feed_date	 published;
	struct feed_date	 updated;
	struct feed_tag		*tags;
	size_t			 ntags;
	struct feed_enclosure	*enclosures;
	size_t			 nenclosures;
	int			 incomplete;	/* the document ended inside it */
};

struct feed_doc {
	int			 wellformed;
	char			*error;		/* first parse problem, or NULL */
	char			*encoding;	/* charset used, feedparser spelling */
	char			*version;	/* "rss20", "atom10", ... or "" */
	struct feed_text	 title;
	struct feed_text	 subtitle;
	struct feed_text	 rights;
	struct feed_text	 summary;	/* itunes:summary-like, kept apart */
	char			*link;
	struct feed_link	*links;
	size_t			 nlinks;
	char			*id;
	char			*language;
	char			*author;
	struct feed_person	 author_detail;
	struct feed_date	 published;
	struct feed_date	 updated;
	struct feed_tag		*tags;
	size_t			 ntags;
	struct feed_entry	*entries;
	size_t			 nentries;
	long			 ttl;		/* RSS <ttl> in minutes, 0 if none */
	int			 cut_short;	/* ended inside its root element */
	size_t			 entries_dropped; /* past the cap on entries kept */
};

#endif
