/*
 * Charset detection and conversion to UTF-8 for the feed parser.  The
 * charset is chosen as feedparser chooses it (RFC 3023 with its fallbacks):
 * the HTTP charset, the XML declaration and the byte order mark are tried
 * in that order, then UTF-8 and windows-1252.  The chosen name is reported
 * in feedparser's spelling, while charset.c decodes the bytes the way
 * browsers do.  Also
 * feedparser's repair of every value: UTF-8 read as Latin-1, and C1
 * controls meant as windows-1252.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "feed_priv.h"
#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

static char	*xml_decl_encoding(const char *, size_t);

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

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
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
		r = charset_decode(bom, buf, len, &tmp, &nbad);
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
		if ((r = charset_decode(cands[i], buf, len, res, nbad)) >= 0) {
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
	bom = charset_sniff_bom(&buf, &len);
	xml_enc = declared_encoding(bom, buf, len);
	charset_content_type(content_type, &http_type, &http_enc);
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
