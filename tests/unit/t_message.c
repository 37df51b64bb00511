/*
 * Tests for message rendering: RFC 2047 subjects that decode back to the
 * title, line limits, header injection from feed text, From: quoting,
 * Message-ID, and the text and HTML parts.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "entry.h"
#include "feed.h"
#include "message.h"
#include "test.h"
#include "xmalloc.h"

#define KEY	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

/* "Korean news: today's headline" in Korean, 3-byte characters. */
#define KO_TITLE "\xed\x95\x9c\xea\xb5\xad \xeb\x89\xb4\xec\x8a\xa4: " \
	"\xec\x98\xa4\xeb\x8a\x98\xec\x9d\x98 \xec\xa3\xbc\xec\x9a\x94 " \
	"\xea\xb8\xb0\xec\x82\xac\xec\x99\x80 \xed\x97\xa4\xeb\x93\x9c" \
	"\xeb\x9d\xbc\xec\x9d\xb8, \xea\xb7\xb8\xeb\xa6\xac\xea\xb3\xa0 " \
	"\xeb\x8d\x94 \xea\xb8\xb4 \xec\xa0\x9c\xeb\xaa\xa9"

static struct entry
mkentry(const char *title)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.key, sizeof(e.key), "%s", KEY);
	e.feed_name = (char *)"news";
	e.feed_title = (char *)"Example News";
	e.feed_url = (char *)"http://127.0.0.1:8080/feed.xml";
	e.title = (char *)title;
	e.link = (char *)"http://127.0.0.1:8080/a?x=1";
	e.id = (char *)"tag:example.org,2024:1";
	e.content = (char *)"<p>Hello &amp; <b>world</b></p>";
	e.date = 1700000000;
	e.seen = 1700000000;
	return e;
}

/*
 * Every line of msg (LF ends) is at most max bytes (Message-ID: 998);
 * no CR anywhere.
 */
static int
lines_within(const char *msg, size_t max)
{
	const char *p = msg, *nl;

	if (strchr(msg, '\r') != NULL)
		return 0;
	for (; *p != '\0'; p = nl + 1) {
		nl = strchrnul(p, '\n');
		/* A msg-id is one token: it may pass 78 but never 998. */
		if ((size_t)(nl - p) > (strncmp(p, "Message-ID:", 11) == 0 ?
		    998 : max))
			return 0;
		if (*nl == '\0')
			break;
	}
	return 1;
}

/* The unfolded value of header name (allocated), or NULL. */
static char *
header(const char *msg, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = msg, *end;
	struct buf b;

	for (;;) {
		if (*p == '\n' || *p == '\0')
			return NULL;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':')
			break;
		p = strchr(p, '\n') + 1;
	}
	p += nlen + 1;
	if (*p == ' ')
		p++;
	buf_init(&b);
	for (;;) {
		end = strchr(p, '\n');
		buf_add(&b, p, (size_t)(end - p));
		if (end[1] != ' ' && end[1] != '\t')
			break;
		p = end + 1;	/* unfolding drops only the line break */
	}
	return buf_release(&b);
}

static int
b64val(int c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char *p = c != '\0' ? strchr(tab, c) : NULL;

	return p == NULL ? -1 : (int)(p - tab);
}

/* Whether s is whole UTF-8 characters (a word split mid-character is not). */
static int
utf8_whole(const unsigned char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		len = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 :
		    s[i] >= 0xc0 ? 2 : 0;
		if (len == 0 || i + len > n)
			return 0;
		i += len;
	}
	return 1;
}

/*
 * Decodes an unfolded value made only of "=?UTF-8?B?...?=" words separated
 * by white space.  Returns NULL when a word is malformed, longer than 75
 * characters, or splits a character.
 */
static char *
decode_words(const char *v)
{
	struct buf out;
	const char *p = v, *end;
	unsigned char chunk[128];
	size_t n;
	int bits, acc, c;

	buf_init(&out);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, "=?UTF-8?B?", 10) != 0 ||
		    (end = strstr(p + 10, "?=")) == NULL || end - p + 2 > 75)
			goto bad;
		n = 0;
		bits = acc = 0;
		for (p += 10; p < end && *p != '='; p++) {
			if ((c = b64val(*p)) < 0)
				goto bad;
			acc = ((acc << 6) | c) & 0xffff;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				chunk[n++] = (unsigned char)(acc >> bits & 0xff);
			}
		}
		if (!utf8_whole(chunk, n))
			goto bad;
		buf_add(&out, chunk, n);
		p = end + 2;
	}
	return buf_release(&out);
