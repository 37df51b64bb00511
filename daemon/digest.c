/*
 * The digest's content (digest.h): which stories, in what order, each
 * with its outlets, headline and summary.  Everything is read from the
 * state's story entries, so the same state gives the same digest.
 *
 * A story is in the digest of [since, until) when an entry joined it in
 * that period; its earlier entries count too (a story that grew since
 * yesterday comes back with its new outlets), later ones do not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "date.h"
#include "digest.h"
#include "entry.h"
#include "log.h"
#include "outlet.h"
#include "store.h"
#include "summary.h"
#include "command.h"
#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"
#include "zone.h"

/* What summary_cmd may print for one story. */
#define SUMMARY_CMD_MAX	16384

/* A story being considered: its section and its entries up to until. */
struct pick {
	struct digest_section	  s;
	const struct entry	**e;		/* by their time, first first */
	size_t			  n;
};

/* When an entry appeared: its date, unless that is after it was seen. */
static time_t
entry_time(const struct entry *e)
{
	return e->published != 0 && e->published < e->seen ? e->published :
	    e->seen;
}

/* The languages a title's script tells, in the order that settles ties. */
static const char *const languages[] = { "en", "ja", "ko", "zh" };
#define NLANGUAGES	(sizeof(languages) / sizeof(languages[0]))

/*
 * The language of a title, told by its script: "ko" (Hangul), "ja"
 * (kana), "zh" (Han without either), else "en", which stands for every
 * language of the Latin script.  An index into languages[].
 */
static size_t
title_language(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0;
	int han = 0, kana = 0;
	uint32_t c;

	while (i < n) {
		i += utf8_decode_lossy(p + i, n - i, &c);
		if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) ||
		    (c >= 0x3130 && c <= 0x318f))
			return 2;
		if (c >= 0x3040 && c <= 0x30ff)
			kana = 1;
		else if (c >= 0x4e00 && c <= 0x9fff)
			han = 1;
	}
	return kana ? 1 : han ? 3 : 0;
}

/* The index of the largest count; the first of equals. */
static size_t
most(const size_t count[NLANGUAGES])
{
	size_t top = 0;

	for (size_t i = 1; i < NLANGUAGES; i++)
		if (count[i] > count[top])
			top = i;
	return top;
}

static int
entry_feed_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;

	return strcmp(x->feed_name != NULL ? x->feed_name : "",
	    y->feed_name != NULL ? y->feed_name : "");
}

/*
 * The language the headlines are chosen in: [digest] language, else the
 * one most feeds write in, each feed counted once, in the language most
 * of its entries have.
 */
static const char *
feeds_language(const struct config *cfg, const struct entry *v, size_t n)
{
	const struct entry **by_feed;
	size_t feeds[NLANGUAGES] = { 0 }, i, j;

	if (cfg->digest.language != NULL)
		return cfg->digest.language;
	by_feed = xcalloc(n + 1, sizeof(*by_feed));
	for (i = 0; i < n; i++)
		by_feed[i] = &v[i];
	qsort(by_feed, n, sizeof(*by_feed), entry_feed_cmp);
	for (i = 0; i < n; i = j) {
		size_t own[NLANGUAGES] = { 0 };

		for (j = i; j < n && entry_feed_cmp(&by_feed[i],
		    &by_feed[j]) == 0; j++)
			own[title_language(by_feed[j]->title)]++;
		feeds[most(own)]++;
	}
	free(by_feed);
	return languages[most(feeds)];
}

/* The text grouping kept of e, after its title line. */
static const char *
entry_text(const struct entry *e)
{
	const char *nl;

	if (e->story_text == NULL || (nl = strchr(e->story_text, '\n')) ==
	    NULL)
		return "";
	return nl + 1;
}

static int
entry_time_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;

	if (entry_time(x) != entry_time(y))
		return entry_time(x) < entry_time(y) ? -1 : 1;
	if (x->seen != y->seen)
		return x->seen < y->seen ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * The entry a section is written from: in the headlines' language when
 * one is, with the most text, the earliest of equals.
 */
static const struct entry *
best_entry(const struct pick *p, const char *lang)
{
	const struct entry *best = NULL;
	size_t best_len = 0;
	int best_fits = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct entry *e = p->e[i];
		int fits = strcmp(languages[title_language(e->title)],
		    lang) == 0;
		size_t len = strlen(entry_text(e));

		if (best == NULL || fits > best_fits || (fits == best_fits &&
		    len > best_len)) {
			best = e;
			best_len = len;
			best_fits = fits;
		}
	}
	return best;
}

