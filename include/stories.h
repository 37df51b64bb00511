/*
 * aggregator stories: the stories of the state that gained an entry since
 * a time, newest story first, as SPEC "Stories" prints them (--json) or
 * as a listing for a terminal.
 */
#ifndef STORIES_H
#define STORIES_H

#include <stdio.h>
#include <time.h>

struct store;

/*
 * The stories with an entry seen since since, with their entries seen
 * since from.  0, or -1 with store_errmsg set (a read failed; nothing was
 * printed).
 */
int	stories_print(struct store *, time_t since, time_t from, int json,
	    FILE *out);

#endif
