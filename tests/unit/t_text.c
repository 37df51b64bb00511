/*
 * text: character references in every form, HTML and XML escaping, the
 * windows-1252 table and the HTML content-type test.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Whether text_ref reads the reference at the start of s as want_len
 * bytes standing for want (want_len 0: not a reference at all).
 */
static int
ref_is(const char *s, size_t want_len, uint32_t want)
{
	uint32_t cp = 0;
	size_t len = text_ref(s, strlen(s), &cp);

	if (len != want_len || (len > 0 && cp != want)) {
		printf("#   \"%s\": %zu bytes, U+%04X; want %zu, U+%04X\n", s,
		    len, (unsigned)cp, want_len, (unsigned)want);
		return 0;
	}
	return 1;
}

/* XML's five and HTML 4's names; a name must be known and end in ';'. */
TEST(test_ref_named)
{
	ASSERT(ref_is("&amp;", 5, '&'));
	ASSERT(ref_is("&lt;b", 4, '<'));
	ASSERT(ref_is("&gt;", 4, '>'));
	ASSERT(ref_is("&quot;", 6, '"'));
	ASSERT(ref_is("&apos;", 6, '\''));
	ASSERT(ref_is("&nbsp;", 6, 0xa0));
	ASSERT(ref_is("&hellip;", 8, 0x2026));
	ASSERT(ref_is("&thetasym;", 10, 0x3d1));
	ASSERT(ref_is("&Aacute;", 8, 0xc1));
	ASSERT(ref_is("&aacute;", 8, 0xe1));
	ASSERT(ref_is("&euro;", 6, 0x20ac));
	ASSERT(ref_is("&amp", 0, 0));		/* no ';' */
	ASSERT(ref_is("&AMP;", 0, 0));		/* names are case-sensitive */
	ASSERT(ref_is("&colon;", 0, 0));	/* HTML 5 only */
	ASSERT(ref_is("&nosuchname;", 0, 0));
	ASSERT(ref_is("&a b;", 0, 0));
	ASSERT(ref_is("&;", 0, 0));
	ASSERT(ref_is("&", 0, 0));
	ASSERT(ref_is("& amp;", 0, 0));
	ASSERT(ref_is("&1amp;", 0, 0));
	ASSERT_INT(text_entity("hellip", 6), 0x2026);
	ASSERT_INT(text_entity("hellipsis", 6), 0x2026);
	ASSERT_INT(text_entity("x", 0), 0);
	ASSERT_INT(text_entity("averyveryverylongnamethatisnothtmlatall",
	    39), 0);
}

/*
 * Decimal and hexadecimal, with or without the ';'; what names no
 * character is U+FFFD, and 0x80..0x9f are windows-1252's characters.
 */
TEST(test_ref_numeric)
{
	ASSERT(ref_is("&#65;", 5, 'A'));
	ASSERT(ref_is("&#65", 4, 'A'));
	ASSERT(ref_is("&#65x", 4, 'A'));
	ASSERT(ref_is("&#x41;", 6, 'A'));
	ASSERT(ref_is("&#X41;", 6, 'A'));
	ASSERT(ref_is("&#x4a;", 6, 'J'));
	ASSERT(ref_is("&#x4A", 5, 'J'));
	ASSERT(ref_is("&#0065;", 7, 'A'));
	ASSERT(ref_is("&#x1F4F0;", 9, 0x1f4f0));
	ASSERT(ref_is("&#1114111;", 10, 0x10ffff));
	ASSERT(ref_is("&#0;", 4, UTF8_REPLACEMENT));
	ASSERT(ref_is("&#xD800;", 8, UTF8_REPLACEMENT));
	ASSERT(ref_is("&#xdfff;", 8, UTF8_REPLACEMENT));
	ASSERT(ref_is("&#x110000;", 10, UTF8_REPLACEMENT));
	ASSERT(ref_is("&#99999999999999999999;", 23, UTF8_REPLACEMENT));
	ASSERT(ref_is("&#150;", 6, 0x2013));
	ASSERT(ref_is("&#x80;", 6, 0x20ac));
	ASSERT(ref_is("&#x81;", 6, 0x81));	/* undefined in cp1252 */
	ASSERT(ref_is("&#160;", 6, 0xa0));
	ASSERT(ref_is("&#;", 0, 0));
	ASSERT(ref_is("&#x;", 0, 0));
	ASSERT(ref_is("&#xg;", 0, 0));
	ASSERT(ref_is("&#-1;", 0, 0));
}

