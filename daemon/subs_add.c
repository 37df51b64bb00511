/*
 * aggregator add and remove: a feed's section appended to the config, or
 * cut out of it (config_edit.h).  add fetches the URL first, as a poll
 * would: a feed is added as it is; a web page is read for the feeds it
 * advertises (discover.h), the one it names added, and when it names
 * several they are listed for the user to choose, by running add again
 * with one of their URLs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <uv.h>

#include "agg.h"
#include "config.h"
#include "discover.h"
#include "feed.h"
#include "feedname.h"
#include "fetch.h"
#include "folder.h"
#include "log.h"
#include "subs.h"
#include "subs_priv.h"
#include "url.h"
#include "xmalloc.h"

/* What the command line asks for. */
struct add_args {
	const char	*url;
	const char	*name;		/* NULL: made from the feed's title */
	const char	*folder;
	const char	*interval;
};

/* A fetch under way on a loop of its own, and its result once done. */
struct blocking_fetch {
	uv_loop_t		*loop;
	struct fetch_result	 res;
};

static void
fetched(struct fetch_result *r, void *arg)
{
	struct blocking_fetch *bf = arg;

	fetch_result_move(&bf->res, r);
	uv_stop(bf->loop);
}

/*
 * url fetched once, as a poll fetches it (the config's timeout and body
 * limit), on a loop of its own: a command may wait.  0 with the body in
 * res (fetch_result_clear), or -1 with a one-line reason in err.
 */
static int
fetch_blocking(const struct config *cfg, const char *url,
    struct fetch_result *res, char *err, size_t errlen)
{
	struct fetch_limits lim = { .max_total = 1, .max_per_host = 1,
	    .timeout = cfg->timeout, .max_body = (size_t)cfg->max_body };
	struct fetch_request req = { .url = url };
	struct blocking_fetch bf = { 0 };
	struct fetcher *f;
	uv_loop_t loop;
	char *shown;
	int r;

	if ((r = uv_loop_init(&loop)) != 0) {
		snprintf(err, errlen, "fetch: uv_loop_init: %s",
		    uv_strerror(r));
		return -1;
	}
	bf.loop = &loop;
	f = fetch_new(&loop, &lim);
	if (fetch_start(f, &req, fetched, &bf) == 0)
		uv_run(&loop, UV_RUN_DEFAULT);
	else
		bf.res.error = xstrdup("cannot start the transfer");
	/* The fetcher's handles close on the loop's next run. */
	fetch_free(f);
	uv_run(&loop, UV_RUN_DEFAULT);
	(void)uv_loop_close(&loop);
	if (!bf.res.ok) {
		shown = url_hide_password(url);
		snprintf(err, errlen, "fetch: %s (%s)", bf.res.error != NULL ?
		    bf.res.error : "no answer", shown);
		free(shown);
		fetch_result_clear(&bf.res);
		return -1;
	}
	fetch_result_move(res, &bf.res);
	return 0;
}

/* The fetched body read as a feed: its document, or NULL and why in err. */
static struct feed_doc *
as_feed(const struct fetch_result *res, char *err, size_t errlen)
{
	struct feed_source src = {
		.url = res->effective_url,
		.content_type = res->hdr[FETCH_HDR_CONTENT_TYPE],
		.content_location = res->hdr[FETCH_HDR_CONTENT_LOCATION],
		.content_language = res->hdr[FETCH_HDR_CONTENT_LANGUAGE],
	};

	return feed_parse(res->body.data != NULL ? res->body.data : "",
	    res->body.len, &src, err, errlen);
}

/* The bounds the key table gives a feed's interval. */
static int
interval_ok(const char *value)
{
	long n;

	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		if (k->section == CONFIG_FEED &&
		    strcmp(k->name, "interval") == 0)
			return config_parse_duration(value, &n) == 0 &&
			    n >= k->min && n <= k->max;
	}
	return 0;
}

