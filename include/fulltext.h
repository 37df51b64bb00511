/*
 * Full text: which entries get the article's text from their page, and
 * that text put in place of what the feed gave.  The pages are fetched
 * on the loop (pages.c), extracted on a worker (poll_work.c calls this).
 */
#ifndef FULLTEXT_H
#define FULLTEXT_H
#include <stddef.h>

struct config;
struct entry;
struct extract_site;
struct fetch_result;

/*
 * A config's site rules, shared by the loop and the workers: a reload
 * makes new ones while a worker may still read the old.
 */
struct fulltext_sites;
struct fulltext_sites *fulltext_sites_new(const struct config *cfg);
struct fulltext_sites *fulltext_sites_ref(struct fulltext_sites *);
void	fulltext_sites_unref(struct fulltext_sites *);

/*
 * An entry carries "little text" (fulltext = auto fetches its page)
 * below this many sentences.
 */
#define FULLTEXT_FEW_SENTENCES	3

/* Whether e wants its page under mode (enum fulltext). */
int	fulltext_wanted(const struct entry *e, long mode);
/*
 * Puts the article extracted from the fetched page (read with the site
 * rules of sites, which may be NULL) into e's content: 0, or -1 with the
 * reason in why and e as the feed gave it (the fetch failed, the page is
 * no HTML or holds less text than the entry).
 */
int	fulltext_apply(struct entry *e, const struct fetch_result *page,
	    const struct fulltext_sites *sites, char *why, size_t whylen);
#endif
