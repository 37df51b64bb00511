/*
 * The delivery protocol.  Every key is in one of three states: absent,
 * pending (the intent is recorded with the maildir name, and the file is
 * durable in tmp/ or already in new/) or seen (the file was durable in new/
 * before the key was).  A commit of many feeds' deliveries runs:
 *
 *   0. (each feed, beforehand, in parallel) render and write tmp/NAME;
 *   1. one syncfs: every tmp/ file durable;
 *   2. one transaction: a pending row per entry not seen or pending yet;
 *   3. per entry: rename tmp/NAME into new/NAME;
 *   4. one fsync of each new/ renamed into;
 *   5. one transaction: the keys that reached new/ become seen, and the
 *      feeds' states are written (with the keys of a first poll's older
 *      entries, seen without a message); an entry whose rename failed
 *      loses its row (then its file), so it stays unseen and comes again.
 *
 * A delivery goes into the spool's maildir or into one Maildir++ folder
 * inside it, which its pending row names.  Recovery turns every pending
 * row into a seen one without ever making a second file: NAME in new/, or
 * in cur/ where a reader moved it, was delivered; NAME still in tmp/ is
 * renamed into new/; NAME nowhere, or its folder gone, was delivered and
 * then deleted by a reader (the file was durable before its row, so it
 * cannot have been lost).  A crash before step 2 leaves only files in
 * tmp/, which maildir_clean_tmp removes at the next start; the entries
 * are still unseen and come again.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"
#include "fault.h"
#include "folder.h"
#include "log.h"
#include "maildir.h"
#include "message.h"
#include "store.h"
#include "xmalloc.h"

/* How far an entry of a delivery got. */
enum {
	STEP_NONE,	/* nothing written */
	STEP_TMP,	/* in tmp/ */
	STEP_DROPPED,	/* seen or pending already: its tmp/ file removed */
	STEP_PENDING,	/* pending row committed */
	STEP_NEW,	/* renamed into new/ */
	STEP_FAILED,	/* the rename failed: its row is dropped, then the file */
};

struct recovery {
	struct store	*store;
	const char	*spool;
	char		*err;
	size_t		 errlen;
	size_t		 written;	/* files moved on into new/ */
	/* The pending rows, marked seen once new/ is synced. */
	struct {
		char	*key;
		char	*feed;
	}		*rows;
	char		**names;	/* each row's maildir name */
	char		**folders;	/* each row's folder, NULL: the spool */
	size_t		 nrows;
	size_t		 caprows;
};

static void
store_enter(uv_mutex_t *lock)
{
	if (lock != NULL)
		uv_mutex_lock(lock);
}

static void
store_leave(uv_mutex_t *lock)
{
	if (lock != NULL)
		uv_mutex_unlock(lock);
}

/* The maildir d delivers into, in buf (PATH_MAX); NULL when too long. */
static const char *
delivery_dir(const struct delivery *d, const char *spool, char *buf)
{
	if (d->folder == NULL)
		return spool;
	return folder_maildir(buf, PATH_MAX, spool, d->folder) == 0 ? buf :
	    NULL;
}

void
deliver_init(struct delivery *d, const struct entry *entries, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->entries = entries;
	d->n = n;
	if (n > 0) {
		d->names = xcalloc(n, sizeof(*d->names));
		d->step = xcalloc(n, sizeof(*d->step));
	}
}

int
deliver_landed(const struct delivery *d, size_t i)
{
	return d->step != NULL && d->step[i] == STEP_NEW;
}

void
deliver_clear(struct delivery *d)
{
	free(d->names);
	free(d->step);
	d->names = NULL;
	d->step = NULL;
}

/* Records why d failed: the first reason only. */
static void
delivery_fail(struct delivery *d, const char *why)
{
	if (d->failed)
		return;
	d->failed = 1;
	snprintf(d->err, sizeof(d->err), "%s", why);
}

/* Removes d's file i from its maildir's tmp/. */
static void
delivery_discard_one(struct delivery *d, const char *spool, size_t i)
{
	char buf[PATH_MAX];
	const char *dir = delivery_dir(d, spool, buf);

	if (dir != NULL)
		maildir_discard(dir, d->names[i]);
}

/* Removes what d has in tmp/, after a failure before its rows exist. */
static void
delivery_discard(struct delivery *d, const char *spool)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->step[i] == STEP_TMP) {
			delivery_discard_one(d, spool, i);
			d->step[i] = STEP_NONE;
		}
}

