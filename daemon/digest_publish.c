/*
 * The daemon's digests: when each is due, and writing it exactly once.
 *
 * A digest goes from absent to pending to done, as an entry's delivery
 * does (deliver.c): its post and its message are written to synced
 * temporary files; the state records the digest with their names
 * (pending); they are renamed into place; the record is finished (done).
 * A crash before the record leaves orphans that the next start removes
 * and a digest that is written again; one after it leaves a pending
 * record that digest_recover finishes.  So each digest is written once,
 * and none is lost.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "digest.h"
#include "fault.h"
#include "log.h"
#include "maildir.h"
#include "savefile.h"
#include "store.h"
#include "xmalloc.h"
#include "zone.h"

time_t
digest_due(const struct config *cfg, time_t last, time_t now)
{
	int h = (int)(cfg->digest.time / 60), m = (int)(cfg->digest.time % 60);
	time_t today, latest;
	struct tm tm;

	zone_local(now, &tm);
	today = zone_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, h, m,
	    0);
	latest = today <= now ? today : zone_time(tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday - 1, h, m, 0);
	if (latest > last)
		return latest;
	return latest == today ? zone_time(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday + 1, h, m, 0) : today;
}

/* Records r in the state, in a transaction of its own.  0 or -1. */
static int
record(struct store *store, uv_mutex_t *lock, const struct digest_record *r,
    char *err, size_t errlen)
{
	int rc = -1;

	uv_mutex_lock(lock);
	if (store_begin(store) == 0) {
		if (store_digest_put(store, r) == 0 && store_commit(store) == 0)
			rc = 0;
		else
			store_rollback(store);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s", store_errmsg(store));
	uv_mutex_unlock(lock);
	return rc;
}

/* The digest's files, written but not yet in place. */
struct written {
	struct savefile	 post;
	int		 has_post;
	char		 mail[NAME_MAX + 1];
};

/* Writes d's post and message to their temporary files.  0, or -1. */
static int
write_files(const struct digest *d, const struct config *cfg,
    const char *spool, struct written *w, char *err, size_t errlen)
{
	char key[KEY_HEX_SIZE], *doc, *name, *path;
	size_t len;
	int rc = 0;

	if (cfg->digest.dir != NULL) {
		name = digest_file_name(d, cfg);
		path = xasprintf("%s/%s", cfg->digest.dir, name);
		doc = digest_jekyll(d, cfg, &len);
		rc = savefile_prepare(&w->post, "digest", path, doc, len, err,
		    errlen);
		w->has_post = rc == 0;
		free(doc);
		free(path);
		free(name);
	}
	if (rc == 0 && cfg->digest.mail) {
		digest_mail_key(d, cfg, key);
		doc = digest_mail(d, cfg, &len);
		if (maildir_name(key, w->mail, sizeof(w->mail)) == -1) {
			snprintf(err, errlen, "digest: no maildir name");
			rc = -1;
		} else if (maildir_write_tmp(spool, w->mail, doc, len, err,
		    errlen) == -1 || maildir_sync_tmp(spool, err, errlen) == -1) {
			maildir_discard(spool, w->mail);
			rc = -1;
		}
		if (rc == -1)
			w->mail[0] = '\0';
		free(doc);
	}
	if (rc == -1 && w->has_post)
		savefile_abort(&w->post);
	return rc;
}

int
digest_publish(struct store *store, uv_mutex_t *lock,
    const struct config *cfg, const char *spool, time_t until, char *err,
    size_t errlen)
{
	struct written w = { .has_post = 0 };
	struct digest_record r = { 0 };
	struct digest d;
	time_t last = 0;
	int rc;

	uv_mutex_lock(lock);
	rc = store_digest_last(store, &last);
	if (rc == -1)
		snprintf(err, errlen, "%s", store_errmsg(store));
	uv_mutex_unlock(lock);
	if (rc == -1 || digest_build(store, lock, cfg, last > 0 &&
	    last < until ? last : until - 86400, until, until, &d, err,
	    errlen) == -1)
		return -1;
	r.day = d.day;
	r.since = d.since;
	r.until = d.until;
	if (d.n > 0 && write_files(&d, cfg, spool, &w, err, errlen) == -1) {
		digest_free(&d);
		return -1;
	}
	r.path = w.has_post ? w.post.path : NULL;
	r.tmp = w.has_post ? w.post.tmp : NULL;
	r.mail = w.mail[0] != '\0' ? w.mail : NULL;
	if (record(store, lock, &r, err, errlen) == -1) {
		if (w.has_post)
			savefile_abort(&w.post);
		if (r.mail != NULL)
			maildir_discard(spool, w.mail);
		digest_free(&d);
		return -1;
	}
	fault_point("digest-recorded");
	rc = 0;
	if (w.has_post && savefile_commit(&w.post, "digest", err, errlen) == -1)
		rc = -1;
	if (rc == 0 && r.mail != NULL && (maildir_publish(spool, w.mail, err,
	    errlen) == -1 || maildir_sync(spool, err, errlen) == -1))
		rc = -1;
	fault_point("digest-placed");
	/* A failure here is finished by digest_recover at the next start. */
	if (rc == 0) {
		uv_mutex_lock(lock);
		if (store_digest_done(store, d.day) == -1) {
			snprintf(err, errlen, "%s", store_errmsg(store));
			rc = -1;
		}
		uv_mutex_unlock(lock);
	}
	if (rc == 0)
		log_info("digest %s: %zu stories%s%s%s", d.day, d.n,
		    r.path != NULL ? ", " : "", r.path != NULL ? r.path : "",
		    r.mail != NULL ? ", and into the spool" : "");
	digest_free(&d);
	return rc;
}

/* Puts r's files in place.  0, or -1 with err. */
static int
finish(const struct digest_record *r, const char *spool, char *err,
    size_t errlen)
{
	int where = 0;
	char *name;

	if (r->tmp != NULL && r->path != NULL && access(r->tmp, F_OK) == 0) {
		if (rename(r->tmp, r->path) == -1) {
			snprintf(err, errlen, "digest %s: rename %s to %s: %s",
			    r->day, r->tmp, r->path, strerror(errno));
			return -1;
		}
		savefile_sync_folder(r->path);
	}
	if (r->mail == NULL)
		return 0;
	name = r->mail;
	if (maildir_locate(spool, &name, 1, &where) == -1) {
		snprintf(err, errlen, "digest %s: reading %s: %s", r->day,
		    spool, strerror(errno));
		return -1;
	}
	if (where == 2 && (maildir_publish(spool, r->mail, err, errlen) == -1 ||
	    maildir_sync(spool, err, errlen) == -1))
		return -1;
	return 0;
}

int
digest_recover(struct store *store, const char *spool, char *err,
    size_t errlen)
{
	struct digest_record *v;
	size_t n;
	int rc = 0;

	if (store_digest_pending(store, &v, &n) == -1) {
		snprintf(err, errlen, "%s", store_errmsg(store));
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (finish(&v[i], spool, err, errlen) == -1)
			rc = -1;
		else if (store_digest_done(store, v[i].day) == -1) {
			snprintf(err, errlen, "%s", store_errmsg(store));
			rc = -1;
		} else
			log_warnx("digest %s: an interrupted digest finished",
			    v[i].day);
	}
	store_digest_records_free(v, n);
	return rc;
}
