/*
 * String helpers the parser's files share: small allocation helpers,
 * attribute lookup, a fast search for rare markers, Python's str.strip()
 * on UTF-8, and feedparser's language-tag fix.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "utf8.h"
#include "xmalloc.h"

/* a, sep and b in one allocation (b alone when a is NULL), folded as
 * xstrndup_lower folds when lower. */
char *
feed__join(const char *a, int sep, const char *b, int lower)
{
	size_t la = a != NULL ? strlen(a) + 1 : 0, lb = strlen(b), i;
	char *r;

	r = xmalloc(la + lb + 1);
	if (a != NULL) {
		memcpy(r, a, la - 1);
		r[la - 1] = (char)sep;
	}
	memcpy(r + la, b, lb + 1);
	if (lower)
		for (i = 0; r[i] != '\0'; i++)
			r[i] = (char)tolower((unsigned char)r[i]);
	return r;
}

void
feed__set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Attribute lists are (key, value) pairs, feedparser's attrs_d. */
const char *
feed__attr_get(char **attrs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		if (strcmp(attrs[i], key) == 0)
			return attrs[i + 1];
	return NULL;
}

/*
 * memmem for the markers the whole-document scans look for ("]]>",
 * "-->"): memchr finds the first byte, which is rare in text, several
 * times faster than memmem looks at every byte.
 */
const char *
feed__find(const char *s, size_t n, const char *pat, size_t plen)
{
	const char *p, *end = s + n;

	for (p = s; (size_t)(end - p) >= plen &&
	    (p = memchr(p, pat[0], (size_t)(end - p) - plen + 1)) != NULL;
	    p++)
		if (memcmp(p, pat, plen) == 0)
			return p;
	return NULL;
}

static int
is_space_cp(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) ||
	    c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Python's str.strip(): the bounds without Unicode white space at the ends. */
static void
strip_bounds(const char *s, size_t n, size_t *startp, size_t *endp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0, end = n, k;
	uint32_t c;

	while (start < end) {
		k = utf8_decode_lossy(p + start, end - start, &c);
		if (!is_space_cp(c))
			break;
		start += k;
	}
	while (end > start) {
		/* The last character starts at its lead byte. */
		k = 1;
		while (k < end - start && k < 4 && (p[end - k] & 0xc0) == 0x80)
			k++;
		if (utf8_decode(p + end - k, k, &c) != k || !is_space_cp(c))
			break;
		end -= k;
	}
	*startp = start;
	*endp = end;
}

char *
feed__strip_dup(const char *s, size_t n)
{
	size_t start, end;

	strip_bounds(s, n, &start, &end);
	return xstrndup(s + start, end - start);
}

/* The same, in place: s is returned, its text moved to the front. */
char *
feed__strip(char *s)
{
	size_t start, end;

	strip_bounds(s, strlen(s), &start, &end);
	if (start > 0)
		memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

/* A language tag with feedparser's '_' to '-' fix, in place; returns s. */
char *
feed__lang_fix(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	return s;
}
