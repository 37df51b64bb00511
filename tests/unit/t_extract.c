/*
 * extract: the article of a small page (what is kept, what is dropped),
 * its charset, its metadata and links, the limits of the page and of its
 * tree, and full text: which entries want their page and what a fetched
 * page does to an entry.
 */
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "entry.h"
#include "entry_fixture.h"
#include "extract.h"
#include "fetch.h"
#include "fulltext.h"
#include "html_tree.h"
#include "test.h"
#include "xmalloc.h"

#define BASE	"http://news.example.com/2024/05/story.html"

/* Three paragraphs of article, each long enough to score. */
#define P1	"The city council voted on Tuesday to expand the northern " \
		"tram line, adding six stations, two depots and a bridge " \
		"over the river, at a cost of about 400 million euros."
#define P2	"Construction is to start next spring, the mayor said, and " \
		"the first trams should run by 2028, although the opposition " \
		"warned that similar projects had run years late."
#define P3	"Residents of the northern districts, who now depend on " \
		"crowded buses, welcomed the decision, while shop owners on " \
		"the route asked for help during the works."
#define ARTICLE	"<p>" P1 "</p><p>" P2 "</p><p>" P3 "</p>"

/* A page whose body is body, with head (may be ""). */
#define PAGE(head, body) "<!DOCTYPE html><html><head>" head "</head>" \
		"<body>" body "</body></html>"

/* extract_page on len bytes at BASE, no site rules. */
static int
extract_len(const char *page, size_t len, const char *type,
    struct extract_result *r, char *err, size_t errlen)
{
	err[0] = '\0';
	return extract_page(page, len, type, BASE, NULL, 0, r, err, errlen);
}

/* extract_page on a string; the reason, if any, into err. */
static int
extract(const char *page, const char *type, struct extract_result *r,
    char *err, size_t errlen)
{
	return extract_len(page, strlen(page), type, r, err, errlen);
}

/* Whether s holding sub is want (1 or 0); prints s when not. */
static int
has(const char *what, const char *s, const char *sub, int want)
{
	int got = s != NULL && strstr(s, sub) != NULL;

	if (got != want)
		printf("#   %s %s \"%s\":\n#   \"%s\"\n", what,
		    want ? "lacks" : "has", sub, s ? s : "(null)");
	return got == want;
}

#define TEXT_HAS(r, sub)	ASSERT(has("text", (r).text, sub, 1))
#define TEXT_LACKS(r, sub)	ASSERT(has("text", (r).text, sub, 0))
#define HTML_HAS(r, sub)	ASSERT(has("html", (r).html, sub, 1))
#define HTML_LACKS(r, sub)	ASSERT(has("html", (r).html, sub, 0))

/* ---- the article and what is around it ---- */

/* Paragraphs kept; navigation, sidebar, related list, footer dropped. */
TEST(test_boilerplate)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<title>Tram line</title>",
	    "<header><nav><ul><li><a href=\"/\">Home</a></li>"
	    "<li><a href=\"/world\">World news</a></li>"
	    "<li><a href=\"/sport\">Sport results</a></li></ul></nav>"
	    "</header>"
	    "<div class=\"main\"><article><h1>Council backs tram line</h1>"
	    ARTICLE "</article>"
	    "<div class=\"related-articles\"><h3>Related</h3><ul>"
	    "<li><a href=\"/a\">Bus fares rise again this year</a></li>"
	    "<li><a href=\"/b\">Bridge closed for repairs</a></li>"
	    "</ul></div></div>"
	    "<div id=\"sidebar\"><p>Most read: Weather warning issued for "
	    "the weekend across the region</p></div>"
	    "<footer><p>About us, Contact, Terms of use and privacy "
	    "policy</p></footer>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P1);
	TEXT_HAS(r, P2);
	TEXT_HAS(r, P3);
	/* Paragraphs apart by a blank line. */
	TEXT_HAS(r, "400 million euros.\n\nConstruction");
	HTML_HAS(r, "<p>" P1 "</p>");
	TEXT_LACKS(r, "World news");
	TEXT_LACKS(r, "Bus fares");
	TEXT_LACKS(r, "Weather warning");
	TEXT_LACKS(r, "Terms of use");
	HTML_LACKS(r, "Sport results");
	extract_result_free(&r);
}

