/*
 * A file replaced whole: written to a hidden temporary file beside its
 * place (".NAME.tmp.PID", which site generators and web servers skip),
 * synced, and renamed over it, so readers see the old file or the new
 * one, never part of one.  A path that is a symlink is replaced where the
 * link leads, and the link stays.  Files are 0666 less the umask: they
 * are meant to be published.
 */
#ifndef SAVEFILE_H
#define SAVEFILE_H

#include <stddef.h>

/* A file written but not yet in place. */
struct savefile {
	char	path[4096];	/* where it goes */
	char	tmp[4096];	/* where it is */
};

/*
 * savefile_prepare writes data to a synced temporary file for path;
 * savefile_commit renames it into place and syncs the folder;
 * savefile_abort removes it.  what names the writer in err ("atom:
 * rename ...").  Both return 0, or -1 with a one-line reason in err
 * and nothing left behind.
 */
int	savefile_prepare(struct savefile *, const char *what, const char *path,
	    const char *data, size_t len, char *err, size_t errlen);
int	savefile_commit(struct savefile *, const char *what, char *err,
	    size_t errlen);
void	savefile_abort(struct savefile *);

/* Syncs the folder of path, so that a rename into it survives a crash. */
void	savefile_sync_folder(const char *path);

/* The three steps at once. */
int	savefile(const char *what, const char *path, const char *data,
	    size_t len, char *err, size_t errlen);

#endif