int
deliver_prepare(struct delivery *d, const char *spool)
{
	char err[512], buf[PATH_MAX];
	const char *dir = delivery_dir(d, spool, buf);

	if (dir == NULL) {
		snprintf(err, sizeof(err), "folder %s: path too long",
		    d->folder);
		delivery_fail(d, err);
		return -1;
	}
	/* A folder is made by its first delivery, also after a reload. */
	if (d->folder != NULL && d->n > 0 &&
	    folder_init(spool, d->folder, err, sizeof(err)) == -1) {
		delivery_fail(d, err);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		char *msg;
		size_t len;
		int rc;

		if (maildir_name(d->entries[i].key, d->names[i],
		    sizeof(d->names[i])) == -1) {
			snprintf(err, sizeof(err), "no name for %s",
			    d->entries[i].key);
			delivery_fail(d, err);
			break;
		}
		msg = message_render(&d->entries[i], &len);
		rc = maildir_write_tmp(dir, d->names[i], msg, len, err,
		    sizeof(err));
		free(msg);
		if (rc == -1) {
			delivery_fail(d, err);
			break;
		}
		d->step[i] = STEP_TMP;
		fault_point("after-tmp");
	}
	if (d->failed) {
		delivery_discard(d, spool);
		return -1;
	}
	return 0;
}

/*
 * Every delivery of the commit that has entries in tmp/ (dropped ones
 * included: their row was never committed) fails with err.
 */
static void
commit_fail_all(struct delivery **ds, size_t n, const char *spool,
    const char *why)
{
	for (size_t k = 0; k < n; k++) {
		int any = 0;

		for (size_t i = 0; i < ds[k]->n; i++) {
			if (ds[k]->step[i] == STEP_DROPPED)
				ds[k]->step[i] = STEP_TMP;
			any |= ds[k]->step[i] == STEP_TMP;
		}
		if (any) {
			delivery_fail(ds[k], why);
			delivery_discard(ds[k], spool);
		}
	}
}

/*
 * Step 2; a failure leaves no row and no file.  When recover is set, what
 * an earlier failure left pending is finished first.
 */
static int
commit_pending(struct store *store, const char *spool, struct delivery **ds,
    size_t n, int *recover)
{
	char err[512] = "";
	size_t recovered;

	if (*recover) {
		if (deliver_recover(store, spool, &recovered, err,
		    sizeof(err)) == -1) {
			commit_fail_all(ds, n, spool, err);
			return -1;
		}
		*recover = 0;
		if (recovered > 0)
			log_warnx("deliver: %zu interrupted deliveries "
			    "finished", recovered);
	}
	if (store_begin(store) == -1)
		goto fail;
	for (size_t k = 0; k < n; k++) {
		struct delivery *d = ds[k];

		for (size_t i = 0; i < d->n; i++) {
			int rc;

			if (d->step[i] != STEP_TMP)
				continue;
			rc = store_is_seen(store, d->entries[i].key);
			if (rc == 0)
				rc = store_add_pending(store, &d->entries[i],
				    d->folder, d->names[i]);
			if (rc == -1)
				goto fail;
			if (rc == 1)
				d->step[i] = STEP_DROPPED;
		}
	}
	if (store_commit(store) == -1)
		goto fail;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ds[k]->n; i++) {
			if (ds[k]->step[i] == STEP_TMP)
				ds[k]->step[i] = STEP_PENDING;
			else if (ds[k]->step[i] == STEP_DROPPED)
				delivery_discard_one(ds[k], spool, i);
		}
	return 0;
fail:
	snprintf(err, sizeof(err), "state: %s", store_errmsg(store));
	store_rollback(store);
	commit_fail_all(ds, n, spool, err);
	return -1;
}

/* Whether a delivery before ds[k] moved files into the same maildir. */
static int
folder_synced_before(struct delivery **ds, size_t k, const size_t *moved)
{
	for (size_t j = 0; j < k; j++)
		if (moved[j] > 0 && streq_null(ds[j]->folder, ds[k]->folder))
			return 1;
	return 0;
}

