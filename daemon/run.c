/*
 * The poll pipeline, loop side.  Each feed is a job: a timer, a fetch on
 * the loop, then parse, deliver and record in a thread-pool worker
 * (poll_work.c), then back on the loop to log and re-arm the timer at the
 * delay the schedule chose.  --once polls every feed now and ends the loop
 * when none is left.  The daemon also answers SIGHUP (reload.c) and
 * SIGTERM/SIGINT: stop scheduling, drop what waits, give transfers under
 * way a grace period, let workers finish, close every handle.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "atom.h"
#include "command.h"
#include "config.h"
#include "date.h"
#include "deliver.h"
#include "digest.h"
#include "entry.h"
#include "fetch.h"
#include "folder.h"
#include "fulltext.h"
#include "hook.h"
#include "group.h"
#include "log.h"
#include "maildir.h"
#include "metrics.h"
#include "notify.h"
#include "poller.h"
#include "reindex.h"
#include "run.h"
#include "schedule.h"
#include "serve.h"
#include "store.h"
#include "strmap.h"
#include "story.h"
#include "url.h"
#include "xmalloc.h"

/* Seconds that transfers under way get to finish after SIGTERM. */
#define POLL_THREADS	8	/* the thread pool's size */
#define STOP_GRACE	10

static void	job_poll(struct job *);
static void	job_schedule(struct job *, long delay);
static void	job_close(struct job *);
static void	job_leave(struct job *);
static void	poller_shutdown(struct poller *);
static void	merge_start(struct poller *);

static void
job_reset_fetch(struct job *j)
{
	fetch_result_clear(&j->res);
	j->err[0] = j->warning[0] = '\0';
	j->stage = j->why = NULL;
	j->failed = j->fatal = j->moved = j->gone = 0;
	j->delivered = j->skipped = j->filtered = 0;
	j->delay = 0;
}

/*
 * Keeps the status line's counts as jobs come, go and finish polls, so
 * that a poll costs the same however many feeds there are: a job counts
 * as failing while it is in the config and its last poll failed.
 */
static void
job_tally(struct job *j)
{
	int failing = !j->removed && (j->st.failures > 0 || j->st.gone != 0);

	if (failing != j->failing) {
		if (failing)
			j->p->failing++;
		else
			j->p->failing--;
		j->failing = failing;
	}
}

/*
 * State belongs to the config URL it was learnt from: a new url in the
 * config forgets the move, the 410, the validators and the failures.
 * The state keeps the URL with its password hidden (an older state kept
 * it whole), so both are compared hidden: new credentials alone are the
 * same feed.
 */
static void
job_adopt_url(struct job *j)
{
	char *was, *now;
	int same;

	if (j->st.url == NULL)
		return;
	was = url_hide_password(j->st.url);
	now = url_hide_password(j->conf.url);
	same = strcmp(was, now) == 0;
	free(was);
	if (same) {
		free(now);
		return;
	}
	free(j->st.url);
	free(j->st.moved_to);
	free(j->st.etag);
	free(j->st.last_modified);
	j->st.url = now;
	j->st.moved_to = j->st.etag = j->st.last_modified = NULL;
	j->st.gone = 0;
	j->st.failures = 0;
	j->st.next_due = 0;
	j->st.first_good = 0;	/* a new feed: backfill applies */
	j->st.ttl = 0;
	j->st.server_wait = -1;
}

struct job *
job_new(struct poller *p, const struct feed_conf *fc)
{
	struct job *j = xcalloc(1, sizeof(*j));
	int rc;

	j->p = p;
	config_feed_copy(&j->conf, fc);
	uv_mutex_lock(&p->store_lock);
	rc = store_feed_get(p->store, fc->name, &j->st);
	uv_mutex_unlock(&p->store_lock);
	if (rc == -1)
		log_error("feed %s: state %s: %s", fc->name, p->state_path,
		    store_errmsg(p->store));
	job_adopt_url(j);
	uv_timer_init(&p->loop, &j->timer);
	j->timer.data = j;
	if (p->njobs == p->capjobs) {
		p->capjobs = p->capjobs ? p->capjobs * 2 : 16;
		p->jobs = xreallocarray(p->jobs, p->capjobs, sizeof(*p->jobs));
	}
	j->slot = p->njobs;
	p->jobs[p->njobs++] = j;
	p->live++;
	job_tally(j);
	return j;
}

