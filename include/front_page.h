/*
 * The page served at /: the latest stories as HTML (front_page.c).
 */
#ifndef FRONT_PAGE_H
#define FRONT_PAGE_H

#include <stddef.h>
#include <time.h>

#include "atom.h"

/*
 * The stories (newest first) as one HTML document titled title; its
 * length in *len.  Allocated.
 */
char	*front_page_render(const char *title,
	    const struct atom_story *stories, size_t n, time_t now,
	    size_t *len);

#endif
