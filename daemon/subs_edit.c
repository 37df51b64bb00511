/*
 * The edit session of add, remove and import (subs_priv.h).  The config
 * is loaded once, under the edit lock, and new feeds are checked against
 * it and against each other, so that the file saved loads as it did.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "feedname.h"
#include "lock.h"
#include "log.h"
#include "strmap.h"
#include "subs_priv.h"
#include "url.h"
#include "xmalloc.h"

int
subs_edit_begin(struct subs_edit *se, const char *what, const char *path,
    int quiet)
{
	char err[512];
	int problems;

	memset(se, 0, sizeof(*se));
	se->what = what;
	se->quiet = quiet;
	se->urls = strmap_new();
	if (config_edit_open(&se->ed, path, err, sizeof(err)) == -1) {
		log_error("%s: %s", what, err);
		return EXIT_USAGE;
	}
	problems = config_load(path, &se->cfg);
	if (problems != 0) {
		if (problems == -1)
			log_error("%s: cannot read config %s", what, path);
		else
			log_error("%s: %s has %d problem%s; it is left as it "
			    "is", what, path, problems, problems == 1 ? "" :
			    "s");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < se->cfg.nfeeds; i++) {
		char *key = url_canonical(se->cfg.feeds[i].url);

		strmap_set(se->urls, key, i);
		free(key);
	}
	return EXIT_OK;
}

void
subs_edit_end(struct subs_edit *se)
{
	for (size_t i = 0; i < se->nadded; i++)
		free(se->added[i]);
	free(se->added);
	strmap_free(se->urls);
	config_free(&se->cfg);
	config_edit_close(&se->ed);
}

const char *
subs_edit_url_owner(const struct subs_edit *se, const char *url)
{
	char *key = url_canonical(url);
	size_t i;
	int found = strmap_get(se->urls, key, &i);

	free(key);
	if (!found)
		return NULL;
	return i < se->cfg.nfeeds ? se->cfg.feeds[i].name :
	    se->added[i - se->cfg.nfeeds];
}

int
subs_edit_name_taken(const struct subs_edit *se, const char *name)
{
	if (config_find_feed(&se->cfg, name) != NULL)
		return 1;
	for (size_t i = 0; i < se->nadded; i++)
		if (strcmp(se->added[i], name) == 0)
			return 1;
	return 0;
}

static int
taken(const char *name, void *arg)
{
	return subs_edit_name_taken(arg, name);
}

char *
subs_edit_name(struct subs_edit *se, const char *title, const char *url)
{
	char *base = feedname_base("", title, url, taken, se), *name;

	name = feedname_unique(base, NULL, taken, se);
	free(base);
	return name;
}

void
subs_edit_add(struct subs_edit *se, const struct config_edit_feed *f)
{
	char *key = url_canonical(f->url);

	config_edit_append(&se->ed.text, f);
	se->added = xreallocarray(se->added, se->nadded + 1,
	    sizeof(*se->added));
	se->added[se->nadded] = xstrdup(f->name);
	strmap_set(se->urls, key, se->cfg.nfeeds + se->nadded);
	se->nadded++;
	free(key);
}

int
subs_edit_commit(struct subs_edit *se, const char *fmt, ...)
{
	char err[512];
	va_list ap;
	pid_t pid;

	if (config_edit_save(&se->ed, err, sizeof(err)) == -1) {
		log_error("%s: %s", se->what, err);
		return EXIT_LOCAL;
	}
	if (!se->quiet) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	if ((pid = lock_holder(se->cfg.state)) == 0)
		return EXIT_OK;
	if (kill(pid, SIGHUP) == -1) {
		log_warn("%s: %s is saved, but the running daemon (pid %ld) "
		    "could not be asked to reload", se->what, se->ed.path,
		    (long)pid);
		return EXIT_OK;
	}
	if (!se->quiet)
		printf("aggregator: reloaded the running daemon (pid %ld)\n",
		    (long)pid);
	return EXIT_OK;
}
