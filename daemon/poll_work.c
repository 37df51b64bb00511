/*
 * The thread-pool half of a poll: parse what was fetched, deliver what is
 * new, and record the feed's state and schedule.  Delivery and state
 * updates of all workers are serialised by the poller's store_lock, so a
 * key is checked, delivered and marked seen as one step: the same article
 * in two feeds is delivered once.  Nothing here touches the loop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "entry.h"
#include "feed.h"
#include "log.h"
#include "poller.h"
#include "schedule.h"
#include "store.h"
#include "xmalloc.h"

void
job_fail(struct job *j, const char *stage, const char *fmt, ...)
{
	va_list ap;

	if (j->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	j->stage = stage;
	j->failed = 1;
}

/* The URL entries are resolved against and mail says they came from. */
static const char *
job_url(const struct job *j)
{
	return j->effective_url != NULL ? j->effective_url : j->conf.url;
}

/*
 * Delivers what doc has that was never delivered, after finishing what an
 * earlier crash or failure left pending.  Runs under store_lock, so that
 * an article in several feeds is checked and delivered by one worker.
 */
static void
job_deliver(struct job *j, const struct feed_doc *doc, time_t now)
{
	struct poller *p = j->p;
	struct entry *fresh;
	size_t nfresh = 0, recovered;
	char err[512] = "";

	if (deliver_recover(p->store, p->spool, &recovered, err,
	    sizeof(err)) == -1) {
		job_fail(j, "deliver", "%s", err);
		j->fatal = 1;
		return;
	}
	if (recovered > 0)
		log_warnx("deliver: %zu interrupted deliveries finished",
		    recovered);
	fresh = xcalloc(doc->nentries, sizeof(*fresh));
	/* Feeds list newest first; deliver oldest first. */
	for (size_t i = doc->nentries; i-- > 0;) {
		struct entry *e = &fresh[nfresh];
		int seen;

		entry_from_feed(e, doc, &doc->entries[i], j->conf.name,
		    job_target(j), j->conf.title, now);
		if ((seen = store_is_seen(p->store, e->key)) != 0) {
			if (seen == -1) {
				job_fail(j, "state", "%s",
				    store_errmsg(p->store));
				j->fatal = 1;
			}
			entry_clear(e);
			if (seen == -1)
				break;
			continue;
		}
		nfresh++;
	}
	if (!j->failed && deliver_batch(p->store, p->spool, fresh,
	    nfresh, &j->delivered, err, sizeof(err)) == -1) {
		job_fail(j, "deliver", "%s", err);
		j->fatal = 1;
	}
	for (size_t i = 0; i < nfresh; i++)
		entry_clear(&fresh[i]);
	free(fresh);
}

/* Returns the feed's <ttl> in minutes, for the schedule. */
static long
job_parse_and_deliver(struct job *j, time_t now)
{
	struct feed_source src = {
		.url = job_url(j),
		.content_type = j->content_type,
		.content_location = j->content_location,
		.content_language = j->content_language,
	};
	struct feed_doc *doc;
	char err[512];
	long ttl;

	doc = feed_parse(j->body.data != NULL ? j->body.data : "",
	    j->body.len, &src, err, sizeof(err));
	if (doc == NULL) {
		job_fail(j, "parse", "%s", err);
		return 0;
	}
	if (!doc->wellformed)
		snprintf(j->warning, sizeof(j->warning), "parse: recovered "
		    "from a malformed document: %s",
		    doc->error != NULL ? doc->error : "?");

	uv_mutex_lock(&j->p->store_lock);
	job_deliver(j, doc, now);
	uv_mutex_unlock(&j->p->store_lock);

	if (doc->title.value != NULL && *doc->title.value != '\0') {
		free(j->st.title);
		j->st.title = xstrdup(doc->title.value);
	}
	/* Validators only once everything is delivered: else fetch again. */
	free(j->st.etag);
	free(j->st.last_modified);
	j->st.etag = j->failed ? NULL : xstrdup_or_null(j->etag);
	j->st.last_modified = j->failed ? NULL :
	    xstrdup_or_null(j->last_modified);
	j->st.delivered += (long)j->delivered;
	ttl = doc->ttl;
	feed_doc_free(doc);
	return ttl;
}

/* What this poll changes in the feed's record, and when it is due again. */
static void
job_record(struct job *j, long ttl, time_t now)
{
	struct poll_outcome o;

	free(j->st.url);
	j->st.url = xstrdup(j->conf.url);
	j->st.last_poll = now;
	j->st.last_status = j->status;
	free(j->st.last_error);
	j->st.last_error = NULL;
	if (j->failed) {
		j->st.failures++;
		j->st.last_error = xasprintf("%s: %s", j->stage, j->err);
	} else
		j->st.failures = 0;
	/* A move counts once the new home served a feed we could read. */
	if (!j->failed && j->moved_to != NULL) {
		free(j->st.moved_to);
		j->st.moved_to = xstrdup(j->moved_to);
		j->moved = 1;
	}
	if (j->status == 410) {
		j->st.gone = now;
		j->gone = 1;
	}

	memset(&o, 0, sizeof(o));
	o.interval = j->conf.interval;
	o.ok = !j->failed;
	o.status = j->status;
	o.failures = j->st.failures;
	o.retry_after = j->retry_after;
	o.cache_control = j->cache_control;
	o.expires = j->expires;
	o.ttl = ttl;
	o.now = now;
	j->delay = schedule_next(&o, j->rnd, &j->why);
	j->st.next_due = j->gone ? 0 : now + j->delay;
}

void
poll_work(uv_work_t *req)
{
	struct job *j = req->data;
	time_t now = time(NULL);
	long ttl = 0;

	if (!j->fetch_ok)
		j->failed = 1;
	else if (j->status != 304)
		ttl = job_parse_and_deliver(j, now);
	job_record(j, ttl, now);

	uv_mutex_lock(&j->p->store_lock);
	if (store_feed_put(j->p->store, j->conf.name, &j->st) == -1 &&
	    !j->fatal) {
		if (!j->failed)
			job_fail(j, "state", "%s", store_errmsg(j->p->store));
		j->fatal = 1;
	}
	uv_mutex_unlock(&j->p->store_lock);
}
