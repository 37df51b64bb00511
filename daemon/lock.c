/*
 * The instance lock beside the state file.  flock(2) is released by the
 * kernel when the process dies, so a crash never leaves a stale lock.  The
 * PID and role written into the file ("1234 daemon") make the message
 * helpful and tell a command editing the config which process to ask to
 * reload.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "xmalloc.h"

int
lock_acquire(const char *state_path, const char *role, char *err,
    size_t errlen)
{
	char *path = xasprintf("%s.lock", state_path);
	char pid[64] = "";
	int fd, len;
	ssize_t n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "lock %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	/* Like the state: its owner's only, whatever the umask took away. */
	(void)fchmod(fd, 0600);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		if (saved == EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strspn(pid, "0123456789")] = '\0';
			snprintf(err, errlen, "already running (lock %s held "
			    "by PID %s)", path, *pid ? pid : "?");
		} else
			snprintf(err, errlen, "lock %s: %s", path,
			    strerror(saved));
		close(fd);
		free(path);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%ld %s\n", (long)getpid(), role);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)len, 0) != len) {
		snprintf(err, errlen, "lock %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/*
 * Whether process pid has the file st open, as /proc shows (Linux); 1
 * when there is no /proc to ask.  In the moment after an instance has
 * locked the file and before it has written its own PID there, the file
 * still names the one before, which may since be another process.
 */
static int
has_open(pid_t pid, const struct stat *st)
{
	char dir[64], fd[384];
	struct dirent *d;
	struct stat fst;
	DIR *dp;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	if ((dp = opendir(dir)) == NULL)
		return access("/proc/self/fd", F_OK) == -1;
	while (!found && (d = readdir(dp)) != NULL)
		found = d->d_name[0] != '.' && (size_t)snprintf(fd, sizeof(fd),
		    "%s/%s", dir, d->d_name) < sizeof(fd) &&
		    stat(fd, &fst) == 0 && fst.st_dev == st->st_dev &&
		    fst.st_ino == st->st_ino;
	closedir(dp);
	return found;
}

pid_t
lock_holder(const char *state_path)
{
	char *path = xasprintf("%s.lock", state_path), text[64], *end;
	struct stat st;
	ssize_t n;
	long pid;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return 0;
	/*
	 * A shared lock is refused while an instance holds the exclusive
	 * one; when granted, nobody runs, and it is let go at once.
	 */
	if (fstat(fd, &st) == -1 || flock(fd, LOCK_SH | LOCK_NB) == 0 ||
	    errno != EWOULDBLOCK) {
		close(fd);
		return 0;
	}
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	errno = 0;
	pid = strtol(text, &end, 10);
	if (errno != 0 || end == text || pid <= 0 || (pid_t)pid != pid ||
	    strcmp(end, " daemon\n") != 0 || !has_open((pid_t)pid, &st))
		return 0;
	return (pid_t)pid;
}
