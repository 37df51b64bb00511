/*
 * Tests for entry.c: keys per SPEC.md (canonical link, id scoped to its
 * feed, content hash), feed title choice, title to plain text, content as
 * HTML, and the date fallbacks.  The feed structures are built and freed
 * here by hand so the test needs only entry.c, url.c, xmalloc.c and
 * libxml2.
 */
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "test.h"
#include "url.h"
#include "xmalloc.h"

static void	text_set(struct feed_text *, const char *, const char *);
static void	text_free(struct feed_text *);
static void	fe_init(struct feed_entry *);
static void	fe_add_content(struct feed_entry *, const char *, const char *);
static void	fe_free(struct feed_entry *);
static void	key_of(struct feed_entry *, const char *, char *);

static void
text_set(struct feed_text *t, const char *value, const char *type)
{
	text_free(t);
	t->value = xstrdup_or_null(value);
	t->type = xstrdup_or_null(type);
}

static void
text_free(struct feed_text *t)
{
	free(t->value);
	free(t->type);
	free(t->lang);
	free(t->base);
	memset(t, 0, sizeof(*t));
}

static void
fe_init(struct feed_entry *fe)
{
	memset(fe, 0, sizeof(*fe));
}

static void
fe_add_content(struct feed_entry *fe, const char *value, const char *type)
{
	fe->content = xreallocarray(fe->content, fe->ncontent + 1,
	    sizeof(*fe->content));
	memset(&fe->content[fe->ncontent], 0, sizeof(*fe->content));
	text_set(&fe->content[fe->ncontent], value, type);
	fe->ncontent++;
}

static void
fe_free(struct feed_entry *fe)
{
	size_t i;

	text_free(&fe->title);
	text_free(&fe->summary);
	for (i = 0; i < fe->ncontent; i++)
		text_free(&fe->content[i]);
	free(fe->content);
	free(fe->link);
	free(fe->id);
	free(fe->author);
	free(fe->author_detail.name);
	free(fe->published.raw);
	free(fe->updated.raw);
	memset(fe, 0, sizeof(*fe));
}

/* Feed URLs as a config gives them. */
#define FEED_A	"http://a.example/feed"
#define FEED_B	"http://b.example/feed"

/* The key entry_from_feed gives fe in the feed named name at url. */
static void
key_in(struct feed_entry *fe, const char *name, const char *url, char *key)
{
	struct feed_doc doc;
	struct entry e;

	memset(&doc, 0, sizeof(doc));
	entry_from_feed(&e, &doc, fe, name, url, NULL, 1000);
	memcpy(key, e.key, KEY_HEX_SIZE);
	entry_clear(&e);
}

/* The key entry_from_feed gives fe in a feed (named "f") at url. */
static void
key_of(struct feed_entry *fe, const char *url, char *key)
{
	key_in(fe, "f", url, key);
}

TEST(key_canonical_link)
{
	static const char *const same[] = {
		"https://www.reuters.com/x/?utm_source=openai",
		"HTTPS://WWW.Reuters.com:443/x/?UTM_Medium=rss&fbclid=1#top",
		"https://www.reuters.com/x/",
	};
	struct feed_entry fe;
	char k0[KEY_HEX_SIZE], k[KEY_HEX_SIZE], want[KEY_HEX_SIZE];
	const char *canon = "https://www.reuters.com/x/";
	size_t i;

	entry_key_hash(canon, strlen(canon), want);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		fe_init(&fe);
		fe.link = xstrdup(same[i]);
		fe.id = xstrdup(i == 0 ? "guid-a" : "guid-b");
		key_of(&fe, i == 0 ? FEED_A : FEED_B, k);
		ASSERT_STR(k, want);
		fe_free(&fe);
	}

	/* A blank link is no link: the id keys the entry. */
	fe_init(&fe);
	fe.link = xstrdup(" \n ");
	fe.id = xstrdup("x");
	key_of(&fe, FEED_A, k0);
	entry_key_hash("id\n" FEED_A "\nx", strlen("id\n" FEED_A "\nx"), k);
	ASSERT_STR(k0, k);
	fe_free(&fe);

	/* A different path is a different entry. */
	fe_init(&fe);
	fe.link = xstrdup("https://www.reuters.com/y/");
	key_of(&fe, FEED_A, k0);
	ASSERT(strcmp(k0, want) != 0);
	fe_free(&fe);
}

