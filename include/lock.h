/*
 * One instance per state file: an flock(2) on "STATE.lock" held for the
 * life of the process, so a daemon and a manual --once never both deliver.
 */
#ifndef LOCK_H
#define LOCK_H

#include <stddef.h>

/* Returns the lock's descriptor, or -1 with the reason (holder's PID) in err. */
int	lock_acquire(const char *state_path, char *err, size_t errlen);

#endif
