/*
 * Tests of the feed parser: the formats against fixtures in tests/fixtures,
 * charsets, relative links, recovery from broken markup, HTML entities,
 * and the defences against hostile entity declarations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "feed_fixture.h"
#include "names.h"
#include "test.h"
#include "utf8.h"
#include "xmalloc.h"

static char	 err[256];

static struct feed_doc *
parse_fixture(const char *name, const struct feed_source *src)
{
	return fixture_parse(name, src, err, sizeof(err));
}

static struct feed_doc *
parse_str(const char *s)
{
	return feed_parse(s, strlen(s), NULL, err, sizeof(err));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(rss2)
{
	struct feed_doc *d = parse_fixture("rss2.xml", NULL);
	struct feed_entry *e;

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 1);
	ASSERT_STR(d->version, "rss20");
	ASSERT_STR(d->encoding, "utf-8");
	ASSERT_STR(d->title.value, "Example RSS");
	ASSERT_STR(d->subtitle.value, "An example channel");
	ASSERT_STR(d->link, "http://example.org/");
	ASSERT_STR(d->language, "en-us");
	ASSERT_STR(d->rights.value, "(c) 2024 Example");
	ASSERT_INT(d->nentries, 2);
	e = &d->entries[0];
	ASSERT_STR(e->title.value, "First & foremost");
	ASSERT_STR(e->link, "http://example.org/posts/1");
	ASSERT_STR(e->id, "post-1");
	ASSERT_STR(e->published.raw, "Sat, 13 Dec 2003 18:30:02 GMT");
	ASSERT_INT(e->published.ok, 1);
	ASSERT_INT(e->published.t, 1071340202);
	ASSERT_STR(e->author, "john@example.org (John Doe)");
	ASSERT_STR(e->author_detail.name, "John Doe");
	ASSERT_STR(e->author_detail.email, "john@example.org");
	ASSERT_INT(e->ntags, 1);
	if (e->ntags == 1) {
		ASSERT_STR(e->tags[0].term, "news");
		ASSERT_STR(e->tags[0].scheme, "http://example.org/cats");
	}
	ASSERT_STR(e->summary.value, "Short <b>summary</b>");
	ASSERT_STR(e->summary.type, "text/html");
	ASSERT_INT(e->ncontent, 1);
	if (e->ncontent == 1)
		ASSERT_STR(e->content[0].value, "<p>Full <i>text</i></p>");
	ASSERT_INT(e->nenclosures, 1);
	if (e->nenclosures == 1) {
		ASSERT_STR(e->enclosures[0].href, "http://example.org/a.mp3");
		ASSERT_STR(e->enclosures[0].length, "1337");
		ASSERT_STR(e->enclosures[0].type, "audio/mpeg");
	}
	e = &d->entries[1];
	/* A permalink guid doubles as the link. */
	ASSERT_STR(e->id, "http://example.org/posts/2");
	ASSERT_STR(e->link, "http://example.org/posts/2");
	ASSERT_STR(e->author, "Jane Roe");
	ASSERT_INT(e->updated.ok, 1);
	ASSERT_INT(e->updated.t, 1071318569);
	/* Garbage dates keep their text and are never invented. */
	ASSERT_STR(e->published.raw, "not a date at all");
	ASSERT_INT(e->published.ok, 0);
	feed_doc_free(d);
}

TEST(atom10)
{
	struct feed_doc *d = parse_fixture("atom10.xml", NULL);
	struct feed_entry *e;

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 1);
	ASSERT_STR(d->version, "atom10");
	ASSERT_STR(d->title.value, "Example Atom");
	ASSERT_STR(d->title.type, "text/plain");
	ASSERT_STR(d->title.lang, "en");
	ASSERT_STR(d->subtitle.value, "A <em>subtitle</em>");
	ASSERT_STR(d->subtitle.type, "text/html");
	ASSERT_STR(d->link, "http://example.org/");
	ASSERT_INT(d->nlinks, 2);
	ASSERT_STR(d->id, "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6");
	ASSERT_STR(d->author, "John Doe (john@example.org)");
	ASSERT_STR(d->author_detail.href, "http://example.org/~john");
	ASSERT_INT(d->updated.t, 1071340202);
	ASSERT_STR(d->language, "en");
	ASSERT_INT(d->nentries, 1);
	if (d->nentries != 1) {
		feed_doc_free(d);
		return;
	}
	e = &d->entries[0];
	ASSERT_STR(e->link, "http://example.org/2003/12/13/atom03");
	ASSERT_INT(e->published.t, 1071318569);
	ASSERT_STR(e->tags[0].label, "Robots");
	ASSERT_STR(e->summary.value, "Some text.");
	ASSERT_INT(e->ncontent, 1);
	/* xhtml is serialised back without its wrapping div. */
	ASSERT_STR(e->content[0].value, "<p>Full <b>text</b> &amp; more</p>");
	ASSERT_STR(e->content[0].type, "application/xhtml+xml");
	ASSERT_INT(e->nenclosures, 1);
	feed_doc_free(d);
}