static void
job_free(struct job *j)
{
	job_reset_fetch(j);
	job_pages_clear(j);
	feed_state_clear(&j->st);
	config_feed_clear(&j->conf);
	if (j->next_conf != NULL) {
		config_feed_clear(j->next_conf);
		free(j->next_conf);
	}
	free(j);
}

/* Frees a job whose timer is closed and drops it from the list. */
static void
job_closed(uv_handle_t *h)
{
	struct job *j = h->data;
	struct poller *p = j->p;

	/* The last job takes its place: no walk of the list. */
	p->jobs[j->slot] = p->jobs[--p->njobs];
	p->jobs[j->slot]->slot = j->slot;
	job_free(j);
}

static void
job_close(struct job *j)
{
	if (j->closing)
		return;
	j->closing = 1;
	uv_close((uv_handle_t *)&j->timer, job_closed);
}

/*
 * Seconds to a job's first poll when due was planned: the last poll's
 * outcome, as its record keeps it, lets the schedule plan again when due
 * is too far off (the clock went back, the interval was shortened).
 */
static long
job_first(const struct job *j, time_t due, time_t now)
{
	struct poll_outcome last;

	memset(&last, 0, sizeof(last));
	last.interval = j->conf.interval;
	last.ok = j->st.failures == 0;
	last.status = j->st.last_status;
	last.failures = j->st.failures;
	last.retry_after = last.ok ? -1 : j->st.server_wait;
	last.cache_hint = last.ok ? j->st.server_wait : -1;
	last.ttl = j->st.ttl;
	return schedule_first(&last, j->st.last_poll, due, now,
	    (unsigned long)random());
}

/*
 * Polls now (--once) or arms the first timer (daemon); -1 when the feed
 * is gone and stays unpolled.
 */
int
job_start(struct job *j, time_t now)
{
	char when[32];
	long delay;

	if (j->st.gone != 0) {
		date_format_iso(j->st.gone, when, sizeof(when));
		log_warnx("feed %s: gone (HTTP 410 since %s); not polled until "
		    "its url changes", j->conf.name, when);
		return -1;
	}
	if (j->p->once) {
		job_poll(j);
		return 0;
	}
	delay = job_first(j, j->st.next_due, now);
	date_format_iso(now + delay, when, sizeof(when));
	log_debug("feed %s: first poll at %s (in %ld s)", j->conf.name, when,
	    delay);
	job_schedule(j, delay);
	return 0;
}

/* A reload's config for an idle job; a new url polls soon, afresh. */
void
job_apply_conf(struct job *j, const struct feed_conf *fc, time_t now)
{
	int url_changed = strcmp(j->conf.url, fc->url) != 0;
	int interval_changed = j->conf.interval != fc->interval;
	time_t due;
	char *shown;

	config_feed_clear(&j->conf);
	config_feed_copy(&j->conf, fc);
	if (url_changed) {
		uv_timer_stop(&j->timer);
		job_adopt_url(j);
		/* New credentials alone are tried soon too. */
		j->st.next_due = 0;
		job_tally(j);
		shown = url_hide_password(j->conf.url);
		log_info("feed %s: url changed to %s", j->conf.name, shown);
		free(shown);
		job_start(j, now);
	} else if (interval_changed && j->st.gone == 0) {
		due = j->st.last_poll != 0 ?
		    j->st.last_poll + j->conf.interval : 0;
		job_schedule(j, job_first(j, due, now));
	}
}

