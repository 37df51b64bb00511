/*
 * Crash points.  Reading the environment once keeps the cost of a point
 * that is not armed to one comparison.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

static pthread_once_t	fault_once = PTHREAD_ONCE_INIT;
static char		fault_name[64];
static _Atomic long	fault_left;

static void
fault_init(void)
{
	const char *spec = getenv("AGGREGATOR_CRASH");
	const char *colon;
	size_t len;

	if (spec == NULL || (colon = strchr(spec, ':')) == NULL)
		return;
	len = (size_t)(colon - spec);
	if (len == 0 || len >= sizeof(fault_name))
		return;
	memcpy(fault_name, spec, len);
	fault_name[len] = '\0';
	fault_left = strtol(colon + 1, NULL, 10);
}

void
fault_point(const char *name)
{
	pthread_once(&fault_once, fault_init);
	if (fault_name[0] == '\0' || strcmp(fault_name, name) != 0)
		return;
	if (--fault_left == 0)
		raise(SIGKILL);
}
