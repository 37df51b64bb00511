/*
 * Tests for the config edited as text: which lines a section's removal
 * takes and which it leaves, appending after any kind of ending, values
 * the parser would read back otherwise, and the file replaced with its
 * mode only when the new text loads.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_edit.h"
#include "test.h"
#include "xmalloc.h"

static const char *tmpdir;		/* the scratch folder */

/* text with [feed.name] removed, or NULL when it has none. */
static char *
removed(const char *text, const char *name)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, text);
	if (config_edit_remove(&b, name) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b);
}

static void
assert_removed(const char *text, const char *name, const char *want)
{
	char *got = removed(text, name);

	ASSERT_STR(got, want);
	free(got);
}

static char *
appended(const char *text, const struct config_edit_feed *f)
{
	struct buf b;

	buf_init(&b);
	buf_addstr(&b, text);
	config_edit_append(&b, f);
	return buf_release(&b);
}

static const char file[] =
    "# top\n"
    "[aggregator]\n"
    "spool = spool\n"
    "\n"
    "# about a\n"
    "[feed.a]\n"
    "url = https://a.example/   # the wire\n"
    "# interval = 1h\n"
    "\n"
    "; about b\n"
    "[ feed.b ]\n"
    "url = https://b.example/\n"
    "\n"
    "[feed.c]\n"
    "url = https://c.example/\n";

TEST(test_remove_middle_takes_its_comments_only)
{
	/* The comment above a's header and its commented-out key go with
	 * it; b's comment, right above b, stays. */
	assert_removed(file, "a",
	    "# top\n[aggregator]\nspool = spool\n\n"
	    "; about b\n[ feed.b ]\nurl = https://b.example/\n\n"
	    "[feed.c]\nurl = https://c.example/\n");
	/* A header written with spaces is found as the parser finds it. */
	assert_removed(file, "b",
	    "# top\n[aggregator]\nspool = spool\n\n"
	    "# about a\n[feed.a]\nurl = https://a.example/   # the wire\n"
	    "# interval = 1h\n\n"
	    "[feed.c]\nurl = https://c.example/\n");
}

TEST(test_remove_last_takes_the_blank_before)
{
	assert_removed(file, "c",
	    "# top\n[aggregator]\nspool = spool\n\n"
	    "# about a\n[feed.a]\nurl = https://a.example/   # the wire\n"
	    "# interval = 1h\n\n"
	    "; about b\n[ feed.b ]\nurl = https://b.example/\n");
	/* No newline at the end of the file. */
	assert_removed("[aggregator]\n\n[feed.x]\nurl = u", "x",
	    "[aggregator]\n");
}

TEST(test_remove_keeps_comments_after_a_blank_line)
{
	/* A comment after a blank line belongs to what follows, at the end
	 * of the file too. */
	assert_removed("[feed.x]\nurl = u\n\n# the end\n", "x", "# the end\n");
	assert_removed("[feed.x]\nurl = u\n\n# next\n\n[feed.y]\nurl = v\n",
	    "x", "# next\n\n[feed.y]\nurl = v\n");
	/* Comment lines inside a section, before its keys, go with it. */
	assert_removed("[feed.x]\n# why\nurl = u\n[feed.y]\nurl = v\n", "x",
	    "[feed.y]\nurl = v\n");
}

TEST(test_remove_unknown_or_lookalike)
{
	ASSERT_STR(removed(file, "d"), NULL);
	/* A comment or a value that looks like a header is none. */
	ASSERT_STR(removed("# [feed.a]\nx = [feed.a]\n", "a"), NULL);
	/* Another section's name that starts the same. */
	ASSERT_STR(removed("[feed.ab]\nurl = u\n", "a"), NULL);
	/* CR LF lines are lines. */
	assert_removed("[aggregator]\r\n\r\n[feed.a]\r\nurl = u\r\n", "a",
	    "[aggregator]\r\n");
}

