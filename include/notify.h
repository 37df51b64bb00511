/*
 * Telling systemd how the daemon is doing (sd_notify(3)): readiness,
 * reloads, stopping, a status line and watchdog pings.  Every call is a
 * no-op when NOTIFY_SOCKET is not set, as outside a Type=notify unit.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>

void	notify_ready(void);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_status(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	notify_watchdog(void);
/* How often to ping the watchdog, in ms (half its timeout), or 0 if off. */
uint64_t notify_watchdog_interval(void);

#endif
