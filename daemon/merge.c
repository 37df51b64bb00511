/*
 * The merged feed's rebuild, on the thread pool (run.c queues it; requests
 * that come while it runs make it run once more afterwards): the newest
 * entries from the state, or with group = yes the stories they belong to,
 * each once, at the place of its newest entry, with all its entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "poller.h"
#include "store.h"
#include "strmap.h"
#include "xmalloc.h"

/* The stories of the merged feed being made, by their ids. */
struct gather {
	struct strmap		*index;		/* story id -> index in v */
	struct atom_story	*v;
	size_t			 n;
};

/* Adds an entry read from the state to its story, when it is one of v. */
static int
gather_member(const struct entry *e, void *arg)
{
	struct gather *g = arg;
	struct atom_story *s;
	size_t i;

	if (!strmap_get(g->index, e->story, &i))
		return 0;
	s = &g->v[i];
	s->members = xreallocarray(s->members, s->n + 1, sizeof(*s->members));
	memset(&s->members[s->n], 0, sizeof(s->members[0]));
	memcpy(s->members[s->n].key, e->key, KEY_HEX_SIZE);
	memcpy(s->members[s->n].story, e->story, KEY_HEX_SIZE);
	s->members[s->n].feed_name = xstrdup_or_null(e->feed_name);
	s->members[s->n].feed_title = xstrdup_or_null(e->feed_title);
	s->members[s->n].title = xstrdup_or_null(e->title);
	s->members[s->n].link = xstrdup_or_null(e->link);
	s->members[s->n].published = e->published;
	s->members[s->n].date = s->members[s->n].seen = e->seen;
	s->n++;
	return 0;
}

/*
 * The stories of the n entries (newest first) into g->v, in that order,
 * with their entries read from the state in one walk; an entry without a
 * story (delivered before stories were kept) stands alone.  Called with
 * the store held.  0, or -1 with the store's error.
 */
static int
merge_stories(struct store *store, const struct entry *entries, size_t n,
    long window, struct gather *g)
{
	time_t since = 0;
	size_t k;

	g->index = strmap_new();
	g->v = xcalloc(n + 1, sizeof(*g->v));
	g->n = 0;
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &entries[i];

		if (e->story[0] != '\0') {
			if (strmap_get(g->index, e->story, &k))
				continue;
			strmap_set(g->index, e->story, g->n);
			if (since == 0 || e->seen < since)
				since = e->seen;
		}
		g->v[g->n++].newest = e;
	}
	if (since == 0)
		return 0;
	return store_stories(store, since, since - window, gather_member, g);
}

static void
merge_stories_free(struct gather *g)
{
	for (size_t i = 0; i < g->n; i++)
		store_entries_free(g->v[i].members, g->v[i].n);
	free(g->v);
	strmap_free(g->index);
}

void
merge_work(uv_work_t *req)
{
	struct poller *p = req->data;
	struct atom_head head;
	struct gather g = { NULL, NULL, 0 };
	struct entry *entries = NULL;
	size_t n = 0;
	int rc;

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
	if (rc == 0 && p->merge_group)
		atom_write_stories(p->output, &head, g.v, g.n, p->merge_err,
		    sizeof(p->merge_err));
	else if (rc == 0)
		atom_write(p->output, &head, entries, n, p->merge_err,
		    sizeof(p->merge_err));
	if (g.index != NULL)
		merge_stories_free(&g);
	store_entries_free(entries, n);
}
