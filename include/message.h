/*
 * An entry rendered as one RFC 5322 message with a MIME body in UTF-8:
 * RFC 2047 encoded headers, lines of at most 998 bytes, CRLF-free LF text
 * as maildir expects.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>

#include "entry.h"

/* Returns the message as an allocated string; its length in *len. */
char	*message_render(const struct entry *e, size_t *len);

/*
 * RFC 2047 encoding of one header value (UTF-8 "B" or "Q" encoded-words
 * folded onto continuation lines, only the last word padded) when it is
 * not plain ASCII; otherwise a copy.
 * name_len is the length of "Name: " already on the first line.
 */
char	*message_encode_header(const char *value, size_t name_len);

#endif
