/*
 * Tokens for story grouping.  The normalised text is read as an array of
 * code points, so that a rule can look a few characters ahead or back
 * (a scale after a number, a bracket after a word) as the grammar in
 * story_tokens.h says.
 */
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "story_tokens.h"
#include "strmap.h"
#include "utf8.h"
#include "xmalloc.h"

/* What an alias and a name may be, and how many the table learns. */
#define ALIAS_HANGUL_MIN	2
#define ALIAS_HANGUL_MAX	12
#define ALIAS_LATIN_MAX		31
#define ALIAS_WORDS_MAX		3
#define ALIASES_MAX		20000
/* A phonetic key shorter than this matches too much. */
#define PHONETIC_MIN		4
#define WORD_MAX		64

/* Korean particles, longest first: one is taken off a word's end. */
static const char *const particles[] = {
	"에서는", "에서도", "으로는", "으로의", "에게서",
	"에서", "에게", "으로", "까지", "부터", "보다", "처럼", "이나",
	"이랑", "에는", "에도", "로는", "와는", "과는", "와의", "과의",
	"로의", "이라", "이며", "이고",
	"은", "는", "이", "가", "을", "를", "의", "에", "께", "와", "과",
	"도", "로", "만", "나", "랑", "라", "며", "고", "서",
};
#define NPARTICLES	(sizeof(particles) / sizeof(particles[0]))
#define PARTICLE_MAX	3	/* syllables */

/* Stems of the words read lately, by a hash of the word. */
#define STEM_CACHE	4096
#define STEM_WORD	24

struct stem_memo {
	char		 word[STEM_WORD];	/* "" when empty */
	char		 stem[STEM_WORD];
};

struct story_tokenizer {
	struct sb_stemmer	*stemmer;
	struct stem_memo	*memo;
	struct strmap		*aliases;	/* Hangul word -> index in values */
	struct strmap		*reverse;	/* Latin stem -> index in values */
	char			**values;	/* words, '\n' between them */
	size_t			  nvalues;
	struct buf		  taught;	/* learnt since last asked */
	/* The particles as code points, read once. */
	uint32_t		  particle[NPARTICLES][PARTICLE_MAX];
	size_t			  particle_len[NPARTICLES];
};

/* One normalised text and what is read from it. */
struct scan {
	struct story_tokenizer	*t;
	story_token_fn		*fn;
	void			*arg;
	enum story_part		 part;
	double			 share;		/* of a token read now */
	const uint32_t		*c;
	size_t			 n;
	struct buf		 tok;		/* the token being made */
	struct buf		 key;		/* a phonetic key being made */
};

/* Sorted, for a binary search. */
static const char *const stop_words[] = {
	"a", "about", "above", "after", "again", "against", "all", "also",
	"am", "an", "and", "any", "are", "as", "at", "be", "because",
	"been", "before", "being", "below", "between", "both", "but", "by",
	"can", "could", "d", "did", "do", "does", "doing", "down", "during",
	"each", "few", "for", "from", "further", "had", "has", "have",
	"having", "he", "her", "here", "hers", "herself", "him", "himself",
	"his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "ll", "m", "me", "more", "most", "my", "myself", "new", "no",
	"nor", "not", "now", "of", "off", "on", "once", "only", "or",
	"other", "our", "ours", "ourselves", "out", "over", "own", "re",
	"s", "said", "same", "say", "says", "she", "should", "so", "some",
	"such", "t", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those",
	"through", "to", "too", "under", "until", "up", "ve", "very", "was",
	"we", "were", "what", "when", "where", "which", "while", "who",
	"whom", "why", "will", "with", "would", "you", "your", "yours",
	"yourself", "yourselves",
};

/* Number words and their values, sorted for a binary search. */
static const struct number_word {
	const char	*word;		/* first: found as a string */
	int		 value;
} number_words[] = {
	{ "eight", 8 }, { "eleven", 11 }, { "five", 5 }, { "four", 4 },
	{ "nine", 9 }, { "one", 1 }, { "seven", 7 }, { "six", 6 },
	{ "ten", 10 }, { "three", 3 }, { "twelve", 12 }, { "two", 2 },
};

