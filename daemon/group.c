/*
 * Group commit, leader and followers: a worker appends its delivery to the
 * queue; when no commit is under way it becomes the leader, takes the
 * whole queue and commits it; otherwise it waits until a leader has
 * committed its delivery.  While one group is being synced the workers
 * keep parsing and fill the next one, so a group grows as large as the
 * sync is slow.
 */
#include <stdlib.h>

#include "group.h"
#include "xmalloc.h"

struct group {
	uv_mutex_t		  mu;
	uv_cond_t		  done;
	struct delivery		**queue;
	size_t			  n;
	size_t			  cap;
	int			  leading;
	unsigned long		  generation;	/* groups committed */
	struct store		 *store;
	uv_mutex_t		 *store_lock;
	const char		 *spool;
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
	/* d is in the group that commits after the one under way. */
	mine = g->generation + 1 + (g->leading ? 1 : 0);
	while (g->generation < mine) {
		struct delivery **batch;
		size_t n;

		if (g->leading) {
			uv_cond_wait(&g->done, &g->mu);
			continue;
		}
		g->leading = 1;
		batch = g->queue;
		n = g->n;
		g->queue = NULL;
		g->n = g->cap = 0;
		uv_mutex_unlock(&g->mu);

		deliver_commit(g->store, g->store_lock, g->spool, batch, n);
		free(batch);

		uv_mutex_lock(&g->mu);
		g->leading = 0;
		g->generation++;
		uv_cond_broadcast(&g->done);
	}
	uv_mutex_unlock(&g->mu);
}
