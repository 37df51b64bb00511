/*
 * Tests for the SQLite state store: persistence across reopen, dedup keys,
 * recent-entry order and pruning, feed state round trips, and refusal of a
 * file that is not a database.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "entry_fixture.h"
#include "store.h"
#include "test.h"
#include "xmalloc.h"

static const char *tmpdir;		/* the scratch folder */

static char *
path_in(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}


/* Both steps of a delivery: pending, then seen. */
static int
add_entry(struct store *s, const struct entry *e)
{
	int rc = store_add_pending(s, e, "NAME");

	if (rc == -1)
		return -1;
	return store_delivered(s, e->key, e->feed_name, e->seen);
}

static int
add(struct store *s, const char *key, time_t date, time_t seen)
{
	struct entry e = entry_fixture(key, "A title", date);

	e.feed_name = "f";
	e.seen = seen;
	return add_entry(s, &e);
}

TEST(test_open_persist)
{
	struct store *s;
	char err[512], *p = path_in("persist.db");
	struct entry e = entry_fixture("aa01", "A title", 1000);

	e.seen = 2000;
	e.feed_title = "Feed Title";
	e.content = "<p>hi</p>";
	e.id = "guid-1";
	e.author = NULL;
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_is_seen(s, "aa01"), 0);
	ASSERT_INT(add_entry(s, &e), 0);
	ASSERT_INT(store_is_seen(s, "aa01"), 1);
	/* A second add of the same key is harmless. */
	ASSERT_INT(add_entry(s, &e), 0);
	store_close(s);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_is_seen(s, "aa01"), 1);
	ASSERT_INT(store_is_seen(s, "bb02"), 0);
	{
		struct entry *v;
		size_t n;

		ASSERT_INT(store_recent(s, 10, &v, &n), 0);
		ASSERT_INT(n, 1);
		if (n == 1) {
			ASSERT_STR(v[0].key, "aa01");
			ASSERT_STR(v[0].feed_name, "news");
			ASSERT_STR(v[0].feed_title, "Feed Title");
			ASSERT_STR(v[0].id, "guid-1");
			ASSERT(v[0].author == NULL);
			ASSERT_STR(v[0].content, "<p>hi</p>");
			ASSERT_INT(v[0].date, 1000);
			ASSERT_INT(v[0].seen, 2000);
		}
		store_entries_free(v, n);
	}
	store_close(s);
	free(p);
}

/* What store_pending_each hands over: a count and the last row. */
struct pending_seen {
	int	 n;
	char	 key[KEY_HEX_SIZE];
	char	 feed[32];
	char	 name[64];
};

static int
count_pending(const char *key, const char *feed, const char *name,
    void *arg)
{
	struct pending_seen *ps = arg;

	ps->n++;
	snprintf(ps->key, sizeof(ps->key), "%s", key);
	snprintf(ps->feed, sizeof(ps->feed), "%s", feed);
	snprintf(ps->name, sizeof(ps->name), "%s", name);
	return 0;
}

TEST(test_pending_then_seen)
{
	struct store *s;
	char err[512], *p = path_in("pending.db");
	struct entry e = entry_fixture("cc03", "A title", 1000);
	struct pending_seen ps = { 0 };

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_add_pending(s, &e, "NAME1"), 0);
	/* A pending key is not offered again, and a repeat is reported. */
	ASSERT_INT(store_is_seen(s, "cc03"), 1);
	ASSERT_INT(store_add_pending(s, &e, "NAME2"), 1);
	store_close(s);

	/* The intent survives a restart, with its feed and name. */
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_pending_each(s, count_pending, &ps), 0);
	ASSERT_INT(ps.n, 1);
	ASSERT_STR(ps.key, "cc03");
	ASSERT_STR(ps.feed, "news");
	ASSERT_STR(ps.name, "NAME1");
	ASSERT_INT(store_delivered(s, "cc03", "news", 3000), 0);
	ps.n = 0;
	ASSERT_INT(store_pending_each(s, count_pending, &ps), 0);
	ASSERT_INT(ps.n, 0);
	ASSERT_INT(store_is_seen(s, "cc03"), 1);
	store_close(s);
	free(p);
}

