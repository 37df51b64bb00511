/*
 * utf8: strict decoding and validation (what Python's decoder and the
 * WHATWG decoder accept), and encoding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "utf8.h"
#include "xmalloc.h"

#define KOREAN	"\xea\xb8\xb0\xec\x82\xac abc \xea\xb8\xb0"

/* The length utf8_decode gives the n bytes at s, and their code point. */
static size_t
decoded(const char *s, size_t n, uint32_t *cp)
{
	*cp = 0xdeadbeef;
	return utf8_decode((const unsigned char *)s, n, cp);
}

/* Every form that is UTF-8, at the edges of each length and range. */
TEST(test_decode_valid)
{
	static const struct {
		const char	*s;
		size_t		 len;
		uint32_t	 cp;
	} ok[] = {
		{ "\x00", 1, 0 },
		{ "\x7f", 1, 0x7f },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 0xe000 },
		{ "\xef\xbf\xbd", 3, 0xfffd },
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf0\x9f\x93\xb0", 4, 0x1f4f0 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_INT(decoded(ok[i].s, ok[i].len, &cp), ok[i].len);
		ASSERT_INT(cp, ok[i].cp);
		ASSERT(utf8_valid(ok[i].s, ok[i].len));
	}
}

/*
 * Surrogates, overlong forms, values above U+10FFFF, bad lead and
 * continuation bytes and truncated sequences are not UTF-8.
 */
TEST(test_decode_invalid)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
		{ "\xed\xa0\x80", 3 },		/* U+D800, a surrogate */
		{ "\xed\xbf\xbf", 3 },		/* U+DFFF */
		{ "\xe0\x80\x80", 3 },		/* overlong NUL */
		{ "\xe0\x9f\xbf", 3 },		/* overlong U+07FF */
		{ "\xc0\x80", 2 },		/* overlong NUL */
		{ "\xc1\xbf", 2 },		/* overlong U+007F */
		{ "\xf0\x8f\xbf\xbf", 4 },	/* overlong U+FFFF */
		{ "\xf4\x90\x80\x80", 4 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 4 },	/* no such lead byte */
		{ "\xff", 1 },
		{ "\x80", 1 },			/* a lone continuation */
		{ "\xe2\x82", 2 },		/* truncated */
		{ "\xe2\x28\xa1", 3 },		/* bad continuation */
		{ "\xf0\x9f\x93", 3 },		/* truncated four-byte */
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_INT(decoded(bad[i].s, bad[i].len, &cp), 0);
		ASSERT(!utf8_valid(bad[i].s, bad[i].len));
	}
	/* The bytes past n are never read. */
	ASSERT_INT(decoded("\xe2\x82\xac", 2, &cp), 0);
}

/* The eight-byte ASCII steps find a bad byte wherever it stands. */
TEST(test_valid_long)
{
	char s[40];
	size_t at;

	memset(s, 'a', sizeof(s));
	ASSERT(utf8_valid(s, sizeof(s)));
	for (at = 0; at < sizeof(s); at++) {
		memset(s, 'a', sizeof(s));
		s[at] = (char)0x80;
		ASSERT(!utf8_valid(s, sizeof(s)));
		if (at + 3 <= sizeof(s)) {
			memcpy(s + at, "\xed\xa0\x80", 3);
			ASSERT(!utf8_valid(s, sizeof(s)));
			memcpy(s + at, "\xe2\x82\xac", 3);
			ASSERT(utf8_valid(s, sizeof(s)));
		}
	}
	ASSERT(utf8_valid("", 0));
	ASSERT(utf8_valid(KOREAN, strlen(KOREAN)));
}

/* A bad byte is taken alone, as U+FFFD; the next one decodes again. */
TEST(test_decode_lossy)
{
	const unsigned char *s = (const unsigned char *)"\xed\xa0\x80\xc3\xa9";
	uint32_t cp;

	ASSERT_INT(utf8_decode_lossy(s, 5, &cp), 1);
	ASSERT_INT(cp, UTF8_REPLACEMENT);
	ASSERT_INT(utf8_decode_lossy(s + 1, 4, &cp), 1);
	ASSERT_INT(cp, UTF8_REPLACEMENT);
	ASSERT_INT(utf8_decode_lossy(s + 3, 2, &cp), 2);
	ASSERT_INT(cp, 0xe9);
}

static int
encodes_to(uint32_t c, const char *want)
{
	struct buf b;
	int ok;

	buf_init(&b);
	utf8_put(&b, c);
	ok = b.len == strlen(want) && memcmp(b.data, want, b.len) == 0;
	if (!ok)
		printf("#   U+%04X: %zu bytes\n", (unsigned)c, b.len);
	buf_free(&b);
	return ok;
}

/* Each length at its edges; what is no scalar value becomes U+FFFD. */
TEST(test_put)
{
	ASSERT(encodes_to(0x41, "A"));
	ASSERT(encodes_to(0x7f, "\x7f"));
	ASSERT(encodes_to(0x80, "\xc2\x80"));
	ASSERT(encodes_to(0x7ff, "\xdf\xbf"));
	ASSERT(encodes_to(0x800, "\xe0\xa0\x80"));
	ASSERT(encodes_to(0xffff, "\xef\xbf\xbf"));
	ASSERT(encodes_to(0x10000, "\xf0\x90\x80\x80"));
	ASSERT(encodes_to(0x10ffff, "\xf4\x8f\xbf\xbf"));
	ASSERT(encodes_to(0xd800, UTF8_REPLACEMENT_STR));
	ASSERT(encodes_to(0xdfff, UTF8_REPLACEMENT_STR));
	ASSERT(encodes_to(0x110000, UTF8_REPLACEMENT_STR));
	ASSERT(encodes_to(0xffffffff, UTF8_REPLACEMENT_STR));
}

/* Prefixes by characters and by bytes, always on a boundary. */
TEST(test_cut)
{
	/* "a", U+D55C (3 bytes), U+1F4F0 (4 bytes), a bad byte, "z". */
	const char *s = "a\xed\x95\x9c\xf0\x9f\x93\xb0\xff" "z";
	size_t n = strlen(s);

	ASSERT_INT(utf8_cut(s, n, 0, n), 0);
	ASSERT_INT(utf8_cut(s, n, 1, n), 1);
	ASSERT_INT(utf8_cut(s, n, 2, n), 4);
	ASSERT_INT(utf8_cut(s, n, 3, n), 8);
	ASSERT_INT(utf8_cut(s, n, 4, n), 9);
	ASSERT_INT(utf8_cut(s, n, 99, n), n);
	/* Bytes: never half a character. */
	ASSERT_INT(utf8_cut(s, n, n, 3), 1);
	ASSERT_INT(utf8_cut(s, n, n, 7), 4);
	ASSERT_INT(utf8_cut(s, n, n, 8), 8);
	ASSERT_INT(utf8_cut(s, n, 2, 8), 4);
}

int
main(void)
{
	RUN(test_decode_valid);
	RUN(test_decode_invalid);
	RUN(test_valid_long);
	RUN(test_decode_lossy);
	RUN(test_put);
	RUN(test_cut);
	return TEST_DONE();
}
