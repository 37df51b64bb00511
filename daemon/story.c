/*
 * The story index.  Entries sit in a ring in delivery order, numbered by
 * an id that only grows, found by their key; the inverted index
 * (story_post.h) lists, per token, the ids that hold it with the entry's
 * weight for it, and per cited link the ids that cite it.  A new entry's
 * candidates are the entries its rarer tokens and its links lead to; its
 * score against each is accumulated from those lists (dot products,
 * shared counts), never from a walk of the window.
 *
 * The score against one entry (in [0, 1]):
 *   - 1 when one cites the other's link; at least 0.7 when both cite one;
 *   - between entries of one script class (Hangul-heavy or not), the
 *     cosine of their token weights (count in the entry, the title's
 *     thrice, times the token's inverse frequency in the window), 0
 *     unless two tokens are shared;
 *   - across classes, 0.9 times the cosine over what both scripts can
 *     share: Latin words, numbers, aliases and phonetic keys, a key
 *     counting in the norms only when shared;
 *   - halved when both give amounts (numbers with a scale) and no amount
 *     is shared; faded when their dates are over a day apart.
 * An entry joins the story of its best-scoring entry when that score is
 * JOIN_SCORE or more and, against chaining, a third of that story's
 * entries of its own class score SUPPORT_SCORE or more (a link alone
 * needs no support); ties go to the better supported, then the older
 * story.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "idmap.h"
#include "story.h"
#include "story_post.h"
#include "story_tokens.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * What grouping reads of an entry (characters), and keeps of it: more of
 * the text is kept than read, for the digest's summaries.
 */
#define TITLE_CHARS	300
#define TEXT_CHARS	500
#define TEXT_KEPT	1000
#define CITES_MAX	6	/* more is a list of links, not a citation */
#define TOKENS_MAX	40
#define TOKENS_READ	512	/* distinct tokens read before the cut */
/* Past this many entries the oldest go, whatever the window. */
#define ENTRIES_MAX	50000
_Static_assert(ENTRIES_MAX <= POST_OFFSET_MAX && ENTRIES_MAX <= UINT16_MAX,
    "a list's ids, and a story's members, span the window at most");

/* Weights: of the title, per kind of token; the inverse frequency's prior. */
#define TITLE_WEIGHT	3.0
#define IDF_PRIOR	50.0
/*
 * The candidates the common tokens are looked up for: those that share
 * the most with the entry by its rarer tokens (or a link).
 */
#define CANDIDATES_MAX	256
_Static_assert(CANDIDATES_MAX <= 256, "a candidate's place is a byte");
/*
 * A token in more than a DF_NOISE'th of a large window (one of more than
 * DF_NOISE_MIN entries) counts for nothing.
 */
#define DF_NOISE	4
#define DF_NOISE_MIN	1000
/* A token in more entries than this finds no candidates. */
#define DF_FEW		20
#define DF_SHARE	0.2
#define DF_MAX		100

/* The decision. */
#define JOIN_SCORE	0.17
#define LINK_SCORE	0.999
#define COCITE_SCORE	0.7
#define CROSS_FACTOR	0.9
#define AMOUNT_CONFLICT	0.5
#define SUPPORT_SCORE	0.05
#define SUPPORT_SHARE	0.34
#define SUPPORT_POOL	30	/* a large story needs 10 at most */
#define HANGUL_SHARE	0.3
#define DECAY_FREE	(24 * 3600.0)
#define DECAY_SCALE	(72 * 3600.0)

/*
 * A token's posting keeps its kind and its weight in the entry, in halves
 * up to 31 (15.5: a title's amount counts 6), as one byte.
 */
#define META(halves, kind)	((unsigned)(kind) << 5 | (halves))
#define META_HALVES(m)		((m) & 31u)
#define META_KIND(m)		((m) >> 5)
#define WEIGHT_MAX		15.5

/* An entry of the window: 28 bytes. */
struct item {
	uint32_t	 key[2];	/* the first 64 bits of its key */
	uint32_t	 when;		/* published, else seen (seconds) */
	uint32_t	 seen;
	unsigned int	 story : 30;	/* its slot in stories */
	unsigned int	 hangul : 1;	/* its script class */
	unsigned int	 amounts : 1;	/* it has a number with a scale */
	float		 norm;		/* of the tokens but phonetic keys */
	float		 norm_cross;	/* of those both scripts share */
};

struct story {
	unsigned char	 root[KEY_BYTES];
	uint32_t	 root_id;	/* the older story has the lower */
	uint16_t	 members[2];	/* in the window, by script class */
	uint32_t	 tally;		/* 1 + its place in tally, or 0 */
};

/* One query's candidate: what it shares with the new entry. */
struct cand {
	uint32_t	 id;
	float		 dot;		/* same class */
	float		 dot_cross;
	float		 ph_new;	/* shared phonetic keys in the norms */
	float		 ph_old;
	unsigned char	 shared;
	unsigned char	 shared_cross;
	unsigned char	 flags;		/* CAND_* */
};

