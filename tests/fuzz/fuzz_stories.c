/*
 * libFuzzer target: story grouping's tokenizer and index.  The input is a
 * text, read as a title and as a text: its tokens must be whole UTF-8,
 * never empty and short (a word of at most 64 characters, two syllables,
 * a number, a key), whatever the bytes; the same text read twice by a
 * fresh tokenizer gives the same tokens.  The text is
 * also an entry's title and content assigned to a story in an index kept
 * across inputs, so that the index's growth, eviction and lookups run on
 * what a feed can send.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "story.h"
#include "story_tokens.h"
#include "utf8.h"
#include "xmalloc.h"

/* 64 characters of 4 bytes, and "num:" or "ph:" before them. */
#define TOKEN_MAX	(64 * 4 + 4)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_token(void *arg, enum story_token_kind kind, enum story_part part,
    double share, const char *tok, size_t len)
{
	struct buf *b = arg;

	if (len == 0 || len > TOKEN_MAX || !utf8_valid(tok, len) ||
	    kind >= STORY_TOKEN_KINDS || !(share > 0 && share <= 1)) {
		fprintf(stderr, "stories: bad token (kind %d, %zu bytes)\n",
		    (int)kind, len);
		abort();
	}
	buf_addc(b, (char)('0' + kind));
	buf_addc(b, part == STORY_PART_TITLE ? 'T' : 't');
	buf_add(b, tok, len);
	buf_addc(b, '\n');
}

static char *
tokens_of(const char *text)
{
	struct story_tokenizer *t = story_tokenizer_new();
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	story_tokenize(t, text, text, check_token, &b);
	buf_addc(&b, '\0');
	story_tokenizer_free(t);
	return buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct story_index *x;
	static unsigned long serial;
	char *text = xstrndup((const char *)data, size), *a, *b;
	struct entry e;

	a = tokens_of(text);
	b = tokens_of(text);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "stories: two readings differ\n");
		abort();
	}
	free(a);
	free(b);

	if (x == NULL || serial % 5000 == 0) {
		story_index_free(x);
		x = story_index_new(STORY_WINDOW_DEFAULT);
	}
	memset(&e, 0, sizeof(e));
	entry_key_hash(text, strlen(text), e.key);
	e.title = text;
	e.content = text;
	e.seen = e.date = 1700000000 + (time_t)serial++;
	e.published = (time_t)(size > 0 ? data[0] : 0) * 3600 + 1700000000;
	story_assign(x, &e, e.seen);
	if (strlen(e.story) != KEY_HEX_LEN) {
		fprintf(stderr, "stories: no story assigned\n");
		abort();
	}
	free(e.story_text);
	free(e.story_links);
	free(e.story_vec);
	free(text);
	return 0;
}
