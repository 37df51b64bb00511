/*
 * Feeds listed in an OPML file: every outline with an xmlUrl becomes a feed
 * of the config, named after its title.
 */
#ifndef OPML_H
#define OPML_H

struct config;

/* Adds the OPML file's feeds to cfg.  Returns the number of problems. */
int	opml_load(const char *path, struct config *cfg);

#endif
