/*
 * Tests of the JSON Feed reader through feed_parse: 1.1 and 1.0 documents
 * against fixtures in tests/fixtures, the dispatch between JSON and XML,
 * relative URLs, sanitized HTML, dates, and the documents it must refuse
 * (invalid JSON or UTF-8, JSON that is no feed, deep nesting); also the
 * jansson-based reader of `parse --headers`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "feed_fixture.h"
#include "test.h"
#include "xmalloc.h"

static char	 err[256];

static struct feed_doc *
parse_fixture(const char *name, const struct feed_source *src)
{
	return fixture_parse(name, src, err, sizeof(err));
}

static struct feed_doc *
parse_type(const char *s, const char *ctype)
{
	struct feed_source src = { .content_type = ctype };

	err[0] = '\0';
	return feed_parse(s, strlen(s), ctype != NULL ? &src : NULL, err,
	    sizeof(err));
}

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

TEST(v11_feed)
{
	struct feed_doc *d;

	d = parse_fixture("jsonfeed-11.json", NULL);
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 1);
	ASSERT_STR(d->version, "json11");
	ASSERT_STR(d->encoding, "utf-8");
	ASSERT_STR(d->title.value, "Example JSON Feed");
	ASSERT_STR(d->title.type, "text/plain");
	ASSERT_STR(d->title.lang, "en-GB");
	ASSERT_STR(d->subtitle.value, "A feed written in JSON");
	ASSERT_STR(d->link, "https://example.org/");
	ASSERT_STR(d->id, "https://example.org/feed.json");
	ASSERT_STR(d->language, "en-GB");
	ASSERT_INT(d->nlinks, 2);
	if (d->nlinks == 2) {
		ASSERT_STR(d->links[0].rel, "alternate");
		ASSERT_STR(d->links[0].href, "https://example.org/");
		ASSERT_STR(d->links[1].rel, "self");
		ASSERT_STR(d->links[1].type, "application/feed+json");
		ASSERT_STR(d->links[1].href, "https://example.org/feed.json");
	}
	/* The first of "authors"; a mailto: URL gives the email. */
	ASSERT_STR(d->author, "Jane Doe (jane@example.org)");
	ASSERT_STR(d->author_detail.name, "Jane Doe");
	ASSERT_STR(d->author_detail.email, "jane@example.org");
	ASSERT_STR(d->author_detail.href,
	    "mailto:jane@example.org?subject=Feed");
	/* The string is no item; the other three are. */
	ASSERT_INT(d->nentries, 3);
	feed_doc_free(d);
}