/*
 * The reader sees what the main connection committed, pending keys
 * included, and reads on while the main one holds a write transaction.
 */
TEST(test_reader)
{
	struct store *s;
	char err[512], *p = path_in("reader.db");
	struct entry e = entry_fixture("dd04", "A title", 1000);
	struct stat sb;
	char *wal;

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(add(s, "aa01", 1000, 2000), 0);
	ASSERT_INT(store_read_begin(s), 0);
	ASSERT_INT(store_read_seen(s, "aa01"), 1);
	ASSERT_INT(store_read_seen(s, "dd04"), 0);
	store_read_end(s);

	/* A commit under way on the main connection blocks no lookup. */
	ASSERT_INT(store_begin(s), 0);
	ASSERT_INT(store_add_pending(s, &e, "NAME"), 0);
	ASSERT_INT(store_read_begin(s), 0);
	ASSERT_INT(store_read_seen(s, "aa01"), 1);
	ASSERT_INT(store_read_seen(s, "dd04"), 0);	/* not committed yet */
	store_read_end(s);
	ASSERT_INT(store_commit(s), 0);

	/* The next read transaction sees the commit: pending counts. */
	ASSERT_INT(store_read_begin(s), 0);
	ASSERT_INT(store_read_seen(s, "dd04"), 1);
	store_read_end(s);
	store_close(s);
	/* Closed last, the main connection checkpointed the WAL away. */
	wal = xasprintf("%s-wal", p);
	ASSERT(stat(wal, &sb) == -1 || sb.st_size == 0);
	free(wal);
	free(p);
}