/*
 * A link that is not http(s) is not published and keys nothing: the
 * entry is keyed as one without a link, so two entries sharing
 * "javascript:alert(1)" are two entries.
 */
TEST(key_unsafe_link)
{
	static const char *const unsafe[] = {
		"javascript:alert(1)", " JaVaScRiPt:alert(1)",
		"vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
		"file:///etc/passwd",
	};
	struct feed_doc doc;
	struct feed_entry fe;
	struct entry e;
	char k[KEY_HEX_SIZE], want[KEY_HEX_SIZE], other[KEY_HEX_SIZE];
	size_t i;

	memset(&doc, 0, sizeof(doc));
	fe_init(&fe);
	fe.id = xstrdup("guid-1");
	key_of(&fe, "http://f/feed", want);
	fe.id[5] = '2';
	key_of(&fe, "http://f/feed", other);
	fe.id[5] = '1';
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		free(fe.link);
		fe.link = xstrdup(unsafe[i]);
		entry_from_feed(&e, &doc, &fe, "feed-a", "http://f/feed", NULL,
		    1000);
		ASSERT_STR(e.key, want);
		ASSERT(e.link == NULL);
		entry_clear(&e);
		fe.id[5] = '2';
		key_of(&fe, "http://f/feed", k);
		ASSERT_STR(k, other);
		fe.id[5] = '1';
	}
	/* An http(s) link in any case is published as it came. */
	free(fe.link);
	fe.link = xstrdup("HTTPS://Example.com/a");
	entry_from_feed(&e, &doc, &fe, "feed-a", "http://f/feed", NULL, 1000);
	ASSERT_STR(e.link, "HTTPS://Example.com/a");
	entry_key_hash("https://example.com/a", 21, want);
	ASSERT_STR(e.key, want);
	entry_clear(&e);
	fe_free(&fe);
}

TEST(key_id_scoped_to_feed)
{
	struct feed_entry fe;
	char ka[KEY_HEX_SIZE], kb[KEY_HEX_SIZE], ka2[KEY_HEX_SIZE];
	char want[KEY_HEX_SIZE];
	const char *bytes = "id\n" FEED_A "\ntag:example.com,2003:1";

	fe_init(&fe);
	fe.id = xstrdup("tag:example.com,2003:1");
	fe.link = xstrdup("");
	text_set(&fe.title, "Same", "text/plain");
	key_of(&fe, FEED_A, ka);
	key_of(&fe, FEED_B, kb);
	ASSERT(strcmp(ka, kb) != 0);
	entry_key_hash(bytes, strlen(bytes), want);
	ASSERT_STR(ka, want);

	/* The id wins over title and content. */
	text_set(&fe.title, "Changed", "text/plain");
	text_set(&fe.summary, "new text", "text/plain");
	key_of(&fe, FEED_A, ka2);
	ASSERT_STR(ka2, ka);

	/*
	 * The feed's URL scopes it, not its name, its credentials or the
	 * case of its host.
	 */
	key_in(&fe, "renamed", FEED_A, ka2);
	ASSERT_STR(ka2, ka);
	key_of(&fe, "http://user:secret@A.Example:80/feed", ka2);
	ASSERT_STR(ka2, ka);

	/* A state of old scoped it by the config name. */
	ASSERT_INT(entry_key_scoped(&fe, "feed-a", ka2), 1);
	bytes = "id\nfeed-a\ntag:example.com,2003:1";
	entry_key_hash(bytes, strlen(bytes), want);
	ASSERT_STR(ka2, want);
	fe_free(&fe);

	/* An entry with a link has no scoped key. */
	fe_init(&fe);
	fe.link = xstrdup("http://x.example/1");
	memset(ka2, 0, sizeof(ka2));
	ASSERT_INT(entry_key_scoped(&fe, "feed-a", ka2), 0);
	ASSERT_STR(ka2, "");
	fe_free(&fe);
}