/* Script and style text never shows, a "</div>" in a string neither. */
TEST(test_script_style)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<style>p { color: red }</style>"
	    "<script>var headScript = 1;</script>",
	    "<div><script>var s = \"</div><p>scriptleak</p>\"; "
	    "document.write(s);</script>"
	    "<style>.x { content: \"styleleak\" }</style>" ARTICLE
	    "<noscript>Please enable JavaScript</noscript>"
	    "<script type=\"text/javascript\">if (a < b) "
	    "alert('tailscript');</script></div>"),
	    NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P1);
	TEXT_HAS(r, P3);
	TEXT_LACKS(r, "scriptleak");
	TEXT_LACKS(r, "document.write");
	TEXT_LACKS(r, "styleleak");
	TEXT_LACKS(r, "color: red");
	TEXT_LACKS(r, "headScript");
	TEXT_LACKS(r, "tailscript");
	TEXT_LACKS(r, "enable JavaScript");
	HTML_LACKS(r, "scriptleak");
	HTML_LACKS(r, "<script");
	extract_result_free(&r);
}

/* hidden, aria-hidden="true" and display: none are dropped. */
TEST(test_hidden)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("",
	    "<div><p>" P1 "</p>"
	    "<p hidden>Hidden by the attribute, a paragraph long enough "
	    "to count as one.</p>"
	    "<p>" P2 "</p>"
	    "<div aria-hidden=\"true\"><p>Hidden by aria, another "
	    "paragraph long enough to count, with commas, too.</p></div>"
	    "<p style=\"color: grey; Display : None\">Hidden by style, a "
	    "paragraph that is long enough to count as one.</p>"
	    "<p>" P3 "</p></div>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P1);
	TEXT_HAS(r, P2);
	TEXT_HAS(r, P3);
	TEXT_LACKS(r, "Hidden by the attribute");
	TEXT_LACKS(r, "Hidden by aria");
	TEXT_LACKS(r, "Hidden by style");
	extract_result_free(&r);
}

/* Short notice lines go; a long paragraph naming copyright stays. */
TEST(test_notices)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("",
	    "<div class=\"article-body\">" ARTICLE
	    "<p>The case turned on copyright: the court found that the "
	    "broadcaster had copied the photographs without permission, "
	    "and ordered it to pay damages to the three photographers "
	    "involved, along with their legal costs.</p>"
	    "<p>Kim Minsu reporter kimms@example.co.kr</p>"
	    "<p>\xc2\xa9 2024 Example News. All rights reserved.</p>"
	    "<p>\xe2\x93\x92 \xec\x97\x90\xea\xb7\xb8\xec\x9e\xa0\xed\x94\x8c"
	    "\xeb\x89\xb4\xec\x8a\xa4, "
	    "\xeb\xac\xb4\xeb\x8b\xa8\xec\xa0\x84\xec\x9e\xac \xeb\xb0\x8f "
	    "\xec\x9e\xac\xeb\xb0\xb0\xed\x8f\xac \xea\xb8\x88\xec\xa7\x80"
	    "</p>"
	    "<p>google.com, pub-1234567890123456, DIRECT, "
	    "f08c47fec0942fa0</p>"
	    "<p>Partner ID pub-9876543210</p>"
	    "</div>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P1);
	TEXT_HAS(r, P3);
	TEXT_HAS(r, "The case turned on copyright");
	TEXT_LACKS(r, "kimms@");
	TEXT_LACKS(r, "All rights reserved");
	TEXT_LACKS(r, "\xc2\xa9");
	TEXT_LACKS(r, "\xe2\x93\x92");
	TEXT_LACKS(r, "\xeb\xac\xb4\xeb\x8b\xa8");	/* 무단 */
	TEXT_LACKS(r, "DIRECT");
	TEXT_LACKS(r, "pub-");
	extract_result_free(&r);
}

