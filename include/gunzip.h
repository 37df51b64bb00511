/*
 * Content-Encoding gzip and deflate, decoded by us rather than by curl so
 * that a stream cut short is an error, not a shorter document.
 */
#ifndef GUNZIP_H
#define GUNZIP_H

#include <stddef.h>

#include <zlib.h>

#include "xmalloc.h"

#define GUNZIP_LAYERS	3	/* "gzip, gzip, gzip" at most */

struct gunzip {
	z_stream	z[GUNZIP_LAYERS];
	int		ended[GUNZIP_LAYERS];	/* a whole member was read */
	int		layers;			/* 0: nothing to decode */
};

/*
 * Sets up for the response's Content-Encoding, a list applied in order
 * (NULL or "identity": no decoding).  Returns 1 when decoding, 0 when
 * not, -1 for an encoding we cannot read.
 */
int	gunzip_start(struct gunzip *, const char *encoding);
/*
 * Appends what n encoded bytes decode to onto out, never past max bytes.
 * Returns 0, or -1 with *why: "corrupt" data, or "toobig".
 */
int	gunzip_add(struct gunzip *, const void *in, size_t n, struct buf *out,
	    size_t max, const char **why);
/* Whether every stream was complete: 0, or -1 when one was cut short. */
int	gunzip_complete(const struct gunzip *);
void	gunzip_free(struct gunzip *);

#endif
