/*
 * aggregator extract: the article in one saved page, as text or as the
 * JSON object SPEC "Full text" gives, with the config's site rules when
 * there is a config.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agg.h"
#include "config.h"
#include "extract.h"
#include "log.h"
#include "xmalloc.h"

static void
json_put(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v != NULL ? json_string(v) : json_null());
}

static int
print_json(const struct extract_result *r)
{
	json_t *o = json_object();
	char *s;
	int rc;

	json_put(o, "title", r->title);
	json_put(o, "byline", r->byline);
	json_put(o, "published", r->published);
	json_put(o, "text", r->text);
	json_put(o, "html", r->html);
	s = json_dumps(o, JSON_ENSURE_ASCII | JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER);
	json_decref(o);
	rc = puts(s) == EOF ? -1 : 0;
	free(s);
	return rc;
}

int
extract_command(const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base-url",	  required_argument,	NULL, 'b' },
		{ "content-type", required_argument,	NULL, 't' },
		{ "json",	  no_argument,		NULL, 'j' },
		{ NULL,		  0,			NULL, 0 },
	};
	const char *base = NULL, *type = NULL, *file;
	struct extract_result r;
	struct config cfg;
	struct buf page;
	char err[256];
	int ch, json = 0, rc;

	optind = 0;	/* a fresh scan, as cmd_parse does */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			base = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		log_error("usage: aggregator extract FILE [--base-url URL] "
		    "[--content-type TYPE] [--json]");
		return EXIT_USAGE;
	}
	file = argv[optind];
	memset(&cfg, 0, sizeof(cfg));
	if (access(path, F_OK) == 0 && config_use(path, &cfg) == -1) {
		config_free(&cfg);
		return EXIT_USAGE;
	}
	buf_init(&page);
	if (buf_read_file(&page, file) == -1) {
		log_warn("extract: %s", file);
		buf_free(&page);
		config_free(&cfg);
		return EXIT_FEED_FAILED;
	}
	rc = extract_page(page.data != NULL ? page.data : "", page.len, type,
	    base, cfg.sites, cfg.nsites, &r, err, sizeof(err));
	buf_free(&page);
	config_free(&cfg);
	if (rc == -1) {
		log_error("extract: %s: %s", file, err);
		return EXIT_FEED_FAILED;
	}
	if (json)
		rc = print_json(&r);
	else
		rc = printf("%s\n", r.text) < 0 ? -1 : 0;
	extract_result_free(&r);
	if (rc == -1 || fflush(stdout) == EOF)
		return EXIT_LOCAL;
	return EXIT_OK;
}
