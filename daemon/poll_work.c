/*
 * The thread-pool half of a poll: parse what was fetched, write what is
 * new into tmp/, and hand it to the group commit (group.c), which delivers
 * it together with other feeds' and records the feed's state and schedule
 * in the same transaction.  Nothing here touches the loop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "entry.h"
#include "feed.h"
#include "group.h"
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

const char *
job_target(const struct job *j)
{
	return j->st.moved_to != NULL ? j->st.moved_to : j->conf.url;
}

/* The URL entries are resolved against and mail says they came from. */
static const char *
job_url(const struct job *j)
{
	return j->res.effective_url != NULL ? j->res.effective_url :
	    j->conf.url;
}

static int
fresh_cmp(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;
	int c = strcmp((*x)->key, (*y)->key);

	if (c != 0)
		return c;
	return *x < *y ? -1 : *x > *y;
}

/*
 * Keeps the first of entries sharing a key, in order: a document that
 * repeats one item many times costs one message, not a file per copy.
 */
static size_t
fresh_unique(struct entry *v, size_t n)
{
	struct entry **by_key, *first;
	size_t i, kept = 0;

	if (n < 2)
		return n;
	by_key = xcalloc(n, sizeof(*by_key));
	for (i = 0; i < n; i++)
		by_key[i] = &v[i];
	qsort(by_key, n, sizeof(*by_key), fresh_cmp);
	for (i = 1, first = by_key[0]; i < n; i++) {
		if (strcmp(by_key[i]->key, first->key) == 0)
			by_key[i]->key[0] = '\0';	/* a later copy */
		else
			first = by_key[i];
	}
	free(by_key);
	for (i = 0; i < n; i++) {
		if (v[i].key[0] == '\0') {
			entry_clear(&v[i]);
			continue;
		}
		if (kept != i)
			v[kept] = v[i];
		kept++;
	}
	return kept;
}

/*
 * The entries of doc not delivered yet, oldest first (feeds list newest
 * first).  The seen checks run in one read transaction on the store's
 * reader, not under store_lock, so a worker never waits for a commit's
 * sync.  Two workers may both find the same article new (or one a commit
 * late), and the commit keeps the first.
 */
static struct entry *
job_fresh(struct job *j, const struct feed_doc *doc, time_t now, size_t *n)
{
	struct poller *p = j->p;
	struct entry *all;
	size_t i, nall = doc->nentries, nfresh = 0;
	int seen = 0;

	all = xcalloc(nall, sizeof(*all));
	for (i = 0; i < nall; i++)
		entry_from_feed(&all[i], doc, &doc->entries[nall - 1 - i],
		    j->conf.name, job_target(j), j->conf.title, now);
	if (nall > 0 && store_read_begin(p->store) == -1)
		seen = -1;
	for (i = 0; i < nall && seen != -1; i++) {
		if ((seen = store_read_seen(p->store, all[i].key)) != 0) {
			entry_clear(&all[i]);
			continue;
		}
		if (nfresh != i)
			all[nfresh] = all[i];
		nfresh++;
	}
	if (seen == -1) {
		job_fail(j, "state", "%s", store_read_errmsg(p->store));
		j->fatal = 1;
	}
	if (nall > 0)
		store_read_end(p->store);
	/* Past a failed lookup nothing is delivered. */
	for (; i < nall; i++)
		entry_clear(&all[i]);
	*n = fresh_unique(all, nfresh);
	return all;
}

/* Parses the body; NULL (the job failed) when it is not a feed. */
static struct feed_doc *
job_parse(struct job *j)
{
	struct feed_source src = {
		.url = job_url(j),
		.content_type = j->res.hdr[FETCH_HDR_CONTENT_TYPE],
		.content_location = j->res.hdr[FETCH_HDR_CONTENT_LOCATION],
		.content_language = j->res.hdr[FETCH_HDR_CONTENT_LANGUAGE],
	};
	struct feed_doc *doc;
	char err[512];

	doc = feed_parse(j->res.body.data != NULL ? j->res.body.data : "",
	    j->res.body.len, &src, err, sizeof(err));
	if (doc == NULL) {
		job_fail(j, "parse", "%s", err);
		return NULL;
	}
	if (!doc->wellformed)
		snprintf(j->warning, sizeof(j->warning), "parse: recovered "
		    "from a malformed document: %s",
		    doc->error != NULL ? doc->error : "?");
	if (doc->title.value != NULL && *doc->title.value != '\0') {
		free(j->st.title);
		j->st.title = xstrdup(doc->title.value);
	}
	/* Kept until the next document: a 304 says the same <ttl> holds. */
	j->st.ttl = doc->ttl;
	return doc;
}

