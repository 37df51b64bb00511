/*
 * The group commit under contention: threads hand in deliveries whose
 * articles overlap, while groups go through the two-stage pipeline; every
 * article lands exactly once and each delivery counts only its own.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver.h"
#include "entry_fixture.h"
#include "group.h"
#include "log.h"
#include "maildir.h"
#include "store.h"
#include "test.h"

#define THREADS		6
#define ROUNDS		12
#define PER_FEED	20
#define KEYS		150	/* fewer than THREADS * ROUNDS * PER_FEED */

static const char *top;		/* the scratch folder */
static char spool[512];

struct worker {
	pthread_t	 thread;
	int		 id;
	struct group	*g;
	size_t		 delivered;
	int		 failed;
	int		 recorded;	/* rounds whose record has run */
	int		 early;		/* submits that returned before it */
};

/*
 * Called in a group's second half.  Slow on purpose, so that the next
 * groups pile up behind it: a submit that returned before its group's
 * second half ran would show.
 */
static void
record(struct delivery *d, void *arg)
{
	struct worker *w = arg;

	(void)d;
	if (w->id % 2 == 0)
		usleep(2000);
	w->recorded++;
}

static int
key_of(int id, int round, int i)
{
	return (id * 37 + round * 11 + i) % KEYS;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct entry v[PER_FEED];
	struct delivery d;
	char key[KEY_HEX_SIZE];

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < PER_FEED; i++) {
			snprintf(key, sizeof(key), "%064x", key_of(w->id, r, i));
			v[i] = entry_fixture(key, "t", FIXTURE_DATE);
		}
		deliver_init(&d, v, PER_FEED);
		d.record = record;
		d.arg = w;
		if (deliver_prepare(&d, spool) == -1)
			w->failed = 1;
		group_submit(w->g, &d);
		w->early += w->recorded != r + 1;
		w->failed |= d.failed;
		w->delivered += d.delivered;
		deliver_clear(&d);
	}
	return NULL;
}

static int
count_new(void)
{
	char path[600];
	struct dirent *de;
	DIR *dp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/new", spool);
	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

TEST(overlapping_feeds_land_once)
{
	struct worker w[THREADS];
	struct store *s;
	struct group *g;
	uv_mutex_t lock;
	char err[512], db[600], key[KEY_HEX_LEN + 1];
	unsigned char used[KEYS] = { 0 };
	size_t total = 0;
	int distinct = 0;

	snprintf(spool, sizeof(spool), "%s/spool", top);
	snprintf(db, sizeof(db), "%s/state.db", top);
	if (maildir_init(spool, err, sizeof(err)) == -1 ||
	    store_open(db, &s, err, sizeof(err)) == -1 ||
	    uv_mutex_init(&lock) != 0) {
		TEST_FAIL("setup: %s", err);
		return;
	}
	g = group_new(s, &lock, spool);
	for (int t = 0; t < THREADS; t++) {
		w[t] = (struct worker){ .id = t, .g = g };
		pthread_create(&w[t].thread, NULL, work, &w[t]);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(w[t].thread, NULL);
		ASSERT_INT(w[t].failed, 0);
		ASSERT_INT(w[t].early, 0);
		total += w[t].delivered;
	}
	for (int t = 0; t < THREADS; t++)
		for (int r = 0; r < ROUNDS; r++)
			for (int i = 0; i < PER_FEED; i++)
				used[key_of(t, r, i)] = 1;
	for (int k = 0; k < KEYS; k++) {
		distinct += used[k];
		snprintf(key, sizeof(key), "%064x", k);
		ASSERT_INT(store_is_seen(s, key), used[k]);
	}
	ASSERT(distinct > 100);
	ASSERT_INT(total, (size_t)distinct);
	ASSERT_INT(count_new(), distinct);
	group_free(g);
	uv_mutex_destroy(&lock);
	store_close(s);
}

int
main(void)
{
	log_init(-1);
	top = test_dir("t_group");
	RUN(overlapping_feeds_land_once);
	return TEST_DONE();
}
