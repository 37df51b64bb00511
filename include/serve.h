/*
 * The daemon's HTTP server ([serve]): the merged feed and a health check
 * served from the daemon's own loop by libmicrohttpd.
 */
#ifndef SERVE_H
#define SERVE_H

#include <stddef.h>
#include <time.h>

#include <uv.h>

#define SERVE_ATOM_TYPE	"application/atom+xml; charset=utf-8"
#define SERVE_OPML_TYPE	"text/x-opml; charset=utf-8"
#define SERVE_HTML_TYPE	"text/html; charset=utf-8"

struct buf;
struct config;
struct serve_conf;
struct server;

/*
 * A document as served: its bytes, their gzip form and their ETags, made
 * once (serve_doc_new may run on any thread) and never changed after.
 */
struct serve_doc;

/* Takes body (allocated, len bytes); mtime is its Last-Modified. */
struct serve_doc	*serve_doc_new(char *body, size_t len, const char *type,
			    time_t mtime);
/* On the loop only: a document is shared by the loop's users. */
void			 serve_doc_ref(struct serve_doc *);
void			 serve_doc_unref(struct serve_doc *);

/*
 * Listens as conf says and serves on loop.  NULL with the reason in err
 * (an address that does not parse, one taken).
 */
struct server	*serve_start(uv_loop_t *loop, const struct serve_conf *conf,
		    char *err, size_t errlen);
/*
 * The URL the merged feed is published at (its rel="self"): output_url,
 * else [serve] base_url's /feed.atom; NULL when neither is set.
 */
char		*serve_feed_url(const struct config *cfg);
/* Writes a page into out, on the loop, when it is asked for. */
typedef void	(*serve_render_fn)(struct buf *out, void *arg);

/*
 * /metrics (Prometheus text) and /status.json, rendered per request,
 * both behind the token.
 */
void		 serve_set_pages(struct server *, serve_render_fn metrics,
		    serve_render_fn status, void *arg);
/* The documents served as handed over. */
enum serve_doc_id {
	SERVE_FEED,		/* /feed.atom, the merged feed */
	SERVE_STORIES,		/* /stories.atom, one entry per story */
	SERVE_OPML,		/* /feeds.opml, the subscriptions (token) */
	SERVE_PAGE,		/* /, the latest stories as HTML (token) */
	SERVE_NDOCS
};

/* /feeds.opml from now on: cfg's subscriptions, as `export` writes them. */
void		 serve_set_opml(struct server *, const struct config *cfg);
/* Serves doc as which from now on; takes doc. */
void		 serve_set_doc(struct server *, enum serve_doc_id which,
		    struct serve_doc *doc);
/* Stops listening and frees the server once its handles have closed. */
void		 serve_stop(struct server *);

#endif
