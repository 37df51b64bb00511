/*
 * Curl multi over libuv.  Curl says which sockets to watch and when it
 * wants to be woken; one uv_poll_t per socket and one uv_timer_t carry that
 * to the loop, so the loop never blocks on the network.  Our own FIFO queue
 * keeps at most max_total transfers running, and at most max_per_host to
 * one host, so curl's timeouts never count time spent waiting for a slot.
 * Results reach the caller from a zero-delay timer: never from inside
 * fetch_start and never from inside a curl callback.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <uv.h>

#include "agg.h"
#include "fetch.h"
#include "gunzip.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

#define FETCH_DEF_TOTAL		16
#define FETCH_DEF_PER_HOST	2
#define FETCH_DEF_CONNECT	15L
#define FETCH_DEF_TIMEOUT	60L
#define FETCH_DEF_MAX_BODY	((size_t)16 * 1024 * 1024)
#define FETCH_MAXREDIRS		5L
#define FETCH_LOW_SPEED_LIMIT	1L	/* bytes per second ... */
#define FETCH_LOW_SPEED_TIME	30L	/* ... sustained over this many seconds */
#define FETCH_FILE_HOST		"file://"
/* The feed types the parser reads first, generic XML and JSON after. */
#define FETCH_ACCEPT		"application/rss+xml, " \
	"application/atom+xml, application/rdf+xml, application/feed+json, " \
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, " \
	"*/*;q=0.5"

static const char *const fetch_hdrnames[FETCH_HDR_MAX] = {
	[FETCH_HDR_CONTENT_TYPE] = "Content-Type",
	[FETCH_HDR_CONTENT_LOCATION] = "Content-Location",
	[FETCH_HDR_CONTENT_LANGUAGE] = "Content-Language",
	[FETCH_HDR_ETAG] = "ETag",
	[FETCH_HDR_LAST_MODIFIED] = "Last-Modified",
	[FETCH_HDR_CACHE_CONTROL] = "Cache-Control",
	[FETCH_HDR_EXPIRES] = "Expires",
	[FETCH_HDR_RETRY_AFTER] = "Retry-After",
	[FETCH_HDR_CONTENT_ENCODING] = "Content-Encoding",
};

/* Transfers running to one host; freed when the count drops to zero. */
struct fetch_host {
	LIST_ENTRY(fetch_host)	 entry;
	char			*name;
	int			 running;
};

