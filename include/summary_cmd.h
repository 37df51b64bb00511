/*
 * A user's summariser command: run through the shell with the story on
 * its stdin, its stdout taken as the summary, within a time and a size.
 */
#ifndef SUMMARY_CMD_H
#define SUMMARY_CMD_H

#include <stddef.h>

/*
 * Runs cmd with "/bin/sh -c" in a process group of its own, its stdin the
 * inlen bytes at input, its stderr /dev/null, and reads its stdout.  Safe
 * in a worker thread of a threaded process.  Returns 0 with *out the
 * output (allocated, the caller's), trailing whitespace trimmed, when cmd
 * exited 0 within timeout_ms, printing UTF-8 of at most max_out bytes
 * that is not all whitespace.  Else -1, *out NULL, and a one-line reason
 * in err: "timed out after Ns", "printed more than N bytes" (the group is
 * killed then), "exited with status N", "killed by signal N", "printed
 * nothing", "printed invalid UTF-8", "printed a NUL byte", "could not
 * start: ...", or rarely "poll: ..." or "wait: ...".  Either way every
 * process still in the group is killed on return and the child is
 * reaped.  A cmd that does not read all its stdin is no error: the input
 * left over is dropped.  timeout_ms <= 0 times out at once.
 */
int	summary_cmd_run(const char *cmd, const char *input, size_t inlen,
	    long timeout_ms, size_t max_out, char **out, char *err,
	    size_t errlen);

/*
 * Stops every run under way and to come, for a process that is
 * stopping: a run kills its command's group and returns -1 with
 * "cancelled" within CANCEL_CHECK_MS (100 ms).  Safe in a signal handler
 * and from any thread.  summary_cmd_cancelled says whether it was called.
 */
void	summary_cmd_cancel(void);
int	summary_cmd_cancelled(void);

#endif
