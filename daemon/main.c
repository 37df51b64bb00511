/*
 * aggregator: command line, start-up and exit status.  The only file that
 * exits; everything else returns errors to here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "agg.h"
#include "config.h"
#include "conformance_json.h"
#include "date.h"
#include "digest.h"
#include "feed.h"
#include "lock.h"
#include "log.h"
#include "reindex.h"
#include "stories.h"
#include "run.h"
#include <uv.h>
#include "extract.h"
#include "store.h"
#include "subs.h"
#include "url.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG	"/etc/aggregator/aggregator.conf"

static const char usage_text[] =
"usage: aggregator [-c FILE] [--once [--dry-run]] [-v | -q]\n"
"                                                 poll feeds (daemon unless --once)\n"
"       aggregator [-c FILE] check                validate the config and exit\n"
"       aggregator [-c FILE] status               per-feed table from the state\n"
"       aggregator [-c FILE] reindex              rebuild the seen keys from the spool\n"
"       aggregator [-c FILE] stories [--since DURATION] [--json]\n"
"                                                 stories seen lately, with their entries\n"
"       aggregator [-c FILE] digest [--date YYYY-MM-DD | --since TIME --until TIME]\n"
"                                   [--format jekyll|mail|atom] [-o FILE|DIR]\n"
"                                                 the digest of stories for a period\n"
"       aggregator parse FILE [--base-url URL] [--headers JSON]\n"
"                                                 parse one feed, print JSON\n"
"       aggregator extract FILE [--base-url URL] [--content-type TYPE] [--json]\n"
"                                                 the article in a saved page\n"
"       aggregator init [DIR]                     a starter config, delivering into ~/Maildir\n"
"       aggregator [-c FILE] add URL [NAME] [--folder F] [--interval D]\n"
"                                                 subscribe to a feed, or to a page's feed\n"
"       aggregator [-c FILE] remove NAME          unsubscribe\n"
"       aggregator [-c FILE] import FILE          the feeds of an OPML or newsboat urls file\n"
"       aggregator [-c FILE] list                 the feeds, a line each, with their last poll\n"
"       aggregator [-c FILE] export               the feeds as OPML 2.0, folders as outlines\n"
"       aggregator [-c FILE] filter-test [FEED]   each entry's filter verdict; writes nothing\n"
"       aggregator --help | --version\n"
"\n"
"  -c, --config FILE   config file (default " DEFAULT_CONFIG ")\n"
"      --once          poll every enabled feed once, then exit\n"
"      --dry-run       with --once: print what would be delivered, write nothing\n"
"  -v, --verbose       more log output (twice for debug)\n"
"  -q, --quiet         errors only; nothing at all on success\n"
"\n"
"See aggregator(1) and aggregator.conf(5).\n";

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
}


static int
cmd_check(const char *path)
{
	struct config cfg;
	int rc;

	rc = config_use(path, &cfg);
	if (rc == 0)
		printf("%s: ok, %zu feeds\n", path, cfg.nfeeds);
	config_free(&cfg);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

/*
 * Text of the state for the terminal (allocated): passwords hidden, since
 * a state written before they were kept that way has them, and control
 * characters escaped, since it carries what servers sent (a moved-to URL,
 * an error with header values in it).
 */
static char *
shown(const char *s)
{
	char *hidden = url_hide_password(s), *d;
	size_t size = strlen(hidden) * 4 + 1;	/* "\xHH" per byte at most */

	d = xmalloc(size);
	log_vis(d, size, hidden);
	free(hidden);
	return d;
}

/* One feed of the state. */
static void
status_row(const char *name, const struct feed_state *st, void *arg)
{
	const struct config *cfg = arg;
	char when[32] = "never", due[32] = "-", *url, *moved, *error;
	const char *mark = config_find_feed(cfg, name) != NULL ? "" :
	    " (not in config)";

	if (st->last_poll > 0)
		date_format_iso(st->last_poll, when, sizeof(when));
	if (st->gone != 0)
		snprintf(due, sizeof(due), "gone (410)");
	else if (st->next_due > 0)
		date_format_iso(st->next_due, due, sizeof(due));
	url = shown(st->url != NULL ? st->url : "-");
	moved = st->moved_to != NULL ? shown(st->moved_to) : NULL;
	error = st->last_error != NULL ? shown(st->last_error) : NULL;
	printf("%-24s %-20s %4ld %-20s %9ld %8d  %s%s%s%s\n", name, when,
	    st->last_status, due, st->delivered, st->failures, url,
	    moved != NULL ? " moved to " : "", moved != NULL ? moved : "",
	    mark);
	if (error != NULL)
		printf("%-24s last error: %s\n", "", error);
	free(url);
	free(moved);
	free(error);
}

