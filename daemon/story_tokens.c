/*
 * Tokens for story grouping, in one pass over the normalised text.  The
 * text is cut into segments: a dense run (Hangul, kana, CJK ideographs,
 * which write words without spaces and give character bigrams), a word
 * run (letters and digits of any other script) or one punctuation mark
 * that matters: brackets for aliases, $ and % for numbers.
 */
#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "story_tokens.h"
#include "strmap.h"
#include "utf8.h"
#include "xmalloc.h"

/* An alias is learnt only from a short name; the table has a bound. */
#define ALIAS_NAME_MAX	24
#define ALIASES_MAX	20000
#define WORD_MAX	64

struct story_tokenizer {
	struct sb_stemmer	*stemmer;
	struct strmap		*aliases;	/* Hangul word -> index in latin */
	char			**latin;
	size_t			  nlatin;
};

enum seg_kind { SEG_DENSE, SEG_WORD, SEG_MARK };

struct seg {
	enum seg_kind	 kind;
	const char	*s;
	size_t		 len;		/* bytes */
	size_t		 chars;
	int		 spaced;	/* white space before it */
};

struct scan {
	struct story_tokenizer	*t;
	story_token_fn		*fn;
	void			*arg;
	struct seg		*segs;
	size_t			 nsegs;
	size_t			 capsegs;
};

struct story_tokenizer *
story_tokenizer_new(void)
{
	struct story_tokenizer *t = xcalloc(1, sizeof(*t));

	/* NULL only when out of memory: the one encoding is built in. */
	if ((t->stemmer = sb_stemmer_new("english", "UTF_8")) == NULL)
		abort();
	t->aliases = strmap_new();
	return t;
}

void
story_tokenizer_free(struct story_tokenizer *t)
{
	if (t == NULL)
		return;
	sb_stemmer_delete(t->stemmer);
	strmap_free(t->aliases);
	for (size_t i = 0; i < t->nlatin; i++)
		free(t->latin[i]);
	free(t->latin);
	free(t);
}

uint32_t
story_token_hash(enum story_token_kind kind, const char *tok, size_t len)
{
	uint32_t h = 2166136261u;

	h = (h ^ (unsigned char)kind) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)tok[i]) * 16777619u;
	return h;
}

static int
is_dense(uint32_t c)
{
	return (c >= 0xac00 && c <= 0xd7a3) ||	/* Hangul syllables */
	    (c >= 0x3040 && c <= 0x30ff) ||	/* kana */
	    (c >= 0x3400 && c <= 0x4dbf) ||	/* CJK extension A */
	    (c >= 0x4e00 && c <= 0x9fff);	/* CJK unified ideographs */
}

static int
is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
seg_add(struct scan *sc, enum seg_kind kind, const char *s, size_t len,
    size_t chars, int spaced)
{
	if (sc->nsegs == sc->capsegs) {
		sc->capsegs = sc->capsegs == 0 ? 64 : sc->capsegs * 2;
		sc->segs = xreallocarray(sc->segs, sc->capsegs,
		    sizeof(*sc->segs));
	}
	sc->segs[sc->nsegs++] = (struct seg){ kind, s, len, chars, spaced };
}

/*
 * Cuts the normalised text into segments.  A '.' or ',' between digits
 * stays inside the number it is part of.
 */
static void
segment(struct scan *sc, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, start = 0, chars = 0;
	int cur = -1, kind, spaced = 0, next_spaced = 0;
	uint32_t c = 0;

	while (i <= n) {
		k = i < n ? utf8_decode_lossy(p + i, n - i, &c) : 0;
		if (i == n)
			kind = -1;
		else if (is_dense(c))
			kind = SEG_DENSE;
		else if (is_word(c) || ((c == '.' || c == ',') && cur ==
		    SEG_WORD && is_digit(s[i - 1]) && i + 1 < n &&
		    is_digit(s[i + 1])))
			kind = SEG_WORD;
		else
			kind = -1;
		if (kind != cur && cur != -1) {
			seg_add(sc, (enum seg_kind)cur, s + start, i - start,
			    chars, spaced);
			next_spaced = 0;
		}
		if (i == n)
			break;
		if (kind != cur && kind != -1) {
			start = i;
			chars = 0;
			spaced = next_spaced;
		}
		cur = kind;
		chars++;
		if (kind == -1) {
			if (c == '(' || c == ')' || c == '$' || c == '%') {
				seg_add(sc, SEG_MARK, s + i, 1, 1,
				    next_spaced);
				next_spaced = 0;
			} else
				next_spaced = 1;
		}
		i += k;
	}
}

static int
seg_is(const struct seg *g, enum seg_kind kind, const char *text)
{
	return g->kind == kind && g->len == strlen(text) &&
	    memcmp(g->s, text, g->len) == 0;
}

