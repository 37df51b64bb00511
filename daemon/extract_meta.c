/*
 * What a page says about its article besides the text: the title, the
 * byline and the publication time, from schema.org JSON-LD, Open Graph
 * and article: properties, <meta name>, and the page's own elements, in
 * that order; and the JSON-LD articleBody, for a page whose own markup
 * holds little text (one its scripts fill in).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "date.h"
#include "extract.h"
#include "extract_priv.h"
#include "text.h"
#include "xmalloc.h"

#define JSONLD_MAX_DEPTH	8

struct meta {
	char	*title;
	char	*byline;
	char	*published;
	char	*body;		/* JSON-LD articleBody, lines kept */
};

static void
set_once(char **slot, const char *v)
{
	char *clean;

	if (*slot != NULL || v == NULL)
		return;
	clean = text_clean(v, TEXT_CLEAN_LINE);
	if (clean[0] == '\0') {
		free(clean);
		return;
	}
	*slot = clean;
}

static void
set_date_once(char **slot, const char *v)
{
	char iso[64];
	time_t when;

	if (*slot != NULL || v == NULL || date_parse(v, &when) != 0)
		return;
	date_format_iso(when, iso, sizeof(iso));
	*slot = xstrdup(iso);
}

static int
article_type(json_t *o)
{
	static const char *const types[] = {
		"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
		"AnalysisNewsArticle", "OpinionNewsArticle", "TechArticle",
		"ScholarlyArticle", "Report", "LiveBlogPosting", NULL
	};
	json_t *t = json_object_get(o, "@type"), *v;
	size_t i, k;

	if (json_is_string(t)) {
		for (k = 0; types[k] != NULL; k++)
			if (strcmp(json_string_value(t), types[k]) == 0)
				return 1;
		return 0;
	}
	json_array_foreach(t, i, v)
		if (json_is_string(v))
			for (k = 0; types[k] != NULL; k++)
				if (strcmp(json_string_value(v), types[k]) == 0)
					return 1;
	return 0;
}

/* The name of a schema.org author: a string, a Person, or a list. */
static const char *
author_name(json_t *a)
{
	json_t *n;

	if (json_is_array(a))
		a = json_array_get(a, 0);
	if (json_is_string(a))
		return json_string_value(a);
	n = json_object_get(a, "name");
	return json_is_string(n) ? json_string_value(n) : NULL;
}

static void
jsonld_walk(json_t *v, struct meta *m, int depth)
{
	json_t *x;
	size_t i;

	if (depth > JSONLD_MAX_DEPTH)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			jsonld_walk(x, m, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	if (article_type(v)) {
		x = json_object_get(v, "headline");
		set_once(&m->title, json_string_value(x));
		set_once(&m->byline, author_name(json_object_get(v, "author")));
		x = json_object_get(v, "datePublished");
		set_date_once(&m->published, json_string_value(x));
		x = json_object_get(v, "articleBody");
		if (m->body == NULL && json_is_string(x))
			m->body = text_clean(json_string_value(x),
			    TEXT_CLEAN_LINES);
	}
	jsonld_walk(json_object_get(v, "@graph"), m, depth + 1);
}

static void
jsonld(const struct html_tree *t, uint32_t i, struct meta *m)
{
	const char *type = html_tree_attr(t, i, "type");
	uint32_t c = t->nodes[i].first;
	json_t *root;

	if (type == NULL || strcasecmp(type, "application/ld+json") != 0 ||
	    c == 0 || t->nodes[c].tag != HT_TEXT)
		return;
	root = json_loadb(html_tree_str(t, c), t->nodes[c].len,
	    JSON_DISABLE_EOF_CHECK, NULL);
	if (root == NULL)
		return;
	jsonld_walk(root, m, 0);
	json_decref(root);
}

/* <meta property|name|itemprop = key content = value>. */
static void
meta_tag(const struct html_tree *t, uint32_t i, struct meta *m,
    int pass)
{
	const char *key = html_tree_attr(t, i, "property");
	const char *v = html_tree_attr(t, i, "content");

	if (key == NULL)
		key = html_tree_attr(t, i, "name");
	if (key == NULL)
		key = html_tree_attr(t, i, "itemprop");
	if (key == NULL || v == NULL)
		return;
	if (pass == 0) {
		if (strcasecmp(key, "og:title") == 0)
			set_once(&m->title, v);
		else if (strcasecmp(key, "article:published_time") == 0)
			set_date_once(&m->published, v);
		else if (strcasecmp(key, "author") == 0 ||
		    strcasecmp(key, "article:author") == 0)
			/* article:author is often the author's page. */
			set_once(&m->byline, strstr(v, "://") ? NULL : v);
	} else {
		if (strcasecmp(key, "twitter:title") == 0 ||
		    strcasecmp(key, "dc.title") == 0)
			set_once(&m->title, v);
		else if (strcasecmp(key, "datepublished") == 0 ||
		    strcasecmp(key, "date") == 0 ||
		    strcasecmp(key, "pubdate") == 0 ||
		    strcasecmp(key, "dc.date") == 0 ||
		    strcasecmp(key, "og:published_time") == 0)
			set_date_once(&m->published, v);
		else if (strcasecmp(key, "dc.creator") == 0 ||
		    strcasecmp(key, "byl") == 0)
			set_once(&m->byline, v);
	}
}

void
xmeta(const struct xdoc *d, struct extract_result *out, char **body)
{
	const struct html_tree *t = &d->t;
	struct meta m = { NULL, NULL, NULL, NULL };
	uint32_t i;
	char *s;
	int pass;

	for (i = 1; i < t->n; i++)
		if (t->nodes[i].tag == HT_SCRIPT)
			jsonld(t, i, &m);
	for (pass = 0; pass < 2; pass++)
		for (i = 1; i < t->n; i++)
			if (t->nodes[i].tag == HT_META)
				meta_tag(t, i, &m, pass);
	for (i = 1; i < t->n && (m.title == NULL || m.published == NULL); i++)
		if (t->nodes[i].tag == HT_TITLE && m.title == NULL) {
			s = xnode_text(t, i);
			set_once(&m.title, s);
			free(s);
		} else if (t->nodes[i].tag == HT_TIME)
			set_date_once(&m.published,
			    html_tree_attr(t, i, "datetime"));
	out->title = m.title;
	out->byline = m.byline;
	out->published = m.published;
	*body = m.body;
}
