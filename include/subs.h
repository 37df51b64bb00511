/*
 * Subscriptions on the command line (SPEC "Subscriptions"): list the
 * feeds, export them as OPML 2.0, start a config of one's own.
 */
#ifndef SUBS_H
#define SUBS_H

/*
 * aggregator list: a line per feed of the config at path, tab-separated:
 * name, URL (password hidden), interval in seconds, whether enabled and
 * its last poll's outcome from the state ("never" before one).  Returns
 * the exit status.
 */
int	subs_list(const char *path);
/*
 * aggregator export: an OPML 2.0 document of every feed of the config at
 * path on stdout (passwords in URLs left out).  Returns the exit status.
 */
int	subs_export(const char *path);
/*
 * aggregator init [DIR]: a starter config in DIR (default
 * $XDG_CONFIG_HOME/aggregator, else ~/.config/aggregator), delivering
 * into ~/Maildir, never over an existing one.  Returns the exit status.
 */
int	subs_init(const char *dir);
#endif
