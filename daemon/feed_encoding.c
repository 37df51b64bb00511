/*
 * Charset detection and conversion to UTF-8 for the feed parser.  The
 * charset is chosen as feedparser chooses it (RFC 3023 with its fallbacks):
 * the HTTP charset, the XML declaration and the byte order mark are tried
 * in that order, then UTF-8 and windows-1252.  The chosen name is reported
 * in feedparser's spelling, while the bytes are decoded the way browsers
 * decode them: EUC-KR as CP949, ISO-8859-1 as windows-1252.  Also
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

static int	 decode_as(const char *, const char *, size_t, struct buf *);
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
 * -1 when they are not text in that charset.
 */
static int
decode_as(const char *name, const char *in, size_t len, struct buf *out)
{
	char *tmp, *p;
	size_t i;
	int r;

	buf_reset(out);
	if (names_in(name, strlen(name), utf8_names, NELEM(utf8_names), 0)) {
		if (!utf8_valid(in, len))
			return -1;
		return 1;
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

/* Splits "type/sub; charset=x" into a lowercase type and the charset. */
static void
parse_content_type(const char *ct, char **type, char **charset)
{
	const char *p, *e, *k, *v;
	size_t n;
	char *t;

	*type = NULL;
	*charset = NULL;
	if (ct == NULL)
		return;
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
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
feed__decode(const char *buf, size_t len, const char *content_type,
    int have_headers, struct feed__decoded *out, char *err, size_t errlen)
{
	const unsigned char *u = (const unsigned char *)buf;
	const char *bom = NULL, *rfc3023;
	char *xml_enc = NULL, *http_type = NULL, *http_enc = NULL;
	const char *cands[7], *text, *gt;
	struct buf tmp, res;
	size_t i, j, n;
	int acceptable = 0, ok = -1, same = 0, r;

	memset(out, 0, sizeof(*out));
	if (len >= 4 && memcmp(u, "\x00\x00\xfe\xff", 4) == 0) {
		bom = "utf-32be";
		buf += 4; len -= 4;
	} else if (len >= 4 && memcmp(u, "\xff\xfe\x00\x00", 4) == 0) {
		bom = "utf-32le";
		buf += 4; len -= 4;
	} else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff &&
	    !(len >= 4 && u[2] == 0 && u[3] == 0)) {
		bom = "utf-16be";
		buf += 2; len -= 2;
	} else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe &&
	    !(len >= 4 && u[2] == 0 && u[3] == 0)) {
		bom = "utf-16le";
		buf += 2; len -= 2;
	} else if (len >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0) {
		bom = "utf-8";
		buf += 3; len -= 3;
	} else if (len >= 4 && memcmp(u, "\x4c\x6f\xa7\x94", 4) == 0)
		bom = "cp037";
	else if (len >= 4 && memcmp(u, "\x00\x3c\x00\x3f", 4) == 0)
		bom = "utf-16be";
	else if (len >= 4 && memcmp(u, "\x3c\x00\x3f\x00", 4) == 0)
		bom = "utf-16le";
	else if (len >= 4 && memcmp(u, "\x00\x00\x00\x3c", 4) == 0)
		bom = "utf-32be";
	else if (len >= 4 && memcmp(u, "\x3c\x00\x00\x00", 4) == 0)
		bom = "utf-32le";

	buf_init(&tmp);
	buf_init(&res);
	if (bom != NULL) {
		if ((r = decode_as(bom, buf, len, &tmp)) == 0)
			xml_enc = xml_decl_encoding(tmp.data, tmp.len);
		else if (r == 1)
			xml_enc = xml_decl_encoding(buf, len);
	} else
		xml_enc = xml_decl_encoding(buf, len);
	if (xml_enc != NULL) {
		char *l = xstrndup_lower(xml_enc, strlen(xml_enc));

		free(xml_enc);
		xml_enc = l;
		if (bom != NULL && (strcmp(l, "u16") == 0 ||
		    strcmp(l, "utf-16") == 0 || strcmp(l, "utf16") == 0 ||
		    strcmp(l, "utf_16") == 0 || strcmp(l, "u32") == 0 ||
		    strcmp(l, "utf-32") == 0 || strcmp(l, "utf32") == 0 ||
		    strcmp(l, "utf_32") == 0 ||
		    strcmp(l, "iso-10646-ucs-2") == 0 ||
		    strcmp(l, "iso-10646-ucs-4") == 0 ||
		    strcmp(l, "csucs4") == 0 || strcmp(l, "csunicode") == 0 ||
		    strcmp(l, "ucs-2") == 0 || strcmp(l, "ucs-4") == 0)) {
			free(xml_enc);
			xml_enc = xstrdup(bom);
		}
		if (strcmp(xml_enc, "gb2312") == 0) {
			free(xml_enc);
			xml_enc = xstrdup("gb18030");
		}
	}

	parse_content_type(content_type, &http_type, &http_enc);
	if (http_enc != NULL && strcmp(http_enc, "gb2312") == 0) {
		free(http_enc);
		http_enc = xstrdup("gb18030");
	}
	if (http_enc != NULL && *http_enc == '\0') {
		free(http_enc);
		http_enc = NULL;
	}
	if (http_type == NULL)
		http_type = xstrdup("");
	if (strcmp(http_type, "application/xml") == 0 ||
	    strcmp(http_type, "application/xml-dtd") == 0 ||
	    strcmp(http_type, "application/xml-external-parsed-entity") == 0 ||
	    (strncmp(http_type, "application/", 12) == 0 &&
	    ends_with(http_type, "+xml"))) {
		acceptable = 1;
		rfc3023 = http_enc ? http_enc : xml_enc ? xml_enc : "utf-8";
	} else if (strcmp(http_type, "text/xml") == 0 ||
	    strcmp(http_type, "text/xml-external-parsed-entity") == 0 ||
	    (strncmp(http_type, "text/", 5) == 0 &&
	    ends_with(http_type, "+xml"))) {
		acceptable = 1;
		rfc3023 = http_enc ? http_enc : "us-ascii";
	} else if (strncmp(http_type, "text/", 5) == 0)
		rfc3023 = http_enc ? http_enc : "us-ascii";
	else if (have_headers && content_type == NULL)
		rfc3023 = xml_enc ? xml_enc : "iso-8859-1";
	else
		rfc3023 = xml_enc ? xml_enc : "utf-8";

	if (have_headers && !acceptable) {
		out->bozo = 1;
		if (content_type != NULL)
			out->error = xasprintf("%s is not an XML media type",
			    content_type);
		else
			out->error = xstrdup("no Content-type specified");
	}

	n = 0;
	cands[n++] = rfc3023;
	cands[n++] = xml_enc;
	cands[n++] = bom;
	cands[n++] = "utf-8";
	cands[n++] = "windows-1252";
	cands[n++] = "iso-8859-2";
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || *cands[i] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (cands[j] != NULL && strcmp(cands[j], cands[i]) == 0)
				break;
		if (j < i)
			continue;
		if ((r = decode_as(cands[i], buf, len, &res)) >= 0) {
			ok = (int)i;
			same = r == 1;
			break;
		}
	}
	if (ok < 0) {
		snprintf(err, errlen, "document encoding unknown");
		buf_free(&tmp);
		buf_free(&res);
		free(xml_enc);
		free(http_type);
		free(http_enc);
		free(out->error);
		out->error = NULL;
		return -1;
	}
	if (ok != 0) {
		out->bozo = 1;
		free(out->error);
		out->error = xasprintf("document declared as %s, but parsed "
		    "as %s", rfc3023, cands[ok]);
	}
	out->encoding = xstrdup(cands[ok]);
	if (same) {
		text = buf;
		buf_free(&res);		/* what a failed candidate left */
	} else {
		text = res.data != NULL ? res.data : "";
		len = res.len;
	}
	/*
	 * The declaration now lies about the encoding, and libxml2 rejects
	 * some names Python accepts ("437"): it is replaced, as feedparser
	 * does, by one the parser reads first.
	 */
	out->decl = "";
	if (len >= 5 && memcmp(text, "<?xml", 5) == 0 &&
	    (gt = memchr(text, '>', len)) != NULL) {
		out->decl = "<?xml version='1.0' encoding='utf-8'?>";
		len -= (size_t)(gt + 1 - text);
		text = gt + 1;
	}
	/*
	 * libxml2 takes a NUL for the end of the input: the items after it
	 * would be lost.  It becomes U+FFFD, as in an HTML parser.
	 */
	if (memchr(text, '\0', len) != NULL) {
		buf_reset(&tmp);
		for (i = 0; i < len; i++)
			if (text[i] == '\0')
				buf_addstr(&tmp, UTF8_REPLACEMENT_STR);
			else
				buf_addc(&tmp, text[i]);
		if (out->error == NULL) {
			out->bozo = 1;
			out->error = xstrdup("document contains NUL bytes");
		}
		len = tmp.len;
		out->own = buf_release(&tmp);
		text = out->own;
		buf_free(&res);
	} else if (!same) {
		i = (size_t)(text - res.data);
		out->own = buf_release(&res);
		text = out->own + i;
	}
	out->utf8 = len > 0 ? text : "";
	out->len = len;
	buf_free(&tmp);
	free(xml_enc);
	free(http_type);
	free(http_enc);
	return 0;
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
