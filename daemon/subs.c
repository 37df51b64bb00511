/*
 * Subscriptions on the command line: the config's feeds listed, with
 * what the state says of their last poll, and exported as OPML 2.0 for
 * any other reader (which the config's own "opml =" and import read
 * back); a starter config for a new user.  The commands that change the
 * config are subs_add.c and subs_import.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "config.h"
#include "date.h"
#include "log.h"
#include "opml.h"
#include "savefile.h"
#include "store.h"
#include "subs.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* The last poll's outcome, in a word or a line. */
static void
last_outcome(struct store *store, const char *name, char *buf, size_t size)
{
	struct feed_state st;
	char shown[256];

	snprintf(buf, size, "never");
	if (store == NULL || store_feed_get(store, name, &st) != 0)
		return;
	if (st.gone != 0)
		snprintf(buf, size, "gone (HTTP 410)");
	else if (st.last_error != NULL) {
		log_vis(shown, sizeof(shown), st.last_error);
		snprintf(buf, size, "failing: %s", shown);
	} else if (st.last_poll != 0)
		snprintf(buf, size, "ok (HTTP %ld)", st.last_status);
	feed_state_clear(&st);
}

int
subs_list(const char *path)
{
	struct config cfg;
	struct store *store = NULL;
	char err[512], last[300], *url, name[256];

	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if (access(cfg.state, F_OK) == 0 &&
	    store_open_readonly(cfg.state, &store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg.state, err);
		config_free(&cfg);
		return EXIT_LOCAL;
	}
	for (size_t i = 0; i < cfg.nfeeds; i++) {
		const struct feed_conf *f = &cfg.feeds[i];

		last_outcome(store, f->name, last, sizeof(last));
		url = url_hide_password(f->url);
		log_vis(name, sizeof(name), f->name);
		printf("%s\t%s\t%s\t%ld\t%s\t%s\n", name, url,
		    f->folder != NULL ? f->folder : "-", f->interval,
		    f->enabled ? "enabled" : "disabled", last);
		free(url);
	}
	store_close(store);
	config_free(&cfg);
	return fflush(stdout) == EOF ? EXIT_LOCAL : EXIT_OK;
}

static void
attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	text_escape(b, value, strlen(value), TEXT_ESC_QUOTE | TEXT_ESC_XML);
	buf_addc(b, '"');
}

/*
 * The export's tree: folders hold feeds and folders, each in the order
 * the config first names it, so feeds of no folder stay at the top.
 */
struct xnode;
struct xitem {
	size_t		 feed;		/* index into cfg.feeds ... */
	struct xnode	*folder;	/* ... unless this is set */
};
struct xnode {
	char		*part;		/* this level's name; NULL at the top */
	struct xitem	*items;
	size_t		 n;
};

static struct xitem *
xnode_add(struct xnode *n)
{
	n->items = xreallocarray(n->items, n->n + 1, sizeof(*n->items));
	memset(&n->items[n->n], 0, sizeof(*n->items));
	return &n->items[n->n++];
}

/* The folder called part (len bytes) inside n, made when new. */
static struct xnode *
xnode_child(struct xnode *n, const char *part, size_t len)
{
	struct xitem *it;

	for (size_t i = 0; i < n->n; i++)
		if ((it = &n->items[i])->folder != NULL &&
		    strlen(it->folder->part) == len &&
		    memcmp(it->folder->part, part, len) == 0)
			return it->folder;
	it = xnode_add(n);
	it->folder = xcalloc(1, sizeof(*it->folder));
	it->folder->part = xstrndup(part, len);
	return it->folder;
}

static void
xnode_free(struct xnode *n)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i].folder != NULL) {
			xnode_free(n->items[i].folder);
			free(n->items[i].folder);
		}
	free(n->items);
	free(n->part);
}

/* Feed i under its folder, whose parts '/' or '.' part (folder.h). */
static void
xnode_place(struct xnode *top, const struct feed_conf *f, size_t i)
{
	struct xnode *n = top;
	size_t len;

	for (const char *p = f->folder; p != NULL && *p != '\0'; p += len) {
		p += *p == '/' || *p == '.';
		len = strcspn(p, "/.");
		n = xnode_child(n, p, len);
	}
	xnode_add(n)->feed = i;
}