/* Initial and final consonants of a Hangul syllable, as key letters. */
static const char ko_initial[] = "KKNTTLMPPSS-SSSKTP-";
static const char *const ko_final[] = {
	"", "K", "K", "K", "N", "N", "N", "T", "L", "L", "L", "L", "L", "L",
	"L", "L", "M", "P", "P", "T", "T", "NK", "T", "T", "K", "T", "P", "",
};

struct story_tokenizer *
story_tokenizer_new(void)
{
	struct story_tokenizer *t = xcalloc(1, sizeof(*t));

	/* NULL only when out of memory: the one encoding is built in. */
	if ((t->stemmer = sb_stemmer_new("english", "UTF_8")) == NULL)
		abort();
	t->memo = xcalloc(STEM_CACHE, sizeof(*t->memo));
	for (size_t i = 0; i < NPARTICLES; i++) {
		const char *p = particles[i];
		size_t len = strlen(p), k = 0;

		for (size_t at = 0; at < len && k < PARTICLE_MAX; k++)
			at += utf8_decode_lossy((const unsigned char *)p + at,
			    len - at, &t->particle[i][k]);
		t->particle_len[i] = k;
	}
	t->aliases = strmap_new();
	t->reverse = strmap_new();
	buf_init(&t->taught);
	return t;
}

void
story_tokenizer_free(struct story_tokenizer *t)
{
	if (t == NULL)
		return;
	sb_stemmer_delete(t->stemmer);
	free(t->memo);
	strmap_free(t->aliases);
	strmap_free(t->reverse);
	for (size_t i = 0; i < t->nvalues; i++)
		free(t->values[i]);
	free(t->values);
	buf_free(&t->taught);
	free(t);
}

uint32_t
story_token_hash(const char *tok, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)tok[i]) * 16777619u;
	return h == 0 ? 1 : h;
}

/* --- characters --- */

static int
is_hangul(uint32_t c)
{
	return c >= 0xac00 && c <= 0xd7a3;
}

static int
is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int
is_ascii_lower(uint32_t c)
{
	return c >= 'a' && c <= 'z';
}

/* A letter of any script but Hangul. */
static int
is_alpha(uint32_t c)
{
	if (c < 0x80)
		return is_ascii_lower(c) || (c >= 'A' && c <= 'Z');
	if (is_hangul(c))
		return 0;
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return 1;
	default:
		return 0;
	}
}

static int
is_alnum(uint32_t c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v' || c == 0xa0 || c == 0x3000 || (c >= 0x2000 &&
	    c <= 0x200a);
}

static int
is_word_char(uint32_t c)
{
	return is_alnum(c) || is_hangul(c) || c == '_';
}

/* Whether the code points at c (n of them) spell the UTF-8 word w. */
static int
spells(const uint32_t *c, size_t n, const char *w)
{
	const unsigned char *p = (const unsigned char *)w;
	size_t len, i = 0, k = 0;
	uint32_t cp;

	/* Most words are ASCII: compared as they are, no decoding. */
	if (p[0] < 0x80) {
		for (; k < n && p[k] != '\0' && p[k] < 0x80; k++)
			if (c[k] != p[k])
				return 0;
		if (k == n && p[k] == '\0')
			return 1;
		if (p[k] == '\0' || k == n)
			return 0;
		i = k;
	}
	len = strlen(w);
	while (i < len) {
		i += utf8_decode_lossy(p + i, len - i, &cp);
		if (k >= n || c[k++] != cp)
			return 0;
	}
	return k == n;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The element of list (n of size bytes, sorted, each starting with its
 * word) for the word in b from its byte from on, or NULL.
 */
static const void *
find_word(struct buf *b, size_t from, const void *list, size_t n,
    size_t size)
{
	const char *w;
	const void *found;

	buf_addc(b, '\0');
	w = b->data + from;
	found = bsearch(&w, list, n, size, str_cmp);
	b->len--;
	return found;
}

static int
is_stop_word(struct buf *b, size_t from)
{
	return find_word(b, from, stop_words, sizeof(stop_words) /
	    sizeof(stop_words[0]), sizeof(stop_words[0])) != NULL;
}

/* --- making tokens --- */

static void
tok_reset(struct scan *sc, const char *prefix)
{
	buf_reset(&sc->tok);
	buf_addstr(&sc->tok, prefix);
}

static void
tok_put(struct scan *sc, const uint32_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		utf8_put(&sc->tok, c[i]);
}

static void
tok_emit(struct scan *sc, enum story_token_kind kind)
{
	if (sc->tok.len > 0)
		sc->fn(sc->arg, kind, sc->part, sc->share, sc->tok.data,
		    sc->tok.len);
}

static void
emit_text(struct scan *sc, enum story_token_kind kind, const char *s,
    size_t len)
{
	if (len > 0)
		sc->fn(sc->arg, kind, sc->part, sc->share, s, len);
}

/*
 * The stem of the word in the buffer (from byte from on), in place.  A
 * short word's stem is remembered: news repeats its words.
 */
static void
stem_in_place(struct story_tokenizer *t, struct buf *b, size_t from)
{
	size_t n = b->len - from, len;
	struct stem_memo *m = NULL;
	const sb_symbol *s;

	if (n < STEM_WORD) {
		m = &t->memo[story_token_hash(b->data + from, n) %
		    STEM_CACHE];
		if (memcmp(m->word, b->data + from, n) == 0 &&
		    m->word[n] == '\0') {
			b->len = from;
			buf_addstr(b, m->stem);
			return;
		}
	}
	s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)b->data + from,
	    (int)n);
	if (s == NULL)
		return;
	len = (size_t)sb_stemmer_length(t->stemmer);
	if (m != NULL && len < STEM_WORD) {
		memcpy(m->word, b->data + from, n);
		m->word[n] = '\0';
		memcpy(m->stem, s, len);
		m->stem[len] = '\0';
	}
	b->len = from;
	buf_add(b, s, len);
}

