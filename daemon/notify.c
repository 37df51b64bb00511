/*
 * systemd notifications through libsystemd's sd_notify, which speaks the
 * NOTIFY_SOCKET datagram protocol.  A failed notification is logged once
 * at debug level and otherwise ignored: the service manager may be gone.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"
#include "xmalloc.h"

static void
notify_send(const char *state)
{
	int r;

	if ((r = sd_notify(0, state)) < 0)
		log_debug("sd_notify(%s): %s", state, strerror(-r));
}

void
notify_ready(void)
{
	notify_send("READY=1");
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1");
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void
notify_status(const char *fmt, ...)
{
	va_list ap;
	char line[256];
	char *msg;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	msg = xasprintf("STATUS=%s", line);
	notify_send(msg);
	free(msg);
}

void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1");
}

uint64_t
notify_watchdog_interval(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	return usec / 2000;
}
