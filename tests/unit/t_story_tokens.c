/*
 * story_tokens: what story grouping reads of a text, the same tokens for
 * the same words, names and numbers in any script.
 */
#include <stdlib.h>
#include <string.h>

#include "story_tokens.h"
#include "test.h"
#include "xmalloc.h"

static void
collect(void *arg, enum story_token_kind kind, enum story_part part,
    double share, const char *tok, size_t len)
{
	static const char kinds[] = "lhsnpmap";
	struct buf *b = arg;

	buf_addc(b, kinds[kind]);
	if (part == STORY_PART_TITLE)
		buf_addc(b, 'T');
	buf_addc(b, ':');
	buf_add(b, tok, len);
	buf_addc(b, ' ');
	/* A token counting for 1/N of one: "wN:token" after it. */
	if (share != 1.0) {
		buf_printf(b, "w%.0f:", 1 / share);
		buf_add(b, tok, len);
		buf_addc(b, ' ');
	}
}

/*
 * The tokens as "k:token " runs, "kT:token " in the title: k is l Latin,
 * h Hangul bigram, s syllable, n number, p percent or phonetic key, m
 * small number, a alias; a token counting for 1/N is repeated as wN.
 */
static char *
tok_string(struct story_tokenizer *t, const char *title, const char *text)
{
	struct buf b;

	buf_init(&b);
	story_tokenize(t, title, text, collect, &b);
	buf_addc(&b, '\0');
	return buf_release(&b);
}

static int
has(const char *list, const char *tok)
{
	char *want = xasprintf(" %s ", tok), *hay = xasprintf(" %s", list);
	int found = strstr(hay, want) != NULL;

	free(want);
	free(hay);
	return found;
}

TEST(test_latin_words_folded_and_stemmed)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *s = tok_string(t, "The ＯｐｅｎＡＩ deals", "Signing signed "
	    "sign-ups GB300 seven");

	/* Full-width letters and case fold; stop words go; stems agree. */
	ASSERT(has(s, "lT:openai"));
	ASSERT(!has(s, "lT:the"));
	ASSERT(has(s, "lT:deal"));
	ASSERT(has(s, "l:sign"));
	ASSERT(!has(s, "l:signing"));
	ASSERT(has(s, "l:signup"));
	ASSERT(has(s, "l:gb300"));
	ASSERT(has(s, "m:n:7"));
	free(s);
	story_tokenizer_free(t);
}

TEST(test_hangul_bigrams_without_particles)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *s = tok_string(t, "클라우드를 계약…오픈AI가 나", NULL);

	ASSERT(has(s, "hT:클라"));
	ASSERT(has(s, "hT:라우"));
	ASSERT(has(s, "hT:우드"));
	/* A word of four syllables counts as one: a third each bigram. */
	ASSERT(has(s, "w3:클라"));
	ASSERT(has(s, "w3:우드"));
	ASSERT(!has(s, "w1:계약") && !has(s, "w2:계약"));
	/* The particle 를 is not part of the word, nor 가 after a name. */
	ASSERT(!has(s, "hT:드를"));
	ASSERT(!has(s, "sT:가"));
	ASSERT(has(s, "hT:계약"));
	ASSERT(has(s, "hT:오픈"));
	ASSERT(has(s, "lT:ai"));
	ASSERT(has(s, "sT:나"));
	free(s);
	story_tokenizer_free(t);
}

TEST(test_numbers_with_scales_agree_across_languages)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *ko = tok_string(t, "380억 달러 규모", "8억6천만 원, 26만 개, 4.5%");
	char *en = tok_string(t, "a $38 billion deal", "$38bn, 38,000 "
	    "million dollars, up 4.5 percent, 300mw, 2025");

	ASSERT(has(ko, "nT:num:3.8e+10"));
	ASSERT(has(ko, "n:num:8.6e+08"));
	ASSERT(has(ko, "n:num:2.6e+05"));
	ASSERT(has(ko, "p:pct:4.5"));
	ASSERT(has(en, "nT:num:3.8e+10"));
	ASSERT(has(en, "n:num:3.8e+10"));
	/* 38,000 million: 3.8e+10 too, the comma making it a scaled one. */
	ASSERT(strstr(en, "n:num:3.8e+10 n:num:3.8e+10") != NULL);
	ASSERT(has(en, "p:pct:4.5"));
	ASSERT(has(en, "l:300mw"));
	ASSERT(has(en, "m:n:2025"));
	free(ko);
	free(en);
	story_tokenizer_free(t);
}

TEST(test_aliases_learnt_from_brackets)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *before = tok_string(t, "엔비디아가 발표", NULL);
	char *teach = tok_string(t, "아마존웹서비스(AWS)와 엔비디아(Nvidia)",
	    NULL);
	char *after = tok_string(t, "엔비디아가 아마존웹서비스에 공급", NULL);

	ASSERT(!has(before, "aT:nvidia"));
	ASSERT(has(teach, "aT:nvidia"));
	ASSERT(has(after, "aT:nvidia"));
	ASSERT(has(after, "aT:aw"));	/* "aws", stemmed as English is */
	/* The Hangul bigrams stay. */
	ASSERT(has(after, "hT:엔비"));
	free(before);
	free(teach);
	free(after);
	story_tokenizer_free(t);
}

TEST(test_phonetic_keys_meet_across_scripts)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char *ko = tok_string(t, "마이크로소프트 블랙웰", NULL);
	char *en = tok_string(t, "Microsoft Blackwell", NULL);

	ASSERT(has(ko, "pT:ph:MKLSPT"));
	ASSERT(strstr(en, "ph:MKLSPT ") != NULL);
	ASSERT(strstr(ko, "ph:PLKL ") != NULL);
	ASSERT(strstr(en, "ph:PLKL ") != NULL);
	free(ko);
	free(en);
	story_tokenizer_free(t);
}

TEST(test_hostile_text)
{
	struct story_tokenizer *t = story_tokenizer_new();
	char big[5000], *s;

	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = tok_string(t, big, big);
	free(s);
	s = tok_string(t, "\xff\xfe(\xed\xa0\x80)억조만 ((((()))) $ % 1e999",
	    "가나다라마바사아자차카타파하(abcdefghijklmnopqrstuvwxyzabcdefghijk)"
	    " 9억9억9억9억9억9억9억9억9억9억9억9억9억9억9억9억9억9억9억");
	free(s);
	s = tok_string(t, "", NULL);
	ASSERT_STR(s, "");
	free(s);
	story_tokenizer_free(t);
}

int
main(void)
{
	RUN(test_latin_words_folded_and_stemmed);
	RUN(test_hangul_bigrams_without_particles);
	RUN(test_numbers_with_scales_agree_across_languages);
	RUN(test_aliases_learnt_from_brackets);
	RUN(test_phonetic_keys_meet_across_scripts);
	RUN(test_hostile_text);
	return TEST_DONE();
}
