/*
 * The poller's insides, shared by run.c (the loop side: timers, fetches,
 * signals, shutdown), poll_work.c (the thread-pool side: parse, deliver,
 * record) and reload.c (SIGHUP: the new config against the running one).
 * Not an interface for anything else.
 */
#ifndef POLLER_H
#define POLLER_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include <uv.h>

#include "config.h"
#include "fetch.h"
#include "store.h"
#include "xmalloc.h"

enum job_state {
	JOB_IDLE,
	JOB_WAITING,	/* due, waiting for a free place (poller.active) */
	JOB_FETCHING,
	JOB_WORKING,
	JOB_PAGES,	/* fetching its new entries' pages (pages.c) */
};

struct poller;
struct job;
struct entry;

/* One entry's page, fetched for its full text. */
struct job_page {
	struct job		*j;
	size_t			 entry;		/* index in job.fresh */
	int			 elsewhere;	/* another job fetches it */
	struct fetch_result	 res;
};

/*
 * One feed: its own copy of its config, its state and the poll under way.
 * Workers read conf and own st only while the job is JOB_WORKING, so the
 * loop changes either only when the job is idle.
 */
struct job {
	struct poller		*p;
	struct feed_conf	 conf;
	struct feed_conf	*next_conf;	/* a reload's, for after this poll */
	size_t			 slot;		/* its index in poller.jobs */
	int			 removed;	/* a reload dropped it */
	int			 failing;	/* counted in poller.failing */
	int			 closing;
	struct feed_state	 st;
	enum job_state		 state;
	uv_timer_t		 timer;		/* daemon: the next poll */
	uv_work_t		 work;
	struct job		*next_waiting;
	unsigned long		 rnd;		/* the worker's jitter */

	/* The fetch outcome, taken over from the fetcher. */
	struct fetch_result	 res;

	/* The worker's outcome, read back on the loop. */
	const char		*stage;		/* "fetch", "parse", "deliver", "state" */
	char			 err[512];
	char			 warning[512];
	int			 failed;
	int			 fatal;		/* spool or state unusable */
	int			 moved;		/* this poll followed a permanent move */
	int			 gone;		/* this poll got 410 Gone */
	const char		*why;		/* the schedule rule applied */
	long			 delay;		/* seconds to the next poll */
	size_t			 delivered;	/* a dry run's: would be */
	size_t			 skipped;	/* a first poll's older entries */
	size_t			 filtered;	/* entries a filter dropped */
	int			 cut_short;	/* the body ended inside the feed */
	time_t			 now;		/* when the worker started */

	/*
	 * Full text: the new entries the first worker leaves for the
	 * second while their pages are fetched (npages > 0 until then).
	 */
	struct entry		*fresh;
	size_t			 nfresh;
	char			(*older)[KEY_HEX_SIZE];
	size_t			 nolder;
	struct job_page		*pages;
	size_t			 npages;
	size_t			 pages_left;	/* fetches not answered yet */
	uv_after_work_cb	 pages_after;	/* for the second worker */
	struct fulltext_sites	*sites;		/* the rules its pages are read by */
};

struct poller {
	uv_loop_t		 loop;
	int			 once;
	int			 dry_run;	/* --once --dry-run: nothing written */
	int			 filter_test;	/* filter-test: every entry's verdict */
	const char		*config_path;	/* read again on SIGHUP */
	char			*spool;		/* fixed for the process's life */
	char			*output;
	char			*state_path;
	struct fetch_limits	 limits;
	char			*title;		/* the merged feed's; a reload may change it */
	char			*output_url;	/* its self link, or NULL; so may this */
	long			 max_entries;
	int			 group_stories;	/* group = yes */
	long			 story_window;	/* fixed for the process's life */
	struct store		*store;
	uv_mutex_t		 store_lock;
	struct group		*group;		/* commits the workers' deliveries */
	struct story_index	*stories;	/* NULL in a dry run */
	int			 stories_read;	/* its window read back */
	uv_mutex_t		 story_lock;	/* held before store_lock */
	struct fetcher		*fetcher;
	/*
	 * Keys whose pages are being fetched (1) or were (0), so that two
	 * feeds carrying one article fetch its page once; emptied whenever
	 * no page is under way.
	 */
	struct strmap		*page_keys;
	size_t			 pages_running;
	struct fulltext_sites	*sites;		/* [sites]; a reload's replace them */
	uv_sem_t		 hooks;		/* HOOKS_AT_ONCE places for exec */
	atomic_long		 exec_timeout;	/* seconds; a reload may change it */
	struct job		**jobs;		/* every live job, removed ones too */
	size_t			 njobs;
	size_t			 capjobs;
	size_t			 live;		/* jobs not removed */
	size_t			 failing;	/* of those, the ones failing */
	/*
	 * Fetched bodies wait for a worker in memory, so at most max_active
	 * jobs fetch or work at once; the others wait in line, in order.
	 */
	size_t			 active;
	size_t			 max_active;
	struct job		*waiting_head;
	struct job		*waiting_tail;
	size_t			 outstanding;	/* --once: jobs not done yet */
	int			 stopping;
	uv_signal_t		 sigterm;
	uv_signal_t		 sigint;
	uv_signal_t		 sighup;
	uv_timer_t		 stop_timer;	/* the deadline for in-flight work */
	uv_timer_t		 watchdog;

