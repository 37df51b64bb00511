/*
 * Group commit, leader and followers: a worker appends its delivery to the
 * queue; when no group is being synced it becomes the leader, takes the
 * whole queue and commits it; otherwise it waits until a leader has
 * committed its delivery.  While one group is being synced the workers
 * keep parsing and fill the next one, so a group grows as large as the
 * sync is slow.
 *
 * A commit is two halves (deliver.h): sync and pending rows, then renames
 * and the seen transaction.  They are a pipeline of two: a group may
 * start its first half while the group before it is in its second, and
 * the second halves run one at a time in the groups' order.  A group that
 * must first recover what a failure left pending waits for the pipeline
 * to drain.
 */
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "xmalloc.h"

struct group {
	uv_mutex_t		  mu;
	uv_cond_t		  done;
	struct delivery		**queue;
	size_t			  n;
	size_t			  cap;
	int			  syncing;	/* a group is in its first half */
	unsigned long		  taken;	/* groups taken from the queue */
	unsigned long		  generation;	/* groups committed */
	int			  recover;	/* rows left pending by a failure */
	struct store		 *store;
	uv_mutex_t		 *store_lock;
	const char		 *spool;
	struct group_latency	  latency;	/* under mu */
};

const double group_bucket_le[GROUP_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
};

struct group *
group_new(struct store *store, uv_mutex_t *store_lock, const char *spool)
{
	struct group *g = xcalloc(1, sizeof(*g));

	if (uv_mutex_init(&g->mu) != 0 || uv_cond_init(&g->done) != 0)
		abort();
	g->store = store;
	g->store_lock = store_lock;
	g->spool = spool;
	return g;
}

void
group_free(struct group *g)
{
	if (g == NULL)
		return;
	uv_cond_destroy(&g->done);
	uv_mutex_destroy(&g->mu);
	free(g->queue);
	free(g);
}

/* Whether a new group may start its first half now. */
static int
group_may_start(const struct group *g)
{
	if (g->syncing || g->n == 0)
		return 0;
	/* At most one group ahead; none when recovering. */
	return g->taken - g->generation <= (g->recover ? 0 : 1);
}

/* Commits the queue as one group; called and returns with g->mu held. */
static void
group_lead(struct group *g)
{
	struct delivery **batch = g->queue;
	size_t n = g->n;
	unsigned long mine = ++g->taken;
	int asked = g->recover, recover = asked, left;
	uint64_t start = uv_hrtime();
	double took;
	size_t b;

	g->syncing = 1;
	g->queue = NULL;
	g->n = g->cap = 0;
	uv_mutex_unlock(&g->mu);
	deliver_pend(g->store, g->store_lock, g->spool, batch, n, &recover);
	uv_mutex_lock(&g->mu);
	/* Nothing else was in flight: no other group can have set it. */
	if (asked && !recover)
		g->recover = 0;
	g->syncing = 0;
	uv_cond_broadcast(&g->done);
	while (g->generation + 1 != mine)
		uv_cond_wait(&g->done, &g->mu);
	uv_mutex_unlock(&g->mu);
	deliver_finish(g->store, g->store_lock, g->spool, batch, n, &left);
	free(batch);
	uv_mutex_lock(&g->mu);
	if (left)
		g->recover = 1;
	took = (double)(uv_hrtime() - start) / 1e9;
	for (b = 0; b < GROUP_BUCKETS && took > group_bucket_le[b]; b++)
		;
	g->latency.count[b]++;
	g->latency.total++;
	g->latency.sum += took;
	g->generation = mine;
	uv_cond_broadcast(&g->done);
}

void
group_submit(struct group *g, struct delivery *d)
{
	unsigned long mine;

	uv_mutex_lock(&g->mu);
	if (g->n == g->cap) {
		g->cap = g->cap == 0 ? 16 : g->cap * 2;
		g->queue = xreallocarray(g->queue, g->cap, sizeof(*g->queue));
	}
	g->queue[g->n++] = d;
	/* d is in the next group taken from the queue. */
	mine = g->taken + 1;
	while (g->generation < mine) {
		if (g->taken < mine && group_may_start(g))
			group_lead(g);
		else
			uv_cond_wait(&g->done, &g->mu);
	}
	uv_mutex_unlock(&g->mu);
}

void
group_latency(struct group *g, struct group_latency *out)
{
	uv_mutex_lock(&g->mu);
	memcpy(out, &g->latency, sizeof(*out));
	uv_mutex_unlock(&g->mu);
}
