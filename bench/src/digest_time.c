/*
 * digest_time CONFIG SINCE UNTIL [RUNS]: the digest inside the process,
 * without starting one: RUNS times (default 20) the state read, the
 * digest built (digest_build) and the post rendered (digest_jekyll),
 * timed with CLOCK_MONOTONIC; prints the median and the fastest run.
 * SINCE and UNTIL are times as `aggregator digest` reads them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "digest.h"
#include "store.h"
#include "timing.h"
#include "zone.h"

int
main(int argc, char **argv)
{
	struct config cfg;
	struct store *s;
	struct digest d;
	time_t since, until;
	double t[1000];
	char err[512], *doc;
	int runs = argc > 4 ? atoi(argv[4]) : 20;
	size_t len = 0, sections = 0;

	if (argc < 4 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: digest_time CONFIG SINCE UNTIL [RUNS]\n");
		return 2;
	}
	if (config_load(argv[1], &cfg) != 0)
		return 2;
	zone_use(cfg.digest.timezone);
	if (zone_parse(argv[2], &since) == -1 ||
	    zone_parse(argv[3], &until) == -1 ||
	    store_open_reading(cfg.state, &s, err, sizeof(err)) == -1) {
		fprintf(stderr, "digest_time: bad period or state %s\n",
		    cfg.state);
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		double start = now_ms();

		if (digest_build(s, NULL, &cfg, since, until, until, &d, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "digest_time: %s\n", err);
			return 1;
		}
		doc = digest_jekyll(&d, &cfg, &len);
		t[i] = now_ms() - start;
		sections = d.n;
		free(doc);
		digest_free(&d);
	}
	qsort(t, (size_t)runs, sizeof(t[0]), by_value);
	printf("digest_time: %zu sections, %zu bytes: median %.1f ms, "
	    "fastest %.1f ms over %d runs\n", sections, len, t[runs / 2], t[0],
	    runs);
	store_close(s);
	config_free(&cfg);
	return 0;
}
