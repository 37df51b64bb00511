/*
 * Strict UTF-8 validation and encoding; the decoder itself is inline in
 * utf8.h.
 */
#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint64_t w;
	uint32_t c;

	while (i < n) {
		if (p[i] < 0x80) {
			/* Then eight at a time: most feeds are mostly ASCII. */
			for (i++; n - i >= 8; i += 8) {
				memcpy(&w, p + i, 8);
				if ((w & 0x8080808080808080ull) != 0)
					break;
			}
			continue;
		}
		if ((len = utf8_decode(p + i, n - i, &c)) == 0)
			return 0;
		i += len;
	}
	return 1;
}

size_t
utf8_cut(const char *s, size_t n, size_t max_chars, size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, chars;
	uint32_t c;

	for (chars = 0; i < n && chars < max_chars; chars++) {
		len = utf8_decode_lossy(p + i, n - i, &c);
		if (i + len > max_bytes)
			break;
		i += len;
	}
	return i;
}

void
utf8_put(struct buf *b, uint32_t c)
{
	char s[4];

	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		c = UTF8_REPLACEMENT;
	if (c < 0x80) {
		buf_addc(b, (char)c);
		return;
	}
	if (c < 0x800) {
		s[0] = (char)(0xc0 | (c >> 6));
		s[1] = (char)(0x80 | (c & 0x3f));
		buf_add(b, s, 2);
	} else if (c < 0x10000) {
		s[0] = (char)(0xe0 | (c >> 12));
		s[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		s[2] = (char)(0x80 | (c & 0x3f));
		buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | (c >> 18));
		s[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		s[3] = (char)(0x80 | (c & 0x3f));
		buf_add(b, s, 4);
	}
}

size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}
