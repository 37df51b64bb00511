/*
 * Tests for maildir delivery: the layout is created, a message taken
 * through the steps deliver.c runs lands whole in new/ under a name
 * holding its key, tmp/ is left empty, and a failed step says what
 * failed, with nothing left once the file is discarded.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"
#include "test.h"
#include "xmalloc.h"

#define KEY	"fedcba9876543210fedcba9876543210" \
		"fedcba9876543210fedcba9876543210"

static const char *tmpdir;		/* the scratch folder */

/* The number of entries in dir (without . and ..); name gets the last. */
static int
count_files(const char *dir, char *name, size_t size)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		n++;
		if (name != NULL)
			snprintf(name, size, "%s", d->d_name);
	}
	closedir(dp);
	return n;
}

/*
 * One message through the steps deliver.c takes for a group: written into
 * tmp/ under a fresh name, tmp/ synced, renamed into new/, new/ synced.
 */
static int
put(const char *md, const char *msg, size_t len, char *name, size_t size,
    char *err, size_t errlen)
{
	if (maildir_name(KEY, name, size) == -1 ||
	    maildir_write_tmp(md, name, msg, len, err, errlen) == -1 ||
	    maildir_sync_tmp(md, err, errlen) == -1 ||
	    maildir_publish(md, name, err, errlen) == -1)
		return -1;
	return maildir_sync(md, err, errlen);
}

/* The permission bits of the folder path, or -1 when it is none. */
static int
dir_mode(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* Folders and messages follow the umask, whatever it is. */
TEST(test_init)
{
	static const char msg[] = "Subject: hi\n\nbody\n";
	static const char *const subs[] = { "tmp", "new", "cur" };
	char err[256], name[512], *md, *p;
	struct stat sb;
	mode_t old = umask(027);
	size_t i;

	md = xasprintf("%s/spool", tmpdir);
	ASSERT_INT(maildir_init(md, err, sizeof(err)), 0);
	ASSERT_INT(dir_mode(md), 0750);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		p = xasprintf("%s/%s", md, subs[i]);
		ASSERT_INT(dir_mode(p), 0750);
		free(p);
	}
	ASSERT_INT(put(md, msg, sizeof(msg) - 1, name, sizeof(name), err,
	    sizeof(err)), 0);
	p = xasprintf("%s/new/%s", md, name);
	ASSERT_INT(stat(p, &sb), 0);
	ASSERT_INT((int)(sb.st_mode & 07777), 0640);
	free(p);
	/* A second init over an existing maildir is fine. */
	ASSERT_INT(maildir_init(md, err, sizeof(err)), 0);
	free(md);

	umask(077);
	md = xasprintf("%s/private", tmpdir);
	ASSERT_INT(maildir_init(md, err, sizeof(err)), 0);
	ASSERT_INT(dir_mode(md), 0700);
	p = xasprintf("%s/new", md);
	ASSERT_INT(dir_mode(p), 0700);
	free(p);
	free(md);
	umask(old);
}

TEST(test_init_not_dir)
{
	char err[256], *md = xasprintf("%s/blocked", tmpdir), *p;
	int fd;

	ASSERT_INT(mkdir(md, 0700), 0);
	p = xasprintf("%s/new", md);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	ASSERT(fd != -1);
	close(fd);
	err[0] = '\0';
	ASSERT_INT(maildir_init(md, err, sizeof(err)), -1);
	ASSERT(strstr(err, p) != NULL);
	ASSERT(strstr(err, "Not a directory") != NULL);
	free(p);
	free(md);
}

TEST(test_deliver)
{
	static const char msg[] = "Subject: hi\n\nbody\n";
	char err[256], name[512], put_name[512], *md, *p, *q, got[64];
	int fd, i;
	ssize_t n;

	md = xasprintf("%s/deliver", tmpdir);
	ASSERT_INT(maildir_init(md, err, sizeof(err)), 0);
	ASSERT_INT(put(md, msg, sizeof(msg) - 1, put_name, sizeof(put_name),
	    err, sizeof(err)), 0);
	p = xasprintf("%s/tmp", md);
	ASSERT_INT(count_files(p, NULL, 0), 0);
	free(p);
	p = xasprintf("%s/new", md);
	ASSERT_INT(count_files(p, name, sizeof(name)), 1);
	ASSERT_STR(name, put_name);
	ASSERT(strstr(name, "." KEY ".") != NULL);
	ASSERT(strchr(name, ':') == NULL && strchr(name, '/') == NULL);
	q = xasprintf("%s/%s", p, name);
	fd = open(q, O_RDONLY);
	ASSERT(fd != -1);
	n = read(fd, got, sizeof(got));
	close(fd);
	ASSERT_INT(n, sizeof(msg) - 1);
	ASSERT(n > 0 && memcmp(got, msg, (size_t)n) == 0);
	free(q);

	/* Many deliveries of the same key in one second get distinct names. */
	for (i = 0; i < 20; i++)
		ASSERT_INT(put(md, msg, sizeof(msg) - 1, put_name,
		    sizeof(put_name), err, sizeof(err)), 0);
	ASSERT_INT(count_files(p, NULL, 0), 21);
	free(p);
	free(md);
}

