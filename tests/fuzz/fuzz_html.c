/*
 * libFuzzer target: the HTML sanitizer feed text goes through
 * (sanitize_html) and the guess whether text is HTML; the input is the
 * HTML.  Sanitized output may hold only tags the allow-list allows:
 * anything else would let a feed put live markup into mail.
 * The text/plain rendering (html_text) reads both the raw HTML and the
 * clean-up's output; text in makes text out, no longer than a reference
 * can grow it (4 bytes of UTF-8 for "&#1;", link targets shown once).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "sanitize.h"
#include "xmalloc.h"

#define FUZZ_BASE	"http://example.com/blog/post/"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check_tags(const char *in, const char *out)
{
	const char *p, *q;

	for (p = strchr(out, '<'); p != NULL; p = strchr(p + 1, '<')) {
		q = p + 1;
		if (*q == '/')
			q++;
		while (isalnum((unsigned char)*q) || *q == '-')
			q++;
		if (q > p + 1 && !(q == p + 2 && p[1] == '/') &&
		    sanitize_element_ok(p[1] == '/' ? p + 2 : p + 1,
		    (size_t)(q - p - (p[1] == '/' ? 2 : 1))))
			continue;
		fprintf(stderr, "html: sanitized output has \"<%.20s\"\n"
		    "  in:  \"%s\"\n  out: \"%s\"\n", p + 1, in, out);
		abort();
	}
}

static void
fuzz_check_text(const char *html)
{
	char *text = html_text(html);

	if (strlen(text) > 2 * strlen(html) + 8) {
		fprintf(stderr, "text: %zu bytes from %zu of HTML\n"
		    "  in:  \"%s\"\n", strlen(text), strlen(html), html);
		abort();
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *html, *out;

	html = xstrndup((const char *)data, size);
	sanitize_looks_like_html(html);
	out = sanitize_html(html, FUZZ_BASE);
	fuzz_check_tags(html, out);
	fuzz_check_text(html);
	fuzz_check_text(out);
	free(out);
	free(html);
	return 0;
}
