/*
 * The words, names and numbers of an entry as story grouping compares
 * them, in any script.  Title and text are normalised (NFKC, case
 * folded) and read left to right:
 *   - a Latin (or any non-Hangul) word gives its Snowball stem, a name
 *     with digits (gb300) itself, a number word (seven) its value;
 *   - a Hangul word loses one trailing particle (조사) and gives its
 *     syllable bigrams, or the syllable when it has one;
 *   - a number gives one token for its value with its scale, so that
 *     380억, 38 billion and 38bn agree, or a percentage;
 *   - a word in either script also gives a phonetic key, its consonant
 *     skeleton (마이크로소프트 and microsoft both MKLSPT), for comparing
 *     Korean and English entries;
 *   - a Hangul word written with its Latin name in brackets,
 *     아마존웹서비스(AWS), teaches an alias: wherever that Hangul word
 *     appears later, it gives the Latin name's tokens too.
 */
#ifndef STORY_TOKENS_H
#define STORY_TOKENS_H

#include <stddef.h>
#include <stdint.h>

enum story_token_kind {
	STORY_TOKEN_LATIN,	/* a stemmed word, or a name with digits */
	STORY_TOKEN_HANGUL,	/* two syllables of a Hangul word */
	STORY_TOKEN_SYLLABLE,	/* a Hangul word of one syllable */
	STORY_TOKEN_NUMBER,	/* a number with its scale: "num:3.8e+10" */
	STORY_TOKEN_PERCENT,	/* "pct:4.5" */
	STORY_TOKEN_SMALL,	/* a number without a scale: "n:7" */
	STORY_TOKEN_ALIAS,	/* a Latin name a Hangul word stands for */
	STORY_TOKEN_PHONETIC,	/* "ph:MKLSPT" */
	STORY_TOKEN_KINDS
};

/* Where a token was read: a title's count for more. */
enum story_part {
	STORY_PART_TITLE,
	STORY_PART_TEXT
};

struct story_tokenizer;

/*
 * A tokenizer with its alias table, empty.  Not for two threads at once:
 * the caller serialises (the alias table learns as it reads).
 */
struct story_tokenizer	*story_tokenizer_new(void);
void			 story_tokenizer_free(struct story_tokenizer *);

/*
 * What story_tokenize hands each token to; tok is not NUL-terminated.
 * share is what the token counts for: 1, but the bigrams of a Hangul
 * word of n syllables count 1/(n-1) each, a word being one unit.
 */
typedef void	story_token_fn(void *arg, enum story_token_kind kind,
		    enum story_part part, double share, const char *tok,
		    size_t len);

/*
 * Learns the aliases title and text write, then hands every token of the
 * title and then of the text to fn, in order, repeats included.  Invalid
 * UTF-8 reads as separators.
 */
void	story_tokenize(struct story_tokenizer *, const char *title,
	    const char *text, story_token_fn *fn, void *arg);

struct buf;

/*
 * Appends to out what the tokenizer learnt since it was last asked, as
 * records story_tokenizer_teach reads back (a restart learns again
 * without reading again).
 */
void	story_tokenizer_taught(struct story_tokenizer *, struct buf *out);
void	story_tokenizer_teach(struct story_tokenizer *, const char *records,
	    size_t len);

/* The 32-bit hash the index keeps of a token, never 0. */
uint32_t story_token_hash(const char *tok, size_t len);

#endif