TEST(test_deliver_big)
{
	char err[256], name[512], *md, *p, *big;
	struct stat sb;
	size_t len = 3 * 1024 * 1024;

	md = xasprintf("%s/big", tmpdir);
	ASSERT_INT(maildir_init(md, err, sizeof(err)), 0);
	big = xmalloc(len);
	memset(big, 'x', len);
	ASSERT_INT(put(md, big, len, name, sizeof(name), err, sizeof(err)), 0);
	p = xasprintf("%s/new", md);
	ASSERT_INT(count_files(p, name, sizeof(name)), 1);
	free(p);
	p = xasprintf("%s/new/%s", md, name);
	ASSERT(stat(p, &sb) == 0 && (size_t)sb.st_size == len);
	free(p);
	free(big);
	free(md);
}

TEST(test_deliver_fails_clean)
{
	char err[256], name[512], *md, *p;
	int fd;

	/* new/ is a regular file: the rename fails after the write. */
	md = xasprintf("%s/broken", tmpdir);
	ASSERT_INT(mkdir(md, 0700), 0);
	p = xasprintf("%s/tmp", md);
	ASSERT_INT(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/new", md);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	ASSERT(fd != -1);
	close(fd);
	free(p);
	err[0] = '\0';
	errno = 0;
	ASSERT_INT(put(md, "x\n", 2, name, sizeof(name), err, sizeof(err)),
	    -1);
	ASSERT_INT(errno, ENOTDIR);
	ASSERT(strncmp(err, "rename to ", 10) == 0);
	ASSERT(strstr(err, KEY) != NULL);
	ASSERT(strstr(err, ": Not a directory") != NULL);
	/* The file stays for its row; deliver.c discards it after. */
	p = xasprintf("%s/tmp", md);
	ASSERT_INT(count_files(p, NULL, 0), 1);
	maildir_discard(md, name);
	ASSERT_INT(count_files(p, NULL, 0), 0);
	free(p);
	free(md);

	/* No tmp/ at all: the open fails and names the path. */
	md = xasprintf("%s/nothing", tmpdir);
	err[0] = '\0';
	ASSERT_INT(put(md, "x\n", 2, name, sizeof(name), err, sizeof(err)),
	    -1);
	ASSERT_INT(errno, ENOENT);
	p = xasprintf("open %s/tmp/", md);
	ASSERT(strncmp(err, p, strlen(p)) == 0);
	ASSERT(strstr(err, ": No such file or directory") != NULL);
	free(p);
	free(md);
}

/* Creates path (and its folders) holding text. */
static void
make_file(const char *path, const char *text)
{
	char *dir = xstrdup(path), *slash;
	FILE *fp;

	for (slash = strchr(dir + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	free(dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

struct seen_paths {
	char	names[16][64];	/* relative to the maildir */
	size_t	n;
	size_t	skip;		/* the root's length and its '/' */
	size_t	stop_after;	/* 0: never */
};

static int
note_path(const char *path, void *arg)
{
	struct seen_paths *sp = arg;

	if (sp->n < 16)
		snprintf(sp->names[sp->n++], sizeof(sp->names[0]), "%s",
		    path + sp->skip);
	return sp->stop_after != 0 && sp->n == sp->stop_after ? 7 : 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Every message of the maildir and its Maildir++ folders: the files of
 * new/ and cur/, not tmp/, hidden files, folders or other files.
 */
TEST(test_each_message)
{
	static const char *const files[] = {
		"new/1.a", "cur/2.b:2,S", "cur/.hidden", "tmp/3.c",
		".Archive/cur/4.d:2,RS", ".Archive/new/5.e", ".Archive/tmp/6.f",
		".A.B/cur/7.g", ".notafolder", "dovecot-uidlist", "new/sub/8.h",
	};
	char err[256], *md = xasprintf("%s/walk", tmpdir), *p;
	struct seen_paths sp = { .skip = strlen(md) + 1 };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = xasprintf("%s/%s", md, files[i]);
		make_file(p, "x\n");
		free(p);
	}
	ASSERT_INT(maildir_each_message(md, note_path, &sp, err, sizeof(err)),
	    0);
	ASSERT_INT(sp.n, 5);
	qsort(sp.names, sp.n, sizeof(sp.names[0]), name_cmp);
	ASSERT_STR(sp.names[0], ".A.B/cur/7.g");
	ASSERT_STR(sp.names[1], ".Archive/cur/4.d:2,RS");
	ASSERT_STR(sp.names[2], ".Archive/new/5.e");
	ASSERT_STR(sp.names[3], "cur/2.b:2,S");
	ASSERT_STR(sp.names[4], "new/1.a");

	/* The callback stops the walk with its value. */
	memset(&sp, 0, sizeof(sp));
	sp.stop_after = 2;
	ASSERT_INT(maildir_each_message(md, note_path, &sp, err, sizeof(err)),
	    7);
	ASSERT_INT(sp.n, 2);
	free(md);

	/* A maildir that is not there holds nothing. */
	md = xasprintf("%s/no-such-maildir", tmpdir);
	ASSERT_INT(maildir_each_message(md, note_path, &sp, err, sizeof(err)),
	    0);
	free(md);
}

int
main(void)
{
	tmpdir = test_dir("t_maildir");
	RUN(test_init);
	RUN(test_init_not_dir);
	RUN(test_deliver);
	RUN(test_deliver_big);
	RUN(test_deliver_fails_clean);
	RUN(test_each_message);
	return TEST_DONE();
}
