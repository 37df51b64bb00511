/*
 * The digest (SPEC "Digest"): the stories that gained entries in a period,
 * one section each, with every outlet that covered it, a headline and a
 * summary.  digest_build reads the state; the renderers (digest_jekyll.c,
 * digest_mail.c, digest_atom.c) only format what it gathered, so the
 * same state gives the same bytes.
 */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>
#include <time.h>

#include <uv.h>

#include "entry.h"

struct config;
struct store;

enum digest_format {
	DIGEST_JEKYLL,
	DIGEST_MAIL,
	DIGEST_ATOM,
};

/* An outlet of a story: its name and its earliest entry's link. */
struct digest_source {
	char	*name;
	char	*link;		/* canonical; NULL when the entry had none */
};

struct digest_section {
	char			*story;		/* the story's id */
	char			*headline;
	char			*summary;	/* plain text, may be empty */
	char			*link;		/* the main source: the best entry's */
	char			*host;		/* its host, without "www." */
	struct digest_source	*sources;	/* by their first entry's time */
	size_t			 nsources;
	time_t			 newest;	/* its newest entry in the period */
};

struct digest {
	char			 day[11];	/* YYYY-MM-DD, in the zone */
	char			 date[32];	/* "2025-11-04 00:06:32 +0900" */
	char			*title;		/* "2025-11-04 AI 뉴스" */
	time_t			 since;		/* the period: [since, until) */
	time_t			 until;
	time_t			 at;		/* the digest's own time */
	struct digest_section	*v;
	size_t			 n;
	size_t			 failed_cmds;	/* summary_cmd failures */
};

/*
 * Gathers the digest of [since, until), dated at, from the state (NULL: a
 * state not made yet, which holds no story; lock, when not NULL, held
 * while it is read: summary_cmd runs without it), with
 * cfg's [digest] and [publishers]; the zone must be in use (zone.h).  A
 * failing summary_cmd is logged, one line per story, and the built-in
 * summary used.  0, or -1 with err: the state could not be read, or the
 * runs of summary_cmd were cancelled (command_cancel: the process is
 * stopping).
 */
int	digest_build(struct store *, uv_mutex_t *lock, const struct config *cfg,
	    time_t since, time_t until, time_t at, struct digest *out,
	    char *err, size_t errlen);
void	digest_free(struct digest *);

/* The digest as a document of format: allocated, its length in *len. */
char	*digest_render(const struct digest *, const struct config *cfg,
	    enum digest_format, size_t *len);
char	*digest_jekyll(const struct digest *, const struct config *cfg,
	    size_t *len);
char	*digest_mail(const struct digest *, const struct config *cfg,
	    size_t *len);
char	*digest_atom(const struct digest *, const struct config *cfg,
	    size_t *len);

/* "YYYY-MM-DD-SLUG.md": the post's file name, the slug from the title. */
char	*digest_file_name(const struct digest *, const struct config *cfg);
/* The key of the digest's message: its Message-ID and maildir name. */
void	digest_mail_key(const struct digest *, const struct config *cfg,
	    char key[KEY_HEX_SIZE]);

/*
 * The daemon's digests (digest_publish.c).  digest_due is when the digest
 * after the one that ended at last (0: none yet) is due, at cfg's time in
 * its zone: the latest such moment up to now when it is after last (due
 * now, late if the daemon was down then), else the next one.
 */
time_t	digest_due(const struct config *cfg, time_t last, time_t now);
/*
 * Writes the digest due at until, of the period since the last one (or
 * the day before until), exactly once: the post into [digest] dir when
 * set, the message into spool when mail = yes.  Both are written to
 * synced temporary files, recorded in the state with them, then put in
 * place, and the record finished; a crash in between is finished by
 * digest_recover at the next start.  A digest with no story writes no
 * file and is recorded all the same.  lock is held around the state
 * work.  0, or -1 with err (nothing recorded: it is written again later).
 */
int	digest_publish(struct store *, uv_mutex_t *lock, const struct config *cfg,
	    const char *spool, time_t until, char *err, size_t errlen);
/*
 * aggregator digest (digest_cli.c): argv[0] is "digest", path the config
 * file; quiet says nothing on success.  Returns the exit status.
 */
int	digest_command(const char *path, int argc, char **argv, int quiet);

/* Puts in place what digests a crash interrupted left.  0, or -1. */
int	digest_recover(struct store *, const char *spool, char *err,
	    size_t errlen);

#endif
