/*
 * SIGHUP: read the config again and bring the running feeds in line with
 * it, by feed name: new feeds are scheduled, removed ones dropped, changed
 * ones updated (a poll under way finishes with the old settings first).
 * A config with problems changes nothing: its problems are logged with
 * file and line and the running config stays.  The spool, state and
 * output paths and the connection limits are fixed for the process's
 * life; a change to them is reported and waits for a restart.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "fulltext.h"
#include "log.h"
#include "notify.h"
#include "poller.h"
#include "serve.h"
#include "xmalloc.h"

static int
same_conf(const struct feed_conf *a, const struct feed_conf *b)
{
	return strcmp(a->url, b->url) == 0 && streq_null(a->title, b->title) &&
	    a->interval == b->interval && a->backfill == b->backfill &&
	    a->fulltext == b->fulltext && a->from_name == b->from_name &&
	    streq_null(a->exec, b->exec) && streq_null(a->folder, b->folder) &&
	    filter_rules_equal(&a->filters, &b->filters);
}

static void
fixed_setting(const char *key, int changed)
{
	if (changed)
		log_warnx("reload: a new %s takes effect at the next restart",
		    key);
}

/* The global settings: some apply now, the rest wait for a restart. */
static void
reload_settings(struct poller *p, const struct config *cfg)
{
	fixed_setting("spool", strcmp(p->spool, cfg->spool) != 0);
	fixed_setting("output", strcmp(p->output, cfg->output) != 0);
	fixed_setting("state", strcmp(p->state_path, cfg->state) != 0);
	fixed_setting("max_connections",
	    p->limits.max_total != (int)cfg->max_connections);
	fixed_setting("max_per_host",
	    p->limits.max_per_host != (int)cfg->max_per_host);
	fixed_setting("timeout", p->limits.timeout != cfg->timeout);
	fixed_setting("max_body", p->limits.max_body != (size_t)cfg->max_body);
	fixed_setting("story_window", p->story_window != cfg->story_window);
	free(p->title);
	p->title = xstrdup_or_null(cfg->title);
	free(p->output_url);
	p->output_url = serve_feed_url(cfg);
	p->max_entries = cfg->max_entries;
	p->group_stories = cfg->group != 0;
	/* A worker reading pages keeps the rules it started with. */
	fulltext_sites_unref(p->sites);
	p->sites = fulltext_sites_new(cfg);
	atomic_store(&p->exec_timeout, cfg->exec_timeout);
	if (p->server != NULL)
		serve_set_opml(p->server, cfg);
	uv_mutex_lock(&p->store_lock);
	store_set_recent_limit(p->store, (size_t)p->max_entries);
	uv_mutex_unlock(&p->store_lock);
}

void
reload_config(struct poller *p)
{
	struct config cfg;
	const struct feed_conf *fc;
	struct job *j;
	size_t added = 0, removed = 0, changed = 0, n;
	time_t now = time(NULL);
	char *running;		/* per feed of cfg: a job of its name runs */
	int problems;

	notify_reloading();
	log_info("reload: reading %s", p->config_path);
	problems = config_load(p->config_path, &cfg);
	if (problems != 0) {
		if (problems == -1)
			log_error("reload: cannot read %s; the running config "
			    "stays", p->config_path);
		else
			log_error("reload: %s: %d problem%s; the running "
			    "config stays", p->config_path, problems,
			    problems == 1 ? "" : "s");
		config_free(&cfg);
		notify_ready();
		return;
	}
	reload_settings(p, &cfg);

	/*
	 * One pass over the jobs, each looked up by name, and one over the
	 * feeds: a reload costs the same per feed however many there are.
	 * Removed jobs are freed by a later close callback, not here.
	 */
	running = xcalloc(cfg.nfeeds + 1, 1);
	n = p->njobs;
	for (size_t i = 0; i < n; i++) {
		j = p->jobs[i];
		if (j->removed)
			continue;
		/* A feed now disabled goes as if it were removed. */
		fc = config_find_feed(&cfg, j->conf.name);
		if (fc == NULL || !fc->enabled) {
			job_remove(j);
			removed++;
			continue;
		}
		running[fc - cfg.feeds] = 1;
		if (!same_conf(&j->conf, fc)) {
			changed++;
			if (j->state == JOB_IDLE) {
				job_apply_conf(j, fc, now);
				continue;
			}
			if (j->next_conf != NULL)
				config_feed_clear(j->next_conf);
			else
				j->next_conf = xcalloc(1, sizeof(*j->next_conf));
			config_feed_copy(j->next_conf, fc);
		}
	}
	for (size_t i = 0; i < cfg.nfeeds; i++) {
		fc = &cfg.feeds[i];
		if (!fc->enabled || running[i])
			continue;
		j = job_new(p, fc);
		job_start(j, now);
		added++;
	}
	free(running);
	digest_schedule_config(p, &cfg);
	config_free(&cfg);
	log_info("reload: %zu added, %zu removed, %zu changed", added, removed,
	    changed);
	notify_ready();
}