TEST(key_content_fallback)
{
	struct feed_entry fe;
	char k1[KEY_HEX_SIZE], k2[KEY_HEX_SIZE], k3[KEY_HEX_SIZE];
	char k4[KEY_HEX_SIZE], want[KEY_HEX_SIZE];
	const char *bytes = "content\n" FEED_A "\nHello\n<p>body</p>";

	fe_init(&fe);
	text_set(&fe.title, "Hello", "text/plain");
	text_set(&fe.summary, "short", "text/html");
	fe_add_content(&fe, "<p>body</p>", "text/html");
	key_of(&fe, FEED_A, k1);
	entry_key_hash(bytes, strlen(bytes), want);
	ASSERT_STR(k1, want);

	key_of(&fe, FEED_B, k2);
	ASSERT(strcmp(k1, k2) != 0);
	key_in(&fe, "renamed", FEED_A, k2);
	ASSERT_STR(k2, k1);

	text_set(&fe.title, "Hello!", "text/plain");
	key_of(&fe, FEED_A, k3);
	ASSERT(strcmp(k1, k3) != 0);
	fe_free(&fe);

/* Without content the summary is hashed. */
	fe_init(&fe);
	text_set(&fe.title, "Hello", "text/plain");
	text_set(&fe.summary, "<p>body</p>", "text/html");
	key_of(&fe, FEED_A, k4);
	ASSERT_STR(k4, k1);
	fe_free(&fe);
}

TEST(feed_title_choice)
{
	struct feed_doc doc;
	struct feed_entry fe;
	struct entry e;

	memset(&doc, 0, sizeof(doc));
	fe_init(&fe);
	fe.link = xstrdup("http://example.com/1");

	text_set(&doc.title, "Own &amp; <b>Title</b>", "text/html");
	entry_from_feed(&e, &doc, &fe, "name", "http://example.com/feed",
	    "Configured", 5);
	ASSERT_STR(e.feed_title, "Configured");
	ASSERT_STR(e.feed_name, "name");
	ASSERT_STR(e.feed_url, "http://example.com/feed");
	entry_clear(&e);

	entry_from_feed(&e, &doc, &fe, "name", "http://example.com/feed",
	    NULL, 5);
	ASSERT_STR(e.feed_title, "Own & Title");
	entry_clear(&e);

	text_set(&doc.title, "", "text/plain");
	entry_from_feed(&e, &doc, &fe, "name", "http://example.com/feed",
	    NULL, 5);
	ASSERT_STR(e.feed_title, "name");
	entry_clear(&e);

	text_free(&doc.title);
	entry_from_feed(&e, &doc, &fe, "name", "http://example.com/feed",
	    NULL, 5);
	ASSERT_STR(e.feed_title, "name");
	entry_clear(&e);
	fe_free(&fe);
}

