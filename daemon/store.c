/*
 * Persistent state in one SQLite file: the keys already delivered (kept
 * forever, so an entry is never delivered twice), the data of the newest
 * entries for the merged feed, and per-feed poll state.  WAL with
 * synchronous=FULL so that a key committed is a key on disk.  Statements
 * are prepared once and reused.  A file that is not a valid database is
 * refused, never recreated: it holds the dedup history.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "url.h"
#include "xmalloc.h"

/* Bumped whenever the schema changes; store_migrate knows every step. */
#define STORE_SCHEMA_VERSION	11

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_IS_SEEN,
	ST_ADD_SEEN,
	ST_ADD_PENDING,
	ST_DEL_PENDING,
	ST_PENDING,
	ST_ADD_RECENT,
	ST_PRUNE,
	ST_RECENT_FLOOR,
	ST_RECENT,
	ST_MERGED_ID,
	ST_FEED_GET,
	ST_FEED_PUT,
	ST_SCOPE_MOVED,
	ST_FEED_EACH,
	ST_ADD_STORY,
	ST_DEL_STORY,
	ST_STORY_WINDOW,
	ST_STORIES,
	ST_PENDING_STORY,
	ST_STORY_PERIOD,
	ST_DIGEST_LAST,
	ST_DIGEST_PUT,
	ST_DIGEST_DONE,
	ST_DIGEST_PENDING,
	ST_COUNT
};

#define RECENT_COLUMNS	"key, feed_name, feed_title, feed_url, title, link, " \
			"id, author, content, date, seen, published, updated, " \
			"source_id, story"
#define STORY_COLUMNS	"key, story, feed, feed_title, title, link, published, " \
			"seen, text, links, vector"
#define FEED_COLUMNS	"url, etag, last_modified, title, last_poll, " \
			"last_status, last_error, delivered, failures, next_due, " \
			"moved_to, gone, first_good, ttl, server_wait"
#define FEED_NCOLUMNS	15	/* ST_FEED_EACH's name comes after them */

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* A pending key counts: recovery will finish its delivery. */
	[ST_IS_SEEN] = "SELECT 1 FROM seen WHERE key = ?1 "
	    "UNION ALL SELECT 1 FROM pending WHERE key = ?1 LIMIT 1",
	[ST_ADD_PENDING] = "INSERT OR IGNORE INTO pending "
	    "(key, feed, name, folder) VALUES (?1, ?2, ?3, ?4)",
	[ST_DEL_PENDING] = "DELETE FROM pending WHERE key = ?1",
	[ST_PENDING] = "SELECT key, feed, name, folder FROM pending "
	    "ORDER BY folder, key",
	[ST_ADD_SEEN] = "INSERT OR IGNORE INTO seen (key, feed, first_seen) "
	    "VALUES (?1, ?2, ?3)",
	[ST_ADD_RECENT] = "INSERT OR IGNORE INTO recent (" RECENT_COLUMNS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15)",
	[ST_PRUNE] = "DELETE FROM recent WHERE key NOT IN (SELECT key FROM "
	    "recent ORDER BY date DESC, seen DESC, key LIMIT ?1)",
	[ST_RECENT_FLOOR] = "SELECT date FROM recent "
	    "ORDER BY date DESC, seen DESC, key LIMIT 1 OFFSET ?1",
	[ST_RECENT] = "SELECT " RECENT_COLUMNS " FROM recent "
	    "ORDER BY date DESC, seen DESC, key LIMIT ?1",
	[ST_MERGED_ID] = "SELECT id FROM merged_feed",
	[ST_FEED_GET] = "SELECT " FEED_COLUMNS " FROM feeds WHERE name = ?1",
	[ST_FEED_PUT] = "INSERT OR REPLACE INTO feeds (name, " FEED_COLUMNS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16)",
	/*
	 * Before a feed's row takes a url of another identity: the old one,
	 * and what it was keyed under, are scopes of the new one.
	 */
	[ST_SCOPE_MOVED] = "INSERT OR IGNORE INTO key_scopes (scope, old) "
	    "SELECT aggregator_url_identity(?2), was FROM ("
	    "SELECT aggregator_url_identity(url) AS was FROM feeds "
	    "WHERE name = ?1 AND url IS NOT NULL "
	    "UNION SELECT k.old FROM feeds f JOIN key_scopes k "
	    "ON k.scope = aggregator_url_identity(f.url) WHERE f.name = ?1) "
	    "WHERE was != aggregator_url_identity(?2)",
	[ST_FEED_EACH] = "SELECT " FEED_COLUMNS ", name FROM feeds "
	    "ORDER BY name",
	/*
	 * A story row is found by its place (n), kept in the pending row
	 * while the delivery is under way: an index on its key would cost a
	 * random page of the state per entry.
	 */
	[ST_ADD_STORY] = "INSERT INTO story_entries (" STORY_COLUMNS
	    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_PENDING_STORY] = "UPDATE pending SET story_row = ?2 WHERE key = ?1",
	[ST_DEL_STORY] = "DELETE FROM story_entries WHERE n = "
	    "(SELECT story_row FROM pending WHERE key = ?1)",
	/* The texts only where no vector was kept: they are read again. */
	[ST_STORY_WINDOW] = "SELECT key, story, feed, feed_title, title, link, "
	    "published, seen, CASE WHEN vector IS NULL THEN text END, "
	    "CASE WHEN vector IS NULL THEN links END, vector "
	    "FROM story_entries WHERE seen >= ?1 ORDER BY n",
	[ST_STORIES] = "SELECT " STORY_COLUMNS " FROM story_entries "
	    "WHERE seen >= ?2 AND story IN "
	    "(SELECT story FROM story_entries WHERE seen >= ?1) "
	    "ORDER BY story, n",
	/*
	 * In delivery order from the first entry seen in the period: the
	 * table read in order, no sort of whole rows.
	 */
	[ST_STORY_PERIOD] = "SELECT key, story, feed, feed_title, title, link, "
	    "published, seen, text, links, NULL FROM story_entries "
	    "WHERE n >= (SELECT min(n) FROM story_entries WHERE seen >= ?1) "
	    "AND seen >= ?1 AND seen < ?2 ORDER BY n",
	[ST_DIGEST_LAST] = "SELECT max(until) FROM digests",
	[ST_DIGEST_PUT] = "INSERT OR REPLACE INTO digests (day, since, until, "
	    "path, tmp, mail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_DIGEST_DONE] = "UPDATE digests SET tmp = NULL, mail = NULL "
	    "WHERE day = ?1",
	[ST_DIGEST_PENDING] = "SELECT day, path, tmp, mail FROM digests "
	    "WHERE tmp IS NOT NULL OR mail IS NOT NULL ORDER BY day",
};

