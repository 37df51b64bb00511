/*
 * HTTP(S) and file:// fetches through curl's multi interface, driven by the
 * libuv loop (socket and timer callbacks).  Transfers beyond the global and
 * per-host limits wait in a queue; the loop never blocks on the network.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stddef.h>
#include <uv.h>

#include "xmalloc.h"

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

/*
 * The response headers a result keeps, those of the last response only (a
 * redirect's own headers are dropped).  Content-Encoding is what came over
 * the wire: the body is already decoded.
 */
enum fetch_hdr {
	FETCH_HDR_CONTENT_TYPE,
	FETCH_HDR_CONTENT_LOCATION,
	FETCH_HDR_CONTENT_LANGUAGE,
	FETCH_HDR_ETAG,
	FETCH_HDR_LAST_MODIFIED,
	FETCH_HDR_CACHE_CONTROL,
	FETCH_HDR_EXPIRES,
	FETCH_HDR_RETRY_AFTER,
	FETCH_HDR_CONTENT_ENCODING,
	FETCH_HDR_MAX
};

/*
 * The outcome of one fetch.  The result owns everything it points to, and
 * an all-zero result is an empty one.  The fetcher fills it while the
 * transfer runs and lends it to the callback, which may take what it wants
 * to keep: all of it (fetch_result_move) or a field (take the pointer and
 * set the field to NULL; buf_release for the body).  The fetcher frees
 * whatever is left once the callback returns.
 */
struct fetch_result {
	int		 ok;		/* 1 when a body (status 200/file) or 304 came */
	long		 status;	/* HTTP status; 0 for file:// or no answer */
	struct buf	 body;		/* decoded; data may be NULL when empty */
	char		*hdr[FETCH_HDR_MAX];	/* raw values, or NULL */
	/* Where the redirects ended, else the URL asked for; never NULL. */
	char		*effective_url;
	/* Where every redirect hop was a 301 or 308: the new home, else NULL. */
	char		*moved_to;
	int		 cancelled;	/* dropped by fetch_drop_queued */
	char		*error;		/* one line when !ok, else NULL */
};

/* The result is lent for the call; see struct fetch_result. */
typedef void (*fetch_cb)(struct fetch_result *, void *arg);

/* Frees what the result holds and leaves it empty; NULL is a no-op. */
void		 fetch_result_clear(struct fetch_result *);
/* Frees what dst held, gives it all of src and leaves src empty. */
void		 fetch_result_move(struct fetch_result *dst,
		    struct fetch_result *src);

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

/*
 * Whether curl, which will fetch it, can parse url: 0, or -1 with its
 * reason ("Bad hostname") in why.
 */
int		 fetch_url_check(const char *url, char *why, size_t whylen);

#endif
