/*
 * The delivery protocol.  Every key is in one of three states: absent,
 * pending (the intent is recorded with the maildir name and the whole
 * message; the file may or may not exist) or seen (the file was durable in
 * new/ before the key was).  A batch runs:
 *
 *   1. one transaction: a pending row per entry;
 *   2. per entry: write tmp/NAME, fsync, rename into new/NAME;
 *   3. one fsync of new/ for the whole batch;
 *   4. one transaction: every pending row that reached new/ becomes seen.
 *
 * Recovery turns every pending row into a seen one without ever making a
 * second file: if NAME is in new/, or in cur/ where a reader moved it, the
 * message was delivered; otherwise it is written again from the row.  The
 * one duplicate this cannot rule out needs the reader to delete the message
 * between a crash and the next start, and then the entry comes back once
 * rather than being lost.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "fault.h"
#include "maildir.h"
#include "message.h"
#include "store.h"
#include "xmalloc.h"

struct recovery {
	struct store	*store;
	const char	*spool;
	char		*err;
	size_t		 errlen;
	size_t		 written;
	/* Keys to mark seen once new/ is synced: key, feed pairs. */
	const char	**keys;
	size_t		 nkeys;
};

static int
deliver_fail(char *err, size_t errlen, struct store *store)
{
	snprintf(err, errlen, "state: %s", store_errmsg(store));
	store_rollback(store);
	return -1;
}

/* Step 4 for keys[0..n): key and feed alternate in keys. */
static int
deliver_mark_seen(struct store *store, const char **keys, size_t n,
    time_t now, char *err, size_t errlen)
{
	if (n == 0)
		return 0;
	if (store_begin(store) == -1)
		return deliver_fail(err, errlen, store);
	for (size_t i = 0; i < n; i += 2)
		if (store_delivered(store, keys[i], keys[i + 1], now) == -1)
			return deliver_fail(err, errlen, store);
	fault_point("before-seen-commit");
	if (store_commit(store) == -1)
		return deliver_fail(err, errlen, store);
	return 0;
}

int
deliver_batch(struct store *store, const char *spool,
    const struct entry *entries, size_t n, size_t *delivered, char *err,
    size_t errlen)
{
	char (*names)[NAME_MAX + 1];
	const char **keys;
	char **msgs;
	size_t *lens, put = 0, nkeys = 0;
	int rc = -1;

	*delivered = 0;
	if (n == 0)
		return 0;
	names = xcalloc(n, sizeof(*names));
	msgs = xcalloc(n, sizeof(*msgs));
	lens = xcalloc(n, sizeof(*lens));
	keys = xcalloc(2 * n, sizeof(*keys));

	/* 1: the intent, with everything needed to finish it later. */
	if (store_begin(store) == -1) {
		deliver_fail(err, errlen, store);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		msgs[i] = message_render(&entries[i], &lens[i]);
		if (maildir_name(entries[i].key, names[i],
		    sizeof(names[i])) == -1) {
			snprintf(err, errlen, "no name for %s",
			    entries[i].key);
			store_rollback(store);
			goto out;
		}
		switch (store_add_pending(store, &entries[i], names[i],
		    msgs[i], lens[i])) {
		case -1:
			deliver_fail(err, errlen, store);
			goto out;
		case 1:
			names[i][0] = '\0';	/* a repeat within the batch */
			break;
		}
	}
	if (store_commit(store) == -1) {
		deliver_fail(err, errlen, store);
		goto out;
	}
	fault_point("after-pending");

	/* 2 and 3: the files, then one sync for all of them. */
	for (; put < n; put++) {
		if (names[put][0] == '\0')
			continue;
		if (maildir_put(spool, names[put], msgs[put], lens[put], err,
		    errlen) == -1)
			break;
		fault_point("after-put");
	}
	if (put > 0 && maildir_sync(spool, put < n ? NULL : err,
	    put < n ? 0 : errlen) == -1) {
		put = 0;
		goto out;
	}
	fault_point("after-sync");

	/* 4: what reached new/ is seen; the rest stays pending. */
	for (size_t i = 0; i < put; i++) {
		if (names[i][0] == '\0')
			continue;
		keys[nkeys++] = entries[i].key;
		keys[nkeys++] = entries[i].feed_name;
	}
	if (deliver_mark_seen(store, keys, nkeys, time(NULL), err,
	    errlen) == -1)
		goto out;
	*delivered = nkeys / 2;
	rc = put == n ? 0 : -1;
out:
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
	free(lens);
	free(names);
	free(keys);
	return rc;
}

static int
recover_one(const char *key, const char *feed, const char *name,
    const char *msg, size_t len, void *arg)
{
	struct recovery *r = arg;
	int found = maildir_find(r->spool, name);

	if (found == -1) {
		snprintf(r->err, r->errlen, "looking for %s in %s",
		    name, r->spool);
		return -1;
	}
	if (!found) {
		if (maildir_put(r->spool, name, msg, len, r->err,
		    r->errlen) == -1)
			return -1;
		r->written++;
	}
	r->keys = xreallocarray(r->keys, r->nkeys + 2, sizeof(*r->keys));
	r->keys[r->nkeys++] = xstrdup(key);
	r->keys[r->nkeys++] = xstrdup(feed != NULL ? feed : "");
	return 0;
}

int
deliver_recover(struct store *store, const char *spool, size_t *recovered,
    char *err, size_t errlen)
{
	struct recovery r = {
		.store = store, .spool = spool, .err = err, .errlen = errlen,
	};
	int rc = -1;

	*recovered = 0;
	if (store_pending_each(store, recover_one, &r) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "state: %s", store_errmsg(store));
		goto out;
	}
	if (r.written > 0 && maildir_sync(spool, err, errlen) == -1)
		goto out;
	if (deliver_mark_seen(store, r.keys, r.nkeys, time(NULL), err,
	    errlen) == -1)
		goto out;
	*recovered = r.written;
	rc = 0;
out:
	for (size_t i = 0; i < r.nkeys; i++)
		free((char *)r.keys[i]);
	free(r.keys);
	return rc;
}
