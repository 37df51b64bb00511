/*
 * Dates in feeds: RFC 822/1123 (with zone names such as KST), ISO 8601 /
 * RFC 3339 / W3CDTF; and the formats we write.
 */
#ifndef DATE_H
#define DATE_H

#include <stddef.h>
#include <time.h>

/* Parses s into UTC seconds.  Returns 0, or -1 when s is not a date. */
int	date_parse(const char *s, time_t *out);

/* "2003-12-13T18:30:02Z" into buf of at least 21 bytes. */
void	date_format_iso(time_t, char *buf, size_t size);
/* "Sat, 13 Dec 2003 18:30:02 +0000" into buf of at least 32 bytes. */
void	date_format_rfc5322(time_t, char *buf, size_t size);
/* "Sat, 13 Dec 2003 18:30:02 GMT" (HTTP's IMF-fixdate), at least 30. */
void	date_format_http(time_t, char *buf, size_t size);

#endif