TEST(atom03)
{
	struct feed_doc *d = parse_fixture("atom03.xml", NULL);
	struct feed_entry *e;

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->version, "atom03");
	ASSERT_STR(d->title.value, "Atom <b>0.3</b>");
	ASSERT_STR(d->title.type, "text/html");
	ASSERT_STR(d->subtitle.value, "Old tagline");
	ASSERT_INT(d->updated.ok, 1);
	ASSERT_INT(d->nentries, 1);
	e = &d->entries[0];
	ASSERT_STR(e->id, "tag:example.org,2003:e1");
	ASSERT_INT(e->published.t, 1071318569);
	ASSERT_INT(e->ncontent, 1);
	if (e->ncontent == 1)
		ASSERT_STR(e->content[0].value, "Hello world");
	feed_doc_free(d);
}

TEST(rdf)
{
	struct feed_doc *d = parse_fixture("rdf.xml", NULL);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->version, "rss10");
	ASSERT_STR(d->title.value, "RDF Example");
	ASSERT_INT(d->nentries, 1);
	ASSERT_STR(d->entries[0].id, "http://example.org/items/1");
	ASSERT_STR(d->entries[0].link, "http://example.org/items/1.html");
	ASSERT_STR(d->entries[0].tags[0].term, "rdfstuff");
	ASSERT_INT(d->entries[0].updated.t, 1073012645);
	feed_doc_free(d);
}

TEST(euc_kr_as_cp949)
{
	struct feed_doc *d = parse_fixture("euc-kr.xml", NULL);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 1);
	ASSERT_STR(d->encoding, "euc-kr");
	ASSERT_STR(d->title.value, "한국 뉴스");
	/* U+B620 exists only in CP949, not in EUC-KR proper. */
	ASSERT_STR(d->entries[0].title.value, "똠방각하 기사");
	ASSERT_INT(d->entries[0].published.ok, 1);
	/* 09:00 KST is midnight UTC. */
	ASSERT_INT(d->entries[0].published.t, 1167696000);
	feed_doc_free(d);
}

TEST(windows_1252)
{
	struct feed_doc *d = parse_fixture("cp1252.xml", NULL);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->encoding, "windows-1252");
	ASSERT_STR(d->title.value, "Café “quotes” € …");
	ASSERT_STR(d->entries[0].title.value, "naïve");
	feed_doc_free(d);
}

TEST(charset_rules)
{
	struct feed_source src = { NULL, NULL, NULL, NULL };
	const char *latin = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    "<rss version=\"2.0\"><channel><title>\x80\xe9</title>"
	    "</channel></rss>";
	const char *bad = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss version=\"2.0\"><channel><title>caf\xe9</title>"
	    "</channel></rss>";
	struct feed_doc *d;

	/* ISO-8859-1 is read as windows-1252, the name kept. */
	d = parse_str(latin);
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_STR(d->encoding, "iso-8859-1");
		ASSERT_STR(d->title.value, "€é");
		feed_doc_free(d);
	}
	/* Declared UTF-8 but is not: windows-1252 and not well-formed. */
	d = parse_str(bad);
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_INT(d->wellformed, 0);
		ASSERT_STR(d->encoding, "windows-1252");
		ASSERT_STR(d->title.value, "café");
		feed_doc_free(d);
	}
	/* The HTTP charset wins over the declaration. */
	src.content_type = "application/rss+xml; charset=windows-1252";
	d = feed_parse(bad, strlen(bad), &src, err, sizeof(err));
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_INT(d->wellformed, 1);
		ASSERT_STR(d->encoding, "windows-1252");
		feed_doc_free(d);
	}
	/* text/xml without a charset means us-ascii (RFC 3023). */
	src.content_type = "text/xml";
	d = feed_parse("<rss><channel><title>x</title></channel></rss>", 46,
	    &src, err, sizeof(err));
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_STR(d->encoding, "us-ascii");
		feed_doc_free(d);
	}
}

