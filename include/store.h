/*
 * Persistent state in SQLite (WAL): the keys delivered or being delivered,
 * the data of recent entries for the merged feed, and per-feed HTTP
 * validators and status.  Two connections: the main one, whose
 * transactions callers serialise themselves, and a read-only one with a
 * lock of its own for the workers' seen checks (store_read_*).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <time.h>

#include "entry.h"

struct store;

/* What is kept about a feed between polls. */
struct feed_state {
	char	*url;		/* the config URL this state belongs to */
	char	*etag;		/* validators from the last 200 */
	char	*last_modified;
	char	*title;		/* the feed's own title, as last parsed */
	time_t	 last_poll;	/* 0 when never polled */
	long	 last_status;	/* HTTP status (0 for file:// or no answer) */
	char	*last_error;	/* one line, or NULL when the last poll was fine */
	long	 delivered;	/* entries delivered over the feed's lifetime */
	int	 failures;	/* consecutive failed polls */
	time_t	 next_due;	/* when the next poll is due, 0 if unknown */
	char	*moved_to;	/* where a 301/308 sent the feed, or NULL */
	time_t	 gone;		/* when the server said 410 Gone, or 0 */
	time_t	 first_good;	/* the feed's first good poll, 0 before it */
	/* What the schedule read at the last poll, to compute it again. */
	long	 ttl;		/* the last document's <ttl>, minutes; 0 none */
	long	 server_wait;	/* schedule_server_wait's seconds; -1 none */
};

/* Opens (creating when missing) the store at path.  0, or -1 with err. */
int	store_open(const char *path, struct store **out, char *err,
	    size_t errlen);
/*
 * Opens the existing store at path for reading only, creating no file
 * (a dry run): it must be of this program's schema version.  0, or -1
 * with err.  A NULL store reads as an empty one: store_feed_get and the
 * store_read_* lookups find nothing.
 */
int	store_open_readonly(const char *path, struct store **out, char *err,
	    size_t errlen);
/*
 * The same, without reading the whole file through to check it first: for
 * a command that only reads a part of a large state (the digest), a
 * damaged page is reported when it is read.
 */
int	store_open_reading(const char *path, struct store **out, char *err,
	    size_t errlen);
void	store_close(struct store *);

int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/* 1 when key was delivered (or is pending), 0 when not, -1 on error. */
int	store_is_seen(struct store *, const char *key);

/*
 * The same lookups on a second, read-only connection with a lock of its
 * own, so they need not wait for a commit on the first: store_read_begin
 * (0, or -1 with store_read_errmsg) opens a read transaction, and
 * store_read_end ends it, whatever begin returned.  What it reads may be a
 * commit behind; the pending step checks again.  A NULL store (a dry run
 * with no state yet) reads as an empty one.
 */
int	store_read_begin(struct store *);
int	store_read_seen(struct store *, const char *key);
/*
 * What else the entries without a link of the feed named name, now at
 * scope (the url_identity of its url), may have been keyed under: the
 * URLs it had before its url changed, and the config names states from
 * before keys were scoped by URL used.  *scopes is an allocated array of
 * *n allocated strings, none for most feeds.  0, or -1 with
 * store_read_errmsg.
 */
int	store_read_old_scopes(struct store *, const char *scope,
	    const char *name, char ***scopes, size_t *n);
const char *store_read_errmsg(struct store *);
void	store_read_end(struct store *);
/*
 * A key goes from absent to pending to seen, so that a crash at any
 * moment loses nothing and duplicates nothing (deliver.c has the
 * protocol): store_add_pending records the intent, the key with its feed,
 * Maildir++ folder (NULL: the spool) and maildir name, once the message is
 * durable in tmp/, and keeps the
 * entry's data for the merged feed and, when it has one, its story; it
 * returns 1 when the key is pending
 * already (a batch holding it twice).  Once the file is durable in new/,
 * store_delivered turns the key into a seen key.  store_pending_each
 * walks what a crash or a failure left pending; cb returning -1 stops the
 * walk.
 */
int	store_add_pending(struct store *, const struct entry *e,
	    const char *folder, const char *name);
int	store_delivered(struct store *, const char *key, const char *feed,
	    time_t when);
