/*
 * Tests for the fetcher against a real loopback HTTP server (httpd.py,
 * started here and killed at the end) and against file:// URLs.  Every
 * test runs its own loop, frees the fetcher, and checks that the loop
 * then closes cleanly.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "fetch.h"
#include "test.h"

#define WATCHDOG_MS	20000
#define FEED_BODY	"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>" \
			"<title>t</title></channel></rss>\n"
#define LASTMOD		"Wed, 21 Oct 2015 07:28:00 GMT"

/* What one callback saw, taken out of the lent result. */
struct rec {
	int	 called;
	int	 ok;
	long	 status;
	char	*body;
	size_t	 len;
	char	*ctype;
	char	*cloc;
	char	*clang;
	char	*etag;
	char	*lastmod;
	char	*eff;
	char	*moved;
	char	*error;
};

struct tctx;

/* One fetch: its record and what to do once its callback has run. */
struct call {
	struct tctx	*t;
	struct rec	 r;
	void		(*then)(struct call *);
};

/* One test's loop, fetcher and bookkeeping. */
struct tctx {
	uv_loop_t	 loop;
	struct fetcher	*f;
	uv_timer_t	 watchdog;
	int		 pending;
	int		 timedout;
	int		 in_start;
	int		 reentered;
	int		 free_at_zero;
	int		 ncalls;
};

static pid_t	 srv_pid = -1;
static char	 srv_base[64];
static const char *tmpdir;		/* the scratch folder */

/* Takes a string out of the result, as a callback may. */
static char *
take(char **field)
{
	char *s = *field;

	*field = NULL;
	return s;
}