/* doc is read, not well-formed, in encoding, with the feed title title. */
static void
assert_malformed_title(const char *doc, const char *encoding,
    const char *title)
{
	struct feed_doc *d = parse_str(doc);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 0);
	ASSERT_STR(d->encoding, encoding);
	ASSERT_STR(d->title.value, title);
	feed_doc_free(d);
}

/*
 * A byte that is not UTF-8 in a UTF-8 document is one U+FFFD, as in a
 * browser, not a reason to read the whole document as windows-1252.
 * Bytes that are mostly not UTF-8 are still read as windows-1252.
 */
TEST(utf8_bad_byte_is_one_character)
{
	/* No declaration, so UTF-8: two good characters, one bad byte. */
	const char *undeclared = "<rss version=\"2.0\"><channel><title>"
	    "caf\xc3\xa9 \x92 na\xc3\xafve</title></channel></rss>";
	/* No declaration, windows-1252 with one pair that is UTF-8. */
	const char *legacy = "<rss version=\"2.0\"><channel><title>"
	    "caf\xe9 na\xefve \xc3\xa9t\xe9</title></channel></rss>";
	struct feed_doc *d = parse_fixture("utf8-bad-byte.xml", NULL);

	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_INT(d->wellformed, 0);
		ASSERT_STR(d->encoding, "utf-8");
		ASSERT_STR(d->error, "1 byte not UTF-8, read as U+FFFD");
		ASSERT_STR(d->title.value, "한국 뉴스");
		ASSERT_INT(d->nentries, 2);
		if (d->nentries == 2) {
			ASSERT_STR(d->entries[0].title.value,
			    "오픈AI 새 모델 발표");
			ASSERT_STR(d->entries[1].title.value,
			    "반도체 수출 " UTF8_REPLACEMENT_STR " 증가");
		}
		feed_doc_free(d);
	}
	assert_malformed_title(undeclared, "utf-8",
	    "café " UTF8_REPLACEMENT_STR " naïve");
	assert_malformed_title(legacy, "windows-1252", "café naïve Ã©té");
}

TEST(relative_links)
{
	struct feed_source src = { "http://example.org/feed.xml", NULL, NULL,
	    NULL };
	struct feed_doc *d = parse_fixture("relative-links.xml", &src);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->link, "http://example.org/blog/index.html");
	ASSERT_INT(d->nentries, 2);
	if (d->nentries == 2) {
		ASSERT_STR(d->entries[0].link,
		    "http://example.org/blog/posts/one.html");
		ASSERT_STR(d->entries[0].content[0].base,
		    "http://example.org/blog/posts/");
		ASSERT_STR(d->entries[1].link,
		    "http://example.org/abs/two.html");
	}
	feed_doc_free(d);
}

TEST(broken_recovers_items)
{
	struct feed_doc *d = parse_fixture("broken.xml", NULL);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 0);
	ASSERT(d->error != NULL && strchr(d->error, '\n') == NULL);
	ASSERT_STR(d->title.value, "Broken feed");
	ASSERT(d->nentries >= 1);
	if (d->nentries >= 1) {
		ASSERT_STR(d->entries[0].title.value, "First item");
		ASSERT_STR(d->entries[0].link, "http://example.org/1");
	}
	feed_doc_free(d);
}

/*
 * A body cut short: the entry it ended inside is marked incomplete (the
 * delivery leaves it for a later poll), the entries before it are not,
 * and the document says it never closed.
 */
