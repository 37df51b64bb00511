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

struct post_list {
	uint32_t	 hash;		/* 0: a free slot */
	uint32_t	 n;		/* postings from start on */
	uint32_t	 cap;		/* 1: the one posting is in one */
	uint32_t	 start;		/* where they start in the block */
	union {
		unsigned char	*block;	/* cap ids, then cap metas */
		struct {
			uint32_t	 id;
			unsigned char	 meta;
		}		 one;
	}		 u;
};

struct postings {
	struct post_list *t;
	size_t		  cap;		/* a power of two */
	size_t		  n;
};

static inline uint32_t
post_id(const struct post_list *l, uint32_t k)
{
	uint32_t id;

	if (l->cap <= 1)
		return l->u.one.id;
	memcpy(&id, l->u.block + (size_t)(l->start + k) * sizeof(id),
	    sizeof(id));
	return id;
}

static inline unsigned
post_meta(const struct post_list *l, uint32_t k)
{
	if (l->cap <= 1)
		return l->u.one.meta;
	return l->u.block[(size_t)l->cap * sizeof(uint32_t) + l->start + k];
}

/* hash's list without the ids before head, or NULL when it has none. */
struct post_list *postings_get(struct postings *, uint32_t hash,
		    uint32_t head);
void		 postings_add(struct postings *, uint32_t hash, uint32_t id,
		    unsigned meta, uint32_t head);
/* The place of id in l, or -1. */
long		 postings_find(const struct post_list *l, uint32_t id);
void		 postings_clear(struct postings *);
size_t		 postings_bytes(const struct postings *);

#endif
