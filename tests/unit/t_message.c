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
#include "entry_fixture.h"
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

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : -1;
}

/* The bytes of the base64 text from p to end into chunk; -1 if bad. */
static int
decode_b(const char *p, const char *end, unsigned char *chunk, size_t *n)
{
	int bits = 0, acc = 0, c;

	for (; p < end && *p != '='; p++) {
		if ((c = b64val(*p)) < 0)
			return -1;
		acc = ((acc << 6) | c) & 0xffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			chunk[(*n)++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	return 0;
}

/* The bytes of the "Q" text from p to end into chunk; -1 if bad. */
static int
decode_q(const char *p, const char *end, unsigned char *chunk, size_t *n)
{
	for (; p < end; p++) {
		if (*p == '_')
			chunk[(*n)++] = ' ';
		else if (*p != '=')
			chunk[(*n)++] = (unsigned char)*p;
		else if (end - p < 3 || hexval(p[1]) < 0 || hexval(p[2]) < 0)
			return -1;
		else {
			chunk[(*n)++] = (unsigned char)(hexval(p[1]) << 4 |
			    hexval(p[2]));
			p += 2;
		}
	}
	return 0;
}

/*
 * Decodes an unfolded value made only of "=?UTF-8?B?...?=" and
 * "=?UTF-8?Q?...?=" words separated by white space.  Returns NULL when a
 * word is malformed, longer than 75 characters, or splits a character, or
 * when a B word that is not the last ends in "=" padding (GMime, notmuch's
 * parser, stops decoding there).
 */
static char *
decode_words(const char *v)
{
	struct buf out;
	const char *p = v, *end;
	unsigned char chunk[128];
	size_t n;
	int q, r;

	buf_init(&out);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if ((strncmp(p, "=?UTF-8?B?", 10) != 0 &&
		    strncmp(p, "=?UTF-8?Q?", 10) != 0) ||
		    (end = strstr(p + 10, "?=")) == NULL || end - p + 2 > 75)
			goto bad;
		q = p[8] == 'Q';
		n = 0;
		r = q ? decode_q(p + 10, end, chunk, &n) :
		    decode_b(p + 10, end, chunk, &n);
		if (r == -1 || !utf8_whole(chunk, n))
			goto bad;
		if (!q && end[-1] == '=' && end[2] != '\0')
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
	struct entry e = entry_fixture(KEY, KO_TITLE, FIXTURE_DATE);
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

/*
 * Every alignment of text to words: only the last B word may end in "="
 * padding (decode_words refuses the others), words hold whole characters
 * and lines stay within 76 columns, whatever the column the value starts
 * at.  One ASCII letter before Korean leaves no boundary at a multiple of
 * 3 bytes, so those words are Q.
 */
TEST(test_encoded_words_unpadded)
{
	static const char *const texts[] = {
		KO_TITLE,
		"A" KO_TITLE KO_TITLE,
		"AB" KO_TITLE " " KO_TITLE,
		"caf\xc3\xa9 na\xc3\xafve \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2"
		    "\xd0\xb5\xd1\x82 \xf0\x9f\x9a\x80\xf0\x9f\x98\x80 "
		    KO_TITLE " x \xf0\x9f\x91\x8d" KO_TITLE,
		"=? looks like a word ?= but is plain ASCII that goes on and on "
		    "long enough for several encoded words in a row, to the end",
	};
	char *v, *u, *s, *t, *d;
	size_t i, col;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (col = 0; col < 24; col++) {
			v = message_encode_header(texts[i], col);
			ASSERT(lines_within(v, 76));
			ASSERT(strcspn(v, "\n") + col <= 76);
			u = xstrdup(v);
			for (s = t = u; *s != '\0'; s++)
				if (*s != '\n')
					*t++ = *s;
			*t = '\0';
			d = decode_words(u);
			ASSERT_STR(d, texts[i]);
			free(d);
			free(u);
			free(v);
		}
}

TEST(test_no_header_injection)
{
	struct entry e = entry_fixture(KEY, "a\r\nBcc: x", FIXTURE_DATE);
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
	struct entry e = entry_fixture(KEY, "Plain title", FIXTURE_DATE);
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
	struct entry e = entry_fixture(KEY, NULL, FIXTURE_DATE);
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
	struct entry e = entry_fixture(KEY, "T <b>&amp;", FIXTURE_DATE);
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
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
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

/* The text/SUBTYPE part of e as rendered (quoted-printable, allocated). */
static char *
rendered_part(const struct entry *e, const char *subtype)
{
	char *msg, *type, *t;
	size_t len;

	msg = message_render(e, &len);
	type = xasprintf("Content-Type: text/%s; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable", subtype);
	t = part(msg, type);
	free(type);
	free(msg);
	return t != NULL ? t : xstrdup("(no part)");
}

/* "<pre>" + n copies of c + tail + "</pre>", allocated. */
static char *
pre_line(size_t n, char c, const char *tail)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "<pre>");
	while (n-- > 0)
		buf_addc(&b, c);
	buf_addstr(&b, tail);
	buf_addstr(&b, "</pre>");
	return buf_release(&b);
}

/* Whether the QP text of e's plain part is n copies of c + tail. */
static int
text_is(const struct entry *e, size_t n, char c, const char *tail)
{
	char *t = rendered_part(e, "plain");
	size_t i;
	int ok;

	for (i = 0; i < n && t[i] == c; i++)
		;
	ok = i == n && strcmp(t + n, tail) == 0;
	if (!ok)
		printf("#   got \"%s\"\n", t);
	free(t);
	return ok;
}

/*
 * Quoted-printable lines are cut at 75 bytes plus the "=" of the soft
 * break, never inside an "=XX", and a line of exactly 75 needs no break.
 */
TEST(test_qp_soft_breaks)
{
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
	char *c;

	e.link = NULL;
	/* "=C3" would end at column 77: the break comes before it. */
	e.content = c = pre_line(74, 'a', "\xc3\xa9");
	ASSERT(text_is(&e, 74, 'a', "=\n=C3=A9\n"));
	free(c);
	/* "=C3" ends at exactly 75; "=A9" goes to the next line. */
	e.content = c = pre_line(72, 'a', "\xc3\xa9");
	ASSERT(text_is(&e, 72, 'a', "=C3=\n=A9\n"));
	free(c);
	e.content = c = pre_line(73, 'a', "=");
	ASSERT(text_is(&e, 73, 'a', "=\n=3D\n"));
	free(c);
	/* Exactly 75 literal bytes, then the line end: no soft break. */
	e.content = c = pre_line(75, 'a', "");
	ASSERT(text_is(&e, 75, 'a', "\n"));
	free(c);
	e.content = c = pre_line(76, 'a', "");
	ASSERT(text_is(&e, 75, 'a', "=\na\n"));
	free(c);
	/* A run longer than two lines is cut every 75 bytes. */
	e.content = c = pre_line(151, 'a', "");
	{
		char *t = rendered_part(&e, "plain"), *w;

		w = xstrdup(t);
		memset(w, 'a', 151 + 4);
		memcpy(w + 75, "=\n", 2);
		memcpy(w + 152, "=\n", 2);
		strcpy(w + 154, "a\n");
		ASSERT_STR(t, w);
		free(w);
		free(t);
	}
	free(c);
	/* A run that starts after an "=XX" fills the line to 75 too. */
	e.content = c = pre_line(68, 'a', "\xc3\xa9" "bc");
	ASSERT(text_is(&e, 68, 'a', "=C3=A9b=\nc\n"));
	free(c);
	/* A space before a soft break stays literal: the line goes on. */
	e.content = c = pre_line(74, 'a', " b");
	ASSERT(text_is(&e, 74, 'a', " =\nb\n"));
	free(c);
}

/* A long run of non-ASCII text: 25 "=XX" to a line, cut between them. */
TEST(test_qp_utf8_run)
{
	static const char hex[] = "0123456789ABCDEF";
	static const unsigned char ga[] = { 0xea, 0xb0, 0x80 };
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
	struct buf in, want;
	char *t;
	size_t i;

	e.link = NULL;
	buf_init(&in);
	buf_init(&want);
	buf_addstr(&in, "<pre>ab");
	buf_addstr(&want, "ab");
	for (i = 0; i < 90; i++) {
		if (i % 3 == 0)
			buf_add(&in, ga, 3);
		/* "ab" leaves room for 24 on the first line. */
		if (i == 24 || i == 49 || i == 74)
			buf_addstr(&want, "=\n");
		buf_addc(&want, '=');
		buf_addc(&want, hex[ga[i % 3] >> 4]);
		buf_addc(&want, hex[ga[i % 3] & 15]);
	}
	buf_addstr(&in, "c</pre>");
	buf_addstr(&want, "c\n");
	e.content = in.data;
	t = rendered_part(&e, "plain");
	ASSERT_STR(t, want.data);
	free(t);
	buf_free(&in);
	buf_free(&want);
}

/* "From " is encoded at a line start, not after a soft line break. */
TEST(test_qp_from)
{
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
	char *c;

	e.link = NULL;
	e.content = (char *)"<pre>From a\nx\nFrom b\nFromage\nFrom\n"
	    " From c</pre>";
	c = rendered_part(&e, "plain");
	ASSERT_STR(c, "=46rom a\nx\n=46rom b\nFromage\nFrom\n From c\n");
	free(c);
	e.content = c = pre_line(75, 'a', "From x");
	ASSERT(text_is(&e, 75, 'a', "=\nFrom x\n"));
	free(c);
	/* After an "=XX" pushed onto a new line, still not a line start. */
	e.content = c = pre_line(74, 'a', "\xc3\xa9" "From y");
	ASSERT(text_is(&e, 74, 'a', "=\n=C3=A9From y\n"));
	free(c);
}

/* Blanks before a line end (or the end of the part) are encoded. */
TEST(test_qp_trailing_blanks)
{
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
	char *c;

	e.link = NULL;
	e.content = (char *)"<pre>a \nb\t\nc  \t \n\t\n \nd \t</pre>";
	c = rendered_part(&e, "plain");
	ASSERT_STR(c, "a=20\nb=09\nc  \t=20\n=09\n=20\nd =09\n");
	free(c);
	/* Content ending in blanks, then the line end of the HTML part. */
	e.content = (char *)"x \t";
	c = rendered_part(&e, "html");
	ASSERT(strstr(c, "</h1>\nx =09\n</body>") != NULL);
	free(c);
}

/*
 * Control characters, C1 controls and malformed UTF-8 in header values
 * (one line, blanks collapsed) and in the body (lines kept).
 */
TEST(test_clean_controls)
{
	struct entry e = entry_fixture(KEY, "t", FIXTURE_DATE);
	char *v, *d;

	/* C1 U+0085 (NEL), C0, DEL: spaces, then collapsed and trimmed. */
	v = message_encode_header("  a\xc2\x85" "b\x01\x02" "c\x7f\t d \r\n"
	    "e\rf  ", 9);
	ASSERT_STR(v, "a b c d e f");
	free(v);
	/* Bad bytes are U+FFFD each; U+00A0 is kept (it is not C1). */
	v = message_encode_header("a\xff" "b\xc0\xaf" "c\xed\xa0\x80"
	    "d\xe2\x82" "e\xc2\x9f" "f\xc2\xa0g\xf0\x9f\x93\xb0", 9);
	d = decode_words(v);
	ASSERT_STR(d, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd"
	    "e f\xc2\xa0g\xf0\x9f\x93\xb0");
	free(d);
	free(v);
	/* A truncated sequence at the very end. */
	v = message_encode_header("z\xf0\x9f\x93", 9);
	d = decode_words(v);
	ASSERT_STR(d, "z\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(d);
	free(v);

	/* Body: CR LF and lone CR end lines, other controls are spaces. */
	e.link = NULL;
	e.content = (char *)"a\xc2\x85" "b\x01" "c\x7f\xff" "d\xc2\xa0"
	    "e\r\nf\rg\th\r\r\ni\xed\xa0\x80";
	v = rendered_part(&e, "html");
	ASSERT(strstr(v, "</h1>\na b c =EF=BF=BDd=C2=A0e\nf\ng\th\n\ni"
	    "=EF=BF=BD=EF=BF=BD=EF=BF=BD\n</body>") != NULL);
	free(v);
}

/*
 * Format characters (bidi controls, zero-width ones) are dropped from
 * Subject, From and the heading: "pay\u202Etxt.exe" cannot show as
 * "payexe.txt".  The content keeps them.
 */
TEST(test_format_characters_dropped)
{
	struct entry e = entry_fixture(KEY, "pay\xe2\x80\xaetxt.exe\xe2\x80\xac"
	    " now\xe2\x80\x8b\xef\xbb\xbf", FIXTURE_DATE);
	char *msg, *v, *t;
	size_t len;

	e.feed_title = (char *)"Bank\xe2\x81\xa6 News\xe2\x81\xa9";
	e.content = (char *)"<p>k\xe2\x80\x8dx</p>";
	msg = message_render(&e, &len);
	v = header(msg, "Subject");
	ASSERT_STR(v, "paytxt.exe now");
	free(v);
	v = header(msg, "From");
	ASSERT_STR(v, "\"Bank News\" <aggregator@localhost>");
	free(v);
	free(msg);
	t = rendered_part(&e, "html");
	ASSERT(strstr(t, "<title>paytxt.exe now</title>") != NULL);
	ASSERT(strstr(t, ">paytxt.exe now</a></h1>") != NULL);
	ASSERT(strstr(t, "k=E2=80=8Dx") != NULL);
	free(t);
}

/* Element names are matched without regard to case, and only whole. */
TEST(test_text_elements)
{
	struct entry e = entry_fixture(KEY, "\"T\" & <x>", FIXTURE_DATE);
	char *t;

	e.link = NULL;
	e.content = (char *)"<P>one  two\t\nthree</P><BLOCKQUOTEX>in"
	    "</BLOCKQUOTEX>line<Ul><LI>i1<Li>i2</Ul><TABLE><TR><TD>c1</TD>"
	    "<TD> c2</TD></TR><TR><TD>r2</TD></TR></TABLE><DL><DT>t</DT>"
	    "<DD>d</DD></DL><Pre> a  b\n\n c\td</Pre>z<BR>w"
	    "<SCRIPT>s</SCRIPT><Style>y</Style><H6>h</H6>"
	    "<A HREF=\"http://x/y\">http://x/y</A> <a href=\"HTTP://q\">"
	    "q</a> <a href=\"ftp://f\">f</a>";
	t = rendered_part(&e, "plain");
	ASSERT_STR(t, "one two three\n\ninline\n\n- i1\n- i2\n\n"
	    "c1 c2\nr2\n\nt\n\nd\n\n a  b\n\n c\td\n\nz\nw\n\nh\n\n"
	    "http://x/y q <HTTP://q> f\n");
	free(t);
	t = rendered_part(&e, "html");
	ASSERT(strstr(t, "<title>&quot;T&quot; &amp; &lt;x&gt;</title>") !=
	    NULL);
	free(t);
	/* Definitions open on one line break, long names are blocks too. */
	e.content = (char *)"<b>x<DD>d</DD></b>y<FigCaption>f</FigCaption>z";
	t = rendered_part(&e, "plain");
	ASSERT_STR(t, "x\nd\n\ny\n\nf\n\nz\n");
	free(t);
}

int
main(void)
{
	RUN(test_korean_subject);
	RUN(test_encode_header_direct);
	RUN(test_encoded_words_unpadded);
	RUN(test_no_header_injection);
	RUN(test_headers);
	RUN(test_long_values);
	RUN(test_body_parts);
	RUN(test_qp_trailing_space);
	RUN(test_no_script_from_feed);
	RUN(test_qp_soft_breaks);
	RUN(test_qp_utf8_run);
	RUN(test_qp_from);
	RUN(test_qp_trailing_blanks);
	RUN(test_clean_controls);
	RUN(test_format_characters_dropped);
	RUN(test_text_elements);
	return TEST_DONE();
}