static int
all_alpha(const uint32_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(c[i]))
			return 0;
	return n > 0;
}

/* Word w (n code points) as a token: stemmed when it is all letters. */
static void
make_word(struct story_tokenizer *t, struct buf *b, const uint32_t *w,
    size_t n)
{
	size_t from = b->len;

	for (size_t i = 0; i < n; i++)
		utf8_put(b, w[i]);
	if (all_alpha(w, n))
		stem_in_place(t, b, from);
}

/* --- phonetic keys --- */

static void
key_add(struct buf *b, char k)
{
	if (b->len == 0 || b->data[b->len - 1] != k)
		buf_addc(b, k);
}

static void
ph_hangul(struct buf *b, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t s = w[i] - 0xac00;
		const char *fin = ko_final[s % 28];

		if (ko_initial[s / 588] != '-')
			key_add(b, ko_initial[s / 588]);
		for (; *fin != '\0'; fin++)
			key_add(b, *fin);
	}
}

static int
is_vowel(uint32_t c)
{
	return c != 0 && strchr("aeiouy", (int)c) != NULL;
}

static void
ph_latin(struct buf *b, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t c = w[i], nx = i + 1 < n ? w[i + 1] : 0;

		if (c == 'b' || c == 'p' || c == 'f' || c == 'v')
			key_add(b, 'P');
		else if (c == 'd' || c == 't')
			key_add(b, 'T');
		else if (c == 'k' || c == 'q')
			key_add(b, 'K');
		else if (c == 'c' && nx == 'h') {
			key_add(b, 'S');
			i++;
		} else if (c == 'c')
			key_add(b, nx == 'e' || nx == 'i' || nx == 'y' ? 'S' :
			    'K');
		else if (c == 'g')
			key_add(b, nx == 'e' || nx == 'i' ? 'S' : 'K');
		else if (c == 's' || c == 'z' || c == 'j')
			key_add(b, 'S');
		else if (c == 'x') {
			key_add(b, 'K');
			key_add(b, 'S');
		} else if (c == 'l' || (c == 'r' && is_vowel(nx)))
			key_add(b, 'L');
		else if (c == 'm')
			key_add(b, 'M');
		else if (c == 'n')
			key_add(b, 'N');
	}
}

/* "ph:KEY" of the key made by mk, when long enough. */
static void
emit_phonetic(struct scan *sc, enum story_token_kind kind,
    void (*mk)(struct buf *, const uint32_t *, size_t), const uint32_t *w,
    size_t n)
{
	buf_reset(&sc->key);
	mk(&sc->key, w, n);
	if (sc->key.len >= PHONETIC_MIN) {
		tok_reset(sc, "ph:");
		buf_add(&sc->tok, sc->key.data, sc->key.len);
		tok_emit(sc, kind);
	}
}