/* Schema steps, indexed by the user_version they start from. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	"CREATE TABLE seen ("
	"  key TEXT PRIMARY KEY,"
	"  feed TEXT,"
	"  first_seen INTEGER"
	") WITHOUT ROWID;"
	"CREATE TABLE recent ("
	"  key TEXT PRIMARY KEY,"
	"  feed_name TEXT, feed_title TEXT, feed_url TEXT,"
	"  title TEXT, link TEXT, id TEXT, author TEXT, content TEXT,"
	"  date INTEGER, seen INTEGER"
	");"
	"CREATE INDEX recent_date ON recent (date DESC, seen DESC);"
	"CREATE TABLE feeds ("
	"  name TEXT PRIMARY KEY,"
	"  url TEXT, etag TEXT, last_modified TEXT, title TEXT,"
	"  last_poll INTEGER, last_status INTEGER, last_error TEXT,"
	"  delivered INTEGER, failures INTEGER, next_due INTEGER"
	");",
	/* Deliveries under way: the intent, recorded before the file. */
	"CREATE TABLE pending ("
	"  key TEXT PRIMARY KEY,"
	"  feed TEXT,"
	"  name TEXT NOT NULL,"
	"  message BLOB NOT NULL"
	") WITHOUT ROWID;",
	/* The schedule's view of a feed: a permanent move, a 410. */
	("ALTER TABLE feeds ADD COLUMN moved_to TEXT;"
	"ALTER TABLE feeds ADD COLUMN gone INTEGER DEFAULT 0;"),
	/* The file is durable in tmp/ before its row: no copy is kept. */
	"ALTER TABLE pending DROP COLUMN message;",
	/*
	 * When a feed first polled well (backfill limits the poll before).
	 * A feed that delivered, or whose last poll was good, did.
	 */
	("ALTER TABLE feeds ADD COLUMN first_good INTEGER DEFAULT 0;"
	"UPDATE feeds SET first_good = last_poll WHERE last_poll > 0 AND "
	"(failures = 0 OR delivered > 0);"),
	/*
	 * Keys of entries without a link were scoped by the feed's config
	 * name; now by its URL (url_identity).  key_scopes says under what
	 * else the entries of the feed at scope may have been keyed: the
	 * config names such a feed had here, then URLs it had before its url
	 * was changed (store_feed_put records those).  A state that
	 * delivered nothing has no keys to keep.
	 */
	("CREATE TABLE IF NOT EXISTS key_scopes ("
	"  scope TEXT NOT NULL,"
	"  old TEXT NOT NULL,"
	"  PRIMARY KEY (scope, old)"
	") WITHOUT ROWID;"
	"INSERT OR IGNORE INTO key_scopes (scope, old)"
	"  SELECT aggregator_url_identity(url), name FROM feeds"
	"  WHERE url IS NOT NULL AND EXISTS (SELECT 1 FROM seen);"),
	/*
	 * The merged feed's own: an id made once (a version 4 UUID, random
	 * from SQLite's generator, which the OS seeds), where the path the
	 * feed was written to made one that every default install shared;
	 * each entry's publication and update times and its feed's own id.
	 * The date an entry is placed at is never later than when it was
	 * first seen.
	 */
	("CREATE TABLE IF NOT EXISTS merged_feed (id TEXT NOT NULL);"
	"INSERT INTO merged_feed (id) SELECT 'urn:uuid:' || substr(h, 1, 8) ||"
	"  '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||"
	"  substr('89ab', 1 + (unicode(substr(h, 17, 1)) % 4), 1) ||"
	"  substr(h, 18, 3) || '-' || substr(h, 21, 12)"
	"  FROM (SELECT lower(hex(randomblob(16))) AS h)"
	"  WHERE NOT EXISTS (SELECT 1 FROM merged_feed);"
	"ALTER TABLE recent ADD COLUMN published INTEGER;"
	"ALTER TABLE recent ADD COLUMN updated INTEGER;"
	"ALTER TABLE recent ADD COLUMN source_id TEXT;"
	"UPDATE recent SET date = seen WHERE date > seen AND seen > 0;"),
	/* The schedule's inputs: a <ttl> outlives 304s, a restart recomputes. */
	("ALTER TABLE feeds ADD COLUMN ttl INTEGER DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN server_wait INTEGER DEFAULT -1;"),
	/*
	 * Every delivered entry's story, recorded with its pending row, in
	 * delivery order (n), with what grouping read of it and what the
	 * index kept of it, so that a restart rebuilds the same index
	 * without reading the texts again.
	 */
	"CREATE TABLE story_entries ("
	"  n INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  story TEXT NOT NULL,"
	"  feed TEXT, feed_title TEXT, title TEXT, link TEXT,"
	"  published INTEGER, seen INTEGER, text TEXT, links TEXT,"
	"  vector BLOB"
	");"
	"CREATE INDEX story_entries_seen ON story_entries (seen);"
	"ALTER TABLE pending ADD COLUMN story_row INTEGER;"
	"ALTER TABLE recent ADD COLUMN story TEXT;",
	/* The digests written, by day: each is written once (digest.c). */
	"CREATE TABLE digests ("
	"  day TEXT PRIMARY KEY,"
	"  since INTEGER NOT NULL,"
	"  until INTEGER NOT NULL,"
	"  path TEXT,"		/* the post, NULL when none was written */
	"  tmp TEXT,"		/* while pending: the post's temporary file */
	"  mail TEXT"		/* while pending: the message's maildir name */
	") WITHOUT ROWID;",
	/* The Maildir++ folder a delivery goes into; NULL: the spool's own. */
	"ALTER TABLE pending ADD COLUMN folder TEXT;",
};

