/*
 * Tests for newsboat's urls file: tokens, quotes and their escapes,
 * comments, the "~" title and the line numbers given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsboat.h"
#include "test.h"
#include "xmalloc.h"

/* Each line seen, written back as "LINE|URL|TITLE|TAG|TAG...". */
static void
collect(const struct newsboat_line *nl, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%ld|%s|%s", nl->line, nl->url,
	    nl->title != NULL ? nl->title : "-");
	for (size_t i = 0; i < nl->ntags; i++)
		buf_printf(b, "|%s", nl->tags[i]);
	buf_addc(b, '\n');
}

static void
assert_parsed(const char *text, const char *want)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "");
	newsboat_parse(text, collect, &b);
	ASSERT_STR(b.data, want);
	buf_free(&b);
}

TEST(test_lines)
{
	assert_parsed(
	    "# comment\n"
	    "\n"
	    "https://a.example/rss news tech\n"
	    "  https://b.example/rss\t\"two words\" ~Bee   # trailing\n"
	    "https://c.example/rss \"~Title with spaces\" x ~second\n"
	    "\"query:Unread:unread = \\\"yes\\\"\" q\n"
	    "https://d.example/rss \"unterminated tag\n"
	    "https://e.example/rss\r\n",
	    "3|https://a.example/rss|-|news|tech\n"
	    "4|https://b.example/rss|Bee|two words\n"
	    "5|https://c.example/rss|Title with spaces|x|~second\n"
	    "6|query:Unread:unread = \"yes\"|-|q\n"
	    "7|https://d.example/rss|-|unterminated tag\n"
	    "8|https://e.example/rss|-\n");
}

TEST(test_nothing)
{
	assert_parsed("", "");
	assert_parsed("\n\n   \n# only comments\n", "");
	/* An empty quoted URL names no feed. */
	assert_parsed("\"\" tag\n", "");
}

int
main(void)
{
	RUN(test_lines);
	RUN(test_nothing);
	return TEST_DONE();
}