/* A dropped line leaves no empty element in the HTML. */
TEST(test_no_empty_elements)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("", "<div class=\"article-body\">" ARTICLE
	    "<p>\xc2\xa9 2024 Example News. All rights reserved.</p>"
	    "<p> </p></div>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P3);
	HTML_LACKS(r, "<p></p>");
	extract_result_free(&r);
}

/* Pages that leave out <html>, <head> or <body>, as HTML allows. */
TEST(test_implied_elements)
{
	static const char *const pages[] = {
		"<p>" P1 "</p><p>" P2 "</p>",
		"<!DOCTYPE html><title>Tram</title><p>" P1 "</p>",
		"<title>T</title><div><p>" P1 "</p></div><p>" P2 "</p>",
	};
	struct extract_result r;
	char err[256];

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		ASSERT_INT(extract(pages[i], NULL, &r, err, sizeof(err)), 0);
		TEXT_HAS(r, P1);
		extract_result_free(&r);
	}
	ASSERT_INT(extract(pages[2], NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P2);
	extract_result_free(&r);
}

/* Selectors site rules take, and those they refuse. */
TEST(test_selectors)
{
	static const char *const good[] = {
		"div", "*", ".a", "#b", "div.a.b#c", "[data-x]", "[data-x=y]",
		"[data-x=\"y z\"]", "article .body p", "  a , b  ",
		"section[dmcf-sid]",
	};
	static const char *const bad[] = {
		"", ",", "a,,b", ".", "#", "div[", "div[x=\"y]", "a > b",
		"a:hover", "div.", "[=x]",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ASSERT(extract_selector_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (extract_selector_ok(bad[i])) {
			printf("#   took \"%s\"\n", bad[i]);
			ASSERT(0);
		}
}

/* A site rule keeps its elements and drops others, on its hosts only. */
TEST(test_site_rules)
{
	static const struct extract_site sites[] = {
		{ "news.example.com", "div[data-role=story] .text",
		  "p.promo, #aside" },
	};
	const char *page = PAGE("", "<div class=\"article-body\">" ARTICLE
	    "</div><div data-role=\"story\"><div class=\"text\">"
	    "<p>Chosen by the rule.</p><p class=\"promo\">Subscribe now."
	    "</p><div id=\"aside\">Also read this.</div></div></div>");
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract_page(page, strlen(page), NULL,
	    "https://m.news.example.com/a", sites, 1, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, "Chosen by the rule.");
	TEXT_LACKS(r, P1);
	TEXT_LACKS(r, "Subscribe");
	TEXT_LACKS(r, "Also read");
	extract_result_free(&r);
	/* Another host: scoring, which finds the long paragraphs. */
	ASSERT_INT(extract_page(page, strlen(page), NULL,
	    "https://othernews.example.com/a", sites, 1, &r, err,
	    sizeof(err)), 0);
	TEXT_HAS(r, P1);
	extract_result_free(&r);
}

/* No text at all: 0 and an empty article. */
TEST(test_empty_page)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<title>Nothing</title>",
	    "<div><img src=\"a.png\"></div>"), NULL, &r, err, sizeof(err)),
	    0);
	ASSERT_STR(r.text, "");
	ASSERT(r.html != NULL);
	ASSERT_STR(r.title, "Nothing");
	extract_result_free(&r);
	ASSERT_INT(extract("", NULL, &r, err, sizeof(err)), 0);
	ASSERT_STR(r.text, "");
	ASSERT(r.title == NULL);
	extract_result_free(&r);
}