/* A reload dropped the feed: it goes now, or when its poll is over. */
void
job_remove(struct job *j)
{
	j->removed = 1;
	j->p->live--;
	job_tally(j);
	uv_timer_stop(&j->timer);
	log_info("feed %s: removed from the config", j->conf.name);
	if (j->state == JOB_IDLE)
		job_close(j);
}

static void
poller_status(const struct poller *p)
{
	notify_status("%zu feeds, %zu failing; %zu polls, %zu new entries",
	    p->live, p->failing, p->polled, p->delivered);
}

static void
job_log(const struct job *j)
{
	/* Where this poll was moved to: kept without credentials (fetch.c). */
	if (j->moved)
		log_warnx("feed %s: moved permanently to %s; polling it there "
		    "from now on", j->conf.name, j->st.moved_to);
	if (j->gone)
		log_warnx("feed %s: gone (HTTP 410); not polled again until "
		    "its url changes", j->conf.name);
	else if (j->failed)
		log_error("feed %s: %s: %s", j->conf.name, j->stage, j->err);
	else if (j->warning[0] != '\0')
		log_warnx("feed %s: %s", j->conf.name, j->warning);
	if (!j->failed && j->res.status == 304)
		log_info("feed %s: not modified (HTTP 304)", j->conf.name);
	if (j->delivered > 0)
		log_info("feed %s: %zu new entries", j->conf.name,
		    j->delivered);
	if (!j->failed && j->skipped > 0)
		log_info("feed %s: first poll: %zu older entries %s (backfill "
		    "%ld)", j->conf.name, j->skipped, j->p->dry_run ?
		    "would be marked seen" : "marked seen, not delivered",
		    j->conf.backfill);
	if (!j->failed && j->filtered > 0)
		log_info("feed %s: %zu new entr%s dropped by filters, marked "
		    "seen", j->conf.name, j->filtered,
		    j->filtered == 1 ? "y" : "ies");
	if (!j->p->once && !j->gone)
		log_debug("feed %s: next poll in %ld s (%s)", j->conf.name,
		    j->delay, j->why != NULL ? j->why : "?");
}

/* --once on a terminal: feeds done, new entries, failures, in place. */
static void
once_progress(const struct poller *p)
{
	log_progress("aggregator: %zu/%zu feeds, %zu new entries, %zu failed",
	    p->njobs - p->outstanding, p->njobs, p->delivered, p->failed);
}

static void
job_done(uv_work_t *req, int status)
{
	struct job *j = req->data;
	struct poller *p = j->p;
	struct feed_conf *next;

	(void)status;
	if (j->npages > 0) {
		/* The first worker left entries that want their pages. */
		pages_fetch(j, job_done);
		return;
	}
	job_leave(j);
	job_tally(j);
	metrics_count_poll(p, j);
	p->polled++;
	if (j->failed)
		p->failed++;
	if (j->fatal)
		p->fatal = 1;
	p->delivered += j->delivered;
	job_log(j);
	/*
	 * The daemon rebuilds the merged feed whenever a feed brought
	 * something; --once rebuilds it once, when the last feed is done.
	 */
	if (p->once ? p->outstanding == 1 : j->delivered > 0)
		merge_start(p);

	if (p->once) {
		job_reset_fetch(j);
		p->outstanding--;
		once_progress(p);
		if (p->outstanding == 0 && !p->merge_running)
			poller_shutdown(p);
		return;
	}
	if (j->removed)
		job_close(j);
	else if (!p->stopping) {
		if (j->st.gone == 0)
			job_schedule(j, j->delay);
		if ((next = j->next_conf) != NULL) {
			j->next_conf = NULL;
			job_apply_conf(j, next, time(NULL));
			config_feed_clear(next);
			free(next);
		}
	}
	job_reset_fetch(j);
	poller_status(p);
	if (p->stopping)
		poller_shutdown(p);
}