/* One fetch from fetch_start until its callback has run. */
struct fetch_job {
	TAILQ_ENTRY(fetch_job)	 entry;
	struct fetcher		*f;
	CURL			*easy;		/* only while running */
	struct curl_slist	*reqhdrs;
	struct fetch_host	*host;		/* only while running */
	char			*url;
	char			*hostname;
	char			*etag;
	char			*last_modified;
	fetch_cb		 cb;
	void			*arg;
	struct fetch_result	 res;		/* filled in as the answer comes */
	struct gunzip		 gz;
	int			 body_started;	/* the decoder is chosen */
	char			*decode_error;
	int			 toobig;
	long			 hop_status;	/* status of the previous hop */
	int			 hops;		/* redirects followed */
	int			 all_permanent;	/* every hop was a 301 or 308 */
	int			 headers_done;	/* this hop's blank line came */
	char			 errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(fetch_jobs, fetch_job);

/* One watched socket; its memory is freed only in the uv_close callback. */
struct fetch_sock {
	LIST_ENTRY(fetch_sock)	 entry;
	uv_poll_t		 poll;
	curl_socket_t		 fd;
	struct fetcher		*f;
};

struct fetcher {
	uv_loop_t		*loop;
	CURLM			*multi;
	uv_timer_t		 timer;		/* curl's own timeout */
	uv_timer_t		 kick;		/* delivers results next turn */
	struct fetch_limits	 lim;
	struct fetch_jobs	 queued;	/* waiting for a slot, FIFO */
	struct fetch_jobs	 running;
	struct fetch_jobs	 done;		/* callback still to run */
	LIST_HEAD(, fetch_host)	 hosts;
	LIST_HEAD(, fetch_sock)	 socks;		/* open, not yet closing */
	int			 nrunning;
	int			 handles;	/* uv handles not yet closed */
	int			 freeing;
};

static char	*fetch_hostkey(const char *);
static int	 fetch_header_ok(const char *);
static void	 fetch_unsafe(const char *, const char *);
static struct fetch_host *fetch_host_get(struct fetcher *, const char *);
static void	 fetch_host_put(struct fetch_host *);
static void	 fetch_pump(struct fetcher *);
static int	 fetch_job_begin(struct fetch_job *);
static int	 fetch_job_header(struct fetch_job *, const char *,
		    const char *);
static void	 fetch_job_finish(struct fetch_job *, CURLcode);
static void	 fetch_job_oserr(struct fetch_job *, CURLcode);
static void	 fetch_job_fail(struct fetch_job *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	 fetch_job_free(struct fetch_job *);
static void	 fetch_drain(struct fetcher *);
static void	 fetch_deliver(struct fetcher *);
static size_t	 fetch_write_cb(char *, size_t, size_t, void *);
static size_t	 fetch_header_cb(char *, size_t, size_t, void *);
static int	 fetch_socket_cb(CURL *, curl_socket_t, int, void *, void *);
static int	 fetch_timer_cb(CURLM *, long, void *);
static void	 fetch_on_poll(uv_poll_t *, int, int);
static void	 fetch_on_timeout(uv_timer_t *);
static void	 fetch_on_kick(uv_timer_t *);
static void	 fetch_sock_close(struct fetch_sock *);
static void	 fetch_on_close(uv_handle_t *);
static void	 fetch_on_sock_close(uv_handle_t *);
static void	 fetch_close_all(struct fetcher *);
static void	 fetch_kick(struct fetcher *);

struct fetcher *
fetch_new(uv_loop_t *loop, const struct fetch_limits *lim)
{
	struct fetcher *f;
	CURLMcode mc;
	int r;

	f = xcalloc(1, sizeof(*f));
	f->loop = loop;
	if (lim != NULL)
		f->lim = *lim;
	if (f->lim.max_total <= 0)
		f->lim.max_total = FETCH_DEF_TOTAL;
	if (f->lim.max_per_host <= 0)
		f->lim.max_per_host = FETCH_DEF_PER_HOST;
	if (f->lim.connect_timeout <= 0)
		f->lim.connect_timeout = FETCH_DEF_CONNECT;
	if (f->lim.timeout <= 0)
		f->lim.timeout = FETCH_DEF_TIMEOUT;
	if (f->lim.max_body == 0)
		f->lim.max_body = FETCH_DEF_MAX_BODY;
	TAILQ_INIT(&f->queued);
	TAILQ_INIT(&f->running);
	TAILQ_INIT(&f->done);
	LIST_INIT(&f->hosts);
	LIST_INIT(&f->socks);

	if ((r = uv_timer_init(loop, &f->timer)) != 0) {
		log_warnx("fetch: uv_timer_init: %s", uv_strerror(r));
		free(f);
		return NULL;
	}
	f->timer.data = f;
	f->handles++;
	if ((r = uv_timer_init(loop, &f->kick)) != 0) {
		log_warnx("fetch: uv_timer_init: %s", uv_strerror(r));
		goto fail;
	}
	f->kick.data = f;
	f->handles++;

	if ((f->multi = curl_multi_init()) == NULL) {
		log_warnx("fetch: curl_multi_init failed");
		goto fail;
	}
	if ((mc = curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION,
	    fetch_socket_cb)) != CURLM_OK ||
	    (mc = curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA,
	    f)) != CURLM_OK ||
	    (mc = curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
	    fetch_timer_cb)) != CURLM_OK ||
	    (mc = curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA,
	    f)) != CURLM_OK ||
	    /* A backstop only: our queue already keeps below this. */
	    (mc = curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)f->lim.max_per_host)) != CURLM_OK ||
	    /*
	     * Our queue caps transfers; this caps connections, idle ones in
	     * curl's cache too: a transfer that starts before the one it
	     * follows has handed its connection back would else open one more.
	     */
	    (mc = curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)f->lim.max_total)) != CURLM_OK) {
		log_warnx("fetch: curl_multi_setopt: %s",
		    curl_multi_strerror(mc));
		goto fail;
	}
	return f;

 fail:
	/* The timers are freed with the fetcher once the loop closes them. */
	fetch_free(f);
	return NULL;
}

