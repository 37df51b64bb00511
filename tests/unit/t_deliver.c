/*
 * The delivery protocol, through the calls the program makes: a feed's
 * entries written into tmp/ and handed to the group commit land once in
 * new/, and recovery finishes what a crash left pending without ever
 * making a second file, also when a reader moved or deleted the message.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"
#include "entry_fixture.h"
#include "group.h"
#include "log.h"
#include "maildir.h"
#include "store.h"
#include "test.h"

static const char *top;		/* the scratch folder */

/* Files in dir/sub whose name holds key. */
static int
count_files(const char *dir, const char *sub, const char *key)
{
	char path[512];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((dp = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.' && (key == NULL ||
		    strstr(d->d_name, key) != NULL))
			n++;
	closedir(dp);
	return n;
}

/* Where name is: 1 new/ or cur/, 2 tmp/, 0 nowhere, -1 error. */
static int
where_is(const char *spool, const char *name)
{
	char *names[1] = { (char *)(uintptr_t)name };
	int where;

	return maildir_locate(spool, names, 1, &where) == -1 ? -1 : where;
}

/* Removes an empty maildir: its tmp/, new/ and cur/, then itself. */
static int
rmdir_maildir(const char *dir)
{
	char path[PATH_MAX];
	static const char *const subs[] = { "tmp", "new", "cur" };

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		if (rmdir(path) == -1)
			return -1;
	}
	return rmdir(dir);
}

/* A spool, its state and the group commit the workers hand entries to. */
struct rig {
	char		 spool[512];
	struct store	*s;
	uv_mutex_t	 lock;
	struct group	*g;
};

static void
rig_open(struct rig *r, const char *name)
{
	char err[512], db[512];

	snprintf(r->spool, sizeof(r->spool), "%s/%s", top, name);
	snprintf(db, sizeof(db), "%s/%s.db", top, name);
	if (maildir_init(r->spool, err, sizeof(err)) == -1 ||
	    store_open(db, &r->s, err, sizeof(err)) == -1 ||
	    uv_mutex_init(&r->lock) != 0) {
		printf("# setup: %s\n", err);
		exit(1);
	}
	r->g = group_new(r->s, &r->lock, r->spool);
}

static void
rig_close(struct rig *r)
{
	group_free(r->g);
	uv_mutex_destroy(&r->lock);
	store_close(r->s);
}

/*
 * What a worker does with a feed's new entries (poll_work.c): writes them
 * into tmp/ and hands them to the group commit.  0, or -1 with err.
 */
static int
deliver(struct rig *r, const struct entry *v, size_t n, size_t *delivered,
    char *err, size_t errlen)
{
	struct delivery d;
	int rc;

	deliver_init(&d, v, n);
	deliver_prepare(&d, r->spool);
	group_submit(r->g, &d);
	*delivered = d.delivered;
	rc = d.failed || d.state_failed ? -1 : 0;
	snprintf(err, errlen, "%s", d.err);
	deliver_clear(&d);
	return rc;
}

TEST(batch_lands_once)
{
	struct entry v[3] = {
		entry_fixture("a", "A", FIXTURE_DATE),
		entry_fixture("b", "B", FIXTURE_DATE),
		entry_fixture("a", "A again", FIXTURE_DATE),
	};
	struct rig r;
	char err[512];
	size_t n;

	rig_open(&r, "batch");
	ASSERT_INT(deliver(&r, v, 3, &n, err, sizeof(err)), 0);
	/* The repeated key within the batch is delivered once. */
	ASSERT_INT(n, 2);
	ASSERT_INT(count_files(r.spool, "new", NULL), 2);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(r.s, v[0].key), 1);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(r.spool, "new", NULL), 2);
	rig_close(&r);
}

/*
 * Leaves e pending as a crash right after step 2 would: its message
 * durable in tmp/, its row committed.
 */
