/*
 * Tests for the SQLite state store: persistence across reopen, dedup keys,
 * recent-entry order and pruning, feed state round trips, and refusal of a
 * file that is not a database.
 */
#include <fcntl.h>
#include <stdint.h>
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
	int rc = store_add_pending(s, e, NULL, "NAME");

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
	char	 folder[64];
};

static int
count_pending(const char *key, const char *feed, const char *folder,
    const char *name, void *arg)
{
	struct pending_seen *ps = arg;

	ps->n++;
	snprintf(ps->key, sizeof(ps->key), "%s", key);
	snprintf(ps->feed, sizeof(ps->feed), "%s", feed);
	snprintf(ps->name, sizeof(ps->name), "%s", name);
	snprintf(ps->folder, sizeof(ps->folder), "%s",
	    folder != NULL ? folder : "(spool)");
	return 0;
}

TEST(test_pending_then_seen)
{
	struct store *s;
	char err[512], *p = path_in("pending.db");
	struct entry e = entry_fixture("cc03", "A title", 1000);
	struct pending_seen ps = { 0 };

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_add_pending(s, &e, ".News.Korea", "NAME1"), 0);
	/* A pending key is not offered again, and a repeat is reported. */
	ASSERT_INT(store_is_seen(s, "cc03"), 1);
	ASSERT_INT(store_add_pending(s, &e, NULL, "NAME2"), 1);
	store_close(s);

	/* The intent survives a restart, with its feed, folder and name. */
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_pending_each(s, count_pending, &ps), 0);
	ASSERT_INT(ps.n, 1);
	ASSERT_STR(ps.key, "cc03");
	ASSERT_STR(ps.feed, "news");
	ASSERT_STR(ps.folder, ".News.Korea");
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
	ASSERT_INT(store_add_pending(s, &e, NULL, "NAME"), 0);
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
	ASSERT_INT(add(s, "k3", 300, 1000), 0);
	ASSERT_INT(add(s, "k1", 100, 1000), 0);
	ASSERT_INT(add(s, "k2b", 200, 2000), 0);	/* same date, seen later */
	ASSERT_INT(add(s, "k2a", 200, 1000), 0);
	ASSERT_INT(add(s, "k2c", 200, 1000), 0);	/* tie broken by key */
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

/*
 * An entry dated after it was first seen stands at that first sight; its
 * own dates and its feed's id are kept beside it.
 */
TEST(test_recent_future_and_dates)
{
	struct store *s;
	struct entry *v, e = entry_fixture("f9", "From the future", 253402300799);
	size_t n;
	char err[512], *p = path_in("future.db");

	e.seen = 1500;
	e.published = 253402300799;	/* 9999-12-31T23:59:59Z */
	e.updated = 1400;
	e.source_id = "tag:example.org,2024:feed";
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(add(s, "k2", 2000, 2000), 0);
	ASSERT_INT(add(s, "k1", 1000, 1000), 0);
	ASSERT_INT(add_entry(s, &e), 0);
	ASSERT_INT(store_recent(s, 10, &v, &n), 0);
	ASSERT_INT(n, 3);
	if (n == 3) {
		ASSERT_STR(v[0].key, "k2");
		ASSERT_STR(v[1].key, "f9");
		ASSERT_STR(v[2].key, "k1");
		ASSERT_INT(v[1].date, 1500);
		ASSERT_INT(v[1].seen, 1500);
		ASSERT_INT(v[1].published, 253402300799);
		ASSERT_INT(v[1].updated, 1400);
		ASSERT_STR(v[1].source_id, "tag:example.org,2024:feed");
		ASSERT_INT(v[2].published, 0);
		ASSERT_STR(v[2].source_id, NULL);
	}
	store_entries_free(v, n);
	store_close(s);
	free(p);
}

