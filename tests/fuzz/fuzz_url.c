/*
 * libFuzzer target: URL resolution, canonicalisation and keys.  The input
 * is a base URL, a newline and a reference (no newline: the input is both).
 * The reference is resolved against the base, and both the result and the
 * raw input are canonicalised; canonicalising a canonical URL must give it
 * back unchanged, or one article could get two keys.  That is checked only
 * for URLs without white space or control characters, which RFC 3986 does
 * not allow: url_canonical trims them at the ends, and so would remove
 * those a dropped fragment or tracking parameter left at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "entry.h"
#include "url.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
fuzz_canon(const char *u)
{
	char *c, *cc, hex[KEY_HEX_SIZE];

	c = url_canonical(u);
	cc = url_canonical(c);
	if (fuzz_plain(u) && strcmp(c, cc) != 0) {
		fprintf(stderr, "url: canonical form not stable:\n"
		    "  in:  \"%s\"\n  1st: \"%s\"\n  2nd: \"%s\"\n", u, c, cc);
		abort();
	}
	entry_key_hash(c, strlen(c), hex);
	if (strlen(hex) != KEY_HEX_LEN)
		abort();
	free(cc);
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *base, *ref, *nl, *r;

	s = xstrndup((const char *)data, size);
	base = s;
	ref = s;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		ref = nl + 1;
	}
	url_is_absolute(base);
	r = url_resolve(base, ref);
	fuzz_canon(r);
	fuzz_canon(ref);
	free(r);
	free(s);
	return 0;
}
