/*
 * html_text: the text/plain rendering of an entry's HTML, read in one
 * pass.  The rules shared with the message (blocks, lists, <pre>, links)
 * are also checked through message_render in t_message; these are the
 * edges of the markup itself.
 */
#include <stdlib.h>

#include "html_text.h"
#include "test.h"

static int
text_is(const char *html, const char *want)
{
	char *got = html_text(html);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		printf("#   html %s\n#   got  \"%s\"\n#   want \"%s\"\n", html,
		    got, want);
	free(got);
	return ok;
}

/* Named and numeric references; what is not one stays as written. */
TEST(test_references)
{
	ASSERT(text_is("a &amp; b &lt;&gt; &quot;&eacute;&nbsp;x",
	    "a & b <> \"\xc3\xa9\xc2\xa0x"));
	ASSERT(text_is("&#65;&#x42;&#X43;&#x1F4F0;", "ABC\xf0\x9f\x93\xb0"));
	/* No character: U+FFFD, as for a surrogate or past U+10FFFF. */
	ASSERT(text_is("&#0;&#xD800;&#x110000;&#99999999999;",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
	/* Unknown names, names without ';', a lone '&' or "&#". */
	ASSERT(text_is("&bogus; &amp &; & &# &#x;",
	    "&bogus; &amp &; & &# &#x;"));
	ASSERT(text_is("AT&amp;T", "AT&T"));
	ASSERT(text_is("", ""));
}

/* Comments, declarations and a '<' that starts no tag. */
TEST(test_markup)
{
	ASSERT(text_is("a<!-- <p>hidden</p> -->b<!DOCTYPE html>c<?pi x?>d",
	    "abcd"));
	ASSERT(text_is("1 < 2 <3 </ >x", "1 < 2 <3 x"));
	ASSERT(text_is("open <!-- never closed <p>x", "open"));
	/* A tag cut off by the end of the text. */
	ASSERT(text_is("x<p class=\"y", "x"));
	/* Attributes in every quoting; '>' inside quotes. */
	ASSERT(text_is("<p title='a>b' id=c data-x>y</p><br/>z", "y\nz"));
}

/* script, style, title, head: dropped with their content. */
TEST(test_skipped)
{
	ASSERT(text_is("a<script>if (1 < 2) x = \"</p>\";</script>b",
	    "ab"));
	ASSERT(text_is("a<STYLE>p { }</style >b<title>t</title>c", "abc"));
	ASSERT(text_is("a<script>never closed", "a"));
	/* Only the same name ends it, not a longer one. */
	ASSERT(text_is("a<style>x</styles>y</style>b", "ab"));
}

/* Link targets: shown after the text unless the text is the URL. */
TEST(test_links)
{
	ASSERT(text_is("<a href='http://x/?a=1&amp;b=2'>t</a>",
	    "t <http://x/?a=1&b=2>"));
	ASSERT(text_is("<a href=https://u/v>https://u/v</a>", "https://u/v"));
	ASSERT(text_is("<a name=n>n</a> <a href=\"mailto:m\">m</a>", "n m"));
	/* Nested: the inner one closes first. */
	ASSERT(text_is("<a href=\"http://o\">o <a href=\"http://i\">i</a>"
	    "</a>", "o i <http://i> <http://o>"));
	/* Left open: it ends with its block, or with the text. */
	ASSERT(text_is("<p><a href=\"http://p\">p</p>q", "p <http://p>\n\nq"));
	ASSERT(text_is("<a href=\"http://e\">e", "e <http://e>"));
	/* A stray </a> closes nothing. */
	ASSERT(text_is("</a>x", "x"));
}

/* Blocks: <hr> has no end, an end tag without a start is harmless. */
TEST(test_blocks)
{
	ASSERT(text_is("a<hr>b", "a\n\nb"));
	ASSERT(text_is("a</p></pre></div>b", "a\n\nb"));
	ASSERT(text_is("<pre>a  b</pre><pre>\tc  </pre>d e",
	    "a  b\n\n\tc  \n\nd e"));
	ASSERT(text_is("<ol><li>1</li><li>2</ol>3", "- 1\n- 2\n\n3"));
}

/* Cells of a row are apart, rows each on a line. */
TEST(test_table_cells)
{
	ASSERT(text_is("<table><tr><th>Pos.</th><th>Driver</th></tr>"
	    "<tr><td>1</td><td>Kyle Busch</td></tr></table>",
	    "Pos. Driver\n1 Kyle Busch"));
}

int
main(void)
{
	RUN(test_references);
	RUN(test_table_cells);
	RUN(test_markup);
	RUN(test_skipped);
	RUN(test_links);
	RUN(test_blocks);
	return TEST_DONE();
}