	uv_work_t		 merge_work;
	int			 merge_running;
	int			 merge_again;	/* new entries since it started */
	char			*merge_title;	/* what the running merge uses */
	char			*merge_url;
	long			 merge_max;
	int			 merge_group;
	char			 merge_err[512];
	struct serve_doc	*merge_doc;	/* what it wrote, to serve */
	struct serve_doc	*merge_stories;	/* its stories, NULL: merge_doc */
	struct serve_doc	*merge_page;	/* the page at / */
	struct server		*server;	/* [serve], or NULL */
	/* What /metrics counts besides polled and delivered (metrics.c). */
	struct poll_counts {
		unsigned long	 not_modified;
		unsigned long long bytes;	/* bodies fetched, decoded */
		unsigned long	 failures[5];	/* by stage: metrics.c */
		size_t		 stories;	/* the index's, when last read */
	}			 counts;
	char			*feed_id;	/* the merged feed's, from the state */

	/* The daily digest (digest_schedule.c); off when cfg is NULL. */
	struct digest_job {
		uv_timer_t	 timer;
		uv_work_t	 work;
		int		 running;
		struct config	*cfg;		/* the worker's while running */
		struct config	*next;		/* a reload's, for after it */
		time_t		 due;		/* the digest being written */
		time_t		 last;		/* the end of the last one written */
		/* Called when a digest ends while the poller stops. */
		void		(*stopped)(struct poller *);
		int		 failed;
		char		 err[512];
	}			 digest;

	size_t			 delivered;
	size_t			 polled;
	size_t			 failed;
	int			 fatal;
};

/* merge.c: the uv_work_t callback that rewrites the merged feed. */
void	merge_work(uv_work_t *);

/*
 * poll_work.c: the uv_work_t callback of a fetched job, and of a job
 * whose pages for full text were fetched (poll_pages_work); the first
 * leaves job.npages > 0 when its new entries want pages.
 */
void	poll_work(uv_work_t *);
void	poll_pages_work(uv_work_t *);
/* Frees what the first worker left for the second (job.fresh ...). */
void	job_pages_clear(struct job *);

/*
 * pages.c, on the loop: fetches the job's pages, then queues
 * poll_pages_work with done; when the poller stops, or its fetcher is
 * gone (pages_abandon), the pages count as failed.
 */
void	pages_fetch(struct job *, uv_after_work_cb done);
void	pages_abandon(struct job *, uv_after_work_cb done);
/* Records why the poll failed (the first reason only). */
void	job_fail(struct job *, const char *stage, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/*
 * Where the feed is polled: where it moved to (without credentials; see
 * job_poll), else the config's URL (with them).
 */
const char *job_target(const struct job *);

/* run.c, for reload.c. */
struct job *job_new(struct poller *, const struct feed_conf *);
int	job_start(struct job *, time_t now);
void	job_remove(struct job *);
void	job_apply_conf(struct job *, const struct feed_conf *, time_t now);

/* reload.c */
void	reload_config(struct poller *);

/*
 * digest_schedule.c: the daemon writes the day's digest at [digest] time
 * when the config gives it somewhere to go (dir, or mail = yes).
 * digest_schedule_start arms it; digest_schedule_config gives it a
 * reload's config (both keep a copy of what they need of cfg);
 * digest_schedule_cancel, on a stop signal, makes a digest under way
 * stop at its next summary_cmd, unwritten (the next start writes it);
 * digest_schedule_stop closes its timer (poller_shutdown waits for a
 * digest under way to end).
 */
void	digest_schedule_start(struct poller *, const struct config *cfg);
void	digest_schedule_config(struct poller *, const struct config *cfg);
void	digest_schedule_cancel(struct poller *);
void	digest_schedule_stop(struct poller *);

#endif