/*
 * The scopes the feed named ?2, now at scope ?1, keyed entries under
 * before: those recorded, and the URL still stored for it (a url changed
 * in the config is stored at the end of its first poll) with its own.
 */
#define OLD_SCOPES_SQL	"WITH was (scope) AS (SELECT " \
			"aggregator_url_identity(url) FROM feeds " \
			"WHERE name = ?2 AND url IS NOT NULL) " \
			"SELECT old FROM key_scopes WHERE scope = ?1 " \
			"UNION SELECT scope FROM was " \
			"UNION SELECT old FROM key_scopes " \
			"WHERE scope IN (SELECT scope FROM was) " \
			"EXCEPT SELECT ?1 ORDER BY 1"

/* The connection and its prepared statements. */
struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[ST_COUNT];
	char		 errmsg[512];
	/*
	 * The merged feed keeps recent_keep entries: one older than the
	 * recent_keep-th newest (recent_floor, once known) is never kept.
	 */
	size_t		 recent_keep;
	time_t		 recent_floor;
	int		 floor_known;
	size_t		 since_floor;	/* rows added since it was read */
	/*
	 * The reader: a second connection, opened on first use, for the
	 * workers' seen checks.  Under WAL it reads while a commit holds
	 * the first one (and its fsync), so parsing never waits for a sync.
	 */
	char		*path;
	int		 uri;		/* path is a file: URI (read-only) */
	pthread_mutex_t	 rlock;
	sqlite3		*rdb;
	sqlite3_stmt	*rseen;
	sqlite3_stmt	*rold;		/* OLD_SCOPES_SQL */
	char		 rerrmsg[512];
};

static void	store_seterr(struct store *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	store_create(const char *);
static void	store_url_identity(sqlite3_context *, int, sqlite3_value **);
static int	store_functions(sqlite3 *);
static int	store_exec(struct store *, const char *);
static int	store_check(struct store *, const char *, char *, size_t);
static int	store_migrate(struct store *, const char *, char *, size_t);
static sqlite3_stmt *store_stmt(struct store *, enum store_stmt);
static int	store_simple(struct store *, enum store_stmt);
static int	store_recent_skip(struct store *, time_t);
static int	store_seen_step(sqlite3_stmt *, const char *);
static int	store_bind_text(sqlite3_stmt *, int, const char *);
static int	store_add_story(struct store *, const struct entry *);
static char	*store_col_text(sqlite3_stmt *, int);
static void	store_row_feed(sqlite3_stmt *, struct feed_state *);

/* Keeps "context: sqlite message" for store_errmsg. */
static void
store_seterr(struct store *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
	n = strlen(s->errmsg);
	if (n < sizeof(s->errmsg) - 1)
		snprintf(s->errmsg + n, sizeof(s->errmsg) - n, ": %s",
		    sqlite3_errmsg(s->db));
}

static int
store_exec(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_seterr(s, "store: %s", sql);
		return -1;
	}
	return 0;
}

/*
 * quick_check reads every page, so it is also the first statement to touch
 * the file: a file that is not SQLite fails here with SQLITE_NOTADB before
 * anything could be written to it.
 */
