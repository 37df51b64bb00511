/* Ids found by a key their owner derives: see idmap.h. */
#include <stdlib.h>

#include "idmap.h"
#include "xmalloc.h"

void
idmap_clear(struct idmap *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}

static uint64_t
slot_key(const struct idmap *m, size_t i)
{
	return m->key(m->owner, m->s[i] - 1);
}

/* The slot holding k's id, or -1. */
static long
find(const struct idmap *m, uint64_t k)
{
	size_t i, mask = m->cap - 1;

	if (m->cap == 0)
		return -1;
	for (i = k & mask; m->s[i] != 0; i = (i + 1) & mask)
		if (slot_key(m, i) == k)
			return (long)i;
	return -1;
}

int
idmap_get(const struct idmap *m, uint64_t k, uint32_t *id)
{
	long i = find(m, k);

	if (i < 0)
		return -1;
	*id = m->s[i] - 1;
	return 0;
}

static void
place(struct idmap *m, uint64_t k, uint32_t id)
{
	size_t i, mask = m->cap - 1;

	for (i = k & mask; m->s[i] != 0; i = (i + 1) & mask)
		;
	m->s[i] = id + 1;
}

static void
grow(struct idmap *m)
{
	uint32_t *old = m->s;
	size_t oldcap = m->cap;

	m->cap = m->cap == 0 ? 1024 : m->cap * 2;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0)
			place(m, m->key(m->owner, old[i] - 1), old[i] - 1);
	free(old);
}

void
idmap_put(struct idmap *m, uint32_t id)
{
	/*
	 * Up to 7/8 full: memory before probe length, a lookup being rare
	 * beside the work around it.
	 */
	if ((m->n + 1) * 8 > m->cap * 7)
		grow(m);
	place(m, m->key(m->owner, id), id);
	m->n++;
}

void
idmap_del(struct idmap *m, uint64_t k)
{
	long found = find(m, k);
	size_t i, j, home, mask = m->cap - 1;

	if (found < 0)
		return;
	i = (size_t)found;
	for (j = (i + 1) & mask; m->s[j] != 0; j = (j + 1) & mask) {
		home = slot_key(m, j) & mask;
		/* j's id may move up to i when i lies on its probe path. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->s[i] = m->s[j];
			i = j;
		}
	}
	m->s[i] = 0;
	m->n--;
}

size_t
idmap_bytes(const struct idmap *m)
{
	return m->cap * sizeof(*m->s);
}
