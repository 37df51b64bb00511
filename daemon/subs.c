/*
 * Subscriptions on the command line: the config's feeds listed, with
 * what the state says of their last poll, and exported as OPML 2.0 for
 * any other reader (which the config's own "opml =" reads back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "config.h"
#include "date.h"
#include "log.h"
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
		printf("%s\t%s\t%ld\t%s\t%s\n", name, url, f->interval,
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

int
subs_export(const char *path)
{
	struct config cfg;
	struct buf b;
	char date[40], *url;
	int rc;

	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	date_format_rfc5322(time(NULL), date, sizeof(date));
	buf_init(&b);
	buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\">\n<head>\n<title>");
	text_escape(&b, cfg.title, strlen(cfg.title), TEXT_ESC_XML);
	buf_printf(&b, "</title>\n<dateCreated>%s</dateCreated>\n</head>\n"
	    "<body>\n", date);
	for (size_t i = 0; i < cfg.nfeeds; i++) {
		const struct feed_conf *f = &cfg.feeds[i];
		const char *title = f->title != NULL ? f->title : f->name;

		/* Credentials stay in the config, for the requests only. */
		url = url_strip_userinfo(f->url);
		buf_addstr(&b, "<outline type=\"rss\"");
		attr(&b, "text", title);
		attr(&b, "title", title);
		attr(&b, "xmlUrl", url);
		buf_addstr(&b, "/>\n");
		free(url);
	}
	buf_addstr(&b, "</body>\n</opml>\n");
	rc = fwrite(b.data, 1, b.len, stdout) != b.len ||
	    fflush(stdout) == EOF ? EXIT_LOCAL : EXIT_OK;
	buf_free(&b);
	config_free(&cfg);
	return rc;
}
