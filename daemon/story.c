/*
 * The story index.  Entries sit in a ring in delivery order, numbered by
 * an id that only grows, so that dropping the oldest ones at the window's
 * end drops a prefix of every posting list: lists are cut lazily, when
 * they are next read or grown.  Each posting list is a token's entries;
 * its length is the token's document frequency in the window.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "story.h"
#include "story_tokens.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

/* What the grouping reads of an entry, and keeps per entry. */
#define TEXT_MAX_BYTES	2000
#define CITES_MAX	16
#define TOKENS_MAX	40
/* A token in more entries than this (and a tenth of them) says nothing. */
#define DF_COMMON	64
/* Past this many entries the oldest go, whatever the window. */
#define ENTRIES_MAX	250000

/* The decision: a score in [0, 1] against the best entry of a story. */
#define JOIN_SCORE	0.30
#define DECAY_SECONDS	(3 * 86400.0)

struct item {
	unsigned char	 key[KEY_BYTES];
	unsigned char	 story[KEY_BYTES];	/* the root's key */
	time_t		 when;		/* published, else seen */
	time_t		 seen;
	float		 norm;
};

struct posting {
	uint32_t	 hash;		/* 0: a free slot */
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	*ids;
};

/* Open addressing from a 64-bit key prefix to a number. */
struct slot {
	uint64_t	 k;		/* 0: free */
	uint32_t	 v;
};

struct map {
	struct slot	*s;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

struct story_index {
	long		 window;
	struct item	*ring;
	size_t		 cap;		/* a power of two */
	uint32_t	 head;		/* the oldest id held */
	uint32_t	 next;		/* the id the next entry gets */
	struct posting	*post;
	size_t		 postcap;
	size_t		 npost;
	struct map	 keys;		/* key -> id */
	struct map	 sizes;		/* story -> entries held */
	struct story_tokenizer *tok;
	/* One query's scratch, by ring slot. */
	float		*acc;
	unsigned char	*flags;		/* SEEN_*: touched, linked */
	uint32_t	*touched;
	size_t		 ntouched;
};

#define SEEN_TOUCHED	0x01
#define SEEN_LINKED	0x02

/* The tokens of one entry, as collected. */
struct bag {
	struct story_index *x;
	uint32_t	 hash[TOKENS_MAX];
	unsigned char	 kind[TOKENS_MAX];
	size_t		 n;
};

static uint64_t
prefix64(const unsigned char *k)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | k[i];
	return v == 0 ? 1 : v;
}

static void
map_put(struct map *m, uint64_t k, uint32_t v);

static void
map_grow(struct map *m)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap;

	m->cap = m->cap == 0 ? 1024 : m->cap * 2;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	m->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].k != 0)
			map_put(m, old[i].k, old[i].v);
	free(old);
}

static struct slot *
map_find(const struct map *m, uint64_t k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = k & (m->cap - 1); m->s[i].k != 0; i = (i + 1) & (m->cap - 1))
		if (m->s[i].k == k)
			return &m->s[i];
	return NULL;
}

static void
map_put(struct map *m, uint64_t k, uint32_t v)
{
	struct slot *s;
	size_t i;

	if ((s = map_find(m, k)) != NULL) {
		s->v = v;
		return;
	}
	if ((m->n + 1) * 4 > m->cap * 3)
		map_grow(m);
	for (i = k & (m->cap - 1); m->s[i].k != 0; i = (i + 1) & (m->cap - 1))
		;
	m->s[i].k = k;
	m->s[i].v = v;
	m->n++;
}

