/*
 * Logging to stderr, one line per event.  When journald reads our stderr
 * (JOURNAL_STREAM is set) each line carries an sd-daemon priority prefix so
 * the journal keeps the severity.  On a terminal, a progress line may sit
 * below the log: each line is written above it, and it is drawn again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int	log_verbosity;
static int	log_journal;
static int	log_tty;	/* a progress line may be drawn on stderr */

/* Workers log too: one line (and the progress line) at a time. */
static pthread_mutex_t	log_mu = PTHREAD_MUTEX_INITIALIZER;
static char		log_bar[256];	/* the progress line shown, or "" */

void
log_init(int verbosity)
{
	log_verbosity = verbosity;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
	log_tty = verbosity >= 0 && !log_journal && isatty(STDERR_FILENO);
}

/* Takes the progress line off the terminal; log_mu is held. */
static void
bar_hide(void)
{
	if (log_bar[0] != '\0')
		fprintf(stderr, "\r%*s\r", (int)strlen(log_bar), "");
}

/* Draws it again; log_mu is held. */
static void
bar_show(void)
{
	if (log_bar[0] != '\0')
		fputs(log_bar, stderr);
}

void
log_progress(const char *fmt, ...)
{
	va_list ap;

	if (!log_tty)
		return;
	pthread_mutex_lock(&log_mu);
	bar_hide();
	va_start(ap, fmt);
	vsnprintf(log_bar, sizeof(log_bar), fmt, ap);
	va_end(ap);
	bar_show();
	pthread_mutex_unlock(&log_mu);
}

void
log_progress_done(void)
{
	pthread_mutex_lock(&log_mu);
	bar_hide();
	log_bar[0] = '\0';
	pthread_mutex_unlock(&log_mu);
}

void
log_output(const char *s, size_t n)
{
	int tty = isatty(STDOUT_FILENO);

	pthread_mutex_lock(&log_mu);
	if (tty)
		bar_hide();
	fwrite(s, 1, n, stdout);
	if (tty) {
		fflush(stdout);
		bar_show();
	}
	pthread_mutex_unlock(&log_mu);
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
	pthread_mutex_lock(&log_mu);
	bar_hide();
	if (log_journal)
		fprintf(stderr, "<%d>", prio);
	if (errstr != NULL)
		fprintf(stderr, "aggregator: %s: %s\n", line, errstr);
	else
		fprintf(stderr, "aggregator: %s\n", line);
	bar_show();
	pthread_mutex_unlock(&log_mu);
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