/* Steps 3 and 4: what fails stays pending, for recovery. */
static void
commit_publish(const char *spool, struct delivery **ds, size_t n)
{
	char err[512], buf[PATH_MAX];
	size_t *moved = xcalloc(n + 1, sizeof(*moved));
	const char *dir;
	int synced = 1;

	for (size_t k = 0; k < n; k++) {
		dir = delivery_dir(ds[k], spool, buf);
		for (size_t i = 0; i < ds[k]->n; i++) {
			if (ds[k]->step[i] != STEP_PENDING)
				continue;
			if (maildir_publish(dir, ds[k]->names[i], err,
			    sizeof(err)) == -1) {
				ds[k]->step[i] = STEP_FAILED;
				delivery_fail(ds[k], err);
				continue;
			}
			ds[k]->step[i] = STEP_NEW;
			moved[k]++;
			fault_point("after-put");
		}
	}
	/* One fsync of each new/ renamed into. */
	for (size_t k = 0; k < n && synced; k++)
		if (moved[k] > 0 && !folder_synced_before(ds, k, moved) &&
		    maildir_sync(delivery_dir(ds[k], spool, buf), err,
		    sizeof(err)) == -1)
			synced = 0;
	free(moved);
	if (synced)
		return;
	/* Not durable, so not delivered yet: recovery will say. */
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ds[k]->n; i++)
			if (ds[k]->step[i] == STEP_NEW) {
				ds[k]->step[i] = STEP_PENDING;
				delivery_fail(ds[k], err);
			}
}

/* Step 5, with the states the deliveries' record callbacks ask for. */
static int
commit_seen(struct store *store, const char *spool, struct delivery **ds,
    size_t n)
{
	time_t now = time(NULL);
	char err[512];

	if (store_begin(store) == -1)
		goto fail;
	for (size_t k = 0; k < n; k++) {
		struct delivery *d = ds[k];

		for (size_t i = 0; i < d->n; i++) {
			if (d->step[i] == STEP_NEW &&
			    store_delivered(store, d->entries[i].key,
			    d->entries[i].feed_name, now) == -1)
				goto fail;
			/*
			 * The row goes before the file: a row whose file is
			 * nowhere would count as delivered.
			 */
			if (d->step[i] == STEP_FAILED &&
			    store_forget_pending(store,
			    d->entries[i].key) == -1)
				goto fail;
		}
		for (size_t i = 0; i < d->nolder; i++)
			if (store_mark_seen(store, d->older[i], d->feed,
			    now) == -1)
				goto fail;
		if (d->st != NULL &&
		    store_feed_put(store, d->feed, d->st) == -1)
			goto fail;
	}
	fault_point("before-seen-commit");
	if (store_commit(store) == -1)
		goto fail;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ds[k]->n; i++)
			if (ds[k]->step[i] == STEP_FAILED) {
				delivery_discard_one(ds[k], spool, i);
				ds[k]->step[i] = STEP_NONE;
			}
	return 0;
fail:
	snprintf(err, sizeof(err), "state: %s", store_errmsg(store));
	store_rollback(store);
	for (size_t k = 0; k < n; k++) {
		int any = 0;

		for (size_t i = 0; i < ds[k]->n; i++)
			any |= ds[k]->step[i] == STEP_NEW;
		if (any)
			delivery_fail(ds[k], err);
		if (ds[k]->st != NULL) {
			ds[k]->state_failed = 1;
			if (ds[k]->err[0] == '\0')
				snprintf(ds[k]->err, sizeof(ds[k]->err),
				    "%s", err);
		}
	}
	return -1;
}

int
deliver_pend(struct store *store, uv_mutex_t *lock, const char *spool,
    struct delivery **ds, size_t n, int *recover)
{
	char err[512];
	int files = 0, rc = 0;

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ds[k]->n; i++)
			files |= ds[k]->step[i] == STEP_TMP;
	if (files && maildir_sync_tmp(spool, err, sizeof(err)) == -1) {
		commit_fail_all(ds, n, spool, err);
		files = 0;
		rc = -1;
	}
	/* Without files to record, recovery waits for a commit with some. */
	if (files) {
		store_enter(lock);
		rc = commit_pending(store, spool, ds, n, recover);
		store_leave(lock);
	}
	if (files && rc == 0)
		fault_point("after-pending");
	return rc;
}

int
deliver_finish(struct store *store, uv_mutex_t *lock, const char *spool,
    struct delivery **ds, size_t n, int *left)
{
	int rc = 0, pending = 0, seen_failed = 0;

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < ds[k]->n; i++)
			pending |= ds[k]->step[i] == STEP_PENDING;
	if (pending) {
		commit_publish(spool, ds, n);
		fault_point("after-sync");
	}
	for (size_t k = 0; k < n; k++) {
		ds[k]->delivered = 0;
		for (size_t i = 0; i < ds[k]->n; i++)
			ds[k]->delivered += ds[k]->step[i] == STEP_NEW;
		if (ds[k]->record != NULL)
			ds[k]->record(ds[k], ds[k]->arg);
	}
	store_enter(lock);
	if (commit_seen(store, spool, ds, n) == -1) {
		seen_failed = 1;
		for (size_t k = 0; k < n; k++)
			ds[k]->delivered = 0;
	}
	store_leave(lock);
	/* Rows a failure left behind: the next commit recovers them. */
	*left = 0;
	for (size_t k = 0; k < n; k++) {
		if (ds[k]->failed || ds[k]->state_failed)
			rc = -1;
		for (size_t i = 0; i < ds[k]->n; i++)
			*left |= ds[k]->step[i] == STEP_PENDING ||
			    (seen_failed && (ds[k]->step[i] == STEP_NEW ||
			    ds[k]->step[i] == STEP_FAILED));
	}
	return rc;
}

