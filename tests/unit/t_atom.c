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
static const struct atom_head head_t = { "t", "urn:x", NULL, NULL };


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

/* Writes n entries to path and reads them back; NULL if either fails. */
static xmlDoc *
write_parsed(const char *path, const struct atom_head *head,
    const struct entry *e, size_t n)
{
	char err[256];

	if (atom_write(path, head, e, n, err, sizeof(err)) == -1) {
		printf("#   atom_write: %s\n", err);
		return NULL;
	}
	return parse(path);
}

TEST(test_write_and_parse)
{
	static const struct atom_head head = {
		"Merged & <more>", "urn:x-test:merged", NULL, NULL
	};
	struct entry e[3];
	char *path = xasprintf("%s/merged.atom", tmpdir);
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

	doc = write_parsed(path, &head, e, 3);
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
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 &&
		    strcmp(d->d_name, keep) != 0)
			n++;
	closedir(dp);
	return n;
}

TEST(test_replace_and_empty)
{
	static const struct atom_head head = {
		NULL, "urn:x-test:empty", NULL, NULL
	};
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
	ASSERT_INT(atom_write(path, &head, NULL, 0, err, sizeof(err)), 0);
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
	ASSERT_INT(atom_write(path, &head_t, &e, 1, err, sizeof(err)), -1);
	ASSERT(strstr(err, "atom: open ") != NULL);
	ASSERT(strstr(err, "No such file or directory") != NULL);
	free(path);

	/* The target is a directory: the rename fails, the tmp is removed. */
	path = xasprintf("%s/adir", tmpdir);
	ASSERT_INT(mkdir(path, 0700), 0);
	sprintf(err, "-");
	ASSERT_INT(atom_write(path, &head_t, &e, 1, err, sizeof(err)), -1);
	ASSERT(strstr(err, "atom: rename ") != NULL);
	ASSERT_INT(leftovers("adir"), 2);	/* merged.atom, empty.atom */
	rmdir(path);
	free(path);
}

/* The href of n's child <link rel="rel">, allocated ("" when none). */
static char *
link_href(xmlNode *n, const char *rel)
{
	xmlChar *r, *h;
	char *s = NULL;

	for (n = n != NULL ? n->children : NULL; n != NULL && s == NULL;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "link") != 0)
			continue;
		r = xmlGetProp(n, (const xmlChar *)"rel");
		if (r != NULL && strcmp((const char *)r, rel) == 0 &&
		    (h = xmlGetProp(n, (const xmlChar *)"href")) != NULL) {
			s = xstrdup((const char *)h);
			xmlFree(h);
		}
		xmlFree(r);
	}
	return s != NULL ? s : xstrdup("");
}

/* The nth <entry> of root. */
static xmlNode *
nth_entry(xmlNode *root, int nth)
{
	xmlNode *n;

	for (n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "entry") == 0 && nth-- == 0)
			return n;
	return NULL;
}

/*
 * A self link when the feed's URL is known; each entry's own update and
 * publication times, none later than when it was first seen; its feed's
 * own id in atom:source.
 */
TEST(test_self_dates_source)
{
	static const struct atom_head head = {
		"Mine", "urn:uuid:0b6c3f7e-1d2a-4c5b-9e8f-a1b2c3d4e5f6",
		"https://example.org/news.atom?a=1&b=2", NULL
	};
	struct entry e[4];
	char *path = xasprintf("%s/dates.atom", tmpdir), *href;
	xmlDoc *doc;
	xmlNode *root, *n;

	/* Published then updated, both before it was first seen. */
	e[0] = entry_fixture("aaaa", "Updated", 1700000000);
	e[0].seen = 1700000900;
	e[0].published = 1700000000;
	e[0].updated = 1700000600;
	e[0].source_id = "tag:example.org,2024:feed";
	/* Dated in the year 9999: placed when first seen. */
	e[1] = entry_fixture("bbbb", "Future", 253402300799);
	e[1].seen = 1700000500;
	e[1].published = 253402300799;
	e[1].updated = 253402300799;
	/* Only a publication time. */
	e[2] = entry_fixture("cccc", "Published", 1700000100);
	e[2].seen = 1700000200;
	e[2].published = 1700000100;
	e[2].feed_url = "http://user:***@127.0.0.1:8080/private.xml";
	/* Neither: the time it was first seen. */
	e[3] = entry_fixture("dddd", "Undated", 1699999000);

	doc = write_parsed(path, &head, e, 4);
	ASSERT(doc != NULL);
	if (doc == NULL) {
		free(path);
		return;
	}
	root = xmlDocGetRootElement(doc);
	ASSERT(check_text(root, "id", head.id));
	href = link_href(root, "self");
	ASSERT_STR(href, "https://example.org/news.atom?a=1&b=2");
	free(href);
	/* The newest update written, not the year 9999. */
	ASSERT(check_text(root, "updated", "2023-11-14T22:23:20Z"));

	n = nth_entry(root, 0);
	ASSERT(check_text(n, "updated", "2023-11-14T22:23:20Z"));
	ASSERT(check_text(n, "published", "2023-11-14T22:13:20Z"));
	ASSERT(check_text(child(n, "source"), "id",
	    "tag:example.org,2024:feed"));
	href = link_href(child(n, "source"), "self");
	ASSERT_STR(href, "http://127.0.0.1:8080/feed.xml");
	free(href);
	n = nth_entry(root, 1);
	ASSERT(check_text(n, "updated", "2023-11-14T22:21:40Z"));
	ASSERT(check_text(n, "published", "2023-11-14T22:21:40Z"));
	n = nth_entry(root, 2);
	ASSERT(check_text(n, "updated", "2023-11-14T22:15:00Z"));
	ASSERT(check_text(n, "published", "2023-11-14T22:15:00Z"));
	/* No id of its own: its URL, without credentials. */
	ASSERT(check_text(child(n, "source"), "id",
	    "http://127.0.0.1:8080/private.xml"));
	n = nth_entry(root, 3);
	ASSERT(check_text(n, "updated", "2023-11-14T21:56:40Z"));
	ASSERT(child(n, "published") == NULL);
	xmlFreeDoc(doc);

	/* No output_url, no self link. */
	doc = write_parsed(path, &head_t, e, 1);
	ASSERT(doc != NULL);
	if (doc != NULL) {
		href = link_href(xmlDocGetRootElement(doc), "self");
		ASSERT_STR(href, "");
		free(href);
		xmlFreeDoc(doc);
	}
	unlink(path);
	free(path);
}

