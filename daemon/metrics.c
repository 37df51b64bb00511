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

	p->counts.polls++;
	p->counts.entries += j->delivered;
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
	metric(b, "polls_total", "counter", "Feed polls finished.");
	buf_printf(b, "aggregator_polls_total %lu\n", p->counts.polls);
	metric(b, "not_modified_total", "counter",
	    "Polls the server answered 304 Not Modified.");
	buf_printf(b, "aggregator_not_modified_total %lu\n",
	    p->counts.not_modified);
	metric(b, "poll_failures_total", "counter",
	    "Polls that failed, by the stage they failed in.");
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		buf_printf(b, "aggregator_poll_failures_total{stage=\"%s\"} "
		    "%lu\n", stages[i], p->counts.failures[i]);
	metric(b, "entries_delivered_total", "counter",
	    "New entries delivered into the spool.");
	buf_printf(b, "aggregator_entries_delivered_total %lu\n",
	    p->counts.entries);
	metric(b, "fetched_bytes_total", "counter",
	    "Feed bodies fetched, decoded, in bytes.");
	buf_printf(b, "aggregator_fetched_bytes_total %llu\n",
	    p->counts.bytes);
	metric(b, "feeds", "gauge", "Feeds in the config.");
	buf_printf(b, "aggregator_feeds %zu\n", p->njobs);
	metric(b, "feeds_failing", "gauge",
	    "Feeds whose last poll failed or that are gone.");
	buf_printf(b, "aggregator_feeds_failing %zu\n", p->failing);
	metric(b, "queue_depth", "gauge",
	    "Feeds due and waiting for a free place to poll.");
	buf_printf(b, "aggregator_queue_depth %zu\n", queue_depth(p));
	metric(b, "polls_running", "gauge", "Polls under way.");
	buf_printf(b, "aggregator_polls_running %zu\n", p->active);
	metric(b, "stories", "gauge", "Stories the index holds.");
	buf_printf(b, "aggregator_stories %zu\n", p->counts.stories);
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
