/*
 * The flat JSON object of HTTP response headers that `aggregator parse
 * --headers` takes: only the three headers that change parsing are read.
 * jansson does the parsing; every value must be a string, as header
 * values are.
 */
#include <stdlib.h>
#include <strings.h>

#include <jansson.h>

#include "feed.h"
#include "xmalloc.h"

int
feed_headers_parse(const char *json, char **ctype, char **cloc,
    char **clang)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	char **dst;

	*ctype = *cloc = *clang = NULL;
	if ((root = json_loads(json, 0, &jerr)) == NULL)
		return -1;
	if (!json_is_object(root))
		goto fail;
	/* In document order, so a later spelling of a header wins. */
	json_object_foreach(root, key, v) {
		if (!json_is_string(v))
			goto fail;
		dst = NULL;
		if (strcasecmp(key, "content-type") == 0)
			dst = ctype;
		else if (strcasecmp(key, "content-location") == 0)
			dst = cloc;
		else if (strcasecmp(key, "content-language") == 0)
			dst = clang;
		if (dst != NULL) {
			free(*dst);
			*dst = xstrdup(json_string_value(v));
		}
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	free(*ctype);
	free(*cloc);
	free(*clang);
	*ctype = *cloc = *clang = NULL;
	return -1;
}
