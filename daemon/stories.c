/*
 * The stories listing.  The state gives the entries of the stories asked
 * for story by story; each run is a story here, and its root (the entry
 * whose key is its id) gives its headline.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "entry.h"
#include "log.h"
#include "stories.h"
#include "store.h"
#include "xmalloc.h"

/* A story: a run of the entries the state gave, all of one story. */
struct story {
	const char		*id;
	time_t			 first_seen;
	const struct entry	*entries;	/* in the order recorded */
	size_t			 n;
};

struct gather {
	struct story	*v;
	size_t		 n;
};

/* The runs of one story in the n entries v, story by story. */
static void
gather(struct gather *g, const struct entry *v, size_t n)
{
	struct story *s;

	g->v = xcalloc(n + 1, sizeof(*g->v));
	g->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (g->n == 0 || strcmp(v[i].story, g->v[g->n - 1].id) != 0) {
			s = &g->v[g->n++];
			s->id = v[i].story;
			s->first_seen = v[i].seen;
			s->entries = &v[i];
		}
		s = &g->v[g->n - 1];
		s->n++;
		if (v[i].seen < s->first_seen)
			s->first_seen = v[i].seen;
	}
}

/* Newest first; the id settles a tie, so the order is always the same. */
static int
story_cmp(const void *a, const void *b)
{
	const struct story *x = a, *y = b;

	if (x->first_seen != y->first_seen)
		return x->first_seen > y->first_seen ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The root's title. */
static const char *
headline(const struct story *s)
{
	return s->n > 0 ? entry_story_root(s->entries, s->n)->title : NULL;
}

static const char *
when(const struct entry *e, char *buf, size_t size)
{
	date_format_iso(e->published != 0 ? e->published : e->seen, buf,
	    size);
	return buf;
}

static int
print_json(const struct gather *g, FILE *out)
{
	json_t *root = json_object(), *list = json_array();
	char date[32];
	int rc;

	for (size_t i = 0; i < g->n; i++) {
		const struct story *s = &g->v[i];
		json_t *js = json_object(), *entries = json_array();

		date_format_iso(s->first_seen, date, sizeof(date));
		json_object_set_new(js, "id", json_string(s->id));
		json_object_set_new(js, "title", json_string(headline(s)));
		json_object_set_new(js, "first_seen", json_string(date));
		for (size_t k = 0; k < s->n; k++) {
			const struct entry *e = &s->entries[k];
			json_t *je = json_object();

			json_object_set_new(je, "feed",
			    json_string(e->feed_name));
			json_object_set_new(je, "title", json_string(e->title));
			json_object_set_new(je, "link", json_string(e->link));
			json_object_set_new(je, "published",
			    json_string(when(e, date, sizeof(date))));
			json_array_append_new(entries, je);
		}
		json_object_set_new(js, "entries", entries);
		json_array_append_new(list, js);
	}
	json_object_set_new(root, "stories", list);
	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(root);
	return rc;
}

/* Text from a feed, shown without what could drive a terminal. */
static void
put_shown(FILE *out, const char *s)
{
	size_t size = strlen(s != NULL ? s : "") * 4 + 1;
	char *d = xmalloc(size);

	log_vis(d, size, s != NULL ? s : "");
	fputs(d, out);
	free(d);
}

static void
print_text(const struct gather *g, FILE *out)
{
	char date[32];

	for (size_t i = 0; i < g->n; i++) {
		const struct story *s = &g->v[i];

		date_format_iso(s->first_seen, date, sizeof(date));
		fprintf(out, "%s  %.12s  %zu entr%s  ", date, s->id, s->n,
		    s->n == 1 ? "y" : "ies");
		put_shown(out, headline(s));
		fputc('\n', out);
		for (size_t k = 0; k < s->n; k++) {
			const struct entry *e = &s->entries[k];

			fprintf(out, "    %-20s  ", when(e, date, sizeof(date)));
			put_shown(out, e->feed_name);
			fputs(": ", out);
			put_shown(out, e->title);
			fputs("\n      ", out);
			put_shown(out, e->link != NULL ? e->link : "-");
			fputc('\n', out);
		}
	}
}

int
stories_print(struct store *store, time_t since, time_t from, int json,
    FILE *out)
{
	struct gather g = { NULL, 0 };
	struct entry *v;
	size_t n;
	int rc;

	if (store_stories(store, since, from, &v, &n) == -1)
		return -1;
	gather(&g, v, n);
	qsort(g.v, g.n, sizeof(*g.v), story_cmp);
	rc = 0;
	if (json)
		rc = print_json(&g, out);
	else
		print_text(&g, out);
	free(g.v);
	store_entries_free(v, n);
	return rc;
}
