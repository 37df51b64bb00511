/*
 * summary: leading whole sentences within a length in characters, Korean
 * and English sentence ends, and cuts that never split a word or a
 * character.
 */
#include <stdint.h>
#include <stdlib.h>

#include "summary.h"
#include "test.h"
#include "utf8.h"
#include "xmalloc.h"

/* Whether summary_extract(text, max) is want; prints both when not. */
static int
summary_is(const char *text, size_t max, const char *want)
{
	char *got = summary_extract(text, max);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		printf("#   max %zu: \"%s\", expected \"%s\"\n", max, got, want);
	free(got);
	return ok;
}

/* The characters in s, which must be UTF-8. */
static size_t
chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, len, count = 0;
	uint32_t c;

	for (i = 0; i < n; i += len, count++)
		if ((len = utf8_decode(p + i, n - i, &c)) == 0)
			return SIZE_MAX;
	return count;
}

/* 다. and 요. end sentences, also inside a closing quote. */
TEST(test_korean)
{
	const char *t = "오늘 날씨가 맑습니다. 내일은 비가 와요. "
	    "모레는 흐립니다.";

	ASSERT(summary_is(t, 30, "오늘 날씨가 맑습니다. 내일은 비가 와요."));
	ASSERT(summary_is(t, 22, "오늘 날씨가 맑습니다."));
	ASSERT(summary_is(t, 33, t));
	ASSERT(summary_is("그가 말했다. “좋아요.” 다음이다.", 19,
	    "그가 말했다. “좋아요.”"));
	ASSERT(summary_is("그가 말했다. “좋아요.” 다음이다.", 13,
	    "그가 말했다."));
}

/* Initials, numbers and abbreviations do not end an English sentence. */
TEST(test_english)
{
	const char *t = "The U.S. economy grew 3.5 percent, Acme Inc. said "
	    "on Jan. 5. Markets rose! Did bonds fall? Yes.";

	ASSERT(summary_is(t, 60, "The U.S. economy grew 3.5 percent, "
	    "Acme Inc. said on Jan. 5."));
	ASSERT(summary_is(t, 74, "The U.S. economy grew 3.5 percent, "
	    "Acme Inc. said on Jan. 5. Markets rose!"));
	ASSERT(summary_is(t, 90, "The U.S. economy grew 3.5 percent, "
	    "Acme Inc. said on Jan. 5. Markets rose! Did bonds fall?"));
	ASSERT(summary_is("Mr. Kim met Dr. Lee (e.g. at St. Mary's) vs. "
	    "J. Park. Then left.", 55,
	    "Mr. Kim met Dr. Lee (e.g. at St. Mary's) vs. J. Park."));
	ASSERT(summary_is(t, 40, "The U.S. economy grew 3.5 percent, Acme…"));
	ASSERT(summary_is("He said \"Stop.\" Then he left.", 20,
	    "He said \"Stop.\""));
	/* Without a space after it, '.' is inside a word or a URL. */
	ASSERT(summary_is("See example.com/a.b now. Then.", 25,
	    "See example.com/a.b now."));
}

/*
 * Each of these is one sentence: with a limit one short of it, it is cut
 * at a word, not ended early at the '.' inside it.
 */
TEST(test_not_an_end)
{
	static const char *one[] = {
		"The U.S. economy grew.",
		"J. R. R. Tolkien wrote it.",
		"It grew 3.5 percent.",
		"Shares of Acme Inc. rose.",
		"Made by Acme Corp. and Foo Ltd. today.",
		"Mr. Kim met Mrs. Lee.",
		"Dr. Lee left.",
		"Apple vs. Samsung again.",
		"Fruit, e.g. apples, sold.",
		"Nothing, i.e. none.",
		"He lives on St. Mark's Place.",
		"Sales rose on Jan. 5 and Dec. 24.",
		"Sales rose (Sept. figures) again.",
	};
	char text[256], *got;
	size_t i, n;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		snprintf(text, sizeof(text), "%s Next one.", one[i]);
		n = chars(one[i]);
		ASSERT(summary_is(text, n, one[i]));
		got = summary_extract(text, n - 1);
		if (strlen(got) < 3 || strcmp(got + strlen(got) - 3, "…") != 0)
			TEST_FAIL("\"%s\" ended early: \"%s\"", one[i], got);
		free(got);
	}
}