/* The first line of the file at path, or "" (static). */
static const char *
first_line(const char *path)
{
	static char line[256];
	FILE *f;

	line[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	return line;
}

/*
 * An output that is a symlink (into a web root, say) is replaced where
 * it leads, through a temporary file there; the link stays a link.
 */
TEST(test_symlink_written_through)
{
	struct entry e = entry_fixture("eeee", "Through", 1700000000);
	char err[256], buf[256], *web, *target, *link, *link2, *p;
	struct stat sb;
	ssize_t n;
	DIR *dp;
	struct dirent *d;
	int files;

	web = xasprintf("%s/web", tmpdir);
	ASSERT_INT(mkdir(web, 0755), 0);
	target = xasprintf("%s/news.atom", web);
	link = xasprintf("%s/link.atom", tmpdir);
	link2 = xasprintf("%s/link2.atom", tmpdir);
	/* Relative, and to a file not there yet. */
	ASSERT_INT(symlink("web/news.atom", link), 0);
	ASSERT_INT(symlink("link.atom", link2), 0);

	ASSERT_INT(atom_write(link2, &head_t, &e, 1, err, sizeof(err)), 0);
	ASSERT_INT(lstat(link, &sb), 0);
	ASSERT(S_ISLNK(sb.st_mode));
	ASSERT_INT(lstat(link2, &sb), 0);
	ASSERT(S_ISLNK(sb.st_mode));
	n = readlink(link, buf, sizeof(buf) - 1);
	ASSERT_INT(n, (ssize_t)strlen("web/news.atom"));
	ASSERT_INT(lstat(target, &sb), 0);
	ASSERT(S_ISREG(sb.st_mode));
	ASSERT(strncmp(first_line(target), "<?xml", 5) == 0);

	/* Written again: replaced there, nothing left beside it. */
	ASSERT_INT(atom_write(link, &head_t, &e, 1, err, sizeof(err)), 0);
	ASSERT(strncmp(first_line(target), "<?xml", 5) == 0);
	files = 0;
	if ((dp = opendir(web)) != NULL) {
		while ((d = readdir(dp)) != NULL)
			files += d->d_name[0] != '.';
		closedir(dp);
	}
	ASSERT_INT(files, 1);

	/* A loop of links is refused with a reason. */
	p = xasprintf("%s/loop.atom", tmpdir);
	ASSERT_INT(symlink("loop.atom", p), 0);
	err[0] = '\0';
	ASSERT_INT(atom_write(p, &head_t, &e, 1, err, sizeof(err)), -1);
	ASSERT(strstr(err, "Too many levels of symbolic links") != NULL);
	unlink(p);
	free(p);

	unlink(link2);
	unlink(link);
	unlink(target);
	rmdir(web);
	free(link2);
	free(link);
	free(target);
	free(web);
}

int
main(void)
{
	tmpdir = test_dir("t_atom");
	RUN(test_write_and_parse);
	RUN(test_replace_and_empty);
	RUN(test_write_fails);
	RUN(test_self_dates_source);
	RUN(test_symlink_written_through);
	xmlCleanupParser();
	return TEST_DONE();
}
