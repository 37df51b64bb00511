/*
 * Logging to stderr, one line per event.  When journald reads our stderr
 * (JOURNAL_STREAM is set) each line carries an sd-daemon priority prefix so
 * the journal keeps the severity.  Lines carry what servers and feeds
 * sent (header values, error text, titles), so control characters are
 * escaped (log_vis): an ESC from a header never reaches a terminal.  On a
 * terminal, a progress line may sit below the log: each line is written
 * above it, and it is drawn again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

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

size_t
log_vis(char *dst, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, out = 0, w;
	char esc[8];
	uint32_t c;

	if (size == 0)
		return 0;
	for (; n > 0; p += len, n -= len) {
		if ((len = utf8_decode(p, n, &c)) == 0) {
			len = 1;
			w = (size_t)snprintf(esc, sizeof(esc), "\\x%02X", *p);
		} else if (c == '\n' || c == '\r' || c == '\t')
			w = (size_t)snprintf(esc, sizeof(esc), "\\%c",
			    c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			w = (size_t)snprintf(esc, sizeof(esc), "\\x%02X", c);
		else if (c >= 0x80 && c < 0xa0)
			w = (size_t)snprintf(esc, sizeof(esc), "\\u%04X", c);
		else {
			if (out + len >= size)
				break;
			memcpy(dst + out, p, len);
			out += len;
			continue;
		}
		if (out + w >= size)
			break;
		memcpy(dst + out, esc, w);
		out += w;
	}
	dst[out] = '\0';
	return out;
}

static void	log_vline(int, enum log_level, const char *, const char *,
		    va_list) __attribute__((__format__(__printf__, 4, 0)));

static void
log_vline(int prio, enum log_level level, const char *errstr,
    const char *fmt, va_list ap)
{
	char line[4096], shown[4096];
	int saved_errno = errno;

	if ((int)level > log_verbosity + 1 && level != LOG_LEVEL_ERROR)
		goto out;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One line, and no terminal control from a server or a feed. */
	log_vis(shown, sizeof(shown), line);
	pthread_mutex_lock(&log_mu);
	bar_hide();
	if (log_journal)
		fprintf(stderr, "<%d>", prio);
	if (errstr != NULL)
		fprintf(stderr, "aggregator: %s: %s\n", shown, errstr);
	else
		fprintf(stderr, "aggregator: %s\n", shown);
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
