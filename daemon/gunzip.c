/*
 * gzip and zlib ("deflate", RFC 9110) bodies with zlib, in up to
 * GUNZIP_LAYERS layers ("Content-Encoding: gzip, gzip").  Members may be
 * concatenated, as gzip(1) allows; bytes after a complete member that do
 * not start another are ignored, as browsers do.  Output is capped, so a
 * bomb stops at max bytes however small its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gunzip.h"

int
gunzip_start(struct gunzip *g, const char *encoding)
{
	char *list, *tok, *save = NULL;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	if (encoding == NULL)
		return 0;
	list = xstrdup(encoding);
	for (tok = strtok_r(list, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (strcasecmp(tok, "identity") == 0)
			continue;
		if ((strcasecmp(tok, "gzip") != 0 &&
		    strcasecmp(tok, "x-gzip") != 0 &&
		    strcasecmp(tok, "deflate") != 0) ||
		    g->layers == GUNZIP_LAYERS) {
			rc = -1;
			break;
		}
		/* 15 + 32: a gzip or a zlib header, whichever comes. */
		if (inflateInit2(&g->z[g->layers], 15 + 32) != Z_OK) {
			rc = -1;
			break;
		}
		g->layers++;
		rc = 1;
	}
	free(list);
	if (rc == -1)
		gunzip_free(g);
	return rc;
}

/*
 * Decodes n bytes through layer i; the encodings were applied in order, so
 * they come off last first: layer layers-1 reads the wire.
 */
static int
gunzip_layer(struct gunzip *g, int i, const unsigned char *in, size_t n,
    struct buf *out, size_t max, const char **why)
{
	unsigned char chunk[16384];
	z_stream *z = &g->z[i];
	size_t got;
	int rc;

	z->next_in = (unsigned char *)(uintptr_t)in;
	z->avail_in = (unsigned int)n;
	do {
		if (g->ended[i]) {
			/* Another member, or trailing bytes to ignore. */
			if (z->avail_in == 0 || z->next_in[0] != 0x1f)
				return 0;
			if (inflateReset(z) != Z_OK)
				goto corrupt;
			g->ended[i] = 0;
		}
		z->next_out = chunk;
		z->avail_out = sizeof(chunk);
		rc = inflate(z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			goto corrupt;
		got = sizeof(chunk) - z->avail_out;
		if (i > 0) {
			/* The next layer moves z's input: keep our place. */
			unsigned char *next = z->next_in;
			unsigned int avail = z->avail_in;

			if (got > 0 && gunzip_layer(g, i - 1, chunk, got, out,
			    max, why) == -1)
				return -1;
			z->next_in = next;
			z->avail_in = avail;
		} else {
			if (got > max - out->len) {
				*why = "toobig";
				return -1;
			}
			buf_add(out, chunk, got);
		}
		if (rc == Z_STREAM_END)
			g->ended[i] = 1;
		else if (rc == Z_BUF_ERROR && got == 0)
			break;		/* needs more input */
	} while (z->avail_in > 0 || z->avail_out == 0);
	return 0;
corrupt:
	*why = "corrupt";
	return -1;
}

int
gunzip_add(struct gunzip *g, const void *in, size_t n, struct buf *out,
    size_t max, const char **why)
{
	if (g->layers == 0) {
		if (n > max - out->len) {
			*why = "toobig";
			return -1;
		}
		buf_add(out, in, n);
		return 0;
	}
	return gunzip_layer(g, g->layers - 1, in, n, out, max, why);
}

int
gunzip_complete(const struct gunzip *g)
{
	for (int i = 0; i < g->layers; i++)
		if (!g->ended[i])
			return -1;
	return 0;
}

void
gunzip_free(struct gunzip *g)
{
	for (int i = 0; i < g->layers; i++)
		inflateEnd(&g->z[i]);
	g->layers = 0;
}