/* What this poll changes in the feed's record, and when it is due again. */
static void
job_record(struct job *j, time_t now)
{
	struct poll_outcome o;

	free(j->st.url);
	j->st.url = xstrdup(j->conf.url);
	j->st.last_poll = now;
	j->st.last_status = j->res.status;
	free(j->st.last_error);
	j->st.last_error = NULL;
	if (j->failed) {
		j->st.failures++;
		j->st.last_error = xasprintf("%s: %s", j->stage, j->err);
	} else
		j->st.failures = 0;
	/* A move counts once the new home served a feed we could read. */
	if (!j->failed && j->res.moved_to != NULL) {
		free(j->st.moved_to);
		j->st.moved_to = xstrdup(j->res.moved_to);
		j->moved = 1;
	}
	if (j->res.status == 410) {
		j->st.gone = now;
		j->gone = 1;
	}

	memset(&o, 0, sizeof(o));
	o.interval = j->conf.interval;
	o.ok = !j->failed;
	o.status = j->res.status;
	o.failures = j->st.failures;
	o.retry_after = schedule_retry_after(j->res.hdr[FETCH_HDR_RETRY_AFTER],
	    now);
	o.cache_hint = schedule_cache_hint(j->res.hdr[FETCH_HDR_CACHE_CONTROL],
	    j->res.hdr[FETCH_HDR_EXPIRES], now);
	o.ttl = j->st.ttl;
	j->delay = schedule_next(&o, j->rnd, &j->why);
	j->st.next_due = j->gone ? 0 : now + j->delay;
	j->st.server_wait = schedule_server_wait(&o);
}

/*
 * Called by the committer once this job's entries are delivered or not:
 * what the poll changes in the feed's state, written in the transaction
 * that marks the entries seen.
 */
static void
job_recorded(struct delivery *d, void *arg)
{
	struct job *j = arg;

	j->delivered = d->delivered;
	if (d->failed) {
		job_fail(j, "deliver", "%s", d->err);
		j->fatal = 1;
	}
	/* Validators only once everything is delivered: else fetch again. */
	if (j->res.ok && j->res.status != 304) {
		free(j->st.etag);
		free(j->st.last_modified);
		j->st.etag = j->failed ? NULL :
		    xstrdup_or_null(j->res.hdr[FETCH_HDR_ETAG]);
		j->st.last_modified = j->failed ? NULL :
		    xstrdup_or_null(j->res.hdr[FETCH_HDR_LAST_MODIFIED]);
	}
	j->st.delivered += (long)j->delivered;
	job_record(j, j->now);
	d->feed = j->conf.name;
	d->st = &j->st;
}

void
poll_work(uv_work_t *req)
{
	struct job *j = req->data;
	struct feed_doc *doc = NULL;
	struct entry *fresh = NULL;
	struct delivery d;
	size_t nfresh = 0;

	j->now = time(NULL);
	if (!j->res.ok)
		j->failed = 1;
	else if (j->res.status != 304 && (doc = job_parse(j)) != NULL)
		fresh = job_fresh(j, doc, j->now, &nfresh);
	deliver_init(&d, fresh, j->failed ? 0 : nfresh);
	d.record = job_recorded;
	d.arg = j;
	if (d.n > 0)
		deliver_prepare(&d, j->p->spool);
	group_submit(j->p->group, &d);
	if (d.state_failed && !j->fatal) {
		if (!j->failed)
			job_fail(j, "state", "%s", d.err);
		j->fatal = 1;
	}
	deliver_clear(&d);
	for (size_t i = 0; i < nfresh; i++)
		entry_clear(&fresh[i]);
	free(fresh);
	feed_doc_free(doc);
}
