/*
 * Charset detection and conversion to UTF-8 for the feed parser.  The
 * charset is chosen as feedparser chooses it (RFC 3023 with its fallbacks):
 * the HTTP charset, the XML declaration and the byte order mark are tried
 * in that order, then UTF-8 and windows-1252.  The chosen name is reported
 * in feedparser's spelling, while the bytes are decoded the way browsers
 * decode them: EUC-KR as CP949, ISO-8859-1 as windows-1252, and UTF-8
 * with a few bad bytes as UTF-8 with U+FFFD for them.  Also
 * feedparser's repair of every value: UTF-8 read as Latin-1, and C1
 * controls meant as windows-1252.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

static int	 decode_as(const char *, const char *, size_t, struct buf *,
		    size_t *);
static int	 decode_utf8_lossy(const char *, size_t, struct buf *, size_t *);
static int	 decode_iconv(const char *, const char *, size_t, struct buf *);
static void	 decode_cp1252(const char *, size_t, struct buf *);
static int	 ascii_valid(const char *, size_t);
static char	*xml_decl_encoding(const char *, size_t);
static void	 parse_content_type(const char *, char **, char **);

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
static int
decode_as(const char *name, const char *in, size_t len, struct buf *out,
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
 * feedparser's ^<\?.*encoding=['"](.*?)['"].*\?> on the first line: the
 * last encoding= whose quoted value is followed by "?>" on that line.
 */
static char *
xml_decl_encoding(const char *s, size_t len)
{
	const char *end, *p, *v, *q;

	if (len < 2 || s[0] != '<' || s[1] != '?')
		return NULL;
	if ((end = memchr(s, '\n', len)) == NULL)
		end = s + len;
	for (p = end - 9; p >= s + 2; p--) {
		if (memcmp(p, "encoding=", 9) != 0)
			continue;
		v = p + 9;
		if (v >= end || (*v != '"' && *v != '\''))
			continue;
		/* (.*?) stops at the first quote of either kind. */
		for (q = v + 1; q < end && *q != '"' && *q != '\''; q++)
			;
		if (q >= end)
			continue;
		if (memmem(q + 1, (size_t)(end - q - 1), "?>", 2) == NULL)
			continue;
		return xstrndup(v + 1, (size_t)(q - v - 1));
	}
	return NULL;
}

/*
 * Splits "type/sub; charset=x" into a lowercase type ("" when there is
 * none) and the lowercase charset (NULL when there is none; gb2312 is
 * read as its superset gb18030, as feedparser does).
 */
static void
parse_content_type(const char *ct, char **type, char **charset)
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

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * The charset a byte order mark names, or the first bytes of an XML
 * declaration in a wide or EBCDIC charset; NULL when neither.  A real BOM
 * is skipped (*buf and *len move past it).
 */
static const char *
sniff_bom(const char **buf, size_t *len)
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


/*
 * The XML declaration's encoding, lowercase, read in the BOM's charset
 * when there is one; a wide-charset name under a BOM means the BOM's own,
 * and gb2312 is read as its superset gb18030, as feedparser does.  NULL
 * when the declaration names none.
 */
static char *
declared_encoding(const char *bom, const char *buf, size_t len)
{
	static const char *const wide[] = {
		"csucs4", "csunicode", "iso-10646-ucs-2", "iso-10646-ucs-4",
		"u16", "u32", "ucs-2", "ucs-4", "utf-16", "utf-32", "utf16",
		"utf32", "utf_16", "utf_32",
	};
	struct buf tmp;
	char *enc, *l;
	size_t nbad;
	int r;

	if (bom == NULL)
		enc = xml_decl_encoding(buf, len);
	else {
		buf_init(&tmp);
		r = decode_as(bom, buf, len, &tmp, &nbad);
		enc = r == 0 ? xml_decl_encoding(tmp.data, tmp.len) :
		    r == 1 ? xml_decl_encoding(buf, len) : NULL;
		buf_free(&tmp);
	}
	if (enc == NULL)
		return NULL;
	l = xstrndup_lower(enc, strlen(enc));
	free(enc);
	if (bom != NULL && names_in(l, strlen(l), wide, NELEM(wide), 0)) {
		free(l);
		return xstrdup(bom);
	}
	if (strcmp(l, "gb2312") == 0) {
		free(l);
		return xstrdup("gb18030");
	}
	return l;
}