TEST(cut_short_entry_is_incomplete)
{
	const char *cut = "<rss version=\"2.0\"><channel><title>Cut</title>"
	    "<item><title>First article</title>"
	    "<link>http://example.org/1</link></item>"
	    "<item><title>Second ar";
	const char *between = "<rss version=\"2.0\"><channel>"
	    "<item><title>Only</title></item>\n";
	static const struct {
		const char	*name;
		int		 cut_short;
	} whole[] = { { "rss2.xml", 0 }, { "broken.xml", 1 } };
	struct feed_doc *d;
	size_t i, k;

	d = parse_str(cut);
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 0);
	ASSERT_INT(d->cut_short, 1);
	ASSERT_INT(d->nentries, 2);
	if (d->nentries == 2) {
		ASSERT_INT(d->entries[0].incomplete, 0);
		ASSERT_STR(d->entries[1].title.value, "Second ar");
		ASSERT_INT(d->entries[1].incomplete, 1);
	}
	feed_doc_free(d);

	/* Cut between items: nothing incomplete, the document still cut. */
	d = parse_str(between);
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->cut_short, 1);
	ASSERT_INT(d->nentries, 1);
	if (d->nentries == 1)
		ASSERT_INT(d->entries[0].incomplete, 0);
	feed_doc_free(d);

	/*
	 * Items that closed are complete, even one an "</item>" closed
	 * early, in a document without "</channel></rss>" (cut short).
	 */
	for (i = 0; i < NELEM(whole); i++) {
		d = parse_fixture(whole[i].name, NULL);
		ASSERT(d != NULL && d->nentries > 0);
		if (d == NULL)
			continue;
		ASSERT_INT(d->cut_short, whole[i].cut_short);
		for (k = 0; k < d->nentries; k++)
			ASSERT_INT(d->entries[k].incomplete, 0);
		feed_doc_free(d);
	}
}

TEST(html_entities)
{
	struct feed_doc *d = parse_fixture("entities.xml", NULL);

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	/* Undefined in XML, so not well-formed, but decoded as HTML. */
	ASSERT_INT(d->wellformed, 0);
	ASSERT_STR(d->title.value, "Entities\xc2\xa0test … été");
	ASSERT_INT(d->nentries, 2);
	if (d->nentries == 2) {
		/* Entities after the first error still come out. */
		ASSERT_STR(d->entries[0].title.value, "café & © — end");
		ASSERT_STR(d->entries[0].link, "http://example.org/e?a=1&b=2");
		ASSERT_STR(d->entries[1].title.value,
		    "after &bogus; entity");
	}
	feed_doc_free(d);
}

TEST(bare_ampersand)
{
	struct feed_doc *d;

	d = parse_str("<rss version=\"2.0\"><channel><link>http://e/?a=1&b=2"
	    "</link><title>Q&A</title></channel></rss>");
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 0);
	ASSERT_STR(d->link, "http://e/?a=1&b=2");
	ASSERT_STR(d->title.value, "Q&A");
	feed_doc_free(d);
}

TEST(xxe_not_loaded)
{
	const char *canary = "/tmp/aggregator-xxe-canary.txt";
	struct feed_doc *d;
	char *json;
	FILE *fp;

	if ((fp = fopen(canary, "w")) != NULL) {
		fputs("CANARY-SECRET-42", fp);
		fclose(fp);
	}
	d = parse_fixture("xxe.xml", NULL);
	ASSERT(d != NULL);
	if (d != NULL) {
		json = fixture_json(d);
		ASSERT(strstr(json, "CANARY-SECRET-42") == NULL);
		/* Internal entities are honoured. */
		ASSERT(strstr(d->title.value, "internal text") != NULL);
		free(json);
		feed_doc_free(d);
	}
	remove(canary);
}

/* One entity of 100 "lol"s nested ten deep: 10^10 expansions. */
TEST(billion_laughs)
{
	struct buf b;
	struct feed_doc *d;
	double t0;
	int i;

	buf_init(&b);
	buf_addstr(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
	    "<!ENTITY lol \"lol\">\n");
	for (i = 1; i <= 9; i++) {
		int j;

		buf_printf(&b, "<!ENTITY lol%d \"", i);
		for (j = 0; j < 10; j++)
			buf_printf(&b, i == 1 ? "&lol;" : "&lol%d;", i - 1);
		buf_addstr(&b, "\">\n");
	}
	buf_addstr(&b, "]>\n<rss version=\"2.0\"><channel><title>&lol9;"
	    "</title></channel></rss>\n");
	t0 = now();
	d = feed_parse(b.data, b.len, NULL, err, sizeof(err));
	ASSERT(d == NULL);
	ASSERT_STR(err, "entity expansion limit exceeded");
	ASSERT(now() - t0 < 2.0);
	feed_doc_free(d);
	buf_free(&b);
}

