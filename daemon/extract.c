/*
 * The article in a web page: the bytes decoded (the charset from HTTP,
 * a byte order mark or a <meta>, else UTF-8), parsed into a tree
 * (html_tree.c), what the page says about the article read
 * (extract_meta.c), the article found by scoring (extract_clean.c,
 * extract_score.c) and written as sanitised HTML and as text.  When a
 * pass finds little text, the next one is less strict, as Readability
 * retries: first unlikely-looking parts are kept, then class names are
 * not weighed, then containers are not cleaned up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "extract.h"
#include "extract_priv.h"
#include "html_text.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

/* A pass that finds fewer characters lets the next, laxer one try. */
#define ENOUGH_CHARS	500
#define PRESCAN_BYTES	4096

/*
 * Sites whose pages scoring reads badly, by their article's container:
 * the two portals most Korean news links lead to.  A config's rule for
 * a host comes first.
 */
static const struct extract_site builtin_sites[] = {
	{ "news.naver.com",
	  "#dic_area, #articleBodyContents, #newsEndContents",
	  ".end_photo_org, .img_desc, .vod_player_wrap" },
	{ "entertain.naver.com", "#articeBody, ._article_content",
	  ".end_photo_org, .img_desc" },
	{ "v.daum.net", ".article_view", "figcaption, .txt_caption" },
};

static const int passes[] = {
	X_ALL,
	X_WEIGHT_CLASSES | X_CLEAN_CONDITIONALLY,
	X_CLEAN_CONDITIONALLY,
	0,
};

/*
 * The charset a <meta charset> or <meta http-equiv content> names in the
 * page's first bytes (lowercase, into name), as browsers prescan.
 */
