/*
 * aggregator digest: the digest of a period asked for on the command
 * line, to stdout, a file or a folder (digest.h has what it holds).
 */
#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "config.h"
#include "digest.h"
#include "log.h"
#include "savefile.h"
#include "store.h"
#include "command.h"
#include "xmalloc.h"
#include "zone.h"

#define DIGEST_USAGE	"usage: aggregator [-c FILE] digest [--date YYYY-MM-DD | " \
			"--since TIME --until TIME]\n" \
			"                            [--format jekyll|mail|atom] " \
			"[-o FILE|DIR]\n"

/* What digest's options ask for. */
struct digest_ask {
	const char		*date;
	const char		*since;
	const char		*until;
	const char		*out;
	enum digest_format	 format;
	int			 quiet;
};

/*
 * The period of a digest asked for: the calendar day of --date (dated at
 * its last second), else from --since (default: the end of the last
 * digest written, or a day before the end) to --until (default: now).
 * 0, or -1 when an option is no time.
 */
static int
digest_period(const struct digest_ask *a, struct store *store,
    time_t *since, time_t *until, time_t *at)
{
	time_t last = 0;
	int y, m, d;
	char end;

	if (a->date != NULL) {
		if (sscanf(a->date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
		    strlen(a->date) != 10 || zone_parse(a->date, since) == -1) {
			log_error("digest: --date: not a date (YYYY-MM-DD): %s",
			    a->date);
			return -1;
		}
		*until = zone_time(y, m, d + 1, 0, 0, 0);
		*at = *until - 1;
		return 0;
	}
	/* Up to now: an entry seen this second is in. */
	*until = time(NULL) + 1;
	*at = *until - 1;
	if (a->until != NULL) {
		if (zone_parse(a->until, until) == -1) {
			log_error("digest: --until: not a time: %s", a->until);
			return -1;
		}
		*at = *until;
	}
	if (a->since != NULL) {
		if (zone_parse(a->since, since) == -1) {
			log_error("digest: --since: not a time: %s", a->since);
			return -1;
		}
		return 0;
	}
	if (store != NULL && store_digest_last(store, &last) == -1)
		last = 0;
	*since = last > 0 && last < *until ? last : *until - 86400;
	return 0;
}

/*
 * Writes the digest asked for to stdout, or to -o FILE (replaced whole),
 * or into -o DIR, an existing folder, under the post's own name.
 */
static int
digest_output(const struct digest_ask *a, struct store *store,
    const struct config *cfg)
{
	struct digest d;
	struct stat sb;
	time_t since, until, at;
	char err[512], *doc, *path = NULL, *name;
	size_t len;
	int rc = EXIT_OK;

	if (digest_period(a, store, &since, &until, &at) == -1)
		return EXIT_USAGE;
	if (digest_build(store, NULL, cfg, since, until, at, &d, err,
	    sizeof(err)) == -1) {
		if (!command_cancelled())
			log_error("state %s: %s", cfg->state, err);
		return EXIT_LOCAL;
	}
	doc = digest_render(&d, cfg, a->format, &len);
	if (a->out != NULL && strcmp(a->out, "-") != 0) {
		if (stat(a->out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			name = digest_file_name(&d, cfg);
			path = xasprintf("%s/%s", a->out, name);
			free(name);
		} else
			path = xstrdup(a->out);
		if (savefile("digest", path, doc, len, err, sizeof(err)) ==
		    -1) {
			log_error("%s", err);
			rc = EXIT_LOCAL;
		} else if (!a->quiet)
			printf("aggregator: digest of %zu stories: %s\n", d.n,
			    path);
	} else if (fwrite(doc, 1, len, stdout) != len)
		rc = EXIT_LOCAL;
	free(path);
	free(doc);
	digest_free(&d);
	return rc;
}

/* The signal that interrupted digest, or 0. */
static volatile sig_atomic_t digest_signal;

/*
 * summary_cmd runs in a process group of its own, which a Ctrl-C or a
 * kill of ours would not reach: the run is cancelled (its group killed),
 * and we die of the signal once it is.
 */
static void
on_digest_signal(int sig)
{
	digest_signal = sig;
	command_cancel();
}

int
digest_command(const char *path, int argc, char **argv, int quiet)
{
	static const struct option opts[] = {
		{ "date",	required_argument,	NULL, 'd' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "since",	required_argument,	NULL, 's' },
		{ "until",	required_argument,	NULL, 'u' },
		{ NULL,		0,			NULL, 0 },
	};
	static const char *const formats[] = { "jekyll", "mail", "atom" };
	struct digest_ask a = { .format = DIGEST_JEKYLL };
	struct config cfg;
	struct store *store = NULL;
	char err[512];
	int ch, rc, known;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			a.date = optarg;
			break;
		case 's':
			a.since = optarg;
			break;
		case 'u':
			a.until = optarg;
			break;
		case 'o':
			a.out = optarg;
			break;
		case 'f':
			known = 0;
			for (size_t i = 0; i < 3; i++)
				if (strcmp(optarg, formats[i]) == 0) {
					a.format = (enum digest_format)i;
					known = 1;
				}
			if (!known) {
				log_error("digest: --format: jekyll, mail or "
				    "atom, not %s", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			fputs(DIGEST_USAGE, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (a.date != NULL && (a.since != NULL ||
	    a.until != NULL))) {
		fputs(DIGEST_USAGE, stderr);
		return EXIT_USAGE;
	}
	if (config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	zone_use(cfg.digest.timezone);
	if (access(cfg.state, F_OK) == 0 &&
	    store_open_reading(cfg.state, &store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg.state, err);
		config_free(&cfg);
		return EXIT_LOCAL;
	}
	a.quiet = quiet;
	signal(SIGINT, on_digest_signal);
	signal(SIGTERM, on_digest_signal);
	signal(SIGHUP, on_digest_signal);
	rc = digest_output(&a, store, &cfg);
	store_close(store);
	config_free(&cfg);
	if (digest_signal != 0) {
		signal(digest_signal, SIG_DFL);
		raise(digest_signal);
	}
	if (rc == EXIT_OK && (fflush(stdout) == EOF || ferror(stdout)))
		rc = EXIT_LOCAL;
	return rc;
}