/* --- aliases --- */

static size_t
value_add(struct story_tokenizer *t, const char *v, size_t len)
{
	t->values = xreallocarray(t->values, t->nvalues + 1,
	    sizeof(*t->values));
	t->values[t->nvalues] = xstrndup(v, len);
	return t->nvalues++;
}

/* The alias words of the Latin part in brackets: stemmed, no stop words. */
static size_t
alias_words(struct story_tokenizer *t, const uint32_t *c, size_t n,
    struct buf *out)
{
	size_t i = 0, k, words = 0, mark, from;

	while (i < n && words < ALIAS_WORDS_MAX) {
		if (!is_alnum(c[i])) {
			i++;
			continue;
		}
		for (k = i; k < n && is_alnum(c[k]); k++)
			;
		mark = out->len;
		if (words > 0)
			buf_addc(out, '\n');
		from = out->len;
		for (size_t q = i; q < k; q++)
			utf8_put(out, c[q]);
		if (is_stop_word(out, from))
			out->len = mark;
		else {
			out->len = from;
			make_word(t, out, c + i, k - i);
			words++;
		}
		i = k;
	}
	return words;
}

/*
 * Sets key to the len bytes of value in table (the aliases, 'a', or the
 * reverse ones, 'r') unless it has key, and records it in taught.
 */
static void
table_put(struct story_tokenizer *t, char table, const char *key,
    const char *value, size_t len)
{
	struct strmap *m = table == 'a' ? t->aliases : t->reverse;
	size_t idx;

	if (t->nvalues >= ALIASES_MAX || strmap_get(m, key, &idx))
		return;
	strmap_set(m, key, value_add(t, value, len));
	buf_addc(&t->taught, table);
	buf_addstr(&t->taught, key);
	buf_addc(&t->taught, '\0');
	buf_add(&t->taught, value, len);
	buf_addc(&t->taught, '\0');
}

/* Learns key (Hangul, n code points) = the Latin at latin, first wins. */
static void
learn(struct story_tokenizer *t, const uint32_t *key, size_t nkey,
    const uint32_t *latin, size_t nlatin, int reverse)
{
	struct buf k, v, ph;
	size_t words, idx;

	if (t->nvalues >= ALIASES_MAX)
		return;
	buf_init(&k);
	buf_init(&v);
	for (size_t i = 0; i < nkey; i++)
		utf8_put(&k, key[i]);
	buf_addc(&k, '\0');
	words = alias_words(t, latin, nlatin, &v);
	if (words > 0 && !strmap_get(t->aliases, k.data, &idx)) {
		table_put(t, 'a', k.data, v.data, v.len);
		buf_addc(&v, '\0');
		if (reverse && words == 1) {
			buf_init(&ph);
			ph_hangul(&ph, key, nkey);
			table_put(t, 'r', v.data, ph.data != NULL ? ph.data :
			    "", ph.len);
			buf_free(&ph);
		}
	}
	buf_free(&k);
	buf_free(&v);
}

/* Korean(Latin): a run of 2 to 12 syllables (the last 12 of a longer
 * one), maybe a space, then a bracketed name of 1 to 31 characters. */
static void
learn_korean_latin(struct story_tokenizer *t, const uint32_t *c, size_t n)
{
	size_t i, open, start, end;

	for (open = 1; open < n; open++) {
		if (c[open] != '(')
			continue;
		i = is_space(c[open - 1]) ? open - 1 : open;
		for (start = i; start > 0 && is_hangul(c[start - 1]) &&
		    i - start < ALIAS_HANGUL_MAX; start--)
			;
		if (i - start < ALIAS_HANGUL_MIN || open + 1 >= n ||
		    !is_ascii_lower(c[open + 1]))
			continue;
		for (end = open + 1; end < n && end - open <= ALIAS_LATIN_MAX &&
		    (is_ascii_lower(c[end]) || is_digit(c[end]) ||
		    c[end] == ' ' || c[end] == '.' || c[end] == '&' ||
		    c[end] == '-'); end++)
			;
		if (end < n && c[end] == ')')
			learn(t, c + start, i - start, c + open + 1,
			    end - open - 1, 1);
	}
}