TEST(v11_items)
{
	struct feed_doc *d;
	struct feed_entry *e;

	d = parse_fixture("jsonfeed-11.json", NULL);
	ASSERT(d != NULL && d->nentries == 3);
	if (d == NULL || d->nentries != 3) {
		feed_doc_free(d);
		return;
	}
	e = &d->entries[0];
	ASSERT_STR(e->id, "https://example.org/posts/1");
	/* No document URL: relative URLs resolve against feed_url. */
	ASSERT_STR(e->link, "https://example.org/posts/1?utm_source=feed");
	ASSERT_INT(e->nlinks, 3);
	if (e->nlinks == 3) {
		ASSERT_STR(e->links[0].rel, "alternate");
		ASSERT_STR(e->links[1].rel, "related");
		ASSERT_STR(e->links[1].href, "https://other.example/story");
		ASSERT_STR(e->links[2].rel, "enclosure");
	}
	ASSERT_STR(e->title.value, "First post");
	ASSERT_STR(e->title.lang, "de");
	ASSERT_STR(e->summary.value, "The first one");
	ASSERT_STR(e->summary.type, "text/plain");
	ASSERT_INT(e->ncontent, 2);
	if (e->ncontent == 2) {
		ASSERT_STR(e->content[0].type, "text/html");
		ASSERT_STR(e->content[1].type, "text/plain");
		ASSERT_STR(e->content[1].value, "Hello about");
		ASSERT_STR(e->content[0].base,
		    "https://example.org/feed.json");
	}
	ASSERT_STR(e->language, "de");
	ASSERT_STR(e->published.raw, "2024-05-01T10:00:00+02:00");
	ASSERT_INT(e->published.ok, 1);
	ASSERT_INT(e->published.t, 1714550400);	/* 08:00:00Z */
	ASSERT_INT(e->updated.ok, 1);
	ASSERT_INT(e->updated.t, 1714653000);
	/* The item's own authors, not the feed's. */
	ASSERT_STR(e->author, "Item Author");
	ASSERT_STR(e->author_detail.href, "https://example.org/~item");
	ASSERT(e->author_detail.email == NULL);
	/* Strings only, once each. */
	ASSERT_INT(e->ntags, 2);
	if (e->ntags == 2) {
		ASSERT_STR(e->tags[0].term, "news");
		ASSERT_STR(e->tags[1].term, "json");
		ASSERT(e->tags[0].scheme == NULL && e->tags[0].label == NULL);
	}
	/* The attachment without a url is dropped. */
	ASSERT_INT(e->nenclosures, 1);
	if (e->nenclosures == 1) {
		ASSERT_STR(e->enclosures[0].href,
		    "https://example.org/media/ep1.mp3");
		ASSERT_STR(e->enclosures[0].type, "audio/mpeg");
		ASSERT_STR(e->enclosures[0].length, "12345678");
	}

	/* external_url is the link when url is missing. */
	e = &d->entries[1];
	ASSERT_STR(e->id, "2");
	ASSERT_STR(e->link, "https://other.example/linked");
	ASSERT_INT(e->ncontent, 1);
	if (e->ncontent == 1) {
		ASSERT_STR(e->content[0].type, "text/plain");
		ASSERT_STR(e->content[0].value, "Line one\nLine two & more");
	}
	/* An item without authors has the feed's. */
	ASSERT_STR(e->author, "Jane Doe (jane@example.org)");
	ASSERT_STR(e->author_detail.name, "Jane Doe");
	/* A date that is no date is kept raw and never parsed. */
	ASSERT_STR(e->published.raw, "yesterday-ish");
	ASSERT_INT(e->published.ok, 0);
	ASSERT_INT(e->published.t, 0);
	ASSERT(e->updated.raw == NULL);
	ASSERT(e->summary.value == NULL);
	ASSERT_INT(e->nenclosures, 0);

	/* \u escapes, a surrogate pair included, become UTF-8. */
	ASSERT_STR(d->entries[2].title.value, "Caf\xc3\xa9 \xf0\x9f\x98\x80");
	feed_doc_free(d);
}

/* content_html goes through the sanitizer of RSS and Atom HTML. */
TEST(content_sanitized)
{
	struct feed_doc *d;
	const char *html;

	d = parse_fixture("jsonfeed-11.json", NULL);
	ASSERT(d != NULL && d->nentries > 0 && d->entries[0].ncontent > 0);
	if (d == NULL || d->nentries == 0 || d->entries[0].ncontent == 0) {
		feed_doc_free(d);
		return;
	}
	html = d->entries[0].content[0].value;
	ASSERT(strstr(html, "<script") == NULL);
	ASSERT(strstr(html, "alert(1)") == NULL);
	ASSERT(strstr(html, "onclick") == NULL);
	ASSERT(strstr(html, "evil") == NULL);
	ASSERT(strstr(html, "Hello ") != NULL);
	ASSERT(strstr(html,
	    "<a href=\"https://example.org/about\">about</a>") != NULL);
	ASSERT(strstr(html, "src=\"https://example.org/img/a.png\"") != NULL);
	feed_doc_free(d);
}

/* Text that looks like HTML is cleaned as the RSS path cleans it. */
TEST(html_title)
{
	struct feed_doc *d;

	d = parse_type("{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"items\": [{\"id\": \"a\", \"title\": \"<b onclick='x()'>Bold"
	    "</b> &amp; more\"}, {\"id\": \"b\", \"title\": \"a <script>"
	    "</script>\"}]}", NULL);
	ASSERT(d != NULL && d->nentries == 2);
	if (d != NULL && d->nentries == 2) {
		ASSERT_STR(d->entries[0].title.type, "text/html");
		ASSERT_STR(d->entries[0].title.value,
		    "<b>Bold</b> &amp; more");
		/* Not HTML to feedparser's eye: plain text, shown as such. */
		ASSERT_STR(d->entries[1].title.type, "text/plain");
		ASSERT_STR(d->entries[1].title.value, "a <script></script>");
	}
	feed_doc_free(d);
}

