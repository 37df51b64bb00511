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
#include "feed.h"
#include "lock.h"
#include "log.h"
#include "run.h"
#include <uv.h>
#include "store.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG	"/etc/aggregator/aggregator.conf"

static const char usage_text[] =
"usage: aggregator [-c FILE] [--once] [-v | -q]   poll feeds (daemon unless --once)\n"
"       aggregator [-c FILE] check                validate the config and exit\n"
"       aggregator [-c FILE] status               per-feed table from the state\n"
"       aggregator parse FILE [--base-url URL] [--headers JSON]\n"
"                                                 parse one feed, print JSON\n"
"       aggregator --help | --version\n"
"\n"
"  -c, --config FILE   config file (default " DEFAULT_CONFIG ")\n"
"      --once          poll every enabled feed once, then exit\n"
"  -v, --verbose       more log output (twice for debug)\n"
"  -q, --quiet         errors only\n";

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
}

static int
load_config(const char *path, struct config *cfg)
{
	int problems = config_load(path, cfg);

	if (problems == -1) {
		log_error("cannot read config %s", path);
		return -1;
	}
	if (problems > 0) {
		log_error("%s: %d problem%s", path, problems,
		    problems == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

static int
cmd_check(const char *path)
{
	struct config cfg;
	int rc;

	rc = load_config(path, &cfg);
	if (rc == 0)
		printf("%s: ok, %zu feeds\n", path, cfg.nfeeds);
	config_free(&cfg);
	return rc == 0 ? EXIT_OK : EXIT_USAGE;
}

static void
status_row(const char *name, const struct feed_state *st, void *arg)
{
	const struct config *cfg = arg;
	char when[32] = "never", due[32] = "-";
	const char *mark = config_find_feed(cfg, name) != NULL ? "" :
	    " (not in config)";

	if (st->last_poll > 0)
		date_format_iso(st->last_poll, when, sizeof(when));
	if (st->gone != 0)
		snprintf(due, sizeof(due), "gone (410)");
	else if (st->next_due > 0)
		date_format_iso(st->next_due, due, sizeof(due));
	printf("%-24s %-20s %4ld %-20s %9ld %8d  %s%s%s%s\n", name, when,
	    st->last_status, due, st->delivered, st->failures,
	    st->url != NULL ? st->url : "-",
	    st->moved_to != NULL ? " moved to " : "",
	    st->moved_to != NULL ? st->moved_to : "", mark);
	if (st->last_error != NULL)
		printf("%-24s last error: %s\n", "", st->last_error);
}

static int
cmd_status(const char *path)
{
	struct config cfg;
	struct store *store;
	char err[512];
	int rc = EXIT_OK;

	if (load_config(path, &cfg) == -1) {
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

		if (store_feed_get(store, cfg.feeds[i].name, &st) == 0 &&
		    st.last_poll == 0)
			printf("%-24s %-20s %4s %-20s %9s %8s  %s\n",
			    cfg.feeds[i].name, "never", "-", "-", "0", "0",
			    cfg.feeds[i].url);
		feed_state_clear(&st);
	}
	store_close(store);
	config_free(&cfg);
	return rc;
}

/* The whole file, read straight into b: sized first when it is a file. */
static int
read_file(const char *path, struct buf *b)
{
	struct stat st;
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0)
		buf_grow(b, (size_t)st.st_size);
	for (;;) {
		if (b->cap - b->len < 2)
			buf_grow(b, 65536);
		b->data[b->len] = '\0';
		if ((n = fread(b->data + b->len, 1, b->cap - b->len - 1,
		    fp)) == 0)
			break;
		b->len += n;
	}
	if (ferror(fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
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
	if (read_file(file, &body) == -1) {
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

static int
cmd_poll(const char *path, int once)
{
	struct config cfg;
	char err[512];
	int lockfd, rc;

	if (load_config(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if ((lockfd = lock_acquire(cfg.state, err, sizeof(err))) == -1) {
		log_error("%s", err);
		config_free(&cfg);
		return EXIT_LOCAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		config_free(&cfg);
		return EXIT_LOCAL;
	}
	rc = once ? run_once(path, &cfg) : run_daemon(path, &cfg);
	curl_global_cleanup();
	close(lockfd);
	config_free(&cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "once",	no_argument,		NULL, 'o' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
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
			printf("aggregator %s (libcurl %s, libxml2 %s, "
			    "libuv %s)\n", AGG_VERSION,
			    curl_version_info(CURLVERSION_NOW)->version,
			    LIBXML_DOTTED_VERSION, uv_version_string());
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	log_init(verbosity);
	argc -= optind;
	argv += optind;
	/* Only the daemon answers SIGHUP; the rest keep the default. */
	if (argc != 0 || once)
		sigprocmask(SIG_UNBLOCK, &hup, NULL);
	xmlInitParser();
	if (argc == 0)
		rc = cmd_poll(config, once);
	else if (strcmp(argv[0], "check") == 0 && argc == 1)
		rc = cmd_check(config);
	else if (strcmp(argv[0], "status") == 0 && argc == 1)
		rc = cmd_status(config);
	else if (strcmp(argv[0], "parse") == 0)
		rc = cmd_parse(argc, argv);
	else {
		usage(stderr);
		rc = EXIT_USAGE;
	}
	xmlCleanupParser();
	return rc;
}
