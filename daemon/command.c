/*
 * A user's command: the digest's summary_cmd, a feed's exec hook.  The
 * daemon is threaded (libuv's workers run digests and hooks), so the
 * child is started with posix_spawn rather than fork: nothing runs
 * between fork and exec that could wait on a lock another thread held.
 * Both pipes are non-blocking and served by one poll(2) loop, so a child
 * that never reads its stdin, or fills its stdout before reading, cannot
 * deadlock us; one deadline bounds the run.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "utf8.h"
#include "xmalloc.h"

/* How pump ended. */
enum run_state {
	RUN_DONE,		/* stdout reached end of file */
	RUN_TIMEOUT,
	RUN_OVERFLOW,		/* more than max_out bytes */
	RUN_CANCELLED,		/* command_cancel was called */
	RUN_POLL_FAILED		/* errno in error */
};

/* One run: the child, our ends of its pipes, what it printed so far. */
struct run {
	pid_t		 pid;
	int		 in;		/* its stdin; -1 once closed */
	int		 out;		/* its stdout; -1 at end of file */
	const char	*input;
	size_t		 inlen;
	size_t		 off;		/* input written so far */
	size_t		 max_out;
	const struct command_opts *opts;
	struct buf	 b;
	long		 timeout_ms;
	int64_t		 deadline;	/* CLOCK_MONOTONIC, in ms */
	int		 epipe;		/* a write failed with EPIPE */
	int		 error;
};

/*
 * Set by command_cancel, from a signal handler or another thread: an
 * atomic int, lock-free, so safe in both.  Runs look at it every
 * CANCEL_CHECK_MS at least.
 */
static atomic_int cancelled;
#define CANCEL_CHECK_MS	100

static int64_t	now_ms(void);
static int	set_nonblock(int);
static char	**environment(const char *const *);
static int	spawn(struct run *, const char *);
static void	feed(struct run *);
static int	drain(struct run *);
static enum run_state pump(struct run *);
static void	sigpipe_block(sigset_t *, int *);
static void	sigpipe_restore(const sigset_t *, int, int);
static int	wait_exit(struct run *);
static int	reap(struct run *);
static int	judge(struct run *, enum run_state, int, char **, char *,
		    size_t);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * Starts "/bin/sh -c cmd" in a new process group on two new pipes; our
 * ends, close-on-exec (another thread may spawn meanwhile) and
 * non-blocking, go in r.  The child's end of each pipe stays blocking,
 * as programs expect.  0, or an errno value; r->pid is set once the
 * child runs.
 */
static int
spawn(struct run *r, const char *cmd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *argv[4], **envp;
	int inp[2], outp[2], rc;
	pid_t pid;

	if (pipe2(inp, O_CLOEXEC) == -1)
		return errno;
	if (pipe2(outp, O_CLOEXEC) == -1) {
		rc = errno;
		close(inp[0]);
		close(inp[1]);
		return rc;
	}
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = xstrdup(cmd);
	argv[3] = NULL;
	envp = environment(r->opts->env);
	/*
	 * The child starts with no signal blocked and with the signals a
	 * daemon tends to ignore or block (SIGPIPE above all) at default,
	 * whatever the calling thread had.
	 */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTERM);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if ((rc = posix_spawn_file_actions_adddup2(&fa, inp[0],
	    STDIN_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, outp[1],
	    STDOUT_FILENO)) == 0 &&
	    (rc = r->opts->stderr_too ?
	    posix_spawn_file_actions_adddup2(&fa, outp[1], STDERR_FILENO) :
	    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
	    "/dev/null", O_WRONLY, 0)) == 0 &&
	    /* No descriptor of the daemon's (a socket, the state) is its. */
	    (rc = posix_spawn_file_actions_addclosefrom_np(&fa,
	    STDERR_FILENO + 1)) == 0 &&
	    (rc = posix_spawnattr_setpgroup(&attr, 0)) == 0 &&
	    (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (rc = posix_spawnattr_setsigdefault(&attr, &dfl)) == 0 &&
	    (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0)
		rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(argv[2]);
	free(envp);
	close(inp[0]);
	close(outp[1]);
	if (rc != 0) {
		close(inp[1]);
		close(outp[0]);
		return rc;
	}
	r->pid = pid;
	r->in = inp[1];
	r->out = outp[0];
	/* Unlikely to fail; the caller then ends the child. */
	if (set_nonblock(r->in) == -1 || set_nonblock(r->out) == -1)
		return errno;
	return 0;
}

