/*
 * /status.json: what `aggregator status` shows, from the daemon's memory
 * rather than the state file.  A feed whose worker is running is shown
 * by name and state only: its record is the worker's until it is done.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg.h"
#include "date.h"
#include "metrics.h"
#include "poller.h"
#include "url.h"
#include "xmalloc.h"

static const char *const state_names[] = {
	[JOB_IDLE] = "idle",
	[JOB_WAITING] = "waiting",
	[JOB_FETCHING] = "fetching",
	[JOB_WORKING] = "working",
	[JOB_PAGES] = "pages",
};

static void
set_time(json_t *o, const char *key, time_t t)
{
	char when[32];

	if (t <= 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	date_format_iso(t, when, sizeof(when));
	json_object_set_new(o, key, json_string(when));
}

/* A string of the state, password hidden in URLs; null when NULL. */
static json_t *
shown(const char *s, int is_url)
{
	char *v;
	json_t *j;

	if (s == NULL)
		return json_null();
	v = is_url ? url_hide_password(s) : xstrdup(s);
	/* Invalid UTF-8 from a server is not refused: it is replaced. */
	if ((j = json_string(v)) == NULL)
		j = json_string("(not UTF-8)");
	free(v);
	return j;
}

static json_t *
feed_json(const struct job *j)
{
	const struct feed_state *st = &j->st;
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(j->conf.name));
	json_object_set_new(o, "url", shown(j->conf.url, 1));
	json_object_set_new(o, "enabled", json_boolean(j->conf.enabled));
	json_object_set_new(o, "state", json_string(state_names[j->state]));
	if (j->state == JOB_WORKING || j->state == JOB_PAGES)
		return o;
	set_time(o, "last_poll", st->last_poll);
	json_object_set_new(o, "last_status", json_integer(st->last_status));
	json_object_set_new(o, "last_error", shown(st->last_error, 0));
	set_time(o, "next_due", st->next_due);
	json_object_set_new(o, "delivered", json_integer(st->delivered));
	json_object_set_new(o, "failures", json_integer(st->failures));
	json_object_set_new(o, "moved_to", shown(st->moved_to, 1));
	json_object_set_new(o, "gone", json_boolean(st->gone != 0));
	return o;
}

void
status_render(struct buf *b, void *arg)
{
	struct poller *p = arg;
	json_t *root = json_object(), *feeds = json_array();
	char *text;

	json_object_set_new(root, "version", json_string(AGG_VERSION));
	for (size_t i = 0; i < p->njobs; i++)
		if (!p->jobs[i]->removed)
			json_array_append_new(feeds, feed_json(p->jobs[i]));
	json_object_set_new(root, "feeds", feeds);
	text = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	buf_addstr(b, text != NULL ? text : "{}");
	buf_addc(b, '\n');
	free(text);
	json_decref(root);
}