/* Latin(Korean): a Latin name of 2 to 31 characters, then 2 to 12
 * syllables in brackets. */
static void
learn_latin_korean(struct story_tokenizer *t, const uint32_t *c, size_t n)
{
	size_t i, open, start, end;

	for (open = 1; open < n; open++) {
		if (c[open] != '(')
			continue;
		i = is_space(c[open - 1]) ? open - 1 : open;
		for (start = i; start > 0 && (is_ascii_lower(c[start - 1]) ||
		    is_digit(c[start - 1])) && i - start < ALIAS_LATIN_MAX;
		    start--)
			;
		while (start < i && !is_ascii_lower(c[start]))
			start++;
		if (i - start < 2)
			continue;
		for (end = open + 1; end < n && is_hangul(c[end]) &&
		    end - open <= ALIAS_HANGUL_MAX; end++)
			;
		if (end < n && c[end] == ')' && end - open - 1 >=
		    ALIAS_HANGUL_MIN)
			learn(t, c + open + 1, end - open - 1, c + start,
			    i - start, 0);
	}
}

/* The words an alias value holds, each handed on as kind. */
static void
emit_value(struct scan *sc, const char *v, enum story_token_kind kind,
    const char *prefix)
{
	const char *nl;

	for (;;) {
		nl = strchrnul(v, '\n');
		tok_reset(sc, prefix);
		buf_add(&sc->tok, v, (size_t)(nl - v));
		if (nl > v)
			tok_emit(sc, kind);
		if (*nl == '\0')
			break;
		v = nl + 1;
	}
}

static int
alias_of(struct story_tokenizer *t, struct strmap *m, const uint32_t *w,
    size_t n, const char **value)
{
	struct buf k;
	size_t idx;
	int found;

	buf_init(&k);
	for (size_t i = 0; i < n; i++)
		utf8_put(&k, w[i]);
	buf_addc(&k, '\0');
	found = strmap_get(m, k.data, &idx);
	buf_free(&k);
	if (found)
		*value = t->values[idx];
	return found;
}

/* --- numbers --- */

static double
ko_scale(uint32_t c)
{
	switch (c) {
	case 0xc2ed:	/* 십 */
		return 10;
	case 0xbc31:	/* 백 */
		return 100;
	case 0xcc9c:	/* 천 */
		return 1e3;
	case 0xb9cc:	/* 만 */
		return 1e4;
	case 0xc5b5:	/* 억 */
		return 1e8;
	case 0xc870:	/* 조 */
		return 1e12;
	default:
		return 0;
	}
}

/* Digits with thousands' commas and a fraction from i: its end, value. */
static size_t
number_at(const struct scan *sc, size_t i, double *v, int *commas)
{
	char digits[WORD_MAX + 1];
	size_t n = 0, j = i;

	*commas = 0;
	while (j < sc->n && is_digit(sc->c[j]))
		if (n < WORD_MAX)
			digits[n++] = (char)sc->c[j++];
		else
			j++;
	while (j + 3 < sc->n && sc->c[j] == ',' && is_digit(sc->c[j + 1]) &&
	    is_digit(sc->c[j + 2]) && is_digit(sc->c[j + 3])) {
		for (int k = 1; k <= 3; k++)
			if (n < WORD_MAX)
				digits[n++] = (char)sc->c[j + (size_t)k];
		j += 4;
		*commas = 1;
	}
	if (j + 1 < sc->n && sc->c[j] == '.' && is_digit(sc->c[j + 1])) {
		if (n < WORD_MAX)
			digits[n++] = '.';
		for (j++; j < sc->n && is_digit(sc->c[j]); j++)
			if (n < WORD_MAX)
				digits[n++] = (char)sc->c[j];
	}
	digits[n] = '\0';
	*v = strtod(digits, NULL);
	return j;
}