TEST(title_plain_text)
{
	static const struct {
		const char	*value, *type, *want;
	} c[] = {
		{ "<b>Bold</b> &amp; <i>it</i>", "text/html", "Bold & it" },
		{ "A &lt;tag&gt; &quot;q&quot; &#39;s&#x27;", "text/html",
		    "A <tag> \"q\" 's'" },
		{ "&#54620;&#xAE00; caf&#233;", "text/html",
		    "\xed\x95\x9c\xea\xb8\x80 caf\xc3\xa9" },
		{ "  two\n\tlines  <br/>here ", "text/html", "two lines here" },
		{ "<p>x</p><p>y</p>", "application/xhtml+xml", "x y" },
		{ "AT&T &bogus; a < b", "text/html", "AT&T &bogus; a < b" },
		{ "a&nbsp;b", "text/html", "a b" },
		/* HTML 4 names, which feedparser's sanitizer keeps. */
		{ "Caf&eacute; &hellip; &Eacute;&rsquo;", "text/html",
		    "Caf\xc3\xa9 \xe2\x80\xa6 \xc3\x89\xe2\x80\x99" },
		{ "&eacute &Bogus; &EACUTE;", "text/html",
		    "&eacute &Bogus; &EACUTE;" },
		{ "Caf&eacute;", "text/plain", "Caf&eacute;" },
		{ "<b>kept</b> &amp;", "text/plain", "<b>kept</b> &amp;" },
		{ "  plain\n title ", "text/plain", "plain title" },
		{ "", "text/plain", "(untitled)" },
		{ "<img src=x>", "text/html", "(untitled)" },
		{ NULL, NULL, "(untitled)" },
	};
	struct feed_entry fe;
	struct entry e;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		fe_init(&fe);
		text_set(&fe.title, c[i].value, c[i].type);
		entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
		ASSERT_STR(e.title, c[i].want);
		entry_clear(&e);
		fe_free(&fe);
	}
}

TEST(content_as_html)
{
	struct feed_entry fe;
	struct entry e;

	fe_init(&fe);
	text_set(&fe.summary, "summary", "text/html");
	fe_add_content(&fe, "<p>first</p>", "text/html");
	fe_add_content(&fe, "second", "text/plain");
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
	ASSERT_STR(e.content, "<p>first</p>");
	entry_clear(&e);
	fe_free(&fe);

	fe_init(&fe);
	text_set(&fe.summary, "a < b & \"c\"\r\nline2\nline3", "text/plain");
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
	ASSERT_STR(e.content,
	    "a &lt; b &amp; &quot;c&quot;<br>\nline2<br>\nline3");
	entry_clear(&e);
	fe_free(&fe);

	fe_init(&fe);
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
	ASSERT_STR(e.content, "");
	ASSERT(e.link == NULL && e.id == NULL && e.author == NULL);
	entry_clear(&e);
	fe_free(&fe);
}

/* Types that are neither text nor HTML are not HTML: escaped as text. */
TEST(content_other_types_escaped)
{
	static const char *const types[] = {
		"text/xml", "application/xml", "image/svg+xml",
		"application/atom+xml", "text/markdown", "image/png", NULL,
	};
	struct feed_entry fe;
	struct entry e;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fe_init(&fe);
		fe_add_content(&fe, "<script>alert(1)</script>\nx", types[i]);
		entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
		ASSERT_STR(e.content,
		    "&lt;script&gt;alert(1)&lt;/script&gt;<br>\nx");
		entry_clear(&e);
		fe_free(&fe);
	}
}

/*
 * Bounded outputs: a title, author or feed title over ENTRY_TEXT_MAX
 * characters ends in an ellipsis there, content over ENTRY_CONTENT_MAX
 * bytes is cut before the tag the cut would split, a link or id over
 * ENTRY_URL_MAX bytes is left out; the key is what it was, and e.cut
 * says what was cut.
 */
