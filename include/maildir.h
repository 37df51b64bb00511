/*
 * Maildir delivery: a unique name in tmp/, write, sync, rename into new/,
 * fsync new/, as steps a caller batches.  The key is part of the file
 * name so a message can be found again in new/ or cur/ after a crash.
 */
#ifndef MAILDIR_H
#define MAILDIR_H

#include <stddef.h>

/* Creates dir and its tmp/ new/ cur/ when missing.  0, or -1 with err set. */
int	maildir_init(const char *dir, char *err, size_t errlen);

/*
 * The steps of a delivery, for callers that record their intent and batch
 * the syncs (see deliver.c):
 * maildir_name makes a fresh name holding key ("SEC.MUSECPPIDQN.KEY.HOST");
 * maildir_write_tmp writes tmp/NAME, not yet durable (a stale tmp/NAME from
 * a crash is replaced); maildir_sync_tmp makes everything written so far
 * durable with one syncfs(2); maildir_publish renames tmp/NAME into
 * new/NAME; maildir_sync fsyncs new/ so the renames before it are durable;
 * maildir_discard removes tmp/NAME.  Each returns 0, or -1 with a
 * one-line reason in err (errno kept).  maildir_locate says for each of
 * n names where it is: in new/ or, moved by a reader, in cur/ (1), still
 * in tmp/ (2), or nowhere (0), reading cur/ once for all of them; 0, or
 * -1 on error.  maildir_clean_tmp removes from tmp/ the files a process
 * of ours that no longer runs left behind.
 */
int	maildir_name(const char *key, char *name, size_t size);
int	maildir_write_tmp(const char *dir, const char *name, const char *msg,
	    size_t len, char *err, size_t errlen);
int	maildir_sync_tmp(const char *dir, char *err, size_t errlen);
int	maildir_publish(const char *dir, const char *name, char *err,
	    size_t errlen);
void	maildir_discard(const char *dir, const char *name);
int	maildir_sync(const char *dir, char *err, size_t errlen);
int	maildir_locate(const char *dir, char *const *names, size_t n,
	    int *where);
int	maildir_clean_tmp(const char *dir, size_t *removed);

/*
 * Calls cb with the path of each message of the maildir dir and of its
 * Maildir++ folders (.NAME): every file in their new/ and cur/ but hidden
 * ones.  cb returns 0 to go on; anything else stops the walk and is
 * returned.  A missing dir, new/ or cur/ holds nothing.  0, cb's value,
 * or -1 with err.
 */
int	maildir_each_message(const char *dir,
	    int (*cb)(const char *path, void *arg), void *arg, char *err,
	    size_t errlen);

#endif
