/*
 * OPML subscription lists: every outline with an xmlUrl is a feed.  This
 * module only reads the file; the config names the feeds and adds them.
 */
#ifndef OPML_H
#define OPML_H

#include <stddef.h>

/*
 * title is the outline's title (else its text) attribute, or NULL; line is
 * where the outline is in the file.
 */
typedef void (*opml_outline_cb)(const char *title, const char *url,
    long line, void *arg);

/*
 * Calls cb for every outline with an xmlUrl, in document order; the
 * strings are borrowed for the call.  0, or -1 with the reason in err when
 * the file cannot be read or is not OPML.
 */
int	opml_load(const char *path, opml_outline_cb cb, void *arg, char *err,
	    size_t errlen);

#endif
