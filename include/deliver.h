/*
 * Exactly-once delivery: the protocol between the state store and the
 * maildir, so that a crash at any moment loses no entry and delivers none
 * twice, also when a reader has meanwhile moved or deleted messages.
 */
#ifndef DELIVER_H
#define DELIVER_H

#include <limits.h>
#include <stddef.h>

#include <uv.h>

#include "entry.h"

struct store;
struct feed_state;

/*
 * One feed's share of a commit.  deliver_prepare writes its messages into
 * tmp/; a group commit (group.c, through deliver_pend and deliver_finish)
 * then makes the prepared deliveries of many feeds durable together.
 * Before the transaction that marks the entries seen, the committer calls
 * record (when set), which may point feed and st at the feed's state: it
 * is written in that same transaction, so validators are never stored
 * ahead of the entries they cover.  The older keys (those a feed's first
 * poll does not deliver) are marked seen in it too, without a message.
 */
struct delivery {
	const struct entry	 *entries;	/* borrowed */
	size_t			  n;
	char			(*names)[NAME_MAX + 1];
	unsigned char		 *step;		/* how far each entry got */
	void			(*record)(struct delivery *, void *);
	void			 *arg;
	const char		 *feed;
	const char		 *folder;	/* ".News" (folder.h), borrowed;
						   NULL: the spool's own */
	const struct feed_state	 *st;
	const char		(*older)[KEY_HEX_SIZE];	/* borrowed */
	size_t			  nolder;
	size_t			  delivered;	/* entries now durable in new/ */
	int			  failed;	/* some entries were not: err says why */
	int			  state_failed;	/* st was not written: err says why */
	char			  err[512];
};

void	deliver_init(struct delivery *, const struct entry *entries,
	    size_t n);
/* Whether entry i is now in new/, as names[i]. */
int	deliver_landed(const struct delivery *, size_t i);
void	deliver_clear(struct delivery *);

/*
 * Renders and writes every entry into tmp/ of its maildir (the spool's,
 * or its folder's, made when missing); nothing is durable yet.  Returns
 * 0, or -1 with d->failed and d->err set and nothing left in tmp/.
 */
int	deliver_prepare(struct delivery *d, const char *spool);

/*
 * A commit of n prepared deliveries, in two halves so that one group's
 * renames and seen transaction can run while the next group is being
 * synced.  deliver_pend is steps 1 and 2: one sync of the spool (folders
 * are inside it, on its file system), one
 * transaction of pending rows; entries already seen or pending by then
 * are dropped, so two feeds racing with the same article deliver it once.
 * deliver_finish is steps 3 to 5: the renames into new/, one fsync of
 * each new/ renamed into, one transaction marking the keys seen (with the states record
 * set).  Groups must finish in the order they pended.  When *recover is
 * set, deliver_pend first finishes what earlier failures left pending and
 * clears it once that is done; no other group may be between the halves
 * then.  deliver_finish sets *left when it leaves rows pending for such a
 * recovery.  lock, when not NULL, is held around the store work only.
 * Each delivery's outcome is in it; both return 0, or -1 when any failed.
 */
int	deliver_pend(struct store *store, uv_mutex_t *lock,
	    const char *spool, struct delivery **ds, size_t n, int *recover);
int	deliver_finish(struct store *store, uv_mutex_t *lock,
	    const char *spool, struct delivery **ds, size_t n, int *left);

/*
 * Finishes the deliveries a crash or a failure left pending, each in the
 * folder its row names: a message found in new/ or cur/ (or nowhere: a reader deleted it) is marked
 * delivered, one still in tmp/ is moved into new/ first.  *recovered
 * counts the messages moved.  The caller holds the store.  0, or -1 with
 * err.
 */
int	deliver_recover(struct store *store, const char *spool,
	    size_t *recovered, char *err, size_t errlen);

#endif
