/*
 * The merged Atom 1.0 feed: written to a temporary file, synced, and
 * renamed over the old one, so readers never see it half-written.
 */
#ifndef ATOM_H
#define ATOM_H

#include <stddef.h>

#include "entry.h"

/*
 * Writes entries (already newest first) to path.  feed_id is the merged
 * feed's stable id.  Returns 0, or -1 with a reason in err.
 */
int	atom_write(const char *path, const char *title, const char *feed_id,
	    const struct entry *entries, size_t n, char *err, size_t errlen);

#endif