/* The arguments checked before anything is fetched.  0, or -1 said. */
static int
check_args(struct subs_edit *se, const struct add_args *a)
{
	char why[512];

	if (a->name != NULL && !feedname_ok(a->name)) {
		log_error("add: bad feed name \"%s\" (letters, digits, '-', "
		    "'_' and '.')", a->name);
		return -1;
	}
	if (a->name != NULL && subs_edit_name_taken(se, a->name)) {
		log_error("add: a feed is already called \"%s\"", a->name);
		return -1;
	}
	if (a->folder != NULL && (folder_check(a->folder, why,
	    sizeof(why)) == -1 || !config_edit_value_ok(a->folder))) {
		log_error("add: bad folder \"%s\" (%s)", a->folder,
		    config_edit_value_ok(a->folder) ? why :
		    "it cannot be written in the config as it is");
		return -1;
	}
	if (a->interval != NULL && (!interval_ok(a->interval) ||
	    !config_edit_value_ok(a->interval))) {
		log_error("add: bad interval \"%s\" (use 45s, 30m, 2h, 1d or "
		    "seconds)", a->interval);
		return -1;
	}
	return 0;
}

/* A URL the config may take: one it can hold, and no other feed's. */
static int
check_url(struct subs_edit *se, const char *url)
{
	const char *owner;
	char msg[512], *shown;

	if (config_url_check(url, msg, sizeof(msg)) == -1 ||
	    !config_edit_value_ok(url)) {
		log_error("add: %s", config_edit_value_ok(url) ? msg :
		    "the url cannot be written in the config as it is");
		return -1;
	}
	if ((owner = subs_edit_url_owner(se, url)) != NULL) {
		shown = url_hide_password(url);
		log_error("add: %s is already in the config, as feed \"%s\"",
		    shown, owner);
		free(shown);
		return -1;
	}
	return 0;
}

/*
 * The page names several feeds: they are listed, numbered, on stdout,
 * and the command to add one said on stderr.
 */
static void
list_choices(const struct subs_edit *se, const struct add_args *a,
    const struct discover_feed *found, size_t n)
{
	char *shown = url_hide_password(a->url);

	for (size_t i = 0; i < n; i++)
		printf("%zu. %s (%s)\t%s\n", i + 1, found[i].title != NULL ?
		    found[i].title : "-", found[i].kind, found[i].url);
	log_error("add: %s names %zu feeds (listed above); add the one you "
	    "want by its URL: aggregator -c %s add URL%s%s%s%s%s%s", shown, n,
	    se->ed.path, a->name != NULL ? " " : "",
	    a->name != NULL ? a->name : "", a->folder != NULL ?
	    " --folder " : "", a->folder != NULL ? a->folder : "",
	    a->interval != NULL ? " --interval " : "",
	    a->interval != NULL ? a->interval : "");
	free(shown);
}

/*
 * What url is: a feed (*feed_url is url), or a page naming one feed
 * (*feed_url is that feed's, fetched and read too).  Its title in
 * *title (NULL when none).  The exit status; both allocated on success.
 */
static int
resolve(struct subs_edit *se, const struct add_args *a, char **feed_url,
    char **title)
{
	struct fetch_result res = { 0 };
	struct discover_feed *found = NULL;
	struct feed_doc *doc;
	char err[512], why[512], *shown;
	int n = 0, rc = EXIT_FEED_FAILED;

	*feed_url = *title = NULL;
	if (fetch_blocking(&se->cfg, a->url, &res, err, sizeof(err)) == -1) {
		log_error("add: %s", err);
		return EXIT_FEED_FAILED;
	}
	if ((doc = as_feed(&res, why, sizeof(why))) != NULL) {
		*feed_url = xstrdup(a->url);
		goto found;
	}
	n = discover_feeds(res.body.data != NULL ? res.body.data : "",
	    res.body.len, res.hdr[FETCH_HDR_CONTENT_TYPE], res.effective_url,
	    &found);
	shown = url_hide_password(a->url);
	if (n <= 0)
		log_error("add: %s is no feed (%s), and names none (no <link "
		    "rel=\"alternate\"> to a feed)", shown, why);
	else if (n > 1)
		list_choices(se, a, found, (size_t)n);
	free(shown);
	if (n != 1)
		goto out;
	fetch_result_clear(&res);
	if (check_url(se, found[0].url) == -1) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (fetch_blocking(&se->cfg, found[0].url, &res, err,
	    sizeof(err)) == -1) {
		log_error("add: %s", err);
		goto out;
	}
	if ((doc = as_feed(&res, why, sizeof(why))) == NULL) {
		shown = url_hide_password(a->url);
		log_error("add: %s names %s as its feed, which is none: %s",
		    shown, found[0].url, why);
		free(shown);
		goto out;
	}
	*feed_url = xstrdup(found[0].url);
found:
	*title = xstrdup_or_null(doc->title.value);
	feed_doc_free(doc);
	rc = EXIT_OK;
out:
	discover_free(found, n > 0 ? (size_t)n : 0);
	fetch_result_clear(&res);
	return rc;
}

