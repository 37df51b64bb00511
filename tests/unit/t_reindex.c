/*
 * Tests for reading the seen keys back from the spool: the key in a
 * message's Message-ID (ours only, however written), the refusal of a
 * missing or empty state beside messages, and a reindex that marks every
 * message's key seen.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reindex.h"
#include "store.h"
#include "test.h"
#include "xmalloc.h"

#define KEY	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define KEY2	"fedcba9876543210fedcba9876543210" \
		"fedcba9876543210fedcba9876543210"

static const char *tmpdir;		/* the scratch folder */

static int
key_of(const char *msg, char key[KEY_HEX_SIZE])
{
	key[0] = '\0';
	return reindex_message_key(msg, strlen(msg), key);
}

TEST(test_message_key)
{
	char key[KEY_HEX_SIZE];

	ASSERT_INT(key_of("From: a\r\nMessage-ID: <" KEY "@aggregator>\r\n"
	    "\r\nbody\r\n", key), 1);
	ASSERT_STR(key, KEY);
	/* Any case, folded, upper-case hex. */
	ASSERT_INT(key_of("message-id:\n\t<0123456789ABCDEF0123456789ABCDEF"
	    "0123456789abcdef0123456789abcdef@Aggregator>\n\nx", key), 1);
	ASSERT_STR(key, KEY);
	/* Not ours: another domain, a short key, none, in the body. */
	ASSERT_INT(key_of("Message-ID: <" KEY "@example.org>\n\n", key), 0);
	ASSERT_INT(key_of("Message-ID: <0123@aggregator>\n\n", key), 0);
	ASSERT_INT(key_of("Subject: hi\n\n", key), 0);
	ASSERT_INT(key_of("Subject: hi\n\nMessage-ID: <" KEY "@aggregator>\n",
	    key), 0);
	ASSERT_INT(key_of("X-Message-ID: <" KEY "@aggregator>\n\n", key), 0);
	/* Cut short. */
	ASSERT_INT(key_of("Message-ID: <" KEY, key), 0);
	ASSERT_INT(key_of("", key), 0);
}

static void
write_message(const char *path, const char *key)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		return;
	fprintf(fp, "From: \"F\" <aggregator@localhost>\nSubject: s\n"
	    "Message-ID: <%s@aggregator>\n\nbody\n", key);
	fclose(fp);
}

TEST(test_needed_and_reindex)
{
	struct reindex_counts n;
	struct store *s;
	char err[512], *spool = xasprintf("%s/spool", tmpdir);
	char *state = xasprintf("%s/state.db", tmpdir), *p;
	FILE *fp;

	/* No state and no spool: a first run. */
	ASSERT_INT(reindex_needed(state, spool, err, sizeof(err)), 0);
	ASSERT_INT(mkdir(spool, 0700), 0);
	p = xasprintf("%s/cur", spool);
	ASSERT_INT(mkdir(p, 0700), 0);
	free(p);
	ASSERT_INT(reindex_needed(state, spool, err, sizeof(err)), 0);
	p = xasprintf("%s/cur/1.x:2,S", spool);
	write_message(p, KEY);
	free(p);
	p = xasprintf("%s/.Old", spool);
	ASSERT_INT(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/.Old/new", spool);
	ASSERT_INT(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/.Old/new/2.y", spool);
	write_message(p, KEY2);
	free(p);
	/* Messages and no state, or an empty one: refused. */
	ASSERT_INT(reindex_state_missing(state), 1);
	ASSERT_INT(reindex_needed(state, spool, err, sizeof(err)), 1);
	fp = fopen(state, "w");
	ASSERT(fp != NULL);
	if (fp != NULL)
		fclose(fp);
	ASSERT_INT(reindex_state_missing(state), 1);
	ASSERT_INT(reindex_needed(state, spool, err, sizeof(err)), 1);

	ASSERT_INT(store_open(state, &s, err, sizeof(err)), 0);
	ASSERT_INT(reindex_state_missing(state), 0);
	ASSERT_INT(reindex_needed(state, spool, err, sizeof(err)), 0);
	ASSERT_INT(reindex_spool(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n.messages, 2);
	ASSERT_INT(n.keys, 2);
	ASSERT_INT(store_is_seen(s, KEY), 1);
	ASSERT_INT(store_is_seen(s, KEY2), 1);
	/* Twice is harmless. */
	ASSERT_INT(reindex_spool(s, spool, &n, err, sizeof(err)), 0);
	ASSERT_INT(n.keys, 2);
	store_close(s);
	free(state);
	free(spool);
}

int
main(void)
{
	tmpdir = test_dir("t_reindex");
	RUN(test_message_key);
	RUN(test_needed_and_reindex);
	return TEST_DONE();
}
