/* The story index's inverted index: see story_post.h. */
#include <stdlib.h>
#include <string.h>

#include "story_post.h"
#include "xmalloc.h"

static int
before(uint32_t id, uint32_t head)
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

static unsigned char *
metas(const struct post_list *l)
{
	return l->u.block + (size_t)l->cap * sizeof(uint32_t);
}

/* The first k of l not before head, by a binary search. */
static uint32_t
first_live(const struct post_list *l, uint32_t head)
{
	uint32_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (before(post_id(l, mid), head))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
trim(struct post_list *l, uint32_t head)
{
	uint32_t lo = first_live(l, head);

	l->n -= lo;
	if (l->cap > 1)
		l->start += lo;
}

/*
 * Room for one more posting at the end of l's block: its postings moved
 * to the front when some left, else a larger block.
 */
static void
make_room(struct post_list *l)
{
	uint32_t cap = l->cap;
	unsigned char *block;

	if (l->cap > 1 && l->start > 0 && l->n <= l->cap / 2) {
		memmove(l->u.block, l->u.block + (size_t)l->start *
		    sizeof(uint32_t), (size_t)l->n * sizeof(uint32_t));
		memmove(metas(l), metas(l) + l->start, l->n);
		l->start = 0;
		return;
	}
	if (l->n == l->cap)
		cap = l->cap < 4 ? l->cap + 1 : l->cap + l->cap / 2;
	block = xreallocarray(NULL, cap, sizeof(uint32_t) + 1);
	for (uint32_t k = 0; k < l->n; k++) {
		uint32_t id = post_id(l, k);

		memcpy(block + (size_t)k * sizeof(id), &id, sizeof(id));
		block[(size_t)cap * sizeof(id) + k] =
		    (unsigned char)post_meta(l, k);
	}
	if (l->cap > 1)
		free(l->u.block);
	l->u.block = block;
	l->cap = cap;
	l->start = 0;
}

static void
list_free(struct post_list *l)
{
	if (l->cap > 1)
		free(l->u.block);
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
postings_add(struct postings *p, uint32_t hash, uint32_t id, unsigned meta,
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
	if (l->n == 0 && l->cap <= 1) {
		l->cap = 1;
		l->u.one.id = id;
		l->u.one.meta = (unsigned char)meta;
		l->n = 1;
		return;
	}
	if (l->cap <= 1 || l->start + l->n == l->cap)
		make_room(l);
	memcpy(l->u.block + (size_t)(l->start + l->n) * sizeof(id), &id,
	    sizeof(id));
	metas(l)[l->start + l->n++] = (unsigned char)meta;
}

long
postings_find(const struct post_list *l, uint32_t id)
{
	uint32_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (post_id(l, mid) == id)
			return (long)mid;
		if (before(post_id(l, mid), id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
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
		if (p->t[i].cap > 1)
			n += p->t[i].cap * (sizeof(uint32_t) + 1);
	return n;
}
