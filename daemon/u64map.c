/* A map from 64-bit hashes to numbers: see u64map.h. */
#include <stdlib.h>

#include "u64map.h"
#include "xmalloc.h"

void
u64map_clear(struct u64map *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}

static struct u64slot *
u64map_slot(const struct u64map *m, uint64_t k)
{
	size_t i, mask = m->cap - 1;

	if (m->cap == 0)
		return NULL;
	for (i = k & mask; m->s[i].k != 0; i = (i + 1) & mask)
		if (m->s[i].k == k)
			return &m->s[i];
	return NULL;
}

uint32_t *
u64map_get(const struct u64map *m, uint64_t k)
{
	struct u64slot *s = u64map_slot(m, k);

	return s != NULL ? &s->v : NULL;
}

static void
u64map_grow(struct u64map *m)
{
	struct u64slot *old = m->s;
	size_t oldcap = m->cap;

	m->cap = m->cap == 0 ? 1024 : m->cap * 2;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	m->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].k != 0)
			u64map_put(m, old[i].k, old[i].v);
	free(old);
}

void
u64map_put(struct u64map *m, uint64_t k, uint32_t v)
{
	struct u64slot *s = u64map_slot(m, k);
	size_t i;

	if (s != NULL) {
		s->v = v;
		return;
	}
	if ((m->n + 1) * 4 > m->cap * 3)
		u64map_grow(m);
	for (i = k & (m->cap - 1); m->s[i].k != 0; i = (i + 1) & (m->cap - 1))
		;
	m->s[i].k = k;
	m->s[i].v = v;
	m->n++;
}

void
u64map_del(struct u64map *m, uint64_t k)
{
	struct u64slot *s = u64map_slot(m, k);
	size_t i, j, home, mask = m->cap - 1;

	if (s == NULL)
		return;
	i = (size_t)(s - m->s);
	for (j = (i + 1) & mask; m->s[j].k != 0; j = (j + 1) & mask) {
		home = m->s[j].k & mask;
		/* j's entry may move up to i when i lies on its probe path. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->s[i] = m->s[j];
			i = j;
		}
	}
	m->s[i].k = 0;
	m->n--;
}

size_t
u64map_bytes(const struct u64map *m)
{
	return m->cap * sizeof(*m->s);
}