#define CAND_TOUCHED	0x01
#define CAND_LINKED	0x02
#define CAND_COCITED	0x04
#define CAND_AMOUNT	0x08	/* an amount shared */

/* One query's story: its best score and its support. */
struct tally {
	uint32_t	 slot;
	float		 top;
	uint32_t	 support[2];	/* same class, any class */
};

struct story_index {
	long		 window;
	struct item	*ring;
	/* One query's candidates (as found, then by id), found by id. */
	struct cand	*cand;
	size_t		 ncand;
	size_t		 cand_cap;
	struct cand_at {
		uint32_t	 gen;	/* the query it is of */
		uint32_t	 at;	/* in cand */
	}		*cand_at;
	size_t		 cand_at_cap;
	uint32_t	 gen;
	uint32_t	 by_id[CANDIDATES_MAX];
	struct tally	*tally;
	size_t		 ntally;
	size_t		 tally_cap;
	size_t		 cap;		/* a power of two */
	uint32_t	 head;		/* the oldest id held */
	uint32_t	 next;		/* the id the next entry gets */
	struct postings	 post;		/* tokens */
	struct citations cites;		/* by "cite:URL" */
	struct idmap	 keys;		/* ids by key */
	struct idmap	 roots;		/* slots in stories by root */
	struct story	*stories;
	uint32_t	*free_stories;
	size_t		 nstories;
	size_t		 nfree;
	struct story_tokenizer *tok;
};

/*
 * One entry's tokens, then the kept ones, and its links.  The tokens come
 * last: bag_clear leaves them, a token being written before it is read.
 */
struct bag {
	size_t		 n;
	uint16_t	 at[2 * TOKENS_READ];	/* 1 + place in tok, by hash */
	/* Its own link (when it has one) and those it cites, as cited. */
	uint32_t	 as_cite[1 + CITES_MAX];
	/* What the key of the entry whose link it cites begins with. */
	uint64_t	 cited_key[1 + CITES_MAX];
	size_t		 nlinks;
	int		 own_link;	/* the first link is its own */
	unsigned char	 hangul;
	unsigned char	 amounts;
	double		 norm;
	double		 norm_cross;
	struct btok {
		uint32_t	 hash;
		float		 weight;	/* in halves */
		float		 idf;
		unsigned char	 kind;
	}		 tok[TOKENS_READ];
};

static void
bag_clear(struct bag *b)
{
	memset(b, 0, offsetof(struct bag, tok));
}

static const double kind_weight[STORY_TOKEN_KINDS] = {
	[STORY_TOKEN_LATIN] = 1.0,
	[STORY_TOKEN_HANGUL] = 1.0,
	[STORY_TOKEN_SYLLABLE] = 0.5,
	[STORY_TOKEN_NUMBER] = 2.0,
	[STORY_TOKEN_PERCENT] = 2.0,
	[STORY_TOKEN_SMALL] = 0.5,
	[STORY_TOKEN_ALIAS] = 1.0,
	[STORY_TOKEN_PHONETIC] = 1.0,
};

/* Kinds both scripts can share. */
static int
cross_kind(unsigned kind)
{
	return kind != STORY_TOKEN_HANGUL && kind != STORY_TOKEN_SYLLABLE &&
	    kind < STORY_TOKEN_KINDS;
}

static uint64_t
prefix64(const unsigned char *k)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | k[i];
	return v == 0 ? 1 : v;
}

/* A time as the ring keeps it: seconds since 1970, up to 2106. */
static uint32_t
seconds(time_t t)
{
	return t <= 0 ? 0 : (uint64_t)t >= UINT32_MAX ? UINT32_MAX :
	    (uint32_t)t;
}

static struct item *
item_at(const struct story_index *x, uint32_t id)
{
	return &x->ring[id & (x->cap - 1)];
}

static uint64_t
item_key(const void *owner, uint32_t id)
{
	const struct item *it = item_at(owner, id);

	return (uint64_t)it->key[0] << 32 | it->key[1];
}

static uint64_t
root_key(const void *owner, uint32_t slot)
{
	const struct story_index *x = owner;

	return prefix64(x->stories[slot].root);
}

struct story_index *
story_index_new(long window)
{
	struct story_index *x = xcalloc(1, sizeof(*x));

	x->window = window > 0 ? window : STORY_WINDOW_DEFAULT;
	x->tok = story_tokenizer_new();
	x->keys.key = item_key;
	x->keys.owner = x;
	x->roots.key = root_key;
	x->roots.owner = x;
	return x;
}

void
story_index_free(struct story_index *x)
{
	if (x == NULL)
		return;
	postings_clear(&x->post);
	citations_clear(&x->cites);
	idmap_clear(&x->keys);
	idmap_clear(&x->roots);
	free(x->ring);
	free(x->cand);
	free(x->cand_at);
	free(x->tally);
	free(x->stories);
	free(x->free_stories);
	story_tokenizer_free(x->tok);
	free(x);
}

