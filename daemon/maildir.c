/*
 * Maildir delivery, the protocol of maildir(5) and mblaze's mdeliver, in
 * steps a caller batches (deliver.c): write the message under a unique
 * name in tmp/, make tmp/ durable (one syncfs for many files), rename it
 * into new/ and fsync new/, so that a message in new/ is always complete
 * and survives a crash.
 *
 * File names are "SEC.MUSECPPIDQN.KEY.HOST": the time, the process and a
 * per-process counter make the name unique; the whole entry key (64 hex
 * digits) lets a message be found again from its key.  The host name has
 * '/' and ':' replaced, as maildir(5) asks, so the name never holds either.
 * Folders and messages are created 0777 and 0666 less the umask, as mail
 * tools do: the umask (a unit's UMask=) says who else may read them.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"
#include "strmap.h"

/* Workers of several threads may name messages at once. */
static _Atomic unsigned int	maildir_counter;

static int	maildir_path(char *, size_t, const char *, const char *,
		    const char *);
static const char *maildir_hostname(void);
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

/* The host and pid parts of names, looked up once: they are in every name. */
static char		maildir_host[128];
static long		maildir_pid;
static pthread_once_t	maildir_host_once = PTHREAD_ONCE_INIT;

static void
maildir_hostname_init(void)
{
	char host[256];

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	maildir_safe(maildir_host, sizeof(maildir_host), host);
	maildir_pid = (long)getpid();
}

