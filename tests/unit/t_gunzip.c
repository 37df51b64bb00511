/*
 * gunzip: whole, concatenated, layered, truncated, corrupt and capped
 * streams, made here with zlib's own deflate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "gunzip.h"
#include "test.h"

/* gzip (wbits 31) or zlib (15) of in, in an allocated buffer. */
static unsigned char *
pack(const void *in, size_t n, int wbits, size_t *outlen)
{
	z_stream z;
	size_t cap = deflateBound(NULL, n) + 64;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (unsigned int)n;
	z.next_out = out;
	z.avail_out = (unsigned int)cap;
	deflate(&z, Z_FINISH);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* Decodes in pieces of step bytes; returns gunzip_add's verdict. */
static int
unpack(const char *enc, const unsigned char *in, size_t n, size_t step,
    size_t max, struct buf *out, int *complete)
{
	struct gunzip g;
	const char *why;
	int rc = 0;

	buf_init(out);
	if (gunzip_start(&g, enc) == -1)
		return -2;
	for (size_t off = 0; off < n && rc == 0; off += step)
		rc = gunzip_add(&g, in + off, n - off < step ? n - off : step,
		    out, max, &why);
	*complete = gunzip_complete(&g) == 0;
	gunzip_free(&g);
	return rc;
}

static const char text[] = "<rss><channel><title>t</title></channel></rss>";

TEST(whole_and_split)
{
	size_t n;
	unsigned char *z = pack(text, sizeof(text) - 1, 31, &n);
	struct buf out;
	int complete;

	for (size_t step = 1; step <= n; step += 7) {
		ASSERT_INT(unpack("gzip", z, n, step, 1 << 20, &out,
		    &complete), 0);
		ASSERT(complete);
		ASSERT_STR(out.data, text);
		buf_free(&out);
	}
	free(z);
}

TEST(truncated_is_incomplete)
{
	size_t n;
	unsigned char *z = pack(text, sizeof(text) - 1, 31, &n);
	struct buf out;
	int complete;

	ASSERT_INT(unpack("gzip", z, n / 2, 64, 1 << 20, &out, &complete), 0);
	ASSERT(!complete);
	buf_free(&out);
	free(z);
}

TEST(members_layers_and_zlib)
{
	size_t n1, n2, n3;
	unsigned char *a = pack(text, sizeof(text) - 1, 31, &n1);
	unsigned char *both = malloc(2 * n1), *twice, *zl;
	struct buf out;
	int complete;

	memcpy(both, a, n1);
	memcpy(both + n1, a, n1);
	ASSERT_INT(unpack("x-gzip", both, 2 * n1, 5, 1 << 20, &out,
	    &complete), 0);
	ASSERT(complete);
	ASSERT_INT(out.len, 2 * (sizeof(text) - 1));
	buf_free(&out);

	twice = pack(a, n1, 31, &n2);
	ASSERT_INT(unpack("gzip, gzip", twice, n2, 3, 1 << 20, &out,
	    &complete), 0);
	ASSERT(complete);
	ASSERT_STR(out.data, text);
	buf_free(&out);

	zl = pack(text, sizeof(text) - 1, 15, &n3);
	ASSERT_INT(unpack("deflate", zl, n3, 9, 1 << 20, &out, &complete), 0);
	ASSERT(complete);
	ASSERT_STR(out.data, text);
	buf_free(&out);
	free(a);
	free(both);
	free(twice);
	free(zl);
}

TEST(corrupt_capped_unknown)
{
	size_t n, big = 4 << 20;
	char *spaces = malloc(big);
	unsigned char *z;
	struct buf out;
	int complete;

	ASSERT_INT(unpack("gzip", (const unsigned char *)"not gzip at all", 15,
	    15, 1 << 20, &out, &complete), -1);
	buf_free(&out);
	memset(spaces, ' ', big);
	z = pack(spaces, big, 31, &n);
	ASSERT(n < big / 100);
	ASSERT_INT(unpack("gzip", z, n, 4096, 1 << 20, &out, &complete), -1);
	ASSERT(out.len <= 1 << 20);
	buf_free(&out);
	ASSERT_INT(unpack("br", z, n, 4096, 1 << 20, &out, &complete), -2);
	ASSERT_INT(unpack("gzip, gzip, gzip, gzip", z, n, 4096, 1 << 20, &out,
	    &complete), -2);
	ASSERT_INT(unpack(NULL, (const unsigned char *)"abc", 3, 3, 1 << 20,
	    &out, &complete), 0);
	ASSERT(complete);
	ASSERT_STR(out.data, "abc");
	buf_free(&out);
	free(z);
	free(spaces);
}

int
main(void)
{
	RUN(whole_and_split);
	RUN(truncated_is_incomplete);
	RUN(members_layers_and_zlib);
	RUN(corrupt_capped_unknown);
	return TEST_DONE();
}