/*
 * Records key as seen without a delivery (the entries a first poll does
 * not deliver; a key read back from the spool).  0 or -1.
 */
int	store_mark_seen(struct store *, const char *key, const char *feed,
	    time_t when);
/*
 * Drops key's pending row, and the story recorded with it: the delivery
 * failed and will start afresh.
 */
int	store_forget_pending(struct store *, const char *key);
/*
 * The delivered entries' stories.  store_story_window walks the entries
 * seen since since, in the order they were recorded, for the index: cb
 * gets an entry with key, story, feed_name, feed_title, title, link,
 * published (entry_dated: the date grouping went by), seen and story_vec
 * set, and story_text and story_links only
 * where no story_vec was kept, borrowed for the call; returning -1 stops
 * the walk.  store_stories gives, for the listings, the entries seen
 * since from of the stories that have an entry seen since since, those
 * fields all set, story by story (a story's entries in the order they
 * were recorded; its root, whose key is its id, is not always the first:
 * feeds commit in groups), in an array freed by store_entries_free.
 * Both return 0 or -1.
 */
int	store_story_window(struct store *, time_t since,
	    int (*cb)(const struct entry *, void *), void *arg);
int	store_stories(struct store *, time_t since, time_t from,
	    struct entry **out, size_t *n);
/*
 * Every story entry seen in [from, until), in the order recorded, without
 * story_vec: the digest's, which sorts them into
 * stories itself.  0 or -1.
 */
int	store_story_period(struct store *, time_t from, time_t until,
	    struct entry **out, size_t *n);
/*
 * The digests written (digest_publish.c), one per day.  A digest is
 * recorded with the temporary files it is being written through (tmp,
 * the post's; mail, the message's maildir name) before they are put in
 * place, and store_digest_done clears them once they are, so a crash in
 * between is finished at the next start (store_digest_pending lists those
 * rows, freed with store_digest_records_free).  store_digest_last gives
 * the end of the newest digest's period, 0 when none was written.  All
 * return 0 or -1.
 */
struct digest_record {
	char	*day;		/* YYYY-MM-DD */
	time_t	 since;		/* its period: [since, until) */
	time_t	 until;
	char	*path;		/* the post; NULL: none (no story) */
	char	*tmp;		/* NULL once in place */
	char	*mail;		/* NULL once in place, or when none */
};
int	store_digest_last(struct store *, time_t *until);
int	store_digest_put(struct store *, const struct digest_record *);
int	store_digest_done(struct store *, const char *day);
int	store_digest_pending(struct store *, struct digest_record **out,
	    size_t *n);
void	store_digest_records_free(struct digest_record *, size_t n);
int	store_pending_each(struct store *, int (*cb)(const char *key,
	    const char *feed, const char *folder, const char *name,
	    void *arg), void *arg);
/*
 * The merged feed's size: entries older than the keep newest are not kept
 * by store_add_pending at all (0, the default, keeps every one).
 */
void	store_set_recent_limit(struct store *, size_t keep);
/* Drops the data (never the key) of all but the newest keep entries. */
int	store_prune(struct store *, size_t keep);
/*
 * The newest limit entries, newest first, their story set when they have
 * one, in an allocated array the caller frees with store_entries_free.
 * Returns 0 or -1.
 */
int	store_recent(struct store *, size_t limit, struct entry **out,
	    size_t *n);
void	store_entries_free(struct entry *, size_t);
/*
 * The merged feed's id, made once with the state and kept: allocated, or
 * NULL with store_errmsg.
 */
char	*store_merged_id(struct store *);

/* Fills st for the feed called name (zeroed when unknown).  0 or -1. */
int	store_feed_get(struct store *, const char *name, struct feed_state *st);
int	store_feed_put(struct store *, const char *name,
	    const struct feed_state *st);
/* Calls cb for every feed known to the store, ordered by name. */
int	store_feed_each(struct store *,
	    void (*cb)(const char *name, const struct feed_state *, void *),
	    void *arg);
void	feed_state_clear(struct feed_state *);

/* Last error message of the connection, for logging. */
const char *store_errmsg(struct store *);

#endif
