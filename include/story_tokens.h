/*
 * The words, names and numbers of an entry's text as story grouping
 * compares them, the same in any script: the text is normalised (NFKC,
 * case folded, marks stripped), Hangul runs give character bigrams with a
 * trailing particle dropped, Latin runs give stemmed words without stop
 * words, numbers are read with their units (380억 달러 and $38 billion
 * give the same token), and a Hangul word written with its Latin name in
 * brackets, 아마존웹서비스(AWS), teaches an alias: that Hangul word gives
 * the Latin token wherever it appears later.
 */
#ifndef STORY_TOKENS_H
#define STORY_TOKENS_H

#include <stddef.h>
#include <stdint.h>

enum story_token_kind {
	STORY_TOKEN_WORD,	/* a Latin word, stemmed, or a name like gb300 */
	STORY_TOKEN_BIGRAM,	/* two Hangul syllables */
	STORY_TOKEN_NUMBER,	/* a number with its unit, or a bare one */
	STORY_TOKEN_LINK,	/* a canonical link: the entry's own or cited */
	STORY_TOKEN_KINDS
};

struct story_tokenizer;

/*
 * A tokenizer with its alias table, empty.  Not for two threads at once:
 * the caller serialises (the alias table learns as it reads).
 */
struct story_tokenizer	*story_tokenizer_new(void);
void			 story_tokenizer_free(struct story_tokenizer *);

/* What story_tokenize hands each token to; tok is not NUL-terminated. */
typedef void	story_token_fn(void *arg, enum story_token_kind kind,
		    const char *tok, size_t len);

/*
 * Reads the UTF-8 text (invalid sequences count as separators), handing
 * every token to fn in order, repeats included, and learns the aliases
 * the text writes.
 */
void	story_tokenize(struct story_tokenizer *, const char *text,
	    story_token_fn *fn, void *arg);

/* The 32-bit hash the index keeps of a token (kind included). */
uint32_t story_token_hash(enum story_token_kind kind, const char *tok,
	    size_t len);

#endif