static int
store_check(struct store *s, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const char *row;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	else
		st = NULL;
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "state file %s is not a valid database: "
		    "%s", path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	row = (const char *)sqlite3_column_text(st, 0);
	if (row == NULL || strcmp(row, "ok") != 0) {
		snprintf(err, errlen, "state file %s is not a valid database: "
		    "%s", path, row != NULL ? row : "integrity check failed");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* The file's schema version (its user_version).  0, or -1 with err. */
static int
store_version(struct store *s, const char *path, int *version, char *err,
    size_t errlen)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "state file %s: reading schema version: "
		    "%s", path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Brings the schema from its user_version up to STORE_SCHEMA_VERSION. */
static int
store_migrate(struct store *s, const char *path, char *err, size_t errlen)
{
	char sql[64];
	int version, n;

	if (store_version(s, path, &version, err, errlen) == -1)
		return -1;
	if (version > STORE_SCHEMA_VERSION || version < 0) {
		snprintf(err, errlen, "state file %s has schema version %d, "
		    "newer than this program knows (%d)", path, version,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		n = snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    version + 1);
		if (n < 0 || (size_t)n >= sizeof(sql))
			return -1;
		if (store_exec(s, "BEGIN IMMEDIATE") == -1)
			goto fail;
		if (store_exec(s, store_migrations[version]) == -1 ||
		    store_exec(s, sql) == -1 ||
		    store_exec(s, "COMMIT") == -1) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	return 0;
fail:
	snprintf(err, errlen, "state file %s: creating schema: %s", path,
	    s->errmsg);
	return -1;
}

/*
 * A new state is its owner's only, whatever the umask: it says what the
 * user reads.  SQLite would create it 0644 less the umask; it gives the
 * -wal and -shm files the mode of the database, so they follow.  A state
 * that exists keeps its mode, and what cannot be created here is left
 * to sqlite3_open_v2 to report.
 */
static void
store_create(const char *path)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return;
	(void)fchmod(fd, 0600);
	close(fd);
}

/* url_identity as an SQL function: keys are scoped by it. */
static void
store_url_identity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *url = sqlite3_value_text(argv[0]);

	(void)argc;
	if (url == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, url_identity((const char *)url), -1,
		    free);
}

/* What the statements and migrations call on a connection. */
static int
store_functions(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "aggregator_url_identity", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, store_url_identity,
	    NULL, NULL, NULL);
}

/* A store for path (which it owns), not connected yet. */
static struct store *
store_alloc(char *path)
{
	struct store *s = xcalloc(1, sizeof(*s));

	s->path = path;
	if (pthread_mutex_init(&s->rlock, NULL) != 0)
		abort();
	return s;
}

/*
 * Opens the main connection with flags, checks the file (path is how the
 * user named it) and gives the connection our SQL functions.  0, or -1
 * with err.
 */
