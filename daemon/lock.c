/*
 * The instance lock beside the state file.  flock(2) is released by the
 * kernel when the process dies, so a crash never leaves a stale lock; the
 * PID written into the file only makes the message helpful.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "xmalloc.h"

int
lock_acquire(const char *state_path, char *err, size_t errlen)
{
	char *path = xasprintf("%s.lock", state_path);
	char pid[32] = "";
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
			pid[strcspn(pid, "\n")] = '\0';
			snprintf(err, errlen, "already running (lock %s held "
			    "by PID %s)", path, *pid ? pid : "?");
		} else
			snprintf(err, errlen, "lock %s: %s", path,
			    strerror(saved));
		close(fd);
		free(path);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)len, 0) != len) {
		snprintf(err, errlen, "lock %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}
