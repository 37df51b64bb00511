/*
 * The config file edited as text (config_edit.h).  Lines are read with
 * the parser's own reader (config_line), so a section starts here where
 * it starts for the parser; the file is replaced through savefile.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_edit.h"
#include "savefile.h"
#include "xmalloc.h"

int
config_edit_open(struct config_edit *ed, const char *path, char *err,
    size_t errlen)
{
	struct stat now;

	memset(ed, 0, sizeof(*ed));
	ed->fd = -1;
	ed->path = xstrdup(path);
	buf_init(&ed->text);
	for (;;) {
		if ((ed->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    flock(ed->fd, LOCK_EX) == -1 ||
		    fstat(ed->fd, &ed->st) == -1 || stat(path, &now) == -1) {
			snprintf(err, errlen, "config %s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (now.st_dev == ed->st.st_dev && now.st_ino == ed->st.st_ino)
			break;
		/* An edit we waited for replaced the file: lock the new one. */
		close(ed->fd);
	}
	if (buf_read_file(&ed->text, path) == -1) {
		snprintf(err, errlen, "config %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
config_edit_close(struct config_edit *ed)
{
	if (ed->fd != -1)
		close(ed->fd);
	buf_free(&ed->text);
	free(ed->path);
	memset(ed, 0, sizeof(*ed));
	ed->fd = -1;
}

/* The lines of a text: where each starts, and what it is to the parser. */
struct lines {
	size_t		*off;		/* n + 1 of them: off[n] is the end */
	enum config_line *kind;
	char		**section;	/* a header's name, else NULL */
	size_t		 n;
};

static void
lines_read(struct lines *l, const char *text, size_t len)
{
	const char *nl;
	char *copy, *s;
	size_t at = 0, end;

	memset(l, 0, sizeof(*l));
	l->off = xreallocarray(NULL, 1, sizeof(*l->off));
	while (at < len) {
		nl = memchr(text + at, '\n', len - at);
		end = nl != NULL ? (size_t)(nl - text) + 1 : len;
		l->off = xreallocarray(l->off, l->n + 2, sizeof(*l->off));
		l->kind = xreallocarray(l->kind, l->n + 1, sizeof(*l->kind));
		l->section = xreallocarray(l->section, l->n + 1,
		    sizeof(*l->section));
		copy = xstrndup(text + at, end - at);
		l->off[l->n] = at;
		l->kind[l->n] = config_line(copy, &s);
		l->section[l->n] = NULL;
		if (l->kind[l->n] == CONFIG_LINE_SECTION &&
		    (s = config_section_name(s)) != NULL)
			l->section[l->n] = xstrdup(s);
		free(copy);
		l->n++;
		at = end;
	}
	l->off[l->n] = len;
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->section[i]);
	free(l->section);
	free(l->kind);
	free(l->off);
}

/* The first of the comment lines right above line i, or i. */
static size_t
lead(const struct lines *l, size_t i)
{
	while (i > 0 && l->kind[i - 1] == CONFIG_LINE_COMMENT)
		i--;
	return i;
}

int
config_edit_remove(struct buf *text, const char *name)
{
	struct lines l;
	size_t h, n, k, start, end, cut;
	char *want = xasprintf("feed.%s", name);
	int blank = 0;

	lines_read(&l, text->data != NULL ? text->data : "", text->len);
	for (h = 0; h < l.n; h++)
		if (l.section[h] != NULL && strcmp(l.section[h], want) == 0)
			break;
	free(want);
	if (h == l.n) {
		lines_free(&l);
		return -1;
	}
	for (n = h + 1; n < l.n && l.kind[n] != CONFIG_LINE_SECTION; n++)
		;
	for (k = n - 1; k > h && l.kind[k] != CONFIG_LINE_KEY; k--)
		;
	start = lead(&l, h);
	end = n < l.n ? lead(&l, n) : n;
	for (size_t i = k + 1; i < end; i++) {
		if (l.kind[i] == CONFIG_LINE_BLANK)
			blank = 1;
		else if (blank) {
			end = i;
			break;
		}
	}
	if (end == l.n)
		while (start > 0 && l.kind[start - 1] == CONFIG_LINE_BLANK)
			start--;
	cut = l.off[end] - l.off[start];
	memmove(text->data + l.off[start], text->data + l.off[end],
	    text->len - l.off[end] + 1);
	text->len -= cut;
	lines_free(&l);
	return 0;
}

int
config_edit_value_ok(const char *value)
{
	char *line, *s;
	int ok;

	if (*value == '\0')
		return 0;
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	/* As the parser reads "k = value": its value is what follows '='. */
	line = xasprintf("k = %s", value);
	ok = config_line(line, &s) == CONFIG_LINE_KEY;
	if (ok) {
		s = strchr(s, '=') + 1;
		s += strspn(s, " \t");
		ok = strcmp(s, value) == 0;
	}
	free(line);
	return ok;
}

/* Whether the text's first line ends in CR LF: new lines then do too. */
static const char *
line_end(const struct buf *text)
{
	const char *nl;

	if (text->len == 0)
		return "\n";
	nl = memchr(text->data, '\n', text->len);
	return nl != NULL && nl > text->data && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* Whether the last line of text (which ends in a newline) is blank. */
static int
last_line_blank(const struct buf *text)
{
	size_t i = text->len - 1;

	while (i > 0 && text->data[i - 1] != '\n') {
		if (strchr(" \t\r\f\v", text->data[i - 1]) == NULL)
			return 0;
		i--;
	}
	return 1;
}

void
config_edit_append(struct buf *text, const struct config_edit_feed *f)
{
	const char *eol = line_end(text);

	if (text->len > 0 && text->data[text->len - 1] != '\n')
		buf_addstr(text, eol);
	if (text->len > 0 && !last_line_blank(text))
		buf_addstr(text, eol);
	buf_printf(text, "[feed.%s]%surl = %s%s", f->name, eol, f->url, eol);
	if (f->title != NULL)
		buf_printf(text, "title = %s%s", f->title, eol);
	if (f->folder != NULL)
		buf_printf(text, "folder = %s%s", f->folder, eol);
	if (f->interval != NULL)
		buf_printf(text, "interval = %s%s", f->interval, eol);
}

/*
 * The new file gets the old one's mode and owner: a config readable by
 * the daemon's group stays so.  Changing the owner needs the right to; a
 * file that cannot keep it is not replaced.
 */
static int
keep_owner(const char *tmp, const struct stat *old, char *err, size_t errlen)
{
	struct stat st;

	if (stat(tmp, &st) == -1 || ((st.st_uid != old->st_uid ||
	    st.st_gid != old->st_gid) &&
	    chown(tmp, old->st_uid, old->st_gid) == -1) ||
	    chmod(tmp, old->st_mode & 07777) == -1) {
		snprintf(err, errlen, "config: cannot give %s the mode and "
		    "owner of the file it replaces: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

int
config_edit_save(struct config_edit *ed, char *err, size_t errlen)
{
	struct savefile sf;
	struct config cfg;
	int problems;

	if (savefile_prepare(&sf, "config", ed->path, ed->text.data != NULL ?
	    ed->text.data : "", ed->text.len, err, errlen) == -1)
		return -1;
	if (keep_owner(sf.tmp, &ed->st, err, errlen) == -1) {
		savefile_abort(&sf);
		return -1;
	}
	/* Never true when the edits were checked: a last guard. */
	problems = config_load_as(sf.tmp, ed->path, &cfg);
	config_free(&cfg);
	if (problems != 0) {
		snprintf(err, errlen, "config: the edited text of %s does not "
		    "load; the file is left as it was", ed->path);
		savefile_abort(&sf);
		return -1;
	}
	return savefile_commit(&sf, "config", err, errlen);
}
