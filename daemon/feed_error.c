/*
 * What went wrong with a document: the first error of one that is not
 * well-formed is kept, as one line (the parse goes on, recovering), while
 * a hostile one stops the parse at once.
 */
#include <stdlib.h>

#include <libxml/parser.h>

#include "feed_priv.h"
#include "xmalloc.h"

void
feed__set_error(struct feed__parser *p, const char *msg)
{
	char *s, *e;

	p->wellformed = 0;
	if (p->error != NULL)
		return;
	s = xstrdup(msg);
	for (e = s; *e != '\0'; e++)
		if (*e == '\n' || *e == '\r')
			*e = ' ';
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	p->error = s;
}

void
feed__hostile(struct feed__parser *p, const char *msg)
{
	if (p->hostile)
		return;
	p->hostile = 1;
	p->hostile_msg = xstrdup(msg);
	xmlStopParser(p->ctxt);
}