static int
seg_starts(const struct seg *g, const char *text)
{
	size_t n = strlen(text);

	return g->kind == SEG_DENSE && g->len >= n &&
	    memcmp(g->s, text, n) == 0;
}

static int
is_stop_word(const char *w, size_t n)
{
	static const char *const stop[] = {
		"a", "about", "after", "again", "against", "all", "also",
		"an", "and", "any", "are", "as", "at", "be", "been",
		"before", "being", "between", "both", "but", "by", "can",
		"could", "did", "do", "does", "during", "each", "for",
		"from", "further", "had", "has", "have", "having", "he",
		"her", "here", "his", "how", "i", "if", "in", "into", "is",
		"it", "its", "just", "more", "most", "new", "no", "not",
		"now", "of", "off", "on", "once", "only", "or", "other",
		"our", "out", "over", "own", "s", "said", "says", "she",
		"so", "some", "such", "than", "that", "the", "their",
		"them", "then", "there", "these", "they", "this", "those",
		"through", "to", "too", "under", "until", "up", "very",
		"was", "we", "were", "what", "when", "where", "which",
		"while", "who", "whom", "why", "will", "with", "would",
		"you", "your",
	};
	size_t lo = 0, hi = sizeof(stop) / sizeof(stop[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(w, stop[mid], n);

		if (c == 0 && stop[mid][n] == '\0')
			return 1;
		if (c < 0 || (c == 0 && stop[mid][n] != '\0'))
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/*
 * A Latin word: stop words dropped, letters-only words stemmed, but not
 * one of three letters or less, mostly a name (AWS is no plural of AW).
 */
static void
emit_word(struct scan *sc, const char *w, size_t n)
{
	const sb_symbol *stem;
	size_t i;

	if (n < 2 || n > WORD_MAX || is_stop_word(w, n))
		return;
	for (i = 0; i < n && !is_digit(w[i]); i++)
		;
	if (i < n || n <= 3) {
		sc->fn(sc->arg, STORY_TOKEN_WORD, w, n);
		return;
	}
	stem = sb_stemmer_stem(sc->t->stemmer, (const sb_symbol *)w, (int)n);
	if (stem == NULL)
		sc->fn(sc->arg, STORY_TOKEN_WORD, w, n);
	else
		sc->fn(sc->arg, STORY_TOKEN_WORD, (const char *)stem,
		    (size_t)sb_stemmer_length(sc->t->stemmer));
}

/* The multiplier a unit word gives, 0 when g is none. */
static double
unit_of(const struct seg *g, size_t *unit_bytes)
{
	static const struct {
		enum seg_kind	 kind;
		const char	*name;
		double		 mul;
	} units[] = {
		{ SEG_DENSE, "만", 1e4 }, { SEG_DENSE, "억", 1e8 },
		{ SEG_DENSE, "조", 1e12 },
		{ SEG_WORD, "thousand", 1e3 }, { SEG_WORD, "million", 1e6 },
		{ SEG_WORD, "billion", 1e9 }, { SEG_WORD, "trillion", 1e12 },
		{ SEG_WORD, "bn", 1e9 }, { SEG_WORD, "mn", 1e6 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (units[i].kind == SEG_DENSE ? seg_starts(g, units[i].name) :
		    seg_is(g, SEG_WORD, units[i].name)) {
			*unit_bytes = strlen(units[i].name);
			return units[i].mul;
		}
	}
	return 0;
}

/*
 * A number at segs[i] (digits, maybe with '.' and ','), with the unit that
 * follows it: one token for its value, so that 380억 and 38 billion agree.
 * Returns how many segments it took whole; *rest is set when a dense
 * segment's unit was only its first syllable (the rest is still text).
 */
static size_t
emit_number(struct scan *sc, size_t i, size_t *rest)
{
	const struct seg *g = &sc->segs[i];
	char digits[WORD_MAX + 1], tok[48];
	double v, mul = 0;
	size_t n = 0, used = 1, unit_bytes = 0;
	int len;

	for (size_t k = 0; k < g->len && n < WORD_MAX; k++)
		if (g->s[k] != ',')
			digits[n++] = g->s[k];
	digits[n] = '\0';
	v = strtod(digits, NULL);
	*rest = 0;
	if (i + 1 < sc->nsegs && (mul = unit_of(&sc->segs[i + 1],
	    &unit_bytes)) > 0) {
		if (unit_bytes < sc->segs[i + 1].len)
			*rest = unit_bytes;
		else
			used = 2;
	}
	if (mul > 0)
		len = snprintf(tok, sizeof(tok), "%.3g", v * mul);
	else if (i + 1 < sc->nsegs && seg_is(&sc->segs[i + 1], SEG_MARK,
	    "%") && !sc->segs[i + 1].spaced)
		len = snprintf(tok, sizeof(tok), "%.3g%%", v);
	else
		len = snprintf(tok, sizeof(tok), "%.6g", v);
	if (isfinite(v) && len > 0 && (size_t)len < sizeof(tok))
		sc->fn(sc->arg, STORY_TOKEN_NUMBER, tok, (size_t)len);
	return used;
}

static int
seg_is_number(const struct seg *g)
{
	for (size_t k = 0; k < g->len; k++)
		if (!is_digit(g->s[k]) && g->s[k] != '.' && g->s[k] != ',')
			return 0;
	return g->kind == SEG_WORD;
}

/* The bytes of a dense segment without a trailing particle (조사). */
static size_t
strip_particle(const struct seg *g)
{
	static const char *const particles[] = {
		"으로", "에서", "에게", "까지", "부터", "보다", "처럼",
		"께서", "한테", "이나", "은", "는", "이", "가", "을", "를",
		"의", "에", "로", "와", "과", "도", "만",
	};

	for (size_t i = 0; i < sizeof(particles) / sizeof(particles[0]);
	    i++) {
		size_t n = strlen(particles[i]);

		/* Two syllables at least are left: 3 bytes each. */
		if (g->len >= n + 6 && memcmp(g->s + g->len - n,
		    particles[i], n) == 0)
			return g->len - n;
	}
	return g->len;
}

static void
emit_dense(struct scan *sc, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k1, k2, value;
	uint32_t c;
	char *word = xstrndup(s, len);

	if (strmap_get(sc->t->aliases, word, &value))
		emit_word(sc, sc->t->latin[value], strlen(sc->t->latin[value]));
	free(word);
	while (i < len) {
		k1 = utf8_decode_lossy(p + i, len - i, &c);
		if (i + k1 >= len)
			break;
		k2 = utf8_decode_lossy(p + i + k1, len - i - k1, &c);
		sc->fn(sc->arg, STORY_TOKEN_BIGRAM, s + i, k1 + k2);
		i += k1;
	}
}

/* Learns that the dense word is written latin, as long as it is short. */
static void
learn_alias(struct scan *sc, const struct seg *dense, const struct seg *latin)
{
	struct story_tokenizer *t = sc->t;
	char *key;
	size_t value;

	if (latin->len > ALIAS_NAME_MAX || latin->len < 2 ||
	    dense->chars < 2 || t->nlatin >= ALIASES_MAX)
		return;
	key = xstrndup(dense->s, dense->len);
	if (!strmap_get(t->aliases, key, &value)) {
		t->latin = xreallocarray(t->latin, t->nlatin + 1,
		    sizeof(*t->latin));
		t->latin[t->nlatin] = xstrndup(latin->s, latin->len);
		strmap_set(t->aliases, key, t->nlatin++);
	}
	free(key);
}

/* Dense(Latin) or Latin(dense) at segs[i]: the alias it writes. */
static void
alias_at(struct scan *sc, size_t i)
{
	const struct seg *g = sc->segs;

	if (i + 3 >= sc->nsegs || !seg_is(&g[i + 1], SEG_MARK, "(") ||
	    !seg_is(&g[i + 3], SEG_MARK, ")") || g[i + 1].spaced)
		return;
	if (g[i].kind == SEG_DENSE && g[i + 2].kind == SEG_WORD &&
	    !seg_is_number(&g[i + 2]))
		learn_alias(sc, &g[i], &g[i + 2]);
	else if (g[i].kind == SEG_WORD && g[i + 2].kind == SEG_DENSE &&
	    !seg_is_number(&g[i]))
		learn_alias(sc, &g[i + 2], &g[i]);
}

void
story_tokenize(struct story_tokenizer *t, const char *text,
    story_token_fn *fn, void *arg)
{
	struct scan sc = { t, fn, arg, NULL, 0, 0 };
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t n;
	size_t i, rest;

	n = utf8proc_map((const utf8proc_uint8_t *)text, 0, &norm,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
	    UTF8PROC_IGNORE);
	if (n < 0)
		return;		/* not UTF-8: the entry's text always is */
	segment(&sc, (const char *)norm, (size_t)n);
	for (i = 0; i < sc.nsegs; i++) {
		const struct seg *g = &sc.segs[i];

		alias_at(&sc, i);
		if (g->kind == SEG_WORD && seg_is_number(g)) {
			i += emit_number(&sc, i, &rest) - 1;
			if (rest > 0)
				emit_dense(&sc, sc.segs[i + 1].s + rest,
				    sc.segs[i + 1].len - rest);
			if (rest > 0)
				i++;
		} else if (g->kind == SEG_WORD)
			emit_word(&sc, g->s, g->len);
		else if (g->kind == SEG_DENSE)
			emit_dense(&sc, g->s, strip_particle(g));
	}
	free(sc.segs);
	free(norm);
}