static int
parse_args(int argc, char **argv, struct add_args *a)
{
	static const struct option opts[] = {
		{ "folder",	required_argument,	NULL, 'f' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ NULL,		0,			NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof(*a));
	/* 0, not 1: glibc then starts a fresh scan with its own defaults. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			a->folder = optarg;
			break;
		case 'i':
			a->interval = optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind == argc || argc - optind > 2)
		return -1;
	a->url = argv[optind];
	a->name = optind + 1 < argc ? argv[optind + 1] : NULL;
	return 0;
}

int
subs_add(const char *path, int argc, char **argv, int quiet)
{
	struct subs_edit se;
	struct config_edit_feed f = { 0 };
	struct add_args a;
	char *feed_url = NULL, *title = NULL, *name = NULL, *shown;
	int rc;

	if (parse_args(argc, argv, &a) == -1) {
		log_error("add: usage: aggregator [-c FILE] add URL [NAME] "
		    "[--folder F] [--interval D]");
		return EXIT_USAGE;
	}
	if ((rc = subs_edit_begin(&se, "add", path, quiet)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (check_args(&se, &a) == -1 || check_url(&se, a.url) == -1)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("add: cannot initialise libcurl");
		rc = EXIT_LOCAL;
		goto out;
	}
	rc = resolve(&se, &a, &feed_url, &title);
	curl_global_cleanup();
	if (rc != EXIT_OK)
		goto out;
	name = a.name != NULL ? xstrdup(a.name) :
	    subs_edit_name(&se, title, feed_url);
	f.name = name;
	f.url = feed_url;
	f.folder = a.folder;
	f.interval = a.interval;
	subs_edit_add(&se, &f);
	shown = url_hide_password(feed_url);
	rc = subs_edit_commit(&se, "aggregator: added feed %s (%s)%s%s\n",
	    name, shown, a.folder != NULL ? " into folder " : "",
	    a.folder != NULL ? a.folder : "");
	free(shown);
out:
	free(feed_url);
	free(title);
	free(name);
	subs_edit_end(&se);
	return rc;
}

int
subs_remove(const char *path, const char *name, int quiet)
{
	const struct feed_conf *fc;
	struct subs_edit se;
	char *shown;
	int rc;

	if ((rc = subs_edit_begin(&se, "remove", path, quiet)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if ((fc = config_find_feed(&se.cfg, name)) == NULL)
		log_error("remove: no feed \"%s\" in %s", name, path);
	else if (fc->line == 0)
		log_error("remove: feed \"%s\" comes from the OPML file %s; "
		    "remove its outline there", name, se.cfg.opml);
	else if (config_edit_remove(&se.ed.text, name) == -1)
		log_error("remove: no [feed.%s] section in %s", name, path);
	else {
		shown = url_hide_password(fc->url);
		rc = subs_edit_commit(&se, "aggregator: removed feed %s (%s)\n",
		    name, shown);
		free(shown);
	}
out:
	subs_edit_end(&se);
	return rc;
}
