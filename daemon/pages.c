/*
 * The loop's side of full text: the pages of a job's new entries fetched
 * with the feeds' fetcher, so under the same limits (transfers at once,
 * per host, timeouts, body size, redirects to http(s) only, no cookies
 * kept), each answer kept on its page; the last answer hands the job to
 * a worker again (poll_pages_work), which extracts and delivers.  A page
 * another job is fetching already is not fetched twice: that job
 * delivers the entry.
 */
#include <stdlib.h>

#include "entry.h"
#include "fulltext.h"
#include "log.h"
#include "poller.h"
#include "strmap.h"
#include "xmalloc.h"

static void
pages_done(struct job *j)
{
	j->state = JOB_WORKING;
	j->work.data = j;
	if (uv_queue_work(&j->p->loop, &j->work, poll_pages_work,
	    j->pages_after) != 0)
		fatalx("uv_queue_work failed");
}

/* A key's page is no longer under way. */
static void
page_key_done(struct poller *p, const char *key)
{
	strmap_set(p->page_keys, key, 0);
	if (--p->pages_running == 0) {
		strmap_free(p->page_keys);
		p->page_keys = NULL;
	}
}

static void
page_fetched(struct fetch_result *res, void *arg)
{
	struct job_page *pg = arg;
	struct job *j = pg->j;

	page_key_done(j->p, j->fresh[pg->entry].key);
	fetch_result_move(&pg->res, res);
	if (pg->res.cancelled && pg->res.error == NULL)
		pg->res.error = xstrdup("cancelled: the daemon is stopping");
	if (--j->pages_left == 0)
		pages_done(j);
}

/* Pages not answered yet are failed, then the worker runs. */
static void
pages_fail(struct job *j, const char *why)
{
	for (size_t i = 0; i < j->npages; i++) {
		struct fetch_result *r = &j->pages[i].res;

		if (r->ok || r->error != NULL || j->pages[i].elsewhere)
			continue;
		r->error = xstrdup(why);
	}
	j->pages_left = 0;
	pages_done(j);
}

void
pages_fetch(struct job *j, uv_after_work_cb done)
{
	struct poller *p = j->p;
	struct fetch_request req = { 0 };
	size_t i;

	j->pages_after = done;
	j->state = JOB_PAGES;
	j->sites = fulltext_sites_ref(p->sites);
	if (p->stopping || p->fetcher == NULL) {
		pages_fail(j, "not fetched: the daemon is stopping");
		return;
	}
	if (p->page_keys == NULL)
		p->page_keys = strmap_new();
	j->pages_left = 1;	/* until every fetch is started */
	for (i = 0; i < j->npages; i++) {
		struct entry *e = &j->fresh[j->pages[i].entry];
		size_t running;

		if (strmap_get(p->page_keys, e->key, &running) && running) {
			j->pages[i].elsewhere = 1;
			continue;
		}
		strmap_set(p->page_keys, e->key, 1);
		p->pages_running++;
		j->pages_left++;
		req.url = e->link;
		if (fetch_start(p->fetcher, &req, page_fetched,
		    &j->pages[i]) == -1)
			fatalx("feed %s: cannot start a page's fetch",
			    j->conf.name);
	}
	if (--j->pages_left == 0)
		pages_done(j);
}

void
pages_abandon(struct job *j, uv_after_work_cb done)
{
	j->pages_after = done;
	pages_fail(j, "cancelled: the daemon is stopping");
}
