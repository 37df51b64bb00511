/*
 * The seen keys read back from the spool: every message we deliver says
 * its entry key in its Message-ID (<KEYHEX@aggregator>), so a state that
 * was lost can be rebuilt from the messages, and a run that would deliver
 * everything again is refused until it is.
 */
#ifndef REINDEX_H
#define REINDEX_H

#include <stddef.h>

#include "agg.h"

struct store;

/* Whether the state file at path is missing or empty (0 bytes). */
int	reindex_state_missing(const char *state);

/*
 * Whether a run must be refused: the state is missing or empty while the
 * spool (new/ and cur/, and those of its Maildir++ folders) holds
 * messages, which a fresh state would deliver again.  1 or 0, or -1 with
 * err when the spool cannot be read.
 */
int	reindex_needed(const char *state, const char *spool, char *err,
	    size_t errlen);

/*
 * The key in the Message-ID header of the message whose head (n bytes) is
 * at s, lowercased into key: 1, or 0 when it has none of ours.
 */
int	reindex_message_key(const char *s, size_t n, char key[KEY_HEX_SIZE]);

struct reindex_counts {
	size_t	messages;	/* files read */
	size_t	keys;		/* of them with one of our Message-IDs */
};

/*
 * Marks seen, in one transaction, the key of every message of the spool
 * and its Maildir++ folders.  0, or -1 with err (nothing recorded).
 */
int	reindex_spool(struct store *, const char *spool,
	    struct reindex_counts *, char *err, size_t errlen);

#endif
