/*
 * Fixed lists of names (charsets, HTML elements and attributes, URL
 * schemes) and the lookups in them.
 */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

/* The number of elements of an array (not of a pointer). */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Whether the len bytes at name are one of the n strings of list, ASCII
 * case folded when icase (the list is then lowercase).
 */
int	names_in(const char *name, size_t len, const char *const *list,
	    size_t n, int icase);
/* The same for a list sorted by strcmp: a binary search, for long lists. */
int	names_in_sorted(const char *name, size_t len, const char *const *list,
	    size_t n, int icase);

#endif
