/*
 * Outlets (outlet.h): an entry's link looked up in [publishers], by site
 * and path prefix, the most specific line first.
 */
#include <string.h>

#include "config.h"
#include "entry.h"
#include "outlet.h"
#include "url.h"

/* Whether host is domain or lies under it ("uk.reuters.com", "reuters.com"). */
static int
host_under(const char *host, size_t hlen, const char *domain, size_t dlen)
{
	return dlen <= hlen && strncmp(host + hlen - dlen, domain, dlen) == 0 &&
	    (dlen == hlen || host[hlen - dlen - 1] == '.');
}

const char *
publisher_name(const struct config *cfg, const char *link)
{
	const struct publisher *best = NULL;
	const char *path, *slash;
	char host[256];
	size_t hlen, best_len = 0;

	if (url_site(link, host, sizeof(host), &path) == -1)
		return NULL;
	hlen = strlen(host);
	for (size_t i = 0; i < cfg->npublishers; i++) {
		const struct publisher *p = &cfg->publishers[i];
		size_t len = strlen(p->prefix), dlen;

		slash = strchr(p->prefix, '/');
		dlen = slash != NULL ? (size_t)(slash - p->prefix) : len;
		if (!host_under(host, hlen, p->prefix, dlen))
			continue;
		/* A path prefix matches whole segments. */
		if (slash != NULL && (strncmp(path, slash, len - dlen) != 0 ||
		    (p->prefix[len - 1] != '/' &&
		    strchr("/?#", path[len - dlen]) == NULL)))
			continue;
		if (len > best_len) {
			best = p;
			best_len = len;
		}
	}
	return best != NULL ? best->name : NULL;
}

const char *
outlet_name(const struct config *cfg, const struct entry *e)
{
	const char *name = publisher_name(cfg, e->link);

	if (name != NULL)
		return name;
	if (e->feed_title != NULL && *e->feed_title != '\0')
		return e->feed_title;
	return e->feed_name != NULL ? e->feed_name : "";
}