static int
cmd_status(const char *path)
{
	struct config cfg;
	struct store *store;
	char err[512];
	int rc = EXIT_OK;

	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if (access(cfg.state, F_OK) == -1) {
		printf("no state yet at %s: no feed was polled\n", cfg.state);
		config_free(&cfg);
		return EXIT_OK;
	}
	if (store_open(cfg.state, &store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg.state, err);
		config_free(&cfg);
		return EXIT_LOCAL;
	}
	printf("%-24s %-20s %4s %-20s %9s %8s  %s\n", "FEED", "LAST POLL",
	    "HTTP", "NEXT DUE", "DELIVERED", "FAILURES", "URL");
	if (store_feed_each(store, status_row, &cfg) == -1) {
		log_error("state %s: %s", cfg.state, store_errmsg(store));
		rc = EXIT_LOCAL;
	}
	for (size_t i = 0; i < cfg.nfeeds; i++) {
		struct feed_state st;

		char *url;

		if (store_feed_get(store, cfg.feeds[i].name, &st) == 0 &&
		    st.last_poll == 0) {
			url = url_hide_password(cfg.feeds[i].url);
			printf("%-24s %-20s %4s %-20s %9s %8s  %s\n",
			    cfg.feeds[i].name, "never", "-", "-", "0", "0",
			    url);
			free(url);
		}
		feed_state_clear(&st);
	}
	store_close(store);
	config_free(&cfg);
	return rc;
}

static int
cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base-url",	required_argument,	NULL, 'b' },
		{ "headers",	required_argument,	NULL, 'H' },
		{ NULL,		0,			NULL, 0 },
	};
	const char *base = NULL, *headers = NULL, *file;
	char *ctype = NULL, *cloc = NULL, *clang = NULL;
	struct feed_source src = { 0 };
	struct feed_doc *doc;
	struct buf body;
	char err[512];
	int ch;

	/* 0, not 1: glibc then starts a fresh scan with its own defaults. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			base = optarg;
			break;
		case 'H':
			headers = optarg;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	file = argv[optind];
	if (headers != NULL &&
	    feed_headers_parse(headers, &ctype, &cloc, &clang) == -1) {
		log_error("parse: --headers is not a JSON object: %s", headers);
		return EXIT_USAGE;
	}
	buf_init(&body);
	if (buf_read_file(&body, file) == -1) {
		log_warn("parse: %s", file);
		buf_free(&body);
		free(ctype), free(cloc), free(clang);
		return EXIT_FEED_FAILED;
	}
	src.url = base;
	src.content_type = ctype;
	src.content_location = cloc;
	src.content_language = clang;
	doc = feed_parse(body.data != NULL ? body.data : "", body.len, &src,
	    err, sizeof(err));
	buf_free(&body);
	free(ctype), free(cloc), free(clang);
	if (doc == NULL) {
		/*
		 * A document that is no feed is still a verdict, printed as
		 * JSON like any other; the reason goes to stderr.
		 */
		printf("{\"wellformed\": false, \"feed\": {}, "
		    "\"entries\": []}\n");
		log_error("parse: %s: %s", file, err);
	} else {
		conformance_json_write(doc, stdout);
		feed_doc_free(doc);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("parse: writing the result");
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/*
 * A state that is missing or empty beside a spool that holds messages
 * would deliver them all again: refused, saying what to do.  0 or -1.
 */
static int
state_usable(const char *path, const struct config *cfg)
{
	char err[512];
	int rc;

	if ((rc = reindex_needed(cfg->state, cfg->spool, err,
	    sizeof(err))) == 0)
		return 0;
	if (rc == -1)
		log_error("spool %s: %s", cfg->spool, err);
	else
		log_error("state %s is %s, but the spool %s already holds "
		    "messages: run \"aggregator -c %s reindex\" to rebuild the "
		    "seen keys from them (or empty the spool to start afresh)",
		    cfg->state, access(cfg->state, F_OK) == 0 ? "empty" :
		    "missing", cfg->spool, path);
	return -1;
}

/*
 * Loads the config and, when role is not NULL, takes the instance lock
 * beside its state as role ("daemon", "once", "reindex": lock.h) in
 * *lockfd, else -1.  0, or the exit status with cfg freed.
 */
static int
load_locked(const char *path, struct config *cfg, const char *role,
    int *lockfd)
{
	char err[512];

	*lockfd = -1;
	if (config_use(path, cfg) == -1) {
		config_free(cfg);
		return EXIT_USAGE;
	}
	if (role != NULL && (*lockfd = lock_acquire(cfg->state, role, err,
	    sizeof(err))) == -1) {
		log_error("%s", err);
		config_free(cfg);
		return EXIT_LOCAL;
	}
	return 0;
}

/* A dry run takes no lock: it writes nothing a running daemon could. */
static int
cmd_poll(const char *path, int once, const struct run_options *opts)
{
	struct config cfg;
	int lockfd, rc;

	if ((rc = load_locked(path, &cfg, opts->dry_run ? NULL : once ?
	    "once" : "daemon", &lockfd)) != 0)
		return rc;
	rc = EXIT_LOCAL;
	if (state_usable(path, &cfg) == -1)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		goto out;
	}
	rc = once ? run_once(path, &cfg, opts) : run_daemon(path, &cfg);
	curl_global_cleanup();
out:
	if (lockfd != -1)
		close(lockfd);
	config_free(&cfg);
	return rc;
}

