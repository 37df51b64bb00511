/*
 * Exactly-once delivery: the protocol between the state store and the
 * maildir, so that a crash at any moment loses no entry and delivers none
 * twice, also when a reader has meanwhile moved or deleted messages.
 */
#ifndef DELIVER_H
#define DELIVER_H

#include <stddef.h>

#include "entry.h"

struct store;

/*
 * Delivers entries (none of them seen before) into the maildir at spool.
 * The caller holds the store to itself and has no transaction open.
 * *delivered counts those now durable in new/; returns 0, or -1 with a
 * reason in err (entries not delivered stay pending and are retried by the
 * next deliver_recover).
 */
int	deliver_batch(struct store *store, const char *spool,
	    const struct entry *entries, size_t n, size_t *delivered,
	    char *err, size_t errlen);

/*
 * Finishes the deliveries a crash or a failure left pending: a message
 * found in new/ or cur/ is marked delivered, any other is written again.
 * *recovered counts the messages written again.  0, or -1 with err.
 */
int	deliver_recover(struct store *store, const char *spool,
	    size_t *recovered, char *err, size_t errlen);

#endif
