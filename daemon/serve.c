/*
 * The HTTP server.  libmicrohttpd parses and answers requests; it runs
 * with no thread of its own, in epoll mode: its epoll descriptor is
 * watched by a uv_poll and its next timeout kept by a uv_timer, and
 * MHD_run does its work on the daemon's loop without blocking.  What is
 * served was rendered elsewhere (the merged feed by the merge worker) and
 * handed over as an immutable document with its ETag and gzip form made
 * beforehand, so answering a request only picks a buffer: a response
 * holds a reference, and a document replaced meanwhile lives until the
 * last response sending it is done.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "agg.h"
#include "config.h"
#include "date.h"
#include "entry.h"
#include "log.h"
#include "serve.h"
#include "subs.h"
#include "xmalloc.h"

struct serve_doc {
	int		 refs;		/* the loop's only */
	char		*body;
	size_t		 len;
	char		*gz;		/* NULL when gzip would not be smaller */
	size_t		 gzlen;
	char		 etag[40];	/* a strong ETag, quotes included */
	char		 gzetag[44];
	char		 modified[40];	/* Last-Modified */
	time_t		 mtime;
	const char	*type;
};

struct server {
	uv_loop_t		*loop;
	struct MHD_Daemon	*mhd;
	uv_poll_t		 poll;
	uv_timer_t		 timer;
	int			 open_handles;
	struct serve_doc	*docs[SERVE_NDOCS];
	serve_render_fn		 metrics;
	serve_render_fn		 status;
	void			*pages_arg;
	char			*token;
	char			*unix_path;	/* removed at stop */
};

/* The gzip form of body, or NULL when it is no smaller. */
static char *
gzip_of(const char *body, size_t len, size_t *gzlen)
{
	z_stream z;
	uLong bound;
	char *out;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&z, (uLong)len) + 32;
	out = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= len) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*gzlen = z.total_out;
	deflateEnd(&z);
	return out;
}

struct serve_doc *
serve_doc_new(char *body, size_t len, const char *type, time_t mtime)
{
	struct serve_doc *d = xcalloc(1, sizeof(*d));
	char hex[KEY_HEX_SIZE];

	d->refs = 1;
	d->body = body;
	d->len = len;
	d->type = type;
	d->mtime = mtime;
	/* Strong: the same bytes, the same tag, whichever process made it. */
	entry_key_hash(body, len, hex);
	snprintf(d->etag, sizeof(d->etag), "\"%.32s\"", hex);
	snprintf(d->gzetag, sizeof(d->gzetag), "\"%.32s-gz\"", hex);
	date_format_http(mtime, d->modified, sizeof(d->modified));
	if (len <= UINT32_MAX)
		d->gz = gzip_of(body, len, &d->gzlen);
	return d;
}

void
serve_doc_ref(struct serve_doc *d)
{
	d->refs++;
}

void
serve_doc_unref(struct serve_doc *d)
{
	if (d == NULL || --d->refs > 0)
		return;
	free(d->body);
	free(d->gz);
	free(d);
}

static void
response_done(void *cls)
{
	serve_doc_unref(cls);
}

/* Whether the client accepts gzip (a q of 0 refuses it). */
static int
accepts_gzip(const char *ae)
{
	const char *p;

	for (p = ae; p != NULL && (p = strcasestr(p, "gzip")) != NULL;
	    p += 4) {
		const char *q = p + 4;

		if (p > ae && p[-1] != ' ' && p[-1] != ',' && p[-1] != '\t')
			continue;
		q += strspn(q, " \t");
		if (*q == ',' || *q == '\0')
			return 1;
		if (*q != ';')
			continue;
		q += 1 + strspn(q + 1, " \t");
		if (strncasecmp(q, "q=", 2) != 0)
			return 1;
		return strtod(q + 2, NULL) > 0;
	}
	return 0;
}

/* Whether an If-None-Match list names tag (or is "*"). */
static int
etag_listed(const char *inm, const char *tag)
{
	size_t n = strlen(tag);

	if (strcmp(inm, "*") == 0)
		return 1;
	for (const char *p = inm; (p = strstr(p, tag)) != NULL; p += n) {
		/* A weak W/"x" matches too (RFC 9110: weak comparison). */
		if (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		    p[n] == '\t')
			return 1;
	}
	return 0;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned int status, const char *text,
    const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (allow != NULL)
		MHD_add_response_header(r, "Allow", allow);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate",
		    "Bearer realm=\"aggregator\"");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * d, or a 304 when the client has it; gzip when it asks.  To a HEAD, MHD
 * sends the same headers without the body.
 */