static int
store_connect(struct store *s, const char *path, int flags, int check,
    char *err,
    size_t errlen)
{
	int rc;

	rc = sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_FULLMUTEX |
	    (s->uri ? SQLITE_OPEN_URI : 0), NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "state file %s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (check && store_check(s, path, err, errlen) == -1)
		return -1;
	/* Sorts (a listing's stories) stay in memory, not in a temp file. */
	sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (store_functions(s->db) != SQLITE_OK) {
		snprintf(err, errlen, "state file %s: %s", path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *s;

	*out = NULL;
	s = store_alloc(xstrdup(path));
	store_create(path);
	if (store_connect(s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    1, err, errlen) == -1)
		goto fail;
	if (store_exec(s, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(s, "PRAGMA synchronous = FULL") == -1 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") == -1) {
		snprintf(err, errlen, "state file %s: %s", path, s->errmsg);
		goto fail;
	}
	if (store_migrate(s, path, err, errlen) == -1)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

/*
 * The URI that opens path read-only.  With no WAL beside the file nobody
 * has it open, and it is opened immutable: a reader would otherwise
 * create the -wal and -shm files.
 */
static char *
store_ro_uri(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	int immutable = access(wal, F_OK) == -1 && errno == ENOENT;
	struct buf b;

	free(wal);
	buf_init(&b);
	/* "file:" then "//" and an empty authority, or a relative path. */
	buf_addstr(&b, path[0] == '/' ? "file://" : "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c != '\0';
	    c++)
		if (isalnum(*c) || strchr("/._-~", *c) != NULL)
			buf_addc(&b, (char)*c);
		else
			buf_printf(&b, "%%%02X", *c);
	buf_addstr(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	return buf_release(&b);
}

/* Read-only, checked whole (check) or not. */
static int
store_open_ro(const char *path, int check, struct store **out, char *err,
    size_t errlen)
{
	struct store *s;
	int version;

	*out = NULL;
	s = store_alloc(store_ro_uri(path));
	s->uri = 1;
	if (store_connect(s, path, SQLITE_OPEN_READONLY, check, err,
	    errlen) == -1 ||
	    store_version(s, path, &version, err, errlen) == -1)
		goto fail;
	if (version != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "state file %s has schema version %d, "
		    "not %d: the next run that writes it brings it up to date",
		    path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

int
store_open_readonly(const char *path, struct store **out, char *err,
    size_t errlen)
{
	return store_open_ro(path, 1, out, err, errlen);
}

int
store_open_reading(const char *path, struct store **out, char *err,
    size_t errlen)
{
	if (store_open_ro(path, 0, out, err, errlen) == -1)
		return -1;
	/* Pages read in place: a listing reads many, some of them twice. */
	sqlite3_exec((*out)->db, "PRAGMA mmap_size = 268435456", NULL, NULL,
	    NULL);
	return 0;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* The reader goes first: the last connection out checkpoints the WAL. */
	sqlite3_finalize(s->rseen);
	sqlite3_finalize(s->rold);
	sqlite3_close_v2(s->rdb);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* The v2 close defers instead of failing if anything is still open. */
	sqlite3_close_v2(s->db);
	pthread_mutex_destroy(&s->rlock);
	free(s->path);
	free(s);
}

/* Opens the reader; 0 or -1 with rerrmsg set.  Called with rlock held. */
static int
store_reader_open(struct store *s)
{
	int rc;

	rc = sqlite3_open_v2(s->path, &s->rdb, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_FULLMUTEX | (s->uri ? SQLITE_OPEN_URI : 0), NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(s->rdb, 5000);
		rc = store_functions(s->rdb);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->rdb, store_sql[ST_IS_SEEN], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->rseen, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(s->rdb, OLD_SCOPES_SQL, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->rold, NULL);
	if (rc == SQLITE_OK)
		return 0;
	snprintf(s->rerrmsg, sizeof(s->rerrmsg), "store: reader: %s",
	    s->rdb != NULL ? sqlite3_errmsg(s->rdb) : sqlite3_errstr(rc));
	sqlite3_finalize(s->rseen);
	sqlite3_finalize(s->rold);
	s->rseen = s->rold = NULL;
	sqlite3_close_v2(s->rdb);
	s->rdb = NULL;
	return -1;
}

int
store_read_begin(struct store *s)
{
	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->rlock);
	if (s->rdb == NULL && store_reader_open(s) == -1)
		return -1;
	if (sqlite3_exec(s->rdb, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(s->rerrmsg, sizeof(s->rerrmsg), "store: reader: %s",
		    sqlite3_errmsg(s->rdb));
		return -1;
	}
	return 0;
}

int
store_read_seen(struct store *s, const char *key)
{
	int rc;

	if (s == NULL)
		return 0;
	if ((rc = store_seen_step(s->rseen, key)) == -1)
		snprintf(s->rerrmsg, sizeof(s->rerrmsg),
		    "store: looking up %s: %s", key, sqlite3_errmsg(s->rdb));
	return rc;
}

int
store_read_old_scopes(struct store *s, const char *scope, const char *name,
    char ***names, size_t *n)
{
	sqlite3_stmt *st;
	char **v = NULL;
	size_t len = 0;
	int rc;

	*names = NULL;
	*n = 0;
	if (s == NULL)
		return 0;	/* no state: nothing was keyed before */
	st = s->rold;
	store_bind_text(st, 1, scope);
	store_bind_text(st, 2, name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof(*v));
		v[len++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		snprintf(s->rerrmsg, sizeof(s->rerrmsg),
		    "store: reading the key scopes of feed %s: %s", name,
		    sqlite3_errmsg(s->rdb));
		while (len > 0)
			free(v[--len]);
		free(v);
		return -1;
	}
	*names = v;
	*n = len;
	return 0;
}

const char *
store_read_errmsg(struct store *s)
{
	return s->rerrmsg;
}

void
store_read_end(struct store *s)
{
	if (s == NULL)
		return;
	if (s->rdb != NULL && !sqlite3_get_autocommit(s->rdb))
		sqlite3_exec(s->rdb, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&s->rlock);
}

/* The statement for which, prepared on first use and reset for reuse. */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt which)
{
	sqlite3_stmt *st = s->stmt[which];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, store_sql[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			store_seterr(s, "store: preparing \"%s\"",
			    store_sql[which]);
			return NULL;
		}
		s->stmt[which] = st;
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return st;
}

static int
store_bind_text(sqlite3_stmt *st, int col, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, col);
	return sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
}

/* An allocated copy of a text column, NULL for SQL NULL. */
static char *
store_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	v = sqlite3_column_text(st, col);
	return v == NULL ? NULL : xstrdup((const char *)v);
}

/* Runs a statement without results (begin, commit, ...). */
static int
store_simple(struct store *s, enum store_stmt which)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, which)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: %s", store_sql[which]);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *s)
{
	return store_simple(s, ST_BEGIN);
}

int
store_commit(struct store *s)
{
	return store_simple(s, ST_COMMIT);
}

void
store_rollback(struct store *s)
{
	/* Nothing to do when no transaction is open (or it already ended). */
	if (!sqlite3_get_autocommit(s->db))
		store_simple(s, ST_ROLLBACK);
}

int
store_is_seen(struct store *s, const char *key)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, ST_IS_SEEN)) == NULL)
		return -1;
	if ((rc = store_seen_step(st, key)) == -1)
		store_seterr(s, "store: looking up %s", key);
	return rc;
}