/* The first sentence alone is too long: cut at a space, then "…". */
TEST(test_long_first_sentence)
{
	const char *t = "Researchers announced a breakthrough in battery "
	    "chemistry today. Next.";

	ASSERT(summary_is(t, 30, "Researchers announced a…"));
	ASSERT(summary_is(t, 24, "Researchers announced a…"));
	ASSERT(summary_is(t, 23, "Researchers announced…"));
	/* A space right after the limit still ends a whole word. */
	ASSERT(summary_is(t, 22, "Researchers announced…"));
	ASSERT(summary_is(t, 12, "Researchers…"));
	ASSERT(summary_is(t, 2, "R…"));
	ASSERT(summary_is(t, 1, "…"));
	ASSERT(summary_is(t, 0, ""));
	ASSERT(summary_is("한국은행이 기준금리를 동결했다고 밝혔다.", 12,
	    "한국은행이 기준금리를…"));
}

/* CJK runs without spaces are cut between characters; 。 needs no space. */
TEST(test_cjk)
{
	ASSERT(summary_is("人工知能の研究が急速に進んでいる", 10,
	    "人工知能の研究が急…"));
	ASSERT(summary_is("今日は晴れ。明日は雨。", 8, "今日は晴れ。"));
	ASSERT(summary_is("今日は晴れ！明日は雨？", 11, "今日は晴れ！明日は雨？"));
	ASSERT(summary_is("「今日は晴れ。」明日は雨。", 9, "「今日は晴れ。」"));
}

/*
 * Whatever the limit, the result is UTF-8, within it, and a start of the
 * text (less a final "…").
 */
TEST(test_no_split_sequence)
{
	static const char *texts[] = {
		"가나다라마바사아자차카타파하",
		"😀😀😀😀😀😀 ok. 😀😀",
		"añb ünd çé. 漢字かな. Done.",
		"x 가 😀 é y. z.",
	};
	size_t i, max, n;
	char *got;

	ASSERT(summary_is("가나다라마바사아자차카타파하", 5, "가나다라…"));
	ASSERT(summary_is("😀😀😀😀😀😀", 3, "😀😀…"));
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (max = 0; max < 40; max++) {
			got = summary_extract(texts[i], max);
			n = strlen(got);
			ASSERT(utf8_valid(got, n));
			ASSERT(chars(got) <= max);
			if (n >= 3 && strcmp(got + n - 3, "…") == 0)
				n -= 3;
			ASSERT(strncmp(got, texts[i], n) == 0);
			free(got);
		}
	}
}

/* A limit of exactly a sentence's length keeps it; one less does not. */
TEST(test_exact_fit)
{
	const char *t = "Hello world. Bye now.";

	ASSERT(summary_is(t, 21, t));
	ASSERT(summary_is(t, 20, "Hello world."));
	ASSERT(summary_is(t, 12, "Hello world."));
	ASSERT(summary_is(t, 11, "Hello…"));
	ASSERT(summary_is("No ending at all here", 21,
	    "No ending at all here"));
	ASSERT(summary_is("No ending at all here", 20, "No ending at all…"));
}

/* Spaces around the text go; empty text gives an empty string. */
TEST(test_trim_empty)
{
	ASSERT(summary_is("", 10, ""));
	ASSERT(summary_is("   ", 10, ""));
	ASSERT(summary_is("  Hi there.  ", 9, "Hi there."));
	ASSERT(summary_is("  Hi there. More.  ", 12, "Hi there."));
	ASSERT(summary_is("Hi.", 0, ""));
}

int
main(void)
{
	RUN(test_korean);
	RUN(test_english);
	RUN(test_not_an_end);
	RUN(test_long_first_sentence);
	RUN(test_cjk);
	RUN(test_no_split_sequence);
	RUN(test_exact_fit);
	RUN(test_trim_empty);
	return TEST_DONE();
}
