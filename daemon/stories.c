/*
 * The stories listing.  The state walks the entries of the stories asked
 * for in the order they were recorded; they are gathered per story here,
 * and a story's root (the entry whose key is its id) gives its headline.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "entry.h"
#include "log.h"
#include "stories.h"
#include "store.h"
#include "strmap.h"
#include "xmalloc.h"

struct story {
	char		 id[KEY_HEX_SIZE];
	time_t		 first_seen;
	struct entry	*entries;	/* in delivery order */
	size_t		 n;
	size_t		 cap;
};

struct gather {
	struct strmap	*index;		/* story id -> index in v */
	struct story	*v;
	size_t		 n;
	size_t		 cap;
};

static int
gather_entry(const struct entry *e, void *arg)
{
	struct gather *g = arg;
	struct story *s;
	struct entry *c;
	size_t i;

	if (!strmap_get(g->index, e->story, &i)) {
		if (g->n == g->cap) {
			g->cap = g->cap == 0 ? 64 : g->cap * 2;
			g->v = xreallocarray(g->v, g->cap, sizeof(*g->v));
		}
		i = g->n++;
		memset(&g->v[i], 0, sizeof(g->v[i]));
		memcpy(g->v[i].id, e->story, KEY_HEX_SIZE);
		g->v[i].first_seen = e->seen;
		strmap_set(g->index, e->story, i);
	}
	s = &g->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 4 : s->cap * 2;
		s->entries = xreallocarray(s->entries, s->cap,
		    sizeof(*s->entries));
	}
	c = &s->entries[s->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->key, e->key, KEY_HEX_SIZE);
	c->feed_name = xstrdup_or_null(e->feed_name);
	c->title = xstrdup_or_null(e->title);
	c->link = xstrdup_or_null(e->link);
	c->published = e->published;
	c->seen = e->seen;
	if (e->seen < s->first_seen)
		s->first_seen = e->seen;
	return 0;
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

/* The root's title, else the first entry's. */
static const char *
headline(const struct story *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->entries[i].key, s->id) == 0)
			return s->entries[i].title;
	return s->n > 0 ? s->entries[0].title : NULL;
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
	struct gather g = { strmap_new(), NULL, 0, 0 };
	int rc;

	rc = store_stories(store, since, from, gather_entry, &g);
	if (rc == 0) {
		qsort(g.v, g.n, sizeof(*g.v), story_cmp);
		if (json)
			rc = print_json(&g, out);
		else
			print_text(&g, out);
	}
	for (size_t i = 0; i < g.n; i++) {
		for (size_t k = 0; k < g.v[i].n; k++)
			entry_clear(&g.v[i].entries[k]);
		free(g.v[i].entries);
	}
	free(g.v);
	strmap_free(g.index);
	return rc;
}
