/*
 * A set of 32-bit ids found by a 64-bit key that the owner derives from
 * the id (the key lives in the owner's record of it, so a slot holds the
 * id alone: 4 bytes).  Open addressing with linear probing and deletion
 * by shifting back, so that a map that only ever holds a window's worth
 * of ids never fills with tombstones.  The keys are hashes already (a
 * prefix of a SHA-256 key): they are not hashed again.
 */
#ifndef IDMAP_H
#define IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
	uint32_t	*s;		/* id + 1; 0: free */
	size_t		 cap;		/* a power of two */
	size_t		 n;
	/* The key of an id in the map. */
	uint64_t	(*key)(const void *owner, uint32_t id);
	const void	*owner;
};

/* An empty map needs only key and owner set; idmap_clear frees it. */
void	idmap_clear(struct idmap *);
/* The id whose key is k: 0 and *id set, or -1. */
int	idmap_get(const struct idmap *, uint64_t k, uint32_t *id);
/* Adds id, whose key must not be in the map yet. */
void	idmap_put(struct idmap *, uint32_t id);
/* Removes the id whose key is k, while the owner still knows its key. */
void	idmap_del(struct idmap *, uint64_t k);
size_t	idmap_bytes(const struct idmap *);

#endif
