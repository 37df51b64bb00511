/*
 * The story index's inverted index, private to story.c: per token hash,
 * the ids of the entries in the window that hold it, oldest first, each
 * with a byte of weight and a byte of kind.  Ids only grow and leave the
 * window oldest first, so the ids that left are a prefix of every list:
 * a list is cut when it is next read or grown, and the lists the window
 * emptied are dropped when the table grows.
 */
#ifndef STORY_POST_H
#define STORY_POST_H

#include <stddef.h>
#include <stdint.h>

struct post_list {
	uint32_t	 hash;		/* 0: a free slot */
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	*ids;
	uint16_t	*meta;		/* POST_META(weight, kind) */
};

#define POST_META(w, kind)	((uint16_t)((unsigned)(kind) << 8 | (w)))
#define POST_WEIGHT(m)		((unsigned)(m) & 0xff)
#define POST_KIND(m)		((unsigned)(m) >> 8)

struct postings {
	struct post_list *t;
	size_t		  cap;		/* a power of two */
	size_t		  n;
};

/* hash's list without the ids before head, or NULL when it has none. */
struct post_list *postings_get(struct postings *, uint32_t hash,
		    uint32_t head);
void		 postings_add(struct postings *, uint32_t hash, uint32_t id,
		    uint16_t meta, uint32_t head);
void		 postings_clear(struct postings *);
size_t		 postings_bytes(const struct postings *);

#endif
