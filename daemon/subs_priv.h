/*
 * What the commands that edit the config (add, remove, import) share: an
 * edit session that holds the file's text and what it says, checks new
 * feeds against it, and ends by saving the file and asking a running
 * daemon to reload.
 */
#ifndef SUBS_PRIV_H
#define SUBS_PRIV_H

#include <stddef.h>

#include "config.h"
#include "config_edit.h"

struct strmap;

struct subs_edit {
	const char		*what;		/* the command, for messages */
	int			 quiet;		/* -q: nothing on success */
	struct config_edit	 ed;
	struct config		 cfg;		/* the file as it was */
	struct strmap		*urls;		/* canonical URL -> its feed */
	char			**added;	/* names of the feeds added */
	size_t			 nadded;
};

/*
 * Opens the config at path for an edit (config_edit_open) and loads it:
 * a file with problems is reported (each problem, then one line saying
 * it is left as it is) and never edited.  EXIT_OK, or the exit status;
 * subs_edit_end either way.
 */
int	subs_edit_begin(struct subs_edit *, const char *what, const char *path,
	    int quiet);
void	subs_edit_end(struct subs_edit *);

/*
 * The name of the feed, in the config or added, whose URL is url as
 * dedup keys compare URLs (the config's rule: one URL, one feed), or NULL.
 */
const char *subs_edit_url_owner(const struct subs_edit *, const char *url);
/* Whether name is a feed's, in the config or added. */
int	subs_edit_name_taken(const struct subs_edit *, const char *name);
/* A free name for the feed at url titled title (feedname.h), allocated. */
char	*subs_edit_name(struct subs_edit *, const char *title,
	    const char *url);
/*
 * Appends f's section to the text (its values checked by the caller:
 * config_edit_value_ok, a free name, a URL no feed has).
 */
void	subs_edit_add(struct subs_edit *, const struct config_edit_feed *f);
/*
 * Saves the edited text (config_edit_save), prints what was done (fmt,
 * unless quiet) and, when a daemon holds the state's lock, sends it
 * SIGHUP and says so.  The exit status.
 */
int	subs_edit_commit(struct subs_edit *, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

#endif
