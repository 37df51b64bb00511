/*
 * Tests for url.c: RFC 3986 section 5.4 resolution examples, the
 * canonical form of SPEC.md "Deduplication", and the key digests.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "url.h"

struct pair {
	const char	*in;
	const char	*want;
};

static void	check_resolve(const char *, const char *, const char *);
static void	check_canon(const char *, const char *);
static void	check_pairs(char *(*)(const char *), const char *,
		    const struct pair *, size_t);
static int	same_key(const char *, const char *);

static void
check_resolve(const char *base, const char *ref, const char *want)
{
	char *got;

	got = url_resolve(base, ref);
	if (strcmp(got, want) != 0)
		TEST_FAIL("resolve(\"%s\", \"%s\") is \"%s\", expected \"%s\"",
		    base ? base : "(null)", ref, got, want);
	free(got);
}

static void
check_canon(const char *in, const char *want)
{
	char *got;

	got = url_canonical(in);
	if (strcmp(got, want) != 0)
		TEST_FAIL("canonical(\"%s\") is \"%s\", expected \"%s\"",
		    in, got, want);
	free(got);
}

/* 1 when both URLs get the same key: their canonical forms are one. */
static int
same_key(const char *a, const char *b)
{
	char *ca, *cb;
	int same;

	ca = url_canonical(a);
	cb = url_canonical(b);
	same = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

static const char rfc_base[] = "http://a/b/c/d;p?q";

/* RFC 3986 section 5.4.1. */
static const struct pair rfc_normal[] = {
	{ "g:h", "g:h" },
	{ "g", "http://a/b/c/g" },
	{ "./g", "http://a/b/c/g" },
	{ "g/", "http://a/b/c/g/" },
	{ "/g", "http://a/g" },
	{ "//g", "http://g" },
	{ "?y", "http://a/b/c/d;p?y" },
	{ "g?y", "http://a/b/c/g?y" },
	{ "#s", "http://a/b/c/d;p?q#s" },
	{ "g#s", "http://a/b/c/g#s" },
	{ "g?y#s", "http://a/b/c/g?y#s" },
	{ ";x", "http://a/b/c/;x" },
	{ "g;x", "http://a/b/c/g;x" },
	{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
	{ "", "http://a/b/c/d;p?q" },
	{ ".", "http://a/b/c/" },
	{ "./", "http://a/b/c/" },
	{ "..", "http://a/b/" },
	{ "../", "http://a/b/" },
	{ "../g", "http://a/b/g" },
	{ "../..", "http://a/" },
	{ "../../", "http://a/" },
	{ "../../g", "http://a/g" },
};

/* RFC 3986 section 5.4.2, the strict reading of "http:g". */
static const struct pair rfc_abnormal[] = {
	{ "../../../g", "http://a/g" },
	{ "../../../../g", "http://a/g" },
	{ "/./g", "http://a/g" },
	{ "/../g", "http://a/g" },
	{ "g.", "http://a/b/c/g." },
	{ ".g", "http://a/b/c/.g" },
	{ "g..", "http://a/b/c/g.." },
	{ "..g", "http://a/b/c/..g" },
	{ "./../g", "http://a/b/g" },
	{ "./g/.", "http://a/b/c/g/" },
	{ "g/./h", "http://a/b/c/g/h" },
	{ "g/../h", "http://a/b/c/h" },
	{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
	{ "g;x=1/../y", "http://a/b/c/y" },
	{ "g?y/./x", "http://a/b/c/g?y/./x" },
	{ "g?y/../x", "http://a/b/c/g?y/../x" },
	{ "g#s/./x", "http://a/b/c/g#s/./x" },
	{ "g#s/../x", "http://a/b/c/g#s/../x" },
	{ "http:g", "http:g" },
};

TEST(resolve_rfc_normal)
{
	size_t i;

	for (i = 0; i < sizeof(rfc_normal) / sizeof(rfc_normal[0]); i++)
		check_resolve(rfc_base, rfc_normal[i].in, rfc_normal[i].want);
}

TEST(resolve_rfc_abnormal)
{
	size_t i;

	for (i = 0; i < sizeof(rfc_abnormal) / sizeof(rfc_abnormal[0]); i++)
		check_resolve(rfc_base, rfc_abnormal[i].in,
		    rfc_abnormal[i].want);
}

TEST(resolve_feed_cases)
{
	/* Whitespace around a link in the XML is not part of it. */
	check_resolve("http://example.com/feed.xml", "\n\t  /post/1  \n",
	    "http://example.com/post/1");
	/* An empty reference is the base without its fragment. */
	check_resolve("http://example.com/a?x=1#top", "",
	    "http://example.com/a?x=1");
	check_resolve("http://example.com/a?x=1#top", "#f",
	    "http://example.com/a?x=1#f");
	check_resolve("http://example.com/a?x=1#top", "?y=2",
	    "http://example.com/a?y=2");
	check_resolve("https://example.com/dir/feed", "//cdn.example.net/i",
	    "https://cdn.example.net/i");
	/* A base with an empty path merges onto "/". */
	check_resolve("http://example.com", "x", "http://example.com/x");
	check_resolve("http://example.com/feed", "https://other.org/p",
	    "https://other.org/p");
	check_resolve(NULL, "/post/1", "/post/1");
	check_resolve("feed.xml", " post/1 ", "post/1");
	check_resolve("http://example.com/a/b", "../../../c",
	    "http://example.com/c");
	check_resolve("file:///srv/feeds/f.xml", "a.html",
	    "file:///srv/feeds/a.html");
	check_resolve("http://example.com/a/b", NULL, "http://example.com/a/b");
}

TEST(is_absolute)
{
	ASSERT_INT(url_is_absolute("http://a/"), 1);
	ASSERT_INT(url_is_absolute("urn:uuid:1234"), 1);
	ASSERT_INT(url_is_absolute("svn+ssh://h/p"), 1);
	ASSERT_INT(url_is_absolute("x-1.a:b"), 1);
	ASSERT_INT(url_is_absolute("/path"), 0);
	ASSERT_INT(url_is_absolute("path:with/colon"), 1);
	ASSERT_INT(url_is_absolute("./a:b"), 0);
	ASSERT_INT(url_is_absolute("1http://a"), 0);
	ASSERT_INT(url_is_absolute(":x"), 0);
	ASSERT_INT(url_is_absolute("http"), 0);
	ASSERT_INT(url_is_absolute(""), 0);
	ASSERT_INT(url_is_absolute(NULL), 0);
}

/* Only http(s) links are published: any case, after white space. */
TEST(is_http)
{
	static const char *const yes[] = {
		"http://a/", "HTTPS://A/x", " \t\nhttps://a/",
	};
	static const char *const no[] = {
		"javascript:alert(1)", " JaVaScRiPt:alert(1)",
		"vbscript:msgbox(1)", "DATA:text/html,x", "java\tscript:x",
		"file:///etc/passwd", "https:x", "/relative", "", NULL,
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ASSERT_INT(url_is_http(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ASSERT_INT(url_is_http(no[i]), 0);
}

TEST(canonical_tracking_params)
{
	check_canon("https://www.reuters.com/x/?utm_source=openai",
	    "https://www.reuters.com/x/");
	check_canon("http://e.com/p?utm_source=a&utm_medium=b&UTM_Campaign=c"
	    "&Utm_Term&utm_=1", "http://e.com/p");
	check_canon("http://e.com/p?id=7&utm_source=rss&page=2",
	    "http://e.com/p?id=7&page=2");
	check_canon("http://e.com/p?fbclid=x&a=1&GCLID=y&mc_cid=1&MC_EID=2"
	    "&b=%20c", "http://e.com/p?a=1&b=%20c");
	/* Order and exact bytes of kept parameters are left alone. */
	check_canon("http://e.com/p?z=1&a=2&A=3&utm=4&xutm_a=5",
	    "http://e.com/p?z=1&a=2&A=3&utm=4&xutm_a=5");
	check_canon("http://e.com/p?fbclid2=1&gclidx=2",
	    "http://e.com/p?fbclid2=1&gclidx=2");
	check_canon("http://e.com/p?", "http://e.com/p");
	check_canon("http://e.com/p?&&", "http://e.com/p");
	check_canon("http://e.com/p?a=1&&b=2", "http://e.com/p?a=1&b=2");
}

TEST(canonical_host_port_fragment)
{
	check_canon("HTTP://WWW.Example.COM/Path/To?Q=V#Frag",
	    "http://www.example.com/Path/To?Q=V");
	check_canon("http://User:Pw@Example.com/", "http://User:Pw@example.com/");
	check_canon("http://e.com:80/a", "http://e.com/a");
	check_canon("https://e.com:443/a", "https://e.com/a");
	check_canon("http://e.com:443/a", "http://e.com:443/a");
	check_canon("https://e.com:80/a", "https://e.com:80/a");
	check_canon("http://e.com:8080/a", "http://e.com:8080/a");
	check_canon("http://e.com:/a", "http://e.com/a");
	check_canon("http://[::1]:80/a", "http://[::1]/a");
	check_canon("http://[::1]/a", "http://[::1]/a");
	check_canon("http://A.com", "http://a.com/");
	check_canon("http://a.com/x/../y/./z", "http://a.com/y/z");
	check_canon("http://a.com/x#", "http://a.com/x");
	/* Trailing slash, escapes and the scheme itself stay as published. */
	check_canon("http://a.com/x/", "http://a.com/x/");
	check_canon("http://a.com/%7Ex%2f", "http://a.com/%7Ex%2f");
	check_canon("http://ex%C3%A4mple.COM/", "http://ex%C3%A4mple.com/");
	check_canon("  http://a.com/x \n", "http://a.com/x");
}

TEST(canonical_other_schemes)
{
	check_canon("URN:ISBN:0451450523#x", "urn:ISBN:0451450523");
	check_canon("mailto:Joe@Example.COM?subject=Hi",
	    "mailto:Joe@Example.COM?subject=Hi");
	check_canon("tag:Example.com,2004:Post/1", "tag:Example.com,2004:Post/1");
}

TEST(canonical_keys)
{
	ASSERT(same_key("https://www.reuters.com/x/?utm_source=openai",
	    "https://www.reuters.com/x/"));
	ASSERT(same_key("http://A.com", "http://a.com/"));
	ASSERT(same_key("HTTP://a.com:80/p?utm_medium=x#c", "http://a.com/p"));
	ASSERT(!same_key("http://a.com/p", "http://a.com/q"));
	ASSERT(!same_key("http://a.com/p", "http://a.com/p/"));
	ASSERT(!same_key("http://a.com/p", "https://a.com/p"));
	ASSERT(!same_key("http://a.com/p?id=1", "http://a.com/p?id=2"));
	ASSERT(!same_key("http://a.com/P", "http://a.com/p"));
}

/* f(in) is want for each pair; f returns an allocated string. */
static void
check_pairs(char *(*f)(const char *), const char *name,
    const struct pair *cases, size_t n)
{
	size_t i;
	char *got;

	for (i = 0; i < n; i++) {
		got = f(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			TEST_FAIL("%s(\"%s\") is \"%s\", expected \"%s\"",
			    name, cases[i].in, got, cases[i].want);
		free(got);
	}
}

TEST(hide_password)
{
	static const struct pair cases[] = {
		{ "https://user:pass@host/feed", "https://user:***@host/feed" },
		{ "https://user:p%40ss@Host:8443", "https://user:***@Host:8443" },
		/* The last '@' of the authority ends the userinfo. */
		{ "http://u:a@b@host/x?y=z@w", "http://u:***@host/x?y=z@w" },
		{ "http://user@host/", "http://user@host/" },
		{ "http://:pw@host/", "http://:***@host/" },
		{ "http://host/a@b", "http://host/a@b" },
		{ "file:///x/y", "file:///x/y" },
		{ "no url", "no url" },
		{ "", "" },
		/* Free text: every URL in it. */
		{ "fetch: HTTP 401 (https://u:secret@a.example/f)",
		  "fetch: HTTP 401 (https://u:***@a.example/f)" },
		{ "from http://a:b@x to svn+ssh://c:d@y, done",
		  "from http://a:***@x to svn+ssh://c:***@y, done" },
		{ "\"://a:b@c\"", "\"://a:b@c\"" },
	};

	check_pairs(url_hide_password, "url_hide_password", cases,
	    sizeof(cases) / sizeof(cases[0]));
	ASSERT(url_hide_password(NULL) == NULL);
}

TEST(strip_userinfo)
{
	static const struct pair cases[] = {
		{ "https://user:pass@host/feed?q#f", "https://host/feed?q#f" },
		{ "http://user@host", "http://host" },
		{ "http://u:a@b@host:81/", "http://host:81/" },
		{ "http://host/a@b", "http://host/a@b" },
		{ "file:///x", "file:///x" },
		{ "relative/path", "relative/path" },
	};

	check_pairs(url_strip_userinfo, "url_strip_userinfo", cases,
	    sizeof(cases) / sizeof(cases[0]));
	ASSERT(url_strip_userinfo(NULL) == NULL);
}

TEST(lend_userinfo)
{
	static const struct {
		const char	*url, *owner, *want;
	} cases[] = {
		{ "https://host/new", "https://u:p@host/old",
		  "https://u:p@host/new" },
		/* Host case and a default port written out are the same. */
		{ "https://HOST:443/new", "https://u:p@host/old",
		  "https://u:p@HOST:443/new" },
		/* Another host, port or scheme gets nothing. */
		{ "https://other/new", "https://u:p@host/old",
		  "https://other/new" },
		{ "https://host:8443/new", "https://u:p@host/old",
		  "https://host:8443/new" },
		{ "http://host/new", "https://u:p@host/old", "http://host/new" },
		/* Its own userinfo stays; an owner without any lends none. */
		{ "https://v:q@host/new", "https://u:p@host/old",
		  "https://v:q@host/new" },
		{ "https://host/new", "https://host/old", "https://host/new" },
		{ "file:///x", "https://u:p@host/old", "file:///x" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = url_lend_userinfo(cases[i].url, cases[i].owner);
		if (strcmp(got, cases[i].want) != 0)
			TEST_FAIL("url_lend_userinfo(\"%s\", \"%s\") is "
			    "\"%s\", expected \"%s\"", cases[i].url,
			    cases[i].owner, got, cases[i].want);
		free(got);
	}
}

TEST(site)
{
	static const struct {
		const char	*url, *host, *path;
	} cases[] = {
		{ "https://www.Reuters.com/world/x?a=1", "reuters.com",
		    "/world/x?a=1" },
		{ "http://user:pw@uk.reuters.com:8080/a", "uk.reuters.com", "/a" },
		{ "https://[::1]:8443/feed", "[::1]", "/feed" },
		{ "https://[::1]/feed", "[::1]", "/feed" },
		{ "HTTPS://Example.ORG", "example.org", "" },
		{ "https://example.org?q#f", "example.org", "?q#f" },
	};
	const char *path;
	char host[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (url_site(cases[i].url, host, sizeof(host), &path) == -1) {
			TEST_FAIL("url_site(\"%s\") failed", cases[i].url);
			continue;
		}
		if (strcmp(host, cases[i].host) != 0 ||
		    strcmp(path, cases[i].path) != 0)
			TEST_FAIL("url_site(\"%s\") is \"%s\" \"%s\", expected "
			    "\"%s\" \"%s\"", cases[i].url, host, path,
			    cases[i].host, cases[i].path);
	}
	ASSERT_INT(url_site("javascript:alert(1)", host, sizeof(host), &path),
	    -1);
	ASSERT_INT(url_site("https:///x", host, sizeof(host), &path), -1);
	ASSERT_INT(url_site("https://www.example.org/", host, 8, &path), -1);
}

int
main(void)
{
	RUN(resolve_rfc_normal);
	RUN(resolve_rfc_abnormal);
	RUN(resolve_feed_cases);
	RUN(is_absolute);
	RUN(is_http);
	RUN(canonical_tracking_params);
	RUN(canonical_host_port_fragment);
	RUN(canonical_other_schemes);
	RUN(canonical_keys);
	RUN(hide_password);
	RUN(strip_userinfo);
	RUN(lend_userinfo);
	RUN(site);
	return TEST_DONE();
}