/* Marks seen the key of every message of the spool. */
/*
 * filter-test [FEED]: every feed (or FEED) fetched once, whole, and each
 * entry's verdict printed; nothing is written.
 */
static int
cmd_filter_test(const char *path, const char *only)
{
	struct run_options opts = { .dry_run = 1, .quiet = 1,
	    .filter_test = 1 };
	struct config cfg;
	int lockfd, rc;

	if ((rc = load_locked(path, &cfg, NULL, &lockfd)) != 0)
		return rc;
	if (only != NULL) {
		if (config_find_feed(&cfg, only) == NULL) {
			log_error("filter-test: no feed \"%s\" in %s", only,
			    path);
			config_free(&cfg);
			return EXIT_USAGE;
		}
		for (size_t i = 0; i < cfg.nfeeds; i++)
			cfg.feeds[i].enabled = strcmp(cfg.feeds[i].name,
			    only) == 0;
	}
	rc = EXIT_LOCAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		log_error("cannot initialise libcurl");
	else {
		rc = run_once(path, &cfg, &opts);
		curl_global_cleanup();
	}
	config_free(&cfg);
	return rc;
}

static int
cmd_reindex(const char *path, int quiet)
{
	struct reindex_counts n;
	struct config cfg;
	struct store *store = NULL;
	char err[512];
	int lockfd, rc;

	if ((rc = load_locked(path, &cfg, "reindex", &lockfd)) != 0)
		return rc;
	rc = EXIT_LOCAL;
	if (store_open(cfg.state, &store, err, sizeof(err)) == -1)
		log_error("state %s: %s", cfg.state, err);
	else if (reindex_spool(store, cfg.spool, &n, err, sizeof(err)) == -1)
		log_error("reindex: %s", err);
	else {
		rc = EXIT_OK;
		if (!quiet)
			printf("aggregator: reindex: %zu messages in %s, %zu "
			    "with an entry key; %s knows them as seen\n",
			    n.messages, cfg.spool, n.keys, cfg.state);
	}
	store_close(store);
	close(lockfd);
	config_free(&cfg);
	if (rc == EXIT_OK && (fflush(stdout) == EOF || ferror(stdout)))
		rc = EXIT_LOCAL;
	return rc;
}

