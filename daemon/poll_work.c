/*
 * The thread-pool half of a poll: parse what was fetched, write what is
 * new into tmp/, and hand it to the group commit (group.c), which delivers
 * it together with other feeds' and records the feed's state and schedule
 * in the same transaction.  Nothing here touches the loop.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "entry.h"
#include "feed.h"
#include "filter.h"
#include "folder.h"
#include "fulltext.h"
#include "group.h"
#include "hook.h"
#include "log.h"
#include "poller.h"
#include "schedule.h"
#include "store.h"
#include "story.h"
#include "url.h"
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

/* Adds a warning to the one line the loop logs for this poll. */
static void job_warn(struct job *j, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

static void
job_warn(struct job *j, const char *fmt, ...)
{
	size_t len = strlen(j->warning);
	va_list ap;

	if (len > 0 && len + 2 < sizeof(j->warning)) {
		memcpy(j->warning + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(j->warning + len, sizeof(j->warning) - len, fmt, ap);
	va_end(ap);
}

/* Says how many of the n new entries at v were cut to entry.h's bounds. */
static void
job_warn_cut(struct job *j, const struct entry *v, size_t n)
{
	unsigned int cut = 0;
	size_t i, count = 0;
	struct buf b;

	for (i = 0; i < n; i++)
		if (v[i].cut != 0) {
			cut |= v[i].cut;
			count++;
		}
	if (count == 0)
		return;
	buf_init(&b);
	if (cut & ENTRY_CUT_TEXT)
		buf_printf(&b, ", a title or name over %d characters",
		    ENTRY_TEXT_MAX);
	if (cut & ENTRY_CUT_CONTENT)
		buf_printf(&b, ", content over %d bytes", ENTRY_CONTENT_MAX);
	if (cut & ENTRY_CUT_URL)
		buf_printf(&b, ", a link or id over %d bytes left out",
		    ENTRY_URL_MAX);
	job_warn(j, "deliver: %zu new entr%s cut to size (%s)", count,
	    count == 1 ? "y" : "ies", b.data + 2);
	buf_free(&b);
}

const char *
job_target(const struct job *j)
{
	return j->st.moved_to != NULL ? j->st.moved_to : j->conf.url;
}

/*
 * The URL entries are resolved against: where the redirects ended,
 * without the credentials of the request.  Allocated.
 */
static char *
job_url(const struct job *j)
{
	return url_strip_userinfo(j->res.effective_url != NULL ?
	    j->res.effective_url : j->conf.url);
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
 * Closes the gaps the entries cleared (entry_clear: no key) left in v,
 * keeping the order: how many are left.
 */
static size_t
entries_compact(struct entry *v, size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		if (v[i].key[0] != '\0')
			v[kept++] = v[i];
	return kept;
}

/*
 * Keeps the first of entries sharing a key, in order: a document that
 * repeats one item many times costs one message, not a file per copy.
 */
static size_t
fresh_unique(struct entry *v, size_t n)
{
	struct entry **by_key, *first;
	size_t i;

	if (n < 2)
		return n;
	by_key = xcalloc(n, sizeof(*by_key));
	for (i = 0; i < n; i++)
		by_key[i] = &v[i];
	qsort(by_key, n, sizeof(*by_key), fresh_cmp);
	for (i = 1, first = by_key[0]; i < n; i++) {
		if (strcmp(by_key[i]->key, first->key) == 0)
			entry_clear(by_key[i]);		/* a later copy */
		else
			first = by_key[i];
	}
	free(by_key);
	return entries_compact(v, n);
}

/*
 * Newest first: by date, and among equal dates by place (the entries are
 * oldest first, so a later place is a newer entry).
 */
static int
newest_cmp(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;

	if ((*x)->date != (*y)->date)
		return (*x)->date > (*y)->date ? -1 : 1;
	return *x > *y ? -1 : *x < *y;
}

/*
 * A feed's first good poll delivers its newest conf.backfill entries and
 * only marks the others seen: v (n entries, oldest first, each key once)
 * keeps the newest, in their order, and the keys of the others go to
 * *older (allocated).  Returns how many v keeps.
 */
static size_t
job_backfill(const struct job *j, struct entry *v, size_t n,
    char (**older)[KEY_HEX_SIZE], size_t *nolder)
{
	struct entry **by_date;
	unsigned char *keep;
	size_t i;

	*older = NULL;
	*nolder = 0;
	if (j->st.first_good != 0 || (unsigned long)j->conf.backfill >= n)
		return n;
	by_date = xcalloc(n, sizeof(*by_date));
	keep = xcalloc(n, 1);
	for (i = 0; i < n; i++)
		by_date[i] = &v[i];
	qsort(by_date, n, sizeof(*by_date), newest_cmp);
	for (i = 0; i < (size_t)j->conf.backfill; i++)
		keep[by_date[i] - v] = 1;
	free(by_date);
	*older = xcalloc(n - (size_t)j->conf.backfill, sizeof(**older));
	for (i = 0; i < n; i++)
		if (!keep[i]) {
			memcpy((*older)[(*nolder)++], v[i].key, KEY_HEX_SIZE);
			entry_clear(&v[i]);
		}
	free(keep);
	return entries_compact(v, n);
}

/*
 * What else the feed's entries without a link may have been keyed under
 * (store_read_old_scopes): read on first use.
 */
struct old_scopes {
	char	**v;
	size_t	  n;
	int	  loaded;
};

static void
old_scopes_free(struct old_scopes *os)
{
	while (os->n > 0)
		free(os->v[--os->n]);
	free(os->v);
}

/*
 * Whether fe, not seen under its key, was delivered under one it had
 * before: its link when that is not http(s) (any link keyed an entry
 * before only http(s) links were published), a URL the feed had, or its
 * config name in a state of before keys were scoped by URL.  1, 0 or -1;
 * inside the reader's transaction.
 */
static int
job_seen_before(struct job *j, const struct feed_entry *fe,
    struct old_scopes *os)
{
	char key[KEY_HEX_SIZE], *scope, *canon;
	size_t i;
	int rc;

	if (fe->link != NULL && !url_is_http(fe->link)) {
		canon = url_canonical(fe->link);
		entry_key_hash(canon, strlen(canon), key);
		rc = canon[0] != '\0' ? store_read_seen(j->p->store, key) : 0;
		free(canon);
		if (rc != 0)
			return rc;
	}
	if (!os->loaded) {
		scope = url_identity(j->conf.url);
		rc = store_read_old_scopes(j->p->store, scope, j->conf.name,
		    &os->v, &os->n);
		free(scope);
		if (rc == -1)
			return -1;
		os->loaded = 1;
	}
	for (i = 0; i < os->n; i++) {
		if (!entry_key_scoped(fe, os->v[i], key))
			return 0;
		if ((rc = store_read_seen(j->p->store, key)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Drops from v (and from src, the parsed entry each comes from) those
 * seen or pending already, under their key or one they had before; past
 * a failed lookup (-1) every entry is dropped.  Inside the reader's
 * transaction.
 */
static int
drop_seen(struct job *j, struct entry *v, const struct feed_entry **src,
    size_t n)
{
	struct old_scopes os = { NULL, 0, 0 };
	size_t i;
	int seen = 0;

	for (i = 0; i < n; i++) {
		if (seen != -1 && (seen = store_read_seen(j->p->store,
		    v[i].key)) == 0)
			seen = job_seen_before(j, src[i], &os);
		if (seen != 0)
			entry_clear(&v[i]);
	}
	old_scopes_free(&os);
	return seen == -1 ? -1 : 0;
}

/*
 * The filters' verdict on the entries of v not cleared (src: where each
 * came from): those a rule drops are cleared and their keys go to
 * *dropped (allocated).  Returns how many.
 */
static size_t
job_filter(struct job *j, struct entry *v, const struct feed_entry **src,
    size_t n, time_t now, char (**dropped)[KEY_HEX_SIZE])
{
	struct filter *f;
	size_t i, k = 0;
	int keep;

	*dropped = NULL;
	if (j->conf.filters.n == 0)
		return 0;
	f = filter_new(&j->conf.filters);
	for (i = 0; i < n; i++) {
		if (v[i].key[0] == '\0' ||
		    filter_decide(f, &v[i], src[i], now, &keep) < 0 || keep)
			continue;
		*dropped = xreallocarray(*dropped, k + 1, sizeof(**dropped));
		memcpy((*dropped)[k++], v[i].key, KEY_HEX_SIZE);
		entry_clear(&v[i]);
	}
	filter_free(f);
	j->filtered = k;
	return k;
}

/*
 * The entries of doc not delivered yet, oldest first (feeds list newest
 * first), and on a first poll the keys of the older entries that are
 * only marked seen.  An entry the body ended inside is left out, not
 * marked seen: cut anywhere, it would be mailed half and then again
 * whole.  The seen checks run in one read transaction on the store's
 * reader, not under store_lock, so a worker never waits for a commit's
 * sync.  Two workers may both find the same article new (or one a commit
 * late), and the commit keeps the first.
 */
static struct entry *
job_fresh(struct job *j, const struct feed_doc *doc, time_t now, size_t *n,
    char (**older)[KEY_HEX_SIZE], size_t *nolder)
{
	struct poller *p = j->p;
	const struct feed_entry *e, **src;
	struct entry *all;
	char (*dropped)[KEY_HEX_SIZE] = NULL;
	size_t i, nall = 0, ncut = 0, ndropped;

	all = xcalloc(doc->nentries, sizeof(*all));
	src = xcalloc(doc->nentries, sizeof(*src));
	for (i = 0; i < doc->nentries; i++) {
		e = &doc->entries[doc->nentries - 1 - i];
		if (e->incomplete) {
			ncut++;
			continue;
		}
		entry_from_feed(&all[nall], doc, e, j->conf.name, j->conf.url,
		    j->conf.title, now);
		all[nall].from_name = (int)j->conf.from_name;
		src[nall++] = e;
	}
	if (ncut > 0)
		job_warn(j, "parse: document cut short: %zu entr%s left for "
		    "a later poll", ncut, ncut == 1 ? "y" : "ies");
	if (nall > 0) {
		if (store_read_begin(p->store) == -1 ||
		    drop_seen(j, all, src, nall) == -1) {
			job_fail(j, "state", "%s",
			    store_read_errmsg(p->store));
			j->fatal = 1;
		}
		store_read_end(p->store);
	}
	ndropped = job_filter(j, all, src, nall, now, &dropped);
	free(src);
	nall = entries_compact(all, nall);
	nall = fresh_unique(all, nall);
	/* Of what is new, the newest on a first poll. */
	*n = job_backfill(j, all, nall, older, nolder);
	job_warn_cut(j, all, *n);
	/* What the filters dropped is marked seen, as older entries are. */
	if (ndropped > 0) {
		*older = xreallocarray(*older, *nolder + ndropped,
		    sizeof(**older));
		memcpy(*older + *nolder, dropped, ndropped * sizeof(*dropped));
		*nolder += ndropped;
	}
	free(dropped);
	return all;
}

/* Parses the body; NULL (the job failed) when it is not a feed. */
static struct feed_doc *
job_parse(struct job *j)
{
	char *base = job_url(j);
	struct feed_source src = {
		.url = base,
		.content_type = j->res.hdr[FETCH_HDR_CONTENT_TYPE],
		.content_location = j->res.hdr[FETCH_HDR_CONTENT_LOCATION],
		.content_language = j->res.hdr[FETCH_HDR_CONTENT_LANGUAGE],
	};
	struct feed_doc *doc;
	char err[512];

	doc = feed_parse(j->res.body.data != NULL ? j->res.body.data : "",
	    j->res.body.len, &src, err, sizeof(err));
	free(base);
	if (doc == NULL) {
		job_fail(j, "parse", "%s", err);
		return NULL;
	}
	if (!doc->wellformed)
		job_warn(j, "parse: recovered from a malformed document: %s",
		    doc->error != NULL ? doc->error : "?");
	if (doc->entries_dropped > 0)
		job_warn(j, "parse: the document has %zu entries more than "
		    "the %zu read; they are left out", doc->entries_dropped,
		    doc->nentries);
	if (doc->title.value != NULL && *doc->title.value != '\0') {
		free(j->st.title);
		j->st.title = xstrdup(doc->title.value);
	}
	/* Kept until the next document: a 304 says the same <ttl> holds. */
	j->st.ttl = doc->ttl;
	j->cut_short = doc->cut_short;
	return doc;
}

/* What this poll changes in the feed's record, and when it is due again. */
static void
job_record(struct job *j, time_t now)
{
	struct poll_outcome o;

	free(j->st.url);
	j->st.url = url_hide_password(j->conf.url);
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
	if (!j->failed && j->st.first_good == 0)
		j->st.first_good = now;

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
	int keep;

	j->delivered = d->delivered;
	if (d->failed) {
		job_fail(j, "deliver", "%s", d->err);
		j->fatal = 1;
	}
	/*
	 * Validators only once everything is delivered, and of a whole
	 * document: else fetch again, or a 304 would hide the rest of a body
	 * cut short.
	 */
	if (j->res.ok && j->res.status != 304) {
		keep = !j->failed && !j->cut_short;
		free(j->st.etag);
		free(j->st.last_modified);
		j->st.etag = keep ?
		    xstrdup_or_null(j->res.hdr[FETCH_HDR_ETAG]) : NULL;
		j->st.last_modified = keep ?
		    xstrdup_or_null(j->res.hdr[FETCH_HDR_LAST_MODIFIED]) : NULL;
	}
	j->st.delivered += (long)j->delivered;
	job_record(j, j->now);
	d->feed = j->conf.name;
	d->st = &j->st;
}

/* One field of a dry run's line, escaped as the log escapes text. */
static void
report_field(struct buf *b, const char *s)
{
	char shown[16384];

	if (s == NULL || *s == '\0') {
		buf_addc(b, '-');
		return;
	}
	log_vis(shown, sizeof(shown), s);
	buf_addstr(b, shown);
}

/*
 * A dry run's report of a feed: the entries it would deliver, one line
 * each (feed name, title, link, tab-separated), on stdout.
 */
static void
job_report(const struct job *j, const struct entry *v, size_t n)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "%s\t", j->conf.name);
		report_field(&b, v[i].title);
		buf_addc(&b, '\t');
		report_field(&b, v[i].link);
		buf_addc(&b, '\n');
	}
	if (b.len > 0)
		log_output(b.data, b.len);
	buf_free(&b);
}

/*
 * filter-test: a line per entry of doc, in the document's order, with
 * the verdict of the feed's filters and the rule that gave it ("-" when
 * none matched).
 */
static void
job_filter_report(struct job *j, const struct feed_doc *doc)
{
	struct filter *f = filter_new(&j->conf.filters);
	const struct filter_rule *r;
	struct entry e;
	struct buf b;
	long rule;
	int keep;

	buf_init(&b);
	for (size_t i = 0; i < doc->nentries; i++) {
		entry_from_feed(&e, doc, &doc->entries[i], j->conf.name,
		    j->conf.url, j->conf.title, j->now);
		keep = 1;
		rule = filter_decide(f, &e, &doc->entries[i], j->now, &keep);
		buf_printf(&b, "%s\t%s\t", j->conf.name, keep ? "keep" : "drop");
		if (rule < 0)
			buf_addc(&b, '-');
		else {
			r = &j->conf.filters.v[rule];
			buf_printf(&b, "%s = ", r->key);
			report_field(&b, r->value);
			if (r->line > 0)
				buf_printf(&b, " (line %d)", r->line);
		}
		buf_addc(&b, '\t');
		report_field(&b, e.title);
		buf_addc(&b, '\n');
		entry_clear(&e);
	}
	if (b.len > 0)
		log_output(b.data, b.len);
	buf_free(&b);
	filter_free(f);
}

static int
restore_story(const struct entry *e, void *arg)
{
	const struct job *j = arg;

	story_restore(j->p->stories, e, j->now);
	return 0;
}

/*
 * The story index, read back from the state by the first worker with
 * entries to deliver (a run that delivers nothing never reads it), with
 * story_lock held.  0, or -1 with the job failed.
 */
static int
job_stories_read(struct job *j)
{
	struct poller *p = j->p;
	int rc;

	if (p->stories_read)
		return 0;
	uv_mutex_lock(&p->store_lock);
	rc = store_story_window(p->store, j->now - p->story_window,
	    restore_story, j);
	if (rc == -1)
		job_fail(j, "state", "reading the stories back: %s",
		    store_errmsg(p->store));
	uv_mutex_unlock(&p->store_lock);
	if (rc == 0)
		log_debug("stories: %zu entries of the last %lds read back, "
		    "%zu KiB", story_index_entries(p->stories),
		    (long)p->story_window,
		    story_index_bytes(p->stories) / 1024);
	p->stories_read = rc == 0;
	return rc;
}

/* Each entry joins its story before its message is written.  0 or -1. */
static int
job_stories(struct job *j, struct entry *v, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		story_evidence(&v[i]);
	uv_mutex_lock(&j->p->story_lock);
	if ((rc = job_stories_read(j)) == 0)
		for (size_t i = 0; i < n; i++)
			story_assign(j->p->stories, &v[i], j->now);
	uv_mutex_unlock(&j->p->story_lock);
	return rc;
}

/*
 * The feed's exec for each entry d put in new/, at most HOOKS_AT_ONCE
 * across the workers; delivery is done and stays so whatever they do.
 */
static void
job_hooks(struct job *j, const struct delivery *d)
{
	struct poller *p = j->p;
	char dir[PATH_MAX], *path;

	if (folder_maildir(dir, sizeof(dir), p->spool, d->folder) == -1)
		return;
	for (size_t i = 0; i < d->n; i++) {
		if (!deliver_landed(d, i))
			continue;
		path = xasprintf("%s/new/%s", dir, d->names[i]);
		uv_sem_wait(&p->hooks);
		(void)hook_run(j->conf.exec, &d->entries[i], path,
		    atomic_load(&p->exec_timeout));
		uv_sem_post(&p->hooks);
		free(path);
	}
}

/*
 * Delivers n fresh entries (and marks the older ones of a first poll
 * seen) through the group commit, their stories first.
 */
static void
job_deliver(struct job *j, struct entry *fresh, size_t nfresh,
    char (*older)[KEY_HEX_SIZE], size_t nolder)
{
	struct delivery d;
	char *folder = j->conf.folder != NULL ?
	    folder_dirname(j->conf.folder) : NULL;

	deliver_init(&d, fresh, j->failed ? 0 : nfresh);
	d.record = job_recorded;
	d.arg = j;
	d.folder = folder;
	d.older = (const char (*)[KEY_HEX_SIZE])older;
	d.nolder = nolder;
	if (d.n > 0 && job_stories(j, fresh, d.n) == -1) {
		/* Nothing is delivered without its story. */
		j->fatal = 1;
		d.n = 0;
		d.nolder = 0;
	}
	if (d.n > 0)
		deliver_prepare(&d, j->p->spool);
	group_submit(j->p->group, &d);
	if (d.state_failed && !j->fatal) {
		if (!j->failed)
			job_fail(j, "state", "%s", d.err);
		j->fatal = 1;
	}
	if (j->conf.exec != NULL)
		job_hooks(j, &d);
	deliver_clear(&d);
	free(folder);
}

/*
 * The fresh entries that want their page for full text become the job's
 * pages: their number.
 */
static size_t
job_pages_plan(struct job *j, struct entry *fresh, size_t nfresh)
{
	for (size_t i = 0; i < nfresh; i++) {
		if (!fulltext_wanted(&fresh[i], j->conf.fulltext))
			continue;
		if (j->pages == NULL)
			j->pages = xcalloc(nfresh - i, sizeof(*j->pages));
		j->pages[j->npages].j = j;
		j->pages[j->npages++].entry = i;
	}
	return j->npages;
}

void
poll_work(uv_work_t *req)
{
	struct job *j = req->data;
	struct feed_doc *doc = NULL;
	struct entry *fresh = NULL;
	char (*older)[KEY_HEX_SIZE] = NULL;
	size_t nfresh = 0, nolder = 0;

	j->now = time(NULL);
	j->cut_short = 0;
	if (!j->res.ok)
		j->failed = 1;
	else if (j->res.status != 304 && (doc = job_parse(j)) != NULL) {
		if (j->p->filter_test) {
			job_filter_report(j, doc);
			feed_doc_free(doc);
			return;
		}
		fresh = job_fresh(j, doc, j->now, &nfresh, &older, &nolder);
	}
	feed_doc_free(doc);
	if (j->failed)
		nolder = j->filtered = 0;
	/* The older entries of a first poll, apart from what filters drop. */
	j->skipped = nolder - j->filtered;
	if (j->p->dry_run) {
		/* Nothing is written: the lines are the outcome. */
		if (!j->failed) {
			job_report(j, fresh, nfresh);
			j->delivered = nfresh;
		}
	} else if (!j->failed && job_pages_plan(j, fresh, nfresh) > 0) {
		/* Delivered by poll_pages_work once the pages are in. */
		j->fresh = fresh;
		j->nfresh = nfresh;
		j->older = older;
		j->nolder = nolder;
		return;
	} else
		job_deliver(j, fresh, nfresh, older, nolder);
	for (size_t i = 0; i < nfresh; i++)
		entry_clear(&fresh[i]);
	free(fresh);
	free(older);
}

void
poll_pages_work(uv_work_t *req)
{
	struct job *j = req->data;
	struct job_page *pg;
	char why[300], *shown;
	size_t i;

	for (i = 0; i < j->npages; i++) {
		pg = &j->pages[i];
		if (pg->elsewhere) {
			/* The job fetching its page delivers it. */
			entry_clear(&j->fresh[pg->entry]);
			continue;
		}
		if (fulltext_apply(&j->fresh[pg->entry], &pg->res, j->sites,
		    why, sizeof(why)) == 0)
			continue;
		shown = url_hide_password(j->fresh[pg->entry].link);
		log_warnx("feed %s: full text of %s: %s", j->conf.name,
		    shown, why);
		free(shown);
	}
	j->nfresh = entries_compact(j->fresh, j->nfresh);
	job_deliver(j, j->fresh, j->nfresh, j->older, j->nolder);
	job_pages_clear(j);
}

void
job_pages_clear(struct job *j)
{
	for (size_t i = 0; i < j->nfresh; i++)
		entry_clear(&j->fresh[i]);
	for (size_t i = 0; i < j->npages; i++)
		fetch_result_clear(&j->pages[i].res);
	free(j->fresh);
	free(j->older);
	free(j->pages);
	fulltext_sites_unref(j->sites);
	j->sites = NULL;
	j->fresh = NULL;
	j->older = NULL;
	j->pages = NULL;
	j->nfresh = j->nolder = j->npages = j->pages_left = 0;
}