/* One 50 KB entity referenced 20000 times: a gigabyte if expanded. */
TEST(quadratic_blowup)
{
	struct buf b;
	struct feed_doc *d;
	double t0;
	int i;

	buf_init(&b);
	buf_addstr(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
	    "<!ENTITY a \"");
	for (i = 0; i < 50000; i++)
		buf_addc(&b, 'a');
	buf_addstr(&b, "\">\n]>\n<rss version=\"2.0\"><channel><title>");
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, "&a;");
	buf_addstr(&b, "</title></channel></rss>\n");
	t0 = now();
	d = feed_parse(b.data, b.len, NULL, err, sizeof(err));
	ASSERT(d == NULL);
	ASSERT_STR(err, "entity expansion limit exceeded");
	ASSERT(now() - t0 < 2.0);
	feed_doc_free(d);
	buf_free(&b);
}

/*
 * 530,000 undeclared &nbsp; (1 MiB of U+00A0) in a 6 MB feed: HTML names
 * cannot amplify, so they do not count against the expansion budget.
 */
TEST(many_html_entities)
{
	struct buf b;
	struct feed_doc *d;
	double t0;
	int i, j;

	buf_init(&b);
	buf_addstr(&b, "<rss version=\"2.0\"><channel><title>Spaces</title>\n");
	for (i = 0; i < 1000; i++) {
		buf_printf(&b, "<item><title>Item %d</title><link>"
		    "http://example.org/%d</link><description>", i, i);
		for (j = 0; j < 530; j++)
			buf_addstr(&b, "&nbsp;word");
		for (j = 0; j < 40; j++)
			buf_addstr(&b, "Lorem ipsum dolor sit amet, elit. ");
		buf_addstr(&b, "</description></item>\n");
	}
	buf_addstr(&b, "</channel></rss>\n");
	ASSERT(b.len > 6000000);
	t0 = now();
	d = feed_parse(b.data, b.len, NULL, err, sizeof(err));
	ASSERT(d != NULL);
	if (d != NULL) {
		ASSERT_INT(d->wellformed, 0);
		ASSERT_INT(d->nentries, 1000);
		if (d->nentries == 1000) {
			ASSERT_STR(d->entries[999].title.value, "Item 999");
			/* The value is stripped: the first one is gone. */
			ASSERT(strncmp(d->entries[999].summary.value,
			    "word\xc2\xa0word\xc2\xa0", 12) == 0);
		}
	} else
		printf("# %s\n", err);
	ASSERT(now() - t0 < 20.0);
	feed_doc_free(d);
	buf_free(&b);
}

/* A standalone Atom Entry Document (root <entry>) is a feed of one. */
TEST(standalone_atom_entry)
{
	struct feed_doc *d = parse_fixture("atom-entry.xml", NULL);
	struct feed_entry *e;

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 1);
	ASSERT_STR(d->version, "atom10");
	ASSERT_INT(d->nentries, 1);
	if (d->nentries == 1) {
		e = &d->entries[0];
		ASSERT_STR(e->title.value, "A post on its own");
		ASSERT_STR(e->link, "http://example.org/2024/01/post");
		ASSERT_STR(e->id, "urn:uuid:9f1c8a8e-4d3b-4a5e-9a57-3d1f0c2b7e61");
		ASSERT_INT(e->updated.t, 1704164645);
		ASSERT_STR(e->author, "Ann Author (ann@example.org)");
		ASSERT_INT(e->ncontent, 1);
		if (e->ncontent == 1)
			ASSERT_STR(e->content[0].value,
			    "<p>The whole <b>text</b>.</p>");
		ASSERT_INT(e->incomplete, 0);
	}
	feed_doc_free(d);
	/* An <entry> outside the Atom namespaces is no feed. */
	ASSERT(parse_str("<entry><title>x</title></entry>") == NULL);
	ASSERT_STR(err, "not a feed (root element <entry>)");
}

/* content:encoded whose prefix no xmlns declares is still the content. */
TEST(undeclared_prefix_kept)
{
	struct feed_doc *d = parse_str("<rss version=\"2.0\"><channel>"
	    "<title>T</title><item><title>I</title><description>short"
	    "</description><content:encoded><![CDATA[<p>Full text</p>]]>"
	    "</content:encoded><dc:creator>Dee</dc:creator></item>"
	    "</channel></rss>");
	struct feed_entry *e;

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->wellformed, 0);
	ASSERT_INT(d->nentries, 1);
	if (d->nentries == 1) {
		e = &d->entries[0];
		ASSERT_STR(e->summary.value, "short");
		ASSERT_INT(e->ncontent, 1);
		if (e->ncontent == 1) {
			ASSERT_STR(e->content[0].value, "<p>Full text</p>");
			ASSERT_STR(e->content[0].type, "text/html");
		}
		ASSERT_STR(e->author, "Dee");
	}
	feed_doc_free(d);
}