bad:
	buf_free(&out);
	return NULL;
}

TEST(test_korean_subject)
{
	struct entry e = mkentry(KO_TITLE);
	char *msg, *v, *d;
	size_t len;

	msg = message_render(&e, &len);
	ASSERT_INT(len, strlen(msg));
	ASSERT(lines_within(msg, 78));
	v = header(msg, "Subject");
	ASSERT(v != NULL);
	d = v != NULL ? decode_words(v) : NULL;
	ASSERT_STR(d, KO_TITLE);
	/* The title is long enough to need several encoded-words. */
	ASSERT(strstr(msg, "?=\n =?UTF-8?B?") != NULL);
	free(d);
	free(v);
	free(msg);
}

TEST(test_encode_header_direct)
{
	char *v, *d;
	size_t i;
	struct buf big;

	v = message_encode_header("plain words", 9);
	ASSERT_STR(v, "plain words");
	free(v);

	/* Four-byte characters never split across words. */
	buf_init(&big);
	for (i = 0; i < 40; i++)
		buf_addstr(&big, "\xf0\x9f\x93\xb0");
	v = message_encode_header(big.data, 9);
	ASSERT(lines_within(v, 76));
	{
		char *u = xstrdup(v), *s, *t;

		for (s = t = u; *s != '\0'; s++)
			if (*s != '\n')
				*t++ = *s;
		*t = '\0';
		d = decode_words(u);
		ASSERT_STR(d, big.data);
		free(d);
		free(u);
	}
	free(v);
	buf_free(&big);

	/* Text that looks like an encoded-word is encoded itself. */
	v = message_encode_header("=?UTF-8?B?SGk=?= fake", 9);
	d = decode_words(v);
	ASSERT_STR(d, "=?UTF-8?B?SGk=?= fake");
	free(d);
	free(v);

	/* Invalid UTF-8 becomes U+FFFD rather than passing through. */
	v = message_encode_header("a\xff", 9);
	d = decode_words(v);
	ASSERT_STR(d, "a\xef\xbf\xbd");
	free(d);
	free(v);
}

TEST(test_no_header_injection)
{
	struct entry e = mkentry("a\r\nBcc: x");
	char *msg, *v;
	size_t len;

	e.feed_title = (char *)"Evil\nTo: victim@example.org";
	e.link = (char *)"http://127.0.0.1/x\r\nX-Injected: 1";
	e.id = (char *)"id\n\nbody";
	msg = message_render(&e, &len);
	ASSERT(strstr(msg, "\nBcc:") == NULL);
	ASSERT(strstr(msg, "\nX-Injected:") == NULL);
	ASSERT(strstr(msg, "\nTo: victim") == NULL);
	ASSERT(strchr(msg, '\r') == NULL);
	v = header(msg, "Subject");
	ASSERT_STR(v, "a Bcc: x");
	free(v);
	v = header(msg, "X-RSS-ID");
	ASSERT_STR(v, "id body");
	free(v);
	v = header(msg, "From");
	ASSERT_STR(v, "\"Evil To: victim@example.org\" <aggregator@localhost>");
	free(v);
	free(msg);
}

