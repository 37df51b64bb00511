/*
 * A map from strings to numbers (an index into the caller's array, a
 * counter), for lookups that must not cost a walk of the whole array: a
 * config of 100 000 feeds checks each name and URL once.
 */
#ifndef STRMAP_H
#define STRMAP_H

#include <stddef.h>

struct strmap;

/* An empty map; freed, with the keys it copied, by strmap_free. */
struct strmap	*strmap_new(void);
void		 strmap_free(struct strmap *);

/* 1 with *value set when key is in the map, else 0. */
int		 strmap_get(const struct strmap *, const char *key,
		    size_t *value);
/* Sets key (copied on first use) to value. */
void		 strmap_set(struct strmap *, const char *key, size_t value);

#endif