/* Adds the outlet name with link, unless p lists it already. */
static void
add_source(struct digest_section *s, const char *name, const char *link)
{
	for (size_t k = 0; k < s->nsources; k++)
		if (strcmp(s->sources[k].name, name) == 0)
			return;
	s->sources = xreallocarray(s->sources, s->nsources + 1,
	    sizeof(*s->sources));
	s->sources[s->nsources].name = text_clean(name, TEXT_CLEAN_LINE);
	s->sources[s->nsources].link = link != NULL ? url_canonical(link) :
	    NULL;
	s->nsources++;
}

/*
 * The outlets of p: each entry's, with its earliest entry's link, and
 * after it the articles it cites on the sites of [publishers] (a Korean
 * outlet's "관련 보도: AP News · The Verge"), in the order of the entries.
 */
static void
add_sources(struct pick *p, const struct config *cfg)
{
	for (size_t i = 0; i < p->n; i++) {
		const char *links = p->e[i]->story_links, *nl, *name;
		char *cited;

		add_source(&p->s, outlet_name(cfg, p->e[i]), p->e[i]->link);
		/* Its own canonical link first, then one cited a line. */
		for (nl = links != NULL ? strchr(links, '\n') : NULL;
		    nl != NULL; nl = strchr(nl + 1, '\n')) {
			cited = xstrndup(nl + 1, strcspn(nl + 1, "\n"));
			if ((name = publisher_name(cfg, cited)) != NULL)
				add_source(&p->s, name, cited);
			free(cited);
		}
	}
}

/*
 * Fills p's section from its entries: outlets, headline, built-in
 * summary and main source.
 */
static void
fill_section(struct pick *p, const struct config *cfg, const char *lang)
{
	struct digest_section *s = &p->s;
	const struct entry *best;
	const char *path;
	char host[256], *text;

	qsort(p->e, p->n, sizeof(*p->e), entry_time_cmp);
	add_sources(p, cfg);
	best = best_entry(p, lang);
	s->headline = text_clean(best->title != NULL ? best->title : "",
	    TEXT_CLEAN_LINE);
	if (*s->headline == '\0') {
		free(s->headline);
		s->headline = xstrdup(s->sources[0].name);
	}
	text = text_clean(entry_text(best), TEXT_CLEAN_LINE);
	s->summary = summary_extract(text, (size_t)cfg->digest.summary_chars);
	free(text);
	/* A title-only feed: the paragraph says the headline again. */
	if (*s->summary == '\0') {
		free(s->summary);
		s->summary = summary_extract(s->headline,
		    (size_t)cfg->digest.summary_chars);
	}
	if (best->link != NULL &&
	    (s->link = url_canonical(best->link)) != NULL &&
	    url_site(s->link, host, sizeof(host), &path) == 0)
		s->host = xstrdup(host);
	else {
		free(s->link);
		s->link = NULL;
	}
}

/* Most outlets first, then the newest, then by id: always one order. */
static int
pick_cmp(const void *a, const void *b)
{
	const struct digest_section *x = &((const struct pick *)a)->s;
	const struct digest_section *y = &((const struct pick *)b)->s;

	if (x->nsources != y->nsources)
		return x->nsources > y->nsources ? -1 : 1;
	if (x->newest != y->newest)
		return x->newest > y->newest ? -1 : 1;
	return strcmp(x->story, y->story);
}

/* The story as summary_cmd reads it: JSON, allocated. */
static char *
story_json(const struct pick *p, const struct config *cfg)
{
	json_t *root = json_object(), *list = json_array();
	char date[32], *out;

	json_object_set_new(root, "id", json_string(p->s.story));
	json_object_set_new(root, "headline", json_string(p->s.headline));
	for (size_t i = 0; i < p->n; i++) {
		const struct entry *e = p->e[i];
		json_t *je = json_object();

		date_format_iso(entry_time(e), date, sizeof(date));
		json_object_set_new(je, "feed", json_string(e->feed_name));
		json_object_set_new(je, "outlet",
		    json_string(outlet_name(cfg, e)));
		json_object_set_new(je, "title", json_string(e->title));
		json_object_set_new(je, "link", json_string(e->link));
		json_object_set_new(je, "date", json_string(date));
		json_object_set_new(je, "text", json_string(entry_text(e)));
		json_array_append_new(list, je);
	}
	json_object_set_new(root, "entries", list);
	out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(root);
	return out;
}

/*
 * The summary summary_cmd prints for p, in place of the built-in one.  0,
 * or -1 when it failed (logged: the built-in one stays).
 */
static int
run_summary_cmd(struct pick *p, const struct config *cfg)
{
	char err[256], *json, *out = NULL;
	int rc;
	struct command_opts opts = {
		.timeout_ms = cfg->digest.summary_timeout * 1000,
		.max_out = SUMMARY_CMD_MAX,
	};

	json = story_json(p, cfg);
	rc = command_run(cfg->digest.summary_cmd, json, strlen(json), &opts,
	    &out, err, sizeof(err));
	free(json);
	if (rc == -1) {
		/* Cancelled: the process is stopping, and the digest with it. */
		if (!command_cancelled())
			log_error("digest: story %.12s: summary_cmd %s; the "
			    "built-in summary is used", p->s.story, err);
		return -1;
	}
	free(p->s.summary);
	p->s.summary = text_clean(out, TEXT_CLEAN_LINE);
	free(out);
	return 0;
}