TEST(bounds)
{
	struct feed_doc doc;
	struct feed_entry fe;
	struct entry e;
	struct buf title, html, link;
	char want[KEY_HEX_SIZE], *canon;
	size_t i;

	buf_init(&title);
	for (i = 0; i < ENTRY_TEXT_MAX + 50; i++)
		buf_addstr(&title, "\xed\x95\x9c");
	buf_init(&html);
	buf_addstr(&html, "<p>");
	while (html.len < ENTRY_CONTENT_MAX - 10)
		buf_addstr(&html, "text ");
	buf_addstr(&html, "<a href=\"https://x.example/long\">link</a></p>");
	buf_init(&link);
	buf_addstr(&link, "https://x.example/?q=");
	while (link.len <= ENTRY_URL_MAX)
		buf_addc(&link, 'q');

	memset(&doc, 0, sizeof(doc));
	text_set(&doc.title, title.data, "text/plain");
	fe_init(&fe);
	text_set(&fe.title, title.data, "text/plain");
	fe_add_content(&fe, html.data, "text/html");
	fe.link = xstrdup(link.data);
	fe.id = xstrdup(link.data);
	fe.author = xstrdup(title.data);
	entry_from_feed(&e, &doc, &fe, "big", "http://f/feed", NULL, 5);
	ASSERT_INT(e.cut, ENTRY_CUT_TEXT | ENTRY_CUT_CONTENT | ENTRY_CUT_URL);
	ASSERT_INT(strlen(e.title), ENTRY_TEXT_MAX * 3 + 3);
	ASSERT(strcmp(e.title + ENTRY_TEXT_MAX * 3, "\xe2\x80\xa6") == 0);
	ASSERT_STR(e.feed_title, e.title);
	ASSERT_STR(e.author, e.title);
	ASSERT(strlen(e.content) <= ENTRY_CONTENT_MAX + 3);
	/* Cut before "<a href=...", not inside it. */
	ASSERT(strstr(e.content, "<a") == NULL);
	ASSERT(strcmp(e.content + strlen(e.content) - 4, " \xe2\x80\xa6") == 0);
	ASSERT(e.link == NULL);
	ASSERT(e.id == NULL);
	canon = url_canonical(link.data);
	entry_key_hash(canon, strlen(canon), want);
	ASSERT_STR(e.key, want);
	free(canon);
	entry_clear(&e);

	/* At the bounds nothing is cut. */
	text_set(&fe.title, "short", "text/plain");
	free(fe.content[0].value);
	fe.content[0].value = xstrdup("<p>x</p>");
	fe.link[ENTRY_URL_MAX] = '\0';
	free(fe.id);
	fe.id = NULL;
	free(fe.author);
	fe.author = NULL;
	text_free(&doc.title);
	entry_from_feed(&e, &doc, &fe, "big", "http://f/feed", NULL, 5);
	ASSERT_INT(e.cut, 0);
	ASSERT_STR(e.link, fe.link);
	entry_clear(&e);
	fe_free(&fe);
	buf_free(&title);
	buf_free(&html);
	buf_free(&link);
}

/* An empty or out-of-line content does not hide the summary. */
TEST(content_empty_uses_summary)
{
	struct feed_entry fe;
	struct entry e;
	char want[KEY_HEX_SIZE];
	const char *bytes = "content\n" FEED_A "\nHello\n<p>sum</p>";

	entry_key_hash(bytes, strlen(bytes), want);
	fe_init(&fe);
	text_set(&fe.title, "Hello", "text/plain");
	text_set(&fe.summary, "<p>sum</p>", "text/html");
	fe_add_content(&fe, "", "text/html");
	entry_from_feed(&e, NULL, &fe, "feed-a", FEED_A, NULL, 5);
	ASSERT_STR(e.content, "<p>sum</p>");
	ASSERT_STR(e.key, want);
	entry_clear(&e);

	/* A later content with text is still content. */
	fe_add_content(&fe, "<p>body</p>", "text/html");
	entry_from_feed(&e, NULL, &fe, "feed-a", FEED_A, NULL, 5);
	ASSERT_STR(e.content, "<p>body</p>");
	entry_clear(&e);
	fe_free(&fe);

	/* Only the empty content: an empty body, keyed on nothing. */
	fe_init(&fe);
	text_set(&fe.title, "Hello", "text/plain");
	fe_add_content(&fe, "", "text/html");
	entry_from_feed(&e, NULL, &fe, "feed-a", FEED_A, NULL, 5);
	ASSERT_STR(e.content, "");
	bytes = "content\n" FEED_A "\nHello\n";
	entry_key_hash(bytes, strlen(bytes), want);
	ASSERT_STR(e.key, want);
	entry_clear(&e);
	fe_free(&fe);
}

