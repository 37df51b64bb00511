/*
 * /metrics in Prometheus' text exposition format (version 0.0.4): the
 * poller's counters, kept on the loop, the group commits' latency
 * histogram, and gauges read when asked.  Nothing here waits: the story
 * count is read only when its lock is free, else the last one is shown.
 */
#include <string.h>

#include "group.h"
#include "metrics.h"
#include "poller.h"
#include "story.h"
#include "xmalloc.h"

/* The stages a poll fails in (job.stage), "other" last. */
static const char *const stages[] = {
	"fetch", "parse", "deliver", "state", "other",
};

void
metrics_count_poll(struct poller *p, const struct job *j)
{
	size_t i;

	if (!j->failed)
		return;
	for (i = 0; i + 1 < sizeof(stages) / sizeof(stages[0]); i++)
		if (j->stage != NULL && strcmp(j->stage, stages[i]) == 0)
			break;
	p->counts.failures[i]++;
}

static void
metric(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP aggregator_%s %s\n# TYPE aggregator_%s %s\n",
	    name, help, name, type);
}

/* A metric of one value, without labels. */
static void
metric_value(struct buf *b, const char *name, const char *type,
    const char *help, unsigned long long value)
{
	metric(b, name, type, help);
	buf_printf(b, "aggregator_%s %llu\n", name, value);
}

static size_t
queue_depth(const struct poller *p)
{
	size_t n = 0;

	for (const struct job *j = p->waiting_head; j != NULL;
	    j = j->next_waiting)
		n++;
	return n;
}

void
metrics_render(struct buf *b, void *arg)
{
	struct poller *p = arg;
	struct group_latency lat;
	unsigned long cumulative = 0;
	size_t i;

	if (uv_mutex_trylock(&p->story_lock) == 0) {
		if (p->stories != NULL)
			p->counts.stories = story_index_entries(p->stories);
		uv_mutex_unlock(&p->story_lock);
	}
	/* The daemon's own totals, which its status line counts too. */
	metric_value(b, "polls_total", "counter", "Feed polls finished.",
	    p->polled);
	metric_value(b, "not_modified_total", "counter",
	    "Polls the server answered 304 Not Modified.",
	    p->counts.not_modified);
	metric(b, "poll_failures_total", "counter",
	    "Polls that failed, by the stage they failed in.");
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		buf_printf(b, "aggregator_poll_failures_total{stage=\"%s\"} "
		    "%lu\n", stages[i], p->counts.failures[i]);
	metric_value(b, "entries_delivered_total", "counter",
	    "New entries delivered into the spool.", p->delivered);
	metric_value(b, "fetched_bytes_total", "counter",
	    "Feed bodies fetched, decoded, in bytes.", p->counts.bytes);
	metric_value(b, "feeds", "gauge", "Feeds in the config.", p->njobs);
	metric_value(b, "feeds_failing", "gauge",
	    "Feeds whose last poll failed or that are gone.", p->failing);
	metric_value(b, "queue_depth", "gauge",
	    "Feeds due and waiting for a free place to poll.", queue_depth(p));
	metric_value(b, "polls_running", "gauge", "Polls under way.",
	    p->active);
	metric_value(b, "stories", "gauge", "Stories the index holds.",
	    p->counts.stories);
	group_latency(p->group, &lat);
	metric(b, "commit_seconds", "histogram",
	    "How long each group commit of deliveries took.");
	for (i = 0; i < GROUP_BUCKETS; i++) {
		cumulative += lat.count[i];
		buf_printf(b, "aggregator_commit_seconds_bucket{le=\"%g\"} "
		    "%lu\n", group_bucket_le[i], cumulative);
	}
	buf_printf(b, "aggregator_commit_seconds_bucket{le=\"+Inf\"} %lu\n",
	    lat.total);
	buf_printf(b, "aggregator_commit_seconds_sum %.6f\n", lat.sum);
	buf_printf(b, "aggregator_commit_seconds_count %lu\n", lat.total);
}
