/*
 * Group commit: workers hand in prepared deliveries, and one of them at a
 * time commits everything handed in so far, so the syncs and the store
 * transactions are paid once per group, not once per feed.
 */
#ifndef GROUP_H
#define GROUP_H

#include <uv.h>

#include "deliver.h"

struct group;
struct store;

/* The store, its lock and the spool are borrowed for the group's life. */
struct group	*group_new(struct store *, uv_mutex_t *store_lock,
		    const char *spool);
void		 group_free(struct group *);

/*
 * Hands d in and returns once it is committed (d holds the outcome).  The
 * caller may be the one that commits it, together with what others handed
 * in meanwhile.
 */
void		 group_submit(struct group *, struct delivery *d);

/* Upper bounds, in seconds, of the commit latency histogram's buckets. */
#define GROUP_BUCKETS	11
extern const double group_bucket_le[GROUP_BUCKETS];

/* How long the group commits took: counts per bucket (+Inf last). */
struct group_latency {
	unsigned long	count[GROUP_BUCKETS + 1];
	unsigned long	total;
	double		sum;		/* seconds */
};

/* A copy of the commits' latencies so far (a short lock, never a sync). */
void		 group_latency(struct group *, struct group_latency *out);

#endif
