/*
 * digest_fill STATE [STORIES]: a state holding a day of stories for the
 * digest benchmark.  STORIES stories (default 1000) of 1 to 8 entries
 * each, from 40 outlets (half Korean, half English), delivered over the
 * day before 2025-11-04T00:00:00Z, each entry with a title and a text of
 * four to eight sentences, as grouping keeps them.  Seeded: every run
 * writes the same state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "store.h"
#include "xmalloc.h"

#define END		1762214400	/* 2025-11-04T00:00:00Z */
#define OUTLETS		40

static unsigned long long rng = 88172645463325252ULL;

static unsigned long
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)(rng >> 11);
}

static const char *const en_words[] = { "OpenAI", "Amazon", "cloud",
	"deal", "billion", "chips", "Nvidia", "data", "center", "model",
	"signs", "agreement", "expands", "investors", "shares", "market",
	"regulators", "approve", "launch", "service" };
static const char *const ko_words[] = { "오픈AI가", "아마존웹서비스와",
	"클라우드", "계약을", "체결했다", "엔비디아", "데이터센터", "투자를",
	"확대한다", "시장은", "반응했다", "규제", "당국이", "승인했다",
	"서비스를", "출시했다" };

/* n words of a language into b, a sentence when end. */
static void
words(struct buf *b, int korean, int n, int end)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ' ');
		if (korean)
			buf_addstr(b, ko_words[next_random() %
			    (sizeof(ko_words) / sizeof(ko_words[0]))]);
		else
			buf_addstr(b, en_words[next_random() %
			    (sizeof(en_words) / sizeof(en_words[0]))]);
	}
	if (end)
		buf_addstr(b, korean ? "다." : ".");
}

int
main(int argc, char **argv)
{
	struct store *s;
	char err[512], name[64], feed[32], link[128], *title, *text;
	long stories = argc > 2 ? atol(argv[2]) : 1000, entries = 0;

	if (argc < 2 || stories < 1) {
		fprintf(stderr, "usage: digest_fill STATE [STORIES]\n");
		return 2;
	}
	if (store_open(argv[1], &s, err, sizeof(err)) == -1) {
		fprintf(stderr, "digest_fill: %s\n", err);
		return 1;
	}
	if (store_begin(s) == -1)
		return 1;
	for (long k = 0; k < stories; k++) {
		int n = 1 + (int)(next_random() % 8);
		char root[KEY_HEX_SIZE];

		for (int i = 0; i < n; i++) {
			struct entry e;
			struct buf b;
			int outlet = (int)(next_random() % OUTLETS);
			int korean = outlet < OUTLETS / 2;

			memset(&e, 0, sizeof(e));
			snprintf(link, sizeof(link), "https://outlet%d.example/"
			    "news/%ld-%d?utm_source=feed", outlet, k, i);
			entry_key_hash(link, strlen(link), e.key);
			if (i == 0)
				memcpy(root, e.key, sizeof(root));
			memcpy(e.story, root, sizeof(root));
			snprintf(feed, sizeof(feed), "outlet-%d", outlet);
			buf_init(&b);
			words(&b, korean, 8, 0);
			buf_addc(&b, '\0');
			title = buf_release(&b);
			buf_init(&b);
			buf_addstr(&b, title);
			buf_addc(&b, '\n');
			for (int j = 4 + (int)(next_random() % 5); j > 0; j--) {
				words(&b, korean, 10 + (int)(next_random() % 8),
				    1);
				buf_addc(&b, ' ');
			}
			buf_addc(&b, '\0');
			text = buf_release(&b);
			e.feed_name = feed;
			e.feed_title = feed;
			e.title = title;
			e.link = link;
			e.story_text = text;
			e.seen = e.date = e.published = END - 86400 +
			    (time_t)(next_random() % 86400);
			snprintf(name, sizeof(name), "bench-%ld-%d", k, i);
			if (store_add_pending(s, &e, NULL, name) == -1 ||
			    store_delivered(s, e.key, feed, e.seen) == -1) {
				fprintf(stderr, "digest_fill: %s\n",
				    store_errmsg(s));
				return 1;
			}
			free(title);
			free(text);
			entries++;
		}
	}
	if (store_commit(s) == -1)
		return 1;
	store_close(s);
	printf("digest_fill: %ld stories, %ld entries in %s\n", stories,
	    entries, argv[1]);
	return 0;
}