TEST(v10)
{
	struct feed_doc *d;
	struct feed_entry *e;

	d = parse_fixture("jsonfeed-10.json", NULL);
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->version, "json1");
	ASSERT_STR(d->title.value, "Old Style Blog");
	ASSERT(d->title.lang == NULL);
	/* 1.0's single "author". */
	ASSERT_STR(d->author, "John Roe");
	ASSERT_STR(d->author_detail.href, "http://example.com/john");
	ASSERT_INT(d->nentries, 3);
	if (d->nentries != 3) {
		feed_doc_free(d);
		return;
	}
	e = &d->entries[0];
	/* A numeric id is coerced to a string. */
	ASSERT_STR(e->id, "12345");
	ASSERT_STR(e->link, "http://example.com/blog/entries/12345");
	ASSERT_INT(e->published.ok, 1);
	ASSERT_INT(e->published.t, 1265569440);
	ASSERT(e->ncontent == 1 && strstr(e->content[0].value,
	    "href=\"http://example.com/about.html\"") != NULL);
	ASSERT_STR(e->author, "John Roe");
	ASSERT_STR(d->entries[1].id, "1.5");
	ASSERT(d->entries[1].title.value == NULL);
	e = &d->entries[1];
	ASSERT_INT(e->nenclosures, 2);
	if (e->nenclosures == 2) {
		ASSERT_STR(e->enclosures[0].length, "2048");
		ASSERT_STR(e->enclosures[0].type, "audio/ogg");
		ASSERT_STR(e->enclosures[1].href,
		    "http://example.com/blog/b.ogg");
		ASSERT(e->enclosures[1].length == NULL);
		ASSERT(e->enclosures[1].type == NULL);
	}
	ASSERT_STR(d->entries[2].id, "true");
	ASSERT_STR(d->entries[2].author, "Guest Writer");
	feed_doc_free(d);
}

/* The document URL, or Content-Location, is the base over feed_url. */
TEST(relative_urls)
{
	struct feed_source src = { .url = "https://mirror.example/a/b.json" };
	struct feed_doc *d;

	d = parse_fixture("jsonfeed-11.json", &src);
	ASSERT(d != NULL && d->nentries == 3);
	if (d != NULL && d->nentries == 3) {
		ASSERT_STR(d->entries[0].link,
		    "https://mirror.example/a/posts/1?utm_source=feed");
		ASSERT_STR(d->entries[0].enclosures[0].href,
		    "https://mirror.example/a/media/ep1.mp3");
		ASSERT(strstr(d->entries[0].content[0].value,
		    "href=\"https://mirror.example/about\"") != NULL);
		ASSERT_STR(d->entries[0].content[0].base,
		    "https://mirror.example/a/b.json");
	}
	feed_doc_free(d);

	src.content_location = "/c/";
	src.content_language = "pt_BR";
	d = parse_fixture("jsonfeed-10.json", &src);
	ASSERT(d != NULL && d->nentries == 3);
	if (d != NULL && d->nentries == 3) {
		ASSERT_STR(d->entries[0].link,
		    "https://mirror.example/c/entries/12345");
		/* Content-Language when the feed names none. */
		ASSERT_STR(d->language, "pt-BR");
		ASSERT_STR(d->entries[0].title.lang, "pt-BR");
	}
	feed_doc_free(d);
}

TEST(garbage_dates)
{
	static const char *const bad[] = {
		"", "yesterday", "2024-13-45T99:99:99Z", "2024-02-30T00:00:00Z",
		"12345", "T10:00:00Z",
	};
	struct feed_doc *d;
	char *doc;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc = xasprintf("{\"version\": \"https://jsonfeed.org/version/"
		    "1.1\", \"items\": [{\"id\": \"x\", \"date_published\": "
		    "\"%s\", \"date_modified\": \"%s\"}]}", bad[i], bad[i]);
		d = parse_type(doc, NULL);
		free(doc);
		ASSERT(d != NULL && d->nentries == 1);
		if (d == NULL || d->nentries != 1) {
			feed_doc_free(d);
			continue;
		}
		ASSERT_STR(d->entries[0].published.raw, bad[i]);
		if (d->entries[0].published.ok || d->entries[0].updated.ok)
			TEST_FAIL("\"%s\" was read as a date", bad[i]);
		ASSERT_INT(d->entries[0].published.t, 0);
		feed_doc_free(d);
	}
	/* A date that is no string is no date either. */
	d = parse_type("{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"items\": [{\"id\": \"x\", \"date_published\": 1700000000}]}",
	    NULL);
	ASSERT(d != NULL && d->nentries == 1 &&
	    d->entries[0].published.raw == NULL &&
	    !d->entries[0].published.ok);
	feed_doc_free(d);
}

