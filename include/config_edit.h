/*
 * Edits of the config file's text, not a rewrite from what was parsed: a
 * [feed.NAME] section appended or cut out and every other byte kept, so
 * the comments, order and spelling a person gave the file stay.  The
 * file is then replaced whole, with the mode and owner it had, and only
 * once the new text loads without a problem.
 */
#ifndef CONFIG_EDIT_H
#define CONFIG_EDIT_H

#include <sys/stat.h>

#include <stddef.h>

#include "xmalloc.h"

/* A config file opened for an edit. */
struct config_edit {
	char		*path;
	int		 fd;		/* open on it and flock(2)ed, so that
					   two edits run one after the other */
	struct stat	 st;		/* its mode and owner */
	struct buf	 text;		/* its bytes, to be edited */
};

/* The section of a new feed; NULL fields are left out. */
struct config_edit_feed {
	const char	*name;
	const char	*url;
	const char	*title;
	const char	*folder;
	const char	*interval;
};

/*
 * Opens the config at path for an edit: waits for the lock other edits
 * hold, then reads the file.  0, or -1 with a one-line reason in err.
 * ed is released with config_edit_close either way.
 */
int	config_edit_open(struct config_edit *ed, const char *path, char *err,
	    size_t errlen);
void	config_edit_close(struct config_edit *ed);

/*
 * Appends f's section to text: a newline first when text does not end
 * with one, and a blank line when its last line is not blank; lines end
 * as the file's first line does (LF, or CR LF).  Every value must pass
 * config_edit_value_ok.
 */
void	config_edit_append(struct buf *text,
	    const struct config_edit_feed *f);

/*
 * Cuts [feed.name]'s section out of text.  The section is its header, the
 * lines after it up to the next header and the comment lines right above
 * the header (no blank line between: they describe it).  Of the lines
 * after its last key, comment lines that follow a blank line, and those
 * right above the next header, stay: they belong to what follows.  When
 * the section ended the file, the blank lines left at its end go too.
 * 0, or -1 when text has no such section.
 */
int	config_edit_remove(struct buf *text, const char *name);

/*
 * Whether the parser would read value back as it is when written as
 * "key = value": not empty, no control characters, no white space at
 * either end, no '#' or ';' that would start a comment.
 */
int	config_edit_value_ok(const char *value);

/*
 * Replaces the file with ed->text (savefile.h: a synced temporary file
 * renamed over it), given the mode and owner of the file it replaces,
 * once that text loads without a problem.  0, or -1 with a one-line
 * reason in err and the file as it was.
 */
int	config_edit_save(struct config_edit *ed, char *err, size_t errlen);

#endif
