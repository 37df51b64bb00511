/*
 * exec hooks (SPEC "Subscriptions"): a feed's command run after each of
 * its entries is delivered, with the entry as JSON on stdin and
 * AGGREGATOR_FEED, AGGREGATOR_TITLE, AGGREGATOR_LINK, AGGREGATOR_MESSAGE
 * and AGGREGATOR_STORY in its environment.
 */
#ifndef HOOK_H
#define HOOK_H

struct entry;

/* Hooks running at once, across feeds, at most. */
#define HOOKS_AT_ONCE	4

/*
 * Runs cmd for e, delivered as the message at path, within timeout
 * seconds, from a worker thread (the caller holds one of HOOKS_AT_ONCE
 * places).  What it prints goes to the log, a line each; a run that fails
 * is tried once more, then logged as failed.  Returns 0 when a run
 * succeeded, else -1.  Delivery is done before: nothing here undoes it.
 */
int	hook_run(const char *cmd, const struct entry *e, const char *path,
	    long timeout);
#endif
