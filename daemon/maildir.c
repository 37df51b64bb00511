/*
 * Maildir delivery (the protocol of maildir(5) and mblaze's mdeliver):
 * write the message under a unique name in tmp/, fsync it, rename it into
 * new/ and fsync new/, so that a message in new/ is always complete and
 * survives a crash.
 *
 * File names are "SEC.MUSECPPIDQN.KEY.HOST": the time, the process and a
 * per-process counter make the name unique; the whole entry key (64 hex
 * digits) lets a message be found again from its key.  The host name has
 * '/' and ':' replaced, as maildir(5) asks, so the name never holds either.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"

/* Workers of several threads may name messages at once. */
static _Atomic unsigned int	maildir_counter;

static int	maildir_path(char *, size_t, const char *, const char *,
		    const char *);
static void	maildir_hostname(char *, size_t);
static void	maildir_safe(char *, size_t, const char *);
static int	maildir_mkdir(const char *, const char *, char *, size_t);
static int	maildir_write(int, const char *, size_t);
static int	maildir_sync_dir(const char *);
static void	maildir_err(char *, size_t, const char *, const char *);

/* dir/sub/name into buf; -1 with ENAMETOOLONG when it does not fit. */
static int
maildir_path(char *buf, size_t size, const char *dir, const char *sub,
    const char *name)
{
	int n;

	if (name != NULL)
		n = snprintf(buf, size, "%s/%s/%s", dir, sub, name);
	else if (sub != NULL)
		n = snprintf(buf, size, "%s/%s", dir, sub);
	else
		n = snprintf(buf, size, "%s", dir);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Copies s, replacing what maildir names must not hold. */
static void
maildir_safe(char *buf, size_t size, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i] != '\0'; i++)
		buf[i] = s[i] == '/' || s[i] == ':' || s[i] == '.' ||
		    (unsigned char)s[i] <= ' ' ? '_' : s[i];
	buf[i] = '\0';
}

static void
maildir_hostname(char *buf, size_t size)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	maildir_safe(buf, size, host);
}

/* "OP PATH: strerror(errno)", errno kept; the caller names the stage. */
static void
maildir_err(char *err, size_t errlen, const char *op, const char *path)
{
	int saved_errno = errno;

	snprintf(err, errlen, "%s %s: %s", op, path,
	    strerror(saved_errno));
	errno = saved_errno;
}

/* Creates dir/sub (or dir) unless it is already a directory. */
static int
maildir_mkdir(const char *dir, const char *sub, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat sb;

	if (maildir_path(path, sizeof(path), dir, sub, NULL) == -1) {
		maildir_err(err, errlen, "mkdir", dir);
		return -1;
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		maildir_err(err, errlen, "mkdir", path);
		return -1;
	}
	if (stat(path, &sb) == -1) {
		maildir_err(err, errlen, "stat", path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		maildir_err(err, errlen, "mkdir", path);
		return -1;
	}
	return 0;
}

int
maildir_init(const char *dir, char *err, size_t errlen)
{
	if (maildir_mkdir(dir, NULL, err, errlen) == -1 ||
	    maildir_mkdir(dir, "tmp", err, errlen) == -1 ||
	    maildir_mkdir(dir, "new", err, errlen) == -1 ||
	    maildir_mkdir(dir, "cur", err, errlen) == -1)
		return -1;
	return 0;
}

/* Writes all of buf, across short writes and signals. */
static int
maildir_write(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes a rename into path durable. */
static int
maildir_sync_dir(const char *path)
{
	int fd, saved_errno;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (fsync(fd) == -1 && errno != EINVAL) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return -1;
	}
	return close(fd);
}

int
maildir_name(const char *key, char *name, size_t size)
{
	char host[128], safekey[128];
	struct timeval tv;
	int n;

	maildir_hostname(host, sizeof(host));
	maildir_safe(safekey, sizeof(safekey), key);
	gettimeofday(&tv, NULL);
	n = snprintf(name, size, "%lld.M%06ldP%ldQ%u.%s.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
	    ++maildir_counter, safekey, host);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
maildir_put(const char *dir, const char *name, const char *msg, size_t len,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX], new[PATH_MAX];
	int fd, n, saved_errno;

	if (maildir_path(tmp, sizeof(tmp), dir, "tmp", name) == -1 ||
	    maildir_path(new, sizeof(new), dir, "new", name) == -1) {
		maildir_err(err, errlen, "name in", dir);
		return -1;
	}
	/* A file left in tmp/ by a crash may be partial: never trust it. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		maildir_err(err, errlen, "unlink", tmp);
		return -1;
	}
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		maildir_err(err, errlen, "open", tmp);
		return -1;
	}
	if (maildir_write(fd, msg, len) == -1) {
		maildir_err(err, errlen, "write", tmp);
		goto fail;
	}
	if (fsync(fd) == -1) {
		maildir_err(err, errlen, "fsync", tmp);
		goto fail;
	}
	n = close(fd);
	fd = -1;
	if (n == -1) {
		maildir_err(err, errlen, "close", tmp);
		goto fail;
	}
	if (rename(tmp, new) == -1) {
		maildir_err(err, errlen, "rename to", new);
		goto fail;
	}
	return 0;
fail:
	saved_errno = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved_errno;
	return -1;
}

int
maildir_sync(const char *dir, char *err, size_t errlen)
{
	char newdir[PATH_MAX];

	if (maildir_path(newdir, sizeof(newdir), dir, "new", NULL) == -1 ||
	    maildir_sync_dir(newdir) == -1) {
		maildir_err(err, errlen, "fsync", newdir);
		return -1;
	}
	return 0;
}

/*
 * Readers move messages from new/ to cur/ and append ":2,FLAGS" (some
 * write "!2,FLAGS"), so a name in cur/ is ours when it starts with ours.
 */
int
maildir_find(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct dirent *d;
	size_t len = strlen(name);
	DIR *dp;
	int found = 0;

	if (maildir_path(path, sizeof(path), dir, "new", name) == -1)
		return -1;
	if (access(path, F_OK) == 0)
		return 1;
	if (errno != ENOENT)
		return -1;
	if (maildir_path(path, sizeof(path), dir, "cur", NULL) == -1)
		return -1;
	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, name, len) == 0 &&
		    strchr(":!", d->d_name[len]) != NULL) {
			found = 1;
			break;
		}
	}
	closedir(dp);
	return found;
}

int
maildir_deliver(const char *dir, const char *key, const char *msg,
    size_t len, char *err, size_t errlen)
{
	char name[NAME_MAX + 1], new[PATH_MAX];
	int saved_errno;

	if (maildir_name(key, name, sizeof(name)) == -1) {
		maildir_err(err, errlen, "name for", key);
		return -1;
	}
	if (maildir_put(dir, name, msg, len, err, errlen) == -1)
		return -1;
	if (maildir_sync(dir, err, errlen) == -1) {
		/* Not durable, so not delivered: the caller will retry. */
		saved_errno = errno;
		if (maildir_path(new, sizeof(new), dir, "new", name) == 0)
			unlink(new);
		errno = saved_errno;
		return -1;
	}
	return 0;
}
