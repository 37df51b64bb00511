/*
 * The flat JSON object of HTTP response headers that `aggregator parse
 * --headers` takes: only the three headers that change parsing are read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "feed_priv.h"
#include "xmalloc.h"

/* Reads one JSON string at *pp into out; returns 0 or -1. */
static int
json_string(const char **pp, struct buf *out)
{
	const char *p = *pp;
	unsigned int c, c2;
	char hex[5];

	if (*p != '"')
		return -1;
	p++;
	buf_reset(out);
	buf_addstr(out, "");
	while (*p != '"') {
		if (*p == '\0' || (unsigned char)*p < 0x20)
			return -1;
		if (*p != '\\') {
			buf_addc(out, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			buf_addc(out, *p);
			break;
		case 'b': buf_addc(out, '\b'); break;
		case 'f': buf_addc(out, '\f'); break;
		case 'n': buf_addc(out, '\n'); break;
		case 'r': buf_addc(out, '\r'); break;
		case 't': buf_addc(out, '\t'); break;
		case 'u':
			if (strspn(p + 1, "0123456789abcdefABCDEF") < 4)
				return -1;
			memcpy(hex, p + 1, 4);
			hex[4] = '\0';
			c = (unsigned int)strtoul(hex, NULL, 16);
			p += 4;
			if (c >= 0xd800 && c < 0xdc00 && p[1] == '\\' &&
			    p[2] == 'u' &&
			    strspn(p + 3, "0123456789abcdefABCDEF") >= 4) {
				memcpy(hex, p + 3, 4);
				c2 = (unsigned int)strtoul(hex, NULL, 16);
				if (c2 >= 0xdc00 && c2 < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (c2 - 0xdc00);
					p += 6;
				}
			}
			feed__utf8_put(out, c);
			break;
		default:
			return -1;
		}
		p++;
	}
	*pp = p + 1;
	return 0;
}

static void
skip_ws(const char **pp)
{
	while (isspace((unsigned char)**pp))
		(*pp)++;
}

int
feed_headers_parse(const char *json, char **ctype, char **cloc,
    char **clang)
{
	const char *p = json;
	struct buf key, val;
	char **dst;

	*ctype = *cloc = *clang = NULL;
	buf_init(&key);
	buf_init(&val);
	skip_ws(&p);
	if (*p++ != '{')
		goto fail;
	skip_ws(&p);
	if (*p == '}')
		goto done;
	for (;;) {
		skip_ws(&p);
		if (json_string(&p, &key) == -1)
			goto fail;
		skip_ws(&p);
		if (*p++ != ':')
			goto fail;
		skip_ws(&p);
		if (json_string(&p, &val) == -1)
			goto fail;
		dst = NULL;
		if (strcasecmp(key.data, "content-type") == 0)
			dst = ctype;
		else if (strcasecmp(key.data, "content-location") == 0)
			dst = cloc;
		else if (strcasecmp(key.data, "content-language") == 0)
			dst = clang;
		if (dst != NULL) {
			free(*dst);
			*dst = xstrdup(val.data);
		}
		skip_ws(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}')
			break;
		goto fail;
	}
done:
	buf_free(&key);
	buf_free(&val);
	return 0;
fail:
	buf_free(&key);
	buf_free(&val);
	free(*ctype);
	free(*cloc);
	free(*clang);
	*ctype = *cloc = *clang = NULL;
	return -1;
}