static void
crash_after_pending(struct rig *r, const struct entry *e, const char *msg,
    char *name, size_t size)
{
	char err[512];

	maildir_name(e->key, name, size);
	if (maildir_write_tmp(r->spool, name, msg, strlen(msg), err,
	    sizeof(err)) == -1 ||
	    maildir_sync_tmp(r->spool, err, sizeof(err)) == -1 ||
	    store_add_pending(r->s, e, NULL, name) == -1)
		printf("# crash_after_pending: %s\n", err);
}

/* What a crash left in tmp/ with its row is published, once and whole. */
TEST(recover_publishes_tmp)
{
	struct entry e = entry_fixture("c", "C", FIXTURE_DATE);
	struct rig r;
	char err[512], name[256], path[1024];
	struct stat sb;
	size_t n;

	rig_open(&r, "missing");
	crash_after_pending(&r, &e, "Subject: x\n\nbody\n", name,
	    sizeof(name));
	ASSERT_INT(where_is(r.spool, name), 2);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 1);
	ASSERT_INT(count_files(r.spool, "new", e.key), 1);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	snprintf(path, sizeof(path), "%s/new/%s", r.spool, name);
	ASSERT_INT(stat(path, &sb), 0);
	ASSERT_INT(sb.st_size, 17);
	ASSERT_INT(store_is_seen(r.s, e.key), 1);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(r.spool, "new", e.key), 1);
	rig_close(&r);
}

TEST(recover_finds_moved)
{
	struct entry e = entry_fixture("d", "D", FIXTURE_DATE);
	struct rig r;
	char err[512], name[256], from[1024], to[1024];
	size_t n;

	rig_open(&r, "moved");
	crash_after_pending(&r, &e, "m\n", name, sizeof(name));
	ASSERT_INT(maildir_publish(r.spool, name, err, sizeof(err)), 0);
	/* A reader saw it and moved it, flagged, to cur/. */
	snprintf(from, sizeof(from), "%s/new/%s", r.spool, name);
	snprintf(to, sizeof(to), "%s/cur/%s:2,S", r.spool, name);
	ASSERT_INT(rename(from, to), 0);
	ASSERT_INT(where_is(r.spool, name), 1);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(r.spool, "new", NULL), 0);
	ASSERT_INT(count_files(r.spool, "cur", e.key), 1);
	ASSERT_INT(store_is_seen(r.s, e.key), 1);
	rig_close(&r);
}

TEST(find_needs_whole_name)
{
	struct rig r;
	char path[1024];
	FILE *fp;

	rig_open(&r, "find");
	snprintf(path, sizeof(path), "%s/cur/1.M1P1Q10.k.host:2,", r.spool);
	fp = fopen(path, "w");
	fclose(fp);
	/* "…Q1" is a prefix of "…Q10" but not the same message. */
	ASSERT_INT(where_is(r.spool, "1.M1P1Q1"), 0);
	ASSERT_INT(where_is(r.spool, "1.M1P1Q10.k.host"), 1);
	rig_close(&r);
}

/* The story rows the state holds. */
static size_t
story_rows(struct store *s)
{
	struct entry *v;
	size_t n;

	if (store_stories(s, 0, 0, &v, &n) == -1)
		return (size_t)-1;
	store_entries_free(v, n);
	return n;
}

TEST(failed_rename_leaves_entries_unseen)
{
	struct entry v[2] = {
		entry_fixture("e", "E", FIXTURE_DATE),
		entry_fixture("f", "F", FIXTURE_DATE),
	};
	struct rig r;
	char err[512] = "", path[1024];
	size_t n;

	/* One story: each row goes with its pending one. */
	memcpy(v[0].story, v[0].key, KEY_HEX_SIZE);
	memcpy(v[1].story, v[0].key, KEY_HEX_SIZE);
	rig_open(&r, "fail");
	/* new/ unusable: the rename fails, as on a broken spool. */
	snprintf(path, sizeof(path), "%s/new", r.spool);
	rmdir(path);
	ASSERT_INT(deliver(&r, v, 2, &n, err, sizeof(err)), -1);
	ASSERT_INT(n, 0);
	ASSERT(strstr(err, "rename") != NULL);
	/* Neither row nor file is left: the entries are simply new again. */
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(r.s, v[0].key), 0);
	ASSERT_INT(store_is_seen(r.s, v[1].key), 0);
	ASSERT_INT(story_rows(r.s), 0);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	/* new/ is back: the next delivery brings both, once. */
	mkdir(path, 0700);
	ASSERT_INT(deliver(&r, v, 2, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 2);
	ASSERT_INT(count_files(r.spool, "new", NULL), 2);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(r.s, v[1].key), 1);
	ASSERT_INT(story_rows(r.s), 2);
	rig_close(&r);
}

