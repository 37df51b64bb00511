/*
 * HTTP(S) and file:// fetches through curl's multi interface, driven by the
 * libuv loop (socket and timer callbacks).  Transfers beyond the global and
 * per-host limits wait in a queue; the loop never blocks on the network.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stddef.h>
#include <uv.h>

struct fetcher;

struct fetch_limits {
	int	max_total;		/* transfers at once, all hosts (default 16) */
	int	max_per_host;		/* transfers at once to one host (default 2) */
	long	connect_timeout;	/* seconds (default 15) */
	long	timeout;		/* whole transfer, seconds (default 60) */
	size_t	max_body;		/* decoded body bytes (default 16 MiB) */
};

struct fetch_request {
	const char	*url;
	const char	*etag;		/* sent as If-None-Match, may be NULL */
	const char	*last_modified;	/* sent as If-Modified-Since, may be NULL */
};

/* The outcome of one fetch; owned by the fetcher, valid during the callback. */
struct fetch_result {
	int		 ok;		/* 1 when a body (status 200/file) or 304 came */
	long		 status;	/* HTTP status; 0 for file:// or no answer */
	const char	*body;
	size_t		 len;
	const char	*content_type;
	const char	*content_location;
	const char	*content_language;
	const char	*etag;
	const char	*last_modified;
	const char	*cache_control;	/* raw header values, or NULL */
	const char	*expires;
	const char	*retry_after;
	const char	*effective_url;
	/* Where every redirect hop was a 301 or 308: the new home, else NULL. */
	const char	*moved_to;
	int		 cancelled;	/* dropped by fetch_drop_queued */
	const char	*error;		/* one line when !ok */
};

typedef void (*fetch_cb)(const struct fetch_result *, void *arg);

/*
 * Limits with 0 fields take the defaults above.  NULL on failure (logged);
 * the loop must still run then, to close what was already opened.
 */
struct fetcher	*fetch_new(uv_loop_t *, const struct fetch_limits *);
/*
 * Queues a fetch; cb runs exactly once, on the loop.  0 or -1; -1 (no
 * callback) only for a NULL argument or a fetcher being freed.  An etag or
 * last_modified holding CR or LF is not sent.
 */
int		 fetch_start(struct fetcher *, const struct fetch_request *,
		    fetch_cb cb, void *arg);
/*
 * Ends every fetch still waiting for a slot: its callback runs on the next
 * turn of the loop with ok 0 and cancelled set.  Running ones go on.
 */
void		 fetch_drop_queued(struct fetcher *);
/* Transfers under way (not those waiting in the queue). */
size_t		 fetch_running(const struct fetcher *);
/*
 * Cancels what is left (their callbacks do not run), closes the handles and
 * frees the fetcher once they are closed; the loop must run after this.
 */
void		 fetch_free(struct fetcher *);

#endif