/* --- stories --- */

static uint32_t
story_slot(struct story_index *x, const unsigned char root[KEY_BYTES],
    uint32_t root_id)
{
	uint32_t slot;
	struct story *s;

	if (idmap_get(&x->roots, prefix64(root), &slot) == 0)
		return slot;
	if (x->nfree > 0)
		slot = x->free_stories[--x->nfree];
	else {
		x->stories = xreallocarray(x->stories, x->nstories + 1,
		    sizeof(*x->stories));
		x->free_stories = xreallocarray(x->free_stories,
		    x->nstories + 1, sizeof(*x->free_stories));
		slot = (uint32_t)x->nstories++;
	}
	s = &x->stories[slot];
	memset(s, 0, sizeof(*s));
	memcpy(s->root, root, KEY_BYTES);
	s->root_id = root_id;
	idmap_put(&x->roots, slot);
	return slot;
}

static void
story_leave(struct story_index *x, uint32_t slot, int hangul)
{
	struct story *s = &x->stories[slot];

	if (--s->members[hangul] > 0 || s->members[!hangul] > 0)
		return;
	idmap_del(&x->roots, prefix64(s->root));
	x->free_stories[x->nfree++] = slot;
}

/* --- the window --- */

static void
evict(struct story_index *x, time_t now)
{
	struct item *it;

	while (x->head != x->next) {
		it = item_at(x, x->head);
		if ((time_t)it->seen >= now - x->window &&
		    x->next - x->head < ENTRIES_MAX)
			break;
		idmap_del(&x->keys, item_key(x, x->head));
		story_leave(x, it->story, it->hangul);
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
}

/* --- evidence --- */

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
	const char *host, *path = NULL;

	if (c->n > CITES_MAX || !url_is_http(href) ||
	    (canon = url_canonical(href)) == NULL)
		return;
	if ((host = strstr(canon, "//")) != NULL)
		path = strchr(host + 2, '/');
	if (path != NULL && path[1] != '\0' && path[1] != '?') {
		buf_addc(&c->b, '\n');
		buf_addstr(&c->b, canon);
		c->n++;
	}
	free(canon);
}

/* s cut to max characters, white space made one space. */
static void
add_plain(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s), cut = utf8_cut(s, n, max, n);
	int space = 0;

	for (size_t i = 0; i < cut; i++) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' ||
		    s[i] == '\r') {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		space = 0;
		buf_addc(b, s[i]);
	}
}

/*
 * What story_assign reads of e, kept in e for the state: its title and
 * text on two lines; its canonical link, then those it cites, one a line
 * (none cited when it cites more than CITES_MAX).
 */
void
story_evidence(struct entry *e)
{
	struct cites c = { { NULL, 0, 0 }, 0 };
	struct buf t;
	char *text, *canon;
	size_t own;

	buf_init(&c.b);
	if (e->link != NULL && (canon = url_canonical(e->link)) != NULL) {
		buf_addstr(&c.b, canon);
		free(canon);
	}
	own = c.b.len;
	text = html_text_cited(e->content != NULL ? e->content : "", cite,
	    &c);
	if (c.n > CITES_MAX)
		c.b.len = own;
	buf_addc(&c.b, '\0');
	buf_init(&t);
	add_plain(&t, e->title != NULL ? e->title : "", TITLE_CHARS);
	buf_addc(&t, '\n');
	add_plain(&t, text, TEXT_KEPT);
	buf_addc(&t, '\0');
	free(text);
	free(e->story_text);
	free(e->story_links);
	e->story_text = buf_release(&t);
	e->story_links = buf_release(&c.b);
}

static void
bag_add(void *arg, enum story_token_kind kind, enum story_part part,
    double share, const char *tok, size_t len)
{
	struct bag *b = arg;
	struct btok *t;
	uint32_t h = story_token_hash(tok, len);
	double w = share * kind_weight[kind] * (part == STORY_PART_TITLE ?
	    TITLE_WEIGHT : 1.0);
	size_t k, mask = 2 * TOKENS_READ - 1;

	for (k = h & mask; b->at[k] != 0 && b->tok[b->at[k] - 1].hash != h;
	    k = (k + 1) & mask)
		;
	if (b->at[k] == 0) {
		if (b->n == TOKENS_READ)
			return;
		t = &b->tok[b->n++];
		b->at[k] = (uint16_t)b->n;
		t->hash = h;
		t->weight = 0;
		t->kind = (unsigned char)kind;
	} else {
		t = &b->tok[b->at[k] - 1];
		if (t->kind == STORY_TOKEN_ALIAS)
			t->kind = (unsigned char)kind;
	}
	t->weight += (float)w;
}

static uint32_t
link_hash(const char *prefix, const char *link, size_t len)
{
	struct buf b;
	uint32_t h;

	buf_init(&b);
	buf_addstr(&b, prefix);
	buf_add(&b, link, len);
	h = story_token_hash(b.data, b.len);
	buf_free(&b);
	return h;
}