/* One pending row, collected so that each maildir is searched once. */
static int
recover_row(const char *key, const char *feed, const char *folder,
    const char *name, void *arg)
{
	struct recovery *r = arg;

	if (r->nrows == r->caprows) {
		r->caprows = r->caprows ? r->caprows * 2 : 16;
		r->rows = xreallocarray(r->rows, r->caprows, sizeof(*r->rows));
		r->names = xreallocarray(r->names, r->caprows,
		    sizeof(*r->names));
		r->folders = xreallocarray(r->folders, r->caprows,
		    sizeof(*r->folders));
	}
	r->rows[r->nrows].key = xstrdup(key);
	r->rows[r->nrows].feed = xstrdup(feed != NULL ? feed : "");
	r->folders[r->nrows] = folder != NULL ? xstrdup(folder) : NULL;
	r->names[r->nrows++] = xstrdup(name);
	return 0;
}

/*
 * The rows from first to end, all of one folder: each file is moved on
 * into new/ if it is still in tmp/; in new/ or cur/, or nowhere (a reader
 * deleted it, or the folder with it), it was delivered.
 */
static int
recover_folder(struct recovery *r, size_t first, size_t end)
{
	int *where = xcalloc(end - first, sizeof(*where));
	char dir[PATH_MAX];
	size_t written = 0;
	int rc = 0;

	if (folder_maildir(dir, sizeof(dir), r->spool, r->folders[first]) ==
	    -1) {
		snprintf(r->err, r->errlen, "folder %s: path too long",
		    r->folders[first]);
		free(where);
		return -1;
	}
	/* A folder a reader deleted took its messages with it. */
	if (r->folders[first] != NULL && access(dir, F_OK) == -1 &&
	    errno == ENOENT) {
		free(where);
		return 0;
	}
	if (maildir_locate(dir, r->names + first, end - first, where) == -1) {
		snprintf(r->err, r->errlen, "looking for %zu pending "
		    "messages in %s", end - first, dir);
		rc = -1;
	}
	for (size_t i = first; i < end && rc == 0; i++) {
		if (where[i - first] != 2)
			continue;
		if (maildir_publish(dir, r->names[i], r->err, r->errlen) == -1)
			rc = -1;
		else
			written++;
	}
	if (rc == 0 && written > 0 && maildir_sync(dir, r->err,
	    r->errlen) == -1)
		rc = -1;
	r->written += written;
	free(where);
	return rc;
}

/* The rows come sorted by folder: each folder's run is one search. */
static int
recover_files(struct recovery *r)
{
	size_t first, end;

	for (first = 0; first < r->nrows; first = end) {
		for (end = first + 1; end < r->nrows &&
		    streq_null(r->folders[end], r->folders[first]); end++)
			;
		if (recover_folder(r, first, end) == -1)
			return -1;
	}
	return 0;
}

int
deliver_recover(struct store *store, const char *spool, size_t *recovered,
    char *err, size_t errlen)
{
	struct recovery r = {
		.store = store, .spool = spool, .err = err, .errlen = errlen,
	};
	time_t now = time(NULL);
	int rc = -1;

	*recovered = 0;
	if (store_pending_each(store, recover_row, &r) == -1) {
		snprintf(err, errlen, "state: %s", store_errmsg(store));
		goto out;
	}
	if (r.nrows == 0) {
		rc = 0;
		goto out;
	}
	if (recover_files(&r) == -1)
		goto out;
	if (store_begin(store) == -1)
		goto fail;
	for (size_t i = 0; i < r.nrows; i++)
		if (store_delivered(store, r.rows[i].key, r.rows[i].feed,
		    now) == -1)
			goto fail;
	if (store_commit(store) == -1)
		goto fail;
	*recovered = r.written;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "state: %s", store_errmsg(store));
	store_rollback(store);
out:
	for (size_t i = 0; i < r.nrows; i++) {
		free(r.rows[i].key);
		free(r.rows[i].feed);
		free(r.names[i]);
		free(r.folders[i]);
	}
	free(r.rows);
	free(r.names);
	free(r.folders);
	return rc;
}
