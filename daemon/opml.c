/*
 * OPML subscription lists.  Every <outline> carrying xmlUrl is handed to
 * the caller with its title; naming the feeds and skipping ones already
 * known is the config's business, so this file knows nothing of it.
 */
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "opml.h"

static void
walk(xmlNode *node, opml_outline_cb cb, void *arg)
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
			cb((char *)title, (char *)url, xmlGetLineNo(n), arg);
			xmlFree(url);
			xmlFree(title);
		}
		walk(n->children, cb, arg);
	}
}

int
opml_load(const char *path, opml_outline_cb cb, void *arg, char *err,
    size_t errlen)
{
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
	walk(root->children, cb, arg);
	xmlFreeDoc(doc);
	return 0;
}