/*
 * A row whose file is nowhere was delivered, and then deleted by a
 * reader (the file was durable before the row): it becomes seen and is
 * not written again, beside one still in tmp/, which is published.
 */
TEST(recover_deleted_by_reader)
{
	struct entry a = entry_fixture("g", "G", FIXTURE_DATE);
	struct entry b = entry_fixture("h", "H", FIXTURE_DATE);
	struct rig r;
	char err[512], na[256], nb[256], path[1024];
	size_t n;

	rig_open(&r, "rows");
	crash_after_pending(&r, &a, "m\n", na, sizeof(na));
	crash_after_pending(&r, &b, "m\n", nb, sizeof(nb));
	ASSERT_INT(maildir_publish(r.spool, nb, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/new/%s", r.spool, nb);
	ASSERT_INT(unlink(path), 0);
	ASSERT_INT(where_is(r.spool, na), 2);
	ASSERT_INT(where_is(r.spool, nb), 0);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 1);
	ASSERT_INT(count_files(r.spool, "new", a.key), 1);
	ASSERT_INT(count_files(r.spool, "new", b.key), 0);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(r.s, a.key), 1);
	ASSERT_INT(store_is_seen(r.s, b.key), 1);
	rig_close(&r);
}

static void
record_state(struct delivery *d, void *arg)
{
	struct feed_state *st = arg;

	st->delivered = (long)d->delivered;
	d->feed = "news";
	d->st = st;
}

/*
 * Two feeds committed in one group, as group.c's leader commits them (the
 * two halves, one after the other): the article both carry lands once,
 * each feed's state is written with the keys, and tmp/ is left empty.
 */
TEST(commit_of_two_feeds)
{
	struct entry v1[2] = {
		entry_fixture("i", "I", FIXTURE_DATE),
		entry_fixture("j", "J", FIXTURE_DATE),
	};
	struct entry v2[2] = {
		entry_fixture("j", "J too", FIXTURE_DATE),
		entry_fixture("k", "K", FIXTURE_DATE),
	};
	struct delivery d1, d2, *ds[2] = { &d1, &d2 };
	struct feed_state st1, st2, got;
	struct rig r;
	int recover = 0, left;

	rig_open(&r, "two");
	memset(&st1, 0, sizeof(st1));
	memset(&st2, 0, sizeof(st2));
	st1.url = (char *)"http://127.0.0.1/1";
	st2.url = (char *)"http://127.0.0.1/2";
	deliver_init(&d1, v1, 2);
	deliver_init(&d2, v2, 2);
	d1.record = d2.record = record_state;
	d1.arg = &st1;
	d2.arg = &st2;
	ASSERT_INT(deliver_prepare(&d1, r.spool), 0);
	ASSERT_INT(deliver_prepare(&d2, r.spool), 0);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 4);
	ASSERT_INT(deliver_pend(r.s, &r.lock, r.spool, ds, 2, &recover), 0);
	ASSERT_INT(deliver_finish(r.s, &r.lock, r.spool, ds, 2, &left), 0);
	ASSERT_INT(left, 0);
	ASSERT_INT(d1.delivered + d2.delivered, 3);
	ASSERT_INT(count_files(r.spool, "new", NULL), 3);
	ASSERT_INT(count_files(r.spool, "new", v1[1].key), 1);
	ASSERT_INT(count_files(r.spool, "tmp", NULL), 0);
	/* Both records point at "news": the second one stands. */
	ASSERT_INT(store_feed_get(r.s, "news", &got), 0);
	ASSERT_STR(got.url, "http://127.0.0.1/2");
	ASSERT_INT(got.delivered, (long)d2.delivered);
	feed_state_clear(&got);
	deliver_clear(&d1);
	deliver_clear(&d2);
	rig_close(&r);
}

