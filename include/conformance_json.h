/*
 * A parsed document as the conformance JSON of
 * ../shared/conformance/README.md ("feedparser-lite"), which
 * `aggregator parse` prints and the conformance suite compares with
 * feedparser's own results.
 */
#ifndef CONFORMANCE_JSON_H
#define CONFORMANCE_JSON_H

#include <stdio.h>

#include "agg.h"

/*
 * Writes d to fp as one JSON object and a newline; write errors are left
 * on fp for the caller to see.
 */
void	conformance_json_write(const struct feed_doc *d, FILE *fp);

#endif
