/*
 * Text primitives every module shares: character references decoded as a
 * browser decodes them, HTML and XML escaping, and "is this HTML".  UTF-8
 * itself is utf8.h's.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * The code point windows-1252 gives byte c in 0x80..0x9f, or 0 for the
 * five bytes it leaves undefined and for any other c.
 */
uint32_t	text_cp1252(unsigned int c);

/*
 * The code point of the named reference name (n bytes, no '&' or ';'):
 * XML's five and the 253 of HTML 4 (libxml2's table).  0 when unknown.
 */
uint32_t	text_entity(const char *name, size_t n);

/*
 * The character reference at s (s[0] is '&'; n bytes are readable): its
 * length, with its code point in *cp, or 0 when s does not start one.
 *   &name;   a name text_entity knows; the ';' is required;
 *   &#N;     decimal, and &#xH; or &#XH; hexadecimal: the ';' may be
 *            missing, as HTML allows.  As in the WHATWG decoder, 0, a
 *            surrogate or a value above U+10FFFF is U+FFFD, and 0x80..0x9f
 *            are the windows-1252 characters where it defines one.
 */
size_t		text_ref(const char *s, size_t n, uint32_t *cp);

/* Appends the n bytes at s with every reference decoded (others kept). */
void		text_unescape(struct buf *, const char *s, size_t n);

/* How text_escape escapes, besides '&', '<' and '>'. */
#define TEXT_ESC_QUOTE	0x01	/* '"' too: an attribute value */
/*
 * Valid XML 1.0 whatever the bytes: bad UTF-8 becomes U+FFFD, characters
 * XML cannot carry (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) are
 * dropped, CR is written as a reference (end-of-line handling would make
 * it LF), and with TEXT_ESC_QUOTE so are tab and LF (attribute values
 * are normalised to spaces otherwise).
 */
#define TEXT_ESC_XML	0x02
/* Format characters (text_is_format) dropped: text a reader shows. */
#define TEXT_ESC_FORMAT	0x04

/* Appends the n bytes at s as HTML or XML character data. */
void		text_escape(struct buf *, const char *s, size_t n, int flags);

/*
 * Whether c is a format character (Unicode general category Cf): the bidi
 * controls U+202A..202E and U+2066..2069, U+061C, zero-width ones
 * (U+200B..200F, U+2060..2064, U+FEFF), the soft hyphen, tag characters
 * and the rest.  Invisible, they can reorder or disguise a title or a
 * name, so shown text drops them.
 */
int		text_is_format(uint32_t c);

/* How text_clean treats line ends. */
enum text_clean {
	TEXT_CLEAN_LINE,	/* one line: controls are spaces, runs collapse */
	TEXT_CLEAN_LINES,	/* lines kept: CR LF is LF, other controls spaces */
};

/*
 * A copy of s (allocated) that is valid UTF-8, bad bytes as U+FFFD, with
 * control characters (C0, DEL, C1) handled per mode.  As one line it is
 * trimmed with single spaces, so that it cannot inject a mail header or a
 * line of a document, and format characters (bidi controls, zero-width
 * ones) and U+FFFE and U+FFFF are dropped, so that a title or a feed name
 * cannot reorder or disguise what is shown.
 */
char		*text_clean(const char *s, enum text_clean mode);

/*
 * Appends <a href="link">text</a>, or the text alone when link is no
 * http(s) URL (a javascript: link is never written), both escaped, the
 * text without format characters.
 */
void		text_html_link(struct buf *, const char *text, const char *link);

/*
 * Whether a content type is HTML: text/html and application/xhtml+xml,
 * and Atom's short names html and xhtml, in any case.
 */
int		text_is_html_type(const char *type);

#endif
