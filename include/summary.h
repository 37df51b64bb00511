/*
 * The extractive summary of a digest section: its leading whole
 * sentences, as many as fit a length in characters.
 */
#ifndef SUMMARY_H
#define SUMMARY_H

#include <stddef.h>

/*
 * Returns, allocated and owned by the caller, the leading whole sentences
 * of text (plain UTF-8, whitespace already collapsed to single spaces)
 * that together hold at most max_chars characters (code points), trimmed
 * of spaces.  A sentence ends at . ! ? (and 다. 요.) followed by a space
 * or the end of text, possibly through closing quotes and brackets, and
 * at 。！？ whatever follows, as CJK text puts no space between
 * sentences; a '.' in a number, after an initial (U.S.) or after a common
 * abbreviation (Mr. Inc. e.g. Jan. ...) ends none.  When not even the
 * first sentence fits, it is cut at the last space within the limit (or,
 * with none, after max_chars - 1 characters) and ends in "…", which
 * counts as one of the max_chars.  Empty text, or max_chars 0, gives "".
 */
char	*summary_extract(const char *text, size_t max_chars);

#endif