/*
 * The links, one a line: the entry's own (or an empty line) first.  An
 * entry whose link is an http(s) URL is keyed by it (entry.h), so the
 * entry a link names is found by the link's key, and only citations
 * need lists of their own.
 */
static void
bag_links(struct bag *b, const char *links)
{
	unsigned char key[KEY_BYTES];

	const char *p = links != NULL ? links : "", *nl;

	b->nlinks = 0;
	b->own_link = *p != '\0' && *p != '\n';
	for (;;) {
		nl = strchrnul(p, '\n');
		if (nl > p && b->nlinks < 1 + CITES_MAX) {
			if (b->nlinks > 0 || !b->own_link) {
				entry_key_digest(p, (size_t)(nl - p), key);
				b->cited_key[b->nlinks] = prefix64(key);
			}
			b->as_cite[b->nlinks++] = link_hash("cite:", p,
			    (size_t)(nl - p));
		}
		if (*nl == '\0')
			break;
		p = nl + 1;
	}
}

static double
idf(const struct story_index *x, uint32_t df)
{
	double n = (double)(x->next - x->head);

	return log((n + IDF_PRIOR) / ((double)df + 1));
}

/*
 * A token's weight as the index keeps it: in halves (a Hangul bigram's
 * share of its word rounded, but never to nothing), up to WEIGHT_MAX.
 */
static float
weight_kept(double w)
{
	return (float)fmin(WEIGHT_MAX, fmax(0.5, round(w * 2) / 2));
}

