/*
 * Tests for the merged Atom writer: the output parses as XML, keeps entry
 * order, escapes markup and drops characters XML cannot hold, replaces the
 * old file atomically, and fails cleanly when the folder is missing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "atom.h"
#include "entry_fixture.h"
#include "test.h"
#include "xmalloc.h"

#define ATOM_NS	"http://www.w3.org/2005/Atom"

static const char *tmpdir;		/* the scratch folder */


/* The first child element of n called name in the Atom namespace. */
static xmlNode *
child(xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && n->ns != NULL &&
		    strcmp((const char *)n->ns->href, ATOM_NS) == 0 &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* The text of n's child name, allocated ("" when absent). */
static char *
text(xmlNode *n, const char *name)
{
	xmlChar *c;
	char *s;

	if ((n = child(n, name)) == NULL ||
	    (c = xmlNodeGetContent(n)) == NULL)
		return xstrdup("");
	s = xstrdup((const char *)c);
	xmlFree(c);
	return s;
}

static int
check_text(xmlNode *n, const char *name, const char *want)
{
	char *got = text(n, name);
	int ok = strcmp(got, want) == 0;

	if (!ok)
		printf("#   <%s> is \"%s\", expected \"%s\"\n", name, got, want);
	free(got);
	return ok;
}

static xmlDoc *
parse(const char *path)
{
	return xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
}

TEST(test_write_and_parse)
{
	struct entry e[3];
	char err[256], *path = xasprintf("%s/merged.atom", tmpdir);
	xmlDoc *doc;
	xmlNode *root, *n, *src, *link;
	xmlChar *href;
	int i;

	e[0] = entry_fixture("aaaa", "Newest <&]]> title", 1700000300);
	/* What a URL may hold that XML must escape. */
	e[0].link = "http://127.0.0.1:8080/post?a=1&b=\"2\"";
	e[0].feed_url = "http://127.0.0.1:8080/feed.xml?a=1&b=2";
	e[0].content = "<p>Hello &amp; world</p>";
	e[1] = entry_fixture("bbbb", "Ctl\x01\x02\x1b bad\xff" "end\ttab", 1700000200);
	e[1].author = (char *)"Jane <jane@example.org>";
	e[1].content = (char *)"a ]]> b \x0c c <![CDATA[x]]>";
	e[2] = entry_fixture("cccc", "\xed\x95\x9c\xea\xb5\xad", 1700000100);
	e[2].link = NULL;
	e[2].feed_title = NULL;
	e[2].feed_url = NULL;

	ASSERT_INT(atom_write(path, "Merged & <more>", "urn:x-test:merged", e,
	    3, err, sizeof(err)), 0);
	doc = parse(path);
	ASSERT(doc != NULL);
	if (doc == NULL) {
		free(path);
		return;
	}
	root = xmlDocGetRootElement(doc);
	ASSERT_STR((const char *)root->name, "feed");
	ASSERT(root->ns != NULL && strcmp((const char *)root->ns->href,
	    ATOM_NS) == 0);
	ASSERT(check_text(root, "id", "urn:x-test:merged"));
	ASSERT(check_text(root, "title", "Merged & <more>"));
	ASSERT(check_text(root, "updated", "2023-11-14T22:18:20Z"));
	ASSERT(check_text(root, "generator", "aggregator"));

	i = 0;
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "entry") != 0)
			continue;
		switch (i++) {
		case 0:
			ASSERT(check_text(n, "id", "urn:aggregator:aaaa"));
			ASSERT(check_text(n, "title", "Newest <&]]> title"));
			ASSERT(check_text(n, "updated", "2023-11-14T22:18:20Z"));
			ASSERT(check_text(n, "content",
			    "<p>Hello &amp; world</p>"));
			link = child(n, "link");
			href = link != NULL ? xmlGetProp(link,
			    (const xmlChar *)"href") : NULL;
			ASSERT_STR((const char *)href,
			    "http://127.0.0.1:8080/post?a=1&b=\"2\"");
			xmlFree(href);
			ASSERT(check_text(child(n, "author"), "name",
			    "Example News"));
			src = child(n, "source");
			ASSERT(check_text(src, "id",
			    "http://127.0.0.1:8080/feed.xml?a=1&b=2"));
			ASSERT(check_text(src, "title", "Example News"));
			break;
		case 1:
			ASSERT(check_text(n, "id", "urn:aggregator:bbbb"));
			ASSERT(check_text(n, "title",
			    "Ctl bad\xef\xbf\xbd" "end\ttab"));
			ASSERT(check_text(n, "content",
			    "a ]]> b  c <![CDATA[x]]>"));
			ASSERT(check_text(child(n, "author"), "name",
			    "Jane <jane@example.org>"));
			break;
		case 2:
			ASSERT(check_text(n, "id", "urn:aggregator:cccc"));
			ASSERT(check_text(n, "title", "\xed\x95\x9c\xea\xb5\xad"));
			ASSERT(child(n, "link") == NULL);
			ASSERT(check_text(child(n, "author"), "name", "news"));
			ASSERT(check_text(child(n, "source"), "title", "news"));
			break;
		}
	}
	ASSERT_INT(i, 3);
	xmlFreeDoc(doc);
	free(path);
}

/* The number of entries in tmpdir other than the given file. */
static int
leftovers(const char *keep)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(tmpdir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.' && strcmp(d->d_name, keep) != 0)
			n++;
	closedir(dp);
	return n;
}

TEST(test_replace_and_empty)
{
	char err[256], *path = xasprintf("%s/empty.atom", tmpdir);
	xmlDoc *doc;
	xmlNode *root;
	FILE *f;

	f = fopen(path, "w");
	ASSERT(f != NULL);
	if (f != NULL) {
		fputs("old contents", f);
		fclose(f);
	}
	ASSERT_INT(atom_write(path, NULL, "urn:x-test:empty", NULL, 0, err,
	    sizeof(err)), 0);
	doc = parse(path);
	ASSERT(doc != NULL);
	if (doc != NULL) {
		root = xmlDocGetRootElement(doc);
		ASSERT(child(root, "entry") == NULL);
		ASSERT(check_text(root, "title", "aggregator"));
		ASSERT(child(root, "updated") != NULL);
		xmlFreeDoc(doc);
	}
	/* No temporary file is left next to the output. */
	ASSERT_INT(leftovers("empty.atom"), 1);	/* merged.atom from before */
	free(path);
}

TEST(test_write_fails)
{
	struct entry e = entry_fixture("dddd", "t", 1);
	char err[256], *path = xasprintf("%s/no/such/dir/out.atom", tmpdir);

	err[0] = '\0';
	ASSERT_INT(atom_write(path, "t", "urn:x", &e, 1, err, sizeof(err)), -1);
	ASSERT(strstr(err, "atom: open ") != NULL);
	ASSERT(strstr(err, "No such file or directory") != NULL);
	free(path);

	/* The target is a directory: the rename fails, the tmp is removed. */
	path = xasprintf("%s/adir", tmpdir);
	ASSERT_INT(mkdir(path, 0700), 0);
	sprintf(err, "-");
	ASSERT_INT(atom_write(path, "t", "urn:x", &e, 1, err, sizeof(err)), -1);
	ASSERT(strstr(err, "atom: rename ") != NULL);
	ASSERT_INT(leftovers("adir"), 2);	/* merged.atom, empty.atom */
	rmdir(path);
	free(path);
}

int
main(void)
{
	tmpdir = test_dir("t_atom");
	RUN(test_write_and_parse);
	RUN(test_replace_and_empty);
	RUN(test_write_fails);
	xmlCleanupParser();
	return TEST_DONE();
}