/* Removes k, shifting back the slots its probe run held up. */
static void
map_del(struct map *m, uint64_t k)
{
	struct slot *s = map_find(m, k);
	size_t i, j, home, mask = m->cap - 1;

	if (s == NULL)
		return;
	i = (size_t)(s - m->s);
	for (j = (i + 1) & mask; m->s[j].k != 0; j = (j + 1) & mask) {
		home = m->s[j].k & mask;
		/* j's entry may move to i when i lies on its probe path. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->s[i] = m->s[j];
			i = j;
		}
	}
	m->s[i].k = 0;
	m->n--;
}

struct story_index *
story_index_new(long window)
{
	struct story_index *x = xcalloc(1, sizeof(*x));

	x->window = window > 0 ? window : STORY_WINDOW_DEFAULT;
	x->tok = story_tokenizer_new();
	return x;
}

void
story_index_free(struct story_index *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->postcap; i++)
		free(x->post[i].ids);
	free(x->post);
	free(x->ring);
	free(x->keys.s);
	free(x->sizes.s);
	free(x->acc);
	free(x->flags);
	free(x->touched);
	story_tokenizer_free(x->tok);
	free(x);
}

static struct item *
item_at(const struct story_index *x, uint32_t id)
{
	return &x->ring[id & (x->cap - 1)];
}

/* --- posting lists --- */

static struct posting *
post_find(const struct story_index *x, uint32_t h)
{
	size_t i;

	if (x->postcap == 0)
		return NULL;
	for (i = h & (x->postcap - 1); x->post[i].hash != 0;
	    i = (i + 1) & (x->postcap - 1))
		if (x->post[i].hash == h)
			return &x->post[i];
	return NULL;
}

/* Drops the ids that left the window; frees the list when none is left. */
static void
post_trim(const struct story_index *x, struct posting *p)
{
	uint32_t lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->ids[mid] - x->head > x->next - x->head)
			lo = mid + 1;	/* wrapped below head: gone */
		else
			hi = mid;
	}
	if (lo > 0) {
		memmove(p->ids, p->ids + lo, (p->n - lo) * sizeof(*p->ids));
		p->n -= lo;
	}
}

/* A table twice as large, without the lists the window emptied. */
static void
post_rehash(struct story_index *x)
{
	struct posting *old = x->post;
	size_t oldcap = x->postcap, i, k;

	x->postcap = x->postcap == 0 ? 4096 : x->postcap * 2;
	x->post = xcalloc(x->postcap, sizeof(*x->post));
	x->npost = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0)
			continue;
		post_trim(x, &old[i]);
		if (old[i].n == 0) {
			free(old[i].ids);
			continue;
		}
		for (k = old[i].hash & (x->postcap - 1); x->post[k].hash != 0;
		    k = (k + 1) & (x->postcap - 1))
			;
		x->post[k] = old[i];
		x->npost++;
	}
	free(old);
}

static void
post_add(struct story_index *x, uint32_t h, uint32_t id)
{
	struct posting *p = post_find(x, h);
	size_t i;

	if (p == NULL) {
		if ((x->npost + 1) * 4 > x->postcap * 3)
			post_rehash(x);
		for (i = h & (x->postcap - 1); x->post[i].hash != 0;
		    i = (i + 1) & (x->postcap - 1))
			;
		p = &x->post[i];
		p->hash = h;
		x->npost++;
	}
	post_trim(x, p);
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 2 : p->cap + p->cap / 2 + 1;
		p->ids = xreallocarray(p->ids, p->cap, sizeof(*p->ids));
	}
	p->ids[p->n++] = id;
}

/* --- the window --- */

static void
evict(struct story_index *x, time_t now)
{
	struct item *it;
	struct slot *s;

	while (x->head != x->next) {
		it = item_at(x, x->head);
		if (it->seen >= now - x->window &&
		    x->next - x->head < ENTRIES_MAX)
			break;
		map_del(&x->keys, prefix64(it->key));
		if ((s = map_find(&x->sizes, prefix64(it->story))) != NULL &&
		    --s->v == 0)
			map_del(&x->sizes, prefix64(it->story));
		x->head++;
	}
}

static void
ring_grow(struct story_index *x)
{
	size_t cap = x->cap == 0 ? 1024 : x->cap * 2;
	struct item *ring = xcalloc(cap, sizeof(*ring));

	for (uint32_t id = x->head; id != x->next; id++)
		ring[id & (cap - 1)] = *item_at(x, id);
	free(x->ring);
	x->ring = ring;
	x->cap = cap;
	free(x->acc);
	free(x->flags);
	free(x->touched);
	x->acc = xcalloc(cap, sizeof(*x->acc));
	x->flags = xcalloc(cap, 1);
	x->touched = xcalloc(cap, sizeof(*x->touched));
}

/* --- evidence --- */

static void
bag_add(void *arg, enum story_token_kind kind, const char *tok, size_t len)
{
	struct bag *b = arg;
	uint32_t h = story_token_hash(kind, tok, len);

	if (h == 0)
		h = 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->hash[i] == h)
			return;
	if (b->n < TOKENS_MAX) {
		b->hash[b->n] = h;
		b->kind[b->n++] = (unsigned char)kind;
	}
}

/* The links, one per line, as link tokens: the entry's own comes first. */
static void
bag_links(struct bag *b, const char *links)
{
	const char *p = links, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchrnul(p, '\n');
		if (nl > p)
			bag_add(b, STORY_TOKEN_LINK, p, (size_t)(nl - p));
		p = *nl != '\0' ? nl + 1 : nl;
	}
}

struct cites {
	struct buf	 b;
	size_t		 n;
};

