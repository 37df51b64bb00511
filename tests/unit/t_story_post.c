/*
 * story_post and idmap: the story index's inverted index keeps every id
 * of the window with its meta, in order, across block growth, compaction
 * and ids far apart; the id map finds, forgets and moves ids by key.
 */
#include <stdint.h>

#include "../../daemon/story_post.h"
#include "idmap.h"
#include "test.h"

/* The ids of hash's list, from head: how many match want[]. */
static int
list_is(struct postings *p, uint32_t hash, uint32_t head,
    const uint32_t *want, uint32_t n)
{
	struct post_list *l = postings_get(p, hash, head);

	if (n == 0)
		return l == NULL;
	if (l == NULL || post_n(l) != n)
		return 0;
	for (uint32_t k = 0; k < n; k++)
		if (post_id(l, k) != want[k] || post_meta(l, k) !=
		    (want[k] & 0xff))
			return 0;
	return 1;
}

TEST(test_lists_keep_the_window_in_order)
{
	struct postings p = { 0 };
	uint32_t want[40], head = 0;

	/* One list grows through blocks while the window moves on. */
	for (uint32_t id = 0; id < 1000; id++) {
		if (id >= 30)
			head = id - 30;
		postings_add(&p, 7, id, id & 0xff, head);
		postings_add(&p, 1000 + id, id, id & 0xff, head);
	}
	for (uint32_t k = 0; k < 30; k++)
		want[k] = head + 1 + k;
	ASSERT(list_is(&p, 7, head + 1, want, 30));
	want[0] = 999;
	ASSERT(list_is(&p, 1999, head, want, 1));
	ASSERT(list_is(&p, 1000, head, want, 0));
	postings_clear(&p);
}

TEST(test_ids_far_apart_are_kept_exactly)
{
	struct postings p = { 0 };
	uint32_t want[3], id = 0xfffe0000u, step = 0x3000;

	/*
	 * A list whose ids drift further than an offset holds from where
	 * its block began, across the wrap of the counter; the window
	 * keeps three of them.
	 */
	for (int i = 0; i < 200; i++, id += step)
		postings_add(&p, 42, id, id & 0xff, id - 2 * step);
	id -= step;
	want[0] = id - 2 * step;
	want[1] = id - step;
	want[2] = id;
	ASSERT(list_is(&p, 42, want[0], want, 3));
	ASSERT(list_is(&p, 42, want[1], want + 1, 2));
	/*
	 * Blocks whose first live id is near enough, their base not: one
	 * with room at its end, one whose postings would move to its front.
	 */
	for (uint32_t k = 10; k < 15; k++) {
		postings_add(&p, 43, k, k, 0);
		if (k < 14)
			postings_add(&p, 44, k, k, 0);
	}
	postings_add(&p, 43, 0x1000c, 0x0c, 14);
	postings_add(&p, 44, 0x1000b, 0x0b, 13);
	want[0] = 14;
	want[1] = 0x1000c;
	ASSERT(list_is(&p, 43, 14, want, 2));
	want[0] = 13;
	want[1] = 0x1000b;
	ASSERT(list_is(&p, 44, 13, want, 2));
	postings_clear(&p);
}

TEST(test_blocks_follow_their_lists_down)
{
	struct postings p = { 0 };
	uint32_t want[5];
	size_t full;

	for (uint32_t id = 0; id < 400; id++)
		postings_add(&p, 50, id, id & 0xff, 0);
	full = postings_bytes(&p);
	/* The window leaves five: the block shrinks, the five are kept. */
	for (uint32_t k = 0; k < 5; k++)
		want[k] = 395 + k;
	ASSERT(list_is(&p, 50, 395, want, 5));
	ASSERT(postings_bytes(&p) < full - 300 * 3);
	postings_clear(&p);
}

static uint64_t keys[4096];

static uint64_t
key_of(const void *owner, uint32_t id)
{
	(void)owner;
	return keys[id];
}

TEST(test_idmap_finds_and_forgets)
{
	struct idmap m = { .key = key_of };
	uint32_t id;
	int bad = 0;

	/* Keys that collide in the low bits make long probe runs. */
	for (uint32_t i = 0; i < 4096; i++) {
		keys[i] = ((uint64_t)i << 40) | (i % 7);
		idmap_put(&m, i);
	}
	for (uint32_t i = 0; i < 4096; i += 2)
		idmap_del(&m, keys[i]);
	for (uint32_t i = 0; i < 4096; i++) {
		int found = idmap_get(&m, keys[i], &id) == 0;

		if (found != (i % 2 == 1) || (found && id != i))
			bad++;
	}
	ASSERT_INT(bad, 0);
	ASSERT_INT((int)m.n, 2048);
	idmap_clear(&m);
}

int
main(void)
{
	RUN(test_lists_keep_the_window_in_order);
	RUN(test_ids_far_apart_are_kept_exactly);
	RUN(test_blocks_follow_their_lists_down);
	RUN(test_idmap_finds_and_forgets);
	return TEST_DONE();
}
