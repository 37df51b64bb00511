/*
 * newsboat's "urls" file: a feed per line, its URL and then its tags,
 * which may be quoted ("tag with spaces"); a tag "~Title" renames the
 * feed; lines starting with '#' are comments.  This module only reads the
 * file; the importer decides what becomes of each line.
 */
#ifndef NEWSBOAT_H
#define NEWSBOAT_H

#include <stddef.h>

/* One line of the file; every string is borrowed for the callback. */
struct newsboat_line {
	const char		*url;	/* "query:..." for a query feed */
	const char		*title;	/* the first "~" tag without its '~' */
	const char *const	*tags;	/* the others, in order */
	size_t			 ntags;
	long			 line;
};

typedef void (*newsboat_cb)(const struct newsboat_line *, void *arg);

/*
 * Calls cb for every line of text (NUL-terminated) that names a feed, in
 * order, as newsboat reads them: tokens apart by white space, a '"'
 * quoting up to the next '"' (a backslash takes the next character as it
 * is), and '#' outside quotes starting a comment.
 */
void	newsboat_parse(const char *text, newsboat_cb cb, void *arg);

#endif