/*
 * The process's environment with extra's "NAME=value" strings in place
 * of its own of those names (the array allocated, the strings lent).
 */
static char **
environment(const char *const *extra)
{
	size_t n = 0, k = 0, x = 0, i, len;
	char **envp;

	while (environ[n] != NULL)
		n++;
	while (extra != NULL && extra[x] != NULL)
		x++;
	envp = xcalloc(n + x + 1, sizeof(*envp));
	for (i = 0; i < n; i++) {
		size_t e;

		len = strcspn(environ[i], "=");
		for (e = 0; e < x; e++)
			if (strncmp(extra[e], environ[i], len) == 0 &&
			    extra[e][len] == '=')
				break;
		if (e == x)
			envp[k++] = environ[i];
	}
	for (i = 0; i < x; i++)
		envp[k++] = (char *)(uintptr_t)extra[i];
	envp[k] = NULL;
	return envp;
}

/*
 * Writes what the pipe takes of the input.  Stdin is closed once all is
 * written, or when the child closed it (EPIPE): the rest is dropped.
 */
static void
feed(struct run *r)
{
	ssize_t w;

	while (r->off < r->inlen) {
		w = write(r->in, r->input + r->off, r->inlen - r->off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			r->epipe = errno == EPIPE;
			break;
		}
		r->off += (size_t)w;
	}
	close(r->in);
	r->in = -1;
}

/* Reads what stdout holds: 0, or -1 once it passes max_out bytes. */
static int
drain(struct run *r)
{
	char chunk[8192];
	ssize_t got;

	for (;;) {
		got = read(r->out, chunk, sizeof(chunk));
		if (got == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			got = 0;	/* a read error ends it as EOF does */
		}
		if (got == 0) {
			close(r->out);
			r->out = -1;
			return 0;
		}
		if ((size_t)got > r->max_out - r->b.len)
			return -1;
		buf_add(&r->b, chunk, (size_t)got);
	}
}

/* Feeds stdin and drains stdout until stdout ends, the deadline or the cap. */
static enum run_state
pump(struct run *r)
{
	struct pollfd pfd[2];
	int64_t left;
	nfds_t n;

	while (r->out != -1) {
		if (atomic_load(&cancelled))
			return RUN_CANCELLED;
		if ((left = r->deadline - now_ms()) <= 0)
			return RUN_TIMEOUT;
		if (left > CANCEL_CHECK_MS)
			left = CANCEL_CHECK_MS;
		pfd[0].fd = r->out;
		pfd[0].events = POLLIN;
		pfd[1].fd = r->in;
		pfd[1].events = POLLOUT;
		n = r->in != -1 ? 2 : 1;
		if (poll(pfd, n, left > INT_MAX ? INT_MAX : (int)left) == -1) {
			if (errno == EINTR)
				continue;
			r->error = errno;
			return RUN_POLL_FAILED;
		}
		/* POLLERR on stdin: the child closed it; write says EPIPE. */
		if (n == 2 && pfd[1].revents != 0)
			feed(r);
		if (pfd[0].revents != 0 && drain(r) == -1)
			return RUN_OVERFLOW;
	}
	return RUN_DONE;
}

/*
 * A write to the stdin of a child that has quit raises SIGPIPE, whose
 * default kills the whole daemon.  signal(SIGPIPE, SIG_IGN) would change
 * the process's disposition from what may be a worker thread, and
 * MSG_NOSIGNAL exists only for sockets.  So SIGPIPE is blocked in this
 * thread alone while we write (the mask is per thread, and the kernel
 * sends the SIGPIPE to the thread that wrote), and one our write left
 * pending is taken with sigtimedwait before the mask is restored.  One
 * already pending before we blocked is not ours and is left alone.
 */
static void
sigpipe_block(sigset_t *old, int *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
	*was_pending = sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) == 1;
}

static void
sigpipe_restore(const sigset_t *old, int was_pending, int epipe)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (epipe && !was_pending && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) == 1)
		while (sigtimedwait(&set, NULL, &zero) == -1 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/*
 * Waits until the child has exited, without reaping it, or the deadline
 * passes: 0 or -1.  Its stdout has ended, so it is most likely exiting;
 * the short naps only cover one that closed stdout and went on working.
 */
static int
wait_exit(struct run *r)
{
	siginfo_t si;
	int64_t left;
	int nap = 1;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)r->pid, &si,
		    WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			return 0;	/* reap reports it */
		}
		if (si.si_pid != 0)
			return 0;
		if ((left = r->deadline - now_ms()) <= 0 ||
		    atomic_load(&cancelled))
			return -1;
		(void)poll(NULL, 0, left < nap ? (int)left : nap);
		if (nap < 64)
			nap *= 2;
	}
}

