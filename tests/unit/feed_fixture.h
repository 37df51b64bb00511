/*
 * Helpers the parser tests share: a fixture from tests/fixtures parsed
 * as a fetch would hand it over, and a document's conformance JSON.
 */
#ifndef FEED_FIXTURE_H
#define FEED_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "conformance_json.h"
#include "feed.h"
#include "xmalloc.h"

/* The bytes of tests/fixtures/NAME, or NULL (the tests run from the root). */
static inline char *
fixture_read(const char *name, size_t *len)
{
	char path[512], tmp[4096];
	struct buf b;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "tests/fixtures/%s", name);
	if ((fp = fopen(path, "rb")) == NULL) {
		printf("# cannot open %s (run from the source root)\n", path);
		*len = 0;
		return NULL;
	}
	buf_init(&b);
	buf_addstr(&b, "");
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(fp);
	*len = b.len;
	return buf_release(&b);
}

static inline struct feed_doc *
fixture_parse(const char *name, const struct feed_source *src, char *err,
    size_t errlen)
{
	struct feed_doc *d;
	size_t len;
	char *data;

	err[0] = '\0';
	if ((data = fixture_read(name, &len)) == NULL)
		return NULL;
	d = feed_parse(data, len, src, err, errlen);
	free(data);
	return d;
}

/* The conformance JSON of d, allocated. */
static inline char *
fixture_json(const struct feed_doc *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&out, &len);
	conformance_json_write(d, fp);
	fclose(fp);
	return out;
}

#endif