static const char *
maildir_hostname(void)
{
	pthread_once(&maildir_host_once, maildir_hostname_init);
	return maildir_host;
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
	if (mkdir(path, 0777) == -1 && errno != EEXIST) {
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

/*
 * A message moves from tmp/ to new/ by rename(2), which cannot cross
 * filesystems: a tmp/ linked elsewhere is refused before anything is
 * written there.
 */
static int
maildir_same_fs(const char *dir, char *err, size_t errlen)
{
	char tmp[PATH_MAX], new[PATH_MAX];
	struct stat st, sn;

	if (maildir_path(tmp, sizeof(tmp), dir, "tmp", NULL) == -1 ||
	    maildir_path(new, sizeof(new), dir, "new", NULL) == -1 ||
	    stat(tmp, &st) == -1 || stat(new, &sn) == -1) {
		maildir_err(err, errlen, "stat", dir);
		return -1;
	}
	if (st.st_dev != sn.st_dev) {
		errno = EXDEV;
		snprintf(err, errlen, "%s and %s are on different "
		    "filesystems; a maildir's tmp/ and new/ must share one",
		    tmp, new);
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
	return maildir_same_fs(dir, err, errlen);
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
	char safekey[128];
	struct timeval tv;
	int n;

	maildir_safe(safekey, sizeof(safekey), key);
	maildir_hostname();
	gettimeofday(&tv, NULL);
	n = snprintf(name, size, "%lld.M%06ldP%ldQ%u.%s.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, maildir_pid,
	    ++maildir_counter, safekey, maildir_hostname());
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Replaces a stale file a crash may have left in tmp/NAME (it may be
 * partial: never trust it); nothing is left in tmp/ on failure.
 */
int
maildir_write_tmp(const char *dir, const char *name, const char *msg,
    size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, n, saved_errno;

	if (maildir_path(tmp, sizeof(tmp), dir, "tmp", name) == -1) {
		maildir_err(err, errlen, "name in", dir);
		return -1;
	}
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	    0666);
	if (fd == -1 && errno == EEXIST) {
		if (unlink(tmp) == -1) {
			maildir_err(err, errlen, "unlink", tmp);
			return -1;
		}
		fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
		    O_NOFOLLOW, 0666);
	}
	if (fd == -1) {
		maildir_err(err, errlen, "open", tmp);
		return -1;
	}
	if (maildir_write(fd, msg, len) == -1) {
		maildir_err(err, errlen, "write", tmp);
		goto fail;
	}
	n = close(fd);
	fd = -1;
	if (n == -1) {
		maildir_err(err, errlen, "close", tmp);
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

/*
 * One syncfs(2) makes every file written into tmp/ durable at once, which
 * costs about what two or three fsync(2)s do however many files there are.
 */
int
maildir_sync_tmp(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd, saved_errno;

	if (maildir_path(path, sizeof(path), dir, "tmp", NULL) == -1 ||
	    (fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		maildir_err(err, errlen, "open", dir);
		return -1;
	}
	if (syncfs(fd) == -1) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		maildir_err(err, errlen, "syncfs", path);
		return -1;
	}
	close(fd);
	return 0;
}

int
maildir_publish(const char *dir, const char *name, char *err, size_t errlen)
{
	char tmp[PATH_MAX], new[PATH_MAX];

	if (maildir_path(tmp, sizeof(tmp), dir, "tmp", name) == -1 ||
	    maildir_path(new, sizeof(new), dir, "new", name) == -1) {
		maildir_err(err, errlen, "name in", dir);
		return -1;
	}
	if (rename(tmp, new) == -1) {
		maildir_err(err, errlen, "rename to", new);
		return -1;
	}
	return 0;
}

void
maildir_discard(const char *dir, const char *name)
{
	char tmp[PATH_MAX];

	if (maildir_path(tmp, sizeof(tmp), dir, "tmp", name) == 0)
		unlink(tmp);
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
 * write "!2,FLAGS"), so a name in cur/ is ours when what comes before its
 * first ':' or '!' is ours (our names hold neither).  cur/ is read once
 * for all the names, and only when some name is in neither new/ nor tmp/:
 * it may hold every message ever read.
 */
int
maildir_locate(const char *dir, char *const *names, size_t n, int *where)
{
	char path[PATH_MAX];
	struct strmap *left = NULL;
	struct dirent *d;
	size_t i;
	DIR *dp;

	for (i = 0; i < n; i++) {
		where[i] = 0;
		if (maildir_path(path, sizeof(path), dir, "new",
		    names[i]) == -1)
			goto fail;
		if (access(path, F_OK) == 0) {
			where[i] = 1;
			continue;
		}
		if (errno != ENOENT ||
		    maildir_path(path, sizeof(path), dir, "tmp",
		    names[i]) == -1)
			goto fail;
		if (access(path, F_OK) == 0) {
			where[i] = 2;
			continue;
		}
		if (errno != ENOENT)
			goto fail;
		if (left == NULL)
			left = strmap_new();
		strmap_set(left, names[i], i);
	}
	if (left == NULL)
		return 0;
	if (maildir_path(path, sizeof(path), dir, "cur", NULL) == -1 ||
	    (dp = opendir(path)) == NULL)
		goto fail;
	while ((d = readdir(dp)) != NULL) {
		size_t len = strcspn(d->d_name, ":!");

		if (len >= sizeof(path))
			continue;
		memcpy(path, d->d_name, len);
		path[len] = '\0';
		if (strmap_get(left, path, &i))
			where[i] = 1;
	}
	closedir(dp);
	strmap_free(left);
	return 0;
fail:
	strmap_free(left);
	return -1;
}

/*
 * The pid in one of our names ("SEC.MUSECPPIDQN.KEY.HOST" with our host),
 * or 0 when the name is not ours.
 */
static long
maildir_name_pid(const char *name)
{
	const char *p, *host;
	char *end;
	size_t hl;
	long pid;

	if ((p = strchr(name, 'P')) == NULL)
		return 0;
	pid = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != 'Q' || pid <= 0)
		return 0;
	host = maildir_hostname();
	hl = strlen(host);
	if ((p = strrchr(name, '.')) == NULL || strlen(p + 1) != hl ||
	    memcmp(p + 1, host, hl) != 0)
		return 0;
	return pid;
}

int
maildir_clean_tmp(const char *dir, size_t *removed)
{
	char path[PATH_MAX], file[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	long pid;

	*removed = 0;
	if (maildir_path(path, sizeof(path), dir, "tmp", NULL) == -1 ||
	    (dp = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if ((pid = maildir_name_pid(d->d_name)) == 0 ||
		    pid == (long)getpid())
			continue;
		/* Another process's file is its own while it runs. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (maildir_path(file, sizeof(file), dir, "tmp",
		    d->d_name) == 0 && unlink(file) == 0)
			(*removed)++;
	}
	closedir(dp);
	return 0;
}

/* A regular file (symbolic links and folders are no messages). */
static int
maildir_is_file(const char *path, const struct dirent *d)
{
	struct stat sb;

	if (d->d_type != DT_UNKNOWN)
		return d->d_type == DT_REG;
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* maildir_each_message in the new/ and cur/ of one folder. */
static int
maildir_each_in(const char *folder, int (*cb)(const char *, void *),
    void *arg, char *err, size_t errlen)
{
	static const char *const subs[] = { "new", "cur" };
	char path[PATH_MAX], file[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int rc = 0;

	for (size_t i = 0; i < 2 && rc == 0; i++) {
		if (maildir_path(path, sizeof(path), folder, subs[i],
		    NULL) == -1) {
			maildir_err(err, errlen, "open", folder);
			return -1;
		}
		if ((dp = opendir(path)) == NULL) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			maildir_err(err, errlen, "open", path);
			return -1;
		}
		while (rc == 0 && (d = readdir(dp)) != NULL)
			if (d->d_name[0] != '.' && maildir_path(file,
			    sizeof(file), folder, subs[i], d->d_name) == 0 &&
			    maildir_is_file(file, d))
				rc = cb(file, arg);
		closedir(dp);
	}
	return rc;
}

int
maildir_each_message(const char *dir, int (*cb)(const char *, void *),
    void *arg, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int rc;

	if ((rc = maildir_each_in(dir, cb, arg, err, errlen)) != 0)
		return rc;
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		maildir_err(err, errlen, "open", dir);
		return -1;
	}
	/* Maildir++ folders are ".NAME" (".A.B" nests B in A), all here. */
	while (rc == 0 && (d = readdir(dp)) != NULL)
		if (d->d_name[0] == '.' && strcmp(d->d_name, ".") != 0 &&
		    strcmp(d->d_name, "..") != 0 && maildir_path(path,
		    sizeof(path), dir, d->d_name, NULL) == 0)
			rc = maildir_each_in(path, cb, arg, err, errlen);
	closedir(dp);
	return rc;
}