/* Runs an ST_IS_SEEN statement for key: 1 (seen or pending), 0, or -1. */
static int
store_seen_step(sqlite3_stmt *st, const char *key)
{
	int rc;

	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs a prepared statement that returns no rows; 0 or -1. */
static int
store_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    const char *key)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: %s %s", what, key);
		return -1;
	}
	return 0;
}

int
store_add_pending(struct store *s, const struct entry *e, const char *folder,
    const char *name)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_ADD_PENDING)) == NULL)
		return -1;
	store_bind_text(st, 1, e->key);
	store_bind_text(st, 2, e->feed_name);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, folder);
	if (store_step_done(s, st, "recording", e->key) == -1)
		return -1;
	/* The same key twice in one batch: the first one stands. */
	if (sqlite3_changes(s->db) == 0)
		return 1;
	if (e->story[0] != '\0' && store_add_story(s, e) == -1)
		return -1;
	if (store_recent_skip(s, entry_placed(e)))
		return 0;
	if ((st = store_stmt(s, ST_ADD_RECENT)) == NULL)
		return -1;
	s->since_floor++;
	store_bind_text(st, 1, e->key);
	store_bind_text(st, 2, e->feed_name);
	store_bind_text(st, 3, e->feed_title);
	store_bind_text(st, 4, e->feed_url);
	store_bind_text(st, 5, e->title);
	store_bind_text(st, 6, e->link);
	store_bind_text(st, 7, e->id);
	store_bind_text(st, 8, e->author);
	store_bind_text(st, 9, e->content);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)entry_placed(e));
	sqlite3_bind_int64(st, 11, (sqlite3_int64)e->seen);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)e->published);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)e->updated);
	store_bind_text(st, 14, e->source_id);
	store_bind_text(st, 15, e->story[0] != '\0' ? e->story : NULL);
	return store_step_done(s, st, "saving", e->key);
}

static int
store_add_story(struct store *s, const struct entry *e)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_ADD_STORY)) == NULL)
		return -1;
	store_bind_text(st, 1, e->key);
	store_bind_text(st, 2, e->story);
	store_bind_text(st, 3, e->feed_name);
	store_bind_text(st, 4, e->feed_title);
	store_bind_text(st, 5, e->title);
	store_bind_text(st, 6, e->link);
	/* The date grouping went by, read back as published. */
	sqlite3_bind_int64(st, 7, (sqlite3_int64)entry_dated(e));
	sqlite3_bind_int64(st, 8, (sqlite3_int64)e->seen);
	store_bind_text(st, 9, e->story_text);
	store_bind_text(st, 10, e->story_links);
	if (e->story_vec != NULL)
		sqlite3_bind_blob(st, 11, e->story_vec, (int)e->story_vec_len,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 11);
	if (store_step_done(s, st, "saving the story of", e->key) == -1 ||
	    (st = store_stmt(s, ST_PENDING_STORY)) == NULL)
		return -1;
	store_bind_text(st, 1, e->key);
	sqlite3_bind_int64(st, 2, sqlite3_last_insert_rowid(s->db));
	return store_step_done(s, st, "recording the story of", e->key);
}

int
store_mark_seen(struct store *s, const char *key, const char *feed,
    time_t when)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_ADD_SEEN)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, feed);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)when);
	return store_step_done(s, st, "recording", key);
}

int
store_delivered(struct store *s, const char *key, const char *feed,
    time_t when)
{
	sqlite3_stmt *st;

	if (store_mark_seen(s, key, feed, when) == -1)
		return -1;
	if ((st = store_stmt(s, ST_DEL_PENDING)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	return store_step_done(s, st, "finishing", key);
}

int
store_forget_pending(struct store *s, const char *key)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_DEL_STORY)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	if (store_step_done(s, st, "forgetting the story of", key) == -1 ||
	    (st = store_stmt(s, ST_DEL_PENDING)) == NULL)
		return -1;
	store_bind_text(st, 1, key);
	return store_step_done(s, st, "forgetting", key);
}

/* A story_entries row into e; -1 when its key or story is not a key's. */
static int
store_row_story(sqlite3_stmt *st, struct entry *e)
{
	const char *key = (const char *)sqlite3_column_text(st, 0);
	const char *story = (const char *)sqlite3_column_text(st, 1);
	const void *vec;
	int len;

	memset(e, 0, sizeof(*e));
	if (key == NULL || story == NULL || strlen(key) != KEY_HEX_LEN ||
	    strlen(story) != KEY_HEX_LEN)
		return -1;
	memcpy(e->key, key, KEY_HEX_SIZE);
	memcpy(e->story, story, KEY_HEX_SIZE);
	e->feed_name = store_col_text(st, 2);
	e->feed_title = store_col_text(st, 3);
	e->title = store_col_text(st, 4);
	e->link = store_col_text(st, 5);
	e->published = (time_t)sqlite3_column_int64(st, 6);
	e->date = e->seen = (time_t)sqlite3_column_int64(st, 7);
	e->story_text = store_col_text(st, 8);
	e->story_links = store_col_text(st, 9);
	if ((vec = sqlite3_column_blob(st, 10)) != NULL &&
	    (len = sqlite3_column_bytes(st, 10)) > 0) {
		e->story_vec = xmalloc((size_t)len);
		memcpy(e->story_vec, vec, (size_t)len);
		e->story_vec_len = (size_t)len;
	}
	return 0;
}

