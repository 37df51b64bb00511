/*
 * The page at /: the latest stories, one block each with every outlet
 * that carried it and when, rendered on the server as plain HTML with a
 * little CSS (no script) so that a phone shows it well.  Every text is
 * escaped, format characters dropped, and a link is written only when
 * it is http(s) (text_html_link); the server adds a Content-Security-
 * Policy that allows no script at all.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "entry.h"
#include "front_page.h"
#include "text.h"
#include "xmalloc.h"

static const char style[] =
"body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:42em;"
"padding:0 1em;color:#222;background:#fff}"
"h1{font-size:1.4em;margin:1em 0 .5em}"
"article{border-top:1px solid #ddd;padding:.6em 0}"
"h2{font-size:1.1em;margin:.2em 0}"
"ul{margin:.3em 0;padding-left:1.2em}"
"li{margin:.2em 0}"
".meta,.when{color:#666;font-size:.9em}"
"a{color:#0645ad;text-decoration:none}"
"@media(prefers-color-scheme:dark){body{color:#ddd;background:#111}"
"a{color:#8ab4f8}article{border-color:#333}}";

static void
html_text(struct buf *b, const char *s)
{
	char *v = text_clean(s != NULL ? s : "", TEXT_CLEAN_LINE);

	text_escape(b, v, strlen(v), TEXT_ESC_FORMAT);
	free(v);
}

static void
html_time(struct buf *b, time_t t)
{
	char iso[32];

	date_format_iso(t, iso, sizeof(iso));
	/* "2025-11-04T09:26:00Z" shown as "2025-11-04 09:26 UTC". */
	buf_printf(b, "<time datetime=\"%s\">%.10s %.5s UTC</time>", iso,
	    iso, iso + 11);
}

/* One story: its headline (the root's), then each outlet's entry. */
static void
story_block(struct buf *b, const struct atom_story *s)
{
	/* A story of one entry is that entry (atom_write_stories). */
	int alone = s->n < 2;
	const struct entry *root = alone ? s->newest :
	    entry_story_root(s->members, s->n);
	char *title = text_clean(root->title != NULL ? root->title : "",
	    TEXT_CLEAN_LINE);
	size_t n = alone ? 1 : s->n;

	buf_addstr(b, "<article>\n<h2>");
	text_html_link(b, title, root->link);
	buf_printf(b, "</h2>\n<p class=\"meta\">%zu outlet%s</p>\n<ul>\n", n,
	    n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = alone ? s->newest : &s->members[i];
		char *et = text_clean(e->title != NULL ? e->title : "",
		    TEXT_CLEAN_LINE);

		buf_addstr(b, "<li>");
		text_html_link(b, et, e->link);
		buf_addstr(b, " \xe2\x80\x94 ");
		html_text(b, atom_outlet(e));
		buf_addstr(b, ", <span class=\"when\">");
		html_time(b, e->date);
		buf_addstr(b, "</span></li>\n");
		free(et);
	}
	buf_addstr(b, "</ul>\n</article>\n");
	free(title);
}

char *
front_page_render(const char *title, const struct atom_story *stories,
    size_t n, time_t now, size_t *len)
{
	const char *t = title != NULL && title[0] != '\0' ? title :
	    "aggregator";
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	html_text(&b, t);
	buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
	    style);
	html_text(&b, t);
	buf_addstr(&b, "</h1>\n<p class=\"meta\">");
	buf_printf(&b, "%zu stor%s, as of ", n, n == 1 ? "y" : "ies");
	html_time(&b, now);
	buf_addstr(&b, "</p>\n");
	for (size_t i = 0; i < n; i++)
		story_block(&b, &stories[i]);
	buf_addstr(&b, "</body>\n</html>\n");
	*len = b.len;
	return buf_release(&b);
}
