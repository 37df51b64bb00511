/*
 * The merged Atom 1.0 feed: written to a temporary file, synced, and
 * renamed over the old one, so readers never see it half-written.
 */
#ifndef ATOM_H
#define ATOM_H

#include <stddef.h>

#include "entry.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"

struct buf;

/*
 * The pieces of a document, for the digest's (digest_atom.c) too:
 * atom_escape writes s as character data, or as an attribute value when
 * attr; atom_elem a line "<name>text</name>" (text shown to a reader:
 * format characters dropped); atom_date a line of an RFC 3339 time.
 */
void	atom_escape(struct buf *, const char *s, int attr);
void	atom_elem(struct buf *, const char *indent, const char *name,
	    const char *text);
void	atom_date(struct buf *, const char *indent, const char *name,
	    time_t t);

/* What the merged feed says of itself. */
struct atom_head {
	const char	*title;		/* NULL or empty: "aggregator" */
	const char	*id;		/* its id, made once and kept by the state */
	const char	*self;		/* the URL it is published at, or NULL */
	struct buf	*doc;		/* when set, given the document written */
};

/*
 * atom_write and atom_write_stories write the document to path, replaced
 * whole, and give it to head->doc when set; a NULL path only renders it
 * into head->doc.
 */

/*
 * Writes entries (already newest first) to path, or to where path leads
 * when it is a symlink.  Returns 0, or -1 with a reason in err.
 */
int	atom_write(const char *path, const struct atom_head *head,
	    const struct entry *entries, size_t n, char *err, size_t errlen);

/*
 * One item of a merged feed of stories (group = yes): the newest entry of
 * a story, with the story's entries as the state keeps them
 * (store_stories).  A story of one entry is that entry; a larger
 * one has its root's title and link (the entry whose key is the story's
 * id), every other entry's link as rel="related", the newest update and
 * the list of its outlets.
 */
/* The outlet an entry is shown from: its feed's title, else its name. */
const char	*atom_outlet(const struct entry *e);

struct atom_story {
	const struct entry	*newest;
	const struct entry	*members;
	size_t			 n;
};

/* atom_write for stories (already newest first). */
int	atom_write_stories(const char *path, const struct atom_head *head,
	    const struct atom_story *stories, size_t n, char *err,
	    size_t errlen);

#endif
