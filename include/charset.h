/*
 * Charsets: decoding to UTF-8 as browsers decode, the charset of a
 * Content-Type, byte order marks.
 */
#ifndef CHARSET_H
#define CHARSET_H
#include <stddef.h>

struct buf;

/*
 * Decodes len bytes in the charset called name (lowercase, Python's
 * spellings accepted) into out: 0, or 1 when the bytes are UTF-8 as they
 * are (out is left empty, nothing copied), or -1 when they are not text
 * in that charset.  *nbad counts the bytes that became U+FFFD (UTF-8
 * only).
 */
int	 charset_decode(const char *name, const char *in, size_t len,
	    struct buf *out, size_t *nbad);
/*
 * Splits "type/sub; charset=x" into a lowercase type ("" when there is
 * none) and the lowercase charset (NULL when there is none; gb2312 is
 * read as its superset gb18030, as feedparser does).  Both allocated.
 */
void	 charset_content_type(const char *content_type, char **type,
	    char **charset);
/*
 * The charset a byte order mark names, or the first bytes of an XML
 * declaration in a wide or EBCDIC charset; NULL when neither.  A real BOM
 * is skipped (*buf and *len move past it).
 */
const char *charset_sniff_bom(const char **buf, size_t *len);
#endif
