/*
 * OPML subscription lists.  Every <outline> carrying xmlUrl is a feed; its
 * name is made from the outline's title (or text) so it is stable across
 * runs, and a URL already in the INI file is not added twice.
 */
#include <ctype.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "config.h"
#include "log.h"
#include "opml.h"
#include "xmalloc.h"

static int
has_url(const struct config *cfg, const char *url)
{
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (cfg->feeds[i].url != NULL &&
		    strcmp(cfg->feeds[i].url, url) == 0)
			return 1;
	return 0;
}

/* "Reuters Tech!" -> "opml-reuters-tech", made unique with a counter. */
static char *
make_name(const struct config *cfg, const char *title)
{
	struct buf b;
	char *base, *name;
	int dash = 1;

	buf_init(&b);
	buf_addstr(&b, "opml-");
	for (const unsigned char *c = (const unsigned char *)title; *c; c++) {
		if (isalnum(*c)) {
			buf_addc(&b, (char)tolower(*c));
			dash = 0;
		} else if (!dash) {
			buf_addc(&b, '-');
			dash = 1;
		}
	}
	while (b.len > 5 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (b.len == 5)
		buf_addstr(&b, "feed");
	base = buf_release(&b);
	name = xstrdup(base);
	for (int n = 2; config_find_feed(cfg, name) != NULL; n++) {
		free(name);
		name = xasprintf("%s-%d", base, n);
	}
	free(base);
	return name;
}

static void
walk(xmlNode *node, struct config *cfg, long interval)
{
	for (xmlNode *n = node; n != NULL; n = n->next) {
		xmlChar *url, *title;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, BAD_CAST "outline") == 0 &&
		    (url = xmlGetProp(n, BAD_CAST "xmlUrl")) != NULL) {
			title = xmlGetProp(n, BAD_CAST "title");
			if (title == NULL)
				title = xmlGetProp(n, BAD_CAST "text");
			if (!has_url(cfg, (char *)url)) {
				char *name = make_name(cfg, title != NULL ?
				    (char *)title : (char *)url);
				struct feed_conf *f = config_add_feed(cfg,
				    name, 0);

				f->url = xstrdup((char *)url);
				if (title != NULL && *title != '\0')
					f->title = xstrdup((char *)title);
				f->interval = interval;
				free(name);
			}
			xmlFree(url);
			xmlFree(title);
		}
		walk(n->children, cfg, interval);
	}
}

int
opml_load(const char *path, struct config *cfg)
{
	xmlDoc *doc;
	xmlNode *root;

	/* No network, no entity substitution, no DTD: the file is data. */
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		log_error("%s: cannot read OPML file %s", cfg->path, path);
		return 1;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcasecmp(root->name, BAD_CAST "opml") != 0) {
		log_error("%s: %s is not an OPML file", cfg->path, path);
		xmlFreeDoc(doc);
		return 1;
	}
	walk(root->children, cfg, cfg->interval);
	xmlFreeDoc(doc);
	return 0;
}
