/*
 * UTF-8, strictly: what Python's decoder and the WHATWG decoder accept.
 * Overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF
 * and truncated sequences are not UTF-8.  Every module that reads or
 * writes UTF-8 goes through these; none has a decoder of its own.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define UTF8_REPLACEMENT	0xfffdu
/* U+FFFD in UTF-8, for callers that write it as bytes. */
#define UTF8_REPLACEMENT_STR	"\xef\xbf\xbd"

/*
 * The length (1 to 4) of the well-formed sequence at p, of which n > 0
 * bytes are readable, with its code point in *cp; 0 when the bytes there
 * are not one.  Inline: the renderers and the JSON writer call it for
 * every character that is not ASCII.
 */
static inline size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* shorter forms are overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* above are the surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = (c << 6) | (p[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/*
 * utf8_decode for text that may hold bad bytes: a byte that starts no
 * sequence is taken alone, as U+FFFD.  Never 0.
 */
static inline size_t
utf8_decode_lossy(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = utf8_decode(p, n, cp);

	if (len == 0) {
		*cp = UTF8_REPLACEMENT;
		len = 1;
	}
	return len;
}

/* Whether the n bytes at s are UTF-8 throughout. */
int	utf8_valid(const char *s, size_t n);

/*
 * The length of the longest start of s (n bytes) that holds at most
 * max_chars characters in at most max_bytes bytes and ends on a character
 * boundary (a byte that starts no sequence counts as one character).
 */
size_t	utf8_cut(const char *s, size_t n, size_t max_chars, size_t max_bytes);

/* The characters of the string s: its bytes that start a sequence. */
size_t	utf8_chars(const char *s);

/*
 * Appends c in UTF-8.  A value that is no Unicode scalar value (a
 * surrogate, or above U+10FFFF) is written as U+FFFD.
 */
void	utf8_put(struct buf *, uint32_t c);

#endif
