/*
 * Logging to stderr, one line per event.  When journald reads our stderr
 * (JOURNAL_STREAM is set) each line carries an sd-daemon priority prefix so
 * the journal keeps the severity.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int	log_verbosity;
static int	log_journal;

void
log_init(int verbosity)
{
	log_verbosity = verbosity;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

static void	log_vline(int, enum log_level, const char *, const char *,
		    va_list) __attribute__((__format__(__printf__, 4, 0)));

static void
log_vline(int prio, enum log_level level, const char *errstr,
    const char *fmt, va_list ap)
{
	char line[4096];
	int saved_errno = errno;

	if ((int)level > log_verbosity + 1 && level != LOG_LEVEL_ERROR)
		goto out;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* A feed's text may end up in a message; keep it on one line. */
	for (char *p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_journal)
		fprintf(stderr, "<%d>", prio);
	if (errstr != NULL)
		fprintf(stderr, "aggregator: %s: %s\n", line, errstr);
	else
		fprintf(stderr, "aggregator: %s\n", line);
out:
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_vline(4, LOG_LEVEL_WARN, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(4, LOG_LEVEL_WARN, NULL, fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(3, LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(6, LOG_LEVEL_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(7, LOG_LEVEL_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_vline(2, LOG_LEVEL_ERROR, e, fmt, ap);
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(2, LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(3);
}