/* Logs a validator dropped from the request to url, password hidden. */
static void
fetch_unsafe(const char *url, const char *what)
{
	char *shown = url_hide_password(url);

	log_warnx("fetch: %s: ignoring unsafe %s", shown, what);
	free(shown);
}

int
fetch_start(struct fetcher *f, const struct fetch_request *req, fetch_cb cb,
    void *arg)
{
	struct fetch_job *job;

	if (f == NULL || f->freeing || req == NULL || req->url == NULL ||
	    cb == NULL)
		return -1;
	job = xcalloc(1, sizeof(*job));
	job->f = f;
	job->url = xstrdup(req->url);
	job->hostname = fetch_hostkey(req->url);
	job->cb = cb;
	job->arg = arg;
	job->all_permanent = 1;
	/* Until curl says where the redirects ended. */
	job->res.effective_url = url_strip_userinfo(req->url);
	/* A validator that could split the request header is dropped. */
	if (req->etag != NULL) {
		if (fetch_header_ok(req->etag))
			job->etag = xstrdup(req->etag);
		else
			fetch_unsafe(req->url, "ETag");
	}
	if (req->last_modified != NULL) {
		if (fetch_header_ok(req->last_modified))
			job->last_modified = xstrdup(req->last_modified);
		else
			fetch_unsafe(req->url, "Last-Modified");
	}
	TAILQ_INSERT_TAIL(&f->queued, job, entry);
	fetch_pump(f);
	return 0;
}

void
fetch_drop_queued(struct fetcher *f)
{
	struct fetch_job *job;

	if (f == NULL || f->freeing)
		return;
	while ((job = TAILQ_FIRST(&f->queued)) != NULL) {
		TAILQ_REMOVE(&f->queued, job, entry);
		job->res.cancelled = 1;
		job->res.error = xstrdup("cancelled");
		TAILQ_INSERT_TAIL(&f->done, job, entry);
	}
	fetch_kick(f);
}

size_t
fetch_running(const struct fetcher *f)
{
	return f == NULL ? 0 : (size_t)f->nrunning;
}

void
fetch_free(struct fetcher *f)
{
	struct fetch_job *job;
	CURLMcode mc;

	if (f == NULL || f->freeing)
		return;
	f->freeing = 1;

	while ((job = TAILQ_FIRST(&f->running)) != NULL) {
		TAILQ_REMOVE(&f->running, job, entry);
		if ((mc = curl_multi_remove_handle(f->multi, job->easy)) !=
		    CURLM_OK)
			log_warnx("fetch: curl_multi_remove_handle: %s",
			    curl_multi_strerror(mc));
		curl_easy_cleanup(job->easy);
		job->easy = NULL;
		fetch_host_put(job->host);
		job->host = NULL;
		f->nrunning--;
		fetch_job_free(job);
	}
	while ((job = TAILQ_FIRST(&f->queued)) != NULL) {
		TAILQ_REMOVE(&f->queued, job, entry);
		fetch_job_free(job);
	}
	while ((job = TAILQ_FIRST(&f->done)) != NULL) {
		TAILQ_REMOVE(&f->done, job, entry);
		fetch_job_free(job);
	}

	/* Cleanup may still call the socket callback for pooled connections. */
	if (f->multi != NULL) {
		if ((mc = curl_multi_cleanup(f->multi)) != CURLM_OK)
			log_warnx("fetch: curl_multi_cleanup: %s",
			    curl_multi_strerror(mc));
		f->multi = NULL;
	}
	fetch_close_all(f);
}

/* Closes every handle still open; the last close callback frees f. */
static void
fetch_close_all(struct fetcher *f)
{
	struct fetch_sock *s;

	while ((s = LIST_FIRST(&f->socks)) != NULL)
		fetch_sock_close(s);
	if (f->kick.data != NULL && !uv_is_closing((uv_handle_t *)&f->kick))
		uv_close((uv_handle_t *)&f->kick, fetch_on_close);
	if (f->timer.data != NULL &&
	    !uv_is_closing((uv_handle_t *)&f->timer))
		uv_close((uv_handle_t *)&f->timer, fetch_on_close);
}

static void
fetch_on_close(uv_handle_t *h)
{
	struct fetcher *f = h->data;

	if (--f->handles == 0)
		free(f);
}