/* 380억, 8억6천만, 26만: the chain of scales from j; its value, end. */
static size_t
korean_scale(const struct scan *sc, size_t j, double v, double *total)
{
	size_t k = j, end;
	double cur = v, unit, big;
	int commas;

	*total = 0;
	for (;;) {
		unit = 1;
		while (k < sc->n && ko_scale(sc->c[k]) > 0 &&
		    ko_scale(sc->c[k]) < 1e4)
			unit *= ko_scale(sc->c[k++]);
		big = 1;
		if (k < sc->n && ko_scale(sc->c[k]) >= 1e4)
			big = ko_scale(sc->c[k++]);
		*total += cur * unit * big;
		if (k < sc->n && is_digit(sc->c[k])) {
			end = number_at(sc, k, &cur, &commas);
			if (end < sc->n && ko_scale(sc->c[end]) > 0) {
				k = end;
				continue;
			}
		}
		return k;
	}
}

/* An English scale word after j ("38 billion", "1bn"): its end, or j. */
static size_t
english_scale(const struct scan *sc, size_t j, double *mul)
{
	static const struct {
		const char	*word;
		double		 mul;
		int		 spaced;	/* may follow a space */
	} scales[] = {
		{ "thousand", 1e3, 1 }, { "million", 1e6, 1 },
		{ "billion", 1e9, 1 }, { "trillion", 1e12, 1 },
		{ "k", 1e3, 0 }, { "m", 1e6, 0 }, { "mn", 1e6, 0 },
		{ "mln", 1e6, 0 }, { "b", 1e9, 0 }, { "bn", 1e9, 0 },
		{ "bln", 1e9, 0 }, { "tn", 1e12, 0 },
	};
	size_t k = j, start, limit = j + 12;
	int spaced = 0;

	if (k < sc->n && is_space(sc->c[k])) {
		k++;
		spaced = 1;
	}
	for (start = k; k < sc->n && k < limit && is_ascii_lower(sc->c[k]);
	    k++)
		;
	for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		if ((scales[i].spaced || !spaced) &&
		    spells(sc->c + start, k - start, scales[i].word)) {
			*mul = scales[i].mul;
			return k;
		}
	}
	return j;
}

/* A percent sign or word after j: its end, or j. */
static size_t
percent_at(const struct scan *sc, size_t j)
{
	static const struct {
		const char	*sign;
		size_t		 len;		/* code points */
		int		 word;		/* must end a word */
	} signs[] = {
		{ "%", 1, 0 }, { "percent", 7, 1 }, { "per cent", 8, 1 },
		{ "퍼센트", 3, 0 }, { "프로", 2, 1 },	/* not 프로젝트 */
	};
	size_t k = j + (j < sc->n && is_space(sc->c[j]) ? 1 : 0), len;

	for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
		len = signs[i].len;
		if (k + len > sc->n || !spells(sc->c + k, len, signs[i].sign))
			continue;
		if (signs[i].word && k + len < sc->n &&
		    is_word_char(sc->c[k + len]))
			continue;
		return k + len;
	}
	return j;
}

/* The number at i and what follows it; returns where reading goes on. */
static size_t
read_number(struct scan *sc, size_t i)
{
	char tok[48];
	size_t j, k;
	double v, total, mul;
	int scaled, len;

	j = number_at(sc, i, &v, &scaled);
	if (j < sc->n && ko_scale(sc->c[j]) > 0) {
		k = korean_scale(sc, j, v, &total);
		if (total >= 1e4) {
			v = total;
			scaled = 1;
			j = k;
		}
	} else if ((k = english_scale(sc, j, &mul)) != j) {
		v *= mul;
		scaled = 1;
		j = k;
	} else if ((k = percent_at(sc, j)) != j) {
		len = snprintf(tok, sizeof(tok), "pct:%g", v);
		emit_text(sc, STORY_TOKEN_PERCENT, tok, (size_t)len);
		return k;
	}
	if (!scaled && j < sc->n && is_alpha(sc->c[j])) {
		/* Digits glued to letters: 300mw, 6g. */
		for (k = j; k < sc->n && is_alnum(sc->c[k]); k++)
			;
		if (k - i > WORD_MAX)
			return k;
		tok_reset(sc, "");
		tok_put(sc, sc->c + i, k - i);
		tok_emit(sc, STORY_TOKEN_LATIN);
		return k;
	}
	if (scaled || v >= 10000)
		len = snprintf(tok, sizeof(tok), "num:%.1e", v);
	else if (v == (double)(long)v)
		len = snprintf(tok, sizeof(tok), "n:%ld", (long)v);
	else
		len = snprintf(tok, sizeof(tok), "n:%g", v);
	if (len > 0 && (size_t)len < sizeof(tok))
		emit_text(sc, scaled ? STORY_TOKEN_NUMBER : STORY_TOKEN_SMALL,
		    tok, (size_t)len);
	return j;
}