/*
 * One commit delivers into the spool and into a folder, each message in
 * its own maildir; what a crash left pending in a folder, in a second
 * folder and in a folder a reader deleted is finished where it was.
 */
TEST(folders_deliver_and_recover)
{
	struct entry v1[1] = { entry_fixture("fa", "FA", FIXTURE_DATE) };
	struct entry v2[2] = {
		entry_fixture("fb", "FB", FIXTURE_DATE),
		entry_fixture("fc", "FC", FIXTURE_DATE),
	};
	struct entry e1 = entry_fixture("fd", "FD", FIXTURE_DATE);
	struct entry e2 = entry_fixture("fe", "FE", FIXTURE_DATE);
	struct entry e3 = entry_fixture("ff", "FF", FIXTURE_DATE);
	struct delivery d1, d2, *ds[2] = { &d1, &d2 };
	char err[512], dir[1024], name[256], gone[1024];
	struct rig r;
	int recover = 0, left;
	size_t n;

	rig_open(&r, "folders");
	deliver_init(&d1, v1, 1);
	deliver_init(&d2, v2, 2);
	d2.folder = ".News.Korea";
	ASSERT_INT(deliver_prepare(&d1, r.spool), 0);
	ASSERT_INT(deliver_prepare(&d2, r.spool), 0);
	ASSERT_INT(deliver_pend(r.s, &r.lock, r.spool, ds, 2, &recover), 0);
	ASSERT_INT(deliver_finish(r.s, &r.lock, r.spool, ds, 2, &left), 0);
	ASSERT_INT(d1.delivered + d2.delivered, 3);
	snprintf(dir, sizeof(dir), "%s/.News.Korea", r.spool);
	ASSERT_INT(count_files(r.spool, "new", NULL), 1);
	ASSERT_INT(count_files(r.spool, "new", v1[0].key), 1);
	ASSERT_INT(count_files(dir, "new", NULL), 2);
	ASSERT_INT(count_files(dir, "tmp", NULL), 0);
	/* Marked as a Maildir++ folder. */
	ASSERT_INT(count_files(dir, ".", "maildirfolder"), 1);
	deliver_clear(&d1);
	deliver_clear(&d2);

	/* Crashes after step 2 in two folders, one then deleted whole. */
	maildir_name(e1.key, name, sizeof(name));
	ASSERT_INT(maildir_write_tmp(dir, name, "m\n", 2, err,
	    sizeof(err)), 0);
	ASSERT_INT(store_add_pending(r.s, &e1, ".News.Korea", name), 0);
	snprintf(gone, sizeof(gone), "%s/.Gone", r.spool);
	ASSERT_INT(maildir_init(gone, err, sizeof(err)), 0);
	maildir_name(e2.key, name, sizeof(name));
	ASSERT_INT(maildir_write_tmp(gone, name, "m\n", 2, err,
	    sizeof(err)), 0);
	ASSERT_INT(store_add_pending(r.s, &e2, ".Gone", name), 0);
	maildir_discard(gone, name);
	ASSERT_INT(rmdir_maildir(gone), 0);
	maildir_name(e3.key, name, sizeof(name));
	ASSERT_INT(maildir_write_tmp(r.spool, name, "m\n", 2, err,
	    sizeof(err)), 0);
	ASSERT_INT(store_add_pending(r.s, &e3, NULL, name), 0);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 2);
	ASSERT_INT(count_files(dir, "new", e1.key), 1);
	ASSERT_INT(count_files(r.spool, "new", e1.key), 0);
	ASSERT_INT(count_files(r.spool, "new", e3.key), 1);
	ASSERT_INT(store_is_seen(r.s, e2.key), 1);
	ASSERT_INT(count_files(r.spool, "new", e2.key), 0);
	rig_close(&r);
}