static enum MHD_Result
send_doc(struct MHD_Connection *c, struct serve_doc *d)
{
	const char *ae, *inm, *ims;
	struct MHD_Response *r;
	enum MHD_Result rc;
	int gz;
	time_t since;

	if (d == NULL)
		return send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "not written yet\n", NULL);
	ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	gz = d->gz != NULL && ae != NULL && accepts_gzip(ae);
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if ((inm != NULL && etag_listed(inm, gz ? d->gzetag : d->etag)) ||
	    (inm == NULL && ims != NULL && date_parse(ims, &since) == 0 &&
	    d->mtime <= since)) {
		r = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		MHD_add_response_header(r, "ETag", gz ? d->gzetag : d->etag);
		MHD_add_response_header(r, "Last-Modified", d->modified);
		MHD_add_response_header(r, "Cache-Control", "no-cache");
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
		rc = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return rc;
	}
	d->refs++;
	r = MHD_create_response_from_buffer_with_free_callback_cls(
	    gz ? d->gzlen : d->len, gz ? d->gz : d->body, response_done, d);
	if (r == NULL) {
		d->refs--;
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", d->type);
	/* A page: nothing from a feed may run in it, or frame it. */
	if (strncmp(d->type, "text/html", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'; "
		    "frame-ancestors 'none'");
		MHD_add_response_header(r, "X-Content-Type-Options",
		    "nosniff");
	}
	MHD_add_response_header(r, "ETag", gz ? d->gzetag : d->etag);
	MHD_add_response_header(r, "Last-Modified", d->modified);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* A page rendered now, never cached. */
static enum MHD_Result
send_page(struct MHD_Connection *c, serve_render_fn render, void *arg,
    const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	struct buf b;

	buf_init(&b);
	render(&b, arg);
	r = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * Whether the request carries the token: "Authorization: Bearer TOKEN",
 * or "?token=TOKEN" for a browser, which cannot send the header.
 */
static int
authorized(struct server *s, struct MHD_Connection *c)
{
	const char *auth;
	unsigned char diff = 0;
	size_t n;

	if (s->token == NULL)
		return 1;
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0)
		auth += 7;
	else if ((auth = MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "token")) == NULL)
		return 0;
	n = strlen(s->token);
	/* Compared in constant time: how much matched is not told. */
	if (strlen(auth) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(auth[i] ^ s->token[i]);
	return diff == 0;
}

/* The path as sent: routes are matched on it, never on a decoded one. */
static size_t
keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* The documents served as they were handed over, by path. */
static const struct {
	const char	*path;
	int		 open;		/* served without the token: a feed */
} doc_routes[SERVE_NDOCS] = {
	[SERVE_FEED] = { "/feed.atom", 1 },
	[SERVE_STORIES] = { "/stories.atom", 1 },
	[SERVE_OPML] = { "/feeds.opml", 0 },
	[SERVE_PAGE] = { "/", 0 },
};

/* The document url names, or -1. */
static int
doc_route(const char *url)
{
	for (int i = 0; i < SERVE_NDOCS; i++)
		if (strcmp(url, doc_routes[i].path) == 0)
			return i;
	return -1;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	struct server *s = cls;
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	int head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	int doc = doc_route(url);

	(void)version;
	(void)upload;
	/*
	 * A method with a body is answered at once, its body unread (the
	 * connection is closed after it); GET and HEAD are answered on the
	 * second call, once the request is whole, so that the connection is
	 * kept alive.
	 */
	if (!get && !head)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n", "GET, HEAD");
	if (*state == NULL) {
		*state = s;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		*upload_len = 0;
		return MHD_YES;
	}
	if (doc < 0 && strcmp(url, "/healthz") != 0 &&
	    strcmp(url, "/metrics") != 0 && strcmp(url, "/status.json") != 0)
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
	if (doc >= 0 && doc_routes[doc].open)
		return send_doc(c, s->docs[doc]);
	if (!authorized(s, c))
		return send_text(c, MHD_HTTP_UNAUTHORIZED, "token needed\n",
		    NULL);
	if (doc >= 0)
		return send_doc(c, s->docs[doc]);
	if (strcmp(url, "/metrics") == 0 && s->metrics != NULL)
		return send_page(c, s->metrics, s->pages_arg,
		    "text/plain; version=0.0.4; charset=utf-8");
	if (strcmp(url, "/status.json") == 0 && s->status != NULL)
		return send_page(c, s->status, s->pages_arg,
		    "application/json");
	if (strcmp(url, "/healthz") != 0)
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
	return send_text(c, MHD_HTTP_OK, "ok\n", NULL);
}

static void	serve_run(struct server *);

static void
on_timer(uv_timer_t *t)
{
	serve_run(t->data);
}

static void
on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	serve_run(p->data);
}

/* The connections MHD has open. */
static unsigned int
connections(struct server *s)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(s->mhd,
	    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info != NULL ? info->num_connections : 0;
}

