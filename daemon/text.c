/*
 * Text primitives: character references, HTML and XML escaping, the
 * HTML content-type test, format characters, text cleaned to be shown,
 * and links written as HTML.  References are decoded
 * as the WHATWG HTML parser decodes them, since every text we decode is
 * bound for a reader that renders it that way; named ones are looked up
 * in libxml2's HTML 4 table, which also holds XML's five.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

/* The code points of windows-1252 bytes 0x80..0x9f; 0 where undefined. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

uint32_t
text_cp1252(unsigned int c)
{
	return c >= 0x80 && c < 0xa0 ? cp1252_high[c - 0x80] : 0;
}

uint32_t
text_entity(const char *name, size_t n)
{
	const htmlEntityDesc *e;
	char z[32];

	/* The longest HTML 4 name has eight letters. */
	if (n == 0 || n >= sizeof(z))
		return 0;
	memcpy(z, name, n);
	z[n] = '\0';
	e = htmlEntityLookup((const xmlChar *)z);
	return e != NULL ? e->value : 0;
}

/* What a numeric reference to c stands for (WHATWG's rules). */
static uint32_t
numeric_char(uint32_t c)
{
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return UTF8_REPLACEMENT;
	if (text_cp1252(c) != 0)
		return text_cp1252(c);
	return c;
}

size_t
text_ref(const char *s, size_t n, uint32_t *cp)
{
	size_t i, start;
	uint32_t c = 0;
	int hex, v;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		hex = s[2] == 'x' || s[2] == 'X';
		for (i = start = 2 + (size_t)hex; i < n; i++) {
			if (isdigit((unsigned char)s[i]))
				v = s[i] - '0';
			else if (hex && isxdigit((unsigned char)s[i]))
				v = tolower((unsigned char)s[i]) - 'a' + 10;
			else
				break;
			/* Past U+10FFFF the value no longer matters. */
			if (c <= 0x10ffff)
				c = c * (hex ? 16 : 10) + (uint32_t)v;
		}
		if (i == start)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		*cp = numeric_char(c);
		return i;
	}
	if (!isalpha((unsigned char)s[1]))
		return 0;
	for (i = 2; i < n && isalnum((unsigned char)s[i]); i++)
		;
	if (i == n || s[i] != ';' || (c = text_entity(s + 1, i - 1)) == 0)
		return 0;
	*cp = c;
	return i + 1;
}

void
text_unescape(struct buf *b, const char *s, size_t n)
{
	const char *end = s + n, *amp;
	uint32_t c;
	size_t took;

	while ((amp = memchr(s, '&', (size_t)(end - s))) != NULL) {
		buf_add(b, s, (size_t)(amp - s));
		if ((took = text_ref(amp, (size_t)(end - amp), &c)) > 0)
			utf8_put(b, c);
		else {
			buf_addc(b, '&');
			took = 1;
		}
		s = amp + took;
	}
	buf_add(b, s, (size_t)(end - s));
}

