/*
 * A user's command (the digest's summary_cmd, a feed's exec hook): run
 * through the shell with some input on its stdin and its stdout read,
 * within a time and a size, from any thread.
 */
#ifndef COMMAND_H
#define COMMAND_H

#include <stddef.h>

struct command_opts {
	long		 timeout_ms;	/* <= 0 times out at once */
	size_t		 max_out;	/* bytes of output taken */
	/* "NAME=value" strings added to the environment, NULL-ended. */
	const char *const *env;
	int		 stderr_too;	/* stderr joins stdout, else /dev/null */
	int		 may_be_silent;	/* no output is no error (*out "") */
};

/*
 * Runs cmd with "/bin/sh -c" in a process group of its own, its stdin the
 * inlen bytes at input, and reads its output.  Safe in a worker thread
 * of a threaded process.  Returns 0 with *out the output (allocated, the
 * caller's), trailing whitespace trimmed, when cmd exited 0 within the
 * timeout, printing UTF-8 of at most max_out bytes that is not all
 * whitespace (unless may_be_silent).  Else -1, *out NULL, and a one-line
 * reason in err: "timed out after Ns", "printed more than N bytes" (the
 * group is killed then), "exited with status N", "killed by signal N",
 * "printed nothing", "printed invalid UTF-8", "printed a NUL byte",
 * "could not start: ...", "cancelled", or rarely "poll: ..." or
 * "wait: ...".  Either way every process still in the group is killed on
 * return and the child is reaped.  A cmd that does not read all its stdin
 * is no error: the input left over is dropped.
 */
int	command_run(const char *cmd, const char *input, size_t inlen,
	    const struct command_opts *opts, char **out, char *err,
	    size_t errlen);

/*
 * Stops every run under way and to come, for a process that is
 * stopping: a run kills its command's group and returns -1 with
 * "cancelled" within CANCEL_CHECK_MS (100 ms).  Safe in a signal handler
 * and from any thread.  command_cancelled says whether it was called.
 */
void	command_cancel(void);
int	command_cancelled(void);

#endif
