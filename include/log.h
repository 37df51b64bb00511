/*
 * One logging API for the whole program: one line per event on stderr.
 * log_warn appends ": strerror(errno)", log_warnx does not; both keep errno.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* verbosity: -1 quiet (errors only), 0 normal (warnings), 1 info, 2 debug */
void	log_init(int verbosity);

/*
 * s made safe for a terminal, in dst (size bytes, always NUL-terminated):
 * control characters (C0, DEL, C1) and bytes that are not UTF-8 are
 * written as \n, \r, \t, \xHH or \uHHHH, so that no escape sequence a
 * server sent reaches a terminal.  What does not fit is left out, never
 * half an escape or a character.  Returns the length written.  Every log
 * line goes through it; `status` uses it for what servers sent.
 */
size_t	log_vis(char *dst, size_t size, const char *s);
void	log_warn(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_error(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
/*
 * A progress line on stderr, drawn in place of the one before when stderr
 * is a terminal (not under -q or journald), below the log lines; nothing
 * otherwise.  log_progress_done takes it off the terminal.
 */
void	log_progress(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_progress_done(void);
/*
 * Writes the n bytes at s to stdout, from any thread, with the progress
 * line taken off while they are written when stdout is a terminal too.
 */
void	log_output(const char *s, size_t n);
void	fatal(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

#endif