/* The bytes past n are never part of a reference. */
TEST(test_ref_bounded)
{
	uint32_t cp;

	ASSERT_INT(text_ref("&amp;", 4, &cp), 0);
	ASSERT_INT(text_ref("&#65;", 3, &cp), 3);
	ASSERT_INT(cp, 6);	/* "&#6" */
	ASSERT_INT(text_ref("&#655", 4, &cp), 4);
	ASSERT_INT(cp, 'A');
	ASSERT_INT(text_ref("&#", 2, &cp), 0);
}

static int
unescapes_to(const char *s, const char *want)
{
	struct buf b;
	int ok;

	buf_init(&b);
	buf_addstr(&b, "");
	text_unescape(&b, s, strlen(s));
	ok = strcmp(b.data, want) == 0;
	if (!ok)
		printf("#   \"%s\" -> \"%s\", want \"%s\"\n", s, b.data, want);
	buf_free(&b);
	return ok;
}

TEST(test_unescape)
{
	ASSERT(unescapes_to("AT&amp;T &lt;b&gt; &#65;&#x42;&#X43",
	    "AT&T <b> ABC"));
	ASSERT(unescapes_to("a & b &c; &amp &#; &", "a & b &c; &amp &#; &"));
	ASSERT(unescapes_to("&eacute;t&eacute;", "\xc3\xa9t\xc3\xa9"));
	ASSERT(unescapes_to("&#0;&#xd800;", UTF8_REPLACEMENT_STR
	    UTF8_REPLACEMENT_STR));
	ASSERT(unescapes_to("", ""));
}

static int
escapes_to(const char *s, size_t n, int flags, const char *want)
{
	struct buf b;
	int ok;

	buf_init(&b);
	buf_addstr(&b, "");
	text_escape(&b, s, n, flags);
	ok = strcmp(b.data, want) == 0;
	if (!ok)
		printf("#   flags %d: \"%s\", want \"%s\"\n", flags, b.data,
		    want);
	buf_free(&b);
	return ok;
}

/* HTML: the three specials, and quotes in attribute values. */
TEST(test_escape_html)
{
	const char *s = "a<b>&\"c\" \xc3\xa9\t\n\r\x01\xff";

	ASSERT(escapes_to(s, strlen(s), 0,
	    "a&lt;b&gt;&amp;\"c\" \xc3\xa9\t\n\r\x01\xff"));
	ASSERT(escapes_to(s, strlen(s), TEXT_ESC_QUOTE,
	    "a&lt;b&gt;&amp;&quot;c&quot; \xc3\xa9\t\n\r\x01\xff"));
	ASSERT(escapes_to("plain text", 5, 0, "plain"));
	ASSERT(escapes_to("", 0, TEXT_ESC_QUOTE, ""));
}

/*
 * XML: bad bytes become U+FFFD, what XML cannot carry is dropped, CR is a
 * reference, and in attributes tab and LF are references too.
 */
TEST(test_escape_xml)
{
	const char *s = "a\x01\x1f\t\n\r\"<\xed\xa0\x80\xef\xbf\xbe"
	    "\xef\xbf\xbf\xef\xbf\xbd\x7f\xf0\x9f\x93\xb0";
	const char *rest = "\xef\xbf\xbd\x7f\xf0\x9f\x93\xb0";
	char want[128];

	snprintf(want, sizeof(want), "a\t\n&#13;\"&lt;%s%s%s%s",
	    UTF8_REPLACEMENT_STR, UTF8_REPLACEMENT_STR,
	    UTF8_REPLACEMENT_STR, rest);
	ASSERT(escapes_to(s, strlen(s), TEXT_ESC_XML, want));
	snprintf(want, sizeof(want), "a&#9;&#10;&#13;&quot;&lt;%s%s%s%s",
	    UTF8_REPLACEMENT_STR, UTF8_REPLACEMENT_STR,
	    UTF8_REPLACEMENT_STR, rest);
	ASSERT(escapes_to(s, strlen(s), TEXT_ESC_XML | TEXT_ESC_QUOTE, want));
	/* A sequence cut off by n is bad bytes. */
	ASSERT(escapes_to("\xc3\xa9", 1, TEXT_ESC_XML, UTF8_REPLACEMENT_STR));
}

