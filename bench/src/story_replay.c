/*
 * story_replay SET.json [time | feed | shuffle SEED]: the story index fed
 * the entries of a labelled set (../shared/stories format) in one order,
 * as the daemon would be fed them, without feeds or a network: the
 * grouping alone, in the scorer's input format on stdout.  time: by
 * published date (file order settling ties); feed: file order, feed by
 * feed; shuffle: file order shuffled with a seeded generator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "entry.h"
#include "story.h"
#include "strmap.h"
#include "url.h"
#include "xmalloc.h"

struct item {
	json_t		*e;
	time_t		 t;
	size_t		 pos;
};

static int
by_time(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *
field(json_t *e, const char *name)
{
	const char *s = json_string_value(json_object_get(e, name));

	return s != NULL ? s : "";
}

int
main(int argc, char **argv)
{
	json_error_t err;
	json_t *set, *feed, *entries, *e, *out, *groups;
	struct item *v = NULL;
	size_t n = 0, i, k, fi;
	struct story_index *x;
	struct strmap *index;
	unsigned long long seed;

	if (argc < 3 || (set = json_load_file(argv[1], 0, &err)) == NULL) {
		fprintf(stderr, "usage: story_replay SET.json time|feed|"
		    "shuffle SEED\n");
		return 2;
	}
	json_array_foreach(set, fi, feed) {
		entries = json_object_get(feed, "entries");
		json_array_foreach(entries, k, e) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n].e = e;
			v[n].pos = n;
			if (date_parse(field(e, "published"), &v[n].t) == -1)
				v[n].t = 0;
			json_object_set_new(e, "_feed", json_string(
			    field(feed, "feed")));
			n++;
		}
	}
	if (strcmp(argv[2], "time") == 0)
		qsort(v, n, sizeof(*v), by_time);
	else if (strcmp(argv[2], "shuffle") == 0 && argc > 3) {
		seed = strtoull(argv[3], NULL, 10) * 2654435761ULL + 1;
		for (i = n; i > 1; i--) {
			struct item t;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			k = (size_t)(seed % i);
			t = v[i - 1];
			v[i - 1] = v[k];
			v[k] = t;
		}
	}
	x = story_index_new(STORY_WINDOW_DEFAULT);
	index = strmap_new();
	groups = json_array();
	for (i = 0; i < n; i++) {
		struct entry en;
		size_t g;
		char *canon;

		memset(&en, 0, sizeof(en));
		en.title = xstrdup(field(v[i].e, "title"));
		en.link = xstrdup(field(v[i].e, "link"));
		en.content = xstrdup(field(v[i].e, "summary"));
		en.feed_name = xstrdup(field(v[i].e, "_feed"));
		/* Keyed as the daemon keys it: by the canonical link. */
		canon = url_canonical(en.link);
		entry_key_hash(canon, strlen(canon), en.key);
		free(canon);
		en.published = v[i].t;
		/* Delivered now, one after the other: all in the window. */
		en.seen = en.date = 1700000000 + (time_t)i;
		story_assign(x, &en, en.seen);
		if (!strmap_get(index, en.story, &g)) {
			g = json_array_size(groups);
			json_array_append_new(groups, json_array());
			strmap_set(index, en.story, g);
		}
		json_array_append_new(json_array_get(groups, g),
		    json_string(en.link));
		entry_clear(&en);
	}
	out = json_object();
	json_object_set_new(out, "stories", groups);
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	json_decref(set);
	strmap_free(index);
	story_index_free(x);
	free(v);
	return 0;
}