int
fetch_url_check(const char *url, char *why, size_t whylen)
{
	CURLU *u;
	CURLUcode rc;

	if ((u = curl_url()) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	curl_url_cleanup(u);
	if (rc == CURLUE_OK)
		return 0;
	snprintf(why, whylen, "%s", curl_url_strerror(rc));
	return -1;
}

/*
 * The per-host key: the URL's host in lowercase; every file:// URL shares
 * one key.  A URL curl cannot parse gets the empty key and fails later
 * with curl's own message.
 */
static char *
fetch_hostkey(const char *url)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *key, *p;

	if ((u = curl_url()) == NULL)
		return xstrdup("");
	if (curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME | CURLU_GUESS_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(u);
		return xstrdup("");
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    strcasecmp(scheme, "file") == 0)
		key = xstrdup(FETCH_FILE_HOST);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		key = xstrdup(host);
	else
		key = xstrdup("");
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	for (p = key; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = *p - 'A' + 'a';
	return key;
}

/* A header value must not carry CR or LF (NUL already ends the string). */
static int
fetch_header_ok(const char *v)
{
	return *v != '\0' && strpbrk(v, "\r\n") == NULL;
}

static struct fetch_host *
fetch_host_get(struct fetcher *f, const char *name)
{
	struct fetch_host *h;

	LIST_FOREACH(h, &f->hosts, entry)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

static void
fetch_host_put(struct fetch_host *h)
{
	if (h != NULL && --h->running == 0) {
		LIST_REMOVE(h, entry);
		free(h->name);
		free(h);
	}
}

/*
 * Starts waiting jobs in FIFO order while slots are free.  A job whose host
 * is full is skipped, so one busy host does not hold up the others.
 */
static void
fetch_pump(struct fetcher *f)
{
	struct fetch_job *job, *next;
	struct fetch_host *h;
	int failed = 0;

	for (job = TAILQ_FIRST(&f->queued); job != NULL &&
	    f->nrunning < f->lim.max_total && !f->freeing; job = next) {
		next = TAILQ_NEXT(job, entry);
		h = fetch_host_get(f, job->hostname);
		if (h != NULL && h->running >= f->lim.max_per_host)
			continue;
		TAILQ_REMOVE(&f->queued, job, entry);
		if (fetch_job_begin(job) == -1) {
			TAILQ_INSERT_TAIL(&f->done, job, entry);
			failed = 1;
			continue;
		}
		if (h == NULL) {
			h = xcalloc(1, sizeof(*h));
			h->name = xstrdup(job->hostname);
			LIST_INSERT_HEAD(&f->hosts, h, entry);
		}
		h->running++;
		job->host = h;
		f->nrunning++;
		TAILQ_INSERT_TAIL(&f->running, job, entry);
	}
	if (failed)
		fetch_kick(f);
}

/* Sets an option or leaves fetch_job_begin with curl's reason. */
#define FETCH_SETOPT(job, opt, val) do {				\
	CURLcode c_;							\
	if ((c_ = curl_easy_setopt((job)->easy, (opt), (val))) !=	\
	    CURLE_OK) {							\
		fetch_job_fail((job), "curl_easy_setopt(%s): %s", #opt,	\
		    curl_easy_strerror(c_));				\
		return -1;						\
	}								\
} while (0)

/* Creates the easy handle and hands it to the multi; -1 sets the error. */
static int
fetch_job_begin(struct fetch_job *job)
{
	struct fetcher *f = job->f;
	CURLMcode mc;

	if ((job->easy = curl_easy_init()) == NULL) {
		fetch_job_fail(job, "curl_easy_init failed");
		return -1;
	}
	FETCH_SETOPT(job, CURLOPT_PRIVATE, (void *)job);
	FETCH_SETOPT(job, CURLOPT_ERRORBUFFER, job->errbuf);
	FETCH_SETOPT(job, CURLOPT_URL, job->url);
	FETCH_SETOPT(job, CURLOPT_PROTOCOLS_STR, "http,https,file");
	FETCH_SETOPT(job, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	FETCH_SETOPT(job, CURLOPT_FOLLOWLOCATION, 1L);
	FETCH_SETOPT(job, CURLOPT_MAXREDIRS, FETCH_MAXREDIRS);
	/* Decoded here (gunzip.c), so a truncated stream is caught. */
	FETCH_SETOPT(job, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
	FETCH_SETOPT(job, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	FETCH_SETOPT(job, CURLOPT_USERAGENT, AGG_USER_AGENT);
	FETCH_SETOPT(job, CURLOPT_CONNECTTIMEOUT, f->lim.connect_timeout);
	FETCH_SETOPT(job, CURLOPT_TIMEOUT, f->lim.timeout);
	FETCH_SETOPT(job, CURLOPT_LOW_SPEED_LIMIT, FETCH_LOW_SPEED_LIMIT);
	FETCH_SETOPT(job, CURLOPT_LOW_SPEED_TIME, FETCH_LOW_SPEED_TIME);
	FETCH_SETOPT(job, CURLOPT_NOSIGNAL, 1L);
	/*
	 * A transfer that times out while its resolver thread still waits
	 * in getaddrinfo (a name server that never answers) would make curl
	 * join that thread, on the loop, for every feed.  With this, curl
	 * leaves the thread to finish and free itself.
	 */
	FETCH_SETOPT(job, CURLOPT_QUICK_EXIT, 1L);
	/* Curl 7.88 still offers TLS 1.0 where the system policy allows it. */
	FETCH_SETOPT(job, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* Catches a declared Content-Length early; the write callback the rest. */
	FETCH_SETOPT(job, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)f->lim.max_body);
	FETCH_SETOPT(job, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	FETCH_SETOPT(job, CURLOPT_WRITEDATA, (void *)job);
	FETCH_SETOPT(job, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	FETCH_SETOPT(job, CURLOPT_HEADERDATA, (void *)job);

	/* Validators go verbatim: the server compares them as strings. */
	if (fetch_job_header(job, "Accept", FETCH_ACCEPT) == -1 ||
	    fetch_job_header(job, "If-None-Match", job->etag) == -1 ||
	    fetch_job_header(job, "If-Modified-Since",
	    job->last_modified) == -1)
		return -1;
	FETCH_SETOPT(job, CURLOPT_HTTPHEADER, job->reqhdrs);

	/* This calls fetch_timer_cb, which arms the timer: no kickstart. */
	if ((mc = curl_multi_add_handle(f->multi, job->easy)) != CURLM_OK) {
		fetch_job_fail(job, "curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
		return -1;
	}
	return 0;
}

/* Adds "name: value" to the request; a NULL value adds nothing. */
static int
fetch_job_header(struct fetch_job *job, const char *name, const char *value)
{
	struct curl_slist *l;
	char *line;

	if (value == NULL)
		return 0;
	line = xasprintf("%s: %s", name, value);
	l = curl_slist_append(job->reqhdrs, line);
	free(line);
	if (l == NULL) {
		fetch_job_fail(job, "curl_slist_append failed");
		return -1;
	}
	job->reqhdrs = l;
	return 0;
}

/* Records a setup failure; the easy handle, if any, is not in the multi. */
static void
fetch_job_fail(struct fetch_job *job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(job->res.error);
	job->res.error = xvasprintf(fmt, ap);
	va_end(ap);
	job->res.ok = 0;
	if (job->easy != NULL) {
		curl_easy_cleanup(job->easy);
		job->easy = NULL;
	}
}

static void
fetch_job_free(struct fetch_job *job)
{
	if (job == NULL)
		return;
	if (job->easy != NULL)
		curl_easy_cleanup(job->easy);
	curl_slist_free_all(job->reqhdrs);
	free(job->url);
	free(job->hostname);
	free(job->etag);
	free(job->last_modified);
	fetch_result_clear(&job->res);
	gunzip_free(&job->gz);
	free(job->decode_error);
	free(job);
}

void
fetch_result_clear(struct fetch_result *res)
{
	int i;

	if (res == NULL)
		return;
	buf_free(&res->body);
	for (i = 0; i < FETCH_HDR_MAX; i++)
		free(res->hdr[i]);
	free(res->effective_url);
	free(res->moved_to);
	free(res->error);
	memset(res, 0, sizeof(*res));
}

void
fetch_result_move(struct fetch_result *dst, struct fetch_result *src)
{
	fetch_result_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

/* Appends decoded body bytes; returning short makes curl stop. */
static size_t
fetch_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch_job *job = arg;
	const char *enc = job->res.hdr[FETCH_HDR_CONTENT_ENCODING];
	size_t n = size * nmemb;
	const char *why = NULL;

	if (!job->body_started) {
		job->body_started = 1;
		if (gunzip_start(&job->gz, enc) == -1) {
			job->decode_error = xasprintf("unsupported "
			    "Content-Encoding: %s", enc);
			return 0;
		}
	}
	if (gunzip_add(&job->gz, ptr, n, &job->res.body, job->f->lim.max_body,
	    &why) == 0)
		return n;
	if (strcmp(why, "toobig") == 0)
		job->toobig = 1;
	else
		job->decode_error = xasprintf("corrupt %s body", enc);
	return 0;
}

/*
 * Counts the redirect hops behind a status line and whether all of them
 * were permanent: only then has the feed moved for good.
 */
static void
fetch_hop(struct fetch_job *job, const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	long code = 0;

	if (sp != NULL && (size_t)(sp - line) + 4 <= n &&
	    isdigit((unsigned char)sp[1]) && isdigit((unsigned char)sp[2]) &&
	    isdigit((unsigned char)sp[3]))
		code = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	/* An interim 1xx answer is not a hop. */
	if (code >= 100 && code <= 199)
		return;
	if (job->hop_status != 0) {
		job->hops++;
		if (job->hop_status != 301 && job->hop_status != 308)
			job->all_permanent = 0;
	}
	job->hop_status = code;
}

/*
 * Keeps the headers of the last response only: each status line (one per
 * redirect hop) starts the set afresh.
 */
static size_t
fetch_header_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch_job *job = arg;
	size_t n = size * nmemb, len, vlen;
	const char *v;
	int i;

	/* The blank line that ends a response's headers. */
	if ((n == 1 && ptr[0] == '\n') ||
	    (n == 2 && ptr[0] == '\r' && ptr[1] == '\n')) {
		job->headers_done = 1;
		return n;
	}
	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
		job->headers_done = 0;
		fetch_hop(job, ptr, n);
		for (i = 0; i < FETCH_HDR_MAX; i++) {
			free(job->res.hdr[i]);
			job->res.hdr[i] = NULL;
		}
		return n;
	}
	for (i = 0; i < FETCH_HDR_MAX; i++) {
		len = strlen(fetch_hdrnames[i]);
		if (n > len && ptr[len] == ':' &&
		    strncasecmp(ptr, fetch_hdrnames[i], len) == 0)
			break;
	}
	if (i == FETCH_HDR_MAX)
		return n;
	v = ptr + len + 1;
	vlen = n - len - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	    v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	free(job->res.hdr[i]);
	job->res.hdr[i] = xstrndup(v, vlen);
	return n;
}

/*
 * Curl 7.88 says only "Couldn't connect to server"; the system's reason
 * ("Connection refused") is what tells a reader what went wrong.
 */
static void
fetch_job_oserr(struct fetch_job *job, CURLcode code)
{
	const char *why;
	char *e;
	long oserr = 0;

	if (code != CURLE_COULDNT_CONNECT && code != CURLE_SEND_ERROR &&
	    code != CURLE_RECV_ERROR)
		return;
	if (curl_easy_getinfo(job->easy, CURLINFO_OS_ERRNO, &oserr) !=
	    CURLE_OK || oserr <= 0)
		return;
	why = strerror((int)oserr);
	if (strstr(job->res.error, why) != NULL)
		return;
	e = xasprintf("%s (%s)", job->res.error, why);
	free(job->res.error);
	job->res.error = e;
}

/*
 * Whether curl gave up on a response header line: over its 100 KB
 * (CURL_MAX_HTTP_HEADER) curl 7.88 says only "Out of memory", and 8.6
 * and later CURLE_TOO_LARGE.  Headers over 300 KB in all get their own
 * clear message from curl.
 */
static int
fetch_header_too_large(const struct fetch_job *job, CURLcode code)
{
	if (job->headers_done)
		return 0;
#if LIBCURL_VERSION_NUM >= 0x080600
	if (code == CURLE_TOO_LARGE)
		return 1;
#endif
	return code == CURLE_OUT_OF_MEMORY;
}

/* Turns curl's verdict into the result the callback will see. */
static void
fetch_job_finish(struct fetch_job *job, CURLcode code)
{
	struct fetch_result *r = &job->res;
	char *eff = NULL, *scheme = NULL;
	size_t n;

	if (curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &r->status) !=
	    CURLE_OK)
		r->status = 0;
	/* Curl's keeps the credentials of the URL asked for: not ours. */
	if (curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &eff) ==
	    CURLE_OK && eff != NULL && strcmp(eff, job->url) != 0) {
		free(r->effective_url);
		r->effective_url = url_strip_userinfo(eff);
		if (job->hops > 0 && job->all_permanent)
			r->moved_to = xstrdup(r->effective_url);
	}
	if (curl_easy_getinfo(job->easy, CURLINFO_SCHEME, &scheme) !=
	    CURLE_OK)
		scheme = NULL;

	if (job->toobig || code == CURLE_FILESIZE_EXCEEDED) {
		r->error = xasprintf("body exceeds %zu bytes",
		    job->f->lim.max_body);
	} else if (job->decode_error != NULL) {
		r->error = job->decode_error;
		job->decode_error = NULL;
	} else if (code == CURLE_OK && gunzip_complete(&job->gz) == -1) {
		r->error = xasprintf("%s body cut short",
		    r->hdr[FETCH_HDR_CONTENT_ENCODING]);
	} else if (code != CURLE_OK && fetch_header_too_large(job, code)) {
		r->error = xstrdup("response header too large (a line over "
		    "100 KB)");
	} else if (code != CURLE_OK) {
		if (job->errbuf[0] != '\0') {
			n = strcspn(job->errbuf, "\r\n");
			r->error = xstrndup(job->errbuf, n);
		} else
			r->error = xstrdup(curl_easy_strerror(code));
		fetch_job_oserr(job, code);
	} else if (r->status == 304) {
		r->ok = 1;
		buf_free(&r->body);
	} else if (r->status >= 200 && r->status <= 299) {
		r->ok = 1;
	} else if (r->status == 0 && scheme != NULL &&
	    strcasecmp(scheme, "file") == 0) {
		r->ok = 1;
	} else if (r->status != 0) {
		r->error = xasprintf("HTTP %ld", r->status);
	} else
		r->error = xstrdup("no response status");
}

/* Reads every finished transfer; always called after socket_action. */
static void
fetch_drain(struct fetcher *f)
{
	struct fetch_job *job;
	CURLMsg *msg;
	CURL *easy;
	CURLcode code;
	CURLMcode mc;
	char *priv;
	int left, any = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* The message dies with remove_handle: copy it first. */
		easy = msg->easy_handle;
		code = msg->data.result;
		if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv) !=
		    CURLE_OK || priv == NULL) {
			log_warnx("fetch: finished transfer without a job");
			if ((mc = curl_multi_remove_handle(f->multi, easy)) !=
			    CURLM_OK)
				log_warnx("fetch: curl_multi_remove_handle: %s",
				    curl_multi_strerror(mc));
			curl_easy_cleanup(easy);
			continue;
		}
		job = (struct fetch_job *)(void *)priv;
		fetch_job_finish(job, code);
		if ((mc = curl_multi_remove_handle(f->multi, easy)) != CURLM_OK)
			log_warnx("fetch: curl_multi_remove_handle: %s",
			    curl_multi_strerror(mc));
		curl_easy_cleanup(easy);
		job->easy = NULL;
		TAILQ_REMOVE(&f->running, job, entry);
		fetch_host_put(job->host);
		job->host = NULL;
		f->nrunning--;
		TAILQ_INSERT_TAIL(&f->done, job, entry);
		any = 1;
	}
	if (any) {
		fetch_pump(f);
		fetch_kick(f);
	}
}