static void
xnode_write(struct buf *b, const struct xnode *n, const struct config *cfg,
    int depth)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct xitem *it = &n->items[i];
		const struct feed_conf *f;
		const char *title;
		char *url;

		buf_printf(b, "%*s<outline", 2 * depth, "");
		if (it->folder != NULL) {
			attr(b, "text", it->folder->part);
			attr(b, "title", it->folder->part);
			buf_addstr(b, ">\n");
			xnode_write(b, it->folder, cfg, depth + 1);
			buf_printf(b, "%*s</outline>\n", 2 * depth, "");
			continue;
		}
		/* Credentials stay in the config, for the requests only. */
		f = &cfg->feeds[it->feed];
		url = url_strip_userinfo(f->url);
		title = f->title != NULL ? f->title : f->name;
		buf_addstr(b, " type=\"rss\"");
		attr(b, "text", title);
		attr(b, "title", title);
		attr(b, "xmlUrl", url);
		attr(b, "aggregator:name", f->name);
		buf_addstr(b, "/>\n");
		free(url);
	}
}

void
subs_opml(const struct config *cfg, struct buf *b)
{
	struct xnode top = { 0 };
	char date[40];

	for (size_t i = 0; i < cfg->nfeeds; i++)
		xnode_place(&top, &cfg->feeds[i], i);
	date_format_rfc5322(time(NULL), date, sizeof(date));
	buf_addstr(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\" xmlns:aggregator=\"" OPML_NS "\">\n"
	    "<head>\n<title>");
	text_escape(b, cfg->title, strlen(cfg->title), TEXT_ESC_XML);
	buf_printf(b, "</title>\n<dateCreated>%s</dateCreated>\n</head>\n"
	    "<body>\n", date);
	xnode_write(b, &top, cfg, 1);
	buf_addstr(b, "</body>\n</opml>\n");
	xnode_free(&top);
}

int
subs_export(const char *path)
{
	struct config cfg;
	struct buf b;
	int rc;

	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	buf_init(&b);
	subs_opml(&cfg, &b);
	rc = fwrite(b.data, 1, b.len, stdout) != b.len ||
	    fflush(stdout) == EOF ? EXIT_LOCAL : EXIT_OK;
	buf_free(&b);
	config_free(&cfg);
	return rc;
}

static const char starter[] =
"# aggregator's config, written by aggregator init.  Every key is\n"
"# described in aggregator.conf(5).\n"
"\n"
"[aggregator]\n"
"# A message per new entry (mutt -f ~/Maildir); the state of what was\n"
"# delivered, and the newest entries as one Atom feed, beside this file.\n"
"spool = %s/Maildir\n"
"state = state.db\n"
"output = merged.atom\n"
"interval = 30m\n"
"\n"
"# A section per feed; then: aggregator -c %s --once\n"
"# [feed.example]\n"
"# url = https://example.com/feed.xml\n";

/* mkdir -p, the folders made 0700. */
static int
make_dirs(const char *dir)
{
	char *d = xstrdup(dir);
	int rc = 0;

	for (char *p = d + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return rc;
}

int
subs_init(const char *dir)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	struct savefile sf;
	char *folder, *path, *text, err[512];
	int rc = EXIT_OK;

	if (home == NULL || home[0] != '/') {
		log_error("init: HOME is not set to a folder");
		return EXIT_USAGE;
	}
	if (dir != NULL)
		folder = xstrdup(dir);
	else if (xdg != NULL && xdg[0] == '/')
		folder = xasprintf("%s/aggregator", xdg);
	else
		folder = xasprintf("%s/.config/aggregator", home);
	path = xasprintf("%s/aggregator.conf", folder);
	if (access(path, F_OK) == 0) {
		log_error("init: %s exists already; it is left as it is", path);
		free(folder);
		free(path);
		return EXIT_USAGE;
	}
	text = xasprintf(starter, home, path);
	if (make_dirs(folder) == -1) {
		log_warn("init: %s", folder);
		rc = EXIT_LOCAL;
	} else if (savefile_prepare(&sf, "init", path, text, strlen(text), err,
	    sizeof(err)) == -1 ||
	    savefile_commit(&sf, "init", err, sizeof(err)) == -1) {
		log_error("%s", err);
		rc = EXIT_LOCAL;
	} else
		printf("aggregator: wrote %s; add a feed to it, then run "
		    "aggregator -c %s --once\n", path, path);
	free(text);
	free(folder);
	free(path);
	return rc;
}