static void
rec_free(struct rec *r)
{
	free(r->body);
	free(r->ctype);
	free(r->cloc);
	free(r->clang);
	free(r->etag);
	free(r->lastmod);
	free(r->eff);
	free(r->moved);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static void
on_watchdog_close(uv_handle_t *h)
{
	(void)h;
}

static void
tctx_stop(struct tctx *t)
{
	fetch_free(t->f);
	t->f = NULL;
	if (!uv_is_closing((uv_handle_t *)&t->watchdog))
		uv_close((uv_handle_t *)&t->watchdog, on_watchdog_close);
}

static void
on_watchdog(uv_timer_t *w)
{
	struct tctx *t = w->data;

	t->timedout = 1;
	tctx_stop(t);
}

static void
tctx_init(struct tctx *t, const struct fetch_limits *lim)
{
	memset(t, 0, sizeof(*t));
	if (uv_loop_init(&t->loop) != 0)
		abort();
	t->f = fetch_new(&t->loop, lim);
	if (t->f == NULL)
		abort();
	uv_timer_init(&t->loop, &t->watchdog);
	t->watchdog.data = t;
	uv_timer_start(&t->watchdog, on_watchdog, WATCHDOG_MS, 0);
	t->free_at_zero = 1;
}

/* Runs the loop to the end; the caller asserts on what it returns. */
static int
tctx_run(struct tctx *t)
{
	uv_run(&t->loop, UV_RUN_DEFAULT);
	ASSERT_INT(t->timedout, 0);
	ASSERT_INT(t->reentered, 0);
	ASSERT_INT(t->pending, 0);
	return uv_loop_close(&t->loop);
}

/* Takes some of the result; the fetcher frees the rest (ASan checks). */
static void
on_result(struct fetch_result *res, void *arg)
{
	struct call *c = arg;
	struct tctx *t = c->t;

	if (t->in_start)
		t->reentered++;
	t->ncalls++;
	rec_free(&c->r);
	c->r.called++;
	c->r.ok = res->ok;
	c->r.status = res->status;
	c->r.len = res->body.len;
	c->r.body = buf_release(&res->body);
	c->r.ctype = take(&res->hdr[FETCH_HDR_CONTENT_TYPE]);
	c->r.cloc = take(&res->hdr[FETCH_HDR_CONTENT_LOCATION]);
	c->r.clang = take(&res->hdr[FETCH_HDR_CONTENT_LANGUAGE]);
	c->r.etag = take(&res->hdr[FETCH_HDR_ETAG]);
	c->r.lastmod = take(&res->hdr[FETCH_HDR_LAST_MODIFIED]);
	c->r.eff = take(&res->effective_url);
	c->r.moved = take(&res->moved_to);
	c->r.error = take(&res->error);
	if (c->then != NULL)
		c->then(c);
	if (--t->pending == 0 && t->free_at_zero)
		tctx_stop(t);
}

static int
start(struct tctx *t, struct call *c, const char *url, const char *etag,
    const char *lastmod)
{
	struct fetch_request req = { url, etag, lastmod };
	int rc;

	c->t = t;
	t->pending++;
	t->in_start = 1;
	rc = fetch_start(t->f, &req, on_result, c);
	t->in_start = 0;
	if (rc != 0)
		t->pending--;
	return rc;
}

static char *
url(const char *path)
{
	static char u[8][256];
	static int n;

	n = (n + 1) % 8;
	snprintf(u[n], sizeof(u[n]), "%s%s", srv_base, path);
	return u[n];
}

/* The string value of "key" in httpd.py's flat JSON object, or "". */
static const char *
json_val(const char *json, const char *key)
{
	static char v[512];
	char pat[128];
	const char *p;
	size_t n = 0;

	v[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	if ((p = strstr(json, pat)) == NULL)
		return v;
	for (p += strlen(pat); *p != '\0' && *p != '"' && n < sizeof(v) - 1;
	    p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		v[n++] = *p;
	}
	v[n] = '\0';
	return v;
}

/* Conditional GET: validators from the first answer bring a 304. */
static struct call feed1, feed2, hdrs;

static void
then_headers(struct call *c)
{
	(void)c;
	start(c->t, &hdrs, url("/last-headers"), NULL, NULL);
}

static void
then_revalidate(struct call *c)
{
	if (c->r.etag != NULL && c->r.lastmod != NULL) {
		feed2.then = then_headers;
		start(c->t, &feed2, url("/feed"), c->r.etag, c->r.lastmod);
	}
}

TEST(t_feed_conditional)
{
	struct tctx t;

	tctx_init(&t, NULL);
	feed1.then = then_revalidate;
	ASSERT_INT(start(&t, &feed1, url("/feed"), NULL, NULL), 0);
	ASSERT_INT(feed1.r.called, 0);
	ASSERT_INT(tctx_run(&t), 0);

	ASSERT_INT(feed1.r.called, 1);
	ASSERT_INT(feed1.r.ok, 1);
	ASSERT_INT(feed1.r.status, 200);
	ASSERT_STR(feed1.r.body, FEED_BODY);
	ASSERT_INT(feed1.r.len, strlen(FEED_BODY));
	ASSERT_STR(feed1.r.error, NULL);
	ASSERT_STR(feed1.r.ctype, "application/rss+xml; charset=utf-8");
	ASSERT_STR(feed1.r.cloc, "http://example.org/feed.xml");
	ASSERT_STR(feed1.r.clang, "en");
	ASSERT_STR(feed1.r.etag, "\"v1\"");
	ASSERT_STR(feed1.r.lastmod, LASTMOD);
	ASSERT_STR(feed1.r.eff, url("/feed"));
	ASSERT_STR(feed1.r.moved, NULL);

	ASSERT_INT(feed2.r.called, 1);
	ASSERT_INT(feed2.r.ok, 1);
	ASSERT_INT(feed2.r.status, 304);
	ASSERT_INT(feed2.r.len, 0);
	ASSERT_STR(feed2.r.error, NULL);

	ASSERT_INT(hdrs.r.called, 1);
	ASSERT_INT(hdrs.r.ok, 1);
	if (hdrs.r.body != NULL) {
		ASSERT_STR(json_val(hdrs.r.body, "if-none-match"), "\"v1\"");
		ASSERT_STR(json_val(hdrs.r.body, "if-modified-since"),
		    LASTMOD);
		ASSERT_STR(json_val(hdrs.r.body, "user-agent"),
		    "aggregator/0.1.0");
		ASSERT(strstr(json_val(hdrs.r.body, "accept-encoding"),
		    "gzip") != NULL);
	}
	rec_free(&feed1.r);
	rec_free(&feed2.r);
	rec_free(&hdrs.r);
}

/* Validators with CR/LF are dropped, so the fetch is unconditional. */
static struct call unsafe, unsafe_hdrs;

static void
then_unsafe_headers(struct call *c)
{
	start(c->t, &unsafe_hdrs, url("/last-headers"), NULL, NULL);
}

TEST(t_unsafe_validators)
{
	struct tctx t;

	tctx_init(&t, NULL);
	unsafe.then = then_unsafe_headers;
	ASSERT_INT(start(&t, &unsafe, url("/feed"), "\"v1\"\r\nX-Evil: 1",
	    "x\nX-Evil: 2"), 0);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(unsafe.r.ok, 1);
	ASSERT_INT(unsafe.r.status, 200);
	ASSERT_INT(unsafe_hdrs.r.ok, 1);
	if (unsafe_hdrs.r.body != NULL) {
		ASSERT(strstr(unsafe_hdrs.r.body, "x-evil") == NULL);
		ASSERT(strstr(unsafe_hdrs.r.body, "if-none-match") == NULL);
		ASSERT(strstr(unsafe_hdrs.r.body, "if-modified-since") ==
		    NULL);
	}
	rec_free(&unsafe.r);
	rec_free(&unsafe_hdrs.r);
}

TEST(t_gzip)
{
	struct tctx t;
	struct call c = { 0 };
	char want[10001];
	int i;

	for (i = 0; i < 1000; i++)
		memcpy(want + i * 10, "gzip body ", 10);
	want[10000] = '\0';
	tctx_init(&t, NULL);
	start(&t, &c, url("/gzip"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(c.r.ok, 1);
	ASSERT_INT(c.r.status, 200);
	ASSERT_INT(c.r.len, 10000);
	ASSERT_STR(c.r.body, want);
	ASSERT_STR(c.r.ctype, "text/plain");
	rec_free(&c.r);
}

TEST(t_http_errors)
{
	struct tctx t;
	struct call c404 = { 0 }, c500 = { 0 };

	tctx_init(&t, NULL);
	start(&t, &c404, url("/404"), NULL, NULL);
	start(&t, &c500, url("/500"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(c404.r.called, 1);
	ASSERT_INT(c404.r.ok, 0);
	ASSERT_INT(c404.r.status, 404);
	ASSERT_STR(c404.r.error, "HTTP 404");
	ASSERT_INT(c500.r.ok, 0);
	ASSERT_INT(c500.r.status, 500);
	ASSERT_STR(c500.r.error, "HTTP 500");
	rec_free(&c404.r);
	rec_free(&c500.r);
}

/* The redirect's own headers must not leak into the final result. */
TEST(t_redirects)
{
	struct tctx t;
	struct call ok = { 0 }, loop = { 0 }, file = { 0 };

	tctx_init(&t, NULL);
	start(&t, &ok, url("/redirect-ok"), NULL, NULL);
	start(&t, &loop, url("/redirect-loop"), NULL, NULL);
	start(&t, &file, url("/redirect-file"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);

	ASSERT_INT(ok.r.ok, 1);
	ASSERT_INT(ok.r.status, 200);
	ASSERT_STR(ok.r.eff, url("/plain"));
	ASSERT_STR(ok.r.moved, url("/plain"));	/* a 301 */
	ASSERT_STR(ok.r.body, "plain\n");
	ASSERT_STR(ok.r.etag, NULL);
	ASSERT_STR(ok.r.lastmod, NULL);
	ASSERT_STR(ok.r.ctype, NULL);
	ASSERT_STR(ok.r.cloc, NULL);
	ASSERT_STR(ok.r.clang, NULL);

	ASSERT_INT(loop.r.ok, 0);
	ASSERT_STR(loop.r.error, "Maximum (5) redirects followed");
	ASSERT_STR(loop.r.moved, NULL);		/* 302s */

	ASSERT_INT(file.r.ok, 0);
	ASSERT_STR(file.r.error,
	    "Protocol \"file\" not supported or disabled in libcurl");
	rec_free(&ok.r);
	rec_free(&loop.r);
	rec_free(&file.r);
}

/* Chunked, declared-length and gzip-inflated bodies all hit the cap. */
TEST(t_body_limit_default)
{
	struct tctx t;
	struct call chunked = { 0 }, length = { 0 }, bomb = { 0 };

	tctx_init(&t, NULL);
	start(&t, &chunked, url("/big-chunked"), NULL, NULL);
	start(&t, &length, url("/big-length"), NULL, NULL);
	start(&t, &bomb, url("/gzip-bomb"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(chunked.r.ok, 0);
	ASSERT_STR(chunked.r.error, "body exceeds 16777216 bytes");
	ASSERT_INT(length.r.ok, 0);
	ASSERT_STR(length.r.error, "body exceeds 16777216 bytes");
	ASSERT_INT(bomb.r.ok, 0);
	ASSERT_STR(bomb.r.error, "body exceeds 16777216 bytes");
	rec_free(&chunked.r);
	rec_free(&length.r);
	rec_free(&bomb.r);
}

/* A body of exactly max_body passes; one byte less of room fails. */
TEST(t_body_limit_edge)
{
	struct fetch_limits exact = { 0 }, less = { 0 };
	struct tctx t1, t2;
	struct call c1 = { 0 }, c2 = { 0 };
	char want[64];

	exact.max_body = strlen(FEED_BODY);
	less.max_body = strlen(FEED_BODY) - 1;
	tctx_init(&t1, &exact);
	start(&t1, &c1, url("/feed"), NULL, NULL);
	ASSERT_INT(tctx_run(&t1), 0);
	ASSERT_INT(c1.r.ok, 1);
	ASSERT_INT(c1.r.len, strlen(FEED_BODY));

	tctx_init(&t2, &less);
	start(&t2, &c2, url("/feed"), NULL, NULL);
	ASSERT_INT(tctx_run(&t2), 0);
	ASSERT_INT(c2.r.ok, 0);
	snprintf(want, sizeof(want), "body exceeds %zu bytes",
	    strlen(FEED_BODY) - 1);
	ASSERT_STR(c2.r.error, want);
	rec_free(&c1.r);
	rec_free(&c2.r);
}

TEST(t_timeout)
{
	struct fetch_limits lim = { 0 };
	struct tctx t;
	struct call c = { 0 };
	uint64_t t0, ms;

	lim.timeout = 2;
	tctx_init(&t, &lim);
	t0 = uv_hrtime();
	start(&t, &c, url("/slow"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	ms = (uv_hrtime() - t0) / 1000000;
	ASSERT_INT(c.r.ok, 0);
	ASSERT(c.r.error != NULL && strncmp(c.r.error,
	    "Operation timed out after 2", 27) == 0);
	ASSERT(ms >= 1900 && ms < 4000);
	rec_free(&c.r);
}

TEST(t_refused)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct tctx t;
	struct call c = { 0 };
	char u[64];
	int fd;

	/* A port that was just free and has no listener. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	ASSERT(getsockname(fd, (struct sockaddr *)&sin, &slen) == 0);
	close(fd);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/feed", ntohs(sin.sin_port));

	tctx_init(&t, NULL);
	start(&t, &c, u, NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(c.r.ok, 0);
	ASSERT_INT(c.r.status, 0);
	ASSERT(c.r.error != NULL && strstr(c.r.error, "Connection refused"));
	ASSERT(c.r.error != NULL && strchr(c.r.error, '\n') == NULL);
	rec_free(&c.r);
}

TEST(t_bad_scheme)
{
	struct tctx t;
	struct call c = { 0 };

	tctx_init(&t, NULL);
	start(&t, &c, "gopher://127.0.0.1/", NULL, NULL);
	ASSERT_INT(c.r.called, 0);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(c.r.called, 1);
	ASSERT_INT(c.r.ok, 0);
	ASSERT_STR(c.r.error,
	    "Protocol \"gopher\" not supported or disabled in libcurl");
	rec_free(&c.r);
}

/* A transfer that cannot even be set up still reports from the loop. */
TEST(t_setup_error)
{
	struct tctx t;
	struct call c = { 0 };
	size_t n = 9 * 1024 * 1024;	/* beyond CURL_MAX_INPUT_LENGTH */
	char *u;

	u = malloc(n + 1);
	memcpy(u, "http://127.0.0.1/", 17);
	memset(u + 17, 'a', n - 17);
	u[n] = '\0';
	tctx_init(&t, NULL);
	ASSERT_INT(start(&t, &c, u, NULL, NULL), 0);
	free(u);
	ASSERT_INT(c.r.called, 0);
	ASSERT_INT(tctx_run(&t), 0);
	ASSERT_INT(c.r.called, 1);
	ASSERT_INT(c.r.ok, 0);
	ASSERT(c.r.error != NULL &&
	    strncmp(c.r.error, "curl_easy_setopt(CURLOPT_URL): ", 31) == 0);
	rec_free(&c.r);
}

/* file:// has no socket: only curl's timer can drive it. */
TEST(t_file)
{
	struct fetch_limits lim = { 0 };
	struct tctx t;
	struct call c[3], missing = { 0 };
	char path[128], u[160], nou[160];
	const char *text = "<rss version=\"2.0\"><channel/></rss>\n";
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "%s/feed.xml", tmpdir);
	fp = fopen(path, "w");
	ASSERT(fp != NULL);
	if (fp == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
	snprintf(u, sizeof(u), "file://%s", path);
	snprintf(nou, sizeof(nou), "file://%s/missing.xml", tmpdir);

	lim.max_per_host = 1;
	tctx_init(&t, &lim);
	memset(c, 0, sizeof(c));
	for (i = 0; i < 3; i++)
		ASSERT_INT(start(&t, &c[i], u, NULL, NULL), 0);
	start(&t, &missing, nou, NULL, NULL);
	ASSERT_INT(c[0].r.called, 0);
	ASSERT_INT(tctx_run(&t), 0);
	for (i = 0; i < 3; i++) {
		ASSERT_INT(c[i].r.called, 1);
		ASSERT_INT(c[i].r.ok, 1);
		ASSERT_INT(c[i].r.status, 0);
		ASSERT_STR(c[i].r.body, text);
		ASSERT_STR(c[i].r.eff, u);
		ASSERT_STR(c[i].r.error, NULL);
		rec_free(&c[i].r);
	}
	ASSERT_INT(missing.r.called, 1);
	ASSERT_INT(missing.r.ok, 0);
	ASSERT(missing.r.error != NULL && missing.r.error[0] != '\0');
	rec_free(&missing.r);
	unlink(path);
}

/*
 * Runs the fetches of urls (not url()'s buffers: it reuses them) and
 * reports the server's peak of requests in flight and their total.
 */
static void
concurrency(const struct fetch_limits *lim, const char *const *urls, int n,
    int *max, int *total, int *nok)
{
	struct tctx t;
	struct call reset = { 0 }, count = { 0 }, *c;
	int i;

	*max = *total = -1;
	*nok = 0;
	tctx_init(&t, lim);
	start(&t, &reset, url("/count?reset=1"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	rec_free(&reset.r);

	c = calloc(n, sizeof(*c));
	tctx_init(&t, lim);
	for (i = 0; i < n; i++)
		ASSERT_INT(start(&t, &c[i], urls[i], NULL, NULL), 0);
	ASSERT_INT(tctx_run(&t), 0);
	for (i = 0; i < n; i++) {
		*nok += c[i].r.ok;
		rec_free(&c[i].r);
	}
	free(c);

	tctx_init(&t, lim);
	start(&t, &count, url("/count"), NULL, NULL);
	ASSERT_INT(tctx_run(&t), 0);
	if (count.r.body == NULL ||
	    sscanf(count.r.body, "max=%d total=%d", max, total) != 2)
		TEST_FAIL("bad /count answer");
	rec_free(&count.r);
}

TEST(t_per_host_limit)
{
	struct fetch_limits lim = { 0 };
	const char *urls[10];
	char a[128];
	int i, max, total, nok;

	lim.max_total = 4;
	lim.max_per_host = 2;
	snprintf(a, sizeof(a), "%s/sleep?ms=300", srv_base);
	for (i = 0; i < 10; i++)
		urls[i] = a;
	concurrency(&lim, urls, 10, &max, &total, &nok);
	ASSERT_INT(nok, 10);
	ASSERT_INT(total, 10);
	ASSERT(max <= 2);
	ASSERT_INT(max, 2);	/* and the two slots were really used */
}

/*
 * Time spent waiting for a slot must not count against the timeout, and
 * hosts that differ only in case are one host.  Three 600 ms requests with
 * a 1 s timeout all succeed only if our queue, not curl's, serialises them.
 */
TEST(t_queue_time)
{
	struct fetch_limits lim = { 0 };
	char *port = strrchr(srv_base, ':');
	char a[128], b[128], c[128];
	const char *urls[3] = { a, b, c };
	int max, total, nok;

	lim.max_total = 10;
	lim.max_per_host = 1;
	lim.timeout = 1;
	snprintf(a, sizeof(a), "http://localhost%s/sleep?ms=600", port);
	snprintf(b, sizeof(b), "http://LocalHost%s/sleep?ms=600", port);
	snprintf(c, sizeof(c), "http://LOCALHOST%s/sleep?ms=600", port);
	concurrency(&lim, urls, 3, &max, &total, &nok);
	ASSERT_INT(nok, 3);
	ASSERT_INT(total, 3);
	ASSERT_INT(max, 1);
}

TEST(t_total_limit)
{
	struct fetch_limits lim = { 0 };
	char *port = strrchr(srv_base, ':');
	char a[128], b[128];
	const char *urls[8];
	int i, max, total, nok;

	lim.max_total = 3;
	lim.max_per_host = 4;
	snprintf(a, sizeof(a), "http://localhost%s/sleep?ms=300", port);
	snprintf(b, sizeof(b), "%s/sleep?ms=300", srv_base);
	for (i = 0; i < 8; i++)
		urls[i] = i % 2 ? a : b;
	concurrency(&lim, urls, 8, &max, &total, &nok);
	ASSERT_INT(nok, 8);
	ASSERT_INT(total, 8);
	ASSERT(max <= 3);
	ASSERT_INT(max, 3);
}

/* A move hands everything over and empties the source; clear frees. */
TEST(t_result_move)
{
	struct fetch_result src = { 0 }, dst = { 0 };

	buf_addstr(&src.body, "body");
	src.ok = 1;
	src.hdr[FETCH_HDR_ETAG] = xstrdup("\"v1\"");
	src.error = xstrdup("e");
	dst.effective_url = xstrdup("http://old.example/");
	fetch_result_move(&dst, &src);
	ASSERT_INT(dst.ok, 1);
	ASSERT_STR(dst.body.data, "body");
	ASSERT_STR(dst.hdr[FETCH_HDR_ETAG], "\"v1\"");
	ASSERT_STR(dst.error, "e");
	ASSERT_STR(dst.effective_url, NULL);
	ASSERT(src.body.data == NULL && src.hdr[FETCH_HDR_ETAG] == NULL &&
	    src.error == NULL && src.ok == 0);
	fetch_result_clear(&dst);
	ASSERT(dst.body.data == NULL && dst.error == NULL);
	fetch_result_clear(NULL);
}

/* fetch_free with transfers running and queued: no callback runs. */
static void
on_free_timer(uv_timer_t *timer)
{
	struct tctx *t = timer->data;

	tctx_stop(t);
	uv_close((uv_handle_t *)timer, NULL);
}

TEST(t_free_cancels)
{
	struct fetch_limits lim = { 0 };
	struct tctx t;
	struct call c[3];
	uv_timer_t timer;
	int i;

	memset(c, 0, sizeof(c));
	lim.max_total = 1;
	tctx_init(&t, &lim);
	t.free_at_zero = 0;
	for (i = 0; i < 3; i++)
		start(&t, &c[i], url("/slow?s=3"), NULL, NULL);
	uv_timer_init(&t.loop, &timer);
	timer.data = &t;
	uv_timer_start(&timer, on_free_timer, 300, 0);
	uv_run(&t.loop, UV_RUN_DEFAULT);
	ASSERT_INT(t.timedout, 0);
	ASSERT_INT(t.ncalls, 0);
	ASSERT_INT(uv_loop_close(&t.loop), 0);
}

/* fetch_free from inside a callback stops the others' callbacks. */
static void
then_free(struct call *c)
{
	tctx_stop(c->t);
}

TEST(t_free_in_callback)
{
	struct tctx t;
	struct call first = { 0 }, slow[2];
	char path[128], u[160];
	FILE *fp;

	memset(slow, 0, sizeof(slow));
	snprintf(path, sizeof(path), "%s/one.xml", tmpdir);
	if ((fp = fopen(path, "w")) == NULL) {
		TEST_FAIL("cannot write %s", path);
		return;
	}
	fputs("x", fp);
	fclose(fp);
	snprintf(u, sizeof(u), "file://%s", path);

	tctx_init(&t, NULL);
	t.free_at_zero = 0;
	start(&t, &slow[0], url("/slow?s=3"), NULL, NULL);
	start(&t, &slow[1], url("/slow?s=3"), NULL, NULL);
	first.then = then_free;
	start(&t, &first, u, NULL, NULL);
	uv_run(&t.loop, UV_RUN_DEFAULT);
	ASSERT_INT(t.timedout, 0);
	ASSERT_INT(t.ncalls, 1);
	ASSERT_INT(first.r.ok, 1);
	ASSERT_INT(slow[0].r.called + slow[1].r.called, 0);
	ASSERT_INT(uv_loop_close(&t.loop), 0);
	rec_free(&first.r);
	unlink(path);
}

static int
server_start(void)
{
	const char *script = getenv("T_FETCH_HTTPD");
	char portfile[128];
	FILE *fp;
	int i, port = 0;

	if (script == NULL)
		script = "tests/unit/httpd.py";
	snprintf(portfile, sizeof(portfile), "%s/port", tmpdir);
	if ((srv_pid = fork()) == -1)
		return -1;
	if (srv_pid == 0) {
		execl("/usr/bin/python3", "python3", script, portfile,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && port == 0; i++) {
		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = 0;
			fclose(fp);
		}
		if (port == 0)
			usleep(50000);
	}
	unlink(portfile);
	if (port == 0)
		return -1;
	snprintf(srv_base, sizeof(srv_base), "http://127.0.0.1:%d", port);
	return 0;
}

static void
server_stop(void)
{
	if (srv_pid > 0) {
		kill(srv_pid, SIGTERM);
		waitpid(srv_pid, NULL, 0);
		srv_pid = -1;
	}
}

int
main(void)
{
	tmpdir = test_dir("t_fetch");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "curl_global_init failed\n");
		return 1;
	}
	if (server_start() == -1) {
		fprintf(stderr, "cannot start tests/unit/httpd.py\n");
		server_stop();
		printf("0 passed, 1 failed\n");
		return 1;
	}

	RUN(t_feed_conditional);
	RUN(t_unsafe_validators);
	RUN(t_gzip);
	RUN(t_http_errors);
	RUN(t_redirects);
	RUN(t_body_limit_default);
	RUN(t_body_limit_edge);
	RUN(t_timeout);
	RUN(t_refused);
	RUN(t_bad_scheme);
	RUN(t_setup_error);
	RUN(t_file);
	RUN(t_per_host_limit);
	RUN(t_queue_time);
	RUN(t_total_limit);
	RUN(t_result_move);
	RUN(t_free_cancels);
	RUN(t_free_in_callback);

	server_stop();
	curl_global_cleanup();
	return TEST_DONE();
}