/*
 * Runs finished jobs' callbacks, which may take the result, start fetches
 * or free f.
 */
static void
fetch_deliver(struct fetcher *f)
{
	struct fetch_job *job;

	while (!f->freeing && (job = TAILQ_FIRST(&f->done)) != NULL) {
		TAILQ_REMOVE(&f->done, job, entry);
		job->cb(&job->res, job->arg);
		fetch_job_free(job);
	}
}

/* Results go out from the loop on its next turn, never from our callers. */
static void
fetch_kick(struct fetcher *f)
{
	int r;

	if (f->freeing)
		return;
	if ((r = uv_timer_start(&f->kick, fetch_on_kick, 0, 0)) != 0)
		log_warnx("fetch: uv_timer_start: %s", uv_strerror(r));
}

static void
fetch_on_kick(uv_timer_t *t)
{
	struct fetcher *f = t->data;

	fetch_pump(f);
	fetch_deliver(f);
}

/* CURLMOPT_SOCKETFUNCTION: watch, re-watch or forget one socket. */
static int
fetch_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
    void *socketp)
{
	struct fetcher *f = userp;
	struct fetch_sock *s = socketp;
	CURLMcode mc;
	int events, r;

	(void)easy;
	switch (what) {
	case CURL_POLL_IN:
		events = UV_READABLE;
		break;
	case CURL_POLL_OUT:
		events = UV_WRITABLE;
		break;
	case CURL_POLL_INOUT:
		events = UV_READABLE | UV_WRITABLE;
		break;
	case CURL_POLL_REMOVE:
		/*
		 * The socket may go back to the pool and return later under
		 * the same number: close now, a fresh context comes then.
		 */
		if (s != NULL) {
			fetch_sock_close(s);
			if (!f->freeing && (mc = curl_multi_assign(f->multi, fd,
			    NULL)) != CURLM_OK)
				log_debug("fetch: curl_multi_assign: %s",
				    curl_multi_strerror(mc));
		}
		return 0;
	default:
		log_warnx("fetch: unknown socket action %d", what);
		return -1;
	}

	if (s == NULL) {
		/* Pooled connections shutting down need no new watcher. */
		if (f->freeing)
			return 0;
		s = xcalloc(1, sizeof(*s));
		if ((r = uv_poll_init_socket(f->loop, &s->poll, fd)) != 0) {
			log_warnx("fetch: uv_poll_init_socket(%d): %s", (int)fd,
			    uv_strerror(r));
			free(s);
			return -1;
		}
		s->poll.data = s;
		s->fd = fd;
		s->f = f;
		f->handles++;
		LIST_INSERT_HEAD(&f->socks, s, entry);
		if ((mc = curl_multi_assign(f->multi, fd, s)) != CURLM_OK) {
			log_warnx("fetch: curl_multi_assign: %s",
			    curl_multi_strerror(mc));
			fetch_sock_close(s);
			return -1;
		}
	}
	if ((r = uv_poll_start(&s->poll, events, fetch_on_poll)) != 0) {
		log_warnx("fetch: uv_poll_start(%d): %s", (int)fd,
		    uv_strerror(r));
		return -1;
	}
	return 0;
}