/* A page over EXTRACT_MAX_PAGE is not read. */
TEST(test_too_large)
{
	struct extract_result r;
	size_t len = (size_t)EXTRACT_MAX_PAGE + 1;
	char err[256], *page = xmalloc(len);

	memset(page, 'a', len);
	ASSERT_INT(extract_len(page, len, "text/html", &r, err, sizeof(err)),
	    -1);
	ASSERT(err[0] != '\0');
	ASSERT(has("err", err, "limit", 1));
	ASSERT(r.text == NULL && r.html == NULL && r.title == NULL);
	extract_result_free(&r);
	free(page);
}

/* ---- charsets ---- */

/* 한국어 기사 본문입니다. 서울의 날씨는 맑고 따뜻합니다. in CP949. */
#define KO_EUC	"\xc7\xd1\xb1\xb9\xbe\xee \xb1\xe2\xbb\xe7 \xba\xbb\xb9\xae" \
		"\xc0\xd4\xb4\xcf\xb4\xd9. \xbc\xad\xbf\xef\xc0\xc7 " \
		"\xb3\xaf\xbe\xbe\xb4\xc2 \xb8\xbc\xb0\xed " \
		"\xb5\xfb\xb6\xe6\xc7\xd5\xb4\xcf\xb4\xd9."
#define KO_UTF8	"한국어 기사 본문입니다. 서울의 날씨는 맑고 따뜻합니다."
/* 가나다 (B0A1 B3AA B4D9) then "abc": split where a hex digit follows. */
#define GANADA_EUC	"\xb0\xa1\xb3\xaa\xb4\xd9" "abc"

/* <meta charset="euc-kr">, no HTTP charset: the meta decides. */
TEST(test_euc_kr_meta)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<meta charset=\"euc-kr\">"
	    "<title>" GANADA_EUC "</title>",
	    "<div><p>" KO_EUC "</p><p>" KO_EUC " " KO_EUC "</p></div>"),
	    "text/html", &r, err, sizeof(err)), 0);
	TEXT_HAS(r, KO_UTF8);
	ASSERT_STR(r.title, "가나다abc");
	extract_result_free(&r);
	/* The http-equiv spelling too. */
	ASSERT_INT(extract(PAGE("<meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=EUC-KR\">",
	    "<p>" KO_EUC "</p>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, KO_UTF8);
	extract_result_free(&r);
}

/* The HTTP charset wins over the page's <meta>. */
TEST(test_http_charset_wins)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<meta charset=\"utf-8\">",
	    "<p>" KO_EUC "</p>"), "text/html; charset=euc-kr", &r, err,
	    sizeof(err)), 0);
	TEXT_HAS(r, KO_UTF8);
	extract_result_free(&r);
	/* And the other way round: UTF-8 bytes, a wrong meta. */
	ASSERT_INT(extract(PAGE("<meta charset=\"euc-kr\">",
	    "<p>" KO_UTF8 "</p>"), "text/html; charset=UTF-8", &r, err,
	    sizeof(err)), 0);
	TEXT_HAS(r, KO_UTF8);
	extract_result_free(&r);
}

/* Un café crème brûlée, café crème brûlée. */
#define LATIN	"Un caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e, " \
		"caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e."

/* A UTF-8 byte order mark: skipped, and it beats the meta. */
TEST(test_utf8_bom)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract("\xef\xbb\xbf" PAGE("<meta charset=\"euc-kr\">"
	    "<title>\xec\x84\x9c\xec\x9a\xb8</title>",
	    "<p>" KO_UTF8 "</p>"), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, KO_UTF8);
	ASSERT_STR(r.title, "서울");
	TEXT_LACKS(r, "\xef\xbb\xbf");
	extract_result_free(&r);
	/*
	 * Over the HTTP charset too, as browsers have it; these bytes are
	 * also CP949 (C3A9 is a syllable there).
	 */
	ASSERT_INT(extract("\xef\xbb\xbf" PAGE("", "<p>" LATIN "</p>"),
	    "text/html; charset=euc-kr", &r, err, sizeof(err)), 0);
	TEXT_HAS(r, LATIN);
	extract_result_free(&r);
}