/* --- words --- */

/*
 * The length of the (longest) particle w (n code points) ends with after
 * at least rest code points, or 0.
 */
static size_t
particle_end(const struct story_tokenizer *t, const uint32_t *w, size_t n,
    size_t rest)
{
	for (size_t i = 0; i < NPARTICLES; i++) {
		size_t len = t->particle_len[i];

		if (n >= len + rest && w[n - 1] == t->particle[i][len - 1] &&
		    memcmp(w + n - len, t->particle[i], len * sizeof(*w)) == 0)
			return len;
	}
	return 0;
}


static size_t
read_hangul(struct scan *sc, size_t i)
{
	const uint32_t *w = sc->c + i;
	const char *value;
	size_t j = i, n, ns;

	while (j < sc->n && is_hangul(sc->c[j]))
		j++;
	n = j - i;
	/* A particle glued to a Latin word: 오픈ai가. */
	if (i > 0 && is_alnum(sc->c[i - 1]) && particle_end(sc->t, w, n, 0) ==
	    n)
		return j;
	/* Its stem: a word of two syllables or more before a particle. */
	ns = n - particle_end(sc->t, w, n, 2);
	if (alias_of(sc->t, sc->t->aliases, w, ns, &value) ||
	    (ns != n && alias_of(sc->t, sc->t->aliases, w, n, &value)))
		emit_value(sc, value, STORY_TOKEN_ALIAS, "");
	if (ns == 1) {
		tok_reset(sc, "");
		tok_put(sc, w, 1);
		tok_emit(sc, STORY_TOKEN_SYLLABLE);
	}
	/* Its bigrams count as one word together, as a Latin word does. */
	sc->share = ns > 2 ? 1.0 / (double)(ns - 1) : 1.0;
	for (size_t k = 0; k + 1 < ns; k++) {
		tok_reset(sc, "");
		tok_put(sc, w + k, 2);
		tok_emit(sc, STORY_TOKEN_HANGUL);
	}
	sc->share = 1.0;
	if (ns >= 2)
		emit_phonetic(sc, STORY_TOKEN_PHONETIC, ph_hangul, w, ns);
	return j;
}

static size_t
read_word(struct scan *sc, size_t i)
{
	const uint32_t *w = sc->c + i;
	const struct number_word *num;
	size_t j = i, k, n, idx;

	while (j < sc->n && is_alnum(sc->c[j]))
		j++;
	n = j - i;
	if (n > WORD_MAX)
		return j;	/* no word: a run of junk */
	/* sign-ups: signup too. */
	if (j + 1 < sc->n && sc->c[j] == '-' && is_alpha(sc->c[j + 1])) {
		for (k = j + 1; k < sc->n && is_alnum(sc->c[k]); k++)
			;
		if (all_alpha(w, n) && all_alpha(sc->c + j + 1, k - j - 1) &&
		    k - i <= WORD_MAX) {
			tok_reset(sc, "");
			tok_put(sc, w, n);
			tok_put(sc, sc->c + j + 1, k - j - 1);
			stem_in_place(sc->t, &sc->tok, 0);
			tok_emit(sc, STORY_TOKEN_LATIN);
		}
	}
	if (!all_alpha(w, n)) {
		tok_reset(sc, "");
		tok_put(sc, w, n);
		tok_emit(sc, STORY_TOKEN_LATIN);
		return j;
	}
	if (n < 2)
		return j;
	tok_reset(sc, "");
	tok_put(sc, w, n);
	if ((num = find_word(&sc->tok, 0, number_words, sizeof(number_words) /
	    sizeof(number_words[0]), sizeof(number_words[0]))) != NULL) {
		char tok[8];

		emit_text(sc, STORY_TOKEN_SMALL, tok,
		    (size_t)snprintf(tok, sizeof(tok), "n:%d", num->value));
		return j;
	}
	if (is_stop_word(&sc->tok, 0))
		return j;
	tok_reset(sc, "");
	make_word(sc->t, &sc->tok, w, n);
	tok_emit(sc, STORY_TOKEN_LATIN);
	/* A name a Korean word was seen for: that word's key too. */
	buf_addc(&sc->tok, '\0');
	if (strmap_get(sc->t->reverse, sc->tok.data, &idx))
		emit_value(sc, sc->t->values[idx], STORY_TOKEN_ALIAS, "ph:");
	emit_phonetic(sc, STORY_TOKEN_PHONETIC, ph_latin, w, n);
	return j;
}