static void
fetch_sock_close(struct fetch_sock *s)
{
	LIST_REMOVE(s, entry);
	uv_close((uv_handle_t *)&s->poll, fetch_on_sock_close);
}

static void
fetch_on_sock_close(uv_handle_t *h)
{
	struct fetch_sock *s = h->data;
	struct fetcher *f = s->f;

	free(s);
	if (--f->handles == 0)
		free(f);
}

/* CURLMOPT_TIMERFUNCTION: only arms the timer, never calls back into curl. */
static int
fetch_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct fetcher *f = userp;
	int r;

	(void)multi;
	if (timeout_ms < 0)
		r = uv_timer_stop(&f->timer);
	else
		r = uv_timer_start(&f->timer, fetch_on_timeout,
		    (uint64_t)timeout_ms, 0);
	if (r != 0) {
		log_warnx("fetch: timer: %s", uv_strerror(r));
		return -1;
	}
	return 0;
}

static void
fetch_on_timeout(uv_timer_t *t)
{
	struct fetcher *f = t->data;
	CURLMcode mc;
	int running;

	if ((mc = curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running)) != CURLM_OK)
		log_warnx("fetch: curl_multi_socket_action: %s",
		    curl_multi_strerror(mc));
	fetch_drain(f);
}

static void
fetch_on_poll(uv_poll_t *p, int status, int events)
{
	struct fetch_sock *s = p->data;
	struct fetcher *f = s->f;
	CURLMcode mc;
	int flags = 0, running;

	/*
	 * libuv reports POLLERR as a status with no events (and stops the
	 * handle).  Then curl looks at the socket itself (flags 0) and meets
	 * the error by reading, the way that lets it send a request again on
	 * a new connection when a reused one was reset before any answer;
	 * CURL_CSELECT_ERR would fail the transfer outright.
	 */
	if (status == 0) {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	if ((mc = curl_multi_socket_action(f->multi, s->fd, flags,
	    &running)) != CURLM_OK)
		log_warnx("fetch: curl_multi_socket_action: %s",
		    curl_multi_strerror(mc));
	fetch_drain(f);
}