/* ---- metadata ---- */

/* JSON-LD NewsArticle: headline, author and datePublished. */
TEST(test_json_ld)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<title>Page title | Example</title>"
	    "<meta property=\"og:title\" content=\"OG title\">"
	    "<script type=\"application/ld+json\">"
	    "{\"@context\": \"https://schema.org\", "
	    "\"@type\": \"NewsArticle\", "
	    "\"headline\": \"Council backs tram line\", "
	    "\"author\": [{\"@type\": \"Person\", \"name\": \"Jane Roe\"}], "
	    "\"datePublished\": \"2024-05-07T09:30:00+09:00\"}</script>",
	    ARTICLE), NULL, &r, err, sizeof(err)), 0);
	ASSERT_STR(r.title, "Council backs tram line");
	ASSERT_STR(r.byline, "Jane Roe");
	ASSERT_STR(r.published, "2024-05-07T00:30:00Z");
	/* The JSON never shows as text. */
	TEXT_LACKS(r, "schema.org");
	extract_result_free(&r);
	/* Inside @graph, the author a plain string. */
	ASSERT_INT(extract(PAGE("<script type=\"application/ld+json\">"
	    "{\"@graph\": [{\"@type\": \"WebPage\", \"name\": \"x\"}, "
	    "{\"@type\": [\"Article\"], \"headline\": \"In a graph\", "
	    "\"author\": \"John Doe\", "
	    "\"datePublished\": \"2024-01-02T03:04:05Z\"}]}</script>",
	    ARTICLE), NULL, &r, err, sizeof(err)), 0);
	ASSERT_STR(r.title, "In a graph");
	ASSERT_STR(r.byline, "John Doe");
	ASSERT_STR(r.published, "2024-01-02T03:04:05Z");
	extract_result_free(&r);
}

/*
 * articleBody stands in for markup that holds no article (a script fills
 * it in); markup that holds one comes first.
 */
#define LD_BODY(body) "<script type=\"application/ld+json\">" \
	"{\"@type\": \"NewsArticle\", \"articleBody\": \"" body "\"}</script>"

TEST(test_json_ld_body)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE(LD_BODY(P1 "\\n\\n" P2 " <b>&amp;</b>"),
	    "<div id=\"app\">Loading\xe2\x80\xa6</div>"), NULL, &r, err,
	    sizeof(err)), 0);
	TEXT_HAS(r, P1);
	TEXT_HAS(r, P2);
	TEXT_LACKS(r, "Loading");
	HTML_HAS(r, "<p>" P1 "</p>");
	/* Its text is text: markup in it is escaped, not obeyed. */
	HTML_LACKS(r, "<b>");
	extract_result_free(&r);
	ASSERT_INT(extract(PAGE(LD_BODY("A summary the page states apart."),
	    ARTICLE), NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P3);
	TEXT_LACKS(r, "A summary the page states apart.");
	extract_result_free(&r);
}

/* og:title over <title>; article: and <time> metadata. */
TEST(test_meta_tags)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("<title>Page title | Example</title>"
	    "<meta property=\"og:title\" content=\"OG title\">"
	    "<meta name=\"author\" content=\"Jane Roe\">"
	    "<meta property=\"article:published_time\" "
	    "content=\"2024-05-07T12:00:00+02:00\">", ARTICLE),
	    NULL, &r, err, sizeof(err)), 0);
	ASSERT_STR(r.title, "OG title");
	ASSERT_STR(r.byline, "Jane Roe");
	ASSERT_STR(r.published, "2024-05-07T10:00:00Z");
	extract_result_free(&r);
	/* <title> alone; a <time datetime>; no byline. */
	ASSERT_INT(extract(PAGE("<title>Only the title</title>",
	    "<time datetime=\"2023-11-14T22:13:20Z\">Nov 14</time>" ARTICLE),
	    NULL, &r, err, sizeof(err)), 0);
	ASSERT_STR(r.title, "Only the title");
	ASSERT_STR(r.published, "2023-11-14T22:13:20Z");
	ASSERT(r.byline == NULL);
	extract_result_free(&r);
}