int
store_story_window(struct store *s, time_t since,
    int (*cb)(const struct entry *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct entry e;
	int rc;

	if ((st = store_stmt(s, ST_STORY_WINDOW)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_row_story(st, &e) == -1)
			continue;
		rc = cb(&e, arg);
		entry_clear(&e);
		if (rc == -1) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: reading the stories' window");
		return -1;
	}
	return 0;
}

/* The rows st gives, as entries.  0 or -1. */
static int
store_story_rows(struct store *s, sqlite3_stmt *st, struct entry **out,
    size_t *n)
{
	struct entry *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (store_row_story(st, &v[len]) == 0)
			len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: reading stories");
		store_entries_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

int
store_stories(struct store *s, time_t since, time_t from, struct entry **out,
    size_t *n)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_STORIES)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
	return store_story_rows(s, st, out, n);
}

int
store_story_period(struct store *s, time_t from, time_t until,
    struct entry **out, size_t *n)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_STORY_PERIOD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)until);
	return store_story_rows(s, st, out, n);
}

int
store_digest_last(struct store *s, time_t *until)
{
	sqlite3_stmt *st;
	int rc;

	*until = 0;
	if ((st = store_stmt(s, ST_DIGEST_LAST)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*until = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		store_seterr(s, "store: reading the last digest");
		return -1;
	}
	return 0;
}

int
store_digest_put(struct store *s, const struct digest_record *r)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_DIGEST_PUT)) == NULL)
		return -1;
	store_bind_text(st, 1, r->day);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->until);
	store_bind_text(st, 4, r->path);
	store_bind_text(st, 5, r->tmp);
	store_bind_text(st, 6, r->mail);
	return store_step_done(s, st, "recording the digest of", r->day);
}

int
store_digest_done(struct store *s, const char *day)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, ST_DIGEST_DONE)) == NULL)
		return -1;
	store_bind_text(st, 1, day);
	return store_step_done(s, st, "finishing the digest of", day);
}

int
store_digest_pending(struct store *s, struct digest_record **out, size_t *n)
{
	struct digest_record *v = NULL;
	sqlite3_stmt *st;
	size_t len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(s, ST_DIGEST_PENDING)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof(*v));
		memset(&v[len], 0, sizeof(v[len]));
		v[len].day = store_col_text(st, 0);
		v[len].path = store_col_text(st, 1);
		v[len].tmp = store_col_text(st, 2);
		v[len].mail = store_col_text(st, 3);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: reading the digests under way");
		store_digest_records_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_digest_records_free(struct digest_record *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].day);
		free(v[i].path);
		free(v[i].tmp);
		free(v[i].mail);
	}
	free(v);
}

int
store_pending_each(struct store *s, int (*cb)(const char *key,
    const char *feed, const char *folder, const char *name, void *arg),
    void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, ST_PENDING)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *feed = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		const char *folder = (const char *)sqlite3_column_text(st, 3);

		if (cb(key, feed, folder, name, arg) == -1) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: reading pending deliveries");
		return -1;
	}
	return 0;
}

void
store_set_recent_limit(struct store *s, size_t keep)
{
	s->recent_keep = keep;
	s->floor_known = 0;
}

/*
 * Whether an entry dated date would fall out of the merged feed at the
 * next prune anyway.  The floor is read again after every keep/2 rows
 * added; a stale floor is lower than the real one, so it only lets more in.
 */
static int
store_recent_skip(struct store *s, time_t date)
{
	sqlite3_stmt *st;
	int rc;

	if (s->recent_keep == 0)
		return 0;
	if (!s->floor_known || s->since_floor >= s->recent_keep / 2 + 1) {
		if ((st = store_stmt(s, ST_RECENT_FLOOR)) == NULL)
			return 0;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)s->recent_keep - 1);
		rc = sqlite3_step(st);
		s->floor_known = rc == SQLITE_ROW || rc == SQLITE_DONE;
		s->recent_floor = rc == SQLITE_ROW ?
		    (time_t)sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		s->since_floor = 0;
		if (rc == SQLITE_DONE)	/* fewer than keep rows */
			s->floor_known = 0;
		if (!s->floor_known)
			return 0;
	}
	return date < s->recent_floor;
}

int
store_prune(struct store *s, size_t keep)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, ST_PRUNE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, keep > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)keep);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: pruning");
		return -1;
	}
	return 0;
}

