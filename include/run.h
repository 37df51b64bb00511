/*
 * Polling feeds on one libuv loop: fetches on the loop, parsing, delivery
 * and state updates in libuv's thread pool so the loop never waits on disk.
 */
#ifndef RUN_H
#define RUN_H

#include "config.h"

/* Polls every enabled feed once, rewrites the merged feed; exit status. */
int	run_once(const struct config *cfg);
/* Polls every enabled feed at its interval until SIGTERM or SIGINT. */
int	run_daemon(const struct config *cfg);

#endif