/* Author strings with a top-level domain longer than four letters. */
TEST(author_email_long_tld)
{
	struct feed_doc *d = parse_str("<rss version=\"2.0\"><channel>"
	    "<item><author>joe@example.photography (Joe)</author></item>"
	    "<item><author>Ann &lt;ann@example.museum&gt;</author></item>"
	    "<item><author>bo@mail.example.co.uk</author></item>"
	    "</channel></rss>");

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->nentries, 3);
	if (d->nentries == 3) {
		ASSERT_STR(d->entries[0].author_detail.name, "Joe");
		ASSERT_STR(d->entries[0].author_detail.email,
		    "joe@example.photography");
		ASSERT_STR(d->entries[1].author_detail.name, "Ann");
		ASSERT_STR(d->entries[1].author_detail.email,
		    "ann@example.museum");
		ASSERT_STR(d->entries[2].author_detail.name, NULL);
		ASSERT_STR(d->entries[2].author_detail.email,
		    "bo@mail.example.co.uk");
	}
	feed_doc_free(d);
}

/* Of several authors the first is the author: string and detail. */
TEST(first_author_is_the_author)
{
	struct feed_doc *d = parse_str("<feed xmlns=\"http://www.w3.org/2005/"
	    "Atom\"><title>T</title><author><name>One</name>"
	    "<email>one@example.org</email></author><author><name>Two</name>"
	    "<uri>http://two.example/</uri></author><entry><title>e</title>"
	    "<author><name>Ann</name></author><author><name>Bob</name>"
	    "<email>bob@example.org</email></author></entry></feed>");

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->author, "One (one@example.org)");
	ASSERT_STR(d->author_detail.name, "One");
	ASSERT_STR(d->author_detail.email, "one@example.org");
	ASSERT_STR(d->author_detail.href, NULL);
	ASSERT_INT(d->nentries, 1);
	if (d->nentries == 1) {
		ASSERT_STR(d->entries[0].author, "Ann");
		ASSERT_STR(d->entries[0].author_detail.name, "Ann");
		ASSERT_STR(d->entries[0].author_detail.email, NULL);
	}
	feed_doc_free(d);
	d = parse_str("<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/"
	    "elements/1.1/\"><channel><item><dc:creator>First Author"
	    "</dc:creator><dc:creator>Second Author</dc:creator></item>"
	    "<item><author>a@example.org (A)</author><dc:creator>B"
	    "</dc:creator></item></channel></rss>");
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_INT(d->nentries, 2);
	if (d->nentries == 2) {
		ASSERT_STR(d->entries[0].author, "First Author");
		ASSERT_STR(d->entries[0].author_detail.name, "First Author");
		ASSERT_STR(d->entries[1].author, "a@example.org (A)");
		ASSERT_STR(d->entries[1].author_detail.name, "A");
	}
	feed_doc_free(d);
}

/* A channel <description> after <itunes:summary> is the subtitle. */
TEST(channel_description_after_itunes_summary)
{
	struct feed_doc *d = parse_str("<rss version=\"2.0\" xmlns:itunes="
	    "\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel>"
	    "<title>T</title><itunes:summary>Show notes</itunes:summary>"
	    "<description>What the show is</description><item><title>i"
	    "</title><itunes:summary>Episode</itunes:summary><description>"
	    "Episode text</description></item></channel></rss>");

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->subtitle.value, "What the show is");
	ASSERT_STR(d->summary.value, "Show notes");
	/* In an item, feedparser's quirk stands: the second is content. */
	ASSERT_INT(d->nentries, 1);
	if (d->nentries == 1) {
		ASSERT_STR(d->entries[0].summary.value, "Episode");
		ASSERT_INT(d->entries[0].ncontent, 1);
		if (d->entries[0].ncontent == 1)
			ASSERT_STR(d->entries[0].content[0].value,
			    "Episode text");
	}
	feed_doc_free(d);
}

