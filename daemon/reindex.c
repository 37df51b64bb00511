/*
 * The seen keys read back from the spool.  A message's Message-ID is
 * <KEYHEX@aggregator>, KEYHEX its entry key, and readers keep that header
 * wherever they move the message (cur/, a Maildir++ folder), so the keys
 * of everything delivered can be found again when the state is lost.
 * Only the head of each file is read.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"
#include "reindex.h"
#include "store.h"
#include "xmalloc.h"

/* Enough for any header block of ours, and most of others'. */
#define HEAD_MAX	65536

int
reindex_state_missing(const char *state)
{
	struct stat sb;

	if (stat(state, &sb) == -1)
		return errno == ENOENT;
	return S_ISREG(sb.st_mode) && sb.st_size == 0;
}

static int
found_one(const char *path, void *arg)
{
	(void)path;
	(void)arg;
	return 1;
}

int
reindex_needed(const char *state, const char *spool, char *err,
    size_t errlen)
{
	if (!reindex_state_missing(state))
		return 0;
	return maildir_each_message(spool, found_one, NULL, err, errlen);
}

/* The key in a Message-ID value at v (folding whitespace first). */
static int
id_key(const char *v, const char *end, char key[KEY_HEX_SIZE])
{
	static const char host[] = "@aggregator>";
	size_t i;

	while (v < end && *v != '\0' && strchr(" \t\r\n", *v) != NULL)
		v++;
	if ((size_t)(end - v) < 1 + KEY_HEX_LEN + sizeof(host) - 1 ||
	    *v++ != '<')
		return 0;
	for (i = 0; i < KEY_HEX_LEN; i++) {
		if (!isxdigit((unsigned char)v[i]))
			return 0;
		key[i] = (char)tolower((unsigned char)v[i]);
	}
	key[i] = '\0';
	return strncasecmp(v + KEY_HEX_LEN, host, sizeof(host) - 1) == 0;
}

int
reindex_message_key(const char *s, size_t n, char key[KEY_HEX_SIZE])
{
	static const char name[] = "message-id:";
	const char *end = s + n, *line, *eol;

	for (line = s; line < end; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(end - line))) == NULL)
			eol = end;
		/* An empty line ends the header. */
		if (eol == line || (eol - line == 1 && line[0] == '\r'))
			return 0;
		if ((size_t)(eol - line) >= sizeof(name) - 1 &&
		    strncasecmp(line, name, sizeof(name) - 1) == 0)
			return id_key(line + sizeof(name) - 1, end, key);
	}
	return 0;
}

struct walk {
	struct store		*store;
	struct reindex_counts	*counts;
	time_t			 now;
	char			*head;		/* HEAD_MAX bytes */
	char			*err;
	size_t			 errlen;
};

/* One message: its key, when it has one of ours, is marked seen. */
static int
reindex_one(const char *path, void *arg)
{
	struct walk *w = arg;
	char key[KEY_HEX_SIZE];
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		/* A reader moved or deleted it meanwhile: not ours to keep. */
		if (errno == ENOENT)
			return 0;
		snprintf(w->err, w->errlen, "open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (len < HEAD_MAX && (n = read(fd, w->head + len,
	    HEAD_MAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(w->err, w->errlen, "read %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	w->counts->messages++;
	if (!reindex_message_key(w->head, len, key))
		return 0;
	w->counts->keys++;
	if (store_mark_seen(w->store, key, NULL, w->now) == -1) {
		snprintf(w->err, w->errlen, "state: %s",
		    store_errmsg(w->store));
		return -1;
	}
	return 0;
}

int
reindex_spool(struct store *store, const char *spool,
    struct reindex_counts *counts, char *err, size_t errlen)
{
	struct walk w = {
		.store = store, .counts = counts, .now = time(NULL),
		.err = err, .errlen = errlen,
	};
	int rc = -1;

	memset(counts, 0, sizeof(*counts));
	if (store_begin(store) == -1) {
		snprintf(err, errlen, "state: %s", store_errmsg(store));
		return -1;
	}
	w.head = xmalloc(HEAD_MAX);
	if (maildir_each_message(spool, reindex_one, &w, err, errlen) != 0)
		goto out;
	if (store_commit(store) == -1) {
		snprintf(err, errlen, "state: %s", store_errmsg(store));
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		store_rollback(store);
	free(w.head);
	return rc;
}
