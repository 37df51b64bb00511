/*
 * Authors, contributors and publishers: person elements, and the
 * "Name (email)" strings feedparser splits into author_detail.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "feed_priv.h"
#include "xmalloc.h"

static void	 en_name(struct feed__parser *, const char *);

/*
 * feedparser's email pattern, searched leftmost-first, but with a
 * top-level domain of 2 to 63 letters where it allows 2 to 4: .museum,
 * .photography and the other long ones were cut (ann@example.muse).
 */
static int
match_email(const char *s, size_t *mstart, size_t *mlen)
{
	size_t n = strlen(s), at, i, j, k, st, lab[256], nl, t, e;

#define LOCALCH(c)	(isalnum((unsigned char)(c)) || (c) == '_' || \
			    (c) == '-' || (c) == '.' || (c) == '+')
#define LABELCH(c)	(isalnum((unsigned char)(c)) || (c) == '-')
	for (i = 0; i < n; i++) {
		if (!LOCALCH(s[i]))
			continue;
		for (at = i; at < n && LOCALCH(s[at]); at++)
			;
		if (at >= n || s[at] != '@') {
			i = at;
			continue;
		}
		st = i;
		/* Greedy (label\.)+ then backtrack to fit the TLD. */
		nl = 0;
		j = at + 1;
		while (nl < NELEM(lab)) {
			for (k = j; k < n && LABELCH(s[k]); k++)
				;
			if (k == j || k >= n || s[k] != '.')
				break;
			lab[nl++] = j;
			j = k + 1;
		}
		while (nl > 0) {
			/* The TLD starts after the nl-th label. */
			t = j;
			for (e = t; e < n && e - t < 63 &&
			    isalpha((unsigned char)s[e]); e++)
				;
			if (e - t < 2) {
				for (e = t; e < n && e - t < 3 &&
				    isdigit((unsigned char)s[e]); e++)
					;
				if (e == t)
					e = 0;
			}
			if (e != 0) {
				if (e < n && s[e] == ']')
					e++;
				if (strncmp(s + e, "?subject=", 9) == 0 &&
				    e + 9 < n && !isspace((unsigned char)s[e + 9])) {
					for (e += 9; e < n &&
					    !isspace((unsigned char)s[e]); e++)
						;
				}
				*mstart = st;
				*mlen = e - st;
				return 1;
			}
			nl--;
			j = lab[nl];
		}
		i = at;
	}
#undef LOCALCH
#undef LABELCH
	return 0;
}

