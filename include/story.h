/*
 * Story grouping: each entry joins, when it is delivered, the story of the
 * entries it reports the same event as, or starts one.  The evidence is
 * read against an inverted index of the entries delivered within the
 * window (by when they were seen), never a scan of them:
 *   - links: a shared canonical link, or one entry citing another's link
 *     (or both citing the same one), is decisive;
 *   - the tokens of title and text (story_tokens.h), weighted by how rare
 *     they are in the window, compared as a cosine;
 *   - time: the score fades with the distance between the entries' dates.
 * A story's id is its first entry's key, so every later message of the
 * story names the root's Message-ID.  The index is rebuilt from the state
 * on start (story_restore), in the order the entries were delivered.
 */
#ifndef STORY_H
#define STORY_H

#include <stddef.h>
#include <time.h>

#include "entry.h"

#define STORY_WINDOW_DEFAULT	(5 * 86400L)

struct story_index;

/* An empty index keeping what was delivered in the last window seconds. */
struct story_index	*story_index_new(long window);
void			 story_index_free(struct story_index *);

/*
 * Sets e->story_text and e->story_links (see entry.h): what story_assign
 * reads of e.  It needs no index, so workers call it outside the lock.
 */
void	story_evidence(struct entry *e);

/*
 * Sets e->story (and what story_evidence sets, unless done) and adds e
 * to the index.  A key already in it keeps its story, so a delivery tried
 * again, or raced by another feed with the same article, gets the same.
 * now is the time of the delivery.  Not for two threads at once.
 */
void	story_assign(struct story_index *, struct entry *e, time_t now);

/*
 * Adds a delivered entry read back from the state, with its story and its
 * evidence as story_assign made them.  Entries come in delivery order.
 */
void	story_restore(struct story_index *, const struct entry *e,
	    time_t now);

/* How many entries the index holds, and the bytes it uses. */
size_t	story_index_entries(const struct story_index *);
size_t	story_index_bytes(const struct story_index *);

#endif