/* Format characters: Cf, sorted ranges, nothing around them. */
TEST(test_is_format)
{
	static const uint32_t yes[] = {
		0xad, 0x600, 0x605, 0x61c, 0x200b, 0x200f, 0x202a, 0x202e,
		0x2060, 0x2064, 0x2066, 0x2069, 0xfeff, 0xfffb, 0x110bd,
		0x1343f, 0xe0001, 0xe0020, 0xe007f,
	};
	static const uint32_t no[] = {
		0, 'a', 0x7f, 0x85, 0xa0, 0xac, 0xae, 0x5ff, 0x606, 0x200a,
		0x2010, 0x2029, 0x202f, 0x2065, 0x2070, 0xfffd, 0xac00,
		0x1f600, 0xe0000, 0xe0080, 0x10ffff,
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ASSERT_INT(text_is_format(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ASSERT_INT(text_is_format(no[i]), 0);
}

/* TEXT_ESC_FORMAT drops format characters, with or without XML. */
TEST(test_escape_format)
{
	/* "a" RLO "b" PDF ZWSP "<" FEFF "\xff" TAG-A "c" */
	const char *s = "a\xe2\x80\xae" "b\xe2\x80\xac\xe2\x80\x8b<"
	    "\xef\xbb\xbf\xff\xf3\xa0\x81\x81\xea\xb0\x80";

	ASSERT(escapes_to(s, strlen(s), TEXT_ESC_FORMAT,
	    "ab&lt;\xff\xea\xb0\x80"));
	ASSERT(escapes_to(s, strlen(s), TEXT_ESC_XML | TEXT_ESC_FORMAT,
	    "ab&lt;" UTF8_REPLACEMENT_STR "\xea\xb0\x80"));
	/* Without the flag they stay. */
	ASSERT(escapes_to("\xe2\x80\xae", 3, TEXT_ESC_XML, "\xe2\x80\xae"));
}

TEST(test_cp1252)
{
	ASSERT_INT(text_cp1252(0x80), 0x20ac);
	ASSERT_INT(text_cp1252(0x96), 0x2013);
	ASSERT_INT(text_cp1252(0x9f), 0x178);
	ASSERT_INT(text_cp1252(0x81), 0);
	ASSERT_INT(text_cp1252(0x9d), 0);
	ASSERT_INT(text_cp1252(0x7f), 0);
	ASSERT_INT(text_cp1252(0xa0), 0);
}

TEST(test_html_type)
{
	ASSERT(text_is_html_type("text/html"));
	ASSERT(text_is_html_type("TEXT/HTML"));
	ASSERT(text_is_html_type("application/xhtml+xml"));
	ASSERT(text_is_html_type("html"));
	ASSERT(text_is_html_type("XHTML"));
	ASSERT(!text_is_html_type("text/plain"));
	ASSERT(!text_is_html_type("text"));
	ASSERT(!text_is_html_type("text/html; charset=utf-8"));
	ASSERT(!text_is_html_type("application/xml"));
	ASSERT(!text_is_html_type(""));
	ASSERT(!text_is_html_type(NULL));
}

/*
 * A shown line: white space and controls one space, trimmed; format
 * characters and U+FFFE/U+FFFF dropped before spaces are joined, so none
 * is left doubled; bad bytes U+FFFD.  Lines keep their ends.
 */
TEST(test_clean)
{
	static const struct {
		const char	*in;
		enum text_clean	 mode;
		const char	*want;
	} cases[] = {
		{ "  a\tb\r\n\x01" "c  ", TEXT_CLEAN_LINE, "a b c" },
		{ "Wire \xef\xbf\xbe", TEXT_CLEAN_LINE, "Wire" },
		{ "x \xef\xbf\xbe\xef\xbf\xbf y", TEXT_CLEAN_LINE, "x y" },
		{ "a\xe2\x80\xae" "b\xe2\x80\x8b" "c", TEXT_CLEAN_LINE, "abc" },
		{ "bad \xff byte", TEXT_CLEAN_LINE, "bad \xef\xbf\xbd byte" },
		{ "one\r\ntwo\rthree\x01", TEXT_CLEAN_LINES,
		    "one\ntwo\nthree " },
		{ "a\xe2\x80\xae" "b", TEXT_CLEAN_LINES, "a\xe2\x80\xae" "b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = text_clean(cases[i].in, cases[i].mode);

		if (strcmp(got, cases[i].want) != 0)
			TEST_FAIL("text_clean case %zu: \"%s\", expected "
			    "\"%s\"", i, got, cases[i].want);
		free(got);
	}
}

int
main(void)
{
	RUN(test_ref_named);
	RUN(test_ref_numeric);
	RUN(test_ref_bounded);
	RUN(test_unescape);
	RUN(test_escape_html);
	RUN(test_escape_xml);
	RUN(test_is_format);
	RUN(test_escape_format);
	RUN(test_cp1252);
	RUN(test_html_type);
	RUN(test_clean);
	return TEST_DONE();
}
