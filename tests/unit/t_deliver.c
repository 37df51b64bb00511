/*
 * The delivery protocol: a batch lands once in new/, and recovery finishes
 * what a crash left pending without ever making a second file, also when a
 * reader moved the message to cur/.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deliver.h"
#include "log.h"
#include "maildir.h"
#include "store.h"
#include "test.h"

static char top[] = "/tmp/t_deliver.XXXXXX";

static struct entry
mkentry(const char *keychar, char *title)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	memset(e.key, keychar[0], KEY_HEX_LEN);
	e.key[KEY_HEX_LEN] = '\0';
	e.feed_name = "news";
	e.feed_title = "News";
	e.feed_url = "http://127.0.0.1/feed.xml";
	e.title = title;
	e.link = "http://127.0.0.1/a";
	e.content = "<p>hi</p>";
	e.date = e.seen = 1700000000;
	return e;
}

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

static void
setup(const char *name, char *spool, size_t size, struct store **s)
{
	char err[512], db[512];

	snprintf(spool, size, "%s/%s", top, name);
	snprintf(db, sizeof(db), "%s/%s.db", top, name);
	if (maildir_init(spool, err, sizeof(err)) == -1 ||
	    store_open(db, s, err, sizeof(err)) == -1) {
		printf("# setup: %s\n", err);
		exit(1);
	}
}

TEST(batch_lands_once)
{
	struct entry v[3] = { mkentry("a", "A"), mkentry("b", "B"),
	    mkentry("a", "A again") };
	struct store *s;
	char spool[512], err[512];
	size_t n;

	setup("batch", spool, sizeof(spool), &s);
	ASSERT_INT(deliver_batch(s, spool, v, 3, &n, err, sizeof(err)), 0);
	/* The repeated key within the batch is delivered once. */
	ASSERT_INT(n, 2);
	ASSERT_INT(count_files(spool, "new", NULL), 2);
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(s, v[0].key), 1);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(spool, "new", NULL), 2);
	store_close(s);
}

/* Leaves e pending as a crash right after the intent would. */
static void
crash_after_intent(struct store *s, const struct entry *e, char *name,
    size_t size)
{
	maildir_name(e->key, name, size);
	store_add_pending(s, e, name, "Subject: x\n\nbody\n", 17);
}

TEST(recover_writes_missing)
{
	struct entry e = mkentry("c", "C");
	struct store *s;
	char spool[512], err[512], name[256], path[1024];
	size_t n;
	FILE *fp;

	setup("missing", spool, sizeof(spool), &s);
	crash_after_intent(s, &e, name, sizeof(name));
	/* A partial file in tmp/ from the crash must not be trusted. */
	snprintf(path, sizeof(path), "%s/tmp/%s", spool, name);
	fp = fopen(path, "w");
	fputs("Subj", fp);
	fclose(fp);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 1);
	ASSERT_INT(count_files(spool, "new", e.key), 1);
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	snprintf(path, sizeof(path), "%s/new/%s", spool, name);
	{
		struct stat sb;

		ASSERT_INT(stat(path, &sb), 0);
		ASSERT_INT(sb.st_size, 17);
	}
	ASSERT_INT(store_is_seen(s, e.key), 1);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(spool, "new", e.key), 1);
	store_close(s);
}

TEST(recover_finds_moved)
{
	struct entry e = mkentry("d", "D");
	struct store *s;
	char spool[512], err[512], name[256], from[1024], to[1024];
	size_t n;

	setup("moved", spool, sizeof(spool), &s);
	crash_after_intent(s, &e, name, sizeof(name));
	ASSERT_INT(maildir_put(spool, name, "m\n", 2, err, sizeof(err)), 0);
	/* A reader saw it and moved it, flagged, to cur/. */
	snprintf(from, sizeof(from), "%s/new/%s", spool, name);
	snprintf(to, sizeof(to), "%s/cur/%s:2,S", spool, name);
	ASSERT_INT(rename(from, to), 0);
	ASSERT_INT(maildir_find(spool, name), 1);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	ASSERT_INT(count_files(spool, "new", NULL), 0);
	ASSERT_INT(count_files(spool, "cur", e.key), 1);
	ASSERT_INT(store_is_seen(s, e.key), 1);
	store_close(s);
}

TEST(find_needs_whole_name)
{
	struct store *s;
	char spool[512], err[512], path[1024];
	FILE *fp;

	setup("find", spool, sizeof(spool), &s);
	snprintf(path, sizeof(path), "%s/cur/1.M1P1Q10.k.host:2,", spool);
	fp = fopen(path, "w");
	fclose(fp);
	/* "…Q1" is a prefix of "…Q10" but not the same message. */
	ASSERT_INT(maildir_find(spool, "1.M1P1Q1"), 0);
	ASSERT_INT(maildir_find(spool, "1.M1P1Q10.k.host"), 1);
	(void)err;
	store_close(s);
}

