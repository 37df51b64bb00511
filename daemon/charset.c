/*
 * Charsets: bytes in a named charset decoded to UTF-8 the way browsers
 * decode them (EUC-KR as CP949, ISO-8859-1 as windows-1252, UTF-8 with a
 * few bad bytes as UTF-8 with U+FFFD for them), with the names Python
 * knows; the charset of an HTTP Content-Type; a byte order mark.  Used
 * by the feed parser and the article extractor.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "names.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

/* Python codec names that glibc's iconv spells differently. */
static const struct {
	const char	*py;
	const char	*iconv;
} aliases[] = {
	{ "cp_is",		"CP861" },
	{ "csibm037",		"IBM037" },
	{ "csibm500",		"IBM500" },
	{ "csibm855",		"IBM855" },
	{ "csibm857",		"IBM857" },
	{ "csibm860",		"IBM860" },
	{ "csibm861",		"IBM861" },
	{ "csibm863",		"IBM863" },
	{ "csibm864",		"IBM864" },
	{ "csibm865",		"IBM865" },
	{ "csibm866",		"IBM866" },
	{ "cskoi8r",		"KOI8-R" },
	{ "cspc775baltic",	"CP775" },
	{ "cspc850multilingual", "CP850" },
	{ "cspc862latinhebrew",	"CP862" },
	{ "cspc8codepage437",	"CP437" },
	{ "cspcp852",		"CP852" },
	{ "ebcdic-cp-be",	"IBM500" },
	{ "ebcdic-cp-ca",	"IBM037" },
	{ "ebcdic-cp-ch",	"IBM500" },
	{ "ebcdic-cp-nl",	"IBM037" },
	{ "ebcdic-cp-us",	"IBM037" },
	{ "ebcdic-cp-wt",	"IBM037" },
	{ "ibm039",		"IBM037" },
	{ "mac-cyrillic",	"MAC-CYRILLIC" },
	{ "maccentraleurope",	"MAC-CENTRALEUROPE" },
	{ "maccyrillic",	"MAC-CYRILLIC" },
	{ "maciceland",		"MAC-IS" },
	{ "macintosh",		"MACINTOSH" },
	{ "maclatin2",		"MAC-CENTRALEUROPE" },
	{ "macroman",		"MACINTOSH" },
	{ "u16",		"UTF-16" },
	{ "u32",		"UTF-32" },
	{ "utf16",		"UTF-16" },
	{ "utf32",		"UTF-32" },
};

/* Names decoded as windows-1252 (a superset browsers use for them). */
static const char *const cp1252_names[] = {
	"8859", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
	"iso-ir-100", "iso8859-1", "iso_8859-1", "iso_8859_1", "l1",
	"latin", "latin-1", "latin1", "latin_1", "windows-1252",
	"windows_1252",
};

/* Names of Korean charsets decoded as CP949, as browsers do. */
static const char *const cp949_names[] = {
	"cp949", "csksc56011987", "euc-kr", "euc_kr", "euckr", "ks_c_5601",
	"ks_c_5601-1987", "ksc5601", "ksc_5601", "uhc",
};

static const char *const utf8_names[] = {
	"u8", "utf", "utf-8", "utf8", "utf_8",
};

static const char *const ascii_names[] = {
	"646", "ansi_x3.4-1968", "ascii", "cp367", "csascii", "ibm367",
	"iso646-us", "us", "us-ascii",
};

/* Windows-1252 bytes to UTF-8; bytes it leaves undefined map to U+0080+. */
static void
decode_cp1252(const char *in, size_t len, struct buf *out)
{
	size_t i;
	unsigned char c;

	buf_grow(out, len + 1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		utf8_put(out, text_cp1252(c) != 0 ? text_cp1252(c) : c);
	}
}

static int
ascii_valid(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Bytes meant as UTF-8 that are not all UTF-8: each byte that starts no
 * valid sequence becomes U+FFFD in out, as a browser decodes them, and
 * *nbad counts them (0).  Unless they outnumber the valid multi-byte
 * characters (-1): then the bytes are mostly in a legacy charset, which
 * spoils fewer characters than UTF-8 would.
 */
static int
decode_utf8_lossy(const char *in, size_t len, struct buf *out, size_t *nbad)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t i, k, run, good = 0, bad = 0;
	uint32_t c;

	for (i = 0; i < len; i += k)
		if ((k = utf8_decode(u + i, len - i, &c)) == 0) {
			bad++;
			k = 1;
		} else if (k > 1)
			good++;
	if (bad > good)
		return -1;
	buf_grow(out, len + 2 * bad + 1);
	for (i = run = 0; i < len; i += k)
		if ((k = utf8_decode(u + i, len - i, &c)) == 0) {
			buf_add(out, in + run, i - run);
			buf_addstr(out, UTF8_REPLACEMENT_STR);
			k = 1;
			run = i + 1;
		}
	buf_add(out, in + run, len - run);
	*nbad = bad;
	return 0;
}

static int
decode_iconv(const char *name, const char *in, size_t len, struct buf *out)
{
	iconv_t cd;
	char *ip, *op;
	size_t il, ol, r, used;
	int ret = 0;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return -1;
	buf_grow(out, len * 2 + 16);
	ip = (char *)(uintptr_t)in;
	il = len;
	for (;;) {
		op = out->data + out->len;
		ol = out->cap - out->len - 1;
		r = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->data);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			used = out->cap;
			buf_grow(out, used);
			continue;
		}
		ret = -1;	/* EILSEQ or a truncated sequence */
		break;
	}
	if (ret == 0) {
		/* Flush any shift state. */
		op = out->data + out->len;
		ol = out->cap - out->len - 1;
		iconv(cd, NULL, NULL, &op, &ol);
		out->len = (size_t)(op - out->data);
	}
	out->data[out->len] = '\0';
	iconv_close(cd);
	return ret;
}

