/*
 * Tests for Maildir++ folder names: which names are taken, their
 * directories in modified UTF-7 (RFC 3501's own examples among them), and
 * a folder's maildir made with the mark readers look for.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folder.h"
#include "test.h"
#include "xmalloc.h"

static const char *tmpdir;		/* the scratch folder */

static void
assert_dirname(const char *name, const char *want)
{
	char *got = folder_dirname(name);

	ASSERT_STR(got, want);
	free(got);
}

static int
checks(const char *name)
{
	char err[256];

	return folder_check(name, err, sizeof(err));
}

TEST(test_check)
{
	ASSERT_INT(checks("News"), 0);
	ASSERT_INT(checks("News/Korea"), 0);
	ASSERT_INT(checks("News.Korea"), 0);
	ASSERT_INT(checks("AI 뉴스 & Tech"), 0);
	ASSERT_INT(checks(""), -1);
	ASSERT_INT(checks("/News"), -1);
	ASSERT_INT(checks("News/"), -1);
	ASSERT_INT(checks("News//Korea"), -1);
	ASSERT_INT(checks(".News"), -1);
	ASSERT_INT(checks(".."), -1);
	ASSERT_INT(checks("News\nKorea"), -1);
	ASSERT_INT(checks("News\x7f"), -1);
	ASSERT_INT(checks("News\xc2\x85"), -1);	/* U+0085, C1 */
	ASSERT_INT(checks("Bad \xff byte"), -1);
}

TEST(test_dirname)
{
	assert_dirname("News", ".News");
	assert_dirname("News/Korea", ".News.Korea");
	assert_dirname("News.Korea", ".News.Korea");
	assert_dirname("R&D", ".R&-D");
	/* RFC 3501, 5.1.3: 台北 and 日本語. */
	assert_dirname("台北/日本語", ".&U,BTFw-.&ZeVnLIqe-");
	assert_dirname("Entwürfe", ".Entw&APw-rfe");
	assert_dirname("AI 뉴스", ".AI &snTCpA-");
	/* Outside the BMP: a surrogate pair in one run. */
	assert_dirname("\xf0\x9f\x98\x80", ".&2D3eAA-");
}

TEST(test_init)
{
	char err[256], path[PATH_MAX];
	struct stat sb;

	ASSERT_INT(folder_maildir(path, sizeof(path), tmpdir, NULL), 0);
	ASSERT_STR(path, tmpdir);
	ASSERT_INT(folder_init(tmpdir, ".News.Korea", err, sizeof(err)), 0);
	/* Made twice is made once. */
	ASSERT_INT(folder_init(tmpdir, ".News.Korea", err, sizeof(err)), 0);
	for (int i = 0; i < 4; i++) {
		static const char *const parts[] = {
			"tmp", "new", "cur", "maildirfolder",
		};

		snprintf(path, sizeof(path), "%s/.News.Korea/%s", tmpdir,
		    parts[i]);
		ASSERT_INT(stat(path, &sb), 0);
		ASSERT(i < 3 ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode));
	}
	/* A file where the folder goes is an error that says where. */
	snprintf(path, sizeof(path), "%s/.Taken", tmpdir);
	fclose(fopen(path, "w"));
	ASSERT_INT(folder_init(tmpdir, ".Taken", err, sizeof(err)), -1);
	ASSERT(strstr(err, ".Taken") != NULL);
}

int
main(void)
{
	tmpdir = test_dir("t_folder");
	RUN(test_check);
	RUN(test_dirname);
	RUN(test_init);
	return TEST_DONE();
}