/*
 * Kills the process group (the whole command on a timeout or overflow,
 * else what it left running in the background) and reaps the child.
 * The child is not reaped yet when the group is killed, so its ID, the
 * group's, cannot have been reused.  Returns the wait status, or -1.
 */
static int
reap(struct run *r)
{
	int status;

	(void)kill(-r->pid, SIGKILL);
	while (waitpid(r->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			r->error = errno;
			return -1;
		}
	}
	return status;
}

/* The outcome: 0 with *out set, or -1 with the reason in err. */
static int
judge(struct run *r, enum run_state state, int status, char **out,
    char *err, size_t errlen)
{
	size_t len = r->b.len;

	switch (state) {
	case RUN_TIMEOUT:
		snprintf(err, errlen, "timed out after %gs",
		    (double)r->timeout_ms / 1000);
		return -1;
	case RUN_OVERFLOW:
		snprintf(err, errlen, "printed more than %zu bytes",
		    r->max_out);
		return -1;
	case RUN_POLL_FAILED:
		snprintf(err, errlen, "poll: %s", strerror(r->error));
		return -1;
	case RUN_CANCELLED:
		snprintf(err, errlen, "cancelled");
		return -1;
	case RUN_DONE:
		break;
	}
	if (status == -1) {
		snprintf(err, errlen, "wait: %s", strerror(r->error));
		return -1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "killed by signal %d", WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "exited with status %d",
		    WEXITSTATUS(status));
		return -1;
	}
	while (len > 0 && isspace((unsigned char)r->b.data[len - 1]))
		len--;
	if (len == 0 && !r->opts->may_be_silent) {
		snprintf(err, errlen, "printed nothing");
		return -1;
	}
	buf_add(&r->b, "", 0);		/* a string, also when empty */
	if (!utf8_valid(r->b.data, len)) {
		snprintf(err, errlen, "printed invalid UTF-8");
		return -1;
	}
	/* Callers hold the summary as a C string. */
	if (memchr(r->b.data, '\0', len) != NULL) {
		snprintf(err, errlen, "printed a NUL byte");
		return -1;
	}
	r->b.data[len] = '\0';
	r->b.len = len;
	*out = buf_release(&r->b);
	return 0;
}

int
command_run(const char *cmd, const char *input, size_t inlen,
    const struct command_opts *opts, char **out, char *err, size_t errlen)
{
	enum run_state state;
	struct run r;
	sigset_t old;
	int rc, status, was_pending;

	*out = NULL;
	if (atomic_load(&cancelled)) {
		snprintf(err, errlen, "cancelled");
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.in = r.out = -1;
	r.input = input;
	r.inlen = inlen;
	r.opts = opts;
	r.max_out = opts->max_out;
	r.timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 0;
	r.deadline = now_ms();
	/* LONG_MAX means "never" and must not overflow the deadline. */
	r.deadline += r.timeout_ms < INT64_MAX - r.deadline ?
	    r.timeout_ms : INT64_MAX - r.deadline;
	buf_init(&r.b);
	if ((rc = spawn(&r, cmd)) != 0) {
		snprintf(err, errlen, "could not start: %s", strerror(rc));
		if (r.in != -1)
			close(r.in);
		if (r.out != -1)
			close(r.out);
		if (r.pid > 0)
			(void)reap(&r);
		return -1;
	}
	sigpipe_block(&old, &was_pending);
	state = pump(&r);
	if (r.in != -1)
		close(r.in);
	if (r.out != -1)
		close(r.out);
	sigpipe_restore(&old, was_pending, r.epipe);
	if (state == RUN_DONE && wait_exit(&r) == -1)
		state = atomic_load(&cancelled) ? RUN_CANCELLED : RUN_TIMEOUT;
	status = reap(&r);
	rc = judge(&r, state, status, out, err, errlen);
	buf_free(&r.b);
	return rc;
}

void
command_cancel(void)
{
	atomic_store(&cancelled, 1);
}

int
command_cancelled(void)
{
	return atomic_load(&cancelled);
}
