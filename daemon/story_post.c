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
metas(struct post_block *b)
{
	return b->data + (size_t)b->cap * sizeof(uint32_t);
}

/* The first k of l not before head, by a binary search. */
static uint32_t
first_live(const struct post_list *l, uint32_t head)
{
	uint32_t lo = 0, hi = post_n(l), mid;

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
list_free(struct post_list *l)
{
	if (l->n & POST_BLOCK)
		free(l->u.block);
	l->n = 0;
}

static void
trim(struct post_list *l, uint32_t head)
{
	uint32_t lo = first_live(l, head);

	if (lo == 0)
		return;
	if (!(l->n & POST_BLOCK)) {
		l->n = 0;
		return;
	}
	if (lo == post_n(l)) {
		list_free(l);	/* back to an empty slot of its own */
		return;
	}
	l->u.block->start += lo;
	l->n -= lo;
}

/*
 * Room for one more posting at the end of l's block: its postings moved
 * to the front when at most half of it is used, else a larger block.
 */
static void
make_room(struct post_list *l)
{
	struct post_block *b = (l->n & POST_BLOCK) ? l->u.block : NULL, *nb;
	uint32_t n = post_n(l), cap = b != NULL ? b->cap : 1;

	if (b != NULL && b->start > 0 && n <= b->cap / 2) {
		memmove(b->data, b->data + (size_t)b->start * sizeof(uint32_t),
		    (size_t)n * sizeof(uint32_t));
		memmove(metas(b), metas(b) + b->start, n);
		b->start = 0;
		return;
	}
	if (n == cap)
		cap = cap < 4 ? cap + 1 : cap + cap / 2;
	nb = xmalloc(sizeof(*nb) + (size_t)cap * (sizeof(uint32_t) + 1));
	nb->cap = cap;
	nb->start = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t id = post_id(l, k);

		memcpy(nb->data + (size_t)k * sizeof(id), &id, sizeof(id));
		metas(nb)[k] = (unsigned char)post_meta(l, k);
	}
	free(b);
	l->u.block = nb;
	l->n = n | POST_BLOCK;
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
		if (post_n(&old[i]) == 0) {
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
	return post_n(l) > 0 ? l : NULL;
}

void
postings_add(struct postings *p, uint32_t hash, uint32_t id, unsigned meta,
    uint32_t head)
{
	struct post_list *l = find(p, hash);
	struct post_block *b;
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
	if (l->n == 0) {
		l->u.one.id = id;
		l->u.one.meta = (unsigned char)meta;
		l->n = 1;
		return;
	}
	if (!(l->n & POST_BLOCK) || l->u.block->start + post_n(l) ==
	    l->u.block->cap)
		make_room(l);
	b = l->u.block;
	memcpy(b->data + (size_t)(b->start + post_n(l)) * sizeof(id), &id,
	    sizeof(id));
	metas(b)[b->start + post_n(l)] = (unsigned char)meta;
	l->n++;
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
		if (p->t[i].n & POST_BLOCK)
			n += sizeof(struct post_block) + p->t[i].u.block->cap *
			    (sizeof(uint32_t) + 1);
	return n;
}