TEST(invalid_json)
{
	struct feed_doc *d;

	d = parse_type("{\"version\": \"https://jsonfeed.org/version/1.1\",\n"
	    "\"items\": [}", NULL);
	ASSERT(d == NULL);
	feed_doc_free(d);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
	ASSERT(strstr(err, " at line 2)") != NULL);
	ASSERT(strchr(err, '\n') == NULL);
	/* Trailing garbage is an error too. */
	d = parse_type("{\"items\": []} x", NULL);
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
	/* A JSON type with nothing in it. */
	d = parse_type("  ", "application/feed+json");
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
}

TEST(not_a_feed)
{
	struct feed_doc *d;

	d = parse_type("{\"name\": \"value\", \"items\": {}}", NULL);
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed"));
	d = parse_type("{\"version\": \"https://example.org/version/1\"}",
	    "application/json");
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed"));
	d = parse_type("[1, 2, 3]", "application/json");
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed"));
	/* Either mark is enough: an items array, or the version. */
	d = parse_type("{\"items\": []}", NULL);
	ASSERT(d != NULL);
	if (d != NULL)
		ASSERT_STR(d->version, "json");
	feed_doc_free(d);
	d = parse_type("{\"version\": \"https://jsonfeed.org/version/2\"}",
	    NULL);
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_STR(d->version, "json");
		ASSERT_INT(d->nentries, 0);
	}
	feed_doc_free(d);
}

TEST(invalid_utf8)
{
	struct feed_doc *d;

	d = parse_type("{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"title\": \"caf\xe9\", \"items\": []}", NULL);
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
	ASSERT(strstr(err, "at line 1)") != NULL);
	/* An overlong encoding of '/' is no UTF-8 either. */
	d = parse_type("{\"items\": [], \"title\": \"\xc0\xaf\"}", NULL);
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
}

/* 100000 open brackets stop at jansson's depth limit, at once. */
TEST(deep_nesting)
{
	struct feed_doc *d;
	struct timespec t0, t1;
	struct buf b;
	double secs;
	int i;

	buf_init(&b);
	buf_addstr(&b, "{\"items\": ");
	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d = feed_parse(b.data, b.len, NULL, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT(d == NULL);
	ASSERT(has_prefix(err, "not a feed (invalid JSON: "));
	ASSERT(strstr(err, "depth") != NULL);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs > 1.0)
		TEST_FAIL("took %.2f s", secs);
	feed_doc_free(d);
	/* Bare brackets under a JSON type, not sniffed as JSON. */
	d = parse_type(b.data + 10, "application/feed+json");
	ASSERT(d == NULL);
	ASSERT(strstr(err, "depth") != NULL);
	buf_free(&b);
}

TEST(bom_and_space)
{
	struct feed_doc *d;

	d = parse_type("\xef\xbb\xbf \r\n\t{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"title\": \"B\", "
	    "\"items\": [{\"id\": \"1\"}]}", NULL);
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_STR(d->version, "json11");
		ASSERT_STR(d->title.value, "B");
		ASSERT_INT(d->nentries, 1);
	}
	feed_doc_free(d);
}

/* The media type decides first; without a JSON type, the first byte. */
TEST(dispatch)
{
	struct feed_doc *d;
	const char *rss = "<?xml version=\"1.0\"?><rss version=\"2.0\">"
	    "<channel><title>R</title><item><title>i</title></item>"
	    "</channel></rss>";
	const char *json = "{\"version\": \"https://jsonfeed.org/version/1\","
	    " \"items\": [{\"id\": 1}]}";

	d = parse_type(json, "Application/Feed+JSON ; charset=utf-8");
	ASSERT(d != NULL && strcmp(d->version, "json1") == 0);
	feed_doc_free(d);
	d = parse_type(json, "text/xml");
	ASSERT(d != NULL && strcmp(d->version, "json1") == 0);
	feed_doc_free(d);
	/* Markup under a JSON type is the XML feed it is. */
	d = parse_type(rss, "application/json");
	ASSERT(d != NULL && strcmp(d->version, "rss20") == 0);
	feed_doc_free(d);
	d = parse_type(rss, NULL);
	ASSERT(d != NULL && strcmp(d->version, "rss20") == 0);
	feed_doc_free(d);
}

