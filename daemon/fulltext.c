/*
 * Full text: an entry of a feed with fulltext = always, or auto and
 * fewer than three sentences of its own, is given the article extracted
 * from the page its link leads to (extract.c), sanitised, in place of
 * the feed's content; a page that fails leaves the entry as it was.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "config.h"
#include "entry.h"
#include "extract.h"
#include "fetch.h"
#include "fulltext.h"
#include "html_text.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

struct fulltext_sites {
	atomic_int		 refs;
	struct extract_site	*v;
	size_t			 n;
};

struct fulltext_sites *
fulltext_sites_new(const struct config *cfg)
{
	struct fulltext_sites *s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	s->v = config_sites_copy(cfg);
	s->n = cfg->nsites;
	return s;
}

struct fulltext_sites *
fulltext_sites_ref(struct fulltext_sites *s)
{
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void
fulltext_sites_unref(struct fulltext_sites *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	config_sites_free(s->v, s->n);
	free(s);
}

/* Sentence ends: . ! ? and the full-width 。！？, then space or the end. */
static size_t
sentences(const char *s)
{
	static const char *const ends[] = { "\xe3\x80\x82", "\xef\xbc\x81",
	    "\xef\xbc\x9f" };
	size_t n = 0, k, len;

	for (; *s != '\0'; s++) {
		len = 0;
		if (*s == '.' || *s == '!' || *s == '?')
			len = 1;
		for (k = 0; k < 3 && len == 0; k++)
			if (strncmp(s, ends[k], 3) == 0)
				len = 3;
		if (len == 0)
			continue;
		if (s[len] == '\0' || s[len] == ' ' || s[len] == '\n' ||
		    len == 3)
			n++;
		s += len - 1;
	}
	return n;
}

int
fulltext_wanted(const struct entry *e, long mode)
{
	char *text;
	int few;

	if (e->link == NULL || mode == FULLTEXT_NEVER)
		return 0;
	if (mode == FULLTEXT_ALWAYS)
		return 1;
	text = html_text(e->content != NULL ? e->content : "");
	few = sentences(text) < FULLTEXT_FEW_SENTENCES;
	free(text);
	return few;
}

/* Whether a Content-Type (NULL: none sent) may be a page. */
static int
html_type(const char *content_type)
{
	char *type, *charset;
	int ok;

	if (content_type == NULL)
		return 1;
	charset_content_type(content_type, &type, &charset);
	ok = type[0] == '\0' || text_is_html_type(type);
	free(type);
	free(charset);
	return ok;
}

int
fulltext_apply(struct entry *e, const struct fetch_result *page,
    const struct fulltext_sites *sites, char *why, size_t whylen)
{
	const char *type = page->hdr[FETCH_HDR_CONTENT_TYPE];
	struct extract_result r;
	char err[256], *own;
	size_t have;

	if (!page->ok) {
		snprintf(why, whylen, "%s", page->error != NULL ?
		    page->error : "failed");
		return -1;
	}
	if (!html_type(type)) {
		snprintf(why, whylen, "not HTML but %s", type);
		return -1;
	}
	if (extract_page(page->body.data != NULL ? page->body.data : "",
	    page->body.len, type, page->effective_url,
	    sites != NULL ? sites->v : NULL, sites != NULL ? sites->n : 0,
	    &r, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	own = html_text(e->content != NULL ? e->content : "");
	have = utf8_chars(own);
	free(own);
	if (r.text[0] == '\0' || utf8_chars(r.text) <= have) {
		snprintf(why, whylen, "no article longer than the entry's "
		    "text on the page");
		extract_result_free(&r);
		return -1;
	}
	entry_set_content(e, r.html);
	r.html = NULL;
	extract_result_free(&r);
	return 0;
}