TEST(test_recent_order_limit)
{
	struct store *s;
	struct entry *v;
	size_t n;
	char err[512], *p = path_in("order.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_begin(s), 0);
	ASSERT_INT(add(s, "k3", 300, 10), 0);
	ASSERT_INT(add(s, "k1", 100, 10), 0);
	ASSERT_INT(add(s, "k2b", 200, 20), 0);	/* same date, seen later */
	ASSERT_INT(add(s, "k2a", 200, 10), 0);
	ASSERT_INT(add(s, "k2c", 200, 10), 0);	/* tie broken by key */
	ASSERT_INT(store_commit(s), 0);

	ASSERT_INT(store_recent(s, 100, &v, &n), 0);
	ASSERT_INT(n, 5);
	if (n == 5) {
		ASSERT_STR(v[0].key, "k3");
		ASSERT_STR(v[1].key, "k2b");
		ASSERT_STR(v[2].key, "k2a");
		ASSERT_STR(v[3].key, "k2c");
		ASSERT_STR(v[4].key, "k1");
	}
	store_entries_free(v, n);

	ASSERT_INT(store_recent(s, 2, &v, &n), 0);
	ASSERT_INT(n, 2);
	if (n == 2) {
		ASSERT_STR(v[0].key, "k3");
		ASSERT_STR(v[1].key, "k2b");
	}
	store_entries_free(v, n);
	store_close(s);
	free(p);
}

TEST(test_rollback)
{
	struct store *s;
	char err[512], *p = path_in("rollback.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_begin(s), 0);
	ASSERT_INT(add(s, "gone", 1, 1), 0);
	store_rollback(s);
	ASSERT_INT(store_is_seen(s, "gone"), 0);
	store_rollback(s);	/* no transaction: a no-op */
	ASSERT_INT(store_commit(s), -1);	/* nothing to commit */
	ASSERT(strstr(store_errmsg(s), "COMMIT") != NULL);
	store_close(s);
	free(p);
}

TEST(test_prune_keeps_keys)
{
	struct store *s;
	struct entry *v;
	size_t n;
	char err[512], *p = path_in("prune.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(add(s, "p1", 100, 1), 0);
	ASSERT_INT(add(s, "p2", 200, 1), 0);
	ASSERT_INT(add(s, "p3", 300, 1), 0);
	ASSERT_INT(add(s, "p4", 400, 1), 0);
	ASSERT_INT(store_prune(s, 2), 0);
	ASSERT_INT(store_recent(s, 10, &v, &n), 0);
	ASSERT_INT(n, 2);
	if (n == 2) {
		ASSERT_STR(v[0].key, "p4");
		ASSERT_STR(v[1].key, "p3");
	}
	store_entries_free(v, n);
	ASSERT_INT(store_is_seen(s, "p1"), 1);
	ASSERT_INT(store_is_seen(s, "p2"), 1);
	/* A pruned key stays seen and is not brought back by a re-add. */
	ASSERT_INT(store_prune(s, 0), 0);
	ASSERT_INT(store_recent(s, 10, &v, &n), 0);
	ASSERT_INT(n, 0);
	store_entries_free(v, n);
	ASSERT_INT(store_is_seen(s, "p4"), 1);
	store_close(s);
	free(p);
}

static void
collect(const char *name, const struct feed_state *st, void *arg)
{
	struct buf *b = arg;

	buf_printf(b, "%s:%ld:%s;", name, st->delivered,
	    st->etag != NULL ? st->etag : "-");
}

TEST(test_feed_state)
{
	struct store *s;
	struct feed_state st, got;
	struct buf b;
	char err[512], *p = path_in("feeds.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_feed_get(s, "unknown", &got), 0);
	ASSERT(got.url == NULL && got.etag == NULL);
	ASSERT_INT(got.last_poll, 0);
	ASSERT_INT(got.failures, 0);

	memset(&st, 0, sizeof(st));
	st.url = (char *)"http://127.0.0.1:8080/b.xml";
	st.etag = (char *)"\"abc\"";
	st.last_modified = NULL;
	st.title = (char *)"B \xed\x95\x9c";
	st.last_poll = 1700000000;
	st.last_status = 304;
	st.last_error = NULL;
	st.delivered = 42;
	st.failures = 3;
	st.next_due = 1700000900;
	st.ttl = 60;
	st.server_wait = 7200;
	ASSERT_INT(store_feed_put(s, "beta", &st), 0);
	st.etag = NULL;
	st.delivered = 7;
	st.last_error = (char *)"HTTP 500";
	ASSERT_INT(store_feed_put(s, "alpha", &st), 0);
	store_close(s);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_feed_get(s, "beta", &got), 0);
	ASSERT_STR(got.url, "http://127.0.0.1:8080/b.xml");
	ASSERT_STR(got.etag, "\"abc\"");
	ASSERT(got.last_modified == NULL);
	ASSERT_STR(got.title, "B \xed\x95\x9c");
	ASSERT_INT(got.last_poll, 1700000000);
	ASSERT_INT(got.last_status, 304);
	ASSERT(got.last_error == NULL);
	ASSERT_INT(got.delivered, 42);
	ASSERT_INT(got.failures, 3);
	ASSERT_INT(got.next_due, 1700000900);
	ASSERT_INT(got.ttl, 60);
	ASSERT_INT(got.server_wait, 7200);
	feed_state_clear(&got);
	ASSERT(got.url == NULL);

	ASSERT_INT(store_feed_get(s, "alpha", &got), 0);
	ASSERT(got.etag == NULL);
	ASSERT_STR(got.last_error, "HTTP 500");
	feed_state_clear(&got);

	/* Overwrite: the last put wins. */
	st.delivered = 8;
	ASSERT_INT(store_feed_put(s, "alpha", &st), 0);

	buf_init(&b);
	ASSERT_INT(store_feed_each(s, collect, &b), 0);
	ASSERT_STR(b.data, "alpha:8:-;beta:42:\"abc\";");
	buf_free(&b);
	store_close(s);
	free(p);
}

static int
file_equals(const char *path, const char *want, size_t len)
{
	char got[256];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	n = read(fd, got, sizeof(got));
	close(fd);
	return n == (ssize_t)len && memcmp(got, want, len) == 0;
}

/* Whether the state's pending table has a column called name. */
static int
pending_has_column(const char *path, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "PRAGMA table_info(pending)", -1, &st,
	    NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			found |= strcmp((const char *)sqlite3_column_text(st, 1),
			    name) == 0;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return found;
}

/*
 * A state of schema 3 kept each pending message in its row; the next
 * version drops that copy and keeps the row.
 */
TEST(test_migrates_pending)
{
	struct store *s;
	struct pending_seen ps = { 0 };
	char err[512], *p = path_in("v3.db");
	sqlite3 *db;

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(pending_has_column(p, "message"), 0);
	/* Back to schema 3, with a row of that version. */
	ASSERT_INT(sqlite3_open(p, &db), SQLITE_OK);
	ASSERT_INT(sqlite3_exec(db, "ALTER TABLE pending ADD COLUMN message "
	    "BLOB NOT NULL DEFAULT x'';"
	    "ALTER TABLE feeds DROP COLUMN ttl;"
	    "ALTER TABLE feeds DROP COLUMN server_wait;"
	    "INSERT INTO pending (key, feed, name, message) "
	    "VALUES ('ee05', 'news', 'NAME5', x'6d7367');"
	    "PRAGMA user_version = 3;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ASSERT_INT(pending_has_column(p, "message"), 1);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_pending_each(s, count_pending, &ps), 0);
	ASSERT_INT(ps.n, 1);
	ASSERT_STR(ps.key, "ee05");
	ASSERT_STR(ps.name, "NAME5");
	ASSERT_INT(store_is_seen(s, "ee05"), 1);
	store_close(s);
	ASSERT_INT(pending_has_column(p, "message"), 0);
	free(p);
}

/*
 * A state of schema 4 had no schedule inputs: its feeds keep their rows
 * and read as "no <ttl>, no server wait".
 */
TEST(test_migrates_schedule_inputs)
{
	struct store *s;
	struct feed_state got;
	char err[512], *p = path_in("v4.db");
	sqlite3 *db;

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(sqlite3_open(p, &db), SQLITE_OK);
	ASSERT_INT(sqlite3_exec(db, "ALTER TABLE feeds DROP COLUMN ttl;"
	    "ALTER TABLE feeds DROP COLUMN server_wait;"
	    "INSERT INTO feeds (name, url, last_poll, failures, next_due) "
	    "VALUES ('old', 'http://127.0.0.1/old.xml', 1700000000, 2, "
	    "1700003600);"
	    "PRAGMA user_version = 4;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_feed_get(s, "old", &got), 0);
	ASSERT_STR(got.url, "http://127.0.0.1/old.xml");
	ASSERT_INT(got.failures, 2);
	ASSERT_INT(got.next_due, 1700003600);
	ASSERT_INT(got.ttl, 0);
	ASSERT_INT(got.server_wait, -1);
	feed_state_clear(&got);
	store_close(s);
	free(p);
}

TEST(test_corrupt_refused)
{
	static const char junk[] = "this is not an SQLite database, but a "
	    "text file that happens to be where the state should be\n";
	struct store *s = (struct store *)1;
	char err[512], *p = path_in("junk.db");
	char *wal = path_in("junk.db-wal");
	FILE *f;

	f = fopen(p, "w");
	ASSERT(f != NULL);
	if (f == NULL)
		return;
	fputs(junk, f);
	fclose(f);
	err[0] = '\0';
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), -1);
	ASSERT(s == NULL);
	ASSERT(strstr(err, "is not a valid database") != NULL);
	ASSERT(strstr(err, p) != NULL);
	ASSERT(file_equals(p, junk, sizeof(junk) - 1));
	ASSERT(access(wal, F_OK) == -1);
	free(wal);
	free(p);
}

TEST(test_unopenable)
{
	struct store *s;
	char err[512], *p = path_in("no/such/dir/state.db");

	err[0] = '\0';
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), -1);
	ASSERT(strstr(err, "state file") != NULL);
	free(p);
}

int
main(void)
{
	tmpdir = test_dir("t_store");
	RUN(test_open_persist);
	RUN(test_pending_then_seen);
	RUN(test_recent_order_limit);
	RUN(test_rollback);
	RUN(test_prune_keeps_keys);
	RUN(test_feed_state);
	RUN(test_reader);
	RUN(test_migrates_pending);
	RUN(test_migrates_schedule_inputs);
	RUN(test_corrupt_refused);
	RUN(test_unopenable);
	return TEST_DONE();
}