/* A NUL inside a string is replaced, not a reason to drop the feed. */
TEST(nul_in_string)
{
	struct feed_doc *d;

	d = parse_type("{\"items\": [{\"id\": \"a\\u0000b\", "
	    "\"title\": \"x\\u0000\"}]}", NULL);
	ASSERT(d != NULL && d->nentries == 1);
	if (d != NULL && d->nentries == 1) {
		ASSERT_STR(d->entries[0].id, "a\xef\xbf\xbd" "b");
		ASSERT_STR(d->entries[0].title.value, "x\xef\xbf\xbd");
	}
	feed_doc_free(d);
}

TEST(entry_limit)
{
	struct feed_doc *d;
	struct buf b;
	int i;

	buf_init(&b);
	buf_addstr(&b, "{\"items\": [");
	for (i = 0; i < 100001; i++)
		buf_addstr(&b, i > 0 ? ",{}" : "{}");
	buf_addstr(&b, "]}");
	d = feed_parse(b.data, b.len, NULL, err, sizeof(err));
	ASSERT(d != NULL);
	if (d != NULL)
		ASSERT_INT(d->nentries, 100000);
	feed_doc_free(d);
	buf_free(&b);
}

/* The conformance JSON of `aggregator parse`. */
TEST(conformance_json)
{
	struct feed_doc *d;
	char *json;

	d = parse_fixture("jsonfeed-11.json", NULL);
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	json = fixture_json(d);
	ASSERT(has_prefix(json, "{\"wellformed\":true,\"encoding\":\"utf-8\","
	    "\"version\":\"json11\","));
	ASSERT(strstr(json, "\"enclosures\":[{\"href\":\"https://example.org/"
	    "media/ep1.mp3\",\"type\":\"audio/mpeg\",\"length\":\"12345678\"}]")
	    != NULL);
	ASSERT(strstr(json, "\"published\":\"2024-05-01T08:00:00Z\","
	    "\"published_raw\":\"2024-05-01T10:00:00+02:00\"") != NULL);
	ASSERT(strstr(json, "\"published\":null,\"published_raw\":"
	    "\"yesterday-ish\"") != NULL);
	free(json);
	feed_doc_free(d);
}

TEST(headers_json)
{
	char *ct, *cl, *lang;

	ASSERT_INT(feed_headers_parse("{\"content-type\": \"text/xml\", "
	    "\"Content-Language\": \"ko\", \"CONTENT-TYPE\": "
	    "\"application/feed+json\"}", &ct, &cl, &lang), 0);
	/* The later spelling wins. */
	ASSERT_STR(ct, "application/feed+json");
	ASSERT(cl == NULL);
	ASSERT_STR(lang, "ko");
	free(ct);
	free(cl);
	free(lang);
	ASSERT_INT(feed_headers_parse(" {} ", &ct, &cl, &lang), 0);
	ASSERT(ct == NULL && cl == NULL && lang == NULL);
	ASSERT_INT(feed_headers_parse("[\"a\"]", &ct, &cl, &lang), -1);
	ASSERT_INT(feed_headers_parse("{\"Content-Type\": \"a\", \"b\": null}",
	    &ct, &cl, &lang), -1);
	ASSERT(ct == NULL && cl == NULL && lang == NULL);
	ASSERT_INT(feed_headers_parse("{\"Content-Type\": \"a\"", &ct, &cl,
	    &lang), -1);
	ASSERT_INT(feed_headers_parse("", &ct, &cl, &lang), -1);
}

int
main(void)
{
	RUN(v11_feed);
	RUN(v11_items);
	RUN(content_sanitized);
	RUN(html_title);
	RUN(v10);
	RUN(relative_urls);
	RUN(garbage_dates);
	RUN(invalid_json);
	RUN(not_a_feed);
	RUN(invalid_utf8);
	RUN(deep_nesting);
	RUN(bom_and_space);
	RUN(dispatch);
	RUN(nul_in_string);
	RUN(entry_limit);
	RUN(conformance_json);
	RUN(headers_json);
	return TEST_DONE();
}