TEST(test_append)
{
	struct config_edit_feed f = { .name = "n", .url = "https://n.example/",
	    .title = "N & Co", .folder = "News/Korea", .interval = "2h" };
	struct config_edit_feed bare = { .name = "m", .url = "file:///m.xml" };
	char *got;

	got = appended("[aggregator]\nspool = s\n", &f);
	ASSERT_STR(got, "[aggregator]\nspool = s\n\n[feed.n]\n"
	    "url = https://n.example/\ntitle = N & Co\nfolder = News/Korea\n"
	    "interval = 2h\n");
	free(got);
	/* No newline at the end; a blank last line; an empty file. */
	got = appended("[aggregator]", &bare);
	ASSERT_STR(got, "[aggregator]\n\n[feed.m]\nurl = file:///m.xml\n");
	free(got);
	got = appended("[aggregator]\n  \n", &bare);
	ASSERT_STR(got, "[aggregator]\n  \n[feed.m]\nurl = file:///m.xml\n");
	free(got);
	got = appended("", &bare);
	ASSERT_STR(got, "[feed.m]\nurl = file:///m.xml\n");
	free(got);
	got = appended("[aggregator]\r\nspool = s\r\n", &bare);
	ASSERT_STR(got, "[aggregator]\r\nspool = s\r\n\r\n[feed.m]\r\n"
	    "url = file:///m.xml\r\n");
	free(got);
}

TEST(test_append_then_remove_is_the_identity)
{
	struct config_edit_feed f = { .name = "new", .url = "https://x/" };
	char *added = appended(file, &f);

	assert_removed(added, "new", file);
	free(added);
}

TEST(test_value_ok)
{
	ASSERT(config_edit_value_ok("https://a.example/feed#frag"));
	ASSERT(config_edit_value_ok("Tom & Jerry; a show"));
	ASSERT(config_edit_value_ok("한국어 뉴스"));
	ASSERT(config_edit_value_ok("a=b"));
	ASSERT(!config_edit_value_ok(""));
	ASSERT(!config_edit_value_ok(" lead"));
	ASSERT(!config_edit_value_ok("trail "));
	ASSERT(!config_edit_value_ok("Issue #1"));
	ASSERT(!config_edit_value_ok("a ;b"));
	ASSERT(!config_edit_value_ok("#x"));
	ASSERT(!config_edit_value_ok("two\nlines"));
	ASSERT(!config_edit_value_ok("tab\there"));
}

static char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

/* Files of the scratch folder that are a savefile's temporary ones. */
static int
temporary_files(void)
{
	struct dirent *d;
	DIR *dp = opendir(tmpdir);
	int n = 0;

	while (dp != NULL && (d = readdir(dp)) != NULL)
		n += strstr(d->d_name, ".tmp.") != NULL;
	if (dp != NULL)
		closedir(dp);
	return n;
}

TEST(test_save)
{
	struct config_edit_feed f = { .name = "b",
	    .url = "https://b.example/" };
	struct config_edit ed;
	struct stat st;
	struct buf now;
	char err[512], *path;

	path = write_file("edit.conf", "[aggregator]\n# mine\n", 0640);
	ASSERT_INT(config_edit_open(&ed, path, err, sizeof(err)), 0);
	config_edit_append(&ed.text, &f);
	ASSERT_INT(config_edit_save(&ed, err, sizeof(err)), 0);
	config_edit_close(&ed);
	buf_init(&now);
	ASSERT_INT(buf_read_file(&now, path), 0);
	ASSERT_STR(now.data, "[aggregator]\n# mine\n\n[feed.b]\n"
	    "url = https://b.example/\n");
	buf_free(&now);
	ASSERT_INT(stat(path, &st), 0);
	ASSERT_INT(st.st_mode & 07777, 0640);

	/* A text that would not load is not saved, and leaves nothing. */
	ASSERT_INT(config_edit_open(&ed, path, err, sizeof(err)), 0);
	buf_addstr(&ed.text, "[feed.c]\ncolour = blue\n");
	ASSERT_INT(config_edit_save(&ed, err, sizeof(err)), -1);
	ASSERT(strstr(err, "does not load") != NULL);
	config_edit_close(&ed);
	buf_init(&now);
	ASSERT_INT(buf_read_file(&now, path), 0);
	ASSERT(strstr(now.data, "colour") == NULL);
	buf_free(&now);
	ASSERT_INT(temporary_files(), 0);

	ASSERT_INT(config_edit_open(&ed, "/nonexistent/a.conf", err,
	    sizeof(err)), -1);
	ASSERT(strstr(err, "/nonexistent/a.conf") != NULL);
	config_edit_close(&ed);
}

int
main(void)
{
	tmpdir = test_dir("t_config_edit");
	RUN(test_remove_middle_takes_its_comments_only);
	RUN(test_remove_last_takes_the_blank_before);
	RUN(test_remove_keeps_comments_after_a_blank_line);
	RUN(test_remove_unknown_or_lookalike);
	RUN(test_append);
	RUN(test_append_then_remove_is_the_identity);
	RUN(test_value_ok);
	RUN(test_save);
	return TEST_DONE();
}
