/*
 * The poll pipeline.  Each feed is a job: fetch on the loop, then parse,
 * deliver and record in a thread-pool worker, then back on the loop to log
 * and schedule.  Delivery and state updates of all workers are serialised
 * by one mutex so that a key is checked, delivered and marked seen as one
 * step: the same article in two feeds is delivered once.  --once counts the
 * jobs outstanding and ends the loop when none is left; the daemon re-arms
 * each feed's timer instead.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "atom.h"
#include "config.h"
#include "deliver.h"
#include "entry.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"
#include "maildir.h"
#include "run.h"
#include "store.h"
#include "url.h"
#include "xmalloc.h"

enum job_state {
	JOB_IDLE,
	JOB_FETCHING,
	JOB_WORKING,
};

struct poller;

/* One feed: its config, its state and the poll under way. */
struct job {
	struct poller		*p;
	const struct feed_conf	*fc;
	struct feed_state	 st;		/* owned by the worker while JOB_WORKING */
	enum job_state		 state;
	uv_timer_t		 timer;		/* daemon: the next poll */
	uv_work_t		 work;

	/* The fetch outcome, copied out of the fetcher. */
	int			 fetch_ok;
	long			 status;
	struct buf		 body;
	char			*content_type;
	char			*content_location;
	char			*content_language;
	char			*etag;
	char			*last_modified;
	char			*effective_url;

	/* The worker's outcome, read back on the loop. */
	const char		*stage;		/* "fetch", "parse", "deliver", "state" */
	char			 err[512];
	char			 warning[512];
	int			 failed;
	int			 fatal;		/* spool or state unusable */
	size_t			 delivered;
};

struct poller {
	uv_loop_t		 loop;
	const struct config	*cfg;
	int			 once;
	struct store		*store;
	uv_mutex_t		 store_lock;
	struct fetcher		*fetcher;
	struct job		*jobs;
	size_t			 njobs;
	size_t			 outstanding;	/* --once: jobs not done yet */
	int			 stopping;
	uv_signal_t		 sigterm;
	uv_signal_t		 sigint;

	uv_work_t		 merge_work;
	int			 merge_running;
	int			 merge_again;	/* new entries since it started */
	char			 merge_err[512];
	char			*feed_id;

	size_t			 delivered;
	size_t			 polled;
	size_t			 failed;
	int			 fatal;
};

static void	job_poll(struct job *);
static void	job_schedule(struct job *, uint64_t delay_ms);
static void	merge_start(struct poller *);
static void	poller_shutdown(struct poller *);

static void
job_reset_fetch(struct job *j)
{
	buf_free(&j->body);
	free(j->content_type);
	free(j->content_location);
	free(j->content_language);
	free(j->etag);
	free(j->last_modified);
	free(j->effective_url);
	j->content_type = j->content_location = j->content_language = NULL;
	j->etag = j->last_modified = j->effective_url = NULL;
	j->err[0] = j->warning[0] = '\0';
	j->stage = NULL;
	j->failed = j->fatal = 0;
	j->delivered = 0;
}

/*
 * Worker side.
 */

