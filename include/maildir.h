/*
 * Maildir delivery: a unique name in tmp/, write, fsync, rename into new/,
 * fsync new/.  The key is part of the file name so a message can be found
 * again in new/ or cur/ after a crash.
 */
#ifndef MAILDIR_H
#define MAILDIR_H

#include <stddef.h>

/* Creates dir and its tmp/ new/ cur/ when missing.  0, or -1 with err set. */
int	maildir_init(const char *dir, char *err, size_t errlen);

/*
 * Delivers len bytes of msg for entry key.  Returns 0, or -1 with a
 * one-line reason in err (and errno kept); nothing is left in new/ then.
 */
int	maildir_deliver(const char *dir, const char *key, const char *msg,
	    size_t len, char *err, size_t errlen);

#endif
