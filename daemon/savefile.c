/*
 * Files replaced whole, through a synced hidden temporary file and a
 * rename (savefile.h).  The merged feed and the digests are written so.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "savefile.h"

/*
 * Where the file at path is: path, or where its symlinks lead, so that a
 * file linked into a web root is replaced there and the link stays.  A
 * relative link is read from its own folder; a link to nothing yet names
 * the file to create.  Only the last component is followed: folders on
 * the way may be links, rename(2) goes through them.  0, or -1 with errno
 * (ENAMETOOLONG, ELOOP after 40 links as the kernel counts).
 */
static int
target(const char *path, char *out, size_t size)
{
	char link[4096], next[4096];
	const char *slash;
	ssize_t len;
	int n, hops;

	if ((n = snprintf(out, size, "%s", path)) < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (hops = 0; (len = readlink(out, link, sizeof(link) - 1)) != -1;
	    hops++) {
		if (hops == 40) {
			errno = ELOOP;
			return -1;
		}
		link[len] = '\0';
		if (link[0] == '/' || (slash = strrchr(out, '/')) == NULL)
			n = snprintf(next, sizeof(next), "%s", link);
		else
			n = snprintf(next, sizeof(next), "%.*s/%s",
			    (int)(slash - out), out, link);
		if (n < 0 || (size_t)n >= sizeof(next) ||
		    (size_t)n >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(out, next, (size_t)n + 1);
	}
	return 0;
}

/* ".BASE.tmp." for path: the start of its temporary files' names. */
static int
tmp_prefix(const char *path, char *out, size_t size)
{
	char base[4096];
	int n;

	if ((n = snprintf(base, sizeof(base), "%s", path)) < 0 ||
	    (size_t)n >= sizeof(base))
		return -1;
	n = snprintf(out, size, ".%s.tmp.", basename(base));
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/*
 * Removes the temporary files beside path whose PID is no longer a
 * process: a run killed while writing left them.  A live writer's file
 * is kept, so is any whose PID was reused.  Best effort: the file is
 * already in place.
 */
static void
sweep(const char *path)
{
	char dir[4096], prefix[4096];
	struct dirent *d;
	const char *p;
	DIR *dp;
	size_t plen;
	long pid;
	int n;

	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir) ||
	    (n = tmp_prefix(path, prefix, sizeof(prefix))) == -1)
		return;
	plen = (size_t)n;
	if ((dp = opendir(dirname(dir))) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, prefix, plen) != 0)
			continue;
		p = d->d_name + plen;
		if (*p == '\0' || strspn(p, "0123456789") != strlen(p) ||
		    strlen(p) > 9)
			continue;
		pid = strtol(p, NULL, 10);
		if (pid > 0 && pid != (long)getpid() &&
		    kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			unlinkat(dirfd(dp), d->d_name, 0);
	}
	closedir(dp);
}

int
savefile_prepare(struct savefile *sf, const char *what, const char *path,
    const char *data, size_t len, char *err, size_t errlen)
{
	char prefix[4096];
	const char *slash;
	FILE *f = NULL;
	int fd, n, saved_errno, tries;

	sf->tmp[0] = '\0';
	if (target(path, sf->path, sizeof(sf->path)) == -1) {
		snprintf(err, errlen, "%s: %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	slash = strrchr(sf->path, '/');
	n = tmp_prefix(sf->path, prefix, sizeof(prefix));
	if (n != -1)
		n = snprintf(sf->tmp, sizeof(sf->tmp), "%.*s%s%ld",
		    slash != NULL ? (int)(slash - sf->path + 1) : 0, sf->path,
		    prefix, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(sf->tmp)) {
		snprintf(err, errlen, "%s: %s: %s", what, sf->path,
		    strerror(ENAMETOOLONG));
		sf->tmp[0] = '\0';
		return -1;
	}
	for (tries = 0;; tries++) {
		fd = open(sf->tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0666);
		if (fd != -1)
			break;
		/* Our pid in the name: a leftover of an earlier crash. */
		if (errno != EEXIST || tries > 0 || unlink(sf->tmp) == -1) {
			snprintf(err, errlen, "%s: open %s: %s", what, sf->tmp,
			    strerror(errno));
			sf->tmp[0] = '\0';
			return -1;
		}
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: open %s: %s", what, sf->tmp,
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) == EOF) {
		snprintf(err, errlen, "%s: write %s: %s", what, sf->tmp,
		    strerror(errno));
		goto fail;
	}
	if (fsync(fileno(f)) == -1) {
		snprintf(err, errlen, "%s: fsync %s: %s", what, sf->tmp,
		    strerror(errno));
		goto fail;
	}
	n = fclose(f);
	f = NULL;
	if (n == EOF) {
		snprintf(err, errlen, "%s: close %s: %s", what, sf->tmp,
		    strerror(errno));
		goto fail;
	}
	return 0;
fail:
	saved_errno = errno;
	if (f != NULL)
		fclose(f);
	savefile_abort(sf);
	errno = saved_errno;
	return -1;
}

void
savefile_sync_folder(const char *path)
{
	char dir[4096];
	int fd, n;

	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n >= 0 && (size_t)n < sizeof(dir) &&
	    (fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		fsync(fd);
		close(fd);
	}
}

int
savefile_commit(struct savefile *sf, const char *what, char *err,
    size_t errlen)
{
	int saved_errno;

	if (rename(sf->tmp, sf->path) == -1) {
		saved_errno = errno;
		snprintf(err, errlen, "%s: rename %s to %s: %s", what, sf->tmp,
		    sf->path, strerror(errno));
		savefile_abort(sf);
		errno = saved_errno;
		return -1;
	}
	sf->tmp[0] = '\0';
	savefile_sync_folder(sf->path);
	sweep(sf->path);
	return 0;
}

void
savefile_abort(struct savefile *sf)
{
	if (sf->tmp[0] != '\0')
		unlink(sf->tmp);
	sf->tmp[0] = '\0';
}

int
savefile(const char *what, const char *path, const char *data, size_t len,
    char *err, size_t errlen)
{
	struct savefile sf;

	if (savefile_prepare(&sf, what, path, data, len, err, errlen) == -1)
		return -1;
	return savefile_commit(&sf, what, err, errlen);
}