int
store_recent(struct store *s, size_t limit, struct entry **out, size_t *n)
{
	sqlite3_stmt *st;
	struct entry *v = NULL, *e;
	size_t len = 0, cap = 0;
	const unsigned char *key;
	int rc;

	*out = NULL;
	*n = 0;
	if ((st = store_stmt(s, ST_RECENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, limit > INT64_MAX ? INT64_MAX :
	    (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		e = &v[len++];
		memset(e, 0, sizeof(*e));
		if ((key = sqlite3_column_text(st, 0)) != NULL)
			snprintf(e->key, sizeof(e->key), "%s", key);
		e->feed_name = store_col_text(st, 1);
		e->feed_title = store_col_text(st, 2);
		e->feed_url = store_col_text(st, 3);
		e->title = store_col_text(st, 4);
		e->link = store_col_text(st, 5);
		e->id = store_col_text(st, 6);
		e->author = store_col_text(st, 7);
		e->content = store_col_text(st, 8);
		e->date = (time_t)sqlite3_column_int64(st, 9);
		e->seen = (time_t)sqlite3_column_int64(st, 10);
		e->published = (time_t)sqlite3_column_int64(st, 11);
		e->updated = (time_t)sqlite3_column_int64(st, 12);
		e->source_id = store_col_text(st, 13);
		if ((key = sqlite3_column_text(st, 14)) != NULL)
			snprintf(e->story, sizeof(e->story), "%s", key);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: reading recent entries");
		store_entries_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_entries_free(struct entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		entry_clear(&v[i]);
	free(v);
}

char *
store_merged_id(struct store *s)
{
	sqlite3_stmt *st;
	char *id = NULL;
	int rc;

	if ((st = store_stmt(s, ST_MERGED_ID)) == NULL)
		return NULL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = store_col_text(st, 0);
	sqlite3_reset(st);
	if (id == NULL)
		store_seterr(s, "store: reading the merged feed's id");
	return id;
}

/* Fills st from the FEED_COLUMNS of the current row. */
static void
store_row_feed(sqlite3_stmt *q, struct feed_state *st)
{
	memset(st, 0, sizeof(*st));
	st->url = store_col_text(q, 0);
	st->etag = store_col_text(q, 1);
	st->last_modified = store_col_text(q, 2);
	st->title = store_col_text(q, 3);
	st->last_poll = (time_t)sqlite3_column_int64(q, 4);
	st->last_status = (long)sqlite3_column_int64(q, 5);
	st->last_error = store_col_text(q, 6);
	st->delivered = (long)sqlite3_column_int64(q, 7);
	st->failures = sqlite3_column_int(q, 8);
	st->next_due = (time_t)sqlite3_column_int64(q, 9);
	st->moved_to = store_col_text(q, 10);
	st->gone = (time_t)sqlite3_column_int64(q, 11);
	st->first_good = (time_t)sqlite3_column_int64(q, 12);
	st->ttl = (long)sqlite3_column_int64(q, 13);
	st->server_wait = (long)sqlite3_column_int64(q, 14);
}

int
store_feed_get(struct store *s, const char *name, struct feed_state *st)
{
	sqlite3_stmt *q;
	int rc;

	memset(st, 0, sizeof(*st));
	if (s == NULL)
		return 0;
	if ((q = store_stmt(s, ST_FEED_GET)) == NULL)
		return -1;
	store_bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		store_row_feed(q, st);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_seterr(s, "store: reading feed %s", name);
		return -1;
	}
	return 0;
}

int
store_feed_put(struct store *s, const char *name, const struct feed_state *st)
{
	sqlite3_stmt *q;
	int rc;

	if (st->url != NULL) {
		if ((q = store_stmt(s, ST_SCOPE_MOVED)) == NULL)
			return -1;
		store_bind_text(q, 1, name);
		store_bind_text(q, 2, st->url);
		if (store_step_done(s, q, "recording the old url of feed",
		    name) == -1)
			return -1;
	}
	if ((q = store_stmt(s, ST_FEED_PUT)) == NULL)
		return -1;
	store_bind_text(q, 1, name);
	store_bind_text(q, 2, st->url);
	store_bind_text(q, 3, st->etag);
	store_bind_text(q, 4, st->last_modified);
	store_bind_text(q, 5, st->title);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)st->last_poll);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)st->last_status);
	store_bind_text(q, 8, st->last_error);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)st->delivered);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)st->failures);
	sqlite3_bind_int64(q, 11, (sqlite3_int64)st->next_due);
	store_bind_text(q, 12, st->moved_to);
	sqlite3_bind_int64(q, 13, (sqlite3_int64)st->gone);
	sqlite3_bind_int64(q, 14, (sqlite3_int64)st->first_good);
	sqlite3_bind_int64(q, 15, (sqlite3_int64)st->ttl);
	sqlite3_bind_int64(q, 16, (sqlite3_int64)st->server_wait);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: saving feed %s", name);
		return -1;
	}
	return 0;
}

int
store_feed_each(struct store *s,
    void (*cb)(const char *name, const struct feed_state *, void *),
    void *arg)
{
	sqlite3_stmt *q;
	struct feed_state st;
	char *name;
	int rc;

	if ((q = store_stmt(s, ST_FEED_EACH)) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_row_feed(q, &st);
		name = store_col_text(q, FEED_NCOLUMNS);
		cb(name != NULL ? name : "", &st, arg);
		free(name);
		feed_state_clear(&st);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		store_seterr(s, "store: listing feeds");
		return -1;
	}
	return 0;
}

void
feed_state_clear(struct feed_state *st)
{
	if (st == NULL)
		return;
	free(st->url);
	free(st->etag);
	free(st->last_modified);
	free(st->title);
	free(st->last_error);
	free(st->moved_to);
	memset(st, 0, sizeof(*st));
}

const char *
store_errmsg(struct store *s)
{
	if (s->errmsg[0] == '\0')
		return sqlite3_errmsg(s->db);
	return s->errmsg;
}