/* The merged feed's id is made once, kept, and every state has its own. */
TEST(test_merged_id)
{
	struct store *s;
	char err[512], *p = path_in("id-a.db"), *q = path_in("id-b.db");
	char *a, *a2, *b;

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	a = store_merged_id(s);
	store_close(s);
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	a2 = store_merged_id(s);
	store_close(s);
	ASSERT_INT(store_open(q, &s, err, sizeof(err)), 0);
	b = store_merged_id(s);
	store_close(s);
	ASSERT(a != NULL && a2 != NULL && b != NULL);
	if (a != NULL && a2 != NULL && b != NULL) {
		ASSERT_STR(a2, a);
		ASSERT(strcmp(a, b) != 0);
		/* urn:uuid: and a version 4 UUID. */
		ASSERT_INT(strlen(a), 45);
		ASSERT(strncmp(a, "urn:uuid:", 9) == 0);
		ASSERT_INT(strspn(a + 9, "0123456789abcdef-"), 36);
		ASSERT(a[17] == '-' && a[22] == '-' && a[27] == '-' &&
		    a[32] == '-');
		ASSERT(a[23] == '4');
		ASSERT(strchr("89ab", a[28]) != NULL);
	}
	free(a);
	free(a2);
	free(b);
	free(p);
	free(q);
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
	ASSERT_INT(add(s, "p1", 100, 1000), 0);
	ASSERT_INT(add(s, "p2", 200, 1000), 0);
	ASSERT_INT(add(s, "p3", 300, 1000), 0);
	ASSERT_INT(add(s, "p4", 400, 1000), 0);
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
	st.first_good = 1690000000;
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
	ASSERT_INT(got.first_good, 1690000000);
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
 * What each schema version from 5 on added, undone: a state taken back
 * to version v before one of them has the schema v had.
 */
static const char *const schema_undo[][2] = {
	{ "5", "ALTER TABLE feeds DROP COLUMN first_good;" },
	{ "6", "DROP TABLE key_scopes;" },
	{ "7", "DROP TABLE merged_feed;"
	    "ALTER TABLE recent DROP COLUMN published;"
	    "ALTER TABLE recent DROP COLUMN updated;"
	    "ALTER TABLE recent DROP COLUMN source_id;" },
	{ "8", "ALTER TABLE feeds DROP COLUMN ttl;"
	    "ALTER TABLE feeds DROP COLUMN server_wait;" },
	{ "9", "DROP TABLE story_entries;"
	    "ALTER TABLE pending DROP COLUMN story_row;"
	    "ALTER TABLE recent DROP COLUMN story;" },
	{ "10", "DROP TABLE digests;" },
	{ "11", "ALTER TABLE pending DROP COLUMN folder;" },
};

/* Takes the state at path back to schema version, then runs sql. */
static int
rewind_to(const char *path, int version, const char *sql)
{
	sqlite3 *db;
	char *all;
	int rc;
	size_t i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = SQLITE_OK;
	for (i = sizeof(schema_undo) / sizeof(schema_undo[0]);
	    i > 0 && rc == SQLITE_OK; i--)
		if (atoi(schema_undo[i - 1][0]) > version)
			rc = sqlite3_exec(db, schema_undo[i - 1][1], NULL, NULL,
			    NULL);
	all = xasprintf("%sPRAGMA user_version = %d;", sql, version);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, all, NULL, NULL, NULL);
	free(all);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
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

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(pending_has_column(p, "message"), 0);
	/* Back to schema 3, with a row of that version. */
	ASSERT_INT(rewind_to(p, 3, "ALTER TABLE pending ADD COLUMN message "
	    "BLOB NOT NULL DEFAULT x'';"
	    "INSERT INTO pending (key, feed, name, message) "
	    "VALUES ('ee05', 'news', 'NAME5', x'6d7367');"), 0);
	ASSERT_INT(pending_has_column(p, "message"), 1);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_pending_each(s, count_pending, &ps), 0);
	ASSERT_INT(ps.n, 1);
	ASSERT_STR(ps.key, "ee05");
	ASSERT_STR(ps.name, "NAME5");
	/* A row from before folders is the spool's own. */
	ASSERT_STR(ps.folder, "(spool)");
	ASSERT_INT(store_is_seen(s, "ee05"), 1);
	store_close(s);
	ASSERT_INT(pending_has_column(p, "message"), 0);
	free(p);
}

/*
 * Schema 5 records a feed's first good poll.  A feed of an older state
 * that delivered, or whose last poll was good, had one; a feed that only
 * ever failed, or was never polled, did not.
 */
TEST(test_migrates_first_good)
{
	struct store *s;
	struct feed_state st;
	char err[512], *p = path_in("v4-first-good.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(rewind_to(p, 4, "INSERT INTO feeds (name, last_poll, "
	    "delivered, failures) VALUES "
	    "('good', 100, 0, 0), ('failing', 200, 3, 2), "
	    "('never-good', 300, 0, 4), ('unpolled', 0, 0, 0);"), 0);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_feed_get(s, "good", &st), 0);
	ASSERT_INT(st.first_good, 100);
	ASSERT_INT(store_feed_get(s, "failing", &st), 0);
	ASSERT_INT(st.first_good, 200);
	ASSERT_INT(store_feed_get(s, "never-good", &st), 0);
	ASSERT_INT(st.first_good, 0);
	ASSERT_INT(store_feed_get(s, "unpolled", &st), 0);
	ASSERT_INT(st.first_good, 0);
	store_close(s);
	free(p);
}