static int
meta_charset(const char *p, size_t len, char *name, size_t size)
{
	const char *end = p + (len < PRESCAN_BYTES ? len : PRESCAN_BYTES);
	const char *m, *gt, *c;
	size_t k;

	for (m = p; m + 5 < end; m++) {
		if (*m != '<' || strncasecmp(m + 1, "meta", 4) != 0)
			continue;
		if ((gt = memchr(m, '>', (size_t)(end - m))) == NULL)
			return -1;
		for (c = m; c + 8 < gt; c++)
			if (strncasecmp(c, "charset", 7) == 0)
				break;
		if (c + 8 >= gt) {
			m = gt;
			continue;
		}
		for (c += 7; c < gt && (*c == ' ' || *c == '=' || *c == '"' ||
		    *c == '\''); c++)
			;
		for (k = 0; c < gt && k + 1 < size &&
		    strchr(" \"';/>", *c) == NULL; c++)
			name[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		name[k] = '\0';
		return k > 0 ? 0 : -1;
	}
	return -1;
}

const char *
extract_page_utf8(const char *page, size_t *len, const char *content_type,
    char **own)
{
	char *type = NULL, *http = NULL, meta[40];
	const char *bom, *name;
	struct buf b;
	size_t nbad;
	int r;

	*own = NULL;
	bom = charset_sniff_bom(&page, len);
	charset_content_type(content_type, &type, &http);
	name = bom != NULL ? bom : http;
	if (name == NULL && meta_charset(page, *len, meta, sizeof(meta)) == 0)
		/* A page that reached a <meta> is ASCII-compatible. */
		name = strncmp(meta, "utf-16", 6) == 0 ? "utf-8" :
		    strcmp(meta, "x-user-defined") == 0 ? "windows-1252" :
		    meta;
	if (name == NULL)
		name = "utf-8";
	buf_init(&b);
	if ((r = charset_decode(name, page, *len, &b, &nbad)) == -1 &&
	    strcmp(name, "utf-8") != 0)
		r = charset_decode("utf-8", page, *len, &b, &nbad);
	if (r == -1) {
		buf_reset(&b);
		r = charset_decode("windows-1252", page, *len, &b, &nbad);
	}
	free(type);
	free(http);
	if (r == 1) {
		buf_free(&b);
		return page;
	}
	*len = b.len;
	*own = buf_release(&b);
	return *own;
}

static uint32_t
find_body(const struct html_tree *t)
{
	uint32_t i;

	for (i = 1; i < t->n; i++)
		if (t->nodes[i].tag == HT_BODY)
			return i;
	return 0;
}

/* Whether host is site or one of its subdomains. */
static int
host_in(const char *host, const char *site)
{
	size_t h = strlen(host), n = strlen(site);

	if (strncmp(site, "www.", 4) == 0) {
		site += 4;
		n -= 4;
	}
	return h >= n && strcasecmp(host + h - n, site) == 0 &&
	    (h == n || host[h - n - 1] == '.');
}

/* The rule for the page at url: the first of sites, else a built-in. */
static const struct extract_site *
site_rule(const char *url, const struct extract_site *sites, size_t n)
{
	char host[256];
	const char *path;
	size_t i;

	if (url == NULL || url_site(url, host, sizeof(host), &path) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		if (host_in(host, sites[i].host))
			return &sites[i];
	for (i = 0; i < sizeof(builtin_sites) / sizeof(builtin_sites[0]); i++)
		if (host_in(host, builtin_sites[i].host))
			return &builtin_sites[i];
	return NULL;
}

/* The characters of the parts marked MARK_KEEP. */
static uint32_t
kept_chars(const struct xdoc *d)
{
	uint32_t i, chars = 0;

	/* From node 0: a page without <body> may be kept whole. */
	for (i = 0; i < d->t.n; i++)
		if ((d->t.nodes[i].mark & (MARK_KEEP | MARK_DROP)) == MARK_KEEP)
			chars += d->st[i].chars;
	return chars;
}

/*
 * The site rule's pass: what it keeps is the article, cleaned of notices
 * but not weighed (its class names may look unlikely).
 */
static uint32_t
rule_pass(struct xdoc *d)
{
	d->flags = 0;
	xclean_page(d);
	xstat_count(d);
	if (xkeep_by_rule(d) != 0)
		return 0;
	xclean_article(d);
	return kept_chars(d);
}

/* One pass: the article's characters, its parts marked MARK_KEEP. */
static uint32_t
pass(struct xdoc *d, int flags)
{
	d->flags = flags;
	xclean_page(d);
	xstat_count(d);
	if (xscore_article(d) != 0)
		return 0;
	xclean_article(d);
	return kept_chars(d);
}

/* Text with a paragraph per line, as HTML. */
static char *
body_html(const char *text)
{
	struct buf b;
	size_t n;

	buf_init(&b);
	buf_addstr(&b, "");
	for (; *text != '\0'; text += n + (text[n] == '\n')) {
		n = strcspn(text, "\n");
		if (n == strspn(text, " \t"))
			continue;
		buf_addstr(&b, "<p>");
		text_escape(&b, text, n, 0);
		buf_addstr(&b, "</p>");
	}
	return buf_release(&b);
}

static void
no_link_targets(const char *href, void *arg)
{
	(void)href;
	(void)arg;
}

int
extract_page(const char *page, size_t len, const char *content_type,
    const char *base_url, const struct extract_site *sites, size_t nsites,
    struct extract_result *out, char *err, size_t errlen)
{
	const struct extract_site *rule;
	struct xdoc d;
	char *ld_body = NULL;
	const char *html;
	char *own, *raw;
	uint32_t chars, best_chars = 0;
	size_t k, best = 0;

	memset(out, 0, sizeof(*out));
	if (len > EXTRACT_MAX_PAGE) {
		snprintf(err, errlen, "page of %zu bytes over the limit of %u",
		    len, EXTRACT_MAX_PAGE);
		return -1;
	}
	html = extract_page_utf8(page, &len, content_type, &own);
	memset(&d, 0, sizeof(d));
	if (html_tree_parse(&d.t, html, len) != 0) {
		snprintf(err, errlen, "page of more than %u elements",
		    HTML_TREE_NODES);
		html_tree_free(&d.t);
		free(own);
		return -1;
	}
	free(own);
	d.body = find_body(&d.t);
	d.st = xcalloc(d.t.n, sizeof(*d.st));
	d.score = xcalloc(d.t.n, sizeof(*d.score));
	xmeta(&d, out, &ld_body);
	d.title = out->title;
	if ((rule = site_rule(base_url, sites, nsites)) != NULL) {
		d.keep = rule->keep ? xselect_parse(rule->keep) : NULL;
		d.drop = rule->drop ? xselect_parse(rule->drop) : NULL;
	}
	k = 0;
	if (d.keep != NULL && rule_pass(&d) > 0)
		k = SIZE_MAX;	/* no scoring */
	for (; k < sizeof(passes) / sizeof(passes[0]); k++) {
		if ((chars = pass(&d, passes[k])) >= ENOUGH_CHARS)
			break;
		if (chars > best_chars) {
			best_chars = chars;
			best = k;
		}
	}
	if (k == sizeof(passes) / sizeof(passes[0]) && best != k - 1)
		pass(&d, passes[best]);
	xselect_free(d.keep);
	xselect_free(d.drop);
	/*
	 * A page whose markup holds little article (a script fills it in)
	 * may say it in JSON-LD; on pages with both, the markup measured
	 * better (bench/RESULTS.md), so it comes first.
	 */
	if (ld_body != NULL && kept_chars(&d) < ENOUGH_CHARS &&
	    utf8_chars(ld_body) > kept_chars(&d))
		raw = body_html(ld_body);
	else
		raw = xrender_html(&d);
	free(ld_body);
	out->html = sanitize_html(raw, base_url);
	out->text = html_text_cited(out->html, no_link_targets, NULL);
	free(raw);
	free(d.st);
	free(d.score);
	html_tree_free(&d.t);
	return 0;
}

void
extract_result_free(struct extract_result *r)
{
	if (r == NULL)
		return;
	free(r->title);
	free(r->byline);
	free(r->published);
	free(r->text);
	free(r->html);
	memset(r, 0, sizeof(*r));
}