static void
str_remove_all(char *s, const char *what)
{
	size_t n = strlen(what);
	char *p;

	if (n == 0)
		return;
	while ((p = strstr(s, what)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

static void
person_set(struct feed_person *d, const char *key, const char *value)
{
	if (strcmp(key, "name") == 0)
		feed__set_str(&d->name, value);
	else if (strcmp(key, "email") == 0)
		feed__set_str(&d->email, value);
	else
		feed__set_str(&d->href, value);
}

static void
sync_author(struct feed__parser *p)
{
	struct feed__ctx *c = feed__context(p);
	struct feed_person *d = &c->cur_author;
	const char *name, *email;
	char *author, *em = NULL, *t;
	size_t ms, ml;

	if (c->nauthors > 0 && (d->name || d->email || d->href)) {
		name = d->name;
		email = d->email;
		free(c->str[F_AUTHOR]);
		c->str[F_AUTHOR] = NULL;
		if (name && *name && email && *email)
			c->str[F_AUTHOR] = xasprintf("%s (%s)", name, email);
		else if (name && *name)
			c->str[F_AUTHOR] = xstrdup(name);
		else if (email && *email)
			c->str[F_AUTHOR] = xstrdup(email);
		return;
	}
	if (c->str[F_AUTHOR] == NULL || *c->str[F_AUTHOR] == '\0')
		return;
	author = xstrdup(c->str[F_AUTHOR]);
	if (match_email(author, &ms, &ml)) {
		em = xstrndup(author + ms, ml);
		str_remove_all(author, em);
		str_remove_all(author, "()");
		str_remove_all(author, "<>");
		str_remove_all(author, "&lt;&gt;");
		t = feed__strip_dup(author, strlen(author));
		free(author);
		author = t;
		if (*author == '(')
			memmove(author, author + 1, strlen(author));
		if (*author != '\0' && author[strlen(author) - 1] == ')')
			author[strlen(author) - 1] = '\0';
		t = feed__strip_dup(author, strlen(author));
		free(author);
		author = t;
	}
	if (*author != '\0' || em != NULL) {
		if (!c->has_author_detail) {
			c->has_author_detail = 1;
			if (*author != '\0')
				feed__set_str(&c->author_detail.name, author);
			if (em != NULL)
				feed__set_str(&c->author_detail.email, em);
		}
		if (*author != '\0')
			feed__set_str(&c->cur_author.name, author);
		if (em != NULL)
			feed__set_str(&c->cur_author.email, em);
		if (c->nauthors == 0)
			c->nauthors = 1;
	}
	free(author);
	free(em);
}

static void
save_author(struct feed__parser *p, const char *key, const char *value)
{
	struct feed__ctx *c = feed__context(p);

	if (p->author_later)
		return;
	c->has_author_detail = 1;
	person_set(&c->author_detail, key, value);
	sync_author(p);
	if (c->nauthors == 0)
		c->nauthors = 1;
	person_set(&c->cur_author, key, value);
}

/*
 * Of several authors the first is the author, display string and detail
 * alike; feedparser takes the string from the last and mixes the detail.
 */
static void
st_author(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	struct feed__ctx *c;

	(void)tag;
	(void)a;
	(void)n;
	p->inauthor = 1;
	feed__push(p, "author", 1);
	c = feed__context(p);
	p->author_later = c->has_author_detail ||
	    (c->str[F_AUTHOR] != NULL && *c->str[F_AUTHOR] != '\0');
	if (p->author_later)
		return;
	feed__person_free(&c->cur_author);
	c->nauthors++;
}

static void
en_author(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "author"));
	p->inauthor = 0;
	if (!p->author_later)
		sync_author(p);
	p->author_later = 0;
}

static void
st_contributor(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->incontributor = 1;
	feed__push(p, "contributor", 0);
}

static void
en_contributor(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "contributor"));
	p->incontributor = 0;
}

static void
st_dc_contributor(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->incontributor = 1;
	feed__push(p, "name", 0);
}

static void
en_dc_contributor(struct feed__parser *p, const char *tag)
{
	en_name(p, tag);
	p->incontributor = 0;
}

static void
en_name(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "name");
	if (v == NULL)
		return;
	if (p->inpublisher)
		;
	else if (p->inauthor)
		save_author(p, "name", v);
	free(v);
}

static void
en_email(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "email");
	if (v == NULL)
		return;
	if (!p->inpublisher && p->inauthor)
		save_author(p, "email", v);
	free(v);
}

static void
en_url(struct feed__parser *p, const char *tag)
{
	char *v;

	(void)tag;
	v = feed__pop(p, "href");
	if (v == NULL)
		return;
	if (p->inauthor)
		save_author(p, "href", v);
	free(v);
}

static void
st_itunes_owner(struct feed__parser *p, const char *tag, char **a, size_t n)
{
	(void)tag;
	(void)a;
	(void)n;
	p->inpublisher = 1;
	feed__push(p, "publisher", 0);
}

static void
en_itunes_owner(struct feed__parser *p, const char *tag)
{
	(void)tag;
	free(feed__pop(p, "publisher"));
	p->inpublisher = 0;
}

static const struct feed__handler handlers[] = {
	{ "author",		st_author,		en_author },
	{ "contributor",	st_contributor,		en_contributor },
	{ "dc_author",		st_author,		en_author },
	{ "dc_contributor",	st_dc_contributor,	en_dc_contributor },
	{ "dc_creator",		st_author,		en_author },
	{ "email",		feed__st_simple,		en_email },
	{ "homepage",		feed__st_simple,		en_url },
	{ "itunes_author",	st_author,		en_author },
	{ "itunes_email",	feed__st_simple,		en_email },
	{ "itunes_name",	feed__st_simple,		en_name },
	{ "itunes_owner",	st_itunes_owner,	en_itunes_owner },
	{ "managingeditor",	st_author,		en_author },
	{ "name",		feed__st_simple,		en_name },
	{ "uri",		feed__st_simple,		en_url },
	{ "url",		feed__st_simple,		en_url },
};

const struct feed__handlers feed__people_handlers = {
	handlers, NELEM(handlers)
};