/* Whether SQLite's -wal or -shm file is beside path. */
static int
has_wal(const char *path)
{
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	int found = access(wal, F_OK) == 0 || access(shm, F_OK) == 0;

	free(wal);
	free(shm);
	return found;
}

/*
 * A dry run's store reads what is there and creates nothing: no -wal or
 * -shm beside a closed state, and nothing can be written through it.  A
 * NULL store reads as an empty one.
 */
TEST(test_readonly)
{
	struct store *s, *w;
	struct feed_state st = { 0 };
	char err[512], *p = path_in("ro state #1.db");
	struct entry e = entry_fixture("cc01", "A title", 1000);
	sqlite3 *db;

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	st.url = (char *)"https://a.example/";
	st.first_good = 42;
	ASSERT_INT(store_feed_put(s, "a", &st), 0);
	ASSERT_INT(add(s, "cc02", 1000, 1000), 0);
	ASSERT_INT(store_mark_seen(s, "cc03", "a", 1000), 0);
	store_close(s);
	ASSERT_INT(has_wal(p), 0);

	ASSERT_INT(store_open_readonly(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_feed_get(s, "a", &st), 0);
	ASSERT_STR(st.url, "https://a.example/");
	ASSERT_INT(st.first_good, 42);
	feed_state_clear(&st);
	ASSERT_INT(store_read_begin(s), 0);
	ASSERT_INT(store_read_seen(s, "cc02"), 1);
	ASSERT_INT(store_read_seen(s, "cc03"), 1);
	ASSERT_INT(store_read_seen(s, "cc04"), 0);
	store_read_end(s);
	ASSERT_INT(has_wal(p), 0);
	ASSERT_INT(store_add_pending(s, &e, NULL, "NAME"), -1);
	store_close(s);
	ASSERT_INT(has_wal(p), 0);

	/* Beside a writer (a daemon), what is only in its WAL is read too. */
	ASSERT_INT(store_open(p, &w, err, sizeof(err)), 0);
	ASSERT_INT(store_mark_seen(w, "cc05", "a", 1000), 0);
	ASSERT_INT(store_open_readonly(p, &s, err, sizeof(err)), 0);
	ASSERT_INT(store_read_begin(s), 0);
	ASSERT_INT(store_read_seen(s, "cc05"), 1);
	store_read_end(s);
	store_close(s);
	store_close(w);

	ASSERT_INT(store_feed_get(NULL, "a", &st), 0);
	ASSERT(st.url == NULL && st.first_good == 0);
	ASSERT_INT(store_read_begin(NULL), 0);
	ASSERT_INT(store_read_seen(NULL, "cc02"), 0);
	store_read_end(NULL);
	free(p);

	/* An older schema is not read: only a run that writes migrates. */
	p = path_in("ro-old.db");
	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(sqlite3_open(p, &db), SQLITE_OK);
	ASSERT_INT(sqlite3_exec(db, "PRAGMA user_version = 4;", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	err[0] = '\0';
	ASSERT_INT(store_open_readonly(p, &s, err, sizeof(err)), -1);
	ASSERT(s == NULL);
	ASSERT(strstr(err, "schema version 4") != NULL);
	free(p);
}

/* The scopes store_read_old_scopes gives, joined by spaces. */
static void
old_scopes(struct store *s, const char *scope, const char *name, char *out,
    size_t size)
{
	char **v;
	size_t n, i;

	out[0] = '\0';
	if (store_read_begin(s) == -1 ||
	    store_read_old_scopes(s, scope, name, &v, &n) == -1) {
		snprintf(out, size, "error: %s", store_read_errmsg(s));
		store_read_end(s);
		return;
	}
	store_read_end(s);
	for (i = 0; i < n; i++) {
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
		    i > 0 ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
}

/* Stores the feed named name as polled at url. */
static int
put_url(struct store *s, const char *name, const char *url)
{
	struct feed_state st;

	memset(&st, 0, sizeof(st));
	st.url = (char *)(uintptr_t)url;
	return store_feed_put(s, name, &st);
}

/*
 * Schema 4 scoped the keys of entries without a link by the feed's config
 * name: the next version keeps the names each feed URL had.  A state
 * that delivered nothing has none to keep.
 */
TEST(test_migrates_old_scopes)
{
	struct store *s;
	char err[512], got[256], *p = path_in("v4.db");
	char *q = path_in("v4-empty.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(rewind_to(p, 4, "INSERT INTO feeds (name, url) VALUES "
	    "('tech', 'https://u:pw@Feeds.Example/tech.xml'), "
	    "('old-tech', 'https://feeds.example:443/tech.xml'), "
	    "('other', 'http://o.example/rss');"
	    "INSERT INTO seen VALUES ('aa', 'tech', 1);"
	    "INSERT INTO recent (key, title, date, seen) "
	    "VALUES ('fut', 'future', 253402300799, 5);"), 0);

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	/* Schema 7 places a future entry at its first sight. */
	{
		struct entry *v;
		size_t n;

		ASSERT_INT(store_recent(s, 10, &v, &n), 0);
		ASSERT_INT(n, 1);
		if (n == 1)
			ASSERT_INT(v[0].date, 5);
		store_entries_free(v, n);
	}
	/* A feed renamed: by its URL, whatever its credentials or case. */
	old_scopes(s, "https://feeds.example/tech.xml", "renamed", got,
	    sizeof(got));
	ASSERT_STR(got, "old-tech tech");
	/* Its url changed: by its name, through the URL stored for it. */
	old_scopes(s, "http://new.example/rss", "other", got, sizeof(got));
	ASSERT_STR(got, "http://o.example/rss other");
	old_scopes(s, "http://o.example/rss", "other", got, sizeof(got));
	ASSERT_STR(got, "other");
	old_scopes(s, "http://new.example/", "new", got, sizeof(got));
	ASSERT_STR(got, "");

	/*
	 * Once stored with its new url the old one is recorded, with what
	 * it was keyed under; and again at the next change.
	 */
	ASSERT_INT(put_url(s, "other", "http://new.example/rss"), 0);
	old_scopes(s, "http://new.example/rss", "other", got, sizeof(got));
	ASSERT_STR(got, "http://o.example/rss other");
	ASSERT_INT(put_url(s, "other", "https://u:***@third.example/rss"), 0);
	old_scopes(s, "https://third.example/rss", "renamed", got,
	    sizeof(got));
	ASSERT_STR(got, "http://new.example/rss http://o.example/rss other");
	/* The same url stored again records nothing. */
	ASSERT_INT(put_url(s, "other", "https://third.example/rss"), 0);
	old_scopes(s, "https://third.example/rss", "other", got, sizeof(got));
	ASSERT_STR(got, "http://new.example/rss http://o.example/rss other");
	store_close(s);

	/* Nothing seen: nothing to recognise. */
	ASSERT_INT(store_open(q, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(rewind_to(q, 4, "INSERT INTO feeds (name, url) VALUES "
	    "('tech', 'http://t/');"), 0);
	ASSERT_INT(store_open(q, &s, err, sizeof(err)), 0);
	old_scopes(s, "http://t/", "tech", got, sizeof(got));
	ASSERT_STR(got, "");
	store_close(s);
	free(p);
	free(q);
}

/*
 * A state of schema 7 had no schedule inputs: its feeds keep their rows
 * and read as "no <ttl>, no server wait".
 */
TEST(test_migrates_schedule_inputs)
{
	struct store *s;
	struct feed_state got;
	char err[512], *p = path_in("v7-schedule.db");

	ASSERT_INT(store_open(p, &s, err, sizeof(err)), 0);
	store_close(s);
	ASSERT_INT(rewind_to(p, 7, "INSERT INTO feeds (name, url, last_poll, "
	    "failures, next_due) VALUES ('old', 'http://127.0.0.1/old.xml', "
	    "1700000000, 2, 1700003600);"), 0);

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
	RUN(test_recent_future_and_dates);
	RUN(test_merged_id);
	RUN(test_rollback);
	RUN(test_prune_keeps_keys);
	RUN(test_feed_state);
	RUN(test_reader);
	RUN(test_migrates_pending);
	RUN(test_migrates_first_good);
	RUN(test_migrates_old_scopes);
	RUN(test_readonly);
	RUN(test_migrates_schedule_inputs);
	RUN(test_corrupt_refused);
	RUN(test_unopenable);
	return TEST_DONE();
}
