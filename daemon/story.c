/*
 * The story index.  Entries sit in a ring in delivery order, numbered by
 * an id that only grows; the inverted index (story_post.h) lists, per
 * token and per link, the ids that hold it with the entry's weight for
 * it.  A new entry's candidates are the entries its rarer tokens and its
 * links lead to; its score against each is accumulated from those lists
 * (dot products, shared counts), never from a walk of the window.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"
#include "story.h"
#include "story_post.h"
#include "story_tokens.h"
#include "u64map.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

/* What grouping reads of an entry (characters), and keeps of it. */
#define TITLE_CHARS	300
#define TEXT_CHARS	500
#define CITES_MAX	6	/* more is a list of links, not a citation */
#define TOKENS_MAX	40
#define TOKENS_READ	512	/* distinct tokens read before the cut */
/* Past this many entries the oldest go, whatever the window. */
#define ENTRIES_MAX	50000

/* Weights: of the title, per kind of token; the inverse frequency's prior. */
#define TITLE_WEIGHT	3.0
#define IDF_PRIOR	50.0
/*
 * The candidates the common tokens are looked up for: those that share
 * the most with the entry by its rarer tokens (or a link).
 */
#define CANDIDATES_MAX	256
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

/* An entry is known by the first half of its key: 128 bits. */
#define KEY_KEPT		(KEY_BYTES / 2)

struct item {
	time_t		 when;		/* published, else seen */
	time_t		 seen;
	unsigned char	 key[KEY_KEPT];
	uint32_t	 story;		/* its slot in stories */
	float		 norm;		/* of the tokens but phonetic keys */
	float		 norm_cross;	/* of those both scripts share */
	unsigned char	 hangul;	/* its script class */
	unsigned char	 amounts;	/* it has a number with a scale */
};

struct story {
	unsigned char	 root[KEY_BYTES];
	uint32_t	 root_id;	/* the older story has the lower */
	uint32_t	 members[2];	/* in the window, by script class */
	/* One query's scratch. */
	float		 top;
	uint32_t	 support[2];	/* same class, any class */
	int		 touched;
};

/* One query's scratch per candidate, by ring slot. */
struct cand {
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

struct story_index {
	long		 window;
	struct item	*ring;
	struct cand	*cand;
	uint32_t	*touched;
	size_t		 ntouched;
	size_t		 cap;		/* a power of two */
	uint32_t	 head;		/* the oldest id held */
	uint32_t	 next;		/* the id the next entry gets */
	struct postings	 post;		/* tokens */
	struct postings	 links;		/* "link:URL" and "cite:URL" */
	struct u64map	 keys;		/* key -> id */
	struct u64map	 roots;		/* story root -> slot in stories */
	struct story	*stories;
	uint32_t	*free_stories;
	size_t		 nstories;
	size_t		 nfree;
	uint32_t	*touched_stories;
	size_t		 ntouched_stories;
	struct story_tokenizer *tok;
};

/* One entry's tokens, then the kept ones, and its links. */
struct bag {
	struct btok {
		uint32_t	 hash;
		float		 weight;	/* in halves */
		float		 idf;
		unsigned char	 kind;
	}		 tok[TOKENS_READ];
	size_t		 n;
	/* Its own link (when it has one) and those it cites, as each kind. */
	uint32_t	 as_link[1 + CITES_MAX];
	uint32_t	 as_cite[1 + CITES_MAX];
	size_t		 nlinks;
	int		 own_link;	/* the first link is its own */
	unsigned char	 hangul;
	unsigned char	 amounts;
	double		 norm;
	double		 norm_cross;
};

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
	postings_clear(&x->post);
	postings_clear(&x->links);
	u64map_clear(&x->keys);
	u64map_clear(&x->roots);
	free(x->ring);
	free(x->cand);
	free(x->touched);
	free(x->stories);
	free(x->free_stories);
	free(x->touched_stories);
	story_tokenizer_free(x->tok);
	free(x);
}