/* A cited link, canonical; not a site's front page, which says nothing. */
static void
cite(const char *href, void *arg)
{
	struct cites *c = arg;
	char *canon;
	const char *path;

	if (c->n >= CITES_MAX || !url_is_http(href) ||
	    (canon = url_canonical(href)) == NULL)
		return;
	path = strchr(canon + strlen("http://"), '/');
	if (path != NULL && strlen(path) > 1) {
		buf_addc(&c->b, '\n');
		buf_addstr(&c->b, canon);
		c->n++;
	}
	free(canon);
}

/* What story_assign reads of e, kept in e for the state. */
static void
evidence(struct entry *e)
{
	struct cites c = { { NULL, 0, 0 }, 0 };
	struct buf t;
	char *text, *canon;
	size_t n;

	buf_init(&c.b);
	if (e->link != NULL && (canon = url_canonical(e->link)) != NULL) {
		buf_addstr(&c.b, canon);
		free(canon);
	}
	text = html_text_cited(e->content != NULL ? e->content : "", cite,
	    &c);
	buf_init(&t);
	buf_addstr(&t, e->title != NULL ? e->title : "");
	buf_addc(&t, '\n');
	n = strlen(text);
	buf_add(&t, text, utf8_cut(text, n, n, TEXT_MAX_BYTES));
	free(text);
	buf_addc(&t, '\0');
	free(e->story_text);
	free(e->story_links);
	e->story_text = buf_release(&t);
	buf_addc(&c.b, '\0');
	e->story_links = buf_release(&c.b);
}

static void
bag_fill(struct story_index *x, struct bag *b, const struct entry *e)
{
	b->x = x;
	b->n = 0;
	bag_links(b, e->story_links);
	story_tokenize(x->tok, e->story_text != NULL ? e->story_text : "",
	    bag_add, b);
}

/* --- scoring --- */

static double
kind_weight(unsigned char kind)
{
	switch (kind) {
	case STORY_TOKEN_NUMBER:
		return 1.2;
	case STORY_TOKEN_BIGRAM:
		return 0.8;
	default:
		return 1.0;
	}
}

/*
 * Inverse document frequency over the window, as if it held IDF_PRIOR
 * more entries without the token: in a window of a few entries, a token
 * two of them share is still a rare one.
 */
#define IDF_PRIOR	100.0

static double
token_weight(const struct story_index *x, unsigned char kind, uint32_t df)
{
	double n = (double)(x->next - x->head) + 1;

	return kind_weight(kind) * log((n + IDF_PRIOR) / ((double)df + 1));
}

/* Marks id as a candidate of the query, once. */
static void
touch(struct story_index *x, uint32_t id, unsigned char flag)
{
	unsigned char *f = &x->flags[id & (x->cap - 1)];

	if (*f == 0)
		x->touched[x->ntouched++] = id;
	*f |= flag;
}

/* Ends a query: the scratch is zero again. */
static void
scratch_clear(struct story_index *x)
{
	for (size_t i = 0; i < x->ntouched; i++) {
		uint32_t slot = x->touched[i] & (x->cap - 1);

		x->acc[slot] = 0;
		x->flags[slot] = 0;
	}
	x->ntouched = 0;
}

/*
 * Accumulates, per entry in the window, the squared weights of the tokens
 * it shares with b (and whether it shares a link); returns b's norm.
 */
static double
accumulate(struct story_index *x, const struct bag *b, time_t when)
{
	double norm = 0, w;
	uint32_t n = x->next - x->head;
	struct posting *p;
	size_t i, k;

	x->ntouched = 0;
	for (i = 0; i < b->n; i++) {
		p = post_find(x, b->hash[i]);
		if (p != NULL)
			post_trim(x, p);
		if (b->kind[i] == STORY_TOKEN_LINK) {
			if (p == NULL || p->n > DF_COMMON)
				continue;
			for (k = 0; k < p->n; k++)
				touch(x, p->ids[k], SEEN_LINKED);
			continue;
		}
		w = token_weight(x, b->kind[i], p != NULL ? p->n : 0);
		norm += w * w;
		if (p == NULL || (p->n > DF_COMMON && p->n * 10 > n))
			continue;
		for (k = 0; k < p->n; k++) {
			time_t d = item_at(x, p->ids[k])->when - when;

			if (d < -x->window || d > x->window)
				continue;
			touch(x, p->ids[k], SEEN_TOUCHED);
			x->acc[p->ids[k] & (x->cap - 1)] += (float)(w * w);
		}
	}
	return sqrt(norm);
}