/* ---- links ---- */

/* Relative links resolve against the base; javascript: ones go. */
TEST(test_links)
{
	struct extract_result r;
	char err[256];

	ASSERT_INT(extract(PAGE("",
	    "<div><p>" P1 " See <a href=\"../04/earlier.html\">the "
	    "earlier report</a> and <a href=\"/about\">about</a>.</p>"
	    "<p>" P2 " <a href=\"javascript:alert(1)\">Share this "
	    "story</a></p><p>" P3 " <img src=\"img/map.png\" "
	    "alt=\"Map\"></p></div>"), NULL, &r, err, sizeof(err)), 0);
	HTML_HAS(r, "href=\"http://news.example.com/2024/04/earlier.html\"");
	HTML_HAS(r, "href=\"http://news.example.com/about\"");
	HTML_HAS(r, "src=\"http://news.example.com/2024/05/img/map.png\"");
	HTML_LACKS(r, "javascript:");
	HTML_LACKS(r, "href=\"../");
	TEXT_HAS(r, "the earlier report");
	extract_result_free(&r);
}

/* ---- the tree ---- */

/* 100000 nested <div>: parsed, the tree no deeper than its limit. */
TEST(test_tree_depth)
{
	struct html_tree t;
	struct buf b;
	uint32_t i, a, depth, deepest = 0, text = 0;
	int k;

	buf_init(&b);
	for (k = 0; k < 100000; k++)
		buf_addstr(&b, "<div>");
	buf_addstr(&b, "deep text");
	for (k = 0; k < 100000; k++)
		buf_addstr(&b, "</div>");
	ASSERT_INT(html_tree_parse(&t, b.data, b.len), 0);
	for (i = 1; i < t.n; i++) {
		if (t.nodes[i].tag == HT_TEXT) {
			text = i;
			continue;
		}
		for (depth = 0, a = i; a != 0 && depth <= t.n; depth++)
			a = t.nodes[a].parent;
		if (depth > deepest)
			deepest = depth;
	}
	/* The deeper elements join the deepest one, with the text. */
	ASSERT_INT(deepest, HTML_TREE_DEPTH);
	ASSERT_INT(t.n, HTML_TREE_DEPTH + 2);
	ASSERT(text != 0 && t.nodes[text].len == 9 &&
	    memcmp(html_tree_str(&t, text), "deep text", 9) == 0);
	html_tree_free(&t);
	buf_free(&b);
}

/* The same nesting through extract_page keeps the text. */
TEST(test_deep_page)
{
	struct extract_result r;
	struct buf b;
	char err[256];
	int k;

	buf_init(&b);
	for (k = 0; k < 100000; k++)
		buf_addstr(&b, "<div>");
	buf_addstr(&b, "<p>" P1 "</p>");
	ASSERT_INT(extract_len(b.data, b.len, NULL, &r, err, sizeof(err)), 0);
	TEXT_HAS(r, P1);
	extract_result_free(&r);
	buf_free(&b);
}

/* ---- full text ---- */

/* never, always, auto (few sentences or many), and no link. */
TEST(test_fulltext_wanted)
{
	struct entry e = entry_fixture("a", "Title", FIXTURE_DATE);

	e.content = "<p>The council backs the tram line.</p>";
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_NEVER), 0);
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_ALWAYS), 1);
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_AUTO), 1);
	e.content = "<p>One. Two is here. Three follows!</p><p>Four? "
	    "Five ends it.</p>";
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_AUTO), 0);
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_ALWAYS), 1);
	e.content = NULL;
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_AUTO), 1);
	e.link = NULL;
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_AUTO), 0);
	ASSERT_INT(fulltext_wanted(&e, FULLTEXT_ALWAYS), 0);
}