static struct item *
item_at(const struct story_index *x, uint32_t id)
{
	return &x->ring[id & (x->cap - 1)];
}

/* --- stories --- */

static uint32_t
story_slot(struct story_index *x, const unsigned char root[KEY_BYTES],
    uint32_t root_id)
{
	uint32_t *v = u64map_get(&x->roots, prefix64(root)), slot;
	struct story *s;

	if (v != NULL)
		return *v;
	if (x->nfree > 0)
		slot = x->free_stories[--x->nfree];
	else {
		x->stories = xreallocarray(x->stories, x->nstories + 1,
		    sizeof(*x->stories));
		x->free_stories = xreallocarray(x->free_stories,
		    x->nstories + 1, sizeof(*x->free_stories));
		x->touched_stories = xreallocarray(x->touched_stories,
		    x->nstories + 1, sizeof(*x->touched_stories));
		slot = (uint32_t)x->nstories++;
	}
	s = &x->stories[slot];
	memset(s, 0, sizeof(*s));
	memcpy(s->root, root, KEY_BYTES);
	s->root_id = root_id;
	u64map_put(&x->roots, prefix64(root), slot);
	return slot;
}

static void
story_leave(struct story_index *x, uint32_t slot, int hangul)
{
	struct story *s = &x->stories[slot];

	if (--s->members[hangul] > 0 || s->members[!hangul] > 0)
		return;
	u64map_del(&x->roots, prefix64(s->root));
	x->free_stories[x->nfree++] = slot;
}

/* --- the window --- */

