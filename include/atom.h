/*
 * The merged Atom 1.0 feed: written to a temporary file, synced, and
 * renamed over the old one, so readers never see it half-written.
 */
#ifndef ATOM_H
#define ATOM_H

#include <stddef.h>

#include "entry.h"

/* What the merged feed says of itself. */
struct atom_head {
	const char	*title;		/* NULL or empty: "aggregator" */
	const char	*id;		/* its id, made once and kept by the state */
	const char	*self;		/* the URL it is published at, or NULL */
};

/*
 * Writes entries (already newest first) to path, or to where path leads
 * when it is a symlink.  Returns 0, or -1 with a reason in err.
 */
int	atom_write(const char *path, const struct atom_head *head,
	    const struct entry *entries, size_t n, char *err, size_t errlen);

#endif
