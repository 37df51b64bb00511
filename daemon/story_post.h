/*
 * The story index's inverted index, private to story.c: per hash (of a
 * token, or of a link), the ids of the entries in the window that hold
 * it, oldest first, each with a byte of meta (a token's weight and kind).
 * Ids only grow and leave the window oldest first, so the ids that left
 * are a prefix of every list: a list is cut when it is next read or
 * grown (its start moves; its block is compacted only when it is full),
 * and the lists the window emptied are dropped when the table grows.  A
 * list of one entry, as most are, needs no block of its own.
 */
#ifndef STORY_POST_H
#define STORY_POST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A list: 16 bytes in the table.  One posting lives in the slot itself;
 * more live in a block whose head says its capacity and where they start
 * in it (after ids that left): cap ids, then cap metas.
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
	unsigned char	 data[];
};

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
	uint32_t id;

	if (!(l->n & POST_BLOCK))
		return l->u.one.id;
	memcpy(&id, b->data + (size_t)(b->start + k) * sizeof(id),
	    sizeof(id));
	return id;
}

static inline unsigned
post_meta(const struct post_list *l, uint32_t k)
{
	const struct post_block *b = l->u.block;

	if (!(l->n & POST_BLOCK))
		return l->u.one.meta;
	return b->data[(size_t)b->cap * sizeof(uint32_t) + b->start + k];
}

/* hash's list without the ids before head, or NULL when it has none. */
struct post_list *postings_get(struct postings *, uint32_t hash,
		    uint32_t head);
void		 postings_add(struct postings *, uint32_t hash, uint32_t id,
		    unsigned meta, uint32_t head);
void		 postings_clear(struct postings *);
size_t		 postings_bytes(const struct postings *);

#endif
