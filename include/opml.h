/*
 * OPML subscription lists: every outline with an xmlUrl is a feed, and
 * the outlines without one around it are its folders.  This module only
 * reads the file; the config names the feeds and adds them.
 */
#ifndef OPML_H
#define OPML_H

#include <stddef.h>

/* The namespace of the attributes our export adds (aggregator:name). */
#define OPML_NS		"urn:aggregator:opml"

/* One feed of the file; every string is borrowed for the callback. */
struct opml_outline {
	const char	*url;		/* its xmlUrl */
	const char	*title;		/* its title, else its text, or NULL */
	/*
	 * The titles (else texts) of the outlines around it, outermost
	 * first, joined by '/' ("News/Korea"), or NULL at the top.  Each is
	 * one level: made one line, '/' and '.' in it become '-', and an
	 * outline without a title adds none.  A folder name folder.h takes.
	 */
	const char	*folder;
	const char	*name;		/* aggregator:name (our export), or NULL */
	long		 line;		/* where the outline is in the file */
};

typedef void (*opml_outline_cb)(const struct opml_outline *, void *arg);

/*
 * Calls cb for every outline with an xmlUrl, in document order.  0, or -1
 * with the reason in err when the file cannot be read or is not OPML.
 */
int	opml_load(const char *path, opml_outline_cb cb, void *arg, char *err,
	    size_t errlen);

#endif
