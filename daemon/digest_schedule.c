/*
 * The daemon's daily digest, loop side: a timer for the moment it is due
 * (digest_due), and a thread-pool worker that writes it (digest_publish),
 * so the loop never waits for the state, the disk or summary_cmd.  The
 * end of the last digest written is read from the state once, before the
 * loop runs, and kept by the worker afterwards.
 *
 * The timer looks again at least every hour, so a clock set forward or a
 * zone's change of offset moves the moment with it.  A digest that could
 * not be written is tried again a quarter of an hour later.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "digest.h"
#include "log.h"
#include "poller.h"
#include "store.h"
#include "command.h"
#include "xmalloc.h"
#include "zone.h"

#define LOOK_AGAIN	3600	/* seconds: the longest the timer sleeps */
#define RETRY		900	/* seconds after a failed digest */

static void	arm(struct poller *, long delay);

/* Whether cfg gives a digest somewhere to go. */
static int
wanted(const struct config *cfg)
{
	return cfg->digest.dir != NULL || cfg->digest.mail;
}

static void
digest_work(uv_work_t *w)
{
	struct poller *p = w->data;
	struct digest_job *d = &p->digest;

	d->failed = digest_publish(p->store, &p->store_lock, d->cfg, p->spool,
	    d->due, d->err, sizeof(d->err)) == -1;
	if (!d->failed)
		d->last = d->due;
}

static void
free_config(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_free(cfg);
	free(cfg);
}

/* Takes the config a reload left waiting, once no worker reads it. */
static void
take_next(struct poller *p)
{
	struct digest_job *d = &p->digest;

	if (d->next == NULL)
		return;
	free_config(d->cfg);
	d->cfg = d->next;
	d->next = NULL;
	zone_use(d->cfg->digest.timezone);
}

static void
digest_done(uv_work_t *w, int status)
{
	struct poller *p = w->data;
	struct digest_job *d = &p->digest;

	(void)status;
	d->running = 0;
	take_next(p);
	if (p->stopping) {
		if (d->failed)
			log_info("digest: not written before the stop: it is "
			    "written at the next start");
		d->stopped(p);
		return;
	}
	if (d->failed)
		log_error("digest: %s; trying again in %d minutes", d->err,
		    RETRY / 60);
	arm(p, d->failed ? RETRY : 0);
}

/* Writes the digest if it is due, else waits for it. */
static void
on_timer(uv_timer_t *t)
{
	struct poller *p = t->data;
	struct digest_job *d = &p->digest;
	time_t now = time(NULL), due;

	if (d->running || p->stopping || d->cfg == NULL || !wanted(d->cfg))
		return;
	due = digest_due(d->cfg, d->last, now);
	if (due > now) {
		arm(p, due - now < LOOK_AGAIN ? (long)(due - now) : LOOK_AGAIN);
		return;
	}
	d->due = due;
	d->running = 1;
	d->work.data = p;
	if (uv_queue_work(&p->loop, &d->work, digest_work, digest_done) != 0)
		fatalx("uv_queue_work failed");
}

static void
arm(struct poller *p, long delay)
{
	uv_timer_start(&p->digest.timer, on_timer, (uint64_t)delay * 1000, 0);
}

/* An owned copy of what the worker reads of cfg. */
static struct config *
copy(const struct config *cfg)
{
	struct config *own = xmalloc(sizeof(*own));

	config_digest_copy(own, cfg);
	return own;
}

void
digest_schedule_start(struct poller *p, const struct config *cfg)
{
	uv_timer_init(&p->loop, &p->digest.timer);
	p->digest.timer.data = p;
	/* Read before the loop runs; kept up to date by the worker after. */
	if (store_digest_last(p->store, &p->digest.last) == -1) {
		log_error("digest: %s; no digest", store_errmsg(p->store));
		return;
	}
	p->digest.cfg = copy(cfg);
	zone_use(cfg->digest.timezone);
	arm(p, 0);
}

void
digest_schedule_config(struct poller *p, const struct config *cfg)
{
	struct digest_job *d = &p->digest;

	if (d->next != NULL) {
		config_free(d->next);
		free(d->next);
	}
	d->next = copy(cfg);
	if (d->running)
		return;
	take_next(p);
	arm(p, 0);
}

void
digest_schedule_cancel(struct poller *p)
{
	/* A digest under way stops at its next summary_cmd, unwritten. */
	if (p->digest.running)
		command_cancel();
}

void
digest_schedule_stop(struct poller *p)
{
	struct digest_job *d = &p->digest;

	if (d->timer.loop != NULL && !uv_is_closing((uv_handle_t *)&d->timer))
		uv_close((uv_handle_t *)&d->timer, NULL);
	free_config(d->cfg);
	free_config(d->next);
	d->cfg = d->next = NULL;
}
