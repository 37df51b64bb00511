/*
 * OPML subscription lists.  Every <outline> carrying xmlUrl is handed to
 * the caller with its title and the path of the outlines around it, its
 * folder; naming the feeds and skipping ones already known is the
 * config's business, so this file knows nothing of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "opml.h"
#include "text.h"
#include "xmalloc.h"

/* The outline's title, else its text; to be freed with xmlFree. */
static xmlChar *
outline_title(xmlNode *n)
{
	xmlChar *title = xmlGetProp(n, BAD_CAST "title");

	if (title == NULL || *title == '\0') {
		xmlFree(title);
		title = xmlGetProp(n, BAD_CAST "text");
	}
	return title;
}

/*
 * Appends a folder outline's title to the folder path as one level: one
 * line, and the separators of folder names ('/' and '.') made dashes.
 */
static void
folder_push(struct buf *path, const char *title)
{
	char *part = text_clean(title != NULL ? title : "", TEXT_CLEAN_LINE);

	for (char *c = part; *c != '\0'; c++)
		if (*c == '/' || *c == '.')
			*c = '-';
	if (*part != '\0') {
		if (path->len > 0)
			buf_addc(path, '/');
		buf_addstr(path, part);
	}
	free(part);
}

static void
walk(xmlNode *node, struct buf *folder, opml_outline_cb cb, void *arg)
{
	struct opml_outline o;
	xmlChar *url, *title, *name;
	size_t len;

	for (xmlNode *n = node; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		len = folder->len;
		title = NULL;
		if (xmlStrcasecmp(n->name, BAD_CAST "outline") == 0) {
			title = outline_title(n);
			if ((url = xmlGetProp(n, BAD_CAST "xmlUrl")) != NULL) {
				name = xmlGetNsProp(n, BAD_CAST "name",
				    BAD_CAST OPML_NS);
				o.url = (const char *)url;
				o.title = (const char *)title;
				o.folder = len > 0 ? folder->data : NULL;
				o.name = (const char *)name;
				o.line = xmlGetLineNo(n);
				cb(&o, arg);
				xmlFree(url);
				xmlFree(name);
			} else
				folder_push(folder, (const char *)title);
		}
		walk(n->children, folder, cb, arg);
		xmlFree(title);
		folder->len = len;
		if (folder->data != NULL)
			folder->data[len] = '\0';
	}
}

int
opml_load(const char *path, opml_outline_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct buf folder;
	xmlDoc *doc;
	xmlNode *root;

	/* No network, no entity substitution, no DTD: the file is data. */
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		snprintf(err, errlen, "cannot read OPML file %s", path);
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcasecmp(root->name, BAD_CAST "opml") != 0) {
		snprintf(err, errlen, "%s is not an OPML file", path);
		xmlFreeDoc(doc);
		return -1;
	}
	buf_init(&folder);
	walk(root->children, &folder, cb, arg);
	buf_free(&folder);
	xmlFreeDoc(doc);
	return 0;
}
