/*
 * Strings to numbers in one open-addressed table (linear probing, FNV-1a),
 * doubled whenever it is half full, so a lookup costs the same however
 * many keys there are.  Keys are never removed: the config builds a map
 * once and drops it whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xmalloc.h"

#define STRMAP_MIN	16	/* slots in a new table; always a power of 2 */

struct strmap_slot {
	char	*key;		/* NULL: empty */
	size_t	 value;
};

struct strmap {
	struct strmap_slot	*slots;
	size_t			 cap;
	size_t			 n;
};

static uint64_t
strmap_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding key, or the empty one where it would go. */
static struct strmap_slot *
strmap_find(const struct strmap *m, const char *key)
{
	size_t i = (size_t)strmap_hash(key) & (m->cap - 1);

	while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void
strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap = oldcap * 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*strmap_find(m, old[i].key) = old[i];
	free(old);
}

struct strmap *
strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof(*m));

	m->cap = STRMAP_MIN;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

int
strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	const struct strmap_slot *s = strmap_find(m, key);

	if (s->key == NULL)
		return 0;
	*value = s->value;
	return 1;
}

void
strmap_set(struct strmap *m, const char *key, size_t value)
{
	struct strmap_slot *s = strmap_find(m, key);

	if (s->key == NULL) {
		if (2 * (m->n + 1) > m->cap) {
			strmap_grow(m);
			s = strmap_find(m, key);
		}
		s->key = xstrdup(key);
		m->n++;
	}
	s->value = value;
}