static void
job_fail(struct job *j, const char *stage, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
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

	if (deliver_recover(p->store, p->cfg->spool, &recovered, err,
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

		entry_from_feed(e, doc, &doc->entries[i], j->fc->name,
		    j->fc->url, j->fc->title, now);
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
	if (!j->failed && deliver_batch(p->store, p->cfg->spool, fresh,
	    nfresh, &j->delivered, err, sizeof(err)) == -1) {
		job_fail(j, "deliver", "%s", err);
		j->fatal = 1;
	}
	for (size_t i = 0; i < nfresh; i++)
		entry_clear(&fresh[i]);
	free(fresh);
}

static void
job_parse_and_deliver(struct job *j, time_t now)
{
	struct feed_source src = {
		.url = j->effective_url != NULL ? j->effective_url : j->fc->url,
		.content_type = j->content_type,
		.content_location = j->content_location,
		.content_language = j->content_language,
	};
	struct feed_doc *doc;
	char err[512];

	doc = feed_parse(j->body.data != NULL ? j->body.data : "",
	    j->body.len, &src, err, sizeof(err));
	if (doc == NULL) {
		job_fail(j, "parse", "%s", err);
		return;
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
	feed_doc_free(doc);
}

static void
job_work(uv_work_t *req)
{
	struct job *j = req->data;
	time_t now = time(NULL);

	if (!j->fetch_ok)
		j->failed = 1;
	else if (j->status != 304)
		job_parse_and_deliver(j, now);

	free(j->st.url);
	j->st.url = xstrdup(j->fc->url);
	j->st.last_poll = now;
	j->st.last_status = j->status;
	free(j->st.last_error);
	j->st.last_error = NULL;
	if (j->failed) {
		j->st.failures++;
		j->st.last_error = xasprintf("%s: %s", j->stage, j->err);
	} else
		j->st.failures = 0;
	j->st.next_due = now + j->fc->interval;

	uv_mutex_lock(&j->p->store_lock);
	if (store_feed_put(j->p->store, j->fc->name, &j->st) == -1 &&
	    !j->fatal) {
		if (!j->failed)
			job_fail(j, "state", "%s", store_errmsg(j->p->store));
		j->fatal = 1;
	}
	uv_mutex_unlock(&j->p->store_lock);
}

/*
 * Loop side.
 */

static void
job_done(uv_work_t *req, int status)
{
	struct job *j = req->data;
	struct poller *p = j->p;

	(void)status;
	j->state = JOB_IDLE;
	p->polled++;
	if (j->failed) {
		p->failed++;
		log_error("feed %s: %s: %s", j->fc->name, j->stage, j->err);
	} else if (j->warning[0] != '\0')
		log_warnx("feed %s: %s", j->fc->name, j->warning);
	if (j->fatal)
		p->fatal = 1;
	if (j->delivered > 0) {
		log_info("feed %s: %zu new entries", j->fc->name,
		    j->delivered);
		p->delivered += j->delivered;
	}
	/*
	 * The daemon rebuilds the merged feed whenever a feed brought
	 * something; --once rebuilds it once, when the last feed is done.
	 */
	if (p->once ? p->outstanding == 1 : j->delivered > 0)
		merge_start(p);
	job_reset_fetch(j);

	if (p->once) {
		if (--p->outstanding == 0 && !p->merge_running)
			poller_shutdown(p);
	} else if (!p->stopping)
		job_schedule(j, (uint64_t)j->fc->interval * 1000);
	else if (!p->merge_running)
		poller_shutdown(p);
}

static void
job_fetched(const struct fetch_result *res, void *arg)
{
	struct job *j = arg;

	j->fetch_ok = res->ok;
	j->status = res->status;
	buf_reset(&j->body);
	if (res->len > 0)
		buf_add(&j->body, res->body, res->len);
	j->content_type = xstrdup_or_null(res->content_type);
	j->content_location = xstrdup_or_null(res->content_location);
	j->content_language = xstrdup_or_null(res->content_language);
	j->etag = xstrdup_or_null(res->etag);
	j->last_modified = xstrdup_or_null(res->last_modified);
	j->effective_url = xstrdup_or_null(res->effective_url);
	if (!res->ok)
		job_fail(j, "fetch", "%s (%s)",
		    res->error != NULL ? res->error : "failed", j->fc->url);
	/* A 304 keeps the validators we sent. */
	if (res->ok && res->status == 304) {
		free(j->etag);
		free(j->last_modified);
		j->etag = xstrdup_or_null(j->st.etag);
		j->last_modified = xstrdup_or_null(j->st.last_modified);
	}
	j->state = JOB_WORKING;
	j->work.data = j;
	if (uv_queue_work(&j->p->loop, &j->work, job_work, job_done) != 0)
		fatalx("uv_queue_work failed");
}

static void
job_poll(struct job *j)
{
	struct fetch_request req = {
		.url = j->fc->url,
		.etag = j->st.etag,
		.last_modified = j->st.last_modified,
	};

	/* Validators belong to the URL they came from. */
	if (j->st.url != NULL && strcmp(j->st.url, j->fc->url) != 0)
		req.etag = req.last_modified = NULL;
	job_reset_fetch(j);
	j->state = JOB_FETCHING;
	if (fetch_start(j->p->fetcher, &req, job_fetched, j) == -1)
		fatalx("feed %s: cannot start a fetch", j->fc->name);
}

static void
job_timer(uv_timer_t *t)
{
	struct job *j = t->data;

	if (j->state == JOB_IDLE && !j->p->stopping)
		job_poll(j);
}

static void
job_schedule(struct job *j, uint64_t delay_ms)
{
	uv_timer_start(&j->timer, job_timer, delay_ms, 0);
}

/*
 * The merged feed is rebuilt from the store in a worker; requests that
 * come while it runs make it run once more afterwards.
 */
static void
merge_work(uv_work_t *req)
{
	struct poller *p = req->data;
	struct entry *entries = NULL;
	size_t n = 0;
	int rc;

	p->merge_err[0] = '\0';
	uv_mutex_lock(&p->store_lock);
	rc = store_recent(p->store, (size_t)p->cfg->max_entries, &entries, &n);
	if (rc == 0)
		rc = store_prune(p->store, (size_t)p->cfg->max_entries);
	if (rc == -1)
		snprintf(p->merge_err, sizeof(p->merge_err), "state: %s",
		    store_errmsg(p->store));
	uv_mutex_unlock(&p->store_lock);
	if (rc == 0)
		atom_write(p->cfg->output, p->cfg->title, p->feed_id, entries,
		    n, p->merge_err, sizeof(p->merge_err));
	store_entries_free(entries, n);
}

static void
merge_done(uv_work_t *req, int status)
{
	struct poller *p = req->data;

	(void)status;
	p->merge_running = 0;
	if (p->merge_err[0] != '\0') {
		log_error("merged feed %s: %s", p->cfg->output, p->merge_err);
		p->fatal = 1;
	}
	if (p->merge_again && !p->stopping) {
		p->merge_again = 0;
		merge_start(p);
		return;
	}
	if ((p->once && p->outstanding == 0) || p->stopping)
		poller_shutdown(p);
}

static void
merge_start(struct poller *p)
{
	if (p->merge_running) {
		p->merge_again = 1;
		return;
	}
	p->merge_running = 1;
	p->merge_work.data = p;
	if (uv_queue_work(&p->loop, &p->merge_work, merge_work,
	    merge_done) != 0)
		fatalx("uv_queue_work failed");
}

static int
busy_jobs(const struct poller *p)
{
	for (size_t i = 0; i < p->njobs; i++)
		if (p->jobs[i].state == JOB_WORKING)
			return 1;
	return 0;
}

/* Closes every handle once no worker is left; uv_run then returns. */
static void
poller_shutdown(struct poller *p)
{
	if (p->fetcher == NULL || busy_jobs(p) || p->merge_running)
		return;
	fetch_free(p->fetcher);
	p->fetcher = NULL;
	for (size_t i = 0; i < p->njobs; i++)
		uv_close((uv_handle_t *)&p->jobs[i].timer, NULL);
	if (!p->once) {
		uv_close((uv_handle_t *)&p->sigterm, NULL);
		uv_close((uv_handle_t *)&p->sigint, NULL);
	}
}

static void
on_stop_signal(uv_signal_t *sig, int signum)
{
	struct poller *p = sig->data;

	log_info("signal %d: stopping", signum);
	p->stopping = 1;
	for (size_t i = 0; i < p->njobs; i++) {
		uv_timer_stop(&p->jobs[i].timer);
		/* Cancelled fetches never call back; nothing was delivered. */
		if (p->jobs[i].state == JOB_FETCHING)
			p->jobs[i].state = JOB_IDLE;
	}
	uv_signal_stop(&p->sigterm);
	uv_signal_stop(&p->sigint);
	poller_shutdown(p);
}

static int
poller_init(struct poller *p, const struct config *cfg, int once)
{
	struct fetch_limits limits = {
		.max_total = (int)cfg->max_connections,
		.max_per_host = (int)cfg->max_per_host,
		.timeout = cfg->timeout,
		.max_body = (size_t)cfg->max_body,
	};
	char err[512] = "", key[KEY_HEX_SIZE];
	size_t recovered;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->once = once;
	/* Over RLIMIT_FSIZE a write must fail with EFBIG, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	if (maildir_init(cfg->spool, err, sizeof(err)) == -1) {
		log_error("spool %s: %s", cfg->spool, err);
		return -1;
	}
	if (store_open(cfg->state, &p->store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg->state, err);
		return -1;
	}
	/* Deliveries a crash interrupted are finished before anything else. */
	if (deliver_recover(p->store, cfg->spool, &recovered, err,
	    sizeof(err)) == -1) {
		log_error("deliver: %s", err);
		return -1;
	}
	if (recovered > 0)
		log_warnx("deliver: %zu interrupted deliveries finished",
		    recovered);
	if (uv_loop_init(&p->loop) != 0 || uv_mutex_init(&p->store_lock) != 0)
		fatalx("cannot initialise the event loop");
	/* The merged feed's id stays the same as long as its path does. */
	key_hash(cfg->output, strlen(cfg->output), key);
	p->feed_id = xasprintf("urn:aggregator:feed:%.32s", key);
	p->fetcher = fetch_new(&p->loop, &limits);
	p->jobs = xcalloc(cfg->nfeeds, sizeof(*p->jobs));
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		struct job *j = &p->jobs[p->njobs];

		if (!cfg->feeds[i].enabled)
			continue;
		j->p = p;
		j->fc = &cfg->feeds[i];
		buf_init(&j->body);
		if (store_feed_get(p->store, j->fc->name, &j->st) == -1) {
			log_error("state %s: %s", cfg->state,
			    store_errmsg(p->store));
			return -1;
		}
		uv_timer_init(&p->loop, &j->timer);
		j->timer.data = j;
		p->njobs++;
	}
	return 0;
}

static int
poller_finish(struct poller *p)
{
	int rc;

	for (size_t i = 0; i < p->njobs; i++) {
		job_reset_fetch(&p->jobs[i]);
		feed_state_clear(&p->jobs[i].st);
	}
	free(p->jobs);
	free(p->feed_id);
	store_close(p->store);
	uv_mutex_destroy(&p->store_lock);
	rc = uv_loop_close(&p->loop);
	if (rc != 0)
		log_warnx("event loop closed with handles open: %s",
		    uv_strerror(rc));
	if (p->fatal)
		return EXIT_LOCAL;
	return p->failed > 0 ? EXIT_FEED_FAILED : EXIT_OK;
}

int
run_once(const struct config *cfg)
{
	struct poller p;

	if (poller_init(&p, cfg, 1) == -1) {
		store_close(p.store);
		return EXIT_LOCAL;
	}
	p.outstanding = p.njobs;
	for (size_t i = 0; i < p.njobs; i++)
		job_poll(&p.jobs[i]);
	if (p.njobs == 0)
		merge_start(&p);
	uv_run(&p.loop, UV_RUN_DEFAULT);
	printf("aggregator: %zu new entries from %zu feeds (%zu failed); "
	    "spool: %s; merged feed: %s\n", p.delivered, p.polled, p.failed,
	    cfg->spool, cfg->output);
	fflush(stdout);
	return poller_finish(&p);
}

int
run_daemon(const struct config *cfg)
{
	struct poller p;
	time_t now = time(NULL);

	if (poller_init(&p, cfg, 0) == -1) {
		store_close(p.store);
		return EXIT_LOCAL;
	}
	uv_signal_init(&p.loop, &p.sigterm);
	uv_signal_init(&p.loop, &p.sigint);
	p.sigterm.data = p.sigint.data = &p;
	uv_signal_start(&p.sigterm, on_stop_signal, SIGTERM);
	uv_signal_start(&p.sigint, on_stop_signal, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A feed polled recently waits for the rest of its interval, so a
	 * restart does not poll everything at once; the others start spread
	 * over a few seconds.
	 */
	for (size_t i = 0; i < p.njobs; i++) {
		struct job *j = &p.jobs[i];
		uint64_t delay = (uint64_t)(rand() % 5000);

		if (j->st.next_due > now)
			delay = (uint64_t)(j->st.next_due - now) * 1000;
		job_schedule(j, delay);
	}
	log_info("polling %zu feeds", p.njobs);
	uv_run(&p.loop, UV_RUN_DEFAULT);
	/* A daemon stopped by a signal succeeded, whatever its feeds did. */
	p.failed = 0;
	return poller_finish(&p);
}
