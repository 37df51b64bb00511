/*
 * What the pipeline keeps of an entry once parsed: the flat record that is
 * keyed, delivered as a message, stored for the merged feed and read back.
 */
#ifndef ENTRY_H
#define ENTRY_H

#include <time.h>

#include "agg.h"

/*
 * Bounds on what an entry carries into a message, the state and the
 * merged feed, so that a hostile feed's 8 MB title is no 14 MB header: a
 * title, author or feed title longer than ENTRY_TEXT_MAX characters is
 * cut there and ends in an ellipsis; content longer than
 * ENTRY_CONTENT_MAX bytes is cut before the tag the cut would split and
 * ends in one; a link or id longer than ENTRY_URL_MAX bytes (longer than
 * any server takes in a request) is not published, though it still keys
 * the entry.
 */
#define ENTRY_TEXT_MAX		300
#define ENTRY_CONTENT_MAX	(1024 * 1024)
#define ENTRY_URL_MAX		8192

/* Enclosures an entry carries into its message, at most. */
#define ENTRY_ENCLOSURES_MAX	16

/* What entry_from_feed cut to those bounds, in struct entry's cut. */
#define ENTRY_CUT_TEXT		0x01	/* a title, author or feed title */
#define ENTRY_CUT_CONTENT	0x02
#define ENTRY_CUT_URL		0x04	/* What a message's From: shows: a feed's from_name. */
enum from_name {
	FROM_FEED,		/* the feed's title (SPEC) */
	FROM_FEED_AUTHOR,	/* "Feed: Author", as rss2email writes */
	FROM_AUTHOR,		/* the author; the feed's title without one */
};

/* a link or id left out */

struct entry {
	char	 key[KEY_HEX_SIZE];	/* SHA-256 hex of the canonical link (or fallback) */
	char	*feed_name;		/* [feed.NAME] in the config */
	char	*feed_title;		/* config title, else the feed's own, else NAME */
	char	*feed_url;		/* the feed URL as configured, password hidden */
	char	*title;			/* plain text */
	char	*link;			/* resolved to absolute, http(s) only; may be NULL */
	char	*id;			/* id / guid; may be NULL */
	char	*author;		/* display string; may be NULL */
	char	*content;		/* HTML */
	time_t	 date;			/* the entry's date, or when first seen */
	time_t	 seen;			/* when first seen */
	time_t	 published;		/* as the feed says, 0 when it does not */
	time_t	 updated;		/* as the feed says, 0 when it does not */
	char	*source_id;		/* the feed's own id (an IRI), or NULL */
	char	*keywords;		/* its categories, ", " apart, or NULL */
	char	*comments;		/* its comments page, http(s), or NULL */
	char	*enclosures;		/* http(s) enclosures, a line each:
					   "URL\tTYPE\tLENGTH" ("" unknown);
					   NULL when none */
	unsigned int cut;		/* ENTRY_CUT_* */
	int	 from_name;		/* enum from_name: its From: */
	/* Its story (story.h): the root's key, "" until assigned. */
	char	 story[KEY_HEX_SIZE];
	char	*story_text;		/* what grouping read: title, text */
	char	*story_links;		/* its canonical links, one per line */
	unsigned char *story_vec;	/* what the index kept of it (story.c) */
	size_t	 story_vec_len;
};

/*
 * Fills e from the parsed entry fe of feed doc (the feed named name,
 * configured at url, shown as title), computing its key per SPEC.md.  now
 * is the time of the poll, used as the date when the entry has none.
 * Values past the bounds above are cut after the key is computed, so keys
 * never change.
 */
void	entry_from_feed(struct entry *e, const struct feed_doc *doc,
	    const struct feed_entry *fe, const char *name, const char *url,
	    const char *title, time_t now);
/* Gives e the HTML content html (allocated), cut to ENTRY_CONTENT_MAX. */
void	entry_set_content(struct entry *e, char *html);
/*
 * The key of fe, without a link, with its id or content scoped by scope
 * (a url_identity, or the config name states of old scoped them by) into
 * hex: 1, or 0 (hex untouched) when fe is keyed by its link.
 */
int	entry_key_scoped(const struct feed_entry *fe, const char *scope,
	    char hex[KEY_HEX_SIZE]);
/*
 * SHA-256 of the len bytes at s as lowercase hex into hex: the one hash
 * of the program (entry keys; the merged feed's id).
 */
void	entry_key_hash(const char *s, size_t len, char hex[KEY_HEX_SIZE]);
/* The same hash as bytes. */
void	entry_key_digest(const char *s, size_t len,
	    unsigned char key[KEY_BYTES]);
/* A key's bytes as its hex, and back: 0, or -1 when hex is not a key's. */
void	entry_key_hex(const unsigned char key[KEY_BYTES],
	    char hex[KEY_HEX_SIZE]);
int	entry_key_parse(const char *hex, unsigned char key[KEY_BYTES]);
/*
 * Where e stands in the merged feed: its date, or when it was first seen
 * when that date is later (a date in the future is not believed).
 */
time_t	entry_placed(const struct entry *e);
/*
 * The date e's feed gives it: its publication, else its update (RSS 1.0's
 * dc:date, Atom's updated alone); 0 when it gives none.
 */
time_t	entry_dated(const struct entry *e);
/*
 * The root of a story, of its n > 0 entries v: the one whose key is the
 * story's id, else (the root was not read) the first.
 */
const struct entry *entry_story_root(const struct entry *v, size_t n);

/* Frees the strings e holds (not e itself). */
void	entry_clear(struct entry *e);

#endif