/* A fetch result with body and content type (may be NULL). */
static void
page_result(struct fetch_result *f, const char *body, const char *type)
{
	memset(f, 0, sizeof(*f));
	f->ok = 1;
	f->status = 200;
	buf_init(&f->body);
	buf_addstr(&f->body, body);
	f->hdr[FETCH_HDR_CONTENT_TYPE] = type != NULL ? xstrdup(type) : NULL;
	f->effective_url = xstrdup(BASE);
}

/* A failed fetch, a PDF, a good page, a page with less text. */
TEST(test_fulltext_apply)
{
	struct entry e = entry_fixture("a", "Title", FIXTURE_DATE);
	struct fetch_result f;
	char why[256];

	e.content = xstrdup("<p>The council backs the tram line.</p>");

	memset(&f, 0, sizeof(f));
	f.error = xstrdup("Could not resolve host: news.example.com");
	f.effective_url = xstrdup(BASE);
	why[0] = '\0';
	ASSERT_INT(fulltext_apply(&e, &f, NULL, why, sizeof(why)), -1);
	ASSERT_STR(why, "Could not resolve host: news.example.com");
	ASSERT_STR(e.content, "<p>The council backs the tram line.</p>");
	fetch_result_clear(&f);

	page_result(&f, PAGE("", ARTICLE), "application/pdf");
	why[0] = '\0';
	ASSERT_INT(fulltext_apply(&e, &f, NULL, why, sizeof(why)), -1);
	ASSERT(has("why", why, "not HTML", 1));
	ASSERT_STR(e.content, "<p>The council backs the tram line.</p>");
	fetch_result_clear(&f);

	page_result(&f, PAGE("<title>t</title>", "<nav><a href=\"/\">Home"
	    "</a></nav><div>" ARTICLE "</div><footer>Footer text</footer>"),
	    "text/html; charset=utf-8");
	ASSERT_INT(fulltext_apply(&e, &f, NULL, why, sizeof(why)), 0);
	ASSERT(has("content", e.content, "<p>" P1 "</p>", 1));
	ASSERT(has("content", e.content, "<p>" P3 "</p>", 1));
	ASSERT(has("content", e.content, "Home", 0));
	ASSERT(has("content", e.content, "Footer", 0));
	fetch_result_clear(&f);

	/* The entry now says more than a short page: left alone. */
	page_result(&f, PAGE("", "<p>Just a teaser of a few words.</p>"),
	    NULL);
	why[0] = '\0';
	ASSERT_INT(fulltext_apply(&e, &f, NULL, why, sizeof(why)), -1);
	ASSERT(why[0] != '\0');
	ASSERT(has("content", e.content, "<p>" P1 "</p>", 1));
	fetch_result_clear(&f);
	free(e.content);
}

int
main(void)
{
	RUN(test_boilerplate);
	RUN(test_script_style);
	RUN(test_hidden);
	RUN(test_notices);
	RUN(test_no_empty_elements);
	RUN(test_implied_elements);
	RUN(test_selectors);
	RUN(test_site_rules);
	RUN(test_empty_page);
	RUN(test_too_large);
	RUN(test_euc_kr_meta);
	RUN(test_http_charset_wins);
	RUN(test_utf8_bom);
	RUN(test_json_ld);
	RUN(test_json_ld_body);
	RUN(test_meta_tags);
	RUN(test_links);
	RUN(test_tree_depth);
	RUN(test_deep_page);
	RUN(test_fulltext_wanted);
	RUN(test_fulltext_apply);
	return TEST_DONE();
}