/* The story the scratch's best entry belongs to, or NULL when none is. */
static const unsigned char *
best_story(struct story_index *x, double norm, time_t when)
{
	const unsigned char *best = NULL;
	double top = JOIN_SCORE, score;
	uint32_t best_id = 0;

	for (size_t i = 0; i < x->ntouched; i++) {
		uint32_t id = x->touched[i], slot = id & (x->cap - 1);
		const struct item *it = item_at(x, id);
		double d = fabs((double)(it->when - when));

		if (x->flags[slot] & SEEN_LINKED)
			score = 1.0;
		else if (norm > 0 && it->norm > 0)
			score = x->acc[slot] / (norm * it->norm) *
			    exp(-d / DECAY_SECONDS);
		else
			score = 0;
		/* Ties go to the older entry: the order is the same on replay. */
		if (score > top || (score == top && best != NULL &&
		    id < best_id)) {
			top = score;
			best = it->story;
			best_id = id;
		}
	}
	scratch_clear(x);
	return best;
}

/* Adds e (its tokens in b) to the window as a member of story. */
static void
insert(struct story_index *x, const struct entry *e, const struct bag *b,
    const unsigned char story[KEY_BYTES], double norm, time_t now)
{
	struct item *it;
	struct slot *s;
	uint32_t id;

	evict(x, now);
	if (x->next - x->head == x->cap)
		ring_grow(x);
	id = x->next++;
	it = item_at(x, id);
	memset(it, 0, sizeof(*it));
	entry_key_parse(e->key, it->key);
	memcpy(it->story, story, KEY_BYTES);
	it->when = e->published != 0 ? e->published : e->seen;
	it->seen = e->seen != 0 ? e->seen : now;
	it->norm = (float)norm;
	map_put(&x->keys, prefix64(it->key), id);
	if ((s = map_find(&x->sizes, prefix64(story))) != NULL)
		s->v++;
	else
		map_put(&x->sizes, prefix64(story), 1);
	for (size_t i = 0; i < b->n; i++)
		post_add(x, b->hash[i], id);
}

/* The story of key when the window holds it, else NULL. */
static const unsigned char *
known(const struct story_index *x, const unsigned char key[KEY_BYTES])
{
	struct slot *s = map_find(&x->keys, prefix64(key));
	const struct item *it;

	if (s == NULL)
		return NULL;
	it = item_at(x, s->v);
	return memcmp(it->key, key, KEY_BYTES) == 0 ? it->story : NULL;
}

void
story_assign(struct story_index *x, struct entry *e, time_t now)
{
	unsigned char key[KEY_BYTES], story[KEY_BYTES];
	const unsigned char *found;
	struct bag b;
	double norm;
	time_t when = e->published != 0 ? e->published : e->seen;

	evidence(e);
	evict(x, now);
	if (entry_key_parse(e->key, key) == -1) {
		memcpy(e->story, e->key, KEY_HEX_SIZE);
		return;
	}
	if ((found = known(x, key)) != NULL) {
		entry_key_hex(found, e->story);
		return;
	}
	bag_fill(x, &b, e);
	norm = accumulate(x, &b, when);
	found = best_story(x, norm, when);
	memcpy(story, found != NULL ? found : key, KEY_BYTES);
	entry_key_hex(story, e->story);
	insert(x, e, &b, story, norm, now);
}

void
story_restore(struct story_index *x, const struct entry *e, time_t now)
{
	unsigned char key[KEY_BYTES], story[KEY_BYTES];
	struct bag b;
	double norm;

	if (entry_key_parse(e->key, key) == -1 ||
	    entry_key_parse(e->story, story) == -1 || known(x, key) != NULL)
		return;
	if (e->seen < now - x->window)
		return;
	bag_fill(x, &b, e);
	/* The norm as it was when the entry came: against what came before. */
	norm = accumulate(x, &b, e->published != 0 ? e->published : e->seen);
	scratch_clear(x);
	insert(x, e, &b, story, norm, now);
}

size_t
story_index_entries(const struct story_index *x)
{
	return x->next - x->head;
}

size_t
story_index_bytes(const struct story_index *x)
{
	size_t n = sizeof(*x);

	n += x->cap * (sizeof(*x->ring) + sizeof(*x->acc) + sizeof(*x->flags) +
	    sizeof(*x->touched));
	n += x->postcap * sizeof(*x->post);
	for (size_t i = 0; i < x->postcap; i++)
		n += x->post[i].cap * sizeof(*x->post[i].ids);
	n += (x->keys.cap + x->sizes.cap) * sizeof(struct slot);
	return n;
}
