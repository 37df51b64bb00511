/*
 * The merged feed's rebuild, on the thread pool (run.c queues it; requests
 * that come while it runs make it run once more afterwards): the newest
 * entries from the state, or with group = yes the stories they belong to,
 * each once, at the place of its newest entry, with all its entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atom.h"
#include "front_page.h"
#include "poller.h"
#include "serve.h"
#include "store.h"
#include "strmap.h"
#include "xmalloc.h"

/* The stories of the merged feed being made, with what they hold. */
struct gather {
	struct atom_story	*v;
	size_t			 n;
	struct entry		*members;	/* from the state, story by story */
	size_t			 nmembers;
};

/*
 * The stories of the n entries (newest first) into g->v, in that order,
 * with their entries read from the state at once; an entry without a
 * story (delivered before stories were kept) stands alone.  Called with
 * the store held.  0, or -1 with the store's error.
 */
static int
merge_stories(struct store *store, const struct entry *entries, size_t n,
    long window, struct gather *g)
{
	struct strmap *index = strmap_new();
	time_t since = 0;
	size_t i, k, run;

	g->v = xcalloc(n + 1, sizeof(*g->v));
	for (i = 0; i < n; i++) {
		const struct entry *e = &entries[i];

		if (e->story[0] != '\0') {
			if (strmap_get(index, e->story, &k))
				continue;
			strmap_set(index, e->story, g->n);
			if (since == 0 || e->seen < since)
				since = e->seen;
		}
		g->v[g->n++].newest = e;
	}
	if (since != 0 && store_stories(store, since, since - window,
	    &g->members, &g->nmembers) == -1) {
		strmap_free(index);
		return -1;
	}
	/* Each run of one story's entries is the members of that story. */
	for (i = 0; i < g->nmembers; i = run) {
		for (run = i + 1; run < g->nmembers &&
		    strcmp(g->members[run].story, g->members[i].story) == 0;
		    run++)
			;
		if (strmap_get(index, g->members[i].story, &k)) {
			g->v[k].members = &g->members[i];
			g->v[k].n = run - i;
		}
	}
	strmap_free(index);
	return 0;
}

static void
merge_stories_free(struct gather *g)
{
	store_entries_free(g->members, g->nmembers);
	free(g->v);
}

/*
 * What the server shows of a merge besides the merged feed, made here
 * off the loop: the page at / and, when the merged feed is one entry per
 * entry, /stories.atom (never written to a file; its id is the merged
 * feed's with "#stories", its self link the merged feed's beside it).
 * g holds the stories when the merge grouped them, else it is filled.
 */
static void
merge_served(struct poller *p, const struct entry *entries, size_t n,
    struct gather *g)
{
	struct atom_head head;
	struct buf doc;
	char *id, *self = NULL, *html;
	const char *slash;
	size_t len;
	int rc = 0;

	if (!p->merge_group) {
		uv_mutex_lock(&p->store_lock);
		rc = merge_stories(p->store, entries, n, p->story_window, g);
		uv_mutex_unlock(&p->store_lock);
	}
	if (rc == -1)
		return;
	html = front_page_render(p->merge_title, g->v, g->n, time(NULL), &len);
	p->merge_page = serve_doc_new(html, len, SERVE_HTML_TYPE, time(NULL));
	if (p->merge_group)
		return;
	id = xasprintf("%s#stories", p->feed_id != NULL ? p->feed_id : "");
	if (p->merge_url != NULL && (slash = strrchr(p->merge_url, '/')) !=
	    NULL && strcmp(slash, "/feed.atom") == 0)
		self = xasprintf("%.*s/stories.atom",
		    (int)(slash - p->merge_url), p->merge_url);
	buf_init(&doc);
	head.title = p->merge_title;
	head.id = id;
	head.self = self;
	head.doc = &doc;
	if (atom_write_stories(NULL, &head, g->v, g->n, NULL, 0) == 0 &&
	    doc.len > 0)
		p->merge_stories = serve_doc_new(doc.data, doc.len,
		    SERVE_ATOM_TYPE, time(NULL));
	else
		buf_free(&doc);
	free(id);
	free(self);
}

void
merge_work(uv_work_t *req)
{
	struct poller *p = req->data;
	struct atom_head head;
	struct gather g = { NULL, 0, NULL, 0 };
	struct entry *entries = NULL;
	struct buf doc;
	size_t n = 0;
	int rc;

	buf_init(&doc);
	p->merge_err[0] = '\0';
	uv_mutex_lock(&p->store_lock);
	rc = store_recent(p->store, (size_t)p->merge_max, &entries, &n);
	if (rc == 0)
		rc = store_prune(p->store, (size_t)p->merge_max);
	if (rc == 0 && p->merge_group)
		rc = merge_stories(p->store, entries, n, p->story_window, &g);
	if (rc == -1)
		snprintf(p->merge_err, sizeof(p->merge_err), "state: %s",
		    store_errmsg(p->store));
	uv_mutex_unlock(&p->store_lock);
	head.title = p->merge_title;
	head.id = p->feed_id;
	head.self = p->merge_url;
	head.doc = p->server != NULL ? &doc : NULL;
	if (rc == 0 && p->merge_group)
		atom_write_stories(p->output, &head, g.v, g.n, p->merge_err,
		    sizeof(p->merge_err));
	else if (rc == 0)
		atom_write(p->output, &head, entries, n, p->merge_err,
		    sizeof(p->merge_err));
	/* Its ETag and gzip form are made here, off the loop. */
	if (doc.len > 0)
		p->merge_doc = serve_doc_new(doc.data, doc.len, SERVE_ATOM_TYPE,
		    time(NULL));
	else
		buf_free(&doc);
	if (p->server != NULL && rc == 0)
		merge_served(p, entries, n, &g);
	merge_stories_free(&g);
	store_entries_free(entries, n);
}