TEST(failed_rename_leaves_entries_unseen)
{
	struct entry v[2] = { mkentry("e", "E"), mkentry("f", "F") };
	struct store *s;
	char spool[512], err[512] = "", path[1024];
	size_t n;

	setup("fail", spool, sizeof(spool), &s);
	/* new/ unusable: the rename fails, as on a broken spool. */
	snprintf(path, sizeof(path), "%s/new", spool);
	rmdir(path);
	ASSERT_INT(deliver_batch(s, spool, v, 2, &n, err, sizeof(err)), -1);
	ASSERT_INT(n, 0);
	ASSERT(strstr(err, "rename") != NULL);
	/* Neither row nor file is left: the entries are simply new again. */
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(s, v[0].key), 0);
	ASSERT_INT(store_is_seen(s, v[1].key), 0);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 0);
	/* new/ is back: the next delivery brings both, once. */
	mkdir(path, 0700);
	ASSERT_INT(deliver_batch(s, spool, v, 2, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 2);
	ASSERT_INT(count_files(spool, "new", NULL), 2);
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(s, v[1].key), 1);
	store_close(s);
}

/*
 * A pending row of this version holds no message: the file was durable
 * before the row.  Still in tmp/, it is published; nowhere, a reader
 * deleted it after delivery, and it is not written again.
 */
TEST(recover_rows_without_message)
{
	struct entry a = mkentry("g", "G"), b = mkentry("h", "H");
	struct store *s;
	char spool[512], err[512], na[256], nb[256];
	size_t n;

	setup("rows", spool, sizeof(spool), &s);
	maildir_name(a.key, na, sizeof(na));
	maildir_name(b.key, nb, sizeof(nb));
	ASSERT_INT(maildir_write_tmp(spool, na, "m\n", 2, err, sizeof(err)),
	    0);
	ASSERT_INT(maildir_sync_tmp(spool, err, sizeof(err)), 0);
	ASSERT_INT(maildir_find(spool, na), 2);
	ASSERT_INT(store_add_pending(s, &a, na, "", 0), 0);
	ASSERT_INT(store_add_pending(s, &b, nb, "", 0), 0);
	ASSERT_INT(deliver_recover(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n, 1);
	ASSERT_INT(count_files(spool, "new", a.key), 1);
	ASSERT_INT(count_files(spool, "new", b.key), 0);
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	ASSERT_INT(store_is_seen(s, a.key), 1);
	ASSERT_INT(store_is_seen(s, b.key), 1);
	store_close(s);
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
 * Two feeds committed together: the article both carry lands once, each
 * feed's state is written with the keys, and tmp/ is left empty.
 */
TEST(commit_of_two_feeds)
{
	struct entry v1[2] = { mkentry("i", "I"), mkentry("j", "J") };
	struct entry v2[2] = { mkentry("j", "J too"), mkentry("k", "K") };
	struct delivery d1, d2, *ds[2] = { &d1, &d2 };
	struct feed_state st1, st2, got;
	struct store *s;
	char spool[512];

	setup("two", spool, sizeof(spool), &s);
	memset(&st1, 0, sizeof(st1));
	memset(&st2, 0, sizeof(st2));
	st1.url = (char *)"http://127.0.0.1/1";
	st2.url = (char *)"http://127.0.0.1/2";
	deliver_init(&d1, v1, 2);
	deliver_init(&d2, v2, 2);
	d1.record = d2.record = record_state;
	d1.arg = &st1;
	d2.arg = &st2;
	ASSERT_INT(deliver_prepare(&d1, spool), 0);
	ASSERT_INT(deliver_prepare(&d2, spool), 0);
	ASSERT_INT(count_files(spool, "tmp", NULL), 4);
	ASSERT_INT(deliver_commit(s, NULL, spool, ds, 2), 0);
	ASSERT_INT(d1.delivered + d2.delivered, 3);
	ASSERT_INT(count_files(spool, "new", NULL), 3);
	ASSERT_INT(count_files(spool, "new", v1[1].key), 1);
	ASSERT_INT(count_files(spool, "tmp", NULL), 0);
	/* Both records point at "news": the second one stands. */
	ASSERT_INT(store_feed_get(s, "news", &got), 0);
	ASSERT_STR(got.url, "http://127.0.0.1/2");
	ASSERT_INT(got.delivered, (long)d2.delivered);
	feed_state_clear(&got);
	deliver_clear(&d1);
	deliver_clear(&d2);
	store_close(s);
}

/* Files a dead process of ours left in tmp/ go; a live one's stay. */
TEST(clean_tmp_orphans)
{
	struct store *s;
	char spool[512], err[512], mine[256], dead[256], alien[1024];
	char path[1024], *p;
	size_t removed;
	FILE *fp;

	setup("clean", spool, sizeof(spool), &s);
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
	ASSERT_INT(maildir_find(spool, mine), 2);
	ASSERT(access(alien, F_OK) == 0);
	store_close(s);
}

int
main(void)
{
	log_init(-1);
	if (mkdtemp(top) == NULL)
		return 1;
	RUN(batch_lands_once);
	RUN(recover_writes_missing);
	RUN(recover_finds_moved);
	RUN(find_needs_whole_name);
	RUN(failed_rename_leaves_entries_unseen);
	RUN(recover_rows_without_message);
	RUN(commit_of_two_feeds);
	RUN(clean_tmp_orphans);
	return TEST_DONE();
}
