/*
 * Polling feeds on one libuv loop: fetches on the loop, parsing, delivery
 * and state updates in libuv's thread pool so the loop never waits on disk.
 */
#ifndef RUN_H
#define RUN_H

#include "config.h"

/* What a --once run is asked to do besides polling. */
struct run_options {
	int	dry_run;	/* write nothing; print what would be delivered */
	int	quiet;		/* no summary line on stdout */
	int	filter_test;	/* with dry_run: print every entry's verdict */
};

/*
 * Polls every enabled feed once, rewrites the merged feed; exit status.
 * path is the config cfg was loaded from.  On a terminal, stderr shows
 * the progress (log_progress).
 */
int	run_once(const char *path, const struct config *cfg,
	    const struct run_options *opts);
/*
 * Polls every enabled feed on its schedule until SIGTERM or SIGINT;
 * SIGHUP reads path again.  cfg is only read during the call's start.
 */
int	run_daemon(const char *path, const struct config *cfg);

#endif