/* Files a dead process of ours left in tmp/ go; a live one's stay. */
TEST(clean_tmp_orphans)
{
	struct rig r;
	char *spool = r.spool, err[512], mine[256], dead[256], alien[1024];
	char path[1024], *p;
	size_t removed;
	FILE *fp;

	rig_open(&r, "clean");
	maildir_name("cafe", mine, sizeof(mine));
	ASSERT_INT(maildir_write_tmp(spool, mine, "x", 1, err, sizeof(err)),
	    0);
	/* The same name with a pid that cannot run (above pid_max). */
	p = strchr(mine, 'P');
	snprintf(dead, sizeof(dead), "%.*sP99999999%s", (int)(p - mine),
	    mine, strchr(p, 'Q'));
	ASSERT_INT(maildir_write_tmp(spool, dead, "x", 1, err, sizeof(err)),
	    0);
	snprintf(alien, sizeof(alien), "%s/tmp/1.M1P99999999Q1.k.elsewhere",
	    spool);
	fp = fopen(alien, "w");
	fclose(fp);
	ASSERT_INT(maildir_clean_tmp(spool, &removed), 0);
	ASSERT_INT(removed, 1);
	snprintf(path, sizeof(path), "%s/tmp/%s", spool, dead);
	ASSERT(access(path, F_OK) == -1);
	ASSERT_INT(where_is(spool, mine), 2);
	ASSERT(access(alien, F_OK) == 0);
	rig_close(&r);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * 1 000 rows a crash left pending, all read and moved to cur/ by a reader,
 * beside 20 000 other messages there: recovery reads cur/ once, not once
 * per row (that took 4.6 s), and marks every key seen without a new file.
 */
TEST(recover_reads_cur_once)
{
	enum { ROWS = 1000, OTHERS = 20000 };
	struct rig r;
	struct entry e;
	struct timespec t0;
	char err[512], key[KEY_HEX_SIZE], name[256], one[1024], path[1024];
	size_t n;
	double took;
	int fd, ok;

	rig_open(&r, "scale");
	/* Links to one file: 21 000 inodes would take seconds to make. */
	snprintf(one, sizeof(one), "%s/message", top);
	ok = (fd = open(one, O_CREAT | O_WRONLY, 0600)) != -1;
	if (ok)
		close(fd);
	for (int i = 0; i < OTHERS && ok; i++) {
		snprintf(path, sizeof(path), "%s/cur/1.M1P1Q%d.other.host:2,S",
		    r.spool, i);
		ok = link(one, path) == 0;
	}
	ASSERT(ok);
	ASSERT_INT(store_begin(r.s), 0);
	for (int i = 0; i < ROWS && ok; i++) {
		snprintf(key, sizeof(key), "%064d", i);
		e = entry_fixture(key, "T", FIXTURE_DATE);
		maildir_name(e.key, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/cur/%s:2,S", r.spool, name);
		ok = link(one, path) == 0 &&
		    store_add_pending(r.s, &e, NULL, name) == 0;
	}
	ASSERT(ok);
	ASSERT_INT(store_commit(r.s), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_INT(deliver_recover(r.s, r.spool, &n, err, sizeof(err)), 0);
	took = seconds_since(&t0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(r.spool, "new", NULL), 0);
	ASSERT_INT(count_files(r.spool, "cur", NULL), ROWS + OTHERS);
	snprintf(key, sizeof(key), "%064d", ROWS - 1);
	ASSERT_INT(store_is_seen(r.s, key), 1);
	/* One scan takes milliseconds; a scan per row took seconds. */
	if (took > 1.0)
		TEST_FAIL("recovery of %d rows took %.2f s", ROWS, took);
	rig_close(&r);
}

int
main(void)
{
	log_init(-1);
	top = test_dir("t_deliver");
	RUN(batch_lands_once);
	RUN(recover_publishes_tmp);
	RUN(recover_finds_moved);
	RUN(find_needs_whole_name);
	RUN(failed_rename_leaves_entries_unseen);
	RUN(recover_deleted_by_reader);
	RUN(commit_of_two_feeds);
	RUN(folders_deliver_and_recover);
	RUN(clean_tmp_orphans);
	RUN(recover_reads_cur_once);
	return TEST_DONE();
}
