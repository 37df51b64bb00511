/*
 * What the daemon serves about itself: /metrics (Prometheus text format)
 * and /status.json, rendered on the loop from what it keeps in memory.
 */
#ifndef METRICS_H
#define METRICS_H

struct buf;
struct job;
struct poller;

/* Counts the poll j just finished. */
void	metrics_count_poll(struct poller *, const struct job *j);
/* arg is the poller. */
void	metrics_render(struct buf *out, void *arg);
void	status_render(struct buf *out, void *arg);

#endif
