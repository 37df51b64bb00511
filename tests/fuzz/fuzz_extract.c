/*
 * libFuzzer target: the article extractor (extract_page) on a page, the
 * input: charset sniffing, the HTML tree, metadata, scoring, clean-up
 * and rendering.  The page is read twice: with no Content-Type (BOM,
 * <meta> or UTF-8) and as served "text/html; charset=euc-kr".  Beyond
 * the sanitizers: a result is whole (text and HTML set, valid UTF-8
 * text), a failure says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "utf8.h"

#define FUZZ_BASE	"http://news.example.com/2024/05/story.html?id=1"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const char *what, const char *s)
{
	if (s != NULL && !utf8_valid(s, strlen(s))) {
		fprintf(stderr, "extract: %s is not UTF-8: \"%s\"\n", what, s);
		abort();
	}
}

static void
fuzz_one(const uint8_t *data, size_t size, const char *type)
{
	struct extract_result r;
	char err[256];

	err[0] = '\0';
	if (extract_page((const char *)data, size, type, FUZZ_BASE, NULL, 0,
	    &r, err, sizeof(err)) != 0) {
		if (err[0] == '\0') {
			fprintf(stderr, "extract: -1 without a reason\n");
			abort();
		}
		extract_result_free(&r);
		return;
	}
	if (r.text == NULL || r.html == NULL) {
		fprintf(stderr, "extract: 0 without text or html\n");
		abort();
	}
	fuzz_check("text", r.text);
	fuzz_check("html", r.html);
	fuzz_check("title", r.title);
	fuzz_check("byline", r.byline);
	fuzz_check("published", r.published);
	extract_result_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size, NULL);
	fuzz_one(data, size, "text/html; charset=euc-kr");
	return 0;
}