TEST(test_headers)
{
	struct entry e = mkentry("Plain title");
	char *msg, *v, *d, *lt;
	size_t len;

	e.feed_title = (char *)"Bob's \"News\" \\ More";
	msg = message_render(&e, &len);
	v = header(msg, "From");
	ASSERT_STR(v, "\"Bob's \\\"News\\\" \\\\ More\" <aggregator@localhost>");
	free(v);
	v = header(msg, "Message-ID");
	ASSERT_STR(v, "<" KEY "@aggregator>");
	free(v);
	v = header(msg, "Date");
	ASSERT_STR(v, "Tue, 14 Nov 2023 22:13:20 +0000");
	free(v);
	v = header(msg, "X-RSS-Feed");
	ASSERT_STR(v, "http://127.0.0.1:8080/feed.xml");
	free(v);
	v = header(msg, "X-RSS-URL");
	ASSERT_STR(v, "http://127.0.0.1:8080/a?x=1");
	free(v);
	v = header(msg, "X-RSS-ID");
	ASSERT_STR(v, "tag:example.org,2024:1");
	free(v);
	v = header(msg, "Subject");
	ASSERT_STR(v, "Plain title");
	free(v);
	v = header(msg, "MIME-Version");
	ASSERT_STR(v, "1.0");
	free(v);
	free(msg);

	/* Non-ASCII feed title: an encoded display name. */
	e.feed_title = (char *)"\xed\x95\x9c\xea\xb5\xad \xeb\x89\xb4\xec\x8a\xa4";
	e.id = NULL;
	e.link = NULL;
	msg = message_render(&e, &len);
	v = header(msg, "From");
	ASSERT(v != NULL);
	if (v != NULL && (lt = strstr(v, " <aggregator@localhost>")) != NULL) {
		*lt = '\0';
		d = decode_words(v);
		ASSERT_STR(d, "\xed\x95\x9c\xea\xb5\xad \xeb\x89\xb4\xec\x8a\xa4");
		free(d);
	} else
		ASSERT(!"no address in From");
	free(v);
	ASSERT(header(msg, "X-RSS-ID") == NULL);
	ASSERT(header(msg, "X-RSS-URL") == NULL);
	free(msg);
}

TEST(test_long_values)
{
	struct entry e = mkentry(NULL);
	struct buf title, url, content;
	char *msg, *v, *d;
	size_t len, i;

	buf_init(&title);
	for (i = 0; i < 60; i++)
		buf_printf(&title, "word%zu ", i);
	title.data[--title.len] = '\0';
	buf_init(&url);
	buf_addstr(&url, "http://127.0.0.1/");
	for (i = 0; i < 2000; i++)
		buf_addc(&url, 'a' + i % 26);
	buf_init(&content);
	for (i = 0; i < 5000; i++)
		buf_addstr(&content, i % 7 == 0 ? "\xea\xb0\x80" : "x=");
	e.title = title.data;
	e.link = url.data;
	e.content = content.data;
	msg = message_render(&e, &len);
	ASSERT(lines_within(msg, 998));
	/* Headers fold under 78; quoted-printable lines stay within 76. */
	ASSERT(lines_within(msg, 78));
	v = header(msg, "Subject");
	ASSERT_STR(v, title.data);
	free(v);
	/* A 2000-byte URL cannot be folded, so it is encoded. */
	v = header(msg, "X-RSS-URL");
	d = v != NULL ? decode_words(v) : NULL;
	ASSERT_STR(d, url.data);
	free(d);
	free(v);
	free(msg);
	buf_free(&title);
	buf_free(&url);
	buf_free(&content);
}

/* The body of the part with the given content type, up to the boundary. */
static char *
part(const char *msg, const char *type)
{
	const char *p, *body, *end;

	if ((p = strstr(msg, type)) == NULL || (body = strstr(p, "\n\n")) ==
	    NULL || (end = strstr(body, "\n--=_aggregator_")) == NULL)
		return NULL;
	return xstrndup(body + 2, (size_t)(end - body - 2));
}

TEST(test_body_parts)
{
	struct entry e = mkentry("T <b>&amp;");
	char *msg, *text, *html, *v;
	size_t len;

	e.content = (char *)"<p>Hello &amp; <b>world</b></p><script>alert(1)"
	    "</script><ul><li>one</li><li>two&nbsp;2</li></ul>";
	msg = message_render(&e, &len);
	v = header(msg, "Content-Type");
	ASSERT_STR(v, "multipart/alternative; boundary=\"=_aggregator_"
	    "0123456789abcdef0123456789abcdef\"");
	free(v);
	text = part(msg, "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable");
	html = part(msg, "Content-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable");
	ASSERT(text != NULL && html != NULL);
	if (text != NULL) {
		ASSERT(strstr(text, "Hello & world\n\n- one\n- two=C2=A02") !=
		    NULL);
		ASSERT(strstr(text, "alert") == NULL);
		ASSERT(strstr(text, "\n\nhttp://127.0.0.1:8080/a?x=3D1") !=
		    NULL);
	}
	if (html != NULL) {
		ASSERT(strstr(html, "<h1><a href=3D\"http://127.0.0.1:8080/"
		    "a?x=3D1\">T &lt;b&gt;&amp;amp;</a></h1>") != NULL);
		ASSERT(strstr(html, "<p>Hello &amp; <b>world</b></p>") != NULL);
	}
	ASSERT(strstr(msg, "\n--=_aggregator_0123456789abcdef0123456789abcdef"
	    "--\n") != NULL);
	free(text);
	free(html);
	free(msg);

	/* No content, no link: still a well-formed message. */
	e.content = NULL;
	e.link = NULL;
	e.title = NULL;
	msg = message_render(&e, &len);
	v = header(msg, "Subject");
	ASSERT_STR(v, "(no title)");
	free(v);
	ASSERT(lines_within(msg, 78));
	free(msg);
}