static void
job_fetched(struct fetch_result *res, void *arg)
{
	struct job *j = arg;
	struct poller *p = j->p;
	struct fetch_result *r = &j->res;
	char *shown;

	if (res->cancelled) {
		job_leave(j);
		if (j->removed)
			job_close(j);
		poller_shutdown(p);
		return;
	}
	/* The body and headers become the job's: nothing is copied. */
	fetch_result_move(r, res);
	p->counts.bytes += r->body.len;
	if (r->ok && r->status == 304)
		p->counts.not_modified++;
	if (!r->ok) {
		shown = url_hide_password(job_target(j));
		job_fail(j, "fetch", "%s (%s)",
		    r->error != NULL ? r->error : "failed", shown);
		free(shown);
	}
	/* A 304 keeps the validators we sent. */
	if (r->ok && r->status == 304) {
		free(r->hdr[FETCH_HDR_ETAG]);
		free(r->hdr[FETCH_HDR_LAST_MODIFIED]);
		r->hdr[FETCH_HDR_ETAG] = xstrdup_or_null(j->st.etag);
		r->hdr[FETCH_HDR_LAST_MODIFIED] =
		    xstrdup_or_null(j->st.last_modified);
	}
	j->rnd = (unsigned long)random();
	j->state = JOB_WORKING;
	j->work.data = j;
	if (uv_queue_work(&p->loop, &j->work, poll_work, job_done) != 0)
		fatalx("uv_queue_work failed");
}

static void
job_poll(struct job *j)
{
	struct poller *p = j->p;
	/* A move kept no credentials: the config's go where they went. */
	char *url = url_lend_userinfo(job_target(j), j->conf.url);
	/* filter-test reads the whole document, not what is new. */
	struct fetch_request req = {
		.url = url,
		.etag = p->filter_test ? NULL : j->st.etag,
		.last_modified = p->filter_test ? NULL : j->st.last_modified,
	};
	int rc;

	if (p->active >= p->max_active) {
		j->state = JOB_WAITING;
		j->next_waiting = NULL;
		if (p->waiting_tail != NULL)
			p->waiting_tail->next_waiting = j;
		else
			p->waiting_head = j;
		p->waiting_tail = j;
		free(url);
		return;
	}
	p->active++;
	job_reset_fetch(j);
	j->state = JOB_FETCHING;
	rc = fetch_start(p->fetcher, &req, job_fetched, j);
	free(url);
	if (rc == -1)
		fatalx("feed %s: cannot start a fetch", j->conf.name);
}

static struct job *
waiting_pop(struct poller *p)
{
	struct job *j = p->waiting_head;

	if (j != NULL) {
		p->waiting_head = j->next_waiting;
		if (p->waiting_head == NULL)
			p->waiting_tail = NULL;
		j->next_waiting = NULL;
		j->state = JOB_IDLE;
	}
	return j;
}

/* A job stopped fetching or working: the next in line may start. */
static void
job_leave(struct job *j)
{
	struct poller *p = j->p;
	struct job *next;

	j->state = JOB_IDLE;
	p->active--;
	while (p->active < p->max_active && (next = waiting_pop(p)) != NULL) {
		if (next->removed)
			job_close(next);
		else if (!p->stopping)
			job_poll(next);
	}
}

static void
job_timer(uv_timer_t *t)
{
	struct job *j = t->data;

	if (j->state == JOB_IDLE && !j->p->stopping && !j->removed)
		job_poll(j);
}

static void
job_schedule(struct job *j, long delay)
{
	uv_timer_start(&j->timer, job_timer, (uint64_t)delay * 1000, 0);
}

/* Hands what the merge made to the server (or frees it). */
static void
serve_merged(struct poller *p)
{
	struct serve_doc *stories = p->merge_stories, *page = p->merge_page;

	p->merge_stories = p->merge_page = NULL;
	if (p->server == NULL || p->merge_doc == NULL) {
		serve_doc_unref(p->merge_doc);
		serve_doc_unref(stories);
		serve_doc_unref(page);
		p->merge_doc = NULL;
		return;
	}
	if (page != NULL)
		serve_set_doc(p->server, SERVE_PAGE, page);
	/* Grouped, one document is both. */
	if (stories == NULL && p->merge_group) {
		stories = p->merge_doc;
		serve_doc_ref(stories);
	}
	serve_set_doc(p->server, SERVE_FEED, p->merge_doc);
	if (stories != NULL)
		serve_set_doc(p->server, SERVE_STORIES, stories);
	p->merge_doc = NULL;
}

