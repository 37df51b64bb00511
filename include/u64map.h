/*
 * A map from 64-bit keys (never 0) to 32-bit values, open addressing with
 * linear probing and deletion by shifting back, so that a map that only
 * ever holds a window's worth of keys never fills with tombstones.  The
 * keys are hashes already (a prefix of a SHA-256 key): they are not
 * hashed again.
 */
#ifndef U64MAP_H
#define U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	struct u64slot {
		uint64_t	 k;	/* 0: free */
		uint32_t	 v;
	}		*s;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

/* An empty map is all zero; u64map_clear frees what it holds. */
void		 u64map_clear(struct u64map *);
/* The value of k, or NULL; valid until the map next changes. */
uint32_t	*u64map_get(const struct u64map *, uint64_t k);
void		 u64map_put(struct u64map *, uint64_t k, uint32_t v);
void		 u64map_del(struct u64map *, uint64_t k);
size_t		 u64map_bytes(const struct u64map *);

#endif
