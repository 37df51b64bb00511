/*
 * aggregator import FILE: the feeds of an OPML file or of newsboat's urls
 * file appended to the config in one rewrite.  A file whose first
 * character (after a byte order mark and white space) is '<' is read as
 * OPML, any other as a urls file.  Feeds whose URL the config already has
 * are left out and counted; a line that cannot become a feed is said, on
 * a warning line naming it, and left out; a folder or title the config
 * cannot take is left out of its feed the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "config.h"
#include "feedname.h"
#include "folder.h"
#include "log.h"
#include "newsboat.h"
#include "opml.h"
#include "subs.h"
#include "subs_priv.h"
#include "text.h"
#include "xmalloc.h"

struct importer {
	struct subs_edit	*se;
	const char		*file;
	size_t			 added;
	size_t			 known;		/* already in the config */
	size_t			 skipped;
};

/* A feed of the file as the config can hold it; NULLs may be left out. */
struct import_feed {
	const char	*url;
	const char	*title;
	const char	*folder;
	const char	*name;		/* the name it had, from our export */
	long		 line;
};

/* text made one line; NULL when it is empty or the config cannot hold it. */
static char *
value_of(struct importer *im, long line, const char *what, const char *text)
{
	char *v;

	if (text == NULL)
		return NULL;
	v = text_clean(text, TEXT_CLEAN_LINE);
	if (*v != '\0' && !config_edit_value_ok(v)) {
		log_warnx("import: %s:%ld: %s \"%s\" left out: the config "
		    "cannot hold it as it is", im->file, line, what, v);
		*v = '\0';
	}
	if (*v == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

static void
import_feed(struct importer *im, const struct import_feed *in)
{
	struct config_edit_feed f = { 0 };
	char msg[512], *title, *folder, *name;

	if (config_url_check(in->url, msg, sizeof(msg)) == -1 ||
	    !config_edit_value_ok(in->url)) {
		log_warnx("import: %s:%ld: skipped: %s", im->file, in->line,
		    config_edit_value_ok(in->url) ? msg :
		    "the url cannot be written in the config as it is");
		im->skipped++;
		return;
	}
	if (subs_edit_url_owner(im->se, in->url) != NULL) {
		im->known++;
		return;
	}
	folder = value_of(im, in->line, "folder", in->folder);
	if (folder != NULL && folder_check(folder, msg, sizeof(msg)) == -1) {
		log_warnx("import: %s:%ld: folder \"%s\" left out: %s",
		    im->file, in->line, folder, msg);
		free(folder);
		folder = NULL;
	}
	title = value_of(im, in->line, "title", in->title);
	/* Named from the title it came with, written or not. */
	name = in->name != NULL && feedname_ok(in->name) &&
	    !subs_edit_name_taken(im->se, in->name) ? xstrdup(in->name) :
	    subs_edit_name(im->se, in->title, in->url);
	f.name = name;
	f.url = in->url;
	f.title = title;
	f.folder = folder;
	subs_edit_add(im->se, &f);
	im->added++;
	free(title);
	free(folder);
	free(name);
}

/*
 * An outline.  Our export writes a feed without a title of its own with
 * its name as the title (readers want one): an outline whose title is
 * its aggregator:name comes back without one.
 */
static void
opml_feed(const struct opml_outline *o, void *arg)
{
	struct import_feed in = { .url = o->url, .title = o->title,
	    .folder = o->folder, .name = o->name, .line = o->line };

	if (o->name != NULL && o->title != NULL &&
	    strcmp(o->name, o->title) == 0)
		in.title = NULL;
	import_feed(arg, &in);
}

/*
 * A urls line: the first plain tag (not "~title", not newsboat's "!"
 * that hides a feed) is the folder; the config has no tags for the rest.
 * Query feeds are newsboat's searches of its own articles: none to poll.
 */
static void
urls_feed(const struct newsboat_line *nl, void *arg)
{
	struct importer *im = arg;
	struct import_feed in = { .url = nl->url, .title = nl->title,
	    .line = nl->line };

	if (strncmp(nl->url, "query:", 6) == 0) {
		log_warnx("import: %s:%ld: skipped: a query feed is a search "
		    "of newsboat's own articles, with nothing to poll",
		    im->file, nl->line);
		im->skipped++;
		return;
	}
	for (size_t i = 0; i < nl->ntags && in.folder == NULL; i++)
		if (nl->tags[i][0] != '!' && nl->tags[i][0] != '\0')
			in.folder = nl->tags[i];
	import_feed(im, &in);
}

/* Whether the text is XML: '<' first, after a byte order mark. */
static int
looks_xml(const char *s)
{
	if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s += strspn(s, " \t\r\n");
	return *s == '<';
}

int
subs_import(const char *path, const char *file, int quiet)
{
	struct importer im = { 0 };
	struct subs_edit se;
	struct buf text;
	char err[512];
	int rc;

	buf_init(&text);
	if ((rc = subs_edit_begin(&se, "import", path, quiet)) != EXIT_OK)
		goto out;
	im.se = &se;
	im.file = file;
	if (buf_read_file(&text, file) == -1) {
		log_warn("import: %s", file);
		rc = EXIT_USAGE;
		goto out;
	}
	if (looks_xml(text.data != NULL ? text.data : "")) {
		if (opml_load(file, opml_feed, &im, err, sizeof(err)) == -1) {
			log_error("import: %s", err);
			rc = EXIT_USAGE;
			goto out;
		}
	} else
		newsboat_parse(text.data != NULL ? text.data : "", urls_feed,
		    &im);
	if (im.added == 0) {
		if (!quiet)
			printf("aggregator: imported no feed from %s (%zu "
			    "already in the config, %zu skipped); %s is left "
			    "as it is\n", file, im.known, im.skipped, path);
		goto out;
	}
	rc = subs_edit_commit(&se, "aggregator: imported %zu feed%s from %s "
	    "(%zu already in the config, %zu skipped)\n", im.added,
	    im.added == 1 ? "" : "s", file, im.known, im.skipped);
out:
	buf_free(&text);
	subs_edit_end(&se);
	return rc;
}