/*
 * RFC 3023's charset for the HTTP media type and the declared encoding
 * xml_enc, with feedparser's defaults; *acceptable says whether the type
 * is an XML one.  The result points into its arguments or is a literal.
 */
static const char *
rfc3023_charset(const char *type, const char *http_enc, const char *xml_enc,
    int no_content_type, int *acceptable)
{
	*acceptable = 0;
	if (strcmp(type, "application/xml") == 0 ||
	    strcmp(type, "application/xml-dtd") == 0 ||
	    strcmp(type, "application/xml-external-parsed-entity") == 0 ||
	    (strncmp(type, "application/", 12) == 0 &&
	    ends_with(type, "+xml"))) {
		*acceptable = 1;
		return http_enc ? http_enc : xml_enc ? xml_enc : "utf-8";
	}
	if (strcmp(type, "text/xml") == 0 ||
	    strcmp(type, "text/xml-external-parsed-entity") == 0 ||
	    (strncmp(type, "text/", 5) == 0 && ends_with(type, "+xml"))) {
		*acceptable = 1;
		return http_enc ? http_enc : "us-ascii";
	}
	if (strncmp(type, "text/", 5) == 0)
		return http_enc ? http_enc : "us-ascii";
	if (no_content_type)
		return xml_enc ? xml_enc : "iso-8859-1";
	return xml_enc ? xml_enc : "utf-8";
}

/*
 * Decodes with the first of the n candidates (NULL and repeated ones
 * skipped) that can: its index, or -1 when none can.  *same says the
 * bytes were UTF-8 as they are and res holds nothing; *nbad counts the
 * bytes that became U+FFFD.
 */
static int
decode_first(const char *const *cands, size_t n, const char *buf,
    size_t len, struct buf *res, int *same, size_t *nbad)
{
	size_t i, j;
	int r;

	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || *cands[i] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (cands[j] != NULL && strcmp(cands[j], cands[i]) == 0)
				break;
		if (j < i)
			continue;
		if ((r = decode_as(cands[i], buf, len, res, nbad)) >= 0) {
			*same = r == 1;
			return (int)i;
		}
	}
	return -1;
}

/* Marks the document not well-formed (bozo) with the first reason. */
static void
decoded_bozo(struct feed__decoded *out, char *why)
{
	out->bozo = 1;
	if (out->error == NULL)
		out->error = why;
	else
		free(why);
}

/*
 * The UTF-8 text the parser reads: the XML declaration, which now lies
 * about the encoding (and may name one libxml2 rejects but Python
 * accepts, "437"), is replaced by one of ours parsed first, as feedparser
 * does; a NUL, which libxml2 takes for the end of the input, becomes
 * U+FFFD, as in an HTML parser.  own is the copy text points into, or
 * NULL when text is the caller's bytes; it becomes out's.
 */
static void
decoded_text(struct feed__decoded *out, const char *text, size_t len,
    char *own)
{
	struct buf tmp;
	const char *gt;
	size_t i;

	out->decl = "";
	if (len >= 5 && memcmp(text, "<?xml", 5) == 0 &&
	    (gt = memchr(text, '>', len)) != NULL) {
		out->decl = "<?xml version='1.0' encoding='utf-8'?>";
		len -= (size_t)(gt + 1 - text);
		text = gt + 1;
	}
	if (memchr(text, '\0', len) != NULL) {
		buf_init(&tmp);
		for (i = 0; i < len; i++)
			if (text[i] == '\0')
				buf_addstr(&tmp, UTF8_REPLACEMENT_STR);
			else
				buf_addc(&tmp, text[i]);
		decoded_bozo(out, xstrdup("document contains NUL bytes"));
		free(own);
		len = tmp.len;
		own = buf_release(&tmp);
		text = own;
	}
	out->own = own;
	out->utf8 = len > 0 ? text : "";
	out->len = len;
}