static int
cmd_stories(const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "since",	required_argument,	NULL, 's' },
		{ NULL,		0,			NULL, 0 },
	};
	struct config cfg;
	struct store *store;
	char err[512];
	long since = -1;
	int ch, json = 0, rc = EXIT_OK;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			if (config_parse_duration(optarg, &since) == -1) {
				log_error("stories: --since: not a duration: "
				    "%s", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	/* Without --since: the stories still open to new entries. */
	if (since < 0)
		since = cfg.story_window;
	if (access(cfg.state, F_OK) == -1) {
		if (json)
			printf("{\"stories\": []}\n");
	} else if (store_open(cfg.state, &store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg.state, err);
		rc = EXIT_LOCAL;
	} else {
		/* With the window before since: those stories' older entries. */
		if (stories_print(store, time(NULL) - since, time(NULL) -
		    since - cfg.story_window, json, stdout) == -1) {
			log_error("state %s: %s", cfg.state,
			    store_errmsg(store));
			rc = EXIT_LOCAL;
		}
		store_close(store);
	}
	config_free(&cfg);
	if (rc == EXIT_OK && (fflush(stdout) == EOF || ferror(stdout)))
		rc = EXIT_LOCAL;
	return rc;
}

static void
print_version(void)
{
	printf("aggregator %s (libcurl %s, libxml2 %s, libuv %s)\n",
	    AGG_VERSION, curl_version_info(CURLVERSION_NOW)->version,
	    LIBXML_DOTTED_VERSION, uv_version_string());
}

/* Runs the command left after the options: none polls. */
static int
run_command(const char *config, int argc, char **argv, int once,
    const struct run_options *ropts)
{
	if (argc == 0)
		return cmd_poll(config, once, ropts);
	if (strcmp(argv[0], "check") == 0 && argc == 1)
		return cmd_check(config);
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(config);
	if (strcmp(argv[0], "reindex") == 0 && argc == 1)
		return cmd_reindex(config, ropts->quiet);
	if (strcmp(argv[0], "parse") == 0)
		return cmd_parse(argc, argv);
	if (strcmp(argv[0], "stories") == 0)
		return cmd_stories(config, argc, argv);
	if (strcmp(argv[0], "digest") == 0)
		return digest_command(config, argc, argv, ropts->quiet);
	if (strcmp(argv[0], "extract") == 0)
		return extract_command(config, argc, argv);
	if (strcmp(argv[0], "init") == 0 && argc <= 2)
		return subs_init(argc == 2 ? argv[1] : NULL);
	if (strcmp(argv[0], "add") == 0)
		return subs_add(config, argc, argv, ropts->quiet);
	if (strcmp(argv[0], "remove") == 0 && argc == 2)
		return subs_remove(config, argv[1], ropts->quiet);
	if (strcmp(argv[0], "import") == 0 && argc == 2)
		return subs_import(config, argv[1], ropts->quiet);
	if (strcmp(argv[0], "list") == 0 && argc == 1)
		return subs_list(config);
	if (strcmp(argv[0], "export") == 0 && argc == 1)
		return subs_export(config);
	if (strcmp(argv[0], "filter-test") == 0 && argc <= 2)
		return cmd_filter_test(config, argc == 2 ? argv[1] : NULL);
	usage(stderr);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "once",	no_argument,		NULL, 'o' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
	struct run_options ropts = { 0 };
	const char *config = DEFAULT_CONFIG;
	sigset_t hup;
	int ch, once = 0, verbosity = 0, rc;

	/*
	 * SIGHUP's default action kills: until the daemon's handler exists
	 * (run_daemon unblocks it), a reload asked for during start-up waits.
	 */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	log_init(0);
	/* "+": options stop at the command, whose own options follow it. */
	while ((ch = getopt_long(argc, argv, "+c:hqvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'n':
			ropts.dry_run = 1;
			break;
		case 'o':
			once = 1;
			break;
		case 'q':
			verbosity = -1;
			break;
		case 'v':
			verbosity++;
			break;
		case 'V':
			print_version();
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	log_init(verbosity);
	argc -= optind;
	argv += optind;
	ropts.quiet = verbosity < 0;
	/* --dry-run is a --once run: a daemon that writes nothing is none. */
	if (ropts.dry_run && (!once || argc != 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Only the daemon answers SIGHUP; the rest keep the default. */
	if (argc != 0 || once)
		sigprocmask(SIG_UNBLOCK, &hup, NULL);
	xmlInitParser();
	rc = run_command(config, argc, argv, once, &ropts);
	xmlCleanupParser();
	return rc;
}
