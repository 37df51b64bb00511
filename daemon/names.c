/*
 * Is this name one of a fixed list: charset names, HTML element and
 * attribute names, URL schemes.  Lists are searched in place, a short one
 * from the start and a long sorted one by halves.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "names.h"

/* The first byte is compared before the rest: most names differ there. */
int
names_in(const char *name, size_t len, const char *const *list,
    size_t n, int icase)
{
	int c0;
	size_t i;

	if (len == 0)
		return 0;
	c0 = icase ? tolower((unsigned char)name[0]) : (unsigned char)name[0];
	for (i = 0; i < n; i++)
		if ((unsigned char)list[i][0] == c0 &&
		    strlen(list[i]) == len && (icase ?
		    strncasecmp(list[i], name, len) :
		    memcmp(list[i], name, len)) == 0)
			return 1;
	return 0;
}

/* strcmp of the NUL-terminated a with the len bytes at b, b's ASCII
 * letters folded when icase (tolower's C locale). */
static int
cmp_n(const char *a, const char *b, size_t len, int icase)
{
	size_t i;
	int c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)b[i];
		if (icase && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (a[i] == '\0' || (unsigned char)a[i] != c)
			return a[i] == '\0' ? -1 : (unsigned char)a[i] - c;
	}
	return a[len] != '\0';
}

int
names_in_sorted(const char *name, size_t len, const char *const *list,
    size_t n, int icase)
{
	size_t lo = 0, hi = n, mid;
	int c;

	if (len == 0)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = cmp_n(list[mid], name, len, icase)) == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