/*
 * From feed bytes to the rendered message: content of a type that is
 * neither text nor HTML never reaches the HTML part as live markup (the
 * text part may show it: there it is only text).
 */
TEST(test_no_script_from_feed)
{
	static const char feed[] =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<title>F</title>"
	    "<entry><title>xml</title><id>tag:a,1:1</id>"
	    "<content type=\"text/xml\">&lt;script&gt;alert(1)&lt;/script&gt;"
	    "</content></entry>"
	    "<entry><title>appxml</title><id>tag:a,1:2</id>"
	    "<content type=\"application/xml\"><![CDATA[<script>alert(2)"
	    "</script>]]></content></entry>"
	    "<entry><title>svg</title><id>tag:a,1:3</id>"
	    "<summary type=\"image/svg+xml\">&lt;SCRIPT&gt;alert(3)"
	    "&lt;/SCRIPT&gt;</summary></entry>"
	    "<entry><title>html</title><id>tag:a,1:4</id>"
	    "<content type=\"html\">&lt;script&gt;alert(4)&lt;/script&gt;"
	    "&lt;p&gt;ok&lt;/p&gt;</content></entry>"
	    "</feed>";
	struct feed_doc *doc;
	struct entry e;
	char err[256], *msg, *html, *p, *q;
	size_t i, len;

	doc = feed_parse(feed, sizeof(feed) - 1, NULL, err, sizeof(err));
	ASSERT(doc != NULL);
	if (doc == NULL)
		return;
	ASSERT_INT(doc->nentries, 4);
	for (i = 0; i < doc->nentries; i++) {
		entry_from_feed(&e, doc, &doc->entries[i], "n",
		    "http://f/feed", NULL, 5);
		msg = message_render(&e, &len);
		html = part(msg, "Content-Type: text/html; charset=utf-8\n"
		    "Content-Transfer-Encoding: quoted-printable");
		ASSERT(html != NULL);
		if (html == NULL)
			html = xstrdup("");
		/* Soft line breaks undone, case folded. */
		for (p = q = html; *p != '\0'; p++) {
			if (p[0] == '=' && p[1] == '\n')
				p++;
			else
				*q++ = (char)tolower((unsigned char)*p);
		}
		*q = '\0';
		if (strstr(html, "<script") != NULL ||
		    strstr(e.content, "<script") != NULL)
			TEST_FAIL("entry %zu: <script in \"%s\"", i,
			    e.content);
		ASSERT(strstr(html, "alert(") != NULL || i == 3);
		entry_clear(&e);
		free(html);
		free(msg);
	}
	feed_doc_free(doc);
}

TEST(test_qp_trailing_space)
{
	struct entry e = mkentry("t");
	char *msg;
	size_t len;

	e.content = (char *)"<pre>line with trailing space \nFrom here</pre>";
	e.link = NULL;
	msg = message_render(&e, &len);
	/* White space before a line end and "From " at a line start. */
	ASSERT(strstr(msg, "line with trailing space=20\n=46rom here") != NULL);
	ASSERT(strstr(msg, " \n") == NULL);
	free(msg);
}

int
main(void)
{
	RUN(test_korean_subject);
	RUN(test_encode_header_direct);
	RUN(test_no_header_injection);
	RUN(test_headers);
	RUN(test_long_values);
	RUN(test_body_parts);
	RUN(test_qp_trailing_space);
	RUN(test_no_script_from_feed);
	return TEST_DONE();
}
