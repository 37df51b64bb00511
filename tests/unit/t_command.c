/*
 * summary_cmd: a shell command fed on stdin and read on stdout within a
 * time and a size, every way it can fail, and nothing left behind: no
 * process, no zombie, no descriptor, no pending SIGPIPE.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "command.h"
#include "test.h"
#include "xmalloc.h"

#define MAX_OUT	4096

static char	reason[256];

/* command_run's answer; out (or NULL) is left in *got, to free. */
static int
run(const char *cmd, const char *in, size_t inlen, long timeout_ms,
    size_t max_out, char **got)
{
	struct command_opts opts = { .timeout_ms = timeout_ms,
	    .max_out = max_out };
	int rc;

	reason[0] = '\0';
	rc = command_run(cmd, in, inlen, &opts, got, reason, sizeof(reason));
	if (rc == -1 && *got != NULL)
		TEST_FAIL("-1 but out is set");
	return rc;
}

static long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 +
	    (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* The descriptors this process has open. */
static int
open_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Whether this process has no child left, dead or alive. */
static int
no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

/* Input in, output out upper-cased, trailing newline trimmed. */
TEST(test_filter)
{
	const char *in = "hello, world\n\n";
	char *out;

	ASSERT_INT(run("tr a-z A-Z", in, strlen(in), 2000, MAX_OUT, &out),
	    0);
	ASSERT_STR(out, "HELLO, WORLD");
	free(out);
	ASSERT_INT(run("printf '  lead kept\\t \\n'", "", 0, 2000, MAX_OUT,
	    &out), 0);
	ASSERT_STR(out, "  lead kept");
	free(out);
	ASSERT_INT(run("printf '요약입니다.'", "", 0, 2000, MAX_OUT, &out), 0);
	ASSERT_STR(out, "요약입니다.");
	free(out);
	ASSERT(no_children());
}

/* A command may ignore its input and still succeed. */
TEST(test_ignores_stdin)
{
	const char *in = "{\"story\": \"x\"}";
	char *out;

	ASSERT_INT(run("echo fixed", in, strlen(in), 2000, MAX_OUT, &out), 0);
	ASSERT_STR(out, "fixed");
	free(out);
	ASSERT(no_children());
}

/* Exit statuses, signals, not found, and output that will not do. */
TEST(test_failures)
{
	char *out;

	ASSERT_INT(run("echo partial; exit 3", "x", 1, 2000, MAX_OUT, &out),
	    -1);
	ASSERT_STR(reason, "exited with status 3");
	ASSERT_INT(run("/nonexistent/x", "x", 1, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "exited with status 127");
	ASSERT_INT(run("kill -9 $$", "", 0, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "killed by signal 9");
	ASSERT_INT(run("echo; echo '  '", "", 0, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "printed nothing");
	ASSERT_INT(run("true", "", 0, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "printed nothing");
	ASSERT_INT(run("printf 'ok \\377'", "", 0, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "printed invalid UTF-8");
	ASSERT_INT(run("printf 'a\\000b'", "", 0, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "printed a NUL byte");
	ASSERT(no_children());
}

/*
 * A command past its time is killed with its whole group: the sleep its
 * shell started in the background is gone too.  This process is made
 * the subreaper, so the orphaned sleep comes to it and how it died can
 * be read.
 */
TEST(test_timeout)
{
	char path[4200], cmd[4300], pidbuf[32] = "";
	struct timespec t0;
	int status = 0;
	pid_t sleeper, w = 0;
	FILE *f;
	char *out;
	long ms;

	snprintf(path, sizeof(path), "%s/sleep.pid", test_dir("t_summary_cmd"));
	snprintf(cmd, sizeof(cmd), "sleep 5 & echo $! > %s; wait", path);
	ASSERT_INT(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT(run(cmd, "", 0, 300, MAX_OUT, &out), -1);
	ms = elapsed_ms(&t0);
	ASSERT_STR(reason, "timed out after 0.3s");
	ASSERT(ms >= 290 && ms < 1000);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(pidbuf, sizeof(pidbuf), f) == NULL)
			pidbuf[0] = '\0';
		fclose(f);
	}
	sleeper = (pid_t)atol(pidbuf);
	ASSERT(sleeper > 0);
	/* Killed, it is reaped here as soon as the kernel reparents it. */
	for (int i = 0; sleeper > 0 && i < 100; i++) {
		if ((w = waitpid(sleeper, &status, WNOHANG)) != 0)
			break;
		nanosleep(&(struct timespec){ 0, 10 * 1000000 }, NULL);
	}
	ASSERT_INT(w, sleeper);
	ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (w == 0 && sleeper > 0)
		kill(sleeper, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	ASSERT_INT(run("sleep 5", "", 0, 300, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "timed out after 0.3s");
	/* Closing stdout does not end the run: exiting does. */
	ASSERT_INT(run("exec >&-; sleep 5", "", 0, 200, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "timed out after 0.2s");
	ASSERT(no_children());
}

/* Output past the cap kills the command; exactly the cap is fine. */
TEST(test_overflow)
{
	struct timespec t0;
	char *out;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT(run("yes", "", 0, 2000, 1000, &out), -1);
	ASSERT_STR(reason, "printed more than 1000 bytes");
	ASSERT(elapsed_ms(&t0) < 1000);
	ASSERT_INT(run("printf abcde", "", 0, 2000, 5, &out), 0);
	ASSERT_STR(out, "abcde");
	free(out);
	ASSERT_INT(run("printf abcdef", "", 0, 2000, 5, &out), -1);
	ASSERT_STR(reason, "printed more than 5 bytes");
	ASSERT(no_children());
}

/*
 * 1 MiB to commands that read none or part of it: no deadlock on a full
 * pipe, and the SIGPIPE of the refused write neither kills this process
 * (its disposition is the default here) nor stays pending.
 */
TEST(test_large_input)
{
	size_t len = 1 << 20;
	char *in = xmalloc(len), *out;
	struct timespec t0;
	sigset_t mask, pending;

	memset(in, 'a', len);
	signal(SIGPIPE, SIG_DFL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Stdin closed while stdout is open: the write surely fails. */
	ASSERT_INT(run("exec <&-; sleep 0.1; echo done", in, len, 2000,
	    MAX_OUT, &out), 0);
	ASSERT_STR(out, "done");
	free(out);
	ASSERT_INT(run("true", in, len, 2000, MAX_OUT, &out), -1);
	ASSERT_STR(reason, "printed nothing");
	ASSERT_INT(run("echo done", in, len, 2000, MAX_OUT, &out), 0);
	ASSERT_STR(out, "done");
	free(out);
	ASSERT_INT(run("head -c 10", in, len, 2000, MAX_OUT, &out), 0);
	ASSERT_STR(out, "aaaaaaaaaa");
	free(out);
	ASSERT_INT(run("wc -c", in, len, 2000, MAX_OUT, &out), 0);
	ASSERT(out != NULL && atol(out) == (long)len);
	free(out);
	/* It fills its stdout before it reads: both pipes are full at once. */
	ASSERT_INT(run("head -c 200000 /dev/zero | tr '\\0' x; wc -c "
	    ">/dev/null", in, len, 2000, 300000, &out), 0);
	ASSERT(out != NULL && strlen(out) == 200000);
	free(out);
	ASSERT(elapsed_ms(&t0) < 1500);
	sigpending(&pending);
	ASSERT(!sigismember(&pending, SIGPIPE));
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	ASSERT(!sigismember(&mask, SIGPIPE));
	free(in);
	ASSERT(no_children());
}

static void *
epipe_worker(void *arg)
{
	char *in = xmalloc(1 << 20), *out = NULL, err[256];
	int *rc = arg;

	memset(in, 'b', 1 << 20);
	struct command_opts opts = { .timeout_ms = 2000, .max_out = MAX_OUT };

	*rc = command_run("exec <&-; sleep 0.1; echo done", in, 1 << 20,
	    &opts, &out, err, sizeof(err));
	if (*rc == 0 && strcmp(out, "done") != 0)
		*rc = -2;
	free(out);
	free(in);
	return NULL;
}

/*
 * From a worker thread, as the daemon runs it: the SIGPIPE goes to that
 * thread, which blocks it, and never to this one, which does not.
 */
TEST(test_worker_thread)
{
	pthread_t t;
	int rc = -3;

	signal(SIGPIPE, SIG_DFL);
	ASSERT_INT(pthread_create(&t, NULL, epipe_worker, &rc), 0);
	pthread_join(t, NULL);
	ASSERT_INT(rc, 0);
	ASSERT(no_children());
}

/* Every descriptor of a run is closed, whichever way it ended. */
TEST(test_no_fd_leak)
{
	int before = open_fds();
	char *out;

	ASSERT(before > 0);
	ASSERT_INT(run("cat", "x", 1, 2000, MAX_OUT, &out), 0);
	free(out);
	run("yes", "", 0, 2000, 100, &out);
	run("exit 1", "x", 1, 2000, MAX_OUT, &out);
	run("sleep 1", "", 0, 50, MAX_OUT, &out);
	ASSERT_INT(open_fds(), before);
}

/* Extra environment, stderr joined to stdout, no output allowed. */
TEST(test_hook_options)
{
	static const char *const env[] = { "AGGREGATOR_TITLE=Tram line",
	    "HOME=/nowhere", NULL };
	struct command_opts opts = { .timeout_ms = 2000, .max_out = MAX_OUT,
	    .env = env, .stderr_too = 1 };
	char *out = NULL, err[256];

	ASSERT_INT(command_run("echo \"$AGGREGATOR_TITLE $HOME\"; echo oops >&2",
	    "", 0, &opts, &out, err, sizeof(err)), 0);
	ASSERT_STR(out, "Tram line /nowhere\noops");
	free(out);
	opts.may_be_silent = 1;
	ASSERT_INT(command_run("true", "", 0, &opts, &out, err, sizeof(err)),
	    0);
	ASSERT_STR(out, "");
	free(out);
	opts.may_be_silent = 0;
	ASSERT_INT(command_run("true", "", 0, &opts, &out, err, sizeof(err)),
	    -1);
	ASSERT_STR(err, "printed nothing");
	ASSERT(no_children());
}

int
main(void)
{
	/* A deadlock fails the test instead of hanging it. */
	alarm(30);
	RUN(test_filter);
	RUN(test_ignores_stdin);
	RUN(test_failures);
	RUN(test_timeout);
	RUN(test_overflow);
	RUN(test_large_input);
	RUN(test_worker_thread);
	RUN(test_no_fd_leak);
	RUN(test_hook_options);
	return TEST_DONE();
}