/*
 * Decodes len bytes in the charset called name into out: 0, or 1 when
 * the bytes are UTF-8 as they are (out is left empty, nothing copied), or
 * -1 when they are not text in that charset.  *nbad counts the bytes
 * that became U+FFFD (UTF-8 only, decode_utf8_lossy).
 */
int
charset_decode(const char *name, const char *in, size_t len, struct buf *out,
    size_t *nbad)
{
	char *tmp, *p;
	size_t i;
	int r;

	buf_reset(out);
	*nbad = 0;
	if (names_in(name, strlen(name), utf8_names, NELEM(utf8_names), 0)) {
		if (utf8_valid(in, len))
			return 1;
		return decode_utf8_lossy(in, len, out, nbad);
	}
	if (names_in(name, strlen(name), ascii_names, NELEM(ascii_names), 0)) {
		if (!ascii_valid(in, len))
			return -1;
		return 1;
	}
	if (names_in(name, strlen(name), cp1252_names, NELEM(cp1252_names),
	    0)) {
		decode_cp1252(in, len, out);
		return 0;
	}
	if (names_in(name, strlen(name), cp949_names, NELEM(cp949_names), 0))
		return decode_iconv("CP949", in, len, out);
	for (i = 0; i < NELEM(aliases); i++)
		if (strcmp(name, aliases[i].py) == 0)
			return decode_iconv(aliases[i].iconv, in, len, out);
	if (name[0] != '\0' && strspn(name, "0123456789") == strlen(name)) {
		/* Python knows IBM code pages by their bare number. */
		tmp = xasprintf("CP%s", name);
		r = decode_iconv(tmp, in, len, out);
		free(tmp);
		return r;
	}
	if (decode_iconv(name, in, len, out) == 0)
		return 0;
	/* Python accepts "_" where iconv wants "-". */
	if (strchr(name, '_') == NULL)
		return -1;
	tmp = xstrdup(name);
	for (p = tmp; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	buf_reset(out);
	r = decode_iconv(tmp, in, len, out);
	free(tmp);
	return r;
}

/*
 * Splits "type/sub; charset=x" into a lowercase type ("" when there is
 * none) and the lowercase charset (NULL when there is none; gb2312 is
 * read as its superset gb18030, as feedparser does).
 */
void
charset_content_type(const char *ct, char **type, char **charset)
{
	const char *p, *e, *k, *v;
	size_t n;
	char *t;

	*type = NULL;
	*charset = NULL;
	if (ct == NULL) {
		*type = xstrdup("");
		return;
	}
	while (*ct == ' ' || *ct == '\t')
		ct++;
	for (e = ct; *e != '\0' && *e != ';'; e++)
		;
	n = (size_t)(e - ct);
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	t = xstrndup(ct, n);
	*type = xstrndup_lower(t, strlen(t));
	free(t);
	for (p = e; *p == ';'; p = e) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e != '\0' && *e != ';'; e++)
			;
		if ((k = memchr(p, '=', (size_t)(e - p))) == NULL)
			continue;
		if ((size_t)(k - p) < 7 || strncasecmp(p, "charset", 7) != 0)
			continue;
		v = k + 1;
		n = (size_t)(e - v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		while (n > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			n--;
		}
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
			v++;
			n -= 2;
		}
		t = xstrndup(v, n);
		free(*charset);
		/* feedparser drops single quotes from the value. */
		{
			char *r = t, *w = t;

			for (; *r != '\0'; r++)
				if (*r != '\'')
					*w++ = *r;
			*w = '\0';
		}
		*charset = xstrndup_lower(t, strlen(t));
		free(t);
	}
	if (*charset != NULL && **charset == '\0') {
		free(*charset);
		*charset = NULL;
	} else if (*charset != NULL && strcmp(*charset, "gb2312") == 0) {
		free(*charset);
		*charset = xstrdup("gb18030");
	}
}

/*
 * The charset a byte order mark names, or the first bytes of an XML
 * declaration in a wide or EBCDIC charset; NULL when neither.  A real BOM
 * is skipped (*buf and *len move past it).
 */
const char *
charset_sniff_bom(const char **buf, size_t *len)
{
	static const struct {
		const char	*bytes;
		size_t		 n;
		size_t		 skip;	/* a BOM's length, 0 for sniffed bytes */
		const char	*name;
	} marks[] = {
		{ "\x00\x00\xfe\xff", 4, 4, "utf-32be" },
		{ "\xff\xfe\x00\x00", 4, 4, "utf-32le" },
		{ "\xfe\xff", 2, 2, "utf-16be" },
		{ "\xff\xfe", 2, 2, "utf-16le" },
		{ "\xef\xbb\xbf", 3, 3, "utf-8" },
		{ "\x4c\x6f\xa7\x94", 4, 0, "cp037" },
		{ "\x00\x3c\x00\x3f", 4, 0, "utf-16be" },
		{ "\x3c\x00\x3f\x00", 4, 0, "utf-16le" },
		{ "\x00\x00\x00\x3c", 4, 0, "utf-32be" },
		{ "\x3c\x00\x00\x00", 4, 0, "utf-32le" },
	};
	size_t i;

	for (i = 0; i < NELEM(marks); i++) {
		if (*len < marks[i].n ||
		    memcmp(*buf, marks[i].bytes, marks[i].n) != 0)
			continue;
		/* FE FF 00 00 is no UTF-16 BOM. */
		if (marks[i].n == 2 && *len >= 4 && (*buf)[2] == '\0' &&
		    (*buf)[3] == '\0')
			continue;
		*buf += marks[i].skip;
		*len -= marks[i].skip;
		return marks[i].name;
	}
	return NULL;
}