/* By weight times rarity, most first, the hash settling ties. */
static int
btok_cmp(const void *a, const void *b)
{
	const struct btok *x = a, *y = b;
	double wx = x->weight * x->idf, wy = y->weight * y->idf;

	if (wx != wy)
		return wx > wy ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* The entry's tokens, the TOKENS_MAX that weigh most, with its norms. */
static void
bag_fill(struct story_index *x, struct bag *b, const struct entry *e)
{
	const char *text = e->story_text != NULL ? e->story_text : "";
	const char *nl = strchrnul(text, '\n'), *body = *nl != '\0' ? nl + 1 : "";
	char *title = xstrndup(text, (size_t)(nl - text));
	size_t len = strlen(body);
	char *read = xstrndup(body, utf8_cut(body, len, TEXT_CHARS, len));
	struct post_list *l;
	double hangul = 0, all = 0, xw;

	bag_clear(b);
	story_tokenize(x->tok, title, read, bag_add, b);
	free(title);
	free(read);
	for (size_t i = 0; i < b->n; i++) {
		l = postings_get(&x->post, b->tok[i].hash, x->head);
		b->tok[i].idf = (float)idf(x, l != NULL ? post_n(l) : 0);
	}
	qsort(b->tok, b->n, sizeof(b->tok[0]), btok_cmp);
	if (b->n > TOKENS_MAX)
		b->n = TOKENS_MAX;
	for (size_t i = 0; i < b->n; i++) {
		struct btok *t = &b->tok[i];

		t->weight = weight_kept(t->weight);
		xw = t->weight * t->idf;
		if (t->kind == STORY_TOKEN_HANGUL ||
		    t->kind == STORY_TOKEN_SYLLABLE)
			hangul += t->weight;
		if (t->kind != STORY_TOKEN_PHONETIC) {
			all += t->weight;
			b->norm += xw * xw;
			if (cross_kind(t->kind))
				b->norm_cross += xw * xw;
		}
		if (t->kind == STORY_TOKEN_NUMBER)
			b->amounts = 1;
	}
	b->norm = sqrt(b->norm);
	b->norm_cross = sqrt(b->norm_cross);
	b->hangul = all > 0 && hangul / all >= HANGUL_SHARE;
	bag_links(b, e->story_links);
}

/* --- scoring --- */

/* A new query: no candidate, no story tallied. */
static void
query_start(struct story_index *x)
{
	x->ncand = 0;
	if (++x->gen == 0) {	/* every stamp is stale again */
		memset(x->cand_at, 0, x->cand_at_cap * sizeof(*x->cand_at));
		x->gen = 1;
	}
}

static size_t
cand_home(const struct story_index *x, uint32_t id)
{
	return (size_t)(id * 2654435761u) & (x->cand_at_cap - 1);
}

static void
cand_at_grow(struct story_index *x)
{
	size_t i;

	free(x->cand_at);
	x->cand_at_cap = x->cand_at_cap == 0 ? 1024 : x->cand_at_cap * 2;
	x->cand_at = xcalloc(x->cand_at_cap, sizeof(*x->cand_at));
	for (uint32_t k = 0; k < x->ncand; k++) {
		for (i = cand_home(x, x->cand[k].id); x->cand_at[i].gen ==
		    x->gen; i = (i + 1) & (x->cand_at_cap - 1))
			;
		x->cand_at[i].gen = x->gen;
		x->cand_at[i].at = k;
	}
}

/* Candidate id, found or added. */
static struct cand *
touch(struct story_index *x, uint32_t id)
{
	struct cand *c;
	size_t i;

	if (2 * (x->ncand + 1) > x->cand_at_cap)
		cand_at_grow(x);
	for (i = cand_home(x, id); x->cand_at[i].gen == x->gen;
	    i = (i + 1) & (x->cand_at_cap - 1))
		if (x->cand[x->cand_at[i].at].id == id)
			return &x->cand[x->cand_at[i].at];
	if (x->ncand == x->cand_cap) {
		x->cand_cap = x->cand_cap == 0 ? 256 : x->cand_cap * 2;
		x->cand = xreallocarray(x->cand, x->cand_cap,
		    sizeof(*x->cand));
	}
	x->cand_at[i].gen = x->gen;
	x->cand_at[i].at = (uint32_t)x->ncand;
	c = &x->cand[x->ncand++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

static void
query_end(struct story_index *x)
{
	x->ncand = 0;
	for (size_t i = 0; i < x->ntally; i++)
		x->stories[x->tally[i].slot].tally = 0;
	x->ntally = 0;
}

static int
in_window(const struct story_index *x, uint32_t id, time_t when)
{
	time_t d = (time_t)item_at(x, id)->when - when;

	return d >= -x->window && d <= x->window;
}

/* Marks the entry whose key begins with key as linked. */
static void
touch_cited(struct story_index *x, uint64_t key, time_t when)
{
	uint32_t id;

	if (idmap_get(&x->keys, key, &id) == 0 && in_window(x, id, when))
		touch(x, id)->flags |= CAND_LINKED;
}

/* Marks the entries that cite hash with flag. */
static void
touch_citers(struct story_index *x, uint32_t hash, unsigned char flag,
    time_t when)
{
	size_t at = 0;
	uint32_t id;

	while (citations_next(&x->cites, hash, x->head, &at, &id) == 0)
		if (in_window(x, id, when))
			touch(x, id)->flags |= flag;
}

/* What token t of the new entry adds to candidate c holding it as meta. */
static void
share(struct cand *c, const struct btok *t, unsigned meta)
{
	unsigned kind = t->kind, mkind = META_KIND(meta);
	double xe = t->weight * t->idf, xm = META_HALVES(meta) / 2.0 * t->idf;

	if (kind != STORY_TOKEN_PHONETIC && mkind != STORY_TOKEN_PHONETIC) {
		c->dot += (float)(xe * xm);
		c->shared++;
	}
	if (cross_kind(kind) && cross_kind(mkind)) {
		c->dot_cross += (float)(xe * xm);
		c->shared_cross++;
		if (kind == STORY_TOKEN_PHONETIC)
			c->ph_new += (float)(xe * xe);
		if (mkind == STORY_TOKEN_PHONETIC)
			c->ph_old += (float)(xm * xm);
	}
	if (kind == STORY_TOKEN_NUMBER && mkind == STORY_TOKEN_NUMBER)
		c->flags |= CAND_AMOUNT;
}

/* Candidates by what they share so far, most first; then the older. */
static int
cand_cmp(const struct cand *ca, const struct cand *cb)
{
	int la = (ca->flags & CAND_LINKED) != 0;
	int lb = (cb->flags & CAND_LINKED) != 0;
	float da = ca->dot + ca->dot_cross, db = cb->dot + cb->dot_cross;

	if (la != lb)
		return lb - la;
	if (da != db)
		return da > db ? -1 : 1;
	return (int32_t)(ca->id - cb->id) < 0 ? -1 : 1;
}

/*
 * Keeps the CANDIDATES_MAX candidates that share the most so far: the
 * others would join no story, and looking the common tokens up for
 * thousands of them is what costs.
 */
static void
keep_best(struct story_index *x)
{
	struct cand *v = x->cand, pivot, t;
	long l = 0, r = (long)x->ncand - 1, k = CANDIDATES_MAX - 1, i, j;

	if (x->ncand <= CANDIDATES_MAX)
		return;
	/* Wirth's selection: the best CANDIDATES_MAX first, in any order. */
	while (l < r) {
		pivot = v[k];
		i = l;
		j = r;
		do {
			while (cand_cmp(&v[i], &pivot) < 0)
				i++;
			while (cand_cmp(&pivot, &v[j]) < 0)
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < k)
			l = i;
		if (k < i)
			r = j;
	}
	x->ncand = CANDIDATES_MAX;
}

/*
 * The candidates in id order, as 4-byte keys: the id's distance from
 * the head (less than 2^16, the window being smaller), then the
 * candidate's place (less than 2^8).  Sorting them moves no candidate:
 * two passes of a radix sort on the distance, its low byte first.
 */
static void
order_by_id(struct story_index *x)
{
	uint32_t tmp[CANDIDATES_MAX], *from = x->by_id, *to = tmp, *t;
	size_t count[257], k, d;

	for (k = 0; k < x->ncand; k++)
		x->by_id[k] = (x->cand[k].id - x->head) << 8 | (uint32_t)k;
	for (int shift = 8; shift <= 16; shift += 8) {
		memset(count, 0, sizeof(count));
		for (k = 0; k < x->ncand; k++)
			count[((from[k] >> shift) & 0xff) + 1]++;
		for (d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (k = 0; k < x->ncand; k++)
			to[count[(from[k] >> shift) & 0xff]++] = from[k];
		t = from;
		from = to;
		to = t;
	}
}

/*
 * Adds common token t to the candidates (by_id) that hold it: both
 * lists are walked together, the long one in gallops.
 */
static void
share_common(struct story_index *x, const struct btok *t,
    const struct post_list *l)
{
	uint32_t p = 0, step, lo, hi, mid, id;
	struct cand *c;

	for (size_t k = 0; k < x->ncand && p < post_n(l); k++) {
		c = &x->cand[x->by_id[k] & 0xff];
		id = c->id - x->head;
		for (step = 1; p + step < post_n(l) &&
		    post_id(l, p + step) - x->head < id; step *= 2)
			;
		lo = p + step / 2;
		hi = p + step < post_n(l) ? p + step + 1 : post_n(l);
		if (post_id(l, lo) - x->head >= id)
			hi = lo + 1;
		/* The first place at or after id, in [lo, hi). */
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (post_id(l, mid) - x->head < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		p = lo;
		if (p < post_n(l) && post_id(l, p) == c->id)
			share(c, t, post_meta(l, p));
	}
}

/*
 * The candidates of b, with what they share with it.  Only its rarer
 * tokens (and its links) find candidates; a common one still adds to
 * the best of them that hold it.
 */
static void
accumulate(struct story_index *x, const struct bag *b, time_t when)
{
	uint32_t n = x->next - x->head, dfmax;
	struct post_list *l;
	size_t i, k;

	dfmax = (uint32_t)fmax(DF_FEW, fmin(DF_SHARE * n, DF_MAX));
	for (i = 0; i < b->n; i++) {
		if ((l = postings_get(&x->post, b->tok[i].hash, x->head)) ==
		    NULL || post_n(l) > dfmax)
			continue;
		for (k = 0; k < post_n(l); k++)
			if (in_window(x, post_id(l, (uint32_t)k), when))
				share(touch(x, post_id(l, (uint32_t)k)),
				    &b->tok[i], post_meta(l, (uint32_t)k));
	}
	/* Who cites this entry, whose link it cites, who cites the same. */
	if (b->own_link)
		touch_citers(x, b->as_cite[0], CAND_LINKED, when);
	for (i = b->own_link ? 1 : 0; i < b->nlinks; i++) {
		touch_cited(x, b->cited_key[i], when);
		touch_citers(x, b->as_cite[i], CAND_COCITED, when);
	}
	if (x->ncand == 0)
		return;
	keep_best(x);
	order_by_id(x);
	for (i = 0; i < b->n; i++)
		if ((l = postings_get(&x->post, b->tok[i].hash, x->head)) !=
		    NULL && post_n(l) > dfmax && (post_n(l) <= n / DF_NOISE ||
		    post_n(l) <= DF_NOISE_MIN))
			share_common(x, &b->tok[i], l);
}

static double
score(const struct story_index *x, const struct bag *b,
    const struct cand *c, time_t when)
{
	const struct item *m = item_at(x, c->id);
	double s = 0, d, n;

	if (c->flags & CAND_LINKED)
		return 1.0;
	if (b->hangul == m->hangul) {
		if (c->shared >= 2 && b->norm > 0 && m->norm > 0)
			s = c->dot / (b->norm * m->norm);
	} else if (c->shared_cross >= 1) {
		n = (b->norm_cross * b->norm_cross + c->ph_new) *
		    ((double)m->norm_cross * m->norm_cross + c->ph_old);
		if (n > 0)
			s = CROSS_FACTOR * c->dot_cross / sqrt(n);
	}
	if (s > 0 && b->amounts && m->amounts && !(c->flags & CAND_AMOUNT))
		s *= AMOUNT_CONFLICT;
	if ((c->flags & CAND_COCITED) && s < COCITE_SCORE)
		s = COCITE_SCORE;
	d = fabs((double)m->when - (double)when);
	if (d > DECAY_FREE)
		s /= 1 + (d - DECAY_FREE) / DECAY_SCALE;
	return s;
}

/* The query's tally of story slot, started at nothing. */
static struct tally *
tally_of(struct story_index *x, uint32_t slot)
{
	struct story *s = &x->stories[slot];
	struct tally *t;

	if (s->tally == 0) {
		if (x->ntally == x->tally_cap) {
			x->tally_cap = x->tally_cap == 0 ? 64 :
			    x->tally_cap * 2;
			x->tally = xreallocarray(x->tally, x->tally_cap,
			    sizeof(*x->tally));
		}
		t = &x->tally[x->ntally++];
		memset(t, 0, sizeof(*t));
		t->slot = slot;
		s->tally = (uint32_t)x->ntally;
	}
	return &x->tally[s->tally - 1];
}

/*
 * The story b joins, or -1: per story its best score, and its support
 * among its entries of b's class (or all, when it has none of them).
 */
static long
decide(struct story_index *x, const struct bag *b, time_t when)
{
	const struct tally *bt = NULL;
	const struct story *s;
	struct tally *t;
	uint32_t sup, pool, bsup = 0;
	double sc;

	for (size_t i = 0; i < x->ncand; i++) {
		const struct item *m = item_at(x, x->cand[i].id);

		sc = score(x, b, &x->cand[i], when);
		t = tally_of(x, m->story);
		if (sc > t->top)
			t->top = (float)sc;
		if (sc >= SUPPORT_SCORE) {
			t->support[1]++;
			if (m->hangul == b->hangul)
				t->support[0]++;
		}
	}
	for (size_t i = 0; i < x->ntally; i++) {
		t = &x->tally[i];
		s = &x->stories[t->slot];
		if (t->top < JOIN_SCORE)
			continue;
		if (s->members[b->hangul] > 0) {
			sup = t->support[0];
			pool = s->members[b->hangul];
		} else {
			sup = t->support[1];
			pool = s->members[0] + s->members[1];
		}
		if (pool > SUPPORT_POOL)
			pool = SUPPORT_POOL;
		if (t->top < LINK_SCORE && sup < ceil(SUPPORT_SHARE * pool))
			continue;
		if (bt == NULL || t->top > bt->top || (t->top == bt->top &&
		    (sup > bsup || (sup == bsup && s->root_id <
		    x->stories[bt->slot].root_id)))) {
			bt = t;
			bsup = sup;
		}
	}
	return bt != NULL ? (long)bt->slot : -1;
}

/* Adds e (its key, its tokens in b) to the window as a member of story. */
static void
insert(struct story_index *x, const struct entry *e,
    const unsigned char key[KEY_BYTES], const struct bag *b,
    const unsigned char story[KEY_BYTES], time_t now)
{
	struct item *it;
	uint32_t id, slot;
	uint64_t k;
	size_t i;

	evict(x, now);
	if (x->next - x->head == x->cap)
		ring_grow(x);
	id = x->next++;
	it = item_at(x, id);
	memset(it, 0, sizeof(*it));
	k = prefix64(key);
	it->key[0] = (uint32_t)(k >> 32);
	it->key[1] = (uint32_t)k;
	slot = story_slot(x, story, id);
	it->story = slot;
	it->norm = (float)b->norm;
	it->norm_cross = (float)b->norm_cross;
	it->when = seconds(entry_dated(e) != 0 ? entry_dated(e) : e->seen);
	it->seen = seconds(e->seen != 0 ? e->seen : now);
	it->hangul = b->hangul;
	it->amounts = b->amounts;
	x->stories[slot].members[it->hangul]++;
	idmap_put(&x->keys, id);
	for (i = 0; i < b->n; i++)
		postings_add(&x->post, b->tok[i].hash, id, META(
		    (unsigned)(b->tok[i].weight * 2), b->tok[i].kind), x->head);
	for (i = b->own_link ? 1 : 0; i < b->nlinks; i++)
		citations_add(&x->cites, b->as_cite[i], id, x->head);
}

/*
 * What the index keeps of an entry, as the state keeps it beside the
 * entry (e->story_vec), so that a restart rebuilds the index without
 * reading the texts again: a version, flags, the two norms, the tokens
 * (hash, meta), the links (as cited), then the aliases its reading
 * taught (story_tokenizer_taught).  Little-endian.  A vector of another
 * version is read again from the entry's text.
 */
#define VECTOR_VERSION	2
#define VEC_HANGUL	0x01
#define VEC_AMOUNTS	0x02
#define VEC_OWN_LINK	0x04
#define VEC_HEAD	12

static void
put_u32(struct buf *v, uint32_t n)
{
	for (int i = 0; i < 4; i++)
		buf_addc(v, (char)(n >> (8 * i)));
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_float(struct buf *v, double d)
{
	float f = (float)d;
	uint32_t n;

	memcpy(&n, &f, sizeof(n));
	put_u32(v, n);
}

static float
get_float(const unsigned char *p)
{
	uint32_t n = get_u32(p);
	float f;

	memcpy(&f, &n, sizeof(f));
	return f;
}

static void
vector_write(struct story_index *x, struct entry *e, const struct bag *b)
{
	struct buf v;

	buf_init(&v);
	buf_addc(&v, VECTOR_VERSION);
	buf_addc(&v, (char)((b->hangul ? VEC_HANGUL : 0) |
	    (b->amounts ? VEC_AMOUNTS : 0) | (b->own_link ? VEC_OWN_LINK : 0)));
	put_float(&v, b->norm);
	put_float(&v, b->norm_cross);
	buf_addc(&v, (char)b->n);
	buf_addc(&v, (char)b->nlinks);
	for (size_t i = 0; i < b->n; i++) {
		put_u32(&v, b->tok[i].hash);
		buf_addc(&v, (char)META((unsigned)(b->tok[i].weight * 2),
		    b->tok[i].kind));
	}
	for (size_t i = 0; i < b->nlinks; i++)
		put_u32(&v, b->as_cite[i]);
	story_tokenizer_taught(x->tok, &v);
	free(e->story_vec);
	e->story_vec_len = v.len;
	e->story_vec = (unsigned char *)v.data;
}

/* b from a vector: 0, or -1 when it is none of this version's. */
static int
vector_read(struct bag *b, const unsigned char *v, size_t len,
    size_t *aliases)
{
	size_t need;

	bag_clear(b);
	if (len < VEC_HEAD || v[0] != VECTOR_VERSION || v[10] > TOKENS_MAX ||
	    v[11] > 1 + CITES_MAX)
		return -1;
	b->n = v[10];
	b->nlinks = v[11];
	need = VEC_HEAD + b->n * 5 + b->nlinks * 4;
	if (len < need)
		return -1;
	b->hangul = (v[1] & VEC_HANGUL) != 0;
	b->amounts = (v[1] & VEC_AMOUNTS) != 0;
	b->own_link = (v[1] & VEC_OWN_LINK) != 0;
	b->norm = get_float(v + 2);
	b->norm_cross = get_float(v + 6);
	for (size_t i = 0; i < b->n; i++) {
		const unsigned char *t = v + VEC_HEAD + i * 5;

		b->tok[i].hash = get_u32(t);
		b->tok[i].weight = (float)META_HALVES(t[4]) / 2;
		b->tok[i].kind = (unsigned char)META_KIND(t[4]);
		if (b->tok[i].kind >= STORY_TOKEN_KINDS)
			return -1;
	}
	for (size_t i = 0; i < b->nlinks; i++)
		b->as_cite[i] = get_u32(v + VEC_HEAD + b->n * 5 + i * 4);
	*aliases = need;
	return 0;
}

/* The story of key when the window holds it, else NULL. */
static const unsigned char *
known(const struct story_index *x, const unsigned char key[KEY_BYTES])
{
	uint32_t id;

	if (idmap_get(&x->keys, prefix64(key), &id) == -1)
		return NULL;
	return x->stories[item_at(x, id)->story].root;
}

void
story_assign(struct story_index *x, struct entry *e, time_t now)
{
	unsigned char key[KEY_BYTES], story[KEY_BYTES];
	const unsigned char *found;
	struct bag *b;
	long slot;
	time_t when = entry_dated(e) != 0 ? entry_dated(e) : e->seen;

	if (e->story_text == NULL)
		story_evidence(e);
	evict(x, now);
	if (entry_key_parse(e->key, key) == -1) {
		memcpy(e->story, e->key, KEY_HEX_SIZE);
		return;
	}
	if ((found = known(x, key)) != NULL) {
		entry_key_hex(found, e->story);
		return;
	}
	b = xmalloc(sizeof(*b));
	bag_fill(x, b, e);
	query_start(x);
	if (x->cap > 0)
		accumulate(x, b, when);
	slot = decide(x, b, when);
	memcpy(story, slot >= 0 ? x->stories[slot].root : key, KEY_BYTES);
	query_end(x);
	entry_key_hex(story, e->story);
	insert(x, e, key, b, story, now);
	vector_write(x, e, b);
	free(b);
}

void
story_restore(struct story_index *x, const struct entry *e, time_t now)
{
	unsigned char key[KEY_BYTES], story[KEY_BYTES];
	struct bag *b;
	size_t aliases;

	if (entry_key_parse(e->key, key) == -1 ||
	    entry_key_parse(e->story, story) == -1 || known(x, key) != NULL ||
	    e->seen < now - x->window)
		return;
	b = xmalloc(sizeof(*b));
	if (e->story_vec != NULL && vector_read(b, e->story_vec,
	    e->story_vec_len, &aliases) == 0)
		story_tokenizer_teach(x->tok, (const char *)e->story_vec +
		    aliases, e->story_vec_len - aliases);
	else {
		bag_fill(x, b, e);
		story_tokenizer_teach(x->tok, "", 0);	/* learnt before */
	}
	insert(x, e, key, b, story, now);
	free(b);
}

size_t
story_index_entries(const struct story_index *x)
{
	return x->next - x->head;
}

size_t
story_index_bytes(const struct story_index *x)
{
	return sizeof(*x) + x->cap * sizeof(*x->ring) +
	    x->cand_cap * sizeof(*x->cand) +
	    x->cand_at_cap * sizeof(*x->cand_at) +
	    x->tally_cap * sizeof(*x->tally) + postings_bytes(&x->post) +
	    citations_bytes(&x->cites) +
	    idmap_bytes(&x->keys) + idmap_bytes(&x->roots) +
	    x->nstories * (sizeof(*x->stories) + sizeof(uint32_t));
}
