/* The story index's inverted index: see story_post.h. */
#include <malloc.h>
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
	return b->data + (size_t)b->cap * POST_OFFSET_BYTES;
}

/* Stores an id's offset from the base at place k of b. */
static void
put_offset(struct post_block *b, uint32_t k, uint32_t off)
{
	unsigned char *o = b->data + (size_t)k * POST_OFFSET_BYTES;

	o[0] = (unsigned char)off;
	o[1] = (unsigned char)(off >> 8);
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

/*
 * A capacity of at least want that fills the allocator's chunk, which
 * holds a size word and comes in 16-byte steps.
 */
static uint32_t
block_cap(uint32_t want)
{
	size_t chunk = (sizeof(struct post_block) + sizeof(size_t) +
	    (size_t)want * (POST_OFFSET_BYTES + 1) + 15) & ~(size_t)15;

	return (uint32_t)((chunk - sizeof(struct post_block) -
	    sizeof(size_t)) / (POST_OFFSET_BYTES + 1));
}

/* l's postings in a new block of cap, their base its first id. */
static void
rebuild(struct post_list *l, uint32_t cap)
{
	struct post_block *b = (l->n & POST_BLOCK) ? l->u.block : NULL, *nb;
	uint32_t n = post_n(l);

	nb = xmalloc(sizeof(*nb) + (size_t)cap * (POST_OFFSET_BYTES + 1));
	nb->cap = cap;
	nb->start = 0;
	nb->base = post_id(l, 0);
	for (uint32_t k = 0; k < n; k++) {
		put_offset(nb, k, post_id(l, k) - nb->base);
		metas(nb)[k] = (unsigned char)post_meta(l, k);
	}
	free(b);
	l->u.block = nb;
	l->n = n | POST_BLOCK;
}

/*
 * Cuts the ids before head from l.  A block whose live postings would
 * fit in three quarters of it is made smaller, with a quarter of room,
 * so that blocks follow their lists down as well as up.
 */
static void
trim(struct post_list *l, uint32_t head)
{
	uint32_t lo, fit;

	/* Most lists have nothing to cut: one look, not a search. */
	if (post_n(l) == 0 || !before(post_id(l, 0), head))
		return;
	lo = first_live(l, head);
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
	fit = block_cap(post_n(l) + 1 + post_n(l) / 4);
	if (fit < l->u.block->cap - l->u.block->cap / 4)
		rebuild(l, fit);
}

/* l's postings moved to the front of its block, their base its first id. */
static void
compact(struct post_list *l)
{
	struct post_block *b = l->u.block;
	uint32_t n = post_n(l), first = post_id(l, 0);

	/* Place k is written after the postings it held were read. */
	for (uint32_t k = 0; k < n; k++)
		put_offset(b, k, post_id(l, k) - first);
	memmove(metas(b), metas(b) + b->start, n);
	b->base = first;
	b->start = 0;
}

/*
 * Room for id at the end of l's block: its postings moved to the front
 * when at most three quarters of it are used (so that a quarter of it
 * at least is filled before they move again), else a larger block (by a
 * quarter, by an eighth past 64 postings, where most postings are), or
 * one as large when id is too far from the base for an offset.
 */
static void
make_room(struct post_list *l, uint32_t id)
{
	struct post_block *b = (l->n & POST_BLOCK) ? l->u.block : NULL;
	uint32_t n = post_n(l), cap = b != NULL ? b->cap : 1;

	if (b != NULL && id - b->base <= POST_OFFSET_MAX &&
	    b->start + n < b->cap)
		return;
	if (b != NULL && b->start > 0 && n <= b->cap - b->cap / 4) {
		compact(l);
		return;
	}
	if (n == cap)
		cap = block_cap(cap + 1 + cap / (cap < 64 ? 4 : 8));
	rebuild(l, cap);
}

/*
 * The capacity a table is rebuilt with: as large when its live slots
 * fill at most 60% of it (a window that moves on empties as many as it
 * makes, so the next rebuild is another 15% of it away), else twice as
 * large.
 */
static size_t
rebuilt_cap(size_t oldcap, size_t live)
{
	return oldcap == 0 ? 4096 : live * 5 <= oldcap * 3 ? oldcap :
	    oldcap * 2;
}

/* The table without the lists the window emptied. */
static void
rehash(struct postings *p, uint32_t head)
{
	struct post_list *old = p->t;
	size_t oldcap = p->cap, live = 0, i, k;

	for (i = 0; i < oldcap; i++)
		if (old[i].hash != 0) {
			trim(&old[i], head);
			live += post_n(&old[i]) > 0;
		}
	p->cap = rebuilt_cap(oldcap, live);
	p->t = xcalloc(p->cap, sizeof(*p->t));
	p->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0)
			continue;
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
	make_room(l, id);
	b = l->u.block;
	put_offset(b, b->start + post_n(l), id - b->base);
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

	/* A block as the allocator holds it: with its size word. */
	for (size_t i = 0; i < p->cap; i++)
		if (p->t[i].n & POST_BLOCK)
			n += malloc_usable_size(p->t[i].u.block) +
			    sizeof(size_t);
	return n;
}

/* The table without the citations the window left. */
static void
citations_rebuild(struct citations *c, uint32_t head)
{
	struct citation *old = c->t;
	size_t oldcap = c->cap, live = 0, i, k, mask;

	for (i = 0; i < oldcap; i++)
		live += old[i].hash != 0 && !before(old[i].id, head);
	c->cap = rebuilt_cap(oldcap, live);
	c->t = xcalloc(c->cap, sizeof(*c->t));
	c->n = 0;
	mask = c->cap - 1;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0 || before(old[i].id, head))
			continue;
		for (k = old[i].hash & mask; c->t[k].hash != 0;
		    k = (k + 1) & mask)
			;
		c->t[k] = old[i];
		c->n++;
	}
	free(old);
}

void
citations_add(struct citations *c, uint32_t hash, uint32_t id,
    uint32_t head)
{
	size_t k, mask;

	if ((c->n + 1) * 4 > c->cap * 3)
		citations_rebuild(c, head);
	mask = c->cap - 1;
	for (k = hash & mask; c->t[k].hash != 0; k = (k + 1) & mask)
		;
	c->t[k].hash = hash;
	c->t[k].id = id;
	c->n++;
}

int
citations_next(const struct citations *c, uint32_t hash, uint32_t head,
    size_t *at, uint32_t *id)
{
	size_t k, mask = c->cap - 1;

	if (c->cap == 0)
		return -1;
	/* *at counts the slots of the probe run already seen. */
	for (k = (hash + *at) & mask; c->t[k].hash != 0 && *at < c->cap;
	    k = (k + 1) & mask) {
		(*at)++;
		if (c->t[k].hash == hash && !before(c->t[k].id, head)) {
			*id = c->t[k].id;
			return 0;
		}
	}
	return -1;
}

void
citations_clear(struct citations *c)
{
	free(c->t);
	memset(c, 0, sizeof(*c));
}

size_t
citations_bytes(const struct citations *c)
{
	return c->cap * sizeof(*c->t);
}
