/*
 * Subscriptions on the command line (SPEC "Subscriptions"): add, remove,
 * list, import and export the feeds, start a config of one's own.  The
 * commands that change the config edit its text (config_edit.h) and ask
 * a running daemon to reload.  Each returns the exit status; quiet (-q)
 * leaves out what a success would print.
 */
#ifndef SUBS_H
#define SUBS_H

struct buf;
struct config;

/*
 * aggregator add URL [NAME] [--folder F] [--interval D] (argv[0] is
 * "add"): the feed at URL, or the one the web page at URL advertises,
 * appended to the config at path as [feed.NAME] (NAME made from the
 * feed's title when not given).  A page advertising several has them
 * listed on stdout, and nothing is added (exit 1).
 */
int	subs_add(const char *path, int argc, char **argv, int quiet);
/*
 * aggregator remove NAME: [feed.NAME]'s section cut out of the config.
 * What the state knows of the feed (its seen entries) stays.
 */
int	subs_remove(const char *path, const char *name, int quiet);
/*
 * aggregator import FILE: the feeds of an OPML file (outlines around a
 * feed become its folder) or of newsboat's urls file (the first plain tag
 * the folder, "~Title" the title) appended to the config at path, in one
 * rewrite; feeds whose URL the config has are left out.
 */
int	subs_import(const char *path, const char *file, int quiet);
/*
 * aggregator list: a line per feed of the config at path, tab-separated:
 * name, URL (password hidden), folder ("-" when none), interval in
 * seconds, whether enabled and its last poll's outcome from the state
 * ("never" before one).
 */
int	subs_list(const char *path);
/*
 * aggregator export: an OPML 2.0 document of every feed of the config at
 * path on stdout (passwords in URLs left out), folders as outlines around
 * their feeds, each feed's name in an aggregator:name attribute.
 */
int	subs_export(const char *path);
/* The OPML 2.0 export of cfg's feeds (no credentials), appended to b. */
void	subs_opml(const struct config *cfg, struct buf *b);
/*
 * aggregator init [DIR]: a starter config in DIR (default
 * $XDG_CONFIG_HOME/aggregator, else ~/.config/aggregator), delivering
 * into ~/Maildir, never over an existing one.  Returns the exit status.
 */
int	subs_init(const char *dir);
#endif
