/*
 * An entry rendered as one RFC 5322 message with a MIME body in UTF-8:
 * RFC 2047 encoded headers, lines of at most 998 bytes, CRLF-free LF text
 * as maildir expects.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "entry.h"

struct buf;

/* Returns the message as an allocated string; its length in *len. */
char	*message_render(const struct entry *e, size_t *len);

/*
 * A message of another kind (the digest's), in two steps into b:
 * message_start writes From (the display name from), To, Subject, Date
 * and Message-ID (<id@aggregator>); message_alternative ends the header
 * block with a multipart/alternative body of the plain text and the HTML
 * (UTF-8, cleaned of controls here), its boundary made from id.
 */
struct message_head {
	const char	*from;
	const char	*subject;
	time_t		 date;
	const char	*id;
};
void	message_start(struct buf *b, const struct message_head *h);
void	message_alternative(struct buf *b, const char *id, const char *plain,
	    const char *html);

/*
 * RFC 2047 encoding of one header value (UTF-8 "B" or "Q" encoded-words
 * folded onto continuation lines, only the last word padded) when it is
 * not plain ASCII; otherwise a copy.
 * name_len is the length of "Name: " already on the first line.
 */
char	*message_encode_header(const char *value, size_t name_len);

#endif