static int
entry_story_cmp(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	int c = strcmp(x->story, y->story);

	/* Otherwise in the order seen: the array's. */
	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * The stories of the n entries v (seen before until) that gained an entry
 * in the period, into picks.
 */
static size_t
pick_stories(struct pick *picks, const struct entry *v, size_t n,
    time_t since)
{
	const struct entry **by_story = xcalloc(n + 1, sizeof(*by_story));
	size_t np = 0, i, j;

	for (i = 0; i < n; i++)
		by_story[i] = &v[i];
	qsort(by_story, n, sizeof(*by_story), entry_story_cmp);
	for (i = 0; i < n; i = j) {
		struct pick *p = &picks[np];
		int gained = 0;

		memset(p, 0, sizeof(*p));
		for (j = i; j < n && strcmp(by_story[j]->story,
		    by_story[i]->story) == 0; j++)
			;
		p->e = xcalloc(j - i, sizeof(*p->e));
		for (size_t k = i; k < j; k++) {
			p->e[p->n++] = by_story[k];
			if (by_story[k]->seen >= since) {
				gained = 1;
				if (by_story[k]->seen > p->s.newest)
					p->s.newest = by_story[k]->seen;
			}
		}
		if (!gained) {
			free(p->e);
			continue;
		}
		p->s.story = xstrdup(by_story[i]->story);
		np++;
	}
	free(by_story);
	return np;
}

static void
section_clear(struct digest_section *s)
{
	free(s->story);
	free(s->headline);
	free(s->summary);
	free(s->link);
	free(s->host);
	for (size_t i = 0; i < s->nsources; i++) {
		free(s->sources[i].name);
		free(s->sources[i].link);
	}
	free(s->sources);
}

int
digest_build(struct store *store, uv_mutex_t *lock, const struct config *cfg,
    time_t since, time_t until, time_t at, struct digest *d, char *err,
    size_t errlen)
{
	struct pick *picks;
	struct entry *v;
	const char *lang;
	size_t n, np, keep = 0;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->since = since;
	d->until = until;
	d->at = at;
	zone_day(at, d->day, sizeof(d->day));
	zone_format(at, d->date, sizeof(d->date));
	d->title = xasprintf("%s %s", d->day, cfg->digest.title);
	v = NULL;
	n = 0;
	if (lock != NULL)
		uv_mutex_lock(lock);
	/* A story's earlier entries are at most a window older. */
	if (store != NULL && (rc = store_story_period(store, since -
	    cfg->story_window, until, &v, &n)) == -1)
		snprintf(err, errlen, "%s", store_errmsg(store));
	if (lock != NULL)
		uv_mutex_unlock(lock);
	if (rc == -1)
		return -1;
	picks = xcalloc(n + 1, sizeof(*picks));
	np = pick_stories(picks, v, n, since);
	lang = feeds_language(cfg, v, n);
	for (size_t i = 0; i < np; i++)
		fill_section(&picks[i], cfg, lang);
	qsort(picks, np, sizeof(*picks), pick_cmp);
	d->v = xcalloc(np + 1, sizeof(*d->v));
	for (size_t i = 0; i < np; i++) {
		struct pick *p = &picks[i];

		if (p->s.nsources >= (size_t)cfg->digest.min_sources &&
		    keep < (size_t)cfg->digest.max_stories) {
			if (cfg->digest.summary_cmd != NULL &&
			    run_summary_cmd(p, cfg) == -1)
				d->failed_cmds++;
			d->v[keep++] = p->s;
		} else
			section_clear(&p->s);
		free(p->e);
	}
	d->n = keep;
	free(picks);
	store_entries_free(v, n);
	if (cfg->digest.summary_cmd != NULL && command_cancelled()) {
		snprintf(err, errlen, "digest: interrupted");
		digest_free(d);
		return -1;
	}
	return 0;
}

void
digest_free(struct digest *d)
{
	for (size_t i = 0; i < d->n; i++)
		section_clear(&d->v[i]);
	free(d->v);
	free(d->title);
	memset(d, 0, sizeof(*d));
}

char *
digest_render(const struct digest *d, const struct config *cfg,
    enum digest_format format, size_t *len)
{
	switch (format) {
	case DIGEST_MAIL:
		return digest_mail(d, cfg, len);
	case DIGEST_ATOM:
		return digest_atom(d, cfg, len);
	case DIGEST_JEKYLL:
		break;
	}
	return digest_jekyll(d, cfg, len);
}
