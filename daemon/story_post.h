/*
 * The story index's inverted index, private to story.c: per hash of a
 * token, the ids of the entries in the window that hold it, oldest
 * first, each with a byte of meta (the token's weight and kind); and the
 * citations, per hash of a link, the ids that cite it.  Ids only grow
 * and leave the window oldest first, so the ids that left are a prefix
 * of every list: a list is cut when it is next read or grown (its start
 * moves; its block is compacted only when it is full), and the lists the
 * window emptied are dropped when the table is rebuilt.
 */
#ifndef STORY_POST_H
#define STORY_POST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A list: 16 bytes in the table.  One posting lives in the slot itself;
 * more live in a block whose head says its capacity, where they start in
 * it (after ids that left) and the id their 2-byte offsets count from:
 * cap offsets, then cap metas.  The ids of one list that are in the
 * window at once must span less than 2^16 (the story window holds fewer
 * entries than that); a block that drifts further from its base is
 * rebased on its first id.
 */
struct post_list {
	uint32_t	 hash;		/* 0: a free slot */
	uint32_t	 n;		/* postings, POST_BLOCK when in one */
	union {
		struct post_block	*block;
		struct {
			uint32_t	 id;
			unsigned char	 meta;
		}			 one;
	}		 u;
};

#define POST_BLOCK	0x80000000u

struct post_block {
	uint32_t	 cap;
	uint32_t	 start;
	uint32_t	 base;
	unsigned char	 data[];
};

#define POST_OFFSET_BYTES	2
#define POST_OFFSET_MAX		0xffffu

struct postings {
	struct post_list *t;
	size_t		  cap;		/* a power of two */
	size_t		  n;
};

static inline uint32_t
post_n(const struct post_list *l)
{
	return l->n & ~POST_BLOCK;
}

static inline uint32_t
post_id(const struct post_list *l, uint32_t k)
{
	const struct post_block *b = l->u.block;
	const unsigned char *o;

	if (!(l->n & POST_BLOCK))
		return l->u.one.id;
	o = b->data + (size_t)(b->start + k) * POST_OFFSET_BYTES;
	return b->base + ((uint32_t)o[0] | (uint32_t)o[1] << 8);
}

static inline unsigned
post_meta(const struct post_list *l, uint32_t k)
{
	const struct post_block *b = l->u.block;

	if (!(l->n & POST_BLOCK))
		return l->u.one.meta;
	return b->data[(size_t)b->cap * POST_OFFSET_BYTES + b->start + k];
}

/* hash's list without the ids before head, or NULL when it has none. */
struct post_list *postings_get(struct postings *, uint32_t hash,
		    uint32_t head);
void		 postings_add(struct postings *, uint32_t hash, uint32_t id,
		    unsigned meta, uint32_t head);
void		 postings_clear(struct postings *);
size_t		 postings_bytes(const struct postings *);

/*
 * The citations: which ids cite a link (by its hash).  A link is cited by
 * one entry far more often than by several, so each citation is a slot
 * of its own (8 bytes), a link's citations lie in one probe run, and
 * those that left the window are dropped when the table is rebuilt.
 */
struct citations {
	struct citation {
		uint32_t	 hash;	/* 0: a free slot */
		uint32_t	 id;
	}		*t;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

void	citations_add(struct citations *, uint32_t hash, uint32_t id,
	    uint32_t head);
/*
 * The ids not before head that cite hash, one a call: start with *at
 * set to 0; 0 and *id set, or -1 when there are no more.
 */
int	citations_next(const struct citations *, uint32_t hash,
	    uint32_t head, size_t *at, uint32_t *id);
void	citations_clear(struct citations *);
size_t	citations_bytes(const struct citations *);

#endif
