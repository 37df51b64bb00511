/*
 * One instance per state file: an flock(2) on "STATE.lock" held for the
 * life of the process, so a daemon and a manual --once never both deliver.
 */
#ifndef LOCK_H
#define LOCK_H

#include <sys/types.h>

#include <stddef.h>

/*
 * Takes the lock and writes "PID ROLE" into it (role: "daemon", "once",
 * "reindex").  Returns the lock's descriptor, or -1 with the reason
 * (the holder's PID) in err.
 */
int	lock_acquire(const char *state_path, const char *role, char *err,
	    size_t errlen);

/*
 * The PID of the daemon holding the lock beside state_path, as the lock
 * file names it, or 0 when no daemon holds it (nobody, or a --once run).
 * Whether it is held is asked of flock(2) itself, and the process must
 * have the file open, so a PID left in the file by an instance that has
 * ended is never returned.
 */
pid_t	lock_holder(const char *state_path);

#endif
