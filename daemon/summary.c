/*
 * Extractive summaries: a section's first sentences, whole, up to a
 * length.  Sentence ends are found from punctuation with a short list of
 * English exceptions, so the result is deterministic and cheap enough to
 * compute for every section of every digest.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "summary.h"
#include "utf8.h"
#include "xmalloc.h"

#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026 */

/* Words a '.' follows without ending the sentence, compared without case. */
static const char *const abbrevs[] = {
	"co", "corp", "dr", "e.g", "i.e", "inc", "jr", "ltd", "mr", "mrs",
	"ms", "prof", "sr", "st", "vs",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
	"oct", "nov", "dec",
};

static int	is_closer(uint32_t);
static int	dot_is_abbrev(const char *, size_t);
static size_t	sentence_end(const char *, size_t, size_t, uint32_t, size_t);
static char	*cut_words(const char *, size_t, size_t);

/* Closing quotes and brackets a sentence's punctuation may sit inside. */
static int
is_closer(uint32_t c)
{
	switch (c) {
	case '"':
	case '\'':
	case ')':
	case ']':
	case 0x00bb:	/* » */
	case 0x2019:	/* ’ */
	case 0x201d:	/* ” */
	case 0x3009:	/* 〉 */
	case 0x300b:	/* 》 */
	case 0x300d:	/* 」 */
	case 0x300f:	/* 』 */
	case 0x3011:	/* 】 */
	case 0xff09:	/* ） */
		return 1;
	default:
		return 0;
	}
}

/*
 * Whether the '.' at s[dot] closes an initial (the S of U.S.) or one of
 * abbrevs rather than a sentence.
 */
static int
dot_is_abbrev(const char *s, size_t dot)
{
	size_t t = dot, seg, len, i;

	while (t > 0 && s[t - 1] != ' ')
		t--;
	/* An opening quote or bracket is no part of the word. */
	while (t < dot && !isalnum((unsigned char)s[t]))
		t++;
	for (seg = dot; seg > t && s[seg - 1] != '.'; seg--)
		;
	if (dot - seg == 1 && isupper((unsigned char)s[seg]))
		return 1;
	len = dot - t;
	for (i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
		if (strlen(abbrevs[i]) == len &&
		    strncasecmp(s + t, abbrevs[i], len) == 0)
			return 1;
	return 0;
}

/*
 * Where the sentence ends (past its punctuation and closing quotes) when
 * the character c, len bytes at s[i], ends one; else 0.  ASCII
 * punctuation needs a space or the end of text after it (3.5, a URL);
 * CJK text puts no space between sentences, so 。！？ end one anyway.
 */
static size_t
sentence_end(const char *s, size_t n, size_t i, uint32_t c, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t d;
	size_t j;
	int wide;

	wide = c == 0x3002 || c == 0xff01 || c == 0xff1f;
	if (!wide && c != '.' && c != '!' && c != '?')
		return 0;
	for (j = i + len; j < n; j += len) {
		len = utf8_decode_lossy(p + j, n - j, &d);
		if (!is_closer(d))
			break;
	}
	if (!wide && j < n && s[j] != ' ')
		return 0;
	if (c == '.' && dot_is_abbrev(s, i))
		return 0;
	return j;
}

/*
 * The first sentence, too long for max_chars, cut after its last word
 * that leaves room for the ellipsis; text with no space in reach (CJK, a
 * long URL) is cut between characters instead.
 */
static char *
cut_words(const char *s, size_t n, size_t max_chars)
{
	struct buf b;
	size_t cut, sp;

	if (max_chars == 0)
		return xstrdup("");
	/* Callers come here only when s is longer, so s[cut] exists. */
	cut = utf8_cut(s, n, max_chars - 1, n);
	for (sp = cut; sp > 0 && s[sp] != ' '; sp--)
		;
	if (sp > 0)
		cut = sp;
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	buf_init(&b);
	buf_add(&b, s, cut);
	buf_addstr(&b, ELLIPSIS);
	return buf_release(&b);
}

char *
summary_extract(const char *text, size_t max_chars)
{
	const unsigned char *p;
	size_t n, fit, best = 0, i, len, e;
	uint32_t c;

	while (*text == ' ')
		text++;
	n = strlen(text);
	while (n > 0 && text[n - 1] == ' ')
		n--;
	/* The longest start of text within the limit, in bytes. */
	fit = utf8_cut(text, n, max_chars, n);
	if (fit == n)
		return xstrndup(text, n);
	p = (const unsigned char *)text;
	for (i = 0; i < fit; i += len) {
		len = utf8_decode_lossy(p + i, n - i, &c);
		if ((e = sentence_end(text, n, i, c, len)) > fit)
			break;
		if (e > 0)
			best = e;
	}
	if (best > 0)
		return xstrndup(text, best);
	return cut_words(text, n, max_chars);
}