TEST(fields_copied)
{
	struct feed_entry fe;
	struct entry e;

	fe_init(&fe);
	fe.link = xstrdup("http://Example.com/a?utm_source=x");
	fe.id = xstrdup("guid-1");
	fe.author = xstrdup("Jane (jane@example.com)");
	entry_from_feed(&e, NULL, &fe, "n", "http://example.com/feed", NULL,
	    5);
	/* The link is kept as published; only the key is canonical. */
	ASSERT_STR(e.link, "http://Example.com/a?utm_source=x");
	ASSERT(e.link != fe.link);
	ASSERT_STR(e.id, "guid-1");
	ASSERT_STR(e.author, "Jane (jane@example.com)");
	ASSERT_INT(strlen(e.key), KEY_HEX_LEN);
	entry_clear(&e);
	ASSERT(e.link == NULL && e.title == NULL);
	entry_clear(NULL);
	fe_free(&fe);

	fe_init(&fe);
	fe.author_detail.name = xstrdup("Only Name");
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 5);
	ASSERT_STR(e.author, "Only Name");
	entry_clear(&e);
	fe_free(&fe);
}

TEST(date_fallback)
{
	struct feed_entry fe;
	struct entry e;

	fe_init(&fe);
	fe.published.ok = 1;
	fe.published.t = 100;
	fe.updated.ok = 1;
	fe.updated.t = 200;
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 999);
	ASSERT_INT(e.date, 100);
	ASSERT_INT(e.seen, 999);
	entry_clear(&e);

	fe.published.ok = 0;
	fe.published.raw = xstrdup("garbage");
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 999);
	ASSERT_INT(e.date, 200);
	entry_clear(&e);

	fe.updated.ok = 0;
	entry_from_feed(&e, NULL, &fe, "n", "u", NULL, 999);
	ASSERT_INT(e.date, 999);
	ASSERT_INT(e.seen, 999);
	entry_clear(&e);
	fe_free(&fe);
}

TEST(key_digest)
{
	char hex[KEY_HEX_SIZE];
	size_t i;

	entry_key_hash("", 0, hex);
	ASSERT_STR(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	entry_key_hash("abc", 3, hex);
	ASSERT_STR(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* The length counts, not a NUL. */
	entry_key_hash("ab\0c", 4, hex);
	ASSERT_INT(strlen(hex), KEY_HEX_LEN);
	for (i = 0; i < KEY_HEX_LEN; i++)
		ASSERT(strchr("0123456789abcdef", hex[i]) != NULL);
	ASSERT(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb"
	    "410ff61f20015ad") != 0);
}

TEST(test_key_bytes_and_hex)
{
	unsigned char key[KEY_BYTES];
	char hex[KEY_HEX_SIZE], back[KEY_HEX_SIZE];

	entry_key_hash("https://example.org/a", 21, hex);
	ASSERT_INT(entry_key_parse(hex, key), 0);
	entry_key_hex(key, back);
	ASSERT_STR(back, hex);
	/* Upper case, a short string and other letters are not keys. */
	hex[5] = 'A';
	ASSERT_INT(entry_key_parse(hex, key), -1);
	ASSERT_INT(entry_key_parse("00ff", key), -1);
	ASSERT_INT(entry_key_parse("zz", key), -1);
}

int
main(void)
{
	RUN(test_key_bytes_and_hex);
	RUN(key_canonical_link);
	RUN(key_unsafe_link);
	RUN(key_id_scoped_to_feed);
	RUN(key_content_fallback);
	RUN(feed_title_choice);
	RUN(title_plain_text);
	RUN(content_as_html);
	RUN(content_other_types_escaped);
	RUN(content_empty_uses_summary);
	RUN(bounds);
	RUN(fields_copied);
	RUN(date_fallback);
	RUN(key_digest);
	return TEST_DONE();
}