int
feed__decode(const char *buf, size_t len, const char *content_type,
    int have_headers, struct feed__decoded *out, char *err, size_t errlen)
{
	const char *bom, *rfc3023, *cands[6];
	char *xml_enc, *http_type = NULL, *http_enc = NULL;
	struct buf res;
	size_t nbad = 0;
	int acceptable, ok, same = 0;

	memset(out, 0, sizeof(*out));
	bom = sniff_bom(&buf, &len);
	xml_enc = declared_encoding(bom, buf, len);
	parse_content_type(content_type, &http_type, &http_enc);
	rfc3023 = rfc3023_charset(http_type, http_enc, xml_enc,
	    have_headers && content_type == NULL, &acceptable);
	if (have_headers && !acceptable)
		decoded_bozo(out, content_type != NULL ?
		    xasprintf("%s is not an XML media type", content_type) :
		    xstrdup("no Content-type specified"));

	cands[0] = rfc3023;
	cands[1] = xml_enc;
	cands[2] = bom;
	cands[3] = "utf-8";
	cands[4] = "windows-1252";
	cands[5] = "iso-8859-2";
	buf_init(&res);
	if ((ok = decode_first(cands, NELEM(cands), buf, len, &res,
	    &same, &nbad)) < 0) {
		snprintf(err, errlen, "document encoding unknown");
		free(out->error);
		out->error = NULL;
		out->bozo = 0;
	} else {
		if (ok != 0) {
			/* The override is the reason that matters. */
			free(out->error);
			out->error = NULL;
			decoded_bozo(out, xasprintf("document declared as %s, "
			    "but parsed as %s", rfc3023, cands[ok]));
		}
		if (nbad > 0)
			decoded_bozo(out, xasprintf("%zu byte%s not UTF-8, "
			    "read as U+FFFD", nbad, nbad == 1 ? "" : "s"));
		out->encoding = xstrdup(cands[ok]);
		if (same) {
			buf_free(&res);		/* what a failed candidate left */
			decoded_text(out, buf, len, NULL);
		} else {
			len = res.len;
			decoded_text(out, res.data != NULL ? res.data : "", len,
			    res.data);
			buf_init(&res);
		}
	}
	buf_free(&res);
	free(xml_enc);
	free(http_type);
	free(http_enc);
	return ok < 0 ? -1 : 0;
}

void
feed__decoded_free(struct feed__decoded *d)
{
	if (d == NULL)
		return;
	free(d->own);
	free(d->encoding);
	free(d->error);
	memset(d, 0, sizeof(*d));
}

/*
 * feedparser's last two steps on every value: text that is UTF-8 read as
 * Latin-1 is repaired (for UTF-8 documents), and C1 controls become the
 * windows-1252 characters they were meant to be.
 */
char *
feed__fix_text(const struct feed__parser *p, char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i, n = strlen(s), k;
	uint32_t c;
	int latin1 = 1, high = 0;
	char *t;

	/* ASCII, the common case, needs neither step: 8 bytes at a time. */
	for (i = 0; n - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, u + i, 8);
		if ((w & 0x8080808080808080ull) != 0)
			break;
	}
	for (; i < n && u[i] < 0x80; i++)
		;
	if (i == n)
		return s;
	if (p->is_utf8) {
		for (; i < n; i += k) {
			k = utf8_decode_lossy(u + i, n - i, &c);
			if (c > 0xff) {
				latin1 = 0;
				break;
			}
			if (c >= 0x80)
				high = 1;
		}
		if (latin1 && high) {
			buf_init(&b);
			for (i = 0; i < n; i += k) {
				k = utf8_decode_lossy(u + i, n - i, &c);
				buf_addc(&b, (char)c);
			}
			if (utf8_valid(b.data, b.len)) {
				free(s);
				s = buf_release(&b);
				n = strlen(s);
				u = (const unsigned char *)s;
			}
			buf_free(&b);
		}
	}
	/* C1 controls to windows-1252. */
	for (t = s; (t = memchr(t, 0xc2, n - (size_t)(t - s))) != NULL; t++)
		if (t + 1 < s + n && (unsigned char)t[1] >= 0x80 &&
		    (unsigned char)t[1] <= 0x9f)
			break;
	if (t == NULL)
		return s;
	buf_init(&b);
	for (i = 0; i < n; i += k) {
		k = utf8_decode_lossy(u + i, n - i, &c);
		if (text_cp1252(c) != 0)
			utf8_put(&b, text_cp1252(c));
		else
			buf_add(&b, s + i, k);
	}
	free(s);
	return buf_release(&b);
}