/* Lets MHD do what is ready, then arms the timer for its next timeout. */
static void
serve_run(struct server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;
	unsigned int before = connections(s);

	MHD_run(s->mhd);
	/*
	 * Connections closed: MHD frees them at the end of a run and only
	 * at the start of the next one listens again if it had stopped at
	 * max_clients, and no event would come to start that run.
	 */
	if (connections(s) < before)
		MHD_run(s->mhd);
	if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
		uv_timer_start(&s->timer, on_timer, ms, 0);
	else
		uv_timer_stop(&s->timer);
}

/* A listening unix socket at path, mode 0666 less the umask. */
static int
unix_listener(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "unix socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A socket file left by a run that ended is replaced. */
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 128) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* "HOST:PORT" or "[V6]:PORT" into ss; 0, or -1 with err. */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, char *err,
    size_t errlen)
{
	char host[128];
	const char *colon, *h = spec;
	size_t hl;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':')
			goto bad;
		h = spec + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL)
			goto bad;
		hl = (size_t)(colon - spec);
	}
	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || port < 1 ||
	    port > 65535)
		goto bad;
	if (spec[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad listen address \"%s\" (use 127.0.0.1:8080, "
	    "[::1]:8080 or unix:/path)", spec);
	return -1;
}

struct server *
serve_start(uv_loop_t *loop, const struct serve_conf *conf, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	struct server *s;
	unsigned int flags = MHD_USE_EPOLL;
	int fd = -1;

	if (strncmp(conf->listen, "unix:", 5) == 0) {
		if ((fd = unix_listener(conf->listen + 5, err, errlen)) == -1)
			return NULL;
	} else if (parse_listen(conf->listen, &ss, err, errlen) == -1)
		return NULL;
	else if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = xcalloc(1, sizeof(*s));
	s->loop = loop;
	s->token = conf->token != NULL ? xstrdup(conf->token) : NULL;
	if (fd != -1)
		s->unix_path = xstrdup(conf->listen + 5);
	s->mhd = fd != -1 ?
	    MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conf->max_clients,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
	    MHD_OPTION_END) :
	    MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conf->max_clients,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
	    MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not "
		    "this host's)", conf->listen);
		goto fail;
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL || uv_poll_init(loop, &s->poll, info->epoll_fd) != 0 ||
	    uv_timer_init(loop, &s->timer) != 0) {
		snprintf(err, errlen, "cannot watch the server's epoll "
		    "descriptor");
		MHD_stop_daemon(s->mhd);
		fd = -1;	/* closed by MHD */
		goto fail;
	}
	s->poll.data = s;
	s->timer.data = s;
	s->open_handles = 2;
	uv_poll_start(&s->poll, UV_READABLE, on_poll);
	serve_run(s);
	return s;
fail:
	if (fd != -1)
		close(fd);
	if (s->unix_path != NULL)
		unlink(s->unix_path);
	free(s->unix_path);
	free(s->token);
	free(s);
	return NULL;
}

void
serve_set_opml(struct server *s, const struct config *cfg)
{
	struct buf b;

	buf_init(&b);
	subs_opml(cfg, &b);
	serve_set_doc(s, SERVE_OPML, serve_doc_new(b.data, b.len,
	    SERVE_OPML_TYPE, time(NULL)));
}

char *
serve_feed_url(const struct config *cfg)
{
	const char *base = cfg->serve.base_url;
	size_t n;

	if (cfg->output_url != NULL)
		return xstrdup(cfg->output_url);
	if (base == NULL)
		return NULL;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return xasprintf("%.*s/feed.atom", (int)n, base);
}

void
serve_set_pages(struct server *s, serve_render_fn metrics,
    serve_render_fn status, void *arg)
{
	s->metrics = metrics;
	s->status = status;
	s->pages_arg = arg;
}

void
serve_set_doc(struct server *s, enum serve_doc_id which,
    struct serve_doc *doc)
{
	serve_doc_unref(s->docs[which]);
	s->docs[which] = doc;
}

static void
handle_closed(uv_handle_t *h)
{
	struct server *s = h->data;

	if (--s->open_handles > 0)
		return;
	/* Responses still queued are freed by MHD, and their documents. */
	/* It closes the listening socket, ours too. */
	MHD_stop_daemon(s->mhd);
	if (s->unix_path != NULL)
		unlink(s->unix_path);
	for (int i = 0; i < SERVE_NDOCS; i++)
		serve_doc_unref(s->docs[i]);
	free(s->unix_path);
	free(s->token);
	free(s);
}

void
serve_stop(struct server *s)
{
	if (s == NULL)
		return;
	uv_close((uv_handle_t *)&s->poll, handle_closed);
	uv_close((uv_handle_t *)&s->timer, handle_closed);
}