static void
merge_done(uv_work_t *req, int status)
{
	struct poller *p = req->data;

	(void)status;
	p->merge_running = 0;
	serve_merged(p);
	if (p->merge_err[0] != '\0') {
		log_error("merged feed %s: %s", p->output, p->merge_err);
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
	/* A dry run writes no merged feed. */
	if (p->dry_run) {
		if (p->outstanding == 0)
			poller_shutdown(p);
		return;
	}
	if (p->merge_running) {
		p->merge_again = 1;
		return;
	}
	p->merge_running = 1;
	/* The worker reads its own copies: a reload may change these. */
	free(p->merge_title);
	p->merge_title = xstrdup_or_null(p->title);
	free(p->merge_url);
	p->merge_url = xstrdup_or_null(p->output_url);
	p->merge_max = p->max_entries;
	p->merge_group = p->group_stories;
	p->merge_work.data = p;
	if (uv_queue_work(&p->loop, &p->merge_work, merge_work,
	    merge_done) != 0)
		fatalx("uv_queue_work failed");
}

static void
close_if_open(uv_handle_t *h)
{
	if (h->loop != NULL && !uv_is_closing(h))
		uv_close(h, NULL);
}

/*
 * Closes every handle once no poll, merge or digest is under way; uv_run
 * returns.
 */
static void
poller_shutdown(struct poller *p)
{
	for (size_t i = 0; i < p->njobs; i++)
		if (p->jobs[i]->state != JOB_IDLE)
			return;
	if (p->merge_running || p->digest.running)
		return;
	if (p->fetcher != NULL) {
		fetch_free(p->fetcher);
		p->fetcher = NULL;
	}
	for (size_t i = 0; i < p->njobs; i++)
		job_close(p->jobs[i]);
	if (!p->once) {
		close_if_open((uv_handle_t *)&p->sigterm);
		close_if_open((uv_handle_t *)&p->sigint);
		/* Closing restored the default; a late signal must not kill
		 * a clean exit. */
		signal(SIGTERM, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		close_if_open((uv_handle_t *)&p->sighup);
		close_if_open((uv_handle_t *)&p->stop_timer);
		close_if_open((uv_handle_t *)&p->watchdog);
		digest_schedule_stop(p);
		serve_stop(p->server);
		p->server = NULL;
	}
}

/* The grace period is over (or a second signal came): cancel transfers. */
static void
stop_now(struct poller *p)
{
	size_t running = fetch_running(p->fetcher);

	if (running > 0)
		log_warnx("stopping: cancelling %zu transfers still under way",
		    running);
	/* Cancelled fetches never call back; nothing was delivered. */
	fetch_free(p->fetcher);
	p->fetcher = NULL;
	for (size_t i = 0; i < p->njobs; i++)
		if (p->jobs[i]->state == JOB_FETCHING) {
			p->jobs[i]->state = JOB_IDLE;
			p->active--;
		} else if (p->jobs[i]->state == JOB_PAGES)
			/* Its entries go out as their feed gave them. */
			pages_abandon(p->jobs[i], job_done);
	poller_shutdown(p);
}

static void
on_stop_deadline(uv_timer_t *t)
{
	stop_now(t->data);
}

static void
on_stop_signal(uv_signal_t *sig, int signum)
{
	struct poller *p = sig->data;

	if (p->stopping) {
		log_info("signal %d again: stopping now", signum);
		stop_now(p);
		return;
	}
	log_info("signal %d: stopping", signum);
	notify_stopping();
	p->stopping = 1;
	digest_schedule_cancel(p);
	/* exec hooks under way end now: their entries are delivered. */
	command_cancel();
	for (size_t i = 0; i < p->njobs; i++)
		uv_timer_stop(&p->jobs[i]->timer);
	uv_signal_stop(&p->sighup);
	while (waiting_pop(p) != NULL)
		;
	fetch_drop_queued(p->fetcher);
	uv_timer_start(&p->stop_timer, on_stop_deadline, STOP_GRACE * 1000,
	    0);
	poller_shutdown(p);
}

static void
on_hup(uv_signal_t *sig, int signum)
{
	struct poller *p = sig->data;

	(void)signum;
	if (!p->stopping)
		reload_config(p);
	poller_status(p);
}

static void
on_watchdog(uv_timer_t *t)
{
	(void)t;
	notify_watchdog();
}

/*
 * The configured feeds' Maildir++ folders, made now so that mail readers
 * show them from the start, with files a crash left in their tmp/
 * removed.  0, or -1 (logged).
 */
static int
folders_open(const struct config *cfg)
{
	char err[512], dir[PATH_MAX];
	size_t removed;

	for (size_t i = 0; i < cfg->nfeeds; i++) {
		char *name;
		int rc;

		if (cfg->feeds[i].folder == NULL)
			continue;
		name = folder_dirname(cfg->feeds[i].folder);
		rc = folder_init(cfg->spool, name, err, sizeof(err));
		if (rc == 0 && folder_maildir(dir, sizeof(dir), cfg->spool,
		    name) == 0 && maildir_clean_tmp(dir, &removed) == 0 &&
		    removed > 0)
			log_info("deliver: %zu unfinished files removed from "
			    "%s/tmp", removed, dir);
		free(name);
		if (rc == -1) {
			log_error("feed %s: folder %s: %s",
			    cfg->feeds[i].name, cfg->feeds[i].folder, err);
			return -1;
		}
	}
	return 0;
}

/*
 * The spool and the state, with what a crash left finished; a dry run
 * only reads the state, when there is one, and creates nothing.
 */
static int
poller_open(struct poller *p, const struct config *cfg)
{
	char err[512] = "";
	size_t recovered;

	if (p->dry_run) {
		if (reindex_state_missing(cfg->state))
			return 0;
		if (store_open_readonly(cfg->state, &p->store, err,
		    sizeof(err)) == -1) {
			log_error("state %s: %s", cfg->state, err);
			return -1;
		}
		return 0;
	}
	if (maildir_init(cfg->spool, err, sizeof(err)) == -1) {
		log_error("spool %s: %s", cfg->spool, err);
		return -1;
	}
	if (store_open(cfg->state, &p->store, err, sizeof(err)) == -1) {
		log_error("state %s: %s", cfg->state, err);
		return -1;
	}
	store_set_recent_limit(p->store, (size_t)p->max_entries);
	/* Deliveries a crash interrupted are finished before anything else. */
	if (deliver_recover(p->store, cfg->spool, &recovered, err,
	    sizeof(err)) == -1) {
		log_error("deliver: %s", err);
		return -1;
	}
	if (recovered > 0)
		log_warnx("deliver: %zu interrupted deliveries finished",
		    recovered);
	if (digest_recover(p->store, cfg->spool, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return -1;
	}
	/* Files of ours in tmp/ that never got a pending row are orphans. */
	if (maildir_clean_tmp(cfg->spool, &recovered) == 0 && recovered > 0)
		log_info("deliver: %zu unfinished files removed from %s/tmp",
		    recovered, cfg->spool);
	if (folders_open(cfg) == -1)
		return -1;
	/* Read back from the state when first needed (poll_work.c). */
	p->stories = story_index_new(cfg->story_window);
	return 0;
}

static int
poller_init(struct poller *p, const char *path, const struct config *cfg,
    int once, int dry_run)
{
	char err[512] = "";

	memset(p, 0, sizeof(*p));
	p->once = once;
	p->dry_run = dry_run;
	p->config_path = path;
	p->spool = xstrdup(cfg->spool);
	p->output = xstrdup(cfg->output);
	p->state_path = xstrdup(cfg->state);
	p->title = xstrdup_or_null(cfg->title);
	p->output_url = serve_feed_url(cfg);
	p->max_entries = cfg->max_entries;
	p->group_stories = cfg->group != 0;
	p->story_window = cfg->story_window;
	p->sites = fulltext_sites_new(cfg);
	atomic_init(&p->exec_timeout, cfg->exec_timeout);
	p->limits.max_total = (int)cfg->max_connections;
	p->limits.max_per_host = (int)cfg->max_per_host;
	p->limits.timeout = cfg->timeout;
	p->limits.max_body = (size_t)cfg->max_body;
	p->max_active = cfg->max_connections + 2 * POLL_THREADS;
	/* Over RLIMIT_FSIZE a write must fail with EFBIG, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Workers wait for the group commit while others parse; more of them
	 * than cores make the groups larger.  A setting of the user's stays.
	 */
	snprintf(err, sizeof(err), "%d", POLL_THREADS);
	setenv("UV_THREADPOOL_SIZE", err, 0);
	err[0] = '\0';
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (poller_open(p, cfg) == -1)
		return -1;
	if (uv_loop_init(&p->loop) != 0 || uv_mutex_init(&p->store_lock) != 0 ||
	    uv_mutex_init(&p->story_lock) != 0 ||
	    uv_sem_init(&p->hooks, HOOKS_AT_ONCE) != 0)
		fatalx("cannot initialise the event loop");
	p->group = group_new(p->store, &p->store_lock, p->spool);
	/*
	 * The merged feed's id: made with the state, kept by it.  A dry run
	 * writes no merged feed, and may have no state at all.
	 */
	if (!p->dry_run && (p->feed_id = store_merged_id(p->store)) == NULL) {
		log_error("state %s: %s", cfg->state, store_errmsg(p->store));
		return -1;
	}
	p->fetcher = fetch_new(&p->loop, &p->limits);
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (cfg->feeds[i].enabled)
			job_new(p, &cfg->feeds[i]);
	return 0;
}

/* Frees what poller_init sets up before the loop: the store and settings. */
static void
poller_abandon(struct poller *p)
{
	store_close(p->store);
	story_index_free(p->stories);
	free(p->spool);
	free(p->output);
	free(p->state_path);
	free(p->title);
	free(p->output_url);
	free(p->feed_id);
	fulltext_sites_unref(p->sites);
}

/* After uv_run: frees what is left and turns the outcome into a status. */
static int
poller_finish(struct poller *p)
{
	int rc;

	/* Jobs are freed by their close callbacks; any left never ran. */
	while (p->njobs > 0)
		job_free(p->jobs[--p->njobs]);
	free(p->jobs);
	free(p->merge_title);
	free(p->merge_url);
	strmap_free(p->page_keys);
	poller_abandon(p);
	group_free(p->group);
	uv_mutex_destroy(&p->store_lock);
	uv_mutex_destroy(&p->story_lock);
	uv_sem_destroy(&p->hooks);
	rc = uv_loop_close(&p->loop);
	if (rc != 0)
		log_warnx("event loop closed with handles open: %s",
		    uv_strerror(rc));
	if (p->fatal)
		return EXIT_LOCAL;
	return p->failed > 0 ? EXIT_FEED_FAILED : EXIT_OK;
}

int
run_once(const char *path, const struct config *cfg,
    const struct run_options *opts)
{
	struct poller p;
	time_t now = time(NULL);
	int rc;

	if (poller_init(&p, path, cfg, 1, opts->dry_run) == -1) {
		poller_abandon(&p);
		return EXIT_LOCAL;
	}
	p.filter_test = opts->filter_test;
	p.outstanding = p.njobs;
	for (size_t i = 0; i < p.njobs; i++)
		if (job_start(p.jobs[i], now) == -1) {
			p.outstanding--;
			p.failed++;
		}
	once_progress(&p);
	if (p.outstanding == 0)
		merge_start(&p);
	uv_run(&p.loop, UV_RUN_DEFAULT);
	log_progress_done();
	/* A dry run's stdout is its lines; -q keeps it for trouble only. */
	if (!opts->quiet && !opts->dry_run)
		printf("aggregator: %zu new entries from %zu feeds (%zu "
		    "failed); spool: %s; merged feed: %s\n", p.delivered,
		    p.polled, p.failed, cfg->spool, cfg->output);
	rc = poller_finish(&p);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("writing the result");
		rc = EXIT_LOCAL;
	}
	return rc;
}

/*
 * [serve]: listens, and serves the merged feed written by an earlier run
 * until this one's first merge replaces it.  0, or -1 (logged).
 */
static int
serve_open(struct poller *p, const struct config *cfg)
{
	char err[512];
	struct buf b;
	struct stat st;

	if ((p->server = serve_start(&p->loop, &cfg->serve, err,
	    sizeof(err))) == NULL) {
		log_error("serve: %s", err);
		return -1;
	}
	serve_set_pages(p->server, metrics_render, status_render, p);
	serve_set_opml(p->server, cfg);
	buf_init(&b);
	if (stat(cfg->output, &st) == 0 && buf_read_file(&b, cfg->output) == 0 &&
	    b.len > 0)
		serve_set_doc(p->server, SERVE_FEED, serve_doc_new(b.data, b.len,
		    SERVE_ATOM_TYPE, st.st_mtime));
	else
		buf_free(&b);
	log_info("serving on %s", cfg->serve.listen);
	/* The stories feed, and a merged feed of this state, come now. */
	merge_start(p);
	return 0;
}

int
run_daemon(const char *path, const struct config *cfg)
{
	struct poller p;
	time_t now = time(NULL);
	sigset_t hup;
	uint64_t wd;

	if (poller_init(&p, path, cfg, 0, 0) == -1) {
		poller_abandon(&p);
		return EXIT_LOCAL;
	}
	if (cfg->serve.listen != NULL && serve_open(&p, cfg) == -1) {
		p.fatal = 1;
		poller_shutdown(&p);
		uv_run(&p.loop, UV_RUN_DEFAULT);
		return poller_finish(&p);
	}
	uv_signal_init(&p.loop, &p.sigterm);
	uv_signal_init(&p.loop, &p.sigint);
	uv_signal_init(&p.loop, &p.sighup);
	p.sigterm.data = p.sigint.data = p.sighup.data = &p;
	uv_signal_start(&p.sigterm, on_stop_signal, SIGTERM);
	uv_signal_start(&p.sigint, on_stop_signal, SIGINT);
	uv_signal_start(&p.sighup, on_hup, SIGHUP);
	/* main held SIGHUP back until now; one that came meanwhile reloads. */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	pthread_sigmask(SIG_UNBLOCK, &hup, NULL);
	uv_timer_init(&p.loop, &p.stop_timer);
	uv_timer_init(&p.loop, &p.watchdog);
	p.stop_timer.data = p.watchdog.data = &p;
	/* Pings come from the loop, so a stuck loop stops them. */
	if ((wd = notify_watchdog_interval()) > 0)
		uv_timer_start(&p.watchdog, on_watchdog, wd, wd);
	/* Before any thread runs: it sets the zone in the environment. */
	p.digest.stopped = poller_shutdown;
	digest_schedule_start(&p, cfg);
	for (size_t i = 0; i < p.njobs; i++)
		job_start(p.jobs[i], now);
	log_info("polling %zu feeds", p.njobs);
	notify_ready();
	poller_status(&p);
	uv_run(&p.loop, UV_RUN_DEFAULT);
	/* A daemon stopped by a signal succeeded, whatever its feeds did. */
	p.failed = 0;
	p.fatal = 0;
	return poller_finish(&p);
}
