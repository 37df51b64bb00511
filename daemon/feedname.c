/*
 * Feed names (feedname.h): the characters a name may hold, and names made
 * from a feed's title or URL, numbered only when two feeds would share one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feedname.h"
#include "url.h"
#include "xmalloc.h"

int
feedname_ok(const char *name)
{
	if (*name == '\0')
		return 0;
	for (const char *c = name; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("-_.", *c) == NULL)
			return 0;
	return 1;
}

/*
 * prefix and s, its ASCII letters and digits lowercased and every run of
 * other bytes one dash; NULL when s has no letter or digit.
 */
static char *
slug(const char *prefix, const char *s)
{
	size_t plen = strlen(prefix);
	struct buf b;
	int dash = 1;

	buf_init(&b);
	buf_addstr(&b, prefix);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (isalnum(*c)) {
			buf_addc(&b, (char)tolower(*c));
			dash = 0;
		} else if (!dash) {
			buf_addc(&b, '-');
			dash = 1;
		}
	}
	while (b.len > plen && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (b.len == plen) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b);
}

char *
feedname_base(const char *prefix, const char *title, const char *url,
    feedname_taken_fn taken, void *arg)
{
	const unsigned char *c;
	char *base = NULL, *bare;
	const char *rest;

	for (c = (const unsigned char *)(title != NULL ? title : "");
	    *c != '\0' && *c < 0x80; c++)
		;
	if (title != NULL && *c == '\0')
		base = slug(prefix, title);
	if (base == NULL || taken(base, arg)) {
		free(base);
		bare = url_strip_userinfo(url);
		rest = strstr(bare, "://");
		base = slug(prefix, rest != NULL ? rest + 3 : bare);
		free(bare);
		if (base == NULL)
			base = xasprintf("%sfeed", prefix);
	}
	return base;
}

char *
feedname_unique(const char *base, size_t *next, feedname_taken_fn taken,
    void *arg)
{
	size_t n = next != NULL && *next >= 2 ? *next : 2;
	char *name = xstrdup(base);

	for (; taken(name, arg); n++) {
		free(name);
		name = xasprintf("%s-%zu", base, n);
	}
	if (next != NULL)
		*next = n;
	return name;
}
