/*
 * The outlet an entry stands for, by the name a reader knows it by: the
 * [publishers] name of its link's site, else its feed's title.
 */
#ifndef OUTLET_H
#define OUTLET_H

#include "config.h"
#include "entry.h"

/*
 * The [publishers] name of link: the longest prefix that matches its host
 * (or a domain above it: "reuters.com" names "uk.reuters.com") and whole
 * segments at the start of its path ("example.com/tech" names /tech and
 * /tech/a, not /technology).  NULL when none does.  Borrowed from cfg.
 */
const char *publisher_name(const struct config *cfg, const char *link);
/* e's outlet: its publisher, else its feed's title, else its feed's name. */
const char *outlet_name(const struct config *cfg, const struct entry *e);

#endif