static void
read_part(struct scan *sc)
{
	size_t i = 0;

	while (i < sc->n) {
		if (is_digit(sc->c[i]))
			i = read_number(sc, i);
		else if (is_hangul(sc->c[i]))
			i = read_hangul(sc, i);
		else if (is_alpha(sc->c[i]))
			i = read_word(sc, i);
		else
			i++;
	}
}

/* The code points of s, normalised; *n of them. */
static uint32_t *
normalise(const char *s, size_t *n)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t len;
	uint32_t *c;
	size_t i = 0, k;

	*n = 0;
	/* ASCII is its own NFKC: only its case is folded. */
	for (len = 0; s[len] != '\0' && (unsigned char)s[len] < 0x80; len++)
		;
	if (s[len] == '\0') {
		c = xcalloc((size_t)len + 1, sizeof(*c));
		for (i = 0; i < (size_t)len; i++)
			c[i] = s[i] >= 'A' && s[i] <= 'Z' ? (uint32_t)(s[i] -
			    'A' + 'a') : (uint32_t)s[i];
		*n = (size_t)len;
		return c;
	}
	len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &norm,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (len < 0)
		return NULL;	/* not UTF-8: entry text always is */
	c = xcalloc((size_t)len + 1, sizeof(*c));
	while (i < (size_t)len) {
		k = utf8_decode_lossy(norm + i, (size_t)len - i, &c[*n]);
		(*n)++;
		i += k;
	}
	free(norm);
	return c;
}

void
story_tokenize(struct story_tokenizer *t, const char *title,
    const char *text, story_token_fn *fn, void *arg)
{
	struct scan sc = { .t = t, .fn = fn, .arg = arg, .share = 1.0 };
	uint32_t *ct, *cx, *both;
	size_t nt, nx;

	ct = normalise(title != NULL ? title : "", &nt);
	cx = normalise(text != NULL ? text : "", &nx);
	/* Aliases first, from both: the entry that defines one uses it. */
	both = xcalloc(nt + nx + 4, sizeof(*both));
	if (nt > 0)
		memcpy(both, ct, nt * sizeof(*both));
	memcpy(both + nt, (const uint32_t[]){ ' ', '\n', ' ' },
	    3 * sizeof(*both));
	if (nx > 0)
		memcpy(both + nt + 3, cx, nx * sizeof(*both));
	learn_korean_latin(t, both, nt + nx + 3);
	learn_latin_korean(t, both, nt + nx + 3);
	free(both);
	buf_init(&sc.tok);
	buf_init(&sc.key);
	sc.part = STORY_PART_TITLE;
	sc.c = ct;
	sc.n = nt;
	read_part(&sc);
	sc.part = STORY_PART_TEXT;
	sc.c = cx;
	sc.n = nx;
	read_part(&sc);
	buf_free(&sc.tok);
	buf_free(&sc.key);
	free(ct);
	free(cx);
}

void
story_tokenizer_taught(struct story_tokenizer *t, struct buf *out)
{
	if (t->taught.len > 0)
		buf_add(out, t->taught.data, t->taught.len);
	buf_reset(&t->taught);
}

void
story_tokenizer_teach(struct story_tokenizer *t, const char *rec,
    size_t len)
{
	const char *end = rec + len, *key, *value;

	while (rec < end && (*rec == 'a' || *rec == 'r')) {
		key = rec + 1;
		value = memchr(key, '\0', (size_t)(end - key));
		if (value == NULL || ++value >= end ||
		    (rec = memchr(value, '\0', (size_t)(end - value))) == NULL)
			return;
		table_put(t, key[-1], key, value, (size_t)(rec - value));
		rec++;
	}
	buf_reset(&t->taught);
}