/* Unicode 15.1's general category Cf, sorted. */
static const struct {
	uint32_t	lo, hi;
} text_format_ranges[] = {
	{ 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
	{ 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f },
	{ 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f },
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
};

int
text_is_format(uint32_t c)
{
	size_t lo = 0, hi = sizeof(text_format_ranges) /
	    sizeof(text_format_ranges[0]), mid;

	if (c < 0xad)
		return 0;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < text_format_ranges[mid].lo)
			hi = mid;
		else if (c > text_format_ranges[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Whether the ASCII character c goes out as it is. */
static int
escape_plain(unsigned char c, int flags)
{
	switch (c) {
	case '&':
	case '<':
	case '>':
		return 0;
	case '"':
		return !(flags & TEXT_ESC_QUOTE);
	case '\t':
	case '\n':
		return !(flags & TEXT_ESC_QUOTE) || !(flags & TEXT_ESC_XML);
	default:
		return c >= 0x20 || !(flags & TEXT_ESC_XML);
	}
}

/*
 * Whether the non-ASCII character at p (n bytes readable) goes out as it
 * is; its length in *len either way.
 */
static int
escape_keeps(const unsigned char *p, size_t n, int flags, size_t *len)
{
	uint32_t c;

	if ((*len = utf8_decode(p, n, &c)) == 0) {
		*len = 1;
		return !(flags & TEXT_ESC_XML);
	}
	if ((flags & TEXT_ESC_XML) && (c == 0xfffe || c == 0xffff))
		return 0;
	return !(flags & TEXT_ESC_FORMAT) || !text_is_format(c);
}

/*
 * The one character at p that escape_plain, XML or TEXT_ESC_FORMAT
 * rejected, written as it must be; the bytes it took.
 */
static size_t
escape_one(struct buf *b, const unsigned char *p, size_t n)
{
	uint32_t c;
	size_t len;

	switch (*p) {
	case '&':
		buf_add(b, "&amp;", 5);
		return 1;
	case '<':
		buf_add(b, "&lt;", 4);
		return 1;
	case '>':
		buf_add(b, "&gt;", 4);
		return 1;
	case '"':
		buf_add(b, "&quot;", 6);
		return 1;
	case '\t':
		buf_add(b, "&#9;", 4);
		return 1;
	case '\n':
		buf_add(b, "&#10;", 5);
		return 1;
	case '\r':
		buf_add(b, "&#13;", 5);
		return 1;
	}
	if (*p < 0x80)
		return 1;	/* a control character XML cannot carry */
	if ((len = utf8_decode(p, n, &c)) == 0) {
		buf_add(b, UTF8_REPLACEMENT_STR, 3);
		return 1;
	}
	return len;		/* U+FFFE, U+FFFF or a format character: dropped */
}

void
text_escape(struct buf *b, const char *s, size_t n, int flags)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run;
	size_t len;

	while (p < end) {
		/* Most text needs nothing: it is copied a run at a time. */
		for (run = p; p < end; p += len) {
			len = 1;
			if (*p < 0x80) {
				if (!escape_plain(*p, flags))
					break;
			} else if ((flags & (TEXT_ESC_XML | TEXT_ESC_FORMAT)) &&
			    !escape_keeps(p, (size_t)(end - p), flags, &len))
				break;
		}
		buf_add(b, run, (size_t)(p - run));
		if (p < end)
			p += escape_one(b, p, (size_t)(end - p));
	}
}

int
text_is_html_type(const char *type)
{
	return type != NULL && (strcasecmp(type, "text/html") == 0 ||
	    strcasecmp(type, "application/xhtml+xml") == 0 ||
	    strcasecmp(type, "html") == 0 || strcasecmp(type, "xhtml") == 0);
}

/*
 * The number of ASCII bytes at p that text_clean copies as they are:
 * printable ones, and in lines mode also blanks and line feeds.  The
 * string's NUL ends the scan.
 */
static size_t
clean_ascii(const unsigned char *p, enum text_clean mode)
{
	const unsigned char *q = p;

	if (mode == TEXT_CLEAN_LINE)
		while (*q > ' ' && *q < 0x7f)
			q++;
	else
		while ((*q >= ' ' && *q < 0x7f) || *q == '\t' || *q == '\n')
			q++;
	return (size_t)(q - p);
}

/*
 * What a shown line drops: format characters, and U+FFFE and U+FFFF,
 * which XML cannot carry (text_escape would drop them later, and leave
 * the spaces around them doubled).
 */
static int
line_drops(uint32_t c)
{
	return text_is_format(c) || c == 0xfffe || c == 0xffff;
}

char *
text_clean(const char *s, enum text_clean mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, run;
	struct buf b;
	uint32_t cp;
	int space = 0;

	buf_init(&b);
	buf_add(&b, "", 0);
	buf_grow(&b, n);
	while (n > 0) {
		/*
		 * Text that passes unchanged (printable ASCII, well-formed
		 * UTF-8 above the C1 controls) is copied a run at a time.
		 */
		for (run = 0;; run += len) {
			run += clean_ascii(p + run, mode);
			if (p[run] < 0x80 || (len = utf8_decode(p + run,
			    n - run, &cp)) == 0 || cp < 0xa0 ||
			    (mode == TEXT_CLEAN_LINE && line_drops(cp)))
				break;
		}
		if (run > 0) {
			if (space && b.len > 0)
				buf_addc(&b, ' ');
			space = 0;
			buf_add(&b, p, run);
			p += run;
			n -= run;
			continue;
		}
		if ((len = utf8_decode(p, n, &cp)) == 0) {
			len = 1;
			cp = UTF8_REPLACEMENT;
		}
		if (mode == TEXT_CLEAN_LINES && cp == '\r') {
			/* CR LF and a lone CR both end one line. */
			if (n > 1 && p[1] == '\n')
				len = 2;
			buf_addc(&b, '\n');
		} else if (mode == TEXT_CLEAN_LINES && (cp == '\n' ||
		    cp == '\t'))
			buf_addc(&b, (char)cp);
		else if (mode == TEXT_CLEAN_LINE && line_drops(cp))
			;	/* dropped */
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == ' ') {
			if (mode == TEXT_CLEAN_LINES)
				buf_addc(&b, ' ');
			else
				space = 1;
		} else {
			if (space && b.len > 0)
				buf_addc(&b, ' ');
			space = 0;
			if (cp == UTF8_REPLACEMENT && len == 1)
				buf_addstr(&b, UTF8_REPLACEMENT_STR);
			else
				buf_add(&b, p, len);
		}
		p += len;
		n -= len;
	}
	return buf_release(&b);
}

void
text_html_link(struct buf *b, const char *text, const char *link)
{
	if (!url_is_http(link)) {
		text_escape(b, text, strlen(text), TEXT_ESC_FORMAT);
		return;
	}
	buf_addstr(b, "<a href=\"");
	text_escape(b, link, strlen(link), TEXT_ESC_QUOTE);
	buf_addstr(b, "\">");
	text_escape(b, text, strlen(text), TEXT_ESC_FORMAT);
	buf_addstr(b, "</a>");
}
