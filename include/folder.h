/*
 * Maildir++ folders: a feed's "folder = News/Korea" is delivered into
 * SPOOL/.News.Korea/, each part of the name in IMAP's modified UTF-7
 * (RFC 3501, 5.1.3), the way Dovecot, Courier and mutt name them.
 */
#ifndef FOLDER_H
#define FOLDER_H

#include <stddef.h>

/*
 * Whether name is a folder name: parts split by '/' or '.', none empty,
 * no control characters, valid UTF-8.  0, or -1 with why in err.
 */
int	folder_check(const char *name, char *err, size_t errlen);

/* The folder's directory inside the spool (".News.Korea"), allocated. */
char	*folder_dirname(const char *name);

/*
 * The maildir of a folder's directory name, or the spool itself when dir
 * is NULL, into path.  0, or -1 when it does not fit.
 */
int	folder_maildir(char *path, size_t size, const char *spool,
	    const char *dir);

/*
 * Makes the folder's maildir, marked as a Maildir++ folder; one on another
 * filesystem than the spool is refused (deliver.c syncs the spool's
 * filesystem once for all).  0, or -1 with err.
 */
int	folder_init(const char *spool, const char *dir, char *err,
	    size_t errlen);

#endif
