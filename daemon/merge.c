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

/*
 * The stories of the n entries (newest first) into v, in that order; an
 * entry without a story (delivered before stories were kept) stands alone.
 * Called with the store held.  0, or -1 with the store's error.
 */
static int
merge_stories(struct store *store, const struct entry *entries, size_t n,
    struct atom_story *v, size_t *nv)
{
	struct strmap *seen = strmap_new();
	struct entry *members;
	size_t k, len;
	int rc = 0;

	*nv = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct entry *e = &entries[i];

		members = NULL;
		len = 0;
		if (e->story[0] != '\0') {
			if (strmap_get(seen, e->story, &k))
				continue;
			strmap_set(seen, e->story, i);
			rc = store_story_members(store, e->story, &members,
			    &len);
		}
		v[*nv].newest = e;
		v[*nv].members = members;
		v[(*nv)++].n = len;
	}
	strmap_free(seen);
	return rc;
}

static void
merge_stories_free(struct atom_story *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_entries_free(v[i].members,
		    v[i].n);
	free(v);
}

void
merge_work(uv_work_t *req)
{
	struct poller *p = req->data;
	struct atom_head head;
	struct atom_story *stories = NULL;
	struct entry *entries = NULL;
	size_t n = 0, nstories = 0;
	int rc;

	p->merge_err[0] = '\0';
	uv_mutex_lock(&p->store_lock);
	rc = store_recent(p->store, (size_t)p->merge_max, &entries, &n);
	if (rc == 0)
		rc = store_prune(p->store, (size_t)p->merge_max);
	if (rc == 0 && p->merge_group) {
		stories = xcalloc(n + 1, sizeof(*stories));
		rc = merge_stories(p->store, entries, n, stories, &nstories);
	}
	if (rc == -1)
		snprintf(p->merge_err, sizeof(p->merge_err), "state: %s",
		    store_errmsg(p->store));
	uv_mutex_unlock(&p->store_lock);
	head.title = p->merge_title;
	head.id = p->feed_id;
	head.self = p->merge_url;
	if (rc == 0 && p->merge_group)
		atom_write_stories(p->output, &head, stories, nstories,
		    p->merge_err, sizeof(p->merge_err));
	else if (rc == 0)
		atom_write(p->output, &head, entries, n, p->merge_err,
		    sizeof(p->merge_err));
	merge_stories_free(stories, nstories);
	store_entries_free(entries, n);
}
