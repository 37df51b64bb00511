/*
 * Maildir++ folder names.  A name's parts become one directory, ".A.B",
 * because Maildir++ nests by dots and keeps every folder directly in the
 * spool; mail readers then show A with B inside it.  Characters beyond
 * printable ASCII, and '&', are written in modified UTF-7 as IMAP servers
 * expect on disk: '&' starts a run of UTF-16 in base64 with ',' for '/',
 * '-' ends it, and "&-" is '&' itself.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folder.h"
#include "maildir.h"
#include "utf8.h"
#include "xmalloc.h"

static const char mutf7_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
is_separator(char c)
{
	return c == '/' || c == '.';
}

int
folder_check(const char *name, char *err, size_t errlen)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), i, part = 0;
	uint32_t c;

	if (n == 0) {
		snprintf(err, errlen, "an empty folder name");
		return -1;
	}
	if (!utf8_valid(name, n)) {
		snprintf(err, errlen, "a folder name that is not UTF-8");
		return -1;
	}
	for (i = 0; i < n; ) {
		if (is_separator((char)p[i])) {
			if (part == 0) {
				snprintf(err, errlen, "an empty part in folder "
				    "name (parts are split by / or .)");
				return -1;
			}
			part = 0;
			i++;
			continue;
		}
		i += utf8_decode_lossy(p + i, n - i, &c);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
			snprintf(err, errlen, "a control character in folder "
			    "name");
			return -1;
		}
		part++;
	}
	if (part == 0) {
		snprintf(err, errlen, "an empty part in folder name (parts "
		    "are split by / or .)");
		return -1;
	}
	return 0;
}

/* Appends the UTF-16 units u[0..n) as one modified-base64 run. */
static void
mutf7_run(struct buf *b, const uint16_t *u, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;

	buf_addc(b, '&');
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 16) | u[i];
		bits += 16;
		while (bits >= 6) {
			bits -= 6;
			buf_addc(b, mutf7_alphabet[(acc >> bits) & 0x3f]);
		}
	}
	if (bits > 0)
		buf_addc(b, mutf7_alphabet[(acc << (6 - bits)) & 0x3f]);
	buf_addc(b, '-');
}

char *
folder_dirname(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), i = 0, nu = 0;
	uint16_t *units = xcalloc(n * 2 + 1, sizeof(*units));
	struct buf b;
	uint32_t c;

	buf_init(&b);
	buf_addc(&b, '.');
	while (i < n) {
		i += utf8_decode_lossy(p + i, n - i, &c);
		if (c >= 0x20 && c < 0x7f) {
			if (nu > 0) {
				mutf7_run(&b, units, nu);
				nu = 0;
			}
			if (c == '&')
				buf_addstr(&b, "&-");
			else
				buf_addc(&b, is_separator((char)c) ? '.' :
				    (char)c);
		} else if (c >= 0x10000) {
			c -= 0x10000;
			units[nu++] = (uint16_t)(0xd800 | (c >> 10));
			units[nu++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else
			units[nu++] = (uint16_t)c;
	}
	if (nu > 0)
		mutf7_run(&b, units, nu);
	free(units);
	return buf_release(&b);
}

int
folder_maildir(char *path, size_t size, const char *spool, const char *dir)
{
	int len = dir != NULL ? snprintf(path, size, "%s/%s", spool, dir) :
	    snprintf(path, size, "%s", spool);

	return len < 0 || (size_t)len >= size ? -1 : 0;
}

int
folder_init(const char *spool, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], mark[PATH_MAX + 16];
	struct stat ss, fs;
	int fd;

	if (folder_maildir(path, sizeof(path), spool, dir) == -1) {
		snprintf(err, errlen, "folder %s: path too long", dir);
		return -1;
	}
	if (maildir_init(path, err, errlen) == -1)
		return -1;
	/* One syncfs of the spool makes every folder's tmp/ durable. */
	if (stat(spool, &ss) == -1 || stat(path, &fs) == -1) {
		snprintf(err, errlen, "stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (ss.st_dev != fs.st_dev) {
		snprintf(err, errlen, "%s is on another filesystem than the "
		    "spool %s; a folder must share the spool's", path, spool);
		return -1;
	}
	/* Courier and Dovecot tell a folder from a spool by this file. */
	snprintf(mark, sizeof(mark), "%s/maildirfolder", path);
	if ((fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", mark, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}
