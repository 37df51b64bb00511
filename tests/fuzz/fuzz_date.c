/*
 * libFuzzer target: the date parser on arbitrary strings.  A date it
 * accepts is formatted both ways we write dates, and a formatted date
 * with a four-digit year must parse back to the same instant.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_roundtrip(const char *what, const char *s, time_t t)
{
	time_t back;

	if (date_parse(s, &back) == -1 || back != t) {
		fprintf(stderr, "date: %s form \"%s\" of %lld does not parse "
		    "back\n", what, s, (long long)t);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, iso[64], rfc[64];
	time_t t;

	s = xstrndup((const char *)data, size);
	if (date_parse(s, &t) == 0) {
		date_format_iso(t, iso, sizeof(iso));
		date_format_rfc5322(t, rfc, sizeof(rfc));
		/* Years 1..9999 only; others leave the parser's range. */
		if (strlen(iso) == 20 && strncmp(iso, "0000", 4) != 0) {
			fuzz_roundtrip("ISO 8601", iso, t);
			fuzz_roundtrip("RFC 5322", rfc, t);
		}
	}
	free(s);
	return 0;
}
