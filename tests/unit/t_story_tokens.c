/*
 * story_tokens: what story grouping reads of a text, the same tokens for
 * the same words, names and numbers in any script.
 */
#include <stdlib.h>
#include <string.h>

#include "story_tokens.h"
#include "test.h"
#include "xmalloc.h"

struct collect {
	struct buf	 b;
};

static void
collect(void *arg, enum story_token_kind kind, const char *tok, size_t len)
{
	struct collect *c = arg;
	static const char kinds[] = "wbnl";

	buf_addc(&c->b, kinds[kind]);
	buf_addc(&c->b, ':');
	buf_add(&c->b, tok, len);
	buf_addc(&c->b, ' ');
}

/* The tokens of text as "k:token " runs (w word, b bigram, n number). */
static char *
tok_string(struct story_tokenizer *t, const char *text)
{
	struct collect c;

	buf_init(&c.b);
	story_tokenize(t, text, collect, &c);
	buf_addc(&c.b, '\0');
	return buf_release(&c.b);
}

static int
has(const char *list, const char *tok)
{
	char *want = xasprintf("%s ", tok);
	const char *p = list;
	int found = 0;

	while ((p = strstr(p, want)) != NULL) {
		if (p == list || p[-1] == ' ') {
			found = 1;
			break;
		}
		p++;
	}
	free(want);
	return found;
}

TEST(test_latin_words_folded_and_stemmed)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *s = tok_string(t, "The ＯｐｅｎＡＩ deals: Signing signed "
	    "Café GB300");

	/* Full-width letters and case fold; stop words go; stems agree. */
	ASSERT(has(s, "w:openai"));
	ASSERT(!has(s, "w:the"));
	ASSERT(has(s, "w:deal"));
	ASSERT(has(s, "w:sign"));
	ASSERT(!has(s, "w:signing"));
	ASSERT(has(s, "w:cafe"));
	ASSERT(has(s, "w:gb300"));
	free(s);
	story_tokenizer_free(t);
}

TEST(test_hangul_bigrams_without_particles)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *s = tok_string(t, "클라우드를 계약…오픈AI가");

	ASSERT(has(s, "b:클라"));
	ASSERT(has(s, "b:라우"));
	ASSERT(has(s, "b:우드"));
	/* The particle 를 is not part of the word. */
	ASSERT(!has(s, "b:드를"));
	ASSERT(has(s, "b:계약"));
	/* A Latin name inside Korean text is a word of its own. */
	ASSERT(has(s, "b:오픈"));
	ASSERT(has(s, "w:ai"));
	free(s);
	story_tokenizer_free(t);
}

TEST(test_numbers_with_units_agree_across_languages)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *ko = tok_string(t, "380억 달러 규모");
	char *ko2 = tok_string(t, "380억달러");
	char *en = tok_string(t, "a $38 billion deal");
	char *en2 = tok_string(t, "38,000 million dollars, up 4.5%");

	ASSERT(has(ko, "n:3.8e+10"));
	ASSERT(has(ko2, "n:3.8e+10"));
	ASSERT(has(ko2, "b:달러"));
	ASSERT(has(en, "n:3.8e+10"));
	ASSERT(has(en2, "n:3.8e+10"));
	ASSERT(has(en2, "n:4.5%"));
	free(ko);
	free(ko2);
	free(en);
	free(en2);
	story_tokenizer_free(t);
}

TEST(test_aliases_learnt_from_brackets)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *before = tok_string(t, "엔비디아가 발표");
	char *teach = tok_string(t, "아마존웹서비스(AWS)와 엔비디아(Nvidia)");
	char *after = tok_string(t, "엔비디아가 아마존웹서비스에 공급");

	ASSERT(!has(before, "w:nvidia"));
	ASSERT(has(teach, "w:aws"));
	ASSERT(has(after, "w:nvidia"));
	ASSERT(has(after, "w:aws"));
	/* The Hangul bigrams stay. */
	ASSERT(has(after, "b:엔비"));
	free(before);
	free(teach);
	free(after);
	story_tokenizer_free(t);
}

TEST(test_hostile_text)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *s;
	char big[5000];

	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = tok_string(t, big);
	free(s);
	s = tok_string(t, "\xff\xfe(\xed\xa0\x80)억조만 ((((()))) $ % 1e999");
	free(s);
	s = tok_string(t, "");
	ASSERT_STR(s, "");
	free(s);
	story_tokenizer_free(t);
}

int
main(void)
{
	RUN(test_latin_words_folded_and_stemmed);
	RUN(test_hangul_bigrams_without_particles);
	RUN(test_numbers_with_units_agree_across_languages);
	RUN(test_aliases_learnt_from_brackets);
	RUN(test_hostile_text);
	return TEST_DONE();
}
