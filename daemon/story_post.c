/* The story index's inverted index: see story_post.h. */
#include <stdlib.h>
#include <string.h>

#include "story_post.h"
#include "xmalloc.h"

static int
gone(uint32_t id, uint32_t head)
{
	return (int32_t)(id - head) < 0;
}

static struct post_list *
find(const struct postings *p, uint32_t hash)
{
	size_t i, mask = p->cap - 1;

	if (p->cap == 0)
		return NULL;
	for (i = hash & mask; p->t[i].hash != 0; i = (i + 1) & mask)
		if (p->t[i].hash == hash)
			return &p->t[i];
	return NULL;
}

static void
trim(struct post_list *l, uint32_t head)
{
	uint32_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (gone(l->ids[mid], head))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return;
	l->n -= lo;
	memmove(l->ids, l->ids + lo, l->n * sizeof(*l->ids));
	memmove(l->meta, l->meta + lo, l->n * sizeof(*l->meta));
}

static void
list_free(struct post_list *l)
{
	free(l->ids);
	free(l->meta);
}

/* A table twice as large, without the lists the window emptied. */
static void
rehash(struct postings *p, uint32_t head)
{
	struct post_list *old = p->t;
	size_t oldcap = p->cap, i, k;

	p->cap = p->cap == 0 ? 4096 : p->cap * 2;
	p->t = xcalloc(p->cap, sizeof(*p->t));
	p->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0)
			continue;
		trim(&old[i], head);
		if (old[i].n == 0) {
			list_free(&old[i]);
			continue;
		}
		for (k = old[i].hash & (p->cap - 1); p->t[k].hash != 0;
		    k = (k + 1) & (p->cap - 1))
			;
		p->t[k] = old[i];
		p->n++;
	}
	free(old);
}

struct post_list *
postings_get(struct postings *p, uint32_t hash, uint32_t head)
{
	struct post_list *l = find(p, hash);

	if (l == NULL)
		return NULL;
	trim(l, head);
	return l->n > 0 ? l : NULL;
}

void
postings_add(struct postings *p, uint32_t hash, uint32_t id, uint16_t meta,
    uint32_t head)
{
	struct post_list *l = find(p, hash);
	size_t i;

	if (l == NULL) {
		if ((p->n + 1) * 4 > p->cap * 3)
			rehash(p, head);
		for (i = hash & (p->cap - 1); p->t[i].hash != 0;
		    i = (i + 1) & (p->cap - 1))
			;
		l = &p->t[i];
		l->hash = hash;
		p->n++;
	}
	trim(l, head);
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 1 : l->cap < 4 ? l->cap * 2 :
		    l->cap + l->cap / 2;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
		l->meta = xreallocarray(l->meta, l->cap, sizeof(*l->meta));
	}
	l->ids[l->n] = id;
	l->meta[l->n++] = meta;
}

void
postings_clear(struct postings *p)
{
	for (size_t i = 0; i < p->cap; i++)
		list_free(&p->t[i]);
	free(p->t);
	memset(p, 0, sizeof(*p));
}

size_t
postings_bytes(const struct postings *p)
{
	size_t n = p->cap * sizeof(*p->t);

	for (size_t i = 0; i < p->cap; i++)
		n += p->t[i].cap * (sizeof(*p->t[i].ids) +
		    sizeof(*p->t[i].meta));
	return n;
}
