/*
 * exec hooks: the entry as JSON on the command's stdin, its main fields
 * in the environment, its output (stdout and stderr) into the log.  A
 * failed run is tried again once; it never reaches back into delivery.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "command.h"
#include "date.h"
#include "entry.h"
#include "hook.h"
#include "log.h"
#include "xmalloc.h"

/* What a hook may print into the log. */
#define HOOK_MAX_OUT	(16 * 1024)

static void
put(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v != NULL ? json_string(v) : json_null());
}

static void
put_date(json_t *o, const char *key, time_t t)
{
	char iso[32];

	if (t == 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	date_format_iso(t, iso, sizeof(iso));
	json_object_set_new(o, key, json_string(iso));
}

static char *
entry_json(const struct entry *e, const char *path)
{
	json_t *o = json_object();
	char *s;

	put(o, "feed", e->feed_name);
	put(o, "feed_title", e->feed_title);
	put(o, "title", e->title);
	put(o, "link", e->link);
	put(o, "id", e->id);
	put(o, "author", e->author);
	put_date(o, "published", e->published);
	put_date(o, "updated", e->updated);
	put_date(o, "date", e->date);
	put(o, "story", e->story[0] != '\0' ? e->story : NULL);
	put(o, "message", path);
	put(o, "content", e->content);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Each line of out into the log, as the feed's. */
static void
log_lines(const struct entry *e, const char *out)
{
	char shown[1024], *line;
	size_t n;

	for (; *out != '\0'; out += n + (out[n] == '\n')) {
		n = strcspn(out, "\n");
		if (n == 0)
			continue;
		line = xstrndup(out, n);
		log_vis(shown, sizeof(shown), line);
		free(line);
		log_info("feed %s: exec: %s", e->feed_name, shown);
	}
}

int
hook_run(const char *cmd, const struct entry *e, const char *path,
    long timeout)
{
	char *env[6], *json, *out = NULL, err[256], title[512];
	struct command_opts opts = {
		.timeout_ms = timeout * 1000,
		.max_out = HOOK_MAX_OUT,
		.env = (const char *const *)env,
		.stderr_too = 1,
		.may_be_silent = 1,
	};
	int rc = -1;

	env[0] = xasprintf("AGGREGATOR_FEED=%s", e->feed_name);
	env[1] = xasprintf("AGGREGATOR_TITLE=%s", e->title ? e->title : "");
	env[2] = xasprintf("AGGREGATOR_LINK=%s", e->link ? e->link : "");
	env[3] = xasprintf("AGGREGATOR_MESSAGE=%s", path);
	env[4] = xasprintf("AGGREGATOR_STORY=%s", e->story);
	env[5] = NULL;
	json = entry_json(e, path);
	for (int attempt = 0; attempt < 2 && rc == -1; attempt++) {
		rc = command_run(cmd, json, strlen(json), &opts, &out, err,
		    sizeof(err));
		if (rc == 0)
			log_lines(e, out);
		free(out);
		out = NULL;
		if (command_cancelled())
			break;
	}
	if (rc == -1) {
		log_vis(title, sizeof(title), e->title ? e->title : "");
		log_warnx("feed %s: exec for \"%s\" failed twice: %s",
		    e->feed_name, title, err);
	}
	free(json);
	for (int i = 0; i < 5; i++)
		free(env[i]);
	return rc;
}