static void
evict(struct story_index *x, time_t now)
{
	struct item *it;

	while (x->head != x->next) {
		it = item_at(x, x->head);
		if (it->seen >= now - x->window &&
		    x->next - x->head < ENTRIES_MAX)
			break;
		u64map_del(&x->keys, prefix64(it->key));
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
	free(x->cand);
	free(x->touched);
	x->ring = ring;
	x->cap = cap;
	x->cand = xcalloc(cap, sizeof(*x->cand));
	x->touched = xcalloc(cap, sizeof(*x->touched));
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
	add_plain(&t, text, TEXT_CHARS);
	buf_addc(&t, '\0');
	free(text);
	free(e->story_text);
	free(e->story_links);
	e->story_text = buf_release(&t);
	e->story_links = buf_release(&c.b);
}

static void
bag_add(void *arg, enum story_token_kind kind, enum story_part part,
    const char *tok, size_t len)
{
	struct bag *b = arg;
	uint32_t h = story_token_hash(tok, len);
	double w = kind_weight[kind] * (part == STORY_PART_TITLE ?
	    TITLE_WEIGHT : 1.0);
	size_t i;

	for (i = 0; i < b->n && b->tok[i].hash != h; i++)
		;
	if (i == b->n) {
		if (b->n == TOKENS_READ)
			return;
		b->tok[i].hash = h;
		b->tok[i].weight = 0;
		b->tok[i].kind = (unsigned char)kind;
		b->n++;
	} else if (b->tok[i].kind == STORY_TOKEN_ALIAS)
		b->tok[i].kind = (unsigned char)kind;
	b->tok[i].weight += (float)w;
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

/* The links, one a line: the entry's own (or an empty line) first. */
static void
bag_links(struct bag *b, const char *links)
{
	const char *p = links != NULL ? links : "", *nl;

	b->nlinks = 0;
	b->own_link = *p != '\0' && *p != '\n';
	for (;;) {
		nl = strchrnul(p, '\n');
		if (nl > p && b->nlinks < 1 + CITES_MAX) {
			b->as_link[b->nlinks] = link_hash("link:", p,
			    (size_t)(nl - p));
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
	const char *nl = strchrnul(text, '\n');
	char *title = xstrndup(text, (size_t)(nl - text));
	struct post_list *l;
	double hangul = 0, all = 0, xw;

	memset(b, 0, sizeof(*b));
	story_tokenize(x->tok, title, *nl != '\0' ? nl + 1 : "", bag_add, b);
	free(title);
	for (size_t i = 0; i < b->n; i++) {
		l = postings_get(&x->post, b->tok[i].hash, x->head);
		b->tok[i].idf = (float)idf(x, l != NULL ? post_n(l) : 0);
	}
	qsort(b->tok, b->n, sizeof(b->tok[0]), btok_cmp);
	if (b->n > TOKENS_MAX)
		b->n = TOKENS_MAX;
	for (size_t i = 0; i < b->n; i++) {
		struct btok *t = &b->tok[i];

		if (t->weight > WEIGHT_MAX)
			t->weight = WEIGHT_MAX;
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

static struct cand *
touch(struct story_index *x, uint32_t id)
{
	struct cand *c = &x->cand[id & (x->cap - 1)];

	if (c->flags == 0) {
		x->touched[x->ntouched++] = id;
		c->flags = CAND_TOUCHED;
	}
	return c;
}

static void
scratch_clear(struct story_index *x)
{
	for (size_t i = 0; i < x->ntouched; i++)
		memset(&x->cand[x->touched[i] & (x->cap - 1)], 0,
		    sizeof(*x->cand));
	x->ntouched = 0;
	for (size_t i = 0; i < x->ntouched_stories; i++)
		x->stories[x->touched_stories[i]].touched = 0;
	x->ntouched_stories = 0;
}

static int
in_window(const struct story_index *x, uint32_t id, time_t when)
{
	time_t d = item_at(x, id)->when - when;

	return d >= -x->window && d <= x->window;
}

/* Marks the entries of hash's postings with flag. */
static void
touch_links(struct story_index *x, uint32_t hash, unsigned char flag,
    time_t when)
{
	struct post_list *l = postings_get(&x->links, hash, x->head);

	for (uint32_t k = 0; l != NULL && k < post_n(l); k++)
		if (in_window(x, post_id(l, k), when))
			touch(x, post_id(l, k))->flags |= flag;
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
cand_cmp(const struct story_index *x, uint32_t ia, uint32_t ib)
{
	const struct cand *ca = &x->cand[ia & (x->cap - 1)];
	const struct cand *cb = &x->cand[ib & (x->cap - 1)];
	int la = (ca->flags & CAND_LINKED) != 0;
	int lb = (cb->flags & CAND_LINKED) != 0;
	float da = ca->dot + ca->dot_cross, db = cb->dot + cb->dot_cross;

	if (la != lb)
		return lb - la;
	if (da != db)
		return da > db ? -1 : 1;
	return (int32_t)(ia - ib) < 0 ? -1 : 1;
}

/*
 * Keeps the CANDIDATES_MAX candidates that share the most so far: the
 * others would join no story, and looking the common tokens up for
 * thousands of them is what costs.
 */
static void
keep_best(struct story_index *x)
{
	uint32_t *v = x->touched, pivot, t;
	long l = 0, r = (long)x->ntouched - 1, k = CANDIDATES_MAX - 1, i, j;

	if (x->ntouched <= CANDIDATES_MAX)
		return;
	/* Wirth's selection: the best CANDIDATES_MAX first, in any order. */
	while (l < r) {
		pivot = v[k];
		i = l;
		j = r;
		do {
			while (cand_cmp(x, v[i], pivot) < 0)
				i++;
			while (cand_cmp(x, pivot, v[j]) < 0)
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
	for (size_t q = CANDIDATES_MAX; q < x->ntouched; q++)
		memset(&x->cand[v[q] & (x->cap - 1)], 0, sizeof(*x->cand));
	x->ntouched = CANDIDATES_MAX;
}

static int
id_cmp(const void *a, const void *b, void *arg)
{
	uint32_t head = *(const uint32_t *)arg;
	uint32_t ia = *(const uint32_t *)a - head, ib = *(const uint32_t *)b -
	    head;

	return ia < ib ? -1 : ia > ib;
}

/*
 * Adds common token t to the candidates (ascending ids) that hold it:
 * both lists are walked together, the long one in gallops.
 */
static void
share_common(struct story_index *x, const struct btok *t,
    const struct post_list *l)
{
	uint32_t p = 0, step, lo, hi, mid, id;

	for (size_t k = 0; k < x->ntouched && p < post_n(l); k++) {
		id = x->touched[k] - x->head;
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
		if (p < post_n(l) && post_id(l, p) == x->touched[k])
			share(&x->cand[x->touched[k] & (x->cap - 1)], t,
			    post_meta(l, p));
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
		touch_links(x, b->as_cite[0], CAND_LINKED, when);
	for (i = b->own_link ? 1 : 0; i < b->nlinks; i++) {
		touch_links(x, b->as_link[i], CAND_LINKED, when);
		touch_links(x, b->as_cite[i], CAND_COCITED, when);
	}
	keep_best(x);
	qsort_r(x->touched, x->ntouched, sizeof(*x->touched), id_cmp,
	    &x->head);
	for (i = 0; i < b->n; i++)
		if ((l = postings_get(&x->post, b->tok[i].hash, x->head)) !=
		    NULL && post_n(l) > dfmax && (post_n(l) <= n / DF_NOISE ||
		    post_n(l) <= DF_NOISE_MIN))
			share_common(x, &b->tok[i], l);
}

static double
score(const struct story_index *x, const struct bag *b, uint32_t id,
    time_t when)
{
	const struct cand *c = &x->cand[id & (x->cap - 1)];
	const struct item *m = item_at(x, id);
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
	d = fabs((double)(m->when - when));
	if (d > DECAY_FREE)
		s /= 1 + (d - DECAY_FREE) / DECAY_SCALE;
	return s;
}

/*
 * The story b joins, or -1: per story its best score, and its support
 * among its entries of b's class (or all, when it has none of them).
 */
static long
decide(struct story_index *x, const struct bag *b, time_t when)
{
	long best = -1;
	struct story *s, *bs = NULL;
	uint32_t sup, pool, bsup = 0;
	double sc;

	for (size_t i = 0; i < x->ntouched; i++) {
		const struct item *m = item_at(x, x->touched[i]);

		sc = score(x, b, x->touched[i], when);
		s = &x->stories[m->story];
		if (!s->touched) {
			s->touched = 1;
			s->top = 0;
			s->support[0] = s->support[1] = 0;
			x->touched_stories[x->ntouched_stories++] = m->story;
		}
		if (sc > s->top)
			s->top = (float)sc;
		if (sc >= SUPPORT_SCORE) {
			s->support[1]++;
			if (m->hangul == b->hangul)
				s->support[0]++;
		}
	}
	for (size_t i = 0; i < x->ntouched_stories; i++) {
		s = &x->stories[x->touched_stories[i]];
		if (s->top < JOIN_SCORE)
			continue;
		if (s->members[b->hangul] > 0) {
			sup = s->support[0];
			pool = s->members[b->hangul];
		} else {
			sup = s->support[1];
			pool = s->members[0] + s->members[1];
		}
		if (pool > SUPPORT_POOL)
			pool = SUPPORT_POOL;
		if (s->top < LINK_SCORE && sup < ceil(SUPPORT_SHARE * pool))
			continue;
		if (bs == NULL || s->top > bs->top || (s->top == bs->top &&
		    (sup > bsup || (sup == bsup && s->root_id <
		    bs->root_id)))) {
			bs = s;
			bsup = sup;
			best = (long)x->touched_stories[i];
		}
	}
	return best;
}

/* Adds e (its tokens in b) to the window as a member of story slot. */
static void
insert(struct story_index *x, const struct entry *e, const struct bag *b,
    const unsigned char story[KEY_BYTES], time_t now)
{
	unsigned char key[KEY_BYTES];
	struct item *it;
	uint32_t id, slot;
	size_t i;

	evict(x, now);
	if (x->next - x->head == x->cap)
		ring_grow(x);
	id = x->next++;
	it = item_at(x, id);
	memset(it, 0, sizeof(*it));
	entry_key_parse(e->key, key);
	memcpy(it->key, key, KEY_KEPT);
	slot = story_slot(x, story, id);
	it->story = slot;
	it->norm = (float)b->norm;
	it->norm_cross = (float)b->norm_cross;
	it->when = e->published != 0 ? e->published : e->seen;
	it->seen = e->seen != 0 ? e->seen : now;
	it->hangul = b->hangul;
	it->amounts = b->amounts;
	x->stories[slot].members[it->hangul]++;
	u64map_put(&x->keys, prefix64(it->key), id);
	for (i = 0; i < b->n; i++)
		postings_add(&x->post, b->tok[i].hash, id, META(
		    (unsigned)(b->tok[i].weight * 2), b->tok[i].kind), x->head);
	if (b->own_link)
		postings_add(&x->links, b->as_link[0], id, 0, x->head);
	for (i = b->own_link ? 1 : 0; i < b->nlinks; i++)
		postings_add(&x->links, b->as_cite[i], id, 0, x->head);
}

/*
 * What the index keeps of an entry, as the state keeps it beside the
 * entry (e->story_vec), so that a restart rebuilds the index without
 * reading the texts again: a version, flags, the two norms, the tokens
 * (hash, meta), the links (as link, as cite), then the aliases its
 * reading taught (story_tokenizer_taught).  Little-endian.
 */
#define VECTOR_VERSION	1
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
	for (size_t i = 0; i < b->nlinks; i++) {
		put_u32(&v, b->as_link[i]);
		put_u32(&v, b->as_cite[i]);
	}
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

	memset(b, 0, sizeof(*b));
	if (len < VEC_HEAD || v[0] != VECTOR_VERSION || v[10] > TOKENS_MAX ||
	    v[11] > 1 + CITES_MAX)
		return -1;
	b->n = v[10];
	b->nlinks = v[11];
	need = VEC_HEAD + b->n * 5 + b->nlinks * 8;
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
	for (size_t i = 0; i < b->nlinks; i++) {
		const unsigned char *l = v + VEC_HEAD + b->n * 5 + i * 8;

		b->as_link[i] = get_u32(l);
		b->as_cite[i] = get_u32(l + 4);
	}
	*aliases = need;
	return 0;
}

/* The story of key when the window holds it, else NULL. */
static const unsigned char *
known(const struct story_index *x, const unsigned char key[KEY_BYTES])
{
	uint32_t *id = u64map_get(&x->keys, prefix64(key));
	const struct item *it;

	if (id == NULL)
		return NULL;
	it = item_at(x, *id);
	return memcmp(it->key, key, KEY_KEPT) == 0 ?
	    x->stories[it->story].root : NULL;
}

void
story_assign(struct story_index *x, struct entry *e, time_t now)
{
	unsigned char key[KEY_BYTES], story[KEY_BYTES];
	const unsigned char *found;
	struct bag *b;
	long slot;
	time_t when = e->published != 0 ? e->published : e->seen;

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
	if (x->cap > 0)
		accumulate(x, b, when);
	slot = decide(x, b, when);
	memcpy(story, slot >= 0 ? x->stories[slot].root : key, KEY_BYTES);
	scratch_clear(x);
	entry_key_hex(story, e->story);
	insert(x, e, b, story, now);
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
	insert(x, e, b, story, now);
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
	return sizeof(*x) + x->cap * (sizeof(*x->ring) + sizeof(*x->cand) +
	    sizeof(*x->touched)) + postings_bytes(&x->post) +
	    postings_bytes(&x->links) +
	    u64map_bytes(&x->keys) + u64map_bytes(&x->roots) +
	    x->nstories * (sizeof(*x->stories) + 2 * sizeof(uint32_t));
}
