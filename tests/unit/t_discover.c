/*
 * Tests for feed discovery: which <link> elements name a feed, how their
 * URLs resolve (against <base href> too), titles, duplicates, and pages
 * in another charset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "test.h"

TEST(test_links)
{
	static const char page[] =
	    "<!DOCTYPE html><html><head><title>Site</title>\n"
	    "<link rel=\"stylesheet\" href=\"/s.css\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\" Posts\n(RSS) \" href=\" feed.xml \">\n"
	    "<link rel=\"Alternate home\" type=\"Application/Atom+XML; "
	    "charset=utf-8\" href=\"https://other.example/atom\">\n"
	    "<link rel=\"alternate\" type=\"application/json\" "
	    "href=\"/wp-json/wp/v2/pages/2\">\n"
	    "<link rel=\"alternate\" type=\"application/feed+json\" "
	    "href=\"/feed.json\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "href=\"/blog/feed.xml\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "href=\"javascript:alert(1)\">\n"
	    "<link rel=\"alternate\" type=\"text/html\" hreflang=\"ko\" "
	    "href=\"/ko/\">\n"
	    "</head><body><p>x</p></body></html>\n";
	struct discover_feed *f;
	int n;

	n = discover_feeds(page, strlen(page), "text/html",
	    "https://site.example/blog/", &f);
	ASSERT_INT(n, 3);
	if (n == 3) {
		ASSERT_STR(f[0].url, "https://site.example/blog/feed.xml");
		ASSERT_STR(f[0].title, "Posts (RSS)");
		ASSERT_STR(f[0].kind, "RSS");
		ASSERT_STR(f[1].url, "https://other.example/atom");
		ASSERT_STR(f[1].title, NULL);
		ASSERT_STR(f[1].kind, "Atom");
		ASSERT_STR(f[2].url, "https://site.example/feed.json");
		ASSERT_STR(f[2].kind, "JSON Feed");
	}
	discover_free(f, n > 0 ? (size_t)n : 0);
}

TEST(test_base_and_charset)
{
	/* "Café" in windows-1252, as the <meta> says. */
	static const char page[] =
	    "<html><head><meta charset=\"windows-1252\">"
	    "<base href=\"https://cdn.example/x/\">"
	    "<link rel=alternate type=application/rss+xml title=\"Caf\xe9\" "
	    "href=rss></head></html>";
	struct discover_feed *f;
	int n;

	n = discover_feeds(page, strlen(page), NULL, "https://site.example/",
	    &f);
	ASSERT_INT(n, 1);
	if (n == 1) {
		ASSERT_STR(f[0].url, "https://cdn.example/x/rss");
		ASSERT_STR(f[0].title, "Caf\xc3\xa9");
	}
	discover_free(f, n > 0 ? (size_t)n : 0);
}

TEST(test_none)
{
	static const char page[] = "<html><body>no feed</body></html>";
	struct discover_feed *f;

	ASSERT_INT(discover_feeds(page, strlen(page), "text/html",
	    "https://site.example/", &f), 0);
	ASSERT(f == NULL);
}

int
main(void)
{
	RUN(test_links);
	RUN(test_base_and_charset);
	RUN(test_none);
	return TEST_DONE();
}