/* <link uri="...">text</link>: an http(s) text is the link. */
TEST(link_uri_prefers_http_text)
{
	struct feed_doc *d = parse_str("<rss version=\"2.0\"><channel>"
	    "<title>T</title><link uri=\"urn:x:channel\">"
	    "http://example.org/</link>"
	    "<item><link uri=\"tag:example.org,2024:1\">"
	    "https://example.org/a?x=1&amp;y=2</link></item>"
	    "<item><link uri=\"http://example.org/b\">not a URL</link></item>"
	    "<item><link url=\"urn:x:c\">mailto:c@example.org</link></item>"
	    "<item><link href=\"http://example.org/d\">"
	    "http://example.org/text</link></item>"
	    "</channel></rss>");

	ASSERT(d != NULL);
	if (d == NULL)
		return;
	ASSERT_STR(d->link, "http://example.org/");
	ASSERT_INT(d->nentries, 4);
	if (d->nentries == 4) {
		ASSERT_STR(d->entries[0].link, "https://example.org/a?x=1&y=2");
		ASSERT_STR(d->entries[0].links[0].href,
		    "https://example.org/a?x=1&y=2");
		/* Text that is no http(s) URL leaves the attribute's. */
		ASSERT_STR(d->entries[1].link, "http://example.org/b");
		ASSERT_STR(d->entries[2].link, "urn:x:c");
		/* Atom's href wins over any text, as in feedparser. */
		ASSERT_STR(d->entries[3].link, "http://example.org/d");
	}
	feed_doc_free(d);
}

TEST(not_a_feed)
{
	struct feed_doc *d;

	d = parse_str("<html><body><p>hello</p></body></html>");
	ASSERT(d == NULL);
	ASSERT_STR(err, "not a feed (root element <html>)");
	feed_doc_free(d);
}

TEST(json_output)
{
	struct feed_doc *d;
	char *json;

	d = parse_str("<rss version=\"2.0\"><channel><title>a\"b\\c&#1;"
	    "</title><item><title>t</title><category>x</category>"
	    "<pubDate>garbage</pubDate></item></channel></rss>");
	ASSERT(d != NULL);
	if (d == NULL)
		return;
	json = fixture_json(d);
	ASSERT(strstr(json, "\"version\":\"rss20\"") != NULL);
	ASSERT(strstr(json, "\"title\":\"a\\\"b\\\\c") != NULL);
	ASSERT(strstr(json, "\"published\":null") != NULL);
	ASSERT(strstr(json, "\"published_raw\":\"garbage\"") != NULL);
	ASSERT(strstr(json,
	    "{\"term\":\"x\",\"scheme\":null,\"label\":null}") != NULL);
	/* Absent fields are omitted, not null. */
	ASSERT(strstr(json, "\"summary\"") == NULL);
	free(json);
	feed_doc_free(d);
}

TEST(headers_json)
{
	char *ct, *cl, *lang;

	ASSERT_INT(feed_headers_parse("{\"Content-Type\": \"text/xml; "
	    "charset=\\\"utf-8\\\"\", \"content-location\": "
	    "\"http://e/x\\u00e9\", \"X-Other\": \"1\"}", &ct, &cl, &lang), 0);
	ASSERT_STR(ct, "text/xml; charset=\"utf-8\"");
	ASSERT_STR(cl, "http://e/x\xc3\xa9");
	ASSERT(lang == NULL);
	free(ct);
	free(cl);
	free(lang);
	ASSERT_INT(feed_headers_parse("{\"a\": 1}", &ct, &cl, &lang), -1);
	ASSERT(ct == NULL && cl == NULL && lang == NULL);
}

int
main(void)
{
	RUN(rss2);
	RUN(atom10);
	RUN(atom03);
	RUN(rdf);
	RUN(euc_kr_as_cp949);
	RUN(windows_1252);
	RUN(charset_rules);
	RUN(utf8_bad_byte_is_one_character);
	RUN(relative_links);
	RUN(broken_recovers_items);
	RUN(cut_short_entry_is_incomplete);
	RUN(html_entities);
	RUN(bare_ampersand);
	RUN(xxe_not_loaded);
	RUN(billion_laughs);
	RUN(quadratic_blowup);
	RUN(many_html_entities);
	RUN(standalone_atom_entry);
	RUN(undeclared_prefix_kept);
	RUN(author_email_long_tld);
	RUN(first_author_is_the_author);
	RUN(channel_description_after_itunes_summary);
	RUN(link_uri_prefers_http_text);
	RUN(not_a_feed);
	RUN(json_output);
	RUN(headers_json);
	return TEST_DONE();
}
