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
 * The steps of a delivery, for callers that record their intent first
 * (see run.c) and batch the folder sync:
 * maildir_name makes a fresh name holding key ("SEC.MUSECPPIDQN.KEY.HOST");
 * maildir_put writes tmp/NAME, fsyncs it and renames it into new/NAME (a
 * stale tmp/NAME from a crash is replaced); maildir_sync fsyncs new/ so the
 * renames before it are durable; maildir_find says whether NAME is in new/
 * or, moved by a reader, in cur/ (1), or nowhere (0), or -1 on error.
 */
int	maildir_name(const char *key, char *name, size_t size);
int	maildir_put(const char *dir, const char *name, const char *msg,
	    size_t len, char *err, size_t errlen);
int	maildir_sync(const char *dir, char *err, size_t errlen);
int	maildir_find(const char *dir, const char *name);

/*
 * All the steps at once: delivers len bytes of msg for entry key.  Returns 0, or -1 with a
 * one-line reason in err (and errno kept); nothing is left in new/ then.
 */
int	maildir_deliver(const char *dir, const char *key, const char *msg,
	    size_t len, char *err, size_t errlen);

#endif
